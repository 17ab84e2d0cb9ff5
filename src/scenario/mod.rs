//! Scenarios: a folder with `scenario.toml` and CSV tables, read in two stages.
//!
//! 1. Raw: [`settings`] parses the TOML into [`Config`] (`deny_unknown_fields`), and
//!    [`crate::table`] reads each CSV as text with line numbers.
//! 2. Checked: [`load`] turns both into a [`Spec`], resolving names to indices, expanding year
//!    ranges, and running the named consistency checks of [`checks`]. Nothing downstream
//!    ever sees an unchecked value.

pub mod checks;
pub mod layers;
pub mod settings;

use crate::domain::{
    AttritionBand, Cell, Channel, Config, Group, InputFile, Spec, TransferRoute, Unit, UnitKind,
    Variant,
};
use crate::error::{Error, Result};
use crate::table::{self, Table};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn setting_text(table: &toml::Table, key: &str) -> String {
    let mut v: Option<&toml::Value> = None;
    let mut t = Some(table);
    for part in key.split('.') {
        v = t.and_then(|t| t.get(part));
        t = v.and_then(|v| v.as_table());
    }
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// How to load: from the files, or with a roster's tables in place of them.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Derive staff, retirements, attrition and hiring mix from this roster, ignoring those
    /// files (`bienche roster import`).
    pub roster: Option<PathBuf>,
    /// Leave out bad roster rows instead of failing.
    pub skip_bad_rows: bool,
}

const GROUPS_COLS: &[&str] = &["group", "em", "population_share"];
const GROUPS_OPT: &[&str] = &["names"];
const UNITS_COLS: &[&str] = &[
    "id",
    "name",
    "kind",
    "em_population_share",
    "quota",
    "leader_posts",
];
const UNITS_OPT: &[&str] = &[
    "over_quota_until",
    "r2_rate_override",
    "recruit_groups",
    "difficult",
];
const ATTRITION_COLS: &[&str] = &["class", "tenure_from", "tenure_to", "rate"];
const ATTRITION_OPT: &[&str] = &["leavers", "person_years", "source"];
const MIX_COLS: &[&str] = &["unit", "group", "gender", "trained", "share"];
const MIX_OPT: &[&str] = &["hires"];
const CELL_COLS: &[&str] = &["unit", "group", "gender", "role", "trained", "count"];
const CHANNEL_COLS: &[&str] = &[
    "channel",
    "year",
    "groups",
    "kinds",
    "max_hires",
    "cost_per_hire",
    "women_share",
    "trained",
];

/// The folders a scenario is read from: the scenarios it extends, then its own.
pub fn folders(dir: &Path) -> Result<Vec<PathBuf>> {
    Ok(layers::resolve(dir)?.dirs)
}

/// Reads and checks the scenario in `dir`.
pub fn load(dir: &Path) -> Result<Spec> {
    load_with(dir, &LoadOptions::default())
}

