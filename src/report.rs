//! `report.html`: the plan as one self-contained page for the people who decide, in the
//! run's language, readable offline and printable to A4.
//!
//! It is read from the folder's tables alone (the same [`PlanTables`] the CSVs and
//! `plan.xlsx` are written from) and shares the workbook's figures: the headline sentences
//! ([`summary::sentences`]), the targets not met ([`summary::missed_rows`]) and the cost
//! tables ([`costs`]), here in billion VND. The charts are the run's SVGs, inlined: their
//! text is already glyph outlines ([`crate::charts::svg_text`]), so no font has to be
//! installed or fetched; the page's own text asks for DejaVu Sans and falls back on the
//! system's sans-serif (every current one has the Vietnamese letters). Nothing is loaded
//! from the network and no script runs.

use crate::charts::labels::Labels;
use crate::domain::target::TargetKind;
use crate::error::{Error, Result};
use crate::output::contract::PlanTables;
use crate::workbook::costs::{self, Block};
use crate::workbook::summary;
use crate::workbook::Book;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

/// The report's file name in a plan folder.
pub const FILE: &str = "report.html";

/// Writes `report.html` into `dir` from `t`, with the SVG charts of `plots`.
pub fn write(dir: &Path, t: &PlanTables, plots: &Path, l: &Labels) -> Result<()> {
    let path = dir.join(FILE);
    let html = page(t, plots, l)?;
    std::fs::write(&path, html).map_err(|e| Error::output(&path, e))
}

/// The whole page.
pub fn page(t: &PlanTables, plots: &Path, l: &Labels) -> Result<String> {
    let b = Book::new(t, l);
    let s = &t.summary;
    let mut h = String::with_capacity(1 << 20);
    let title = l.get("wb_title", &[&s.scenario]);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"bienche {}\">\n<title>{}</title>\n<style>{STYLE}</style>\n\
         </head>\n<body>\n<header>\n<h1>{}</h1>\n",
        esc(l.lang()),
        env!("CARGO_PKG_VERSION"),
        esc(&title),
        esc(&title)
    );
    if s.illustrative {
        let _ = writeln!(
            h,
            "<p class=\"illustrative\">{}</p>",
            esc(&l.get("illustrative", &[]))
        );
    }
    let footer = crate::charts::footer_text(l, env!("CARGO_PKG_VERSION"), &s.scenario, false);
    let _ = writeln!(h, "<p class=\"meta\">{}</p>\n</header>", esc(&footer));

    section(&mut h, "summary", &l.get("wb_sheet_summary", &[]));
    for line in summary::sentences(&b) {
        let _ = writeln!(h, "<p>{}</p>", esc(&line));
    }
    h.push_str("</section>\n");

    missed(&mut h, &b);
    cost_tables(&mut h, &b);
    charts(&mut h, plots, l)?;
    missed_milestones(&mut h, &b);
    h.push_str("</body>\n</html>\n");
    Ok(h)
}

const STYLE: &str = "
@page { size: A4; margin: 14mm 12mm; }
body { font-family: 'DejaVu Sans', 'Segoe UI', Arial, sans-serif; color: #222; margin: 0 auto;
  max-width: 1100px; padding: 16px; font-size: 11pt; line-height: 1.4; }
