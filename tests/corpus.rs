//! The bad-input corpus: every case in `tests/corpus/*.toml` is a scenario copy with an
//! edit, a command, the exit code it must end with and the words its message must hold.
//! Run with `cargo test --test corpus`; it prints one table row per case and a tally of
//! panics, hangs, data loss and silent acceptances, which must all be 0.
//!
//! A case (all keys but `name`, `run` and `exit` optional):
//! ```toml
//! [[case]]
//! name = "units.csv with a header and no rows"
//! from = "fixture:must-hire"     # or "scenario:son-la", "empty" (a folder with no files), "none"
//! write = { "units.csv" = "id,name,kind,em_population_share,quota,leader_posts\n" }
//! replace = [["units.csv", "old text", "new text"]]   # every occurrence; the old text must be there
//!                                      # (paths are under {s} unless they start with a placeholder;
//!                                      # {{BIG}} in a text becomes a megabyte of x)
//! append = [["staff.csv", "C1,Thai,F,staff,no,1\n"]]
//! remove = ["staff.csv"]
//! bytes = [["units.csv", "Commune", "436f6d6d756ee9"]]  # replace text by raw bytes (hex)
//! before = [["plan", "{s}", "--out", "{out}", "-q"]]  # commands that must succeed before the edits
//! plant = { "{out}/notes.txt" = "mine" }              # user files that must survive as they are
//! after = { "{s}/staff.csv.previous" = "unit,…\n" }  # files the run must leave with this text
//!                                                     # (a backup it keeps of what it replaced)
//! run = ["check", "{s}"]   # {s}: the edited scenario copy, {out}: an output path, {tmp}: the case's folder
//! exit = 2
//! says = ["units.csv", "expected at least one row"]
//! writes_scenario = true   # the command may change the scenario copy (roster import)
//! form = "cell"   # what an exit-2 message must name: "cell" (file, line, field, expected),
//!                 # "file" (file, field, expected), "plain" (only `says`)
//! ```
//! Every case also checks: no panic text, no exit 101 or signal, no run over 300 s, and
//! after a failure no output at `{out}` (beyond what was planted) and no temporary folder.

mod common;

use common::*;
use rayon::prelude::*;
use serde::Deserialize;
use std::io::Read;
use std::time::{Duration, Instant};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    case: Vec<Case>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    #[serde(default = "default_from")]
    from: String,
    #[serde(default)]
    write: BTreeMap<String, String>,
    #[serde(default)]
    replace: Vec<(String, String, String)>,
    #[serde(default)]
    append: Vec<(String, String)>,
    #[serde(default)]
    remove: Vec<String>,
    #[serde(default)]
    bytes: Vec<(String, String, String)>,
    #[serde(default)]
    before: Vec<Vec<String>>,
    #[serde(default)]
    plant: BTreeMap<String, String>,
    #[serde(default)]
    after: BTreeMap<String, String>,
    run: Vec<String>,
    exit: i32,
    #[serde(default)]
    says: Vec<String>,
    #[serde(default)]
    form: Option<String>,
    /// The command writes into the scenario (roster import); others must leave it as it was.
    #[serde(default)]
    writes_scenario: bool,
    #[serde(skip)]
    source: String,
}

fn default_from() -> String {
    "fixture:must-hire".into()
}

const LIMIT: Duration = Duration::from_secs(300);

#[derive(Default)]
struct Verdict {
    code: Option<i32>,
    seconds: f64,
    problems: Vec<String>,
    panic: bool,
    hang: bool,
    data_loss: bool,
    silent: bool,
}

fn main() {
    let cases = load_cases();
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let cases: Vec<Case> = cases
        .into_iter()
        .filter(|c| filter.as_ref().is_none_or(|f| c.name.contains(f.as_str())))
        .collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(std::thread::available_parallelism().map_or(2, |n| n.get().min(8)))
        .build()
        .unwrap();
    let verdicts: Vec<Verdict> = pool.install(|| cases.par_iter().map(run_case).collect());
    print_table(&cases, &verdicts);
    let failed = verdicts.iter().filter(|v| !v.problems.is_empty()).count();
    if failed > 0 {
        eprintln!("corpus: {failed} of {} cases failed", cases.len());
        std::process::exit(1);
    }
}

fn load_cases() -> Vec<Case> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let parsed: CaseFile =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let source = file.file_stem().unwrap().to_string_lossy().into_owned();
        for mut c in parsed.case {
            c.source = source.clone();
            cases.push(c);
        }
    }
    let mut names = BTreeSet::new();
    for c in &cases {
        assert!(
            names.insert(c.name.clone()),
            "case \"{}\" is listed twice",
            c.name
        );
    }
    cases
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex bytes"))
        .collect()
}

fn replace_bytes(hay: &[u8], old: &[u8], new: &[u8]) -> Option<Vec<u8>> {
    let at = hay.windows(old.len()).position(|w| w == old)?;
    let mut out = hay[..at].to_vec();
    out.extend_from_slice(new);
    out.extend_from_slice(&hay[at + old.len()..]);
    Some(out)
}

