//! Progress bars for long runs: `{bar} pos/len <what> · <rate>`. indicatif draws them only on
//! a terminal, so logs and tests see nothing.

/// A progress bar over `len` steps.
pub fn bar(len: u64, what: &str, rate: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template(&format!(
            "{{bar:30}} {{pos}}/{{len}} {what} · {rate}"
        ))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}
