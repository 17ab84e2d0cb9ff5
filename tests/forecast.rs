//! The forecast with no plan: a case worked by hand, the sample, and a property test of its bookkeeping.

use crate::common;

use common::oracle::*;
use common::*;

#[test]
fn the_forecast_of_a_small_case_matches_the_hand_calculation() {
    // C1: 10 Kinh men trained, 10 Thai women untrained, quota 20 (fill rate 100%), 2 leader
    // posts empty. Settled staff leave at 10% a year, first-year staff at 50%. Hires are half
    // Thai women trained, half Thai men untrained.
    // 2026: 2 Kinh retire (8 left); attrition 0.8 → 1 Kinh, 1.0 → 1 Thai; 2 posts filled from
    //   the only trained staff, Kinh (5 staff + 2 leaders); 20 − 16 = 4 hires, 2 + 2.
    // 2027: settled Kinh staff 1.3 cumulative expected (1 booked) → 0; leaders 0.2 → 0; Thai
    //   women 1.9 → 2 − 1 booked = 1; each 2-person first-year cell loses 1; 20 − 17 = 3
    //   hires, 1.5 + 1.5, the tie to the first cell of hiring_mix.csv.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("fc");
    let o = forecast_to(&fixture("forecast"), &out);
    assert_eq!(
        read(&out, "trajectory.csv"),
        "\u{feff}year,unit,unit_name,group,gender,role,trained,headcount
2025,C1,Commune 1,Thai,F,staff,no,10
2025,C1,Commune 1,Kinh,M,staff,yes,10
2026,C1,Commune 1,Thai,M,staff,no,2
2026,C1,Commune 1,Thai,F,staff,no,9
2026,C1,Commune 1,Thai,F,staff,yes,2
2026,C1,Commune 1,Kinh,M,staff,yes,5
2026,C1,Commune 1,Kinh,M,leader,yes,2
2027,C1,Commune 1,Thai,M,staff,no,2
2027,C1,Commune 1,Thai,F,staff,no,8
2027,C1,Commune 1,Thai,F,staff,yes,3
2027,C1,Commune 1,Kinh,M,staff,yes,5
2027,C1,Commune 1,Kinh,M,leader,yes,2
"
    );
    assert_eq!(flow_total(&out, "hire"), 7);
    assert_eq!(flow_total(&out, "attrition"), 5);
    assert_eq!(flow_total(&out, "promote"), 2);
    replay_flows(&out, 2025, 2027);
    // EM 13 of 20; EM women 8 + 3; no EM leader; 3 trained EM.
    let gap = read_csv(&out.join("gap.csv"));
    let projected = |rule: &str| {
        gap.iter()
            .find(|r| r["unit"] == "C1" && r["rule"] == rule && r["kind"] == "target")
            .map(|r| r["projected"].parse::<u32>().unwrap())
            .unwrap()
    };
    assert_eq!(
        [
            projected("R2"),
            projected("R4"),
            projected("R6"),
            projected("R8")
        ],
        [13, 11, 0, 3]
    );
    for r in &gap {
        let (req, got, short): (u32, u32, u32) = (
            r["required"].parse().unwrap(),
            r["projected"].parse().unwrap(),
            r["shortfall"].parse().unwrap(),
        );
        assert_eq!(short, req.saturating_sub(got));
    }
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("  C1 R8: required 13, projected 3, short 10"),
        "{stdout}"
    );
}

