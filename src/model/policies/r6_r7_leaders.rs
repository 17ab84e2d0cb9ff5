//! R6 and R7: EM leaders, and EM women among them.
//!
//! For the provincial-level units together (coefficient 10%) and each commune (20%), in
//! target year y with level λ_y:
//! - R6: `q6 ≥ λ_y · rate · Σ_{c EM} S` (q6 integer, so ⌈…⌉) and
//!   `Σ_{c EM, leader} S + shortfall ≥ q6`;
//! - R7: `q7 ≥ 20% · q6` and `Σ_{c EM, leader, F} S + shortfall ≥ q7`.
//!
//! The public-service clause of R6 is modelled exactly with binaries `z[u,y]` and `w[u,y]`:
//! `Σ_{EM} S ≤ M·w` and `Σ_{EM} S − 30% · Σ S ≤ −0.01·w + M·z` force z = 1 whenever the unit
//! has EM staff who are at least 30% of it (head-counts are whole, so the left side moves in
//! steps of 0.1); a unit without EM staff (or without staff) sets w = 0 and is free; and
//! `Σ_{c EM, leader} S + shortfall ≥ z` then asks for an EM manager. When the share is
//! below 30% nothing forces z, and the objective sets it to 0. PSU managers also count in
//! the provincial totals of R6 and R7; R7 is not applied to a single PSU's one manager,
//! because 20% of one person is not a head-count the text sets.

use super::{
    add_local_share, add_target, head_bound, members_sum, required_count, Coverage, Requirement,
};
use crate::model::SharedRow;
use crate::model::{Model, RowKind, RowMeta};
use crate::rules::{r7_of, Rule, R6_PSU_THRESHOLD, WOMEN_RATE};
use crate::domain::{Spec, UnitKind};
use good_lp::Expression;

pub fn add(spec: &Spec, m: &mut Model, year: i32, level: f64, coverage: &mut Coverage) {
    let scope = m.scope.clone();
    let targets = crate::rules::ratio_targets(spec, year, level);
    for r6 in targets.into_iter().filter(|t| t.rule == Rule::R6) {
        if r6.unit.is_none() && !scope.is_whole_province() {
            // The provincial totals planned in parts: EM leaders − rate·EM staff ≥ share.
            for &u in r6.members.iter().filter(|&&u| scope.contains(u)) {
                let em = m.stock_sum(spec, u, year, |c| spec.is_em(c));
                let leaders = m.stock_sum(spec, u, year, |c| spec.is_em(c) && c.leader);
                let women = m.stock_sum(spec, u, year, |c| spec.is_em(c) && c.leader && c.female);
                if let Some(y_required) = scope.price(SharedRow::R6Required(year)) {
                    m.add_price(y_required * r6.coefficient, em);
                    m.add_price(
                        -scope
                            .price(SharedRow::LeaderTarget(Rule::R6, year))
                            .unwrap_or(0.0),
                        leaders,
                    );
                    m.add_price(
                        -scope
                            .price(SharedRow::LeaderTarget(Rule::R7, year))
                            .unwrap_or(0.0),
                        women,
                    );
                } else {
                    add_local_share(m, Rule::R6, year, u, leaders, em.clone(), r6.coefficient);
                    add_local_share(m, Rule::R7, year, u, women, em, WOMEN_RATE * r6.coefficient);
                }
            }
            continue;
        }
        if !scope.contains_all(&r6.members) {
            continue;
        }
        let province = r6.unit.is_none();
        let em = members_sum(spec, m, &r6.members, year, |c| spec.is_em(c));
        let em_leaders = members_sum(spec, m, &r6.members, year, |c| spec.is_em(c) && c.leader);
        let em_women_leaders = members_sum(spec, m, &r6.members, year, |c| {
            spec.is_em(c) && c.leader && c.female
        });
        let big_m = head_bound(spec, &r6.members);
        let q6 = required_count(
            spec,
            m,
            em,
            r6.coefficient,
            (r6.coefficient * big_m).ceil() + 1.0,
            RowMeta::new(RowKind::Required(Rule::R6), r6.unit, year),
            province.then_some(SharedRow::R6Required(year)),
        );
        add_target(
            spec,
            m,
            Requirement {
                unit: r6.unit,
                rule: Rule::R6,
                year,
                achieved: em_leaders,
                required: q6.into(),
                big_m,
            },
            level,
            coverage,
            province.then_some(SharedRow::LeaderTarget(Rule::R6, year)),
        );
        let r7 = r7_of(&r6);
        let q7 = required_count(
            spec,
            m,
            q6.into(),
            WOMEN_RATE,
            (WOMEN_RATE * r6.coefficient * big_m).ceil() + 1.0,
            RowMeta::new(RowKind::Required(Rule::R7), r7.unit, year),
            province.then_some(SharedRow::ProvinceOnly),
        );
        add_target(
            spec,
            m,
            Requirement {
                unit: r7.unit,
                rule: Rule::R7,
                year,
                achieved: em_women_leaders,
                required: q7.into(),
                big_m,
            },
            level,
            coverage,
            province.then_some(SharedRow::LeaderTarget(Rule::R7, year)),
        );
    }
    add_psu_managers(spec, m, year);
}

fn add_psu_managers(spec: &Spec, m: &mut Model, year: i32) {
    for u in m
        .scope
        .units
        .clone()
        .into_iter()
        .filter(|&u| spec.units[u].kind == UnitKind::PublicService)
    {
        let em = m.stock_sum(spec, u, year, |c| spec.is_em(c));
        let all = m.stock_sum(spec, u, year, |_| true);
        let em_leaders = m.stock_sum(spec, u, year, |c| spec.is_em(c) && c.leader);
        let big_m = head_bound(spec, &[u]);
        // w = 1 when the unit has EM staff; with none (an empty unit included) the share is
        // not ≥ 30% and the condition is relaxed by its margin.
        let z = m.binary();
        let w = m.binary();
        m.add_row(
            (em.clone() - Expression::from(w) * big_m).leq(0.0),
            RowMeta::new(RowKind::PsuCondition, Some(u), year),
        );
        let condition =
            em - all * R6_PSU_THRESHOLD - Expression::from(z) * big_m + Expression::from(w) * 0.01;
        m.add_row(
            condition.leq(0.0),
            RowMeta::new(RowKind::PsuCondition, Some(u), year),
        );
        let slack = m.continuous();
        m.slacks.push(crate::model::TargetSlack {
            unit: Some(u),
            rule: Rule::R6,
            year,
            slack,
        });
        m.add_row(
            (em_leaders + slack - z).geq(0.0),
            RowMeta::new(RowKind::Target(Rule::R6), Some(u), year),
        );
    }
}
