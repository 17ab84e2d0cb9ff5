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
    /// Solves beyond `solved` in the order, by position, kept for a later call.
    done: BTreeMap<usize, Result<f64>>,
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
            done: BTreeMap::new(),
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
                    let (fixed, _) = self.priced_both(members, Mode::Fixed, Some(&plans[g]))?;
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
    /// groups are. The bound is always that of the shortest such prefix of the order, so it
    /// does not depend on the thread count or on which solve ends first; `solver.threads`
    /// workers each take the next group as soon as they are free (solved in batches, a long
    /// priced MIP left the other thread idle: on the sample [1, 76] took 1.3 s of the
    /// bound's 2.1 s). A solve beyond the prefix, still running when it proves the plan, is
    /// waited for and kept for a later call. A group's plan is feasible in its priced model
    /// (which drops the shared rows), so its priced MIP starts from it.
    pub fn until(&mut self, objective: f64, most: Option<usize>) -> Result<f64> {
        let started = std::time::Instant::now();
        let most = most.unwrap_or(self.order.len()).min(self.order.len());
        let workers = (self.ctx.spec.config.solver.threads.max(1) as usize).min(most.max(1));
        let state = std::sync::Mutex::new(Prefix {
            solved: self.solved,
            bound: self.bound,
            next: self.solved,
            done: std::mem::take(&mut self.done),
            failed: None,
        });
        let within = |p: &Prefix| super::within(self.ctx, objective, p.bound);
        let this = &*self;
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| loop {
                    let g = {
                        let mut p = state.lock().unwrap_or_else(|e| e.into_inner());
                        // Skip what an earlier call solved beyond its prefix.
                        while p.next < most && p.done.contains_key(&p.next) {
                            p.next += 1;
                        }
                        if p.failed.is_some() || within(&p) || p.next >= most {
                            return;
                        }
                        p.next += 1;
                        p.next - 1
                    };
                    let raised = this.raise_of(this.order[g]);
                    let mut p = state.lock().unwrap_or_else(|e| e.into_inner());
                    p.done.insert(g, raised);
                    p.advance(most, &within);
                });
            }
        });
        let mut p = state.into_inner().unwrap_or_else(|e| e.into_inner());
        // Solves another call left beyond its prefix may be all this one needs.
        p.advance(most, &within);
        self.seconds += started.elapsed().as_secs_f64();
        if let Some(e) = p.failed.take() {
            return Err(e);
        }
        self.solved = p.solved;
        self.bound = p.bound;
        self.done = p.done;
        Ok(self.bound.max(self.lp_bound))
    }

    /// How much whole people raise group g's part of the bound: its priced MIP's bound less
    /// its priced LP's.
    fn raise_of(&self, g: usize) -> Result<f64> {
        let relaxed = self.priced(&self.groups[g], Mode::Relaxation, None)?;
        let whole = self.priced(&self.groups[g], Mode::Mip, Some(&self.starts[g]))?;
        Ok((whole - relaxed).max(0.0))
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

/// [`Raise::until`]'s shared state: the prefix of the order added to the bound, and the
/// solves done, in the order's positions.
struct Prefix {
    solved: usize,
    bound: f64,
    /// The next position to hand out.
    next: usize,
    done: BTreeMap<usize, Result<f64>>,
    /// The first failed solve within the prefix: it ends the call.
    failed: Option<crate::error::Error>,
}

impl Prefix {
    /// Adds the solved positions that follow the prefix, one at a time, until the plan is
    /// proven or `most` are added.
    fn advance(&mut self, most: usize, within: &impl Fn(&Prefix) -> bool) {
        while self.failed.is_none() && self.solved < most && !within(self) {
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
    use super::Prefix;
    use crate::error::Error;
    use std::collections::BTreeMap;

    fn prefix() -> Prefix {
        Prefix {
            solved: 0,
            bound: 100.0,
            next: 0,
            done: BTreeMap::new(),
            failed: None,
        }
    }

    /// Proven once the bound reaches 110.
    fn proven(p: &Prefix) -> bool {
        p.bound >= 110.0
    }

    #[test]
    fn the_bound_is_the_shortest_proving_prefix_whatever_the_order_solves_end() {
        let raises = [4.0, 0.0, 7.0, 5.0, 9.0];
        // In order, one at a time: 4, 0, 7 proves at the third position (111).
        let mut in_order = prefix();
        for (i, r) in raises.iter().enumerate() {
            in_order.done.insert(i, Ok(*r));
            in_order.advance(raises.len(), &proven);
        }
        assert_eq!((in_order.solved, in_order.bound), (3, 111.0));
        // The last positions end first: the same prefix, what lies past it kept.
        let mut reversed = prefix();
        for i in (0..raises.len()).rev() {
            reversed.done.insert(i, Ok(raises[i]));
            reversed.advance(raises.len(), &proven);
        }
        assert_eq!((reversed.solved, reversed.bound), (3, 111.0));
        assert_eq!(reversed.done.len(), 2);
        // `most` stops it short of the proof.
        let mut capped = prefix();
        for (i, r) in raises.iter().enumerate() {
            capped.done.insert(i, Ok(*r));
        }
        capped.advance(2, &proven);
        assert_eq!((capped.solved, capped.bound), (2, 104.0));
    }

    #[test]
    fn a_failed_solve_counts_only_inside_the_prefix() {
        let mut past = prefix();
        past.done.insert(0, Ok(20.0));
        past.done
            .insert(1, Err(Error::Solver("past the proof".into())));
        past.advance(2, &proven);
        assert!(past.failed.is_none());
        assert_eq!((past.solved, past.bound), (1, 120.0));
        let mut inside = prefix();
        inside.done.insert(0, Err(Error::Solver("inside".into())));
        inside.done.insert(1, Ok(20.0));
        inside.advance(2, &proven);
        assert_eq!(inside.solved, 0);
        assert!(matches!(inside.failed, Some(Error::Solver(ref m)) if m == "inside"));
    }
}
