//! Scenarios: a folder with `scenario.toml` and CSV tables, read in two stages.
//!
//! 1. Raw: [`settings`] parses the TOML into [`Config`] (`deny_unknown_fields`), [`layers`]
//!    merges a variant with the scenarios it extends, and [`files`] reads each CSV as text
//!    with line numbers (or a roster's derived text in its place).
//! 2. Checked: [`parse`] turns the tables into values with indices, expanded year ranges and
//!    checked ranges, [`adjust`] applies a variant's scalings, and [`checks`] runs the named
//!    consistency checks. [`load`] returns the [`Spec`]; nothing downstream ever sees an
//!    unchecked value.

mod adjust;
pub mod checks;
mod files;
pub mod init;
pub mod layers;
mod parse;
pub mod settings;
pub mod workbook;

use crate::domain::roster::Derived;
use crate::domain::{Config, Spec, Variant};
use crate::error::{Error, Result};
use crate::table::Table;
use files::*;
use parse::Lookup;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How to load: from the files, or with a roster's tables in place of them.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Derive staff, retirements, attrition and hiring mix from this roster, ignoring those
    /// files (`bienche roster import`).
    pub roster: Option<PathBuf>,
    /// Leave out bad roster rows instead of failing.
    pub skip_bad_rows: bool,
}

/// Everything a scenario is read from: the folders of the scenarios it extends, its own, and
/// the roster it names (which may be anywhere).
pub fn inputs(dir: &Path) -> Result<Vec<PathBuf>> {
    let layered = layers::resolve(dir)?;
    let mut out = layered.dirs.clone();
    let roster = layered
        .merged
        .get("roster")
        .and_then(|r| r.get("file"))
        .and_then(|f| f.as_str());
    if let Some(file) = roster {
        let home = layered
            .provenance
            .get("roster.file")
            .and_then(|f| f.parent())
            .unwrap_or(dir);
        out.push(home.join(file));
    }
    Ok(out)
}

/// Reads and checks the scenario in `dir`.
pub fn load(dir: &Path) -> Result<Spec> {
    load_with(dir, &LoadOptions::default())
}

/// Reads and checks the scenario in `dir`, as `options` say: its settings, its units and
/// groups, its workforce (from files or a roster), its limits, then the whole checked.
/// A finished plan folder's tables and its scenario, which must still have the inputs the
/// plan was made from (`before`: what the user is about to do, for the message).
pub fn of_plan(out: &Path, before: &str) -> Result<(Spec, crate::output::contract::PlanTables)> {
    let tables = crate::output::read::plan(out)?;
    let dir = &tables.manifest.scenario_dir;
    let spec = load(dir)?;
    for input in &tables.manifest.inputs {
        let now = spec
            .inputs
            .iter()
            .find(|i| i.name == input.file)
            .map(|i| i.sha256.as_str());
        if now != Some(input.sha256.as_str()) {
            return Err(crate::error::Error::Usage(format!(
                "{} in {} has changed since this plan was made; plan it again before {before}",
                input.file,
                dir.display()
            )));
        }
    }
    Ok((spec, tables))
}

pub fn load_with(dir: &Path, options: &LoadOptions) -> Result<Spec> {
    load_checked(dir, options).map_err(|e| e.relative_to(dir))
}

fn load_checked(dir: &Path, options: &LoadOptions) -> Result<Spec> {
    let layered = layers::resolve(dir)?;
    let config = read_config(dir, &layered)?;
    let mut files = Files {
        dir,
        layers: &layered,
        inputs: layered
            .texts
            .iter()
            .map(|(path, text)| hash_input(&input_name(dir, path), text.as_bytes()))
            .collect(),
        derived: None,
        importing: options.roster.is_some(),
        sources: Vec::new(),
    };
    let groups = parse::parse_groups(&required(
        &mut files,
        "groups.csv",
        GROUPS_COLS,
        GROUPS_OPT,
    )?)?;
    let units_t = required(&mut files, "units.csv", UNITS_COLS, UNITS_OPT)?;
    let (units, base_quota) = parse::parse_units(&units_t, &groups)?;
    checks::price_units(&layered, &config, &units)?;
    if let Some(path) = roster_path(dir, &layered, &config, options)? {
        checks::roster_bands(&layered, &config)?;
        let (_, d) = crate::roster::load(&path, &config, &groups, &units, options.skip_bad_rows)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        read_hash(&mut files.inputs, &name, &path);
        files.derived = Some(d);
    }
    let raw = RawTables::read(&mut files)?;
    let mut spec = {
        let ctx = Lookup {
            groups: &groups,
            units: &units,
        };
        raw.checked(config, &ctx, base_quota, &layered)?
    };
    spec.dir = dir.to_path_buf();
    spec.groups = groups;
    spec.units = units;
    spec.roster = files.derived.take();
    spec.variant = variant(&layered, std::mem::take(&mut files.sources));
    spec.inputs = std::mem::take(&mut files.inputs);
    spec.inputs.sort_by(|a, b| a.name.cmp(&b.name));
    checks::check_spec(&mut spec)?;
    spec.refresh_derived();
    Ok(spec)
}

