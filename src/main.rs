fn main() {
    // Output piped into `head` ends quietly, as other command-line tools do, instead of a
    // panic on the closed pipe (Rust ignores SIGPIPE by default).
    #[cfg(unix)]
    // SAFETY: restoring the default action of one signal before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let args = bienche::cli::parse();
    bienche::i18n::set_console(&bienche::i18n::console_language(args.lang.as_deref()));
    let code = match bienche::cli::run(args) {
        Ok(()) => 0,
        Err(e) => {
            bienche::i18n::err(format!("error: {e}"));
            e.exit_code()
        }
    };
    std::process::exit(code);
}
