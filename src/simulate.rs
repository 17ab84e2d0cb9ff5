//! `bienche simulate OUT --draws N --seed S`: how likely a finished plan is to meet each
//! target when people leave at random.
//!
//! Each draw replays the plan year by year from the base stock:
//! 1. statutory retirements as planned (their dates are known from the roster);
//! 2. attrition at random: each person in a cell leaves with the unit's settled yearly rate
//!    (`Spec::settled_rate`), a binomial draw per unit and cell;
//! 3. exits and transfers as planned, as far as the people are there;
//! 4. hires: the plan's net hires are recruited gross, `round(h / (1 − P_u))`, and each
//!    recruit stays with probability `1 − P_u` (the early leavers of the tenure rates), as
//!    far as the quota has room;
//! 5. training, then promotions (within the leader posts), as planned and as far as the
//!    people are there.
//!
//! Targets are evaluated on each draw's stocks by the same code as the plan's
//! ([`crate::evaluate::evaluate`]). Draw `d` has its own random stream seeded from
//! `(seed, d)`, and results are integer counts summed over draws, so the outputs are the same
//! bytes whatever the number of threads. Memory is flat in the number of draws: each thread
//! keeps running counts and, per year, a histogram of the province EM share (0.01-point
//! bins), from which the fan's quantiles are read.

use crate::domain::{Cell, Spec};
use crate::domain::{FlowKind, Gender, Role, Rule};
use crate::error::{Error, Result};
use crate::output::contract::{FlowRow, PlanTables, Table, TrajectoryRow};
use crate::plan::Plan;
use crate::rng::Rng;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

/// One planned flow.
#[derive(Debug, Clone)]
struct Planned {
    year: i32,
    unit: usize,
    kind: FlowKind,
    counterpart: Option<usize>,
    cell: Cell,
    count: u32,
}

const BINS: usize = 10_001;

/// Running totals over draws.
#[derive(Clone)]
struct Tally {
    /// (unit, rule, year) → (draws where the target applied, draws where it was met).
    targets: BTreeMap<(String, Rule, i32), (u64, u64)>,
    /// year → histogram of the province EM share in 0.01-point bins.
    share: BTreeMap<i32, Vec<u32>>,
}

impl Tally {
    fn new() -> Tally {
        Tally {
            targets: BTreeMap::new(),
            share: BTreeMap::new(),
        }
    }
    fn merge(mut self, other: Tally) -> Tally {
        for (k, (a, m)) in other.targets {
            let e = self.targets.entry(k).or_default();
            e.0 += a;
            e.1 += m;
        }
        for (y, h) in other.share {
            let e = self.share.entry(y).or_insert_with(|| vec![0; BINS]);
            for (i, c) in h.into_iter().enumerate() {
                e[i] += c;
            }
        }
        self
    }
}

/// A target row's chance across the draws.
#[derive(Debug, Clone)]
pub struct Chance {
    pub unit: String,
    pub rule: Rule,
    pub year: i32,
    /// Draws in which the row applied (the public-service clause applies only in some).
    pub applied: u64,
    /// Draws in which it was met.
    pub met: u64,
}

pub struct Outcome {
    /// Every target row, in the order of `targets.csv`'s keys.
    pub targets: Vec<Chance>,
    /// year → (p10, p50, p90) of the province EM share, %.
    pub fan: BTreeMap<i32, (f64, f64, f64)>,
    pub seconds: f64,
}

/// Head-counts by unit and cell.
type Stock = BTreeMap<(usize, Cell), u32>;

