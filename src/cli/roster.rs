//! `bienche roster import`.

use crate::domain::roster::Derived;
use crate::domain::Spec;
use crate::error::{Error, Result};
use crate::output::folder::live_file;
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
    // The tables it writes must not also be sheets of the scenario's workbook.
    for table in [
        "staff.csv",
        "retirements.csv",
        "attrition.csv",
        "hiring_mix.csv",
    ] {
        if scenario::workbook::has_sheet(dir, table)? {
            let sheet = scenario::workbook::SHEETS
                .iter()
                .find(|(f, _)| *f == table)
                .map_or("", |(_, s)| *s);
            return Err(Error::Usage(format!(
                "{}: the sheet '{sheet}' holds {table}, which roster import writes; expected the workforce tables in one place: delete the sheets '{}' from the workbook, then import",
                dir.join(scenario::workbook::FILE).display(),
                ["Cán bộ hiện có", "Nghỉ hưu", "Tỷ lệ nghỉ việc", "Cơ cấu tuyển dụng"].join("', '")
            )));
        }
    }
    let d = spec.roster.as_ref().expect("derived from the roster");
    let files = [
        ("staff.csv", &d.staff),
        ("retirements.csv", &d.retirements),
        ("attrition.csv", &d.attrition),
        ("hiring_mix.csv", &d.hiring_mix),
    ];
    let kept = replace_tables(dir, &files)?;
    print_summary(&spec, d);
    if !kept.is_empty() {
        crate::outln!(
            "kept the tables it replaced as {}",
            kept.iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    crate::outln!(
        "wrote staff.csv ({} rows), retirements.csv ({} rows), attrition.csv ({} rows), hiring_mix.csv ({} rows) in {}",
        rows(&d.staff),
        rows(&d.retirements),
        rows(&d.attrition),
        rows(&d.hiring_mix),
        dir.display()
    );
    Ok(())
}

/// Writes the derived tables into the scenario folder as one change: every file complete
/// under a temporary name first; then each table it replaces is kept as `NAME.previous` and
/// the new one renamed into place; if a rename fails, the tables are put back. Returns the
/// names of the tables kept.
fn replace_tables(dir: &Path, files: &[(&str, &String)]) -> Result<Vec<String>> {
    let tmp = |name: &str| dir.join(format!(".{name}.tmp-{}", std::process::id()));
    // A backup is never overwritten: the second import keeps NAME.previous-2, and so on.
    let previous = |name: &str| {
        (1..)
            .map(|n| match n {
                1 => dir.join(format!("{name}.previous")),
                n => dir.join(format!("{name}.previous-{n}")),
            })
            .find(|p| std::fs::symlink_metadata(p).is_err())
            .expect("a free name")
    };
    let cleanup = || {
        for (n, _) in files {
            let _ = std::fs::remove_file(tmp(n));
            live_file(&tmp(n), false);
        }
    };
    for (name, text) in files {
        live_file(&tmp(name), true);
        if let Err(e) = std::fs::write(tmp(name), text.as_bytes()) {
            cleanup();
            return Err(Error::output(&dir.join(name), e));
        }
    }
    let mut kept = Vec::new();
    // (name, where it was kept, existed before): what to undo if a later rename fails.
    let mut done: Vec<(&str, Option<std::path::PathBuf>, bool)> = Vec::new();
    for (name, text) in files {
        let path = dir.join(name);
        let existed = path.exists();
        let same = std::fs::read(&path).is_ok_and(|old| old == text.as_bytes());
        let backup = (existed && !same).then(|| previous(name));
        let step = (|| {
            if let Some(b) = &backup {
                std::fs::rename(&path, b)?;
            }
            std::fs::rename(tmp(name), &path)
        })();
        if let Err(e) = step {
            for (n, kept_at, was) in &done {
                if let Some(b) = kept_at {
                    let _ = std::fs::rename(b, dir.join(n));
                } else if !was {
                    let _ = std::fs::remove_file(dir.join(n));
                }
            }
            cleanup();
            return Err(Error::output(&path, e));
        }
        if let Some(b) = &backup {
            kept.push(
                b.file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
            );
        }
        done.push((name, backup, existed));
    }
    cleanup();
    Ok(kept)
}

fn rows(csv: &str) -> usize {
    csv.lines().count().saturating_sub(1)
}

/// What a roster gave, in aggregate only.
pub fn print_summary(spec: &Spec, d: &Derived) {
    let s = &d.summary;
    let c = &spec.config;
    crate::outln!(
        "roster {}: {} people in post at {}-12-31, {} leavers in the history",
        d.source,
        s.in_post,
        c.time.base_year,
        s.leavers
    );
    crate::outln!("  columns read: {}", s.columns.join(", "));
    if !s.personal_columns.is_empty() {
        crate::outln!(
            "  personal columns never read: {}",
            s.personal_columns
                .iter()
                .map(|h| format!("'{h}'"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if !s.ignored_columns.is_empty() {
        crate::outln!("  other columns not needed: {}", s.ignored_columns.len());
    }
    crate::outln!(
        "  retirements {}–{}: {} (statutory age, Labour Code 2019 art. 169)",
        c.time.base_year + 1,
        c.time.horizon,
        s.retirements_in_horizon
    );
    if s.past_age > 0 {
        crate::outln!(
            "  {} past the statutory age at the roster date: counted as retiring in {}",
            s.past_age,
            c.time.base_year + 1
        );
    }
    if c.roster.base_tenure {
        crate::outln!(
            "  {} of {} in post hired less than {} years before the end of {} (roster.base_tenure): their year of recruitment is staff.csv's hired; the others are settled",
            s.dated,
            s.in_post,
            crate::roster::settled_after(c),
            c.time.base_year
        );
    }
    if c.roster.early_retirement_years > 0 {
        crate::outln!(
            "  {} flagged with 15+ years in especially difficult areas retire {} years early (roster.early_retirement_years)",
            s.retiring_early, c.roster.early_retirement_years
        );
    }
    let f = &s.fit;
    if f.with_hire_date == 0 {
        crate::outln!(
            "  attrition: no hire dates, so the [attrition] defaults apply (source = default)"
        );
    } else {
        crate::outln!(
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
    crate::outln!(
        "  hiring mix: {mix_units} units with at least {} recent hires; the others hire like their current staff",
        c.roster.min_mix_hires
    );
    if s.skipped > 0 {
        crate::outln!("skipped {} bad rows:", s.skipped);
        for r in &s.skipped_rows {
            crate::outln!("  {r}");
        }
    }
}
