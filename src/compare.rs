//! `bienche compare A B C … --out DIR`: plans several scenarios side by side and tabulates
//! them against the first that was planned (the baseline).
//!
//! Scenarios are solved in parallel on a rayon pool, each taken in the given order by the
//! first thread free. With `T` threads and `n` scenarios, `min(n, T)` run at once and each
//! gets `max(1, T / min(n, T))` solver threads of its own (every HiGHS instance is
//! single-threaded; see [`crate::solve`]). A scenario that fails is reported with its error
//! and the others go on; the exit code says a run failed.
//!
//! Each scenario's full plan folder is written to `DIR/NAME/`. The comparison reads those
//! folders' tables (as the charts do, through [`crate::charts::stats`]) and writes
//! `comparison.csv`, `comparison.xlsx`, `unit_differences.csv` and `plots/LANG/`. The whole of `DIR` is written
//! to a temporary folder and renamed when complete.

use crate::charts::labels::Labels;
use crate::charts::stats::Stats;
use crate::error::{Error, Result};
use crate::output::contract::{Money, UnitDifferenceRow};
use crate::output::write;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// One scenario's run: its folder name and its statistics, or why it failed.
pub struct Run {
    pub name: String,
    pub scenario: PathBuf,
    pub outcome: std::result::Result<Solved, Error>,
}

pub struct Solved {
    pub stats: Stats,
    pub status: String,
    pub gap: f64,
    pub seconds: f64,
}

/// Names a comparison or sweep folder holds itself: a scenario's folder may not take one.
const RESERVED: &[&str] = &[
    "plots",
    "scenarios",
    "comparison.csv",
    "unit_differences.csv",
    "sweep.csv",
    "summary.json",
    "manifest.json",
    "national.csv",
];

/// A short, unique folder name per scenario, never one the output holds itself nor a
/// hidden name.
fn names(scenarios: &[PathBuf]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, s) in scenarios.iter().enumerate() {
        let mut base = s
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| format!("scenario-{}", i + 1));
        if RESERVED.contains(&base.as_str()) || base.starts_with('.') {
            base = format!("scenario-{}", base.trim_start_matches('.'));
        }
        let mut name = base.clone();
        let mut n = i + 1;
        while out.contains(&name) || RESERVED.contains(&name.as_str()) {
            name = format!("{n}-{base}");
            n += scenarios.len();
        }
        out.push(name);
    }
    out
}

/// Plans every scenario into `dir/NAME/` and returns the runs in the given order.
/// A scenario written into the temporary folder `dir` (a sweep's grid points) is recorded in
/// its manifest at the place it will have once `dir` becomes `out`.
pub fn solve_all(
    scenarios: &[PathBuf],
    dir: &Path,
    out: &Path,
    threads: usize,
    progress: &indicatif::ProgressBar,
) -> Result<Vec<Run>> {
    let at_once = scenarios.len().clamp(1, threads.max(1));
    let per_run = (threads.max(1) / at_once).max(1) as u32;
    solve_all_at(scenarios, dir, out, (at_once, per_run), progress)
}

/// [`solve_all`] with `at_once` scenarios solved at a time on `per_run` solver threads
/// each: `frontier` fixes `per_run` so that its plans do not depend on `--threads`.
pub fn solve_all_at(
    scenarios: &[PathBuf],
    dir: &Path,
    out: &Path,
    (at_once, per_run): (usize, u32),
    progress: &indicatif::ProgressBar,
) -> Result<Vec<Run>> {
    let out = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
    let names = names(scenarios);
    let pool = crate::threads::pool(at_once)?;
    // Each scenario is taken, in the given order, by the first thread free (`par_bridge`),
    // not by halves of the list as an indexed parallel iterator splits it: with six
    // scenarios on two threads that put the second (the sample's budget cap, 141 s) after
    // the first on one thread while the other ran the remaining four.
    let mut runs: Vec<(usize, Run)> = pool.install(|| {
        scenarios
            .iter()
            .zip(names.iter())
            .enumerate()
            .par_bridge()
            .map(|(index, (scenario, name))| {
                let started = Instant::now();
                let outcome = crate::threads::on_own_thread(|| {
                    let mut spec = crate::scenario::load(scenario)?;
                    spec.config.solver.threads = per_run;
                    if let Ok(inside) = scenario.strip_prefix(dir) {
                        spec.dir = out.join(inside);
                    }
                    let options = crate::run::Options::default();
                    let report = crate::run::plan_into(&spec, &dir.join(name), options, None)?;
                    Ok(Solved {
                        stats: Stats::of(&report.tables),
                        status: report.stats.status.clone(),
                        gap: report.stats.gap,
                        seconds: started.elapsed().as_secs_f64(),
                    })
                });
                progress.inc(1);
                let run = Run {
                    name: name.clone(),
                    scenario: scenario.clone(),
                    outcome,
                };
                (index, run)
            })
            .collect()
    });
    runs.sort_by_key(|(index, _)| *index);
    Ok(runs.into_iter().map(|(_, run)| run).collect())
}

