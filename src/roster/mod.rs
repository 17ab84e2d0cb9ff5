//! Personnel rosters: one row per person, read from CSV or Excel, checked row by row, and
//! aggregated into the tables the engine reads. Nothing personal leaves this module: names
//! and ID numbers are never read, and every output is a count by unit and cell.
//!
//! Derivations (the roster is the workforce at 31 December of `time.base_year`; rows with a
//! leave date on or before it are the leavers' history):
//! - `staff.csv`: people still in post, by unit, group, gender, role and trained;
//! - `retirements.csv`: each person's statutory retirement year ([`crate::retirement`]),
//!   `roster.early_retirement_years` earlier for people flagged with 15+ years in especially
//!   difficult areas; people already past the age retire in the first planned year;
//! - `attrition.csv` and `hiring_mix.csv`: see [`fit`].

pub mod columns;
pub mod fit;
mod person;
pub mod source;

use crate::domain::config::Config;
use crate::domain::roster::{Derived, Summary};
use crate::domain::{Cell, Group, Unit};
use crate::error::{Error, Result};
use crate::retirement::{self, Sex, YearMonth};
use columns::Field;
use person::RowReader;
use source::{Sheet, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// One person, as far as bienche needs to know them.
#[derive(Debug, Clone)]
pub struct Person {
    pub unit: usize,
    pub cell: Cell,
    pub birth: YearMonth,
    pub hired: Option<YearMonth>,
    /// The hire date's day, when the roster gives one.
    pub hired_day: Option<u32>,
    pub difficult_15y: bool,
    /// Month of leaving, for the leavers' history.
    pub left: Option<YearMonth>,
    /// The leave date's day, when the roster gives one.
    pub left_day: Option<u32>,
    pub left_to_retire: bool,
}

impl Person {
    pub fn in_post(&self) -> bool {
        self.left.is_none()
    }

    /// The hire date as a day, the first of the month when the roster gives a month only.
    pub fn hired_on(&self) -> Option<(i32, u32, u32)> {
        self.hired
            .map(|m| (m.year, m.month, self.hired_day.unwrap_or(1)))
    }

    /// The leave date as a day, the first of the month when the roster gives a month only.
    pub fn left_on(&self) -> Option<(i32, u32, u32)> {
        self.left
            .map(|m| (m.year, m.month, self.left_day.unwrap_or(1)))
    }

    /// In post on `day`: hired on or before it (or no hire date) and not left by then.
    pub fn in_post_on(&self, day: (i32, u32, u32)) -> bool {
        self.hired_on().is_none_or(|h| h <= day) && self.left_on().is_none_or(|l| l > day)
    }
}

/// A row that could not be read, with the first reason found.
#[derive(Debug, Clone)]
pub struct BadRow {
    pub row: usize,
    /// The row's unit, when its unit was read before the failing field.
    pub unit: Option<usize>,
    /// `'Ngày sinh' (birth)`.
    pub field: String,
    pub message: String,
}

pub struct Roster {
    /// `roster.csv`, or `roster.xlsx, sheet 'Danh sách'`.
    pub label: String,
    /// The file's name, and the sheet's (empty for CSV).
    pub file: String,
    pub sheet: String,
    pub row_word: &'static str,
    pub people: Vec<Person>,
    pub bad: Vec<BadRow>,
    /// Headings used for each field.
    pub columns: Vec<(Field, String)>,
    /// Personal columns recognised and never read.
    pub personal: Vec<String>,
    /// Other columns, not needed.
    pub ignored: Vec<String>,
}

impl Roster {
    pub fn describe(&self, bad: &BadRow) -> String {
        format!(
            "{}, {} {}: field {}: {}",
            self.label, self.row_word, bad.row, bad.field, bad.message
        )
    }
}

/// The roster date: 31 December of the base year.
pub fn roster_date(config: &Config) -> (i32, u32, u32) {
    (config.time.base_year, 12, 31)
}

/// A date as written in a roster: `dd/mm/yyyy`, `mm/yyyy`, `yyyy`, `yyyy-mm(-dd)`, or a date
/// cell. Returns the month and the day when given.
pub fn parse_date(value: &Value) -> std::result::Result<(YearMonth, Option<u32>), String> {
    let expected = "expected a date such as 15/03/1980, 03/1980, 1980 or 1980-03-15";
    let (year, month, day) = match value {
        Value::Date(y, m, d) => (*y, *m, Some(*d)),
        Value::Number(n) if n.fract() == 0.0 && (1900.0..=2100.0).contains(n) => {
            (*n as i32, 1, None)
        }
        Value::Number(n) => {
            return Err(format!(
                "{expected}, found the number {n} (format the cell as a date)"
            ))
        }
        Value::Empty => return Err(format!("{expected}, found an empty cell")),
        Value::Text(t) => {
            let t = t.trim();
            let parts: Vec<&str> = t.split(['/', '-', '.']).map(str::trim).collect();
            let num = |s: &str| s.parse::<u32>().ok().filter(|_| !s.is_empty());
            let bad = || format!("{expected}, found \"{t}\"");
            let (y, m, d) = match parts.as_slice() {
                [y] if y.len() == 4 => (num(y), Some(1), None),
                [y, m] if y.len() == 4 => (num(y), num(m), None),
                [m, y] if y.len() == 4 => (num(y), num(m), None),
                [y, m, d] if y.len() == 4 => (num(y), num(m), Some(num(d))),
                [d, m, y] if y.len() == 4 => (num(y), num(m), Some(num(d))),
                _ => return Err(bad()),
            };
            match (y, m, d) {
                (Some(y), Some(m), None) => (y as i32, m, None),
                (Some(y), Some(m), Some(Some(d))) => (y as i32, m, Some(d)),
                _ => return Err(bad()),
            }
        }
    };
    let t = value.text();
    if !(1900..=2100).contains(&year) || !(1..=12).contains(&month) {
        return Err(format!("{expected}, found \"{t}\""));
    }
    let ym = YearMonth { year, month };
    if let Some(d) = day {
        if d == 0 || d > ym.last_day() {
            return Err(format!(
                "expected a calendar date, found \"{t}\" (the month has no such day)"
            ));
        }
    }
    Ok((ym, day))
}

/// Reads every row; rows that fail a check are collected in `bad`, not returned as errors.
/// Errors are for the file as a whole: unreadable, or a required column missing.
pub fn read(path: &Path, config: &Config, groups: &[Group], units: &[Unit]) -> Result<Roster> {
    read_as_of(path, config, groups, units, roster_date(config))
}

/// [`read`] of a roster drawn on `as_of` (year, month, day): no birth, hire or leave date
/// after it.
pub fn read_as_of(
    path: &Path,
    config: &Config,
    groups: &[Group],
    units: &[Unit],
    as_of: (i32, u32, u32),
) -> Result<Roster> {
    let sheet = source::read(path, config.roster.sheet.as_deref())?;
    let found = ColumnIndex::find(&sheet, config)?;
    let columns: Vec<(Field, String)> = found
        .index
        .iter()
        .map(|(&f, &i)| (f, sheet.headings[i].clone()))
        .collect();
    // Job titles: the built-in table, and a job_titles.csv beside the roster over it.
    let own_titles = path
        .parent()
        .map(|d| d.join("job_titles.csv"))
        .filter(|p| p.exists())
        .map(|p| crate::table::Table::read(&p, &["title", "role"], &[]))
        .transpose()?;
    let titles = columns::JobTitles::new(own_titles.as_ref())?;
    let reader = RowReader::new(&sheet.headings, &found.index, groups, units, &titles, as_of);
    let mut people = Vec::new();
    let mut bad = Vec::new();
    for (row, values) in &sheet.rows {
        match reader.read(*row, values) {
            Ok(p) => people.push(p),
            Err(b) => bad.push(b),
        }
    }
    Ok(Roster {
        label: sheet.label,
        file: sheet.file,
        sheet: sheet.sheet,
        row_word: sheet.row_word,
        people,
        bad,
        columns,
        personal: found.personal,
        ignored: found.ignored,
    })
}

/// Where each field is read from, and the headings of the other columns.
struct ColumnIndex {
    /// Column of each field found.
    index: BTreeMap<Field, usize>,
    /// Personal columns recognised and never read.
    personal: Vec<String>,
    /// Other columns, not needed.
    ignored: Vec<String>,
}

impl ColumnIndex {
    /// Finds each field's column by its heading; a required field must have one.
    fn find(sheet: &Sheet, config: &Config) -> Result<ColumnIndex> {
        let mut index: BTreeMap<Field, usize> = BTreeMap::new();
        for field in Field::ALL {
            if let Some(i) = find_column(sheet, config, field)? {
                index.insert(field, i);
            }
        }
        let used: Vec<usize> = index.values().copied().collect();
        let mut personal = Vec::new();
        let mut ignored = Vec::new();
        for (i, h) in sheet.headings.iter().enumerate() {
            if used.contains(&i) || h.trim().is_empty() {
                continue;
            }
            if columns::is_personal(h) {
                personal.push(h.clone());
            } else {
                ignored.push(h.clone());
            }
        }
        Ok(ColumnIndex {
            index,
            personal,
            ignored,
        })
    }
}

/// An error in the heading row, about one field.
fn heading_error(sheet: &Sheet, field: Field, message: String) -> Error {
    Error::Input {
        file: sheet.label.clone().into(),
        line: Some(sheet.heading_row),
        field: field.name().to_string(),
        message,
        folder: None,
    }
}

/// The columns that could hold `field`: those headed as named in `[roster.columns]` (which
/// must exist), else those whose heading matches the field.
fn candidate_columns(sheet: &Sheet, config: &Config, field: Field) -> Result<Vec<usize>> {
    let headings = &sheet.headings;
    match config.roster.columns.get(field.name()) {
        Some(named) => {
            let hits: Vec<usize> = (0..headings.len())
                .filter(|&i| columns::fold(&headings[i]) == columns::fold(named))
                .collect();
            if hits.is_empty() {
                return Err(heading_error(
                    sheet,
                    field,
                    format!(
                        "no column headed \"{named}\" (set in [roster.columns]); the headings are {}",
                        quoted(headings)
                    ),
                ));
            }
            Ok(hits)
        }
        None => Ok((0..headings.len())
            .filter(|&i| field.matches(&headings[i]))
            .collect()),
    }
}

/// The one column of `field`, or none for an optional field not there; two candidates are
/// an error.
fn find_column(sheet: &Sheet, config: &Config, field: Field) -> Result<Option<usize>> {
    let headings = &sheet.headings;
    match candidate_columns(sheet, config, field)?.as_slice() {
        [] if field.required() => Err(heading_error(
            sheet,
            field,
            format!(
                "no column for this field; expected a heading such as \"{}\" or \"{}\", or name it in [roster.columns] {} = \"…\"",
                field.suggested_heading(),
                field.name(),
                field.name()
            ),
        )),
        [] => Ok(None),
        [i] => Ok(Some(*i)),
        [a, b, ..] if columns::fold(&headings[*a]) == columns::fold(&headings[*b]) => {
            Err(heading_error(
                sheet,
                field,
                format!(
                    "two columns are headed \"{}\"; rename one of them in the roster",
                    headings[*a]
                ),
            ))
        }
        [a, b, ..] => Err(heading_error(
            sheet,
            field,
            format!(
                "two columns could hold this field, \"{}\" and \"{}\"; name one in [roster.columns] {} = \"…\"",
                headings[*a],
                headings[*b],
                field.name()
            ),
        )),
    }
}

fn quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|h| format!("\"{h}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Retirement year of a person in post, whether they are past the statutory age at the
/// roster date, and whether it was brought forward.
///
/// People flagged `difficult_15y` retire at the roadmap age lowered by
/// `roster.early_retirement_years`; if that date has already passed at the roster date they
/// chose to stay, and the statutory date applies. People past the statutory age retire in
/// the first planned year.
pub fn retirement_year(p: &Person, config: &Config) -> (i32, bool, bool) {
    let sex = if p.cell.female {
        Sex::Female
    } else {
        Sex::Male
    };
    let statutory = retirement::statutory(p.birth, sex).month;
    let first = config.time.base_year + 1;
    let years = config.roster.early_retirement_years;
    let early = (p.difficult_15y && years > 0)
        .then(|| retirement::early(p.birth, sex, years).month)
        .filter(|m| m.year >= first && *m < statutory);
    let month = early.unwrap_or(statutory);
    (
        month.year.max(first),
        statutory.year < first,
        early.is_some(),
    )
}

/// With `roster.base_tenure`, the year a person in post was hired, for `staff.csv`'s
/// `hired`, if within the last [`settled_after`] years before the base year's end: the
/// others, and those without a hire date, are settled.
fn recent_hire(p: &Person, config: &Config) -> Option<i32> {
    if !config.roster.base_tenure {
        return None;
    }
    p.hired
        .map(|h| h.year)
        .filter(|&h| config.time.base_year - h < settled_after(config) as i32)
}

/// After how many years of service a roster's people count as settled: the last boundary of
/// `roster.tenure_bands` (the start of the open band).
pub fn settled_after(config: &Config) -> u32 {
    config.roster.tenure_bands.last().copied().unwrap_or(0)
}

/// Aggregates a roster whose bad rows have been dealt with.
pub fn derive(roster: &Roster, config: &Config, groups: &[Group], units: &[Unit]) -> Derived {
    let key = |u: usize, c: &Cell| {
        (
            u,
            groups[c.group].id.clone(),
            c.gender().name(),
            c.role().name(),
            c.trained_word(),
        )
    };
    let mut staff: BTreeMap<_, u32> = BTreeMap::new();
    let mut retirements: BTreeMap<_, u32> = BTreeMap::new();
    let mut summary = Summary {
        skipped: roster.bad.len(),
        skipped_rows: roster.bad.iter().map(|b| roster.describe(b)).collect(),
        columns: roster
            .columns
            .iter()
            .map(|(f, h)| format!("{} ← '{h}'", f.name()))
            .collect(),
        personal_columns: roster.personal.clone(),
        ignored_columns: roster.ignored.clone(),
        ..Summary::default()
    };
    for p in &roster.people {
        if !p.in_post() {
            summary.leavers += 1;
            continue;
        }
        summary.in_post += 1;
        let (u, g, s, r, t) = key(p.unit, &p.cell);
        let hired = recent_hire(p, config);
        summary.dated += hired.is_some() as usize;
        *staff.entry((u, g, s, r, t, hired)).or_default() += 1;
        let (year, past, early) = retirement_year(p, config);
        summary.past_age += past as usize;
        summary.retiring_early += early as usize;
        if year <= config.time.horizon {
            summary.retirements_in_horizon += 1;
            let (u, g, s, r, t) = key(p.unit, &p.cell);
            *retirements.entry((u, g, s, r, t, year)).or_default() += 1;
        }
    }
    // The `hired` column only where asked, so that other scenarios' tables stay as they were.
    let mut staff_csv = if config.roster.base_tenure {
        String::from("unit,group,gender,role,trained,hired,count\n")
    } else {
        String::from("unit,group,gender,role,trained,count\n")
    };
    for ((u, g, s, r, t, h), n) in &staff {
        let hired = if config.roster.base_tenure {
            format!("{},", h.map_or(String::new(), |h| h.to_string()))
        } else {
            String::new()
        };
        let _ = writeln!(staff_csv, "{},{g},{s},{r},{t},{hired}{n}", units[*u].id);
    }
    let mut ret_csv = String::from("unit,group,gender,role,trained,year,count\n");
    for ((u, g, s, r, t, y), n) in &retirements {
        let _ = writeln!(ret_csv, "{},{g},{s},{r},{t},{y},{n}", units[*u].id);
    }
    let (attrition, fit_summary) = fit::attrition(roster, config, units);
    let hiring_mix = fit::hiring_mix(roster, config, groups, units);
    summary.fit = fit_summary;
    Derived {
        source: roster.label.clone(),
        staff: staff_csv,
        retirements: ret_csv,
        attrition,
        hiring_mix,
        summary,
    }
}

/// Reads and derives, treating bad rows as an error unless `skip_bad_rows`.
pub fn load(
    path: &Path,
    config: &Config,
    groups: &[Group],
    units: &[Unit],
    skip_bad_rows: bool,
) -> Result<(Roster, Derived)> {
    let roster = read(path, config, groups, units)?;
    if !roster.bad.is_empty() && !skip_bad_rows {
        return Err(Error::BadRows {
            file: roster.label.clone(),
            rows: roster.bad.iter().map(|b| roster.describe(b)).collect(),
        });
    }
    let derived = derive(&roster, config, groups, units);
    if derived.summary.in_post == 0 {
        return Err(Error::input(
            path,
            None,
            "-",
            format!(
                "nobody is in post at {}-12-31 ({} rows read, {} bad, {} leavers); expected at least one person without a leave date; nothing was written",
                config.time.base_year,
                roster.people.len() + roster.bad.len(),
                roster.bad.len(),
                derived.summary.leavers
            ),
        ));
    }
    Ok((roster, derived))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(early: u32) -> Config {
        let mut c: Config =
            toml::from_str("name = \"t\"\n[time]\nbase_year = 2025\nhorizon = 2035\n").unwrap();
        c.roster.early_retirement_years = early;
        c
    }

    fn person(year: i32, month: u32, female: bool, flagged: bool) -> Person {
        Person {
            unit: 0,
            cell: Cell {
                group: 0,
                female,
                leader: false,
                trained: true,
            },
            birth: YearMonth { year, month },
            hired: None,
            hired_day: None,
            difficult_15y: flagged,
            left: None,
            left_day: None,
            left_to_retire: false,
        }
    }

    #[test]
    fn early_retirement_applies_only_when_still_ahead() {
        // Woman born 06/1975: statutory 60 in June 2035; 5 years early 52y4m in October 2027.
        assert_eq!(
            retirement_year(&person(1975, 6, true, true), &config(5)),
            (2027, false, true)
        );
        assert_eq!(
            retirement_year(&person(1975, 6, true, false), &config(5)),
            (2035, false, false)
        );
        // Man born 03/1968: 5 years early falls in December 2023, before the roster date; he
        // stayed, so the statutory age applies: 62 in March 2030.
        assert_eq!(
            retirement_year(&person(1968, 3, false, true), &config(5)),
            (2030, false, false)
        );
        // Past the statutory age at the roster date: the first planned year.
        assert_eq!(
            retirement_year(&person(1961, 1, true, false), &config(0)),
            (2026, true, false)
        );
    }
}
