//! Charts of a comparison, in the plan charts' style: cost against targets met, the
//! province trajectory per scenario, and each scenario's difference from the baseline.

use super::*;
use stats::frontier;

/// Draws the comparison charts of the scenarios `ok` (name and statistics, the baseline
/// first) into `dir`.
pub fn draw(dir: &Path, ok: &[(&str, &Stats)], l: &Labels) -> Result<Vec<PathBuf>> {
    register_fonts();
    let Some((_, first)) = ok.first() else {
        return Ok(Vec::new());
    };
    let display = display_names(ok, l);
    let shown: Vec<(&str, &Stats)> = display
        .iter()
        .zip(ok)
        .map(|(d, (_, s))| (d.as_str(), *s))
        .collect();
    let base_name = plain_name(ok_name(first, ok[0].0));
    let ok = &shown[..];
    let illustrative = ok.iter().any(|(_, s)| s.illustrative);
    let footer = if ok.len() > 1 {
        let mut f = l.get(
            "footer_compare",
            &[
                &first.version,
                &base_name,
                &(ok.len() - 1).to_string(),
                &footer_date(),
            ],
        );
        if illustrative {
            f.push_str(" · ");
            f.push_str(&l.get("illustrative", &[]));
        }
        f
    } else {
        footer_text(l, &first.version, &base_name, illustrative)
    };
    let mut files = Vec::new();
    files.extend(both!(dir, "1-cost-vs-targets", root => cost_vs_targets(&root, ok, l, &footer)));
    files.extend(both!(dir, "2-trajectories", root => trajectories(&root, ok, l, &footer)));
    files.extend(both!(dir, "3-difference", root => difference(&root, ok, l, &footer)));
    Ok(files)
}

/// A scenario's name, or `folder` when it has none.
fn ok_name<'a>(s: &'a Stats, folder: &'a str) -> &'a str {
    if s.scenario.trim().is_empty() {
        folder
    } else {
        &s.scenario
    }
}

/// A name without its illustrative-data note in brackets at the end (the footer says it).
fn plain_name(name: &str) -> String {
    match name.rsplit_once(" (") {
        Some((head, note))
            if note.ends_with(')')
                && ["minh họa", "illustrative"]
                    .iter()
                    .any(|w| note.to_lowercase().contains(w)) =>
        {
            head.to_string()
        }
        _ => name.to_string(),
    }
}

/// Each scenario's name for the charts: its `name` (the folder's when it has none) without
/// the illustrative note, a variant's without the baseline's name before ": " ("Sơn La:
/// cử tuyển tăng gấp đôi" → "cử tuyển tăng gấp đôi"), the baseline's marked as such.
fn display_names(ok: &[(&str, &Stats)], l: &Labels) -> Vec<String> {
    let base = plain_name(ok_name(ok[0].1, ok[0].0));
    let names = ok
        .iter()
        .enumerate()
        .map(|(i, (folder, s))| {
            let name = plain_name(ok_name(s, folder));
            if i == 0 {
                return l.get("c_baseline_name", &[&name]);
            }
            match name.split_once(": ") {
                Some((head, tail)) if base.starts_with(head) && !tail.is_empty() => {
                    tail.to_string()
                }
                _ => name,
            }
        })
        .collect::<Vec<String>>();
    // Two scenarios of one name are told apart by their folders.
    let mut names = names;
    for i in 0..names.len() {
        if names.iter().filter(|n| **n == names[i]).count() > 1 {
            let same = names[i].clone();
            for (j, n) in names.iter_mut().enumerate() {
                if *n == same {
                    *n = format!("{same} [{}]", ok[j].0);
                }
            }
        }
    }
    names
}

