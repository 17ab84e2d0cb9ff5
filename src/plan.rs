//! A solved plan as tidy tables: stocks by year, unit and cell; flows; costs; the limits it
//! could not keep. Everything downstream (targets, reports, files) reads these tables, never
//! the model.

use crate::domain::{serde_words, words, CostLine, FlowKind, Lever};
use crate::domain::{Cell, Spec};
use crate::model::capacity::Capacity;
use crate::model::objective::{self, Costs};
use crate::model::{stocks::effects, Amount, Model, RowKind};
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
    /// Cost by (year, unit, line), million VND.
    pub costs: Costs,
    /// Limits the plan could not keep (non-zero slacks of non-target rows).
    pub staffing_issues: Vec<StaffingIssue>,
}

/// What limit a plan could not keep, as written in `summary.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Issue {
    BelowFloor,
    BudgetOverrun,
    CapacityOverrun,
    LeadersBelowBase,
    OverQuota,
    Other,
}

words!(Issue {
    BelowFloor => "below_floor",
    BudgetOverrun => "budget_overrun",
    CapacityOverrun => "capacity_overrun",
    LeadersBelowBase => "leaders_below_base",
    OverQuota => "over_quota",
    Other => "other",
});
serde_words!(Issue);

/// A limit a plan could not keep: in a unit (or the province) and year, by how much
/// (people, or million VND for the budget).
#[derive(Debug, Clone, PartialEq)]
pub struct StaffingIssue {
    pub issue: Issue,
    /// Which capacity, for an overrun.
    pub detail: String,
    pub unit: Option<usize>,
    pub year: i32,
    pub amount: f64,
}

impl Issue {
    /// Its slack's weight in the objective, in shortfall penalties (as the model prices it,
    /// [`crate::model::objective::limit_weight`]).
    pub fn weight(self) -> f64 {
        if self == Issue::OverQuota {
            crate::model::objective::OVER_QUOTA_WEIGHT
        } else {
            1.0
        }
    }
}

impl StaffingIssue {
    /// `below_floor`, or `capacity_overrun Channel(3)`.
    pub fn what(&self) -> String {
        if self.detail.is_empty() {
            self.issue.name().to_string()
        } else {
            format!("{} {}", self.issue, self.detail)
        }
    }
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
    let mut costs = Costs::new();
    for f in &model.flows {
        let n = amount(solved, &f.amount);
        if n == 0 {
            continue;
        }
        let channel = f.channel.map(|k| spec.channels[k].id.clone());
        let each_year = f.unit_cost * n as f64;
        let cost = each_year * (1.0 + f.replacements.iter().map(|(_, r)| r).sum::<f64>());
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
        if let Some(lever) = f.kind.lever() {
            let line = match &channel {
                Some(ch) => CostLine::hiring(ch),
                None => CostLine::of(lever),
            };
            objective::book_flow(&mut costs, f.year, f.unit, line.clone(), each_year);
            for &(y, r) in &f.replacements {
                objective::book_flow(&mut costs, y, f.unit, line.clone(), each_year * r);
            }
        }
    }
    objective::book_salaries(spec, &mut costs, stock.iter());
    for (&(u, t), &o) in &model.over_quota {
        objective::book_over_quota(spec, &mut costs, t, u, solved.value(o));
    }
    let staffing_issues = model
        .other_slacks
        .iter()
        .filter_map(|s| {
            let amount = solved.value(s.slack);
            let issue = match s.kind {
                RowKind::Quota => Issue::OverQuota,
                RowKind::MinFill => Issue::BelowFloor,
                RowKind::LeaderFloor => Issue::LeadersBelowBase,
                RowKind::Budget => Issue::BudgetOverrun,
                _ => Issue::Other,
            };
            (amount > 1e-6).then(|| StaffingIssue {
                issue,
                detail: String::new(),
                unit: s.unit,
                year: s.year,
                amount,
            })
        })
        .collect();
    let mut plan = Plan {
        stock,
        flows,
        costs,
        staffing_issues,
    };
    if model.scope.is_whole_province() {
        plan.book_budget_overruns(spec);
    }
    plan
}

impl Plan {
    /// Joins plans of disjoint groups of units.
    pub fn merge(parts: Vec<Plan>) -> Plan {
        let mut out = Plan::default();
        for p in parts {
            out.stock.extend(p.stock);
            out.flows.extend(p.flows);
            out.costs.extend(p.costs);
            out.staffing_issues.extend(p.staffing_issues);
        }
        out.staffing_issues
            .sort_by_cached_key(|i| (i.year, i.unit, i.what()));
        out
    }

    /// What the plan uses of every shared capacity, in one pass over its flows and costs.
    pub fn capacity_use(&self, spec: &Spec) -> BTreeMap<Capacity, f64> {
        let mut used: BTreeMap<Capacity, f64> = BTreeMap::new();
        for (key, (n, _)) in &self.flows {
            let n = *n as f64;
            match (key.kind, key.channel_index) {
                (FlowKind::Hire, Some(k)) => {
                    for (cap, c) in spec.hire_capacity_use(k, key.unit, &key.cell) {
                        *used.entry(cap).or_default() += n * c;
                    }
                    for (cap, c) in
                        crate::rules::intent::hiring_terms(spec, key.unit, &key.cell, key.year)
                    {
                        *used.entry(cap).or_default() += n * c;
                    }
                }
                (FlowKind::Train, _) => {
                    *used.entry(Capacity::TrainingSeats(key.year)).or_default() += n
                }
                (FlowKind::Promote, _) => {
                    *used.entry(Capacity::PromotionSeats(key.year)).or_default() += n
                }
                _ => {}
            }
        }
        for ((t, scope), _) in spec.budget_caps() {
            used.insert(
                Capacity::Budget(t, scope),
                self.lever_spending_in(spec, t, scope),
            );
        }
        used
    }

    /// Spending on every lever but salaries in year t by the units a budget scope covers,
    /// million VND.
    pub fn lever_spending_in(&self, spec: &Spec, t: i32, scope: crate::domain::BudgetScope) -> f64 {
        self.costs
            .iter()
            .filter(|((y, u, l), _)| {
                *y == t && l.lever != Lever::Salary && scope.covers(spec.units[*u].kind)
            })
            .map(|(_, c)| c)
            .sum()
    }

    /// Replaces the plan's budget overruns by those of its whole-person costs against every
    /// cap (`detail`: the scope, empty for every unit's): a model's excess is a group's
    /// share, or fractional.
    pub fn book_budget_overruns(&mut self, spec: &Spec) {
        self.staffing_issues
            .retain(|i| i.issue != Issue::BudgetOverrun);
        for ((t, scope), cap) in spec.budget_caps() {
            let spent = self.lever_spending_in(spec, t, scope);
            if spent > cap + 1e-6 {
                self.staffing_issues.push(StaffingIssue {
                    issue: Issue::BudgetOverrun,
                    detail: match scope {
                        crate::domain::BudgetScope::All => String::new(),
                        _ => scope.name().to_string(),
                    },
                    unit: None,
                    year: t,
                    amount: spent - cap,
                });
            }
        }
    }

    /// Head-count of unit u in year t over cells passing `filter`.
    pub fn sum(&self, t: i32, u: usize, filter: impl Fn(&Cell) -> bool) -> u32 {
        self.stock
            .range((t, u, crate::domain::Cell::FIRST)..=(t, u, crate::domain::Cell::LAST))
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
                    replacements: Vec::new(),
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
            for (&(tt, u, c), _) in self.stock.range((t, 0, crate::domain::Cell::FIRST)..) {
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
