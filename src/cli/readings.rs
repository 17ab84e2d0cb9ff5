//! `bienche readings`: for each clause the text allows to be read more than one way, the
//! clause quoted, its readings, and the head-counts each requires (computed in
//! [`crate::readings`]); then how to cost a reading with `bienche compare`.

use crate::domain::Spec;
use crate::error::Result;
use crate::readings::{self, Clause, Numbers, Readings};
use std::path::Path;

pub fn run(spec: &Spec, scenario: &Path) -> Result<()> {
    let r = readings::readings(spec);
    let c = &spec.config;
    if c.illustrative {
        println!(
            "readings: {} (ILLUSTRATIVE DATA: figures are invented, not official)",
            c.name
        );
    } else {
        println!("readings: {}", c.name);
    }
    println!(
        "Required head-counts under each reading, without solving: the minimums set by the quota \
         (R1–R4) are those the plan is held to; those that are shares of staff (R5 (a), R6, R7, R8) \
         and the PSU manager clause are taken of the {} staff. \"–\": the reading sets no such number.",
        r.base_year
    );
    for clause in &r.clauses {
        println!();
        print_clause(clause);
    }
    println!();
    print_hint(&r, scenario);
    for w in &spec.warnings {
        eprintln!("warning: {w}");
    }
    Ok(())
}

fn print_clause(c: &Clause) {
    println!(
        "{} ({}), {}: {}",
        c.text.id, c.text.source, c.setting, c.text.question
    );
    for line in c.text.quote {
        println!("  \"{line}\"");
    }
    println!("  readings:");
    let value_width = c.readings.iter().map(|r| r.value.len()).max().unwrap_or(0);
    for r in &c.readings {
        let mut marks = String::new();
        if r.default {
            marks.push_str(" (default)");
        }
        if r.chosen {
            marks.push_str(" (this scenario)");
        }
        println!("    {:<value_width$}  {}{marks}", r.value, r.meaning);
    }
    let unit_label = |n: &Numbers| format!("{} {} {}", n.unit, n.year, n.part);
    let total_label = |n: &Numbers| format!("{} {}", n.year, n.part);
    let label_width = c
        .totals
        .iter()
        .map(|n| total_label(n).chars().count())
        .chain(c.units.iter().map(|n| unit_label(n).chars().count()))
        .chain(std::iter::once("province total required".len() - 2))
        .max()
        .unwrap_or(0)
        + 2;
    let widths: Vec<usize> = c.readings.iter().map(|r| r.value.len().max(5)).collect();
    let row = |label: String, n: &Numbers| {
        let mut line = format!("    {label:<label_width$}");
        for (v, w) in n.required.iter().zip(&widths) {
            let text = v.map_or("–".to_string(), |v| v.to_string());
            line.push_str(&format!("  {text:>w$}"));
        }
        println!("{}", line.trim_end());
    };
    let mut header = format!("  {:<w$}", "province total required", w = label_width + 2);
    for (r, w) in c.readings.iter().zip(&widths) {
        header.push_str(&format!("  {:>w$}", r.value));
    }
    println!("{header}");
    for n in &c.totals {
        row(total_label(n), n);
    }
    if c.units.is_empty() && c.differs() {
        println!("  units that differ most: none (only province-wide rows differ)");
    } else if c.units.is_empty() {
        println!("  units that differ most: none");
    } else {
        println!("  units that differ most:");
        for n in &c.units {
            row(unit_label(n), n);
        }
    }
    if !c.differs() {
        println!("  the readings require the same head-counts in this scenario");
    }
    for note in &c.notes {
        println!("  note: {note}");
    }
}

fn print_hint(r: &Readings, scenario: &Path) {
    let (setting, value) =
        readings::costliest_alternative(r).unwrap_or((readings::Setting::R4Scope, "total"));
    // A scenario given as `.` or `..` has no folder name of its own.
    let scenario = match scenario.file_name() {
        Some(_) => scenario.to_path_buf(),
        None => scenario
            .canonicalize()
            .unwrap_or_else(|_| scenario.to_path_buf()),
    };
    let (dir, toml) = readings::variant_hint(&scenario, setting, value);
    println!(
        "To cost a reading, write a variant folder beside the scenario, e.g. {}/scenario.toml:",
        dir.display()
    );
    for line in toml.lines() {
        println!("{}", format!("    {line}").trim_end());
    }
    println!(
        "then plan both and compare them: bienche compare {} {} --out DIR",
        scenario.display(),
        dir.display()
    );
}