fn cost_vs_targets<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    ok: &[(&str, &Stats)],
    l: &Labels,
    footer: &str,
) -> Draw<()> {
    let base = ok[0].1;
    let last = base.last_target_year();
    let point = |s: &Stats| (s.total_cost() / 1000.0, s.tally(last).0 as f64);
    let (bx, by) = point(base);
    // Title: the scenario meeting the most targets beyond the baseline, and its extra cost.
    let best = ok.iter().skip(1).max_by(|a, b| {
        point(a.1)
            .1
            .partial_cmp(&point(b.1).1)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let title = match best {
        Some((name, s)) if point(s).1 > by => {
            let (x, y) = point(s);
            if s.cost_within_tolerance(base) {
                l.get("c1_title_same", &[name, &l.num(y - by, 0)])
            } else {
                let key = if x >= bx { "c1_title" } else { "c1_title_less" };
                l.get(key, &[name, &l.num((x - bx).abs(), 1), &l.num(y - by, 0)])
            }
        }
        _ => l.get("c1_title_none", &[&ok.len().to_string()]),
    };
    // A variant's name may start the title in lower case.
    let mut chars = title.chars();
    let title: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    let body = page(root, &title, footer)?;
    let xs: Vec<f64> = ok.iter().map(|(_, s)| point(s).0).collect();
    let ys: Vec<f64> = ok.iter().map(|(_, s)| point(s).1).collect();
    let pad = |lo: f64, hi: f64| {
        let d = ((hi - lo) * 0.25).max(2.0);
        (lo - d)..(hi + d)
    };
    let y_range = pad(
        ys.iter().cloned().fold(f64::INFINITY, f64::min),
        ys.iter().cloned().fold(f64::NEG_INFINITY, f64::max),
    );
    let y_ticks = ((y_range.end - y_range.start).round() as usize + 1).min(12);
    let min = |v: &[f64]| v.iter().cloned().fold(f64::INFINITY, f64::min);
    let max = |v: &[f64]| v.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let x_range = pad(min(&xs), max(&xs));
    // Costs within a billion or so: ticks under a billion apart, read to a tenth.
    let x_decimals = axis_decimals(x_range.end - x_range.start);
    let mut chart = ChartBuilder::on(&body)
        .margin(30)
        .margin_left(40)
        .margin_right(80)
        .x_label_area_size(90)
        .y_label_area_size(120)
        .build_cartesian_2d(x_range, pad(min(&ys), max(&ys)))
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_label_formatter(&|x| l.num(*x, x_decimals))
        .y_labels(y_ticks)
        .y_label_formatter(&|y| l.num(*y, 0))
        .x_desc(l.get(
            "c1_x",
            &[&(base.base_year + 1).to_string(), &base.horizon.to_string()],
        ))
        .y_desc(l.get("c1_y", &[&last.to_string()]))
        .label_style(text_style(24, &INK))
        .axis_desc_style(text_style(26, &INK))
        .light_line_style(WHITE)
        .bold_line_style(LIGHT)
        .draw()
        .map_err(err)?;
    for (i, (_, s)) in ok.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        // The proven gap: the best plan of the scenario costs between cost − gap and cost.
        let (x, y) = point(s);
        let gap = s.gap_million_vnd / 1000.0;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(x - gap, y), (x, y)],
                color.stroke_width(5),
            )))
            .map_err(err)?;
        chart
            .draw_series(std::iter::once(Circle::new(point(s), 14, color.filled())))
            .map_err(err)?;
        if i == 0 {
            // The baseline, ringed: variants equal to it sit on top.
            chart
                .draw_series(std::iter::once(Circle::new(
                    point(s),
                    22,
                    INK.stroke_width(3),
                )))
                .map_err(err)?;
        }
    }
    // Labels to the right of their points, pushed apart vertically so none overlap.
    let mut labels: Vec<(i32, i32, usize)> = ok
        .iter()
        .enumerate()
        .map(|(i, (_, s))| {
            let (x, y) = chart.backend_coord(&point(s));
            (x, y, i)
        })
        .collect();
    labels.sort_by_key(|&(x, y, i)| (y, x, i));
    let mut last_y = i32::MIN;
    for (x, y, i) in labels {
        let ly = (y - 12).max(last_y + 32);
        last_y = ly;
        root.draw(&PathElement::new(
            vec![(x + 16, y), (x + 34, ly + 12)],
            GREY.stroke_width(2),
        ))
        .map_err(err)?;
        root.draw_text(ok[i].0, &text_style(24, &INK), (x + 38, ly))
            .map_err(err)?;
    }
    Ok(())
}

