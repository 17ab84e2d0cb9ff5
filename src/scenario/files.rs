//! Reading a scenario's files: each table from the scenario or the scenarios it extends
//! (or a roster's derived text in its place), with the SHA-256 of every file read, for the
//! manifest.

use super::layers::{read_table, Layered};
use crate::domain::roster::Derived;
use crate::domain::InputFile;
use crate::error::Result;
use crate::table::Table;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The columns of each table: required, then optional.
pub(super) const GROUPS_COLS: &[&str] = &["group", "em", "population_share"];
pub(super) const GROUPS_OPT: &[&str] = &["names"];
pub(super) const UNITS_COLS: &[&str] = &[
    "id",
    "name",
    "kind",
    "em_population_share",
    "quota",
    "leader_posts",
];
pub(super) const UNITS_OPT: &[&str] = &[
    "over_quota_until",
    "r2_rate_override",
    "recruit_groups",
    "difficult",
    "run_by",
];
pub(super) const ATTRITION_COLS: &[&str] = &["class", "tenure_from", "tenure_to", "rate"];
pub(super) const ATTRITION_OPT: &[&str] = &["leavers", "person_years", "source"];
pub(super) const MIX_COLS: &[&str] = &["unit", "group", "gender", "trained", "share"];
pub(super) const MIX_OPT: &[&str] = &["hires"];
pub(super) const CELL_COLS: &[&str] = &["unit", "group", "gender", "role", "trained", "count"];
pub(super) const CHANNEL_COLS: &[&str] = &[
    "channel",
    "year",
    "groups",
    "kinds",
    "max_hires",
    "cost_per_hire",
    "women_share",
    "trained",
];
pub(super) const CHANNEL_OPT: &[&str] = &["min_hires"];

/// Reads the scenario's tables, or a roster's derived text in place of some.
pub(super) struct Files<'a> {
    pub dir: &'a Path,
    pub layers: &'a Layered,
    /// For variants: what each file contributed to each table.
    pub sources: Vec<(String, Vec<String>)>,
    pub inputs: Vec<InputFile>,
    pub derived: Option<Derived>,
    /// `roster import`: the derived tables replace any files.
    pub importing: bool,
}

impl Files<'_> {
    pub fn read(
        &mut self,
        name: &str,
        required: &[&str],
        optional: &[&str],
        must_exist: bool,
    ) -> Result<Option<Table>> {
        if let Some(d) = &self.derived {
            let replaces = self.importing
                || !(self.dir.join(name).exists()
                    || super::workbook::has_sheet(self.dir, name).unwrap_or(false));
            let text = match name {
                "staff.csv" => Some(&d.staff),
                "retirements.csv" => Some(&d.retirements),
                "attrition.csv" if replaces => Some(&d.attrition),
                "hiring_mix.csv" if replaces => Some(&d.hiring_mix),
                _ => None,
            };
            if let Some(text) = text {
                // Rows of a table derived from the roster are removed in the roster.
                let removal = self
                    .layers
                    .removals
                    .iter()
                    .flatten()
                    .find(|r| r.table == name);
                if let Some(r) = removal {
                    return Err(crate::error::Error::input(
                        &r.file,
                        r.line,
                        format!("remove[{}].table", r.index),
                        format!(
                            "{name} is derived from the roster {}; expected a table read from a file (change the roster instead)",
                            d.source
                        ),
                    ));
                }
                let label = PathBuf::from(format!("{name} (derived from {})", d.source));
                return Table::parse(&label, text, required, optional).map(Some);
            }
        }
        let found = read_table(self.layers, name, required, optional)?;
        let Some((table, notes)) = found else {
            if must_exist {
                // Let the reader name the missing file.
                Table::read(&self.dir.join(name), required, optional)?;
            }
            return Ok(None);
        };
        for d in &self.layers.dirs {
            let path = d.join(name);
            if path.exists() {
                read_hash(&mut self.inputs, &input_name(self.dir, &path), &path);
            }
            // A workbook once, however many of its sheets are read.
            let book = d.join(super::workbook::FILE);
            let book_name = input_name(self.dir, &book);
            if super::workbook::has_sheet(d, name)?
                && !self.inputs.iter().any(|i| i.name == book_name)
            {
                read_hash(&mut self.inputs, &book_name, &book);
            }
        }
        if self.layers.is_variant() {
            self.sources.push((name.to_string(), notes));
        }
        Ok(Some(table))
    }
}

/// An input's name in the manifest: the file name for the scenario's own files, the path
/// for files of the scenarios it extends.
pub(super) fn input_name(dir: &Path, path: &Path) -> String {
    if path.parent() == Some(dir) {
        return path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
    }
    // Relative to the scenario folder, however the folders were named on the command line,
    // so the manifest is the same bytes for the same inputs.
    crate::error::relative_folder(dir, path).map_or_else(
        || path.display().to_string(),
        |rel| rel.display().to_string(),
    )
}

pub(super) fn read_hash(inputs: &mut Vec<InputFile>, name: &str, path: &Path) {
    inputs.push(hash_input(name, &std::fs::read(path).unwrap_or_default()));
}

pub(super) fn hash_input(name: &str, bytes: &[u8]) -> InputFile {
    InputFile {
        name: name.to_string(),
        sha256: format!("{:x}", Sha256::digest(bytes)),
    }
}
