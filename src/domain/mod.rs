//! The ground floor: the words every other module speaks. Cells, units, groups, rules,
//! flows and levers, each with its written form (`Display`/`FromStr`, the words of the
//! input and output files) and the list of all its variants; the scenario's settings
//! ([`config`]) and the checked scenario itself ([`Spec`]). Nothing here reads a file or
//! builds a model, so every layer above can depend on it and it depends on none of them.

pub mod cell;
pub mod config;
pub mod flow;
pub mod roster;
pub mod rule;
pub mod spec;
pub mod target;
pub mod unit;

pub use cell::{Cell, Gender, Role};
pub use config::{
    BandRule, Config, Exits, HiringBasis, HiringScope, Milestones, PsuScope, R1Scope, R5Reading,
    R6Base, Roadmap, Rounding, SeventyPercentBand,
};
pub use flow::{CostLine, FlowKind, Lever};
pub use rule::Rule;
pub use spec::{AttritionBand, Channel, InputFile, Spec, TransferRoute, Variant};
pub use unit::{BudgetScope, Group, Level, Unit, UnitKind};

/// The error of parsing a written word: what was found and the words allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownWord {
    pub found: String,
    pub expected: Vec<&'static str>,
}

impl std::fmt::Display for UnknownWord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "expected one of {}, found \"{}\"",
            self.expected.join(", "),
            self.found
        )
    }
}

impl std::error::Error for UnknownWord {}

/// Implements `name()`, `Display` and `FromStr` for a fieldless enum from one table of
/// (variant, word), and `ALL`, the variants in table order.
macro_rules! words {
    ($ty:ty { $($variant:ident => $word:literal),+ $(,)? }) => {
        impl $ty {
            /// Every variant, in the order of its written words' table.
            pub const ALL: &'static [$ty] = &[$(<$ty>::$variant),+];
            /// The written word.
            pub fn name(self) -> &'static str {
                match self {
                    $(<$ty>::$variant => $word),+
                }
            }
            /// Every written word, in order.
            pub fn words() -> Vec<&'static str> {
                Self::ALL.iter().map(|v| v.name()).collect()
            }
        }
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }
        impl std::str::FromStr for $ty {
            type Err = $crate::domain::UnknownWord;
            fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.name() == s)
                    .ok_or_else(|| $crate::domain::UnknownWord {
                        found: s.to_string(),
                        expected: Self::words(),
                    })
            }
        }
    };
}
pub(crate) use words;

/// Implements `Serialize` and `Deserialize` through the written words of [`words!`], so the
/// output files and their readers use exactly the words of the input files.
macro_rules! serde_words {
    ($ty:ty) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.name())
            }
        }
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use serde_words;

/// The written form of a yes/no cell: `yes` or `no`.
pub fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}
