//! `bienche readings`: every unclear clause with its readings, the head-counts each requires
//! (checked by hand on a small scenario, and against `bienche check` on the sample), and a
//! variant hint that `bienche` accepts.

use crate::common;

use common::*;

/// (clause id, setting, its values) as `bienche readings` must list them.
const CLAUSES: [(&str, &str, &[&str]); 9] = [
    ("roadmap", "policy.roadmap", &["level", "coverage"]),
    ("R1 scope", "policy.r1_scope", &["each", "total"]),
    (
        "R2 band",
        "policy.band_rule",
        &["lower", "upper", "interpolate"],
    ),
    (
        "R2 at 70%",
        "policy.seventy_percent_band",
        &["top", "lower"],
    ),
    ("R4", "policy.r4_scope", &["each", "total"]),
    ("R5", "policy.r5_reading", &["make-up", "share", "both"]),
    ("R6 base", "policy.r6_province_base", &["provincial", "all"]),
    (
        "R6 PSU scope",
        "policy.r6_psu_scope",
        &["provincial", "local"],
    ),
    (
        "leaders trained",
        "policy.leaders_trained",
        &["true", "false"],
    ),
];

fn readings(dir: &Path) -> String {
    let o = bienche(&["readings", dir.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// The lines of a clause's block: from its header to the next empty line.
fn block<'a>(out: &'a str, id: &str) -> Vec<&'a str> {
    let header = format!("{id} (");
    let mut lines = out.lines().skip_while(|l| !l.starts_with(&header));
    let first = lines
        .next()
        .unwrap_or_else(|| panic!("no block \"{id}\" in:\n{out}"));
    std::iter::once(first)
        .chain(lines.take_while(|l| !l.is_empty()))
        .collect()
}

/// The numbers of the row `label` (`2035 R2`, `C1 2035 R2`), one per reading; `None` for "–".
fn row(block: &[&str], label: &str) -> Vec<Option<u32>> {
    for l in block {
        let Some(rest) = l.trim_start().strip_prefix(label) else {
            continue;
        };
        if !rest.starts_with(' ') {
            continue;
        }
        let numbers: Option<Vec<Option<u32>>> = rest
            .split_whitespace()
            .map(|w| {
                if w == "–" {
                    Some(None)
                } else {
                    w.parse().ok().map(Some)
                }
            })
            .collect();
        if let Some(n) = numbers {
            return n;
        }
    }
    panic!("no row \"{label}\" in:\n{}", block.join("\n"));
}

fn some(v: &[u32]) -> Vec<Option<u32>> {
    v.iter().copied().map(Some).collect()
}

/// The reading lines of a block: (value, rest of the line).
fn reading_lines<'a>(block: &[&'a str]) -> Vec<(&'a str, &'a str)> {
    block
        .iter()
        .skip_while(|l| l.trim() != "readings:")
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with("province total required"))
        .map(|l| {
            let t = l.trim_start();
            t.split_once(' ').unwrap_or((t, ""))
        })
        .collect()
}

#[test]
fn every_clause_is_listed_with_its_readings_on_the_sample() {
    let out = readings(&scenario("son-la"));
    for (id, setting, values) in CLAUSES {
        let b = block(&out, id);
        assert!(
            b[0].contains(setting),
            "{id}: header names {setting}: {}",
            b[0]
        );
        assert!(
            b.iter().any(|l| l.trim_start().starts_with('"')),
            "{id}: quoted"
        );
        let listed: Vec<&str> = reading_lines(&b).iter().map(|(v, _)| *v).collect();
        assert_eq!(listed, values.to_vec(), "{id}: readings");
        let marks = |m: &str| b.iter().filter(|l| l.contains(m)).count();
        assert_eq!(marks("(default)"), 1, "{id}: one default");
        assert_eq!(marks("(this scenario)"), 1, "{id}: one choice");
        assert!(b.iter().any(|l| l.starts_with("  province total required")));
        assert!(b.iter().any(|l| l.starts_with("  units that differ most:")));
        for year in ["2030", "2035"] {
            assert!(
                b.iter().any(|l| l.trim_start().starts_with(year)),
                "{id}: {year} totals"
            );
        }
    }
    // The sample's choices and the documented defaults.
    let chosen = |id: &str| -> String {
        reading_lines(&block(&out, id))
            .into_iter()
            .find(|(_, rest)| rest.contains("(this scenario)"))
            .unwrap()
            .0
            .to_string()
    };
    assert_eq!(chosen("R2 band"), "interpolate");
    assert_eq!(chosen("R5"), "make-up");
    assert_eq!(chosen("leaders trained"), "true");
    let hint = out.lines().last().unwrap();
    assert!(hint.starts_with("then plan both and compare them: bienche compare "));
    assert!(out.contains("    extends = \"../son-la\"\n"));
}

