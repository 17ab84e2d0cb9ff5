//! Step 4: each group's plan, as a MIP of its units with its share of every shared limit;
//! the retries that give a group what the others left unused; and, under the coverage
//! roadmap, asking more groups to meet full targets while it pays.

use super::split::{Relaxation, Split};
use super::Ctx;
use crate::domain::config::HighsValue;
use crate::domain::Rule;
use crate::error::Result;
use crate::model::capacity::Capacity;
use crate::model::{Coupling, Purchase, Scope, TargetChange};
use crate::plan::{self, Plan};
use crate::solve::{FlowStart, Mode, SolveStats};
use rayon::prelude::*;
use std::collections::BTreeMap;

/// A group's plan, what its model paid, its total shortfall and staffing slack, and what
/// it uses of each shared capacity (computed once per plan).
#[derive(Clone)]
pub(crate) struct Part {
    pub plan: Plan,
    pub stats: SolveStats,
    pub shortfall: f64,
    pub used: BTreeMap<Capacity, f64>,
    /// Its decision flows, to start the group's later MIPs from.
    pub start: FlowStart,
    /// The share of each shared limit it was solved with.
    pub share: BTreeMap<Capacity, f64>,
    /// Under the coverage roadmap, how many of its units must meet their full target, as
    /// it was solved (raised by [`repair_coverage`]), so a later re-solve keeps them.
    pub coverage_counts: BTreeMap<(Rule, i32), f64>,
}

/// Every group's part, in group order, and the branch-and-bound nodes they took.
#[derive(Clone)]
pub(crate) struct Parts {
    pub parts: Vec<Part>,
    pub nodes: i64,
}

impl Part {
    /// What its plan uses of a shared limit.
    pub fn uses(&self, cap: &Capacity) -> f64 {
        self.used.get(cap).copied().unwrap_or(0.0)
    }
}

impl Parts {
    /// Every group's plan, in group order.
    pub fn plans(&self) -> Vec<Plan> {
        self.parts.iter().map(|p| p.plan.clone()).collect()
    }

    /// Every group's plan as a start of its model, in group order.
    pub fn starts(&self) -> Vec<FlowStart> {
        self.parts.iter().map(|p| p.start.clone()).collect()
    }
}

/// Solves every group with its share, `solver.threads` at a time.
pub(super) fn solve_all(ctx: &Ctx, groups: &[Vec<usize>], split: &Split) -> Result<Parts> {
    let pool = crate::threads::pool(ctx.spec.config.solver.threads as usize)?;
    let all: Vec<usize> = (0..groups.len()).collect();
    let solved = largest_first(ctx, groups, &pool, &all, |g: usize| {
        let counts = split.coverage_counts[g].clone();
        solve_group(
            ctx,
            &groups[g],
            split.shares[g].clone(),
            split,
            counts,
            How::first(),
        )
    });
    let mut out = Parts {
        parts: Vec::with_capacity(groups.len()),
        nodes: 0,
    };
    for part in solved {
        let part = part?;
        out.nodes += part.stats.nodes;
        out.parts.push(part);
    }
    Ok(out)
}

/// `solve(i)` for each position i of `which` (a list of groups) on `pool`, the largest
/// groups (by base staff) first, each taken by the first thread free, so that the longest
/// solves do not come last (rayon's indexed iterator splits the list in halves, in unit
/// order); the results in `which`'s order. A group's plan does not depend on when it is
/// solved, so neither do the results.
pub(super) fn largest_first<T: Send>(
    ctx: &Ctx,
    groups: &[Vec<usize>],
    pool: &rayon::ThreadPool,
    which: &[usize],
    solve: impl Fn(usize) -> T + Sync,
) -> Vec<T> {
    let size = |g: usize| -> u32 { groups[g].iter().map(|&u| ctx.spec.base_staff(u)).sum() };
    let mut order: Vec<usize> = (0..which.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(size(which[i])), i));
    let mut solved: Vec<(usize, T)> =
        pool.install(|| order.iter().par_bridge().map(|&i| (i, solve(i))).collect());
    solved.sort_by_key(|(i, _)| *i);
    solved.into_iter().map(|(_, t)| t).collect()
}

