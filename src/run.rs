//! A plan run as a library function, the pipeline every command that plans calls (`plan`,
//! `compare`, `sweep`, national plans, `simulate --buffer`):
//!
//! 1. find the whole-person plan and its proven bound ([`crate::decompose::find_plan`]);
//! 2. replay its flows from the base stock and refuse a plan whose stocks do not follow;
//! 3. evaluate every target on its head-counts ([`crate::evaluate`]) and say why each
//!    missed one is missed ([`crate::diagnose`]);
//! 4. forecast the same scenario with no plan, for the comparison ([`crate::forecast`]);
//! 5. when asked (`plan` with `intent.price`), plan the letter of R1–R8 alone and price
//!    the intent rules against it ([`price_of_intent`]);
//! 6. build the output tables ([`crate::output::tables`]).
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
use crate::output::contract::{round3, PlanTables, PriceOfIntent};
use crate::output::tables::{self, Results};
use crate::plan::Plan;
use crate::solve::SolveStats;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

/// How to run.
#[derive(Clone, Copy, Default)]
pub struct Options<'a> {
    /// Show the HiGHS log.
    pub verbose: bool,
    /// Progress lines for long runs.
    pub progress: Option<&'a (dyn Fn(String) + Sync)>,
    /// Price the intent rules against the letter-only plan (step 5): `plan` of one
    /// scenario with `intent.price`; other commands never do.
    pub price_intent: bool,
    /// Price every target row (`prices.csv`): `plan` of one scenario with
    /// `budget.target_prices`; other commands never do.
    pub price_targets: bool,
    /// Simulate the plan found (`p_met`, `[simulation]`): `plan` of one scenario; other
    /// commands never do.
    pub chance: bool,
    /// Above `policy.confidence = 0.5`, plan the expectation too, for what confidence costs
    /// (`summary.json`'s `confidence`): `plan` of one scenario; other commands never do.
    pub price_confidence: bool,
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
    /// With `intent.price`: what the intent rules cost.
    pub price_of_intent: Option<PriceOfIntent>,
    /// With `budget.target_prices`: every target row's price.
    pub prices: Option<crate::prices::Priced>,
    /// When the plan goes over a budget cap: the least raise of every cap under which some
    /// plan keeps them all ([`crate::budget::least_raise`]).
    pub least_raise: Option<f64>,
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
    // The no-plan forecast first: the confidence margins read its gap.
    let forecast = crate::forecast::forecast(spec);
    let margins =
        crate::rules::confidence::margins(spec, &crate::evaluate::evaluate(spec, &forecast.plan));
    let expectation = spec;
    let with_margins;
    let spec = if margins.is_empty() {
        spec
    } else {
        say(format!(
            "confidence {}: {} targets planned with a margin, {} people in all",
            spec.config.policy.confidence,
            margins.len(),
            margins.values().map(|m| m.people).sum::<u32>()
        ));
        with_margins = Spec {
            target_margins: margins,
            ..spec.clone()
        };
        &with_margins
    };
    let outcome = crate::decompose::find_plan(spec, options.verbose, &say, options.price_targets)?;
    let (plan, stats, prices) = (outcome.plan, outcome.stats, outcome.prices);
    check_replay(spec, &plan)?;
    let targets = crate::evaluate::evaluate(spec, &plan);
    let shortfalls = crate::diagnose::shortfalls(spec, &plan, &targets);
    let overrun = plan
        .staffing_issues
        .iter()
        .any(|i| i.issue == crate::plan::Issue::BudgetOverrun);
    let least_raise = if overrun {
        say("the plan goes over a budget cap: finding the least caps any plan keeps…".into());
        // A finished plan is not lost to this question's failure.
        crate::budget::least_raise(spec, options.verbose).unwrap_or_else(|e| {
            say(format!("the least cap could not be found: {e}"));
            None
        })
    } else {
        None
    };
    let forecast_gap = crate::evaluate::evaluate(spec, &forecast.plan);
    let price = if options.price_intent {
        say("pricing intent: planning the letter of R1–R8 alone…".into());
        Some(price_of_intent(spec, &plan, options.verbose, &say)?)
    } else {
        None
    };
    let mut tables = tables::plan_tables(&Results {
        spec,
        plan: &plan,
        stats: &stats,
        targets: &targets,
        shortfalls: &shortfalls,
        forecast: Some((&forecast.plan, &forecast_gap)),
        price_of_intent: price.as_ref(),
        prices: prices.as_ref(),
    });
    if let (Some(raise), Some(record)) = (least_raise, &mut tables.summary.budget) {
        record.least_raise = Some(round3(raise));
        if spec.budget_rows.is_empty() {
            record.least_cap = spec
                .config
                .budget
                .cap_per_year
                .map(|cap| round3(cap + raise));
        }
    }
    if let (true, Some(record)) = (options.price_confidence, &mut tables.summary.confidence) {
        say("pricing confidence: planning the expectation (confidence 0.5)…".into());
        let quiet = |_: String| {};
        let half = crate::decompose::find_plan(expectation, options.verbose, &quiet, false)?;
        let at_half: f64 = half.plan.costs.values().sum();
        let cost: f64 = plan.costs.values().sum();
        record.cost_at_expectation = Some(round3(at_half));
        record.extra_cost = Some(round3(cost - at_half));
    }
    if options.chance && spec.config.simulation.draws > 0 {
        say(format!(
            "simulating the plan ({} draws, seed {})…",
            spec.config.simulation.draws, spec.config.simulation.seed
        ));
        crate::simulate::chance_of_plan(spec, &mut tables, spec.config.solver.threads as usize)?;
    }
    Ok(Report {
        plan,
        stats,
        targets,
        shortfalls,
        forecast,
        forecast_gap,
        price_of_intent: price,
        prices,
        least_raise,
        tables,
        timings: Timings {
            seconds: started.elapsed().as_secs_f64(),
            write_seconds: 0.0,
        },
    })
}

