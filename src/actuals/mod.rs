//! `bienche actuals PLAN FORMS --out DIR`: the returned report forms of `bienche forms`
//! read, checked and compiled against the plan.
//!
//! Every `.xlsx` in `FORMS` is read by the hidden keys of its report sheet (`crate::forms`),
//! never by the words around them, so a form in either language reads the same. A form is
//! **compiled** when it has none of these problems, each named by file, sheet and cell:
//! - it cannot be opened, or has no report sheet;
//! - its unit (C3) is not one of the plan's, or another form of the same unit came first;
//! - its year (C4) is not the forms' year (the year of most forms, `forms.json`'s when
//!   present); its report date (C5) is blank or not a day of that year;
//! - an actual count is blank, not a whole number, or negative; a blank row is half filled
//!   in or names a group, gender, post, change or channel the lists do not have;
//! - a cell's head-count does not add up: its start of the year, plus the hires, transfers
//!   in, promotions and trainings into it, less the retirements, leavers, exits, transfers
//!   out, promotions and trainings out of it, differs from its actual head-count.
//!
//! A form with a problem is left out of the totals and every other form is still compiled;
//! a unit of the plan with no form is a problem too. The outputs (written atomically):
//! `actual_stocks.csv` and `actual_flows.csv` (the plan's figures of the year beside the
//! actual ones, per unit and cell, for the compiled forms), `rule_status.csv` (each compiled
//! unit's rows of the year that a head-count measures: required, the plan's, the actual, and
//! behind / on track / ahead), `problems.csv` (file, sheet, cell, unit, message; empty but
//! for its header when there is none), `actuals.json`, and `report.xlsx`, the compiled
//! report the Department sends up ([`crate::workbook::actuals`]). Like `trajectory.csv`, the
//! CSV tables are by unit and cell, working files for the Department of Home Affairs; the
//! report shows no count of 1 or 2 people unless asked (`--show-small`).
//!
//! `bienche actuals PLAN ROSTER --as-of DATE` reads the year from a roster instead
//! ([`roster`]); both sources give the same [`Form`]s, and everything after is shared.

use crate::charts::labels::Labels;
use crate::domain::target::{TargetKind, Who};
use crate::domain::Rule;
use crate::domain::{FlowKind, Gender, Role, Spec};
use crate::error::{Error, Result};
use crate::forms::{
    cell_key, Cell, Planned, COL_A_ACTUAL, COL_B_ACTUAL, COL_KEY, COL_VALUE, ROW_DATE, ROW_UNIT,
    ROW_YEAR,
};
use crate::output::contract::{
    ActualFlowRow, ActualStockRow, ActualsSummary, FormsManifest, PlanTables, ProblemRow,
    RuleStatusRow, Status,
};
use crate::retirement::YearMonth;
use calamine::{Data, Range, Reader};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

mod roster;

/// The command line of `actuals`, checked.
pub struct Request<'a> {
    pub plan: &'a Path,
    /// The folder of the returned forms, or a roster file.
    pub forms: &'a Path,
    /// The day a roster was drawn up (year, month, day); `None` for forms.
    pub as_of: Option<(i32, u32, u32)>,
    pub out: &'a Path,
    /// The report's language.
    pub lang: &'a str,
    /// Show counts of 1 or 2 people in the report (hidden as "<3" otherwise).
    pub show_small: bool,
    pub force: bool,
}

/// What `actuals` compiled.
pub struct Outcome {
    pub summary: ActualsSummary,
    pub problems: Vec<ProblemRow>,
    /// What could not be done as documented (the requirements left as the plan's).
    pub warnings: Vec<String>,
}

/// One form as read: its unit, date, actual stocks and flows (a flow by its kind, a hire's
/// channel or a transfer's other unit, and the person's cell before it).
struct Form {
    unit: String,
    date: (i32, u32, u32),
    /// Cell → (plan at the start, plan at the end, actual).
    stocks: BTreeMap<Cell, [u32; 3]>,
    /// (flow, channel, cell) → (plan, actual).
    flows: BTreeMap<(FlowKind, String, Cell), [u32; 2]>,
}

pub fn run(r: &Request) -> Result<Outcome> {
    // The plan's scenario gives the rules (to recompute requirements on the actual staff)
    // and, for a roster, the groups and units to read it by.
    let before = if r.as_of.is_some() {
        "reading a roster against it"
    } else {
        "recomputing requirements on the actual staff"
    };
    let (spec, tables, mut warnings) = match crate::scenario::of_plan(r.plan, before) {
        Ok((spec, tables)) => (Some(spec), tables, Vec::new()),
        Err(e) if r.as_of.is_none() => {
            let tables = crate::output::read::plan(r.plan)?;
            let why = format!(
                "{e}; the requirements that are shares of EM staff (R6, R7 and R8 in a target year) are the plan's, not recomputed on the actual staff"
            );
            (None, tables, vec![why])
        }
        Err(e) => return Err(e),
    };
    if !r.forms.exists() {
        return Err(Error::Usage(format!(
            "{}: no such file or folder; expected the folder of the returned forms, or a roster file with --as-of",
            r.forms.display()
        )));
    }
    let roster_file = r.forms.is_file();
    if r.as_of.is_some() && !roster_file {
        return Err(Error::Usage(format!(
            "--as-of is for a roster; {} is a folder of forms, whose report dates are on the forms; expected a roster file (.csv or .xlsx) or no --as-of",
            r.forms.display()
        )));
    }
    if roster_file && r.as_of.is_none() {
        return Err(Error::Usage(format!(
            "{} is a roster: expected --as-of DATE, the day it was drawn up (dd/mm/yyyy)",
            r.forms.display()
        )));
    }
    crate::forms::outside(r.out, r.plan)?;
    crate::forms::outside(r.out, r.forms)?;
    crate::output::folder::check_out(&crate::output::folder::Out {
        path: r.out,
        kind: crate::output::folder::Kind::Actuals,
        inputs: &[r.plan.to_path_buf(), r.forms.to_path_buf()],
        force: r.force,
    })?;
    let read = match (r.as_of, &spec) {
        (Some(as_of), Some(spec)) => roster::compile(spec, r.forms, as_of, &tables)?,
        _ => compile_forms(r, &tables)?,
    };
    let mut outcome = write(r, &tables, spec.as_ref(), read)?;
    outcome.warnings.append(&mut warnings);
    Ok(outcome)
}

