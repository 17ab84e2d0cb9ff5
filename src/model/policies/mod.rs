//! One module per rule family, after GenX's `model/policies/*.jl`. Each adds its rows for
//! every target year and registers a priced slack through [`add_target`], which also
//! implements the two roadmap readings of POLICY.md:
//!
//! - `level`: `achieved + shortfall ≥ required`, with `required` scaled by the year's level;
//! - `coverage`, in a year whose level is below 1: each unit row becomes
//!   `achieved ≥ required_full − M·(1 − met[u])` with a binary `met[u]`, and one province row
//!   per rule asks `Σ_u met[u] + shortfall ≥ ⌈level · units concerned⌉`. Which units go first
//!   is the optimiser's choice. Province-wide rows and the public-service manager clause
//!   are single requirements and apply in full.

pub mod r1_r4_head_counts;
pub mod r5_structure;
pub mod r6_r7_leaders;
pub mod r8_training;

use super::{Coupling, Model, RowKind, RowMeta, SharedRow, TargetSlack};
use crate::rules::Rule;
use crate::domain::{Roadmap, Spec};
use good_lp::{Expression, Variable};
use std::collections::BTreeMap;

/// Binary "met" indicators of the coverage reading, by rule.
#[derive(Default)]
pub struct Coverage {
    met: BTreeMap<Rule, Vec<(usize, Variable)>>,
}

/// One requirement: `achieved ≥ required` for a unit (or the province), rule and year.
pub struct Requirement {
    pub unit: Option<usize>,
    pub rule: Rule,
    pub year: i32,
    pub achieved: Expression,
    pub required: Expression,
    /// An upper bound on `required − achieved`, for the coverage big-M.
    pub big_m: f64,
}

pub fn add(spec: &Spec, m: &mut Model) {
    // R5 is province-wide; a model of some units leaves it to the whole-province LP.
    let with_r5 = spec.config.policy.r5_weight > 0.0 && m.scope.is_whole_province();
    if spec.config.policy.r5_weight > 0.0 && matches!(m.scope.coupling, Coupling::Priced(_)) {
        r5_structure::price_group_changes(m);
    }
    let group_changes = if with_r5 {
        r5_structure::add_group_changes(spec, m)
    } else {
        BTreeMap::new()
    };
    for ty in spec.config.time.targets.clone() {
        let mut coverage = Coverage::default();
        r1_r4_head_counts::add(spec, m, ty.year, ty.level, &mut coverage);
        r6_r7_leaders::add(spec, m, ty.year, ty.level, &mut coverage);
        r8_training::add(spec, m, ty.year, ty.level, &mut coverage);
        add_coverage_counts(m, ty.year, ty.level, coverage);
        if with_r5 {
            r5_structure::add(spec, m, ty.year, &group_changes);
        }
    }
}

fn uses_coverage(spec: &Spec, level: f64) -> bool {
    spec.config.policy.roadmap == Roadmap::Coverage && level < 1.0
}

/// Adds a requirement as a target row with a priced shortfall, or as a coverage unit row;
/// `shared` names the row when it sums over units.
pub fn add_target(
    spec: &Spec,
    m: &mut Model,
    r: Requirement,
    level: f64,
    coverage: &mut Coverage,
    shared: Option<SharedRow>,
) {
    // A safety buffer (`simulate --buffer`) raises a unit's requirement by whole people.
    let mut r = r;
    if let Some(b) = r
        .unit
        .and_then(|u| spec.target_buffer.get(&(u, r.rule, r.year)))
    {
        r.required += *b as f64;
        r.big_m += *b as f64;
    }
    if let (Some(unit), true) = (r.unit, uses_coverage(spec, level)) {
        let met = m.binary();
        let row = r.achieved - r.required - met * r.big_m;
        m.add_row(
            row.geq(-r.big_m),
            RowMeta::new(RowKind::CoverageUnit(r.rule), r.unit, r.year),
        );
        coverage.met.entry(r.rule).or_default().push((unit, met));
    } else {
        let slack = m.continuous();
        m.slacks.push(TargetSlack {
            unit: r.unit,
            rule: r.rule,
            year: r.year,
            slack,
        });
        let row = (r.achieved + slack - r.required).geq(0.0);
        let meta = RowMeta::new(RowKind::Target(r.rule), r.unit, r.year);
        match shared {
            Some(s) => {
                m.province_columns.push((slack, false));
                m.add_shared_row(row, meta, s);
            }
            None => m.add_row(row, meta),
        }
    }
}