/// The baseline: the first scenario that was planned (the charts' too).
pub fn baseline(runs: &[Run]) -> Option<&Solved> {
    runs.iter().find_map(|r| r.outcome.as_ref().ok())
}

/// The scenarios that were planned, by name, in order.
pub fn succeeded(runs: &[Run]) -> Vec<(&str, &Stats)> {
    runs.iter()
        .filter_map(|r| r.outcome.as_ref().ok().map(|s| (r.name.as_str(), &s.stats)))
        .collect()
}

/// `comparison.csv`, one row per scenario, failures included, and `comparison.xlsx` in the
/// words of `labels`.
pub fn write_comparison(dir: &Path, runs: &[Run], labels: &Labels) -> Result<()> {
    let ok: Vec<&Stats> = runs
        .iter()
        .filter_map(|r| r.outcome.as_ref().ok().map(|s| &s.stats))
        .collect();
    let levers: BTreeSet<String> = ok
        .iter()
        .flat_map(|s| s.costs.values().flat_map(|m| m.keys().cloned()))
        .collect();
    let channels: BTreeSet<String> = ok
        .iter()
        .flat_map(|s| {
            s.hires
                .values()
                .flat_map(|m| m.keys().map(|(c, _)| c.clone()))
        })
        .collect();
    let years: BTreeSet<i32> = ok
        .iter()
        .flat_map(|s| s.targets.iter().map(|t| t.0))
        .collect();
    let mut header: Vec<String> = vec![
        "scenario".into(),
        "name".into(),
        "status".into(),
        "error".into(),
        "total_cost".into(),
    ];
    header.extend(levers.iter().map(|l| format!("cost:{l}")));
    for y in &years {
        header.push(format!("met_{y}"));
        header.push(format!("missed_{y}"));
    }
    header.push("total_shortfall".into());
    header.extend(channels.iter().map(|c| format!("hires:{c}")));
    header.extend([
        "hires_em".into(),
        "hires_em_share".into(),
        "exits".into(),
        "exits_leaders".into(),
        "step_downs".into(),
        "gap".into(),
        "gap_million_vnd".into(),
        "cost_vs_baseline".into(),
        "within_tolerance".into(),
        "seconds".into(),
    ]);
    let baseline = baseline(runs);
    let rows = runs.iter().map(|r| {
        let mut row = vec![r.name.clone()];
        match &r.outcome {
            Err(e) => {
                row.extend([String::new(), "failed".into(), e.to_string()]);
                row.resize(header.len(), String::new());
            }
            Ok(s) => {
                let st = &s.stats;
                row.extend([st.scenario.clone(), s.status.clone(), String::new()]);
                row.push(Money::text(st.total_cost()));
                for l in &levers {
                    let c: f64 = st.costs.values().filter_map(|m| m.get(l)).sum();
                    row.push(Money::text(c));
                }
                let mut short = 0.0;
                for y in &years {
                    let (met, missed) = st.tally(*y);
                    row.push(met.to_string());
                    row.push(missed.to_string());
                    short += st.shortfall.get(y).copied().unwrap_or(0.0);
                }
                row.push(format!("{short:.0}"));
                for c in &channels {
                    let n: f64 = st
                        .hires
                        .values()
                        .flat_map(|m| m.iter())
                        .filter(|((ch, _), _)| ch == c)
                        .map(|(_, (n, _))| n)
                        .sum();
                    row.push(format!("{:.0}", n + 0.0)); // no "-0"
                }
                let (all, em) = st.hire_totals();
                row.push(format!("{em:.0}"));
                row.push(format!("{:.4}", if all > 0.0 { em / all } else { 0.0 }));
                match &st.exits {
                    Some(e) => row.extend([
                        e.exits.to_string(),
                        e.leaders.to_string(),
                        e.step_downs.to_string(),
                    ]),
                    None => row.extend([String::new(), String::new(), String::new()]),
                }
                row.push(format!("{:.6}", s.gap));
                row.push(Money::text(st.gap_million_vnd));
                match baseline.filter(|b| !std::ptr::eq(*b, s)) {
                    Some(b) => {
                        row.push(Money::text(st.total_cost() - b.stats.total_cost()));
                        let within = st.cost_within_tolerance(&b.stats);
                        row.push(if within { "yes" } else { "no" }.into());
                    }
                    None => row.extend([String::new(), String::new()]),
                }
                row.push(format!("{:.1}", s.seconds));
            }
        }
        row
    });
    let rows: Vec<Vec<String>> = rows.collect();
    write::records(dir, "comparison.csv", &header, rows.iter().cloned())?;
    let illustrative = ok.iter().any(|s| s.illustrative);
    crate::workbook::comparison::write(dir, &header, &rows, illustrative, labels)
}

