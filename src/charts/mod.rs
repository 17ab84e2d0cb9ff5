//! Slide-ready charts of a finished run, drawn from its output tables (see [`stats`]) with
//! plotters, as 1920×1080 PNG and SVG, in any language of `labels.tsv`.
//!
//! Text is set in DejaVu Sans, embedded from the `dejavu` crate and registered with
//! plotters' `ab_glyph` backend, so Vietnamese diacritics render on a machine without fonts.
//! Colours are the Okabe–Ito palette, safe for colour-blind readers. Every title states the
//! run's finding; every footer names the scenario, the date and, when the scenario is
//! illustrative, says so.
//!
//! The charts:
//! 1. `1-trajectory`: province EM staff as a share of quota against the required level in
//!    each target year; women, leaders and trained among EM staff (R4, R6, R8).
//! 2. `2-units`: every unit with an R1–R3 target, required and achieved share of quota in
//!    each target year, worst first, misses marked.
//! 3. `3-cost`: cost by year stacked by lever, all costs and levers without salaries.
//! 4. `4-hiring`: hires by year, channel and EM/non-EM, with the women's share.
//! 5. `5-attainment`: units × rules × target years: met, missed, not applicable.
//! 6. `6-no-plan`: the EM share with no plan (the forecast) against the plan, province-wide
//!    and for the five units furthest behind with no plan.

/// Draws `$body` (which uses `$root`) once as `DIR/NAME.png` and once as `DIR/NAME.svg`;
/// evaluates to the two paths. A macro because the drawing code is generic over the backend.
macro_rules! both {
    ($dir:expr, $name:expr, $root:ident => $body:expr) => {{
        let png = $dir.join(format!("{}.png", $name));
        let svg = $dir.join(format!("{}.svg", $name));
        let fail = |e: String| Error::output(&$dir.join($name), e);
        {
            let $root = BitMapBackend::new(&png, SIZE).into_drawing_area();
            $body.map_err(fail)?;
            $root.present().map_err(|e| fail(err(e)))?;
        }
        {
            let $root = SVGBackend::new(&svg, SIZE).into_drawing_area();
            $body.map_err(fail)?;
            $root.present().map_err(|e| fail(err(e)))?;
        }
        [png, svg]
    }};
}

pub mod compare;
pub mod labels;
pub mod stats;

use crate::error::{Error, Result};
use labels::Labels;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use stats::{pct, Stats};
use std::path::{Path, PathBuf};

pub const SIZE: (u32, u32) = (1920, 1080);
const FONT: &str = "sans-serif";

// Okabe–Ito.
const BLUE: RGBColor = RGBColor(0, 114, 178);
const ORANGE: RGBColor = RGBColor(230, 159, 0);
const SKY: RGBColor = RGBColor(86, 180, 233);
const GREEN: RGBColor = RGBColor(0, 158, 115);
const YELLOW: RGBColor = RGBColor(240, 228, 66);
const VERMILLION: RGBColor = RGBColor(213, 94, 0);
const PURPLE: RGBColor = RGBColor(204, 121, 167);
const GREY: RGBColor = RGBColor(153, 153, 153);
const LIGHT: RGBColor = RGBColor(229, 229, 229);
const INK: RGBColor = RGBColor(34, 34, 34);
const PALETTE: [RGBColor; 7] = [BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILLION, YELLOW];

/// The chart names, in order.
pub const CHARTS: [&str; 6] = [
    "1-trajectory",
    "2-units",
    "3-cost",
    "4-hiring",
    "5-attainment",
    "6-no-plan",
];

fn register_fonts() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Both calls only fail on a malformed font file, which the crate ships.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold());
    });
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

type Draw<T> = std::result::Result<T, String>;

/// Today's date (UTC), or the date of `SOURCE_DATE_EPOCH` when set, for reproducible plots.
pub fn footer_date() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    let days = secs.div_euclid(86_400);
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!("{y:04}-{m:02}-{d:02}")
}

