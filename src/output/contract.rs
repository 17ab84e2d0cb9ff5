//! The output contract (`docs/outputs.md`) as types: one row type per table and one record
//! per JSON file. The writers ([`super::write`]) and the one reader ([`super::read`]) go
//! through these types, so a file and what reads it cannot disagree.
//!
//! Every CSV row type is a [`Table`]: its file name and its header, in the order of its
//! fields (a test checks the two agree). Numbers keep the precision they are written with:
//! money is [`Money`], rounded to thousandths of a million VND as written, so a table built
//! in memory and the same table read back from its file are equal.

use crate::diagnose::Shortfall;
use crate::domain::config::{SolverConfig, TargetYearConfig};
use crate::domain::target::{TargetKind, TargetRow};
use crate::domain::{
    BandRule, CostLine, FlowKind, Gender, Lever, R1Scope, Roadmap, Role, Rounding, Rule,
    SeventyPercentBand, Spec, UnitKind,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A CSV table of the contract: its file name and header.
pub trait Table {
    const FILE: &'static str;
    const HEADER: &'static [&'static str];
    /// Columns added after the table's first version: a file of an earlier version may lack
    /// them, and they take their defaults.
    const LATER: &'static [&'static str] = &[];
}

/// Million VND, as written: three decimals, never `-0.000`.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Money(f64);

impl Money {
    /// `x` rounded as it is written, so that reading the file back gives the same value.
    pub fn new(x: f64) -> Money {
        Money(Money::text(x).parse().unwrap_or(0.0))
    }
    pub fn value(self) -> f64 {
        self.0
    }
    /// The written form: `1234.500`.
    pub fn text(x: f64) -> String {
        let s = format!("{x:.3}");
        if s == "-0.000" {
            "0.000".into()
        } else {
            s
        }
    }
}

impl Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&Money::text(self.0))
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        f64::deserialize(d).map(Money)
    }
}

/// Rounds to thousandths, as every number in `summary.json` is.
pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// `yes`/`no` cells.
pub mod yes_no {
    pub fn serialize<S: serde::Serializer>(b: &bool, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(crate::domain::yes_no(*b))
    }
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        match s.as_ref() {
            "yes" => Ok(true),
            "no" => Ok(false),
            other => Err(serde::de::Error::custom(format!(
                "expected yes or no, found \"{other}\""
            ))),
        }
    }
    use serde::Deserialize;
}

/// `trajectory.csv`: head-count at 31 December by year, unit and cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrajectoryRow {
    pub year: i32,
    pub unit: String,
    /// The unit's name (`units.csv`); empty for a row that is not one unit's.
    #[serde(default)]
    pub unit_name: String,
    pub group: String,
    pub gender: Gender,
    pub role: Role,
    #[serde(with = "yes_no")]
    pub trained: bool,
    pub headcount: u32,
}

impl Table for TrajectoryRow {
    const LATER: &'static [&'static str] = &["unit_name"];
    const FILE: &'static str = "trajectory.csv";
    const HEADER: &'static [&'static str] = &[
        "year",
        "unit",
        "unit_name",
        "group",
        "gender",
        "role",
        "trained",
        "headcount",
    ];
}

/// `flows.csv`: every flow with the person's cell before it, its count and cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowRow {
    pub year: i32,
    pub unit: String,
    /// The unit's name (`units.csv`); empty for a row that is not one unit's.
    #[serde(default)]
    pub unit_name: String,
    pub flow: FlowKind,
    /// The channel of a hire; empty otherwise.
    pub channel: String,
    /// The other unit of a transfer; empty otherwise.
    pub counterpart: String,
    pub group: String,
    pub gender: Gender,
    pub role: Role,
    #[serde(with = "yes_no")]
    pub trained: bool,
    pub count: u32,
    pub cost: Money,
}

impl Table for FlowRow {
    const LATER: &'static [&'static str] = &["unit_name"];
    const FILE: &'static str = "flows.csv";
    const HEADER: &'static [&'static str] = &[
        "year",
        "unit",
        "unit_name",
        "flow",
        "channel",
        "counterpart",
        "group",
        "gender",
        "role",
        "trained",
        "count",
        "cost",
    ];
}

impl Table for TargetRow {
    const LATER: &'static [&'static str] = &["unit_name", "kind", "p_met", "margin"];
    const FILE: &'static str = "targets.csv";
    const HEADER: &'static [&'static str] = &[
        "unit",
        "unit_name",
        "rule",
        "year",
        "required",
        "achieved",
        "shortfall",
        "met",
        "kind",
        "p_met",
        "margin",
    ];
}

/// `forecast/gap.csv`: the target rows of the forecast, `projected` for `achieved`.
pub const GAP_FILE: &str = "gap.csv";
pub const GAP_HEADER: &[&str] = &[
    "unit",
    "unit_name",
    "rule",
    "year",
    "required",
    "projected",
    "shortfall",
    "met",
    "kind",
    "p_met",
    "margin",
];

/// `costs.csv`: cost by year, unit and line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostRow {
    pub year: i32,
    pub unit: String,
    /// The unit's name (`units.csv`); empty for a row that is not one unit's.
    #[serde(default)]
    pub unit_name: String,
    pub lever: CostLine,
    pub cost: Money,
}

impl Table for CostRow {
    const LATER: &'static [&'static str] = &["unit_name"];
    const FILE: &'static str = "costs.csv";
    const HEADER: &'static [&'static str] = &["year", "unit", "unit_name", "lever", "cost"];
}

/// `units.csv`: each unit's kind, and its quota and leader posts by year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitRow {
    pub unit: String,
    pub name: String,
    pub kind: UnitKind,
    pub year: i32,
    pub quota: u32,
    pub leader_posts: u32,
}

impl Table for UnitRow {
    const FILE: &'static str = "units.csv";
    const HEADER: &'static [&'static str] =
        &["unit", "name", "kind", "year", "quota", "leader_posts"];
}

