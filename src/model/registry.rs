//! The row registry: HiGHS (through good_lp) keeps no names, so row `i` of the model is
//! described by entry `i` here: what it enforces, for which unit and year, and the limit of
//! a capacity row. The decomposition reads LP duals of shared rows through it.

use crate::domain::Rule;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RowKind {
    Balance,
    Quota,
    MinFill,
    PromotionSeats,
    LeaderPosts,
    /// Leaders kept: at least the unit's reference-year leaders, at most its posts.
    LeaderFloor,
    ExitAllowance,
    /// Step-downs: within the terms ending, and no more than the year's promotions.
    StepDown,
    ChannelCap,
    ChannelKindCap,
    ChannelWomenShare,
    TrainingSeats,
    TransferCap,
    Budget,
    /// The minimum a rule requires, as a plan-dependent count.
    Required(Rule),
    /// The rule itself: achieved + shortfall ≥ required.
    Target(Rule),
    /// The public-service ≥30% EM condition of R6.
    PsuCondition,
    /// Under the coverage roadmap: unit meets its full target, or its indicator is 0.
    CoverageUnit(Rule),
    /// Under the coverage roadmap: enough units meet their full target.
    CoverageCount(Rule),
    R5Distance,
}

#[derive(Debug, Clone)]
pub struct RowMeta {
    pub kind: RowKind,
    pub unit: Option<usize>,
    pub year: i32,
    /// Free text for messages, e.g. the channel or route.
    pub detail: String,
    /// For `expr ≤ limit` capacity rows: the limit, to tell when the row binds.
    pub limit: Option<f64>,
}

impl RowMeta {
    pub fn new(kind: RowKind, unit: Option<usize>, year: i32) -> Self {
        RowMeta {
            kind,
            unit,
            year,
            detail: String::new(),
            limit: None,
        }
    }
    pub fn limit(mut self, limit: f64) -> Self {
        self.limit = Some(limit);
        self
    }
    pub fn with(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }
}

#[derive(Debug, Default)]
pub struct Registry {
    pub rows: Vec<RowMeta>,
}

impl Registry {
    pub fn push(&mut self, meta: RowMeta) {
        self.rows.push(meta);
    }
    pub fn len(&self) -> usize {
        self.rows.len()
    }
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}
