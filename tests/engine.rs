//! Known optima worked out by hand, every plan replayed and every target recomputed by the independent oracle, and the proven bound.

use crate::common;

use bienche::domain::{BandRule, SeventyPercentBand};
use bienche::rules::r2_rate;
use common::oracle::*;
use common::*;

// Known optima, worked out by hand (see each fixture's numbers in the comments).

/// Quota 10, 6 Kinh staff, EM population 80% with band_rule = lower → R2 needs 35% of 10 =
/// 4 EM (R4: 1 EM woman; R6: ⌈0.2·4⌉ = 1 EM leader; R7: 1 EM woman leader; R8: all 4
/// trained). Hiring 4 trained EM at 100 and promoting one woman at 10 costs 410; no cheaper
/// plan exists because every EM person must be hired.
#[test]
fn a_unit_that_must_hire() {
    let tmp = tempfile::tempdir().unwrap();
    let out = plan(&fixture("must-hire"), &tmp);
    let s = summary(&out);
    assert_eq!(num(&s, &["total_cost"]), 410.0);
    assert_eq!(num(&s, &["solver", "objective"]), 410.0);
    assert_eq!(num(&s, &["solver", "gap"]), 0.0);
    assert_eq!(s["solver"]["status"], "optimal");
    assert_eq!(flow_total(&out, "hire"), 4);
    assert_eq!(flow_total(&out, "promote"), 1);
    assert_eq!(target(&out, "C1", "R2", "2027"), (4, 4, 0));
    assert_eq!(target(&out, "C1", "R7", "2027"), (1, 1, 0));
    assert_eq!(s["targets_missed"], 0);
}

/// 5 untrained EM staff (3 women) already meet R2 (4) and R4 (1). R6 needs one EM leader
/// (a woman, for R7: promotion 10) and R8 needs all 5 trained (5 × 5): 35, with no hiring.
#[test]
fn a_unit_that_meets_its_targets_by_promotion_and_training_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let out = plan(&fixture("promote-or-train"), &tmp);
    let s = summary(&out);
    assert_eq!(num(&s, &["total_cost"]), 35.0);
    assert_eq!(flow_total(&out, "hire"), 0);
    assert_eq!(flow_total(&out, "promote"), 1);
    assert_eq!(flow_total(&out, "train"), 5);
    assert_eq!(s["targets_missed"], 0);
}

/// The commune needs 4 EM; the ethnic section next door has 10 trained EM and no numeric
/// target but R8. Moving 4 people costs 4 × 20 = 80 against 4 × 100 for hiring; with the
/// R6/R7 promotion the optimum is 90.
#[test]
fn a_transfer_that_is_cheaper_than_hiring() {
    let tmp = tempfile::tempdir().unwrap();
    let out = plan(&fixture("transfer-cheaper"), &tmp);
    let s = summary(&out);
    assert_eq!(num(&s, &["total_cost"]), 90.0);
    assert_eq!(flow_total(&out, "hire"), 0);
    assert_eq!(flow_total(&out, "transfer_in"), 4);
    assert_eq!(flow_total(&out, "transfer_out"), 4);
    let rows = read_csv(&out.join("flows.csv"));
    assert!(rows
        .iter()
        .filter(|r| r["flow"] == "transfer_in")
        .all(|r| r["unit"] == "C1" && r["counterpart"] == "S1"));
}

