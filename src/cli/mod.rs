//! The command line: parse → run → exit code. `main.rs` only calls [`run`].

mod check;
mod compare;
mod forecast;
mod frontier;
mod help;
mod interrupt;
mod plan;
mod readings;
mod replan;
mod roster;
mod simulate;

use crate::error::Result;

use crate::scenario;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use std::path::PathBuf;

/// The arguments, with the help in the console's language (`--lang` as written on the
/// command line, else the locale): every description, heading and clap message from the
/// label table ([`help`]).
pub fn parse() -> Args {
    // OS strings: a path need not be UTF-8.
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let text: Vec<Option<&str>> = argv.iter().map(|a| a.to_str()).collect();
    let flag = text.iter().enumerate().find_map(|(i, a)| {
        let a = (*a)?;
        a.strip_prefix("--lang=").map(str::to_string).or_else(|| {
            (a == "--lang")
                .then(|| text.get(i + 1).copied().flatten().map(str::to_string))
                .flatten()
        })
    });
    let lang = crate::i18n::console_language(flag.as_deref());
    crate::i18n::set_console(&lang);
    let mut cmd = Args::command();
    let translated = lang != "en";
    if translated {
        if let Ok(l) = crate::charts::labels::Labels::new(&lang) {
            cmd = help::translated(cmd, &l);
        }
    }
    let matches = match cmd.clone().try_get_matches_from(argv) {
        Ok(m) => m,
        Err(e) if translated && e.use_stderr() => {
            eprintln!("{}", help::error_text(&e));
            std::process::exit(e.exit_code());
        }
        Err(e) => e.exit(),
    };
    if let Some(code) = help::help_command(&mut cmd, &matches) {
        std::process::exit(code);
    }
    Args::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// A whole number of 0 or more on the command line, with the form stated when it is not.
fn whole_number<T: std::str::FromStr>(text: &str) -> std::result::Result<T, String> {
    text.trim().parse::<T>().map_err(|_| {
        format!("expected a whole number of 0 or more (digits only), found \"{text}\"")
    })
}

/// A day on the command line, `dd/mm/yyyy` or `yyyy-mm-dd`.
fn day(text: &str) -> std::result::Result<(i32, u32, u32), String> {
    let expected = format!("expected a date such as 01/11/2026 (dd/mm/yyyy), found \"{text}\"");
    match crate::roster::parse_date(&crate::roster::source::Value::Text(text.to_string())) {
        Ok((m, Some(d))) => Ok((m.year, m.month, d)),
        Ok((_, None)) => Err(expected),
        Err(e) if e.contains("no such day") => Err(e),
        Err(_) => Err(expected),
    }
}

/// A number on the command line, with the form stated when it is not one.
fn number(text: &str) -> std::result::Result<f64, String> {
    text.trim().parse::<f64>().map_err(|_| {
        format!("expected a number such as 0.5 (a '.' for decimals), found \"{text}\"")
    })
}

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
    /// Language of what the run prints and writes: vi or en (a column of labels.tsv).
    /// Without it the console follows the locale (LANG; else vi) and the documents (charts,
    /// plan.xlsx, report.html) are in Vietnamese.
    #[arg(long, global = true)]
    pub lang: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Validate a scenario and print its units, policy choices, rules and required head-counts
    /// (or, for a national folder, validate every province).
    Check {
        /// Scenario folder (scenario.toml and its tables), or a national folder.
        scenario: PathBuf,
    },
    /// Print, per unit, rule and target year, the required minimum and why.
    Targets {
        /// Scenario folder (scenario.toml and its tables).
        scenario: PathBuf,
    },
    /// For each clause the text allows to be read more than one way, the clause, its
    /// readings (settings of [policy]) and the head-counts each requires, without solving.
    Readings {
        /// Scenario folder (scenario.toml and its tables).
        scenario: PathBuf,
    },
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
        /// Scenario folder (scenario.toml and its tables).
        scenario: PathBuf,
        /// Also write trajectory.csv, flows.csv, gap.csv, summary.json and manifest.json here.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Units listed among the largest gaps.
        #[arg(allow_negative_numbers = true, value_parser = whole_number::<usize>, long, default_value_t = 10)]
        top: usize,
        /// Replace OUT even when it holds files that are not an earlier output of this
        /// command.
        #[arg(long)]
        force: bool,
    },
    /// Solve for the least-cost whole-person plan and write the output folder.
    Plan {
        /// Scenario folder (scenario.toml and its tables), or a national folder.
        scenario: PathBuf,
        /// Output folder (replaced atomically).
        #[arg(long)]
        out: PathBuf,
        /// Override solver.time_limit_seconds.
        #[arg(allow_negative_numbers = true, value_parser = number, long)]
        time_limit: Option<f64>,
        /// Override solver.mip_rel_gap (0.01 = 1%).
        #[arg(allow_negative_numbers = true, value_parser = number, long)]
        gap: Option<f64>,
        /// Override solver.threads.
        #[arg(allow_negative_numbers = true, value_parser = whole_number::<u32>, long)]
        threads: Option<u32>,
        /// Show the HiGHS log.
        #[arg(long)]
        verbose: bool,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
        /// Replace OUT even when it holds files that are not an earlier plan.
        #[arg(long)]
        force: bool,
        /// Also plan the letter of R1–R8 alone and report what the intent rules cost
        /// (sets intent.price; one more solve).
        #[arg(long)]
        price_intent: bool,
        /// Also price every target row: what one more required person costs and one fewer
        /// saves, in prices.csv (sets budget.target_prices; about two solves per row).
        #[arg(long)]
        prices: bool,
        /// Price only the target rows of these units, such as X13,S02 (PROVINCE for the
        /// province-wide rows); sets budget.target_prices and budget.price_units.
        #[arg(long, value_delimiter = ',', num_args = 1, value_name = "UNIT_IDS")]
        prices_of: Vec<String>,
    },
    /// Plan several scenarios in parallel and compare them with the first (the baseline).
    Compare {
        /// Scenario folders; the first that plans is the baseline.
        #[arg(required = true, num_args = 1..)]
        scenarios: Vec<PathBuf>,
        /// Output folder: one plan folder per scenario, comparison.csv, comparison.xlsx,
        /// unit_differences.csv and charts (replaced atomically).
        #[arg(long)]
        out: PathBuf,
        /// Threads in all, shared between scenarios solved at once.
        #[arg(allow_negative_numbers = true, value_parser = whole_number::<usize>, long, default_value_t = 2)]
        threads: usize,
        /// Replace OUT even when it holds files that are not an earlier output of this
        /// command.
        #[arg(long)]
        force: bool,
    },
    /// Plan every combination of the given values over a base scenario: a tidy table and
    /// the cost frontier of meeting more targets.
    Sweep {
        /// Scenario folder whose settings are varied.
        base: PathBuf,
        /// PATH=VALUE,VALUE,… with PATH a scenario.toml key, e.g.
        /// adjust.channel_factor.nominated=1,2 or budget.cap_per_year=20000,30000.
        #[arg(long = "vary", required = true)]
        vary: Vec<String>,
        /// Output folder: one plan folder per grid point, sweep.csv and the frontier chart
        /// (replaced atomically).
        #[arg(long)]
        out: PathBuf,
        /// Threads in all, shared between points solved at once.
        #[arg(allow_negative_numbers = true, value_parser = whole_number::<usize>, long, default_value_t = 2)]
        threads: usize,
        /// Replace OUT even when it holds files that are not an earlier output of this
        /// command.
        #[arg(long)]
        force: bool,
    },
    /// The least cost of meeting more legal targets: plans at a falling value of a person
    /// short (policy.target_penalty), the frontier of cost against targets met, and what
    /// each extra billion buys.
    Frontier {
        /// Scenario folder (scenario.toml and its tables).
        scenario: PathBuf,
        /// Output folder: one plan folder per point, frontier.csv and the chart (replaced
        /// atomically).
        #[arg(long)]
        out: PathBuf,
        /// Distinct plans wanted (2 to 40); values are split until they are found.
        #[arg(allow_negative_numbers = true, value_parser = whole_number::<usize>, long, default_value_t = 12)]
        points: usize,
        /// Threads in all, shared between points solved at once.
        #[arg(allow_negative_numbers = true, value_parser = whole_number::<usize>, long, default_value_t = 2)]
        threads: usize,
        /// Replace OUT even when it holds files that are not an earlier output of this
        /// command.
        #[arg(long)]
        force: bool,
    },
    /// Replay a finished plan many times with random attrition: the chance of meeting each
    /// target, and a fan chart of the province EM share.
    Simulate {
        /// A finished plan folder; the simulation is written into OUT/simulation.
        out: PathBuf,
        /// Replays of the plan, each with its own random leavers.
        #[arg(allow_negative_numbers = true, value_parser = whole_number::<u64>, long, default_value_t = 1000)]
        draws: u64,
        /// Random seed: the same plan, draws and seed give the same bytes on any thread count.
        #[arg(allow_negative_numbers = true, value_parser = whole_number::<u64>, long, default_value_t = 42)]
        seed: u64,
        /// Threads that share the draws.
        #[arg(allow_negative_numbers = true, value_parser = whole_number::<usize>, long, default_value_t = 2)]
        threads: usize,
        /// Re-plan with targets raised until each target the plan meets has at least this
        /// chance (e.g. 0.9), and report what that safety costs.
        #[arg(allow_negative_numbers = true, value_parser = number, long)]
        buffer: Option<f64>,
        /// Re-planning rounds of --buffer (each raises the targets still at risk by one
        /// person, at most 5 in all).
        #[arg(allow_negative_numbers = true, value_parser = whole_number::<usize>, long, default_value_t = 4)]
        buffer_rounds: usize,
        /// Replace OUT/simulation even when it holds files that are not an earlier
        /// simulation.
        #[arg(long)]
        force: bool,
    },
    /// Write a synthetic scenario set for benchmarks: DIR/national.toml and one scenario
    /// folder per province (p01, p02, …). ILLUSTRATIVE DATA: every figure is invented.
    Generate {
        /// Units in all (communes, departments, …), split evenly over the provinces.
        #[arg(allow_negative_numbers = true, value_parser = whole_number::<usize>, long)]
        units: usize,
        /// Provinces, each a complete scenario folder; at most --units.
        #[arg(allow_negative_numbers = true, value_parser = whole_number::<usize>, long, default_value_t = 1)]
        provinces: usize,
        /// Random seed: the same units, provinces and seed give the same bytes.
        #[arg(allow_negative_numbers = true, value_parser = whole_number::<u64>, long, default_value_t = 1)]
        seed: u64,
        /// Output folder; written atomically, and refused if it exists and is not empty.
        #[arg(long)]
        out: PathBuf,
        /// Replace an existing non-empty output folder.
        #[arg(long)]
        force: bool,
    },
    /// Write a starter scenario to fill in Excel: DIR/scenario.toml and DIR/scenario.xlsx
    /// (a notes sheet, then one sheet per table with Vietnamese headings).
    Init {
        /// Folder to create (refused if it exists and is not empty).
        dir: PathBuf,
        /// Take the tables and settings of this scenario (its CSV files) instead of a small
        /// generated province.
        #[arg(long)]
        from: Option<PathBuf>,
    },
    /// Write the yearly report forms of a finished plan: one workbook per unit, with the
    /// plan's figures for the year and blank cells for what actually happened.
    Forms {
        /// A finished plan folder.
        plan: PathBuf,
        /// The year reported on (a year the plan covers).
        #[arg(allow_negative_numbers = true, value_parser = whole_number::<i32>, long)]
        year: i32,
        /// Output folder: one UNIT.xlsx per unit and forms.json (replaced atomically).
        #[arg(long)]
        out: PathBuf,
        /// Replace OUT even when it holds files that are not forms as written (a form
        /// filled in counts as the user's).
        #[arg(long)]
        force: bool,
    },
    /// Read the returned report forms, check each (naming file, sheet and cell) and compile
    /// those without a problem against the plan.
    Actuals {
        /// The finished plan folder the forms were written from.
        plan: PathBuf,
        /// The folder of the returned forms (.xlsx), or a roster (.csv or .xlsx) with --as-of.
        forms: PathBuf,
        /// The day the roster was drawn up (dd/mm/yyyy): its head-counts are those of that
        /// day, its hires and leavers those from 1 January of its year.
        #[arg(long, value_name = "DATE", value_parser = day)]
        as_of: Option<(i32, u32, u32)>,
        /// Output folder: report.xlsx, actual_stocks.csv, actual_flows.csv, rule_status.csv,
        /// problems.csv and actuals.json (replaced atomically).
        #[arg(long)]
        out: PathBuf,
        /// Show counts of 1 or 2 people in report.xlsx (shown as "<3" otherwise).
        #[arg(long)]
        show_small: bool,
        /// Replace OUT even when it holds files that are not an earlier output of this
        /// command.
        #[arg(long)]
        force: bool,
    },
    /// Plan the years after a reported year from the compiled actuals (bienche actuals): the
    /// stock on the report dates carried to 31 December, the past fixed, and what changed
    /// from the plan replaced.
    Replan {
        /// The finished plan folder the actuals were compiled against.
        plan: PathBuf,
        /// The folder bienche actuals wrote.
        #[arg(long)]
        actuals: PathBuf,
        /// Output folder: a plan folder, with the re-plan's scenario in OUT/scenario,
        /// changes.csv, target_changes.csv and replan.json (replaced atomically).
        #[arg(long)]
        out: PathBuf,
        /// Print only warnings and errors.
        #[arg(long)]
        quiet: bool,
        /// Replace OUT even when it holds files that are not an earlier output of this
        /// command.
        #[arg(long)]
        force: bool,
    },
    /// Read a sequence of yearly re-plans as one history: each plan folder followed back
    /// through the plans it replaces, and what each foresaw for the target years.
    History {
        /// Plan folders (a re-plan brings the plans it replaces).
        #[arg(required = true)]
        plans: Vec<PathBuf>,
        /// Output folder: history.csv and the charts in plots/LANG (replaced atomically).
        #[arg(long)]
        out: PathBuf,
        /// Replace OUT even when it holds files that are not an earlier output of this
        /// command.
        #[arg(long)]
        force: bool,
    },
    /// Redraw the charts of a finished plan folder, without solving.
    Plot {
        /// A finished plan folder; the charts are written into OUT/plots/LANG.
        out: PathBuf,
        /// Replace OUT/plots/LANG even when it holds files other than charts.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum RosterAction {
    /// Aggregate ROSTER (.csv or .xlsx) into the scenario's staff.csv, retirements.csv,
    /// attrition.csv and hiring_mix.csv. Names and ID numbers are never copied.
    Import {
        /// The roster: one row per person (.csv or .xlsx).
        roster: PathBuf,
        /// Scenario folder whose units, groups and [roster] settings apply.
        #[arg(long)]
        scenario: PathBuf,
    },
}

