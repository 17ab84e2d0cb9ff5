//! The forecast without a plan: where each unit's staff go under current behaviour, as a
//! Markov chain over cells, in whole people.
//!
//! The state of unit u is its head-count vector `n` over (cell, tenure year k), k = 0, 1, …,
//! K, where K is the last tenure year any of the unit's rates distinguish and k = K means
//! "K years or more" (settled). The base-year staff are settled, or where `staff.csv` gives
//! their year of recruitment h start at tenure `base year − h` (docs/model.md). Each year t:
//!
//! 1. **Retirements** from `retirements.csv` leave their cell, settled people first.
//! 2. **Attrition and ageing:** `n ← n·A`, where `A[(c,k),(c,min(k+1,K))] = 1 − a_u(k)` and
//!    the row deficit `a_u(k)` is the leaving rate of tenure year k for the unit's class
//!    (`attrition.csv`, else `[attrition]`).
//! 3. **Promotion** `n ← n·M(t)`: vacant leader posts are filled from trained staff of every
//!    group in proportion to their numbers: no targeted action.
//! 4. **Hiring** `+ r(t)`: vacancies up to the unit's base-year fill rate of its quota of
//!    year t are filled with the unit's hiring mix (`hiring_mix.csv`: its recent hires; else
//!    its current staff, all roles, as staff), entering at tenure 0.
//!
//! So `n(t+1) = n(t)·P(t) + r(t)` with `P(t) = A·M(t)` after retirements. Nobody is trained
//! and nobody is moved between units. To keep people whole, the unit's expected leavers are
//! placed along its states, each state on its own line ([`crate::rounding::place_each`]; the
//! engine then also holds its units' and province's sums, which the forecast does not),
//! and promotions and hires are shared out by largest
//! remainder, carried from year to year, so every count is whole and each running total stays within a person of its
//! expectation. The result is a [`Plan`], so `trajectory.csv`, `flows.csv` and the targets
//! are the same tables, checked by the same replay, as for a plan. Each state also carries
//! how many of its people the forecast hired (in proportion through leaving and promotion),
//! for its net hires, of which I2 asks a share ([`unit_hires`]). Its costs (salaries, hires
//! and promotions priced by [`book_flow_costs`], the over-quota premium) are what the plan's
//! extra cost is measured against ([`crate::budget`]).

use crate::domain::FlowKind;
use crate::domain::{Cell, Spec};
use crate::plan::{FlowKey, Plan};
use crate::rounding::{apportion, Apportion};
use nalgebra::{DMatrix, DVector};
use std::collections::BTreeMap;

/// How each unit was assumed to hire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MixBasis {
    /// `hiring_mix.csv`.
    RecentHires,
    /// The unit's current staff.
    CurrentStaff,
}

pub struct Forecast {
    pub plan: Plan,
    /// Per unit.
    pub mix_basis: Vec<MixBasis>,
}

/// Last tenure year the unit's rates distinguish.
fn settled_year(spec: &Spec, u: usize) -> u32 {
    match spec.attrition.get(&spec.units[u].attrition_class()) {
        Some(bands) => bands.iter().filter_map(|b| b.to).max().unwrap_or(0),
        None => spec.config.attrition.new_hire_years,
    }
}

/// Whole-people shares of `total` by `weights`, each at most its `room`, adding up to
/// `total` (or to all the room there is). What each share misses of its exact value is carried
/// to the next call in `carry` (within ±1; reset where the weight is 0), so small shares are
/// served in turn across years.
fn share_out(total: u32, weights: &[f64], room: &[u32], carry: &mut [f64]) -> Vec<u32> {
    let sum: f64 = weights.iter().sum();
    let n = weights.len();
    if total == 0 || sum <= 0.0 {
        return vec![0u32; n];
    }
    let want: Vec<f64> = (0..n)
        .map(|i| {
            if weights[i] > 0.0 {
                total as f64 * weights[i] / sum + carry[i]
            } else {
                0.0
            }
        })
        .collect();
    let caps: Vec<u32> = (0..n)
        .map(|i| if weights[i] > 0.0 { room[i] } else { 0 })
        .collect();
    let target = total.min(caps.iter().sum());
    // Largest remainder first gains, smallest first loses; gains tie to the earlier cell.
    let how = Apportion {
        take_back: true,
        ..Apportion::default()
    };
    let out = apportion(&want, target, Some(&caps), how);
    for i in 0..n {
        carry[i] = if weights[i] > 0.0 {
            (want[i] - out[i] as f64).clamp(-1.0, 1.0)
        } else {
            0.0
        };
    }
    out
}

