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
    /// EM head-count not below its base-year level (II.1.b, II.2.a "tỷ lệ, số lượng").
    I1,
    /// EM share of a unit's hires at least its EM population share (VI.5).
    I2,
    /// Staffing kept at the base-year fill rate of the quota in force.
    I3,
    /// Nominated-training (cử tuyển) graduates offered posts (VI.5).
    I4,
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
    I1 => "I1",
    I2 => "I2",
    I3 => "I3",
    I4 => "I4",
});

impl Rule {
    /// The rules of the decision's intent (`[intent]`), beyond its letter R1–R8.
    pub fn is_intent(self) -> bool {
        matches!(self, Rule::I1 | Rule::I2 | Rule::I3 | Rule::I4)
    }
}

serde_words!(Rule);
