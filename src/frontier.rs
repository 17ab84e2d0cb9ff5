//! `bienche frontier SCENARIO --out DIR`: the least cost of meeting more legal targets.
//!
//! # Formulation
//! A point is the scenario planned with `policy.target_penalty = v`: one person short of a
//! legal target (R1–R8 in a target year) costs the objective `v` million VND instead of the
//! shortfall penalty, and a milestone never more than its target. Every other price stays
//! the scenario's: the staffing floor, the intent rules (EM number, nominated graduates
//! placed), capacities and budgets. So a point's plan minimises
//!
//! `money + v · (people short of legal targets) + the scenario's other penalties`,
//!
//! where a milestone person (the yearly roadmap between target years) is priced at
//! `min(intent.penalty, v)`, I1's target-year row at `intent.penalty + 3v` and a confidence
//! margin at most `v/3`. A person kept short from 2031 to 2035 is thus worth up to `5v`: at
//! a value below a salary-year the plan also gives up milestone years and acts later, and
//! `frontier.csv` says so (`milestones_missed`). Within its proven gap the point's plan is
//! the least-cost plan for what it leaves short, weighed as above: the points are supported
//! points of that frontier (its lower convex hull). A planner reads off what each extra
//! billion buys, and at which value per person a target is given up.
//!
//! # Which values
//! A ladder of multiples of a staff salary-year (`costs.salary_staff`): [`LADDER`], and
//! the scenario's own price (every target it can meet). Then, while fewer than `--points`
//! distinct plans were found, the neighbouring values whose plans differ most in targets
//! met are split at their geometric mean, [`SPLITS_PER_ROUND`] pairs a round (every value
//! to two significant digits), for at most [`MOST_SOLVES`] solves in all. Two plans are the
//! same point when they meet the same number of targets with the same people short, in
//! target years and milestones. Every point is solved on one solver thread and every choice
//! depends only on the plans, so the same inputs give the same points whatever `--threads`
//! (which only sets how many are solved at once).
//!
//! # Output
//! `DIR/scenarios/pNN/scenario.toml` (the point as a variant of the scenario, so any point
//! can be planned again alone), `DIR/pNN/` (its plan folder), `frontier.csv` (one row per
//! point, by rising value) and `plots/LANG/frontier.png|svg`.

use crate::charts::stats::Stats;
use crate::compare::{self, Run, Solved};
use crate::error::{Error, Result};
use crate::output::contract::{FrontierRow, Money};
use std::path::{Path, PathBuf};

/// Multiples of a staff salary-year tried first.
pub const LADDER: &[f64] = &[0.05, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 8.0];

/// Solves at most, whatever `--points` asks: each is a whole plan.
pub const MOST_SOLVES: usize = 40;

/// Values split in a round after the first, whatever the threads.
pub const SPLITS_PER_ROUND: usize = 2;

/// A point's value is not split below this ratio to its neighbour.
const FINEST_RATIO: f64 = 1.05;

/// One solved point.
pub struct Point {
    /// Million VND a person short of a legal target.
    pub value: f64,
    pub run: Run,
    /// What the frontier compares of its plan, measured once; `None` if it failed.
    pub measure: Option<Measure>,
}

impl Point {
    pub fn new(value: f64, run: Run) -> Point {
        let measure = run.outcome.as_ref().ok().map(|s| Measure::of(&s.stats));
        Point {
            value,
            run,
            measure,
        }
    }
}

/// What the frontier compares of a plan, over the target years.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measure {
    pub met: usize,
    pub missed: usize,
    pub people_short: f64,
    /// Every cost of the plan, million VND.
    pub cost: f64,
    /// Over the no-plan forecast (`cost_vs_no_plan.csv`), million VND.
    pub extra: f64,
    /// Spending on levers (all but salaries) in the dearest year, million VND: the yearly
    /// budget cap under which this plan stays.
    pub peak_lever_spending: f64,
    /// The yearly milestones between target years: met, missed, people short.
    pub milestones: (usize, usize, f64),
}

