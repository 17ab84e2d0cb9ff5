//! `bienche forecast`: the gap with no plan.

use crate::domain::target::TargetRow;
use crate::domain::{Cell, Spec};
use crate::error::Result;
use crate::evaluate;
use crate::forecast::{self, MixBasis};
use crate::output::contract::{
    ForecastSummary, PolicyRecord, YearShare, YearTally, GAP_FILE, GAP_HEADER,
};
use crate::output::folder::{check_out, write_folder, Kind, Out};
use crate::output::{tables, write};
use crate::rules::r5_structure::GOAL;
use crate::rules::Rule;
use std::path::Path;

pub fn run(spec: &Spec, out: Option<&Path>, top: usize, force: bool) -> Result<()> {
    let f = forecast::forecast(spec);
    if let Some(out) = out {
        check_out(&Out {
            path: out,
            kind: Kind::Forecast,
            inputs: &crate::scenario::inputs(&spec.dir)?,
            force,
        })?;
    }
    crate::run::check_replay(spec, &f.plan)?;
    let gaps = evaluate::evaluate(spec, &f.plan);
    print(spec, &f, &gaps, top);
    if let Some(out) = out {
        write_folder(out, |dir| {
            write::json(dir, "summary.json", &summary(spec, &f, &gaps))?;
            write::json(dir, "manifest.json", &tables::forecast_manifest(spec))?;
            write::rows(dir, &tables::trajectory(spec, &f.plan))?;
            write::rows(dir, &tables::flows(spec, &f.plan))?;
            write::rows_as(dir, GAP_FILE, GAP_HEADER, &tables::named(spec, &gaps))
        })?;
        crate::outln!("wrote {}", out.display());
    }
    Ok(())
}

fn recent_mix_units(f: &forecast::Forecast) -> usize {
    f.mix_basis
        .iter()
        .filter(|b| **b == MixBasis::RecentHires)
        .count()
}

fn years(spec: &Spec) -> Vec<i32> {
    std::iter::once(spec.base_year())
        .chain(spec.config.time.targets.iter().map(|t| t.year))
        .collect()
}

fn print(spec: &Spec, f: &forecast::Forecast, gaps: &[TargetRow], top: usize) {
    print_assumptions(spec, f);
    print_shares(spec, f);
    print_gaps(spec, gaps);
    print_largest(spec, gaps, top);
}

fn print_assumptions(spec: &Spec, f: &forecast::Forecast) {
    let c = &spec.config;
    if c.illustrative {
        crate::outln!(
            "ILLUSTRATIVE DATA: {} (figures are invented, not official)",
            c.name
        );
    } else {
        println!("{}", c.name);
    }
    crate::outln!("forecast with no plan (current behaviour, whole people):");
    crate::outln!(
        "  vacancies refilled up to each unit's {} fill rate of its quota; hiring mix of recent hires in {} units, of current staff in {}",
        spec.base_year(),
        recent_mix_units(f),
        spec.units.len() - recent_mix_units(f)
    );
    crate::outln!("  no targeted training or transfers; leader posts refilled from trained staff of every group alike");
    crate::outln!(
        "  retirements from retirements.csv; attrition by tenure from {}",
        if spec.attrition.is_empty() {
            "the [attrition] defaults"
        } else {
            "attrition.csv"
        }
    );
}

/// The province's shares by year: EM among staff and leaders, women and trained among EM.
fn print_shares(spec: &Spec, f: &forecast::Forecast) {
    let ys = years(spec);
    print!("{:<28}", "");
    for y in &ys {
        print!("{y:>8}");
    }
    println!();
    let share = |t: i32, part: &dyn Fn(&Cell) -> bool, of: &dyn Fn(&Cell) -> bool| {
        let (mut a, mut b) = (0u32, 0u32);
        for ((y, _, cell), n) in &f.plan.stock {
            if *y == t && of(cell) {
                b += n;
                if part(cell) {
                    a += n;
                }
            }
        }
        100.0 * a as f64 / b.max(1) as f64
    };
    let em = |c: &Cell| spec.is_em(c);
    type Row<'a> = (&'a str, Box<dyn Fn(i32) -> f64 + 'a>);
    let rows: [Row; 4] = [
        ("EM share of staff", Box::new(|t| share(t, &em, &|_| true))),
        (
            "EM share of leaders",
            Box::new(|t| share(t, &em, &|c| c.leader)),
        ),
        (
            "women among EM staff",
            Box::new(|t| share(t, &|c| c.female, &em)),
        ),
        (
            "trained among EM staff",
            Box::new(|t| share(t, &|c| c.trained, &em)),
        ),
    ];
    for (label, value) in &rows {
        print!("  {:<26}", crate::i18n::tr(label));
        for y in &ys {
            print!("{:>7}%", crate::i18n::num(value(*y), 1));
        }
        println!();
    }
    print!("  {:<26}", crate::i18n::tr("staff"));
    for y in &ys {
        let total: u32 = f
            .plan
            .stock
            .iter()
            .filter(|((t, _, _), _)| t == y)
            .map(|(_, n)| n)
            .sum();
        print!("{total:>8}");
    }
    println!();
}

