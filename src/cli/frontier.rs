//! `bienche frontier`: the pipeline is [`crate::frontier`] (its rounds in
//! [`crate::frontier::trace`]); this checks the flags, writes the folder and prints the table.

use crate::charts::labels::Labels;
use crate::compare;
use crate::error::{Error, Result};
use crate::frontier::{self, Point};
use crate::output::folder::{check_out, Kind, Out};
use std::path::Path;
use std::time::Instant;

pub struct Request<'a> {
    pub scenario: &'a Path,
    pub out: &'a Path,
    pub points: usize,
    pub threads: usize,
    pub lang: &'a str,
    pub force: bool,
}

pub fn run(r: &Request) -> Result<()> {
    let labels = Labels::new(r.lang)?;
    frontier::check_points(r.points)?;
    let threads = super::threads_flag(r.threads)?;
    let spec = crate::scenario::load(r.scenario)?;
    check_out(&Out {
        path: r.out,
        kind: Kind::Frontier,
        inputs: &super::compare::inputs(&[r.scenario.to_path_buf()])?,
        force: r.force,
    })?;
    let base = r.scenario.canonicalize().map_err(|e| Error::Unreadable {
        file: r.scenario.to_path_buf(),
        message: e.to_string(),
        folder: None,
    })?;
    let first = frontier::first_values(
        spec.config.costs.salary_staff,
        spec.config.policy.target_price(),
    );
    let started = Instant::now();
    let progress = crate::progress::Progress::new(
        frontier::most_solves(first.len(), r.points) as u64,
        "frontier points solved",
        "{elapsed} elapsed · at most {len} plans",
    );
    let mut points: Vec<Point> = Vec::new();
    let mut rows = Vec::new();
    crate::output::write_folder(r.out, |dir| {
        points = frontier::trace(&frontier::Trace {
            base: &base,
            name: &spec.config.name,
            dir,
            out: r.out,
            first: first.clone(),
            wanted: r.points,
            threads,
            progress: &progress.bar,
        })?;
        rows = frontier::rows(&points);
        crate::output::write::rows(dir, &rows)?;
        let plots = dir.join("plots").join(r.lang);
        crate::output::folder::make_dir(&plots)?;
        if let Some(first) = points.iter().find_map(|p| p.run.outcome.as_ref().ok()) {
            crate::charts::frontier::draw(
                &plots,
                &frontier::chart_points(&points),
                &first.stats,
                &labels,
            )?;
        }
        Ok(())
    })?;
    progress.done();
    let distinct = frontier::distinct(&points);
    crate::outln!(
        "{} plans in {:.1} s on {threads} threads, {distinct} distinct points:",
        points.len(),
        started.elapsed().as_secs_f64(),
    );
    crate::outln!("{}", frontier::report(&rows).trim_end());
    if distinct < r.points {
        crate::errln!(
            "warning: {distinct} distinct plans of the {} asked: no other value between the points solved gives a different plan within {} solves",
            r.points,
            points.len()
        );
    }
    crate::outln!(
        "wrote {} (frontier.csv, plots/{}/frontier.png)",
        r.out.display(),
        r.lang
    );
    let failed: Vec<String> = points
        .iter()
        .filter_map(|p| {
            p.run
                .outcome
                .as_ref()
                .err()
                .map(|e| format!("{} ({}): {e}", p.run.name, p.value))
        })
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Error::Failed {
            message: format!(
                "{} of {} points failed; the others are on the frontier:\n  {}",
                failed.len(),
                points.len(),
                failed.join("\n  ")
            ),
            code: compare::failure_code(points.iter().map(|p| &p.run)),
        })
    }
}
