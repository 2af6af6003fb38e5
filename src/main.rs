//! The `qraudit` binary: parse the arguments, run the library, exit with its status.

fn main() -> std::process::ExitCode {
    let cli = qraudit::app::cli::Cli::parse_with_implied_scan();
    if matches!(cli.command, qraudit::app::cli::Command::Scan(_)) {
        qraudit::app::allocator::keep_large_buffers();
    }
    std::process::ExitCode::from(qraudit::app::run::run(cli).code())
}
