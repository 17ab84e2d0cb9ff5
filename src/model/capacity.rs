//! Capacities shared across units, each a `≤` row recorded with its limit so that a missed
//! target can be explained by the capacities that bind:
//! - channel-year `k`: `Σ_{u,g,s} h ≤ max_hires[k]`, and per unit kind `≤ kind_caps[k]`;
//! - women in channel-year `k`: `Σ_{u,g} h[..,F,..] ≤ women_share[k] · Σ h`;
//! - training seats: `Σ r[t] ≤ seats_per_year`;
//! - transfer route-year: `Σ x ≤ max_per_year`;
//! - budget: lever spending of year t `≤ cap_per_year + b[t]`, the excess `b` priced at the
//!   shortfall penalty per million VND so a binding cap is reported, never infeasible.

use super::{costs, stocks::amount_expr, FlowKind, Model, RowKind, RowMeta};
use crate::scenario::Spec;
use good_lp::Expression;
use std::collections::BTreeMap;

pub fn add(spec: &Spec, m: &mut Model) {
    add_channel_rows(spec, m);
    add_training_seats(spec, m);
    add_transfer_caps(spec, m);
    add_budget(spec, m);
}

fn add_channel_rows(spec: &Spec, m: &mut Model) {
    #[derive(Default)]
    struct Sums {
        all: Expression,
        women: Expression,
        by_kind: BTreeMap<crate::scenario::UnitKind, Expression>,
    }
    let mut sums: BTreeMap<usize, Sums> = BTreeMap::new();
    for f in m.flows.iter().filter(|f| f.kind == FlowKind::Hire) {
        let k = f.channel.expect("hire has a channel");
        let s = sums.entry(k).or_default();
        let a = amount_expr(&f.amount);
        s.all += a.clone();
        if f.cell.female {
            s.women += a.clone();
        }
        *s.by_kind.entry(spec.units[f.unit].kind).or_default() += a;
    }
    for (k, s) in sums {
        let ch = &spec.channels[k];
        if let Some(max) = ch.max_hires {
            let max = max as f64;
            m.add_row(
                s.all.clone().leq(max),
                RowMeta::new(RowKind::ChannelCap, None, ch.year).with(ch.id.clone()).limit(max),
            );
        }
        for (kind, cap) in &ch.kind_caps {
            if let Some(e) = s.by_kind.get(kind) {
                let cap = *cap as f64;
                m.add_row(
                    e.clone().leq(cap),
                    RowMeta::new(RowKind::ChannelKindCap, None, ch.year)
                        .with(format!("{} into {}", ch.id, kind.name()))
                        .limit(cap),
                );
            }
        }
        if ch.women_share < 1.0 {
            let row = s.women - s.all * ch.women_share;
            m.add_row(
                row.leq(0.0),
                RowMeta::new(RowKind::ChannelWomenShare, None, ch.year).with(ch.id.clone()).limit(0.0),
            );
        }
    }
}

fn add_training_seats(spec: &Spec, m: &mut Model) {
    let Some(seats) = spec.config.training.seats_per_year else { return };
    let mut by_year: BTreeMap<i32, Expression> = BTreeMap::new();
    for f in m.flows.iter().filter(|f| f.kind == FlowKind::Train) {
        *by_year.entry(f.year).or_default() += amount_expr(&f.amount);
    }
    for (t, e) in by_year {
        let seats = seats as f64;
        m.add_row(e.leq(seats), RowMeta::new(RowKind::TrainingSeats, None, t).limit(seats));
    }
}

fn add_transfer_caps(spec: &Spec, m: &mut Model) {
    let mut by_route: BTreeMap<usize, Expression> = BTreeMap::new();
    for f in m.flows.iter().filter(|f| f.kind == FlowKind::TransferIn) {
        *by_route.entry(f.route.expect("transfer has a route")).or_default() += amount_expr(&f.amount);
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

fn add_budget(spec: &Spec, m: &mut Model) {
    let Some(cap) = spec.config.budget.cap_per_year else { return };
    for (t, spend) in costs::lever_spending_by_year(spec, m) {
        let excess = m.continuous();
        m.other_slacks.push((RowKind::Budget, None, t, excess));
        m.add_row((spend - excess).leq(cap), RowMeta::new(RowKind::Budget, None, t).limit(cap));
    }
}
