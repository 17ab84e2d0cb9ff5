//! `bienche plan`: one scenario, or every province of a national folder.

use crate::charts::labels::Labels;
use crate::domain::config::SolverConfig;
use crate::domain::target::TargetKind;
use crate::domain::Spec;
use crate::error::{Error, Result};
use crate::output::folder::{check_out, Kind, Out};
use crate::plan::Issue;
use crate::run::{self, Report};
use crate::scenario;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The command line of `plan`, parsed.
pub struct Request {
    pub scenario: PathBuf,
    pub out: PathBuf,
    pub overrides: SolverOverrides,
    pub verbose: bool,
    pub quiet: bool,
    pub lang: String,
    pub force: bool,
    pub skip_bad_rows: bool,
    /// `--price-intent`: set `intent.price` for this run.
    pub price_intent: bool,
    /// `--prices`: set `budget.target_prices` for this run.
    pub prices: bool,
    /// `--prices-of`: set `budget.target_prices` and `budget.price_units` for this run.
    pub prices_of: Vec<String>,
}

/// `--time-limit`, `--gap` and `--threads`, checked.
pub struct SolverOverrides {
    time_limit: Option<f64>,
    gap: Option<f64>,
    threads: Option<u32>,
}

impl SolverOverrides {
    pub fn checked(
        time_limit: Option<f64>,
        gap: Option<f64>,
        threads: Option<u32>,
    ) -> Result<Self> {
        if let Some(t) = time_limit.filter(|t| !t.is_finite() || *t <= 0.0) {
            return Err(Error::Usage(format!(
                "--time-limit: expected a finite number of seconds above 0, found {t}"
            )));
        }
        if let Some(g) = gap.filter(|g| !(0.0..1.0).contains(g)) {
            return Err(Error::Usage(format!(
                "--gap: expected a share from 0 to 1 (0.01 = 1%), found {g}"
            )));
        }
        let threads = match threads {
            Some(t) => Some(super::threads_flag(t as usize)? as u32),
            None => None,
        };
        Ok(SolverOverrides {
            time_limit,
            gap,
            threads,
        })
    }

    fn apply(&self, s: &mut SolverConfig) {
        if let Some(t) = self.time_limit {
            s.time_limit_seconds = t;
        }
        if let Some(g) = self.gap {
            s.mip_rel_gap = g;
        }
        if let Some(t) = self.threads {
            s.threads = t;
        }
    }
}

pub fn run(r: &Request) -> Result<()> {
    let labels = Labels::new(&r.lang)?;
    if crate::national::is_national(&r.scenario) {
        return plan_national(r);
    }
    let loading = Instant::now();
    let mut spec = scenario::load_with(
        &r.scenario,
        &scenario::LoadOptions {
            roster: None,
            skip_bad_rows: r.skip_bad_rows,
        },
    )?;
    if !r.prices_of.is_empty() {
        // "X13, S02" and a comma too many are read as meant; each unit once, in order.
        let mut units: Vec<String> = Vec::new();
        for u in r
            .prices_of
            .iter()
            .map(|u| u.trim())
            .filter(|u| !u.is_empty())
        {
            if !units.iter().any(|k| k == u) {
                units.push(u.to_string());
            }
        }
        if let Some(unit) = scenario::checks::unknown_price_unit(&units, &spec.units) {
            return Err(Error::Usage(format!(
                "--prices-of: {}",
                scenario::checks::unknown_unit_text(unit)
            )));
        }
        spec.config.budget.price_units = units;
    }
    check_out(&Out {
        path: &r.out,
        kind: Kind::Plan,
        inputs: &scenario::inputs(&r.scenario)?,
        force: r.force,
    })?;
    let say = |msg: String| {
        if !r.quiet {
            crate::errln!("{msg}");
        }
    };
    say(format!(
        "loaded {} units in {:.2} s",
        spec.units.len(),
        loading.elapsed().as_secs_f64()
    ));
    r.overrides.apply(&mut spec.config.solver);
    spec.config.intent.price |= r.price_intent;
    spec.config.budget.target_prices |= r.prices || !r.prices_of.is_empty();
    for w in &spec.warnings {
        say(format!("warning: {w}"));
    }
    if !spec.config.budget.target_prices && !spec.config.budget.price_units.is_empty() {
        say("warning: budget.price_units is set but budget.target_prices is not: no target is priced (plan --prices prices them)".into());
    }
    let settings = &spec.config.solver;
    say(format!(
        "solving with HiGHS {} (time limit {} s, gap {}%, {} threads)…",
        crate::solve::highs_version(),
        settings.time_limit_seconds,
        settings.mip_rel_gap * 100.0,
        settings.threads
    ));
    let options = run::Options {
        verbose: r.verbose,
        progress: Some(&say),
        price_intent: spec.config.intent.price,
        price_targets: spec.config.budget.target_prices,
        chance: true,
        price_confidence: true,
    };
    let report = run::plan_into(&spec, &r.out, options, Some(&labels))?;
    if !r.quiet {
        print_summary(&spec, &report, &r.out);
    }
    Ok(())
}

