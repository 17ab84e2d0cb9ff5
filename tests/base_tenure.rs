//! The base workforce's tenure (issue 12, item 1): `staff.csv`'s `hired` column, the plan,
//! the forecast and the simulation leaving by it, and `roster import` writing it.

use crate::common;
use common::*;

/// Leavers of one cell in `flows.csv` up to the year `until` (inclusive).
fn cell_leavers(out: &std::path::Path, group: &str, gender: &str, until: &str) -> u32 {
    read_csv(&out.join("flows.csv"))
        .into_iter()
        .filter(|r| {
            r["flow"] == "attrition"
                && r["group"] == group
                && r["gender"] == gender
                && r["year"].as_str() <= until
        })
        .map(|r| r["count"].parse::<u32>().unwrap())
        .sum()
}

// Fixture base-tenure: one commune, rates 10% in tenure years 0–1, 6% in 2–4, 3% from 5
// (the open band, the settled rate). Ten Thai women were hired in 2025, the base year: in
// 2026 they serve tenure year 0. By hand, their expected leavers to 2035, each year's rate
// on those still there: 1.0 (2026), 0.9 (2027), 0.486, 0.4568, 0.4294 (2028–30, 6%), then
// 3%: 0.2018, 0.1958, 0.1899, 0.1842, 0.1787; in all 4.22. Settled, the same ten would
// leave 10·(1 − 0.97¹⁰) = 2.63; the twelve settled Thai men 3.15.
const DATED_THAI_WOMEN: f64 = 4.2226;
const SETTLED_THAI_WOMEN: f64 = 2.6258;
const SETTLED_THAI_MEN: f64 = 3.1510;

#[test]
fn recently_hired_base_staff_leave_at_their_tenure_years_rates() {
    let o = bienche(&[
        "check",
        fixture("base-tenure").to_str().unwrap(),
        "--lang",
        "en",
    ]);
    assert!(String::from_utf8_lossy(&o.stdout).contains(
        "\n  staff with a year of recruitment (hired 2025): 10 of 62, leaving at their tenure years' rates; the others settled\n"
    ));
    let tmp = tempfile::tempdir().unwrap();
    let out = plan(&fixture("base-tenure"), &tmp);
    // Each cell's leavers are whole people within a person of the expectation.
    let (women, men) = (
        cell_leavers(&out, "Thai", "F", "2035"),
        cell_leavers(&out, "Thai", "M", "2035"),
    );
    assert_eq!((women, men), (4, 3));
    assert!((women as f64 - DATED_THAI_WOMEN).abs() < 1.0);
    assert!((men as f64 - SETTLED_THAI_MEN).abs() < 1.0);
    // The forecast without a plan ages them through the same bands.
    let forecast = tmp.path().join("forecast");
    forecast_to(&fixture("base-tenure"), &forecast);
    let women = cell_leavers(&forecast, "Thai", "F", "2035");
    assert!((women as f64 - DATED_THAI_WOMEN).abs() < 1.0, "{women}");

    // Without the year of recruitment they are settled, and fewer of them leave.
    let (_t, dir) = copy_fixture("base-tenure");
    replace_in(&dir, "staff.csv", "yes,2025,10", "yes,,10");
    let settled = plan(&dir, &tmp);
    let women = cell_leavers(&settled, "Thai", "F", "2035");
    assert_eq!(women, 3);
    assert!((women as f64 - SETTLED_THAI_WOMEN).abs() < 1.0);
}

#[test]
fn the_plan_s_stocks_are_the_mean_of_the_draws_with_recent_hires_in_the_base() {
    let tmp = tempfile::tempdir().unwrap();
    let out = plan(&fixture("base-tenure"), &tmp);
    let o = simulate(&out, "4000", "7", "2");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // Each group's planned head-count within a person of the mean of 4,000 draws, in
    // which each of the ten leaves at the rate of their tenure year (standard error about
    // 0.04 people).
    let rows = read_csv(&out.join("simulation/expected.csv"));
    assert_eq!(rows.len(), 22, "11 years × 2 groups");
    for r in &rows {
        let plan: f64 = r["plan"].parse().unwrap();
        let mean: f64 = r["expected"].parse().unwrap();
        assert!((plan - mean).abs() < 1.0, "{r:?}");
    }
}

