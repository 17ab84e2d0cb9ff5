//! One generated province, as an ordered recipe: its setting (type, region, ethnic groups),
//! its units, their staff and retirements, then its files. Each step draws from the same
//! random stream, so the order of the steps is part of the output.

use super::setting::Setting;
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
