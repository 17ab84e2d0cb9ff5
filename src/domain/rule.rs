//! The rules of POLICY.md, by the ids used in code, errors, reports and tests.

use super::words;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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

impl<'de> serde::Deserialize<'de> for Rule {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}
