//! `bienche actuals`' charts, one per rule in `rule_status.csv`: every compiled unit a
//! tile coloured by where it stands on the rule on its report date (behind, on track,
//! ahead), behind first. Tiles show the unit and its standing, never a head-count: the
//! charts are for slides, and a count of one or two people would name someone.

use super::*;
use crate::domain::Rule;
use crate::output::contract::{RuleStatusRow, Status};

/// What the footer names.
pub struct Source<'a> {
    pub scenario: &'a str,
    pub illustrative: bool,
}

/// Draws `status-RULE.png` and `.svg` for each rule of `rows` into `dir`.
pub fn draw(
    dir: &Path,
    rows: &[RuleStatusRow],
    source: &Source,
    l: &Labels,
) -> Result<Vec<PathBuf>> {
    register_fonts();
    let footer = footer_text(
        l,
        env!("CARGO_PKG_VERSION"),
        source.scenario,
        source.illustrative,
    );
    let rules: std::collections::BTreeSet<Rule> = rows.iter().map(|r| r.rule).collect();
    let mut files = Vec::new();
    for rule in rules {
        let mut of_rule: Vec<&RuleStatusRow> = rows.iter().filter(|r| r.rule == rule).collect();
        of_rule.sort_by(|a, b| (a.status, &a.unit).cmp(&(b.status, &b.unit)));
        let name = format!("status-{rule}");
        files.extend(both!(dir, name.as_str(), root => tiles(&root, &of_rule, rule, l, &footer)));
    }
    Ok(files)
}

fn color(s: Status) -> RGBColor {
    match s {
        Status::Behind => VERMILLION,
        Status::OnTrack => BLUE,
        Status::Ahead => GREEN,
    }
}

fn tiles<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    rows: &[&RuleStatusRow],
    rule: Rule,
    l: &Labels,
    footer: &str,
) -> Draw<()> {
    let count = |s: Status| rows.iter().filter(|r| r.status == s).count();
    let year = rows.first().map_or(0, |r| r.year);
    let title = l.get(
        "st_title",
        &[
            &rule.to_string(),
            &l.get(&format!("wb_rule_{rule}"), &[]),
            &year.to_string(),
            &count(Status::Behind).to_string(),
            &count(Status::OnTrack).to_string(),
            &count(Status::Ahead).to_string(),
        ],
    );
    let body = page(root, &title, footer)?;
    let (width, height) = body.dim_in_pixel();
    // The key, one line across the top.
    let mut x = 48;
    for s in [Status::Behind, Status::OnTrack, Status::Ahead] {
        body.draw(&Rectangle::new([(x, 12), (x + 28, 40)], color(s).filled()))
            .map_err(err)?;
        let text = l.get(&format!("st_key_{}", s.name()), &[]);
        body.draw_text(&text, &text_style(24, &INK), (x + 38, 14))
            .map_err(err)?;
        let (w, _) = body
            .estimate_text_size(&text, &text_style(24, &INK))
            .map_err(err)?;
        x += 38 + w as i32 + 48;
    }
    if rows.is_empty() {
        return Ok(());
    }
    // Tiles in a grid as square as the body allows, below the key.
    let (left, top) = (48i32, 64i32);
    let (w, h) = (width as i32 - 2 * left, height as i32 - top - 12);
    let n = rows.len() as i32;
    let mut cols = 1;
    while cols * ((n + cols - 1) / cols).max(1) < n
        || (w / cols) as f64 / (h / ((n + cols - 1) / cols)) as f64 > 2.2
    {
        cols += 1;
    }
    let lines = (n + cols - 1) / cols;
    let (tw, th) = (w / cols, (h / lines).min(120));
    let size = (th / 3).clamp(14, 28) as u32;
    for (i, r) in rows.iter().enumerate() {
        let (c, k) = (i as i32 % cols, i as i32 / cols);
        let (x0, y0) = (left + c * tw, top + k * th);
        body.draw(&Rectangle::new(
            [(x0 + 3, y0 + 3), (x0 + tw - 3, y0 + th - 3)],
            color(r.status).filled(),
        ))
        .map_err(err)?;
        let text = text_style(size, &WHITE).pos(Pos::new(HPos::Center, VPos::Center));
        body.draw_text(&r.unit, &text, (x0 + tw / 2, y0 + th / 2))
            .map_err(err)?;
    }
    Ok(())
}
