//! The statistics the charts show, computed once from a finished run's output tables
//! (`summary.json`, `manifest.json`, `units.csv`, `trajectory.csv`, `targets.csv`,
//! `costs.csv`, `flows.csv` and `forecast/`), never from the model.

use crate::error::{Error, Result};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Row = BTreeMap<String, String>;

fn read_rows(path: &Path) -> Result<Vec<Row>> {
    let mut r = csv::Reader::from_path(path).map_err(|e| Error::Unreadable {
        file: path.to_path_buf(),
        message: format!("{e} (is this a finished `bienche plan` folder?)"),
    })?;
    let headers = r
        .headers()
        .map_err(|e| Error::input(path, Some(1), "-", e.to_string()))?
        .clone();
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| {
            Error::input(
                path,
                e.position().map(|p| p.line() as usize),
                "-",
                e.to_string(),
            )
        })?;
        rows.push(
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect(),
        );
    }
    Ok(rows)
}

fn read_json(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::Unreadable {
        file: path.to_path_buf(),
        message: format!("{e} (is this a finished `bienche plan` folder?)"),
    })?;
    serde_json::from_str(&text).map_err(|e| Error::input(path, Some(e.line()), "-", e.to_string()))
}

fn field<T: std::str::FromStr>(path: &Path, row: &Row, name: &str) -> Result<T> {
    let text = row.get(name).map(String::as_str).unwrap_or("");
    text.parse().map_err(|_| {
        Error::input(
            path,
            None,
            name,
            format!("expected a number, found \"{text}\""),
        )
    })
}

/// Head-count sums of one year.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    pub all: f64,
    pub em: f64,
    pub em_women: f64,
    pub em_trained: f64,
    pub em_leaders: f64,
}

impl Counts {
    fn add(&mut self, em: bool, female: bool, leader: bool, trained: bool, n: f64) {
        self.all += n;
        if em {
            self.em += n;
            if female {
                self.em_women += n;
            }
            if trained {
                self.em_trained += n;
            }
            if leader {
                self.em_leaders += n;
            }
        }
    }
}

pub fn pct(a: f64, b: f64) -> f64 {
    if b > 0.0 {
        100.0 * a / b
    } else {
        0.0
    }
}

/// One unit's R1–R3 share of quota in a target year.
#[derive(Debug, Clone)]
pub struct UnitShare {
    pub unit: String,
    pub kind: String,
    pub rule: String,
    /// (required, achieved) as % of quota, by target year.
    pub by_year: BTreeMap<i32, (f64, f64)>,
    pub met: BTreeMap<i32, bool>,
}

#[derive(Debug, Clone)]
pub struct Stats {
    pub scenario: String,
    pub illustrative: bool,
    pub version: String,
    pub base_year: i32,
    pub horizon: i32,
    /// (year, level).
    pub targets: Vec<(i32, f64)>,
    /// Province counts by year.
    pub province: BTreeMap<i32, Counts>,
    /// EM staff and quota of units with an R1–R3 row, by year: (EM, quota).
    pub rate_units: BTreeMap<i32, (f64, f64)>,
    /// Σ required R1–R3 and Σ quota of those units, by target year.
    pub rate_required: BTreeMap<i32, (f64, f64)>,
    pub unit_shares: Vec<UnitShare>,
    /// Cost by year and lever, million VND.
    pub costs: BTreeMap<i32, BTreeMap<String, f64>>,
    /// Hires by year, channel and EM: (people, women).
    pub hires: BTreeMap<i32, BTreeMap<(String, bool), (f64, f64)>>,
    /// Unit ids in order, then PROVINCE and COVERAGE rows if any.
    pub target_units: Vec<String>,
    /// (unit, rule, year) → met.
    pub status: BTreeMap<(String, String, i32), bool>,
    /// People short over the target rows (R5 excluded), by year.
    pub shortfall: BTreeMap<i32, f64>,
    /// Forecast without a plan, when the run has one: province counts by year.
    pub forecast: Option<BTreeMap<i32, Counts>>,
    /// Units' R1–R3 (required, achieved) in the last target year with no plan.
    pub forecast_shares: BTreeMap<String, (f64, f64)>,
}

