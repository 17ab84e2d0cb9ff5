//! The whole-province LP by Dantzig–Wolfe decomposition over its blocks of units.
//!
//! The province's LP is block-angular: each unit's rows (balances, quota, its targets)
//! touch only its own columns (and those of units it shares a transfer route with), and a
//! few hundred shared rows (capacities, province-wide targets, R5) tie the blocks
//! together. HiGHS's dual simplex on the whole took 43,000 iterations and 50 s on the
//! sample; starting it from the blocks' optimal bases did not help (the shared rows undo
//! them). So the LP is solved as its Dantzig–Wolfe master:
//!
//! - **Blocks.** Columns joined by a row that is not shared form one block (union–find);
//!   a column in shared rows only (a province-wide shortfall, an R5 distance) stays in
//!   the master as it is.
//! - **Master.** `min Σ_b Σ_k λ_bk c_b·x_bk + c_P·x_P` over the shared rows
//!   `lower ≤ Σ_b Σ_k λ_bk A_b x_bk + A_P x_P ≤ upper`, `Σ_k λ_bk = 1` per block, λ ≥ 0,
//!   with artificial columns priced at `ARTIFICIAL` so the first masters are feasible.
//! - **Pricing.** At the master's duals `π` (shared rows) and `μ_b` (convexity), each
//!   block's LP `v_b(π) = min (c_b − A_bᵀπ)·x_b` over its own rows, warm-started from its
//!   last basis by the primal simplex (new prices change only costs, so that basis stays
//!   primal feasible), `threads` blocks at a time. A block whose `v_b − μ_b` is negative
//!   proposes its optimum `x_b` as a new master column.
//! - **Bound.** Every `π` gives a valid lower bound on the LP (Lagrangian duality):
//!   `L(π) = Σ_b v_b(π) + Σ_P min_{l≤x≤u} (c_j − a_jᵀπ)·x + Σ_i π_i·(lower_i if π_i > 0,
//!   else upper_i)`. The loop stops when the master's value is within `tolerance` of the
//!   best `L`, as a share of the master's value less `offset` (the part of the objective no
//!   plan changes, when the tolerance is a share of the rest); the reported objective is that best `L`, and the reported duals are the `π`
//!   that gave it (with the blocks' own duals at that `π`), so the bound of
//!   [`crate::decompose`] that prices groups at these duals stays valid. The primal values
//!   are the master's last convex combination of proposals.
//!
//! Any failure (a block LP without optimum, no convergence within the iteration cap)
//! returns an error and the caller solves the LP whole.

use highs_sys::*;
use std::collections::BTreeMap;
use std::ffi::c_void;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// An LP held column-wise, as HiGHS gives it.
#[derive(Default)]
struct Lp {
    cost: Vec<f64>,
    col_lower: Vec<f64>,
    col_upper: Vec<f64>,
    row_lower: Vec<f64>,
    row_upper: Vec<f64>,
    start: Vec<HighsInt>,
    index: Vec<HighsInt>,
    value: Vec<f64>,
}

impl Lp {
    fn columns(&self) -> usize {
        self.cost.len()
    }
    fn rows(&self) -> usize {
        self.row_lower.len()
    }
    fn column(&self, j: usize) -> std::ops::Range<usize> {
        let end = self
            .start
            .get(j + 1)
            .map_or(self.index.len(), |&e| e as usize);
        self.start[j] as usize..end
    }

    /// The LP of the HiGHS instance `highs`.
    ///
    /// SAFETY: `highs` is a live HiGHS instance.
    unsafe fn read(highs: *const c_void) -> Result<Lp, String> {
        let (n, m, nz) = (
            Highs_getNumCol(highs),
            Highs_getNumRow(highs),
            Highs_getNumNz(highs),
        );
        let (nu, mu, nzu) = (n as usize, m as usize, nz as usize);
        let mut lp = Lp {
            cost: vec![0.0; nu],
            col_lower: vec![0.0; nu],
            col_upper: vec![0.0; nu],
            row_lower: vec![0.0; mu],
            row_upper: vec![0.0; mu],
            start: vec![0; nu],
            index: vec![0; nzu],
            value: vec![0.0; nzu],
        };
        let mut integrality = vec![0 as HighsInt; nu];
        let (mut n2, mut m2, mut nz2, mut sense) = (0, 0, 0, 0);
        let mut offset = 0.0;
        let status = Highs_getLp(
            highs,
            kHighsMatrixFormatColwise,
            &mut n2,
            &mut m2,
            &mut nz2,
            &mut sense,
            &mut offset,
            lp.cost.as_mut_ptr(),
            lp.col_lower.as_mut_ptr(),
            lp.col_upper.as_mut_ptr(),
            lp.row_lower.as_mut_ptr(),
            lp.row_upper.as_mut_ptr(),
            lp.start.as_mut_ptr(),
            lp.index.as_mut_ptr(),
            lp.value.as_mut_ptr(),
            integrality.as_mut_ptr(),
        );
        if status == kHighsStatusError || (n2, m2, nz2) != (n, m, nz) {
            return Err("HiGHS did not give the LP back".into());
        }
        Ok(lp)
    }
}

