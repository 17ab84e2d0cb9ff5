//! The checked scenario: units, groups, quotas, the base-year stock, retirements,
//! channels, routes and leaving rates, with indices into `units` and `groups` used by
//! every layer above. [`crate::scenario::load`] builds it; nothing downstream ever sees an
//! unchecked value.

use super::config::Config;
use super::rule::Rule;
use super::{Cell, Group, Unit, UnitKind};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// One tenure band of `attrition.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct AttritionBand {
    pub from: u32,
    /// Exclusive; `None` is open-ended.
    pub to: Option<u32>,
    /// Yearly leaving probability, as a fraction.
    pub rate: f64,
}

/// A recruitment channel in one year.
#[derive(Debug, Clone)]
pub struct Channel {
    pub id: String,
    pub year: i32,
    /// Groups it supplies (indices into `Spec::groups`).
    pub groups: Vec<usize>,
    /// Unit kinds it may place into.
    pub kinds: Vec<UnitKind>,
    /// Province-wide maximum hires that year; `None` is unlimited.
    pub max_hires: Option<u32>,
    /// Per-unit-kind maximum hires that year (`channel_caps.csv`).
    pub kind_caps: BTreeMap<UnitKind, u32>,
    pub cost_per_hire: f64,
    /// Largest share of the channel's hires who are women (the candidate pool).
    pub women_share: f64,
    /// Whether hires arrive trained (R8).
    pub trained: bool,
    /// Graduates who must be offered posts that year (nominated training, I4); `None` asks
    /// nothing.
    pub min_hires: Option<u32>,
    pub line: usize,
}

