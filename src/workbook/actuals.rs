//! `report.xlsx` of `bienche actuals`: the compiled report the Department of Home Affairs
//! sends up (decision VI.7), in the run's language, from the compiled forms alone.
//!
//! Three sheets:
//! 1. *Tổng hợp / Summary*: the forms compiled and the report dates; the head-counts of the
//!    compiled units (all staff, EM staff, EM women, EM leaders, EM women leaders, trained EM
//!    staff) at the start of the year and the end in the plan, and on the report date; the
//!    hires in the plan and since 1 January; and, per rule, how many units are behind, on
//!    track or ahead (`rule_status.csv`).
//! 2. *Theo chỉ tiêu / By rule*: every row of `rule_status.csv` with the unit's name and what
//!    the rule asks.
//! 3. *Chưa tổng hợp / Not compiled*: each unit whose form had a problem or did not come.
//!
//! An actual count of 1 or 2 people is shown as "<3" unless `--show-small` (the report is
//! shared beyond the Department); the plan's figures and the requirements are not people
//! and are shown as they are (so a "<3" beside them can still be read off: simple
//! suppression, not disclosure control).

use super::{Book, Xlsx, HEAD};
use crate::charts::labels::Labels;
use crate::domain::target::Who;
use crate::domain::FlowKind;
use crate::error::{Error, Result};
use crate::output::contract::{
    ActualFlowRow, ActualStockRow, ActualsSummary, PlanTables, RuleStatusRow, Status,
};
use rust_xlsxwriter::{Format, Workbook, Worksheet};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The report's file name in an actuals folder.
pub const FILE: &str = "report.xlsx";

/// What the report is made from.
pub struct Compiled<'a> {
    pub summary: &'a ActualsSummary,
    pub stocks: &'a [ActualStockRow],
    pub flows: &'a [ActualFlowRow],
    pub status: &'a [RuleStatusRow],
    /// Units whose form came with a problem (the other units not compiled sent none).
    pub problem_units: BTreeSet<String>,
    pub show_small: bool,
    /// Whether the requirements of a target year were recomputed on the actual staff.
    pub recomputed: bool,
}

pub fn write(dir: &Path, t: &PlanTables, l: &Labels, c: &Compiled) -> Result<()> {
    let path = dir.join(FILE);
    let book = Book::new(t, l);
    let mut wb = Workbook::new();
    let fill = |wb: &mut Workbook| -> Xlsx<()> {
        wb.set_properties(&super::properties(&book.title)?);
        summary(wb.add_worksheet(), &book, c)?;
        by_rule(wb.add_worksheet(), &book, c)?;
        not_compiled(wb.add_worksheet(), &book, c)?;
        wb.save(&path)
    };
    fill(&mut wb).map_err(|e| Error::output(&path, e))
}

/// A count of real people as the report shows it: "<3" for 1 or 2 unless asked.
fn people(ws: &mut Worksheet, row: u32, col: u16, n: u32, c: &Compiled, f: &Format) -> Xlsx<()> {
    if (1..3).contains(&n) && !c.show_small {
        ws.write_string_with_format(
            row,
            col,
            "<3",
            &f.clone().set_align(rust_xlsxwriter::FormatAlign::Right),
        )?;
    } else {
        ws.write_number_with_format(row, col, n, f)?;
    }
    Ok(())
}

/// `2026-11-01` as `01/11/2026`, the way the forms ask for dates.
pub(crate) fn day_month_year(iso: &str) -> String {
    let p: Vec<&str> = iso.split('-').collect();
    match p[..] {
        [y, m, d] => format!("{d}/{m}/{y}"),
        _ => iso.to_string(),
    }
}

fn status_word(b: &Book, s: Status) -> String {
    b.w(&format!("ac_status_{}", s.name()), &[])
}

