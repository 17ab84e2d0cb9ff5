//! Stocks and flows: which cells each unit can hold, one integer variable per flow, and the
//! stock balance `S[t] = S[t−1] + Σ inflows − Σ outflows` built from the very flow records
//! that are written to `flows.csv`, so the file and the model cannot disagree.
//!
//! Outflows that are data:
//! - retirements, from `retirements.csv`;
//! - attrition of the existing workforce, `A[u,c,t]`: the base cohort of each cell, less its
//!   retirements, loses `attrition.other_rate` a year; the expected leavers are rounded
//!   cumulatively (`A[t] = round(ΣE[..t]) − round(ΣE[..t−1])`), so each cell's total stays
//!   within half a person of the expectation and every yearly count is whole.
//!
//! New-hire leavers: a hire leaves during the first `n = attrition.new_hire_years` years
//! with probability `P = 1 − (1 − a_new)^n`. The integer `L[u,c,t]` counts the cell's
//! new-hire leavers up to year t and is held to `|L[t] − P·Σ_{τ≤t} hires[τ]| ≤ ½`, i.e. to
//! the nearest whole person of the expectation; the leavers of year t are `L[t] − L[t−1]`,
//! booked in the year of hiring.

use super::{Amount, Flow, FlowKind, Model, RowKind, RowMeta};
use crate::scenario::{Cell, Spec};
use good_lp::Expression;
use std::collections::{BTreeMap, BTreeSet};

/// The cells each unit can hold: its base cells, the cells its channels hire into, and the
/// closure under promotion, training and transfer.
pub fn add_cells(spec: &Spec, m: &mut Model) {
    let n = spec.units.len();
    let mut cells: Vec<BTreeSet<Cell>> = vec![BTreeSet::new(); n];
    for ((u, c), &count) in &spec.staff {
        if count > 0 {
            cells[*u].insert(*c);
        }
    }
    for ch in &spec.channels {
        for u in (0..n).filter(|&u| ch.kinds.contains(&spec.units[u].kind)) {
            for &g in &ch.groups {
                for female in [true, false] {
                    cells[u].insert(Cell { group: g, female, leader: false, trained: ch.trained });
                }
            }
        }
    }
    loop {
        let before: usize = cells.iter().map(BTreeSet::len).sum();
        for u in 0..n {
            let current: Vec<Cell> = cells[u].iter().copied().filter(|c| spec.is_em(c)).collect();
            for c in current {
                if !c.leader && spec.units[u].leader_posts > 0 {
                    cells[u].insert(Cell { leader: true, ..c });
                }
                if !c.trained {
                    cells[u].insert(Cell { trained: true, ..c });
                }
            }
        }
        for route in &spec.transfers {
            for &a in &route.from {
                let moving: Vec<Cell> = cells[a].iter().copied().filter(|c| spec.is_em(c)).collect();
                for &b in route.to.iter().filter(|&&b| b != a) {
                    cells[b].extend(moving.iter().copied());
                }
            }
        }
        if cells.iter().map(BTreeSet::len).sum::<usize>() == before {
            break;
        }
    }
    m.cells = cells.into_iter().map(|s| s.into_iter().collect()).collect();
}

/// Expected attrition of the existing workforce, as whole people by unit, cell and year.
pub fn base_attrition(spec: &Spec) -> BTreeMap<(usize, Cell, i32), u32> {
    let rate = spec.config.attrition.other_rate;
    let mut out = BTreeMap::new();
    for (&(u, c), &count) in &spec.staff {
        let mut cohort = count as f64;
        let mut expected = 0.0f64;
        let mut booked = 0u32;
        for t in spec.plan_years() {
            cohort -= spec.retirements.get(&(u, c, t)).copied().unwrap_or(0) as f64;
            expected += rate * cohort.max(0.0);
            let due = ((expected + 1e-9).round() as u32).saturating_sub(booked);
            let leavers = due.min(cohort.max(0.0) as u32);
            if leavers > 0 {
                out.insert((u, c, t), leavers);
            }
            booked += leavers;
            cohort -= leavers as f64;
        }
    }
    out
}

/// Probability that a new hire leaves within the first years.
pub fn new_hire_leaving_probability(spec: &Spec) -> f64 {
    let a = &spec.config.attrition;
    1.0 - (1.0 - a.new_hire_rate).powi(a.new_hire_years as i32)
}

