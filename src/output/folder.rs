//! Output folders, written so that a user's files are never lost and a failed or
//! interrupted run leaves nothing half-written.
//!
//! **Before the work** ([`check_out`]): `--out` must not be an existing file; must not be
//! or hold any input the command reads; must not step back (`..`) out of a folder that does
//! not exist yet; and, when it is a folder that holds anything, it must be an earlier output
//! of the same command holding nothing else ([`Kind::recognises`]: the command's own files
//! and folders only, all the way down), or `--force` must be given. Anything at `--out` that
//! is not a folder (a file, device, pipe, socket) is refused. Even with `--force`, the file
//! system's root, a folder holding the home folder or the current folder, and a folder
//! holding a git repository are refused. Inputs are protected as the file system has them:
//! a file linked into a scenario from elsewhere counts at its real place. The parent must be writable. What killed runs left next to the output is cleared
//! (see below).
//!
//! **The work** ([`write_folder`]): files go into a temporary sibling `.NAME.tmp-PID`, marked
//! as bienche's by a `.bienche-writing` file. Only when every file is complete, and after the
//! checks above are made again (the folder may have changed during a long run), is an earlier
//! output moved aside to `.NAME.old-PID`, the new folder renamed into place, and the old one
//! removed. While a temporary folder exists it is registered, so that an interrupt removes it
//! ([`abandon`]).
//!
//! **Leftovers** of a killed run (Linux, where a process's life can be read from `/proc`): a
//! `.NAME.tmp-PID` of a process that is gone is removed if it carries the mark; a
//! `.NAME.old-PID` is put back when `NAME` is missing, and removed when it is an earlier
//! output of the same command. Anything else of that name is left alone.

use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// The mark a temporary output folder carries while bienche writes it.
const MARK: &str = ".bienche-writing";

/// The kinds of output folder, each recognised by the files only it writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `bienche plan` of one scenario.
    Plan,
    /// `bienche plan` of a national folder.
    National,
    /// `bienche forecast --out`.
    Forecast,
    /// `bienche compare`.
    Comparison,
    /// `bienche sweep`.
    Sweep,
    /// `bienche frontier`.
    Frontier,
    /// `bienche simulate`'s `simulation/`.
    Simulation,
    /// `bienche plot`'s `plots/LANG/`: only charts.
    Charts,
    /// `bienche generate`: never recognised, so a folder that holds anything needs `--force`.
    Generated,
    /// `bienche forms`: `forms.json` and the forms it lists, each as written (a form that
    /// was filled in is the user's).
    Forms,
    /// `bienche actuals`.
    Actuals,
    /// `bienche history`.
    History,
}

/// The entries of a folder: (name, is a folder).
fn entries(dir: &Path) -> Vec<(String, bool)> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| {
                    let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
                    (e.file_name().to_string_lossy().into_owned(), is_dir)
                })
                .collect()
        })
        .unwrap_or_default()
}

