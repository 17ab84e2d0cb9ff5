//! The price of each target (issue 13, item 3): what one more required person costs, what
//! one fewer saves, and what closing a missed target would cost, in whole people.
//!
//! # How a price is found
//! Each target row `(unit u, rule, year)` of a target year is priced by re-solving the
//! MIP of `u`'s group of units **with the rest of the plan fixed**: the group may use what
//! the other groups' plans leave of every shared limit (channels, seats, budget), and keeps
//! its shares of province-wide rules and channel minimums. Each solve goes to an absolute
//! gap of [`ABS_GAP`] million VND instead of the plan's relative tolerance (a price is a
//! small difference of two large objectives):
//! - the **base**: the group as it is;
//! - **one more**: the row asks `required + 1`; **one fewer**: `required − 1`;
//! - for a row the base misses, **closing**: the row with no shortfall allowed; it *cannot
//!   be met* when no plan of the group keeps it with what the rest of the plan leaves.
//!
//! A price is the change of the re-solve's objective from the base's: the objective the
//! group's model minimises, so that every re-solve is optimal for what is measured. It is
//! money, plus the penalties of the group's own rows (targets, milestones, intent rows) and
//! of its shares of what the province shares: province-wide rows and channel minimums (I4)
//! split by the LP, and province-held I2 at the LP's price. The money part (the costs of the
//! re-solved plan) is reported beside it; the rest is penalties, of rows or shares the change
//! makes missed or met.
//!
//! # Why this is honest
//! Each price is the cost of a plan that exists: put the re-solved group into the plan and
//! the province meets the changed target at that money, within every shared limit. The
//! province re-planned as a whole could share the change out better, so the province would
//! pay at most this for one more and save at least this for one fewer, measured from this
//! plan (itself within its proven gap of the best). The alternative the issue offers, the
//! group with the shared rows priced at the LP's duals, gives a Lagrangian estimate that no
//! plan need attain.
//!
//! Shortcuts, both exact: a row the base exceeds costs nothing for one more (the base still
//! meets it, and asking more never costs less); one fewer of a row the base misses saves one
//! person's penalty (every plan's objective falls by at most that, the base's by exactly
//! that).
//! Not priced, with the reason in the row: a province-wide row (R6/R7 over the province)
//! met exactly or missed (it would need every group re-solved; one the plan exceeds costs
//! 0 for one more, exactly); a coverage-roadmap count; a row whose re-solve fails. A public
//! service unit's clause (an EM manager when EM staff are ≥ 30%) is priced like a row: one
//! more asks two EM managers when the clause applies, one fewer none (a plan may then
//! escape the clause by keeping EM staff under 30%, and the price says what that saves).
//! Only rows of target years are priced: milestones and intent rows are not; with
//! `budget.price_units` (`plan --prices-of`), only the rows of those units.

use crate::diagnose::Shortfall;
use crate::domain::target::{TargetKind, TargetRow};
use crate::domain::Spec;
use crate::error::Result;
use crate::model::TargetChange;
use crate::plan::Plan;
use crate::solve::FlowStart;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The absolute tolerance of every pricing solve, million VND: prices are given to 0.1.
pub const ABS_GAP: f64 = 0.01;

/// A group re-solved, with the rest of the plan fixed.
pub struct Resolved {
    /// Its model's objective.
    pub objective: f64,
    pub plan: Plan,
    /// How far its objective may be above the group's optimum (HiGHS's own gap).
    pub uncertainty: f64,
    /// Seconds its solve took, to start the longest groups' re-solves first.
    pub seconds: f64,
    /// Its flows, to start the changed re-solves from.
    pub start: FlowStart,
}

/// What came of a pricing solve: a plan, no plan keeps the hard row, or a failure (its
/// message).
pub enum Outcome {
    Solved(Resolved),
    Infeasible,
    Failed(String),
}