/// A group short of a target gets what the others left unused, and another try, started
/// from its plan; the new plan replaces the old when it costs less.
///
/// All short groups are retried side by side, each with what the others leave of each
/// shared limit (of a minimum, its own share: see [`free_share`]). Their new plans are then
/// taken in group order, each against what is left now that the plans before it may have
/// changed: a new plan is kept if it fits every hard limit of that and costs less than the
/// group's current plan, both with their budget excess priced against it ([`cost_with`]).
/// A plan that no longer fits, or was solved with a budget that has moved since, is
/// retried in the next round with what is then left; the rounds go on until no group is
/// left, and each settles at least its first group, whose room has not changed since it
/// was solved. The rounds do not depend on the number of threads, so neither does the
/// plan. (Retrying in pairs, one pair after the other, took about twice as long on the
/// sample for the same objective: each pair waits for its slower group.)
pub(super) fn retry_short(
    ctx: &Ctx,
    groups: &[Vec<usize>],
    split: &Split,
    parts: &mut Parts,
) -> Result<()> {
    let short: Vec<usize> = (0..groups.len())
        .filter(|&g| parts.parts[g].shortfall > 0.5)
        .collect();
    if short.is_empty() {
        return Ok(());
    }
    let started = std::time::Instant::now();
    let pool = crate::threads::pool(ctx.spec.config.solver.threads as usize)?;
    let mut pending = short.clone();
    let mut rounds = 0;
    let mut improved = 0;
    let mut solves = 0;
    // Each round settles its first group, so there are at most as many rounds as groups
    // (the bound only guards against a solver breaking its own rows).
    while !pending.is_empty() && rounds < short.len() {
        rounds += 1;
        solves += pending.len();
        let tried: Vec<Result<Part>> = {
            let parts = &*parts;
            largest_first(ctx, groups, &pool, &pending, |i| {
                let g = pending[i];
                let share = free_share(ctx, &parts.parts[g].share, &parts.parts, g);
                solve_again(ctx, &groups[g], split, &parts.parts[g], share, no_buy())
            })
        };
        let mut again = Vec::new();
        for (&g, tried) in pending.iter().zip(tried) {
            let part = tried?;
            let now = free_share(ctx, &parts.parts[g].share, &parts.parts, g);
            let (new, old) = (
                cost_with(ctx, &part, &now),
                cost_with(ctx, &parts.parts[g], &now),
            );
            let fit = fits(&part.used, &now, split);
            if fit && new < old - 1e-6 {
                parts.nodes += part.stats.nodes;
                parts.parts[g] = part;
                improved += 1;
            } else if !fit || budget_moved(&part.share, &now) {
                // Solved with room that has changed since: try again with what is left.
                again.push(g);
            }
        }
        pending = again;
    }
    (ctx.progress)(format!(
        "re-solved {} groups short of a target with spare capacity ({} solves in {} rounds, {} better; {:.1} s)",
        short.len(),
        solves,
        rounds,
        improved,
        started.elapsed().as_secs_f64()
    ));
    Ok(())
}

/// A minimum (I4) the groups' plans fall short of in all, although each group was solved
/// with its share: a group that cannot place its share leaves the province short, and the
/// retries do not move a minimum's shares (see [`free_share`]). The people missing are
/// offered to the groups that hire from the channel and met their share, those that place
/// most of it first, up to `MINIMUM_TRIES` of them one after the other while people are
/// missing, each solved with its share raised by what is still missing and what the others
/// leave of every limit; an offer is kept when it lowers the province's objective (by
/// `objective`, on the whole plan, so the shortfall it makes up and anything it costs
/// elsewhere are both counted).
pub(super) fn repair_minimums(
    ctx: &Ctx,
    groups: &[Vec<usize>],
    split: &Split,
    parts: &mut Parts,
    objective: &dyn Fn(Vec<Plan>) -> f64,
) -> Result<()> {
    const MINIMUM_TRIES: usize = 4;
    let minimums: Vec<Capacity> = split.shares.first().map_or(Vec::new(), |s| {
        s.keys()
            .copied()
            .filter(|c| c.is_minimum() && !c.is_exact())
            .collect()
    });
    let started = std::time::Instant::now();
    let placed =
        |parts: &Parts, cap: &Capacity| -> f64 { parts.parts.iter().map(|p| p.uses(cap)).sum() };
    let (mut missing_before, mut missing_after, mut offered, mut taken) = (0.0, 0.0, 0, 0);
    for cap in minimums {
        let least = cap.limit(ctx.spec).unwrap_or(0.0);
        let missing = |parts: &Parts| (least - placed(parts, &cap)).floor();
        if missing(parts) < 1.0 {
            continue;
        }
        missing_before += missing(parts);
        // Groups that hire from the channel and met the share they were solved with.
        let used = |parts: &Parts, g: usize| parts.parts[g].uses(&cap);
        let mut candidates: Vec<usize> = (0..groups.len())
            .filter(|&g| {
                let share = parts.parts[g].share.get(&cap).copied().unwrap_or(0.0);
                used(parts, g) > 0.5 && used(parts, g) >= share - 1e-6
            })
            .collect();
        candidates.sort_by(|&a, &b| used(parts, b).total_cmp(&used(parts, a)).then(a.cmp(&b)));
        candidates.truncate(MINIMUM_TRIES);
        let mut now = objective(parts.plans());
        for g in candidates {
            let short = missing(parts);
            if short < 1.0 {
                break;
            }
            offered += 1;
            // The shares it was solved with, so that a share raised before stays raised.
            let solved_with = parts.parts[g].share.clone();
            let mut share = free_share(ctx, &solved_with, &parts.parts, g);
            *share.entry(cap).or_default() += short;
            let part = solve_again(ctx, &groups[g], split, &parts.parts[g], share, no_buy())?;
            if !fits(
                &part.used,
                &free_share(ctx, &solved_with, &parts.parts, g),
                split,
            ) {
                continue;
            }
            let mut trial = parts.plans();
            trial[g] = part.plan.clone();
            let value = objective(trial);
            if value < now - 1e-6 {
                now = value;
                parts.nodes += part.stats.nodes;
                parts.parts[g] = part;
                taken += 1;
            }
        }
        missing_after += missing(parts).max(0.0);
    }
    if offered > 0 {
        (ctx.progress)(format!(
            "I4 short of its channel minimums by {missing_before}: offered to {offered} group(s) in turn, {taken} took some, {missing_after} still short ({:.1} s)",
            started.elapsed().as_secs_f64()
        ));
    }
    Ok(())
}