pub fn run(args: Args) -> Result<()> {
    interrupt::install();
    let lang = args.lang.clone().unwrap_or_else(|| "vi".to_string());
    crate::charts::labels::Labels::new(&lang)?;
    warn_retired_variables();
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
        Command::Check { scenario } if crate::national::is_national(&scenario) => {
            check::national(&crate::national::load(&scenario)?)
        }
        Command::Check { scenario } => check::check(&load(&scenario)?),
        Command::Targets { scenario } => check::targets(&load(&scenario)?),
        Command::Readings { scenario } => readings::run(&load(&scenario)?, &scenario),
        Command::Roster {
            action: RosterAction::Import { roster, scenario },
        } => roster::import(&roster, &scenario, args.skip_bad_rows),
        Command::Compare {
            scenarios,
            out,
            threads,
            force,
        } => compare::run(&scenarios, &out, threads, &lang, force),
        Command::Sweep {
            base,
            vary,
            out,
            threads,
            force,
        } => compare::sweep(&base, &vary, &out, threads, &lang, force),
        Command::Frontier {
            scenario,
            out,
            points,
            threads,
            force,
        } => frontier::run(&frontier::Request {
            scenario: &scenario,
            out: &out,
            points,
            threads,
            lang: &lang,
            force,
        }),
        Command::Simulate {
            out,
            draws,
            seed,
            threads,
            buffer,
            buffer_rounds,
            force,
        } => simulate::run(&simulate::Request {
            out: &out,
            draws,
            seed,
            threads: threads_flag(threads)?,
            lang: &lang,
            buffer,
            rounds: buffer_rounds,
            force,
        }),
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
            crate::errln!("{}", crate::generate::summary_line(&g, &out));
            Ok(())
        }
        Command::Init { dir, from } => {
            let tables = crate::scenario::init::init(&dir, from.as_deref())?;
            crate::outln!(
                "wrote {} and {} ({} tables: {})",
                dir.join("scenario.toml").display(),
                dir.join(crate::scenario::workbook::FILE).display(),
                tables.len(),
                tables.join(", ")
            );
            Ok(())
        }
        Command::Forms {
            plan,
            year,
            out,
            force,
        } => {
            let files = crate::forms::run(&crate::forms::Request {
                plan: &plan,
                year,
                out: &out,
                lang: &lang,
                force,
            })?;
            crate::outln!(
                "wrote {} report forms for {year} and {} to {}",
                files.len(),
                crate::forms::MANIFEST,
                out.display()
            );
            Ok(())
        }
        Command::Actuals {
            plan,
            forms,
            as_of,
            out,
            show_small,
            force,
        } => {
            let outcome = crate::actuals::run(&crate::actuals::Request {
                plan: &plan,
                forms: &forms,
                as_of,
                out: &out,
                lang: &lang,
                show_small,
                force,
            })?;
            for w in &outcome.warnings {
                crate::errln!("warning: {w}");
            }
            for p in &outcome.problems {
                let place = [p.file.as_str(), p.sheet.as_str(), p.cell.as_str()];
                let place = match place {
                    ["", _, _] => p.unit.clone(),
                    [file, "", ""] => file.to_string(),
                    // A roster's `line 13` or `row 5`; a form's `G12`.
                    [file, "", row] => format!("{file}, {row}"),
                    [file, sheet, row] if row.contains(' ') => {
                        format!("{file}, sheet '{sheet}', {row}")
                    }
                    [file, sheet, cell] => format!("{file}, sheet '{sheet}', cell {cell}"),
                };
                crate::errln!("warning: {place}: {}", p.message);
            }
            let s = &outcome.summary;
            if !s.roster.is_empty() {
                crate::outln!(
                    "compiled {} of {} units for {} from the roster {} as of {} ({} problems, units with one left out: problems.csv; promotions, trainings and transfers are not in a roster); wrote {}",
                    s.compiled,
                    s.units,
                    s.year,
                    s.roster,
                    crate::workbook::actuals::day_month_year(&s.as_of),
                    s.problems,
                    out.display()
                );
                return Ok(());
            }
            crate::outln!(
                "compiled {} of {} forms for {} ({} units in the plan; {} problems, forms with one left out: problems.csv); wrote {}",
                s.compiled,
                s.forms_found,
                s.year,
                s.units,
                s.problems,
                out.display()
            );
            Ok(())
        }
        Command::Replan {
            plan,
            actuals,
            out,
            quiet,
            force,
        } => replan::run(&replan::Request {
            plan,
            actuals,
            out,
            lang,
            force,
            quiet,
        }),
        Command::History { plans, out, force } => {
            let outcome = crate::history::run(&crate::history::Request {
                plans: &plans,
                out: &out,
                lang: &lang,
                force,
            })?;
            for w in &outcome.warnings {
                crate::errln!("warning: {w}");
            }
            for row in &outcome.rows {
                crate::outln!(
                    "{} ({}, from {}): {} foresees EM staff {} of {} ({}%), legal targets met {}, missed {}",
                    row.plan,
                    if row.kind == "replan" { "re-plan" } else { "plan" },
                    row.made_from,
                    row.target_year,
                    row.em_staff,
                    row.staff,
                    format!("{:.2}", row.em_share.0),
                    row.targets_met,
                    row.targets_missed
                );
            }
            crate::outln!(
                "wrote {} plans' history to {}",
                outcome.entries.len(),
                out.display()
            );
            Ok(())
        }
        Command::Plot { out, force } => {
            let files = crate::charts::draw_all(&out, &lang, force)?;
            for f in files {
                println!("{}", f.display());
            }
            Ok(())
        }
        Command::Forecast {
            scenario,
            out,
            top,
            force,
        } => forecast::run(&load(&scenario)?, out.as_deref(), top, force),
        Command::Retirement { born, sex } => check::retirement(&born, &sex),
        Command::Plan {
            scenario,
            out,
            time_limit,
            gap,
            threads,
            verbose,
            quiet,
            force,
            price_intent,
            prices,
            prices_of,
        } => plan::run(&plan::Request {
            scenario,
            out,
            overrides: plan::SolverOverrides::checked(time_limit, gap, threads)?,
            verbose,
            quiet,
            lang,
            force,
            skip_bad_rows: args.skip_bad_rows,
            price_intent,
            prices,
            prices_of,
        }),
    }
}

/// `--threads`: at least 1, and at most the machine's processors (a warning says so).
pub(crate) fn threads_flag(requested: usize) -> Result<usize> {
    if requested == 0 {
        return Err(crate::error::Error::Usage(
            "--threads: expected 1 or more".into(),
        ));
    }
    let (threads, warning) = crate::threads::capped("--threads", requested);
    if let Some(w) = warning {
        crate::errln!("{w}");
    }
    Ok(threads)
}

/// Environment variables earlier versions read; each is a setting now.
fn warn_retired_variables() {
    let retired = [
        ("BIENCHE_MONOLITHIC", "[solver] method = \"monolithic\""),
        ("BIENCHE_CHECK_LAGRANGIAN", "[solver] check_bound = true"),
        ("BIENCHE_HIGHS_OPTIONS", "a [solver.highs] table"),
    ];
    for (name, setting) in retired {
        if std::env::var_os(name).is_some() {
            crate::errln!("warning: {name} is no longer read; set {setting} in scenario.toml");
        }
    }
}
