//! `bienche simulate OUT --draws N --seed S`: how likely a finished plan is to meet each
//! target when people leave at random.
//!
//! Each draw replays the plan year by year from the base stock:
//! 1. statutory retirements as planned (their dates are known from the roster), from the
//!    base-year staff;
//! 2. leaving at random, by origin: each base-year person leaves with the unit's settled
//!    yearly rate (`Spec::settled_rate`); each hire of year τ, from its tenure year
//!    `new_hire_years` on, with its tenure band's rate (`Spec::leaving_rate`), a binomial
//!    draw per unit, cell and origin; a hire who leaves is replaced (recruited with the
//!    hires of 4, into the cell it was hired into), as the plan's net hires keep their posts;
//! 3. exits (base-year staff first) and transfers as planned, as far as the people are
//!    there;
//! 4. hires: the plan's net hires are recruited gross, `h / (1 − P_u)` (the fraction with
//!    that chance), and each recruit stays with probability `1 − P_u` (the early leavers of
//!    the tenure rates), so `h` stay on average; a unit's recruits join as far as its
//!    quota has room, those left out drawn at random;
//! 5. training, then promotions (within the leader posts), as planned and as far as the
//!    people are there; who is trained, promoted or moved is drawn at random among the
//!    cell's people, so a trained hire leaves at a hire's rate, except that the base-year
//!    people due to retire in a later year wait in their cell (as in the plan), and a hire
//!    moved to another unit leaves at that unit's rates and is replaced there.
//!
//! This is the plan's demographic model (docs/model.md), so the plan's stocks are the
//! draws' expected stocks up to what the quota and the people present cut off.
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
    /// (year, unit, cell) → head-count summed over draws.
    stock: BTreeMap<(i32, usize, Cell), u64>,
}

