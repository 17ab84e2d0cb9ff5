//! `bienche replan`: the Sơn La sample's forms for 2026 filled in with a simulated year (a
//! draw of `simulate` on the plan, so the numbers differ from the plan), compiled, and
//! re-planned from 1 November 2026. The re-plan starts from the actual stocks less the
//! leavers of the two months left, keeps the past fixed, and its targets are recomputed by
//! the independent oracle from a flat copy of the scenario the test builds itself.

use crate::common;

use bienche::domain::{Cell, Spec};
use common::forms::*;
use common::*;

/// A form's cell key (`Thai|F|staff|no`) as a cell of `spec`.
fn cell_of(spec: &Spec, key: &str) -> Cell {
    let parts: Vec<&str> = key.split('|').collect();
    Cell {
        group: spec.groups.iter().position(|g| g.id == parts[0]).unwrap(),
        female: parts[1] == "F",
        leader: parts[2] == "leader",
        trained: parts[3] == "yes",
    }
}

/// Fills every form with the draw's head-count at the end of 2026 where its leavers can say
/// why (the cell's attrition row takes the difference from the plan; a cell without one, or
/// with fewer planned leavers than the draw has people more, keeps the plan's figure) and the
/// plan's other flows, dated 1 November 2026. Returns the cells that differ from the plan.
fn fill_with_draw(plan: &Path, forms: &Path) -> usize {
    let (spec, tables) = bienche::scenario::of_plan(plan, "testing").unwrap();
    let world = bienche::simulate::one_draw(&spec, &tables, plan, 42, 0).unwrap();
    let mut differ = 0;
    for entry in std::fs::read_dir(forms).unwrap().flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "xlsx") {
            continue;
        }
        let unit = path.file_stem().unwrap().to_string_lossy().into_owned();
        let u = spec.unit_index(&unit).unwrap();
        let (mut cells, at) = as_planned(&path);
        let value = |cells: &BTreeMap<String, Typed>, address: &str| match cells[address] {
            Typed::Number(n) => n,
            Typed::Text(_) => unreachable!(),
        };
        for (key, address) in at.iter().filter(|(k, _)| k.starts_with("A|")) {
            let cell_key = &key[2..];
            // A leader who stays keeps a post the plan's promotions counted as free.
            if cell_key.contains("|leader|") {
                continue;
            }
            let planned = value(&cells, address);
            let drawn = world
                .stock
                .get(&(2026, u, cell_of(&spec, cell_key)))
                .copied()
                .unwrap_or(0);
            let Some(leavers_at) = at.get(&format!("B|attrition||{cell_key}")) else {
                continue;
            };
            let leavers = value(&cells, leavers_at) as i64 + planned as i64 - drawn as i64;
            if leavers >= 0 && drawn != planned {
                cells.insert(address.clone(), Typed::Number(drawn));
                cells.insert(leavers_at.clone(), Typed::Number(leavers as u32));
                differ += 1;
            }
        }
        type_into(&path, &cells);
    }
    differ
}

