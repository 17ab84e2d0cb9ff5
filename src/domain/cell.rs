//! A staff cell: ethnic group × gender × role × trained, the unit of every stock and flow.

use super::{serde_words, words};

/// `F` or `M`, as written in every table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Gender {
    Female,
    Male,
}

words!(Gender { Female => "F", Male => "M" });
serde_words!(Gender);

/// `staff` or `leader` (a leadership or management post).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Staff,
    Leader,
}

words!(Role { Staff => "staff", Leader => "leader" });
serde_words!(Role);

/// A staff cell. `group` indexes the scenario's groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cell {
    pub group: usize,
    pub female: bool,
    pub leader: bool,
    pub trained: bool,
}

impl Cell {
    pub fn gender(&self) -> Gender {
        if self.female {
            Gender::Female
        } else {
            Gender::Male
        }
    }
    pub fn role(&self) -> Role {
        if self.leader {
            Role::Leader
        } else {
            Role::Staff
        }
    }
    /// `yes` or `no`.
    pub fn trained_word(&self) -> &'static str {
        super::yes_no(self.trained)
    }
    /// The smallest cell in the sort order: with [`Cell::LAST`], bounds a range of one
    /// unit's cells in a map keyed by `(…, unit, cell)`.
    pub const FIRST: Cell = Cell {
        group: 0,
        female: false,
        leader: false,
        trained: false,
    };
    /// The largest cell in the sort order.
    pub const LAST: Cell = Cell {
        group: usize::MAX,
        female: true,
        leader: true,
        trained: true,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_read_back() {
        for g in Gender::ALL {
            assert_eq!(g.name().parse::<Gender>(), Ok(*g));
        }
        assert_eq!("leader".parse::<Role>(), Ok(Role::Leader));
        assert_eq!(
            "boss".parse::<Role>().unwrap_err().to_string(),
            "expected one of staff, leader, found \"boss\""
        );
    }
}
