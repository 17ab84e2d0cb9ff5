//! Personnel rosters: import into the workforce tables, bad rows, Excel, and scenarios that name their roster.

use crate::common;

use common::*;

const ROSTER_STAFF: &str = "unit,group,gender,role,trained,count
C1,Kinh,M,leader,yes,1
C1,Mong,F,staff,no,1
C1,Mong,M,staff,yes,1
C1,Thai,F,staff,no,1
C1,Thai,F,staff,yes,1
D1,Kinh,F,leader,yes,1
D1,Kinh,M,staff,yes,1
";

/// Worked by hand (see each person in tests/fixtures/roster/roster.csv):
/// - T-0001, man born 05/1968: 62 (the 2028+ age) in May 2030; flagged with 15 years in a
///   difficult area and early_retirement_years = 2, so the age of each year less 2: 59y6m
///   (2026) falls in Nov 2027, 59y9m (2027) in Feb 2028, 60 (2028) in May 2028: 2028;
/// - T-0002, woman born 1961 (January): 55 under the old rule in January 2016, past the age at
///   the roster date, so she retires in the first planned year, 2026;
/// - T-0003, woman born 20/12/1970: 57y8m (the 2028 age) in August 2028;
/// - T-0007, woman born 12/1975: 59y8m (2034) falls in August 2035, 60 (2035) in December 2035.
const ROSTER_RETIREMENTS: &str = "unit,group,gender,role,trained,year,count
C1,Kinh,M,leader,yes,2028,1
C1,Thai,F,staff,no,2028,1
C1,Thai,F,staff,yes,2026,1
D1,Kinh,F,leader,yes,2035,1
";

/// Window 2021-01..2025-12, bands 0–2 and 2+ years of tenure; a leaver's last month counts
/// half.
/// - commune:difficult (C1), band 0: T-0004 16 months, T-0005 24, T-0008 18.5 (2024-01 to
///   2025-07) = 58.5 months = 4.875 person-years, 1 leaver (T-0008 resigned at 18 months):
///   1 − e^(−1/4.875) = 18.55%; band 2+: 3 × 60 + 12 (T-0005 in 2025) = 192 months = 16.0
///   person-years, no leaver.
/// - provincial (D1), band 0: no exposure, so pooled with the commune's band 0;
///   band 2+: 60 + 60 + 39.5 (T-0009 until retiring in April 2024, not an event) + 24.5
///   (T-0010 until leaving in January 2023) = 184 months = 15.33 person-years, 1 leaver:
///   1 − e^(−1/15.333) = 6.31%.
const ROSTER_ATTRITION: &str = "class,tenure_from,tenure_to,rate,leavers,person_years,source
commune:difficult,0,2,18.55,1,4.9,fitted
commune:difficult,2,,0.00,0,16.0,fitted
provincial,0,2,18.55,1,4.9,pooled
provincial,2,,6.31,1,15.3,fitted
";

/// C1 hired T-0004, T-0005 and T-0008 in the window (min_mix_hires = 3); D1 hired nobody.
const ROSTER_MIX: &str = "unit,group,gender,trained,hires,share
C1,Mong,F,no,1,33.33
C1,Mong,M,yes,1,33.33
C1,Thai,M,no,1,33.33
";

fn assert_roster_tables(dir: &Path) {
    assert_eq!(read(dir, "staff.csv"), ROSTER_STAFF);
    assert_eq!(read(dir, "retirements.csv"), ROSTER_RETIREMENTS);
    assert_eq!(read(dir, "attrition.csv"), ROSTER_ATTRITION);
    assert_eq!(read(dir, "hiring_mix.csv"), ROSTER_MIX);
}

