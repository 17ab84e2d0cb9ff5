//! `bienche forms PLAN_DIR --year Y --out DIR`: one report form per unit, the workbook each
//! department and commune fills in and returns before 1 November ("Định kỳ trước ngày 01
//! tháng 11 hàng năm các sở, ngành; UBND các xã, phường báo cáo kết quả thực hiện Kế hoạch
//! về UBND tỉnh (qua Sở Nội vụ)", decision VI.7).
//!
//! Each form (`UNIT.xlsx`, in the documents' language) has three sheets:
//! 1. *Hướng dẫn / Instructions*: what to fill in, by when, and what is checked.
//! 2. *Báo cáo / Report*, the one that is filled in:
//!    - the unit, the year, the date the figures are taken at and who filled it in;
//!    - **A**, head-count by cell (group, gender, role, trained): the plan's at the start of
//!      the year (31 December of Y−1) and at its end, and a blank for the head-count on the
//!      report date; five blank rows for cells the plan does not have;
//!    - **B**, what happened since 1 January: the plan's hires (by channel), promotions,
//!      trainings, retirements, leavers, exits and transfers of year Y, each with a blank
//!      for the actual count; ten blank rows for flows the plan does not have;
//!    - **C**, the unit's targets, milestones and intent rows of Y and of every later target
//!      year, to read against.
//! 3. *Danh mục / Lists* (hidden): the choices of the blank rows' drop-downs.
//!
//! Blank cells take whole numbers from 0 (the date: a day of year Y), with a message in the
//! form's language when anything else is typed. The sheet is protected without a password
//! so that the pre-filled cells and the layout stay as written: a hidden column holds each
//! row's key (`A|Thai|F|staff|no`, `B|hire|exam_em|Thai|F|staff|no`; `A+`/`B+` for the blank
//! rows), by which the returned form is read, whatever the words around it.
//!
//! Forms go to the unit they describe and to the Department of Home Affairs: they show the
//! unit's own cells, however small (a cell of one person is a person the unit knows), and
//! are not shareable reports. `forms.json` records the plan the forms come from (the
//! SHA-256 of its `manifest.json`), the year and each form's SHA-256, so that a filled-in
//! form is told apart from a blank one and never replaced without `--force`.

use crate::charts::labels::Labels;
use crate::domain::target::{TargetKind, TargetRow};
use crate::domain::{FlowKind, Gender, Role};
use crate::error::{Error, Result};
use crate::output::contract::{FormFile, FormsManifest, PlanTables};
use crate::workbook::Book;
use rust_xlsxwriter::{
    DataValidation, DataValidationRule, ExcelDateTime, Format, Formula, Workbook, Worksheet,
    XlsxError,
};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

/// The file that marks a folder of forms.
pub const MANIFEST: &str = "forms.json";

/// Blank rows for cells (section A) and flows (section B) the plan does not have.
pub const EXTRA_CELLS: u32 = 5;
pub const EXTRA_FLOWS: u32 = 10;

/// The most people a count cell takes.
const MOST: i32 = 100_000;

/// Rows of the report sheet (0-based): the header block, and where section A starts.
pub const ROW_UNIT: u32 = 2;
pub const ROW_YEAR: u32 = 3;
pub const ROW_DATE: u32 = 4;
pub const ROW_BY: u32 = 5;
const ROW_A: u32 = 7;

/// Columns of the report sheet: the header block's values, the blanks for the actual
/// counts, and the hidden key.
pub const COL_VALUE: u16 = 2;
pub const COL_A_ACTUAL: u16 = 6;
pub const COL_B_ACTUAL: u16 = 7;
pub const COL_KEY: u16 = 9;

type Xlsx<T> = std::result::Result<T, XlsxError>;

/// The command line of `forms`, checked.
pub struct Request<'a> {
    pub plan: &'a Path,
    pub year: i32,
    pub out: &'a Path,
    pub lang: &'a str,
    pub force: bool,
}