impl Measure {
    pub fn of(s: &Stats) -> Measure {
        let years: Vec<i32> = s.targets.iter().map(|t| t.0).collect();
        let (mut met, mut missed, mut people_short) = (0, 0, 0.0);
        for y in &years {
            let (m, x) = s.tally(*y);
            met += m;
            missed += x;
            people_short += s.shortfall.get(y).copied().unwrap_or(0.0);
        }
        let peak_lever_spending = s
            .costs
            .values()
            .map(|by| {
                by.iter()
                    .filter(|(lever, _)| lever.as_str() != "salary")
                    .map(|(_, c)| c)
                    .sum::<f64>()
            })
            .fold(0.0, f64::max);
        Measure {
            met,
            missed,
            people_short,
            cost: s.total_cost(),
            extra: s.extra_by_lever.values().sum(),
            peak_lever_spending,
            milestones: s.milestones,
        }
    }

    /// Two plans are one point when they meet the same targets with the same people short:
    /// the least cost of a shortfall is one number, so their costs differ by no more than
    /// the solver's tolerance.
    fn same_point(&self, other: &Measure) -> bool {
        self.met == other.met
            && (self.people_short - other.people_short).abs() < 0.5
            && (self.milestones.2 - other.milestones.2).abs() < 0.5
    }
}

fn solved(p: &Point) -> Option<&Solved> {
    p.run.outcome.as_ref().ok()
}

/// The values first tried: the ladder in salary-years, and the scenario's own price.
pub fn first_values(salary_year: f64, own: f64) -> Vec<f64> {
    let mut values: Vec<f64> = LADDER
        .iter()
        .map(|k| nice(k * salary_year))
        .filter(|&v| v > 0.0 && v < own)
        .collect();
    values.push(own);
    values.dedup();
    values
}

/// `v` to two significant digits: values a planner can read and type again (below 10,
/// the digits divided by a power of ten, so that 0.35 is written 0.35).
pub fn nice(v: f64) -> f64 {
    if !(v.is_finite() && v > 0.0) {
        return 0.0;
    }
    let e = v.log10().floor() as i32 - 1;
    if e >= 0 {
        (v / 10f64.powi(e)).round() * 10f64.powi(e)
    } else {
        (v * 10f64.powi(-e)).round() / 10f64.powi(-e)
    }
}

/// The number of distinct plans among the points.
pub fn distinct(points: &[Point]) -> usize {
    let mut seen: Vec<Measure> = Vec::new();
    for m in points.iter().filter_map(|p| p.measure) {
        if !seen.iter().any(|x| x.same_point(&m)) {
            seen.push(m);
        }
    }
    seen.len()
}

/// The next values to solve: between neighbours (by value) whose plans differ most in
/// targets met, at most `at_most`, never closer than [`FINEST_RATIO`] nor already solved.
pub fn splits(points: &[Point], at_most: usize) -> Vec<f64> {
    let mut by_value: Vec<(f64, Measure)> = points
        .iter()
        .filter_map(|p| Some((p.value, p.measure?)))
        .collect();
    by_value.sort_by(|a, b| a.0.total_cmp(&b.0));
    let tried: Vec<f64> = points.iter().map(|p| p.value).collect();
    let mut candidates: Vec<(usize, f64)> = by_value
        .windows(2)
        .filter(|w| !w[0].1.same_point(&w[1].1) && w[1].0 / w[0].0 > FINEST_RATIO)
        .map(|w| {
            let step = w[1].1.met.abs_diff(w[0].1.met);
            (step, nice((w[0].0 * w[1].0).sqrt()))
        })
        .filter(|(_, v)| !tried.contains(v) && *v > 0.0)
        .collect();
    // Most targets between them first; the cheaper end first among equals.
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.total_cmp(&b.1)));
    candidates.into_iter().take(at_most).map(|c| c.1).collect()
}

/// Solves at most this many points: the first values, then twice the distinct plans
/// wanted, and never more than [`MOST_SOLVES`].
pub fn most_solves(first: usize, wanted: usize) -> usize {
    MOST_SOLVES.min(first + 2 * wanted)
}

/// What [`trace`] needs: the scenario (`base`, absolute, and its `name`), the folder being
/// written (`dir`, to become `out`), the first values, and how many distinct plans.
pub struct Trace<'a> {
    pub base: &'a Path,
    pub name: &'a str,
    pub dir: &'a Path,
    pub out: &'a Path,
    pub first: Vec<f64>,
    pub wanted: usize,
    /// Points solved at once, each on one solver thread.
    pub threads: usize,
    pub progress: &'a indicatif::ProgressBar,
}

