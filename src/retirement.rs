//! Statutory retirement age (Labour Code 2019 art. 169; Decree 135/2020/NĐ-CP art. 4–5),
//! as summarised in FACTS.md:
//! - men: 60 years 3 months in 2021, 3 months more each year, 62 from 2028;
//! - women: 55 years 4 months in 2021, 4 months more each year, 60 from 2035;
//! - before 2021 the previous ages apply (60 and 55);
//! - the age that applies is the one for the calendar year in which the person reaches it;
//! - retirement takes effect at the end of that month, the pension starts the next month;
//! - a birth date given as a year only is taken as January, a year and month as its 1st.
//!
//! Finding the year: let `reach(Y)` be the month the person reaches the age of year Y. The
//! age rises by less than a year per year, so `year(reach(Y)) − Y` falls by 0 or 1 from one
//! year to the next and the first Y where it is 0 exists and is the answer.

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct YearMonth {
    pub year: i32,
    /// 1–12.
    pub month: u32,
}

impl YearMonth {
    fn index(self) -> i64 {
        self.year as i64 * 12 + self.month as i64 - 1
    }
    fn from_index(i: i64) -> Self {
        YearMonth {
            year: i.div_euclid(12) as i32,
            month: (i.rem_euclid(12) + 1) as u32,
        }
    }
    /// Last day of the month.
    pub fn last_day(self) -> u32 {
        match self.month {
            4 | 6 | 9 | 11 => 30,
            2 if (self.year % 4 == 0 && self.year % 100 != 0) || self.year % 400 == 0 => 29,
            2 => 28,
            _ => 31,
        }
    }
}

impl std::fmt::Display for YearMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    Female,
    Male,
}

