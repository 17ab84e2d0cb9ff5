//! R8: EM staff trained or upskilled, `λ_y · 100%` of each unit's EM staff in target year y
//! (80% in 2030, 100% in 2035 under the default roadmap):
//! `q ≥ λ_y · Σ_{c EM} S[u,c,y]` with q integer (so q = ⌈…⌉), and
//! `Σ_{c EM, trained} S[u,c,y] + shortfall ≥ q`.

use super::{add_target, head_bound, members_sum, required_count, Coverage, Requirement};
use crate::model::{Model, RowKind, RowMeta};
use crate::rules::Rule;
use crate::domain::Spec;

pub fn add(spec: &Spec, m: &mut Model, year: i32, level: f64, coverage: &mut Coverage) {
    let scope = m.scope.clone();
    let targets = crate::rules::ratio_targets(spec, year, level);
    for target in targets
        .into_iter()
        .filter(|t| t.rule == Rule::R8 && scope.contains_all(&t.members))
    {
        let em = members_sum(spec, m, &target.members, year, |c| spec.is_em(c));
        let trained = members_sum(spec, m, &target.members, year, |c| {
            spec.is_em(c) && c.trained
        });
        let meta = RowMeta::new(RowKind::Required(Rule::R8), target.unit, year);
        let big_m = head_bound(spec, &target.members);
        let q = required_count(
            spec,
            m,
            em,
            target.coefficient,
            (target.coefficient * big_m).ceil() + 1.0,
            meta,
            None,
        );
        add_target(
            spec,
            m,
            Requirement {
                unit: target.unit,
                rule: Rule::R8,
                year,
                achieved: trained,
                required: q.into(),
                big_m,
            },
            level,
            coverage,
            None,
        );
    }
}
