//! `bienche forms`: one report form per unit of a finished plan, opened with calamine and
//! checked against the plan folder's CSV tables, which are read here on their own.

use crate::common;

use calamine::{open_workbook, Data, Range, Reader, Xlsx};
use common::*;
use std::collections::BTreeMap;
use std::io::Read;

/// A generated 12-unit province planned, and its forms for `year` written to `tmp/forms`.
fn planned(tmp: &tempfile::TempDir) -> PathBuf {
    let set = tmp.path().join("set");
    assert!(generate(&set, "12", "1", "3", &[]).status.success());
    plan(&set.join("p01"), tmp)
}

fn forms(out: &Path, year: &str, dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "forms",
        out.to_str().unwrap(),
        "--year",
        year,
        "--out",
        dir.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    bienche(&args)
}

fn text(r: &Range<Data>, row: usize, col: usize) -> String {
    match r.get((row, col)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => format!("{f}"),
        Some(Data::Int(i)) => format!("{i}"),
        _ => String::new(),
    }
}

fn number(r: &Range<Data>, row: usize, col: usize) -> u32 {
    match r.get((row, col)) {
        Some(Data::Float(f)) => *f as u32,
        Some(Data::Int(i)) => *i as u32,
        other => panic!("({row}, {col}): {other:?} is not a number"),
    }
}

