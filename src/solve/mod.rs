//! Solving one model with HiGHS. The model is built with good_lp, then handed to the
//! `highs` crate directly, because good_lp reports neither the best bound nor the gap (and
//! calls a finished MIP `GapLimit`). HiGHS's own info values give both.

use crate::domain::config::{HighsValue, SolverConfig};
use crate::domain::{Cell, FlowKind};
use crate::error::{Error, Result};
use crate::model::{Amount, Flow, Model};
use good_lp::{IntoAffineExpression, SolverModel};
use highs::HighsModelStatus;
use serde::Serialize;
use std::collections::BTreeMap;
use std::collections::HashMap;
use std::time::Instant;

mod blocks;

#[derive(Debug, Clone, Default, Serialize)]
pub struct SolveStats {
    /// `optimal` (proven within the relative gap), `feasible` (a whole-person plan whose
    /// gap is above the tolerance), or `time_limit` (best plan when time ran out).
    pub status: String,
    /// Objective of the plan, million VND (costs plus priced shortfalls and R5 distance).
    pub objective: f64,
    /// Best proven lower bound on any whole-person plan's objective.
    pub bound: f64,
    /// (objective − bound) / |objective|.
    pub gap: f64,
    /// objective − bound, million VND.
    pub gap_million_vnd: f64,
    pub seconds: f64,
    pub columns: usize,
    pub integer_columns: usize,
    pub rows: usize,
    pub nodes: i64,
    /// How the plan was found: `monolithic` or `decomposed (N groups of units)`.
    pub method: String,
    /// Seconds spent building models, summed over every model built (not written out, so
    /// that outputs stay byte-identical apart from `seconds`).
    #[serde(skip)]
    pub build_seconds: f64,
    /// Seconds inside HiGHS, summed over every solve.
    #[serde(skip)]
    pub highs_seconds: f64,
}

