//! What a person reads on the console (summaries, progress, warnings, errors) in the run's
//! language, from the same label table as the charts (`src/charts/labels.tsv`).
//!
//! The program composes its console lines and messages in English, the language of its
//! tests and of `summary.json`. Before a line is shown it is translated by the table's
//! message rows (keys `m_…`): each is an English template and its translation, with
//! placeholders `{0}` for any text (itself translated), `{#0}` for a number (digits, signs,
//! `.`, `,`, `%`), `{=0}` for text shown as it is (paths, names, values read from a file)
//! and `{^0}` for a phrase some template translates whole (the reason before "in 2030"). A
//! line is matched whole against the templates in table order, else cut at `"; "`, then at
//! `": "`, and each piece is matched the same way; only a template's last placeholder may
//! run over a `"; "`, so two messages of one kind are translated one by one. Numbers with a
//! decimal point are written the language's way (7.383,0 in Vietnamese). A piece that no
//! template matches is shown as it is, so a data line passes through unchanged; paths and
//! names inside a message are `{=…}` placeholders. Data tables (`bienche targets`, the
//! files `plot` lists) and `bienche readings`, a report for the reader of the legal text
//! that quotes it, are printed in English. The command line's own words (help, clap's
//! messages) are translated by `cli::help`.
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

/// A number with `decimals` decimals, written the console language's way (`29,9` in
/// Vietnamese), for the console's tables.
pub fn num(x: f64, decimals: usize) -> String {
    match CONSOLE.get() {
        Some(Some(m)) => m.labels.num(x, decimals),
        _ => format!("{x:.decimals$}"),
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

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// `{i}`: any text, itself translated.
    Any,
    /// `{#i}`: a number, written the language's way.
    Number,
    /// `{=i}`: shown as it is (a path, a name, a value from a file).
    Verbatim,
    /// `{^i}`: text that a template translates whole (a reason before "in 2030"); else the
    /// template does not match.
    Phrase,
}

#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    Hole(usize, Kind),
}

/// One message row: its pieces, the literal parts any matching line must contain, and the
/// translation.
struct Template {
    pieces: Vec<Piece>,
    literals: Vec<String>,
    to: String,
}

/// The message templates of one language.
pub struct Messages {
    templates: Vec<Template>,
    /// The language's words and number format ([`Labels::num`]).
    labels: Labels,
}

