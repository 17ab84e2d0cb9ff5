//! Chart 1, `1-trajectory`: on the left, the EM staff of the units with an R1–R3 target as
//! a share of their quota, year by year, against the level each target year requires; on
//! the right, women, leaders and trained as shares of the province's EM staff, with the
//! trained target of each target year (R4, R6, R8). Between target years, the yearly
//! milestones (`kind = milestone` rows of `targets.csv`) are drawn as the path the plan is
//! held to: on the left the R1–R3 level, on the right the trained share R8 asks.

use super::*;

pub(super) fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &Stats,
    l: &Labels,
    footer: &str,
) -> Draw<()> {
    let last = s.last_target_year();
    let title = l.get(
        "t1_title",
        &[
            &l.num(em_share(s, s.base_year), 1),
            &l.num(em_share(s, last), 1),
            &last.to_string(),
            &l.num(required_share(s, last), 1),
        ],
    );
    let body = page(root, &title, footer)?;
    let (left, right) = body.split_horizontally(1100);
    em_against_required(&left, s, l)?;
    em_groups(&right, s, l)
}

/// EM staff as a percentage of quota in `year`.
fn em_share(s: &Stats, year: i32) -> f64 {
    s.rate_units
        .get(&year)
        .map(|(em, q)| pct(*em, *q))
        .unwrap_or(0.0)
}

/// The percentage of quota required in target year `year`.
fn required_share(s: &Stats, year: i32) -> f64 {
    s.rate_required
        .get(&year)
        .map(|(r, q)| pct(*r, *q))
        .unwrap_or(0.0)
}

/// Left panel: the EM share by year, with the required and achieved levels of each
/// target year.
fn em_against_required<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &Stats,
    l: &Labels,
) -> Draw<()> {
    let ymax = (s.base_year..=s.horizon)
        .map(|y| em_share(s, y))
        .chain(s.targets.iter().map(|t| required_share(s, t.0)))
        .fold(10.0f64, f64::max)
        * 1.2;
    let mut chart = year_chart(
        area,
        s,
        l,
        Some(l.get("t1_left", &[])),
        0.0..ymax,
        &l.get("percent_of_quota", &[]),
        1,
    )?;
    let points: Vec<(f64, f64)> = (s.base_year..=s.horizon)
        .map(|y| (y as f64, em_share(s, y)))
        .collect();
    chart
        .draw_series(LineSeries::new(points.clone(), BLUE.stroke_width(6)))
        .map_err(err)?
        .label(l.get("em_of_quota", &[]))
        .legend(|(x, y)| legend_box(x, y, BLUE));
    chart
        .draw_series(points.iter().map(|&p| Circle::new(p, 7, BLUE.filled())))
        .map_err(err)?;
    draw_milestones(&mut chart, s, l)?;
    mark_target_years(&mut chart, s, l, &points)?;
    legend(&mut chart, SeriesLabelPosition::UpperLeft, 24)
}

/// The yearly milestones: the level each year between target years asks, joined to the
/// target years' required levels by a thin line.
fn draw_milestones<DB: DrawingBackend>(
    chart: &mut Plane<'_, DB>,
    s: &Stats,
    l: &Labels,
) -> Draw<()> {
    let path = milestone_path(s);
    if path.is_empty() {
        return Ok(());
    }
    chart
        .draw_series(LineSeries::new(path, VERMILLION.stroke_width(2)))
        .map_err(err)?
        .label(l.get("milestones", &[]))
        .legend(|(x, y)| legend_box(x, y, VERMILLION));
    chart
        .draw_series(
            s.rate_milestones
                .iter()
                .map(|(y, (r, q))| Circle::new((*y as f64, pct(*r, *q)), 5, VERMILLION.filled())),
        )
        .map_err(err)?;
    Ok(())
}

/// The milestones' path: each year's milestone level and the target years' required levels,
/// in year order (empty without milestones).
fn milestone_path(s: &Stats) -> Vec<(f64, f64)> {
    if s.rate_milestones.is_empty() {
        return Vec::new();
    }
    let mut path: Vec<(f64, f64)> = s
        .rate_milestones
        .iter()
        .map(|(y, (r, q))| (*y as f64, pct(*r, *q)))
        .chain(
            s.targets
                .iter()
                .map(|t| (t.0 as f64, required_share(s, t.0))),
        )
        .collect();
    path.sort_by(|a, b| a.0.total_cmp(&b.0));
    path
}

