//! What a generated province draws before its units: its type (mountain, midland,
//! lowland), its region, and its ethnic groups with their shares of the population.

use super::groups::{draw_groups, Group, REGIONS, TYPES};
use crate::rng::Rng;

/// What a province draws before its units: its type, region and ethnic groups.
pub(super) struct Setting {
    /// `mountain`, `midland` or `lowland`.
    pub kind: &'static str,
    pub region: &'static str,
    /// Share of the commune-level units that are wards.
    pub ward_share: f64,
    pub groups: Vec<Group>,
    /// EM share of the population, as a fraction.
    pub em: f64,
    /// The same, percent with one decimal.
    pub em_pct: f64,
    /// Indices of the EM groups, and their population shares as weights.
    pub em_groups: Vec<usize>,
    pub em_weights: Vec<f64>,
    /// Index of Kinh.
    pub kinh: usize,
}

impl Setting {
    /// Type, region, then the groups and their shares of the population.
    pub(super) fn draw(rng: &mut Rng) -> Setting {
        let t = &TYPES[rng.weighted(&TYPES.iter().map(|t| t.probability).collect::<Vec<_>>())];
        let region = t.regions[rng.next_u64() as usize % t.regions.len()];
        let (region, region_groups) = REGIONS[region];
        let drawn = rng.range(t.em.0, t.em.1);
        let groups = draw_groups(rng, drawn, region_groups);
        let em_bp: u32 = groups.iter().filter(|g| g.em).map(|g| g.bp).sum();
        let em_groups: Vec<usize> = (0..groups.len()).filter(|&g| groups[g].em).collect();
        let em_weights: Vec<f64> = em_groups.iter().map(|&g| groups[g].bp as f64).collect();
        let kinh = groups.iter().position(|g| !g.em).expect("Kinh");
        Setting {
            kind: t.name,
            region,
            ward_share: t.ward_share,
            em: em_bp as f64 / 10000.0,
            em_pct: (em_bp as f64 / 10.0).round() / 10.0,
            groups,
            em_groups,
            em_weights,
            kinh,
        }
    }
}
