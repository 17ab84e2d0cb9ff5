//! `bienche generate --units N --provinces P --seed S --out DIR`: a synthetic, deterministic
//! scenario set of any size, for benchmarks. ILLUSTRATIVE DATA: every figure is invented.
//!
//! The output is `DIR/national.toml` (the list of provinces), `DIR/README.md`, and one
//! complete scenario folder per province (`DIR/p01`, `DIR/p02`, …) holding `scenario.toml`,
//! `groups.csv`, `units.csv`, `staff.csv`, `retirements.csv`, `quotas.csv`, `channels.csv`,
//! `channel_caps.csv`, `transfers.csv` (when the province has a route) and a `README.md`.
//! No roster is written, and no `attrition.csv` or `hiring_mix.csv`: the `[attrition]`
//! defaults apply, and the forecast hires like the current staff.
//!
//! # The generative model (all of it invented; proportions follow `scenarios/son-la`)
//!
//! * **Units.** The N units are split evenly over the P provinces (the first `N mod P`
//!   provinces get one more). Nationally, commune-level units are 3,321 of every 5,000 (the
//!   two-tier reform's 3,321 communes and wards against about 5,000 units in all), shared
//!   out over provinces by largest remainder; so `--units 5000 --provinces 34` has exactly
//!   3,321. A province's other units follow Sơn La (15 departments, 12 public service units,
//!   one Department of Ethnic Affairs and Religion and one Ethnic Committee of 29): the
//!   ethnic-affairs department once it has 2 such units, the committee from 6, the rest
//!   15 : 12 departments to public service units. A one-unit province is one commune (or,
//!   when its share of communes rounds to none, one department).
//! * **Provinces.** Each draws a type: mountain (45%; EM 50–95% of the population), midland
//!   (20%; 30–50%) or lowland (35%; 8–30%), and a region whose ethnic groups it draws from
//!   (northwest, northeast, north central, central coast, Central Highlands, southeast,
//!   Mekong delta, Red River delta). It has Kinh (`em = no`), 2–6 named EM groups of its
//!   region (earlier ones in the region's list more likely, each later one about half the
//!   share of the one before) and `OtherEM` (1–5% of the EM share), 4–8 groups in all, with
//!   shares in hundredths of a percent summing to exactly 100.
//! * **Communes.** 10% (mountain), 15% (midland) or 25% (lowland) of the commune-level units
//!   are wards. A commune's EM population share is the province's plus normal noise (sd 40 ×
//!   √(e(1 − e)) points, reflected into 0.5–99.5); a ward's is centred on 60% of the
//!   province's. Communes at 60%+ EM are especially difficult with probability 0.85, at
//!   40–60% with 0.3. Quotas are 25–60 (wards 35–60), leader posts 10–12% of quota (at least
//!   3). 30% of communes run 1–4 over quota, allowed until 2027; the rest are up to 1/12
//!   under. A commune recruits from its main EM group, a second one and Kinh (wards: the
//!   three largest EM groups and Kinh).
//! * **Provincial level.** Departments: quota 40–140, posts 11%; public service units:
//!   30–180, 8%; the ethnic-affairs department 30–45, 5–6 posts; the committee 5–9 members,
//!   2 posts. They recruit from every group.
//! * **Staff.** EM staff are well below the population share, so that targets bind:
//!   communes p × U(0.35, 0.7) (3–75%), departments max(e × U(0.1, 0.3), U(0.05, 0.12)),
//!   public service max(e × U(0.15, 0.5), U(0.06, 0.15)), ethnic affairs somewhat higher.
//!   42% women; 55% of EM and 80% of other staff trained; 70–100% of leader posts filled,
//!   EM leaders at 30–90% of the EM share of staff, all leaders trained. Communes draw EM
//!   staff 70% from their main group; other units by population share.
//! * **Streamlining.** Quotas of 20 or more fall 2.5% in 2027 and again in 2030 (`quotas.csv`).
//! * **Retirements.** Each person retires in 2026–2035 with probability about 2% a year (men:
//!   3.5% in 2026 then 2%; women: none in 2026 then 2.2%; leaders 1.25 times as likely).
//! * **Unreachable units.** About 3% of communes at 70%+ EM are built like Sơn La's X13:
//!   quota full, 12% EM staff, nobody retiring, no quota cut, so R2 cannot be met.
//! * **Channels** are Sơn La's (nominated training, EM exam, general exam, military, top
//!   graduates, private sector) with caps scaled by the province's total quota against Sơn
//!   La's 5,900 (at least 3 a year); so are the commune caps of `channel_caps.csv` and the
//!   training seats (at least 5).
//! * **Transfers.** About 6 routes per 100 units, each between units not otherwise joined
//!   (department → commune, commune → ethnic-affairs department, commune → department), at
//!   most 2 people a year at 15 million VND each.
//!
//! Random draws come from SplitMix64 seeded by `(seed, province)`, and use only arithmetic
//! and square roots (no library `ln`/`cos`), so the same N, P and S give the same bytes on
//! every platform. Provinces are generated and written in a fixed order.

