//! `bienche frontier`'s chart: legal targets met against the plan's extra cost over no
//! plan, one dot per point, the frontier joined and each of its points labelled with the
//! value per person short at which it was planned.

use super::*;
use crate::frontier::Measure;

/// A point of the chart: its folder, its value per person short, its measures, and whether
/// it is on the frontier.
pub type ChartPoint = (String, f64, Measure, bool);

/// Draws `frontier.png` and `.svg` into `dir`; `first` gives the footer and the years.
pub fn draw(dir: &Path, points: &[ChartPoint], first: &Stats, l: &Labels) -> Result<Vec<PathBuf>> {
    register_fonts();
    if points.is_empty() {
        return Ok(Vec::new());
    }
    let front: Vec<&ChartPoint> = points.iter().filter(|p| p.3).collect();
    let title = match (front.first(), front.last()) {
        (Some(a), Some(b)) if b.2.met > a.2.met => l.get(
            "fr_title",
            &[
                &l.num(a.2.met as f64, 0),
                &l.num(b.2.met as f64, 0),
                &l.num((b.2.extra - a.2.extra) / 1000.0, 1),
                &l.num(points.len() as f64, 0),
            ],
        ),
        _ => l.get("fr_title_flat", &[&points.len().to_string()]),
    };
    let base_name = first
        .scenario
        .split(" · ")
        .next()
        .unwrap_or(&first.scenario)
        .to_string();
    let footer = footer_text(l, &first.version, &base_name, first.illustrative);
    Ok(both!(dir, "frontier", root => chart(&root, points, first, l, &title, &footer)).to_vec())
}

fn chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    points: &[ChartPoint],
    first: &Stats,
    l: &Labels,
    title: &str,
    footer: &str,
) -> Draw<()> {
    let body = page(root, title, footer)?;
    let xy: Vec<(f64, f64)> = points
        .iter()
        .map(|p| (p.2.extra / 1000.0, p.2.met as f64))
        .collect();
    let (x0, x1) = xy.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |a, p| {
        (a.0.min(p.0), a.1.max(p.0))
    });
    let (y0, y1) = xy.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |a, p| {
        (a.0.min(p.1), a.1.max(p.1))
    });
    let dx = ((x1 - x0) * 0.08).max(1.0);
    let dy = ((y1 - y0) * 0.1).max(2.0);
    let years: Vec<String> = first.targets.iter().map(|t| t.0.to_string()).collect();
    let x_decimals = if x1 - x0 + 2.0 * dx < 20.0 { 1 } else { 0 };
    let mut chart = ChartBuilder::on(&body)
        .margin(30)
        .margin_left(40)
        .margin_right(60)
        .x_label_area_size(90)
        .y_label_area_size(120)
        .build_cartesian_2d(x0 - dx..x1 + dx, y0 - dy..y1 + dy)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_label_formatter(&|x| l.num(*x, x_decimals))
        .y_labels(whole_ticks(y1 - y0 + 2.0 * dy))
        .y_label_formatter(&|y| l.num(*y, 0))
        .x_desc(l.get(
            "fr_x",
            &[
                &(first.base_year + 1).to_string(),
                &first.horizon.to_string(),
            ],
        ))
        .y_desc(l.get("fr_y", &[&years.join(", ")]))
        .label_style(text_style(24, &INK))
        .axis_desc_style(text_style(26, &INK))
        .light_line_style(WHITE)
        .bold_line_style(LIGHT)
        .draw()
        .map_err(err)?;
    let front: Vec<(f64, f64)> = points
        .iter()
        .zip(&xy)
        .filter(|(p, _)| p.3)
        .map(|(_, &q)| q)
        .collect();
    chart
        .draw_series(LineSeries::new(front.iter().copied(), BLUE.stroke_width(5)))
        .map_err(err)?
        .label(l.get("frontier", &[]))
        .legend(|(x, y)| legend_box(x, y, BLUE));
    chart
        .draw_series(xy.iter().map(|&p| Circle::new(p, 9, GREY.filled())))
        .map_err(err)?
        .label(l.get("fr_point", &[]))
        .legend(|(x, y)| Circle::new((x + 12, y), 9, GREY.filled()));
    // A value below 10 keeps its decimals (8.8, 0.05). A label with no clear place is left
    // out: its point keeps its dot and its row of frontier.csv.
    let value = |v: f64| {
        let decimals = match v {
            _ if v >= 10.0 || v.fract() == 0.0 => 0,
            _ if v >= 1.0 => 1,
            _ => 2,
        };
        l.num(v, decimals)
    };
    // Each label takes the first of four places around its point (right or left, above or
    // below) that keeps clear of every dot and of the labels placed before it.
    let dots: Vec<(i32, i32)> = xy.iter().map(|q| chart.backend_coord(q)).collect();
    let mut placed: Vec<(i32, i32)> = Vec::new();
    // (point, the label's offset from it, the label)
    type Label = ((f64, f64), (i32, i32), String);
    let mut labelled: Vec<Label> = Vec::new();
    for (p, &q) in points.iter().zip(&xy).filter(|(p, _)| p.3) {
        let (px, py) = chart.backend_coord(&q);
        let text = value(p.1);
        let width = 14 * text.chars().count() as i32;
        let clear = |at: (i32, i32)| {
            let box_hits = |(x, y): (i32, i32), pad: i32| {
                x >= at.0 - pad
                    && x <= at.0 + width + pad
                    && y >= at.1 - pad
                    && y <= at.1 + 24 + pad
            };
            dots.iter()
                .filter(|&&d| d != (px, py))
                .all(|&d| !box_hits(d, 14))
                && placed
                    .iter()
                    .all(|&(x, y)| (x - at.0).abs() > width + 10 || (y - at.1).abs() > 28)
        };
        let spot = [(16, -38), (16, 10), (-16 - width, -38), (-16 - width, 10)]
            .into_iter()
            .find(|o| clear((px + o.0, py + o.1)));
        match spot {
            Some(o) => {
                placed.push((px + o.0, py + o.1));
                labelled.push((q, o, text));
            }
            None => labelled.push((q, (0, 0), String::new())),
        }
    }
    chart
        .draw_series(labelled.into_iter().map(|(q, offset, text)| {
            EmptyElement::at(q)
                + Circle::new((0, 0), 12, BLUE.filled())
                + Text::new(text, offset, text_style(22, &INK))
        }))
        .map_err(err)?
        .label(l.get("fr_value", &[]))
        .legend(|(x, y)| Circle::new((x + 12, y), 12, BLUE.filled()));
    legend(&mut chart, SeriesLabelPosition::LowerRight, 24)?;
    Ok(())
}
