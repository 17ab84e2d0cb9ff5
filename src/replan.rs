//! `bienche replan PLAN --actuals DIR --out DIR`: plans the years after a reported year from
//! what actually happened, and says what changed.
//!
//! The recipe:
//! 1. read the plan folder and its scenario (unchanged since the plan), and the actuals
//!    compiled against that very plan (`actuals.json` names its manifest);
//! 2. the stock at 31 December of the reported year Y, cell by cell ([`start_stock`]):
//!    for a unit whose form was compiled, `S = A − R − L`, where A is the actual head-count
//!    on the unit's report date d, R the retirements of Y the plan books in the cell and the
//!    form does not report (planned − reported, at least 0, at most A), and L the leavers of
//!    the days left: the unit's settled rate × (days after d to 31 December) / (days in Y)
//!    × (A − R), the province's total rounded to nearest (halves up) and shared over the
//!    units, then each unit's cells, by largest remainder. A unit with more leaders than
//!    posts is refused (the form or the posts are wrong); one above its quota is planned
//!    back within it. Hires, promotions and trainings of the days left are not assumed:
//!    what the form does not report is planned again from Y + 1. A unit without a compiled
//!    form keeps the plan's stock at 31 December of Y;
//! 3. the re-plan's scenario, a variant written to `OUT/scenario`: it extends the plan's
//!    scenario, sets `base_year = Y` and (for the first re-plan) `reference_year` = the first
//!    plan's base year with its staff as `reference_staff.csv`, so that the milestones and
//!    the intent floors stay those adopted; replaces the staff and retirement tables whole
//!    (`[[remove]]`, then its own): `staff.csv` = S, its recent hires dated
//!    ([`date_recent_hires`]), and `retirements.csv` = the bookings
//!    after Y, a booking not taken by a form dated 31 December moved to Y + 1, an early
//!    retirement's later booking taken away, and bookings beyond a cell's people cut (the
//!    latest first); every other table and setting is the original's (year ranges that begin
//!    before Y + 1 keep their later years, rows that end before it are left out);
//! 4. plan it like `bienche plan` ([`crate::run::plan`]), its manifest naming the plan it
//!    replaces;
//! 5. compare with the replaced plan over the years after Y ([`changes`]): per unit, hires,
//!    leavers and cost before and after, and the target rows newly missed, newly at risk (met
//!    with a chance below `policy.confidence` and at least 10 points lower) or recovered.
//!
//! The past is fixed by construction: the re-plan has no year up to Y to change.

use crate::domain::target::{TargetKind, TargetRow};
use crate::domain::{Cell, FlowKind, Gender, Role, Spec};
use crate::error::{Error, Result};
use crate::output::contract::Table;
use crate::output::contract::{
    yes_no, ActualFlowRow, ActualStockRow, ActualsSummary, ChangeRow, CostRow, FlowRow, Money,
    PlanTables, Replaces, ReplanSummary, TargetChangeRow,
};
use crate::output::folder::absolute;
use crate::retirement::YearMonth;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The re-plan's scenario folder inside its output.
pub const SCENARIO: &str = "scenario";
const MARK: &str = "# Written by bienche replan";
/// The staged scenario's folder beside OUT: `.OUT.replan-PID`.
pub const STAGED: &str = "replan";
/// The files of the re-plan's scenario.
const FILES: [&str; 4] = [
    "scenario.toml",
    "staff.csv",
    "reference_staff.csv",
    "retirements.csv",
];

/// The command line of `replan`, checked.
pub struct Request<'a> {
    pub plan: &'a Path,
    pub actuals: &'a Path,
    pub out: &'a Path,
}

/// A cell of `reference_staff.csv`, by its words.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
struct StaffRow {
    unit: String,
    group: String,
    gender: Gender,
    role: Role,
    #[serde(with = "yes_no")]
    trained: bool,
    count: u32,
}

impl StaffRow {
    fn of(unit: &str, (group, gender, role, trained): CellKey, count: u32) -> StaffRow {
        StaffRow {
            unit: unit.to_string(),
            group,
            gender,
            role,
            trained,
            count,
        }
    }
}

/// A row of the re-plan's `staff.csv`: a cell's settled people (`hired` empty) or those of
/// it recruited in one year.
#[derive(Debug, Clone, Serialize)]
struct DatedStaffRow {
    unit: String,
    group: String,
    gender: Gender,
    role: Role,
    #[serde(with = "yes_no")]
    trained: bool,
    hired: Option<i32>,
    count: u32,
}

/// A row of `retirements.csv`.
#[derive(Debug, Clone, Serialize)]
struct RetirementRow {
    unit: String,
    group: String,
    gender: Gender,
    role: Role,
    #[serde(with = "yes_no")]
    trained: bool,
    year: i32,
    count: u32,
}

type CellKey = (String, Gender, Role, bool);