/// People each unit may shed through streamlining exits up to year t: its base-year excess
/// over quota plus every quota cut since. Exits are a streamlining lever, not a way to save
/// salaries.
pub fn exit_allowance(spec: &Spec, u: usize, t: i32) -> u32 {
    let base = spec.base_year();
    let staff: u32 = spec.staff.iter().filter(|((v, _), _)| *v == u).map(|(_, n)| n).sum();
    let mut allowance = staff.saturating_sub(spec.quota(u, base));
    for y in base + 1..=t {
        allowance += spec.quota(u, y - 1).saturating_sub(spec.quota(u, y));
    }
    allowance
}

/// Creates the flow variables and data flows.
pub fn add_flows(spec: &Spec, m: &mut Model) {
    let costs = spec.config.costs.clone();
    let training_cost = spec.config.training.cost_per_person;
    let seats = spec.config.training.seats_per_year.map(f64::from);
    let attrition = base_attrition(spec);
    let n = spec.units.len();
    let push = |m: &mut Model, kind, unit, cell, year, amount, unit_cost, lever| {
        m.flows.push(Flow { kind, unit, cell, year, channel: None, route: None, counterpart: None, amount, unit_cost, lever });
    };
    for t in spec.plan_years() {
        for (&(u, c, y), &count) in spec.retirements.iter().filter(|((_, _, y), _)| *y == t) {
            push(m, FlowKind::Retire, u, c, y, Amount::Const(count), 0.0, "");
        }
        for (&(u, c, y), &count) in attrition.iter().filter(|((_, _, y), _)| *y == t) {
            push(m, FlowKind::Attrition, u, c, y, Amount::Const(count), 0.0, "");
        }
        for u in 0..n {
            let posts = spec.units[u].leader_posts as f64;
            let cells = m.cells[u].clone();
            for c in cells.iter().filter(|c| spec.is_em(c)) {
                if !c.leader && c_has_leader(&cells, c) {
                    let v = m.integer(Some(posts));
                    push(m, FlowKind::Promote, u, *c, t, Amount::Var(v), costs.promotion, "promotion");
                }
                if !c.trained {
                    let v = m.integer(seats);
                    push(m, FlowKind::Train, u, *c, t, Amount::Var(v), training_cost, "training");
                }
            }
            if exit_allowance(spec, u, spec.horizon()) > 0 {
                for (&(_, c), _) in spec.staff.iter().filter(|((v, _), n)| *v == u && **n > 0) {
                    let v = m.integer(None);
                    push(m, FlowKind::Exit, u, c, t, Amount::Var(v), costs.severance, "severance");
                }
            }
        }
    }
    add_hires(spec, m);
    add_transfers(spec, m);
}

fn c_has_leader(cells: &[Cell], c: &Cell) -> bool {
    cells.binary_search(&Cell { leader: true, ..*c }).is_ok()
}

fn add_hires(spec: &Spec, m: &mut Model) {
    let p = new_hire_leaving_probability(spec);
    // cumulative hires by unit and hire cell, to book new-hire leavers
    let mut hires_by_cell: BTreeMap<(usize, Cell), BTreeMap<i32, Vec<good_lp::Variable>>> = BTreeMap::new();
    for (k, ch) in spec.channels.iter().enumerate() {
        for u in (0..spec.units.len()).filter(|&u| ch.kinds.contains(&spec.units[u].kind)) {
            for &g in &ch.groups {
                for female in [true, false] {
                    let cell = Cell { group: g, female, leader: false, trained: ch.trained };
                    let v = m.integer(ch.max_hires.map(f64::from));
                    m.flows.push(Flow {
                        kind: FlowKind::Hire,
                        unit: u,
                        cell,
                        year: ch.year,
                        channel: Some(k),
                        route: None,
                        counterpart: None,
                        amount: Amount::Var(v),
                        unit_cost: ch.cost_per_hire,
                        lever: "hiring",
                    });
                    hires_by_cell.entry((u, cell)).or_default().entry(ch.year).or_default().push(v);
                }
            }
        }
    }
    if p <= 0.0 {
        return;
    }
    for ((u, cell), by_year) in hires_by_cell {
        let first = *by_year.keys().next().expect("non-empty");
        let mut cumulative = Expression::default();
        let mut previous = None;
        for t in first..=spec.horizon() {
            for v in by_year.get(&t).into_iter().flatten() {
                cumulative.add_mul(p, *v);
            }
            let leavers = m.integer(None);
            let meta = RowMeta::new(RowKind::NewHireLeavers, Some(u), t);
            m.add_row((Expression::from(leavers) - cumulative.clone()).geq(-0.5), meta.clone());
            m.add_row((Expression::from(leavers) - cumulative.clone()).leq(0.5), meta);
            m.flows.push(Flow {
                kind: FlowKind::Attrition,
                unit: u,
                cell,
                year: t,
                channel: None,
                route: None,
                counterpart: None,
                amount: Amount::Diff(leavers, previous),
                unit_cost: 0.0,
                lever: "",
            });
            previous = Some(leavers);
        }
    }
}