pub fn forecast(spec: &Spec) -> Forecast {
    let mut plan = Plan::default();
    let mut mix_basis = Vec::new();
    for u in 0..spec.units.len() {
        mix_basis.push(project_unit(spec, u, &mut plan).0);
    }
    book_flow_costs(spec, &mut plan);
    crate::model::objective::book_salaries(spec, &mut plan.costs, plan.stock.iter());
    book_over_quota(spec, &mut plan);
    Forecast { plan, mix_basis }
}

/// What a hire without a plan costs: the least `cost_per_hire` of the channels open that
/// year to the unit's kind and the person's group, else of any channel open to the unit's
/// kind, else nothing. The forecast does not choose channels; the least price makes its cost
/// a lower estimate, so the plan's extra cost over it is not understated.
pub fn no_plan_hire_cost(spec: &Spec, u: usize, cell: &Cell, year: i32) -> f64 {
    let kind = spec.units[u].kind;
    let open = || {
        spec.channels
            .iter()
            .filter(move |ch| ch.year == year && ch.kinds.contains(&kind))
    };
    let least = |it: &mut dyn Iterator<Item = &crate::domain::Channel>| {
        it.map(|ch| ch.cost_per_hire)
            .fold(None, |m: Option<f64>, c| Some(m.map_or(c, |m| m.min(c))))
    };
    least(&mut open().filter(|ch| ch.groups.contains(&cell.group)))
        .or_else(|| least(&mut open()))
        .unwrap_or(0.0)
}

/// Books the premium on the forecast's head-count over quota in the years its unit may run
/// over quota (`over_quota_until`), as a plan pays it; it sheds nobody, so an excess lasts
/// until attrition takes it.
fn book_over_quota(spec: &Spec, plan: &mut Plan) {
    for (u, unit) in spec.units.iter().enumerate() {
        let Some(last) = unit.over_quota_until else {
            continue;
        };
        for t in spec.plan_years().filter(|&t| t <= last) {
            let head: u32 = plan.sum(t, u, |_| true);
            let over = head.saturating_sub(spec.quota(u, t));
            crate::model::objective::book_over_quota(spec, &mut plan.costs, t, u, over as f64);
        }
    }
}

/// Books the forecast's hires (at [`no_plan_hire_cost`]) and promotions (at
/// `costs.promotion`, as a plan's) into its flows and costs; nobody is trained or moved.
fn book_flow_costs(spec: &Spec, plan: &mut Plan) {
    use crate::domain::{CostLine, Lever};
    for (key, (n, cost)) in plan.flows.iter_mut() {
        let (line, each) = match key.kind {
            FlowKind::Hire => (
                CostLine::of(Lever::Hiring),
                no_plan_hire_cost(spec, key.unit, &key.cell, key.year),
            ),
            FlowKind::Promote => (CostLine::of(Lever::Promotion), spec.config.costs.promotion),
            _ => continue,
        };
        *cost = each * *n as f64;
        crate::model::objective::book_flow(&mut plan.costs, key.year, key.unit, line, *cost);
    }
}

/// Net hires of unit u in each planned year of the forecast, in the plan's sense of a hire
/// (docs/model.md, assumption 2: a hire keeps its post): the people it hired still there
/// (its hires less their expected leavers) by the end of each year, counted from their
/// highest so far and rounded to the nearest person (halves up), so a post refilled after
/// one of its hires left is not a new net hire, nor is one refilled after the unit shrank.
pub fn unit_hires(spec: &Spec, u: usize) -> Vec<u32> {
    let (_, years) = project_unit(spec, u, &mut Plan::default());
    let (mut still_there, mut highest, mut counted) = (0.0f64, 0.0f64, 0u32);
    years
        .into_iter()
        .map(|(hired, left)| {
            still_there += hired as f64 - left;
            highest = highest.max(still_there);
            let total = (highest + 0.5 + 1e-9).floor() as u32;
            let year = total.saturating_sub(counted);
            counted = counted.max(total);
            year
        })
        .collect()
}

