//! Threads for parallel solves. HiGHS fixes its thread count at its first call in a process,
//! so each solve is single-threaded and parallelism comes from solving several at once.

use crate::error::{Error, Result};
use crate::machine::cores;

/// A `--threads` value capped at the machine's processors, with the warning to print when
/// it was more.
pub fn capped(flag: &str, requested: usize) -> (usize, Option<String>) {
    let cores = cores();
    if requested > cores {
        let warning = format!(
            "warning: {flag} {requested} is more than the {cores} processors of this machine; using {cores}"
        );
        (cores, Some(warning))
    } else {
        (requested, None)
    }
}

/// A pool of `threads` workers: at least one, and never more than the machine's processors
/// (a setting may ask for more work at once; the results do not depend on the pool's size).
pub fn pool(threads: usize) -> Result<rayon::ThreadPool> {
    let n = threads.clamp(1, cores());
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build()
        .map_err(|e| Error::Solver(format!("starting {n} worker threads failed: {e}")))
}

/// Runs `work` on an OS thread of its own and waits for it. A rayon worker that waits on a
/// nested pool steals other jobs meanwhile, which would nest one scenario's solve inside
/// another's; a plain thread just waits.
pub fn on_own_thread<T: Send>(work: impl FnOnce() -> Result<T> + Send) -> Result<T> {
    std::thread::scope(|s| {
        s.spawn(work)
            .join()
            .unwrap_or_else(|_| Err(Error::Solver("the solve stopped unexpectedly".into())))
    })
}
