//! `bienche frontier` (issue 13, item 4): plans at a falling value of a person short of a
//! legal target (`policy.target_penalty`), by hand on the `prices` fixture, and the
//! frontier's points on a generated province.

use crate::common;

use common::*;

fn frontier(dir: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "frontier",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    bienche(&args)
}

/// The fixture `prices` (tests/prices.rs): staff salary 1, so the first values are 0.05,
/// 0.25, 0.5, 1, 1.5, 2, 3, 4, 5, 8 and the shortfall penalty 100,000. By hand, its only
/// target that costs money is C1's R8 of 2027: its two untrained Thai women trained at 5
/// each. Below 5 a person short, the plan leaves them untrained: R8 short by 2, and with
/// C2's R6 and R7 (no leader post free) 4 people short, cost 46. Above 5 it trains them:
/// one more target met for 10 more, cost 56. (At exactly 5 both plans are optimal.)
#[test]
fn the_fixture_frontier_by_hand() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("frontier");
    let o = frontier(&fixture("prices"), &out, &["--points", "2"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = read_csv(&out.join("frontier.csv"));
    let values: Vec<&str> = rows.iter().map(|r| r["target_penalty"].as_str()).collect();
    assert_eq!(
        values,
        ["0.05", "0.25", "0.5", "1.0", "1.5", "2.0", "3.0", "4.0", "5.0", "8.0", "100000.0"]
    );
    for r in &rows {
        let value: f64 = r["target_penalty"].parse().unwrap();
        let (cost, short, met) = match value {
            v if v < 5.0 => ("46.000", "4", "7"),
            v if v > 5.0 => ("56.000", "2", "8"),
            _ => continue,
        };
        assert_eq!(
            (
                r["total_cost"].as_str(),
                r["people_short"].as_str(),
                r["targets_met"].as_str()
            ),
            (cost, short, met),
            "{r:?}"
        );
        assert_eq!(r["status"], "optimal");
        assert_eq!(r["gap"], "0.0");
    }
    let front: Vec<&Row> = rows.iter().filter(|r| r["on_frontier"] == "yes").collect();
    assert_eq!(front.len(), 2, "{front:?}");
    // (At 5 both plans are optimal, so the solver may take either.)
    assert_eq!(front[0]["target_penalty"], "0.05");
    assert!(
        ["5.0", "8.0"].contains(&front[1]["target_penalty"].as_str()),
        "{front:?}"
    );
    assert_eq!(front[1]["total_cost"], "56.000");
    assert_eq!(front[1]["more_targets_met"], "1");
    assert_eq!(front[1]["more_cost"], "10.000");
    assert_eq!(front[1]["cost_per_more_target"], "10.000");
    assert_eq!(front[1]["within_tolerance"], "no");
    for name in ["frontier.png", "frontier.svg"] {
        assert!(out.join("plots/vi").join(name).is_file(), "{name}");
    }
    // Every point is a variant that plans again alone to the same cost.
    let variant = out.join("scenarios/p10");
    let toml = std::fs::read_to_string(variant.join("scenario.toml")).unwrap();
    assert!(toml.contains("target_penalty = 8.0"), "{toml}");
    let again = plan(&variant, &tmp);
    let costs: f64 = read_csv(&again.join("costs.csv"))
        .iter()
        .map(|r| r["cost"].parse::<f64>().unwrap())
        .sum();
    assert!((costs - 56.0).abs() < 1e-6, "{costs}");
    assert!(out.join("p10/summary.json").is_file());
}

/// A generated 12-unit province: the ladder and its splits find 8 distinct plans, each
/// within the scenario's proven gap, along the frontier more targets cost more, and the
/// same points come out on one thread and on two (splits and their rounds included).
#[test]
fn a_generated_province_gives_eight_distinct_points_each_with_its_gap() {
    let tmp = tempfile::tempdir().unwrap();
    let set = tmp.path().join("set");
    let g = generate(&set, "12", "1", "1", &[]);
    assert!(g.status.success(), "{}", String::from_utf8_lossy(&g.stderr));
    let out = tmp.path().join("frontier");
    let o = frontier(&set.join("p01"), &out, &["--points", "8", "--threads", "2"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    let rows = read_csv(&out.join("frontier.csv"));
    let distinct: BTreeSet<(String, String, String)> = rows
        .iter()
        .map(|r| {
            let key = |k: &str| r[k].clone();
            (
                key("targets_met"),
                key("people_short"),
                key("milestone_people_short"),
            )
        })
        .collect();
    assert!(distinct.len() >= 8, "{stdout}");
    assert!(rows.len() > 11, "no value was split: {stdout}");
    assert!(
        stdout.contains(&format!("{} distinct points", distinct.len())),
        "{stdout}"
    );
    for r in &rows {
        let gap: f64 = r["gap"].parse().unwrap();
        assert!(gap <= 0.001 + 1e-9, "{r:?}");
    }
    let front: Vec<&Row> = rows.iter().filter(|r| r["on_frontier"] == "yes").collect();
    assert!(front.len() >= 4, "{stdout}");
    let num = |r: &Row, k: &str| r[k].parse::<f64>().unwrap();
    let mut by_cost = front.clone();
    by_cost.sort_by(|a, b| num(a, "total_cost").total_cmp(&num(b, "total_cost")));
    for w in by_cost.windows(2) {
        assert!(num(w[1], "targets_met") > num(w[0], "targets_met"), "{w:?}");
        let step = num(w[1], "total_cost") - num(w[0], "total_cost");
        assert!((num(w[1], "more_cost") - step).abs() < 0.002, "{w:?}");
    }
    // The first point's value is the ladder's: a twentieth of a staff salary-year.
    let salary = 120.0; // generate/texts.rs: salary_staff
    assert_eq!(num(&rows[0], "target_penalty"), salary * 0.05);
    let alone = tmp.path().join("alone");
    let o = frontier(
        &set.join("p01"),
        &alone,
        &["--points", "8", "--threads", "1"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(read(&out, "frontier.csv"), read(&alone, "frontier.csv"));
}

/// What a person short costs under `policy.target_penalty`, by hand on the `prices`
/// fixture (target year 2027, intent.penalty 10,000, shortfall penalty 100,000).
#[test]
fn a_target_penalty_prices_targets_milestones_i1_and_margins() {
    use bienche::domain::Rule;
    use bienche::rules::intent::price;
    let mut spec = bienche::scenario::load(&fixture("prices")).unwrap();
    let c1 = Some(0);
    assert_eq!(price(&spec, Rule::R6, c1, 2027), 100_000.0);
    assert_eq!(price(&spec, Rule::R6, c1, 2026), 10_000.0);
    assert_eq!(price(&spec, Rule::I1, c1, 2027), 10_000.0 + 3.0 * 100_000.0);
    assert_eq!(spec.config.policy.margin_price(), 3_000.0);
    // Below intent.penalty: the milestone follows the target, margins a third of it.
    spec.config.policy.target_penalty = Some(60.0);
    assert_eq!(price(&spec, Rule::R6, c1, 2027), 60.0);
    assert_eq!(price(&spec, Rule::R6, c1, 2026), 60.0);
    assert_eq!(price(&spec, Rule::I1, c1, 2027), 10_000.0 + 3.0 * 60.0);
    assert_eq!(price(&spec, Rule::I1, c1, 2026), 10_000.0);
    assert_eq!(spec.config.policy.margin_price(), 20.0);
    // Above it: the milestone keeps intent.penalty, the margin its own price.
    spec.config.policy.target_penalty = Some(50_000.0);
    assert_eq!(price(&spec, Rule::R8, c1, 2027), 50_000.0);
    assert_eq!(price(&spec, Rule::R8, c1, 2026), 10_000.0);
    assert_eq!(spec.config.policy.margin_price(), 3_000.0);
}

#[test]
fn values_are_rounded_to_two_significant_digits() {
    use bienche::frontier::nice;
    for (v, want) in [
        (0.35, "0.35"),
        (0.7000001, "0.7"),
        (3.3000001, "3.3"),
        (13.4, "13.0"),
        (424.3, "420.0"),
        (6.0, "6.0"),
    ] {
        assert_eq!(format!("{:?}", nice(v)), want, "{v}");
    }
}

#[test]
fn points_outside_their_range_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("frontier");
    let o = frontier(&fixture("prices"), &out, &["--points", "1"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: --points: expected from 2 to 40 distinct plans, found 1\n"
    );
    assert!(!out.exists());
}

#[test]
fn a_target_penalty_above_the_shortfall_penalty_is_refused() {
    let (_tmp, dir) = copy_fixture("prices");
    replace_in(
        &dir,
        "scenario.toml",
        "r5_weight = 0.0",
        "r5_weight = 0.0\ntarget_penalty = 200000.0",
    );
    let o = bienche(&["check", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: scenario.toml, line 12: field 'policy.target_penalty': expected above 0 and at most policy.shortfall_penalty (100000) million VND per person short of a target, found 200000\n"
    );
}
