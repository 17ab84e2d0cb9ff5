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

mod groups;
mod province;
mod setting;
mod staff;
mod tables;
mod texts;
mod units;

use crate::error::{Error, Result};
use crate::rng::Rng;
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
    let needed = memory_needed(r);
    if let Some(available) = crate::machine::available_memory() {
        if needed > available {
            return Err(Error::Usage(format!(
                "--units {} in {} province{}: generating this set needs about {} of memory, more than the {} this machine has free; use fewer units or more provinces",
                r.units,
                r.provinces,
                if r.provinces == 1 { "" } else { "s" },
                crate::machine::bytes(needed),
                crate::machine::bytes(available)
            )));
        }
    }
    Ok(())
}

/// Peak memory of a generation, measured: about 1.2 kB a unit for the files held until
/// they are written, and 3.4 kB a unit of the largest province while it is drawn (200,000
/// units in 1 province: 902 MB; in 10 provinces: 222 MB; 50,000 in 340: 50 MB).
fn memory_needed(r: &Request) -> u64 {
    let largest = r.units.div_ceil(r.provinces) as u64;
    r.units as u64 * 1_200 + largest * 3_400 + 20_000_000
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
        let p = province::province(&mut rng, r, id, units[i], communes[i]);
        total.add(&p.summary.counts);
        for (name, text) in p.files {
            files.push((Path::new(id).join(name), text));
        }
        provinces.push(p.summary);
    }
    files.push(("national.toml".into(), texts::national_toml(r, &ids)));
    files.push((
        "README.md".into(),
        texts::national_readme(r, &provinces, &total),
    ));
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
    use crate::output::folder::{check_out, Kind, Out};
    check_out(&Out {
        path: out,
        kind: Kind::Generated,
        inputs: &[],
        force,
    })?;
    crate::output::write_folder(out, |tmp| {
        for (rel, text) in &g.files {
            let path = tmp.join(rel);
            if let Some(dir) = path.parent() {
                crate::output::folder::make_dir(dir)?;
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
}
