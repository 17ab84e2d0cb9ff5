//! Stocks and flows: which cells each unit can hold, one integer variable per flow, and the
//! stock balance `S[t] = S[t−1] + Σ inflows − Σ outflows` built from the very flow records
//! that are written to `flows.csv`, so the file and the model cannot disagree.
//!
//! Outflows that are data:
//! - retirements, from `retirements.csv`;
//! - attrition of the existing workforce, `A[u,c,t]`: the base cohort of each cell, less its
//!   retirements, loses the unit's settled rate a year (`attrition.csv`'s open tenure band
//!   for the unit's class, else `attrition.other_rate`), or where `staff.csv` gives a year
//!   of recruitment h that cohort's tenure year's rate ([`Spec::base_rate`]); the expected
//!   leavers are rounded cumulatively (`A[t] = round(ΣE[..t]) − round(ΣE[..t−1])`), so each
//!   cell's total stays within half a person of the expectation and every yearly count is
//!   whole.
//!
//! New-hire leavers: a hire into unit u leaves during the first `n = attrition.new_hire_years`
//! years with probability `P_u = 1 − Π_{y<n} (1 − a_u(y))`, `a_u(y)` the rate of tenure year y
//! for the unit's class. Hires in the plan are people who stay; each
//! costs `1/(1−P)` recruitments (the expected replacements, a geometric series) and uses
//! that share of its channel's yearly capacity. This keeps every stock whole without a
//! rounding variable per unit, cell and year.

use super::{Amount, Flow, FlowKind, Model, RowKind, RowMeta};
use crate::domain::{Cell, Exits, Spec};
use crate::rounding::place_nested;
use good_lp::Expression;
use std::collections::{BTreeMap, BTreeSet};

/// The cells each unit can hold: its base cells, the cells its channels hire into, and the
/// closure under promotion, training and transfer.
pub fn add_cells(spec: &Spec, m: &mut Model) {
    let n = spec.units.len();
    let scope = m.scope.clone();
    let mut cells: Vec<BTreeSet<Cell>> = vec![BTreeSet::new(); n];
    for ((u, c), &count) in &spec.staff {
        if count > 0 && scope.contains(*u) {
            cells[*u].insert(*c);
        }
    }
    for ch in &spec.channels {
        for &u in scope
            .units
            .iter()
            .filter(|&&u| ch.kinds.contains(&spec.units[u].kind))
        {
            for g in hire_groups(spec, ch, u) {
                for female in [true, false] {
                    cells[u].insert(Cell {
                        group: g,
                        female,
                        leader: false,
                        trained: ch.trained,
                    });
                }
            }
        }
    }
    // A leader who steps down at the end of their term takes a staff post of their cell.
    if spec.config.staffing.leader_term_years > 0 {
        for &u in &scope.units {
            for c in step_down_cells(spec, u) {
                cells[u].insert(Cell { leader: false, ..c });
            }
        }
    }
    loop {
        let before: usize = cells.iter().map(BTreeSet::len).sum();
        for &u in &scope.units {
            let current: Vec<Cell> = cells[u].iter().copied().filter(|c| spec.is_em(c)).collect();
            for c in current {
                if !c.leader && c.trained && spec.units[u].leader_posts > 0 {
                    cells[u].insert(Cell { leader: true, ..c });
                }
                if !c.trained {
                    cells[u].insert(Cell { trained: true, ..c });
                }
            }
        }
        for route in &spec.transfers {
            for &a in route.from.iter().filter(|&&a| scope.contains(a)) {
                let moving: Vec<Cell> =
                    cells[a].iter().copied().filter(|c| spec.is_em(c)).collect();
                for &b in route.to.iter().filter(|&&b| b != a && scope.contains(b)) {
                    cells[b].extend(moving.iter().copied());
                }
            }
        }
        if cells.iter().map(BTreeSet::len).sum::<usize>() == before {
            break;
        }
    }
    m.cells = cells.into_iter().map(|s| s.into_iter().collect()).collect();
}

