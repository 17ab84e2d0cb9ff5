//! Checked values from raw tables: names resolved to indices, year ranges expanded, shares
//! and counts in range, each error naming the file, line, field and what was expected.

use crate::domain::{AttritionBand, Cell, Channel, Group, TransferRoute, Unit, UnitKind};
use crate::error::{Error, Result};
use crate::table::{self, Table};
use std::collections::BTreeMap;

/// Names to indices, with errors that name the row and column.
pub(super) struct Lookup<'a> {
    pub groups: &'a [Group],
    pub units: &'a [Unit],
}

impl Lookup<'_> {
    pub fn unit(&self, row: &table::Field, column: &str) -> Result<usize> {
        let id = row.required(column)?;
        self.units.iter().position(|u| u.id == id).ok_or_else(|| {
            row.error(
                column,
                format!("unknown unit \"{id}\"; expected an id from units.csv"),
            )
        })
    }
    pub fn group(&self, row: &table::Field, column: &str, id: &str) -> Result<usize> {
        self.groups.iter().position(|g| g.id == id).ok_or_else(|| {
            row.error(
                column,
                format!("unknown group \"{id}\"; expected a group from groups.csv"),
            )
        })
    }
}

/// A message for an id listed a second time.
fn twice(what: &str, id: &str, first: usize) -> String {
    format!("{what} \"{id}\" is listed twice (first on line {first}); expected each {what} once")
}