/// Required age in months for people who reach it in `year`.
pub fn required_age_months(sex: Sex, year: i32) -> u32 {
    match sex {
        Sex::Male => match year {
            ..=2020 => 60 * 12,
            2021..=2027 => 60 * 12 + 3 * (year - 2020) as u32,
            _ => 62 * 12,
        },
        Sex::Female => match year {
            ..=2020 => 55 * 12,
            2021..=2034 => 55 * 12 + 4 * (year - 2020) as u32,
            _ => 60 * 12,
        },
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retirement {
    /// The age that applies, in months.
    pub age_months: u32,
    /// Month in which the person reaches it; retirement takes effect at its end.
    pub month: YearMonth,
    /// First month of the pension.
    pub pension_from: YearMonth,
}

/// When a person born in `birth` retires under the statutory roadmap.
pub fn statutory(birth: YearMonth, sex: Sex) -> Retirement {
    early(birth, sex, 0)
}

/// Retirement up to 5 years early (art. 169(3)): the roadmap age of the year in which the
/// person reaches it, lowered by `years`.
pub fn early(birth: YearMonth, sex: Sex, years: u32) -> Retirement {
    let mut year = birth.year + 30;
    loop {
        let age = required_age_months(sex, year) - 12 * years.min(5);
        let reach = YearMonth::from_index(birth.index() + age as i64);
        if reach.year == year {
            return Retirement {
                age_months: age,
                month: reach,
                pension_from: YearMonth::from_index(reach.index() + 1),
            };
        }
        year += 1;
    }
}

/// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; the day, when given, must exist.
pub fn parse_birth(text: &str) -> Result<YearMonth> {
    let bad = |why: &str| {
        Error::Usage(format!(
            "--born: expected YYYY, YYYY-MM or YYYY-MM-DD, found \"{text}\" ({why})"
        ))
    };
    let parts: Vec<&str> = text.trim().split('-').collect();
    if parts.is_empty() || parts.len() > 3 {
        return Err(bad("wrong number of parts"));
    }
    let year: i32 = parts[0]
        .parse()
        .ok()
        .filter(|y| (1900..=2100).contains(y))
        .ok_or_else(|| bad("year"))?;
    let month: u32 = match parts.get(1) {
        Some(m) => m
            .parse()
            .ok()
            .filter(|m| (1..=12).contains(m))
            .ok_or_else(|| bad("month"))?,
        None => 1,
    };
    let ym = YearMonth { year, month };
    if let Some(d) = parts.get(2) {
        let day: u32 = d.parse().map_err(|_| bad("day"))?;
        if day == 0 || day > ym.last_day() {
            return Err(bad("day"));
        }
    }
    Ok(ym)
}

/// "61 years 6 months", or "62 years".
pub fn describe_age(months: u32) -> String {
    match months % 12 {
        0 => format!("{} years", months / 12),
        m => format!("{} years {m} months", months / 12),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ym(year: i32, month: u32) -> YearMonth {
        YearMonth { year, month }
    }

    #[test]
    fn the_roadmap_table() {
        assert_eq!(required_age_months(Sex::Male, 2020), 720);
        assert_eq!(required_age_months(Sex::Male, 2021), 723);
        assert_eq!(required_age_months(Sex::Male, 2027), 741);
        assert_eq!(required_age_months(Sex::Male, 2028), 744);
        assert_eq!(required_age_months(Sex::Male, 2040), 744);
        assert_eq!(required_age_months(Sex::Female, 2021), 664);
        assert_eq!(required_age_months(Sex::Female, 2034), 716);
        assert_eq!(required_age_months(Sex::Female, 2035), 720);
    }

    /// Worked by hand from the rule; see each comment.
    #[test]
    fn worked_examples() {
        // Man, January 1961: 60y3m (2021 rule) is reached in April 2021.
        assert_eq!(statutory(ym(1961, 1), Sex::Male).month, ym(2021, 4));
        // Man, October 1961: the 2021 age falls in January 2022, so the 2022 age applies:
        // 60y6m, reached in April 2022; pension from May.
        let r = statutory(ym(1961, 10), Sex::Male);
        assert_eq!(
            (r.age_months, r.month, r.pension_from),
            (726, ym(2022, 4), ym(2022, 5))
        );
        // Man, January 1966: 61y6m (2026) falls in July 2027; 61y9m (2027) in October 2027.
        assert_eq!(
            statutory(ym(1966, 1), Sex::Male),
            Retirement {
                age_months: 741,
                month: ym(2027, 10),
                pension_from: ym(2027, 11)
            }
        );
        // Man, May 1967: 62 from 2028; reached May 2029.
        assert_eq!(statutory(ym(1967, 5), Sex::Male).month, ym(2029, 5));
        // Man, December 1960: 60 under the old rule in December 2020; pension January 2021.
        assert_eq!(statutory(ym(1960, 12), Sex::Male).pension_from, ym(2021, 1));
        // Woman, January 1966: 55y4m (2021) in May 2021.
        assert_eq!(statutory(ym(1966, 1), Sex::Female).month, ym(2021, 5));
        // Woman, December 1970: 57y (2026) falls in Dec 2027, 57y4m (2027) in April 2028,
        // 57y8m (2028) in August 2028: the first to fall in its own year.
        assert_eq!(
            statutory(ym(1970, 12), Sex::Female),
            Retirement {
                age_months: 692,
                month: ym(2028, 8),
                pension_from: ym(2028, 9)
            }
        );
        // Woman, June 1975: 59y8m (2034) falls in February 2035; 60 (2035) in June 2035.
        assert_eq!(statutory(ym(1975, 6), Sex::Female).month, ym(2035, 6));
        // Woman, December 1980: 60, December 2040; pension January 2041.
        assert_eq!(
            statutory(ym(1980, 12), Sex::Female).pension_from,
            ym(2041, 1)
        );
    }

    /// Five years early, worked by hand: a woman born 06/1975 reaches 52y4m (57y4m, the 2027
    /// age, less 5 years) in October 2027; the 2026 age less 5 (52y) falls in June 2027, not
    /// 2026. A man born 03/1968: 55y3m (2021) falls in June 2023, 55y6m (2022) in September
    /// 2023, 55y9m (2023, 60y9m − 5) in December 2023: the first in its own year.
    #[test]
    fn early_retirement_lowers_the_age_of_the_year() {
        let r = early(ym(1975, 6), Sex::Female, 5);
        assert_eq!((r.age_months, r.month), (628, ym(2027, 10)));
        let r = early(ym(1968, 3), Sex::Male, 5);
        assert_eq!((r.age_months, r.month), (669, ym(2023, 12)));
        assert_eq!(
            early(ym(1970, 12), Sex::Female, 0),
            statutory(ym(1970, 12), Sex::Female)
        );
    }

    #[test]
    fn birth_dates() {
        assert_eq!(parse_birth("1961").unwrap(), ym(1961, 1));
        assert_eq!(parse_birth("1961-10").unwrap(), ym(1961, 10));
        assert_eq!(parse_birth("1964-02-29").unwrap(), ym(1964, 2));
        assert!(parse_birth("1963-02-29").is_err());
        assert!(parse_birth("1961-13").is_err());
        assert!(parse_birth("61-10").is_err());
    }
}
