//! Raw CSV tables: strings with their line numbers, and typed field readers whose errors
//! name the file, the line, the field and what was expected.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};
use unicode_normalization::UnicodeNormalization;

/// The most people a count may hold: more than any unit, channel or route has.
pub const MAX_COUNT: u32 = 1_000_000;
/// The largest amount of money a cell may hold, million VND (a million billion VND).
pub const MAX_MONEY: f64 = 1e9;

/// A CSV file read as text. Unknown and missing columns are rejected here.
pub struct Table {
    pub path: PathBuf,
    headers: Vec<String>,
    pub rows: Vec<Row>,
    /// Separated by `;` (Excel's CSV in a Vietnamese locale), whose numbers are written
    /// with a decimal comma (`86,6`).
    decimal_comma: bool,
}

pub struct Row {
    pub line: usize,
    fields: Vec<String>,
    /// The file the row came from, when it is not the table's own (variant overrides).
    file: Option<std::sync::Arc<PathBuf>>,
}

impl Row {
    pub fn values(&self) -> &[String] {
        &self.fields
    }
}

/// A row seen through its table's header, for typed access.
pub struct Field<'a> {
    table: &'a Table,
    row: &'a Row,
}

impl Table {
    /// Reads `path`, requiring every column in `required` and allowing those in `optional`.
    pub fn read(path: &Path, required: &[&str], optional: &[&str]) -> Result<Table> {
        let bytes = std::fs::read(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                let folder = path
                    .parent()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                Error::input(
                    path,
                    None,
                    "-",
                    format!(
                        "file not found in {folder}; expected this table, with the columns {}",
                        required.join(",")
                    ),
                )
            } else {
                Error::unreadable(path, e.to_string())
            }
        })?;
        if let Some(message) = utf16(&bytes) {
            return Err(Error::input(path, Some(1), "-", message));
        }
        let text = String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..at].iter().filter(|b| **b == b'\n').count() + 1;
            Error::input(
                path,
                Some(line),
                "-",
                "the file is not UTF-8 text (it looks saved in a legacy code page such as Windows-1258); expected UTF-8: in Excel, save it as \"CSV UTF-8 (Comma delimited)\"",
            )
        })?;
        Table::parse(path, &text, required, optional)
    }

    /// Parses CSV `text` as if read from `path` (which names the table in messages).
    pub fn parse(path: &Path, text: &str, required: &[&str], optional: &[&str]) -> Result<Table> {
        let table = Table::parse_any(path, text)?;
        if table.headers.is_empty() || table.headers == [""] {
            return Err(Error::input(
                path,
                None,
                "-",
                format!(
                    "the file is empty; expected a header line with the columns {}",
                    required.join(",")
                ),
            ));
        }
        for (i, h) in table.headers.iter().enumerate() {
            if table.headers[..i].contains(h) {
                return Err(Error::input(
                    path,
                    Some(1),
                    h,
                    "the header names this column twice; expected each column once",
                ));
            }
        }
        for h in &table.headers {
            if !required.contains(&h.as_str()) && !optional.contains(&h.as_str()) {
                let mut known: Vec<&str> = required.to_vec();
                known.extend_from_slice(optional);
                return Err(Error::input(
                    path,
                    Some(1),
                    h,
                    format!("unknown column; expected one of {}", known.join(", ")),
                ));
            }
        }
        for r in required {
            if !table.headers.iter().any(|h| h == r) {
                return Err(Error::input(
                    path,
                    Some(1),
                    *r,
                    format!(
                        "required column is missing; expected a header line with the columns {}",
                        required.join(",")
                    ),
                ));
            }
        }
        Ok(table)
    }

    /// Parses CSV `text` whatever its columns.
    pub fn parse_any(path: &Path, text: &str) -> Result<Table> {
        // Excel's BOM. No comment lines: the csv crate does not count them, and every
        // message must name the right line.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        // Excel in a Vietnamese locale saves "CSV" with `;` between cells and decimal
        // commas: read it as it is when the header line has more `;` than commas.
        let header_line = text.lines().next().unwrap_or("");
        let semicolons = header_line.matches(';').count() > header_line.matches(',').count();
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .delimiter(if semicolons { b';' } else { b',' })
            .from_reader(text.as_bytes());
        let newlines: Vec<usize> = text
            .bytes()
            .enumerate()
            .filter(|(_, b)| *b == b'\n')
            .map(|(i, _)| i)
            .collect();
        let line_of = |byte: usize| line_of(text, &newlines, byte);
        let csv_error = |e: csv::Error| {
            let line = e.position().map(|p| line_of(p.byte() as usize));
            let message = match e.kind() {
                csv::ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => format!(
                    "expected {expected_len} cells like the header, found {len} (a quote \" left open, a missing separator, or a separator inside a cell without quotes?)"
                ),
                _ => format!("malformed CSV: {e}"),
            };
            Error::input(path, line, "-", message)
        };
        let headers: Vec<String> = reader
            .headers()
            .map_err(csv_error)?
            .iter()
            .map(str::to_string)
            .collect();
        if headers.len() == 1 {
            for (sep, name) in [('\t', "tabs")] {
                if headers[0].contains(sep) {
                    return Err(Error::input(
                        path,
                        Some(1),
                        "-",
                        format!("the columns are separated by {name}; expected ',' between columns: in Excel, save the file as \"CSV UTF-8 (Comma delimited)\""),
                    ));
                }
            }
        }
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(csv_error)?;
            // From the byte offset: the csv crate's own line count skips blank lines.
            let line = record
                .position()
                .map(|p| line_of(p.byte() as usize))
                .unwrap_or(0);
            if record.iter().all(str::is_empty) {
                continue;
            }
            rows.push(Row {
                line,
                fields: record.iter().map(str::to_string).collect(),
                file: None,
            });
        }
        Ok(Table {
            path: path.to_path_buf(),
            headers,
            rows,
            decimal_comma: semicolons,
        })
    }

    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// Lays `over`'s rows on this table: a row whose `keys` match one of ours replaces it in
    /// place (cells of columns `over` lacks are kept), any other is appended. Columns are
    /// matched by name; a key column `over` lacks (only `staff.csv`'s optional `hired`) is
    /// left out of the key and blanked, and such a row replaces every row it matches (a
    /// cell's rows by year of recruitment). A key listed twice in `over` is an error.
    /// Returns (our rows replaced, rows added).
    pub fn overlay(&mut self, over: Table, keys: &[&str]) -> Result<(usize, usize)> {
        let col = |t: &[String], name: &str| t.iter().position(|h| h == name);
        let (keys, dropped): (Vec<&str>, Vec<&str>) = keys
            .iter()
            .copied()
            .partition(|k| col(&over.headers, k).is_some());
        for h in &over.headers {
            if !self.headers.contains(h) {
                self.headers.push(h.clone());
                for r in &mut self.rows {
                    r.fields.push(String::new());
                }
            }
        }
        let file = std::sync::Arc::new(over.path.clone());
        let key_of = |headers: &[String], fields: &[String]| -> Vec<String> {
            keys.iter()
                .map(|k| {
                    col(headers, k)
                        .and_then(|i| fields.get(i).cloned())
                        .unwrap_or_default()
                })
                .collect()
        };
        let mut seen: Vec<(Vec<String>, usize)> = Vec::new();
        let (mut replaced, mut added) = (0, 0);
        for row in over.rows {
            let key = key_of(&over.headers, &row.fields);
            if !keys.is_empty() {
                if let Some((_, line)) = seen.iter().find(|(k, _)| *k == key) {
                    return Err(Error::input(
                        &over.path,
                        Some(row.line),
                        keys.join(","),
                        format!(
                            "this key is already overridden on line {line}; expected each key once in a variant's table"
                        ),
                    ));
                }
                seen.push((key.clone(), row.line));
            }
            let existing = self
                .rows
                .iter()
                .position(|r| !keys.is_empty() && key_of(&self.headers, &r.fields) == key);
            let fields: Vec<String> = self
                .headers
                .iter()
                .enumerate()
                .map(|(i, h)| match col(&over.headers, h) {
                    Some(j) => row.fields.get(j).cloned().unwrap_or_default(),
                    None if dropped.contains(&h.as_str()) => String::new(),
                    None => existing
                        .and_then(|e| self.rows[e].fields.get(i).cloned())
                        .unwrap_or_default(),
                })
                .collect();
            let new = Row {
                line: row.line,
                fields,
                file: Some(file.clone()),
            };
            match existing {
                Some(i) => {
                    self.rows[i] = new;
                    replaced += 1;
                    // A row keyed without a column the key has (a `staff.csv` row without
                    // `hired`) sets all the rows it matches (a cell's rows by year).
                    let mut k = i + 1;
                    while !dropped.is_empty() && k < self.rows.len() {
                        if key_of(&self.headers, &self.rows[k].fields) == key {
                            self.rows.remove(k);
                            replaced += 1;
                        } else {
                            k += 1;
                        }
                    }
                }
                None => {
                    self.rows.push(new);
                    added += 1;
                }
            }
        }
        Ok((replaced, added))
    }

    pub fn fields(&self) -> impl Iterator<Item = Field<'_>> {
        self.rows.iter().map(move |row| Field { table: self, row })
    }
}

