//! *Tóm tắt / Summary*: the headline figures as sentences a leader reads in a minute, the
//! targets not met with the limits each ran into, and the charts of `plots/LANG/` to the
//! right (half size).

use super::{fit_row, Book, Xlsx};
use crate::diagnose::Shortfall;
use crate::domain::target::TargetKind;
use rust_xlsxwriter::{Image, Worksheet};
use std::collections::BTreeMap;
use std::path::Path;

/// Columns the sentences span (the missed targets' table below uses as many).
const SPAN: u16 = 8;
/// The column the charts start in, and the rows each half-size chart takes.
const CHART_COL: u16 = SPAN + 1;
const CHART_ROWS: u32 = 28;
/// Characters of the reasons' column per wrapped line (its width is 70).
const WHY_CHARS: usize = 75;

pub(super) fn sheet(ws: &mut Worksheet, b: &Book, plots: Option<&Path>) -> Xlsx<()> {
    ws.set_name(b.w("wb_sheet_summary", &[]))?;
    ws.write_string_with_format(0, 0, &b.title, &b.f.title)?;
    let lines = sentences(b);
    let mut row = 2;
    for line in &lines {
        ws.merge_range(row, 0, row, SPAN - 1, line, &b.f.wrap)?;
        ws.set_row_height(row, 32)?;
        row += 1;
    }
    missed(ws, b, row + 1)?;
    for (c, w) in [24.0, 8.0, 7.0, 14.0, 9.0, 9.0, 7.0, 70.0]
        .iter()
        .enumerate()
    {
        ws.set_column_width(c as u16, *w)?;
    }
    if let Some(dir) = plots {
        charts(ws, dir)?;
    }
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_active(true);
    Ok(())
}

/// The headline figures in sentences (the workbook's summary and `report.html` both).
pub(crate) fn sentences(b: &Book) -> Vec<String> {
    let s = &b.t.summary;
    let bn = |x: f64| b.l.num(x / 1000.0, 1);
    let (from, to) = ((s.base_year + 1).to_string(), s.horizon.to_string());
    let salary = s.cost_by_lever.get("salary").copied().unwrap_or(0.0);
    let mut lines = vec![b.w(
        "wb_s_cost",
        &[
            &bn(s.total_cost),
            &from,
            &to,
            &bn(salary),
            &bn(s.total_cost - salary),
        ],
    )];
    if let Some(budget) = &s.budget {
        let key = if budget.extra_cost < 0.0 {
            "wb_s_less"
        } else {
            "wb_s_extra"
        };
        lines.push(b.w(
            key,
            &[&bn(budget.no_plan_cost), &bn(budget.extra_cost.abs())],
        ));
        let level = |k: &str| budget.cost_by_level.get(k).copied().unwrap_or(0.0);
        lines.push(b.w(
            "wb_s_levels",
            &[&bn(level("province")), &bn(level("commune"))],
        ));
    }
    let target_years: Vec<String> =
        b.t.targets
            .iter()
            .filter(|r| r.kind == TargetKind::Target)
            .map(|r| r.year)
            .collect::<std::collections::BTreeSet<_>>()
            .iter()
            .map(|y| y.to_string())
            .collect();
    lines.push(b.w(
        "wb_s_targets",
        &[
            &s.targets_met.to_string(),
            &(s.targets_met + s.targets_missed).to_string(),
            &target_years.join(", "),
            &s.targets_missed.to_string(),
            &s.total_shortfall.to_string(),
        ],
    ));
    let milestones: Vec<_> =
        b.t.targets
            .iter()
            .filter(|r| r.kind == TargetKind::Milestone)
            .collect();
    if !milestones.is_empty() {
        let missed = milestones.iter().filter(|r| !r.met).count();
        let short: u32 = milestones.iter().map(|r| r.shortfall).sum();
        lines.push(b.w(
            "wb_s_milestones",
            &[
                &(milestones.len() - missed).to_string(),
                &missed.to_string(),
                &short.to_string(),
            ],
        ));
    }
    if let Some(h) = &s.hiring {
        let key = if h.composition_rule {
            "wb_s_hiring_on"
        } else {
            "wb_s_hiring_off"
        };
        lines.push(b.w(
            key,
            &[
                &b.l.num(f64::from(h.hires), 0),
                &b.l.num(f64::from(h.em_hires), 0),
                &b.l.num(100.0 * h.em_share(), 1),
                &b.l.num(h.population_em_share_percent, 1),
            ],
        ));
    }
    if let Some(e) = &s.exits {
        lines.push(b.w(
            "wb_s_exits",
            &[
                &b.l.num(f64::from(e.exits), 0),
                &b.l.num(f64::from(e.leaders), 0),
                &b.l.num(f64::from(e.em), 0),
                e.reading.name(),
            ],
        ));
        if e.leader_term_years > 0 {
            lines.push(b.w(
                "wb_s_step_downs",
                &[
                    &b.l.num(f64::from(e.step_downs), 0),
                    &b.l.num(f64::from(e.step_downs_em), 0),
                    &e.leader_term_years.to_string(),
                ],
            ));
        }
    }
    if let Some(c) = &s.chance {
        lines.push(b.w(
            "wb_s_chance",
            &[
                &c.draws.to_string(),
                &c.at_least_90.to_string(),
                &c.met_in_plan.to_string(),
                &c.below_50.to_string(),
            ],
        ));
    }
    if let Some(share) = s
        .budget
        .as_ref()
        .and_then(|x| x.gap_of_plan_dependent_money)
    {
        lines.push(b.w(
            "wb_s_gap",
            &[
                &b.l.num(s.solver.gap_million_vnd, 0),
                &b.l.num(share * 100.0, 2),
            ],
        ));
    }
    lines
}

