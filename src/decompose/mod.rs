//! Finding the whole-person plan: directly, or by splitting the province into groups of
//! units that share nothing but capacities.
//!
//! HiGHS handles a few thousand integer columns well, but on the whole province (≈90,000
//! integer columns for the sample) its root rounding heuristics ran for minutes without
//! checking the time limit. Units interact only through a few shared capacities (channel
//! caps, training seats, the budget), through transfer routes, and through province-wide
//! rules. So, as an ordered recipe ([`find_plan`]):
//!
//! 1. **Groups** ([`groups`]). Units joined by a transfer route form one group; every other
//!    unit is a group of its own. (Packing several units into one MIP was measured and is
//!    slower: HiGHS's root work grows faster than the model. On a generated 148-unit
//!    province, bins of 4, 8 and 16 units took 1.5×, 2.6× and 8.6× the time of single units.)
//! 2. **LP** ([`split::Relaxation`]). The LP relaxation of the whole-province model gives a
//!    lower bound on any whole-person plan's objective (R5 included), prices `y` on the
//!    shared rows, and each group's use of each shared capacity.
//! 3. **Split** ([`split::Split`]). Each shared capacity is split between groups by what the
//!    LP plan uses: whole people rounded down, then the spare whole people to the largest
//!    remainders, so the parts never add up to more than the limit. Budget is split in
//!    money. A province-wide target is split into unit shares that add up to it
//!    ([`crate::model::targets::local_shares`]).
//! 4. **Solve** ([`parts`]). Each group's model (same recipe, same prices, its share of each
//!    capacity, R5's head-count changes at the LP's duals: [`split::Split::group_changes`])
//!    is solved as a MIP, with HiGHS's probing off in this first solve only
//!    ([`parts::How::first`]). The groups left short of a target then get what the
//!    other groups leave unused and are solved again, side by side, in rounds
//!    ([`parts::retry_short`]). The plans add up to a plan of the whole province within every
//!    hard shared limit (a budget can be overrun, and a minimum missed, at a priced slack that
//!    some group's objective counted); its objective is recomputed from its tables.
//!    When the budget cap binds the LP, the groups' plans are instead picked among candidates
//!    solved with the budget and the hard limits priced in rounds ([`budget_rounds`]), and the
//!    short groups then retried with what the pick leaves ([`retry_after_pick`]); the I4
//!    offers and the slot exchange (step 6) are left out.
//! 5. **Bound** ([`bound`]). The LP bound is raised by Lagrangian relaxation at the LP prices:
//!    a group's priced MIP bound replaces its priced LP value, group by group (those that
//!    miss most first, then the most fractional, then the rest), only until the gap is within `solver.mip_rel_gap` (of the objective, or
//!    of its plan-dependent part: `solver.gap_of`). The gap is `(plan − bound) / plan`,
//!    always proven.
//! 6. **Slot exchange** ([`parts::exchange_slots`]), only when the first
//!    `BOUND_BEFORE_EXCHANGE` priced MIPs do not prove the plan within its tolerance: the
//!    groups whose shortfall costs most beyond their LP plan's may buy people of shared limits
//!    from the others at the LP's price, the groups that give them up re-solved; kept when the
//!    province's objective falls (the trades judged in turn, as many made at once as there
//!    are threads, and no more once the plan is proven); a channel minimum (I4) then left
//!    short is offered again. The bound then goes on from where step 5 stopped. If the
//!    priced MIPs of all groups still do not prove the plan, the exchange is asked again (up
//!    to `EXCHANGES_BY_PRICE` times, while it lowers the objective) of the groups whose plans
//!    are furthest from their least priced cost ([`bound::Raise::excess`]): with I2 on, the
//!    sample was then proven without step 7, in 44 s instead of 80 s (34 s since the trades
//!    are made side by side).
//! 7. **Pricing from the split's plans** ([`budget_rounds::from_plans`]), only when the plan
//!    is still not proven after the exchange (asked again by priced cost) and every group's
//!    priced MIP, and no budget binds: the pricing rounds of a binding budget started from
//!    the split's plans, the master MIP picking among them and the priced plans (at most
//!    `solver.pricing_rounds` rounds); kept when the province's objective falls, then the
//!    short groups retried and the exchange asked again. With I2 on (asked of the
//!    forecast's gross hires), the sample's gap went from 0.56% to 0.14%; since I2 asks a
//!    share of the forecast's net hires, to 0.056%, proven (docs/model.md); since the
//!    exchange by priced cost, that sample no longer reaches this step.
//!
//! With `solver.method = "monolithic"` (or a single group) the whole province is one MIP, to
//! check small cases against a proven optimum.

