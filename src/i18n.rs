//! What a person reads on the console (summaries, progress, warnings, errors) in the run's
//! language, from the same label table as the charts (`src/charts/labels.tsv`).
//!
//! The program composes its console lines and messages in English, the language of its
//! tests and of `summary.json`. Before a line is shown it is translated by the table's
//! message rows (keys `m_…`): each is an English template and its translation, with
//! placeholders `{0}`, `{1}`, … for any text and `{#0}`, … for a number (digits, signs,
//! `.`, `,`, `%`). A line is cut at `"; "`, `": "` keeps what it introduces, and each piece is
//! matched whole against the templates in table order; what a placeholder took is
//! translated the same way, so templates nest ("{0} in {#1}–{#2}" around "channel {0} at its
//! cap"). Numbers with a decimal point are written the language's way (7.383,0 in
//! Vietnamese). A piece that no template matches is shown as it is: codes, names and file
//! paths pass through.
//!
//! The language: `--lang` when given, else the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`:
//! `en…` gives English), else Vietnamese. Documents (charts, `plan.xlsx`, `report.html`)
//! follow `--lang` and are Vietnamese without it, whatever the terminal's locale: they are
//! written for the province's meetings.

use crate::charts::labels::Labels;
use std::sync::OnceLock;

static CONSOLE: OnceLock<Option<Messages>> = OnceLock::new();

/// The console's language from `--lang` or the environment.
pub fn console_language(flag: Option<&str>) -> String {
    if let Some(l) = flag {
        return l.to_string();
    }
    for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        if let Ok(v) = std::env::var(var) {
            if v.is_empty() {
                continue;
            }
            return if v.starts_with("en") { "en" } else { "vi" }.to_string();
        }
    }
    "vi".to_string()
}

/// Sets the console's language once, at start; English needs no table.
pub fn set_console(lang: &str) {
    let messages = match lang {
        "en" => None,
        _ => Labels::new(lang).ok().map(|l| Messages::new(&l)),
    };
    let _ = CONSOLE.set(messages);
}

/// A line in the console's language.
pub fn tr(text: &str) -> String {
    match CONSOLE.get() {
        Some(Some(m)) => m.translate(text),
        _ => text.to_string(),
    }
}

/// `println!` in the console's language.
#[macro_export]
macro_rules! outln {
    ($($t:tt)*) => {
        $crate::i18n::out(format!($($t)*))
    };
}

/// `eprintln!` in the console's language.
#[macro_export]
macro_rules! errln {
    ($($t:tt)*) => {
        $crate::i18n::err(format!($($t)*))
    };
}

/// Prints a line to standard output in the console's language.
pub fn out(text: impl AsRef<str>) {
    println!("{}", tr(text.as_ref()));
}

/// Prints a line to standard error in the console's language.
pub fn err(text: impl AsRef<str>) {
    eprintln!("{}", tr(text.as_ref()));
}

#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    Any(usize),
    Number(usize),
}

/// The message templates of one language.
pub struct Messages {
    templates: Vec<(Vec<Piece>, String)>,
    /// The language's decimal mark and thousands separator.
    decimal: String,
    thousands: String,
}

impl Messages {
    pub fn new(l: &Labels) -> Messages {
        let templates = l
            .messages()
            .into_iter()
            .map(|(en, to)| (pieces(&en), to))
            .collect();
        Messages {
            templates,
            decimal: l.get("_decimal", &[]),
            thousands: l.get("_thousands", &[]),
        }
    }

    /// `text` translated, line by line.
    pub fn translate(&self, text: &str) -> String {
        text.split('\n')
            .map(|line| self.line(line))
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn line(&self, line: &str) -> String {
        // Keep the indentation.
        let body = line.trim_start();
        let indent = &line[..line.len() - body.len()];
        format!("{indent}{}", self.text(body, 0))
    }

    /// A piece of text: whole, else cut at "; " then ": ".
    fn text(&self, s: &str, depth: usize) -> String {
        if s.is_empty() || depth > 8 {
            return s.to_string();
        }
        if let Some(t) = self.whole(s, depth) {
            return t;
        }
        for sep in ["; ", ": "] {
            if s.contains(sep) {
                return s
                    .split(sep)
                    .map(|p| self.text(p, depth + 1))
                    .collect::<Vec<_>>()
                    .join(sep);
            }
        }
        s.to_string()
    }

    /// `s` matched whole by a template, its placeholders translated.
    fn whole(&self, s: &str, depth: usize) -> Option<String> {
        for (pattern, to) in &self.templates {
            if let Some(caps) = matches(pattern, s) {
                let mut out = to.clone();
                for (i, (cap, number)) in caps.iter().enumerate() {
                    let shown = if *number {
                        self.number(cap)
                    } else {
                        self.text(cap, depth + 1)
                    };
                    out = out.replace(&format!("{{{i}}}"), &shown);
                }
                return Some(out);
            }
        }
        None
    }

    /// A number with a decimal point in the language's way; other numbers as they are.
    fn number(&self, s: &str) -> String {
        let (sign, rest) = match s.strip_prefix(['+', '-']) {
            Some(r) => (&s[..1], r),
            None => ("", s),
        };
        let (body, pct) = match rest.strip_suffix('%') {
            Some(b) => (b, "%"),
            None => (rest, ""),
        };
        let Some((int, frac)) = body.split_once('.') else {
            return s.to_string();
        };
        if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
            return s.to_string();
        }
        let mut grouped = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push_str(&self.thousands);
            }
            grouped.push(c);
        }
        format!("{sign}{grouped}{}{frac}{pct}", self.decimal)
    }
}