/// The slot exchange: a group that misses targets for want of a few people of a shared
/// limit (a channel's slots in a year, seats) that the split gave to other groups may buy
/// them back. The split follows the LP's fractional use, so it gives a slot to whichever
/// group the LP used it in, not where a whole person is worth most.
///
/// The groups offered ([`Offer`]): first those whose shortfall costs most beyond what their
/// LP plan's already costs ([`exchange_candidates`]), up to `EXCHANGE_CANDIDATES`, one after
/// the other (ranked by the shortfall alone, the places went to communes whose misses no
/// plan avoids: on the sample with I2 at 60%, X13's 2,530,000 million VND came first and
/// X53's one milestone person, 10,000, which its LP plan meets, was never asked). Each is
/// solved with what the others leave of every limit, and may go over each hard limit by up
/// to `EXCHANGE_MOST` people at the LP's price of a person of it (at least `LEAST_PRICE`), so
/// it buys only people worth more to it than to the province at the LP's reckoning. What it
/// bought is then taken back from the groups that use the limit, those using most first,
/// each re-solved in turn with what is left (up to `EXCHANGE_HOLDERS`). The exchange is kept
/// when every hard limit holds and the province's objective (on the whole plan) falls;
/// otherwise every plan is restored. Returns how many exchanges were kept. On the sample
/// with I2 on (2 December, ranked by the shortfall alone), four communes bought people this
/// way and the objective fell by 33,439 million VND (gap 0.34% to 0.088%).
///
/// Asked again with [`Offer::FurthestFromPriced`] once every group's priced MIP is in the
/// bound, the groups offered are those whose plans hold most of the gap: a group's plan
/// priced at the LP's duals less its least priced cost, `P_g − L_g`
/// ([`super::bound::Raise::excess`]). Missed targets are not all of it: a plan may meet
/// every target and still pay dearly for want of a channel's slot in the right year.
///
/// The trades are judged one after the other, each on the plans the trades kept before it
/// left, but made side by side ([`in_turn`]); the exchange stops once the plan is proven
/// ([`Valuation::proven`]).
pub(super) fn exchange_slots(
    ctx: &Ctx,
    groups: &[Vec<usize>],
    split: &Split,
    relaxation: &Relaxation,
    parts: &mut Parts,
    valuation: &Valuation,
    offer: &Offer,
) -> Result<usize> {
    let mut now = (valuation.objective)(parts.plans());
    if (valuation.proven)(now) {
        return Ok(0);
    }
    let prices = relaxation.capacity_prices();
    const EXCHANGE_CANDIDATES: usize = 16;
    let started = std::time::Instant::now();
    let (score, base) = offer.scores(ctx, groups, relaxation, parts);
    let candidates = exchange_candidates(&score, &base, EXCHANGE_CANDIDATES);
    let pool = crate::threads::pool(ctx.spec.config.solver.threads as usize)?;
    let before = now;
    // The solves of the trades judged: a trade made again after a kept one counts once, and a
    // failed trade's solves not at all, so that the count is the same on any number of threads.
    let (mut tried, mut kept, mut solves, mut failed) = (0, 0, 0, 0);
    let make = |parts: &Parts, &g: &usize| trade(ctx, groups, split, &prices, &parts.parts, g);
    let mut judge_trade = |parts: &mut Parts, &g: &usize, traded: Result<Vec<(usize, Part)>>| {
        tried += 1;
        let mut replaced: Vec<(usize, Part)> = Vec::new();
        match traded {
            Ok(new) => {
                solves += new.len();
                for (h, part) in new {
                    replaced.push((h, std::mem::replace(&mut parts.parts[h], part)));
                }
            }
            // A solve that fails only ends this exchange.
            Err(e) => {
                failed += 1;
                if ctx.verbose {
                    crate::errln!("slot exchange for group {g} left out: {e}");
                }
            }
        }
        let value = if !replaced.is_empty() && overshoot(ctx, split, &parts.parts).is_empty() {
            (valuation.objective)(parts.plans())
        } else {
            f64::INFINITY
        };
        if ctx.verbose {
            crate::errln!(
                "exchange: group {g} ({}) {}: {} re-solved, objective {value:.1} against {now:.1}",
                ctx.spec.units[groups[g][0]].id,
                offer.why(score[g], base[g]),
                replaced.len()
            );
        }
        if value < now - 1e-6 {
            now = value;
            kept += 1;
            for (h, _) in &replaced {
                parts.nodes += parts.parts[*h].stats.nodes;
            }
            return if (valuation.proven)(now) {
                Judged::Done
            } else {
                Judged::Changed
            };
        }
        for (h, old) in replaced.into_iter().rev() {
            parts.parts[h] = old;
        }
        Judged::Unchanged
    };
    in_turn(&pool, parts, &candidates, make, &mut judge_trade);
    if tried > 0 {
        (ctx.progress)(format!(
            "slot exchange: {tried} groups {} offered to buy people of shared limits, {kept} kept ({solves} solves{}; objective {:.1} lower; {:.1} s)",
            offer.who(),
            if failed > 0 { format!(", {failed} failed and left out") } else { String::new() },
            before - now,
            started.elapsed().as_secs_f64()
        ));
    }
    Ok(kept)
}

