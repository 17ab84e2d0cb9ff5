//! Targets planned with a confidence level (issue 12, item 4): `policy.confidence = q` asks
//! each unit's legal target (R1–R4, R6–R8 in a target year) for a margin of whole people
//! above its requirement, so that its chance of being met when people leave at random is
//! about q; `q = 0.5` asks no margin (the expected-value plan).
//!
//! # Formulation (a deterministic equivalent, derived once before the solve)
//! A target row says `A ≥ required`: A the people it counts (EM staff, EM women, EM
//! leaders, trained EM staff). The plan's A is an expectation; in the world it is off by
//! `D = −Σ_i w_i·(X_i − p_i) + H_dev`:
//! - base-year person i of the unit who is not due to retire by the target year t leaves by
//!   then with `p = 1 − (1 − a_u)^(t − base year)` (`X_i` = 1 if so), `a_u` the unit's
//!   settled rate (one minus the product of their tenure years' `1 − a_u(k)` where
//!   `staff.csv` gives their year of recruitment); `w_i` = 1 if the person's base-year cell counts in A; for R6 and R7
//!   every other leader weighs 1 too (a post frees only when its holder leaves, and a
//!   holder the plan booked to leave who stays blocks the promotion); for a share `c` of
//!   the plan's own staff B (R6, R8: `⌈c·B⌉`), each other person of B weighs `c` (one who
//!   stays against the booking raises the requirement by c); else 0;
//! - `H_dev`: the people the plan must add for a head-count target (R1–R4), `H` = the
//!   larger of the no-plan forecast's shortfall and the requirement less the base-year
//!   people it counts expected to be there (`Σ (n − retired)·(1 − p)`: those who leave are
//!   replaced by hires too), each a net hire who stays through the first years with
//!   probability `1 − P_u`: variance `P_u·H`.
//!
//! A leaver among A costs a whole person although they also lower `c·B` by c: rounded up,
//! the requirement seldom moves in a unit of a few dozen EM staff (R8's 80% of 15 is 12,
//! and of 14 still 12). R7's base, R6's minimum, is taken as a number.
//!
//! So `Var D = Σ_i w_i²·p·(1 − p) + P_u·H`, `σ = √Var D`.
//!
//! In a unit kept at its quota ([`held_at_quota`]) a post anyone frees is filled again from
//! the plan's hires, so a head-count target (R1–R4) moves with the people it does not count
//! too: one who stays against the booking takes the post a counted hire would have filled.
//! Such a row takes the larger of its margin and the margin with `w_i` = 1 for the people it
//! does not count and 0 for those it counts (in σ and in b below): exact where every post
//! freed goes to a counted hire. `P_u·H` stays in that margin's variance: it stands for the
//! early leavers among the hires the row does not count, whose number is not known before
//! the solve (the cautious side).
//!
//! The plan books whole leavers per base cell, each cell within a person of its
//! expectation ([`crate::model::stocks::base_attrition`]); so the world's expected slack
//! `A − required` differs from the plan's by `b = Σ_c s_c·(E_c − L_c)`: `E_c` the cell's
//! expected leavers to date, `L_c` those booked, `s_c` what one leaver of c does to the
//! slack (−1 where c counts in A, +1 for another leader of R6/R7, +share for another person
//! of B, −(1 − share) for a counted person also in B: exact here, where σ keeps the whole
//! person). The margin is `m = max(0, ⌈z_q·σ − h − b⌉)`, `z_q = Φ⁻¹(q)`: with `A =
//! required + m` in the plan, the world's slack is `m + b − D` on average `m + b`, and
//! `P(D ≤ m + b) ≈ Φ((m + b + h)/σ) ≥ q` (normal, with a continuity correction of half the
//! slack's step: `h = ½` for a head-count; for a share c of B, whose slack `A − c·B` moves
//! by c or 1 − c, `min(c, 1 − c)/2`). Without `b`, a unit whose booking ran a person ahead
//! of the world missed its confidence by that person.
//!
//! A share of all of B (R8's 100% of 2035) gets no margin: `A ≤ B` leaves no room above
//! it, and its chance rests on training whoever stays (`simulate` trains every EM person
//! of a unit the plan leaves with none untrained).
//!
//! In the model the row becomes `A + s + s_m ≥ required + m` with `0 ≤ s_m ≤ m` priced at
//! `policy.margin_penalty` a person, below `policy.shortfall_penalty`: a margin that no
//! lever can reach is reported, not forced, and never bought at the cost of another target.
//! Targets are still met or missed on `required` alone. Province-wide rows, the coverage
//! roadmap's rows and milestones get no margin.

