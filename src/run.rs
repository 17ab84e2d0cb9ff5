//! A plan run as a library function, the pipeline every command that plans calls (`plan`,
//! `compare`, `sweep`, national plans, `simulate --buffer`):
//!
//! 1. find the whole-person plan and its proven bound ([`crate::decompose::find_plan`]);
//! 2. replay its flows from the base stock and refuse a plan whose stocks do not follow;
//! 3. evaluate every target on its head-counts ([`crate::evaluate`]) and say why each
//!    missed one is missed ([`crate::diagnose`]);
//! 4. forecast the same scenario with no plan, for the comparison ([`crate::forecast`]);
//! 5. build the output tables ([`crate::output::tables`]).
//!
//! [`write`] then writes the tables and draws the charts into an output folder, atomically.
//! The returned [`Report`] holds everything: callers print from it, compare runs with it,
//! and never read the folder back.

use crate::charts::labels::Labels;
use crate::diagnose::Shortfall;
use crate::domain::target::TargetRow;
use crate::domain::Spec;
use crate::error::{Error, Result};
use crate::forecast::Forecast;
use crate::output::contract::PlanTables;
use crate::output::tables::{self, Results};
use crate::plan::Plan;
use crate::solve::SolveStats;
use std::path::Path;
use std::time::Instant;

/// How to run.
#[derive(Clone, Copy, Default)]
pub struct Options<'a> {
    /// Show the HiGHS log.
    pub verbose: bool,
    /// Progress lines for long runs.
    pub progress: Option<&'a (dyn Fn(String) + Sync)>,
}

/// Where the time went.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// From the start of the run to its tables.
    pub seconds: f64,
    /// Writing the tables and drawing the charts.
    pub write_seconds: f64,
}

/// Everything a plan run produced.
pub struct Report {
    pub plan: Plan,
    pub stats: SolveStats,
    pub targets: Vec<TargetRow>,
    pub shortfalls: Vec<Shortfall>,
    pub forecast: Forecast,
    /// The forecast's targets: the gap with no plan.
    pub forecast_gap: Vec<TargetRow>,
    /// The output folder's tables.
    pub tables: PlanTables,
    pub timings: Timings,
}

/// Plans a checked scenario.
pub fn plan(spec: &Spec, options: Options) -> Result<Report> {
    let started = Instant::now();
    let say = |line: String| {
        if let Some(p) = options.progress {
            p(line)
        }
    };
    let outcome = crate::decompose::find_plan(spec, options.verbose, &say)?;
    let (plan, stats) = (outcome.plan, outcome.stats);
    check_replay(spec, &plan)?;
    let targets = crate::evaluate::evaluate(spec, &plan);
    let shortfalls = crate::diagnose::shortfalls(spec, &plan, &targets);
    let forecast = crate::forecast::forecast(spec);
    let forecast_gap = crate::evaluate::evaluate(spec, &forecast.plan);
    let tables = tables::plan_tables(&Results {
        spec,
        plan: &plan,
        stats: &stats,
        targets: &targets,
        shortfalls: &shortfalls,
        forecast: Some((&forecast.plan, &forecast_gap)),
    });
    Ok(Report {
        plan,
        stats,
        targets,
        shortfalls,
        forecast,
        forecast_gap,
        tables,
        timings: Timings {
            seconds: started.elapsed().as_secs_f64(),
            write_seconds: 0.0,
        },
    })
}

/// The engine's own check: the plan's flows, added to the base stock year by year, give its
/// stocks exactly.
pub fn check_replay(spec: &Spec, plan: &Plan) -> Result<()> {
    match plan.replay_mismatch(spec) {
        None => Ok(()),
        Some((t, u, c)) => Err(Error::Solver(format!(
            "internal check failed: flows do not reproduce the stock of {} {}/{}/{}/{} in {t}",
            spec.units[u].id,
            spec.groups[c.group].id,
            c.gender(),
            c.role(),
            c.trained_word()
        ))),
    }
}

/// Writes a run's tables into `out` atomically, with its charts in `plots/LANG/` when a
/// language is given; returns the seconds it took.
pub fn write(out: &Path, tables: &PlanTables, lang: Option<&Labels>) -> Result<f64> {
    let started = Instant::now();
    crate::output::write_folder(out, |dir| {
        crate::output::write::plan(dir, tables)?;
        if let Some(labels) = lang {
            let plots = dir.join("plots").join(labels.lang());
            crate::output::folder::make_dir(&plots)?;
            let stats = crate::charts::stats::Stats::of(tables);
            crate::charts::draw_into(&plots, &stats, labels)?;
        }
        Ok(())
    })?;
    Ok(started.elapsed().as_secs_f64())
}

/// Plans a scenario and writes its folder.
pub fn plan_into(
    spec: &Spec,
    out: &Path,
    options: Options,
    lang: Option<&Labels>,
) -> Result<Report> {
    let mut report = plan(spec, options)?;
    if lang.is_some() {
        if let Some(p) = options.progress {
            p("drawing charts…".into());
        }
    }
    report.timings.write_seconds = write(out, &report.tables, lang)?;
    report.timings.seconds += report.timings.write_seconds;
    Ok(report)
}
