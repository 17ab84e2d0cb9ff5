//! `bienche actuals`: returned report forms read by their keys, checked, and compiled. The
//! forms are filled in here by editing the report sheet's XML, as a spreadsheet would save
//! it, from the plan's own CSVs (the actual figures = the plan's, then changed).

use crate::common;

use calamine::{open_workbook, Reader, Xlsx};
use common::forms::*;
use common::*;
use std::collections::BTreeMap;

fn actuals(plan: &Path, forms: &Path, out: &Path) -> std::process::Output {
    bienche(&[
        "actuals",
        plan.to_str().unwrap(),
        forms.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

/// A generated 12-unit province planned, its forms for 2026 written to `tmp/forms`: the plan
/// folder, the forms folder and the forms, by file name.
fn forms_of_2026(tmp: &tempfile::TempDir) -> (PathBuf, PathBuf, Vec<PathBuf>) {
    let (_, plan, forms, files) = generated_forms_2026(tmp);
    (plan, forms, files)
}

/// A generated province's forms for 2026 filled in with the plan's figures, one of them
/// with a hire more than planned (and its head-count one higher), and five bad: a unit that
/// does not exist, a text in a number cell, a head-count that does not add up, a form not
/// returned and one returned blank. Each bad one is named by file, sheet and cell and left
/// out; the other seven are compiled, with the extra hire in the actual tables.
#[test]
fn returned_forms_are_checked_and_the_good_ones_compiled() {
    let tmp = tempfile::tempdir().unwrap();
    let (plan, forms, files) = forms_of_2026(&tmp);
    assert_eq!(files.len(), 12);
    let unit_of = |p: &Path| p.file_stem().unwrap().to_string_lossy().into_owned();
    // Every form as planned.
    let mut keys = BTreeMap::new();
    for (i, f) in files.iter().enumerate() {
        let (cells, at) = as_planned(f);
        // The sixth is returned as it was written.
        if i != 5 {
            type_into(f, &cells);
        }
        keys.insert(unit_of(f), at);
    }
    // The first: a hire more than planned, in the cell of its first planned hire.
    let more = &files[0];
    let at = &keys[&unit_of(more)];
    let hire = at
        .keys()
        .find(|k| k.starts_with("B|hire|"))
        .expect("a planned hire")
        .clone();
    let cell = format!("A|{}", hire.splitn(4, '|').nth(3).unwrap());
    let plan_rows = read_csv(&plan.join("flows.csv"));
    let planned_hires: u32 = plan_rows
        .iter()
        .filter(|r| {
            r["unit"] == unit_of(more)
                && r["year"] == "2026"
                && format!(
                    "B|{}|{}|{}|{}|{}|{}",
                    r["flow"], r["channel"], r["group"], r["gender"], r["role"], r["trained"]
                ) == hire
        })
        .map(|r| r["count"].parse::<u32>().unwrap())
        .sum();
    let stock_end: u32 = read_csv(&plan.join("trajectory.csv"))
        .iter()
        .filter(|r| {
            r["unit"] == unit_of(more)
                && r["year"] == "2026"
                && format!(
                    "A|{}|{}|{}|{}",
                    r["group"], r["gender"], r["role"], r["trained"]
                ) == cell
        })
        .map(|r| r["headcount"].parse::<u32>().unwrap())
        .sum();
    type_into(
        more,
        &BTreeMap::from([
            (at[&hire].clone(), Typed::Number(planned_hires + 1)),
            (at[&cell].clone(), Typed::Number(stock_end + 1)),
        ]),
    );
    // The bad ones.
    type_into(
        &files[1],
        &BTreeMap::from([("C3".to_string(), Typed::Text("Z99"))]),
    );
    let some_b = |f: &Path| {
        keys[&unit_of(f)]
            .iter()
            .find(|(k, _)| k.starts_with("B|"))
            .map(|(_, a)| a.clone())
            .unwrap()
    };
    let text_cell = some_b(&files[2]);
    type_into(
        &files[2],
        &BTreeMap::from([(text_cell.clone(), Typed::Text("ba"))]),
    );
    let (short_key, short_cell) = keys[&unit_of(&files[3])]
        .iter()
        .find(|(k, _)| k.starts_with("A|"))
        .map(|(k, a)| (k.clone(), a.clone()))
        .unwrap();
    let (cells, _) = as_planned(&files[3]);
    let Typed::Number(was) = cells[&short_cell] else {
        unreachable!()
    };
    type_into(
        &files[3],
        &BTreeMap::from([(short_cell.clone(), Typed::Number(was + 1))]),
    );
    std::fs::remove_file(&files[4]).unwrap();

    let out = tmp.path().join("actuals");
    let o = actuals(&plan, &forms, &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let names: BTreeMap<String, String> = read_csv(&plan.join("units.csv"))
        .into_iter()
        .map(|r| (r["unit"].clone(), r["name"].clone()))
        .collect();
    let file = |i: usize| files[i].file_name().unwrap().to_string_lossy().into_owned();
    let (g, gender, role, trained) = {
        let p: Vec<&str> = short_key.split('|').collect();
        (
            p[1].to_string(),
            p[2].to_string(),
            p[3].to_string(),
            p[4].to_string(),
        )
    };
    // The short cell's start of the year is the plan's 2025 head-count (trajectory.csv), and
    // its planned change what takes it to the plan's 2026 figure, `was`.
    let start: i64 = read_csv(&plan.join("trajectory.csv"))
        .iter()
        .filter(|r| {
            r["unit"] == unit_of(&files[3])
                && r["year"] == "2025"
                && format!(
                    "A|{}|{}|{}|{}",
                    r["group"], r["gender"], r["role"], r["trained"]
                ) == short_key
        })
        .map(|r| r["headcount"].parse::<i64>().unwrap())
        .sum();
    let change = i64::from(was) - start;
    let mut expected = vec![
        format!("warning: {}, sheet 'Báo cáo', cell C3: \"Z99\" is not a unit of the plan; expected the id of a unit in its units.csv", file(1)),
        format!("warning: {}, sheet 'Báo cáo', cell {text_cell}: expected a whole number of people, 0 or more, found \"ba\"", file(2)),
        format!("warning: {}, sheet 'Báo cáo', cell {short_cell}: {g}, {gender}, {role}, trained {trained}: the start of the year {start}, changed by {change:+} in section B, makes {was}, but the actual head-count is {}; expected the figures to add up", file(3), was + 1),
    ];
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    expected.push(format!("warning: {}, sheet 'Báo cáo', cell C5: nothing is filled in; expected the actual counts (0 where there is none)", file(5)));
    for u in [unit_of(&files[1]), unit_of(&files[4])] {
        expected.push(format!(
            "warning: {u}: no form for {u} ({}); expected the file {u}.xlsx",
            names[&u]
        ));
    }
    assert_eq!(
        stderr.lines().map(str::to_string).collect::<Vec<_>>(),
        expected
    );
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        format!("compiled 7 of 11 forms for 2026 (12 units in the plan; 6 problems, forms with one left out: problems.csv); wrote {}\n", out.display())
    );
    // The compiled forms' figures: the plan's, and the extra hire.
    let stocks = read_csv(&out.join("actual_stocks.csv"));
    let units: std::collections::BTreeSet<&str> =
        stocks.iter().map(|r| r["unit"].as_str()).collect();
    assert_eq!(units.len(), 7);
    for r in &stocks {
        let key = format!(
            "A|{}|{}|{}|{}",
            r["group"], r["gender"], r["role"], r["trained"]
        );
        let plus = u32::from(r["unit"] == unit_of(more) && key == cell);
        assert_eq!(
            r["actual"].parse::<u32>().unwrap(),
            r["plan_end"].parse::<u32>().unwrap() + plus,
            "{r:?}"
        );
    }
    let flows = read_csv(&out.join("actual_flows.csv"));
    let extra: Vec<&Row> = flows.iter().filter(|r| r["actual"] != r["plan"]).collect();
    assert_eq!(extra.len(), 1, "{extra:?}");
    assert_eq!(extra[0]["unit"], unit_of(more));
    assert_eq!(extra[0]["flow"], "hire");
    let problems = read_csv(&out.join("problems.csv"));
    assert_eq!(problems.len(), 6);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("actuals.json")).unwrap()).unwrap();
    assert_eq!(summary["compiled"], 7);
    assert_eq!(summary["earliest_date"], "2026-11-01");
    // The same in Vietnamese: every problem and the count in the user's language.
    let vi = tmp.path().join("actuals-vi");
    let o = bienche(&[
        "actuals",
        plan.to_str().unwrap(),
        forms.to_str().unwrap(),
        "--out",
        vi.to_str().unwrap(),
        "--lang",
        "vi",
    ]);
    let stderr_vi = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(stderr_vi.lines().count(), 6, "{stderr_vi}");
    assert!(stderr_vi.contains(&format!("cảnh báo: {}, trang tính 'Báo cáo', ô {text_cell}: cần số người là số nguyên từ 0 trở lên, gặp \"ba\"", file(2))), "{stderr_vi}");
    for english in [
        "expected",
        "warning",
        "sheet",
        "nothing",
        "start of the year",
    ] {
        assert!(!stderr_vi.contains(english), "{english}: {stderr_vi}");
    }
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        format!("đã tổng hợp 7 trong 11 biểu năm 2026 (12 đơn vị trong kế hoạch; 6 lỗi, biểu có lỗi không được tổng hợp: problems.csv); đã ghi {}\n", vi.display())
    );
    check_rule_status(&plan, &out);
    check_report(&out, &files, &unit_of);
}

