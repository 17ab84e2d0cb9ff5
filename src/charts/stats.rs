//! The statistics the charts show, computed once from a finished run's output tables
//! ([`PlanTables`]: the run in memory, or its folder read back by [`crate::output::read`]),
//! never from the model.

use crate::domain::target::TargetKind;
use crate::domain::{FlowKind, Gender, Roadmap, Role, Rule, UnitKind};
use crate::error::Result;
use crate::output::contract::{Money, PlanTables, TrajectoryRow};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Hires by year, channel and EM: (people, women).
pub type Hires = BTreeMap<i32, BTreeMap<(String, bool), (f64, f64)>>;

/// Head-count sums of one year.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    pub all: f64,
    pub em: f64,
    pub em_women: f64,
    pub em_trained: f64,
    pub em_leaders: f64,
}

impl Counts {
    fn add(&mut self, em: bool, female: bool, leader: bool, trained: bool, n: f64) {
        self.all += n;
        if em {
            self.em += n;
            if female {
                self.em_women += n;
            }
            if trained {
                self.em_trained += n;
            }
            if leader {
                self.em_leaders += n;
            }
        }
    }
}

pub fn pct(a: f64, b: f64) -> f64 {
    if b > 0.0 {
        100.0 * a / b
    } else {
        0.0
    }
}

/// One unit's R1–R3 share of quota in a target year.
#[derive(Debug, Clone)]
pub struct UnitShare {
    pub unit: String,
    pub kind: String,
    pub rule: String,
    /// (required, achieved) as % of quota, by target year.
    pub by_year: BTreeMap<i32, (f64, f64)>,
    pub met: BTreeMap<i32, bool>,
}

#[derive(Debug, Clone)]
pub struct Stats {
    pub scenario: String,
    /// Unit id → its name (`units.csv`), for titles and axes with room for it.
    pub unit_names: BTreeMap<String, String>,
    pub illustrative: bool,
    pub version: String,
    /// The plan's proven gap, million VND (`summary.json`'s `solver.gap_million_vnd`).
    pub gap_million_vnd: f64,
    pub base_year: i32,
    pub horizon: i32,
    /// (year, level).
    pub targets: Vec<(i32, f64)>,
    /// Province counts by year.
    pub province: BTreeMap<i32, Counts>,
    /// EM staff and quota of units with an R1–R3 row, by year: (EM, quota).
    pub rate_units: BTreeMap<i32, (f64, f64)>,
    /// Σ required R1–R3 and Σ quota of those units, by target year.
    pub rate_required: BTreeMap<i32, (f64, f64)>,
    /// The same for the yearly milestones between target years.
    pub rate_milestones: BTreeMap<i32, (f64, f64)>,
    /// Σ trained EM staff the R8 milestones ask, by milestone year.
    pub trained_milestones: BTreeMap<i32, f64>,
    pub unit_shares: Vec<UnitShare>,
    /// Cost by year and lever, million VND.
    pub costs: BTreeMap<i32, BTreeMap<String, f64>>,
    /// Cost by year and unit kind (`provincial`, `commune`, …), million VND.
    pub cost_by_kind: BTreeMap<i32, BTreeMap<UnitKind, f64>>,
    /// The plan's cost over the no-plan forecast's by lever (`cost_vs_no_plan.csv`, summed
    /// over the years), million VND; empty for a folder written before that table.
    pub extra_by_lever: BTreeMap<String, f64>,
    /// With `prices.csv`: the money one more required person costs, by target row
    /// (`unit rule year`), for the rows whose one more is met with money alone (not by
    /// missing other rows), dearest first; and how many rows would rather be missed (one
    /// more costs the penalty).
    pub dearest: Vec<(String, f64)>,
    pub priced_rows: usize,
    pub one_more_missed: usize,
    /// Hires by year, channel and EM: (people, women).
    pub hires: Hires,
    /// The EM share of the province's population, % (`summary.json`'s `hiring`; absent from
    /// folders written before it).
    pub population_em_share: Option<f64>,
    /// Whom the plan lets go through streamlining exits (`summary.json`'s `exits`; absent
    /// from folders written before it).
    pub exits: Option<crate::output::contract::ExitsRecord>,
    /// Unit ids in order, then PROVINCE and COVERAGE rows if any.
    pub target_units: Vec<String>,
    /// (unit, rule, year) → met.
    pub status: BTreeMap<(String, String, i32), bool>,
    /// (unit, rule, year) → the plan's simulated chance of meeting it (`p_met`), where the
    /// folder has it.
    pub chance: BTreeMap<(String, String, i32), f64>,
    /// Rows of `status` that are goals, not targets: each unit's row in a coverage-roadmap
    /// year below full level, where the COVERAGE count is the target.
    pub goals: BTreeSet<(String, String, i32)>,
    /// People short over the target rows (R5 excluded), by year.
    pub shortfall: BTreeMap<i32, f64>,
    /// The yearly milestones between target years: met, missed, people short.
    pub milestones: (usize, usize, f64),
    /// Forecast without a plan, when the run has one: province counts by year.
    pub forecast: Option<BTreeMap<i32, Counts>>,
    /// Units' R1–R3 (required, achieved) in the last target year with no plan.
    pub forecast_shares: BTreeMap<String, (f64, f64)>,
}