/// The plan's base stock and flows, with units and groups as the scenario's indices.
fn planned(spec: &Spec, tables: &PlanTables, dir: &Path) -> Result<(Stock, Vec<Planned>)> {
    let cell_of = |file: &str, unit: &str, group: &str, female, leader, trained| {
        let path = dir.join(file);
        let unit = spec.unit_index(unit).ok_or_else(|| {
            Error::input(
                &path,
                None,
                "unit",
                format!("unit \"{unit}\" is not in the scenario"),
            )
        })?;
        let group = spec
            .groups
            .iter()
            .position(|g| g.id == group)
            .ok_or_else(|| {
                Error::input(
                    &path,
                    None,
                    "group",
                    format!("group \"{group}\" is not in the scenario"),
                )
            })?;
        Ok::<_, Error>((
            unit,
            Cell {
                group,
                female,
                leader,
                trained,
            },
        ))
    };
    let mut base = BTreeMap::new();
    for r in tables
        .trajectory
        .iter()
        .filter(|r| r.year == spec.base_year())
    {
        let female = r.gender == Gender::Female;
        let leader = r.role == Role::Leader;
        let key = cell_of(
            TrajectoryRow::FILE,
            &r.unit,
            &r.group,
            female,
            leader,
            r.trained,
        )?;
        base.insert(key, r.headcount);
    }
    let mut flows = Vec::new();
    for r in &tables.flows {
        let female = r.gender == Gender::Female;
        let leader = r.role == Role::Leader;
        let (unit, cell) = cell_of(FlowRow::FILE, &r.unit, &r.group, female, leader, r.trained)?;
        flows.push(Planned {
            year: r.year,
            unit,
            kind: r.flow,
            counterpart: spec.unit_index(&r.counterpart),
            cell,
            count: r.count,
        });
    }
    Ok((base, flows))
}

fn take(stock: &mut BTreeMap<(usize, Cell), u32>, key: (usize, Cell), n: u32) -> u32 {
    let have = stock.get(&key).copied().unwrap_or(0);
    let took = n.min(have);
    if took > 0 {
        stock.insert(key, have - took);
    }
    took
}

fn add(stock: &mut BTreeMap<(usize, Cell), u32>, key: (usize, Cell), n: u32) {
    if n > 0 {
        *stock.entry(key).or_default() += n;
    }
}

fn unit_total(stock: &BTreeMap<(usize, Cell), u32>, u: usize, f: impl Fn(&Cell) -> bool) -> u32 {
    stock
        .range((u, crate::domain::Cell::FIRST)..=(u, crate::domain::Cell::LAST))
        .filter(|((_, c), _)| f(c))
        .map(|(_, n)| n)
        .sum()
}

/// One draw: the stocks of every year.
fn draw(
    spec: &Spec,
    base: &BTreeMap<(usize, Cell), u32>,
    flows: &[Planned],
    rng: &mut Rng,
) -> Plan {
    let mut stock = base.clone();
    let mut plan = Plan::default();
    let record = |plan: &mut Plan, t: i32, stock: &BTreeMap<(usize, Cell), u32>| {
        for (&(u, c), &n) in stock {
            if n > 0 {
                plan.stock.insert((t, u, c), n);
            }
        }
    };
    record(&mut plan, spec.base_year(), &stock);
    let order = [
        FlowKind::Retire,
        FlowKind::Attrition,
        FlowKind::Exit,
        FlowKind::TransferOut,
        // A year's flows are simultaneous in the plan: someone hired may be trained and
        // promoted the same year, so hires come first, then training, then promotion.
        FlowKind::Hire,
        FlowKind::Train,
        FlowKind::Promote,
    ];
    for t in spec.plan_years() {
        let year: Vec<&Planned> = flows.iter().filter(|f| f.year == t).collect();
        for kind in order {
            match kind {
                FlowKind::Attrition => {
                    let keys: Vec<(usize, Cell)> = stock.keys().copied().collect();
                    for key in keys {
                        let n = stock[&key];
                        let leave = rng.binomial(n, spec.settled_rate(key.0));
                        take(&mut stock, key, leave);
                    }
                }
                FlowKind::TransferOut => {
                    for f in year.iter().filter(|f| f.kind == FlowKind::TransferOut) {
                        let moved = take(&mut stock, (f.unit, f.cell), f.count);
                        if let Some(to) = f.counterpart {
                            add(&mut stock, (to, f.cell), moved);
                        }
                    }
                }
                FlowKind::Promote => {
                    for f in year.iter().filter(|f| f.kind == FlowKind::Promote) {
                        let leaders = unit_total(&stock, f.unit, |c| c.leader);
                        let room = spec.units[f.unit].leader_posts.saturating_sub(leaders);
                        let moved = take(&mut stock, (f.unit, f.cell), f.count.min(room));
                        add(
                            &mut stock,
                            (
                                f.unit,
                                Cell {
                                    leader: true,
                                    ..f.cell
                                },
                            ),
                            moved,
                        );
                    }
                }
                FlowKind::Train => {
                    for f in year.iter().filter(|f| f.kind == FlowKind::Train) {
                        let moved = take(&mut stock, (f.unit, f.cell), f.count);
                        add(
                            &mut stock,
                            (
                                f.unit,
                                Cell {
                                    trained: true,
                                    ..f.cell
                                },
                            ),
                            moved,
                        );
                    }
                }
                FlowKind::Hire => {
                    for f in year.iter().filter(|f| f.kind == FlowKind::Hire) {
                        let p = spec.new_hire_leaving_probability(f.unit);
                        let gross = (f.count as f64 / (1.0 - p)).round() as u32;
                        let stay = rng.binomial(gross, 1.0 - p);
                        let room = spec.quota(f.unit, t).saturating_sub(unit_total(
                            &stock,
                            f.unit,
                            |_| true,
                        ));
                        add(&mut stock, (f.unit, f.cell), stay.min(room));
                    }
                }
                _ => {
                    for f in year.iter().filter(|f| f.kind == kind) {
                        take(&mut stock, (f.unit, f.cell), f.count);
                    }
                }
            }
        }
        record(&mut plan, t, &stock);
    }
    plan
}

