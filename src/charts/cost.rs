//! Chart 3, `3-cost`: cost by year in billions of VND; on the left salaries stacked under
//! all other costs, on the right those other costs stacked by lever.

use super::*;

pub(super) fn draw<DB: DrawingBackend>(
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
    let (left, right) = body.split_horizontally(760);
    salaries_and_the_rest(&left, s, l)?;
    by_lever(&right, s, l)
}

/// Display name of a cost lever: `hiring:CHANNEL` with its channel, `hiring` over all.
pub(super) fn lever_name(l: &Labels, lever: &str) -> String {
    match lever.split_once(':') {
        Some(("hiring", ch)) => l.get("lever_hiring", &[ch]),
        _ if lever == "hiring" => l.get("lever_hiring_all", &[]),
        _ => l.get(&format!("lever_{lever}"), &[]),
    }
}

/// The cost of `lever` in `year`, billion VND.
fn billions(s: &Stats, year: i32, lever: &str) -> f64 {
    s.costs
        .get(&year)
        .and_then(|m| m.get(lever))
        .copied()
        .unwrap_or(0.0)
        / 1000.0
}

/// Left panel: salaries, and everything else in one layer.
fn salaries_and_the_rest<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &Stats,
    l: &Labels,
) -> Draw<()> {
    let salaries = lever_name(l, "salary");
    let others = l.get("t3_right", &[]);
    let others_name = others.split(',').next().unwrap_or(&others).to_string();
    let stack = Stack {
        caption: &l.get("t3_left", &[]),
        y_desc: &l.get("billion_vnd", &[]),
        layers: &[(salaries.clone(), GREY), (others_name, ORANGE)],
        value: &|y, n| {
            let all: f64 = s.costs.get(&y).map(|m| m.values().sum()).unwrap_or(0.0) / 1000.0;
            let salary = billions(s, y, "salary");
            if n == salaries {
                salary
            } else {
                all - salary
            }
        },
        total_label: &|_, t, decimals| l.num(t, decimals),
        legend_at: SeriesLabelPosition::UpperRight,
        money: true,
    };
    stacked_bars(area, s, l, stack)
}

/// Right panel: every lever but salaries, in its own colour.
fn by_lever<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, s: &Stats, l: &Labels) -> Draw<()> {
    let mut levers: Vec<String> = s
        .costs
        .values()
        .flat_map(|m| m.keys().cloned())
        .filter(|k| k != "salary")
        .collect();
    levers.sort();
    levers.dedup();
    let colored: Vec<Layer> = levers
        .iter()
        .enumerate()
        .map(|(i, k)| (k.clone(), WIDE_PALETTE[i % WIDE_PALETTE.len()]))
        .collect();
    let named: Vec<Layer> = colored
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
    let stack = Stack {
        caption: &l.get("t3_right", &[]),
        y_desc: &l.get("billion_vnd", &[]),
        layers: &named,
        value: &|y, n| billions(s, y, &key_of(n)),
        total_label: &|_, t, _| l.num(t, 1),
        legend_at: SeriesLabelPosition::UpperRight,
        money: true,
    };
    stacked_bars(area, s, l, stack)
}