/// Projects unit u year by year (steps 1–4 of the module doc), booking its stocks and flows
/// into `plan`; returns how the unit was assumed to hire, and in each year its hires and
/// the expected leavers among the people it hired.
fn project_unit(spec: &Spec, u: usize, plan: &mut Plan) -> (MixBasis, Vec<(u32, f64)>) {
    let staff: Vec<(Cell, u32)> = spec
        .staff
        .range((u, crate::domain::Cell::FIRST)..=(u, crate::domain::Cell::LAST))
        .map(|((_, c), &n)| (*c, n))
        .collect();
    let (mix, basis) = hiring_mix(spec, u, &staff);
    let mut chain = UnitChain::new(spec, u, &staff, mix);
    chain.write_stock(plan, spec.base_year());
    let mut years = Vec::new();
    for t in spec.plan_years() {
        chain.retire(plan, t);
        let left = chain.leave_and_age(plan, t);
        chain.promote(plan, t);
        let hired = chain.hire(plan, t);
        chain.write_stock(plan, t);
        years.push((hired, left));
    }
    (basis, years)
}

/// The unit's hiring mix: `hiring_mix.csv`, else its current staff, all roles, as staff.
fn hiring_mix(spec: &Spec, u: usize, staff: &[(Cell, u32)]) -> (Vec<(Cell, f64)>, MixBasis) {
    match spec.hiring_mix.get(&u) {
        Some(m) => (m.clone(), MixBasis::RecentHires),
        None => {
            let mut by_cell: BTreeMap<Cell, f64> = BTreeMap::new();
            for (c, n) in staff {
                *by_cell
                    .entry(Cell {
                        leader: false,
                        ..*c
                    })
                    .or_default() += *n as f64;
            }
            (by_cell.into_iter().collect(), MixBasis::CurrentStaff)
        }
    }
}

/// States: every cell the unit can hold under current behaviour (its staff, its hiring mix,
/// and leader cells promotion can reach), sorted.
fn unit_cells(spec: &Spec, u: usize, staff: &[(Cell, u32)], mix: &[(Cell, f64)]) -> Vec<Cell> {
    let mut cells: Vec<Cell> = staff.iter().map(|(c, _)| *c).collect();
    cells.extend(mix.iter().map(|(c, _)| *c));
    if spec.units[u].leader_posts > 0 {
        let promotable: Vec<Cell> = cells
            .iter()
            .filter(|c| !c.leader && c.trained)
            .map(|c| Cell { leader: true, ..*c })
            .collect();
        cells.extend(promotable);
    }
    cells.sort();
    cells.dedup();
    cells
}

/// S: ageing (tenure k → min(k+1, K)); A = diag(1 − a)·S, whose row deficit is attrition.
/// Returns S and each state's leaving share.
fn ageing_and_leaving(
    cell_count: usize,
    k_max: usize,
    leaving: &[f64],
) -> (DMatrix<f64>, DVector<f64>) {
    let tenures = k_max + 1;
    let states = cell_count * tenures;
    let mut ageing = DMatrix::<f64>::zeros(states, states);
    let mut stay = DVector::<f64>::zeros(states);
    for ci in 0..cell_count {
        for k in 0..tenures {
            ageing[(ci * tenures + k, ci * tenures + (k + 1).min(k_max))] = 1.0;
            stay[ci * tenures + k] = 1.0 - leaving[k];
        }
    }
    let survival = DMatrix::from_diagonal(&stay) * &ageing;
    let leaving_share = DVector::from_element(states, 1.0) - survival.column_sum();
    (ageing, leaving_share)
}

