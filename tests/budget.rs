//! The costs as a budget officer reads them (issue 13): the objective split into the salaries
//! of the base-year staff if nobody is let go and what the plan controls, the gap on the latter, the extra cost over no plan
//! by year and lever (`cost_vs_no_plan.csv`), and the cost by level and kind. Checked by hand
//! on a fixture, and on the sample recomputed from the written tables and the inputs alone.

use crate::common;

use common::*;

fn money(r: &Row, key: &str) -> f64 {
    r[key].parse().unwrap()
}

/// booked-retiree: 10 staff at salary 1, one retiring in 2027, no attrition. Fixed part:
/// 10 (2026) + 9 (2027) = 19. The plan trains one (5) and does not refill the post
/// (`keep_base_fill = false`): costs 10 + 9 + 5 = 24, objective 100,024 (one R8 person short
/// in 2026). With no plan: salaries 10 + 10, and the retiree replaced in 2027 at the base
/// fill rate by a Kinh hire, whom no channel supplies, so priced at the least price of the
/// channels open to the unit's kind (`local`, 10): 30 in all.
#[test]
fn the_fixture_splits_its_objective_and_prices_no_plan_by_hand() {
    let tmp = tempfile::tempdir().unwrap();
    let out = plan(&fixture("booked-retiree"), &tmp);
    let s = summary(&out);
    let b = |k: &str| num(&s, &["budget", k]);
    assert_eq!(b("fixed_cost"), 19.0);
    assert_eq!(b("plan_dependent"), 100_005.0);
    assert_eq!(b("plan_dependent_money"), 5.0);
    assert_eq!(b("priced_shortfalls"), 100_000.0);
    assert_eq!(b("gap_of_plan_dependent"), 0.0);
    assert_eq!(b("gap_of_plan_dependent_money"), 0.0);
    assert_eq!(b("exit_salary_savings"), 0.0);
    assert_eq!(b("no_plan_cost"), 30.0);
    assert_eq!(b("extra_cost"), -6.0);
    assert_eq!(num(&s, &["budget", "cost_by_level", "commune"]), 24.0);
    assert_eq!(
        num(&s, &["budget", "cost_by_kind", "commune_ethnic_section"]),
        24.0
    );
    let rows: Vec<(String, String, String, String, String)> =
        read_csv(&out.join("cost_vs_no_plan.csv"))
            .into_iter()
            .map(|r| {
                (
                    r["year"].clone(),
                    r["lever"].clone(),
                    r["plan"].clone(),
                    r["no_plan"].clone(),
                    r["extra"].clone(),
                )
            })
            .collect();
    let row = |y: &str, l: &str, p: &str, n: &str, e: &str| {
        (y.into(), l.into(), p.into(), n.into(), e.into())
    };
    assert_eq!(
        rows,
        vec![
            row("2026", "salary", "10.000", "10.000", "0.000"),
            row("2026", "training", "5.000", "0.000", "5.000"),
            row("2027", "salary", "9.000", "10.000", "-1.000"),
            row("2027", "hiring", "0.000", "10.000", "-10.000"),
        ]
    );
    // The forecast's hire carries its price in forecast/flows.csv.
    let hires: Vec<Row> = read_csv(&out.join("forecast/flows.csv"))
        .into_iter()
        .filter(|r| r["flow"] == "hire")
        .collect();
    assert_eq!(hires.len(), 1);
    assert_eq!(
        (hires[0]["group"].as_str(), money(&hires[0], "cost")),
        ("Kinh", 10.0)
    );
}