/// Expected attrition of the existing workforce, as whole people by unit, cell and year.
///
/// Each base cell's expected leavers run on its pool after retirements (`E_c(t) = Σ_{τ≤t}
/// a·P_c(τ)`, people due to retire later included). Cell c's running total of leavers is
/// the number of points `o_c, o_c + 1, …` up to `E_c(t)`, `o_c` in [0, 1) the cell's offset,
/// spread evenly over the cells of a unit and over the units: so each cell's leavers stay
/// within a person of their expectation, and the province's sums by group, role and
/// training are unbiased. Then whole people move between the unit's cells so that its
/// total and its EM cells' total stay at the points of their own lines too
/// ([`place_nested`], as far as each cell's bounds allow: a cell that booked its one person
/// early cannot give them back), and the province's EM and other leavers are each brought
/// to their expectation rounded to the nearest person ([`hold_province_sum`]). A year's leavers are what each cell's running
/// total adds, each cell at most its pool less the people due to retire from it later, so
/// every scheduled retirement can happen; what that holds back is owed later. Rounding each
/// cell at the halves booked nobody in the many cells of one to three people whose
/// expectation stays under a half (the sample: 622 leavers over the horizon against 733);
/// one line over the unit's cells in a fixed order booked the first group ahead of its
/// expectation in every unit (49 Thai leavers too many by 2035).
pub fn base_attrition(spec: &Spec) -> BTreeMap<(usize, Cell, i32), u32> {
    let mut units: Vec<Booking> = (0..spec.units.len())
        .filter_map(|u| Booking::new(spec, u))
        .collect();
    let mut out = BTreeMap::new();
    for t in spec.plan_years() {
        let mut totals: Vec<Vec<u32>> = units.iter_mut().map(|b| b.place(spec, t)).collect();
        for em in [true, false] {
            hold_province_sum(&units, &mut totals, em);
        }
        for (b, totals) in units.iter_mut().zip(totals) {
            for (i, total) in totals.into_iter().enumerate() {
                let leavers = total - b.booked[i];
                if leavers > 0 {
                    out.insert((b.unit, b.cells[i].0, t), leavers);
                    b.book(i, leavers);
                }
            }
        }
    }
    out
}

/// One unit's booking of its base cells' leavers, year by year.
struct Booking {
    unit: usize,
    cells: Vec<(Cell, u32)>,
    em: Vec<bool>,
    /// People still there by cohort (year of recruitment, `None` settled; in
    /// [`Spec::base_cohorts`]'s order): the base less retirements and the leavers booked so
    /// far, in expectation.
    cohorts: Vec<Vec<(Option<i32>, f64)>>,
    /// People still there: the sum of the cell's cohorts.
    pool: Vec<f64>,
    /// People due to retire in a later year.
    later: Vec<f64>,
    /// Running expected leavers, `E_c(t)`.
    expected: Vec<f64>,
    /// This year's expected leavers of each cohort, for sharing the booked ones out.
    this_year: Vec<Vec<f64>>,
    /// Running leavers booked.
    booked: Vec<u32>,
    /// This year's most each cell's running total may reach.
    room: Vec<u32>,
}

impl Booking {
    fn new(spec: &Spec, u: usize) -> Option<Booking> {
        let cells: Vec<(Cell, u32)> = spec.staff_of(u).filter(|(_, n)| *n > 0).collect();
        let cohorts: Vec<Vec<(Option<i32>, f64)>> = cells
            .iter()
            .map(|(c, _)| {
                spec.base_cohorts(u, c)
                    .into_iter()
                    .map(|(h, n)| (h, n as f64))
                    .collect()
            })
            .collect();
        let anyone_leaves = cohorts
            .iter()
            .flatten()
            .any(|(h, _)| spec.plan_years().any(|t| spec.base_rate(u, *h, t) > 0.0));
        if cells.is_empty() || !anyone_leaves {
            return None;
        }
        let later = cells
            .iter()
            .map(|(c, _)| spec.plan_years().map(|t| retiring(spec, u, c, t)).sum())
            .collect();
        Some(Booking {
            unit: u,
            em: cells.iter().map(|(c, _)| spec.is_em(c)).collect(),
            this_year: cohorts.iter().map(|k| vec![0.0; k.len()]).collect(),
            cohorts,
            pool: cells.iter().map(|(_, n)| *n as f64).collect(),
            later,
            expected: vec![0.0; cells.len()],
            booked: vec![0; cells.len()],
            room: vec![0; cells.len()],
            cells,
        })
    }

