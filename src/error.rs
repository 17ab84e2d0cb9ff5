//! Errors and their exit codes.
//!
//! Bad input is the planner's to fix: it names the file, the line, the field and what was
//! expected, and exits with code 2. Anything else (an I/O failure while writing, a solver
//! failure) exits with code 1.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A value in an input file is wrong. The file is named by its name, after the folder it
    /// is in when that is not the scenario's own (a base scenario's, a province's).
    #[error("{}{}{}: field '{}': {}", folder_prefix(.folder), file_name(.file), line_suffix(.file, .line), cut(.field), cut_long(.message))]
    Input {
        file: PathBuf,
        line: Option<usize>,
        field: String,
        message: String,
        folder: Option<PathBuf>,
    },
    /// Rows of a roster failed their checks; each is listed with its row and reason.
    #[error("{}", bad_rows(.file, .rows))]
    BadRows { file: String, rows: Vec<String> },
    /// An input file could not be read at all.
    #[error("{}{}: {message}", folder_prefix(.folder), .file.display())]
    Unreadable {
        file: PathBuf,
        message: String,
        folder: Option<PathBuf>,
    },
    /// The command line asked for something that cannot be done.
    #[error("{}", cut_long(.0))]
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
    /// HiGHS proved that no plan keeps the rows (its status named). Every target has a
    /// priced shortfall, so only a model with a hard row should end so: pricing a missed
    /// target ([`crate::prices`], "cannot be met").
    #[error("solver: HiGHS ended with status {0} and no plan. Every target has a priced shortfall, so this points to conflicting data rather than unreachable targets; please report it")]
    Infeasible(String),
}

/// Longest quoted value a message shows whole.
const SHOWN: usize = 60;

/// A value longer than [`SHOWN`] characters, cut, saying how long it was.
fn cut(s: &str) -> String {
    let n = s.chars().count();
    if n <= SHOWN {
        s.to_string()
    } else {
        let head: String = s.chars().take(40).collect();
        format!("{head}… ({n} characters)")
    }
}

/// The message with every quoted value cut to [`SHOWN`] characters: a 1 MB cell is not echoed
/// back.
fn cut_long(text: &str) -> String {
    let mut out = String::new();
    let parts = text.split('"').count();
    for (i, part) in text.split('"').enumerate() {
        if i > 0 {
            out.push('"');
        }
        // An unmatched last quote opens nothing.
        if i % 2 == 1 && i + 1 < parts {
            out.push_str(&cut(part));
        } else {
            out.push_str(part);
        }
    }
    out
}

fn folder_prefix(folder: &Option<PathBuf>) -> String {
    folder
        .as_ref()
        .filter(|f| !f.as_os_str().is_empty())
        .map(|f| format!("{}/", f.display()))
        .unwrap_or_default()
}

fn file_name(file: &Path) -> String {
    file.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.display().to_string())
}

