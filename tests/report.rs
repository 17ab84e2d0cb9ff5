//! `report.html`: one self-contained page in every plan folder, checked as text against the
//! folder's own tables, then loaded in a real headless browser (Debian's Chromium, which
//! `.ci/setup` installs), screenshotted and printed to A4.

use crate::common;

use common::*;
use std::process::Command;

/// A number as Vietnamese writes it: dots between thousands, a decimal comma.
fn vi(x: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, x);
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let digits: Vec<char> = int.chars().collect();
    let mut out = String::new();
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(*c);
    }
    if !frac.is_empty() {
        out.push(',');
        out.push_str(frac);
    }
    out
}

fn summary(out: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap()
}

#[test]
fn the_report_is_one_self_contained_page_with_the_plans_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let out = plan(&fixture("unreachable"), &tmp);
    let html = std::fs::read_to_string(out.join("report.html")).expect("report.html");
    assert!(
        html.starts_with("<!DOCTYPE html>\n<html lang=\"vi\">"),
        "{}",
        &html[..80]
    );
    assert!(html.ends_with("</html>\n"));

    // Nothing to fetch and nothing to run: the only addresses are the SVG namespaces.
    assert!(!html.contains("<script"));
    assert!(!html.contains(" src="));
    assert!(!html.contains("url("));
    for (i, _) in html.match_indices("http") {
        let rest = &html[i..];
        assert!(
            rest.starts_with("http://www.w3.org/2000/svg")
                || rest.starts_with("http://www.w3.org/1999/xlink"),
            "an address in report.html: {}",
            &rest[..60.min(rest.len())]
        );
    }

    // Every SVG chart of the folder, inline, its text as outlines.
    let charts = std::fs::read_dir(out.join("plots/vi"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().unwrap() == "svg")
        .count();
    assert_eq!(charts, 7);
    assert_eq!(html.matches("<figure id=\"chart-").count(), charts);
    assert_eq!(html.matches("<svg ").count(), charts);
    assert!(!html.contains("<text"), "chart text left as <text>");

    // The headline cost, in billion VND as summary.json has it in million.
    let s = summary(&out);
    let total = s["total_cost"].as_f64().unwrap();
    assert!(
        html.contains(&format!("tốn {} tỷ đồng", vi(total / 1000.0, 1))),
        "total cost {total} not in the report"
    );

    // One row per target of a target year not met (targets.csv), none met.
    let missed: Vec<_> = read_csv(&out.join("targets.csv"))
        .into_iter()
        .filter(|r| r["kind"] == "target" && r["met"] == "false" && r["unit"] != "PROVINCE")
        .collect();
    assert!(!missed.is_empty(), "the fixture misses a target");
    let section = &html[html.find("<section id=\"missed\">").unwrap()..];
    let section = &section[..section.find("</section>").unwrap()];
    assert_eq!(
        section.matches("<tr><td>").count(),
        missed.len(),
        "{section}"
    );
    for r in &missed {
        let cells = format!(
            "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n short\">{}</td>",
            r["required"], r["achieved"], r["shortfall"]
        );
        assert!(section.contains(&cells), "{cells} not in {section}");
    }
}

#[test]
fn the_report_is_in_english_with_lang_en() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, o) = plan_output(&fixture("unreachable"), &tmp, &["--lang", "en"]);
    assert!(o.status.success());
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("<h2>Summary</h2>"));
    assert!(html.contains("Targets not met, and the limits each ran into"));
}

/// Debian's Chromium (or `BIENCHE_CHROMIUM`); the test fails without it, as CI installs it.
fn chromium() -> String {
    if let Ok(c) = std::env::var("BIENCHE_CHROMIUM") {
        return c;
    }
    for c in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] {
        if Path::new(c).exists() {
            return c.to_string();
        }
    }
    panic!("Chromium is needed for this test: run .ci/setup (Debian package chromium), or set BIENCHE_CHROMIUM");
}

/// Runs headless Chromium on `page` with `args`; returns its stderr.
fn browse(page: &Path, profile: &Path, args: &[String]) -> String {
    let o = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(o.status.success(), "chromium failed: {err}");
    err
}

#[test]
fn the_report_renders_in_a_real_browser_and_prints_to_a4() {
    let tmp = tempfile::tempdir().unwrap();
    let out = plan(&fixture("unreachable"), &tmp);
    let page = out.join("report.html").canonicalize().unwrap();
    let shot = tmp.path().join("report.png");
    let (w, h) = (1280u32, 7000u32);
    let log = browse(
        &page,
        &tmp.path().join("profile"),
        &[
            format!("--window-size={w},{h}"),
            format!("--screenshot={}", shot.display()),
        ],
    );
    // No console error and no resource the page failed to load.
    for bad in ["Failed to load", "Uncaught", "Not allowed to load"] {
        assert!(!log.contains(bad), "{bad} in Chromium's log:\n{log}");
    }

    // The screenshot: the window's size, not blank, with the charts' colours drawn.
    let decoder = png::Decoder::new(std::fs::File::open(&shot).expect("screenshot written"));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (w, h));
    let channels = info.color_type.samples();
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(channels).collect();
    let ink = pixels
        .iter()
        .filter(|p| p[..3].iter().any(|&c| c < 200))
        .count();
    let share = ink as f64 / pixels.len() as f64;
    assert!(share > 0.02, "the page looks blank: {share:.4} of it inked");
    // Okabe–Ito orange and vermillion appear only in the charts (the page's rules are blue).
    let near = |p: &[u8], c: [u8; 3]| (0..3).all(|i| (p[i] as i32 - c[i] as i32).abs() <= 8);
    for (name, colour) in [("orange", [230, 159, 0]), ("vermillion", [213, 94, 0])] {
        let n = pixels.iter().filter(|p| near(p, colour)).count();
        assert!(n > 500, "{name} pixels of the charts: {n}");
    }

    // Printed: a PDF of A4 pages (595 × 842 points).
    let pdf = tmp.path().join("report.pdf");
    browse(
        &page,
        &tmp.path().join("profile2"),
        &[
            "--no-pdf-header-footer".to_string(),
            format!("--print-to-pdf={}", pdf.display()),
        ],
    );
    let bytes = std::fs::read(&pdf).expect("report.pdf printed");
    assert!(bytes.starts_with(b"%PDF-"));
    let text = String::from_utf8_lossy(&bytes);
    let boxes: Vec<&str> = text
        .match_indices("/MediaBox [0 0 ")
        .map(|(i, _)| &text[i + 15..i + 35])
        .collect();
    assert!(!boxes.is_empty(), "no page in the PDF");
    for b in boxes {
        let mut nums = b.split([' ', ']']).filter_map(|x| x.parse::<f64>().ok());
        let (pw, ph) = (nums.next().unwrap(), nums.next().unwrap());
        assert!(
            (pw - 595.0).abs() < 1.0 && (ph - 842.0).abs() < 1.0,
            "page {pw} × {ph}"
        );
    }
}
