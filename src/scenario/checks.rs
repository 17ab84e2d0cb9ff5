//! Consistency checks, one named function per rule, in the manner of PyPSA's
//! `consistency.py`. Each either fails with an input error that says how to fix it, or
//! pushes a warning onto the spec.

use super::layers::{locate, Layered};
use super::parse::CellKey;
use crate::domain::config::{
    AttritionConfig, PolicyConfig, RosterConfig, SolverConfig, StaffingConfig, TimeConfig,
};
use crate::domain::{Cell, Config, Group, Spec, Unit, UnitKind};
use crate::error::{Error, Result};
use std::collections::BTreeMap;

/// Values of `scenario.toml` that serde cannot check alone, section by section; the first
/// failure is reported.
pub fn check_config(layered: &Layered, c: &Config) -> Result<()> {
    let check = ConfigCheck { layered };
    check.finite(c)?;
    check.time(&c.time)?;
    check.staffing_and_attrition(&c.staffing, &c.attrition)?;
    check.roster(&c.roster)?;
    check.amounts(c)?;
    check.policy(&c.policy)?;
    check.intent(&c.intent, c.policy.shortfall_penalty)?;
    check.solver(&c.solver)
}

/// Checks on the values of one `scenario.toml`.
struct ConfigCheck<'a> {
    layered: &'a Layered,
}

