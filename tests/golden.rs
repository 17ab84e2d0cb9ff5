//! Golden outputs: planning the Sơn La sample and every fixture, and forecasting the sample,
//! gives exactly the bytes committed in `tests/golden/` (as SHA-256 per file, charts
//! included), apart from the two run-dependent values (`solver.seconds`, and the scenario's
//! absolute folder in `manifest.json`), which are normalised first.
//!
//! A deliberate change to the outputs re-blesses them with
//! `BIENCHE_BLESS=1 cargo test --release --test all golden::`; the diff of `tests/golden/` then
//! shows which files changed, for the commit message to explain.

use crate::common;

use common::*;
use sha2::{Digest, Sha256};

/// Every file under `dir`, by path relative to it, with its bytes normalised.
fn normalised_hashes(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (path, bytes) in tree(dir) {
        let name = path.to_string_lossy().replace('\\', "/");
        let bytes = match path.file_name().and_then(|n| n.to_str()) {
            Some("summary.json") | Some("manifest.json") => normalise(&bytes),
            _ => bytes,
        };
        out.insert(name, format!("{:x}", Sha256::digest(&bytes)));
    }
    out
}

/// `"seconds": 12.3` → `"seconds": 0`; `"scenario_dir": "/…"` → `"scenario_dir": "X"`.
fn normalise(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let comma = if trimmed.trim_end().ends_with(',') {
            ","
        } else {
            ""
        };
        if trimmed.starts_with("\"seconds\": ") {
            out.push_str(&format!("{indent}\"seconds\": 0{comma}\n"));
        } else if trimmed.starts_with("\"scenario_dir\": ") {
            out.push_str(&format!("{indent}\"scenario_dir\": \"X\"{comma}\n"));
        } else {
            out.push_str(line);
        }
    }
    out.into_bytes()
}

fn golden_file(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{case}.sha256"))
}

/// Compares (or, under `BIENCHE_BLESS=1`, writes) the hashes of `out` against the case's
/// golden list; returns the differences.
fn compare_with_golden(case: &str, out: &Path) -> Vec<String> {
    let actual = normalised_hashes(out);
    let text: String = actual
        .iter()
        .map(|(path, sha)| format!("{sha}  {path}\n"))
        .collect();
    let path = golden_file(case);
    if std::env::var_os("BIENCHE_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        return Vec::new();
    }
    let expected: BTreeMap<String, String> = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter_map(|l| l.split_once("  "))
        .map(|(sha, p)| (p.to_string(), sha.to_string()))
        .collect();
    let mut diffs = Vec::new();
    for (p, sha) in &expected {
        match actual.get(p) {
            None => diffs.push(format!("{case}: {p} is missing")),
            Some(s) if s != sha => diffs.push(format!("{case}: {p} differs")),
            _ => {}
        }
    }
    for p in actual.keys().filter(|p| !expected.contains_key(*p)) {
        diffs.push(format!("{case}: {p} is new"));
    }
    diffs
}

#[test]
fn plans_and_the_forecast_give_the_committed_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    // The sample's plan is the one the tests share, planned with the same date and flags.
    let mut diffs = compare_with_golden("plan-son-la", sample_plan());
    let mut cases: Vec<(String, PathBuf)> = Vec::new();
    for f in [
        "coverage",
        "forecast",
        "must-hire",
        "promote-or-train",
        "transfer-cheaper",
        "unreachable",
    ] {
        cases.push((f.to_string(), fixture(f)));
    }
    for (case, dir) in &cases {
        let out = tmp.path().join(format!("plan-{case}"));
        run_with_fixed_date(&[
            "plan",
            dir.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "-q",
        ]);
        diffs.extend(compare_with_golden(&format!("plan-{case}"), &out));
    }
    let out = tmp.path().join("forecast-son-la");
    run_with_fixed_date(&[
        "forecast",
        scenario("son-la").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    diffs.extend(compare_with_golden("forecast-son-la", &out));
    assert!(
        diffs.is_empty(),
        "outputs differ from tests/golden (re-bless with BIENCHE_BLESS=1 if the change is meant):\n{}",
        diffs.join("\n")
    );
}