pub(super) fn parse_groups(t: &Table) -> Result<Vec<Group>> {
    let mut groups: Vec<Group> = Vec::new();
    let mut lines: Vec<usize> = Vec::new();
    for row in t.fields() {
        let id = row.required("group")?.to_string();
        if let Some(i) = groups.iter().position(|g| g.id == id) {
            return Err(row.error("group", twice("group", &id, lines[i])));
        }
        lines.push(row.line());
        groups.push(Group {
            em: row.yes_no("em")?,
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
    if groups.is_empty() {
        return Err(Error::input(
            &t.path,
            None,
            "group",
            "the file has a header but no groups; expected at least one row, one per ethnic group",
        ));
    }
    Ok(groups)
}

pub(super) fn parse_units(t: &Table, groups: &[Group]) -> Result<(Vec<Unit>, Vec<u32>)> {
    let ctx = Lookup { groups, units: &[] };
    let mut units: Vec<Unit> = Vec::new();
    let mut quotas = Vec::new();
    for row in t.fields() {
        let id = row.required("id")?.to_string();
        if id == "PROVINCE" {
            return Err(row.error(
                "id",
                "\"PROVINCE\" is reserved for province-wide rules; expected another unit id",
            ));
        }
        if let Some(u) = units.iter().find(|u| u.id == id) {
            return Err(row.error("id", twice("unit", &id, u.line)));
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
            difficult: !row.text("difficult").is_empty() && row.yes_no("difficult")?,
            run_by_commune: !row.text("run_by").is_empty()
                && row.choice("run_by", &[("commune", true), ("province", false)])?,
            line: row.line(),
            file: row.path().to_path_buf(),
            id,
        });
        let quota = row.count("quota")?;
        let leader_posts = units.last().map_or(0, |u| u.leader_posts);
        if leader_posts > quota {
            return Err(row.error(
                "leader_posts",
                format!(
                    "{leader_posts} leader posts exceed the unit's quota of {quota}; expected a whole number from 0 to {quota}"
                ),
            ));
        }
        quotas.push(quota);
    }
    if units.is_empty() {
        return Err(Error::input(
            &t.path,
            None,
            "id",
            "the file has a header but no units; expected at least one row, one per unit",
        ));
    }
    Ok((units, quotas))
}

/// `quotas.csv`: a quota from a year on, until the next row for the same unit.
pub(super) fn apply_quota_changes(
    t: &Table,
    units: &[Unit],
    (since, base): (i32, i32),
    horizon: i32,
    quota: &mut [Vec<u32>],
) -> Result<()> {
    let ctx = Lookup { groups: &[], units };
    let mut changes = Vec::new();
    for row in t.fields() {
        let u = ctx.unit(&row, "unit")?;
        let year = row.year("year")?;
        if year <= since || year > horizon {
            return Err(row.error(
                "year",
                format!(
                    "expected a year from {} to {horizon}, found {year}",
                    since + 1
                ),
            ));
        }
        if let Some(&(_, _, _, first)) = changes.iter().find(|&&(v, y, _, _)| v == u && y == year) {
            return Err(row.error(
                "year",
                format!(
                    "a quota for unit \"{}\" in {year} is already given on line {first}; expected one row per unit and year",
                    units[u].id
                ),
            ));
        }
        let q = row.count("quota")?;
        if q < units[u].leader_posts {
            return Err(row.error(
                "quota",
                format!(
                    "a quota of {q} for unit \"{}\" is below its {} leader posts in units.csv; expected at least {}",
                    units[u].id, units[u].leader_posts, units[u].leader_posts
                ),
            ));
        }
        changes.push((u, year, q, row.line()));
    }
    changes.sort();
    // A re-plan's quota changes from its reference year to its base year are in force at
    // the base year.
    for (u, year, q, _) in changes {
        for y in year.max(base)..=horizon {
            quota[u][(y - base) as usize] = q;
        }
    }
    Ok(())
}

pub(super) type CellKey = (usize, Cell, Option<i32>);

/// A row's unit and cell: `unit`, `group`, `gender`, `role`, `trained`.
fn unit_and_cell(row: &table::Field, ctx: &Lookup) -> Result<(usize, Cell)> {
    let unit = ctx.unit(row, "unit")?;
    let group = ctx.group(row, "group", row.required("group")?)?;
    let cell = Cell {
        group,
        female: row.choice("gender", &[("F", true), ("M", false)])?,
        leader: row.choice("role", &[("staff", false), ("leader", true)])?,
        trained: row.yes_no("trained")?,
    };
    Ok((unit, cell))
}

/// Counts by unit, cell (and year), with the first line each key was seen on.
pub(super) fn parse_cells(
    t: &Table,
    ctx: &Lookup,
    year_range: Option<(i32, i32)>,
) -> Result<BTreeMap<CellKey, (u32, usize)>> {
    let mut out = BTreeMap::new();
    for row in t.fields() {
        let (unit, cell) = unit_and_cell(&row, ctx)?;
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

/// `staff.csv`'s optional `hired` column: the base people whose year of recruitment is
/// known, by unit, cell and that year (at most `base_year`; empty: settled).
pub(super) fn parse_hired(
    t: &Table,
    ctx: &Lookup,
    base_year: i32,
) -> Result<BTreeMap<(usize, Cell), BTreeMap<i32, u32>>> {
    let mut out: BTreeMap<(usize, Cell), BTreeMap<i32, u32>> = BTreeMap::new();
    for row in t.fields() {
        if row.text("hired").is_empty() {
            continue;
        }
        let hired = row.year("hired")?;
        if hired > base_year {
            return Err(row.error(
                "hired",
                format!(
                    "the people of staff.csv are in post at 31 December {base_year}, so hired in {base_year} at the latest; found {hired}"
                ),
            ));
        }
        let (unit, cell) = unit_and_cell(&row, ctx)?;
        let count = row.count("count")?;
        if count > 0 {
            *out.entry((unit, cell))
                .or_default()
                .entry(hired)
                .or_default() += count;
        }
    }
    Ok(out)
}

pub(super) fn parse_group_set(row: &table::Field, ctx: &Lookup) -> Result<Vec<usize>> {
    let text = row.required("groups")?;
    let all = 0..ctx.groups.len();
    Ok(match text {
        "all" => all.collect(),
        "EM" => all.filter(|&g| ctx.groups[g].em).collect(),
        "non-EM" => all.filter(|&g| !ctx.groups[g].em).collect(),
        _ => parse_group_list(row, ctx, "groups")?,
    })
}

/// `attrition.csv`: yearly leaving rates by class and tenure band. Each class's bands must
/// run from 0 without gaps and end open.
pub(super) fn parse_attrition(
    t: &Table,
    units: &[Unit],
) -> Result<BTreeMap<String, Vec<AttritionBand>>> {
    let mut classes: Vec<String> = units.iter().map(Unit::attrition_class).collect();
    classes.sort();
    classes.dedup();
    let mut out: BTreeMap<String, Vec<AttritionBand>> = BTreeMap::new();
    let mut last_line: BTreeMap<String, (usize, std::path::PathBuf)> = BTreeMap::new();
    for row in t.fields() {
        let class = row.required("class")?.to_string();
        if !classes.contains(&class) {
            return Err(row.error(
                "class",
                format!(
                    "no unit is in class \"{class}\"; expected one of the classes of units.csv: {}",
                    classes.join(", ")
                ),
            ));
        }
        let from = row.count("tenure_from")?;
        let to = row.optional_count("tenure_to")?;
        let rate = row.percent("rate")?;
        if rate >= 1.0 {
            return Err(row.error(
                "rate",
                format!(
                    "expected a yearly rate from 0 to below 100, found \"{}\"",
                    row.text("rate")
                ),
            ));
        }
        row.optional_count("leavers")?;
        row.optional_amount("person_years")?;
        if !row.text("source").is_empty() {
            row.choice("source", &[("fitted", ()), ("pooled", ()), ("default", ())])?;
        }
        let bands = out.entry(class.clone()).or_default();
        let expected_from = bands.last().map(|b: &AttritionBand| b.to);
        match expected_from {
            None if from != 0 => {
                return Err(row.error(
                    "tenure_from",
                    format!("expected 0, where a class's first band starts, found {from}"),
                ))
            }
            Some(None) => {
                return Err(row.error(
                    "tenure_from",
                    format!(
                        "the band before (line {}) is open-ended, so it must be the last; expected no band after it",
                        last_line[&class].0
                    ),
                ))
            }
            Some(Some(prev)) if prev != from => {
                return Err(row.error(
                    "tenure_from",
                    format!("expected {prev}, where the band before ends, found {from}"),
                ))
            }
            _ => {}
        }
        if let Some(to) = to.filter(|to| *to <= from) {
            return Err(row.error(
                "tenure_to",
                format!("expected more than {from}, or empty for an open band, found {to}"),
            ));
        }
        bands.push(AttritionBand { from, to, rate });
        last_line.insert(class, (row.line(), row.path().to_path_buf()));
    }
    for (class, bands) in &out {
        if let Some(to) = bands.last().and_then(|b| b.to) {
            let (line, file) = &last_line[class];
            return Err(Error::input(
                file,
                Some(*line),
                "tenure_to",
                format!(
                    "the last band of class \"{class}\" must be open-ended; expected an empty tenure_to, found {to}"
                ),
            ));
        }
    }
    Ok(out)
}

/// `hiring_mix.csv`: shares of each unit's hires by group, gender and trained.
pub(super) fn parse_hiring_mix(
    t: &Table,
    ctx: &Lookup,
) -> Result<BTreeMap<usize, Vec<(Cell, f64)>>> {
    let mut out: BTreeMap<usize, Vec<(Cell, f64)>> = BTreeMap::new();
    let mut first_line: BTreeMap<usize, (usize, std::path::PathBuf)> = BTreeMap::new();
    let mut lines: BTreeMap<(usize, Cell), usize> = BTreeMap::new();
    for row in t.fields() {
        let unit = ctx.unit(&row, "unit")?;
        let group = ctx.group(&row, "group", row.required("group")?)?;
        let cell = Cell {
            group,
            female: row.choice("gender", &[("F", true), ("M", false)])?,
            leader: false,
            trained: row.yes_no("trained")?,
        };
        let share = row.percent("share")?;
        row.optional_count("hires")?;
        first_line
            .entry(unit)
            .or_insert((row.line(), row.path().to_path_buf()));
        if let Some(first) = lines.insert((unit, cell), row.line()) {
            return Err(row.error(
                "group",
                format!(
                    "unit \"{}\" has this group, gender and trained on line {first} already; expected one row per unit, group, gender and trained",
                    ctx.units[unit].id
                ),
            ));
        }
        out.entry(unit).or_default().push((cell, share));
    }
    for (u, cells) in out.iter_mut() {
        let total: f64 = cells.iter().map(|(_, s)| s).sum();
        if (total - 1.0).abs() > 0.01 {
            let (line, file) = &first_line[u];
            return Err(Error::input(
                file,
                Some(*line),
                "share",
                format!(
                    "the shares of unit {} add up to {:.2}%; expected 100% (±1)",
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
pub(super) fn parse_group_list(
    row: &table::Field,
    ctx: &Lookup,
    column: &str,
) -> Result<Vec<usize>> {
    let mut v = Vec::new();
    for id in row.required(column)?.split(';').map(str::trim) {
        v.push(ctx.group(row, column, id)?);
    }
    v.sort();
    v.dedup();
    Ok(v)
}

pub(super) fn parse_kind_set(row: &table::Field) -> Result<Vec<UnitKind>> {
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

/// The years a table's rows may name: the planned years `from..=to`, and for a re-plan
/// (`time.reference_year`) the years since its reference year, whose rows are past.
#[derive(Debug, Clone, Copy)]
pub(super) struct Span {
    pub since: i32,
    pub from: i32,
    pub to: i32,
}

/// The row's years within the plan: a range that begins at or before the base year and
/// reaches into the plan keeps its planned years (so a table written for 2026-2035 still
/// serves a re-plan from 2026); a re-plan's row that ends in its past (after its reference
/// year) is left out (`None`); anything else outside the plan is refused.
pub(super) fn check_year_range(
    row: &table::Field,
    (a, b): (i32, i32),
    span: Span,
) -> Result<Option<(i32, i32)>> {
    let Span { since, from, to } = span;
    if a < b && a < from && b >= from && b <= to {
        return Ok(Some((from, b)));
    }
    if b >= since && b < from {
        return Ok(None);
    }
    if a < from || b > to {
        let found = if a == b {
            a.to_string()
        } else {
            format!("{a}-{b}")
        };
        return Err(row.error(
            "year",
            format!("expected years within the plan, {from}-{to}, found {found}"),
        ));
    }
    Ok(Some((a, b)))
}

pub(super) fn parse_channels(t: &Table, ctx: &Lookup, span: Span) -> Result<Vec<Channel>> {
    let mut out: Vec<Channel> = Vec::new();
    for row in t.fields() {
        let id = row.required("channel")?.to_string();
        let Some(years) = check_year_range(&row, row.years("year")?, span)? else {
            continue;
        };
        let groups = parse_group_set(&row, ctx)?;
        let kinds = parse_kind_set(&row)?;
        let max_hires = row.optional_count("max_hires")?;
        let cost_per_hire = row.money("cost_per_hire")?;
        let women_share = row.percent("women_share")?;
        let trained = row.yes_no("trained")?;
        let min_hires = row.optional_count("min_hires")?;
        if let (Some(least), Some(most)) = (min_hires, max_hires) {
            if least > most {
                return Err(row.error(
                    "min_hires",
                    format!("{least} graduates to place exceed max_hires {most}; expected at most {most}"),
                ));
            }
        }
        for year in years.0..=years.1 {
            if out.iter().any(|c| c.id == id && c.year == year) {
                return Err(row.error(
                    "year",
                    format!(
                        "channel \"{id}\" already has a row covering {year}; expected one row per channel and year (the years of one channel's rows may not overlap)"
                    ),
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
                min_hires,
                line: row.line(),
            });
        }
    }
    Ok(out)
}

pub(super) fn apply_channel_caps(t: &Table, channels: &mut [Channel], span: Span) -> Result<()> {
    for row in t.fields() {
        let id = row.required("channel")?;
        let (a, b) = row.years("year")?;
        if b >= span.since && b < span.from && a <= b {
            continue; // a re-plan's past
        }
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
            let mut ids: Vec<&str> = channels.iter().map(|c| c.id.as_str()).collect();
            ids.sort_unstable();
            ids.dedup();
            let years = if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            };
            return Err(row.error(
                "channel",
                format!(
                    "no row of channels.csv has channel \"{id}\" in {years}; expected a channel of channels.csv ({}) in a year it has a row for",
                    ids.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// `from`/`to` are a unit id or `kind:<kind>`.
pub(super) fn parse_unit_set(row: &table::Field, ctx: &Lookup, column: &str) -> Result<Vec<usize>> {
    let text = row.required(column)?;
    if let Some(kind_name) = text.strip_prefix("kind:") {
        let kind: UnitKind = kind_name.parse().map_err(|_| {
            row.error(
                column,
                format!(
                    "unknown unit kind \"{kind_name}\"; expected a unit id or kind:<kind> with a kind of {}",
                    UnitKind::words().join(", ")
                ),
            )
        })?;
        Ok((0..ctx.units.len())
            .filter(|&u| ctx.units[u].kind == kind)
            .collect())
    } else {
        Ok(vec![ctx.unit(row, column)?])
    }
}

pub(super) fn parse_transfers(t: &Table, ctx: &Lookup, span: Span) -> Result<Vec<TransferRoute>> {
    let mut out = Vec::new();
    let mut seen: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    for row in t.fields() {
        let key = (
            row.text("from").to_string(),
            row.text("to").to_string(),
            row.text("year").to_string(),
        );
        if let Some(first) = seen.insert(key, row.line()) {
            return Err(row.error(
                "year",
                format!(
                    "the route from \"{}\" to \"{}\" in {} is already given on line {first}; expected one row per from, to and year",
                    row.text("from"),
                    row.text("to"),
                    row.text("year")
                ),
            ));
        }
        let Some(years) = check_year_range(&row, row.years("year")?, span)? else {
            continue;
        };
        let src = parse_unit_set(&row, ctx, "from")?;
        let dst = parse_unit_set(&row, ctx, "to")?;
        if src.len() == 1 && src == dst {
            return Err(row.error(
                "to",
                format!(
                    "the route goes from unit \"{}\" to itself; expected a different unit, or kind:<kind>",
                    ctx.units[src[0]].id
                ),
            ));
        }
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

/// `budget.csv`: a cap on lever spending per year (or range of years) and scope (`all`,
/// `province`, `commune`), million VND. An `all` row may not repeat `budget.cap_per_year`.
pub(super) fn parse_budget(
    t: &Table,
    span: Span,
    cap_per_year: Option<f64>,
) -> Result<BTreeMap<(i32, crate::domain::BudgetScope), f64>> {
    use crate::domain::BudgetScope;
    let scopes: Vec<(&str, BudgetScope)> =
        BudgetScope::ALL.iter().map(|s| (s.name(), *s)).collect();
    let mut out = BTreeMap::new();
    let mut seen: BTreeMap<(i32, BudgetScope), usize> = BTreeMap::new();
    for row in t.fields() {
        let Some(years) = check_year_range(&row, row.years("year")?, span)? else {
            continue;
        };
        let scope = row.choice("level", &scopes)?;
        if scope == BudgetScope::All && cap_per_year.is_some() {
            return Err(row.error(
                "level",
                "budget.cap_per_year already caps every unit's spending each year; expected province or commune here, or the yearly cap of all units in one place only",
            ));
        }
        let cap = row.money("cap")?;
        for year in years.0..=years.1 {
            if let Some(first) = seen.insert((year, scope), row.line()) {
                return Err(row.error(
                    "year",
                    format!(
                        "the cap of {} in {year} is already given on line {first}; expected one row per year and level",
                        scope.name()
                    ),
                ));
            }
            out.insert((year, scope), cap);
        }
    }
    Ok(out)
}
