//! Streamlining exits (`staffing.exits`, docs/model.md assumption 3) on a fixture solved by
//! hand (`tests/fixtures/streamlining-exits`): whom each reading lets go, the optimum's cost,
//! `summary.json`'s `exits`, the console's line and `report.html`'s summary sentence, in both
//! languages.
//!
//! The fixture: ethnic section S1 (R8 only: every EM person trained by 2027, at 5 each),
//! quota 10 cut to 8 in 2027, two leader posts. Base staff: 2 Kinh leaders, 6 Kinh staff and
//! 2 untrained Thai staff (Thai is EM), so the EM share of the staff who are not leaders is
//! 2/8. No retirements, no attrition. Salaries 1 a staff-year and 100 a leader-year,
//! severance 1, I1 off, `min_fill = 0`.
//!
//! - `forced`: with no hire S1 holds 10 in 2027 against a quota of 8, so it must let 2 go in
//!   2027 (none in 2026, where the quota is 10). No leader; the Thai at most ⌈(2/8) · 2⌉ = 1
//!   of the 2 let go (the Kinh are not capped). Letting both untrained Thai go
//!   would save their training (R8); the cap keeps one, trained. So one Kinh and one Thai.
//!   Cost: 2026 salaries 2 · 100 + 8 = 208, 2027 2 · 100 + 6 = 206, severance 2, one
//!   training 5: 421 (without the cap, 416).
//! - `quota-cuts`: up to the 2 people of the 2027 cut, the Thai at most ⌈(2/10) · 2⌉ = 1
//!   (leaders counted, as they may go): the two Kinh leaders, whose salaries are the
//!   dearest. Cost: 208, then 8 in 2027, severance 2, two trainings 10: 228. With
//!   `exit_leaders = false` the Thai at most ⌈(2/8) · 2⌉ = 1, as under `forced`: one Kinh and
//!   one Thai, 421 (without the cap, both untrained Thai, whose going saves their training:
//!   416).
//! - `forced` where retirements absorb the cut (2 Kinh staff retire in 2026): nobody is let
//!   go. Cost: 2026 2 · 100 + 6 = 206, 2027 206, two trainings 10: 422.

use crate::common;

use common::{
    assert_proven_objective, copy_fixture, num, plan_in_lang, read_csv, replace_in, summary,
};
use std::collections::BTreeMap;
use std::path::Path;

/// The `exit` rows of `flows.csv`: people by (year, group, role).
fn exits(out: &Path) -> BTreeMap<(i32, String, String), u32> {
    let mut e = BTreeMap::new();
    for r in read_csv(&out.join("flows.csv")) {
        if r["flow"] == "exit" {
            *e.entry((
                r["year"].parse().unwrap(),
                r["group"].clone(),
                r["role"].clone(),
            ))
            .or_default() += r["count"].parse::<u32>().unwrap();
        }
    }
    e
}

fn exit_map(rows: &[(i32, &str, &str, u32)]) -> BTreeMap<(i32, String, String), u32> {
    rows.iter()
        .map(|&(y, g, r, n)| ((y, g.to_string(), r.to_string()), n))
        .collect()
}

/// Plans `dir` into `name` of `tmp` in `lang`; the output folder and the console.
/// The optimum's cost (no shortfall: the objective is the cost), proven.
fn assert_cost(out: &Path, cost: f64) {
    assert_eq!(num(&summary(out), &["total_cost"]), cost, "total_cost");
    assert_proven_objective(out, cost);
}

/// `summary.json`'s `exits`: (exits, leaders, em, reading).
fn record(out: &Path) -> (f64, f64, f64, String) {
    let s = summary(out);
    (
        num(&s, &["exits", "exits"]),
        num(&s, &["exits", "leaders"]),
        num(&s, &["exits", "em"]),
        s["exits"]["reading"].as_str().unwrap().to_string(),
    )
}

