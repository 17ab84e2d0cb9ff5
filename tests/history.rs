//! `bienche history`: a generated province planned, its forms for 2026 returned as planned
//! but for one unit, re-planned, re-planned again from 2027, and the three plans read back
//! as one history.

use crate::common;

use common::forms::*;
use common::*;

fn run(args: &[&str]) -> Output {
    let o = bienche(args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o
}

#[test]
fn a_replan_and_the_plan_it_replaces_read_as_one_history() {
    let tmp = tempfile::tempdir().unwrap();
    let p = |x: &Path| x.to_str().unwrap().to_string();
    let (_, plan, forms, mut files) = generated_forms_2026(&tmp);
    // Every form as planned; the last one not returned.
    let missing = files.pop().unwrap();
    let missing_unit = missing.file_stem().unwrap().to_string_lossy().into_owned();
    std::fs::remove_file(&missing).unwrap();
    for f in &files {
        type_into(f, &as_planned(f).0);
    }
    let replan = tmp.path().join("replan");
    compile_and_replan(&plan, &forms, &tmp.path().join("actuals"), &replan);
    // The unit without a form starts from the plan's stock at the end of 2026.
    let changes = read_csv(&replan.join("changes.csv"));
    let row = changes.iter().find(|r| r["unit"] == missing_unit).unwrap();
    assert_eq!(row["start_from"], "plan");
    assert_eq!(row["start"], row["plan_end"]);
    assert_eq!(row["report_date"], "");
    let replan_json: serde_json::Value =
        serde_json::from_str(&read(&replan, "replan.json")).unwrap();
    assert_eq!(replan_json["from_plan"], serde_json::json!([missing_unit]));
    assert_eq!(replan_json["from_actuals"], 11);

    // A re-plan of the re-plan, from forms of 2027 returned as planned: it extends the first
    // re-plan's scenario and inherits its reference, so the milestones and intent floors
    // are still the first plan's.
    let forms27 = tmp.path().join("forms27");
    run(&[
        "forms",
        &p(&replan),
        "--year",
        "2027",
        "--out",
        &p(&forms27),
    ]);
    for f in std::fs::read_dir(&forms27)
        .unwrap()
        .flatten()
        .map(|e| e.path())
    {
        if f.extension().is_some_and(|e| e == "xlsx") {
            let mut cells = as_planned(&f).0;
            cells.insert("C5".into(), Typed::Number(NOV_1_2026 + 365));
            type_into(&f, &cells);
        }
    }
    let replan27 = tmp.path().join("replan27");
    compile_and_replan(&replan, &forms27, &tmp.path().join("actuals27"), &replan27);
    let toml = read(&replan27.join("scenario"), "scenario.toml");
    assert!(
        toml.contains(&format!(
            "extends = {:?}\n",
            replan
                .canonicalize()
                .unwrap()
                .join("scenario")
                .display()
                .to_string()
        )),
        "{toml}"
    );
    assert!(
        toml.contains("base_year = 2027\n") && !toml.contains("reference_year"),
        "{toml}"
    );
    let required = |dir: &Path| -> BTreeMap<(String, String, String), String> {
        read_csv(&dir.join("targets.csv"))
            .into_iter()
            .filter(|r| ["milestone", "intent"].contains(&r["kind"].as_str()))
            .filter(|r| r["year"].as_str() > "2027" && r["rule"] != "I4")
            .map(|r| {
                (
                    (r["unit"].clone(), r["rule"].clone(), r["year"].clone()),
                    r["required"].clone(),
                )
            })
            .collect()
    };
    assert!(!required(&plan).is_empty());
    assert_eq!(required(&plan), required(&replan27));
    // The first re-plan's hires of 2026 keep their year in the second's base, beside 2027's.
    let years = |dir: &Path| -> BTreeMap<String, u32> {
        let mut out = BTreeMap::new();
        for r in read_csv(&dir.join("scenario/staff.csv")) {
            *out.entry(r["hired"].clone()).or_default() += r["count"].parse::<u32>().unwrap();
        }
        out
    };
    let (first, second) = (years(&replan), years(&replan27));
    assert_eq!(first.keys().collect::<Vec<_>>(), ["", "2026"], "{first:?}");
    assert_eq!(
        second.keys().collect::<Vec<_>>(),
        ["", "2026", "2027"],
        "{second:?}"
    );
    assert!(
        second["2026"] <= first["2026"] && second["2026"] > 0,
        "{first:?} {second:?}"
    );

    // The history of the re-plan brings the plan it replaces, oldest first.
    let history = tmp.path().join("history");
    let o = run(&[
        "--lang",
        "en",
        "history",
        &p(&replan27),
        "--out",
        &p(&history),
    ]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.ends_with(&format!(
            "wrote 3 plans' history to {}\n",
            history.display()
        )),
        "{stdout}"
    );
    let rows = read_csv(&history.join("history.csv"));
    let made: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["made_from"].as_str(),
                r["kind"].as_str(),
                r["target_year"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        made,
        [
            ("2025", "plan", "2030"),
            ("2025", "plan", "2035"),
            ("2026", "replan", "2030"),
            ("2026", "replan", "2035"),
            ("2027", "replan", "2030"),
            ("2027", "replan", "2035"),
        ]
    );
    // Each row is its plan's own: the province's staff in the target year, and the legal
    // targets of that year met and missed.
    for r in &rows {
        let dir = PathBuf::from(&r["plan"]);
        let year = &r["target_year"];
        let trajectory = read_csv(&dir.join("trajectory.csv"));
        let staff: u32 = trajectory
            .iter()
            .filter(|t| &t["year"] == year)
            .map(|t| t["headcount"].parse::<u32>().unwrap())
            .sum();
        assert_eq!(r["staff"], staff.to_string());
        let targets = read_csv(&dir.join("targets.csv"));
        let legal = || {
            targets
                .iter()
                .filter(|t| &t["year"] == year && t["kind"] == "target" && t["rule"] != "R5")
        };
        let met = legal().filter(|t| t["met"] == "true").count();
        assert_eq!(r["targets_met"], met.to_string());
        assert_eq!(r["targets_missed"], (legal().count() - met).to_string());
    }
    for chart in ["1-outlook.png", "2-targets.png"] {
        assert!(history.join("plots/en").join(chart).is_file(), "{chart}");
    }

    // A replaced plan that changed is not followed, and the history says so.
    std::fs::write(
        plan.join("manifest.json"),
        read(&plan, "manifest.json") + " ",
    )
    .unwrap();
    let o = run(&[
        "--lang",
        "en",
        "history",
        &p(&replan27),
        "--out",
        &p(&history),
    ]);
    let replan_abs = replan.canonicalize().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        format!(
            "warning: {} replaces {}, which is no longer there as it was; the history starts at {}\n",
            replan_abs.display(),
            plan.canonicalize().unwrap().display(),
            replan_abs.display()
        )
    );
    assert_eq!(read_csv(&history.join("history.csv")).len(), 4);
}
