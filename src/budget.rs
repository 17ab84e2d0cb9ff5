//! What a plan costs, as a budget officer reads it (issue 13): the salaries of the base-year
//! staff if nobody is let go, the part of the objective the plan controls and the proven
//! gap as a share of it, what the
//! plan costs over doing nothing, and its cost by administrative level and kind of unit.
//! Computed once per plan ([`Account::of`]); `summary.json`, `cost_vs_no_plan.csv` and the
//! console read it.
//!
//! # The split of the objective
//! `objective = fixed + plan-dependent`, where
//! - **fixed** is the salaries of the base-year staff if nobody is let go:
//!   `Σ_{t>base} Σ_{u,c} salary(c)·(staff[u,c] − Σ_{y≤t} (R[u,c,y] + A[u,c,y]))`, with `R` the
//!   retirements of `retirements.csv` and `A` the base workforce's expected attrition, each
//!   person at the salary of the cell they hold in the base year. It depends on the data
//!   alone: a constant of the scenario. The plan changes what is actually paid only by
//!   streamlining exits (each saves its person's salary for the rest of the horizon,
//!   reported apart as `exit_salary_savings`) and promotions (a raise);
//! - **plan-dependent** is the rest of the objective: salaries of hires, promotions' raises,
//!   less exits' savings, every lever's spending (its money part), and the priced shortfalls
//!   (targets, milestones, intent rows, staffing slack, R5's distance): prices of missed
//!   rules in the objective's units, not money.
//!
//! The fixed part is a constant, so the bound minus it bounds the plan-dependent part: the
//! gap in million VND is the same number. It is reported as a share of the plan-dependent
//! part and of its money part. The bound limits the objective (money and priced shortfalls
//! together), so the second is the objective's proven gap set against the plan's money, not a
//! bound on money alone: a better plan could save more money by missing more targets.
//!
//! # The extra cost of the plan
//! The plan's costs against the no-plan forecast's ([`crate::forecast`]) of the same
//! scenario, by year and lever: the forecast pays its staff's salaries, its promotions at
//! `costs.promotion`, its hires at the least price of the channels open to them
//! ([`crate::forecast::no_plan_hire_cost`]) and the over-quota premium in the years its units
//! may run over quota.

use crate::domain::{Lever, Spec, UnitKind};
use crate::model::objective::Prices;
use crate::plan::Plan;
use std::collections::BTreeMap;

/// A plan's costs, split and compared (million VND).
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    /// Salaries of the base-year staff if nobody is let go: a constant of the scenario.
    pub fixed: f64,
    /// Every cost line of the plan (money).
    pub costs: f64,
    /// The plan's objective: its costs plus priced shortfalls.
    pub objective: f64,
    /// `objective − fixed`.
    pub plan_dependent: f64,
    /// Proven gap, million VND (plan less bound).
    pub gap_million_vnd: f64,
    /// Salaries the plan's streamlining exits save over the rest of the horizon, each at the
    /// salary of the post its person leaves.
    pub exit_salary_savings: f64,
    /// By (year, lever): the plan's cost and the no-plan forecast's.
    pub by_year_lever: BTreeMap<(i32, Lever), (f64, f64)>,
    /// The plan's cost by administrative level and by kind of unit.
    pub by_level: BTreeMap<Level, f64>,
    pub by_kind: BTreeMap<UnitKind, f64>,
}

pub use crate::domain::Level;

impl Account {
    /// The account of `plan`, solved to `objective` with a gap of `gap_million_vnd`, against
    /// the no-plan forecast's plan.
    pub fn of(
        spec: &Spec,
        plan: &Plan,
        objective: f64,
        gap_million_vnd: f64,
        no_plan: &Plan,
    ) -> Account {
        let mut by_year_lever: BTreeMap<(i32, Lever), (f64, f64)> = BTreeMap::new();
        for ((t, _, line), c) in &plan.costs {
            by_year_lever.entry((*t, line.lever)).or_default().0 += c;
        }
        for ((t, _, line), c) in &no_plan.costs {
            by_year_lever.entry((*t, line.lever)).or_default().1 += c;
        }
        let mut by_level: BTreeMap<Level, f64> = BTreeMap::new();
        let mut by_kind: BTreeMap<UnitKind, f64> = BTreeMap::new();
        for ((_, u, _), c) in &plan.costs {
            let kind = spec.units[*u].kind;
            *by_level.entry(Level::of(kind)).or_default() += c;
            *by_kind.entry(kind).or_default() += c;
        }
        let fixed = fixed_salaries(spec);
        let prices = Prices::of(spec);
        let exit_salary_savings = plan
            .flows
            .iter()
            .filter(|(k, _)| k.kind == crate::domain::FlowKind::Exit)
            .map(|(k, (n, _))| {
                // Out of the stock from the end of the exit's year to the horizon.
                let years = (spec.horizon() - k.year + 1) as f64;
                prices.salary(&k.cell) * *n as f64 * years
            })
            .sum::<f64>()
            + 0.0; // an empty sum is -0.0, printed "-0.0"

        Account {
            fixed,
            costs: plan.costs.values().sum(),
            objective,
            plan_dependent: objective - fixed,
            gap_million_vnd,
            exit_salary_savings,
            by_year_lever,
            by_level,
            by_kind,
        }
    }