fn trajectories<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    ok: &[(&str, &Stats)],
    l: &Labels,
    footer: &str,
) -> Draw<()> {
    let base = ok[0].1;
    let last = base.last_target_year();
    let share = |s: &Stats, y: i32| s.province.get(&y).map(|c| pct(c.em, c.all)).unwrap_or(0.0);
    let finals: Vec<f64> = ok.iter().map(|(_, s)| share(s, last)).collect();
    let lo = finals.iter().cloned().fold(f64::INFINITY, f64::min);
    let hi = finals.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let title = l.get(
        "c2_title",
        &[&last.to_string(), &l.num(lo, 1), &l.num(hi, 1)],
    );
    let body = page(root, &title, footer)?;
    let mut chart = year_chart(
        &body,
        base,
        l,
        None,
        em_share_range(ok.iter().map(|(_, s)| *s), 1.15),
        &l.get("percent_of_staff", &[]),
        1,
    )?;
    let runs: Vec<(String, &Stats)> = ok.iter().map(|(n, s)| (n.to_string(), *s)).collect();
    em_share_lines(&mut chart, &runs)?;
    legend(&mut chart, SeriesLabelPosition::UpperLeft, 24)?;
    Ok(())
}

/// A panel of the difference chart: where, its title, the measure, its decimals.
type Panel<'a, DB> = (
    &'a DrawingArea<DB, Shift>,
    String,
    Box<dyn Fn(&Stats) -> f64 + 'a>,
    usize,
);

