//! Criterion benchmarks of every stage, on generated national folders of 100, 1,000 and
//! 5,000 units (`bienche generate --seed 1`) and on the bundled Sơn La sample.
//!
//! Stages: scenario load, model build (the whole-province model of each province), solve
//! (the decomposed whole-person plan of each province), output writing, chart drawing, end
//! to end (`plan`, as the command runs it), the Sơn La sample's LP by blocks, Monte Carlo
//! draws of the Sơn La plan, a binding budget's rounds (a generated 5-unit province with a
//! yearly cap), and the decomposition's repair steps (a generated 12-unit province with I2
//! on, at a tolerance its first solves do not prove).
//!
//! Sizes: `BIENCHE_BENCH_UNITS` (default `100,1000,5000`) for load, build, write and
//! plot; `BIENCHE_BENCH_SOLVE_UNITS` (default `100`) for solve and end to end, which take
//! minutes at 1,000 and 5,000 units (criterion needs 10 samples; BENCHMARKS.md gives the
//! commands that time the large instances as the median of several runs instead).
//! Writing and drawing at a size without a solve use each province's no-plan forecast,
//! which fills the same tables.
//!
//! Every solve here is checked: its flows must replay into its stocks.

use bienche::domain::Spec;
use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion, SamplingMode,
};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

fn sizes(var: &str, default: &str) -> Vec<usize> {
    std::env::var(var)
        .unwrap_or_else(|_| default.into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

/// Provinces for a size: about 147 units each, as in the national instance.
fn provinces_for(units: usize) -> usize {
    (units as f64 / 147.06).round().max(1.0) as usize
}

/// A generated national folder of `units` units (seed 1), kept for the whole run.
fn national(root: &Path, units: usize) -> PathBuf {
    let dir = root.join(format!("n{units}"));
    if !dir.exists() {
        let request = bienche::generate::Request {
            units,
            provinces: provinces_for(units),
            seed: 1,
        };
        let generated = bienche::generate::generate(&request).expect("generate");
        bienche::generate::write(&dir, &generated, false).expect("write generated");
    }
    dir
}

fn load(dir: &Path) -> Vec<Spec> {
    bienche::national::load(dir)
        .expect("load")
        .provinces
        .into_iter()
        .map(|(_, s)| s)
        .collect()
}

fn solve_checked(spec: &Spec) -> bienche::decompose::Outcome {
    solve_checked_reporting(spec, &|_| {})
}

/// [`solve_checked`], its progress lines handed to `progress`.
fn solve_checked_reporting(
    spec: &Spec,
    progress: bienche::decompose::Progress,
) -> bienche::decompose::Outcome {
    let outcome = bienche::decompose::find_plan(spec, false, progress, false).expect("solve");
    assert!(
        outcome.plan.replay_mismatch(spec).is_none(),
        "plan does not replay"
    );
    outcome
}

/// The bundled Sơn La sample.
fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/son-la")
}

/// Ten samples of whole iterations: the slow stages take seconds an iteration.
fn group<'a>(c: &'a mut Criterion, name: &str, seconds: u64) -> BenchmarkGroup<'a, WallTime> {
    let mut g = c.benchmark_group(name);
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(Duration::from_secs(seconds));
    g
}

fn bench_stages(c: &mut Criterion) {
    let root = tempfile::tempdir().expect("tempdir");
    let out = root.path().join("out");
    for units in sizes("BIENCHE_BENCH_UNITS", "100,1000,5000") {
        let dir = national(root.path(), units);
        let specs = load(&dir);
        let mut g = group(c, "stages", 10);
        g.bench_with_input(BenchmarkId::new("load", units), &dir, |b, dir| {
            b.iter(|| load(dir))
        });
        g.bench_with_input(BenchmarkId::new("build", units), &specs, |b, specs| {
            b.iter(|| {
                specs
                    .iter()
                    .map(|s| {
                        bienche::recipe::build(s, bienche::model::Scope::all(s))
                            .vars
                            .len()
                    })
                    .sum::<usize>()
            })
        });
        // The no-plan forecast fills the same tables a plan does.
        let reports: Vec<_> = specs
            .iter()
            .map(|s| {
                let f = bienche::forecast::forecast(s);
                let targets = bienche::evaluate::evaluate(s, &f.plan);
                (f.plan, targets)
            })
            .collect();
        let stats = bienche::solve::SolveStats::default();
        let write = || {
            for (i, (s, (plan, targets))) in specs.iter().zip(&reports).enumerate() {
                let results = bienche::output::tables::Results {
                    spec: s,
                    plan,
                    stats: &stats,
                    targets,
                    shortfalls: &[],
                    forecast: Some((plan, targets)),
                    price_of_intent: None,
                    prices: None,
                };
                let tables = bienche::output::tables::plan_tables(&results);
                bienche::run::write(&out.join(format!("p{i}")), &tables, None).expect("write");
            }
        };
        g.bench_function(BenchmarkId::new("write", units), |b| b.iter(write));
        write();
        g.bench_function(BenchmarkId::new("plot", units), |b| {
            b.iter(|| {
                for i in 0..specs.len() {
                    bienche::charts::draw_all(&out.join(format!("p{i}")), "en", false)
                        .expect("plot");
                }
            })
        });
        g.finish();
    }
    for units in sizes("BIENCHE_BENCH_SOLVE_UNITS", "100") {
        let dir = national(root.path(), units);
        let specs = load(&dir);
        let mut g = group(c, "solve", 60);
        g.bench_with_input(BenchmarkId::new("solve", units), &specs, |b, specs| {
            b.iter(|| specs.iter().map(solve_checked).count())
        });
        g.bench_with_input(BenchmarkId::new("end_to_end", units), &dir, |b, dir| {
            b.iter(|| {
                let mut n = bienche::national::load(dir).expect("load");
                bienche::national::run(&mut n, &out.join("national"), 2, true).expect("plan")
            })
        });
        g.finish();
    }
}