use crate::error::{Error, Result};
use crate::rng::Rng;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Base year and horizon of every generated province (as the Sơn La sample).
const BASE: i32 = 2025;
const HORIZON: i32 = 2035;
/// Commune-level units per 5,000 units nationally (3,321 communes and wards since 2025).
const COMMUNES_PER_5000: usize = 3321;
/// Sơn La's total base-year quota, against which channel caps are scaled.
const SON_LA_QUOTA: f64 = 5900.0;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Request {
    pub units: usize,
    pub provinces: usize,
    pub seed: u64,
}

/// Units of each kind, for the summary line and the READMEs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub communes: usize,
    pub wards: usize,
    pub difficult: usize,
    pub provincial: usize,
    pub ethnic_department: usize,
    pub ethnic_committee: usize,
    pub public_service: usize,
    pub staff: u64,
    pub unreachable: usize,
}

impl Counts {
    pub fn units(&self) -> usize {
        self.communes
            + self.wards
            + self.provincial
            + self.ethnic_department
            + self.ethnic_committee
            + self.public_service
    }
    fn add(&mut self, o: &Counts) {
        self.communes += o.communes;
        self.wards += o.wards;
        self.difficult += o.difficult;
        self.provincial += o.provincial;
        self.ethnic_department += o.ethnic_department;
        self.ethnic_committee += o.ethnic_committee;
        self.public_service += o.public_service;
        self.staff += o.staff;
        self.unreachable += o.unreachable;
    }
}

/// One generated province, as the national README lists it.
#[derive(Debug, Clone)]
pub struct ProvinceSummary {
    pub id: String,
    pub kind: &'static str,
    pub region: &'static str,
    /// EM share of the population, percent.
    pub em_share: f64,
    pub counts: Counts,
}

/// Every file of a generated set, by path relative to the output folder, in writing order.
pub struct Generated {
    pub request: Request,
    pub files: Vec<(PathBuf, String)>,
    pub provinces: Vec<ProvinceSummary>,
    pub total: Counts,
}

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
const REGIONS: &[(&str, &[&str])] = &[
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

/// Province types: name, probability, EM population share range, ward share, regions.
const TYPES: &[(&str, f64, (f64, f64), f64, &[usize])] = &[
    ("mountain", 0.45, (0.50, 0.95), 0.10, &[0, 1, 2, 4]),
    ("midland", 0.20, (0.30, 0.50), 0.15, &[1, 2, 3, 4]),
    ("lowland", 0.35, (0.08, 0.30), 0.25, &[3, 5, 6, 7]),
];

fn names_of(group: &str) -> &'static str {
    GROUP_NAMES
        .iter()
        .find(|(g, _)| *g == group)
        .map(|(_, n)| *n)
        .unwrap_or("")
}

/// Checks the request; the error is a usage error (exit code 2).
pub fn validate(r: &Request) -> Result<()> {
    if r.units < 1 {
        return Err(Error::Usage(format!(
            "--units: expected 1 or more, found {}",
            r.units
        )));
    }
    if r.provinces < 1 {
        return Err(Error::Usage(format!(
            "--provinces: expected 1 or more, found {}",
            r.provinces
        )));
    }
    if r.provinces > r.units {
        return Err(Error::Usage(format!(
            "--provinces: expected at most one province per unit (1 to {}), found {}",
            r.units, r.provinces
        )));
    }
    Ok(())
}

/// Province ids `p01`, `p02`, …: two digits at least, more when P needs them.
pub fn province_ids(p: usize) -> Vec<String> {
    let width = p.to_string().len().max(2);
    (1..=p).map(|i| format!("p{i:0width$}")).collect()
}

/// Units of each province: as even as possible, the remainder to the first provinces.
fn split_units(n: usize, p: usize) -> Vec<usize> {
    (0..p).map(|i| n / p + usize::from(i < n % p)).collect()
}

/// Commune-level units of each province: 3,321 per 5,000 nationally, by largest remainder.
fn split_communes(n: usize, units: &[usize]) -> Vec<usize> {
    let total = (n * COMMUNES_PER_5000 + 2500) / 5000;
    let mut c: Vec<usize> = units.iter().map(|&u| total * u / n).collect();
    let mut order: Vec<usize> = (0..units.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(total * units[i] % n), i));
    let rest = total - c.iter().sum::<usize>();
    for &i in order.iter().take(rest) {
        c[i] += 1;
    }
    c
}

