//! Chart 2, `2-units`: every unit with an R1–R3 target, worst first, with its required
//! share of quota (a dash) and its achieved share (a dot, blue if met, vermillion if missed)
//! in the first and last target years; unit ids under the axis, misses in vermillion.

use super::*;
use stats::UnitShare;

pub(super) fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &Stats,
    l: &Labels,
    footer: &str,
) -> Draw<()> {
    let last = s.last_target_year();
    let first = s.targets.first().map(|t| t.0).unwrap_or(last);
    let shares = worst_first(s, last);
    let body = page(root, &title(s, l, &shares, first, last), footer)?;
    let mut chart = axes(&body, l, &shares, last)?;
    let years: Vec<(i32, f64)> = if first == last {
        vec![(last, 0.0)]
    } else {
        vec![(first, -0.2), (last, 0.2)]
    };
    for &(year, dx) in &years {
        let is_last = year == last;
        required_dashes(&mut chart, l, &shares, year, dx, is_last)?;
        for met in [true, false] {
            achieved_dots(&mut chart, l, &shares, year, dx, is_last, met)?;
        }
    }
    unit_ids(root, &chart, &shares)?;
    legend(&mut chart, SeriesLabelPosition::UpperRight, 22)
}

/// The units by their gap to the requirement in `last`, worst first; among units exactly
/// on target, the highest requirement first.
fn worst_first(s: &Stats, last: i32) -> Vec<&UnitShare> {
    let gap = |u: &UnitShare| {
        u.by_year
            .get(&last)
            .map(|(r, a)| a - r)
            .unwrap_or(f64::INFINITY)
    };
    let required_last = |u: &UnitShare| u.by_year.get(&last).map(|(r, _)| *r).unwrap_or(0.0);
    let mut shares: Vec<&UnitShare> = s.unit_shares.iter().collect();
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
    shares
}

/// Communes meeting the first target year, and units missing the last.
fn title(s: &Stats, l: &Labels, shares: &[&UnitShare], first: i32, last: i32) -> String {
    let communes: Vec<&&UnitShare> = shares.iter().filter(|u| u.kind == "commune").collect();
    let communes_met = communes
        .iter()
        .filter(|u| u.met.get(&first) == Some(&true))
        .count();
    let missed_last = shares
        .iter()
        .filter(|u| u.met.get(&last) == Some(&false))
        .count();
    l.get(
        "t2_title",
        &[
            &s.scenario_short(),
            &first.to_string(),
            &communes_met.to_string(),
            &communes.len().to_string(),
            &missed_last.to_string(),
            &last.to_string(),
        ],
    )
}

/// A slot per unit along x, no x labels (the ids are drawn rotated), percentages up y.
fn axes<'a, DB: DrawingBackend>(
    body: &'a DrawingArea<DB, Shift>,
    l: &Labels,
    shares: &[&UnitShare],
    last: i32,
) -> Draw<Plane<'a, DB>> {
    let n = shares.len().max(1);
    let ymax = shares
        .iter()
        .flat_map(|u| u.by_year.values().flat_map(|(r, a)| [*r, *a]))
        .fold(10.0f64, f64::max)
        * 1.1;
    let mut chart = ChartBuilder::on(body)
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
    Ok(chart)
}

/// The colour of `year`'s marks: ink for the last target year, grey before.
fn year_color(is_last: bool) -> RGBColor {
    if is_last {
        INK
    } else {
        GREY
    }
}

/// Each unit's required share in `year`, a dash offset by `dx` from its slot.
fn required_dashes<DB: DrawingBackend>(
    chart: &mut Plane<'_, DB>,
    l: &Labels,
    shares: &[&UnitShare],
    year: i32,
    dx: f64,
    is_last: bool,
) -> Draw<()> {
    chart
        .draw_series(shares.iter().enumerate().filter_map(|(i, u)| {
            let (r, _) = u.by_year.get(&year)?;
            let x = i as f64 + dx;
            Some(PathElement::new(
                vec![(x - 0.3, *r), (x + 0.3, *r)],
                year_color(is_last).stroke_width(5),
            ))
        }))
        .map_err(err)?
        .label(l.get("required_year", &[&year.to_string()]))
        .legend(move |(x, y)| {
            PathElement::new(
                vec![(x, y), (x + 24, y)],
                year_color(is_last).stroke_width(4),
            )
        });
    Ok(())
}

/// The achieved share in `year` of the units that met (`met`) or missed their target: a dot,
/// filled in the last target year, a ring before.
fn achieved_dots<DB: DrawingBackend>(
    chart: &mut Plane<'_, DB>,
    l: &Labels,
    shares: &[&UnitShare],
    year: i32,
    dx: f64,
    is_last: bool,
    met: bool,
) -> Draw<()> {
    let color = if met { BLUE } else { VERMILLION };
    let style = move || {
        if is_last {
            color.filled()
        } else {
            color.stroke_width(3)
        }
    };
    let key = if met {
        "achieved_met"
    } else {
        "achieved_missed"
    };
    chart
        .draw_series(shares.iter().enumerate().filter_map(|(i, u)| {
            let (_, a) = u.by_year.get(&year)?;
            if u.met.get(&year) != Some(&met) {
                return None;
            }
            Some(Circle::new(
                (i as f64 + dx, *a),
                if is_last { 8 } else { 7 },
                style(),
            ))
        }))
        .map_err(err)?
        .label(l.get(key, &[&year.to_string()]))
        .legend(move |(x, y)| Circle::new((x + 12, y), 8, style()));
    Ok(())
}

/// Unit ids under the axis, rotated; larger and vermillion for units that missed a target.
fn unit_ids<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &Plane<'_, DB>,
    shares: &[&UnitShare],
) -> Draw<()> {
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
