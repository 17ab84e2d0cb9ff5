//! `scenario.xlsx`: a scenario's tables in one workbook, one sheet per table, for planners
//! who keep their data in Excel.
//!
//! A sheet is named by its table's file stem (`units`) or its Vietnamese name (`Đơn vị`);
//! its first row holds the headings, each the column's name (`quota`) or its Vietnamese
//! heading (`Biên chế`), in any case. A sheet is read as the CSV file would be: each row
//! becomes a line of CSV text with the canonical headings (numbers in Rust's shortest form,
//! `51` and `86.6`, true and false as yes and no), then goes through the same reader
//! ([`Table::parse`]), so a scenario in a workbook plans byte-identically to its CSV twin
//! and its errors name the sheet and row (`scenario.xlsx, sheet 'Đơn vị', row 3`). Sheets of
//! other names (instructions, notes) are not read. A table given both as a CSV file and a
//! sheet in the same folder is refused. [`write`] writes a workbook from tables.

use crate::error::{Error, Result};
use crate::table::Table;
use calamine::{Data, Reader};
use std::path::Path;
use unicode_normalization::UnicodeNormalization;

/// The workbook's file name in a scenario folder.
pub const FILE: &str = "scenario.xlsx";

/// Each table's file and its sheet's Vietnamese name.
pub const SHEETS: &[(&str, &str)] = &[
    ("units.csv", "Đơn vị"),
    ("groups.csv", "Dân tộc"),
    ("staff.csv", "Cán bộ hiện có"),
    ("retirements.csv", "Nghỉ hưu"),
    ("attrition.csv", "Tỷ lệ nghỉ việc"),
    ("hiring_mix.csv", "Cơ cấu tuyển dụng"),
    ("quotas.csv", "Biên chế theo năm"),
    ("channels.csv", "Kênh tuyển dụng"),
    ("channel_caps.csv", "Giới hạn kênh"),
    ("transfers.csv", "Điều động"),
    ("budget.csv", "Trần ngân sách"),
];

