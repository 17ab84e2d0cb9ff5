//! What a roster's recent history says about behaviour, for the forecast and the engine.
//!
//! **Attrition by tenure band and class.** The window is the `roster.history_years` years
//! up to the roster date. Each person with a hire date contributes exposure, month by month,
//! while employed in the window, to the band of their tenure then; each leaver whose reason is
//! not retirement is an event in the band of their tenure when leaving. The class is the
//! unit's kind, with communes in especially difficult areas apart (`commune:difficult`).
//! The month of leaving counts half. With `E` events over `Y` person-years the yearly rate is
//! `1 − exp(−E/Y)` (a constant hazard within the band), at most 99%. A class-band with fewer than `roster.min_person_years` is pooled
//! over all classes; if the pool is too small as well, the `[attrition]` defaults apply
//! (`new_hire_rate` below `new_hire_years`, `other_rate` after). The `source` column says
//! which.
//!
//! **Hiring mix.** A unit's hires in the window, by group, gender and trained, when it made
//! at least `roster.min_mix_hires`; other units are left out, and the forecast uses their
//! current staff mix.

use super::Roster;
use crate::domain::config::Config;
use crate::domain::roster::FitSummary;
use crate::domain::{Group, Unit};
use crate::retirement::YearMonth;
use std::collections::BTreeMap;
use std::fmt::Write as _;

fn month_index(ym: YearMonth) -> i64 {
    ym.year as i64 * 12 + ym.month as i64 - 1
}

/// Band of a tenure in whole months: boundaries `[2, 5]` give 0 (< 24), 1 (24–59), 2.
fn band_of(bounds: &[u32], tenure_months: i64) -> usize {
    bounds
        .iter()
        .position(|&b| tenure_months < b as i64 * 12)
        .unwrap_or(bounds.len())
}

/// Highest fitted yearly rate: a tiny exposure with a leaver must not read as certainty.
const MAX_RATE: f64 = 0.99;

fn rate(events: u32, person_years: f64) -> f64 {
    (1.0 - (-(events as f64) / person_years).exp()).min(MAX_RATE)
}

/// `attrition.csv` text and a summary.
pub fn attrition(roster: &Roster, config: &Config, units: &[Unit]) -> (String, FitSummary) {
    let rc = &config.roster;
    let bounds = &rc.tenure_bands;
    let bands = bounds.len() + 1;
    let end = month_index(YearMonth {
        year: config.time.base_year,
        month: 12,
    });
    let start = end - rc.history_years as i64 * 12 + 1;
    let mut classes: Vec<String> = units.iter().map(Unit::attrition_class).collect();
    classes.sort();
    classes.dedup();
    let class_of = |u: usize| {
        classes
            .binary_search(&units[u].attrition_class())
            .expect("listed")
    };
    let mut exposure = vec![vec![0.0f64; bands]; classes.len()];
    let mut events = vec![vec![0u32; bands]; classes.len()];
    let mut summary = FitSummary::default();
    for p in &roster.people {
        let Some(hired) = p.hired else { continue };
        summary.with_hire_date += 1;
        let h = month_index(hired);
        let last = p.left.map(month_index).unwrap_or(end);
        let c = class_of(p.unit);
        for m in h.max(start)..=last.min(end) {
            // Half of the month of leaving: people leave on average mid-month.
            let share = if p.left.is_some() && m == last {
                0.5
            } else {
                1.0
            };
            exposure[c][band_of(bounds, m - h)] += share / 12.0;
        }
        if let Some(l) = p.left {
            let l = month_index(l);
            if !p.left_to_retire && (start..=end).contains(&l) {
                events[c][band_of(bounds, l - h)] += 1;
                summary.events += 1;
            }
        }
    }
    summary.person_years = exposure.iter().flatten().sum();
    let mut out = String::from("class,tenure_from,tenure_to,rate,leavers,person_years,source\n");
    for (c, class) in classes.iter().enumerate() {
        for b in 0..bands {
            let from = if b == 0 { 0 } else { bounds[b - 1] };
            let to = bounds.get(b).map(|t| t.to_string()).unwrap_or_default();
            let pooled_years: f64 = exposure.iter().map(|e| e[b]).sum();
            let pooled_events: u32 = events.iter().map(|e| e[b]).sum();
            let (rate, n, years, source) =
                if exposure[c][b] >= rc.min_person_years && exposure[c][b] > 0.0 {
                    summary.fitted += 1;
                    let (e, y) = (events[c][b], exposure[c][b]);
                    (rate(e, y), e, y, "fitted")
                } else if pooled_years >= rc.min_person_years && pooled_years > 0.0 {
                    summary.pooled += 1;
                    (
                        1.0 - (-(pooled_events as f64) / pooled_years).exp(),
                        pooled_events,
                        pooled_years,
                        "pooled",
                    )
                } else {
                    summary.defaulted += 1;
                    (config.attrition.default_rate(from), 0, 0.0, "default")
                };
            let _ = writeln!(
                out,
                "{class},{from},{to},{:.2},{n},{years:.1},{source}",
                rate * 100.0
            );
        }
    }
    (out, summary)
}

/// `hiring_mix.csv` text: shares of recent hires by group, gender and trained, per unit.
pub fn hiring_mix(roster: &Roster, config: &Config, groups: &[Group], units: &[Unit]) -> String {
    let rc = &config.roster;
    let end = month_index(YearMonth {
        year: config.time.base_year,
        month: 12,
    });
    let start = end - rc.history_years as i64 * 12 + 1;
    let mut hires: BTreeMap<usize, BTreeMap<(String, &str, &str), u32>> = BTreeMap::new();
    for p in &roster.people {
        let Some(h) = p.hired else { continue };
        if (start..=end).contains(&month_index(h)) {
            *hires
                .entry(p.unit)
                .or_default()
                .entry((
                    groups[p.cell.group].id.clone(),
                    p.cell.gender().name(),
                    p.cell.trained_word(),
                ))
                .or_default() += 1;
        }
    }
    let mut out = String::from("unit,group,gender,trained,hires,share\n");
    for (u, cells) in hires {
        let total: u32 = cells.values().sum();
        if total < rc.min_mix_hires.max(1) {
            continue;
        }
        for ((g, s, t), n) in cells {
            let _ = writeln!(
                out,
                "{},{g},{s},{t},{n},{:.2}",
                units[u].id,
                100.0 * n as f64 / total as f64
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::band_of;

    #[test]
    fn bands() {
        assert_eq!(band_of(&[2, 5], 0), 0);
        assert_eq!(band_of(&[2, 5], 23), 0);
        assert_eq!(band_of(&[2, 5], 24), 1);
        assert_eq!(band_of(&[2, 5], 59), 1);
        assert_eq!(band_of(&[2, 5], 60), 2);
    }
}
