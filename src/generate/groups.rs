//! The ethnic groups of a generated province: the group names, the regions that order
//! them, the province types, and the draw of population shares (in hundredths of a percent).

use crate::rng::Rng;

/// The ethnic groups used, with the Vietnamese names a roster would give (2019 census names).
const GROUP_NAMES: &[(&str, &str)] = &[
    ("Kinh", "Kinh"),
    ("Tay", "Tày"),
    ("Thai", "Thái"),
    ("Muong", "Mường"),
    ("Khmer", "Khmer;Khơ-me"),
    ("Mong", "Mông;H'Mông"),
    ("Nung", "Nùng"),
    ("Dao", "Dao"),
    ("Hoa", "Hoa"),
    ("GiaRai", "Gia Rai;Jrai"),
    ("EDe", "Ê Đê;Ê-đê"),
    ("BaNa", "Ba Na"),
    ("SanChay", "Sán Chay"),
    ("Cham", "Chăm"),
    ("CoHo", "Cơ Ho"),
    ("XoDang", "Xơ Đăng"),
    ("SanDiu", "Sán Dìu"),
    ("Hre", "Hrê"),
    ("RaGlai", "Ra Glai"),
    ("Mnong", "Mnông"),
    ("Tho", "Thổ"),
    ("Stieng", "Xtiêng"),
    ("KhoMu", "Khơ Mú"),
    ("BruVanKieu", "Bru-Vân Kiều"),
    ("CoTu", "Cơ Tu"),
    ("Giay", "Giáy"),
    ("TaOi", "Tà Ôi"),
    ("XinhMun", "Xinh Mun"),
    ("HaNhi", "Hà Nhì"),
    ("Lao", "Lào"),
    ("ChoRo", "Chơ Ro"),
    ("GieTrieng", "Giẻ Triêng"),
    ("OtherEM", "Khác"),
];

/// Regions and their EM groups, the larger first (invented orderings, public group names).
pub(super) const REGIONS: &[(&str, &[&str])] = &[
    (
        "northwest",
        &[
            "Thai", "Mong", "Muong", "Dao", "KhoMu", "XinhMun", "HaNhi", "Lao",
        ],
    ),
    (
        "northeast",
        &[
            "Tay", "Nung", "Dao", "Mong", "SanChay", "SanDiu", "Giay", "Hoa",
        ],
    ),
    (
        "north_central",
        &["Muong", "Thai", "Mong", "Tho", "KhoMu", "Dao"],
    ),
    (
        "central_coast",
        &[
            "CoTu",
            "BruVanKieu",
            "TaOi",
            "Hre",
            "XoDang",
            "RaGlai",
            "Cham",
            "GieTrieng",
        ],
    ),
    (
        "central_highlands",
        &[
            "GiaRai", "EDe", "BaNa", "XoDang", "Mnong", "CoHo", "Tay", "Nung",
        ],
    ),
    (
        "southeast",
        &["Hoa", "Khmer", "Stieng", "ChoRo", "Cham", "Tay", "Nung"],
    ),
    ("mekong_delta", &["Khmer", "Hoa", "Cham"]),
    (
        "red_river_delta",
        &["Muong", "Tay", "Thai", "Nung", "Dao", "Hoa", "SanDiu"],
    ),
];

/// A province type.
pub(super) struct ProvinceType {
    pub name: &'static str,
    pub probability: f64,
    /// Range of the EM share of the population, as fractions.
    pub em: (f64, f64),
    /// Share of the commune-level units that are wards.
    pub ward_share: f64,
    /// Indices into `REGIONS` it draws its region from.
    pub regions: &'static [usize],
}

/// Province types: mountain, midland and lowland.
pub(super) const TYPES: &[ProvinceType] = &[
    ProvinceType {
        name: "mountain",
        probability: 0.45,
        em: (0.50, 0.95),
        ward_share: 0.10,
        regions: &[0, 1, 2, 4],
    },
    ProvinceType {
        name: "midland",
        probability: 0.20,
        em: (0.30, 0.50),
        ward_share: 0.15,
        regions: &[1, 2, 3, 4],
    },
    ProvinceType {
        name: "lowland",
        probability: 0.35,
        em: (0.08, 0.30),
        ward_share: 0.25,
        regions: &[3, 5, 6, 7],
    },
];

/// One ethnic group of a province.
pub(super) struct Group {
    pub id: &'static str,
    pub em: bool,
    /// Hundredths of a percent of the population.
    pub bp: u32,
}

/// The Vietnamese names of a group (`;`-separated), as a roster would give them.
pub(super) fn names_of(group: &str) -> &'static str {
    GROUP_NAMES
        .iter()
        .find(|(g, _)| *g == group)
        .map(|(_, n)| *n)
        .unwrap_or("")
}

/// Kinh, 2–6 named EM groups of the region and `OtherEM`, 4–8 in all, shares summing to
/// exactly 100.00; sorted by share, `OtherEM` last.
pub(super) fn draw_groups(rng: &mut Rng, e: f64, region: &[&'static str]) -> Vec<Group> {
    let total = rng.int(4, 8) as usize;
    let named = (total - 2).min(region.len());
    // Draw without replacement, earlier groups of the region more likely.
    let mut pool: Vec<&'static str> = region.to_vec();
    let mut chosen = Vec::new();
    for _ in 0..named {
        let w: Vec<f64> = (0..pool.len()).map(|i| 1.0 / (i as f64 + 1.0)).collect();
        chosen.push(pool.remove(rng.weighted(&w)));
    }
    // The region's main groups keep the larger shares.
    chosen.sort_by_key(|g| region.iter().position(|r| r == g));
    let em_bp = (e * 10000.0).round() as u32;
    let other = ((em_bp as f64 * rng.range(0.01, 0.05)).round() as u32).max(1);
    let weights: Vec<f64> = (0..named)
        .map(|j| rng.range(0.3, 1.0) * 0.5f64.powi(j as i32))
        .collect();
    let shares = largest_remainder(em_bp - other, &weights);
    let mut groups: Vec<Group> = chosen
        .iter()
        .zip(shares)
        .map(|(id, bp)| Group {
            id,
            em: true,
            bp: bp.max(1),
        })
        .collect();
    let em_sum: u32 = groups.iter().map(|g| g.bp).sum::<u32>() + other;
    groups.push(Group {
        id: "Kinh",
        em: false,
        bp: 10000 - em_sum,
    });
    groups.sort_by_key(|g| (std::cmp::Reverse(g.bp), g.id));
    groups.push(Group {
        id: "OtherEM",
        em: true,
        bp: other,
    });
    groups
}

/// Splits `total` in proportion to `weights`, in whole parts, by largest remainder.
fn largest_remainder(total: u32, weights: &[f64]) -> Vec<u32> {
    let sum: f64 = weights.iter().sum();
    let exact: Vec<f64> = weights.iter().map(|w| total as f64 * w / sum).collect();
    crate::rounding::apportion(&exact, total, None, Default::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_shares_sum_to_exactly_100() {
        for seed in 0..200 {
            let mut rng = Rng::new(seed, 1);
            for (_, region) in REGIONS {
                let e = rng.range(0.08, 0.95);
                let g = draw_groups(&mut rng, e, region);
                assert!((4..=8).contains(&g.len()) || region.len() < 6);
                assert_eq!(g.iter().map(|g| g.bp).sum::<u32>(), 10000);
                assert_eq!(g.iter().filter(|g| !g.em).count(), 1);
            }
        }
    }
}