/// The targets the plan does not meet, target years first, each with the limits it ran
/// into, from `row`.
fn missed(ws: &mut Worksheet, b: &Book, mut row: u32) -> Xlsx<()> {
    let s = &b.t.summary;
    if s.missed.is_empty() {
        ws.write_string_with_format(row, 0, b.w("wb_s_none_missed", &[]), &b.f.bold)?;
        return Ok(());
    }
    ws.write_string_with_format(row, 0, b.w("wb_s_missed", &[]), &b.f.bold)?;
    row += 1;
    let headings = [
        "wb_h_unit",
        "wb_h_rule",
        "wb_h_year",
        "wb_h_kind",
        "wb_h_required",
        "wb_h_achieved",
        "wb_h_short",
        "wb_h_why",
    ];
    for (c, h) in headings.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, b.w(h, &[]), &b.f.head)?;
    }
    row += 1;
    for (m, kind) in missed_rows(b) {
        let kind = kind.map_or_else(String::new, |k| b.w(&format!("wb_kind_{}", k.name()), &[]));
        ws.write_string_with_format(row, 0, b.unit_name(&m.unit), &b.f.text)?;
        ws.write_string_with_format(row, 1, &m.rule, &b.f.text)?;
        ws.write_number_with_format(row, 2, m.year, &b.f.text)?;
        ws.write_string_with_format(row, 3, kind, &b.f.text)?;
        ws.write_number_with_format(row, 4, m.required, &b.f.int)?;
        ws.write_number_with_format(row, 5, m.achieved, &b.f.int)?;
        ws.write_number_with_format(row, 6, m.shortfall, &b.f.warn)?;
        let why = b.why(&m.why);
        ws.write_string_with_format(row, 7, &why, &b.f.wrap)?;
        fit_row(ws, row, &why, WHY_CHARS)?;
        row += 1;
    }
    Ok(())
}

/// The targets not met with the kind of their row: target years first, then milestones and
/// the rest, each in `summary.json`'s order.
pub(crate) fn missed_rows<'a>(b: &Book<'a>) -> Vec<(&'a Shortfall, Option<TargetKind>)> {
    let kinds: BTreeMap<(&str, &str, i32), TargetKind> =
        b.t.targets
            .iter()
            .map(|r| ((r.unit.as_str(), r.rule.name(), r.year), r.kind))
            .collect();
    let mut rows: Vec<_> =
        b.t.summary
            .missed
            .iter()
            .map(|m| {
                let kind = kinds
                    .get(&(m.unit.as_str(), m.rule.as_str(), m.year))
                    .copied();
                (m, kind)
            })
            .collect();
    rows.sort_by_key(|(_, k)| *k != Some(TargetKind::Target));
    rows
}

/// The PNG charts of `dir`, in their numbered order, half size, one under another.
fn charts(ws: &mut Worksheet, dir: &Path) -> Xlsx<()> {
    let mut pngs: Vec<_> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "png"))
                .collect()
        })
        .unwrap_or_default();
    pngs.sort();
    for (i, png) in pngs.iter().enumerate() {
        let image = Image::new(png)?.set_scale_width(0.5).set_scale_height(0.5);
        ws.insert_image(2 + i as u32 * CHART_ROWS, CHART_COL, &image)?;
    }
    Ok(())
}