/// A message for a UTF-16 file (Excel's "Unicode Text"): a UTF-16 byte-order mark, or the
/// NUL bytes UTF-16 puts between ASCII letters. `None` for anything else.
fn utf16(bytes: &[u8]) -> Option<String> {
    let marked = bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]);
    (marked || bytes.iter().take(4096).any(|b| *b == 0)).then(|| {
        "the file is UTF-16 text (Excel's \"Unicode Text\"); expected UTF-8: in Excel, save it as \"CSV UTF-8 (Comma delimited)\"".to_string()
    })
}

/// How a message shows the text of a cell: quoted, or "an empty cell".
fn found(t: &str) -> String {
    if t.is_empty() {
        "an empty cell".to_string()
    } else {
        format!("\"{t}\"")
    }
}

/// 1-based line of the first non-blank byte at or after `byte` (a record's position
/// includes the blank lines skipped before it).
/// `newlines` holds the byte offsets of every `\n`, so this is a binary search, not a scan.
fn line_of(text: &str, newlines: &[usize], byte: usize) -> usize {
    let bytes = text.as_bytes();
    let mut at = byte.min(bytes.len());
    while at < bytes.len() && (bytes[at] == b'\n' || bytes[at] == b'\r') {
        at += 1;
    }
    newlines.partition_point(|&n| n < at) + 1
}