/// Where one unit starts.
struct Start {
    cells: BTreeMap<CellKey, u32>,
    /// Retirements booked for the reported year, not reported, of people still there on a
    /// report dated 31 December: booked again for the next year.
    overdue: BTreeMap<CellKey, u32>,
    /// Retirements reported beyond the year's bookings: the people left before their
    /// booked year, whose later bookings go (the earliest first).
    early: BTreeMap<CellKey, u32>,
    /// Of `cells`, the people recruited in each recent year ([`date_recent_hires`]).
    dated: BTreeMap<CellKey, BTreeMap<i32, u32>>,
    row: ChangeRow,
}

/// What [`prepare`] finds: the replaced plan, its actuals, and the re-plan's scenario
/// written into a folder beside the output, loaded.
pub struct Prepared {
    pub spec: Spec,
    pub before: PlanTables,
    pub replaces: Replaces,
    /// The roster the actuals were read from, as messages name it; empty for forms.
    pub roster: String,
    starts: Vec<ChangeRow>,
    from_plan: Vec<String>,
    /// Where the scenario was written, and where it will live (`OUT/scenario`).
    staged: PathBuf,
    scenario_dir: PathBuf,
}

/// Steps 1–3: reads the plan and actuals, writes and loads the re-plan's scenario.
pub fn prepare(r: &Request) -> Result<Prepared> {
    let (original, before) = crate::scenario::of_plan(r.plan, "re-planning")?;
    let summary: ActualsSummary = crate::output::read::json(&r.actuals.join("actuals.json"))?;
    let manifest_sha256 = crate::forms::manifest_sha256(r.plan)?;
    if summary.plan_manifest_sha256.is_empty() {
        return Err(Error::Usage(format!(
            "{}: compiled by an earlier version of bienche, which did not record the plan; compile the forms again (bienche actuals {} FORMS)",
            r.actuals.display(),
            r.plan.display()
        )));
    }
    if summary.plan_manifest_sha256 != manifest_sha256 {
        return Err(Error::input(
            Path::new("actuals.json"),
            None,
            "plan_manifest_sha256",
            format!(
                "the actuals were compiled against another plan than {}; expected actuals of that plan (bienche actuals {} FORMS)",
                r.plan.display(),
                r.plan.display()
            ),
        )
        .in_folder(r.actuals));
    }
    let year = summary.year;
    // A target year anchors the milestones after it: a re-plan from it or later would need
    // the quotas of years before its base, which a scenario does not hold.
    let first_target = original
        .config
        .time
        .targets
        .first()
        .map_or(before.summary.horizon, |t| t.year);
    if year <= before.summary.base_year || year >= first_target {
        return Err(Error::Usage(format!(
            "{}: the actuals report {year}; expected a year from {} to {} (re-planning from the first target year {} on is not supported yet)",
            r.actuals.display(),
            before.summary.base_year + 1,
            first_target - 1,
            first_target
        )));
    }
    if let Some(file) = &original.config.roster.file {
        return Err(Error::Usage(format!(
            "{}: the scenario derives its workforce from the roster \"{file}\" on load; expected staff.csv and retirements.csv (write them with bienche roster import, plan again, then re-plan)",
            before.manifest.scenario_dir.display()
        )));
    }
    let stocks: Vec<ActualStockRow> = crate::output::read::rows(r.actuals)?;
    let flows: Vec<ActualFlowRow> = crate::output::read::rows(r.actuals)?;
    let mut starts = start_stock(&original, &before, &summary, &stocks, &flows)
        .map_err(|e| e.in_folder(r.actuals))?;
    let bookings = adjusted_retirements(&original, year, &starts);
    date_recent_hires(&original, &before, year, &flows, &bookings, &mut starts);
    let (Some(out_abs), Some(plan_abs), Some(actuals_abs)) =
        (absolute(r.out), absolute(r.plan), absolute(r.actuals))
    else {
        return Err(Error::Usage(format!(
            "--out {}: not a usable path",
            r.out.display()
        )));
    };
    // Staged at the depth it will have, so that the inputs' names relative to it agree.
    let staged = out_abs.with_file_name(format!(
        ".{}.{STAGED}-{}",
        out_abs
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id()
    ));
    // An interrupt removes it; a later run into OUT clears one a killed run left.
    crate::output::folder::live_file(&staged, true);
    let _ = std::fs::remove_dir_all(&staged);
    let dir = staged.join(SCENARIO);
    crate::output::folder::make_dir(&dir)?;
    let written = write_scenario(&dir, &original, &before, year, &starts, &bookings);
    let spec = written.and_then(|()| crate::scenario::load(&dir));
    let spec = match spec {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staged);
            crate::output::folder::live_file(&staged, false);
            return Err(e);
        }
    };
    let from_plan = starts
        .iter()
        .filter(|s| s.row.start_from == "plan")
        .map(|s| s.row.unit.clone())
        .collect();
    Ok(Prepared {
        spec,
        replaces: Replaces {
            plan: plan_abs,
            manifest_sha256,
            actuals: actuals_abs,
            year,
        },
        before,
        roster: summary.roster.clone(),
        starts: starts.into_iter().map(|s| s.row).collect(),
        from_plan,
        staged,
        scenario_dir: out_abs.join(SCENARIO),
    })
}