/// `plan` on a national folder: every province, with the same overrides; `--threads` (else
/// the first province's `solver.threads`) is the budget shared by all provinces.
fn plan_national(r: &Request) -> Result<()> {
    let mut national = crate::national::load(&r.scenario)?;
    let mut inputs = vec![r.scenario.clone()];
    for (_, spec) in &national.provinces {
        inputs.extend(scenario::inputs(&spec.dir)?);
    }
    check_out(&Out {
        path: &r.out,
        kind: Kind::National,
        inputs: &inputs,
        force: r.force,
    })?;
    let threads = r.overrides.threads.unwrap_or_else(|| {
        national
            .provinces
            .first()
            .map_or(2, |(_, s)| s.config.solver.threads)
    });
    for (_, spec) in &mut national.provinces {
        r.overrides.apply(&mut spec.config.solver);
    }
    if r.price_intent {
        crate::errln!(
            "warning: --price-intent prices one scenario; a national folder is planned without it"
        );
    }
    if r.prices || !r.prices_of.is_empty() {
        crate::errln!(
            "warning: --prices and --prices-of price the targets of one scenario; a national folder is planned without them"
        );
    }
    crate::national::run(&mut national, &r.out, threads, r.quiet)
}

pub(crate) fn print_summary(spec: &Spec, report: &Report, out: &Path) {
    let s = &report.stats;
    let (met, missed, short) = crate::evaluate::tally(&report.targets);
    let cost: f64 = report.plan.costs.values().sum();
    let salary: f64 = report
        .plan
        .costs
        .iter()
        .filter(|((_, _, l), _)| l.lever == crate::domain::Lever::Salary)
        .map(|(_, c)| c)
        .sum();
    if spec.config.illustrative {
        crate::outln!(
            "ILLUSTRATIVE DATA: {} (figures are invented, not official)",
            spec.config.name
        );
    } else {
        println!("{}", spec.config.name);
    }
    crate::outln!(
        "solver: {} in {:.1} s (total {:.1} s); objective {:.1}, bound {:.1}, gap {:.4}% ({:.1} million VND)",
        s.status, s.seconds, report.timings.seconds, s.objective, s.bound, s.gap * 100.0, s.gap_million_vnd
    );
    if s.status != "optimal" {
        // A plan not proven within its tolerance: its cost may be this much above the best.
        let dependent = report
            .tables
            .summary
            .budget
            .as_ref()
            .and_then(|b| b.gap_of_plan_dependent);
        let (of, gap) = match (spec.config.solver.gap_of, dependent) {
            (crate::domain::config::GapOf::PlanDependent, Some(g)) => {
                (" of the plan-dependent part", g)
            }
            _ => ("", s.gap),
        };
        crate::errln!(
            "warning: the plan is not proven within the {:.3}% tolerance{of}: it may cost up to {:.1} million VND ({:.3}%{of}) more than the best plan; differences smaller than that between scenarios are not meaningful",
            spec.config.solver.mip_rel_gap * 100.0,
            s.gap_million_vnd,
            gap * 100.0
        );
    }
    let over: Vec<String> = report
        .plan
        .staffing_issues
        .iter()
        .filter(|i| i.issue == Issue::BudgetOverrun)
        .map(|i| match i.detail.as_str() {
            // Words-free, so that the warning reads in any language.
            "" => format!("{}: +{:.1}", i.year, i.amount),
            scope => format!("{} {scope}: +{:.1}", i.year, i.amount),
        })
        .collect();
    let single_cap = spec.budget_rows.is_empty();
    if let (Some(raise), Some(cap), true) = (
        report.least_raise,
        spec.config.budget.cap_per_year,
        single_cap,
    ) {
        let least = cap + raise;
        if least > cap + 0.05 {
            crate::errln!(
                "warning: the plan goes over budget.cap_per_year = {cap:.1} million VND ({}); no plan keeps a yearly cap below {least:.1} million VND (the least spending the quotas and staffing rows force, by the LP relaxation; whole people may need more): raise the cap to at least that",
                over.join(", ")
            );
        } else {
            crate::errln!(
                "warning: the plan goes over budget.cap_per_year = {cap:.1} million VND ({}); the LP relaxation keeps the cap, so whole people or the split of the province between groups of units cause it",
                over.join(", ")
            );
        }
    } else if let (Some(raise), false) = (report.least_raise, single_cap) {
        if raise > 0.05 {
            crate::errln!(
                "warning: the plan goes over its budget caps ({}); no plan keeps them all unless every budget cap is raised by at least {raise:.1} million VND (by the LP relaxation; whole people may need more)",
                over.join(", ")
            );
        } else {
            crate::errln!(
                "warning: the plan goes over its budget caps ({}); the LP relaxation keeps them, so whole people or the split of the province between groups of units cause it",
                over.join(", ")
            );
        }
    }
    let overhead = s.build_seconds + report.timings.write_seconds;
    let work = overhead + s.highs_seconds;
    crate::outln!(
        "time: HiGHS {:.1} s, building models {:.1} s, writing tables and charts {:.2} s (summed over threads): overhead {:.1}% of the work",
        s.highs_seconds,
        s.build_seconds,
        report.timings.write_seconds,
        if work > 0.0 { 100.0 * overhead / work } else { 0.0 }
    );
    crate::outln!(
        "cost {}–{}: {:.1} billion VND, of which salaries {:.1} and levers {:.1}",
        spec.base_year() + 1,
        spec.horizon(),
        cost / 1000.0,
        salary / 1000.0,
        (cost - salary) / 1000.0
    );
    if let Some(b) = &report.tables.summary.budget {
        print_budget(b);
    }
    if let Some(p) = &report.price_of_intent {
        crate::outln!(
            "price of intent (I1–I4 and milestones, against the letter of R1–R8 alone): {:+.1} billion VND (letter-only plan {:.1}, {} legal targets met; solved to a {:.3}% gap)",
            p.extra_cost / 1000.0,
            p.letter_only_cost / 1000.0,
            p.letter_only_targets_met,
            p.letter_only_gap * 100.0
        );
    }
    crate::outln!("targets: {met} met, {missed} missed, total shortfall {short} people");
    if let Some(h) = &report.tables.summary.hiring {
        print_hiring(spec, h);
    }
    if let Some(e) = &report.tables.summary.exits {
        let (first, last) = (spec.base_year() + 1, spec.horizon());
        crate::outln!(
            "streamlining exits {first}–{last}: {} people let go, {} of them leaders, {} of them EM (staffing.exits = {})",
            e.exits,
            e.leaders,
            e.em,
            e.reading
        );
        if e.leader_term_years > 0 {
            crate::outln!(
                "leaders not re-appointed at the end of their term {first}–{last}: {}, {} of them EM, their unit promoting at least as many other people in each such year (staffing.leader_term_years = {})",
                e.step_downs,
                e.step_downs_em,
                e.leader_term_years
            );
        }
    }
    if let Some(c) = &report.tables.summary.confidence {
        crate::outln!(
            "confidence {}: {} targets planned with a margin ({} people; margin in targets.csv); {} of them short of it by {} people in all",
            c.level, c.rows_with_margin, c.margin_people, c.rows_short_of_margin, c.margin_people_short
        );
        if let (Some(half), Some(extra)) = (c.cost_at_expectation, c.extra_cost) {
            crate::outln!(
                "  the price of confidence: the plan of the expectation (confidence 0.5) costs {:.1} billion VND; this plan {:+.1} billion",
                half / 1000.0,
                extra / 1000.0
            );
        }
    }
    if let Some(c) = &report.tables.summary.chance {
        crate::outln!(
            "chance ({} draws, seed {}; p_met in targets.csv): of the {} targets met, {} are met in at least {}% of the draws and {} in fewer than half; EM share {}: plan {:.2}%, median of the draws {:.2}%",
            c.draws,
            c.seed,
            c.met_in_plan,
            if c.confidence > 0.5 { c.at_least_confidence } else { c.at_least_90 },
            // 90, 95 or 97.5: a chance as written in the scenario, without float noise.
            if c.confidence > 0.5 { (c.confidence * 1000.0).round() / 10.0 } else { 90.0 },
            c.below_50,
            spec.horizon(),
            c.em_share_plan,
            c.em_share_median
        );
        if c.confidence > 0.5 {
            crate::outln!(
                "  {} of them met with their whole margin, and of those {} in at least {}% of the draws; the other {} are met in expectation only",
                c.met_with_margin,
                c.with_margin_at_least_confidence,
                (c.confidence * 1000.0).round() / 10.0,
                c.met_in_plan - c.met_with_margin
            );
        }
    }
    if let Some(p) = &report.tables.summary.prices {
        print_prices(p, out);
    }
    for (kind, name) in [
        (TargetKind::Milestone, "milestones"),
        (TargetKind::Intent, "intent rules I1–I4"),
    ] {
        let (met, missed, short) = crate::evaluate::tally_kind(&report.targets, kind);
        if met + missed > 0 {
            crate::outln!("{name}: {met} met, {missed} missed, total shortfall {short} people");
        }
    }
    print_missed(spec, report);
    crate::outln!("wrote {}", out.display());
}