/// Reads and checks the scenario in `dir`, as `options` say.
pub fn load_with(dir: &Path, options: &LoadOptions) -> Result<Spec> {
    let toml_path = dir.join("scenario.toml");
    let layered = layers::resolve(dir)?;
    let config = if layered.is_variant() {
        settings::from_merged(layered.merged.clone(), |field| {
            layers::locate(&layered, field)
        })?
    } else {
        settings::parse(&toml_path, &layered.texts[0].1)?
    };
    let mut inputs: Vec<InputFile> = layered
        .texts
        .iter()
        .map(|(path, text)| hash_input(&input_name(dir, path), text.as_bytes()))
        .collect();
    checks::check_config(&toml_path, &config)?;

    let mut files = Files {
        dir,
        layers: &layered,
        inputs: std::mem::take(&mut inputs),
        derived: None,
        importing: options.roster.is_some(),
        sources: Vec::new(),
    };
    let groups_t = files
        .read("groups.csv", GROUPS_COLS, GROUPS_OPT, true)?
        .expect("required");
    let units_t = files
        .read("units.csv", UNITS_COLS, UNITS_OPT, true)?
        .expect("required");
    let groups = parse_groups(&groups_t)?;
    let (units, base_quota) = parse_units(&units_t, &groups)?;
    let roster_path = match (&options.roster, &config.roster.file) {
        (Some(_), Some(named)) => {
            return Err(Error::input(
                &toml_path,
                None,
                "roster.file",
                format!(
                    "the scenario derives its staff from \"{named}\" on load, so there is nothing to import; remove roster.file to import into CSV files"
                ),
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
                if let Some(d) = layered.dirs.iter().find(|d| d.join(table).exists()) {
                    return Err(Error::input(
                        &toml_path,
                        None,
                        "roster.file",
                        format!(
                            "both {table} and the roster \"{named}\" give the workforce; remove {} or roster.file",
                            if d == dir { table.to_string() } else { d.join(table).display().to_string() }
                        ),
                    ));
                }
            }
            Some(home.join(named))
        }
        (None, None) => None,
    };
    if let Some(path) = &roster_path {
        let (_, d) = crate::roster::load(path, &config, &groups, &units, options.skip_bad_rows)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        read_hash(&mut files.inputs, &name, path);
        files.derived = Some(d);
    }
    let staff_t = files
        .read("staff.csv", CELL_COLS, &[], true)?
        .expect("required");
    let mut ret_cols = CELL_COLS.to_vec();
    ret_cols.push("year");
    let retire_t = files.read("retirements.csv", &ret_cols, &[], false)?;
    let attrition_t = files.read("attrition.csv", ATTRITION_COLS, ATTRITION_OPT, false)?;
    let mix_t = files.read("hiring_mix.csv", MIX_COLS, MIX_OPT, false)?;
    let quotas_t = files.read("quotas.csv", &["unit", "year", "quota"], &[], false)?;
    let channels_t = files
        .read("channels.csv", CHANNEL_COLS, &[], true)?
        .expect("required");
    let caps_t = files.read(
        "channel_caps.csv",
        &["channel", "year", "kind", "max_hires"],
        &[],
        false,
    )?;
    let transfers_t = files.read(
        "transfers.csv",
        &["from", "to", "year", "max_per_year", "cost_per_person"],
        &[],
        false,
    )?;

    let base = config.time.base_year;
    let years = (config.time.horizon - base + 1) as usize;
    let mut quota: Vec<Vec<u32>> = base_quota.iter().map(|&q| vec![q; years]).collect();
    if let Some(t) = &quotas_t {
        apply_quota_changes(t, &units, base, config.time.horizon, &mut quota)?;
    }
    let ctx = Lookup {
        groups: &groups,
        units: &units,
    };
    let staff: BTreeMap<(usize, Cell), u32> = parse_cells(&staff_t, &ctx, None)?
        .into_iter()
        .map(|((u, c, _), (n, _))| ((u, c), n))
        .collect();
    let mut retirements = BTreeMap::new();
    if let Some(t) = &retire_t {
        let rows = parse_cells(t, &ctx, Some((base + 1, config.time.horizon)))?;
        checks::retirements_within_stock(t, &units, &groups, &staff, &rows)?;
        for ((u, c, y), (n, _)) in rows {
            retirements.insert((u, c, y.expect("year column")), n);
        }
    }
    let mut channels = parse_channels(&channels_t, &ctx, base + 1, config.time.horizon)?;
    if let Some(t) = &caps_t {
        apply_channel_caps(t, &mut channels)?;
    }
    let transfers = match &transfers_t {
        Some(t) => parse_transfers(t, &ctx, base + 1, config.time.horizon)?,
        None => Vec::new(),
    };
    let attrition = match &attrition_t {
        Some(t) => parse_attrition(t, &units)?,
        None => BTreeMap::new(),
    };
    apply_adjustments(&toml_path, &config, &units, &mut quota, &mut channels)?;
    let hiring_mix = match &mix_t {
        Some(t) => parse_hiring_mix(t, &ctx)?,
        None => BTreeMap::new(),
    };

    let mut spec = Spec {
        dir: dir.to_path_buf(),
        config,
        groups,
        units,
        quota,
        staff,
        retirements,
        channels,
        transfers,
        attrition,
        hiring_mix,
        roster: files.derived,
        target_buffer: BTreeMap::new(),
        variant: layered.is_variant().then(|| Variant {
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
            tables: files.sources,
        }),
        inputs: files.inputs,
        warnings: Vec::new(),
        rates: Default::default(),
    };
    spec.inputs.sort_by(|a, b| a.name.cmp(&b.name));
    checks::check_spec(&mut spec)?;
    spec.refresh_rates();
    Ok(spec)
}

/// Reads the scenario's tables, or a roster's derived text in place of some.
struct Files<'a> {
    dir: &'a Path,
    layers: &'a layers::Layered,
    /// For variants: what each file contributed to each table.
    sources: Vec<(String, Vec<String>)>,
    inputs: Vec<InputFile>,
    derived: Option<crate::domain::roster::Derived>,
    /// `roster import`: the derived tables replace any files.
    importing: bool,
}

