//! Step 4 when the budget cap binds the LP (some year's budget row has a dual): the budget
//! is priced in rounds and each group's plan is picked among its candidate plans by a small
//! MIP (Dantzig–Wolfe on the shared limits), in place of solving each group with its split.
//! Step 7 runs the same rounds from the split's plans when they are not proven
//! ([`from_plans`]): the first candidates are the split's plans (with their shares of the
//! minimums and their coverage counts), which fit together, instead of the plans that use no
//! lever; after every round the groups the master's LP mixes are solved held to what the mix
//! uses of each hard limit and budget ([`mix_shares`]) and the mix so rounded is kept when it
//! keeps every hard limit and costs least so far; the pick starts from the cheapest of these
//! and keeps its start when HiGHS returns a worse pick; at most `solver.pricing_rounds`
//! rounds, stopped at half of step 2's tolerance below.
//!
//! The split of step 3 gives each group the LP's fractional money. A whole-person plan
//! cannot spend a fractional share exactly: a group leaves money unused that another group
//! needed, or misses a target it could have paid for (a cap 20% below the sample's lever
//! spending ended 17.5% above the bound, 27% of the plan-dependent part).
//!
//! Each group's plan is a candidate (a column) with cost `c` (its model's objective less
//! what it paid for shared limits at the round's prices, or, for a plan held to a share,
//! less its priced excess over its share of the budget; R5's distance in it at the LP's
//! prices of the group's head-count changes, as in every group's model), spending `s_b` under each budget
//! row `b` (a year's cap of every unit or of one administrative level,
//! `budget.cap_per_year` and `budget.csv`) and use `a_k` of each hard shared limit. The
//! master problem picks one candidate per group:
//!
//! ```text
//! min Σ_gj c_gj·x_gj + P·Σ_b o_b
//!     Σ_j x_gj = 1                       every group
//!     Σ_gj s_gjb·x_gj − o_b ≤ cap_b      (π_b)   every budget row
//!     Σ_gj a_gjk·x_gj ≤ limit_k          (π_k)   every hard shared limit k
//!     x binary, o ≥ 0
//! ```
//!
//! `P` is the penalty on a million VND over the cap. In order:
//!
//! 1. Every group's plan that uses no lever ([`Mode::DoNothing`]), so that the master always
//!    has a pick within every hard limit (it may still spend the over-quota premium; the
//!    overrun columns keep the master feasible).
//! 2. Rounds: every group solved with its split share of the minimums and province-wide
//!    targets, and with the budget and every hard limit priced. The first round's prices
//!    are the LP's duals (a year's budget at most at `P`): optimal for the whole-province
//!    LP, and on the sample within 0.01% of the best Lagrangian bound the rounds reach;
//!    each later round's are the master LP's duals `−π` smoothed toward the prices of
//!    the best Lagrangian so far (`SMOOTHING·best + (1 − SMOOTHING)·π`, Wentges), a year's
//!    budget at most at a ceiling that starts at twice the LP's dearest year and doubles
//!    each round. The rounds stop when the master's LP is within the tolerance (at most
//!    [`ROUNDS_TOLERANCE`]) of the best Lagrangian bound of the mix (`Σ_g` least priced
//!    cost of group g `− Σ price·limit`, from the groups' MIP bounds), or after [`ROUNDS`].
//! 3. The groups the master's LP mixes (no candidate at weight 1) are solved once more held
//!    to their split share of every limit and of the money, stopped after [`FIT_NODES`]
//!    nodes: plans that fit together under the caps.
//! 4. The master MIP picks, started from the LP's mix rounded (a whole candidate where the
//!    mix has one, else the plan of step 3; the plans that use no lever for the mixed groups
//!    where that breaks a hard limit), stopped after [`MASTER_NODES`] nodes (not a
//!    time, so that the pick does not depend on the machine); then each group in turn
//!    takes the candidate that lowers the pick's objective most within every hard limit,
//!    until none does.
//!
//! The groups short of a target are then retried with what the pick leaves (see `decompose`).
//!
//! Measured on the 20% cut of the sample (`scenarios/son-la-budget-cut-20`, docs/model.md):
//! 8 rounds, 877 candidates, 70.5 s from the LP to the pick; 92.4 s in all without the
//! retries after it, the gap 0.47% of the objective (0.82% of the plan-dependent part); with
//! them 149.4 s, 0.27% (0.46%), 5 December 2026. What is left is the master's whole-person pick (about
//! 45,000 million VND above its LP, part of which the retries recover) and the split of
//! minimums and province-wide targets. Group MIPs are not started from the group's last plan: so
//! started, HiGHS returned the same plan at a cost net of its price that differed by round
//! (its continuous columns as the start left them), and the master's LP fell below the
//! province's bound.