/// Quota 10 with 8 Kinh staff who cannot leave, and one channel capped at 2 hires: R2's
/// 4 EM are out of reach by exactly 2. The plan still hires the 2 and reports the rest.
#[test]
fn an_unreachable_target_reports_its_exact_shortfall() {
    let tmp = tempfile::tempdir().unwrap();
    let out = plan(&fixture("unreachable"), &tmp);
    let s = summary(&out);
    assert_eq!(target(&out, "C1", "R2", "2027"), (4, 2, 2));
    assert_eq!(s["targets_missed"], 1);
    assert_eq!(s["total_shortfall"], 2);
    assert_eq!(num(&s, &["total_cost"]), 210.0);
    assert_eq!(num(&s, &["solver", "objective"]), 210.0 + 2.0 * 100_000.0);
    let missed = &s["missed"][0];
    assert_eq!(missed["unit"], "C1");
    assert_eq!(missed["rule"], "R2");
    let why: Vec<String> = missed["why"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .collect();
    assert!(
        why.contains(&"channel exam at its cap in 2026".to_string()),
        "{why:?}"
    );
    assert!(
        why.contains(&"quota of C1 full in 2026–2027".to_string()),
        "{why:?}"
    );
}

/// Coverage roadmap: in 2026 (level 0.5) one of the two communes must meet its full
/// targets. C1 can (4 EM hires at 100, one promotion at 10); C2's quota is full of staff who
/// cannot leave. In 2027 every unit needs its full target: C2 stays at its quota (a person
/// over it costs ten shortfall penalties), so R2 is short by 4 and R4 by 1 (R6–R8 ask
/// nothing of a unit with no EM staff). The province rows count units; C2's 2026 rows are
/// reported but not counted. C1 costs 410.
#[test]
fn coverage_roadmap_counts_units_and_lets_the_optimiser_choose_them() {
    let tmp = tempfile::tempdir().unwrap();
    let out = plan(&fixture("coverage"), &tmp);
    replay_flows(&out, 2025, 2027);
    let s = summary(&out);
    assert_eq!(target(&out, "COVERAGE", "R2", "2026"), (1, 1, 0));
    assert_eq!(target(&out, "C1", "R2", "2026"), (4, 4, 0));
    assert_eq!(target(&out, "C2", "R2", "2026"), (4, 0, 4));
    assert_eq!(target(&out, "C2", "R2", "2027"), (4, 0, 4));
    assert_eq!(target(&out, "C2", "R4", "2027"), (1, 0, 1));
    assert_eq!(s["targets_missed"], 2);
    assert_eq!(s["staffing_issues"], serde_json::json!([]));
    assert_eq!(num(&s, &["solver", "objective"]), 410.0 + 5.0 * 100_000.0);
    // The bound is raised only as far as the tolerance (0.01%) asks.
    let (objective, bound) = (
        num(&s, &["solver", "objective"]),
        num(&s, &["solver", "bound"]),
    );
    assert!(bound <= objective && objective - bound <= 1e-4 * objective);
}

/// A budget cap of 150 a year allows one hire (100) a year plus the promotion (10): two EM
/// by 2027, so R2 is short by exactly 2 and the plan stays within the cap.
#[test]
fn a_budget_cap_limits_hiring_and_the_shortfall_is_exact() {
    let (tmp, dir) = copy_fixture("must-hire");
    replace_in(
        &dir,
        "scenario.toml",
        "[training]",
        "[budget]\ncap_per_year = 150.0\n\n[training]",
    );
    let out = plan(&dir, &tmp);
    replay_flows(&out, 2025, 2027);
    let s = summary(&out);
    assert_eq!(target(&out, "C1", "R2", "2027"), (4, 2, 2));
    assert_eq!(num(&s, &["total_cost"]), 210.0);
    assert_eq!(num(&s, &["solver", "objective"]), 210.0 + 2.0 * 100_000.0);
    for (year, spent) in s["cost_by_year"].as_object().unwrap() {
        assert!(spent.as_f64().unwrap() <= 150.0, "{year}: {spent}");
    }
    assert!(s["staffing_issues"].as_array().unwrap().is_empty());
}

/// Groups of units compete for a binding budget: the plans picked for them must not spend
/// the same money twice. On a generated 12-unit province with a cap of 1,500 million VND a
/// year on levers, the plan's lever spending, summed from `costs.csv`, stays within the cap
/// every year, and no overrun is reported. (When groups short of a target were retried
/// after the pick, checking only the hard limits when keeping their plans overspent 2027 by
/// 74 million and left a 99% gap; and a pick among plans each solved at prices alone, with
/// none held to a share of the money, overspent 2027 by 34.5 million.)
#[test]
fn groups_do_not_spend_the_same_money_under_a_binding_cap() {
    let tmp = tempfile::tempdir().unwrap();
    let set = tmp.path().join("set");
    assert!(generate(&set, "12", "1", "3", &[]).status.success());
    let dir = set.join("p01");
    let toml = std::fs::read_to_string(dir.join("scenario.toml")).unwrap();
    std::fs::write(
        dir.join("scenario.toml"),
        format!("{toml}\n[budget]\ncap_per_year = 1500\n"),
    )
    .unwrap();
    let out = plan(&dir, &tmp);
    let mut levers: std::collections::BTreeMap<String, f64> = Default::default();
    for row in read_csv(&out.join("costs.csv")) {
        if row["lever"] != "salary" {
            *levers.entry(row["year"].clone()).or_default() += row["cost"].parse::<f64>().unwrap();
        }
    }
    assert_eq!(levers.len(), 10, "{levers:?}");
    // Costs are written to 0.001 million VND a line.
    for (year, spent) in &levers {
        assert!(*spent <= 1500.0 + 0.01, "{year}: {spent}");
    }
    // The cap binds (without it 2027 spends 2,797), so the groups compete for it.
    assert!(levers.values().any(|&spent| spent >= 1450.0), "{levers:?}");
    let s = summary(&out);
    let overruns: Vec<_> = s["staffing_issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["what"] == "budget_overrun")
        .collect();
    assert!(overruns.is_empty(), "{overruns:?}");
    // The cap binds the LP, so the budget is priced in rounds, the plans picked by the
    // master MIP and the groups short of a target retried with what the pick leaves
    // (docs/model.md). The whole-province MIP (`method = "monolithic"`, 400 s) finds
    // 893,277.2 with a bound of 892,402.7 (5 December 2026), so the bound must stay below
    // it; the plan is 13.4% above it (1,013,237.4; the pick alone, without the retries,
    // 1,223,200.8, 37% above). (3 December's record of a monolithic optimum of 1,151,187.4
    // for this instance, the same pick then 6.3% above it, is not reproduced: not explained
    // yet. Before hires' later leavers were replaced and costed, 865,239.3, the pick 12.6%
    // above it and the LP's split of the money alone 22.9% above.)
    let (objective, bound) = (
        num(&s, &["solver", "objective"]),
        num(&s, &["solver", "bound"]),
    );
    assert!(
        bound <= 893_277.2 && bound <= objective,
        "{bound} {objective}"
    );
    assert!(objective < 1.2 * 893_277.2, "{objective}");
}

/// A public service unit with no staff has no EM manager to appoint (the ≥30% clause does
/// not apply), so adding one changes nothing: still 410, proven.
#[test]
fn an_empty_public_service_unit_asks_for_no_manager() {
    let (tmp, dir) = copy_fixture("must-hire");
    let units = std::fs::read_to_string(dir.join("units.csv")).unwrap();
    std::fs::write(
        dir.join("units.csv"),
        units + "P1,Service 1,public_service,50,0,0\n",
    )
    .unwrap();
    let out = plan(&dir, &tmp);
    let s = summary(&out);
    assert_eq!(num(&s, &["solver", "objective"]), 410.0);
    assert_eq!(num(&s, &["solver", "bound"]), 410.0);
    assert_eq!(s["targets_missed"], 0);
}

/// Two communes with no route between them are planned as two groups, and R5's distance is
/// a province-wide row neither group holds. Each keeps its 5 posts after 2 Thai retire
/// (2026): 2 hires each, Thai at 10 or Mong at 10.5, every target met either way. With the
/// population half Thai and half Mong, m Mong hires leave `N_Thai = 10 − m`, `N_Mong = m`,
/// a distance of `2·|5 − m|` in 2027 at 1 a person: 4 Mong cost 2 more and save 8. Salaries
/// 10 people × 2 years: the optimum is 40 + 2 + 20 = 62, plus a distance of 2: 64, proven.
/// (Groups that did not carry the distance each hired Thai: 60 + 10 = 70, feasible, not
/// proven against the bound of 64.)
#[test]
fn groups_planned_apart_hire_by_r5s_distance() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, stderr) = plan_printing(&fixture("r5-groups"), &tmp);
    assert!(stderr.contains("2 groups of units"), "{stderr}");
    let s = summary(&out);
    assert_proven_objective(&out, 64.0);
    assert_eq!(num(&s, &["total_cost"]), 62.0);
    assert_eq!(num(&s["r5"][0], &["group_distance_persons"]), 2.0);
    let mong: u32 = read_csv(&out.join("flows.csv"))
        .iter()
        .filter(|r| r["flow"] == "hire" && r["group"] == "Mong")
        .map(|r| r["count"].parse::<u32>().unwrap())
        .sum();
    assert_eq!(mong, 4);
    assert_eq!(s["targets_missed"], 0);
}

