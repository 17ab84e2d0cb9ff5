//! Step 5: a lower bound on any whole-person plan, by Lagrangian relaxation of the shared
//! rows at the LP duals `y`: `Σ_g L_g + Σ y·b`, where `L_g` is the least priced cost of group
//! g. Any lower bound on each `L_g` gives a valid bound. Each group's priced LP gives one, and
//! with every group at its LP the sum is the LP bound (a check of signs, printed with
//! `solver.check_bound = true`). A group's priced MIP gives a better one: the bound rises by
//! `L_g^MIP − L_g^LP`, the part of the gap made of whole people in that group.
//!
//! Priced MIPs are solved in order, the groups that miss most first (their LP relaxation
//! is off by whole penalties), then those with the most fractional LP flows, then the rest,
//! only until the plan's gap is within its tolerance ([`super::within`]): on the sample the four groups that miss most
//! carry 97% of the difference between the LP and the whole-person bound, and most groups'
//! priced MIP adds almost nothing. Province-wide columns appear only in shared rows, so their part is
//! `min d·x` with `d` their LP reduced costs: zero when the duals are dual feasible, which is
//! checked.

use super::split::Relaxation;
use super::Ctx;
use crate::error::Result;
use crate::machine::cores;
use crate::model::{Amount, Coupling, Scope, SharedRow};
use crate::solve::{FlowStart, Mode};
use rayon::prelude::*;
use std::collections::BTreeMap;

/// The LP bound, raised group by group where whole people cost more, in the order of
/// [`order`], by [`Raise::until`]; the LP bound alone when the duals are not dual feasible on
/// the province-wide columns.
pub(super) struct Raise<'a> {
    ctx: &'a Ctx<'a>,
    groups: &'a [Vec<usize>],
    starts: Vec<FlowStart>,
    prices: BTreeMap<SharedRow, f64>,
    lp_bound: f64,
    /// The groups in the order their priced MIPs are solved ([`order`]), and how many are.
    order: Vec<usize>,
    solved: usize,
    bound: f64,
    /// Each group's priced MIP bound `L_g`, as its solve ends (a solve past the prefix too:
    /// read only for the groups in it).
    least_priced: std::sync::Mutex<BTreeMap<usize, f64>>,
    seconds: f64,
    /// The Lagrangian's constant: `Σ y·b` over the shared rows and the province-wide
    /// columns' part (`lagrangian_constant` of the LP by blocks, else `Σ y·(row activity)`).
    constant: f64,
    /// Whether the LP's duals are dual feasible on the province-wide columns (else the bound
    /// is the LP's and nothing is priced).
    feasible: bool,
}