use crate::domain::target::{Required, TargetKind, TargetRow, Who};
use crate::domain::{Cell, Rule, Spec};
use std::collections::BTreeMap;

/// A unit target's margin: the people asked above the requirement, and the spread it
/// covers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Margin {
    pub people: u32,
    /// `σ`, people.
    pub sigma: f64,
}

/// The margins of every unit target in a target year, by (unit, rule, year), given the
/// no-plan forecast's target rows (for the hires a head-count target needs). Empty at
/// `confidence = 0.5`.
pub fn margins(spec: &Spec, forecast: &[TargetRow]) -> BTreeMap<(usize, Rule, i32), Margin> {
    let q = spec.config.policy.confidence;
    let mut out = BTreeMap::new();
    if q <= 0.5 || spec.config.policy.roadmap == crate::domain::Roadmap::Coverage {
        return out;
    }
    let z = inverse_normal(q);
    let offsets = booking_offsets(spec);
    let gap: BTreeMap<(String, Rule, i32), u32> = forecast
        .iter()
        .filter(|r| r.kind == TargetKind::Target && !r.goal)
        .map(|r| ((r.unit.clone(), r.rule, r.year), r.shortfall))
        .collect();
    for ty in &spec.config.time.targets {
        for chain in super::roadmap::chains(
            spec,
            super::roadmap::Year {
                year: ty.year,
                level: ty.level,
                milestone: false,
            },
        ) {
            let mut previous: Option<(Who, f64)> = None;
            for t in &chain {
                let share = t.share_of_base(previous);
                previous = share;
                let Some(u) = t.unit else { continue };
                // R7's base is R6's minimum: taken as a number.
                let share = share.filter(|_| matches!(t.required, Required::OfStaff { .. }));
                // A share of all of B (R8's 100%) leaves no room above it: its chance rests on
                // training those who stay, not on a margin.
                if share.is_some_and(|(_, s)| s >= 1.0) {
                    continue;
                }
                // The net hires a head-count target rests on: at least those replacing the
                // base-year people it counts who are expected to have gone by then.
                let hires = match t.required {
                    Required::Fixed(required) => {
                        let forecast = gap
                            .get(&(spec.units[u].id.clone(), t.rule, t.year))
                            .copied()
                            .unwrap_or(0) as f64;
                        let staying = staying(spec, u, t.achieved, t.year);
                        forecast.max(required as f64 - staying)
                    }
                    _ => 0.0,
                };
                let slope = |c: &Cell| slack_per_leaver(spec, t.rule, t.achieved, share, c);
                // In b a counted person who is also in B moves the slack by −(1 − s): the
                // requirement falls by s as they go (σ keeps the whole person, the cautious
                // side).
                let exact = |c: &Cell| {
                    let also_in_base = share.map_or(0.0, |(base, s)| {
                        let em = spec.is_em(c);
                        s * (t.achieved.counts(em, c) && base.counts(em, c)) as u8 as f64
                    });
                    slope(c) + also_in_base
                };
                // Half the step of the slack's lattice: a person for a head-count; for a
                // share s of B, whose slack moves by s or 1 − s, the smaller half.
                let half_step = share.map_or(0.5, |(_, s)| s.min(1.0 - s) / 2.0);
                // The margin and σ when one leaver of cell c moves the slack by `slope(c)`
                // (σ) and `exact(c)` (b).
                let margin = |slope: &dyn Fn(&Cell) -> f64, exact: &dyn Fn(&Cell) -> f64| {
                    let variance = leaving_variance(spec, u, slope, t.year)
                        + spec.new_hire_leaving_probability(u) * hires;
                    let sigma = variance.sqrt();
                    let ahead: f64 = spec
                        .staff_of(u)
                        .map(|(c, _)| {
                            let off = offsets.get(&(u, c, t.year)).copied().unwrap_or(0.0);
                            exact(&c) * off
                        })
                        .sum();
                    let people = (z * sigma - half_step - ahead).ceil().max(0.0) as u32;
                    (people, sigma)
                };
                let (mut people, mut sigma) = margin(&slope, &exact);
                // Held at its quota, a head-count row may instead move with the people it
                // does not count, whose freed posts its hires fill: the larger margin.
                if matches!(t.required, Required::Fixed(_)) && held_at_quota(spec, u, t.year) {
                    let others = |c: &Cell| !t.achieved.counts(spec.is_em(c), c) as u8 as f64;
                    let (p, s) = margin(&others, &others);
                    if p > people {
                        (people, sigma) = (p, s);
                    }
                }
                if people > 0 {
                    out.insert((u, t.rule, t.year), Margin { people, sigma });
                }
            }
        }
    }
    out
}