/// Each column's name, its Vietnamese heading, and what it holds (the notes sheet of
/// `bienche init`).
pub const COLUMNS: &[(&str, &str, &str)] = &[
    ("id", "Mã", "mã đơn vị, duy nhất (X01)"),
    ("name", "Tên", "tên đơn vị"),
    ("kind", "Loại", "loại đơn vị: provincial, commune, ethnic_department, ethnic_committee, public_service; ở bảng giới hạn kênh: loại đơn vị áp dụng"),
    ("em_population_share", "Tỷ lệ dân số DTTS (%)", "tỷ lệ dân số người DTTS của địa bàn, phần trăm 0–100 (86.6); nhập số, không định dạng ô kiểu %"),
    ("quota", "Biên chế", "số biên chế được giao"),
    ("leader_posts", "Số chức danh lãnh đạo", "số chức danh lãnh đạo, quản lý"),
    ("over_quota_until", "Được vượt biên chế đến năm", "năm cuối được giữ số người vượt biên chế (để trống nếu không)"),
    ("r2_rate_override", "Tỷ lệ R2 riêng (%)", "tỷ lệ R2 riêng của xã, phần trăm 0–100 (để trống: theo quy định)"),
    ("recruit_groups", "Dân tộc tuyển dụng", "các dân tộc có thể tuyển, cách nhau bằng ; (Thai;Kinh)"),
    ("difficult", "Xã đặc biệt khó khăn", "có/không"),
    ("run_by", "Cấp quản lý", "bộ phận dân tộc: commune (cấp xã) hoặc province (cấp tỉnh)"),
    ("group", "Dân tộc", "mã dân tộc (Thai, Kinh, Mong)"),
    ("em", "Là DTTS", "có/không: dân tộc thiểu số"),
    ("population_share", "Tỷ lệ dân số (%)", "tỷ lệ dân số của dân tộc trong tỉnh, phần trăm 0–100; nhập số, không định dạng ô kiểu %"),
    ("names", "Tên gọi", "các tên gọi trong danh sách cán bộ, cách nhau bằng ; (tên đầu là tên hiển thị)"),
    ("class", "Nhóm nghỉ việc", "nhóm đơn vị theo tỷ lệ nghỉ việc"),
    ("tenure_from", "Thâm niên từ", "thâm niên từ (năm)"),
    ("tenure_to", "Thâm niên đến", "thâm niên đến (năm, để trống: không giới hạn)"),
    ("rate", "Tỷ lệ nghỉ việc (%/năm)", "tỷ lệ nghỉ việc mỗi năm, phần trăm 0–100 (2 là 2%/năm); nhập số, không định dạng ô kiểu %"),
    ("leavers", "Số người nghỉ", "số người đã nghỉ (căn cứ của tỷ lệ)"),
    ("person_years", "Số người-năm", "số người-năm quan sát (căn cứ của tỷ lệ)"),
    ("source", "Nguồn", "nguồn số liệu"),
    ("unit", "Đơn vị", "mã đơn vị"),
    ("gender", "Giới tính", "F (nữ) hoặc M (nam)"),
    ("trained", "Đã đào tạo", "có/không: đã được đào tạo, bồi dưỡng"),
    ("share", "Tỷ trọng (%)", "tỷ trọng trong số người được tuyển, phần trăm 0–100; nhập số, không định dạng ô kiểu %"),
    ("hires", "Số tuyển", "số người đã tuyển (căn cứ của tỷ trọng)"),
    ("role", "Vị trí", "staff (cán bộ) hoặc leader (lãnh đạo, quản lý)"),
    ("count", "Số người", "số người"),
    ("hired", "Năm tuyển dụng", "năm tuyển dụng của những người ở dòng này, không sau năm gốc (để trống: đã công tác lâu, nghỉ việc theo tỷ lệ ổn định)"),
    ("year", "Năm", "năm"),
    ("channel", "Kênh", "mã kênh tuyển dụng (exam_em)"),
    ("groups", "Các dân tộc", "các dân tộc kênh tuyển được, cách nhau bằng ; hoặc all (mọi dân tộc), EM (mọi dân tộc thiểu số), non-EM"),
    ("kinds", "Các loại đơn vị", "các loại đơn vị kênh tuyển vào, cách nhau bằng ;"),
    ("max_hires", "Tuyển tối đa", "số người tuyển tối đa trong năm"),
    ("cost_per_hire", "Chi phí mỗi người tuyển", "chi phí tuyển một người, triệu đồng"),
    ("women_share", "Tỷ lệ nữ (%)", "tỷ lệ nữ trong số người tuyển, phần trăm 0–100; nhập số, không định dạng ô kiểu %"),
    ("min_hires", "Tuyển tối thiểu", "số người tuyển tối thiểu trong năm"),
    ("from", "Từ đơn vị", "mã đơn vị điều động đi"),
    ("to", "Đến đơn vị", "mã đơn vị tiếp nhận"),
    ("max_per_year", "Tối đa mỗi năm", "số người điều động tối đa mỗi năm"),
    ("cost_per_person", "Chi phí mỗi người", "chi phí điều động một người, triệu đồng"),
    ("level", "Cấp", "province, commune hoặc all"),
    ("cap", "Trần (triệu đồng)", "trần chi cho các biện pháp trong năm, triệu đồng"),
];

fn key(s: &str) -> String {
    s.trim().nfc().collect::<String>().to_lowercase()
}

/// The sheet of `book` that holds `table`, by either name.
fn sheet_of(names: &[String], table: &str) -> Option<String> {
    let (file, vi) = SHEETS.iter().find(|(f, _)| *f == table)?;
    let stem = file.trim_end_matches(".csv");
    names
        .iter()
        .find(|n| key(n) == key(stem) || key(n) == key(vi))
        .cloned()
}

/// A heading as the column's name: the name itself or its Vietnamese heading, in any case.
fn column_name(heading: &str) -> String {
    let k = key(heading);
    COLUMNS
        .iter()
        .find(|(name, vi, _)| key(vi) == k || key(name) == k)
        .map_or_else(
            || heading.trim().to_string(),
            |(name, _, _)| name.to_string(),
        )
}

/// The columns that hold percentages from 0 to 100.
const PERCENT_COLUMNS: &[&str] = &[
    "em_population_share",
    "population_share",
    "share",
    "women_share",
    "r2_rate_override",
];

