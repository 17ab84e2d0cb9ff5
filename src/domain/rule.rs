//! The rules of POLICY.md, by the ids used in code, errors, reports and tests.

use super::{serde_words, words};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    R1,
    R2,
    R3,
    R4,
    R5,
    R6,
    R7,
    R8,
}

words!(Rule {
    R1 => "R1",
    R2 => "R2",
    R3 => "R3",
    R4 => "R4",
    R5 => "R5",
    R6 => "R6",
    R7 => "R7",
    R8 => "R8",
});

serde_words!(Rule);
