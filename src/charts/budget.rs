//! Chart 7, `7-budget`: what the plan costs a budget. On the left, the plan's cost over the
//! no-plan forecast's by lever over the horizon (`cost_vs_no_plan.csv`), dearest first, a
//! saving drawn to the left of zero; on the right, the cost by year stacked by unit kind,
//! the province level's kinds (blues, green) under the commune level's (oranges); the title
//! states the two levels' totals.

use super::cost::lever_name;
use super::*;
use crate::domain::{Level, UnitKind};

pub(super) fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &Stats,
    l: &Labels,
    footer: &str,
) -> Draw<()> {
    let extra: f64 = s.extra_by_lever.values().sum();
    let level = |level: Level| s.cost_of_level(level) / 1000.0;
    let (from, to) = ((s.base_year + 1).to_string(), s.horizon.to_string());
    let (province, commune) = (
        l.num(level(Level::Province), 1),
        l.num(level(Level::Commune), 1),
    );
    let title = if s.extra_by_lever.is_empty() {
        // A folder written before cost_vs_no_plan.csv: no extra cost to state.
        l.get("t7_title_old", &[&from, &to, &province, &commune])
    } else {
        l.get(
            if extra < 0.0 {
                "t7_title_less"
            } else {
                "t7_title"
            },
            &[
                &l.num(extra.abs() / 1000.0, 1),
                &from,
                &to,
                &province,
                &commune,
            ],
        )
    };
    let body = page(root, &title, footer)?;
    let (left, right) = body.split_horizontally(960);
    extra_by_lever(&left, s, l)?;
    by_kind(&right, s, l)
}

/// Left panel: one horizontal bar per lever, dearest at the top, its name and amount after it.
fn extra_by_lever<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &Stats,
    l: &Labels,
) -> Draw<()> {
    let caption = l.get("t7_left", &[]);
    if s.extra_by_lever.is_empty() {
        let (w, h) = area.dim_in_pixel();
        area.draw(&Text::new(
            l.get("t7_none", &[]),
            (w as i32 / 2, h as i32 / 2),
            text_style(26, &INK).pos(Pos::new(HPos::Center, VPos::Center)),
        ))
        .map_err(err)?;
        return Ok(());
    }
    let mut bars: Vec<(String, f64)> = s
        .extra_by_lever
        .iter()
        .map(|(k, v)| (lever_name(l, k), v / 1000.0))
        .collect();
    // Dearest last, so it is drawn at the top.
    bars.sort_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
    let high = bars.iter().map(|b| b.1).fold(0.0f64, f64::max);
    let low = bars.iter().map(|b| b.1).fold(0.0f64, f64::min);
    let span = (high - low).max(1.0);
    // Room on the right for each bar's name and amount.
    let x = low - 0.08 * span..high + 0.8 * span;
    let x_width = x.end - x.start;
    let n = bars.len() as f64;
    let mut chart = ChartBuilder::on(area)
        .margin(24)
        .margin_left(36)
        .caption(caption, text_style(30, &INK))
        .x_label_area_size(80)
        .y_label_area_size(20)
        .build_cartesian_2d(x, 0.0..n)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_label_formatter(&|v| l.num(*v, axis_decimals(x_width)))
        .x_desc(l.get("billion_vnd", &[]))
        .label_style(text_style(24, &INK))
        .axis_desc_style(text_style(26, &INK))
        .light_line_style(WHITE)
        .bold_line_style(LIGHT)
        .draw()
        .map_err(err)?;
    chart
        .draw_series(bars.iter().enumerate().map(|(i, (_, v))| {
            let color = if *v < 0.0 { GREEN } else { VERMILLION };
            Rectangle::new(
                [(0.0, i as f64 + 0.2), (*v, i as f64 + 0.8)],
                color.filled(),
            )
        }))
        .map_err(err)?;
    chart
        .draw_series(bars.iter().enumerate().map(|(i, (name, v))| {
            let sign = if *v > 0.0 { "+" } else { "" };
            Text::new(
                format!("{name} {sign}{}", l.num(*v, 1)),
                (v.max(0.0) + 0.01 * span, i as f64 + 0.5),
                text_style(24, &INK).pos(Pos::new(HPos::Left, VPos::Center)),
            )
        }))
        .map_err(err)?;
    // The zero line: what no plan costs.
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 0.0), (0.0, n)],
            INK.stroke_width(2),
        )))
        .map_err(err)?;
    Ok(())
}

/// The unit kinds in the right panel's order (bottom first), with their colours: the
/// province level's in blues and green, the commune level's in oranges.
const KINDS: [(UnitKind, RGBColor); 6] = [
    (UnitKind::Provincial, BLUE),
    (UnitKind::EthnicDepartment, RGBColor(0, 62, 104)),
    (UnitKind::EthnicCommittee, GREEN),
    (UnitKind::PublicService, SKY),
    (UnitKind::Commune, ORANGE),
    (UnitKind::CommuneEthnicSection, VERMILLION),
];

/// Right panel: cost by year stacked by unit kind, the province level's kinds under the
/// commune level's; a kind the plan spends nothing on is left out of the legend.
fn by_kind<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, s: &Stats, l: &Labels) -> Draw<()> {
    let cost = |y: i32, kind: UnitKind| -> f64 {
        s.cost_by_kind
            .get(&y)
            .and_then(|m| m.get(&kind))
            .copied()
            .unwrap_or(0.0)
            / 1000.0
    };
    let present: Vec<(UnitKind, Layer)> = KINDS
        .iter()
        .filter(|(k, _)| s.cost_by_kind.keys().any(|&y| cost(y, *k) > 0.0))
        .map(|&(k, c)| (k, (l.get(&format!("kind_{}", k.name()), &[]), c)))
        .collect();
    let layers: Vec<Layer> = present.iter().map(|(_, layer)| layer.clone()).collect();
    let stack = Stack {
        caption: &l.get("t7_right", &[]),
        y_desc: &l.get("billion_vnd", &[]),
        layers: &layers,
        value: &|y, name| {
            present
                .iter()
                .find(|(_, (n, _))| n == name)
                .map_or(0.0, |(k, _)| cost(y, *k))
        },
        total_label: &|_, t, decimals| l.num(t, decimals),
        legend_at: SeriesLabelPosition::UpperRight,
        money: true,
    };
    stacked_bars(area, s, l, stack)
}
