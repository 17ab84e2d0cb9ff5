//! Why a target is missed: the capacity rows (from the registry) that bind in the target
//! year or before, for the unit itself or province-wide.

use crate::evaluate::TargetRow;
use crate::model::{Registry, RowKind};
use crate::output::Shortfall;
use crate::scenario::Spec;
use std::collections::BTreeMap;

/// Binding capacities grouped as "what" → years, e.g. "channel open_exam cap 60" → 2026…2030.
fn binding(spec: &Spec, registry: &Registry, row_values: &[f64], unit: Option<usize>, year: i32) -> Vec<String> {
    let mut grouped: BTreeMap<(RowKind, String), Vec<i32>> = BTreeMap::new();
    for (meta, value) in registry.rows.iter().zip(row_values) {
        let Some(limit) = meta.limit else { continue };
        if !meta.is_capacity() || meta.year > year || *value < limit - 1e-6 {
            continue;
        }
        if meta.unit.is_some() && meta.unit != unit {
            continue;
        }
        let what = match meta.kind {
            RowKind::Quota => format!("quota of {} full ({limit:.0})", spec.units[meta.unit.unwrap_or(0)].id),
            RowKind::LeaderPosts => {
                format!("leader posts of {} full ({limit:.0})", spec.units[meta.unit.unwrap_or(0)].id)
            }
            RowKind::ChannelCap => format!("channel {} at its cap of {limit:.0} hires", meta.detail),
            RowKind::ChannelKindCap => format!("channel {} at its cap of {limit:.0}", meta.detail),
            RowKind::ChannelWomenShare => format!("channel {} at its share of women", meta.detail),
            RowKind::TrainingSeats => format!("training seats all used ({limit:.0})"),
            RowKind::TransferCap => format!("transfer route ({}) at its cap of {limit:.0}", meta.detail),
            RowKind::Budget => format!("budget cap reached ({limit:.0} million VND)"),
            _ => continue,
        };
        grouped.entry((meta.kind, what)).or_default().push(meta.year);
    }
    grouped
        .into_iter()
        .map(|((_, what), years)| {
            let first = years[0];
            let last = *years.last().expect("non-empty");
            if first == last {
                format!("{what} in {first}")
            } else {
                format!("{what} in {} of the years {first}–{last}", years.len())
            }
        })
        .collect()
}

pub fn shortfalls(spec: &Spec, registry: &Registry, row_values: &[f64], targets: &[TargetRow]) -> Vec<Shortfall> {
    targets
        .iter()
        .filter(|t| !t.met && !t.goal)
        .map(|t| {
            let unit = spec.unit_index(&t.unit);
            let mut why = binding(spec, registry, row_values, unit, t.year);
            if unit.is_some() && !spec.channels.iter().any(|c| c.kinds.contains(&spec.units[unit.unwrap_or(0)].kind)) {
                why.insert(0, "no recruitment channel places into this kind of unit".into());
            }
            if why.is_empty() {
                why.push("no single capacity binds: the target costs more than its shortfall penalty, or the base stock cannot change fast enough".into());
            }
            Shortfall {
                unit: t.unit.clone(),
                rule: t.rule.to_string(),
                year: t.year,
                required: t.required,
                achieved: t.achieved,
                shortfall: t.shortfall,
                why,
            }
        })
        .collect()
}
