//! People booked to leave (retirements and the base workforce's attrition) are the ones who
//! leave: they stay in their cell until then (docs/scenario-format.md §6), so no plan trains,
//! promotes, moves or exits them, and no hire leaves in their place. A hand-solved fixture
//! where training the retiree is the cheap wrong answer, then the rule checked on the
//! tables of every fixture's plan, independently of the model (tests/common).

use crate::common;

use common::oracle::replay_flows;
use common::*;

/// `booked-retiree`: ethnic section S1, quota 10: 3 trained Thai men, 2 untrained Thai women
/// (one booked to retire in 2027), 5 Kinh. R8 asks every EM person trained in 2026 and 2027.
/// Training costs 5; the `local` channel hires untrained EM people at 10; salaries 1.
///
/// The cheap wrong answer: train both women in 2026 (10) and hire an untrained Thai woman in
/// 2027 to "retire" in the retiree's place (10): 40 in all, R8 met in both years.
/// Under the rule the retiree stays untrained until she retires: one woman is trained (5),
/// R8 in 2026 is one short (100,000) and met in 2027, after she retires, with no hire.
/// Cost 5 + salaries 10 + 9 = 24; objective 100,024.
#[test]
fn a_person_booked_to_retire_is_not_trained_and_replaced_by_a_hire() {
    let tmp = tempfile::tempdir().unwrap();
    let out = plan(&fixture("booked-retiree"), &tmp);
    let flows: Vec<(String, String, String, String)> = read_csv(&out.join("flows.csv"))
        .into_iter()
        .map(|r| {
            (
                r["year"].clone(),
                r["flow"].clone(),
                format!(
                    "{} {} {} {}",
                    r["group"], r["gender"], r["role"], r["trained"]
                ),
                r["count"].clone(),
            )
        })
        .collect();
    let expected: Vec<(String, String, String, String)> = [
        ("2026", "train", "Thai F staff no", "1"),
        ("2027", "retire", "Thai F staff no", "1"),
    ]
    .iter()
    .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
    .collect();
    assert_eq!(flows, expected);
    let s = summary(&out);
    assert_eq!(num(&s, &["total_cost"]), 24.0);
    assert_eq!(num(&s, &["solver", "objective"]), 100_024.0);
    assert_eq!(target(&out, "S1", "R8", "2026"), (5, 4, 1));
    let missed = &s["missed"][0];
    assert_eq!(
        missed["why"][0],
        "1 untrained EM staff of S1 booked to leave later, kept where they are in 2026"
    );
    assert_eq!(target(&out, "S1", "R8", "2027"), (4, 4, 0));
    assert!(assert_booked_leavers_stay(&fixture("booked-retiree"), &out) > 0);
}

/// Every fixture's plan replays from its flows and keeps the rule (the sample's is checked
/// in tests/engine.rs).
#[test]
fn no_fixture_plan_moves_a_person_booked_to_leave() {
    let mut checked = 0;
    for name in [
        "booked-retiree",
        "coverage",
        "forecast",
        "intent-base-fill",
        "intent-em-number",
        "intent-hiring",
        "intent-milestones",
        "intent-min-hires",
        "must-hire",
        "promote-or-train",
        "transfer-cheaper",
        "unreachable",
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = fixture(name);
        let out = plan(&dir, &tmp);
        let config: toml::Value = std::fs::read_to_string(dir.join("scenario.toml"))
            .unwrap()
            .parse()
            .unwrap();
        let year = |key: &str| config["time"][key].as_integer().unwrap() as i32;
        replay_flows(&out, year("base_year"), year("horizon"));
        checked += assert_booked_leavers_stay(&dir, &out);
    }
    assert!(checked >= 9, "{checked} cells with bookings");
}
