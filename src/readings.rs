//! The readings of unclear clauses (POLICY.md "Readings"): where the text allows more than
//! one reading, the setting of `[policy]` that names the choice, the clause quoted, and the
//! head-counts each reading requires, computed without solving (`bienche readings`).
//!
//! For each reading the scenario is cloned with that one setting changed, and every target
//! of every target year is evaluated ([`crate::rules::evaluate_chain`], and each family's
//! clause rows) on a plan whose stock in every planned year is the base-year staff. So the
//! minimums set by the quota (R1–R4) are exactly those the plan is held to, and the minimums
//! that are shares of the plan's own head-counts (R5 (a), R6, R7, R8) and the public-service
//! clause of R6 are those of today's staff. R5 (b) and the milestones between target years
//! are left out: (b) sets no head-count (it is a priced goal), and milestones are not legal
//! targets.
//!
//! The cost of a reading is not computed here: it takes a plan. [`variant_hint`] writes the
//! variant scenario that `bienche compare` solves beside the scenario.

use crate::domain::config::PolicyConfig;
use crate::domain::{
    BandRule, PsuScope, R1Scope, R5Reading, R6Base, Roadmap, Rule, SeventyPercentBand, Spec,
    UnitKind,
};
use crate::plan::Plan;
use crate::rounding::round9;
use crate::rules;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// A setting of `[policy]` that names the reading of an unclear clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    Roadmap,
    R1Scope,
    BandRule,
    SeventyPercentBand,
    R4Scope,
    R5Reading,
    R6ProvinceBase,
    R6PsuScope,
    LeadersTrained,
}

impl Setting {
    /// Every setting, in the order of the clauses in the text.
    pub const ALL: [Setting; 9] = [
        Setting::Roadmap,
        Setting::R1Scope,
        Setting::BandRule,
        Setting::SeventyPercentBand,
        Setting::R4Scope,
        Setting::R5Reading,
        Setting::R6ProvinceBase,
        Setting::R6PsuScope,
        Setting::LeadersTrained,
    ];

