//! Interrupts: SIGINT or SIGTERM in the middle of a run ends it with 130 or 143, leaves no
//! output and no temporary folder, and keeps an earlier output as it was.
#![cfg(unix)]

use crate::common;

use common::*;
use std::time::{Duration, Instant};

fn signal(child: &std::process::Child, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

/// Starts bienche in the background, its stderr kept for the verdict.
fn start(args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_bienche"))
        .env("LC_ALL", "en_US.UTF-8")
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("bienche starts")
}

/// Waits until `path` exists (the run has started writing), at most `limit`.
fn wait_for(path: &Path, limit: Duration) -> bool {
    let started = Instant::now();
    while started.elapsed() < limit {
        if path.exists() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn sigint_while_writing_removes_the_temporary_folder_and_exits_130() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cmp");
    let child = start(&[
        "compare",
        scenario("son-la").to_str().unwrap(),
        fixture("must-hire").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--threads",
        "2",
    ]);
    // compare writes into its temporary folder while it solves.
    let temporary = tmp.path().join(format!(".cmp.tmp-{}", child.id()));
    assert!(
        wait_for(&temporary, Duration::from_secs(30)),
        "the run started"
    );
    std::thread::sleep(Duration::from_millis(500));
    signal(&child, "INT");
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130));
    assert!(String::from_utf8_lossy(&o.stderr).contains("interrupted"));
    assert_eq!(entries(tmp.path()), Vec::<String>::new(), "nothing is left");
}

#[test]
fn sigterm_while_solving_keeps_the_earlier_plan_and_exits_143() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = bienche(&[
        "plan",
        fixture("must-hire").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success());
    let before = tree(&out);
    let child = start(&[
        "plan",
        scenario("son-la").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--force",
    ]);
    std::thread::sleep(Duration::from_secs(2));
    signal(&child, "TERM");
    let o = child.wait_with_output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(143),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(tree(&out), before, "the earlier plan is untouched");
    assert_eq!(entries(tmp.path()), vec!["out".to_string()]);
}

/// Worker threads still writing plan folders into a sweep's temporary folder while the
/// interrupt removes it do not bring it back (a review found `.s.tmp-PID/.p157.tmp-PID` left).
#[test]
fn sigint_during_a_sweep_of_many_points_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("s");
    let values: Vec<String> = (0..600).map(|v| v.to_string()).collect();
    let child = start(&[
        "sweep",
        fixture("must-hire").to_str().unwrap(),
        "--vary",
        &format!("costs.promotion={}", values.join(",")),
        "--out",
        out.to_str().unwrap(),
        "--threads",
        "2",
    ]);
    let first_point = tmp
        .path()
        .join(format!(".s.tmp-{}", child.id()))
        .join("p001");
    assert!(
        wait_for(&first_point, Duration::from_secs(60)),
        "the sweep started writing"
    );
    std::thread::sleep(Duration::from_millis(300));
    signal(&child, "INT");
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130));
    assert_eq!(entries(tmp.path()), Vec::<String>::new(), "nothing is left");
}

/// Output piped into a reader that stops early (`bienche check … | head -1`) ends the run
/// quietly with SIGPIPE, not with a panic.
#[test]
fn a_closed_pipe_ends_the_run_without_a_panic() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bienche"))
        .env("LC_ALL", "en_US.UTF-8")
        .args(["targets", scenario("son-la").to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(o.status.code(), Some(101));
}
