//! The CSV tables of a generated province: groups, units, staff, retirements, quota cuts,
//! channels and their commune caps, and transfer routes. Nothing here draws at random.

use super::groups::{names_of, Group};
use super::staff::Staff;
use super::units::Unit;
use crate::domain::{yes_no, UnitKind};
use std::fmt::Write as _;

/// `groups.csv`: shares in hundredths of a percent, written as percent with two decimals.
pub(super) fn groups(groups: &[Group]) -> String {
    let mut t = String::from("group,em,population_share,names\n");
    for g in groups {
        let _ = writeln!(
            t,
            "{},{},{}.{:02},{}",
            g.id,
            yes_no(g.em),
            g.bp / 100,
            g.bp % 100,
            names_of(g.id)
        );
    }
    t
}

/// `units.csv`.
pub(super) fn units(units: &[Unit], groups: &[Group]) -> String {
    let mut t = String::from(
        "id,name,kind,em_population_share,quota,leader_posts,over_quota_until,recruit_groups,difficult\n",
    );
    for u in units {
        let recruit: Vec<&str> = u.recruit.iter().map(|&g| groups[g].id).collect();
        let _ = writeln!(
            t,
            "{},{},{},{:.1},{},{},{},{},{}",
            u.id,
            u.name,
            u.kind.name(),
            u.p,
            u.quota,
            u.posts,
            u.over_until.map(|y| y.to_string()).unwrap_or_default(),
            recruit.join(";"),
            yes_no(u.difficult)
        );
    }
    t
}

/// `staff.csv`.
pub(super) fn staff(staff: &Staff, units: &[Unit]) -> String {
    let mut t = String::from("unit,group,gender,role,trained,count\n");
    for ((u, g, s, role, tr), n) in &staff.cells {
        let _ = writeln!(t, "{},{g},{s},{role},{tr},{n}", units[*u].id);
    }
    t
}

/// `retirements.csv`.
pub(super) fn retirements(staff: &Staff, units: &[Unit]) -> String {
    let mut t = String::from("unit,group,gender,role,trained,year,count\n");
    for (((u, g, s, role, tr), y), n) in &staff.retirements {
        let _ = writeln!(t, "{},{g},{s},{role},{tr},{y},{n}", units[*u].id);
    }
    t
}

/// `quotas.csv`: quotas of 20 or more fall 2.5% in 2027 and again in 2030 (not a stuck
/// unit's).
pub(super) fn quotas(units: &[Unit]) -> String {
    let mut t = String::from("unit,year,quota\n");
    for u in units.iter().filter(|u| !u.stuck && u.quota >= 20) {
        let q = u.quota;
        let cut = ((q as f64 * 0.025).round() as u32).max(1);
        let _ = writeln!(t, "{},2027,{}", u.id, q - cut);
        let _ = writeln!(t, "{},2030,{}", u.id, q - 2 * cut);
    }
    t
}

/// A Sơn La yearly cap scaled by the province's quota against Sơn La's: at least 3 a year,
/// so that a small province's capped channels still yield whole people net of new-hire
/// leavers.
fn scaled_cap(son_la: f64, scale: f64) -> u32 {
    ((son_la * scale).round() as u32).max(3)
}

/// `channels.csv`: Sơn La's channels with scaled caps, over `years` (`2026-2035`).
pub(super) fn channels(scale: f64, years: &str) -> String {
    let cap = |x: f64| scaled_cap(x, scale);
    let mut t =
        String::from("channel,year,groups,kinds,max_hires,cost_per_hire,women_share,trained\n");
    let _ = writeln!(
        t,
        "nominated,{years},EM,commune;provincial;public_service;ethnic_department,{},250,50,no",
        cap(45.0)
    );
    let _ = writeln!(t, "exam_em,{years},EM,all,{},40,55,no", cap(110.0));
    let _ = writeln!(t, "exam_general,{years},non-EM,all,,40,55,no");
    let _ = writeln!(t, "military,{years},all,commune,{},30,5,no", cap(25.0));
    let _ = writeln!(
        t,
        "top_graduates,{years},all,provincial;public_service;ethnic_department,{},80,55,yes",
        cap(15.0)
    );
    let _ = writeln!(
        t,
        "private_sector,{years},all,provincial;public_service,{},60,40,yes",
        cap(10.0)
    );
    t
}

/// `channel_caps.csv`: the commune caps of the two EM channels, scaled.
pub(super) fn channel_caps(scale: f64, years: &str) -> String {
    let mut t = String::from("channel,year,kind,max_hires\n");
    let _ = writeln!(t, "nominated,{years},commune,{}", scaled_cap(30.0, scale));
    let _ = writeln!(t, "exam_em,{years},commune,{}", scaled_cap(80.0, scale));
    t
}

/// `transfers.csv`, if any route could be made: about 6 routes per 100 units, each between
/// units no other route touches (except the ethnic-affairs department, which receives from
/// at most two communes), so solve groups stay small: department → commune, commune →
/// ethnic-affairs department, commune → department, in Sơn La's pattern.
pub(super) fn transfers(units: &[Unit], n: usize, years: &str) -> Option<String> {
    let routes = (n * 6 + 50) / 100;
    let mut communes = units
        .iter()
        .filter(|u| u.kind == UnitKind::Commune && !u.stuck);
    let mut departments = units.iter().filter(|u| u.kind == UnitKind::Provincial);
    let dear = units.iter().find(|u| u.kind == UnitKind::EthnicDepartment);
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