impl Tally {
    fn new() -> Tally {
        Tally {
            targets: BTreeMap::new(),
            share: BTreeMap::new(),
            stock: BTreeMap::new(),
        }
    }
    fn merge(mut self, other: Tally) -> Tally {
        for (k, (a, m)) in other.targets {
            let e = self.targets.entry(k).or_default();
            e.0 += a;
            e.1 += m;
        }
        for (k, n) in other.stock {
            *self.stock.entry(k).or_default() += n;
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

impl Chance {
    /// The share of `draws` in which the row was met (a draw where it did not apply counts
    /// as not met).
    pub fn p_met(&self, draws: u64) -> f64 {
        self.met as f64 / draws.max(1) as f64
    }
}

pub struct Outcome {
    /// Every target row, in the order of `targets.csv`'s keys.
    pub targets: Vec<Chance>,
    /// year → (p10, p50, p90) of the province EM share, %.
    pub fan: BTreeMap<i32, (f64, f64, f64)>,
    /// (year, unit, cell) → mean head-count over the draws.
    pub mean_stock: BTreeMap<(i32, usize, Cell), f64>,
    pub seconds: f64,
}

impl Outcome {
    /// The province EM share of the draws' mean head-counts in year t.
    pub fn expected_em_share(&self, spec: &Spec, t: i32) -> f64 {
        crate::forecast::em_share_of(
            spec,
            self.mean_stock
                .iter()
                .filter(|((y, _, _), _)| *y == t)
                .map(|((_, _, c), &n)| (c, n)),
        )
    }
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

/// Who is in a cell: people by origin, `(hiring year, hired trained)`; the base-year staff
/// have the base year. The origin sets a person's leaving rate (tenure) and where a
/// replacement enters.
type Origin = (i32, bool);

/// A year's recruits: (unit, cell), origin, people.
type Recruits = Vec<((usize, Cell), Origin, u32)>;

/// Whom a flow takes out of a cell. `keep` base-year people of the cell are due to retire
/// in later years and wait there (as in the plan): no exit, training, promotion or transfer
/// takes them.
#[derive(Clone, Copy)]
enum Pick {
    /// The base-year staff only: a retiree who already left is not replaced by someone
    /// else retiring.
    BaseOnly,
    /// The base-year staff first, then anyone: streamlining exits concern the existing
    /// workforce.
    BaseFirst { keep: u32 },
    /// At random among the cell's people.
    Random { keep: u32 },
}

/// People by unit, cell and origin.
struct People {
    base_year: i32,
    by_cell: BTreeMap<(usize, Cell), BTreeMap<Origin, u32>>,
}

impl People {
    fn add(&mut self, key: (usize, Cell), origin: Origin, n: u32) {
        if n > 0 {
            *self
                .by_cell
                .entry(key)
                .or_default()
                .entry(origin)
                .or_default() += n;
        }
    }

    /// Takes up to `n` people out of a cell, as far as they are there, as `pick` says.
    /// Returns the people taken by origin.
    fn take(
        &mut self,
        key: (usize, Cell),
        n: u32,
        pick: Pick,
        rng: &mut Rng,
    ) -> Vec<(Origin, u32)> {
        let base = self.base_year;
        let Some(cell) = self.by_cell.get_mut(&key) else {
            return Vec::new();
        };
        let keep = match pick {
            Pick::BaseOnly => 0,
            Pick::BaseFirst { keep } | Pick::Random { keep } => keep,
        };
        // The base-year people a flow may take: those not waiting to retire.
        let free = |o: &Origin, c: u32| {
            if o.0 == base {
                c.saturating_sub(keep)
            } else {
                c
            }
        };
        let mut taken: BTreeMap<Origin, u32> = BTreeMap::new();
        let mut left = n;
        if let Pick::BaseOnly | Pick::BaseFirst { .. } = pick {
            for (origin, have) in cell.iter_mut().filter(|(o, _)| o.0 == base) {
                let t = left.min(free(origin, *have));
                *have -= t;
                left -= t;
                if t > 0 {
                    *taken.entry(*origin).or_default() += t;
                }
            }
        }
        while left > 0 && !matches!(pick, Pick::BaseOnly) {
            let origins: Vec<(Origin, u32)> = cell
                .iter()
                .map(|(o, &c)| (*o, free(o, c)))
                .filter(|(_, c)| *c > 0)
                .collect();
            if origins.is_empty() {
                break;
            }
            let weights: Vec<f64> = origins.iter().map(|(_, c)| *c as f64).collect();
            let (origin, _) = origins[rng.weighted(&weights)];
            *cell.get_mut(&origin).expect("drawn from the cell") -= 1;
            *taken.entry(origin).or_default() += 1;
            left -= 1;
        }
        cell.retain(|_, c| *c > 0);
        taken.into_iter().collect()
    }

    /// Moves up to `n` people from one cell to another, keeping their origins, none of the
    /// `keep` waiting to retire.
    fn moved(&mut self, from: (usize, Cell), to: (usize, Cell), n: u32, keep: u32, rng: &mut Rng) {
        for (origin, k) in self.take(from, n, Pick::Random { keep }, rng) {
            self.add(to, origin, k);
        }
    }

    fn count(&self, key: &(usize, Cell)) -> u32 {
        self.by_cell.get(key).map_or(0, |c| c.values().sum())
    }

    fn unit_total(&self, u: usize, f: impl Fn(&Cell) -> bool) -> u32 {
        self.by_cell
            .range((u, Cell::FIRST)..=(u, Cell::LAST))
            .filter(|((_, c), _)| f(c))
            .map(|(_, o)| o.values().sum::<u32>())
            .sum()
    }
}

/// People who stay of `net` planned net recruits into unit u: `net/(1−P_u)` recruits (its
/// fraction recruited with that chance, so the expected recruits are exact), each staying
/// through the first years with probability `1 − P_u`, so `net` stay on average.
fn recruits(spec: &Spec, u: usize, net: u32, rng: &mut Rng) -> u32 {
    let p = spec.new_hire_leaving_probability(u);
    let exact = net as f64 / (1.0 - p);
    let gross = exact.floor() as u32 + rng.chance(exact - exact.floor()) as u32;
    rng.binomial(gross, 1.0 - p)
}

/// A year's recruits `(unit, cell, origin, people)` join their units as far as each
/// unit's quota has room; where it has less, those left out are drawn at random among the
/// unit's recruits (no cell or group first).
fn join(spec: &Spec, people: &mut People, recruits: Recruits, t: i32, rng: &mut Rng) {
    let mut by_unit: BTreeMap<usize, Recruits> = BTreeMap::new();
    for r in recruits.into_iter().filter(|r| r.2 > 0) {
        by_unit.entry(r.0 .0).or_default().push(r);
    }
    for (u, mut list) in by_unit {
        let room = spec
            .quota(u, t)
            .saturating_sub(people.unit_total(u, |_| true));
        let mut over = list.iter().map(|r| r.2).sum::<u32>().saturating_sub(room);
        while over > 0 {
            let weights: Vec<f64> = list.iter().map(|r| r.2 as f64).collect();
            let i = rng.weighted(&weights);
            list[i].2 -= 1;
            over -= 1;
        }
        for (key, origin, n) in list {
            people.add(key, origin, n);
        }
    }
}

/// One draw: the stocks of every year.
fn draw(spec: &Spec, base: &Stock, flows: &[Planned], rng: &mut Rng) -> Plan {
    let base_year = spec.base_year();
    let mut people = People {
        base_year,
        by_cell: BTreeMap::new(),
    };
    // Per cell, the base-year people due to retire in each year, who wait there until then.
    let mut retiring: BTreeMap<(usize, Cell), BTreeMap<i32, u32>> = BTreeMap::new();
    for f in flows.iter().filter(|f| f.kind == FlowKind::Retire) {
        *retiring
            .entry((f.unit, f.cell))
            .or_default()
            .entry(f.year)
            .or_default() += f.count;
    }
    for (&key, &n) in base {
        people.add(key, (base_year, false), n);
    }
    let mut plan = Plan::default();
    let record = |plan: &mut Plan, t: i32, people: &People| {
        for (&(u, c), origins) in &people.by_cell {
            let n: u32 = origins.values().sum();
            if n > 0 {
                plan.stock.insert((t, u, c), n);
            }
        }
    };
    record(&mut plan, base_year, &people);
    let first_years = spec.config.attrition.new_hire_years;
    for t in spec.plan_years() {
        let keep = |key: (usize, Cell)| -> u32 {
            retiring
                .get(&key)
                .map_or(0, |r| r.range(t + 1..).map(|(_, n)| n).sum())
        };
        let year: Vec<&Planned> = flows.iter().filter(|f| f.year == t).collect();
        let of = |kind: FlowKind| year.iter().filter(move |f| f.kind == kind);
        for f in of(FlowKind::Retire) {
            people.take((f.unit, f.cell), f.count, Pick::BaseOnly, rng);
        }
        // Leaving at random by tenure; hires who leave after their first years are replaced
        // into the cell they were hired into (the plan's net hires keep their posts).
        let mut recruited: Recruits = Vec::new();
        let keys: Vec<(usize, Cell)> = people.by_cell.keys().copied().collect();
        for key in keys {
            let origins: Vec<(Origin, u32)> =
                people.by_cell[&key].iter().map(|(o, &n)| (*o, n)).collect();
            for ((hired, trained), n) in origins {
                let rate = if hired == base_year {
                    spec.settled_rate(key.0)
                } else {
                    let tenure = (t - hired - 1) as u32;
                    if tenure < first_years {
                        0.0 // in the hire: its early leavers are drawn when recruited
                    } else {
                        spec.leaving_rate(key.0, tenure)
                    }
                };
                let leave = rng.binomial(n, rate);
                if leave == 0 {
                    continue;
                }
                let cell = people.by_cell.get_mut(&key).expect("listed");
                *cell.get_mut(&(hired, trained)).expect("listed") -= leave;
                if hired != base_year {
                    let entry = Cell {
                        leader: false,
                        trained,
                        ..key.1
                    };
                    let stay = recruits(spec, key.0, leave, rng);
                    recruited.push(((key.0, entry), (t, trained), stay));
                }
            }
            people
                .by_cell
                .get_mut(&key)
                .expect("listed")
                .retain(|_, c| *c > 0);
        }
        for f in of(FlowKind::Exit) {
            let keep = keep((f.unit, f.cell));
            people.take((f.unit, f.cell), f.count, Pick::BaseFirst { keep }, rng);
        }
        for f in of(FlowKind::TransferOut) {
            if let Some(to) = f.counterpart {
                let keep = keep((f.unit, f.cell));
                people.moved((f.unit, f.cell), (to, f.cell), f.count, keep, rng);
            }
        }
        // A year's flows are simultaneous in the plan: someone hired may be trained and
        // promoted the same year, so hires come first, then training, then promotion.
        for f in of(FlowKind::Hire) {
            let stay = recruits(spec, f.unit, f.count, rng);
            recruited.push(((f.unit, f.cell), (t, f.cell.trained), stay));
        }
        join(spec, &mut people, recruited, t, rng);
        for f in of(FlowKind::Train) {
            let to = Cell {
                trained: true,
                ..f.cell
            };
            let keep = keep((f.unit, f.cell));
            people.moved((f.unit, f.cell), (f.unit, to), f.count, keep, rng);
        }
        for f in of(FlowKind::Promote) {
            let leaders = people.unit_total(f.unit, |c| c.leader);
            let room = spec.units[f.unit].leader_posts.saturating_sub(leaders);
            let to = Cell {
                leader: true,
                ..f.cell
            };
            let n = f.count.min(room).min(people.count(&(f.unit, f.cell)));
            let keep = keep((f.unit, f.cell));
            people.moved((f.unit, f.cell), (f.unit, to), n, keep, rng);
        }
        record(&mut plan, t, &people);
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
                for (&key, &n) in &plan.stock {
                    *acc.stock.entry(key).or_default() += n as u64;
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
        mean_stock: tally
            .stock
            .iter()
            .map(|(&k, &n)| (k, n as f64 / draws.max(1) as f64))
            .collect(),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The province EM share of staff in year t of a plan folder's `trajectory.csv`.
pub fn plan_em_share(spec: &Spec, tables: &PlanTables, t: i32) -> f64 {
    let (mut em, mut all) = (0u64, 0u64);
    for row in tables.trajectory.iter().filter(|r| r.year == t) {
        all += row.headcount as u64;
        if spec.groups.iter().any(|g| g.id == row.group && g.em) {
            em += row.headcount as u64;
        }
    }
    em as f64 / all.max(1) as f64
}

/// `plan`'s quick simulation of the plan it found (`[simulation]`: draws, seed; none when
/// draws is 0): each row of `targets.csv` gets its `p_met`, and `summary.json` its
/// `chance`. The same replay as `bienche simulate`, so the same seed and draws give the
/// same chances there; deterministic whatever the number of threads.
pub fn chance_of_plan(spec: &Spec, tables: &mut PlanTables, threads: usize) -> Result<()> {
    let settings = spec.config.simulation;
    if settings.draws == 0 {
        return Ok(());
    }
    let hidden = indicatif::ProgressBar::hidden();
    let outcome = simulate(
        spec,
        tables,
        Path::new("(the plan)"),
        settings.draws,
        settings.seed,
        threads,
        &hidden,
    )?;
    let chances: BTreeMap<(String, Rule, i32), f64> = outcome
        .targets
        .iter()
        .map(|c| {
            let key = (c.unit.clone(), c.rule, c.year);
            (key, c.p_met(settings.draws))
        })
        .collect();
    let mut met_in_plan = 0;
    let mut at_least_90 = 0;
    let mut at_risk = Vec::new();
    for row in tables.targets.iter_mut() {
        row.p_met = chances
            .get(&(row.unit.clone(), row.rule, row.year))
            .copied();
        let (true, Some(p), crate::domain::target::TargetKind::Target) =
            (row.met, row.p_met, row.kind)
        else {
            continue;
        };
        if row.goal {
            continue;
        }
        met_in_plan += 1;
        if p >= 0.9 {
            at_least_90 += 1;
        }
        if p < 0.5 {
            at_risk.push(crate::output::contract::AtRisk {
                unit: row.unit.clone(),
                rule: row.rule.to_string(),
                year: row.year,
                p_met: (p * 10_000.0).round() / 10_000.0,
            });
        }
    }
    let below_50 = at_risk.len();
    at_risk.sort_by(|a, b| a.p_met.total_cmp(&b.p_met));
    let horizon = spec.horizon();
    let round2 = |x: f64| (x * 100.0).round() / 100.0;
    tables.summary.chance = Some(crate::output::contract::ChanceRecord {
        draws: settings.draws,
        seed: settings.seed,
        met_in_plan,
        at_least_90,
        below_50,
        em_share_plan: round2(plan_em_share(spec, tables, horizon) * 100.0),
        em_share_median: outcome.fan.get(&horizon).map_or(0.0, |f| f.1),
        most_at_risk: at_risk,
    });
    Ok(())
}
