//! Interrupts: on SIGINT (Ctrl-C) or SIGTERM the run stops, every output folder it was
//! writing is removed (no half-written output, no temporary folder left), earlier outputs
//! are kept, and the process exits with 130 or 143 (128 + the signal's number). The solver's
//! threads end with the process.

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

/// Starts the thread that waits for SIGINT and SIGTERM.
pub fn install() {
    let Ok(mut signals) = Signals::new([SIGINT, SIGTERM]) else {
        return; // without the handler, an interrupt ends the process as before
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            let removed = crate::output::folder::abandon();
            let what = if signal == SIGINT {
                "interrupted"
            } else {
                "terminated"
            };
            if removed > 0 {
                crate::errln!(
                    "{what}: the output being written was removed; nothing else was changed"
                );
            } else {
                crate::errln!("{what}");
            }
            std::process::exit(128 + signal);
        }
    });
}
