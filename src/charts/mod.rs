//! Slide-ready charts of a finished run, drawn from its output tables (see [`stats`]) with
//! plotters, as 1920×1080 PNG and SVG, in any language of `labels.tsv`.
//!
//! Text is set in DejaVu Sans, embedded from the `dejavu` crate and registered with
//! plotters' `ab_glyph` backend, so Vietnamese diacritics render on a machine without fonts;
//! in the SVGs the same glyphs are written as outlines ([`svg_text`]).
//! Colours are the Okabe–Ito palette, safe for colour-blind readers. Every title states the
//! run's finding; every footer names the scenario, the date and, when the scenario is
//! illustrative, says so.
//!
//! The charts:
//! 1. `1-trajectory`: province EM staff as a share of quota against the required level in
//!    each target year; women, leaders and trained among EM staff (R4, R6, R8).
//! 2. `2-units`: every unit with an R1–R3 target, required and achieved share of quota in
//!    each target year, worst first, misses marked.
//! 3. `3-cost`: cost by year stacked by lever, all costs and levers without salaries.
//! 4. `4-hiring`: hires by year, channel and EM/non-EM, with the women's share; the title
//!    sets the EM share of hires beside the EM share of the population.
//! 5. `5-attainment`: units × rules × target years: met, missed, not applicable.
//! 6. `6-no-plan`: the EM share with no plan (the forecast) against the plan, province-wide
//!    and for the five units furthest behind with no plan.
//! 7. `7-budget`: the plan's cost over no plan by lever, and its cost by year stacked by
//!    unit kind (the two administrative levels' totals in the title).
//! 8. `8-prices`, only for a plan priced with `--prices`: the 20 dearest targets, by the
//!    money one more required person costs.

/// Draws `$body` (which uses `$root`) once as `DIR/NAME.png` and once as `DIR/NAME.svg` (its
/// text turned into glyph outlines, see [`svg_text`]); evaluates to the two paths. A macro because the drawing code is generic over the backend.
macro_rules! both {
    ($dir:expr, $name:expr, $root:ident => $body:expr) => {{
        let png = $dir.join(format!("{}.png", $name));
        let svg = $dir.join(format!("{}.svg", $name));
        let fail = |e: String| Error::output(&$dir.join($name), e);
        {
            let $root = BitMapBackend::new(&png, SIZE).into_drawing_area();
            $body.map_err(fail)?;
            $root.present().map_err(|e| fail(err(e)))?;
        }
        {
            let $root = SVGBackend::new(&svg, SIZE).into_drawing_area();
            $body.map_err(fail)?;
            $root.present().map_err(|e| fail(err(e)))?;
        }
        svg_text::outline_file(&svg, $name)?;
        [png, svg]
    }};
}

pub mod actuals;
pub mod compare;
pub mod frontier;
pub mod history;
pub mod labels;
pub mod stats;

mod attainment;
mod budget;
mod cost;
mod frame;
mod hiring;
mod no_plan;
mod prices;
mod style;
pub mod svg_text;
mod trajectory;
mod units;

use crate::error::{Error, Result};
use frame::{
    axis_decimals, em_share_lines, em_share_range, page, stacked_bars, whole_ticks, year_chart,
    year_mesh, years_axis, Layer, Plane, Stack,
};
use labels::Labels;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use stats::{pct, Stats};
use std::path::{Path, PathBuf};
use style::*;

pub const SIZE: (u32, u32) = (1920, 1080);

// Okabe–Ito. Defined here, not globbed, so BLUE, GREEN and YELLOW shadow plotters' own.
const BLUE: RGBColor = RGBColor(0, 114, 178);
const ORANGE: RGBColor = RGBColor(230, 159, 0);
const SKY: RGBColor = RGBColor(86, 180, 233);
const GREEN: RGBColor = RGBColor(0, 158, 115);
const YELLOW: RGBColor = RGBColor(240, 228, 66);
const VERMILLION: RGBColor = RGBColor(213, 94, 0);
const PURPLE: RGBColor = RGBColor(204, 121, 167);
const GREY: RGBColor = RGBColor(153, 153, 153);
const LIGHT: RGBColor = RGBColor(229, 229, 229);
const INK: RGBColor = RGBColor(34, 34, 34);
const PALETTE: [RGBColor; 7] = [BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILLION, YELLOW];
/// For series that may outnumber the palette (levers with their channels: eight on the
/// sample): the palette, then ink, so no two series share a colour.
const WIDE_PALETTE: [RGBColor; 8] = [BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILLION, YELLOW, INK];

/// The chart names, in order.
pub const CHARTS: [&str; 7] = [
    "1-trajectory",
    "2-units",
    "3-cost",
    "4-hiring",
    "5-attainment",
    "6-no-plan",
    "7-budget",
];

/// The chart of a plan priced with `--prices` (drawn only then).
pub const PRICES_CHART: &str = "8-prices";

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

type Draw<T> = std::result::Result<T, String>;

/// Today's date (UTC), or the date of `SOURCE_DATE_EPOCH` when set, for reproducible plots.
pub fn footer_date() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    let days = secs.div_euclid(86_400);
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!("{y:04}-{m:02}-{d:02}")
}

/// Draws every chart of the run in `out` into `out/plots/<lang>/`, replacing that folder
/// only once all are drawn. Returns the files written.
pub fn draw_all(out: &Path, lang: &str, force: bool) -> Result<Vec<PathBuf>> {
    let labels = Labels::new(lang)?;
    let stats = stats::load(out)?;
    let plots = out.join("plots");
    let target = plots.join(lang);
    crate::output::folder::check_out(&crate::output::folder::Out {
        path: &target,
        kind: crate::output::folder::Kind::Charts,
        inputs: &[],
        force,
    })?;
    crate::output::folder::make_dir(&plots)?;
    let mut written = Vec::new();
    crate::output::write_folder(&target, |dir| {
        written = draw_into(dir, &stats, &labels)?;
        Ok(())
    })?;
    Ok(written
        .into_iter()
        .filter_map(|p| p.file_name().map(|n| target.join(n)))
        .collect())
}

/// Draws every chart into `dir`.
pub fn draw_into(dir: &Path, s: &Stats, l: &Labels) -> Result<Vec<PathBuf>> {
    register_fonts();
    let footer = footer_text(l, &s.version, &s.scenario, s.illustrative);
    let mut files = Vec::new();
    files.extend(both!(dir, CHARTS[0], root => trajectory::draw(&root, s, l, &footer)));
    files.extend(both!(dir, CHARTS[1], root => units::draw(&root, s, l, &footer)));
    files.extend(both!(dir, CHARTS[2], root => cost::draw(&root, s, l, &footer)));
    files.extend(both!(dir, CHARTS[3], root => hiring::draw(&root, s, l, &footer)));
    files.extend(both!(dir, CHARTS[4], root => attainment::draw(&root, s, l, &footer)));
    files.extend(both!(dir, CHARTS[5], root => no_plan::draw(&root, s, l, &footer)));
    files.extend(both!(dir, CHARTS[6], root => budget::draw(&root, s, l, &footer)));
    if s.priced_rows > 0 {
        files.extend(both!(dir, PRICES_CHART, root => prices::draw(&root, s, l, &footer)));
    }
    Ok(files)
}

/// The footer: tool, scenario, date, and the illustrative-data warning when it applies.
pub(crate) fn footer_text(l: &Labels, version: &str, scenario: &str, illustrative: bool) -> String {
    let mut f = l.get("footer", &[version, scenario, &footer_date()]);
    if illustrative {
        f.push_str(" · ");
        f.push_str(&l.get("illustrative", &[]));
    }
    f
}