    /// The key under `[policy]` in `scenario.toml`.
    pub fn key(self) -> &'static str {
        match self {
            Setting::Roadmap => "roadmap",
            Setting::R1Scope => "r1_scope",
            Setting::BandRule => "band_rule",
            Setting::SeventyPercentBand => "seventy_percent_band",
            Setting::R4Scope => "r4_scope",
            Setting::R5Reading => "r5_reading",
            Setting::R6ProvinceBase => "r6_province_base",
            Setting::R6PsuScope => "r6_psu_scope",
            Setting::LeadersTrained => "leaders_trained",
        }
    }

    /// Every value the setting takes, as written in `scenario.toml`.
    pub fn values(self) -> Vec<&'static str> {
        match self {
            Setting::Roadmap => Roadmap::words(),
            Setting::R1Scope | Setting::R4Scope => R1Scope::words(),
            Setting::BandRule => BandRule::words(),
            Setting::SeventyPercentBand => SeventyPercentBand::words(),
            Setting::R5Reading => R5Reading::words(),
            Setting::R6ProvinceBase => R6Base::words(),
            Setting::R6PsuScope => PsuScope::words(),
            Setting::LeadersTrained => vec!["true", "false"],
        }
    }

    /// The value a policy holds.
    pub fn get(self, p: &PolicyConfig) -> &'static str {
        match self {
            Setting::Roadmap => p.roadmap.name(),
            Setting::R1Scope => p.r1_scope.name(),
            Setting::BandRule => p.band_rule.name(),
            Setting::SeventyPercentBand => p.seventy_percent_band.name(),
            Setting::R4Scope => p.r4_scope.name(),
            Setting::R5Reading => p.r5_reading.name(),
            Setting::R6ProvinceBase => p.r6_province_base.name(),
            Setting::R6PsuScope => p.r6_psu_scope.name(),
            Setting::LeadersTrained => {
                if p.leaders_trained {
                    "true"
                } else {
                    "false"
                }
            }
        }
    }

    /// Sets the policy to `value`, one of [`Setting::values`].
    pub fn set(self, p: &mut PolicyConfig, value: &str) {
        fn parse<T: std::str::FromStr>(value: &str) -> T {
            value
                .parse()
                .unwrap_or_else(|_| panic!("\"{value}\" is one of the setting's values"))
        }
        match self {
            Setting::Roadmap => p.roadmap = parse(value),
            Setting::R1Scope => p.r1_scope = parse(value),
            Setting::BandRule => p.band_rule = parse(value),
            Setting::SeventyPercentBand => p.seventy_percent_band = parse(value),
            Setting::R4Scope => p.r4_scope = parse(value),
            Setting::R5Reading => p.r5_reading = parse(value),
            Setting::R6ProvinceBase => p.r6_province_base = parse(value),
            Setting::R6PsuScope => p.r6_psu_scope = parse(value),
            Setting::LeadersTrained => p.leaders_trained = parse(value),
        }
    }

    /// The value as written in TOML: a quoted word, or a bare `true`/`false`.
    pub fn toml_value(self, value: &str) -> String {
        match self {
            Setting::LeadersTrained => value.to_string(),
            _ => format!("\"{value}\""),
        }
    }

    /// What a value of the setting means, in a line.
    pub fn meaning(self, value: &str) -> &'static str {
        match (self, value) {
            (Setting::Roadmap, "level") => "in 2030 each rate reaches 80% of its target value",
            (Setting::Roadmap, "coverage") => {
                "in 2030 at least 80% of the units concerned meet their full target"
            }
            (Setting::R1Scope | Setting::R4Scope, "each") => "every unit on its own",
            (Setting::R1Scope, "total") => "once, over the provincial units' total quota",
            (Setting::R4Scope, "total") => "once, over the total of the R1–R3 minimums",
            (Setting::BandRule, "lower") => "the lower end of the commune's band",
            (Setting::BandRule, "upper") => "the upper end of the commune's band",
            (Setting::BandRule, "interpolate") => {
                "linear in p across the band (70%–100% for the top band)"
            }
            (Setting::SeventyPercentBand, "top") => "p = 70% is in the top band (35%–50%)",
            (Setting::SeventyPercentBand, "lower") => "p = 70% is in the 50%–70% band (25%–35%)",
            (Setting::R5Reading, "make-up") => {
                "(b) staff by group (Kinh included) match the population's make-up: a priced goal"
            }
            (Setting::R5Reading, "share") => {
                "(a) EM share of staff tracks the EM share of the population: a target"
            }
            (Setting::R5Reading, "both") => "(a) as a target and (b) as a priced goal",
            (Setting::R6ProvinceBase, "provincial") => "10% of provincial-level EM staff",
            (Setting::R6ProvinceBase, "all") => {
                "10% of all the province's EM staff, communes included"
            }
            (Setting::R6PsuScope, "provincial") => "provincial public service units only",
            (Setting::R6PsuScope, "local") => {
                "also those run by communes (units.csv run_by = commune)"
            }
            (Setting::LeadersTrained, "true") => "promotion takes trained EM staff only",
            (Setting::LeadersTrained, "false") => "a leader need not be trained",
            _ => "",
        }
    }
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "policy.{}", self.key())
    }
}

/// The clause a setting reads: its id, where it stands in the text, the question it leaves
/// open, and its words (exact lines of the Vietnamese original; `…` marks a cut).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClauseText {
    pub id: &'static str,
    pub source: &'static str,
    pub question: &'static str,
    pub quote: &'static [&'static str],
}

