//! One person from one roster row, with the per-row checks. A row that fails a check gives a
//! [`BadRow`] with the first reason found, in the order of the fields below.

use super::columns::{self, Field};
use super::source::Value;
use super::{parse_date, BadRow, Person};
use crate::domain::{Cell, Group, Unit};
use crate::retirement::YearMonth;
use std::collections::BTreeMap;

type RowResult<T> = std::result::Result<T, BadRow>;

/// What every row is read against: the columns, the units and groups, and the roster date.
pub(super) struct RowReader<'a> {
    headings: &'a [String],
    index: &'a BTreeMap<Field, usize>,
    units: &'a [Unit],
    /// Per group: its id and names, folded.
    group_keys: Vec<Vec<String>>,
    titles: &'a columns::JobTitles,
    as_of: (i32, u32, u32),
    as_of_ym: YearMonth,
}

impl<'a> RowReader<'a> {
    pub(super) fn new(
        headings: &'a [String],
        index: &'a BTreeMap<Field, usize>,
        groups: &[Group],
        units: &'a [Unit],
        titles: &'a columns::JobTitles,
        as_of: (i32, u32, u32),
    ) -> Self {
        let group_keys: Vec<Vec<String>> = groups
            .iter()
            .map(|g| {
                std::iter::once(columns::fold(&g.id))
                    .chain(g.names.iter().map(|n| columns::fold(n)))
                    .collect()
            })
            .collect();
        let as_of_ym = YearMonth {
            year: as_of.0,
            month: as_of.1,
        };
        RowReader {
            headings,
            index,
            units,
            group_keys,
            titles,
            as_of,
            as_of_ym,
        }
    }

    /// The person on row `row`, or the first reason the row fails.
    pub(super) fn read(&self, row: usize, values: &[Value]) -> RowResult<Person> {
        Row {
            reader: self,
            row,
            values,
        }
        .person()
    }

    /// `yyyy-mm-dd` of the roster date, as messages print it.
    fn roster_day(&self) -> String {
        let (y, m, d) = self.as_of;
        format!("{y:04}-{m:02}-{d:02}")
    }
}

/// One row being read.
struct Row<'a> {
    reader: &'a RowReader<'a>,
    row: usize,
    values: &'a [Value],
}

