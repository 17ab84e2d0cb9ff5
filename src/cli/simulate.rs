//! `bienche simulate`.

use crate::charts::labels::Labels;
use crate::error::{Error, Result};
use crate::output::{write_csv, write_json};
use crate::rules::Rule;
use serde_json::json;
use std::path::Path;

/// Largest buffer on one target, people.
const MAX_BUFFER: u32 = 5;

fn rule_of(name: &str) -> Option<Rule> {
    [
        Rule::R1,
        Rule::R2,
        Rule::R3,
        Rule::R4,
        Rule::R5,
        Rule::R6,
        Rule::R7,
        Rule::R8,
    ]
    .into_iter()
    .find(|r| r.to_string() == name)
}

pub fn run(
    out: &Path,
    draws: u64,
    seed: u64,
    threads: usize,
    lang: &str,
    buffer: Option<f64>,
    rounds: usize,
) -> Result<()> {
    let labels = Labels::new(lang)?;
    if draws == 0 || threads == 0 {
        return Err(Error::Usage(
            "--draws and --threads: expected 1 or more".into(),
        ));
    }
    if let Some(b) = buffer {
        if !(b > 0.0 && b < 1.0) {
            return Err(Error::Usage(format!(
                "--buffer: expected a probability between 0 and 1, such as 0.9, found {b}"
            )));
        }
    }
    let manifest_path = out.join("manifest.json");
    let manifest: serde_json::Value = std::fs::read_to_string(&manifest_path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .ok_or_else(|| Error::Unreadable {
            file: manifest_path.clone(),
            message: "missing or unreadable (is this a finished `bienche plan` folder?)".into(),
        })?;
    let dir = manifest["scenario_dir"].as_str().ok_or_else(|| {
        Error::input(
            &manifest_path,
            None,
            "scenario_dir",
            "missing: plan the scenario again with this version",
        )
    })?;
    let spec = crate::scenario::load(Path::new(dir))?;
    // The plan must be the plan of these inputs.
    for input in manifest["inputs"].as_array().into_iter().flatten() {
        let (file, sha) = (
            input["file"].as_str().unwrap_or(""),
            input["sha256"].as_str().unwrap_or(""),
        );
        let now = spec
            .inputs
            .iter()
            .find(|i| i.name == file)
            .map(|i| i.sha256.as_str());
        if now != Some(sha) {
            return Err(Error::Usage(format!(
                "{file} in {dir} has changed since this plan was made; plan it again before simulating"
            )));
        }
    }
    let progress = crate::output::progress_bar(draws, "draws", "{per_sec} · ETA {eta}");
    let outcome = crate::simulate::simulate(&spec, out, draws, seed, threads, &progress)?;
    progress.finish_and_clear();
    let stats = crate::charts::stats::load(out)?;
    let planned: std::collections::BTreeMap<(String, String, i32), bool> = stats.status.clone();
    let mut buffered: Option<Vec<Round>> = None;
    crate::output::write_folder(&out.join("simulation"), |dir| {
        write_csv(
            dir,
            "probabilities.csv",
            &[
                "unit",
                "rule",
                "year",
                "met_in_plan",
                "draws_applying",
                "p_met",
            ],
            outcome.targets.iter().map(|(u, r, y, applied, met)| {
                vec![
                    u.clone(),
                    r.clone(),
                    y.to_string(),
                    planned
                        .get(&(u.clone(), r.clone(), *y))
                        .map(|m| m.to_string())
                        .unwrap_or_default(),
                    applied.to_string(),
                    format!("{:.4}", *met as f64 / draws as f64),
                ]
            }),
        )?;
        write_csv(
            dir,
            "fan.csv",
            &["year", "em_share_p10", "em_share_p50", "em_share_p90"],
            outcome.fan.iter().map(|(y, (a, b, c))| {
                vec![
                    y.to_string(),
                    format!("{a:.2}"),
                    format!("{b:.2}"),
                    format!("{c:.2}"),
                ]
            }),
        )?;
        write_json(
            dir,
            "summary.json",
            &json!({
                "draws": draws,
                "seed": seed,
                "assumptions": [
                    "statutory retirements as planned",
                    "attrition at random: each person leaves with the unit's settled yearly rate (binomial per unit and cell)",
                    "planned hires recruited gross, round(h/(1-P)), each staying with probability 1-P; within the quota",
                    "exits, transfers, promotions (within leader posts) and training as planned, as far as the people are there",
                ],
            }),
        )?;
        let plots = dir.join("plots").join(lang);
        std::fs::create_dir_all(&plots).map_err(|e| Error::output(&plots, e))?;
        crate::charts::compare::draw_fan(&plots, &outcome.fan, &stats, draws, &labels)?;
        if let Some(goal) = buffer {
            buffered = Some(buffer_plan(
                &spec, dir, &outcome, &planned, goal, draws, seed, threads, rounds,
            )?);
        }
        Ok(())
    })?;
    let last = stats.last_target_year();
    let at_risk: Vec<&(String, String, i32, u64, u64)> = outcome
        .targets
        .iter()
        .filter(|(u, r, y, _, met)| {
            *y == last
                && planned.get(&(u.clone(), r.clone(), *y)) == Some(&true)
                && (*met as f64) < 0.9 * draws as f64
        })
        .collect();
    println!(
        "{draws} draws in {:.1} s ({:.0} draws a second, {threads} threads, seed {seed})",
        outcome.seconds,
        draws as f64 / outcome.seconds.max(1e-9)
    );
    if let Some((p10, p50, p90)) = outcome.fan.get(&last) {
        println!("province EM share of staff in {last}: median {p50:.2}%, 10–90% of draws {p10:.2}%–{p90:.2}%");
    }
    println!(
        "{} targets met by the plan have less than a 90% chance in {last}",
        at_risk.len()
    );
    if let (Some(goal), Some(rounds)) = (buffer, &buffered) {
        let base_cost = crate::compare::total_cost(&stats);
        println!(
            "safety buffer for a {:.0}% chance of every target the plan meets:",
            goal * 100.0
        );
        for r in rounds {
            println!(
                "  round {}: {} targets raised, buffer {} people in all; cost {:.1} bn VND ({:+.1} vs the plan); {} targets still below {:.0}%",
                r.round,
                r.raised,
                r.people,
                r.cost / 1000.0,
                (r.cost - base_cost) / 1000.0,
                r.below,
                goal * 100.0
            );
        }
        println!(
            "  buffered plan and buffer.csv in {}",
            out.join("simulation/buffered").display()
        );
    }
    println!("wrote {}", out.join("simulation").display());
    Ok(())
}

struct Round {
    round: usize,
    raised: usize,
    people: u32,
    cost: f64,
    below: usize,
}

/// Raises by one person each target the plan meets whose chance is below `goal` (at most
/// [`MAX_BUFFER`] in all), re-plans and re-simulates, for up to `max_rounds` rounds. The
/// last buffered plan goes to `dir/buffered/`, with `buffer.csv` and `rounds.csv`.
#[allow(clippy::too_many_arguments)]
fn buffer_plan(
    spec: &crate::domain::Spec,
    dir: &Path,
    first: &crate::simulate::Outcome,
    planned: &std::collections::BTreeMap<(String, String, i32), bool>,
    goal: f64,
    draws: u64,
    seed: u64,
    threads: usize,
    max_rounds: usize,
) -> Result<Vec<Round>> {
    let mut spec = spec.clone();
    spec.config.solver.threads = threads as u32;
    let mut targets = first.targets.clone();
    let bdir = dir.join("buffered");
    let mut rounds = Vec::new();
    let hidden = indicatif::ProgressBar::hidden();
    for round in 1..=max_rounds {
        let mut raised = 0;
        for (u, r, y, _, met) in &targets {
            let key = (u.clone(), r.clone(), *y);
            let (Some(ui), Some(rule)) = (spec.unit_index(u), rule_of(r)) else {
                continue;
            };
            if planned.get(&key) != Some(&true) || (*met as f64) >= goal * draws as f64 {
                continue;
            }
            let b = spec.target_buffer.entry((ui, rule, *y)).or_default();
            if *b < MAX_BUFFER {
                *b += 1;
                raised += 1;
            }
        }
        if raised == 0 {
            break;
        }
        let run = crate::cli::plan(&spec, &bdir, false, true, None)?;
        let _ = run;
        let outcome = crate::simulate::simulate(&spec, &bdir, draws, seed, threads, &hidden)?;
        let stats = crate::charts::stats::load(&bdir)?;
        let below = outcome
            .targets
            .iter()
            .filter(|(u, r, y, _, met)| {
                planned.get(&(u.clone(), r.clone(), *y)) == Some(&true)
                    && (*met as f64) < goal * draws as f64
            })
            .count();
        rounds.push(Round {
            round,
            raised,
            people: spec.target_buffer.values().sum(),
            cost: crate::compare::total_cost(&stats),
            below,
        });
        targets = outcome.targets;
    }
    write_csv(
        &bdir,
        "buffer.csv",
        &["unit", "rule", "year", "extra_people"],
        spec.target_buffer.iter().map(|((u, r, y), b)| {
            vec![
                spec.units[*u].id.clone(),
                r.to_string(),
                y.to_string(),
                b.to_string(),
            ]
        }),
    )?;
    write_csv(
        &bdir,
        "rounds.csv",
        &[
            "round",
            "targets_raised",
            "buffer_people",
            "total_cost",
            "targets_below_goal",
        ],
        rounds.iter().map(|r| {
            vec![
                r.round.to_string(),
                r.raised.to_string(),
                r.people.to_string(),
                crate::output::money(r.cost),
                r.below.to_string(),
            ]
        }),
    )?;
    Ok(rounds)
}
