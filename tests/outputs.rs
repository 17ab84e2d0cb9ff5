//! The output contract: documented columns and keys, and the same bytes for the same inputs.

mod common;

use common::*;

// Output contract and determinism.

#[test]
fn output_files_have_the_documented_columns() {
    let tmp = tempfile::tempdir().unwrap();
    let out = plan(&fixture("transfer-cheaper"), &tmp);
    let header = |f: &str| {
        std::fs::read_to_string(out.join(f))
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        header("trajectory.csv"),
        "year,unit,group,gender,role,trained,headcount"
    );
    assert_eq!(
        header("flows.csv"),
        "year,unit,flow,channel,counterpart,group,gender,role,trained,count,cost"
    );
    assert_eq!(
        header("targets.csv"),
        "unit,rule,year,required,achieved,shortfall,met,kind"
    );
    assert_eq!(header("costs.csv"), "year,unit,lever,cost");
    let s = summary(&out);
    for key in [
        "scenario",
        "illustrative",
        "policy",
        "solver",
        "total_cost",
        "total_shortfall",
        "targets_met",
        "targets_missed",
    ] {
        assert!(!s[key].is_null(), "summary.json lacks {key}");
    }
    for key in ["status", "objective", "bound", "gap", "seconds"] {
        assert!(
            !s["solver"][key].is_null(),
            "summary.json lacks solver.{key}"
        );
    }
    assert_eq!(s["policy"]["roadmap"], "level");
    assert_eq!(s["policy"]["seventy_percent_band"], "top");
}

#[test]
fn same_inputs_give_the_same_bytes() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (x, y) = (
        plan(&fixture("transfer-cheaper"), &a),
        plan(&fixture("transfer-cheaper"), &b),
    );
    for f in [
        "trajectory.csv",
        "flows.csv",
        "targets.csv",
        "costs.csv",
        "manifest.json",
    ] {
        assert_eq!(
            std::fs::read(x.join(f)).unwrap(),
            std::fs::read(y.join(f)).unwrap(),
            "{f} differs"
        );
    }
    let strip = |p: &Path| {
        let mut v = summary(p);
        v["solver"]["seconds"] = serde_json::Value::Null;
        v
    };
    assert_eq!(strip(&x), strip(&y));
}