    /// Year t's expected leavers, and each cell's running total of leavers booked by then.
    /// Retirements take the settled first, then the earliest hired; each cohort still there
    /// leaves at its tenure's rate ([`Spec::base_rate`]).
    fn place(&mut self, spec: &Spec, t: i32) -> Vec<u32> {
        for (i, (c, _)) in self.cells.iter().enumerate() {
            let r = retiring(spec, self.unit, c, t);
            self.pool[i] -= r;
            self.later[i] -= r;
            let mut due = r;
            for (_, n) in self.cohorts[i].iter_mut() {
                let out = due.min(n.max(0.0));
                *n -= out;
                due -= out;
            }
            for (k, (h, n)) in self.cohorts[i].iter().enumerate() {
                self.this_year[i][k] = spec.base_rate(self.unit, *h, t) * n.max(0.0);
            }
            self.expected[i] += if self.cohorts[i].len() == 1 {
                // One cohort: its rate on the pool, as the booked leavers leave it.
                spec.base_rate(self.unit, self.cohorts[i][0].0, t) * self.pool[i].max(0.0)
            } else {
                self.this_year[i].iter().sum::<f64>()
            };
            self.room[i] = (self.pool[i] - self.later[i]).max(0.0) as u32;
        }
        let leavers = place_nested(
            &self.expected,
            &self.booked,
            &self.room,
            &self.em,
            self.unit,
        );
        (0..self.cells.len())
            .map(|i| self.booked[i] + leavers[i])
            .collect()
    }

    /// Cell i books `leavers` this year: they leave its cohorts in proportion to the
    /// cohorts' expected leavers of the year.
    fn book(&mut self, i: usize, leavers: u32) {
        self.booked[i] += leavers;
        self.pool[i] -= leavers as f64;
        let expected: f64 = self.this_year[i].iter().sum();
        if self.cohorts[i].len() == 1 {
            self.cohorts[i][0].1 -= leavers as f64;
        } else if expected > 0.0 {
            for (k, (_, n)) in self.cohorts[i].iter_mut().enumerate() {
                *n = (*n - leavers as f64 * self.this_year[i][k] / expected).max(0.0);
            }
            // A year that books more than its expectation (a person owed from earlier) can
            // empty a small cohort: the cohorts are brought back to the cell's pool.
            let total: f64 = self.cohorts[i].iter().map(|(_, n)| n).sum();
            if total > 0.0 {
                let scale = self.pool[i].max(0.0) / total;
                for (_, n) in self.cohorts[i].iter_mut() {
                    *n *= scale;
                }
            }
        } else {
            // Owed from earlier years by a cell none of whose cohorts leaves this year: taken
            // in the order retirements take them.
            let mut left = leavers as f64;
            for (_, n) in self.cohorts[i].iter_mut() {
                let out = left.min(n.max(0.0));
                *n -= out;
                left -= out;
            }
        }
    }
}

fn retiring(spec: &Spec, u: usize, c: &Cell, t: i32) -> f64 {
    spec.retirements.get(&(u, *c, t)).copied().unwrap_or(0) as f64
}

