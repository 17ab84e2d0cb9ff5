//! The roadmap year by year: the legal target years of `time.targets`, and between them the
//! interim milestones of `intent.milestones` (POLICY.md "Every year counts", III.1.b: meeting
//! the targets is "một tiêu chí quan trọng để đánh giá mức độ hoàn thành nhiệm vụ hằng năm
//! của người đứng đầu", heads are judged on them every year).
//!
//! # Milestones (`linear`, the default)
//! In a year t between two target years y0 < t < y1 (y0 being the base year for the first
//! segment), with f = (t − y0)/(y1 − y0), each target of year y1 (computed on the quota in
//! force in t) becomes a milestone on the straight line from its value at y0:
//! - a fixed number r1: `round(v0 + f·(r1 − v0))`, v0 being the base-year head-count the
//!   target counts (first segment) or the number required at y0;
//! - a share c1 of the plan's own head-count (R6, R8): the share `c_t = c0 + f·(c1 − c0)`,
//!   c0 being the base-year share (first segment) or the share required at y0, of the
//!   base-year head-count: `round(c_t · base)`, a number known before planning;
//! - a share of the chain's previous minimum (R7): that share of the milestone before it.
//!
//! Milestones are fixed numbers so that a head knows in advance what the year asks, and so
//! that they add no integer columns: as shares of the plan's own head-counts (an integer
//! required count per unit and year) they made the group MIPs of the sample 40 times slower.
//!
//! A unit already above its target starts the line at the target (v0 = min(v0, v1)): it must
//! not fall below the target in the years before it. Milestones are monitoring points, not
//! legal deadlines: their shortfall is priced at `intent.penalty`, below the target years'
//! `policy.shortfall_penalty`. A re-plan draws the first segment from its reference year's
//! workforce (`time.reference_year`), so its milestones are those of the plan it replaces.
//! Clauses (R6's public-service managers) and goals (R5) stay in
//! the target years. Under `roadmap = "coverage"` there are no milestones (which units go
//! first is the optimiser's choice, and a line per unit would take it away).

use super::FAMILIES;
use crate::domain::target::{Chain, Required, Target, Who};
use crate::domain::{Milestones, Roadmap, Rule, Spec};
use crate::rounding::{round9, round_count};
use std::collections::BTreeMap;

/// A year the plan is held to: a target year, or a milestone between two.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Year {
    pub year: i32,
    /// Roadmap level of a target year; of the next target year for a milestone.
    pub level: f64,
    pub milestone: bool,
}

/// Every year the plan is held to, in order.
pub fn years(spec: &Spec) -> Vec<Year> {
    let mut out = Vec::new();
    let mut from = spec.base_year();
    for ty in &spec.config.time.targets {
        if has_milestones(spec) {
            for year in from + 1..ty.year {
                out.push(Year {
                    year,
                    level: ty.level,
                    milestone: true,
                });
            }
        }
        out.push(Year {
            year: ty.year,
            level: ty.level,
            milestone: false,
        });
        from = ty.year;
    }
    out
}

pub fn has_milestones(spec: &Spec) -> bool {
    spec.config.intent.milestones == Milestones::Linear
        && spec.config.policy.roadmap == Roadmap::Level
}

/// Whether `year` is a legal target year.
pub fn is_target_year(spec: &Spec, year: i32) -> bool {
    spec.config.time.targets.iter().any(|t| t.year == year)
}

/// Every year the plan is held to, with every family's chains in it: computed once per
/// run, since every group's model asks for the whole province's.
pub type Schedule = Vec<(Year, Vec<Chain>)>;

pub fn schedule(spec: &Spec) -> Schedule {
    years(spec)
        .into_iter()
        .map(|y| (y, chains(spec, y)))
        .collect()
}