use super::parts::{self, Part, Parts};
use super::split::{Relaxation, Split};
use super::Ctx;
use crate::error::{Error, Result};
use crate::model::capacity::Capacity;
use crate::solve::Mode;
use good_lp::IntoAffineExpression;
use std::collections::BTreeMap;

/// Rounds of pricing at most (each solves every group once, 8–12 s on the sample).
const ROUNDS: usize = 40;

/// The rounds' tolerance at most (a share of the master's LP).
const ROUNDS_TOLERANCE: f64 = 0.001;

/// How much dearer than the LP's dearest year a year's budget may be priced in round 2; the
/// ceiling doubles each round after.
const PRICE_CEILING: f64 = 2.0;

/// How far each round's prices are moved from the master's duals toward the prices of the
/// best Lagrangian so far (Wentges smoothing: on the 20% cut, started at the LP's prices,
/// 11 rounds without it and 7 with it; without either, 17).
const SMOOTHING: f64 = 0.7;

/// The node limit of a mixed group's MIP held to its split share (held to a share of the
/// money, HiGHS took up to 60 s on one commune of the sample to prove what it found in its
/// first nodes).
const FIT_NODES: i32 = 200;

/// The master MIP's node limit: its best pick is taken then (on the 20% cut, with the
/// candidates of a run before the split-share plans of step 3 were added, 100, 400 and
/// 2,000 nodes took 6, 16 and 58 s and picked 54,000, 36,000 and 26,000 million VND above
/// the master's LP; with them, about 45,000 at 400).
const MASTER_NODES: i32 = 400;

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
    /// With no prices, a part held to its share (or using no lever): its objective counts
    /// its spending over its share of the budget at `penalty` a million, left out as the
    /// master prices the province's overrun.
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

