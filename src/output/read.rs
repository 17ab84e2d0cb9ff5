//! The one reader of the contract's files: every table and JSON file a run wrote, read back
//! through the same types it was written with. Used by `bienche plot`, `simulate`, the
//! recognition of an earlier output folder, and anything else that starts from a finished
//! folder rather than a run in memory.

use super::contract::{
    ForecastTables, Manifest, NoPlanCostRow, PlanTables, PriceRow, Table, GAP_FILE, GAP_HEADER,
};
use crate::domain::target::TargetRow;
use crate::error::{Error, Result};
use serde::de::DeserializeOwned;
use std::path::Path;

const NOT_A_PLAN: &str = "is this a finished `bienche plan` folder?";

/// Reads a contract table from `dir`.
pub fn rows<T: Table + DeserializeOwned>(dir: &Path) -> Result<Vec<T>> {
    rows_as(&dir.join(T::FILE), T::HEADER, T::HEADER, T::LATER)
}

/// Reads a table whose header must be `header`, less some of its `later` columns, row by
/// row into `T` whose fields are `fields` (the same names, but for a renamed column such as
/// `gap.csv`'s `projected`).
pub fn rows_as<T: DeserializeOwned>(
    path: &Path,
    header: &[&str],
    fields: &[&str],
    later: &[&str],
) -> Result<Vec<T>> {
    let mut r = csv::Reader::from_path(path).map_err(|e| Error::Unreadable {
        file: path.to_path_buf(),
        message: format!("{e} ({NOT_A_PLAN})"),
        folder: None,
    })?;
    let found = r
        .headers()
        .map_err(|e| Error::input(path, Some(1), "-", e.to_string()))?
        .clone();
    // A file of an earlier version may lack columns added since (`unit_name`; targets.csv's
    // `kind`, `p_met`, `margin`): the rest in order still reads, the missing ones take their
    // defaults.
    let Some(columns) = columns_of(header, &found, later) else {
        return Err(Error::input(
            path,
            Some(1),
            "-",
            format!(
                "expected the columns {}, found {}",
                header.join(","),
                found.iter().collect::<Vec<_>>().join(",")
            ),
        ));
    };
    let names = csv::StringRecord::from(columns.iter().map(|&k| fields[k]).collect::<Vec<_>>());
    let mut out = Vec::new();
    for record in r.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line() as usize);
            Error::input(path, line, "-", e.to_string())
        })?;
        let line = record.position().map(|p| p.line() as usize);
        let row = record
            .deserialize(Some(&names))
            .map_err(|e| match e.kind() {
                csv::ErrorKind::Deserialize { err, .. } => {
                    let field = err
                        .field()
                        .and_then(|i| columns.get(i as usize))
                        .map(|&k| header[k])
                        .unwrap_or("-");
                    Error::input(path, line, field, err.kind().to_string())
                }
                _ => Error::input(path, line, "-", e.to_string()),
            })?;
        out.push(row);
    }
    Ok(out)
}

/// The position in `header` of each column `found`: `found` must be `header` in order,
/// less some of the `later` columns.
fn columns_of(header: &[&str], found: &csv::StringRecord, later: &[&str]) -> Option<Vec<usize>> {
    let mut columns = Vec::with_capacity(found.len());
    let mut next = 0;
    for name in found {
        while header
            .get(next)
            .is_some_and(|&h| h != name && later.contains(&h))
        {
            next += 1;
        }
        (header.get(next) == Some(&name)).then_some(())?;
        columns.push(next);
        next += 1;
    }
    header[next..]
        .iter()
        .all(|h| later.contains(h))
        .then_some(columns)
}

/// Reads a JSON file of the contract.
pub fn json<T: DeserializeOwned>(path: &Path) -> Result<T> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::Unreadable {
        file: path.to_path_buf(),
        message: format!("{e} ({NOT_A_PLAN})"),
        folder: None,
    })?;
    serde_json::from_str(&text).map_err(|e| Error::input(path, Some(e.line()), "-", e.to_string()))
}

/// `manifest.json` of a plan folder.
pub fn manifest(dir: &Path) -> Result<Manifest> {
    json(&dir.join("manifest.json"))
}