/// What was read, from forms or a roster: the compiled units' forms and the problems.
struct Read {
    year: i32,
    forms: BTreeMap<String, Form>,
    problems: Vec<ProblemRow>,
    /// Workbooks found in the forms' folder (0 for a roster).
    forms_found: usize,
    /// The roster, as messages name it, and its day, when read from one.
    roster: Option<(String, (i32, u32, u32))>,
}

/// The returned forms in `r.forms`, each read and checked.
fn compile_forms(r: &Request, tables: &PlanTables) -> Result<Read> {
    let manifest: Option<FormsManifest> =
        crate::output::read::json(&r.forms.join(crate::forms::MANIFEST)).ok();
    // Forms of another plan would have every row flagged: said once instead.
    if let Some(m) = &manifest {
        if crate::forms::manifest_sha256(r.plan)? != m.plan_manifest_sha256 {
            return Err(Error::input(
                &r.forms.join(crate::forms::MANIFEST),
                None,
                "plan_manifest_sha256",
                format!(
                    "the forms were written from another plan than {}; expected the plan folder they were written from",
                    r.plan.display()
                ),
            ));
        }
    }
    let words = Words::of(tables);
    let mut files: Vec<PathBuf> = std::fs::read_dir(r.forms)
        .map_err(|e| Error::unreadable(r.forms, e.to_string()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("~$"))
        })
        .collect();
    files.sort();
    let mut problems: Vec<ProblemRow> = Vec::new();
    let mut read: Vec<(String, Range<Data>, String)> = Vec::new();
    for path in &files {
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match open(path) {
            Ok((sheet, range)) => read.push((file, range, sheet)),
            Err(message) => problems.push(problem(&file, "", "", "", message)),
        }
    }
    // The forms' year: forms.json's, else the year most forms give.
    let year = manifest.as_ref().map(|m| m.year).unwrap_or_else(|| {
        let mut counts: BTreeMap<i32, usize> = BTreeMap::new();
        for (_, range, _) in &read {
            let y = whole(range.get_value((ROW_YEAR, COL_VALUE as u32)))
                .and_then(|y| i32::try_from(y).ok())
                .filter(|y| (1900..=9999).contains(y));
            if let Some(y) = y {
                *counts.entry(y).or_default() += 1;
            }
        }
        counts
            .into_iter()
            .max_by_key(|(y, n)| (*n, std::cmp::Reverse(*y)))
            .map_or(tables.summary.base_year + 1, |(y, _)| y)
    });
    let units: BTreeMap<String, String> = tables
        .units
        .iter()
        .map(|u| (u.unit.clone(), u.name.clone()))
        .collect();
    // A unit's forms in more than one file: none is compiled (which is right is the
    // unit's to say).
    let mut files_of: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for (file, range, _) in &read {
        let unit = text(range.get_value((ROW_UNIT, COL_VALUE as u32)));
        files_of.entry(unit).or_default().push(file);
    }
    let planned = Planned::of(tables, year);
    let mut forms: BTreeMap<String, Form> = BTreeMap::new();
    for (file, range, sheet) in &read {
        let unit = text(range.get_value((ROW_UNIT, COL_VALUE as u32)));
        let same = &files_of[&unit];
        if units.contains_key(&unit) && same.len() > 1 {
            problems.push(problem(
                file,
                sheet,
                &address(ROW_UNIT, COL_VALUE),
                &unit,
                format!(
                    "forms for {unit} came in {} files ({}); expected one form per unit",
                    same.len(),
                    same.join(", ")
                ),
            ));
            continue;
        }
        let mut found = Vec::new();
        let form = read_form(
            &Source { file, sheet, range },
            year,
            &units,
            &words,
            &planned,
            &mut found,
        );
        if let Some(form) = form.filter(|_| found.is_empty()) {
            forms.insert(form.unit.clone(), form);
        }
        problems.extend(found);
    }
    // The file each unit's form was written to (forms.json), else its id as a file name.
    let file_of = |unit: &str| -> String {
        manifest
            .as_ref()
            .and_then(|m| m.forms.iter().find(|f| f.unit == unit))
            .map_or_else(
                || format!("{}.xlsx", crate::forms::file_stem(unit)),
                |f| f.file.clone(),
            )
    };
    for (unit, name) in &units {
        if !forms.contains_key(unit) && !problems.iter().any(|p| p.unit == *unit) {
            problems.push(problem(
                "",
                "",
                "",
                unit,
                format!(
                    "no form for {unit} ({name}); expected the file {}",
                    file_of(unit)
                ),
            ));
        }
    }
    Ok(Read {
        year,
        forms,
        problems,
        forms_found: files.len(),
        roster: None,
    })
}

