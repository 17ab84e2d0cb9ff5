//! Leaders stepping down at the end of their term (`staffing.leader_term_years`, docs/model.md
//! assumption 3) on a fixture solved by hand (`tests/fixtures/leader-terms`).
//!
//! The fixture: commune C1, quota 15, five leader posts, all held by Kinh men; ten trained
//! Thai staff (Thai is EM), five women. No retirements, no attrition, no exits to make.
//! Salaries 1 a staff-year and 10 a leader-year, a promotion 10. R6 asks 20% of the ten EM
//! staff as EM leaders, 2, and R7 one EM woman among them, in 2030.
//!
//! - Terms of 5 years: one of the five leaders' terms ends each year. Two Kinh leaders step
//!   down, in two years, and two Thai (one a woman at least) are promoted: each swap keeps
//!   the salaries (10 + 1 either way) and costs a promotion. Cost: five years of
//!   5 · 10 + 10 · 1, 300, and two promotions, 320.
//! - No step-downs (`leader_term_years = 0`): every post stays held, R6 is short by 2 and
//!   R7 by 1, at 100,000 each: 300,300.
//! - A horizon of 2026: one term has ended, so one swap: R6 short by 1. Cost 60 + 10 +
//!   100,000 = 100,070.
//! - Six posts, one of them free: the unit keeps its five leaders (`keep_leaders`), not six:
//!   two step-downs and two promotions, 320, the free post left free.
//! - A Kinh leader retiring in 2026, no step-downs: the unit keeps five leaders, so a Thai
//!   woman is promoted in 2026 (R7; R6 short by one, as six leaders would exceed the posts):
//!   five years of 5 · 10 + 9 · 1, 295, a promotion, 10, and 100,000. Without
//!   `keep_leaders` the post stays empty until the promotion of 2030: four years of 4 · 10 +
//!   10 · 1, 200, then 59 and the promotion, 100,269.

use crate::common;

use common::{
    assert_proven_objective, copy_fixture, num, plan_in_lang, plan_into, read_csv, replace_in,
    summary,
};
use std::collections::BTreeMap;
use std::path::Path;

/// People by (flow, group, gender, role) over the plan's years.
fn flows(out: &Path) -> BTreeMap<(String, String, String, String), u32> {
    let mut f = BTreeMap::new();
    for r in read_csv(&out.join("flows.csv")) {
        *f.entry((
            r["flow"].clone(),
            r["group"].clone(),
            r["gender"].clone(),
            r["role"].clone(),
        ))
        .or_default() += r["count"].parse::<u32>().unwrap();
    }
    f
}

fn of(f: &BTreeMap<(String, String, String, String), u32>, flow: &str, gender: &str) -> u32 {
    f.iter()
        .filter(|((k, _, g, _), _)| k == flow && (gender.is_empty() || g == gender))
        .map(|(_, n)| n)
        .sum()
}

/// The (required, achieved, shortfall) of a rule's row in `targets.csv`.
fn target(out: &Path, rule: &str, year: &str) -> (u32, u32, u32) {
    let rows = read_csv(&out.join("targets.csv"));
    let r = rows
        .iter()
        .find(|r| r["rule"] == rule && r["year"] == year && r["unit"] == "C1")
        .unwrap_or_else(|| panic!("no {rule} {year} row"));
    let n = |c: &str| r[c].parse().unwrap();
    (n("required"), n("achieved"), n("shortfall"))
}