fn summary(ws: &mut Worksheet, b: &Book, c: &Compiled) -> Xlsx<()> {
    let s = c.summary;
    let y = s.year.to_string();
    ws.set_name(b.w("ac_sheet_summary", &[]))?;
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_column_width(0, 44)?;
    for col in 1..=4 {
        ws.set_column_width(col, 16)?;
    }
    ws.write_string_with_format(0, 0, &b.title, &b.f.title)?;
    ws.write_string_with_format(1, 0, b.w("ac_title", &[&y]), &b.f.title)?;
    let mut row = 3;
    let from_roster = !s.roster.is_empty();
    let compiled = if from_roster {
        b.w(
            "ac_compiled_roster",
            &[
                &s.compiled.to_string(),
                &s.units.to_string(),
                &s.roster,
                &day_month_year(&s.as_of),
            ],
        )
    } else {
        b.w(
            "ac_compiled",
            &[
                &s.compiled.to_string(),
                &s.units.to_string(),
                &s.forms_found.to_string(),
            ],
        )
    };
    let lines = [
        compiled,
        if s.compiled > 0 && !from_roster {
            b.w(
                "ac_dates",
                &[
                    &day_month_year(&s.earliest_date),
                    &day_month_year(&s.latest_date),
                ],
            )
        } else {
            String::new()
        },
        b.w(
            if from_roster {
                "ac_measured_roster"
            } else {
                "ac_measured"
            },
            &[&y],
        ),
        if from_roster {
            b.w("ac_roster_flows", &[])
        } else {
            String::new()
        },
    ];
    for line in lines.iter().filter(|l| !l.is_empty()) {
        ws.write_string(row, 0, line)?;
        row += 1;
    }
    if b.t.summary.illustrative {
        ws.write_string_with_format(row, 0, b.w("illustrative", &[]), &b.f.warn)?;
        row += 1;
    }

    // Head-counts of the compiled units.
    row += 1;
    let em: BTreeSet<&str> = b.em.iter().map(String::as_str).collect();
    let heads = [
        b.w("ac_h_who", &[]),
        b.w("fm_h_start", &[&(s.year - 1).to_string()]),
        b.w("fm_h_end", &[&y]),
        b.w("fm_h_actual_stock", &[]),
    ];
    for (col, h) in heads.iter().enumerate() {
        ws.write_string_with_format(row, col as u16, h, &b.f.head)?;
    }
    ws.set_row_height(row, 45)?;
    row += 1;
    let whos = [
        (Who::All, "ac_who_all"),
        (Who::Em, "ac_who_em"),
        (Who::EmWomen, "ac_who_em_women"),
        (Who::EmLeaders, "ac_who_em_leaders"),
        (Who::EmWomenLeaders, "ac_who_em_women_leaders"),
        (Who::EmTrained, "ac_who_em_trained"),
    ];
    for (who, key) in whos {
        let mut sums = [0u32; 3];
        for r in c
            .stocks
            .iter()
            .filter(|r| crate::actuals::counts(who, &em, r))
        {
            sums[0] += r.plan_start;
            sums[1] += r.plan_end;
            sums[2] += r.actual;
        }
        ws.write_string(row, 0, b.w(key, &[]))?;
        ws.write_number_with_format(row, 1, sums[0], &b.f.int)?;
        ws.write_number_with_format(row, 2, sums[1], &b.f.int)?;
        people(ws, row, 3, sums[2], c, &b.f.int)?;
        row += 1;
    }

    // Hires.
    row += 1;
    let heads = [
        b.w("ac_h_hires", &[]),
        b.w("fm_h_planned", &[&y]),
        b.w("fm_h_actual_flow", &[]),
    ];
    for (col, h) in heads.iter().enumerate() {
        ws.write_string_with_format(row, col as u16, h, &b.f.head)?;
    }
    ws.set_row_height(row, 30)?;
    row += 1;
    for (em_only, key) in [(false, "ac_hires_all"), (true, "ac_hires_em")] {
        let (mut plan, mut actual) = (0, 0);
        for r in c
            .flows
            .iter()
            .filter(|r| r.flow == FlowKind::Hire && (!em_only || em.contains(r.group.as_str())))
        {
            plan += r.plan;
            actual += r.actual;
        }
        ws.write_string(row, 0, b.w(key, &[]))?;
        ws.write_number_with_format(row, 1, plan, &b.f.int)?;
        people(ws, row, 2, actual, c, &b.f.int)?;
        row += 1;
    }

    // Units behind, on track and ahead, by rule.
    row += 1;
    let heads = [
        b.w("wb_h_asks", &[]),
        status_word(b, Status::Behind),
        status_word(b, Status::OnTrack),
        status_word(b, Status::Ahead),
    ];
    for (col, h) in heads.iter().enumerate() {
        ws.write_string_with_format(row, col as u16, h, &b.f.head)?;
    }
    ws.set_row_height(row, 30)?;
    row += 1;
    let mut tally: BTreeMap<crate::domain::Rule, [u32; 3]> = BTreeMap::new();
    for r in c.status {
        let i = match r.status {
            Status::Behind => 0,
            Status::OnTrack => 1,
            Status::Ahead => 2,
        };
        tally.entry(r.rule).or_default()[i] += 1;
    }
    for (rule, counts) in tally {
        let asks = format!(
            "{}: {}",
            rule.name(),
            b.w(&format!("wb_rule_{}", rule.name()), &[])
        );
        ws.write_string_with_format(row, 0, &asks, &b.f.wrap)?;
        super::fit_row(ws, row, &asks, 44)?;
        for (i, n) in counts.iter().enumerate() {
            let f = if i == 0 && *n > 0 {
                &b.f.warn
            } else {
                &b.f.int
            };
            ws.write_number_with_format(row, 1 + i as u16, *n, f)?;
        }
        row += 1;
    }
    if !c.show_small {
        ws.write_string(row + 1, 0, b.w("ac_small", &[]))?;
    }
    let footnote = if c.recomputed {
        "ac_required_of_actual"
    } else {
        "ac_required_of_plan"
    };
    ws.write_string(row + 2, 0, b.w(footnote, &[]))?;
    ws.set_active(true);
    Ok(())
}