/// The tables, chart and report of what was read, written atomically to `r.out`.
fn write(r: &Request, tables: &PlanTables, spec: Option<&Spec>, read: Read) -> Result<Outcome> {
    let Read {
        year,
        forms,
        problems,
        forms_found,
        roster,
    } = read;
    let units: BTreeMap<String, String> = tables
        .units
        .iter()
        .map(|u| (u.unit.clone(), u.name.clone()))
        .collect();
    let stock_rows: Vec<ActualStockRow> = forms
        .values()
        .flat_map(|f| {
            f.stocks
                .iter()
                .map(
                    |((group, gender, role, trained), [start, end, actual])| ActualStockRow {
                        unit: f.unit.clone(),
                        unit_name: units.get(&f.unit).cloned().unwrap_or_default(),
                        group: group.clone(),
                        gender: *gender,
                        role: *role,
                        trained: *trained,
                        plan_start: *start,
                        plan_end: *end,
                        actual: *actual,
                    },
                )
        })
        .collect();
    let flow_rows: Vec<ActualFlowRow> = forms
        .values()
        .flat_map(|f| {
            f.flows.iter().map(
                |((flow, via, (group, gender, role, trained)), [plan, actual])| {
                    let hire = *flow == FlowKind::Hire;
                    ActualFlowRow {
                        unit: f.unit.clone(),
                        unit_name: units.get(&f.unit).cloned().unwrap_or_default(),
                        flow: *flow,
                        channel: if hire { via.clone() } else { String::new() },
                        counterpart: if hire { String::new() } else { via.clone() },
                        group: group.clone(),
                        gender: *gender,
                        role: *role,
                        trained: *trained,
                        plan: *plan,
                        actual: *actual,
                    }
                },
            )
        })
        .collect();
    let dates: BTreeSet<String> = forms
        .values()
        .map(|f| format!("{:04}-{:02}-{:02}", f.date.0, f.date.1, f.date.2))
        .collect();
    let summary = ActualsSummary {
        bienche_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: tables.summary.scenario.clone(),
        year,
        forms_found,
        units: units.len(),
        compiled: forms.len(),
        with_problems: problems
            .iter()
            .filter(|p| !p.file.is_empty())
            .map(|p| p.file.clone())
            .collect::<BTreeSet<_>>()
            .len(),
        missing: units
            .keys()
            .filter(|u| !forms.contains_key(*u))
            .cloned()
            .collect(),
        earliest_date: dates.first().cloned().unwrap_or_default(),
        latest_date: dates.last().cloned().unwrap_or_default(),
        problems: problems.len(),
        plan_manifest_sha256: crate::forms::manifest_sha256(r.plan)?,
        report_dates: forms
            .iter()
            .map(|(u, f)| {
                let (y, m, d) = f.date;
                (u.clone(), format!("{y:04}-{m:02}-{d:02}"))
            })
            .collect(),
        roster: roster.as_ref().map(|r| r.0.clone()).unwrap_or_default(),
        as_of: roster
            .map(|(_, (y, m, d))| format!("{y:04}-{m:02}-{d:02}"))
            .unwrap_or_default(),
    };
    let compiled: BTreeSet<String> = forms.keys().cloned().collect();
    let required = spec.map(|spec| required_on_actuals(spec, &stock_rows, year));
    let status = rule_status(tables, &stock_rows, &compiled, year, required.as_ref());
    let labels = Labels::new(r.lang)?;
    crate::output::write_folder(r.out, |dir| {
        crate::output::write::rows(dir, &stock_rows)?;
        crate::output::write::rows(dir, &flow_rows)?;
        crate::output::write::rows(dir, &status)?;
        let plots = dir.join("plots").join(labels.lang());
        crate::output::folder::make_dir(&plots)?;
        crate::charts::actuals::draw(
            &plots,
            &status,
            &crate::charts::actuals::Source {
                scenario: &tables.summary.scenario,
                illustrative: tables.summary.illustrative,
            },
            &labels,
        )?;
        crate::output::write::rows(dir, &problems)?;
        crate::output::write::json(dir, "actuals.json", &summary)?;
        crate::workbook::actuals::write(
            dir,
            tables,
            &labels,
            &crate::workbook::actuals::Compiled {
                summary: &summary,
                stocks: &stock_rows,
                flows: &flow_rows,
                status: &status,
                problem_units: problems
                    .iter()
                    .filter(|p| !p.file.is_empty())
                    .map(|p| p.unit.clone())
                    .collect(),
                show_small: r.show_small,
                recomputed: spec.is_some(),
            },
        )
    })?;
    Ok(Outcome {
        summary,
        problems,
        warnings: Vec::new(),
    })
}

/// The head-count a rule's unit row counts, when a head-count measures it: EM staff (R1–R3,
/// I1), EM women (R4), EM leaders (R6), EM women leaders (R7), trained EM staff (R8), all
/// staff (I3); not R5, I2 or I4.
fn who_of(rule: Rule) -> Option<Who> {
    match rule {
        Rule::R1 | Rule::R2 | Rule::R3 | Rule::I1 => Some(Who::Em),
        Rule::R4 => Some(Who::EmWomen),
        Rule::R6 => Some(Who::EmLeaders),
        Rule::R7 => Some(Who::EmWomenLeaders),
        Rule::R8 => Some(Who::EmTrained),
        Rule::I3 => Some(Who::All),
        _ => None,
    }
}

