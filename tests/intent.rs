//! The intent rules I1–I4 and the yearly milestones, each on a tiny fixture solved by hand
//! (`tests/fixtures/intent-*`): the rule switched off and on, and the optimum changing the
//! way the rule says, with exact numbers. Then an independent recomputation of every I1, I2
//! and I3 row of `targets.csv` from the plan's tables and the raw input, sharing no
//! code with `src/` (tests/common only runs the binary and reads its files), and the two input
//! errors of the new settings.
//!
//! Every fixture has salaries of 1 or 10 a person-year, no attrition besides
//! `retirements.csv` (`other_rate = 0`, `new_hire_rate = 0` unless said), `r5_weight = 0`,
//! and `[solver] method = "monolithic"`, so each plan is a proven optimum in well under a
//! second. Thai is EM, Kinh is not.

use crate::common;

use common::{bienche, copy_fixture, fixture, num, plan_to, read_csv, replace_in, summary, Row};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------
// Helpers of this file: writing a fixture's file, planning, reading the output tables.

fn write(dir: &Path, file: &str, text: &str) {
    std::fs::write(dir.join(file), text).unwrap();
}

/// Plans `dir` into `tmp/out` (a fresh name each call) and returns the output folder.
fn plan(dir: &Path, tmp: &tempfile::TempDir, name: &str) -> PathBuf {
    let out = tmp.path().join(name);
    let o = plan_to(dir, &out);
    assert!(
        o.status.success(),
        "plan of {} failed: {}",
        dir.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

/// Plans an unchanged fixture.
fn plan_fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = plan(&fixture(name), &tmp, "out");
    (tmp, out)
}

/// Asserts the plan's total cost and objective, and that the optimum is proven.
fn assert_cost(out: &Path, total_cost: f64, objective: f64) {
    let s = summary(out);
    assert_eq!(num(&s, &["total_cost"]), total_cost, "total_cost");
    assert_eq!(num(&s, &["solver", "objective"]), objective, "objective");
    assert_eq!(s["solver"]["status"], "optimal");
    assert!(
        (num(&s, &["solver", "bound"]) - objective).abs() <= 1e-6 * objective.max(1.0),
        "bound {} against objective {objective}",
        s["solver"]["bound"]
    );
}

/// Hires by (year, unit, channel, group): whole people.
fn hires(out: &Path) -> BTreeMap<(i32, String, String, String), u32> {
    let mut h = BTreeMap::new();
    for r in read_csv(&out.join("flows.csv")) {
        if r["flow"] == "hire" {
            *h.entry((
                r["year"].parse().unwrap(),
                r["unit"].clone(),
                r["channel"].clone(),
                r["group"].clone(),
            ))
            .or_default() += r["count"].parse::<u32>().unwrap();
        }
    }
    h
}

fn hire_map(
    items: &[(i32, &str, &str, &str, u32)],
) -> BTreeMap<(i32, String, String, String), u32> {
    items
        .iter()
        .map(|&(y, u, c, g, n)| ((y, u.into(), c.into(), g.into()), n))
        .collect()
}

/// A row of `targets.csv`: (required, achieved, shortfall, met, kind).
type Outcome = (u32, u32, u32, bool, String);

fn outcome(r: &Row) -> Outcome {
    (
        r["required"].parse().unwrap(),
        r["achieved"].parse().unwrap(),
        r["shortfall"].parse().unwrap(),
        r["met"] == "true",
        r["kind"].clone(),
    )
}

/// The rows of `rule`, keyed by (unit, year).
fn rows_of(out: &Path, rule: &str) -> BTreeMap<(String, i32), Outcome> {
    let mut m = BTreeMap::new();
    for r in read_csv(&out.join("targets.csv")) {
        if r["rule"] == rule {
            let key = (r["unit"].clone(), r["year"].parse().unwrap());
            assert!(
                m.insert(key.clone(), outcome(&r)).is_none(),
                "two {rule} rows for {key:?}"
            );
        }
    }
    m
}

fn row(
    unit: &str,
    year: i32,
    required: u32,
    achieved: u32,
    kind: &str,
) -> ((String, i32), Outcome) {
    let shortfall = required.saturating_sub(achieved);
    (
        (unit.to_string(), year),
        (
            required,
            achieved,
            shortfall,
            shortfall == 0,
            kind.to_string(),
        ),
    )
}

/// Head-count by (year, unit), all cells, from `trajectory.csv`.
fn headcounts(out: &Path) -> BTreeMap<(i32, String), u32> {
    let mut h = BTreeMap::new();
    for r in read_csv(&out.join("trajectory.csv")) {
        *h.entry((r["year"].parse().unwrap(), r["unit"].clone()))
            .or_default() += r["headcount"].parse::<u32>().unwrap();
    }
    h
}

// ---------------------------------------------------------------------------------------
// I1: EM head-count never below the base-year level.

/// `intent-em-number`: ethnic section S1 (no rate rule; R8 only), quota 10, base staff 5 EM
/// (Thai, trained) + 5 Kinh. One EM retires in 2026 and one in 2027. Channels: trained EM at
/// 100, Kinh at 10. Salaries 1 a person-year, `min_fill = 0`, I3 off, no milestones.
///
/// Letter only (I1 off): R8 in 2027 asks every EM person trained, and they all are; nothing
/// asks for staff, so the optimum hires nobody. Cost = salaries 9 (2026) + 8 (2027) = 17.
///
/// I1 on: EM ≥ 5 in 2026 and 2027. The 2026 retirement leaves 4 → hire 1 EM in 2026; the
/// 2027 one leaves 4 again → hire 1 EM in 2027 (hiring both in 2026 would put 11 on a quota
/// of 10 and pay a year's salary more). A Kinh hire cannot help. Cost = 2 × 100 + salaries
/// 10 + 10 = 220. Rows: S1 and PROVINCE I1 = (5, 5) in both years, all met.
#[test]
fn i1_em_number_replaces_exactly_the_retiring_em_staff() {
    let (tmp, dir) = copy_fixture("intent-em-number");
    replace_in(
        &dir,
        "scenario.toml",
        "em_number = true",
        "em_number = false",
    );
    let off = plan(&dir, &tmp, "off");
    assert!(hires(&off).is_empty(), "{:?}", hires(&off));
    assert_cost(&off, 17.0, 17.0);
    assert!(rows_of(&off, "I1").is_empty());
    let h = headcounts(&off);
    assert_eq!(h[&(2026, "S1".into())], 9);
    assert_eq!(h[&(2027, "S1".into())], 8);

    let (_t, on) = plan_fixture("intent-em-number");
    assert_eq!(
        hires(&on),
        hire_map(&[
            (2026, "S1", "exam_em", "Thai", 1),
            (2027, "S1", "exam_em", "Thai", 1)
        ])
    );
    assert_cost(&on, 220.0, 220.0);
    let i1 = rows_of(&on, "I1");
    let expected: BTreeMap<_, _> = [
        row("S1", 2026, 5, 5, "intent"),
        row("S1", 2027, 5, 5, "intent"),
        row("PROVINCE", 2026, 5, 5, "intent"),
        row("PROVINCE", 2027, 5, 5, "intent"),
    ]
    .into_iter()
    .collect();
    assert_eq!(i1, expected);
    assert!(i1.values().all(|o| o.3));
    assert_eq!(summary(&on)["targets_missed"], 0);
}

/// The same unit with its quota cut from 10 to 9 in 2027: the 2027 floor is
/// ⌊5 · 9/10⌋ = ⌊4.5⌋ = 4 (not 5, and not ⌈4.5⌉). So 2026 still needs one EM hire (EM 4 → 5),
/// but the 2027 retirement may go unreplaced (EM 4 ≥ 4; head-count 9 = the new quota).
/// Cost = 100 + salaries 10 + 9 = 119.
#[test]
fn i1_floor_scales_down_with_a_quota_cut() {
    let (tmp, dir) = copy_fixture("intent-em-number");
    write(&dir, "quotas.csv", "unit,year,quota\nS1,2027,9\n");
    let out = plan(&dir, &tmp, "out");
    assert_eq!(hires(&out), hire_map(&[(2026, "S1", "exam_em", "Thai", 1)]));
    assert_cost(&out, 119.0, 119.0);
    let i1 = rows_of(&out, "I1");
    assert_eq!(i1[&("S1".into(), 2026)], (5, 5, 0, true, "intent".into()));
    assert_eq!(i1[&("S1".into(), 2027)], (4, 4, 0, true, "intent".into()));
    assert_eq!(
        i1[&("PROVINCE".into(), 2027)],
        (4, 4, 0, true, "intent".into())
    );
    check_intent_rows(&dir, &out);
}

/// `intent-em-share-floor`: commune C1, quota 12, one leader post held by a Thai woman, 5 Thai
/// men and 6 Kinh men on its staff, all trained; a Thai man retires in 2026, the target
/// year. R6 asks EM leaders ≥ ⌈20% · EM staff⌉: on the 6 EM staff I1 keeps that is 2, and
/// one post holds 1. EM hires cost 100, salaries 1, penalties the defaults (100,000 a
/// person short of a legal target, 10,000 of I1).
///
/// - I1 off: no hire; EM staff 5, R6 ⌈1.0⌉ = 1, met. Cost = salaries 11.
/// - I1 on, priced at 10,000 in the target year too (before): no hire; EM staff 5, R6
///   met, I1 short by 1: objective 11 + 10,000. Letting the EM retiree go unreplaced lowered
///   R6's requirement by a person, worth 100,000.
/// - I1 on, priced at 10,000 + 3 × 100,000 in a target year (R6, R7 and R8 can each move by
///   a person with one EM person): the plan hires one Thai, I1 is met, and R6 is missed by 1
///   (2 asked of 6 EM staff, 1 post). Cost = 100 + salaries 12 = 112; objective 112 + 100,000.
#[test]
fn em_staff_let_go_below_i1_never_lower_what_r6_asks() {
    let (tmp, dir) = copy_fixture("intent-em-share-floor");
    replace_in(
        &dir,
        "scenario.toml",
        "em_number = true",
        "em_number = false",
    );
    let off = plan(&dir, &tmp, "off");
    assert!(hires(&off).is_empty(), "{:?}", hires(&off));
    assert_cost(&off, 11.0, 11.0);
    assert_eq!(
        rows_of(&off, "R6")[&("C1".into(), 2026)],
        (1, 1, 0, true, "target".into())
    );

    let (_t, on) = plan_fixture("intent-em-share-floor");
    assert_eq!(hires(&on), hire_map(&[(2026, "C1", "exam_em", "Thai", 1)]));
    assert_cost(&on, 112.0, 100_112.0);
    assert_eq!(
        rows_of(&on, "R6")[&("C1".into(), 2026)],
        (2, 1, 1, false, "target".into())
    );
    assert_eq!(
        rows_of(&on, "I1")[&("C1".into(), 2026)],
        (6, 6, 0, true, "intent".into())
    );
    check_intent_rows(&fixture("intent-em-share-floor"), &on);
}

// ---------------------------------------------------------------------------------------
// I3: the base-year fill rate of the quota in force.

/// `intent-base-fill`: two ethnic sections, Kinh staff only (no EM rule binds), one Kinh
/// channel at 10, salaries 1, `staffing.min_fill = 0.9`, rounding `ceiling`.
/// - S1: quota 10, 10 staff (100%); one retires in 2026 and one in 2027.
/// - U2: quota 20, 19 staff (95%); quota 18 from 2027; one retires in 2026 and one in 2027.
///
/// `keep_base_fill = false`: floor = ⌈0.9 · quota⌉: S1 9 and 9, U2 18 and ⌈16.2⌉ = 17.
/// S1 falls to 9 (ok), then 8 → hire 1 in 2027; U2 falls to 18, then 17 (ok): 1 hire.
/// Cost = 10 + salaries (9 + 9) + (18 + 17) = 63.
///
/// `keep_base_fill = true`: S1 floor = ⌈1.0 · 10⌉ = 10 → hire 1 in 2026 and 1 in 2027;
/// U2 floor = ⌈0.95 · 20⌉ = 19 in 2026 → hire 1; ⌈0.95 · 18⌉ = ⌈17.1⌉ = 18 in 2027, met by
/// 19 − 1 = 18 with no hire. 3 hires: 30 + salaries (10 + 10) + (19 + 18) = 87. I3 rows:
/// S1 (10, 10) twice, U2 (19, 19) and (18, 18).
#[test]
fn i3_keeps_the_base_fill_rate_instead_of_the_min_fill_floor() {
    let (tmp, dir) = copy_fixture("intent-base-fill");
    replace_in(
        &dir,
        "scenario.toml",
        "keep_base_fill = true",
        "keep_base_fill = false",
    );
    let off = plan(&dir, &tmp, "off");
    assert_eq!(
        hires(&off),
        hire_map(&[(2027, "S1", "exam_kinh", "Kinh", 1)])
    );
    assert_cost(&off, 63.0, 63.0);
    assert!(rows_of(&off, "I3").is_empty());
    let h = headcounts(&off);
    let staff = |h: &BTreeMap<(i32, String), u32>, y: i32, u: &str| h[&(y, u.to_string())];
    assert_eq!(
        [
            staff(&h, 2026, "S1"),
            staff(&h, 2027, "S1"),
            staff(&h, 2026, "U2"),
            staff(&h, 2027, "U2")
        ],
        [9, 9, 18, 17]
    );
    assert!(summary(&off)["staffing_issues"]
        .as_array()
        .unwrap()
        .is_empty());

    let (_t, on) = plan_fixture("intent-base-fill");
    assert_eq!(
        hires(&on),
        hire_map(&[
            (2026, "S1", "exam_kinh", "Kinh", 1),
            (2026, "U2", "exam_kinh", "Kinh", 1),
            (2027, "S1", "exam_kinh", "Kinh", 1)
        ])
    );
    assert_cost(&on, 87.0, 87.0);
    let expected: BTreeMap<_, _> = [
        row("S1", 2026, 10, 10, "intent"),
        row("S1", 2027, 10, 10, "intent"),
        row("U2", 2026, 19, 19, "intent"),
        row("U2", 2027, 18, 18, "intent"),
    ]
    .into_iter()
    .collect();
    assert_eq!(rows_of(&on, "I3"), expected);
    let h = headcounts(&on);
    assert_eq!(
        [
            staff(&h, 2026, "S1"),
            staff(&h, 2027, "S1"),
            staff(&h, 2026, "U2"),
            staff(&h, 2027, "U2")
        ],
        [10, 10, 19, 18]
    );
    assert!(summary(&on)["staffing_issues"]
        .as_array()
        .unwrap()
        .is_empty());
}

// ---------------------------------------------------------------------------------------
// I2: who is hired.

/// A copy of `intent-hiring` with `settings` added to its `[intent]` table (after
/// `hiring_composition = true`; `off` replaces that line) and, when given, its EM exam's row
/// of channels.csv edited from `exam_em,2026-2027,EM,all,,100` to `exam_em`.
fn hiring_fixture(settings: &str, exam_em: Option<&str>) -> (tempfile::TempDir, PathBuf) {
    let (tmp, dir) = copy_fixture("intent-hiring");
    let line = match settings {
        "off" => "hiring_composition = false".to_string(),
        s => format!("hiring_composition = true\n{s}"),
    };
    replace_in(&dir, "scenario.toml", "hiring_composition = true", &line);
    if let Some(row) = exam_em {
        replace_in(&dir, "channels.csv", "exam_em,2026-2027,EM,all,,100", row);
    }
    (tmp, dir)
}

/// `intent-hiring`: ethnic section S1 (EM population 75%), quota 10, full with 5 Thai and
/// 5 Kinh; 4 Kinh retire in 2026. Channels: `exam_em` (Thai, trained, 100 a hire) and
/// `exam_kinh` (10 a hire). Salaries 1. The no-plan forecast refills the 4 posts in 2026
/// (its staff's mix) and hires nobody in 2027.
///
/// I2 off: the 4 posts (I3 keeps the unit full) are refilled through the cheaper Kinh exam:
/// 40 + salaries 10 + 10 = 60.
/// I2 on, forecast basis (the share is of the forecast's 4 hires): EM hires by 2026
/// ≥ ⌈0.75 · 4 − 1⌉ = 2 (the yearly tolerance of 1), by 2027, the horizon, ≥ ⌈0.75 · 4⌉ = 3.
/// No post is free in 2027, so all three come in 2026: 3 Thai and 1 Kinh, 310 + 20 = 330,
/// against 2 Thai and 2 Kinh with the 2027 row one short (220 + 20 + 500 = 740) or 4 Thai
/// (420). Rows: S1 I2 2026 (2, 3) and 2027 (3, 3), both met.
/// I2 on, plan basis (the share is of the plan's own 4 hires): the horizon row asks
/// 0.75 · 4 = 3 and 2026's 3 − 1 = 2: the same plan and cost, with the horizon row named
/// `S1/horizon`.
#[test]
fn i2_hires_the_em_share_of_the_forecasts_hires() {
    let (tmp, dir) = hiring_fixture("off", None);
    let off = plan(&dir, &tmp, "off");
    assert_eq!(
        hires(&off),
        hire_map(&[(2026, "S1", "exam_kinh", "Kinh", 4)])
    );
    assert_cost(&off, 60.0, 60.0);
    assert!(rows_of(&off, "I2").is_empty());

    let (_t, on) = plan_fixture("intent-hiring");
    let expected_hires = hire_map(&[
        (2026, "S1", "exam_em", "Thai", 3),
        (2026, "S1", "exam_kinh", "Kinh", 1),
    ]);
    assert_eq!(hires(&on), expected_hires);
    assert_cost(&on, 330.0, 330.0);
    let expected: BTreeMap<_, _> = [
        row("S1", 2026, 2, 3, "intent"),
        row("S1", 2027, 3, 3, "intent"),
    ]
    .into_iter()
    .collect();
    assert_eq!(rows_of(&on, "I2"), expected);

    let (tmp, dir) = hiring_fixture("hiring_basis = \"plan\"", None);
    let by_plan = plan(&dir, &tmp, "plan-basis");
    assert_eq!(hires(&by_plan), expected_hires);
    assert_cost(&by_plan, 330.0, 330.0);
    let expected: BTreeMap<_, _> = [
        row("S1", 2026, 2, 3, "intent"),
        row("S1/horizon", 2027, 3, 3, "intent"),
    ]
    .into_iter()
    .collect();
    assert_eq!(rows_of(&by_plan, "I2"), expected);
}

/// The console and `summary.json` say who the plan hires against who lives in the province,
/// I2 on or off: on `intent-hiring`, 4 Kinh hires with I2 off and 3 Thai and 1 Kinh with it
/// on (the test above), counted again here from `flows.csv`. Its `groups.csv` is made to add
/// up to 90% (Thai 72, Kinh 18): the population's EM share is still 80%, as R5 reads it.
#[test]
fn the_summary_says_who_is_hired_against_the_population() {
    let cases = [
        (
            "off",
            0,
            "0.0",
            "off ([intent] hiring_composition)",
            "tắt ([intent] hiring_composition)",
        ),
        ("on", 3, "75.0", "on", "bật"),
    ];
    for (setting, em, share, en_rule, vi_rule) in cases {
        let (tmp, dir) = if setting == "off" {
            hiring_fixture("off", None)
        } else {
            copy_fixture("intent-hiring")
        };
        replace_in(
            &dir,
            "groups.csv",
            "Thai,yes,80\nKinh,no,20",
            "Thai,yes,72\nKinh,no,18",
        );
        let mut printed = Vec::new();
        for lang in ["en", "vi"] {
            let out = tmp.path().join(format!("out-{lang}"));
            let o = bienche(&[
                "plan",
                dir.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--lang",
                lang,
            ]);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            printed.push(String::from_utf8_lossy(&o.stdout).into_owned());
            // The same in the report's summary, in the run's language.
            let on_off = match (lang, setting) {
                ("en", "on") => "is on.",
                ("en", _) => "is off.",
                (_, "on") => "đang bật.",
                _ => "đang tắt.",
            };
            let sentence = if lang == "en" {
                format!("The plan hires 4 people, {em} of them EM ({share}%), where EM are 80.0% of the population; the rule on the EM share of hires (I2) {on_off}")
            } else {
                format!(
                    "Kế hoạch tuyển 4 người, trong đó {em} người DTTS ({}%), trong khi người DTTS chiếm 80,0% dân số; yêu cầu I2 (tỷ lệ người DTTS trong số người được tuyển dụng) {on_off}",
                    share.replace('.', ",")
                )
            };
            let report = std::fs::read_to_string(out.join("report.html")).unwrap();
            assert!(report.contains(&sentence), "{sentence}");
            let from_flows: u32 = hires(&out).values().sum();
            let em_from_flows: u32 = hires(&out)
                .iter()
                .filter(|((_, _, _, group), _)| group == "Thai")
                .map(|(_, n)| n)
                .sum();
            assert_eq!((from_flows, em_from_flows), (4, em), "I2 {setting}");
            let h = &summary(&out)["hiring"];
            assert_eq!(h["hires"], 4, "{h}");
            assert_eq!(h["em_hires"], em, "{h}");
            assert_eq!(num(h, &["em_share_percent"]), f64::from(em) * 25.0, "{h}");
            assert_eq!(num(h, &["population_em_share_percent"]), 80.0, "{h}");
            assert_eq!(h["composition_rule"], setting == "on", "{h}");
        }
        let en = format!(
            "hires 2026–2027: 4, of which {em} EM ({share}%; EM are 80.0% of the population); I2, the EM share of hires, is {en_rule}\n"
        );
        let vi = format!(
            "tuyển dụng 2026–2027: 4 người, trong đó {em} người DTTS ({}%; người DTTS chiếm 80,0% dân số); yêu cầu I2 (tỷ lệ người DTTS trong số người được tuyển dụng) đang {vi_rule}\n",
            share.replace('.', ",")
        );
        assert!(printed[0].contains(&en), "I2 {setting}: {}", printed[0]);
        assert!(printed[1].contains(&vi), "I2 {setting}: {}", printed[1]);
    }
}

/// The same unit with its EM exam capped at 2 hires in 2026: the third EM hire has no post
/// in 2027, so the 2027 row is one short and priced at `hiring_penalty` (500): 2 Thai and
/// 2 Kinh, 220 + 20 + 500 = 740 objective, 240 cost.
#[test]
fn i2_short_where_the_em_channel_is_capped_is_priced_at_the_hiring_penalty() {
    let (tmp, dir) = hiring_fixture("", Some("exam_em,2026-2027,EM,all,2,100"));
    let out = plan(&dir, &tmp, "capped");
    assert_eq!(
        hires(&out),
        hire_map(&[
            (2026, "S1", "exam_em", "Thai", 2),
            (2026, "S1", "exam_kinh", "Kinh", 2)
        ])
    );
    assert_cost(&out, 240.0, 740.0);
    let expected: BTreeMap<_, _> = [
        row("S1", 2026, 2, 2, "intent"),
        row("S1", 2027, 3, 2, "intent"),
    ]
    .into_iter()
    .collect();
    assert_eq!(rows_of(&out, "I2"), expected);
}

/// The same unit with its EM exam open only in 2027: the 2026 posts are refilled with Kinh
/// (I3) and no post is free in 2027, so no EM hire is made. Both rows are short, 2 and 3,
/// at 500 each, held by the unit or by the province (whose row then asks the same and is
/// priced although no EM hire can count in it): cost 40 + 20 = 60, objective 60 + 2,500.
#[test]
fn i2_rows_before_any_em_hire_is_possible_are_priced() {
    for scope in ["unit", "province"] {
        let (tmp, dir) = hiring_fixture(
            &format!("hiring_scope = \"{scope}\""),
            Some("exam_em,2027-2027,EM,all,,100"),
        );
        let out = plan(&dir, &tmp, scope);
        assert_eq!(
            hires(&out),
            hire_map(&[(2026, "S1", "exam_kinh", "Kinh", 4)])
        );
        assert_cost(&out, 60.0, 2560.0);
        check_intent_rows(&dir, &out);
    }
}

/// Two units S1 and S2 like `intent-hiring`'s S1, S2 flagged `difficult`, and the EM exam
/// capped at 2 hires. Each unit's rows ask 2 by 2026 and 3 by 2027; the province's ask
/// ⌈0.75 · 8 − 1⌉ = 5 and ⌈0.75 · 8⌉ = 6 (the shares summed before rounding, one tolerance).
/// - Held by each unit: the 2 EM hires go to S2, whose shortfall costs twice as much
///   (S2 one short in 2027 at 1,000, S1 2 + 3 short at 500: 3,500; one each would cost
///   3 · 1,000 + 3 · 500 = 4,500). Cost: 2 Thai 200, 6 Kinh 60, salaries 40 = 300;
///   objective 3,800.
/// - Held by the province: 2 EM hires against 5 and 6, 7 short at 500 (the province's row
///   has no difficult unit's priority): objective 3,800 again, the units' rows reported.
#[test]
fn i2_prefers_difficult_units_and_the_province_rounds_its_sum() {
    for scope in ["unit", "province"] {
        let (tmp, dir) = hiring_fixture(
            &format!("hiring_scope = \"{scope}\""),
            Some("exam_em,2026-2027,EM,all,2,100"),
        );
        write(
            &dir,
            "units.csv",
            "id,name,kind,em_population_share,quota,leader_posts,difficult\n\
             S1,Ethnic section 1,commune_ethnic_section,75,10,0,no\n\
             S2,Ethnic section 2,commune_ethnic_section,75,10,0,yes\n",
        );
        for file in ["staff.csv", "retirements.csv"] {
            let text = std::fs::read_to_string(dir.join(file)).unwrap();
            let s2: String = text
                .lines()
                .skip(1)
                .map(|l| format!("{}\n", l.replace("S1,", "S2,")))
                .collect();
            write(&dir, file, &format!("{text}{s2}"));
        }
        let out = plan(&dir, &tmp, scope);
        assert_cost(&out, 300.0, 3800.0);
        let i2 = rows_of(&out, "I2");
        if scope == "unit" {
            assert_eq!(
                hires(&out),
                hire_map(&[
                    (2026, "S1", "exam_kinh", "Kinh", 4),
                    (2026, "S2", "exam_em", "Thai", 2),
                    (2026, "S2", "exam_kinh", "Kinh", 2)
                ])
            );
        } else {
            assert_eq!(
                i2[&("PROVINCE".to_string(), 2026)],
                row("PROVINCE", 2026, 5, 2, "intent").1
            );
            assert_eq!(
                i2[&("PROVINCE".to_string(), 2027)],
                row("PROVINCE", 2027, 6, 2, "intent").1
            );
        }
        check_intent_rows(&dir, &out);
    }
}

// ---------------------------------------------------------------------------------------
// I4: a channel's nominated graduates placed.

/// `intent-min-hires`: ethnic section S1, quota 10, 8 Kinh staff (fill 80%, so I3 asks 8);
/// 2 retire in 2026. Channels: `exam` (Kinh, 10 a hire, 2026–2027) and `nominated` (EM,
/// trained, 100 a hire, 2026 only, max 5). Salaries 1; `new_hire_rate = 0`, so P = 0.
///
/// Without `min_hires` (empty cell, or no column): the 2 replacements come from the cheaper
/// `exam`: 20 + salaries 8 + 8 = 36.
/// With `min_hires = 2`: ⌊(1 − 0) · 2⌋ = 2 nominated graduates must be placed in 2026; they
/// also fill the 2 posts, so `exam` hires nobody: 200 + 16 = 216. I4 row: unit `nominated`,
/// 2026, (2, 2), met, kind intent.
#[test]
fn i4_min_hires_forces_exactly_that_many_hires_through_the_dearer_channel() {
    let (tmp, dir) = copy_fixture("intent-min-hires");
    replace_in(
        &dir,
        "channels.csv",
        ",5,100,50,yes,2\n",
        ",5,100,50,yes,\n",
    );
    let empty = plan(&dir, &tmp, "empty");
    assert_eq!(hires(&empty), hire_map(&[(2026, "S1", "exam", "Kinh", 2)]));
    assert_cost(&empty, 36.0, 36.0);
    assert!(rows_of(&empty, "I4").is_empty());

    write(
        &dir,
        "channels.csv",
        "channel,year,groups,kinds,max_hires,cost_per_hire,women_share,trained\n\
         exam,2026-2027,Kinh,all,,10,50,yes\n\
         nominated,2026,EM,all,5,100,50,yes\n",
    );
    let absent = plan(&dir, &tmp, "absent");
    assert_eq!(hires(&absent), hire_map(&[(2026, "S1", "exam", "Kinh", 2)]));
    assert_cost(&absent, 36.0, 36.0);
    assert!(rows_of(&absent, "I4").is_empty());

    let (_t, on) = plan_fixture("intent-min-hires");
    assert_eq!(
        hires(&on),
        hire_map(&[(2026, "S1", "nominated", "Thai", 2)])
    );
    assert_cost(&on, 216.0, 216.0);
    let expected: BTreeMap<_, _> = [row("nominated", 2026, 2, 2, "intent")]
        .into_iter()
        .collect();
    assert_eq!(rows_of(&on, "I4"), expected);
}

/// With new-hire leavers: `new_hire_rate = 0.2` for `new_hire_years = 1` gives P = 0.2, and
/// `min_hires = 3` asks ⌊0.8 · 3⌋ = ⌊2.4⌋ = 2 people who stay. Those 2 fill the 2 posts, at
/// 100/0.8 = 125 each: 250 + salaries 16 = 266.
#[test]
fn i4_min_hires_is_net_of_new_hire_leavers() {
    let (tmp, dir) = copy_fixture("intent-min-hires");
    replace_in(
        &dir,
        "channels.csv",
        ",5,100,50,yes,2\n",
        ",5,100,50,yes,3\n",
    );
    replace_in(
        &dir,
        "scenario.toml",
        "new_hire_rate = 0.0",
        "new_hire_rate = 0.2\nnew_hire_years = 1",
    );
    let out = plan(&dir, &tmp, "out");
    assert_eq!(
        hires(&out),
        hire_map(&[(2026, "S1", "nominated", "Thai", 2)])
    );
    let flows = read_csv(&out.join("flows.csv"));
    let cost: f64 = flows
        .iter()
        .filter(|r| r["flow"] == "hire")
        .map(|r| r["cost"].parse::<f64>().unwrap())
        .sum();
    assert_eq!(cost, 250.0);
    assert_cost(&out, 266.0, 266.0);
    let expected: BTreeMap<_, _> = [row("nominated", 2026, 2, 2, "intent")]
        .into_iter()
        .collect();
    assert_eq!(rows_of(&out, "I4"), expected);
}

/// `min_hires = 5` with the quota cut to 9: after the 2 retirements S1 has room for 3, and a
/// fourth person over quota would cost ten shortfall penalties (1,000,000) against I4's 10,000.
/// So 3 are placed and I4 is short by 2: objective = 300 + salaries 9 + 9 + 2 × 10,000.
#[test]
fn i4_unreachable_is_priced_at_the_intent_penalty() {
    let (tmp, dir) = copy_fixture("intent-min-hires");
    replace_in(
        &dir,
        "channels.csv",
        ",5,100,50,yes,2\n",
        ",5,100,50,yes,5\n",
    );
    replace_in(
        &dir,
        "units.csv",
        "commune_ethnic_section,90,10,0",
        "commune_ethnic_section,90,9,0",
    );
    let out = plan(&dir, &tmp, "out");
    assert_eq!(
        hires(&out),
        hire_map(&[(2026, "S1", "nominated", "Thai", 3)])
    );
    assert_cost(&out, 318.0, 318.0 + 2.0 * 10_000.0);
    let expected: BTreeMap<_, _> = [row("nominated", 2026, 5, 3, "intent")]
        .into_iter()
        .collect();
    assert_eq!(rows_of(&out, "I4"), expected);
    let s = summary(&out);
    let missed: Vec<&serde_json::Value> = s["missed"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["rule"] == "I4")
        .collect();
    assert_eq!(missed.len(), 1);
    assert_eq!(missed[0]["unit"], "nominated");
    assert_eq!(missed[0]["shortfall"], 2);
}

/// The "why" of the missed I4 row above. What stops the channel is S1's quota (3 free posts
/// for 5 graduates; the R2 fixture `unreachable` in tests/engine.rs reports exactly this as
/// "quota of C1 full in 2026–2027"). `diagnose::shortfalls` looks the row's unit up with
/// `spec.unit_index("nominated")`, finds no unit, and treats the channel row as a PROVINCE
/// row (the provincial-level units, of which this scenario has none), so it reports the
/// fallback "no limit is reached: …" instead of the full quota of the units the channel
/// places into. (The same lookup fails for I2's `X/horizon` rows.)
#[test]
fn i4_missed_row_names_the_full_quota_as_why() {
    let (tmp, dir) = copy_fixture("intent-min-hires");
    replace_in(
        &dir,
        "channels.csv",
        ",5,100,50,yes,2\n",
        ",5,100,50,yes,5\n",
    );
    replace_in(
        &dir,
        "units.csv",
        "commune_ethnic_section,90,10,0",
        "commune_ethnic_section,90,9,0",
    );
    let out = plan(&dir, &tmp, "out");
    let s = summary(&out);
    let m = s["missed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["rule"] == "I4")
        .expect("the I4 row is missed")
        .clone();
    let why: Vec<String> = m["why"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .collect();
    assert!(
        why.iter()
            .any(|w| w
                == "1 of the 1 units channel nominated places into have their quota full in 2026"),
        "{why:?}"
    );
    assert!(
        !why.iter().any(|w| w.starts_with("no limit is reached")),
        "{why:?}"
    );
}

// ---------------------------------------------------------------------------------------
// Milestones between the base year and a target year.

/// `intent-milestones`: provincial unit P1, quota 20, base staff 14 Kinh + 1 EM woman leader
/// (trained). One target year, 2030, level 1. Trained EM hires at 100; salaries 10. In 2030
/// R1 asks ⌈0.2 · 20⌉ = 4 EM; R4 ⌈0.2 · 4⌉ = 1 EM woman, R6 (PROVINCE) ⌈0.1 · EM⌉ = 1 EM
/// leader, R7 1 EM woman leader: all met by the base leader; R8: hires arrive trained. So
/// only R1 needs action: 3 EM hires.
///
/// `target-years-only`: all 3 hires in 2030 (each earlier year would pay a salary of 10).
/// Cost = 300 + salaries 10 · (15 · 4 + 18) = 1080. No milestone rows.
///
/// `linear`: from v0 = 1 EM in 2025 to 4 in 2030, f = (t − 2025)/5: 1 + 3f = 1.6, 2.2,
/// 2.8, 3.4 → ⌈⌉ = 2, 3, 3, 4 in 2026–2029. So hires 1 (2026), 1 (2027), 0 (2028),
/// 1 (2029): EM 2, 3, 3, 4, 4. Cost = 300 + 10 · (16 + 17 + 17 + 18 + 18) = 1160.
/// Milestone rows: R1, R4, R8 of P1 and R6, R7 of PROVINCE in each of 2026–2029 (R4
/// from 1 to 1: 1; R6: the base share 100% capped at the target's 10%, of the base year's
/// 1 EM: ⌈0.1⌉ = 1; R7 20% of 1: 1; R8 100% of the base year's 1 EM: 1), all met.
#[test]
fn milestones_move_action_from_the_target_year_onto_the_line() {
    let (tmp, dir) = copy_fixture("intent-milestones");
    replace_in(
        &dir,
        "scenario.toml",
        "milestones = \"linear\"",
        "milestones = \"target-years-only\"",
    );
    let off = plan(&dir, &tmp, "off");
    assert_eq!(hires(&off), hire_map(&[(2030, "P1", "exam_em", "Thai", 3)]));
    assert_cost(&off, 1080.0, 1080.0);
    let targets = read_csv(&off.join("targets.csv"));
    assert!(!targets.iter().any(|r| r["kind"] == "milestone"));
    assert!(targets
        .iter()
        .filter(|r| !["I1", "I2", "I3", "I4", "R5"].contains(&r["rule"].as_str()))
        .all(|r| r["year"] == "2030" && r["kind"] == "target"));

    let (_t, on) = plan_fixture("intent-milestones");
    let mut h = hires(&on);
    // The hires' group is EM in every case; their gender is the solver's choice.
    h.retain(|k, _| k.3 == "Thai");
    assert_eq!(
        h,
        hire_map(&[
            (2026, "P1", "exam_em", "Thai", 1),
            (2027, "P1", "exam_em", "Thai", 1),
            (2029, "P1", "exam_em", "Thai", 1)
        ])
    );
    assert_eq!(hires(&on).len(), 3);
    assert_cost(&on, 1160.0, 1160.0);
    let r1 = rows_of(&on, "R1");
    let expected: BTreeMap<_, _> = [
        row("P1", 2026, 2, 2, "milestone"),
        row("P1", 2027, 3, 3, "milestone"),
        row("P1", 2028, 3, 3, "milestone"),
        row("P1", 2029, 4, 4, "milestone"),
        row("P1", 2030, 4, 4, "target"),
    ]
    .into_iter()
    .collect();
    assert_eq!(r1, expected);
    let targets = read_csv(&on.join("targets.csv"));
    let milestones: BTreeSet<(String, String, i32)> = targets
        .iter()
        .filter(|r| r["kind"] == "milestone")
        .map(|r| {
            (
                r["unit"].clone(),
                r["rule"].clone(),
                r["year"].parse().unwrap(),
            )
        })
        .collect();
    let mut want = BTreeSet::new();
    for y in 2026..=2029 {
        for (u, rule) in [
            ("P1", "R1"),
            ("P1", "R4"),
            ("P1", "R8"),
            ("PROVINCE", "R6"),
            ("PROVINCE", "R7"),
        ] {
            want.insert((u.to_string(), rule.to_string(), y));
        }
    }
    assert_eq!(milestones, want);
    for (rule, unit, required) in [
        ("R4", "P1", 1),
        ("R8", "P1", 1),
        ("R6", "PROVINCE", 1),
        ("R7", "PROVINCE", 1),
    ] {
        for (&(ref u, y), o) in &rows_of(&on, rule) {
            if y < 2030 {
                assert_eq!(
                    (u.as_str(), o.0, o.3, o.4.as_str()),
                    (unit, required, true, "milestone"),
                    "{rule} {y}"
                );
            }
        }
    }
    // Every row but the R5 goal (r5_weight = 0 leaves it unpriced: 4 EM of 18 is far from
    // the population's 80%).
    assert!(
        targets
            .iter()
            .filter(|r| r["kind"] != "goal")
            .all(|r| r["met"] == "true"),
        "every row met"
    );
}

/// Two target years: 2027 at level 0.5 and 2030 at level 1. R1 asks ⌈0.5 · 0.2 · 20⌉ = 2 EM
/// in 2027 and 4 in 2030.
///
/// `target-years-only`: 1 hire in 2027, 2 in 2030. Cost = 300 + 10 · (15 + 16 + 16 + 16 +
/// 18) = 1110.
///
/// `linear`: 2026 lies on the line from the base year's 1 EM to 2 in 2027: 1.5 → 2; 2028
/// and 2029 lie on the line from 2027's required 2 to 4 in 2030: 2 + 2/3 → 3, 2 + 4/3 → 4.
/// Hires 1 (2026), 0 (2027), 1 (2028), 1 (2029), 0 (2030). Cost = 300 + 10 · (16 + 16 + 17
/// + 18 + 18) = 1150.
#[test]
fn milestones_of_the_second_segment_start_from_the_first_target() {
    let (tmp, dir) = copy_fixture("intent-milestones");
    replace_in(
        &dir,
        "scenario.toml",
        "targets = [{ year = 2030, level = 1.0 }]",
        "targets = [{ year = 2027, level = 0.5 }, { year = 2030, level = 1.0 }]",
    );
    let on = plan(&dir, &tmp, "linear");
    let em_hires = |out: &Path| -> BTreeMap<i32, u32> {
        let mut m = BTreeMap::new();
        for ((y, u, c, g), n) in hires(out) {
            assert_eq!(
                (u.as_str(), c.as_str(), g.as_str()),
                ("P1", "exam_em", "Thai")
            );
            *m.entry(y).or_default() += n;
        }
        m
    };
    assert_eq!(
        em_hires(&on),
        BTreeMap::from([(2026, 1), (2028, 1), (2029, 1)])
    );
    assert_cost(&on, 1150.0, 1150.0);
    let expected: BTreeMap<_, _> = [
        row("P1", 2026, 2, 2, "milestone"),
        row("P1", 2027, 2, 2, "target"),
        row("P1", 2028, 3, 3, "milestone"),
        row("P1", 2029, 4, 4, "milestone"),
        row("P1", 2030, 4, 4, "target"),
    ]
    .into_iter()
    .collect();
    assert_eq!(rows_of(&on, "R1"), expected);

    replace_in(
        &dir,
        "scenario.toml",
        "milestones = \"linear\"",
        "milestones = \"target-years-only\"",
    );
    let off = plan(&dir, &tmp, "off");
    assert_eq!(em_hires(&off), BTreeMap::from([(2027, 1), (2030, 2)]));
    assert_cost(&off, 1110.0, 1110.0);
    let r1 = rows_of(&off, "R1");
    assert_eq!(r1.keys().map(|k| k.1).collect::<Vec<_>>(), vec![2027, 2030]);
}

/// Documented behaviour (src/rules/roadmap.rs) worth knowing, pinned here: a milestone of a
/// share rule is a fixed number, the share on the line times the *base year's* head-count.
/// `intent-em-number` with I1 off and `linear` milestones: R8's 2026 milestone is
/// c = min(5/5, 100%) = 100% of the base year's 5 EM = 5 trained EM, while the 2027 target
/// asks 100% of the EM then in post. So the milestone alone makes the plan replace the EM
/// person retiring in 2026 (hire 1 EM; EM 5 in 2026, 4 in 2027, R8 2027 = (4, 4)), although
/// without it the letter asks only 3 in 2027 and I1 is off: cost 100 + salaries 10 + 9 = 119
/// instead of 17. The milestone asks more than the target it leads to.
#[test]
fn an_r8_milestone_counts_the_base_year_em_staff() {
    let (tmp, dir) = copy_fixture("intent-em-number");
    replace_in(
        &dir,
        "scenario.toml",
        "em_number = true",
        "em_number = false",
    );
    replace_in(
        &dir,
        "scenario.toml",
        "milestones = \"target-years-only\"",
        "milestones = \"linear\"",
    );
    let out = plan(&dir, &tmp, "out");
    assert_eq!(hires(&out), hire_map(&[(2026, "S1", "exam_em", "Thai", 1)]));
    assert_cost(&out, 119.0, 119.0);
    let expected: BTreeMap<_, _> = [
        row("S1", 2026, 5, 5, "milestone"),
        row("S1", 2027, 4, 4, "target"),
    ]
    .into_iter()
    .collect();
    assert_eq!(rows_of(&out, "R8"), expected);
}

// ---------------------------------------------------------------------------------------
// Independent recomputation of I1 and I3 from the plan's trajectory and the raw input.

/// Rounds a non-negative real the way `policy.rounding` names, with a tolerance for
/// floating-point hairs (0.9 · 10 is 9, not 10).
fn round_float(x: f64, rounding: &str) -> u32 {
    let v = match rounding {
        "ceiling" => (x - 1e-7).ceil(),
        "nearest" => (x + 0.5 + 1e-7).floor(),
        "floor" => (x + 1e-7).floor(),
        other => panic!("unknown rounding {other}"),
    };
    v.max(0.0) as u32
}

/// Rounds the exact fraction num/den (den > 0) the way `policy.rounding` names.
fn round_ratio(num: u64, den: u64, rounding: &str) -> u32 {
    (match rounding {
        "ceiling" => num.div_ceil(den),
        "nearest" => (2 * num + den) / (2 * den),
        "floor" => num / den,
        other => panic!("unknown rounding {other}"),
    }) as u32
}

/// Every I1 and I3 row of `out/targets.csv`, recomputed from `dir`'s scenario.toml,
/// groups.csv, units.csv, quotas.csv and staff.csv, and `out/trajectory.csv`:
/// - I1 (when `intent.em_number`, default on): for unit u and year t, required
///   `⌊base_em · q_t / q_base⌋` if q_t < q_base, else base_em; a row when it is above 0;
///   PROVINCE: the sums. Achieved: EM head-count of t.
/// - I3 (when `intent.keep_base_fill`, default on): required `round(fill · q_t)` with fill
///   the base staff over the base quota, clamped to [min_fill, 1] (min_fill alone for a
///   zero base quota); a row when above 0. Achieved: head-count of t.
fn check_intent_rows(dir: &Path, out: &Path) -> usize {
    let config: toml::Value = std::fs::read_to_string(dir.join("scenario.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let get = |section: &str, key: &str| config.get(section).and_then(|s| s.get(key)).cloned();
    let base_year = get("time", "base_year").unwrap().as_integer().unwrap() as i32;
    let horizon = get("time", "horizon").unwrap().as_integer().unwrap() as i32;
    let min_fill = get("staffing", "min_fill").map_or(0.9, |v| v.as_float().unwrap());
    let em_number = get("intent", "em_number").is_none_or(|v| v.as_bool().unwrap());
    let keep_fill = get("intent", "keep_base_fill").is_none_or(|v| v.as_bool().unwrap());
    let hiring = get("intent", "hiring_composition").is_some_and(|v| v.as_bool().unwrap());
    let rounding = get("policy", "rounding")
        .map_or("ceiling".to_string(), |v| v.as_str().unwrap().to_string());

    let em: BTreeSet<String> = read_csv(&dir.join("groups.csv"))
        .into_iter()
        .filter(|r| r["em"] == "yes")
        .map(|r| r["group"].clone())
        .collect();
    let units: Vec<(String, u64)> = read_csv(&dir.join("units.csv"))
        .into_iter()
        .map(|r| (r["id"].clone(), r["quota"].parse().unwrap()))
        .collect();
    let mut changes: BTreeMap<String, BTreeMap<i32, u64>> = BTreeMap::new();
    if dir.join("quotas.csv").exists() {
        for r in read_csv(&dir.join("quotas.csv")) {
            changes
                .entry(r["unit"].clone())
                .or_default()
                .insert(r["year"].parse().unwrap(), r["quota"].parse().unwrap());
        }
    }
    let quota = |unit: &str, base: u64, t: i32| -> u64 {
        changes
            .get(unit)
            .and_then(|c| c.range(..=t).next_back().map(|(_, &q)| q))
            .unwrap_or(base)
    };
    // (year, unit) → (all, EM), from the trajectory, base year included.
    let mut stock: BTreeMap<(i32, String), (u64, u64)> = BTreeMap::new();
    for r in read_csv(&out.join("trajectory.csv")) {
        let n: u64 = r["headcount"].parse().unwrap();
        let e = stock
            .entry((r["year"].parse().unwrap(), r["unit"].clone()))
            .or_default();
        e.0 += n;
        if em.contains(&r["group"]) {
            e.1 += n;
        }
    }
    // The base year from staff.csv, checked against the trajectory's first year.
    if dir.join("staff.csv").exists() {
        let mut base: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        for r in read_csv(&dir.join("staff.csv")) {
            let n: u64 = r["count"].parse().unwrap();
            let e = base.entry(r["unit"].clone()).or_default();
            e.0 += n;
            if em.contains(&r["group"]) {
                e.1 += n;
            }
        }
        for (u, _) in &units {
            let b = base.get(u).copied().unwrap_or_default();
            let tr = stock
                .get(&(base_year, u.clone()))
                .copied()
                .unwrap_or_default();
            assert_eq!(
                b, tr,
                "base-year stock of {u}: staff.csv against trajectory.csv"
            );
        }
    }
    let at = |t: i32, u: &str| stock.get(&(t, u.to_string())).copied().unwrap_or_default();

    let mut expected: BTreeMap<(String, String, i32), Outcome> = BTreeMap::new();
    let mut put = |unit: &str, rule: &str, t: i32, required: u64, achieved: u64| {
        let shortfall = required.saturating_sub(achieved) as u32;
        expected.insert(
            (unit.to_string(), rule.to_string(), t),
            (
                required as u32,
                achieved as u32,
                shortfall,
                shortfall == 0,
                "intent".to_string(),
            ),
        );
    };
    for t in base_year + 1..=horizon {
        let (mut p_required, mut p_achieved) = (0, 0);
        for (u, q_base) in &units {
            let q0 = quota(u, *q_base, base_year);
            let qt = quota(u, *q_base, t);
            let (base_all, base_em) = at(base_year, u);
            let (all_t, em_t) = at(t, u);
            if em_number {
                let floor = if q0 > 0 && qt < q0 {
                    base_em * qt / q0
                } else {
                    base_em
                };
                p_required += floor;
                p_achieved += em_t;
                if floor > 0 {
                    put(u, "I1", t, floor, em_t);
                }
            }
            if keep_fill {
                let floor = if q0 == 0 || (base_all as f64) < min_fill * q0 as f64 {
                    round_float(min_fill * qt as f64, &rounding)
                } else if base_all >= q0 {
                    qt as u32
                } else {
                    round_ratio(base_all * qt, q0, &rounding)
                };
                if floor > 0 {
                    put(u, "I3", t, floor as u64, all_t);
                }
            }
        }
        if em_number {
            put("PROVINCE", "I1", t, p_required, p_achieved);
        }
    }
    if hiring {
        for ((unit, rule, t), v) in i2_rows(&config, dir, out, &em, (base_year, horizon)) {
            expected.insert((unit, rule, t), v);
        }
    }
    let mut actual: BTreeMap<(String, String, i32), Outcome> = BTreeMap::new();
    for r in read_csv(&out.join("targets.csv")) {
        if r["rule"] == "I1" || r["rule"] == "I3" || r["rule"] == "I2" {
            let key = (
                r["unit"].clone(),
                r["rule"].clone(),
                r["year"].parse().unwrap(),
            );
            assert!(
                actual.insert(key.clone(), outcome(&r)).is_none(),
                "duplicate row {key:?}"
            );
        }
    }
    for (k, v) in &expected {
        assert_eq!(
            actual.get(k),
            Some(v),
            "row {k:?}: targets.csv against the recomputation"
        );
    }
    for k in actual.keys() {
        assert!(
            expected.contains_key(k),
            "targets.csv has an unexpected row {k:?}"
        );
    }
    expected.len()
}

/// Every I2 row of `out/targets.csv`, recomputed from `dir`'s scenario.toml and units.csv,
/// the plan's `flows.csv` and the no-plan forecast's net hires. With s_u the unit's
/// `hiring_em_share` or EM population share, tol the yearly tolerance (default 1) and E, H,
/// F the plan's EM hires, the plan's hires and the forecast's net hires (its hires less the
/// replacements of its own hires who left, `forecast::unit_hires`: the one input taken from
/// the engine, whose own test is tests/forecast.rs; here bounded by the forecast's hires
/// in `forecast/flows.csv`, less all its leavers):
/// - forecast basis (default): unit u, year t: required `round(s_u · Σ_{τ≤t} F_u(τ) − tol)`
///   (no tol in the horizon year), a row when above 0; achieved `Σ_{τ≤t} E_u(τ)`. Held by the
///   province, also PROVINCE rows: `round(Σ_u s_u · Σ_{τ≤t} F_u(τ) − tol)` against the sums.
/// - plan basis: unit u, year t with hires: `round(s_u · H_u(t) − tol)` against E_u(t);
///   `u/horizon`: `round(s_u · Σ H_u)` against `Σ E_u`. Held by the province, also PROVINCE
///   rows of the sums of `s_u · H_u(t)` and `PROVINCE/horizon`.
fn i2_rows(
    config: &toml::Value,
    dir: &Path,
    out: &Path,
    em: &BTreeSet<String>,
    (base_year, horizon): (i32, i32),
) -> BTreeMap<(String, String, i32), Outcome> {
    let intent = config.get("intent");
    let get = |key: &str| intent.and_then(|i| i.get(key)).cloned();
    let plan_basis = get("hiring_basis").is_some_and(|v| v.as_str() == Some("plan"));
    let province = get("hiring_scope").is_some_and(|v| v.as_str() == Some("province"));
    let tolerance = get("hiring_year_tolerance").map_or(1.0, |v| v.as_integer().unwrap() as f64);
    let fixed_share = get("hiring_em_share").map(|v| v.as_float().unwrap());
    let rounding = config
        .get("policy")
        .and_then(|p| p.get("rounding"))
        .map_or("ceiling".to_string(), |v| v.as_str().unwrap().to_string());
    let units: Vec<(String, f64)> = read_csv(&dir.join("units.csv"))
        .into_iter()
        .map(|r| {
            let pop: f64 = r["em_population_share"].parse().unwrap();
            (r["id"].clone(), fixed_share.unwrap_or(pop / 100.0))
        })
        .collect();
    // (unit, year) → (all, EM) people of a flow.
    let flows_of = |file: PathBuf, flow: &str| {
        let mut h: BTreeMap<(String, i32), (u32, u32)> = BTreeMap::new();
        for r in read_csv(&file).into_iter().filter(|r| r["flow"] == flow) {
            let n: u32 = r["count"].parse().unwrap();
            let e = h
                .entry((r["unit"].clone(), r["year"].parse().unwrap()))
                .or_default();
            e.0 += n;
            if em.contains(&r["group"]) {
                e.1 += n;
            }
        }
        h
    };
    let planned = flows_of(out.join("flows.csv"), "hire");
    let gross = flows_of(out.join("forecast").join("flows.csv"), "hire");
    // The forecast's leavers: its hires' leavers are among them.
    let left = flows_of(out.join("forecast").join("flows.csv"), "attrition");
    let spec = bienche::scenario::load(dir).unwrap();
    let mut forecast: BTreeMap<(String, i32), (u32, u32)> = BTreeMap::new();
    for (i, unit) in spec.units.iter().enumerate() {
        let (mut net, mut all, mut leavers) = (0, 0, 0);
        for t in base_year + 1..=horizon {
            let n = spec.forecast_hires(i, t);
            let key = (unit.id.clone(), t);
            net += n;
            all += gross.get(&key).map_or(0, |h| h.0);
            leavers += left.get(&key).map_or(0, |l| l.0);
            assert!(
                net <= all && net + leavers >= all,
                "{} {t}: net hires {net} outside the hires {all} less the leavers {leavers}",
                unit.id
            );
            forecast.insert((unit.id.clone(), t), (n, 0));
        }
    }
    let at = |h: &BTreeMap<(String, i32), (u32, u32)>, u: &str, t: i32| {
        h.get(&(u.to_string(), t)).copied().unwrap_or_default()
    };
    let mut rows = BTreeMap::new();
    let mut put = |unit: &str, t: i32, required: u32, achieved: u32| {
        let short = required.saturating_sub(achieved);
        let v = (required, achieved, short, short == 0, "intent".to_string());
        rows.insert((unit.to_string(), "I2".to_string(), t), v);
    };
    let less = |x: f64, t: i32| x - if t < horizon { tolerance } else { 0.0 };
    if !plan_basis {
        let mut cumulative = vec![(0.0, 0u32); units.len()];
        for t in base_year + 1..=horizon {
            let (mut p_share, mut p_em) = (0.0, 0);
            for (i, (u, share)) in units.iter().enumerate() {
                cumulative[i].0 += share * at(&forecast, u, t).0 as f64;
                cumulative[i].1 += at(&planned, u, t).1;
                let required = round_float(less(cumulative[i].0, t).max(0.0), &rounding);
                if required > 0 {
                    put(u, t, required, cumulative[i].1);
                }
                p_share += cumulative[i].0;
                p_em += cumulative[i].1;
            }
            let required = round_float(less(p_share, t).max(0.0), &rounding);
            if province && required > 0 {
                put("PROVINCE", t, required, p_em);
            }
        }
        return rows;
    }
    let (mut h_share, mut h_em) = (0.0, 0);
    for t in base_year + 1..=horizon {
        let (mut p_share, mut p_em) = (0.0, 0);
        for (u, share) in &units {
            let (all, e) = at(&planned, u, t);
            if all > 0 && *share > 0.0 {
                let required = round_float(less(share * all as f64, t).max(0.0), &rounding);
                put(u, t, required, e);
            }
            p_share += share * all as f64;
            p_em += e;
        }
        if province {
            put(
                "PROVINCE",
                t,
                round_float((p_share - tolerance).max(0.0), &rounding),
                p_em,
            );
            h_share += p_share;
            h_em += p_em;
        }
    }
    for (u, share) in &units {
        let (all, e) = (base_year + 1..=horizon)
            .map(|t| at(&planned, u, t))
            .fold((0, 0), |a, h| (a.0 + h.0, a.1 + h.1));
        if all > 0 && *share > 0.0 {
            put(
                &format!("{u}/horizon"),
                horizon,
                round_float(share * all as f64, &rounding),
                e,
            );
        }
    }
    if province {
        put(
            "PROVINCE/horizon",
            horizon,
            round_float(h_share, &rounding),
            h_em,
        );
    }
    rows
}

/// Every I1, I2 and I3 row of every intent fixture's plan, recomputed, with I1, I2 and I3
/// all on (the fixtures that switch one off are planned with it on here), and I2 on both
/// bases, held by each unit and by the province.
#[test]
fn intent_rows_of_the_fixtures_recompute_independently() {
    let mut cases: Vec<(&str, &str)> = [
        "intent-em-number",
        "intent-base-fill",
        "intent-min-hires",
        "intent-milestones",
    ]
    .into_iter()
    .map(|name| (name, ""))
    .collect();
    for basis in ["forecast", "plan"] {
        for scope in ["unit", "province"] {
            let i2 = format!("hiring_basis = \"{basis}\"\nhiring_scope = \"{scope}\"\n");
            cases.push(("intent-hiring", Box::leak(i2.into_boxed_str())));
        }
    }
    for (name, i2) in cases {
        let (tmp, dir) = copy_fixture(name);
        let toml = std::fs::read_to_string(dir.join("scenario.toml"))
            .unwrap()
            .replace("keep_base_fill = false", "keep_base_fill = true")
            .replace("hiring_composition = true\n", "")
            .replace(
                "[intent]\n",
                &format!("[intent]\nhiring_composition = true\n{i2}"),
            );
        write(&dir, "scenario.toml", &toml);
        let out = plan(&dir, &tmp, "out");
        let n = check_intent_rows(&dir, &out);
        assert!(n > 0, "{name} {i2}: no I1/I2/I3 rows");
        let i2_rows = read_csv(&out.join("targets.csv"))
            .into_iter()
            .filter(|r| r["rule"] == "I2")
            .count();
        assert!(
            i2_rows > 0 || name != "intent-hiring",
            "{name} {i2}: no I2 rows"
        );
    }
}

/// The sample with I2 on (its default basis and scope): every I1, I2 and I3 row recomputed.
/// With the leaders of before step-downs (leaders let go, always re-appointed, no floor):
/// I2 with step-downs took 281 s and stopped at 0.135% (7 December 2026, docs/model.md
/// assumption 3), too slow for a test. Planned to a tolerance of 0.5%: at the sample's 0.1%
/// it took 252 s and at 0.2% 151 s, to prove 0.134%; at 0.5%, 49 s and 0.149% (7 December
/// 2026). Every row recomputes whatever the gap.
#[test]
fn i2_rows_of_the_sample_recompute_independently() {
    let (tmp, dir) = common::copy_scenario("son-la");
    replace_in(
        &dir,
        "scenario.toml",
        "hiring_composition = false",
        "hiring_composition = true",
    );
    replace_in(
        &dir,
        "scenario.toml",
        "exit_leaders = false",
        "exit_leaders = true",
    );
    replace_in(
        &dir,
        "scenario.toml",
        "leader_term_years = 5",
        "leader_term_years = 0",
    );
    replace_in(
        &dir,
        "scenario.toml",
        "keep_leaders = true",
        "keep_leaders = false",
    );
    let out = tmp.path().join("out");
    let o = common::plan_into(&dir, &out, &["-q", "--gap", "0.005"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    check_intent_rows(&dir, &out);
    let rows = read_csv(&out.join("targets.csv"))
        .into_iter()
        .filter(|r| r["rule"] == "I2")
        .count();
    assert!(rows > 700, "{rows} I2 rows");
    // The slot exchange lets groups short of targets buy channel slots from others, and the
    // plan keeps every cap. Since hires' later leavers and the base workforce's leavers were
    // placed as the simulation draws them (issue 12), the split's plans end 0.56% above the
    // bound; the rounds of pricing from them (decomposition step 7), then the short groups
    // retried and the exchange asked again, brought it to 0.141%; since I2 asks a share of
    // the forecast's net hires (6 December 2026), which the plan can nearly meet, 0.056%,
    // within the sample's 0.1%; since the exchange is asked again of the groups whose plans
    // hold most of the gap (that night), 0.083% with no round of step 7 (I2 is still off by
    // default: about 3.5 times the time, issue 11). Planned here to 0.5%, the decomposition
    // may stop before the exchange; the exchange itself is tested in tests/engine.rs
    // (`the_slot_exchange_gives_the_same_plan_on_one_and_two_threads`).
    let s = common::summary(&out);
    let gap = common::num(&s, &["solver", "gap"]);
    assert!(gap <= 0.005, "gap {gap}");
    assert_eq!(s["solver"]["status"], "optimal", "{}", s["solver"]);
    assert!(common::assert_channel_caps(&dir, &out) > 50);
    // The model's own limits (net of new-hire leavers), as the plan reports them.
    assert_eq!(s["staffing_issues"], serde_json::json!([]));
    common::oracle::replay_flows(&out, 2025, 2035);
    common::assert_booked_leavers_stay(&dir, &out);
    // What I2 asks: most hires are EM (the province is 84% EM).
    let (mut hires, mut em) = (0, 0);
    for r in read_csv(&out.join("flows.csv")) {
        if r["flow"] == "hire" {
            let n: u32 = r["count"].parse().unwrap();
            hires += n;
            em += if r["group"] == "Kinh" { 0 } else { n };
        }
    }
    assert!(em * 10 >= hires * 6, "{em} EM of {hires} hires");
}

// The bundled sample's I1, I3 and milestone rows are recomputed by the oracle of
// tests/common/oracle.rs in tests/engine.rs (`son_la_sample_plan_replays_recomputes_and_proves_its_gap`).

// ---------------------------------------------------------------------------------------
// Input errors of the new settings: exit code 2, the field named, no output folder.

fn fails(dir: &Path, tmp: &tempfile::TempDir) -> String {
    let (out, o) = common::plan_output(dir, tmp, &[]);
    let stderr = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(o.status.code(), Some(2), "stderr: {stderr}");
    assert!(!out.exists(), "a failed run left an output folder");
    stderr
}

#[test]
fn a_zero_intent_penalty_is_refused() {
    let (tmp, dir) = copy_fixture("intent-min-hires");
    replace_in(
        &dir,
        "scenario.toml",
        "milestones = \"target-years-only\"",
        "milestones = \"target-years-only\"\npenalty = 0",
    );
    let stderr = fails(&dir, &tmp);
    assert!(stderr.contains("intent.penalty"), "{stderr}");
    assert!(stderr.contains("expected above 0"), "{stderr}");
    assert!(
        stderr.contains("error: scenario.toml, line 17: field 'intent.penalty': expected above 0"),
        "{stderr}"
    );
}

#[test]
fn min_hires_above_max_hires_is_refused() {
    let (tmp, dir) = copy_fixture("intent-min-hires");
    replace_in(
        &dir,
        "channels.csv",
        ",5,100,50,yes,2\n",
        ",5,100,50,yes,6\n",
    );
    let stderr = fails(&dir, &tmp);
    assert!(stderr.contains("min_hires"), "{stderr}");
    assert!(
        stderr.contains(
            "error: channels.csv, line 3: field 'min_hires': 6 graduates to place exceed max_hires 5; expected at most 5"
        ),
        "{stderr}"
    );
}

/// The price of intent, hand-solved on two fixtures. `intent-em-number`: the letter alone
/// costs 17 (no hires), I1 asks two EM hires, 220; the price is 203. `intent-min-hires`:
/// with intent, I4 places 2 nominated graduates (216); the letter-only plan drops I4's
/// minimum and I3 too, and with `min_fill = 0` nothing asks S1 to replace its 2 retirees:
/// salaries 6 + 6 = 12, so the price is 204. Without the flag `summary.json` has no
/// `price_of_intent`.
#[test]
fn price_of_intent_is_the_cost_above_the_letter_only_plan() {
    let tmp = tempfile::tempdir().unwrap();
    let price = |fixture_name: &str| {
        let out = tmp.path().join(fixture_name);
        let o = bienche(&[
            "plan",
            fixture(fixture_name).to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--price-intent",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        (
            summary(&out)["price_of_intent"].clone(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
        )
    };
    let (p, console) = price("intent-em-number");
    assert_eq!(num(&p, &["cost"]), 220.0);
    assert_eq!(num(&p, &["letter_only_cost"]), 17.0);
    assert_eq!(num(&p, &["extra_cost"]), 203.0);
    assert_eq!(num(&p, &["letter_only_targets_missed"]), 0.0);
    assert!(
        console.contains(
            "price of intent (I1–I4 and milestones, against the letter of R1–R8 alone): +0.2 billion VND (letter-only plan 0.0, "
        ),
        "{console}"
    );
    let (p, _) = price("intent-min-hires");
    assert_eq!(num(&p, &["cost"]), 216.0);
    assert_eq!(num(&p, &["letter_only_cost"]), 12.0);
    assert_eq!(num(&p, &["extra_cost"]), 204.0);

    let (_t, plain) = plan_fixture("intent-em-number");
    assert!(summary(&plain).get("price_of_intent").is_none());
}
