//! Capacities shared across units. Each is a `≤` row over per-unit terms:
//! - channel-year `k`: `Σ_{u,g,s} h ≤ ⌊(1−P)·max_hires[k]⌋`, and per unit kind
//!   `≤ ⌊(1−P)·kind_caps[k]⌋`, since each net hire takes `1/(1−P)` recruitments; `P` is
//!   [`crate::domain::Spec::channel_leaving_probability`] over the units the row
//!   concerns, one value per row so that every row stays whole (the replacements of hires
//!   who leave after their first years are costed but not counted here, see
//!   [`crate::domain::Spec::hire_capacity_use`]);
//! - women from channel-year `k`: `Σ_{u,g} h[..,F,..] ≤ ⌊women_share[k] · (1−P)·max_hires[k]⌋`
//!   (the candidate pool holds at most that many women; no cap when hires are unlimited);
//! - training seats: `Σ r[t] ≤ seats_per_year`; promotion seats: `Σ p[t] ≤
//!   promotion.seats_per_year`, so that no year carries a wave of either;
//! - I4, nominated graduates placed: `Σ_{u,g,s} h[k] + shortfall ≥ ⌊(1−P)·min_hires[k]⌋`, the
//!   one `≥` row, its shortfall priced at `intent.penalty` (see [`crate::rules::intent`]);
//! - budget: lever spending of year t by the units of a scope (all, or one administrative
//!   level) `≤ cap[t, scope] + b[t, scope]` (`budget.cap_per_year`, `budget.csv`), the
//!   excess `b` priced at the shortfall penalty per million VND so a binding cap is
//!   reported, never infeasible.
//!
//! Transfer routes have their own caps; a route's two ends are always in the same scope.
//!
//! Keeping the per-unit terms lets [`crate::decompose`] split each capacity between groups
//! of units by what the LP relaxation uses, so that their plans add up within it.

use super::{
    objective, stocks::amount_expr, Coupling, FlowKind, LimitSlack, Model, RowKind, RowMeta,
    SharedRow, TargetSlack,
};
use crate::domain::{BudgetScope, Rule, Spec, UnitKind};
use good_lp::Expression;
use std::collections::BTreeMap;

/// A capacity shared by units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Capacity {
    Channel(usize),
    ChannelKind(usize, UnitKind),
    ChannelWomen(usize),
    /// I4: a channel's graduates who must be offered posts, a `≥` row.
    ChannelMin(usize),
    /// I2 held by the province: on the plan basis `Σ_u (E_u − s_u·H_u) ≥ −tolerance` in a
    /// year, `≥ 0` over the horizon (`None`), a `≥` row.
    /// On the forecast basis, `Σ_u E_u ≥ required` up to a year (its EM hires priced, not
    /// split: a split of the EM hires asked between groups by the LP's use cost the sample
    /// a 1.5% gap against 0.3%).
    HiringShare(Option<i32>),
    TrainingSeats(i32),
    PromotionSeats(i32),
    /// Lever spending of a year by the units of a scope.
    Budget(i32, BudgetScope),
}

impl Capacity {
    /// The scenario's limit.
    pub fn limit(self, spec: &Spec) -> Option<f64> {
        let net = |k: usize, kind: Option<UnitKind>| {
            let kinds = kind.map_or(spec.channels[k].kinds.clone(), |kind| vec![kind]);
            1.0 - spec.channel_leaving_probability(&kinds)
        };
        match self {
            Capacity::Channel(k) => spec.channels[k]
                .max_hires
                .map(|m| (m as f64 * net(k, None) + 1e-9).floor()),
            Capacity::ChannelKind(k, kind) => spec.channels[k]
                .kind_caps
                .get(&kind)
                .map(|&m| (m as f64 * net(k, Some(kind)) + 1e-9).floor()),
            Capacity::ChannelWomen(k) => {
                let ch = &spec.channels[k];
                ch.max_hires
                    .map(|m| (ch.women_share * m as f64 * net(k, None) + 1e-9).floor())
            }
            Capacity::ChannelMin(k) => spec.channels[k]
                .min_hires
                .map(|m| (m as f64 * net(k, None) + 1e-9).floor()),
            Capacity::HiringShare(year) => crate::rules::intent::province_hiring_least(spec, year),
            Capacity::TrainingSeats(_) => spec.config.training.seats_per_year.map(f64::from),
            Capacity::PromotionSeats(_) => spec.config.promotion.seats_per_year.map(f64::from),
            Capacity::Budget(t, scope) => spec.budget_cap(t, scope),
        }
    }

