//! Output folders, written so that a user's files are never lost and a failed or
//! interrupted run leaves nothing half-written.
//!
//! **Before the work** ([`check_out`]): `--out` must not be an existing file, must not be or
//! hold any input the command reads, and, when it is a folder that holds anything, it must
//! be an earlier output of the same command (recognised by its own files, see [`Kind`]) or
//! `--force` must be given. Its parent must be writable. Temporary folders left by earlier
//! runs that were killed (`.NAME.tmp-PID` and `.NAME.old-PID` whose process is gone) are
//! removed; a moved-aside earlier output whose replacement never arrived is put back.
//!
//! **The work** ([`write_folder`]): files go into a temporary sibling `.NAME.tmp-PID`. Only
//! when every file is complete is an earlier output moved aside to `.NAME.old-PID`, the new
//! folder renamed into place, and the old one removed. While a temporary folder exists it is
//! registered ([`live`]), so that an interrupt can remove it.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The kinds of output folder, each recognised by files only it writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `bienche plan` of one scenario: `summary.json`, `manifest.json` with `scenario_dir`.
    Plan,
    /// `bienche plan` of a national folder: `national.csv`.
    National,
    /// `bienche forecast --out`: a manifest whose command is `forecast`.
    Forecast,
    /// `bienche compare`: `comparison.csv`.
    Comparison,
    /// `bienche sweep`: `sweep.csv`.
    Sweep,
    /// `bienche simulate`'s `simulation/`: `probabilities.csv` and `fan.csv`.
    Simulation,
    /// `bienche plot`'s `plots/LANG/`: only charts.
    Charts,
}

impl Kind {
    /// The command that writes it, for messages.
    pub fn command(self) -> &'static str {
        match self {
            Kind::Plan | Kind::National => "bienche plan",
            Kind::Forecast => "bienche forecast",
            Kind::Comparison => "bienche compare",
            Kind::Sweep => "bienche sweep",
            Kind::Simulation => "bienche simulate",
            Kind::Charts => "bienche plot",
        }
    }

    /// Whether `dir` is an output of this kind.
    pub fn recognises(self, dir: &Path) -> bool {
        let has = |name: &str| dir.join(name).is_file();
        match self {
            Kind::Plan => {
                has("summary.json") && super::read::manifest(dir).is_ok() && has("trajectory.csv")
            }
            Kind::National => has("national.csv") && has("manifest.json"),
            Kind::Forecast => {
                super::read::json::<super::contract::ForecastManifest>(&dir.join("manifest.json"))
                    .is_ok_and(|m| m.command == "forecast")
            }
            Kind::Comparison => has("comparison.csv"),
            Kind::Sweep => has("sweep.csv"),
            Kind::Simulation => has("probabilities.csv") && has("fan.csv"),
            Kind::Charts => std::fs::read_dir(dir).is_ok_and(|entries| {
                entries.flatten().all(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    name.ends_with(".png") || name.ends_with(".svg")
                })
            }),
        }
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

/// The absolute, normalised form of a path that may not exist yet: its nearest existing
/// ancestor resolved, the rest appended.
fn absolute(path: &Path) -> PathBuf {
    let mut rest = Vec::new();
    let mut at = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .unwrap_or_else(|_| PathBuf::from("."))
            .join(path)
    };
    loop {
        if let Ok(real) = at.canonicalize() {
            let mut p = real;
            for part in rest.iter().rev() {
                p.push(part);
            }
            return p;
        }
        match (at.file_name().map(|n| n.to_os_string()), at.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                at = parent.to_path_buf();
            }
            _ => return path.to_path_buf(),
        }
    }
}

/// Refuses an output path that would destroy something, and clears what killed runs left.
pub fn check_out(o: &Out) -> Result<()> {
    let out = o.path;
    if out.file_name().is_none() {
        return Err(usage(out, "names no folder"));
    }
    let out_abs = absolute(out);
    for input in o.inputs {
        let input_abs = absolute(input);
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
    if out.is_file() {
        return Err(usage(
            out,
            "it is a file, not a folder; choose a folder name (it is created)",
        ));
    }
    clear_leftovers(out);
    let occupied = std::fs::read_dir(out).is_ok_and(|mut e| e.next().is_some());
    if occupied && !o.force && !o.kind.recognises(out) {
        return Err(usage(
            out,
            format!(
                "the folder holds files that are not an earlier `{}` output; choose an empty or new folder, or pass --force to replace it",
                o.kind.command()
            ),
        ));
    }
    let parent = parent_of(out);
    std::fs::create_dir_all(parent).map_err(|e| Error::output(parent, e))?;
    let probe = parent.join(format!(".bienche-probe-{}", std::process::id()));
    std::fs::write(&probe, b"")
        .map_err(|e| usage(out, format!("cannot write into {}: {e}", parent.display())))?;
    let _ = std::fs::remove_file(&probe);
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

/// Removes the temporary folders of runs into `out` that were killed, and puts back an
/// earlier output that such a run had moved aside.
fn clear_leftovers(out: &Path) {
    let Some(name) = out.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(parent_of(out)) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        for what in ["tmp", "old"] {
            let prefix = format!(".{name}.{what}-");
            let Some(pid) = file
                .strip_prefix(&prefix)
                .and_then(|p| p.parse::<u32>().ok())
            else {
                continue;
            };
            if pid == std::process::id() || running(pid) {
                continue;
            }
            if what == "old" && !out.exists() {
                let _ = std::fs::rename(entry.path(), out);
            } else {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// Output folders being written by this process, as (temporary folder, output), for the
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

/// After an interrupt: removes every temporary folder this process is writing, so nothing
/// half-written is left, and returns how many there were. Earlier outputs stay as they were.
pub fn abandon() -> usize {
    let Ok(live) = LIVE.lock() else {
        return 0;
    };
    for (tmp, _) in live.iter() {
        let _ = std::fs::remove_dir_all(tmp);
    }
    // The lock is kept: no swap may start while the process ends.
    let n = live.len();
    std::mem::forget(live);
    n
}

/// Runs `fill` on a temporary sibling of `out`, then renames it into place; on failure the
/// temporary folder is removed and `out` is left as it was.
pub fn write_folder(out: &Path, fill: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let parent = parent_of(out);
    std::fs::create_dir_all(parent).map_err(|e| Error::output(parent, e))?;
    if out.file_name().is_none() {
        return Err(usage(out, "names no folder"));
    }
    let tmp = sibling(out, "tmp", std::process::id());
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir(&tmp).map_err(|e| Error::output(&tmp, e))?;
    set_live(&tmp, out, true);
    let filled = fill(&tmp);
    let result = filled.and_then(|()| {
        // Held across the renames, so an interrupt waits for them.
        let _swap = LIVE.lock();
        replace_dir(&tmp, out)
    });
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    set_live(&tmp, out, false);
    result
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
