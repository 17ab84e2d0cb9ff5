//! Step 4 when the budget cap binds the LP (some year's budget row has a dual): the budget
//! is priced in rounds and each group's plan is picked among its candidate plans by a small
//! MIP (Dantzig–Wolfe on the shared limits), in place of solving each group with its split.
//!
//! The split of step 3 gives each group the LP's fractional money. A whole-person plan
//! cannot spend a fractional share exactly: a group leaves money unused that another group
//! needed, or misses a target it could have paid for (a cap 20% below the sample's lever
//! spending ended 17.5% above the bound, 27% of the plan-dependent part).
//!
//! Each group's plan is a candidate (a column) with cost `c` (its model's objective less
//! what it paid for shared limits at the round's prices, or, in the first round, less its
//! priced excess over its share of the budget), spending `s_b` under each budget row `b`
//! (a year's cap of every unit or of one administrative level, `budget.cap_per_year` and
//! `budget.csv`) and use `a_k` of each hard shared limit. The master problem picks one
//! candidate per group:
//!
//! ```text
//! min Σ_gj c_gj·x_gj + P·Σ_b o_b
//!     Σ_j x_gj = 1                       every group
//!     Σ_gj s_gjb·x_gj − o_b ≤ cap_b      (π_b)   every budget row
//!     Σ_gj a_gjk·x_gj ≤ limit_k          (π_k)   every hard shared limit k
//!     x binary, o ≥ 0
//! ```
//!
//! `P` is the penalty on a million VND over the cap. Round 1 is step 4's solve with the
//! split, so the master always has a pick within every hard limit. Each later round solves
//! every group with its split share of the minimums and province-wide targets, and with
//! the budget and every hard limit priced at the master LP's duals `−π` (a year's budget at
//! most at a ceiling that starts at twice the LP's dearest year and doubles each round).
//! The rounds stop when the master's LP is within `tolerance` of the best Lagrangian bound
//! of the mix (`Σ_g` least priced cost of group g `− Σ price·limit`, from the groups' MIP
//! bounds), or after [`ROUNDS`]. The master MIP then picks the plans, started from the
//! first round's and stopped after [`MASTER_NODES`] nodes (not a time, so that the pick does
//! not depend on the machine); the retries of step 4 give what money the pick leaves to the
//! groups still short of a target.
//!
//! Measured on the 20% cut of the sample (docs/model.md): 18 rounds, 1,724 candidates,
//! 167 s; the plan's gap fell from 17.5% of the objective to 0.54% (0.96% of the
//! plan-dependent part). What is left is the master's whole-person pick (its LP is
//! 20,000–35,000 million VND below it) and the split of
//! minimums and province-wide targets (the mix's Lagrangian bound is 37,000 above the
//! province's). Group MIPs are not started from the group's last plan: so started, HiGHS
//! returned the same plan at a cost net of its price that differed by round (its continuous
//! columns as the start left them), and the master's LP fell below the province's bound.

use super::parts::{self, Part, Parts};
use super::split::{Relaxation, Split};
use super::Ctx;
use crate::error::{Error, Result};
use crate::model::capacity::Capacity;
use good_lp::IntoAffineExpression;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Rounds of pricing at most (each solves every group once, 6–8 s on the sample).
const ROUNDS: usize = 40;

/// How much dearer than the LP's dearest year a year's budget may be priced in round 2; the
/// ceiling doubles each round after.
const PRICE_CEILING: f64 = 2.0;

/// The master MIP's node limit: its best pick is taken then.
const MASTER_NODES: i32 = 2000;

/// The master MIP's time limit, a guard only.
const MASTER_SECONDS: f64 = 120.0;

/// One candidate plan of a group: its part, and its cost without what it paid for shared
/// limits (a round's prices, or its budget excess).
struct Candidate {
    part: Part,
    cost: f64,
}