fn difference<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    ok: &[(&str, &Stats)],
    l: &Labels,
    footer: &str,
) -> Draw<()> {
    let (base_name, base) = ok[0];
    let last = base.last_target_year();
    let body = page(root, &l.get("c3_title", &[base_name]), footer)?;
    let (left, right) = body.split_horizontally(960);
    let others: Vec<(&str, &Stats)> = ok.iter().skip(1).cloned().collect();
    let panels: [Panel<DB>; 2] = [
        (
            &left,
            l.get("c3_cost", &[]),
            Box::new(|s: &Stats| (s.total_cost() - base.total_cost()) / 1000.0),
            1,
        ),
        (
            &right,
            l.get("c3_missed", &[&last.to_string()]),
            Box::new(|s: &Stats| s.tally(last).1 as f64 - base.tally(last).1 as f64),
            0,
        ),
    ];
    for (k, (area, caption, value, decimals)) in panels.into_iter().enumerate() {
        let is_cost = k == 0;
        let values: Vec<f64> = others.iter().map(|(_, s)| value(s)).collect();
        // Grey bars are differences within the two plans' proven gaps: said in the caption.
        let marked = is_cost && others.iter().any(|(_, o)| o.cost_within_tolerance(base));
        let caption = if marked {
            format!("{caption} {}", l.get("c3_within", &[]))
        } else {
            caption
        };
        let span = values.iter().fold(1.0f64, |m, v| m.max(v.abs())) * 1.35;
        let mut chart = ChartBuilder::on(area)
            .margin(24)
            .margin_left(36)
            .caption(caption, text_style(26, &INK))
            .x_label_area_size(60)
            .y_label_area_size(360)
            .build_cartesian_2d(-span..span, -0.5..others.len().max(1) as f64 - 0.5)
            .map_err(err)?;
        // Names cut to what the label area holds.
        let names: Vec<String> = others
            .iter()
            .map(|(n, _)| {
                if n.chars().count() > 32 {
                    format!("{}…", n.chars().take(31).collect::<String>())
                } else {
                    n.to_string()
                }
            })
            .collect();
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(others.len().max(1))
            .y_label_formatter(&|y| {
                let i = y.round();
                if (y - i).abs() < 0.01 && i >= 0.0 {
                    names.get(i as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            // Whole numbers only: a count's half-steps would all read "0".
            .x_label_formatter(&|x| {
                if (x - x.round()).abs() < 1e-9 {
                    l.num(*x, 0)
                } else {
                    String::new()
                }
            })
            .label_style(text_style(22, &INK))
            .light_line_style(WHITE)
            .bold_line_style(LIGHT)
            .draw()
            .map_err(err)?;
        // A cost difference within the two plans' proven gaps is drawn grey and marked: the
        // solvers' tolerance alone could make it.
        let within = |i: usize| is_cost && others[i].1.cost_within_tolerance(base);
        chart
            .draw_series(values.iter().enumerate().map(|(i, &v)| {
                let color = if within(i) {
                    GREY
                } else if v > 0.0 {
                    VERMILLION
                } else {
                    BLUE
                };
                Rectangle::new([(0.0, i as f64 - 0.3), (v, i as f64 + 0.3)], color.filled())
            }))
            .map_err(err)?;
        chart
            .draw_series(values.iter().enumerate().map(|(i, &v)| {
                let mark = if within(i) { " ≈" } else { "" };
                Text::new(
                    format!(
                        "{}{}{mark}",
                        if v > 0.0 { "+" } else { "" },
                        l.num(v, decimals)
                    ),
                    (v, i as f64),
                    text_style(22, &INK).pos(Pos::new(
                        if v >= 0.0 { HPos::Left } else { HPos::Right },
                        VPos::Center,
                    )),
                )
            }))
            .map_err(err)?;
    }
    Ok(())
}

/// The sweep's frontier: every grid point by cost and targets met, the frontier joined.
pub fn draw_frontier(dir: &Path, ok: &[(&str, &Stats)], l: &Labels) -> Result<Vec<PathBuf>> {
    register_fonts();
    let Some((_, first)) = ok.first() else {
        return Ok(Vec::new());
    };
    let last = first.last_target_year();
    let points: Vec<(f64, f64)> = ok
        .iter()
        .map(|(_, s)| (s.total_cost() / 1000.0, s.tally(last).0 as f64))
        .collect();
    let front = frontier(&points);
    let title = match (front.first(), front.last()) {
        (Some(&a), Some(&b)) if points[b].1 > points[a].1 => l.get(
            "s_title",
            &[
                &l.num((points[b].0 - points[a].0) / (points[b].1 - points[a].1), 1),
                &points.len().to_string(),
            ],
        ),
        _ => l.get("s_title_flat", &[&points.len().to_string()]),
    };
    let base_name = first
        .scenario
        .split(" · ")
        .next()
        .unwrap_or(&first.scenario)
        .to_string();
    let footer = footer_text(l, &first.version, &base_name, first.illustrative);
    Ok(both!(dir, "frontier", root => frontier_chart(
        &root, &points, &front, ok, last, l, &title, &footer
    ))
    .to_vec())
}

#[allow(clippy::too_many_arguments)]
fn frontier_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    points: &[(f64, f64)],
    front: &[usize],
    ok: &[(&str, &Stats)],
    last: i32,
    l: &Labels,
    title: &str,
    footer: &str,
) -> Draw<()> {
    let body = page(root, title, footer)?;
    let xs = points.iter().map(|p| p.0);
    let ys = points.iter().map(|p| p.1);
    let (x0, x1) = (
        xs.clone().fold(f64::INFINITY, f64::min),
        xs.fold(f64::NEG_INFINITY, f64::max),
    );
    let (y0, y1) = (
        ys.clone().fold(f64::INFINITY, f64::min),
        ys.fold(f64::NEG_INFINITY, f64::max),
    );
    let dx = ((x1 - x0) * 0.15).max(1.0);
    let dy = ((y1 - y0) * 0.2).max(2.0);
    let x_decimals = if x1 - x0 + 2.0 * dx < 20.0 { 1 } else { 0 };
    let y_ticks = ((y1 - y0 + 2.0 * dy).round() as usize + 1).min(12);
    let first = ok[0].1;
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
        .y_labels(y_ticks)
        .y_label_formatter(&|y| l.num(*y, 0))
        .x_desc(l.get(
            "c1_x",
            &[
                &(first.base_year + 1).to_string(),
                &first.horizon.to_string(),
            ],
        ))
        .y_desc(l.get("c1_y", &[&last.to_string()]))
        .label_style(text_style(24, &INK))
        .axis_desc_style(text_style(26, &INK))
        .light_line_style(WHITE)
        .bold_line_style(LIGHT)
        .draw()
        .map_err(err)?;
    chart
        .draw_series(LineSeries::new(
            front.iter().map(|&i| points[i]),
            BLUE.stroke_width(5),
        ))
        .map_err(err)?
        .label(l.get("frontier", &[]))
        .legend(|(x, y)| legend_box(x, y, BLUE));
    chart
        .draw_series(points.iter().map(|&p| Circle::new(p, 10, GREY.filled())))
        .map_err(err)?
        .label(l.get("grid_point", &[]))
        .legend(|(x, y)| Circle::new((x + 12, y), 9, GREY.filled()));
    chart
        .draw_series(front.iter().map(|&i| {
            EmptyElement::at(points[i])
                + Circle::new((0, 0), 12, BLUE.filled())
                + Text::new(ok[i].0.to_string(), (16, -30), text_style(22, &INK))
        }))
        .map_err(err)?;
    legend(&mut chart, SeriesLabelPosition::LowerRight, 24)?;
    Ok(())
}

/// The Monte Carlo fan: the province EM share's 10–90% band and median by year, with the
/// plan's own line.
pub fn draw_fan(
    dir: &Path,
    fan: &std::collections::BTreeMap<i32, (f64, f64, f64)>,
    s: &Stats,
    draws: u64,
    l: &Labels,
) -> Result<Vec<PathBuf>> {
    register_fonts();
    let last = s.last_target_year();
    let (lo, _, hi) = fan.get(&last).copied().unwrap_or((0.0, 0.0, 0.0));
    let title = l.get(
        "f_title",
        &[
            &last.to_string(),
            &l.num(lo, 1),
            &l.num(hi, 1),
            &l.num(draws as f64, 0),
        ],
    );
    let footer = footer_text(l, &s.version, &s.scenario, s.illustrative);
    Ok(both!(dir, "fan", root => fan_chart(&root, fan, s, l, &title, &footer)).to_vec())
}

fn fan_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    fan: &std::collections::BTreeMap<i32, (f64, f64, f64)>,
    s: &Stats,
    l: &Labels,
    title: &str,
    footer: &str,
) -> Draw<()> {
    let body = page(root, title, footer)?;
    let plan: Vec<(f64, f64)> = s
        .province
        .iter()
        .map(|(y, c)| (*y as f64, pct(c.em, c.all)))
        .collect();
    let ymax = fan
        .values()
        .map(|v| v.2)
        .chain(plan.iter().map(|p| p.1))
        .fold(10.0f64, f64::max)
        * 1.1;
    let ymin = fan
        .values()
        .map(|v| v.0)
        .chain(plan.iter().map(|p| p.1))
        .fold(100.0f64, f64::min)
        * 0.9;
    let mut chart = year_chart(
        &body,
        s,
        l,
        None,
        ymin..ymax,
        &l.get("percent_of_staff", &[]),
        1,
    )?;
    let mut band: Vec<(f64, f64)> = fan.iter().map(|(y, v)| (*y as f64, v.2)).collect();
    band.extend(fan.iter().rev().map(|(y, v)| (*y as f64, v.0)));
    chart
        .draw_series(std::iter::once(Polygon::new(band, SKY.mix(0.5).filled())))
        .map_err(err)?
        .label(l.get("f_band", &[]))
        .legend(|(x, y)| legend_box(x, y, SKY));
    chart
        .draw_series(LineSeries::new(
            fan.iter().map(|(y, v)| (*y as f64, v.1)),
            BLUE.stroke_width(5),
        ))
        .map_err(err)?
        .label(l.get("f_median", &[]))
        .legend(|(x, y)| legend_box(x, y, BLUE));
    chart
        .draw_series(LineSeries::new(plan, INK.stroke_width(3)))
        .map_err(err)?
        .label(l.get("with_plan", &[]))
        .legend(|(x, y)| legend_box(x, y, INK));
    legend(&mut chart, SeriesLabelPosition::UpperLeft, 24)?;
    Ok(())
}
