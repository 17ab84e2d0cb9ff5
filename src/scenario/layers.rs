//! Scenario variants: a scenario whose `scenario.toml` says `extends = "../son-la"` starts
//! from that scenario and overrides it.
//!
//! - **Settings.** The TOML tables are merged key by key: a key the variant sets replaces the
//!   base's value (arrays are replaced whole), and keys it does not set are inherited. Every
//!   effective value remembers the file it came from ([`Layered::provenance`]).
//! - **Tables.** A CSV the variant holds overrides the base's rows by key (`units.csv` by `id`,
//!   `channels.csv` by `channel` and `year` as written, …; see [`key_columns`]): a row with a
//!   key the base has replaces that row in place, any other row is added (a `staff.csv`
//!   without the optional key column `hired` sets whole cells: [`crate::table::Table::overlay`]).
//!   Tables the variant does not hold are inherited whole.
//! - **Removals.** `[[remove]]` entries in a variant's `scenario.toml` take rows out of what
//!   its bases give: `table = "retirements.csv"` and the cells a row must hold (`year =
//!   2026`), every row of the table when no cell is given. They apply before the variant's
//!   own rows of that table are laid on, so a variant can replace a table whole. An entry
//!   that matches no row is an error (a typo would otherwise remove nothing silently).
//! - Chains (`a` extends `b` extends `c`) work; a cycle is an error.

use crate::error::{Error, Result};
use crate::table::Table;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The columns that identify a row of each table, for row overrides.
pub fn key_columns(table: &str) -> &'static [&'static str] {
    match table {
        "groups.csv" => &["group"],
        "units.csv" => &["id"],
        "staff.csv" => &["unit", "group", "gender", "role", "trained", "hired"],
        "reference_staff.csv" => &["unit", "group", "gender", "role", "trained"],
        "retirements.csv" => &["unit", "group", "gender", "role", "trained", "year"],
        "quotas.csv" => &["unit", "year"],
        "channels.csv" => &["channel", "year"],
        "channel_caps.csv" => &["channel", "year", "kind"],
        "transfers.csv" => &["from", "to", "year"],
        "budget.csv" => &["year", "level"],
        "attrition.csv" => &["class", "tenure_from"],
        "hiring_mix.csv" => &["unit", "group", "gender", "trained"],
        _ => &[],
    }
}

/// A scenario and the scenarios it extends, base first.
#[derive(Debug, Clone)]
pub struct Layered {
    /// Folders, base first, the scenario itself last.
    pub dirs: Vec<PathBuf>,
    /// The merged settings, without `extends`.
    pub merged: toml::Table,
    /// Dotted key of each effective setting → the `scenario.toml` it came from.
    pub provenance: BTreeMap<String, PathBuf>,
    /// Text of each `scenario.toml`, for hashing and messages.
    pub texts: Vec<(PathBuf, String)>,
    /// Each folder's `[[remove]]` entries, in the order of `dirs`.
    pub removals: Vec<Vec<Removal>>,
}

/// One `[[remove]]` entry: the rows of `table` whose cells equal `cells`.
#[derive(Debug, Clone)]
pub struct Removal {
    /// The `scenario.toml` that holds it, and the line of its entry.
    pub file: PathBuf,
    pub line: Option<usize>,
    /// Its position among the file's entries, for the field name `remove[i]`.
    pub index: usize,
    pub table: String,
    /// Column and value as written; a row is removed when every one matches.
    pub cells: Vec<(String, String)>,
}

impl Removal {
    fn field(&self, column: &str) -> String {
        format!("remove[{}].{column}", self.index)
    }
}

/// The tables a scenario may hold, in the order the docs list them.
const TABLES: &[&str] = &[
    "groups.csv",
    "units.csv",
    "staff.csv",
    "retirements.csv",
    "quotas.csv",
    "channels.csv",
    "channel_caps.csv",
    "transfers.csv",
    "budget.csv",
    "attrition.csv",
    "hiring_mix.csv",
];