/// A template's pieces: text between `{i}` (any text) and `{#i}` (a number).
fn pieces(template: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        let inner = &rest[open + 1..close];
        let (number, digits) = match inner.strip_prefix('#') {
            Some(d) => (true, d),
            None => (false, inner),
        };
        let Ok(i) = digits.parse::<usize>() else {
            // Not a placeholder: keep the braces as text.
            out.push(Piece::Text(rest[..close + 1].to_string()));
            rest = &rest[close + 1..];
            continue;
        };
        if open > 0 {
            out.push(Piece::Text(rest[..open].to_string()));
        }
        out.push(if number {
            Piece::Number(i)
        } else {
            Piece::Any(i)
        });
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest.to_string()));
    }
    // Adjacent text pieces (from kept braces) joined.
    let mut joined: Vec<Piece> = Vec::new();
    for p in out {
        match (joined.last_mut(), &p) {
            (Some(Piece::Text(a)), Piece::Text(b)) => a.push_str(b),
            _ => joined.push(p),
        }
    }
    joined
}

fn is_number(s: &str) -> bool {
    !s.is_empty()
        && s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b',' | b'%' | b'+' | b'-'))
}

/// What each placeholder of `pattern` takes in `s` (in placeholder order, with whether it is
/// a number), when `pattern` matches `s` whole.
fn matches(pattern: &[Piece], s: &str) -> Option<Vec<(String, bool)>> {
    let mut caps: Vec<Option<(String, bool)>> = Vec::new();
    if go(pattern, s, &mut caps) {
        Some(caps.into_iter().map(|c| c.unwrap_or_default()).collect())
    } else {
        None
    }
}

fn go(pattern: &[Piece], s: &str, caps: &mut Vec<Option<(String, bool)>>) -> bool {
    let Some((first, rest)) = pattern.split_first() else {
        return s.is_empty();
    };
    match first {
        Piece::Text(t) => s
            .strip_prefix(t.as_str())
            .is_some_and(|r| go(rest, r, caps)),
        Piece::Any(i) | Piece::Number(i) => {
            let number = matches!(first, Piece::Number(_));
            // The shortest capture that lets the rest match (the last takes what is left).
            let ends: Vec<usize> = if rest.is_empty() {
                vec![s.len()]
            } else {
                s.char_indices()
                    .map(|(k, _)| k)
                    .skip(1)
                    .chain([s.len()])
                    .collect()
            };
            for end in ends {
                let cap = &s[..end];
                if number && !is_number(cap) {
                    if cap
                        .bytes()
                        .any(|b| !(b.is_ascii_digit() || b".,%+-".contains(&b)))
                    {
                        return false;
                    }
                    continue;
                }
                if caps.len() <= *i {
                    caps.resize(*i + 1, None);
                }
                let before = caps[*i].clone();
                caps[*i] = Some((cap.to_string(), number));
                if go(rest, &s[end..], caps) {
                    return true;
                }
                caps[*i] = before;
            }
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vi() -> Messages {
        Messages::new(&Labels::new("vi").unwrap())
    }

    #[test]
    fn templates_nest_and_numbers_take_the_languages_marks() {
        let m = vi();
        assert_eq!(
            m.translate("targets: 917 met, 14 missed, total shortfall 30 people"),
            "chỉ tiêu: đạt 917, không đạt 14, thiếu tổng cộng 30 người"
        );
        assert_eq!(
            m.translate("channel military at its cap in 2026–2030"),
            "kênh tuyển dụng military đã hết chỉ tiêu trong các năm 2026–2030"
        );
        assert_eq!(m.number("7383.0"), "7.383,0");
        assert_eq!(m.number("-0.360%"), "-0,360%");
        assert_eq!(m.number("2035"), "2035");
    }

    #[test]
    fn what_no_template_matches_passes_through() {
        let m = vi();
        assert_eq!(m.translate("X13 R2 2030"), "X13 R2 2030");
        assert_eq!(m.translate("/tmp/out/son-la"), "/tmp/out/son-la");
    }

    #[test]
    fn a_number_placeholder_takes_only_numbers() {
        let p = pieces("{0} in {#1}");
        assert!(matches(&p, "quota full in 2026").is_some());
        assert!(matches(&p, "quota full in X13").is_none());
    }
}