#[test]
fn kinh_leaders_step_down_at_term_end_and_each_post_goes_to_an_em_promotion() {
    let (tmp, dir) = copy_fixture("leader-terms");
    let (out, console) = plan_in_lang(&dir, &tmp, "en", "en");
    let f = flows(&out);
    assert_eq!(
        f.get(&(
            "step_down".into(),
            "Kinh".into(),
            "M".into(),
            "leader".into()
        )),
        Some(&2),
        "{f:?}"
    );
    assert_eq!(of(&f, "step_down", ""), 2, "{f:?}");
    assert_eq!(of(&f, "promote", ""), 2, "{f:?}");
    assert!(of(&f, "promote", "F") >= 1, "{f:?}");
    assert_eq!(of(&f, "exit", ""), 0, "{f:?}");
    // Each year's step-downs within that year's promotions and the terms ended by then.
    let mut by_year: BTreeMap<i32, (u32, u32)> = BTreeMap::new();
    for r in read_csv(&out.join("flows.csv")) {
        let n: u32 = r["count"].parse().unwrap();
        let y = by_year.entry(r["year"].parse().unwrap()).or_default();
        match r["flow"].as_str() {
            "step_down" => y.0 += n,
            "promote" => y.1 += n,
            _ => {}
        }
    }
    for (year, (down, up)) in &by_year {
        assert!(down <= up, "{year}: {down} step-downs, {up} promotions");
        assert!(*down <= 1, "{year}: {down} step-downs, one term ending");
    }
    assert_proven_objective(&out, 320.0);
    assert_eq!(target(&out, "R6", "2030"), (2, 2, 0));
    assert_eq!(target(&out, "R7", "2030"), (1, 1, 0));
    common::oracle::replay_flows(&out, 2025, 2030);
    let s = summary(&out);
    assert_eq!(num(&s, &["exits", "step_downs"]), 2.0);
    assert_eq!(num(&s, &["exits", "step_downs_em"]), 0.0);
    assert!(
        console.contains(
            "leaders not re-appointed at the end of their term 2026–2030: 2, 0 of them EM, their unit promoting at least as many other people in each such year (staffing.leader_term_years = 5)\n"
        ),
        "{console}"
    );
    let (out, console) = plan_in_lang(&dir, &tmp, "vi", "vi");
    assert!(
        console.contains(
            "không bổ nhiệm lại khi hết thời hạn giữ chức vụ 2026–2030: 2 người (0 người DTTS), trong mỗi năm đó đơn vị bổ nhiệm ít nhất từng ấy người khác (staffing.leader_term_years = 5)\n"
        ),
        "{console}"
    );
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        report.contains(
            "2 người hết thời hạn giữ chức vụ không được bổ nhiệm lại và được bố trí công tác khác trong đơn vị, trong đó 0 người DTTS; trong mỗi năm đó đơn vị bổ nhiệm ít nhất từng ấy người khác (staffing.leader_term_years = 5)."
        ),
        "report.html"
    );
}

#[test]
fn without_step_downs_every_post_stays_held_and_r6_falls_short() {
    let (tmp, dir) = copy_fixture("leader-terms");
    replace_in(
        &dir,
        "scenario.toml",
        "leader_term_years = 5",
        "leader_term_years = 0",
    );
    let (out, console) = plan_in_lang(&dir, &tmp, "out", "en");
    let f = flows(&out);
    assert_eq!(of(&f, "step_down", "") + of(&f, "promote", ""), 0, "{f:?}");
    assert_proven_objective(&out, 300_300.0);
    assert_eq!(target(&out, "R6", "2030"), (2, 0, 2));
    assert_eq!(target(&out, "R7", "2030"), (1, 0, 1));
    assert!(!console.contains("stepping down"), "{console}");
}

#[test]
fn a_year_in_only_one_term_has_ended() {
    let (tmp, dir) = copy_fixture("leader-terms");
    replace_in(&dir, "scenario.toml", "horizon = 2030", "horizon = 2026");
    replace_in(&dir, "scenario.toml", "year = 2030", "year = 2026");
    replace_in(&dir, "channels.csv", "2026-2030", "2026");
    let (out, _) = plan_in_lang(&dir, &tmp, "out", "en");
    let f = flows(&out);
    assert_eq!(of(&f, "step_down", ""), 1, "{f:?}");
    assert_proven_objective(&out, 100_070.0);
    assert_eq!(target(&out, "R6", "2026"), (2, 1, 1));
    assert_eq!(target(&out, "R7", "2026"), (1, 1, 0));
}