/// Every policy choice of a run, in `summary.json` and `manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyRecord {
    pub roadmap: Roadmap,
    pub band_rule: BandRule,
    pub seventy_percent_band: SeventyPercentBand,
    pub rounding: Rounding,
    pub r1_scope: R1Scope,
    pub shortfall_penalty_million_vnd: f64,
    /// `policy.target_penalty`, where it is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_penalty_million_vnd: Option<f64>,
    pub r5_weight_million_vnd: f64,
    pub min_fill: f64,
    /// `staffing.exits`; absent from folders written before it (their exits were
    /// `quota-cuts`).
    #[serde(default)]
    pub exits: crate::domain::Exits,
    pub targets: Vec<TargetYearConfig>,
}

impl PolicyRecord {
    pub fn of(spec: &Spec) -> PolicyRecord {
        let p = &spec.config.policy;
        PolicyRecord {
            roadmap: p.roadmap,
            band_rule: p.band_rule,
            seventy_percent_band: p.seventy_percent_band,
            rounding: p.rounding,
            r1_scope: p.r1_scope,
            shortfall_penalty_million_vnd: p.shortfall_penalty,
            target_penalty_million_vnd: p.target_penalty,
            r5_weight_million_vnd: p.r5_weight,
            min_fill: spec.config.staffing.min_fill,
            exits: spec.config.staffing.exits,
            targets: spec.config.time.targets.clone(),
        }
    }
}

/// `summary.json`'s `solver`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SolverRecord {
    pub name: String,
    pub status: String,
    pub objective: f64,
    pub bound: f64,
    pub gap: f64,
    pub gap_million_vnd: f64,
    pub seconds: f64,
    pub columns: usize,
    pub integer_columns: usize,
    pub rows: usize,
    pub nodes: i64,
}

/// A limit the plan could not keep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssueRecord {
    pub what: String,
    pub unit: String,
    pub year: i32,
    pub amount: f64,
}

/// R5 in a target year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct R5Record {
    pub year: i32,
    pub em_staff: u32,
    pub all_staff: u32,
    pub em_share_of_staff: f64,
    pub em_share_of_population_goal: f64,
    pub group_distance_persons: f64,
}

/// A group, whether it is an ethnic minority, and its name in Vietnamese (the first of
/// `groups.csv`'s `names`, absent without them) for the workbook and the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupRecord {
    pub group: String,
    pub em: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// `summary.json` of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub scenario: String,
    pub illustrative: bool,
    pub policy: PolicyRecord,
    pub base_year: i32,
    pub horizon: i32,
    pub money_unit: String,
    pub solver: SolverRecord,
    pub total_cost: f64,
    pub cost_by_lever: BTreeMap<String, f64>,
    pub cost_by_year: BTreeMap<String, f64>,
    pub total_shortfall: u32,
    pub targets_met: usize,
    pub targets_missed: usize,
    pub missed: Vec<Shortfall>,
    pub staffing_issues: Vec<IssueRecord>,
    pub r5: Vec<R5Record>,
    pub groups: Vec<GroupRecord>,
    pub warnings: Vec<String>,
    /// With `intent.price`: what the intent rules cost against the letter-only plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_of_intent: Option<PriceOfIntent>,
    /// The costs as a budget officer reads them ([`crate::budget`]); absent from folders
    /// written before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<BudgetRecord>,
    /// With `budget.target_prices`: the target prices by rule (`prices.csv` has each row).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prices: Option<PricesRecord>,
    /// The quick simulation of the plan (`p_met` in `targets.csv`); absent when off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chance: Option<ChanceRecord>,
    /// The margins of `policy.confidence` (`margin` in `targets.csv`); absent at 0.5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<ConfidenceRecord>,
    /// Who the plan hires, against who lives in the province; absent from folders written
    /// before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hiring: Option<HiringRecord>,
    /// Who the plan lets go through streamlining exits; absent from folders written before
    /// it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exits: Option<ExitsRecord>,
}

/// `summary.json`'s `hiring`: the plan's hires over its years (the `hire` rows of
/// `flows.csv`: people who stay, their early leavers' replacements not counted), how many
/// are EM, and the EM share of the province's population (`groups.csv`), so that a
/// meeting sees whether hiring follows the population (issue 11) whether or not I2 asks it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HiringRecord {
    pub hires: u32,
    pub em_hires: u32,
    /// `em_hires` as a percentage of `hires`, to two decimals (0 without hires).
    pub em_share_percent: f64,
    /// The EM groups' share of the province's population (`groups.csv`, scaled to add up to
    /// 100% as for R5), percent, to two decimals.
    pub population_em_share_percent: f64,
    /// Whether I2 (`intent.hiring_composition`) was asked of the plan.
    pub composition_rule: bool,
}

impl HiringRecord {
    /// The record of a plan's hires.
    pub fn of(spec: &crate::domain::Spec, plan: &crate::plan::Plan) -> HiringRecord {
        let (mut hires, mut em_hires) = (0u32, 0u32);
        for (key, &(n, _)) in &plan.flows {
            if key.kind == crate::domain::FlowKind::Hire {
                hires += n;
                if spec.is_em(&key.cell) {
                    em_hires += n;
                }
            }
        }
        // As R5 reads it: the shares scaled to add up to 100%.
        let population = crate::rules::r5_structure::em_population_share(spec);
        let percent = |x: f64| (x * 10_000.0).round() / 100.0;
        HiringRecord {
            hires,
            em_hires,
            em_share_percent: percent(share_of(em_hires, hires)),
            population_em_share_percent: percent(population),
            composition_rule: spec.config.intent.hiring_composition,
        }
    }

    /// The EM share of the hires as a fraction, from the counts (the record's percentage is
    /// rounded to two decimals).
    pub fn em_share(&self) -> f64 {
        share_of(self.em_hires, self.hires)
    }
}

