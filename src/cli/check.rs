//! `bienche check`, `targets` and `retirement`: what a scenario says, what each target
//! requires and why, and when a person retires.

use crate::domain::{Spec, UnitKind};
use crate::error::{Error, Result};
use crate::rules;

/// `WHAT: NAME`, labelled when the data are illustrative.
fn print_title(what: &str, name: &str, illustrative: bool) {
    if illustrative {
        crate::outln!("{what}: {name} (ILLUSTRATIVE DATA: figures are invented, not official)");
    } else {
        crate::outln!("{what}: {name}");
    }
}

/// A national folder: every province loaded and checked, one line each.
pub fn national(n: &crate::national::National) -> Result<()> {
    print_title("national", &n.name, n.illustrative);
    for (folder, spec) in &n.provinces {
        crate::outln!(
            "  {folder}: {} ({} units)",
            spec.config.name,
            spec.units.len()
        );
        for w in &spec.warnings {
            crate::errln!("warning: {folder}: {w}");
        }
    }
    crate::outln!(
        "ok: {} province{} valid",
        n.provinces.len(),
        if n.provinces.len() == 1 {
            " is"
        } else {
            "s are"
        }
    );
    Ok(())
}

pub fn check(spec: &Spec) -> Result<()> {
    let c = &spec.config;
    print_title("scenario", &c.name, c.illustrative);
    crate::outln!(
        "years: stocks at 31 Dec {}, plan {}–{}",
        spec.base_year(),
        spec.base_year() + 1,
        spec.horizon()
    );
    let targets: Vec<String> = c
        .time
        .targets
        .iter()
        .map(|t| format!("{} at {:.0}%", t.year, t.level * 100.0))
        .collect();
    crate::outln!("target years: {}", targets.join("; "));
    let p = &c.policy;
    crate::outln!("policy:");
    crate::outln!("  roadmap = {}", p.roadmap);
    crate::outln!("  band_rule = {}", p.band_rule);
    crate::outln!(
        "  seventy_percent_band = {}: a commune with exactly 70% EM population is in the {} band",
        p.seventy_percent_band,
        match p.seventy_percent_band {
            crate::domain::SeventyPercentBand::Top => "top (35%–50% of quota)",
            crate::domain::SeventyPercentBand::Lower => "50%–70% (25%–35% of quota)",
        }
    );
    crate::outln!("  rounding = {} (of required head-counts)", p.rounding);
    crate::outln!("  r1_scope = {}", p.r1_scope);
    crate::outln!("  min_fill = {:.0}% of quota", c.staffing.min_fill * 100.0);
    crate::outln!(
        "  exits = {} (whom streamlining exits may let go)",
        c.staffing.exits
    );
    crate::outln!(
        "  exit_leaders = {}, leader_term_years = {}, keep_leaders = {} (whether exits may let leaders go; the term after which a leader may step down, 0: never; whether each unit keeps its base-year leaders)",
        c.staffing.exit_leaders,
        c.staffing.leader_term_years,
        c.staffing.keep_leaders
    );
    crate::outln!("units: {}", spec.units.len());
    for (name, kind) in UnitKind::choices() {
        let us: Vec<usize> = (0..spec.units.len())
            .filter(|&u| spec.units[u].kind == kind)
            .collect();
        if us.is_empty() {
            continue;
        }
        let quota: u32 = us.iter().map(|&u| spec.quota(u, spec.base_year())).sum();
        let staff: u32 = spec
            .staff
            .iter()
            .filter(|((u, _), _)| spec.units[*u].kind == kind)
            .map(|(_, n)| n)
            .sum();
        let em: u32 = spec
            .staff
            .iter()
            .filter(|((u, c), _)| spec.units[*u].kind == kind && spec.is_em(c))
            .map(|(_, n)| n)
            .sum();
        crate::outln!(
            "  {name}: {} units, quota {quota}, staff {staff}, EM {em}",
            us.len()
        );
    }
    let dated: Vec<(i32, u32)> = spec
        .staff_hired
        .values()
        .flat_map(|years| years.iter().map(|(&h, &n)| (h, n)))
        .collect();
    if let (Some(first), Some(last)) = (
        dated.iter().map(|d| d.0).min(),
        dated.iter().map(|d| d.0).max(),
    ) {
        let total: u32 = spec.staff.values().sum();
        let years = if first == last {
            first.to_string()
        } else {
            format!("{first}–{last}")
        };
        crate::outln!(
            "  staff with a year of recruitment (hired {years}): {} of {total}, leaving at their tenure years' rates; the others settled",
            dated.iter().map(|d| d.1).sum::<u32>()
        );
    }
    let groups: Vec<&str> = spec.groups.iter().map(|g| g.id.as_str()).collect();
    crate::outln!("groups: {}", groups.join(", "));
    let channels: std::collections::BTreeSet<&str> =
        spec.channels.iter().map(|c| c.id.as_str()).collect();
    crate::outln!(
        "channels: {}",
        channels.into_iter().collect::<Vec<_>>().join(", ")
    );
    crate::outln!("transfer routes: {} route-years", spec.transfers.len());
    crate::outln!("required head-counts (R1–R4, sum over units):");
    for ty in &c.time.targets {
        for family in rules::FAMILIES {
            for line in family.summary(spec, ty.year, ty.level) {
                crate::outln!("  {line}");
            }
        }
    }
    if let Some(d) = &spec.roster {
        super::roster::print_summary(spec, d);
    }
    if let Some(v) = &spec.variant {
        crate::outln!("effective settings (value ← file that set it):");
        for (key, value, file) in &v.settings {
            // Data: a setting's value is shown as it is, never translated.
            println!("  {key} = {value}  ← {file}");
        }
        crate::outln!("tables:");
        for (table, notes) in &v.tables {
            crate::outln!("  {table}: {}", notes.join("; "));
        }
    }
    // On stderr, as `plan` prints them.
    for w in &spec.warnings {
        crate::errln!("warning: {w}");
    }
    crate::outln!("ok: scenario is valid");
    Ok(())
}

pub fn retirement(born: &str, sex: &str) -> Result<()> {
    use crate::retirement::{describe_age, parse_birth, statutory, Sex};
    let birth = parse_birth(born)?;
    let sex = match sex {
        "F" => Sex::Female,
        "M" => Sex::Male,
        other => {
            return Err(Error::Usage(format!(
                "--sex: expected F or M, found \"{other}\""
            )))
        }
    };
    let r = statutory(birth, sex);
    crate::outln!(
        "required age: {} (the age for people who reach it in {})",
        describe_age(r.age_months),
        r.month.year
    );
    crate::outln!(
        "retirement takes effect on {}-{:02}, the end of the month the age is reached",
        r.month,
        r.month.last_day()
    );
    crate::outln!("pension starts {}-01", r.pension_from);
    Ok(())
}

pub fn targets(spec: &Spec) -> Result<()> {
    println!("unit\trule\tyear\trequired\twhy");
    for y in rules::roadmap::years(spec) {
        for chain in rules::roadmap::chains(spec, y) {
            let mut previous = None;
            for t in &chain {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    rules::unit_name(spec, t.unit),
                    t.rule,
                    t.year,
                    rules::required_text(spec, t, previous),
                    t.why
                );
                previous = Some(t);
            }
        }
        if !y.milestone {
            for family in rules::FAMILIES {
                for line in family.explain_clauses(spec, y.year) {
                    println!("{line}");
                }
            }
        }
    }
    for family in rules::FAMILIES {
        for line in family.explain_yearly(spec) {
            println!("{line}");
        }
    }
    Ok(())
}
