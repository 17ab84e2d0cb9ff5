//! Finding the whole-person plan: directly, or by splitting the province into groups of
//! units that share nothing but capacities.
//!
//! HiGHS handles a few thousand integer columns well, but on the whole province (≈90,000
//! integer columns for the sample) its root rounding heuristics ran for minutes without
//! checking the time limit. Units interact only through a few shared capacities (channel
//! caps, training seats, the budget), through transfer routes, and through province-wide
//! rules. So:
//!
//! 1. **Groups.** Units joined by a transfer route form one group; every other unit is a
//!    group of its own. (Packing several units into one MIP was measured and is slower:
//!    HiGHS's root work grows faster than the model. On a generated 148-unit province,
//!    bins of 4, 8 and 16 units took 1.5×, 2.6× and 8.6× the time of single units.)
//! 2. **LP.** The LP relaxation of the whole-province model gives a lower bound on any
//!    whole-person plan's objective (R5 included), prices `y` on the shared rows, and each
//!    group's use of each shared capacity.
//! 3. **Split.** Each shared capacity is split between groups by what the LP plan uses:
//!    whole people rounded down, then the spare whole people to the largest remainders, so
//!    the parts never add up to more than the limit. Budget is split in money. A
//!    province-wide rule is split into unit shares that add up to it: for R6/R7 at provincial
//!    level, `EM leaders_u − rate·EM staff_u ≥ e_u` with `Σ e_u ≥ 0` (R6) or `≥ 0.2` (R7,
//!    enough for the rounded-up minimum), `e_u` being what unit u achieved in the LP; for R1
//!    and R4 totals, whole-person shares of the required head-count.
//! 4. **Solve.** Each group's model (same recipe, same prices, its share of each capacity)
//!    is solved as a MIP. A group left short of a target then gets what the other groups left
//!    unused and is solved once more. The plans add up to a plan of the whole province that
//!    respects every shared capacity; its objective is recomputed from its tables.
//! 5. **Bound.** The LP bound is raised by Lagrangian relaxation at the LP prices: a group's
//!    priced MIP bound replaces its priced LP value, for the groups whose whole-person
//!    answer differs from the LP (missed targets first, then the most fractional), only until
//!    the gap is within `solver.mip_rel_gap`. See [`lagrangian_bound`]. The gap is
//!    `(plan − bound) / plan`, always proven.

use crate::domain::Rule;
use crate::domain::Spec;
use crate::error::Result;
use crate::model::capacity::{capacity_terms, Capacity};
use crate::model::{Coupling, Scope, SharedRow};
use crate::plan::{self, Plan};
use crate::plan::{Issue, StaffingIssue};
use crate::recipe::build;
use crate::rounding::{apportion, Apportion};
use crate::solve::{solve, Mode, SolveStats};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::time::Instant;

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
    build_nanos: std::sync::atomic::AtomicU64,
    highs_nanos: std::sync::atomic::AtomicU64,
}

impl Clock {
    fn build(&self, spec: &Spec, scope: Scope) -> crate::model::Model {
        let t = Instant::now();
        let m = build(spec, scope);
        self.build_nanos.fetch_add(
            t.elapsed().as_nanos() as u64,
            std::sync::atomic::Ordering::Relaxed,
        );
        m
    }

    fn solve(
        &self,
        model: &mut crate::model::Model,
        settings: &crate::domain::config::SolverConfig,
        mode: Mode,
        verbose: bool,
    ) -> Result<crate::solve::Solved> {
        let solved = solve(model, settings, mode, verbose)?;
        self.highs_nanos.fetch_add(
            (solved.stats.seconds * 1e9) as u64,
            std::sync::atomic::Ordering::Relaxed,
        );
        Ok(solved)
    }

    fn seconds(&self) -> (f64, f64) {
        let get = |a: &std::sync::atomic::AtomicU64| {
            a.load(std::sync::atomic::Ordering::Relaxed) as f64 / 1e9
        };
        (get(&self.build_nanos), get(&self.highs_nanos))
    }
}

pub struct Outcome {
    pub plan: Plan,
    pub stats: SolveStats,
}

