//! What deriving a scenario's workforce tables from a personnel roster produced: the tables
//! as CSV text and what the derivation found (`bienche roster import`, or a scenario that
//! names its roster). Aggregates only: no person's record is kept.

/// The tables derived from a roster, as CSV text, and what the derivation found.
#[derive(Debug, Clone)]
pub struct Derived {
    /// Label of the roster, for messages and the manifest.
    pub source: String,
    pub staff: String,
    pub retirements: String,
    pub attrition: String,
    pub hiring_mix: String,
    pub summary: Summary,
}

#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub in_post: usize,
    pub leavers: usize,
    pub skipped: usize,
    /// People past the statutory age at the roster date (retire in the first planned year).
    pub past_age: usize,
    /// People retiring early under `roster.early_retirement_years`.
    pub retiring_early: usize,
    pub retirements_in_horizon: usize,
    /// People in post whose year of recruitment `staff.csv` gives (`roster.base_tenure`).
    pub dated: usize,
    /// Each bad row left out under `--skip-bad-rows`, with its reason.
    pub skipped_rows: Vec<String>,
    /// `field ← 'heading'` for each field read.
    pub columns: Vec<String>,
    pub personal_columns: Vec<String>,
    pub ignored_columns: Vec<String>,
    pub fit: FitSummary,
}

#[derive(Debug, Clone, Default)]
pub struct FitSummary {
    /// People with a hire date.
    pub with_hire_date: usize,
    /// Leavers in the window other than retirements.
    pub events: usize,
    pub person_years: f64,
    /// Rows by source: fitted, pooled, default.
    pub fitted: usize,
    pub pooled: usize,
    pub defaulted: usize,
    pub mix_units: usize,
}