#[test]
fn a_year_of_recruitment_after_the_base_year_is_refused() {
    let (_t, dir) = copy_fixture("base-tenure");
    replace_in(&dir, "staff.csv", "yes,2025,10", "yes,2026,10");
    let o = bienche(&["check", dir.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: staff.csv, line 5: field 'hired': the people of staff.csv are in post at 31 December 2025, so hired in 2025 at the latest; found 2026\n"
    );
    let o = bienche(&["check", dir.to_str().unwrap(), "--lang", "vi"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "lỗi: staff.csv, dòng 5: cột 'hired': những người trong staff.csv đang công tác tại ngày 31/12/2025, nên năm tuyển dụng muộn nhất là 2025; gặp 2026\n"
    );
}

#[test]
fn roster_import_writes_the_year_of_recruitment_of_recent_hires_when_asked() {
    // Fixture roster: base year 2025, tenure bands [2]: hires of 2024 and 2025 are dated.
    // In post: T-0004 (H'Mông man, hired September 2024) is; T-0005 (hired January 2023)
    // and everyone hired earlier are settled.
    let (_t, dir) = copy_fixture("roster");
    replace_in(
        &dir,
        "scenario.toml",
        "tenure_bands = [2]",
        "tenure_bands = [2]\nbase_tenure = true",
    );
    let o = import(&dir.join("roster.csv"), &dir, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        read(&dir, "staff.csv"),
        "unit,group,gender,role,trained,hired,count
C1,Kinh,M,leader,yes,,1
C1,Mong,F,staff,no,,1
C1,Mong,M,staff,yes,2024,1
C1,Thai,F,staff,no,,1
C1,Thai,F,staff,yes,,1
D1,Kinh,F,leader,yes,,1
D1,Kinh,M,staff,yes,,1
"
    );
    // It says how many it dated, of the 7 in post (the import over again, in Vietnamese).
    assert!(
        String::from_utf8_lossy(&o.stdout).contains(
            "  1 of 7 in post hired less than 2 years before the end of 2025 \
             (roster.base_tenure): their year of recruitment is staff.csv's hired; the others \
             are settled\n"
        ),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let o = import(&dir.join("roster.csv"), &dir, &["--lang", "vi"]);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains(
            "  1 trong 7 người đang công tác được tuyển dụng chưa đến 2 năm tính đến cuối năm \
             2025 (roster.base_tenure): năm tuyển dụng của họ ghi ở cột hired của staff.csv; \
             những người khác tính là đã ổn định\n"
        ),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    // Without the setting the table is as before: no `hired` column.
    let (_t2, plain) = copy_fixture("roster");
    let o = import(&plain.join("roster.csv"), &plain, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(read(&plain, "staff.csv").starts_with("unit,group,gender,role,trained,count\n"));
    assert!(!String::from_utf8_lossy(&o.stdout).contains("in post hired less than"));
}

/// Fixture confidence (one commune, everyone leaving at 10% a year, a 2027 R2 target of 14
/// EM staff: tests/confidence.rs) with its six Thai women hired in 2025: in their first two
/// tenure years they leave at `new_hire_rate` = 0, so by 2027 only the other 11 EM people
/// may have left, each with p = 1 − 0.9² = 0.19. By hand: σ² = 11 × 0.19 × 0.81 = 1.6929,
/// σ = 1.3011; expected EM leavers 11 × 0.19 = 2.09, booked 2, so b = −0.09; the margin
/// ⌈z·σ − ½ − b⌉ is ⌈0.685⌉ = 1 at 0.8 (z = 0.8416) and ⌈1.730⌉ = 2 at 0.95 (z = 1.6449),
/// against 2 and 3 with all 17 settled. The plan has 17 − 2 EM staff and hires the rest of
/// the margin, so the target is met when L ≤ 3 (margin 1) or L ≤ 4 (margin 2), L ~
/// Binomial(11, 0.19): P = 0.8603 and 0.9587.
#[test]
fn the_confidence_margin_takes_each_cohort_s_chance_of_staying() {
    for (confidence, margin, exact) in [("0.8", 1, 0.8603), ("0.95", 2, 0.9587)] {
        let (_tmp, dir) = confidence_at(confidence);
        std::fs::write(
            dir.join("staff.csv"),
            "unit,group,gender,role,trained,hired,count
C1,Thai,M,staff,yes,,7
C1,Thai,F,staff,yes,2025,6
C1,Thai,M,leader,yes,,2
C1,Thai,F,leader,yes,,2
C1,Kinh,M,staff,yes,,10
",
        )
        .unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let out = plan(&dir, &tmp);
        let r2 = c1_r2(&out);
        assert_eq!(
            (r2["required"].as_str(), r2["margin"].as_str()),
            ("14", margin.to_string().as_str()),
            "{confidence}: {r2:?}"
        );
        let p: f64 = r2["p_met"].parse().unwrap();
        assert!(
            (p - exact).abs() < 0.025,
            "{confidence}: {p} against {exact}"
        );
    }
}

// Fixture base-tenure with contrasting bands (30% in tenure years 0–1, 3% from 2) and hires
// of Kinh men only, so that the Thai women's leavers are the base's. Hired in 2025, the ten
// serve tenure years 0 and 1 in 2026–27: 3 + 2.1 = 5.1 leavers expected; hired in 2024,
// years 1 and 2: 3 + 0.21 = 3.21. A tenure counted one year off either way swaps them.
#[test]
fn the_tenure_year_is_the_year_less_the_year_of_recruitment_less_one() {
    for (hired, expected, booked) in [("2025", 5.1, 5), ("2024", 3.21, 3)] {
        let (tmp, dir) = copy_fixture("base-tenure");
        std::fs::write(
            dir.join("attrition.csv"),
            "class,tenure_from,tenure_to,rate\ncommune,0,2,30\ncommune,2,,3\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("hiring_mix.csv"),
            "unit,group,gender,trained,hires,share\nC1,Kinh,M,yes,5,100\n",
        )
        .unwrap();
        replace_in(&dir, "staff.csv", "yes,2025,10", &format!("yes,{hired},10"));
        let out = plan(&dir, &tmp);
        assert_eq!(
            cell_leavers(&out, "Thai", "F", "2027"),
            booked,
            "hired {hired}"
        );
        let forecast = tmp.path().join("forecast");
        forecast_to(&dir, &forecast);
        let left = cell_leavers(&forecast, "Thai", "F", "2027") as f64;
        assert!((left - expected).abs() < 1.0, "hired {hired}: {left}");
    }
}

/// Fixture base-tenure-split: forty untrained Thai women, twenty settled and ten each hired
/// in 2010 and 2012 (both in the open band by 2026, so at the settled rate), eight of them
/// due to retire in 2034, and R8 asking them trained. Split so, the cell must plan and draw
/// exactly as one settled cell: each draw's leavers are one uniform per person whatever the
/// cohort, and the people waiting to retire are held once for the cell (the settled first),
/// not once per cohort, which withheld 8 people from training per cohort (the draws' trained
/// Thai staff were 45.9 on average in 2027–2033 against the plan's 54).
#[test]
fn a_cell_split_by_year_of_recruitment_at_the_settled_rate_plans_and_draws_as_one() {
    let tmp = tempfile::tempdir().unwrap();
    let split = plan(&fixture("base-tenure-split"), &tmp);
    let (_t, dir) = copy_fixture("base-tenure-split");
    std::fs::write(
        dir.join("staff.csv"),
        "unit,group,gender,role,trained,count
C1,Kinh,M,staff,yes,25
C1,Kinh,F,staff,yes,15
C1,Thai,M,staff,yes,12
C1,Thai,F,staff,no,40
",
    )
    .unwrap();
    // A folder of its own: `plan` writes to `tmp/out`.
    let tmp2 = tempfile::tempdir().unwrap();
    let settled = plan(&dir, &tmp2);
    assert_ne!(split, settled);
    for out in [&split, &settled] {
        let o = simulate(out, "2000", "7", "2");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    for file in ["flows.csv", "trajectory.csv", "simulation/expected.csv"] {
        assert!(
            read(&split, file) == read(&settled, file),
            "{file} differs between the split cell and the settled one"
        );
    }
}

#[test]
fn a_variant_row_without_a_year_of_recruitment_sets_the_whole_cell() {
    // Over base-tenure-split's untrained Thai women (20 settled, 10 hired in 2010, 10 in
    // 2012: three rows), a variant row without `hired` replaces the cell, all three rows:
    // 92 − 40 + 9 = 61 staff, none dated (nine: eight of them retire in 2034).
    let (_t, dir) = copy_fixture("base-tenure-split");
    let variant = dir.parent().unwrap().join("variant");
    std::fs::create_dir(&variant).unwrap();
    std::fs::write(
        variant.join("scenario.toml"),
        "extends = \"../scenario\"\nname = \"fixture base-tenure-split, variant\"\n",
    )
    .unwrap();
    let check = |staff: &str| -> String {
        std::fs::write(variant.join("staff.csv"), staff).unwrap();
        let o = bienche(&["check", variant.to_str().unwrap(), "--lang", "en"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let stdout = check("unit,group,gender,role,trained,count\nC1,Thai,F,staff,no,9\n");
    assert!(
        stdout.contains("  commune: 1 units, quota 200, staff 61, EM 21\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("; 3 rows replaced and 0 added by "),
        "{stdout}"
    );
    assert!(
        !stdout.contains("staff with a year of recruitment"),
        "{stdout}"
    );
    // With the column, a row sets only the part of the cell with its year (here the
    // settled one): 92 − 20 + 9 = 81, the twenty dated kept.
    let stdout = check("unit,group,gender,role,trained,hired,count\nC1,Thai,F,staff,no,,9\n");
    assert!(
        stdout.contains("  commune: 1 units, quota 200, staff 81, EM 41\n"),
        "{stdout}"
    );
    assert!(stdout.contains("(hired 2010–2012): 20 of 81,"), "{stdout}");
    assert!(
        stdout.contains("; 1 rows replaced and 0 added by "),
        "{stdout}"
    );
}
