//! `bienche init DIR [--from SCENARIO]`: a scenario a planner can fill in Excel, as
//! `DIR/scenario.toml` and `DIR/scenario.xlsx` (a notes sheet explaining every column, then
//! a sheet per table, Vietnamese headings; see [`super::workbook`]).
//!
//! Without `--from` the tables are a small generated province (`bienche generate` with 8
//! units, seed 1: ILLUSTRATIVE DATA, to be replaced), so that the starter checks and plans
//! as it is. With `--from` they are the CSV tables of an existing scenario (not one that
//! extends another, and never its roster: rosters name people), which then plans from the
//! workbook exactly as from its files. `DIR` must not exist or be empty: nothing is
//! overwritten; it is written whole or not at all.

use super::workbook::{self, SHEETS};
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// Writes the starter into `dir`; returns the tables written, by file name.
pub fn init(dir: &Path, from: Option<&Path>) -> Result<Vec<String>> {
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            return Err(Error::Usage(format!(
                "{}: the folder exists and is not empty; expected a new or empty folder (init never writes over files)",
                dir.display()
            )));
        }
    }
    let (toml, tables, title) = match from {
        Some(src) => from_scenario(src)?,
        None => starter()?,
    };
    let names: Vec<String> = tables.iter().map(|(n, _)| n.clone()).collect();
    crate::output::write_folder(dir, |tmp| {
        let path = tmp.join("scenario.toml");
        std::fs::write(&path, &toml).map_err(|e| Error::output(&path, e))?;
        workbook::write(&tmp.join(workbook::FILE), &title, &tables)
    })?;
    Ok(names)
}

type Parts = (String, Vec<(String, String)>, String);

/// A generated province of 8 units.
fn starter() -> Result<Parts> {
    let g = crate::generate::generate(&crate::generate::Request {
        units: 8,
        provinces: 1,
        seed: 1,
    })?;
    let mut toml = String::new();
    let mut tables = Vec::new();
    for (rel, text) in &g.files {
        let Some(name) = rel.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if rel.components().count() != 2 {
            continue; // national.toml and other top-level files
        }
        if name == "scenario.toml" {
            toml = format!(
                "# Starter scenario written by `bienche init`: ILLUSTRATIVE DATA generated to be\n# replaced by the province's own. The tables are in scenario.xlsx (sheet Hướng dẫn explains\n# every column); settings and their defaults: docs/scenario-format.md.\n{text}"
            );
        } else if SHEETS.iter().any(|(f, _)| *f == name) {
            tables.push((name.to_string(), text.clone()));
        }
    }
    Ok((
        toml,
        tables,
        "Kịch bản mẫu (DỮ LIỆU MINH HỌA: thay bằng số liệu của tỉnh)".to_string(),
    ))
}

/// The CSV tables and settings of the scenario in `src`.
fn from_scenario(src: &Path) -> Result<Parts> {
    let toml_path = src.join("scenario.toml");
    let toml = std::fs::read_to_string(&toml_path).map_err(|e| {
        Error::input(
            &toml_path,
            None,
            "-",
            format!("{e}; expected the folder of a scenario holding scenario.toml"),
        )
    })?;
    let layered = super::layers::resolve(src)?;
    if layered.is_variant() {
        return Err(Error::Usage(format!(
            "--from {}: the scenario extends another; expected a scenario with all its tables in its own folder",
            src.display()
        )));
    }
    if src.join(workbook::FILE).exists() {
        return Err(Error::Usage(format!(
            "--from {}: the scenario already has {}; expected a scenario of CSV files (copy the folder instead)",
            src.display(),
            workbook::FILE
        )));
    }
    if layered
        .merged
        .get("roster")
        .and_then(|r| r.get("file"))
        .is_some()
    {
        return Err(Error::Usage(format!(
            "--from {}: the scenario derives its workforce from roster.file, which init does not copy (rosters name people); expected a scenario with staff.csv: run `bienche roster import` on it first",
            src.display()
        )));
    }
    let mut tables = Vec::new();
    for (file, _) in SHEETS {
        let path: PathBuf = src.join(file);
        if path.exists() {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| Error::unreadable(&path, e.to_string()))?;
            // A `;` table holds decimal commas that a sheet would read as thousands.
            let header = text
                .trim_start_matches('\u{feff}')
                .lines()
                .next()
                .unwrap_or("");
            if header.matches(';').count() > header.matches(',').count() {
                return Err(Error::input(
                    &path,
                    Some(1),
                    "-",
                    "the table is separated by ';' with decimal commas; expected ',' for init --from: save it as \"CSV UTF-8 (Comma delimited)\" first",
                ));
            }
            tables.push((file.to_string(), text));
        }
    }
    let name = layered
        .merged
        .get("name")
        .and_then(|n| n.as_str())
        .unwrap_or("")
        .to_string();
    Ok((toml, tables, format!("Kịch bản: {name}")))
}