/// Brings the province's running total of EM (or other) leavers to its expectation rounded
/// to the nearest person, a person at a time in the unit whose own EM (or other) total is
/// furthest from its expectation, each cell within a person of its own. Each unit's total is
/// on a line of its own, unbiased over many units; over one province's hundred units their
/// errors still summed to seven people, a tenth of a point of the province's EM share.
fn hold_province_sum(units: &[Booking], totals: &mut [Vec<u32>], em: bool) {
    fn members(b: &Booking, em: bool) -> impl Iterator<Item = usize> + '_ {
        (0..b.cells.len()).filter(move |&i| b.em[i] == em)
    }
    let expected: f64 = units
        .iter()
        .map(|b| members(b, em).map(|i| b.expected[i]).sum::<f64>())
        .sum();
    let target = (expected + 0.5 + 1e-9).floor() as i64;
    loop {
        let now: i64 = units
            .iter()
            .zip(totals.iter())
            .map(|(b, tot)| members(b, em).map(|i| tot[i] as i64).sum::<i64>())
            .sum();
        if now == target {
            return;
        }
        let give_back = now > target;
        // The unit furthest from its expectation in the direction that needs a person,
        // and in it the cell furthest; ties to the first.
        let mut best: Option<(f64, usize, usize)> = None;
        for (k, (b, tot)) in units.iter().zip(totals.iter()).enumerate() {
            let (low, high) = crate::rounding::bounds(&b.expected, &b.booked, &b.room);
            let ahead = |i: usize| tot[i] as f64 - b.expected[i];
            let unit_ahead: f64 = members(b, em).map(ahead).sum();
            let cell = members(b, em)
                .filter(|&i| {
                    if give_back {
                        tot[i] > low[i]
                    } else {
                        tot[i] < high[i]
                    }
                })
                .max_by(|&x, &y| {
                    let (p, q) = if give_back {
                        (ahead(x), ahead(y))
                    } else {
                        (-ahead(x), -ahead(y))
                    };
                    p.total_cmp(&q).then(y.cmp(&x))
                });
            let Some(i) = cell else { continue };
            let score = if give_back { unit_ahead } else { -unit_ahead };
            if best.is_none_or(|(s, _, _)| score > s) {
                best = Some((score, k, i));
            }
        }
        let Some((_, k, i)) = best else { return };
        if give_back {
            totals[k][i] -= 1;
        } else {
            totals[k][i] += 1;
        }
    }
}

/// People unit u may let go through streamlining exits up to year t
/// (`staffing.exits`, docs/model.md assumption 3):
/// - `forced`: the most people it would hold above its quota in force in any year up to t
///   (from the year after its `over_quota_until`) if it hired no one, its base-year people
///   less their retirements and booked leavers by then;
/// - `quota-cuts`: its base-year excess over quota plus every quota cut since (on the sample
///   the cheapest plan uses it to let leaders go: docs/model.md).
///
/// Under `forced` the allowance is the running most, so a unit that sheds its excess
/// otherwise (a transfer out) may still let the people go in a later year.
pub fn exit_allowance(spec: &Spec, u: usize, t: i32) -> u32 {
    let base = spec.base_year();
    let staff = spec.base_staff(u);
    match spec.config.staffing.exits {
        Exits::QuotaCuts => {
            let mut allowance = staff.saturating_sub(spec.quota(u, base));
            for y in base + 1..=t {
                allowance += spec.quota(u, y - 1).saturating_sub(spec.quota(u, y));
            }
            allowance
        }
        Exits::Forced => {
            // Retirements and booked leavers of the base-year people, by year.
            let mut gone: BTreeMap<i32, u32> = BTreeMap::new();
            for booked in [&spec.retirements, spec.base_leavers()] {
                let of_unit = booked
                    .range((u, Cell::FIRST, i32::MIN)..)
                    .take_while(|((v, _, _), _)| *v == u);
                for ((_, _, y), n) in of_unit {
                    *gone.entry(*y).or_default() += n;
                }
            }
            let over_until = spec.units[u].over_quota_until.unwrap_or(base);
            let mut left = 0;
            let mut most = 0;
            for y in base + 1..=t {
                left += gone.get(&y).copied().unwrap_or(0);
                if y > over_until {
                    most = most.max(staff.saturating_sub(left + spec.quota(u, y)));
                }
            }
            most
        }
    }
}

/// The leader cells of unit u's base year: the leaders whose terms end in the plan's years.
pub fn step_down_cells(spec: &Spec, u: usize) -> Vec<Cell> {
    spec.staff_of(u)
        .filter(|(c, n)| c.leader && *n > 0)
        .map(|(c, _)| c)
        .collect()
}

/// Unit u's base-year leaders who are not booked to retire or leave by the horizon: the only
/// ones a step-down can move (the others stay in their cell until they go).
pub fn staying_leaders(spec: &Spec, u: usize) -> u32 {
    let leaders: u32 = spec
        .staff_of(u)
        .filter(|(c, _)| c.leader)
        .map(|(_, n)| n)
        .sum();
    let mut booked = 0;
    for table in [&spec.retirements, spec.base_leavers()] {
        booked += table
            .range((u, Cell::FIRST, i32::MIN)..)
            .take_while(|((v, _, _), _)| *v == u)
            .filter(|((_, c, _), _)| c.leader)
            .map(|(_, n)| n)
            .sum::<u32>();
    }
    leaders.saturating_sub(booked)
}

