//! The independent oracle: replays a plan's flows and recomputes every target from the raw
//! CSV inputs with the rules of POLICY.md written out again here, sharing no code with the
//! crate's model, rules or evaluation.

use super::*;

// Re-simulation: the flows rebuild the trajectory, and every target row is recomputed from
// the raw CSVs by the rules as POLICY.md states them, with no bienche code.

type Stock = BTreeMap<(String, String, String, String, String), i64>; // unit, group, gender, role, trained

pub fn replay_flows(out: &Path, base_year: i32, horizon: i32) {
    let trajectory = read_csv(&out.join("trajectory.csv"));
    let by_year = |y: i32| -> Stock {
        trajectory
            .iter()
            .filter(|r| r["year"] == y.to_string())
            .map(|r| {
                let key = (
                    r["unit"].clone(),
                    r["group"].clone(),
                    r["gender"].clone(),
                    r["role"].clone(),
                    r["trained"].clone(),
                );
                (key, r["headcount"].parse().unwrap())
            })
            .collect()
    };
    let flows = read_csv(&out.join("flows.csv"));
    let mut stock = by_year(base_year);
    for y in base_year + 1..=horizon {
        for f in flows.iter().filter(|f| f["year"] == y.to_string()) {
            let n: i64 = f["count"].parse().unwrap();
            assert!(n > 0, "flow rows carry positive counts: {f:?}");
            let key = (
                f["unit"].clone(),
                f["group"].clone(),
                f["gender"].clone(),
                f["role"].clone(),
                f["trained"].clone(),
            );
            let mut add = |k: &(String, String, String, String, String), d: i64| {
                *stock.entry(k.clone()).or_default() += d
            };
            match f["flow"].as_str() {
                "hire" | "transfer_in" => add(&key, n),
                "retire" | "attrition" | "exit" | "transfer_out" => add(&key, -n),
                "promote" => {
                    assert_eq!(key.3, "staff");
                    add(&key, -n);
                    add(
                        &(
                            key.0.clone(),
                            key.1.clone(),
                            key.2.clone(),
                            "leader".into(),
                            key.4.clone(),
                        ),
                        n,
                    );
                }
                "step_down" => {
                    assert_eq!(key.3, "leader");
                    add(&key, -n);
                    add(
                        &(
                            key.0.clone(),
                            key.1.clone(),
                            key.2.clone(),
                            "staff".into(),
                            key.4.clone(),
                        ),
                        n,
                    );
                }
                "train" => {
                    assert_eq!(key.4, "no");
                    add(&key, -n);
                    add(
                        &(
                            key.0.clone(),
                            key.1.clone(),
                            key.2.clone(),
                            key.3.clone(),
                            "yes".into(),
                        ),
                        n,
                    );
                }
                other => panic!("unknown flow {other}"),
            }
        }
        stock.retain(|_, n| *n != 0);
        assert!(stock.values().all(|&n| n > 0), "negative stock in {y}");
        assert_eq!(
            stock,
            by_year(y),
            "flows of {y} do not rebuild the trajectory"
        );
    }
}

fn ceil(x: f64) -> u32 {
    ((x * 1e9).round() / 1e9).ceil() as u32
}

