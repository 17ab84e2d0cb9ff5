//! A run's results as the contract's tables: the rows of every file of a plan folder, built
//! once from the plan, its targets and the scenario. What is written is exactly these rows,
//! and a reader of the folder gets them back.

use super::contract::*;
use crate::budget::Account;
use crate::diagnose::Shortfall;
use crate::domain::target::TargetRow;
use crate::domain::Spec;
use crate::evaluate::tally;
use crate::plan::Plan;
use crate::rules::r5_structure::GOAL;
use crate::solve::SolveStats;
use std::collections::BTreeMap;

/// What a plan run produced, for its folder.
pub struct Results<'a> {
    pub spec: &'a Spec,
    pub plan: &'a Plan,
    pub stats: &'a SolveStats,
    pub targets: &'a [TargetRow],
    pub shortfalls: &'a [Shortfall],
    /// The forecast without a plan and its gap rows, for `forecast/`.
    pub forecast: Option<(&'a Plan, &'a [TargetRow])>,
    /// With `intent.price`: what the intent rules cost.
    pub price_of_intent: Option<&'a PriceOfIntent>,
    /// With `budget.target_prices`: every target row's price.
    pub prices: Option<&'a crate::prices::Priced>,
}

/// Every table of the plan folder.
pub fn plan_tables(r: &Results) -> PlanTables {
    let account = r.forecast.map(|(no_plan, _)| {
        Account::of(
            r.spec,
            r.plan,
            r.stats.objective,
            r.stats.gap_million_vnd,
            no_plan,
        )
    });
    let mut summary = summary(r);
    summary.budget = account.as_ref().map(budget_record);
    let prices = r
        .prices
        .map(|p| price_rows(r.spec, r.targets, r.shortfalls, p))
        .unwrap_or_default();
    summary.prices = r.prices.map(|p| prices_record(r.spec, &prices, p));
    PlanTables {
        summary,
        manifest: manifest(r.spec),
        trajectory: trajectory(r.spec, r.plan),
        flows: flows(r.spec, r.plan),
        targets: named(r.spec, r.targets),
        costs: costs(r.spec, r.plan),
        cost_vs_no_plan: account.as_ref().map(cost_vs_no_plan).unwrap_or_default(),
        prices,
        units: units(r.spec),
        forecast: r.forecast.map(|(plan, gap)| ForecastTables {
            trajectory: trajectory(r.spec, plan),
            flows: flows(r.spec, plan),
            gap: named(r.spec, gap),
        }),
    }
}

/// Target rows with their units' names, as `targets.csv` and `gap.csv` have them.
pub fn named(spec: &Spec, rows: &[TargetRow]) -> Vec<TargetRow> {
    let name = spec.unit_names();
    rows.iter()
        .map(|r| TargetRow {
            unit_name: name(&r.unit),
            ..r.clone()
        })
        .collect()
}

/// `trajectory.csv`.
pub fn trajectory(spec: &Spec, plan: &Plan) -> Vec<TrajectoryRow> {
    plan.stock
        .iter()
        .map(|(&(t, u, c), &n)| TrajectoryRow {
            year: t,
            unit: spec.units[u].id.clone(),
            unit_name: spec.units[u].name.clone(),
            group: spec.groups[c.group].id.clone(),
            gender: c.gender(),
            role: c.role(),
            trained: c.trained,
            headcount: n,
        })
        .collect()
}

/// `flows.csv`.
pub fn flows(spec: &Spec, plan: &Plan) -> Vec<FlowRow> {
    let unit = |u: usize| spec.units[u].id.clone();
    plan.flows
        .iter()
        .map(|(k, &(n, cost))| FlowRow {
            year: k.year,
            unit: unit(k.unit),
            unit_name: spec.units[k.unit].name.clone(),
            flow: k.kind,
            channel: k.channel.clone().unwrap_or_default(),
            counterpart: k.counterpart.map(unit).unwrap_or_default(),
            group: spec.groups[k.cell.group].id.clone(),
            gender: k.cell.gender(),
            role: k.cell.role(),
            trained: k.cell.trained,
            count: n,
            cost: Money::new(cost),
        })
        .collect()
}

/// `costs.csv`.
pub fn costs(spec: &Spec, plan: &Plan) -> Vec<CostRow> {
    plan.costs
        .iter()
        .map(|((t, u, line), &c)| CostRow {
            year: *t,
            unit: spec.units[*u].id.clone(),
            unit_name: spec.units[*u].name.clone(),
            lever: line.clone(),
            cost: Money::new(c),
        })
        .collect()
}