/// `unit_differences.csv`: every target row of every scenario next to the baseline's.
pub fn write_unit_differences(dir: &Path, runs: &[Run]) -> Result<()> {
    let mut rows: Vec<UnitDifferenceRow> = Vec::new();
    if let Some(base) = baseline(runs) {
        for r in runs {
            if let Some(s) = r.outcome.as_ref().ok().filter(|s| !std::ptr::eq(*s, base)) {
                rows.extend(differences(&r.name, &s.stats, &base.stats));
            }
        }
    }
    write::rows(dir, &rows)
}

/// A unit's name as either folder's `units.csv` has it; empty for the province's rows.
fn unit_name(now: &Stats, base: &Stats, id: &str) -> String {
    [now, base]
        .iter()
        .map(|s| s.unit_name(id))
        .find(|n| *n != id)
        .unwrap_or_default()
        .to_string()
}

fn differences(name: &str, now: &Stats, base: &Stats) -> Vec<UnitDifferenceRow> {
    let keys: BTreeSet<&(String, String, i32)> =
        now.status.keys().chain(base.status.keys()).collect();
    let word = |m: Option<&bool>| match m {
        Some(true) => "met",
        Some(false) => "missed",
        None => "n/a",
    };
    let mut rows = Vec::new();
    for key in keys {
        let (met, then) = (now.status.get(key), base.status.get(key));
        if met == then {
            continue;
        }
        let change = match (then, met) {
            (Some(false), Some(true)) => "now met",
            (Some(true), Some(false)) => "now missed",
            (None, Some(true)) => "new target, met",
            (None, Some(false)) => "new target, missed",
            _ => "no longer a target",
        };
        rows.push(UnitDifferenceRow {
            scenario: name.to_string(),
            unit: key.0.clone(),
            unit_name: unit_name(now, base, &key.0),
            rule: key.1.clone(),
            year: key.2,
            met: word(met).into(),
            baseline_met: word(then).into(),
            change: change.into(),
        });
    }
    rows
}

/// What `compare` prints: a line per scenario, and the failures.
pub fn report(runs: &[Run]) -> (String, Vec<String>) {
    let mut text = String::new();
    let mut failures = Vec::new();
    let baseline = baseline(runs);
    for r in runs {
        match &r.outcome {
            Ok(s) => {
                let last = s.stats.last_target_year();
                let (met, missed) = s.stats.tally(last);
                let cost = s.stats.total_cost();
                let delta = baseline
                    .filter(|b| !std::ptr::eq(*b, s))
                    .map(|b| {
                        let within = if s.stats.cost_within_tolerance(&b.stats) {
                            ", no more than the two plans' proven gaps"
                        } else {
                            ""
                        };
                        format!(
                            " ({:+.1} vs baseline{within})",
                            (cost - b.stats.total_cost()) / 1000.0
                        )
                    })
                    .unwrap_or_default();
                text.push_str(&format!(
                    "  {:<28} {:>9.1} bn VND{delta}; {last}: {met} met, {missed} missed; gap {:.3}%; {:.1} s\n",
                    r.name,
                    cost / 1000.0,
                    s.gap * 100.0,
                    s.seconds
                ));
            }
            Err(e) => {
                text.push_str(&format!("  {:<28} FAILED: {e}\n", r.name));
                failures.push(format!("{} ({}): {e}", r.name, r.scenario.display()));
            }
        }
    }
    (text, failures)
}

/// Exit code for the failures: 2 when every failure is the input's, 1 otherwise.
pub fn failure_code<'a>(runs: impl IntoIterator<Item = &'a Run>) -> i32 {
    if runs
        .into_iter()
        .filter_map(|r| r.outcome.as_ref().err())
        .all(|e| e.exit_code() == 2)
    {
        2
    } else {
        1
    }
}