/// `scenario.toml`, merged with the scenarios it extends, parsed and checked.
fn read_config(dir: &Path, layered: &layers::Layered) -> Result<Config> {
    let toml_path = dir.join("scenario.toml");
    let config = if layered.is_variant() {
        settings::from_merged(layered.merged.clone(), |field| {
            layers::locate(layered, field)
        })?
    } else {
        settings::parse(&toml_path, &layered.texts[0].1)?
    };
    checks::check_config(layered, &config)?;
    Ok(config)
}

fn required(files: &mut Files, name: &str, cols: &[&str], opt: &[&str]) -> Result<Table> {
    Ok(files.read(name, cols, opt, true)?.expect("required"))
}

/// The roster the workforce comes from, if any: the one being imported, or the one the
/// scenario names (which may not come with staff or retirement files of its own).
fn roster_path(
    dir: &Path,
    layered: &layers::Layered,
    config: &Config,
    options: &LoadOptions,
) -> Result<Option<PathBuf>> {
    let fail = |message: String| {
        let (file, line) = layers::locate(layered, "roster.file");
        Err(Error::input(&file, line, "roster.file", message))
    };
    Ok(match (&options.roster, &config.roster.file) {
        (Some(_), Some(named)) => {
            return fail(format!(
                "the scenario derives its staff from \"{named}\" on load, so there is nothing to import; expected no roster.file when importing into CSV files"
            ))
        }
        (Some(p), None) => Some(p.clone()),
        (None, Some(named)) => {
            let home = layered
                .provenance
                .get("roster.file")
                .and_then(|f| f.parent().map(Path::to_path_buf))
                .unwrap_or_else(|| dir.to_path_buf());
            for table in ["staff.csv", "retirements.csv"] {
                let given = |d: &&PathBuf| {
                    d.join(table).exists() || workbook::has_sheet(d, table).unwrap_or(false)
                };
                if let Some(d) = layered.dirs.iter().find(given) {
                    return fail(format!(
                        "both {table} and the roster \"{named}\" give the workforce; expected one of them: remove {} or roster.file",
                        if d == dir { table.to_string() } else { d.join(table).display().to_string() }
                    ));
                }
            }
            let path = home.join(named);
            if !path.is_file() {
                return fail(format!(
                    "no roster \"{named}\" in {}; expected a roster file (.csv or .xlsx) in that folder",
                    home.display()
                ));
            }
            Some(path)
        }
        (None, None) => None,
    })
}

/// For a scenario that extends another: every effective setting with the file it came from,
/// and what each file contributed to each table.
fn variant(layered: &layers::Layered, tables: Vec<(String, Vec<String>)>) -> Option<Variant> {
    layered.is_variant().then(|| Variant {
        settings: layered
            .provenance
            .iter()
            .map(|(k, f)| {
                (
                    k.clone(),
                    setting_text(&layered.merged, k),
                    f.display().to_string(),
                )
            })
            .collect(),
        tables,
    })
}