/// One unit's chain, carried from year to year: its states over (cell, tenure year), the
/// head-counts `n`, the people waiting to retire, and what the rounding carries.
struct UnitChain<'a> {
    spec: &'a Spec,
    u: usize,
    cells: Vec<Cell>,
    k_max: usize,
    /// K + 1.
    tenures: usize,
    mix: Vec<(Cell, f64)>,
    ageing: DMatrix<f64>,
    leaving_share: DVector<f64>,
    n: DVector<f64>,
    /// Per cell: people due to retire within the horizon, outside `n`.
    due_to_retire: Vec<u32>,
    /// Of `n`, the people the forecast hired, in expectation: a state's leavers and
    /// promotions take them in proportion to its people.
    hired: DVector<f64>,
    /// The unit's base-year staff over its base-year quota, at most 1.
    fill_rate: f64,
    expected_leavers: Vec<f64>,
    booked_leavers: Vec<u32>,
    promotion_carry: Vec<f64>,
    hire_carry: Vec<f64>,
}

impl<'a> UnitChain<'a> {
    /// The states and matrices, and the base stock: the base-year staff, settled.
    fn new(spec: &'a Spec, u: usize, staff: &[(Cell, u32)], mix: Vec<(Cell, f64)>) -> Self {
        let k_max = settled_year(spec, u) as usize;
        let cells = unit_cells(spec, u, staff, &mix);
        let tenures = k_max + 1;
        let states = cells.len() * tenures;
        let leaving: Vec<f64> = (0..tenures)
            .map(|k| spec.leaving_rate(u, k as u32))
            .collect();
        let (ageing, leaving_share) = ageing_and_leaving(cells.len(), k_max, &leaving);
        let base = spec.base_year();
        let base_quota = spec.quota(u, base).max(1) as f64;
        let fill_rate = (spec.base_staff(u) as f64 / base_quota).min(1.0);
        let mut chain = UnitChain {
            spec,
            u,
            k_max,
            tenures,
            ageing,
            leaving_share,
            n: DVector::<f64>::zeros(states),
            due_to_retire: vec![0u32; cells.len()],
            hired: DVector::<f64>::zeros(states),
            fill_rate,
            expected_leavers: vec![0.0f64; states],
            booked_leavers: vec![0u32; states],
            promotion_carry: vec![0.0f64; cells.len()],
            hire_carry: vec![0.0f64; mix.len()],
            cells,
            mix,
        };
        chain.base_stock(staff);
        chain
    }

    fn states(&self) -> usize {
        self.cells.len() * self.tenures
    }

    fn state(&self, c: &Cell, k: usize) -> usize {
        self.cells.binary_search(c).expect("listed") * self.tenures + k
    }

    /// People due to retire within the horizon wait in their cell until then: attrition and
    /// promotion take only the others, so every scheduled retirement happens.
    fn base_stock(&mut self, staff: &[(Cell, u32)]) {
        let (spec, u) = (self.spec, self.u);
        for (ci, c) in self.cells.iter().enumerate() {
            self.due_to_retire[ci] = spec
                .plan_years()
                .map(|t| spec.retirements.get(&(u, *c, t)).copied().unwrap_or(0))
                .sum();
        }
        for (c, count) in staff {
            let ci = self.cells.binary_search(c).expect("listed");
            // Those due to retire are the settled first, then the earliest hired (as in
            // the plan); each cohort left starts at the tenure year it serves next year.
            let mut due = self.due_to_retire[ci];
            for (hired, n) in spec.base_cohorts(u, c) {
                let waiting = due.min(n);
                due -= waiting;
                let k = hired.map_or(self.k_max, |h| {
                    ((spec.base_year() - h).max(0) as usize).min(self.k_max)
                });
                let s = self.state(c, k);
                self.n[s] += (n - waiting) as f64;
            }
            self.due_to_retire[ci] = self.due_to_retire[ci].min(*count);
        }
    }

    fn record(&self, plan: &mut Plan, t: i32, kind: FlowKind, c: Cell, count: u32) {
        if count > 0 {
            let key = FlowKey {
                year: t,
                unit: self.u,
                kind,
                channel: None,
                channel_index: None,
                counterpart: None,
                cell: c,
            };
            plan.flows.entry(key).or_insert((0, 0.0)).0 += count;
        }
    }