mod bound;
mod budget_rounds;
mod parts;
pub mod split;

use crate::domain::config::{GapOf, SolveMethod, SolverConfig};
use crate::domain::Spec;
use crate::error::Result;
use crate::model::capacity::Capacity;
use crate::model::{Model, Scope, TargetChange};
use crate::plan::{self, Issue, Plan, StaffingIssue};
use crate::solve::{solve, FlowStart, Mode, SolveStats, Solved};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

pub use split::split;

/// Groups of units that must be planned together, in unit order.
pub fn groups(spec: &Spec) -> Vec<Vec<usize>> {
    let n = spec.units.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], x: usize) -> usize {
        let mut r = x;
        while p[r] != r {
            r = p[r];
        }
        let mut y = x;
        while p[y] != r {
            let next = p[y];
            p[y] = r;
            y = next;
        }
        r
    }
    let join = |p: &mut Vec<usize>, members: &[usize]| {
        if let Some(&first) = members.first() {
            for &u in &members[1..] {
                let (a, b) = (find(p, first), find(p, u));
                if a != b {
                    p[a.max(b)] = a.min(b);
                }
            }
        }
    };
    for route in &spec.transfers {
        let mut members = route.from.clone();
        members.extend(&route.to);
        join(&mut parent, &members);
    }
    let mut by_root: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for u in 0..n {
        let r = find(&mut parent, u);
        by_root.entry(r).or_default().push(u);
    }
    by_root.into_values().collect()
}

/// Time spent building models and inside HiGHS, summed over every solve (several run at
/// once), for the overhead figure in the console summary and BENCHMARKS.md.
#[derive(Default)]
struct Clock {
    build_nanos: AtomicU64,
    highs_nanos: AtomicU64,
}

/// What every step needs: the scenario, the clock, and how to report.
struct Ctx<'a> {
    spec: &'a Spec,
    schedule: crate::rules::roadmap::Schedule,
    clock: Clock,
    verbose: bool,
    progress: Progress<'a>,
    /// Price every target row after the plan (step 8).
    prices: bool,
    /// When the run started, for its time (pricing left out).
    started: Instant,
    /// The tolerance handed to HiGHS, as a share of a group's objective (`f64` bits):
    /// `solver.mip_rel_gap`, or with `gap_of = "plan-dependent"` that share of the
    /// plan-dependent part converted once the LP bound is known
    /// ([`plan_dependent_tolerance`]).
    tolerance: AtomicU64,
    /// What the tolerance leaves out of the objective: the fixed salaries under
    /// `gap_of = "plan-dependent"`, else 0.
    fixed: f64,
}

impl Ctx<'_> {
    fn build(&self, scope: Scope) -> Model {
        let t = Instant::now();
        let m = crate::recipe::build_on(self.spec, scope, &self.schedule);
        let nanos = t.elapsed().as_nanos() as u64;
        self.clock.build_nanos.fetch_add(nanos, Ordering::Relaxed);
        m
    }

    fn solve(&self, model: &mut Model, settings: &SolverConfig, mode: Mode) -> Result<Solved> {
        let solved = solve(model, settings, mode, self.verbose)?;
        let nanos = (solved.stats.seconds * 1e9) as u64;
        self.clock.highs_nanos.fetch_add(nanos, Ordering::Relaxed);
        Ok(solved)
    }

    /// The plan's tolerance, as a share of the objective.
    fn tolerance(&self) -> f64 {
        f64::from_bits(self.tolerance.load(Ordering::Relaxed))
    }

    /// The plan's time: since the start, building models and inside HiGHS. Taken before
    /// pricing, which reports its own time.
    fn time(&self, stats: &mut SolveStats) {
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed) as f64 / 1e9;
        stats.seconds = self.started.elapsed().as_secs_f64();
        stats.build_seconds = get(&self.clock.build_nanos);
        stats.highs_seconds = get(&self.clock.highs_nanos);
    }
}

