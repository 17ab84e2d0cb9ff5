//! Chart 5, `5-attainment`: a grid with a column per unit and a row per target year and
//! rule, each cell met, missed or not applicable; units with a miss named in vermillion.
//! Where the plan carries its simulated chance (`p_met`), a met cell is blue at 90% or
//! more, sky blue from 50% to 90% and orange below 50%.

use super::*;

pub(super) fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &Stats,
    l: &Labels,
    footer: &str,
) -> Draw<()> {
    let rows = rows(s);
    let missing = units_with_a_miss(s);
    let body = page(root, &title(s, l, &missing), footer)?;
    let (key_area, grid) = body.split_vertically(60);
    status_key(&key_area, l, !s.chance.is_empty())?;
    let chart = cells(&grid, s, &rows)?;
    row_labels(root, &chart, &rows)?;
    unit_labels(root, &chart, &s.target_units, &missing)
}

/// (target year, rule) for every target year and rule, rules sorted within each year.
fn rows(s: &Stats) -> Vec<(i32, String)> {
    let mut rules: Vec<String> = s.status.keys().map(|(_, r, _)| r.clone()).collect();
    rules.sort();
    rules.dedup();
    s.targets
        .iter()
        .flat_map(|t| rules.iter().map(move |r| (t.0, r.clone())))
        .collect()
}

/// The units, in column order, that missed at least one target.
fn units_with_a_miss(s: &Stats) -> Vec<&String> {
    let mut missing: Vec<&String> = s
        .target_units
        .iter()
        .filter(|u| s.status.iter().any(|((uu, _, _), m)| uu == *u && !m))
        .collect();
    missing.dedup();
    missing
}

/// Targets met out of all, and where the misses are: up to four units by name (the grid's
/// columns keep the ids: there is no room for names).
fn title(s: &Stats, l: &Labels, missing: &[&String]) -> String {
    let met = s.status.values().filter(|m| **m).count();
    let where_ = match missing.len() {
        0 => l.get("t5_none", &[]),
        1..=4 => missing
            .iter()
            .map(|u| s.unit_name(u))
            .collect::<Vec<_>>()
            .join(", "),
        n => l.get(
            "and_more",
            &[
                &missing[..3]
                    .iter()
                    .map(|u| s.unit_name(u))
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
    let unlikely = s
        .status
        .iter()
        .filter(|(k, m)| **m && s.chance.get(*k).is_some_and(|&p| p < 0.5))
        .count();
    if s.chance.is_empty() {
        title
    } else {
        title + &l.get("t5_unlikely", &[&l.num(unlikely as f64, 0)])
    }
}

/// The colour key above the grid: met (by chance, where known), missed, not applicable.
fn status_key<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    l: &Labels,
    chance: bool,
) -> Draw<()> {
    let mut x = 200;
    let keys: &[(&str, RGBColor)] = if chance {
        &[
            ("met_likely", BLUE),
            ("met_50_90", SKY),
            ("met_unlikely", ORANGE),
            ("missed", VERMILLION),
            ("not_applicable", LIGHT),
        ]
    } else {
        &[
            ("met", BLUE),
            ("missed", VERMILLION),
            ("not_applicable", LIGHT),
        ]
    };
    for &(key, color) in keys {
        area.draw(&Rectangle::new([(x, 14), (x + 34, 46)], color.filled()))
            .map_err(err)?;
        let label = l.get(key, &[]);
        area.draw_text(&label, &text_style(26, &INK), (x + 46, 16))
            .map_err(err)?;
        x += 90 + 16 * label.chars().count() as i32;
    }
    Ok(())
}

/// The grid: a cell per unit and row, first row at the top, coloured by status.
fn cells<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    s: &Stats,
    rows: &[(i32, String)],
) -> Draw<Plane<'a, DB>> {
    let cols = &s.target_units;
    let mut chart = ChartBuilder::on(area)
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
                let key = (unit.clone(), rule.clone(), *year);
                let color = match (s.status.get(&key), s.chance.get(&key)) {
                    (Some(true), Some(&p)) if p < 0.5 => ORANGE,
                    (Some(true), Some(&p)) if p < 0.9 => SKY,
                    (Some(true), _) => BLUE,
                    (Some(false), _) => VERMILLION,
                    (None, _) => LIGHT,
                };
                Rectangle::new(
                    [(ci as f64 + 0.06, y + 0.08), (ci as f64 + 0.94, y + 0.92)],
                    color.filled(),
                )
            })
        }))
        .map_err(err)?;
    Ok(chart)
}

/// "year rule" left of each row.
fn row_labels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &Plane<'_, DB>,
    rows: &[(i32, String)],
) -> Draw<()> {
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
    Ok(())
}

/// Unit ids under the columns, rotated; larger and vermillion for units with a miss.
fn unit_labels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &Plane<'_, DB>,
    units: &[String],
    missing: &[&String],
) -> Draw<()> {
    for (ci, unit) in units.iter().enumerate() {
        let (px, py) = chart.backend_coord(&(ci as f64 + 0.5, 0.0));
        let missed = missing.contains(&unit);
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