impl Stats {
    /// All hires over the plan and the EM ones among them, people (`flows.csv`'s `hire`
    /// rows: the hiring chart's title, `comparison.csv`).
    pub fn hire_totals(&self) -> (f64, f64) {
        let (mut all, mut em) = (0.0, 0.0);
        for ((_, is_em), (n, _)) in self.hires.values().flatten() {
            all += n;
            if *is_em {
                em += n;
            }
        }
        (all, em)
    }

    /// A unit's name, or its id when the tables have none.
    pub fn unit_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.unit_names
            .get(id)
            .map(String::as_str)
            .filter(|n| !n.is_empty())
            .unwrap_or(id)
    }

    /// The cost of one administrative level over the horizon, million VND.
    pub fn cost_of_level(&self, level: crate::domain::Level) -> f64 {
        self.cost_by_kind
            .values()
            .flat_map(|m| m.iter())
            .filter(|(k, _)| crate::domain::Level::of(**k) == level)
            .map(|(_, c)| c)
            .sum()
    }

    /// Targets met and missed in a year (R5 excluded).
    pub fn tally(&self, year: i32) -> (usize, usize) {
        let rows = self
            .status
            .iter()
            .filter(|(k, _)| k.2 == year && !self.goals.contains(*k));
        let met = rows.clone().filter(|(_, m)| **m).count();
        (met, rows.count() - met)
    }

    /// Total cost, million VND.
    pub fn total_cost(&self) -> f64 {
        self.costs.values().flat_map(|m| m.values()).sum()
    }

    /// Whether this plan's total cost differs from `other`'s by no more than their two proven
    /// gaps together: a difference the solvers' tolerance alone could make.
    pub fn cost_within_tolerance(&self, other: &Stats) -> bool {
        (self.total_cost() - other.total_cost()).abs()
            <= self.gap_million_vnd + other.gap_million_vnd + 1e-6
    }

    pub fn last_target_year(&self) -> i32 {
        self.targets.last().map(|t| t.0).unwrap_or(self.horizon)
    }
}

use crate::rules::r1_r4_head_counts::RATE_RULES;
use crate::rules::r5_structure::GOAL;

/// The statistics of the plan folder `out`.
pub fn load(out: &Path) -> Result<Stats> {
    Ok(Stats::of(&crate::output::read::plan(out)?))
}

fn counts_by_year(rows: &[TrajectoryRow], em_groups: &BTreeSet<String>) -> BTreeMap<i32, Counts> {
    let mut by_year: BTreeMap<i32, Counts> = BTreeMap::new();
    for r in rows {
        by_year.entry(r.year).or_default().add(
            em_groups.contains(&r.group),
            r.gender == Gender::Female,
            r.role == Role::Leader,
            r.trained,
            r.headcount as f64,
        );
    }
    by_year
}