// R2 band edges under each band policy.

#[test]
fn r2_band_edges_under_each_policy() {
    use BandRule::*;
    // (p %, lower, upper, interpolate), in % of quota; None = no numeric target.
    let cases: [(f64, Option<[f64; 3]>); 8] = [
        (4.99, None),
        (5.0, Some([5.0, 5.0, 5.0])),
        (10.0, Some([5.0, 15.0, 5.0])),
        (29.99, Some([5.0, 15.0, 14.995])),
        (30.0, Some([15.0, 25.0, 15.0])),
        (50.0, Some([25.0, 35.0, 25.0])),
        (70.0, Some([35.0, 50.0, 35.0])),
        (100.0, Some([35.0, 50.0, 50.0])),
    ];
    for (p, expected) in cases {
        for (i, band) in [Lower, Upper, Interpolate].into_iter().enumerate() {
            let got = r2_rate(p / 100.0, band, SeventyPercentBand::Top)
                .map(|r| (r.rate * 1e6).round() / 1e4);
            assert_eq!(got, expected.map(|e| e[i]), "p = {p}%, {band:?}");
        }
    }
    // Exactly 70% placed in the 50–70% band instead.
    let lower = |band| r2_rate(0.70, band, SeventyPercentBand::Lower).unwrap().rate;
    assert_eq!(lower(Lower), 0.25);
    assert_eq!(lower(Upper), 0.35);
    assert_eq!(lower(Interpolate), 0.35);
}