impl Prepared {
    /// Step 4's output: the plan's folder with the scenario, `changes.csv`,
    /// `target_changes.csv` and `replan.json` in it; the summary.
    pub fn write(
        &self,
        out: &Path,
        report: &mut crate::run::Report,
        labels: Option<&crate::charts::labels::Labels>,
    ) -> Result<ReplanSummary> {
        report.tables.manifest.scenario_dir = self.scenario_dir.clone();
        report.tables.manifest.replaces = Some(self.replaces.clone());
        let confidence = self.spec.config.policy.confidence;
        let (rows, targets) = changes(
            &self.before,
            &report.tables,
            self.starts.clone(),
            confidence,
        );
        let province = rows.last().cloned().expect("changes end with the province");
        let summary = ReplanSummary {
            bienche_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario: report.tables.summary.scenario.clone(),
            replaces: self.replaces.clone(),
            base_year: self.replaces.year,
            scenario_dir: self.scenario_dir.clone(),
            from_actuals: self.from_actuals(),
            from_plan: self.from_plan.clone(),
            reported: province.reported,
            retiring: province.retiring,
            leaving: province.leaving,
            start: province.start,
            plan_end: province.plan_end,
            extra_hires: province.extra_hires,
            leavers_before: province.leavers_before,
            leavers_after: province.leavers_after,
            cost_change: province.cost_change.value(),
            gap_before_million_vnd: self.before.summary.solver.gap_million_vnd,
            gap_after_million_vnd: report.tables.summary.solver.gap_million_vnd,
            newly_missed: province.newly_missed,
            newly_at_risk: province.newly_at_risk,
            recovered: province.recovered,
        };
        let staged = self.staged.clone();
        let result = crate::run::write_with(out, &report.tables, labels, |dir| {
            let to = dir.join(SCENARIO);
            crate::output::folder::make_dir(&to)?;
            for name in FILES {
                let from = staged.join(SCENARIO).join(name);
                // The optional tables are written only when they have rows.
                let optional = name == "reference_staff.csv" || name == "retirements.csv";
                if !optional || from.exists() {
                    std::fs::copy(&from, to.join(name)).map_err(|e| Error::output(&from, e))?;
                }
            }
            crate::output::write::rows(dir, &rows)?;
            crate::output::write::rows(dir, &targets)?;
            crate::output::write::json(dir, "replan.json", &summary)
        });
        self.abandon();
        result.map(|seconds| {
            report.timings.write_seconds = seconds;
            summary
        })
    }

    /// Province totals of step 2: (start, reported, retiring, leaving, the plan's stock).
    pub fn totals(&self) -> (u32, u32, u32, u32, u32) {
        let sum = |f: fn(&ChangeRow) -> u32| self.starts.iter().map(f).sum::<u32>();
        (
            sum(|r| r.start),
            sum(|r| r.reported),
            sum(|r| r.retiring),
            sum(|r| r.leaving),
            sum(|r| r.plan_end),
        )
    }

    /// Units starting from their compiled form.
    pub fn from_actuals(&self) -> usize {
        self.starts.len() - self.from_plan.len()
    }

    /// Units with no compiled form, starting from the plan's stock.
    pub fn from_plan(&self) -> &[String] {
        &self.from_plan
    }

    /// Removes the staged scenario (a run that stops before [`Prepared::write`]).
    pub fn abandon(&self) {
        let _ = std::fs::remove_dir_all(&self.staged);
        crate::output::folder::live_file(&self.staged, false);
    }
}

/// Whether `dir` holds a re-plan's scenario as [`prepare`] writes it, and nothing else.
pub fn written(dir: &Path) -> bool {
    let entries: Vec<(String, bool)> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| {
                    let is_file = e.file_type().is_ok_and(|t| t.is_file());
                    (e.file_name().to_string_lossy().into_owned(), is_file)
                })
                .collect()
        })
        .unwrap_or_default();
    entries
        .iter()
        .all(|(n, is_file)| *is_file && FILES.contains(&n.as_str()))
        && std::fs::read_to_string(dir.join("scenario.toml")).is_ok_and(|t| t.starts_with(MARK))
}

fn key_of(group: &str, gender: Gender, role: Role, trained: bool) -> CellKey {
    (group.to_string(), gender, role, trained)
}

/// A cell of `spec` by its words.
fn cell_words(spec: &Spec, c: &Cell) -> CellKey {
    key_of(&spec.groups[c.group].id, c.gender(), c.role(), c.trained)
}