/// Every group's plan with the budget priced in rounds, and picked by the master MIP (in
/// place of steps 3's budget split and 4's solves). `dearest`: the LP's price of a million
/// VND in its dearest year, for the ceiling. With `first` (step 7, [`from_plans`]): every
/// group's first candidate is its plan there (with its shares of the minimums and its
/// coverage counts) instead of its plan that uses no lever, and the mixed groups are fitted
/// after every round ([`mix_shares`]).
pub(super) fn solve_priced(
    ctx: &Ctx,
    groups: &[Vec<usize>],
    split: &Split,
    relaxation: &Relaxation,
    dearest: f64,
    first: Option<Parts>,
) -> Result<Parts> {
    let started = std::time::Instant::now();
    let from_plans = first.is_some();
    let penalty = crate::model::objective::Prices::of(ctx.spec).penalty;
    let budgets: Vec<(Capacity, f64)> = ctx
        .spec
        .budget_caps()
        .into_iter()
        .map(|((t, scope), cap)| (Capacity::Budget(t, scope), cap))
        .collect();
    let hard: Vec<(Capacity, f64)> = relaxation
        .terms
        .keys()
        .filter(|c| !c.is_minimum() && !c.is_budget() && !split.priced.contains_key(c))
        .filter_map(|&c| Some((c, c.limit(ctx.spec)?)))
        .collect();
    let limits: BTreeMap<Capacity, f64> = budgets
        .iter()
        .copied()
        .chain(hard.iter().copied())
        .collect();
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
    // Each group's coverage counts: its plan's when started from plans (raised by
    // `repair_coverage`), else the split's.
    let counts: Vec<BTreeMap<(crate::domain::Rule, i32), f64>> = match &first {
        Some(parts) => parts
            .parts
            .iter()
            .map(|p| p.coverage_counts.clone())
            .collect(),
        None => split.coverage_counts.clone(),
    };
    let threads = crate::threads::pool(ctx.spec.config.solver.threads as usize)?;
    // Solves groups `which`, each with its share of every limit, and with the budget and the
    // hard limits priced at `prices` (a priced limit is left out of the shares).
    let solve = |which: &[(usize, BTreeMap<Capacity, f64>)],
                 prices: &BTreeMap<Capacity, f64>,
                 mode: Mode|
     -> Vec<Result<Part>> {
        let mut priced_split = split.clone();
        for (&cap, &p) in prices {
            // Stored as a row dual: the group's objective gets `−y·(its use)`.
            priced_split.priced.insert(cap, -p);
        }
        let listed: Vec<usize> = which.iter().map(|(g, _)| *g).collect();
        parts::largest_first(ctx, groups, &threads, &listed, |i| {
            let (g, share) = &which[i];
            parts::solve_group(
                ctx,
                &groups[*g],
                share.clone(),
                &priced_split,
                counts[*g].clone(),
                // No start: started from its last plan, a group's MIP returned the same plan
                // at a different cost net of its price (its continuous columns as the start
                // left them), and the master's LP fell below the province's bound.
                parts::How {
                    mode,
                    ..parts::How::mip(None)
                },
            )
        })
    };
    // Each group's shares of the minimums: its plan's when started from plans (a minimum
    // may have been raised for it), else the split's.
    let every: Vec<(usize, BTreeMap<Capacity, f64>)> = match &first {
        Some(parts) => parts
            .parts
            .iter()
            .enumerate()
            .map(|(g, p)| (g, p.share.clone()))
            .collect(),
        None => (0..groups.len())
            .map(|g| (g, split.shares[g].clone()))
            .collect(),
    };
    let solve_all = |prices: &BTreeMap<Capacity, f64>, mode: Mode| solve(&every, prices, mode);
    // Each group's first candidate uses no lever (or, from plans, is its plan there): a pick
    // of these keeps every hard limit.
    let mut pool: Vec<Vec<Candidate>> = Vec::with_capacity(groups.len());
    let none = BTreeMap::new();
    match first {
        Some(parts) => {
            for (g, part) in parts.parts.into_iter().enumerate() {
                pool.push(vec![Candidate::of(part, &none, &fixed[g], penalty)]);
            }
        }
        None => {
            for (g, part) in solve_all(&none, Mode::DoNothing).into_iter().enumerate() {
                pool.push(vec![Candidate::of(part?, &none, &fixed[g], penalty)]);
            }
        }
    }
    // The first prices are the LP's, the optimal prices of the relaxation the master's LP
    // converges to; each later round's are the master's duals smoothed toward the prices of
    // the best Lagrangian so far (Wentges), a year's budget at most at the ceiling.
    let lp_prices = relaxation.capacity_prices();
    // A budget price above `P` would make an overrun pay in the Lagrangian.
    let mut prices: BTreeMap<Capacity, f64> = limits
        .keys()
        .map(|c| {
            let p = lp_prices.get(c).copied().unwrap_or(0.0).max(0.0);
            (*c, if c.is_budget() { p.min(penalty) } else { p })
        })
        .collect();
    let mut center = prices.clone();
    let mut ceiling = PRICE_CEILING * dearest;
    let mut rounds = 0;
    let mut best = f64::NEG_INFINITY;
    let mut duals;
    let mut fitted: Vec<Option<usize>> = vec![None; groups.len()];
    // From plans: the best of the rounds' mixes rounded, a start for the pick.
    let mut best_assignment: Option<(f64, Vec<usize>)> = None;
    // Rounds stop when the master's LP is proven within this share of the best mix of the
    // groups' priced plans: the plan's tolerance, at most 0.1%. (Stopped at a 1% plan's
    // 0.55% after 6 rounds on the 20% cut, the candidates were too few for the pick to fill
    // 2026's money: 5.4% above the mix, against 0.3% after 8 rounds.)
    // From the split's plans the rounds are there to prove the plan: its whole-person pick
    // lies above the master's LP, and the bound below the rounds' Lagrangian, so they stop at
    // half the tolerance (on the sample with I2 on, stopped at the whole tolerance after one
    // round, the plan was left at 0.126%, not proven).
    let close = if from_plans {
        ctx.tolerance().min(ROUNDS_TOLERANCE) / 2.0
    } else {
        ctx.tolerance().min(ROUNDS_TOLERANCE)
    };
    let most = if from_plans {
        ctx.spec.config.solver.pricing_rounds as usize
    } else {
        ROUNDS
    };
    loop {
        rounds += 1;
        // The Lagrangian of the mix at these prices: the groups' least priced costs less
        // the limits' worth, a lower bound on the master's LP however many plans it had.
        let mut lagrangian: f64 = -prices
            .iter()
            .map(|(cap, p)| p * limits.get(cap).copied().unwrap_or(0.0))
            .sum::<f64>();
        for (g, part) in solve_all(&prices, Mode::Mip).into_iter().enumerate() {
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
        if lagrangian > best {
            best = lagrangian;
            center = prices.clone();
        }
        duals = master(&pool, &budgets, penalty, &hard)?;
        if from_plans {
            // The groups the mix leaves mixed, held to what the mix uses of each hard limit
            // (split in whole people): plans that fit together with the mix's whole ones.
            let shares = mix_shares(&pool, &duals, &hard, &budgets);
            let mixed: Vec<(usize, BTreeMap<Capacity, f64>)> = (0..groups.len())
                .filter(|&g| is_mixed(&duals, g))
                .map(|g| (g, shares[g].clone()))
                .collect();
            for ((g, _), part) in mixed
                .iter()
                .zip(solve(&mixed, &none, Mode::MipNodes(FIT_NODES)))
            {
                let candidate = Candidate::of(part?, &none, &fixed[*g], penalty);
                match pool[*g].iter().position(|c| c.same_as(&candidate)) {
                    Some(j) => fitted[*g] = Some(j),
                    None => {
                        pool[*g].push(candidate);
                        fitted[*g] = Some(pool[*g].len() - 1);
                    }
                }
            }
            // This round's mix rounded: its whole candidates and the fitted plans.
            let assignment: Vec<usize> = (0..groups.len())
                .map(|g| {
                    duals.mix[g]
                        .iter()
                        .position(|&x| x > 1.0 - 1e-6)
                        .or(fitted[g])
                        .unwrap_or(0)
                })
                .collect();
            if keeps_hard(&pool, &assignment, &hard) {
                let value = value_of(&pool, &assignment, &budgets, penalty);
                if best_assignment.as_ref().is_none_or(|(v, _)| value < *v) {
                    best_assignment = Some((value, assignment));
                }
            }
        }
        let round = if from_plans {
            format!("round {rounds} from the plan")
        } else {
            format!("budget round {rounds}")
        };
        (ctx.progress)(format!(
            "{round}: the plans' best mix {:.1}, at least {best:.1} ({:.1} s)",
            duals.value,
            started.elapsed().as_secs_f64()
        ));
        if duals.value - best <= close * duals.value.abs() || rounds >= most {
            break;
        }
        prices = duals
            .prices
            .iter()
            .map(|(&c, &p)| {
                let smoothed =
                    SMOOTHING * center.get(&c).copied().unwrap_or(0.0) + (1.0 - SMOOTHING) * p;
                (
                    c,
                    if c.is_budget() {
                        smoothed.min(ceiling)
                    } else {
                        smoothed
                    },
                )
            })
            .collect();
        ceiling *= 2.0;
    }
    // Each group the mix leaves mixed is solved once more held to its split share of every
    // limit and of the money (its excess priced), as step 3 of the decomposition would: the
    // LP's shares add up within every cap, so these plans fit together (among themselves),
    // for the pick to start from. (Without them, the candidates of a generated 12-unit
    // province, each solved at prices, overspent whatever the master picked; held instead to
    // what the mix gives each group, the pick cost 1,493,870 against 1,223,147 with the
    // split's shares, the monolithic optimum recorded then 1,151,187; on 5 December a
    // monolithic run found 893,277 for that instance, not yet explained.)
    let mixed: Vec<(usize, BTreeMap<Capacity, f64>)> = if from_plans {
        Vec::new() // fitted after every round
    } else {
        (0..groups.len())
            .filter(|&g| is_mixed(&duals, g))
            .map(|g| (g, split.shares[g].clone()))
            .collect()
    };
    for ((g, _), part) in mixed
        .iter()
        .zip(solve(&mixed, &none, Mode::MipNodes(FIT_NODES)))
    {
        pool[*g].push(Candidate::of(part?, &none, &fixed[*g], penalty));
        fitted[*g] = Some(pool[*g].len() - 1);
    }
    let picked = pick(
        &pool,
        &budgets,
        penalty,
        &hard,
        &duals,
        Starts {
            fitted: &fitted,
            also: best_assignment.map(|(_, a)| a),
        },
        ctx.tolerance() / 4.0,
    )?;
    let candidates: usize = pool.iter().map(Vec::len).sum();
    let mut out = Parts {
        parts: Vec::with_capacity(groups.len()),
        nodes: 0,
    };
    for (mut c, &j) in pool.into_iter().zip(&picked.pick) {
        let picked = c.swap_remove(j);
        let mut part = picked.part;
        // Its objective as `repair_coverage` reads it: its cost with its excess over its split
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
        "{} in {rounds} rounds, {candidates} plans of {} groups: the pick costs {:.1} ({} groups mixed by the LP, master MIP {}, {} plans changed after it), the best mix {:.1}, at least {best:.1} ({:.1} s)",
        if from_plans { "plans priced from the split's" } else { "budget priced" },
        groups.len(),
        picked.value,
        picked.open,
        if picked.start_kept {
            "above its start, start kept"
        } else if picked.status == highs::HighsModelStatus::Optimal {
            "optimal"
        } else {
            "stopped"
        },
        picked.swaps,
        duals.value,
        started.elapsed().as_secs_f64()
    ));
    Ok(out)
}