#[test]
fn every_fixture_plan_replays_and_its_targets_recompute() {
    for name in [
        "must-hire",
        "promote-or-train",
        "transfer-cheaper",
        "unreachable",
        "r5-groups",
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let out = plan(&fixture(name), &tmp);
        replay_flows(&out, 2025, 2027);
        check_targets(&fixture(name), &out);
    }
}

/// The bundled sample: every acceptance figure the issue asks for, measured on each run.
#[test]
fn son_la_sample_plan_replays_recomputes_and_proves_its_gap() {
    let dir = scenario("son-la");
    let out = sample_plan().to_path_buf();
    replay_flows(&out, 2025, 2035);
    check_targets(&dir, &out);
    assert!(assert_booked_leavers_stay(&dir, &out) > 100);
    assert!(common::assert_channel_caps(&dir, &out) > 50);
    let s = summary(&out);
    assert_eq!(s["illustrative"], true);
    // The sample's tolerance, proven against the bound.
    assert!(
        num(&s, &["solver", "gap"]) <= 0.001 + 1e-12,
        "gap {}",
        s["solver"]["gap"]
    );
    assert!(num(&s, &["solver", "bound"]) <= num(&s, &["solver", "objective"]) + 1e-6);
    // The sample is built so that commune X13 cannot reach R2.
    let (required, achieved, shortfall) = target(&out, "X13", "R2", "2035");
    assert!(shortfall > 0 && achieved < required);
    assert!(s["missed"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["unit"] == "X13" && m["rule"] == "R2"));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let files: Vec<&str> = manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["file"].as_str().unwrap())
        .collect();
    for f in [
        "scenario.toml",
        "units.csv",
        "staff.csv",
        "retirements.csv",
        "channels.csv",
        "groups.csv",
    ] {
        assert!(files.contains(&f), "manifest lacks {f}");
    }
}

