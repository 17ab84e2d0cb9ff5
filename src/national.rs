//! Planning a whole country: a folder of province scenarios named by `national.toml`.
//!
//! Each province plans its own targets with its own channels, training seats and budget
//! (R1–R8 apply province by province), so the provinces share nothing and the national
//! plan is the set of province plans. Its cost and its bound are the sums of theirs, so the
//! national gap `(Σ objective − Σ bound) / Σ objective` is proven like each province's.
//!
//! Threads: `T` threads plan `min(T, P)` provinces at once, each with `T / min(T, P)`
//! threads of its own (at least one). Every province runs on its own OS thread, because a
//! rayon worker waiting on a province's inner pool would otherwise steal and nest the
//! next province.

use crate::domain::Spec;
use crate::error::{Error, Result};
use crate::output::contract::{
    round3, Fixed4, InputRecord, Money, NationalManifest, NationalRow, NationalSolver,
    NationalSummary, Summary,
};
use crate::output::write;
use rayon::prelude::*;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::Instant;

pub const FILE: &str = "national.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNational {
    name: String,
    #[serde(default)]
    illustrative: bool,
    /// The generator's seed, when generated; recorded, not used.
    #[serde(default)]
    #[allow(dead_code)]
    seed: Option<u64>,
    provinces: Vec<String>,
}

/// A checked national folder: every province scenario loaded.
pub struct National {
    pub name: String,
    pub illustrative: bool,
    pub dir: PathBuf,
    pub sha256: String,
    pub provinces: Vec<(String, Spec)>,
}

/// Whether `dir` is a national folder rather than one scenario.
pub fn is_national(dir: &Path) -> bool {
    dir.join(FILE).is_file()
}

/// Reads `national.toml` and loads every province it lists, failing on the first bad one
/// (its file, row and field named by the scenario loader) before anything is solved.
pub fn load(dir: &Path) -> Result<National> {
    let path = dir.join(FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| Error::Unreadable {
        file: path.clone(),
        message: e.to_string(),
        folder: None,
    })?;
    let raw: RawNational = serde_path_to_error::deserialize(toml::Deserializer::new(&text))
        .map_err(|err| {
            let field = err.path().to_string();
            let inner = err.into_inner();
            let line = inner
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            let mut message = crate::error::plain_serde_words(inner.message());
            if !message.contains("expected") {
                message.push_str("; expected name = \"…\" and provinces = [\"folder\", …]");
            }
            let field = crate::error::serde_field(&field, inner.message());
            Error::input(&path, line, field, message)
        })?;
    let provinces_line = crate::scenario::layers::key_line(&text, "provinces");
    let fail = |message: String| Err(Error::input(&path, provinces_line, "provinces", message));
    if raw.provinces.is_empty() {
        return fail(
            "the list is empty; expected at least one province folder, such as [\"p01\"]".into(),
        );
    }
    let mut provinces = Vec::with_capacity(raw.provinces.len());
    for (i, p) in raw.provinces.iter().enumerate() {
        let plain = matches!(
            Path::new(p).components().collect::<Vec<_>>().as_slice(),
            [std::path::Component::Normal(_)]
        );
        if !plain {
            return fail(format!("\"{p}\" is not the name of a folder inside the national folder; expected names such as \"p01\""));
        }
        if raw.provinces[..i].contains(p) {
            return fail(format!(
                "\"{p}\" is listed twice; expected each province folder once"
            ));
        }
        if !dir.join(p).join("scenario.toml").is_file() {
            return fail(format!(
                "no scenario folder \"{p}\" next to national.toml; expected a folder holding scenario.toml"
            ));
        }
        let spec = crate::scenario::load(&dir.join(p)).map_err(|e| e.in_folder(Path::new(p)))?;
        provinces.push((p.clone(), spec));
    }
    Ok(National {
        name: raw.name,
        illustrative: raw.illustrative,
        dir: dir.to_path_buf(),
        sha256: format!("{:x}", Sha256::digest(text.as_bytes())),
        provinces,
    })
}

