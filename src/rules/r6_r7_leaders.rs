//! R6 and R7: EM leaders, and EM women among them (POLICY.md II.3).
//!
//! For the provincial-level units together (10% "trên tổng số cán bộ người DTTS của tỉnh",
//! read as provincial-level EM staff) and each commune (20%), in target year y with level
//! λ_y, a chain of two targets:
//! - R6: EM leaders ≥ `round(λ_y · rate · Σ EM staff)`, a share of the plan's own
//!   head-count ([`Required::OfStaff`]; the model's `q6` is integer, so ⌈…⌉);
//! - R7: EM women leaders ≥ `round(20% · the R6 minimum)` ([`Required::OfPrevious`]).
//!
//! The public-service clause of R6 (every public service unit whose staff are ≥ 30% EM has
//! an EM manager) is modelled exactly with binaries `z[u,y]` and `w[u,y]`:
//! `Σ_{EM} S ≤ M·w` and `Σ_{EM} S − 30% · Σ S ≤ −0.01·w + M·z` force z = 1 whenever the unit
//! has EM staff who are at least 30% of it (head-counts are whole, so the left side moves in
//! steps of 0.1); a unit without EM staff (or without staff) sets w = 0 and is free; and
//! `Σ_{c EM, leader} S + shortfall ≥ z` then asks for an EM manager. When the share is
//! below 30% nothing forces z, and the objective sets it to 0. PSU managers also count in
//! the provincial totals of R6 and R7; R7 is not applied to a single PSU's one manager,
//! because 20% of one person is not a head-count the text sets. The clause applies in full
//! in every target year.

use super::{unit_level, Family, Limit, WOMEN_RATE};
use crate::domain::target::{Chain, Required, Target, TargetRow, Who};
use crate::domain::{PsuScope, R6Base, Rule, Spec, UnitKind};
use crate::model::targets::head_bound;
use crate::model::{Model, RowKind, RowMeta, TargetSlack};
use crate::plan::Plan;
use good_lp::Expression;

/// R6: EM leaders ≥ 10% of provincial-level EM staff.
pub const R6_PROVINCIAL_RATE: f64 = 0.10;
/// R6: EM leaders ≥ 20% of each commune's EM staff.
pub const R6_COMMUNE_RATE: f64 = 0.20;
/// R6: a public service unit with at least this EM share needs an EM manager.
pub const R6_PSU_THRESHOLD: f64 = 0.30;

/// The family of R6 and R7.
pub struct Leaders;

