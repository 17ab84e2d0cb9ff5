//! *Việc cần làm / Actions*: one row per unit and year in which the plan acts, what to do
//! in words ("tuyển 2 người Thái qua thi tuyển dành cho người DTTS; đào tạo, bồi dưỡng 3
//! người"), the counts by kind of
//! flow beside it (retirements and leavers expected, not decided, in their own columns),
//! and what the year's decisions cost. From `flows.csv`.

use super::{fit_row, money, Book, Xlsx, HEAD};
use crate::domain::{FlowKind, Gender};
use rust_xlsxwriter::Worksheet;
use std::collections::BTreeMap;

/// What a unit does in a year.
#[derive(Default)]
struct Year {
    /// channel → group → hires.
    hires: BTreeMap<String, BTreeMap<String, u32>>,
    /// group → (promotions, of them women).
    promotions: BTreeMap<String, (u32, u32)>,
    trained: u32,
    /// Leaders stepping down at the end of their term.
    step_downs: u32,
    exits: u32,
    /// counterpart → people arriving, people leaving.
    arriving: BTreeMap<String, u32>,
    leaving: BTreeMap<String, u32>,
    retire: u32,
    attrition: u32,
    cost: f64,
}

impl Year {
    fn acts(&self) -> bool {
        !self.hires.is_empty()
            || !self.promotions.is_empty()
            || self.trained > 0
            || self.step_downs > 0
            || self.exits > 0
            || !self.arriving.is_empty()
            || !self.leaving.is_empty()
    }
}

pub(super) fn sheet(ws: &mut Worksheet, b: &Book) -> Xlsx<()> {
    let mut years: BTreeMap<(i32, String), Year> = BTreeMap::new();
    for f in &b.t.flows {
        let y = years.entry((f.year, f.unit.clone())).or_default();
        y.cost += f.cost.value();
        let n = f.count;
        match f.flow {
            FlowKind::Hire => {
                *y.hires
                    .entry(f.channel.clone())
                    .or_default()
                    .entry(f.group.clone())
                    .or_default() += n
            }
            FlowKind::Promote => {
                let p = y.promotions.entry(f.group.clone()).or_default();
                p.0 += n;
                if f.gender == Gender::Female {
                    p.1 += n;
                }
            }
            FlowKind::Train => y.trained += n,
            FlowKind::Exit => y.exits += n,
            FlowKind::StepDown => y.step_downs += n,
            FlowKind::TransferIn => *y.arriving.entry(f.counterpart.clone()).or_default() += n,
            FlowKind::TransferOut => *y.leaving.entry(f.counterpart.clone()).or_default() += n,
            FlowKind::Retire => y.retire += n,
            FlowKind::Attrition => y.attrition += n,
        }
    }
    let headings: Vec<(String, f64)> = [
        ("wb_h_year", 7.0),
        ("wb_h_code", 8.0),
        ("wb_h_unit", 24.0),
        ("wb_h_todo", 70.0),
        ("wb_h_hires", 9.0),
        ("wb_h_trained", 9.0),
        ("wb_h_promoted", 9.0),
        ("wb_h_arriving", 9.0),
        ("wb_h_leaving", 9.0),
        ("wb_h_exits", 9.0),
        ("wb_h_retire", 9.0),
        ("wb_h_attrition", 10.0),
        ("wb_h_cost", 13.0),
    ]
    .iter()
    .map(|(k, w)| (b.w(k, &[]), *w))
    .collect();
    b.open_table(ws, &b.w("wb_sheet_actions", &[]), &headings)?;
    let mut row = HEAD + 1;
    for ((year, unit), y) in years.iter().filter(|(_, y)| y.acts()) {
        let sum = |m: &BTreeMap<String, u32>| m.values().sum::<u32>();
        ws.write_number_with_format(row, 0, *year, &b.f.text)?;
        ws.write_string_with_format(row, 1, unit, &b.f.text)?;
        ws.write_string_with_format(row, 2, b.unit_name(unit), &b.f.text)?;
        let todo = words(b, y);
        ws.write_string_with_format(row, 3, &todo, &b.f.wrap)?;
        fit_row(ws, row, &todo, 75)?;
        let counts = [
            y.hires.values().flat_map(|g| g.values()).sum::<u32>(),
            y.trained,
            y.promotions.values().map(|p| p.0).sum(),
            sum(&y.arriving),
            sum(&y.leaving),
            y.exits,
            y.retire,
            y.attrition,
        ];
        for (c, n) in counts.iter().enumerate() {
            if *n > 0 {
                ws.write_number_with_format(row, 4 + c as u16, *n, &b.f.int)?;
            }
        }
        ws.write_number_with_format(row, 12, money(y.cost), &b.f.money)?;
        row += 1;
    }
    b.close_table(ws, row - HEAD - 1, headings.len() as u16)
}

/// A unit's year in words, decisions only, in a fixed order.
fn words(b: &Book, y: &Year) -> String {
    let mut parts = Vec::new();
    // One phrase per channel: its groups in brackets when there are several.
    for (channel, groups) in &y.hires {
        let channel = b.channel_name(channel);
        let phrase = match groups.iter().collect::<Vec<_>>()[..] {
            [(group, n)] => b.w(
                "wb_act_hire",
                &[&n.to_string(), &b.group_name(group), &channel],
            ),
            _ => {
                let total: u32 = groups.values().sum();
                let each: Vec<String> = groups
                    .iter()
                    .map(|(g, n)| format!("{n} {}", b.group_name(g)))
                    .collect();
                b.w(
                    "wb_act_hire_groups",
                    &[&total.to_string(), &each.join(", "), &channel],
                )
            }
        };
        parts.push(phrase);
    }
    if y.step_downs > 0 {
        parts.push(b.w("wb_act_step_down", &[&y.step_downs.to_string()]));
    }
    for (group, (n, women)) in &y.promotions {
        let key = if *women > 0 {
            "wb_act_promote_women"
        } else {
            "wb_act_promote"
        };
        parts.push(b.w(
            key,
            &[&n.to_string(), &b.group_name(group), &women.to_string()],
        ));
    }
    if y.trained > 0 {
        parts.push(b.w("wb_act_train", &[&y.trained.to_string()]));
    }
    for (from, n) in &y.arriving {
        parts.push(b.w("wb_act_arrive", &[&n.to_string(), &b.unit_name(from)]));
    }
    for (to, n) in &y.leaving {
        parts.push(b.w("wb_act_leave", &[&n.to_string(), &b.unit_name(to)]));
    }
    if y.exits > 0 {
        parts.push(b.w("wb_act_exit", &[&y.exits.to_string()]));
    }
    parts.join("; ")
}
