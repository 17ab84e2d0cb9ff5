//! `bienche simulate`.

use crate::charts::labels::Labels;
use crate::error::{Error, Result};
use crate::output::{write_csv, write_json};
use serde_json::json;
use std::path::Path;

pub fn run(out: &Path, draws: u64, seed: u64, threads: usize, lang: &str) -> Result<()> {
    let labels = Labels::new(lang)?;
    if draws == 0 || threads == 0 {
        return Err(Error::Usage(
            "--draws and --threads: expected 1 or more".into(),
        ));
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
    let progress = indicatif::ProgressBar::new(draws);
    progress.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:30} {pos}/{len} draws · {per_sec} · ETA {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let outcome = crate::simulate::simulate(&spec, out, draws, seed, threads, &progress)?;
    progress.finish_and_clear();
    let stats = crate::charts::stats::load(out)?;
    let planned: std::collections::BTreeMap<(String, String, i32), bool> = stats.status.clone();
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
    println!("wrote {}", out.join("simulation").display());
    Ok(())
}
