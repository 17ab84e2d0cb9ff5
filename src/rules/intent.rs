//! I1–I4: what the decision intends beyond the letter of R1–R8 (POLICY.md "Intent the rules
//! leave implicit"), each a setting of `[intent]` with a documented default, rows in the
//! model, rows in `targets.csv`, and a priced shortfall (`intent.penalty` a person):
//!
//! - **I1, EM number** (II.1.b, II.2.a "nâng cao tỷ lệ, số lượng": raise the share *and the
//!   number*): in every planned year t, each unit's EM head-count
//!   `Σ_{c EM} S[u,c,t] + shortfall ≥ n_u(t)`, with `n_u(t)` its base-year EM head-count
//!   (a re-plan's: its reference year's, `Spec::reference_year`, as in the plan it replaces),
//!   scaled down in proportion where the quota in force is below the base-year quota
//!   (`⌊n_u · quota[t]/quota[base]⌋`: a unit whose quota is cut may lose EM staff in
//!   proportion, not more). The province's row is the sum of the units' (implied by them).
//! - **I2, who is hired** (VI.5 "tuyển dụng … phù hợp với tỷ lệ, cơ cấu thành phần dân tộc
//!   thiểu số, ưu tiên … xã biên giới, xã đặc biệt khó khăn"): each unit's EM hires are at
//!   least a share `s_u` (`intent.hiring_em_share`, else the unit's EM population share) of
//!   its hires. On the `forecast` basis (the default) the share is of the net hires the
//!   no-plan forecast makes to keep the unit staffed ([`crate::forecast::unit_hires`]: its
//!   hires less the replacements of its own hires who left, as a plan's hire is a person who
//!   stays, assumption 2), `F_u(τ)`, so what is asked
//!   is a number known before planning, running over the years: for each planned year t,
//!   `Σ_{τ≤t} E_u(τ) + shortfall ≥ round(s_u · Σ_{τ≤t} F_u(τ) − tolerance)`, with no
//!   tolerance in the horizon year (`policy.rounding`). A year short is priced again each
//!   year it stays short. On the `plan` basis the share is of the plan's own hires `H_u`:
//!   `E_u + shortfall ≥ s_u · H_u` over the horizon and `E_u(t) + shortfall ≥ s_u · H_u(t) −
//!   tolerance` each year, the shortfall priced as the exact share asks; its fractional
//!   coefficients make the group MIPs far slower (docs/model.md). Held by the province
//!   (`hiring_scope = "province"`), the units' rows are summed into shared rows. Units
//!   flagged `difficult` have their shortfall priced `intent.difficult_priority` times
//!   higher. Without this rule every EM hire raises what R4, R6–R8 then require, so the
//!   least-cost plan hires Kinh.
//! - **I3, staffing**: each unit keeps at least its base-year fill rate of the quota in force
//!   (capped at 100%, never below `staffing.min_fill`): the staffing floor row of
//!   [`crate::model::staffing`], whose slack is priced at `policy.shortfall_penalty` and
//!   reported as a staffing issue; here it is evaluated and reported like every rule.
//!   Without it the cheapest plan leaves posts empty down to the 90% floor to save salaries.
//! - **I4, nominated graduates placed** (VI.5 "bố trí việc làm đối với … sinh viên học theo
//!   chế độ cử tuyển sau khi tốt nghiệp"): a channel with `min_hires` in `channels.csv` hires
//!   at least `⌊(1−P)·min_hires⌋` people who stay that year, a shared row of
//!   [`crate::model::capacity`]. In `targets.csv` its unit column names the channel.

use super::{Family, Limit};
use crate::domain::target::TargetRow;
use crate::domain::{Cell, FlowKind, HiringBasis, HiringScope, Rule, Spec};
use crate::model::capacity::Capacity;
use crate::model::stocks::amount_expr;
use crate::model::{Model, RowKind, RowMeta, TargetSlack};
use crate::plan::Plan;
use crate::rounding::round_count;
use good_lp::Expression;
use std::collections::BTreeMap;

/// The family of I1–I4.
pub struct Intent;

