//! Helpers shared by the integration tests: running the binary, fixtures, reading the output
//! tables, and editing copies of scenarios. Each test file uses some of them.
#![allow(dead_code)]

pub mod forms;
pub mod oracle;

pub use std::collections::{BTreeMap, BTreeSet};
pub use std::path::{Path, PathBuf};
pub use std::process::{Command, Output};

pub fn bienche(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bienche"))
        .env("LC_ALL", "en_US.UTF-8")
        .args(args)
        .output()
        .expect("bienche runs")
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn scenario(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
}

/// Runs `plan dir --out TMP/out` with `extra` arguments: the folder and bienche's output,
/// whatever its exit code.
pub fn plan_output(dir: &Path, tmp: &tempfile::TempDir, extra: &[&str]) -> (PathBuf, Output) {
    let out = tmp.path().join("out");
    let o = plan_into(dir, &out, extra);
    (out, o)
}

/// Runs `plan dir --out out` with `extra` arguments: bienche's output, whatever its exit
/// code.
pub fn plan_into(dir: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "plan",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    bienche(&args)
}

/// Plans `dir` into a fresh folder, not quiet: the folder and what bienche printed on
/// stderr (progress and warnings); panics with it on failure.
pub fn plan_printing(dir: &Path, tmp: &tempfile::TempDir) -> (PathBuf, String) {
    let (out, o) = plan_output(dir, tmp, &[]);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "plan failed: {stderr}");
    (out, stderr)
}

/// Plans `dir` into a fresh folder and returns it; panics with bienche's stderr on failure.
pub fn plan(dir: &Path, tmp: &tempfile::TempDir) -> PathBuf {
    let (out, o) = plan_output(dir, tmp, &["-q"]);
    assert!(
        o.status.success(),
        "plan failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

/// The date every shared plan is stamped with (`SOURCE_DATE_EPOCH`, 1 December 2025), so
/// that tests/golden.rs can compare its bytes.
pub const FIXED_DATE: &str = "1764547200";

/// The Sơn La sample planned with its defaults (`plan scenarios/son-la -q`, dated
/// [`FIXED_DATE`]), once for every test of this binary that only reads it: planning it
/// takes about 18 s, and the same inputs give the same bytes. The folder is under
/// `CARGO_TARGET_TMPDIR`, removed and planned afresh by each run of the tests (a folder an
/// older binary left is not one this binary would replace). A test that writes into its
/// plan folder plans its own.
pub fn sample_plan() -> &'static Path {
    static PLAN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    PLAN.get_or_init(|| {
        let profile = if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        };
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("sample-plan-{profile}"));
        if out.exists() {
            std::fs::remove_dir_all(&out).unwrap();
        }
        run_with_fixed_date(&[
            "plan",
            scenario("son-la").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "-q",
        ]);
        out
    })
}

