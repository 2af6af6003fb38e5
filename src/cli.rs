//! Command-line arguments, as clap structs. Nothing here does work: `config` resolves these
//! (with the policy file) into the `ScanConfig` the library sees.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "qraudit",
    version,
    about = "Find, decode and audit QR codes (HCL Sametime provisioning URLs above all)",
    long_about = "Find every QR code in images, decode it, and audit what it carries (above all HCL \
                  Sametime mobile provisioning URLs) against a security policy.\n\n\
                  Exit codes: 0 = nothing at or above --fail-on; 1 = findings at or above it; \
                  2 = an input could not be read, or a usage error (2 outranks 1)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find, decode and audit every QR code in files, folders or stdin.
    Scan(ScanArgs),
    /// Audit provisioning URLs (or any code text) given as arguments, or one per line on stdin with `-`.
    Check(CheckArgs),
    /// List every audit rule.
    Rules,
    /// Explain one audit rule.
    Explain {
        /// The rule id, e.g. embedded-password.
        rule: String,
    },
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files, folders (walked recursively) or `-` for one image on stdin.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Follow symbolic links while walking folders.
    #[arg(long)]
    pub follow_symlinks: bool,
    /// Skip paths matching this glob (matched on the path and on the file name); repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Worker threads (default: one per core).
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Time budget for loading and decoding one image, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub image_timeout: f64,
    /// Refuse images with more pixels than this (decompression bombs).
    #[arg(long, value_name = "N", default_value_t = 100_000_000)]
    pub max_pixels: u64,
    /// Refuse files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 256 << 20)]
    pub max_file_size: u64,
    /// Add load and decode times per input to JSON/JSONL reports.
    #[arg(long)]
    pub timings: bool,
    /// Report `small-modules` for codes whose modules are narrower than this many pixels.
    #[arg(long, value_name = "PIXELS", default_value_t = 4.0)]
    pub min_module_px: f32,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub policy: PolicyArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Texts to audit; `-` reads one per line from stdin.
    #[arg(required = true, value_name = "TEXT")]
    pub texts: Vec<String>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub policy: PolicyArgs,
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Report format (default: table on a terminal, json otherwise or with --output).
    #[arg(short, long, value_enum)]
    pub format: Option<Format>,
    /// Write the report to this file instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when a finding is at or above this severity [default: medium, or the policy file's fail_on].
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,
    /// Show passwords, Wi-Fi keys and OTP seeds instead of masking them.
    #[arg(long)]
    pub show_secrets: bool,
    /// No progress bar and no summary line on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct PolicyArgs {
    /// Policy file (TOML); ./qraudit.toml is read when present and this is not given.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Allowed host: exact name or `*.example.com`; repeatable. Hosts are checked only when set.
    #[arg(long, value_name = "PATTERN")]
    pub allow_host: Vec<String>,
    /// Allowed port; repeatable.
    #[arg(long, value_name = "N")]
    pub allow_port: Vec<u16>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Jsonl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Info,
    Low,
    Medium,
    High,
    Critical,
    Never,
}

impl FailOn {
    pub fn threshold(self) -> Option<crate::audit::Severity> {
        use crate::audit::Severity;
        match self {
            FailOn::Info => Some(Severity::Info),
            FailOn::Low => Some(Severity::Low),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::High => Some(Severity::High),
            FailOn::Critical => Some(Severity::Critical),
            FailOn::Never => None,
        }
    }
}
