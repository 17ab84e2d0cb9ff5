//! *Chi phí / Costs*, million VND, years across: the cost by lever (`costs.csv` summed over
//! units, ready to paste into a budget estimate), the plan's cost over the no-plan forecast's
//! by lever (`cost_vs_no_plan.csv`), and the cost by administrative level and kind of unit.

use super::{money, Book, Xlsx, HEAD};
use crate::domain::Level;
use rust_xlsxwriter::Worksheet;
use std::collections::BTreeMap;

/// Rows of a block: a name and its value by year.
pub(crate) type Block = Vec<(String, BTreeMap<i32, f64>)>;

pub(super) fn sheet(ws: &mut Worksheet, b: &Book) -> Xlsx<()> {
    let t = b.t;
    let years: Vec<i32> = (t.summary.base_year + 1..=t.summary.horizon).collect();
    let mut headings = vec![(b.w("wb_h_lever", &[]), 34.0)];
    headings.extend(years.iter().map(|y| (y.to_string(), 11.0)));
    headings.push((b.w("wb_h_total", &[]), 13.0));
    b.open_table(ws, &b.w("wb_sheet_costs", &[]), &headings)?;
    ws.set_freeze_panes(HEAD + 1, 1)?;

    let mut row = HEAD + 1;
    row = block(ws, b, &years, row, &by_lever(b), true)?;
    b.close_table(ws, row - HEAD - 2, headings.len() as u16)?;

    if let Some(rows) = against_no_plan(b) {
        row += 1;
        ws.write_string_with_format(row, 0, b.w("wb_c_extra", &[]), &b.f.bold)?;
        row += 1;
        row = block(ws, b, &years, row, &rows, false)?;
    }

    row += 1;
    ws.write_string_with_format(row, 0, b.w("wb_c_by_level", &[]), &b.f.bold)?;
    row += 1;
    block(ws, b, &years, row, &by_level(b), false)?;
    Ok(())
}

/// The cost by lever, salaries first, then the other lines in their written order.
pub(crate) fn by_lever(b: &Book) -> Block {
    let mut by_line: BTreeMap<(bool, String), BTreeMap<i32, f64>> = BTreeMap::new();
    for r in &b.t.costs {
        let line = r.lever.to_string();
        *by_line
            .entry((line != "salary", line))
            .or_default()
            .entry(r.year)
            .or_default() += r.cost.value();
    }
    by_line
        .into_iter()
        .map(|((_, line), v)| (b.lever_name(&line), v))
        .collect()
}

/// The plan, no plan, their difference and the difference by lever; `None` without a
/// no-plan forecast.
pub(crate) fn against_no_plan(b: &Book) -> Option<Block> {
    let t = b.t;
    if t.cost_vs_no_plan.is_empty() {
        return None;
    }
    let mut plan: BTreeMap<i32, f64> = BTreeMap::new();
    let mut none: BTreeMap<i32, f64> = BTreeMap::new();
    let mut extra: BTreeMap<String, BTreeMap<i32, f64>> = BTreeMap::new();
    for r in &t.cost_vs_no_plan {
        *plan.entry(r.year).or_default() += r.plan.value();
        *none.entry(r.year).or_default() += r.no_plan.value();
        *extra
            .entry(r.lever.name().to_string())
            .or_default()
            .entry(r.year)
            .or_default() += r.extra.value();
    }
    let difference = plan
        .iter()
        .map(|(y, v)| (*y, v - none.get(y).copied().unwrap_or(0.0)))
        .collect();
    let mut rows: Block = vec![
        (b.w("wb_c_plan", &[]), plan),
        (b.w("wb_c_no_plan", &[]), none),
        (b.w("wb_c_extra_all", &[]), difference),
    ];
    rows.extend(
        extra
            .into_iter()
            .map(|(lever, v)| (b.w("wb_c_extra_of", &[&b.lever_name(&lever)]), v)),
    );
    Some(rows)
}

/// The cost by administrative level, each followed by its kinds of unit, indented.
pub(crate) fn by_level(b: &Book) -> Block {
    let t = b.t;
    let mut level: BTreeMap<Level, BTreeMap<i32, f64>> = BTreeMap::new();
    let mut kind: BTreeMap<crate::domain::UnitKind, BTreeMap<i32, f64>> = BTreeMap::new();
    for r in &t.costs {
        let Some(k) = b.unit_kind(&r.unit) else {
            continue;
        };
        *level
            .entry(Level::of(k))
            .or_default()
            .entry(r.year)
            .or_default() += r.cost.value();
        *kind.entry(k).or_default().entry(r.year).or_default() += r.cost.value();
    }
    // Each level, then its kinds of unit, indented.
    let mut rows: Block = Vec::new();
    for (l, v) in level {
        rows.push((b.level_name(l), v));
        for (k, v) in kind.iter().filter(|(k, _)| Level::of(**k) == l) {
            rows.push((format!("  {}", b.kind_name(*k)), v.clone()));
        }
    }
    rows
}

/// Writes `rows` from `row`, a total per row at the right and, with `total`, a total row
/// under them; returns the row after.
fn block(
    ws: &mut Worksheet,
    b: &Book,
    years: &[i32],
    mut row: u32,
    rows: &Block,
    total: bool,
) -> Xlsx<u32> {
    let last = years.len() as u16 + 1;
    let mut column_sums = vec![0.0; years.len()];
    for (name, by_year) in rows {
        ws.write_string_with_format(row, 0, name, &b.f.text)?;
        let mut sum = 0.0;
        for (i, y) in years.iter().enumerate() {
            let v = by_year.get(y).copied().unwrap_or(0.0);
            ws.write_number_with_format(row, 1 + i as u16, money(v), &b.f.money)?;
            column_sums[i] += v;
            sum += v;
        }
        ws.write_number_with_format(row, last, money(sum), &b.f.money_bold)?;
        row += 1;
    }
    if total {
        ws.write_string_with_format(row, 0, b.w("wb_h_total", &[]), &b.f.bold)?;
        for (i, v) in column_sums.iter().enumerate() {
            ws.write_number_with_format(row, 1 + i as u16, money(*v), &b.f.money_bold)?;
        }
        ws.write_number_with_format(
            row,
            last,
            money(column_sums.iter().sum::<f64>()),
            &b.f.money_bold,
        )?;
        row += 1;
    }
    Ok(row)
}
