//! R1–R4: minimum EM head-counts as shares of the quota, and EM women as 20% of them.
//!
//! For each unit (or, with `r1_scope = "total"`, the provincial units together) and target
//! year y: `Σ_{c EM} S[u,c,y] + shortfall ≥ round(λ_y · rate · quota[u,y])` with rate 20%
//! (R1), the commune band of R2, or 40% (R3); and
//! `Σ_{c EM, F} S[u,c,y] + shortfall ≥ round(20% · that minimum)` (R4). The right-hand sides
//! are data ([`crate::rules::fixed_targets`]).

use super::{add_target, members_sum, Coverage, Requirement};
use crate::model::Model;
use crate::scenario::Spec;
use good_lp::Expression;

pub fn add(spec: &Spec, m: &mut Model, year: i32, level: f64, coverage: &mut Coverage) {
    for target in crate::rules::fixed_targets(spec, year, level) {
        let achieved = if target.women {
            members_sum(spec, m, &target.members, year, |c| spec.is_em(c) && c.female)
        } else {
            members_sum(spec, m, &target.members, year, |c| spec.is_em(c))
        };
        let required = target.required as f64;
        add_target(
            spec,
            m,
            Requirement {
                unit: target.unit,
                rule: target.rule,
                year,
                achieved,
                required: Expression::from(required),
                big_m: required,
            },
            level,
            coverage,
        );
    }
}
