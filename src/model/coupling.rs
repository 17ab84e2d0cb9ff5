//! How a model over some units treats what it shares with the others: the province's
//! shared rows ([`SharedRow`]), and the three couplings of [`Coupling`]. See
//! [`crate::decompose`] for why the province is planned in parts and
//! [`super::targets`] for the forms a province-wide target takes.

use super::capacity;
use crate::domain::{Rule, Spec};
use std::collections::BTreeMap;

/// The rows that tie units together (shared capacities, province-wide rules, R5), named
/// by what they are, so that an LP dual can be read back as a price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SharedRow {
    Capacity(capacity::Capacity),
    /// Net change of a group's head-count in a year (R5).
    GroupChange(usize, i32),
    /// A province-wide target's required count `q ≥ c · Σ_u base_u` (provincial R6).
    Required(Rule, i32),
    /// A province-wide target: `Σ_u achieved_u + shortfall ≥ required` (the R1 and R4
    /// totals, provincial R6 and R7).
    Target(Rule, i32),
    /// Coverage roadmap: `Σ_u met_u + shortfall ≥ ⌈level · units⌉`.
    CoverageCount(Rule, i32),
    /// A row over province-wide variables only (R5 distances, the R7 minimum).
    ProvinceOnly,
}

/// How a model over some units treats what it shares with the others.
#[derive(Debug, Clone)]
pub enum Coupling {
    /// The whole province: shared rows as written.
    Whole,
    /// Part of the province, with its share of each capacity and of each province-wide rule:
    /// `(rule, year, unit) → e` asks `achieved − coefficient·base ≥ e`
    /// (see [`super::targets`]).
    /// Under the coverage roadmap, `coverage_counts` is the group's share of each count.
    Share {
        allocation: BTreeMap<capacity::Capacity, f64>,
        local_targets: BTreeMap<(Rule, i32, usize), f64>,
        coverage_counts: BTreeMap<(Rule, i32), f64>,
        /// Shared rows coordinated by their LP dual instead of a split (I2 held by the
        /// province): each unit's terms carry the price, as in a priced model.
        priced: BTreeMap<capacity::Capacity, f64>,
        /// R5's group-change rows at their LP duals: the group's hires and leavers carry
        /// what each changes of the province's distance, which no group model holds.
        group_changes: BTreeMap<SharedRow, f64>,
        /// Limits the group may go over, buying people beyond its allocation from the other
        /// groups at a price (the slot exchange, [`crate::decompose`] step 6).
        buy: BTreeMap<capacity::Capacity, Purchase>,
    },
    /// Part of the province with the shared rows priced into the objective (a Lagrangian
    /// subproblem, for the bound): prices are the LP duals of those rows.
    Priced(BTreeMap<SharedRow, f64>),
}

/// People a group may take of a shared limit beyond its allocation: at most `most`, each at
/// `price` million VND in its objective (what the LP says a person of that limit is worth
/// to the other groups, so a group buys only what saves it more).
#[derive(Debug, Clone, Copy)]
pub struct Purchase {
    pub price: f64,
    pub most: f64,
}

/// The units a model covers and how it treats shared rows (see [`crate::decompose`]).
#[derive(Debug, Clone)]
pub struct Scope {
    /// Sorted unit indices.
    pub units: Vec<usize>,
    pub coupling: Coupling,
    /// One unit target asked differently, to price it ([`crate::prices`]).
    pub change: Option<TargetChange>,
}

/// One unit's target in one year asked `extra` more people (fewer when negative), or made
/// hard (no shortfall allowed): the re-solves that price a target ([`crate::prices`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetChange {
    pub unit: usize,
    pub rule: Rule,
    pub year: i32,
    pub extra: i32,
    pub hard: bool,
}

impl Scope {
    pub fn all(spec: &Spec) -> Self {
        Scope {
            units: (0..spec.units.len()).collect(),
            coupling: Coupling::Whole,
            change: None,
        }
    }
    /// The LP dual of a shared row, when pricing.
    pub fn price(&self, row: SharedRow) -> Option<f64> {
        match &self.coupling {
            Coupling::Priced(prices) => Some(prices.get(&row).copied().unwrap_or(0.0)),
            _ => None,
        }
    }
    pub fn contains(&self, u: usize) -> bool {
        self.units.binary_search(&u).is_ok()
    }
    pub fn contains_all(&self, members: &[usize]) -> bool {
        members.iter().all(|&u| self.contains(u))
    }
    pub fn is_whole_province(&self) -> bool {
        matches!(self.coupling, Coupling::Whole)
    }
}