/// `summary.json`'s `exits`: the people the plan lets go through streamlining exits over its
/// years (the `exit` rows of `flows.csv`), how many of them are leaders and how many EM, and
/// which reading of `staffing.exits` allowed them, so that a meeting sees whom the plan lets
/// go (docs/model.md, assumption 3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExitsRecord {
    pub exits: u32,
    pub leaders: u32,
    pub em: u32,
    /// `staffing.exits`.
    pub reading: crate::domain::Exits,
    /// Leaders stepping down into staff posts at the end of their term (the `step_down`
    /// rows of `flows.csv`), and how many of them EM; absent from folders written before
    /// step-downs existed.
    #[serde(default)]
    pub step_downs: u32,
    #[serde(default)]
    pub step_downs_em: u32,
    /// `staffing.leader_term_years`.
    #[serde(default)]
    pub leader_term_years: u32,
}

impl ExitsRecord {
    /// The record of a plan's exits.
    pub fn of(spec: &crate::domain::Spec, plan: &crate::plan::Plan) -> ExitsRecord {
        let mut r = ExitsRecord {
            exits: 0,
            leaders: 0,
            em: 0,
            reading: spec.config.staffing.exits,
            step_downs: 0,
            step_downs_em: 0,
            leader_term_years: spec.config.staffing.leader_term_years,
        };
        for (key, &(n, _)) in &plan.flows {
            let em = if spec.is_em(&key.cell) { n } else { 0 };
            match key.kind {
                crate::domain::FlowKind::Exit => {
                    r.exits += n;
                    r.leaders += if key.cell.leader { n } else { 0 };
                    r.em += em;
                }
                crate::domain::FlowKind::StepDown => {
                    r.step_downs += n;
                    r.step_downs_em += em;
                }
                _ => {}
            }
        }
        r
    }
}

/// `part` of `whole` as a fraction, 0 when `whole` is.
fn share_of(part: u32, whole: u32) -> f64 {
    f64::from(part) / f64::from(whole.max(1))
}

/// `summary.json`'s `confidence`: the margins the plan was asked for and what it reached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfidenceRecord {
    /// `policy.confidence`.
    pub level: f64,
    /// Target rows given a margin, and its people in all.
    pub rows_with_margin: usize,
    pub margin_people: u32,
    /// Of those, rows whose margin the plan does not wholly reach, and the people missing.
    pub rows_short_of_margin: usize,
    pub margin_people_short: u32,
    /// What the plan of the expectation (confidence 0.5) costs, and what this plan costs
    /// more, million VND (`plan` of one scenario only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_at_expectation: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra_cost: Option<f64>,
}

/// `summary.json`'s `chance`: how likely the targets the plan meets are to be met when
/// people leave at random (`[simulation]` draws of `bienche simulate`'s replay).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChanceRecord {
    pub draws: u64,
    pub seed: u64,
    /// Targets of target years the plan meets.
    pub met_in_plan: usize,
    /// Of those, met in at least 90% of the draws.
    pub at_least_90: usize,
    /// Of those, met in fewer than half of the draws.
    pub below_50: usize,
    /// `policy.confidence`, and the targets met in at least that share of the draws.
    #[serde(default)]
    pub confidence: f64,
    #[serde(default)]
    pub at_least_confidence: usize,
    /// Of the targets met, those met with their whole margin or needing none (at 0.5 every
    /// one), and of those, met in at least `confidence` of the draws. A target met short of
    /// its margin is met in expectation only.
    #[serde(default)]
    pub met_with_margin: usize,
    #[serde(default)]
    pub with_margin_at_least_confidence: usize,
    /// The province EM share of staff in the horizon year: the plan's and the draws'
    /// median, %.
    pub em_share_plan: f64,
    pub em_share_median: f64,
    /// Those below 50%, with their chance: `unit rule year`, most at risk first.
    pub most_at_risk: Vec<AtRisk>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AtRisk {
    pub unit: String,
    pub rule: String,
    pub year: i32,
    pub p_met: f64,
}

/// `summary.json`'s `budget`: the objective split into the salaries of the base-year staff
/// if nobody is let go and what the plan controls, the gap on the latter, the extra cost over no plan, and the cost by level
/// and kind of unit (million VND; docs/outputs.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BudgetRecord {
    /// Salaries of the base staff if nobody is let go: a constant of the scenario.
    pub fixed_cost: f64,
    /// What the plan's streamlining exits save, each at the salary of the post its person
    /// leaves.
    pub exit_salary_savings: f64,
    /// The objective less `fixed_cost`.
    pub plan_dependent: f64,
    /// Of it, money: the plan's costs less `fixed_cost`.
    pub plan_dependent_money: f64,
    /// Of it, priced shortfalls (targets, milestones, intent rows, staffing, R5): prices of
    /// missed rules, not money.
    pub priced_shortfalls: f64,
    /// The proven gap (million VND) as a share of `plan_dependent` and of
    /// `plan_dependent_money`; `null` where that is not positive.
    pub gap_of_plan_dependent: Option<f64>,
    pub gap_of_plan_dependent_money: Option<f64>,
    /// The no-plan forecast's costs, and the plan's costs over them.
    pub no_plan_cost: f64,
    pub extra_cost: f64,
    pub extra_by_lever: BTreeMap<String, f64>,
    pub extra_by_year: BTreeMap<String, f64>,
    /// The plan's costs by administrative level (`province`, `commune`) and kind of unit.
    pub cost_by_level: BTreeMap<String, f64>,
    pub cost_by_kind: BTreeMap<String, f64>,
    /// When the plan goes over a budget cap: the least raise of every cap under which some
    /// plan keeps them all (the LP relaxation's, [`crate::budget::least_raise`]), and with
    /// `budget.cap_per_year` that cap plus the raise, million VND.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub least_raise: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub least_cap: Option<f64>,
}

/// `cost_vs_no_plan.csv`: by year and lever, the plan's cost, the no-plan forecast's, and
/// the difference: what the province pays for meeting the targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoPlanCostRow {
    pub year: i32,
    pub lever: Lever,
    pub plan: Money,
    pub no_plan: Money,
    pub extra: Money,
}

impl Table for NoPlanCostRow {
    const FILE: &'static str = "cost_vs_no_plan.csv";
    const HEADER: &'static [&'static str] = &["year", "lever", "plan", "no_plan", "extra"];
}

