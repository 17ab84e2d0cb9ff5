//! A variant's `[adjust]`: scalings of quotas and channel caps applied after the tables
//! are read (attrition factors apply in [`crate::domain::Spec::leaving_rate`]).

use crate::domain::{Channel, Config, Unit};
use crate::error::{Error, Result};
use std::path::Path;

/// `[adjust]`: quota and channel scalings (attrition factors apply in
/// [`Spec::leaving_rate`]). Checked here: factors ≥ 0, and names that exist.
pub(super) fn apply_adjustments(
    toml_path: &Path,
    config: &Config,
    units: &[Unit],
    quota: &mut [Vec<u32>],
    channels: &mut [Channel],
) -> Result<()> {
    let a = &config.adjust;
    let factor = |field: String, f: f64| {
        if f.is_finite() && f >= 0.0 {
            Ok(f)
        } else {
            Err(Error::input(
                toml_path,
                None,
                field,
                format!("expected a factor of 0 or more, found {f}"),
            ))
        }
    };
    let qf = factor("adjust.quota_factor".into(), a.quota_factor)?;
    if !(qf > 0.0 && qf <= 2.0) {
        return Err(Error::input(
            toml_path,
            None,
            "adjust.quota_factor",
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
            for cap in ch.kind_caps.values_mut() {
                *cap = (*cap as f64 * f).round() as u32;
            }
        }
        if !found {
            let mut ids: Vec<&str> = channels.iter().map(|c| c.id.as_str()).collect();
            ids.dedup();
            return Err(Error::input(
                toml_path,
                None,
                format!("adjust.channel_factor.{id}"),
                format!(
                    "no channel \"{id}\" in channels.csv; the channels are {}",
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
            return Err(Error::input(
                toml_path,
                None,
                format!("adjust.attrition_factor.{class}"),
                format!(
                    "no unit is in class \"{class}\"; the classes are {}",
                    classes.join(", ")
                ),
            ));
        }
    }
    Ok(())
}
