//! `bienche roster import`.

use crate::domain::roster::Derived;
use crate::domain::Spec;
use crate::error::{Error, Result};
use crate::scenario;
use std::path::Path;

pub fn import(roster: &Path, dir: &Path, skip_bad_rows: bool) -> Result<()> {
    // Loading with the roster in place of the files checks the derived tables exactly as
    // a later `plan` will read them, before anything is written.
    let spec = scenario::load_with(
        dir,
        &scenario::LoadOptions {
            roster: Some(roster.to_path_buf()),
            skip_bad_rows,
        },
    )?;
    let d = spec.roster.as_ref().expect("derived from the roster");
    let files = [
        ("staff.csv", &d.staff),
        ("retirements.csv", &d.retirements),
        ("attrition.csv", &d.attrition),
        ("hiring_mix.csv", &d.hiring_mix),
    ];
    // Every file complete under a temporary name first, then the renames.
    let tmp = |name: &str| dir.join(format!(".{name}.tmp-{}", std::process::id()));
    for (name, text) in files {
        if let Err(e) = std::fs::write(tmp(name), text.as_bytes()) {
            for (n, _) in files {
                let _ = std::fs::remove_file(tmp(n));
            }
            return Err(Error::output(&dir.join(name), e));
        }
    }
    for (name, _) in files {
        std::fs::rename(tmp(name), dir.join(name))
            .map_err(|e| Error::output(&dir.join(name), e))?;
    }
    print_summary(&spec, d);
    println!(
        "wrote staff.csv ({} rows), retirements.csv ({} rows), attrition.csv ({} rows), hiring_mix.csv ({} rows) in {}",
        rows(&d.staff),
        rows(&d.retirements),
        rows(&d.attrition),
        rows(&d.hiring_mix),
        dir.display()
    );
    Ok(())
}

fn rows(csv: &str) -> usize {
    csv.lines().count().saturating_sub(1)
}

/// What a roster gave, in aggregate only.
pub fn print_summary(spec: &Spec, d: &Derived) {
    let s = &d.summary;
    let c = &spec.config;
    println!(
        "roster {}: {} people in post at {}-12-31, {} leavers in the history",
        d.source, s.in_post, c.time.base_year, s.leavers
    );
    println!("  columns read: {}", s.columns.join(", "));
    if !s.personal_columns.is_empty() {
        println!(
            "  personal columns never read: {}",
            s.personal_columns
                .iter()
                .map(|h| format!("'{h}'"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if !s.ignored_columns.is_empty() {
        println!("  other columns not needed: {}", s.ignored_columns.len());
    }
    println!(
        "  retirements {}–{}: {} (statutory age, Labour Code 2019 art. 169)",
        c.time.base_year + 1,
        c.time.horizon,
        s.retirements_in_horizon
    );
    if s.past_age > 0 {
        println!(
            "  {} past the statutory age at the roster date: counted as retiring in {}",
            s.past_age,
            c.time.base_year + 1
        );
    }
    if c.roster.early_retirement_years > 0 {
        println!(
            "  {} flagged with 15+ years in especially difficult areas retire {} years early (roster.early_retirement_years)",
            s.retiring_early, c.roster.early_retirement_years
        );
    }
    let f = &s.fit;
    if f.with_hire_date == 0 {
        println!(
            "  attrition: no hire dates, so the [attrition] defaults apply (source = default)"
        );
    } else {
        println!(
            "  attrition {}–{}: {} leavers (not retirements) over {:.0} person-years; class-bands fitted {}, pooled {}, default {}",
            c.time.base_year + 1 - c.roster.history_years as i32,
            c.time.base_year,
            f.events,
            f.person_years,
            f.fitted,
            f.pooled,
            f.defaulted
        );
    }
    let mix_units = d
        .hiring_mix
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap_or(""))
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    println!(
        "  hiring mix: {mix_units} units with at least {} recent hires; the others hire like their current staff",
        c.roster.min_mix_hires
    );
    if s.skipped > 0 {
        println!("skipped {} bad rows:", s.skipped);
        for r in &s.skipped_rows {
            println!("  {r}");
        }
    }
}