impl Row<'_> {
    fn get(&self, f: Field) -> Value {
        self.reader
            .index
            .get(&f)
            .and_then(|&i| self.values.get(i))
            .cloned()
            .unwrap_or(Value::Empty)
    }

    fn text(&self, f: Field) -> String {
        self.get(f).text()
    }

    fn fail(&self, f: Field, message: String) -> BadRow {
        BadRow {
            row: self.row,
            unit: None,
            field: format!(
                "'{}' ({})",
                self.reader.headings[self.reader.index[&f]],
                f.name()
            ),
            message,
        }
    }

    fn required(&self, f: Field) -> RowResult<String> {
        let t = self.text(f);
        if t.is_empty() {
            Err(self.fail(f, "expected a value, found an empty cell".into()))
        } else {
            Ok(t)
        }
    }

    /// Checks field by field, in order, and assembles the person.
    fn person(&self) -> RowResult<Person> {
        let unit = self.unit()?;
        self.person_of(unit).map_err(|bad| BadRow {
            unit: Some(unit),
            ..bad
        })
    }

    fn person_of(&self, unit: usize) -> RowResult<Person> {
        let birth = self.birth()?;
        let cell = self.cell()?;
        let (hired, hired_day) = self.hired(birth)?;
        let (left, left_day) = self.left(hired)?;
        let difficult_15y = self.difficult()?;
        let left_to_retire =
            left.is_some() && columns::is_retirement(&self.text(Field::LeaveReason));
        Ok(Person {
            unit,
            cell,
            birth,
            hired,
            hired_day,
            difficult_15y,
            left,
            left_day,
            left_to_retire,
        })
    }

    /// The unit, by its id in units.csv, else by its name (letters compared without case
    /// or diacritics: "Xã Chiềng Sơn" is "xa chieng son").
    fn unit(&self) -> RowResult<usize> {
        let unit_id = self.required(Field::Unit)?;
        let units = self.reader.units;
        if let Some(i) = units.iter().position(|u| u.id == unit_id) {
            return Ok(i);
        }
        let key = columns::fold(&unit_id);
        let named: Vec<usize> = (0..units.len())
            .filter(|&i| !key.is_empty() && columns::fold(&units[i].name) == key)
            .collect();
        match named.as_slice() {
            [i] => Ok(*i),
            [] => Err(self.fail(
                Field::Unit,
                format!("unknown unit \"{unit_id}\"; expected an id or a name from units.csv"),
            )),
            many => Err(self.fail(
                Field::Unit,
                format!(
                    "\"{unit_id}\" is the name of {} units ({}); expected the unit's id",
                    many.len(),
                    many.iter()
                        .map(|&i| units[i].id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
        }
    }

    /// The birth month: not after the roster date, and 18 or over at it.
    fn birth(&self) -> RowResult<YearMonth> {
        let (birth, _) =
            parse_date(&self.get(Field::Birth)).map_err(|m| self.fail(Field::Birth, m))?;
        if birth > self.reader.as_of_ym {
            let day = self.reader.roster_day();
            return Err(self.fail(
                Field::Birth,
                format!("expected a birth date on or before the roster date {day}, found {birth}"),
            ));
        }
        if birth.year + 18 > self.reader.as_of.0 {
            let day = self.reader.roster_day();
            return Err(self.fail(
                Field::Birth,
                format!(
                    "born {birth}: under 18 at the roster date {day}; expected a birth date in {} or before",
                    self.reader.as_of.0 - 18
                ),
            ));
        }
        Ok(birth)
    }

    /// Sex, ethnic group, role and trained: the person's cell.
    fn cell(&self) -> RowResult<Cell> {
        let sex = self.required(Field::Sex)?;
        let female = columns::female(&sex).ok_or_else(|| {
            self.fail(
                Field::Sex,
                format!("\"{sex}\" is not a sex; expected Nam or Nữ (M or F)"),
            )
        })?;
        let group = self.group()?;
        let role = self.required(Field::Role)?;
        let leader = columns::leader(&role)
            .or_else(|| self.reader.titles.role_of(&role))
            .ok_or_else(|| {
                self.fail(
                    Field::Role,
                    format!(
                        "\"{role}\" is not a role or a job title of the job titles table; expected Lãnh đạo or Chuyên viên (leader or staff), or a title such as Chủ tịch UBND xã (add it to job_titles.csv beside the roster)"
                    ),
                )
            })?;
        let trained_text = self.required(Field::Trained)?;
        let trained = columns::yes_no(&trained_text)
            .or_else(|| columns::qualification(&trained_text))
            .ok_or_else(|| {
                self.fail(
                    Field::Trained,
                    format!("\"{trained_text}\": expected Có or Không (yes or no), or a qualification such as Đại học"),
                )
            })?;
        Ok(Cell {
            group,
            female,
            leader,
            trained,
        })
    }

    /// The ethnic group, by a group's id or one of its names in groups.csv.
    fn group(&self) -> RowResult<usize> {
        let group_text = self.required(Field::Group)?;
        let key = columns::fold(&group_text);
        self.reader
            .group_keys
            .iter()
            .position(|keys| keys.contains(&key))
            .ok_or_else(|| {
                self.fail(
                    Field::Group,
                    format!(
                        "unknown ethnic group \"{group_text}\"; expected a group of groups.csv (its group or names column)"
                    ),
                )
            })
    }

    /// An optional month and day (hire or leave date), not after the roster date (a month
    /// without a day: not after the roster date's month).
    fn optional_date(&self, f: Field) -> RowResult<(Option<YearMonth>, Option<u32>)> {
        if self.get(f).is_empty() {
            return Ok((None, None));
        }
        let (ym, day) = parse_date(&self.get(f)).map_err(|m| self.fail(f, m))?;
        let after = match day {
            Some(d) => (ym.year, ym.month, d) > self.reader.as_of,
            None => ym > self.reader.as_of_ym,
        };
        if after {
            let what = if f == Field::Hired {
                "hire date"
            } else {
                "leave date"
            };
            return Err(self.fail(
                f,
                format!(
                    "expected a {what} on or before the roster date {}, found {}",
                    self.reader.roster_day(),
                    day.map_or(ym.to_string(), |d| format!("{ym}-{d:02}"))
                ),
            ));
        }
        Ok((Some(ym), day))
    }

    /// The hire month, if given: not before the person's 15th birthday.
    fn hired(&self, birth: YearMonth) -> RowResult<(Option<YearMonth>, Option<u32>)> {
        let (hired, day) = self.optional_date(Field::Hired)?;
        if let Some(h) = hired {
            if h.year < birth.year + 15 || (h.year == birth.year + 15 && h.month < birth.month) {
                return Err(self.fail(
                    Field::Hired,
                    format!(
                        "hire date {h} is before the person's 15th birthday (born {birth}); expected a hire date from {}-{:02} on",
                        birth.year + 15,
                        birth.month
                    ),
                ));
            }
        }
        Ok((hired, day))
    }

    /// The leave date, if given: not before the hire date.
    fn left(&self, hired: Option<YearMonth>) -> RowResult<(Option<YearMonth>, Option<u32>)> {
        let (left, day) = self.optional_date(Field::Left)?;
        // Months compared, as `roster import` always has: a leave earlier in the month of
        // the hire is taken as given.
        if let (Some(l), Some(h)) = (left, hired) {
            if l < h {
                return Err(self.fail(
                    Field::Left,
                    format!("expected a leave date on or after the hire date {h}, found {l}"),
                ));
            }
        }
        Ok((left, day))
    }

    /// The flag for 15+ years in especially difficult areas; an empty cell is no.
    fn difficult(&self) -> RowResult<bool> {
        let flag = self.text(Field::Difficult);
        if flag.is_empty() {
            return Ok(false);
        }
        columns::yes_no(&flag).ok_or_else(|| {
            self.fail(
                Field::Difficult,
                format!("\"{flag}\": expected x, Có or Không, or an empty cell"),
            )
        })
    }
}
