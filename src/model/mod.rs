//! The planning model, built as an ordered recipe in the manner of PyPSA's `create_model`:
//! index → variables and stock balances → staffing limits → capacities → policies →
//! objective. Each rule family lives in its own module under [`policies`] (after GenX's
//! `model/policies/*.jl`), adds its rows to the shared [`Model`], and prices its slack in
//! the shared objective.
//!
//! # Formulation
//!
//! Sets: units `u`, cells `c = (group, gender, role, trained)`, planned years
//! `t = base+1..=horizon`, target years `y` with roadmap level `λ_y`.
//!
//! Decisions (all **integer**, whole people): hires `h[u,k,g,s,t]` by channel-year `k`
//! (people who stay; see [`stocks`] for new-hire leavers); promotions `p[u,c,t]` (trained
//! EM staff → leader); trainings `r[u,c,t]` (EM untrained → trained); transfers
//! `x[route,u→v,c,t]` of EM staff; streamlining exits `e[u,c,t]`. Stocks `S[u,c,t]` are
//! continuous columns that the balances make whole.
//!
//! Stock balance (equality, one row per unit, cell and year):
//! `S[t] = S[t−1] − R[t] − A[t] + Σ_k h ± p ± r − e + x_in − x_out`,
//! where `R` (retirements, input) and `A` (attrition of the existing workforce) are
//! **integer data**, see [`stocks`].
//!
//! ## Why this solves well, and why it is still correct
//! A naive model applies a fractional attrition rate to stock variables
//! (`S[t] = (1−a)·S[t−1] + …`). Stocks then take fractional values, every ceiling in a
//! target (“20% of 47 is 10 people”) needs its own integer rounding, and HiGHS spends its
//! time closing a gap made of fractions of people. Here every coefficient in a balance is
//! ±1 and every right-hand side an integer, so stocks are integral whenever the flows are,
//! and each rate rule with an integer right-hand side is already a whole-person rule
//! (`S_em ≥ ⌈0.16·47⌉ = 8`). Rules whose minimum depends on the plan (R6–R8) use an integer
//! “required” variable `m ≥ λ·rate·S_em`, which the objective pushes down to exactly
//! `⌈λ·rate·S_em⌉`. Attrition becomes data in two exact steps:
//! - The existing workforce's expected leavers are computed once per unit, cell and year
//!   on the base cohort (after retirements), and rounded by cumulative rounding so totals
//!   over the horizon stay within half a person of the expectation per cell.
//! - New hires leave with probability `P = 1−(1−a_new)^n` over their first `n` years; a
//!   planned hire is a person who stays, and costs `1/(1−P)` recruitments (the expected
//!   replacements) in money and channel capacity.
//!
//! What is given up: the existing workforce's attrition does not react to the plan (the
//! stock-non-negativity rows keep a cell's booked leavers in it until they leave), and
//! hires' attrition after their first years is not modelled. Both are documented in
//! `docs/model.md`.
//!
//! The whole-province model is too large for HiGHS's MIP heuristics; [`crate::decompose`]
//! plans it in groups of units and proves the gap with a Lagrangian bound.
//!
//! Every target row has a slack priced at `policy.shortfall_penalty` per person, far above
//! any real cost, so an unreachable target still yields the cheapest plan that gets closest,
//! and the report names the unit, rule, year and shortfall. Rows are recorded in a
//! [`Registry`] because HiGHS, through good_lp, drops names.

pub mod capacity;
pub mod costs;
pub mod policies;
pub mod registry;
pub mod staffing;
pub mod stocks;

pub use crate::domain::FlowKind;
use crate::domain::Rule;
use crate::domain::{Cell, Spec};
use good_lp::{Constraint, Expression, ProblemVariables, Variable};
pub use registry::{Registry, RowKind, RowMeta};
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
    /// Million VND per person, booked to this row.
    pub unit_cost: f64,
    /// Lever name in `costs.csv`.
    pub lever: &'static str,
}

