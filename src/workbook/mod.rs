//! `plan.xlsx`: the plan as a workbook for the people who decide, in the run's language,
//! read from the folder's tables alone (the same [`PlanTables`] the CSVs are written from).
//!
//! Five sheets, one module each:
//! 1. [`summary`] (*Tóm tắt / Summary*): the headline figures in sentences, the targets
//!    not met with the limits they ran into, and the charts.
//! 2. [`actions`] (*Việc cần làm / Actions*): per unit and year, what to do, in words, with
//!    the counts beside it.
//! 3. [`targets`] (*Chỉ tiêu / Targets*): every target row of `targets.csv`, with unit names
//!    and what each rule asks.
//! 4. [`costs`] (*Chi phí / Costs*): lever × year, ready to paste into a budget estimate;
//!    the extra cost over no plan; cost by level and kind of unit.
//! 5. [`units`] (*Đơn vị / Units*): each unit's quota, staff and EM share by target year,
//!    its cost and its targets met.
//!
//! `bienche compare` writes `comparison.xlsx` the same way ([`comparison`]).
//!
//! Every table sheet has the scenario (and the illustrative-data notice) in its first row,
//! its headings in the second, frozen, with a filter. Words come from the charts' label
//! table (`src/charts/labels.tsv`, keys `wb_…`). The file's creation date is the charts'
//! footer date (`SOURCE_DATE_EPOCH` when set), so the same inputs give the same bytes.

mod actions;
pub mod actuals;
pub mod comparison;
pub(crate) mod costs;
pub(crate) mod summary;
mod targets;
mod units;

use crate::charts::labels::Labels;
use crate::domain::target::{TargetKind, TargetRow};
use crate::domain::{Level, Rule, UnitKind};
use crate::error::{Error, Result};
use crate::output::contract::PlanTables;
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The workbook's file name in a plan folder.
pub const FILE: &str = "plan.xlsx";

type Xlsx<T> = std::result::Result<T, XlsxError>;

/// Writes `plan.xlsx` into `dir` from `t`, with the charts of `plots` (PNG) on its summary.
pub fn write(dir: &Path, t: &PlanTables, plots: Option<&Path>, l: &Labels) -> Result<()> {
    let path = dir.join(FILE);
    let book = Book::new(t, l);
    let mut wb = Workbook::new();
    let fill = |wb: &mut Workbook| -> Xlsx<()> {
        wb.set_properties(&properties(&book.title)?);
        summary::sheet(wb.add_worksheet(), &book, plots)?;
        actions::sheet(wb.add_worksheet(), &book)?;
        targets::sheet(wb.add_worksheet(), &book)?;
        costs::sheet(wb.add_worksheet(), &book)?;
        units::sheet(wb.add_worksheet(), &book)?;
        wb.save(&path)
    };
    fill(&mut wb).map_err(|e| Error::output(&path, e))
}

/// A recruitment channel in words, or its code where the label table has no words for it.
pub(crate) fn channel_words(l: &Labels, code: &str) -> String {
    l.lookup(&format!("wb_channel_{code}"))
        .unwrap_or(code)
        .to_string()
}

/// A line of `costs.csv` (`salary`, `hiring:exam_em`, …) in words.
pub(crate) fn lever_words(l: &Labels, lever: &str) -> String {
    match lever.split_once(':') {
        Some(("hiring", ch)) => l.get("lever_hiring", &[&channel_words(l, ch)]),
        _ if lever == "hiring" => l.get("lever_hiring_all", &[]),
        _ => l.get(&format!("lever_{lever}"), &[]),
    }
}

/// The workbook's properties: a title, and the charts' footer date as its creation date.
fn properties(title: &str) -> Xlsx<DocProperties> {
    let (y, m, d) = footer_ymd();
    Ok(DocProperties::new()
        .set_title(title)
        .set_author("bienche")
        .set_creation_datetime(&ExcelDateTime::from_ymd(y, m, d)?))
}

/// The charts' footer date as year, month, day.
pub(crate) fn footer_ymd() -> (u16, u8, u8) {
    let date = crate::charts::footer_date();
    let mut parts = date.split('-').map(|p| p.parse::<u32>().unwrap_or(1));
    let y = parts.next().unwrap_or(2026).clamp(1900, 9999) as u16;
    let m = parts.next().unwrap_or(1).clamp(1, 12) as u8;
    let d = parts.next().unwrap_or(1).clamp(1, 31) as u8;
    (y, m, d)
}