/// One block: its columns and rows in the whole LP, in increasing order.
struct Block {
    columns: Vec<usize>,
    rows: Vec<usize>,
}

/// Blocks of the LP: columns joined through rows that are not linking.
fn blocks(lp: &Lp, linking: &[bool]) -> Vec<Block> {
    let n = lp.columns();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    let mut first_column: Vec<Option<usize>> = vec![None; lp.rows()];
    for j in 0..n {
        for k in lp.column(j) {
            let i = lp.index[k] as usize;
            if linking[i] {
                continue;
            }
            match first_column[i] {
                None => first_column[i] = Some(j),
                Some(f) => {
                    let (a, b) = (find(&mut parent, f), find(&mut parent, j));
                    if a != b {
                        parent[a.max(b)] = a.min(b);
                    }
                }
            }
        }
    }
    let mut block_of_root: Vec<Option<usize>> = vec![None; n];
    let mut out: Vec<Block> = Vec::new();
    for j in 0..n {
        let r = find(&mut parent, j);
        let b = *block_of_root[r].get_or_insert_with(|| {
            out.push(Block {
                columns: Vec::new(),
                rows: Vec::new(),
            });
            out.len() - 1
        });
        out[b].columns.push(j);
    }
    for (i, first) in first_column.iter().enumerate() {
        if let Some(j) = first {
            let r = find(&mut parent, *j);
            if let Some(b) = block_of_root[r] {
                out[b].rows.push(i);
            }
        }
    }
    out
}

/// The LP of one block: its columns, and its rows renumbered.
fn block_lp(lp: &Lp, block: &Block, local_row: &[usize]) -> Lp {
    let mut sub = Lp {
        cost: Vec::with_capacity(block.columns.len()),
        col_lower: Vec::with_capacity(block.columns.len()),
        col_upper: Vec::with_capacity(block.columns.len()),
        row_lower: block.rows.iter().map(|&i| lp.row_lower[i]).collect(),
        row_upper: block.rows.iter().map(|&i| lp.row_upper[i]).collect(),
        start: Vec::with_capacity(block.columns.len()),
        index: Vec::new(),
        value: Vec::new(),
    };
    for &j in &block.columns {
        sub.cost.push(lp.cost[j]);
        sub.col_lower.push(lp.col_lower[j]);
        sub.col_upper.push(lp.col_upper[j].min(BOX));
        sub.start.push(sub.index.len() as HighsInt);
        for k in lp.column(j) {
            let i = lp.index[k] as usize;
            if local_row[i] != usize::MAX {
                sub.index.push(local_row[i] as HighsInt);
                sub.value.push(lp.value[k]);
            }
        }
    }
    sub
}

/// Price of an artificial person in the master, as a multiple of the LP's largest cost
/// (at least 10⁶): far above every cost and shortfall price, so that no optimal master
/// uses one; one left in use at the end fails the decomposition.
const ARTIFICIAL: f64 = 100.0;
/// A box on every block column, so that no block's LP is unbounded at any prices: no flow
/// or stock of one unit comes near this many people.
const BOX: f64 = 1e4;
/// Most master iterations before giving up on the decomposition.
const MAX_ITERATIONS: usize = 400;
/// Weight of the best prices so far in the prices the blocks are asked at (0: none).
const SMOOTHING: f64 = 0.5;

/// A HiGHS instance owned by one solve.
struct Instance(*mut c_void);

// SAFETY: a HiGHS instance is used by one thread at a time (each block's by the worker that
// took it from the queue), never shared.
unsafe impl Send for Instance {}

