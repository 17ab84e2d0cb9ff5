//! R6 and R7: EM leaders, and EM women among them.
//!
//! For the provincial-level units together (coefficient 10%) and each commune (20%), in
//! target year y with level λ_y:
//! - R6: `q6 ≥ λ_y · rate · Σ_{c EM} S` (q6 integer, so ⌈…⌉) and
//!   `Σ_{c EM, leader} S + shortfall ≥ q6`;
//! - R7: `q7 ≥ 20% · q6` and `Σ_{c EM, leader, F} S + shortfall ≥ q7`.
//!
//! The public-service clause of R6 is modelled exactly with a binary `z[u,y]`:
//! `Σ_{EM} S − 30% · Σ S ≤ −0.01 + M·z` forces z = 1 whenever EM staff are at least 30%
//! (head-counts are whole, so the left side moves in steps of 0.1), and
//! `Σ_{c EM, leader} S + shortfall ≥ z` then asks for an EM manager. When the share is
//! below 30% nothing forces z, and the objective sets it to 0. PSU managers also count in
//! the provincial totals of R6 and R7; R7 is not applied to a single PSU's one manager,
//! because 20% of one person is not a head-count the text sets.

use super::{add_target, head_bound, members_sum, required_count, Coverage, Requirement};
use crate::model::{Model, RowKind, RowMeta};
use crate::rules::{r7_of, Rule, R6_PSU_THRESHOLD, WOMEN_RATE};
use crate::scenario::{Spec, UnitKind};
use good_lp::Expression;

pub fn add(spec: &Spec, m: &mut Model, year: i32, level: f64, coverage: &mut Coverage) {
    for r6 in crate::rules::ratio_targets(spec, year, level).into_iter().filter(|t| t.rule == Rule::R6) {
        let em = members_sum(spec, m, &r6.members, year, |c| spec.is_em(c));
        let em_leaders = members_sum(spec, m, &r6.members, year, |c| spec.is_em(c) && c.leader);
        let em_women_leaders =
            members_sum(spec, m, &r6.members, year, |c| spec.is_em(c) && c.leader && c.female);
        let big_m = head_bound(spec, &r6.members);
        let q6 = required_count(spec, m, em, r6.coefficient, RowMeta::new(RowKind::Required(Rule::R6), r6.unit, year));
        add_target(
            spec,
            m,
            Requirement { unit: r6.unit, rule: Rule::R6, year, achieved: em_leaders, required: q6.into(), big_m },
            level,
            coverage,
        );
        let r7 = r7_of(&r6);
        let q7 = required_count(
            spec,
            m,
            q6.into(),
            WOMEN_RATE,
            RowMeta::new(RowKind::Required(Rule::R7), r7.unit, year),
        );
        add_target(
            spec,
            m,
            Requirement { unit: r7.unit, rule: Rule::R7, year, achieved: em_women_leaders, required: q7.into(), big_m },
            level,
            coverage,
        );
    }
    add_psu_managers(spec, m, year);
}

fn add_psu_managers(spec: &Spec, m: &mut Model, year: i32) {
    for u in (0..spec.units.len()).filter(|&u| spec.units[u].kind == UnitKind::PublicService) {
        let em = m.stock_sum(spec, u, year, |c| spec.is_em(c));
        let all = m.stock_sum(spec, u, year, |_| true);
        let em_leaders = m.stock_sum(spec, u, year, |c| spec.is_em(c) && c.leader);
        let big_m = head_bound(spec, &[u]);
        let z = m.binary();
        let condition = em - all * R6_PSU_THRESHOLD - Expression::from(z) * big_m;
        m.add_row(condition.leq(-0.01), RowMeta::new(RowKind::PsuCondition, Some(u), year));
        let slack = m.continuous();
        m.slacks.push(crate::model::TargetSlack { unit: Some(u), rule: Rule::R6, year, slack });
        m.add_row((em_leaders + slack - z).geq(0.0), RowMeta::new(RowKind::Target(Rule::R6), Some(u), year));
    }
}