/// An allowed rotation or transfer route in one year, with its own yearly cap.
#[derive(Debug, Clone)]
pub struct TransferRoute {
    pub from: Vec<usize>,
    pub to: Vec<usize>,
    pub year: i32,
    pub max_per_year: u32,
    pub cost_per_person: f64,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct InputFile {
    pub name: String,
    pub sha256: String,
}

/// The workforce a re-plan's roadmap and intent floors are drawn from: the first plan's base
/// year, its head-count by unit and cell, and each unit's quota then (`units.csv`).
#[derive(Debug, Clone)]
pub struct Reference {
    pub year: i32,
    pub staff: BTreeMap<(usize, Cell), u32>,
    pub quota: Vec<u32>,
}

/// A checked scenario. Indices into `units` and `groups` are used everywhere downstream.
#[derive(Debug, Clone)]
pub struct Spec {
    pub dir: PathBuf,
    pub config: Config,
    pub groups: Vec<Group>,
    pub units: Vec<Unit>,
    /// `quota[u][t - base_year]` for t in base_year..=horizon.
    pub quota: Vec<Vec<u32>>,
    /// Initial stock at 31 December of base_year, by unit and cell.
    pub staff: BTreeMap<(usize, Cell), u32>,
    /// The part of `staff` whose year of recruitment is known (`staff.csv`'s `hired`), by
    /// unit, cell and that year; the rest of a cell is settled ([`Spec::base_cohorts`]).
    pub staff_hired: BTreeMap<(usize, Cell), BTreeMap<i32, u32>>,
    /// A re-plan's reference workforce (`time.reference_year`), which the roadmap's lines and
    /// the intent floors are drawn from; `None`: the base year's.
    pub reference: Option<Reference>,
    /// Statutory retirements by unit, cell and year.
    pub retirements: BTreeMap<(usize, Cell, i32), u32>,
    pub channels: Vec<Channel>,
    pub transfers: Vec<TransferRoute>,
    /// Yearly caps on lever spending from `budget.csv`, by year and scope, million VND;
    /// `budget.cap_per_year` adds the `all` cap of every year ([`Spec::budget_caps`]).
    pub budget_rows: BTreeMap<(i32, super::BudgetScope), f64>,
    /// Leaving rates by attrition class and tenure band (`attrition.csv`); classes not
    /// listed use `[attrition]`.
    pub attrition: BTreeMap<String, Vec<AttritionBand>>,
    /// Shares of a unit's hires by cell under current behaviour (`hiring_mix.csv`), summing
    /// to 1; units not listed hire like their current staff.
    pub hiring_mix: BTreeMap<usize, Vec<(Cell, f64)>>,
    /// For a scenario that extends another: every effective setting with the file it came
    /// from, and what each file contributed to each table.
    pub variant: Option<Variant>,
    /// Extra people the model asks of a unit's target (`simulate --buffer`), on top of the
    /// rule; targets are still evaluated against the rule alone.
    pub target_buffer: BTreeMap<(usize, Rule, i32), u32>,
    /// The margins `policy.confidence` asks of each unit target (`rules::confidence`), set
    /// by the plan run before it solves; targets are still evaluated against the rule alone.
    pub target_margins: BTreeMap<(usize, Rule, i32), crate::rules::confidence::Margin>,
    /// The roster's derived tables and what the derivation found, when the workforce came
    /// from a roster.
    pub roster: Option<super::roster::Derived>,
    pub inputs: Vec<InputFile>,
    pub warnings: Vec<String>,
    /// Per-unit leaving rates, derived once at load because model building asks for them
    /// for every column; [`Spec::refresh_derived`] re-derives them after an edit.
    pub(crate) rates: Rates,
    /// Net hires of the no-plan forecast by unit and planned year (`[u][t − base_year − 1]`,
    /// [`crate::forecast::unit_hires`]),
    /// which I2 on its `forecast` basis asks a share of: projected on first use (a national
    /// folder's 5,000 units take seconds) and cleared with `rates`. A clone keeps it: a clone
    /// whose staff, retirements, quotas, attrition or hiring mix are edited must call
    /// [`Spec::refresh_derived`].
    pub(crate) forecast_hires: std::sync::OnceLock<Vec<Vec<u32>>>,
    /// The base-year people's booked leavers by unit, cell and planned year
    /// ([`crate::model::stocks::base_attrition`]): the same for every model of the
    /// province, so booked on first use and cleared with `rates`. A clone keeps it: a clone
    /// whose staff, retirements, quotas or attrition are edited must call
    /// [`Spec::refresh_derived`].
    pub(crate) base_leavers: std::sync::OnceLock<BTreeMap<(usize, Cell, i32), u32>>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Rates {
    settled: Vec<f64>,
    new_hire: Vec<f64>,
    replacements: Vec<Vec<f64>>,
}

impl Spec {
    /// The cap on the lever spending of `scope` in year `t`, million VND: `budget.csv`'s
    /// row, or for every unit `budget.cap_per_year`.
    pub fn budget_cap(&self, t: i32, scope: super::BudgetScope) -> Option<f64> {
        self.budget_rows.get(&(t, scope)).copied().or(match scope {
            super::BudgetScope::All => self.config.budget.cap_per_year,
            super::BudgetScope::Level(_) => None,
        })
    }

    /// Every (year, scope) with a cap, in order, and the cap.
    pub fn budget_caps(&self) -> Vec<((i32, super::BudgetScope), f64)> {
        self.plan_years()
            .flat_map(|t| super::BudgetScope::ALL.map(|s| (t, s)))
            .filter_map(|(t, s)| Some(((t, s), self.budget_cap(t, s)?)))
            .collect()
    }

    /// The caps a unit's lever spending counts under.
    pub fn budget_scopes(&self, u: usize) -> impl Iterator<Item = super::BudgetScope> {
        let kind = self.units[u].kind;
        super::BudgetScope::ALL
            .into_iter()
            .filter(move |s| s.covers(kind))
    }

