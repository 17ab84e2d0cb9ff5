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

use super::{Model, RowKind, RowMeta, TargetSlack};
use crate::rules::Rule;
use crate::scenario::{Roadmap, Spec};
use good_lp::{Expression, Variable};
use std::collections::BTreeMap;

/// Binary "met" indicators of the coverage reading, by rule.
#[derive(Default)]
pub struct Coverage {
    met: BTreeMap<Rule, Vec<Variable>>,
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
    for ty in spec.config.time.targets.clone() {
        let mut coverage = Coverage::default();
        r1_r4_head_counts::add(spec, m, ty.year, ty.level, &mut coverage);
        r6_r7_leaders::add(spec, m, ty.year, ty.level, &mut coverage);
        r8_training::add(spec, m, ty.year, ty.level, &mut coverage);
        add_coverage_counts(spec, m, ty.year, ty.level, coverage);
        r5_structure::add(spec, m, ty.year);
    }
}

fn uses_coverage(spec: &Spec, level: f64) -> bool {
    spec.config.policy.roadmap == Roadmap::Coverage && level < 1.0
}

/// Adds a requirement as a target row with a priced shortfall, or as a coverage unit row.
pub fn add_target(spec: &Spec, m: &mut Model, r: Requirement, level: f64, coverage: &mut Coverage) {
    if r.unit.is_some() && uses_coverage(spec, level) {
        let met = m.binary();
        let row = r.achieved - r.required - met * r.big_m;
        m.add_row(row.geq(-r.big_m), RowMeta::new(RowKind::CoverageUnit(r.rule), r.unit, r.year));
        coverage.met.entry(r.rule).or_default().push(met);
    } else {
        let slack = m.continuous();
        m.slacks.push(TargetSlack { unit: r.unit, rule: r.rule, year: r.year, slack });
        let row = r.achieved + slack - r.required;
        m.add_row(row.geq(0.0), RowMeta::new(RowKind::Target(r.rule), r.unit, r.year));
    }
}

fn add_coverage_counts(spec: &Spec, m: &mut Model, year: i32, level: f64, coverage: Coverage) {
    for (rule, met) in coverage.met {
        let needed = (level * met.len() as f64 - 1e-9).ceil();
        let slack = m.continuous();
        m.slacks.push(TargetSlack { unit: None, rule, year, slack });
        let mut count = Expression::from(slack);
        for v in met {
            count += v;
        }
        m.add_row(count.geq(needed), RowMeta::new(RowKind::CoverageCount(rule), None, year));
    }
    let _ = spec;
}

/// A whole-person "required" count `q ≥ coefficient·base − rounding offset`, which the
/// objective keeps at the rounded value.
pub fn required_count(spec: &Spec, m: &mut Model, base: Expression, coefficient: f64, meta: RowMeta) -> Variable {
    let q = m.integer(None);
    let offset = crate::rules::rounding_offset(spec.config.policy.rounding);
    m.add_row((Expression::from(q) - base * coefficient).geq(-offset), meta);
    q
}

/// Sum over `members` of the stocks passing `filter` in year t.
pub fn members_sum(
    spec: &Spec,
    m: &Model,
    members: &[usize],
    year: i32,
    filter: impl Fn(&crate::scenario::Cell) -> bool + Copy,
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
            let staff: u32 = spec.staff.iter().filter(|((v, _), _)| *v == u).map(|(_, n)| n).sum();
            (max_quota.max(staff) as f64) * 2.0 + 10.0
        })
        .sum()
}