#[test]
fn forced_exits_let_go_only_whom_the_quota_cut_leaves_over_neither_leaders_nor_by_group() {
    let (tmp, dir) = copy_fixture("streamlining-exits");
    let (out, console) = plan_in_lang(&dir, &tmp, "en", "en");
    assert_eq!(
        exits(&out),
        exit_map(&[(2027, "Kinh", "staff", 1), (2027, "Thai", "staff", 1)])
    );
    assert_cost(&out, 421.0);
    assert_eq!(record(&out), (2.0, 0.0, 1.0, "forced".to_string()));
    assert!(
        console.contains(
            "streamlining exits 2026–2027: 2 people let go, 0 of them leaders, 1 of them EM (staffing.exits = forced)\n"
        ),
        "{console}"
    );
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        report.contains(
            "The plan lets 2 people go through streamlining exits: 0 of them leaders, 1 of them EM (staffing.exits = forced)."
        ),
        "report.html"
    );
    let (out, console) = plan_in_lang(&dir, &tmp, "vi", "vi");
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        report.contains(
            "Kế hoạch tinh giản biên chế 2 người (thôi việc), trong đó 0 người giữ chức vụ lãnh đạo, quản lý; 1 người DTTS (staffing.exits = forced)."
        ),
        "report.html"
    );
    assert!(
        console.contains(
            "tinh giản biên chế 2026–2027: 2 người thôi việc (0 người giữ chức vụ lãnh đạo, quản lý; 1 người DTTS) (staffing.exits = forced)\n"
        ),
        "{console}"
    );
}

#[test]
fn quota_cuts_let_the_dearest_go_leaders_first() {
    let (tmp, dir) = copy_fixture("streamlining-exits");
    replace_in(
        &dir,
        "scenario.toml",
        "exits = \"forced\"",
        "exits = \"quota-cuts\"\nexit_leaders = true",
    );
    let (out, console) = plan_in_lang(&dir, &tmp, "out", "en");
    assert_eq!(exits(&out), exit_map(&[(2027, "Kinh", "leader", 2)]));
    assert_cost(&out, 228.0);
    assert_eq!(record(&out), (2.0, 2.0, 0.0, "quota-cuts".to_string()));
    assert!(
        console.contains(
            "streamlining exits 2026–2027: 2 people let go, 2 of them leaders, 0 of them EM (staffing.exits = quota-cuts)\n"
        ),
        "{console}"
    );
}

/// `quota-cuts` with `exit_leaders = false`: letting the two untrained Thai go would save
/// their training (R8 counts the EM left; 416), but the Thai may be at most ⌈(2/8) · 2⌉ = 1
/// of the 2 people of the cut: one Kinh and one Thai go, the other Thai is trained. Cost:
/// 208, then 2 · 100 + 6 in 2027, severance 2, one training 5: 421.
#[test]
fn quota_cuts_that_keep_the_leaders_let_each_group_go_in_its_share() {
    let (tmp, dir) = copy_fixture("streamlining-exits");
    replace_in(
        &dir,
        "scenario.toml",
        "exits = \"forced\"",
        "exits = \"quota-cuts\"\nexit_leaders = false",
    );
    let (out, _) = plan_in_lang(&dir, &tmp, "out", "en");
    assert_eq!(
        exits(&out),
        exit_map(&[(2027, "Kinh", "staff", 1), (2027, "Thai", "staff", 1)])
    );
    assert_cost(&out, 421.0);
    assert_eq!(record(&out), (2.0, 0.0, 1.0, "quota-cuts".to_string()));
}

#[test]
fn forced_exits_are_none_where_those_who_leave_anyway_absorb_the_cut() {
    let (tmp, dir) = copy_fixture("streamlining-exits");
    std::fs::write(
        dir.join("retirements.csv"),
        "unit,group,gender,role,trained,year,count\nS1,Kinh,M,staff,yes,2026,2\n",
    )
    .unwrap();
    let (out, _) = plan_in_lang(&dir, &tmp, "out", "en");
    assert!(exits(&out).is_empty(), "{:?}", exits(&out));
    assert_cost(&out, 422.0);
    assert_eq!(record(&out), (0.0, 0.0, 0.0, "forced".to_string()));
}

/// `comparison.csv` sets the two readings side by side: the people let go and the leaders
/// among them, as each plan's `summary.json` says.
#[test]
fn compare_shows_whom_each_reading_lets_go() {
    let (_f, forced) = copy_fixture("streamlining-exits");
    let (_q, cuts) = copy_fixture("streamlining-exits");
    replace_in(
        &cuts,
        "scenario.toml",
        "exits = \"forced\"",
        "exits = \"quota-cuts\"\nexit_leaders = true",
    );
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cmp");
    let o = common::compare(&[&forced, &cuts], &out, "2");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = read_csv(&out.join("comparison.csv"));
    let let_go: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r["exits"].clone(), r["exits_leaders"].clone()))
        .collect();
    assert_eq!(
        let_go,
        [
            ("2".to_string(), "0".to_string()),
            ("2".to_string(), "2".to_string())
        ]
    );
    for r in &rows {
        let (exits, leaders, _, _) = record(&out.join(&r["scenario"]));
        assert_eq!(r["exits"], exits.to_string());
        assert_eq!(r["exits_leaders"], leaders.to_string());
    }
}
