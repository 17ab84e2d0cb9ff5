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
//! - leaders kept (`staffing.keep_leaders`): `Σ_{c leader} S[t] + g[t] ≥ min(leader_posts,
//!   L_u)`, `L_u` the unit's leaders in the reference year, the gap `g` priced at the
//!   shortfall penalty and reported as a staffing issue: no plan saves a leader's allowance
//!   by leaving a post empty that was held, whether its leader retires, leaves, steps down
//!   or is let go;
//! - step-downs at the end of a leader's term (`staffing.leader_term_years = T`):
//!   `Σ_c d[u,c,t] ≤ n_u(t)`, `n_u(t)` the terms of the unit's staying leaders ending in
//!   year t ([`super::stocks::terms_ending`]), and `Σ_c d[u,c,t] ≤ Σ_c p[u,c,t]`: as many
//!   promotions in the unit that year (only the leader floor makes them fill the posts the
//!   leaders left rather than posts free anyway);
//! - streamlining exits: `Σ_{τ≤t} Σ_c e[τ] ≤ A_u(t)`, the unit's allowance under
//!   `staffing.exits` ([`super::stocks::exit_allowance`]), and the EM exits so far
//!   `≤ ⌈s·A_u(t)⌉`, `s` the EM share of the unit's base-year staff who may be let go
//!   (leaders only under `quota-cuts` with `exit_leaders`). EM people raise what R4 and
//!   R6–R8 ask, so without the cap the cheapest plan lets them go first. The others are not
//!   capped: the decision asks to keep and raise the number of EM staff, and a cap on both
//!   forced EM exits wherever the plan let Kinh staff go. A cap by share of the exits made
//!   (`x ≤ s·(x + y) + 0.999`) was tighter and cost the sample a sixth of its time
//!   (docs/model.md, assumption 3).

use super::{FlowKind, LimitSlack, Model, RowKind, RowMeta};
use crate::domain::{Exits, Spec};
use good_lp::Expression;
use std::collections::BTreeMap;

pub fn add(spec: &Spec, m: &mut Model) {
    // Each unit-year's exits, those of EM people ([1]) and of the others ([0]) apart; its
    // step-downs, and its promotions (the posts they free go to).
    let mut exits: BTreeMap<(usize, i32), [Expression; 2]> = BTreeMap::new();
    let mut step_downs: BTreeMap<(usize, i32), Expression> = BTreeMap::new();
    let mut promotions: BTreeMap<(usize, i32), Expression> = BTreeMap::new();
    for f in &m.flows {
        let key = (f.unit, f.year);
        let amount = || super::stocks::amount_expr(&f.amount);
        match f.kind {
            FlowKind::Exit => {
                exits.entry(key).or_default()[usize::from(spec.is_em(&f.cell))] += amount()
            }
            FlowKind::StepDown => *step_downs.entry(key).or_default() += amount(),
            FlowKind::Promote => *promotions.entry(key).or_default() += amount(),
            _ => {}
        }
    }
    for u in m.scope.units.clone() {
        let unit = spec.units[u].clone();
        let mut exits_so_far = [Expression::default(), Expression::default()];
        let em_share = exit_em_share(spec, u);
        let leaders_kept = if spec.config.staffing.keep_leaders {
            leader_floor(spec, u) as f64
        } else {
            0.0
        };
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
                priced_floor(m, RowKind::MinFill, u, t, head, floor);
            }
            let leaders = m.stock_sum(spec, u, t, |c| c.leader);
            let posts = unit.leader_posts as f64;
            m.add_row(
                leaders.clone().leq(posts),
                RowMeta::new(RowKind::LeaderPosts, Some(u), t).limit(posts),
            );
            if leaders_kept > 0.0 {
                priced_floor(m, RowKind::LeaderFloor, u, t, leaders, leaders_kept);
            }
            if let Some(now) = step_downs.remove(&(u, t)) {
                let ending = f64::from(super::stocks::terms_ending(spec, u, t));
                m.add_row(
                    now.clone().leq(ending),
                    RowMeta::new(RowKind::StepDown, Some(u), t)
                        .limit(ending)
                        .with("terms"),
                );
                let promoted = promotions.remove(&(u, t)).unwrap_or_default();
                m.add_row(
                    (now - promoted).leq(0.0),
                    RowMeta::new(RowKind::StepDown, Some(u), t).with("promotions"),
                );
            }
            if let Some([other, em]) = exits.remove(&(u, t)) {
                exits_so_far[0] += other;
                exits_so_far[1] += em;
                let allowance = super::stocks::exit_allowance(spec, u, t) as f64;
                m.add_row(
                    (exits_so_far[0].clone() + exits_so_far[1].clone()).leq(allowance),
                    RowMeta::new(RowKind::ExitAllowance, Some(u), t).limit(allowance),
                );
                // The EM people at most their share of the people the unit may let go, rounded
                // up (with one exit to make, an EM person may go: whole people leave no fairer
                // choice).
                let most = (em_share * allowance - 1e-9).ceil().max(0.0);
                m.add_row(
                    exits_so_far[1].clone().leq(most),
                    RowMeta::new(RowKind::ExitAllowance, Some(u), t)
                        .limit(most)
                        .with("EM"),
                );
            }
        }
    }
}

/// `counted + gap ≥ floor` for unit u in year t, the gap a limit slack of `kind` (priced and
/// reported as a staffing issue).
fn priced_floor(m: &mut Model, kind: RowKind, u: usize, t: i32, counted: Expression, floor: f64) {
    let gap = m.continuous();
    m.other_slacks.push(LimitSlack {
        kind,
        unit: Some(u),
        year: t,
        slack: gap,
    });
    m.add_row(
        (counted + gap).geq(floor),
        RowMeta::new(kind, Some(u), t).limit(floor),
    );
}

/// The least number of leaders unit u keeps under `staffing.keep_leaders`: its leaders in
/// the reference year, at most its posts.
pub fn leader_floor(spec: &Spec, u: usize) -> u32 {
    let held: u32 = spec
        .reference_staff_of(u)
        .filter(|(c, _)| c.leader)
        .map(|(_, n)| n)
        .sum();
    held.min(spec.units[u].leader_posts)
}

/// The EM share of unit u's base-year staff whom streamlining exits may let go: those who
/// are not leaders, and the leaders too under `quota-cuts` with `exit_leaders`.
fn exit_em_share(spec: &Spec, u: usize) -> f64 {
    let staffing = &spec.config.staffing;
    let leaders_may_go = staffing.exits == Exits::QuotaCuts && staffing.exit_leaders;
    let (mut em, mut all) = (0u32, 0u32);
    for (c, n) in spec
        .staff_of(u)
        .filter(|(c, _)| !c.leader || leaders_may_go)
    {
        all += n;
        if spec.is_em(&c) {
            em += n;
        }
    }
    if all == 0 {
        0.0
    } else {
        f64::from(em) / f64::from(all)
    }
}