/// Targets under the default policy (level roadmap, interpolated bands, 70% in the top
/// band, ceiling, R1 per unit), straight from POLICY.md.
pub fn recompute_targets(dir: &Path, out: &Path) -> BTreeMap<(String, String, i32), (u32, u32)> {
    let config: toml::Value = std::fs::read_to_string(dir.join("scenario.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let base = config["time"]["base_year"].as_integer().unwrap() as i32;
    // A re-plan draws its roadmap lines and intent floors from its reference year's
    // workforce (reference_staff.csv), the first plan's base.
    let reference = config["time"]
        .get("reference_year")
        .map_or(base, |v| v.as_integer().unwrap() as i32);
    let years: Vec<(i32, f64)> = config["time"]["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["year"].as_integer().unwrap() as i32,
                t["level"].as_float().unwrap(),
            )
        })
        .collect();
    let band_rule = config
        .get("policy")
        .and_then(|p| p.get("band_rule"))
        .and_then(|b| b.as_str())
        .unwrap_or("interpolate")
        .to_string();
    let intent = config.get("intent");
    let intent_str = |key: &str, default: &str| -> String {
        intent
            .and_then(|i| i.get(key))
            .and_then(|v| v.as_str())
            .unwrap_or(default)
            .to_string()
    };
    let intent_bool = |key: &str, default: bool| -> bool {
        intent
            .and_then(|i| i.get(key))
            .and_then(|v| v.as_bool())
            .unwrap_or(default)
    };
    let roadmap = config
        .get("policy")
        .and_then(|p| p.get("roadmap"))
        .and_then(|b| b.as_str())
        .unwrap_or("level")
        .to_string();
    let milestones = intent_str("milestones", "linear") == "linear" && roadmap == "level";
    let min_fill = config
        .get("staffing")
        .and_then(|s| s.get("min_fill"))
        .and_then(|v| v.as_float())
        .unwrap_or(0.9);
    let horizon = config["time"]["horizon"].as_integer().unwrap() as i32;
    let groups = read_csv(&dir.join("groups.csv"));
    let em: BTreeSet<String> = groups
        .iter()
        .filter(|g| g["em"] == "yes")
        .map(|g| g["group"].clone())
        .collect();
    let em_pop: f64 = groups
        .iter()
        .filter(|g| g["em"] == "yes")
        .map(|g| g["population_share"].parse::<f64>().unwrap())
        .sum::<f64>()
        / groups
            .iter()
            .map(|g| g["population_share"].parse::<f64>().unwrap())
            .sum::<f64>();
    let units = read_csv(&dir.join("units.csv"));
    let quota_changes = if dir.join("quotas.csv").exists() {
        read_csv(&dir.join("quotas.csv"))
    } else {
        vec![]
    };
    let quota = |id: &str, year: i32| -> f64 {
        let mut q: f64 = units.iter().find(|u| u["id"] == id).unwrap()["quota"]
            .parse()
            .unwrap();
        let mut changes: Vec<(i32, f64)> = quota_changes
            .iter()
            .filter(|r| r["unit"] == id)
            .map(|r| (r["year"].parse().unwrap(), r["quota"].parse().unwrap()))
            .collect();
        changes.sort_by_key(|c| c.0);
        for (y, v) in changes {
            if y <= year && y > reference {
                q = v;
            }
        }
        q
    };
    let mut trajectory = read_csv(&out.join("trajectory.csv"));
    if reference < base {
        for mut r in read_csv(&dir.join("reference_staff.csv")) {
            let n = r.remove("count").unwrap();
            r.insert("headcount".into(), n);
            r.insert("year".into(), reference.to_string());
            trajectory.push(r);
        }
    }
    // The rows of each year and unit, found once: counting scans them by the thousand.
    let mut rows_of: BTreeMap<(i32, String), Vec<&Row>> = BTreeMap::new();
    for r in &trajectory {
        rows_of
            .entry((r["year"].parse().unwrap(), r["unit"].clone()))
            .or_default()
            .push(r);
    }
    let count = |unit: Option<&str>, year: i32, f: &dyn Fn(&Row) -> bool| -> u32 {
        let rows: Vec<&Row> = match unit {
            Some(u) => rows_of
                .get(&(year, u.to_string()))
                .map_or(Vec::new(), |v| v.clone()),
            None => rows_of
                .range((year, String::new())..)
                .take_while(|((y, _), _)| *y == year)
                .flat_map(|(_, v)| v.iter().copied())
                .collect(),
        };
        rows.into_iter()
            .filter(|r| f(r))
            .map(|r| r["headcount"].parse::<u32>().unwrap())
            .sum()
    };
    let is_em = |r: &Row| em.contains(&r["group"]);
    let mut out_rows = BTreeMap::new();
    let provincial_level = [
        "provincial",
        "ethnic_department",
        "ethnic_committee",
        "public_service",
    ];
    let rate_of = |u: &Row| -> Option<(&'static str, f64)> {
        let p: f64 = u["em_population_share"].parse::<f64>().unwrap() / 100.0;
        match u["kind"].as_str() {
            "provincial" | "public_service" => Some(("R1", 0.20)),
            "ethnic_department" | "ethnic_committee" => Some(("R3", 0.40)),
            "commune" => {
                let bands = [
                    (0.05, 0.10, 0.05, 0.05),
                    (0.10, 0.30, 0.05, 0.15),
                    (0.30, 0.50, 0.15, 0.25),
                    (0.50, 0.70, 0.25, 0.35),
                    (0.70, 1.00, 0.35, 0.50),
                ];
                bands
                    .iter()
                    .rev()
                    .find(|b| p >= b.0)
                    .filter(|_| p >= 0.05)
                    .map(|&(from, to, lo, hi)| match band_rule.as_str() {
                        "lower" => lo,
                        "upper" => hi,
                        _ => lo + (p - from) / (to - from) * (hi - lo),
                    })
                    .map(|r| ("R2", r))
            }
            _ => None,
        }
    };
    // Requirements of the rules in `year` with roadmap `level`, as (unit, rule) → Req:
    // a fixed number, or a share of a base head-count (R6, R8), with what is achieved.
    #[derive(Clone, Copy)]
    enum Req {
        Fixed(f64),
        Share(f64, u32),
    }
    let rules_at = |y: i32, level: f64, at: i32| -> Vec<((String, String), Req, u32)> {
        let mut rows = Vec::new();
        let (mut prov_em, mut prov_leaders, mut prov_women_leaders) = (0, 0, 0);
        for u in &units {
            let id = u["id"].as_str();
            let em_staff = count(Some(id), at, &is_em);
            let em_women = count(Some(id), at, &|r| is_em(r) && r["gender"] == "F");
            let em_leaders = count(Some(id), at, &|r| is_em(r) && r["role"] == "leader");
            let em_women_leaders = count(Some(id), at, &|r| {
                is_em(r) && r["role"] == "leader" && r["gender"] == "F"
            });
            if let Some((rule, rate)) = rate_of(u) {
                let required = ceil(level * rate * quota(id, y)) as f64;
                rows.push((
                    (id.to_string(), rule.to_string()),
                    Req::Fixed(required),
                    em_staff,
                ));
                rows.push((
                    (id.to_string(), "R4".into()),
                    Req::Fixed(ceil(0.2 * required) as f64),
                    em_women,
                ));
            }
            if u["kind"] == "commune" {
                rows.push((
                    (id.to_string(), "R6".into()),
                    Req::Share(level * 0.2, em_staff),
                    em_leaders,
                ));
                rows.push((
                    (id.to_string(), "R7".into()),
                    Req::Share(0.2, 0),
                    em_women_leaders,
                ));
            }
            let trained = count(Some(id), at, &|r| is_em(r) && r["trained"] == "yes");
            rows.push((
                (id.to_string(), "R8".into()),
                Req::Share(level, em_staff),
                trained,
            ));
            if provincial_level.contains(&u["kind"].as_str()) {
                prov_em += em_staff;
                prov_leaders += em_leaders;
                prov_women_leaders += em_women_leaders;
            }
        }
        if units
            .iter()
            .any(|u| provincial_level.contains(&u["kind"].as_str()))
        {
            rows.push((
                ("PROVINCE".into(), "R6".into()),
                Req::Share(level * 0.1, prov_em),
                prov_leaders,
            ));
            rows.push((
                ("PROVINCE".into(), "R7".into()),
                Req::Share(0.2, 0),
                prov_women_leaders,
            ));
        }
        rows
    };
    // A chain's R7 is 20% of its R6 minimum: resolved in order.
    let resolve = |rows: Vec<((String, String), Req, u32)>| -> Vec<((String, String), u32, u32)> {
        let mut r6 = 0;
        rows.into_iter()
            .map(|(key, req, achieved)| {
                let required = match req {
                    Req::Fixed(r) => r as u32,
                    Req::Share(c, base) if key.1 == "R7" => {
                        let _ = base;
                        ceil(c * r6 as f64)
                    }
                    Req::Share(c, base) => ceil(c * base as f64),
                };
                if key.1 == "R6" {
                    r6 = required;
                }
                (key, required, achieved)
            })
            .collect()
    };
    let mut from = (reference, None::<(i32, f64)>);
    for &(y, level) in &years {
        for ((unit, rule), required, achieved) in resolve(rules_at(y, level, y)) {
            out_rows.insert((unit, rule, y), (required, achieved));
        }
        if milestones {
            // Milestones on the straight line from the segment's start (docs/model.md).
            let (y0, start) = from;
            for t in (y0 + 1).max(base + 1)..y {
                let f = (t - y0) as f64 / (y - y0) as f64;
                let end = rules_at(t, level, t);
                let at_base = rules_at(t, level, reference);
                let begin = start.map(|(y0, l0)| rules_at(y0, l0, y0));
                let mut r6 = 0u32;
                for (i, ((key, req, achieved), (_, req_base, achieved_base))) in
                    end.into_iter().zip(at_base).enumerate()
                {
                    let before = begin.as_ref().map(|b| b[i].1);
                    let required = match (req, req_base, before) {
                        (Req::Fixed(r1), _, b) => {
                            let v0 = match b {
                                Some(Req::Fixed(r0)) => r0,
                                _ => achieved_base as f64,
                            }
                            .min(r1);
                            ceil(v0 + f * (r1 - v0))
                        }
                        (Req::Share(_, _), _, _) if key.1 == "R7" => ceil(0.2 * r6 as f64),
                        (Req::Share(c1, _), Req::Share(_, b0), b) => {
                            let c0 = match b {
                                Some(Req::Share(c0, _)) => c0,
                                _ if b0 == 0 => c1,
                                _ => achieved_base as f64 / b0 as f64,
                            }
                            .min(c1);
                            let c = ((c0 + f * (c1 - c0)) * 1e9).round() / 1e9;
                            ceil(c * b0 as f64)
                        }
                        _ => unreachable!(),
                    };
                    if key.1 == "R6" {
                        r6 = required;
                    }
                    out_rows.insert((key.0, key.1, t), (required, achieved));
                }
            }
        }
        from = (y, Some((y, level)));
        for u in &units {
            let id = u["id"].as_str();
            if u["kind"] == "public_service" {
                let em_staff = count(Some(id), y, &is_em);
                let em_leaders = count(Some(id), y, &|r| is_em(r) && r["role"] == "leader");
                let total = count(Some(id), y, &|_| true);
                if total > 0 && em_staff as f64 >= 0.3 * total as f64 {
                    out_rows.insert((id.to_string(), "R6".into(), y), (1, em_leaders));
                }
            }
        }
        let all = count(None, y, &|_| true);
        out_rows.insert(
            ("PROVINCE".into(), "R5".into(), y),
            ((em_pop * all as f64).round() as u32, count(None, y, &is_em)),
        );
    }
    // I1: EM head-count not below the base year's, less in proportion to a quota cut;
    // I3: staff at least the base-year fill rate (0.9..=1) of the quota in force.
    for t in base + 1..=horizon {
        let (mut floors, mut ems) = (0, 0);
        for u in &units {
            let id = u["id"].as_str();
            let (q0, qt) = (quota(id, reference), quota(id, t));
            let em0 = count(Some(id), reference, &is_em);
            let em_t = count(Some(id), t, &is_em);
            if intent_bool("em_number", true) {
                let floor = if qt >= q0 {
                    em0
                } else {
                    (em0 as f64 * qt / q0).floor() as u32
                };
                floors += floor;
                ems += em_t;
                if floor > 0 {
                    out_rows.insert((id.to_string(), "I1".into(), t), (floor, em_t));
                }
            }
            if intent_bool("keep_base_fill", true) {
                let staff0 = count(Some(id), reference, &|_| true) as f64;
                let fill = if q0 > 0.0 {
                    (staff0 / q0).clamp(min_fill, 1.0)
                } else {
                    min_fill
                };
                let floor = ceil(fill * qt);
                if floor > 0 {
                    out_rows.insert(
                        (id.to_string(), "I3".into(), t),
                        (floor, count(Some(id), t, &|_| true)),
                    );
                }
            }
        }
        if intent_bool("em_number", true) {
            out_rows.insert(("PROVINCE".into(), "I1".into(), t), (floors, ems));
        }
    }
    // I4: the channel's hires that year; the required number (net of new-hire leavers) is
    // checked to lie between half and all of min_hires, its exact value needing the fitted
    // attrition.
    let channels = read_csv(&dir.join("channels.csv"));
    let flows = read_csv(&out.join("flows.csv"));
    for ch in channels
        .iter()
        .filter(|c| c.get("min_hires").is_some_and(|m| !m.is_empty()))
    {
        let least: u32 = ch["min_hires"].parse().unwrap();
        let years: Vec<i32> = ch["year"].split('-').map(|y| y.parse().unwrap()).collect();
        for t in years[0].max(base + 1)..=*years.last().unwrap() {
            let hired: u32 = flows
                .iter()
                .filter(|f| {
                    f["flow"] == "hire"
                        && f["channel"] == ch["channel"]
                        && f["year"] == t.to_string()
                })
                .map(|f| f["count"].parse::<u32>().unwrap())
                .sum();
            out_rows.insert((ch["channel"].clone(), "I4".into(), t), (least, hired));
        }
    }
    out_rows
}

