//! The objective: total cost over the planned years, in million VND.
//!
//! `min Σ_t [ Σ_{u,c} salary(role)·S[u,c,t]            (salary, end-of-year head-count)
//!          + Σ_flows unit_cost·amount                  (hiring, promotion, training,
//!                                                        transfer, severance)
//!          + over_quota_cost·o[u,t] ]                  (allowed over-quota person-years)
//!      + penalty · (Σ target shortfalls + Σ other slacks)
//!      + r5_weight · Σ R5 distances                    (added by policies::r5_structure)`

use super::{stocks::amount_expr, Model};
use crate::domain::Spec;
use good_lp::Expression;
use std::collections::BTreeMap;

/// Lever spending (everything but salaries) by year and unit, the quantity a budget cap
/// limits.
pub fn lever_spending(spec: &Spec, m: &Model) -> BTreeMap<(i32, usize), Expression> {
    let mut spend: BTreeMap<(i32, usize), Expression> = BTreeMap::new();
    for f in m.flows.iter().filter(|f| f.unit_cost > 0.0) {
        spend
            .entry((f.year, f.unit))
            .or_default()
            .add_mul(f.unit_cost, amount_expr(&f.amount));
    }
    let premium = spec.config.staffing.over_quota_cost;
    if premium > 0.0 {
        for (&(u, t), &o) in &m.over_quota {
            spend.entry((t, u)).or_default().add_mul(premium, o);
        }
    }
    spend
}

pub fn add_objective(spec: &Spec, m: &mut Model) {
    let costs = &spec.config.costs;
    let mut objective = std::mem::take(&mut m.objective);
    for (&(_, c, _), &s) in &m.stock {
        let salary = if c.leader {
            costs.salary_leader
        } else {
            costs.salary_staff
        };
        objective.add_mul(salary, s);
    }
    for (_, spend) in lever_spending(spec, m) {
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