/// `rule_status.csv` recomputed here from `actual_stocks.csv`, `targets.csv` and the
/// scenario's groups: each compiled unit's 2026 rows a head-count measures.
fn check_rule_status(plan: &Path, out: &Path) {
    let em: std::collections::BTreeSet<String> = {
        let s: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(plan.join("summary.json")).unwrap())
                .unwrap();
        s["groups"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|g| g["em"] == true)
            .map(|g| g["group"].as_str().unwrap().to_string())
            .collect()
    };
    let stocks = read_csv(&out.join("actual_stocks.csv"));
    let compiled: std::collections::BTreeSet<String> =
        stocks.iter().map(|r| r["unit"].clone()).collect();
    let counted = |unit: &str, rule: &str| -> Option<u32> {
        let keep = |r: &Row| -> bool {
            let (e, w, l, t) = (
                em.contains(&r["group"]),
                r["gender"] == "F",
                r["role"] == "leader",
                r["trained"] == "yes",
            );
            match rule {
                "R1" | "R2" | "R3" | "I1" => e,
                "R4" => e && w,
                "R6" => e && l,
                "R7" => e && w && l,
                "R8" => e && t,
                _ => true,
            }
        };
        ["R1", "R2", "R3", "I1", "R4", "R6", "R7", "R8", "I3"]
            .contains(&rule)
            .then(|| {
                stocks
                    .iter()
                    .filter(|r| r["unit"] == unit && keep(r))
                    .map(|r| r["actual"].parse::<u32>().unwrap())
                    .sum()
            })
    };
    let mut expected = Vec::new();
    for t in read_csv(&plan.join("targets.csv")) {
        if t["year"] != "2026" || !compiled.contains(&t["unit"]) || t["kind"] == "goal" {
            continue;
        }
        let Some(actual) = counted(&t["unit"], &t["rule"]) else {
            continue;
        };
        let required: u32 = t["required"].parse().unwrap();
        let planned: u32 = t["achieved"].parse().unwrap();
        let status = if actual < required {
            "behind"
        } else if actual > planned {
            "ahead"
        } else {
            "on_track"
        };
        expected.push((
            t["unit"].clone(),
            t["rule"].clone(),
            required,
            planned,
            actual,
            status.to_string(),
        ));
    }
    let got: Vec<(String, String, u32, u32, u32, String)> = read_csv(&out.join("rule_status.csv"))
        .into_iter()
        .map(|r| {
            (
                r["unit"].clone(),
                r["rule"].clone(),
                r["required"].parse().unwrap(),
                r["plan"].parse().unwrap(),
                r["actual"].parse().unwrap(),
                r["status"].clone(),
            )
        })
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(got, expected);
    // The extra hire puts its unit ahead of the plan on some row.
    assert!(got.iter().any(|g| g.5 == "ahead"), "{got:?}");
}