/// A box of pixels: its columns and its rows, both ends included.
type Area = ((i32, i32), (i32, i32));

/// Whether a line through `path` (pixels; a single point counts) comes within `pad` pixels
/// of the box `area`, as a square reach: the segment and the padded box meet (their spans
/// overlap and the box's corners are not all on one side of the segment).
fn crosses(path: &[(i32, i32)], area: Area, pad: i32) -> bool {
    let ((x0, x1), (y0, y1)) = (
        (area.0 .0 - pad, area.0 .1 + pad),
        (area.1 .0 - pad, area.1 .1 + pad),
    );
    let meets = |(ax, ay): (i32, i32), (bx, by): (i32, i32)| {
        if ax.max(bx) < x0 || ax.min(bx) > x1 || ay.max(by) < y0 || ay.min(by) > y1 {
            return false;
        }
        let side = |cx: i32, cy: i32| {
            (i64::from(bx - ax) * i64::from(cy - ay) - i64::from(by - ay) * i64::from(cx - ax))
                .signum()
        };
        let sides = [side(x0, y0), side(x1, y0), side(x0, y1), side(x1, y1)];
        !(sides.iter().all(|&v| v > 0) || sides.iter().all(|&v| v < 0))
    };
    match path {
        [p] => meets(*p, *p),
        _ => path.windows(2).any(|w| meets(w[0], w[1])),
    }
}

/// The rows a line of text of font `size` and estimated `height` (pixels) covers when
/// plotters centres it on `centre`: its baseline `size/2 − height/2` below, DejaVu Sans
/// rising 1,901 and falling 483 of its 2,384 units about it (accents included).
fn text_rows(centre: i32, size: i32, height: i32) -> (i32, i32) {
    let baseline = centre + size / 2 - height / 2;
    (
        baseline - (size * 1901 + 2383) / 2384,
        baseline + (size * 483 + 2383) / 2384,
    )
}

/// Pixels kept between a label and whatever it must not touch.
const GAP: i32 = 4;

/// Where the achieved share's label sits from its point (pixels right and down).
const ACHIEVED_OFFSET: (i32, i32) = (14, 24);

/// Pixels between a requirement label's right end and its triangle's point.
const REQUIREMENT_GAP: i32 = 12;

/// The columns of a requirement label `width` pixels wide, ending `REQUIREMENT_GAP` pixels
/// left of its triangle at column `px`.
fn label_columns(px: i32, width: i32) -> (i32, i32) {
    (px - REQUIREMENT_GAP - width, px - REQUIREMENT_GAP)
}

/// What a requirement label must keep clear of: lines with how far their strokes and dots
/// reach from them, and boxes (triangles, other labels).
struct Obstacles {
    lines: Vec<(Vec<(i32, i32)>, i32)>,
    boxes: Vec<Area>,
}

/// How far below (positive) or above a target's triangle at `anchor` its label goes: the
/// label ends `REQUIREMENT_GAP` pixels left of the triangle, `width` wide, covering the rows `text_rows`
/// gives about its centre. The nearest of a few heights where it stays inside the plot's
/// `rows` and `GAP` pixels clear of every obstacle: 46 pixels above, then below, 90 above,
/// then below, then 134 and 178 below only (the legend sits in the upper left); 46 above, as
/// before, if none is clear.
fn label_offset(
    anchor: (i32, i32),
    width: i32,
    rows_of: impl Fn(i32) -> (i32, i32),
    obstacles: &Obstacles,
    rows: std::ops::Range<i32>,
) -> i32 {
    let (px, py) = anchor;
    let x = label_columns(px, width);
    [-46, 46, -90, 90, 134, 178]
        .into_iter()
        .find(|dy| {
            let y = rows_of(py + dy);
            y.0 >= rows.start
                && y.1 < rows.end
                && !obstacles
                    .lines
                    .iter()
                    .any(|(line, reach)| crosses(line, (x, y), GAP + reach))
                && !obstacles.boxes.iter().any(|b| {
                    b.0 .0 <= x.1 + GAP
                        && b.0 .1 >= x.0 - GAP
                        && b.1 .0 <= y.1 + GAP
                        && b.1 .1 >= y.0 - GAP
                })
        })
        .unwrap_or(-46)
}

