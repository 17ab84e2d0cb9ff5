//! The objective, once: what every unit of every quantity costs, for the model (as an
//! expression over its columns) and for a finished plan (as numbers from its tables), so
//! that the plan's objective and the proven bound are on the same sum.
//!
//! `min Σ_t [ Σ_{u,c} salary(role)·S[u,c,t]            (salary, end-of-year head-count)
//!          + Σ_flows unit_cost·amount                  (hiring, promotion, training,
//!                                                        transfer, severance)
//!          + Σ_flows Σ_j unit_cost·ρ(j)·amount         (replacements in later years: hires,
//!                                                        trainings, promotions)
//!          + over_quota_cost·o[u,t] ]                  (allowed over-quota person-years)
//!      + Σ price(rule, year) · target shortfall + penalty · Σ weight · limit slacks
//!      + r5_weight · Σ R5 distances
//!      + margin price · Σ confidence margins not reached`     (PolicyConfig::margin_price)
//!
//! A flow's cost is booked to its kind's lever ([`crate::domain::FlowKind::lever`]), so a new
//! lever is a new flow kind with a unit cost, and both sides follow.

use super::{stocks::amount_expr, Model};
use crate::domain::{Cell, CostLine, Lever, Spec};
use good_lp::Expression;
use std::collections::BTreeMap;

/// The prices of the objective, read from the scenario.
#[derive(Debug, Clone, Copy)]
pub struct Prices {
    pub salary_staff: f64,
    pub salary_leader: f64,
    /// Per person-year above quota in years the unit may run over it.
    pub over_quota: f64,
    /// Per person short of a target, or per unit of a limit's slack.
    pub penalty: f64,
    /// Per person of R5 distance.
    pub r5_weight: f64,
}

impl Prices {
    pub fn of(spec: &Spec) -> Prices {
        let c = &spec.config;
        Prices {
            salary_staff: c.costs.salary_staff,
            salary_leader: c.costs.salary_leader,
            over_quota: c.staffing.over_quota_cost,
            penalty: c.policy.shortfall_penalty,
            r5_weight: c.policy.r5_weight,
        }
    }
    /// A year's salary of a person in `cell`.
    pub fn salary(&self, cell: &Cell) -> f64 {
        if cell.leader {
            self.salary_leader
        } else {
            self.salary_staff
        }
    }
}

/// How many shortfall penalties a person over the quota without allowance costs: more than
/// one, so that no plan takes a unit over its quota (biên chế) to lessen a target's
/// shortfall, at an equal price, by hiring beyond it. Other limits' slacks cost one.
pub const OVER_QUOTA_WEIGHT: f64 = 10.0;

/// The weight of a limit's slack in the objective, in shortfall penalties.
pub fn limit_weight(kind: super::RowKind) -> f64 {
    if kind == super::RowKind::Quota {
        OVER_QUOTA_WEIGHT
    } else {
        1.0
    }
}

/// Lever spending (everything but salaries) by year and unit, the quantity a budget cap
/// limits.
pub fn lever_spending(spec: &Spec, m: &Model) -> BTreeMap<(i32, usize), Expression> {
    let mut spend: BTreeMap<(i32, usize), Expression> = BTreeMap::new();
    for f in m.flows.iter().filter(|f| f.unit_cost > 0.0) {
        let amount = amount_expr(&f.amount);
        spend
            .entry((f.year, f.unit))
            .or_default()
            .add_mul(f.unit_cost, amount.clone());
        for &(y, r) in &f.replacements {
            spend
                .entry((y, f.unit))
                .or_default()
                .add_mul(f.unit_cost * r, amount.clone());
        }
    }
    let premium = Prices::of(spec).over_quota;
    if premium > 0.0 {
        for (&(u, t), &o) in &m.over_quota {
            spend.entry((t, u)).or_default().add_mul(premium, o);
        }
    }
    spend
}

/// The model's objective: what it priced so far (the couplings' prices), plus every cost and
/// penalty above.
pub fn add_objective(spec: &Spec, m: &mut Model) {
    let prices = Prices::of(spec);
    let mut objective = std::mem::take(&mut m.objective);
    for (&(_, c, _), &s) in &m.stock {
        objective.add_mul(prices.salary(&c), s);
    }
    for (_, spend) in lever_spending(spec, m) {
        objective += spend;
    }
    for t in &m.slacks {
        let price = crate::rules::intent::price(spec, t.rule, t.unit, t.year);
        objective.add_mul(price, t.slack);
    }
    for s in &m.other_slacks {
        objective.add_mul(prices.penalty * limit_weight(s.kind), s.slack);
    }
    for &d in &m.goal_distances {
        objective.add_mul(prices.r5_weight, d);
    }
    for &(_, s) in &m.margin_slacks {
        objective.add_mul(spec.config.policy.margin_price(), s);
    }
    m.objective = objective;
}

/// Costs by (year, unit, line), million VND.
pub type Costs = BTreeMap<(i32, usize, CostLine), f64>;

/// Books a flow of `count` people at `unit_cost` each to its line.
pub fn book_flow(costs: &mut Costs, year: i32, unit: usize, line: CostLine, cost: f64) {
    if cost > 0.0 {
        *costs.entry((year, unit, line)).or_default() += cost;
    }
}

/// Books the salaries of a plan's head-counts in the planned years.
pub fn book_salaries<'a>(
    spec: &Spec,
    costs: &mut Costs,
    stock: impl Iterator<Item = (&'a (i32, usize, Cell), &'a u32)>,
) {
    let prices = Prices::of(spec);
    for (&(t, u, cell), &n) in stock.filter(|((t, _, _), _)| *t > spec.base_year()) {
        *costs
            .entry((t, u, CostLine::of(Lever::Salary)))
            .or_default() += prices.salary(&cell) * n as f64;
    }
}

/// Books a unit's whole people over quota in year t.
pub fn book_over_quota(spec: &Spec, costs: &mut Costs, year: i32, unit: usize, people: f64) {
    let premium = Prices::of(spec).over_quota;
    if premium > 0.0 && people > 1e-6 {
        *costs
            .entry((year, unit, CostLine::of(Lever::OverQuota)))
            .or_default() += premium * people.round();
    }
}

/// The objective of a plan from its tables: its costs, the penalty on every person short
/// of a target and every unit of limit slack (`slack` already weighted, [`limit_weight`]),
/// and R5's priced distance. For a plan with
/// minimal slacks this is the model's objective, so the model's bound applies to it.
pub fn plan_objective(
    spec: &Spec,
    costs: &Costs,
    priced_shortfall: f64,
    slack: f64,
    r5: f64,
) -> f64 {
    let prices = Prices::of(spec);
    let total: f64 = costs.values().sum();
    total + priced_shortfall + prices.penalty * slack + prices.r5_weight * r5
}
