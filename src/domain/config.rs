//! The settings of `scenario.toml`: serde structs with `deny_unknown_fields` and the
//! documented defaults (`docs/scenario-format.md`). Parsing, with errors that name the line
//! and field, is [`crate::scenario::settings`]; cross-checks are [`crate::scenario::checks`].

use super::words;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// True when the figures are invented; every output says so.
    #[serde(default)]
    pub illustrative: bool,
    pub time: TimeConfig,
    #[serde(default)]
    pub policy: PolicyConfig,
    #[serde(default)]
    pub staffing: StaffingConfig,
    #[serde(default)]
    pub attrition: AttritionConfig,
    #[serde(default)]
    pub costs: CostConfig,
    #[serde(default)]
    pub training: TrainingConfig,
    #[serde(default)]
    pub promotion: PromotionConfig,
    #[serde(default)]
    pub intent: IntentConfig,
    #[serde(default)]
    pub budget: BudgetConfig,
    #[serde(default)]
    pub solver: SolverConfig,
    #[serde(default)]
    pub simulation: SimulationConfig,
    #[serde(default)]
    pub roster: RosterConfig,
    #[serde(default)]
    pub adjust: AdjustConfig,
}

/// Scalings for variants (`bienche compare`, `sweep`), applied after the tables are read.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AdjustConfig {
    /// Multiplies every quota after the base year (rounded to whole posts): 0.95 is a
    /// further 5% cut.
    #[serde(default = "one")]
    pub quota_factor: f64,
    /// Multiplies the leaving rates of attrition classes (`commune:difficult = 1.5`), capped
    /// at 99% a year.
    #[serde(default)]
    pub attrition_factor: std::collections::BTreeMap<String, f64>,
    /// Multiplies channels' yearly caps, province-wide and per kind (`nominated = 2.0`).
    #[serde(default)]
    pub channel_factor: std::collections::BTreeMap<String, f64>,
}

fn one() -> f64 {
    1.0
}