/// The sample: every figure of `budget` and `cost_vs_no_plan.csv` recomputed from
/// `costs.csv`, `forecast/`, `flows.csv`, `units.csv`, `staff.csv` and the scenario's
/// salaries, sharing no code with the engine; the gap on what the plan controls within the
/// 1% issue 13 asks.
#[test]
fn the_sample_budget_recomputes_from_the_tables() {
    let dir = scenario("son-la");
    let out = sample_plan().to_path_buf();
    let s = summary(&out);
    let toml: toml::Value = read(&dir, "scenario.toml").parse().unwrap();
    let salary = |role: &str| -> f64 {
        let key = if role == "leader" {
            "salary_leader"
        } else {
            "salary_staff"
        };
        toml["costs"][key].as_float().unwrap()
    };
    let base_year = num(&s, &["base_year"]) as i32;
    let lever = |line: &str| line.split(':').next().unwrap().to_string();

    // The plan's column: costs.csv by year and lever. Each row is written to a thousandth,
    // so a sum of k rows may differ from the unrounded sum by k/2000.
    let mut want: BTreeMap<(i32, String), (f64, f64)> = BTreeMap::new();
    let mut summed: BTreeMap<(i32, String), f64> = BTreeMap::new();
    let mut total = 0.0;
    let units = read_csv(&out.join("units.csv"));
    let kind = |u: &str| {
        units
            .iter()
            .find(|r| r["unit"] == u)
            .map(|r| r["kind"].clone())
            .unwrap()
    };
    let mut by_level: BTreeMap<String, f64> = BTreeMap::new();
    for r in read_csv(&out.join("costs.csv")) {
        let c = money(&r, "cost");
        let key = (r["year"].parse().unwrap(), lever(&r["lever"]));
        want.entry(key.clone()).or_default().0 += c;
        *summed.entry(key).or_default() += 1.0;
        total += c;
        let level = match kind(&r["unit"]).as_str() {
            "commune" | "commune_ethnic_section" => "commune",
            _ => "province",
        };
        *by_level.entry(level.into()).or_default() += c;
    }
    // The no-plan column: the forecast's salaries and its priced flows.
    for r in read_csv(&out.join("forecast/trajectory.csv")) {
        let t: i32 = r["year"].parse().unwrap();
        if t > base_year {
            let n: f64 = r["headcount"].parse().unwrap();
            want.entry((t, "salary".into())).or_default().1 += n * salary(&r["role"]);
        }
    }
    for r in read_csv(&out.join("forecast/flows.csv")) {
        let l = match r["flow"].as_str() {
            "hire" => "hiring",
            "promote" => "promotion",
            _ => {
                assert_eq!(money(&r, "cost"), 0.0, "{r:?}");
                continue;
            }
        };
        want.entry((r["year"].parse().unwrap(), l.into()))
            .or_default()
            .1 += money(&r, "cost");
    }
    let rows = read_csv(&out.join("cost_vs_no_plan.csv"));
    assert_eq!(rows.len(), want.len());
    let mut no_plan = 0.0;
    for r in &rows {
        let key = (r["year"].parse().unwrap(), r["lever"].clone());
        let (p, n) = want[&key];
        let rows = summed.get(&key).copied().unwrap_or(0.0);
        let near = |a: f64, b: f64| (a - b).abs() <= 0.0005 * (rows + 2.0);
        assert!(near(money(r, "plan"), p), "{r:?} against {p}");
        assert!(near(money(r, "no_plan"), n), "{r:?} against {n}");
        assert!(near(money(r, "extra"), p - n), "{r:?}");
        no_plan += n;
    }

    // The fixed part: base staff less the people booked to leave (retire and attrition rows
    // of flows.csv, data the plan cannot move), at their base cell's salary.
    let mut leaving: BTreeMap<(Cell, i32), f64> = BTreeMap::new();
    let mut years = BTreeSet::new();
    for r in read_csv(&out.join("flows.csv")) {
        let t: i32 = r["year"].parse().unwrap();
        years.insert(t);
        if r["flow"] == "retire" || r["flow"] == "attrition" {
            *leaving.entry((cell(&r), t)).or_default() += r["count"].parse::<f64>().unwrap();
        }
    }
    let mut fixed = 0.0;
    for r in read_csv(&dir.join("staff.csv")) {
        let c = cell(&r);
        let mut left: f64 = r["count"].parse().unwrap();
        for t in base_year + 1..=num(&s, &["horizon"]) as i32 {
            left -= leaving.get(&(c.clone(), t)).copied().unwrap_or(0.0);
            fixed += left * salary(&r["role"]);
        }
    }

    // The salary line of costs.csv is the fixed part plus what the plan's flows change: a
    // hire paid from the end of its year to the horizon, a promotion's raise likewise, an
    // exit's salary saved likewise (transfers and training change no salary).
    let horizon = num(&s, &["horizon"]) as i32;
    let (mut changed, mut saved) = (0.0, 0.0);
    for r in read_csv(&out.join("flows.csv")) {
        let t: i32 = r["year"].parse().unwrap();
        let n: f64 = r["count"].parse().unwrap();
        let years = (horizon - t + 1) as f64;
        match r["flow"].as_str() {
            "hire" => changed += n * salary(&r["role"]) * years,
            "promote" => changed += n * (salary("leader") - salary("staff")) * years,
            "step_down" => changed -= n * (salary("leader") - salary("staff")) * years,
            "exit" => saved += n * salary(&r["role"]) * years,
            _ => {}
        }
    }
    let salary_line: f64 = want
        .iter()
        .filter(|((_, l), _)| l == "salary")
        .map(|(_, (p, _))| p)
        .sum();
    assert!(
        (salary_line - (fixed + changed - saved)).abs() < 0.01,
        "salaries {salary_line} against fixed {fixed} + {changed} − {saved}"
    );
    let b = |k: &str| num(&s, &["budget", k]);
    assert!((b("exit_salary_savings") - saved).abs() < 0.01);
    let objective = num(&s, &["solver", "objective"]);
    let all_rows: f64 = summed.values().sum();
    let near = |a: f64, b: f64| (a - b).abs() <= 0.0005 * (all_rows + 2.0);
    assert!(
        near(b("fixed_cost"), fixed),
        "{} against {fixed}",
        b("fixed_cost")
    );
    assert!(near(b("plan_dependent"), objective - fixed));
    assert!(near(b("plan_dependent_money"), total - fixed));
    assert!(near(b("priced_shortfalls"), objective - total));
    assert!(near(b("no_plan_cost"), no_plan));
    assert!(near(b("extra_cost"), total - no_plan));
    for (level, c) in &by_level {
        assert!(
            near(num(&s, &["budget", "cost_by_level", level]), *c),
            "{level}"
        );
    }
    let gap_vnd = num(&s, &["solver", "gap_million_vnd"]);
    let gap = gap_vnd / (objective - fixed);
    assert!((b("gap_of_plan_dependent") - gap).abs() < 1e-9);
    let gap_money = gap_vnd / (total - fixed);
    assert!((b("gap_of_plan_dependent_money") - gap_money).abs() < 1e-9);
    // Issue 13: the proven gap on what the plan controls within 1%, on its money alone too.
    assert!(gap_money <= 0.01, "gap on the plan's money {gap_money}");
    // The plan costs more than doing nothing: it hires, trains and promotes to meet targets.
    assert!(b("extra_cost") > 0.0);
}