impl Files<'_> {
    fn read(
        &mut self,
        name: &str,
        required: &[&str],
        optional: &[&str],
        must_exist: bool,
    ) -> Result<Option<Table>> {
        if let Some(d) = &self.derived {
            let replaces = self.importing || !self.dir.join(name).exists();
            let text = match name {
                "staff.csv" => Some(&d.staff),
                "retirements.csv" => Some(&d.retirements),
                "attrition.csv" if replaces => Some(&d.attrition),
                "hiring_mix.csv" if replaces => Some(&d.hiring_mix),
                _ => None,
            };
            if let Some(text) = text {
                let label = PathBuf::from(format!("{name} (derived from {})", d.source));
                return Table::parse(&label, text, required, optional).map(Some);
            }
        }
        let found = layers::read_table(self.layers, name, required, optional)?;
        let Some((table, notes)) = found else {
            if must_exist {
                // Let the reader name the missing file.
                Table::read(&self.dir.join(name), required, optional)?;
            }
            return Ok(None);
        };
        for d in &self.layers.dirs {
            let path = d.join(name);
            if path.exists() {
                read_hash(&mut self.inputs, &input_name(self.dir, &path), &path);
            }
        }
        if self.layers.is_variant() {
            self.sources.push((name.to_string(), notes));
        }
        Ok(Some(table))
    }
}

/// An input's name in the manifest: the file name for the scenario's own files, the path
/// for files of the scenarios it extends.
fn input_name(dir: &Path, path: &Path) -> String {
    if path.parent() == Some(dir) {
        return path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
    }
    // Relative to the scenario folder, however the folders were named on the command line,
    // so the manifest is the same bytes for the same inputs.
    match (dir.canonicalize(), path.canonicalize()) {
        (Ok(from), Ok(to)) => {
            let common = from
                .components()
                .zip(to.components())
                .take_while(|(a, b)| a == b)
                .count();
            let mut rel = PathBuf::new();
            for _ in from.components().skip(common) {
                rel.push("..");
            }
            for c in to.components().skip(common) {
                rel.push(c);
            }
            rel.display().to_string()
        }
        _ => path.display().to_string(),
    }
}

fn read_hash(inputs: &mut Vec<InputFile>, name: &str, path: &Path) {
    inputs.push(hash_input(name, &std::fs::read(path).unwrap_or_default()));
}

fn hash_input(name: &str, bytes: &[u8]) -> InputFile {
    InputFile {
        name: name.to_string(),
        sha256: format!("{:x}", Sha256::digest(bytes)),
    }
}

struct Lookup<'a> {
    groups: &'a [Group],
    units: &'a [Unit],
}

impl Lookup<'_> {
    fn unit(&self, row: &table::Field, column: &str) -> Result<usize> {
        let id = row.required(column)?;
        self.units.iter().position(|u| u.id == id).ok_or_else(|| {
            row.error(
                column,
                format!("unknown unit \"{id}\"; expected an id from units.csv"),
            )
        })
    }
    fn group(&self, row: &table::Field, column: &str, id: &str) -> Result<usize> {
        self.groups.iter().position(|g| g.id == id).ok_or_else(|| {
            row.error(
                column,
                format!("unknown group \"{id}\"; expected a group from groups.csv"),
            )
        })
    }
}