impl Drop for Instance {
    fn drop(&mut self) {
        // SAFETY: created by Highs_create and destroyed once.
        unsafe { Highs_destroy(self.0) }
    }
}

impl Instance {
    fn new(lp: &Lp) -> Result<Instance, String> {
        // SAFETY: a fresh instance; every array has the length passed.
        unsafe {
            let instance = Instance(Highs_create());
            Highs_setBoolOptionValue(instance.0, c"output_flag".as_ptr(), 0);
            Highs_setIntOptionValue(instance.0, c"threads".as_ptr(), 1);
            let passed = Highs_passLp(
                instance.0,
                lp.columns() as HighsInt,
                lp.rows() as HighsInt,
                lp.index.len() as HighsInt,
                kHighsMatrixFormatColwise,
                kHighsObjSenseMinimize,
                0.0,
                lp.cost.as_ptr(),
                lp.col_lower.as_ptr(),
                lp.col_upper.as_ptr(),
                lp.row_lower.as_ptr(),
                lp.row_upper.as_ptr(),
                lp.start.as_ptr(),
                lp.index.as_ptr(),
                lp.value.as_ptr(),
            );
            if passed == kHighsStatusError {
                return Err("HiGHS refused a block's LP".into());
            }
            Ok(instance)
        }
    }

    /// Solves (from the last basis); the optimum or an error.
    fn run(&mut self, what: &str) -> Result<(), String> {
        // SAFETY: a live instance.
        unsafe {
            if Highs_run(self.0) == kHighsStatusError
                || Highs_getModelStatus(self.0) != kHighsModelStatusOptimal
            {
                return Err(format!(
                    "{what} has no optimum (HiGHS status {})",
                    Highs_getModelStatus(self.0)
                ));
            }
        }
        Ok(())
    }

    fn objective(&self) -> f64 {
        // SAFETY: a live instance.
        unsafe { Highs_getObjectiveValue(self.0) }
    }

    /// Column values, column duals, row values, row duals.
    fn solution(&self, columns: usize, rows: usize) -> [Vec<f64>; 4] {
        let mut out = [
            vec![0.0; columns],
            vec![0.0; columns],
            vec![0.0; rows],
            vec![0.0; rows],
        ];
        let [a, b, c, d] = &mut out;
        // SAFETY: a live instance with this many columns and rows.
        unsafe {
            Highs_getSolution(
                self.0,
                a.as_mut_ptr(),
                b.as_mut_ptr(),
                c.as_mut_ptr(),
                d.as_mut_ptr(),
            );
        }
        out
    }

    fn set_costs(&mut self, set: &[HighsInt], cost: &[f64]) -> Result<(), String> {
        // SAFETY: a live instance; set and cost have the same length, indices in range.
        let status = unsafe {
            Highs_changeColsCostBySet(self.0, set.len() as HighsInt, set.as_ptr(), cost.as_ptr())
        };
        if status == kHighsStatusError {
            return Err("HiGHS refused a block's prices".into());
        }
        Ok(())
    }
}

/// One block's pricing problem, kept warm between iterations.
struct Pricing {
    instance: Instance,
    columns: usize,
    rows: usize,
    /// Local columns with a coefficient in a shared row, their own cost, and those
    /// coefficients as `(shared row position, value)`.
    linked: Vec<HighsInt>,
    own_cost: Vec<f64>,
    links: Vec<Vec<(usize, f64)>>,
    /// Solved once: later solves start from the last basis by the primal simplex.
    warm: bool,
}

/// A block's answer at some prices.
struct Answer {
    /// `v_b(π)`.
    value: f64,
    /// Nonzero columns of its optimum, by local index.
    x: Vec<(u32, f64)>,
    /// The block's column and row duals at these prices.
    col_duals: Vec<f64>,
    row_duals: Vec<f64>,
}

