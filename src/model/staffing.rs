//! Staffing limits, per unit and planned year:
//! - quota: `Σ_c S ≤ quota[t] + o[t]`, where the over-quota head-count `o` costs
//!   `staffing.over_quota_cost` per person-year up to the unit's `over_quota_until` year and
//!   the shortfall penalty after it;
//! - floor (I3): `Σ_c S + f[t] ≥ round(fill_u · quota[t])` (rounded as `policy.rounding`
//!   says), `fill_u` the unit's base-year fill rate capped at 100% and at least
//!   `staffing.min_fill` (or `min_fill` alone with `intent.keep_base_fill = false`, see
//!   [`crate::rules::intent::fill_rate`]), the gap `f` priced at the shortfall
//!   penalty so that a unit that cannot be staffed is reported, not declared infeasible;
//! - leader posts: `Σ_{c leader} S ≤ leader_posts`;
//! - streamlining exits: `Σ_{τ≤t} Σ_c e[τ] ≤` base excess over quota + quota cuts to t.

use super::{FlowKind, LimitSlack, Model, RowKind, RowMeta};
use crate::domain::Spec;
use good_lp::Expression;
use std::collections::BTreeMap;

pub fn add(spec: &Spec, m: &mut Model) {
    let mut exits: BTreeMap<(usize, i32), Expression> = BTreeMap::new();
    for f in m.flows.iter().filter(|f| f.kind == FlowKind::Exit) {
        *exits.entry((f.unit, f.year)).or_default() += super::stocks::amount_expr(&f.amount);
    }
    for u in m.scope.units.clone() {
        let unit = spec.units[u].clone();
        let mut exits_so_far = Expression::default();
        for t in spec.plan_years() {
            let quota = spec.quota(u, t) as f64;
            let head = m.stock_sum(spec, u, t, |_| true);
            let over = m.continuous();
            if unit.over_quota_until.is_some_and(|last| t <= last) {
                m.over_quota.insert((u, t), over);
            } else {
                m.other_slacks.push(LimitSlack {
                    kind: RowKind::Quota,
                    unit: Some(u),
                    year: t,
                    slack: over,
                });
            }
            m.add_row(
                (head.clone() - over).leq(quota),
                RowMeta::new(RowKind::Quota, Some(u), t).limit(quota),
            );
            let floor = crate::rules::intent::staffing_floor(spec, u, t) as f64;
            if floor > 0.0 {
                let gap = m.continuous();
                m.other_slacks.push(LimitSlack {
                    kind: RowKind::MinFill,
                    unit: Some(u),
                    year: t,
                    slack: gap,
                });
                m.add_row(
                    (head + gap).geq(floor),
                    RowMeta::new(RowKind::MinFill, Some(u), t),
                );
            }
            let leaders = m.stock_sum(spec, u, t, |c| c.leader);
            let posts = unit.leader_posts as f64;
            m.add_row(
                leaders.leq(posts),
                RowMeta::new(RowKind::LeaderPosts, Some(u), t).limit(posts),
            );
            if let Some(e) = exits.remove(&(u, t)) {
                exits_so_far += e;
                let allowance = super::stocks::exit_allowance(spec, u, t) as f64;
                m.add_row(
                    exits_so_far.clone().leq(allowance),
                    RowMeta::new(RowKind::ExitAllowance, Some(u), t).limit(allowance),
                );
            }
        }
    }
}
