//! Fuzzing the loader: random bytes and random mutations of the sample's CSVs and TOML
//! (and of its roster) are fed to the scenario loader; small fixtures that still load are
//! also planned. Whatever the input: no panic, and either success or an input error (exit 2).
//!
//! The run is bounded by time, not by cases: `BIENCHE_FUZZ_SECONDS` (default 20, as CI
//! runs it) per target; the seed is fixed (`BIENCHE_FUZZ_SEED`, default 0), so a run is
//! repeatable (in the cases it reaches: since the tests are one binary, the fuzzing shares
//! the processors with other slow tests and tries fewer cases in its 20 s). A failure is
//! shrunk by
//! proptest to a small mutation and printed with the file it hit.
//!
//! `BIENCHE_FUZZ_SECONDS=600 cargo test --release --test all fuzz_loader:: -- --nocapture`

use bienche::scenario::{self, LoadOptions};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestError, TestRng, TestRunner};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Values that break parsers: empty, signs, huge, non-finite, separators, quotes, BOMs.
const AWKWARD: &[&str] = &[
    "",
    " ",
    "-1",
    "0",
    "2.5",
    "1e309",
    "NaN",
    "inf",
    "-inf",
    "99999999999999999999",
    "4294967296",
    "1000000",
    "abc",
    "\"",
    "\"\"",
    ",",
    ";",
    "\t",
    "\u{feff}",
    "\r",
    "\n",
    "Kinh",
    "Thai",
    "X01",
    "C1",
    "PROVINCE",
    "all",
    "kind:commune",
    "kind:nowhere",
    "2026",
    "2025",
    "1800",
    "2300",
    "2026-2020",
    "2026-",
    "-2030",
    "yes",
    "no",
    "F",
    "M",
    "leader",
    "100",
    "101",
    "31/02/1970",
    "1970-13-01",
    "0/0/0",
    "Nữ",
    "Lãnh đạo",
    "true",
    "[]",
    "{}",
    "[[x]]",
    "= 1",
    "\u{0}",
    "é",
];

#[derive(Debug, Clone)]
enum Mutation {
    /// Replace the whole file by these bytes.
    Bytes(Vec<u8>),
    /// Insert bytes at a fraction of the length.
    Insert(f64, Vec<u8>),
    /// Remove a run of bytes starting at a fraction of the length.
    Cut(f64, usize),
    /// Set one cell (CSV) or one value after `=` (TOML) to an awkward value.
    Cell(usize, usize, usize),
    /// Remove a line.
    DropLine(usize),
    /// Repeat a line.
    CopyLine(usize),
    /// Swap two lines.
    Swap(usize, usize),
    /// Cut the file at a fraction of its length.
    Truncate(f64),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => proptest::collection::vec(any::<u8>(), 0..400).prop_map(Mutation::Bytes),
        2 => (0.0..1.0f64, proptest::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(at, b)| Mutation::Insert(at, b)),
        2 => (0.0..1.0f64, 1usize..40).prop_map(|(at, n)| Mutation::Cut(at, n)),
        8 => (0usize..10_000, 0usize..16, 0..AWKWARD.len())
            .prop_map(|(l, c, v)| Mutation::Cell(l, c, v)),
        2 => (0usize..10_000).prop_map(Mutation::DropLine),
        2 => (0usize..10_000).prop_map(Mutation::CopyLine),
        1 => (0usize..10_000, 0usize..10_000).prop_map(|(a, b)| Mutation::Swap(a, b)),
        1 => (0.0..1.0f64).prop_map(Mutation::Truncate),
    ]
}

fn at(len: usize, fraction: f64) -> usize {
    ((len as f64 * fraction) as usize).min(len)
}

fn apply(text: &[u8], m: &Mutation, toml: bool) -> Vec<u8> {
    match m {
        Mutation::Bytes(b) => b.clone(),
        Mutation::Insert(f, b) => {
            let i = at(text.len(), *f);
            [&text[..i], b, &text[i..]].concat()
        }
        Mutation::Cut(f, n) => {
            let i = at(text.len(), *f);
            let j = (i + n).min(text.len());
            [&text[..i], &text[j..]].concat()
        }
        Mutation::Truncate(f) => text[..at(text.len(), *f)].to_vec(),
        Mutation::Cell(..) | Mutation::DropLine(_) | Mutation::CopyLine(_) | Mutation::Swap(..) => {
            let s = String::from_utf8_lossy(text);
            let mut lines: Vec<String> = s.split('\n').map(str::to_string).collect();
            let n = lines.len().max(1);
            match m {
                Mutation::Cell(l, c, v) => {
                    let line = &mut lines[l % n];
                    *line = set_cell(line, *c, AWKWARD[*v], toml);
                }
                Mutation::DropLine(l) => {
                    if !lines.is_empty() {
                        lines.remove(l % n);
                    }
                }
                Mutation::CopyLine(l) => {
                    let copy = lines[l % n].clone();
                    lines.insert(l % n, copy);
                }
                Mutation::Swap(a, b) => lines.swap(a % n, b % n),
                _ => unreachable!(),
            }
            lines.join("\n").into_bytes()
        }
    }
}