/// What the intent rules cost: `plan` against the plan of the same scenario with every
/// intent rule off and no channel minimums (I4), solved the same way.
pub fn price_of_intent(
    spec: &Spec,
    plan: &Plan,
    verbose: bool,
    progress: &(dyn Fn(String) + Sync),
) -> Result<PriceOfIntent> {
    let mut letter = spec.clone();
    letter.config.intent = crate::domain::config::IntentConfig::letter_only();
    for channel in &mut letter.channels {
        channel.min_hires = None;
    }
    let quiet = |_: String| {};
    let outcome = crate::decompose::find_plan(&letter, verbose, &quiet, false)?;
    check_replay(&letter, &outcome.plan)?;
    let (met, missed, _) =
        crate::evaluate::tally(&crate::evaluate::evaluate(&letter, &outcome.plan));
    let by = |p: &Plan| {
        let mut lever: BTreeMap<String, f64> = BTreeMap::new();
        let mut year: BTreeMap<String, f64> = BTreeMap::new();
        for ((t, _, line), cost) in &p.costs {
            *lever.entry(line.to_string()).or_default() += cost;
            *year.entry(t.to_string()).or_default() += cost;
        }
        (lever, year)
    };
    let (lever, year) = by(plan);
    let (letter_lever, letter_year) = by(&outcome.plan);
    let difference = |a: &BTreeMap<String, f64>, b: &BTreeMap<String, f64>| {
        a.keys()
            .chain(b.keys())
            .map(|k| {
                let d = a.get(k).copied().unwrap_or(0.0) - b.get(k).copied().unwrap_or(0.0);
                (k.clone(), round3(d))
            })
            .collect::<BTreeMap<String, f64>>()
    };
    let cost: f64 = plan.costs.values().sum();
    let letter_only_cost: f64 = outcome.plan.costs.values().sum();
    progress(format!(
        "letter-only plan: {:.1} billion VND, gap {:.3}%",
        letter_only_cost / 1000.0,
        outcome.stats.gap * 100.0
    ));
    Ok(PriceOfIntent {
        cost: round3(cost),
        letter_only_cost: round3(letter_only_cost),
        extra_cost: round3(cost - letter_only_cost),
        extra_by_lever: difference(&lever, &letter_lever),
        extra_by_year: difference(&year, &letter_year),
        letter_only_targets_met: met,
        letter_only_targets_missed: missed,
        letter_only_gap: outcome.stats.gap,
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

/// Writes a run's tables into `out` atomically, with its charts in `plots/LANG/`,
/// `plan.xlsx` and `report.html` in that language when a language is given; returns the seconds it took.
pub fn write(out: &Path, tables: &PlanTables, lang: Option<&Labels>) -> Result<f64> {
    write_with(out, tables, lang, |_| Ok(()))
}

/// [`write`], and `more` writes what else the folder holds (a re-plan's scenario and
/// changes) before it is put in place.
pub fn write_with(
    out: &Path,
    tables: &PlanTables,
    lang: Option<&Labels>,
    more: impl FnOnce(&Path) -> Result<()>,
) -> Result<f64> {
    let started = Instant::now();
    crate::output::write_folder(out, |dir| {
        more(dir)?;
        crate::output::write::plan(dir, tables)?;
        if let Some(labels) = lang {
            let plots = dir.join("plots").join(labels.lang());
            crate::output::folder::make_dir(&plots)?;
            let stats = crate::charts::stats::Stats::of(tables);
            crate::charts::draw_into(&plots, &stats, labels)?;
            crate::workbook::write(dir, tables, Some(&plots), labels)?;
            crate::report::write(dir, tables, &plots, labels)?;
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
