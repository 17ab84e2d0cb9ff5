//! `plan.xlsx`: the workbook in every plan folder, opened with calamine and checked against
//! the folder's CSV tables, which are read here on their own.

use crate::common;

use calamine::{open_workbook, Data, Range, Reader, Xlsx};
use common::*;
use std::collections::BTreeMap;

fn book(out: &Path) -> Xlsx<std::io::BufReader<std::fs::File>> {
    open_workbook(out.join("plan.xlsx")).expect("plan.xlsx opens")
}

fn sheet(out: &Path, name: &str) -> Range<Data> {
    book(out).worksheet_range(name).expect(name)
}

/// A cell as text ("" when empty), by 0-based row and column.
fn text(r: &Range<Data>, row: usize, col: usize) -> String {
    match r.get((row, col)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => format!("{f}"),
        Some(Data::Int(i)) => format!("{i}"),
        _ => String::new(),
    }
}

/// A cell as a number (0 when empty).
fn number(r: &Range<Data>, row: usize, col: usize) -> f64 {
    match r.get((row, col)) {
        Some(Data::Float(f)) => *f,
        Some(Data::Int(i)) => *i as f64,
        Some(Data::Empty) | None => 0.0,
        other => panic!("({row}, {col}): {other:?} is not a number"),
    }
}

/// The headings row of a table sheet (the title is row 0).
fn headings(r: &Range<Data>) -> Vec<String> {
    (0..r.width()).map(|c| text(r, 1, c)).collect()
}

#[test]
fn the_workbook_holds_the_targets_and_costs_of_the_tables_in_vietnamese() {
    let tmp = tempfile::tempdir().unwrap();
    let out = plan(&fixture("unreachable"), &tmp);
    assert_eq!(
        book(&out).sheet_names(),
        ["Tóm tắt", "Việc cần làm", "Chỉ tiêu", "Chi phí", "Đơn vị"]
    );

    // Targets: one row per row of targets.csv, in its order, with names and words.
    let t = sheet(&out, "Chỉ tiêu");
    assert_eq!(
        headings(&t),
        [
            "Mã",
            "Đơn vị",
            "Quy định",
            "Nội dung",
            "Năm",
            "Loại",
            "Yêu cầu",
            "Đạt được",
            "Thiếu",
            "Kết quả",
            "Khả năng đạt",
            "Dự phòng, người"
        ]
    );
    assert!(
        text(&t, 0, 0).contains("DỮ LIỆU MINH HỌA"),
        "{}",
        text(&t, 0, 0)
    );
    let targets = read_csv(&out.join("targets.csv"));
    assert_eq!(t.height(), targets.len() + 2);
    for (i, r) in targets.iter().enumerate() {
        let row = i + 2;
        assert_eq!(text(&t, row, 0), r["unit"]);
        assert_eq!(text(&t, row, 2), r["rule"]);
        assert_eq!(number(&t, row, 4), r["year"].parse::<f64>().unwrap());
        for (col, field) in [(6, "required"), (7, "achieved"), (8, "shortfall")] {
            assert_eq!(
                number(&t, row, col),
                r[field].parse::<f64>().unwrap(),
                "{field}"
            );
        }
        let met = if r["met"] == "true" {
            "đạt"
        } else {
            "không đạt"
        };
        assert_eq!(text(&t, row, 9), met);
    }
    assert!(
        targets.iter().any(|r| r["met"] == "false"),
        "the fixture misses a target"
    );

    // Costs: each lever's row holds costs.csv's sums by year, and the total row their sum.
    let c = sheet(&out, "Chi phí");
    let years: Vec<String> = headings(&c)[1..headings(&c).len() - 1].to_vec();
    let mut by_cell: BTreeMap<String, f64> = BTreeMap::new();
    let mut all = 0.0;
    for r in read_csv(&out.join("costs.csv")) {
        let cost: f64 = r["cost"].parse().unwrap();
        *by_cell.entry(r["year"].clone()).or_default() += cost;
        all += cost;
    }
    let total_row = (2..c.height())
        .find(|&row| text(&c, row, 0) == "Tổng")
        .expect("a total row");
    for (i, y) in years.iter().enumerate() {
        let want = by_cell.get(y).copied().unwrap_or(0.0);
        assert!((number(&c, total_row, 1 + i) - want).abs() < 1e-6, "{y}");
    }
    assert!((number(&c, total_row, years.len() + 1) - all).abs() < 1e-6);

    // The summary states the plan's cost and lists the missed targets by unit name.
    let s = sheet(&out, "Tóm tắt");
    let first = text(&s, 2, 0);
    assert!(first.starts_with("Kế hoạch giai đoạn"), "{first}");
    let missed = (0..s.height())
        .find(|&row| text(&s, row, 0) == "Chỉ tiêu không đạt và giới hạn gặp phải")
        .expect("the missed targets' table");
    assert_eq!(text(&s, missed + 1, 7), "Lý do (giới hạn gặp phải)");
    // Every missed row but the R5 goal's, which is priced, not a target.
    let n_missed = targets
        .iter()
        .filter(|r| r["met"] == "false" && r["kind"] != "goal")
        .count();
    assert_eq!(
        (missed + 2..s.height())
            .filter(|&row| !text(&s, row, 0).is_empty())
            .count(),
        n_missed
    );
}