/// `resolve(g, change, start)`: group g re-solved with one target changed (none: the base),
/// started from `start` (none: from its part of the plan).
pub type Resolve<'a> =
    dyn Fn(usize, Option<TargetChange>, Option<&FlowStart>) -> Outcome + Sync + 'a;

/// A change of value (million VND) and of it, money: the rest is the penalties of rows the
/// change makes missed or met (the row itself included).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Delta {
    pub objective: f64,
    pub money: f64,
}

impl Delta {
    pub const ZERO: Delta = Delta {
        objective: 0.0,
        money: 0.0,
    };
}

/// What happens to a missed target when the group must meet it.
#[derive(Debug, Clone, PartialEq)]
pub enum Closing {
    /// The row is met in the base.
    NotMissed,
    /// Meeting it costs this much more than the base, its own penalty left out.
    Costs(Delta),
    /// No plan of the group meets it with what the rest of the plan leaves.
    CannotBeMet,
}

/// Why a row has no price.
#[derive(Debug, Clone, PartialEq)]
pub enum NotPriced {
    /// A province-wide row met exactly or missed.
    Province,
    /// A coverage-roadmap count of units.
    Coverage,
    /// A re-solve failed (its message).
    Failed(String),
}

/// One target row's prices (million VND).
#[derive(Debug, Clone, PartialEq)]
pub struct TargetPrice {
    /// Index of the row in the plan's target rows.
    pub row: usize,
    /// What one more required person costs; what one fewer saves.
    pub one_more: Option<Delta>,
    pub one_fewer: Option<Delta>,
    pub closing: Closing,
    /// The row as the base re-solve meets it, when that differs from the plan's reading
    /// (the plan was solved to its tolerance): (required, achieved).
    pub base_reading: Option<(u32, u32)>,
    /// How far a price may be off, from the solves' own gaps (at most 2·ABS_GAP when every
    /// solve closed its gap).
    pub uncertainty: f64,
    /// Why the row has no price (or, for a province row the plan exceeds, only one more).
    pub not_priced: Option<NotPriced>,
}

/// Every target row's price, and what finding them took.
#[derive(Debug, Clone, PartialEq)]
pub struct Priced {
    pub prices: Vec<TargetPrice>,
    pub solves: usize,
    pub seconds: f64,
}

/// A re-solved group's objective and money (million VND).
#[derive(Clone, Copy)]
struct Value {
    objective: f64,
    money: f64,
}

impl Value {
    fn of(solved: &Resolved) -> Value {
        Value {
            objective: solved.objective,
            money: solved.plan.costs.values().sum(),
        }
    }
}

/// A group's base re-solve, its value, and its own reading of every row.
struct Base {
    solved: Resolved,
    value: Value,
    rows: Vec<TargetRow>,
}

/// A pricing solve by the row it prices, the people it adds and whether the row is hard.
type JobKey = (usize, i32, bool);

/// One pricing solve to run.
#[derive(Clone, Copy)]
struct Job {
    group: usize,
    row: usize,
    change: TargetChange,
}

