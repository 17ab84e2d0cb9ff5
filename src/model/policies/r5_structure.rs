//! R5: the EM staff of the province should correspond to the EM share of its population
//! and to the make-up of its ethnic groups. The text sets no number, so R5 is a goal: in
//! each target year y, for every group g with census share σ_g (normalised to sum to 1),
//! `d[g,y] ≥ |N[g,y] − σ_g · N[y]|`, where N are province-wide head-counts, and the
//! objective adds `r5_weight · Σ_g d[g,y]`. With the default weight (1 million VND a person)
//! R5 steers choices that cost the same, such as which EM group a channel hires from, and
//! never buys extra staff. The distance is reported, not enforced.
//!
//! `N[g,y]` is written as the base head-count plus yearly net changes (hires less
//! retirements, attrition and exits), see [`add_group_changes`].

use crate::model::{stocks::amount_expr, FlowKind, Model, RowKind, RowMeta, SharedRow};
use crate::domain::Spec;
use good_lp::Expression;
use good_lp::Variable;
use std::collections::BTreeMap;

/// Net change of each group's province-wide head-count by year: hires less retirements,
/// attrition and exits. Promotions, training and transfers move people within a group.
/// One aux variable per group and year keeps each hire in a single row, instead of
/// summing every stock of the province in each distance row.
pub fn add_group_changes(spec: &Spec, m: &mut Model) -> BTreeMap<(usize, i32), Variable> {
    let mut change: BTreeMap<(usize, i32), Expression> = BTreeMap::new();
    for f in &m.flows {
        let sign = match f.kind {
            FlowKind::Hire => 1.0,
            FlowKind::Retire | FlowKind::Attrition | FlowKind::Exit => -1.0,
            _ => continue,
        };
        change
            .entry((f.cell.group, f.year))
            .or_default()
            .add_mul(sign, amount_expr(&f.amount));
    }
    let mut out = BTreeMap::new();
    for g in 0..spec.groups.len() {
        for t in spec.plan_years() {
            let d = m.free();
            m.province_columns.push((d, true));
            let e = change.remove(&(g, t)).unwrap_or_default();
            let meta = RowMeta::new(RowKind::R5Distance, None, t).with(spec.groups[g].id.clone());
            m.add_shared_row(
                (Expression::from(d) - e).eq(0.0),
                meta,
                SharedRow::GroupChange(g, t),
            );
            out.insert((g, t), d);
        }
    }
    out
}

/// In a priced subproblem: each flow that changes a group's head-count carries the LP
/// dual of that group's change row, in place of the row.
pub fn price_group_changes(m: &mut Model) {
    let mut terms = Vec::new();
    for f in &m.flows {
        let sign = match f.kind {
            FlowKind::Hire => 1.0,
            FlowKind::Retire | FlowKind::Attrition | FlowKind::Exit => -1.0,
            _ => continue,
        };
        let y = m
            .scope
            .price(SharedRow::GroupChange(f.cell.group, f.year))
            .unwrap_or(0.0);
        terms.push((y * sign, amount_expr(&f.amount)));
    }
    for (price, e) in terms {
        m.add_price(price, e);
    }
}

pub fn add(spec: &Spec, m: &mut Model, year: i32, changes: &BTreeMap<(usize, i32), Variable>) {
    let weight = spec.config.policy.r5_weight;
    let share_sum: f64 = spec.groups.iter().map(|g| g.population_share).sum();
    if share_sum <= 0.0 || weight <= 0.0 {
        return;
    }
    // N[g,y] = base head-count of g + Σ_{t ≤ y} change[g,t]
    let head: Vec<Expression> = (0..spec.groups.len())
        .map(|g| {
            let base: u32 = spec
                .staff
                .iter()
                .filter(|((_, c), _)| c.group == g)
                .map(|(_, n)| n)
                .sum();
            let mut e = Expression::from(base as f64);
            for t in spec.base_year() + 1..=year {
                e += changes[&(g, t)];
            }
            e
        })
        .collect();
    let mut total = Expression::default();
    for e in &head {
        total += e.clone();
    }
    for (g, group) in spec.groups.iter().enumerate() {
        let share = group.population_share / share_sum;
        let d = m.continuous();
        m.province_columns.push((d, false));
        let diff: Expression = head[g].clone() - total.clone() * share;
        let meta = RowMeta::new(RowKind::R5Distance, None, year).with(group.id.clone());
        m.add_shared_row(
            (Expression::from(d) - diff.clone()).geq(0.0),
            meta.clone(),
            SharedRow::ProvinceOnly,
        );
        m.add_shared_row(
            (Expression::from(d) + diff).geq(0.0),
            meta,
            SharedRow::ProvinceOnly,
        );
        m.objective.add_mul(weight, d);
    }
}