impl ConfigCheck<'_> {
    /// Fails naming the file that set `field` and the line of its key.
    fn fail(&self, field: &str, msg: String) -> Result<()> {
        let (file, line) = locate(self.layered, field);
        Err(Error::input(&file, line, field, msg))
    }

    fn share(&self, field: &str, v: f64) -> Result<()> {
        if (0.0..=1.0).contains(&v) {
            Ok(())
        } else {
            self.fail(field, format!("expected a share from 0 to 1, found {v}"))
        }
    }

    fn money(&self, field: &str, v: f64) -> Result<()> {
        // As the tables' money cells: larger amounts only break the solver's arithmetic.
        if v.is_finite() && (0.0..=1e9).contains(&v) {
            Ok(())
        } else {
            self.fail(
                field,
                format!("expected an amount in million VND from 0 to 1,000,000,000, found {v}"),
            )
        }
    }

    /// `[time]`: the base year, the horizon, and target years rising within the horizon.
    fn time(&self, t: &TimeConfig) -> Result<()> {
        if !(1990..=2100).contains(&t.base_year) {
            return self.fail(
                "time.base_year",
                format!("expected a year from 1990 to 2100, found {}", t.base_year),
            );
        }
        if t.horizon <= t.base_year || t.horizon > t.base_year + 40 {
            return self.fail(
                "time.horizon",
                format!(
                    "expected a year after base_year {} and at most 40 years on, found {}",
                    t.base_year, t.horizon
                ),
            );
        }
        if let Some(r) = t.reference_year.filter(|&r| r >= t.base_year || r < 1990) {
            return self.fail(
                "time.reference_year",
                format!(
                    "expected a year from 1990 to {} (before base_year), found {r}",
                    t.base_year - 1
                ),
            );
        }
        if t.targets.is_empty() {
            return self.fail("time.targets", "expected at least one target year".into());
        }
        let mut prev = t.base_year;
        for (i, ty) in t.targets.iter().enumerate() {
            if ty.year <= prev || ty.year > t.horizon {
                let defaults = if self.layered.provenance.contains_key("time.targets") {
                    ""
                } else {
                    " (the default targets, 2030 and 2035; set time.targets for another horizon)"
                };
                return self.fail(
                    &format!("time.targets[{i}].year"),
                    format!(
                        "expected target years in increasing order within {}-{}, found {}{defaults}",
                        t.base_year + 1,
                        t.horizon,
                        ty.year
                    ),
                );
            }
            if !(ty.level > 0.0 && ty.level <= 1.0) {
                return self.fail(
                    &format!("time.targets[{i}].level"),
                    format!(
                        "expected a share above 0 and at most 1 (0.8 = 80%), found {}",
                        ty.level
                    ),
                );
            }
            prev = ty.year;
        }
        Ok(())
    }

    /// `staffing.min_fill` and the `[attrition]` rates.
    fn staffing_and_attrition(&self, s: &StaffingConfig, a: &AttritionConfig) -> Result<()> {
        self.share("staffing.min_fill", s.min_fill)?;
        if s.leader_term_years > 10 {
            return self.fail(
                "staffing.leader_term_years",
                format!(
                    "expected 0 (leaders never step down) to 10 years (an appointment is for 5), found {}",
                    s.leader_term_years
                ),
            );
        }
        if !(0.0..1.0).contains(&a.new_hire_rate) {
            return self.fail(
                "attrition.new_hire_rate",
                format!(
                    "expected a yearly share from 0 to below 1, found {}",
                    a.new_hire_rate
                ),
            );
        }
        self.share("attrition.other_rate", a.other_rate)
    }

    /// `[roster]`: early retirement, history, tenure bands, and the column names.
    fn roster(&self, r: &RosterConfig) -> Result<()> {
        if r.early_retirement_years > 5 {
            return self.fail(
                "roster.early_retirement_years",
                format!(
                    "expected 0 to 5 years (Labour Code 2019 art. 169 allows up to 5), found {}",
                    r.early_retirement_years
                ),
            );
        }
        if !(1..=30).contains(&r.history_years) {
            return self.fail(
                "roster.history_years",
                format!("expected 1 to 30 years, found {}", r.history_years),
            );
        }
        if r.tenure_bands.is_empty()
            || r.tenure_bands[0] == 0
            || r.tenure_bands.windows(2).any(|w| w[0] >= w[1])
        {
            return self.fail(
                "roster.tenure_bands",
                format!(
                    "expected rising band boundaries in years above 0, such as [2, 5], found {:?}",
                    r.tenure_bands
                ),
            );
        }
        if r.min_person_years.is_nan() || r.min_person_years < 0.0 {
            return self.fail(
                "roster.min_person_years",
                format!("expected 0 or more, found {}", r.min_person_years),
            );
        }
        for field in r.columns.keys() {
            if crate::roster::columns::Field::from_name(field).is_none() {
                return self.fail(
                    &format!("roster.columns.{field}"),
                    format!(
                        "unknown roster field; expected one of {}",
                        crate::roster::columns::Field::names().join(", ")
                    ),
                );
            }
        }
        Ok(())
    }

    /// Amounts in million VND: costs, training, over-quota cost, R5 weight and budget cap.
    fn amounts(&self, c: &Config) -> Result<()> {
        self.money("costs.salary_staff", c.costs.salary_staff)?;
        self.money("costs.salary_leader", c.costs.salary_leader)?;
        self.money("costs.promotion", c.costs.promotion)?;
        self.money("costs.severance", c.costs.severance)?;
        self.money("training.cost_per_person", c.training.cost_per_person)?;
        self.money("staffing.over_quota_cost", c.staffing.over_quota_cost)?;
        self.money("policy.r5_weight", c.policy.r5_weight)?;
        if let Some(cap) = c.budget.cap_per_year {
            self.money("budget.cap_per_year", cap)?;
        }
        Ok(())
    }

    /// `policy.shortfall_penalty`.
    fn policy(&self, p: &PolicyConfig) -> Result<()> {
        if !(1000.0..=1e9).contains(&p.shortfall_penalty) {
            return self.fail(
                "policy.shortfall_penalty",
                format!(
                    "expected from 1000 to 1,000,000,000 (million VND per person short), found {}",
                    p.shortfall_penalty
                ),
            );
        }
        if !(0.5..=0.999).contains(&p.confidence) {
            return self.fail(
                "policy.confidence",
                format!(
                    "expected a chance from 0.5 (plan the expectation) to 0.999, such as 0.9, found {}",
                    p.confidence
                ),
            );
        }
        if let Some(t) = p.target_penalty {
            if !(t.is_finite() && t > 0.0 && t <= p.shortfall_penalty) {
                return self.fail(
                    "policy.target_penalty",
                    format!(
                        "expected above 0 and at most policy.shortfall_penalty ({}) million VND per person short of a target, found {t}",
                        p.shortfall_penalty
                    ),
                );
            }
        }
        // Margins are asked only above 0.5: a low shortfall_penalty is fine without them.
        let priced = p.margin_penalty > 0.0 && p.margin_penalty < p.shortfall_penalty;
        if p.confidence > 0.5 && !priced {
            return self.fail(
                "policy.margin_penalty",
                format!(
                    "with policy.confidence above 0.5, expected more than 0 and less than policy.shortfall_penalty ({}) million VND per person, found {} (default 3000)",
                    p.shortfall_penalty, p.margin_penalty
                ),
            );
        }
        Ok(())
    }

    /// `[intent]`: prices and shares.
    fn intent(
        &self,
        i: &crate::domain::config::IntentConfig,
        shortfall_penalty: f64,
    ) -> Result<()> {
        let _ = shortfall_penalty; // a larger intent.penalty is capped at it (rules::intent::price)
        if !(i.penalty.is_finite() && i.penalty > 0.0 && i.penalty <= 1e9) {
            return self.fail(
                "intent.penalty",
                format!(
                    "expected above 0 and at most 1,000,000,000 (million VND per person short), found {}",
                    i.penalty
                ),
            );
        }
        self.money("intent.hiring_penalty", i.hiring_penalty)?;
        if let Some(s) = i.hiring_em_share {
            self.share("intent.hiring_em_share", s)?;
        }
        if !(1.0..=100.0).contains(&i.difficult_priority) {
            return self.fail(
                "intent.difficult_priority",
                format!(
                    "expected a factor from 1 to 100, found {}",
                    i.difficult_priority
                ),
            );
        }
        Ok(())
    }

    /// `[solver]`: time limit, gap and threads.
    fn solver(&self, s: &SolverConfig) -> Result<()> {
        if s.time_limit_seconds.is_nan() || s.time_limit_seconds <= 0.0 {
            return self.fail(
                "solver.time_limit_seconds",
                format!("expected seconds above 0, found {}", s.time_limit_seconds),
            );
        }
        if !(0.0..1.0).contains(&s.mip_rel_gap) {
            return self.fail(
                "solver.mip_rel_gap",
                format!(
                    "expected a share from 0 to 1 (0.01 = 1%), found {}",
                    s.mip_rel_gap
                ),
            );
        }
        if s.threads == 0 {
            return self.fail(
                "solver.threads",
                "expected 1 or more threads, found 0".into(),
            );
        }
        for (name, value) in &s.highs {
            if let Err(message) = crate::solve::check_highs_option(name, value) {
                return self.fail(&format!("solver.highs.{name}"), message);
            }
        }
        Ok(())
    }

    /// Every number of the settings is finite: `inf` and `nan` are valid TOML, and would
    /// otherwise pass a check of "0 or more".
    fn finite(&self, c: &Config) -> Result<()> {
        fn walk(v: &toml::Value, at: &str) -> Option<(String, f64)> {
            match v {
                toml::Value::Float(f) if !f.is_finite() => Some((at.to_string(), *f)),
                toml::Value::Table(t) => t.iter().find_map(|(k, v)| {
                    walk(
                        v,
                        &if at.is_empty() {
                            k.clone()
                        } else {
                            format!("{at}.{k}")
                        },
                    )
                }),
                toml::Value::Array(a) => a
                    .iter()
                    .enumerate()
                    .find_map(|(i, v)| walk(v, &format!("{at}[{i}]"))),
                _ => None,
            }
        }
        let Ok(value) = toml::Value::try_from(c) else {
            return Ok(());
        };
        match walk(&value, "") {
            Some((field, f)) => self.fail(&field, format!("expected a finite number, found {f}")),
            None => Ok(()),
        }
    }
}