/// The requirements of `year` that depend on the unit's own head-counts (in a target year R6
/// and R8 are shares of its EM staff, R7 of R6's requirement) recomputed on the actual
/// head-counts, by unit and rule: every target and milestone chain of the year evaluated on
/// a plan whose stocks of `year` are the actual ones ([`crate::rules::evaluate_chain`]).
/// Fixed requirements (milestones among them) come out as `targets.csv` has them. In a target
/// year the clauses are evaluated too: a public service unit's EM manager (R6) is required
/// where its actual EM staff are 30% or more of its staff, and not (0) where they are not.
fn required_on_actuals(
    spec: &Spec,
    stocks: &[ActualStockRow],
    year: i32,
) -> BTreeMap<(String, Rule), u32> {
    let Some(y) = crate::rules::roadmap::years(spec)
        .into_iter()
        .find(|y| y.year == year)
    else {
        return BTreeMap::new();
    };
    let unit_of: BTreeMap<&str, usize> = spec
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id.as_str(), i))
        .collect();
    let group_of: BTreeMap<&str, usize> = spec
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| (g.id.as_str(), i))
        .collect();
    let mut plan = crate::plan::Plan::default();
    for s in stocks.iter().filter(|s| s.actual > 0) {
        let (Some(&u), Some(&group)) =
            (unit_of.get(s.unit.as_str()), group_of.get(s.group.as_str()))
        else {
            continue;
        };
        let cell = crate::domain::Cell {
            group,
            female: s.gender == Gender::Female,
            leader: s.role == Role::Leader,
            trained: s.trained,
        };
        *plan.stock.entry((year, u, cell)).or_default() += s.actual;
    }
    let mut required: BTreeMap<(String, Rule), u32> = crate::rules::roadmap::chains(spec, y)
        .iter()
        .flat_map(|chain| crate::rules::evaluate_chain(spec, &plan, chain))
        .filter(|row| row.unit != "PROVINCE")
        .map(|row| ((row.unit, row.rule), row.required))
        .collect();
    // In a target year, the clauses that apply on the actual staff (the public-service
    // units' EM manager): required where they apply, 0 where they do not.
    if !y.milestone {
        let reported: BTreeSet<&str> = stocks.iter().map(|s| s.unit.as_str()).collect();
        for u in crate::rules::r6_r7_leaders::public_service_units(
            spec,
            &(0..spec.units.len()).collect::<Vec<_>>(),
        ) {
            if reported.contains(spec.units[u].id.as_str()) {
                required.insert((spec.units[u].id.clone(), Rule::R6), 0);
            }
        }
        for family in crate::rules::FAMILIES {
            for row in family.evaluate_clauses(spec, &plan, year) {
                if row.unit != "PROVINCE" && reported.contains(row.unit.as_str()) {
                    required.insert((row.unit, row.rule), row.required);
                }
            }
        }
    }
    required
}

/// Each compiled unit's rows of `year` that a head-count measures, with the actual
/// head-count and where it stands: behind (below required), ahead (above the plan's end of
/// the year), else on track. The actual is taken on the report date, the plan at the end of
/// the year; the requirement recomputed on the actual staff where given (`required`), else
/// `targets.csv`'s. Province-wide rows (`PROVINCE`) are not assessed: they need every unit.
pub fn rule_status(
    tables: &PlanTables,
    stocks: &[ActualStockRow],
    compiled: &BTreeSet<String>,
    year: i32,
    required: Option<&BTreeMap<(String, Rule), u32>>,
) -> Vec<RuleStatusRow> {
    let em: BTreeSet<&str> = tables
        .summary
        .groups
        .iter()
        .filter(|g| g.em)
        .map(|g| g.group.as_str())
        .collect();
    // (the plan's, the actual) head-count of a unit that a rule counts.
    let counted = |unit: &str, who: Who| -> [u32; 2] {
        let mut n = [0, 0];
        for s in stocks
            .iter()
            .filter(|s| s.unit == unit && counts(who, &em, s))
        {
            n[0] += s.plan_end;
            n[1] += s.actual;
        }
        n
    };
    let row =
        |unit: &str, unit_name: &str, rule: Rule, kind: TargetKind, needed: u32, plan: u32| {
            let actual = counted(unit, who_of(rule)?)[1];
            let status = if actual < needed {
                Status::Behind
            } else if actual > plan {
                Status::Ahead
            } else {
                Status::OnTrack
            };
            Some(RuleStatusRow {
                unit: unit.to_string(),
                unit_name: unit_name.to_string(),
                rule,
                year,
                kind,
                required: needed,
                plan,
                actual,
                status,
            })
        };
    let mut out = Vec::new();
    let mut seen: BTreeSet<(String, Rule)> = BTreeSet::new();
    for t in tables
        .targets
        .iter()
        .filter(|t| t.year == year && compiled.contains(&t.unit) && t.kind != TargetKind::Goal)
    {
        let needed = required
            .and_then(|r| r.get(&(t.unit.clone(), t.rule)))
            .copied()
            .unwrap_or(t.required);
        seen.insert((t.unit.clone(), t.rule));
        out.extend(row(
            &t.unit,
            &t.unit_name,
            t.rule,
            t.kind,
            needed,
            t.achieved,
        ));
    }
    // A clause that applies on the actual staff but did not in the plan (a public service
    // unit whose EM staff reached 30%): a row of its own, the plan's head-count beside it.
    let name_of = |unit: &str| {
        tables
            .units
            .iter()
            .find(|u| u.unit == unit)
            .map_or(String::new(), |u| u.name.clone())
    };
    for ((unit, rule), &needed) in required.into_iter().flatten() {
        if needed > 0 && compiled.contains(unit) && !seen.contains(&(unit.clone(), *rule)) {
            let Some(who) = who_of(*rule) else { continue };
            let plan = counted(unit, who)[0];
            out.extend(row(
                unit,
                &name_of(unit),
                *rule,
                TargetKind::Target,
                needed,
                plan,
            ));
        }
    }
    let order: BTreeMap<&str, usize> = tables
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.unit.as_str(), i))
        .collect();
    out.sort_by_key(|r| (order.get(r.unit.as_str()).copied(), r.rule));
    out
}

