use clap::Parser;

fn main() {
    let args = bienche::cli::Args::parse();
    let code = match bienche::cli::run(args) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            e.exit_code()
        }
    };
    std::process::exit(code);
}