fn parse_groups(t: &Table) -> Result<Vec<Group>> {
    let mut groups: Vec<Group> = Vec::new();
    for row in t.fields() {
        let id = row.required("group")?.to_string();
        if groups.iter().any(|g| g.id == id) {
            return Err(row.error("group", format!("group \"{id}\" is listed twice")));
        }
        groups.push(Group {
            em: row.choice("em", &[("yes", true), ("no", false)])?,
            population_share: row.percent("population_share")?,
            names: row
                .text("names")
                .split(';')
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_string)
                .collect(),
            id,
        });
    }
    Ok(groups)
}

fn parse_units(t: &Table, groups: &[Group]) -> Result<(Vec<Unit>, Vec<u32>)> {
    let ctx = Lookup { groups, units: &[] };
    let mut units: Vec<Unit> = Vec::new();
    let mut quotas = Vec::new();
    for row in t.fields() {
        let id = row.required("id")?.to_string();
        if id == "PROVINCE" {
            return Err(row.error("id", "\"PROVINCE\" is reserved for province-wide rules"));
        }
        if units.iter().any(|u| u.id == id) {
            return Err(row.error("id", format!("unit \"{id}\" is listed twice")));
        }
        let over_quota_until = if row.text("over_quota_until").is_empty() {
            None
        } else {
            Some(row.year("over_quota_until")?)
        };
        units.push(Unit {
            name: row.required("name")?.to_string(),
            kind: row.choice("kind", &UnitKind::choices())?,
            em_population_share: row.percent("em_population_share")?,
            leader_posts: row.count("leader_posts")?,
            over_quota_until,
            r2_rate_override: row.optional_percent("r2_rate_override")?,
            recruit_groups: if row.text("recruit_groups").is_empty() {
                (0..groups.len()).collect()
            } else {
                parse_group_list(&row, &ctx, "recruit_groups")?
            },
            difficult: !row.text("difficult").is_empty()
                && row.choice("difficult", &[("yes", true), ("no", false)])?,
            line: row.line(),
            id,
        });
        quotas.push(row.count("quota")?);
    }
    Ok((units, quotas))
}

/// `quotas.csv`: a quota from a year on, until the next row for the same unit.
fn apply_quota_changes(
    t: &Table,
    units: &[Unit],
    base: i32,
    horizon: i32,
    quota: &mut [Vec<u32>],
) -> Result<()> {
    let ctx = Lookup { groups: &[], units };
    let mut changes = Vec::new();
    for row in t.fields() {
        let u = ctx.unit(&row, "unit")?;
        let year = row.year("year")?;
        if year <= base || year > horizon {
            return Err(row.error(
                "year",
                format!(
                    "expected a year from {} to {horizon}, found {year}",
                    base + 1
                ),
            ));
        }
        if changes.iter().any(|&(v, y, _)| v == u && y == year) {
            return Err(row.error(
                "year",
                format!(
                    "a quota for unit \"{}\" in {year} is already given",
                    units[u].id
                ),
            ));
        }
        changes.push((u, year, row.count("quota")?));
    }
    changes.sort();
    for (u, year, q) in changes {
        for y in year..=horizon {
            quota[u][(y - base) as usize] = q;
        }
    }
    Ok(())
}

pub(crate) type CellKey = (usize, Cell, Option<i32>);