/// The `[[remove]]` entries of one `scenario.toml` (its `remove` key taken out of `table`).
fn removals(path: &Path, text: &str, table: &mut toml::Table) -> Result<Vec<Removal>> {
    let Some(value) = table.remove("remove") else {
        return Ok(Vec::new());
    };
    // The line of the i-th entry: its `[[remove]]` header, else the key's line.
    let headers: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            let code = l.split('#').next().unwrap_or("");
            code.split_whitespace().collect::<String>() == "[[remove]]"
        })
        .map(|(i, _)| i + 1)
        .collect();
    let line_of = |i: usize| headers.get(i).copied().or_else(|| key_line(text, "remove"));
    let shape = "expected [[remove]] entries, each with table = \"a table's file name\" and the cells of the rows to remove";
    let toml::Value::Array(entries) = value else {
        return Err(Error::input(path, line_of(0), "remove", shape));
    };
    let mut out = Vec::new();
    for (index, entry) in entries.into_iter().enumerate() {
        let line = line_of(index);
        let toml::Value::Table(entry) = entry else {
            return Err(Error::input(path, line, format!("remove[{index}]"), shape));
        };
        let mut name = None;
        let mut cells = Vec::new();
        for (key, value) in entry {
            let text = match value {
                toml::Value::String(s) => s,
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Float(f) => f.to_string(),
                toml::Value::Boolean(b) => (if b { "yes" } else { "no" }).to_string(),
                other => {
                    return Err(Error::input(
                        path,
                        line,
                        format!("remove[{index}].{key}"),
                        format!("expected a cell's value as text or a number, found {other}"),
                    ))
                }
            };
            if key == "table" {
                name = Some(text);
            } else {
                cells.push((key, text));
            }
        }
        let table = match name {
            Some(t) if TABLES.contains(&t.as_str()) => t,
            found => {
                return Err(Error::input(
                    path,
                    line,
                    format!("remove[{index}].table"),
                    format!(
                        "expected the file name of a scenario table ({}), found {}",
                        TABLES.join(", "),
                        found.unwrap_or_else(|| "nothing".into())
                    ),
                ))
            }
        };
        out.push(Removal {
            file: path.to_path_buf(),
            line,
            index,
            table,
            cells,
        });
    }
    Ok(out)
}

impl Layered {
    pub fn is_variant(&self) -> bool {
        self.dirs.len() > 1
    }
}

fn read_toml(path: &Path, dir: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| {
        if e.kind() != std::io::ErrorKind::NotFound {
            return Error::unreadable(path, e.to_string());
        }
        let what = if dir.join("national.toml").is_file() {
            "it holds national.toml, a national folder: `bienche plan` plans it, and `check` checks it"
        } else if dir.is_dir() {
            "is it a scenario folder?"
        } else {
            "the folder does not exist"
        };
        Error::input(
            path,
            None,
            "-",
            format!(
                "file not found in {} ({what}); expected a scenario folder holding scenario.toml",
                dir.display()
            ),
        )
    })
}

fn parse_table(path: &Path, text: &str) -> Result<toml::Table> {
    text.parse::<toml::Table>().map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        Error::input(
            path,
            line,
            "-",
            crate::error::plain_serde_words(e.message()),
        )
    })
}