/// Who the plan hires against who lives in the province (`summary.json`'s `hiring`).
fn print_hiring(spec: &Spec, h: &crate::output::contract::HiringRecord) {
    let (first, last) = (spec.base_year() + 1, spec.horizon());
    let (hires, em) = (h.hires, h.em_hires);
    // From the counts and the scenario, not the record's percentages rounded to two decimals.
    let share = 100.0 * h.em_share();
    let population = 100.0 * crate::rules::r5_structure::em_population_share(spec);
    let rule = if h.composition_rule {
        "on"
    } else {
        "off ([intent] hiring_composition)"
    };
    crate::outln!(
        "hires {first}–{last}: {hires}, of which {em} EM ({share:.1}%; EM are {population:.1}% of the population); I2, the EM share of hires, is {rule}"
    );
}

/// The budget officer's lines (`summary.json`'s `budget`), in billion VND.
fn print_budget(b: &crate::output::contract::BudgetRecord) {
    let bn = |x: f64| x / 1000.0;
    let more = if b.extra_cost < 0.0 { "less" } else { "more" };
    crate::outln!(
        "without a plan: {:.1} billion VND (the no-plan forecast's salaries, hires, promotions and over-quota premium); the plan costs {:.1} billion {more}",
        bn(b.no_plan_cost),
        bn(b.extra_cost.abs())
    );
    let levels: Vec<String> = b
        .cost_by_level
        .iter()
        .map(|(level, c)| format!("{level} {:.1}", bn(*c)))
        .collect();
    crate::outln!("cost by level: {} billion VND", levels.join(", "));
    let pct = |g: Option<f64>| g.map_or("-".to_string(), |g| format!("{:.3}%", g * 100.0));
    crate::outln!(
        "what the plan controls: {:.1} billion VND of money beyond the {:.1} billion of base staff salaries if nobody is let go (its exits save {:.1}), plus priced shortfalls worth {:.1} billion at penalty prices; the gap is {} of the money, {} of both",
        bn(b.plan_dependent_money),
        bn(b.fixed_cost),
        bn(b.exit_salary_savings),
        bn(b.priced_shortfalls),
        pct(b.gap_of_plan_dependent_money),
        pct(b.gap_of_plan_dependent)
    );
}

