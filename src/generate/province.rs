//! One generated province, as an ordered recipe: its setting (type, region, ethnic groups),
//! its units, their staff and retirements, then its files. Each step draws from the same
//! random stream, so the order of the steps is part of the output.

use super::groups::{draw_groups, Group, REGIONS, TYPES};
use super::staff::{self, Staff};
use super::units::{self, Unit};
use super::{tables, texts, Counts, ProvinceSummary, Request, BASE, HORIZON, SON_LA_QUOTA};
use crate::domain::UnitKind;
use crate::rng::Rng;

/// A province's files, by name inside its folder in writing order, and its summary.
pub(super) struct Province {
    pub files: Vec<(&'static str, String)>,
    pub summary: ProvinceSummary,
}

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

/// Province `id`: `n` units, `n_communes` of them commune-level.
pub(super) fn province(
    rng: &mut Rng,
    r: &Request,
    id: &str,
    n: usize,
    n_communes: usize,
) -> Province {
    let setting = Setting::draw(rng);
    let mut units = units::draw(rng, &setting, n, n_communes);
    let staff = staff::draw(rng, &setting, &mut units);
    let summary = ProvinceSummary {
        id: id.to_string(),
        kind: setting.kind,
        region: setting.region,
        em_share: setting.em_pct,
        counts: counts(&units, &staff),
    };
    let files = files(r, &summary, &setting, &units, &staff);
    Province { files, summary }
}

impl Setting {
    /// Type, region, then the groups and their shares of the population.
    fn draw(rng: &mut Rng) -> Setting {
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

/// Units of each kind, staff and unreachable units.
fn counts(units: &[Unit], staff: &Staff) -> Counts {
    let mut c = Counts {
        staff: staff.total(),
        ..Counts::default()
    };
    for u in units {
        match u.kind {
            UnitKind::Commune if u.ward => c.wards += 1,
            UnitKind::Commune => c.communes += 1,
            UnitKind::Provincial => c.provincial += 1,
            UnitKind::EthnicDepartment => c.ethnic_department += 1,
            UnitKind::EthnicCommittee => c.ethnic_committee += 1,
            UnitKind::PublicService => c.public_service += 1,
            UnitKind::CommuneEthnicSection => {
                unreachable!("no commune ethnic sections are generated")
            }
        }
        c.difficult += usize::from(u.difficult);
        c.unreachable += usize::from(u.stuck);
    }
    c
}

/// The province folder's files; channel caps and training seats are Sơn La's, scaled by
/// the province's total quota.
fn files(
    r: &Request,
    summary: &ProvinceSummary,
    setting: &Setting,
    units: &[Unit],
    staff: &Staff,
) -> Vec<(&'static str, String)> {
    let total_quota: u32 = units.iter().map(|u| u.quota).sum();
    let scale = total_quota as f64 / SON_LA_QUOTA;
    let seats = ((500.0 * scale).round() as u32).max(5);
    let years = format!("{}-{}", BASE + 1, HORIZON);
    let groups = &setting.groups;
    let mut files: Vec<(&'static str, String)> = vec![
        ("scenario.toml", texts::scenario_toml(r, summary, seats)),
        (
            "README.md",
            texts::province_readme(r, summary, units, groups),
        ),
        ("groups.csv", tables::groups(groups)),
        ("units.csv", tables::units(units, groups)),
        ("staff.csv", tables::staff(staff, units)),
        ("retirements.csv", tables::retirements(staff, units)),
        ("quotas.csv", tables::quotas(units)),
        ("channels.csv", tables::channels(scale, &years)),
        ("channel_caps.csv", tables::channel_caps(scale, &years)),
    ];
    if let Some(t) = tables::transfers(units, units.len(), &years) {
        files.push(("transfers.csv", t));
    }
    files
}
