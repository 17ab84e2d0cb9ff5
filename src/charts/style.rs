//! Text and keys in the charts' style: the DejaVu Sans face registered with plotters, text
//! styles, the series legend with its colour swatch, and a translucent colour over white.

use super::*;

pub(super) const FONT: &str = "sans-serif";

pub(super) fn register_fonts() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Both calls only fail on a malformed font file, which the crate ships.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold());
    });
}

pub(super) fn text_style(size: u32, color: &RGBColor) -> TextStyle<'static> {
    (FONT, size).into_font().color(color)
}

pub(super) fn bold(size: u32) -> TextStyle<'static> {
    (FONT, size).into_font().style(FontStyle::Bold).color(&INK)
}

/// The series legend, in the charts' style.
pub(super) fn legend<'a, DB: DrawingBackend + 'a, CT: plotters::coord::CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
    size: u32,
) -> Draw<()> {
    chart
        .configure_series_labels()
        .position(position)
        .label_font(text_style(size, &INK))
        .background_style(WHITE.mix(0.9))
        .border_style(LIGHT)
        .draw()
        .map_err(err)
}

/// A legend entry's colour swatch.
pub(super) fn legend_box(x: i32, y: i32, color: RGBColor) -> Rectangle<(i32, i32)> {
    Rectangle::new([(x, y - 10), (x + 24, y + 10)], color.filled())
}

pub(super) trait ToRgb {
    fn rgb_color(&self) -> RGBColor;
}

impl ToRgb for RGBAColor {
    /// The colour over white.
    fn rgb_color(&self) -> RGBColor {
        let (r, g, b) = self.rgb();
        let a = self.alpha();
        let over = |c: u8| (c as f64 * a + 255.0 * (1.0 - a)).round() as u8;
        RGBColor(over(r), over(g), over(b))
    }
}