/// A roster's tenure bands hold the new-hire period whole: checked only when a roster is
/// read (on import, or through `roster.file`).
pub fn roster_bands(layered: &Layered, c: &Config) -> Result<()> {
    let n = c.attrition.new_hire_years;
    if n > 0 && !c.roster.tenure_bands.contains(&n) {
        return ConfigCheck { layered }.fail(
            "roster.tenure_bands",
            format!(
                "expected the boundaries to include attrition.new_hire_years ({n}), so that the new-hire period is whole bands, found {:?}",
                c.roster.tenure_bands
            ),
        );
    }
    Ok(())
}

/// `budget.price_units`: ids of units.csv, or `PROVINCE`.
pub fn price_units(layered: &Layered, c: &Config, units: &[Unit]) -> Result<()> {
    match unknown_price_unit(&c.budget.price_units, units) {
        Some(unit) => ConfigCheck { layered }.fail("budget.price_units", unknown_unit_text(unit)),
        None => Ok(()),
    }
}

/// The first of `asked` that is neither a unit id nor `PROVINCE`.
pub fn unknown_price_unit<'a>(asked: &'a [String], units: &[Unit]) -> Option<&'a str> {
    asked
        .iter()
        .find(|a| *a != "PROVINCE" && !units.iter().any(|u| &u.id == *a))
        .map(String::as_str)
}

