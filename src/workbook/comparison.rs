//! `comparison.xlsx` of `bienche compare`: `comparison.csv` turned on its side, one column
//! per scenario and one row per measure, in the run's language, numbers as numbers, the
//! difference to the baseline marked where it lies within the two plans' proven gaps. The
//! solving time is left to the CSV: the workbook is the same bytes for the same inputs.

use super::{channel_words, lever_words, properties, Formats, Xlsx, HEAD};
use crate::charts::labels::Labels;
use crate::error::{Error, Result};
use rust_xlsxwriter::{Workbook, Worksheet};
use std::path::Path;

/// The workbook's file name in a comparison folder.
pub const FILE: &str = "comparison.xlsx";

/// Writes `comparison.xlsx` into `dir` from the columns and rows of `comparison.csv`.
pub fn write(
    dir: &Path,
    header: &[String],
    rows: &[Vec<String>],
    illustrative: bool,
    l: &Labels,
) -> Result<()> {
    let path = dir.join(FILE);
    let mut title = l.get("wb_cmp_title", &[]);
    if illustrative {
        title.push_str(" · ");
        title.push_str(&l.get("illustrative", &[]));
    }
    let mut wb = Workbook::new();
    let fill = |wb: &mut Workbook| -> Xlsx<()> {
        wb.set_properties(&properties(&title)?);
        sheet(wb.add_worksheet(), &title, header, rows, l)?;
        wb.save(&path)
    };
    fill(&mut wb).map_err(|e| Error::output(&path, e))
}

fn sheet(
    ws: &mut Worksheet,
    title: &str,
    header: &[String],
    rows: &[Vec<String>],
    l: &Labels,
) -> Xlsx<()> {
    let f = Formats::new();
    ws.set_name(l.get("wb_cmp_sheet", &[]))?;
    ws.write_string_with_format(0, 0, title, &f.title)?;
    ws.write_string_with_format(HEAD, 0, l.get("wb_cmp_measure", &[]), &f.head)?;
    ws.set_column_width(0, 52)?;
    for (c, r) in rows.iter().enumerate() {
        let col = 1 + c as u16;
        ws.write_string_with_format(HEAD, col, r.first().map_or("", String::as_str), &f.head)?;
        ws.set_column_width(col, 20)?;
    }
    ws.set_row_height(HEAD, 32)?;
    ws.set_freeze_panes(HEAD + 1, 1)?;
    // `seconds`, the one measure that depends on the run, stays in the CSV only, so that
    // the workbook is the same bytes for the same inputs.
    let shown: Vec<(usize, &String)> = header
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, k)| k.as_str() != "seconds")
        .collect();
    for (n, &(i, key)) in shown.iter().enumerate() {
        let row = HEAD + 1 + n as u32;
        ws.write_string_with_format(row, 0, measure(l, key), &f.text)?;
        for (c, r) in rows.iter().enumerate() {
            let col = 1 + c as u16;
            let cell = r.get(i).map_or("", String::as_str);
            match (kind(key), cell.parse::<f64>()) {
                (_, _) if cell.is_empty() => {}
                (Kind::Money, Ok(v)) => {
                    ws.write_number_with_format(row, col, v, &f.money)?;
                }
                (Kind::Count, Ok(v)) => {
                    ws.write_number_with_format(row, col, v, &f.int)?;
                }
                (Kind::Share, Ok(v)) => {
                    ws.write_number_with_format(row, col, v, &f.pct_fine)?;
                }
                (Kind::Percent, Ok(v)) => {
                    ws.write_number_with_format(row, col, v, &f.pct)?;
                }
                (Kind::Status, _) => {
                    let word = l.lookup(&format!("wb_status_{cell}")).unwrap_or(cell);
                    ws.write_string_with_format(row, col, word, &f.text)?;
                }
                (Kind::YesNo, _) => {
                    let word = if cell == "yes" { "wb_yes" } else { "wb_no" };
                    ws.write_string_with_format(row, col, l.get(word, &[]), &f.text)?;
                }
                _ => {
                    ws.write_string_with_format(row, col, cell, &f.wrap)?;
                }
            }
        }
    }
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

enum Kind {
    Money,
    Count,
    Share,
    /// A share to a tenth of a percent.
    Percent,
    Status,
    YesNo,
    Text,
}

/// How a column of `comparison.csv` is shown.
fn kind(key: &str) -> Kind {
    match key {
        "total_cost" | "gap_million_vnd" | "cost_vs_baseline" => Kind::Money,
        "gap" => Kind::Share,
        "hires_em_share" => Kind::Percent,
        "status" => Kind::Status,
        "within_tolerance" => Kind::YesNo,
        "total_shortfall" | "hires_em" | "exits" | "exits_leaders" | "step_downs" => Kind::Count,
        k if k.starts_with("cost:") => Kind::Money,
        k if k.starts_with("met_") || k.starts_with("missed_") || k.starts_with("hires:") => {
            Kind::Count
        }
        _ => Kind::Text,
    }
}

/// A column of `comparison.csv` in words.
fn measure(l: &Labels, key: &str) -> String {
    if let Some(lever) = key.strip_prefix("cost:") {
        return l.get("wb_cmp_cost_of", &[&lever_words(l, lever)]);
    }
    if let Some(channel) = key.strip_prefix("hires:") {
        return l.get("wb_cmp_hires", &[&channel_words(l, channel)]);
    }
    if let Some(year) = key.strip_prefix("met_") {
        return l.get("wb_cmp_met", &[year]);
    }
    if let Some(year) = key.strip_prefix("missed_") {
        return l.get("wb_cmp_missed", &[year]);
    }
    l.lookup(&format!("wb_cmp_{key}"))
        .unwrap_or(key)
        .to_string()
}
