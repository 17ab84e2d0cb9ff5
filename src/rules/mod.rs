//! The rules R1–R8 of POLICY.md, one module per rule family (after GenX's
//! `model/policies/*.jl`). A family's module holds all there is to know about its rules:
//! - **what they require**: the [`Target`]s of each target year, with the rates, the
//!   readings the scenario chose and the reasons in words;
//! - **its model rows** beyond the generic target rows of [`crate::model::targets`]
//!   (the public-service manager clause, R5's distances);
//! - **its evaluation** on a finished plan's head-counts, beyond the generic evaluation of
//!   its targets ([`evaluate_chain`]);
//! - **its explanation**: the lines of `bienche targets` and `bienche check`, and which
//!   limits can keep a rule from being met (for `summary.json`'s "why").
//!
//! The families, in the order the model adds their rows: [`r1_r4_head_counts`] (EM
//! head-counts as shares of the quota, and EM women among them), [`r6_r7_leaders`] (EM
//! leaders and EM women leaders; EM managers of public service units), [`r8_training`]
//! (trained EM staff) and [`r5_structure`] (the make-up of staff by group, a priced goal).

pub mod confidence;
pub mod intent;
pub mod r1_r4_head_counts;
pub mod r5_structure;
pub mod r6_r7_leaders;
pub mod r8_training;
pub mod roadmap;

use crate::domain::target::{Chain, Required, Target, TargetRow};
use crate::domain::{Roadmap, Spec};
use crate::model::Model;
use crate::plan::Plan;
use crate::rounding::round_count;

pub use crate::domain::Rule;
pub use r1_r4_head_counts::{r2_rate, R2Rate};

/// R4 and R7: EM women ≥ 20% of the minimum EM head-count (R4) or of EM leaders (R7).
pub const WOMEN_RATE: f64 = 0.20;

/// A limit that can keep a rule from being met, for the "why" of a missed target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Channel caps, province-wide and per unit kind (head-count rules).
    HiringCaps,
    /// Channels' women candidates.
    WomenCandidates,
    /// Training seats per year.
    TrainingSeats,
}

/// A family of rules. Every method but [`Family::rules`] has a default that does nothing.
pub trait Family: Sync {
    /// The rules of the family.
    fn rules(&self) -> &'static [Rule];
    /// The family's targets in a target year of roadmap `level`, chain by chain.
    fn targets(&self, _spec: &Spec, _year: i32, _level: f64) -> Vec<Chain> {
        Vec::new()
    }
    /// Rows set up once, before any target year (R5's head-count changes).
    fn prepare_rows(&self, _spec: &Spec, _m: &mut Model) {}
    /// Rows of the family's clauses beyond its targets, added right after them.
    fn add_clause_rows(&self, _spec: &Spec, _m: &mut Model, _year: i32) {}
    /// Goal rows of a target year, priced in the objective, added after every target.
    fn add_goal_rows(&self, _spec: &Spec, _m: &mut Model, _year: i32) {}
    /// Rows of its clauses and goals on a plan's head-counts.
    fn evaluate_clauses(&self, _spec: &Spec, _plan: &Plan, _year: i32) -> Vec<TargetRow> {
        Vec::new()
    }
    /// Rows of rules held in every planned year (I1–I4), on a plan's head-counts and flows.
    fn evaluate_yearly(&self, _spec: &Spec, _plan: &Plan) -> Vec<TargetRow> {
        Vec::new()
    }
    /// `bienche targets` lines of rules held in every planned year.
    fn explain_yearly(&self, _spec: &Spec) -> Vec<String> {
        Vec::new()
    }
    /// `bienche targets` lines of its clauses (unit, rule, year, required, why; tab-separated).
    fn explain_clauses(&self, _spec: &Spec, _year: i32) -> Vec<String> {
        Vec::new()
    }
    /// `bienche check` lines summarising the family in a target year.
    fn summary(&self, _spec: &Spec, _year: i32, _level: f64) -> Vec<String> {
        Vec::new()
    }
    /// Limits that can keep `rule` from being met.
    fn limits(&self, _rule: Rule) -> &'static [Limit] {
        &[]
    }
}

/// Every family, in the order the model adds their rows.
pub static FAMILIES: [&dyn Family; 5] = [
    &r1_r4_head_counts::HeadCounts,
    &r6_r7_leaders::Leaders,
    &r8_training::Training,
    &r5_structure::Structure,
    &intent::Intent,
];

/// The family of a rule.
pub fn family_of(rule: Rule) -> &'static dyn Family {
    FAMILIES
        .iter()
        .copied()
        .find(|f| f.rules().contains(&rule))
        .expect("every rule has a family")
}

/// The share of each target a unit must reach in a target year: the roadmap level under
/// `level`, the full target under `coverage` (where the level is a share of units instead).
pub fn unit_level(spec: &Spec, level: f64) -> f64 {
    match spec.config.policy.roadmap {
        Roadmap::Level => level,
        Roadmap::Coverage => 1.0,
    }
}

/// The name of a target's unit in the tables: its id, or `PROVINCE`.
pub fn unit_name(spec: &Spec, u: Option<usize>) -> &str {
    u.map(|u| spec.units[u].id.as_str()).unwrap_or("PROVINCE")
}

/// A chain's targets evaluated on a plan's head-counts: each required number recomputed
/// from the rule (a fixed number, or the rounded share of the plan's own base or of the
/// previous target's requirement), against what the plan achieves.
pub fn evaluate_chain(spec: &Spec, plan: &Plan, chain: &Chain) -> Vec<TargetRow> {
    let rounding = spec.config.policy.rounding;
    let mut previous: Option<u32> = None;
    let mut out = Vec::new();
    for t in chain {
        let count_in = |who: crate::domain::target::Who, achieved: bool| -> u32 {
            t.members
                .iter()
                .filter(|&&u| !achieved || t.counts_achieved(u))
                .map(|&u| plan.sum(t.year, u, |c| who.counts(spec.is_em(c), c)))
                .sum()
        };
        let count = |who| count_in(who, false);
        let required = match t.required {
            Required::Fixed(r) => r,
            Required::OfStaff { base, coefficient } => {
                round_count(coefficient * count(base) as f64, rounding)
            }
            Required::OfPrevious { rate } => {
                round_count(rate * previous.unwrap_or(0) as f64, rounding)
            }
        };
        previous = Some(required);
        out.push(TargetRow::new(
            unit_name(spec, t.unit),
            t.rule,
            t.year,
            required,
            count_in(t.achieved, true),
        ));
    }
    out
}

/// The `required` column of `bienche targets` for a target: the number, or how the plan's
/// own head-count sets it.
pub fn required_text(spec: &Spec, t: &Target, previous: Option<&Target>) -> String {
    let rounding = spec.config.policy.rounding;
    match t.required {
        Required::Fixed(r) => r.to_string(),
        Required::OfStaff { base, coefficient } => {
            format!(
                "{rounding}({:.1}% × {})",
                coefficient * 100.0,
                base.describe()
            )
        }
        Required::OfPrevious { rate } => format!(
            "{rounding}({:.0}% × {} minimum)",
            rate * 100.0,
            previous.map_or(String::new(), |p| p.rule.to_string())
        ),
    }
}