/// `prices.csv`: each target row of a target year with its price ([`crate::prices`]):
/// million VND of the objective, each row's group re-solved with the rest of the plan fixed.
/// An empty price is one not found (see `status` and `note`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceRow {
    pub unit: String,
    /// The unit's name (`units.csv`); empty for a row that is not one unit's.
    #[serde(default)]
    pub unit_name: String,
    pub rule: Rule,
    pub year: i32,
    pub required: u32,
    pub achieved: u32,
    pub shortfall: u32,
    /// What one more required person costs: money, plus the penalties of any row the
    /// group then misses (this one included) less those it then meets.
    pub one_more: Option<Money>,
    /// Of it, money.
    pub one_more_money: Option<Money>,
    /// What one fewer required person saves, and of it, money.
    pub one_fewer_saves: Option<Money>,
    pub one_fewer_saves_money: Option<Money>,
    /// For a missed row: what meeting it in full costs more (its own penalty left out), and
    /// of it, money.
    pub closing_cost: Option<Money>,
    pub closing_money: Option<Money>,
    /// How far a price may be off (the re-solves' own gaps).
    pub within: Money,
    pub status: PriceStatus,
    pub note: String,
}

/// How close to the price of a person short a price counts as that price: half a million
/// VND, or a hundredth of a small `policy.target_penalty`.
pub fn penalty_tolerance(penalty: f64) -> f64 {
    0.5f64.min(penalty / 100.0)
}

impl PriceRow {
    /// The penalties in its one-more price: what is not money.
    fn one_more_penalties(&self) -> f64 {
        let value = |m: Option<Money>| m.map_or(0.0, Money::value);
        value(self.one_more) - value(self.one_more_money)
    }
    /// Whether one more would be missed rather than met: its price is the `penalty` of a
    /// person short (million VND), not money.
    pub fn one_more_missed(&self, penalty: f64) -> bool {
        self.one_more_penalties() >= penalty - penalty_tolerance(penalty)
    }
    /// Whether one more is met with money alone, not by missing other rows.
    pub fn one_more_money_alone(&self) -> bool {
        self.one_more_penalties().abs() < 0.05
    }
}

impl Table for PriceRow {
    const LATER: &'static [&'static str] = &["unit_name"];
    const FILE: &'static str = "prices.csv";
    const HEADER: &'static [&'static str] = &[
        "unit",
        "unit_name",
        "rule",
        "year",
        "required",
        "achieved",
        "shortfall",
        "one_more",
        "one_more_money",
        "one_fewer_saves",
        "one_fewer_saves_money",
        "closing_cost",
        "closing_money",
        "within",
        "status",
        "note",
    ];
}

/// What a row of `prices.csv` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceStatus {
    /// Met: one more costs what `one_more` says.
    Met,
    /// Met with people to spare: one more costs nothing.
    Exceeded,
    /// Missed; meeting it costs `closing_cost` more.
    Missed,
    /// Missed, and no plan of its group meets it with what the rest of the plan leaves.
    CannotBeMet,
    /// Not priced: a province-wide row not exceeded, a coverage count, or a failed re-solve
    /// (`note` says which).
    NotPriced,
}

/// `summary.json`'s `prices`: the target prices summed by rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PricesRecord {
    /// How the prices were found, in a sentence.
    pub method: String,
    /// The units whose rows were priced (`budget.price_units`); empty: every unit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<String>,
    pub rows: usize,
    pub by_rule: Vec<RulePrices>,
    /// Re-solves run and the seconds they took.
    pub solves: usize,
    pub seconds: f64,
}

/// One rule's target prices added up (million VND): what relaxing every one of its rows by
/// one person would save, each on its own, and what asking one more of each would cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RulePrices {
    pub rule: Rule,
    pub rows: usize,
    /// Rows whose one more costs money.
    pub binding: usize,
    /// Rows whose one more would be missed rather than met (its price is the penalty).
    pub one_more_at_penalty: usize,
    /// Sums of the prices' money (penalties are not money).
    pub one_more_money_total: f64,
    pub one_fewer_saves_money_total: f64,
    /// Rows missed (as priced: by the group re-solved), and of them those no plan of their
    /// group can meet.
    pub missed: usize,
    pub cannot_be_met: usize,
    /// The row whose one more costs the most money, met with money alone (not by missing
    /// other rows): `unit year`.
    pub dearest: Option<String>,
    pub dearest_one_more_money: Option<f64>,
}

/// What the intent rules (I1–I4, milestones) cost: this plan against the plan of the same
/// scenario with every intent rule off (I4's minimums too), both solved in whole people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceOfIntent {
    /// Costs of this plan, million VND.
    pub cost: f64,
    /// Costs of the letter-only plan, million VND.
    pub letter_only_cost: f64,
    /// `cost − letter_only_cost`.
    pub extra_cost: f64,
    /// The extra cost by lever and by year.
    pub extra_by_lever: BTreeMap<String, f64>,
    pub extra_by_year: BTreeMap<String, f64>,
    /// Legal targets (2030, 2035) the letter-only plan meets and misses.
    pub letter_only_targets_met: usize,
    pub letter_only_targets_missed: usize,
    /// The letter-only plan's proven gap: the price is exact within both plans' gaps.
    pub letter_only_gap: f64,
}

/// An input file and its SHA-256.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputRecord {
    pub file: String,
    pub sha256: String,
}

/// The solver of `manifest.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SolverInfo {
    pub name: String,
    pub version: String,
    pub settings: SolverConfig,
}

/// `manifest.json` of a plan: what produced it, from which inputs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub bienche_version: String,
    pub scenario: String,
    pub scenario_dir: PathBuf,
    pub inputs: Vec<InputRecord>,
    pub solver: SolverInfo,
    pub policy: PolicyRecord,
    /// A re-plan's record of the plan it replaces (`bienche replan`); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<Replaces>,
}