/// One `--vary PATH=v1,v2,…` of `bienche sweep`.
#[derive(Debug, Clone)]
pub struct Vary {
    /// Dotted path in `scenario.toml`, e.g. `budget.cap_per_year`.
    pub path: String,
    /// Values as TOML (`2.0`, `"coverage"`); bare words are taken as strings.
    pub values: Vec<String>,
}

pub fn parse_vary(text: &str) -> Result<Vary> {
    let bad = || {
        Error::Usage(format!(
            "--vary: expected PATH=VALUE,VALUE,… such as budget.cap_per_year=20000,30000, found \"{text}\""
        ))
    };
    let (path, values) = text.split_once('=').ok_or_else(bad)?;
    let values: Vec<String> = values
        .split(',')
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect();
    if path.trim().is_empty() || values.is_empty() || path.split('.').any(str::is_empty) {
        return Err(bad());
    }
    Ok(Vary {
        path: path.trim().to_string(),
        values,
    })
}

/// Every combination, the first `--vary` changing slowest.
pub fn grid(varies: &[Vary]) -> Vec<Vec<(String, String)>> {
    let mut points: Vec<Vec<(String, String)>> = vec![Vec::new()];
    for v in varies {
        points = points
            .into_iter()
            .flat_map(|p| {
                v.values.iter().map(move |x| {
                    let mut q = p.clone();
                    q.push((v.path.clone(), x.clone()));
                    q
                })
            })
            .collect();
    }
    points
}

fn toml_value(text: &str) -> toml::Value {
    format!("v = {text}")
        .parse::<toml::Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(text.to_string()))
}

/// Writes a grid point as a variant of `base` (an absolute path) in `dir`.
pub fn write_point(dir: &Path, base: &Path, name: &str, point: &[(String, String)]) -> Result<()> {
    let mut table = toml::Table::new();
    table.insert(
        "extends".into(),
        toml::Value::String(base.display().to_string()),
    );
    table.insert("name".into(), toml::Value::String(name.to_string()));
    for (path, value) in point {
        let parts: Vec<&str> = path.split('.').collect();
        let mut at = &mut table;
        for p in &parts[..parts.len() - 1] {
            at = at
                .entry(p.to_string())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()))
                .as_table_mut()
                .ok_or_else(|| Error::Usage(format!("--vary {path}: {p} is set twice")))?;
        }
        at.insert(parts[parts.len() - 1].to_string(), toml_value(value));
    }
    crate::output::folder::make_dir(dir)?;
    let text = toml::to_string(&table).map_err(|e| Error::output(dir, e))?;
    std::fs::write(dir.join("scenario.toml"), text).map_err(|e| Error::output(dir, e))
}

/// `sweep.csv`: one row per grid point with its values and results.
pub fn write_sweep(
    dir: &Path,
    varies: &[Vary],
    points: &[Vec<(String, String)>],
    runs: &[Run],
) -> Result<()> {
    let years: BTreeSet<i32> = runs
        .iter()
        .filter_map(|r| r.outcome.as_ref().ok())
        .flat_map(|s| s.stats.targets.iter().map(|t| t.0))
        .collect();
    let mut header: Vec<String> = vec!["point".into()];
    header.extend(varies.iter().map(|v| v.path.clone()));
    header.extend(["status".into(), "total_cost".into()]);
    for y in &years {
        header.push(format!("met_{y}"));
        header.push(format!("missed_{y}"));
    }
    header.extend([
        "total_shortfall".into(),
        "gap".into(),
        "seconds".into(),
        "error".into(),
    ]);
    let rows = runs.iter().zip(points).map(|(r, p)| {
        let mut row = vec![r.name.clone()];
        row.extend(p.iter().map(|(_, v)| v.clone()));
        match &r.outcome {
            Ok(s) => {
                row.push(s.status.clone());
                row.push(Money::text(s.stats.total_cost()));
                let mut short = 0.0;
                for y in &years {
                    let (met, missed) = s.stats.tally(*y);
                    row.extend([met.to_string(), missed.to_string()]);
                    short += s.stats.shortfall.get(y).copied().unwrap_or(0.0);
                }
                row.extend([
                    format!("{short:.0}"),
                    format!("{:.6}", s.gap),
                    format!("{:.1}", s.seconds),
                    String::new(),
                ]);
            }
            Err(e) => {
                row.push("failed".into());
                row.resize(header.len() - 1, String::new());
                row.push(e.to_string());
            }
        }
        row
    });
    write::records(dir, "sweep.csv", &header, rows)
}