/// At each target year, a triangle at the required level, labelled with the rule, and the
/// achieved share next to its point. The rule's label keeps clear of both lines, the
/// triangles and the other labels ([`label_offset`]); `achieved_line` is the EM share by
/// year as drawn.
fn mark_target_years<DB: DrawingBackend>(
    chart: &mut Plane<'_, DB>,
    s: &Stats,
    l: &Labels,
    achieved_line: &[(f64, f64)],
) -> Draw<()> {
    let in_pixels = |chart: &Plane<'_, DB>, path: &[(f64, f64)]| -> Vec<(i32, i32)> {
        path.iter().map(|p| chart.backend_coord(p)).collect()
    };
    // The achieved line: stroke 6, dots of radius 7; the milestones': stroke 2, dots 5.
    let mut obstacles = Obstacles {
        lines: vec![
            (in_pixels(chart, achieved_line), 7),
            (in_pixels(chart, &milestone_path(s)), 5),
        ],
        boxes: Vec::new(),
    };
    let achieved_text = |year: i32| format!("{}%", l.num(em_share(s, year), 1));
    let achieved_style = text_style(24, &BLUE).pos(Pos::new(HPos::Left, VPos::Center));
    for &(year, _) in &s.targets {
        // The triangle (size 16: 16 pixels above its point, 8 below, 14 either side) and the
        // achieved share's label (`ACHIEVED_OFFSET` from its point).
        let (tx, ty) = chart.backend_coord(&(year as f64, required_share(s, year)));
        obstacles
            .boxes
            .push(((tx - 14, tx + 14), (ty - 16, ty + 8)));
        let (ax, ay) = chart.backend_coord(&(year as f64, em_share(s, year)));
        let (w, h) = chart
            .plotting_area()
            .estimate_text_size(&achieved_text(year), &achieved_style)
            .map_err(err)?;
        let (ox, oy) = ACHIEVED_OFFSET;
        obstacles.boxes.push((
            (ax + ox, ax + ox + w as i32),
            text_rows(ay + oy, 24, h as i32),
        ));
    }
    let (_, plot_y) = chart.plotting_area().get_pixel_range();
    for (i, &(year, level)) in s.targets.iter().enumerate() {
        let v = required_share(s, year);
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
        let text = format!(
            "{}%  {}",
            l.num(v, 1),
            l.get(
                "required_level",
                &[&year.to_string(), &l.num(level * 100.0, 0)]
            )
        );
        let style = text_style(22, &VERMILLION).pos(Pos::new(HPos::Right, VPos::Center));
        let (width, height) = chart
            .plotting_area()
            .estimate_text_size(&text, &style)
            .map_err(err)?;
        let (px, py) = chart.backend_coord(&(year as f64, v));
        let rows_of = |centre: i32| text_rows(centre, 22, height as i32);
        let dy = label_offset((px, py), width as i32, rows_of, &obstacles, plot_y.clone());
        obstacles
            .boxes
            .push((label_columns(px, width as i32), rows_of(py + dy)));
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((year as f64, v)) + Text::new(text, (-REQUIREMENT_GAP, dy), style),
            ))
            .map_err(err)?;
        let achieved = em_share(s, year);
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((year as f64, achieved))
                    + Text::new(achieved_text(year), ACHIEVED_OFFSET, achieved_style.clone()),
            ))
            .map_err(err)?;
    }
    Ok(())
}

/// A group's percentage of a year's EM staff.
type ShareOfEm = fn(&stats::Counts) -> f64;