/// A file inside an xlsx (a zip), as text.
fn part(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

fn cell_key(r: &Row) -> String {
    format!(
        "{}|{}|{}|{}",
        r["group"], r["gender"], r["role"], r["trained"]
    )
}

/// Every unit has a form; section A holds the plan's head-count of each cell at the start
/// and end of the year, section B each flow of the year (by channel), as the CSVs add them
/// up; the blanks to fill are empty, with whole-number, date and list validations; the
/// keys by which a returned form is read are in the hidden column; the same plan gives the
/// same bytes.
#[test]
fn each_units_form_holds_the_plans_figures_and_blanks_to_fill() {
    let tmp = tempfile::tempdir().unwrap();
    let out = planned(&tmp);
    let dir = tmp.path().join("forms");
    let o = forms(&out, "2027", &dir, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        format!(
            "wrote 12 report forms for 2027 and forms.json to {}\n",
            dir.display()
        )
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("forms.json")).unwrap()).unwrap();
    assert_eq!(manifest["year"], 2027);
    assert_eq!(manifest["command"], "forms");
    let units: Vec<String> = read_csv(&out.join("units.csv"))
        .iter()
        .map(|r| r["unit"].clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let listed: Vec<String> = manifest["forms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["unit"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed, units);
    let trajectory = read_csv(&out.join("trajectory.csv"));
    let flows = read_csv(&out.join("flows.csv"));
    let mut flow_rows = 0;
    for unit in &units {
        let path = dir.join(format!("{unit}.xlsx"));
        let mut book: Xlsx<_> = open_workbook(&path).expect("form opens");
        assert_eq!(book.sheet_names(), ["Hướng dẫn", "Báo cáo", "Danh mục"]);
        let r = book.worksheet_range("Báo cáo").unwrap();
        assert_eq!(text(&r, 2, 2), *unit);
        assert_eq!(text(&r, 3, 2), "2027");
        assert_eq!(text(&r, 4, 2), "", "the report date is left blank");
        // The plan's figures, added up here from the CSVs.
        let mut stock: BTreeMap<String, [u32; 2]> = BTreeMap::new();
        for t in trajectory.iter().filter(|t| t["unit"] == *unit) {
            let at = match t["year"].as_str() {
                "2026" => 0,
                "2027" => 1,
                _ => continue,
            };
            stock.entry(format!("A|{}", cell_key(t))).or_default()[at] +=
                t["headcount"].parse::<u32>().unwrap();
        }
        stock.retain(|_, v| *v != [0, 0]);
        let mut planned: BTreeMap<String, u32> = BTreeMap::new();
        for f in flows
            .iter()
            .filter(|f| f["unit"] == *unit && f["year"] == "2027")
        {
            let key = format!("B|{}|{}|{}", f["flow"], f["channel"], cell_key(f));
            *planned.entry(key).or_default() += f["count"].parse::<u32>().unwrap();
        }
        let (mut seen_a, mut seen_b, mut extra_a, mut extra_b) =
            (BTreeMap::new(), BTreeMap::new(), 0, 0);
        for row in 0..r.height() {
            let key = text(&r, row, 9);
            if key.starts_with("A|") {
                seen_a.insert(key, [number(&r, row, 4), number(&r, row, 5)]);
                assert_eq!(text(&r, row, 6), "", "{unit} row {row}");
            } else if key.starts_with("B|") {
                seen_b.insert(key, number(&r, row, 6));
                assert_eq!(text(&r, row, 7), "", "{unit} row {row}");
            } else if key == "A+" {
                extra_a += 1;
            } else if key == "B+" {
                extra_b += 1;
            }
        }
        assert!(!stock.is_empty(), "{unit}");
        assert_eq!(seen_a, stock, "{unit}");
        assert_eq!(seen_b, planned, "{unit}");
        flow_rows += planned.len();
        assert_eq!((extra_a, extra_b), (5, 10));
        let xml = part(&path, "xl/worksheets/sheet2.xml");
        assert!(
            xml.contains("type=\"whole\""),
            "{unit}: no whole-number validation"
        );
        assert!(xml.contains("type=\"date\""), "{unit}: no date validation");
        assert!(xml.contains("type=\"list\""), "{unit}: no list validation");
        assert!(xml.contains("<sheetProtection"), "{unit}: not protected");
        let guide = book.worksheet_range("Hướng dẫn").unwrap();
        assert!(text(&guide, 3, 0).contains("trước ngày 01/11/2027"));
    }
    assert!(flow_rows > 12, "{flow_rows} flow rows");
    // The same plan and year give the same bytes.
    let again = tmp.path().join("again");
    assert!(forms(&out, "2027", &again, &[]).status.success());
    for f in std::fs::read_dir(&dir).unwrap().flatten() {
        let name = f.file_name();
        assert_eq!(
            std::fs::read(f.path()).unwrap(),
            std::fs::read(again.join(&name)).unwrap(),
            "{name:?}"
        );
    }
}

/// A form filled in is the user's: writing the forms again over its folder is refused,
/// and the form kept, unless `--force`. Forms as written are replaced.
#[test]
fn a_filled_in_form_is_never_replaced_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let out = planned(&tmp);
    let dir = tmp.path().join("forms");
    assert!(forms(&out, "2026", &dir, &[]).status.success());
    // As written: replaced.
    assert!(forms(&out, "2026", &dir, &[]).status.success());
    let form = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .unwrap();
    let mut filled = std::fs::read(&form).unwrap();
    filled.extend_from_slice(b"filled in");
    std::fs::write(&form, &filled).unwrap();
    let o = forms(&out, "2026", &dir, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        format!(
            "error: --out {}: the folder holds files that are not an earlier `bienche forms` output; choose an empty or new folder, or pass --force to replace it\n",
            dir.display()
        )
    );
    assert_eq!(std::fs::read(&form).unwrap(), filled);
    assert!(forms(&out, "2026", &dir, &["--force"]).status.success());
    assert_ne!(std::fs::read(&form).unwrap(), filled);
}

/// A year the plan does not cover, a folder that is not a plan, and an output inside the
/// plan folder: exit 2, nothing written.
#[test]
fn forms_of_a_year_outside_the_plan_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = planned(&tmp);
    let dir = tmp.path().join("forms");
    for (lang, message) in [
        (
            "en",
            "error: --year 2040: expected a year the plan covers, from 2026 to 2035\n",
        ),
        (
            "vi",
            "lỗi: --year 2040: cần một năm trong kế hoạch, từ 2026 đến 2035\n",
        ),
    ] {
        let o = forms(&out, "2040", &dir, &["--lang", lang]);
        assert_eq!(o.status.code(), Some(2));
        assert_eq!(String::from_utf8_lossy(&o.stderr), message);
        assert!(!dir.exists());
    }
    let o = forms(tmp.path(), "2026", &dir, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        format!(
            "error: {}: No such file or directory (os error 2) (is this a finished `bienche plan` folder?)\n",
            tmp.path().join("summary.json").display()
        )
    );
    assert!(!dir.exists());
    // Inside the plan folder, which `plan` replaces whole: refused.
    let inside = out.join("forms");
    let o = forms(&out, "2026", &inside, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        format!(
            "error: --out {}: it is inside {}, an input of this command; choose a folder outside it\n",
            inside.display(),
            out.display()
        )
    );
    assert!(!inside.exists());
}
