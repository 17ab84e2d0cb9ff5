//! The frame every chart is drawn in: the white page with its title and footer, the
//! year-by-percentage plane with its mesh, and stacked bars by year.

use super::*;

/// White page, title at the top, footer at the bottom; returns the body.
pub(super) fn page<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    footer: &str,
) -> Draw<DrawingArea<DB, Shift>> {
    root.fill(&WHITE).map_err(err)?;
    let (top, rest) = root.split_vertically(110);
    let size = fitting(root, title, 44, SIZE.0 - 96, true);
    top.draw_text(title, &bold(size), (48, 34)).map_err(err)?;
    let (body, bottom) = rest.split_vertically(SIZE.1 - 110 - 54);
    let fsize = fitting(root, footer, 22, SIZE.0 - 96, false);
    bottom
        .draw_text(footer, &text_style(fsize, &RGBColor(85, 85, 85)), (48, 14))
        .map_err(err)?;
    Ok(body)
}

/// The largest size from `start` down at which `text` fits in `width` pixels.
fn fitting<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    start: u32,
    width: u32,
    bold_face: bool,
) -> u32 {
    let mut size = start;
    while size > 18 {
        let font = (FONT, size).into_font();
        let font = if bold_face {
            font.style(FontStyle::Bold)
        } else {
            font
        };
        match area.estimate_text_size(text, &TextStyle::from(font)) {
            Ok((w, _)) if w <= width => break,
            _ => size -= 2,
        }
    }
    size
}

/// A chart with real numbers along both axes.
pub(super) type Plane<'a, DB> = ChartContext<
    'a,
    DB,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// The x range of a chart by year, half a year beyond the base year and the horizon.
pub(super) fn years_axis(s: &Stats) -> std::ops::Range<f64> {
    s.base_year as f64 - 0.5..s.horizon as f64 + 0.5
}

/// A mesh with years along x (a label every `step` years) and percentages up y.
pub(super) fn year_mesh<DB: DrawingBackend>(
    chart: &mut Plane<'_, DB>,
    s: &Stats,
    l: &Labels,
    y_desc: &str,
    step: i32,
) -> Draw<()> {
    chart
        .configure_mesh()
        .x_labels(((s.horizon - s.base_year) / step.max(1) + 1) as usize)
        .x_label_formatter(&|x| format!("{:.0}", x))
        .y_label_formatter(&|y| format!("{}%", l.num(*y, 0)))
        .x_desc(l.get("year", &[]))
        .y_desc(y_desc)
        .label_style(text_style(24, &INK))
        .axis_desc_style(text_style(26, &INK))
        .light_line_style(WHITE)
        .bold_line_style(LIGHT)
        .draw()
        .map_err(err)
}

/// The province's EM share of staff, year by year.
pub(super) fn em_share_points(s: &Stats) -> Vec<(f64, f64)> {
    s.province
        .iter()
        .map(|(y, c)| (*y as f64, pct(c.em, c.all)))
        .collect()
}

/// The range of the EM shares of `runs`, from 90% of the lowest to `headroom` times the
/// highest (at least 10%).
pub(super) fn em_share_range<'a>(
    runs: impl Iterator<Item = &'a Stats> + Clone,
    headroom: f64,
) -> std::ops::Range<f64> {
    let shares = || {
        runs.clone()
            .flat_map(|s| s.province.values().map(|c| pct(c.em, c.all)))
    };
    let lo = shares().fold(100.0f64, f64::min) * 0.9;
    let hi = shares().fold(10.0f64, f64::max) * headroom;
    lo..hi
}

/// One EM-share line per run, in the palette's order, the first thicker, each in the legend.
pub(super) fn em_share_lines<DB: DrawingBackend>(
    chart: &mut Plane<'_, DB>,
    runs: &[(String, &Stats)],
) -> Draw<()> {
    for (i, (name, s)) in runs.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        chart
            .draw_series(LineSeries::new(
                em_share_points(s),
                color.stroke_width(if i == 0 { 7 } else { 4 }),
            ))
            .map_err(err)?
            .label(name.clone())
            .legend(move |(x, y)| legend_box(x, y, color));
    }
    Ok(())
}

/// A chart with years along x and a percentage range up y, meshed in the charts' style.
pub(super) fn year_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    s: &Stats,
    l: &Labels,
    caption: Option<String>,
    y: std::ops::Range<f64>,
    y_desc: &str,
    step: i32,
) -> Draw<Plane<'a, DB>> {
    let mut builder = ChartBuilder::on(area);
    builder
        .margin(24)
        .margin_left(36)
        .x_label_area_size(80)
        .y_label_area_size(120);
    if let Some(c) = caption {
        builder.caption(c, text_style(30, &INK));
    }
    let mut chart = builder.build_cartesian_2d(years_axis(s), y).map_err(err)?;
    year_mesh(&mut chart, s, l, y_desc, step)?;
    Ok(chart)
}

/// A layer of stacked bars: its name, shown in the legend, and its colour.
pub(super) type Layer = (String, RGBColor);

