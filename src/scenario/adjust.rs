//! A variant's `[adjust]`: scalings of quotas and channel caps applied after the tables
//! are read (attrition factors apply in [`crate::domain::Spec::leaving_rate`]).

use super::layers::{locate, Layered};
use crate::domain::{Channel, Config, Unit};
use crate::error::{Error, Result};

/// `[adjust]`: quota and channel scalings (attrition factors apply in
/// [`Spec::leaving_rate`]). Checked here: factors ≥ 0, and names that exist. Errors name the
/// `scenario.toml` that set the field, and its line.
pub(super) fn apply_adjustments(
    layered: &Layered,
    config: &Config,
    units: &[Unit],
    quota: &mut [Vec<u32>],
    channels: &mut [Channel],
) -> Result<()> {
    let a = &config.adjust;
    let fail = |field: String, message: String| {
        let (file, line) = locate(layered, &field);
        Error::input(&file, line, field, message)
    };
    let factor = |field: String, f: f64| {
        if f.is_finite() && f >= 0.0 {
            Ok(f)
        } else {
            Err(fail(
                field,
                format!("expected a factor of 0 or more, found {f}"),
            ))
        }
    };
    let qf = factor("adjust.quota_factor".into(), a.quota_factor)?;
    if !(qf > 0.0 && qf <= 2.0) {
        return Err(fail(
            "adjust.quota_factor".into(),
            format!("expected a factor above 0 and at most 2, found {qf}"),
        ));
    }
    for q in quota.iter_mut() {
        for v in q.iter_mut().skip(1) {
            *v = (*v as f64 * qf).round() as u32;
        }
    }
    for (id, &f) in &a.channel_factor {
        let f = factor(format!("adjust.channel_factor.{id}"), f)?;
        let mut found = false;
        for ch in channels.iter_mut().filter(|c| &c.id == id) {
            found = true;
            ch.max_hires = ch.max_hires.map(|m| (m as f64 * f).round() as u32);
            // Graduates to place (I4) are the channel's intake: they scale with it.
            ch.min_hires = ch
                .min_hires
                .map(|m| ((m as f64 * f).round() as u32).min(ch.max_hires.unwrap_or(u32::MAX)));
            for cap in ch.kind_caps.values_mut() {
                *cap = (*cap as f64 * f).round() as u32;
            }
        }
        if !found {
            let mut ids: Vec<&str> = channels.iter().map(|c| c.id.as_str()).collect();
            ids.dedup();
            return Err(fail(
                format!("adjust.channel_factor.{id}"),
                format!(
                    "no channel \"{id}\" in channels.csv; expected one of the channels: {}",
                    ids.join(", ")
                ),
            ));
        }
    }
    let mut classes: Vec<String> = units.iter().map(Unit::attrition_class).collect();
    classes.sort();
    classes.dedup();
    for (class, &f) in &a.attrition_factor {
        factor(format!("adjust.attrition_factor.{class}"), f)?;
        if !classes.contains(class) {
            return Err(fail(
                format!("adjust.attrition_factor.{class}"),
                format!(
                    "no unit is in class \"{class}\"; expected one of the classes of units.csv: {}",
                    classes.join(", ")
                ),
            ));
        }
    }
    Ok(())
}