/// One province's outcome.
struct ProvinceRun {
    folder: String,
    units: usize,
    summary: Summary,
    seconds: f64,
}

/// Plans every province into `out/<folder>/` and writes `national.csv`, `summary.json` and
/// `manifest.json`; the whole folder appears at once.
pub fn run(national: &mut National, out: &Path, threads: u32, quiet: bool) -> Result<()> {
    let started = Instant::now();
    let count = national.provinces.len();
    let at_once = count.clamp(1, threads.max(1) as usize);
    let per_province = (threads.max(1) as usize / at_once).max(1) as u32;
    for (_, spec) in &mut national.provinces {
        spec.config.solver.threads = per_province;
    }
    let units: usize = national.provinces.iter().map(|(_, s)| s.units.len()).sum();
    if !quiet {
        crate::errln!(
            "planning {count} province{} ({units} units) on {threads} thread{}: {at_once} at once, {per_province} thread{} each…",
            if count == 1 { "" } else { "s" },
            if threads == 1 { "" } else { "s" },
            if per_province == 1 { "" } else { "s" }
        );
    }
    let progress = (!quiet).then(|| {
        crate::progress::Progress::new(
            count as u64,
            "provinces planned",
            "{elapsed} elapsed · ETA {eta}",
        )
    });
    let hidden = indicatif::ProgressBar::hidden();
    let bar = progress.as_ref().map_or(hidden, |p| p.bar.clone());
    let national_ref = &*national;
    crate::output::write_folder(out, |dir| {
        let runs = plan_provinces(national_ref, dir, at_once, &bar)?;
        write_tables(dir, national_ref, &runs, threads)?;
        if let Some(p) = progress {
            p.done();
            print_summary(national_ref, &runs, out, started.elapsed().as_secs_f64());
        }
        Ok(())
    })
}

/// Plans the provinces `at_once` at a time, each on its own OS thread, into `dir/<folder>/`.
fn plan_provinces(
    national: &National,
    dir: &Path,
    at_once: usize,
    progress: &indicatif::ProgressBar,
) -> Result<Vec<ProvinceRun>> {
    let pool = crate::threads::pool(at_once)?;
    let results: Vec<Result<ProvinceRun>> = pool.install(|| {
        national
            .provinces
            .par_iter()
            .map(|(folder, spec)| {
                let t = Instant::now();
                let outcome = crate::threads::on_own_thread(|| {
                    let options = crate::run::Options::default();
                    crate::run::plan_into(spec, &dir.join(folder), options, None)
                })
                .map(|report| ProvinceRun {
                    folder: folder.clone(),
                    units: spec.units.len(),
                    summary: report.tables.summary,
                    seconds: t.elapsed().as_secs_f64(),
                })
                .map_err(|e| Error::Solver(format!("province {folder}: {e}")));
                progress.inc(1);
                outcome
            })
            .collect()
    });
    results.into_iter().collect()
}

struct Totals {
    objective: f64,
    bound: f64,
    cost: f64,
    met: usize,
    missed: usize,
    shortfall: u64,
}

fn totals(runs: &[ProvinceRun]) -> Totals {
    Totals {
        objective: runs.iter().map(|r| r.summary.solver.objective).sum(),
        bound: runs.iter().map(|r| r.summary.solver.bound).sum(),
        cost: runs.iter().map(|r| r.summary.total_cost).sum(),
        met: runs.iter().map(|r| r.summary.targets_met).sum(),
        missed: runs.iter().map(|r| r.summary.targets_missed).sum(),
        shortfall: runs.iter().map(|r| r.summary.total_shortfall as u64).sum(),
    }
}

fn gap(objective: f64, bound: f64) -> f64 {
    if objective.abs() > 1e-9 {
        ((objective - bound) / objective.abs()).max(0.0)
    } else {
        0.0
    }
}