/// The clause of each setting.
pub fn clause_text(setting: Setting) -> ClauseText {
    const R2_BANDS: [&str; 5] = [
        "- Tối thiểu là 5% tổng số biên chế được giao của cấp xã đối với xã có tỷ lệ người dân tộc thiểu số chiếm từ 5% đến dưới 10% tổng dân số của xã.",
        "- Tối thiểu là 5% đến 15% tổng số biên chế được giao của cấp xã đối với xã có tỷ lệ người dân tộc thiểu số chiếm từ 10% đến dưới 30% tổng dân số của xã.",
        "- Tối thiểu là 15% đến 25% tổng số biên chế được giao của cấp xã đối với xã có tỷ lệ người dân tộc thiểu số chiếm từ 30% đến dưới 50% tổng dân số của xã.",
        "- Tối thiểu là 25% đến 35% tổng số biên chế được giao của cấp xã đối với xã có tỷ lệ người dân tộc thiểu số chiếm từ 50% đến dưới 70% tổng dân số của xã.",
        "- Tối thiểu là 35% đến 50% tổng số biên chế được giao của cấp xã đối với xã có tỷ lệ người dân tộc thiểu số chiếm trên 70% tổng dân số của xã.",
    ];
    const R2_SEVENTY: [&str; 2] = [R2_BANDS[3], R2_BANDS[4]];
    match setting {
        Setting::Roadmap => ClauseText {
            id: "roadmap",
            source: "II.2–II.4",
            question: "80% in 2030: of each rate, or of the units meeting it?",
            quote: &["Lộ trình phấn đấu: Từ năm 2026 đến năm 2030 đạt 80% và từ năm 2030 đến năm 2035 đạt 100% các tỷ lệ sau đây:"],
        },
        Setting::R1Scope => ClauseText {
            id: "R1 scope",
            source: "II.2.a",
            question: "20% of each provincial unit's quota, or of their total?",
            quote: &["Các sở, ngành, đơn vị sự nghiệp cấp tỉnh (không bao gồm cơ quan, đơn vị thực hiện chức năng, nhiệm vụ về công tác dân tộc): Tối thiểu là 20% tổng số biên chế được UBND tỉnh giao."],
        },
        Setting::BandRule => ClauseText {
            id: "R2 band",
            source: "II.2.b",
            question: "where inside its range a commune's rate lies",
            quote: &R2_BANDS,
        },
        Setting::SeventyPercentBand => ClauseText {
            id: "R2 at 70%",
            source: "II.2.b",
            question: "\"dưới 70%\" and \"trên 70%\" leave exactly 70% uncovered",
            quote: &R2_SEVENTY,
        },
        Setting::R4Scope => ClauseText {
            id: "R4",
            source: "II.2.d",
            question: "20% \"trong tổng số\": of each unit's minimum, or once of their total?",
            quote: &["d) Bảo đảm cơ cấu cán bộ nữ người dân tộc thiểu số tối thiểu là 20% trong tổng số tỷ lệ tối thiểu cán bộ người dân tộc thiểu số quy định tại điểm a, b, c."],
        },
        Setting::R5Reading => ClauseText {
            id: "R5",
            source: "II.3.a",
            question: "a share of the population (a), or the make-up by group (b)?",
            quote: &["a) Bảo đảm cơ cấu cán bộ người dân tộc thiểu số tương ứng với tỷ lệ người dân tộc thiểu số trong tổng dân số của tỉnh; phù hợp với cơ cấu của các thành phần dân tộc thiểu số ở địa phương."],
        },
        Setting::R6ProvinceBase => ClauseText {
            id: "R6 base",
            source: "II.3.b",
            question: "\"của tỉnh\": provincial-level EM staff, or all of the province's?",
            quote: &["- Tối thiểu là 10% ở cấp tỉnh, trên tổng số cán bộ người dân tộc thiểu số của tỉnh."],
        },
        Setting::R6PsuScope => ClauseText {
            id: "R6 PSU scope",
            source: "II.3.b",
            question: "\"ở địa phương\": provincial public service units, or commune-run ones too?",
            quote: &["- Đối với đơn vị sự nghiệp công lập ở địa phương có từ 30% cán bộ người dân tộc thiểu số trở lên phải bảo đảm có viên chức quản lý người dân tộc thiểu số."],
        },
        Setting::LeadersTrained => ClauseText {
            id: "leaders trained",
            source: "II.4",
            question: "the text does not say whether leaders must be trained first",
            quote: &["Phấn đấu từ năm 2026 đến năm 2030 đạt 80% và từ năm 2030 đến năm 2035 đạt 100% số cán bộ người dân tộc thiểu số được đào tạo, bồi dưỡng về trình độ chuyên môn, lý luận chính trị; …"],
        },
    }
}