/// Right panel: trained, women and leaders as shares of EM staff by year, with the trained
/// target of each target year.
fn em_groups<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, s: &Stats, l: &Labels) -> Draw<()> {
    let mut chart = ChartBuilder::on(area)
        .margin(24)
        .margin_right(48)
        .caption(l.get("t1_right", &[]), text_style(32, &INK))
        .x_label_area_size(80)
        .y_label_area_size(100)
        .build_cartesian_2d(years_axis(s), 0.0..110.0)
        .map_err(err)?;
    year_mesh(&mut chart, s, l, &l.get("percent_of_em_staff", &[]), 2)?;
    let series: [(&str, RGBColor, ShareOfEm); 3] = [
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
    let trained_path: Vec<(f64, f64)> = s
        .trained_milestones
        .iter()
        .filter_map(|(y, r)| Some((*y as f64, pct(*r, s.province.get(y)?.em))))
        .collect();
    if !trained_path.is_empty() {
        chart
            .draw_series(
                trained_path
                    .iter()
                    .map(|&p| Circle::new(p, 5, GREEN.stroke_width(2))),
            )
            .map_err(err)?
            .label(l.get("trained_milestones", &[]))
            .legend(|(x, y)| Circle::new((x + 12, y), 5, GREEN.stroke_width(2)));
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
    legend(&mut chart, SeriesLabelPosition::MiddleRight, 24)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sample's left panel (pixels, as drawn on 6 December 2026): the achieved line and
    /// the milestones' with their reach, and the two triangles.
    fn sample() -> Obstacles {
        let achieved = vec![
            (197, 396),
            (281, 381),
            (364, 358),
            (448, 349),
            (531, 343),
            (615, 329),
            (699, 314),
            (782, 301),
            (866, 299),
            (949, 294),
            (1033, 298),
        ];
        let milestones = vec![
            (281, 499),
            (364, 492),
            (448, 487),
            (531, 482),
            (615, 479),
            (699, 447),
            (782, 422),
            (866, 402),
            (949, 377),
            (1033, 373),
        ];
        Obstacles {
            lines: vec![(achieved, 7), (milestones, 5)],
            boxes: vec![((601, 629), (463, 487)), ((1019, 1047), (357, 381))],
        }
    }

    fn rows_of(centre: i32) -> (i32, i32) {
        text_rows(centre, 22, 17)
    }

    /// 2030's label stays above its triangle, where it is clear; 2035's, whose achieved line
    /// runs 4 points above the required level, goes below the milestones' line instead of
    /// onto the achieved line (46 pixels above, where it was drawn before), and is clear
    /// there of every obstacle.
    #[test]
    fn a_requirement_label_keeps_clear_of_the_lines() {
        let panel = sample();
        assert_eq!(
            label_offset((615, 479), 345, rows_of, &panel, 168..922),
            -46
        );
        assert_eq!(
            label_offset((1033, 373), 357, rows_of, &panel, 168..922),
            134
        );
        let (left, right) = (1033 - 12 - 357, 1033 - 12);
        // Above, the 2035 label's text meets the achieved line between 2030 and 2031.
        assert!(crosses(
            &panel.lines[0].0,
            ((left, right), rows_of(373 - 46)),
            0
        ));
        for (line, reach) in &panel.lines {
            assert!(!crosses(
                line,
                ((left, right), rows_of(373 + 134)),
                GAP + reach
            ));
        }
        // With no room anywhere it goes back above.
        assert_eq!(
            label_offset((1033, 373), 357, rows_of, &panel, 360..380),
            -46
        );
        // A label the text rows of which reach 15 pixels above its centre and 8 below.
        assert_eq!(rows_of(100), (85, 108));
    }

    /// A long segment through a small box is seen however steep (sampling it missed this),
    /// and a single point counts.
    #[test]
    fn a_line_crossing_a_box_is_seen_exactly() {
        assert!(crosses(&[(0, 0), (1000, 1000)], ((45, 55), (45, 55)), 0));
        assert!(!crosses(&[(0, 0), (1000, 1000)], ((60, 70), (0, 40)), 0));
        assert!(crosses(&[(50, 50)], ((45, 55), (45, 55)), 0));
        assert!(!crosses(&[(50, 50)], ((60, 70), (60, 70)), 5));
        assert!(crosses(&[(50, 50)], ((60, 70), (60, 70)), 10));
    }
}