impl Kind {
    /// The command that writes it, for messages.
    pub fn command(self) -> &'static str {
        match self {
            Kind::Plan | Kind::National => "bienche plan",
            Kind::Forecast => "bienche forecast",
            Kind::Comparison => "bienche compare",
            Kind::Sweep => "bienche sweep",
            Kind::Frontier => "bienche frontier",
            Kind::Simulation => "bienche simulate",
            Kind::Charts => "bienche plot",
            Kind::Generated => "bienche generate",
            Kind::Forms => "bienche forms",
            Kind::Actuals => "bienche actuals",
            Kind::History => "bienche history",
        }
    }

    /// The files and folders an output of this kind has at its top: (files, folders), and
    /// whether other folders may be plan folders (one per scenario or province).
    fn contents(self) -> (&'static [&'static str], &'static [&'static str], bool) {
        match self {
            Kind::Plan => (
                &[
                    "summary.json",
                    "manifest.json",
                    "trajectory.csv",
                    "flows.csv",
                    "targets.csv",
                    "costs.csv",
                    "cost_vs_no_plan.csv",
                    "prices.csv",
                    "units.csv",
                    crate::workbook::FILE,
                    crate::report::FILE,
                    "changes.csv",
                    "target_changes.csv",
                    "replan.json",
                ],
                &["forecast", "plots", "simulation", crate::replan::SCENARIO],
                false,
            ),
            Kind::National => (
                &["national.csv", "summary.json", "manifest.json"],
                &[],
                true,
            ),
            Kind::Forecast => (
                &[
                    "summary.json",
                    "manifest.json",
                    "trajectory.csv",
                    "flows.csv",
                    "gap.csv",
                ],
                &[],
                false,
            ),
            Kind::Comparison => (
                &[
                    "comparison.csv",
                    "unit_differences.csv",
                    crate::workbook::comparison::FILE,
                ],
                &["plots"],
                true,
            ),
            Kind::Sweep => (&["sweep.csv"], &["plots", "scenarios"], true),
            Kind::Frontier => (&["frontier.csv"], &["plots", "scenarios"], true),
            Kind::Simulation => (
                &[
                    "probabilities.csv",
                    "fan.csv",
                    "expected.csv",
                    "summary.json",
                ],
                &["plots", "buffered"],
                false,
            ),
            Kind::Actuals => (
                &[
                    "actual_stocks.csv",
                    "actual_flows.csv",
                    "rule_status.csv",
                    "problems.csv",
                    "actuals.json",
                    crate::workbook::actuals::FILE,
                ],
                &["plots"],
                false,
            ),
            Kind::History => (&["history.csv"], &["plots"], false),
            Kind::Charts | Kind::Generated | Kind::Forms => (&[], &[], false),
        }
    }

    /// Whether `dir` is an earlier output of this kind and holds nothing else.
    pub fn recognises(self, dir: &Path) -> bool {
        let has = |name: &str| dir.join(name).is_file();
        let signed = match self {
            Kind::Plan => {
                has("summary.json") && has("trajectory.csv") && super::read::manifest(dir).is_ok()
            }
            Kind::National => has("national.csv") && has("manifest.json"),
            Kind::Forecast => {
                super::read::json::<super::contract::ForecastManifest>(&dir.join("manifest.json"))
                    .is_ok_and(|m| m.command == "forecast")
            }
            Kind::Comparison => has("comparison.csv"),
            Kind::Sweep => has("sweep.csv"),
            Kind::Frontier => has("frontier.csv"),
            Kind::Simulation => has("probabilities.csv") && has("fan.csv"),
            Kind::Charts => true,
            Kind::Generated => false,
            Kind::Forms => return forms_as_written(dir),
            Kind::Actuals => has("actuals.json") && has("problems.csv"),
            Kind::History => has("history.csv"),
        };
        signed
            && entries(dir)
                .iter()
                .all(|(name, is_dir)| self.holds(dir, name, *is_dir))
    }

    fn holds(self, dir: &Path, name: &str, is_dir: bool) -> bool {
        if self == Kind::Charts {
            return !is_dir && is_chart(name);
        }
        let (files, folders, plan_folders) = self.contents();
        if !is_dir {
            return files.contains(&name);
        }
        let sub = dir.join(name);
        if folders.contains(&name) {
            return own_subfolder(&sub, name);
        }
        plan_folders && Kind::Plan.recognises(&sub)
    }
}

/// Whether `dir` holds `forms.json` and nothing but the forms it lists, each with the bytes
/// it was written with.
fn forms_as_written(dir: &Path) -> bool {
    use sha2::{Digest, Sha256};
    let Ok(m) =
        super::read::json::<super::contract::FormsManifest>(&dir.join(crate::forms::MANIFEST))
    else {
        return false;
    };
    if m.command != "forms" {
        return false;
    }
    entries(dir).iter().all(|(name, is_dir)| {
        !is_dir
            && (name == crate::forms::MANIFEST
                || m.forms.iter().any(|f| {
                    f.file == *name
                        && std::fs::read(dir.join(name))
                            .is_ok_and(|b| format!("{:x}", Sha256::digest(&b)) == f.sha256)
                }))
    })
}

fn is_chart(name: &str) -> bool {
    name.ends_with(".png") || name.ends_with(".svg")
}

/// Whether a named subfolder of an output holds only what bienche writes there, all the
/// way down: a user's file anywhere in it makes the output someone else's.
fn own_subfolder(dir: &Path, name: &str) -> bool {
    let all =
        |ok: &dyn Fn(&str, bool) -> bool| entries(dir).iter().all(|(n, is_dir)| ok(n, *is_dir));
    match name {
        "plots" => all(&|n, is_dir| {
            if is_dir {
                entries(&dir.join(n))
                    .iter()
                    .all(|(chart, sub)| !sub && is_chart(chart))
            } else {
                is_chart(n)
            }
        }),
        "forecast" => {
            all(&|n, is_dir| !is_dir && ["trajectory.csv", "flows.csv", "gap.csv"].contains(&n))
        }
        "simulation" => Kind::Simulation.recognises(dir),
        crate::replan::SCENARIO => crate::replan::written(dir),
        "buffered" => all(&|n, is_dir| !is_dir && ["buffer.csv", "rounds.csv"].contains(&n)),
        "scenarios" => all(&|n, is_dir| {
            is_dir
                && entries(&dir.join(n))
                    .iter()
                    .all(|(f, sub)| !sub && f == "scenario.toml")
        }),
        _ => false,
    }
}