/// A number as CSV would show it: whole numbers without a decimal point, and the float
/// noise of a formula (12.000000000000002) rounded to 15 significant digits.
fn number_text(f: f64) -> String {
    if f == 0.0 {
        return "0".into();
    }
    let digits = 14 - f.abs().log10().floor() as i32;
    let rounded = if (0..=20).contains(&digits) {
        let scale = 10f64.powi(digits);
        (f * scale).round() / scale
    } else {
        f
    };
    rounded.to_string()
}

/// A cell as CSV would hold it.
fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.replace(['\n', '\r'], " "),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        Data::DateTime(dt) => dt.as_f64().to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

fn quoted(s: &str) -> String {
    if s.contains([',', '"']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Whether `dir`'s workbook has a sheet for `table` (false without a workbook).
pub fn has_sheet(dir: &Path, table: &str) -> Result<bool> {
    let path = dir.join(FILE);
    if !path.exists() {
        return Ok(false);
    }
    Ok(sheet_of(&open(&path)?.sheet_names(), table).is_some())
}

fn open(path: &Path) -> Result<calamine::Sheets<std::io::BufReader<std::fs::File>>> {
    calamine::open_workbook_auto(path)
        .map_err(|e| Error::unreadable(path, format!("not a readable workbook: {e}")))
}

/// The sheet of `dir/scenario.xlsx` for `table`, read as the CSV file would be; `None`
/// when there is no workbook or no such sheet.
pub fn read_sheet(
    dir: &Path,
    table: &str,
    required: &[&str],
    optional: &[&str],
) -> Result<Option<Table>> {
    let path = dir.join(FILE);
    if !path.exists() {
        return Ok(None);
    }
    let mut book = open(&path)?;
    let Some(name) = sheet_of(&book.sheet_names(), table) else {
        return Ok(None);
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| Error::unreadable(&path, format!("sheet '{name}': {e}")))?;
    // One CSV line per spreadsheet row from row 1, so that line numbers are row numbers.
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let label = path.parent().map_or_else(
        || path.clone(),
        |p| p.join(format!("{FILE}, sheet '{name}'")),
    );
    if first_row > 0 || first_col > 0 {
        return Err(Error::input(
            &label,
            Some(first_row as usize + 1),
            "-",
            format!(
                "the table starts at row {}, column {}; expected its headings in row 1 from column A (no title rows or empty columns before it)",
                first_row + 1,
                first_col + 1
            ),
        ));
    }
    percent_cells(&label, &range)?;
    let mut text = "\n".repeat(first_row as usize);
    // Every row as wide as the headings: empty cells at the end are still cells.
    let mut width = 0;
    for (i, cells) in range.rows().enumerate() {
        let mut values: Vec<String> = vec![String::new(); first_col as usize];
        values.extend(cells.iter().map(cell_text));
        while values.len() > width && values.last().is_some_and(String::is_empty) {
            values.pop();
        }
        if first_row as usize + i == 0 {
            values = values.iter().map(|h| column_name(h)).collect();
            width = values.len();
        }
        values.resize(values.len().max(width), String::new());
        let line: Vec<String> = values.iter().map(|v| quoted(v)).collect();
        text.push_str(&line.join(","));
        text.push('\n');
    }
    Table::parse(&label, &text, required, optional).map(Some)
}

/// Refuses a percentage column whose numbers all lie between 0 and 1 (some above 0): cells
/// formatted as % store 0.866 for 86.6%, which would read as 0.866%. calamine does not give
/// the cells' formats, so the column's values decide.
fn percent_cells(label: &Path, range: &calamine::Range<Data>) -> Result<()> {
    let mut rows = range.rows();
    let Some(headings) = rows.next() else {
        return Ok(());
    };
    let rows: Vec<&[Data]> = rows.collect();
    for (c, h) in headings.iter().enumerate() {
        let name = column_name(&cell_text(h));
        if !PERCENT_COLUMNS.contains(&name.as_str()) {
            continue;
        }
        let values: Vec<f64> = rows
            .iter()
            .filter_map(|r| match r.get(c) {
                Some(Data::Float(f)) => Some(*f),
                Some(Data::Int(i)) => Some(*i as f64),
                _ => None,
            })
            .collect();
        let fractions = !values.is_empty()
            && values.iter().all(|v| (0.0..=1.0).contains(v))
            && values.iter().any(|v| *v > 0.0);
        if fractions {
            return Err(Error::input(
                label,
                Some(2),
                &name,
                format!(
                    "every value of the column '{}' lies between 0 and 1; expected percentages from 0 to 100 (86.6 for 86.6%) as plain numbers: a cell formatted as % holds 0.866 for 86.6%",
                    cell_text(h).trim()
                ),
            ));
        }
    }
    Ok(())
}

/// Writes `tables` (file name and CSV text) as `path`: a sheet per table with Vietnamese
/// headings, numbers as numbers; and first a notes sheet explaining every column used.
pub fn write(path: &Path, title: &str, tables: &[(String, String)]) -> Result<()> {
    use rust_xlsxwriter::{Color, Format, Workbook};
    let fail = |e: rust_xlsxwriter::XlsxError| Error::output(path, e);
    let mut wb = Workbook::new();
    let head = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7));
    let bold = Format::new().set_bold();
    let notes = wb.add_worksheet();
    notes.set_name("Hướng dẫn").map_err(fail)?;
    notes
        .write_string_with_format(0, 0, title, &bold)
        .map_err(fail)?;
    notes
        .write_string(1, 0, "Mỗi trang tính là một bảng của kịch bản; hàng 1 là tiêu đề cột (tiếng Việt hoặc tên cột tiếng Anh). Trang này không được đọc.")
        .map_err(fail)?;
    for (c, h) in ["Trang tính", "Cột", "Tên cột (CSV)", "Nội dung"]
        .iter()
        .enumerate()
    {
        notes
            .write_string_with_format(3, c as u16, *h, &head)
            .map_err(fail)?;
    }
    notes.set_column_width(0, 22).map_err(fail)?;
    notes.set_column_width(1, 28).map_err(fail)?;
    notes.set_column_width(2, 22).map_err(fail)?;
    notes.set_column_width(3, 90).map_err(fail)?;
    notes.set_landscape();
    notes.set_paper_size(9); // A4
    notes.set_print_fit_to_pages(1, 0);
    let mut row = 4;
    let mut sheets = Vec::new();
    for (file, text) in tables {
        let Some((_, sheet)) = SHEETS.iter().find(|(f, _)| f == file) else {
            continue;
        };
        let table = Table::parse_any(Path::new(file), text)?;
        for h in table.headers() {
            let (vi, what) = COLUMNS
                .iter()
                .find(|(n, _, _)| n == h)
                .map_or((h.as_str(), ""), |(_, vi, what)| (*vi, *what));
            notes.write_string(row, 0, *sheet).map_err(fail)?;
            notes.write_string(row, 1, vi).map_err(fail)?;
            notes.write_string(row, 2, h).map_err(fail)?;
            notes.write_string(row, 3, what).map_err(fail)?;
            row += 1;
        }
        sheets.push((sheet, table));
    }
    for (sheet, table) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*sheet).map_err(fail)?;
        for (c, h) in table.headers().iter().enumerate() {
            let vi = COLUMNS
                .iter()
                .find(|(n, _, _)| n == h)
                .map_or(h.as_str(), |(_, vi, _)| *vi);
            ws.write_string_with_format(0, c as u16, vi, &head)
                .map_err(fail)?;
            // As wide as the heading or the longest value, within reason.
            let longest = table
                .rows
                .iter()
                .filter_map(|r| r.values().get(c))
                .map(|v| v.chars().count())
                .max()
                .unwrap_or(0)
                .max(vi.chars().count());
            ws.set_column_width(c as u16, (longest as f64 + 2.0).clamp(8.0, 45.0))
                .map_err(fail)?;
        }
        for (r, values) in table.rows.iter().enumerate() {
            for (c, v) in values.values().iter().enumerate() {
                let (r, c) = (r as u32 + 1, c as u16);
                // A number as a number when it reads back as the same text.
                let number = v.parse::<f64>().ok().filter(|x| x.to_string() == *v);
                if let Some(x) = number {
                    ws.write_number(r, c, x).map_err(fail)?;
                } else if !v.is_empty() {
                    ws.write_string(r, c, v).map_err(fail)?;
                }
            }
        }
        ws.set_freeze_panes(1, 0).map_err(fail)?;
    }
    wb.save(path).map_err(fail)
}
