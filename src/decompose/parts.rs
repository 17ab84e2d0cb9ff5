//! Step 4: each group's plan, as a MIP of its units with its share of every shared limit;
//! the retries that give a group what the others left unused; and, under the coverage
//! roadmap, asking more groups to meet full targets while it pays.

use super::split::{Relaxation, Split};
use super::Ctx;
use crate::domain::Rule;
use crate::error::Result;
use crate::model::capacity::Capacity;
use crate::model::{Coupling, Scope};
use crate::plan::{self, Plan};
use crate::solve::{FlowStart, Mode, SolveStats};
use rayon::prelude::*;
use std::collections::BTreeMap;

/// A group's plan, what its model paid, its total shortfall and staffing slack, and what
/// it uses of each shared capacity (computed once per plan).
pub(super) struct Part {
    pub plan: Plan,
    pub stats: SolveStats,
    pub shortfall: f64,
    pub used: BTreeMap<Capacity, f64>,
    /// Its decision flows, to start the group's later MIPs from.
    pub start: FlowStart,
}

/// Every group's part, in group order, and the branch-and-bound nodes they took.
pub(super) struct Parts {
    pub parts: Vec<Part>,
    pub nodes: i64,
}

/// Solves every group with its share, `solver.threads` at a time.
pub(super) fn solve_all(ctx: &Ctx, groups: &[Vec<usize>], split: &Split) -> Result<Parts> {
    let pool = crate::threads::pool(ctx.spec.config.solver.threads as usize)?;
    let solved: Vec<Result<Part>> = pool.install(|| {
        groups
            .par_iter()
            .enumerate()
            .map(|(g, members)| {
                let counts = split.coverage_counts[g].clone();
                solve_group(ctx, members, split.shares[g].clone(), split, counts, None)
            })
            .collect()
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

/// A group short of a target gets what the others left unused, and another try, started
/// from its plan; the new plan replaces the old when it costs less.
///
/// All short groups are retried side by side, each with what the others leave (of a
/// minimum, no more than its own share: a retry is judged on the group's objective, which
/// would not show the province's smaller shortfall). Their new plans are then taken in group
/// order, and one that costs less is kept if, against what the groups before it now leave,
/// it fits every hard limit and goes no further over a budget or under a minimum than it
/// did against what it was solved with (so no two plans spend the same spare budget, and
/// the penalties its objective counted are still the ones it pays). The plans not kept
/// are retried again, side by side, with what is then left, in further rounds until none
/// is left: each round keeps or settles at least its first group, whose room has not
/// changed since it was solved. The rounds do not depend on the number of threads, so
/// neither does the plan. (Retrying in pairs, one pair after the other, took about twice
/// as long on the sample for the same objective: each pair waits for its slower group.)
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
        let tried: Vec<Result<(BTreeMap<Capacity, f64>, Part)>> = {
            let parts = &*parts;
            pool.install(|| {
                pending
                    .par_iter()
                    .map(|&g| {
                        let share = free_share(ctx, &split.shares[g], &parts.parts, g);
                        let counts = split.coverage_counts[g].clone();
                        let start = parts.parts[g].start.clone();
                        let part = solve_group(
                            ctx,
                            &groups[g],
                            share.clone(),
                            split,
                            counts,
                            Some(start),
                        )?;
                        Ok((share, part))
                    })
                    .collect()
            })
        };
        let mut again = Vec::new();
        for (&g, tried) in pending.iter().zip(tried) {
            let (solved_with, part) = tried?;
            if part.stats.objective >= parts.parts[g].stats.objective - 1e-6 {
                continue;
            }
            let share = free_share(ctx, &split.shares[g], &parts.parts, g);
            if fits(&part.used, &share, &solved_with, split) {
                parts.nodes += part.stats.nodes;
                parts.parts[g] = part;
                improved += 1;
            } else {
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
    let mut counts = split.coverage_counts.clone();
    let penalty = ctx.spec.config.policy.shortfall_penalty;
    let mut taken = 0;
    for (key, met) in &lp_met {
        let Some(mut short) = coverage_shortfall(ctx, &parts.parts, *key) else {
            continue;
        };
        let mut candidates: Vec<usize> = (0..groups.len())
            .filter(|&g| counts[g].get(key).copied().unwrap_or(0.0) < 0.5)
            .collect();
        candidates.sort_by(|&a, &b| met[b].total_cmp(&met[a]).then(a.cmp(&b)));
        for g in candidates {
            if short == 0 {
                break;
            }
            let mut trial = counts[g].clone();
            trial.insert(*key, 1.0);
            let share = free_share(ctx, &split.shares[g], &parts.parts, g);
            let start = parts.parts[g].start.clone();
            let part = solve_group(ctx, &groups[g], share, split, trial.clone(), Some(start))?;
            if part.stats.objective < parts.parts[g].stats.objective + penalty - 1e-6 {
                counts[g] = trial;
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

fn solve_group(
    ctx: &Ctx,
    members: &[usize],
    share: BTreeMap<Capacity, f64>,
    split: &Split,
    coverage_counts: BTreeMap<(Rule, i32), f64>,
    start: Option<FlowStart>,
) -> Result<Part> {
    let local_targets = split
        .local_targets
        .iter()
        .filter(|((_, _, u), _)| members.contains(u))
        .map(|(k, v)| (*k, *v))
        .collect();
    let coupling = Coupling::Share {
        allocation: share,
        local_targets,
        coverage_counts,
        priced: split.priced.clone(),
    };
    let mut model = ctx.build(Scope {
        units: members.to_vec(),
        coupling,
    });
    model.start = start;
    // Each group to half the tolerance, so that the province's plan, which also loses a
    // little to the split, stays within it.
    let mut settings = ctx.spec.config.solver.clone();
    settings.mip_rel_gap /= 2.0;
    let solved = ctx.solve(&mut model, &settings, Mode::Mip)?;
    // Target shortfalls and staffing slacks alike: both cost the penalty.
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
    Ok(Part {
        plan,
        start: FlowStart::of(&model, &solved),
        stats: solved.stats,
        shortfall,
        used,
    })
}

/// Everything the other groups leave of each limit (at least what group g uses now, since
/// the others' use is what was counted).
fn free_share(
    ctx: &Ctx,
    share: &BTreeMap<Capacity, f64>,
    parts: &[Part],
    g: usize,
) -> BTreeMap<Capacity, f64> {
    share
        .keys()
        .map(|&cap| {
            let limit = cap.limit(ctx.spec).expect("limited");
            let others: f64 = (0..parts.len())
                .filter(|&h| h != g)
                .map(|h| parts[h].used.get(&cap).copied().unwrap_or(0.0))
                .sum();
            let free = limit - others;
            let part = if cap.is_exact() {
                free
            } else {
                (free + 1e-9).floor()
            };
            // A minimum the others fall short of stays theirs: a retry is not asked to make
            // up for them (its plan is judged on its own objective, which would not show
            // the province's smaller shortfall).
            let part = if cap.is_minimum() {
                part.min(share[&cap])
            } else {
                part
            };
            (cap, part)
        })
        .collect()
}

/// Whether a retried plan can be kept against the share `now` left to it: within every
/// hard limit, and no further over a budget or under a minimum than against the share it
/// was solved with (its objective priced those). Priced rows (I2 held by the province) have
/// no share: each group answers their price alone, and the province's plan is evaluated
/// on them as a whole.
fn fits(
    used: &BTreeMap<Capacity, f64>,
    now: &BTreeMap<Capacity, f64>,
    solved_with: &BTreeMap<Capacity, f64>,
    split: &Split,
) -> bool {
    now.iter()
        .filter(|(cap, _)| !split.priced.contains_key(cap))
        .all(|(cap, &room)| {
            let use_ = used.get(cap).copied().unwrap_or(0.0);
            let then = solved_with.get(cap).copied().unwrap_or(0.0);
            if cap.is_minimum() {
                (room - use_).max(0.0) <= (then - use_).max(0.0) + 1e-6
            } else if matches!(cap, Capacity::Budget(_)) {
                (use_ - room).max(0.0) <= (use_ - then).max(0.0) + 1e-6
            } else {
                use_ <= room + 1e-6
            }
        })
}
