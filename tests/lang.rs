//! The console's language: `--lang vi|en`, else the locale, else Vietnamese; summaries,
//! progress and errors translated from the label table (`src/i18n.rs`).

use crate::common;

use common::*;
use std::process::{Command, Output};

/// bienche with the locale variables cleared, then `env` set.
fn run_with(env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_bienche"));
    for v in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        c.env_remove(v);
    }
    for (k, v) in env {
        c.env(k, v);
    }
    c.args(args).output().expect("bienche runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// English words of the console's sentences; codes (R2, X13, military, summary.json) and
/// names are not among them.
const ENGLISH: &[&str] = &[
    "the",
    "of",
    "and",
    "in",
    "met",
    "missed",
    "cost",
    "billion",
    "million",
    "people",
    "short",
    "required",
    "achieved",
    "wrote",
    "solving",
    "solved",
    "groups",
    "units",
    "targets",
    "target",
    "plan",
    "channel",
    "quota",
    "full",
    "all",
    "leader",
    "posts",
    "filled",
    "years",
    "between",
    "draws",
    "seed",
    "bound",
    "model",
    "columns",
    "rows",
    "time",
    "writing",
    "without",
    "more",
    "less",
    "warning",
    "error",
    "expected",
    "found",
    "line",
    "field",
    "solver",
    "gap",
    "loaded",
    "drawing",
    "charts",
    "simulating",
    "levers",
    "salaries",
    "median",
    "share",
    "chance",
    "milestones",
    "overhead",
    "threads",
    "valid",
    "ok",
    "scenario",
    "with",
    "from",
    "for",
    "is",
    "are",
    "not",
    "per",
    "by",
    "at",
    "over",
    "to",
    "projected",
    "pricing",
    "roster",
    "age",
    "generated",
    "planned",
    "swept",
    "distinct",
    "points",
];

fn english_words(s: &str) -> Vec<String> {
    let mut found: Vec<String> = s
        // File names, paths and codes (targets.csv, p_met, exam_em) are one token each, and
        // so is a Vietnamese word ("toàn" is not "to").
        .split(|c: char| !(c.is_alphanumeric() || "_./-".contains(c)))
        .filter(|w| ENGLISH.contains(&w.to_ascii_lowercase().as_str()))
        .map(str::to_string)
        .collect();
    found.sort();
    found.dedup();
    found
}

#[test]
fn planning_the_sample_in_vietnamese_prints_no_english_word() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("ke-hoach");
    let plan_in = |sample: PathBuf, lang: &str| {
        let args = [
            "plan",
            sample.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--lang",
            lang,
        ];
        run_with(&[], &args)
    };
    let o = plan_in(scenario("son-la"), "vi");
    assert!(o.status.success(), "{}", text(&o));
    let all = text(&o);
    assert_eq!(english_words(&all), Vec::<String>::new(), "{all}");
    // Sentences, numbers the Vietnamese way, and a reason of a missed target translated.
    assert!(all.contains("chỉ tiêu: đạt "), "{all}");
    assert!(all.contains(" tỷ đồng, trong đó lương "), "{all}");
    assert!(all.contains("đã bổ nhiệm đủ "), "{all}");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let total = format!("{:.1}", summary["total_cost"].as_f64().unwrap() / 1000.0);
    let (int, frac) = total.split_once('.').unwrap();
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(c);
    }
    assert!(
        all.contains(&format!("chi phí 2026–2035: {grouped},{frac} tỷ đồng")),
        "{grouped},{frac} not in {all}"
    );
    // A data table is not translated: `targets` prints the same rows in both languages.
    let rows = |lang: &str| {
        let o = run_with(
            &[],
            &[
                "targets",
                scenario("son-la").to_str().unwrap(),
                "--lang",
                lang,
            ],
        );
        String::from_utf8_lossy(&o.stdout).to_string()
    };
    assert_eq!(rows("vi"), rows("en"));
    // A run in English says it in English (a fixture: the sample takes 18 s).
    let en = plan_in(fixture("must-hire"), "en");
    assert!(en.status.success());
    assert!(text(&en).contains("targets: "), "{}", text(&en));
}

/// A scenario whose `difficult` cell says "maybe".
fn bad_scenario(tmp: &tempfile::TempDir) -> std::path::PathBuf {
    let dir = tmp.path().join("bad");
    std::fs::create_dir_all(&dir).unwrap();
    for e in std::fs::read_dir(fixture("unreachable")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
    }
    let units = std::fs::read_to_string(dir.join("units.csv")).unwrap();
    let mut lines: Vec<String> = units.lines().map(str::to_string).collect();
    lines[0].push_str(",difficult");
    lines[1].push_str(",maybe");
    std::fs::write(dir.join("units.csv"), lines.join("\n") + "\n").unwrap();
    dir
}

