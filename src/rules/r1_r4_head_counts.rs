//! R1–R4: minimum EM head-counts as shares of the quota, and EM women among them
//! (POLICY.md II.2).
//!
//! For each unit (or, with `r1_scope = "total"`, the provincial units together) and target
//! year y with roadmap level λ_y: EM staff ≥ `round(λ_y · rate · quota[u,y])`, the rate
//! being 20% for provincial units (R1), the commune's band of its EM population share (R2,
//! see [`r2_rate`]), or 40% for the ethnic-affairs bodies (R3); and EM women ≥
//! `round(20% · that minimum)` (R4, "20% trong tổng số tỷ lệ tối thiểu", read per unit).
//! Both are numbers known before planning ([`Required::Fixed`]); the model's rows are the
//! generic target rows, `Σ_{c EM} S[u,c,y] + shortfall ≥ required`.

use super::{unit_level, Family, Limit, WOMEN_RATE};
use crate::domain::target::{Chain, Required, Target, Who};
use crate::domain::{BandRule, R1Scope, Rule, SeventyPercentBand, Spec, UnitKind};
use crate::rounding::{round9, round_count};

/// The family of R1–R4.
pub struct HeadCounts;

/// The rules that set a minimum share of a unit's quota (R4 counts women among them).
pub const RATE_RULES: [Rule; 3] = [Rule::R1, Rule::R2, Rule::R3];

impl Family for HeadCounts {
    fn rules(&self) -> &'static [Rule] {
        &[Rule::R1, Rule::R2, Rule::R3, Rule::R4]
    }
    fn targets(&self, spec: &Spec, year: i32, level: f64) -> Vec<Chain> {
        targets(spec, year, level)
            .into_iter()
            .map(|t| vec![t])
            .collect()
    }
    fn summary(&self, spec: &Spec, year: i32, level: f64) -> Vec<String> {
        let all = targets(spec, year, level);
        let mut out = Vec::new();
        for rule in self.rules() {
            let rows: Vec<&Target> = all.iter().filter(|t| t.rule == *rule).collect();
            if rows.is_empty() {
                continue;
            }
            let sum: u32 = rows
                .iter()
                .map(|t| match t.required {
                    Required::Fixed(r) => r,
                    _ => 0,
                })
                .sum();
            out.push(format!("{year} {rule}: {} units, {sum} people", rows.len()));
        }
        out
    }
    fn limits(&self, rule: Rule) -> &'static [Limit] {
        match rule {
            Rule::R4 => &[Limit::HiringCaps, Limit::WomenCandidates],
            _ => &[Limit::HiringCaps],
        }
    }
}

/// R1: EM staff ≥ 20% of the quota of provincial units.
pub const R1_RATE: f64 = 0.20;
/// R3: EM ≥ 40% of the ethnic committee's members and the ethnic department's quota.
pub const R3_RATE: f64 = 0.40;

/// The R2 band a commune falls in, and the rate the band policy picks.
#[derive(Debug, Clone, PartialEq)]
pub struct R2Rate {
    pub rate: f64,
    pub why: String,
}

/// R2: the minimum EM share of a commune's quota, from its EM population share `p`.
/// `None` below 5% (no numeric target).
pub fn r2_rate(p: f64, band: BandRule, seventy: SeventyPercentBand) -> Option<R2Rate> {
    let p = round9(p);
    // (from, to, rate at from, rate at to)
    let top_from_70 = seventy == SeventyPercentBand::Top;
    let bands: [(f64, f64, f64, f64); 5] = [
        (0.05, 0.10, 0.05, 0.05),
        (0.10, 0.30, 0.05, 0.15),
        (0.30, 0.50, 0.15, 0.25),
        (0.50, 0.70, 0.25, 0.35),
        (0.70, 1.00, 0.35, 0.50),
    ];
    if p < 0.05 {
        return None;
    }
    let index = bands
        .iter()
        .position(|&(from, to, _, _)| {
            if to == 0.70 && p == 0.70 {
                !top_from_70
            } else if from == 0.70 && p == 0.70 {
                top_from_70
            } else {
                p >= from && (p < to || to == 1.0)
            }
        })
        .expect("bands cover 5%..100%");
    let (from, to, lo, hi) = bands[index];
    let rate = match band {
        BandRule::Lower => lo,
        BandRule::Upper => hi,
        BandRule::Interpolate => lo + (p - from) / (to - from) * (hi - lo),
    };
    let policy = match band {
        BandRule::Lower => "lower end".to_string(),
        BandRule::Upper => "upper end".to_string(),
        BandRule::Interpolate => format!("interpolated in {:.0}%–{:.0}%", from * 100.0, to * 100.0),
    };
    Some(R2Rate {
        rate: round9(rate),
        why: format!(
            "EM population {:.2}% is in band {:.0}%–{:.0}% ({:.0}%–{:.0}% of quota), {policy} → {:.2}%",
            p * 100.0,
            from * 100.0,
            to * 100.0,
            lo * 100.0,
            hi * 100.0,
            rate * 100.0
        ),
    })
}

/// The rate rule (R1, R2 or R3) that sets a unit's minimum EM head-count.
#[derive(Debug, Clone)]
pub struct RateRule {
    pub rule: Rule,
    pub rate: f64,
    pub why: String,
}