/// Step 2: each unit's stock at 31 December of the reported year, and the first columns of
/// its row of `changes.csv`.
fn start_stock(
    spec: &Spec,
    plan: &PlanTables,
    summary: &ActualsSummary,
    stocks: &[ActualStockRow],
    flows: &[ActualFlowRow],
) -> Result<Vec<Start>> {
    let year = summary.year;
    let em: BTreeSet<&str> = spec
        .groups
        .iter()
        .filter(|g| g.em)
        .map(|g| g.id.as_str())
        .collect();
    let mut planned: BTreeMap<&str, BTreeMap<CellKey, u32>> = BTreeMap::new();
    for t in plan.trajectory.iter().filter(|t| t.year == year) {
        *planned
            .entry(t.unit.as_str())
            .or_default()
            .entry(key_of(&t.group, t.gender, t.role, t.trained))
            .or_default() += t.headcount;
    }
    let mut actual: BTreeMap<&str, BTreeMap<CellKey, u32>> = BTreeMap::new();
    for s in stocks {
        *actual
            .entry(s.unit.as_str())
            .or_default()
            .entry(key_of(&s.group, s.gender, s.role, s.trained))
            .or_default() += s.actual;
    }
    // Per unit and cell: retirements booked and not reported, and reported beyond the
    // bookings.
    let mut retiring: BTreeMap<&str, BTreeMap<CellKey, u32>> = BTreeMap::new();
    let mut early: BTreeMap<&str, BTreeMap<CellKey, u32>> = BTreeMap::new();
    for f in flows.iter().filter(|f| f.flow == FlowKind::Retire) {
        let key = key_of(&f.group, f.gender, f.role, f.trained);
        *retiring
            .entry(f.unit.as_str())
            .or_default()
            .entry(key.clone())
            .or_default() += f.plan.saturating_sub(f.actual);
        *early
            .entry(f.unit.as_str())
            .or_default()
            .entry(key)
            .or_default() += f.actual.saturating_sub(f.plan);
    }
    let days_in_year = if is_leap(year) { 366 } else { 365 };
    let name = spec.unit_names();
    let empty = BTreeMap::new();
    let em_of = |cells: &BTreeMap<CellKey, u32>| -> u32 {
        cells
            .iter()
            .filter(|(k, _)| em.contains(k.0.as_str()))
            .map(|(_, n)| n)
            .sum()
    };
    let mut out: Vec<Start> = Vec::new();
    // (index into out, each cell's expected leavers in the days left)
    let mut expected: Vec<(usize, Vec<f64>)> = Vec::new();
    for (u, unit) in spec.units.iter().enumerate() {
        let id = unit.id.as_str();
        let mut overdue = BTreeMap::new();
        let mut left_early = BTreeMap::new();
        let plan_cells = planned.get(id).unwrap_or(&empty);
        let mut row = ChangeRow {
            unit: id.to_string(),
            unit_name: name(id),
            start_from: "plan".into(),
            report_date: String::new(),
            days_left: 0,
            reported: 0,
            retiring: 0,
            leaving: 0,
            start: 0,
            plan_end: plan_cells.values().sum(),
            em_start: 0,
            em_plan_end: em_of(plan_cells),
            hires_before: 0,
            hires_after: 0,
            extra_hires: 0,
            leavers_before: 0,
            leavers_after: 0,
            cost_before: Money::new(0.0),
            cost_after: Money::new(0.0),
            cost_change: Money::new(0.0),
            newly_missed: 0,
            newly_at_risk: 0,
            recovered: 0,
        };
        let cells = match (summary.report_dates.get(id), actual.get(id)) {
            (Some(date), reported) => {
                let reported = reported.unwrap_or(&empty);
                let day = day_of_year(date).ok_or_else(|| {
                    Error::input(
                        Path::new("actuals.json"),
                        None,
                        "report_dates",
                        format!("expected a date YYYY-MM-DD of {year} for unit {id}, found {date}"),
                    )
                })?;
                let days_left = days_in_year - day.min(days_in_year);
                let due = retiring.get(id).unwrap_or(&empty);
                let mut after: BTreeMap<CellKey, u32> = BTreeMap::new();
                let mut retired = 0;
                for (k, &n) in reported {
                    let r = due.get(k).copied().unwrap_or(0).min(n);
                    if days_left == 0 {
                        // The head-count is the year's end: who is there stays, and retires
                        // the next year.
                        if r > 0 {
                            overdue.insert(k.clone(), r);
                        }
                        after.insert(k.clone(), n);
                    } else {
                        retired += r;
                        after.insert(k.clone(), n - r);
                    }
                }
                left_early = early.get(id).cloned().unwrap_or_default();
                let share = spec.settled_rate(u) * days_left as f64 / days_in_year as f64;
                expected.push((
                    out.len(),
                    after.values().map(|&n| n as f64 * share).collect(),
                ));
                row.start_from = "actuals".into();
                row.report_date = date.clone();
                row.days_left = days_left;
                row.reported = reported.values().sum();
                row.retiring = retired;
                after
            }
            (None, _) => {
                row.reported = row.plan_end;
                plan_cells.clone()
            }
        };
        out.push(Start {
            cells,
            overdue,
            early: left_early,
            dated: BTreeMap::new(),
            row,
        });
    }
    // The leavers of the days left: the province's expected number rounded, shared over
    // the units and then over each unit's cells by largest remainder (rounded unit by unit,
    // a unit of 40 people would never lose anyone in two months).
    let unit_exact: Vec<f64> = expected.iter().map(|(_, e)| e.iter().sum()).collect();
    let total = (unit_exact.iter().sum::<f64>() + 0.5 + 1e-9).floor() as u32;
    let room: Vec<u32> = expected
        .iter()
        .map(|(i, _)| out[*i].cells.values().sum())
        .collect();
    let how = crate::rounding::Apportion::default();
    let by_unit = crate::rounding::apportion(&unit_exact, total, Some(&room), how);
    for ((i, exact), n) in expected.iter().zip(by_unit) {
        let start = &mut out[*i];
        let caps: Vec<u32> = start.cells.values().copied().collect();
        let leavers = crate::rounding::apportion(exact, n, Some(&caps), how);
        for ((_, c), l) in start.cells.iter_mut().zip(&leavers) {
            *c -= l;
        }
        start.row.leaving = n;
    }
    for (u, Start { cells, row, .. }) in out.iter_mut().enumerate() {
        let (unit, id) = (&spec.units[u], row.unit.as_str());
        let leaders: u32 = cells
            .iter()
            .filter(|(k, _)| k.2 == Role::Leader)
            .map(|(_, n)| n)
            .sum();
        if leaders > unit.leader_posts {
            return Err(Error::input(
                Path::new(ActualStockRow::FILE),
                None,
                "actual",
                format!(
                    "unit \"{id}\" has {leaders} leaders at 31 December {year} by its actuals, but {} leader posts in units.csv; expected at most {} (correct the form or roster, or the unit's leader posts)",
                    unit.leader_posts, unit.leader_posts
                ),
            ));
        }
        row.start = cells.values().sum();
        row.em_start = em_of(cells);
    }
    Ok(out)
}

