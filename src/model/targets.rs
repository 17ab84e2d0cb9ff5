//! Target rows: every [`Target`] a rule family states becomes rows here, so that the
//! roadmap readings, the priced shortfall and the three forms a province-wide target takes
//! in a model of part of the province are written once, for every rule.
//!
//! # A target over units all in the model
//! For each target of a chain, with `A` the head-count of its `achieved` people over its
//! members in the target year:
//! - [`Required::Fixed`] `r`: `A + shortfall ≥ r`;
//! - [`Required::OfStaff`] `(base, c)`: an integer `q ≥ c·Σ base − offset` (the rounding
//!   offset of [`rounding_offset`] makes `q` the rounded value, which the objective keeps
//!   down to it), then `A + shortfall ≥ q`;
//! - [`Required::OfPrevious`] `rate`: `q' ≥ rate·q − offset` on the chain's previous `q`,
//!   then `A + shortfall ≥ q'`.
//!
//! Every shortfall is priced by [`crate::rules::intent::price`] (a legal target's at
//! `policy.target_penalty`, by default `policy.shortfall_penalty`). Under the `coverage` roadmap in a
//! year whose level is below 1, a unit's row becomes `A ≥ required − M·(1 − met[u])` with a
//! binary `met[u]`, and one count row per rule asks `Σ_u met[u] + shortfall ≥ ⌈level ·
//! units concerned⌉` ([`add_coverage_counts`]). A province-wide target's rows are shared rows
//! (see [`super::coupling`]).
//!
//! # A province-wide target in a model of part of the province
//! - `Share` (a group's plan): each unit carries its share `e_u` of the target, found from
//!   the whole-province LP: `A_u − c·base_u + shortfall ≥ e_u`, `c` being the share of the
//!   base the target requires (0 for a fixed number), see [`local_shares`].
//! - `Priced` (a Lagrangian subproblem, for the bound): each unit's terms of the shared rows
//!   carry the rows' LP duals in the objective, in place of the rows.

use super::coupling::{Coupling, SharedRow};
use super::{Model, RowKind, RowMeta, TargetSlack};
use crate::domain::target::{Chain, Required, Target, Who};
use crate::domain::{Cell, Roadmap, Rule, Spec};
use crate::rounding::{apportion, rounding_offset, Apportion};
use good_lp::{Expression, Variable};
use std::collections::BTreeMap;

/// Binary "met" indicators of the coverage reading, by rule, for one target year.
#[derive(Default)]
pub struct Coverage {
    met: BTreeMap<Rule, Vec<(usize, Variable)>>,
}

/// One requirement: `achieved ≥ required` for a unit (or the province), rule and year.
struct Requirement {
    unit: Option<usize>,
    rule: Rule,
    year: i32,
    achieved: Expression,
    required: Expression,
    /// An upper bound on `required − achieved`, for the coverage big-M.
    big_m: f64,
}

/// Adds the rows of one chain of targets in a target year of roadmap `level`.
pub fn add_chain(spec: &Spec, m: &mut Model, chain: &Chain, level: f64, coverage: &mut Coverage) {
    let Some(first) = chain.first() else { return };
    if first.unit.is_none() && !m.scope.is_whole_province() {
        add_split_chain(spec, m, chain);
    } else if m.scope.contains_all(&first.members) {
        add_whole_chain(spec, m, chain, level, coverage);
    }
}

fn add_whole_chain(spec: &Spec, m: &mut Model, chain: &Chain, level: f64, coverage: &mut Coverage) {
    let mut previous: Option<(Variable, f64)> = None;
    for t in chain {
        let province = t.unit.is_none();
        let achievers: Vec<usize> = t
            .members
            .iter()
            .copied()
            .filter(|&u| t.counts_achieved(u))
            .collect();
        let achieved = members_sum(spec, m, &achievers, t.year, t.achieved);
        let (required, big_m) = match t.required {
            Required::Fixed(r) => (Expression::from(r as f64), r as f64),
            Required::OfStaff { base, coefficient } => {
                let base_sum = members_sum(spec, m, &t.members, t.year, base);
                let big_m = head_bound(spec, &t.members);
                let q = required_count(
                    spec,
                    m,
                    base_sum,
                    coefficient,
                    (coefficient * big_m).ceil() + 1.0,
                    RowMeta::new(RowKind::Required(t.rule), t.unit, t.year),
                    province.then_some(SharedRow::Required(t.rule, t.year)),
                );
                previous = Some((q, coefficient));
                (q.into(), big_m)
            }
            Required::OfPrevious { rate } => {
                let (prev, prev_share) = previous.expect("a chain starts with its base target");
                let big_m = head_bound(spec, &t.members);
                let share = rate * prev_share;
                let q = required_count(
                    spec,
                    m,
                    prev.into(),
                    rate,
                    (share * big_m).ceil() + 1.0,
                    RowMeta::new(RowKind::Required(t.rule), t.unit, t.year),
                    province.then_some(SharedRow::ProvinceOnly),
                );
                previous = Some((q, share));
                (q.into(), big_m)
            }
        };
        let requirement = Requirement {
            unit: t.unit,
            rule: t.rule,
            year: t.year,
            achieved,
            required,
            big_m,
        };
        let shared = province.then_some(SharedRow::Target(t.rule, t.year));
        add_target(spec, m, requirement, level, coverage, shared);
    }
    if first_is_province(chain) {
        m.province_targets.push(chain.clone());
    }
}

