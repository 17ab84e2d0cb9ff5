//! A user's files are never lost: every command that writes refuses an `--out` that is or
//! holds an input, that is an existing file, or that holds files which are not an earlier
//! output of the same command (unless `--force`); files next to the output survive; and what
//! killed runs left behind is cleaned up or put back.

use crate::common;

use common::*;
#[cfg(unix)]
use std::os::unix::fs::FileTypeExt;

/// Every file under `dir` with its bytes, to check nothing changed.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    tree(dir)
}

fn refused(o: &Output, words: &str) {
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(words), "expected «{words}» in: {stderr}");
}

fn ok(o: &Output) {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// A planned copy of the must-hire fixture: (temp dir, scenario, plan folder).
fn planned() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let (tmp, dir) = copy_fixture("must-hire");
    let out = tmp.path().join("out");
    ok(&bienche(&["plan", s(&dir), "--out", s(&out), "-q"]));
    (tmp, dir, out)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn plan_refuses_to_write_over_its_own_scenario_or_a_folder_that_holds_it() {
    let (tmp, dir) = copy_fixture("must-hire");
    let before = snapshot(tmp.path());
    let o = bienche(&["plan", s(&dir), "--out", s(&dir), "-q"]);
    refused(
        &o,
        "it is an input of this command, which writing the output would replace",
    );
    let o = bienche(&["plan", s(&dir), "--out", s(tmp.path()), "-q", "--force"]);
    refused(&o, "which writing the output would replace");
    assert_eq!(snapshot(tmp.path()), before, "the scenario is untouched");
}

#[test]
fn plan_refuses_a_file_and_a_folder_of_someone_elses_files() {
    let (tmp, dir) = copy_fixture("must-hire");
    let file = tmp.path().join("report.docx");
    std::fs::write(&file, b"a user's report").unwrap();
    let o = bienche(&["plan", s(&dir), "--out", s(&file), "-q", "--force"]);
    refused(&o, "it is a file, not a folder");
    assert_eq!(std::fs::read(&file).unwrap(), b"a user's report");

    let docs = tmp.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(docs.join("notes.txt"), b"keep me").unwrap();
    let o = bienche(&["plan", s(&dir), "--out", s(&docs), "-q"]);
    refused(&o, "not an earlier `bienche plan` output");
    assert_eq!(std::fs::read(docs.join("notes.txt")).unwrap(), b"keep me");
    // Asked to, it replaces the folder, and only once the new one is complete.
    ok(&bienche(&[
        "plan",
        s(&dir),
        "--out",
        s(&docs),
        "-q",
        "--force",
    ]));
    assert!(docs.join("summary.json").is_file());
    assert!(!docs.join("notes.txt").exists());
}

#[test]
fn a_second_plan_replaces_the_first_and_files_next_to_it_survive() {
    let (tmp, dir, out) = planned();
    let beside = tmp.path().join("notes.txt");
    std::fs::write(&beside, b"beside the output").unwrap();
    ok(&bienche(&["plan", s(&dir), "--out", s(&out), "-q"]));
    assert_eq!(std::fs::read(&beside).unwrap(), b"beside the output");
    assert!(out.join("summary.json").is_file());
    let leftovers: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".out."))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Every other command that writes: a user's file inside the output is refused and kept,
