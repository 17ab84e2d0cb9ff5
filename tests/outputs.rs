//! The output contract: documented columns and keys, and the same bytes for the same inputs.

use crate::common;

use common::*;

// Output contract and determinism.

#[test]
fn output_files_have_the_documented_columns() {
    let tmp = tempfile::tempdir().unwrap();
    let out = plan(&fixture("transfer-cheaper"), &tmp);
    // Each CSV starts with the UTF-8 byte-order mark (for Excel on Windows), then its header.
    let header = |f: &str| {
        let text = std::fs::read_to_string(out.join(f)).unwrap();
        let text = text
            .strip_prefix('\u{feff}')
            .unwrap_or_else(|| panic!("{f} has no byte-order mark"));
        text.lines().next().unwrap().to_string()
    };
    assert_eq!(
        header("trajectory.csv"),
        "year,unit,unit_name,group,gender,role,trained,headcount"
    );
    assert_eq!(
        header("flows.csv"),
        "year,unit,unit_name,flow,channel,counterpart,group,gender,role,trained,count,cost"
    );
    assert_eq!(
        header("targets.csv"),
        "unit,unit_name,rule,year,required,achieved,shortfall,met,kind,p_met,margin"
    );
    assert_eq!(header("costs.csv"), "year,unit,unit_name,lever,cost");
    // Names beside codes: the fixture's unit C1 is "Commune 1" in its units.csv.
    let targets = std::fs::read_to_string(out.join("targets.csv")).unwrap();
    assert!(targets.contains("\nC1,Commune 1,R2,2027,"), "{targets}");
    assert!(targets.contains("\nPROVINCE,,R5,"), "{targets}");
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
        "chance",
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

/// `text` (a CSV) without its column `k`.
fn drop_column(text: &str, k: usize) -> String {
    text.lines()
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            [&f[..k], &f[k + 1..]].concat().join(",") + "\n"
        })
        .collect()
}

/// Plan folders of earlier versions, without `unit_name` beside the codes, and whose
/// `targets.csv` lacks `margin` (before that, `p_met`, and before that, `kind`), are still
/// read: `simulate` runs on them.
#[test]
fn a_folder_of_an_earlier_version_still_reads() {
    let tmp = tempfile::tempdir().unwrap();
    let out = plan(&fixture("must-hire"), &tmp);
    let without_names = |file: &str, column: usize| {
        let text = read(&out, file);
        assert!(text.contains(",unit_name,"), "{file}");
        std::fs::write(out.join(file), drop_column(&text, column)).unwrap();
    };
    for (file, column) in [
        ("trajectory.csv", 2),
        ("flows.csv", 2),
        ("costs.csv", 2),
        ("forecast/trajectory.csv", 2),
        ("forecast/flows.csv", 2),
        ("forecast/gap.csv", 1),
    ] {
        without_names(file, column);
    }
    without_names("targets.csv", 1);
    let text = read(&out, "targets.csv");
    for keep in [10, 9, 8, 7] {
        let cut: String = text
            .lines()
            .map(|l| l.split(',').take(keep).collect::<Vec<_>>().join(",") + "\n")
            .collect();
        std::fs::write(out.join("targets.csv"), &cut).unwrap();
        let o = simulate(&out, "10", "1", "1");
        assert!(
            o.status.success(),
            "{keep} columns: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    // A column missing in the middle is still refused, with the columns expected.
    std::fs::write(out.join("targets.csv"), drop_column(&text, 3)).unwrap();
    let o = simulate(&out, "10", "1", "1");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("expected the columns unit,unit_name,rule,year,required,achieved,shortfall,met,kind,p_met,margin, found unit,rule,year,achieved"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Only the columns added to a table since its first version may be missing: `units.csv`
/// has always had `kind`, so a file without it is refused with the columns expected.
#[test]
fn a_column_a_table_always_had_is_still_required() {
    let tmp = tempfile::tempdir().unwrap();
    let out = plan(&fixture("must-hire"), &tmp);
    let text = read(&out, "units.csv");
    std::fs::write(out.join("units.csv"), drop_column(&text, 2)).unwrap();
    let o = simulate(&out, "10", "1", "1");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains(
            "expected the columns unit,name,kind,year,quota,leader_posts, found unit,name,year,quota,leader_posts"
        ),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
