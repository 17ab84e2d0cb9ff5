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
            if y <= year && y > base {
                q = v;
            }
        }
        q
    };
    let trajectory = read_csv(&out.join("trajectory.csv"));
    let count = |unit: Option<&str>, year: i32, f: &dyn Fn(&Row) -> bool| -> u32 {
        trajectory
            .iter()
            .filter(|r| {
                r["year"] == year.to_string() && unit.is_none_or(|u| r["unit"] == u) && f(r)
            })
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
    for &(y, level) in &years {
        let mut prov_em = 0;
        let mut prov_leaders = 0;
        let mut prov_women_leaders = 0;
        for u in &units {
            let id = u["id"].as_str();
            let p: f64 = u["em_population_share"].parse::<f64>().unwrap() / 100.0;
            let rate = match u["kind"].as_str() {
                "provincial" | "public_service" => Some(0.20),
                "ethnic_department" | "ethnic_committee" => Some(0.40),
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
                }
                _ => None,
            };
            let em_staff = count(Some(id), y, &is_em);
            let em_women = count(Some(id), y, &|r| is_em(r) && r["gender"] == "F");
            let em_leaders = count(Some(id), y, &|r| is_em(r) && r["role"] == "leader");
            let em_women_leaders = count(Some(id), y, &|r| {
                is_em(r) && r["role"] == "leader" && r["gender"] == "F"
            });
            if let Some(rate) = rate {
                let required = ceil(level * rate * quota(id, y));
                let rule = match u["kind"].as_str() {
                    "commune" => "R2",
                    "ethnic_department" | "ethnic_committee" => "R3",
                    _ => "R1",
                };
                out_rows.insert((id.to_string(), rule.to_string(), y), (required, em_staff));
                out_rows.insert(
                    (id.to_string(), "R4".into(), y),
                    (ceil(0.2 * required as f64), em_women),
                );
            }
            if u["kind"] == "commune" {
                let r6 = ceil(level * 0.2 * em_staff as f64);
                out_rows.insert((id.to_string(), "R6".into(), y), (r6, em_leaders));
                out_rows.insert(
                    (id.to_string(), "R7".into(), y),
                    (ceil(0.2 * r6 as f64), em_women_leaders),
                );
            }
            if u["kind"] == "public_service" {
                let total = count(Some(id), y, &|_| true);
                if total > 0 && em_staff as f64 >= 0.3 * total as f64 {
                    out_rows.insert((id.to_string(), "R6".into(), y), (1, em_leaders));
                }
            }
            let trained = count(Some(id), y, &|r| is_em(r) && r["trained"] == "yes");
            out_rows.insert(
                (id.to_string(), "R8".into(), y),
                (ceil(level * em_staff as f64), trained),
            );
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
            let r6 = ceil(level * 0.1 * prov_em as f64);
            out_rows.insert(("PROVINCE".into(), "R6".into(), y), (r6, prov_leaders));
            out_rows.insert(
                ("PROVINCE".into(), "R7".into(), y),
                (ceil(0.2 * r6 as f64), prov_women_leaders),
            );
        }
        let all = count(None, y, &|_| true);
        out_rows.insert(
            ("PROVINCE".into(), "R5".into(), y),
            ((em_pop * all as f64).round() as u32, count(None, y, &is_em)),
        );
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
    assert_eq!(
        written, expected,
        "targets.csv differs from the rules recomputed from the raw data"
    );
}