/// `report.xlsx` read back: its sheets, the units not compiled with their reasons, every
/// status row, and no count of 1 or 2 people shown.
fn check_report(out: &Path, files: &[PathBuf], unit_of: &dyn Fn(&Path) -> String) {
    let mut book: Xlsx<_> = open_workbook(out.join("report.xlsx")).expect("report.xlsx opens");
    assert_eq!(
        book.sheet_names(),
        ["Tổng hợp", "Theo chỉ tiêu", "Chưa tổng hợp"]
    );
    let summary = book.worksheet_range("Tổng hợp").unwrap();
    assert_eq!(
        text(&summary, 1, 0),
        "Báo cáo kết quả thực hiện Kế hoạch năm 2026"
    );
    assert_eq!(
        text(&summary, 3, 0),
        "Số biểu đã tổng hợp: 7 trong 12 đơn vị (11 tệp nhận được)."
    );
    let missing = book.worksheet_range("Chưa tổng hợp").unwrap();
    let (last, _) = missing.end().unwrap();
    let mut reasons = BTreeMap::new();
    for row in 2..=last as usize {
        reasons.insert(text(&missing, row, 0), text(&missing, row, 2));
    }
    let mut expected = BTreeMap::new();
    for i in [2, 3, 5] {
        expected.insert(
            unit_of(&files[i]),
            "biểu có lỗi (xem problems.csv)".to_string(),
        );
    }
    for i in [1, 4] {
        expected.insert(unit_of(&files[i]), "chưa nhận được biểu".to_string());
    }
    assert_eq!(reasons, expected);
    let by_rule = book.worksheet_range("Theo chỉ tiêu").unwrap();
    let status = read_csv(&out.join("rule_status.csv"));
    let words = BTreeMap::from([
        ("behind", "chưa đạt yêu cầu"),
        ("on_track", "đúng tiến độ"),
        ("ahead", "vượt kế hoạch"),
    ]);
    let mut small = 0;
    for (i, r) in status.iter().enumerate() {
        let row = 2 + i;
        assert_eq!(text(&by_rule, row, 0), r["unit"]);
        assert_eq!(text(&by_rule, row, 2), r["rule"]);
        let actual: u32 = r["actual"].parse().unwrap();
        let shown = text(&by_rule, row, 7);
        if (1..3).contains(&actual) {
            assert_eq!(shown, "<3", "{r:?}");
            small += 1;
        } else {
            assert_eq!(shown, actual.to_string(), "{r:?}");
        }
        assert_eq!(text(&by_rule, row, 8), words[r["status"].as_str()]);
    }
    assert!(small > 0, "no row of 1 or 2 people to hide");
    assert_eq!(by_rule.end().unwrap().0 as usize, 1 + status.len());
}