/// Whether the master's mix leaves group g mixed (no candidate at weight 1).
fn is_mixed(duals: &Master, g: usize) -> bool {
    duals.mix[g].iter().all(|&x| x <= 1.0 - 1e-6)
}

/// Each group's share of every hard limit and budget by what the master's mix uses of it,
/// in whole people (money exactly) adding up to at most the limit (its other shares, of the
/// minimums, those of its first candidate).
fn mix_shares(
    pool: &[Vec<Candidate>],
    duals: &Master,
    hard: &[(Capacity, f64)],
    budgets: &[(Capacity, f64)],
) -> Vec<BTreeMap<Capacity, f64>> {
    let mut shares: Vec<BTreeMap<Capacity, f64>> =
        pool.iter().map(|c| c[0].part.share.clone()).collect();
    for (cap, limit) in hard.iter().chain(budgets) {
        let used: Vec<f64> = pool
            .iter()
            .zip(&duals.mix)
            .map(|(c, mix)| c.iter().zip(mix).map(|(c, x)| x * c.part.uses(cap)).sum())
            .collect();
        for (g, part) in super::split::split(*limit, &used, cap.is_budget())
            .into_iter()
            .enumerate()
        {
            shares[g].insert(*cap, part);
        }
    }
    shares
}

/// What the master problem's LP gives.
struct Master {
    /// The price of a person or a million VND of each budget and hard limit, `−π` of its
    /// row.
    prices: BTreeMap<Capacity, f64>,
    /// Each group's candidates' weights in the mix.
    mix: Vec<Vec<f64>>,
    /// The master's objective.
    value: f64,
}

