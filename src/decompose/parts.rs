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
use crate::solve::{Mode, SolveStats};
use rayon::prelude::*;
use std::collections::BTreeMap;

/// A group's plan, what its model paid, its total shortfall and staffing slack, and what
/// it uses of each shared capacity (computed once per plan).
pub(super) struct Part {
    pub plan: Plan,
    pub stats: SolveStats,
    pub shortfall: f64,
    pub used: BTreeMap<Capacity, f64>,
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
                solve_group(ctx, members, split.shares[g].clone(), split, counts)
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

/// A group short of a target gets what the others left unused, and one more try.
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
    for &g in &short {
        let share = free_share(ctx, &split.shares[g], &parts.parts, g);
        let counts = split.coverage_counts[g].clone();
        let part = solve_group(ctx, &groups[g], share, split, counts)?;
        if part.stats.objective < parts.parts[g].stats.objective - 1e-6 {
            parts.nodes += part.stats.nodes;
            parts.parts[g] = part;
        }
    }
    (ctx.progress)(format!(
        "re-solved {} groups short of a target with spare capacity",
        short.len()
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
            let part = solve_group(ctx, &groups[g], share, split, trial.clone())?;
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
            (cap, part)
        })
        .collect()
}