/// Draws every chart of the run in `out` into `out/plots/<lang>/`, replacing that folder
/// only once all are drawn. Returns the files written.
pub fn draw_all(out: &Path, lang: &str) -> Result<Vec<PathBuf>> {
    let labels = Labels::new(lang)?;
    let stats = stats::load(out)?;
    let plots = out.join("plots");
    std::fs::create_dir_all(&plots).map_err(|e| Error::output(&plots, e))?;
    let target = plots.join(lang);
    let mut written = Vec::new();
    crate::output::write_folder(&target, |dir| {
        written = draw_into(dir, &stats, &labels)?;
        Ok(())
    })?;
    Ok(written
        .into_iter()
        .filter_map(|p| p.file_name().map(|n| target.join(n)))
        .collect())
}

/// Draws every chart into `dir`.
pub fn draw_into(dir: &Path, s: &Stats, l: &Labels) -> Result<Vec<PathBuf>> {
    register_fonts();
    let footer = footer_text(l, &s.version, &s.scenario, s.illustrative);
    let mut files = Vec::new();
    files.extend(both!(dir, CHARTS[0], root => trajectory(&root, s, l, &footer)));
    files.extend(both!(dir, CHARTS[1], root => units(&root, s, l, &footer)));
    files.extend(both!(dir, CHARTS[2], root => cost(&root, s, l, &footer)));
    files.extend(both!(dir, CHARTS[3], root => hiring(&root, s, l, &footer)));
    files.extend(both!(dir, CHARTS[4], root => attainment(&root, s, l, &footer)));
    files.extend(both!(dir, CHARTS[5], root => no_plan(&root, s, l, &footer)));
    Ok(files)
}

/// The footer: tool, scenario, date, and the illustrative-data warning when it applies.
fn footer_text(l: &Labels, version: &str, scenario: &str, illustrative: bool) -> String {
    let mut f = l.get("footer", &[version, scenario, &footer_date()]);
    if illustrative {
        f.push_str(" · ");
        f.push_str(&l.get("illustrative", &[]));
    }
    f
}

type Plane<'a, DB> = ChartContext<
    'a,
    DB,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// A mesh with years along x (a label every `step` years) and percentages up y.
fn year_mesh<DB: DrawingBackend>(
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

/// A chart with years along x and a percentage range up y, meshed in the charts' style.
fn year_chart<'a, DB: DrawingBackend>(
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

/// The series legend, in the charts' style.
fn legend<'a, DB: DrawingBackend + 'a, CT: plotters::coord::CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
    size: u32,
) -> Draw<()> {
    chart
        .configure_series_labels()
        .position(position)
        .label_font(text_style(size, &INK))
        .background_style(WHITE.mix(0.9))
        .border_style(LIGHT)
        .draw()
        .map_err(err)
}

fn text_style(size: u32, color: &RGBColor) -> TextStyle<'static> {
    (FONT, size).into_font().color(color)
}

fn bold(size: u32) -> TextStyle<'static> {
    (FONT, size).into_font().style(FontStyle::Bold).color(&INK)
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