/// What one leaver of base cell c does to the row's slack `A − required`: −1 where c
/// counts in A; for R6 and R7, +1 for every other leader (a post frees when its holder
/// leaves); for a share `s` of the plan's own staff B, +s for each other person of B (the
/// requirement falls by s); else 0. Its square is `w_i²` of the module's formulation.
fn slack_per_leaver(
    spec: &Spec,
    rule: Rule,
    achieved: Who,
    share: Option<(Who, f64)>,
    c: &Cell,
) -> f64 {
    let em = spec.is_em(c);
    if achieved.counts(em, c) {
        -1.0
    } else if matches!(rule, Rule::R6 | Rule::R7) && c.leader {
        1.0
    } else {
        share.map_or(0.0, |(base, s)| s * base.counts(em, c) as u8 as f64)
    }
}

/// Unit u's base-year people of cell c not retired by year t, by cohort
/// ([`Spec::base_cohorts`]; retirements take the settled first, then the earliest hired),
/// each with the chance of still being there in t: `(1 − a_u)^(t − base year)` for the
/// settled, the product of their tenure years' rates for a cohort hired in a known year.
fn still_there(spec: &Spec, u: usize, c: &Cell, t: i32) -> Vec<(f64, f64)> {
    let years = (t - spec.base_year()).max(0);
    let mut retired: u32 = (spec.base_year() + 1..=t)
        .map(|y| spec.retirements.get(&(u, *c, y)).copied().unwrap_or(0))
        .sum();
    spec.base_cohorts(u, c)
        .into_iter()
        .map(|(hired, n)| {
            let out = retired.min(n);
            retired -= out;
            let stay = match hired {
                None => (1.0 - spec.settled_rate(u)).powi(years),
                Some(_) => (spec.base_year() + 1..=t)
                    .map(|y| 1.0 - spec.base_rate(u, hired, y))
                    .product(),
            };
            ((n - out) as f64, stay)
        })
        .collect()
}

/// Unit u's base-year people counted by `who` expected to be there in year t: those not
/// retired by then, each still there with its chance ([`still_there`]).
fn staying(spec: &Spec, u: usize, who: Who, t: i32) -> f64 {
    spec.staff_of(u)
        .filter(|(c, _)| who.counts(spec.is_em(c), c))
        .map(|(c, _)| {
            still_there(spec, u, &c, t)
                .into_iter()
                .map(|(there, stay)| there * stay)
                .sum::<f64>()
        })
        .sum()
}