/// and a file next to it survives a run.
#[test]
fn every_command_keeps_a_users_files() {
    let (tmp, dir, out) = planned();
    let beside = tmp.path().join("beside.txt");
    std::fs::write(&beside, b"beside").unwrap();
    let occupied = |name: &str| {
        let d = tmp.path().join(name);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("mine.txt"), b"mine").unwrap();
        d
    };
    let kept = |d: &Path| assert_eq!(std::fs::read(d.join("mine.txt")).unwrap(), b"mine");

    let f = occupied("forecast");
    refused(
        &bienche(&["forecast", s(&dir), "--out", s(&f)]),
        "not an earlier `bienche forecast` output",
    );
    kept(&f);
    ok(&bienche(&[
        "forecast",
        s(&dir),
        "--out",
        s(&tmp.path().join("fc")),
    ]));

    let c = occupied("compare");
    refused(
        &bienche(&["compare", s(&dir), "--out", s(&c), "--threads", "1"]),
        "not an earlier `bienche compare` output",
    );
    kept(&c);
    let sw = occupied("sweep");
    refused(
        &bienche(&[
            "sweep",
            s(&dir),
            "--vary",
            "policy.shortfall_penalty=100000",
            "--out",
            s(&sw),
        ]),
        "not an earlier `bienche sweep` output",
    );
    kept(&sw);

    let sim = out.join("simulation");
    std::fs::create_dir_all(&sim).unwrap();
    std::fs::write(sim.join("mine.txt"), b"mine").unwrap();
    refused(
        &bienche(&["simulate", s(&out), "--draws", "5"]),
        "not an earlier `bienche simulate` output",
    );
    kept(&sim);

    let plots = out.join("plots").join("en");
    std::fs::create_dir_all(&plots).unwrap();
    std::fs::write(plots.join("mine.txt"), b"mine").unwrap();
    refused(
        &bienche(&["plot", s(&out), "--lang", "en"]),
        "not an earlier `bienche plot` output",
    );
    kept(&plots);

    let g = occupied("generated");
    refused(
        &bienche(&["generate", "--units", "3", "--out", s(&g)]),
        "the folder exists and is not empty",
    );
    kept(&g);
    let gfile = tmp.path().join("gen.txt");
    std::fs::write(&gfile, b"mine").unwrap();
    refused(
        &bienche(&["generate", "--units", "3", "--out", s(&gfile), "--force"]),
        "it is a file, not a folder",
    );
    assert_eq!(std::fs::read(&gfile).unwrap(), b"mine");
    assert_eq!(std::fs::read(&beside).unwrap(), b"beside");
}

/// A run that was killed leaves `.out.tmp-PID` (and, if killed while swapping, `.out.old-PID`
/// with no `out`); the next run into the same place removes the first and puts back the
/// second before replacing it.
#[test]
fn what_killed_runs_left_behind_is_cleaned_up_or_put_back() {
    let (tmp, dir, out) = planned();
    // A process id above Linux's largest possible one, so it is never running.
    let dead = 4_194_305 + 7;
    let stale = tmp.path().join(format!(".out.tmp-{dead}"));
    std::fs::create_dir(&stale).unwrap();
    std::fs::write(stale.join(".bienche-writing"), b"").unwrap();
    std::fs::write(stale.join("half.csv"), b"half-written").unwrap();
    // A user's folder of the same form, without bienche's mark, is left alone.
    let theirs = tmp.path().join(format!(".out.tmp-{}", dead + 2));
    std::fs::create_dir(&theirs).unwrap();
    std::fs::write(theirs.join("mine.txt"), b"mine").unwrap();
    let aside = tmp.path().join(format!(".out.old-{}", dead + 1));
    std::fs::rename(&out, &aside).unwrap();
    ok(&bienche(&["plan", s(&dir), "--out", s(&out), "-q"]));
    assert!(!stale.exists(), "the stale temporary folder is removed");
    assert_eq!(std::fs::read(theirs.join("mine.txt")).unwrap(), b"mine");
    assert!(
        !aside.exists(),
        "the moved-aside output was put back, then replaced"
    );
    assert!(out.join("summary.json").is_file());
}

/// The cases a review reproduced: a path that steps back out of a folder that does not exist,
/// a roster kept outside the scenario, a recognised output with a user's file added, and
/// folders never replaced even with `--force`.
#[test]
fn paths_and_folders_that_would_have_lost_files_are_refused() {
    let (tmp, dir) = copy_fixture("must-hire");
    let before = snapshot(&dir);
    let sneaky = tmp.path().join("nowhere/../scenario");
    let o = bienche(&["plan", s(&dir), "--out", s(&sneaky), "-q", "--force"]);
    refused(&o, "steps back with '..'");
    assert_eq!(snapshot(&dir), before);

    // An earlier plan with a user's notes added is not replaced without --force.
    let out = tmp.path().join("out");
    ok(&bienche(&["plan", s(&dir), "--out", s(&out), "-q"]));
    std::fs::write(out.join("my-notes.txt"), b"notes").unwrap();
    refused(
        &bienche(&["plan", s(&dir), "--out", s(&out), "-q"]),
        "not an earlier `bienche plan` output",
    );
    assert_eq!(std::fs::read(out.join("my-notes.txt")).unwrap(), b"notes");

    // A comparison's file name alone does not make a folder a comparison.
    let thesis = tmp.path().join("thesis");
    std::fs::create_dir(&thesis).unwrap();
    std::fs::write(thesis.join("comparison.csv"), b"mine").unwrap();
    std::fs::write(thesis.join("thesis.docx"), b"mine").unwrap();
    refused(
        &bienche(&["compare", s(&dir), "--out", s(&thesis), "--threads", "1"]),
        "not an earlier `bienche compare` output",
    );
    assert_eq!(std::fs::read(thesis.join("thesis.docx")).unwrap(), b"mine");

    // A repository, the current folder and above it are never replaced, even with --force.
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    refused(
        &bienche(&["plan", s(&dir), "--out", s(&repo), "-q", "--force"]),
        "it is a git repository",
    );
    let o = Command::new(env!("CARGO_BIN_EXE_bienche"))
        .env("LC_ALL", "en_US.UTF-8")
        .current_dir(&out)
        .args(["plan", s(&dir), "--out", ".", "-q", "--force"])
        .output()
        .unwrap();
    refused(&o, "the current folder");
}