impl Family for Intent {
    fn rules(&self) -> &'static [Rule] {
        &[Rule::I1, Rule::I2, Rule::I3, Rule::I4]
    }
    fn prepare_rows(&self, spec: &Spec, m: &mut Model) {
        if spec.config.intent.em_number {
            add_em_number(spec, m);
        }
        if spec.config.intent.hiring_composition && !province_hiring(spec) {
            add_hiring(spec, m);
        }
    }
    fn evaluate_yearly(&self, spec: &Spec, plan: &Plan) -> Vec<TargetRow> {
        evaluate(spec, plan)
    }
    fn explain_yearly(&self, spec: &Spec) -> Vec<String> {
        explain(spec)
    }
    fn summary(&self, spec: &Spec, year: i32, _level: f64) -> Vec<String> {
        if year != spec.config.time.targets.last().map_or(0, |t| t.year) {
            return Vec::new();
        }
        let i = &spec.config.intent;
        let on = |b: bool| if b { "on" } else { "off" };
        vec![format!(
            "intent: I1 EM number {}, I2 EM share of hires {}, I3 base fill rate {}, I4 nominated graduates {} channel-years; milestones {}",
            on(i.em_number),
            on(i.hiring_composition),
            on(i.keep_base_fill),
            spec.channels.iter().filter(|c| c.min_hires.is_some()).count(),
            i.milestones
        )]
    }
    fn limits(&self, rule: Rule) -> &'static [Limit] {
        match rule {
            Rule::I1 | Rule::I2 | Rule::I4 => &[Limit::HiringCaps],
            _ => &[],
        }
    }
}

/// I1: the least EM head-count of unit u in year t.
pub fn em_floor(spec: &Spec, u: usize, t: i32) -> u32 {
    let base = base_em(spec, u);
    let q0 = spec.reference_quota(u);
    let qt = spec.quota(u, t);
    if qt >= q0 || q0 == 0 {
        base
    } else {
        ((base as u64 * qt as u64) / q0 as u64) as u32
    }
}

fn base_em(spec: &Spec, u: usize) -> u32 {
    spec.reference_staff_of(u)
        .filter(|(c, _)| spec.is_em(c))
        .map(|(_, n)| n)
        .sum()
}

/// I2: the least EM share of unit u's hires.
pub fn hiring_share(spec: &Spec, u: usize) -> f64 {
    spec.config
        .intent
        .hiring_em_share
        .unwrap_or(spec.units[u].em_population_share)
        .clamp(0.0, 1.0)
}

/// Whether I2 is held by the province as a whole (shared rows of
/// [`crate::model::capacity`]) rather than by each unit.
pub fn province_hiring(spec: &Spec) -> bool {
    spec.config.intent.hiring_composition
        && spec.config.intent.hiring_scope == HiringScope::Province
}

/// Whether I2 asks a share of the forecast's net hires (fixed numbers) rather than of the plan's:
/// its rows of `targets.csv` are then exact whole people, priced like any other row.
pub fn forecast_basis(spec: &Spec) -> bool {
    spec.config.intent.hiring_basis == HiringBasis::Forecast
}

/// `x` less I2's yearly tolerance before the horizon, in whole people.
fn less_tolerance(spec: &Spec, x: f64, t: i32) -> u32 {
    let tolerance = if t < spec.horizon() {
        spec.config.intent.hiring_year_tolerance as f64
    } else {
        0.0
    };
    round_count((x - tolerance).max(0.0), spec.config.policy.rounding)
}

/// I2 on the forecast basis, unrounded: the share of unit u's forecast net hires of the years up to t.
fn forecast_share(spec: &Spec, u: usize, t: i32) -> f64 {
    let hires: u32 = (spec.base_year() + 1..=t)
        .map(|y| spec.forecast_hires(u, y))
        .sum();
    hiring_share(spec, u) * hires as f64
}

/// I2 on the forecast basis: the EM hires unit u must have made in the years up to t.
pub fn hiring_required(spec: &Spec, u: usize, t: i32) -> u32 {
    less_tolerance(spec, forecast_share(spec, u, t), t)
}

/// I2 on the forecast basis held by the province: the EM hires of all units up to t.
fn province_required(spec: &Spec, t: i32) -> u32 {
    let x = (0..spec.units.len())
        .map(|u| forecast_share(spec, u, t))
        .sum();
    less_tolerance(spec, x, t)
}