impl<'a> Raise<'a> {
    pub fn new(
        ctx: &'a Ctx<'a>,
        r: &Relaxation,
        groups: &'a [Vec<usize>],
        shortfalls: &[f64],
        starts: Vec<FlowStart>,
    ) -> Result<Raise<'a>> {
        let lp_bound = r.lp.stats.objective;
        let feasible = dual_feasible(r);
        if !feasible {
            (ctx.progress)(
                "LP duals are not dual feasible on province-wide columns; using the LP bound"
                    .into(),
            );
        }
        let (prices, constant) = prices(r);
        let raise = Raise {
            ctx,
            groups,
            starts,
            prices,
            lp_bound,
            order: if feasible {
                order(r, groups.len(), shortfalls)
            } else {
                Vec::new()
            },
            solved: 0,
            bound: lp_bound,
            least_priced: Default::default(),
            seconds: 0.0,
            constant,
            feasible,
        };
        if feasible && ctx.spec.config.solver.check_bound {
            // Σ_g L_g^LP + Σ y·b is the LP bound.
            let pool = crate::threads::pool(ctx.spec.config.solver.threads as usize)?;
            let relaxed: Vec<f64> = pool.install(|| {
                groups
                    .par_iter()
                    .map(|m| raise.priced(m, Mode::Relaxation, None))
                    .collect::<Result<Vec<f64>>>()
            })?;
            crate::errln!(
                "check: Lagrangian with LP subproblems {:.3} vs LP bound {:.3}",
                constant + relaxed.iter().sum::<f64>(),
                lp_bound
            );
        }
        Ok(raise)
    }

    /// A group's least priced cost (its model's bound), as an LP or a MIP.
    fn priced(&self, members: &[usize], mode: Mode, start: Option<&FlowStart>) -> Result<f64> {
        self.priced_both(members, mode, start)
            .map(|(_, bound)| bound)
    }

    /// A group's priced cost, as (objective found, bound).
    fn priced_both(
        &self,
        members: &[usize],
        mode: Mode,
        start: Option<&FlowStart>,
    ) -> Result<(f64, f64)> {
        // A priced MIP's own gap is lost from the bound, and the priced costs are small
        // differences, so these are solved ten times tighter than the plan's tolerance.
        let mut settings = self.ctx.spec.config.solver.clone();
        settings.mip_rel_gap = self.ctx.tolerance() / 10.0;
        let scope = Scope {
            units: members.to_vec(),
            coupling: Coupling::Priced(self.prices.clone()),
            change: None,
        };
        let mut model = self.ctx.build(scope);
        model.start = start.cloned();
        self.ctx
            .solve(&mut model, &settings, mode)
            .map(|s| (s.stats.objective, s.stats.bound))
    }

    /// With `solver.check_bound`: where the gap of a plan lies, group by group. The plan's
    /// objective is `Σ_g P_g + y·b + y·(A x − b)`, with `P_g` the priced cost of group g's
    /// plan; the bound is `Σ_g L_g + y·b`. So the gap is `Σ_g (P_g − L_g)` (each group's plan
    /// against its priced MIP's bound) plus the shared rows' slack at their prices.
    pub fn diagnose(&self, objective: f64, plans: &[FlowStart]) -> Result<()> {
        if !self.feasible {
            return Ok(());
        }
        let pool = crate::threads::pool(self.ctx.spec.config.solver.threads as usize)?;
        let solved: Vec<Result<(f64, f64, f64, f64)>> = pool.install(|| {
            (0..self.groups.len())
                .into_par_iter()
                .map(|g| -> Result<(f64, f64, f64, f64)> {
                    let members = &self.groups[g];
                    let relaxed = self.priced(members, Mode::Relaxation, None)?;
                    let (found, whole) = self.priced_both(members, Mode::Mip, Some(&plans[g]))?;
                    let fixed = self.plan_priced(g, &plans[g])?;
                    Ok((relaxed, whole, found, fixed))
                })
                .collect()
        });
        // A diagnostic: a failed solve is said, not fatal.
        let mut rows = Vec::with_capacity(solved.len());
        for (g, r) in solved.into_iter().enumerate() {
            match r {
                Ok(r) => rows.push(r),
                Err(e) => {
                    crate::errln!("gap check left out: group {g}: {e}");
                    return Ok(());
                }
            }
        }
        let constant = self.constant;
        let plans_priced: f64 = rows.iter().map(|r| r.3).sum();
        let bound: f64 = rows.iter().map(|r| r.1).sum::<f64>() + constant;
        crate::errln!(
            "gap check: objective {objective:.1}, Σ P_g + y·b {:.1} (shared rows' slack {:.1}), Σ L_g + y·b {bound:.1}",
            plans_priced + constant,
            objective - plans_priced - constant
        );
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.sort_by(|&a, &b| (rows[b].3 - rows[b].1).total_cmp(&(rows[a].3 - rows[a].1)));
        for g in order.into_iter().take(25) {
            let (relaxed, whole, found, fixed) = rows[g];
            let names: Vec<&str> = self.groups[g]
                .iter()
                .map(|&u| self.ctx.spec.units[u].id.as_str())
                .collect();
            crate::errln!(
                "gap check: {:<12} plan−bound {:>10.1}  plan−best {:>10.1}  best−bound {:>8.1}  MIP−LP {:>10.1}",
                names.join("+"),
                fixed - whole,
                fixed - found,
                found - whole,
                whole - relaxed
            );
        }
        Ok(())
    }

    /// Raises the bound along [`order`] until the gap of a plan costing `objective` is within
    /// its tolerance ([`super::within`]), every group is solved, or (with `most`) that many
    /// groups are; a failed solve in that prefix ends it with its error. The bound is that of
    /// the shortest proving prefix, so it does not depend on the thread count (barring a
    /// priced MIP cut short by `solver.time_limit_seconds`): see [`run`]. A group's plan is
    /// feasible in its priced model (which drops the shared rows), so its priced MIP starts
    /// from it.
    pub fn until(&mut self, objective: f64, most: Option<usize>) -> Result<f64> {
        let started = std::time::Instant::now();
        let most = most.unwrap_or(self.order.len()).min(self.order.len());
        let workers = (self.ctx.spec.config.solver.threads as usize).clamp(1, cores());
        let proven = |bound: f64| super::within(self.ctx, objective, bound);
        let solve = |position: usize| self.raise_of(self.order[position]);
        let reached = run(
            Prefix::at(self.solved, self.bound),
            most,
            workers,
            &proven,
            &solve,
        );
        self.seconds += started.elapsed().as_secs_f64();
        self.solved = reached.solved;
        self.bound = reached.bound;
        match reached.failed {
            Some(e) => Err(e),
            None => Ok(self.bound.max(self.lp_bound)),
        }
    }

    /// How much whole people raise group g's part of the bound: its priced MIP's bound less
    /// its priced LP's.
    fn raise_of(&self, g: usize) -> Result<f64> {
        let relaxed = self.priced(&self.groups[g], Mode::Relaxation, None)?;
        let whole = self.priced(&self.groups[g], Mode::Mip, Some(&self.starts[g]))?;
        self.least_priced
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(g, whole);
        Ok((whole - relaxed).max(0.0))
    }

    /// Whether the LP's duals are dual feasible, so that groups are priced at all.
    pub fn feasible(&self) -> bool {
        self.feasible
    }

    /// A group's plan priced at the LP's duals: its priced model with the plan's flows fixed
    /// (the rest, such as its required counts, follows them).
    fn plan_priced(&self, g: usize, plan: &FlowStart) -> Result<f64> {
        self.priced_both(&self.groups[g], Mode::Fixed, Some(plan))
            .map(|(found, _)| found)
    }

    /// How far each group's plan is from its least priced cost, `P_g − L_g` (see
    /// [`Raise::diagnose`]), for the groups whose priced MIP is in the bound (0 for the
    /// others): `P_g` is the group's plan priced at the LP's duals ([`Raise::plan_priced`]).
    /// Summed with the shared rows' slack it is about the plan's gap (the bound adds no
    /// group's MIP below its LP), so the groups with the largest are those whose plans keep
    /// it open.
    pub fn excess(&self, plans: &[FlowStart]) -> Result<Vec<f64>> {
        let least = self
            .least_priced
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let in_bound: Vec<(usize, f64)> = self.order[..self.solved]
            .iter()
            .filter_map(|&g| Some((g, *least.get(&g)?)))
            .collect();
        let pool = crate::threads::pool(self.ctx.spec.config.solver.threads as usize)?;
        let priced: Vec<Result<(usize, f64)>> = pool.install(|| {
            in_bound
                .par_iter()
                .map(|&(g, bound)| Ok((g, self.plan_priced(g, &plans[g])? - bound)))
                .collect()
        });
        let mut out = vec![0.0; self.groups.len()];
        for r in priced {
            let (g, excess) = r?;
            out[g] = excess;
        }
        Ok(out)
    }

    pub fn report(&self) {
        (self.ctx.progress)(format!(
            "bound {:.1} million VND: the LP's {:.1}, raised by the whole-person priced MIPs of {} of {} groups ({:.1} s)",
            self.bound.max(self.lp_bound),
            self.lp_bound,
            self.solved,
            self.groups.len(),
            self.seconds
        ));
    }
}

