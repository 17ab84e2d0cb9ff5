//! Steps 2 and 3: the whole province's LP relaxation, and the split of every shared
//! capacity and province-wide target between groups of units by what the LP plan uses.

use super::Ctx;
use crate::domain::{Rule, Spec};
use crate::error::Result;
use crate::model::capacity::{capacity_terms, Capacity};
use crate::model::targets::{local_shares, whole_shares};
use crate::model::{Model, Scope, SharedRow};
use crate::rounding::{apportion, Apportion};
use crate::solve::{Mode, Solved};
use good_lp::Expression;
use std::collections::BTreeMap;

/// The whole-province model and its LP solution.
pub(super) struct Relaxation {
    pub whole: Model,
    pub lp: Solved,
    /// Per-unit terms of every limited shared capacity.
    pub terms: BTreeMap<Capacity, BTreeMap<usize, Expression>>,
    /// Columns, integer columns and rows of the whole-province model.
    pub size: (usize, usize, usize),
    /// The group of each unit.
    pub group_of: Vec<usize>,
}

impl Relaxation {
    pub fn solve(ctx: &Ctx, groups: &[Vec<usize>]) -> Result<Relaxation> {
        let mut whole = ctx.build(Scope::all(ctx.spec));
        let size = (
            whole.vars.len(),
            whole.integer_columns,
            whole.constraints.len(),
        );
        (ctx.progress)(format!(
            "model: {} columns ({} integer), {} rows; {} groups of units",
            size.0,
            size.1,
            size.2,
            groups.len()
        ));
        let terms = capacity_terms(ctx.spec, &whole);
        // Under `gap_of = "plan-dependent"`, the LP stops on the plan-dependent part too.
        let mut settings = ctx.spec.config.solver.clone();
        settings.gap_offset = ctx.fixed;
        let lp = ctx.solve(&mut whole, &settings, Mode::RelaxationFromBlocks)?;
        (ctx.progress)(format!(
            "LP bound {:.1} million VND in {:.1} s",
            lp.stats.objective, lp.stats.seconds
        ));
        let mut group_of = vec![0; ctx.spec.units.len()];
        for (i, members) in groups.iter().enumerate() {
            for &u in members {
                group_of[u] = i;
            }
        }
        Ok(Relaxation {
            whole,
            lp,
            terms,
            size,
            group_of,
        })
    }

    /// What the LP says a person of each limited shared capacity is worth to the province:
    /// its row's dual as a cost per person used (0 where the row does not bind).
    pub fn capacity_prices(&self) -> BTreeMap<Capacity, f64> {
        let mut prices: BTreeMap<Capacity, f64> = BTreeMap::new();
        for (row, index) in &self.whole.shared_rows {
            if let SharedRow::Capacity(cap) = row {
                *prices.entry(*cap).or_default() -= self.lp.row_duals[*index];
            }
        }
        prices
    }

    /// What each group's LP plan pays for the unit targets it misses, on the rows and at
    /// the prices a plan's objective counts them (`evaluate::priced_rows`): its slacks and
    /// confidence margins, at the LP's use of the shared limits. A whole-person plan of the
    /// group may pay more (rounding) or less (with more of a shared limit).
    pub fn owed_by_group(&self, spec: &Spec, groups: usize) -> Vec<f64> {
        use crate::rules::intent::{price, priced_by_row};
        let mut owed = vec![0.0; groups];
        for s in &self.whole.slacks {
            if let Some(u) = s.unit.filter(|_| priced_by_row(spec, s.rule)) {
                owed[self.group_of[u]] +=
                    price(spec, s.rule, Some(u), s.year) * self.lp.value(s.slack);
            }
        }
        for &(u, s) in &self.whole.margin_slacks {
            owed[self.group_of[u]] += spec.config.policy.margin_price() * self.lp.value(s);
        }
        owed
    }

    /// The LP's coverage indicators summed by group: `(rule, year) → per group`.
    pub fn met_by_group(&self, groups: usize) -> BTreeMap<(Rule, i32), Vec<f64>> {
        let mut out: BTreeMap<(Rule, i32), Vec<f64>> = BTreeMap::new();
        for &(rule, year, u, v) in &self.whole.coverage_met {
            out.entry((rule, year)).or_insert_with(|| vec![0.0; groups])[self.group_of[u]] +=
                self.lp.value(v);
        }
        out
    }
}