/// Rows a spare row may not hold, named at their cell: a hire without its channel, a cell
/// that has its own row in section A, a promotion of a leader. Forms whose `forms.json` names
/// another plan: one error, exit 2.
#[test]
fn spare_rows_are_checked_and_forms_of_another_plan_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (plan, forms, files) = forms_of_2026(&tmp);
    // The spare rows of each form, and its first planned cell.
    let spare = |f: &Path, key: &str| -> Vec<usize> {
        let mut book: Xlsx<_> = open_workbook(f).unwrap();
        let r = book.worksheet_range("Báo cáo").unwrap();
        let (h, _) = r.end().unwrap();
        (0..=h as usize)
            .filter(|&row| text(&r, row, 9) == key)
            .collect()
    };
    for f in &files {
        let (cells, _) = as_planned(f);
        type_into(f, &cells);
    }
    let (_, at) = as_planned(&files[1]);
    let first_cell = at.keys().find(|k| k.starts_with("A|")).unwrap().clone();
    let p: Vec<&str> = first_cell.split('|').collect();
    let b_row = spare(&files[0], "B+")[0];
    let a_row = spare(&files[1], "A+")[0];
    let lead_row = spare(&files[2], "B+")[0];
    let typed = |row: usize, values: &[(usize, &'static str)], count: (usize, u32)| {
        let mut m: BTreeMap<String, Typed> = values
            .iter()
            .map(|(c, v)| (address(row, *c), Typed::Text(v)))
            .collect();
        m.insert(address(row, count.0), Typed::Number(count.1));
        m
    };
    let leak = |s: &str| -> &'static str { Box::leak(s.to_string().into_boxed_str()) };
    let (g, gender, role, trained) = (leak(p[1]), leak(p[2]), leak(p[3]), leak(p[4]));
    type_into(
        &files[0],
        &typed(
            b_row,
            &[(0, g), (1, "F"), (2, "staff"), (3, "no"), (4, "hire")],
            (7, 1),
        ),
    );
    type_into(
        &files[1],
        &typed(
            a_row,
            &[(0, g), (1, gender), (2, role), (3, trained)],
            (6, 1),
        ),
    );
    type_into(
        &files[2],
        &typed(
            lead_row,
            &[(0, g), (1, "F"), (2, "leader"), (3, "no"), (4, "promote")],
            (7, 1),
        ),
    );
    let out = tmp.path().join("actuals");
    let o = actuals(&plan, &forms, &out);
    assert!(o.status.success());
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    let name = |i: usize| files[i].file_name().unwrap().to_string_lossy().into_owned();
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(lines.contains(&format!("warning: {}, sheet 'Báo cáo', cell F{}: a hire needs its recruitment channel; expected a value of the drop-down", name(0), b_row + 1).as_str()), "{stderr}");
    assert!(lines.contains(&format!("warning: {}, sheet 'Báo cáo', cell A{}: {g}, {gender}, {role}, trained {trained} has its own row in section A; expected it there", name(1), a_row + 1).as_str()), "{stderr}");
    assert!(lines.contains(&format!("warning: {}, sheet 'Báo cáo', cell C{}: a promotion is of a person not yet a leader; expected the post before the promotion", name(2), lead_row + 1).as_str()), "{stderr}");
    // Forms of another plan.
    let json = forms.join("forms.json");
    let text = std::fs::read_to_string(&json).unwrap();
    let hash = text.split("\"plan_manifest_sha256\": \"").nth(1).unwrap()[..64].to_string();
    std::fs::write(&json, text.replace(&hash, &"0".repeat(64))).unwrap();
    let o = actuals(&plan, &forms, &tmp.path().join("other"));
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        format!(
            "error: forms.json: field 'plan_manifest_sha256': the forms were written from another plan than {}; expected the plan folder they were written from\n",
            plan.display()
        )
    );
    assert!(!tmp.path().join("other").exists());
}
