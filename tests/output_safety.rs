//! A user's files are never lost: every command that writes refuses an `--out` that is or
//! holds an input, that is an existing file, or that holds files which are not an earlier
//! output of the same command (unless `--force`); files next to the output survive; and what
//! killed runs left behind is cleaned up or put back.

mod common;

use common::*;

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
    std::fs::write(stale.join("half.csv"), b"half-written").unwrap();
    let aside = tmp.path().join(format!(".out.old-{}", dead + 1));
    std::fs::rename(&out, &aside).unwrap();
    ok(&bienche(&["plan", s(&dir), "--out", s(&out), "-q"]));
    assert!(!stale.exists(), "the stale temporary folder is removed");
    assert!(
        !aside.exists(),
        "the moved-aside output was put back, then replaced"
    );
    assert!(out.join("summary.json").is_file());
}
