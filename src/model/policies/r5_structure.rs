//! R5: the EM staff of the province should correspond to the EM share of its population
//! and to the make-up of its ethnic groups. The text sets no number, so R5 is a goal: in
//! each target year y, for every group g with census share σ_g (normalised to sum to 1),
//! `d[g,y] ≥ |N[g,y] − σ_g · N[y]|`, where N are province-wide head-counts, and the
//! objective adds `r5_weight · Σ_g d[g,y]`. With the default weight (1 million VND a person)
//! R5 steers choices that cost the same, such as which EM group a channel hires from, and
//! never buys extra staff. The distance is reported, not enforced.

use crate::model::{Model, RowKind, RowMeta};
use crate::scenario::Spec;
use good_lp::Expression;

pub fn add(spec: &Spec, m: &mut Model, year: i32) {
    let weight = spec.config.policy.r5_weight;
    let all_units: Vec<usize> = (0..spec.units.len()).collect();
    let total = super::members_sum(spec, m, &all_units, year, |_| true);
    let share_sum: f64 = spec.groups.iter().map(|g| g.population_share).sum();
    if share_sum <= 0.0 {
        return;
    }
    let mut distances = Vec::new();
    for (g, group) in spec.groups.iter().enumerate() {
        let share = group.population_share / share_sum;
        let n_g = super::members_sum(spec, m, &all_units, year, |c| c.group == g);
        let d = m.continuous();
        let diff: Expression = n_g - total.clone() * share;
        let meta = RowMeta::new(RowKind::R5Distance, None, year).with(group.id.clone());
        m.add_row((Expression::from(d) - diff.clone()).geq(0.0), meta.clone());
        m.add_row((Expression::from(d) + diff).geq(0.0), meta);
        if weight > 0.0 {
            m.objective.add_mul(weight, d);
        }
        distances.push(d);
    }
    m.r5_distance.insert(year, distances);
}
