//! Report forms filled in by editing the report sheet's XML, as a spreadsheet would save it
//! (`bienche forms`, `actuals`, `replan` tests).

use super::*;
use calamine::{open_workbook, Data, Range, Reader, Xlsx};
use std::io::{Read, Write};

/// 1 November 2026 as an Excel serial date.
pub const NOV_1_2026: u32 = 46_327;

pub fn address(row: usize, col: usize) -> String {
    format!("{}{}", (b'A' + col as u8) as char, row + 1)
}

pub fn text(r: &Range<Data>, row: usize, col: usize) -> String {
    match r.get_value((row as u32, col as u32)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => format!("{f}"),
        _ => String::new(),
    }
}

pub fn number(r: &Range<Data>, row: usize, col: usize) -> u32 {
    match r.get_value((row as u32, col as u32)) {
        Some(Data::Float(f)) => *f as u32,
        other => panic!("{}: {other:?}", address(row, col)),
    }
}

/// A value typed into a cell.
pub enum Typed {
    Number(u32),
    Text(&'static str),
}

/// Writes `cells` into the report sheet (sheet2.xml) of the form at `path`.
pub fn type_into(path: &Path, cells: &BTreeMap<String, Typed>) {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        parts.push((f.name().unwrap().to_string(), bytes));
    }
    for (name, bytes) in &mut parts {
        if name != "xl/worksheets/sheet2.xml" {
            continue;
        }
        let mut xml = String::from_utf8(bytes.clone()).unwrap();
        for (cell, value) in cells {
            let open = format!("<c r=\"{cell}\"");
            let start = xml
                .find(&format!("{open} "))
                .or_else(|| xml.find(&format!("{open}>")))
                .unwrap_or_else(|| panic!("{cell} not in the sheet"));
            let end = if xml[start..].find("/>") < xml[start..].find('>') {
                start + xml[start..].find("/>").unwrap() + 2
            } else {
                start + xml[start..].find("</c>").unwrap() + 4
            };
            let style = xml[start..end]
                .split(" s=\"")
                .nth(1)
                .map(|s| format!(" s=\"{}\"", s.split('"').next().unwrap()))
                .unwrap_or_default();
            let new = match value {
                Typed::Number(n) => format!("<c r=\"{cell}\"{style}><v>{n}</v></c>"),
                Typed::Text(t) => {
                    format!("<c r=\"{cell}\"{style} t=\"inlineStr\"><is><t>{t}</t></is></c>")
                }
            };
            xml.replace_range(start..end, &new);
        }
        *bytes = xml.into_bytes();
    }
    let mut out = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in parts {
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap();
}

/// What a form asks for, read by its keys: the cells to type the plan's figures into
/// (section A's actual = the plan's end of the year, B's = the plan's count), and the
/// address of each key's actual cell.
pub fn as_planned(path: &Path) -> (BTreeMap<String, Typed>, BTreeMap<String, String>) {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let r = book.worksheet_range("Báo cáo").unwrap();
    let mut cells = BTreeMap::new();
    let mut at = BTreeMap::new();
    cells.insert("C5".to_string(), Typed::Number(NOV_1_2026));
    let (height, _) = r.end().unwrap();
    for row in 0..=height as usize {
        let key = text(&r, row, 9);
        if key.starts_with("A|") {
            cells.insert(address(row, 6), Typed::Number(number(&r, row, 5)));
            at.insert(key, address(row, 6));
        } else if key.starts_with("B|") {
            cells.insert(address(row, 7), Typed::Number(number(&r, row, 6)));
            at.insert(key, address(row, 7));
        } else if key == "A+" {
            // "Write 0 where there is nobody": the spare rows' counts too.
            cells.insert(address(row, 6), Typed::Number(0));
        } else if key == "B+" {
            cells.insert(address(row, 7), Typed::Number(0));
        }
    }
    (cells, at)
}

/// A generated 12-unit province planned, its forms for 2026 written to `tmp/forms`: the
/// scenario, the plan folder, the forms folder and the forms, by file name.
pub fn generated_forms_2026(tmp: &tempfile::TempDir) -> (PathBuf, PathBuf, PathBuf, Vec<PathBuf>) {
    let set = tmp.path().join("set");
    assert!(generate(&set, "12", "1", "3", &[]).status.success());
    let scenario = set.join("p01");
    let plan = plan(&scenario, tmp);
    let forms = tmp.path().join("forms");
    write_forms(&plan, "2026", &forms);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&forms)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .collect();
    files.sort();
    (scenario, plan, forms, files)
}

/// `bienche forms PLAN --year YEAR --out FORMS`; panics with bienche's stderr on failure.
pub fn write_forms(plan: &Path, year: &str, forms: &Path) {
    let o = bienche(&[
        "forms",
        plan.to_str().unwrap(),
        "--year",
        year,
        "--out",
        forms.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// `bienche actuals PLAN FORMS --out ACTUALS`, then `bienche replan PLAN --actuals ACTUALS
/// --out RE --quiet`; panics with bienche's stderr when either fails.
pub fn compile_and_replan(plan: &Path, forms: &Path, actuals: &Path, re: &Path) {
    let (plan, forms) = (plan.to_str().unwrap(), forms.to_str().unwrap());
    let (actuals, re) = (actuals.to_str().unwrap(), re.to_str().unwrap());
    for args in [
        vec!["actuals", plan, forms, "--out", actuals],
        vec!["replan", plan, "--actuals", actuals, "--out", re, "--quiet"],
    ] {
        let o = bienche(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
}