/// A target row's slack and how to read its outcome.
#[derive(Debug, Clone)]
pub struct TargetSlack {
    pub unit: Option<usize>,
    pub rule: Rule,
    pub year: i32,
    pub slack: Variable,
}

/// The rows that tie units together (shared capacities, province-wide rules, R5), named
/// by what they are, so that an LP dual can be read back as a price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SharedRow {
    Capacity(capacity::Capacity),
    /// Net change of a group's head-count in a year (R5).
    GroupChange(usize, i32),
    /// Province-wide R1 or R4 total: `Σ_u achieved_u + shortfall ≥ required`.
    Total(Rule, i32),
    /// Provincial R6 minimum: `q ≥ rate · Σ_u EM staff_u`.
    R6Required(i32),
    /// Provincial R6 or R7: `Σ_u achieved_u + shortfall ≥ q`.
    LeaderTarget(Rule, i32),
    /// Coverage roadmap: `Σ_u met_u + shortfall ≥ ⌈level · units⌉`.
    CoverageCount(Rule, i32),
    /// A row over province-wide variables only (R5 distances, the R7 minimum).
    ProvinceOnly,
}

/// How a model over some units treats what it shares with the others.
#[derive(Debug, Clone)]
pub enum Coupling {
    /// The whole province: shared rows as written.
    Whole,
    /// Part of the province, with its share of each capacity and of each province-wide rule:
    /// `(rule, year, unit) → e` asks `achieved − coefficient·base ≥ e`
    /// (see [`policies::add_local_share`]).
    /// Under the coverage roadmap, `coverage_counts` is the group's share of each count.
    Share {
        allocation: BTreeMap<capacity::Capacity, f64>,
        local_targets: BTreeMap<(Rule, i32, usize), f64>,
        coverage_counts: BTreeMap<(Rule, i32), f64>,
    },
    /// Part of the province with the shared rows priced into the objective (a Lagrangian
    /// subproblem, for the bound): prices are the LP duals of those rows.
    Priced(BTreeMap<SharedRow, f64>),
}

/// The units a model covers and how it treats shared rows (see [`crate::decompose`]).
#[derive(Debug, Clone)]
pub struct Scope {
    /// Sorted unit indices.
    pub units: Vec<usize>,
    pub coupling: Coupling,
}

impl Scope {
    pub fn all(spec: &Spec) -> Self {
        Scope {
            units: (0..spec.units.len()).collect(),
            coupling: Coupling::Whole,
        }
    }
    /// The LP dual of a shared row, when pricing.
    pub fn price(&self, row: SharedRow) -> Option<f64> {
        match &self.coupling {
            Coupling::Priced(prices) => Some(prices.get(&row).copied().unwrap_or(0.0)),
            _ => None,
        }
    }
    pub fn contains(&self, u: usize) -> bool {
        self.units.binary_search(&u).is_ok()
    }
    pub fn contains_all(&self, members: &[usize]) -> bool {
        members.iter().all(|&u| self.contains(u))
    }
    pub fn is_whole_province(&self) -> bool {
        matches!(self.coupling, Coupling::Whole)
    }
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
    pub other_slacks: Vec<(RowKind, Option<usize>, i32, Variable)>,
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
}

impl Model {
    fn add_var(&mut self, def: good_lp::VariableDefinition) -> Variable {
        let index = self.vars.len();
        let v = self.vars.add(def);
        self.column.insert(v, index);
        v
    }

    fn new(scope: Scope) -> Self {
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
            integer_columns: 0,
            column: HashMap::new(),
            shared_rows: Vec::new(),
            coverage_met: Vec::new(),
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

/// Builds the model for a checked scenario, over the units of `scope`.
pub fn build(spec: &Spec, scope: Scope) -> Model {
    let mut m = Model::new(scope);
    stocks::add_cells(spec, &mut m);
    stocks::add_flows(spec, &mut m);
    stocks::add_balances(spec, &mut m);
    staffing::add(spec, &mut m);
    capacity::add(spec, &mut m);
    policies::add(spec, &mut m);
    costs::add_objective(spec, &mut m);
    m
}