/// `a/b/../c` → `a/c`, without touching the file system.
fn tidy(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

fn extends_line(text: &str) -> Option<usize> {
    text.lines()
        .position(|l| l.trim_start().starts_with("extends"))
        .map(|i| i + 1)
}

/// Reads `dir/scenario.toml` and, through `extends`, every scenario it builds on.
pub fn resolve(dir: &Path) -> Result<Layered> {
    let mut chain: Vec<(PathBuf, PathBuf, String, toml::Table, Vec<Removal>)> = Vec::new();
    let mut at = dir.to_path_buf();
    loop {
        let path = at.join("scenario.toml");
        let text = read_toml(&path, &at)?;
        let mut table = parse_table(&path, &text)?;
        let canonical = at.canonicalize().unwrap_or_else(|_| at.clone());
        if chain.iter().any(|(_, c, ..)| *c == canonical) {
            let start = chain
                .iter()
                .position(|(_, c, ..)| *c == canonical)
                .unwrap_or(0);
            let circle: Vec<String> = chain[start..]
                .iter()
                .map(|(folder, ..)| folder.display().to_string())
                .chain([at.display().to_string()])
                .collect();
            let extends_line = chain.last().and_then(|(_, _, text, ..)| extends_line(text));
            return Err(Error::input(
                &chain.last().map_or(path.clone(), |(f, ..)| f.join("scenario.toml")),
                extends_line,
                "extends",
                format!(
                    "the scenarios extend each other in a cycle: {}; expected a chain that ends in a scenario without extends",
                    circle.join(" → ")
                ),
            ));
        }
        let next = match table.remove("extends") {
            None => None,
            Some(toml::Value::String(base)) => Some(tidy(&at.join(base))),
            Some(other) => {
                return Err(Error::input(
                    &path,
                    extends_line(&text),
                    "extends",
                    format!("expected the path of a scenario folder, found {other}"),
                ))
            }
        };
        let removed = removals(&path, &text, &mut table)?;
        chain.push((at.clone(), canonical, text, table, removed));
        match next {
            Some(base) => {
                if !base.join("scenario.toml").exists() {
                    let line = chain.last().and_then(|(_, _, text, ..)| extends_line(text));
                    return Err(Error::input(
                        &path,
                        line,
                        "extends",
                        format!(
                            "no scenario at {} (expected a folder holding scenario.toml)",
                            base.display()
                        ),
                    ));
                }
                at = base;
            }
            None => break,
        }
    }
    chain.reverse();
    let mut merged = toml::Table::new();
    let mut provenance = BTreeMap::new();
    for (dir, _, _, table, _) in &chain {
        merge(
            &mut merged,
            table.clone(),
            "",
            &dir.join("scenario.toml"),
            &mut provenance,
        );
    }
    Ok(Layered {
        dirs: chain.iter().map(|(d, ..)| d.clone()).collect(),
        merged,
        provenance,
        texts: chain
            .iter()
            .map(|(d, _, text, ..)| (d.join("scenario.toml"), text.clone()))
            .collect(),
        removals: chain.into_iter().map(|(.., r)| r).collect(),
    })
}

fn merge(
    base: &mut toml::Table,
    over: toml::Table,
    prefix: &str,
    file: &Path,
    provenance: &mut BTreeMap<String, PathBuf>,
) {
    for (key, value) in over {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => {
                merge(b, o, &path, file, provenance)
            }
            (_, value) => {
                provenance.retain(|k, _| k != &path && !k.starts_with(&format!("{path}.")));
                record(&value, &path, file, provenance);
                base.insert(key, value);
            }
        }
    }
}

fn record(
    value: &toml::Value,
    path: &str,
    file: &Path,
    provenance: &mut BTreeMap<String, PathBuf>,
) {
    match value {
        toml::Value::Table(t) => {
            for (k, v) in t {
                record(v, &format!("{path}.{k}"), file, provenance);
            }
        }
        _ => {
            provenance.insert(path.to_string(), file.to_path_buf());
        }
    }
}

/// The line of the dotted key `field` in a TOML text: the key under its section's header
/// when there is one, else the first line that sets it or opens it as a table.
pub fn key_line(text: &str, field: &str) -> Option<usize> {
    // An element of an array (`time.targets[1].year`) is on the line of the array's key.
    let field = field.split('[').next().unwrap_or(field);
    let (section, last) = field.rsplit_once('.').unwrap_or(("", field));
    let sets = |l: &str| {
        let l = l.trim_start();
        let quoted = l
            .strip_prefix('"')
            .and_then(|r| r.strip_prefix(last))
            .and_then(|r| r.strip_prefix('"'));
        l.strip_prefix(last)
            .or(quoted)
            .is_some_and(|rest| rest.trim_start().starts_with('='))
            || l.trim_start_matches('[').starts_with(last)
    };
    let lines: Vec<&str> = text.lines().collect();
    let header = lines
        .iter()
        .position(|l| l.trim() == format!("[{section}]"));
    let under = header.and_then(|h| {
        lines[h + 1..]
            .iter()
            .take_while(|l| !l.trim_start().starts_with('['))
            .position(|l| sets(l))
            .map(|i| h + 1 + i)
    });
    // A key left at its default: the line of its section's header.
    under
        .or_else(|| lines.iter().position(|l| sets(l)))
        .or(header)
        .map(|i| i + 1)
}