impl Family for Leaders {
    fn rules(&self) -> &'static [Rule] {
        &[Rule::R6, Rule::R7]
    }
    fn targets(&self, spec: &Spec, year: i32, level: f64) -> Vec<Chain> {
        let lvl = unit_level(spec, level);
        let mut out = Vec::new();
        let provincial: Vec<usize> = (0..spec.units.len())
            .filter(|&u| spec.units[u].kind.is_provincial_level())
            .collect();
        if !provincial.is_empty() {
            let (members, achieved_members, of) = match spec.config.policy.r6_province_base {
                R6Base::Provincial => (provincial, None, "provincial-level EM staff"),
                R6Base::All => (
                    (0..spec.units.len()).collect(),
                    Some(provincial),
                    "all the province's EM staff",
                ),
            };
            let why = format!(
                "provincial-level EM leaders ≥ 10% of {of}; {:.0}% of it in {year}",
                lvl * 100.0
            );
            let mut c = chain(None, year, members, lvl * R6_PROVINCIAL_RATE, why);
            for t in c.iter_mut() {
                t.achieved_members = achieved_members.clone();
            }
            out.push(c);
        }
        for (u, unit) in spec.units.iter().enumerate() {
            if unit.kind == UnitKind::Commune {
                let why = format!(
                    "EM leaders ≥ 20% of the commune's EM staff; {:.0}% of it in {year}",
                    lvl * 100.0
                );
                out.push(chain(Some(u), year, vec![u], lvl * R6_COMMUNE_RATE, why));
            }
        }
        out
    }
    fn add_clause_rows(&self, spec: &Spec, m: &mut Model, year: i32) {
        for u in public_service_units(spec, &m.scope.units) {
            add_psu_manager(spec, m, u, year);
        }
    }
    fn evaluate_clauses(&self, spec: &Spec, plan: &Plan, year: i32) -> Vec<TargetRow> {
        let em = |c: &crate::domain::Cell| spec.is_em(c);
        public_service_units(spec, &(0..spec.units.len()).collect::<Vec<_>>())
            .into_iter()
            .filter(|&u| {
                psu_manager_rule_applies(plan.sum(year, u, em), plan.sum(year, u, |_| true))
            })
            .map(|u| {
                let leaders = plan.sum(year, u, |c| em(c) && c.leader);
                TargetRow::new(&spec.units[u].id, Rule::R6, year, 1, leaders)
            })
            .collect()
    }
    fn explain_clauses(&self, spec: &Spec, year: i32) -> Vec<String> {
        public_service_units(spec, &(0..spec.units.len()).collect::<Vec<_>>())
            .into_iter()
            .map(|u| &spec.units[u])
            .map(|u| format!(
                "{}\tR6\t{year}\t1 if EM ≥ 30% of staff\tpublic service unit: at least one EM manager when EM staff are ≥ 30%",
                u.id
            ))
            .collect()
    }
    fn summary(&self, spec: &Spec, year: i32, _level: f64) -> Vec<String> {
        let count = |kind| spec.units.iter().filter(|u| u.kind == kind).count();
        vec![format!(
            "{year} R6/R7: provincial total + {} communes (share of EM staff), {} public service units (EM manager if ≥30% EM)",
            count(UnitKind::Commune),
            count(UnitKind::PublicService)
        )]
    }
    fn limits(&self, rule: Rule) -> &'static [Limit] {
        match rule {
            Rule::R7 => &[Limit::WomenCandidates],
            _ => &[],
        }
    }
}

/// R6 and the R7 built on it.
fn chain(
    unit: Option<usize>,
    year: i32,
    members: Vec<usize>,
    coefficient: f64,
    why: String,
) -> Chain {
    let r6 = Target {
        unit,
        rule: Rule::R6,
        year,
        members,
        achieved_members: None,
        achieved: Who::EmLeaders,
        required: Required::OfStaff {
            base: Who::Em,
            coefficient,
        },
        why,
    };
    let r7 = Target {
        rule: Rule::R7,
        achieved: Who::EmWomenLeaders,
        required: Required::OfPrevious { rate: WOMEN_RATE },
        why: "EM women leaders ≥ 20% of the R6 minimum of EM leaders".into(),
        ..r6.clone()
    };
    vec![r6, r7]
}

pub(crate) fn public_service_units(spec: &Spec, units: &[usize]) -> Vec<usize> {
    units
        .iter()
        .copied()
        .filter(|&u| {
            spec.units[u].kind == UnitKind::PublicService
                && (spec.config.policy.r6_psu_scope == PsuScope::Local
                    || !spec.units[u].run_by_commune)
        })
        .collect()
}

/// The R6 public-service clause applies when EM staff are at least 30% of the unit's staff.
pub fn psu_manager_rule_applies(em_staff: u32, total_staff: u32) -> bool {
    total_staff > 0 && em_staff as f64 >= R6_PSU_THRESHOLD * total_staff as f64 - 1e-9
}

fn add_psu_manager(spec: &Spec, m: &mut Model, u: usize, year: i32) {
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
    // Pricing the clause (`crate::prices`) asks one EM manager more or fewer when it
    // applies, or no shortfall.
    let change = m
        .scope
        .change
        .filter(|c| c.unit == u && c.rule == Rule::R6 && c.year == year);
    let asked = (1 + change.map_or(0, |c| c.extra)).max(0) as f64;
    let slack = if change.is_some_and(|c| c.hard) {
        m.at_most(0.0)
    } else {
        m.continuous()
    };
    m.slacks.push(TargetSlack {
        unit: Some(u),
        rule: Rule::R6,
        year,
        slack,
    });
    m.add_row(
        (em_leaders + slack - Expression::from(z) * asked).geq(0.0),
        RowMeta::new(RowKind::Target(Rule::R6), Some(u), year),
    );
}
