//! The rules R1–R8 of POLICY.md as data: which rules apply to which unit, their rates, and
//! the head-counts they require. Both the model's policy modules and the evaluation of a
//! finished plan read this module, so a rule's numbers are defined once.

use crate::domain::{BandRule, R1Scope, Roadmap, Rounding, SeventyPercentBand, Spec, UnitKind};
pub use crate::domain::Rule;
use crate::rounding::{round9, round_count};

/// R1: EM staff ≥ 20% of the quota of provincial units.
pub const R1_RATE: f64 = 0.20;
/// R3: EM ≥ 40% of the ethnic committee's members and the ethnic department's quota.
pub const R3_RATE: f64 = 0.40;
/// R4 and R7: EM women ≥ 20% of the minimum EM head-count (R4) or EM leaders (R7).
pub const WOMEN_RATE: f64 = 0.20;
/// R6: EM leaders ≥ 10% of provincial-level EM staff.
pub const R6_PROVINCIAL_RATE: f64 = 0.10;
/// R6: EM leaders ≥ 20% of each commune's EM staff.
pub const R6_COMMUNE_RATE: f64 = 0.20;
/// R6: a public service unit with at least this EM share needs an EM manager.
pub const R6_PSU_THRESHOLD: f64 = 0.30;
/// R8: EM staff trained; the roadmap level gives 80% in 2030 and 100% in 2035.
pub const R8_RATE: f64 = 1.0;

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

/// The share of each target a unit must reach in a target year: the roadmap level under
/// `level`, the full target under `coverage` (where the level is a share of units instead).
pub fn unit_level(spec: &Spec, level: f64) -> f64 {
    match spec.config.policy.roadmap {
        Roadmap::Level => level,
        Roadmap::Coverage => 1.0,
    }
}

/// Whether R1 is applied to the provincial units' total rather than each unit.
pub fn r1_total(spec: &Spec) -> bool {
    spec.config.policy.r1_scope == R1Scope::Total
}

/// A fixed head-count requirement (R1–R4), known before planning.
#[derive(Debug, Clone)]
pub struct FixedTarget {
    /// `None` for the province-wide total.
    pub unit: Option<usize>,
    pub rule: Rule,
    pub year: i32,
    pub required: u32,
    /// Units whose head-counts are summed.
    pub members: Vec<usize>,
    /// Women only (R4).
    pub women: bool,
    pub why: String,
}

/// The R1–R3 minimum EM head-counts and the R4 EM-women minimums for one target year.
pub fn fixed_targets(spec: &Spec, year: i32, level: f64) -> Vec<FixedTarget> {
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
            "{}; {:.0}% of it in {year} → {:.2}% × quota {quota} = {:.2} → {required}",
            rr.why,
            lvl * 100.0,
            lvl * rr.rate * 100.0,
            x
        );
        push_with_women(
            &mut out,
            Some(u),
            rr.rule,
            year,
            required,
            vec![u],
            why,
            rounding,
        );
    }
    if !r1_members.is_empty() {
        let x = lvl * R1_RATE * r1_quota as f64;
        let required = round_count(x, rounding);
        let why = format!(
            "provincial units together: EM ≥ 20% of their total quota {r1_quota}; {:.0}% of it in {year} → {:.2}% → {:.2} → {required}",
            lvl * 100.0,
            lvl * R1_RATE * 100.0,
            x
        );
        push_with_women(
            &mut out,
            None,
            Rule::R1,
            year,
            required,
            r1_members,
            why,
            rounding,
        );
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn push_with_women(
    out: &mut Vec<FixedTarget>,
    unit: Option<usize>,
    rule: Rule,
    year: i32,
    required: u32,
    members: Vec<usize>,
    why: String,
    rounding: Rounding,
) {
    let x = WOMEN_RATE * required as f64;
    let women = round_count(x, rounding);
    out.push(FixedTarget {
        unit,
        rule,
        year,
        required,
        members: members.clone(),
        women: false,
        why,
    });
    out.push(FixedTarget {
        unit,
        rule: Rule::R4,
        year,
        required: women,
        members,
        women: true,
        why: format!("EM women ≥ 20% of the {rule} minimum {required} = {x:.2} → {women}"),
    });
}

/// A ratio rule (R6, R7, R8): numerator ≥ round(coefficient × denominator), both plan values.
#[derive(Debug, Clone)]
pub struct RatioTarget {
    pub unit: Option<usize>,
    pub rule: Rule,
    pub year: i32,
    pub members: Vec<usize>,
    /// level × rate.
    pub coefficient: f64,
    pub why: String,
}

/// R6 (provincial total and each commune) and R8 (each unit) for one target year. R7 is
/// derived from each R6 target by [`r7_of`]. The conditional public-service rule of R6 is
/// separate: see [`psu_manager_rule_applies`].
pub fn ratio_targets(spec: &Spec, year: i32, level: f64) -> Vec<RatioTarget> {
    let lvl = unit_level(spec, level);
    let mut out = Vec::new();
    let provincial: Vec<usize> = (0..spec.units.len())
        .filter(|&u| spec.units[u].kind.is_provincial_level())
        .collect();
    if !provincial.is_empty() {
        out.push(RatioTarget {
            unit: None,
            rule: Rule::R6,
            year,
            members: provincial,
            coefficient: lvl * R6_PROVINCIAL_RATE,
            why: format!(
                "EM leaders ≥ 10% of provincial-level EM staff; {:.0}% of it in {year}",
                lvl * 100.0
            ),
        });
    }
    for (u, unit) in spec.units.iter().enumerate() {
        if unit.kind == UnitKind::Commune {
            out.push(RatioTarget {
                unit: Some(u),
                rule: Rule::R6,
                year,
                members: vec![u],
                coefficient: lvl * R6_COMMUNE_RATE,
                why: format!(
                    "EM leaders ≥ 20% of the commune's EM staff; {:.0}% of it in {year}",
                    lvl * 100.0
                ),
            });
        }
    }
    for u in 0..spec.units.len() {
        out.push(RatioTarget {
            unit: Some(u),
            rule: Rule::R8,
            year,
            members: vec![u],
            coefficient: lvl * R8_RATE,
            why: format!(
                "EM staff trained ≥ {:.0}% of EM staff in {year}",
                lvl * R8_RATE * 100.0
            ),
        });
    }
    out
}

/// R7 from an R6 target: EM women leaders ≥ 20% of the R6 minimum.
pub fn r7_of(r6: &RatioTarget) -> RatioTarget {
    RatioTarget {
        rule: Rule::R7,
        why: "EM women leaders ≥ 20% of the R6 minimum of EM leaders".into(),
        ..r6.clone()
    }
}

/// The R6 public-service clause applies when EM staff are at least 30% of the unit's staff.
pub fn psu_manager_rule_applies(em_staff: u32, total_staff: u32) -> bool {
    total_staff > 0 && em_staff as f64 >= R6_PSU_THRESHOLD * total_staff as f64 - 1e-9
}