/// What the master MIP may start from besides the LP's mix: each mixed group's plan held to
/// its share (`fitted`), and another whole pick (`also`, the best of the rounds' mixes
/// rounded when started from the split's plans).
struct Starts<'a> {
    fitted: &'a [Option<usize>],
    also: Option<Vec<usize>>,
}

impl Starts<'_> {
    /// From plans: the first candidates fit together and may be the cheapest start.
    fn started_from_plans(&self) -> bool {
        self.also.is_some()
    }
}

/// The master MIP's pick.
struct Pick {
    /// The candidate picked for each group.
    pick: Vec<usize>,
    /// The pick's objective.
    value: f64,
    /// How many groups the LP's mix left mixed.
    open: usize,
    /// How many times a group's plan was changed after the MIP.
    swaps: usize,
    /// How HiGHS ended (a pick stopped at the node limit is not proven best).
    status: highs::HighsModelStatus,
    /// Whether HiGHS's pick cost more than its start, which was kept (from plans only).
    start_kept: bool,
}

/// The master problem over `pool` (`budgets`: each budget row and its cap; `hard`: each
/// hard limit and its limit), as an LP, or with `whole` a MIP.
fn master_problem(
    pool: &[&[Candidate]],
    budgets: &[(Capacity, f64)],
    penalty: f64,
    hard: &[(Capacity, f64)],
    whole: bool,
) -> (highs::Model, Vec<(usize, usize)>) {
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
    (model, index)
}