impl Pricing {
    fn answer(&mut self, pi: &[f64]) -> Result<Answer, String> {
        let cost: Vec<f64> = self
            .links
            .iter()
            .zip(&self.own_cost)
            .map(|(links, c)| c - links.iter().map(|&(i, a)| a * pi[i]).sum::<f64>())
            .collect();
        self.instance.set_costs(&self.linked, &cost)?;
        self.instance.run("a block of the province LP")?;
        if !self.warm {
            // Later prices change only costs, so the last optimal basis stays primal
            // feasible: the primal simplex goes on from it, where HiGHS's default (dual)
            // first repairs its dual feasibility. On the sample: the blocks' pricing 2.6 s
            // instead of 4.6 s.
            // SAFETY: a live instance; 4 is HiGHS's `kSimplexStrategyPrimal`.
            unsafe {
                Highs_setIntOptionValue(self.instance.0, c"simplex_strategy".as_ptr(), 4);
            }
            self.warm = true;
        }
        let [values, col_duals, _, row_duals] = self.instance.solution(self.columns, self.rows);
        Ok(Answer {
            value: self.instance.objective(),
            x: values
                .iter()
                .enumerate()
                .filter(|(_, v)| v.abs() > 1e-12)
                .map(|(j, v)| (j as u32, *v))
                .collect(),
            col_duals,
            row_duals,
        })
    }
}

/// The LP's solution, as [`super::solve`] reports it.
pub struct BlockSolution {
    /// The best Lagrangian bound `L(π)`: a valid lower bound on the LP.
    pub bound: f64,
    /// The master's value: the LP value of `values`.
    pub value: f64,
    /// `L(π)` less the blocks' part at the `π` reported: `Σ_i π_i·b_i` and the free columns'
    /// least priced cost, the constant of the Lagrangian.
    pub constant: f64,
    pub values: Vec<f64>,
    pub row_values: Vec<f64>,
    pub row_duals: Vec<f64>,
    pub col_duals: Vec<f64>,
    pub blocks: usize,
    pub shared_rows: usize,
    pub iterations: usize,
}