/// Terms of unit u's staying leaders that end in year t: `⌊L·k/T⌋ − ⌊L·(k−1)/T⌋` with
/// `k = ((t − r − 1) mod T) + 1`, `r` the reference year (the first plan's base year) and
/// `T = staffing.leader_term_years`. The terms end evenly over a term, for want of their
/// appointment dates; a leader re-appointed when a term ends comes up again T years on, so a
/// term end not used is not carried over.
pub fn terms_ending(spec: &Spec, u: usize, t: i32) -> u32 {
    let term = spec.config.staffing.leader_term_years;
    let since = t - spec.reference_year();
    if term == 0 || since < 1 {
        return 0;
    }
    let k = ((since - 1) as u32 % term) + 1;
    let leaders = u64::from(staying_leaders(spec, u));
    let upto = |k: u32| leaders * u64::from(k) / u64::from(term);
    (upto(k) - upto(k - 1)) as u32
}

/// The largest quota a unit has in any year: an upper bound on what it hires, trains or
/// sheds in one year. Tight bounds keep HiGHS's reduced-cost fixing fast.
pub fn max_quota(spec: &Spec, u: usize) -> f64 {
    spec.quota[u].iter().copied().max().unwrap_or(0) as f64
}

/// Creates the flow variables and data flows.
pub fn add_flows(spec: &Spec, m: &mut Model) {
    let costs = spec.config.costs.clone();
    let training_cost = spec.config.training.cost_per_person;
    let seats = spec.config.training.seats_per_year.map(f64::from);
    let attrition = spec.base_leavers();
    let scope = m.scope.clone();
    let push = |m: &mut Model, kind, unit, cell, year, amount, unit_cost| {
        m.flows.push(Flow {
            kind,
            unit,
            cell,
            year,
            channel: None,
            route: None,
            counterpart: None,
            amount,
            unit_cost,
            replacements: Vec::new(),
        });
    };
    for t in spec.plan_years() {
        for (&(u, c, y), &count) in spec
            .retirements
            .iter()
            .filter(|((u, _, y), _)| *y == t && scope.contains(*u))
        {
            push(m, FlowKind::Retire, u, c, y, Amount::Const(count), 0.0);
        }
        for (&(u, c, y), &count) in attrition
            .iter()
            .filter(|((u, _, y), _)| *y == t && scope.contains(*u))
        {
            push(m, FlowKind::Attrition, u, c, y, Amount::Const(count), 0.0);
        }
        for &u in &scope.units {
            let posts = spec.units[u].leader_posts as f64;
            let cells = m.cells[u].clone();
            let kept = kept_post_replacements(spec, u, t);
            for c in cells.iter().filter(|c| spec.is_em(c)) {
                // Promotion takes trained staff: leaders need the training R8 counts.
                if !c.leader && c.trained && c_has_leader(&cells, c) {
                    let v = m.integer(Some(posts));
                    push(
                        m,
                        FlowKind::Promote,
                        u,
                        *c,
                        t,
                        Amount::Var(v),
                        costs.promotion,
                    );
                    m.flows.last_mut().expect("pushed").replacements = kept.clone();
                }
                if !c.trained {
                    let v = m.integer(Some(
                        seats.map_or(max_quota(spec, u), |s| s.min(max_quota(spec, u))),
                    ));
                    push(m, FlowKind::Train, u, *c, t, Amount::Var(v), training_cost);
                    m.flows.last_mut().expect("pushed").replacements = kept.clone();
                }
            }
            let ending = terms_ending(spec, u, t);
            if ending > 0 {
                for c in step_down_cells(spec, u) {
                    let v = m.integer(Some(f64::from(ending)));
                    push(m, FlowKind::StepDown, u, c, t, Amount::Var(v), 0.0);
                }
            }
            let allowance = exit_allowance(spec, u, spec.horizon());
            if allowance > 0 {
                // A leader is let go only where the scenario allows it: a leader's post is
                // not cut, and the post goes to a promotion at the end of the term.
                let leaders_too = spec.config.staffing.exits == Exits::QuotaCuts
                    && spec.config.staffing.exit_leaders;
                for (c, _) in spec
                    .staff_of(u)
                    .filter(|(c, n)| *n > 0 && (leaders_too || !c.leader))
                {
                    let v = m.integer(Some(allowance as f64));
                    push(m, FlowKind::Exit, u, c, t, Amount::Var(v), costs.severance);
                }
            }
        }
    }
    add_hires(spec, m);
    add_transfers(spec, m);
}