/// The master problem's LP: its duals and its mix.
fn master(
    pool: &[Vec<Candidate>],
    budgets: &[(Capacity, f64)],
    penalty: f64,
    hard: &[(Capacity, f64)],
) -> Result<Master> {
    let slices: Vec<&[Candidate]> = pool.iter().map(Vec::as_slice).collect();
    let (model, index) = master_problem(&slices, budgets, penalty, hard, false);
    let solved = model
        .try_solve()
        .map_err(|e| Error::Solver(format!("the budget's master problem failed: {e:?}")))?;
    if solved.status() != highs::HighsModelStatus::Optimal {
        return Err(Error::Solver(format!(
            "the budget's master problem ended with status {:?}",
            solved.status()
        )));
    }
    let solution = solved.get_solution();
    let mut mix: Vec<Vec<f64>> = pool.iter().map(|c| vec![0.0; c.len()]).collect();
    for (&(g, j), &x) in index.iter().zip(solution.columns()) {
        mix[g][j] = x;
    }
    let duals = solution.dual_rows();
    let rows = budgets.iter().chain(hard).map(|(k, _)| *k);
    let prices = rows
        .zip(&duals[pool.len()..])
        .map(|(cap, pi)| (cap, (-pi).max(0.0)))
        .collect();
    Ok(Master {
        prices,
        mix,
        value: solved.objective_value(),
    })
}