/// Progress lines for long runs.
pub type Progress<'a> = &'a dyn Fn(String);

pub fn find_plan(spec: &Spec, verbose: bool, progress: Progress) -> Result<Outcome> {
    let clock = Clock::default();
    let mut outcome = find_plan_timed(spec, verbose, progress, &clock)?;
    (outcome.stats.build_seconds, outcome.stats.highs_seconds) = clock.seconds();
    Ok(outcome)
}

fn find_plan_timed(
    spec: &Spec,
    verbose: bool,
    progress: Progress,
    clock: &Clock,
) -> Result<Outcome> {
    let settings = &spec.config.solver;
    let started = Instant::now();
    let groups = groups(spec);
    if groups.len() == 1 || std::env::var_os("BIENCHE_MONOLITHIC").is_some() {
        let mut model = clock.build(spec, Scope::all(spec));
        progress(format!(
            "model: {} columns ({} integer), {} rows",
            model.vars.len(),
            model.integer_columns,
            model.constraints.len()
        ));
        let solved = clock.solve(&mut model, settings, Mode::Mip, verbose)?;
        let plan = plan::extract(spec, &model, &solved);
        let mut stats = solved.stats;
        stats.seconds = started.elapsed().as_secs_f64();
        return Ok(Outcome { plan, stats });
    }

    // 2. The LP relaxation of the whole province: a bound, prices and each group's use.
    let mut whole = clock.build(spec, Scope::all(spec));
    let (columns, integer_columns, rows) = (
        whole.vars.len(),
        whole.integer_columns,
        whole.constraints.len(),
    );
    progress(format!(
        "model: {columns} columns ({integer_columns} integer), {rows} rows; {} groups of units",
        groups.len()
    ));
    let terms = capacity_terms(spec, &whole);
    let lp = clock.solve(&mut whole, settings, Mode::Relaxation, verbose)?;
    progress(format!(
        "LP bound {:.1} million VND in {:.1} s",
        lp.stats.objective, lp.stats.seconds
    ));

    // 3. Split each shared capacity by the LP's use.
    let group_of: Vec<usize> = {
        let mut g = vec![0; spec.units.len()];
        for (i, members) in groups.iter().enumerate() {
            for &u in members {
                g[u] = i;
            }
        }
        g
    };
    let mut lp_use: BTreeMap<Capacity, Vec<f64>> = BTreeMap::new();
    for (cap, by_unit) in &terms {
        let mut use_by_group = vec![0.0; groups.len()];
        for (u, e) in by_unit {
            use_by_group[group_of[*u]] += lp.eval(e);
        }
        lp_use.insert(*cap, use_by_group);
    }
    let mut shares: Vec<BTreeMap<Capacity, f64>> = vec![BTreeMap::new(); groups.len()];
    for (cap, used) in &lp_use {
        let limit = cap
            .limit(spec)
            .expect("terms exist only for limited capacities");
        for (g, part) in split(limit, used, matches!(cap, Capacity::Budget(_)))
            .into_iter()
            .enumerate()
        {
            shares[g].insert(*cap, part);
        }
    }
    let local_targets = local_targets(spec, &whole, &lp);
    let coverage_counts = coverage_counts(&whole, &lp, &group_of, groups.len());
    // 4. Solve each group.
    let mut parts: Vec<Part> = Vec::with_capacity(groups.len());
    let mut nodes = 0;
    let pool = crate::threads::pool(settings.threads as usize)?;
    let solved: Vec<Result<Part>> = pool.install(|| {
        groups
            .par_iter()
            .enumerate()
            .map(|(g, members)| {
                solve_group(
                    clock,
                    spec,
                    members,
                    shares[g].clone(),
                    &local_targets,
                    coverage_counts[g].clone(),
                    verbose,
                )
            })
            .collect()
    });
    for part in solved {
        let part = part?;
        nodes += part.stats.nodes;
        parts.push(part);
    }
    progress(format!(
        "{} groups solved ({:.1} s)",
        groups.len(),
        started.elapsed().as_secs_f64()
    ));
    // A group short of a target gets what the others left unused, and one more try.
    let short: Vec<usize> = (0..groups.len())
        .filter(|&g| parts[g].shortfall > 0.5)
        .collect();
    if !short.is_empty() {
        for &g in &short {
            let share = free_share(spec, &shares[g], &parts, g);
            let part = solve_group(
                clock,
                spec,
                &groups[g],
                share,
                &local_targets,
                coverage_counts[g].clone(),
                verbose,
            )?;
            if part.stats.objective < parts[g].stats.objective - 1e-6 {
                nodes += part.stats.nodes;
                parts[g] = part;
            }
        }
        progress(format!(
            "re-solved {} groups short of a target with spare capacity",
            short.len()
        ));
    }

    let mut coverage_counts = coverage_counts;
    let extra = repair_coverage(
        clock,
        spec,
        &groups,
        &shares,
        &local_targets,
        &mut coverage_counts,
        &lp_met(&whole, &lp, &group_of, groups.len()),
        &mut parts,
        verbose,
    )?;
    if extra > 0 {
        progress(format!(
            "coverage: {extra} more units asked to meet their full target"
        ));
    }

    // 5. Add up.
    let shortfalls: Vec<f64> = parts.iter().map(|p| p.shortfall).collect();
    let mut plan = Plan::merge(parts.into_iter().map(|p| p.plan).collect());
    budget_excess(spec, &mut plan);
    for (cap, over) in capacity_overruns(spec, &plan, terms.keys().copied()) {
        // Priced like a shortfall, so the gap shows it; it should never happen.
        let year = match cap {
            Capacity::Channel(k) | Capacity::ChannelKind(k, _) | Capacity::ChannelWomen(k) => {
                spec.channels[k].year
            }
            Capacity::TrainingSeats(t) | Capacity::Budget(t) => t,
        };
        plan.staffing_issues.push(StaffingIssue {
            issue: Issue::CapacityOverrun,
            detail: format!("{cap:?}"),
            unit: None,
            year,
            amount: over,
        });
    }
    let objective = objective_of(spec, &plan);

    // 6. The bound: the LP bound, raised group by group where whole people cost more.
    let fractional = fractional_flows(&whole, &lp, &group_of, groups.len());
    let bound = lagrangian_bound(
        clock,
        spec,
        &whole,
        &lp,
        &groups,
        Ordering {
            shortfall: &shortfalls,
            fractional: &fractional,
        },
        objective,
        verbose,
        progress,
    )?
    .map_or(lp.stats.objective, |b| b.max(lp.stats.objective));
    let mut stats = SolveStats {
        status: "optimal".into(),
        objective,
        bound,
        gap: 0.0,
        gap_million_vnd: 0.0,
        seconds: started.elapsed().as_secs_f64(),
        columns,
        integer_columns,
        rows,
        nodes,
        method: format!("decomposed ({} groups of units)", groups.len()),
        ..Default::default()
    };
    stats.set_gap(settings.mip_rel_gap);
    Ok(Outcome { plan, stats })
}

