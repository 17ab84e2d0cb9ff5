//! Whole people from fractions, in one place: required head-counts (`⌈0.2 × 47⌉`), and
//! apportioning a whole total between parts by largest remainder (capacities split between
//! groups of units, shares of a province-wide target, promotions and hires shared out among
//! cells, generated head-counts).

use crate::domain::Rounding;

/// Rounds to 9 decimals, so that 0.2 × 50 is 10 and not 10.000000000000002.
pub fn round9(x: f64) -> f64 {
    (x * 1e9).round() / 1e9
}

/// Rounds a required head-count the way the scenario says. Values are first rounded to
/// 9 decimals so that 0.2 × 50 is 10, not 11 by a floating-point hair.
pub fn round_count(x: f64, rounding: Rounding) -> u32 {
    let x = round9(x).max(0.0);
    (match rounding {
        Rounding::Ceiling => x.ceil(),
        Rounding::Nearest => (x + 0.5).floor(),
        Rounding::Floor => x.floor(),
    }) as u32
}

/// For a required count `m = round(x)` with m an integer variable, `m ≥ x − offset` pins m to
/// at least the rounded value: 0 for ceiling, ½ − 10⁻⁴ for nearest (halves up), 1 − 10⁻⁴ for floor.
pub fn rounding_offset(rounding: Rounding) -> f64 {
    match rounding {
        Rounding::Ceiling => 0.0,
        Rounding::Nearest => 0.5 - 1e-4,
        Rounding::Floor => 1.0 - 1e-4,
    }
}

/// How [`apportion`] hands out whole units.
#[derive(Debug, Clone, Copy, Default)]
pub struct Apportion {
    /// Added before rounding each exact value down, so that an LP's 2.9999999 is 3.
    pub floor_tolerance: f64,
    /// At most one extra unit to a part, and only to a part whose remainder is above the
    /// tolerance: a limit split by use never gives a part more than it used, rounded up.
    pub once_each: bool,
    /// When the rounded-down parts already exceed the total, take units back, smallest
    /// remainder first (ties to the later part).
    pub take_back: bool,
}

/// Whole parts of the `exact` values adding up to `total`: each exact value (at least 0)
/// rounded down, at most its cap; then one unit at a time to the part with the largest
/// remainder `exact − part` (ties to the earlier part), until the total is reached or no
/// part can take more. Taking one unit lowers a part's remainder by one, so spare units go
/// round the parts in order of remainder.
pub fn apportion(exact: &[f64], total: u32, caps: Option<&[u32]>, how: Apportion) -> Vec<u32> {
    let n = exact.len();
    let cap = |i: usize| caps.map_or(u32::MAX, |c| c[i]);
    let mut parts: Vec<u32> = (0..n)
        .map(|i| ((exact[i].max(0.0) + how.floor_tolerance).floor() as u32).min(cap(i)))
        .collect();
    let rounded_down = parts.clone();
    let remainder = |i: usize, parts: &[u32]| exact[i] - parts[i] as f64;
    let mut sum: u64 = parts.iter().map(|&p| p as u64).sum();
    while sum < total as u64 {
        let eligible = |i: &usize| {
            parts[*i] < cap(*i)
                && (!how.once_each
                    || (parts[*i] == rounded_down[*i]
                        && remainder(*i, &parts) > how.floor_tolerance))
        };
        let best = (0..n)
            .filter(eligible)
            .max_by(|&a, &b| by_remainder(remainder(a, &parts), remainder(b, &parts), a, b));
        let Some(i) = best else { break };
        parts[i] += 1;
        sum += 1;
    }
    while how.take_back && sum > total as u64 {
        let Some(i) = (0..n)
            .filter(|&i| parts[i] > 0)
            .min_by(|&a, &b| by_remainder(remainder(a, &parts), remainder(b, &parts), a, b))
        else {
            break;
        };
        parts[i] -= 1;
        sum -= 1;
    }
    parts
}