/// What a required head-count counts: a rule's targets, the public-service manager clause
/// of R6, or the EM leaders who must be trained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    Rule(Rule),
    /// R6's clause: an EM manager in each public service unit whose staff are ≥ 30% EM.
    PsuManagers,
    /// EM leaders who must be trained: the R6 minimum under `leaders_trained = true`.
    TrainedLeaders,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Part::Rule(r) => write!(f, "{r}"),
            Part::PsuManagers => f.write_str("R6 PSU managers"),
            Part::TrainedLeaders => f.write_str("EM leaders trained"),
        }
    }
}

/// Required head-counts by (unit id or `PROVINCE`, part, target year).
pub type Required = BTreeMap<(String, Part, i32), u32>;

/// A plan that keeps the base-year staff in every planned year.
pub fn base_plan(spec: &Spec) -> Plan {
    let mut plan = Plan::default();
    for t in std::iter::once(spec.base_year()).chain(spec.plan_years()) {
        for (&(u, c), &n) in &spec.staff {
            if n > 0 {
                plan.stock.insert((t, u, c), n);
            }
        }
    }
    plan
}

/// Every required head-count of the target years on the base-year staff: each target
/// (chain by chain), and each family's clause rows; goals (R5 (b)) are left out.
pub fn required(spec: &Spec) -> Required {
    let plan = base_plan(spec);
    let mut out = Required::new();
    for y in rules::roadmap::years(spec) {
        if y.milestone {
            continue;
        }
        let mut rows = Vec::new();
        for chain in rules::roadmap::chains(spec, y) {
            rows.extend(
                rules::evaluate_chain(spec, &plan, &chain)
                    .into_iter()
                    .map(|r| (r, false)),
            );
        }
        for family in rules::FAMILIES {
            rows.extend(
                family
                    .evaluate_clauses(spec, &plan, y.year)
                    .into_iter()
                    .map(|r| (r, true)),
            );
        }
        for (row, clause) in rows {
            if row.goal {
                continue;
            }
            let part = if clause && row.rule == Rule::R6 {
                Part::PsuManagers
            } else {
                Part::Rule(row.rule)
            };
            *out.entry((row.unit, part, row.year)).or_default() += row.required;
        }
    }
    out
}

/// The required head-counts of `spec` with `setting` read as `value`.
pub fn required_under(spec: &Spec, setting: Setting, value: &str) -> Required {
    let mut s = spec.clone();
    setting.set(&mut s.config.policy, value);
    let mut r = required(&s);
    if setting == Setting::LeadersTrained {
        // Under `true` every EM leader R6 asks for is a trained one; under `false` none
        // need be. PSU managers count within the provincial total, so they are not added.
        let trained = s.config.policy.leaders_trained;
        let leaders: Vec<((String, Part, i32), u32)> = r
            .iter()
            .filter(|((_, p, _), _)| *p == Part::Rule(Rule::R6))
            .map(|((u, _, y), &n)| {
                (
                    (u.clone(), Part::TrainedLeaders, *y),
                    if trained { n } else { 0 },
                )
            })
            .collect();
        r.extend(leaders);
    }
    r
}