/// What every sheet reads: the tables, the words, names and formats.
pub(crate) struct Book<'a> {
    pub t: &'a PlanTables,
    pub l: &'a Labels,
    /// Unit id → (name, kind), from `units.csv`.
    units: BTreeMap<String, (String, UnitKind)>,
    /// Group id → its name in the run's language (Vietnamese names from `groups.csv`).
    groups: BTreeMap<String, String>,
    /// Ethnic-minority groups.
    pub em: BTreeSet<String>,
    /// The scenario's name, with the illustrative-data notice where it applies.
    pub title: String,
    /// The rules and years with a coverage count (`COVERAGE` rows).
    coverage: BTreeSet<(Rule, i32)>,
    pub f: Formats,
    /// The console's templates in the book's language, for the reasons of a missed target
    /// (`summary.json` keeps them in English); `None` in English.
    messages: Option<crate::i18n::Messages>,
}

impl<'a> Book<'a> {
    pub(crate) fn new(t: &'a PlanTables, l: &'a Labels) -> Book<'a> {
        let mut units = BTreeMap::new();
        for u in &t.units {
            units
                .entry(u.unit.clone())
                .or_insert_with(|| (u.name.clone(), u.kind));
        }
        let vi = l.lang() == "vi";
        let groups = t
            .summary
            .groups
            .iter()
            .map(|g| {
                let name = g.name.clone().filter(|_| vi).unwrap_or(g.group.clone());
                (g.group.clone(), name)
            })
            .collect();
        let em = t
            .summary
            .groups
            .iter()
            .filter(|g| g.em)
            .map(|g| g.group.clone())
            .collect();
        let mut title = l.get("wb_title", &[&t.summary.scenario]);
        if t.summary.illustrative {
            title.push_str(" · ");
            title.push_str(&l.get("illustrative", &[]));
        }
        let coverage = t
            .targets
            .iter()
            .filter(|r| r.unit == "COVERAGE")
            .map(|r| (r.rule, r.year))
            .collect();
        let messages = (l.lang() != "en").then(|| crate::i18n::Messages::new(l));
        Book {
            t,
            l,
            messages,
            coverage,
            units,
            groups,
            em,
            title,
            f: Formats::new(),
        }
    }

    /// The limits a missed target ran into, in the book's language.
    pub fn why(&self, why: &[String]) -> String {
        match &self.messages {
            Some(m) => why
                .iter()
                .map(|w| m.translate(w))
                .collect::<Vec<_>>()
                .join("; "),
            None => why.join("; "),
        }
    }

    /// A label of the table.
    pub fn w(&self, key: &str, args: &[&str]) -> String {
        self.l.get(key, args)
    }

    /// A unit's name; the province's and coverage rows' in words; a channel's (I4 rows are
    /// a channel's) as the channel in words; I2's rows over the horizon (`X01/horizon`) as
    /// the unit's name and the horizon in words; an unknown id as it is.
    pub fn unit_name(&self, id: &str) -> String {
        if let Some(unit) = id.strip_suffix(crate::rules::intent::HORIZON) {
            return self.w("wb_over_horizon", &[&self.unit_name(unit)]);
        }
        match id {
            "PROVINCE" => self.w("wb_province", &[]),
            "COVERAGE" => self.w("wb_coverage", &[]),
            _ => self
                .units
                .get(id)
                .map_or_else(|| self.channel_name(id), |(n, _)| n.clone()),
        }
    }

    /// Whether a row of `targets.csv` is a goal rather than a target: the R5 goal, and under
    /// the coverage roadmap each unit's row of a rule and year that has a coverage count
    /// (the count is the target; `evaluate` marks these, the CSV only by the count's row).
    pub fn is_goal(&self, r: &TargetRow) -> bool {
        r.kind == TargetKind::Goal
            || (!matches!(r.unit.as_str(), "PROVINCE" | "COVERAGE")
                && self.coverage.contains(&(r.rule, r.year)))
    }

    pub fn unit_kind(&self, id: &str) -> Option<UnitKind> {
        self.units.get(id).map(|(_, k)| *k)
    }

    pub fn unit_ids(&self) -> impl Iterator<Item = &String> {
        self.units.keys()
    }

    /// A kind of unit in words.
    pub fn kind_name(&self, kind: UnitKind) -> String {
        self.w(&format!("kind_{}", kind.name()), &[])
    }

    pub fn level_name(&self, level: Level) -> String {
        self.w(&format!("wb_level_{}", level.name()), &[])
    }

    pub fn group_name(&self, id: &str) -> String {
        self.groups
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }

    /// A recruitment channel in words, or its code where the table has no words for it.
    pub fn channel_name(&self, code: &str) -> String {
        channel_words(self.l, code)
    }

    /// A line of `costs.csv` (`salary`, `hiring:exam_em`, …) in words.
    pub fn lever_name(&self, lever: &str) -> String {
        lever_words(self.l, lever)
    }

    /// The first rows of a table sheet: the title, then the headings (frozen, with a
    /// filter over `rows` data rows once they are written: see [`Book::close_table`]).
    pub fn open_table(
        &self,
        ws: &mut Worksheet,
        name: &str,
        headings: &[(String, f64)],
    ) -> Xlsx<()> {
        ws.set_name(name)?;
        ws.write_string_with_format(0, 0, &self.title, &self.f.title)?;
        for (c, (h, width)) in headings.iter().enumerate() {
            ws.write_string_with_format(HEAD, c as u16, h, &self.f.head)?;
            ws.set_column_width(c as u16, *width)?;
        }
        ws.set_row_height(HEAD, 45)?;
        ws.set_freeze_panes(HEAD + 1, 0)?;
        ws.set_landscape();
        ws.set_paper_size(9); // A4
        ws.set_print_fit_to_pages(1, 0);
        ws.set_repeat_rows(HEAD, HEAD)?;
        Ok(())
    }

    /// The filter over a table's headings and its `rows` data rows.
    pub fn close_table(&self, ws: &mut Worksheet, rows: u32, cols: u16) -> Xlsx<()> {
        ws.autofilter(HEAD, 0, HEAD + rows.max(1), cols.saturating_sub(1))?;
        Ok(())
    }
}

