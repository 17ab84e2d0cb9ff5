//! Solving with HiGHS. The model is built with good_lp, then handed to the `highs` crate
//! directly, because good_lp reports neither the best bound nor the gap (and calls a
//! finished MIP `GapLimit`). HiGHS's own info values give both.

use crate::error::{Error, Result};
use crate::model::Model;
use crate::scenario::config::SolverConfig;
use good_lp::SolverModel;
use highs::HighsModelStatus;
use serde::Serialize;
use std::time::Instant;

#[derive(Debug, Clone, Serialize)]
pub struct SolveStats {
    /// `optimal` (proven within the relative gap), `time_limit` (best plan found when
    /// time ran out), or another HiGHS status in lower case.
    pub status: String,
    /// Objective of the plan, million VND (costs plus priced shortfalls).
    pub objective: f64,
    /// Best proven lower bound on any whole-person plan's objective.
    pub bound: f64,
    /// (objective − bound) / |objective|, as HiGHS defines it.
    pub gap: f64,
    /// objective − bound, million VND.
    pub gap_million_vnd: f64,
    pub seconds: f64,
    pub columns: usize,
    pub integer_columns: usize,
    pub rows: usize,
    pub nodes: i64,
}

pub struct Solved {
    pub stats: SolveStats,
    column: std::collections::HashMap<good_lp::Variable, usize>,
    /// Column values by variable index.
    pub values: Vec<f64>,
    /// Row activities by registry index.
    pub row_values: Vec<f64>,
}

impl Solved {
    pub fn value(&self, v: good_lp::Variable) -> f64 {
        self.values[self.column[&v]]
    }
    /// A whole-person value: integer columns are within 1e-6 of an integer.
    pub fn count(&self, v: good_lp::Variable) -> i64 {
        self.value(v).round() as i64
    }
}


/// Solves the model's problem, which it takes out of `model`; the model keeps its registry
/// and variable maps to read the solution with.
pub fn solve(model: &mut Model, settings: &SolverConfig, verbose: bool) -> Result<Solved> {
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
    highs_model.set_option("threads", settings.threads as i32);
    highs_model.set_option("random_seed", settings.random_seed as i32);
    let started = Instant::now();
    let solved = highs_model
        .try_solve()
        .map_err(|e| Error::Solver(format!("HiGHS failed while solving: {e:?}")))?;
    let seconds = started.elapsed().as_secs_f64();
    let status = solved.status();
    let has_plan = solved.primal_solution_status() == highs::HighsSolutionStatus::Feasible;
    if !has_plan {
        return Err(Error::Solver(match status {
            HighsModelStatus::ReachedTimeLimit => format!(
                "no whole-person plan was found within the time limit of {} s; raise solver.time_limit_seconds",
                settings.time_limit_seconds
            ),
            other => format!(
                "HiGHS ended with status {other:?} and no plan. Every target has a priced shortfall, \
                 so this points to conflicting data rather than unreachable targets; please report it"
            ),
        }));
    }
    let objective = solved.objective_value();
    let bound = solved.double_info_value(c"mip_dual_bound").unwrap_or(f64::NAN);
    let gap = solved.mip_gap();
    let nodes = solved.int_info_value(c"mip_node_count").unwrap_or(0);
    let solution = solved.get_solution();
    let status_name = match status {
        HighsModelStatus::Optimal => "optimal".to_string(),
        HighsModelStatus::ReachedTimeLimit => "time_limit".to_string(),
        other => format!("{other:?}").to_lowercase(),
    };
    let stats = SolveStats {
        status: status_name,
        objective,
        bound,
        gap: if gap.is_finite() { gap } else { 0.0 },
        gap_million_vnd: if bound.is_finite() { (objective - bound).max(0.0) } else { 0.0 },
        seconds,
        columns,
        integer_columns: model.integer_columns,
        rows,
        nodes,
    };
    Ok(Solved { stats, column: std::mem::take(&mut model.column), values: solution.columns().to_vec(), row_values: solution.rows().to_vec() })
}