/// One reading of a clause.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// The value of the setting, as written in `scenario.toml`.
    pub value: &'static str,
    pub meaning: &'static str,
    /// The documented default.
    pub default: bool,
    /// The scenario's choice.
    pub chosen: bool,
}

/// Required head-counts of one part and year (or unit), one per reading; `None` where the
/// reading sets no such number.
#[derive(Debug, Clone, PartialEq)]
pub struct Numbers {
    pub unit: String,
    pub part: Part,
    pub year: i32,
    pub required: Vec<Option<u32>>,
}

impl Numbers {
    /// Largest minus smallest, a missing number counting as 0.
    pub fn spread(&self) -> u32 {
        let v = self.required.iter().map(|n| n.unwrap_or(0));
        v.clone().max().unwrap_or(0) - v.min().unwrap_or(0)
    }
}

/// A clause, its readings and what each requires.
#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    pub setting: Setting,
    pub text: ClauseText,
    pub readings: Vec<Reading>,
    /// Province totals (`unit` = `PROVINCE`) by target year and part: the parts the
    /// clause is about, and any other part whose total differs between readings.
    pub totals: Vec<Numbers>,
    /// The units whose required numbers differ most between readings (at most
    /// [`TOP_UNITS`]), each with the part and year where it differs most.
    pub units: Vec<Numbers>,
    /// What else a reader needs to read the numbers.
    pub notes: Vec<String>,
}

impl Clause {
    /// Whether any required number differs between readings.
    pub fn differs(&self) -> bool {
        self.totals.iter().any(|n| n.spread() > 0) || !self.units.is_empty()
    }
}

/// Units listed under "units that differ most".
pub const TOP_UNITS: usize = 5;

/// Every clause of the scenario, with its readings' required head-counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Readings {
    pub base_year: i32,
    /// The target years.
    pub years: Vec<i32>,
    pub clauses: Vec<Clause>,
}

/// The parts a clause is about: their totals are shown even when they do not differ.
fn primary(setting: Setting) -> &'static [Part] {
    match setting {
        Setting::Roadmap => &[Part::Rule(Rule::R1), Part::Rule(Rule::R2)],
        Setting::R1Scope => &[Part::Rule(Rule::R1)],
        Setting::BandRule | Setting::SeventyPercentBand => &[Part::Rule(Rule::R2)],
        Setting::R4Scope => &[Part::Rule(Rule::R4)],
        Setting::R5Reading => &[Part::Rule(Rule::R5)],
        Setting::R6ProvinceBase => &[Part::Rule(Rule::R6), Part::Rule(Rule::R7)],
        Setting::R6PsuScope => &[Part::PsuManagers],
        Setting::LeadersTrained => &[Part::TrainedLeaders],
    }
}

/// Every clause of `spec`, each reading evaluated.
pub fn readings(spec: &Spec) -> Readings {
    let years: Vec<i32> = spec.config.time.targets.iter().map(|t| t.year).collect();
    let clauses = Setting::ALL.iter().map(|&s| clause(spec, s)).collect();
    Readings {
        base_year: spec.base_year(),
        years,
        clauses,
    }
}