impl Messages {
    pub fn new(l: &Labels) -> Messages {
        let templates = l
            .messages()
            .into_iter()
            .map(|(en, to)| {
                let pieces = pieces(&en);
                let literals = pieces
                    .iter()
                    .filter_map(|p| match p {
                        Piece::Text(t) => Some(t.clone()),
                        Piece::Hole(..) => None,
                    })
                    .collect();
                Template {
                    pieces,
                    literals,
                    to,
                }
            })
            .collect();
        Messages {
            templates,
            labels: l.clone(),
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

    /// `s` matched whole by a template, its placeholders filled in one pass.
    fn whole(&self, s: &str, depth: usize) -> Option<String> {
        for t in &self.templates {
            if !t.literals.iter().all(|l| s.contains(l.as_str())) {
                continue;
            }
            let phrase_ok = |cap: &str| self.whole(cap, depth + 1).is_some();
            let Some(caps) = matches(&t.pieces, s, &phrase_ok) else {
                continue;
            };
            let shown: Vec<String> = caps
                .iter()
                .map(|(cap, kind)| match kind {
                    Kind::Number => self.number(cap),
                    Kind::Verbatim => cap.to_string(),
                    Kind::Any | Kind::Phrase => self.text(cap, depth + 1),
                })
                .collect();
            return Some(fill(&t.to, &shown));
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
        let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
        if !digits(int) || !digits(frac) {
            return s.to_string();
        }
        match body.parse::<f64>() {
            Ok(x) => format!("{sign}{}{pct}", self.labels.num(x, frac.len())),
            Err(_) => s.to_string(),
        }
    }
}

/// `to` with `{i}` replaced by `values[i]`, in one pass (a value holding "{1}" stays so).
fn fill(to: &str, values: &[String]) -> String {
    let mut out = String::new();
    let mut rest = to;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let hole = after
            .find('}')
            .and_then(|close| after[..close].parse::<usize>().ok().map(|i| (i, close)));
        match hole.and_then(|(i, close)| values.get(i).map(|v| (v, close))) {
            Some((v, close)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A template's pieces: text between placeholders `{i}`, `{#i}`, `{=i}` and `{^i}`.
fn pieces(template: &str) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    let push_text = |out: &mut Vec<Piece>, s: &str| {
        if s.is_empty() {
            return;
        }
        match out.last_mut() {
            Some(Piece::Text(a)) => a.push_str(s),
            _ => out.push(Piece::Text(s.to_string())),
        }
    };
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        let inner = &rest[open + 1..close];
        let (kind, digits) = match inner.chars().next() {
            Some('#') => (Kind::Number, &inner[1..]),
            Some('=') => (Kind::Verbatim, &inner[1..]),
            Some('^') => (Kind::Phrase, &inner[1..]),
            _ => (Kind::Any, inner),
        };
        push_text(&mut out, &rest[..open]);
        match digits.parse::<usize>() {
            Ok(i) => out.push(Piece::Hole(i, kind)),
            // Not a placeholder: the braces are text.
            Err(_) => push_text(&mut out, &rest[open..close + 1]),
        }
        rest = &rest[close + 1..];
    }
    push_text(&mut out, rest);
    out
}

fn number_byte(b: u8) -> bool {
    b.is_ascii_digit() || b".,%+-".contains(&b)
}

fn is_number(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_digit()) && s.bytes().all(number_byte)
}

/// What each placeholder of `pattern` takes in `s` (in placeholder order, with its kind),
/// when `pattern` matches `s` whole; `phrase` says whether a `{^i}` capture is a phrase.
fn matches<'s>(
    pattern: &[Piece],
    s: &'s str,
    phrase: &dyn Fn(&str) -> bool,
) -> Option<Vec<(&'s str, Kind)>> {
    let mut caps: Vec<Option<(usize, usize, Kind)>> = Vec::new();
    if go(pattern, s, 0, &mut caps, phrase) {
        Some(
            caps.into_iter()
                .map(|c| c.map_or(("", Kind::Verbatim), |(a, b, k)| (&s[a..b], k)))
                .collect(),
        )
    } else {
        None
    }
}

/// Matches `pattern` against `s[at..]`, recording captures as byte ranges of `s`.
fn go(
    pattern: &[Piece],
    s: &str,
    at: usize,
    caps: &mut Vec<Option<(usize, usize, Kind)>>,
    phrase: &dyn Fn(&str) -> bool,
) -> bool {
    let Some((first, rest)) = pattern.split_first() else {
        return at == s.len();
    };
    match first {
        Piece::Text(t) => {
            s[at..].starts_with(t.as_str()) && go(rest, s, at + t.len(), caps, phrase)
        }
        Piece::Hole(i, kind) => {
            let last = rest.is_empty();
            // The next literal, which the capture must be followed by.
            let next = match rest.first() {
                Some(Piece::Text(t)) => Some(t.as_str()),
                _ => None,
            };
            let tail = &s[at..];
            let ends: Vec<usize> = if last {
                vec![tail.len()]
            } else {
                tail.char_indices()
                    .map(|(k, _)| k)
                    .skip(1)
                    .chain([tail.len()])
                    .collect()
            };
            for end in ends {
                let cap = &tail[..end];
                // Only the last placeholder may run over a "; " between two messages.
                if !last && cap.ends_with("; ") {
                    return false;
                }
                if *kind == Kind::Number && !is_number(cap) {
                    if !cap.bytes().all(number_byte) {
                        return false;
                    }
                    continue;
                }
                if let Some(n) = next {
                    if !tail[end..].starts_with(n) {
                        continue;
                    }
                }
                if *kind == Kind::Phrase && !phrase(cap) {
                    continue;
                }
                if caps.len() <= *i {
                    caps.resize(*i + 1, None);
                }
                let before = caps[*i];
                caps[*i] = Some((at, at + end, *kind));
                if go(rest, s, at + end, caps, phrase) {
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
    fn the_decomposition_s_repair_lines_are_said_in_vietnamese() {
        let m = vi();
        for (en, vi) in [
            (
                "I4 short of its channel minimums by 1: offered to 1 group(s) in turn, 1 took some, 0 still short (0.3 s)",
                "I4: các kênh tuyển còn thiếu 1 người so với số tối thiểu: đã đề nghị lần lượt cho 1 nhóm, 1 nhóm nhận thêm, còn thiếu 0 (0,3 giây)",
            ),
            (
                "tolerance 0.100% of the plan-dependent part: 0.0133% of the objective for each solve (LP bound 11018928.3, fixed salaries 5829800.0 million VND)",
                "sai số 0,100% của phần chi phí do kế hoạch quyết định: 0,0133% hàm mục tiêu cho mỗi lần giải (cận dưới LP 11.018.928,3, lương cố định 5.829.800,0 triệu đồng)",
            ),
            (
                "coverage: 2 more units asked to meet their full target",
                "lộ trình theo số đơn vị: thêm 2 đơn vị được yêu cầu đạt đủ chỉ tiêu",
            ),
            (
                "slot exchange: 12 groups short of targets offered to buy people of shared limits, 2 kept (19 solves; objective 98625.0 lower; 4.1 s)",
                "trao đổi suất: 12 nhóm còn thiếu chỉ tiêu được đề nghị mua thêm người từ các giới hạn dùng chung, giữ lại 2 (19 lần giải; hàm mục tiêu giảm 98.625,0; 4,1 giây)",
            ),
            (
                "slot exchange: 16 groups furthest from their least priced cost offered to buy people of shared limits, 3 kept (29 solves; objective 2105.2 lower; 5.4 s)",
                "trao đổi suất: 16 nhóm có phương án cách xa nhất so với mức chi phí thấp nhất theo giá đối ngẫu của LP, được đề nghị mua thêm người từ các giới hạn dùng chung, giữ lại 3 (29 lần giải; hàm mục tiêu giảm 2.105,2; 5,4 giây)",
            ),
            (
                "slot exchange: 16 groups furthest from their least priced cost offered to buy people of shared limits, 1 kept (30 solves, 1 failed and left out; objective 3009.2 lower; 6.7 s)",
                "trao đổi suất: 16 nhóm có phương án cách xa nhất so với mức chi phí thấp nhất theo giá đối ngẫu của LP, được đề nghị mua thêm người từ các giới hạn dùng chung, giữ lại 1 (30 lần giải, 1 lần lỗi bị bỏ qua; hàm mục tiêu giảm 3.009,2; 6,7 giây)",
            ),
            (
                "warning: the plan is not proven within the 0.100% tolerance: it may cost up to 22190.7 million VND (0.162%) more than the best plan; differences smaller than that between scenarios are not meaningful",
                "cảnh báo: kế hoạch chưa được chứng minh trong sai số cho phép 0,100%: có thể tốn hơn phương án tốt nhất tới 22.190,7 triệu đồng (0,162%); chênh lệch giữa các kịch bản nhỏ hơn mức đó không có ý nghĩa",
            ),
            (
                "warning: the plan is not proven within the 0.100% tolerance of the plan-dependent part: it may cost up to 22190.7 million VND (0.282% of the plan-dependent part) more than the best plan; differences smaller than that between scenarios are not meaningful",
                "cảnh báo: kế hoạch chưa được chứng minh trong sai số cho phép 0,100% của phần chi phí do kế hoạch quyết định: có thể tốn hơn phương án tốt nhất tới 22.190,7 triệu đồng (0,282% của phần chi phí do kế hoạch quyết định); chênh lệch giữa các kịch bản nhỏ hơn mức đó không có ý nghĩa",
            ),
            (
                "LP duals are not dual feasible on province-wide columns; using the LP bound",
                "giá đối ngẫu của LP không khả thi đối ngẫu trên các biến toàn tỉnh; dùng cận dưới của LP",
            ),
        ] {
            assert_eq!(m.translate(en), vi);
        }
    }

    #[test]
    fn a_compare_line_keeps_its_columns() {
        assert_eq!(
            vi().translate("  son-la                 7383.0 bn VND; 2035: 459 met, 6 missed; gap 0.048%; 32.5 s"),
            "  son-la                 7.383,0 tỷ đồng; 2035: đạt 459, không đạt 6; sai số 0,048%; 32,5 giây"
        );
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
        let any = |_: &str| true;
        assert!(matches(&p, "quota full in 2026", &any).is_some());
        assert!(matches(&p, "quota full in X13", &any).is_none());
        assert_eq!(vi().number("1.16.0"), "1.16.0");
    }

    #[test]
    fn two_reasons_of_one_kind_are_each_translated() {
        assert_eq!(
            vi().translate("channel exam_em at its cap in 2031; channel military at its cap in 2028–2035"),
            "kênh tuyển dụng exam_em đã hết chỉ tiêu năm 2031; kênh tuyển dụng military đã hết chỉ tiêu trong các năm 2028–2035"
        );
    }

    #[test]
    fn data_names_and_paths_are_left_alone() {
        let m = vi();
        // A row of `bienche targets` and a group named like a reason.
        let row = "X01\tR2\t18 in 2025 → 18 in 2030: 18.00";
        assert_eq!(m.translate(row), row);
        assert_eq!(m.translate("G1999 in 1"), "G1999 in 1");
        assert_eq!(
            m.translate("wrote /tmp/du bao in 2030"),
            "đã ghi /tmp/du bao in 2030"
        );
        assert_eq!(
            m.translate("wrote /tmp/a; error: b"),
            "đã ghi /tmp/a; error: b"
        );
        assert_eq!(fill("{0} {1}", &["{1}".into(), "x".into()]), "{1} x");
    }
}