/// Whether unit u is kept at its quota in year t: I3 keeps its base-year fill rate
/// (`intent.keep_base_fill`) and its staffing floor is within a person of the quota. There a
/// post anyone frees is filled again from the plan's hires (as `simulate` recruits to the
/// quota where the plan keeps a unit full), so a head-count row moves with the leaving of
/// the people it does not count too: one who stays against the booking takes the post a
/// counted hire would have filled. (Without I3 the floor is `staffing.min_fill`'s, which
/// leaves posts empty at will: a small unit's floor within a person of its quota says
/// nothing about whether it is kept full.)
fn held_at_quota(spec: &Spec, u: usize, t: i32) -> bool {
    spec.config.intent.keep_base_fill
        && super::intent::staffing_floor(spec, u, t) + 1 >= spec.quota(u, t)
}

/// `Σ_i w_i²·p·(1 − p)` over unit u's base-year people still there (not retired) in year t.
fn leaving_variance(spec: &Spec, u: usize, slope: &dyn Fn(&Cell) -> f64, t: i32) -> f64 {
    spec.staff_of(u)
        .map(|(c, _)| {
            let w = slope(&c).powi(2);
            still_there(spec, u, &c, t)
                .into_iter()
                .map(|(there, stay)| {
                    let p = 1.0 - stay;
                    w * there * p * (1.0 - p)
                })
                .sum::<f64>()
        })
        .sum()
}

/// Per base cell and year, the expected leavers to date less those the plan books
/// ([`crate::model::stocks::base_attrition`], whole people within a person of their
/// expectation): how far the world is expected to be ahead of the plan's booking. The
/// expectation follows the draws: each year the cell's retirements go first (the settled,
/// then the earliest hired), then each one left leaves with their rate
/// ([`Spec::base_rate`]).
fn booking_offsets(spec: &Spec) -> BTreeMap<(usize, Cell, i32), f64> {
    let booked = spec.base_leavers();
    let mut out = BTreeMap::new();
    for u in 0..spec.units.len() {
        for (c, _) in spec.staff_of(u).filter(|(_, n)| *n > 0) {
            let mut pools: Vec<(Option<i32>, f64)> = spec
                .base_cohorts(u, &c)
                .into_iter()
                .map(|(h, n)| (h, n as f64))
                .collect();
            let (mut expected, mut booked_so_far) = (0.0, 0.0);
            for t in spec.plan_years() {
                let mut retiring = spec.retirements.get(&(u, c, t)).copied().unwrap_or(0) as f64;
                for (hired, pool) in pools.iter_mut() {
                    let gone = retiring.min(*pool);
                    *pool -= gone;
                    retiring -= gone;
                    let rate = spec.base_rate(u, *hired, t);
                    expected += rate * *pool;
                    *pool *= 1.0 - rate;
                }
                booked_so_far += booked.get(&(u, c, t)).copied().unwrap_or(0) as f64;
                out.insert((u, c, t), expected - booked_so_far);
            }
        }
    }
    out
}

/// `Φ⁻¹(q)` for q in (0, 1): Acklam's rational approximation (relative error below
/// 1.2·10⁻⁹), a few lines where a statistics crate would bring many.
pub fn inverse_normal(q: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let tail = |r: f64| {
        (((((C[0] * r + C[1]) * r + C[2]) * r + C[3]) * r + C[4]) * r + C[5])
            / ((((D[0] * r + D[1]) * r + D[2]) * r + D[3]) * r + 1.0)
    };
    if q < 0.02425 {
        tail((-2.0 * q.ln()).sqrt())
    } else if q > 1.0 - 0.02425 {
        -tail((-2.0 * (1.0 - q).ln()).sqrt())
    } else {
        let s = q - 0.5;
        let r = s * s;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * s
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::inverse_normal;

    #[test]
    fn inverse_normal_gives_the_table_s_quantiles() {
        for (q, z) in [
            (0.5, 0.0),
            (0.8, 0.841_621_2),
            (0.9, 1.281_551_6),
            (0.95, 1.644_853_6),
            (0.99, 2.326_347_9),
            (0.01, -2.326_347_9),
        ] {
            assert!(
                (inverse_normal(q) - z).abs() < 1e-6,
                "{q}: {}",
                inverse_normal(q)
            );
        }
    }
}
