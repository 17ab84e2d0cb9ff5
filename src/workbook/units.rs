//! *Đơn vị / Units*: each unit's kind and level, quota and leader posts, its staff, EM
//! staff and EM share in the base year and each target year (`trajectory.csv`), its cost
//! over the horizon (`costs.csv`), and its target rows of target years met and missed.

use super::{money, Book, Xlsx, HEAD};
use crate::domain::target::TargetKind;
use crate::domain::Level;
use rust_xlsxwriter::Worksheet;
use std::collections::{BTreeMap, BTreeSet};

pub(super) fn sheet(ws: &mut Worksheet, b: &Book) -> Xlsx<()> {
    let t = b.t;
    let s = &t.summary;
    let mut years: BTreeSet<i32> = t
        .targets
        .iter()
        .filter(|r| r.kind == TargetKind::Target)
        .map(|r| r.year)
        .collect();
    years.insert(s.base_year);
    years.insert(s.horizon);
    let mut staff: BTreeMap<(i32, &str), (u32, u32)> = BTreeMap::new();
    for r in t.trajectory.iter().filter(|r| years.contains(&r.year)) {
        let e = staff.entry((r.year, r.unit.as_str())).or_default();
        e.0 += r.headcount;
        if b.em.contains(&r.group) {
            e.1 += r.headcount;
        }
    }
    let quota: BTreeMap<(i32, &str), (u32, u32)> = t
        .units
        .iter()
        .map(|u| ((u.year, u.unit.as_str()), (u.quota, u.leader_posts)))
        .collect();
    let mut cost: BTreeMap<&str, f64> = BTreeMap::new();
    for r in &t.costs {
        *cost.entry(r.unit.as_str()).or_default() += r.cost.value();
    }
    let mut tally: BTreeMap<&str, (u32, u32)> = BTreeMap::new();
    for r in t
        .targets
        .iter()
        .filter(|r| r.kind == TargetKind::Target && !b.is_goal(r))
    {
        let e = tally.entry(r.unit.as_str()).or_default();
        if r.met {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
    }

    let (base, horizon) = (s.base_year.to_string(), s.horizon.to_string());
    let period = format!("{}–{}", s.base_year + 1, s.horizon);
    let mut headings: Vec<(String, f64)> = vec![
        (b.w("wb_h_code", &[]), 8.0),
        (b.w("wb_h_unit", &[]), 30.0),
        (b.w("wb_h_unit_kind", &[]), 24.0),
        (b.w("wb_h_level", &[]), 10.0),
        (b.w("wb_h_quota", &[&base]), 10.0),
        (b.w("wb_h_quota", &[&horizon]), 10.0),
        (b.w("wb_h_leader_posts", &[]), 10.0),
    ];
    for y in &years {
        let y = y.to_string();
        headings.push((b.w("wb_h_staff", &[&y]), 9.0));
        headings.push((b.w("wb_h_em_staff", &[&y]), 9.0));
        headings.push((b.w("wb_h_em_share", &[&y]), 9.0));
    }
    headings.push((b.w("wb_h_unit_cost", &[&period]), 14.0));
    headings.push((b.w("wb_h_targets_met", &[]), 9.0));
    headings.push((b.w("wb_h_targets_missed", &[]), 9.0));
    b.open_table(ws, &b.w("wb_sheet_units", &[]), &headings)?;
    ws.set_freeze_panes(HEAD + 1, 2)?;

    let mut row = HEAD + 1;
    for id in b.unit_ids() {
        let id = id.as_str();
        let Some(kind) = b.unit_kind(id) else {
            continue;
        };
        ws.write_string_with_format(row, 0, id, &b.f.text)?;
        ws.write_string_with_format(row, 1, b.unit_name(id), &b.f.text)?;
        ws.write_string_with_format(row, 2, b.kind_name(kind), &b.f.text)?;
        ws.write_string_with_format(row, 3, b.level_name(Level::of(kind)), &b.f.text)?;
        let q = |y: i32| quota.get(&(y, id)).copied().unwrap_or((0, 0));
        ws.write_number_with_format(row, 4, q(s.base_year).0, &b.f.int)?;
        ws.write_number_with_format(row, 5, q(s.horizon).0, &b.f.int)?;
        ws.write_number_with_format(row, 6, q(s.base_year).1, &b.f.int)?;
        let mut c = 7;
        for y in &years {
            let (all, em) = staff.get(&(*y, id)).copied().unwrap_or((0, 0));
            ws.write_number_with_format(row, c, all, &b.f.int)?;
            ws.write_number_with_format(row, c + 1, em, &b.f.int)?;
            if all > 0 {
                ws.write_number_with_format(row, c + 2, em as f64 / all as f64, &b.f.pct)?;
            }
            c += 3;
        }
        ws.write_number_with_format(
            row,
            c,
            money(cost.get(id).copied().unwrap_or(0.0)),
            &b.f.money,
        )?;
        let (met, missed) = tally.get(id).copied().unwrap_or((0, 0));
        ws.write_number_with_format(row, c + 1, met, &b.f.int)?;
        if missed > 0 {
            ws.write_number_with_format(row, c + 2, missed, &b.f.warn)?;
        } else {
            ws.write_number_with_format(row, c + 2, 0, &b.f.int)?;
        }
        row += 1;
    }
    b.close_table(ws, row - HEAD - 1, headings.len() as u16)
}