/// The province's I2 rows that a hire into `cell` of unit u in `year` counts in, with its
/// coefficient: on the plan basis 1 for an EM hire less the share unit u's hires ask, in
/// its year's row and the horizon's; on the forecast basis 1 for an EM hire, in the rows of
/// its year and every later one.
pub fn hiring_terms(spec: &Spec, u: usize, cell: &Cell, year: i32) -> Vec<(Capacity, f64)> {
    if !province_hiring(spec) {
        return Vec::new();
    }
    let em = spec.is_em(cell);
    if forecast_basis(spec) {
        return match em {
            true => (year..=spec.horizon())
                .map(|t| (Capacity::HiringShare(Some(t)), 1.0))
                .collect(),
            false => Vec::new(),
        };
    }
    let term = f64::from(u8::from(em)) - hiring_share(spec, u);
    vec![
        (Capacity::HiringShare(Some(year)), term),
        (Capacity::HiringShare(None), term),
    ]
}

/// The least value of a province I2 row (`None` where there is no such row): on the plan
/// basis `−tolerance` in a year and 0 over the horizon (`None`); on the forecast basis the
/// EM hires asked up to the year.
pub fn province_hiring_least(spec: &Spec, year: Option<i32>) -> Option<f64> {
    if !province_hiring(spec) {
        return None;
    }
    let tolerance = spec.config.intent.hiring_year_tolerance as f64;
    match (forecast_basis(spec), year) {
        (true, Some(t)) => Some(province_required(spec, t) as f64),
        (true, None) => None,
        (false, Some(_)) => Some(-tolerance),
        (false, None) => Some(0.0),
    }
}

/// I3: the share of the quota in force unit u keeps staffed.
pub fn fill_rate(spec: &Spec, u: usize) -> f64 {
    let min_fill = spec.config.staffing.min_fill;
    if !spec.config.intent.keep_base_fill {
        return min_fill;
    }
    let q0 = spec.reference_quota(u);
    if q0 == 0 {
        return min_fill;
    }
    let staff: u32 = spec.reference_staff_of(u).map(|(_, n)| n).sum();
    (staff as f64 / q0 as f64).clamp(min_fill, 1.0)
}

/// I3: the least head-count of unit u in year t.
pub fn staffing_floor(spec: &Spec, u: usize, t: i32) -> u32 {
    round_count(
        fill_rate(spec, u) * spec.quota(u, t) as f64,
        spec.config.policy.rounding,
    )
}

/// The legal rows of a unit in a target year whose requirement one EM person can move: R6
/// (or the public-service clause), R7 and R8.
pub const I1_LEGAL_ROWS: f64 = 3.0;

/// Whether a unit's shortfall on `rule` is priced row by row in a plan's objective: on the
/// plan basis I2's is priced by `hiring_shortfall` at its exact share (each unit's, or the
/// province's when held by it).
pub fn priced_by_row(spec: &Spec, rule: Rule) -> bool {
    rule != Rule::I2 || forecast_basis(spec)
}

/// The price of a person short of a rule in a year: the target price for R1–R8 in a target
/// year (`policy.target_penalty`, by default the shortfall penalty), `intent.penalty` for a
/// milestone (never above the target price) and for I1 and I4, `intent.hiring_penalty`
/// for I2 (times the priority of a difficult unit); R5's share reading at `policy.r5_weight`. I3 is priced as the
/// staffing floor's slack, so its rows here cost nothing more.
///
/// A unit's I1 row in a target year also carries [`I1_LEGAL_ROWS`] target prices: an
/// EM person fewer lowers what R6 (or the public-service clause), R7 and R8 ask of the unit
/// by at most a person each (their requirements are shares of its EM staff, rounded), so
/// letting EM staff go below I1's floor never pays. Priced at `intent.penalty` alone, the
/// sample's commune X26, whose four leader posts cannot carry R6 on the 21 EM staff I1 asks,
/// cut them to 18 and 20 (confidence 0.9) so that four EM leaders met R6 in 2035.
pub fn price(spec: &Spec, rule: Rule, unit: Option<usize>, year: i32) -> f64 {
    let p = &spec.config.policy;
    let intent = &spec.config.intent;
    // Intent rows are priced below the legal targets: a larger setting is capped.
    let penalty = intent.penalty.min(p.shortfall_penalty);
    let legal = p.target_price();
    match rule {
        Rule::I3 => 0.0,
        Rule::I2 if unit.is_some_and(|u| spec.units[u].difficult) => {
            intent.hiring_penalty * intent.difficult_priority
        }
        Rule::I2 => intent.hiring_penalty,
        Rule::I1 if unit.is_some() && super::roadmap::is_target_year(spec, year) => {
            penalty + I1_LEGAL_ROWS * legal
        }
        Rule::I1 | Rule::I4 => penalty,
        Rule::R5 => p.r5_weight,
        _ if super::roadmap::is_target_year(spec, year) => legal,
        // A milestone is never dearer than its target (`policy.target_penalty`).
        _ => penalty.min(legal),
    }
}

