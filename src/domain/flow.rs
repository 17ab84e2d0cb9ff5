//! Flows (what moves people between cells and units) and levers (what the plan pays for).

use super::{serde_words, words};

/// The kind of a flow, as written in `flows.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FlowKind {
    Hire,
    Retire,
    Attrition,
    Exit,
    Promote,
    Train,
    TransferIn,
    TransferOut,
    /// A leader at the end of their term steps down into a staff post of their unit.
    StepDown,
}

words!(FlowKind {
    Hire => "hire",
    Retire => "retire",
    Attrition => "attrition",
    Exit => "exit",
    Promote => "promote",
    Train => "train",
    TransferIn => "transfer_in",
    TransferOut => "transfer_out",
    StepDown => "step_down",
});
serde_words!(FlowKind);

impl FlowKind {
    /// The lever a flow of this kind is paid from; retirements and attrition cost nothing,
    /// and a transfer is paid where the person arrives.
    pub fn lever(self) -> Option<Lever> {
        match self {
            FlowKind::Hire => Some(Lever::Hiring),
            FlowKind::Promote => Some(Lever::Promotion),
            FlowKind::Train => Some(Lever::Training),
            FlowKind::TransferIn => Some(Lever::Transfer),
            FlowKind::Exit => Some(Lever::Severance),
            FlowKind::Retire | FlowKind::Attrition | FlowKind::TransferOut | FlowKind::StepDown => {
                None
            }
        }
    }
}

/// What the plan spends money on, as written in `costs.csv` (hiring with its channel).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lever {
    Salary,
    Hiring,
    Promotion,
    Training,
    Transfer,
    Severance,
    OverQuota,
}

words!(Lever {
    Salary => "salary",
    Hiring => "hiring",
    Promotion => "promotion",
    Training => "training",
    Transfer => "transfer",
    Severance => "severance",
    OverQuota => "over_quota",
});
serde_words!(Lever);

/// One line of costs: a lever, and for hiring its channel (`hiring:exam_em`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CostLine {
    pub lever: Lever,
    pub channel: Option<String>,
}

impl CostLine {
    pub fn of(lever: Lever) -> CostLine {
        CostLine {
            lever,
            channel: None,
        }
    }
    pub fn hiring(channel: &str) -> CostLine {
        CostLine {
            lever: Lever::Hiring,
            channel: Some(channel.to_string()),
        }
    }
}

/// In the order of the written text, the order `costs.csv` has always had (no lever's word
/// is a prefix of another's, so comparing word then channel is comparing the text).
impl Ord for CostLine {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.lever.name(), &self.channel).cmp(&(other.lever.name(), &other.channel))
    }
}

impl PartialOrd for CostLine {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl std::fmt::Display for CostLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.channel {
            Some(c) => write!(f, "{}:{c}", self.lever),
            None => f.write_str(self.lever.name()),
        }
    }
}

impl std::str::FromStr for CostLine {
    type Err = super::UnknownWord;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once(':') {
            Some((lever, channel)) if lever == Lever::Hiring.name() && !channel.is_empty() => {
                Ok(CostLine::hiring(channel))
            }
            _ => s.parse().map(CostLine::of),
        }
    }
}

impl serde::Serialize for CostLine {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for CostLine {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_lines_sort_as_their_text() {
        let mut lines: Vec<CostLine> = ["training", "hiring:b", "salary", "hiring:a", "over_quota"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        lines.sort();
        let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        let mut sorted = text.clone();
        sorted.sort();
        assert_eq!(text, sorted);
        assert_eq!(text[0], "hiring:a");
    }

    #[test]
    fn every_flow_word_reads_back() {
        for k in FlowKind::ALL {
            assert_eq!(k.name().parse::<FlowKind>(), Ok(*k));
        }
    }
}