    /// The no-plan forecast's costs.
    pub fn no_plan(&self) -> f64 {
        self.by_year_lever.values().map(|(_, n)| n).sum()
    }

    /// What the plan costs over the no-plan forecast.
    pub fn extra(&self) -> f64 {
        self.costs - self.no_plan()
    }

    /// The priced shortfalls in the objective: `objective − costs`.
    pub fn priced_shortfalls(&self) -> f64 {
        self.objective - self.costs
    }

    /// The money part of the plan-dependent part: `costs − fixed`.
    pub fn plan_dependent_money(&self) -> f64 {
        self.costs - self.fixed
    }

    /// The proven gap as a share of the plan-dependent part, and of its money part; `None`
    /// where that part is not positive (a plan that saves more than it spends), as a share of
    /// it would mean nothing.
    pub fn gap_of_plan_dependent(&self) -> Option<f64> {
        share(self.gap_million_vnd, self.plan_dependent)
    }
    pub fn gap_of_plan_dependent_money(&self) -> Option<f64> {
        share(self.gap_million_vnd, self.plan_dependent_money())
    }

    /// The extra cost summed by `key` of (year, lever).
    pub fn extra_by<K: Ord>(&self, key: impl Fn(i32, Lever) -> K) -> BTreeMap<K, f64> {
        let mut out = BTreeMap::new();
        for (&(t, lever), (p, n)) in &self.by_year_lever {
            *out.entry(key(t, lever)).or_default() += p - n;
        }
        out
    }
}

fn share(gap: f64, of: f64) -> Option<f64> {
    (of > 1e-6).then(|| gap / of)
}

/// Salaries of the base staff if nobody is let go (module docs).
pub fn fixed_salaries(spec: &Spec) -> f64 {
    let prices = Prices::of(spec);
    let attrition = spec.base_leavers();
    let mut total = 0.0;
    for (&(u, c), &count) in &spec.staff {
        let mut left = count as f64;
        for t in spec.plan_years() {
            let retire = spec.retirements.get(&(u, c, t)).copied().unwrap_or(0);
            let leave = attrition.get(&(u, c, t)).copied().unwrap_or(0);
            left -= (retire + leave) as f64;
            total += prices.salary(&c) * left.max(0.0);
        }
    }
    total
}

/// The least raise of every budget cap (`budget.cap_per_year`, `budget.csv`) under which
/// some plan keeps them all: the least `z` over the whole province's LP relaxation with
/// every cap's excess at most `z`, every other cost and shortfall left free (a plan may miss
/// any target to save money). Spending is forced only by the hard rows (people over a quota
/// cost their premium or their severance), so a plan that goes over a cap asks this. A
/// lower bound: whole people may need more. `None` without caps.
pub fn least_raise(spec: &Spec, verbose: bool) -> crate::error::Result<Option<f64>> {
    use crate::model::{RowKind, RowMeta, Scope};
    if spec.budget_caps().is_empty() {
        return Ok(None);
    }
    let mut m = crate::recipe::build(spec, Scope::all(spec));
    let z = m.continuous();
    let excess: Vec<(i32, good_lp::Variable)> = m
        .other_slacks
        .iter()
        .filter(|s| s.kind == RowKind::Budget)
        .map(|s| (s.year, s.slack))
        .collect();
    for (year, e) in excess {
        let row = (good_lp::Expression::from(e) - z).leq(0.0);
        m.add_row(row, RowMeta::new(RowKind::Budget, None, year));
    }
    m.objective = z.into();
    let solved = crate::solve::solve(
        &mut m,
        &spec.config.solver,
        crate::solve::Mode::Relaxation,
        verbose,
    )?;
    Ok(Some(solved.value(z).max(0.0)))
}