/// The bound's prefix of the order: how many positions are added to it, the bound so far,
/// and the solves that ended past it, by position.
struct Prefix {
    solved: usize,
    bound: f64,
    /// The next position to hand out.
    next: usize,
    done: BTreeMap<usize, Result<f64>>,
    /// The first failed solve inside the prefix: it ends the call.
    failed: Option<crate::error::Error>,
}

impl Prefix {
    fn at(solved: usize, bound: f64) -> Prefix {
        Prefix {
            solved,
            bound,
            next: solved,
            done: BTreeMap::new(),
            failed: None,
        }
    }

    /// Whether to hand out no more positions: proven, failed, or the prefix at `most`.
    fn finished(&self, most: usize, proven: &dyn Fn(f64) -> bool) -> bool {
        self.failed.is_some() || self.solved >= most || proven(self.bound)
    }

    /// Adds the solves that follow the prefix, one position at a time, until it is
    /// finished or the next position has not ended yet.
    fn advance(&mut self, most: usize, proven: &dyn Fn(f64) -> bool) {
        while !self.finished(most, proven) {
            match self.done.remove(&self.solved) {
                None => return,
                Some(Ok(raised)) => {
                    self.bound += raised;
                    self.solved += 1;
                }
                Some(Err(e)) => self.failed = Some(e),
            }
        }
    }
}