/// `cost_vs_no_plan.csv`.
pub fn cost_vs_no_plan(a: &Account) -> Vec<NoPlanCostRow> {
    a.by_year_lever
        .iter()
        .map(|(&(year, lever), &(plan, no_plan))| NoPlanCostRow {
            year,
            lever,
            plan: Money::new(plan),
            no_plan: Money::new(no_plan),
            extra: Money::new(plan - no_plan),
        })
        .collect()
}

/// A price as written: to 0.1 million VND, the re-solves' precision.
fn price(x: f64) -> Money {
    Money::new((x * 10.0).round() / 10.0)
}

/// `prices.csv`: the plan's target rows of target years, in its order, with their prices.
pub fn price_rows(
    spec: &Spec,
    targets: &[TargetRow],
    shortfalls: &[Shortfall],
    priced: &crate::prices::Priced,
) -> Vec<PriceRow> {
    use crate::prices::{Closing, Delta, NotPriced};
    let penalty = spec.config.policy.target_price();
    priced
        .prices
        .iter()
        .map(|p| {
            let t = &targets[p.row];
            // The base re-solve's reading decides met or missed (the prices are its).
            let (required, achieved) = p.base_reading.unwrap_or((t.required, t.achieved));
            let status = match (&p.not_priced, &p.closing) {
                (Some(_), _) if p.one_more.is_none() => PriceStatus::NotPriced,
                (_, Closing::CannotBeMet) => PriceStatus::CannotBeMet,
                (_, Closing::Costs(_)) => PriceStatus::Missed,
                (_, Closing::NotMissed) if achieved > required => PriceStatus::Exceeded,
                (_, Closing::NotMissed) => PriceStatus::Met,
            };
            let trade = |d: &Delta| d.objective - d.money;
            let mut notes: Vec<String> = Vec::new();
            match &p.not_priced {
                Some(NotPriced::Province) if achieved > required => notes.push(format!(
                    "the province has {} more than required",
                    achieved - required
                )),
                Some(NotPriced::Province) => notes.push(
                    "a province-wide row not exceeded: its price would need every group re-solved"
                        .into(),
                ),
                Some(NotPriced::Coverage) => {
                    notes.push("a coverage count of units: not priced".into())
                }
                Some(NotPriced::Failed(why)) => notes.push(format!("not priced: {why}")),
                None => {}
            }
            if status == PriceStatus::CannotBeMet {
                let why = crate::prices::limit_of(shortfalls, t);
                if !why.is_empty() {
                    notes.push(why);
                }
            }
            if let Closing::Costs(d) = &p.closing {
                if trade(d) > 0.5 {
                    notes.push(
                        "meeting it in full makes its group miss other rows or shares of the province's"
                            .into(),
                    );
                }
            }
            let missed = matches!(status, PriceStatus::Missed | PriceStatus::CannotBeMet);
            match &p.one_more {
                _ if missed => {}
                Some(d) if trade(d) >= penalty - super::contract::penalty_tolerance(penalty) => {
                    notes.push(
                        "one more would be missed rather than met (it costs the price of a person short)"
                            .into(),
                    )
                }
                Some(d) if trade(d) > 0.5 => notes.push(
                    "one more is met by missing other rows or shares of the province's: see one_more_money"
                        .into(),
                ),
                _ => {}
            }
            if let Some((r, a)) = p.base_reading {
                notes.push(format!(
                    "priced on its group re-solved to gap 0, which reads required {r}, achieved {a}"
                ));
            }
            let objective = |d: Option<Delta>| d.map(|d| price(d.objective));
            let money = |d: Option<Delta>| d.map(|d| price(d.money));
            let closing = match p.closing {
                Closing::Costs(d) => Some(d),
                _ => None,
            };
            PriceRow {
                unit: t.unit.clone(),
                unit_name: t.unit_name.clone(),
                rule: t.rule,
                year: t.year,
                required: t.required,
                achieved: t.achieved,
                shortfall: t.shortfall,
                one_more: objective(p.one_more),
                one_more_money: money(p.one_more),
                one_fewer_saves: objective(p.one_fewer),
                one_fewer_saves_money: money(p.one_fewer),
                closing_cost: objective(closing),
                closing_money: money(closing),
                within: price(p.uncertainty),
                status,
                note: notes.join("; "),
            }
        })
        .collect()
}

