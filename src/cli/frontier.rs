//! `bienche frontier`: the pipeline is [`crate::frontier`]; this reads the flags, solves
//! the points in rounds and prints the table.

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
    let policy = &spec.config.policy;
    let first = frontier::first_values(spec.config.costs.salary_staff, policy.target_price());
    // The first round, then a few splits a round; each point on one solver thread, so
    // that the points do not depend on the threads.
    let most = frontier::MOST_SOLVES.min(first.len() + 2 * r.points);
    let started = Instant::now();
    let progress = crate::progress::Progress::new(
        most as u64,
        "frontier points solved",
        "{elapsed} elapsed · at most {len} plans",
    );
    let mut points: Vec<Point> = Vec::new();
    let mut rows = Vec::new();
    crate::output::write_folder(r.out, |dir| {
        let mut values = first.clone();
        while !values.is_empty() {
            let mut scenarios = Vec::new();
            for (k, &v) in values.iter().enumerate() {
                let index = points.len() + k;
                scenarios.push(frontier::write_point(
                    dir,
                    &base,
                    &spec.config.name,
                    index,
                    v,
                )?);
            }
            let at_once = (threads.min(scenarios.len()).max(1), 1);
            let runs = compare::solve_all_at(&scenarios, dir, r.out, at_once, &progress.bar)?;
            points.extend(
                values
                    .iter()
                    .zip(runs)
                    .map(|(&value, run)| Point { value, run }),
            );
            if frontier::distinct(&points) >= r.points || points.len() >= most {
                break;
            }
            values = frontier::splits(&points, frontier::SPLITS_PER_ROUND.min(most - points.len()));
        }
        rows = frontier::rows(&points);
        crate::output::write::rows(dir, &rows)?;
        let plots = dir.join("plots").join(r.lang);
        crate::output::folder::make_dir(&plots)?;
        if let Some(first) = points.iter().find_map(|p| p.run.outcome.as_ref().ok()) {
            crate::charts::frontier::draw(
                &plots,
                &frontier::chart_points(&points, &rows),
                &first.stats,
                &labels,
            )?;
        }
        Ok(())
    })?;
    progress.done();
    let distinct = frontier::distinct(&points);
    println!(
        "{} plans in {:.1} s on {threads} threads, {distinct} distinct points:",
        points.len(),
        started.elapsed().as_secs_f64(),
    );
    print!("{}", frontier::report(&rows));
    if distinct < r.points {
        eprintln!(
            "warning: {distinct} distinct plans of the {} asked: no other value between the points solved gives a different plan within {} solves",
            r.points,
            points.len()
        );
    }
    println!(
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