/// The plan a re-plan replaces and the actuals it starts from: a sequence of re-plans reads
/// as one history (`bienche history`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Replaces {
    /// The replaced plan's folder, absolute.
    pub plan: PathBuf,
    /// SHA-256 of its `manifest.json`.
    pub manifest_sha256: String,
    /// The actuals folder, absolute, and the year its forms report.
    pub actuals: PathBuf,
    pub year: i32,
}

/// `forecast/` of a plan folder: the no-plan run's tables.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastTables {
    pub trajectory: Vec<TrajectoryRow>,
    pub flows: Vec<FlowRow>,
    pub gap: Vec<TargetRow>,
}

/// Every table of a plan folder, as written and as read back.
#[derive(Debug, Clone)]
pub struct PlanTables {
    pub summary: Summary,
    pub manifest: Manifest,
    pub trajectory: Vec<TrajectoryRow>,
    pub flows: Vec<FlowRow>,
    pub targets: Vec<TargetRow>,
    pub costs: Vec<CostRow>,
    pub cost_vs_no_plan: Vec<NoPlanCostRow>,
    /// With `budget.target_prices`; empty otherwise (and no file).
    pub prices: Vec<PriceRow>,
    pub units: Vec<UnitRow>,
    pub forecast: Option<ForecastTables>,
}

/// `summary.json` of `bienche forecast --out`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastSummary {
    pub kind: String,
    pub scenario: String,
    pub illustrative: bool,
    pub base_year: i32,
    pub horizon: i32,
    pub assumptions: Vec<String>,
    pub units_hiring_like_recent_hires: usize,
    pub em_share_of_staff: Vec<YearShare>,
    pub targets: Vec<YearTally>,
    pub policy: PolicyRecord,
}

/// The province's EM share of staff in a year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearShare {
    pub year: i32,
    pub em_share_of_staff: f64,
}

/// Targets met and missed in a target year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearTally {
    pub year: i32,
    pub level: f64,
    pub targets_met: usize,
    pub targets_missed: usize,
    pub total_shortfall: u32,
}

/// `manifest.json` of `bienche forecast --out`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ForecastManifest {
    pub bienche_version: String,
    pub scenario: String,
    pub command: String,
    pub inputs: Vec<InputRecord>,
    pub policy: PolicyRecord,
}

/// `forms.json` of `bienche forms`: the plan the forms come from and each form written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormsManifest {
    pub bienche_version: String,
    pub command: String,
    pub scenario: String,
    /// SHA-256 of the plan folder's `manifest.json`: the plan the forms report against.
    pub plan_manifest_sha256: String,
    pub year: i32,
    /// The forms' language.
    pub lang: String,
    pub forms: Vec<FormFile>,
}

/// One unit's form as written (its bytes' SHA-256: a form that differs was filled in).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormFile {
    pub unit: String,
    pub file: String,
    pub sha256: String,
}

/// `actual_stocks.csv` of `bienche actuals`: each compiled form's head-count by cell, the
/// plan's at the start and end of the year beside the actual one on the report date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActualStockRow {
    pub unit: String,
    pub unit_name: String,
    pub group: String,
    pub gender: Gender,
    pub role: Role,
    #[serde(with = "yes_no")]
    pub trained: bool,
    pub plan_start: u32,
    pub plan_end: u32,
    pub actual: u32,
}

impl Table for ActualStockRow {
    const FILE: &'static str = "actual_stocks.csv";
    const HEADER: &'static [&'static str] = &[
        "unit",
        "unit_name",
        "group",
        "gender",
        "role",
        "trained",
        "plan_start",
        "plan_end",
        "actual",
    ];
}

/// `actual_flows.csv` of `bienche actuals`: each compiled form's flows of the year, the
/// plan's count beside the actual one since 1 January (the person's cell before the flow).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActualFlowRow {
    pub unit: String,
    pub unit_name: String,
    pub flow: FlowKind,
    /// A hire's channel; empty otherwise.
    pub channel: String,
    /// A transfer's other unit; empty otherwise.
    pub counterpart: String,
    pub group: String,
    pub gender: Gender,
    pub role: Role,
    #[serde(with = "yes_no")]
    pub trained: bool,
    pub plan: u32,
    pub actual: u32,
}

impl Table for ActualFlowRow {
    const FILE: &'static str = "actual_flows.csv";
    const HEADER: &'static [&'static str] = &[
        "unit",
        "unit_name",
        "flow",
        "channel",
        "counterpart",
        "group",
        "gender",
        "role",
        "trained",
        "plan",
        "actual",
    ];
}

/// `problems.csv` of `bienche actuals`: what kept a form out of the totals, by file, sheet
/// and cell (a unit with no form: its unit alone).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProblemRow {
    pub file: String,
    pub sheet: String,
    pub cell: String,
    pub unit: String,
    pub message: String,
}

impl Table for ProblemRow {
    const FILE: &'static str = "problems.csv";
    const HEADER: &'static [&'static str] = &["file", "sheet", "cell", "unit", "message"];
}

/// `rule_status.csv` of `bienche actuals`: each compiled unit's target, milestone and intent
/// rows of the year that a head-count measures, against the actual head-count on the
/// report date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleStatusRow {
    pub unit: String,
    pub unit_name: String,
    pub rule: Rule,
    pub year: i32,
    pub kind: TargetKind,
    pub required: u32,
    /// What the plan achieves at the end of the year.
    pub plan: u32,
    /// The actual head-count the rule counts, on the report date.
    pub actual: u32,
    /// `behind` (actual below required), `ahead` (above the plan's), else `on_track`.
    pub status: Status,
}

impl Table for RuleStatusRow {
    const FILE: &'static str = "rule_status.csv";
    const HEADER: &'static [&'static str] = &[
        "unit",
        "unit_name",
        "rule",
        "year",
        "kind",
        "required",
        "plan",
        "actual",
        "status",
    ];
}

/// Where a unit stands on a rule against the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Behind,
    OnTrack,
    Ahead,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Behind => "behind",
            Status::OnTrack => "on_track",
            Status::Ahead => "ahead",
        }
    }
}