/// What a command is about to write, checked before any work is done.
pub struct Out<'a> {
    pub path: &'a Path,
    pub kind: Kind,
    /// Every file or folder the command reads.
    pub inputs: &'a [PathBuf],
    /// Replace a non-empty folder that is not an earlier output of this command.
    pub force: bool,
}

fn usage(out: &Path, message: impl std::fmt::Display) -> Error {
    Error::Usage(format!("--out {}: {message}", out.display()))
}

/// The absolute form of `path`: the part that exists resolved by the file system (links
/// followed), the rest appended. `None` when the rest steps back with `..`: out of a folder
/// that does not exist, that would be a guess.
pub(crate) fn absolute(path: &Path) -> Option<PathBuf> {
    let full = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    let parts: Vec<Component> = full.components().collect();
    for split in (0..=parts.len()).rev() {
        let head: PathBuf = parts[..split].iter().collect();
        if let Ok(real) = head.canonicalize() {
            let mut p = real;
            for c in &parts[split..] {
                match c {
                    Component::Normal(n) => p.push(n),
                    Component::CurDir => {}
                    _ => return None,
                }
            }
            return Some(p);
        }
    }
    None
}

/// Folders never replaced, even with `--force`: what their loss would cost is not an
/// output's to decide.
fn precious(out: &Path) -> Option<&'static str> {
    if out.parent().is_none() {
        return Some("the file system's root");
    }
    if std::env::var_os("HOME")
        .is_some_and(|h| absolute(Path::new(&h)).is_some_and(|home| home.starts_with(out)))
    {
        return Some("your home folder, or a folder that holds it");
    }
    if std::env::current_dir()
        .ok()
        .and_then(|d| absolute(&d))
        .is_some_and(|cwd| cwd.starts_with(out))
    {
        return Some("the current folder, or a folder above it");
    }
    if out.join("scenario.toml").is_file() || out.join("national.toml").is_file() {
        return Some("a scenario (it holds scenario.toml or national.toml)");
    }
    if holds_git(out) {
        return Some("a git repository, or a folder that holds one");
    }
    None
}

/// Whether a `.git` is in `dir` or any folder below it (links not followed; the walk stops
/// after 100,000 entries, and a folder that large counts as holding one).
fn holds_git(dir: &Path) -> bool {
    let mut stack = vec![dir.to_path_buf()];
    let mut seen = 0usize;
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            seen += 1;
            if seen > 100_000 || e.file_name() == ".git" {
                return true;
            }
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(e.path());
            }
        }
    }
    false
}

/// The inputs as the file system has them: each path, and for a folder each entry in it
/// with links resolved, so a file linked into a scenario from elsewhere is protected too.
fn resolved_inputs(inputs: &[PathBuf]) -> Vec<(PathBuf, PathBuf)> {
    let mut out = Vec::new();
    for input in inputs {
        if let Some(abs) = absolute(input) {
            out.push((input.clone(), abs));
        }
        if input.is_dir() {
            for (name, _) in entries(input) {
                let entry = input.join(&name);
                if let Ok(real) = entry.canonicalize() {
                    out.push((entry, real));
                }
            }
        }
    }
    out
}

/// Outputs checked by [`check_out`], by absolute path: checked again before a swap.
static CHECKED: Mutex<BTreeMap<PathBuf, (Kind, bool)>> = Mutex::new(BTreeMap::new());