/// Solves positions `start.solved..most` of the order on `workers` threads, each taking the
/// next position as soon as it is free, until the prefix is finished ([`Prefix::finished`]).
/// Positions are handed out and added in order, so the prefix reached, and with it the
/// bound, is the same for any number of workers and any order in which solves end (a batch
/// of `threads` at a time, before, left one core idle behind a long priced MIP). A solve
/// past the prefix that is still running when the prefix is finished is waited for and
/// dropped; a solve that panics counts as failed.
fn run(
    start: Prefix,
    most: usize,
    workers: usize,
    proven: &(dyn Fn(f64) -> bool + Sync),
    solve: &(dyn Fn(usize) -> Result<f64> + Sync),
) -> Prefix {
    if start.finished(most, proven) {
        return start;
    }
    let workers = workers.clamp(1, most - start.solved);
    let state = std::sync::Mutex::new(start);
    // The lock is held only around bookkeeping that cannot panic.
    let lock = || state.lock().unwrap_or_else(|e| e.into_inner());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let position = {
                    let mut p = lock();
                    if p.finished(most, proven) || p.next >= most {
                        return;
                    }
                    p.next += 1;
                    p.next - 1
                };
                let raised =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| solve(position)))
                        .unwrap_or_else(|_| {
                            Err(crate::error::Error::Solver(
                                "a priced MIP of the bound stopped unexpectedly".into(),
                            ))
                        });
                let mut p = lock();
                p.done.insert(position, raised);
                p.advance(most, proven);
            });
        }
    });
    state.into_inner().unwrap_or_else(|e| e.into_inner())
}

fn dual_feasible(r: &Relaxation) -> bool {
    r.whole.province_columns.iter().all(|(v, free)| {
        let d = r.lp.reduced_cost(*v);
        !((*free && d.abs() > 1e-6) || (!*free && d < -1e-6))
    })
}

/// The LP dual of every shared row, and `Σ y·b`, the constant of the Lagrangian.
fn prices(r: &Relaxation) -> (BTreeMap<SharedRow, f64>, f64) {
    let mut prices: BTreeMap<SharedRow, f64> = BTreeMap::new();
    let mut constant = 0.0;
    for (row, index) in &r.whole.shared_rows {
        let y = r.lp.row_duals[*index];
        constant += y * r.lp.row_values[*index];
        if *row != SharedRow::ProvinceOnly {
            *prices.entry(*row).or_default() += y;
        }
    }
    (prices, r.lp.lagrangian_constant.unwrap_or(constant))
}

/// Every group, in the order their priced MIPs are worth solving: those that miss the most
/// (their LP is off by whole penalties), then those with the most fractional LP flows, then
/// the rest. A group whose LP flows are all whole can still gain: its other whole-person
/// columns (a required count `⌈c·B⌉`, R6's clause) may be fractional in the LP. (Left out
/// before, the sample at `confidence = 0.9` stopped at a bound 10,192 million VND below the
/// one with every group's priced MIP.)
fn order(r: &Relaxation, groups: usize, shortfalls: &[f64]) -> Vec<usize> {
    let fractional = fractional_flows(r, groups);
    let worth = |g: usize| fractional[g] > 0 || shortfalls[g] > 0.5;
    let mut order: Vec<usize> = (0..groups).collect();
    order.sort_by(|&a, &b| {
        let people = |g: usize| shortfalls[g].round().max(0.0) as u64;
        worth(b)
            .cmp(&worth(a))
            .then(people(b).cmp(&people(a)))
            .then(fractional[b].cmp(&fractional[a]))
            .then(a.cmp(&b))
    });
    order
}

