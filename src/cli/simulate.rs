//! `bienche simulate`: the Monte Carlo replay of a finished plan, and `--buffer`.

use crate::charts::labels::Labels;
use crate::charts::stats::Stats;
use crate::domain::Spec;
use crate::error::{Error, Result};
use crate::output::contract::{
    BufferRow, ExpectedRow, FanRow, Fixed2, Fixed4, Money, PlanTables, ProbabilityRow, RoundRow,
    SimulationSummary,
};
use crate::output::folder::{check_out, Kind, Out};
use crate::output::write;
use crate::simulate::{Chance, Outcome};
use std::collections::BTreeMap;
use std::path::Path;

/// Most draws one run takes: 10 million draws of the sample take about 14 hours on 2 cores.
const MAX_DRAWS: u64 = 10_000_000;

/// Largest buffer on one target, people.
const MAX_BUFFER: u32 = 5;

/// The command line of `simulate`, checked.
pub struct Request<'a> {
    pub out: &'a Path,
    pub draws: u64,
    pub seed: u64,
    pub threads: usize,
    pub lang: &'a str,
    pub buffer: Option<f64>,
    pub rounds: usize,
    pub force: bool,
}

/// (unit, rule, year) → met in the plan.
type Planned = BTreeMap<(String, String, i32), bool>;

pub fn run(r: &Request) -> Result<()> {
    let labels = Labels::new(r.lang)?;
    if !(1..=MAX_DRAWS).contains(&r.draws) {
        return Err(Error::Usage(format!(
            "--draws: expected a number of draws between 1 and 10,000,000, found {}",
            r.draws
        )));
    }
    if let Some(b) = r.buffer {
        if !(b > 0.0 && b < 1.0) {
            return Err(Error::Usage(format!(
                "--buffer: expected a probability between 0 and 1, such as 0.9, found {b}"
            )));
        }
    }
    let (spec, tables) = crate::scenario::of_plan(r.out, "simulating")?;
    check_out(&Out {
        path: &r.out.join("simulation"),
        kind: Kind::Simulation,
        inputs: &crate::scenario::inputs(&spec.dir)?,
        force: r.force,
    })?;
    let progress = crate::progress::Progress::new(r.draws, "draws", "{per_sec} · ETA {eta}");
    let outcome = crate::simulate::simulate(
        &spec,
        &tables,
        r.out,
        r.draws,
        r.seed,
        r.threads,
        &progress.bar,
    )?;
    progress.done();
    let stats = Stats::of(&tables);
    let planned: Planned = stats.status.clone();
    let mut buffered: Option<Vec<RoundRow>> = None;
    crate::output::write_folder(&r.out.join("simulation"), |dir| {
        write_simulation(dir, r, &spec, &tables, &outcome, &planned)?;
        let plots = dir.join("plots").join(r.lang);
        crate::output::folder::make_dir(&plots)?;
        crate::charts::compare::draw_fan(&plots, &outcome.fan, &stats, r.draws, &labels)?;
        if let Some(goal) = r.buffer {
            buffered = Some(buffer_plan(&spec, dir, r, &outcome, &planned, goal)?);
        }
        Ok(())
    })?;
    print_outcome(r, &outcome, &stats, &planned);
    if let (Some(goal), Some(rounds)) = (r.buffer, &buffered) {
        print_rounds(r, goal, rounds, stats.total_cost());
    }
    crate::outln!("wrote {}", r.out.join("simulation").display());
    Ok(())
}