/// Writes the forms of every unit of the plan in `r.plan` for `r.year` into `r.out`; the
/// files written.
pub fn run(r: &Request) -> Result<Vec<String>> {
    let labels = Labels::new(r.lang)?;
    let tables = crate::output::read::plan(r.plan)?;
    let (first, last) = (tables.summary.base_year + 1, tables.summary.horizon);
    if !(first..=last).contains(&r.year) {
        return Err(Error::Usage(format!(
            "--year {}: expected a year the plan covers, from {first} to {last}",
            r.year
        )));
    }
    outside(r.out, r.plan)?;
    crate::output::folder::check_out(&crate::output::folder::Out {
        path: r.out,
        kind: crate::output::folder::Kind::Forms,
        inputs: &[r.plan.to_path_buf()],
        force: r.force,
    })?;
    let plan_manifest_sha256 = manifest_sha256(r.plan)?;
    let book = Book::new(&tables, &labels);
    let units: Vec<String> = book.unit_ids().cloned().collect();
    let shared = Shared {
        lists: Lists::of(&book),
        planned: Planned::of(&tables, r.year),
        book,
    };
    let mut files = Vec::new();
    crate::output::write_folder(r.out, |dir| {
        let mut forms = Vec::new();
        let mut taken = std::collections::BTreeSet::new();
        for unit in &units {
            // Two ids may give one file name (`Đ01`, `Ư01`): the later gets a number.
            let stem = file_stem(unit);
            let mut file = format!("{stem}.xlsx");
            let mut n = 2;
            while !taken.insert(file.to_lowercase()) {
                file = format!("{stem}_{n}.xlsx");
                n += 1;
            }
            let path = dir.join(&file);
            write_form(&path, &shared, unit, r.year).map_err(|e| Error::output(&path, e))?;
            let bytes = std::fs::read(&path).map_err(|e| Error::output(&path, e))?;
            forms.push(FormFile {
                unit: unit.clone(),
                file: file.clone(),
                sha256: format!("{:x}", Sha256::digest(&bytes)),
            });
            files.push(file);
        }
        let manifest = FormsManifest {
            bienche_version: env!("CARGO_PKG_VERSION").to_string(),
            command: "forms".into(),
            scenario: tables.summary.scenario.clone(),
            plan_manifest_sha256,
            year: r.year,
            lang: r.lang.to_string(),
            forms,
        };
        crate::output::write::json(dir, MANIFEST, &manifest)
    })?;
    Ok(files)
}

/// SHA-256 of a plan folder's `manifest.json`: what forms, actuals and re-plans name their
/// plan by.
pub fn manifest_sha256(plan: &Path) -> Result<String> {
    let path = plan.join("manifest.json");
    let bytes = std::fs::read(&path).map_err(|e| Error::unreadable(&path, e.to_string()))?;
    Ok(format!("{:x}", Sha256::digest(&bytes)))
}

/// Refuses an output folder inside `folder` (an input that another command replaces whole,
/// taking the output with it).
pub fn outside(out: &Path, folder: &Path) -> Result<()> {
    use crate::output::folder::absolute;
    if let (Some(o), Some(f)) = (absolute(out), absolute(folder)) {
        if o != f && o.starts_with(&f) {
            return Err(Error::Usage(format!(
                "--out {}: it is inside {}, an input of this command; choose a folder outside it",
                out.display(),
                folder.display()
            )));
        }
    }
    Ok(())
}

