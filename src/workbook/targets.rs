//! *Chỉ tiêu / Targets*: every row of `targets.csv`, with the unit's name, what the rule
//! asks in words, the kind of row, met or not in words, and the chance of meeting it.

use super::{Book, Xlsx, HEAD};
use rust_xlsxwriter::Worksheet;

pub(super) fn sheet(ws: &mut Worksheet, b: &Book) -> Xlsx<()> {
    let headings: Vec<(String, f64)> = [
        ("wb_h_code", 10.0),
        ("wb_h_unit", 24.0),
        ("wb_h_rule", 7.0),
        ("wb_h_asks", 44.0),
        ("wb_h_year", 7.0),
        ("wb_h_kind", 14.0),
        ("wb_h_required", 9.0),
        ("wb_h_achieved", 9.0),
        ("wb_h_short", 7.0),
        ("wb_h_result", 11.0),
        ("wb_h_p_met", 10.0),
        ("wb_h_margin", 10.0),
    ]
    .iter()
    .map(|(k, w)| (b.w(k, &[]), *w))
    .collect();
    b.open_table(ws, &b.w("wb_sheet_targets", &[]), &headings)?;
    let (met, missed) = (b.w("wb_met", &[]), b.w("wb_missed", &[]));
    let mut row = HEAD + 1;
    for r in &b.t.targets {
        let rule = r.rule.name();
        ws.write_string_with_format(row, 0, &r.unit, &b.f.text)?;
        ws.write_string_with_format(row, 1, b.unit_name(&r.unit), &b.f.text)?;
        ws.write_string_with_format(row, 2, rule, &b.f.text)?;
        ws.write_string_with_format(row, 3, b.w(&format!("wb_rule_{rule}"), &[]), &b.f.text)?;
        ws.write_number_with_format(row, 4, r.year, &b.f.text)?;
        // A goal is priced, not a target: its kind says so and a miss is not in red.
        let goal = b.is_goal(r);
        let kind = if goal { "goal" } else { r.kind.name() };
        ws.write_string_with_format(row, 5, b.w(&format!("wb_kind_{kind}"), &[]), &b.f.text)?;
        ws.write_number_with_format(row, 6, r.required, &b.f.int)?;
        ws.write_number_with_format(row, 7, r.achieved, &b.f.int)?;
        ws.write_number_with_format(row, 8, r.shortfall, &b.f.int)?;
        match (r.met, goal) {
            (true, _) => ws.write_string_with_format(row, 9, &met, &b.f.text)?,
            (false, true) => ws.write_string_with_format(row, 9, &missed, &b.f.text)?,
            (false, false) => ws.write_string_with_format(row, 9, &missed, &b.f.warn)?,
        };
        if let Some(p) = r.p_met {
            ws.write_number_with_format(row, 10, p, &b.f.pct)?;
        }
        if r.margin > 0 {
            ws.write_number_with_format(row, 11, r.margin, &b.f.int)?;
        }
        row += 1;
    }
    b.close_table(ws, row - HEAD - 1, headings.len() as u16)
}