/// White page, title at the top, footer at the bottom; returns the body.
fn page<DB: DrawingBackend>(
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

fn years_axis(s: &Stats) -> std::ops::Range<f64> {
    s.base_year as f64 - 0.5..s.horizon as f64 + 0.5
}

fn legend_box(x: i32, y: i32, color: RGBColor) -> Rectangle<(i32, i32)> {
    Rectangle::new([(x, y - 10), (x + 24, y + 10)], color.filled())
}

fn trajectory<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &Stats,
    l: &Labels,
    footer: &str,
) -> Draw<()> {
    let last = s.last_target_year();
    let share = |y: i32| {
        s.rate_units
            .get(&y)
            .map(|(em, q)| pct(*em, *q))
            .unwrap_or(0.0)
    };
    let required = |y: i32| {
        s.rate_required
            .get(&y)
            .map(|(r, q)| pct(*r, *q))
            .unwrap_or(0.0)
    };
    let title = l.get(
        "t1_title",
        &[
            &l.num(share(s.base_year), 1),
            &l.num(share(last), 1),
            &last.to_string(),
            &l.num(required(last), 1),
        ],
    );
    let body = page(root, &title, footer)?;
    let (left, right) = body.split_horizontally(1100);
    let ymax = (s.base_year..=s.horizon)
        .map(share)
        .chain(s.targets.iter().map(|t| required(t.0)))
        .fold(10.0f64, f64::max)
        * 1.2;
    let mut chart = year_chart(
        &left,
        s,
        l,
        Some(l.get("t1_left", &[])),
        0.0..ymax,
        &l.get("percent_of_quota", &[]),
        1,
    )?;
    let points: Vec<(f64, f64)> = (s.base_year..=s.horizon)
        .map(|y| (y as f64, share(y)))
        .collect();
    chart
        .draw_series(LineSeries::new(points.clone(), BLUE.stroke_width(6)))
        .map_err(err)?
        .label(l.get("em_of_quota", &[]))
        .legend(|(x, y)| legend_box(x, y, BLUE));
    chart
        .draw_series(points.iter().map(|&p| Circle::new(p, 7, BLUE.filled())))
        .map_err(err)?;
    for (i, &(year, level)) in s.targets.iter().enumerate() {
        let v = required(year);
        let series = chart
            .draw_series(std::iter::once(TriangleMarker::new(
                (year as f64, v),
                16,
                VERMILLION.filled(),
            )))
            .map_err(err)?;
        if i == 0 {
            series
                .label(l.get("required", &[]))
                .legend(|(x, y)| TriangleMarker::new((x + 12, y), 10, VERMILLION.filled()));
        }
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((year as f64, v))
                    + Text::new(
                        format!(
                            "{}%  {}",
                            l.num(v, 1),
                            l.get(
                                "required_level",
                                &[&year.to_string(), &l.num(level * 100.0, 0)]
                            )
                        ),
                        (-12, -46),
                        text_style(22, &VERMILLION).pos(Pos::new(HPos::Right, VPos::Center)),
                    ),
            ))
            .map_err(err)?;
        let achieved = share(year);
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((year as f64, achieved))
                    + Text::new(
                        format!("{}%", l.num(achieved, 1)),
                        (14, 24),
                        text_style(24, &BLUE).pos(Pos::new(HPos::Left, VPos::Center)),
                    ),
            ))
            .map_err(err)?;
    }
    legend(&mut chart, SeriesLabelPosition::UpperLeft, 24)?;

    let mut chart = ChartBuilder::on(&right)
        .margin(24)
        .margin_right(48)
        .caption(l.get("t1_right", &[]), text_style(32, &INK))
        .x_label_area_size(80)
        .y_label_area_size(100)
        .build_cartesian_2d(years_axis(s), 0.0..110.0)
        .map_err(err)?;
    year_mesh(&mut chart, s, l, &l.get("percent_of_em_staff", &[]), 2)?;
    let series: [(&str, RGBColor, fn(&stats::Counts) -> f64); 3] = [
        ("trained", GREEN, |c| pct(c.em_trained, c.em)),
        ("women", PURPLE, |c| pct(c.em_women, c.em)),
        ("leaders", ORANGE, |c| pct(c.em_leaders, c.em)),
    ];
    for (key, color, f) in series {
        let points: Vec<(f64, f64)> = s.province.iter().map(|(y, c)| (*y as f64, f(c))).collect();
        chart
            .draw_series(LineSeries::new(points, color.stroke_width(5)))
            .map_err(err)?
            .label(l.get(key, &[]))
            .legend(move |(x, y)| legend_box(x, y, color));
    }
    for &(year, level) in &s.targets {
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((year as f64, level * 100.0))
                    + TriangleMarker::new((0, 0), 14, GREEN.filled())
                    + Text::new(
                        l.get(
                            "trained_target",
                            &[&l.num(level * 100.0, 0), &year.to_string()],
                        ),
                        (-12, -28),
                        text_style(20, &GREEN).pos(Pos::new(HPos::Right, VPos::Center)),
                    ),
            ))
            .map_err(err)?;
    }
    legend(&mut chart, SeriesLabelPosition::MiddleRight, 24)?;
    Ok(())
}

