//! The SVG charts' text as glyph outlines, so that an SVG shows the same DejaVu Sans letters
//! as its PNG twin on any machine (PowerPoint, a browser without the font, a report read
//! offline) instead of naming `sans-serif` and leaving the face to the reader.
//!
//! plotters writes each text as `<text x y dy text-anchor font-size fill …>words</text>`.
//! Each is replaced by a group of `<use>` references to glyph outlines defined once in the
//! file's `<defs>`, placed exactly as the bitmap backend places them (the same layout box,
//! anchors and baseline, in `vendor/plotters/src/style/font/ab_glyph.rs`): the font is
//! scaled to `1.24 × font-size` pixels of height, the text is `Σ advance + kerning` wide, a
//! top-anchored line has its baseline half that height below `y`. The words stay readable
//! to search and screen readers as the group's `aria-label`.

use ab_glyph::{Font, FontRef, GlyphId, OutlineCurve, Point, ScaleFont};
use std::collections::BTreeMap;
use std::fmt::Write;

/// plotters' ratio between a text style's size and the SVG font-size it writes.
const SIZE_PER_FONT_SIZE: f64 = 1.24;

/// `svg` with every `<text>` element replaced by glyph outlines; glyph ids start with
/// `prefix`, so that several charts can share one HTML page.
pub fn outline_text(svg: &str, prefix: &str) -> String {
    let Some(faces) = Faces::new() else {
        return svg.to_string();
    };
    let mut used: BTreeMap<(bool, u16), ()> = BTreeMap::new();
    let mut body = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(start) = rest.find("<text ") {
        body.push_str(&rest[..start]);
        let after = &rest[start..];
        let (Some(open_end), Some(close)) = (after.find('>'), after.find("</text>")) else {
            // Not plotters' form: the rest as it is.
            rest = after;
            break;
        };
        let attrs = attributes(&after[6..open_end]);
        let words = unescape(after[open_end + 1..close].trim_matches('\n'));
        body.push_str(&text_group(&attrs, &words, &faces, prefix, &mut used));
        rest = &after[close + "</text>".len()..];
    }
    body.push_str(rest);
    let defs = definitions(&faces, prefix, &used);
    // The glyph definitions go right after the opening <svg …> tag.
    match body
        .find("<svg")
        .and_then(|s| body[s..].find('>').map(|e| s + e + 1))
    {
        Some(end) => {
            let (head, tail) = body.split_at(end);
            let head = head.replacen(
                "<svg ",
                "<svg xmlns:xlink=\"http://www.w3.org/1999/xlink\" ",
                1,
            );
            format!("{head}\n{defs}{tail}")
        }
        None => body,
    }
}

/// Rewrites the SVG file at `path` with its text as outlines, glyph ids prefixed by `name`.
pub fn outline_file(path: &std::path::Path, name: &str) -> crate::error::Result<()> {
    let fail = |e: std::io::Error| crate::error::Error::output(path, e);
    let svg = std::fs::read_to_string(path).map_err(fail)?;
    std::fs::write(path, outline_text(&svg, &format!("g{name}-"))).map_err(fail)
}

struct Faces {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
}

impl Faces {
    /// The two faces; `None` only if the dejavu crate shipped a malformed font.
    fn new() -> Option<Faces> {
        let load = |b: &'static [u8]| FontRef::try_from_slice(b).ok();
        Some(Faces {
            regular: load(dejavu::sans::regular())?,
            bold: load(dejavu::sans::bold())?,
        })
    }

    fn get(&self, bold: bool) -> &FontRef<'static> {
        if bold {
            &self.bold
        } else {
            &self.regular
        }
    }
}

