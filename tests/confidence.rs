//! Targets planned with a confidence level (`policy.confidence`): the margin by hand, the
//! chance it buys against the exact binomial, and the checks on the settings.

use crate::common;

use common::*;

/// Fixture confidence: one commune of 17 EM staff (none due to retire), all leaving at 10%
/// a year, and a 2027 R2 target of 14 EM staff. By 2027 each has left with p = 1 − 0.9² =
/// 0.19, so the EM leavers L are Binomial(17, 0.19): σ² = 17 × 0.19 × 0.81 = 2.6163, σ =
/// 1.6175 (no hire is expected to leave: `new_hire_rate = 0`). The expected EM leavers are
/// 1.7 + 1.53 = 3.23, and the plan books 3 (the province's EM leavers rounded to the nearest
/// person), so the world is expected to be b = −0.23 of a person behind the plan. The margin
/// is ⌈z·σ − ½ − b⌉: z = 0.8416 → 1.091 → 2; z = 1.2816 → 1.803 → 2; z = 1.6449 → 2.391 → 3.
/// With h hires the plan has 14 + h EM staff, and the target is met in the world when
/// L ≤ 3 + h: by hand, P(L ≤ 3) = 0.5909 with no margin, P(L ≤ 5) = 0.9136 and P(L ≤ 6) =
/// 0.9709, each at least its confidence (a margin of 1 gives P(L ≤ 4) = 0.7913, short of
/// 0.8). The price of confidence: the plan of the expectation hires nobody (17 − 3 = 14, and
/// R6's ⌈0.2 × 14⌉ = 3 leaders are the 4 less the one booked to leave); at 0.8 and 0.9 two
/// hires and two promotions (220: R6 asks ⌈0.2 × 16⌉ = 4 and its own margin of 1, so 5 of
/// the 3 left); at 0.95 three hires and the same two promotions (320).
#[test]
fn the_margin_is_the_spread_of_the_unit_s_leavers() {
    for (confidence, margin, exact, extra) in [
        ("0.5", 0, 0.5909, 0.0),
        ("0.8", 2, 0.9136, 220.0),
        ("0.9", 2, 0.9136, 220.0),
        ("0.95", 3, 0.9709, 320.0),
    ] {
        let (_tmp, dir) = confidence_at(confidence);
        let tmp = tempfile::tempdir().unwrap();
        let out = plan(&dir, &tmp);
        let r2 = c1_r2(&out);
        assert_eq!(r2["required"], "14", "{r2:?}");
        assert_eq!(r2["margin"], margin.to_string(), "{confidence}: {r2:?}");
        assert_eq!(
            r2["achieved"],
            (14 + margin).to_string(),
            "{confidence}: {r2:?}"
        );
        // The plan's own 4,000 draws agree with the exact chance (standard error 0.006).
        let p: f64 = r2["p_met"].parse().unwrap();
        assert!(
            (p - exact).abs() < 0.025,
            "{confidence}: {p} against {exact}"
        );
        let s = summary(&out);
        if margin == 0 {
            assert!(s.get("confidence").is_none(), "{s}");
        } else {
            assert_eq!(num(&s, &["confidence", "level"]).to_string(), confidence);
            assert_eq!(num(&s, &["confidence", "cost_at_expectation"]), 0.0);
            assert_eq!(num(&s, &["confidence", "extra_cost"]), extra);
        }
    }
}

