//! Actuals read from a roster drawn up on a day of the year (`bienche actuals PLAN ROSTER
//! --as-of DATE`), and a re-plan from them. The fixture's roster (tests/fixtures/roster) is
//! imported and planned, then changed as a Department would find it on 1 November 2026.

use crate::common;

use common::*;

/// The fixture's roster on 1 November 2026:
/// - T-0002 (C1, Thai woman, trained; booked to retire in 2026) retired on 30/06/2026;
/// - T-0005 (C1, Mông woman, untrained) resigned on 15/03/2026;
/// - T-0006 (D1, Kinh man, trained) resigns on 01/11/2026, the roster's day: gone on it;
/// - T-0011 (C1, Thai woman, trained) hired on 01/04/2026;
/// - T-0012 (D1, Thai man, trained) hired in 10/2026 (a month only: the 1st);
/// - T-0013 (C1, Thai man, untrained) hired on 01/02/2026 and gone in 05/2026: a hire and a
///   leaver, not in post.
fn roster_2026(original: &str) -> String {
    let changed = original
        .replace(
            "T-0002,Người Thử Hai,C1,1961,Nữ,Thái,Chuyên viên,Có,1985,,,",
            "T-0002,Người Thử Hai,C1,1961,Nữ,Thái,Chuyên viên,Có,1985,,30/06/2026,Nghỉ hưu",
        )
        .replace("2023-01-10,,,", "2023-01-10,,15/03/2026,Thôi việc")
        .replace("01/01/2010,,,", "01/01/2010,,01/11/2026,Thôi việc");
    format!(
        "{changed}T-0011,Người Thử Mười Một,C1,01/05/1998,Nữ,Thái,Chuyên viên,Có,01/04/2026,,,\n\
         T-0012,Người Thử Mười Hai,D1,03/03/1997,Nam,Thái,Chuyên viên,Có,10/2026,,,\n\
         T-0013,Người Thử Mười Ba,C1,07/07/1999,Nam,Thái,Chuyên viên,Không,01/02/2026,,05/2026,Thôi việc\n"
    )
}

/// The fixture imported and planned: (tmp, scenario, plan). Its target years are the
/// defaults, spelled out for the test oracle.
fn planned() -> (tempfile::TempDir, PathBuf, PathBuf) {
    planned_with(|_| {})
}

/// [`planned`] with the scenario edited first.
fn planned_with(edit: impl Fn(&Path)) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let (tmp, dir) = copy_fixture("roster");
    edit(&dir);
    replace_in(
        &dir,
        "scenario.toml",
        "horizon = 2035\n",
        "horizon = 2035\ntargets = [{ year = 2030, level = 0.8 }, { year = 2035, level = 1.0 }]\n",
    );
    let o = import(&dir.join("roster.csv"), &dir, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let plan = plan(&dir, &tmp);
    (tmp, dir, plan)
}

fn actuals(plan: &Path, roster: &Path, as_of: &[&str], out: &Path, lang: &str) -> Output {
    let mut args = vec!["actuals", plan.to_str().unwrap(), roster.to_str().unwrap()];
    args.extend_from_slice(as_of);
    args.extend_from_slice(&["--out", out.to_str().unwrap(), "--lang", lang]);
    bienche(&args)
}

/// [`actuals`] that must succeed; panics with its stderr otherwise.
fn compiled(plan: &Path, source: &Path, as_of: &[&str], out: &Path, lang: &str) -> Output {
    let o = actuals(plan, source, as_of, out, lang);
    assert!(o.status.success(), "{}", text(&o.stderr));
    o
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The texts of report.xlsx's first sheet.
fn report_words(act: &Path) -> Vec<String> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(act.join("report.xlsx")).unwrap();
    let first = book.sheet_names()[0].clone();
    let sheet = book.worksheet_range(&first).unwrap();
    sheet.rows().flatten().map(|c| c.to_string()).collect()
}