/// What judging a candidate did to the state the next candidates are made on.
enum Judged {
    Unchanged,
    Changed,
    /// Changed, and nothing more is needed.
    Done,
}

/// Each candidate made (`make`, on `state`) and judged (`judge`, which may change `state`)
/// in turn, as one after the other would: as many made at once as `pool` has threads, on
/// the same state, and judged in order; those after a candidate that changed the state are
/// made again on the new state. When most judgements change nothing, this is nearly as
/// fast as the threads, and the judgements are the same whatever their number.
fn in_turn<S: Sync, C: Sync, R: Send>(
    pool: &rayon::ThreadPool,
    state: &mut S,
    candidates: &[C],
    make: impl Fn(&S, &C) -> R + Sync,
    judge: &mut impl FnMut(&mut S, &C, R) -> Judged,
) {
    let mut next = 0;
    while next < candidates.len() {
        let batch = &candidates[next..(next + pool.current_num_threads()).min(candidates.len())];
        let made: Vec<R> = {
            let state = &*state;
            pool.install(|| batch.par_iter().map(|c| make(state, c)).collect())
        };
        for (c, r) in batch.iter().zip(made) {
            next += 1;
            match judge(state, c, r) {
                Judged::Unchanged => {}
                // The batch's later candidates were made on the state this one changed.
                Judged::Changed => break,
                Judged::Done => return,
            }
        }
    }
}

/// How the slot exchange values the province's plans: the objective of a whole plan, and
/// whether an objective is proven within the tolerance by the bound so far (the exchange
/// then stops: on the sample with I2 on, its last pass kept its second trade, which proved
/// the plan, and then tried 14 more groups for nothing, 5.6 s).
pub(super) struct Valuation<'a> {
    pub objective: &'a dyn Fn(Vec<Plan>) -> f64,
    pub proven: &'a dyn Fn(f64) -> bool,
}

/// A limit the exchange trades: not a minimum, a budget or a row held by price.
fn is_hard(split: &Split, cap: &Capacity) -> bool {
    !cap.is_minimum() && !cap.is_budget() && !split.priced.contains_key(cap)
}

/// How far the plans `parts` go over each hard limit, where they do.
fn overshoot(ctx: &Ctx, split: &Split, parts: &[Part]) -> BTreeMap<Capacity, f64> {
    let mut used: BTreeMap<Capacity, f64> = BTreeMap::new();
    for p in parts {
        for (cap, x) in &p.used {
            *used.entry(*cap).or_default() += x;
        }
    }
    used.into_iter()
        .filter(|(cap, _)| is_hard(split, cap))
        .filter_map(|(cap, x)| {
            let over = x - cap.limit(ctx.spec)?;
            (over > 1e-6).then_some((cap, over))
        })
        .collect()
}

/// Group g's trade on the plans `parts` (see [`exchange_slots`]): g buys, then the groups
/// using what it bought give it up. The new plans, in the order they were made, at most
/// one per group; the trade fits when no hard limit is then gone over.
fn trade(
    ctx: &Ctx,
    groups: &[Vec<usize>],
    split: &Split,
    prices: &BTreeMap<Capacity, f64>,
    parts: &[Part],
    g: usize,
) -> Result<Vec<(usize, Part)>> {
    const EXCHANGE_MOST: f64 = 20.0;
    const EXCHANGE_HOLDERS: usize = 8;
    const LEAST_PRICE: f64 = 1.0;
    let mut parts = parts.to_vec();
    let mut new: Vec<usize> = Vec::new();
    let room = free_share(ctx, &parts[g].share, &parts, g);
    let buy: BTreeMap<Capacity, Purchase> = room
        .keys()
        .filter(|cap| is_hard(split, cap))
        .map(|&cap| {
            let price = prices.get(&cap).copied().unwrap_or(0.0).max(LEAST_PRICE);
            let most = EXCHANGE_MOST;
            (cap, Purchase { price, most })
        })
        .collect();
    parts[g] = solve_again(ctx, &groups[g], split, &parts[g], room, buy)?;
    new.push(g);
    let mut over = overshoot(ctx, split, &parts);
    let use_of_over = |parts: &[Part], over: &BTreeMap<Capacity, f64>, h: usize| -> f64 {
        over.keys().map(|cap| parts[h].uses(cap)).sum()
    };
    // The users of each limit gone over, in the limits' order, those using most first.
    let mut holders: Vec<usize> = Vec::new();
    for cap in over.keys() {
        let use_of = |h: usize| parts[h].uses(cap);
        let mut using: Vec<usize> = (0..groups.len())
            .filter(|&h| h != g && !holders.contains(&h) && use_of(h) > 0.5)
            .collect();
        using.sort_by(|&a, &b| use_of(b).total_cmp(&use_of(a)).then(a.cmp(&b)));
        holders.extend(using);
    }
    let mut asked = 0;
    for h in holders {
        if over.is_empty() || asked == EXCHANGE_HOLDERS {
            break;
        }
        if use_of_over(&parts, &over, h) < 0.5 {
            continue;
        }
        asked += 1;
        let room: BTreeMap<Capacity, f64> = free_share(ctx, &parts[h].share, &parts, h)
            .into_iter()
            .map(|(cap, x)| (cap, if is_hard(split, &cap) { x.max(0.0) } else { x }))
            .collect();
        let counts = parts[h].coverage_counts.clone();
        // Its plan goes over the room it now has, so the search starts from no action.
        parts[h] = solve_group(ctx, &groups[h], room, split, counts, How::mip(None))?;
        new.push(h);
        over = overshoot(ctx, split, &parts);
    }
    Ok(new.into_iter().map(|h| (h, parts[h].clone())).collect())
}

