//! The shared model every building block adds to: its columns (with the column index good_lp
//! keeps private), its rows and their [`Registry`] entries, the flows that become
//! `flows.csv`, the slacks that price what cannot be met, and the objective.

use super::coupling::{Coupling, Scope, SharedRow};
use super::registry::{Registry, RowMeta};
use crate::domain::target::Chain;
use crate::domain::{Cell, FlowKind, Rule, Spec};
use good_lp::{Constraint, Expression, ProblemVariables, Variable};
use std::collections::{BTreeMap, HashMap};

/// How many people a flow moves: a decision variable, or data.
#[derive(Debug, Clone, Copy)]
pub enum Amount {
    Var(Variable),
    Const(u32),
}

/// One line of `flows.csv` before the solve.
#[derive(Debug, Clone)]
pub struct Flow {
    pub kind: FlowKind,
    pub unit: usize,
    /// The person's cell before the flow.
    pub cell: Cell,
    pub year: i32,
    pub channel: Option<usize>,
    /// Transfer route index, for transfers.
    pub route: Option<usize>,
    pub counterpart: Option<usize>,
    pub amount: Amount,
    /// Million VND per person, booked to the flow kind's lever.
    pub unit_cost: f64,
    /// The replacements it brings in later years, `(year, ρ)` per person, each costed at
    /// `unit_cost` in its year: a hire's ([`crate::domain::Spec::hire_replacements`]), a
    /// training's or promotion's (`stocks::kept_post_replacements`).
    pub replacements: Vec<(i32, f64)>,
}

/// The slack of a non-target row (staffing floor, leaders kept, quota without allowance,
/// budget), priced like a shortfall (a quota ten times, [`super::objective::limit_weight`])
/// so that a unit that cannot be staffed is reported, not infeasible.
#[derive(Debug, Clone, Copy)]
pub struct LimitSlack {
    pub kind: super::registry::RowKind,
    pub unit: Option<usize>,
    pub year: i32,
    pub slack: Variable,
}

/// A target row's slack and how to read its outcome.
#[derive(Debug, Clone)]
pub struct TargetSlack {
    pub unit: Option<usize>,
    pub rule: Rule,
    pub year: i32,
    pub slack: Variable,
}

pub struct Model {
    pub scope: Scope,
    pub vars: ProblemVariables,
    pub constraints: Vec<Constraint>,
    pub registry: Registry,
    pub objective: Expression,
    /// `S[u,c,t]` for planned years; the base year is data.
    pub stock: BTreeMap<(usize, Cell, i32), Variable>,
    /// Cells each unit can hold at some point.
    pub cells: Vec<Vec<Cell>>,
    pub flows: Vec<Flow>,
    /// Head-count above quota in years the unit may run over it.
    pub over_quota: BTreeMap<(usize, i32), Variable>,
    pub slacks: Vec<TargetSlack>,
    /// Slacks of non-target rows (staffing floor, budget), priced like targets.
    pub other_slacks: Vec<LimitSlack>,
    /// Distances to goals (R5), priced at `policy.r5_weight` a person.
    pub goal_distances: Vec<Variable>,
    /// People of a unit target's confidence margin not reached, priced at
    /// `policy.margin_penalty` a person (`rules::confidence`): (unit, slack).
    pub margin_slacks: Vec<(usize, Variable)>,
    /// Province-wide target chains of a whole-province model, for splitting them between
    /// groups of units (see [`targets::local_shares`]).
    pub province_targets: Vec<Chain>,
    /// Province-wide variables defined as sums of unit terms (a group's head-count change,
    /// R5), by their defining row: whole-province models only.
    pub defined: BTreeMap<SharedRow, Variable>,
    pub integer_columns: usize,
    /// Column index of each variable: good_lp keeps its own private, so we record ours.
    pub column: HashMap<Variable, usize>,
    /// Shared rows by registry index (whole-province models).
    pub shared_rows: Vec<(SharedRow, usize)>,
    /// Coverage-roadmap indicators: rule, year, unit, `met` binary.
    pub coverage_met: Vec<(Rule, i32, usize, Variable)>,
    /// Variables that belong to no unit (province-wide required counts, shortfalls, R5),
    /// with whether they are free (no lower bound).
    pub province_columns: Vec<(Variable, bool)>,
    /// A plan of the same units to start the MIP from (see [`crate::solve::FlowStart`]);
    /// the "no action" plan when `None`.
    pub start: Option<crate::solve::FlowStart>,
}

impl Model {
    fn add_var(&mut self, def: good_lp::VariableDefinition) -> Variable {
        let index = self.vars.len();
        let v = self.vars.add(def);
        self.column.insert(v, index);
        v
    }

