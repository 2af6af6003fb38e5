//! The `qraudit` binary: parse the arguments, run the library, exit with its status.

fn main() -> std::process::ExitCode {
    let cli = qraudit::app::cli::Cli::parse_with_implied_scan();
    std::process::ExitCode::from(qraudit::app::run::run(cli).code())
}
