//! `bienche replan`: a plan of the years after a reported year, from the compiled actuals.

use crate::charts::labels::Labels;
use crate::error::Result;
use crate::output::folder::{check_out, Kind, Out};
use crate::run;
use std::path::PathBuf;

/// The command line of `replan`, parsed.
pub struct Request {
    pub plan: PathBuf,
    pub actuals: PathBuf,
    pub out: PathBuf,
    pub lang: String,
    pub force: bool,
    pub quiet: bool,
}

pub fn run(r: &Request) -> Result<()> {
    let labels = Labels::new(&r.lang)?;
    crate::forms::outside(&r.out, &r.plan)?;
    crate::forms::outside(&r.out, &r.actuals)?;
    let scenario = crate::output::read::manifest(&r.plan)?.scenario_dir;
    let mut inputs = vec![r.plan.clone(), r.actuals.clone()];
    inputs.extend(crate::scenario::inputs(&scenario)?);
    check_out(&Out {
        path: &r.out,
        kind: Kind::Plan,
        inputs: &inputs,
        force: r.force,
    })?;
    let say = |msg: String| {
        if !r.quiet {
            crate::errln!("{msg}");
        }
    };
    let prepared = crate::replan::prepare(&crate::replan::Request {
        plan: &r.plan,
        actuals: &r.actuals,
        out: &r.out,
    })?;
    for w in &prepared.spec.warnings {
        crate::errln!("warning: {w}");
    }
    let year = prepared.replaces.year;
    let (start, reported, retiring, leaving, plan_end) = prepared.totals();
    let (first, horizon) = (year + 1, prepared.spec.config.time.horizon);
    let (compiled, not) = (prepared.from_actuals(), prepared.from_plan().len());
    say(if prepared.roster.is_empty() {
        format!(
            "re-planning {first}–{horizon} from the actuals of {year}: {compiled} units from their forms, {not} from the plan (no form); {reported} people on the report dates (the plan's head-count where there is no form), {retiring} booked retirements and {leaving} expected leavers to 31 December: {start} at 31 December {year} (the plan's: {plan_end})"
        )
    } else {
        format!(
            "re-planning {first}–{horizon} from the actuals of {year}: {compiled} units from the roster {}, {not} from the plan (not compiled); {reported} people on the roster's day (the plan's head-count where not compiled), {retiring} booked retirements and {leaving} expected leavers to 31 December: {start} at 31 December {year} (the plan's: {plan_end})",
            prepared.roster
        )
    });
    let spec = &prepared.spec;
    let options = run::Options {
        verbose: false,
        progress: Some(&say),
        price_intent: false,
        price_targets: false,
        chance: true,
        price_confidence: true,
    };
    let mut report = match run::plan(spec, options) {
        Ok(report) => report,
        Err(e) => {
            prepared.abandon();
            return Err(e);
        }
    };
    say("drawing charts…".into());
    let summary = prepared.write(&r.out, &mut report, Some(&labels))?;
    if r.quiet {
        return Ok(());
    }
    super::plan::print_summary(spec, &report, &r.out);
    crate::outln!(
        "changes from the replaced plan over {}–{}: {:+} hires ({} leavers, the replaced plan's {}), {:+.1} million VND (the two plans' proven gaps: {:.1} and {:.1}); target rows newly missed {}, newly at risk {}, recovered {} (changes.csv, target_changes.csv)",
        year + 1,
        spec.config.time.horizon,
        summary.extra_hires,
        summary.leavers_after,
        summary.leavers_before,
        summary.cost_change,
        summary.gap_before_million_vnd,
        summary.gap_after_million_vnd,
        summary.newly_missed,
        summary.newly_at_risk,
        summary.recovered
    );
    Ok(())
}