/// Each group's priced shortfall on the province's plan (`evaluate::priced_rows`).
fn owed_on_plan(ctx: &Ctx, groups: &[Vec<usize>], parts: &Parts) -> Vec<f64> {
    let rows = crate::evaluate::evaluate(ctx.spec, &Plan::merge(parts.plans()));
    let group_of: BTreeMap<usize, usize> = groups
        .iter()
        .enumerate()
        .flat_map(|(g, members)| members.iter().map(move |&u| (u, g)))
        .collect();
    let mut owed = vec![0.0; groups.len()];
    for (unit, value) in crate::evaluate::priced_rows(ctx.spec, &rows) {
        if let Some(g) = unit.and_then(|u| group_of.get(&u)) {
            owed[*g] += value;
        }
    }
    owed
}

/// Which groups the slot exchange offers to buy people of shared limits.
pub(super) enum Offer {
    /// Those whose missed targets cost most beyond what their LP plan's do.
    Short,
    /// Those whose plans are furthest from their least priced cost: each group's `P_g − L_g`
    /// ([`super::bound::Raise::excess`]).
    FurthestFromPriced(Vec<f64>),
}

impl Offer {
    /// Each group's score and what of it no exchange recovers: its priced shortfall on the
    /// whole plan and on its LP plan, or its excess over its least priced cost and nothing.
    fn scores(
        &self,
        ctx: &Ctx,
        groups: &[Vec<usize>],
        relaxation: &Relaxation,
        parts: &Parts,
    ) -> (Vec<f64>, Vec<f64>) {
        match self {
            Offer::Short => (
                owed_on_plan(ctx, groups, parts),
                relaxation.owed_by_group(ctx.spec, groups.len()),
            ),
            Offer::FurthestFromPriced(excess) => (excess.clone(), vec![0.0; excess.len()]),
        }
    }

    /// The groups offered, for the progress line.
    fn who(&self) -> &'static str {
        match self {
            Offer::Short => "short of targets",
            Offer::FurthestFromPriced(_) => "furthest from their least priced cost",
        }
    }

    /// Why a group was offered, from its score and base, for the verbose line.
    fn why(&self, score: f64, base: f64) -> String {
        match self {
            Offer::Short => format!("owed {score:.1} ({:.1} beyond its LP plan)", score - base),
            Offer::FurthestFromPriced(_) => format!("{score:.1} above its least priced cost"),
        }
    }
}

/// The groups offered the slot exchange, at most `most`: those whose plan pays for missed
/// targets (`owed`) more than half a million VND beyond what their LP plan does (`lp_owed`),
/// the most beyond it first, a tie to the earlier group. By priced cost
/// ([`Offer::FurthestFromPriced`]), `owed` is each group's `P_g − L_g` and `lp_owed` zero.
pub(super) fn exchange_candidates(owed: &[f64], lp_owed: &[f64], most: usize) -> Vec<usize> {
    let recoverable = |g: usize| owed[g] - lp_owed[g];
    let mut candidates: Vec<usize> = (0..owed.len()).filter(|&g| recoverable(g) > 0.5).collect();
    candidates.sort_by(|&a, &b| recoverable(b).total_cmp(&recoverable(a)).then(a.cmp(&b)));
    candidates.truncate(most);
    candidates
}

/// Under the coverage roadmap, a count the groups fell short of is offered, one unit at a
/// time, to groups not yet asked (most promising in the LP first); a group takes it when
/// meeting one more full target costs less than the shortfall penalty.
pub(super) fn repair_coverage(
    ctx: &Ctx,
    groups: &[Vec<usize>],
    split: &Split,
    relaxation: &Relaxation,
    parts: &mut Parts,
) -> Result<()> {
    let lp_met = relaxation.met_by_group(groups.len());
    let penalty = ctx.spec.config.policy.target_price();
    let mut taken = 0;
    for (key, met) in &lp_met {
        let Some(mut short) = coverage_shortfall(ctx, &parts.parts, *key) else {
            continue;
        };
        let mut candidates: Vec<usize> = (0..groups.len())
            .filter(|&g| {
                let asked = &parts.parts[g].coverage_counts;
                asked.get(key).copied().unwrap_or(0.0) < 0.5
            })
            .collect();
        candidates.sort_by(|&a, &b| met[b].total_cmp(&met[a]).then(a.cmp(&b)));
        for g in candidates {
            if short == 0 {
                break;
            }
            let mut trial = parts.parts[g].coverage_counts.clone();
            trial.insert(*key, 1.0);
            let share = free_share(ctx, &split.shares[g], &parts.parts, g);
            let start = parts.parts[g].start.clone();
            let part = solve_group(ctx, &groups[g], share, split, trial, How::mip(Some(start)))?;
            if part.stats.objective < parts.parts[g].stats.objective + penalty - 1e-6 {
                parts.parts[g] = part;
                short -= 1;
                taken += 1;
            }
        }
    }
    if taken > 0 {
        (ctx.progress)(format!(
            "coverage: {taken} more units asked to meet their full target"
        ));
    }
    Ok(())
}

