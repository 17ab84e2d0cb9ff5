//! A solved plan as tidy tables: stocks by year, unit and cell; flows; costs. Everything
//! downstream (targets, reports, files) reads these tables, never the model.

use crate::model::capacity::Capacity;
use crate::model::{stocks::effects, Amount, FlowKind, Model};
use crate::domain::{Cell, Spec};
use crate::solve::Solved;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FlowKey {
    pub year: i32,
    pub unit: usize,
    pub kind: FlowKind,
    pub channel: Option<String>,
    /// Index of the channel-year in `Spec::channels`.
    pub channel_index: Option<usize>,
    pub counterpart: Option<usize>,
    pub cell: Cell,
}

#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Head-count by (year, unit, cell), base year included, zeros omitted.
    pub stock: BTreeMap<(i32, usize, Cell), u32>,
    /// People and cost (million VND) by flow.
    pub flows: BTreeMap<FlowKey, (u32, f64)>,
    /// Cost by (year, unit, lever), million VND.
    pub costs: BTreeMap<(i32, usize, String), f64>,
    /// Non-target slacks that are non-zero: what, unit, year, amount.
    pub staffing_issues: Vec<(String, Option<usize>, i32, f64)>,
    /// R5 distance by target year: Σ_g |N_g − σ_g·N|, persons.
    pub r5_distance: BTreeMap<i32, f64>,
}

fn amount(solved: &Solved, a: &Amount) -> u32 {
    let n = match *a {
        Amount::Var(v) => solved.count(v),
        Amount::Const(n) => n as i64,
    };
    debug_assert!(n >= 0, "negative flow");
    n.max(0) as u32
}

pub fn extract(spec: &Spec, model: &Model, solved: &Solved) -> Plan {
    let mut stock = BTreeMap::new();
    for (&(u, c), &n) in &spec.staff {
        if n > 0 && model.scope.contains(u) {
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
        let key = FlowKey {
            year: f.year,
            unit: f.unit,
            kind: f.kind,
            channel: channel.clone(),
            channel_index: f.channel,
            counterpart: f.counterpart,
            cell: f.cell,
        };
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
    for (&(t, u, cell), &n) in stock
        .iter()
        .filter(|((t, _, _), n)| *t > spec.base_year() && **n > 0)
    {
        let salary = if cell.leader {
            c.salary_leader
        } else {
            c.salary_staff
        };
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
            let what = match kind {
                crate::model::RowKind::Quota => "over_quota",
                crate::model::RowKind::MinFill => "below_floor",
                crate::model::RowKind::Budget => "budget_overrun",
                _ => "other",
            };
            (x > 1e-6).then(|| (what.to_string(), *u, *t, x))
        })
        .collect();
    let mut plan = Plan {
        stock,
        flows,
        costs,
        staffing_issues,
        r5_distance: BTreeMap::new(),
    };
    plan.r5_distance = r5_distances(spec, &plan);
    plan
}

/// R5 distance of a plan in each target year: Σ_g |N_g − σ_g·N| over all groups, where σ
/// are the census shares normalised to sum to one.
pub fn r5_distances(spec: &Spec, plan: &Plan) -> BTreeMap<i32, f64> {
    let share_sum: f64 = spec.groups.iter().map(|g| g.population_share).sum();
    let mut out = BTreeMap::new();
    for ty in &spec.config.time.targets {
        let mut by_group = vec![0u32; spec.groups.len()];
        for ((_, _, c), n) in plan.stock.iter().filter(|((t, _, _), _)| *t == ty.year) {
            by_group[c.group] += n;
        }
        let total: u32 = by_group.iter().sum();
        let d = if share_sum > 0.0 {
            spec.groups
                .iter()
                .zip(&by_group)
                .map(|(g, &n)| (n as f64 - g.population_share / share_sum * total as f64).abs())
                .sum()
        } else {
            0.0
        };
        out.insert(ty.year, d);
    }
    out
}

impl Plan {
    /// Joins plans of disjoint groups of units; R5 distances must be recomputed by the caller
    /// when they matter, see [`r5_distances`].
    pub fn merge(parts: Vec<Plan>) -> Plan {
        let mut out = Plan {
            stock: BTreeMap::new(),
            flows: BTreeMap::new(),
            costs: BTreeMap::new(),
            staffing_issues: Vec::new(),
            r5_distance: BTreeMap::new(),
        };
        for p in parts {
            out.stock.extend(p.stock);
            out.flows.extend(p.flows);
            out.costs.extend(p.costs);
            out.staffing_issues.extend(p.staffing_issues);
        }
        out.staffing_issues
            .sort_by(|a, b| (a.2, a.1, &a.0).cmp(&(b.2, b.1, &b.0)));
        out
    }

    /// What the plan uses of every shared capacity, in one pass over its flows and costs.
    pub fn capacity_use(&self, spec: &Spec) -> BTreeMap<Capacity, f64> {
        let mut used: BTreeMap<Capacity, f64> = BTreeMap::new();
        for (key, (n, _)) in &self.flows {
            let n = *n as f64;
            match (key.kind, key.channel_index) {
                (FlowKind::Hire, Some(k)) => {
                    *used.entry(Capacity::Channel(k)).or_default() += n;
                    *used
                        .entry(Capacity::ChannelKind(k, spec.units[key.unit].kind))
                        .or_default() += n;
                    if key.cell.female {
                        *used.entry(Capacity::ChannelWomen(k)).or_default() += n;
                    }
                }
                (FlowKind::Train, _) => {
                    *used.entry(Capacity::TrainingSeats(key.year)).or_default() += n
                }
                _ => {}
            }
        }
        for t in spec.plan_years() {
            used.insert(Capacity::Budget(t), self.lever_spending(t));
        }
        used
    }

    /// Spending on every lever but salaries in year t, million VND.
    pub fn lever_spending(&self, t: i32) -> f64 {
        self.costs
            .iter()
            .filter(|((y, _, l), _)| *y == t && l != "salary")
            .map(|(_, c)| c)
            .sum()
    }

    /// Head-count of unit u in year t over cells passing `filter`.
    pub fn sum(&self, t: i32, u: usize, filter: impl Fn(&Cell) -> bool) -> u32 {
        self.stock
            .range(
                (t, u, crate::domain::Cell::FIRST)
                    ..=(t, u, crate::domain::Cell::LAST),
            )
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
            for (&(tt, u, c), _) in self
                .stock
                .range((t, 0, crate::domain::Cell::FIRST)..)
            {
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
