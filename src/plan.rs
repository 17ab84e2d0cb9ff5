//! A solved plan as tidy tables: stocks by year, unit and cell; flows; costs. Everything
//! downstream (targets, reports, files) reads these tables, never the model.

use crate::model::{stocks::effects, Amount, FlowKind, Model};
use crate::scenario::{Cell, Spec};
use crate::solve::Solved;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FlowKey {
    pub year: i32,
    pub unit: usize,
    pub kind: FlowKind,
    pub channel: Option<String>,
    pub counterpart: Option<usize>,
    pub cell: Cell,
}

#[derive(Debug, Clone)]
pub struct Plan {
    /// Head-count by (year, unit, cell), base year included, zeros omitted.
    pub stock: BTreeMap<(i32, usize, Cell), u32>,
    /// People and cost (million VND) by flow.
    pub flows: BTreeMap<FlowKey, (u32, f64)>,
    /// Cost by (year, unit, lever), million VND.
    pub costs: BTreeMap<(i32, usize, String), f64>,
    /// Non-target slacks that are non-zero: what, unit, year, amount.
    pub staffing_issues: Vec<(String, Option<usize>, i32, f64)>,
    /// R5 distance (persons, summed over groups) by target year, as the model saw it.
    pub r5_distance: BTreeMap<i32, f64>,
}

fn amount(solved: &Solved, a: &Amount) -> u32 {
    let n = match *a {
        Amount::Var(v) => solved.count(v),
        Amount::Diff(v, w) => solved.count(v) - w.map(|w| solved.count(w)).unwrap_or(0),
        Amount::Const(n) => n as i64,
    };
    debug_assert!(n >= 0, "negative flow");
    n.max(0) as u32
}

pub fn extract(spec: &Spec, model: &Model, solved: &Solved) -> Plan {
    let mut stock = BTreeMap::new();
    for (&(u, c), &n) in &spec.staff {
        if n > 0 {
            stock.insert((spec.base_year(), u, c), n);
        }
    }
    for (&(u, c, t), &v) in &model.stock {
        let n = solved.count(v);
        if n > 0 {
            stock.insert((t, u, c), n as u32);
        }
    }
    let mut flows: BTreeMap<FlowKey, (u32, f64)> = BTreeMap::new();
    let mut costs: BTreeMap<(i32, usize, String), f64> = BTreeMap::new();
    for f in &model.flows {
        let n = amount(solved, &f.amount);
        if n == 0 {
            continue;
        }
        let channel = f.channel.map(|k| spec.channels[k].id.clone());
        let cost = f.unit_cost * n as f64;
        let key = FlowKey { year: f.year, unit: f.unit, kind: f.kind, channel: channel.clone(), counterpart: f.counterpart, cell: f.cell };
        let e = flows.entry(key).or_insert((0, 0.0));
        e.0 += n;
        e.1 += cost;
        if cost > 0.0 {
            let lever = match &channel {
                Some(ch) => format!("hiring:{ch}"),
                None => f.lever.to_string(),
            };
            *costs.entry((f.year, f.unit, lever)).or_default() += cost;
        }
    }
    let c = &spec.config.costs;
    for (&(t, u, cell), &n) in stock.iter().filter(|((t, _, _), n)| *t > spec.base_year() && **n > 0) {
        let salary = if cell.leader { c.salary_leader } else { c.salary_staff };
        *costs.entry((t, u, "salary".to_string())).or_default() += salary * n as f64;
    }
    let premium = spec.config.staffing.over_quota_cost;
    for (&(u, t), &o) in &model.over_quota {
        let over = solved.value(o);
        if premium > 0.0 && over > 1e-6 {
            *costs.entry((t, u, "over_quota".to_string())).or_default() += premium * over.round();
        }
    }
    let staffing_issues = model
        .other_slacks
        .iter()
        .filter_map(|(kind, u, t, v)| {
            let x = solved.value(*v);
            (x > 1e-6).then(|| (format!("{kind:?}"), *u, *t, x))
        })
        .collect();
    let r5_distance = model
        .r5_distance
        .iter()
        .map(|(&y, vars)| (y, vars.iter().map(|&v| solved.value(v)).sum()))
        .collect();
    Plan { stock, flows, costs, staffing_issues, r5_distance }
}

impl Plan {
    /// Head-count of unit u in year t over cells passing `filter`.
    pub fn sum(&self, t: i32, u: usize, filter: impl Fn(&Cell) -> bool) -> u32 {
        self.stock
            .range((t, u, crate::scenario::checks::first_cell())..=(t, u, crate::scenario::checks::last_cell()))
            .filter(|((_, _, c), _)| filter(c))
            .map(|(_, n)| n)
            .sum()
    }

    /// Replays the flows from the base stock and returns the first (year, unit, cell) whose
    /// stock differs from the plan's, if any.
    pub fn replay_mismatch(&self, spec: &Spec) -> Option<(i32, usize, Cell)> {
        let mut current: BTreeMap<(usize, Cell), i64> = BTreeMap::new();
        for (&(t, u, c), &n) in &self.stock {
            if t == spec.base_year() {
                current.insert((u, c), n as i64);
            }
        }
        for t in spec.plan_years() {
            for (key, &(n, _)) in self.flows.iter().filter(|(k, _)| k.year == t) {
                let f = crate::model::Flow {
                    kind: key.kind,
                    unit: key.unit,
                    cell: key.cell,
                    year: t,
                    channel: None,
                    route: None,
                    counterpart: None,
                    amount: Amount::Const(n),
                    unit_cost: 0.0,
                    lever: "",
                };
                for (u, c, sign) in effects(&f) {
                    if sign != 0.0 {
                        *current.entry((u, c)).or_default() += sign as i64 * n as i64;
                    }
                }
            }
            for (&(u, c), &n) in &current {
                if n != self.stock.get(&(t, u, c)).copied().unwrap_or(0) as i64 {
                    return Some((t, u, c));
                }
            }
            for (&(tt, u, c), _) in self.stock.range((t, 0, crate::scenario::checks::first_cell())..) {
                if tt != t {
                    break;
                }
                if !current.contains_key(&(u, c)) {
                    return Some((t, u, c));
                }
            }
        }
        None
    }
}
