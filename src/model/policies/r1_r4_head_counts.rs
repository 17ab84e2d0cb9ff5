//! R1–R4: minimum EM head-counts as shares of the quota, and EM women as 20% of them.
//!
//! For each unit (or, with `r1_scope = "total"`, the provincial units together) and target
//! year y: `Σ_{c EM} S[u,c,y] + shortfall ≥ round(λ_y · rate · quota[u,y])` with rate 20%
//! (R1), the commune band of R2, or 40% (R3); and
//! `Σ_{c EM, F} S[u,c,y] + shortfall ≥ round(20% · that minimum)` (R4). The right-hand sides
//! are data ([`crate::rules::fixed_targets`]).

use super::{add_local_share, add_target, members_sum, Coverage, Requirement};
use crate::model::Model;
use crate::model::SharedRow;
use crate::domain::Spec;
use good_lp::Expression;

pub fn add(spec: &Spec, m: &mut Model, year: i32, level: f64, coverage: &mut Coverage) {
    let scope = m.scope.clone();
    let targets = crate::rules::fixed_targets(spec, year, level);
    for target in targets {
        let filter = |c: &crate::domain::Cell| spec.is_em(c) && (c.female || !target.women);
        if target.unit.is_none() && !scope.is_whole_province() {
            // A province-wide total planned in parts: each unit carries its share, or its
            // contribution is priced.
            for &u in target.members.iter().filter(|&&u| scope.contains(u)) {
                let achieved = members_sum(spec, m, &[u], year, filter);
                match scope.price(SharedRow::Total(target.rule, year)) {
                    Some(y) => m.add_price(-y, achieved),
                    None => add_local_share(
                        m,
                        target.rule,
                        year,
                        u,
                        achieved,
                        Expression::default(),
                        0.0,
                    ),
                }
            }
            continue;
        }
        if !scope.contains_all(&target.members) {
            continue;
        }
        let shared = target
            .unit
            .is_none()
            .then_some(SharedRow::Total(target.rule, year));
        let achieved = members_sum(spec, m, &target.members, year, filter);
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
            shared,
        );
    }
}