    /// Year t's stock per cell: the chain's people and those waiting to retire.
    fn write_stock(&self, plan: &mut Plan, t: i32) {
        let tenures = self.tenures;
        for (ci, c) in self.cells.iter().enumerate() {
            let total: f64 = (0..tenures).map(|k| self.n[ci * tenures + k]).sum::<f64>()
                + self.due_to_retire[ci] as f64;
            if total > 0.0 {
                plan.stock.insert((t, self.u, *c), total.round() as u32);
            }
        }
    }

    /// 1. Retirements, from those waiting for them.
    fn retire(&mut self, plan: &mut Plan, t: i32) {
        for ci in 0..self.cells.len() {
            let c = self.cells[ci];
            let due = self
                .spec
                .retirements
                .get(&(self.u, c, t))
                .copied()
                .unwrap_or(0)
                .min(self.due_to_retire[ci]);
            self.due_to_retire[ci] -= due;
            self.record(plan, t, FlowKind::Retire, c, due);
        }
    }

    /// Step 2, attrition then ageing: n ← n·A in whole people. Each state's (cell, then
    /// tenure) running expected leavers are booked in whole people on its own line
    /// ([`crate::rounding::place_each`], each cell's first step in the engine), each state
    /// at most its people. Returns the year's expected leavers among the people the forecast
    /// hired.
    fn leave_and_age(&mut self, plan: &mut Plan, t: i32) -> f64 {
        let (states, tenures) = (self.states(), self.tenures);
        let expected = self.n.component_mul(&self.leaving_share);
        for s in 0..states {
            self.expected_leavers[s] += expected[s];
        }
        let room: Vec<u32> = (0..states).map(|s| (self.n[s] + 1e-9) as u32).collect();
        let placed = crate::rounding::place_each(
            self.expected_leavers.as_slice(),
            &self.booked_leavers,
            &room,
            self.u,
        );
        let mut leavers = DVector::<f64>::zeros(states);
        for s in 0..states {
            self.booked_leavers[s] += placed[s];
            leavers[s] = placed[s] as f64;
        }
        for (ci, c) in self.cells.iter().enumerate() {
            let out: f64 = (0..tenures).map(|k| leavers[ci * tenures + k]).sum();
            self.record(plan, t, FlowKind::Attrition, *c, out as u32);
        }
        let hire_leavers = DVector::<f64>::from_fn(states, |s, _| self.hired_part(s, leavers[s]));
        self.n = self.ageing.transpose() * (&self.n - &leavers);
        self.hired = self.ageing.transpose() * (&self.hired - &hire_leavers);
        hire_leavers.sum()
    }

    /// Of `people` taken from state s, those the forecast hired, in proportion.
    fn hired_part(&self, s: usize, people: f64) -> f64 {
        if self.n[s] > 0.0 {
            people * self.hired[s] / self.n[s]
        } else {
            0.0
        }
    }

    /// Vacant leader posts: the posts less the leaders in the chain and waiting to retire.
    fn leader_vacancies(&self) -> u32 {
        let cells = &self.cells;
        let leaders: f64 = (0..self.states())
            .filter(|&s| cells[s / self.tenures].leader)
            .map(|s| self.n[s])
            .sum::<f64>()
            + (0..cells.len())
                .filter(|&ci| cells[ci].leader)
                .map(|ci| self.due_to_retire[ci] as f64)
                .sum::<f64>();
        (self.spec.units[self.u].leader_posts as f64 - leaders).max(0.0) as u32
    }

    /// Per cell: the people who could be promoted (trained staff whose leader cell exists).
    fn promotable_people(&self) -> Vec<u32> {
        let cells = &self.cells;
        let promotable = |ci: usize| {
            let c = cells[ci];
            !c.leader && c.trained && cells.binary_search(&Cell { leader: true, ..c }).is_ok()
        };
        (0..cells.len())
            .map(|ci| {
                if promotable(ci) {
                    (0..self.tenures)
                        .map(|k| self.n[ci * self.tenures + k])
                        .sum::<f64>() as u32
                } else {
                    0
                }
            })
            .collect()
    }