/// A plan not proven within its tolerance says so, with how much it may cost above the best;
/// a proven plan does not.
#[test]
fn an_unproven_plan_warns_how_much_it_may_cost_above_the_best() {
    let tmp = tempfile::tempdir().unwrap();
    let set = tmp.path().join("set");
    let o = generate(&set, "6", "1", "1", &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let province = set.join("p01");
    let out = tmp.path().join("out");
    // No tolerance at all: the decomposition's Lagrangian bound cannot close the last gap.
    let o = bienche(&[
        "plan",
        province.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--gap",
        "0",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = summary(&out);
    assert_eq!(s["solver"]["status"], "feasible");
    let stderr = String::from_utf8_lossy(&o.stderr);
    let want = format!(
        "warning: the plan is not proven within the 0.000% tolerance: it may cost up to {:.1} million VND ({:.3}%) more than the best plan; differences smaller than that between scenarios are not meaningful",
        num(&s, &["solver", "gap_million_vnd"]),
        num(&s, &["solver", "gap"]) * 100.0
    );
    assert!(stderr.contains(&want), "{stderr}");

    let proven = tmp.path().join("proven");
    let o = bienche(&[
        "plan",
        fixture("booked-retiree").to_str().unwrap(),
        "--out",
        proven.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    assert!(!String::from_utf8_lossy(&o.stderr).contains("not proven"));
}

/// Without a plan, a unit over its quota keeps its excess (the forecast sheds nobody) and
/// pays the over-quota premium in the years it may run over, as a plan would: booked-retiree
/// with its quota cut to 9 (10 staff), over quota allowed until 2027 at 7 a person-year. One
/// person over in 2026 (7); the 2027 retirement brings it to its quota, and the forecast
/// refills only up to the quota (its fill rate is capped at 100%), so nothing in 2027.
#[test]
fn no_plan_pays_the_over_quota_premium() {
    let (tmp, dir) = copy_fixture("booked-retiree");
    std::fs::write(
        dir.join("units.csv"),
        "id,name,kind,em_population_share,quota,leader_posts,over_quota_until\n\
         S1,Ethnic section 1,commune_ethnic_section,90,9,0,2027\n",
    )
    .unwrap();
    replace_in(
        &dir,
        "scenario.toml",
        "over_quota_cost = 0.0",
        "over_quota_cost = 7.0",
    );
    let out = plan(&dir, &tmp);
    let premium: Vec<(String, String, String)> = read_csv(&out.join("cost_vs_no_plan.csv"))
        .into_iter()
        .filter(|r| r["lever"] == "over_quota")
        .map(|r| (r["year"].clone(), r["plan"].clone(), r["no_plan"].clone()))
        .collect();
    // The plan keeps the excess too: an exit (severance 50) costs more than the premium and
    // the salary it would save (7 + 1 in 2026; the 2027 retirement ends the excess).
    assert_eq!(
        premium,
        vec![("2026".into(), "7.000".into(), "7.000".into())]
    );
}

/// `solver.gap_of = "plan-dependent"`: the tolerance is a share of what the plan controls,
/// on a generated 12-unit province (`bienche generate --units 12 --seed 1`), whose
/// plan-dependent part is about a quarter of its objective. At 0.1% of the objective the plan
/// is proven there (0.053%) but not within 0.1% of its plan-dependent part (0.199%); asked
/// 0.2% of that part, the bound goes on until the plan is proven within it (0.153%); asked
/// 0.1% of it, the plan (0.127%) is not proven, not optimal, and the warning says of what
/// (7 December 2026). (On the sample, whose plan-dependent part is half its objective, the
/// plans at such tolerances now prove their gap or not by a few millionths, and took
/// 25–145 s.)
#[test]
fn the_gap_is_controlled_on_the_plan_dependent_part() {
    let tmp = tempfile::tempdir().unwrap();
    let set = tmp.path().join("set");
    assert!(generate(&set, "12", "1", "1", &[]).status.success());
    let dir = set.join("p01");
    let toml = read(&dir, "scenario.toml");
    let line = toml
        .lines()
        .find(|l| l.starts_with("mip_rel_gap"))
        .expect("a mip_rel_gap line")
        .to_string();
    let run = |gap: &str, of: Option<&str>| {
        let setting = match of {
            Some(of) => format!("mip_rel_gap = {gap}\ngap_of = \"{of}\""),
            None => format!("mip_rel_gap = {gap}"),
        };
        std::fs::write(dir.join("scenario.toml"), toml.replace(&line, &setting)).unwrap();
        let out_dir = tempfile::tempdir().unwrap();
        let (out, stderr) = plan_printing(&dir, &out_dir);
        let s = summary(&out);
        let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
        (s, stderr, manifest)
    };
    let dependent_gap = |s: &serde_json::Value| {
        let g = num(s, &["budget", "gap_of_plan_dependent"]);
        let dependent = num(s, &["budget", "plan_dependent"]);
        let recomputed = num(s, &["solver", "gap_million_vnd"]) / dependent;
        // The gap in money is written to a thousandth of a million VND.
        assert!(
            (g - recomputed).abs() <= 0.0005 / dependent,
            "{g} {recomputed}"
        );
        g
    };
    let (on_objective, _, _) = run("0.001", None);
    assert_eq!(on_objective["solver"]["status"], "optimal");
    assert!(num(&on_objective, &["solver", "gap"]) <= 0.001);
    assert!(dependent_gap(&on_objective) > 0.001);
    let (controlled, _, manifest) = run("0.002", Some("plan-dependent"));
    assert_eq!(controlled["solver"]["status"], "optimal");
    assert!(dependent_gap(&controlled) <= 0.002);
    assert!(
        manifest.contains("\"gap_of\": \"plan-dependent\""),
        "{manifest}"
    );
    let (tight, stderr, _) = run("0.001", Some("plan-dependent"));
    assert_eq!(tight["solver"]["status"], "feasible");
    assert!(dependent_gap(&tight) > 0.001);
    assert!(
        stderr.contains("warning: the plan is not proven within the 0.100% tolerance of the plan-dependent part"),
        "{stderr}"
    );
}

/// Plans `dir` with `budget.cap_per_year = cap`: its folder and what it printed on stderr.
fn plan_capped(
    dir: &std::path::Path,
    tmp: &tempfile::TempDir,
    cap: &str,
) -> (std::path::PathBuf, String) {
    replace_in(
        dir,
        "scenario.toml",
        "[training]",
        &format!("[budget]\ncap_per_year = {cap}\n\n[training]"),
    );
    plan_printing(dir, tmp)
}

/// must-hire's commune with quota 4 and its 6 staff, allowed over the quota until 2027 at
/// 30 a person-year (severance 50): spending no plan avoids.
fn commune_over_its_quota() -> (tempfile::TempDir, std::path::PathBuf) {
    let (tmp, dir) = copy_fixture("must-hire");
    std::fs::write(
        dir.join("units.csv"),
        "id,name,kind,em_population_share,quota,leader_posts,over_quota_until\n\
         C1,Commune 1,commune,80,4,1,2027\n",
    )
    .unwrap();
    replace_in(
        &dir,
        "scenario.toml",
        "over_quota_cost = 0.0",
        "over_quota_cost = 30.0",
    );
    (tmp, dir)
}

/// A cap no plan can keep: must-hire's commune with quota 4 and 6 staff, allowed over its
/// quota until 2027 at 30 a person-year, severance 50. Keeping both extra people costs 60 a
/// year; letting one go in 2026 costs 50 + 30 = 80 that year. So no plan spends under 60 in
/// every year, and a cap of 20 is warned about with that figure (the LP's least yearly cap).
#[test]
fn a_cap_no_plan_can_keep_names_the_least_cap() {
    let (tmp, dir) = commune_over_its_quota();
    let (out, stderr) = plan_capped(&dir, &tmp, "20.0");
    let warning = stderr
        .lines()
        .find(|l| l.starts_with("warning: the plan goes over budget.cap_per_year"))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(
        warning.contains("no plan keeps a yearly cap below 60.0 million VND"),
        "{warning}"
    );
    // The plan goes over by the least in all: one let go in 2026 (80, over by 60) and the
    // other kept at the premium in 2027 (30, over by 10), 70 against 80 for keeping both.
    assert!(warning.contains("(2026: +60.0, 2027: +10.0)"), "{warning}");
    let s = summary(&out);
    let overruns: Vec<(i64, f64)> = s["staffing_issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["what"] == "budget_overrun")
        .map(|i| (i["year"].as_i64().unwrap(), i["amount"].as_f64().unwrap()))
        .collect();
    assert_eq!(overruns, vec![(2026, 60.0), (2027, 10.0)]);
    // The least cap is in the summary too, for a budget officer's tables.
    assert_eq!(num(&s, &["budget", "least_cap"]), 60.0);
}

/// Without forced spending no cap is refused: must-hire with a cap of 0 does nothing and
/// misses its targets, and no warning about the cap is printed.
#[test]
fn a_cap_that_only_costs_targets_is_kept() {
    let (tmp, dir) = copy_fixture("must-hire");
    let (out, stderr) = plan_capped(&dir, &tmp, "0.0");
    assert!(!stderr.contains("budget.cap_per_year"), "{stderr}");
    let s = summary(&out);
    assert_eq!(num(&s, &["total_cost"]), 0.0);
    assert!(s["budget"].get("least_cap").is_none(), "{}", s["budget"]);
}

// Caps by budget level (`budget.csv`, issue 13 item 4).

/// must-hire's commune C1 hires four trained Thai (100 each) and promotes one (10) for its
/// targets: 410 in all. By hand:
/// - a commune cap of 0 in both years: it spends nothing and misses R2 by 4 and R4 by 1
///   (an overrun costs the shortfall penalty a million VND, a target person the penalty);
/// - a province cap of 0: no provincial unit, so C1 spends as without a cap;
/// - 410 in 2026 and 0 in 2027: everything moves into 2026.
#[test]
fn a_level_cap_limits_its_own_units_year_by_year() {
    // The years with flows; `None`: the uncapped plan's flows (hiring in 2026 or 2027 costs
    // the same here, so which year is the solver's choice).
    let uncapped_tmp = tempfile::tempdir().unwrap();
    let uncapped = plan(&fixture("must-hire"), &uncapped_tmp);
    type Case<'a> = (&'a str, f64, Vec<(&'a str, u64)>, Option<Vec<&'a str>>);
    let cases: [Case; 3] = [
        (
            "2026-2027,commune,0\n",
            0.0,
            vec![("R2", 4), ("R4", 1)],
            Some(vec![]),
        ),
        ("2026-2027,province,0\n", 410.0, vec![], None),
        (
            "2026,commune,410\n2027,commune,0\n",
            410.0,
            vec![],
            Some(vec!["2026"]),
        ),
    ];
    for (rows, cost, missed, years) in cases {
        let (tmp, dir) = copy_fixture("must-hire");
        std::fs::write(dir.join("budget.csv"), format!("year,level,cap\n{rows}")).unwrap();
        let (out, stderr) = plan_printing(&dir, &tmp);
        assert!(!stderr.contains("warning"), "{stderr}");
        let s = summary(&out);
        assert_eq!(num(&s, &["total_cost"]), cost, "{rows}");
        let got: Vec<(String, u64)> = s["missed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["rule"].as_str().unwrap().to_string(),
                    m["shortfall"].as_u64().unwrap(),
                )
            })
            .collect();
        let want: Vec<(String, u64)> = missed.iter().map(|(r, n)| (r.to_string(), *n)).collect();
        assert_eq!(got, want, "{rows}");
        let Some(years) = years else {
            assert_eq!(
                read(&out, "flows.csv"),
                read(&uncapped, "flows.csv"),
                "{rows}"
            );
            continue;
        };
        let spent: BTreeSet<String> = read_csv(&out.join("flows.csv"))
            .iter()
            .map(|r| r["year"].clone())
            .collect();
        let want: BTreeSet<String> = years.iter().map(|y| y.to_string()).collect();
        assert_eq!(spent, want, "{rows}");
    }
}

/// The least-cap case of [`a_cap_no_plan_can_keep_names_the_least_cap`] with a commune cap of
/// 20 from budget.csv: every plan spends at least 60 a year, so each cap must rise by 40.
#[test]
fn a_level_cap_no_plan_can_keep_names_the_least_raise() {
    let (tmp, dir) = commune_over_its_quota();
    std::fs::write(
        dir.join("budget.csv"),
        "year,level,cap\n2026-2027,commune,20\n",
    )
    .unwrap();
    let (out, stderr) = plan_printing(&dir, &tmp);
    let warning = stderr
        .lines()
        .find(|l| l.starts_with("warning: the plan goes over its budget caps"))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert_eq!(
        warning,
        "warning: the plan goes over its budget caps (2026 commune: +60.0, 2027 commune: +10.0); no plan keeps them all unless every budget cap is raised by at least 40.0 million VND (by the LP relaxation; whole people may need more)"
    );
    let s = summary(&out);
    assert_eq!(num(&s, &["budget", "least_raise"]), 40.0);
    assert!(s["budget"].get("least_cap").is_none(), "{}", s["budget"]);
    let whats: Vec<&str> = s["staffing_issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["what"].as_str().unwrap())
        .collect();
    assert_eq!(whats, ["budget_overrun commune", "budget_overrun commune"]);
}

#[test]
fn bad_budget_rows_are_refused_with_file_line_and_field() {
    for (rows, cap_per_year, message) in [
        (
            "2026,communes,5\n",
            false,
            "error: budget.csv, line 2: field 'level': expected one of all, province, commune, found \"communes\"\n",
        ),
        (
            "2026-2027,commune,5\n2027,commune,3\n",
            false,
            "error: budget.csv, line 3: field 'year': the cap of commune in 2027 is already given on line 2; expected one row per year and level\n",
        ),
        (
            "2024,commune,5\n",
            false,
            "error: budget.csv, line 2: field 'year': expected years within the plan, 2026-2027, found 2024\n",
        ),
        (
            "2026,all,5\n",
            true,
            "error: budget.csv, line 2: field 'level': budget.cap_per_year already caps every unit's spending each year; expected province or commune here, or the yearly cap of all units in one place only\n",
        ),
    ] {
        let (_tmp, dir) = copy_fixture("must-hire");
        std::fs::write(dir.join("budget.csv"), format!("year,level,cap\n{rows}")).unwrap();
        if cap_per_year {
            replace_in(&dir, "scenario.toml", "[training]", "[budget]\ncap_per_year = 100\n\n[training]");
        }
        let o = bienche(&["check", dir.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{rows}");
        assert_eq!(String::from_utf8_lossy(&o.stderr), message);
    }
}

/// A cap that binds in the first years of a generated 5-unit province (`bienche generate
/// --units 5 --seed 1`, `budget.cap_per_year = 1000`; without a cap its plan spends 1,923
/// and 2,259 million VND on levers in 2026 and 2027, 827 a year on average). The master's
/// whole-person pick leaves money unused in some years while groups miss targets for want
/// of it: measured on 5 December 2026, the pick cost 628,231, 69% above the master's LP
/// (370,921). The groups short of a target, retried with what the pick leaves, brought the
/// plan to 389,991, 4.8% above its bound (371,128); without the retries it stayed 41% above.
/// Since a person over quota costs ten penalties (7 December 2026) the pick costs 538,626
/// and the plan 379,601, 29.5% less; since the EM people let go are capped by their share of
/// the allowance (the same day), 478,527 and 378,892, 20.8% less. R5 is left out
/// (`r5_weight = 0`): with it, each group's hires and leavers carry the LP's prices of R5's
/// head-count changes, the candidates differ, and on this instance (before the exits' cap)
/// the pick cost 409,194 and the plan 399,617 (on generated 8-unit provinces at the same
/// cap, seeds 2–4, the plans with R5 carried were 1.5% and 16% lower and one the same: a
/// whole-person pick among few candidates).
#[test]
fn the_groups_short_after_a_budget_pick_are_retried_with_what_it_leaves() {
    let tmp = tempfile::tempdir().unwrap();
    let generated = tmp.path().join("generated");
    let o = generate(&generated, "5", "1", "1", &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let dir = tmp.path().join("capped");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("scenario.toml"),
        "extends = \"../generated/p01\"\nname = \"capped\"\n\n[policy]\nr5_weight = 0.0\n\n[budget]\ncap_per_year = 1000.0\n",
    )
    .unwrap();
    let (out, stderr) = plan_printing(&dir, &tmp);
    let pick: f64 = stderr
        .lines()
        .find_map(|l| l.split_once("the pick costs "))
        .and_then(|(_, rest)| rest.split(' ').next()?.parse().ok())
        .unwrap_or_else(|| panic!("no pick in: {stderr}"));
    assert!(
        stderr.contains("groups short of a target with spare capacity"),
        "{stderr}"
    );
    let s = summary(&out);
    let objective = num(&s, &["solver", "objective"]);
    let bound = num(&s, &["solver", "bound"]);
    assert!(
        objective < 0.85 * pick,
        "plan {objective} against pick {pick}"
    );
    assert!(
        objective - bound < 0.1 * objective,
        "plan {objective}, bound {bound}"
    );
}