fn units<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &Stats,
    l: &Labels,
    footer: &str,
) -> Draw<()> {
    let last = s.last_target_year();
    let first = s.targets.first().map(|t| t.0).unwrap_or(last);
    let mut shares: Vec<&stats::UnitShare> = s.unit_shares.iter().collect();
    let gap = |u: &stats::UnitShare| {
        u.by_year
            .get(&last)
            .map(|(r, a)| a - r)
            .unwrap_or(f64::INFINITY)
    };
    let required_last = |u: &stats::UnitShare| u.by_year.get(&last).map(|(r, _)| *r).unwrap_or(0.0);
    // Worst first; among units exactly on target, the highest requirement first.
    shares.sort_by(|a, b| {
        gap(a)
            .partial_cmp(&gap(b))
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(
                required_last(b)
                    .partial_cmp(&required_last(a))
                    .unwrap_or(std::cmp::Ordering::Equal),
            )
    });
    let communes: Vec<&&stats::UnitShare> = shares.iter().filter(|u| u.kind == "commune").collect();
    let communes_met = communes
        .iter()
        .filter(|u| u.met.get(&first) == Some(&true))
        .count();
    let missed_last = shares
        .iter()
        .filter(|u| u.met.get(&last) == Some(&false))
        .count();
    let title = l.get(
        "t2_title",
        &[
            &s.scenario_short(),
            &first.to_string(),
            &communes_met.to_string(),
            &communes.len().to_string(),
            &missed_last.to_string(),
            &last.to_string(),
        ],
    );
    let body = page(root, &title, footer)?;
    let n = shares.len().max(1);
    let ymax = shares
        .iter()
        .flat_map(|u| u.by_year.values().flat_map(|(r, a)| [*r, *a]))
        .fold(10.0f64, f64::max)
        * 1.1;
    let mut chart = ChartBuilder::on(&body)
        .margin(20)
        .margin_left(36)
        .margin_right(36)
        .x_label_area_size(110)
        .y_label_area_size(120)
        .build_cartesian_2d(-0.6..n as f64 - 0.4, 0.0..ymax)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_label_formatter(&|y| format!("{}%", l.num(*y, 0)))
        .x_desc(l.get("t2_axis", &[&last.to_string()]))
        .y_desc(l.get("percent_of_quota", &[]))
        .label_style(text_style(24, &INK))
        .axis_desc_style(text_style(26, &INK))
        .light_line_style(WHITE)
        .bold_line_style(LIGHT)
        .draw()
        .map_err(err)?;
    let years: Vec<(i32, f64)> = if first == last {
        vec![(last, 0.0)]
    } else {
        vec![(first, -0.2), (last, 0.2)]
    };
    for &(year, dx) in &years {
        let is_last = year == last;
        chart
            .draw_series(shares.iter().enumerate().filter_map(|(i, u)| {
                let (r, _) = u.by_year.get(&year)?;
                let x = i as f64 + dx;
                Some(PathElement::new(
                    vec![(x - 0.3, *r), (x + 0.3, *r)],
                    (if is_last { INK } else { GREY }).stroke_width(5),
                ))
            }))
            .map_err(err)?
            .label(l.get("required_year", &[&year.to_string()]))
            .legend(move |(x, y)| {
                PathElement::new(
                    vec![(x, y), (x + 24, y)],
                    (if is_last { INK } else { GREY }).stroke_width(4),
                )
            });
        for met in [true, false] {
            let color = if met { BLUE } else { VERMILLION };
            let series = chart
                .draw_series(shares.iter().enumerate().filter_map(|(i, u)| {
                    let (_, a) = u.by_year.get(&year)?;
                    if u.met.get(&year) != Some(&met) {
                        return None;
                    }
                    let style = if is_last {
                        color.filled()
                    } else {
                        color.stroke_width(3)
                    };
                    Some(Circle::new(
                        (i as f64 + dx, *a),
                        if is_last { 8 } else { 7 },
                        style,
                    ))
                }))
                .map_err(err)?;
            let key = if met {
                "achieved_met"
            } else {
                "achieved_missed"
            };
            series
                .label(l.get(key, &[&year.to_string()]))
                .legend(move |(x, y)| {
                    let style = if is_last {
                        color.filled()
                    } else {
                        color.stroke_width(3)
                    };
                    Circle::new((x + 12, y), 8, style)
                });
        }
    }
    // Unit ids under the axis, upright for misses so they stand out.
    for (i, u) in shares.iter().enumerate() {
        let (px, py) = chart.backend_coord(&(i as f64, 0.0));
        let missed = u.met.values().any(|m| !m);
        let style = text_style(
            if missed { 18 } else { 15 },
            if missed { &VERMILLION } else { &INK },
        )
        .transform(FontTransform::Rotate270)
        .pos(Pos::new(HPos::Right, VPos::Center));
        root.draw_text(&u.unit, &style, (px, py + 10))
            .map_err(err)?;
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight, 22)?;
    Ok(())
}