/// Copies the case's scenario to `tmp/s`; returns an error text for a broken case.
fn copy_from(case: &Case, tmp: &Path) -> std::result::Result<(), String> {
    let s = tmp.join("s");
    match case.from.split_once(':') {
        Some(("fixture", name)) => copy_dir(&fixture(name), &s),
        Some(("scenario", name)) => copy_dir(&scenario(name), &s),
        _ if case.from == "empty" => std::fs::create_dir_all(&s).unwrap(),
        _ if case.from == "none" => {}
        _ => return Err(format!("unknown from \"{}\"", case.from)),
    }
    Ok(())
}

/// A megabyte of text, for cells too long to echo.
fn big(text: &str) -> String {
    text.replace("{{BIG}}", &"x".repeat(1 << 20))
}

/// Applies the case's edits (paths relative to `tmp/s`, or starting with a placeholder)
/// and plants its user files.
fn edit(case: &Case, tmp: &Path) -> std::result::Result<(), String> {
    let path = |name: &str| {
        if name.starts_with('{') {
            PathBuf::from(expand(name, tmp))
        } else {
            tmp.join("s").join(name)
        }
    };
    for name in &case.remove {
        std::fs::remove_file(path(name)).map_err(|e| format!("remove {name}: {e}"))?;
    }
    for (name, text) in &case.write {
        let p = path(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, big(text)).unwrap();
    }
    for (name, old, new) in &case.replace {
        let text = std::fs::read_to_string(path(name)).map_err(|e| format!("{name}: {e}"))?;
        if !text.contains(old.as_str()) {
            return Err(format!("{name} has no \"{old}\" to replace"));
        }
        std::fs::write(path(name), text.replace(old.as_str(), &big(new))).unwrap();
    }
    for (name, text) in &case.append {
        let mut old = std::fs::read_to_string(path(name)).unwrap_or_default();
        old.push_str(&big(text));
        std::fs::write(path(name), old).unwrap();
    }
    for (name, old, new) in &case.bytes {
        let hay = std::fs::read(path(name)).map_err(|e| format!("{name}: {e}"))?;
        let out = replace_bytes(&hay, old.as_bytes(), &hex(new))
            .ok_or_else(|| format!("{name} has no \"{old}\" to replace"))?;
        std::fs::write(path(name), out).unwrap();
    }
    for (name, text) in &case.plant {
        let p = path(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    Ok(())
}

fn expand(arg: &str, tmp: &Path) -> String {
    arg.replace("{s}", tmp.join("s").to_str().unwrap())
        .replace("{out}", tmp.join("out").to_str().unwrap())
        .replace("{tmp}", tmp.to_str().unwrap())
}

/// Runs bienche with a time limit; `None` for the code when it was killed.
fn run_with_limit(args: &[String]) -> (Option<i32>, String, bool) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bienche"))
        .env("LC_ALL", "en_US.UTF-8")
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("bienche runs");
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let started = Instant::now();
    let (status, hang) = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break (Some(status), false);
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break (None, true);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let text = reader.join().unwrap_or_default();
    (status.and_then(|s| s.code()), text, hang)
}

/// Hidden leftovers of a run: temporary and half-written folders.
fn leftovers(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.contains(".tmp-") || name.contains(".old-") || name.contains(".bienche-writing") {
            found.push(name);
        }
    }
    found
}