h1 { font-size: 18pt; margin: 0 0 6px; }
h2 { font-size: 14pt; margin: 22px 0 8px; border-bottom: 2px solid #0072b2; padding-bottom: 3px; }
h3 { font-size: 11pt; margin: 14px 0 6px; }
.illustrative { background: #fde9d9; border-left: 5px solid #d55e00; padding: 6px 10px;
  font-weight: bold; margin: 6px 0; }
.meta { color: #555; font-size: 9pt; margin: 4px 0; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; margin: 6px 0 12px; }
th, td { border: 1px solid #ccc; padding: 3px 5px; vertical-align: top; }
th { background: #ddebf7; text-align: left; }
td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.short { color: #c00000; font-weight: bold; }
tr.total td { font-weight: bold; }
thead { display: table-header-group; }
tr, figure { break-inside: avoid; page-break-inside: avoid; }
figure { margin: 10px 0 18px; }
figure svg { width: 100%; height: auto; display: block; border: 1px solid #eee; }
figcaption { font-size: 9pt; color: #555; }
@media print { body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; page-break-after: avoid; } }
";

fn section(h: &mut String, id: &str, heading: &str) {
    let _ = writeln!(h, "<section id=\"{id}\">\n<h2>{}</h2>", esc(heading));
}

/// Text for HTML.
fn esc(s: &str) -> String {
    crate::output::escape_markup(s)
}

/// The targets of target years not met, with the limits each ran into.
fn missed(h: &mut String, b: &Book) {
    let l = b.l;
    section(h, "missed", &l.get("wb_s_missed", &[]));
    let rows: Vec<_> = summary::missed_rows(b)
        .into_iter()
        .filter(|(_, k)| *k == Some(TargetKind::Target))
        .map(|(m, _)| m)
        .collect();
    if rows.is_empty() {
        let _ = writeln!(h, "<p>{}</p>", esc(&l.get("wb_s_none_missed", &[])));
    } else {
        table_head(
            h,
            l,
            &[
                "wb_h_unit",
                "wb_h_rule",
                "wb_h_year",
                "wb_h_required",
                "wb_h_achieved",
                "wb_h_short",
                "wb_h_why",
            ],
        );
        for m in rows {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td>\
                 <td class=\"n\">{}</td><td class=\"n short\">{}</td><td>{}</td></tr>",
                esc(&b.unit_name(&m.unit)),
                esc(&rule_words(l, &m.rule)),
                m.year,
                l.num(m.required as f64, 0),
                l.num(m.achieved as f64, 0),
                l.num(m.shortfall as f64, 0),
                esc(&b.why(&m.why))
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }
    h.push_str("</section>\n");
}

/// The other rows not met (yearly milestones, intent rules, goals), one row per unit and
/// rule: the years and the most people short in any of them (the workbook's Targets sheet
/// has every row).
fn missed_milestones(h: &mut String, b: &Book) {
    let l = b.l;
    let mut by_unit: BTreeMap<(&str, &str), (Vec<i32>, u32)> = BTreeMap::new();
    for (m, _) in summary::missed_rows(b)
        .into_iter()
        .filter(|(_, k)| *k != Some(TargetKind::Target))
    {
        let e = by_unit
            .entry((m.unit.as_str(), m.rule.as_str()))
            .or_default();
        e.0.push(m.year);
        e.1 = e.1.max(m.shortfall);
    }
    if by_unit.is_empty() {
        return;
    }
    section(h, "milestones", &l.get("rp_milestones", &[]));
    table_head(
        h,
        l,
        &["wb_h_unit", "wb_h_rule", "rp_h_years", "rp_h_most_short"],
    );
    for ((unit, rule), (mut years, short)) in by_unit {
        years.sort_unstable();
        let years: Vec<String> = years.iter().map(|y| y.to_string()).collect();
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n short\">{}</td></tr>",
            esc(&b.unit_name(unit)),
            esc(&rule_words(l, rule)),
            years.join(", "),
            l.num(short as f64, 0)
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

/// A table's opening and its headings (label keys).
fn table_head(h: &mut String, l: &Labels, keys: &[&str]) {
    h.push_str("<table>\n<thead><tr>");
    for k in keys {
        let _ = write!(h, "<th>{}</th>", esc(&l.get(k, &[])));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
}

/// A rule's code with what it asks, in words.
fn rule_words(l: &Labels, rule: &str) -> String {
    l.lookup(&format!("wb_rule_{rule}"))
        .map_or_else(|| rule.to_string(), |w| format!("{rule} ({w})"))
}

/// The SVG charts of `plots`, in their numbered order, inline.
fn charts(h: &mut String, plots: &Path, l: &Labels) -> Result<()> {
    let mut svgs: Vec<_> = std::fs::read_dir(plots)
        .map_err(|e| Error::output(plots, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "svg"))
        .collect();
    svgs.sort();
    section(h, "charts", &l.get("rp_charts", &[]));
    for svg in svgs {
        let text = std::fs::read_to_string(&svg).map_err(|e| Error::output(&svg, e))?;
        let name = svg.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        // The page sizes the chart to its width, by its viewBox.
        let text = text.replacen(" width=\"1920\" height=\"1080\"", "", 1);
        let _ = writeln!(
            h,
            "<figure id=\"chart-{name}\">\n{}\n<figcaption>{}</figcaption>\n</figure>",
            text.trim(),
            esc(&l.get(
                "rp_chart_file",
                &[&format!("plots/{}/{name}.png|svg", l.lang())]
            ))
        );
    }
    h.push_str("</section>\n");
    Ok(())
}

/// The cost by lever, against no plan and by level, in billion VND, years across.
fn cost_tables(h: &mut String, b: &Book) {
    let l = b.l;
    let s = &b.t.summary;
    let years: Vec<i32> = (s.base_year + 1..=s.horizon).collect();
    section(h, "costs", &l.get("wb_sheet_costs", &[]));
    cost_table(
        h,
        b,
        &years,
        &l.get("rp_c_by_lever", &[]),
        &costs::by_lever(b),
        true,
    );
    if let Some(rows) = costs::against_no_plan(b) {
        cost_table(h, b, &years, &l.get("rp_c_extra", &[]), &rows, false);
    }
    cost_table(
        h,
        b,
        &years,
        &l.get("rp_c_by_level", &[]),
        &costs::by_level(b),
        false,
    );
    h.push_str("</section>\n");
}

fn cost_table(h: &mut String, b: &Book, years: &[i32], heading: &str, rows: &Block, total: bool) {
    let l = b.l;
    let bn = |x: f64| l.num(x / 1000.0, 1);
    let _ = writeln!(
        h,
        "<h3>{}</h3>\n<table>\n<thead><tr><th></th>",
        esc(heading)
    );
    for y in years {
        let _ = write!(h, "<th>{y}</th>");
    }
    let _ = writeln!(
        h,
        "<th>{}</th></tr></thead>\n<tbody>",
        esc(&l.get("wb_h_total", &[]))
    );
    let mut sums = vec![0.0; years.len()];
    for (name, by_year) in rows {
        let _ = write!(h, "<tr><td>{}</td>", esc(name));
        let mut sum = 0.0;
        for (i, y) in years.iter().enumerate() {
            let v = by_year.get(y).copied().unwrap_or(0.0);
            sums[i] += v;
            sum += v;
            let _ = write!(h, "<td class=\"n\">{}</td>", bn(v));
        }
        let _ = writeln!(h, "<td class=\"n\"><b>{}</b></td></tr>", bn(sum));
    }
    if total {
        let _ = write!(
            h,
            "<tr class=\"total\"><td>{}</td>",
            esc(&l.get("wb_h_total", &[]))
        );
        for v in &sums {
            let _ = write!(h, "<td class=\"n\">{}</td>", bn(*v));
        }
        let _ = writeln!(h, "<td class=\"n\">{}</td></tr>", bn(sums.iter().sum()));
    }
    h.push_str("</tbody>\n</table>\n");
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(
            esc("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