#[test]
fn the_sample_totals_agree_with_check_and_r4_in_total_is_a_fifth_of_the_r1_to_r3_total() {
    let out = readings(&scenario("son-la"));
    // `bienche check` sums the same minimums through another path: each family's summary.
    let o = bienche(&["check", scenario("son-la").to_str().unwrap()]);
    assert!(o.status.success());
    let check = String::from_utf8(o.stdout).unwrap();
    let from_check = |year: &str, rule: &str| -> u32 {
        let prefix = format!("  {year} {rule}:");
        let line = check
            .lines()
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("{prefix} in check"));
        let words: Vec<&str> = line.split_whitespace().collect();
        words[words.len() - 2].parse().unwrap()
    };
    let roadmap = block(&out, "roadmap");
    let r4 = block(&out, "R4");
    for year in ["2030", "2035"] {
        let level = |rule: &str| row(&roadmap, &format!("{year} {rule}"))[0].unwrap();
        for rule in ["R1", "R2", "R3", "R4"] {
            assert_eq!(level(rule), from_check(year, rule), "{year} {rule}");
        }
        let minimums = level("R1") + level("R2") + level("R3");
        // The sample rounds up: 20% of the total of the minimums, once.
        let in_total = (minimums * 20).div_ceil(100);
        let each = level("R4");
        assert_eq!(
            row(&r4, &format!("{year} R4")),
            some(&[each, in_total]),
            "{year}"
        );
        assert!(in_total < each, "per unit, each rounding up adds people");
    }
}