/// How many units the combined plan is short of a coverage count.
fn coverage_shortfall(ctx: &Ctx, parts: &[Part], (rule, year): (Rule, i32)) -> Option<u32> {
    let plan = Plan::merge(parts.iter().map(|p| p.plan.clone()).collect());
    crate::evaluate::evaluate(ctx.spec, &plan)
        .iter()
        .find(|r| r.unit == crate::evaluate::COVERAGE && r.rule == rule && r.year == year)
        .map(|r| r.shortfall)
}

/// A group solved again with `share` (and what it may `buy`), started from its plan `part`
/// and keeping the coverage counts it was solved with, to the whole tolerance
/// ([`How::resolve`]): each caller keeps the new plan only when it costs less.
fn solve_again(
    ctx: &Ctx,
    members: &[usize],
    split: &Split,
    part: &Part,
    share: BTreeMap<Capacity, f64>,
    buy: BTreeMap<Capacity, Purchase>,
) -> Result<Part> {
    let counts = part.coverage_counts.clone();
    solve_group(
        ctx,
        members,
        share,
        split,
        counts,
        How {
            buy,
            ..How::resolve(part.start.clone())
        },
    )
}

fn no_buy() -> BTreeMap<Capacity, Purchase> {
    BTreeMap::new()
}

/// How a group's model is solved: from which plan, buying what beyond its share, in which
/// mode, to which share of the tolerance, and whether as its first solve.
pub(super) struct How {
    pub start: Option<FlowStart>,
    pub buy: BTreeMap<Capacity, Purchase>,
    pub mode: Mode,
    /// To the whole tolerance rather than half ([`How::resolve`]).
    pub whole_tolerance: bool,
    /// A group's first solve ([`How::first`]): HiGHS's probing off ([`without_probing`]).
    pub first: bool,
}

impl How {
    /// Whole people, buying nothing, started from `start` (else from the plan that uses no
    /// lever).
    pub fn mip(start: Option<FlowStart>) -> How {
        How {
            start,
            buy: BTreeMap::new(),
            mode: Mode::Mip,
            whole_tolerance: false,
            first: false,
        }
    }

    /// A group's first solve, from the split's shares and no plan ([`solve_all`]).
    pub fn first() -> How {
        How {
            first: true,
            ..How::mip(None)
        }
    }

    /// A re-solve from the group's own plan that is kept only when it costs less (a retry,
    /// an offer of a minimum, the slot exchange): to the whole tolerance (see
    /// [`solve_group`]).
    pub fn resolve(start: FlowStart) -> How {
        How {
            whole_tolerance: true,
            ..How::mip(Some(start))
        }
    }
}

/// `presolve_rule_off` with HiGHS's presolve rule "probing" off: bit 15,
/// `kPresolveRuleProbing` in HiGHS's `lp_data/HConst.h` (HiGHS 1.16).
const PROBING_OFF: i64 = 1 << 15;

/// HiGHS's probing turned off, unless `[solver.highs]` sets `presolve_rule_off` itself (`0`
/// gives it back). Probing tries fixing each of a group model's binaries in turn (the same
/// bit leaves out HiGHS's detection of implied integers): in the first solves it was most
/// of HiGHS's presolve for little. Every other solve keeps it, since with it off there a
/// binding budget's retries ran for minutes. Figures: docs/model.md "How it is solved" and
/// BENCHMARKS.md (7 December 2026).
fn without_probing(highs: &mut BTreeMap<String, HighsValue>) {
    highs
        .entry("presolve_rule_off".to_string())
        .or_insert(HighsValue::Int(PROBING_OFF));
}