fn slack(m: &mut Model, rule: Rule, unit: usize, year: i32) -> good_lp::Variable {
    let s = m.continuous();
    m.slacks.push(TargetSlack {
        unit: Some(unit),
        rule,
        year,
        slack: s,
    });
    s
}

fn add_em_number(spec: &Spec, m: &mut Model) {
    for u in m.scope.units.clone() {
        for t in spec.plan_years() {
            let floor = em_floor(spec, u, t);
            if floor == 0 {
                continue;
            }
            let em = m.stock_sum(spec, u, t, |c| spec.is_em(c));
            let s = slack(m, Rule::I1, u, t);
            m.add_row(
                (em + s).geq(floor as f64),
                RowMeta::new(RowKind::Target(Rule::I1), Some(u), t),
            );
        }
    }
}

/// Each unit's hires by year: (all, EM).
fn hires_by_year(spec: &Spec, m: &Model) -> BTreeMap<(usize, i32), (Expression, Expression)> {
    let mut out: BTreeMap<(usize, i32), (Expression, Expression)> = BTreeMap::new();
    for f in m.flows.iter().filter(|f| f.kind == FlowKind::Hire) {
        let e = out.entry((f.unit, f.year)).or_default();
        e.0 += amount_expr(&f.amount);
        if spec.is_em(&f.cell) {
            e.1 += amount_expr(&f.amount);
        }
    }
    out
}

/// I2 on the forecast basis, each unit: its EM hires up to each year against a fixed number.
fn add_hiring_forecast(spec: &Spec, m: &mut Model) {
    let by_year = hires_by_year(spec, m);
    for u in m.scope.units.clone() {
        let mut em = Expression::default();
        for t in spec.plan_years() {
            if let Some((_, e)) = by_year.get(&(u, t)) {
                em += e.clone();
            }
            let required = hiring_required(spec, u, t);
            if required == 0 {
                continue;
            }
            let sl = slack(m, Rule::I2, u, t);
            m.add_row(
                (em.clone() + sl).geq(required as f64),
                RowMeta::new(RowKind::Target(Rule::I2), Some(u), t),
            );
        }
    }
}

fn add_hiring(spec: &Spec, m: &mut Model) {
    if forecast_basis(spec) {
        return add_hiring_forecast(spec, m);
    }
    let tolerance = spec.config.intent.hiring_year_tolerance as f64;
    let by_year = hires_by_year(spec, m);
    for u in m.scope.units.clone() {
        let s = hiring_share(spec, u);
        if s <= 0.0 {
            continue;
        }
        let (mut all, mut em) = (Expression::default(), Expression::default());
        for t in spec.plan_years() {
            let Some((h, e)) = by_year.get(&(u, t)) else {
                continue;
            };
            all += h.clone();
            em += e.clone();
            let sl = slack(m, Rule::I2, u, t);
            m.add_row(
                (e.clone() + sl - h.clone() * s).geq(-tolerance),
                RowMeta::new(RowKind::Target(Rule::I2), Some(u), t).with("year"),
            );
        }
        let sl = slack(m, Rule::I2, u, spec.horizon());
        m.add_row(
            (em + sl - all * s).geq(0.0),
            RowMeta::new(RowKind::Target(Rule::I2), Some(u), spec.horizon()).with("horizon"),
        );
    }
}

/// I2's priced shortfall of a plan: the exact share less the EM hires, in fractions of a
/// person as the model prices it (`targets.csv` reports it rounded up to whole people).
pub fn hiring_shortfall(spec: &Spec, plan: &Plan) -> f64 {
    if !spec.config.intent.hiring_composition {
        return 0.0;
    }
    if forecast_basis(spec) {
        // Whole people against fixed numbers: priced from the rows of `targets.csv`.
        return 0.0;
    }
    let tolerance = spec.config.intent.hiring_year_tolerance as f64;
    let hires = plan_hires(spec, plan).0;
    if province_hiring(spec) {
        let price = price(spec, Rule::I2, None, spec.horizon());
        let mut by_year: BTreeMap<i32, f64> = BTreeMap::new();
        for (&(u, t), &(h, e)) in &hires {
            *by_year.entry(t).or_default() += e as f64 - hiring_share(spec, u) * h as f64;
        }
        let year_short: f64 = by_year.values().map(|d| (-d - tolerance).max(0.0)).sum();
        let horizon_short = (-by_year.values().sum::<f64>()).max(0.0);
        return price * (year_short + horizon_short);
    }
    let mut total = 0.0;
    for (u, _) in spec.units.iter().enumerate() {
        let s = hiring_share(spec, u);
        let price = price(spec, Rule::I2, Some(u), spec.horizon());
        let (mut all, mut em) = (0.0, 0.0);
        for (_, &(h, e)) in hires.range((u, i32::MIN)..=(u, i32::MAX)) {
            all += h as f64;
            em += e as f64;
            total += price * (s * h as f64 - tolerance - e as f64).max(0.0);
        }
        total += price * (s * all - em).max(0.0);
    }
    total
}