/// Step 3: `scenario.toml` and `staff.csv` of the re-plan in `dir`.
fn write_scenario(
    dir: &Path,
    original: &Spec,
    before: &PlanTables,
    year: i32,
    starts: &[Start],
    bookings: &[RetirementRow],
) -> Result<()> {
    let base = before.manifest.scenario_dir.display().to_string();
    // The first re-plan keeps the first plan's base as its reference; later ones inherit it.
    let reference = original.reference.is_none().then(|| original.base_year());
    let mut toml = format!(
        "{MARK} from the actuals of {year}: the stock at 31 December {year}, planned from {next}.\n\
         # Replaced whenever that re-plan is run again: copy this folder to change it.\n\
         extends = {base:?}\n\n[time]\nbase_year = {year}\n",
        next = year + 1
    );
    if let Some(r) = reference {
        toml.push_str(&format!(
            "# The roadmap's lines and the intent floors stay those of the plan from {r}.\nreference_year = {r}\n"
        ));
    }
    toml.push_str("\n[[remove]]\ntable = \"staff.csv\"\n");
    // The bookings are written whole (those after the reported year, as the re-plan
    // adjusts them): a row laid over the base's by key would add to it wherever the base
    // spells a key another way (`Yes`, `có`) or books a cell twice.
    if !original.retirements.is_empty() {
        toml.push_str("\n[[remove]]\ntable = \"retirements.csv\"\n");
    }
    let path = dir.join("scenario.toml");
    std::fs::write(&path, toml).map_err(|e| Error::output(&path, e))?;
    if reference.is_some() {
        let rows: Vec<StaffRow> = original
            .staff
            .iter()
            .filter(|(_, &n)| n > 0)
            .map(|(&(u, c), &count)| {
                StaffRow::of(&original.units[u].id, cell_words(original, &c), count)
            })
            .collect();
        write_csv(&dir.join("reference_staff.csv"), &rows)?;
    }
    if !bookings.is_empty() {
        write_csv(&dir.join("retirements.csv"), bookings)?;
    }
    let mut rows: Vec<DatedStaffRow> = Vec::new();
    for s in starts {
        for (key, &count) in s.cells.iter().filter(|(_, &n)| n > 0) {
            let dated = s.dated.get(key);
            let by_year = dated.into_iter().flatten().map(|(&h, &n)| (Some(h), n));
            let settled = count - dated.map_or(0, |d| d.values().sum::<u32>());
            for (hired, count) in std::iter::once((None, settled)).chain(by_year) {
                let (group, gender, role, trained) = key.clone();
                if count > 0 {
                    rows.push(DatedStaffRow {
                        unit: s.row.unit.clone(),
                        group,
                        gender,
                        role,
                        trained,
                        hired,
                        count,
                    });
                }
            }
        }
    }
    write_csv(&dir.join("staff.csv"), &rows)
}