/// What `budget.price_units` and `plan --prices-of` say of a unit they do not know.
pub fn unknown_unit_text(unit: &str) -> String {
    format!("unknown unit \"{unit}\"; expected ids of units.csv, or PROVINCE, separated by commas")
}

/// Every check on the assembled spec, in a fixed order.
pub fn check_spec(spec: &mut Spec) -> Result<()> {
    staff_within_quota(spec)?;
    leaders_within_posts(spec)?;
    group_shares_sum_to_one(spec);
    if !spec.config.policy.leaders_trained {
        spec.warnings.push(
            "policy.leaders_trained = false is reported by `bienche readings` but not yet modelled: promotion still takes trained staff only".into(),
        );
    }
    kinh_is_not_em(spec);
    units_have_channels(spec);
    units_have_staff(spec);
    Ok(())
}

/// Base-year head-count may exceed the quota only when the unit may run over quota.
fn staff_within_quota(spec: &mut Spec) -> Result<()> {
    let mut warnings = Vec::new();
    for (u, unit) in spec.units.iter().enumerate() {
        let staff = spec.base_staff(u);
        let quota = spec.quota(u, spec.base_year());
        let allowed = unit.over_quota_until.is_some_and(|y| y > spec.base_year());
        if staff > quota && !allowed && spec.reference.is_some() {
            // A re-plan's base is what happened: said, and planned down to the quota.
            warnings.push(format!(
                    "unit \"{}\" has {staff} staff at 31 December {}, above its quota of {quota}; the plan brings it within the quota from {}",
                    unit.id,
                    spec.base_year(),
                spec.base_year() + 1
            ));
        } else if staff > quota && !allowed {
            return Err(Error::input(
                &unit.file,
                Some(unit.line),
                "quota",
                format!(
                    "unit \"{}\" has {staff} staff in staff.csv, above its quota of {quota}, and no over-quota allowance; \
                     expected a quota of at least {staff}, or an over_quota_until year after {}",
                    unit.id,
                    spec.base_year()
                ),
            ));
        }
    }
    spec.warnings.extend(warnings);
    Ok(())
}