/// Hires by (unit, year): (all, EM).
type Hires = BTreeMap<(usize, i32), (u32, u32)>;

/// A plan's hires by (unit, year) as (all, EM), and by channel index.
fn plan_hires(spec: &Spec, plan: &Plan) -> (Hires, BTreeMap<usize, u32>) {
    let mut hires: BTreeMap<(usize, i32), (u32, u32)> = BTreeMap::new();
    let mut channel_hires: BTreeMap<usize, u32> = BTreeMap::new();
    for (key, (n, _)) in plan.flows.iter().filter(|(k, _)| k.kind == FlowKind::Hire) {
        let e = hires.entry((key.unit, key.year)).or_default();
        e.0 += n;
        if spec.is_em(&key.cell) {
            e.1 += n;
        }
        if let Some(k) = key.channel_index {
            *channel_hires.entry(k).or_default() += n;
        }
    }
    (hires, channel_hires)
}

/// Name of an I2 horizon row in `targets.csv`: the unit's rows of single years carry the
/// year; the row over the whole horizon carries this unit name suffix.
pub const HORIZON: &str = "/horizon";

/// I1–I4 evaluated on a plan's head-counts and flows, every planned year.
pub fn evaluate(spec: &Spec, plan: &Plan) -> Vec<TargetRow> {
    let i = &spec.config.intent;
    let rounding = spec.config.policy.rounding;
    let mut out = Vec::new();
    let (hires, channel_hires) = plan_hires(spec, plan);
    let mut horizon_hires = (0.0, 0u32);
    for t in spec.plan_years() {
        let mut province = (0u32, 0u32);
        let mut province_hires = (0.0, 0u32);
        for (u, unit) in spec.units.iter().enumerate() {
            if i.em_number {
                let floor = em_floor(spec, u, t);
                let em = plan.sum(t, u, |c| spec.is_em(c));
                province.0 += floor;
                province.1 += em;
                if floor > 0 {
                    out.push(TargetRow::new(&unit.id, Rule::I1, t, floor, em));
                }
            }
            if i.keep_base_fill {
                let floor = staffing_floor(spec, u, t);
                if floor > 0 {
                    out.push(TargetRow::new(
                        &unit.id,
                        Rule::I3,
                        t,
                        floor,
                        plan.sum(t, u, |_| true),
                    ));
                }
            }
            if i.hiring_composition && !forecast_basis(spec) {
                if let Some(&(all, em)) = hires.get(&(u, t)) {
                    let x = hiring_share(spec, u) * all as f64;
                    province_hires.0 += x;
                    province_hires.1 += em;
                    if hiring_share(spec, u) <= 0.0 {
                        continue;
                    }
                    let x = x - i.hiring_year_tolerance as f64;
                    let mut r = TargetRow::new(&unit.id, Rule::I2, t, round_count(x, rounding), em);
                    r.goal = province_hiring(spec);
                    out.push(r);
                }
            }
        }
        if i.em_number {
            // The sum of the units' rows, which imply it: reported, not counted again.
            let mut r = TargetRow::new("PROVINCE", Rule::I1, t, province.0, province.1);
            r.goal = true;
            out.push(r);
        }
        if province_hiring(spec) && !forecast_basis(spec) {
            horizon_hires.0 += province_hires.0;
            horizon_hires.1 += province_hires.1;
            let x = province_hires.0 - i.hiring_year_tolerance as f64;
            let required = round_count(x, rounding);
            out.push(TargetRow::new(
                "PROVINCE",
                Rule::I2,
                t,
                required,
                province_hires.1,
            ));
        }
    }
    if i.hiring_composition && forecast_basis(spec) {
        evaluate_hiring_forecast(spec, &hires, &mut out);
    } else if province_hiring(spec) {
        let required = round_count(horizon_hires.0, rounding);
        out.push(TargetRow::new(
            &format!("PROVINCE{HORIZON}"),
            Rule::I2,
            spec.horizon(),
            required,
            horizon_hires.1,
        ));
    }
    if i.hiring_composition && !forecast_basis(spec) {
        for (u, unit) in spec.units.iter().enumerate() {
            let s = hiring_share(spec, u);
            let (all, em) = hires
                .iter()
                .filter(|((v, _), _)| *v == u)
                .fold((0, 0), |a, (_, h)| (a.0 + h.0, a.1 + h.1));
            if s > 0.0 && all > 0 {
                let q = round_count(s * all as f64, rounding);
                let mut r = TargetRow::new(
                    &format!("{}{HORIZON}", unit.id),
                    Rule::I2,
                    spec.horizon(),
                    q,
                    em,
                );
                r.goal = province_hiring(spec);
                out.push(r);
            }
        }
    }
    for (k, ch) in spec.channels.iter().enumerate() {
        if let Some(least) = Capacity::ChannelMin(k).limit(spec) {
            let placed = channel_hires.get(&k).copied().unwrap_or(0);
            out.push(TargetRow::new(
                &ch.id,
                Rule::I4,
                ch.year,
                least as u32,
                placed,
            ));
        }
    }
    out
}