pub(super) fn solve_group(
    ctx: &Ctx,
    members: &[usize],
    share: BTreeMap<Capacity, f64>,
    split: &Split,
    coverage_counts: BTreeMap<(Rule, i32), f64>,
    how: How,
) -> Result<Part> {
    let How {
        start,
        buy,
        mode,
        whole_tolerance,
        first,
    } = how;
    let coupling = group_coupling(members, &share, split, &coverage_counts, &buy);
    let mut model = ctx.build(Scope {
        units: members.to_vec(),
        coupling,
        change: None,
    });
    // A solve to half the tolerance, so that the province's plan, which also loses a little
    // to the split, stays within it. A re-solve from the group's own plan that is kept only
    // when it costs less (a retry, an offer of a minimum, the slot exchange) to the whole of
    // it: the bound proves the province's gap after it. Proving half the tolerance again was
    // most of the sample's retries (group [1, 76]: 1.6 of 2.0 s, its root bound 0.057% below
    // the plan it started from, no gain).
    let share_of_tolerance = if whole_tolerance { 1.0 } else { 0.5 };
    model.start = start;
    let mut settings = ctx.spec.config.solver.clone();
    settings.mip_rel_gap = ctx.tolerance() * share_of_tolerance;
    if first {
        without_probing(&mut settings.highs);
    }
    let solved = ctx.solve(&mut model, &settings, mode)?;
    // Target shortfalls and staffing slacks alike, in people (what is owed, not its price).
    let shortfall: f64 = model
        .slacks
        .iter()
        .map(|s| solved.value(s.slack))
        .sum::<f64>()
        + model
            .other_slacks
            .iter()
            .map(|s| solved.value(s.slack))
            .sum::<f64>();
    let plan = plan::extract(ctx.spec, &model, &solved);
    let used = plan.capacity_use(ctx.spec);
    // What it paid for people bought beyond its share is not a cost of its plan. At the
    // optimum it bought exactly what it uses beyond its share (each person bought costs at
    // least `LEAST_PRICE` and only relaxes that row).
    let mut stats = solved.stats.clone();
    for (cap, p) in &buy {
        let over = used.get(cap).copied().unwrap_or(0.0) - share.get(cap).copied().unwrap_or(0.0);
        stats.objective -= p.price * over.max(0.0);
    }
    Ok(Part {
        plan,
        share,
        coverage_counts,
        start: FlowStart::of(&model, &solved),
        stats,
        shortfall,
        used,
    })
}

/// How a group's model shares the province: its share of each limit and of each
/// province-wide rule, the rows held by price, and what it may buy.
fn group_coupling(
    members: &[usize],
    share: &BTreeMap<Capacity, f64>,
    split: &Split,
    coverage_counts: &BTreeMap<(Rule, i32), f64>,
    buy: &BTreeMap<Capacity, Purchase>,
) -> Coupling {
    let local_targets = split
        .local_targets
        .iter()
        .filter(|((_, _, u), _)| members.contains(u))
        .map(|(k, v)| (*k, *v))
        .collect();
    Coupling::Share {
        allocation: share.clone(),
        local_targets,
        coverage_counts: coverage_counts.clone(),
        priced: split.priced.clone(),
        group_changes: split.group_changes.clone(),
        buy: buy.clone(),
    }
}

/// Group g re-solved to price a target ([`crate::prices`]): with what the other groups'
/// plans leave of every shared limit, the row changed as asked, to an absolute gap of
/// [`crate::prices::ABS_GAP`].
pub(super) fn resolve_for_price(
    ctx: &Ctx,
    groups: &[Vec<usize>],
    split: &Split,
    parts: &Parts,
    g: usize,
    change: Option<TargetChange>,
    start: Option<&FlowStart>,
) -> crate::prices::Outcome {
    let part = &parts.parts[g];
    // The part's own shares: a minimum may have been raised for it (`repair_minimums`).
    let share = free_share(ctx, &part.share, &parts.parts, g);
    let coupling = group_coupling(&groups[g], &share, split, &part.coverage_counts, &no_buy());
    let mut model = ctx.build(Scope {
        units: groups[g].clone(),
        coupling,
        change,
    });
    model.start = Some(start.unwrap_or(&part.start).clone());
    super::solve_for_price(ctx, &mut model)
}

/// What the other groups leave of each limit (at least what group g uses now, since the
/// others' use is what was counted), and of a minimum group g's own share.
fn free_share(
    ctx: &Ctx,
    share: &BTreeMap<Capacity, f64>,
    parts: &[Part],
    g: usize,
) -> BTreeMap<Capacity, f64> {
    share
        .keys()
        .map(|&cap| {
            // A minimum stays split as it was: a retry is neither asked to make up for the
            // others' shortfall (its plan is judged on its own objective, which would not
            // show the province's smaller shortfall) nor let off by their surplus (which they
            // may drop, and no objective would price the shortfall left).
            if cap.is_minimum() {
                return (cap, share[&cap]);
            }
            let limit = cap.limit(ctx.spec).expect("limited");
            let others: f64 = (0..parts.len())
                .filter(|&h| h != g)
                .map(|h| parts[h].uses(&cap))
                .sum();
            let free = limit - others;
            let part = if cap.is_exact() {
                free
            } else {
                (free + 1e-9).floor()
            };
            (cap, part)
        })
        .collect()
}

/// A group's objective with its budget excess priced against `room` rather than against
/// the share it was solved with: what its plan would cost the province now that the
/// others' plans have changed. (Minimums need no such repricing: a group's room in a
/// minimum is always its own share.)
fn cost_with(ctx: &Ctx, part: &Part, room: &BTreeMap<Capacity, f64>) -> f64 {
    let penalty = crate::model::objective::Prices::of(ctx.spec).penalty;
    let excess = |share: &BTreeMap<Capacity, f64>| -> f64 {
        share
            .iter()
            .filter(|(cap, _)| cap.is_budget())
            .map(|(cap, &r)| (part.uses(cap) - r).max(0.0))
            .sum()
    };
    part.stats.objective + penalty * (excess(room) - excess(&part.share))
}

/// Whether the budget left to a group differs from what it was solved with.
fn budget_moved(solved_with: &BTreeMap<Capacity, f64>, room: &BTreeMap<Capacity, f64>) -> bool {
    room.iter()
        .filter(|(cap, _)| cap.is_budget())
        .any(|(cap, &r)| (solved_with.get(cap).copied().unwrap_or(0.0) - r).abs() > 1e-6)
}