fn bench_son_la(c: &mut Criterion) {
    let sample = sample();
    let root = tempfile::tempdir().expect("tempdir");
    let out = root.path().join("son-la");
    let mut g = group(c, "son_la", 60);
    g.bench_function("end_to_end", |b| {
        b.iter(|| {
            let spec = bienche::scenario::load(&sample).expect("load");
            let labels = bienche::charts::labels::Labels::new("vi").expect("labels");
            bienche::run::plan_into(&spec, &out, Default::default(), Some(&labels)).expect("plan")
        })
    });
    let spec = bienche::scenario::load(&sample).expect("load");
    let planned = bienche::run::plan_into(&spec, &out, Default::default(), None).expect("plan");
    assert!(planned.stats.gap <= spec.config.solver.mip_rel_gap + 1e-12);
    g.bench_function("monte_carlo_1000_draws", |b| {
        let hidden = indicatif::ProgressBar::hidden();
        b.iter(|| {
            bienche::simulate::simulate(&spec, &planned.tables, &out, 1000, 1, 2, &hidden)
                .expect("draws")
        })
    });
    g.finish();
}

/// The Sơn La sample's whole-province LP by Dantzig–Wolfe decomposition over its blocks
/// (docs/model.md "How it is solved", step 2), model built each time (about 0.3 s of it): the
/// bound and the prices every later step starts from, and about a quarter of `plan`'s time.
fn bench_lp(c: &mut Criterion) {
    let spec = bienche::scenario::load(&sample()).expect("load");
    let schedule = bienche::rules::roadmap::schedule(&spec);
    let lp = || {
        let scope = bienche::model::Scope::all(&spec);
        let mut model = bienche::recipe::build_on(&spec, scope, &schedule);
        let mode = bienche::solve::Mode::RelaxationFromBlocks;
        bienche::solve::solve(&mut model, &spec.config.solver, mode, false).expect("the LP")
    };
    let first = lp();
    assert!(
        first.stats.objective.is_finite() && first.stats.objective > 0.0,
        "LP objective {}",
        first.stats.objective
    );
    let mut g = group(c, "son_la_lp", 60);
    g.bench_function("lp_by_blocks", |b| b.iter(lp));
    g.finish();
}

/// A generated province of `units` units (seed 1), loaded from a folder that is gone after.
fn province(units: usize) -> Spec {
    let root = tempfile::tempdir().expect("tempdir");
    let dir = root.path().join(format!("g{units}"));
    let request = bienche::generate::Request {
        units,
        provinces: 1,
        seed: 1,
    };
    let generated = bienche::generate::generate(&request).expect("generate");
    bienche::generate::write(&dir, &generated, false).expect("write generated");
    load(&dir).remove(0)
}

/// A binding budget's price rounds, the master's pick and the retries after it
/// (docs/model.md "A binding budget"): a generated 5-unit province (seed 1) whose lever
/// spending is capped at 1,000 million VND a year (tests/budget.rs plans the same one).
fn bench_budget(c: &mut Criterion) {
    let mut spec = province(5);
    spec.config.budget.cap_per_year = Some(1000.0);
    let kept = |o: &bienche::decompose::Outcome| {
        let over = o
            .plan
            .staffing_issues
            .iter()
            .any(|i| i.issue == bienche::plan::Issue::BudgetOverrun);
        assert!(!over, "the plan spends above the cap");
    };
    kept(&solve_checked(&spec));
    let mut g = group(c, "budget", 60);
    g.bench_function("capped_5_units", |b| b.iter(|| kept(&solve_checked(&spec))));
    g.finish();
}

/// The decomposition's repair steps (docs/model.md "How it is solved", steps 3–6): the whole
/// solve of a generated 12-unit province (seed 1) with I2 on at a 0.05% tolerance, which its
/// first solves do not prove, so that it goes through the retries, every group's priced MIP,
/// the slot exchange, the exchange asked again of the groups furthest from their least priced
/// cost, and the pricing rounds from the split's plans. (At 0.1% the first solves and retries
/// prove it: the exchange and the rounds do not run.) Each iteration must reach the exchange
/// by priced cost and the pricing rounds, or it does not measure them.
fn bench_repair(c: &mut Criterion) {
    let mut spec = province(12);
    spec.config.intent.hiring_composition = true;
    spec.config.solver.mip_rel_gap = 0.0005;
    let through_the_rounds = |spec: &Spec| {
        let (by_price, rounds) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let counted = |line: String| {
            if line.starts_with("round ") {
                rounds.fetch_add(1, Ordering::Relaxed);
            }
            if line.contains("furthest from their least priced cost") {
                by_price.fetch_add(1, Ordering::Relaxed);
            }
        };
        let outcome = solve_checked_reporting(spec, &counted);
        assert!(
            by_price.into_inner() > 0 && rounds.into_inner() > 0,
            "the exchange by priced cost or the pricing rounds did not run: the bench would not measure the repair steps"
        );
        outcome
    };
    through_the_rounds(&spec);
    let mut g = group(c, "repair", 120);
    g.bench_function("i2_12_units_gap_0.05pct", |b| {
        b.iter(|| through_the_rounds(&spec))
    });
    g.finish();
}

criterion_group!(
    benches,
    bench_stages,
    bench_son_la,
    bench_lp,
    bench_budget,
    bench_repair
);
criterion_main!(benches);