/// Counts by unit, cell (and year), with the first line each key was seen on.
fn parse_cells(
    t: &Table,
    ctx: &Lookup,
    year_range: Option<(i32, i32)>,
) -> Result<BTreeMap<CellKey, (u32, usize)>> {
    let mut out = BTreeMap::new();
    for row in t.fields() {
        let unit = ctx.unit(&row, "unit")?;
        let group = ctx.group(&row, "group", row.required("group")?)?;
        let cell = Cell {
            group,
            female: row.choice("gender", &[("F", true), ("M", false)])?,
            leader: row.choice("role", &[("staff", false), ("leader", true)])?,
            trained: row.choice("trained", &[("yes", true), ("no", false)])?,
        };
        let year = match year_range {
            Some((from, to)) => {
                let y = row.year("year")?;
                if y < from || y > to {
                    return Err(row.error(
                        "year",
                        format!("expected a year from {from} to {to}, found {y}"),
                    ));
                }
                Some(y)
            }
            None => None,
        };
        let count = row.count("count")?;
        out.entry((unit, cell, year)).or_insert((0, row.line())).0 += count;
    }
    Ok(out)
}

fn parse_group_set(row: &table::Field, ctx: &Lookup) -> Result<Vec<usize>> {
    let text = row.required("groups")?;
    let all = 0..ctx.groups.len();
    Ok(match text {
        "all" => all.collect(),
        "EM" => all.filter(|&g| ctx.groups[g].em).collect(),
        "non-EM" => all.filter(|&g| !ctx.groups[g].em).collect(),
        _ => parse_group_list(row, ctx, "groups")?,
    })
}

