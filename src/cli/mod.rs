//! The command line: parse → run → exit code. `main.rs` only calls [`run`].

mod compare;
mod forecast;
mod roster;
mod simulate;

use crate::domain::{Spec, UnitKind};
use crate::error::{Error, Result};
use crate::rules;
use crate::scenario;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Parser, Debug)]
#[command(
    name = "bienche",
    version,
    about = "Plan ethnic-minority staffing targets (R1–R8) at least cost, in whole people"
)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
    /// Leave out roster rows that fail their checks (listed with their reasons) instead of
    /// stopping.
    #[arg(long, global = true)]
    pub skip_bad_rows: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Validate a scenario and print its units, policy choices, rules and required head-counts.
    Check { scenario: PathBuf },
    /// Print, per unit, rule and target year, the required minimum and why.
    Targets { scenario: PathBuf },
    /// When a person retires under the statutory roadmap (Labour Code 2019 art. 169).
    Retirement {
        /// Birth date: YYYY, YYYY-MM or YYYY-MM-DD (a year alone counts as January).
        #[arg(long)]
        born: String,
        /// F or M.
        #[arg(long)]
        sex: String,
    },
    /// Read a personnel roster and write the scenario's staff, retirements, attrition and
    /// hiring-mix tables.
    Roster {
        #[command(subcommand)]
        action: RosterAction,
    },
    /// Project every unit with no plan (current behaviour) and show the gap to the targets.
    Forecast {
        scenario: PathBuf,
        /// Also write trajectory.csv, flows.csv, gap.csv, summary.json and manifest.json here.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Units listed among the largest gaps.
        #[arg(long, default_value_t = 10)]
        top: usize,
    },
    /// Solve for the least-cost whole-person plan and write the output folder.
    Plan {
        scenario: PathBuf,
        /// Output folder (replaced atomically).
        #[arg(long)]
        out: PathBuf,
        /// Override solver.time_limit_seconds.
        #[arg(long)]
        time_limit: Option<f64>,
        /// Override solver.mip_rel_gap (0.01 = 1%).
        #[arg(long)]
        gap: Option<f64>,
        /// Override solver.threads.
        #[arg(long)]
        threads: Option<u32>,
        /// Show the HiGHS log.
        #[arg(long)]
        verbose: bool,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
        /// Language of the charts drawn into OUT/plots/LANG (a column of labels.tsv).
        #[arg(long, default_value = "vi")]
        lang: String,
    },
    /// Plan several scenarios in parallel and compare them with the first (the baseline).
    Compare {
        #[arg(required = true, num_args = 1..)]
        scenarios: Vec<PathBuf>,
        /// Output folder: one plan folder per scenario, comparison.csv, unit_differences.csv
        /// and charts (replaced atomically).
        #[arg(long)]
        out: PathBuf,
        /// Threads in all, shared between scenarios solved at once.
        #[arg(long, default_value_t = 2)]
        threads: usize,
        /// Language of the charts.
        #[arg(long, default_value = "vi")]
        lang: String,
    },
    /// Plan every combination of the given values over a base scenario: a tidy table and
    /// the cost frontier of meeting more targets.
    Sweep {
        base: PathBuf,
        /// PATH=VALUE,VALUE,… with PATH a scenario.toml key, e.g.
        /// adjust.channel_factor.nominated=1,2 or budget.cap_per_year=20000,30000.
        #[arg(long = "vary", required = true)]
        vary: Vec<String>,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 2)]
        threads: usize,
        #[arg(long, default_value = "vi")]
        lang: String,
    },
    /// Replay a finished plan many times with random attrition: the chance of meeting each
    /// target, and a fan chart of the province EM share.
    Simulate {
        out: PathBuf,
        #[arg(long, default_value_t = 1000)]
        draws: u64,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        #[arg(long, default_value_t = 2)]
        threads: usize,
        #[arg(long, default_value = "vi")]
        lang: String,
        /// Re-plan with targets raised until each target the plan meets has at least this
        /// chance (e.g. 0.9), and report what that safety costs.
        #[arg(long)]
        buffer: Option<f64>,
        /// Re-planning rounds of --buffer (each raises the targets still at risk by one
        /// person, at most 5 in all).
        #[arg(long, default_value_t = 4)]
        buffer_rounds: usize,
    },
    /// Write a synthetic scenario set for benchmarks: DIR/national.toml and one scenario
    /// folder per province (p01, p02, …). ILLUSTRATIVE DATA: every figure is invented.
    Generate {
        /// Units in all (communes, departments, …), split evenly over the provinces.
        #[arg(long)]
        units: usize,
        /// Provinces, each a complete scenario folder; at most --units.
        #[arg(long, default_value_t = 1)]
        provinces: usize,
        /// Random seed: the same units, provinces and seed give the same bytes.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output folder; written atomically, and refused if it exists and is not empty.
        #[arg(long)]
        out: PathBuf,
        /// Replace an existing non-empty output folder.
        #[arg(long)]
        force: bool,
    },
    /// Redraw the charts of a finished plan folder, without solving.
    Plot {
        out: PathBuf,
        /// Language of the charts (vi, en, or another column of labels.tsv).
        #[arg(long, default_value = "vi")]
        lang: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum RosterAction {
    /// Aggregate ROSTER (.csv or .xlsx) into the scenario's staff.csv, retirements.csv,
    /// attrition.csv and hiring_mix.csv. Names and ID numbers are never copied.
    Import {
        roster: PathBuf,
        /// Scenario folder whose units, groups and [roster] settings apply.
        #[arg(long)]
        scenario: PathBuf,
    },
}

pub fn run(args: Args) -> Result<()> {
    let load = |dir: &std::path::Path| {
        scenario::load_with(
            dir,
            &scenario::LoadOptions {
                roster: None,
                skip_bad_rows: args.skip_bad_rows,
            },
        )
    };
    match args.command {
        Command::Check { scenario } => check(&load(&scenario)?),
        Command::Targets { scenario } => targets(&load(&scenario)?),
        Command::Roster {
            action: RosterAction::Import { roster, scenario },
        } => roster::import(&roster, &scenario, args.skip_bad_rows),
        Command::Compare {
            scenarios,
            out,
            threads,
            lang,
        } => compare::run(&scenarios, &out, threads, &lang),
        Command::Sweep {
            base,
            vary,
            out,
            threads,
            lang,
        } => compare::sweep(&base, &vary, &out, threads, &lang),
        Command::Simulate {
            out,
            draws,
            seed,
            threads,
            lang,
            buffer,
            buffer_rounds,
        } => simulate::run(&out, draws, seed, threads, &lang, buffer, buffer_rounds),
        Command::Generate {
            units,
            provinces,
            seed,
            out,
            force,
        } => {
            let g = crate::generate::generate(&crate::generate::Request {
                units,
                provinces,
                seed,
            })?;
            crate::generate::write(&out, &g, force)?;
            eprintln!("{}", crate::generate::summary_line(&g, &out));
            Ok(())
        }
        Command::Plot { out, lang } => {
            let files = crate::charts::draw_all(&out, &lang)?;
            for f in files {
                println!("{}", f.display());
            }
            Ok(())
        }
        Command::Forecast { scenario, out, top } => {
            forecast::run(&load(&scenario)?, out.as_deref(), top)
        }
        Command::Retirement { born, sex } => retirement(&born, &sex),
        Command::Plan {
            scenario,
            out,
            time_limit,
            gap,
            threads,
            verbose,
            quiet,
            lang,
        } => {
            crate::charts::labels::Labels::new(&lang)?;
            let overrides = SolverOverrides::checked(time_limit, gap, threads)?;
            if crate::national::is_national(&scenario) {
                return plan_national(&scenario, &out, &overrides, quiet);
            }
            let loading = Instant::now();
            let mut spec = load(&scenario)?;
            if !quiet {
                eprintln!(
                    "loaded {} units in {:.2} s",
                    spec.units.len(),
                    loading.elapsed().as_secs_f64()
                );
            }
            overrides.apply(&mut spec.config.solver);
            plan(&spec, &out, verbose, quiet, Some(&lang)).map(|_| ())
        }
    }
}

/// `--time-limit`, `--gap` and `--threads`, checked.
struct SolverOverrides {
    time_limit: Option<f64>,
    gap: Option<f64>,
    threads: Option<u32>,
}

impl SolverOverrides {
    fn checked(time_limit: Option<f64>, gap: Option<f64>, threads: Option<u32>) -> Result<Self> {
        if let Some(t) = time_limit.filter(|t| !(*t > 0.0)) {
            return Err(Error::Usage(format!(
                "--time-limit: expected seconds above 0, found {t}"
            )));
        }
        if let Some(g) = gap.filter(|g| !(0.0..1.0).contains(g)) {
            return Err(Error::Usage(format!(
                "--gap: expected a share from 0 to 1 (0.01 = 1%), found {g}"
            )));
        }
        if threads == Some(0) {
            return Err(Error::Usage("--threads: expected 1 or more".into()));
        }
        Ok(SolverOverrides {
            time_limit,
            gap,
            threads,
        })
    }

    fn apply(&self, s: &mut crate::domain::config::SolverConfig) {
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

/// `plan` on a national folder: every province, with the same overrides; `--threads` (else
/// the first province's `solver.threads`) is the budget shared by all provinces.
fn plan_national(
    dir: &std::path::Path,
    out: &std::path::Path,
    overrides: &SolverOverrides,
    quiet: bool,
) -> Result<()> {
    let mut national = crate::national::load(dir)?;
    let threads = overrides.threads.unwrap_or_else(|| {
        national
            .provinces
            .first()
            .map_or(2, |(_, s)| s.config.solver.threads)
    });
    for (_, spec) in &mut national.provinces {
        overrides.apply(&mut spec.config.solver);
    }
    crate::national::run(&mut national, out, threads, quiet)
}

/// What `plan` produced, for callers that want more than the files.
pub struct PlanRun {
    pub stats: crate::solve::SolveStats,
    pub targets: Vec<crate::domain::target::TargetRow>,
}

pub fn plan(
    spec: &Spec,
    out: &std::path::Path,
    verbose: bool,
    quiet: bool,
    lang: Option<&str>,
) -> Result<PlanRun> {
    let say = |msg: String| {
        if !quiet {
            eprintln!("{msg}");
        }
    };
    for w in &spec.warnings {
        say(format!("warning: {w}"));
    }
    let started = Instant::now();
    let settings = &spec.config.solver;
    say(format!(
        "solving with HiGHS {} (time limit {} s, gap {}%, {} threads)…",
        crate::output::highs_version(),
        settings.time_limit_seconds,
        settings.mip_rel_gap * 100.0,
        settings.threads
    ));
    let outcome = crate::decompose::find_plan(spec, verbose, &|line| say(line))?;
    let (plan, stats) = (outcome.plan, outcome.stats);
    if let Some((t, u, c)) = plan.replay_mismatch(spec) {
        return Err(Error::Solver(format!(
            "internal check failed: flows do not reproduce the stock of {} {}/{}/{}/{} in {t}",
            spec.units[u].id,
            spec.groups[c.group].id,
            c.gender(),
            c.role(),
            c.trained_word()
        )));
    }
    let targets = crate::evaluate::evaluate(spec, &plan);
    let shortfalls = crate::diagnose::shortfalls(spec, &plan, &targets);
    let forecast = crate::forecast::forecast(spec);
    let forecast_gap = crate::evaluate::evaluate(spec, &forecast.plan);
    if lang.is_some() {
        say("drawing charts…".into());
    }
    let writing = Instant::now();
    crate::output::write(
        out,
        &crate::output::Report {
            spec,
            plan: &plan,
            stats: &stats,
            targets: &targets,
            shortfalls: &shortfalls,
            forecast: Some((&forecast.plan, &forecast_gap)),
            lang,
        },
    )?;
    if !quiet {
        print_plan_summary(
            spec,
            &stats,
            &plan,
            &targets,
            &shortfalls,
            out,
            started.elapsed().as_secs_f64(),
            writing.elapsed().as_secs_f64(),
        );
    }
    Ok(PlanRun { stats, targets })
}

fn print_plan_summary(
    spec: &Spec,
    s: &crate::solve::SolveStats,
    plan: &crate::plan::Plan,
    targets: &[crate::domain::target::TargetRow],
    shortfalls: &[crate::diagnose::Shortfall],
    out: &std::path::Path,
    total_seconds: f64,
    write_seconds: f64,
) {
    let (met, missed, short) = crate::evaluate::tally(targets);
    let cost: f64 = plan.costs.values().sum();
    let salary: f64 = plan
        .costs
        .iter()
        .filter(|((_, _, l), _)| l.lever == crate::domain::Lever::Salary)
        .map(|(_, c)| c)
        .sum();
    if spec.config.illustrative {
        println!(
            "ILLUSTRATIVE DATA: {} (figures are invented, not official)",
            spec.config.name
        );
    } else {
        println!("{}", spec.config.name);
    }
    println!(
        "solver: {} in {:.1} s (total {:.1} s); objective {:.1}, bound {:.1}, gap {:.4}% ({:.1} million VND)",
        s.status, s.seconds, total_seconds, s.objective, s.bound, s.gap * 100.0, s.gap_million_vnd
    );
    let overhead = s.build_seconds + write_seconds;
    let work = overhead + s.highs_seconds;
    println!(
        "time: HiGHS {:.1} s, building models {:.1} s, writing tables and charts {:.2} s (summed over threads): overhead {:.1}% of the work",
        s.highs_seconds,
        s.build_seconds,
        write_seconds,
        if work > 0.0 { 100.0 * overhead / work } else { 0.0 }
    );
    println!(
        "cost {}–{}: {:.1} billion VND, of which salaries {:.1} and levers {:.1}",
        spec.base_year() + 1,
        spec.horizon(),
        cost / 1000.0,
        salary / 1000.0,
        (cost - salary) / 1000.0
    );
    println!("targets: {met} met, {missed} missed, total shortfall {short} people");
    for sf in shortfalls.iter().take(20) {
        println!(
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
    if shortfalls.len() > 20 {
        println!("  … {} more in summary.json", shortfalls.len() - 20);
    }
    for i in &plan.staffing_issues {
        use crate::plan::Issue;
        let unit = rules::unit_name(spec, i.unit);
        let (x, t) = (i.amount, i.year);
        let text = match i.issue {
            Issue::OverQuota => format!("{x:.0} over quota without allowance"),
            Issue::BelowFloor => format!("{x:.0} below the staffing floor"),
            Issue::BudgetOverrun => format!("budget overrun of {x:.1} million VND"),
            _ => format!("{} {x:.1}", i.what()),
        };
        println!("  staffing: {text} at {unit} in {t}");
    }
    println!("wrote {}", out.display());
}

/// A policy choice as written in scenario.toml.
fn word<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn check(spec: &Spec) -> Result<()> {
    let c = &spec.config;
    if c.illustrative {
        println!(
            "scenario: {} (ILLUSTRATIVE DATA: figures are invented, not official)",
            c.name
        );
    } else {
        println!("scenario: {}", c.name);
    }
    println!(
        "years: stocks at 31 Dec {}, plan {}–{}",
        spec.base_year(),
        spec.base_year() + 1,
        spec.horizon()
    );
    let targets: Vec<String> = c
        .time
        .targets
        .iter()
        .map(|t| format!("{} at {:.0}%", t.year, t.level * 100.0))
        .collect();
    println!("target years: {}", targets.join(", "));
    let p = &c.policy;
    println!("policy:");
    println!("  roadmap = {}", word(&p.roadmap));
    println!("  band_rule = {}", word(&p.band_rule));
    println!(
        "  seventy_percent_band = {}: a commune with exactly 70% EM population is in the {} band",
        word(&p.seventy_percent_band),
        match p.seventy_percent_band {
            crate::domain::SeventyPercentBand::Top => "top (35%–50% of quota)",
            crate::domain::SeventyPercentBand::Lower => "50%–70% (25%–35% of quota)",
        }
    );
    println!(
        "  rounding = {} (of required head-counts)",
        word(&p.rounding)
    );
    println!("  r1_scope = {}", word(&p.r1_scope));
    println!("  min_fill = {:.0}% of quota", c.staffing.min_fill * 100.0);
    println!("units: {}", spec.units.len());
    for (name, kind) in UnitKind::choices() {
        let us: Vec<usize> = (0..spec.units.len())
            .filter(|&u| spec.units[u].kind == kind)
            .collect();
        if us.is_empty() {
            continue;
        }
        let quota: u32 = us.iter().map(|&u| spec.quota(u, spec.base_year())).sum();
        let staff: u32 = spec
            .staff
            .iter()
            .filter(|((u, _), _)| spec.units[*u].kind == kind)
            .map(|(_, n)| n)
            .sum();
        let em: u32 = spec
            .staff
            .iter()
            .filter(|((u, c), _)| spec.units[*u].kind == kind && spec.is_em(c))
            .map(|(_, n)| n)
            .sum();
        println!(
            "  {name:<24} {:>3} units, quota {quota:>6}, staff {staff:>6}, EM {em:>6}",
            us.len()
        );
    }
    let groups: Vec<&str> = spec.groups.iter().map(|g| g.id.as_str()).collect();
    println!("groups: {}", groups.join(", "));
    let channels: std::collections::BTreeSet<&str> =
        spec.channels.iter().map(|c| c.id.as_str()).collect();
    println!(
        "channels: {}",
        channels.into_iter().collect::<Vec<_>>().join(", ")
    );
    println!("transfer routes: {} route-years", spec.transfers.len());
    println!("required head-counts (R1–R4, sum over units):");
    for ty in &c.time.targets {
        for family in rules::FAMILIES {
            for line in family.summary(spec, ty.year, ty.level) {
                println!("  {line}");
            }
        }
    }
    if let Some(d) = &spec.roster {
        roster::print_summary(spec, d);
    }
    if let Some(v) = &spec.variant {
        println!("effective settings (value ← file that set it):");
        for (key, value, file) in &v.settings {
            println!("  {key} = {value}  ← {file}");
        }
        println!("tables:");
        for (table, notes) in &v.tables {
            println!("  {table}: {}", notes.join("; "));
        }
    }
    for w in &spec.warnings {
        println!("warning: {w}");
    }
    println!("ok: scenario is valid");
    Ok(())
}

fn retirement(born: &str, sex: &str) -> Result<()> {
    use crate::retirement::{describe_age, parse_birth, statutory, Sex};
    let birth = parse_birth(born)?;
    let sex = match sex {
        "F" => Sex::Female,
        "M" => Sex::Male,
        other => {
            return Err(Error::Usage(format!(
                "--sex: expected F or M, found \"{other}\""
            )))
        }
    };
    let r = statutory(birth, sex);
    println!(
        "required age: {} (the age for people who reach it in {})",
        describe_age(r.age_months),
        r.month.year
    );
    println!(
        "retirement takes effect on {}-{:02}, the end of the month the age is reached",
        r.month,
        r.month.last_day()
    );
    println!("pension starts {}-01", r.pension_from);
    Ok(())
}

fn targets(spec: &Spec) -> Result<()> {
    println!("unit\trule\tyear\trequired\twhy");
    for ty in &spec.config.time.targets {
        for chain in rules::targets(spec, ty.year, ty.level) {
            let mut previous = None;
            for t in &chain {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    rules::unit_name(spec, t.unit),
                    t.rule,
                    t.year,
                    rules::required_text(spec, t, previous),
                    t.why
                );
                previous = Some(t);
            }
        }
        for family in rules::FAMILIES {
            for line in family.explain_clauses(spec, ty.year) {
                println!("{line}");
            }
        }
    }
    Ok(())
}
