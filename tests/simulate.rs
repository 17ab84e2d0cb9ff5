//! The Monte Carlo replay: no attrition gives the plan, the plan's stocks are the draws' mean, seeds give the same bytes on any thread count, the safety buffer.

use crate::common;

use common::*;

#[test]
fn with_no_attrition_every_draw_is_the_plan() {
    // must-hire has no attrition: each draw replays the plan exactly.
    let tmp = tempfile::tempdir().unwrap();
    let out = plan(&fixture("must-hire"), &tmp);
    // So does the plan's own quick simulation.
    for r in read_csv(&out.join("targets.csv")) {
        let expected = match (r["rule"].as_str(), r["met"].as_str()) {
            ("R5", _) => "",
            (_, "true") => "1.0000",
            _ => "0.0000",
        };
        assert_eq!(r["p_met"], expected, "{r:?}");
    }
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
        let name = if r["unit"] == "PROVINCE" {
            ""
        } else {
            "Commune 1"
        };
        assert_eq!(r["unit_name"], name, "{r:?}");
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
fn the_plan_s_stocks_are_the_mean_of_the_draws() {
    // fixture demography: one commune well under its quota, base staff leaving at the open
    // band's 3% a year, hires (trained, so nothing moves them) leaving at 10% in their first
    // two years (in the net hire: P = 1 − 0.9² = 0.19), then 6% and 3%, and replaced.
    let tmp = tempfile::tempdir().unwrap();
    let out = plan(&fixture("demography"), &tmp);
    // By hand: a net hire costs 100/(1 − 0.19) = 123.457; one of 2030 brings ρ = 0.06,
    // 0.0564 and 0.053016 replacements in 2033–2035 (6% a year of those still there, no
    // replacement old enough to leave yet): 123.457 × 1.169416 = 144.372 a hire, 288.745
    // for the two of 2030.
    let hire_2030: Vec<_> = read_csv(&out.join("flows.csv"))
        .into_iter()
        .filter(|r| r["flow"] == "hire" && r["year"] == "2030")
        .collect();
    assert_eq!(hire_2030.len(), 1, "{hire_2030:?}");
    assert_eq!(
        (
            hire_2030[0]["count"].as_str(),
            hire_2030[0]["cost"].as_str()
        ),
        ("2", "288.745")
    );
    let o = simulate(&out, "4000", "7", "2");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The unit's EM leavers and its others are each booked within half a person of their
    // expectation (each cell alone on its own line left a group of two cells within two
    // people), so each group's planned head-count is within a person of the mean of 4,000
    // draws (whose standard error is about 0.04 here).
    let rows = read_csv(&out.join("simulation/expected.csv"));
    assert_eq!(rows.len(), 22, "11 years × 2 groups");
    for r in &rows {
        assert_eq!(r["unit_name"], "Commune 1");
        let plan: f64 = r["plan"].parse().unwrap();
        let mean: f64 = r["expected"].parse().unwrap();
        assert!((plan - mean).abs() < 1.0, "{r:?}");
    }
    // The hires of 2027 are still in post on average in 2035: replaced as they leave.
    let thai_2035 = rows
        .iter()
        .find(|r| r["year"] == "2035" && r["group"] == "Thai")
        .unwrap();
    assert_eq!(thai_2035["plan"], "70");
}

/// `plan` simulates its own plan (`[simulation]`: 200 draws, seed 42 by default): each row of
/// `targets.csv` carries `p_met`, the chance `simulate` gives with the same draws and seed,
/// the same bytes on one thread and two.
#[test]
fn the_plan_carries_its_own_chance_of_each_target() {
    let (tmp, dir) = copy_fixture("roster");
    assert!(import(&dir.join("roster.csv"), &dir, &[]).status.success());
    let mut targets = Vec::new();
    for threads in ["1", "2"] {
        let out = tmp.path().join(format!("out{threads}"));
        let o = plan_into(&dir, &out, &["--threads", threads]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert!(
            stdout.contains("chance (200 draws, seed 42; p_met in targets.csv): of the "),
            "{stdout}"
        );
        targets.push(read(&out, "targets.csv"));
    }
    assert_eq!(targets[0], targets[1]);
    let out = tmp.path().join("out2");
    assert!(simulate(&out, "200", "42", "2").status.success());
    let chance: std::collections::BTreeMap<(String, String, String), String> =
        read_csv(&out.join("simulation/probabilities.csv"))
            .into_iter()
            .map(|r| {
                let key = (r["unit"].clone(), r["rule"].clone(), r["year"].clone());
                (key, r["p_met"].clone())
            })
            .collect();
    let rows = read_csv(&out.join("targets.csv"));
    let mut uncertain = 0;
    for r in &rows {
        let key = (r["unit"].clone(), r["rule"].clone(), r["year"].clone());
        if r["rule"] == "R5" {
            assert_eq!(r["p_met"], "", "{r:?}");
            continue;
        }
        assert_eq!(Some(&r["p_met"]), chance.get(&key), "{r:?}");
        uncertain += (r["p_met"] != "1.0000" && r["p_met"] != "0.0000") as usize;
    }
    assert!(uncertain > 0, "attrition makes some rows uncertain");
    let s = summary(&out);
    let c = &s["chance"];
    let met_targets = rows
        .iter()
        .filter(|r| r["kind"] == "target" && r["met"] == "true")
        .count();
    assert_eq!(c["met_in_plan"].as_u64().unwrap() as usize, met_targets);
    let below: usize = rows
        .iter()
        .filter(|r| r["kind"] == "target" && r["met"] == "true")
        .filter(|r| r["p_met"].parse::<f64>().unwrap() < 0.5)
        .count();
    assert_eq!(c["below_50"].as_u64().unwrap() as usize, below);
    assert_eq!(c["most_at_risk"].as_array().unwrap().len(), below);
}

#[test]
fn the_same_seed_gives_the_same_simulation_on_one_and_two_threads() {
    let (tmp, dir) = copy_fixture("roster");
    assert!(import(&dir.join("roster.csv"), &dir, &[]).status.success());
    let out = plan(&dir, &tmp);
    assert!(simulate(&out, "300", "42", "1").status.success());
    let one = (
        read(&out, "simulation/probabilities.csv"),
        read(&out, "simulation/fan.csv") + &read(&out, "simulation/expected.csv"),
    );
    assert!(simulate(&out, "300", "42", "2").status.success());
    let two = (
        read(&out, "simulation/probabilities.csv"),
        read(&out, "simulation/fan.csv") + &read(&out, "simulation/expected.csv"),
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

#[test]
fn trained_and_promoted_people_who_leave_are_replaced_at_cost() {
    // promote-or-train with base staff leaving at 10% a year and targets in 2026 too: the
    // unit's five EM staff are expected to lose 0.5 in 2026 and 0.9 by 2027, booked as one
    // leaver in 2026 (an untrained Thai man) and none in 2027, so the plan trains the other
    // four Thai staff and promotes one in 2026 (R8's 100% met in both years). Each keeps the
    // post: 10% of them leave in 2027 and are replaced by training or promoting another, so
    // a training costs 5 × (1 + 0.1) = 5.5 and a promotion 10 × 1.1 = 11, and costs.csv books
    // the replacements in 2027: 4 × 5 × 0.1 = 2 and 10 × 0.1 = 1.
    let (_tmp, dir) = copy_fixture("promote-or-train");
    replace_in(
        &dir,
        "scenario.toml",
        "other_rate = 0.0",
        "other_rate = 0.1",
    );
    replace_in(
        &dir,
        "scenario.toml",
        "targets = [{ year = 2027, level = 1.0 }]",
        "targets = [{ year = 2026, level = 1.0 }, { year = 2027, level = 1.0 }]",
    );
    let tmp = tempfile::tempdir().unwrap();
    let out = plan(&dir, &tmp);
    let moves: Vec<(String, String, String, String)> = read_csv(&out.join("flows.csv"))
        .into_iter()
        .filter(|r| r["flow"] == "train" || r["flow"] == "promote")
        .map(|r| {
            let f = |k: &str| r[k].clone();
            (f("year"), f("flow"), f("count"), f("cost"))
        })
        .collect();
    let row = |y: &str, f: &str, n: &str, c: &str| (y.into(), f.into(), n.into(), c.into());
    assert_eq!(
        moves,
        vec![
            row("2026", "promote", "1", "11.000"),
            row("2026", "train", "1", "5.500"),
            row("2026", "train", "3", "16.500"),
        ]
    );
    let costs: Vec<(String, String, String)> = read_csv(&out.join("costs.csv"))
        .into_iter()
        .filter(|r| r["lever"] == "training" || r["lever"] == "promotion")
        .map(|r| (r["year"].clone(), r["lever"].clone(), r["cost"].clone()))
        .collect();
    let line = |y: &str, l: &str, c: &str| (y.into(), l.into(), c.into());
    assert_eq!(
        costs,
        vec![
            line("2026", "promotion", "10.000"),
            line("2026", "training", "20.000"),
            line("2027", "promotion", "1.000"),
            line("2027", "training", "2.000"),
        ]
    );
    // In the draws the promoted woman who leaves (10% in 2027) is replaced by promoting a
    // trained woman: the leader is there in every draw, where the plan's replay without
    // refills kept her in 90% of them.
    let o = simulate(&out, "2000", "7", "2");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = read_csv(&out.join("simulation/expected.csv"));
    let thai_2027 = rows
        .iter()
        .find(|r| r["year"] == "2027" && r["group"] == "Thai")
        .unwrap();
    assert_eq!(thai_2027["leaders_plan"], "1");
    let leaders: f64 = thai_2027["leaders_expected"].parse().unwrap();
    assert!(leaders >= 0.99, "{thai_2027:?}");
}

#[test]
fn a_promotion_waits_for_its_post_to_fall_vacant_in_the_draws() {
    // leader-post-waits: both leader posts held by Kinh leaders leaving at 30% a year. The
    // plan books one of them to leave in 2027 (0.6 expected in 2026 books none) and
    // promotes a Thai woman into the post that year. In the world each Kinh leader is still
    // there in 2027 with 0.7² = 0.49 (mean 0.98, the plan's one), and a post that falls
    // vacant is filled (the plan keeps both posts filled), so the Thai leaders are 2 less
    // the Kinh ones: a mean of 1.02 against the plan's one. Replaying the 2027 promotion
    // alone, as far as a post was free that year, gave 1 − 0.7⁴ = 0.76.
    let tmp = tempfile::tempdir().unwrap();
    let out = plan(&fixture("leader-post-waits"), &tmp);
    let promotions: Vec<_> = read_csv(&out.join("flows.csv"))
        .into_iter()
        .filter(|r| r["flow"] == "promote")
        .map(|r| (r["year"].clone(), r["group"].clone(), r["count"].clone()))
        .collect();
    assert_eq!(promotions, [("2027".into(), "Thai".into(), "1".into())]);
    let o = simulate(&out, "4000", "7", "2");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = read_csv(&out.join("simulation/expected.csv"));
    for group in ["Thai", "Kinh"] {
        let r = rows
            .iter()
            .find(|r| r["year"] == "2027" && r["group"] == group)
            .unwrap();
        assert_eq!(r["leaders_plan"], "1", "{r:?}");
        let leaders: f64 = r["leaders_expected"].parse().unwrap();
        assert!((leaders - 1.0).abs() < 0.1, "{r:?}");
    }
}