fn first_is_province(chain: &Chain) -> bool {
    chain.first().is_some_and(|t| t.unit.is_none())
}

/// A province-wide chain in a model of some units: each unit's share, or its priced terms.
fn add_split_chain(spec: &Spec, m: &mut Model, chain: &Chain) {
    let members: Vec<usize> = chain[0]
        .members
        .iter()
        .copied()
        .filter(|&u| m.scope.contains(u))
        .collect();
    for u in members {
        let mut previous: Option<(Who, f64)> = None;
        for t in chain {
            let achieved = if t.counts_achieved(u) {
                m.stock_sum(spec, u, t.year, |c| t.achieved.counts(spec.is_em(c), c))
            } else {
                Expression::default()
            };
            let share = t.share_of_base(previous);
            if let Some(target_price) = m.scope.price(SharedRow::Target(t.rule, t.year)) {
                if let Required::OfStaff { base, coefficient } = t.required {
                    let y = m.scope.price(SharedRow::Required(t.rule, t.year));
                    let base = m.stock_sum(spec, u, t.year, |c| base.counts(spec.is_em(c), c));
                    m.add_price(y.unwrap_or(0.0) * coefficient, base);
                }
                m.add_price(-target_price, achieved);
            } else {
                let (base, coefficient) = match share {
                    Some((who, c)) => (
                        m.stock_sum(spec, u, t.year, |cell| who.counts(spec.is_em(cell), cell)),
                        c,
                    ),
                    None => (Expression::default(), 0.0),
                };
                add_local_share(m, t.rule, t.year, u, achieved, base, coefficient);
            }
            previous = share;
        }
    }
}

fn uses_coverage(spec: &Spec, level: f64) -> bool {
    spec.config.policy.roadmap == Roadmap::Coverage && level < 1.0
}