impl Candidate {
    /// A part solved with shared limits priced at `prices` (a cost per person or per
    /// million VND used, which its objective counts but for the use its model fixes,
    /// `fixed`: HiGHS drops an objective's constant).
    ///
    /// With no prices, a part of the first round: its objective counts its spending over
    /// its share of the budget at `penalty` a million, left out as the master prices the
    /// province's overrun.
    fn of(
        part: Part,
        prices: &BTreeMap<Capacity, f64>,
        fixed: &BTreeMap<Capacity, f64>,
        penalty: f64,
    ) -> Candidate {
        let priced: f64 = prices
            .iter()
            .map(|(cap, p)| p * (part.uses(cap) - fixed.get(cap).copied().unwrap_or(0.0)))
            .sum();
        let excess: f64 = if prices.is_empty() {
            part.share
                .iter()
                .filter(|(cap, _)| cap.is_budget())
                .map(|(cap, share)| (part.uses(cap) - share).max(0.0))
                .sum()
        } else {
            0.0
        };
        Candidate {
            cost: part.stats.objective - priced - penalty * excess,
            part,
        }
    }

    /// The same cost (to a millionth of it) and the same use of every shared limit, budget
    /// included.
    fn same_as(&self, other: &Candidate) -> bool {
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * a.abs().max(1.0);
        close(self.cost, other.cost)
            && self.part.used.len() == other.part.used.len()
            && self
                .part
                .used
                .iter()
                .all(|(cap, &x)| close(x, other.part.uses(cap)))
    }
}

/// The LP's price of a million VND in its dearest year, when the cap binds in some year.
pub(super) fn binding_price(ctx: &Ctx, relaxation: &Relaxation) -> Option<f64> {
    if ctx.spec.budget_caps().is_empty() {
        return None;
    }
    let dearest = relaxation
        .capacity_prices()
        .into_iter()
        .filter(|(c, _)| c.is_budget())
        .map(|(_, y)| y)
        .fold(0.0, f64::max);
    (dearest > 1e-9).then_some(dearest)
}