/// `national.csv` (one row per province), `summary.json` (national totals and the proven
/// gap) and `manifest.json` (inputs' hashes, version, solver settings).
fn write_tables(dir: &Path, national: &National, runs: &[ProvinceRun], threads: u32) -> Result<()> {
    let rows: Vec<NationalRow> = runs
        .iter()
        .map(|r| {
            let s = &r.summary;
            NationalRow {
                province: r.folder.clone(),
                scenario: s.scenario.clone(),
                units: r.units,
                total_cost_million_vnd: Money::new(s.total_cost),
                objective: Money::new(s.solver.objective),
                bound: Money::new(s.solver.bound),
                gap_percent: Fixed4(100.0 * s.solver.gap),
                status: s.solver.status.clone(),
                targets_met: s.targets_met,
                targets_missed: s.targets_missed,
                total_shortfall: s.total_shortfall,
            }
        })
        .collect();
    write::rows(dir, &rows)?;
    let t = totals(runs);
    let summary = NationalSummary {
        name: national.name.clone(),
        illustrative: national.illustrative,
        provinces: runs.len(),
        units: runs.iter().map(|r| r.units).sum(),
        money_unit: "million VND".into(),
        total_cost: round3(t.cost),
        targets_met: t.met as u64,
        targets_missed: t.missed as u64,
        total_shortfall: t.shortfall,
        solver: NationalSolver {
            objective: round3(t.objective),
            bound: round3(t.bound),
            gap: gap(t.objective, t.bound),
            threads,
        },
    };
    write::json(dir, "summary.json", &summary)?;
    let manifest = NationalManifest {
        bienche_version: env!("CARGO_PKG_VERSION").into(),
        national: national.name.clone(),
        national_dir: national.dir.canonicalize().unwrap_or_else(|_| national.dir.clone()),
        inputs: vec![InputRecord {
            file: FILE.into(),
            sha256: national.sha256.clone(),
        }],
        provinces: runs.iter().map(|r| r.folder.clone()).collect(),
        note: "each province folder has its own manifest.json with its inputs' hashes and solver settings".into(),
    };
    write::json(dir, "manifest.json", &manifest)
}

fn print_summary(national: &National, runs: &[ProvinceRun], out: &Path, seconds: f64) {
    let t = totals(runs);
    if national.illustrative {
        crate::outln!(
            "ILLUSTRATIVE DATA: {} (figures are invented, not official)",
            national.name
        );
    }
    let slowest = runs
        .iter()
        .max_by(|a, b| a.seconds.total_cmp(&b.seconds))
        .map(|r| format!("; slowest province {} in {:.1} s", r.folder, r.seconds))
        .unwrap_or_default();
    crate::outln!(
        "planned {} province{}, {} units in {seconds:.1} s{slowest}",
        runs.len(),
        if runs.len() == 1 { "" } else { "s" },
        runs.iter().map(|r| r.units).sum::<usize>()
    );
    crate::outln!(
        "objective {:.1}, bound {:.1}, gap {:.4}% ({:.1} million VND)",
        t.objective,
        t.bound,
        100.0 * gap(t.objective, t.bound),
        (t.objective - t.bound).max(0.0)
    );
    crate::outln!(
        "cost: {:.1} billion VND; targets: {} met, {} missed, total shortfall {} people",
        t.cost / 1000.0,
        t.met,
        t.missed,
        t.shortfall
    );
    let mut worst: Vec<&ProvinceRun> = runs.iter().collect();
    worst.sort_by(|a, b| {
        b.summary
            .targets_missed
            .cmp(&a.summary.targets_missed)
            .then(a.folder.cmp(&b.folder))
    });
    for r in worst.into_iter().take(5) {
        crate::outln!(
            "  {}: {} targets missed, gap {:.4}%",
            r.folder,
            r.summary.targets_missed,
            100.0 * r.summary.solver.gap
        );
    }
    crate::outln!("wrote {}", out.display());
}
