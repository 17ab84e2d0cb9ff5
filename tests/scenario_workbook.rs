//! `scenario.xlsx` and `bienche init`: a scenario's tables in one workbook plan exactly as
//! its CSV files do; errors name the sheet and row; nothing is overwritten.

use crate::common;

use common::*;
use std::collections::BTreeMap;

/// Every file of a plan folder by its path inside it, with the run's own timings and the
/// manifest's list of inputs (which names the workbook instead of the CSVs) left out.
fn folder_bytes(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let rel = p.strip_prefix(dir).unwrap().display().to_string();
            let bytes = std::fs::read(&p).unwrap();
            let bytes = match rel.as_str() {
                "manifest.json" => continue,
                "summary.json" => {
                    let mut v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                    strip_seconds(&mut v);
                    serde_json::to_vec(&v).unwrap()
                }
                _ => bytes,
            };
            out.insert(rel, bytes);
        }
    }
    out
}

fn strip_seconds(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            m.retain(|k, _| !k.contains("seconds"));
            m.values_mut().for_each(strip_seconds);
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(strip_seconds),
        _ => {}
    }
}

fn plan_at(dir: &Path, out: &Path) {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_bienche"))
        .env("LC_ALL", "en_US.UTF-8")
        .env("SOURCE_DATE_EPOCH", "1764806400")
        .args([
            "plan",
            dir.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "-q",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn a_scenario_in_a_workbook_plans_byte_identically_to_its_csv_twin() {
    for name in ["transfer-cheaper", "prices", "unreachable"] {
        let tmp = tempfile::tempdir().unwrap();
        let book = tmp.path().join("book");
        let o = bienche(&[
            "init",
            book.to_str().unwrap(),
            "--from",
            fixture(name).to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        // Only the settings and the workbook: no CSV table is left to read.
        let mut files: Vec<String> = std::fs::read_dir(&book)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        assert_eq!(files, ["scenario.toml", "scenario.xlsx"]);

        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        plan_at(&fixture(name), &a);
        plan_at(&book, &b);
        let (fa, fb) = (folder_bytes(&a), folder_bytes(&b));
        assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
        for (file, bytes) in &fa {
            assert!(
                fb[file] == *bytes,
                "{name}: {file} differs between the CSV and the workbook scenario"
            );
        }
        // The manifest names the workbook, with its hash.
        let manifest = std::fs::read_to_string(b.join("manifest.json")).unwrap();
        assert!(manifest.contains("\"scenario.xlsx\""), "{manifest}");
        assert!(!manifest.contains(".csv\""), "{manifest}");
    }
}

/// A copy of the fixture `unreachable` with `edit` applied to its units.csv.
fn fixture_copy(tmp: &tempfile::TempDir, edit: impl Fn(&str) -> String) -> std::path::PathBuf {
    let dir = tmp.path().join("src");
    std::fs::create_dir_all(&dir).unwrap();
    for e in std::fs::read_dir(fixture("unreachable")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
    }
    let units = std::fs::read_to_string(dir.join("units.csv")).unwrap();
    std::fs::write(dir.join("units.csv"), edit(&units)).unwrap();
    dir
}

#[test]
fn an_error_in_a_sheet_names_the_workbook_sheet_row_and_column_in_both_languages() {
    let tmp = tempfile::tempdir().unwrap();
    let src = fixture_copy(&tmp, |u| {
        u.replace(
            "C1,Commune 1,commune,80,10,",
            "C1,Commune 1,commune,80,ten,",
        )
    });
    let book = tmp.path().join("book");
    assert!(bienche(&[
        "init",
        book.to_str().unwrap(),
        "--from",
        src.to_str().unwrap()
    ])
    .status
    .success());
    let o = bienche(&["check", book.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: scenario.xlsx, sheet 'Đơn vị', row 2: field 'quota': expected a whole number of people from 0 to 1,000,000, found \"ten\"\n"
    );
    // The same in Vietnamese.
    let o = bienche(&["check", book.to_str().unwrap(), "--lang", "vi"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "lỗi: scenario.xlsx, trang tính 'Đơn vị', hàng 2: cột 'quota': cần một số người (số nguyên) từ 0 đến 1,000,000, gặp \"ten\"\n"
    );
}

#[test]
fn a_table_both_in_a_file_and_a_sheet_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path().join("book");
    assert!(bienche(&[
        "init",
        book.to_str().unwrap(),
        "--from",
        fixture("unreachable").to_str().unwrap()
    ])
    .status
    .success());
    std::fs::copy(
        fixture("unreachable").join("units.csv"),
        book.join("units.csv"),
    )
    .unwrap();
    let o = bienche(&["check", book.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: units.csv: field '-': the table is also a sheet of scenario.xlsx (scenario.xlsx, sheet 'Đơn vị'); expected it in one place: delete the file or the sheet\n"
    );
}

#[test]
fn init_writes_a_starter_that_checks_and_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("new");
    let o = bienche(&["init", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let check = bienche(&["check", dir.to_str().unwrap()]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(String::from_utf8_lossy(&check.stdout).contains("ok: scenario is valid"));
    let toml = std::fs::read_to_string(dir.join("scenario.toml")).unwrap();
    assert!(toml.contains("illustrative = true"), "{toml}");

    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(dir.join("scenario.xlsx")).unwrap();
    let sheets = wb.sheet_names();
    assert_eq!(sheets[0], "Hướng dẫn");
    for s in ["Đơn vị", "Dân tộc", "Cán bộ hiện có", "Kênh tuyển dụng"] {
        assert!(sheets.iter().any(|n| n == s), "{s} not in {sheets:?}");
    }
    // Every heading of every table sheet is explained on the notes sheet.
    let notes = wb.worksheet_range("Hướng dẫn").unwrap();
    let explained: Vec<String> = notes
        .rows()
        .map(|r| r.get(1).map(|c| c.to_string()).unwrap_or_default())
        .collect();
    for s in sheets.iter().skip(1) {
        let r = wb.worksheet_range(s).unwrap();
        for h in r.rows().next().unwrap() {
            assert!(explained.contains(&h.to_string()), "{s}: {h} not explained");
        }
    }

    // A second init into the same folder is refused and changes nothing.
    let before = std::fs::read(dir.join("scenario.xlsx")).unwrap();
    let again = bienche(&["init", dir.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("the folder exists and is not empty"));
    assert_eq!(std::fs::read(dir.join("scenario.xlsx")).unwrap(), before);
}

#[test]
fn a_percentage_column_of_fractions_is_refused() {
    // A units sheet whose EM share cells hold fractions, as cells formatted as % do.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("pct");
    std::fs::create_dir(&dir).unwrap();
    for f in ["scenario.toml", "groups.csv", "staff.csv", "channels.csv"] {
        std::fs::copy(fixture("unreachable").join(f), dir.join(f)).unwrap();
    }
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Đơn vị").unwrap();
    for (c, h) in [
        "Mã",
        "Tên",
        "Loại",
        "Tỷ lệ dân số DTTS (%)",
        "Biên chế",
        "Số chức danh lãnh đạo",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["C1", "Commune 1", "commune"].iter().enumerate() {
        ws.write_string(1, c as u16, *v).unwrap();
    }
    ws.write_number(1, 3, 0.8).unwrap();
    ws.write_number(1, 4, 10).unwrap();
    ws.write_number(1, 5, 1).unwrap();
    wb.save(dir.join("scenario.xlsx")).unwrap();
    let o = bienche(&["check", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: scenario.xlsx, sheet 'Đơn vị', row 2: field 'em_population_share': every value of the column 'Tỷ lệ dân số DTTS (%)' lies between 0 and 1; expected percentages from 0 to 100 (86.6 for 86.6%) as plain numbers: a cell formatted as % holds 0.866 for 86.6%\n"
    );
}

#[test]
fn roster_import_refuses_to_write_tables_the_workbook_holds() {
    // The fixture with a workbook that holds a staff sheet, and the roster beside it.
    let (_t, book) = copy_fixture("roster");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Cán bộ hiện có").unwrap();
    for (c, h) in ["unit", "group", "gender", "role", "trained", "count"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    wb.save(book.join("scenario.xlsx")).unwrap();
    let o = import(&book.join("roster.csv"), &book, &[]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("the sheet 'Cán bộ hiện có' holds staff.csv, which roster import writes"),
        "{err}"
    );
    assert!(!book.join("staff.csv").exists());
}
