//! The objective: total cost over the planned years, in million VND.
//!
//! `min Σ_t [ Σ_{u,c} salary(role)·S[u,c,t]            (salary, end-of-year head-count)
//!          + Σ_flows unit_cost·amount                  (hiring, promotion, training,
//!                                                        transfer, severance)
//!          + over_quota_cost·o[u,t] ]                  (allowed over-quota person-years)
//!      + penalty · (Σ target shortfalls + Σ other slacks)
//!      + r5_weight · Σ R5 distances                    (added by policies::r5_structure)`

use super::{stocks::amount_expr, Model};
use crate::scenario::Spec;
use good_lp::Expression;
use std::collections::BTreeMap;

/// Yearly lever spending (everything but salaries), the quantity a budget cap limits.
pub fn lever_spending_by_year(spec: &Spec, m: &Model) -> BTreeMap<i32, Expression> {
    let mut by_year: BTreeMap<i32, Expression> = spec.plan_years().map(|t| (t, Expression::default())).collect();
    for f in m.flows.iter().filter(|f| f.unit_cost > 0.0) {
        by_year.get_mut(&f.year).expect("planned year").add_mul(f.unit_cost, amount_expr(&f.amount));
    }
    let premium = spec.config.staffing.over_quota_cost;
    if premium > 0.0 {
        for (&(_, t), &o) in &m.over_quota {
            by_year.get_mut(&t).expect("planned year").add_mul(premium, o);
        }
    }
    by_year
}

pub fn add_objective(spec: &Spec, m: &mut Model) {
    let costs = &spec.config.costs;
    let mut objective = std::mem::take(&mut m.objective);
    for (&(_, c, _), &s) in &m.stock {
        let salary = if c.leader { costs.salary_leader } else { costs.salary_staff };
        objective.add_mul(salary, s);
    }
    for (_, spend) in lever_spending_by_year(spec, m) {
        objective += spend;
    }
    let penalty = m.penalty(spec);
    for t in &m.slacks {
        objective.add_mul(penalty, t.slack);
    }
    for (_, _, _, s) in &m.other_slacks {
        objective.add_mul(penalty, *s);
    }
    m.objective = objective;
}
