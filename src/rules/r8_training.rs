//! R8: EM staff trained or upskilled (POLICY.md II.4): in target year y, trained EM staff
//! ≥ `round(λ_y · 100% · EM staff)` in each unit (80% in 2030, 100% in 2035 under the
//! default roadmap), a share of the plan's own head-count ([`Required::OfStaff`]). The text
//! does not say that leaders must be trained first, and the rule does not ask it.

use super::{unit_level, Family, Limit};
use crate::domain::target::{Chain, Required, Target, Who};
use crate::domain::{Rule, Spec};

/// R8: EM staff trained; the roadmap level gives 80% in 2030 and 100% in 2035.
pub const R8_RATE: f64 = 1.0;

/// The family of R8.
pub struct Training;

impl Family for Training {
    fn rules(&self) -> &'static [Rule] {
        &[Rule::R8]
    }
    fn targets(&self, spec: &Spec, year: i32, level: f64) -> Vec<Chain> {
        let lvl = unit_level(spec, level);
        (0..spec.units.len())
            .map(|u| {
                vec![Target {
                    unit: Some(u),
                    rule: Rule::R8,
                    year,
                    members: vec![u],
                    achieved_members: None,
                    achieved: Who::EmTrained,
                    required: Required::OfStaff {
                        base: Who::Em,
                        coefficient: lvl * R8_RATE,
                    },
                    why: format!(
                        "EM staff trained ≥ {:.0}% of EM staff in {year}",
                        lvl * R8_RATE * 100.0
                    ),
                }]
            })
            .collect()
    }
    fn summary(&self, spec: &Spec, year: i32, _level: f64) -> Vec<String> {
        vec![format!("{year} R8: every unit ({})", spec.units.len())]
    }
    fn limits(&self, _rule: Rule) -> &'static [Limit] {
        &[Limit::TrainingSeats]
    }
}
