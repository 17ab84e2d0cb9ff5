//! Reading a roster file into rows of cells: CSV as text with exact line numbers, XLSX
//! (and XLS/ODS) through calamine with spreadsheet row numbers and typed date cells.

use crate::error::{Error, Result};
use calamine::{Data, Reader};
use std::path::Path;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    Number(f64),
    /// A date cell: year, month, day.
    Date(i32, u32, u32),
}

impl Value {
    pub fn is_empty(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }
    /// The cell as text, as a planner would read it in the sheet.
    pub fn text(&self) -> String {
        match self {
            Value::Empty => String::new(),
            Value::Text(t) => t.trim().to_string(),
            Value::Number(n) if n.fract() == 0.0 => format!("{}", *n as i64),
            Value::Number(n) => n.to_string(),
            Value::Date(y, m, d) => format!("{d:02}/{m:02}/{y:04}"),
        }
    }
}

pub struct Sheet {
    /// `roster.csv` or `roster.xlsx, sheet 'Danh sách'`.
    pub label: String,
    /// The file's name, and the sheet's (empty for CSV).
    pub file: String,
    pub sheet: String,
    /// `line` for CSV, `row` for spreadsheets.
    pub row_word: &'static str,
    /// Row number of the heading row.
    pub heading_row: usize,
    pub headings: Vec<String>,
    /// (row number, cells).
    pub rows: Vec<(usize, Vec<Value>)>,
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

pub fn read(path: &Path, sheet: Option<&str>) -> Result<Sheet> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => read_workbook(path, sheet),
        "csv" | "txt" => read_csv(path),
        _ => Err(Error::Unreadable {
            file: path.to_path_buf(),
            message: "expected a roster ending in .csv or .xlsx (also .xls, .xlsm, .ods)".into(),
            folder: None,
        }),
    }
}

fn unreadable(path: &Path, message: impl Into<String>) -> Error {
    Error::Unreadable {
        file: path.to_path_buf(),
        message: message.into(),
        folder: None,
    }
}

fn read_csv(path: &Path) -> Result<Sheet> {
    let bytes = std::fs::read(path).map_err(|e| {
        unreadable(
            path,
            if e.kind() == std::io::ErrorKind::NotFound {
                "file not found".to_string()
            } else {
                e.to_string()
            },
        )
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        unreadable(
            path,
            format!(
                "not UTF-8 text (byte {}); save the roster as \"CSV UTF-8\" or as .xlsx",
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    let table = crate::table::Table::parse_any(path, &text)?;
    Ok(Sheet {
        label: file_name(path),
        file: file_name(path),
        sheet: String::new(),
        row_word: "line",
        heading_row: 1,
        headings: table.headers().to_vec(),
        rows: table
            .rows
            .iter()
            .map(|r| {
                (
                    r.line,
                    r.values().iter().map(|t| Value::Text(t.clone())).collect(),
                )
            })
            .collect(),
    })
}

fn read_workbook(path: &Path, sheet: Option<&str>) -> Result<Sheet> {
    let mut book = calamine::open_workbook_auto(path).map_err(|e| {
        unreadable(
            path,
            if !path.exists() {
                "file not found".to_string()
            } else {
                format!("not a readable workbook: {e}")
            },
        )
    })?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .cloned()
            .ok_or_else(|| {
                unreadable(
                    path,
                    format!(
                        "no sheet named '{s}'; the workbook has {}",
                        names
                            .iter()
                            .map(|n| format!("'{n}'"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| unreadable(path, "the workbook has no sheets"))?,
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| unreadable(path, format!("sheet '{name}': {e}")))?;
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let label = format!("{}, sheet '{name}'", file_name(path));
    let rows = range.rows().enumerate().map(|(i, cells)| {
        let number = first_row as usize + i + 1;
        let mut values = vec![Value::Empty; first_col as usize];
        values.extend(cells.iter().map(value_of));
        (number, values)
    });
    // Exports often put a title above the table: the heading row is the first of the top
    // rows where at least three cells are known headings, else the first row with text.
    let rows: Vec<(usize, Vec<Value>)> = rows
        .filter(|(_, values)| values.iter().any(|v| !v.is_empty()))
        .collect();
    let known = |values: &[Value]| {
        values
            .iter()
            .filter(|v| {
                let t = v.text();
                super::columns::Field::ALL.iter().any(|f| f.matches(&t))
            })
            .count()
    };
    let at = rows
        .iter()
        .take(20)
        .position(|(_, values)| known(values) >= 3)
        .unwrap_or(0);
    let Some((heading_row, heading_values)) = rows.get(at) else {
        return Err(unreadable(path, format!("sheet '{name}' is empty")));
    };
    let (heading_row, headings) = (
        *heading_row,
        heading_values.iter().map(Value::text).collect::<Vec<_>>(),
    );
    let rows = rows[at + 1..].to_vec();
    Ok(Sheet {
        label,
        file: file_name(path),
        sheet: name,
        row_word: "row",
        heading_row,
        headings,
        rows,
    })
}

fn value_of(d: &Data) -> Value {
    match d {
        Data::Empty => Value::Empty,
        Data::String(s) => Value::Text(s.clone()),
        Data::Int(i) => Value::Number(*i as f64),
        Data::Float(f) => Value::Number(*f),
        Data::Bool(b) => Value::Text(if *b { "yes" } else { "no" }.into()),
        Data::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            Value::Date(y as i32, m as u32, d as u32)
        }
        Data::DateTimeIso(s) => Value::Text(s.get(..10).unwrap_or(s).to_string()),
        Data::DurationIso(s) => Value::Text(s.clone()),
        Data::Error(e) => Value::Text(format!("#{e:?}")),
    }
}