    fn row(self, spec: &Spec) -> RowMeta {
        match self {
            Capacity::Channel(k) => RowMeta::new(RowKind::ChannelCap, None, spec.channels[k].year)
                .with(spec.channels[k].id.clone()),
            Capacity::ChannelKind(k, kind) => RowMeta::new(
                RowKind::ChannelKindCap,
                None,
                spec.channels[k].year,
            )
            .with(format!("{} into {}", spec.channels[k].id, kind.name())),
            Capacity::ChannelWomen(k) => {
                RowMeta::new(RowKind::ChannelWomenShare, None, spec.channels[k].year)
                    .with(spec.channels[k].id.clone())
            }
            Capacity::ChannelMin(k) => RowMeta::new(
                RowKind::Target(crate::domain::Rule::I4),
                None,
                spec.channels[k].year,
            )
            .with(spec.channels[k].id.clone()),
            Capacity::HiringShare(year) => RowMeta::new(
                RowKind::Target(crate::domain::Rule::I2),
                None,
                year.unwrap_or(spec.horizon()),
            )
            .with(if year.is_some() { "year" } else { "horizon" }),
            Capacity::TrainingSeats(t) => RowMeta::new(RowKind::TrainingSeats, None, t),
            Capacity::PromotionSeats(t) => RowMeta::new(RowKind::PromotionSeats, None, t),
            Capacity::Budget(t, scope) => RowMeta::new(RowKind::Budget, None, t).with(scope.name()),
        }
    }
}

/// Per-unit terms of every shared capacity that has a limit.
pub fn capacity_terms(spec: &Spec, m: &Model) -> BTreeMap<Capacity, BTreeMap<usize, Expression>> {
    let mut terms: BTreeMap<Capacity, BTreeMap<usize, Expression>> = BTreeMap::new();
    // Whether each capacity has a limit, worked out once (I2's province limit sums every unit).
    let mut limited: BTreeMap<Capacity, bool> = BTreeMap::new();
    let mut add = |cap: Capacity, u: usize, e: Expression| {
        if *limited
            .entry(cap)
            .or_insert_with(|| cap.limit(spec).is_some())
        {
            *terms.entry(cap).or_default().entry(u).or_default() += e;
        }
    };
    for f in &m.flows {
        let a = amount_expr(&f.amount);
        match f.kind {
            FlowKind::Hire => {
                let k = f.channel.expect("hire has a channel");
                for (cap, c) in spec.hire_capacity_use(k, f.unit, &f.cell) {
                    add(cap, f.unit, a.clone() * c);
                }
                for (cap, c) in crate::rules::intent::hiring_terms(spec, f.unit, &f.cell, f.year) {
                    add(cap, f.unit, a.clone() * c);
                }
            }
            FlowKind::Train => add(Capacity::TrainingSeats(f.year), f.unit, a),
            FlowKind::Promote => add(Capacity::PromotionSeats(f.year), f.unit, a),
            _ => {}
        }
    }
    if !spec.budget_caps().is_empty() {
        for ((t, u), spend) in objective::lever_spending(spec, m) {
            for scope in spec.budget_scopes(u) {
                add(Capacity::Budget(t, scope), u, spend.clone());
            }
        }
    }
    // I2's province rows ask EM hires even in years before any EM hire can be made: their
    // shortfall is priced all the same.
    for t in spec.plan_years() {
        let cap = Capacity::HiringShare(Some(t));
        if crate::rules::intent::province_hiring_least(spec, Some(t)).is_some_and(|l| l > 0.0) {
            terms.entry(cap).or_default();
        }
    }
    terms
}