/// A training or promotion of year t keeps its post: whoever the plan trains or promotes and
/// later leaves (at the unit's settled rate `a`) is replaced by training or promoting
/// another person of the same cell, so each person trained or promoted brings `a` expected
/// replacements in every later year, each at the flow's cost in its year. The stocks need
/// nothing more: the person who left was counted among the leavers of the cell they came
/// from (base attrition is booked on the base-year cells), and the replacement leaves that
/// cell. Without this the plan kept everyone it trained or promoted, and the draws ran
/// behind it on R6–R8 (the sample's 2035 R8 targets: 97 of 104 met in under half of them).
fn kept_post_replacements(spec: &Spec, u: usize, t: i32) -> Vec<(i32, f64)> {
    let a = spec.settled_rate(u);
    if a <= 0.0 {
        return Vec::new();
    }
    (t + 1..=spec.horizon()).map(|y| (y, a)).collect()
}

/// Groups a channel can hire into a unit: what the channel supplies and the unit recruits.
pub fn hire_groups(spec: &Spec, ch: &crate::domain::Channel, u: usize) -> Vec<usize> {
    ch.groups
        .iter()
        .copied()
        .filter(|g| spec.units[u].recruit_groups.contains(g))
        .collect()
}

fn c_has_leader(cells: &[Cell], c: &Cell) -> bool {
    cells.binary_search(&Cell { leader: true, ..*c }).is_ok()
}

/// Hires are net of new-hire leavers: a channel must take `1/(1−P)` people for each one
/// who stays, so each net hire costs `cost_per_hire/(1−P)` and uses that much of the
/// channel's capacity (see [`super::capacity`]). A net hire keeps its post filled: those who
/// leave after the first years are replaced, `ρ(j)` people `j` years on
/// ([`Spec::hire_replacements`]), each at the same cost in its year and from the same
/// channel's capacity of that year, so the plan's stocks are the expected stocks.
fn add_hires(spec: &Spec, m: &mut Model) {
    let scope = m.scope.clone();
    let replacements: BTreeMap<usize, Vec<f64>> = scope
        .units
        .iter()
        .map(|&u| (u, spec.hire_replacements(u)))
        .collect();
    for (k, ch) in spec.channels.iter().enumerate() {
        for &u in scope
            .units
            .iter()
            .filter(|&&u| ch.kinds.contains(&spec.units[u].kind))
        {
            let later: Vec<(i32, f64)> = replacements[&u]
                .iter()
                .enumerate()
                .map(|(j, &r)| (ch.year + j as i32, r))
                .filter(|&(y, r)| r > 0.0 && y <= spec.horizon())
                .collect();
            for g in hire_groups(spec, ch, u) {
                for female in [true, false] {
                    let cell = Cell {
                        group: g,
                        female,
                        leader: false,
                        trained: ch.trained,
                    };
                    let most = max_quota(spec, u);
                    let v = m.integer(Some(ch.max_hires.map_or(most, |h| most.min(h as f64))));
                    m.flows.push(Flow {
                        kind: FlowKind::Hire,
                        unit: u,
                        cell,
                        year: ch.year,
                        channel: Some(k),
                        route: None,
                        counterpart: None,
                        amount: Amount::Var(v),
                        unit_cost: ch.cost_per_hire / (1.0 - spec.new_hire_leaving_probability(u)),
                        replacements: later.clone(),
                    });
                }
            }
        }
    }
}