/// `actuals.json` of `bienche actuals`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActualsSummary {
    pub bienche_version: String,
    pub scenario: String,
    pub year: i32,
    /// Workbooks found in the forms' folder.
    pub forms_found: usize,
    /// Units of the plan.
    pub units: usize,
    /// Forms compiled (read without a problem).
    pub compiled: usize,
    /// Files with at least one problem.
    pub with_problems: usize,
    /// Units of the plan whose form was not compiled.
    pub missing: Vec<String>,
    /// The compiled forms' report dates, `YYYY-MM-DD`.
    pub earliest_date: String,
    pub latest_date: String,
    pub problems: usize,
    /// SHA-256 of the plan folder's `manifest.json`: the plan the forms were compiled
    /// against (`replan` refuses actuals of another plan; empty in folders of earlier
    /// versions).
    #[serde(default)]
    pub plan_manifest_sha256: String,
    /// Each compiled unit's report date, `YYYY-MM-DD`.
    #[serde(default)]
    pub report_dates: BTreeMap<String, String>,
    /// The roster the actuals were read from (`bienche actuals PLAN ROSTER --as-of DATE`),
    /// as messages name it; empty when they were read from forms.
    #[serde(default)]
    pub roster: String,
    /// The roster's day, `YYYY-MM-DD` (empty for forms).
    #[serde(default)]
    pub as_of: String,
}

/// `changes.csv` of a re-plan: per unit (and `PROVINCE`), where the re-plan starts and what
/// it changes from the plan it replaces over the years after the reported one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeRow {
    pub unit: String,
    pub unit_name: String,
    /// `actuals` (the unit's compiled form) or `plan` (no form: the plan's stock kept).
    pub start_from: String,
    /// The form's report date, `YYYY-MM-DD`; empty without a form.
    pub report_date: String,
    /// Days after the report date to 31 December, whose leavers are counted.
    pub days_left: u32,
    /// Head-count on the report date (the plan's at 31 December without a form).
    pub reported: u32,
    /// Booked retirements of the year not yet reported, and leavers expected in the days left.
    pub retiring: u32,
    pub leaving: u32,
    /// Head-count at 31 December the re-plan starts from, and the plan's.
    pub start: u32,
    pub plan_end: u32,
    /// EM head-count at 31 December, the re-plan's start and the plan's.
    pub em_start: u32,
    pub em_plan_end: u32,
    /// Hires over the years after the reported one: the replaced plan's, the re-plan's.
    pub hires_before: u32,
    pub hires_after: u32,
    pub extra_hires: i64,
    /// Leavers (attrition) over the years after the reported one, before and after: the
    /// re-plan counts the reported year's hires among the workforce that leaves at the
    /// settled rate.
    pub leavers_before: u32,
    pub leavers_after: u32,
    /// Cost over the years after the reported one, million VND.
    pub cost_before: Money,
    pub cost_after: Money,
    pub cost_change: Money,
    /// Target rows met in the replaced plan and missed in the re-plan; met in both, with a
    /// chance below `policy.confidence` in the re-plan and at least 10 points lower than
    /// before; missed before and met now.
    pub newly_missed: u32,
    pub newly_at_risk: u32,
    pub recovered: u32,
}

impl Table for ChangeRow {
    const FILE: &'static str = "changes.csv";
    const HEADER: &'static [&'static str] = &[
        "unit",
        "unit_name",
        "start_from",
        "report_date",
        "days_left",
        "reported",
        "retiring",
        "leaving",
        "start",
        "plan_end",
        "em_start",
        "em_plan_end",
        "hires_before",
        "hires_after",
        "extra_hires",
        "leavers_before",
        "leavers_after",
        "cost_before",
        "cost_after",
        "cost_change",
        "newly_missed",
        "newly_at_risk",
        "recovered",
    ];
}

/// `target_changes.csv` of a re-plan: each target row whose standing changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetChangeRow {
    pub unit: String,
    pub unit_name: String,
    pub rule: Rule,
    pub year: i32,
    pub kind: TargetKind,
    /// `newly_missed`, `newly_at_risk` or `recovered`.
    pub change: String,
    pub required_before: u32,
    pub achieved_before: u32,
    #[serde(with = "crate::domain::target::p_met_words")]
    pub p_met_before: Option<f64>,
    pub required_after: u32,
    pub achieved_after: u32,
    #[serde(with = "crate::domain::target::p_met_words")]
    pub p_met_after: Option<f64>,
}

impl Table for TargetChangeRow {
    const FILE: &'static str = "target_changes.csv";
    const HEADER: &'static [&'static str] = &[
        "unit",
        "unit_name",
        "rule",
        "year",
        "kind",
        "change",
        "required_before",
        "achieved_before",
        "p_met_before",
        "required_after",
        "achieved_after",
        "p_met_after",
    ];
}

/// `history.csv` of `bienche history`: each plan of a sequence of re-plans, and what it
/// foresaw for each target year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryRow {
    /// The plan's folder.
    pub plan: String,
    /// Its base year: the year it was made from (a re-plan's reported year).
    pub made_from: i32,
    /// `plan`, or `replan` for a plan that replaces another.
    pub kind: String,
    pub target_year: i32,
    /// The province's staff and EM staff the plan foresees at the end of `target_year`.
    pub staff: u32,
    pub em_staff: u32,
    /// EM staff as a share of staff, percent.
    pub em_share: Fixed4,
    /// Legal targets of `target_year` the plan meets and misses, and those it meets with a
    /// chance below 50% in its quick simulation.
    pub targets_met: usize,
    pub targets_missed: usize,
    pub met_below_half: usize,
    /// The plan's cost over its planned years, million VND.
    pub cost: Money,
}

impl Table for HistoryRow {
    const FILE: &'static str = "history.csv";
    const HEADER: &'static [&'static str] = &[
        "plan",
        "made_from",
        "kind",
        "target_year",
        "staff",
        "em_staff",
        "em_share",
        "targets_met",
        "targets_missed",
        "met_below_half",
        "cost",
    ];
}