/// Each bad row as an error line of its own (the first takes `main`'s `error: `), then the
/// count and what to do.
fn bad_rows(file: &str, rows: &[String]) -> String {
    const SHOWN: usize = 50;
    let mut lines: Vec<String> = rows.iter().take(SHOWN).map(|r| cut_long(r)).collect();
    let shown = if rows.len() > SHOWN {
        format!(", the first {SHOWN} listed")
    } else {
        String::new()
    };
    lines.push(format!(
        "{file}: {} bad row{}{shown}; nothing was written (fix them, or pass --skip-bad-rows to leave them out)",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    ));
    lines.join("\nerror: ")
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
            folder: None,
        }
    }

    /// The file could not be read.
    pub fn unreadable(file: &Path, message: impl Into<String>) -> Self {
        Error::Unreadable {
            file: file.to_path_buf(),
            message: message.into(),
            folder: None,
        }
    }

    /// Names the folder of the file an input error is about, before what it already names:
    /// `p02/` for a province of a national folder. (An unreadable file is named by its whole
    /// path already.)
    pub fn in_folder(self, name: &Path) -> Self {
        let join = |folder: Option<PathBuf>| {
            Some(match folder {
                Some(f) => name.join(f),
                None => name.to_path_buf(),
            })
        };
        match self {
            Error::Input {
                file,
                line,
                field,
                message,
                folder,
            } => Error::Input {
                file,
                line,
                field,
                message,
                folder: join(folder),
            },
            other => other,
        }
    }

    /// Names, for an input error about a file outside `root` (the scenario's folder), the
    /// folder of the file relative to `root`: `../son-la/` for a scenario a variant extends.
    pub fn relative_to(self, root: &Path) -> Self {
        let Error::Input { ref file, .. } = self else {
            return self;
        };
        let parent = file.parent().unwrap_or(Path::new(""));
        match relative_folder(root, parent) {
            Some(rel) if !rel.as_os_str().is_empty() => self.in_folder(&rel),
            _ => self,
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
            Error::Output { .. } | Error::Solver(_) | Error::Infeasible(_) => 1,
            Error::Failed { code, .. } => *code,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// `dir` relative to `root`, when both can be resolved.
pub fn relative_folder(root: &Path, dir: &Path) -> Option<PathBuf> {
    let (from, to) = (root.canonicalize().ok()?, dir.canonicalize().ok()?);
    let common = from
        .components()
        .zip(to.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut rel = PathBuf::new();
    for _ in from.components().skip(common) {
        rel.push("..");
    }
    for c in to.components().skip(common) {
        rel.push(c);
    }
    Some(rel)
}

/// Rewrites serde's type words ("expected u32", "invalid type: string") in plain words
/// a planner reads, keeping the found value.
pub fn plain_serde_words(message: &str) -> String {
    const WORDS: &[(&str, &str)] = &[
        ("invalid type: string", "found the text"),
        ("invalid type: integer", "found the whole number"),
        ("invalid type: floating point", "found the number"),
        ("invalid type: boolean", "found"),
        ("invalid type: sequence", "found a list"),
        ("invalid type: map", "found a table"),
        ("invalid value: integer", "found"),
        ("invalid value: floating point", "found"),
        ("expected usize", "expected a whole number of 0 or more"),
        ("expected u64", "expected a whole number of 0 or more"),
        ("expected u32", "expected a whole number of 0 or more"),
        ("expected u16", "expected a whole number from 0 to 65,535"),
        ("expected u8", "expected a whole number from 0 to 255"),
        ("expected i64", "expected a whole number"),
        ("expected i32", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected f32", "expected a number"),
        ("expected a boolean", "expected true or false"),
        ("expected a borrowed string", "expected text in quotes"),
        ("expected a string", "expected text in quotes"),
        ("expected a sequence", "expected a list [ … ]"),
        ("expected a map", "expected a table"),
    ];
    // Parser messages come on several lines ("invalid table header\nexpected `.`, `]`").
    let mut out = message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    for (from, to) in WORDS {
        out = out.replace(from, to);
    }
    if let Some(name) = missing_field(&out) {
        out = format!("{out}; expected {name} = … (it has no default)");
    }
    if !out.contains("expected") {
        out.push_str(
            "; expected TOML such as key = 1.5, key = \"text\", key = [1, 2] or a [section] header",
        );
    }
    out
}

/// The name in serde's "missing field `name`".
fn missing_field(message: &str) -> Option<&str> {
    message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(name, _)| name)
}

/// The dotted field a serde error is about: its path, and for a missing field the field's
/// own name after it; `-` for the whole file.
pub fn serde_field(path: &str, message: &str) -> String {
    let path = if path == "." { "" } else { path };
    match missing_field(message) {
        Some(name) if path.is_empty() => name.to_string(),
        Some(name) => format!("{path}.{name}"),
        None if path.is_empty() => "-".to_string(),
        None => path.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_quoted_values_are_cut_and_the_rest_kept() {
        let long = "x".repeat(1_000_000);
        let text = super::cut_long(&format!("unknown group \"{long}\"; expected a group"));
        assert_eq!(
            text,
            format!(
                "unknown group \"{}… (1000000 characters)\"; expected a group",
                "x".repeat(40)
            )
        );
        assert_eq!(super::cut_long("a \"short\" one"), "a \"short\" one");
    }
}