/// One clause of `spec`, each reading evaluated.
pub fn clause(spec: &Spec, setting: Setting) -> Clause {
    let defaults = PolicyConfig::default();
    let values = setting.values();
    let readings: Vec<Reading> = values
        .iter()
        .map(|&value| Reading {
            value,
            meaning: setting.meaning(value),
            default: setting.get(&defaults) == value,
            chosen: setting.get(&spec.config.policy) == value,
        })
        .collect();
    let required: Vec<Required> = values
        .iter()
        .map(|v| required_under(spec, setting, v))
        .collect();
    let numbers = |unit: &str, part: Part, year: i32, sum: bool| -> Numbers {
        Numbers {
            unit: unit.to_string(),
            part,
            year,
            required: required
                .iter()
                .map(|r| {
                    if !sum {
                        return r.get(&(unit.to_string(), part, year)).copied();
                    }
                    let mut found = r
                        .iter()
                        .filter(|((_, p, y), _)| *p == part && *y == year)
                        .map(|(_, &n)| n)
                        .peekable();
                    found.peek().is_some().then(|| found.sum())
                })
                .collect(),
        }
    };
    // Province totals.
    let parts: BTreeSet<Part> = required
        .iter()
        .flat_map(|r| r.keys().map(|(_, p, _)| *p))
        .filter(|p| setting == Setting::LeadersTrained || *p != Part::TrainedLeaders)
        .collect();
    let years: Vec<i32> = spec.config.time.targets.iter().map(|t| t.year).collect();
    let mut shown: Vec<Part> = primary(setting).to_vec();
    for &part in &parts {
        if !shown.contains(&part)
            && years
                .iter()
                .any(|&y| numbers("PROVINCE", part, y, true).spread() > 0)
        {
            shown.push(part);
        }
    }
    shown.sort();
    let mut totals = Vec::new();
    for &year in &years {
        for &part in &shown {
            totals.push(numbers("PROVINCE", part, year, true));
        }
    }
    // Units that differ most: for each unit its largest spread (the later year, then the
    // first part, on a tie).
    let keys: BTreeSet<(&str, Part, i32)> = required
        .iter()
        .flat_map(|r| r.keys().map(|(u, p, y)| (u.as_str(), *p, *y)))
        .filter(|(_, p, _)| parts.contains(p))
        .collect();
    let mut best: BTreeMap<&str, Numbers> = BTreeMap::new();
    for (unit, part, year) in keys {
        if !spec.units.iter().any(|u| u.id == unit) {
            continue; // PROVINCE
        }
        let n = numbers(unit, part, year, false);
        let better = match best.get(unit) {
            None => true,
            Some(b) => (n.spread(), n.year) > (b.spread(), b.year),
        };
        if n.spread() > 0 && better {
            best.insert(unit, n);
        }
    }
    let position = |id: &str| spec.units.iter().position(|u| u.id == id);
    let mut units: Vec<Numbers> = best.into_values().collect();
    units.sort_by_key(|n| (std::cmp::Reverse(n.spread()), position(&n.unit)));
    units.truncate(TOP_UNITS);
    Clause {
        setting,
        text: clause_text(setting),
        readings,
        totals,
        units,
        notes: notes(spec, setting),
    }
}