/// `[adjust]`: quota and channel scalings (attrition factors apply in
/// [`Spec::leaving_rate`]). Checked here: factors ≥ 0, and names that exist.
fn apply_adjustments(
    toml_path: &Path,
    config: &Config,
    units: &[Unit],
    quota: &mut [Vec<u32>],
    channels: &mut [Channel],
) -> Result<()> {
    let a = &config.adjust;
    let factor = |field: String, f: f64| {
        if f.is_finite() && f >= 0.0 {
            Ok(f)
        } else {
            Err(Error::input(
                toml_path,
                None,
                field,
                format!("expected a factor of 0 or more, found {f}"),
            ))
        }
    };
    let qf = factor("adjust.quota_factor".into(), a.quota_factor)?;
    if !(qf > 0.0 && qf <= 2.0) {
        return Err(Error::input(
            toml_path,
            None,
            "adjust.quota_factor",
            format!("expected a factor above 0 and at most 2, found {qf}"),
        ));
    }
    for q in quota.iter_mut() {
        for v in q.iter_mut().skip(1) {
            *v = (*v as f64 * qf).round() as u32;
        }
    }
    for (id, &f) in &a.channel_factor {
        let f = factor(format!("adjust.channel_factor.{id}"), f)?;
        let mut found = false;
        for ch in channels.iter_mut().filter(|c| &c.id == id) {
            found = true;
            ch.max_hires = ch.max_hires.map(|m| (m as f64 * f).round() as u32);
            for cap in ch.kind_caps.values_mut() {
                *cap = (*cap as f64 * f).round() as u32;
            }
        }
        if !found {
            let mut ids: Vec<&str> = channels.iter().map(|c| c.id.as_str()).collect();
            ids.dedup();
            return Err(Error::input(
                toml_path,
                None,
                format!("adjust.channel_factor.{id}"),
                format!(
                    "no channel \"{id}\" in channels.csv; the channels are {}",
                    ids.join(", ")
                ),
            ));
        }
    }
    let mut classes: Vec<String> = units.iter().map(Unit::attrition_class).collect();
    classes.sort();
    classes.dedup();
    for (class, &f) in &a.attrition_factor {
        factor(format!("adjust.attrition_factor.{class}"), f)?;
        if !classes.contains(class) {
            return Err(Error::input(
                toml_path,
                None,
                format!("adjust.attrition_factor.{class}"),
                format!(
                    "no unit is in class \"{class}\"; the classes are {}",
                    classes.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// `attrition.csv`: yearly leaving rates by class and tenure band. Each class's bands must
/// run from 0 without gaps and end open.
fn parse_attrition(t: &Table, units: &[Unit]) -> Result<BTreeMap<String, Vec<AttritionBand>>> {
    let mut classes: Vec<String> = units.iter().map(Unit::attrition_class).collect();
    classes.sort();
    classes.dedup();
    let mut out: BTreeMap<String, Vec<AttritionBand>> = BTreeMap::new();
    let mut last_line: BTreeMap<String, usize> = BTreeMap::new();
    for row in t.fields() {
        let class = row.required("class")?.to_string();
        if !classes.contains(&class) {
            return Err(row.error(
                "class",
                format!(
                    "no unit is in class \"{class}\"; the classes of units.csv are {}",
                    classes.join(", ")
                ),
            ));
        }
        let from = row.count("tenure_from")?;
        let to = row.optional_count("tenure_to")?;
        let rate = row.percent("rate")?;
        if rate >= 1.0 {
            return Err(row.error("rate", "expected a yearly rate below 100%"));
        }
        let bands = out.entry(class.clone()).or_default();
        let expected_from = bands.last().map(|b: &AttritionBand| b.to);
        match expected_from {
            None if from != 0 => {
                return Err(row.error("tenure_from", "a class's first band must start at 0"))
            }
            Some(None) => {
                return Err(row.error(
                    "tenure_from",
                    format!(
                        "the band before (line {}) is open-ended; it must be last",
                        last_line[&class]
                    ),
                ))
            }
            Some(Some(prev)) if prev != from => {
                return Err(row.error(
                    "tenure_from",
                    format!("expected {prev}, where the band before ends"),
                ))
            }
            _ => {}
        }
        if to.is_some_and(|to| to <= from) {
            return Err(row.error(
                "tenure_to",
                format!("expected more than {from}, or empty for an open band"),
            ));
        }
        bands.push(AttritionBand { from, to, rate });
        last_line.insert(class, row.line());
    }
    for (class, bands) in &out {
        if bands.last().is_some_and(|b| b.to.is_some()) {
            return Err(Error::input(
                &t.path,
                Some(last_line[class]),
                "tenure_to",
                format!("the last band of class \"{class}\" must be open-ended (empty tenure_to)"),
            ));
        }
    }
    Ok(out)
}

/// `hiring_mix.csv`: shares of each unit's hires by group, gender and trained.
fn parse_hiring_mix(t: &Table, ctx: &Lookup) -> Result<BTreeMap<usize, Vec<(Cell, f64)>>> {
    let mut out: BTreeMap<usize, Vec<(Cell, f64)>> = BTreeMap::new();
    let mut first_line: BTreeMap<usize, usize> = BTreeMap::new();
    for row in t.fields() {
        let unit = ctx.unit(&row, "unit")?;
        let group = ctx.group(&row, "group", row.required("group")?)?;
        let cell = Cell {
            group,
            female: row.choice("gender", &[("F", true), ("M", false)])?,
            leader: false,
            trained: row.choice("trained", &[("yes", true), ("no", false)])?,
        };
        let share = row.percent("share")?;
        first_line.entry(unit).or_insert(row.line());
        let cells = out.entry(unit).or_default();
        if cells.iter().any(|(c, _)| *c == cell) {
            return Err(row.error("group", "this unit's cell is listed twice"));
        }
        cells.push((cell, share));
    }
    for (u, cells) in out.iter_mut() {
        let total: f64 = cells.iter().map(|(_, s)| s).sum();
        if (total - 1.0).abs() > 0.01 {
            return Err(Error::input(
                &t.path,
                Some(first_line[u]),
                "share",
                format!(
                    "the shares of unit {} add up to {:.2}%; expected 100%",
                    ctx.units[*u].id,
                    total * 100.0
                ),
            ));
        }
        for (_, s) in cells.iter_mut() {
            *s /= total;
        }
    }
    Ok(out)
}

/// A `;`-separated list of group ids.
fn parse_group_list(row: &table::Field, ctx: &Lookup, column: &str) -> Result<Vec<usize>> {
    let mut v = Vec::new();
    for id in row.required(column)?.split(';').map(str::trim) {
        v.push(ctx.group(row, column, id)?);
    }
    v.sort();
    v.dedup();
    Ok(v)
}

fn parse_kind_set(row: &table::Field) -> Result<Vec<UnitKind>> {
    let text = row.required("kinds")?;
    if text == "all" {
        return Ok(UnitKind::ALL.to_vec());
    }
    let mut v = Vec::new();
    for name in text.split(';').map(str::trim) {
        let kind: UnitKind = name.parse().map_err(|_| {
            row.error(
                "kinds",
                format!(
                    "unknown unit kind \"{name}\"; expected all or a ;-list of {}",
                    UnitKind::words().join(", ")
                ),
            )
        })?;
        v.push(kind);
    }
    Ok(v)
}

fn check_year_range(row: &table::Field, (a, b): (i32, i32), from: i32, to: i32) -> Result<()> {
    if a < from || b > to {
        return Err(row.error(
            "year",
            format!("expected years within {from}-{to}, found {a}-{b}"),
        ));
    }
    Ok(())
}

fn parse_channels(t: &Table, ctx: &Lookup, from: i32, to: i32) -> Result<Vec<Channel>> {
    let mut out: Vec<Channel> = Vec::new();
    for row in t.fields() {
        let id = row.required("channel")?.to_string();
        let years = row.years("year")?;
        check_year_range(&row, years, from, to)?;
        let groups = parse_group_set(&row, ctx)?;
        let kinds = parse_kind_set(&row)?;
        let max_hires = row.optional_count("max_hires")?;
        let cost_per_hire = row.money("cost_per_hire")?;
        let women_share = row.percent("women_share")?;
        let trained = row.choice("trained", &[("yes", true), ("no", false)])?;
        for year in years.0..=years.1 {
            if out.iter().any(|c| c.id == id && c.year == year) {
                return Err(row.error(
                    "year",
                    format!("channel \"{id}\" already has a row covering {year}"),
                ));
            }
            out.push(Channel {
                id: id.clone(),
                year,
                groups: groups.clone(),
                kinds: kinds.clone(),
                max_hires,
                kind_caps: BTreeMap::new(),
                cost_per_hire,
                women_share,
                trained,
                line: row.line(),
            });
        }
    }
    Ok(out)
}

fn apply_channel_caps(t: &Table, channels: &mut [Channel]) -> Result<()> {
    for row in t.fields() {
        let id = row.required("channel")?;
        let (a, b) = row.years("year")?;
        let kind = row.choice("kind", &UnitKind::choices())?;
        let cap = row.count("max_hires")?;
        let mut found = false;
        for c in channels
            .iter_mut()
            .filter(|c| c.id == id && (a..=b).contains(&c.year))
        {
            c.kind_caps.insert(kind, cap);
            found = true;
        }
        if !found {
            return Err(row.error(
                "channel",
                format!("no row of channels.csv has channel \"{id}\" in {a}-{b}"),
            ));
        }
    }
    Ok(())
}

/// `from`/`to` are a unit id or `kind:<kind>`.
fn parse_unit_set(row: &table::Field, ctx: &Lookup, column: &str) -> Result<Vec<usize>> {
    let text = row.required(column)?;
    if let Some(kind_name) = text.strip_prefix("kind:") {
        let kind: UnitKind = kind_name
            .parse()
            .map_err(|_| row.error(column, format!("unknown unit kind \"{kind_name}\"")))?;
        Ok((0..ctx.units.len())
            .filter(|&u| ctx.units[u].kind == kind)
            .collect())
    } else {
        Ok(vec![ctx.unit(row, column)?])
    }
}

fn parse_transfers(t: &Table, ctx: &Lookup, from: i32, to: i32) -> Result<Vec<TransferRoute>> {
    let mut out = Vec::new();
    for row in t.fields() {
        let years = row.years("year")?;
        check_year_range(&row, years, from, to)?;
        let src = parse_unit_set(&row, ctx, "from")?;
        let dst = parse_unit_set(&row, ctx, "to")?;
        let max_per_year = row.count("max_per_year")?;
        let cost_per_person = row.money("cost_per_person")?;
        for year in years.0..=years.1 {
            out.push(TransferRoute {
                from: src.clone(),
                to: dst.clone(),
                year,
                max_per_year,
                cost_per_person,
                line: row.line(),
            });
        }
    }
    Ok(out)
}