#[test]
fn a_roster_kept_outside_the_scenario_is_an_input_too() {
    let tmp = tempfile::tempdir().unwrap();
    let shared = tmp.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::copy(
        fixture("roster").join("roster.csv"),
        shared.join("roster.csv"),
    )
    .unwrap();
    let dir = tmp.path().join("scenario");
    std::fs::create_dir(&dir).unwrap();
    for f in ["scenario.toml", "groups.csv", "units.csv", "channels.csv"] {
        std::fs::copy(fixture("roster").join(f), dir.join(f)).unwrap();
    }
    let toml = std::fs::read_to_string(dir.join("scenario.toml")).unwrap();
    let toml = if toml.contains("[roster]") {
        toml.replace("[roster]", "[roster]\nfile = \"../shared/roster.csv\"")
    } else {
        format!("{toml}\n[roster]\nfile = \"../shared/roster.csv\"\n")
    };
    std::fs::write(dir.join("scenario.toml"), toml).unwrap();
    let o = bienche(&["plan", s(&dir), "--out", s(&shared), "-q", "--force"]);
    refused(&o, "which writing the output would replace");
    assert!(shared.join("roster.csv").is_file());
}

#[test]
fn roster_import_keeps_the_tables_it_replaces() {
    let (tmp, dir) = copy_fixture("roster");
    let _keep = tmp;
    std::fs::write(dir.join("attrition.csv"), b"hand-made\n").unwrap();
    ok(&bienche(&[
        "roster",
        "import",
        s(&dir.join("roster.csv")),
        "--scenario",
        s(&dir),
    ]));
    assert_eq!(
        std::fs::read(dir.join("attrition.csv.previous")).unwrap(),
        b"hand-made\n"
    );
    assert!(std::fs::read_to_string(dir.join("attrition.csv"))
        .unwrap()
        .starts_with("class,"));
}

/// What a review found: a pipe at `--out` (replaced before), a folder holding the home
/// folder (deleted with `--force` before), and an input linked into the scenario from the
/// folder given as `--out` (deleted with `--force` before).
#[cfg(unix)]
#[test]
fn pipes_home_and_linked_inputs_are_never_replaced() {
    let (tmp, dir) = copy_fixture("must-hire");
    let fifo = tmp.path().join("pipe");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    refused(
        &bienche(&["plan", s(&dir), "--out", s(&fifo), "-q"]),
        "it is not a folder",
    );
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());

    let home = tmp.path().join("h/home/me");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(home.join("thesis.docx"), "mine").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_bienche"))
        .env("LC_ALL", "en_US.UTF-8")
        .args([
            "plan",
            s(&dir),
            "--out",
            s(&tmp.path().join("h/home")),
            "--force",
            "-q",
        ])
        .env("HOME", &home)
        .output()
        .unwrap();
    refused(&o, "your home folder");
    assert_eq!(
        std::fs::read_to_string(home.join("thesis.docx")).unwrap(),
        "mine"
    );

    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::rename(dir.join("staff.csv"), data.join("staff.csv")).unwrap();
    std::os::unix::fs::symlink(data.join("staff.csv"), dir.join("staff.csv")).unwrap();
    let before = snapshot(&data);
    refused(
        &bienche(&["plan", s(&dir), "--out", s(&data), "--force", "-q"]),
        "an input of this command",
    );
    assert_eq!(snapshot(&data), before);
}