pub struct Outcome {
    pub plan: Plan,
    pub stats: SolveStats,
    /// With `budget.target_prices`: the price of every target row (step 8).
    pub prices: Option<crate::prices::Priced>,
}

/// Progress lines for long runs.
pub type Progress<'a> = &'a (dyn Fn(String) + Sync);

/// Finds the whole-person plan of a scenario and proves how far it is from the best.
///
/// With `prices`, also prices every target row (step 8, [`crate::prices`]).
pub fn find_plan(spec: &Spec, verbose: bool, progress: Progress, prices: bool) -> Result<Outcome> {
    let ctx = Ctx {
        prices,
        started: Instant::now(),
        tolerance: AtomicU64::new(spec.config.solver.mip_rel_gap.to_bits()),
        fixed: match spec.config.solver.gap_of {
            GapOf::Objective => 0.0,
            GapOf::PlanDependent => crate::budget::fixed_salaries(spec),
        },
        spec,
        schedule: crate::rules::roadmap::schedule(spec),
        clock: Clock::default(),
        verbose,
        progress,
    };
    let groups = groups(spec);
    if groups.len() == 1 || spec.config.solver.method == SolveMethod::Monolithic {
        solve_whole(&ctx)
    } else {
        solve_in_parts(&ctx, &groups)
    }
}

/// The whole province as one MIP.
fn solve_whole(ctx: &Ctx) -> Result<Outcome> {
    let mut model = ctx.build(Scope::all(ctx.spec));
    (ctx.progress)(format!(
        "model: {} columns ({} integer), {} rows",
        model.vars.len(),
        model.integer_columns,
        model.constraints.len()
    ));
    let solved = ctx.solve(&mut model, &ctx.spec.config.solver, Mode::Mip)?;
    let plan = plan::extract(ctx.spec, &model, &solved);
    let mut stats = solved.stats.clone();
    settle(ctx, &mut stats);
    ctx.time(&mut stats);
    let planned = FlowStart::of(&model, &solved);
    let resolve = |_: usize, change: Option<TargetChange>, start: Option<&FlowStart>| {
        let mut model = ctx.build(Scope {
            change,
            ..Scope::all(ctx.spec)
        });
        model.start = Some(start.unwrap_or(&planned).clone());
        solve_for_price(ctx, &mut model)
    };
    let whole = vec![(0..ctx.spec.units.len()).collect()];
    let prices = price_targets(ctx, &plan, &whole, &resolve)?;
    Ok(Outcome {
        plan,
        stats,
        prices,
    })
}