/// Remainders in order; on a tie the earlier part is the greater.
fn by_remainder(ra: f64, rb: f64, a: usize, b: usize) -> std::cmp::Ordering {
    ra.partial_cmp(&rb)
        .unwrap_or(std::cmp::Ordering::Equal)
        .then(b.cmp(&a))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_counts_are_exact_on_round_products() {
        assert_eq!(round_count(0.2 * 50.0, Rounding::Ceiling), 10);
        assert_eq!(round_count(0.2 * 47.0, Rounding::Ceiling), 10);
        assert_eq!(round_count(0.16 * 47.0, Rounding::Nearest), 8);
        assert_eq!(round_count(2.5, Rounding::Nearest), 3);
        assert_eq!(round_count(7.99, Rounding::Floor), 7);
    }

    #[test]
    fn spare_units_go_to_the_largest_remainders_then_round_again() {
        let plain = Apportion::default();
        // 10 × (0.34, 0.34, 0.32): 3, 3, 3 and the spare one to the earlier of the tie.
        assert_eq!(apportion(&[3.4, 3.4, 3.2], 10, None, plain), vec![4, 3, 3]);
        // 5 spare units over 2 parts go round: 3 and 2 more.
        assert_eq!(apportion(&[0.6, 0.4], 5, None, plain), vec![3, 2]);
        // Caps are respected and what cannot be placed is not.
        assert_eq!(apportion(&[4.5, 4.5], 9, Some(&[2, 3]), plain), vec![2, 3]);
    }

    #[test]
    fn once_each_never_gives_a_part_more_than_its_use_rounded_up() {
        let how = Apportion {
            floor_tolerance: 1e-6,
            once_each: true,
            take_back: false,
        };
        assert_eq!(apportion(&[0.5; 4], 2, None, how), vec![1, 1, 0, 0]);
        assert_eq!(apportion(&[3.0, 3.0, 3.0], 10, None, how), vec![3, 3, 3]);
        assert_eq!(apportion(&[2.9999999, 1.2], 5, None, how), vec![3, 2]);
    }

    #[test]
    fn take_back_removes_from_the_smallest_remainder_the_later_on_ties() {
        let how = Apportion {
            take_back: true,
            ..Apportion::default()
        };
        assert_eq!(apportion(&[1.9, 1.1, 1.1], 2, None, how), vec![1, 1, 0]);
    }
}

/// Whole people booked on each part's own line: part i's running total is the number of
/// points `o_i, o_i + 1, …` up to its running expected count `expected[i]` (a point within
/// 10⁻⁹ above counts), `o_i` its offset ([`part_offset`] of `line` and i). A year's count is
/// what the points owe the part less what it has `booked` (at least 0), at most its `room`;
/// a part held back by its room is owed the rest later.
///
/// Where no room binds, each part's running total stays within a person of its expectation;
/// it never falls, and
/// the offsets, spread evenly over the parts of many lines, make every sum of parts
/// unbiased. One line shared by the parts in a fixed order (points where the running sum
/// over the parts crosses them) kept the line's total within a person, but a part's stretch
/// of that line moves as the parts before it grow, and what it had booked could not be
/// taken back: the first parts (the first group) were booked ahead of their expectation in
/// every unit, the last behind (the sample: 49 Thai leavers too many by 2035, the first
/// group in every unit).
pub fn place_each(expected: &[f64], booked: &[u32], room: &[u32], line: usize) -> Vec<u32> {
    (0..expected.len())
        .map(|i| {
            let offset = part_offset(line, i);
            let x = expected[i] + 1e-9;
            let points = if x < offset {
                0
            } else {
                (x - offset).floor() as u32 + 1
            };
            points.saturating_sub(booked[i]).min(room[i])
        })
        .collect()
}

/// The least and most each part's running total may reach: within a person of its
/// expectation, never below what it has booked, never above that plus its `room`.
pub fn bounds(expected: &[f64], booked: &[u32], room: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let n = expected.len();
    let high_of = |i: usize| booked[i] + room[i];
    let low: Vec<u32> = (0..n)
        .map(|i| {
            ((expected[i] + 1e-9).floor() as u32)
                .max(booked[i])
                .min(high_of(i))
        })
        .collect();
    let high: Vec<u32> = (0..n)
        .map(|i| {
            ((expected[i] - 1e-9).ceil().max(0.0) as u32)
                .max(low[i])
                .min(high_of(i))
        })
        .collect();
    (low, high)
}