fn setting_text(table: &toml::Table, key: &str) -> String {
    let mut v: Option<&toml::Value> = None;
    let mut t = Some(table);
    for part in key.split('.') {
        v = t.and_then(|t| t.get(part));
        t = v.and_then(|v| v.as_table());
    }
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// The workforce and limit tables as read, before they are checked.
struct RawTables {
    staff: Table,
    reference_staff: Option<Table>,
    retirements: Option<Table>,
    attrition: Option<Table>,
    hiring_mix: Option<Table>,
    quotas: Option<Table>,
    channels: Table,
    channel_caps: Option<Table>,
    transfers: Option<Table>,
    budget: Option<Table>,
}

impl RawTables {
    fn read(files: &mut Files) -> Result<RawTables> {
        let mut ret_cols = CELL_COLS.to_vec();
        ret_cols.push("year");
        Ok(RawTables {
            staff: required(files, "staff.csv", CELL_COLS, &["hired"])?,
            reference_staff: files.read("reference_staff.csv", CELL_COLS, &[], false)?,
            retirements: files.read("retirements.csv", &ret_cols, &[], false)?,
            attrition: files.read("attrition.csv", ATTRITION_COLS, ATTRITION_OPT, false)?,
            hiring_mix: files.read("hiring_mix.csv", MIX_COLS, MIX_OPT, false)?,
            quotas: files.read("quotas.csv", &["unit", "year", "quota"], &[], false)?,
            channels: required(files, "channels.csv", CHANNEL_COLS, CHANNEL_OPT)?,
            channel_caps: files.read(
                "channel_caps.csv",
                &["channel", "year", "kind", "max_hires"],
                &[],
                false,
            )?,
            transfers: files.read(
                "transfers.csv",
                &["from", "to", "year", "max_per_year", "cost_per_person"],
                &[],
                false,
            )?,
            budget: files.read("budget.csv", &["year", "level", "cap"], &[], false)?,
        })
    }

    /// The checked quotas, workforce and limits, in a [`Spec`] still to be completed.
    fn checked(
        &self,
        config: Config,
        ctx: &Lookup,
        base_quota: Vec<u32>,
        layered: &layers::Layered,
    ) -> Result<Spec> {
        let (base, horizon) = (config.time.base_year, config.time.horizon);
        let years = (horizon - base + 1) as usize;
        let mut quota: Vec<Vec<u32>> = base_quota.iter().map(|&q| vec![q; years]).collect();
        let since = config.time.reference_year.unwrap_or(base);
        if let Some(t) = &self.quotas {
            parse::apply_quota_changes(t, ctx.units, (since, base), horizon, &mut quota)?;
        }
        if self.staff.rows.is_empty() {
            return Err(Error::input(
                &self.staff.path,
                None,
                "count",
                "the file has a header but no rows, so nobody is in post; expected at least one row of base-year head-count",
            ));
        }
        let staff: BTreeMap<_, u32> = parse::parse_cells(&self.staff, ctx, None)?
            .into_iter()
            .map(|((u, c, _), (n, _))| ((u, c), n))
            .collect();
        let staff_hired = parse::parse_hired(&self.staff, ctx, base)?;
        let reference = match (config.time.reference_year, &self.reference_staff) {
            (Some(year), Some(t)) => Some(crate::domain::spec::Reference {
                year,
                staff: parse::parse_cells(t, ctx, None)?
                    .into_iter()
                    .map(|((u, c, _), (n, _))| ((u, c), n))
                    .collect(),
                quota: base_quota.clone(),
            }),
            (Some(year), None) => {
                let own = layered.dirs.last().map_or_else(
                    || self.staff.path.with_file_name("reference_staff.csv"),
                    |d| d.join("reference_staff.csv"),
                );
                return Err(Error::input(
                    &own,
                    None,
                    "-",
                    format!("no such file; time.reference_year = {year} asks the head-count at 31 December {year} by cell (the columns of staff.csv)"),
                ))
            }
            (None, Some(t)) => {
                return Err(Error::input(
                    &t.path,
                    None,
                    "-",
                    "the file is given but time.reference_year is not set; expected the year of its head-count in scenario.toml, or no reference_staff.csv",
                ))
            }
            (None, None) => None,
        };
        let mut retirements = BTreeMap::new();
        if let Some(t) = &self.retirements {
            let rows = parse::parse_cells(t, ctx, Some((base + 1, horizon)))?;
            checks::retirements_within_stock(t, ctx.units, ctx.groups, &staff, &rows)?;
            for ((u, c, y), (n, _)) in rows {
                retirements.insert((u, c, y.expect("year column")), n);
            }
        }
        let span = parse::Span {
            since: since + 1,
            from: base + 1,
            to: horizon,
        };
        let mut channels = parse::parse_channels(&self.channels, ctx, span)?;
        if let Some(t) = &self.channel_caps {
            parse::apply_channel_caps(t, &mut channels, span)?;
        }
        let transfers = match &self.transfers {
            Some(t) => parse::parse_transfers(t, ctx, span)?,
            None => Vec::new(),
        };
        let budget_rows = match &self.budget {
            Some(t) => parse::parse_budget(t, span, config.budget.cap_per_year)?,
            None => BTreeMap::new(),
        };
        let attrition = match &self.attrition {
            Some(t) => parse::parse_attrition(t, ctx.units)?,
            None => BTreeMap::new(),
        };
        adjust::apply_adjustments(layered, &config, ctx.units, &mut quota, &mut channels)?;
        let hiring_mix = match &self.hiring_mix {
            Some(t) => parse::parse_hiring_mix(t, ctx)?,
            None => BTreeMap::new(),
        };
        Ok(Spec {
            dir: PathBuf::new(),
            config,
            groups: Vec::new(),
            units: Vec::new(),
            quota,
            staff,
            staff_hired,
            reference,
            retirements,
            channels,
            transfers,
            budget_rows,
            attrition,
            hiring_mix,
            variant: None,
            target_buffer: BTreeMap::new(),
            target_margins: BTreeMap::new(),
            roster: None::<Derived>,
            inputs: Vec::new(),
            warnings: Vec::new(),
            rates: Default::default(),
            forecast_hires: Default::default(),
            base_leavers: Default::default(),
        })
    }
}