/// The file that set `field` (or its nearest parent), and the line of its key there.
pub fn locate(layers: &Layered, field: &str) -> (PathBuf, Option<usize>) {
    let mut probe = field.split('[').next().unwrap_or(field).to_string();
    loop {
        let hit = layers
            .provenance
            .iter()
            .find(|(k, _)| **k == probe || k.starts_with(&format!("{probe}.")))
            .map(|(_, f)| f.clone());
        if let Some(file) = hit {
            let line = layers
                .texts
                .iter()
                .find(|(f, _)| *f == file)
                .and_then(|(_, text)| key_line(text, field));
            return (file, line);
        }
        match probe.rsplit_once('.') {
            Some((parent, _)) => probe = parent.to_string(),
            None => {
                let last = layers.dirs.last().cloned().unwrap_or_default();
                return (last.join("scenario.toml"), None);
            }
        }
    }
}

/// A table over the layers: the base's rows, overridden and extended by each variant's.
/// Returns the table and, for variants, a line per file saying what it contributed.
pub fn read_table(
    layers: &Layered,
    name: &str,
    required: &[&str],
    optional: &[&str],
) -> Result<Option<(Table, Vec<String>)>> {
    let mut merged: Option<Table> = None;
    let mut notes = Vec::new();
    let keys = key_columns(name);
    for (layer, dir) in layers.dirs.iter().enumerate() {
        let removing = layers
            .removals
            .get(layer)
            .into_iter()
            .flatten()
            .filter(|r| r.table == name);
        for removal in removing {
            let removed = remove(merged.as_mut(), removal)?;
            notes.push(format!(
                "{removed} rows removed by {}",
                removal.file.display()
            ));
        }
        let path = dir.join(name);
        let sheet = super::workbook::read_sheet(dir, name, required, optional)?;
        let table = match (path.exists(), sheet) {
            (false, None) => continue,
            (false, Some(sheet)) => sheet,
            (true, None) => Table::read(&path, required, optional)?,
            (true, Some(sheet)) => {
                return Err(Error::input(
                    &path,
                    None,
                    "-",
                    format!(
                        "the table is also a sheet of {} ({}); expected it in one place: delete the file or the sheet",
                        super::workbook::FILE,
                        sheet.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
                    ),
                ))
            }
        };
        let path = table.path.clone();
        match merged.as_mut() {
            None => {
                notes.push(format!("{} rows from {}", table.rows.len(), path.display()));
                merged = Some(table);
            }
            Some(base) => {
                let (replaced, added) = base.overlay(table, keys)?;
                notes.push(format!(
                    "{replaced} rows replaced and {added} added by {}",
                    path.display()
                ));
            }
        }
    }
    Ok(merged.map(|t| (t, notes)))
}

/// Takes out of `table` the rows `removal` names; how many. An entry that names a column
/// the table lacks, or matches no row, is an error.
fn remove(table: Option<&mut Table>, removal: &Removal) -> Result<usize> {
    let Some(table) = table else {
        return Err(Error::input(
            &removal.file,
            removal.line,
            removal.field("table"),
            format!(
                "no scenario this one extends has {} to remove rows from; expected a table of the bases",
                removal.table
            ),
        ));
    };
    let mut columns = Vec::new();
    for (column, _) in &removal.cells {
        match table.headers().iter().position(|h| h == column) {
            Some(i) => columns.push(i),
            None => {
                return Err(Error::input(
                    &removal.file,
                    removal.line,
                    removal.field(column),
                    format!(
                        "{} has no such column; expected one of {}",
                        removal.table,
                        table.headers().join(", ")
                    ),
                ))
            }
        }
    }
    let before = table.rows.len();
    table.rows.retain(|row| {
        !columns
            .iter()
            .zip(&removal.cells)
            .all(|(&i, (_, value))| row.values().get(i).map(|c| c.trim()) == Some(value.trim()))
    });
    let removed = before - table.rows.len();
    if removed == 0 {
        let cells: Vec<String> = removal
            .cells
            .iter()
            .map(|(c, v)| format!("{c} = {v}"))
            .collect();
        return Err(Error::input(
            &removal.file,
            removal.line,
            format!("remove[{}]", removal.index),
            format!(
                "no row of {} has {} as written; expected the cells of rows the bases hold",
                removal.table,
                cells.join(", ")
            ),
        ));
    }
    Ok(removed)
}
