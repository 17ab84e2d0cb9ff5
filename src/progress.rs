//! Progress for long runs. On a terminal, a bar: `{bar} pos/len <what> · <rate>`. Anywhere
//! else (a log, a pipe, a test), a line every few seconds with what is done and about how
//! long is left, so a long run never looks hung.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Seconds between progress lines when not on a terminal.
const EVERY: Duration = Duration::from_secs(5);

/// A progress bar over `len` steps, drawn only on a terminal.
pub fn bar(len: u64, what: &str, rate: &str) -> indicatif::ProgressBar {
    let (what, rate) = (crate::i18n::tr(what), crate::i18n::tr(rate));
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template(&format!(
            "{{bar:30}} {{pos}}/{{len}} {what} · {rate}"
        ))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

/// Progress of a long run: the bar on a terminal, lines elsewhere; stops with [`Progress::done`]
/// or when dropped.
pub struct Progress {
    pub bar: indicatif::ProgressBar,
    stop: Arc<AtomicBool>,
    lines: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    pub fn new(len: u64, what: &str, rate: &str) -> Progress {
        let bar = bar(len, what, rate);
        let stop = Arc::new(AtomicBool::new(false));
        let lines = (!std::io::stderr().is_terminal()).then(|| {
            bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
            let (bar, stop, what) = (bar.clone(), stop.clone(), what.to_string());
            std::thread::spawn(move || report_lines(&bar, &stop, &what))
        });
        Progress { bar, stop, lines }
    }

    /// Stops the lines and clears the bar.
    pub fn done(mut self) {
        self.finish();
    }

    fn finish(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.lines.take() {
            let _ = t.join();
        }
        self.bar.finish_and_clear();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

fn report_lines(bar: &indicatif::ProgressBar, stop: &AtomicBool, what: &str) {
    let started = Instant::now();
    let mut next = started + EVERY;
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(100));
        if Instant::now() < next {
            continue;
        }
        next += EVERY;
        let (done, len) = (bar.position(), bar.length().unwrap_or(0));
        let elapsed = started.elapsed().as_secs_f64();
        let left = if done > 0 && len >= done {
            format!(
                ", about {} left",
                duration(elapsed / done as f64 * (len - done) as f64)
            )
        } else {
            String::new()
        };
        crate::errln!("{done} of {len} {what}, {} so far{left}", duration(elapsed));
    }
}

/// `45 s`, `12 min`, `3 h 20 min`, `4 days`.
pub fn duration(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    match s {
        0..=119 => format!("{s} s"),
        120..=7199 => format!("{} min", s / 60),
        7200..=172_799 => format!("{} h {} min", s / 3600, s / 60 % 60),
        _ => format!("{} days", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations_read_like_a_person_says_them() {
        assert_eq!(super::duration(44.6), "45 s");
        assert_eq!(super::duration(725.0), "12 min");
        assert_eq!(super::duration(12_000.0), "3 h 20 min");
        assert_eq!(super::duration(400_000.0), "4 days");
    }
}