fn write_simulation(
    dir: &Path,
    r: &Request,
    spec: &Spec,
    tables: &PlanTables,
    outcome: &Outcome,
    planned: &Planned,
) -> Result<()> {
    let name = spec.unit_names();
    let probabilities: Vec<ProbabilityRow> = outcome
        .targets
        .iter()
        .map(|c| ProbabilityRow {
            unit: c.unit.clone(),
            unit_name: name(&c.unit),
            rule: c.rule.to_string(),
            year: c.year,
            met_in_plan: met_in_plan(planned, c),
            draws_applying: c.applied,
            p_met: Fixed4(c.p_met(r.draws)),
        })
        .collect();
    write::rows(dir, &probabilities)?;
    let fan: Vec<FanRow> = outcome
        .fan
        .iter()
        .map(|(y, (a, b, c))| FanRow {
            year: *y,
            em_share_p10: Fixed2(*a),
            em_share_p50: Fixed2(*b),
            em_share_p90: Fixed2(*c),
            em_share_expected: Fixed2(outcome.expected_em_share(spec, *y) * 100.0),
            em_share_plan: Fixed2(crate::simulate::plan_em_share(spec, tables, *y) * 100.0),
        })
        .collect();
    write::rows(dir, &fan)?;
    write::rows(dir, &expected_rows(spec, tables, outcome))?;
    let summary = SimulationSummary {
        draws: r.draws,
        seed: r.seed,
        assumptions: [
            "statutory retirements as planned, from the base-year staff",
            "leaving at random: base-year staff at the unit's settled yearly rate, or their tenure year's where staff.csv gives their year of recruitment; hires from their tenure year new_hire_years on at their tenure band's rate (binomial per unit, cell and hiring year); a hire who leaves is replaced",
            "planned hires recruited gross, h/(1-P) (the fraction with that chance), each staying with probability 1-P; a unit's recruits within its quota, those left out at random; a unit the plan keeps at its quota recruits to it when more people left than booked, into the cells the plan hires it into",
            "a hire, or a base-year person the plan trained or promoted, who leaves is replaced down the way they came: recruited, trained, promoted (within leader posts), as far as the people are there",
            "exits (base-year staff first), transfers, promotions (within leader posts) and training as planned, as far as the people are there; a cell the plan trains from is trained down to what the plan leaves untrained there; who is moved drawn at random",
        ]
        .map(String::from)
        .to_vec(),
    };
    write::json(dir, "summary.json", &summary)
}

/// Every unit's head-count by group and year, all, trained and leaders, in the plan and on
/// average over the draws.
fn expected_rows(spec: &Spec, tables: &PlanTables, outcome: &Outcome) -> Vec<ExpectedRow> {
    /// (all, trained, leaders): the plan's and the draws' mean.
    #[derive(Default)]
    struct Counts {
        plan: [u32; 3],
        mean: [f64; 3],
    }
    let mut rows: BTreeMap<(i32, usize, usize), Counts> = BTreeMap::new();
    for r in &tables.trajectory {
        let (Some(u), Some(g)) = (
            spec.unit_index(&r.unit),
            spec.groups.iter().position(|g| g.id == r.group),
        ) else {
            continue;
        };
        let e = &mut rows.entry((r.year, u, g)).or_default().plan;
        e[0] += r.headcount;
        e[1] += r.headcount * r.trained as u32;
        e[2] += r.headcount * (r.role == crate::domain::Role::Leader) as u32;
    }
    for (&(t, u, c), &n) in &outcome.mean_stock {
        let e = &mut rows.entry((t, u, c.group)).or_default().mean;
        e[0] += n;
        e[1] += n * c.trained as u8 as f64;
        e[2] += n * c.leader as u8 as f64;
    }
    rows.into_iter()
        .map(|((year, u, g), c)| ExpectedRow {
            year,
            unit: spec.units[u].id.clone(),
            unit_name: spec.units[u].name.clone(),
            group: spec.groups[g].id.clone(),
            plan: c.plan[0],
            expected: Fixed2(c.mean[0]),
            trained_plan: c.plan[1],
            trained_expected: Fixed2(c.mean[1]),
            leaders_plan: c.plan[2],
            leaders_expected: Fixed2(c.mean[2]),
        })
        .collect()
}

fn print_outcome(r: &Request, outcome: &Outcome, stats: &Stats, planned: &Planned) {
    let last = stats.last_target_year();
    let at_risk = outcome
        .targets
        .iter()
        .filter(|c| {
            c.year == last && met_in_plan(planned, c) == Some(true) && c.p_met(r.draws) < 0.9
        })
        .count();
    crate::outln!(
        "{} draws in {:.1} s ({:.0} draws a second, {} threads, seed {})",
        r.draws,
        outcome.seconds,
        r.draws as f64 / outcome.seconds.max(1e-9),
        r.threads,
        r.seed
    );
    if let Some((p10, p50, p90)) = outcome.fan.get(&last) {
        crate::outln!("province EM share of staff in {last}: median {p50:.2}%, 10–90% of draws {p10:.2}%–{p90:.2}%");
    }
    crate::outln!("{at_risk} targets met by the plan have less than a 90% chance in {last}");
}