#[test]
fn a_confidence_outside_its_range_is_refused() {
    for (from, to, message) in [
        (
            "confidence = 0.9",
            "confidence = 0.3",
            "error: scenario.toml, line 13: field 'policy.confidence': expected a chance from 0.5 (plan the expectation) to 0.999, such as 0.9, found 0.3",
        ),
        (
            "confidence = 0.9",
            "confidence = 0.9\nmargin_penalty = 200000.0",
            "error: scenario.toml, line 14: field 'policy.margin_penalty': with policy.confidence above 0.5, expected more than 0 and less than policy.shortfall_penalty (100000) million VND per person, found 200000 (default 3000)",
        ),
    ] {
        let (_tmp, dir) = copy_fixture("confidence");
        replace_in(&dir, "scenario.toml", from, to);
        let o = bienche(&["check", dir.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(stderr.contains(message), "{stderr}");
    }
}

/// Fixture confidence with 60 Kinh staff beside the 17 Thai, so that C1 fills its quota of
/// 77, kept full (I3, `keep_base_fill`), and a channel hiring Kinh. R2 asks ⌈0.35 × 77⌉ = 27
/// EM staff in 2027. Every post freed is filled again, and the plan fills them all with
/// Thai hires (14: the 3 EM and 11 Kinh leavers it books), so in the world the EM head-count
/// is 17 + L, L the Kinh leavers, Binomial(60, 0.19): it moves with the people R2 does not
/// count. Their spread is √(60 × 0.19 × 0.81) = 3.0388 (the EM's own, 1.6175, gives a margin
/// of ⌈1.2816 × 1.6175 − ½ + 0.23⌉ = 2), and the plan books 11 of them against 11.4
/// expected, so the world is b = 0.4 ahead: the margin at 0.9 is ⌈1.2816 × 3.0388 − ½ −
/// 0.4⌉ = ⌈2.994⌉ = 3. No lever reaches it (exits only undo a quota cut, and every hire
/// already is Thai): the plan has 28, and the chance is P(L ≥ 10) = 0.7269 by hand.
#[test]
fn a_unit_kept_at_its_quota_moves_with_the_people_its_target_does_not_count() {
    let (_tmp, dir) = confidence_at("0.9");
    replace_in(
        &dir,
        "staff.csv",
        "C1,Kinh,M,staff,yes,10",
        "C1,Kinh,M,staff,yes,60",
    );
    replace_in(&dir, "units.csv", "commune,80,40,6", "commune,80,77,6");
    replace_in(
        &dir,
        "scenario.toml",
        "keep_base_fill = false",
        "keep_base_fill = true",
    );
    let channels = read(&dir, "channels.csv");
    std::fs::write(
        dir.join("channels.csv"),
        format!("{channels}open,2026-2027,Kinh,commune,,100,50,yes\n"),
    )
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = plan(&dir, &tmp);
    let r2 = c1_r2(&out);
    assert_eq!(
        [&r2["required"], &r2["margin"], &r2["achieved"]],
        ["27", "3", "28"],
        "{r2:?}"
    );
    let hires: Vec<(String, u32)> = read_csv(&out.join("flows.csv"))
        .into_iter()
        .filter(|r| r["flow"] == "hire")
        .map(|r| (r["group"].clone(), r["count"].parse().unwrap()))
        .collect();
    assert!(hires.iter().all(|(g, _)| g == "Thai"), "{hires:?}");
    assert_eq!(hires.iter().map(|(_, n)| n).sum::<u32>(), 14);
    let exact = 1.0
        - (0..10)
            .map(|k| binomial(60, k) * 0.19f64.powi(k as i32) * 0.81f64.powi(60 - k as i32))
            .sum::<f64>();
    assert!((exact - 0.7269).abs() < 1e-4, "{exact}");
    let p: f64 = r2["p_met"].parse().unwrap();
    assert!((p - exact).abs() < 0.025, "{p} against {exact}");
}

/// C(n, k) as a float.
fn binomial(n: u32, k: u32) -> f64 {
    (0..k).map(|i| (n - i) as f64 / (i + 1) as f64).product()
}

/// The sample at `confidence = 0.9` proves its gap: the bound prices the MIP of every group
/// where it must, including groups whose LP flows are whole but whose required counts
/// (`⌈c·B⌉`) are not (left out, the bound stopped at 0.112%).
#[test]
fn the_sample_at_0_9_proves_its_gap() {
    let (_tmp, dir) = copy_scenario("son-la");
    replace_in(
        &dir,
        "scenario.toml",
        "[policy]\n",
        "[policy]\nconfidence = 0.9\n",
    );
    let tmp = tempfile::tempdir().unwrap();
    let s = summary(&plan(&dir, &tmp));
    assert_eq!(s["solver"]["status"], "optimal", "{}", s["solver"]);
    assert!(num(&s, &["solver", "gap"]) <= 0.001, "{}", s["solver"]);
}