/// The target prices by rule, in a line each, and where the rows are.
fn print_prices(p: &crate::output::contract::PricesRecord, out: &Path) {
    if !p.units.is_empty() {
        crate::outln!("target prices of {} only:", p.units.join(", "));
    }
    crate::outln!(
        "target prices ({} rows, {} re-solves with the rest of the plan fixed, {:.0} s): one more required person, in money, summed by rule:",
        p.rows, p.solves, p.seconds
    );
    for r in &p.by_rule {
        let dearest = match (&r.dearest, r.dearest_one_more_money) {
            (Some(row), Some(v)) => format!(", dearest {row} at {v:.1}"),
            _ => String::new(),
        };
        crate::outln!(
            "  {}: {:.1} million VND over {} rows that cost money{dearest}; {} rows cannot take one more below the penalty; one fewer of each saves {:.1}",
            r.rule, r.one_more_money_total, r.binding, r.one_more_at_penalty, r.one_fewer_saves_money_total
        );
    }
    crate::outln!("  each row: {}", out.join("prices.csv").display());
}

fn print_missed(spec: &Spec, report: &Report) {
    // The legal targets first, then milestones and intent rows.
    let years: Vec<i32> = spec.config.time.targets.iter().map(|t| t.year).collect();
    let kind = |sf: &crate::diagnose::Shortfall| {
        sf.rule
            .parse::<crate::domain::Rule>()
            .map_or(TargetKind::Target, |r| TargetKind::of(r, sf.year, &years))
    };
    let mut ordered: Vec<&crate::diagnose::Shortfall> = report.shortfalls.iter().collect();
    ordered.sort_by_key(|sf| kind(sf));
    for sf in ordered.into_iter().take(20) {
        crate::outln!(
            "  missed {} {} {}: required {}, achieved {}, short {}: {}",
            sf.unit,
            sf.rule,
            sf.year,
            sf.required,
            sf.achieved,
            sf.shortfall,
            sf.why.join("; ")
        );
    }
    if report.shortfalls.len() > 20 {
        crate::outln!("  … {} more in summary.json", report.shortfalls.len() - 20);
    }
    for i in &report.plan.staffing_issues {
        let unit = crate::rules::unit_name(spec, i.unit);
        let (x, t) = (i.amount, i.year);
        let text = match i.issue {
            Issue::OverQuota => format!("{x:.0} over quota without allowance"),
            Issue::BelowFloor => format!("{x:.0} below the staffing floor"),
            Issue::LeadersBelowBase => {
                format!("{x:.0} leader post(s) left empty that the unit held in its base year")
            }
            Issue::BudgetOverrun if i.detail.is_empty() => {
                format!("budget overrun of {x:.1} million VND")
            }
            Issue::BudgetOverrun => {
                format!("budget overrun of {x:.1} million VND ({} level)", i.detail)
            }
            _ => format!("{} {x:.1}", i.what()),
        };
        crate::outln!("  staffing: {text} at {unit} in {t}");
    }
}