fn add_transfers(spec: &Spec, m: &mut Model) {
    for (ri, route) in spec
        .transfers
        .iter()
        .enumerate()
        .filter(|(_, r)| r.max_per_year > 0)
    {
        let cap = route.max_per_year as f64;
        let scope = m.scope.clone();
        for &a in route.from.iter().filter(|&&a| scope.contains(a)) {
            let moving: Vec<Cell> = m.cells[a]
                .iter()
                .copied()
                .filter(|c| spec.is_em(c))
                .collect();
            for &b in route.to.iter().filter(|&&b| b != a && scope.contains(b)) {
                for &c in &moving {
                    let v = m.integer(Some(cap));
                    let mut out = Flow {
                        kind: FlowKind::TransferOut,
                        unit: a,
                        cell: c,
                        year: route.year,
                        channel: None,
                        route: Some(ri),
                        counterpart: Some(b),
                        amount: Amount::Var(v),
                        unit_cost: 0.0,
                        replacements: Vec::new(),
                    };
                    m.flows.push(out.clone());
                    out.kind = FlowKind::TransferIn;
                    out.unit = b;
                    out.counterpart = Some(a);
                    out.unit_cost = route.cost_per_person;
                    m.flows.push(out);
                }
            }
        }
    }
}

/// The (unit, cell, sign) changes a flow makes to stocks.
pub fn effects(flow: &Flow) -> [(usize, Cell, f64); 2] {
    let none = (flow.unit, flow.cell, 0.0);
    match flow.kind {
        FlowKind::Hire | FlowKind::TransferIn => [(flow.unit, flow.cell, 1.0), none],
        FlowKind::Retire | FlowKind::Attrition | FlowKind::Exit | FlowKind::TransferOut => {
            [(flow.unit, flow.cell, -1.0), none]
        }
        FlowKind::Promote => [
            (flow.unit, flow.cell, -1.0),
            (
                flow.unit,
                Cell {
                    leader: true,
                    ..flow.cell
                },
                1.0,
            ),
        ],
        FlowKind::StepDown => [
            (flow.unit, flow.cell, -1.0),
            (
                flow.unit,
                Cell {
                    leader: false,
                    ..flow.cell
                },
                1.0,
            ),
        ],
        FlowKind::Train => [
            (flow.unit, flow.cell, -1.0),
            (
                flow.unit,
                Cell {
                    trained: true,
                    ..flow.cell
                },
                1.0,
            ),
        ],
    }
}

pub fn amount_expr(a: &Amount) -> Expression {
    match *a {
        Amount::Var(v) => v.into(),
        Amount::Const(n) => (n as f64).into(),
    }
}

/// Stock variables and one balance row per unit, cell and planned year. A stock is at least
/// the people booked to leave its cell in later years (retirements and the base workforce's
/// attrition): they stay in their cell until then, so no flow moves them and no one else
/// (a hire) leaves in their place (docs/scenario-format.md §6).
pub fn add_balances(spec: &Spec, m: &mut Model) {
    let mut booked: BTreeMap<(usize, Cell), BTreeMap<i32, f64>> = BTreeMap::new();
    let mut net: BTreeMap<(usize, Cell, i32), Expression> = BTreeMap::new();
    for flow in &m.flows {
        if let (FlowKind::Retire | FlowKind::Attrition, Amount::Const(n)) =
            (flow.kind, &flow.amount)
        {
            *booked
                .entry((flow.unit, flow.cell))
                .or_default()
                .entry(flow.year)
                .or_default() += *n as f64;
        }
        let amount = amount_expr(&flow.amount);
        for (u, c, sign) in effects(flow) {
            if sign != 0.0 {
                net.entry((u, c, flow.year))
                    .or_default()
                    .add_mul(sign, amount.clone());
            }
        }
    }
    for u in m.scope.units.clone() {
        for c in m.cells[u].clone() {
            let due = booked.get(&(u, c));
            for t in spec.plan_years() {
                let later: f64 = due.map_or(0.0, |d| d.range(t + 1..).map(|(_, n)| n).sum());
                // Implied integer: ±1 balances of whole flows and data.
                let s = m.at_least(later);
                m.stock.insert((u, c, t), s);
            }
            for t in spec.plan_years() {
                let change = net.remove(&(u, c, t)).unwrap_or_default();
                let row = Expression::from(m.stock[&(u, c, t)])
                    - m.stock_expr(spec, u, c, t - 1)
                    - change;
                m.add_row(row.eq(0.0), RowMeta::new(RowKind::Balance, Some(u), t));
            }
        }
    }
    debug_assert!(
        net.is_empty(),
        "a flow touches a cell outside the unit's cell set"
    );
}
