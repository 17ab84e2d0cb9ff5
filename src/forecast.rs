//! The forecast without a plan: where each unit's staff go under current behaviour, as a
//! Markov chain over cells, in whole people.
//!
//! The state of unit u is its head-count vector `n` over (cell, tenure year k), k = 0, 1, …,
//! K, where K is the last tenure year any of the unit's rates distinguish and k = K means
//! "K years or more" (settled). The base-year staff are settled (docs/model.md). Each year t:
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
//! and nobody is moved between units. To keep people whole, each expected flow is rounded
//! cumulatively per unit and state (`round(Σ expected) − Σ booked`, as for the engine's base
//! attrition), and promotions and hires are shared out by largest remainder, carried from
//! year to year, so every count is whole and each running total stays within a person of its
//! expectation. The result is a [`Plan`], so `trajectory.csv`, `flows.csv` and the targets
//! are the same tables, checked by the same replay, as for a plan.

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
        mix_basis.push(project_unit(spec, u, &mut plan));
    }
    crate::model::objective::book_salaries(spec, &mut plan.costs, plan.stock.iter());
    Forecast { plan, mix_basis }
}

fn project_unit(spec: &Spec, u: usize, plan: &mut Plan) -> MixBasis {
    let base = spec.base_year();
    let k_max = settled_year(spec, u) as usize;
    let staff: Vec<(Cell, u32)> = spec
        .staff
        .range((u, crate::domain::Cell::FIRST)..=(u, crate::domain::Cell::LAST))
        .map(|((_, c), &n)| (*c, n))
        .collect();
    let (mix, basis): (Vec<(Cell, f64)>, MixBasis) = match spec.hiring_mix.get(&u) {
        Some(m) => (m.clone(), MixBasis::RecentHires),
        None => {
            let mut by_cell: BTreeMap<Cell, f64> = BTreeMap::new();
            for (c, n) in &staff {
                *by_cell
                    .entry(Cell {
                        leader: false,
                        ..*c
                    })
                    .or_default() += *n as f64;
            }
            (by_cell.into_iter().collect(), MixBasis::CurrentStaff)
        }
    };
    // States: every cell the unit can hold under current behaviour × tenure years.
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
    let tenures = k_max + 1;
    let states = cells.len() * tenures;
    let state = |c: &Cell, k: usize| cells.binary_search(c).expect("listed") * tenures + k;
    let leaving: Vec<f64> = (0..tenures)
        .map(|k| spec.leaving_rate(u, k as u32))
        .collect();
    // S: ageing (tenure k → min(k+1, K)); A = diag(1 − a)·S, whose row deficit is attrition.
    let mut ageing = DMatrix::<f64>::zeros(states, states);
    let mut stay = DVector::<f64>::zeros(states);
    for ci in 0..cells.len() {
        for k in 0..tenures {
            ageing[(ci * tenures + k, ci * tenures + (k + 1).min(k_max))] = 1.0;
            stay[ci * tenures + k] = 1.0 - leaving[k];
        }
    }
    let survival = DMatrix::from_diagonal(&stay) * &ageing;
    let leaving_share = DVector::from_element(states, 1.0) - survival.column_sum();
    // People due to retire within the horizon wait in their cell until then: attrition and
    // promotion take only the others, so every scheduled retirement happens.
    let mut due_to_retire = vec![0u32; cells.len()];
    for (ci, c) in cells.iter().enumerate() {
        due_to_retire[ci] = spec
            .plan_years()
            .map(|t| spec.retirements.get(&(u, *c, t)).copied().unwrap_or(0))
            .sum();
    }
    let mut n = DVector::<f64>::zeros(states);
    for (c, count) in &staff {
        let ci = cells.binary_search(c).expect("listed");
        n[state(c, k_max)] = count.saturating_sub(due_to_retire[ci]) as f64;
        due_to_retire[ci] = due_to_retire[ci].min(*count);
    }
    let record = |plan: &mut Plan, t: i32, kind: FlowKind, c: Cell, count: u32| {
        if count > 0 {
            let key = FlowKey {
                year: t,
                unit: u,
                kind,
                channel: None,
                channel_index: None,
                counterpart: None,
                cell: c,
            };
            plan.flows.entry(key).or_insert((0, 0.0)).0 += count;
        }
    };
    let write_stock = |plan: &mut Plan, t: i32, n: &DVector<f64>, waiting: &[u32]| {
        for (ci, c) in cells.iter().enumerate() {
            let total: f64 =
                (0..tenures).map(|k| n[ci * tenures + k]).sum::<f64>() + waiting[ci] as f64;
            if total > 0.0 {
                plan.stock.insert((t, u, *c), total.round() as u32);
            }
        }
    };
    write_stock(plan, base, &n, &due_to_retire);
    let base_quota = spec.quota(u, base).max(1) as f64;
    let fill_rate = (spec.base_staff(u) as f64 / base_quota).min(1.0);
    let mut expected_leavers = vec![0.0f64; states];
    let mut booked_leavers = vec![0u32; states];
    let mut promotion_carry = vec![0.0f64; cells.len()];
    let mut hire_carry = vec![0.0f64; mix.len()];
    for t in spec.plan_years() {
        // 1. Retirements, from those waiting for them.
        for (ci, c) in cells.iter().enumerate() {
            let due = spec
                .retirements
                .get(&(u, *c, t))
                .copied()
                .unwrap_or(0)
                .min(due_to_retire[ci]);
            due_to_retire[ci] -= due;
            record(plan, t, FlowKind::Retire, *c, due);
        }
        // 2. Attrition, cumulatively rounded, then ageing: n ← n·A in whole people.
        let expected = n.component_mul(&leaving_share);
        let mut leavers = DVector::<f64>::zeros(states);
        for s in 0..states {
            expected_leavers[s] += expected[s];
            let due = ((expected_leavers[s] + 1e-9).round() as i64 - booked_leavers[s] as i64)
                .clamp(0, n[s] as i64) as u32;
            booked_leavers[s] += due;
            leavers[s] = due as f64;
        }
        for (ci, c) in cells.iter().enumerate() {
            let out: f64 = (0..tenures).map(|k| leavers[ci * tenures + k]).sum();
            record(plan, t, FlowKind::Attrition, *c, out as u32);
        }
        n = ageing.transpose() * (&n - &leavers);
        // 3. Promotion into vacant leader posts, in proportion to trained staff.
        let leaders: f64 = (0..states)
            .filter(|&s| cells[s / tenures].leader)
            .map(|s| n[s])
            .sum::<f64>()
            + (0..cells.len())
                .filter(|&ci| cells[ci].leader)
                .map(|ci| due_to_retire[ci] as f64)
                .sum::<f64>();
        let vacancies = (spec.units[u].leader_posts as f64 - leaders).max(0.0) as u32;
        let promotable = |ci: usize| {
            let c = cells[ci];
            !c.leader && c.trained && cells.binary_search(&Cell { leader: true, ..c }).is_ok()
        };
        let people: Vec<u32> = (0..cells.len())
            .map(|ci| {
                if promotable(ci) {
                    (0..tenures).map(|k| n[ci * tenures + k]).sum::<f64>() as u32
                } else {
                    0
                }
            })
            .collect();
        let weights: Vec<f64> = people.iter().map(|&p| p as f64).collect();
        let promote = share_out(vacancies, &weights, &people, &mut promotion_carry);
        for (ci, &p) in promote.iter().enumerate().filter(|(_, &p)| p > 0) {
            let mut left = p;
            // Longest-serving first.
            for k in (0..tenures).rev() {
                let s = ci * tenures + k;
                let take = left.min(n[s] as u32);
                n[s] -= take as f64;
                n[state(
                    &Cell {
                        leader: true,
                        ..cells[ci]
                    },
                    k,
                )] += take as f64;
                left -= take;
            }
            debug_assert_eq!(left, 0, "promotions within the cell's people");
            record(plan, t, FlowKind::Promote, cells[ci], p);
        }
        // 4. Hiring up to the base-year fill rate of this year's quota.
        let target = (fill_rate * spec.quota(u, t) as f64 + 1e-9).floor();
        let head = n.sum() + due_to_retire.iter().sum::<u32>() as f64;
        let vacancies = (target - head).max(0.0) as u32;
        let weights: Vec<f64> = mix.iter().map(|(_, s)| *s).collect();
        let hires = share_out(
            vacancies,
            &weights,
            &vec![u32::MAX; mix.len()],
            &mut hire_carry,
        );
        for ((c, _), &h) in mix.iter().zip(&hires) {
            n[state(c, 0)] += h as f64;
            record(plan, t, FlowKind::Hire, *c, h);
        }
        write_stock(plan, t, &n, &due_to_retire);
    }
    basis
}

/// Province EM share of staff in year t, as a fraction.
pub fn em_share(spec: &Spec, plan: &Plan, t: i32) -> f64 {
    let (mut em, mut all) = (0u32, 0u32);
    for ((y, _, c), n) in &plan.stock {
        if *y == t {
            all += n;
            if spec.is_em(c) {
                em += n;
            }
        }
    }
    em as f64 / all.max(1) as f64
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