/// Each group's share of every shared limit and province-wide target.
#[derive(Clone)]
pub(super) struct Split {
    /// Per group: its share of each capacity.
    pub shares: Vec<BTreeMap<Capacity, f64>>,
    /// `(rule, year, unit) → e`: each unit's share of a province-wide target.
    pub local_targets: BTreeMap<(Rule, i32, usize), f64>,
    /// Per group: how many units must meet their full target, by coverage count.
    pub coverage_counts: Vec<BTreeMap<(Rule, i32), f64>>,
    /// Rows coordinated by their LP dual rather than split: I2 held by the province, whose
    /// fractional shares (`E − s·H`) split between groups lost 5% of the objective to
    /// rounding on the sample.
    pub priced: BTreeMap<Capacity, f64>,
    /// R5's group-change rows at their LP duals (see [`Coupling::Share`]).
    pub group_changes: BTreeMap<SharedRow, f64>,
}

impl Split {
    pub fn of(spec: &Spec, r: &Relaxation, groups: &[Vec<usize>]) -> Split {
        let mut shares: Vec<BTreeMap<Capacity, f64>> = vec![BTreeMap::new(); groups.len()];
        for (cap, by_unit) in &r.terms {
            let mut used = vec![0.0; groups.len()];
            for (u, e) in by_unit {
                used[r.group_of[*u]] += r.lp.eval(e);
            }
            let limit = cap
                .limit(spec)
                .expect("terms exist only for limited capacities");
            let parts = if cap.is_minimum() && !cap.is_exact() {
                // A minimum (I4): whole people adding up to exactly the limit, by LP use.
                let how = Apportion {
                    floor_tolerance: 1e-6,
                    once_each: false,
                    take_back: true,
                };
                let whole = (limit + 1e-9).floor().max(0.0) as u32;
                apportion(&used, whole, None, how)
                    .into_iter()
                    .map(f64::from)
                    .collect()
            } else {
                split(limit, &used, cap.is_exact())
            };
            for (g, part) in parts.into_iter().enumerate() {
                shares[g].insert(*cap, part);
            }
        }
        let local_targets = local_shares(&r.whole, |u, y, who| {
            r.lp.eval(
                &r.whole
                    .stock_sum(spec, u, y, |c| who.counts(spec.is_em(c), c)),
            )
        });
        let priced = r
            .whole
            .shared_rows
            .iter()
            .filter_map(|(row, index)| match row {
                SharedRow::Capacity(cap @ Capacity::HiringShare(_)) => {
                    Some((*cap, r.lp.row_duals[*index]))
                }
                _ => None,
            })
            .collect();
        let group_changes = r
            .whole
            .shared_rows
            .iter()
            .filter(|(row, _)| matches!(row, SharedRow::GroupChange(..)))
            .map(|(row, index)| (*row, r.lp.row_duals[*index]))
            .collect();
        Split {
            shares,
            local_targets,
            coverage_counts: coverage_counts(r, groups.len()),
            priced,
            group_changes,
        }
    }
}

/// Under the coverage roadmap: each group's share of every count of units that must meet
/// their full target, from the LP's indicators, in whole units adding up to the count.
fn coverage_counts(r: &Relaxation, groups: usize) -> Vec<BTreeMap<(Rule, i32), f64>> {
    let mut out = vec![BTreeMap::new(); groups];
    for (key, met) in r.met_by_group(groups) {
        // As many units as the LP plan had meet their full target, in whole units.
        let total = (met.iter().sum::<f64>() - 1e-6).ceil().max(0.0);
        for (g, k) in whole_shares(total, &met).into_iter().enumerate() {
            out[g].insert(key, k);
        }
    }
    out
}

/// Splits `limit` between groups by their LP use: whole units rounded down, then spare
/// whole units to the largest remainders (money is split exactly).
pub fn split(limit: f64, used: &[f64], money: bool) -> Vec<f64> {
    if money {
        let total: f64 = used.iter().sum();
        let scale = if total > limit && total > 0.0 {
            limit / total
        } else {
            1.0
        };
        return used.iter().map(|u| u.max(0.0) * scale).collect();
    }
    let how = Apportion {
        floor_tolerance: 1e-6,
        once_each: true,
        take_back: false,
    };
    let whole = (limit + 1e-9).floor().max(0.0) as u32;
    apportion(used, whole, None, how)
        .into_iter()
        .map(f64::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn split_never_exceeds_the_limit_and_favours_remainders() {
        assert_eq!(split(10.0, &[3.4, 3.4, 3.2], false), vec![4.0, 3.0, 3.0]);
        assert_eq!(split(9.0, &[3.0, 3.0, 3.0], false), vec![3.0, 3.0, 3.0]);
        assert_eq!(
            split(2.0, &[0.5, 0.5, 0.5, 0.5], false),
            vec![1.0, 1.0, 0.0, 0.0]
        );
        assert_eq!(split(100.0, &[30.0, 50.0], true), vec![30.0, 50.0]);
    }
}