/// The master MIP's pick, started from the LP's mix rounded: a group the mix gives whole to
/// one candidate starts with it, a group it mixes with its plan held to its split share
/// (`fitted`), or, if that start breaks a hard limit, with its plan that uses no lever (a
/// start within every hard limit: the mix keeps them with the whole groups' candidates,
/// and a plan that uses no lever uses only what its model fixes, which the mix counts). Stopped after [`MASTER_NODES`] nodes
/// or within `gap`. (Keeping the whole groups and picking only for the mixed ones was
/// measured on the 20% cut: 5 s, but 95,000 million VND above the mix, against 36,000 for
/// the whole pick at 400 nodes in 16 s and 26,000 at 2,000 nodes in 58 s.)
///
/// From plans (step 7), the start is the cheapest of that rounded mix, the split's plans (the
/// first candidates) and `also` that keep every hard limit, and a pick HiGHS returns above
/// its start is replaced by the start.
fn pick(
    pool: &[Vec<Candidate>],
    budgets: &[(Capacity, f64)],
    penalty: f64,
    hard: &[(Capacity, f64)],
    lp: &Master,
    starts: Starts,
    gap: f64,
) -> Result<Pick> {
    let from_plans = starts.started_from_plans();
    let Starts { fitted, also } = starts;
    let whole: Vec<Option<usize>> = lp
        .mix
        .iter()
        .map(|x| x.iter().position(|&v| v > 1.0 - 1e-6))
        .collect();
    let rounded_with = |fit: &dyn Fn(usize) -> usize| -> Vec<usize> {
        (0..pool.len())
            .map(|g| whole[g].unwrap_or_else(|| fit(g)))
            .collect()
    };
    let mut rounded = rounded_with(&|g| fitted[g].unwrap_or(0));
    if !keeps_hard(pool, &rounded, hard) {
        rounded = rounded_with(&|_| 0);
    }
    if !keeps_hard(pool, &rounded, hard) {
        // The first candidates are plans that fit together.
        rounded = vec![0; pool.len()];
    }
    let open = whole.iter().filter(|j| j.is_none()).count();
    // Other starts that keep every hard limit and may cost less: the first candidates (the
    // split's plans, when started from them) and the best of earlier rounds' mixes rounded.
    let first = from_plans.then(|| vec![0; pool.len()]);
    for other in first.into_iter().chain(also) {
        if keeps_hard(pool, &other, hard)
            && value_of(pool, &other, budgets, penalty) < value_of(pool, &rounded, budgets, penalty)
        {
            rounded = other;
        }
    }
    let spent = |pick: &[usize], k: &Capacity| -> f64 {
        pool.iter().zip(pick).map(|(c, &j)| c[j].part.uses(k)).sum()
    };
    let slices: Vec<&[Candidate]> = pool.iter().map(Vec::as_slice).collect();
    let (mut model, index) = master_problem(&slices, budgets, penalty, hard, true);
    model.set_option("mip_rel_gap", gap);
    // A node limit, not a time limit, so that the pick does not depend on the machine's
    // speed; the time limit only guards against a runaway search.
    model.set_option("mip_max_nodes", MASTER_NODES);
    model.set_option("time_limit", MASTER_SECONDS);
    let mut start: Vec<f64> = index
        .iter()
        .map(|&(g, j)| f64::from(j == rounded[g]))
        .collect();
    start.extend(
        budgets
            .iter()
            .map(|(k, cap)| (spent(&rounded, k) - cap).max(0.0)),
    );
    model
        .try_set_solution(Some(&start), None, None, None)
        .map_err(|e| {
            Error::Solver(format!(
                "the budget's master problem refused its start: {e:?}"
            ))
        })?;
    let solved = model
        .try_solve()
        .map_err(|e| Error::Solver(format!("the budget's master problem failed: {e:?}")))?;
    if solved.primal_solution_status() != highs::HighsSolutionStatus::Feasible {
        return Err(Error::Solver(format!(
            "the budget's master problem ended with status {:?}",
            solved.status()
        )));
    }
    let mut pick = vec![0; pool.len()];
    for (&(g, j), &x) in index.iter().zip(solved.get_solution().columns()) {
        if x > 0.5 {
            pick[g] = j;
        }
    }
    // From plans, HiGHS was seen to return a pick above the start it was given (reported
    // optimal, 60,000 million VND above it on the sample with I2 on): the start is kept.
    let start_kept = from_plans
        && (!keeps_hard(pool, &pick, hard)
            || value_of(pool, &pick, budgets, penalty)
                > value_of(pool, &rounded, budgets, penalty));
    if start_kept {
        pick = rounded;
    }
    let swaps = improve(pool, &mut pick, budgets, penalty, hard);
    Ok(Pick {
        start_kept,
        value: value_of(pool, &pick, budgets, penalty),
        pick,
        open,
        swaps,
        status: solved.status(),
    })
}

/// Whether a pick keeps every hard limit.
fn keeps_hard(pool: &[Vec<Candidate>], pick: &[usize], hard: &[(Capacity, f64)]) -> bool {
    hard.iter().all(|(k, limit)| {
        let used: f64 = pool.iter().zip(pick).map(|(c, &j)| c[j].part.uses(k)).sum();
        used <= limit + 1e-6
    })
}

