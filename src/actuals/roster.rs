//! `bienche actuals PLAN ROSTER --as-of DATE`: the actuals of a year read from a personnel
//! roster drawn up on a day of it, instead of the units' forms.
//!
//! The roster is read by the roster reader of `bienche roster import` ([`crate::roster`]),
//! with the plan's scenario's `[roster]` settings, its groups and its units, and `DATE` as the
//! roster's date (no birth, hire or leave date after it). With `Y` the year of `DATE`, per unit
//! and cell (the person's cell in the roster, which is where they are on `DATE`):
//! - the **actual head-count** is the people in post on `DATE`: hired on or before it (or
//!   without a hire date) and with no leave date on or before it;
//! - **hires** are the people hired from 1 January of `Y` to `DATE`, in post or gone since;
//! - **retirements** and **leavers** are the people whose leave date falls from 1 January of
//!   `Y` to `DATE`, a retirement when the leave reason says so ([`crate::roster::columns`]);
//! - a date given as a month only counts as the first of that month.
//!
//! A roster does not say who was promoted, trained or transferred, nor through which channel
//! a person was hired: those flows are not reported (a hire's plan figure is the sum over the
//! channels). Every unit's report date is `DATE`. A row that cannot be read is a problem
//! naming the roster's line or row; its unit, when the row names one, is left out of the
//! totals like a form with a problem. A unit of the plan with nobody in post on `DATE` is a
//! problem too: its staff are missing from the roster. The tables and the report count people
//! by unit and cell; `problems.csv`, like the console, repeats the value a bad row holds.

use super::{problem, Cell, Form, Read};
use crate::domain::{FlowKind, Gender, Role, Spec};
use crate::error::{Error, Result};
use crate::forms::Planned;
use crate::output::contract::{PlanTables, ProblemRow};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The flows a roster tells, by the day they happened.
const REPORTED: [FlowKind; 3] = [FlowKind::Hire, FlowKind::Retire, FlowKind::Attrition];

/// Reads `roster` as of `as_of` against the plan's scenario (its groups, units and roster
/// settings).
pub(super) fn compile(
    spec: &Spec,
    roster: &Path,
    as_of: (i32, u32, u32),
    tables: &PlanTables,
) -> Result<Read> {
    let (year, month, day) = as_of;
    let base = spec.config.time.base_year;
    let horizon = spec.config.time.horizon;
    if year <= base || year > horizon {
        return Err(Error::Usage(format!(
            "--as-of {day:02}/{month:02}/{year}: the plan covers {} to {horizon}; expected a date in one of those years",
            base + 1
        )));
    }
    let read = crate::roster::read_as_of(roster, &spec.config, &spec.groups, &spec.units, as_of)?;
    let mut problems: Vec<ProblemRow> = Vec::new();
    let mut spoilt: BTreeSet<usize> = BTreeSet::new();
    for bad in &read.bad {
        let unit = bad.unit.map(|u| spec.units[u].id.clone());
        spoilt.extend(bad.unit);
        problems.push(problem(
            &read.file,
            &read.sheet,
            &format!("{} {}", read.row_word, bad.row),
            unit.as_deref().unwrap_or(""),
            format!("field {}: {}", bad.field, bad.message),
        ));
    }
    let cell_of = |c: &crate::domain::Cell| -> Cell {
        (
            spec.groups[c.group].id.clone(),
            if c.female {
                Gender::Female
            } else {
                Gender::Male
            },
            if c.leader { Role::Leader } else { Role::Staff },
            c.trained,
        )
    };
    let year_start = (year, 1, 1);
    let in_year = |d: Option<(i32, u32, u32)>| d.is_some_and(|d| d >= year_start && d <= as_of);
    let mut forms: BTreeMap<String, Form> = BTreeMap::new();
    let mut staffed: BTreeSet<usize> = BTreeSet::new();
    for p in &read.people {
        let unit = &spec.units[p.unit].id;
        let form = forms.entry(unit.clone()).or_insert_with(|| Form {
            unit: unit.clone(),
            date: as_of,
            stocks: BTreeMap::new(),
            flows: BTreeMap::new(),
        });
        let cell = cell_of(&p.cell);
        if p.in_post_on(as_of) {
            staffed.insert(p.unit);
            form.stocks.entry(cell.clone()).or_default()[2] += 1;
        }
        if in_year(p.hired_on()) {
            form.flows
                .entry((FlowKind::Hire, String::new(), cell.clone()))
                .or_default()[1] += 1;
        }
        if in_year(p.left_on()) {
            let kind = if p.left_to_retire {
                FlowKind::Retire
            } else {
                FlowKind::Attrition
            };
            form.flows.entry((kind, String::new(), cell)).or_default()[1] += 1;
        }
    }
    // The plan's figures beside them.
    let planned = Planned::of(tables, year);
    for ((unit, cell), [start, end]) in &planned.stocks {
        if let Some(form) = forms.get_mut(unit) {
            let row = form.stocks.entry(cell.clone()).or_default();
            row[0] = *start;
            row[1] = *end;
        }
    }
    for ((unit, kind, _, cell), n) in &planned.flows {
        if let Some(form) = forms.get_mut(unit).filter(|_| REPORTED.contains(kind)) {
            form.flows
                .entry((*kind, String::new(), cell.clone()))
                .or_default()[0] += n;
        }
    }
    for u in &spoilt {
        forms.remove(&spec.units[*u].id);
    }
    // A unit with nobody in post whose rows were all read: its staff are not in the roster.
    for (u, unit) in spec.units.iter().enumerate() {
        if !staffed.contains(&u) && !spoilt.contains(&u) {
            forms.remove(&unit.id);
            problems.push(problem(
                "",
                "",
                "",
                &unit.id,
                format!(
                    "nobody in {} is in post in {} ({}) on {day:02}/{month:02}/{year}; expected the unit's staff in the roster",
                    read.file, unit.id, unit.name
                ),
            ));
        }
    }
    Ok(Read {
        year,
        forms,
        problems,
        forms_found: 0,
        roster: Some((read.file.clone(), as_of)),
    })
}