/// `summary.json`'s `prices`: the rows of `prices.csv` added up by rule.
pub fn prices_record(
    spec: &Spec,
    rows: &[PriceRow],
    priced: &crate::prices::Priced,
) -> PricesRecord {
    let penalty = spec.config.policy.target_price();
    let value = |m: Option<Money>| m.map_or(0.0, Money::value);
    let mut by_rule: BTreeMap<crate::domain::Rule, RulePrices> = BTreeMap::new();
    for r in rows {
        let e = by_rule.entry(r.rule).or_insert_with(|| RulePrices {
            rule: r.rule,
            rows: 0,
            binding: 0,
            one_more_at_penalty: 0,
            one_more_money_total: 0.0,
            one_fewer_saves_money_total: 0.0,
            missed: 0,
            cannot_be_met: 0,
            dearest: None,
            dearest_one_more_money: None,
        });
        e.rows += 1;
        let more = value(r.one_more_money);
        if more > 0.0 {
            e.binding += 1;
        }
        if r.one_more_missed(penalty) {
            e.one_more_at_penalty += 1;
        }
        e.one_more_money_total += more;
        e.one_fewer_saves_money_total += value(r.one_fewer_saves_money);
        if matches!(r.status, PriceStatus::Missed | PriceStatus::CannotBeMet) {
            e.missed += 1;
        }
        if r.status == PriceStatus::CannotBeMet {
            e.cannot_be_met += 1;
        }
        // Ranked on money alone, as the chart: not a row met by missing others.
        if r.one_more_money_alone()
            && more > 0.0
            && e.dearest_one_more_money.is_none_or(|d| more > d)
        {
            e.dearest = Some(format!("{} {}", r.unit, r.year));
            e.dearest_one_more_money = Some(more);
        }
    }
    PricesRecord {
        method: "each target's group of units re-solved with the rest of the plan fixed, \
                 the target asked one person more, one fewer, and (if missed) in full"
            .into(),
        units: spec.config.budget.price_units.clone(),
        rows: rows.len(),
        by_rule: by_rule
            .into_values()
            .map(|mut r| {
                r.one_more_money_total = round3(r.one_more_money_total);
                r.one_fewer_saves_money_total = round3(r.one_fewer_saves_money_total);
                r
            })
            .collect(),
        solves: priced.solves,
        seconds: priced.seconds,
    }
}

/// `summary.json`'s `budget`.
pub fn budget_record(a: &Account) -> BudgetRecord {
    let rounded = |m: BTreeMap<String, f64>| m.into_iter().map(|(k, v)| (k, round3(v))).collect();
    BudgetRecord {
        fixed_cost: round3(a.fixed),
        exit_salary_savings: round3(a.exit_salary_savings),
        plan_dependent: round3(a.plan_dependent),
        plan_dependent_money: round3(a.plan_dependent_money()),
        priced_shortfalls: round3(a.priced_shortfalls()),
        gap_of_plan_dependent: a.gap_of_plan_dependent(),
        gap_of_plan_dependent_money: a.gap_of_plan_dependent_money(),
        no_plan_cost: round3(a.no_plan()),
        extra_cost: round3(a.extra()),
        extra_by_lever: rounded(a.extra_by(|_, l| l.name().to_string())),
        extra_by_year: rounded(a.extra_by(|t, _| t.to_string())),
        cost_by_level: rounded(
            a.by_level
                .iter()
                .map(|(l, c)| (l.name().to_string(), *c))
                .collect(),
        ),
        cost_by_kind: rounded(
            a.by_kind
                .iter()
                .map(|(k, c)| (k.name().to_string(), *c))
                .collect(),
        ),
        least_raise: None,
        least_cap: None,
    }
}

/// `units.csv`: each unit's kind and quota by year.
pub fn units(spec: &Spec) -> Vec<UnitRow> {
    let years = spec.base_year()..=spec.horizon();
    spec.units
        .iter()
        .enumerate()
        .flat_map(|(u, unit)| {
            years.clone().map(move |y| UnitRow {
                unit: unit.id.clone(),
                name: unit.name.clone(),
                kind: unit.kind,
                year: y,
                quota: spec.quota(u, y),
                leader_posts: unit.leader_posts,
            })
        })
        .collect()
}

fn inputs(spec: &Spec) -> Vec<InputRecord> {
    spec.inputs
        .iter()
        .map(|i| InputRecord {
            file: i.name.clone(),
            sha256: i.sha256.clone(),
        })
        .collect()
}

/// `manifest.json`.
pub fn manifest(spec: &Spec) -> Manifest {
    Manifest {
        bienche_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: spec.config.name.clone(),
        scenario_dir: spec.dir.canonicalize().unwrap_or_else(|_| spec.dir.clone()),
        inputs: inputs(spec),
        solver: SolverInfo {
            name: "HiGHS".into(),
            version: crate::solve::highs_version(),
            settings: spec.config.solver.clone(),
        },
        policy: PolicyRecord::of(spec),
        replaces: None,
    }
}