impl Default for AdjustConfig {
    fn default() -> Self {
        AdjustConfig {
            quota_factor: 1.0,
            attrition_factor: Default::default(),
            channel_factor: Default::default(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TimeConfig {
    /// Stocks in `staff.csv` are at 31 December of this year.
    pub base_year: i32,
    /// Last planned year.
    pub horizon: i32,
    /// A re-plan's first base year (`bienche replan`): the roadmap's lines and the intent
    /// floors (I1, I3) are drawn from the workforce of `reference_staff.csv` at 31 December
    /// of this year, so that a re-plan keeps the roadmap adopted. Unset: the base year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_year: Option<i32>,
    #[serde(default = "default_targets")]
    pub targets: Vec<TargetYearConfig>,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TargetYearConfig {
    pub year: i32,
    /// Share of each target reached in that year (POLICY.md roadmap): 0.8 in 2030, 1.0 in 2035.
    pub level: f64,
}

fn default_targets() -> Vec<TargetYearConfig> {
    vec![
        TargetYearConfig {
            year: 2030,
            level: 0.8,
        },
        TargetYearConfig {
            year: 2035,
            level: 1.0,
        },
    ]
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Roadmap {
    /// Each rate reaches `level` × its target value in the target year.
    Level,
    /// At least `level` of the units concerned meet their full target.
    Coverage,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum BandRule {
    Lower,
    Upper,
    Interpolate,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SeventyPercentBand {
    /// p = 70% belongs to the top band (35%–50%).
    Top,
    /// p = 70% belongs to the 50%–70% band (25%–35%).
    Lower,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Rounding {
    Ceiling,
    Nearest,
    Floor,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum R1Scope {
    Each,
    Total,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
pub enum R5Reading {
    /// (b) the make-up of staff by group (Kinh included) matches that of the population (a
    /// goal; the clause's reading speaks of EM staff and the EM population, see docs/model.md).
    #[serde(rename = "make-up")]
    MakeUp,
    /// (a) the EM share of the province's staff tracks the EM share of its population,
    /// a priced target under the roadmap.
    #[serde(rename = "share")]
    Share,
    /// Both (a) and (b).
    #[serde(rename = "both")]
    Both,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum R6Base {
    /// 10% of provincial-level EM staff.
    Provincial,
    /// 10% of all the province's EM staff, communes included.
    All,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum PsuScope {
    /// Provincial public service units only.
    Provincial,
    /// Also public service units run by communes (`units.csv` `run_by = commune`).
    Local,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
pub enum Milestones {
    /// A straight line each year from the base-year value to each target.
    #[serde(rename = "linear")]
    Linear,
    /// Targets in the target years only.
    #[serde(rename = "target-years-only")]
    TargetYearsOnly,
}

words!(Roadmap { Level => "level", Coverage => "coverage" });
words!(R5Reading { MakeUp => "make-up", Share => "share", Both => "both" });
words!(R6Base { Provincial => "provincial", All => "all" });
words!(PsuScope { Provincial => "provincial", Local => "local" });
words!(Milestones { Linear => "linear", TargetYearsOnly => "target-years-only" });
words!(Exits { QuotaCuts => "quota-cuts", Forced => "forced" });

impl Roadmap {
    /// Under `coverage`, how many of `units` concerned must meet their full target in a
    /// year of roadmap `level`: ⌈level · units⌉.
    pub fn units_needed(level: f64, units: usize) -> u32 {
        (level * units as f64 - 1e-9).ceil().max(0.0) as u32
    }
}
words!(BandRule { Lower => "lower", Upper => "upper", Interpolate => "interpolate" });
words!(SeventyPercentBand { Top => "top", Lower => "lower" });
words!(Rounding { Ceiling => "ceiling", Nearest => "nearest", Floor => "floor" });
words!(R1Scope { Each => "each", Total => "total" });

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyConfig {
    #[serde(default = "default_roadmap")]
    pub roadmap: Roadmap,
    #[serde(default = "default_band_rule")]
    pub band_rule: BandRule,
    #[serde(default = "default_seventy")]
    pub seventy_percent_band: SeventyPercentBand,
    #[serde(default = "default_rounding")]
    pub rounding: Rounding,
    #[serde(default = "default_r1_scope")]
    pub r1_scope: R1Scope,
    /// R4 "20% trong tổng số tỷ lệ tối thiểu": of each unit's minimum, or once of their total.
    #[serde(default = "default_r1_scope")]
    pub r4_scope: R1Scope,
    #[serde(default = "default_r5_reading")]
    pub r5_reading: R5Reading,
    /// R6 "10% ở cấp tỉnh, trên tổng số cán bộ người DTTS của tỉnh": the denominator.
    #[serde(default = "default_r6_base")]
    pub r6_province_base: R6Base,
    /// R6 "đơn vị sự nghiệp công lập ở địa phương": which public service units.
    #[serde(default = "default_psu_scope")]
    pub r6_psu_scope: PsuScope,
    /// Whether a leader must be trained (promotion takes trained EM staff only).
    #[serde(default = "yes")]
    pub leaders_trained: bool,
    /// Price of one person of target shortfall, million VND. Far above any real cost.
    #[serde(default = "default_shortfall_penalty")]
    pub shortfall_penalty: f64,
    /// Price of one person of R5 distance per target year, million VND: a steer, not a target.
    #[serde(default = "default_r5_weight")]
    pub r5_weight: f64,
    /// The chance each unit's legal target should have of being met when people leave at
    /// random (`rules::confidence`): 0.5 plans the expectation; above it each target gets a
    /// margin of whole people.
    #[serde(default = "default_confidence")]
    pub confidence: f64,
    /// Price of one person of a margin the plan does not reach, million VND: below
    /// `shortfall_penalty`, so no target is given up for another's margin; by default below
    /// a third of `intent.penalty` too, as one person can move the margins of three rows of
    /// a year (R6, R7, R8).
    #[serde(default = "default_margin_penalty")]
    pub margin_penalty: f64,
    /// Price of one person short of a legal target (R1–R8 in a target year), million VND,
    /// when it is to be lower than `shortfall_penalty`: the value the province puts on a
    /// target person. A target whose next person costs more is given up. Unset: the
    /// shortfall penalty. `bienche frontier` sets it point by point.
    #[serde(default)]
    pub target_penalty: Option<f64>,
}

impl PolicyConfig {
    /// What one person short of a legal target in a target year costs the objective.
    pub fn target_price(&self) -> f64 {
        self.target_penalty.unwrap_or(self.shortfall_penalty)
    }
    /// What one person of a confidence margin not reached costs: `margin_penalty`, and
    /// with `target_penalty` set never more than a third of it (one person moves at most
    /// three rows' margins), so no target is given up for margins.
    pub fn margin_price(&self) -> f64 {
        match self.target_penalty {
            Some(t) => self.margin_penalty.min(t / 3.0),
            None => self.margin_penalty,
        }
    }
}

fn default_roadmap() -> Roadmap {
    Roadmap::Level
}
fn default_band_rule() -> BandRule {
    BandRule::Interpolate
}
fn default_seventy() -> SeventyPercentBand {
    SeventyPercentBand::Top
}
fn default_rounding() -> Rounding {
    Rounding::Ceiling
}
fn default_r1_scope() -> R1Scope {
    R1Scope::Each
}
fn default_r5_reading() -> R5Reading {
    R5Reading::MakeUp
}
fn default_r6_base() -> R6Base {
    R6Base::Provincial
}
fn default_psu_scope() -> PsuScope {
    PsuScope::Local
}
fn yes() -> bool {
    true
}
fn default_shortfall_penalty() -> f64 {
    100_000.0
}
fn default_r5_weight() -> f64 {
    1.0
}
fn default_confidence() -> f64 {
    0.5
}
fn default_margin_penalty() -> f64 {
    3_000.0
}

impl Default for PolicyConfig {
    fn default() -> Self {
        PolicyConfig {
            roadmap: default_roadmap(),
            band_rule: default_band_rule(),
            seventy_percent_band: default_seventy(),
            rounding: default_rounding(),
            r1_scope: default_r1_scope(),
            r4_scope: default_r1_scope(),
            r5_reading: default_r5_reading(),
            r6_province_base: default_r6_base(),
            r6_psu_scope: default_psu_scope(),
            leaders_trained: true,
            shortfall_penalty: default_shortfall_penalty(),
            r5_weight: default_r5_weight(),
            confidence: default_confidence(),
            margin_penalty: default_margin_penalty(),
            target_penalty: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StaffingConfig {
    /// Head-count must stay at or above this share of the quota.
    #[serde(default = "default_min_fill")]
    pub min_fill: f64,
    /// Cost of one person-year above quota where `units.csv` allows it, million VND.
    #[serde(default = "default_over_quota_cost")]
    pub over_quota_cost: f64,
    /// Whom streamlining exits may let go, and how many ([`Exits`]).
    #[serde(default)]
    pub exits: Exits,
    /// Whether streamlining exits under `quota-cuts` may let a leader go (never under
    /// `forced`). Off by default: the cheapest plan would let Kinh leaders go to free their
    /// posts for EM promotions (docs/model.md, assumption 3).
    #[serde(default)]
    pub exit_leaders: bool,
    /// Years of a leader's appointment term (5 in law): when it ends a base-year leader may
    /// step down into a staff post of their unit, no more than the unit promotes that year;
    /// with `keep_leaders` the post is held again by the year's end (docs/model.md,
    /// assumption 3); 0: leaders never step down.
    #[serde(default = "default_leader_term_years")]
    pub leader_term_years: u32,
    /// Each unit keeps in every year at least as many leaders as in the base year (at most
    /// its posts): a leader who retires, leaves, steps down or is let go is replaced by a
    /// promotion within the year, the gap priced at `policy.shortfall_penalty`.
    #[serde(default = "yes")]
    pub keep_leaders: bool,
}

/// How many people a unit may let go through streamlining exits, and whom
/// (docs/model.md, assumption 3).
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
pub enum Exits {
    /// Up to the base-year excess over quota plus every quota cut since, anyone (a leader
    /// only with `exit_leaders`); the EM people let go at most their share of the unit's
    /// base-year staff who may go of that allowance, rounded up.
    #[default]
    #[serde(rename = "quota-cuts")]
    QuotaCuts,
    /// Only the people the unit would hold above its quota in force if it hired no one
    /// (its base-year people less the retirements and leavers booked by then, from the year
    /// after its `over_quota_until`), never a leader; the EM people let go at most their
    /// share of the unit's base-year staff (not leaders) of those exits, rounded up.
    #[serde(rename = "forced")]
    Forced,
}

fn default_min_fill() -> f64 {
    0.9
}
fn default_over_quota_cost() -> f64 {
    150.0
}
fn default_leader_term_years() -> u32 {
    5
}

impl Default for StaffingConfig {
    fn default() -> Self {
        StaffingConfig {
            min_fill: default_min_fill(),
            over_quota_cost: default_over_quota_cost(),
            exits: Exits::default(),
            exit_leaders: false,
            leader_term_years: default_leader_term_years(),
            keep_leaders: true,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AttritionConfig {
    /// Yearly leaving rate of new hires in their first `new_hire_years` years.
    #[serde(default = "default_new_hire_rate")]
    pub new_hire_rate: f64,
    #[serde(default = "default_new_hire_years")]
    pub new_hire_years: u32,
    /// Yearly leaving rate of the base-year workforce (besides statutory retirement); hires'
    /// attrition after their first years is not modelled.
    #[serde(default = "default_other_rate")]
    pub other_rate: f64,
}

fn default_new_hire_rate() -> f64 {
    0.05
}
fn default_new_hire_years() -> u32 {
    2
}
fn default_other_rate() -> f64 {
    0.01
}

impl AttritionConfig {
    /// The documented default rate for a tenure band starting at `from` years: used for a
    /// class `attrition.csv` does not list, and for bands a roster is too small to fit.
    pub fn default_rate(&self, from: u32) -> f64 {
        if from < self.new_hire_years {
            self.new_hire_rate
        } else {
            self.other_rate
        }
    }
}

impl Default for AttritionConfig {
    fn default() -> Self {
        AttritionConfig {
            new_hire_rate: default_new_hire_rate(),
            new_hire_years: default_new_hire_years(),
            other_rate: default_other_rate(),
        }
    }
}

/// Unit costs in million VND.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CostConfig {
    #[serde(default = "default_salary_staff")]
    pub salary_staff: f64,
    #[serde(default = "default_salary_leader")]
    pub salary_leader: f64,
    #[serde(default = "default_promotion")]
    pub promotion: f64,
    #[serde(default = "default_severance")]
    pub severance: f64,
}

fn default_salary_staff() -> f64 {
    120.0
}
fn default_salary_leader() -> f64 {
    170.0
}
fn default_promotion() -> f64 {
    30.0
}
fn default_severance() -> f64 {
    450.0
}

impl Default for CostConfig {
    fn default() -> Self {
        CostConfig {
            salary_staff: default_salary_staff(),
            salary_leader: default_salary_leader(),
            promotion: default_promotion(),
            severance: default_severance(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct TrainingConfig {
    /// Province-wide training seats per year; absent means unlimited.
    pub seats_per_year: Option<u32>,
    /// Million VND per person trained.
    #[serde(default)]
    pub cost_per_person: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PromotionConfig {
    /// Province-wide promotions into leadership per year; absent means unlimited.
    pub seats_per_year: Option<u32>,
}

/// The rules of the decision's intent beyond its letter (docs/model.md, "Intent"): each
/// can be switched off, and each shortfall is priced at `penalty` a person.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IntentConfig {
    /// I1: EM head-count of each unit never below its base-year level (scaled down by a
    /// quota cut).
    #[serde(default = "yes")]
    pub em_number: bool,
    /// I2: EM share of each unit's hires at least `hiring_em_share`, or its EM population
    /// share when absent. Off by default: on the sample the plan proves its gap with it, but
    /// in about three and a half times the time (docs/model.md, "Intent").
    #[serde(default)]
    pub hiring_composition: bool,
    /// Which hires I2's share is of: `forecast` (the net hires the no-plan forecast makes to
    /// keep the unit staffed, so the EM hires asked are a number known in advance, the
    /// default) or `plan` (the plan's own hires, an exact share; slower, docs/model.md).
    #[serde(default = "default_hiring_basis")]
    pub hiring_basis: HiringBasis,
    /// Where I2 is held: `unit` (each unit's own hires, the default) or `province` (the EM
    /// hires of all units against the sum of what each unit's hires ask).
    #[serde(default = "default_hiring_scope")]
    pub hiring_scope: HiringScope,
    pub hiring_em_share: Option<f64>,
    /// Price of one EM hire short of I2's share, million VND: above what an EM hire costs
    /// more than another (a nominated graduate's 250 and the training and leaders the
    /// higher EM head-count asks), so every EM hire the channels can supply is made, and
    /// low enough that a share the channels cannot reach does not swamp the objective.
    #[serde(default = "default_hiring_penalty")]
    pub hiring_penalty: f64,
    /// I2 in a single year: the EM hires may fall short of the share by this many people.
    #[serde(default = "one_u32")]
    pub hiring_year_tolerance: u32,
    /// I2's price is multiplied by this for units flagged `difficult` (VI.5 priority).
    #[serde(default = "two")]
    pub difficult_priority: f64,
    /// I3: each unit keeps its base-year fill rate of the quota in force (capped at 100%,
    /// never below `staffing.min_fill`).
    #[serde(default = "yes")]
    pub keep_base_fill: bool,
    /// Interim milestones between target years.
    #[serde(default = "default_milestones")]
    pub milestones: Milestones,
    /// Price of one person short of an intent rule (I1, I2, I4) or a milestone, million VND:
    /// far above any lever's cost, below `policy.shortfall_penalty`.
    #[serde(default = "default_intent_penalty")]
    pub penalty: f64,
    /// Also plan the letter of R1–R8 alone (every intent rule off, I4's minimums too) and
    /// report what intent costs: `price_of_intent` in `summary.json` and a console line.
    /// One more solve, so off by default; `plan --price-intent` sets it for one run.
    #[serde(default)]
    pub price: bool,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum HiringScope {
    Province,
    Unit,
}

words!(HiringScope { Province => "province", Unit => "unit" });

fn default_hiring_scope() -> HiringScope {
    HiringScope::Unit
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum HiringBasis {
    Forecast,
    Plan,
}

words!(HiringBasis { Forecast => "forecast", Plan => "plan" });

fn default_hiring_basis() -> HiringBasis {
    HiringBasis::Forecast
}
fn default_hiring_penalty() -> f64 {
    500.0
}
fn one_u32() -> u32 {
    1
}
fn two() -> f64 {
    2.0
}
fn default_milestones() -> Milestones {
    Milestones::Linear
}
fn default_intent_penalty() -> f64 {
    10_000.0
}

impl Default for IntentConfig {
    fn default() -> Self {
        IntentConfig {
            em_number: true,
            hiring_composition: false,
            hiring_basis: default_hiring_basis(),
            hiring_scope: default_hiring_scope(),
            hiring_em_share: None,
            hiring_penalty: default_hiring_penalty(),
            hiring_year_tolerance: 1,
            difficult_priority: 2.0,
            keep_base_fill: true,
            milestones: default_milestones(),
            penalty: default_intent_penalty(),
            price: false,
        }
    }
}

impl IntentConfig {
    /// Every intent rule off: the letter of R1–R8 only.
    pub fn letter_only() -> Self {
        IntentConfig {
            em_number: false,
            hiring_composition: false,
            keep_base_fill: false,
            milestones: Milestones::TargetYearsOnly,
            ..Default::default()
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct BudgetConfig {
    /// Cap on yearly lever spending (hiring, training, promotion, transfer, severance,
    /// over-quota), million VND. Salaries are outside the cap.
    pub cap_per_year: Option<f64>,
    /// Price every target row (`prices.csv`): what one more required person costs and one
    /// fewer saves, each row's group re-solved. About two solves per row, so off by
    /// default; `plan --prices` sets it for one run.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub target_prices: bool,
    /// With `target_prices`: price only the rows of these units (ids of units.csv, or
    /// `PROVINCE` for the province-wide rows); empty prices every row. `plan --prices-of`
    /// sets it for one run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub price_units: Vec<String>,
}

impl BudgetConfig {
    /// Whether `target_prices` prices the rows of `unit` (an id, or `PROVINCE`).
    pub fn prices_unit(&self, unit: &str) -> bool {
        self.price_units.is_empty() || self.price_units.iter().any(|u| u == unit)
    }
}

/// The quick simulation `plan` runs of the plan it found, for `p_met` in `targets.csv`.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SimulationConfig {
    /// Draws; 0 turns the simulation off.
    #[serde(default = "default_draws")]
    pub draws: u64,
    #[serde(default = "default_seed")]
    pub seed: u64,
}

fn default_draws() -> u64 {
    200
}

fn default_seed() -> u64 {
    42
}

impl Default for SimulationConfig {
    fn default() -> Self {
        SimulationConfig {
            draws: default_draws(),
            seed: default_seed(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SolverConfig {
    #[serde(default = "default_time_limit")]
    pub time_limit_seconds: f64,
    #[serde(default = "default_mip_rel_gap")]
    pub mip_rel_gap: f64,
    #[serde(default = "default_threads")]
    pub threads: u32,
    #[serde(default)]
    pub random_seed: u32,
    /// `decomposed` (groups of units and a proven bound, the default) or `monolithic` (one
    /// MIP of the whole province, to check small cases against a proven optimum).
    #[serde(default, skip_serializing_if = "SolveMethod::is_default")]
    pub method: SolveMethod,
    /// Also solve every group's priced LP and print the check that the Lagrangian bound with
    /// LP subproblems equals the LP bound (slow; for testing the signs of the prices).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub check_bound: bool,
    /// Rounds of pricing started from the split's plans (step 7 of [`crate::decompose`],
    /// docs/model.md "Pricing from the split's plans"), run only when the plan is not proven
    /// within its tolerance after the slot exchange, the whole bound and the exchange asked
    /// again by priced cost: each round solves every group once more (about 15 s on the
    /// sample with I2 on, 6 December 2026). 0 leaves the step out.
    #[serde(
        default = "default_pricing_rounds",
        skip_serializing_if = "is_default_pricing_rounds"
    )]
    pub pricing_rounds: u32,
    /// What `mip_rel_gap` is a share of: the whole `objective` (default), or the
    /// `plan-dependent` part, the objective less the salaries of the base staff if nobody
    /// is let go (docs/model.md "What the plan controls").
    #[serde(default, skip_serializing_if = "GapOf::is_default")]
    pub gap_of: GapOf,
    /// The part of the objective the tolerance leaves out (the fixed salaries under
    /// `gap_of = "plan-dependent"`, else 0): set by the decomposition for the LP by blocks,
    /// which stops within `mip_rel_gap / 20` of `objective − gap_offset`. Not a setting.
    #[serde(skip)]
    pub gap_offset: f64,
    /// Extra HiGHS options, `[solver.highs] presolve = "off"`, for tuning and benchmarks.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub highs: std::collections::BTreeMap<String, HighsValue>,
}

/// What the solver's tolerance is a share of.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum GapOf {
    #[default]
    Objective,
    PlanDependent,
}

words!(GapOf { Objective => "objective", PlanDependent => "plan-dependent" });

impl GapOf {
    fn is_default(&self) -> bool {
        *self == GapOf::Objective
    }
}

/// How the plan is found.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum SolveMethod {
    #[default]
    Decomposed,
    Monolithic,
}

words!(SolveMethod { Decomposed => "decomposed", Monolithic => "monolithic" });

impl SolveMethod {
    fn is_default(&self) -> bool {
        *self == SolveMethod::Decomposed
    }
}

/// A HiGHS option's value, as TOML writes it.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(untagged)]
pub enum HighsValue {
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
}

fn default_time_limit() -> f64 {
    60.0
}
fn default_mip_rel_gap() -> f64 {
    0.0001
}
fn default_threads() -> u32 {
    2
}

fn default_pricing_rounds() -> u32 {
    10
}
fn is_default_pricing_rounds(n: &u32) -> bool {
    *n == default_pricing_rounds()
}

impl Default for SolverConfig {
    fn default() -> Self {
        SolverConfig {
            time_limit_seconds: default_time_limit(),
            mip_rel_gap: default_mip_rel_gap(),
            threads: default_threads(),
            random_seed: 0,
            method: SolveMethod::Decomposed,
            check_bound: false,
            pricing_rounds: default_pricing_rounds(),
            gap_of: GapOf::Objective,
            gap_offset: 0.0,
            highs: Default::default(),
        }
    }
}

/// How to read a personnel roster (`bienche roster import`, or on load when `file` is set).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RosterConfig {
    /// A roster (CSV or XLSX) in the scenario folder from which `staff.csv`,
    /// `retirements.csv`, and unless present `attrition.csv` and `hiring_mix.csv`, are derived
    /// on load. Absent: those tables are read as files.
    pub file: Option<String>,
    /// Worksheet of an XLSX roster; absent means the first sheet.
    pub sheet: Option<String>,
    /// Column headings by field (`unit = "Mã đơn vị"`), where they differ from the accepted
    /// English and Vietnamese headings.
    #[serde(default)]
    pub columns: std::collections::BTreeMap<String, String>,
    /// People flagged with 15+ years in especially difficult areas retire this many years
    /// before the statutory age (0–5; Labour Code 2019 art. 169).
    #[serde(default)]
    pub early_retirement_years: u32,
    /// Years before the roster date whose hires and leavers are used to fit attrition and the
    /// hiring mix.
    #[serde(default = "default_history_years")]
    pub history_years: u32,
    /// Tenure band boundaries in years for the attrition fit: `[2, 5]` gives 0–2, 2–5, 5+.
    #[serde(default = "default_tenure_bands")]
    pub tenure_bands: Vec<u32>,
    /// Below this exposure a class's band is pooled across classes, then defaulted.
    #[serde(default = "default_min_person_years")]
    pub min_person_years: f64,
    /// A unit's recent hires are its hiring mix only when there are at least this many.
    #[serde(default = "default_min_mix_hires")]
    pub min_mix_hires: u32,
    /// Write the year of recruitment (`staff.csv`'s `hired`) of the people in post hired
    /// within the last `tenure_bands` years, so that they leave at their tenure's rates
    /// rather than the settled rate (docs/model.md, assumption 1).
    #[serde(default)]
    pub base_tenure: bool,
}

fn default_history_years() -> u32 {
    5
}
fn default_tenure_bands() -> Vec<u32> {
    vec![2, 5]
}
fn default_min_person_years() -> f64 {
    30.0
}
fn default_min_mix_hires() -> u32 {
    5
}

impl Default for RosterConfig {
    fn default() -> Self {
        RosterConfig {
            file: None,
            sheet: None,
            columns: Default::default(),
            early_retirement_years: 0,
            history_years: default_history_years(),
            tenure_bands: default_tenure_bands(),
            min_person_years: default_min_person_years(),
            min_mix_hires: default_min_mix_hires(),
            base_tenure: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words `check` and the summaries print are the words scenario.toml reads.
    #[test]
    fn policy_words_are_the_serde_words() {
        fn same<T: Serialize + Copy + std::fmt::Display>(all: &[T]) {
            for v in all {
                let json = serde_json::to_string(v).unwrap();
                assert_eq!(json, format!("\"{v}\""));
            }
        }
        same(Roadmap::ALL);
        same(BandRule::ALL);
        same(SeventyPercentBand::ALL);
        same(Rounding::ALL);
        same(R1Scope::ALL);
        same(R5Reading::ALL);
        same(R6Base::ALL);
        same(PsuScope::ALL);
        same(Milestones::ALL);
        same(HiringScope::ALL);
        same(Exits::ALL);
    }
}
