//! R5: the EM staff of the province should correspond to the EM share of its population
//! and to the make-up of its ethnic groups (POLICY.md II.3, "tương ứng với tỷ lệ người DTTS
//! trong tổng dân số của tỉnh; phù hợp với cơ cấu của các thành phần dân tộc thiểu số").
//! The text sets no number, so R5 is a goal: in each target year y, for every group g with
//! census share σ_g (normalised to sum to 1), `d[g,y] ≥ |N[g,y] − σ_g · N[y]|`, where N are
//! province-wide head-counts, and the objective adds `r5_weight · Σ_g d[g,y]`. With the
//! default weight (1 million VND a person) R5 steers choices that cost the same, such as
//! which EM group a channel hires from, and never buys extra staff. The distance is
//! reported ([`distances`]), and the goal row of `targets.csv` compares EM staff with the EM
//! share of the population (reading (a)); it is not counted among targets met or missed.
//!
//! `N[g,y]` is written as the base head-count plus yearly net changes (hires less
//! retirements, attrition and exits): one province-wide variable per group and year,
//! defined by a shared row over the units' flows, keeps each hire in a single row instead of
//! summing every stock of the province in each distance row. A model of part of the
//! province has no such variables, and no distance rows; priced, or as a group of the
//! decomposition given its share of the province, each flow carries the LP dual of its
//! group's change row.

use super::Family;
use crate::domain::target::{Chain, Required, Target, TargetRow, Who};
use crate::domain::{FlowKind, R5Reading, Rounding, Rule, Spec};
use crate::model::stocks::amount_expr;
use crate::model::SharedRow;
use crate::model::{Model, RowKind, RowMeta};
use crate::plan::Plan;
use crate::rounding::{round9, round_count};
use good_lp::Expression;
use std::collections::BTreeMap;

/// The family of R5.
pub struct Structure;

/// R5 is a goal, reported beside the targets and not counted among them.
pub const GOAL: Rule = Rule::R5;

impl Family for Structure {
    fn rules(&self) -> &'static [Rule] {
        &[Rule::R5]
    }
    fn prepare_rows(&self, spec: &Spec, m: &mut Model) {
        if spec.config.policy.r5_weight > 0.0 {
            add_group_changes(spec, m);
        }
    }
    fn targets(&self, spec: &Spec, year: i32, level: f64) -> Vec<Chain> {
        if !share_reading(spec) {
            return Vec::new();
        }
        let lvl = super::unit_level(spec, level);
        let p = em_population_share(spec);
        vec![vec![Target {
            unit: None,
            rule: Rule::R5,
            year,
            members: (0..spec.units.len()).collect(),
            achieved_members: None,
            achieved: Who::Em,
            required: Required::OfStaff {
                base: Who::All,
                coefficient: round9(lvl * p),
            },
            why: format!(
                "reading (a): EM staff ≥ the EM share of the population {:.1}%; {:.0}% of it in {year}",
                p * 100.0,
                lvl * 100.0
            ),
        }]]
    }
    fn add_goal_rows(&self, spec: &Spec, m: &mut Model, year: i32) {
        if spec.config.policy.r5_reading != R5Reading::Share {
            add_distances(spec, m, year);
        }
    }
    fn evaluate_clauses(&self, spec: &Spec, plan: &Plan, year: i32) -> Vec<TargetRow> {
        if share_reading(spec) {
            Vec::new() // the target's own row
        } else {
            vec![goal_row(spec, plan, year)]
        }
    }
}

/// Net change of each group's province-wide head-count by year: hires less retirements,
/// attrition and exits. Promotions, training and transfers move people within a group.
fn add_group_changes(spec: &Spec, m: &mut Model) {
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
    for g in 0..spec.groups.len() {
        for t in spec.plan_years() {
            let e = change.remove(&(g, t)).unwrap_or_default();
            let meta = RowMeta::new(RowKind::R5Distance, None, t).with(spec.groups[g].id.clone());
            m.define_sum(SharedRow::GroupChange(g, t), e, meta);
        }
    }
}

fn add_distances(spec: &Spec, m: &mut Model, year: i32) {
    if !m
        .defined
        .keys()
        .any(|k| matches!(k, SharedRow::GroupChange(..)))
    {
        return; // a model of part of the province: no distances
    }
    let share_sum: f64 = spec.groups.iter().map(|g| g.population_share).sum();
    if share_sum <= 0.0 || spec.config.policy.r5_weight <= 0.0 {
        return;
    }
    // N[g,y] = base head-count of g + Σ_{t ≤ y} change[g,t]
    let mut head: Vec<Expression> = Vec::with_capacity(spec.groups.len());
    for g in 0..spec.groups.len() {
        let base: u32 = spec
            .staff
            .iter()
            .filter(|((_, c), _)| c.group == g)
            .map(|(_, n)| n)
            .sum();
        let mut e = Expression::from(base as f64);
        for t in spec.base_year() + 1..=year {
            let Some(&change) = m.defined.get(&SharedRow::GroupChange(g, t)) else {
                return; // a model of part of the province: no distances
            };
            e += change;
        }
        head.push(e);
    }
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
        m.goal_distances.push(d);
    }
}

/// R5 distance of a plan in each target year: Σ_g |N_g − σ_g·N| over all groups, where σ
/// are the census shares normalised to sum to one.
pub fn distances(spec: &Spec, plan: &Plan) -> BTreeMap<i32, f64> {
    let share_sum: f64 = spec.groups.iter().map(|g| g.population_share).sum();
    let mut out = BTreeMap::new();
    if spec.config.policy.r5_reading == R5Reading::Share {
        return out; // reading (a) only: no make-up distances are modelled or priced
    }
    for ty in &spec.config.time.targets {
        let mut by_group = vec![0u32; spec.groups.len()];
        for ((_, _, c), n) in plan.stock.iter().filter(|((t, _, _), _)| *t == ty.year) {
            by_group[c.group] += n;
        }
        let total: u32 = by_group.iter().sum();
        let d = if share_sum > 0.0 {
            spec.groups
                .iter()
                .zip(&by_group)
                .map(|(g, &n)| (n as f64 - g.population_share / share_sum * total as f64).abs())
                .sum()
        } else {
            0.0
        };
        out.insert(ty.year, d);
    }
    out
}

/// R5 as a goal row: EM staff against the EM share of the population (nearest person).
/// Whether R5 is read as (a), the EM share of staff tracking that of the population, a
/// priced target under the roadmap (`r5_reading = "share"` or `"both"`).
pub fn share_reading(spec: &Spec) -> bool {
    spec.config.policy.r5_reading != R5Reading::MakeUp
}

/// The EM share of the province's population, from `groups.csv`.
pub fn em_population_share(spec: &Spec) -> f64 {
    let share_sum: f64 = spec.groups.iter().map(|g| g.population_share).sum();
    spec.groups
        .iter()
        .filter(|g| g.em)
        .map(|g| g.population_share)
        .sum::<f64>()
        / share_sum.max(1e-12)
}

fn goal_row(spec: &Spec, plan: &Plan, year: i32) -> TargetRow {
    let em_share = em_population_share(spec);
    let all: u32 = (0..spec.units.len())
        .map(|u| plan.sum(year, u, |_| true))
        .sum();
    let em: u32 = (0..spec.units.len())
        .map(|u| plan.sum(year, u, |c| spec.is_em(c)))
        .sum();
    let mut r = TargetRow::new(
        "PROVINCE",
        Rule::R5,
        year,
        round_count(em_share * all as f64, Rounding::Nearest),
        em,
    );
    r.goal = true;
    r
}
