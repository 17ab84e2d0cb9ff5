//! Writing the contract's files: CSV tables with their header always present, JSON with
//! sorted keys (the order every version has written), each file complete or an error.
//!
//! Every CSV starts with a UTF-8 byte-order mark: Excel on Windows reads a CSV without one
//! in the machine's legacy code page ("SÆ¡n La" for "Sơn La"), and Excel is where planners
//! open these tables. Every CSV reader used here (the csv crate, `table.rs`, Python's
//! `utf-8-sig`, LibreOffice) skips the mark.

use super::contract::{PlanTables, Table, GAP_FILE, GAP_HEADER};
use crate::error::{Error, Result};
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// Writes `rows` of a contract table into `dir`.
pub fn rows<T: Table + Serialize>(dir: &Path, rows: &[T]) -> Result<()> {
    rows_as(dir, T::FILE, T::HEADER, rows)
}

/// Writes `rows` under another file name and header (`gap.csv` is `targets.csv` with
/// `projected` for `achieved`).
pub fn rows_as<T: Serialize>(dir: &Path, name: &str, header: &[&str], rows: &[T]) -> Result<()> {
    let path = dir.join(name);
    let fail = |e: &dyn std::fmt::Display| Error::output(&path, e);
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(marked(&path).map_err(|e| fail(&e))?);
    w.write_record(header).map_err(|e| fail(&e))?;
    for row in rows {
        w.serialize(row).map_err(|e| fail(&e))?;
    }
    w.flush().map_err(|e| fail(&e))
}

/// Writes a table whose columns are only known at run time (`comparison.csv`, `sweep.csv`).
pub fn records(
    dir: &Path,
    name: &str,
    header: &[String],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<()> {
    let path = dir.join(name);
    let fail = |e: &dyn std::fmt::Display| Error::output(&path, e);
    let mut w = csv::Writer::from_writer(marked(&path).map_err(|e| fail(&e))?);
    w.write_record(header).map_err(|e| fail(&e))?;
    for row in rows {
        w.write_record(&row).map_err(|e| fail(&e))?;
    }
    w.flush().map_err(|e| fail(&e))
}

/// A new file at `path` with the UTF-8 byte-order mark written, for a CSV.
fn marked(path: &Path) -> std::io::Result<std::io::BufWriter<std::fs::File>> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    w.write_all(BOM)?;
    Ok(w)
}

/// The UTF-8 byte-order mark every CSV starts with.
pub const BOM: &[u8] = b"\xef\xbb\xbf";

/// Writes a JSON file, pretty, keys sorted, with a final newline.
pub fn json<T: Serialize>(dir: &Path, name: &str, value: &T) -> Result<()> {
    let path = dir.join(name);
    // Through a Value: its maps sort their keys.
    let value = serde_json::to_value(value).map_err(|e| Error::output(&path, e))?;
    let mut text = serde_json::to_string_pretty(&value).map_err(|e| Error::output(&path, e))?;
    text.push('\n');
    let mut f = std::fs::File::create(&path).map_err(|e| Error::output(&path, e))?;
    f.write_all(text.as_bytes())
        .map_err(|e| Error::output(&path, e))
}

/// Writes every table of a plan folder into `dir` (the charts are drawn by the caller).
pub fn plan(dir: &Path, t: &PlanTables) -> Result<()> {
    json(dir, "summary.json", &t.summary)?;
    json(dir, "manifest.json", &t.manifest)?;
    rows(dir, &t.trajectory)?;
    rows(dir, &t.flows)?;
    rows(dir, &t.targets)?;
    rows(dir, &t.costs)?;
    rows(dir, &t.cost_vs_no_plan)?;
    if !t.prices.is_empty() {
        rows(dir, &t.prices)?;
    }
    rows(dir, &t.units)?;
    if let Some(f) = &t.forecast {
        let fdir = dir.join("forecast");
        std::fs::create_dir(&fdir).map_err(|e| Error::output(&fdir, e))?;
        rows(&fdir, &f.trajectory)?;
        rows(&fdir, &f.flows)?;
        rows_as(&fdir, GAP_FILE, GAP_HEADER, &f.gap)?;
    }
    Ok(())
}