/// Every group's plan with the budget priced in rounds (`dearest`: the LP's price of its
/// dearest year, for the ceiling), and
/// picked by the master MIP (in place of steps 3's budget split and 4's solves).
pub(super) fn solve_priced(
    ctx: &Ctx,
    groups: &[Vec<usize>],
    split: &Split,
    relaxation: &Relaxation,
    dearest: f64,
) -> Result<Parts> {
    // The first round is step 4's: each group held to its split share of every limit and of
    // the budget (its excess priced), so that the master always has a pick within every
    // hard limit and near the cap (pricing the budget alone at the LP's prices first, the
    // groups of a generated 12-unit province overspent whatever the master picked); later
    // rounds price the budget and every hard limit at the master's duals.
    let mut ceiling = PRICE_CEILING * dearest;
    let mut prices: BTreeMap<Capacity, f64> = BTreeMap::new();
    let budgets: Vec<(Capacity, f64)> = ctx
        .spec
        .budget_caps()
        .into_iter()
        .map(|((t, scope), cap)| (Capacity::Budget(t, scope), cap))
        .collect();
    let started = std::time::Instant::now();
    let penalty = crate::model::objective::Prices::of(ctx.spec).penalty;
    let hard: Vec<(Capacity, f64)> = relaxation
        .terms
        .keys()
        .filter(|c| !c.is_minimum() && !c.is_budget() && !split.priced.contains_key(c))
        .filter_map(|&c| Some((c, c.limit(ctx.spec)?)))
        .collect();
    let mut pool: Vec<Vec<Candidate>> = (0..groups.len()).map(|_| Vec::new()).collect();
    // Each group's use of each limit that its model fixes (the terms' constants).
    let mut fixed: Vec<BTreeMap<Capacity, f64>> = vec![BTreeMap::new(); groups.len()];
    for (cap, by_unit) in &relaxation.terms {
        for (u, e) in by_unit {
            let c = e.constant();
            if c != 0.0 {
                *fixed[relaxation.group_of[*u]].entry(*cap).or_default() += c;
            }
        }
    }
    let threads = crate::threads::pool(ctx.spec.config.solver.threads as usize)?;
    let mut rounds = 0;
    let mut relaxed = f64::NAN;
    let mut best = f64::NEG_INFINITY;
    let limits: BTreeMap<Capacity, f64> = budgets
        .iter()
        .copied()
        .chain(hard.iter().copied())
        .collect();
    // Rounds stop when the master's LP is proven within this share of the best mix of the
    // groups' priced plans.
    let close = ctx.tolerance();
    while rounds < ROUNDS {
        rounds += 1;
        let mut priced_split = split.clone();
        for (&cap, &p) in &prices {
            // Stored as a row dual: the group's objective gets `−y·(its use)`.
            priced_split.priced.insert(cap, -p);
        }
        let solved: Vec<Result<Part>> = threads.install(|| {
            (0..groups.len())
                .into_par_iter()
                .map(|g| {
                    parts::solve_group(
                        ctx,
                        &groups[g],
                        split.shares[g].clone(),
                        &priced_split,
                        split.coverage_counts[g].clone(),
                        // No start: started from its last plan, a group's MIP returned the
                        // same plan at a different cost net of its price (its continuous
                        // columns as the start left them), and the master's LP fell below the
                        // province's bound.
                        None,
                        BTreeMap::new(),
                    )
                })
                .collect()
        });
        // The Lagrangian of the mix at these prices: the groups' least priced costs less
        // the limits' worth, a lower bound on the master's LP however many plans it had.
        let mut lagrangian: f64 = -prices
            .iter()
            .map(|(cap, p)| p * limits.get(cap).copied().unwrap_or(0.0))
            .sum::<f64>();
        for (g, part) in solved.into_iter().enumerate() {
            let part = part?;
            let constant: f64 = prices
                .iter()
                .map(|(cap, p)| p * fixed[g].get(cap).copied().unwrap_or(0.0))
                .sum();
            lagrangian += part.stats.bound + constant;
            let candidate = Candidate::of(part, &prices, &fixed[g], penalty);
            if !pool[g].iter().any(|c| c.same_as(&candidate)) {
                pool[g].push(candidate);
            }
        }
        // The first round holds each group to its share of the hard limits, so its
        // Lagrangian is not one of the master's.
        if rounds > 1 {
            best = best.max(lagrangian);
        }
        let duals = master(&pool, &budgets, penalty, &hard, None)?;
        relaxed = duals.value;
        if relaxed - best <= close * relaxed.abs() {
            break;
        }
        // A year's budget priced at most at a ceiling that starts at twice the LP's dearest
        // year and doubles each round: with only the first round's plans, which all
        // overspend, the master prices money at the penalty on an overrun, and every group
        // would then answer by spending nothing.
        prices = duals
            .prices
            .into_iter()
            .map(|(c, p)| (c, if c.is_budget() { p.min(ceiling) } else { p }))
            .collect();
        ceiling *= 2.0;
    }
    let picked = master(&pool, &budgets, penalty, &hard, Some(ctx.tolerance() / 4.0))?;
    let candidates: usize = pool.iter().map(Vec::len).sum();
    let mut out = Parts {
        parts: Vec::with_capacity(groups.len()),
        nodes: 0,
    };
    for (mut c, &j) in pool.into_iter().zip(&picked.pick) {
        let picked = c.swap_remove(j);
        let mut part = picked.part;
        // Its objective as the retries read it: its cost with its excess over its split
        // share of the budget priced, not what it paid at a round's prices.
        let excess: f64 = part
            .share
            .iter()
            .filter(|(cap, _)| cap.is_budget())
            .map(|(cap, share)| (part.uses(cap) - share).max(0.0))
            .sum();
        part.stats.objective = picked.cost + penalty * excess;
        out.nodes += part.stats.nodes;
        out.parts.push(part);
    }
    (ctx.progress)(format!(
        "budget priced in {rounds} rounds, {candidates} plans of {} groups: the pick costs {:.1} (master MIP {:?}), its LP {relaxed:.1}, at least {:.1} ({:.1} s)",
        groups.len(),
        picked.value,
        picked.status,
        best,
        started.elapsed().as_secs_f64()
    ));
    Ok(out)
}

/// What the master problem gives: its LP's duals, or its MIP's pick.
struct Master {
    /// The price of a person or a million VND of each budget and hard limit, `−π` of its
    /// row (LP only).
    prices: BTreeMap<Capacity, f64>,
    /// The candidate picked for each group (MIP only).
    pick: Vec<usize>,
    /// The master's objective.
    value: f64,
    /// How HiGHS ended (a pick stopped at the node limit is not proven best).
    status: highs::HighsModelStatus,
}

