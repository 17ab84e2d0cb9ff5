//! Targets of a plan, recomputed from its head-counts and the scenario's rules, not from the
//! model's variables: what `targets.csv` states is what the stocks show.

use crate::plan::Plan;
use crate::rounding::round_count;
use crate::rules::{self, Rule, WOMEN_RATE};
use crate::domain::{Roadmap, Rounding, Spec, UnitKind};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TargetRow {
    /// Unit id, or `PROVINCE`.
    pub unit: String,
    pub rule: Rule,
    pub year: i32,
    pub required: u32,
    pub achieved: u32,
    pub shortfall: u32,
    pub met: bool,
    /// Not counted among targets met or missed: the R5 goal, and unit rows in a
    /// coverage-roadmap year (the PROVINCE count row is the target there).
    #[serde(skip)]
    pub goal: bool,
}

fn row(unit: &str, rule: Rule, year: i32, required: u32, achieved: u32) -> TargetRow {
    let shortfall = required.saturating_sub(achieved);
    TargetRow {
        unit: unit.to_string(),
        rule,
        year,
        required,
        achieved,
        shortfall,
        met: shortfall == 0,
        goal: false,
    }
}

fn unit_name(spec: &Spec, u: Option<usize>) -> &str {
    u.map(|u| spec.units[u].id.as_str()).unwrap_or("PROVINCE")
}

/// Every target row for every target year, in a stable order.
pub fn evaluate(spec: &Spec, plan: &Plan) -> Vec<TargetRow> {
    let mut out = Vec::new();
    let rounding = spec.config.policy.rounding;
    for ty in &spec.config.time.targets {
        let y = ty.year;
        let sum = |members: &[usize], f: &dyn Fn(&crate::domain::Cell) -> bool| -> u32 {
            members.iter().map(|&u| plan.sum(y, u, f)).sum()
        };
        let em = |c: &crate::domain::Cell| spec.is_em(c);
        let mut unit_rows = Vec::new();
        for t in rules::fixed_targets(spec, y, ty.level) {
            let achieved = if t.women {
                sum(&t.members, &|c| em(c) && c.female)
            } else {
                sum(&t.members, &em)
            };
            unit_rows.push((
                t.unit,
                row(unit_name(spec, t.unit), t.rule, y, t.required, achieved),
            ));
        }
        for r6 in rules::ratio_targets(spec, y, ty.level) {
            let base = sum(&r6.members, &em);
            let required = round_count(r6.coefficient * base as f64, rounding);
            match r6.rule {
                Rule::R6 => {
                    let leaders = sum(&r6.members, &|c| em(c) && c.leader);
                    unit_rows.push((
                        r6.unit,
                        row(unit_name(spec, r6.unit), Rule::R6, y, required, leaders),
                    ));
                    let women = sum(&r6.members, &|c| em(c) && c.leader && c.female);
                    let r7_required = round_count(WOMEN_RATE * required as f64, rounding);
                    unit_rows.push((
                        r6.unit,
                        row(unit_name(spec, r6.unit), Rule::R7, y, r7_required, women),
                    ));
                }
                Rule::R8 => {
                    let trained = sum(&r6.members, &|c| em(c) && c.trained);
                    unit_rows.push((
                        r6.unit,
                        row(unit_name(spec, r6.unit), Rule::R8, y, required, trained),
                    ));
                }
                _ => unreachable!("ratio targets are R6 and R8"),
            }
        }
        for u in (0..spec.units.len()).filter(|&u| spec.units[u].kind == UnitKind::PublicService) {
            let em_staff = plan.sum(y, u, em);
            if rules::psu_manager_rule_applies(em_staff, plan.sum(y, u, |_| true)) {
                let leaders = plan.sum(y, u, |c| em(c) && c.leader);
                // The clause applies in full in every target year: one manager.
                out.push(row(&spec.units[u].id, Rule::R6, y, 1, leaders));
            }
        }
        if spec.config.policy.roadmap == Roadmap::Coverage && ty.level < 1.0 {
            coverage_rows(&unit_rows, ty.level, y, &mut out);
            for (u, r) in unit_rows.iter_mut() {
                r.goal = u.is_some();
            }
        }
        out.extend(unit_rows.into_iter().map(|(_, r)| r));
        out.push(r5_row(spec, plan, y));
    }
    out.sort_by(|a, b| {
        (
            a.year,
            a.unit != "PROVINCE",
            unit_order(spec, &a.unit),
            a.rule,
        )
            .cmp(&(
                b.year,
                b.unit != "PROVINCE",
                unit_order(spec, &b.unit),
                b.rule,
            ))
    });
    out
}

fn unit_order(spec: &Spec, id: &str) -> usize {
    spec.unit_index(id).unwrap_or(0)
}

/// Unit name of the coverage-roadmap count rows, apart from PROVINCE totals of the same rule.
pub const COVERAGE: &str = "COVERAGE";

/// Under the coverage roadmap: one COVERAGE row per rule counting units that meet the
/// full target, against ⌈level · units concerned⌉.
fn coverage_rows(
    unit_rows: &[(Option<usize>, TargetRow)],
    level: f64,
    year: i32,
    out: &mut Vec<TargetRow>,
) {
    let mut rules: Vec<Rule> = unit_rows
        .iter()
        .filter(|(u, _)| u.is_some())
        .map(|(_, r)| r.rule)
        .collect();
    rules.sort();
    rules.dedup();
    for rule in rules {
        let concerned: Vec<&TargetRow> = unit_rows
            .iter()
            .filter(|(u, r)| u.is_some() && r.rule == rule)
            .map(|(_, r)| r)
            .collect();
        let needed = (level * concerned.len() as f64 - 1e-9).ceil() as u32;
        let met = concerned.iter().filter(|r| r.met).count() as u32;
        out.push(row(COVERAGE, rule, year, needed, met));
    }
}

/// R5 as a goal row: EM staff against the EM share of the population (nearest person).
fn r5_row(spec: &Spec, plan: &Plan, year: i32) -> TargetRow {
    let share_sum: f64 = spec.groups.iter().map(|g| g.population_share).sum();
    let em_share: f64 = spec
        .groups
        .iter()
        .filter(|g| g.em)
        .map(|g| g.population_share)
        .sum::<f64>()
        / share_sum.max(1e-12);
    let all: u32 = (0..spec.units.len())
        .map(|u| plan.sum(year, u, |_| true))
        .sum();
    let em: u32 = (0..spec.units.len())
        .map(|u| plan.sum(year, u, |c| spec.is_em(c)))
        .sum();
    let mut r = row(
        "PROVINCE",
        Rule::R5,
        year,
        round_count(em_share * all as f64, Rounding::Nearest),
        em,
    );
    r.goal = true;
    r
}

/// Counts of targets met and missed (R5, a goal, excluded).
pub fn tally(rows: &[TargetRow]) -> (usize, usize, u32) {
    let targets = rows.iter().filter(|r| !r.goal);
    let (mut met, mut missed, mut short) = (0, 0, 0);
    for r in targets {
        if r.met {
            met += 1;
        } else {
            missed += 1;
            short += r.shortfall;
        }
    }
    (met, missed, short)
}
