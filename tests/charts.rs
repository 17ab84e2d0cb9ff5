//! Slide-ready charts: every chart drawn by plan and redrawn by plot from the tables alone.

mod common;

use common::*;

const CHARTS: [&str; 6] = [
    "1-trajectory",
    "2-units",
    "3-cost",
    "4-hiring",
    "5-attainment",
    "6-no-plan",
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
