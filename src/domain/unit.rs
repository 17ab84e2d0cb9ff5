//! Units (the bodies that hold a quota) and ethnic groups.

use super::{serde_words, words};

/// The kinds of unit named by POLICY.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UnitKind {
    /// Provincial department or agency (R1).
    Provincial,
    /// Commune or ward (R2, R6 commune level).
    Commune,
    /// Department of Ethnic Affairs and Religion (R3, 40% of quota).
    EthnicDepartment,
    /// Ethnic Committee of the Provincial People's Council (R3, 40% of members).
    EthnicCommittee,
    /// Provincial public service unit (R1, and the conditional R6 manager rule).
    PublicService,
    /// Ethnic-affairs section of a commune (R3: priority, no number).
    CommuneEthnicSection,
}

words!(UnitKind {
    Provincial => "provincial",
    Commune => "commune",
    EthnicDepartment => "ethnic_department",
    EthnicCommittee => "ethnic_committee",
    PublicService => "public_service",
    CommuneEthnicSection => "commune_ethnic_section",
});
serde_words!(UnitKind);

impl UnitKind {
    /// Units at provincial level, whose EM staff form the R6 provincial denominator.
    pub fn is_provincial_level(self) -> bool {
        matches!(
            self,
            UnitKind::Provincial
                | UnitKind::EthnicDepartment
                | UnitKind::EthnicCommittee
                | UnitKind::PublicService
        )
    }
    /// (word, kind) pairs, for a table cell that must be one of them.
    pub fn choices() -> Vec<(&'static str, UnitKind)> {
        Self::ALL.iter().map(|k| (k.name(), *k)).collect()
    }
}

/// The administrative level that budgets a unit ("theo phân cấp hiện hành").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Province,
    Commune,
}

words!(Level {
    Province => "province",
    Commune => "commune",
});

impl Level {
    pub fn of(kind: UnitKind) -> Level {
        if kind.is_provincial_level() {
            Level::Province
        } else {
            Level::Commune
        }
    }
}

/// Whose lever spending a budget cap limits (`budget.csv`'s `level`): every unit's, or the
/// units' of one administrative level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BudgetScope {
    All,
    Level(Level),
}

impl BudgetScope {
    pub const ALL: [BudgetScope; 3] = [
        BudgetScope::All,
        BudgetScope::Level(Level::Province),
        BudgetScope::Level(Level::Commune),
    ];
    /// The written word: `all`, `province` or `commune`.
    pub fn name(self) -> &'static str {
        match self {
            BudgetScope::All => "all",
            BudgetScope::Level(l) => l.name(),
        }
    }
    /// Whether a unit of `kind` spends under this cap.
    pub fn covers(self, kind: UnitKind) -> bool {
        match self {
            BudgetScope::All => true,
            BudgetScope::Level(l) => Level::of(kind) == l,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Group {
    pub id: String,
    pub em: bool,
    /// Census share of the province's population, as a fraction.
    pub population_share: f64,
    /// Other names a roster may use (`Thái`, `H'Mông`), from the optional `names` column.
    pub names: Vec<String>,
}

impl std::fmt::Display for Group {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.id)
    }
}

#[derive(Debug, Clone)]
pub struct Unit {
    pub id: String,
    pub name: String,
    pub kind: UnitKind,
    /// EM share of the unit's population (communes), as a fraction.
    pub em_population_share: f64,
    pub leader_posts: u32,
    /// Last year in which the unit may run over its quota, at a cost.
    pub over_quota_until: Option<i32>,
    /// Per-commune override of the R2 rate, as a fraction.
    pub r2_rate_override: Option<f64>,
    /// Groups the unit recruits from (local make-up); all groups when not given.
    pub recruit_groups: Vec<usize>,
    /// A commune in an especially difficult area (its own attrition class).
    pub difficult: bool,
    /// A public service unit run by a commune (school, clinic): R6's manager clause applies
    /// to it under `r6_psu_scope = "local"` only.
    pub run_by_commune: bool,
    /// Line in units.csv, for messages.
    pub line: usize,
    /// The units.csv of that line: the scenario's own, or that of a scenario it extends.
    pub file: std::path::PathBuf,
}

impl Unit {
    /// `commune`, `commune:difficult`, `provincial`, …: the classes of `attrition.csv`.
    pub fn attrition_class(&self) -> String {
        if self.difficult {
            format!("{}:difficult", self.kind.name())
        } else {
            self.kind.name().to_string()
        }
    }
}

impl std::fmt::Display for Unit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.id)
    }
}