fn by_rule(ws: &mut Worksheet, b: &Book, c: &Compiled) -> Xlsx<()> {
    let y = c.summary.year.to_string();
    let headings: Vec<(String, f64)> = vec![
        (b.w("wb_h_code", &[]), 8.0),
        (b.w("wb_h_unit", &[]), 26.0),
        (b.w("wb_h_rule", &[]), 8.0),
        (b.w("wb_h_asks", &[]), 40.0),
        (b.w("wb_h_kind", &[]), 18.0),
        (b.w("wb_h_required", &[]), 10.0),
        (b.w("fm_h_end", &[&y]), 14.0),
        (b.w("fm_h_actual_stock", &[]), 14.0),
        (b.w("ac_h_status", &[]), 14.0),
    ];
    b.open_table(ws, &b.w("ac_sheet_by_rule", &[]), &headings)?;
    let mut row = HEAD + 1;
    for r in c.status {
        ws.write_string_with_format(row, 0, &r.unit, &b.f.text)?;
        ws.write_string_with_format(row, 1, b.unit_name(&r.unit), &b.f.text)?;
        ws.write_string_with_format(row, 2, r.rule.name(), &b.f.text)?;
        let asks = b.w(&format!("wb_rule_{}", r.rule.name()), &[]);
        ws.write_string_with_format(row, 3, &asks, &b.f.wrap)?;
        super::fit_row(ws, row, &asks, 40)?;
        ws.write_string_with_format(
            row,
            4,
            b.w(&format!("wb_kind_{}", r.kind.name()), &[]),
            &b.f.wrap,
        )?;
        ws.write_number_with_format(row, 5, r.required, &b.f.int)?;
        ws.write_number_with_format(row, 6, r.plan, &b.f.int)?;
        people(ws, row, 7, r.actual, c, &b.f.int)?;
        let f = if r.status == Status::Behind {
            &b.f.warn
        } else {
            &b.f.text
        };
        ws.write_string_with_format(row, 8, status_word(b, r.status), f)?;
        row += 1;
    }
    b.close_table(ws, row - HEAD - 1, headings.len() as u16)
}

fn not_compiled(ws: &mut Worksheet, b: &Book, c: &Compiled) -> Xlsx<()> {
    let headings: Vec<(String, f64)> = vec![
        (b.w("wb_h_code", &[]), 8.0),
        (b.w("wb_h_unit", &[]), 30.0),
        (b.w("ac_h_why", &[]), 50.0),
    ];
    b.open_table(ws, &b.w("ac_sheet_missing", &[]), &headings)?;
    let mut row = HEAD + 1;
    for unit in &c.summary.missing {
        ws.write_string_with_format(row, 0, unit, &b.f.text)?;
        ws.write_string_with_format(row, 1, b.unit_name(unit), &b.f.text)?;
        let why = match (c.problem_units.contains(unit), c.summary.roster.is_empty()) {
            (true, true) => "ac_why_problem",
            (false, true) => "ac_why_missing",
            (true, false) => "ac_why_problem_roster",
            (false, false) => "ac_why_not_in_roster",
        };
        ws.write_string_with_format(row, 2, b.w(why, &[]), &b.f.text)?;
        row += 1;
    }
    b.close_table(ws, row - HEAD - 1, headings.len() as u16)
}