#[test]
fn son_la_forecast_shows_the_gap_with_no_plan() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("fc");
    let o = forecast_to(&scenario("son-la"), &out);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.starts_with("ILLUSTRATIVE DATA"), "{stdout}");
    assert!(stdout.contains("missed with no plan"), "{stdout}");
    replay_flows(&out, 2025, 2035);
    // With no plan nobody is trained, transferred or let go; the quota holds.
    for flow in ["train", "transfer_in", "transfer_out", "exit"] {
        assert_eq!(flow_total(&out, flow), 0, "{flow}");
    }
    let gap = read_csv(&out.join("gap.csv"));
    let missed = gap
        .iter()
        .filter(|r| r["met"] == "false" && r["rule"] != "R5")
        .count();
    assert!(missed > 100, "the sample is built to need a plan");
    let s = summary(&out);
    assert_eq!(s["kind"], "forecast without a plan");
    assert_eq!(s["illustrative"], true);
}

mod forecast_properties {
    use super::*;
    use proptest::prelude::*;

    /// Writes a one-commune scenario and returns its folder.
    fn write(
        dir: &Path,
        quota: u32,
        posts: u32,
        counts: &[u32; 4],
        retire: &[(usize, i32, u32)],
        rates: (u32, u32),
    ) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(
            dir.join("scenario.toml"),
            "name = \"property\"\n[time]\nbase_year = 2025\nhorizon = 2031\ntargets = [{ year = 2031, level = 1.0 }]\n[attrition]\nnew_hire_years = 1\n[staffing]\nmin_fill = 0.0\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("groups.csv"),
            "group,em,population_share\nThai,yes,80\nKinh,no,20\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("units.csv"),
            format!("id,name,kind,em_population_share,quota,leader_posts,over_quota_until\nC1,Commune 1,commune,80,{quota},{posts},2031\n"),
        )
        .unwrap();
        const CELLS: [&str; 4] = [
            "Kinh,M,staff,yes",
            "Thai,F,staff,no",
            "Thai,M,staff,yes",
            "Thai,F,leader,yes",
        ];
        let mut staff = String::from("unit,group,gender,role,trained,count\n");
        for (c, n) in CELLS.iter().zip(counts) {
            staff.push_str(&format!("C1,{c},{n}\n"));
        }
        std::fs::write(dir.join("staff.csv"), staff).unwrap();
        let mut left = *counts;
        let mut ret = String::from("unit,group,gender,role,trained,year,count\n");
        for &(c, y, n) in retire {
            let n = n.min(left[c]);
            if n > 0 {
                left[c] -= n;
                ret.push_str(&format!("C1,{},{y},{n}\n", CELLS[c]));
            }
        }
        std::fs::write(dir.join("retirements.csv"), ret).unwrap();
        std::fs::write(
            dir.join("attrition.csv"),
            format!(
                "class,tenure_from,tenure_to,rate\ncommune,0,1,{}\ncommune,1,,{}\n",
                rates.0, rates.1
            ),
        )
        .unwrap();
        std::fs::write(
            dir.join("channels.csv"),
            "channel,year,groups,kinds,max_hires,cost_per_hire,women_share,trained\nexam,2026-2031,all,all,,40,50,no\n",
        )
        .unwrap();
    }

    /// The forecast's people of a flow, in the years `years`.
    fn flow_sum(
        f: &bienche::forecast::Forecast,
        kind: bienche::model::FlowKind,
        years: std::ops::RangeInclusive<i32>,
    ) -> u32 {
        f.plan
            .flows
            .iter()
            .filter(|(k, _)| k.kind == kind && years.contains(&k.year))
            .map(|(_, (n, _))| n)
            .sum()
    }

    #[test]
    fn the_forecast_s_net_hires_leave_out_the_replacements_of_its_own_hires() {
        // 20 settled Kinh men, 10 of whom retire in 2026; settled people leave at 10% a
        // year, hires at 50% in their first tenure year, then at 10% with the base-year
        // people (one state: its leavers are the hires' in proportion).
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("s");
        write(&dir, 20, 0, &[20, 0, 0, 0], &[(0, 2026, 10)], (50, 10));
        let spec = bienche::scenario::load(&dir).unwrap();
        let f = bienche::forecast::forecast(&spec);
        let hires: Vec<u32> = (2026..=2031)
            .map(|t| flow_sum(&f, bienche::model::FlowKind::Hire, t..=t))
            .collect();
        // The forecast recruits again for each of its hires who leaves (6 of the 11 in 2027
        // alone), but a plan's hire keeps its post: its net hires are the 10
        // retirements and the base-year leavers it refills, about one a year (the
        // expectation runs 1.0, 1.9, 2.7, …: 4.7 by 2031, booked as 5 whole people, by the
        // plan too).
        assert_eq!(hires, [11, 7, 4, 4, 3, 4]);
        let net = bienche::forecast::unit_hires(&spec, 0);
        assert_eq!(net, [11, 1, 1, 1, 0, 1]);
        let base_leavers: u32 = bienche::model::stocks::base_attrition(&spec).values().sum();
        assert_eq!(net.iter().sum::<u32>(), 10 + base_leavers);
    }

    #[test]
    fn a_promoted_hire_is_still_a_hire() {
        // All 4 base-year people retire in 2026 (3 trained Kinh men and the Thai woman who
        // led); the forecast hires 4, promotes one of them to the empty leader post in 2027
        // and from then on only refills its own hires who leave, as staff or as leader: its
        // net hires are the 4 of 2026.
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("s");
        write(
            &dir,
            4,
            1,
            &[3, 0, 0, 1],
            &[(0, 2026, 3), (3, 2026, 1)],
            (50, 30),
        );
        let spec = bienche::scenario::load(&dir).unwrap();
        let f = bienche::forecast::forecast(&spec);
        let promoted = flow_sum(&f, bienche::model::FlowKind::Promote, 2026..=2031);
        assert!(promoted >= 2, "{promoted} promotions: hires lead and leave");
        assert_eq!(bienche::forecast::unit_hires(&spec, 0), [4, 0, 0, 0, 0, 0]);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
        /// Whatever the data: the flows replay to the stocks, leaders stay within their posts,
        /// every scheduled retirement happens, and no unit grows past its fill target.
        #[test]
        fn the_forecast_keeps_its_books(
            quota in 1u32..30,
            posts in 0u32..6,
            counts in proptest::array::uniform4(0u32..9),
            retire in proptest::collection::vec((0usize..4, 2026i32..=2031, 0u32..4), 0..5),
            rates in (0u32..90, 0u32..60),
        ) {
            let posts = posts.min(quota);
            let mut counts = counts;
            counts[3] = counts[3].min(posts);
            let tmp = tempfile::tempdir().unwrap();
            let dir = tmp.path().join("s");
            write(&dir, quota, posts, &counts, &retire, rates);
            let spec = bienche::scenario::load(&dir).unwrap();
            let f = bienche::forecast::forecast(&spec);
            prop_assert!(f.plan.replay_mismatch(&spec).is_none());
            let base: u32 = counts.iter().sum();
            for t in 2026..=2031 {
                prop_assert!(f.plan.sum(t, 0, |c| c.leader) <= posts);
                prop_assert!(f.plan.sum(t, 0, |_| true) <= base.max(quota));
            }
            let retired = flow_sum(&f, bienche::model::FlowKind::Retire, 2026..=2031);
            let scheduled: u32 = spec.retirements.values().sum();
            prop_assert_eq!(retired, scheduled);
            // Net hires (I2's basis): at most the hires, and at least the hires less every
            // leaver (the hires' leavers are a share of the leavers of their states, through
            // promotions too).
            let gross = flow_sum(&f, bienche::model::FlowKind::Hire, 2026..=2031);
            let left = flow_sum(&f, bienche::model::FlowKind::Attrition, 2026..=2031);
            let net: u32 = bienche::forecast::unit_hires(&spec, 0).iter().sum();
            prop_assert!(net <= gross, "net {} of {} hires", net, gross);
            prop_assert!(net + left >= gross, "net {} of {} hires, {} leavers", net, gross, left);
        }
    }
}