/// A pick's objective: its candidates' costs and the budget's overrun at `penalty`.
fn value_of(
    pool: &[Vec<Candidate>],
    pick: &[usize],
    budgets: &[(Capacity, f64)],
    penalty: f64,
) -> f64 {
    let cost: f64 = pool.iter().zip(pick).map(|(c, &j)| c[j].cost).sum();
    let over: f64 = budgets
        .iter()
        .map(|(k, cap)| {
            let spent: f64 = pool.iter().zip(pick).map(|(c, &j)| c[j].part.uses(k)).sum();
            (spent - cap).max(0.0)
        })
        .sum();
    cost + penalty * over
}

/// The pick improved one group at a time: each group, in order, takes the candidate that
/// lowers the pick's objective most while every hard limit is kept, until no group can
/// (the master MIP stops at its node limit, sometimes far from its LP). How many groups
/// changed plan.
fn improve(
    pool: &[Vec<Candidate>],
    pick: &mut [usize],
    budgets: &[(Capacity, f64)],
    penalty: f64,
    hard: &[(Capacity, f64)],
) -> usize {
    let mut swaps = 0;
    let mut value = value_of(pool, pick, budgets, penalty);
    loop {
        let mut changed = false;
        for g in 0..pool.len() {
            let was = pick[g];
            let mut best = (value, was);
            for j in 0..pool[g].len() {
                pick[g] = j;
                let v = value_of(pool, pick, budgets, penalty);
                if v < best.0 - 1e-6 && keeps_hard(pool, pick, hard) {
                    best = (v, j);
                }
            }
            pick[g] = best.1;
            if best.1 != was {
                value = best.0;
                swaps += 1;
                changed = true;
            }
        }
        if !changed {
            return swaps;
        }
    }
}

/// Step 7, when the plan is not proven within its tolerance after the slot exchange and the
/// whole bound (and no budget binds): the rounds of [`solve_priced`] started from the
/// split's plans instead of the plans that use no lever, at most `solver.pricing_rounds`
/// (a failed solve leaves the step out).
/// After each round the groups the master's LP mixes are solved held to what the mix uses of
/// each hard limit (split in whole people), and the mix so rounded is kept when it keeps
/// every hard limit and costs least so far; the master MIP picks from the best of these, the
/// split's plans and its LP's last mix. The minimums are then repaired as after step 4. The
/// new plans replace the split's only when the province's objective (recomputed from
/// them) falls.
pub(super) fn from_plans(
    ctx: &Ctx,
    groups: &[Vec<usize>],
    split: &Split,
    relaxation: &Relaxation,
    parts: &Parts,
    objective: &dyn Fn(Vec<crate::plan::Plan>) -> f64,
    now: f64,
) -> Result<Option<Parts>> {
    if ctx.spec.config.solver.pricing_rounds == 0 {
        return Ok(None);
    }
    // No budget binds the LP: a year's budget may be priced up to the overrun's penalty.
    let penalty = crate::model::objective::Prices::of(ctx.spec).penalty;
    let priced = solve_priced(
        ctx,
        groups,
        split,
        relaxation,
        penalty / PRICE_CEILING,
        Some(parts.clone()),
    )
    .and_then(|mut better| {
        parts::repair_minimums(ctx, groups, split, &mut better, objective)?;
        Ok(better)
    });
    // A failed solve ends only this step, as in the slot exchange.
    let better = match priced {
        Ok(better) => better,
        Err(e) => {
            (ctx.progress)(format!("pricing from the split's plans left out: {e}"));
            return Ok(None);
        }
    };
    let value = objective(better.plans());
    (ctx.progress)(format!(
        "pricing from the split's plans: objective {value:.1} against {now:.1}, {}",
        if value < now - 1e-6 {
            "kept"
        } else {
            "not kept"
        }
    ));
    Ok((value < now - 1e-6).then_some(better))
}