/// `name="value"` pairs of an opening tag, values as written (escaped).
fn attributes(tag: &str) -> BTreeMap<&str, &str> {
    let mut out = BTreeMap::new();
    let mut rest = tag;
    while let Some(eq) = rest.find("=\"") {
        let name = rest[..eq].trim();
        let value_start = eq + 2;
        let Some(len) = rest[value_start..].find('"') else {
            break;
        };
        out.insert(name, &rest[value_start..value_start + len]);
        rest = &rest[value_start + len + 1..];
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// A number for the file: at most two decimals, no trailing zeros.
fn num(x: f64) -> String {
    let s = format!("{:.2}", x);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

fn glyph_id(prefix: &str, bold: bool, id: u16) -> String {
    format!("{prefix}{}{id}", if bold { 'b' } else { 'r' })
}

/// One text element as a group of placed glyphs.
fn text_group(
    attrs: &BTreeMap<&str, &str>,
    words: &str,
    faces: &Faces,
    prefix: &str,
    used: &mut BTreeMap<(bool, u16), ()>,
) -> String {
    let num_attr = |k: &str| attrs.get(k).and_then(|v| v.parse::<f64>().ok());
    let (x0, y0) = (num_attr("x").unwrap_or(0.0), num_attr("y").unwrap_or(0.0));
    let size = num_attr("font-size").unwrap_or(12.0) * SIZE_PER_FONT_SIZE;
    let bold = attrs.get("font-weight") == Some(&"bold");
    let font = faces.get(bold).as_scaled(size as f32);
    let ids: Vec<GlyphId> = words.chars().map(|c| font.glyph_id(c)).collect();
    // The bitmap backend's layout box: advances plus kerning, truncated to whole pixels.
    let mut pens = Vec::with_capacity(ids.len());
    let mut pen = 0f32;
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            pen += font.kern(ids[i - 1], *id);
        }
        pens.push(pen);
        pen += font.h_advance(*id);
    }
    let width = pen as i32;
    let height = (size / SIZE_PER_FONT_SIZE) as i32;
    let dx = match attrs.get("text-anchor").copied() {
        Some("end") => -width,
        Some("middle") => -width / 2,
        _ => 0,
    };
    let dy = match attrs.get("dy").copied() {
        Some("0.5ex") => -height / 2,
        Some("-0.5ex") => -height,
        _ => 0,
    };
    let baseline = dy as f64 + size / 2.0;
    let k = font.h_scale_factor() as f64;
    let mut g = format!("<g aria-label=\"{}\"", crate::output::escape_markup(words));
    for a in ["fill", "opacity"] {
        if let Some(v) = attrs.get(a) {
            let _ = write!(g, " {a}=\"{v}\"");
        }
    }
    let rotation = attrs
        .get("transform")
        .and_then(|t| t.strip_prefix("rotate("))
        .and_then(|t| t.split(',').next())
        .and_then(|a| a.trim().parse::<f64>().ok());
    let _ = write!(g, " transform=\"translate({} {})", num(x0), num(y0));
    if let Some(r) = rotation {
        let _ = write!(g, " rotate({})", num(r));
    }
    g.push_str("\">");
    for (id, pen) in ids.iter().zip(pens) {
        if faces.get(bold).outline(*id).is_none() {
            continue; // a space
        }
        used.insert((bold, id.0), ());
        let href = glyph_id(prefix, bold, id.0);
        let _ = write!(
            g,
            "<use href=\"#{href}\" xlink:href=\"#{href}\" transform=\"translate({} {}) scale({})\"/>",
            num(dx as f64 + pen as f64),
            num(baseline),
            k
        );
    }
    g.push_str("</g>");
    g
}

/// The `<defs>` with each glyph used, in font units with y pointing down.
fn definitions(faces: &Faces, prefix: &str, used: &BTreeMap<(bool, u16), ()>) -> String {
    let mut d = String::from("<defs>\n");
    for &(bold, id) in used.keys() {
        let Some(outline) = faces.get(bold).outline(GlyphId(id)) else {
            continue;
        };
        let _ = writeln!(
            d,
            "<path id=\"{}\" d=\"{}\"/>",
            glyph_id(prefix, bold, id),
            path_data(&outline.curves)
        );
    }
    d.push_str("</defs>\n");
    d
}

fn path_data(curves: &[OutlineCurve]) -> String {
    let p = |q: Point| format!("{} {}", num(q.x as f64), num(-q.y as f64));
    let mut d = String::new();
    let mut at: Option<Point> = None;
    for c in curves {
        let (start, end) = match c {
            OutlineCurve::Line(a, b)
            | OutlineCurve::Quad(a, _, b)
            | OutlineCurve::Cubic(a, _, _, b) => (*a, *b),
        };
        if at != Some(start) {
            let _ = write!(d, "M{}", p(start));
        }
        match c {
            OutlineCurve::Line(_, b) => {
                let _ = write!(d, "L{}", p(*b));
            }
            OutlineCurve::Quad(_, c1, b) => {
                let _ = write!(d, "Q{} {}", p(*c1), p(*b));
            }
            OutlineCurve::Cubic(_, c1, c2, b) => {
                let _ = write!(d, "C{} {} {}", p(*c1), p(*c2), p(*b));
            }
        }
        at = Some(end);
    }
    d.push('Z');
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    const SVG: &str = "<svg width=\"100\" height=\"50\" viewBox=\"0 0 100 50\" xmlns=\"http://www.w3.org/2000/svg\">\n<text x=\"10\" y=\"20\" dy=\"0.76em\" text-anchor=\"start\" font-family=\"sans-serif\" font-size=\"10\" opacity=\"1\" fill=\"#222222\">\nA &amp; Ơ\n</text>\n</svg>\n";

    #[test]
    fn text_becomes_outlines_defined_once() {
        let out = outline_text(SVG, "t");
        assert!(!out.contains("<text"), "{out}");
        assert!(out.contains("aria-label=\"A &amp; Ơ\""), "{out}");
        // Three visible glyphs (the spaces have no outline), each defined once.
        assert_eq!(out.matches("<use ").count(), 3, "{out}");
        assert_eq!(out.matches("<path id=\"t").count(), 3, "{out}");
        assert!(out.contains("xmlns:xlink"), "{out}");
        assert!(out.contains("translate(10 20)"), "{out}");
    }

    #[test]
    fn anchors_move_the_line_by_its_width() {
        let start = outline_text(SVG, "t");
        let end = outline_text(&SVG.replace("\"start\"", "\"end\""), "t");
        let first_x = |s: &str| -> f64 {
            let i = s.find("<use ").unwrap();
            let t = &s[i..];
            let j = t.find("translate(").unwrap() + 10;
            t[j..].split(' ').next().unwrap().parse().unwrap()
        };
        assert_eq!(first_x(&start), 0.0);
        assert!(first_x(&end) < -10.0, "{end}");
    }
}