pub fn add(spec: &Spec, m: &mut Model) {
    for (cap, by_unit) in capacity_terms(spec, m) {
        let mut row = Expression::default();
        for (_, e) in by_unit {
            row += e;
        }
        let purchase = match &m.scope.coupling {
            Coupling::Share { buy, .. } => buy.get(&cap).copied(),
            _ => None,
        };
        if let Some(p) = purchase {
            // `use − bought ≤ allocation`, `bought ≤ most`, each person bought at its price.
            let bought = m.at_most(p.most);
            m.add_price(p.price, bought.into());
            row -= bought;
        }
        let limit = match &m.scope.coupling {
            Coupling::Whole => cap
                .limit(spec)
                .expect("terms exist only for limited capacities"),
            Coupling::Share {
                allocation, priced, ..
            } => {
                if let Some(&y) = priced.get(&cap) {
                    m.add_price(-y, row);
                    continue;
                }
                allocation.get(&cap).copied().unwrap_or(0.0)
            }
            Coupling::Priced(prices) => {
                let y = prices
                    .get(&SharedRow::Capacity(cap))
                    .copied()
                    .unwrap_or(0.0);
                m.add_price(-y, row);
                continue;
            }
        };
        if cap.is_minimum() {
            add_minimum(spec, m, cap, row, limit);
            continue;
        }
        if let Capacity::Budget(t, _) = cap {
            let excess = m.continuous();
            m.other_slacks.push(LimitSlack {
                kind: RowKind::Budget,
                unit: None,
                year: t,
                slack: excess,
            });
            if m.scope.is_whole_province() {
                m.province_columns.push((excess, false));
            }
            row -= excess;
        }
        let meta = cap.row(spec).limit(limit);
        m.add_shared_row(row.leq(limit), meta, SharedRow::Capacity(cap));
    }
    add_transfer_caps(spec, m);
}

impl Capacity {
    /// Whether the row asks at least its limit (I4) rather than at most.
    pub fn is_minimum(self) -> bool {
        matches!(self, Capacity::ChannelMin(_) | Capacity::HiringShare(_))
    }
    /// A minimum's rule and year (a channel's I4, I2 held by the province): the province pays
    /// for its shortfall at that rule's price (`intent::price`, no unit).
    pub fn minimum_rule(self, spec: &Spec) -> Option<(Rule, i32)> {
        match self {
            Capacity::ChannelMin(k) => Some((Rule::I4, spec.channels[k].year)),
            Capacity::HiringShare(year) => Some((Rule::I2, year.unwrap_or(spec.horizon()))),
            _ => None,
        }
    }
    /// Whether the row is a year's budget, whose excess is priced rather than forbidden.
    pub fn is_budget(self) -> bool {
        matches!(self, Capacity::Budget(..))
    }
    /// Whether a group's share is the LP's own value of its terms, not whole people.
    pub fn is_exact(self) -> bool {
        matches!(self, Capacity::Budget(..) | Capacity::HiringShare(_))
    }
}

/// I4 and I2 (province): `Σ_u terms + shortfall ≥ least`, the shortfall priced like an
/// intent rule's.
fn add_minimum(spec: &Spec, m: &mut Model, cap: Capacity, row: Expression, least: f64) {
    let (rule, year) = cap.minimum_rule(spec).expect("only minimum rows");
    let short = m.continuous();
    m.slacks.push(TargetSlack {
        unit: None,
        rule,
        year,
        slack: short,
    });
    if m.scope.is_whole_province() {
        m.province_columns.push((short, false));
    }
    let meta = cap.row(spec).limit(least);
    m.add_shared_row((row + short).geq(least), meta, SharedRow::Capacity(cap));
}

fn add_transfer_caps(spec: &Spec, m: &mut Model) {
    let mut by_route: BTreeMap<usize, Expression> = BTreeMap::new();
    for f in m.flows.iter().filter(|f| f.kind == FlowKind::TransferIn) {
        *by_route
            .entry(f.route.expect("transfer has a route"))
            .or_default() += amount_expr(&f.amount);
    }
    for (ri, e) in by_route {
        let route = &spec.transfers[ri];
        let cap = route.max_per_year as f64;
        m.add_row(
            e.leq(cap),
            RowMeta::new(RowKind::TransferCap, None, route.year)
                .with(format!("transfers.csv line {}", route.line))
                .limit(cap),
        );
    }
}