impl<'a> Field<'a> {
    pub fn line(&self) -> usize {
        self.row.line
    }

    /// The file the row came from: the table's own, or a variant's that overrides it.
    pub fn path(&self) -> &'a Path {
        self.row.file.as_deref().unwrap_or(&self.table.path)
    }

    pub fn error(&self, field: &str, message: impl Into<String>) -> Error {
        Error::input(self.path(), Some(self.row.line), field, message)
    }

    /// The raw text of a column, or "" when the column is absent or the cell empty.
    pub fn text(&self, column: &str) -> &'a str {
        self.table
            .headers
            .iter()
            .position(|h| h == column)
            .and_then(|i| self.row.fields.get(i))
            .map(String::as_str)
            .unwrap_or("")
    }

    /// The text of a cell that must not be empty.
    pub fn required(&self, column: &str) -> Result<&'a str> {
        let t = self.text(column);
        if t.is_empty() {
            Err(self.error(column, "expected a value, found an empty cell"))
        } else {
            Ok(t)
        }
    }

    /// A whole number of people, from 0 to [`MAX_COUNT`].
    pub fn count(&self, column: &str) -> Result<u32> {
        let t = self.text(column);
        t.parse::<u32>()
            .ok()
            .filter(|n| *n <= MAX_COUNT)
            .ok_or_else(|| {
                self.error(
                    column,
                    format!(
                        "expected a whole number of people from 0 to 1,000,000, found {}",
                        found(t)
                    ),
                )
            })
    }

    pub fn optional_count(&self, column: &str) -> Result<Option<u32>> {
        if self.text(column).is_empty() {
            Ok(None)
        } else {
            self.count(column).map(Some)
        }
    }

    pub fn year(&self, column: &str) -> Result<i32> {
        let t = self.text(column);
        t.parse::<i32>()
            .ok()
            .filter(|y| (1900..=2200).contains(y))
            .ok_or_else(|| {
                self.error(
                    column,
                    format!(
                        "expected a year from 1900 to 2200, such as 2030, found {}",
                        found(t)
                    ),
                )
            })
    }

    /// A year or an inclusive range `2026-2030`.
    pub fn years(&self, column: &str) -> Result<(i32, i32)> {
        let t = self.text(column);
        let bad = || {
            self.error(
                column,
                format!(
                    "expected a year (2030) or a range of years (2026-2030), from 1900 to 2200, found {}",
                    found(t)
                ),
            )
        };
        let parse = |s: &str| {
            s.trim()
                .parse::<i32>()
                .ok()
                .filter(|y| (1900..=2200).contains(y))
        };
        match t.split_once('-') {
            None => parse(t).map(|y| (y, y)).ok_or_else(bad),
            Some((a, b)) => match (parse(a), parse(b)) {
                (Some(a), Some(b)) if a <= b => Ok((a, b)),
                (Some(a), Some(b)) => Err(self.error(
                    column,
                    format!(
                        "the range runs backwards; expected FROM-TO with FROM at most TO, such as {b}-{a}, found \"{t}\""
                    ),
                )),
                _ => Err(bad()),
            },
        }
    }

    /// A decimal number as written: `86.6`; in a `;`-separated table (Vietnamese Excel) also
    /// `86,6`, and `30.000` or `1.234,5` with dots grouping thousands.
    fn decimal(&self, t: &str) -> Option<f64> {
        if !self.table.decimal_comma {
            return t.parse::<f64>().ok();
        }
        let (whole, fraction) = match t.split_once(',') {
            Some((w, f)) if !f.contains([',', '.']) => (w, Some(f)),
            Some(_) => return None,
            None => (t, None),
        };
        // Dots in the whole part group thousands only if every group after the first has
        // three digits; otherwise (`86.6`) the dot is the decimal point and no comma may follow.
        let grouped = {
            let mut parts = whole.trim_start_matches('-').split('.');
            let first = parts.next().unwrap_or("");
            whole.contains('.')
                && (1..=3).contains(&first.len())
                && parts.all(|p| p.len() == 3 && p.bytes().all(|b| b.is_ascii_digit()))
        };
        let number = match (grouped, fraction) {
            (true, f) => format!("{}.{}", whole.replace('.', ""), f.unwrap_or("0")),
            (false, Some(f)) if !whole.contains('.') => format!("{whole}.{f}"),
            (false, Some(_)) => return None,
            (false, None) => whole.to_string(),
        };
        number.parse::<f64>().ok()
    }

    /// `yes` or `no`, in any case, or `có` / `không`.
    pub fn yes_no(&self, column: &str) -> Result<bool> {
        let t = self.text(column);
        let word: String = t.nfc().collect::<String>().to_lowercase();
        match word.as_str() {
            "yes" | "có" => Ok(true),
            "no" | "không" => Ok(false),
            _ => Err(self.error(
                column,
                format!(
                    "expected yes or no (có or không, in any case), found {}",
                    found(t)
                ),
            )),
        }
    }

    /// A percentage from 0 to 100, returned as a fraction.
    pub fn percent(&self, column: &str) -> Result<f64> {
        let t = self.text(column);
        match self.decimal(t).ok_or(()) {
            Ok(v) if (0.0..=100.0).contains(&v) => Ok(v / 100.0),
            _ => Err(self.error(
                column,
                format!("expected a percentage from 0 to 100, found {}", found(t)),
            )),
        }
    }

    pub fn optional_percent(&self, column: &str) -> Result<Option<f64>> {
        if self.text(column).is_empty() {
            Ok(None)
        } else {
            self.percent(column).map(Some)
        }
    }

    /// A sum of money in million VND, from 0 to [`MAX_MONEY`].
    pub fn money(&self, column: &str) -> Result<f64> {
        let t = self.text(column);
        match self.decimal(t).ok_or(()) {
            Ok(v) if (0.0..=MAX_MONEY).contains(&v) => Ok(v),
            _ => Err(self.error(
                column,
                format!(
                    "expected an amount in million VND from 0 to 1,000,000,000, found {}",
                    found(t)
                ),
            )),
        }
    }

    /// A number of 0 or more (an optional evidence column, such as person-years).
    pub fn optional_amount(&self, column: &str) -> Result<Option<f64>> {
        let t = self.text(column);
        if t.is_empty() {
            return Ok(None);
        }
        match self.decimal(t).ok_or(()) {
            Ok(v) if v.is_finite() && v >= 0.0 => Ok(Some(v)),
            _ => Err(self.error(
                column,
                format!(
                    "expected a number of 0 or more, or an empty cell, found {}",
                    found(t)
                ),
            )),
        }
    }

    /// One of a fixed set of words.
    pub fn choice<T: Copy>(&self, column: &str, options: &[(&str, T)]) -> Result<T> {
        let t = self.text(column);
        options
            .iter()
            .find(|(name, _)| *name == t)
            .map(|(_, v)| *v)
            .ok_or_else(|| {
                let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
                self.error(
                    column,
                    format!("expected one of {}, found {}", names.join(", "), found(t)),
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cells of a one-column table `x` with `sep` between columns, read as money.
    fn amounts(sep: char, cells: &[&str]) -> Vec<Option<f64>> {
        let mut text = format!("x{sep}y\n");
        for c in cells {
            text.push_str(&format!("\"{c}\"{sep}0\n"));
        }
        let t = Table::parse(Path::new("t.csv"), &text, &["x", "y"], &[]).unwrap();
        t.fields().map(|f| f.money("x").ok()).collect()
    }

    #[test]
    fn a_semicolon_table_reads_vietnamese_numbers() {
        assert_eq!(
            amounts(
                ';',
                &["86,6", "30.000", "1.234,5", "86.6", "12", "1,2,3", "1.23,4", "8.6,5"]
            ),
            [
                Some(86.6),
                Some(30000.0),
                Some(1234.5),
                Some(86.6),
                Some(12.0),
                None,
                None,
                None
            ]
        );
        // A comma-separated table keeps the decimal point only.
        assert_eq!(
            amounts(',', &["86.6", "86,6", "30.000"]),
            [Some(86.6), None, Some(30.0)]
        );
    }

    #[test]
    fn yes_and_no_in_any_case_and_in_vietnamese() {
        let text = "x,y\nyes,0\nYES,0\nCó,0\nKHÔNG,0\nno,0\nmaybe,0\n";
        let t = Table::parse(Path::new("t.csv"), text, &["x", "y"], &[]).unwrap();
        let read: Vec<Option<bool>> = t.fields().map(|f| f.yes_no("x").ok()).collect();
        assert_eq!(
            read,
            [
                Some(true),
                Some(true),
                Some(true),
                Some(false),
                Some(false),
                None
            ]
        );
    }
}