fn set_cell(line: &str, column: usize, value: &str, toml: bool) -> String {
    if toml {
        match line.split_once('=') {
            Some((key, _)) => format!("{key}= {value}"),
            None => format!("{line}{value}"),
        }
    } else {
        let mut cells: Vec<&str> = line.split(',').collect();
        let i = column % cells.len().max(1);
        if cells.is_empty() {
            return value.to_string();
        }
        cells[i] = value;
        cells.join(",")
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// One fuzz target: a scenario copy, the files it mutates, and what it runs on the result.
struct Target {
    name: &'static str,
    dir: PathBuf,
    files: Vec<String>,
    roster: bool,
    plan: bool,
}

fn budget() -> Duration {
    let seconds = std::env::var("BIENCHE_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(20);
    Duration::from_secs(seconds)
}

/// `BIENCHE_FUZZ_SEED` (default 0) picks another repeatable sequence of inputs.
fn seed() -> [u8; 32] {
    let n = std::env::var("BIENCHE_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(0);
    let mut bytes = [7u8; 32];
    bytes[..8].copy_from_slice(&n.to_le_bytes());
    bytes
}

/// Loads (and for small fixtures plans) the mutated copy; `Err` names what went wrong.
fn exercise(target: &Target) -> Result<&'static str, String> {
    let options = LoadOptions {
        roster: target.roster.then(|| target.dir.join("roster.csv")),
        skip_bad_rows: false,
    };
    let loaded = std::panic::catch_unwind(AssertUnwindSafe(|| {
        scenario::load_with(&target.dir, &options)
    }))
    .map_err(|_| "the loader panicked".to_string())?;
    let spec = match loaded {
        Ok(spec) => spec,
        Err(e) if e.exit_code() == 2 => return Ok("refused"),
        Err(e) => return Err(format!("exit {} instead of 2: {e}", e.exit_code())),
    };
    if target.plan {
        let planned = std::panic::catch_unwind(AssertUnwindSafe(|| {
            bienche::run::plan(&spec, bienche::run::Options::default())
        }))
        .map_err(|_| "planning an accepted scenario panicked".to_string())?;
        if let Err(e) = planned {
            return Err(format!("planning an accepted scenario failed: {e}"));
        }
    } else {
        std::panic::catch_unwind(AssertUnwindSafe(|| bienche::forecast::forecast(&spec)))
            .map_err(|_| "the forecast of an accepted scenario panicked".to_string())?;
    }
    Ok("accepted")
}

fn fuzz(target: &Target) {
    let originals: Vec<Vec<u8>> = target
        .files
        .iter()
        .map(|f| std::fs::read(target.dir.join(f)).unwrap())
        .collect();
    let strategy = (
        0..target.files.len(),
        proptest::collection::vec(mutation(), 1..4),
    );
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases: 1,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed()),
    );
    let started = Instant::now();
    let (cases, refused) = (std::cell::Cell::new(0u64), std::cell::Cell::new(0u64));
    while started.elapsed() < budget() {
        let tree = strategy.new_tree(&mut runner).expect("a mutation");
        let result = runner.run_one(tree, |(file, mutations)| {
            let name = &target.files[file];
            let mut bytes = originals[file].clone();
            for m in &mutations {
                bytes = apply(&bytes, m, name.ends_with(".toml"));
            }
            std::fs::write(target.dir.join(name), &bytes).unwrap();
            let outcome = exercise(target);
            std::fs::write(target.dir.join(name), &originals[file]).unwrap();
            match outcome {
                Ok(word) => {
                    cases.set(cases.get() + 1);
                    refused.set(refused.get() + u64::from(word == "refused"));
                    Ok(())
                }
                Err(e) => Err(TestCaseError::fail(format!("{name}: {e}"))),
            }
        });
        match result {
            Ok(_) => {}
            Err(TestError::Fail(reason, (file, mutations))) => panic!(
                "{}: {reason}\nfile {}, mutations {mutations:?}",
                target.name, target.files[file]
            ),
            Err(TestError::Abort(reason)) => panic!("{}: {reason}", target.name),
        }
    }
    println!(
        "fuzz {} (seed {}): {} inputs in {:.0} s ({} refused with exit 2, {} accepted), no panic",
        target.name,
        u64::from_le_bytes(seed()[..8].try_into().unwrap()),
        cases.get(),
        started.elapsed().as_secs_f64(),
        refused.get(),
        cases.get() - refused.get()
    );
}

fn target(name: &'static str, from: &Path, tmp: &Path, roster: bool, plan: bool) -> Target {
    let dir = tmp.join(name);
    copy_dir(from, &dir);
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            let data = n.ends_with(".csv") || n.ends_with(".toml");
            data && (n == "roster.csv") == roster
        })
        .collect();
    files.sort();
    if roster {
        files.push("scenario.toml".into());
    }
    Target {
        name,
        dir,
        files,
        roster,
        plan,
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

#[test]
fn the_sample_scenario_files() {
    let tmp = tempfile::tempdir().unwrap();
    fuzz(&target(
        "son-la",
        &root().join("scenarios/son-la"),
        tmp.path(),
        false,
        false,
    ));
}

#[test]
fn the_sample_roster() {
    let tmp = tempfile::tempdir().unwrap();
    fuzz(&target(
        "roster",
        &root().join("scenarios/son-la"),
        tmp.path(),
        true,
        false,
    ));
}

#[test]
fn small_fixtures_loaded_and_planned() {
    let tmp = tempfile::tempdir().unwrap();
    fuzz(&target(
        "transfer-cheaper",
        &root().join("tests/fixtures/transfer-cheaper"),
        tmp.path(),
        false,
        true,
    ));
}