fn run(args: &[&str]) -> String {
    let o = bienche(args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The sample's first plan, its forms filled with a simulated 2026, compiled and re-planned:
/// the re-plan's base is each cell's actual head-count on 1 November less the booked
/// retirements and expected leavers still to come; its replay and its targets hold by the
/// oracle; its roadmap and intent floors stay those of 2025; bad actuals are refused.
#[test]
fn a_simulated_year_is_compiled_and_replanned() {
    let tmp = tempfile::tempdir().unwrap();
    let sample = scenario("son-la");
    let plan = sample_plan().to_path_buf();
    let forms = tmp.path().join("forms");
    let p = |x: &Path| x.to_str().unwrap().to_string();
    run(&["forms", &p(&plan), "--year", "2026", "--out", &p(&forms)]);
    let differ = fill_with_draw(&plan, &forms);
    assert!(differ >= 50, "only {differ} cells differ from the plan");
    let actuals = tmp.path().join("actuals");
    let said = run(&[
        "--lang",
        "en",
        "actuals",
        &p(&plan),
        &p(&forms),
        "--out",
        &p(&actuals),
    ]);
    assert!(
        said.starts_with("compiled 104 of 104 forms for 2026"),
        "{said}"
    );

    // Actuals of another plan are refused before anything is planned.
    let other = tmp.path().join("other-actuals");
    std::fs::create_dir(&other).unwrap();
    for f in std::fs::read_dir(&actuals).unwrap().flatten() {
        if f.path().is_file() {
            std::fs::copy(f.path(), other.join(f.file_name())).unwrap();
        }
    }
    replace_in(
        &other,
        "actuals.json",
        "\"plan_manifest_sha256\": \"",
        "\"plan_manifest_sha256\": \"0",
    );
    let refused = tmp.path().join("refused");
    let o = bienche(&[
        "--lang",
        "en",
        "replan",
        &p(&plan),
        "--actuals",
        &p(&other),
        "--out",
        &p(&refused),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        format!(
            "error: {}/actuals.json: field 'plan_manifest_sha256': the actuals were compiled against another plan than {}; expected actuals of that plan (bienche actuals {} FORMS)\n",
            other.display(),
            plan.display(),
            plan.display()
        )
    );
    assert!(!refused.exists());

    let re = tmp.path().join("replan");
    let said = run(&[
        "--lang",
        "en",
        "replan",
        &p(&plan),
        "--actuals",
        &p(&actuals),
        "--out",
        &p(&re),
    ]);
    assert!(
        said.contains("changes from the replaced plan over 2027–2035: "),
        "{said}"
    );
    eprintln!(
        "{differ} cells differ from the plan; {}",
        said.lines().last().unwrap()
    );

    // The base: each cell's actual head-count less the retirements and leavers to come.
    let actual: BTreeMap<(String, String), u32> = read_csv(&actuals.join("actual_stocks.csv"))
        .iter()
        .map(|r| {
            let key = format!(
                "{}|{}|{}|{}",
                r["group"], r["gender"], r["role"], r["trained"]
            );
            ((r["unit"].clone(), key), r["actual"].parse().unwrap())
        })
        .collect();
    let cell_of_row = |r: &Row| {
        (
            r["unit"].clone(),
            format!(
                "{}|{}|{}|{}",
                r["group"], r["gender"], r["role"], r["trained"]
            ),
        )
    };
    // A cell's rows: its settled people and those of it hired in 2026.
    let mut staff: BTreeMap<(String, String), u32> = BTreeMap::new();
    let mut hired: BTreeMap<(String, String), u32> = BTreeMap::new();
    for r in read_csv(&re.join("scenario/staff.csv")) {
        let n: u32 = r["count"].parse().unwrap();
        *staff.entry(cell_of_row(&r)).or_default() += n;
        match r["hired"].as_str() {
            "" => {}
            "2026" => *hired.entry(cell_of_row(&r)).or_default() += n,
            other => panic!("{r:?}: hired in {other}, expected 2026 or settled"),
        }
    }
    let start: BTreeMap<(String, String), u32> = read_csv(&re.join("trajectory.csv"))
        .iter()
        .filter(|r| r["year"] == "2026" && r["headcount"] != "0")
        .map(|r| (cell_of_row(r), r["headcount"].parse().unwrap()))
        .collect();
    assert_eq!(
        start, staff,
        "the re-plan's replay starts from its staff.csv"
    );
    for (key, n) in &staff {
        assert!(
            *n <= actual[key],
            "{key:?}: {n} above the actual {}",
            actual[key]
        );
    }
    // The hires the forms report keep their year, so that they leave at a new hire's rate:
    // in each cell, as many as its start holds beside the people booked to retire (the
    // sample dates nobody of 2025 or before).
    let mut reported_hires: BTreeMap<(String, String), u32> = BTreeMap::new();
    for r in read_csv(&actuals.join("actual_flows.csv")) {
        if r["flow"] == "hire" {
            *reported_hires.entry(cell_of_row(&r)).or_default() +=
                r["actual"].parse::<u32>().unwrap();
        }
    }
    let booked = booked_by_cell(&re);
    let expected: BTreeMap<(String, String), u32> = reported_hires
        .iter()
        .map(|(k, &n)| {
            let room = staff.get(k).copied().unwrap_or(0);
            (
                k.clone(),
                n.min(room.saturating_sub(booked.get(k).copied().unwrap_or(0))),
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    assert_eq!(hired, expected);
    assert!(hired.values().sum::<u32>() > 100, "{hired:?}");
    let changes = read_csv(&re.join("changes.csv"));
    let mut leaving = 0;
    for row in changes.iter().filter(|r| r["unit"] != "PROVINCE") {
        assert_eq!(row["start_from"], "actuals");
        assert_eq!(row["report_date"], "2026-11-01");
        assert_eq!(row["days_left"], "60");
        let sum = |m: &BTreeMap<(String, String), u32>| -> u32 {
            m.iter()
                .filter(|((u, _), _)| *u == row["unit"])
                .map(|(_, n)| n)
                .sum()
        };
        let n = |c: &str| row[c].parse::<u32>().unwrap();
        assert_eq!(n("reported"), sum(&actual), "{}", row["unit"]);
        assert_eq!(n("start"), sum(&staff), "{}", row["unit"]);
        assert_eq!(n("reported") - n("retiring") - n("leaving"), n("start"));
        leaving += n("leaving");
    }
    // About 5,860 people × 1% a year × 60/365 leave in the two months left.
    assert!(
        (5..=15).contains(&leaving),
        "{leaving} leavers to 31 December"
    );
    let province = changes.iter().find(|r| r["unit"] == "PROVINCE").unwrap();
    assert_eq!(province["leaving"], leaving.to_string());

    // The past is fixed: the re-plan's flows are of 2027–2035, its first stock 2026.
    let flows = read_csv(&re.join("flows.csv"));
    assert!(flows.iter().all(|f| f["year"].as_str() > "2026"));
    oracle::replay_flows(&re, 2026, 2035);
    // Every booking the re-plan keeps is retired as booked.
    assert_eq!(retired(&re), bookings(&sample, &re));

    // Its targets, recomputed by the oracle from a flat copy: the sample with base year 2026
    // and the sample's own 2025 staff as the reference of the roadmap and intent floors.
    let flat = tmp.path().join("flat");
    std::fs::create_dir(&flat).unwrap();
    for f in std::fs::read_dir(&sample).unwrap().flatten() {
        if f.path().is_file() {
            std::fs::copy(f.path(), flat.join(f.file_name())).unwrap();
        }
    }
    std::fs::copy(sample.join("staff.csv"), flat.join("reference_staff.csv")).unwrap();
    replace_in(
        &flat,
        "scenario.toml",
        "base_year = 2025",
        "base_year = 2026\nreference_year = 2025",
    );
    oracle::check_targets(&flat, &re);

    // Milestones and intent floors are the first plan's: the same required counts.
    let required = |dir: &Path, kinds: &[&str]| -> BTreeMap<(String, String, String), String> {
        read_csv(&dir.join("targets.csv"))
            .into_iter()
            .filter(|r| kinds.contains(&r["kind"].as_str()) && r["year"].as_str() > "2026")
            .filter(|r| r["rule"] != "I4")
            .map(|r| {
                (
                    (r["unit"].clone(), r["rule"].clone(), r["year"].clone()),
                    r["required"].clone(),
                )
            })
            .collect()
    };
    let (before, after) = (
        required(&plan, &["milestone", "intent"]),
        required(&re, &["milestone", "intent"]),
    );
    assert!(before.len() > 3000);
    assert_eq!(before, after);

    // The manifest names the plan replaced; the re-plan's scenario is a small variant.
    let manifest = summary_json(&re.join("manifest.json"));
    assert_eq!(
        manifest["replaces"]["plan"].as_str().unwrap(),
        plan.canonicalize().unwrap().to_str().unwrap()
    );
    let toml = std::fs::read_to_string(re.join("scenario/scenario.toml")).unwrap();
    assert!(toml.contains("base_year = 2026\n"), "{toml}");
    assert!(toml.contains("reference_year = 2025\n"), "{toml}");
    assert!(
        toml.contains("[[remove]]\ntable = \"retirements.csv\"\n"),
        "{toml}"
    );
}

/// The retirements the re-plan books, by unit, cell and year: its own `retirements.csv`,
/// which replaces the scenario's whole, else the scenario's after 2026.
fn bookings(scenario: &Path, replan: &Path) -> BTreeMap<(String, String, String), u32> {
    let own = replan.join("scenario/retirements.csv");
    let rows = read_csv(&if own.exists() {
        own
    } else {
        scenario.join("retirements.csv")
    });
    let mut out: BTreeMap<_, u32> = BTreeMap::new();
    for r in rows.iter().filter(|r| r["year"].as_str() > "2026") {
        let cell = format!(
            "{}|{}|{}|{}",
            r["group"], r["gender"], r["role"], r["trained"]
        );
        *out.entry((r["unit"].clone(), cell, r["year"].clone()))
            .or_default() += r["count"].parse::<u32>().unwrap();
    }
    out.retain(|_, n| *n > 0);
    out
}

/// The re-plan's retirements as `flows.csv` has them.
fn retired(replan: &Path) -> BTreeMap<(String, String, String), u32> {
    let mut out = BTreeMap::new();
    for r in read_csv(&replan.join("flows.csv")) {
        if r["flow"] == "retire" {
            let cell = format!(
                "{}|{}|{}|{}",
                r["group"], r["gender"], r["role"], r["trained"]
            );
            *out.entry((r["unit"].clone(), cell, r["year"].clone()))
                .or_default() += r["count"].parse::<u32>().unwrap();
        }
    }
    out
}

/// 31 December 2026 as an Excel serial date.
const DEC_31_2026: u32 = 46_387;

/// A generated province's forms for 2026 as planned but one, dated 31 December, in which a
/// retirement booked for 2026 did not happen (the person is still there): the re-plan keeps
/// that person, loses nobody else of that unit to the days left (there are none), and books
/// the retirement for 2027; every booking it keeps is retired as booked.
#[test]
fn a_retirement_not_taken_by_31_december_is_booked_for_the_next_year() {
    let tmp = tempfile::tempdir().unwrap();
    let (scenario, plan, forms, files) = generated_forms_2026(&tmp);
    let mut late = None;
    for f in &files {
        let (mut cells, at) = as_planned(f);
        let retire = at.keys().find(|k| k.starts_with("B|retire|")).cloned();
        if let (None, Some(key)) = (&late, retire) {
            let cell = key.splitn(4, '|').nth(3).unwrap().to_string();
            let planned = |cells: &BTreeMap<String, Typed>, a: &str| match cells[a] {
                Typed::Number(n) => n,
                Typed::Text(_) => unreachable!(),
            };
            let (r_at, a_at) = (at[&key].clone(), at[&format!("A|{cell}")].clone());
            let (r, a) = (planned(&cells, &r_at), planned(&cells, &a_at));
            cells.insert(r_at, Typed::Number(r - 1));
            cells.insert(a_at, Typed::Number(a + 1));
            cells.insert("C5".into(), Typed::Number(DEC_31_2026));
            late = Some((f.file_stem().unwrap().to_string_lossy().into_owned(), cell));
        }
        type_into(f, &cells);
    }
    let (unit, cell) = late.expect("a form with a retirement booked for 2026");
    let re = tmp.path().join("replan");
    compile_and_replan(&plan, &forms, &tmp.path().join("actuals"), &re);
    let changes = read_csv(&re.join("changes.csv"));
    let row = changes.iter().find(|r| r["unit"] == unit).unwrap();
    assert_eq!(row["report_date"], "2026-12-31");
    assert_eq!(
        [&row["days_left"], &row["retiring"], &row["leaving"]],
        ["0", "0", "0"]
    );
    assert_eq!(row["start"], row["reported"]);
    let booked = bookings(&scenario, &re);
    let before = bookings(&scenario, &tmp.path().join("none"));
    let key = (unit.clone(), cell.clone(), "2027".to_string());
    assert_eq!(
        booked.get(&key).copied().unwrap_or(0),
        before.get(&key).copied().unwrap_or(0) + 1,
        "{key:?}"
    );
    assert_eq!(retired(&re), booked);
}

/// The retirements a re-plan books after its base year 2026, by unit and cell
/// (`group|gender|role|trained`).
fn booked_by_cell(replan: &Path) -> BTreeMap<(String, String), u32> {
    let mut out: BTreeMap<_, u32> = BTreeMap::new();
    let path = replan.join("scenario/retirements.csv");
    let rows = if path.exists() {
        read_csv(&path)
    } else {
        Vec::new()
    };
    for r in rows.iter().filter(|r| r["year"].as_str() > "2026") {
        let key = [&r["group"], &r["gender"], &r["role"], &r["trained"]].map(|s| s.as_str());
        *out.entry((r["unit"].clone(), key.join("|"))).or_default() +=
            r["count"].parse::<u32>().unwrap();
    }
    out
}

fn summary_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A generated province whose `staff.csv` dates some of its people (hired in 2023 or 2024,
/// and in 2019: settled by 2026), planned, its forms for 2026 compiled but one: the re-plan's
/// `staff.csv` dates, cell by cell, the people recruited in 2022–2026 by the documented rule
/// (the replaced scenario's dated people, the forms' hires of 2026, the plan's where no form
/// came; the most recent first, as many as the cell's start holds), and nobody else.
#[test]
fn a_replan_keeps_the_year_of_its_recent_hires() {
    let tmp = tempfile::tempdir().unwrap();
    let set = tmp.path().join("set");
    assert!(generate(&set, "12", "1", "3", &[]).status.success());
    let scenario = set.join("p01");
    let text = read(&scenario, "staff.csv");
    let mut lines = text.lines();
    let mut dated = format!("{},hired\n", lines.next().unwrap());
    // Most rows dated, so that cells hired into in 2026 and losing people hold more
    // candidates than people.
    for (i, line) in lines.enumerate() {
        let year = ["2024", "2023", "2023", "2019", "2023", "", "2023"][i % 7];
        dated.push_str(&format!("{line},{year}\n"));
    }
    std::fs::write(scenario.join("staff.csv"), dated).unwrap();
    let plan = plan(&scenario, &tmp);
    let forms = tmp.path().join("forms");
    write_forms(&plan, "2026", &forms);
    let flows = read_csv(&plan.join("flows.csv"));
    let hires_2026 = |r: &&Row| r["year"] == "2026" && r["flow"] == "hire";
    let absent = flows.iter().find(hires_2026).expect("hires in 2026")["unit"].clone();
    std::fs::remove_file(forms.join(format!("{absent}.xlsx"))).unwrap();
    for f in std::fs::read_dir(&forms).unwrap().flatten() {
        if f.path().extension().is_some_and(|e| e == "xlsx") {
            type_into(&f.path(), &as_planned(&f.path()).0);
        }
    }
    let actuals = tmp.path().join("actuals");
    let re = tmp.path().join("replan");
    compile_and_replan(&plan, &forms, &actuals, &re);

    let cell = |r: &Row| {
        let key = [&r["group"], &r["gender"], &r["role"], &r["trained"]];
        (r["unit"].clone(), key.map(|s| s.as_str()).join("|"))
    };
    // Candidates by cell and year of recruitment.
    let mut candidates: BTreeMap<(String, String), BTreeMap<u32, u32>> = BTreeMap::new();
    let mut add = |r: &Row, year: u32, n: &str| {
        *candidates
            .entry(cell(r))
            .or_default()
            .entry(year)
            .or_default() += n.parse::<u32>().unwrap();
    };
    for r in read_csv(&scenario.join("staff.csv")) {
        if let Ok(year @ 2022..) = r["hired"].parse::<u32>() {
            add(&r, year, &r["count"]);
        }
    }
    for r in flows
        .iter()
        .filter(hires_2026)
        .filter(|r| r["unit"] == absent)
    {
        add(r, 2026, &r["count"]);
    }
    for r in read_csv(&actuals.join("actual_flows.csv")) {
        if r["flow"] == "hire" {
            assert_ne!(r["unit"], absent);
            add(&r, 2026, &r["actual"]);
        }
    }
    let rows = read_csv(&re.join("scenario/staff.csv"));
    let mut start: BTreeMap<(String, String), u32> = BTreeMap::new();
    let mut got: BTreeMap<(String, String, u32), u32> = BTreeMap::new();
    for r in &rows {
        let n: u32 = r["count"].parse().unwrap();
        *start.entry(cell(r)).or_default() += n;
        if !r["hired"].is_empty() {
            let (unit, key) = cell(r);
            got.insert((unit, key, r["hired"].parse().unwrap()), n);
        }
    }
    // The most recent first, as many as the cell holds; the hires since 2025 as many as it
    // holds beside the people booked to retire.
    let booked = booked_by_cell(&re);
    let mut expected = BTreeMap::new();
    for (k, by_year) in &candidates {
        let mut room = start.get(k).copied().unwrap_or(0);
        let mut room_for_hires = room.saturating_sub(booked.get(k).copied().unwrap_or(0));
        for (&year, &n) in by_year.iter().rev() {
            let kept = match year > 2025 {
                true => n.min(room).min(room_for_hires),
                false => n.min(room),
            };
            room -= kept;
            if year > 2025 {
                room_for_hires -= kept;
            }
            if kept > 0 {
                expected.insert((k.0.clone(), k.1.clone(), year), kept);
            }
        }
    }
    assert_eq!(got, expected);
    // Cells with more candidates than people, where the cap applies (the order among years
    // is tested in src/replan.rs).
    let capped = candidates
        .iter()
        .filter(|(k, y)| y.values().sum::<u32>() > start.get(*k).copied().unwrap_or(0))
        .count();
    assert!(
        capped >= 3,
        "{capped} cells with more candidates than people"
    );
    let of_year = |y: u32| got.keys().filter(|k| k.2 == y).count();
    assert!(
        of_year(2023) >= 5 && of_year(2024) >= 5 && of_year(2026) >= 5,
        "{got:?}"
    );
    assert!(got.keys().any(|k| k.0 == absent && k.2 == 2026), "{got:?}");
}