/// `manifest.json` of a forecast folder.
pub fn forecast_manifest(spec: &Spec) -> ForecastManifest {
    ForecastManifest {
        bienche_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: spec.config.name.clone(),
        command: "forecast".into(),
        inputs: inputs(spec),
        policy: PolicyRecord::of(spec),
    }
}

fn solver_record(s: &SolveStats) -> SolverRecord {
    SolverRecord {
        name: "HiGHS".into(),
        status: s.status.clone(),
        objective: round3(s.objective),
        bound: round3(s.bound),
        gap: s.gap,
        gap_million_vnd: round3(s.gap_million_vnd),
        seconds: round3(s.seconds),
        columns: s.columns,
        integer_columns: s.integer_columns,
        rows: s.rows,
        nodes: s.nodes,
    }
}

fn r5_records(r: &Results) -> Vec<R5Record> {
    let distances = crate::rules::r5_structure::distances(r.spec, r.plan);
    r.targets
        .iter()
        .filter(|t| t.rule == GOAL && t.unit == "PROVINCE")
        .map(|t| {
            let all: u32 = (0..r.spec.units.len())
                .map(|u| r.plan.sum(t.year, u, |_| true))
                .sum();
            R5Record {
                year: t.year,
                em_staff: t.achieved,
                all_staff: all,
                em_share_of_staff: round3(t.achieved as f64 / all.max(1) as f64),
                em_share_of_population_goal: round3(t.required as f64 / all.max(1) as f64),
                group_distance_persons: round3(distances.get(&t.year).copied().unwrap_or(0.0)),
            }
        })
        .collect()
}

/// `summary.json`'s `confidence`: the legal targets' margins, when `policy.confidence`
/// asks for any.
fn confidence_record(spec: &Spec, targets: &[TargetRow]) -> Option<ConfidenceRecord> {
    if spec.config.policy.confidence <= 0.5 {
        return None;
    }
    let with: Vec<&TargetRow> = targets.iter().filter(|r| r.margin > 0).collect();
    let short: Vec<&&TargetRow> = with.iter().filter(|r| r.margin_short() > 0).collect();
    Some(ConfidenceRecord {
        level: spec.config.policy.confidence,
        rows_with_margin: with.len(),
        margin_people: with.iter().map(|r| r.margin).sum(),
        rows_short_of_margin: short.len(),
        margin_people_short: short.iter().map(|r| r.margin_short()).sum(),
        cost_at_expectation: None,
        extra_cost: None,
    })
}

/// `summary.json`.
pub fn summary(r: &Results) -> Summary {
    let (met, missed, shortfall) = tally(r.targets);
    let mut by_lever: BTreeMap<String, f64> = BTreeMap::new();
    let mut by_year: BTreeMap<i32, f64> = BTreeMap::new();
    for ((year, _, line), cost) in &r.plan.costs {
        *by_lever.entry(line.to_string()).or_default() += cost;
        *by_year.entry(*year).or_default() += cost;
    }
    let total: f64 = by_lever.values().sum();
    let spec = r.spec;
    Summary {
        scenario: spec.config.name.clone(),
        illustrative: spec.config.illustrative,
        policy: PolicyRecord::of(spec),
        base_year: spec.base_year(),
        horizon: spec.horizon(),
        money_unit: "million VND".into(),
        solver: solver_record(r.stats),
        total_cost: round3(total),
        cost_by_lever: by_lever.into_iter().map(|(k, v)| (k, round3(v))).collect(),
        cost_by_year: by_year
            .into_iter()
            .map(|(k, v)| (k.to_string(), round3(v)))
            .collect(),
        total_shortfall: shortfall,
        targets_met: met,
        targets_missed: missed,
        missed: r.shortfalls.to_vec(),
        chance: None,
        confidence: confidence_record(spec, r.targets),
        staffing_issues: r
            .plan
            .staffing_issues
            .iter()
            .map(|i| IssueRecord {
                what: i.what(),
                unit: crate::rules::unit_name(spec, i.unit).to_string(),
                year: i.year,
                amount: round3(i.amount),
            })
            .collect(),
        r5: r5_records(r),
        groups: spec
            .groups
            .iter()
            .map(|g| GroupRecord {
                group: g.id.clone(),
                em: g.em,
                name: g.names.first().cloned(),
            })
            .collect(),
        warnings: spec.warnings.clone(),
        price_of_intent: r.price_of_intent.cloned(),
        budget: None,
        prices: None,
        hiring: Some(HiringRecord::of(spec, r.plan)),
        exits: Some(ExitsRecord::of(spec, r.plan)),
    }
}