/// Every table of a finished plan folder, checked; an error names the file with the folder.
pub fn plan(dir: &Path) -> Result<PlanTables> {
    plan_tables(dir).map_err(|e| e.relative_to(dir).in_folder(dir))
}

fn plan_tables(dir: &Path) -> Result<PlanTables> {
    let fdir = dir.join("forecast");
    let forecast = if fdir.join("trajectory.csv").exists() {
        Some(ForecastTables {
            trajectory: rows(&fdir)?,
            flows: rows(&fdir)?,
            gap: rows_as::<TargetRow>(
                &fdir.join(GAP_FILE),
                GAP_HEADER,
                TargetRow::HEADER,
                TargetRow::LATER,
            )?,
        })
    } else {
        None
    };
    let tables = PlanTables {
        summary: json(&dir.join("summary.json"))?,
        manifest: manifest(dir)?,
        trajectory: rows(dir)?,
        flows: rows(dir)?,
        targets: rows(dir)?,
        costs: rows(dir)?,
        // Absent from folders written before it existed.
        cost_vs_no_plan: if dir.join(NoPlanCostRow::FILE).exists() {
            rows(dir)?
        } else {
            Vec::new()
        },
        prices: if dir.join(PriceRow::FILE).exists() {
            rows(dir)?
        } else {
            Vec::new()
        },
        units: rows(dir)?,
        forecast,
    };
    check_plan(dir, &tables)?;
    Ok(tables)
}

/// Most people a cell of a read-back table may hold, as the scenario's counts.
const MOST_PEOPLE: u32 = 1_000_000;

/// A finished folder edited by hand is checked before anything is drawn or replayed from
/// it: years within the plan's span (at most 100 years, from 1900 to 2200), head-counts and
/// flows at most 1,000,000, and every unit one of `units.csv`.
fn check_plan(dir: &Path, t: &PlanTables) -> Result<()> {
    let summary = dir.join("summary.json");
    let key_line = |key: &str| {
        std::fs::read_to_string(&summary).ok().and_then(|text| {
            text.lines()
                .position(|l| l.trim_start().starts_with(&format!("\"{key}\"")))
                .map(|i| i + 1)
        })
    };
    let (base, horizon) = (t.summary.base_year, t.summary.horizon);
    if !(1900..=2200).contains(&base) {
        return Err(Error::input(
            &summary,
            key_line("base_year"),
            "base_year",
            format!("expected a year from 1900 to 2200, found {base}"),
        ));
    }
    if !(base + 1..=(base + 100).min(2200)).contains(&horizon) {
        return Err(Error::input(
            &summary,
            key_line("horizon"),
            "horizon",
            format!(
                "expected a year from {} to {}, found {horizon}",
                base + 1,
                (base + 100).min(2200)
            ),
        ));
    }
    let units: std::collections::BTreeSet<&str> = t.units.iter().map(|u| u.unit.as_str()).collect();
    let row = |file: &str, i: usize, field: &str, message: String| {
        Error::input(&dir.join(file), Some(i + 2), field, message)
    };
    let check = |file: &str,
                 i: usize,
                 year: i32,
                 first: i32,
                 unit: &str,
                 (field, count): (&str, u32)|
     -> Result<()> {
        if !(first..=horizon).contains(&year) {
            return Err(row(
                file,
                i,
                "year",
                format!("expected a year from {first} to {horizon}, found {year}"),
            ));
        }
        if !units.contains(unit) {
            return Err(row(
                file,
                i,
                "unit",
                format!("expected a unit of units.csv, found \"{unit}\""),
            ));
        }
        if count > MOST_PEOPLE {
            return Err(row(
                file,
                i,
                field,
                format!("expected at most 1,000,000 people, found {count}"),
            ));
        }
        Ok(())
    };
    for (i, r) in t.trajectory.iter().enumerate() {
        check(
            "trajectory.csv",
            i,
            r.year,
            base,
            &r.unit,
            ("headcount", r.headcount),
        )?;
    }
    for (i, r) in t.flows.iter().enumerate() {
        check(
            "flows.csv",
            i,
            r.year,
            base + 1,
            &r.unit,
            ("count", r.count),
        )?;
    }
    Ok(())
}
