//! Errors and their exit codes.
//!
//! Bad input is the planner's to fix: it names the file, the line, the field and what was
//! expected, and exits with code 2. Anything else (an I/O failure while writing, a solver
//! failure) exits with code 1.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A value in an input file is wrong.
    #[error("{}{}: field '{field}': {message}", file_name(.file), line_suffix(.file, .line))]
    Input {
        file: PathBuf,
        line: Option<usize>,
        field: String,
        message: String,
    },
    /// Rows of a roster failed their checks; each is listed with its row and reason.
    #[error("{}", bad_rows(.file, .rows))]
    BadRows { file: String, rows: Vec<String> },
    /// An input file could not be read at all.
    #[error("{}: {message}", .file.display())]
    Unreadable { file: PathBuf, message: String },
    /// The command line asked for something that cannot be done.
    #[error("{0}")]
    Usage(String),
    /// Writing the outputs failed.
    #[error("writing {}: {message}", .path.display())]
    Output { path: PathBuf, message: String },
    /// Some of several runs failed; each is reported, the others' results are written.
    #[error("{message}")]
    Failed { message: String, code: i32 },
    /// The solver failed to produce any plan.
    #[error("solver: {0}")]
    Solver(String),
}

fn file_name(file: &Path) -> String {
    file.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.display().to_string())
}

fn bad_rows(file: &str, rows: &[String]) -> String {
    const SHOWN: usize = 50;
    let mut out = format!(
        "{file}: {} bad row{}; nothing was written (fix them, or pass --skip-bad-rows to leave them out)",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    );
    for r in rows.iter().take(SHOWN) {
        out.push_str("\n  ");
        out.push_str(r);
    }
    if rows.len() > SHOWN {
        out.push_str(&format!("\n  … and {} more", rows.len() - SHOWN));
    }
    out
}

/// Spreadsheets have rows; text files have lines.
fn line_suffix(file: &Path, line: &Option<usize>) -> String {
    let word = if file.to_string_lossy().contains(", sheet '") {
        "row"
    } else {
        "line"
    };
    line.map(|l| format!(", {word} {l}")).unwrap_or_default()
}

impl Error {
    pub fn input(
        file: &Path,
        line: Option<usize>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Error::Input {
            file: file.to_path_buf(),
            line,
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn output(path: &Path, err: impl std::fmt::Display) -> Self {
        Error::Output {
            path: path.to_path_buf(),
            message: err.to_string(),
        }
    }

    /// 2 for anything the user can fix in the input or the command line, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input { .. }
            | Error::BadRows { .. }
            | Error::Unreadable { .. }
            | Error::Usage(_) => 2,
            Error::Output { .. } | Error::Solver(_) => 1,
            Error::Failed { code, .. } => *code,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;