/// `replan.json`: what a re-plan started from and what it changed, province-wide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplanSummary {
    pub bienche_version: String,
    pub scenario: String,
    pub replaces: Replaces,
    /// The re-plan's base year (the reported year) and the folder of its scenario.
    pub base_year: i32,
    pub scenario_dir: PathBuf,
    /// Units starting from their form, and those starting from the plan's stock (no form).
    pub from_actuals: usize,
    pub from_plan: Vec<String>,
    pub reported: u32,
    pub retiring: u32,
    pub leaving: u32,
    pub start: u32,
    pub plan_end: u32,
    pub extra_hires: i64,
    pub leavers_before: u32,
    pub leavers_after: u32,
    pub cost_change: f64,
    /// The proven gaps of the replaced plan and of the re-plan, million VND: a cost change
    /// smaller than their sum is within the solver's tolerance.
    pub gap_before_million_vnd: f64,
    pub gap_after_million_vnd: f64,
    pub newly_missed: u32,
    pub newly_at_risk: u32,
    pub recovered: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header_of<T: Serialize>(row: &T) -> Vec<String> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.serialize(row).unwrap();
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        text.lines()
            .next()
            .unwrap()
            .split(',')
            .map(str::to_string)
            .collect()
    }

    /// Each table's header is its fields in order, so writing the header and then the rows
    /// without one gives the same file as serialising with headers.
    #[test]
    fn every_header_is_its_fields_in_order() {
        let t = TrajectoryRow {
            year: 2026,
            unit: "X".into(),
            unit_name: "Xã X".into(),
            group: "Thai".into(),
            gender: Gender::Female,
            role: Role::Staff,
            trained: true,
            headcount: 3,
        };
        assert_eq!(header_of(&t), TrajectoryRow::HEADER);
        let f = FlowRow {
            year: 2026,
            unit: "X".into(),
            unit_name: "Xã X".into(),
            flow: FlowKind::Hire,
            channel: "exam".into(),
            counterpart: String::new(),
            group: "Thai".into(),
            gender: Gender::Male,
            role: Role::Staff,
            trained: false,
            count: 1,
            cost: Money::new(-0.0001),
        };
        assert_eq!(header_of(&f), FlowRow::HEADER);
        let r = TargetRow::new("X", crate::domain::Rule::R1, 2030, 2, 1);
        assert_eq!(header_of(&r), TargetRow::HEADER);
        let c = CostRow {
            year: 2026,
            unit: "X".into(),
            unit_name: "Xã X".into(),
            lever: CostLine::hiring("exam"),
            cost: Money::new(1.0),
        };
        assert_eq!(header_of(&c), CostRow::HEADER);
        let u = UnitRow {
            unit: "X".into(),
            name: "Xã".into(),
            kind: UnitKind::Commune,
            year: 2026,
            quota: 10,
            leader_posts: 2,
        };
        assert_eq!(header_of(&u), UnitRow::HEADER);
    }

    #[test]
    fn money_is_written_with_three_decimals_and_no_negative_zero() {
        assert_eq!(Money::text(-0.0001), "0.000");
        assert_eq!(Money::text(1234.5), "1234.500");
        assert_eq!(Money::new(0.1 + 0.2).value(), 0.3);
    }
}

/// A number written with four decimals (`gap_percent`).
#[derive(Debug, Clone, Copy, PartialEq, Default, Deserialize)]
pub struct Fixed4(pub f64);

impl Serialize for Fixed4 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{:.4}", self.0))
    }
}

/// `national.csv`: one row per province of a national plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NationalRow {
    pub province: String,
    pub scenario: String,
    pub units: usize,
    pub total_cost_million_vnd: Money,
    pub objective: Money,
    pub bound: Money,
    pub gap_percent: Fixed4,
    pub status: String,
    pub targets_met: usize,
    pub targets_missed: usize,
    pub total_shortfall: u32,
}

impl Table for NationalRow {
    const FILE: &'static str = "national.csv";
    const HEADER: &'static [&'static str] = &[
        "province",
        "scenario",
        "units",
        "total_cost_million_vnd",
        "objective",
        "bound",
        "gap_percent",
        "status",
        "targets_met",
        "targets_missed",
        "total_shortfall",
    ];
}

/// The national `summary.json`'s `solver`: sums of the provinces' objectives and bounds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NationalSolver {
    pub objective: f64,
    pub bound: f64,
    pub gap: f64,
    pub threads: u32,
}

/// `summary.json` of a national plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NationalSummary {
    pub name: String,
    pub illustrative: bool,
    pub provinces: usize,
    pub units: usize,
    pub money_unit: String,
    pub total_cost: f64,
    pub targets_met: u64,
    pub targets_missed: u64,
    pub total_shortfall: u64,
    pub solver: NationalSolver,
}

/// `manifest.json` of a national plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NationalManifest {
    pub bienche_version: String,
    pub national: String,
    pub national_dir: PathBuf,
    pub inputs: Vec<InputRecord>,
    pub provinces: Vec<String>,
    pub note: String,
}

/// `unit_differences.csv` of a comparison: a target whose outcome differs from the
/// baseline's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitDifferenceRow {
    pub scenario: String,
    pub unit: String,
    /// The unit's name (`units.csv`); empty for a row that is not one unit's.
    #[serde(default)]
    pub unit_name: String,
    pub rule: String,
    pub year: i32,
    /// `met`, `missed` or `n/a`.
    pub met: String,
    pub baseline_met: String,
    /// `now met`, `now missed`, `new target, met`, `new target, missed`, `no longer a target`.
    pub change: String,
}

impl Table for UnitDifferenceRow {
    const LATER: &'static [&'static str] = &["unit_name"];
    const FILE: &'static str = "unit_differences.csv";
    const HEADER: &'static [&'static str] = &[
        "scenario",
        "unit",
        "unit_name",
        "rule",
        "year",
        "met",
        "baseline_met",
        "change",
    ];
}

