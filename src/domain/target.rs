//! A target as the rule families state it and everything downstream reads it: for a unit
//! (or the province), a rule and a target year, the people who count ([`Who`]) must be at
//! least the [`Required`] number. The model turns targets into rows, the evaluation
//! recomputes them on a finished plan's head-counts, and `bienche targets` prints them;
//! all three read the same record.

use super::{Cell, Rule};

/// Which of a unit's people a target counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Who {
    All,
    Em,
    EmWomen,
    EmLeaders,
    EmWomenLeaders,
    EmTrained,
}

impl Who {
    /// Whether a person of `cell` counts, `em` saying whether the cell's group is an ethnic
    /// minority.
    pub fn counts(self, em: bool, c: &Cell) -> bool {
        match self {
            Who::All => true,
            Who::Em => em,
            Who::EmWomen => em && c.female,
            Who::EmLeaders => em && c.leader,
            Who::EmWomenLeaders => em && c.leader && c.female,
            Who::EmTrained => em && c.trained,
        }
    }
    /// The words `bienche targets` uses for a base of this kind.
    pub fn describe(self) -> &'static str {
        match self {
            Who::All => "staff",
            Who::Em => "EM staff",
            Who::EmWomen => "EM women",
            Who::EmLeaders => "EM leaders",
            Who::EmWomenLeaders => "EM women leaders",
            Who::EmTrained => "trained EM staff",
        }
    }
}

/// How many people a target requires.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Required {
    /// A number known before planning (R1–R4: a share of the quota).
    Fixed(u32),
    /// `round(coefficient × Σ base)`: a share of the plan's own head-count (R6, R8).
    OfStaff { base: Who, coefficient: f64 },
    /// `round(rate × the required number of the target before it in its chain)` (R7 of R6).
    OfPrevious { rate: f64 },
}

/// One target of one unit (or of the province, `unit` = `None`) in one target year.
#[derive(Debug, Clone)]
pub struct Target {
    pub unit: Option<usize>,
    pub rule: Rule,
    pub year: i32,
    /// Units whose people are summed: the unit itself, or the units of a province total.
    pub members: Vec<usize>,
    /// Where only some members' `achieved` people count (R6 provincial leaders against all
    /// the province's EM staff): those members; `None` is all of them.
    pub achieved_members: Option<Vec<usize>>,
    pub achieved: Who,
    pub required: Required,
    /// How the requirement was derived, in words, for `bienche targets`.
    pub why: String,
}

/// Targets whose required numbers build on each other (R6 then R7), in order; most chains
/// hold one target.
pub type Chain = Vec<Target>;

impl Target {
    /// Whether unit u's `achieved` people count towards this target.
    pub fn counts_achieved(&self, u: usize) -> bool {
        self.achieved_members
            .as_ref()
            .is_none_or(|a| a.contains(&u))
    }

    /// The share of the base this target requires, once the chain before it is known:
    /// `coefficient` for [`Required::OfStaff`], `rate × the previous share` for
    /// [`Required::OfPrevious`]; `None` for a fixed number.
    pub fn share_of_base(&self, previous: Option<(Who, f64)>) -> Option<(Who, f64)> {
        match self.required {
            Required::Fixed(_) => None,
            Required::OfStaff { base, coefficient } => Some((base, coefficient)),
            Required::OfPrevious { rate } => previous.map(|(base, c)| (base, rate * c)),
        }
    }
}

/// What a row of `targets.csv` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum TargetKind {
    /// R1–R8 in a target year (2030, 2035): the decision's legal targets.
    #[default]
    Target,
    /// R1–R8 in a year between target years, on the line to the next target.
    Milestone,
    /// I1–I4, the decision's intent beyond its letter.
    Intent,
    /// R5, a priced goal.
    Goal,
}

super::words!(TargetKind { Target => "target", Milestone => "milestone", Intent => "intent", Goal => "goal" });
super::serde_words!(TargetKind);

impl TargetKind {
    /// The kind of a row of `rule` in `year`, given the scenario's target years.
    pub fn of(rule: Rule, year: i32, target_years: &[i32]) -> TargetKind {
        if rule.is_intent() {
            TargetKind::Intent
        } else if rule == Rule::R5 {
            TargetKind::Goal
        } else if target_years.contains(&year) {
            TargetKind::Target
        } else {
            TargetKind::Milestone
        }
    }
}

/// A target evaluated on a plan's (or a forecast's) head-counts: a row of `targets.csv`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct TargetRow {
    /// Unit id, `PROVINCE`, or `COVERAGE` for a coverage-roadmap count.
    pub unit: String,
    /// The unit's name (`units.csv`), set when the rows are written
    /// ([`crate::output::tables::named`]); empty for the province's, coverage and channel rows.
    #[serde(default)]
    pub unit_name: String,
    pub rule: Rule,
    pub year: i32,
    pub required: u32,
    pub achieved: u32,
    pub shortfall: u32,
    pub met: bool,
    /// A legal target, an interim milestone, an intent rule (I1–I4) or a goal (R5).
    #[serde(default)]
    pub kind: TargetKind,
    /// Not counted among targets met or missed: the R5 goal, and unit rows in a
    /// coverage-roadmap year (the COVERAGE count row is the target there).
    #[serde(skip)]
    pub goal: bool,
    /// The share of the plan's quick simulation's draws in which the row is met (`plan`,
    /// `[simulation]`); empty for a goal, a forecast, or with the simulation off.
    #[serde(default, with = "p_met_words")]
    pub p_met: Option<f64>,
    /// People planned above `required` for `policy.confidence` (`rules::confidence`); 0
    /// without a margin. The row is met or missed on `required` alone.
    #[serde(default)]
    pub margin: u32,
}

impl TargetRow {
    /// People of the margin the head-counts do not reach.
    pub fn margin_short(&self) -> u32 {
        (self.required + self.margin)
            .saturating_sub(self.achieved)
            .min(self.margin)
    }
}

/// `p_met` as written: four decimals, or empty.
pub mod p_met_words {
    pub fn serialize<S: serde::Serializer>(p: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        match p {
            Some(p) => s.serialize_str(&format!("{p:.4}")),
            None => s.serialize_str(""),
        }
    }
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        let text: String = serde::Deserialize::deserialize(d)?;
        if text.is_empty() {
            return Ok(None);
        }
        text.parse().map(Some).map_err(serde::de::Error::custom)
    }
}

impl TargetRow {
    pub fn new(unit: &str, rule: Rule, year: i32, required: u32, achieved: u32) -> TargetRow {
        let shortfall = required.saturating_sub(achieved);
        TargetRow {
            unit: unit.to_string(),
            unit_name: String::new(),
            rule,
            year,
            required,
            achieved,
            shortfall,
            met: shortfall == 0,
            kind: TargetKind::Target,
            goal: false,
            p_met: None,
            margin: 0,
        }
    }
}
