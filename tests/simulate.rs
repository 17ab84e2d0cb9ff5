//! The Monte Carlo replay: no attrition gives the plan, seeds give the same bytes on any thread count, the safety buffer.

mod common;

use common::*;

#[test]
fn with_no_attrition_every_draw_is_the_plan() {
    // must-hire has no attrition: each draw replays the plan exactly.
    let tmp = tempfile::tempdir().unwrap();
    let out = plan(&fixture("must-hire"), &tmp);
    let o = simulate(&out, "50", "1", "2");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let sim = out.join("simulation");
    for r in read_csv(&sim.join("probabilities.csv")) {
        let expected = if r["met_in_plan"] == "true" {
            "1.0000"
        } else {
            "0.0000"
        };
        assert_eq!(r["p_met"], expected, "{r:?}");
        assert_eq!(r["draws_applying"], "50");
    }
    let fan = read_csv(&sim.join("fan.csv"));
    let last = fan.last().unwrap();
    assert_eq!(
        (last["em_share_p10"].as_str(), last["em_share_p90"].as_str()),
        ("40.00", "40.00")
    );
    assert_eq!(png_size(&sim.join("plots/vi/fan.png")), (1920, 1080));
}

#[test]
fn the_same_seed_gives_the_same_simulation_on_one_and_two_threads() {
    let (tmp, dir) = copy_fixture("roster");
    assert!(import(&dir.join("roster.csv"), &dir, &[]).status.success());
    let out = plan(&dir, &tmp);
    assert!(simulate(&out, "300", "42", "1").status.success());
    let one = (
        read(&out, "simulation/probabilities.csv"),
        read(&out, "simulation/fan.csv"),
    );
    assert!(simulate(&out, "300", "42", "2").status.success());
    let two = (
        read(&out, "simulation/probabilities.csv"),
        read(&out, "simulation/fan.csv"),
    );
    assert_eq!(one, two);
    // Attrition at 18.55% and 6.31% a year makes some outcomes uncertain.
    assert!(
        one.0
            .lines()
            .skip(1)
            .any(|l| !l.ends_with(",1.0000") && !l.ends_with(",0.0000")),
        "{}",
        one.0
    );
    assert!(simulate(&out, "300", "43", "2").status.success());
    assert_ne!(
        read(&out, "simulation/fan.csv") + &read(&out, "simulation/probabilities.csv"),
        one.1.clone() + &one.0
    );
    // A changed input makes the plan stale.
    std::fs::write(
        dir.join("groups.csv"),
        read(&dir, "groups.csv").replace("Thai,yes,60", "Thai,yes,61"),
    )
    .unwrap();
    let o = simulate(&out, "10", "42", "1");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("groups.csv in"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn a_safety_buffer_replans_with_raised_targets_and_reports_its_cost() {
    let (tmp, dir) = copy_fixture("roster");
    assert!(import(&dir.join("roster.csv"), &dir, &[]).status.success());
    let out = plan(&dir, &tmp);
    let o = bienche(&[
        "simulate",
        out.to_str().unwrap(),
        "--draws",
        "100",
        "--buffer",
        "1.5",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: --buffer: expected a probability between 0 and 1, such as 0.9, found 1.5\n"
    );
    let o = bienche(&[
        "simulate",
        out.to_str().unwrap(),
        "--draws",
        "200",
        "--buffer",
        "0.9",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let buffered = out.join("simulation/buffered");
    let buffer = read_csv(&buffered.join("buffer.csv"));
    let rounds = read_csv(&buffered.join("rounds.csv"));
    assert!(!buffer.is_empty() && !rounds.is_empty() && rounds.len() <= 4);
    // Only targets the plan meets are raised, and never by more than 5 people.
    let probs = read_csv(&out.join("simulation/probabilities.csv"));
    for b in &buffer {
        let extra: u32 = b["extra_people"].parse().unwrap();
        assert!((1..=5).contains(&extra));
        let p = probs
            .iter()
            .find(|r| r["unit"] == b["unit"] && r["rule"] == b["rule"] && r["year"] == b["year"])
            .unwrap();
        assert_eq!(p["met_in_plan"], "true");
    }
    // The buffered plan's fixed targets (R1–R4) are still the rules': the buffer is not
    // reported as required.
    let plan_targets = read_csv(&out.join("targets.csv"));
    let buffered_targets = read_csv(&buffered.join("targets.csv"));
    let required = |rows: &[Row]| {
        rows.iter()
            .filter(|r| ["R1", "R2", "R3", "R4"].contains(&r["rule"].as_str()))
            .map(|r| (r["unit"].clone(), r["rule"].clone(), r["required"].clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(required(&plan_targets), required(&buffered_targets));
}