/// The prices of every target row of the plan. `targets` are the plan's own rows;
/// `groups[g]` are the units of group g and `group_of[u]` unit u's group; `resolve`
/// re-solves a group.
pub fn price_targets(
    spec: &Spec,
    targets: &[TargetRow],
    groups: &[Vec<usize>],
    resolve: &Resolve,
    threads: usize,
    progress: &(dyn Fn(String) + Sync),
) -> Result<Priced> {
    let mut group_of = vec![0; spec.units.len()];
    for (g, members) in groups.iter().enumerate() {
        for &u in members {
            group_of[u] = g;
        }
    }
    let rows: Vec<(usize, &TargetRow)> = targets
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            r.kind == TargetKind::Target && !r.goal && spec.config.budget.prices_unit(&r.unit)
        })
        .collect();
    // The rows priced by re-solving their group.
    let unit_of = |r: &TargetRow| spec.unit_index(&r.unit);
    let mut priced_groups: Vec<usize> = rows
        .iter()
        .filter_map(|(_, r)| unit_of(r).map(|u| group_of[u]))
        .collect();
    priced_groups.sort_unstable();
    priced_groups.dedup();
    let pool = crate::threads::pool(threads)?;
    let started = std::time::Instant::now();
    progress(format!(
        "pricing {} targets: re-solving {} groups with the rest of the plan fixed…",
        rows.len(),
        priced_groups.len()
    ));
    let bases: Vec<Outcome> = pool.install(|| {
        priced_groups
            .par_iter()
            .map(|&g| resolve(g, None, None))
            .collect()
    });
    // Each base, with its objective and its own reading of its rows; a group whose base
    // fails has its rows not priced, with the reason.
    let mut base: BTreeMap<usize, Base> = BTreeMap::new();
    let mut base_failed: BTreeMap<usize, String> = BTreeMap::new();
    for (&g, outcome) in priced_groups.iter().zip(bases) {
        let solved = match outcome {
            Outcome::Solved(s) => s,
            Outcome::Infeasible => {
                base_failed.insert(g, "its group has no plan even unchanged".into());
                continue;
            }
            Outcome::Failed(why) => {
                base_failed.insert(g, why);
                continue;
            }
        };
        let value = Value::of(&solved);
        let rows = crate::evaluate::evaluate(spec, &solved.plan);
        base.insert(
            g,
            Base {
                solved,
                value,
                rows,
            },
        );
    }
    let base_row = |g: usize, r: &TargetRow| -> Option<TargetRow> {
        base.get(&g)?
            .rows
            .iter()
            .find(|b| b.unit == r.unit && b.rule == r.rule && b.year == r.year && b.kind == r.kind)
            .cloned()
    };
    let mut jobs: Vec<Job> = Vec::new();
    for &(i, r) in &rows {
        let Some(u) = unit_of(r) else { continue };
        let g = group_of[u];
        let Some(b) = base_row(g, r) else { continue };
        let job = |extra: i32, hard: bool| Job {
            group: g,
            row: i,
            change: TargetChange {
                unit: u,
                rule: r.rule,
                year: r.year,
                extra,
                hard,
            },
        };
        if b.achieved <= b.required {
            jobs.push(job(1, false));
        }
        if b.required >= 1 && b.met {
            jobs.push(job(-1, false));
        }
        if !b.met {
            jobs.push(job(0, true));
        }
    }
    // The slowest groups' re-solves first, so that no long solve is left for the end.
    jobs.sort_by(|a, b| {
        base[&b.group]
            .solved
            .seconds
            .total_cmp(&base[&a.group].solved.seconds)
            .then(a.row.cmp(&b.row))
    });
    let done = AtomicUsize::new(0);
    let total = jobs.len();
    let solved: Vec<(Outcome, Option<Value>)> = pool.install(|| {
        jobs.par_iter()
            .map(|job| {
                let start = &base[&job.group].solved.start;
                let out = resolve(job.group, Some(job.change), Some(start));
                let v = match &out {
                    Outcome::Solved(s) => Some(Value::of(s)),
                    _ => None,
                };
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                if n.is_multiple_of((total / 10).max(1)) {
                    progress(format!(
                        "pricing targets: {n} of {total} re-solves ({:.0} s)",
                        started.elapsed().as_secs_f64()
                    ));
                }
                (out, v)
            })
            .collect()
    });
    let mut by_job: BTreeMap<JobKey, (Outcome, Option<Value>)> = BTreeMap::new();
    for (job, solved) in jobs.iter().zip(solved) {
        by_job.insert((job.row, job.change.extra, job.change.hard), solved);
    }
    let out = rows
        .iter()
        .map(|&(i, r)| {
            let not_priced = |why: NotPriced| TargetPrice {
                row: i,
                one_more: None,
                one_fewer: None,
                closing: Closing::NotMissed,
                base_reading: None,
                uncertainty: 0.0,
                not_priced: Some(why),
            };
            let u = match spec.unit_index(&r.unit) {
                Some(u) => u,
                None if r.unit == crate::evaluate::COVERAGE => {
                    return not_priced(NotPriced::Coverage)
                }
                None if r.achieved > r.required => {
                    // The plan exceeds it: one more costs nothing, exactly.
                    return TargetPrice {
                        one_more: Some(Delta::ZERO),
                        ..not_priced(NotPriced::Province)
                    };
                }
                None => return not_priced(NotPriced::Province),
            };
            let g = group_of[u];
            let Some(Base {
                solved: z0,
                value: v0,
                ..
            }) = base.get(&g)
            else {
                return not_priced(NotPriced::Failed(base_failed[&g].clone()));
            };
            let Some(b) = base_row(g, r) else {
                return not_priced(NotPriced::Failed(
                    "the base re-solve has no such row".into(),
                ));
            };
            let mut uncertainty = 0.0_f64;
            let mut failed: Option<String> = None;
            let mut delta = |key: JobKey, sign: f64| -> Option<Delta> {
                match by_job.get(&key)? {
                    (Outcome::Solved(s), Some(v)) => {
                        uncertainty = uncertainty.max(s.uncertainty + z0.uncertainty);
                        Some(Delta {
                            objective: sign * (v.objective - v0.objective),
                            money: sign * (v.money - v0.money),
                        })
                    }
                    (Outcome::Failed(why), _) => {
                        failed = Some(why.clone());
                        None
                    }
                    // A hard row may have no plan ("cannot be met"); a row asked one person
                    // more or fewer always has one (its shortfall is priced).
                    (Outcome::Infeasible, _) if !key.2 => {
                        failed = Some("no plan of its group, which cannot happen".into());
                        None
                    }
                    _ => None,
                }
            };
            let penalty_each = crate::rules::intent::price(spec, r.rule, Some(u), r.year);
            let one_more = if b.achieved > b.required {
                Some(Delta::ZERO)
            } else {
                delta((i, 1, false), 1.0)
            };
            let one_fewer = if b.required == 0 {
                None
            } else if !b.met {
                Some(Delta {
                    objective: penalty_each,
                    money: 0.0,
                })
            } else {
                delta((i, -1, false), -1.0)
            };
            let closing = if b.met {
                Closing::NotMissed
            } else {
                match (delta((i, 0, true), 1.0), by_job.get(&(i, 0, true))) {
                    (Some(d), _) => Closing::Costs(Delta {
                        objective: d.objective + penalty_each * b.shortfall as f64,
                        money: d.money,
                    }),
                    (None, Some((Outcome::Infeasible, _))) => Closing::CannotBeMet,
                    _ => Closing::NotMissed,
                }
            };
            if let Some(why) = failed {
                return not_priced(NotPriced::Failed(why));
            }
            TargetPrice {
                row: i,
                one_more,
                one_fewer,
                closing,
                base_reading: (b.required != r.required || b.achieved != r.achieved)
                    .then_some((b.required, b.achieved)),
                uncertainty,
                not_priced: None,
            }
        })
        .collect();
    let seconds = started.elapsed().as_secs_f64();
    let solves = total + priced_groups.len();
    progress(format!(
        "targets priced: {solves} re-solves in {seconds:.1} s"
    ));
    Ok(Priced {
        prices: out,
        solves,
        seconds,
    })
}

/// The reasons a missed row gives, for the "cannot be met" note.
pub fn limit_of(shortfalls: &[Shortfall], r: &TargetRow) -> String {
    shortfalls
        .iter()
        .find(|s| s.unit == r.unit && s.rule == r.rule.to_string() && s.year == r.year)
        .map(|s| s.why.join("; "))
        .unwrap_or_default()
}
