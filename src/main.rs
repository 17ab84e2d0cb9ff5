fn main() {
    // Output piped into `head` ends quietly, as other command-line tools do, instead of a
    // panic on the closed pipe (Rust ignores SIGPIPE by default).
    #[cfg(unix)]
    // SAFETY: restoring the default action of one signal before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    // Also sets the console's language (`--lang`, else the locale).
    let args = bienche::cli::parse();
    let code = match bienche::cli::run(args) {
        Ok(()) => 0,
        Err(e) => {
            bienche::i18n::err(format!("error: {e}"));
            e.exit_code()
        }
    };
    std::process::exit(code);
}
