//! `bienche history`'s charts, in the plan charts' style:
//! 1. `1-outlook`: each plan's province EM share of staff, year by year, the first plan's
//!    line thickest, with a dot at the first target year: how its outlook changed;
//! 2. `2-targets`: the first target year's legal targets each plan misses, and those it
//!    meets with a chance below one half (at risk).

use super::*;
use crate::history::Entry;

/// Draws the history charts of `entries` (oldest first) into `dir`.
pub fn draw(dir: &Path, entries: &[Entry], l: &Labels) -> Result<Vec<PathBuf>> {
    register_fonts();
    let Some(first) = entries.first() else {
        return Ok(Vec::new());
    };
    let s = &first.stats;
    let footer = footer_text(l, &s.version, &s.scenario, s.illustrative);
    let names: Vec<String> = entries.iter().map(|e| name(e, l)).collect();
    let mut files = Vec::new();
    files.extend(both!(dir, "1-outlook", root => outlook(&root, entries, &names, l, &footer)));
    files.extend(both!(dir, "2-targets", root => targets(&root, entries, &names, l, &footer)));
    Ok(files)
}

/// "plan from 2025", "re-plan from 2026".
fn name(e: &Entry, l: &Labels) -> String {
    let key = if e.replan { "hi_replan" } else { "hi_plan" };
    l.get(key, &[&e.stats.base_year.to_string()])
}

/// The target year whose outlook the charts follow: the first plan's first.
fn watched(entries: &[Entry]) -> i32 {
    let s = &entries[0].stats;
    s.targets.first().map_or(s.horizon, |t| t.0)
}

fn share(s: &Stats, year: i32) -> Option<f64> {
    s.province.get(&year).map(|c| pct(c.em, c.all))
}

fn outlook<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    entries: &[Entry],
    names: &[String],
    l: &Labels,
    footer: &str,
) -> Draw<()> {
    let year = watched(entries);
    let first = share(&entries[0].stats, year).unwrap_or(0.0);
    let last = share(&entries[entries.len() - 1].stats, year).unwrap_or(0.0);
    let title = l.get(
        "hi1_title",
        &[
            &year.to_string(),
            &l.num(first, 1),
            &l.num(last, 1),
            &entries.len().to_string(),
        ],
    );
    let body = page(root, &title, footer)?;
    let mut chart = year_chart(
        &body,
        &entries[0].stats,
        l,
        None,
        em_share_range(entries.iter().map(|e| &e.stats), 1.1),
        &l.get("percent_of_staff", &[]),
        1,
    )?;
    let runs: Vec<(String, &Stats)> = names
        .iter()
        .cloned()
        .zip(entries.iter().map(|e| &e.stats))
        .collect();
    em_share_lines(&mut chart, &runs)?;
    for (i, e) in entries.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        if let Some(v) = share(&e.stats, year) {
            chart
                .draw_series(std::iter::once(Circle::new(
                    (year as f64, v),
                    12,
                    color.filled(),
                )))
                .map_err(err)?;
        }
    }
    legend(&mut chart, SeriesLabelPosition::UpperLeft, 24)?;
    Ok(())
}

fn targets<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    entries: &[Entry],
    names: &[String],
    l: &Labels,
    footer: &str,
) -> Draw<()> {
    let year = watched(entries);
    // (missed, met with a chance below one half) of each plan.
    let counts: Vec<(usize, usize)> = entries
        .iter()
        .map(|e| {
            (
                e.stats.tally(year).1,
                crate::history::met_below_half(&e.stats, year),
            )
        })
        .collect();
    let (first, last) = (counts[0], counts[counts.len() - 1]);
    let title = l.get(
        "hi2_title",
        &[
            &year.to_string(),
            &first.0.to_string(),
            &first.1.to_string(),
            &last.0.to_string(),
            &last.1.to_string(),
        ],
    );
    let body = page(root, &title, footer)?;
    let top = counts.iter().map(|(m, r)| m + r).max().unwrap_or(1).max(1) as f64 * 1.25;
    let n = entries.len();
    let mut chart = ChartBuilder::on(&body)
        .margin(24)
        .margin_left(36)
        .x_label_area_size(80)
        .y_label_area_size(120)
        .build_cartesian_2d(-0.5..n as f64 - 0.5, 0.0..top)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n)
        .x_label_formatter(&|x| {
            let i = x.round();
            if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < n {
                names[i as usize].clone()
            } else {
                String::new()
            }
        })
        .y_labels(whole_ticks(top))
        .y_label_formatter(&|y| l.num(*y, 0))
        .y_desc(l.get("hi2_y", &[&year.to_string()]))
        .label_style(text_style(24, &INK))
        .axis_desc_style(text_style(26, &INK))
        .light_line_style(WHITE)
        .bold_line_style(LIGHT)
        .draw()
        .map_err(err)?;
    let layers = [
        (l.get("missed", &[]), VERMILLION),
        (l.get("hi2_at_risk", &[]), ORANGE),
    ];
    for (k, (label, color)) in layers.iter().enumerate() {
        let color = *color;
        let bars = counts.iter().enumerate().map(move |(i, &(missed, risk))| {
            let (from, to) = if k == 0 {
                (0.0, missed as f64)
            } else {
                (missed as f64, (missed + risk) as f64)
            };
            Rectangle::new(
                [(i as f64 - 0.3, from), (i as f64 + 0.3, to)],
                color.filled(),
            )
        });
        chart
            .draw_series(bars)
            .map_err(err)?
            .label(label.clone())
            .legend(move |(x, y)| legend_box(x, y, color));
    }
    let style = text_style(26, &INK).pos(Pos::new(HPos::Center, VPos::Bottom));
    for (i, &(missed, risk)) in counts.iter().enumerate() {
        chart
            .draw_series(std::iter::once(Text::new(
                l.get("hi2_bar", &[&missed.to_string(), &risk.to_string()]),
                (i as f64, (missed + risk) as f64 + top * 0.01),
                style.clone(),
            )))
            .map_err(err)?;
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight, 24)?;
    Ok(())
}