/// A province small enough to check by hand: a department, a commune at exactly 70% EM
/// population, a commune at 20%, and a commune-run clinic with 40% EM staff.
fn small_province() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("scenario");
    std::fs::create_dir(&dir).unwrap();
    let files = [
        (
            "scenario.toml",
            "name = \"readings fixture\"\nillustrative = true\n\n[time]\nbase_year = 2025\nhorizon = 2035\n\n[policy]\nband_rule = \"lower\"\n",
        ),
        ("groups.csv", "group,em,population_share\nThai,yes,80\nKinh,no,20\n"),
        (
            "units.csv",
            "id,name,kind,em_population_share,quota,leader_posts,run_by\n\
             P1,Department 1,provincial,0,50,5,\n\
             C1,Commune 1,commune,70,40,5,\n\
             C2,Commune 2,commune,20,20,2,\n\
             H1,Clinic 1,public_service,0,10,1,commune\n",
        ),
        (
            "staff.csv",
            "unit,group,gender,role,trained,count\n\
             P1,Thai,F,staff,yes,10\n\
             P1,Kinh,M,staff,yes,30\n\
             C1,Thai,M,staff,yes,15\n\
             C1,Thai,F,leader,yes,5\n\
             C2,Kinh,M,staff,yes,18\n\
             H1,Thai,M,staff,no,4\n\
             H1,Kinh,M,staff,no,6\n",
        ),
        (
            "channels.csv",
            "channel,year,groups,kinds,max_hires,cost_per_hire,women_share,trained\nexam,2026-2035,EM,commune,,100,50,yes\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    (tmp, dir)
}

#[test]
fn the_small_province_requires_the_hand_computed_numbers() {
    let (_tmp, dir) = small_province();
    let out = readings(&dir);
    // Roadmap 80% in 2030, 100% in 2035; rounding up. R1: P1 20% of 50 = 8 | 10, H1 20% of
    // 10 = 1.6 → 2 | 2. Under coverage each unit's full target in 2030 too.
    let b = block(&out, "roadmap");
    assert_eq!(row(&b, "2030 R1"), some(&[10, 12]));
    assert_eq!(row(&b, "2035 R1"), some(&[12, 12]));
    // R2 with p = 20% (band 10–30%, 5%–15% of quota 20): lower 5% → 1, upper 15% → 3,
    // interpolate 10% → 2; with p = 70% in the top band (35%–50% of quota 40): lower and
    // interpolate 35% → 14, upper 50% → 20. 2030 at 80%: 11.2 → 12 and 16; 0.8, 2.4, 1.6
    // → 1, 3, 2.
    let b = block(&out, "R2 band");
    assert_eq!(row(&b, "2035 R2"), some(&[15, 23, 16]));
    assert_eq!(row(&b, "2030 R2"), some(&[13, 19, 14]));
    assert_eq!(row(&b, "C2 2035 R2"), some(&[1, 3, 2]));
    // p = 70% in the 50–70% band under band_rule = lower: 25% of 40 = 10 | 8.
    let b = block(&out, "R2 at 70%");
    assert_eq!(row(&b, "2035 R2"), some(&[15, 11]));
    assert_eq!(row(&b, "2030 R2"), some(&[13, 9]));
    assert_eq!(row(&b, "C1 2035 R2"), some(&[14, 10]));
    // R4 in 2035: per unit ⌈2.0⌉ + ⌈0.4⌉ + ⌈2.8⌉ + ⌈0.2⌉ = 2 + 1 + 3 + 1 = 7; in total
    // ⌈20% × (10 + 2 + 14 + 1)⌉ = ⌈5.4⌉ = 6. In 2030 per unit 2 + 1 + 3 + 1 = 7, in total
    // ⌈20% × 23⌉ = 5. Under the total reading no unit has an R4 number of its own.
    let b = block(&out, "R4");
    assert_eq!(row(&b, "2035 R4"), some(&[7, 6]));
    assert_eq!(row(&b, "2030 R4"), some(&[7, 5]));
    assert_eq!(row(&b, "C1 2035 R4"), vec![Some(3), None]);
    // R5 (a): 80% of the 88 staff = 70.4 → 71 in 2035; 64% → 56.32 → 57 in 2030.
    let b = block(&out, "R5");
    assert_eq!(row(&b, "2035 R5"), vec![None, Some(71), Some(71)]);
    assert_eq!(row(&b, "2030 R5"), vec![None, Some(57), Some(57)]);
    // R6 in 2035: provincial-level EM staff are P1's 10 and H1's 4: 10% of 14 → 2; of all
    // 34 EM staff → 4; plus C1's 20% of its 20 EM staff = 4. R7: ⌈0.4⌉ or ⌈0.8⌉, and ⌈0.8⌉.
    let b = block(&out, "R6 base");
    assert_eq!(row(&b, "2035 R6"), some(&[6, 8]));
    assert_eq!(row(&b, "2035 R7"), some(&[2, 2]));
    // The commune-run clinic (40% EM) needs an EM manager only on the local reading.
    let b = block(&out, "R6 PSU scope");
    assert_eq!(row(&b, "2035 R6 PSU managers"), vec![None, Some(1)]);
    assert_eq!(row(&b, "H1 2035 R6 PSU managers"), vec![None, Some(1)]);
    // Every EM leader R6 asks for, trained; none under false.
    let b = block(&out, "leaders trained");
    assert_eq!(row(&b, "2035 EM leaders trained"), some(&[6, 0]));
    assert_eq!(row(&b, "C1 2035 EM leaders trained"), some(&[4, 0]));
}

#[test]
fn the_hinted_variant_loads_and_takes_the_reading() {
    let (_tmp, dir) = small_province();
    let out = readings(&dir);
    let lines: Vec<&str> = out.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("To cost a reading"))
        .unwrap();
    let variant = lines[at]
        .split("e.g. ")
        .nth(1)
        .and_then(|s| s.strip_suffix("/scenario.toml:"))
        .map(PathBuf::from)
        .unwrap();
    assert_eq!(variant.parent(), dir.parent(), "beside the scenario");
    let toml: String = lines[at + 1..]
        .iter()
        .take_while(|l| !l.starts_with("then "))
        .map(|l| format!("{}\n", l.strip_prefix("    ").unwrap_or(l)))
        .collect();
    let setting = toml
        .lines()
        .last()
        .and_then(|l| l.split_once(" = "))
        .map(|(k, v)| (k.to_string(), v.trim_matches('"').to_string()))
        .unwrap();
    std::fs::create_dir(&variant).unwrap();
    std::fs::write(variant.join("scenario.toml"), &toml).unwrap();
    let o = bienche(&["check", variant.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (id, _, _) = CLAUSES
        .iter()
        .find(|(_, s, _)| *s == format!("policy.{}", setting.0))
        .unwrap();
    let varied = readings(&variant);
    let chosen = reading_lines(&block(&varied, id))
        .into_iter()
        .find(|(_, rest)| rest.contains("(this scenario)"))
        .unwrap()
        .0;
    assert_eq!(chosen, setting.1);
    assert!(lines.last().unwrap().ends_with(&format!(
        "bienche compare {} {} --out DIR",
        dir.display(),
        variant.display()
    )));
}

#[test]
fn bad_input_exits_2_with_the_loaders_error() {
    let (_tmp, dir) = small_province();
    replace_in(
        &dir,
        "staff.csv",
        "P1,Kinh,M,staff,yes,30",
        "P1,Kinh,M,staff,yes,-30",
    );
    let o = bienche(&["readings", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: staff.csv, line 3: field 'count': expected a whole number of people from 0 to 1,000,000, found \"-30\"\n"
    );
}