    pub fn new(scope: Scope) -> Self {
        Model {
            scope,
            vars: ProblemVariables::new(),
            constraints: Vec::new(),
            registry: Registry::default(),
            objective: Expression::default(),
            stock: BTreeMap::new(),
            cells: Vec::new(),
            flows: Vec::new(),
            over_quota: BTreeMap::new(),
            slacks: Vec::new(),
            other_slacks: Vec::new(),
            goal_distances: Vec::new(),
            margin_slacks: Vec::new(),
            province_targets: Vec::new(),
            defined: BTreeMap::new(),
            integer_columns: 0,
            column: HashMap::new(),
            shared_rows: Vec::new(),
            coverage_met: Vec::new(),
            start: None,
            province_columns: Vec::new(),
        }
    }

    /// Adds a whole-person decision variable in `[0, upper]`.
    pub fn integer(&mut self, upper: Option<f64>) -> Variable {
        self.integer_columns += 1;
        let v = good_lp::variable().integer().min(0);
        self.add_var(match upper {
            Some(u) => v.max(u),
            None => v,
        })
    }

    pub fn binary(&mut self) -> Variable {
        self.integer_columns += 1;
        self.add_var(good_lp::variable().binary())
    }

    /// A free continuous variable.
    pub fn free(&mut self) -> Variable {
        self.add_var(good_lp::variable())
    }

    /// A non-negative continuous variable (slacks and over-quota amounts).
    pub fn continuous(&mut self) -> Variable {
        self.add_var(good_lp::variable().min(0))
    }

    /// A continuous variable from 0 to `most`.
    pub fn at_most(&mut self, most: f64) -> Variable {
        self.add_var(good_lp::variable().min(0).max(most))
    }

    /// A continuous variable of at least `least`.
    pub fn at_least(&mut self, least: f64) -> Variable {
        self.add_var(good_lp::variable().min(least))
    }

    /// Adds a row and records what it is.
    pub fn add_row(&mut self, constraint: Constraint, meta: RowMeta) {
        self.constraints.push(constraint);
        self.registry.push(meta);
    }

    /// Adds a row that ties units together.
    pub fn add_shared_row(&mut self, constraint: Constraint, meta: RowMeta, shared: SharedRow) {
        self.shared_rows.push((shared, self.registry.len()));
        self.add_row(constraint, meta);
    }

    /// Defines a province-wide variable as a sum of unit terms, `v = terms`, by a shared row
    /// (a group's head-count change, R5). Only a whole-province model has the variable
    /// (recorded in [`Model::defined`]); priced, the terms carry the row's dual (the row's
    /// unit part is `−terms`, so `−y·(−terms)`); so does a group's share, at the LP's dual
    /// (R5's distance is a province-wide row no group holds).
    pub fn define_sum(&mut self, shared: SharedRow, terms: Expression, meta: RowMeta) {
        match &self.scope.coupling {
            Coupling::Whole => {
                let v = self.free();
                self.province_columns.push((v, true));
                self.add_shared_row((Expression::from(v) - terms).eq(0.0), meta, shared);
                self.defined.insert(shared, v);
            }
            Coupling::Priced(_) => {
                let y = self.scope.price(shared).unwrap_or(0.0);
                self.add_price(y, terms);
            }
            Coupling::Share { group_changes, .. } => {
                let y = group_changes.get(&shared).copied().unwrap_or(0.0);
                self.add_price(y, terms);
            }
        }
    }

    /// Adds `price × expr` to the objective. Its constant part belongs to the priced row's
    /// right-hand side (counted once, in the bound), and HiGHS drops it.
    pub fn add_price(&mut self, price: f64, expr: Expression) {
        if price != 0.0 {
            self.objective.add_mul(price, expr);
        }
    }

    /// Stock expression for `(u, c, t)`, the base year being data.
    pub fn stock_expr(&self, spec: &Spec, u: usize, c: Cell, t: i32) -> Expression {
        if t == spec.base_year() {
            Expression::from(spec.staff.get(&(u, c)).copied().unwrap_or(0) as f64)
        } else {
            self.stock
                .get(&(u, c, t))
                .map(|v| Expression::from(*v))
                .unwrap_or_default()
        }
    }

    /// Sum of stocks of the unit's cells that pass `filter` in year `t`.
    pub fn stock_sum(
        &self,
        spec: &Spec,
        u: usize,
        t: i32,
        filter: impl Fn(&Cell) -> bool,
    ) -> Expression {
        let mut e = Expression::default();
        for c in self.cells[u].iter().filter(|c| filter(c)) {
            e += self.stock_expr(spec, u, *c, t);
        }
        e
    }

    pub fn penalty(&self, spec: &Spec) -> f64 {
        spec.config.policy.shortfall_penalty
    }
}