/// Which groups to solve as whole-person priced MIPs first: those whose plan misses a
/// target (their LP relaxation is off by whole penalties), then those with the most
/// fractional flows in the LP plan.
struct Ordering<'a> {
    shortfall: &'a [f64],
    fractional: &'a [usize],
}

/// LP flows that are not whole people, by group.
fn fractional_flows(
    whole: &crate::model::Model,
    lp: &crate::solve::Solved,
    group_of: &[usize],
    groups: usize,
) -> Vec<usize> {
    let mut out = vec![0; groups];
    for f in &whole.flows {
        if let crate::model::Amount::Var(v) = f.amount {
            let x = lp.value(v);
            if (x - x.round()).abs() > 1e-6 {
                out[group_of[f.unit]] += 1;
            }
        }
    }
    out
}

/// A lower bound on any whole-person plan, by Lagrangian relaxation of the shared rows at
/// the LP duals `y`: `Σ_g L_g + Σ y·b`, where `L_g` is the least priced cost of group g.
/// Any lower bound on each `L_g` gives a valid bound. Each group's priced LP gives one, and
/// with every group at its LP the sum is the LP bound (a check of signs, printed under
/// `BIENCHE_CHECK_LAGRANGIAN=1`). A group's priced MIP gives a better one: the bound rises
/// by `L_g^MIP − L_g^LP`, the part of the gap made of whole people in that group.
///
/// Priced MIPs are solved in batches, in [`Ordering`], only until the plan's gap is within
/// `solver.mip_rel_gap`: on the sample two groups carry 96% of the difference between the
/// LP and the whole-person bound, and most groups' priced MIP adds almost nothing.
/// Province-wide columns appear only in shared rows, so their part is `min d·x` with `d`
/// their LP reduced costs: zero when the duals are dual feasible, which is checked.
#[allow(clippy::too_many_arguments)]
fn lagrangian_bound(
    clock: &Clock,
    spec: &Spec,
    whole: &crate::model::Model,
    lp: &crate::solve::Solved,
    groups: &[Vec<usize>],
    ordering: Ordering,
    objective: f64,
    verbose: bool,
    progress: Progress,
) -> Result<Option<f64>> {
    for (v, free) in &whole.province_columns {
        let d = lp.reduced_cost(*v);
        if (*free && d.abs() > 1e-6) || (!*free && d < -1e-6) {
            progress(
                "LP duals are not dual feasible on province-wide columns; using the LP bound"
                    .into(),
            );
            return Ok(None);
        }
    }
    let settings = &spec.config.solver;
    let mut prices: BTreeMap<SharedRow, f64> = BTreeMap::new();
    let mut constant = 0.0;
    for (row, index) in &whole.shared_rows {
        let y = lp.row_duals[*index];
        constant += y * lp.row_values[*index];
        if *row != SharedRow::ProvinceOnly {
            *prices.entry(*row).or_default() += y;
        }
    }
    // A priced MIP's own gap is lost from the bound, and the priced costs are small
    // differences, so these are solved ten times tighter than the plan's tolerance.
    let mut priced_settings = settings.clone();
    priced_settings.mip_rel_gap /= 10.0;
    let pool = crate::threads::pool(settings.threads as usize)?;
    let priced = |members: &Vec<usize>, mode: Mode| -> Result<f64> {
        let scope = Scope {
            units: members.clone(),
            coupling: Coupling::Priced(prices.clone()),
        };
        let mut model = clock.build(spec, scope);
        clock
            .solve(&mut model, &priced_settings, mode, verbose)
            .map(|s| s.stats.bound)
    };
    // Σ_g L_g^LP + Σ y·b is the LP bound, so only the groups solved as MIPs need their LP.
    if std::env::var_os("BIENCHE_CHECK_LAGRANGIAN").is_some() {
        let relaxed: Vec<f64> = pool.install(|| {
            groups
                .par_iter()
                .map(|m| priced(m, Mode::Relaxation))
                .collect::<Result<Vec<f64>>>()
        })?;
        eprintln!(
            "check: Lagrangian with LP subproblems {:.3} vs LP bound {:.3}",
            constant + relaxed.iter().sum::<f64>(),
            lp.stats.objective
        );
    }
    let mut bound = lp.stats.objective;
    let within = |bound: f64| (objective - bound) <= settings.mip_rel_gap * objective.abs();
    let mut order: Vec<usize> = (0..groups.len())
        .filter(|&g| ordering.fractional[g] > 0 || ordering.shortfall[g] > 0.5)
        .collect();
    order.sort_by(|&a, &b| {
        (ordering.shortfall[b] > 0.5)
            .cmp(&(ordering.shortfall[a] > 0.5))
            .then(ordering.fractional[b].cmp(&ordering.fractional[a]))
            .then(a.cmp(&b))
    });
    let batch = 2 * settings.threads.max(1) as usize;
    let mut solved = 0;
    for chunk in order.chunks(batch) {
        if within(bound) {
            break;
        }
        let raised: Vec<f64> = pool.install(|| {
            chunk
                .par_iter()
                .map(|&g| -> Result<f64> {
                    let relaxed = priced(&groups[g], Mode::Relaxation)?;
                    Ok((priced(&groups[g], Mode::Mip)? - relaxed).max(0.0))
                })
                .collect::<Result<Vec<f64>>>()
        })?;
        bound += raised.iter().sum::<f64>();
        solved += chunk.len();
    }
    progress(format!(
        "bound {bound:.1} million VND: the LP's {:.1}, raised by the whole-person priced MIPs of {solved} of {} groups",
        lp.stats.objective,
        groups.len()
    ));
    Ok(Some(bound))
}