/// The Lagrangian bound's sign check: with every group at its priced LP, the sum is the
/// LP bound; and where the gap lies, group by group (`solver.check_bound`).
#[test]
fn the_lagrangian_bound_reproduces_the_lp_bound_and_splits_the_gap_by_group() {
    let tmp = tempfile::tempdir().unwrap();
    let set = tmp.path().join("set");
    assert!(generate(&set, "40", "1", "5", &[]).status.success());
    let out = tmp.path().join("out");
    replace_in(
        &set.join("p01"),
        "scenario.toml",
        "[solver]\n",
        "[solver]\ncheck_bound = true\n",
    );
    let o = bienche(&[
        "plan",
        set.join("p01").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stderr = String::from_utf8_lossy(&o.stderr);
    let line = stderr
        .lines()
        .find(|l| l.starts_with("check: Lagrangian with LP subproblems "))
        .expect("the check line");
    let numbers: Vec<f64> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert_eq!(numbers.len(), 2, "{line}");
    assert!(
        (numbers[0] - numbers[1]).abs() <= 1e-6 * numbers[1].abs(),
        "{line}"
    );
    // Where the gap lies: each group's plan priced at the LP's duals costs at least its
    // priced MIP's bound and at least the best priced plan HiGHS found from it; the sum of the
    // groups' bounds is at least the bound the plan reports (which raised only some groups)
    // and at most the groups' priced plans.
    let after = |l: &str, label: &str| -> f64 {
        let rest = &l[l.find(label).unwrap_or_else(|| panic!("{label} in {l}")) + label.len()..];
        rest.trim_start()
            .split(|c: char| c.is_whitespace() || c == ',' || c == ')')
            .next()
            .and_then(|w| w.parse().ok())
            .unwrap_or_else(|| panic!("a number after {label} in {l}"))
    };
    let total = stderr
        .lines()
        .find(|l| l.starts_with("gap check: objective "))
        .expect("the gap check's total");
    let objective = after(total, "objective");
    let priced_plans = after(total, "Σ P_g + y·b");
    let bound = after(total, "Σ L_g + y·b");
    let eps = 1e-6 * objective.abs();
    let s = common::summary(&out);
    assert!((common::num(&s, &["solver", "objective"]) - objective).abs() <= 0.1);
    assert!(
        bound >= common::num(&s, &["solver", "bound"]) - eps,
        "{total}"
    );
    assert!(bound <= priced_plans + eps, "{total}");
    let groups: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("gap check: ") && l.contains("plan−bound"))
        .collect();
    assert!(!groups.is_empty());
    for l in groups {
        assert!(after(l, "plan−bound") >= -eps, "{l}");
        assert!(after(l, "plan−best") >= -eps, "{l}");
    }
}

/// Pricing from the split's plans (decomposition step 7), reached by asking a tolerance the
/// split's plans do not prove: the plan it keeps costs no more than without it, keeps every
/// channel cap and replays.
#[test]
fn pricing_from_the_splits_plans_never_costs_more_and_keeps_every_cap() {
    let tmp = tempfile::tempdir().unwrap();
    let set = tmp.path().join("set");
    assert!(generate(&set, "40", "1", "5", &[]).status.success());
    let dir = set.join("p01");
    let run = |rounds: &str, name: &str| -> (std::path::PathBuf, String) {
        let toml = std::fs::read_to_string(dir.join("scenario.toml")).unwrap();
        let toml = toml.replace(
            "[solver]\n",
            &format!("[solver]\npricing_rounds = {rounds}\n"),
        );
        let toml = with_gap(&toml, "0.00002");
        std::fs::write(dir.join("scenario.toml"), toml).unwrap();
        let out = tmp.path().join(name);
        let o = bienche(&[
            "plan",
            dir.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        // The setting back out for the next run.
        let toml = std::fs::read_to_string(dir.join("scenario.toml")).unwrap();
        std::fs::write(
            dir.join("scenario.toml"),
            toml.replace(&format!("pricing_rounds = {rounds}\n"), ""),
        )
        .unwrap();
        (out, String::from_utf8_lossy(&o.stderr).into_owned())
    };
    let (without, _) = run("0", "without");
    let (with, stderr) = run("3", "with");
    assert!(
        stderr.contains("pricing from the split's plans: objective "),
        "step 7 not reached:\n{stderr}"
    );
    let objective =
        |out: &std::path::Path| common::num(&common::summary(out), &["solver", "objective"]);
    assert!(
        objective(&with) <= objective(&without) + 1e-6,
        "{} > {}",
        objective(&with),
        objective(&without)
    );
    assert!(common::assert_channel_caps(&dir, &with) > 0);
    common::oracle::replay_flows(&with, 2025, 2035);
}

/// The slot exchange makes as many trades at once as it has threads, on the same plans, and
/// makes again those after a kept one (the order itself is worked by hand in
/// `decompose::parts`'s tests): a generated 12-unit province with I2 on at 0.05%, whose
/// exchange by priced cost keeps a trade with another made after it (W01's, then X05's, on
/// 7 December 2026), gives the same exchanges and the same plan on one and two threads. R5
/// left out (`r5_weight = 0`): carried by the groups, it left one trade kept, the last.
#[test]
fn the_slot_exchange_gives_the_same_plan_on_one_and_two_threads() {
    if std::thread::available_parallelism().map_or(1, |n| n.get()) < 2 {
        eprintln!("one processor: two threads would be one; nothing to compare");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let set = tmp.path().join("set");
    assert!(generate(&set, "12", "1", "1", &[]).status.success());
    let dir = set.join("p01");
    let toml = std::fs::read_to_string(dir.join("scenario.toml")).unwrap();
    let toml = with_gap(&toml, "0.0005").replace("r5_weight = 1.0", "r5_weight = 0.0")
        + "\n[intent]\nhiring_composition = true\n";
    assert!(toml.contains("r5_weight = 0.0"), "{toml}");
    std::fs::write(dir.join("scenario.toml"), toml).unwrap();
    let mut seen = Vec::new();
    for threads in ["1", "2"] {
        let out = tmp.path().join(format!("out{threads}"));
        let o = plan_into(&dir, &out, &["--threads", threads, "--verbose"]);
        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(o.status.success(), "{stderr}");
        let trades: Vec<String> = stderr
            .lines()
            .filter(|l| l.starts_with("exchange: group "))
            .map(String::from)
            .collect();
        let kept = |line: &str| {
            let (objective, against) = line.split_once(" against ").unwrap();
            let objective = objective.rsplit(' ').next().unwrap();
            objective.parse::<f64>().unwrap() < against.parse::<f64>().unwrap()
        };
        // A trade by priced cost kept, and the next group's judged after it.
        let first_kept = trades
            .iter()
            .position(|l| l.contains("above its least priced cost") && kept(l))
            .unwrap_or_else(|| panic!("no trade by priced cost kept:\n{}", trades.join("\n")));
        assert!(
            trades.len() > first_kept + 1,
            "no trade after the kept one:\n{}",
            trades.join("\n")
        );
        seen.push((trades, std::fs::read(out.join("flows.csv")).unwrap()));
    }
    assert_eq!(seen[0].0, seen[1].0, "the exchanges differ");
    assert!(
        seen[0].1 == seen[1].1,
        "flows.csv differs between 1 and 2 threads"
    );
}

/// `scenario.toml` with `mip_rel_gap` set to `gap`.
fn with_gap(toml: &str, gap: &str) -> String {
    toml.lines()
        .map(|l| {
            if l.trim_start().starts_with("mip_rel_gap") {
                format!("mip_rel_gap = {gap}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}