    /// 3. Promotion into vacant leader posts, in proportion to trained staff.
    fn promote(&mut self, plan: &mut Plan, t: i32) {
        let vacancies = self.leader_vacancies();
        let people = self.promotable_people();
        let weights: Vec<f64> = people.iter().map(|&p| p as f64).collect();
        let promote = share_out(vacancies, &weights, &people, &mut self.promotion_carry);
        for (ci, &p) in promote.iter().enumerate().filter(|(_, &p)| p > 0) {
            let mut left = p;
            // Longest-serving first.
            for k in (0..self.tenures).rev() {
                let s = ci * self.tenures + k;
                let take = left.min(self.n[s] as u32);
                let hired = self.hired_part(s, take as f64);
                self.n[s] -= take as f64;
                self.hired[s] -= hired;
                let to = self.state(
                    &Cell {
                        leader: true,
                        ..self.cells[ci]
                    },
                    k,
                );
                self.n[to] += take as f64;
                self.hired[to] += hired;
                left -= take;
            }
            debug_assert_eq!(left, 0, "promotions within the cell's people");
            self.record(plan, t, FlowKind::Promote, self.cells[ci], p);
        }
    }

    /// 4. Hiring up to the base-year fill rate of this year's quota; returns how many.
    fn hire(&mut self, plan: &mut Plan, t: i32) -> u32 {
        let target = (self.fill_rate * self.spec.quota(self.u, t) as f64 + 1e-9).floor();
        let head = self.n.sum() + self.due_to_retire.iter().sum::<u32>() as f64;
        let vacancies = (target - head).max(0.0) as u32;
        let weights: Vec<f64> = self.mix.iter().map(|(_, s)| *s).collect();
        let hires = share_out(
            vacancies,
            &weights,
            &vec![u32::MAX; self.mix.len()],
            &mut self.hire_carry,
        );
        for ((c, _), &h) in self.mix.iter().zip(&hires) {
            let s = self.state(c, 0);
            self.n[s] += h as f64;
            self.hired[s] += h as f64;
            self.record(plan, t, FlowKind::Hire, *c, h);
        }
        hires.iter().sum()
    }
}

/// Province EM share of staff in year t, as a fraction.
pub fn em_share(spec: &Spec, plan: &Plan, t: i32) -> f64 {
    em_share_of(
        spec,
        plan.stock
            .range((t, 0, Cell::FIRST)..=(t, usize::MAX, Cell::LAST))
            .map(|((_, _, c), &n)| (c, n as f64)),
    )
}

/// The EM share of head-counts by cell (0 when there are none).
pub fn em_share_of<'a>(spec: &Spec, counts: impl Iterator<Item = (&'a Cell, f64)>) -> f64 {
    let (mut em, mut all) = (0.0, 0.0);
    for (c, n) in counts {
        all += n;
        if spec.is_em(c) {
            em += n;
        }
    }
    if all > 0.0 {
        em / all
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::share_out;

    #[test]
    fn shares_are_whole_and_carried() {
        let mut carry = vec![0.0; 2];
        // 1 hire a year at 50/50 alternates between the two cells.
        let room = [u32::MAX; 3];
        let a = share_out(1, &[0.5, 0.5], &room[..2], &mut carry);
        let b = share_out(1, &[0.5, 0.5], &room[..2], &mut carry);
        assert_eq!((a, b), (vec![1, 0], vec![0, 1]));
        let mut carry = vec![0.0; 3];
        assert_eq!(
            share_out(10, &[0.7, 0.2, 0.1], &room, &mut carry),
            vec![7, 2, 1]
        );
    }

    #[test]
    fn shares_never_exceed_the_room_or_the_total() {
        // A large carried surplus cannot push the total over, nor a cell past its people.
        let mut carry = vec![0.9, 0.9, 0.9];
        let out = share_out(2, &[1.0, 1.0, 1.0], &[1, 0, 5], &mut carry);
        assert_eq!(out.iter().sum::<u32>(), 2);
        assert!(out[0] <= 1 && out[1] == 0);
        // Not enough people: everyone there is.
        let mut carry = vec![0.0; 2];
        assert_eq!(share_out(9, &[1.0, 1.0], &[2, 3], &mut carry), vec![2, 3]);
    }
}