/// The coverage count of each rule: over the whole province a shared row; for a group of
/// units, the group's share of the count; priced, each unit's indicator carries the dual.
fn add_coverage_counts(m: &mut Model, year: i32, level: f64, coverage: Coverage) {
    for (rule, met) in coverage.met {
        let needed = match &m.scope.coupling {
            Coupling::Whole => (level * met.len() as f64 - 1e-9).ceil(),
            Coupling::Share {
                coverage_counts, ..
            } => coverage_counts.get(&(rule, year)).copied().unwrap_or(0.0),
            Coupling::Priced(prices) => {
                let y = prices
                    .get(&SharedRow::CoverageCount(rule, year))
                    .copied()
                    .unwrap_or(0.0);
                for (_, v) in met {
                    m.add_price(-y, v.into());
                }
                continue;
            }
        };
        let slack = m.continuous();
        m.slacks.push(TargetSlack {
            unit: None,
            rule,
            year,
            slack,
        });
        let mut count = Expression::from(slack);
        for (u, v) in &met {
            count += *v;
            m.coverage_met.push((rule, year, *u, *v));
        }
        let row = count.geq(needed);
        let meta = RowMeta::new(RowKind::CoverageCount(rule), None, year);
        if m.scope.is_whole_province() {
            m.province_columns.push((slack, false));
            m.add_shared_row(row, meta, SharedRow::CoverageCount(rule, year));
        } else {
            m.add_row(row, meta);
        }
    }
}

/// The share of a province-wide rule that falls to one unit when the province is planned
/// in parts: `achieved − coefficient·base + shortfall ≥ e`, with `e` from the LP plan.
#[allow(clippy::too_many_arguments)]
pub fn add_local_share(
    m: &mut Model,
    rule: Rule,
    year: i32,
    u: usize,
    achieved: Expression,
    base: Expression,
    coefficient: f64,
) {
    let e = match &m.scope.coupling {
        Coupling::Share { local_targets, .. } => {
            local_targets.get(&(rule, year, u)).copied().unwrap_or(0.0)
        }
        _ => 0.0,
    };
    let slack = m.continuous();
    m.slacks.push(TargetSlack {
        unit: Some(u),
        rule,
        year,
        slack,
    });
    let row = achieved - base * coefficient + slack;
    m.add_row(
        row.geq(e),
        RowMeta::new(RowKind::Target(rule), Some(u), year).with("local share"),
    );
}

/// A whole-person "required" count `q ≥ coefficient·base − rounding offset`, which the
/// objective keeps at the rounded value; `most` bounds it from above. With `shared`, the row
/// is recorded as shared and q as a province-wide variable.
pub fn required_count(
    spec: &Spec,
    m: &mut Model,
    base: Expression,
    coefficient: f64,
    most: f64,
    meta: RowMeta,
    shared: Option<SharedRow>,
) -> Variable {
    let q = m.integer(Some(most));
    let offset = crate::rounding::rounding_offset(spec.config.policy.rounding);
    let row = (Expression::from(q) - base * coefficient).geq(-offset);
    match shared {
        Some(s) => {
            m.province_columns.push((q, false));
            m.add_shared_row(row, meta, s);
        }
        None => m.add_row(row, meta),
    }
    q
}

/// Sum over `members` of the stocks passing `filter` in year t.
pub fn members_sum(
    spec: &Spec,
    m: &Model,
    members: &[usize],
    year: i32,
    filter: impl Fn(&crate::domain::Cell) -> bool + Copy,
) -> Expression {
    let mut e = Expression::default();
    for &u in members {
        e += m.stock_sum(spec, u, year, filter);
    }
    e
}

/// An upper bound on any head-count of `members` in a year: quotas plus base staff.
pub fn head_bound(spec: &Spec, members: &[usize]) -> f64 {
    members
        .iter()
        .map(|&u| {
            let max_quota = spec.quota[u].iter().copied().max().unwrap_or(0);
            let staff = spec.base_staff(u);
            (max_quota.max(staff) as f64) * 2.0 + 10.0
        })
        .sum()
}