/// Whether `who` counts the people of a row of `actual_stocks.csv` (`em`: the EM groups).
pub(crate) fn counts(who: Who, em: &BTreeSet<&str>, s: &ActualStockRow) -> bool {
    let cell = crate::domain::Cell {
        group: 0,
        female: s.gender == Gender::Female,
        leader: s.role == Role::Leader,
        trained: s.trained,
    };
    who.counts(em.contains(s.group.as_str()), &cell)
}

fn problem(file: &str, sheet: &str, cell: &str, unit: &str, message: String) -> ProblemRow {
    ProblemRow {
        file: file.to_string(),
        sheet: sheet.to_string(),
        cell: cell.to_string(),
        unit: unit.to_string(),
        message,
    }
}

/// A cell's address, `C5`, from 0-based row and column.
fn address(row: u32, col: u16) -> String {
    let mut letters = String::new();
    let mut c = col as u32 + 1;
    while c > 0 {
        let rem = (c - 1) % 26;
        letters.insert(0, (b'A' + rem as u8) as char);
        c = (c - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

/// Opens a form: its report sheet (named so in either language).
fn open(path: &Path) -> std::result::Result<(String, Range<Data>), String> {
    // calamine's messages hold ": ", where the console's translator cuts a line.
    let plain = |e: &dyn std::fmt::Display| e.to_string().replace(": ", " – ");
    let mut book = calamine::open_workbook_auto(path).map_err(|e| {
        format!(
            "cannot be read as a workbook ({}); expected a form written by bienche forms",
            plain(&e)
        )
    })?;
    let names = book.sheet_names();
    let sheet = names
        .iter()
        .find(|n| ["Báo cáo", "Report"].contains(&n.as_str()))
        .cloned()
        .ok_or_else(|| {
            format!(
                "no sheet 'Báo cáo' (or 'Report'), found {}; expected a form written by bienche forms",
                names.join(", ")
            )
        })?;
    let range = book
        .worksheet_range(&sheet)
        .map_err(|e| format!("the sheet '{sheet}' cannot be read ({})", plain(&e)))?;
    Ok((sheet, range))
}

/// A cell as a whole number, when it is one.
fn whole(d: Option<&Data>) -> Option<i64> {
    match d? {
        Data::Int(i) => Some(*i),
        Data::Float(f) if f.fract() == 0.0 => Some(*f as i64),
        Data::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A cell shown in a message: its text, or "blank".
fn shown(d: Option<&Data>) -> String {
    match d {
        None | Some(Data::Empty) => "a blank cell".into(),
        Some(Data::String(s)) => format!("\"{s}\""),
        Some(other) => format!("\"{other}\""),
    }
}

fn text(d: Option<&Data>) -> String {
    match d {
        Some(Data::String(s)) => s.trim().to_string(),
        Some(Data::Float(f)) => format!("{f}"),
        Some(Data::Int(i)) => format!("{i}"),
        _ => String::new(),
    }
}

fn is_blank(d: Option<&Data>) -> bool {
    matches!(d, None | Some(Data::Empty))
        || matches!(d, Some(Data::String(s)) if s.trim().is_empty())
}

/// A day from an Excel serial number (days since 30 December 1899).
fn day_of_serial(serial: f64) -> (i32, u32, u32) {
    // Days since 1970-01-01, then the civil date (H. Hinnant's algorithm).
    let z = serial.floor() as i64 - 25_569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = (yoe + era * 400 + i64::from(m <= 2)) as i32;
    (y, m, d)
}

/// The report date: an Excel date, or text `dd/mm/yyyy` or `yyyy-mm-dd`.
fn date(d: Option<&Data>) -> Option<(i32, u32, u32)> {
    match d? {
        Data::DateTime(dt) => serial_day(dt.as_f64()),
        Data::Float(f) => serial_day(*f),
        Data::Int(i) => serial_day(*i as f64),
        Data::DateTimeIso(s) | Data::String(s) => {
            // A time after the day (`2026-11-01T00:00:00`, `01/11/2026 08:00`) is dropped.
            let day = s.trim().split(['T', ' ']).next().unwrap_or("");
            let n: Vec<i64> = day
                .split(['/', '-', '.'])
                .map(|p| p.parse().ok())
                .collect::<Option<Vec<i64>>>()?;
            let [a, b, c] = n[..] else { return None };
            let (y, m, d) = if a > 31 { (a, b, c) } else { (c, b, a) };
            let y = i32::try_from(y)
                .ok()
                .filter(|y| (1900..=9999).contains(y))?;
            let m = u32::try_from(m).ok().filter(|m| (1..=12).contains(m))?;
            let d = u32::try_from(d)
                .ok()
                .filter(|d| *d >= 1 && *d <= YearMonth { year: y, month: m }.last_day())?;
            Some((y, m, d))
        }
        _ => None,
    }
}

/// A day from a serial within Excel's dates (1900-01-01 to 9999-12-31).
fn serial_day(serial: f64) -> Option<(i32, u32, u32)> {
    (1.0..2_958_466.0)
        .contains(&serial)
        .then(|| day_of_serial(serial))
}

/// The words of the forms' drop-downs in both languages, back to codes.
struct Words {
    groups: BTreeMap<String, String>,
    genders: BTreeMap<String, Gender>,
    roles: BTreeMap<String, Role>,
    yes_no: BTreeMap<String, bool>,
    flows: BTreeMap<String, FlowKind>,
    channels: BTreeMap<String, String>,
}

impl Words {
    fn of(t: &PlanTables) -> Words {
        let mut w = Words {
            groups: BTreeMap::new(),
            genders: BTreeMap::new(),
            roles: BTreeMap::new(),
            yes_no: BTreeMap::new(),
            flows: BTreeMap::new(),
            channels: BTreeMap::new(),
        };
        let key = |s: &str| s.trim().to_lowercase();
        let channels: BTreeSet<String> = t
            .flows
            .iter()
            .filter(|f| f.flow == FlowKind::Hire)
            .map(|f| f.channel.clone())
            .collect();
        for lang in ["vi", "en"] {
            let Ok(l) = Labels::new(lang) else { continue };
            for g in &t.summary.groups {
                w.groups.insert(key(&g.group), g.group.clone());
                if let Some(n) = &g.name {
                    w.groups.insert(key(n), g.group.clone());
                }
            }
            for g in [Gender::Female, Gender::Male] {
                w.genders
                    .insert(key(&l.get(&format!("fm_gender_{}", g.name()), &[])), g);
                w.genders.insert(key(g.name()), g);
            }
            for r in [Role::Staff, Role::Leader] {
                w.roles
                    .insert(key(&l.get(&format!("fm_role_{}", r.name()), &[])), r);
                w.roles.insert(key(r.name()), r);
            }
            w.yes_no.insert(key(&l.get("wb_yes", &[])), true);
            w.yes_no.insert(key(&l.get("wb_no", &[])), false);
            for f in crate::forms::FLOWS {
                w.flows
                    .insert(key(&l.get(&format!("fm_flow_{}", f.name()), &[])), f);
                w.flows.insert(key(f.name()), f);
            }
            for c in &channels {
                w.channels
                    .insert(key(&crate::workbook::channel_words(&l, c)), c.clone());
                w.channels.insert(key(c), c.clone());
            }
        }
        w
    }
}

/// The keys a form writes: `A|group|gender|role|trained` and `B|flow|channel|…`.
fn parse_cell(parts: &[&str]) -> Option<Cell> {
    let [group, gender, role, trained] = parts else {
        return None;
    };
    let gender = match *gender {
        "F" => Gender::Female,
        "M" => Gender::Male,
        _ => return None,
    };
    let role = match *role {
        "staff" => Role::Staff,
        "leader" => Role::Leader,
        _ => return None,
    };
    let trained = match *trained {
        "yes" => true,
        "no" => false,
        _ => return None,
    };
    Some((group.to_string(), gender, role, trained))
}

fn flow_of(name: &str) -> Option<FlowKind> {
    crate::forms::FLOWS.into_iter().find(|f| f.name() == name)
}

/// A form's report sheet.
struct Source<'a> {
    file: &'a str,
    sheet: &'a str,
    range: &'a Range<Data>,
}

/// A cell in a message: `Thai, F, staff, trained no`.
fn cell_words((group, gender, role, trained): &Cell) -> String {
    format!(
        "{group}, {}, {}, trained {}",
        gender.name(),
        role.name(),
        if *trained { "yes" } else { "no" }
    )
}

/// Reads one form; `None` when it cannot be read at all (its problems in `found`). The
/// plan's figures are the plan's (`planned`), never the form's; a row the plan does not
/// have, a row missing, or a row twice is a problem.
fn read_form(
    src: &Source,
    year: i32,
    units: &BTreeMap<String, String>,
    words: &Words,
    planned: &Planned,
    found: &mut Vec<ProblemRow>,
) -> Option<Form> {
    let (file, sheet, range) = (src.file, src.sheet, src.range);
    let at = |row: u32, col: u16| range.get_value((row, col as u32));
    let unit = text(at(ROW_UNIT, COL_VALUE));
    let said = std::cell::Cell::new(0usize);
    let mut say = |row: u32, col: u16, message: String| {
        said.set(said.get() + 1);
        found.push(problem(file, sheet, &address(row, col), &unit, message));
    };
    if !units.contains_key(&unit) {
        say(
            ROW_UNIT,
            COL_VALUE,
            format!(
                "{} is not a unit of the plan; expected the id of a unit in its units.csv",
                shown(at(ROW_UNIT, COL_VALUE))
            ),
        );
        return None;
    }
    match whole(at(ROW_YEAR, COL_VALUE)) {
        Some(y) if y == i64::from(year) => {}
        _ => say(
            ROW_YEAR,
            COL_VALUE,
            format!(
                "the form is for {}; expected {year}, the year of the forms",
                shown(at(ROW_YEAR, COL_VALUE))
            ),
        ),
    }
    let (height, _) = range.end().unwrap_or((0, 0));
    let keys: Vec<(u32, String)> = (0..=height)
        .map(|row| (row, text(at(row, COL_KEY))))
        .filter(|(_, k)| !k.is_empty())
        .collect();
    if keys.is_empty() {
        say(
            ROW_UNIT,
            COL_KEY,
            "no row keys in column J; expected the form's layout as bienche forms wrote it".into(),
        );
        return None;
    }
    // A count cell holding something other than a blank or a 0.
    let counted =
        |row: u32, col: u16| whole(at(row, col)).map_or(!is_blank(at(row, col)), |n| n != 0);
    let actual_col = |key: &str| match key.split('|').next() {
        Some("A" | "A+") => Some(COL_A_ACTUAL),
        Some("B" | "B+") => Some(COL_B_ACTUAL),
        _ => None,
    };
    let filled = keys
        .iter()
        .any(|(row, k)| actual_col(k).is_some_and(|c| !is_blank(at(*row, c))));
    if !filled && is_blank(at(ROW_DATE, COL_VALUE)) {
        // A form returned as it was written: one problem, not one per blank.
        say(
            ROW_DATE,
            COL_VALUE,
            "nothing is filled in; expected the actual counts (0 where there is none)".into(),
        );
        return None;
    }
    let day = match date(at(ROW_DATE, COL_VALUE)) {
        Some(d) if d.0 == year => d,
        _ => {
            say(
                ROW_DATE,
                COL_VALUE,
                format!(
                    "the report date is {}; expected a date of {year} (dd/mm/yyyy)",
                    shown(at(ROW_DATE, COL_VALUE))
                ),
            );
            (year, 1, 1)
        }
    };
    let count = |row: u32, col: u16, say: &mut dyn FnMut(u32, u16, String)| -> u32 {
        let d = at(row, col);
        match whole(d) {
            Some(n) if (0..=i64::from(crate::table::MAX_COUNT)).contains(&n) => n as u32,
            _ => {
                let what = if is_blank(d) {
                    "the actual count is blank; expected a whole number of people (0 where there is none)".to_string()
                } else {
                    format!(
                        "expected a whole number of people, 0 or more, found {}",
                        shown(d)
                    )
                };
                say(row, col, what);
                0
            }
        }
    };
    let lookup = |row: u32,
                  col: u16,
                  map_name: &str,
                  say: &mut dyn FnMut(u32, u16, String)|
     -> Option<String> {
        let v = text(at(row, col)).to_lowercase();
        let known = match map_name {
            "group" => words.groups.get(&v).cloned(),
            "gender" => words.genders.get(&v).map(|g| g.name().to_string()),
            "role" => words.roles.get(&v).map(|r| r.name().to_string()),
            "trained" => words
                .yes_no
                .get(&v)
                .map(|b| (if *b { "yes" } else { "no" }).to_string()),
            "flow" => words.flows.get(&v).map(|f| f.name().to_string()),
            _ => {
                if v.is_empty() {
                    Some(String::new())
                } else {
                    words.channels.get(&v).cloned()
                }
            }
        };
        if known.is_none() {
            say(
                row,
                col,
                format!(
                    "{} is not in the list; expected a value of the drop-down",
                    shown(at(row, col))
                ),
            );
        }
        known
    };
    let mut stocks: BTreeMap<Cell, [u32; 3]> = BTreeMap::new();
    let mut flows: BTreeMap<(FlowKind, String, Cell), [u32; 2]> = BTreeMap::new();
    // Each key's row, the first time it is seen (an A+ row's under its cell's key).
    let mut rows_of: BTreeMap<String, u32> = BTreeMap::new();
    let mut once = |key: &str, row: u32, col: u16, say: &mut dyn FnMut(u32, u16, String)| -> bool {
        match rows_of.get(key) {
            Some(first) => {
                say(
                    row,
                    col,
                    format!(
                        "this row repeats row {} (the same group, gender, post, training and change); expected each once",
                        first + 1
                    ),
                );
                false
            }
            None => {
                rows_of.insert(key.to_string(), row);
                true
            }
        }
    };
    let before_rows = said.get();
    for (row, key) in &keys {
        let row = *row;
        let parts: Vec<&str> = key.split('|').collect();
        match parts.first().copied() {
            Some("A") => {
                let cell = parse_cell(&parts[1..]);
                let plan = cell
                    .as_ref()
                    .and_then(|c| planned.stocks.get(&(unit.clone(), c.clone())));
                let (Some(cell), Some(plan)) = (cell, plan) else {
                    say(row, COL_KEY, format!("the row key \"{key}\" is not one of the plan's rows; expected the rows as bienche forms wrote them"));
                    continue;
                };
                if !once(key, row, COL_A_ACTUAL, &mut say) {
                    continue;
                }
                let actual = count(row, COL_A_ACTUAL, &mut say);
                let e = stocks.entry(cell).or_default();
                e[0] = plan[0];
                e[1] = plan[1];
                e[2] += actual;
            }
            Some("B") => {
                let flow = parts.get(1).and_then(|f| flow_of(f));
                let cell = parts.get(3..).and_then(parse_cell);
                let via = parts.get(2).map(|v| v.to_string()).unwrap_or_default();
                let plan = match (&flow, &cell) {
                    (Some(f), Some(c)) => {
                        planned
                            .flows
                            .get(&(unit.clone(), *f, via.clone(), c.clone()))
                    }
                    _ => None,
                };
                let (Some(flow), Some(cell), Some(plan)) = (flow, cell, plan) else {
                    say(row, COL_KEY, format!("the row key \"{key}\" is not one of the plan's rows; expected the rows as bienche forms wrote them"));
                    continue;
                };
                if !once(key, row, COL_B_ACTUAL, &mut say) {
                    continue;
                }
                let actual = count(row, COL_B_ACTUAL, &mut say);
                let e = flows.entry((flow, via, cell)).or_default();
                e[0] = *plan;
                e[1] += actual;
            }
            Some(extra @ ("A+" | "B+")) => {
                let (fields, actual_col): (&[(&str, u16)], u16) = if extra == "A+" {
                    (
                        &[("group", 0), ("gender", 1), ("role", 2), ("trained", 3)],
                        COL_A_ACTUAL,
                    )
                } else {
                    (
                        &[
                            ("group", 0),
                            ("gender", 1),
                            ("role", 2),
                            ("trained", 3),
                            ("flow", 4),
                            ("channel", 5),
                        ],
                        COL_B_ACTUAL,
                    )
                };
                // Unused: nothing chosen, and no count or a 0.
                let used =
                    fields.iter().any(|(_, c)| !is_blank(at(row, *c))) || counted(row, actual_col);
                if !used {
                    continue;
                }
                let mut values = Vec::new();
                for (name, c) in fields {
                    if *name != "channel" && is_blank(at(row, *c)) {
                        say(
                            row,
                            *c,
                            "the row is filled in only in part; expected a value of the drop-down"
                                .into(),
                        );
                        values.push(None);
                    } else {
                        values.push(lookup(row, *c, name, &mut say));
                    }
                }
                let actual = count(row, actual_col, &mut say);
                let Some(values) = values.into_iter().collect::<Option<Vec<String>>>() else {
                    continue;
                };
                let refs: Vec<&str> = values.iter().map(String::as_str).collect();
                let Some(cell) = parse_cell(&refs[..4]) else {
                    continue;
                };
                if extra == "A+" {
                    let key = format!("A|{}", refs[..4].join("|"));
                    if planned.stocks.contains_key(&(unit.clone(), cell.clone())) {
                        say(
                            row,
                            0,
                            format!(
                                "{} has its own row in section A; expected it there",
                                cell_words(&cell)
                            ),
                        );
                        continue;
                    }
                    if !once(&key, row, COL_A_ACTUAL, &mut say) {
                        continue;
                    }
                    stocks.entry(cell).or_default()[2] += actual;
                    continue;
                }
                let Some(flow) = flow_of(&values[4]) else {
                    continue;
                };
                let channel = values[5].clone();
                let wrong = match flow {
                    FlowKind::Hire if channel.is_empty() => Some((5, "a hire needs its recruitment channel; expected a value of the drop-down")),
                    FlowKind::Hire => None,
                    _ if !channel.is_empty() => Some((5, "a recruitment channel is for a hire only; expected a blank for this change")),
                    FlowKind::Promote if cell.2 == Role::Leader => Some((2, "a promotion is of a person not yet a leader; expected the post before the promotion")),
                    FlowKind::StepDown if cell.2 == Role::Staff => Some((2, "a step-down is of a leader; expected the post before the step-down")),
                    FlowKind::Train if cell.3 => Some((3, "a training is of a person not yet trained; expected no before the training")),
                    _ => None,
                };
                if let Some((col, message)) = wrong {
                    say(row, col, message.into());
                    continue;
                }
                let key = format!("B|{}|{channel}|{}", flow.name(), refs[..4].join("|"));
                let planned_row = (unit.clone(), flow, channel.clone(), cell.clone());
                if planned.flows.contains_key(&planned_row) {
                    say(
                        row,
                        4,
                        format!(
                            "{} ({}) has its own row in section B; expected it there",
                            cell_words(&cell),
                            flow.name()
                        ),
                    );
                    continue;
                }
                if !once(&key, row, COL_B_ACTUAL, &mut say) {
                    continue;
                }
                flows.entry((flow, channel, cell)).or_default()[1] += actual;
            }
            _ => {}
        }
    }
    // Every row the form was written with is still there.
    let rows_seen: BTreeSet<&String> = rows_of.keys().collect();
    for (_, cell) in planned.stocks.keys().filter(|(u, _)| *u == unit) {
        let key = format!("A|{}", cell_key(cell));
        if !rows_seen.contains(&key) {
            say(ROW_UNIT, COL_KEY, format!("the row of {} is missing in section A; expected every row as bienche forms wrote them", cell_words(cell)));
        }
    }
    for (_, flow, via, cell) in planned.flows.keys().filter(|(u, ..)| *u == unit) {
        let key = format!("B|{}|{via}|{}", flow.name(), cell_key(cell));
        if !rows_seen.contains(&key) {
            say(ROW_UNIT, COL_KEY, format!("the row of {} ({}) is missing in section B; expected every row as bienche forms wrote them", cell_words(cell), flow.name()));
        }
    }
    // Each cell's head-count adds up: the start, plus what came in, less what went out
    // (not checked when a count or a row could not be read: the sum would blame the wrong
    // cell).
    if said.get() > before_rows {
        return Some(Form {
            unit,
            date: day,
            stocks,
            flows,
        });
    }
    let mut moved: BTreeMap<Cell, i64> = BTreeMap::new();
    for ((flow, _, cell), [_, actual]) in &flows {
        let n = i64::from(*actual);
        let (group, gender, role, trained) = cell.clone();
        match flow {
            FlowKind::Hire | FlowKind::TransferIn => *moved.entry(cell.clone()).or_default() += n,
            FlowKind::Retire | FlowKind::Attrition | FlowKind::Exit | FlowKind::TransferOut => {
                *moved.entry(cell.clone()).or_default() -= n
            }
            FlowKind::Promote => {
                *moved.entry(cell.clone()).or_default() -= n;
                *moved
                    .entry((group, gender, Role::Leader, trained))
                    .or_default() += n;
            }
            FlowKind::Train => {
                *moved.entry(cell.clone()).or_default() -= n;
                *moved.entry((group, gender, role, true)).or_default() += n;
            }
            FlowKind::StepDown => {
                *moved.entry(cell.clone()).or_default() -= n;
                *moved
                    .entry((group, gender, Role::Staff, trained))
                    .or_default() += n;
            }
        }
    }
    let cells: BTreeSet<Cell> = stocks.keys().chain(moved.keys()).cloned().collect();
    for cell in cells {
        let [start, _, actual] = stocks.get(&cell).copied().unwrap_or([0, 0, 0]);
        let change = moved.get(&cell).copied().unwrap_or(0);
        let expected = i64::from(start) + change;
        if expected != i64::from(actual) {
            // The cell's row, or the unit's cell when it has none (reached by section B only:
            // a blank row of section A is where to give it).
            let row = rows_of.get(&format!("A|{}", cell_key(&cell)));
            let (row, col) = row.map_or((ROW_UNIT, COL_VALUE), |r| (*r, COL_A_ACTUAL));
            say(
                row,
                col,
                format!(
                    "{}: the start of the year {start}, changed by {change:+} in section B, makes {expected}, but the actual head-count is {actual}; expected the figures to add up",
                    cell_words(&cell)
                ),
            );
        }
    }
    Some(Form {
        unit,
        date: day,
        stocks,
        flows,
    })
}