fn add_transfers(spec: &Spec, m: &mut Model) {
    for (ri, route) in spec.transfers.iter().enumerate().filter(|(_, r)| r.max_per_year > 0) {
        let cap = route.max_per_year as f64;
        for &a in &route.from {
            let moving: Vec<Cell> = m.cells[a].iter().copied().filter(|c| spec.is_em(c)).collect();
            for &b in route.to.iter().filter(|&&b| b != a) {
                for &c in &moving {
                    let v = m.integer(Some(cap));
                    let mut out = Flow {
                        kind: FlowKind::TransferOut,
                        unit: a,
                        cell: c,
                        year: route.year,
                        channel: None,
                        route: Some(ri),
                        counterpart: Some(b),
                        amount: Amount::Var(v),
                        unit_cost: 0.0,
                        lever: "",
                    };
                    m.flows.push(out.clone());
                    out.kind = FlowKind::TransferIn;
                    out.unit = b;
                    out.counterpart = Some(a);
                    out.unit_cost = route.cost_per_person;
                    out.lever = "transfer";
                    m.flows.push(out);
                }
            }
        }
    }
}

/// The (unit, cell, sign) changes a flow makes to stocks.
pub fn effects(flow: &Flow) -> [(usize, Cell, f64); 2] {
    let none = (flow.unit, flow.cell, 0.0);
    match flow.kind {
        FlowKind::Hire | FlowKind::TransferIn => [(flow.unit, flow.cell, 1.0), none],
        FlowKind::Retire | FlowKind::Attrition | FlowKind::Exit | FlowKind::TransferOut => {
            [(flow.unit, flow.cell, -1.0), none]
        }
        FlowKind::Promote => [
            (flow.unit, flow.cell, -1.0),
            (flow.unit, Cell { leader: true, ..flow.cell }, 1.0),
        ],
        FlowKind::Train => [
            (flow.unit, flow.cell, -1.0),
            (flow.unit, Cell { trained: true, ..flow.cell }, 1.0),
        ],
    }
}

pub fn amount_expr(a: &Amount) -> Expression {
    match *a {
        Amount::Var(v) => v.into(),
        Amount::Diff(v, Some(w)) => Expression::from(v) - w,
        Amount::Diff(v, None) => v.into(),
        Amount::Const(n) => (n as f64).into(),
    }
}

/// Stock variables and one balance row per unit, cell and planned year.
pub fn add_balances(spec: &Spec, m: &mut Model) {
    let mut net: BTreeMap<(usize, Cell, i32), Expression> = BTreeMap::new();
    for flow in &m.flows {
        let amount = amount_expr(&flow.amount);
        for (u, c, sign) in effects(flow) {
            if sign != 0.0 {
                net.entry((u, c, flow.year)).or_default().add_mul(sign, amount.clone());
            }
        }
    }
    for u in 0..spec.units.len() {
        for c in m.cells[u].clone() {
            for t in spec.plan_years() {
                let s = m.integer(None);
                m.stock.insert((u, c, t), s);
            }
            for t in spec.plan_years() {
                let change = net.remove(&(u, c, t)).unwrap_or_default();
                let row = Expression::from(m.stock[&(u, c, t)]) - m.stock_expr(spec, u, c, t - 1) - change;
                m.add_row(row.eq(0.0), RowMeta::new(RowKind::Balance, Some(u), t));
            }
        }
    }
    debug_assert!(net.is_empty(), "a flow touches a cell outside the unit's cell set");
}