/// Every family's chains in a year the plan is held to.
pub fn chains(spec: &Spec, y: Year) -> Vec<Chain> {
    let all = |year: i32, level: f64| -> Vec<Chain> {
        FAMILIES
            .iter()
            .flat_map(|f| f.targets(spec, year, level))
            .collect()
    };
    if !y.milestone {
        return all(y.year, y.level);
    }
    let targets = &spec.config.time.targets;
    let next = targets
        .iter()
        .position(|t| t.year > y.year)
        .expect("a milestone lies before a target year");
    let (y0, start) = if next == 0 {
        (spec.reference_year(), None)
    } else {
        let t = targets[next - 1];
        (t.year, Some(index(all(t.year, t.level))))
    };
    let y1 = targets[next].year;
    let f = (y.year - y0) as f64 / (y1 - y0) as f64;
    all(y.year, y.level)
        .into_iter()
        .map(|chain| {
            let mut previous: Option<u32> = None;
            chain
                .into_iter()
                .map(|t| {
                    let m = milestone(spec, t, f, (y0, y1), start.as_ref(), previous);
                    if let Required::Fixed(r) = m.required {
                        previous = Some(r);
                    }
                    m
                })
                .collect()
        })
        .collect()
}

type Index = BTreeMap<(Option<usize>, Rule), Target>;

fn index(chains: Vec<Chain>) -> Index {
    chains
        .into_iter()
        .flatten()
        .map(|t| ((t.unit, t.rule), t))
        .collect()
}

/// A target of y1 moved to its milestone on the line from y0 (base year when `start` is
/// `None`).
fn milestone(
    spec: &Spec,
    t: Target,
    f: f64,
    (y0, y1): (i32, i32),
    start: Option<&Index>,
    previous: Option<u32>,
) -> Target {
    let before = start.and_then(|s| s.get(&(t.unit, t.rule)));
    let base_count = |who: Who, achieved: bool| -> u32 {
        t.members
            .iter()
            .filter(|&&u| !achieved || t.counts_achieved(u))
            .map(|&u| {
                spec.reference_staff_of(u)
                    .filter(|(c, _)| who.counts(spec.is_em(c), c))
                    .map(|(_, n)| n)
                    .sum::<u32>()
            })
            .sum()
    };
    let rounding = spec.config.policy.rounding;
    let (required, line) = match t.required {
        Required::Fixed(r1) => {
            let v0 = match before {
                Some(Target {
                    required: Required::Fixed(r0),
                    ..
                }) => *r0,
                _ => base_count(t.achieved, true),
            }
            .min(r1);
            let x = v0 as f64 + f * (r1 as f64 - v0 as f64);
            let r = round_count(x, rounding);
            (
                Required::Fixed(r),
                format!("{v0} in {y0} → {r1} in {y1}: {x:.2} → {r}"),
            )
        }
        Required::OfStaff { base, coefficient } => {
            let c0 = match before {
                Some(Target {
                    required: Required::OfStaff { coefficient: c, .. },
                    ..
                }) => *c,
                _ => {
                    let b = base_count(base, false);
                    if b == 0 {
                        coefficient
                    } else {
                        base_count(t.achieved, true) as f64 / b as f64
                    }
                }
            }
            .min(coefficient);
            let c = round9(c0 + f * (coefficient - c0));
            let b = base_count(base, false);
            let r = round_count(c * b as f64, rounding);
            (
                Required::Fixed(r),
                format!(
                    "{:.1}% in {y0} → {:.1}% in {y1}: {:.1}% of {}'s {b} {} → {r}",
                    c0 * 100.0,
                    coefficient * 100.0,
                    c * 100.0,
                    spec.reference_year(),
                    base.describe()
                ),
            )
        }
        Required::OfPrevious { rate } => {
            let p = previous.unwrap_or(0);
            let r = round_count(rate * p as f64, rounding);
            (
                Required::Fixed(r),
                format!("{:.0}% of the milestone {p} → {r}", rate * 100.0),
            )
        }
    };
    Target {
        required,
        why: format!("milestone on the line to {y1}: {line}"),
        ..t
    }
}