/// Whether a plan's use keeps within each hard limit of `room`: every limit but a budget
/// (its excess is priced, see [`cost_with`]), a minimum (its shortfall is priced against
/// the group's own share) and a priced row (I2 held by the province: each group answers
/// its price alone, and the province's plan is evaluated on it as a whole).
fn fits(used: &BTreeMap<Capacity, f64>, room: &BTreeMap<Capacity, f64>, split: &Split) -> bool {
    room.iter()
        .filter(|(cap, _)| is_hard(split, cap))
        .all(|(cap, &limit)| used.get(cap).copied().unwrap_or(0.0) <= limit + 1e-6)
}

#[cfg(test)]
mod tests {
    use super::{exchange_candidates, in_turn, without_probing, How, Judged, PROBING_OFF};
    use crate::domain::config::HighsValue;
    use std::collections::BTreeMap;

    #[test]
    fn candidates_made_side_by_side_are_judged_as_one_after_the_other() {
        // Each candidate's value is its number plus ten per value kept so far, and it is
        // kept when that is a multiple of 3; judging stops once three are kept. A value made
        // on a stale state is another number, kept or dropped differently.
        let judged_on = |threads: usize| -> (Vec<(u64, u64)>, Vec<u64>) {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let mut kept: Vec<u64> = Vec::new();
            let mut seen = Vec::new();
            let make = |kept: &Vec<u64>, &c: &u64| c + 10 * kept.len() as u64;
            let mut judge = |kept: &mut Vec<u64>, &c: &u64, value: u64| {
                seen.push((c, value));
                if !value.is_multiple_of(3) {
                    return Judged::Unchanged;
                }
                kept.push(value);
                if kept.len() == 3 {
                    Judged::Done
                } else {
                    Judged::Changed
                }
            };
            let candidates: Vec<u64> = (1..=12).collect();
            in_turn(&pool, &mut kept, &candidates, make, &mut judge);
            (seen, kept)
        };
        let one = judged_on(1);
        // Worked by hand: 1 and 2 dropped, 3 kept; 4 → 14 dropped, 5 → 15 kept; 6 → 26
        // dropped, 7 → 27 kept, the third: done. (Made in fives without making again those
        // after a kept one, 5 would be made as 5 and dropped, and 27 never reached.)
        assert_eq!(
            one.0,
            vec![(1, 1), (2, 2), (3, 3), (4, 14), (5, 15), (6, 26), (7, 27)]
        );
        assert_eq!(one.1, vec![3, 15, 27]);
        for threads in [2, 3, 5] {
            assert_eq!(judged_on(threads), one, "{threads} threads");
        }
    }

    #[test]
    fn the_exchange_asks_first_what_whole_people_could_recover() {
        // Group 0 misses 2,530,000 of which its LP plan misses 2,506,000 (24,000 to recover);
        // group 1 misses 10,000 that its LP plan meets; group 2 only what its LP plan misses;
        // group 3 nothing; group 4 30,000 that its LP plan meets.
        let owed = [2_530_000.0, 10_000.0, 40_000.0, 0.0, 30_000.0];
        let lp_owed = [2_506_000.0, 0.0, 40_000.0, 0.0, 0.0];
        assert_eq!(exchange_candidates(&owed, &lp_owed, 16), vec![4, 0, 1]);
        assert_eq!(exchange_candidates(&owed, &lp_owed, 2), vec![4, 0]);
        // Less than half a million VND beyond the LP plan is left out; a tie goes to the
        // earlier group.
        let owed = [500.4, 1_000.0, 1_000.0];
        let lp_owed = [500.0, 0.0, 0.0];
        assert_eq!(exchange_candidates(&owed, &lp_owed, 16), vec![1, 2]);
        // Asked by priced cost (`Offer::FurthestFromPriced`), each group's `P_g − L_g` alone:
        // the sample's X27, X46 and X22 with I2 on, and a group at its least priced cost.
        let excess = [3_070.6, 0.0, 2_984.5, 1_008.7, 0.4];
        assert_eq!(exchange_candidates(&excess, &[0.0; 5], 16), vec![0, 2, 3]);
    }

    #[test]
    fn only_the_first_solves_are_made_without_probing() {
        assert!(How::first().first);
        assert!(How::first().start.is_none());
        assert!(!How::mip(None).first);
    }

    #[test]
    fn first_solves_turn_probing_off_unless_the_scenario_sets_it() {
        let mut highs = BTreeMap::new();
        without_probing(&mut highs);
        assert_eq!(
            highs,
            BTreeMap::from([("presolve_rule_off".to_string(), HighsValue::Int(1 << 15))])
        );
        assert_eq!(
            crate::solve::check_highs_option("presolve_rule_off", &HighsValue::Int(PROBING_OFF)),
            Ok(())
        );
        let mut set = BTreeMap::from([("presolve_rule_off".to_string(), HighsValue::Int(0))]);
        without_probing(&mut set);
        assert_eq!(
            set,
            BTreeMap::from([("presolve_rule_off".to_string(), HighsValue::Int(0))])
        );
    }
}
