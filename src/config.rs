//! Resolving command-line arguments and the policy file into the fully specified configuration
//! the library runs on. Every default is decided here, once.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use thiserror::Error;

use crate::analyze::AnalysisOptions;
use crate::audit::Severity;
use crate::cli::{Format, OutputArgs, PolicyArgs, ScanArgs};
use crate::policy::Policy;
use crate::scan::ScanConfig;
use crate::source::WalkOptions;

/// The policy file read when `--policy` is not given and it exists in the current folder.
pub const DEFAULT_POLICY_FILE: &str = "qraudit.toml";

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("--image-timeout must be a positive number of seconds, not {0}")]
    BadTimeout(f64),
    #[error("{0}")]
    Policy(String),
}

/// How and where the report is written.
#[derive(Debug, Clone)]
pub struct OutputConfig {
    pub format: Format,
    pub output: Option<PathBuf>,
    /// `None`: findings never fail the run.
    pub fail_on: Option<Severity>,
    /// Summary line on stderr.
    pub summary: bool,
    /// Progress bar on stderr.
    pub progress: bool,
}

pub fn output_config(args: &OutputArgs, policy: &Policy) -> OutputConfig {
    let format = args
        .format
        .unwrap_or_else(|| default_format(args.output.as_deref()));
    let fail_on = match args.fail_on {
        Some(level) => level.threshold(),
        None => policy.fail_on.or(Some(Severity::Medium)),
    };
    OutputConfig {
        format,
        output: args.output.clone(),
        fail_on,
        summary: !args.quiet,
        progress: !args.quiet && std::io::stderr().is_terminal(),
    }
}

/// Table for a person at a terminal; JSON for pipes and files (`.jsonl` files get JSON Lines).
fn default_format(output: Option<&Path>) -> Format {
    match output {
        Some(path) if path.extension().is_some_and(|e| e == "jsonl") => Format::Jsonl,
        Some(_) => Format::Json,
        None if std::io::stdout().is_terminal() => Format::Table,
        None => Format::Json,
    }
}

/// The policy from `--policy`, or `./qraudit.toml` when present, with the flags added to it.
pub fn resolve_policy(args: &PolicyArgs) -> Result<Policy, ConfigError> {
    let mut policy = match &args.policy {
        Some(path) => Policy::load(path).map_err(|e| ConfigError::Policy(e.to_string()))?,
        None if Path::new(DEFAULT_POLICY_FILE).is_file() => {
            Policy::load(Path::new(DEFAULT_POLICY_FILE))
                .map_err(|e| ConfigError::Policy(e.to_string()))?
        }
        None => Policy::default(),
    };
    policy.allowed_hosts.extend(args.allow_host.iter().cloned());
    policy.allowed_ports.extend(args.allow_port.iter().copied());
    Ok(policy)
}

pub fn analysis_options(policy: Policy, output: &OutputArgs) -> AnalysisOptions {
    AnalysisOptions {
        policy,
        show_secrets: output.show_secrets,
        ..AnalysisOptions::default()
    }
}

pub fn scan_config(args: &ScanArgs) -> Result<(ScanConfig, OutputConfig), ConfigError> {
    if !(args.image_timeout.is_finite() && args.image_timeout > 0.0) {
        return Err(ConfigError::BadTimeout(args.image_timeout));
    }
    let policy = resolve_policy(&args.policy)?;
    let output = output_config(&args.output, &policy);
    let mut config = ScanConfig {
        paths: args.paths.clone(),
        walk: WalkOptions {
            follow_symlinks: args.follow_symlinks,
            exclude: args.exclude.clone(),
        },
        jobs: args.jobs.unwrap_or(0),
        image_timeout: Duration::from_secs_f64(args.image_timeout),
        max_pixels: args.max_pixels,
        max_file_size: args.max_file_size,
        timings: args.timings,
        analysis: analysis_options(policy, &args.output),
        ..ScanConfig::default()
    };
    config.analysis.quality.min_module_px = args.min_module_px;
    Ok((config, output))
}