/// Step 2's last part: who of each cell's start was recruited in the last
/// [`crate::roster::settled_after`] years, so that the re-plan has them leave at their
/// tenure's rates, as the plan it replaces did, rather than at the settled rate. Candidates,
/// by year of recruitment: the replaced scenario's dated people of the cell (`staff.csv`'s
/// `hired`), the plan's hires into the cell in the years after its base year, and for the
/// reported year, where the unit's form was compiled, the hires the form reports into the
/// cell instead of the plan's. Who left is not known: the most recent are taken first, as
/// many as the cell's start holds, those recruited after the replaced plan's base year as
/// many as it holds beside the people booked to retire (base people: a hire is not one of
/// them, and the loader retires the settled first); the rest are settled.
fn date_recent_hires(
    spec: &Spec,
    plan: &PlanTables,
    year: i32,
    reported: &[ActualFlowRow],
    bookings: &[RetirementRow],
    starts: &mut [Start],
) {
    let recent = |h: i32| year - h < crate::roster::settled_after(&spec.config) as i32;
    type Hires<'a> = BTreeMap<&'a str, BTreeMap<CellKey, BTreeMap<i32, u32>>>;
    let mut planned: Hires = BTreeMap::new();
    for f in plan.flows.iter().filter(|f| {
        f.flow == FlowKind::Hire && f.year > spec.base_year() && f.year <= year && recent(f.year)
    }) {
        *planned
            .entry(f.unit.as_str())
            .or_default()
            .entry(key_of(&f.group, f.gender, f.role, f.trained))
            .or_default()
            .entry(f.year)
            .or_default() += f.count;
    }
    let mut actual: Hires = BTreeMap::new();
    for f in reported.iter().filter(|f| f.flow == FlowKind::Hire) {
        *actual
            .entry(f.unit.as_str())
            .or_default()
            .entry(key_of(&f.group, f.gender, f.role, f.trained))
            .or_default()
            .entry(year)
            .or_default() += f.actual;
    }
    let mut booked: BTreeMap<(String, CellKey), u32> = BTreeMap::new();
    for r in bookings {
        let key = key_of(&r.group, r.gender, r.role, r.trained);
        *booked.entry((r.unit.clone(), key)).or_default() += r.count;
    }
    for (u, start) in starts.iter_mut().enumerate() {
        let id = start.row.unit.as_str();
        let from_form = start.row.start_from == "actuals";
        let mut hires: BTreeMap<CellKey, BTreeMap<i32, u32>> = BTreeMap::new();
        for (&(_, c), by_year) in spec.staff_hired.range((u, Cell::FIRST)..=(u, Cell::LAST)) {
            for (&h, &n) in by_year.iter().filter(|(&h, _)| recent(h)) {
                *hires
                    .entry(cell_words(spec, &c))
                    .or_default()
                    .entry(h)
                    .or_default() += n;
            }
        }
        // The plan's hires of the reported year only where no form reports them.
        let sources = [
            (planned.get(id), !from_form),
            (actual.get(id).filter(|_| from_form), true),
        ];
        for (by_cell, with_year) in sources.into_iter().filter_map(|(m, y)| m.map(|m| (m, y))) {
            for (key, by_year) in by_cell {
                for (&h, &n) in by_year.iter().filter(|(&h, _)| h < year || with_year) {
                    *hires.entry(key.clone()).or_default().entry(h).or_default() += n;
                }
            }
        }
        for (key, by_year) in hires {
            let people = start.cells.get(&key).copied().unwrap_or(0);
            let retiring = booked
                .get(&(id.to_string(), key.clone()))
                .copied()
                .unwrap_or(0);
            let room = Room {
                people,
                hires: people.saturating_sub(retiring),
                hired_after: spec.base_year(),
            };
            let kept = most_recent(&by_year, room);
            if !kept.is_empty() {
                start.dated.insert(key, kept);
            }
        }
    }
}

/// What a cell's dated people may take: its `people`, of whom at most `hires` recruited
/// after `hired_after` (the others are booked to retire).
struct Room {
    people: u32,
    hires: u32,
    hired_after: i32,
}

/// Of the people recruited in each year, as many as the room holds, the most recent first.
fn most_recent(by_year: &BTreeMap<i32, u32>, room: Room) -> BTreeMap<i32, u32> {
    let (mut people, mut hires) = (room.people, room.hires);
    let mut kept = BTreeMap::new();
    for (&h, &n) in by_year.iter().rev() {
        let hire = h > room.hired_after;
        let k = n.min(if hire { people.min(hires) } else { people });
        if k > 0 {
            kept.insert(h, k);
        }
        people -= k;
        if hire {
            hires -= k;
        }
    }
    kept
}