/// Plans the first values, then [`SPLITS_PER_ROUND`] splits a round, until `wanted`
/// distinct plans or [`most_solves`]: each point a variant in `dir/scenarios/` and a plan
/// folder in `dir`.
pub fn trace(t: &Trace) -> Result<Vec<Point>> {
    let most = most_solves(t.first.len(), t.wanted);
    let mut points: Vec<Point> = Vec::new();
    let mut values = t.first.clone();
    while !values.is_empty() {
        let scenarios = values
            .iter()
            .enumerate()
            .map(|(k, &v)| write_point(t.dir, t.base, t.name, points.len() + k, v))
            .collect::<Result<Vec<_>>>()?;
        let at_once = (t.threads.min(scenarios.len()).max(1), 1);
        let runs = compare::solve_all_at(&scenarios, t.dir, t.out, at_once, t.progress)?;
        points.extend(values.iter().zip(runs).map(|(&v, run)| Point::new(v, run)));
        if distinct(&points) >= t.wanted || points.len() >= most {
            break;
        }
        values = splits(&points, SPLITS_PER_ROUND.min(most - points.len()));
    }
    Ok(points)
}

/// Writes point `index` (value `value`) as a variant of `base` under `dir/scenarios/`.
pub fn write_point(
    dir: &Path,
    base: &Path,
    base_name: &str,
    index: usize,
    value: f64,
) -> Result<PathBuf> {
    let d = dir.join("scenarios").join(point_name(index));
    let title = format!("{base_name} · policy.target_penalty={value}");
    compare::write_point(
        &d,
        base,
        &title,
        &[("policy.target_penalty".into(), format!("{value:?}"))],
    )?;
    Ok(d)
}

pub fn point_name(index: usize) -> String {
    format!("p{:02}", index + 1)
}

/// `frontier.csv`'s rows, by rising value; `on_frontier` marks the points no other point
/// beats on both cost and targets met, and the step columns compare each with the frontier
/// point before it.
pub fn rows(points: &[Point]) -> Vec<FrontierRow> {
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by(|&a, &b| points[a].value.total_cmp(&points[b].value));
    let measured: Vec<Option<Measure>> = points.iter().map(|p| p.measure).collect();
    let front = on_frontier(points);
    // Each frontier point against the one before it along the frontier, by rising cost.
    let mut steps: std::collections::BTreeMap<usize, (Measure, f64)> = Default::default();
    let mut along = front.clone();
    along.sort_by(|&a, &b| {
        let cost = |i: usize| measured[i].map_or(0.0, |m| m.cost);
        cost(a).total_cmp(&cost(b))
    });
    for w in along.windows(2) {
        if let (Some(m), Some(s)) = (measured[w[0]], solved(&points[w[0]])) {
            steps.insert(w[1], (m, s.stats.gap_million_vnd));
        }
    }
    let mut out = Vec::new();
    for i in order {
        let p = &points[i];
        let on_frontier = front.contains(&i);
        let mut row = FrontierRow {
            point: p.run.name.clone(),
            target_penalty: p.value,
            status: "failed".into(),
            gap: None,
            gap_million_vnd: None,
            targets_met: None,
            targets_missed: None,
            people_short: None,
            milestones_met: None,
            milestones_missed: None,
            milestone_people_short: None,
            total_cost: None,
            extra_cost_vs_no_plan: None,
            peak_year_lever_spending: None,
            on_frontier: if on_frontier { "yes" } else { "no" }.into(),
            more_targets_met: None,
            more_cost: None,
            cost_per_more_target: None,
            within_tolerance: None,
            error: String::new(),
        };
        match (&p.run.outcome, measured[i]) {
            (Ok(s), Some(m)) => {
                row.status = s.status.clone();
                row.gap = Some(s.gap);
                row.gap_million_vnd = Some(Money::new(s.stats.gap_million_vnd));
                row.targets_met = Some(m.met);
                row.targets_missed = Some(m.missed);
                row.people_short = Some(m.people_short.round() as u64);
                row.total_cost = Some(Money::new(m.cost));
                row.extra_cost_vs_no_plan = Some(Money::new(m.extra));
                row.peak_year_lever_spending = Some(Money::new(m.peak_lever_spending));
                row.milestones_met = Some(m.milestones.0);
                row.milestones_missed = Some(m.milestones.1);
                row.milestone_people_short = Some(m.milestones.2.round() as u64);
                if let Some(&(b, b_gap)) = steps.get(&i) {
                    let more = m.met as i64 - b.met as i64;
                    let more_cost = m.cost - b.cost;
                    row.more_targets_met = Some(more);
                    row.more_cost = Some(Money::new(more_cost));
                    if more > 0 {
                        row.cost_per_more_target = Some(Money::new(more_cost / more as f64));
                    }
                    let within = more_cost.abs() <= b_gap + s.stats.gap_million_vnd + 1e-6;
                    row.within_tolerance = Some(if within { "yes" } else { "no" }.into());
                }
            }
            (Err(e), _) => row.error = e.to_string(),
            _ => {}
        }
        out.push(row);
    }
    out
}