/// Runs `draws` replays of the plan whose tables are `tables` (the folder `dir`, for
/// messages) on `threads` threads.
pub fn simulate(
    spec: &Spec,
    tables: &PlanTables,
    dir: &Path,
    draws: u64,
    seed: u64,
    threads: usize,
    progress: &indicatif::ProgressBar,
) -> Result<Outcome> {
    let started = std::time::Instant::now();
    let (base, flows) = planned(spec, tables, dir)?;
    let pool = crate::threads::pool(threads)?;
    let years: Vec<i32> = std::iter::once(spec.base_year())
        .chain(spec.plan_years())
        .collect();
    let tally = pool.install(|| {
        (0..draws)
            .into_par_iter()
            .fold(Tally::new, |mut acc, d| {
                let mut rng = Rng::new(seed, d);
                let plan = draw(spec, &base, &flows, &mut rng);
                for row in crate::evaluate::evaluate(spec, &plan) {
                    if row.goal {
                        continue;
                    }
                    let e = acc
                        .targets
                        .entry((row.unit, row.rule, row.year))
                        .or_default();
                    e.0 += 1;
                    e.1 += row.met as u64;
                }
                for &y in &years {
                    let em = crate::forecast::em_share(spec, &plan, y) * 100.0;
                    let bin = ((em * 100.0).round() as usize).min(BINS - 1);
                    acc.share.entry(y).or_insert_with(|| vec![0; BINS])[bin] += 1;
                }
                progress.inc(1);
                acc
            })
            .reduce(Tally::new, Tally::merge)
    });
    let quantile = |h: &[u32], q: f64| {
        let total: u64 = h.iter().map(|&c| c as u64).sum();
        let want = (q * total as f64).ceil().max(1.0) as u64;
        let mut seen = 0u64;
        for (i, &c) in h.iter().enumerate() {
            seen += c as u64;
            if seen >= want {
                return i as f64 / 100.0;
            }
        }
        100.0
    };
    Ok(Outcome {
        targets: tally
            .targets
            .into_iter()
            .map(|((unit, rule, year), (applied, met))| Chance {
                unit,
                rule,
                year,
                applied,
                met,
            })
            .collect(),
        fan: tally
            .share
            .iter()
            .map(|(y, h)| (*y, (quantile(h, 0.1), quantile(h, 0.5), quantile(h, 0.9))))
            .collect(),
        seconds: started.elapsed().as_secs_f64(),
    })
}