/// A unit id as a file name: letters, digits, `-` and `_` kept, anything else `_`.
pub fn file_stem(unit: &str) -> String {
    unit.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A cell of a unit: group, gender, role, trained.
pub(crate) type Cell = (String, Gender, Role, bool);

/// A cell's key: `group|gender|role|trained`.
pub(crate) fn cell_key((group, gender, role, trained): &Cell) -> String {
    format!(
        "{group}|{}|{}|{}",
        gender.name(),
        role.name(),
        if *trained { "yes" } else { "no" }
    )
}

/// The plan's figures of every form row, from the plan's tables as `bienche forms` writes
/// them: a cell's head-count at the start and end of the year (where either is not 0), and
/// each flow of the year by kind, a hire's channel or a transfer's other unit, and cell.
pub(crate) struct Planned {
    pub stocks: BTreeMap<(String, Cell), [u32; 2]>,
    pub flows: BTreeMap<(String, FlowKind, String, Cell), u32>,
}

impl Planned {
    pub(crate) fn of(t: &PlanTables, year: i32) -> Planned {
        let mut stocks: BTreeMap<(String, Cell), [u32; 2]> = BTreeMap::new();
        for r in &t.trajectory {
            let at = if r.year == year - 1 {
                0
            } else if r.year == year {
                1
            } else {
                continue;
            };
            let cell = (r.group.clone(), r.gender, r.role, r.trained);
            stocks.entry((r.unit.clone(), cell)).or_default()[at] += r.headcount;
        }
        stocks.retain(|_, v| *v != [0, 0]);
        let mut flows = BTreeMap::new();
        for r in t.flows.iter().filter(|r| r.year == year) {
            let via = if r.channel.is_empty() {
                r.counterpart.clone()
            } else {
                r.channel.clone()
            };
            let cell = (r.group.clone(), r.gender, r.role, r.trained);
            *flows
                .entry((r.unit.clone(), r.flow, via, cell))
                .or_default() += r.count;
        }
        Planned { stocks, flows }
    }
}

/// The formats of a form: those of `plan.xlsx`, and the cells to fill in (unlocked,
/// shaded).
struct Inputs {
    count: Format,
    date: Format,
    text: Format,
    locked_int: Format,
}

impl Inputs {
    fn new() -> Inputs {
        let fill = || {
            Format::new()
                .set_unlocked()
                .set_background_color(rust_xlsxwriter::Color::RGB(0xFFF2CC))
                .set_border(rust_xlsxwriter::FormatBorder::Thin)
        };
        Inputs {
            count: fill().set_num_format("#,##0"),
            date: fill().set_num_format("dd/mm/yyyy"),
            text: fill(),
            locked_int: Format::new().set_num_format("#,##0"),
        }
    }
}

/// What every form of a run reads: the plan's words, its figures of the year, the lists.
struct Shared<'a> {
    book: Book<'a>,
    planned: Planned,
    lists: Lists,
}

fn write_form(path: &Path, shared: &Shared, unit: &str, year: i32) -> Xlsx<()> {
    let (book, lists) = (&shared.book, &shared.lists);
    let mut wb = Workbook::new();
    let (y, m, d) = crate::workbook::footer_ymd();
    wb.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_title(book.w(
                "fm_title",
                &[&year.to_string(), &book.unit_name(unit), unit],
            ))
            .set_author("bienche")
            .set_creation_datetime(&ExcelDateTime::from_ymd(y, m, d)?),
    );
    instructions(wb.add_worksheet(), book, unit, year)?;
    report(wb.add_worksheet(), book, unit, year, shared)?;
    lists.sheet(wb.add_worksheet(), book)?;
    wb.save(path)
}