impl Stats {
    /// Every statistic of a run, from its tables.
    pub fn of(t: &PlanTables) -> Stats {
        let summary = &t.summary;
        let (base_year, horizon) = (summary.base_year, summary.horizon);
        let targets: Vec<(i32, f64)> = summary
            .policy
            .targets
            .iter()
            .map(|ty| (ty.year, ty.level))
            .collect();
        let em_groups: BTreeSet<String> = summary
            .groups
            .iter()
            .filter(|g| g.em)
            .map(|g| g.group.clone())
            .collect();
        let mut kinds: BTreeMap<String, String> = BTreeMap::new();
        let mut unit_order: Vec<String> = Vec::new();
        let mut quota: BTreeMap<(String, i32), f64> = BTreeMap::new();
        let mut unit_names: BTreeMap<String, String> = BTreeMap::new();
        for r in &t.units {
            unit_names.insert(r.unit.clone(), r.name.clone());
            if !kinds.contains_key(&r.unit) {
                unit_order.push(r.unit.clone());
            }
            kinds.insert(r.unit.clone(), r.kind.name().to_string());
            quota.insert((r.unit.clone(), r.year), r.quota as f64);
        }
        let province = counts_by_year(&t.trajectory, &em_groups);
        let mut em_by_unit: BTreeMap<(String, i32), f64> = BTreeMap::new();
        for r in t.trajectory.iter().filter(|r| em_groups.contains(&r.group)) {
            *em_by_unit.entry((r.unit.clone(), r.year)).or_default() += r.headcount as f64;
        }
        let coverage_years: BTreeSet<i32> = if summary.policy.roadmap == Roadmap::Coverage {
            targets.iter().filter(|t| t.1 < 1.0).map(|t| t.0).collect()
        } else {
            BTreeSet::new()
        };
        let targets_part = TargetStats::of(t, &kinds, &quota, &coverage_years);
        let mut rate_units: BTreeMap<i32, (f64, f64)> = BTreeMap::new();
        for year in base_year..=horizon {
            let e = rate_units.entry(year).or_default();
            for u in &targets_part.rate_unit_set {
                e.0 += em_by_unit.get(&(u.clone(), year)).copied().unwrap_or(0.0);
                e.1 += quota.get(&(u.clone(), year)).copied().unwrap_or(0.0);
            }
        }
        let mut target_units = unit_order.clone();
        target_units.extend(targets_part.extra_rows);
        let mut costs: BTreeMap<i32, BTreeMap<String, f64>> = BTreeMap::new();
        for r in &t.costs {
            *costs
                .entry(r.year)
                .or_default()
                .entry(r.lever.to_string())
                .or_default() += r.cost.value();
        }
        let kind_of: BTreeMap<&str, UnitKind> =
            t.units.iter().map(|u| (u.unit.as_str(), u.kind)).collect();
        let mut cost_by_kind: BTreeMap<i32, BTreeMap<UnitKind, f64>> = BTreeMap::new();
        for r in &t.costs {
            // A cost row names a unit of units.csv; a stray one counts as provincial.
            let kind = kind_of
                .get(r.unit.as_str())
                .copied()
                .unwrap_or(UnitKind::Provincial);
            *cost_by_kind
                .entry(r.year)
                .or_default()
                .entry(kind)
                .or_default() += r.cost.value();
        }
        let mut extra_by_lever: BTreeMap<String, f64> = BTreeMap::new();
        for r in &t.cost_vs_no_plan {
            *extra_by_lever
                .entry(r.lever.name().to_string())
                .or_default() += r.extra.value();
        }
        let penalty = summary
            .policy
            .target_penalty_million_vnd
            .unwrap_or(summary.policy.shortfall_penalty_million_vnd);
        let objective = |m: Option<Money>| m.map_or(0.0, Money::value);
        let mut dearest: Vec<(String, f64)> = t
            .prices
            .iter()
            // Money alone: a row whose one more is met by missing others is not ranked.
            .filter(|r| r.one_more_money_alone())
            .filter(|r| objective(r.one_more_money) > 0.0)
            .map(|r| {
                let name = format!("{} {} {}", r.unit, r.rule, r.year);
                (name, objective(r.one_more_money))
            })
            .collect();
        dearest.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let one_more_missed = t
            .prices
            .iter()
            .filter(|r| r.one_more_missed(penalty))
            .count();
        let mut hires = Hires::new();
        for r in t.flows.iter().filter(|r| r.flow == FlowKind::Hire) {
            let n = r.count as f64;
            let e = hires
                .entry(r.year)
                .or_default()
                .entry((r.channel.clone(), em_groups.contains(&r.group)))
                .or_default();
            e.0 += n;
            if r.gender == Gender::Female {
                e.1 += n;
            }
        }
        let last = targets.last().map(|t| t.0).unwrap_or(horizon);
        let mut forecast_shares = BTreeMap::new();
        let forecast = t.forecast.as_ref().map(|f| {
            for r in f
                .gap
                .iter()
                .filter(|r| r.year == last && RATE_RULES.contains(&r.rule))
            {
                let q = quota.get(&(r.unit.clone(), r.year)).copied().unwrap_or(0.0);
                forecast_shares.insert(
                    r.unit.clone(),
                    (pct(r.required as f64, q), pct(r.achieved as f64, q)),
                );
            }
            counts_by_year(&f.trajectory, &em_groups)
        });
        let mut unit_shares = targets_part.unit_shares;
        Stats {
            scenario: summary.scenario.clone(),
            unit_names,
            illustrative: summary.illustrative,
            population_em_share: summary
                .hiring
                .as_ref()
                .map(|h| h.population_em_share_percent),
            exits: summary.exits.clone(),
            version: t.manifest.bienche_version.clone(),
            gap_million_vnd: summary.solver.gap_million_vnd,
            base_year,
            horizon,
            targets,
            province,
            rate_units,
            rate_required: targets_part.rate_required,
            rate_milestones: targets_part.rate_milestones,
            trained_milestones: targets_part.trained_milestones,
            unit_shares: unit_order
                .iter()
                .filter_map(|u| unit_shares.remove(u))
                .collect(),
            costs,
            cost_by_kind,
            extra_by_lever,
            dearest,
            priced_rows: t.prices.len(),
            one_more_missed,
            hires,
            target_units,
            status: targets_part.status,
            chance: targets_part.chance,
            goals: targets_part.goals,
            shortfall: targets_part.shortfall,
            milestones: targets_part.milestones,
            forecast,
            forecast_shares,
        }
    }
}