#[test]
fn the_actions_sheet_says_in_words_what_flows_csv_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, o) = plan_output(&fixture("transfer-cheaper"), &tmp, &["--lang", "en"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        book(&out).sheet_names(),
        ["Summary", "Actions", "Targets", "Costs", "Units"]
    );
    let a = sheet(&out, "Actions");
    let h = headings(&a);
    assert_eq!(h[..4], ["Year", "Code", "Unit", "What to do"]);
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let flows = read_csv(&out.join("flows.csv"));
    for (flow, heading, word) in [
        ("hire", "Hires", "hire "),
        ("transfer_in", "Arriving by transfer", "receive "),
        ("transfer_out", "Leaving by transfer", "transfer "),
        ("train", "Trained", "train "),
        ("promote", "Promoted", "promote "),
    ] {
        let planned: u32 = flows
            .iter()
            .filter(|r| r["flow"] == flow)
            .map(|r| r["count"].parse::<u32>().unwrap())
            .sum();
        let listed: f64 = (2..a.height())
            .map(|row| number(&a, row, col(heading)))
            .sum();
        assert_eq!(listed, planned as f64, "{flow}");
        let worded = (2..a.height()).any(|row| text(&a, row, 3).contains(word));
        assert_eq!(worded, planned > 0, "{flow}: {word}");
    }
    assert!(
        flows.iter().any(|r| r["flow"] == "transfer_in"),
        "the fixture transfers"
    );
}

/// The same inputs and date give the same workbook, byte for byte.
#[test]
fn the_workbook_is_the_same_bytes_on_every_run() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |name: &str| {
        let out = tmp.path().join(name);
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_bienche"))
            .env("LC_ALL", "en_US.UTF-8")
            .args(["plan", fixture("must-hire").to_str().unwrap(), "--out"])
            .arg(&out)
            .arg("-q")
            .env("SOURCE_DATE_EPOCH", "1764547200")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        std::fs::read(out.join("plan.xlsx")).unwrap()
    };
    assert_eq!(run("a"), run("b"));
}

/// `compare` writes `comparison.xlsx`: `comparison.csv` on its side, a column per scenario,
/// its measures in Vietnamese, numbers as numbers.
#[test]
fn the_comparison_workbook_has_a_column_per_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cmp");
    let o = compare(&[&fixture("must-hire"), &fixture("unreachable")], &out, "2");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut book: Xlsx<_> = open_workbook(out.join("comparison.xlsx")).expect("opens");
    assert_eq!(book.sheet_names(), ["So sánh"]);
    let s = book.worksheet_range("So sánh").unwrap();
    let csv = read_csv(&out.join("comparison.csv"));
    assert_eq!(
        headings(&s),
        ["Chỉ số (mỗi cột một kịch bản)", "must-hire", "unreachable"]
    );
    let row_of = |label: &str| {
        (2..s.height())
            .find(|&r| text(&s, r, 0) == label)
            .unwrap_or_else(|| panic!("no row {label}"))
    };
    let total = row_of("Tổng chi phí, triệu đồng");
    let short = row_of("Số người còn thiếu, cộng qua các năm mục tiêu");
    for (c, r) in csv.iter().enumerate() {
        assert_eq!(
            number(&s, total, 1 + c),
            r["total_cost"].parse::<f64>().unwrap()
        );
        assert_eq!(
            number(&s, short, 1 + c),
            r["total_shortfall"].parse::<f64>().unwrap()
        );
    }
    // The second scenario against the baseline, and whether that lies within the gaps.
    let within = row_of("Chênh lệch nằm trong sai số của hai kế hoạch");
    let word = if csv[1]["within_tolerance"] == "yes" {
        "có"
    } else {
        "không"
    };
    assert_eq!(text(&s, within, 2), word);
    assert_eq!(text(&s, within, 1), "");
    let status = row_of("Kết quả giải");
    assert_eq!(text(&s, status, 1), "tối ưu (trong sai số cho phép)");
    // The solving time stays in the CSV: the workbook is the same bytes on a second run.
    assert!((2..s.height()).all(|r| !text(&s, r, 0).contains("giây")));
    let again = tmp.path().join("again");
    let o = compare(
        &[&fixture("must-hire"), &fixture("unreachable")],
        &again,
        "2",
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        std::fs::read(out.join("comparison.xlsx")).unwrap(),
        std::fs::read(again.join("comparison.xlsx")).unwrap()
    );
}