#[test]
fn a_unit_keeps_its_base_year_leaders_not_every_post() {
    let (tmp, dir) = copy_fixture("leader-terms");
    replace_in(&dir, "units.csv", ",15,5", ",15,6");
    let (out, _) = plan_in_lang(&dir, &tmp, "out", "en");
    let f = flows(&out);
    assert_eq!(of(&f, "step_down", ""), 2, "{f:?}");
    assert_eq!(of(&f, "promote", ""), 2, "{f:?}");
    assert_proven_objective(&out, 320.0);
    assert_eq!(target(&out, "R6", "2030"), (2, 2, 0));
    for year in 2025..=2030 {
        assert_eq!(leaders(&out, year), 5, "{year}");
    }
}

/// A leader retiring is replaced within the year under `keep_leaders`, and not before the
/// target year without it.
#[test]
fn a_retiring_leader_is_replaced_in_the_year_the_post_falls_free() {
    for (keep, cost, first_promotion) in [("true", 100_305.0, "2026"), ("false", 100_269.0, "2030")]
    {
        let (tmp, dir) = copy_fixture("leader-terms");
        replace_in(
            &dir,
            "scenario.toml",
            "leader_term_years = 5",
            &format!("leader_term_years = 0\nkeep_leaders = {keep}"),
        );
        std::fs::write(
            dir.join("retirements.csv"),
            "unit,group,gender,role,trained,year,count\nC1,Kinh,M,leader,yes,2026,1\n",
        )
        .unwrap();
        let (out, _) = plan_in_lang(&dir, &tmp, "out", "en");
        let promotions: Vec<(String, String, String)> = read_csv(&out.join("flows.csv"))
            .iter()
            .filter(|r| r["flow"] == "promote")
            .map(|r| (r["year"].clone(), r["gender"].clone(), r["count"].clone()))
            .collect();
        assert_eq!(
            promotions,
            [(
                first_promotion.to_string(),
                "F".to_string(),
                "1".to_string()
            )],
            "keep_leaders = {keep}"
        );
        assert_proven_objective(&out, cost);
        assert_eq!(target(&out, "R6", "2030"), (2, 1, 1));
        assert_eq!(target(&out, "R7", "2030"), (1, 1, 0));
        let expected = if keep == "true" { 5 } else { 4 };
        assert_eq!(leaders(&out, 2027), expected, "keep_leaders = {keep}");
    }
}

/// The leaders of the plan at the end of `year`.
fn leaders(out: &Path, year: i32) -> u32 {
    read_csv(&out.join("trajectory.csv"))
        .iter()
        .filter(|r| r["year"] == year.to_string() && r["role"] == "leader")
        .map(|r| r["headcount"].parse::<u32>().unwrap())
        .sum()
}

#[test]
fn a_term_longer_than_ten_years_is_refused_naming_the_line() {
    let (tmp, dir) = copy_fixture("leader-terms");
    replace_in(
        &dir,
        "scenario.toml",
        "leader_term_years = 5",
        "leader_term_years = 12",
    );
    for (lang, text) in [
        ("en", "error: scenario.toml, line 22: field 'staffing.leader_term_years': expected 0 (leaders never step down) to 10 years (an appointment is for 5), found 12\n"),
        ("vi", "lỗi: scenario.toml, dòng 22: cột 'staffing.leader_term_years': cần từ 0 (lãnh đạo hết thời hạn giữ chức vụ vẫn được bổ nhiệm lại) đến 10 năm (mỗi lần bổ nhiệm là 5 năm), gặp 12\n"),
    ] {
        let o = plan_into(&dir, &tmp.path().join(lang), &["--lang", lang]);
        assert_eq!(o.status.code(), Some(2));
        assert_eq!(String::from_utf8_lossy(&o.stderr), text);
        assert!(!tmp.path().join(lang).exists(), "no output folder");
    }
}