/// The retirement bookings after the reported year, every one, as rows of the re-plan's
/// `retirements.csv` (which replaces the base's whole): those overdue at a report dated 31
/// December booked for the next year; a person who retired before their
/// booked year takes their later booking away (the earliest first); and in a cell that now
/// holds fewer people than are booked, the latest bookings are cut (who left is not known;
/// the nearer bookings are kept).
fn adjusted_retirements(original: &Spec, year: i32, starts: &[Start]) -> Vec<RetirementRow> {
    let mut out = Vec::new();
    for (u, start) in starts.iter().enumerate() {
        let mut booked: BTreeMap<CellKey, BTreeMap<i32, u32>> = BTreeMap::new();
        for (&(_, c, y), &n) in original
            .retirements
            .range((u, Cell::FIRST, i32::MIN)..=(u, Cell::LAST, i32::MAX))
            .filter(|(&(_, _, y), &n)| y > year && n > 0)
        {
            booked
                .entry(cell_words(original, &c))
                .or_default()
                .insert(y, n);
        }
        let keys: BTreeSet<CellKey> = booked.keys().chain(start.overdue.keys()).cloned().collect();
        for key in keys {
            let mut after = booked.remove(&key).unwrap_or_default();
            if let Some(&n) = start.overdue.get(&key) {
                *after.entry(year + 1).or_default() += n;
            }
            let mut gone = start.early.get(&key).copied().unwrap_or(0);
            for n in after.values_mut() {
                let cut = gone.min(*n);
                *n -= cut;
                gone -= cut;
            }
            let have = start.cells.get(&key).copied().unwrap_or(0);
            let mut excess = after.values().sum::<u32>().saturating_sub(have);
            for n in after.values_mut().rev() {
                let cut = excess.min(*n);
                *n -= cut;
                excess -= cut;
            }
            for (y, n) in after.into_iter().filter(|(_, n)| *n > 0) {
                let (group, gender, role, trained) = key.clone();
                out.push(RetirementRow {
                    unit: start.row.unit.clone(),
                    group,
                    gender,
                    role,
                    trained,
                    year: y,
                    count: n,
                });
            }
        }
    }
    out
}

fn write_csv<T: Serialize>(path: &Path, rows: &[T]) -> Result<()> {
    let mut w = csv::Writer::from_path(path).map_err(|e| Error::output(path, e))?;
    for row in rows {
        w.serialize(row).map_err(|e| Error::output(path, e))?;
    }
    w.flush().map_err(|e| Error::output(path, e))
}

/// A target row's standing: missed, met with a chance below the plan's confidence, or met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Standing {
    Missed,
    AtRisk,
    Met,
}

fn standing(t: &TargetRow, confidence: f64) -> Standing {
    match (t.met, t.p_met) {
        (false, _) => Standing::Missed,
        (true, Some(p)) if p < confidence => Standing::AtRisk,
        _ => Standing::Met,
    }
}

/// How far a row's chance must fall to count as newly at risk: the quick simulation's 200
/// draws measure a chance near 50% within about ±3.5 points (one standard error), so
/// smaller moves between two plans are noise.
const AT_RISK_DROP: f64 = 0.1;

/// The change in a row's standing from the replaced plan `b` to the re-plan `a`.
fn change(b: &TargetRow, a: &TargetRow, confidence: f64) -> Option<&'static str> {
    let dropped =
        matches!((b.p_met, a.p_met), (Some(pb), Some(pa)) if pb - pa >= AT_RISK_DROP - 1e-9);
    match (standing(b, confidence), standing(a, confidence)) {
        (Standing::Met | Standing::AtRisk, Standing::Missed) => Some("newly_missed"),
        (Standing::Met | Standing::AtRisk, Standing::AtRisk) if dropped => Some("newly_at_risk"),
        (Standing::Missed, Standing::Met | Standing::AtRisk) => Some("recovered"),
        _ => None,
    }
}