    /// Unit `u`'s base staff by cell, without scanning the other units'.
    pub fn staff_of(&self, u: usize) -> impl Iterator<Item = (Cell, u32)> + '_ {
        self.staff
            .range((u, Cell::FIRST)..=(u, Cell::LAST))
            .map(|(&(_, c), &n)| (c, n))
    }

    /// Unit u's base people of cell c by year of recruitment: the settled ones (`None`: not
    /// known, or long enough ago) first, then by the year they were hired, earliest first,
    /// which is also the order in which retirements take them (docs/model.md, assumption 1).
    pub fn base_cohorts(&self, u: usize, c: &Cell) -> Vec<(Option<i32>, u32)> {
        let total = self.staff.get(&(u, *c)).copied().unwrap_or(0);
        let known = self.staff_hired.get(&(u, *c));
        let dated: u32 = known.map_or(0, |k| k.values().sum());
        let mut out = Vec::new();
        if total > dated {
            out.push((None, total - dated));
        }
        out.extend(known.into_iter().flatten().map(|(&h, &n)| (Some(h), n)));
        out
    }

    /// The leaving rate in year t of a base person of unit u hired in `hired` (`None`:
    /// settled): tenure year `t − hired − 1`, as for a hire ([`Spec::hire_survival`]).
    pub fn base_rate(&self, u: usize, hired: Option<i32>, t: i32) -> f64 {
        match hired {
            None => self.settled_rate(u),
            Some(h) => self.leaving_rate(u, (t - h - 1).max(0) as u32),
        }
    }

    /// Re-derives the cached per-unit rates from the tables and the config, and clears the
    /// forecast hires and the booked leavers (both made again on first use).
    pub fn refresh_derived(&mut self) {
        let n = self.units.len();
        self.rates = Rates::default();
        self.rates = Rates {
            settled: (0..n).map(|u| self.leaving_rate(u, u32::MAX)).collect(),
            new_hire: (0..n)
                .map(|u| {
                    1.0 - (0..self.config.attrition.new_hire_years)
                        .map(|y| 1.0 - self.leaving_rate(u, y))
                        .product::<f64>()
                })
                .collect(),
            replacements: Vec::new(),
        };
        self.rates.replacements = (0..n).map(|u| self.hire_replacements(u)).collect();
        self.forecast_hires = std::sync::OnceLock::new();
        self.base_leavers = std::sync::OnceLock::new();
    }

    /// The base-year people's booked leavers by unit, cell and planned year
    /// ([`crate::model::stocks::base_attrition`]), booked once.
    pub fn base_leavers(&self) -> &BTreeMap<(usize, Cell, i32), u32> {
        self.base_leavers
            .get_or_init(|| crate::model::stocks::base_attrition(self))
    }

    /// Net hires of unit u in year t in the no-plan forecast ([`crate::forecast::unit_hires`]).
    pub fn forecast_hires(&self, u: usize, t: i32) -> u32 {
        let i = t - self.base_year() - 1;
        let all = self.forecast_hires.get_or_init(|| {
            (0..self.units.len())
                .map(|v| crate::forecast::unit_hires(self, v))
                .collect()
        });
        all.get(u)
            .and_then(|h| h.get(usize::try_from(i).ok()?))
            .copied()
            .unwrap_or(0)
    }