/// I2 on the forecast basis: each unit's EM hires up to each year against its fixed number,
/// and, held by the province, their sums (the units' rows then reported, not priced).
fn evaluate_hiring_forecast(spec: &Spec, hires: &Hires, out: &mut Vec<TargetRow>) {
    let province = province_hiring(spec);
    let mut em_so_far = vec![0u32; spec.units.len()];
    for t in spec.plan_years() {
        for (u, unit) in spec.units.iter().enumerate() {
            em_so_far[u] += hires.get(&(u, t)).map_or(0, |h| h.1);
            let required = hiring_required(spec, u, t);
            if required > 0 {
                let mut r = TargetRow::new(&unit.id, Rule::I2, t, required, em_so_far[u]);
                r.goal = province;
                out.push(r);
            }
        }
        let required = province_required(spec, t);
        if province && required > 0 {
            let em: u32 = em_so_far.iter().sum();
            out.push(TargetRow::new("PROVINCE", Rule::I2, t, required, em));
        }
    }
}

/// `bienche targets` lines of I1–I4.
fn explain(spec: &Spec) -> Vec<String> {
    let i = &spec.config.intent;
    let mut out = Vec::new();
    for (u, unit) in spec.units.iter().enumerate() {
        if i.em_number {
            out.push(format!(
                "{}\tI1\t{}–{}\t{}\tEM head-count ≥ {}'s {} (less in proportion to a quota cut)",
                unit.id,
                spec.base_year() + 1,
                spec.horizon(),
                em_floor(spec, u, spec.horizon()),
                spec.reference_year(),
                base_em(spec, u)
            ));
        }
        if i.hiring_composition && hiring_share(spec, u) > 0.0 {
            let (required, of) = if forecast_basis(spec) {
                let hires: u32 = spec.plan_years().map(|t| spec.forecast_hires(u, t)).sum();
                (
                    hiring_required(spec, u, spec.horizon()).to_string(),
                    format!("the {hires} net hires of the no-plan forecast, each year on the way"),
                )
            } else {
                (
                    "share of hires".to_string(),
                    "hires, over the horizon and each year".to_string(),
                )
            };
            out.push(format!(
                "{}\tI2\t{}–{}\t{required}\tEM hires ≥ {:.1}% of {of} less {}",
                unit.id,
                spec.base_year() + 1,
                spec.horizon(),
                hiring_share(spec, u) * 100.0,
                i.hiring_year_tolerance
            ));
        }
        if i.keep_base_fill {
            out.push(format!(
                "{}\tI3\t{}–{}\t{}\tstaff ≥ {:.1}% of the quota in force",
                unit.id,
                spec.base_year() + 1,
                spec.horizon(),
                staffing_floor(spec, u, spec.horizon()),
                fill_rate(spec, u) * 100.0
            ));
        }
    }
    for (k, ch) in spec.channels.iter().enumerate() {
        if let (Some(least), Some(min)) = (Capacity::ChannelMin(k).limit(spec), ch.min_hires) {
            out.push(format!(
                "{}\tI4\t{}\t{least}\t{min} graduates offered posts, {least} after new-hire leavers",
                ch.id, ch.year
            ));
        }
    }
    out
}
