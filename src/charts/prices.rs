//! Chart 8, `8-prices` (only with `prices.csv`, `plan --prices`): the 20 dearest targets,
//! each a bar of the money one more required person costs, dearest at the top.

use super::*;

/// How many targets the chart ranks.
const SHOWN: usize = 20;

pub(super) fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &Stats,
    l: &Labels,
    footer: &str,
) -> Draw<()> {
    let top: Vec<&(String, f64)> = s.dearest.iter().take(SHOWN).collect();
    let title = match top.first() {
        Some((name, v)) => l.get(
            "t8_title",
            &[
                &top.len().to_string(),
                &l.num(*v, 0),
                name,
                &s.one_more_missed.to_string(),
                &s.priced_rows.to_string(),
            ],
        ),
        None => l.get("t8_none", &[&s.priced_rows.to_string()]),
    };
    let body = page(root, &title, footer)?;
    if top.is_empty() {
        return Ok(());
    }
    let high = top.iter().map(|b| b.1).fold(1.0f64, f64::max);
    let n = top.len() as f64;
    let mut chart = ChartBuilder::on(&body)
        .margin(24)
        .margin_left(36)
        .caption(l.get("t8_caption", &[]), text_style(30, &INK))
        .x_label_area_size(80)
        .y_label_area_size(20)
        // Room on the right for each bar's name and amount.
        .build_cartesian_2d(0.0..high * 1.45, 0.0..n)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_label_formatter(&|v| l.num(*v, axis_decimals(high * 1.45)))
        .x_desc(l.get("million_vnd", &[]))
        .label_style(text_style(24, &INK))
        .axis_desc_style(text_style(26, &INK))
        .light_line_style(WHITE)
        .bold_line_style(LIGHT)
        .draw()
        .map_err(err)?;
    // Dearest at the top: the last bar drawn highest.
    let at = |i: usize| n - 1.0 - i as f64;
    chart
        .draw_series(top.iter().enumerate().map(|(i, (_, v))| {
            Rectangle::new([(0.0, at(i) + 0.2), (*v, at(i) + 0.8)], VERMILLION.filled())
        }))
        .map_err(err)?;
    chart
        .draw_series(top.iter().enumerate().map(|(i, (name, v))| {
            Text::new(
                format!("{name}: {}", l.num(*v, 1)),
                (*v + 0.01 * high, at(i) + 0.5),
                text_style(24, &INK).pos(Pos::new(HPos::Left, VPos::Center)),
            )
        }))
        .map_err(err)?;
    Ok(())
}