    pub fn base_year(&self) -> i32 {
        self.config.time.base_year
    }
    pub fn horizon(&self) -> i32 {
        self.config.time.horizon
    }
    /// Planned years, base_year + 1 ..= horizon.
    pub fn plan_years(&self) -> std::ops::RangeInclusive<i32> {
        self.base_year() + 1..=self.horizon()
    }
    pub fn quota(&self, unit: usize, year: i32) -> u32 {
        self.quota[unit][(year - self.base_year()) as usize]
    }
    pub fn is_em(&self, cell: &Cell) -> bool {
        self.groups[cell.group].em
    }
    /// Head-count of unit u at 31 December of the base year.
    pub fn base_staff(&self, u: usize) -> u32 {
        self.staff_of(u).map(|(_, n)| n).sum()
    }
    /// The year the roadmap's lines and the intent floors start from: a re-plan's
    /// `time.reference_year`, else the base year.
    pub fn reference_year(&self) -> i32 {
        self.reference.as_ref().map_or(self.base_year(), |r| r.year)
    }
    /// Unit u's workforce in [`Spec::reference_year`], by cell.
    pub fn reference_staff_of(&self, u: usize) -> Box<dyn Iterator<Item = (Cell, u32)> + '_> {
        match &self.reference {
            Some(r) => Box::new(
                r.staff
                    .range((u, Cell::FIRST)..=(u, Cell::LAST))
                    .map(|(&(_, c), &n)| (c, n)),
            ),
            None => Box::new(self.staff_of(u)),
        }
    }
    /// Unit u's quota in [`Spec::reference_year`].
    pub fn reference_quota(&self, u: usize) -> u32 {
        self.reference
            .as_ref()
            .map_or_else(|| self.quota(u, self.base_year()), |r| r.quota[u])
    }
    pub fn unit_index(&self, id: &str) -> Option<usize> {
        self.units.iter().position(|u| u.id == id)
    }