/// The objective of a whole-province plan, from its tables: costs, plus the shortfall
/// penalty on every missed target and staffing slack, plus R5's priced distance. For a plan
/// with minimal slacks this is the model's objective, so the LP bound applies to it.
pub fn objective_of(spec: &Spec, plan: &Plan) -> f64 {
    let targets = crate::evaluate::evaluate(spec, plan);
    let (_, _, shortfall) = crate::evaluate::tally(&targets);
    let staffing: f64 = plan.staffing_issues.iter().map(|i| i.amount).sum();
    let r5: f64 = crate::rules::r5_structure::distances(spec, plan)
        .values()
        .sum();
    crate::model::objective::plan_objective(spec, &plan.costs, shortfall as f64, staffing, r5)
}

/// Budget overruns are measured on the whole province, not on each group's share.
fn budget_excess(spec: &Spec, plan: &mut Plan) {
    plan.staffing_issues
        .retain(|i| i.issue != Issue::BudgetOverrun);
    let Some(cap) = spec.config.budget.cap_per_year else {
        return;
    };
    for t in spec.plan_years() {
        let spent = plan.lever_spending(t);
        if spent > cap + 1e-6 {
            plan.staffing_issues.push(StaffingIssue {
                issue: Issue::BudgetOverrun,
                detail: String::new(),
                unit: None,
                year: t,
                amount: spent - cap,
            });
        }
    }
}