/// Steps 2–7: the LP, the split, the groups' MIPs, their sum, the bound, the slot exchange
/// and the pricing from the split's plans.
fn solve_in_parts(ctx: &Ctx, groups: &[Vec<usize>]) -> Result<Outcome> {
    let started = Instant::now();
    let relaxation = split::Relaxation::solve(ctx, groups)?;
    plan_dependent_tolerance(ctx, relaxation.lp.stats.objective);
    let split = split::Split::of(ctx.spec, &relaxation, groups);
    let budget_price = budget_rounds::binding_price(ctx, &relaxation);
    let priced = budget_price.is_some();
    let objective_of_parts =
        |plans: Vec<Plan>| objective_of(ctx.spec, &add_up(ctx.spec, plans, &relaxation));
    let mut parts = match budget_price {
        // The pick leaves money unused in some years and groups short for want of it (on a
        // generated 5-unit province capped at 1,000 million VND a year, 69% above the
        // master's LP): the short groups retried with what it leaves.
        Some(dearest) => {
            let mut parts =
                budget_rounds::solve_priced(ctx, groups, &split, &relaxation, dearest, None)?;
            let picked = objective_of_parts(parts.plans());
            retry_after_pick(ctx, groups, &split, &mut parts, &objective_of_parts, picked);
            parts
        }
        None => {
            let mut parts = parts::solve_all(ctx, groups, &split)?;
            (ctx.progress)(format!(
                "{} groups solved ({:.1} s)",
                groups.len(),
                started.elapsed().as_secs_f64()
            ));
            parts::retry_short(ctx, groups, &split, &mut parts)?;
            parts
        }
    };
    parts::repair_coverage(ctx, groups, &split, &relaxation, &mut parts)?;
    if !priced {
        // With the budget priced, a minimum the groups fall short of is short for want of
        // money, which the master has weighed (on the 20% cut, offering it to 30 groups took
        // 19 s and bought 7,000 million VND of 13.8 million).
        parts::repair_minimums(ctx, groups, &split, &mut parts, &objective_of_parts)?;
    }
    // The bound of the groups that miss most first: if it proves the plan within its
    // tolerance, the slot exchange is not needed (on the sample, 13 groups do with the
    // defaults; with I2 on, the exchange is needed and the first 20 then do).
    let shortfalls: Vec<f64> = parts.parts.iter().map(|p| p.shortfall).collect();
    let starts = parts.starts();
    let mut raise = bound::Raise::new(ctx, &relaxation, groups, &shortfalls, starts)?;
    let mut plan = add_up(ctx.spec, parts.plans(), &relaxation);
    let mut objective = objective_of(ctx.spec, &plan);
    let bound = raise.until(objective, Some(BOUND_BEFORE_EXCHANGE))?;
    // With the budget priced, the master has weighed every limit at its price already (on
    // the 20% cut the exchange took 5–32 s and found 0–20,000 million VND).
    // The slot exchange, on `parts`: the plan and its objective.
    // It stops once the plan is proven by `bound`.
    let exchange = |parts: &mut parts::Parts, offer: parts::Offer, bound: f64| -> Result<_> {
        let proven = |objective: f64| within(ctx, objective, bound);
        let valuation = parts::Valuation {
            objective: &objective_of_parts,
            proven: &proven,
        };
        let kept =
            parts::exchange_slots(ctx, groups, &split, &relaxation, parts, &valuation, &offer)?;
        // The groups re-solved by a kept exchange may leave a minimum short (with I2 on, one
        // `nominated` graduate of 2030, 9,725 million VND).
        if kept > 0 {
            parts::repair_minimums(ctx, groups, &split, parts, &objective_of_parts)?;
        }
        let plan = add_up(ctx.spec, parts.plans(), &relaxation);
        let objective = objective_of(ctx.spec, &plan);
        Ok((plan, objective))
    };
    if !priced && !within(ctx, objective, bound) {
        (plan, objective) = exchange(&mut parts, parts::Offer::Short, bound)?;
    }
    let mut bound = raise.until(objective, None)?;
    // Step 6 again, with every group's priced MIP in the bound: the groups whose plans hold
    // most of the gap offered, while it lowers the objective by `EXCHANGE_LEAST_GAIN` or more
    // (on the sample with I2 on, two passes, 13 s, proved a plan within the tolerance where
    // step 7 took three pricing rounds, 48 s, to prove one 0.03% cheaper). A failed solve
    // ends only this step, as in step 7.
    for _ in 0..EXCHANGES_BY_PRICE {
        if priced || !raise.feasible() || within(ctx, objective, bound) {
            break;
        }
        let before = objective;
        let plans = parts.starts();
        // A failure after a kept trade (in the minimums' repair) must not leave `parts` apart
        // from `plan`.
        let unchanged = parts.clone();
        let exchanged = raise.excess(&plans).and_then(|excess| {
            exchange(&mut parts, parts::Offer::FurthestFromPriced(excess), bound)
        });
        match exchanged {
            Ok(done) => (plan, objective) = done,
            Err(e) => {
                parts = unchanged;
                (ctx.progress)(format!("slot exchange by priced cost left out: {e}"));
                break;
            }
        }
        // The bound already holds every group's priced MIP: only the objective moved.
        if objective > before - EXCHANGE_LEAST_GAIN {
            break;
        }
    }
    if !priced && !within(ctx, objective, bound) {
        if let Some(better) = budget_rounds::from_plans(
            ctx,
            groups,
            &split,
            &relaxation,
            &parts,
            &objective_of_parts,
            objective,
        )? {
            // The pick leaves slots unused and moves shares: the short groups retried with
            // what is left, and the exchange asked again, as after the first solves.
            parts = better;
            let picked = objective_of_parts(parts.plans());
            retry_after_pick(ctx, groups, &split, &mut parts, &objective_of_parts, picked);
            (plan, objective) = exchange(&mut parts, parts::Offer::Short, bound)?;
            bound = raise.until(objective, None)?;
        }
    }
    let nodes = parts.nodes;
    raise.report();
    if ctx.spec.config.solver.check_bound {
        let plans = parts.starts();
        raise.diagnose(objective, &plans)?;
        print_limits_slack(ctx, &relaxation, &plan);
    }
    let (columns, integer_columns, rows) = relaxation.size;
    let mut stats = SolveStats {
        status: "optimal".into(),
        objective,
        bound,
        columns,
        integer_columns,
        rows,
        nodes,
        method: format!("decomposed ({} groups of units)", groups.len()),
        ..Default::default()
    };
    settle(ctx, &mut stats);
    ctx.time(&mut stats);
    let resolve = |g: usize, change: Option<TargetChange>, start: Option<&FlowStart>| {
        parts::resolve_for_price(ctx, groups, &split, &parts, g, change, start)
    };
    let prices = price_targets(ctx, &plan, groups, &resolve)?;
    Ok(Outcome {
        plan,
        stats,
        prices,
    })
}