/// Step 5: `changes.csv` (each unit, then `PROVINCE`) and `target_changes.csv`.
fn changes(
    before: &PlanTables,
    after: &PlanTables,
    starts: Vec<ChangeRow>,
    confidence: f64,
) -> (Vec<ChangeRow>, Vec<TargetChangeRow>) {
    let year = after.summary.base_year;
    let count_of = |flows: &[FlowRow], kind: FlowKind| {
        let mut by: BTreeMap<String, u32> = BTreeMap::new();
        for f in flows.iter().filter(|f| f.year > year && f.flow == kind) {
            *by.entry(f.unit.clone()).or_default() += f.count;
        }
        by
    };
    let hires = |flows: &[FlowRow]| count_of(flows, FlowKind::Hire);
    let leavers_before = count_of(&before.flows, FlowKind::Attrition);
    let leavers_after = count_of(&after.flows, FlowKind::Attrition);
    let cost = |costs: &[CostRow]| {
        let mut by: BTreeMap<String, f64> = BTreeMap::new();
        for c in costs.iter().filter(|c| c.year > year) {
            *by.entry(c.unit.clone()).or_default() += c.cost.value();
        }
        by
    };
    let (hires_before, hires_after) = (hires(&before.flows), hires(&after.flows));
    let (cost_before, cost_after) = (cost(&before.costs), cost(&after.costs));
    type Key = (String, crate::domain::Rule, i32, TargetKind);
    let rows_of = |t: &[TargetRow]| -> BTreeMap<Key, TargetRow> {
        t.iter()
            .filter(|r| r.year > year && r.kind != TargetKind::Goal)
            .map(|r| ((r.unit.clone(), r.rule, r.year, r.kind), r.clone()))
            .collect()
    };
    let (old, new) = (rows_of(&before.targets), rows_of(&after.targets));
    let mut target_rows = Vec::new();
    for (key, a) in &new {
        let Some(b) = old.get(key) else { continue };
        let Some(change) = change(b, a, confidence) else {
            continue;
        };
        target_rows.push(TargetChangeRow {
            unit: a.unit.clone(),
            unit_name: a.unit_name.clone(),
            rule: a.rule,
            year: a.year,
            kind: a.kind,
            change: change.to_string(),
            required_before: b.required,
            achieved_before: b.achieved,
            p_met_before: b.p_met,
            required_after: a.required,
            achieved_after: a.achieved,
            p_met_after: a.p_met,
        });
    }
    let mut rows = starts;
    for row in &mut rows {
        let id = row.unit.as_str();
        row.hires_before = hires_before.get(id).copied().unwrap_or(0);
        row.hires_after = hires_after.get(id).copied().unwrap_or(0);
        row.extra_hires = row.hires_after as i64 - row.hires_before as i64;
        row.leavers_before = leavers_before.get(id).copied().unwrap_or(0);
        row.leavers_after = leavers_after.get(id).copied().unwrap_or(0);
        let (b, a) = (
            cost_before.get(id).copied().unwrap_or(0.0),
            cost_after.get(id).copied().unwrap_or(0.0),
        );
        row.cost_before = Money::new(b);
        row.cost_after = Money::new(a);
        row.cost_change = Money::new(a - b);
        let count = |what: &str| {
            target_rows
                .iter()
                .filter(|t| t.unit == id && t.change == what)
                .count() as u32
        };
        row.newly_missed = count("newly_missed");
        row.newly_at_risk = count("newly_at_risk");
        row.recovered = count("recovered");
    }
    let sum = |f: &dyn Fn(&ChangeRow) -> u32| rows.iter().map(f).sum::<u32>();
    let (b, a) = (
        cost_before.values().sum::<f64>(),
        cost_after.values().sum::<f64>(),
    );
    let count = |what: &str| target_rows.iter().filter(|t| t.change == what).count() as u32;
    let province = ChangeRow {
        unit: "PROVINCE".into(),
        unit_name: String::new(),
        start_from: String::new(),
        report_date: String::new(),
        days_left: 0,
        reported: sum(&|r| r.reported),
        retiring: sum(&|r| r.retiring),
        leaving: sum(&|r| r.leaving),
        start: sum(&|r| r.start),
        plan_end: sum(&|r| r.plan_end),
        em_start: sum(&|r| r.em_start),
        em_plan_end: sum(&|r| r.em_plan_end),
        hires_before: hires_before.values().sum(),
        hires_after: hires_after.values().sum(),
        extra_hires: hires_after.values().sum::<u32>() as i64
            - hires_before.values().sum::<u32>() as i64,
        leavers_before: leavers_before.values().sum(),
        leavers_after: leavers_after.values().sum(),
        cost_before: Money::new(b),
        cost_after: Money::new(a),
        cost_change: Money::new(a - b),
        newly_missed: count("newly_missed"),
        newly_at_risk: count("newly_at_risk"),
        recovered: count("recovered"),
    };
    rows.push(province);
    (rows, target_rows)
}

fn is_leap(year: i32) -> bool {
    YearMonth { year, month: 2 }.last_day() == 29
}

/// The day of its year (1 January = 1) of a `YYYY-MM-DD` date.
fn day_of_year(date: &str) -> Option<u32> {
    let mut parts = date.split('-').map(|p| p.parse::<u32>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    let y = i32::try_from(y).ok()?;
    let month_days = |month: u32| YearMonth { year: y, month }.last_day();
    if !(1..=12).contains(&m) || d == 0 || d > month_days(m) {
        return None;
    }
    Some((1..m).map(month_days).sum::<u32>() + d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_recent_hires_are_kept_first() {
        let by_year = BTreeMap::from([(2023, 4), (2024, 2), (2026, 3)]);
        let kept = |people, hires| {
            let hired_after = 2025;
            most_recent(
                &by_year,
                Room {
                    people,
                    hires,
                    hired_after,
                },
            )
        };
        assert_eq!(kept(4, 4), BTreeMap::from([(2024, 1), (2026, 3)]));
        assert_eq!(kept(9, 9), by_year);
        assert_eq!(kept(20, 20), by_year);
        assert!(kept(0, 0).is_empty());
        // Of 9 people, 8 booked to retire: the hire of 2026 is not one of them.
        assert_eq!(
            kept(9, 1),
            BTreeMap::from([(2023, 4), (2024, 2), (2026, 1)])
        );
        assert_eq!(
            kept(5, 1),
            BTreeMap::from([(2023, 2), (2024, 2), (2026, 1)])
        );
    }

    #[test]
    fn days_of_the_year() {
        assert_eq!(day_of_year("2026-01-01"), Some(1));
        assert_eq!(day_of_year("2026-11-01"), Some(305));
        assert_eq!(day_of_year("2028-12-31"), Some(366));
        assert_eq!(day_of_year("2026-02-29"), None);
        assert_eq!(day_of_year("2026-11"), None);
    }
}
