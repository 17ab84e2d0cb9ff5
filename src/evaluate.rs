//! Targets of a plan, recomputed from its head-counts and the scenario's rules, not from the
//! model's variables: what `targets.csv` states is what the stocks show. Each family's
//! targets are evaluated by [`crate::rules::evaluate_chain`], its clauses and goals by the
//! family itself; under the coverage roadmap the unit rows of a year below full level are
//! counted into one COVERAGE row per rule.

use crate::domain::target::TargetKind;
use crate::domain::target::TargetRow;
use crate::domain::{Roadmap, Rule, Spec};
use crate::plan::Plan;
use crate::rules::{evaluate_chain, roadmap, FAMILIES};

/// Every target row for every target year, in a stable order: by year, the province's rows
/// first, then by unit and rule.
pub fn evaluate(spec: &Spec, plan: &Plan) -> Vec<TargetRow> {
    evaluate_with(spec, plan, &roadmap::schedule(spec))
}

/// [`evaluate`] with the chains of every year worked out beforehand, for evaluating many
/// plans of one scenario (a simulation's draws): building them formats every milestone's
/// reasons.
pub fn evaluate_with(spec: &Spec, plan: &Plan, schedule: &roadmap::Schedule) -> Vec<TargetRow> {
    let mut out = Vec::new();
    for (ty, year_chains) in schedule {
        let (ty, y) = (*ty, ty.year);
        let mut unit_rows: Vec<(Option<usize>, TargetRow)> = Vec::new();
        for chain in year_chains {
            let rows = evaluate_chain(spec, plan, chain);
            unit_rows.extend(chain.iter().map(|t| t.unit).zip(rows));
        }
        if ty.milestone {
            out.extend(unit_rows.into_iter().map(|(_, r)| r));
            continue;
        }
        for family in FAMILIES {
            out.extend(family.evaluate_clauses(spec, plan, y));
        }
        for (u, r) in unit_rows.iter_mut() {
            if let Some(m) = u.and_then(|u| spec.target_margins.get(&(u, r.rule, y))) {
                r.margin = m.people;
            }
        }
        if spec.config.policy.roadmap == Roadmap::Coverage && ty.level < 1.0 {
            coverage_rows(&unit_rows, ty.level, y, &mut out);
            for (u, r) in unit_rows.iter_mut() {
                r.goal = u.is_some();
            }
        }
        out.extend(unit_rows.into_iter().map(|(_, r)| r));
    }
    for family in FAMILIES {
        out.extend(family.evaluate_yearly(spec, plan));
    }
    let target_years: Vec<i32> = spec.config.time.targets.iter().map(|t| t.year).collect();
    for r in out.iter_mut() {
        r.kind = TargetKind::of(r.rule, r.year, &target_years);
    }
    // A unit's place from a map made once (the draws of a simulation evaluate thousands of
    // rows each: a linear search per row was a twentieth of their time).
    let order: rustc_hash::FxHashMap<&str, usize> = spec
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id.as_str(), i))
        .collect();
    out.sort_by_cached_key(|r| {
        (
            r.year,
            r.unit != "PROVINCE",
            order.get(r.unit.as_str()).copied().unwrap_or(0),
            r.rule,
        )
    });
    out
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
        let needed = Roadmap::units_needed(level, concerned.len());
        let met = concerned.iter().filter(|r| r.met).count() as u32;
        out.push(TargetRow::new(COVERAGE, rule, year, needed, met));
    }
}

/// Counts of the legal targets met and missed, and the people short (goals excluded).
pub fn tally(rows: &[TargetRow]) -> (usize, usize, u32) {
    tally_kind(rows, TargetKind::Target)
}

/// What the penalties of a plan's target rows add up to: each person short at the price
/// of its rule and year ([`crate::rules::intent::price`]), I2 on the plan basis at its exact
/// share; goals and coverage unit rows are not priced here.
pub fn priced_shortfall(spec: &Spec, plan: &Plan, rows: &[TargetRow]) -> f64 {
    crate::rules::intent::hiring_shortfall(spec, plan)
        + priced_rows(spec, rows).map(|(_, value)| value).sum::<f64>()
}

/// Each missed row's penalty, and each confidence margin's not reached, with its unit (none
/// for a province-wide row): the rows [`priced_shortfall`] adds up.
pub fn priced_rows<'a>(
    spec: &'a Spec,
    rows: &'a [TargetRow],
) -> impl Iterator<Item = (Option<usize>, f64)> + 'a {
    let margin_price = spec.config.policy.margin_price();
    rows.iter()
        .filter(move |r| {
            !r.goal
                && (r.shortfall > 0 || r.margin_short() > 0)
                && crate::rules::intent::priced_by_row(spec, r.rule)
        })
        .map(move |r| {
            let unit = spec.unit_index(r.unit.trim_end_matches(crate::rules::intent::HORIZON));
            let price = crate::rules::intent::price(spec, r.rule, unit, r.year);
            let margin = margin_price * r.margin_short() as f64;
            (unit, price * r.shortfall as f64 + margin)
        })
}

/// Counts of rows of one kind met and missed, and the people short (goals excluded).
pub fn tally_kind(rows: &[TargetRow], kind: TargetKind) -> (usize, usize, u32) {
    let targets = rows.iter().filter(|r| !r.goal && r.kind == kind);
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