/// Generates the whole set in memory.
pub fn generate(r: &Request) -> Result<Generated> {
    validate(r)?;
    let ids = province_ids(r.provinces);
    let units = split_units(r.units, r.provinces);
    let communes = split_communes(r.units, &units);
    let mut files = Vec::new();
    let mut provinces = Vec::new();
    let mut total = Counts::default();
    for (i, id) in ids.iter().enumerate() {
        let mut rng = Rng::new(r.seed, i as u64 + 1);
        let p = province(&mut rng, r, id, units[i], communes[i]);
        total.add(&p.summary.counts);
        for (name, text) in p.files {
            files.push((Path::new(id).join(name), text));
        }
        provinces.push(p.summary);
    }
    files.push(("national.toml".into(), national_toml(r, &ids)));
    files.push(("README.md".into(), national_readme(r, &provinces, &total)));
    Ok(Generated {
        request: *r,
        files,
        provinces,
        total,
    })
}

/// Writes a generated set into `out` atomically (a temporary sibling folder, renamed into
/// place). An existing non-empty `out` is refused unless `force`, and then replaced only
/// once the new set is whole.
pub fn write(out: &Path, g: &Generated, force: bool) -> Result<()> {
    if !force {
        let occupied = match std::fs::read_dir(out) {
            Ok(mut entries) => entries.next().is_some(),
            Err(_) => out.exists(),
        };
        if occupied {
            return Err(Error::Usage(format!(
                "--out {}: the folder exists and is not empty; nothing was written (pass --force to replace it)",
                out.display()
            )));
        }
    }
    crate::output::write_folder(out, |tmp| {
        for (rel, text) in &g.files {
            let path = tmp.join(rel);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| Error::output(dir, e))?;
            }
            std::fs::write(&path, text).map_err(|e| Error::output(&path, e))?;
        }
        Ok(())
    })
}

/// The summary line printed when done.
pub fn summary_line(g: &Generated, out: &Path) -> String {
    let t = &g.total;
    format!(
        "generated {} in {} ({}, of them {} and {} especially difficult; {}, {}, {}, {}; {} staff) into {}",
        count(t.units(), "unit", "units"),
        count(g.provinces.len(), "province", "provinces"),
        count(t.communes + t.wards, "commune or ward", "communes and wards"),
        count(t.wards, "ward", "wards"),
        t.difficult,
        count(t.provincial, "department", "departments"),
        count(
            t.ethnic_department,
            "ethnic-affairs department",
            "ethnic-affairs departments"
        ),
        count(t.ethnic_committee, "ethnic committee", "ethnic committees"),
        count(t.public_service, "public service unit", "public service units"),
        t.staff,
        out.display()
    )
}

/// `1 unit`, `2 units`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

struct Province {
    files: Vec<(&'static str, String)>,
    summary: ProvinceSummary,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Commune,
    Ward,
    Provincial,
    EthnicDepartment,
    EthnicCommittee,
    PublicService,
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Kind::Commune | Kind::Ward => "commune",
            Kind::Provincial => "provincial",
            Kind::EthnicDepartment => "ethnic_department",
            Kind::EthnicCommittee => "ethnic_committee",
            Kind::PublicService => "public_service",
        }
    }
}

struct Unit {
    id: String,
    name: String,
    kind: Kind,
    /// EM population share, percent with one decimal.
    p: f64,
    quota: u32,
    posts: u32,
    over_until: Option<i32>,
    /// Indices into the province's groups; empty = all.
    recruit: Vec<usize>,
    difficult: bool,
    stuck: bool,
}

impl Unit {
    /// A provincial-level unit: no recruitment restriction, never over quota or stuck.
    fn provincial(id: String, name: String, kind: Kind, p: f64, quota: u32, posts: u32) -> Unit {
        Unit {
            id,
            name,
            kind,
            p,
            quota,
            posts,
            over_until: None,
            recruit: vec![],
            difficult: false,
            stuck: false,
        }
    }
}

struct Group {
    id: &'static str,
    em: bool,
    /// Hundredths of a percent of the population.
    bp: u32,
}

