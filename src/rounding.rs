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

/// Whole people placed along a line of parts at the points `offset, offset + 1, …` of the
/// running sum of their expected counts: part i's running total is the number of points
/// in `(F_{i−1}, F_i]`, `F_i = Σ_{j≤i} expected[j]` (a point within 10⁻⁹ above counts). Each
/// part is what the points owe it less what it has `booked` (at least 0), at most its
/// `room`; where that exceeds what the points owe the whole line less all booked, the excess
/// is taken off the last parts first. Where no room binds and nothing was over-booked,
/// every part's and every run of parts' running total stays within a person of its
/// expectation (a part held back by its room is owed the rest later); an offset spread
/// evenly over many lines (see [`line_offset`]) makes their sums unbiased, where a fixed
/// point such as ½ favours the parts where it falls.
pub fn place_points(expected: &[f64], booked: &[u32], room: &[u32], offset: f64) -> Vec<u32> {
    let points = |x: f64| -> u32 {
        if x + 1e-9 < offset {
            0
        } else {
            (x + 1e-9 - offset).floor() as u32 + 1
        }
    };
    let due = points(expected.iter().sum()).saturating_sub(booked.iter().sum());
    let mut running = 0.0;
    let mut placed = 0u32;
    let mut out: Vec<u32> = Vec::with_capacity(expected.len());
    for i in 0..expected.len() {
        running += expected[i];
        let upto = points(running);
        out.push(
            upto.saturating_sub(placed)
                .saturating_sub(booked[i])
                .min(room[i]),
        );
        placed = upto;
    }
    let mut extra = out.iter().sum::<u32>().saturating_sub(due);
    for w in out.iter_mut().rev() {
        let cut = extra.min(*w);
        *w -= cut;
        extra -= cut;
    }
    out
}

/// The offset of line `i` for [`place_points`]: the fractional part of `(i + 1)·φ⁻¹`, which
/// spreads evenly over [0, 1) for any number of lines.
pub fn line_offset(i: usize) -> f64 {
    ((i + 1) as f64 * 0.618_033_988_749_895).fract()
}

#[cfg(test)]
mod place_tests {
    use super::place_points;

    #[test]
    fn points_fall_where_the_running_sum_crosses_them() {
        // Running sums 0.3, 0.6, 0.9: the point 0.5 falls in the second part, 0.1 in the first.
        assert_eq!(
            place_points(&[0.3, 0.3, 0.3], &[0; 3], &[5; 3], 0.5),
            vec![0, 1, 0]
        );
        assert_eq!(
            place_points(&[0.3, 0.3, 0.3], &[0; 3], &[5; 3], 0.1),
            vec![1, 0, 0]
        );
        // Already booked: 1.2 owes the first part one point (booked), 1.5 the second one.
        assert_eq!(place_points(&[1.2, 0.3], &[1, 0], &[5, 5], 0.5), vec![0, 1]);
        // A part's room holds it back; what it is owed waits.
        assert_eq!(place_points(&[2.0, 0.0], &[0, 0], &[1, 5], 0.5), vec![1, 0]);
        // A part booked beyond its points: the line's total due is 0, so the last part's
        // point is taken back.
        assert_eq!(place_points(&[0.2, 1.0], &[1, 0], &[5, 5], 0.5), vec![0, 0]);
    }
}