pub fn rate_rule(spec: &Spec, u: usize) -> Option<RateRule> {
    let unit = &spec.units[u];
    let p = &spec.config.policy;
    match unit.kind {
        UnitKind::Provincial | UnitKind::PublicService => Some(RateRule {
            rule: Rule::R1,
            rate: R1_RATE,
            why: "provincial unit: EM ≥ 20% of quota".into(),
        }),
        UnitKind::EthnicDepartment => Some(RateRule {
            rule: Rule::R3,
            rate: R3_RATE,
            why: "Department of Ethnic Affairs and Religion: EM ≥ 40% of quota".into(),
        }),
        UnitKind::EthnicCommittee => Some(RateRule {
            rule: Rule::R3,
            rate: R3_RATE,
            why: "PPC Ethnic Committee: EM ≥ 40% of members (quota column)".into(),
        }),
        UnitKind::Commune => {
            if let Some(rate) = unit.r2_rate_override {
                return Some(RateRule {
                    rule: Rule::R2,
                    rate,
                    why: format!("commune: rate {:.2}% set by r2_rate_override", rate * 100.0),
                });
            }
            r2_rate(
                unit.em_population_share,
                p.band_rule,
                p.seventy_percent_band,
            )
            .map(|r| RateRule {
                rule: Rule::R2,
                rate: r.rate,
                why: format!("commune: {}", r.why),
            })
        }
        UnitKind::CommuneEthnicSection => None,
    }
}

/// Whether R1 is applied to the provincial units' total rather than each unit.
pub fn r1_total(spec: &Spec) -> bool {
    spec.config.policy.r1_scope == R1Scope::Total
}

/// The R1–R3 minimum EM head-counts and the R4 EM-women minimums for one target year: each
/// unit's rate rule and its R4, then the province's R1 and R4 totals under
/// `r1_scope = "total"`.
pub fn targets(spec: &Spec, year: i32, level: f64) -> Vec<Target> {
    let lvl = unit_level(spec, level);
    let rounding = spec.config.policy.rounding;
    let mut out = Vec::new();
    let mut r1_members = Vec::new();
    let mut r1_quota = 0u32;
    for u in 0..spec.units.len() {
        let Some(rr) = rate_rule(spec, u) else {
            continue;
        };
        let quota = spec.quota(u, year);
        if rr.rule == Rule::R1 && r1_total(spec) {
            r1_members.push(u);
            r1_quota += quota;
            continue;
        }
        let x = lvl * rr.rate * quota as f64;
        let required = round_count(x, rounding);
        let why = format!(
            "{}; {:.0}% of it in {year} → {:.2}% × quota {quota} = {x:.2} → {required}",
            rr.why,
            lvl * 100.0,
            lvl * rr.rate * 100.0,
        );
        out.extend(with_women(
            spec,
            em_target(Some(u), rr.rule, year, required, vec![u], why),
        ));
    }
    if !r1_members.is_empty() {
        let x = lvl * R1_RATE * r1_quota as f64;
        let required = round_count(x, rounding);
        let why = format!(
            "provincial units together: EM ≥ 20% of their total quota {r1_quota}; {:.0}% of it in {year} → {:.2}% → {x:.2} → {required}",
            lvl * 100.0,
            lvl * R1_RATE * 100.0,
        );
        out.extend(with_women(
            spec,
            em_target(None, Rule::R1, year, required, r1_members, why),
        ));
    }
    if spec.config.policy.r4_scope == R1Scope::Total {
        r4_in_total(spec, &mut out, year);
    }
    out
}

/// R4 read as "20% of the total of the minimums": one province-wide row in place of the
/// units' R4 rows, EM women of every unit with a rate rule ≥ 20% of the sum of their minimums.
fn r4_in_total(spec: &Spec, out: &mut Vec<Target>, year: i32) {
    let (r4, rest): (Vec<Target>, Vec<Target>) = out.drain(..).partition(|t| t.rule == Rule::R4);
    *out = rest;
    let mut members: Vec<usize> = r4.iter().flat_map(|t| t.members.clone()).collect();
    members.sort_unstable();
    let minimums: u32 = out
        .iter()
        .map(|t| match t.required {
            Required::Fixed(r) => r,
            _ => 0,
        })
        .sum();
    if members.is_empty() {
        return;
    }
    let x = WOMEN_RATE * minimums as f64;
    let women = round_count(x, spec.config.policy.rounding);
    out.push(Target {
        unit: None,
        rule: Rule::R4,
        year,
        members,
        achieved_members: None,
        achieved: Who::EmWomen,
        required: Required::Fixed(women),
        why: format!(
            "r4_scope = total: EM women of all units ≥ 20% of the total of the R1–R3 minimums {minimums} = {x:.2} → {women}"
        ),
    });
}

fn em_target(
    unit: Option<usize>,
    rule: Rule,
    year: i32,
    required: u32,
    members: Vec<usize>,
    why: String,
) -> Target {
    Target {
        unit,
        rule,
        year,
        members,
        achieved_members: None,
        achieved: Who::Em,
        required: Required::Fixed(required),
        why,
    }
}

/// A rate rule's target and its R4: EM women ≥ 20% of its minimum.
fn with_women(spec: &Spec, rate_target: Target) -> [Target; 2] {
    let Required::Fixed(required) = rate_target.required else {
        unreachable!("rate rules require fixed numbers")
    };
    let x = WOMEN_RATE * required as f64;
    let women = round_count(x, spec.config.policy.rounding);
    let r4 = Target {
        rule: Rule::R4,
        achieved: Who::EmWomen,
        required: Required::Fixed(women),
        why: format!(
            "EM women ≥ 20% of the {} minimum {required} = {x:.2} → {women}",
            rate_target.rule
        ),
        ..rate_target.clone()
    };
    [rate_target, r4]
}