/// Refuses an output path that would destroy something, and clears what killed runs left.
pub fn check_out(o: &Out) -> Result<()> {
    let out = o.path;
    let out_abs = absolute(out).ok_or_else(|| {
        usage(
            out,
            "it steps back with '..' out of a folder that does not exist; name the folder directly",
        )
    })?;
    for (input, input_abs) in resolved_inputs(o.inputs) {
        if input_abs.starts_with(&out_abs) {
            let what = if input_abs == out_abs {
                "it is an input of this command".to_string()
            } else {
                format!("it holds {}, an input of this command", input.display())
            };
            return Err(usage(
                out,
                format!("{what}, which writing the output would replace; choose another folder"),
            ));
        }
    }
    if let Some(file) = out_abs
        .ancestors()
        .skip(1)
        .find(|a| a.exists() && !a.is_dir())
    {
        return Err(usage(
            out,
            format!("{} is a file, not a folder, so nothing can be written under it; choose another folder", file.display()),
        ));
    }
    if out_abs.is_file() {
        return Err(usage(
            out,
            "it is a file, not a folder; choose a folder name (it is created)",
        ));
    }
    if std::fs::symlink_metadata(&out_abs).is_ok_and(|m| !m.is_dir()) {
        return Err(usage(
            out,
            "it is not a folder (a device, pipe, socket or broken link); choose a folder name (it is created)",
        ));
    }
    if out_abs.exists() || out.file_name().is_none() {
        if let Some(what) = precious(&out_abs) {
            return Err(usage(
                out,
                format!("it is {what}; bienche does not replace it, even with --force; choose a new folder"),
            ));
        }
    }
    if out.file_name().is_none() {
        return Err(usage(out, "names no folder; name the folder to write"));
    }
    clear_leftovers(&out_abs, o.kind);
    foreign(out, &out_abs, o.kind, o.force)?;
    let parent = parent_of(&out_abs);
    std::fs::create_dir_all(parent).map_err(|e| Error::output(parent, e))?;
    let probe = parent.join(format!(".bienche-probe-{}", std::process::id()));
    std::fs::write(&probe, b"")
        .map_err(|e| usage(out, format!("cannot write into {}: {e}", parent.display())))?;
    let _ = std::fs::remove_file(&probe);
    if let Ok(mut checked) = CHECKED.lock() {
        checked.insert(out_abs, (o.kind, o.force));
    }
    Ok(())
}

/// Refuses a folder that holds files other than an earlier output of `kind`, unless forced.
fn foreign(out: &Path, out_abs: &Path, kind: Kind, force: bool) -> Result<()> {
    let occupied = std::fs::read_dir(out_abs).is_ok_and(|mut e| e.next().is_some());
    if occupied && !force && !kind.recognises(out_abs) {
        let message = if kind == Kind::Generated {
            "the folder exists and is not empty; nothing was written (pass --force to replace it)"
                .to_string()
        } else {
            format!(
                "the folder holds files that are not an earlier `{}` output; choose an empty or new folder, or pass --force to replace it",
                kind.command()
            )
        };
        return Err(usage(out, message));
    }
    Ok(())
}

fn parent_of(out: &Path) -> &Path {
    out.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

fn sibling(out: &Path, what: &str, pid: u32) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    parent_of(out).join(format!(".{name}.{what}-{pid}"))
}

/// Whether a process is running; where that cannot be told, assume it is.
fn running(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

/// Clears what runs into `out` that were killed left: their marked temporary folders, and
/// an earlier output one of them had moved aside (put back, or removed when `out` is there).
fn clear_leftovers(out: &Path, kind: Kind) {
    let Some(name) = out.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    for (file, is_dir) in entries(parent_of(out)) {
        for what in ["tmp", "old", crate::replan::STAGED] {
            let prefix = format!(".{name}.{what}-");
            let Some(pid) = file
                .strip_prefix(&prefix)
                .and_then(|p| p.parse::<u32>().ok())
            else {
                continue;
            };
            if !is_dir || pid == std::process::id() || running(pid) {
                continue;
            }
            let path = parent_of(out).join(&file);
            if what == "tmp" {
                if path.join(MARK).is_file() {
                    let _ = std::fs::remove_dir_all(&path);
                }
            } else if what == crate::replan::STAGED {
                let only_scenario = entries(&path)
                    .iter()
                    .all(|(n, is_dir)| *is_dir && n == crate::replan::SCENARIO);
                if only_scenario && crate::replan::written(&path.join(crate::replan::SCENARIO)) {
                    let _ = std::fs::remove_dir_all(&path);
                }
            } else if !out.exists() {
                let _ = std::fs::rename(&path, out);
            } else if kind.recognises(&path) {
                let _ = std::fs::remove_dir_all(&path);
            }
        }
    }
}

/// Output folders being written by this process, (temporary folder, output), for the
/// interrupt handler; the lock is also held while an earlier output is swapped out, so an
/// interrupt never falls between the two renames.
static LIVE: Mutex<Vec<(PathBuf, PathBuf)>> = Mutex::new(Vec::new());

fn set_live(tmp: &Path, out: &Path, on: bool) {
    if let Ok(mut l) = LIVE.lock() {
        if on {
            l.push((tmp.to_path_buf(), out.to_path_buf()));
        } else {
            l.retain(|(t, _)| t != tmp);
        }
    }
}

/// Registers a file being written outside an output folder (`roster import`'s tables), so
/// that an interrupt removes it; `on = false` when it is in place.
pub fn live_file(path: &Path, on: bool) {
    set_live(path, path, on);
}

/// Set once an interrupt has begun removing what this process writes: no new output starts.
static INTERRUPTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// `create_dir_all` for folders inside an output being written; after an interrupt it
/// creates nothing, so a worker thread cannot bring back a folder the interrupt removed.
pub fn make_dir(path: &Path) -> Result<()> {
    if INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst) {
        return Err(Error::output(path, "interrupted"));
    }
    std::fs::create_dir_all(path).map_err(|e| Error::output(path, e))
}

