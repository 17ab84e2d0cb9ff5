//! The statutory retirement age and date (Labour Code 2019 art. 169).

use crate::common;

use common::*;

// Statutory retirement (issue 3's HR helper), worked by hand in src/retirement.rs.

#[test]
fn retirement_for_a_man_born_late_in_a_year_of_change() {
    let o = bienche(&["retirement", "--born", "1961-10-15", "--sex", "M"]);
    assert!(o.status.success());
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        "required age: 60 years 6 months (the age for people who reach it in 2022)\n\
         retirement takes effect on 2022-04-30, the end of the month the age is reached\n\
         pension starts 2022-05-01\n"
    );
}

#[test]
fn retirement_for_a_woman_known_by_birth_year_only() {
    let o = bienche(&["retirement", "--born", "1966", "--sex", "F"]);
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        "required age: 55 years 4 months (the age for people who reach it in 2021)\n\
         retirement takes effect on 2021-05-31, the end of the month the age is reached\n\
         pension starts 2021-06-01\n"
    );
}

#[test]
fn retirement_rejects_an_impossible_date() {
    let o = bienche(&["retirement", "--born", "1963-02-29", "--sex", "F"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(o.stderr).unwrap(),
        "error: --born: expected YYYY, YYYY-MM or YYYY-MM-DD, found \"1963-02-29\" (day)\n"
    );
}