#[test]
fn an_input_error_in_vietnamese_and_in_english() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = bad_scenario(&tmp);
    let dir = dir.to_str().unwrap();
    let vi = run_with(&[], &["check", dir]);
    assert_eq!(vi.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&vi.stderr),
        "lỗi: units.csv, dòng 2: cột 'difficult': cần có hoặc không (yes hoặc no; chữ hoa hay thường đều được), gặp \"maybe\"\n"
    );
    let en = run_with(&[], &["check", dir, "--lang", "en"]);
    assert_eq!(en.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&en.stderr),
        "error: units.csv, line 2: field 'difficult': expected yes or no (có or không, in any case), found \"maybe\"\n"
    );
}

#[test]
fn without_lang_the_console_follows_the_locale_else_vietnamese() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = bad_scenario(&tmp);
    let dir = dir.to_str().unwrap();
    let first_word = |env: &[(&str, &str)]| {
        let o = run_with(env, &["check", dir]);
        String::from_utf8_lossy(&o.stderr)
            .split(':')
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(first_word(&[]), "lỗi");
    assert_eq!(first_word(&[("LANG", "en_GB.UTF-8")]), "error");
    assert_eq!(first_word(&[("LANG", "vi_VN.UTF-8")]), "lỗi");
    assert_eq!(
        first_word(&[("LANG", "en_US.UTF-8"), ("LC_ALL", "vi_VN.UTF-8")]),
        "lỗi"
    );
    assert_eq!(first_word(&[("LANG", "C.UTF-8")]), "lỗi");
}

#[test]
fn help_in_vietnamese_and_in_english() {
    let vi = run_with(&[], &["plan", "--help"]);
    let vi = String::from_utf8_lossy(&vi.stdout).to_string();
    assert!(
        vi.starts_with("Tìm kế hoạch chi phí thấp nhất (tính theo từng người)"),
        "{vi}"
    );
    assert!(vi.contains("Thư mục kết quả"), "{vi}");
    let en = run_with(&[], &["plan", "--help", "--lang", "en"]);
    let en = String::from_utf8_lossy(&en.stdout).to_string();
    assert!(
        en.starts_with("Solve for the least-cost whole-person plan"),
        "{en}"
    );
    let top = run_with(&[("LANG", "en_US.UTF-8")], &["--help"]);
    assert!(String::from_utf8_lossy(&top.stdout).starts_with("Plan ethnic-minority"));
    // Every command's help in Vietnamese, clap's own words included: headings, usage, the
    // defaults, the help and version flags.
    for command in [
        vec!["--help"],
        vec!["plan", "--help"],
        vec!["simulate", "-h"],
        vec!["roster", "import", "--help"],
        vec!["help", "compare"],
        vec!["sweep", "--help"],
    ] {
        let o = run_with(&[], &command);
        assert!(o.status.success(), "{command:?}: {}", text(&o));
        let help = String::from_utf8_lossy(&o.stdout).to_string();
        // "in" is Vietnamese too ("print"); command names are codes.
        let commands = [
            "plan", "targets", "check", "compare", "simulate", "sweep", "roster",
        ];
        let words: Vec<String> = english_words(&help)
            .into_iter()
            .filter(|w| w.to_lowercase() != "in" && !commands.contains(&w.as_str()))
            .collect();
        assert!(words.is_empty(), "{command:?}: {words:?} in\n{help}");
        for english in [
            "Usage",
            "Options",
            "Arguments",
            "Commands",
            "Print help",
            "default:",
        ] {
            assert!(!help.contains(english), "{command:?}: {english} in\n{help}");
        }
        assert!(help.contains("\nCách dùng: bienche"), "{command:?}: {help}");
        assert!(help.contains("\nTùy chọn:\n"), "{command:?}: {help}");
        assert!(help.contains("  -h, --help "), "{command:?}: {help}");
        assert!(help.contains("--lang <NGÔN_NGỮ>"), "{command:?}: {help}");
    }
    let simulate = run_with(&[], &["simulate", "--help"]);
    let simulate = String::from_utf8_lossy(&simulate.stdout).to_string();
    let draws = simulate
        .lines()
        .find(|l| l.contains("--draws"))
        .unwrap_or_default();
    assert!(
        draws.starts_with("      --draws <SỐ_LẦN> ")
            && draws.ends_with(" Số lần chạy lại kế hoạch, mỗi lần với số người nghỉ việc ngẫu nhiên riêng [mặc định: 1000]"),
        "{simulate}"
    );
}