/// LP flows that are not whole people, by group.
fn fractional_flows(r: &Relaxation, groups: usize) -> Vec<usize> {
    let mut out = vec![0; groups];
    for f in &r.whole.flows {
        if let Amount::Var(v) = f.amount {
            let x = r.lp.value(v);
            if (x - x.round()).abs() > 1e-6 {
                out[r.group_of[f.unit]] += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{run, Prefix};
    use crate::error::{Error, Result};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    /// Proven once the bound reaches 110.
    fn proven(bound: f64) -> bool {
        bound >= 110.0
    }

    /// Runs `raises` (an error where `None`) on `workers` threads, the later positions
    /// ending first, and counts the solves of each position.
    fn solved_with(
        raises: &[Option<f64>],
        start: Prefix,
        most: usize,
        workers: usize,
    ) -> (Prefix, Vec<usize>) {
        let calls: Vec<AtomicUsize> = raises.iter().map(|_| AtomicUsize::new(0)).collect();
        let solve = |at: usize| -> Result<f64> {
            calls[at].fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(5 * (raises.len() - at) as u64));
            raises[at].ok_or_else(|| Error::Solver(format!("position {at}")))
        };
        let reached = run(start, most, workers, &proven, &solve);
        (
            reached,
            calls.iter().map(|c| c.load(Ordering::SeqCst)).collect(),
        )
    }

    #[test]
    fn the_bound_is_the_shortest_proving_prefix_for_any_number_of_workers() {
        // 4, 0, 7 proves at the third position (111); the fifth and sixth are never needed.
        let raises = [
            Some(4.0),
            Some(0.0),
            Some(7.0),
            Some(5.0),
            Some(9.0),
            Some(1.0),
        ];
        for workers in [1, 2, 3, 8] {
            let (reached, calls) = solved_with(&raises, Prefix::at(0, 100.0), 6, workers);
            assert_eq!(
                (reached.solved, reached.bound),
                (3, 111.0),
                "{workers} workers"
            );
            assert!(reached.failed.is_none());
            assert!(
                calls.iter().all(|&c| c <= 1),
                "{workers} workers: {calls:?}"
            );
            assert_eq!(&calls[..3], &[1, 1, 1]);
            if workers == 1 {
                // One at a time, nothing past the proof is started.
                assert_eq!(&calls[3..], &[0, 0, 0]);
            }
        }
        // `most` stops it short of the proof; a prefix already proven solves nothing.
        let (capped, calls) = solved_with(&raises, Prefix::at(0, 100.0), 2, 2);
        assert_eq!((capped.solved, capped.bound), (2, 104.0));
        assert_eq!(calls, [1, 1, 0, 0, 0, 0]);
        let (again, calls) = solved_with(&raises, Prefix::at(3, 111.0), 6, 2);
        assert_eq!((again.solved, again.bound), (3, 111.0));
        assert_eq!(calls, [0; 6]);
    }

    #[test]
    fn a_failed_solve_counts_only_inside_the_prefix() {
        // Past the proof (position 1, after 20 proves at 0): never returned.
        for workers in [1, 2, 3] {
            let (past, _) = solved_with(&[Some(20.0), None], Prefix::at(0, 100.0), 2, workers);
            assert!(past.failed.is_none(), "{workers} workers");
            assert_eq!((past.solved, past.bound), (1, 120.0));
        }
        // Inside it: returned whatever ends first, and nothing after it is added.
        for workers in [1, 2, 3] {
            let (inside, _) = solved_with(
                &[Some(1.0), None, Some(20.0)],
                Prefix::at(0, 100.0),
                3,
                workers,
            );
            assert_eq!(
                (inside.solved, inside.bound),
                (1, 101.0),
                "{workers} workers"
            );
            assert!(matches!(inside.failed, Some(Error::Solver(ref m)) if m == "position 1"));
        }
    }

    #[test]
    fn a_panicking_solve_is_a_failed_one() {
        let solve = |at: usize| -> Result<f64> {
            if at == 1 {
                panic!("a solver bug");
            }
            Ok(1.0)
        };
        let reached = run(Prefix::at(0, 100.0), 4, 2, &proven, &solve);
        assert_eq!(reached.solved, 1);
        assert!(
            matches!(reached.failed, Some(Error::Solver(ref m)) if m.contains("stopped unexpectedly"))
        );
    }
}