impl Stats {
    /// The scenario's name without a parenthesised note: "Sơn La".
    pub fn scenario_short(&self) -> String {
        self.scenario
            .split(" (")
            .next()
            .unwrap_or(&self.scenario)
            .to_string()
    }
}

/// Display name of a cost lever.
fn lever_name(l: &Labels, lever: &str) -> String {
    match lever.split_once(':') {
        Some(("hiring", ch)) => l.get("lever_hiring", &[ch]),
        _ => l.get(&format!("lever_{lever}"), &[]),
    }
}

/// Stacked bars by year with a total label on each bar.
fn stacked_bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &Stats,
    l: &Labels,
    caption: &str,
    y_desc: &str,
    layers: &[(String, RGBColor)],
    value: &dyn Fn(i32, &str) -> f64,
    total_label: &dyn Fn(i32, f64) -> String,
    legend_at: SeriesLabelPosition,
) -> Draw<()> {
    let years: Vec<i32> = (s.base_year + 1..=s.horizon).collect();
    let total = |y: i32| layers.iter().map(|(k, _)| value(y, k)).sum::<f64>();
    let ymax = years.iter().map(|&y| total(y)).fold(1.0f64, f64::max) * 1.18;
    let mut chart = ChartBuilder::on(area)
        .margin(24)
        .margin_left(36)
        .caption(caption, text_style(30, &INK))
        .x_label_area_size(80)
        .y_label_area_size(130)
        .build_cartesian_2d(s.base_year as f64 + 0.4..s.horizon as f64 + 0.6, 0.0..ymax)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(if area.dim_in_pixel().0 < 1000 {
            years.len() / 2 + 1
        } else {
            years.len()
        })
        .x_label_formatter(&|x| format!("{:.0}", x))
        .y_label_formatter(&|y| l.num(*y, 0))
        .x_desc(l.get("year", &[]))
        .y_desc(y_desc)
        .label_style(text_style(24, &INK))
        .axis_desc_style(text_style(26, &INK))
        .light_line_style(WHITE)
        .bold_line_style(LIGHT)
        .draw()
        .map_err(err)?;
    let mut floor: Vec<f64> = vec![0.0; years.len()];
    for (key, color) in layers {
        let bars: Vec<Rectangle<(f64, f64)>> = years
            .iter()
            .enumerate()
            .filter_map(|(i, &y)| {
                let v = value(y, key);
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
                total_label(y, total(y)),
                (y as f64, total(y) + ymax * 0.015),
                text_style(22, &INK).pos(Pos::new(HPos::Center, VPos::Bottom)),
            )
        }))
        .map_err(err)?;
    legend(&mut chart, legend_at, 22)?;
    Ok(())
}