fn leaders_within_posts(spec: &Spec) -> Result<()> {
    for (u, unit) in spec.units.iter().enumerate() {
        let leaders: u32 = spec
            .staff
            .range((u, Cell::FIRST)..=(u, Cell::LAST))
            .filter(|((_, c), _)| c.leader)
            .map(|(_, n)| n)
            .sum();
        if leaders > unit.leader_posts {
            return Err(Error::input(
                &unit.file,
                Some(unit.line),
                "leader_posts",
                format!(
                    "unit \"{}\" has {leaders} leaders in staff.csv but {} leader posts; expected at least {leaders}",
                    unit.id, unit.leader_posts
                ),
            ));
        }
    }
    Ok(())
}

/// Retirements of a cell over all years cannot exceed the people in it.
pub(super) fn retirements_within_stock(
    table: &crate::table::Table,
    units: &[Unit],
    groups: &[Group],
    staff: &BTreeMap<(usize, Cell), u32>,
    rows: &BTreeMap<CellKey, (u32, usize)>,
) -> Result<()> {
    let mut total: BTreeMap<(usize, Cell), (u32, usize)> = BTreeMap::new();
    for ((u, c, _), (n, line)) in rows {
        let e = total.entry((*u, *c)).or_insert((0, *line));
        e.0 += n;
        e.1 = e.1.max(*line);
    }
    for ((u, c), (n, line)) in total {
        let have = staff.get(&(u, c)).copied().unwrap_or(0);
        if n > have {
            return Err(Error::input(
                &table.path,
                Some(line),
                "count",
                format!(
                    "{n} retirements from unit \"{}\", cell {}/{}/{}/{} exceed the {have} people staff.csv has there; \
                     expected at most {have} over all years",
                    units[u].id,
                    groups[c.group].id,
                    c.gender(),
                    c.role(),
                    c.trained_word()
                ),
            ));
        }
    }
    Ok(())
}

fn group_shares_sum_to_one(spec: &mut Spec) {
    let sum: f64 = spec.groups.iter().map(|g| g.population_share).sum();
    if (sum - 1.0).abs() > 0.005 {
        spec.warnings.push(format!(
            "groups.csv: population shares sum to {:.2}%, not 100%; R5 scales them to sum to 100%",
            sum * 100.0
        ));
    }
}

fn kinh_is_not_em(spec: &mut Spec) {
    if spec
        .groups
        .iter()
        .any(|g| g.id.eq_ignore_ascii_case("kinh") && g.em)
    {
        spec.warnings.push(
            "groups.csv: group Kinh is marked em = yes; Kinh is the majority group and not EM under POLICY.md".into(),
        );
    }
}

/// Units with a quota and nobody in post: a roster that covers part of the province, or a
/// staff table that leaves units out, plans them as empty.
fn units_have_staff(spec: &mut Spec) {
    let staffed: std::collections::BTreeSet<usize> = spec
        .staff
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|((u, _), _)| *u)
        .collect();
    let empty: Vec<&str> = spec
        .units
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            !staffed.contains(i)
                && spec
                    .quota
                    .get(*i)
                    .and_then(|q| q.first())
                    .is_some_and(|q| *q > 0)
        })
        .map(|(_, u)| u.id.as_str())
        .collect();
    if !empty.is_empty() {
        let shown: Vec<&str> = empty.iter().take(10).copied().collect();
        spec.warnings.push(format!(
            "{} of the {} units have a quota and nobody in post ({}{}): they are planned as empty; check that the roster or staff table covers them",
            empty.len(),
            spec.units.len(),
            shown.join(", "),
            if empty.len() > 10 { ", …" } else { "" }
        ));
    }
}

fn units_have_channels(spec: &mut Spec) {
    let mut kinds: Vec<UnitKind> = spec.units.iter().map(|u| u.kind).collect();
    kinds.sort();
    kinds.dedup();
    for kind in kinds {
        if !spec.channels.iter().any(|c| c.kinds.contains(&kind)) {
            spec.warnings.push(format!(
                "channels.csv: no channel places into units of kind {}; they can only gain staff by transfer",
                kind.name()
            ));
        }
    }
}