/// `frontier.csv`: one point of `bienche frontier`, by rising value per person short.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrontierRow {
    /// The point's folder (`p01`, …).
    pub point: String,
    /// `policy.target_penalty` of the point: million VND a person short of a legal target.
    pub target_penalty: f64,
    /// The solver's status, or `failed`.
    pub status: String,
    /// The proven gap on the plan-dependent cost, a fraction.
    pub gap: Option<f64>,
    pub gap_million_vnd: Option<Money>,
    /// Legal targets (R1–R8) met and missed, over the target years.
    pub targets_met: Option<usize>,
    pub targets_missed: Option<usize>,
    pub people_short: Option<u64>,
    /// The yearly milestones between target years: met, missed, people short.
    pub milestones_met: Option<usize>,
    pub milestones_missed: Option<usize>,
    pub milestone_people_short: Option<u64>,
    pub total_cost: Option<Money>,
    pub extra_cost_vs_no_plan: Option<Money>,
    /// Lever spending (all but salaries) in the plan's dearest year: the yearly budget
    /// under which it stays.
    pub peak_year_lever_spending: Option<Money>,
    /// `yes` when no other point meets as many targets for less.
    pub on_frontier: String,
    /// Against the frontier point before it (by rising cost): targets met more, cost more,
    /// and cost per target met more.
    pub more_targets_met: Option<i64>,
    pub more_cost: Option<Money>,
    pub cost_per_more_target: Option<Money>,
    /// `yes` when `more_cost` is no more than the two plans' proven gaps together: a
    /// difference the solver's tolerance alone could make.
    pub within_tolerance: Option<String>,
    pub error: String,
}

impl Table for FrontierRow {
    const FILE: &'static str = "frontier.csv";
    const HEADER: &'static [&'static str] = &[
        "point",
        "target_penalty",
        "status",
        "gap",
        "gap_million_vnd",
        "targets_met",
        "targets_missed",
        "people_short",
        "milestones_met",
        "milestones_missed",
        "milestone_people_short",
        "total_cost",
        "extra_cost_vs_no_plan",
        "peak_year_lever_spending",
        "on_frontier",
        "more_targets_met",
        "more_cost",
        "cost_per_more_target",
        "within_tolerance",
        "error",
    ];
}

/// A number written with two decimals (`fan.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Default, Deserialize)]
pub struct Fixed2(pub f64);

impl Serialize for Fixed2 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{:.2}", self.0))
    }
}

/// `simulation/probabilities.csv`: the chance of each target row across the draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbabilityRow {
    pub unit: String,
    /// The unit's name (`units.csv`); empty for a row that is not one unit's.
    #[serde(default)]
    pub unit_name: String,
    pub rule: String,
    pub year: i32,
    /// Whether the plan itself meets it; empty for a row the plan does not have.
    pub met_in_plan: Option<bool>,
    pub draws_applying: u64,
    pub p_met: Fixed4,
}

impl Table for ProbabilityRow {
    const LATER: &'static [&'static str] = &["unit_name"];
    const FILE: &'static str = "probabilities.csv";
    const HEADER: &'static [&'static str] = &[
        "unit",
        "unit_name",
        "rule",
        "year",
        "met_in_plan",
        "draws_applying",
        "p_met",
    ];
}

/// `simulation/fan.csv`: the province EM share of staff, %, by year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FanRow {
    pub year: i32,
    pub em_share_p10: Fixed2,
    pub em_share_p50: Fixed2,
    pub em_share_p90: Fixed2,
    /// The share of the draws' mean head-counts (EM over all), %.
    pub em_share_expected: Fixed2,
    /// The plan's own share, %.
    pub em_share_plan: Fixed2,
}

impl Table for FanRow {
    const FILE: &'static str = "fan.csv";
    const HEADER: &'static [&'static str] = &[
        "year",
        "em_share_p10",
        "em_share_p50",
        "em_share_p90",
        "em_share_expected",
        "em_share_plan",
    ];
}

/// `simulation/expected.csv`: each unit's head-count of each group, and of its trained
/// people and its leaders, in the plan and on average over the draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExpectedRow {
    pub year: i32,
    pub unit: String,
    /// The unit's name (`units.csv`); empty for a row that is not one unit's.
    #[serde(default)]
    pub unit_name: String,
    pub group: String,
    pub plan: u32,
    /// The mean over the draws.
    pub expected: Fixed2,
    pub trained_plan: u32,
    pub trained_expected: Fixed2,
    pub leaders_plan: u32,
    pub leaders_expected: Fixed2,
}

impl Table for ExpectedRow {
    const LATER: &'static [&'static str] = &["unit_name"];
    const FILE: &'static str = "expected.csv";
    const HEADER: &'static [&'static str] = &[
        "year",
        "unit",
        "unit_name",
        "group",
        "plan",
        "expected",
        "trained_plan",
        "trained_expected",
        "leaders_plan",
        "leaders_expected",
    ];
}

/// `simulation/summary.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimulationSummary {
    pub draws: u64,
    pub seed: u64,
    pub assumptions: Vec<String>,
}

/// `simulation/buffered/buffer.csv`: the extra people asked of each target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BufferRow {
    pub unit: String,
    /// The unit's name (`units.csv`); empty for a row that is not one unit's.
    #[serde(default)]
    pub unit_name: String,
    pub rule: String,
    pub year: i32,
    pub extra_people: u32,
}

impl Table for BufferRow {
    const LATER: &'static [&'static str] = &["unit_name"];
    const FILE: &'static str = "buffer.csv";
    const HEADER: &'static [&'static str] = &["unit", "unit_name", "rule", "year", "extra_people"];
}

/// `simulation/buffered/rounds.csv`: each re-planning round of `--buffer`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundRow {
    pub round: usize,
    pub targets_raised: usize,
    pub buffer_people: u32,
    pub total_cost: Money,
    pub targets_below_goal: usize,
}

impl Table for RoundRow {
    const FILE: &'static str = "rounds.csv";
    const HEADER: &'static [&'static str] = &[
        "round",
        "targets_raised",
        "buffer_people",
        "total_cost",
        "targets_below_goal",
    ];
}
