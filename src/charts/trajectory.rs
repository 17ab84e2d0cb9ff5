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
    mark_target_years(&mut chart, s, l)?;
    legend(&mut chart, SeriesLabelPosition::UpperLeft, 24)
}

/// The yearly milestones: the level each year between target years asks, joined to the
/// target years' required levels by a thin line.
fn draw_milestones<DB: DrawingBackend>(
    chart: &mut Plane<'_, DB>,
    s: &Stats,
    l: &Labels,
) -> Draw<()> {
    if s.rate_milestones.is_empty() {
        return Ok(());
    }
    chart
        .draw_series(LineSeries::new(
            milestone_path(s),
            VERMILLION.stroke_width(2),
        ))
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

/// Whether a line through `path` (pixels) passes within `pad` pixels of the box `x` × `y`.
fn crosses(path: &[(i32, i32)], x: (i32, i32), y: (i32, i32), pad: i32) -> bool {
    path.windows(2).any(|w| {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        (0..=32).any(|k| {
            let px = x0 + (x1 - x0) * k / 32;
            let py = y0 + (y1 - y0) * k / 32;
            px >= x.0 - pad && px <= x.1 + pad && py >= y.0 - pad && py <= y.1 + pad
        })
    })
}

/// How far below (positive) or above a target's triangle at `anchor` its label of `size`
/// (pixels) goes, ending 12 pixels left of it: the nearest of a few heights where it keeps
/// clear of `lines` and the `triangles` and inside the plot's `rows`, further down rather
/// than up (the legend sits in the upper left); above it if none is clear.
fn label_offset(
    anchor: (i32, i32),
    size: (i32, i32),
    lines: &[Vec<(i32, i32)>],
    triangles: &[(i32, i32)],
    rows: std::ops::Range<i32>,
) -> i32 {
    let ((px, py), (width, height)) = (anchor, size);
    let x = (px - 12 - width, px - 12);
    [-46, 46, -90, 90, 134, 178]
        .into_iter()
        .find(|dy| {
            let (top, bottom) = (py + dy - height / 2, py + dy + height / 2);
            top >= rows.start
                && bottom <= rows.end
                && !lines.iter().any(|line| crosses(line, x, (top, bottom), 6))
                && !triangles.iter().any(|&(tx, ty)| {
                    tx >= x.0 - 16 && tx <= x.1 + 16 && ty >= top - 16 && ty <= bottom + 16
                })
        })
        .unwrap_or(-46)
}

/// At each target year, a triangle at the required level, labelled with the rule, and the
/// achieved share next to its point. The rule's label keeps clear of the achieved line, the
/// milestones' and the triangles ([`label_offset`]): always above its triangle, it sat on
/// the achieved line where that ran just above the required level, and read as its value.
fn mark_target_years<DB: DrawingBackend>(
    chart: &mut Plane<'_, DB>,
    s: &Stats,
    l: &Labels,
) -> Draw<()> {
    let in_pixels = |chart: &Plane<'_, DB>, path: &[(f64, f64)]| -> Vec<(i32, i32)> {
        path.iter().map(|p| chart.backend_coord(p)).collect()
    };
    let achieved_line: Vec<(f64, f64)> = (s.base_year..=s.horizon)
        .map(|y| (y as f64, em_share(s, y)))
        .collect();
    let lines = [
        in_pixels(chart, &achieved_line),
        in_pixels(chart, &milestone_path(s)),
    ];
    let triangles: Vec<(i32, i32)> = s
        .targets
        .iter()
        .map(|t| chart.backend_coord(&(t.0 as f64, required_share(s, t.0))))
        .collect();
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
        let dy = label_offset(
            (px, py),
            (width as i32, height as i32),
            &lines,
            &triangles,
            plot_y.clone(),
        );
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((year as f64, v)) + Text::new(text, (-12, dy), style),
            ))
            .map_err(err)?;
        let achieved = em_share(s, year);
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

    /// Lines and triangles, in pixels.
    type Panel = (Vec<Vec<(i32, i32)>>, Vec<(i32, i32)>);

    /// The sample's left panel (pixels, as drawn on 6 December 2026): the achieved line, the
    /// milestones' and the two triangles.
    fn sample() -> Panel {
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
        (vec![achieved, milestones], vec![(615, 479), (1033, 373)])
    }

    /// 2030's label stays above its triangle, where it is clear; 2035's, whose achieved line
    /// runs 4 points above the required level, goes below the milestones' line instead of
    /// onto the achieved line (46 pixels above, where it was drawn before).
    #[test]
    fn a_requirement_label_keeps_clear_of_the_lines() {
        let (lines, triangles) = sample();
        assert_eq!(
            label_offset((615, 479), (345, 17), &lines, &triangles, 168..922),
            -46
        );
        assert_eq!(
            label_offset((1033, 373), (357, 17), &lines, &triangles, 168..922),
            134
        );
        // Above, the 2035 label's box meets the achieved line between 2030 and 2031.
        assert!(crosses(&lines[0], (664, 1021), (319, 335), 6));
        // With no room anywhere it goes back above.
        assert_eq!(
            label_offset((1033, 373), (357, 17), &lines, &triangles, 360..380),
            -46
        );
    }
}
