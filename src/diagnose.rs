//! Why a target is missed: the limits the plan runs into, read from the plan's own tables
//! (head-counts, flows, costs) against the scenario's limits, for the unit itself and for
//! the shared capacities it could draw on, in the target year and the years before it.

use crate::domain::target::TargetRow;
use crate::domain::{Rule, Spec};
use crate::model::capacity::Capacity;
use crate::plan::Plan;
use crate::rules::{family_of, Limit};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A missed target and the limits it ran into.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shortfall {
    pub unit: String,
    pub rule: String,
    pub year: i32,
    pub required: u32,
    pub achieved: u32,
    pub shortfall: u32,
    pub why: Vec<String>,
}

/// "what" → years in which that limit was reached.
type Reasons = BTreeMap<String, Vec<i32>>;

fn unit_limits(spec: &Spec, plan: &Plan, u: usize, year: i32, reasons: &mut Reasons) {
    let unit = &spec.units[u];
    for t in spec.plan_years().filter(|&t| t <= year) {
        let head = plan.sum(t, u, |_| true);
        if head >= spec.quota(u, t) {
            reasons
                .entry(format!("quota of {} full", unit.id))
                .or_default()
                .push(t);
        }
        if plan.sum(t, u, |c| c.leader) >= unit.leader_posts {
            reasons
                .entry(format!(
                    "all {} leader posts of {} filled",
                    unit.leader_posts, unit.id
                ))
                .or_default()
                .push(t);
            // Said of the row's year only: the count of terms ended changes every year.
            if t == year {
                if let Some(why) = no_more_step_downs(spec, plan, u, t) {
                    reasons.entry(why).or_default().push(t);
                }
            }
        }
    }
}

/// Why no more of unit u's leaders could step down in year t to free a post: none may
/// (`staffing.leader_term_years = 0`), no staying leader's term ends that year, or every
/// one whose term ends has.
fn no_more_step_downs(spec: &Spec, plan: &Plan, u: usize, t: i32) -> Option<String> {
    let leaders = crate::model::stocks::staying_leaders(spec, u);
    if leaders == 0 {
        return None;
    }
    if spec.config.staffing.leader_term_years == 0 {
        return Some(
            "leaders do not step down at the end of their term (staffing.leader_term_years = 0)"
                .into(),
        );
    }
    let ending = crate::model::stocks::terms_ending(spec, u, t);
    let id = &spec.units[u].id;
    if ending == 0 {
        return Some(format!(
            "no term of the {leaders} staying leaders of {id} ends in the year"
        ));
    }
    let stepped: u32 = plan
        .flows
        .iter()
        .filter(|(k, _)| k.unit == u && k.year == t && k.kind == crate::domain::FlowKind::StepDown)
        .map(|(_, (n, _))| n)
        .sum();
    (stepped >= ending).then(|| {
        format!("all {ending} of the {leaders} staying leaders of {id} whose term ends in the year stepped down")
    })
}

fn shared_limits(spec: &Spec, plan: &Plan, u: usize, rule: Rule, year: i32, reasons: &mut Reasons) {
    let kind = spec.units[u].kind;
    let used = plan.capacity_use(spec);
    let limits = family_of(rule).limits(rule);
    for (k, ch) in spec.channels.iter().enumerate() {
        let relevant = ch.year <= year
            && ch.kinds.contains(&kind)
            && crate::model::stocks::hire_groups(spec, ch, u)
                .iter()
                .any(|&g| spec.groups[g].em);
        if !relevant {
            continue;
        }
        let mut check = |cap: Capacity, what: String| {
            if let Some(limit) = cap.limit(spec) {
                if used.get(&cap).copied().unwrap_or(0.0) >= limit - 1e-6 {
                    reasons.entry(what).or_default().push(ch.year);
                }
            }
        };
        if limits.contains(&Limit::HiringCaps) {
            check(
                Capacity::Channel(k),
                format!("channel {} at its cap", ch.id),
            );
            check(
                Capacity::ChannelKind(k, kind),
                format!("channel {} at its cap for {} units", ch.id, kind.name()),
            );
        }
        if limits.contains(&Limit::WomenCandidates) {
            check(
                Capacity::ChannelWomen(k),
                format!("channel {} out of women candidates", ch.id),
            );
        }
    }
    for t in spec.plan_years().filter(|&t| t <= year) {
        let mut check = |cap: Capacity, what: &str| {
            if let Some(limit) = cap.limit(spec) {
                if used.get(&cap).copied().unwrap_or(0.0) >= limit - 1e-3 {
                    reasons.entry(what.to_string()).or_default().push(t);
                }
            }
        };
        if limits.contains(&Limit::TrainingSeats) {
            check(Capacity::TrainingSeats(t), "training seats all used");
        }
        for scope in spec.budget_scopes(u) {
            let what = match scope {
                crate::domain::BudgetScope::All => "budget cap reached".to_string(),
                _ => format!("budget cap of {} level reached", scope.name()),
            };
            check(Capacity::Budget(t, scope), &what);
        }
    }
}

fn describe(reasons: Reasons) -> Vec<String> {
    reasons
        .into_iter()
        .map(|(what, mut years)| {
            years.sort();
            years.dedup();
            let (first, last) = (years[0], *years.last().expect("non-empty"));
            if first == last {
                format!("{what} in {first}")
            } else if years.len() as i32 == last - first + 1 {
                format!("{what} in {first}–{last}")
            } else {
                format!("{what} in {} years between {first} and {last}", years.len())
            }
        })
        .collect()
}