fn cost<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &Stats,
    l: &Labels,
    footer: &str,
) -> Draw<()> {
    let total: f64 = s.costs.values().flat_map(|m| m.values()).sum();
    let salary: f64 = s.costs.values().filter_map(|m| m.get("salary")).sum();
    let title = l.get(
        "t3_title",
        &[
            &l.num(total / 1000.0, 1),
            &(s.base_year + 1).to_string(),
            &s.horizon.to_string(),
            &l.num((total - salary) / 1000.0, 1),
        ],
    );
    let body = page(root, &title, footer)?;
    let mut levers: Vec<String> = s
        .costs
        .values()
        .flat_map(|m| m.keys().cloned())
        .filter(|k| k != "salary")
        .collect();
    levers.sort();
    levers.dedup();
    let colored: Vec<(String, RGBColor)> = levers
        .iter()
        .enumerate()
        .map(|(i, k)| (k.clone(), PALETTE[i % PALETTE.len()]))
        .collect();
    let billions = |y: i32, k: &str| {
        s.costs
            .get(&y)
            .and_then(|m| m.get(k))
            .copied()
            .unwrap_or(0.0)
            / 1000.0
    };
    let (left, right) = body.split_horizontally(760);
    let salaries = lever_name(l, "salary");
    let others = l.get("t3_right", &[]);
    let others_name = others.split(',').next().unwrap_or(&others).to_string();
    stacked_bars(
        &left,
        s,
        l,
        &l.get("t3_left", &[]),
        &l.get("billion_vnd", &[]),
        &[(salaries.clone(), GREY), (others_name.clone(), ORANGE)],
        &|y, n| {
            let all: f64 = s.costs.get(&y).map(|m| m.values().sum()).unwrap_or(0.0) / 1000.0;
            let salary = billions(y, "salary");
            if n == salaries {
                salary
            } else {
                all - salary
            }
        },
        &|_, t| l.num(t, 0),
        SeriesLabelPosition::UpperRight,
    )?;
    let named: Vec<(String, RGBColor)> = colored
        .iter()
        .map(|(k, c)| (lever_name(l, k), *c))
        .collect();
    let key_of = |n: &str| -> String {
        colored
            .iter()
            .find(|(k, _)| lever_name(l, k) == n)
            .map(|(k, _)| k.clone())
            .unwrap_or_default()
    };
    stacked_bars(
        &right,
        s,
        l,
        &l.get("t3_right", &[]),
        &l.get("billion_vnd", &[]),
        &named,
        &|y, n| billions(y, &key_of(n)),
        &|_, t| l.num(t, 1),
        SeriesLabelPosition::UpperRight,
    )
}

fn hiring<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &Stats,
    l: &Labels,
    footer: &str,
) -> Draw<()> {
    let (mut all, mut em, mut women) = (0.0, 0.0, 0.0);
    for by in s.hires.values() {
        for ((_, is_em), (n, w)) in by {
            all += n;
            women += w;
            if *is_em {
                em += n;
            }
        }
    }
    let title = l.get(
        "t4_title",
        &[
            &l.num(all, 0),
            &(s.base_year + 1).to_string(),
            &s.horizon.to_string(),
            &l.num(pct(em, all), 0),
            &l.num(pct(women, all), 0),
        ],
    );
    let body = page(root, &title, footer)?;
    let mut channels: Vec<String> = s
        .hires
        .values()
        .flat_map(|m| m.keys().map(|(c, _)| c.clone()))
        .collect();
    channels.sort();
    channels.dedup();
    let mut layers: Vec<(String, RGBColor)> = Vec::new();
    let mut keys: Vec<(String, bool)> = Vec::new();
    for (i, ch) in channels.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        for is_em in [true, false] {
            let present = s
                .hires
                .values()
                .any(|m| m.contains_key(&(ch.clone(), is_em)));
            if present {
                let name = if is_em {
                    l.get("hires_em", &[ch])
                } else {
                    l.get("hires_non_em", &[ch])
                };
                let c = if is_em {
                    color
                } else {
                    color.mix(0.45).to_rgba().rgb_color()
                };
                layers.push((name, c));
                keys.push((ch.clone(), is_em));
            }
        }
    }
    let value = |y: i32, name: &str| {
        layers
            .iter()
            .position(|(n, _)| n == name)
            .and_then(|i| s.hires.get(&y)?.get(&keys[i]).map(|(n, _)| *n))
            .unwrap_or(0.0)
    };
    let women_share = |y: i32| {
        let (n, w) = s
            .hires
            .get(&y)
            .map(|m| m.values().fold((0.0, 0.0), |a, (n, w)| (a.0 + n, a.1 + w)))
            .unwrap_or((0.0, 0.0));
        pct(w, n)
    };
    stacked_bars(
        &body,
        s,
        l,
        "",
        &l.get("hires", &[]),
        &layers,
        &value,
        &|y, t| {
            format!(
                "{} · {}",
                l.num(t, 0),
                l.get("women_share_label", &[&l.num(women_share(y), 0)])
            )
        },
        SeriesLabelPosition::UpperLeft,
    )
}

