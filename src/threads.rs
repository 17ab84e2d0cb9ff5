//! Threads for parallel solves. HiGHS fixes its thread count at its first call in a process,
//! so each solve is single-threaded and parallelism comes from solving several at once.

use crate::error::{Error, Result};

/// A pool of `threads` workers (at least one).
pub fn pool(threads: usize) -> Result<rayon::ThreadPool> {
    let n = threads.max(1);
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
