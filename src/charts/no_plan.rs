//! Chart 6, `6-no-plan`: what the plan changes. On the left, the province's EM share of
//! staff by year with no plan (the forecast) and with the plan; on the right, the five
//! units furthest behind with no plan in the last target year: their share of quota with
//! no plan and with the plan, against the required share.

use super::*;
use stats::Counts;
use std::collections::BTreeMap;

pub(super) fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &Stats,
    l: &Labels,
    footer: &str,
) -> Draw<()> {
    let last = s.last_target_year();
    let empty = BTreeMap::new();
    let forecast = s.forecast.as_ref().unwrap_or(&empty);
    let title = l.get(
        "t6_title",
        &[
            &l.num(em_share(forecast.get(&last)), 1),
            &last.to_string(),
            &l.num(em_share(s.province.get(&last)), 1),
        ],
    );
    let body = page(root, &title, footer)?;
    let (left, right) = body.split_horizontally(900);
    province_lines(&left, s, l, forecast)?;
    furthest_behind(&right, s, l, last)
}

/// EM as a percentage of all staff; zero for a missing year.
fn em_share(c: Option<&Counts>) -> f64 {
    c.map(|c| pct(c.em, c.all)).unwrap_or(0.0)
}

/// Left panel: the province's EM share of staff by year, with no plan and with the plan,
/// each line's last value labelled.
fn province_lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &Stats,
    l: &Labels,
    forecast: &BTreeMap<i32, Counts>,
) -> Draw<()> {
    let lines: [(&str, RGBColor, &BTreeMap<i32, Counts>); 2] = [
        ("no_plan", GREY, forecast),
        ("with_plan", BLUE, &s.province),
    ];
    let ymax = lines
        .iter()
        .flat_map(|(_, _, m)| m.values().map(|c| pct(c.em, c.all)))
        .fold(10.0f64, f64::max)
        * 1.25;
    let mut chart = year_chart(
        area,
        s,
        l,
        Some(l.get("t6_left", &[])),
        0.0..ymax,
        &l.get("percent_of_staff", &[]),
        2,
    )?;
    for (key, color, m) in lines {
        let points: Vec<(f64, f64)> = m
            .iter()
            .map(|(y, c)| (*y as f64, pct(c.em, c.all)))
            .collect();
        chart
            .draw_series(LineSeries::new(points.clone(), color.stroke_width(6)))
            .map_err(err)?
            .label(l.get(key, &[]))
            .legend(move |(x, y)| legend_box(x, y, color));
        if let Some(&(x, y)) = points.last() {
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at((x, y))
                        + Circle::new((0, 0), 8, color.filled())
                        + Text::new(
                            format!("{}%", l.num(y, 1)),
                            (-12, if key == "no_plan" { 30 } else { -30 }),
                            text_style(26, &color).pos(Pos::new(HPos::Right, VPos::Center)),
                        ),
                ))
                .map_err(err)?;
        }
    }
    legend(&mut chart, SeriesLabelPosition::UpperLeft, 24)
}

/// The five units furthest behind their requirement with no plan in the last target year:
/// (unit, required, no-plan share), furthest first.
fn worst_with_no_plan(s: &Stats) -> Vec<(&String, f64, f64)> {
    let mut worst: Vec<(&String, f64, f64)> = s
        .forecast_shares
        .iter()
        .map(|(u, (r, p))| (u, *r, *p))
        .collect();
    worst.sort_by(|a, b| {
        (b.1 - b.2)
            .partial_cmp(&(a.1 - a.2))
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.0.cmp(b.0))
    });
    worst.truncate(5);
    worst
}

/// The share of quota `unit` achieves with the plan in `year`.
fn planned_share(s: &Stats, unit: &str, year: i32) -> f64 {
    s.unit_shares
        .iter()
        .find(|x| x.unit == unit)
        .and_then(|x| x.by_year.get(&year))
        .map(|(_, a)| *a)
        .unwrap_or(0.0)
}

/// Right panel: a pair of bars per unit furthest behind, no plan and with the plan, and a
/// dash at its required share.
fn furthest_behind<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &Stats,
    l: &Labels,
    last: i32,
) -> Draw<()> {
    let worst = worst_with_no_plan(s);
    let ymax = worst
        .iter()
        .flat_map(|(u, r, p)| [*r, *p, planned_share(s, u, last)])
        .fold(10.0f64, f64::max)
        * 1.2;
    let names: Vec<String> = worst
        .iter()
        .map(|(u, _, _)| s.unit_name(u).to_string())
        .collect();
    let mut chart = unit_axes(area, l, &names, ymax, last)?;
    let bars: [(&str, RGBColor, f64); 2] = [("no_plan", GREY, -0.17), ("with_plan", BLUE, 0.17)];
    for (key, color, dx) in bars {
        chart
            .draw_series(worst.iter().enumerate().map(|(i, (u, _, p))| {
                let v = if key == "no_plan" {
                    *p
                } else {
                    planned_share(s, u, last)
                };
                Rectangle::new(
                    [(i as f64 + dx - 0.15, 0.0), (i as f64 + dx + 0.15, v)],
                    color.filled(),
                )
            }))
            .map_err(err)?
            .label(l.get(key, &[]))
            .legend(move |(x, y)| legend_box(x, y, color));
    }
    chart
        .draw_series(worst.iter().enumerate().map(|(i, (_, r, _))| {
            PathElement::new(
                vec![(i as f64 - 0.38, *r), (i as f64 + 0.38, *r)],
                VERMILLION.stroke_width(5),
            )
        }))
        .map_err(err)?
        .label(l.get("required", &[]))
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], VERMILLION.stroke_width(5)));
    legend(&mut chart, SeriesLabelPosition::UpperRight, 24)
}

/// The units `names` along x, one slot each, percentages of quota up to `ymax` up y.
fn unit_axes<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    l: &Labels,
    names: &[String],
    ymax: f64,
    last: i32,
) -> Draw<Plane<'a, DB>> {
    let mut chart = ChartBuilder::on(area)
        .margin(24)
        .margin_right(48)
        .caption(
            l.get("t6_right", &[&last.to_string()]),
            text_style(30, &INK),
        )
        .x_label_area_size(80)
        .y_label_area_size(110)
        .build_cartesian_2d(-0.5..names.len().max(1) as f64 - 0.5, 0.0..ymax)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(names.len().max(1))
        .x_label_formatter(&|x| {
            let i = x.round();
            if (x - i).abs() < 0.01 && i >= 0.0 {
                names.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .y_label_formatter(&|y| format!("{}%", l.num(*y, 0)))
        .y_desc(l.get("percent_of_quota", &[]))
        .label_style(text_style(24, &INK))
        .axis_desc_style(text_style(26, &INK))
        .light_line_style(WHITE)
        .bold_line_style(LIGHT)
        .draw()
        .map_err(err)?;
    Ok(chart)
}