/// The notes of a clause: what the numbers leave out, and which units the choice can touch.
fn notes(spec: &Spec, setting: Setting) -> Vec<String> {
    let p = &spec.config.policy;
    let communes = || {
        spec.units
            .iter()
            .filter(|u| u.kind == UnitKind::Commune && u.r2_rate_override.is_none())
    };
    let overridden = spec
        .units
        .iter()
        .filter(|u| u.kind == UnitKind::Commune && u.r2_rate_override.is_some())
        .count();
    let mut out = Vec::new();
    match setting {
        Setting::Roadmap => {
            let levels: Vec<String> = spec
                .config
                .time
                .targets
                .iter()
                .map(|t| format!("{:.0}% in {}", t.level * 100.0, t.year))
                .collect();
            out.push(format!(
                "under coverage each number is the unit's full target, and only that share of the units concerned must meet it ({})",
                levels.join(", ")
            ));
        }
        Setting::BandRule | Setting::SeventyPercentBand if overridden > 0 => {
            out.push(format!(
                "{overridden} commune{} with r2_rate_override {} not affected",
                if overridden == 1 { "" } else { "s" },
                if overridden == 1 { "is" } else { "are" }
            ));
        }
        _ => {}
    }
    match setting {
        Setting::SeventyPercentBand => {
            let at70: Vec<&str> = communes()
                .filter(|u| round9(u.em_population_share) == 0.70)
                .map(|u| u.id.as_str())
                .collect();
            if at70.is_empty() {
                out.push(
                    "no commune has exactly 70% EM population: the readings cannot differ here"
                        .into(),
                );
            } else {
                out.push(format!(
                    "communes with exactly 70% EM population: {}",
                    at70.join(", ")
                ));
                if p.band_rule == BandRule::Interpolate {
                    out.push("under band_rule = interpolate both bands give 35% at p = 70%; the choice matters under lower (35% or 25%) and upper (50% or 35%)".into());
                }
            }
        }
        Setting::R5Reading => {
            let share = rules::r5_structure::em_population_share(spec);
            let all: u32 = spec.staff.values().sum();
            let em: u32 = spec
                .staff
                .iter()
                .filter(|((_, c), _)| spec.is_em(c))
                .map(|(_, n)| n)
                .sum();
            out.push(format!(
                "(a) asks the roadmap's share of the EM share of the population, {:.1}%, of all staff; in {} EM staff are {em} of {all} ({:.1}%)",
                share * 100.0,
                spec.base_year(),
                em as f64 / all.max(1) as f64 * 100.0
            ));
            out.push(format!(
                "make-up (b) requires no head-count: the distance of staff by group (Kinh included) from the population's make-up is priced at r5_weight = {} million VND a person and reported in summary.json (r5[].group_distance_persons)",
                p.r5_weight
            ));
        }
        Setting::R6PsuScope => {
            let run_by_commune: Vec<&str> = spec
                .units
                .iter()
                .filter(|u| u.kind == UnitKind::PublicService && u.run_by_commune)
                .map(|u| u.id.as_str())
                .collect();
            if run_by_commune.is_empty() {
                out.push("no public service unit is marked run_by = commune in units.csv: the readings cannot differ here".into());
            } else {
                out.push(format!(
                    "public service units run by communes: {}",
                    run_by_commune.join(", ")
                ));
            }
            out.push(format!(
                "a unit needs an EM manager when EM are ≥ 30% of its staff (here its {} staff)",
                spec.base_year()
            ));
        }
        Setting::LeadersTrained => {
            out.push("under true every EM leader R6 requires must be trained; PSU managers count within the provincial R6 total".into());
        }
        _ => {}
    }
    out
}

/// The reading whose province totals differ most from the scenario's choice, as
/// (setting, value): the example of a variant to cost with `bienche compare`.
pub fn costliest_alternative(r: &Readings) -> Option<(Setting, &'static str)> {
    let mut best: Option<(u32, Setting, &'static str)> = None;
    for c in &r.clauses {
        let Some(chosen) = c.readings.iter().position(|x| x.chosen) else {
            continue;
        };
        for (i, reading) in c.readings.iter().enumerate() {
            if i == chosen {
                continue;
            }
            let d: u32 = c
                .totals
                .iter()
                .map(|n| {
                    n.required[i]
                        .unwrap_or(0)
                        .abs_diff(n.required[chosen].unwrap_or(0))
                })
                .sum();
            if best.is_none_or(|(b, _, _)| d > b) {
                best = Some((d, c.setting, reading.value));
            }
        }
    }
    best.map(|(_, s, v)| (s, v))
}

/// The variant that costs `setting = value` over the scenario in `scenario`: the folder to
/// write beside it, and its `scenario.toml`.
pub fn variant_hint(
    scenario: &std::path::Path,
    setting: Setting,
    value: &str,
) -> (std::path::PathBuf, String) {
    let name = scenario
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".into());
    let folder = format!("{name}-{}-{value}", setting.key().replace('_', "-"));
    let dir = scenario
        .parent()
        .map(|p| p.join(&folder))
        .unwrap_or_else(|| folder.clone().into());
    let toml = format!(
        "extends = \"../{name}\"\n\n[policy]\n{} = {}\n",
        setting.key(),
        setting.toml_value(value)
    );
    (dir, toml)
}