    /// Unit id → name, for naming rows by id: a unit's rows over the horizon
    /// (`X01/horizon`, I2) take the unit's name; the province's, coverage and channel rows
    /// none.
    pub fn unit_names(&self) -> impl Fn(&str) -> String + '_ {
        let names: std::collections::HashMap<&str, &str> = self
            .units
            .iter()
            .map(|u| (u.id.as_str(), u.name.as_str()))
            .collect();
        move |id: &str| {
            let id = id.strip_suffix(crate::rules::intent::HORIZON).unwrap_or(id);
            names.get(id).map_or_else(String::new, |n| n.to_string())
        }
    }

    /// Yearly leaving probability of a person of unit u in their year of service `tenure`
    /// (0 is the first year).
    pub fn leaving_rate(&self, u: usize, tenure: u32) -> f64 {
        let class = self.units[u].attrition_class();
        let factor = self
            .config
            .adjust
            .attrition_factor
            .get(&class)
            .copied()
            .unwrap_or(1.0);
        (factor * self.unadjusted_leaving_rate(u, tenure)).min(0.99)
    }

    fn unadjusted_leaving_rate(&self, u: usize, tenure: u32) -> f64 {
        match self.attrition.get(&self.units[u].attrition_class()) {
            Some(bands) => bands
                .iter()
                .find(|b| tenure >= b.from && b.to.is_none_or(|to| tenure < to))
                .map(|b| b.rate)
                .unwrap_or(0.0),
            None => self.config.attrition.default_rate(tenure),
        }
    }

    /// Leaving rate of the base-year workforce, taken as settled: the rate of the open
    /// tenure band (docs/model.md).
    pub fn settled_rate(&self, u: usize) -> f64 {
        match self.rates.settled.get(u) {
            Some(&r) => r,
            None => self.leaving_rate(u, u32::MAX),
        }
    }

    /// The share of a plan's net hires into unit u still there `j` years after their hiring
    /// year, for `j` = 0 ..= the horizon's length. A hire of year τ serves tenure year k
    /// during year τ + k + 1. The first `n = attrition.new_hire_years` tenure years are in
    /// the net hire (its early leavers are replaced, at `1/(1−P_u)` recruitments), so
    /// `s(j) = Π_{k=n}^{j−1} (1 − a_u(k))`: 1 up to `j = n`, then each tenure band's rate.
    pub fn hire_survival(&self, u: usize) -> Vec<f64> {
        let n = self.config.attrition.new_hire_years;
        let years = (self.horizon() - self.base_year()).max(0) as u32;
        let mut out = Vec::with_capacity(years as usize + 1);
        let mut s = 1.0;
        for j in 0..=years {
            out.push(s);
            if j >= n {
                s *= 1.0 - self.leaving_rate(u, j);
            }
        }
        out
    }

    /// Replacements a plan's net hire into unit u brings, by years after its hiring year:
    /// `ρ(j)` for `j` = 0 ..= the horizon's length (`ρ(0) = 0`). A net hire keeps its post
    /// filled: whoever leaves it after the first years is replaced, and a replacement is a
    /// net hire of its own year, so `ρ(j) = d(j) + Σ_{0<i<j} ρ(i)·d(j−i)` (a renewal), with
    /// `d(j) = s(j−1) − s(j)` the share of a net hire leaving in its j-th year
    /// ([`Spec::hire_survival`]).
    pub fn hire_replacements(&self, u: usize) -> Vec<f64> {
        if let Some(r) = self.rates.replacements.get(u) {
            return r.clone();
        }
        let s = self.hire_survival(u);
        let d: Vec<f64> = (0..s.len())
            .map(|j| if j == 0 { 0.0 } else { s[j - 1] - s[j] })
            .collect();
        let mut rho = vec![0.0; s.len()];
        for j in 1..s.len() {
            rho[j] = d[j] + (1..j).map(|i| rho[i] * d[j - i]).sum::<f64>();
        }
        rho
    }

    /// What one net hire of channel-year `k` into unit u in cell `cell` uses of each shared
    /// capacity: one of the channel-year's caps (all units, the unit's kind, its women when
    /// `cell` is a woman's) and one of its minimum (I4). Its later replacements
    /// ([`Spec::hire_replacements`]) are not counted against later years' caps: expected
    /// replacements are fractional, and whole-person shares of rows with fractional terms
    /// cost every group a person a row (measured: a 12.2% gap on the sample, docs/model.md).
    /// The one list the model's rows and a plan's use are both built from.
    pub fn hire_capacity_use(
        &self,
        k: usize,
        u: usize,
        cell: &Cell,
    ) -> Vec<(crate::model::capacity::Capacity, f64)> {
        use crate::model::capacity::Capacity;
        let mut out = vec![
            (Capacity::ChannelMin(k), 1.0),
            (Capacity::Channel(k), 1.0),
            (Capacity::ChannelKind(k, self.units[u].kind), 1.0),
        ];
        if cell.female {
            out.push((Capacity::ChannelWomen(k), 1.0));
        }
        out
    }

    /// Probability that a hire into unit u leaves within `attrition.new_hire_years`.
    pub fn new_hire_leaving_probability(&self, u: usize) -> f64 {
        match self.rates.new_hire.get(u) {
            Some(&p) => p,
            None => {
                1.0 - (0..self.config.attrition.new_hire_years)
                    .map(|y| 1.0 - self.leaving_rate(u, y))
                    .product::<f64>()
            }
        }
    }

    /// The new-hire leaving probability that a channel's capacities use: the mean of
    /// [`Spec::new_hire_leaving_probability`] over the units of `kinds` (the `[attrition]`
    /// value when no `attrition.csv` is given). One value per row keeps every capacity row
    /// whole: a net hire takes `1/(1−P)` recruitments of the channel; costs use each unit's
    /// own probability.
    pub fn channel_leaving_probability(&self, kinds: &[UnitKind]) -> f64 {
        let units: Vec<usize> = (0..self.units.len())
            .filter(|&u| kinds.contains(&self.units[u].kind))
            .collect();
        if units.is_empty() {
            return 0.0;
        }
        units
            .iter()
            .map(|&u| self.new_hire_leaving_probability(u))
            .sum::<f64>()
            / units.len() as f64
    }
}

/// Where a variant's values come from.
#[derive(Debug, Clone)]
pub struct Variant {
    /// (dotted key, value as written, file).
    pub settings: Vec<(String, String, String)>,
    /// (table, what each file contributed).
    pub tables: Vec<(String, Vec<String>)>,
}