fn print_rounds(r: &Request, goal: f64, rounds: &[RoundRow], base_cost: f64) {
    crate::outln!(
        "safety buffer for a {:.0}% chance of every target the plan meets:",
        goal * 100.0
    );
    for round in rounds {
        let cost = round.total_cost.value();
        crate::outln!(
            "  round {}: {} targets raised, buffer {} people in all; cost {:.1} bn VND ({:+.1} vs the plan); {} targets still below {:.0}%",
            round.round,
            round.targets_raised,
            round.buffer_people,
            cost / 1000.0,
            (cost - base_cost) / 1000.0,
            round.targets_below_goal,
            goal * 100.0
        );
    }
    crate::outln!(
        "  buffered plan and buffer.csv in {}",
        r.out.join("simulation/buffered").display()
    );
}

/// Whether the plan itself meets a target row (`None`: the plan has no such row).
fn met_in_plan(planned: &Planned, c: &Chance) -> Option<bool> {
    planned
        .get(&(c.unit.clone(), c.rule.to_string(), c.year))
        .copied()
}

/// Targets the plan meets whose chance is below `goal`.
fn below_goal<'a>(
    outcome: &'a Outcome,
    planned: &'a Planned,
    goal: f64,
    draws: u64,
) -> impl Iterator<Item = &'a Chance> {
    outcome
        .targets
        .iter()
        .filter(move |c| met_in_plan(planned, c) == Some(true) && c.p_met(draws) < goal)
}

/// Raises by one person each target the plan meets whose chance is below `goal` (at most
/// [`MAX_BUFFER`] in all), re-plans and re-simulates, for up to `--buffer-rounds` rounds.
/// The last buffered plan goes to `dir/buffered/`, with `buffer.csv` and `rounds.csv`.
fn buffer_plan(
    spec: &Spec,
    dir: &Path,
    r: &Request,
    first: &Outcome,
    planned: &Planned,
    goal: f64,
) -> Result<Vec<RoundRow>> {
    let mut spec = spec.clone();
    spec.config.solver.threads = r.threads as u32;
    let bdir = dir.join("buffered");
    let mut rounds = Vec::new();
    let hidden = indicatif::ProgressBar::hidden();
    let mut outcome_before = None;
    for round in 1..=r.rounds {
        let latest: &Outcome = outcome_before.as_ref().unwrap_or(first);
        let mut raised = 0;
        for c in below_goal(latest, planned, goal, r.draws) {
            let Some(ui) = spec.unit_index(&c.unit) else {
                continue; // the province's own rows have no unit to raise
            };
            let b = spec.target_buffer.entry((ui, c.rule, c.year)).or_default();
            if *b < MAX_BUFFER {
                *b += 1;
                raised += 1;
            }
        }
        if raised == 0 {
            break;
        }
        let report = crate::run::plan_into(&spec, &bdir, crate::run::Options::default(), None)?;
        let outcome = crate::simulate::simulate(
            &spec,
            &report.tables,
            &bdir,
            r.draws,
            r.seed,
            r.threads,
            &hidden,
        )?;
        rounds.push(RoundRow {
            round,
            targets_raised: raised,
            buffer_people: spec.target_buffer.values().sum(),
            total_cost: Money::new(Stats::of(&report.tables).total_cost()),
            targets_below_goal: below_goal(&outcome, planned, goal, r.draws).count(),
        });
        outcome_before = Some(outcome);
    }
    let buffer: Vec<BufferRow> = spec
        .target_buffer
        .iter()
        .map(|((u, rule, y), b)| BufferRow {
            unit: spec.units[*u].id.clone(),
            unit_name: spec.units[*u].name.clone(),
            rule: rule.to_string(),
            year: *y,
            extra_people: *b,
        })
        .collect();
    crate::output::folder::make_dir(&bdir)?;
    write::rows(&bdir, &buffer)?;
    write::rows(&bdir, &rounds)?;
    Ok(rounds)
}