/// After an interrupt: removes every temporary folder (or file) this process is writing, so
/// nothing half-written is left, and returns how many there were. Earlier outputs stay.
/// Worker threads may still be writing while this runs, so the removal is repeated until a
/// pass finds nothing (at most 5 seconds); the lock is kept, so no new output or swap
/// starts before the process ends.
pub fn abandon() -> usize {
    INTERRUPTED.store(true, std::sync::atomic::Ordering::SeqCst);
    let Ok(live) = LIVE.lock() else {
        return 0;
    };
    let remove = |path: &Path| {
        if path.is_dir() {
            let _ = std::fs::remove_dir_all(path);
        } else {
            let _ = std::fs::remove_file(path);
        }
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while std::time::Instant::now() < deadline {
        let left: Vec<&PathBuf> = live
            .iter()
            .map(|(tmp, _)| tmp)
            .filter(|tmp| std::fs::symlink_metadata(tmp).is_ok())
            .collect();
        if left.is_empty() {
            break;
        }
        for tmp in left {
            remove(tmp);
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    let n = live.len();
    std::mem::forget(live);
    n
}

/// Runs `fill` on a temporary sibling of `out`, then renames it into place; on failure the
/// temporary folder is removed and `out` is left as it was. An output checked by
/// [`check_out`] is checked again just before it is replaced.
pub fn write_folder(out: &Path, fill: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    if out.file_name().is_none() {
        return Err(usage(out, "names no folder"));
    }
    let tmp = sibling(out, "tmp", std::process::id());
    // Registered before it exists, so an interrupt never misses it; after an interrupt
    // this blocks (the lock is kept) and nothing new is created.
    set_live(&tmp, out, true);
    if INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst) {
        return Err(usage(out, "interrupted"));
    }
    let parent = parent_of(out);
    if let Err(e) = std::fs::create_dir_all(parent) {
        set_live(&tmp, out, false);
        return Err(Error::output(parent, e));
    }
    let _ = std::fs::remove_dir_all(&tmp);
    if let Err(e) = std::fs::create_dir(&tmp) {
        set_live(&tmp, out, false);
        return Err(Error::output(&tmp, e));
    }
    let result = std::fs::write(tmp.join(MARK), b"")
        .map_err(|e| Error::output(&tmp, e))
        .and_then(|()| fill(&tmp))
        .and_then(|()| {
            std::fs::remove_file(tmp.join(MARK)).map_err(|e| Error::output(&tmp, e))?;
            // Held across the check and the renames, so an interrupt waits for them.
            let _swap = LIVE.lock();
            check_again(out)?;
            replace_dir(&tmp, out)
        });
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    set_live(&tmp, out, false);
    result
}

/// The checks of [`check_out`] once more, on a folder that may have changed during the run.
fn check_again(out: &Path) -> Result<()> {
    let Some(out_abs) = absolute(out) else {
        return Ok(());
    };
    let entry = CHECKED.lock().ok().and_then(|c| c.get(&out_abs).copied());
    match entry {
        Some((kind, force)) => foreign(out, &out_abs, kind, force).map_err(|e| {
            Error::Usage(format!(
                "{e} (it changed while bienche was running; the new output was not written)"
            ))
        }),
        None => Ok(()),
    }
}

/// Moves `tmp` to `out`, replacing an earlier folder only once the new one is whole.
fn replace_dir(tmp: &Path, out: &Path) -> Result<()> {
    if out.exists() {
        let old = sibling(out, "old", std::process::id());
        let _ = std::fs::remove_dir_all(&old);
        std::fs::rename(out, &old).map_err(|e| Error::output(out, e))?;
        if let Err(e) = std::fs::rename(tmp, out) {
            let _ = std::fs::rename(&old, out);
            return Err(Error::output(out, e));
        }
        let _ = std::fs::remove_dir_all(&old);
    } else {
        std::fs::rename(tmp, out).map_err(|e| Error::output(out, e))?;
    }
    Ok(())
}