/// Per-cell key: unit, group id, gender, role, trained (sorts as the files are written).
type CellKey = (
    usize,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

fn province(rng: &mut Rng, r: &Request, id: &str, n: usize, n_communes: usize) -> Province {
    // Type, region and EM share of the population.
    let t = rng.weighted(&TYPES.iter().map(|t| t.1).collect::<Vec<_>>());
    let (type_name, _, (e_lo, e_hi), ward_share, regions) = TYPES[t];
    let region = regions[rng.next_u64() as usize % regions.len()];
    let (region_name, region_groups) = REGIONS[region];
    let e = rng.range(e_lo, e_hi);
    let groups = draw_groups(rng, e, region_groups);
    let em_bp: u32 = groups.iter().filter(|g| g.em).map(|g| g.bp).sum();
    let e_pct = (em_bp as f64 / 10.0).round() / 10.0;
    let e = em_bp as f64 / 10000.0;
    let em_groups: Vec<usize> = (0..groups.len()).filter(|&g| groups[g].em).collect();
    let em_weights: Vec<f64> = em_groups.iter().map(|&g| groups[g].bp as f64).collect();
    let kinh = groups.iter().position(|g| !g.em).expect("Kinh");

    // Units by kind.
    let wards = (n_communes as f64 * ward_share).round() as usize;
    let plain = n_communes - wards;
    let m = n - n_communes;
    let dear = usize::from(m >= 2);
    let committee = usize::from(m >= 6);
    let rest = m - dear - committee;
    let departments = if rest == 0 {
        0
    } else {
        ((rest * 15 + 13) / 27).clamp(1, rest)
    };
    let psus = rest - departments;
    let w = |k: usize| k.to_string().len().max(2);
    let mut units: Vec<Unit> = Vec::with_capacity(n);
    for i in 1..=plain {
        let x = reflect(e * 100.0 + 40.0 * (e * (1.0 - e)).sqrt() * rng.normal());
        let p = (x * 10.0).round() / 10.0;
        let quota = rng.int(25, 60);
        let difficult =
            (p >= 60.0 && rng.chance(0.85)) || ((40.0..60.0).contains(&p) && rng.chance(0.3));
        // The main group is a named one (OtherEM pools small groups; it may come second).
        let named_w: Vec<f64> = em_groups
            .iter()
            .map(|&g| {
                if groups[g].id == "OtherEM" {
                    0.0
                } else {
                    groups[g].bp as f64
                }
            })
            .collect();
        let main = em_groups[rng.weighted(&named_w)];
        let others: Vec<usize> = em_groups.iter().copied().filter(|&g| g != main).collect();
        let ow: Vec<f64> = others.iter().map(|&g| groups[g].bp as f64).collect();
        let second = others[rng.weighted(&ow)];
        units.push(Unit {
            id: format!("X{i:0width$}", width = w(plain)),
            name: format!("Commune {i:0width$}", width = w(plain)),
            kind: Kind::Commune,
            p,
            quota,
            posts: posts(rng, quota),
            over_until: None,
            recruit: vec![main, second, kinh],
            difficult,
            stuck: p >= 70.0 && rng.chance(0.03),
        });
    }
    let mut largest: Vec<usize> = em_groups.clone();
    largest.sort_by_key(|&g| (std::cmp::Reverse(groups[g].bp), g));
    largest.truncate(3);
    for i in 1..=wards {
        let x = reflect(0.6 * e * 100.0 + 32.0 * (e * (1.0 - e)).sqrt() * rng.normal());
        let quota = rng.int(35, 60);
        let mut recruit = largest.clone();
        recruit.push(kinh);
        units.push(Unit {
            id: format!("W{i:0width$}", width = w(wards)),
            name: format!("Ward {i:0width$}", width = w(wards)),
            kind: Kind::Ward,
            p: (x * 10.0).round() / 10.0,
            quota,
            posts: posts(rng, quota),
            over_until: None,
            recruit,
            difficult: false,
            stuck: false,
        });
    }
    for i in 1..=departments {
        let quota = rng.int(40, 140);
        units.push(Unit::provincial(
            format!("D{i:0width$}", width = w(departments)),
            format!("Department {i:0width$}", width = w(departments)),
            Kind::Provincial,
            e_pct,
            quota,
            (quota * 11 / 100).max(4),
        ));
    }
    if dear == 1 {
        units.push(Unit::provincial(
            "DEAR".into(),
            "Department of Ethnic Affairs and Religion".into(),
            Kind::EthnicDepartment,
            e_pct,
            rng.int(30, 45),
            rng.int(5, 6),
        ));
    }
    if committee == 1 {
        units.push(Unit::provincial(
            "PPCEC".into(),
            "PPC Ethnic Committee".into(),
            Kind::EthnicCommittee,
            e_pct,
            rng.int(5, 9),
            2,
        ));
    }
    for i in 1..=psus {
        let quota = rng.int(30, 180);
        units.push(Unit::provincial(
            format!("S{i:0width$}", width = w(psus)),
            format!("Public service unit {i:0width$}", width = w(psus)),
            Kind::PublicService,
            e_pct,
            quota,
            (quota * 8 / 100).max(3),
        ));
    }

    // Staff and retirements, person by person.
    let mut staff: BTreeMap<CellKey, u32> = BTreeMap::new();
    let mut retire: BTreeMap<(CellKey, i32), u32> = BTreeMap::new();
    let mut quota_rows = String::from("unit,year,quota\n");
    let mut counts = Counts::default();
    for (ui, u) in units.iter_mut().enumerate() {
        let q = u.quota;
        let head = if u.stuck {
            q
        } else if u.kind == Kind::Commune && rng.chance(0.3) {
            u.over_until = Some(2027);
            q + rng.int(1, 4)
        } else {
            q - rng.int(0, (q / 12).max(1)).min(q)
        };
        let share = if u.stuck {
            0.12
        } else {
            match u.kind {
                Kind::Commune | Kind::Ward => {
                    (u.p / 100.0 * rng.range(0.35, 0.7)).clamp(0.03, 0.75)
                }
                Kind::Provincial => (e * rng.range(0.1, 0.3)).max(rng.range(0.05, 0.12)),
                Kind::PublicService => (e * rng.range(0.15, 0.5)).max(rng.range(0.06, 0.15)),
                Kind::EthnicDepartment => (e * rng.range(0.3, 0.45)).max(rng.range(0.15, 0.25)),
                Kind::EthnicCommittee => (e * rng.range(0.4, 0.6)).max(0.2),
            }
        };
        let em = ((head as f64 * share).round() as u32).min(head);
        let leaders = ((u.posts as f64 * rng.range(0.7, 1.0)).round() as u32)
            .clamp(1, u.posts.max(1))
            .min(head);
        let em_leaders = ((leaders as f64 * (em as f64 / head.max(1) as f64) * rng.range(0.3, 0.9))
            .round() as u32)
            .min(leaders)
            .min(em);
        let other_leaders = (leaders - em_leaders).min(head - em);
        let local = matches!(u.kind, Kind::Commune | Kind::Ward);
        let (mut em_led, mut other_led) = (0, 0);
        for k in 0..head {
            let is_em = k < em;
            let g = if !is_em {
                kinh
            } else if local {
                let em_local = &u.recruit[..u.recruit.len() - 1];
                if em_local.len() == 1 || rng.chance(0.7) {
                    em_local[0]
                } else {
                    em_local[1 + rng.next_u64() as usize % (em_local.len() - 1)]
                }
            } else {
                em_groups[rng.weighted(&em_weights)]
            };
            let female = rng.chance(0.42);
            let mut trained = rng.chance(if is_em { 0.55 } else { 0.8 });
            let leader = if is_em && em_led < em_leaders {
                em_led += 1;
                true
            } else if !is_em && other_led < other_leaders {
                other_led += 1;
                true
            } else {
                false
            };
            trained |= leader;
            let key: CellKey = (
                ui,
                groups[g].id,
                if female { "F" } else { "M" },
                if leader { "leader" } else { "staff" },
                if trained { "yes" } else { "no" },
            );
            *staff.entry(key).or_default() += 1;
            if !u.stuck {
                if let Some(y) = retirement_year(rng, female, leader) {
                    *retire.entry((key, y)).or_default() += 1;
                }
            }
        }
        counts.staff += head as u64;
        if !u.stuck && q >= 20 {
            let cut = ((q as f64 * 0.025).round() as u32).max(1);
            let _ = writeln!(quota_rows, "{},2027,{}", u.id, q - cut);
            let _ = writeln!(quota_rows, "{},2030,{}", u.id, q - 2 * cut);
        }
        match u.kind {
            Kind::Commune => counts.communes += 1,
            Kind::Ward => counts.wards += 1,
            Kind::Provincial => counts.provincial += 1,
            Kind::EthnicDepartment => counts.ethnic_department += 1,
            Kind::EthnicCommittee => counts.ethnic_committee += 1,
            Kind::PublicService => counts.public_service += 1,
        }
        counts.difficult += usize::from(u.difficult);
        counts.unreachable += usize::from(u.stuck);
    }

    // Tables.
    let mut groups_csv = String::from("group,em,population_share,names\n");
    for g in &groups {
        let _ = writeln!(
            groups_csv,
            "{},{},{}.{:02},{}",
            g.id,
            if g.em { "yes" } else { "no" },
            g.bp / 100,
            g.bp % 100,
            names_of(g.id)
        );
    }
    let mut units_csv = String::from(
        "id,name,kind,em_population_share,quota,leader_posts,over_quota_until,recruit_groups,difficult\n",
    );
    for u in &units {
        let recruit: Vec<&str> = u.recruit.iter().map(|&g| groups[g].id).collect();
        let _ = writeln!(
            units_csv,
            "{},{},{},{:.1},{},{},{},{},{}",
            u.id,
            u.name,
            u.kind.word(),
            u.p,
            u.quota,
            u.posts,
            u.over_until.map(|y| y.to_string()).unwrap_or_default(),
            recruit.join(";"),
            if u.difficult { "yes" } else { "no" }
        );
    }
    let mut staff_csv = String::from("unit,group,gender,role,trained,count\n");
    for ((u, g, s, role, tr), n) in &staff {
        let _ = writeln!(staff_csv, "{},{g},{s},{role},{tr},{n}", units[*u].id);
    }
    let mut retire_csv = String::from("unit,group,gender,role,trained,year,count\n");
    for (((u, g, s, role, tr), y), n) in &retire {
        let _ = writeln!(retire_csv, "{},{g},{s},{role},{tr},{y},{n}", units[*u].id);
    }

    let total_quota: u32 = units.iter().map(|u| u.quota).sum();
    let scale = total_quota as f64 / SON_LA_QUOTA;
    // At least 3 a year, so that a small province's capped channels still yield whole
    // people net of new-hire leavers.
    let cap = |x: f64| ((x * scale).round() as u32).max(3);
    let years = format!("{}-{}", BASE + 1, HORIZON);
    let mut channels_csv =
        String::from("channel,year,groups,kinds,max_hires,cost_per_hire,women_share,trained\n");
    let _ = writeln!(
        channels_csv,
        "nominated,{years},EM,commune;provincial;public_service;ethnic_department,{},250,50,no",
        cap(45.0)
    );
    let _ = writeln!(
        channels_csv,
        "exam_em,{years},EM,all,{},40,55,no",
        cap(110.0)
    );
    let _ = writeln!(channels_csv, "exam_general,{years},non-EM,all,,40,55,no");
    let _ = writeln!(
        channels_csv,
        "military,{years},all,commune,{},30,5,no",
        cap(25.0)
    );
    let _ = writeln!(
        channels_csv,
        "top_graduates,{years},all,provincial;public_service;ethnic_department,{},80,55,yes",
        cap(15.0)
    );
    let _ = writeln!(
        channels_csv,
        "private_sector,{years},all,provincial;public_service,{},60,40,yes",
        cap(10.0)
    );
    let mut caps_csv = String::from("channel,year,kind,max_hires\n");
    let _ = writeln!(caps_csv, "nominated,{years},commune,{}", cap(30.0));
    let _ = writeln!(caps_csv, "exam_em,{years},commune,{}", cap(80.0));
    let seats = ((500.0 * scale).round() as u32).max(5);

    let transfers_csv = transfers(&units, n, &years);

    let summary = ProvinceSummary {
        id: id.to_string(),
        kind: type_name,
        region: region_name,
        em_share: e_pct,
        counts,
    };
    let mut files: Vec<(&'static str, String)> = vec![
        ("scenario.toml", scenario_toml(r, &summary, seats)),
        ("README.md", province_readme(r, &summary, &units, &groups)),
        ("groups.csv", groups_csv),
        ("units.csv", units_csv),
        ("staff.csv", staff_csv),
        ("retirements.csv", retire_csv),
        ("quotas.csv", quota_rows),
        ("channels.csv", channels_csv),
        ("channel_caps.csv", caps_csv),
    ];
    if let Some(t) = transfers_csv {
        files.push(("transfers.csv", t));
    }
    Province { files, summary }
}

/// Leader posts of a commune: 10–12% of quota, at least 3.
fn posts(rng: &mut Rng, quota: u32) -> u32 {
    ((quota as f64 * rng.range(0.10, 0.12)).round() as u32).max(3)
}

/// Reflects a share in points into 0.5–99.5.
fn reflect(x: f64) -> f64 {
    let x = if x < 0.5 { 1.0 - x } else { x };
    let x = if x > 99.5 { 199.0 - x } else { x };
    x.clamp(0.5, 99.5)
}

/// The year a person reaches retirement age within the plan, if they do.
fn retirement_year(rng: &mut Rng, female: bool, leader: bool) -> Option<i32> {
    let factor = if leader { 1.25 } else { 1.0 };
    let mut u = rng.uniform();
    for y in BASE + 1..=HORIZON {
        let share = match (female, y == BASE + 1) {
            (false, true) => 0.035,
            (false, false) => 0.02,
            (true, true) => 0.0,
            (true, false) => 0.022,
        } * factor;
        if u < share {
            return Some(y);
        }
        u -= share;
    }
    None
}

/// Kinh, 2–6 named EM groups of the region and `OtherEM`, 4–8 in all, shares summing to
/// exactly 100.00; sorted by share, `OtherEM` last.
fn draw_groups(rng: &mut Rng, e: f64, region: &[&'static str]) -> Vec<Group> {
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

/// About 6 routes per 100 units, each between units no other route touches (except the
/// ethnic-affairs department, which receives from at most two communes), so solve groups
/// stay small: department → commune, commune → ethnic-affairs department, commune →
/// department, in Sơn La's pattern.
fn transfers(units: &[Unit], n: usize, years: &str) -> Option<String> {
    let routes = (n * 6 + 50) / 100;
    let mut communes = units
        .iter()
        .filter(|u| matches!(u.kind, Kind::Commune | Kind::Ward) && !u.stuck);
    let mut departments = units.iter().filter(|u| u.kind == Kind::Provincial);
    let dear = units.iter().find(|u| u.kind == Kind::EthnicDepartment);
    let mut text = String::from("from,to,year,max_per_year,cost_per_person\n");
    let (mut made, mut to_dear) = (0, 0);
    let pattern = ["dx", "dx", "dx", "xe", "xe", "xd"];
    for step in pattern.iter().cycle().take(routes * 3) {
        if made == routes {
            break;
        }
        let step = if *step == "xe" && (dear.is_none() || to_dear == 2) {
            "xd"
        } else {
            step
        };
        let (from, to) = match step {
            "dx" => match (departments.next(), communes.next()) {
                (Some(d), Some(x)) => (&d.id, &x.id),
                _ => continue,
            },
            "xe" => match communes.next() {
                Some(x) => {
                    to_dear += 1;
                    (&x.id, &dear.expect("checked").id)
                }
                None => continue,
            },
            _ => match (communes.next(), departments.next()) {
                (Some(x), Some(d)) => (&x.id, &d.id),
                _ => continue,
            },
        };
        let _ = writeln!(text, "{from},{to},{years},2,15");
        made += 1;
    }
    (made > 0).then_some(text)
}

fn command(r: &Request) -> String {
    format!(
        "bienche generate --units {} --provinces {} --seed {}",
        r.units, r.provinces, r.seed
    )
}

fn scenario_toml(r: &Request, s: &ProvinceSummary, seats: u32) -> String {
    let c = &s.counts;
    format!(
        r#"# ILLUSTRATIVE DATA generated by `{cmd}`: every figure is invented, not official.
# Policy rules are those of the Sơn La plan implementing Decision 470/QĐ-TTg; money is in
# million VND. See README.md.
name = "Generated province {id} (illustrative)"
description = "{units} units: {communes} commune-level ({wards} wards), {prov} departments, {eth} ethnic-affairs bodies and {psu} public service units; EM {em:.1}% of the population ({kind}, {region} groups); invented by bienche generate (seed {seed})"
illustrative = true

[time]
base_year = {BASE}
horizon = {HORIZON}
targets = [{{ year = 2030, level = 0.8 }}, {{ year = 2035, level = 1.0 }}]

[policy]
roadmap = "level"
band_rule = "interpolate"
seventy_percent_band = "top"
rounding = "ceiling"
r1_scope = "each"
shortfall_penalty = 100000.0
r5_weight = 1.0

[staffing]
min_fill = 0.9
over_quota_cost = 0.0

[attrition]
new_hire_rate = 0.05
new_hire_years = 2
other_rate = 0.01

[costs]
# Assumption: 100–200 million VND a head-year with allowances and insurance.
salary_staff = 120.0
salary_leader = 170.0
promotion = 20.0
# Assumption: resignation payment ≈ 0.8 month × 60 months + 1.5 month × years of service.
severance = 450.0

[training]
# Scaled from the Sơn La sample's 500 seats by total quota.
seats_per_year = {seats}
cost_per_person = 12.0

[solver]
time_limit_seconds = 60.0
# A proven gap of 0.1% (the benchmark goal for a province).
mip_rel_gap = 0.001
threads = 2
random_seed = 0
"#,
        cmd = command(r),
        id = s.id,
        units = c.units(),
        communes = c.communes + c.wards,
        wards = c.wards,
        prov = c.provincial,
        eth = c.ethnic_department + c.ethnic_committee,
        psu = c.public_service,
        em = s.em_share,
        kind = s.kind,
        region = s.region,
        seed = r.seed,
    )
}

fn province_readme(r: &Request, s: &ProvinceSummary, units: &[Unit], groups: &[Group]) -> String {
    let c = &s.counts;
    let mut t = format!(
        "# Generated province {id} — ILLUSTRATIVE DATA\n\n\
         **Every figure in this folder is invented.** It was written by `{cmd}` (see\n\
         `../README.md` and `docs/generate.md` in the bienche repository). Unit names are\n\
         generic; head-counts, quotas, leader posts, retirements, channel capacities, costs and\n\
         group shares were drawn at random. They describe no real province and must not be\n\
         presented as official.\n\n\
         - Type: {kind}, ethnic groups of the {region} region; EM {em:.1}% of the population.\n\
         - Units: {units}: {communes} communes and {wards} wards ({diff} especially difficult),\n  \
         {prov} departments, {dear} ethnic-affairs department, {com} ethnic committee,\n  \
         {psu} public service units; {staff} staff at 31 December {BASE}.\n",
        id = s.id,
        cmd = command(r),
        kind = s.kind,
        region = s.region,
        em = s.em_share,
        units = c.units(),
        communes = c.communes,
        wards = c.wards,
        diff = c.difficult,
        prov = c.provincial,
        dear = c.ethnic_department,
        com = c.ethnic_committee,
        psu = c.public_service,
        staff = c.staff,
    );
    let g: Vec<String> = groups
        .iter()
        .map(|g| format!("{} {}.{:02}%", g.id, g.bp / 100, g.bp % 100))
        .collect();
    let _ = writeln!(t, "- Groups: {}.", g.join(", "));
    let stuck: Vec<&str> = units
        .iter()
        .filter(|u| u.stuck)
        .map(|u| u.id.as_str())
        .collect();
    if !stuck.is_empty() {
        let _ = writeln!(
            t,
            "- Built to be unreachable (quota full of staff who do not retire, 12% EM): {}.",
            stuck.join(", ")
        );
    }
    t.push_str(
        "\nNo roster, `attrition.csv` or `hiring_mix.csv` is written: the `[attrition]` defaults\n\
         of `scenario.toml` apply. Check and plan it with `bienche check .` and\n\
         `bienche plan . --out OUT`.\n",
    );
    t
}

fn national_toml(r: &Request, ids: &[String]) -> String {
    let list: Vec<String> = ids.iter().map(|i| format!("\"{i}\"")).collect();
    format!(
        "# ILLUSTRATIVE DATA generated by `bienche generate` (seed {seed}): invented figures, not official.\n\
         name = \"Generated: {n} units in {p} provinces (seed {seed})\"\n\
         illustrative = true\n\
         seed = {seed}\n\
         provinces = [{list}]\n",
        seed = r.seed,
        n = r.units,
        p = r.provinces,
        list = list.join(", ")
    )
}

fn national_readme(r: &Request, provinces: &[ProvinceSummary], t: &Counts) -> String {
    let mut s = format!(
        "# Generated scenario set — ILLUSTRATIVE DATA\n\n\
         **Every figure here is invented** (unit names, quotas, head-counts, retirements, group\n\
         shares, channel capacities, costs). Written by\n\n    {cmd}\n\n\
         for benchmarks; the same command gives the same bytes. Nothing here describes a real\n\
         province and none of it may be presented as official. The generative model is\n\
         described in `docs/generate.md` and `src/generate.rs` of the bienche repository.\n\n\
         {units} units in {p} provinces: {cw} commune-level units ({w} of them wards, {d}\n\
         especially difficult), {prov} departments, {dear} ethnic-affairs departments, {com}\n\
         ethnic committees and {psu} public service units; {staff} staff. {stuck} communes are\n\
         built so that their R2 target cannot be reached.\n\n\
         Each province folder is a complete scenario: `bienche check pNN`, `bienche plan pNN --out OUT`.\n\n\
         | province | type | region | EM population | units | communes | wards | staff |\n\
         |---|---|---|---|---|---|---|---|\n",
        cmd = command(r),
        units = t.units(),
        p = provinces.len(),
        cw = t.communes + t.wards,
        w = t.wards,
        d = t.difficult,
        prov = t.provincial,
        dear = t.ethnic_department,
        com = t.ethnic_committee,
        psu = t.public_service,
        staff = t.staff,
        stuck = t.unreachable,
    );
    for p in provinces {
        let c = &p.counts;
        let _ = writeln!(
            s,
            "| {} | {} | {} | {:.1}% | {} | {} | {} | {} |",
            p.id,
            p.kind,
            p.region,
            p.em_share,
            c.units(),
            c.communes,
            c.wards,
            c.staff
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn communes_are_3321_of_5000_and_units_split_evenly() {
        let u = split_units(5000, 34);
        assert_eq!(u.iter().sum::<usize>(), 5000);
        assert_eq!((u[0], u[1], u[2], u[33]), (148, 148, 147, 147));
        let c = split_communes(5000, &u);
        assert_eq!(c.iter().sum::<usize>(), 3321);
        assert!(c.iter().zip(&u).all(|(c, u)| c <= u));
        assert_eq!(split_communes(1, &[1]), vec![1]);
        assert_eq!(province_ids(3), vec!["p01", "p02", "p03"]);
        assert_eq!(province_ids(120)[0], "p001");
    }

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