/// clap's own messages (a mistyped command, a missing argument, a bad number) in the
/// console's language, with the exit code 2; in English as clap writes them.
#[test]
fn command_line_mistakes_in_vietnamese_and_in_english() {
    let o = run_with(&[], &["simulte"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "lỗi: không có lệnh 'simulte'\n\n  gợi ý: có lệnh gần giống: 'simulate'\n\nCách dùng: bienche [TÙY_CHỌN] <LỆNH>\n\nXem thêm: '--help'.\n"
    );
    let o = run_with(&[], &["plan", "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "lỗi: thiếu các tham số bắt buộc sau:\n  --out <THƯ_MỤC>\n\nCách dùng: bienche plan [TÙY_CHỌN] --out <THƯ_MỤC> <KỊCH_BẢN>\n\nXem thêm: '--help'.\n"
    );
    let o = run_with(&[], &["plan", "x", "--out", "y", "--threads", "abc"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "lỗi: giá trị 'abc' không hợp lệ cho '--threads <SỐ_LUỒNG>': cần một số nguyên từ 0 trở lên (chỉ gồm chữ số), gặp \"abc\"\n\nXem thêm: '--help'.\n"
    );
    for (flag, value, said) in [
        (
            "--gap",
            "2",
            "lỗi: --gap: cần một tỷ lệ từ 0 đến 1 (0,01 = 1%), gặp 2\n",
        ),
        (
            "--time-limit",
            "0",
            "lỗi: --time-limit: cần một số giây hữu hạn lớn hơn 0, gặp 0\n",
        ),
    ] {
        let o = run_with(&[], &["plan", "x", "--out", "y", flag, value]);
        assert_eq!(o.status.code(), Some(2));
        assert_eq!(String::from_utf8_lossy(&o.stderr), said);
    }
    let o = run_with(&[], &["help", "nothere"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "lỗi: không có lệnh 'nothere'\n"
    );
    let o = run_with(&[], &["simulte", "--lang", "en"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).starts_with(
        "error: unrecognized subcommand 'simulte'\n\n  tip: a similar subcommand exists: 'simulate'\n"
    ));
}

/// The other commands a planner runs speak Vietnamese too: checking a scenario, the
/// retirement date, the no-plan forecast, a simulation and a frontier.
#[test]
fn checking_forecasting_and_simulating_in_vietnamese_print_no_english_word() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("ke-hoach");
    let fixture_path = |name: &str| fixture(name).to_str().unwrap().to_string();
    let plan = run_with(
        &[],
        &[
            "plan",
            &fixture_path("transfer-cheaper"),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(plan.status.success(), "{}", text(&plan));
    let runs: Vec<Vec<String>> = vec![
        vec!["check".into(), fixture_path("transfer-cheaper")],
        vec!["check".into(), scenario("son-la").to_str().unwrap().into()],
        vec![
            "retirement".into(),
            "--born".into(),
            "1970-05".into(),
            "--sex".into(),
            "F".into(),
        ],
        vec!["forecast".into(), fixture_path("forecast")],
        vec![
            "simulate".into(),
            out.to_str().unwrap().into(),
            "--draws".into(),
            "20".into(),
        ],
        vec![
            "frontier".into(),
            fixture_path("unreachable"),
            "--out".into(),
            tmp.path().join("bien").to_str().unwrap().into(),
            "--points".into(),
            "3".into(),
        ],
        vec![
            "sweep".into(),
            fixture_path("must-hire"),
            "--vary".into(),
            "policy.shortfall_penalty=1000,100000".into(),
            "--out".into(),
            tmp.path().join("quet").to_str().unwrap().into(),
        ],
        vec![
            "generate".into(),
            "--units".into(),
            "10".into(),
            "--out".into(),
            tmp.path().join("tao").to_str().unwrap().into(),
        ],
        vec![
            "plan".into(),
            tmp.path().join("tao").to_str().unwrap().into(),
            "--out".into(),
            tmp.path().join("quoc-gia").to_str().unwrap().into(),
        ],
    ];
    for args in runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run_with(&[], &args);
        assert!(o.status.success(), "{args:?}: {}", text(&o));
        // Names are data: the generated set's name is English.
        let all = text(&o).replace("Generated: 10 units in 1 provinces (seed 1)", "");
        assert_eq!(
            english_words(&all),
            Vec::<String>::new(),
            "{args:?}:\n{all}"
        );
    }
    let check = run_with(&[], &["check", &fixture_path("transfer-cheaper")]);
    let check = String::from_utf8_lossy(&check.stdout);
    assert!(
        check.contains("\n  2027 R2: 1 đơn vị, 4 người\n"),
        "{check}"
    );
    assert!(
        check.contains("\n  exits = quota-cuts (ai có thể thôi việc do tinh giản biên chế)\n"),
        "{check}"
    );
    assert!(
        check.contains("\n  exit_leaders = false, leader_term_years = 5, keep_leaders = true (tinh giản biên chế có được áp dụng với người giữ chức vụ lãnh đạo, quản lý không; thời hạn giữ chức vụ, hết hạn có thể không bổ nhiệm lại, 0: luôn bổ nhiệm lại; đơn vị có giữ đủ số lãnh đạo, quản lý của năm gốc không)\n"),
        "{check}"
    );
    assert!(check.ends_with("kịch bản hợp lệ\n"), "{check}");
    let forecast = run_with(&[], &["forecast", &fixture_path("forecast")]);
    assert!(text(&forecast).contains("\n  C1 R8: yêu cầu 13, dự báo 3, thiếu 10\n"));
}