fn instructions(ws: &mut Worksheet, book: &Book, unit: &str, year: i32) -> Xlsx<()> {
    let y = year.to_string();
    ws.set_name(book.w("fm_sheet_instructions", &[]))?;
    ws.set_column_width(0, 100)?;
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    let wrap = Format::new()
        .set_text_wrap()
        .set_align(rust_xlsxwriter::FormatAlign::Top);
    ws.write_string_with_format(
        0,
        0,
        book.w("fm_title", &[&y, &book.unit_name(unit), unit]),
        &book.f.title,
    )?;
    ws.write_string(1, 0, &book.title)?;
    let mut lines: Vec<String> = vec![
        book.w("fm_i_send", &[&y]),
        book.w("fm_i_date", &[&y]),
        book.w("fm_i_a", &[]),
        book.w("fm_i_b", &[&y]),
        book.w("fm_i_extra", &[]),
        book.w("fm_i_check", &[]),
        book.w("fm_i_layout", &[]),
        book.w("fm_i_c", &[&y]),
        book.w("fm_i_private", &[]),
    ];
    if book.t.summary.illustrative {
        lines.push(book.w("illustrative", &[]));
    }
    for (i, line) in lines.iter().enumerate() {
        let row = 3 + i as u32;
        ws.write_string_with_format(row, 0, line, &wrap)?;
        crate::workbook::fit_row(ws, row, line, 95)?;
    }
    Ok(())
}

/// The choices of the blank rows' drop-downs, in the form's words, on a hidden sheet.
struct Lists {
    columns: Vec<Vec<String>>,
}

impl Lists {
    const GROUP: usize = 0;
    const GENDER: usize = 1;
    const ROLE: usize = 2;
    const YES_NO: usize = 3;
    const FLOW: usize = 4;
    const CHANNEL: usize = 5;