/// `bienche ARGS` dated [`FIXED_DATE`], which must succeed; its output.
pub fn run_with_fixed_date(args: &[&str]) -> Output {
    let o = Command::new(env!("CARGO_BIN_EXE_bienche"))
        .env("LC_ALL", "en_US.UTF-8")
        .env("SOURCE_DATE_EPOCH", FIXED_DATE)
        .args(args)
        .output()
        .expect("bienche runs");
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

pub type Row = BTreeMap<String, String>;

/// Plans `dir` into `tmp/name` with its messages in `lang`: the folder and what it printed
/// on stdout.
pub fn plan_in_lang(
    dir: &Path,
    tmp: &tempfile::TempDir,
    name: &str,
    lang: &str,
) -> (PathBuf, String) {
    let out = tmp.path().join(name);
    let o = plan_into(dir, &out, &["--lang", lang]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (out, String::from_utf8_lossy(&o.stdout).into_owned())
}

/// A plan's objective, proven: its bound is the same.
pub fn assert_proven_objective(out: &Path, objective: f64) {
    let s = summary(out);
    assert_eq!(num(&s, &["solver", "objective"]), objective, "objective");
    assert_eq!(num(&s, &["solver", "bound"]), objective, "bound");
}

pub fn read_csv(path: &Path) -> Vec<Row> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            headers
                .iter()
                .zip(rec.unwrap().iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

pub fn summary(out: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap()
}

pub fn num(v: &serde_json::Value, path: &[&str]) -> f64 {
    let mut x = v;
    for p in path {
        x = &x[*p];
    }
    x.as_f64()
        .unwrap_or_else(|| panic!("{path:?} is not a number: {x}"))
}

pub fn target(out: &Path, unit: &str, rule: &str, year: &str) -> (u32, u32, u32) {
    let rows = read_csv(&out.join("targets.csv"));
    let r = rows
        .iter()
        .find(|r| r["unit"] == unit && r["rule"] == rule && r["year"] == year)
        .unwrap_or_else(|| panic!("no target row {unit} {rule} {year}"));
    (
        r["required"].parse().unwrap(),
        r["achieved"].parse().unwrap(),
        r["shortfall"].parse().unwrap(),
    )
}

pub fn flow_total(out: &Path, flow: &str) -> u32 {
    read_csv(&out.join("flows.csv"))
        .iter()
        .filter(|r| r["flow"] == flow)
        .map(|r| r["count"].parse::<u32>().unwrap())
        .sum()
}

// Bad input: exit code 2, exact text, and no output folder.

/// A writable copy of a fixture, in `(tempdir, tempdir/scenario)`.
pub fn copy_fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("scenario");
    std::fs::create_dir(&dir).unwrap();
    for e in std::fs::read_dir(fixture(name)).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
    }
    (tmp, dir)
}

/// `bienche forecast DIR --out OUT`, which must succeed; its output.
pub fn forecast_to(dir: &Path, out: &Path) -> Output {
    let o = bienche(&[
        "forecast",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o
}

/// Fixture confidence copied with `policy.confidence = level`, and its plan's R2 row of C1
/// (tests/confidence.rs, tests/base_tenure.rs).
pub fn confidence_at(level: &str) -> (tempfile::TempDir, PathBuf) {
    let (tmp, dir) = copy_fixture("confidence");
    replace_in(
        &dir,
        "scenario.toml",
        "confidence = 0.9",
        &format!("confidence = {level}"),
    );
    (tmp, dir)
}

/// The R2 row of unit C1 in a plan folder's `targets.csv`.
pub fn c1_r2(out: &Path) -> Row {
    read_csv(&out.join("targets.csv"))
        .into_iter()
        .find(|r| r["rule"] == "R2" && r["unit"] == "C1")
        .expect("an R2 row of C1")
}

/// Copies a bundled scenario's files into a fresh temporary folder named after it.
pub fn copy_scenario(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(name);
    std::fs::create_dir(&dir).unwrap();
    for e in std::fs::read_dir(scenario(name)).unwrap() {
        let e = e.unwrap();
        if e.path().is_file() {
            std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
        }
    }
    (tmp, dir)
}

/// Copies the must-hire fixture, applies `edit`, plans it, and returns (stderr, scenario dir).
pub fn broken(edit: impl Fn(&Path)) -> (String, PathBuf, tempfile::TempDir) {
    let (tmp, dir) = copy_fixture("must-hire");
    edit(&dir);
    let out = tmp.path().join("out");
    let o = bienche(&[
        "plan",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!out.exists(), "a failed run left an output folder");
    (String::from_utf8(o.stderr).unwrap(), dir, tmp)
}

pub fn replace_in(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} lacks {from}");
    std::fs::write(&path, text.replace(from, to)).unwrap();
}

// Rosters and the forecast without a plan.

pub fn import(roster: &Path, dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "roster",
        "import",
        roster.to_str().unwrap(),
        "--scenario",
        dir.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    bienche(&args)
}

pub fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

pub fn compare(scenarios: &[&Path], out: &Path, threads: &str) -> Output {
    let mut args: Vec<String> = vec!["compare".into()];
    args.extend(scenarios.iter().map(|p| p.to_str().unwrap().to_string()));
    args.extend([
        "--out".into(),
        out.to_str().unwrap().into(),
        "--threads".into(),
        threads.into(),
    ]);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    bienche(&refs)
}

// Monte Carlo.

pub fn simulate(out: &Path, draws: &str, seed: &str, threads: &str) -> Output {
    bienche(&[
        "simulate",
        out.to_str().unwrap(),
        "--draws",
        draws,
        "--seed",
        seed,
        "--threads",
        threads,
    ])
}

// Generated scenario sets (`bienche generate`).

/// A generated national folder of 4 units in 2 provinces at `tmp/set`.
pub fn small_set(tmp: &Path) -> PathBuf {
    let set = tmp.join("set");
    assert!(generate(&set, "4", "2", "1", &[]).status.success());
    set
}

/// `bienche plan DIR --out OUT`.
pub fn plan_to(dir: &Path, out: &Path) -> Output {
    bienche(&[
        "plan",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

pub fn generate(out: &Path, units: &str, provinces: &str, seed: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "generate",
        "--units",
        units,
        "--provinces",
        provinces,
        "--seed",
        seed,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    bienche(&args)
}

/// Every file under `dir`, by path relative to it, with its bytes.
pub fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, files: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, files);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_path_buf();
                files.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(dir, dir, &mut files);
    files
}

// Charts.

/// Width and height from a PNG's IHDR chunk.
pub fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[1..4], b"PNG", "{} is not a PNG", path.display());
    let be = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    (be(16), be(20))
}

// Variants and comparisons.

/// A base (the must-hire fixture) and an empty variant folder beside it.
pub fn base_and_variant(variant_toml: &str) -> (tempfile::TempDir, PathBuf) {
    let (tmp, base) = copy_fixture("must-hire");
    let variant = tmp.path().join("variant");
    std::fs::create_dir(&variant).unwrap();
    std::fs::write(variant.join("scenario.toml"), variant_toml).unwrap();
    assert!(base.ends_with("scenario"));
    (tmp, variant)
}

/// A unit's cell as a row of `staff.csv`, `flows.csv` or `trajectory.csv` names it.
pub type Cell = (String, String, String, String, String);

pub fn cell(r: &Row) -> Cell {
    (
        r["unit"].clone(),
        r["group"].clone(),
        r["gender"].clone(),
        r["role"].clone(),
        r["trained"].clone(),
    )
}

/// People booked to leave a cell (`retire` and `attrition` rows of `flows.csv`; the retire
/// rows are first checked to be exactly the scenario's `retirements.csv`, when `dir` has
/// one) stay in it until then: at the end of every year each cell of each unit holds at
/// least the people booked to leave it in later years (`trajectory.csv`, which callers
/// replay from the flows). Otherwise someone else, a hire or a person trained into the
/// cell, would leave in their place. Returns the cells checked.
pub fn assert_booked_leavers_stay(dir: &Path, out: &Path) -> usize {
    if dir.join("retirements.csv").exists() {
        let rows = |path: &Path, flow: Option<&str>| -> BTreeMap<(Cell, String), u32> {
            let mut m = BTreeMap::new();
            for r in read_csv(path) {
                if flow.is_some_and(|f| r["flow"] != f) {
                    continue;
                }
                *m.entry((cell(&r), r["year"].clone())).or_default() +=
                    r["count"].parse::<u32>().unwrap();
            }
            m
        };
        assert_eq!(
            rows(&out.join("flows.csv"), Some("retire")),
            rows(&dir.join("retirements.csv"), None),
            "the plan's retirements against retirements.csv"
        );
    }
    let mut booked: BTreeMap<Cell, BTreeMap<i32, u32>> = BTreeMap::new();
    for r in read_csv(&out.join("flows.csv")) {
        if r["flow"] == "retire" || r["flow"] == "attrition" {
            *booked
                .entry(cell(&r))
                .or_default()
                .entry(r["year"].parse().unwrap())
                .or_default() += r["count"].parse::<u32>().unwrap();
        }
    }
    let mut stock: BTreeMap<(Cell, i32), u32> = BTreeMap::new();
    let mut years = std::collections::BTreeSet::new();
    for r in read_csv(&out.join("trajectory.csv")) {
        let t: i32 = r["year"].parse().unwrap();
        years.insert(t);
        *stock.entry((cell(&r), t)).or_default() += r["headcount"].parse::<u32>().unwrap();
    }
    for (c, due) in &booked {
        for &t in &years {
            let later: u32 = due.range(t + 1..).map(|(_, n)| n).sum();
            let held = stock.get(&(c.clone(), t)).copied().unwrap_or(0);
            assert!(
                held >= later,
                "{c:?} holds {held} at the end of {t} but {later} are booked to leave it later"
            );
        }
    }
    booked.len()
}

/// Every channel's hires in a year (`hire` rows of `flows.csv`) within its limit net of
/// new-hire leavers, worked out here from the inputs: `⌊m·(1 − P̄) + 10⁻⁹⌋` with `m` the
/// `max_hires` of `channels.csv` (or a kind's of `channel_caps.csv`), and its women within
/// `⌊women_share·m·(1 − P̄) + 10⁻⁹⌋`; `P̄` the plain mean over the units of the kinds the row
/// concerns of `P_u = 1 − Π_{y < new_hire_years} (1 − a_u(y))`, `a_u(y)` the rate (percent)
/// of `attrition.csv` for the unit's class (`kind`, or `kind:difficult`) and tenure y, else
/// `[attrition] new_hire_rate`. Also each year's trainings within `[training]
/// seats_per_year`. Reads the scenario's own files only (not a base it extends) and leaves
/// out `[adjust] attrition_factor`. Returns the limits checked.
pub fn assert_channel_caps(dir: &Path, out: &Path) -> usize {
    let years = |s: &str| -> Vec<i32> {
        let (a, b) = s.split_once('-').unwrap_or((s, s));
        (a.trim().parse().unwrap()..=b.trim().parse().unwrap()).collect()
    };
    let toml: toml::Value = read(dir, "scenario.toml").parse().unwrap();
    let setting = |table: &str, key: &str| -> Option<f64> {
        let v = toml.get(table)?.get(key)?;
        v.as_float().or(v.as_integer().map(|i| i as f64))
    };
    let new_hire_years = setting("attrition", "new_hire_years").unwrap_or(2.0) as u32;
    let new_hire_rate = setting("attrition", "new_hire_rate").unwrap_or(0.05);
    let bands: Vec<Row> = if dir.join("attrition.csv").exists() {
        read_csv(&dir.join("attrition.csv"))
    } else {
        Vec::new()
    };
    let units = read_csv(&dir.join("units.csv"));
    let leaving = |u: &Row| -> f64 {
        let class = if u["difficult"] == "yes" {
            format!("{}:difficult", u["kind"])
        } else {
            u["kind"].clone()
        };
        let rate = |y: u32| -> f64 {
            let mine: Vec<&Row> = bands.iter().filter(|b| b["class"] == class).collect();
            if mine.is_empty() {
                return new_hire_rate;
            }
            mine.iter()
                .find(|b| {
                    y >= b["tenure_from"].parse::<u32>().unwrap()
                        && b["tenure_to"].parse::<u32>().map_or(true, |to| y < to)
                })
                .map_or(0.0, |b| b["rate"].parse::<f64>().unwrap() / 100.0)
        };
        1.0 - (0..new_hire_years).map(|y| 1.0 - rate(y)).product::<f64>()
    };
    let mean_leaving = |kinds: &[String]| -> f64 {
        let of: Vec<f64> = units
            .iter()
            .filter(|u| kinds.iter().any(|k| k == "all" || *k == u["kind"]))
            .map(leaving)
            .collect();
        if of.is_empty() {
            0.0
        } else {
            of.iter().sum::<f64>() / of.len() as f64
        }
    };
    let kind_of: BTreeMap<String, String> = units
        .iter()
        .map(|r| (r["id"].clone(), r["kind"].clone()))
        .collect();
    // (what is counted, year) → people: "channel", "channel:kind" or "channel:women".
    let mut used: BTreeMap<(String, i32), u32> = BTreeMap::new();
    for r in read_csv(&out.join("flows.csv")) {
        let (t, n): (i32, u32) = (r["year"].parse().unwrap(), r["count"].parse().unwrap());
        if r["flow"] == "train" {
            *used.entry(("training".into(), t)).or_default() += n;
        }
        if r["flow"] != "hire" {
            continue;
        }
        let ch = &r["channel"];
        *used.entry((ch.clone(), t)).or_default() += n;
        *used
            .entry((format!("{ch}:{}", kind_of[&r["unit"]]), t))
            .or_default() += n;
        if r["gender"] == "F" {
            *used.entry((format!("{ch}:women"), t)).or_default() += n;
        }
    }
    let mut limits: Vec<((String, i32), u32)> = Vec::new();
    let net = |m: f64, kinds: &[String]| (m * (1.0 - mean_leaving(kinds)) + 1e-9).floor() as u32;
    for r in read_csv(&dir.join("channels.csv")) {
        let Ok(m) = r["max_hires"].parse::<f64>() else {
            continue;
        };
        let kinds: Vec<String> = r["kinds"]
            .split(';')
            .map(|k| k.trim().to_string())
            .collect();
        let women = r["women_share"].parse::<f64>().ok().map(|w| w / 100.0);
        for t in years(&r["year"]) {
            limits.push(((r["channel"].clone(), t), net(m, &kinds)));
            if let Some(w) = women {
                let most = (w * m * (1.0 - mean_leaving(&kinds)) + 1e-9).floor() as u32;
                limits.push(((format!("{}:women", r["channel"]), t), most));
            }
        }
    }
    if dir.join("channel_caps.csv").exists() {
        for r in read_csv(&dir.join("channel_caps.csv")) {
            let m: f64 = r["max_hires"].parse().unwrap();
            for t in years(&r["year"]) {
                let key = (format!("{}:{}", r["channel"], r["kind"]), t);
                limits.push((key, net(m, &[r["kind"].clone()])));
            }
        }
    }
    if let Some(seats) = setting("training", "seats_per_year") {
        let years: Vec<i32> = used.keys().map(|(_, t)| *t).collect();
        for t in
            years.iter().min().copied().unwrap_or(0)..=years.iter().max().copied().unwrap_or(-1)
        {
            limits.push((("training".into(), t), seats as u32));
        }
    }
    for (key, most) in &limits {
        let n = used.get(key).copied().unwrap_or(0);
        assert!(n <= *most, "{key:?}: {n} people, limit {most}");
    }
    limits.len()
}