/// With `solver.check_bound`: the limits' part of the shared rows' slack (the rest is the
/// province-wide rows'): what the plan leaves unused of each limit at its LP price, and what
/// it pays for a minimum it falls short of or a budget it overruns (their shortfall and
/// overrun columns are the province's, in neither `P_g` nor `y·b`).
fn print_limits_slack(ctx: &Ctx, relaxation: &split::Relaxation, plan: &Plan) {
    let used = plan.capacity_use(ctx.spec);
    let penalty = crate::model::objective::Prices::of(ctx.spec).penalty;
    let mut of_limits = 0.0;
    for (cap, price) in relaxation.capacity_prices() {
        let Some(limit) = cap.limit(ctx.spec) else {
            continue;
        };
        let use_of = used.get(&cap).copied().unwrap_or(0.0);
        let paid = match cap.minimum_rule(ctx.spec) {
            Some((rule, year)) => {
                crate::rules::intent::price(ctx.spec, rule, None, year) * (limit - use_of).max(0.0)
            }
            None if cap.is_budget() => penalty * (use_of - limit).max(0.0),
            None => 0.0,
        };
        let worth = price * (limit - use_of) + paid;
        of_limits += worth;
        if worth.abs() > 1.0 {
            crate::errln!("gap check: {cap:?} (limit {limit:.1}, used {use_of:.1}): {worth:.1}");
        }
    }
    crate::errln!("gap check: the limits' part of the shared rows' slack: {of_limits:.1}");
}