/// The indices of the points no other point beats on both cost and targets met
/// ([`crate::charts::stats::frontier`]).
fn on_frontier(points: &[Point]) -> Vec<usize> {
    let xy: Vec<(usize, (f64, f64))> = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.measure.map(|m| (i, (m.cost, m.met as f64))))
        .collect();
    crate::charts::stats::frontier(&xy.iter().map(|x| x.1).collect::<Vec<_>>())
        .into_iter()
        .map(|k| xy[k].0)
        .collect()
}

/// The frontier's points for the chart, by rising cost: (name, value, measure, on frontier).
pub fn chart_points(points: &[Point]) -> Vec<(String, f64, Measure, bool)> {
    let front = on_frontier(points);
    let mut out: Vec<(String, f64, Measure, bool)> = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| Some((p.run.name.clone(), p.value, p.measure?, front.contains(&i))))
        .collect();
    out.sort_by(|a, b| a.2.cost.total_cmp(&b.2.cost).then(a.1.total_cmp(&b.1)));
    out
}

/// Checks `--points`.
pub fn check_points(points: usize) -> Result<()> {
    if (2..=MOST_SOLVES).contains(&points) {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "--points: expected from 2 to {MOST_SOLVES} distinct plans, found {points}"
        )))
    }
}

/// What `frontier` prints: one line per point by rising value, frontier points marked.
pub fn report(rows: &[FrontierRow]) -> String {
    let mut text = String::new();
    for r in rows {
        let mark = if r.on_frontier == "yes" { "*" } else { " " };
        match (
            r.targets_met,
            r.extra_cost_vs_no_plan,
            r.gap,
            r.gap_million_vnd,
        ) {
            (Some(met), Some(extra), Some(gap), Some(gap_vnd)) => {
                let step = match (r.more_targets_met, r.cost_per_more_target) {
                    (Some(n), Some(c)) if n > 0 => {
                        format!("; +{n} targets, {} bn VND each", billions(c.value()))
                    }
                    _ => String::new(),
                };
                let step = match r.within_tolerance.as_deref() {
                    Some("yes") => format!("{step} (within the two plans' proven gaps)"),
                    _ => step,
                };
                text.push_str(&format!(
                    "{mark} {} at {} million VND a person short: {met} targets met, {} missed ({} people short), {} milestones missed; {} bn VND over no plan; gap {:.3}% ({} bn){step}\n",
                    r.point,
                    r.target_penalty,
                    r.targets_missed.unwrap_or(0),
                    r.people_short.unwrap_or(0),
                    r.milestones_missed.unwrap_or(0),
                    billions(extra.value()),
                    gap * 100.0,
                    billions(gap_vnd.value()),
                ));
            }
            _ => text.push_str(&format!(
                "  {} at {}: FAILED: {}\n",
                r.point, r.target_penalty, r.error
            )),
        }
    }
    text.push_str("  (* on the frontier: no other point meets as many targets for less)\n");
    text
}

/// Million VND as billions with one decimal, never "-0.0".
fn billions(x: f64) -> String {
    let s = format!("{:.1}", x / 1000.0);
    if s == "-0.0" {
        "0.0".into()
    } else {
        s
    }
}
