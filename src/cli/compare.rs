//! `bienche compare`.

use crate::charts::labels::Labels;
use crate::compare;
use crate::error::{Error, Result};
use crate::output::folder::{check_out, Kind, Out};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Every folder the scenarios are read from: none of them may be under `--out`. A scenario
/// that cannot be read is left to fail on its own, with the others compared.
pub(super) fn inputs(scenarios: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = scenarios.to_vec();
    for s in scenarios {
        out.extend(crate::scenario::inputs(s).unwrap_or_default());
    }
    Ok(out)
}

pub fn run(
    scenarios: &[PathBuf],
    out: &Path,
    threads: usize,
    lang: &str,
    force: bool,
) -> Result<()> {
    let labels = Labels::new(lang)?;
    check_out(&Out {
        path: out,
        kind: Kind::Comparison,
        inputs: &inputs(scenarios)?,
        force,
    })?;
    let threads = super::threads_flag(threads)?;
    let started = Instant::now();
    let progress = crate::progress::Progress::new(
        scenarios.len() as u64,
        "scenarios solved",
        "{elapsed} elapsed · ETA {eta}",
    );
    let mut runs = Vec::new();
    crate::output::write_folder(out, |dir| {
        runs = compare::solve_all(scenarios, dir, out, threads, &progress.bar)?;
        compare::write_comparison(dir, &runs, &labels)?;
        compare::write_unit_differences(dir, &runs)?;
        let plots = dir.join("plots").join(lang);
        crate::output::folder::make_dir(&plots)?;
        crate::charts::compare::draw(&plots, &compare::succeeded(&runs), &labels)?;
        Ok(())
    })?;
    progress.done();
    let (text, failures) = compare::report(&runs);
    crate::outln!(
        "compared {} scenarios in {:.1} s on {threads} threads (baseline: {}):",
        runs.len(),
        started.elapsed().as_secs_f64(),
        compare::succeeded(&runs)
            .first()
            .map(|(name, _)| *name)
            .unwrap_or("-")
    );
    crate::outln!("{}", text.trim_end());
    crate::outln!("wrote {}", out.display());
    if failures.is_empty() {
        Ok(())
    } else {
        Err(Error::Failed {
            message: format!(
                "{} of {} scenarios failed; the others were compared:\n  {}",
                failures.len(),
                runs.len(),
                failures.join("\n  ")
            ),
            code: compare::failure_code(&runs),
        })
    }
}

pub fn sweep(
    base: &Path,
    vary: &[String],
    out: &Path,
    threads: usize,
    lang: &str,
    force: bool,
) -> Result<()> {
    let labels = Labels::new(lang)?;
    let threads = super::threads_flag(threads)?;
    let varies: Vec<compare::Vary> = vary
        .iter()
        .map(|v| compare::parse_vary(v))
        .collect::<Result<_>>()?;
    for (i, v) in varies.iter().enumerate() {
        if let Some(w) = varies[..i].iter().find(|w| {
            w.path == v.path
                || v.path.starts_with(&format!("{}.", w.path))
                || w.path.starts_with(&format!("{}.", v.path))
        }) {
            return Err(Error::Usage(format!(
                "--vary {}: overlaps --vary {}; give each setting once",
                v.path, w.path
            )));
        }
    }
    // Each point is a whole plan: a grid this large would run for weeks and fill the disk.
    const MOST_POINTS: u128 = 10_000;
    let count: u128 = varies
        .iter()
        .map(|v| v.values.len() as u128)
        .try_fold(1u128, |a, n| a.checked_mul(n))
        .unwrap_or(u128::MAX);
    if count > MOST_POINTS {
        return Err(Error::Usage(format!(
            "--vary: {count} grid points (the product of the numbers of values); expected at most 10,000 — each point is a whole plan"
        )));
    }
    check_out(&Out {
        path: out,
        kind: Kind::Sweep,
        inputs: &inputs(&[base.to_path_buf()])?,
        force,
    })?;
    let base_spec = crate::scenario::load(base)?;
    let base_abs = base.canonicalize().map_err(|e| Error::Unreadable {
        file: base.to_path_buf(),
        message: e.to_string(),
        folder: None,
    })?;
    let points = compare::grid(&varies);
    let name_of = |i: usize| format!("p{:03}", i + 1);
    let title_of = |p: &[(String, String)]| {
        let values: Vec<String> = p.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("{} · {}", base_spec.config.name, values.join(", "))
    };
    // Check every grid point before solving any: a bad path is the planner's to fix.
    let check = tempfile_dir()?;
    for (i, p) in points.iter().enumerate() {
        let dir = check.join(name_of(i));
        if let Err(e) = compare::write_point(&dir, &base_abs, &title_of(p), p) {
            let _ = std::fs::remove_dir_all(&check);
            return Err(e);
        }
        let loaded = crate::scenario::load(&dir);
        if let Err(e) = loaded {
            let _ = std::fs::remove_dir_all(&check);
            let values: Vec<String> = p.iter().map(|(k, v)| format!("{k}={v}")).collect();
            return Err(Error::Usage(format!("--vary {}: {e}", values.join(" "))));
        }
    }
    let _ = std::fs::remove_dir_all(&check);
    let started = Instant::now();
    let progress = crate::progress::Progress::new(
        points.len() as u64,
        "grid points solved",
        "{elapsed} elapsed · ETA {eta}",
    );
    let mut runs = Vec::new();
    crate::output::write_folder(out, |dir| {
        let mut scenarios = Vec::new();
        for (i, p) in points.iter().enumerate() {
            let d = dir.join("scenarios").join(name_of(i));
            compare::write_point(&d, &base_abs, &title_of(p), p)?;
            scenarios.push(d);
        }
        runs = compare::solve_all(&scenarios, dir, out, threads, &progress.bar)?;
        compare::write_sweep(dir, &varies, &points, &runs)?;
        let plots = dir.join("plots").join(lang);
        crate::output::folder::make_dir(&plots)?;
        crate::charts::compare::draw_frontier(&plots, &compare::succeeded(&runs), &labels)?;
        Ok(())
    })?;
    progress.done();
    let (text, failures) = compare::report(&runs);
    crate::outln!(
        "swept {} grid points in {:.1} s on {threads} threads:",
        runs.len(),
        started.elapsed().as_secs_f64()
    );
    crate::outln!("{}", text.trim_end());
    crate::outln!(
        "wrote {} (sweep.csv, plots/{lang}/frontier.png)",
        out.display()
    );
    if failures.is_empty() {
        Ok(())
    } else {
        Err(Error::Failed {
            message: format!(
                "{} of {} grid points failed:\n  {}",
                failures.len(),
                runs.len(),
                failures.join("\n  ")
            ),
            code: compare::failure_code(&runs),
        })
    }
}

/// A fresh private folder for checking grid points.
fn tempfile_dir() -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("bienche-sweep-check-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    crate::output::folder::make_dir(&dir)?;
    Ok(dir)
}