/// Targets met and missed with no plan, by target year and rule.
fn print_gaps(spec: &Spec, gaps: &[TargetRow]) {
    for ty in &spec.config.time.targets {
        let year: Vec<TargetRow> = gaps.iter().filter(|g| g.year == ty.year).cloned().collect();
        let (met, missed, short) = evaluate::tally(&year);
        crate::outln!(
            "{} ({:.0}% of each target): {met} targets met, {missed} missed with no plan, short {short} people",
            ty.year,
            ty.level * 100.0
        );
        for rule in Rule::ALL.iter().filter(|r| **r != GOAL) {
            let rows: Vec<&TargetRow> =
                year.iter().filter(|g| g.rule == *rule && !g.goal).collect();
            if rows.is_empty() {
                continue;
            }
            let miss: Vec<&&TargetRow> = rows.iter().filter(|g| !g.met).collect();
            let people: u32 = miss.iter().map(|g| g.shortfall).sum();
            crate::outln!(
                "  {rule}: {} of {} missed, short {people}",
                miss.len(),
                rows.len()
            );
        }
    }
}

fn print_largest(spec: &Spec, gaps: &[TargetRow], top: usize) {
    let Some(last) = spec.config.time.targets.last() else {
        return;
    };
    let mut worst: Vec<&TargetRow> = gaps
        .iter()
        .filter(|g| g.year == last.year && !g.met && !g.goal)
        .collect();
    worst.sort_by(|a, b| b.shortfall.cmp(&a.shortfall).then(a.unit.cmp(&b.unit)));
    if !worst.is_empty() {
        crate::outln!("largest gaps in {} with no plan:", last.year);
        for g in worst.iter().take(top) {
            crate::outln!(
                "  {} {}: required {}, projected {}, short {}",
                g.unit,
                g.rule,
                g.required,
                g.achieved,
                g.shortfall
            );
        }
    }
}

fn summary(spec: &Spec, f: &forecast::Forecast, gaps: &[TargetRow]) -> ForecastSummary {
    let em_share_of_staff = years(spec)
        .iter()
        .map(|&t| YearShare {
            year: t,
            em_share_of_staff: (forecast::em_share(spec, &f.plan, t) * 1e4).round() / 1e4,
        })
        .collect();
    let targets = spec
        .config
        .time
        .targets
        .iter()
        .map(|ty| {
            let rows: Vec<TargetRow> = gaps.iter().filter(|g| g.year == ty.year).cloned().collect();
            let (met, missed, short) = evaluate::tally(&rows);
            YearTally {
                year: ty.year,
                level: ty.level,
                targets_met: met,
                targets_missed: missed,
                total_shortfall: short,
            }
        })
        .collect();
    ForecastSummary {
        kind: "forecast without a plan".into(),
        scenario: spec.config.name.clone(),
        illustrative: spec.config.illustrative,
        base_year: spec.base_year(),
        horizon: spec.horizon(),
        assumptions: [
            "vacancies refilled up to the unit's base-year fill rate of each year's quota",
            "hiring mix: hiring_mix.csv (recent hires) where given, else the unit's current staff",
            "no targeted training, promotion or transfers; leader posts refilled from trained staff of every group in proportion",
            "retirements from retirements.csv; attrition by tenure band and class from attrition.csv, else [attrition]",
            "base-year staff are settled (the open tenure band), or by tenure year where staff.csv gives their year of recruitment; expected flows rounded cumulatively to whole people",
        ]
        .map(String::from)
        .to_vec(),
        units_hiring_like_recent_hires: recent_mix_units(f),
        em_share_of_staff,
        targets,
        policy: PolicyRecord::of(spec),
    }
}