trait ToRgb {
    fn rgb_color(&self) -> RGBColor;
}

impl ToRgb for RGBAColor {
    /// The colour over white.
    fn rgb_color(&self) -> RGBColor {
        let (r, g, b) = self.rgb();
        let a = self.alpha();
        let over = |c: u8| (c as f64 * a + 255.0 * (1.0 - a)).round() as u8;
        RGBColor(over(r), over(g), over(b))
    }
}

fn attainment<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &Stats,
    l: &Labels,
    footer: &str,
) -> Draw<()> {
    let rules: Vec<String> = {
        let mut r: Vec<String> = s.status.keys().map(|(_, r, _)| r.clone()).collect();
        r.sort();
        r.dedup();
        r
    };
    let rows: Vec<(i32, String)> = s
        .targets
        .iter()
        .flat_map(|t| rules.iter().map(move |r| (t.0, r.clone())))
        .collect();
    let cols = &s.target_units;
    let met = s.status.values().filter(|m| **m).count();
    let mut missing_units: Vec<&String> = cols
        .iter()
        .filter(|u| s.status.iter().any(|((uu, _, _), m)| uu == *u && !m))
        .collect();
    missing_units.dedup();
    let where_ = match missing_units.len() {
        0 => l.get("t5_none", &[]),
        1..=4 => missing_units
            .iter()
            .map(|u| u.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        n => l.get(
            "and_more",
            &[
                &missing_units[..3]
                    .iter()
                    .map(|u| u.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                &(n - 3).to_string(),
            ],
        ),
    };
    let title = l.get(
        "t5_title",
        &[
            &l.num(met as f64, 0),
            &l.num(s.status.len() as f64, 0),
            &where_,
        ],
    );
    let body = page(root, &title, footer)?;
    let (legend_area, grid) = body.split_vertically(60);
    let mut x = 200;
    for (key, color) in [
        ("met", BLUE),
        ("missed", VERMILLION),
        ("not_applicable", LIGHT),
    ] {
        legend_area
            .draw(&Rectangle::new([(x, 14), (x + 34, 46)], color.filled()))
            .map_err(err)?;
        let label = l.get(key, &[]);
        legend_area
            .draw_text(&label, &text_style(26, &INK), (x + 46, 16))
            .map_err(err)?;
        x += 90 + 16 * label.chars().count() as i32;
    }
    let mut chart = ChartBuilder::on(&grid)
        .margin(16)
        .margin_right(36)
        .x_label_area_size(120)
        .y_label_area_size(150)
        .build_cartesian_2d(0.0..cols.len().max(1) as f64, 0.0..rows.len().max(1) as f64)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(0)
        .y_labels(0)
        .draw()
        .map_err(err)?;
    chart
        .draw_series(rows.iter().enumerate().flat_map(|(ri, (year, rule))| {
            let y = (rows.len() - 1 - ri) as f64;
            cols.iter().enumerate().map(move |(ci, unit)| {
                let color = match s.status.get(&(unit.clone(), rule.clone(), *year)) {
                    Some(true) => BLUE,
                    Some(false) => VERMILLION,
                    None => LIGHT,
                };
                Rectangle::new(
                    [(ci as f64 + 0.06, y + 0.08), (ci as f64 + 0.94, y + 0.92)],
                    color.filled(),
                )
            })
        }))
        .map_err(err)?;
    for (ri, (year, rule)) in rows.iter().enumerate() {
        let y = (rows.len() - 1 - ri) as f64 + 0.5;
        let (px, py) = chart.backend_coord(&(0.0, y));
        root.draw_text(
            &format!("{year} {rule}"),
            &text_style(24, &INK).pos(Pos::new(HPos::Right, VPos::Center)),
            (px - 12, py),
        )
        .map_err(err)?;
    }
    for (ci, unit) in cols.iter().enumerate() {
        let (px, py) = chart.backend_coord(&(ci as f64 + 0.5, 0.0));
        let missed = missing_units.contains(&unit);
        root.draw_text(
            unit,
            &text_style(
                if missed { 17 } else { 14 },
                if missed { &VERMILLION } else { &INK },
            )
            .transform(FontTransform::Rotate270)
            .pos(Pos::new(HPos::Right, VPos::Center)),
            (px, py + 8),
        )
        .map_err(err)?;
    }
    Ok(())
}

fn no_plan<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &Stats,
    l: &Labels,
    footer: &str,
) -> Draw<()> {
    let last = s.last_target_year();
    let share = |c: Option<&stats::Counts>| c.map(|c| pct(c.em, c.all)).unwrap_or(0.0);
    let empty = std::collections::BTreeMap::new();
    let forecast = s.forecast.as_ref().unwrap_or(&empty);
    let title = l.get(
        "t6_title",
        &[
            &l.num(share(forecast.get(&last)), 1),
            &last.to_string(),
            &l.num(share(s.province.get(&last)), 1),
        ],
    );
    let body = page(root, &title, footer)?;
    let (left, right) = body.split_horizontally(900);
    let lines: [(
        &str,
        RGBColor,
        &std::collections::BTreeMap<i32, stats::Counts>,
    ); 2] = [
        ("no_plan", GREY, forecast),
        ("with_plan", BLUE, &s.province),
    ];
    let ymax = lines
        .iter()
        .flat_map(|(_, _, m)| m.values().map(|c| pct(c.em, c.all)))
        .fold(10.0f64, f64::max)
        * 1.25;
    let mut chart = year_chart(
        &left,
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
    legend(&mut chart, SeriesLabelPosition::UpperLeft, 24)?;

    // The five units furthest behind with no plan, in the last target year.
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
    let planned = |u: &str| {
        s.unit_shares
            .iter()
            .find(|x| x.unit == u)
            .and_then(|x| x.by_year.get(&last))
            .map(|(_, a)| *a)
            .unwrap_or(0.0)
    };
    let ymax = worst
        .iter()
        .flat_map(|(u, r, p)| [*r, *p, planned(u)])
        .fold(10.0f64, f64::max)
        * 1.2;
    let mut chart = ChartBuilder::on(&right)
        .margin(24)
        .margin_right(48)
        .caption(
            l.get("t6_right", &[&last.to_string()]),
            text_style(30, &INK),
        )
        .x_label_area_size(80)
        .y_label_area_size(110)
        .build_cartesian_2d(-0.5..worst.len().max(1) as f64 - 0.5, 0.0..ymax)
        .map_err(err)?;
    let names: Vec<String> = worst.iter().map(|(u, _, _)| (*u).clone()).collect();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(worst.len().max(1))
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
    let bars: [(&str, RGBColor, f64); 2] = [("no_plan", GREY, -0.17), ("with_plan", BLUE, 0.17)];
    for (key, color, dx) in bars {
        chart
            .draw_series(worst.iter().enumerate().map(|(i, (u, _, p))| {
                let v = if key == "no_plan" { *p } else { planned(u) };
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
    legend(&mut chart, SeriesLabelPosition::UpperRight, 24)?;
    Ok(())
}