/// Adds a requirement as a target row with a priced shortfall, or as a coverage unit row;
/// `shared` names the row when it sums over units.
fn add_target(
    spec: &Spec,
    m: &mut Model,
    r: Requirement,
    level: f64,
    coverage: &mut Coverage,
    shared: Option<SharedRow>,
) {
    // A safety buffer (`simulate --buffer`) raises a unit's requirement by whole people;
    // pricing a target asks one person more or fewer, or no shortfall.
    let mut r = r;
    let mut extra = r
        .unit
        .and_then(|u| spec.target_buffer.get(&(u, r.rule, r.year)))
        .map_or(0, |&b| b as i32);
    let change = m
        .scope
        .change
        .filter(|c| Some(c.unit) == r.unit && c.rule == r.rule && c.year == r.year);
    extra += change.map_or(0, |c| c.extra);
    if extra != 0 {
        r.required += extra as f64;
        r.big_m += extra.max(0) as f64;
    }
    let hard = change.is_some_and(|c| c.hard);
    if let (Some(unit), true) = (r.unit, uses_coverage(spec, level)) {
        let met = m.binary();
        let row = r.achieved - r.required - met * r.big_m;
        m.add_row(
            row.geq(-r.big_m),
            RowMeta::new(RowKind::CoverageUnit(r.rule), r.unit, r.year),
        );
        coverage.met.entry(r.rule).or_default().push((unit, met));
    } else {
        let slack = if hard { m.at_most(0.0) } else { m.continuous() };
        m.slacks.push(TargetSlack {
            unit: r.unit,
            rule: r.rule,
            year: r.year,
            slack,
        });
        let mut row = r.achieved + slack - r.required;
        // The confidence margin: asked on top, a shortfall on it priced lower.
        if let Some((u, margin)) = r
            .unit
            .and_then(|u| Some((u, spec.target_margins.get(&(u, r.rule, r.year))?)))
        {
            let people = margin.people as f64;
            let short = m.at_most(people);
            m.margin_slacks.push((u, short));
            row = row + short - people;
        }
        let row = row.geq(0.0);
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
pub fn add_coverage_counts(m: &mut Model, year: i32, level: f64, coverage: Coverage) {
    for (rule, met) in coverage.met {
        let needed = match &m.scope.coupling {
            Coupling::Whole => Roadmap::units_needed(level, met.len()) as f64,
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

/// The share of a province-wide target that falls to one unit when the province is planned
/// in parts: `achieved − coefficient·base + shortfall ≥ e`, with `e` from the LP plan.
fn add_local_share(
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
fn required_count(
    spec: &Spec,
    m: &mut Model,
    base: Expression,
    coefficient: f64,
    most: f64,
    meta: RowMeta,
    shared: Option<SharedRow>,
) -> Variable {
    let q = m.integer(Some(most));
    let offset = rounding_offset(spec.config.policy.rounding);
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

/// Sum over `members` of the stocks of `who` in year t.
pub fn members_sum(spec: &Spec, m: &Model, members: &[usize], year: i32, who: Who) -> Expression {
    let mut e = Expression::default();
    for &u in members {
        e += m.stock_sum(spec, u, year, |c: &Cell| who.counts(spec.is_em(c), c));
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

/// Each unit's share of every province-wide target of the whole-province model, from the
/// head-counts `value(u, year, who)` of its LP plan: for a fixed number, whole-person shares
/// that add up to it; for a share of the base, what each unit achieved beyond its own share
/// (`A_u − c·base_u`), the shares adding up to at least 0 for the chain's first target and
/// to at least the rate for a target that builds on it (enough for the rounded-up minimum),
/// any deficit going to the unit furthest ahead.
pub fn local_shares(
    m: &Model,
    value: impl Fn(usize, i32, Who) -> f64,
) -> BTreeMap<(Rule, i32, usize), f64> {
    let mut out = BTreeMap::new();
    for chain in &m.province_targets {
        let mut previous: Option<(Who, f64)> = None;
        for t in chain {
            let share = t.share_of_base(previous);
            let parts = match (t.required, share) {
                (Required::Fixed(required), _) => {
                    let achieved: Vec<f64> = t
                        .members
                        .iter()
                        .map(|&u| achieved_value(t, u, &value))
                        .collect();
                    whole_shares(required as f64, &achieved)
                }
                (required, Some((base, coefficient))) => {
                    let floor = match required {
                        Required::OfPrevious { rate } => rate,
                        _ => 0.0,
                    };
                    shares_beyond(t, base, coefficient, floor, &value)
                }
                (_, None) => continue,
            };
            for (&u, e) in t.members.iter().zip(parts) {
                out.insert((t.rule, t.year, u), e);
            }
            previous = share;
        }
    }
    out
}

fn achieved_value(t: &Target, u: usize, value: &impl Fn(usize, i32, Who) -> f64) -> f64 {
    if t.counts_achieved(u) {
        value(u, t.year, t.achieved)
    } else {
        0.0
    }
}

fn shares_beyond(
    t: &Target,
    base: Who,
    coefficient: f64,
    floor: f64,
    value: &impl Fn(usize, i32, Who) -> f64,
) -> Vec<f64> {
    let mut excess: Vec<f64> = t
        .members
        .iter()
        .map(|&u| achieved_value(t, u, value) - coefficient * value(u, t.year, base))
        .collect();
    let deficit = floor - excess.iter().sum::<f64>();
    if deficit > 0.0 {
        let best =
            (0..excess.len()).max_by(|&a, &b| excess[a].total_cmp(&excess[b]).then(b.cmp(&a)));
        if let Some(i) = best {
            excess[i] += deficit;
        }
    }
    excess
}

/// Whole-person shares adding up to at least `required`: LP values rounded down, then one
/// more to the largest remainders.
pub fn whole_shares(required: f64, achieved: &[f64]) -> Vec<f64> {
    let how = Apportion {
        floor_tolerance: 1e-6,
        ..Apportion::default()
    };
    apportion(achieved, required.max(0.0) as u32, None, how)
        .into_iter()
        .map(f64::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_province_total_is_shared_in_whole_people_adding_up_to_it() {
        assert_eq!(whole_shares(7.0, &[2.5, 2.5, 1.9]), vec![3.0, 2.0, 2.0]);
    }
}