/// Unit shares of the province-wide targets, from what each unit achieved in the LP plan.
fn local_targets(
    spec: &Spec,
    whole: &crate::model::Model,
    lp: &crate::solve::Solved,
) -> BTreeMap<(Rule, i32, usize), f64> {
    crate::model::targets::local_shares(whole, |u, y, who| {
        lp.eval(&whole.stock_sum(spec, u, y, |c| who.counts(spec.is_em(c), c)))
    })
}

/// The LP's coverage indicators summed by group: `(rule, year) → per group`.
fn lp_met(
    whole: &crate::model::Model,
    lp: &crate::solve::Solved,
    group_of: &[usize],
    groups: usize,
) -> BTreeMap<(Rule, i32), Vec<f64>> {
    let mut out: BTreeMap<(Rule, i32), Vec<f64>> = BTreeMap::new();
    for &(rule, year, u, v) in &whole.coverage_met {
        out.entry((rule, year)).or_insert_with(|| vec![0.0; groups])[group_of[u]] += lp.value(v);
    }
    out
}

/// Under the coverage roadmap, a count the groups fell short of is offered, one unit at a
/// time, to groups not yet asked (most promising in the LP first); a group takes it when
/// meeting one more full target costs less than the shortfall penalty. Returns how many
/// were taken.
#[allow(clippy::too_many_arguments)]
fn repair_coverage(
    clock: &Clock,
    spec: &Spec,
    groups: &[Vec<usize>],
    shares: &[BTreeMap<Capacity, f64>],
    local_targets: &BTreeMap<(Rule, i32, usize), f64>,
    counts: &mut [BTreeMap<(Rule, i32), f64>],
    lp_met: &BTreeMap<(Rule, i32), Vec<f64>>,
    parts: &mut [Part],
    verbose: bool,
) -> Result<usize> {
    if lp_met.is_empty() {
        return Ok(0);
    }
    let penalty = spec.config.policy.shortfall_penalty;
    let mut taken = 0;
    for (key, met) in lp_met {
        let plan = Plan::merge(parts.iter().map(|p| p.plan.clone()).collect());
        let rows = crate::evaluate::evaluate(spec, &plan);
        let Some(row) = rows
            .iter()
            .find(|r| r.unit == crate::evaluate::COVERAGE && r.rule == key.0 && r.year == key.1)
        else {
            continue;
        };
        let mut short = row.shortfall;
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
            let part = solve_group(
                clock,
                spec,
                &groups[g],
                free_share(spec, &shares[g], parts, g),
                local_targets,
                trial.clone(),
                verbose,
            )?;
            if part.stats.objective < parts[g].stats.objective + penalty - 1e-6 {
                counts[g] = trial;
                parts[g] = part;
                short -= 1;
                taken += 1;
            }
        }
    }
    Ok(taken)
}