    fn of(book: &Book) -> Lists {
        let groups = book
            .t
            .summary
            .groups
            .iter()
            .map(|g| book.group_name(&g.group))
            .collect();
        let mut channels: Vec<String> = book
            .t
            .flows
            .iter()
            .filter(|f| f.flow == FlowKind::Hire)
            .map(|f| f.channel.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .map(|c| book.channel_name(&c))
            .collect();
        channels.insert(0, String::new());
        Lists {
            columns: vec![
                groups,
                [Gender::Female, Gender::Male]
                    .iter()
                    .map(|g| gender(book, *g))
                    .collect(),
                [Role::Staff, Role::Leader]
                    .iter()
                    .map(|r| role(book, *r))
                    .collect(),
                vec![book.w("wb_yes", &[]), book.w("wb_no", &[])],
                FLOWS.iter().map(|f| flow(book, *f)).collect(),
                channels,
            ],
        }
    }

    fn sheet(&self, ws: &mut Worksheet, book: &Book) -> Xlsx<()> {
        ws.set_name(book.w("fm_sheet_lists", &[]))?;
        for (c, column) in self.columns.iter().enumerate() {
            for (r, v) in column.iter().enumerate() {
                ws.write_string(r as u32, c as u16, v)?;
            }
        }
        ws.set_hidden(true);
        Ok(())
    }

    /// A drop-down of list `which`.
    fn validation(&self, book: &Book, which: usize) -> Xlsx<DataValidation> {
        let col = (b'A' + which as u8) as char;
        let n = self.columns[which].len().max(1);
        let sheet = book.w("fm_sheet_lists", &[]);
        DataValidation::new()
            .allow_list_formula(Formula::new(format!("='{sheet}'!${col}$1:${col}${n}")))
            .set_error_title(book.w("fm_v_title", &[]))?
            .set_error_message(book.w("fm_v_list", &[]))
    }
}

/// The flows of section B, in the order they are listed.
pub const FLOWS: [FlowKind; 9] = [
    FlowKind::Hire,
    FlowKind::StepDown,
    FlowKind::Promote,
    FlowKind::Train,
    FlowKind::TransferIn,
    FlowKind::Retire,
    FlowKind::Attrition,
    FlowKind::Exit,
    FlowKind::TransferOut,
];

fn gender(book: &Book, g: Gender) -> String {
    book.w(&format!("fm_gender_{}", g.name()), &[])
}

fn role(book: &Book, r: Role) -> String {
    book.w(&format!("fm_role_{}", r.name()), &[])
}

fn flow(book: &Book, f: FlowKind) -> String {
    book.w(&format!("fm_flow_{}", f.name()), &[])
}

fn yes_no(book: &Book, b: bool) -> String {
    book.w(if b { "wb_yes" } else { "wb_no" }, &[])
}

fn report(ws: &mut Worksheet, book: &Book, unit: &str, year: i32, shared: &Shared) -> Xlsx<()> {
    let (planned, lists) = (&shared.planned, &shared.lists);
    let inputs = Inputs::new();
    let f = &book.f;
    let y = year.to_string();
    ws.set_name(book.w("fm_sheet_report", &[]))?;
    // Sections A and B share their first four columns (the cell); A's counts and B's
    // change and channel follow.
    for (c, width) in [14.0, 9.0, 26.0, 14.0, 26.0, 28.0, 15.0, 15.0]
        .iter()
        .enumerate()
    {
        ws.set_column_width(c as u16, *width)?;
    }
    ws.write_string_with_format(
        0,
        0,
        book.w("fm_title", &[&y, &book.unit_name(unit), unit]),
        &f.title,
    )?;
    ws.write_string(1, 0, &book.title)?;
    // The header block: a label over the first two columns, its value in the third.
    let left = Format::new().set_align(rust_xlsxwriter::FormatAlign::Left);
    ws.write_string_with_format(ROW_UNIT, 0, book.w("fm_unit", &[]), &f.bold)?;
    ws.write_string(ROW_UNIT, COL_VALUE, unit)?;
    ws.write_string(ROW_UNIT, COL_VALUE + 1, book.unit_name(unit))?;
    ws.write_string_with_format(ROW_YEAR, 0, book.w("fm_year", &[]), &f.bold)?;
    ws.write_number_with_format(ROW_YEAR, COL_VALUE, year, &left)?;
    ws.write_string_with_format(ROW_DATE, 0, book.w("fm_date", &[]), &f.bold)?;
    ws.write_blank(ROW_DATE, COL_VALUE, &inputs.date)?;
    ws.write_string(ROW_DATE, COL_VALUE + 1, book.w("fm_date_hint", &[&y]))?;
    let y16 = year.clamp(1900, 9999) as u16;
    ws.add_data_validation(
        ROW_DATE,
        COL_VALUE,
        ROW_DATE,
        COL_VALUE,
        &DataValidation::new()
            .allow_date(DataValidationRule::Between(
                ExcelDateTime::from_ymd(y16, 1, 1)?,
                ExcelDateTime::from_ymd(y16, 12, 31)?,
            ))
            .set_error_title(book.w("fm_v_title", &[]))?
            .set_error_message(book.w("fm_v_date", &[&y]))?,
    )?;
    ws.write_string_with_format(ROW_BY, 0, book.w("fm_by", &[]), &f.bold)?;
    ws.write_blank(ROW_BY, COL_VALUE, &inputs.text)?;
    let counts = DataValidation::new()
        .allow_whole_number(DataValidationRule::Between(0, MOST))
        .set_error_title(book.w("fm_v_title", &[]))?
        .set_error_message(book.w("fm_v_count", &[]))?;
    let keyed = |ws: &mut Worksheet, row: u32, key: &str| -> Xlsx<()> {
        ws.write_string(row, COL_KEY, key)?;
        Ok(())
    };

    // A: head-count by cell.
    let mut row = ROW_A;
    ws.write_string_with_format(row, 0, book.w("fm_section_a", &[]), &f.title)?;
    row += 1;
    let heads_a = [
        book.w("fm_h_group", &[]),
        book.w("fm_h_gender", &[]),
        book.w("fm_h_role", &[]),
        book.w("fm_h_trained", &[]),
        book.w("fm_h_start", &[&(year - 1).to_string()]),
        book.w("fm_h_end", &[&y]),
        book.w("fm_h_actual_stock", &[]),
    ];
    heading(ws, book, row, &heads_a)?;
    ws.write_string_with_format(row, COL_KEY, book.w("fm_h_key", &[]), &f.head)?;
    row += 1;
    let first_a = row;
    for ((_, cell), [start, end]) in planned.stocks.iter().filter(|((u, _), _)| u == unit) {
        let (group, g, r, trained) = cell;
        ws.write_string(row, 0, book.group_name(group))?;
        ws.write_string(row, 1, gender(book, *g))?;
        ws.write_string(row, 2, role(book, *r))?;
        ws.write_string(row, 3, yes_no(book, *trained))?;
        ws.write_number_with_format(row, 4, *start, &inputs.locked_int)?;
        ws.write_number_with_format(row, 5, *end, &inputs.locked_int)?;
        ws.write_blank(row, COL_A_ACTUAL, &inputs.count)?;
        keyed(ws, row, &format!("A|{}", cell_key(cell)))?;
        row += 1;
    }
    if row > first_a {
        ws.add_data_validation(first_a, COL_A_ACTUAL, row - 1, COL_A_ACTUAL, &counts)?;
    }
    let cell_lists = [Lists::GROUP, Lists::GENDER, Lists::ROLE, Lists::YES_NO];
    row = blank_rows(
        ws,
        book,
        lists,
        row,
        Blank {
            rows: EXTRA_CELLS,
            key: "A+",
            choices: &cell_lists,
            actual: COL_A_ACTUAL,
            counts: &counts,
        },
    )?;

    // B: flows since 1 January.
    row += 1;
    ws.write_string_with_format(row, 0, book.w("fm_section_b", &[&y]), &f.title)?;
    row += 1;
    let heads_b = [
        book.w("fm_h_group", &[]),
        book.w("fm_h_gender", &[]),
        book.w("fm_h_role", &[]),
        book.w("fm_h_trained_before", &[]),
        book.w("fm_h_flow", &[]),
        book.w("fm_h_channel", &[]),
        book.w("fm_h_planned", &[&y]),
        book.w("fm_h_actual_flow", &[]),
    ];
    heading(ws, book, row, &heads_b)?;
    ws.write_string_with_format(row, COL_KEY, book.w("fm_h_key", &[]), &f.head)?;
    row += 1;
    // In the order of FLOWS, then by channel or other unit and cell.
    let mut flows: Vec<(usize, &String, &Cell, u32)> = planned
        .flows
        .iter()
        .filter(|((u, ..), _)| u == unit)
        .map(|((_, kind, via, cell), n)| {
            let order = FLOWS.iter().position(|k| k == kind).unwrap_or(FLOWS.len());
            (order, via, cell, *n)
        })
        .collect();
    flows.sort();
    let first_b = row;
    for (order, channel, cell, count) in flows {
        let kind = FLOWS[order];
        let (group, g, r, trained) = cell;
        ws.write_string(row, 0, book.group_name(group))?;
        ws.write_string(row, 1, gender(book, *g))?;
        ws.write_string(row, 2, role(book, *r))?;
        ws.write_string(row, 3, yes_no(book, *trained))?;
        ws.write_string(row, 4, flow(book, kind))?;
        match kind {
            FlowKind::Hire => ws.write_string(row, 5, book.channel_name(channel))?,
            _ if !channel.is_empty() => ws.write_string(row, 5, book.unit_name(channel))?,
            _ => ws,
        };
        ws.write_number_with_format(row, 6, count, &inputs.locked_int)?;
        ws.write_blank(row, COL_B_ACTUAL, &inputs.count)?;
        keyed(
            ws,
            row,
            &format!("B|{}|{channel}|{}", kind.name(), cell_key(cell)),
        )?;
        row += 1;
    }
    if row > first_b {
        ws.add_data_validation(first_b, COL_B_ACTUAL, row - 1, COL_B_ACTUAL, &counts)?;
    }
    let flow_lists = [
        Lists::GROUP,
        Lists::GENDER,
        Lists::ROLE,
        Lists::YES_NO,
        Lists::FLOW,
        Lists::CHANNEL,
    ];
    row = blank_rows(
        ws,
        book,
        lists,
        row,
        Blank {
            rows: EXTRA_FLOWS,
            key: "B+",
            choices: &flow_lists,
            actual: COL_B_ACTUAL,
            counts: &counts,
        },
    )?;

    // C: the unit's targets of Y and of the target years, to read against.
    row += 1;
    ws.write_string_with_format(row, 0, book.w("fm_section_c", &[]), &f.title)?;
    row += 1;
    let heads_c = [
        book.w("wb_h_rule", &[]),
        book.w("wb_h_year", &[]),
        book.w("wb_h_asks", &[]),
        book.w("wb_h_required", &[]),
        book.w("fm_h_plan_achieves", &[]),
        book.w("wb_h_kind", &[]),
        book.w("wb_h_result", &[]),
    ];
    heading(ws, book, row, &heads_c)?;
    row += 1;
    let target_years: Vec<i32> = book
        .t
        .targets
        .iter()
        .filter(|t| t.kind == TargetKind::Target)
        .map(|t| t.year)
        .collect();
    let shown = |t: &&TargetRow| {
        t.unit == unit
            && t.kind != TargetKind::Goal
            && (t.year == year || (target_years.contains(&t.year) && t.year >= year))
    };
    let mut rows: Vec<&TargetRow> = book.t.targets.iter().filter(shown).collect();
    rows.sort_by_key(|t| (t.year, t.rule));
    for t in rows {
        let asks = book.w(&format!("wb_rule_{}", t.rule.name()), &[]);
        ws.write_string_with_format(row, 0, t.rule.name(), &f.text)?;
        ws.write_number_with_format(row, 1, t.year, &f.text)?;
        ws.write_string_with_format(row, 2, &asks, &f.wrap)?;
        crate::workbook::fit_row(ws, row, &asks, 28)?;
        ws.write_number_with_format(row, 3, t.required, &f.int)?;
        ws.write_number_with_format(row, 4, t.achieved, &f.int)?;
        ws.write_string_with_format(
            row,
            5,
            book.w(&format!("wb_kind_{}", t.kind.name()), &[]),
            &f.wrap,
        )?;
        let result = if t.met { "wb_met" } else { "wb_missed" };
        ws.write_string_with_format(
            row,
            6,
            book.w(result, &[]),
            if t.met { &f.text } else { &f.warn },
        )?;
        row += 1;
    }
    ws.set_column_hidden(COL_KEY)?;
    ws.protect();
    ws.set_active(true);
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// Blank rows for what the plan does not have: a drop-down in each of the first columns
/// (`choices`), a count in `actual`, the row key `key`.
struct Blank<'a> {
    rows: u32,
    key: &'a str,
    choices: &'a [usize],
    actual: u16,
    counts: &'a DataValidation,
}

/// Writes `b.rows` blank rows from `row`; the row after them.
fn blank_rows(ws: &mut Worksheet, book: &Book, lists: &Lists, row: u32, b: Blank) -> Xlsx<u32> {
    let input = Inputs::new();
    let last = row + b.rows - 1;
    for r in row..=last {
        for c in 0..b.choices.len() as u16 {
            ws.write_blank(r, c, &input.text)?;
        }
        ws.write_blank(r, b.actual, &input.count)?;
        ws.write_string(r, COL_KEY, b.key)?;
    }
    for (c, list) in b.choices.iter().enumerate() {
        ws.add_data_validation(
            row,
            c as u16,
            last,
            c as u16,
            &lists.validation(book, *list)?,
        )?;
    }
    ws.add_data_validation(row, b.actual, last, b.actual, b.counts)?;
    Ok(last + 1)
}

fn heading(ws: &mut Worksheet, book: &Book, row: u32, heads: &[String]) -> Xlsx<()> {
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, h, &book.f.head)?;
    }
    ws.set_row_height(row, 45)?;
    Ok(())
}