/// After a pick among candidate plans (a binding budget's, step 4, or step 7's), which
/// leaves slots and money unused: the groups short of a target retried with what the others
/// leave ([`parts::retry_short`]), kept if the province's objective falls below `picked`,
/// the pick's. A failed solve leaves the retries out and keeps the pick.
fn retry_after_pick(
    ctx: &Ctx,
    groups: &[Vec<usize>],
    split: &split::Split,
    parts: &mut parts::Parts,
    objective_of_parts: &dyn Fn(Vec<Plan>) -> f64,
    picked: f64,
) {
    let before = parts.clone();
    match parts::retry_short(ctx, groups, split, parts) {
        Ok(()) => {
            if objective_of_parts(parts.plans()) < picked {
                return;
            }
        }
        Err(e) => (ctx.progress)(format!("retries after the pick left out: {e}")),
    }
    *parts = before;
}

/// Step 8, when asked (`plan` with `budget.target_prices`): every target row's price, its
/// group re-solved with the rest of the plan fixed ([`crate::prices`]).
fn price_targets(
    ctx: &Ctx,
    plan: &Plan,
    groups: &[Vec<usize>],
    resolve: &crate::prices::Resolve,
) -> Result<Option<crate::prices::Priced>> {
    if !ctx.prices {
        return Ok(None);
    }
    let targets = crate::evaluate::evaluate(ctx.spec, plan);
    crate::prices::price_targets(
        ctx.spec,
        &targets,
        groups,
        resolve,
        ctx.spec.config.solver.threads as usize,
        ctx.progress,
    )
    .map(Some)
}

/// A model re-solved to price a target: to an absolute gap of [`crate::prices::ABS_GAP`],
/// since a price is a small difference of two objectives.
fn solve_for_price(ctx: &Ctx, model: &mut Model) -> crate::prices::Outcome {
    use crate::prices::{Outcome, Resolved};
    let mut settings = ctx.spec.config.solver.clone();
    // The pricing tolerance over any `[solver.highs]` gap a scenario sets.
    settings.highs.remove("mip_rel_gap");
    settings.highs.remove("mip_abs_gap");
    settings.mip_rel_gap = 0.0;
    settings.highs.insert(
        "mip_abs_gap".into(),
        crate::domain::config::HighsValue::Float(crate::prices::ABS_GAP),
    );
    match ctx.solve(model, &settings, Mode::Mip) {
        Ok(solved) => Outcome::Solved(Resolved {
            objective: solved.stats.objective,
            uncertainty: (solved.stats.objective - solved.stats.bound).max(0.0),
            seconds: solved.stats.seconds,
            start: FlowStart::of(model, &solved),
            plan: plan::extract(ctx.spec, model, &solved),
        }),
        Err(crate::error::Error::Infeasible(_)) => Outcome::Infeasible,
        Err(e) => Outcome::Failed(e.to_string()),
    }
}

/// How many groups' priced MIPs may raise the bound before the slot exchange is tried.
const BOUND_BEFORE_EXCHANGE: usize = 20;

/// How many times at most the slot exchange is asked again of the groups furthest from their
/// least priced cost, each time only if the last lowered the objective by
/// [`EXCHANGE_LEAST_GAIN`] or more (on the sample with I2 on, the second proved the plan; on
/// the province-wide I2 the third kept nothing).
const EXCHANGES_BY_PRICE: usize = 3;

/// Million VND: an exchange by priced cost that gains less is not asked again.
const EXCHANGE_LEAST_GAIN: f64 = 1.0;

/// Whether a plan costing `objective` is proven within `solver.mip_rel_gap` by `bound`, on
/// the part of the objective `solver.gap_of` names.
fn within(ctx: &Ctx, objective: f64, bound: f64) -> bool {
    objective - bound <= ctx.spec.config.solver.mip_rel_gap * (objective - ctx.fixed).abs()
}

