//! The output folder, a documented contract (`docs/outputs.md`): `summary.json`,
//! `trajectory.csv`, `flows.csv`, `targets.csv`, `costs.csv`, `manifest.json`, `units.csv`,
//! the no-plan `forecast/` and the charts in `plots/LANG/` (drawn from the files just written).
//!
//! Files are written into a temporary sibling folder that is renamed into place only when
//! every file is complete, so a failed run never leaves half-written output. Rows are in a
//! fixed order and numbers in fixed formats, so the same inputs give the same bytes; the
//! only run-dependent value is `solver.seconds` in `summary.json`.

use crate::domain::target::TargetRow;
use crate::domain::Spec;
use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::solve::SolveStats;
use serde_json::json;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

pub use crate::diagnose::Shortfall;

pub struct Report<'a> {
    pub spec: &'a Spec,
    pub plan: &'a Plan,
    pub stats: &'a SolveStats,
    pub targets: &'a [TargetRow],
    pub shortfalls: &'a [Shortfall],
    /// The forecast without a plan and its gap rows, written to `forecast/`.
    pub forecast: Option<(&'a Plan, &'a [TargetRow])>,
    /// Draw the charts into `plots/<lang>/`.
    pub lang: Option<&'a str>,
}

/// A progress bar for a long run: `{bar} pos/len <what> · <rate>`; indicatif draws it only on
/// a terminal, so logs and tests see nothing.
pub fn progress_bar(len: u64, what: &str, rate: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template(&format!(
            "{{bar:30}} {{pos}}/{{len}} {what} · {rate}"
        ))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

pub fn money(x: f64) -> String {
    let s = format!("{x:.3}");
    if s == "-0.000" {
        "0.000".into()
    } else {
        s
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

pub fn policy_json(spec: &Spec) -> serde_json::Value {
    let p = &spec.config.policy;
    json!({
        "roadmap": p.roadmap,
        "band_rule": p.band_rule,
        "seventy_percent_band": p.seventy_percent_band,
        "rounding": p.rounding,
        "r1_scope": p.r1_scope,
        "shortfall_penalty_million_vnd": p.shortfall_penalty,
        "r5_weight_million_vnd": p.r5_weight,
        "min_fill": spec.config.staffing.min_fill,
        "targets": spec.config.time.targets,
    })
}

pub fn highs_version() -> String {
    // SAFETY: Highs_version returns a static NUL-terminated string.
    unsafe { std::ffi::CStr::from_ptr(highs_sys::Highs_version()) }
        .to_string_lossy()
        .into_owned()
}

fn summary(r: &Report) -> serde_json::Value {
    let (met, missed, shortfall) = crate::evaluate::tally(r.targets);
    let mut by_lever: BTreeMap<String, f64> = BTreeMap::new();
    let mut by_year: BTreeMap<i32, f64> = BTreeMap::new();
    for ((year, _, lever), cost) in &r.plan.costs {
        *by_lever.entry(lever.to_string()).or_default() += cost;
        *by_year.entry(*year).or_default() += cost;
    }
    let total: f64 = by_lever.values().sum();
    let s = r.stats;
    let r5 = crate::rules::r5_structure::distances(r.spec, r.plan);
    let r5: Vec<serde_json::Value> = r
        .targets
        .iter()
        .filter(|t| t.goal && t.unit == "PROVINCE")
        .map(|t| {
            let all: u32 = (0..r.spec.units.len())
                .map(|u| r.plan.sum(t.year, u, |_| true))
                .sum();
            json!({
                "year": t.year,
                "em_staff": t.achieved,
                "all_staff": all,
                "em_share_of_staff": round3(t.achieved as f64 / all.max(1) as f64),
                "em_share_of_population_goal": round3(t.required as f64 / all.max(1) as f64),
                "group_distance_persons": round3(r5.get(&t.year).copied().unwrap_or(0.0)),
            })
        })
        .collect();
    json!({
        "scenario": r.spec.config.name,
        "illustrative": r.spec.config.illustrative,
        "policy": policy_json(r.spec),
        "base_year": r.spec.base_year(),
        "horizon": r.spec.horizon(),
        "money_unit": "million VND",
        "solver": {
            "name": "HiGHS",
            "status": s.status,
            "objective": round3(s.objective),
            "bound": round3(s.bound),
            "gap": s.gap,
            "gap_million_vnd": round3(s.gap_million_vnd),
            "seconds": (s.seconds * 1000.0).round() / 1000.0,
            "columns": s.columns,
            "integer_columns": s.integer_columns,
            "rows": s.rows,
            "nodes": s.nodes,
        },
        "total_cost": round3(total),
        "cost_by_lever": by_lever.into_iter().map(|(k, v)| (k, round3(v))).collect::<BTreeMap<_, _>>(),
        "cost_by_year": by_year.into_iter().map(|(k, v)| (k.to_string(), round3(v))).collect::<BTreeMap<_, _>>(),
        "total_shortfall": shortfall,
        "targets_met": met,
        "targets_missed": missed,
        "missed": r.shortfalls,
        "staffing_issues": r.plan.staffing_issues.iter().map(|i| json!({
            "what": i.what(),
            "unit": i.unit.map(|u| r.spec.units[u].id.clone()).unwrap_or_else(|| "PROVINCE".into()),
            "year": i.year,
            "amount": round3(i.amount),
        })).collect::<Vec<_>>(),
        "r5": r5,
        "groups": r.spec.groups.iter().map(|g| json!({"group": g.id, "em": g.em})).collect::<Vec<_>>(),
        "warnings": r.spec.warnings,
    })
}

fn manifest(r: &Report) -> serde_json::Value {
    json!({
        "bienche_version": env!("CARGO_PKG_VERSION"),
        "scenario": r.spec.config.name,
        "scenario_dir": r.spec.dir.canonicalize().unwrap_or_else(|_| r.spec.dir.clone()),
        "inputs": r.spec.inputs.iter().map(|i| json!({"file": i.name, "sha256": i.sha256})).collect::<Vec<_>>(),
        "solver": {
            "name": "HiGHS",
            "version": highs_version(),
            "settings": r.spec.config.solver,
        },
        "policy": policy_json(r.spec),
    })
}

pub fn write_csv(
    dir: &Path,
    name: &str,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<()> {
    let path = dir.join(name);
    let file = std::fs::File::create(&path).map_err(|e| Error::output(&path, e))?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(file));
    w.write_record(header)
        .map_err(|e| Error::output(&path, e))?;
    for row in rows {
        w.write_record(&row).map_err(|e| Error::output(&path, e))?;
    }
    w.flush().map_err(|e| Error::output(&path, e))?;
    Ok(())
}

pub fn write_json(dir: &Path, name: &str, value: &serde_json::Value) -> Result<()> {
    let path = dir.join(name);
    let mut text = serde_json::to_string_pretty(value).map_err(|e| Error::output(&path, e))?;
    text.push('\n');
    let mut f = std::fs::File::create(&path).map_err(|e| Error::output(&path, e))?;
    f.write_all(text.as_bytes())
        .map_err(|e| Error::output(&path, e))
}

fn write_all(dir: &Path, r: &Report) -> Result<()> {
    write_json(dir, "summary.json", &summary(r))?;
    write_json(dir, "manifest.json", &manifest(r))?;
    write_trajectory(dir, r.spec, r.plan)?;
    write_flows(dir, r.spec, r.plan)?;
    write_targets(dir, "targets.csv", "achieved", r.targets)?;
    write_csv(
        dir,
        "costs.csv",
        &["year", "unit", "lever", "cost"],
        r.plan.costs.iter().map(|((t, u, lever), c)| {
            vec![
                t.to_string(),
                r.spec.units[*u].id.clone(),
                lever.to_string(),
                money(*c),
            ]
        }),
    )?;
    write_units(dir, r.spec)?;
    if let Some((plan, gap)) = r.forecast {
        let fdir = dir.join("forecast");
        std::fs::create_dir(&fdir).map_err(|e| Error::output(&fdir, e))?;
        write_trajectory(&fdir, r.spec, plan)?;
        write_flows(&fdir, r.spec, plan)?;
        write_targets(&fdir, "gap.csv", "projected", gap)?;
    }
    if let Some(lang) = r.lang {
        let labels = crate::charts::labels::Labels::new(lang)?;
        let stats = crate::charts::stats::load(dir)?;
        let plots = dir.join("plots").join(lang);
        std::fs::create_dir_all(&plots).map_err(|e| Error::output(&plots, e))?;
        crate::charts::draw_into(&plots, &stats, &labels)?;
    }
    Ok(())
}

/// `units.csv`: each unit's kind and quota by year, for readers of the tables (the charts).
pub fn write_units(dir: &Path, spec: &Spec) -> Result<()> {
    let years: Vec<i32> = (spec.base_year()..=spec.horizon()).collect();
    write_csv(
        dir,
        "units.csv",
        &["unit", "name", "kind", "year", "quota", "leader_posts"],
        spec.units.iter().enumerate().flat_map(|(u, unit)| {
            years.iter().map(move |&y| {
                vec![
                    unit.id.clone(),
                    unit.name.clone(),
                    unit.kind.name().to_string(),
                    y.to_string(),
                    spec.quota(u, y).to_string(),
                    unit.leader_posts.to_string(),
                ]
            })
        }),
    )
}

/// `trajectory.csv`: head-count by year, unit and cell.
pub fn write_trajectory(dir: &Path, spec: &Spec, plan: &Plan) -> Result<()> {
    write_csv(
        dir,
        "trajectory.csv",
        &[
            "year",
            "unit",
            "group",
            "gender",
            "role",
            "trained",
            "headcount",
        ],
        plan.stock.iter().map(|(&(t, u, c), n)| {
            vec![
                t.to_string(),
                spec.units[u].id.clone(),
                spec.groups[c.group].id.clone(),
                c.gender().to_string(),
                c.role().to_string(),
                c.trained_word().into(),
                n.to_string(),
            ]
        }),
    )
}

/// `flows.csv`: every flow with its cell before the flow, count and cost.
pub fn write_flows(dir: &Path, spec: &Spec, plan: &Plan) -> Result<()> {
    let unit = |u: usize| spec.units[u].id.clone();
    write_csv(
        dir,
        "flows.csv",
        &[
            "year",
            "unit",
            "flow",
            "channel",
            "counterpart",
            "group",
            "gender",
            "role",
            "trained",
            "count",
            "cost",
        ],
        plan.flows.iter().map(|(k, (n, cost))| {
            vec![
                k.year.to_string(),
                unit(k.unit),
                k.kind.name().into(),
                k.channel.clone().unwrap_or_default(),
                k.counterpart.map(unit).unwrap_or_default(),
                spec.groups[k.cell.group].id.clone(),
                k.cell.gender().to_string(),
                k.cell.role().to_string(),
                k.cell.trained_word().into(),
                n.to_string(),
                money(*cost),
            ]
        }),
    )
}

/// `targets.csv` (or the forecast's `gap.csv`, whose `achieved` column is `projected`).
pub fn write_targets(dir: &Path, name: &str, achieved: &str, rows: &[TargetRow]) -> Result<()> {
    write_csv(
        dir,
        name,
        &[
            "unit",
            "rule",
            "year",
            "required",
            achieved,
            "shortfall",
            "met",
        ],
        rows.iter().map(|t| {
            vec![
                t.unit.clone(),
                t.rule.to_string(),
                t.year.to_string(),
                t.required.to_string(),
                t.achieved.to_string(),
                t.shortfall.to_string(),
                t.met.to_string(),
            ]
        }),
    )
}

/// Writes the report into `out` atomically: a temporary sibling folder, then a rename.
pub fn write(out: &Path, r: &Report) -> Result<()> {
    write_folder(out, |tmp| write_all(tmp, r))
}

/// Runs `fill` on a temporary sibling of `out`, then renames it into place; on failure the
/// temporary folder is removed and `out` is left as it was.
pub fn write_folder(out: &Path, fill: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| Error::output(parent, e))?;
    let name = out
        .file_name()
        .ok_or_else(|| Error::Usage(format!("--out {} names no folder", out.display())))?;
    let tmp: PathBuf = parent.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir(&tmp).map_err(|e| Error::output(&tmp, e))?;
    if let Err(e) = fill(&tmp) {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    replace_dir(&tmp, out)
}

/// Moves `tmp` to `out`, replacing an earlier run's folder only once the new one is whole.
pub fn replace_dir(tmp: &Path, out: &Path) -> Result<()> {
    if out.exists() {
        let old = out.with_file_name(format!(
            ".{}.old-{}",
            out.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            std::process::id()
        ));
        std::fs::rename(out, &old).map_err(|e| Error::output(out, e))?;
        std::fs::rename(tmp, out).map_err(|e| Error::output(out, e))?;
        let _ = std::fs::remove_dir_all(&old);
    } else {
        std::fs::rename(tmp, out).map_err(|e| Error::output(out, e))?;
    }
    Ok(())
}