pub fn check_targets(dir: &Path, out: &Path) {
    let expected = recompute_targets(dir, out);
    let written: BTreeMap<(String, String, i32), (u32, u32)> = read_csv(&out.join("targets.csv"))
        .iter()
        .map(|r| {
            let (req, ach, short): (u32, u32, u32) = (
                r["required"].parse().unwrap(),
                r["achieved"].parse().unwrap(),
                r["shortfall"].parse().unwrap(),
            );
            assert_eq!(short, req.saturating_sub(ach), "{r:?}");
            assert_eq!(r["met"] == "true", short == 0, "{r:?}");
            (
                (
                    r["unit"].clone(),
                    r["rule"].clone(),
                    r["year"].parse().unwrap(),
                ),
                (req, ach),
            )
        })
        .collect();
    // I4's required count is net of new-hire leavers: between half and all of min_hires.
    let mut written = written;
    for ((unit, rule, year), (least, hired)) in expected.iter().filter(|(k, _)| k.1 == "I4") {
        let (req, ach) = written
            .get_mut(&(unit.clone(), rule.clone(), *year))
            .unwrap_or_else(|| panic!("no I4 row for {unit} {year}"));
        assert!(
            *req <= *least && 2 * *req >= *least,
            "I4 {unit} {year}: {req} of {least}"
        );
        assert_eq!(ach, hired, "I4 {unit} {year}");
        *req = *least;
    }
    assert_eq!(
        written, expected,
        "targets.csv differs from the rules recomputed from the raw data"
    );
}
