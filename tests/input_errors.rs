//! Bad input: exact error texts naming the file, line, field and what was expected, exit code 2.

use crate::common;

use common::*;

#[test]
fn a_negative_count_is_rejected_with_file_line_field_and_expectation() {
    let (err, _, _t) = broken(|d| {
        replace_in(
            d,
            "staff.csv",
            "C1,Kinh,M,staff,yes,6",
            "C1,Kinh,M,staff,yes,-6",
        )
    });
    assert_eq!(err, "error: staff.csv, line 2: field 'count': expected a whole number of people from 0 to 1,000,000, found \"-6\"\n");
}

#[test]
fn the_line_number_counts_blank_lines() {
    let (err, _, _t) = broken(|d| {
        std::fs::write(d.join("staff.csv"), "unit,group,gender,role,trained,count\n\nC1,Kinh,M,staff,yes,5\n\nC1,Thai,F,staff,no,x\n").unwrap()
    });
    assert_eq!(err, "error: staff.csv, line 5: field 'count': expected a whole number of people from 0 to 1,000,000, found \"x\"\n");
}

#[test]
fn a_share_above_100_percent_is_rejected() {
    let (err, _, _t) = broken(|d| replace_in(d, "units.csv", "commune,80,10", "commune,120,10"));
    assert_eq!(err, "error: units.csv, line 2: field 'em_population_share': expected a percentage from 0 to 100, found \"120\"\n");
}

#[test]
fn an_unknown_unit_in_staff_csv_is_rejected() {
    let (err, _, _t) = broken(|d| replace_in(d, "staff.csv", "C1,Kinh", "C9,Kinh"));
    assert_eq!(err, "error: staff.csv, line 2: field 'unit': unknown unit \"C9\"; expected an id from units.csv\n");
}

#[test]
fn staff_above_quota_without_allowance_is_rejected() {
    let (err, _, _t) = broken(|d| {
        replace_in(
            d,
            "staff.csv",
            "C1,Kinh,M,staff,yes,6",
            "C1,Kinh,M,staff,yes,12",
        )
    });
    assert_eq!(
        err,
        "error: units.csv, line 2: field 'quota': unit \"C1\" has 12 staff in staff.csv, above its quota of 10, \
         and no over-quota allowance; expected a quota of at least 12, or an over_quota_until year after 2025\n"
    );
}

#[test]
fn a_missing_file_is_named() {
    let (err, dir, _t) = broken(|d| std::fs::remove_file(d.join("channels.csv")).unwrap());
    assert_eq!(
        err,
        format!(
            "error: channels.csv: field '-': file not found in {}; expected this table, with the columns channel,year,groups,kinds,max_hires,cost_per_hire,women_share,trained\n",
            dir.display()
        )
    );
}

#[test]
fn a_malformed_toml_value_names_line_and_field() {
    let (err, _, _t) = broken(|d| {
        replace_in(
            d,
            "scenario.toml",
            "band_rule = \"lower\"",
            "band_rule = \"lowest\"",
        )
    });
    assert_eq!(
        err,
        "error: scenario.toml, line 11: field 'policy.band_rule': unknown variant `lowest`, expected one of `lower`, `upper`, `interpolate`\n"
    );
}

#[test]
fn an_unknown_toml_key_is_rejected() {
    let (err, _, _t) = broken(|d| {
        replace_in(
            d,
            "scenario.toml",
            "r5_weight = 0.0",
            "r5_weight = 0.0\nroadmapp = \"level\"",
        )
    });
    assert_eq!(
        err,
        "error: scenario.toml, line 13: field 'policy.roadmapp': unknown field `roadmapp`, expected one of `roadmap`, \
         `band_rule`, `seventy_percent_band`, `rounding`, `r1_scope`, `r4_scope`, `r5_reading`, `r6_province_base`, `r6_psu_scope`, `leaders_trained`, `shortfall_penalty`, `r5_weight`, `confidence`, `margin_penalty`, `target_penalty`\n"
    );
}

/// An error in a file that is not the scenario's own names the folder it is in: the
/// province of a national folder, or the scenario a variant extends.
#[test]
fn an_error_outside_the_scenarios_own_folder_names_that_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let set = small_set(tmp.path());
    let units = set.join("p02/units.csv");
    let text = std::fs::read_to_string(&units).unwrap();
    let first_id = text.lines().nth(1).unwrap().split(',').next().unwrap();
    std::fs::write(&units, text.replacen(first_id, "Z99", 1)).unwrap();
    let out = tmp.path().join("out");
    let o = plan_to(&set, &out);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.starts_with("error: p02/"), "{stderr}");

    let base = tmp.path().join("base");
    let (_t, fixture_copy) = copy_fixture("must-hire");
    std::fs::rename(&fixture_copy, &base).unwrap();
    replace_in(&base, "units.csv", ",80,", ",180,");
    let variant = tmp.path().join("variant");
    std::fs::create_dir(&variant).unwrap();
    std::fs::write(variant.join("scenario.toml"), "extends = \"../base\"\n").unwrap();
    let o = bienche(&["check", variant.to_str().unwrap()]);
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: ../base/units.csv, line 2: field 'em_population_share': expected a percentage from 0 to 100, found \"180\"\n"
    );
}