/// Solves the LP held by `highs` by Dantzig–Wolfe decomposition over its blocks (module
/// docs); `shared[i]` marks row `i` as a shared row.
///
/// SAFETY: `highs` is a live HiGHS instance whose LP has `shared.len()` rows.
pub unsafe fn solve(
    highs: *const c_void,
    shared: &[bool],
    threads: usize,
    tolerance: f64,
    offset: f64,
    time_limit: f64,
    verbose: bool,
) -> Result<BlockSolution, String> {
    let started = std::time::Instant::now();
    let lp = Lp::read(highs)?;
    if lp.rows() != shared.len() {
        return Err("the registry does not describe every row".into());
    }
    let all = blocks(&lp, shared);
    let (blocks, free): (Vec<Block>, Vec<Block>) =
        all.into_iter().partition(|b| !b.rows.is_empty());
    let free: Vec<usize> = free.into_iter().flat_map(|b| b.columns).collect();
    let shared_rows: Vec<usize> = (0..lp.rows()).filter(|&i| shared[i]).collect();
    let mut position = vec![usize::MAX; lp.rows()];
    for (k, &i) in shared_rows.iter().enumerate() {
        position[i] = k;
    }
    let n_shared = shared_rows.len();

    // Pricing problems.
    let mut local_row = vec![usize::MAX; lp.rows()];
    let mut pricing: Vec<Pricing> = Vec::with_capacity(blocks.len());
    for block in &blocks {
        for (k, &i) in block.rows.iter().enumerate() {
            local_row[i] = k;
        }
        let sub = block_lp(&lp, block, &local_row);
        for &i in &block.rows {
            local_row[i] = usize::MAX;
        }
        let mut p = Pricing {
            instance: Instance::new(&sub)?,
            columns: sub.columns(),
            rows: sub.rows(),
            linked: Vec::new(),
            own_cost: Vec::new(),
            links: Vec::new(),
            warm: false,
        };
        for (local, &j) in block.columns.iter().enumerate() {
            let links: Vec<(usize, f64)> = lp
                .column(j)
                .filter(|&k| shared[lp.index[k] as usize])
                .map(|k| (position[lp.index[k] as usize], lp.value[k]))
                .collect();
            if !links.is_empty() {
                p.linked.push(local as HighsInt);
                p.own_cost.push(lp.cost[j]);
                p.links.push(links);
            }
        }
        pricing.push(p);
    }

    // The master: shared rows, then one convexity row per block.
    let mut master_lp = Lp {
        cost: Vec::new(),
        col_lower: Vec::new(),
        col_upper: Vec::new(),
        row_lower: shared_rows.iter().map(|&i| lp.row_lower[i]).collect(),
        row_upper: shared_rows.iter().map(|&i| lp.row_upper[i]).collect(),
        start: Vec::new(),
        index: Vec::new(),
        value: Vec::new(),
    };
    master_lp
        .row_lower
        .extend(std::iter::repeat_n(1.0, blocks.len()));
    master_lp
        .row_upper
        .extend(std::iter::repeat_n(1.0, blocks.len()));
    let push_column = |m: &mut Lp, cost: f64, lower: f64, upper: f64, entries: &[(usize, f64)]| {
        m.cost.push(cost);
        m.col_lower.push(lower);
        m.col_upper.push(upper);
        m.start.push(m.index.len() as HighsInt);
        for &(i, a) in entries {
            m.index.push(i as HighsInt);
            m.value.push(a);
        }
    };
    for &j in &free {
        let entries: Vec<(usize, f64)> = lp
            .column(j)
            .map(|k| (position[lp.index[k] as usize], lp.value[k]))
            .collect();
        push_column(
            &mut master_lp,
            lp.cost[j],
            lp.col_lower[j],
            lp.col_upper[j],
            &entries,
        );
    }
    let artificial = ARTIFICIAL * lp.cost.iter().fold(1e4, |m: f64, c| m.max(c.abs()));
    let first_artificial = master_lp.columns();
    for (k, &i) in shared_rows.iter().enumerate() {
        if lp.row_lower[i] > -1e30 {
            push_column(&mut master_lp, artificial, 0.0, f64::INFINITY, &[(k, 1.0)]);
        }
        if lp.row_upper[i] < 1e30 {
            push_column(&mut master_lp, artificial, 0.0, f64::INFINITY, &[(k, -1.0)]);
        }
    }
    let fixed_columns = master_lp.columns();
    let mut master = Instance::new(&master_lp)?;
    // Proposals: (block, nonzero columns), in master column order after the fixed ones.
    let mut proposals: Vec<(usize, Vec<(u32, f64)>)> = Vec::new();

    let price_all = |pricing: &mut [Pricing], pi: &[f64]| -> Result<Vec<Answer>, String> {
        let next = AtomicUsize::new(0);
        let slots: Vec<Mutex<Option<&mut Pricing>>> =
            pricing.iter_mut().map(|p| Mutex::new(Some(p))).collect();
        let answers: Vec<Mutex<Option<Result<Answer, String>>>> =
            (0..slots.len()).map(|_| Mutex::new(None)).collect();
        std::thread::scope(|s| {
            for _ in 0..threads.max(1) {
                s.spawn(|| loop {
                    let b = next.fetch_add(1, Ordering::Relaxed);
                    if b >= slots.len() {
                        break;
                    }
                    let p = slots[b].lock().unwrap().take().expect("each block once");
                    *answers[b].lock().unwrap() = Some(p.answer(pi));
                });
            }
        });
        answers
            .into_iter()
            .map(|a| a.into_inner().unwrap().expect("every block priced"))
            .collect()
    };
    // L(π) without the blocks' part.
    // A free column's reduced cost at prices π (its rows are all shared).
    let free_reduced_cost = |j: usize, pi: &[f64]| -> f64 {
        lp.cost[j]
            - lp.column(j)
                .map(|k| lp.value[k] * pi[position[lp.index[k] as usize]])
                .sum::<f64>()
    };
    let outer_bound = |pi: &[f64]| -> f64 {
        let mut total = 0.0;
        for (k, &i) in shared_rows.iter().enumerate() {
            let side = if pi[k] > 0.0 {
                lp.row_lower[i]
            } else {
                lp.row_upper[i]
            };
            if pi[k] != 0.0 {
                total += pi[k] * side;
            }
        }
        for &j in &free {
            let rc = free_reduced_cost(j, pi);
            let at = if rc > 0.0 {
                lp.col_lower[j]
            } else {
                lp.col_upper[j]
            };
            // HiGHS's dual feasibility tolerance: a smaller reduced cost is zero.
            if rc.abs() > 1e-7 {
                total += rc * at;
            }
        }
        total
    };

    // The master's duals, and the prices the blocks are asked at: the master's, moved
    // towards the best prices so far once the master needs no artificial column (Wentges
    // smoothing), which damps the duals' swings that make column generation tail off.
    let mut pi = vec![0.0; n_shared];
    let mut query = pi.clone();
    let mut smoothing = false;
    let mut best = f64::NEG_INFINITY;
    let mut best_pi = pi.clone();
    let mut best_answers: Vec<(Vec<f64>, Vec<f64>)> = Vec::new();
    let mut mu = vec![f64::INFINITY; blocks.len()];
    let mut value = f64::INFINITY;
    let mut iterations = 0;
    let mut master_values: Vec<f64> = Vec::new();
    loop {
        let answers = price_all(&mut pricing, &query)?;
        let bound = answers.iter().map(|a| a.value).sum::<f64>() + outer_bound(&query);
        if bound.is_finite() && bound > best {
            best = bound;
            best_pi = query.clone();
            best_answers = answers
                .iter()
                .map(|a| (a.col_duals.clone(), a.row_duals.clone()))
                .collect();
        }
        if verbose {
            crate::errln!(
                "master iteration {iterations}: bound {best:.1}, master {value:.1}, {} proposals",
                proposals.len()
            );
        }
        if value.is_finite() && value - best <= tolerance * (value - offset).abs().max(1.0) {
            break;
        }
        // New columns: blocks whose answer prices below their convexity dual.
        let mut added = 0;
        // The new master columns; their rows are the master's.
        let mut new = Lp::default();
        for (b, answer) in answers.into_iter().enumerate() {
            if !smoothing && answer.value - mu[b] >= -1e-7 * answer.value.abs().max(1.0) {
                continue;
            }
            let block = &blocks[b];
            let mut use_of: BTreeMap<usize, f64> = BTreeMap::new();
            let mut cost = 0.0;
            for &(local, x) in &answer.x {
                let j = block.columns[local as usize];
                cost += lp.cost[j] * x;
                for k in lp.column(j) {
                    let i = lp.index[k] as usize;
                    if shared[i] {
                        *use_of.entry(position[i]).or_default() += lp.value[k] * x;
                    }
                }
            }
            let mut entries: Vec<(usize, f64)> = use_of
                .into_iter()
                .filter(|(_, a)| a.abs() > 1e-12)
                .collect();
            if smoothing {
                // Asked at smoothed prices: the proposal enters only if it prices out at
                // the master's own duals.
                let reduced = cost - entries.iter().map(|&(k, a)| pi[k] * a).sum::<f64>();
                if reduced - mu[b] >= -1e-7 * reduced.abs().max(1.0) {
                    continue;
                }
            }
            entries.push((n_shared + b, 1.0));
            push_column(&mut new, cost, 0.0, f64::INFINITY, &entries);
            proposals.push((b, answer.x));
            added += 1;
        }
        if added == 0 && value.is_finite() {
            if smoothing {
                // A mis-price: ask again at the master's duals, which either add a
                // proposal or prove the master optimal.
                smoothing = false;
                query.copy_from_slice(&pi);
                continue;
            }
            break;
        }
        iterations += 1;
        if iterations > MAX_ITERATIONS {
            return Err(format!(
                "the decomposition did not converge in {MAX_ITERATIONS} iterations"
            ));
        }
        if started.elapsed().as_secs_f64() > time_limit {
            return Err(format!(
                "the decomposition did not converge within the time limit of {time_limit} s"
            ));
        }
        let status = Highs_addCols(
            master.0,
            new.columns() as HighsInt,
            new.cost.as_ptr(),
            new.col_lower.as_ptr(),
            new.col_upper.as_ptr(),
            new.index.len() as HighsInt,
            new.start.as_ptr(),
            new.index.as_ptr(),
            new.value.as_ptr(),
        );
        if status == kHighsStatusError {
            return Err("HiGHS refused the master's new columns".into());
        }
        master.run("the decomposition's master LP")?;
        value = master.objective();
        let columns = fixed_columns + proposals.len();
        let [values, _, _, duals] = master.solution(columns, n_shared + blocks.len());
        master_values = values;
        for (k, &i) in shared_rows.iter().enumerate() {
            // A dual on a side the row does not have is noise: Lagrangian prices need the
            // sign its bound gives.
            let d = duals[k];
            let sided = (d > 0.0 && lp.row_lower[i] > -1e30) || (d < 0.0 && lp.row_upper[i] < 1e30);
            pi[k] = if sided && d.abs() >= 1e-9 { d } else { 0.0 };
        }
        mu.copy_from_slice(&duals[n_shared..]);
        let artificial_in_use = master_values
            .get(first_artificial..fixed_columns)
            .unwrap_or(&[])
            .iter()
            .any(|a| *a > 1e-6);
        smoothing = SMOOTHING > 0.0 && !artificial_in_use && best.is_finite();
        for k in 0..n_shared {
            query[k] = if smoothing {
                SMOOTHING * best_pi[k] + (1.0 - SMOOTHING) * pi[k]
            } else {
                pi[k]
            };
        }
    }

    if let Some(a) = master_values
        .get(first_artificial..fixed_columns)
        .unwrap_or(&[])
        .iter()
        .find(|a| **a > 1e-6)
    {
        return Err(format!(
            "the decomposition ended with an artificial column at {a} (a shared row it could not meet)"
        ));
    }
    // The LP's columns: free ones from the master, block ones as the convex combination.
    let mut values = vec![0.0; lp.columns()];
    for (k, &j) in free.iter().enumerate() {
        values[j] = master_values.get(k).copied().unwrap_or(0.0);
    }
    for (p, (b, x)) in proposals.iter().enumerate() {
        let weight = master_values.get(fixed_columns + p).copied().unwrap_or(0.0);
        if weight.abs() < 1e-12 {
            continue;
        }
        for &(local, v) in x {
            values[blocks[*b].columns[local as usize]] += weight * v;
        }
    }
    // The bound holds for the unboxed LP only if no block's optimum at the reported prices
    // leans on a box: a boxed column with a negative reduced cost sits at the box.
    let leans_on_box = best_answers.iter().enumerate().any(|(b, (cols, _))| {
        blocks[b]
            .columns
            .iter()
            .zip(cols)
            .any(|(&j, &d)| lp.col_upper[j] > BOX && d < -1e-7)
    });
    if leans_on_box {
        return Err(format!("a block's LP leans on the box of {BOX} people"));
    }
    let mut row_values = vec![0.0; lp.rows()];
    for (j, x) in values.iter().enumerate() {
        for k in lp.column(j) {
            row_values[lp.index[k] as usize] += lp.value[k] * x;
        }
    }
    let mut row_duals = vec![0.0; lp.rows()];
    let mut col_duals = vec![0.0; lp.columns()];
    for (k, &i) in shared_rows.iter().enumerate() {
        row_duals[i] = best_pi[k];
    }
    for &j in &free {
        col_duals[j] = free_reduced_cost(j, &best_pi);
    }
    for (b, (cols, rows)) in best_answers.iter().enumerate() {
        for (local, &j) in blocks[b].columns.iter().enumerate() {
            col_duals[j] = cols[local];
        }
        for (local, &i) in blocks[b].rows.iter().enumerate() {
            row_duals[i] = rows[local];
        }
    }
    Ok(BlockSolution {
        bound: best,
        value,
        constant: outer_bound(&best_pi),
        values,
        row_values,
        row_duals,
        col_duals,
        blocks: blocks.len(),
        shared_rows: n_shared,
        iterations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A row: coefficients (repeated over the columns), lower and upper bound.
    type Row = (Vec<i8>, f64, f64);
    /// A column: cost and upper bound (lower bound 0).
    type Column = (f64, f64);
    /// A row of the LP built: entries, bounds, and whether it is shared.
    type Built = (Vec<(usize, f64)>, f64, f64, bool);

    /// A block-angular LP: `blocks` blocks of columns with their own rows, `shared` rows
    /// over any columns, and columns in shared rows only.
    fn block_angular(
        blocks: Vec<(Vec<Column>, Vec<Row>)>,
        free: Vec<Column>,
        shared: Vec<Row>,
    ) -> (Lp, Vec<bool>) {
        // Columns: each block's, then the free ones; rows: each block's, then the shared.
        let mut cost = Vec::new();
        let mut upper = Vec::new();
        let mut owner = Vec::new();
        for (b, (columns, _)) in blocks.iter().enumerate() {
            for &(c, u) in columns {
                cost.push(c);
                upper.push(u);
                owner.push(Some(b));
            }
        }
        for &(c, u) in &free {
            cost.push(c);
            upper.push(u);
            owner.push(None);
        }
        let n = cost.len();
        let mut rows: Vec<Built> = Vec::new();
        let mut first = 0;
        for (columns, own_rows) in &blocks {
            for (coefficients, lower, upper) in own_rows {
                let entries = coefficients
                    .iter()
                    .take(columns.len())
                    .enumerate()
                    .filter(|(_, &a)| a != 0)
                    .map(|(k, &a)| (first + k, f64::from(a)))
                    .collect();
                rows.push((entries, *lower, *upper, false));
            }
            first += columns.len();
        }
        for (coefficients, lower, upper) in &shared {
            let entries = (0..n)
                .filter_map(|j| {
                    let a = coefficients[j % coefficients.len()];
                    (a != 0 && (j % 3 != 1 || owner[j].is_none())).then_some((j, f64::from(a)))
                })
                .collect();
            rows.push((entries, *lower, *upper, true));
        }
        let mut lp = Lp {
            cost,
            col_lower: vec![0.0; n],
            col_upper: upper,
            row_lower: rows.iter().map(|r| r.1).collect(),
            row_upper: rows.iter().map(|r| r.2).collect(),
            start: Vec::new(),
            index: Vec::new(),
            value: Vec::new(),
        };
        for j in 0..n {
            lp.start.push(lp.index.len() as HighsInt);
            for (i, row) in rows.iter().enumerate() {
                if let Some(&(_, a)) = row.0.iter().find(|(k, _)| *k == j) {
                    lp.index.push(i as HighsInt);
                    lp.value.push(a);
                }
            }
        }
        (lp, rows.iter().map(|r| r.3).collect())
    }

    fn row() -> impl Strategy<Value = Row> {
        (
            prop::collection::vec(-3i8..=3, 1..6),
            prop::option::of(-8i32..4),
            prop::option::of(0i32..20),
        )
            .prop_map(|(a, lo, up)| {
                let lower = lo.map_or(f64::NEG_INFINITY, f64::from);
                let upper = up.map_or(f64::INFINITY, |u| f64::from(u).max(lower));
                (a, lower, upper)
            })
    }

    fn column() -> impl Strategy<Value = Column> {
        (-5i32..10, prop::option::of(1i32..10))
            .prop_map(|(c, u)| (f64::from(c), u.map_or(f64::INFINITY, f64::from)))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// On random block-angular LPs with an optimum, the decomposition's bound and value
        /// are the optimum, its values satisfy every row and bound, and cost what it says.
        #[test]
        fn decomposition_finds_the_lp_optimum(
            blocks in prop::collection::vec(
                (prop::collection::vec(column(), 1..5), prop::collection::vec(row(), 1..4)),
                1..5,
            ),
            free in prop::collection::vec((0i32..10, prop::option::of(1i32..10)).prop_map(|(c, u)| (f64::from(c), u.map_or(f64::INFINITY, f64::from))), 0..3),
            shared in prop::collection::vec(row(), 0..4),
        ) {
            let (lp, shared_rows) = block_angular(blocks, free, shared);
            let mut whole = Instance::new(&lp).unwrap();
            prop_assume!(whole.run("whole").is_ok());
            let optimum = whole.objective();
            prop_assume!(optimum.abs() < 1e4);
            let by_blocks = unsafe { solve(whole.0, &shared_rows, 2, 1e-9, 0.0, 60.0, false) };
            // Every block's own rows are feasible (the whole LP is) and boxed, so the
            // decomposition must succeed.
            let dw = by_blocks.map_err(TestCaseError::fail)?;
            let scale = optimum.abs().max(1.0);
            prop_assert!(dw.bound <= optimum + 1e-6 * scale, "bound {} above optimum {optimum}", dw.bound);
            prop_assert!((dw.bound - optimum).abs() <= 1e-6 * scale, "bound {} vs {optimum}", dw.bound);
            prop_assert!((dw.value - optimum).abs() <= 1e-6 * scale, "value {} vs {optimum}", dw.value);
            let cost: f64 = dw.values.iter().zip(&lp.cost).map(|(x, c)| x * c).sum();
            prop_assert!((cost - optimum).abs() <= 1e-6 * scale, "cost {cost} vs {optimum}");
            for j in 0..lp.columns() {
                prop_assert!(dw.values[j] >= lp.col_lower[j] - 1e-7 && dw.values[j] <= lp.col_upper[j] + 1e-7);
            }
            for i in 0..lp.rows() {
                let v = dw.row_values[i];
                prop_assert!(v >= lp.row_lower[i] - 1e-6 && v <= lp.row_upper[i] + 1e-6, "row {i}: {v} outside [{}, {}]", lp.row_lower[i], lp.row_upper[i]);
            }
        }
    }
}
