//! The staff and retirements of a generated province, drawn person by person: each unit's
//! head-count, its EM staff well below the population share (so that targets bind), its
//! leaders, and for each person a group, gender, training and retirement year.
//!
//! The random draws are made unit by unit and, within a unit, in the order written here.

use super::setting::Setting;
use super::units::Unit;
use super::{BASE, HORIZON};
use crate::domain::UnitKind;
use crate::rng::Rng;
use std::collections::BTreeMap;

/// Per-cell key: unit, group id, gender, role, trained (sorts as the files are written).
pub(super) type CellKey = (
    usize,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// Head-counts by cell, and retirements by cell and year.
#[derive(Default)]
pub(super) struct Staff {
    pub cells: BTreeMap<CellKey, u32>,
    pub retirements: BTreeMap<(CellKey, i32), u32>,
}

/// A unit's base-year head-count: how many are EM, and how many EM and other leaders.
struct Crew {
    head: u32,
    em: u32,
    em_leaders: u32,
    other_leaders: u32,
}

/// Draws every unit's staff; sets `over_until` of communes drawn over quota.
pub(super) fn draw(rng: &mut Rng, s: &Setting, units: &mut [Unit]) -> Staff {
    let mut staff = Staff::default();
    for (ui, u) in units.iter_mut().enumerate() {
        let crew = crew(rng, u, s.em);
        staff.add_people(rng, s, ui, u, &crew);
    }
    staff
}

impl Staff {
    /// Everyone in unit `ui`, EM staff first; leaders are the first of each side.
    fn add_people(&mut self, rng: &mut Rng, s: &Setting, ui: usize, u: &Unit, c: &Crew) {
        let (mut em_led, mut other_led) = (0, 0);
        for k in 0..c.head {
            let is_em = k < c.em;
            let g = person_group(rng, s, u, is_em);
            let female = rng.chance(0.42);
            let mut trained = rng.chance(if is_em { 0.55 } else { 0.8 });
            let leader = if is_em && em_led < c.em_leaders {
                em_led += 1;
                true
            } else if !is_em && other_led < c.other_leaders {
                other_led += 1;
                true
            } else {
                false
            };
            trained |= leader;
            let key: CellKey = (
                ui,
                s.groups[g].id,
                if female { "F" } else { "M" },
                if leader { "leader" } else { "staff" },
                if trained { "yes" } else { "no" },
            );
            *self.cells.entry(key).or_default() += 1;
            if !u.stuck {
                if let Some(y) = retirement_year(rng, female, leader) {
                    *self.retirements.entry((key, y)).or_default() += 1;
                }
            }
        }
    }

    /// Everyone, all units together.
    pub fn total(&self) -> u64 {
        self.cells.values().map(|&n| u64::from(n)).sum()
    }
}

/// A unit's head-count, EM staff and leaders (70–100% of posts filled, EM leaders at
/// 30–90% of the EM share of staff).
fn crew(rng: &mut Rng, u: &mut Unit, e: f64) -> Crew {
    let head = head_count(rng, u);
    let share = em_staff_share(rng, u, e);
    let em = ((head as f64 * share).round() as u32).min(head);
    let leaders = ((u.posts as f64 * rng.range(0.7, 1.0)).round() as u32)
        .clamp(1, u.posts.max(1))
        .min(head);
    let em_leaders = ((leaders as f64 * (em as f64 / head.max(1) as f64) * rng.range(0.3, 0.9))
        .round() as u32)
        .min(leaders)
        .min(em);
    Crew {
        head,
        em,
        em_leaders,
        other_leaders: (leaders - em_leaders).min(head - em),
    }
}

/// Full for a stuck unit; 30% of communes run 1–4 over quota (until 2027); the rest are
/// up to 1/12 under.
fn head_count(rng: &mut Rng, u: &mut Unit) -> u32 {
    let q = u.quota;
    if u.stuck {
        q
    } else if u.is_plain_commune() && rng.chance(0.3) {
        u.over_until = Some(2027);
        q + rng.int(1, 4)
    } else {
        q - rng.int(0, (q / 12).max(1)).min(q)
    }
}

/// The EM share of a unit's staff, `e` being the province's EM population share.
fn em_staff_share(rng: &mut Rng, u: &Unit, e: f64) -> f64 {
    if u.stuck {
        return 0.12;
    }
    match u.kind {
        UnitKind::Commune => (u.p / 100.0 * rng.range(0.35, 0.7)).clamp(0.03, 0.75),
        UnitKind::Provincial => (e * rng.range(0.1, 0.3)).max(rng.range(0.05, 0.12)),
        UnitKind::PublicService => (e * rng.range(0.15, 0.5)).max(rng.range(0.06, 0.15)),
        UnitKind::EthnicDepartment => (e * rng.range(0.3, 0.45)).max(rng.range(0.15, 0.25)),
        UnitKind::EthnicCommittee => (e * rng.range(0.4, 0.6)).max(0.2),
        UnitKind::CommuneEthnicSection => unreachable!("no commune ethnic sections are generated"),
    }
}

/// A person's group: Kinh if not EM; in a commune or ward 70% its first recruitment group,
/// else another of its EM ones; elsewhere by population share.
fn person_group(rng: &mut Rng, s: &Setting, u: &Unit, is_em: bool) -> usize {
    if !is_em {
        s.kinh
    } else if u.kind == UnitKind::Commune {
        let em_local = &u.recruit[..u.recruit.len() - 1];
        if em_local.len() == 1 || rng.chance(0.7) {
            em_local[0]
        } else {
            em_local[1 + rng.next_u64() as usize % (em_local.len() - 1)]
        }
    } else {
        s.em_groups[rng.weighted(&s.em_weights)]
    }
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
