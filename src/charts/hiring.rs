//! Chart 4, `4-hiring`: hires by year stacked by channel, EM hires in the channel's colour
//! and non-EM hires paler, each bar topped by its total and the women's share; the title
//! sets the EM share of all hires beside the EM share of the population.

use super::*;

pub(super) fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &Stats,
    l: &Labels,
    footer: &str,
) -> Draw<()> {
    let body = page(root, &title(s, l), footer)?;
    let (layers, keys) = layers(s, l);
    let value = |y: i32, name: &str| {
        layers
            .iter()
            .position(|(n, _)| n == name)
            .and_then(|i| s.hires.get(&y)?.get(&keys[i]).map(|(n, _)| *n))
            .unwrap_or(0.0)
    };
    let stack = Stack {
        caption: "",
        y_desc: &l.get("hires", &[]),
        layers: &layers,
        value: &value,
        total_label: &|y, t, _| {
            format!(
                "{} · {}",
                l.num(t, 0),
                l.get("women_share_label", &[&l.num(women_share(s, y), 0)])
            )
        },
        legend_at: SeriesLabelPosition::UpperLeft,
        money: false,
    };
    stacked_bars(&body, s, l, stack)
}

/// All hires over the plan, with the EM and the women's shares, and the EM share of the
/// population where the folder has it.
fn title(s: &Stats, l: &Labels) -> String {
    let (all, em) = s.hire_totals();
    let women: f64 = s.hires.values().flatten().map(|(_, (_, w))| w).sum();
    let mut args = vec![
        l.num(all, 0),
        (s.base_year + 1).to_string(),
        s.horizon.to_string(),
        l.num(pct(em, all), 0),
        l.num(pct(women, all), 0),
    ];
    let key = match s.population_em_share {
        Some(population) => {
            args.push(l.num(population, 0));
            "t4_title_population"
        }
        None => "t4_title",
    };
    l.get(key, &args.iter().map(String::as_str).collect::<Vec<_>>())
}

/// A key of [`Stats::hires`]: channel, and whether EM.
type HireKey = (String, bool);

/// One layer per channel and EM/non-EM with any hires, and alongside, its key.
fn layers(s: &Stats, l: &Labels) -> (Vec<Layer>, Vec<HireKey>) {
    let mut channels: Vec<String> = s
        .hires
        .values()
        .flat_map(|m| m.keys().map(|(c, _)| c.clone()))
        .collect();
    channels.sort();
    channels.dedup();
    let mut layers: Vec<Layer> = Vec::new();
    let mut keys: Vec<HireKey> = Vec::new();
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
    (layers, keys)
}

/// Women as a percentage of `year`'s hires.
fn women_share(s: &Stats, year: i32) -> f64 {
    let (n, w) = s
        .hires
        .get(&year)
        .map(|m| m.values().fold((0.0, 0.0), |a, (n, w)| (a.0 + n, a.1 + w)))
        .unwrap_or((0.0, 0.0));
    pct(w, n)
}
