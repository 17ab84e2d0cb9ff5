//! Slide-ready charts: every chart drawn by plan and redrawn by plot from the tables alone.

use crate::common;

use common::*;

const CHARTS: [&str; 7] = [
    "1-trajectory",
    "2-units",
    "3-cost",
    "4-hiring",
    "5-attainment",
    "6-no-plan",
    "7-budget",
];

fn assert_charts(dir: &Path) {
    for chart in CHARTS {
        assert_eq!(
            png_size(&dir.join(format!("{chart}.png"))),
            (1920, 1080),
            "{chart}"
        );
        let svg = read(dir, &format!("{chart}.svg"));
        assert!(
            svg.contains("width=\"1920\"") && svg.contains("height=\"1080\""),
            "{chart}"
        );
    }
}

#[test]
fn plan_draws_every_chart_and_plot_redraws_them_without_the_scenario() {
    let (tmp, dir) = copy_fixture("roster");
    assert!(import(&dir.join("roster.csv"), &dir, &[]).status.success());
    let out = plan(&dir, &tmp);
    let vi = out.join("plots/vi");
    assert_charts(&vi);
    // Titles state the finding, with Vietnamese diacritics kept as text in the SVG.
    let svg = read(&vi, "1-trajectory.svg");
    assert!(svg.contains("Tỷ lệ cán bộ người DTTS tăng từ"), "{svg}");
    assert!(read(&vi, "6-no-plan.svg").contains("Không có kế hoạch, tỷ lệ DTTS đạt"));
    assert!(read(&vi, "5-attainment.svg").contains("chỉ tiêu"));
    // The title states the plan's extra cost over no plan, as summary.json has it.
    let extra = num(&summary(&out), &["budget", "extra_cost"]) / 1000.0;
    let more = if extra < 0.0 { "ít hơn" } else { "thêm" };
    let figure = format!("{:.1}", extra.abs()).replace('.', ",");
    let budget = read(&vi, "7-budget.svg");
    assert!(
        budget.contains(&format!(
            "Kế hoạch tốn {more} {figure} tỷ đồng so với không có kế hoạch"
        )),
        "{budget}"
    );
    // The hiring chart's title sets the EM share of hires beside the population's, as
    // summary.json's `hiring` has them.
    let h = &summary(&out)["hiring"];
    let whole = |key: &str| format!("{:.0}", num(h, &[key]));
    let hiring = read(&vi, "4-hiring.svg");
    assert!(
        hiring.contains(&format!(
            "{}% người DTTS (người DTTS chiếm {}% dân số)",
            whole("em_share_percent"),
            whole("population_em_share_percent")
        )),
        "{h} {hiring}"
    );
    // Its right panel stacks the cost by unit kind: the fixture's two kinds in the legend,
    // a kind it has no unit of left out.
    assert!(budget.contains("Chi phí theo loại đơn vị"), "{budget}");
    assert!(budget.contains("xã, phường") && budget.contains("sở, ban, ngành tỉnh"));
    assert!(!budget.contains("Ban Dân tộc HĐND tỉnh"), "{budget}");
    // The footer names the scenario and says the data are illustrative.
    assert!(svg.contains("kịch bản “fixture roster”"));
    assert!(svg.contains("DỮ LIỆU MINH HỌA"));

    // A finished folder, moved away from its scenario: plot reads only the output tables.
    let moved = tmp.path().join("moved");
    std::fs::rename(&out, &moved).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let o = bienche(&["plot", moved.to_str().unwrap(), "--lang", "en"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let en = moved.join("plots/en");
    assert_charts(&en);
    assert!(read(&en, "1-trajectory.svg").contains("EM staff rise from"));
    assert!(read(&en, "1-trajectory.svg").contains("ILLUSTRATIVE DATA"));
    assert!(vi.parent().is_some() && moved.join("plots/vi/1-trajectory.png").exists());

    let o = bienche(&["plot", moved.to_str().unwrap(), "--lang", "fr"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: --lang: expected one of en, vi, found \"fr\"\n"
    );
    let o = bienche(&["plot", tmp.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("summary.json"));
}

/// A plan folder written before `cost_vs_no_plan.csv` and `summary.json`'s `budget` existed
/// is still read and drawn: the budget chart says the table is missing instead of stating an
/// extra cost of 0.
#[test]
fn plot_redraws_a_folder_written_before_the_budget_table() {
    let tmp = tempfile::tempdir().unwrap();
    let out = plan(&fixture("must-hire"), &tmp);
    std::fs::remove_file(out.join("cost_vs_no_plan.csv")).unwrap();
    let mut s = summary(&out);
    s.as_object_mut().unwrap().remove("budget");
    std::fs::write(
        out.join("summary.json"),
        serde_json::to_string_pretty(&s).unwrap(),
    )
    .unwrap();
    let o = bienche(&["plot", out.to_str().unwrap(), "--lang", "en"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let svg = read(&out.join("plots/en"), "7-budget.svg");
    assert!(
        svg.contains("No cost_vs_no_plan.csv in this folder"),
        "{svg}"
    );
    assert!(svg.contains("The plan&#39;s cost over"), "{svg}");
    assert!(!svg.contains("more than no plan"));
}

/// must-hire spends 0.41 billion VND over 2026–2027: the cost chart's axes run to about one
/// billion in ticks 0.2 apart, labelled to a tenth in both panels (in whole billions they
/// read 0, 0, 0, 1, 1, 1). A bar's total is written to a tenth too (at most 0,4, and which
/// year the hires fall in is the solver's choice), so only the ticks above 0,4 are counted
/// exactly.
#[test]
fn a_cost_chart_under_ten_billion_labels_its_axes_in_tenths() {
    let (tmp, dir) = copy_fixture("must-hire");
    let out = plan(&dir, &tmp);
    let svg = read(&out.join("plots/vi"), "3-cost.svg");
    let count = |label: &str| svg.matches(&format!("aria-label=\"{label}\"")).count();
    for tick in ["0,6", "0,8", "1,0"] {
        assert_eq!(count(tick), 2, "{tick}");
    }
    for tick in ["0,0", "0,2", "0,4"] {
        assert!(count(tick) >= 2, "{tick}");
    }
    assert_eq!(count("1"), 0);
}

/// Every text a chart's SVG carries, in order (`aria-label`s).
fn texts(svg: &str) -> Vec<String> {
    svg.split("aria-label=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap_or_default().to_string())
        .collect()
}

/// A hiring chart of a few people labels its axis in whole people, each once: with
/// plotters' eleven labels, must-hire's 3 hires in a year had ticks 0.5 apart that read 0,
/// 0, 1, 2, 2, 2, 3. Its budget chart, under a billion VND, reads in tenths where it read in
/// whole billions: the left panel's axis (0, 0, 0, 1, 1, 1) and the bar totals (0 and 0).
#[test]
fn a_chart_of_a_few_people_or_under_a_billion_labels_no_tick_twice() {
    let (tmp, dir) = copy_fixture("must-hire");
    let out = plan(&dir, &tmp);
    let plots = out.join("plots/vi");
    let hiring = texts(&read(&plots, "4-hiring.svg"));
    // The axis's ticks: the whole numbers that are not years.
    let ticks: Vec<u32> = hiring
        .iter()
        .filter_map(|s| s.parse::<u32>().ok())
        .filter(|&n| n < 2000)
        .collect();
    assert!(ticks.len() >= 3, "{hiring:?}");
    let whole: Vec<u32> = (0..ticks.len() as u32).collect();
    assert_eq!(ticks, whole, "{hiring:?}");
    let budget = texts(&read(&plots, "7-budget.svg"));
    // 1,2: the left panel's axis (to 1.2 billion; the right panel's ends at 1,0).
    for tick in ["0,2", "0,6", "1,0", "1,2"] {
        assert!(budget.iter().any(|s| s == tick), "{tick}: {budget:?}");
    }
    assert!(!budget.iter().any(|s| s == "0" || s == "1"), "{budget:?}");
}