/// Under the coverage roadmap: each group's share of every count of units that must meet
/// their full target, from the LP's indicators, in whole units adding up to the count.
fn coverage_counts(
    whole: &crate::model::Model,
    lp: &crate::solve::Solved,
    group_of: &[usize],
    groups: usize,
) -> Vec<BTreeMap<(Rule, i32), f64>> {
    let mut by_count: BTreeMap<(Rule, i32), (usize, Vec<f64>)> = BTreeMap::new();
    for &(rule, year, u, v) in &whole.coverage_met {
        let e = by_count
            .entry((rule, year))
            .or_insert((0, vec![0.0; groups]));
        e.0 += 1;
        e.1[group_of[u]] += lp.value(v);
    }
    let mut out = vec![BTreeMap::new(); groups];
    for (key, (_, met)) in by_count {
        // As many units as the LP plan had meet their full target, in whole units.
        let total = (met.iter().sum::<f64>() - 1e-6).ceil().max(0.0);
        for (g, k) in crate::model::targets::whole_shares(total, &met)
            .into_iter()
            .enumerate()
        {
            out[g].insert(key, k);
        }
    }
    out
}

fn solve_group(
    clock: &Clock,
    spec: &Spec,
    members: &[usize],
    share: BTreeMap<Capacity, f64>,
    local_targets: &BTreeMap<(Rule, i32, usize), f64>,
    coverage_counts: BTreeMap<(Rule, i32), f64>,
    verbose: bool,
) -> Result<Part> {
    let local_targets = local_targets
        .iter()
        .filter(|((_, _, u), _)| members.contains(u))
        .map(|(k, v)| (*k, *v))
        .collect();
    let coupling = Coupling::Share {
        allocation: share,
        local_targets,
        coverage_counts,
    };
    let mut model = clock.build(
        spec,
        Scope {
            units: members.to_vec(),
            coupling,
        },
    );
    // Each group to half the tolerance, so that the province's plan, which also loses a
    // little to the split, stays within it.
    let mut settings = spec.config.solver.clone();
    settings.mip_rel_gap /= 2.0;
    let solved = clock.solve(&mut model, &settings, Mode::Mip, verbose)?;
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
    let plan = plan::extract(spec, &model, &solved);
    let used = plan.capacity_use(spec);
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
    spec: &Spec,
    share: &BTreeMap<Capacity, f64>,
    parts: &[Part],
    g: usize,
) -> BTreeMap<Capacity, f64> {
    share
        .keys()
        .map(|&cap| {
            let limit = cap.limit(spec).expect("limited");
            let others: f64 = (0..parts.len())
                .filter(|&h| h != g)
                .map(|h| parts[h].used.get(&cap).copied().unwrap_or(0.0))
                .sum();
            let free = limit - others;
            (
                cap,
                if matches!(cap, Capacity::Budget(_)) {
                    free
                } else {
                    (free + 1e-9).floor()
                },
            )
        })
        .collect()
}

/// Shared limits the combined plan goes over (none, by construction; checked).
fn capacity_overruns(
    spec: &Spec,
    plan: &Plan,
    caps: impl Iterator<Item = Capacity>,
) -> Vec<(Capacity, f64)> {
    let used = plan.capacity_use(spec);
    caps.filter(|c| !matches!(c, Capacity::Budget(_)))
        .filter_map(|cap| {
            let over = used.get(&cap).copied().unwrap_or(0.0) - cap.limit(spec)?;
            (over > 1e-6).then_some((cap, over))
        })
        .collect()
}

/// A group's plan, what its model paid, its total shortfall and staffing slack, and what
/// it uses of each shared capacity (computed once per plan).
struct Part {
    plan: Plan,
    stats: SolveStats,
    shortfall: f64,
    used: BTreeMap<Capacity, f64>,
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
