//! The `qraudit` binary: parse the arguments, run the library, exit with its status.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = qraudit::cli::Cli::parse();
    std::process::ExitCode::from(qraudit::run::run(cli).code())
}