impl Stats {
    pub fn last_target_year(&self) -> i32 {
        self.targets.last().map(|t| t.0).unwrap_or(self.horizon)
    }
}

const RATE_RULES: [&str; 3] = ["R1", "R2", "R3"];

pub fn load(out: &Path) -> Result<Stats> {
    let summary = read_json(&out.join("summary.json"))?;
    let manifest = read_json(&out.join("manifest.json"))?;
    let spath = out.join("summary.json");
    let int = |v: &Value, name: &str| -> Result<i32> {
        v[name]
            .as_i64()
            .map(|x| x as i32)
            .ok_or_else(|| Error::input(&spath, None, name, "expected a year"))
    };
    let base_year = int(&summary, "base_year")?;
    let horizon = int(&summary, "horizon")?;
    let targets: Vec<(i32, f64)> = summary["policy"]["targets"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|t| Some((t["year"].as_i64()? as i32, t["level"].as_f64()?)))
                .collect()
        })
        .unwrap_or_default();
    let em_groups: BTreeSet<String> = summary["groups"]
        .as_array()
        .ok_or_else(|| Error::input(&spath, None, "groups", "expected the list of groups"))?
        .iter()
        .filter(|g| g["em"].as_bool() == Some(true))
        .filter_map(|g| g["group"].as_str().map(str::to_string))
        .collect();

    let upath = out.join("units.csv");
    let mut kinds: BTreeMap<String, String> = BTreeMap::new();
    let mut unit_order: Vec<String> = Vec::new();
    let mut quota: BTreeMap<(String, i32), f64> = BTreeMap::new();
    for r in read_rows(&upath)? {
        let id = r["unit"].clone();
        if !kinds.contains_key(&id) {
            unit_order.push(id.clone());
        }
        kinds.insert(id.clone(), r["kind"].clone());
        quota.insert(
            (id, field(&upath, &r, "year")?),
            field(&upath, &r, "quota")?,
        );
    }

    let tpath = out.join("trajectory.csv");
    let mut province: BTreeMap<i32, Counts> = BTreeMap::new();
    let mut em_by_unit: BTreeMap<(String, i32), f64> = BTreeMap::new();
    for r in read_rows(&tpath)? {
        let year: i32 = field(&tpath, &r, "year")?;
        let n: f64 = field(&tpath, &r, "headcount")?;
        let em = em_groups.contains(&r["group"]);
        province.entry(year).or_default().add(
            em,
            r["gender"] == "F",
            r["role"] == "leader",
            r["trained"] == "yes",
            n,
        );
        if em {
            *em_by_unit.entry((r["unit"].clone(), year)).or_default() += n;
        }
    }

    let gpath = out.join("targets.csv");
    let targets_rows = read_rows(&gpath)?;
    let mut status = BTreeMap::new();
    let mut shortfall: BTreeMap<i32, f64> = BTreeMap::new();
    let mut unit_shares: BTreeMap<String, UnitShare> = BTreeMap::new();
    let mut rate_required: BTreeMap<i32, (f64, f64)> = BTreeMap::new();
    let mut rate_unit_set: BTreeSet<String> = BTreeSet::new();
    let mut extra_rows: Vec<String> = Vec::new();
    for r in &targets_rows {
        let year: i32 = field(&gpath, r, "year")?;
        let unit = r["unit"].clone();
        let rule = r["rule"].clone();
        if rule == "R5" {
            continue;
        }
        status.insert((unit.clone(), rule.clone(), year), r["met"] == "true");
        *shortfall.entry(year).or_default() += field::<f64>(&gpath, r, "shortfall")?;
        if !kinds.contains_key(&unit) && !extra_rows.contains(&unit) {
            extra_rows.push(unit.clone());
        }
        if RATE_RULES.contains(&rule.as_str()) && kinds.contains_key(&unit) {
            let q = quota.get(&(unit.clone(), year)).copied().unwrap_or(0.0);
            let required: f64 = field(&gpath, r, "required")?;
            let achieved: f64 = field(&gpath, r, "achieved")?;
            let e = rate_required.entry(year).or_default();
            e.0 += required;
            e.1 += q;
            rate_unit_set.insert(unit.clone());
            let share = unit_shares
                .entry(unit.clone())
                .or_insert_with(|| UnitShare {
                    unit: unit.clone(),
                    kind: kinds[&unit].clone(),
                    rule: rule.clone(),
                    by_year: BTreeMap::new(),
                    met: BTreeMap::new(),
                });
            share
                .by_year
                .insert(year, (pct(required, q), pct(achieved, q)));
            share.met.insert(year, r["met"] == "true");
        }
    }
    let mut rate_units: BTreeMap<i32, (f64, f64)> = BTreeMap::new();
    for year in base_year..=horizon {
        let e = rate_units.entry(year).or_default();
        for u in &rate_unit_set {
            e.0 += em_by_unit.get(&(u.clone(), year)).copied().unwrap_or(0.0);
            e.1 += quota.get(&(u.clone(), year)).copied().unwrap_or(0.0);
        }
    }
    let mut target_units = unit_order.clone();
    target_units.extend(extra_rows);

    let cpath = out.join("costs.csv");
    let mut costs: BTreeMap<i32, BTreeMap<String, f64>> = BTreeMap::new();
    for r in read_rows(&cpath)? {
        *costs
            .entry(field(&cpath, &r, "year")?)
            .or_default()
            .entry(r["lever"].clone())
            .or_default() += field::<f64>(&cpath, &r, "cost")?;
    }

    let fpath = out.join("flows.csv");
    let mut hires: BTreeMap<i32, BTreeMap<(String, bool), (f64, f64)>> = BTreeMap::new();
    for r in read_rows(&fpath)? {
        if r["flow"] != "hire" {
            continue;
        }
        let n: f64 = field(&fpath, &r, "count")?;
        let e = hires
            .entry(field(&fpath, &r, "year")?)
            .or_default()
            .entry((r["channel"].clone(), em_groups.contains(&r["group"])))
            .or_default();
        e.0 += n;
        if r["gender"] == "F" {
            e.1 += n;
        }
    }

    let mut forecast = None;
    let mut forecast_shares = BTreeMap::new();
    let fdir = out.join("forecast");
    if fdir.join("trajectory.csv").exists() {
        let path = fdir.join("trajectory.csv");
        let mut by_year: BTreeMap<i32, Counts> = BTreeMap::new();
        for r in read_rows(&path)? {
            by_year.entry(field(&path, &r, "year")?).or_default().add(
                em_groups.contains(&r["group"]),
                r["gender"] == "F",
                r["role"] == "leader",
                r["trained"] == "yes",
                field(&path, &r, "headcount")?,
            );
        }
        forecast = Some(by_year);
        let path = fdir.join("gap.csv");
        let last = targets.last().map(|t| t.0).unwrap_or(horizon);
        for r in read_rows(&path)? {
            let year: i32 = field(&path, &r, "year")?;
            if year == last && RATE_RULES.contains(&r["rule"].as_str()) {
                let q = quota
                    .get(&(r["unit"].clone(), year))
                    .copied()
                    .unwrap_or(0.0);
                let required: f64 = field(&path, &r, "required")?;
                let projected: f64 = field(&path, &r, "projected")?;
                forecast_shares.insert(r["unit"].clone(), (pct(required, q), pct(projected, q)));
            }
        }
    }

    Ok(Stats {
        scenario: summary["scenario"].as_str().unwrap_or("").to_string(),
        illustrative: summary["illustrative"].as_bool().unwrap_or(false),
        version: manifest["bienche_version"]
            .as_str()
            .unwrap_or("")
            .to_string(),
        base_year,
        horizon,
        targets,
        province,
        rate_units,
        rate_required,
        unit_shares: unit_order
            .iter()
            .filter_map(|u| unit_shares.remove(u))
            .collect(),
        costs,
        hires,
        target_units,
        status,
        shortfall,
        forecast,
        forecast_shares,
    })
}