/// With `gap_of = "plan-dependent"`: the tolerance `g` of the plan-dependent part as a
/// share of the objective, for HiGHS's own gaps: `g·(L − F)/L` from the LP bound `L` and the
/// fixed part `F` (any plan's objective `z` is at least `L`, so `g·(L − F)/L ≤ g·(z − F)/z`),
/// at least `g/10` so that a plan-dependent part near zero does not ask every MIP to prove
/// optimality (the stop, [`within`], is on the plan-dependent part itself).
fn plan_dependent_tolerance(ctx: &Ctx, lp_bound: f64) {
    let solver = &ctx.spec.config.solver;
    if solver.gap_of != GapOf::PlanDependent {
        return;
    }
    let g = solver.mip_rel_gap;
    let share = if lp_bound > 0.0 {
        (g * (lp_bound - ctx.fixed) / lp_bound).max(g / 10.0)
    } else {
        g / 10.0
    };
    ctx.tolerance.store(share.to_bits(), Ordering::Relaxed);
    (ctx.progress)(format!(
        "tolerance {:.3}% of the plan-dependent part: {:.4}% of the objective for each solve (LP bound {:.1}, fixed salaries {:.1} million VND)",
        g * 100.0,
        share * 100.0,
        lp_bound,
        ctx.fixed
    ));
}

/// The plan's status against its tolerance, on the part `solver.gap_of` names.
fn settle(ctx: &Ctx, stats: &mut SolveStats) {
    let solver = &ctx.spec.config.solver;
    stats.set_gap(solver.mip_rel_gap);
    if solver.gap_of == GapOf::PlanDependent && stats.status != "time_limit" {
        stats.status = if within(ctx, stats.objective, stats.bound) {
            "optimal"
        } else {
            "feasible"
        }
        .into();
    }
}

/// The groups' plans as one plan of the province, with the limits it could not keep.
fn add_up(spec: &Spec, plans: Vec<Plan>, relaxation: &split::Relaxation) -> Plan {
    let mut plan = Plan::merge(plans);
    // Budget overruns are measured on the whole province, not on each group's share.
    plan.book_budget_overruns(spec);
    for (cap, over) in capacity_overruns(spec, &plan, relaxation.terms.keys().copied()) {
        // Priced like a shortfall, so the gap shows it; it should never happen.
        let year = match cap {
            Capacity::Channel(k)
            | Capacity::ChannelKind(k, _)
            | Capacity::ChannelWomen(k)
            | Capacity::ChannelMin(k) => spec.channels[k].year,
            Capacity::HiringShare(year) => year.unwrap_or(spec.horizon()),
            Capacity::TrainingSeats(t) | Capacity::PromotionSeats(t) | Capacity::Budget(t, _) => t,
        };
        plan.staffing_issues.push(StaffingIssue {
            issue: Issue::CapacityOverrun,
            detail: format!("{cap:?}"),
            unit: None,
            year,
            amount: over,
        });
    }
    plan
}

/// The objective of a whole-province plan, from its tables: costs, plus the shortfall
/// penalty on every missed target and staffing slack (ten on a person over quota,
/// [`crate::plan::Issue::weight`]), plus R5's priced distance. For a plan
/// with minimal slacks this is the model's objective, so the LP bound applies to it.
pub fn objective_of(spec: &Spec, plan: &Plan) -> f64 {
    let targets = crate::evaluate::evaluate(spec, plan);
    let shortfall = crate::evaluate::priced_shortfall(spec, plan, &targets);
    let staffing: f64 = plan
        .staffing_issues
        .iter()
        .map(|i| i.amount * i.issue.weight())
        .sum();
    let r5: f64 = crate::rules::r5_structure::distances(spec, plan)
        .values()
        .sum();
    crate::model::objective::plan_objective(spec, &plan.costs, shortfall, staffing, r5)
}

/// Shared limits the combined plan goes over (none, by construction; checked).
fn capacity_overruns(
    spec: &Spec,
    plan: &Plan,
    caps: impl Iterator<Item = Capacity>,
) -> Vec<(Capacity, f64)> {
    let used = plan.capacity_use(spec);
    caps.filter(|c| !c.is_budget() && !c.is_minimum())
        .filter_map(|cap| {
            let over = used.get(&cap).copied().unwrap_or(0.0) - cap.limit(spec)?;
            (over > 1e-6).then_some((cap, over))
        })
        .collect()
}