/// Sets a row tall enough for `text` wrapped at `per_line` characters: spreadsheets do not
/// size rows on opening a file.
pub fn fit_row(ws: &mut Worksheet, row: u32, text: &str, per_line: usize) -> Xlsx<()> {
    let lines = text.chars().count().div_ceil(per_line).max(1);
    if lines > 1 {
        ws.set_row_height(row, 15.0 * lines as f64)?;
    }
    Ok(())
}

/// Million VND as the CSVs write it (three decimals), so that sums show no float noise.
pub fn money(x: f64) -> f64 {
    crate::output::contract::Money::new(x).value()
}

/// The row of a table sheet's headings (0-based; the title is row 0).
pub const HEAD: u32 = 1;

/// The cell formats of the workbook.
pub(crate) struct Formats {
    pub title: Format,
    pub head: Format,
    pub bold: Format,
    pub text: Format,
    pub wrap: Format,
    pub int: Format,
    pub money: Format,
    pub money_bold: Format,
    pub pct: Format,
    pub pct_fine: Format,
    pub warn: Format,
}

/// Every cell at the top of its row, so that a row made tall by wrapped text reads across.
fn top() -> Format {
    Format::new().set_align(FormatAlign::Top)
}

impl Formats {
    fn new() -> Formats {
        let head = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_background_color(Color::RGB(0xDDEBF7))
            .set_border_bottom(FormatBorder::Thin);
        Formats {
            title: Format::new().set_bold().set_font_size(13),
            head,
            bold: Format::new().set_bold(),
            text: top(),
            wrap: top().set_text_wrap(),
            int: top().set_num_format("#,##0"),
            money: top().set_num_format("#,##0.0"),
            money_bold: top().set_num_format("#,##0.0").set_bold(),
            pct: top().set_num_format("0.0%"),
            pct_fine: top().set_num_format("0.0000%"),
            warn: top().set_font_color(Color::RGB(0xC00000)).set_bold(),
        }
    }
}