/// What the charts take from `targets.csv`.
struct TargetStats {
    status: BTreeMap<(String, String, i32), bool>,
    chance: BTreeMap<(String, String, i32), f64>,
    goals: BTreeSet<(String, String, i32)>,
    shortfall: BTreeMap<i32, f64>,
    milestones: (usize, usize, f64),
    unit_shares: BTreeMap<String, UnitShare>,
    rate_required: BTreeMap<i32, (f64, f64)>,
    rate_milestones: BTreeMap<i32, (f64, f64)>,
    trained_milestones: BTreeMap<i32, f64>,
    rate_unit_set: BTreeSet<String>,
    extra_rows: Vec<String>,
}

impl TargetStats {
    fn of(
        t: &PlanTables,
        kinds: &BTreeMap<String, String>,
        quota: &BTreeMap<(String, i32), f64>,
        coverage_years: &BTreeSet<i32>,
    ) -> TargetStats {
        let mut out = TargetStats {
            status: BTreeMap::new(),
            chance: BTreeMap::new(),
            goals: BTreeSet::new(),
            shortfall: BTreeMap::new(),
            milestones: (0, 0, 0.0),
            unit_shares: BTreeMap::new(),
            rate_required: BTreeMap::new(),
            rate_milestones: BTreeMap::new(),
            trained_milestones: BTreeMap::new(),
            rate_unit_set: BTreeSet::new(),
            extra_rows: Vec::new(),
        };
        // The legal targets; milestones and intent rows are charted apart.
        for r in t
            .targets
            .iter()
            .filter(|r| r.rule != GOAL && r.kind == TargetKind::Target)
        {
            let (unit, rule, year) = (r.unit.clone(), r.rule.to_string(), r.year);
            out.status.insert((unit.clone(), rule.clone(), year), r.met);
            if let Some(p) = r.p_met {
                out.chance.insert((unit.clone(), rule.clone(), year), p);
            }
            if coverage_years.contains(&year) && kinds.contains_key(&unit) {
                out.goals.insert((unit.clone(), rule.clone(), year));
            } else {
                *out.shortfall.entry(year).or_default() += r.shortfall as f64;
            }
            if !kinds.contains_key(&unit) && !out.extra_rows.contains(&unit) {
                out.extra_rows.push(unit.clone());
            }
            if RATE_RULES.contains(&r.rule) && kinds.contains_key(&unit) {
                let q = quota.get(&(unit.clone(), year)).copied().unwrap_or(0.0);
                let (required, achieved) = (r.required as f64, r.achieved as f64);
                let e = out.rate_required.entry(year).or_default();
                e.0 += required;
                e.1 += q;
                out.rate_unit_set.insert(unit.clone());
                let share = out
                    .unit_shares
                    .entry(unit.clone())
                    .or_insert_with(|| UnitShare {
                        unit: unit.clone(),
                        kind: kinds[&unit].clone(),
                        rule: rule.clone(),
                        by_year: BTreeMap::new(),
                        met: BTreeMap::new(),
                    });
                share
                    .by_year
                    .insert(year, (pct(required, q), pct(achieved, q)));
                share.met.insert(year, r.met);
            }
        }
        // The yearly milestones of the same units, and the trained the R8 ones ask.
        for r in t.targets.iter().filter(|r| r.kind == TargetKind::Milestone) {
            if r.goal {
            } else if r.met {
                out.milestones.0 += 1;
            } else {
                out.milestones.1 += 1;
                out.milestones.2 += r.shortfall as f64;
            }
            if RATE_RULES.contains(&r.rule) && out.rate_unit_set.contains(&r.unit) {
                let q = quota.get(&(r.unit.clone(), r.year)).copied().unwrap_or(0.0);
                let e = out.rate_milestones.entry(r.year).or_default();
                e.0 += r.required as f64;
                e.1 += q;
            } else if r.rule == Rule::R8 {
                *out.trained_milestones.entry(r.year).or_default() += r.required as f64;
            }
        }
        out
    }
}

/// The cheapest plans for each number of targets met: of `(cost, targets met)` points, those
/// no other point beats on both, by rising cost.
pub fn frontier(points: &[(f64, f64)]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by(|&a, &b| {
        points[a]
            .0
            .partial_cmp(&points[b].0)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(
                points[b]
                    .1
                    .partial_cmp(&points[a].1)
                    .unwrap_or(std::cmp::Ordering::Equal),
            )
    });
    let mut best = f64::NEG_INFINITY;
    order
        .into_iter()
        .filter(|&i| {
            let keep = points[i].1 > best;
            if keep {
                best = points[i].1;
            }
            keep
        })
        .collect()
}