/// People booked to leave a cell after `year` (retirements and base attrition), by cell.
type Booked = BTreeMap<(usize, crate::domain::Cell), BTreeMap<i32, u32>>;

fn booked(spec: &Spec) -> Booked {
    let mut out = Booked::new();
    let attrition = spec.base_leavers();
    for (&(u, c, t), &n) in spec.retirements.iter().chain(attrition.iter()) {
        *out.entry((u, c)).or_default().entry(t).or_default() += n;
    }
    out
}

/// EM staff a missed R8 or R6 row counts whom the plan may not train or promote, because
/// they are booked to leave later and stay in their cell until then (docs/model.md,
/// assumption 1): for R8 the untrained ones; for R6 the trained non-leaders, and only in a
/// year with a vacant leader post and no one else trained to fill it.
fn booked_limits(
    spec: &Spec,
    plan: &Plan,
    booked: &Booked,
    u: usize,
    rule: Rule,
    year: i32,
    reasons: &mut Reasons,
) {
    let (stuck, what): (fn(&crate::domain::Cell) -> bool, &str) = match rule {
        Rule::R8 => (|c| !c.trained, "untrained"),
        Rule::R6 => (|c| c.trained && !c.leader, "trained non-leader"),
        _ => return,
    };
    let stock = |c: &crate::domain::Cell| plan.stock.get(&(year, u, *c)).copied().unwrap_or(0);
    let (mut held, mut free) = (0, 0);
    for (&(_, c), due) in
        booked.range((u, crate::domain::Cell::FIRST)..=(u, crate::domain::Cell::LAST))
    {
        if !spec.is_em(&c) || !stuck(&c) {
            continue;
        }
        let later: u32 = due.range(year + 1..).map(|(_, n)| n).sum();
        held += later.min(stock(&c));
        free += stock(&c).saturating_sub(later);
    }
    if rule == Rule::R6 {
        let unbooked_elsewhere = plan
            .sum(year, u, |c| spec.is_em(c) && stuck(c))
            .saturating_sub(held + free);
        let vacant = plan.sum(year, u, |c| c.leader) < spec.units[u].leader_posts;
        if !vacant || free + unbooked_elsewhere > 0 {
            return;
        }
    }
    if held > 0 {
        reasons
            .entry(format!(
                "{held} {what} EM staff of {} booked to leave later, kept where they are",
                spec.units[u].id
            ))
            .or_default()
            .push(year);
    }
}

pub fn shortfalls(spec: &Spec, plan: &Plan, targets: &[TargetRow]) -> Vec<Shortfall> {
    let booked = booked(spec);
    targets
        .iter()
        .filter(|t| !t.met && !t.goal)
        .map(|t| {
            let mut reasons = Reasons::new();
            if t.rule == Rule::I4 {
                return shortfall(t, channel_full(spec, plan, t));
            }
            let unit = t.unit.trim_end_matches(crate::rules::intent::HORIZON);
            let units: Vec<usize> = match spec.unit_index(unit) {
                Some(u) => vec![u],
                None if t.rule.is_intent() => (0..spec.units.len()).collect(),
                None => (0..spec.units.len()).filter(|&u| spec.units[u].kind.is_provincial_level()).collect(),
            };
            for &u in &units {
                if units.len() == 1 {
                    unit_limits(spec, plan, u, t.year, &mut reasons);
                    booked_limits(spec, plan, &booked, u, t.rule, t.year, &mut reasons);
                }
                shared_limits(spec, plan, u, t.rule, t.year, &mut reasons);
            }
            let mut why = describe(reasons);
            if units.len() == 1 && !spec.channels.iter().any(|c| c.kinds.contains(&spec.units[units[0]].kind)) {
                why.insert(0, "no recruitment channel places into this kind of unit".into());
            }
            if why.is_empty() {
                why.push(
                    "no limit is reached: meeting the target would cost more than the price of its shortfall".into(),
                );
            }
            shortfall(t, why)
        })
        .collect()
}

fn shortfall(t: &TargetRow, why: Vec<String>) -> Shortfall {
    Shortfall {
        unit: t.unit.clone(),
        rule: t.rule.to_string(),
        year: t.year,
        required: t.required,
        achieved: t.achieved,
        shortfall: t.shortfall,
        why,
    }
}

/// Why nominated graduates (I4, the row's unit a channel id) are not all placed: how many
/// of the units the channel places into have their quota full that year.
fn channel_full(spec: &Spec, plan: &Plan, t: &TargetRow) -> Vec<String> {
    let Some(ch) = spec
        .channels
        .iter()
        .find(|c| c.id == t.unit && c.year == t.year)
    else {
        return Vec::new();
    };
    let units: Vec<usize> = (0..spec.units.len())
        .filter(|&u| ch.kinds.contains(&spec.units[u].kind))
        .collect();
    let full = units
        .iter()
        .filter(|&&u| plan.sum(t.year, u, |_| true) >= spec.quota(u, t.year))
        .count();
    vec![format!(
        "{full} of the {} units channel {} places into have their quota full in {}",
        units.len(),
        ch.id,
        t.year
    )]
}