#[test]
fn roster_import_derives_staff_retirements_attrition_and_hiring_mix() {
    let (_t, dir) = copy_fixture("roster");
    let o = import(&dir.join("roster.csv"), &dir, &[]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_roster_tables(&dir);
    assert!(
        stdout.contains("7 people in post at 2025-12-31, 3 leavers"),
        "{stdout}"
    );
    assert!(stdout.contains("personal columns never read: 'Mã cán bộ', 'Họ và tên'"));
    assert!(
        stdout.contains("1 past the statutory age at the roster date: counted as retiring in 2026")
    );
    // Names and ID numbers are never copied anywhere, printed or written.
    for file in [
        "staff.csv",
        "retirements.csv",
        "attrition.csv",
        "hiring_mix.csv",
    ] {
        let text = read(&dir, file);
        assert!(!text.contains("Người") && !text.contains("T-00"), "{file}");
    }
    assert!(!stdout.contains("Người") && !stdout.contains("T-00"));
    // The imported scenario is valid as written.
    let o = bienche(&["check", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn with_bad_rows(dir: &Path) {
    let mut text = read(dir, "roster.csv");
    text.push_str("T-0011,Người Thử,C1,01/01/2031,Nam,Thái,Chuyên viên,Có,,,,\n");
    text.push_str("T-0012,Người Thử,C9,01/01/1980,Nam,Thái,Chuyên viên,Có,,,,\n");
    text.push_str("T-0013,Người Thử,C1,01/01/1980,Nam,Tày,Chuyên viên,Có,,,,\n");
    text.push_str("T-0014,Người Thử,D1,31/02/1980,Nữ,Kinh,Chuyên viên,Có,,,,\n");
    std::fs::write(dir.join("roster.csv"), text).unwrap();
}

const BAD_ROWS: [&str; 4] = [
    "roster.csv, line 12: field 'Ngày sinh' (birth): expected a birth date on or before the roster date 2025-12-31, found 2031-01",
    "roster.csv, line 13: field 'Đơn vị' (unit): unknown unit \"C9\"; expected an id or a name from units.csv",
    "roster.csv, line 14: field 'Dân tộc' (group): unknown ethnic group \"Tày\"; expected a group of groups.csv (its group or names column)",
    "roster.csv, line 15: field 'Ngày sinh' (birth): expected a calendar date, found \"31/02/1980\" (the month has no such day)",
];

/// The bad rows as `--skip-bad-rows` lists them, or as errors.
fn bad_rows(prefix: &str) -> String {
    BAD_ROWS.iter().map(|r| format!("{prefix}{r}\n")).collect()
}

#[test]
fn bad_roster_rows_are_listed_and_nothing_is_written() {
    let (_t, dir) = copy_fixture("roster");
    with_bad_rows(&dir);
    let o = import(&dir.join("roster.csv"), &dir, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        format!(
            "{}error: roster.csv: 4 bad rows; nothing was written (fix them, or pass --skip-bad-rows to leave them out)\n",
            bad_rows("error: ")
        )
    );
    for file in [
        "staff.csv",
        "retirements.csv",
        "attrition.csv",
        "hiring_mix.csv",
    ] {
        assert!(!dir.join(file).exists(), "{file} was written");
    }
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with('.')
        })
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");

    let o = import(&dir.join("roster.csv"), &dir, &["--skip-bad-rows"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains(&format!("skipped 4 bad rows:\n{}", bad_rows("  "))),
        "{stdout}"
    );
    assert_roster_tables(&dir);
}

#[test]
fn a_roster_without_an_ethnic_group_column_is_rejected() {
    let (_t, dir) = copy_fixture("roster");
    replace_in(&dir, "roster.csv", "Dân tộc", "Quê quán");
    let o = import(&dir.join("roster.csv"), &dir, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: roster.csv, line 1: field 'group': no column for this field; expected a heading such as \"Dân tộc\" or \"group\", or name it in [roster.columns] group = \"…\"\n"
    );
    // Naming the column fixes it; other headings still come from the accepted list.
    let mut toml = read(&dir, "scenario.toml");
    toml.push_str("\n[roster.columns]\ngroup = \"Quê quán\"\n");
    std::fs::write(dir.join("scenario.toml"), toml).unwrap();
    let o = import(&dir.join("roster.csv"), &dir, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_roster_tables(&dir);
}

/// The fixture roster as an Excel workbook: a title above the table, a sheet named in
/// [roster], typed date cells, years as numbers and text dates mixed, as real exports are.
fn write_roster_xlsx(csv_path: &Path, xlsx: &Path, bad_row: bool) {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Danh sách").unwrap();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let mut reader = csv::Reader::from_path(csv_path).unwrap();
    let headers = reader.headers().unwrap().clone();
    sheet
        .write_string(0, 0, "DANH SÁCH CÁN BỘ, CÔNG CHỨC (dữ liệu mẫu)")
        .unwrap();
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(2, c as u16, h).unwrap();
    }
    let mut rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    if bad_row {
        rows.insert(1, {
            let mut r = rows[0].clone();
            r[4] = "Khác".into();
            r
        });
    }
    for (i, row) in rows.iter().enumerate() {
        let r = i as u32 + 3;
        for (c, v) in row.iter().enumerate() {
            let c = c as u16;
            let parts: Vec<&str> = v.split('/').collect();
            if let [d, m, y] = parts.as_slice() {
                let dt = ExcelDateTime::from_ymd(
                    y.parse().unwrap(),
                    m.parse().unwrap(),
                    d.parse().unwrap(),
                )
                .unwrap();
                sheet.write_datetime_with_format(r, c, &dt, &date).unwrap();
            } else if v.len() == 4 && v.parse::<f64>().is_ok() {
                sheet.write_number(r, c, v.parse::<f64>().unwrap()).unwrap();
            } else if !v.is_empty() {
                sheet.write_string(r, c, v).unwrap();
            }
        }
    }
    book.save(xlsx).unwrap();
}

#[test]
fn an_excel_roster_with_vietnamese_headings_gives_the_same_tables() {
    let (_t, dir) = copy_fixture("roster");
    let xlsx = dir.join("roster.xlsx");
    write_roster_xlsx(&dir.join("roster.csv"), &xlsx, false);
    // Without the sheet setting the first sheet is read; naming a missing one is an error.
    let mut toml = read(&dir, "scenario.toml");
    toml = toml.replace("[roster]\n", "[roster]\nsheet = \"Sheet9\"\n");
    std::fs::write(dir.join("scenario.toml"), &toml).unwrap();
    let o = import(&xlsx, &dir, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        format!(
            "error: {}: no sheet named 'Sheet9'; the workbook has 'Danh sách'\n",
            xlsx.display()
        )
    );
    std::fs::write(
        dir.join("scenario.toml"),
        toml.replace("Sheet9", "Danh sách"),
    )
    .unwrap();
    let o = import(&xlsx, &dir, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_roster_tables(&dir);

    // Bad rows in a workbook are named by sheet and spreadsheet row.
    write_roster_xlsx(&dir.join("roster.csv"), &xlsx, true);
    let o = import(&xlsx, &dir, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: roster.xlsx, sheet 'Danh sách', row 5: field 'Giới tính' (sex): \"Khác\" is not a sex; expected Nam or Nữ (M or F)\nerror: roster.xlsx, sheet 'Danh sách': 1 bad row; nothing was written (fix them, or pass --skip-bad-rows to leave them out)\n"
    );
}

#[test]
fn a_scenario_that_names_its_roster_derives_the_workforce_on_load() {
    let (tmp, dir) = copy_fixture("roster");
    let toml =
        read(&dir, "scenario.toml").replace("[roster]\n", "[roster]\nfile = \"roster.csv\"\n");
    std::fs::write(dir.join("scenario.toml"), toml).unwrap();
    let o = bienche(&["check", dir.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        stdout.contains("roster roster.csv: 7 people in post"),
        "{stdout}"
    );
    // The plan from the roster is the plan from the imported tables.
    let direct = plan(&dir, &tmp);
    let (tmp2, imported) = copy_fixture("roster");
    assert!(import(&imported.join("roster.csv"), &imported, &[])
        .status
        .success());
    let via_files = plan(&imported, &tmp2);
    for file in ["trajectory.csv", "flows.csv", "targets.csv", "costs.csv"] {
        assert_eq!(read(&direct, file), read(&via_files, file), "{file}");
    }
    let manifest = read(&direct, "manifest.json");
    assert!(manifest.contains("\"file\": \"roster.csv\""), "{manifest}");

    // Both a roster and staff.csv: which one? An error says so.
    std::fs::write(dir.join("staff.csv"), ROSTER_STAFF).unwrap();
    let o = bienche(&["check", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: scenario.toml, line 10: field 'roster.file': both staff.csv and the roster \"roster.csv\" give the workforce; expected one of them: remove staff.csv or roster.file\n"
    );
}

#[test]
fn son_la_workforce_tables_are_derived_from_its_roster() {
    let (_tmp, dir) = common::copy_scenario("son-la");
    let o = import(&dir.join("roster.csv"), &dir, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for file in [
        "staff.csv",
        "retirements.csv",
        "attrition.csv",
        "hiring_mix.csv",
    ] {
        assert!(
            read(&dir, file) == read(&scenario("son-la"), file),
            "scenarios/son-la/{file} is not what `bienche roster import` derives from roster.csv"
        );
    }
}

#[test]
fn a_roster_without_hire_dates_falls_back_to_the_documented_attrition_defaults() {
    let (_t, dir) = copy_fixture("roster");
    replace_in(&dir, "roster.csv", "Ngày tuyển dụng", "Ghi chú");
    let o = import(&dir.join("roster.csv"), &dir, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // [attrition] defaults: 5% in the first new_hire_years = 2 years, 1% after.
    assert_eq!(
        read(&dir, "attrition.csv"),
        "class,tenure_from,tenure_to,rate,leavers,person_years,source
commune:difficult,0,2,5.00,0,0.0,default
commune:difficult,2,,1.00,0,0.0,default
provincial,0,2,5.00,0,0.0,default
provincial,2,,1.00,0,0.0,default
"
    );
    assert_eq!(
        read(&dir, "hiring_mix.csv"),
        "unit,group,gender,trained,hires,share\n"
    );
    assert!(String::from_utf8_lossy(&o.stdout)
        .contains("no hire dates, so the [attrition] defaults apply"));
    assert_eq!(read(&dir, "staff.csv"), ROSTER_STAFF);
}

#[test]
fn a_roster_with_nobody_in_post_writes_nothing() {
    let (_t, dir) = copy_fixture("roster");
    let text = read(&dir, "roster.csv");
    std::fs::write(
        dir.join("roster.csv"),
        text.lines().next().unwrap().to_string() + "\n",
    )
    .unwrap();
    let o = import(&dir.join("roster.csv"), &dir, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: roster.csv: field '-': nobody is in post at 2025-12-31 (0 rows read, 0 bad, 0 leavers); expected at least one person without a leave date; nothing was written\n"
    );
    assert!(!dir.join("staff.csv").exists());
}

/// The fixture roster as a personnel office exports it: units by name (any case, without
/// diacritics), job titles instead of roles, qualifications in the trained column, one
/// title known only from a job_titles.csv beside the roster.
#[test]
fn a_roster_with_unit_names_job_titles_and_qualifications_gives_the_same_tables() {
    let (_t, dir) = copy_fixture("roster");
    let roster = read(&dir, "roster.csv")
        .replace(",C1,", ",commune 1,")
        .replace(",D1,", ",DEPARTMENT 1,")
        .replace("Kinh,Lãnh đạo,", "Kinh,Chủ tịch UBND xã,")
        .replace("Thái,Chuyên viên,Có,", "Thái,Cán sự địa chính,Đại học,")
        .replace("Mông,Chuyên viên,Có,", "Mông,Chuyên viên chính,Thạc sĩ,")
        .replace(",Không,", ",Chưa qua đào tạo,");
    assert!(roster.contains("Cán sự địa chính") && roster.contains("commune 1"));
    std::fs::write(dir.join("roster.csv"), &roster).unwrap();
    std::fs::write(dir.join("job_titles.csv"), "title,role\nCán sự,staff\n").unwrap();
    let o = import(&dir.join("roster.csv"), &dir, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_roster_tables(&dir);

    // Without the scenario's own table the title is unknown, and the row says so.
    std::fs::remove_file(dir.join("job_titles.csv")).unwrap();
    let o = import(&dir.join("roster.csv"), &dir, &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("roster.csv, line 3: field 'Vai trò' (role): \"Cán sự địa chính\" is not a role or a job title of the job titles table; expected Lãnh đạo or Chuyên viên (leader or staff), or a title such as Chủ tịch UBND xã (add it to job_titles.csv beside the roster)"),
        "{err}"
    );
}

#[test]
fn a_roster_that_leaves_units_empty_is_said_so() {
    let (_t, dir) = copy_fixture("roster");
    // Only C1's people.
    let roster: String = read(&dir, "roster.csv")
        .lines()
        .filter(|l| !l.contains(",D1,"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.join("roster.csv"), roster).unwrap();
    let o = import(&dir.join("roster.csv"), &dir, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = bienche(&["check", dir.to_str().unwrap()]);
    assert!(o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains(
            "warning: 1 of the 2 units have a quota and nobody in post (D1): they are planned as empty; check that the roster or staff table covers them"
        ),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