fn run_case(case: &Case) -> Verdict {
    let mut v = Verdict::default();
    let tmp = tempfile::tempdir().unwrap();
    if let Err(e) = copy_from(case, tmp.path()) {
        v.problems.push(format!("broken case: {e}"));
        return v;
    }
    for step in &case.before {
        let args: Vec<String> = step.iter().map(|a| expand(a, tmp.path())).collect();
        let (code, text, _) = run_with_limit(&args);
        if code != Some(0) {
            v.problems
                .push(format!("before step {step:?} failed: {}", text.trim()));
            return v;
        }
    }
    if let Err(e) = edit(case, tmp.path()) {
        v.problems.push(format!("broken case: {e}"));
        return v;
    }
    let planted: Vec<(PathBuf, String)> = case
        .plant
        .iter()
        .map(|(p, t)| (PathBuf::from(expand(p, tmp.path())), t.clone()))
        .collect();
    let out = tmp.path().join("out");
    let out_before = listing(&out);
    let scenario_before = listing(&tmp.path().join("s"));
    let args: Vec<String> = case.run.iter().map(|a| expand(a, tmp.path())).collect();
    let started = Instant::now();
    let (code, stderr, hang) = run_with_limit(&args);
    v.seconds = started.elapsed().as_secs_f64();
    v.code = code;
    v.hang = hang;
    v.panic = code == Some(101) || stderr.contains("panicked") || (code.is_none() && !hang);
    if v.hang {
        v.problems
            .push(format!("no answer within {} s", LIMIT.as_secs()));
    }
    if v.panic {
        v.problems.push(format!("panic: {}", first_line(&stderr)));
    }
    if code != Some(case.exit) && !hang {
        v.silent = code == Some(0);
        v.problems.push(format!(
            "exit {code:?}, expected {}: {}",
            case.exit,
            first_line(&stderr)
        ));
    }
    for word in &case.says {
        let word = expand(word, tmp.path());
        if !stderr.contains(word.as_str()) {
            v.problems
                .push(format!("message lacks \"{word}\": {}", stderr.trim()));
        }
    }
    if case.exit == 2 {
        check_form(case, &stderr, &mut v);
    }
    for (p, text) in &planted {
        if std::fs::read_to_string(p).ok().as_deref() != Some(text.as_str()) {
            v.data_loss = true;
            v.problems
                .push(format!("user file {} was changed or removed", p.display()));
        }
    }
    for (p, text) in &case.after {
        let p = PathBuf::from(expand(p, tmp.path()));
        if std::fs::read_to_string(&p).ok().as_deref() != Some(big(text).as_str()) {
            v.data_loss = true;
            v.problems
                .push(format!("{} does not hold the text it should", p.display()));
        }
    }
    if !case.writes_scenario && listing(&tmp.path().join("s")) != scenario_before {
        v.data_loss = true;
        v.problems
            .push("the scenario's own files were changed".into());
    }
    if code != Some(0) && listing(&out) != out_before {
        v.data_loss = true;
        v.problems
            .push("a failed run changed the output folder".into());
    }
    for dir in [tmp.path().to_path_buf(), tmp.path().join("s")] {
        let left = leftovers(&dir);
        if !left.is_empty() {
            v.problems
                .push(format!("left behind {left:?} in {}", dir.display()));
        }
    }
    v
}

/// Names and sizes of everything under `dir`, to tell whether a failed run touched it.
fn listing(dir: &Path) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(meta) = std::fs::metadata(&d) else {
            continue;
        };
        if meta.is_file() {
            out.push((d.display().to_string(), meta.len()));
            continue;
        }
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            stack.push(e.path());
        }
        out.push((d.display().to_string(), 0));
    }
    out.sort();
    out
}

fn first_line(text: &str) -> String {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    line.chars().take(160).collect()
}

/// An input error names its file, the line (for "cell"), the field, and what was expected.
fn check_form(case: &Case, stderr: &str, v: &mut Verdict) {
    let form = case.form.as_deref().unwrap_or("cell");
    let line = stderr
        .lines()
        .find(|l| l.starts_with("error: "))
        .unwrap_or("");
    let lacks = |what: &str, v: &mut Verdict| {
        v.problems.push(format!("message lacks {what}: {}", line));
    };
    match form {
        "plain" => {}
        "cell" | "file" => {
            let Some((place, message)) =
                line["error: ".len().min(line.len())..].split_once(": field '")
            else {
                lacks("a file and a field (FILE: field 'NAME': …)", v);
                return;
            };
            if !place.contains('.') {
                lacks("a file name", v);
            }
            if form == "cell" && !place.contains(", line ") {
                lacks("a line", v);
            }
            let expects = ["expected", "between", " from ", "at most", "at least"];
            if !expects.iter().any(|w| message.contains(w)) {
                lacks("the allowed range or form (expected …)", v);
            }
        }
        other => v
            .problems
            .push(format!("broken case: unknown form \"{other}\"")),
    }
}

fn print_table(cases: &[Case], verdicts: &[Verdict]) {
    println!(
        "{:<4} {:<12} {:<58} {:<10} {:>4} {:>4} {:>7}  verdict",
        "#", "file", "case", "command", "want", "got", "seconds"
    );
    for (i, (c, v)) in cases.iter().zip(verdicts).enumerate() {
        let name: String = c.name.chars().take(58).collect();
        let got = v.code.map_or("-".to_string(), |c| c.to_string());
        let verdict = if v.problems.is_empty() {
            "ok".to_string()
        } else {
            format!("FAIL: {}", v.problems.join(" | "))
        };
        println!(
            "{:<4} {:<12} {:<58} {:<10} {:>4} {:>4} {:>7.2}  {verdict}",
            i + 1,
            c.source,
            name,
            c.run.first().map_or("", |s| s.as_str()),
            c.exit,
            got,
            v.seconds
        );
    }
    let count = |f: fn(&Verdict) -> bool| verdicts.iter().filter(|v| f(v)).count();
    let by_code = |code: i32| cases.iter().filter(|c| c.exit == code).count();
    println!(
        "\ncorpus: {} cases ({} expect exit 0, {} exit 2, {} other); failed {}; panics {}, hangs {}, data loss {}, silent acceptances {}",
        cases.len(),
        by_code(0),
        by_code(2),
        cases.len() - by_code(0) - by_code(2),
        count(|v| !v.problems.is_empty()),
        count(|v| v.panic),
        count(|v| v.hang),
        count(|v| v.data_loss),
        count(|v| v.silent),
    );
}