/// `budgets`: each budget row and its cap.
fn master(
    pool: &[Vec<Candidate>],
    budgets: &[(Capacity, f64)],
    penalty: f64,
    hard: &[(Capacity, f64)],
    whole: Option<f64>,
) -> Result<Master> {
    let gap = whole.unwrap_or(0.0);
    let whole = whole.is_some();
    let mut pb = highs::ColProblem::default();
    let convexity: Vec<highs::Row> = pool.iter().map(|_| pb.add_row(1.0..=1.0)).collect();
    let budget: Vec<highs::Row> = budgets.iter().map(|&(_, cap)| pb.add_row(..=cap)).collect();
    let limits: Vec<highs::Row> = hard.iter().map(|(_, l)| pb.add_row(..=*l)).collect();
    let mut index: Vec<(usize, usize)> = Vec::new();
    for (g, candidates) in pool.iter().enumerate() {
        for (j, c) in candidates.iter().enumerate() {
            let mut factors: Vec<(highs::Row, f64)> = vec![(convexity[g], 1.0)];
            for (i, (k, _)) in budgets.iter().enumerate() {
                let s = c.part.uses(k);
                if s != 0.0 {
                    factors.push((budget[i], s));
                }
            }
            for (i, (k, _)) in hard.iter().enumerate() {
                let a = c.part.uses(k);
                if a != 0.0 {
                    factors.push((limits[i], a));
                }
            }
            if whole {
                pb.add_integer_column(c.cost, 0.0..=1.0, factors);
            } else {
                pb.add_column(c.cost, 0.0..=1.0, factors);
            }
            index.push((g, j));
        }
    }
    for &row in &budget {
        pb.add_column(penalty, 0.0.., [(row, -1.0)]);
    }
    let mut model = pb.optimise(highs::Sense::Minimise);
    model.make_quiet();
    model.set_option("threads", 1);
    if whole {
        model.set_option("mip_rel_gap", gap);
        // A node limit, not a time limit, so that the pick does not depend on the
        // machine's speed; the time limit only guards against a runaway search.
        model.set_option("mip_max_nodes", MASTER_NODES);
        model.set_option("time_limit", MASTER_SECONDS);
        // Started from the first round's plans, which keep every limit.
        let mut start: Vec<f64> = index.iter().map(|&(_, j)| f64::from(j == 0)).collect();
        for (k, cap) in budgets {
            let spent: f64 = pool.iter().map(|c| c[0].part.uses(k)).sum();
            start.push((spent - cap).max(0.0));
        }
        model
            .try_set_solution(Some(&start), None, None, None)
            .map_err(|e| {
                Error::Solver(format!(
                    "the budget's master problem refused its start: {e:?}"
                ))
            })?;
    }
    let solved = model
        .try_solve()
        .map_err(|e| Error::Solver(format!("the budget's master problem failed: {e:?}")))?;
    let feasible = solved.primal_solution_status() == highs::HighsSolutionStatus::Feasible;
    let ok = if whole {
        feasible
    } else {
        solved.status() == highs::HighsModelStatus::Optimal
    };
    if !ok {
        return Err(Error::Solver(format!(
            "the budget's master problem ended with status {:?}",
            solved.status()
        )));
    }
    let solution = solved.get_solution();
    let mut pick = vec![0; pool.len()];
    if whole {
        for (&(g, j), &x) in index.iter().zip(solution.columns()) {
            if x > 0.5 {
                pick[g] = j;
            }
        }
    }
    let duals = solution.dual_rows();
    let mut prices = BTreeMap::new();
    if !whole {
        let rows = budgets.iter().chain(hard).map(|(k, _)| *k);
        for (cap, pi) in rows.zip(&duals[pool.len()..]) {
            prices.insert(cap, (-pi).max(0.0));
        }
    }
    Ok(Master {
        prices,
        pick,
        value: solved.objective_value(),
        status: solved.status(),
    })
}
