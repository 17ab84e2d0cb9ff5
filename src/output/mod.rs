//! The output folder, a documented contract (`docs/outputs.md`): `summary.json`,
//! `trajectory.csv`, `flows.csv`, `targets.csv`, `costs.csv`, `manifest.json`, `units.csv`,
//! the no-plan `forecast/`, and the charts in `plots/LANG/` (drawn by the caller from the same
//! tables).
//!
//! - [`contract`]: the types of every file; [`tables`] builds them from a run's results;
//! - [`write`] and [`read`]: the one writer and the one reader of those types;
//! - [`folder`]: output folders written atomically, and never over a user's files.
//!
//! Rows are in a fixed order and numbers in fixed formats, so the same inputs give the same
//! bytes; the only run-dependent values are `solver.seconds` in `summary.json` and the
//! absolute `scenario_dir` in `manifest.json`.

pub mod contract;
pub mod folder;
pub mod read;
pub mod tables;
pub mod write;

pub use folder::write_folder;

/// Text for HTML or SVG: the five characters that could open markup or end an attribute,
/// escaped (`report.html`, the SVG charts' `aria-label`s).
pub fn escape_markup(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
