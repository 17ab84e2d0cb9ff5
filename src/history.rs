//! `bienche history PLAN… --out DIR`: a sequence of yearly re-plans read as one history.
//!
//! Each plan folder given is followed back through the plans it replaces (`manifest.json`'s
//! `replaces`, written by `bienche replan`) as long as the replaced folder is still there and
//! unchanged (its manifest's SHA-256); the plans found are ordered by the year each was made
//! from (its base year). For each plan and target year, `history.csv` says what the plan
//! foresaw: the province's staff and EM staff, the legal targets met and missed, those met
//! with a chance below one half, and the plan's cost; the charts draw the outlook of the first
//! target year as it changed, plan by plan.

use crate::charts::labels::Labels;
use crate::charts::stats::Stats;
use crate::error::{Error, Result};
use crate::output::contract::{Fixed4, HistoryRow, Money};
use std::path::{Path, PathBuf};

/// The command line of `history`, checked.
pub struct Request<'a> {
    pub plans: &'a [PathBuf],
    pub out: &'a Path,
    pub lang: &'a str,
    pub force: bool,
}

/// One plan of the history: its folder, its statistics, whether it replaces another.
pub struct Entry {
    pub dir: PathBuf,
    pub stats: Stats,
    pub replan: bool,
}

/// What `run` found: the plans in order, the rows written, and what could not be followed.
pub struct Outcome {
    pub entries: Vec<Entry>,
    pub rows: Vec<HistoryRow>,
    pub warnings: Vec<String>,
}

/// The plans of the history, oldest first, each read once, and a warning for each link not
/// followed.
fn chain(plans: &[PathBuf]) -> Result<(Vec<Entry>, Vec<String>)> {
    let mut found: Vec<Entry> = Vec::new();
    let mut warnings = Vec::new();
    for start in plans {
        let mut dir = start.clone();
        loop {
            let real = dir.canonicalize().unwrap_or_else(|_| dir.clone());
            if found
                .iter()
                .any(|e| e.dir.canonicalize().ok().as_ref() == Some(&real))
            {
                break;
            }
            let tables = crate::output::read::plan(&dir)?;
            let replaces = tables.manifest.replaces.clone();
            found.push(Entry {
                dir: dir.clone(),
                stats: crate::charts::stats::Stats::of(&tables),
                replan: replaces.is_some(),
            });
            let Some(replaces) = replaces else {
                break;
            };
            let same = crate::forms::manifest_sha256(&replaces.plan)
                .is_ok_and(|sha| sha == replaces.manifest_sha256);
            if !same {
                warnings.push(format!(
                    "{} replaces {}, which is no longer there as it was; the history starts at {}",
                    dir.display(),
                    replaces.plan.display(),
                    dir.display()
                ));
                break;
            }
            dir = replaces.plan;
        }
    }
    // Oldest first; plans made from the same year in the order given.
    found.sort_by_key(|e| e.stats.base_year);
    Ok((found, warnings))
}

pub fn run(r: &Request) -> Result<Outcome> {
    if r.plans.is_empty() {
        return Err(Error::Usage(
            "expected at least one plan folder".to_string(),
        ));
    }
    let labels = Labels::new(r.lang)?;
    let (entries, warnings) = chain(r.plans)?;
    // Every plan of the history is an input, those reached through `replaces` too.
    let inputs: Vec<PathBuf> = entries.iter().map(|e| e.dir.clone()).collect();
    for p in &inputs {
        crate::forms::outside(r.out, p)?;
    }
    crate::output::folder::check_out(&crate::output::folder::Out {
        path: r.out,
        kind: crate::output::folder::Kind::History,
        inputs: &inputs,
        force: r.force,
    })?;
    let rows = rows(&entries);
    crate::output::write_folder(r.out, |dir| {
        crate::output::write::rows(dir, &rows)?;
        let plots = dir.join("plots").join(labels.lang());
        crate::output::folder::make_dir(&plots)?;
        crate::charts::history::draw(&plots, &entries, &labels)?;
        Ok(())
    })?;
    Ok(Outcome {
        entries,
        rows,
        warnings,
    })
}

/// The legal targets of `year` a plan meets with a chance below one half in its quick
/// simulation (none where the folder has no chances).
pub fn met_below_half(s: &Stats, year: i32) -> usize {
    s.status
        .iter()
        .filter(|(k, met)| {
            k.2 == year
                && **met
                && !s.goals.contains(*k)
                && s.chance.get(*k).is_some_and(|p| *p < 0.5)
        })
        .count()
}

/// `history.csv`: each plan and target year.
fn rows(entries: &[Entry]) -> Vec<HistoryRow> {
    let mut out = Vec::new();
    for e in entries {
        let s = &e.stats;
        for &(year, _) in &s.targets {
            let Some(c) = s.province.get(&year) else {
                continue;
            };
            let (met, missed) = s.tally(year);
            let below_half = met_below_half(s, year);
            out.push(HistoryRow {
                plan: e.dir.display().to_string(),
                made_from: s.base_year,
                kind: if e.replan { "replan" } else { "plan" }.into(),
                target_year: year,
                staff: c.all.round() as u32,
                em_staff: c.em.round() as u32,
                em_share: Fixed4(crate::charts::stats::pct(c.em, c.all)),
                targets_met: met,
                targets_missed: missed,
                met_below_half: below_half,
                cost: Money::new(s.total_cost()),
            });
        }
    }
    out
}