/// [`place_each`], then whole people moved between parts so that the line's running total
/// and that of the parts in `first` (a unit's EM cells) each stay at the points of their own
/// lines (offsets [`part_offset`] of `line` and 0, and of `line` and 1) up to their summed
/// expectations, as far as each part stays within a person of its own expectation and its
/// `room`. Parts on their own lines are each unbiased, but the unit's sum of a dozen such
/// errors ran two or three people ahead of its expectation in some years (the sample's
/// commune X22 booked three leavers in 2029 against about one expected): where the unit was
/// at its quota, the people who stayed took the posts of the plan's EM recruits.
///
/// A group above its target gives back a person from the part furthest ahead of its
/// expectation; one below takes one for the part furthest behind.
pub fn place_nested(
    expected: &[f64],
    booked: &[u32],
    room: &[u32],
    first: &[bool],
    line: usize,
) -> Vec<u32> {
    let n = expected.len();
    let each = place_each(expected, booked, room, line);
    let mut total: Vec<u32> = (0..n).map(|i| booked[i] + each[i]).collect();
    let (low, high) = bounds(expected, booked, room);
    let points = |offset: f64, x: f64| -> u32 {
        let x = x + 1e-9;
        if x < offset {
            0
        } else {
            (x - offset).floor() as u32 + 1
        }
    };
    let sum = |v: &[u32], set: &dyn Fn(usize) -> bool| -> u32 {
        (0..n).filter(|&i| set(i)).map(|i| v[i]).sum()
    };
    let in_first = |i: usize| first[i];
    let in_rest = |i: usize| !first[i];
    let all = |_: usize| true;
    let expected_of = |set: &dyn Fn(usize) -> bool| -> f64 {
        (0..n).filter(|&i| set(i)).map(|i| expected[i]).sum()
    };
    let whole =
        points(part_offset(line, 0), expected_of(&all)).clamp(sum(&low, &all), sum(&high, &all));
    let first_target = points(part_offset(line, 1), expected_of(&in_first))
        .max(sum(&low, &in_first))
        .max(whole.saturating_sub(sum(&high, &in_rest)))
        .min(sum(&high, &in_first))
        .min(whole - sum(&low, &in_rest));
    for (set, target) in [
        (&in_first as &dyn Fn(usize) -> bool, first_target),
        (&in_rest, whole - first_target),
    ] {
        loop {
            let now = sum(&total, set);
            if now == target {
                break;
            }
            let ahead = |i: usize| total[i] as f64 - expected[i];
            let pick = (0..n)
                .filter(|&i| set(i))
                .filter(|&i| {
                    if now > target {
                        total[i] > low[i]
                    } else {
                        total[i] < high[i]
                    }
                })
                .max_by(|&a, &b| {
                    let (x, y) = if now > target {
                        (ahead(a), ahead(b))
                    } else {
                        (-ahead(a), -ahead(b))
                    };
                    x.total_cmp(&y).then(b.cmp(&a))
                });
            let Some(i) = pick else { break };
            if now > target {
                total[i] -= 1;
            } else {
                total[i] += 1;
            }
        }
    }
    (0..n).map(|i| total[i] - booked[i]).collect()
}

/// The offset of line `i`: the fractional part of `(i + 1)·φ⁻¹`, which spreads evenly over
/// [0, 1) for any number of lines.
pub fn line_offset(i: usize) -> f64 {
    ((i + 1) as f64 * 0.618_033_988_749_895).fract()
}

/// The offset of part `j` of line `i`: the line's offset moved by `(j + 1)·(√2 − 1)`, so the
/// parts of one line spread over [0, 1) and each part's offsets over many lines do too.
pub fn part_offset(i: usize, j: usize) -> f64 {
    (line_offset(i) + (j + 1) as f64 * 0.414_213_562_373_095_1).fract()
}

#[cfg(test)]
mod place_tests {
    use super::{part_offset, place_each, place_nested};