impl SolveStats {
    pub fn set_gap(&mut self, tolerance: f64) {
        self.gap_million_vnd = (self.objective - self.bound).max(0.0);
        self.gap = if self.objective.abs() > 1e-9 {
            self.gap_million_vnd / self.objective.abs()
        } else {
            0.0
        };
        if self.status != "time_limit" {
            self.status = if self.gap <= tolerance + 1e-12 {
                "optimal"
            } else {
                "feasible"
            }
            .into();
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Whole people: integer flows.
    Mip,
    /// The LP relaxation, for a bound and for splitting shared capacities.
    Relaxation,
    /// The LP relaxation of a model of many units, by Dantzig–Wolfe decomposition over its
    /// blocks ([`blocks`]): the whole province's LP.
    RelaxationFromBlocks,
    /// Whole people, stopped after this many branch-and-bound nodes with the best plan found
    /// (a node limit, not a time, so that the plan does not depend on the machine).
    MipNodes(i32),
    /// The plan that uses no lever: every decision flow fixed at zero (stocks, slacks and
    /// required counts follow). It uses nothing of a hard shared limit beyond what its model
    /// fixes, so a pick of such plans keeps every hard limit (the budget's master problem
    /// always has it); it may still spend the over-quota premium. Its bound is the fixed
    /// problem's, not a bound of the group's model.
    DoNothing,
    /// The plan of the model's start: every decision flow fixed at its start value (stocks,
    /// slacks and required counts follow), to price a plan found elsewhere.
    Fixed,
}

pub struct Solved {
    pub stats: SolveStats,
    column: HashMap<good_lp::Variable, usize>,
    /// Column values by column index.
    pub values: Vec<f64>,
    /// Row activities by registry index.
    pub row_values: Vec<f64>,
    /// Row duals (LP only): `c − Aᵀy` are the reduced costs.
    pub row_duals: Vec<f64>,
    /// Reduced costs (LP only).
    pub col_duals: Vec<f64>,
    /// For an LP solved by decomposition: the constant of its Lagrangian at `row_duals`
    /// (`Σ y·b` and the province columns' least priced cost); else `Σ y·(row activity)`
    /// gives it, by complementary slackness.
    pub lagrangian_constant: Option<f64>,
}

impl Solved {
    pub fn value(&self, v: good_lp::Variable) -> f64 {
        self.values[self.column[&v]]
    }
    pub fn reduced_cost(&self, v: good_lp::Variable) -> f64 {
        self.col_duals[self.column[&v]]
    }
    /// A whole-person value: integer columns are within 1e-6 of an integer.
    pub fn count(&self, v: good_lp::Variable) -> i64 {
        self.value(v).round() as i64
    }
    pub fn eval(&self, e: &good_lp::Expression) -> f64 {
        let constant = e.constant();
        e.clone()
            .linear_coefficients()
            .map(|(v, c)| c * self.value(v))
            .sum::<f64>()
            + constant
    }
}

/// The version of HiGHS linked in.
pub fn highs_version() -> String {
    // SAFETY: Highs_version returns a static NUL-terminated string.
    unsafe { std::ffi::CStr::from_ptr(highs_sys::Highs_version()) }
        .to_string_lossy()
        .into_owned()
}

/// Solves the model's problem, which it takes out of `model`; the model keeps its registry
/// and variable maps to read the solution with.
pub fn solve(
    model: &mut Model,
    settings: &SolverConfig,
    mode: Mode,
    verbose: bool,
) -> Result<Solved> {
    let vars = std::mem::replace(&mut model.vars, good_lp::ProblemVariables::new());
    let constraints = std::mem::take(&mut model.constraints);
    let objective = std::mem::take(&mut model.objective);
    let columns = vars.len();
    let rows = constraints.len();
    let mut problem = vars.minimise(objective).using(good_lp::highs);
    for c in constraints {
        problem.add_constraint(c);
    }
    let mut highs_model = problem
        .try_into_inner()
        .map_err(|e| Error::Solver(format!("building the HiGHS model failed: {e}")))?;
    highs_model.set_option("output_flag", verbose);
    highs_model.set_option("log_to_console", verbose);
    highs_model.set_option("time_limit", settings.time_limit_seconds);
    highs_model.set_option("mip_rel_gap", settings.mip_rel_gap);
    // One HiGHS thread per solve: parallelism comes from solving groups side by side, and
    // HiGHS refuses a thread count that differs from its first one in the process.
    highs_model.set_option("threads", 1);
    highs_model.set_option("random_seed", settings.random_seed as i32);
    match mode {
        Mode::Relaxation => highs_model.set_option("solve_relaxation", true),
        Mode::RelaxationFromBlocks => {}
        Mode::Mip | Mode::MipNodes(_) => {
            if let Mode::MipNodes(n) = mode {
                highs_model.set_option("mip_max_nodes", n);
            }
            // Every MIP starts from a plan (below), so the feasibility jump heuristic, which
            // looks for a first one, only costs time (4% of the sample's solve).
            highs_model.set_option("mip_heuristic_run_feasibility_jump", false);
            let start = model
                .start
                .as_ref()
                .and_then(|s| s.columns(model))
                .unwrap_or_else(|| do_nothing_start(model));
            set_start(&mut highs_model, &start)?
        }
        Mode::DoNothing | Mode::Fixed => {
            let start = match mode {
                Mode::Fixed => model
                    .start
                    .as_ref()
                    .and_then(|s| s.columns(model))
                    .ok_or_else(|| Error::Solver("no start to fix".into()))?,
                _ => do_nothing_start(model),
            };
            fix_columns(&mut highs_model, &start)?;
            set_start(&mut highs_model, &start)?
        }
    }
    apply_extra_options(&mut highs_model, &settings.highs)?;
    let started = Instant::now();
    if mode == Mode::RelaxationFromBlocks {
        let shared: Vec<bool> = {
            let mut shared = vec![false; rows];
            for (_, i) in &model.shared_rows {
                shared[*i] = true;
            }
            shared
        };
        // SAFETY: the live model's pointer; `shared` has one entry per row.
        let by_blocks = unsafe {
            blocks::solve(
                highs_model.as_ptr(),
                &shared,
                settings.threads as usize,
                // A twentieth of the plan's tolerance: the plan's bound is this LP's,
                // raised, and the groups' split is its point (docs/model.md step 2).
                settings.mip_rel_gap / 20.0,
                settings.gap_offset,
                settings.time_limit_seconds,
                verbose,
            )
        };
        match by_blocks {
            Ok(lp) => {
                let seconds = started.elapsed().as_secs_f64();
                if verbose {
                    crate::errln!(
                        "LP by {} blocks and {} shared rows: {} master iterations, bound {:.1}, master {:.1}, {:.1} s",
                        lp.blocks, lp.shared_rows, lp.iterations, lp.bound, lp.value, seconds
                    );
                }
                let mut stats = SolveStats {
                    status: "optimal".into(),
                    objective: lp.bound,
                    bound: lp.bound,
                    seconds,
                    columns,
                    integer_columns: model.integer_columns,
                    rows,
                    method: "monolithic".into(),
                    ..Default::default()
                };
                stats.set_gap(settings.mip_rel_gap);
                return Ok(Solved {
                    stats,
                    column: std::mem::take(&mut model.column),
                    values: lp.values,
                    row_values: lp.row_values,
                    row_duals: lp.row_duals,
                    col_duals: lp.col_duals,
                    lagrangian_constant: Some(lp.constant),
                });
            }
            Err(why) => {
                if verbose {
                    crate::errln!("LP by blocks failed ({why}); solving it whole");
                }
                highs_model.set_option("solve_relaxation", true);
            }
        }
    }
    let solved = highs_model
        .try_solve()
        .map_err(|e| Error::Solver(format!("HiGHS failed while solving: {e:?}")))?;
    let seconds = started.elapsed().as_secs_f64();
    let status = solved.status();
    if solved.primal_solution_status() != highs::HighsSolutionStatus::Feasible {
        if matches!(
            status,
            HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible
        ) {
            return Err(Error::Infeasible(format!("{status:?}")));
        }
        return Err(Error::Solver(match status {
            HighsModelStatus::ReachedTimeLimit => format!(
                "no plan was found within the time limit of {} s; raise solver.time_limit_seconds",
                settings.time_limit_seconds
            ),
            other => format!(
                "HiGHS ended with status {other:?} and no plan. Every target has a priced shortfall, \
                 so this points to conflicting data rather than unreachable targets; please report it"
            ),
        }));
    }
    let objective = solved.objective_value();
    let bound = match mode {
        Mode::Relaxation | Mode::RelaxationFromBlocks => objective,
        Mode::Mip | Mode::MipNodes(_) | Mode::DoNothing | Mode::Fixed => solved
            .double_info_value(c"mip_dual_bound")
            .unwrap_or(f64::NAN),
    };
    let mut nodes: i64 = 0;
    // SAFETY: a live model pointer and a NUL-terminated name; mip_node_count is int64.
    unsafe {
        highs_sys::Highs_getInt64InfoValue(
            solved.as_ptr() as *mut _,
            c"mip_node_count".as_ptr(),
            &mut nodes,
        );
    }
    let solution = solved.get_solution();
    let mut stats = SolveStats {
        status: match status {
            HighsModelStatus::ReachedTimeLimit => "time_limit".to_string(),
            _ => "optimal".to_string(),
        },
        objective,
        bound,
        gap: 0.0,
        gap_million_vnd: 0.0,
        seconds,
        columns,
        integer_columns: model.integer_columns,
        rows,
        nodes: nodes.max(0),
        method: "monolithic".into(),
        ..Default::default()
    };
    stats.set_gap(settings.mip_rel_gap);
    Ok(Solved {
        stats,
        column: std::mem::take(&mut model.column),
        values: solution.columns().to_vec(),
        row_values: solution.rows().to_vec(),
        row_duals: solution.dual_rows().to_vec(),
        col_duals: solution.dual_columns().to_vec(),
        lagrangian_constant: None,
    })
}

/// A whole-person plan's decision flows, to start another MIP of the same units from: a
/// group's retry with more capacity, or its priced MIP in the bound. Both have the same
/// columns; every row they change either has a priced slack or is dropped, so the plan stays
/// feasible and the search starts from it instead of from the "no action" plan.
#[derive(Debug, Clone, Default)]
pub struct FlowStart {
    flows: Vec<(FlowSignature, f64)>,
}

/// What identifies a flow between two models built by the same recipe.
type FlowSignature = (
    FlowKind,
    usize,
    Cell,
    i32,
    Option<usize>,
    Option<usize>,
    Option<usize>,
);

fn signature(f: &Flow) -> FlowSignature {
    (
        f.kind,
        f.unit,
        f.cell,
        f.year,
        f.channel,
        f.route,
        f.counterpart,
    )
}

impl FlowStart {
    /// The decision flows of `model` as `solved` has them.
    pub fn of(model: &Model, solved: &Solved) -> FlowStart {
        let flows = model
            .flows
            .iter()
            .filter_map(|f| match f.amount {
                Amount::Var(v) => Some((signature(f), solved.value(v).round())),
                _ => None,
            })
            .collect();
        FlowStart { flows }
    }

    /// `(column, value)` of every decision flow of `model`, or `None` when its flows are
    /// not those this start was taken from.
    fn columns(&self, model: &Model) -> Option<Vec<(usize, f64)>> {
        let vars: Vec<(FlowSignature, good_lp::Variable)> = model
            .flows
            .iter()
            .filter_map(|f| match f.amount {
                Amount::Var(v) => Some((signature(f), v)),
                _ => None,
            })
            .collect();
        if vars.len() != self.flows.len() {
            return None;
        }
        let mut start = Vec::with_capacity(vars.len());
        for ((sig, v), (want, value)) in vars.iter().zip(&self.flows) {
            if sig != want {
                return None;
            }
            start.push((model.column[v], *value));
        }
        start.sort_by_key(|(i, _)| *i);
        start.dedup_by_key(|(i, _)| *i);
        Some(start)
    }
}

/// A partial MIP start: every decision flow at zero. HiGHS completes it (stocks, slacks,
/// required counts) into the "no action" plan, which is always feasible because every
/// target and staffing floor has a priced slack, so the search starts from an incumbent.
fn do_nothing_start(model: &Model) -> Vec<(usize, f64)> {
    let mut start: Vec<(usize, f64)> = model
        .flows
        .iter()
        .filter_map(|f| match f.amount {
            Amount::Var(v) => Some((model.column[&v], 0.0)),
            _ => None,
        })
        .collect();
    start.sort_by_key(|(i, _)| *i);
    start.dedup_by_key(|(i, _)| *i);
    start
}

/// Each column of `values` fixed at its value.
fn fix_columns(model: &mut highs::Model, values: &[(usize, f64)]) -> Result<()> {
    for &(i, v) in values {
        // SAFETY: the pointer is the live model's and `i` one of its columns.
        let status = unsafe {
            highs_sys::Highs_changeColBounds(model.as_mut_ptr(), i as highs_sys::HighsInt, v, v)
        };
        if status == highs_sys::kHighsStatusError {
            return Err(Error::Solver("HiGHS refused to fix a column".into()));
        }
    }
    Ok(())
}

fn set_start(model: &mut highs::Model, start: &[(usize, f64)]) -> Result<()> {
    if start.is_empty() {
        return Ok(());
    }
    let index: Vec<highs_sys::HighsInt> = start
        .iter()
        .map(|(i, _)| *i as highs_sys::HighsInt)
        .collect();
    let value: Vec<f64> = start.iter().map(|(_, v)| *v).collect();
    // SAFETY: the pointer is the live model's; index and value have num_entries items.
    let status = unsafe {
        highs_sys::Highs_setSparseSolution(
            model.as_mut_ptr(),
            index.len() as highs_sys::HighsInt,
            index.as_ptr(),
            value.as_ptr(),
        )
    };
    if status == highs_sys::kHighsStatusError {
        return Err(Error::Solver("HiGHS rejected the starting plan".into()));
    }
    Ok(())
}

/// `[solver.highs]`: extra HiGHS options, for tuning and benchmarks.
fn apply_extra_options(
    model: &mut highs::Model,
    options: &BTreeMap<String, HighsValue>,
) -> Result<()> {
    for (name, value) in options {
        set_option(model, name, value).map_err(|message| {
            Error::Usage(format!(
                "scenario.toml: field 'solver.highs.{name}': {message}"
            ))
        })?;
    }
    Ok(())
}

fn set_option(
    model: &mut highs::Model,
    name: &str,
    value: &HighsValue,
) -> std::result::Result<(), String> {
    let ok = match value {
        HighsValue::Bool(b) => model.try_set_option(name, *b).is_ok(),
        HighsValue::Int(i) => {
            let Ok(i) = i32::try_from(*i) else {
                return Err(format!(
                    "expected a whole number from -2147483648 to 2147483647, found {i}"
                ));
            };
            model.try_set_option(name, i).is_ok() || model.try_set_option(name, i as f64).is_ok()
        }
        HighsValue::Float(f) => model.try_set_option(name, *f).is_ok(),
        HighsValue::Text(t) => model.try_set_option(name, t.as_str()).is_ok(),
    };
    if ok {
        Ok(())
    } else {
        let shown = match value {
            HighsValue::Bool(b) => b.to_string(),
            HighsValue::Int(i) => i.to_string(),
            HighsValue::Float(f) => f.to_string(),
            HighsValue::Text(t) => format!("\"{t}\""),
        };
        Err(format!(
            "HiGHS has no option \"{name}\", or does not take the value {shown} for it; expected an option and a value of the HiGHS options reference"
        ))
    }
}

/// Whether HiGHS takes an option of `[solver.highs]`, checked on an empty model when the
/// scenario is loaded, so that `check` finds a bad one.
pub fn check_highs_option(name: &str, value: &HighsValue) -> std::result::Result<(), String> {
    let mut model = highs::RowProblem::default().optimise(highs::Sense::Minimise);
    model.set_option("output_flag", false);
    set_option(&mut model, name, value)
}