/// What a panel of stacked bars by year shows.
pub(super) struct Stack<'a> {
    pub(super) caption: &'a str,
    pub(super) y_desc: &'a str,
    /// Bottom first.
    pub(super) layers: &'a [Layer],
    /// A layer's value in a year, by the layer's name.
    pub(super) value: &'a dyn Fn(i32, &str) -> f64,
    /// The label over a year's bar, from the year, the bar's total and the decimals of the
    /// panel's axis (so that a total of 0.3 billion does not read 0).
    pub(super) total_label: &'a dyn Fn(i32, f64, usize) -> String,
    pub(super) legend_at: SeriesLabelPosition,
    /// Money, whose axis is labelled to a tenth below 10 ([`axis_decimals`]); else whole
    /// people, on whole ticks only ([`whole_ticks`]).
    pub(super) money: bool,
}

/// Stacked bars by year, after the base year, with a total label on each bar.
pub(super) fn stacked_bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &Stats,
    l: &Labels,
    stack: Stack,
) -> Draw<()> {
    let years: Vec<i32> = (s.base_year + 1..=s.horizon).collect();
    let total = |y: i32| {
        stack
            .layers
            .iter()
            .map(|(k, _)| (stack.value)(y, k))
            .sum::<f64>()
    };
    // Headroom for the legend over the tallest bar: a line per layer.
    let headroom = 1.06 + 0.06 * stack.layers.len().max(2) as f64;
    let ymax = years.iter().map(|&y| total(y)).fold(1.0f64, f64::max) * headroom;
    let decimals = if stack.money { axis_decimals(ymax) } else { 0 };
    let mut chart = bar_axes(area, s, l, &stack, years.len(), ymax, decimals)?;
    let mut floor: Vec<f64> = vec![0.0; years.len()];
    for (key, color) in stack.layers {
        let bars: Vec<Rectangle<(f64, f64)>> = years
            .iter()
            .enumerate()
            .filter_map(|(i, &y)| {
                let v = (stack.value)(y, key);
                let bar = (v > 0.0).then(|| {
                    Rectangle::new(
                        [(y as f64 - 0.34, floor[i]), (y as f64 + 0.34, floor[i] + v)],
                        color.filled(),
                    )
                });
                floor[i] += v;
                bar
            })
            .collect();
        let c = *color;
        chart
            .draw_series(bars)
            .map_err(err)?
            .label(key.clone())
            .legend(move |(x, y)| legend_box(x, y, c));
    }
    chart
        .draw_series(years.iter().map(|&y| {
            Text::new(
                (stack.total_label)(y, total(y), decimals),
                (y as f64, total(y) + ymax * 0.015),
                text_style(22, &INK).pos(Pos::new(HPos::Center, VPos::Bottom)),
            )
        }))
        .map_err(err)?;
    legend(&mut chart, stack.legend_at, 22)
}

/// The plane of stacked bars: a slot per year after the base year (every other year
/// labelled on a narrow panel), values up to `ymax` up y, labelled to `decimals`.
fn bar_axes<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    s: &Stats,
    l: &Labels,
    stack: &Stack,
    years: usize,
    ymax: f64,
    decimals: usize,
) -> Draw<Plane<'a, DB>> {
    let mut chart = ChartBuilder::on(area)
        .margin(24)
        .margin_left(36)
        .caption(stack.caption, text_style(30, &INK))
        .x_label_area_size(80)
        .y_label_area_size(130)
        .build_cartesian_2d(s.base_year as f64 + 0.4..s.horizon as f64 + 0.6, 0.0..ymax)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(if area.dim_in_pixel().0 < 1000 {
            years / 2 + 1
        } else {
            years
        })
        .x_label_formatter(&|x| format!("{:.0}", x))
        .y_labels(if stack.money {
            MESH_LABELS
        } else {
            whole_ticks(ymax)
        })
        .y_label_formatter(&|y| l.num(*y, decimals))
        .x_desc(l.get("year", &[]))
        .y_desc(stack.y_desc)
        .label_style(text_style(24, &INK))
        .axis_desc_style(text_style(26, &INK))
        .light_line_style(WHITE)
        .bold_line_style(LIGHT)
        .draw()
        .map_err(err)?;
    Ok(chart)
}

/// Plotters' default number of labels on an axis.
const MESH_LABELS: usize = 11;

/// At most as many labels on an axis of whole numbers (people, targets) `width` long as
/// there can be whole numbers on it: plotters' steps are 1, 2 or 5 × 10^k, so the step is
/// then at least 1 and every tick whole (with 11, a panel of 3 hires had ticks 0.5 apart,
/// read 0, 0, 1, 2, 2, 2, 3).
pub(super) fn whole_ticks(width: f64) -> usize {
    width.clamp(0.0, (MESH_LABELS - 1) as f64).floor() as usize + 1
}

/// Decimals of an axis's labels up to `max`: whole numbers from 10 up; below, a tenth, so
/// that ticks 0.2 apart (a lever panel of about a billion VND) do not all read 0 or 1.
pub(super) fn axis_decimals(max: f64) -> usize {
    if max >= 10.0 {
        0
    } else {
        1
    }
}