const RECOMPUTED: &str = "A requirement that is a share of EM staff (R6, R7 and R8 in a target year) is recomputed on the actual staff, as is whether a public service unit needs an EM manager; province-wide rows are not assessed.";
const NOT_RECOMPUTED: &str = "A requirement that is a share of EM staff (R6, R7 and R8 in a target year) is the share of the plan's EM staff (the plan's scenario could not be read as planned); province-wide rows are not assessed.";

/// (unit, group, gender, role, trained) → count, of the rows where `column` is not 0.
fn counted(path: &Path, column: &str, flow: bool) -> BTreeMap<String, u32> {
    read_csv(path)
        .iter()
        .filter(|r| r[column] != "0")
        .map(|r| {
            let mut key = format!(
                "{} {} {} {} {}",
                r["unit"], r["group"], r["gender"], r["role"], r["trained"]
            );
            if flow {
                key = format!("{} {key}", r["flow"]);
            }
            (key, r[column].parse().unwrap())
        })
        .collect()
}

fn table(rows: &[(&str, u32)]) -> BTreeMap<String, u32> {
    rows.iter().map(|(k, n)| (k.to_string(), *n)).collect()
}

#[test]
fn a_roster_as_of_a_day_gives_the_actuals_and_the_re_plan_starts_from_them() {
    let (tmp, dir, plan) = planned();
    let roster = tmp.path().join("roster-2026.csv");
    std::fs::write(&roster, roster_2026(&read(&dir, "roster.csv"))).unwrap();
    let act = tmp.path().join("act");
    let o = compiled(&plan, &roster, &["--as-of", "01/11/2026"], &act, "en");
    assert_eq!(text(&o.stderr), "");
    assert_eq!(
        text(&o.stdout),
        format!(
            "compiled 2 of 2 units for 2026 from the roster roster-2026.csv as of 01/11/2026 (0 problems, units with one left out: problems.csv; promotions, trainings and transfers are not in a roster); wrote {}\n",
            act.display()
        )
    );
    // In post on 1 November: C1 keeps T-0001, T-0003, T-0004 and gains T-0011; D1 keeps
    // T-0007 and gains T-0012.
    assert_eq!(
        counted(&act.join("actual_stocks.csv"), "actual", false),
        table(&[
            ("C1 Kinh M leader yes", 1),
            ("C1 Mong M staff yes", 1),
            ("C1 Thai F staff no", 1),
            ("C1 Thai F staff yes", 1),
            ("D1 Kinh F leader yes", 1),
            ("D1 Thai M staff yes", 1),
        ])
    );
    assert_eq!(
        counted(&act.join("actual_flows.csv"), "actual", true),
        table(&[
            ("attrition C1 Mong F staff no", 1),
            ("attrition C1 Thai M staff no", 1),
            ("attrition D1 Kinh M staff yes", 1),
            ("hire C1 Thai F staff yes", 1),
            ("hire C1 Thai M staff no", 1),
            ("hire D1 Thai M staff yes", 1),
            ("retire C1 Thai F staff yes", 1),
        ])
    );
    // The plan's figures beside them are the plan's: its stock at the end of 2026 by cell,
    // its hires summed over channels, its booked retirement (T-0002).
    let mut plan_end: BTreeMap<String, u32> = BTreeMap::new();
    for r in read_csv(&plan.join("trajectory.csv"))
        .iter()
        .filter(|r| r["year"] == "2026")
    {
        let key = format!(
            "{} {} {} {} {}",
            r["unit"], r["group"], r["gender"], r["role"], r["trained"]
        );
        *plan_end.entry(key).or_default() += r["headcount"].parse::<u32>().unwrap();
    }
    plan_end.retain(|_, n| *n > 0);
    assert_eq!(
        counted(&act.join("actual_stocks.csv"), "plan_end", false),
        plan_end
    );
    let mut plan_flows: BTreeMap<String, u32> = BTreeMap::new();
    for r in read_csv(&plan.join("flows.csv")).iter().filter(|r| {
        r["year"] == "2026" && ["hire", "retire", "attrition"].contains(&r["flow"].as_str())
    }) {
        let key = format!(
            "{} {} {} {} {} {}",
            r["flow"], r["unit"], r["group"], r["gender"], r["role"], r["trained"]
        );
        *plan_flows.entry(key).or_default() += r["count"].parse::<u32>().unwrap();
    }
    plan_flows.retain(|_, n| *n > 0);
    assert_eq!(
        counted(&act.join("actual_flows.csv"), "plan", true),
        plan_flows
    );
    assert_eq!(plan_flows["retire C1 Thai F staff yes"], 1);
    let flows_read: BTreeSet<String> = read_csv(&act.join("actual_flows.csv"))
        .iter()
        .map(|r| r["flow"].clone())
        .collect();
    assert!(
        flows_read
            .iter()
            .all(|f| ["hire", "retire", "attrition"].contains(&f.as_str())),
        "a roster reports no promotions, trainings or transfers: {flows_read:?}"
    );
    let summary: serde_json::Value = serde_json::from_str(&read(&act, "actuals.json")).unwrap();
    assert_eq!(summary["roster"], "roster-2026.csv");
    assert_eq!(summary["compiled"], 2);
    assert_eq!(summary["forms_found"], 0);
    assert_eq!(summary["as_of"], "2026-11-01");
    assert_eq!(summary["report_dates"]["C1"], "2026-11-01");
    assert_eq!(summary["report_dates"]["D1"], "2026-11-01");
    // The report says where its figures come from.
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(act.join("report.xlsx")).unwrap();
    use calamine::Reader;
    let first = book.sheet_names()[0].clone();
    let sheet = book.worksheet_range(&first).unwrap();
    let words: Vec<String> = sheet.rows().flatten().map(|c| c.to_string()).collect();
    assert!(
        words.contains(
            &"Units compiled from the roster roster-2026.csv of 01/11/2026: 2 of the 2 units."
                .to_string()
        ),
        "{words:?}"
    );

    // The re-plan starts from the roster's stock: 60 days are left of 2026, whose expected
    // leavers (under one person over the province) round to none, and the one booked
    // retirement of 2026 was reported.
    let re = tmp.path().join("re");
    let o = bienche(&[
        "replan",
        plan.to_str().unwrap(),
        "--actuals",
        act.to_str().unwrap(),
        "--out",
        re.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let changes = read_csv(&re.join("changes.csv"));
    for (unit, reported) in [("C1", "4"), ("D1", "2")] {
        let row = changes.iter().find(|r| r["unit"] == unit).unwrap();
        assert_eq!(row["start_from"], "actuals");
        assert_eq!(row["report_date"], "2026-11-01");
        assert_eq!(row["days_left"], "60");
        assert_eq!(row["reported"], reported);
        assert_eq!(row["retiring"], "0");
        assert_eq!(row["start"], reported);
    }
    // A cell's rows (its settled people and those hired in a recent year) summed.
    let mut staff: BTreeMap<String, u32> = BTreeMap::new();
    for r in read_csv(&re.join("scenario/staff.csv")) {
        let cell = [
            &r["unit"],
            &r["group"],
            &r["gender"],
            &r["role"],
            &r["trained"],
        ];
        *staff.entry(cell.map(|s| s.as_str()).join(" ")).or_default() +=
            r["count"].parse::<u32>().unwrap();
    }
    staff.retain(|_, n| *n > 0);
    assert_eq!(
        staff,
        counted(&act.join("actual_stocks.csv"), "actual", false)
    );
}

#[test]
fn a_roster_s_bad_rows_and_units_without_staff_are_named_and_the_rest_compiled() {
    let (tmp, dir, plan) = planned();
    let original = read(&dir, "roster.csv");
    let roster = tmp.path().join("roster-2026.csv");
    // T-0012's hire date is after the roster's day: D1 is left out, C1 compiled.
    std::fs::write(
        &roster,
        roster_2026(&original).replace("10/2026,,,", "02/11/2026,,,"),
    )
    .unwrap();
    let act = tmp.path().join("act");
    let o = compiled(&plan, &roster, &["--as-of", "01/11/2026"], &act, "en");
    assert_eq!(
        text(&o.stderr),
        "warning: roster-2026.csv, line 13: field 'Ngày tuyển dụng' (hired): expected a hire date on or before the roster date 2026-11-01, found 2026-11-02\n"
    );
    let summary: serde_json::Value = serde_json::from_str(&read(&act, "actuals.json")).unwrap();
    assert_eq!(summary["compiled"], 1);
    assert_eq!(summary["missing"], serde_json::json!(["D1"]));
    let problems = read_csv(&act.join("problems.csv"));
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0]["unit"], "D1");
    assert_eq!(problems[0]["cell"], "line 13");
    assert!(read_csv(&act.join("actual_stocks.csv"))
        .iter()
        .all(|r| r["unit"] == "C1"));

    // In Vietnamese: no English word of the messages, with more kinds of bad row (an unknown
    // group, someone under 18, a blank birth date).
    std::fs::write(
        &roster,
        roster_2026(&original)
            .replace("10/2026,,,", "02/11/2026,,,")
            .replace("20/12/1970,Nữ,Thái", "20/12/1970,Nữ,Thai2")
            .replace(
                "T-0011,Người Thử Mười Một,C1,01/05/1998",
                "T-0011,Người Thử Mười Một,C1,01/05/2010",
            )
            .replace(
                "T-0013,Người Thử Mười Ba,C1,07/07/1999",
                "T-0013,Người Thử Mười Ba,C1,",
            ),
    )
    .unwrap();
    let vi = tmp.path().join("act-vi");
    let o = compiled(&plan, &roster, &["--as-of", "01/11/2026"], &vi, "vi");
    let said = text(&o.stderr) + &text(&o.stdout);
    assert_eq!(
        said.matches("cảnh báo: roster-2026.csv, dòng").count(),
        4,
        "{said}"
    );
    for english in [
        "expected",
        "roster date",
        "compiled",
        "units",
        "wrote",
        "field",
        "under",
        "unknown",
        "found",
        "empty",
    ] {
        assert!(!said.contains(english), "{english:?} in: {said}");
    }
    let summary: serde_json::Value = serde_json::from_str(&read(&vi, "actuals.json")).unwrap();
    assert_eq!(summary["compiled"], 0);

    // Nobody of D1 in the roster.
    let only_c1: String = original
        .lines()
        .filter(|l| !l.contains(",D1,"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&roster, only_c1).unwrap();
    let act = tmp.path().join("act-c1");
    let o = compiled(&plan, &roster, &["--as-of", "01/11/2026"], &act, "en");
    assert_eq!(
        text(&o.stderr),
        "warning: D1: nobody in roster-2026.csv is in post in D1 (Department 1) on 01/11/2026; expected the unit's staff in the roster\n"
    );
}

#[test]
fn actuals_refuse_an_as_of_date_they_cannot_use() {
    let (tmp, dir, plan) = planned();
    let roster = dir.join("roster.csv");
    let out = tmp.path().join("act");
    let nowhere = tmp.path().join("roster-2026.csv");
    let cases: [(&Path, &[&str], String); 5] = [
        (
            &nowhere,
            &["--as-of", "01/11/2026"],
            format!(
                "error: {}: no such file or folder; expected the folder of the returned forms, or a roster file with --as-of\n",
                nowhere.display()
            ),
        ),
        (
            &roster,
            &[],
            format!(
                "error: {} is a roster: expected --as-of DATE, the day it was drawn up (dd/mm/yyyy)\n",
                roster.display()
            ),
        ),
        (
            &dir,
            &["--as-of", "01/11/2026"],
            format!(
                "error: --as-of is for a roster; {} is a folder of forms, whose report dates are on the forms; expected a roster file (.csv or .xlsx) or no --as-of\n",
                dir.display()
            ),
        ),
        (
            &roster,
            &["--as-of", "01/11/2036"],
            "error: --as-of 01/11/2036: the plan covers 2026 to 2035; expected a date in one of those years\n".to_string(),
        ),
        (
            &roster,
            &["--as-of", "31/02/2026"],
            "error: invalid value '31/02/2026' for '--as-of <DATE>': expected a calendar date, found \"31/02/2026\" (the month has no such day)\n\nFor more information, try '--help'.\n".to_string(),
        ),
    ];
    for (source, as_of, expected) in cases {
        let o = actuals(&plan, source, as_of, &out, "en");
        assert_eq!(o.status.code(), Some(2), "{as_of:?}");
        assert_eq!(text(&o.stderr), expected);
        assert!(!out.exists(), "nothing is written");
    }
}

/// In a target year R6 and R8 are shares of the unit's own EM staff: compiled against a roster
/// with more EM staff than the plan, the requirements of rule_status.csv are those the test
/// oracle computes on the actual head-counts (the plan's trajectory with 2030 replaced by the
/// actual stocks), not targets.csv's.
#[test]
fn requirements_of_a_target_year_are_recomputed_on_the_actual_staff() {
    // D1 a public service unit: its EM-manager clause applies where EM staff are 30% or
    // more, which the plan's Kinh staff are not and the roster's, with three Thai hires, are.
    // R5 left out: at its default weight the plan's own hires to D1 are EM (the population is
    // 80% EM), and the clause would apply in the plan too.
    let (tmp, dir, plan) = planned_with(|dir| {
        replace_in(
            dir,
            "units.csv",
            "D1,Department 1,provincial",
            "D1,Department 1,public_service",
        );
        replace_in(
            dir,
            "scenario.toml",
            "[intent]\n",
            "[policy]\nr5_weight = 0.0\n\n[intent]\n",
        );
    });
    let mut roster_text = roster_2026(&read(&dir, "roster.csv"));
    for i in 0..4 {
        roster_text.push_str(&format!(
            "T-01{i:02},Người Thử Thêm {i},C1,01/01/199{i},Nam,Thái,Chuyên viên,Có,01/03/202{},,,\n",
            7 + i % 3
        ));
    }
    for i in 0..3 {
        roster_text.push_str(&format!(
            "T-02{i:02},Người Thử Sở {i},D1,01/01/199{i},Nữ,Thái,Chuyên viên,Có,01/03/2028,,,\n"
        ));
    }
    let roster = tmp.path().join("roster-2030.csv");
    std::fs::write(&roster, roster_text).unwrap();
    let act = tmp.path().join("act");
    let o = compiled(&plan, &roster, &["--as-of", "01/11/2030"], &act, "en");
    assert_eq!(text(&o.stderr), "");

    // The oracle's world: the plan's head-counts, with 2030 as the roster has it.
    let actual = read_csv(&act.join("actual_stocks.csv"));
    let flat = tmp.path().join("flat");
    std::fs::create_dir(&flat).unwrap();
    let mut trajectory = String::from("year,unit,unit_name,group,gender,role,trained,headcount\n");
    for r in read_csv(&plan.join("trajectory.csv"))
        .iter()
        .filter(|r| r["year"] != "2030")
    {
        trajectory.push_str(&format!(
            "{},{},{},{},{},{},{},{}\n",
            r["year"],
            r["unit"],
            r["unit_name"],
            r["group"],
            r["gender"],
            r["role"],
            r["trained"],
            r["headcount"]
        ));
    }
    for r in &actual {
        trajectory.push_str(&format!(
            "2030,{},{},{},{},{},{},{}\n",
            r["unit"],
            r["unit_name"],
            r["group"],
            r["gender"],
            r["role"],
            r["trained"],
            r["actual"]
        ));
    }
    std::fs::write(flat.join("trajectory.csv"), trajectory).unwrap();
    std::fs::copy(plan.join("flows.csv"), flat.join("flows.csv")).unwrap();
    let oracle = common::oracle::recompute_targets(&dir, &flat);

    let planned_required: BTreeMap<(String, String), String> = read_csv(&plan.join("targets.csv"))
        .iter()
        .filter(|r| r["year"] == "2030")
        .map(|r| {
            (
                (r["unit"].clone(), r["rule"].clone()),
                r["required"].clone(),
            )
        })
        .collect();
    let status = read_csv(&act.join("rule_status.csv"));
    assert!(!status.is_empty());
    let mut changed = 0;
    for r in &status {
        let key = (r["unit"].clone(), r["rule"].clone(), 2030);
        let (required, _) = oracle[&key];
        assert_eq!(r["required"], required.to_string(), "{key:?}");
        changed += (planned_required.get(&(key.0, key.1)) != Some(&r["required"])) as u32;
    }
    assert!(
        changed > 0,
        "no requirement differs from the plan's: {status:?}"
    );
    assert!(report_words(&act).contains(&RECOMPUTED.to_string()));
    // The clause: no row of the plan's, a row of the actuals', D1 behind without an EM manager.
    assert!(!planned_required.contains_key(&("D1".to_string(), "R6".to_string())));
    let d1 = status
        .iter()
        .find(|r| r["unit"] == "D1" && r["rule"] == "R6")
        .expect("D1's EM-manager clause applies on the actual staff");
    assert_eq!(
        [&d1["required"], &d1["actual"], &d1["status"]],
        ["1", "0", "behind"]
    );
}

/// A scenario changed since its plan: a roster cannot be read against it (exit 2); forms are
/// still compiled, with the requirements left as the plan's, and said so first.
#[test]
fn a_changed_scenario_is_named_and_forms_keep_the_plan_s_requirements() {
    let (tmp, dir, plan) = planned();
    let forms = tmp.path().join("forms");
    common::forms::write_forms(&plan, "2026", &forms);
    replace_in(
        &dir,
        "units.csv",
        "C1,Commune 1,commune,80,10",
        "C1,Commune 1,commune,80,11",
    );
    let changed = format!(
        "units.csv in {} has changed since this plan was made; plan it again before",
        dir.display()
    );
    let act = tmp.path().join("act");
    let o = actuals(
        &plan,
        &dir.join("roster.csv"),
        &["--as-of", "01/11/2026"],
        &act,
        "en",
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        text(&o.stderr),
        format!("error: {changed} reading a roster against it\n")
    );
    let o = compiled(&plan, &forms, &[], &act, "en");
    assert_eq!(
        text(&o.stderr).lines().next().unwrap(),
        format!("warning: {changed} recomputing requirements on the actual staff; the requirements that are shares of EM staff (R6, R7 and R8 in a target year) are the plan's, not recomputed on the actual staff")
    );
    let words = report_words(&act);
    assert!(words.contains(&NOT_RECOMPUTED.to_string()), "{words:?}");
    assert!(!words.contains(&RECOMPUTED.to_string()));
    // In Vietnamese, the warning has no English left.
    let vi = tmp.path().join("act-vi");
    let o = compiled(&plan, &forms, &[], &vi, "vi");
    let first = text(&o.stderr).lines().next().unwrap().to_string();
    assert!(first.starts_with("cảnh báo: units.csv trong "), "{first}");
    for english in ["changed", "plan it", "requirements", "recomputed", "staff"] {
        assert!(!first.contains(english), "{english:?} in: {first}");
    }
}