    #[test]
    fn each_part_counts_the_points_of_its_own_line() {
        let o = part_offset(3, 0);
        // Just below and just at the first point; then two points.
        assert_eq!(place_each(&[o - 0.01], &[0], &[5], 3), vec![0]);
        assert_eq!(place_each(&[o], &[0], &[5], 3), vec![1]);
        assert_eq!(place_each(&[o + 1.0], &[0], &[5], 3), vec![2]);
        // Already booked: only what the points owe beyond it.
        assert_eq!(place_each(&[o + 1.0], &[1], &[5], 3), vec![1]);
        assert_eq!(place_each(&[o + 1.0], &[3], &[5], 3), vec![0]);
        // The room holds it back.
        assert_eq!(place_each(&[o + 1.0], &[0], &[1], 3), vec![1]);
    }

    #[test]
    fn nested_keeps_the_line_and_its_first_parts_within_a_person_of_their_expectation() {
        // Twelve cells of a unit, the first five EM, leaving at different paces over ten
        // years: each on its own line, their sum strayed by up to about two people.
        let pace: Vec<f64> = (0..12).map(|i| 0.05 + 0.037 * i as f64).collect();
        let first: Vec<bool> = (0..12).map(|i| i < 5).collect();
        let mut worst_each = 0.0f64;
        for line in 0..200 {
            let mut booked = vec![0u32; 12];
            for year in 1..=10 {
                let expected: Vec<f64> = pace.iter().map(|a| a * year as f64).collect();
                let each = place_each(&expected, &booked, &[50; 12], line);
                let sum_each: f64 = (0..12).map(|i| (booked[i] + each[i]) as f64).sum();
                worst_each = worst_each.max((sum_each - expected.iter().sum::<f64>()).abs());
                let add = place_nested(&expected, &booked, &[50; 12], &first, line);
                for i in 0..12 {
                    booked[i] += add[i];
                    let e = expected[i];
                    assert!(
                        booked[i] as f64 >= e.floor() && booked[i] as f64 <= e.ceil(),
                        "line {line}, year {year}, part {i}: {} for {e}",
                        booked[i]
                    );
                }
                let gap = |set: &dyn Fn(usize) -> bool| -> f64 {
                    (0..12)
                        .filter(|&i| set(i))
                        .map(|i| booked[i] as f64 - expected[i])
                        .sum()
                };
                assert!(gap(&|_| true).abs() < 1.0, "line {line}, year {year}");
                assert!(gap(&|i| first[i]).abs() < 1.0, "line {line}, year {year}");
            }
        }
        assert!(worst_each > 1.5, "{worst_each}");
    }

    #[test]
    fn nested_stays_under_each_parts_room() {
        // The first part may book nobody (its people are all due to retire later): the
        // line's total is owed by the others, or later.
        let add = place_nested(
            &[0.9, 0.9, 0.9],
            &[0, 0, 0],
            &[0, 5, 5],
            &[true, true, false],
            7,
        );
        assert_eq!(add[0], 0);
        assert!(add[1] <= 1 && add[2] <= 1);
    }

    #[test]
    fn the_parts_of_one_line_have_their_own_offsets() {
        let offsets: Vec<f64> = (0..6).map(|j| part_offset(0, j)).collect();
        for (i, a) in offsets.iter().enumerate() {
            for b in &offsets[i + 1..] {
                assert!((a - b).abs() > 0.05, "{offsets:?}");
            }
        }
    }

    #[test]
    fn over_many_lines_a_part_gets_its_expectation() {
        // A part of 0.3 expected leavers: booked on close to 30% of 10,000 lines, whatever
        // its place on the line.
        for part in 0..4 {
            let mut expected = vec![0.7; 4];
            expected[part] = 0.3;
            let booked: u32 = (0..10_000)
                .map(|line| place_each(&expected, &[0; 4], &[5; 4], line)[part])
                .sum();
            assert!(
                (booked as f64 / 10_000.0 - 0.3).abs() < 0.002,
                "{part}: {booked}"
            );
        }
    }
}
