//! Resolving command-line arguments and the policy file into the fully specified configuration
//! the library runs on. Every default is decided here, once.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use thiserror::Error;

use crate::analyze::AnalysisOptions;
use crate::audit::Severity;
use crate::cli::{FixArgs, Format, OutputArgs, PolicyArgs, ScanArgs};
use crate::container::ContainerLimits;
use crate::policy::{FailOn, Policy, PolicyError};
use crate::scan::ScanConfig;
use crate::source::WalkOptions;
use crate::suppress::{Baseline, Suppressor};

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("--image-timeout must be a positive number of seconds, not {0}")]
    BadTimeout(f64),
    #[error("{0}")]
    Policy(String),
    #[error("{0}")]
    Baseline(String),
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
    /// Further reports written to files, besides the main one.
    pub extra: Vec<(Format, PathBuf)>,
    /// Where to write the full JSON report for use as a baseline.
    pub write_baseline: Option<PathBuf>,
    pub show_suppressed: bool,
}

pub fn output_config(args: &OutputArgs, policy: &Policy) -> OutputConfig {
    let format = args
        .format
        .unwrap_or_else(|| default_format(args.output.as_deref()));
    let fail_on = match args.fail_on {
        Some(level) => level.threshold(),
        None => match policy.fail_on_or(FailOn::At(Severity::Medium)) {
            FailOn::Never => None,
            FailOn::At(severity) => Some(severity),
        },
    };
    OutputConfig {
        format,
        output: args.output.clone(),
        fail_on,
        summary: !args.quiet,
        progress: !args.quiet && std::io::stderr().is_terminal(),
        extra: [(Format::Json, &args.json), (Format::Sarif, &args.sarif)]
            .into_iter()
            .filter_map(|(format, path)| path.clone().map(|p| (format, p)))
            .collect(),
        write_baseline: args.write_baseline.clone(),
        show_suppressed: args.show_suppressed,
    }
}

/// Table for a person at a terminal; JSON for pipes and files (`.jsonl` files get JSON Lines).
fn default_format(output: Option<&Path>) -> Format {
    match output {
        Some(path) if path.extension().is_some_and(|e| e == "jsonl") => Format::Jsonl,
        Some(path) if path.extension().is_some_and(|e| e == "sarif") => Format::Sarif,
        Some(_) => Format::Json,
        None if std::io::stdout().is_terminal() => Format::Table,
        None => Format::Json,
    }
}

/// The policy from `--policy`, or `./qraudit.toml` when present, with the flags added to it.
pub fn resolve_policy(args: &PolicyArgs) -> Result<Policy, ConfigError> {
    let policy_error = |e: PolicyError| ConfigError::Policy(e.to_string());
    let mut policy = match &args.policy {
        Some(path) => Policy::load(path).map_err(policy_error)?,
        None => Policy::load_default_in(Path::new("."))
            .map_err(policy_error)?
            .unwrap_or_default(),
    };
    policy
        .merge_flags(&args.allow_host, &args.allow_port)
        .map_err(policy_error)?;
    Ok(policy)
}

pub fn analysis_options(policy: Policy, output: &OutputArgs, fix: &FixArgs) -> AnalysisOptions {
    AnalysisOptions {
        policy,
        show_secrets: output.show_secrets,
        fix: fix.fix || fix.fix_dir.is_some(),
        ..AnalysisOptions::default()
    }
}

pub fn scan_config(args: &ScanArgs) -> Result<(ScanConfig, OutputConfig), ConfigError> {
    if !(args.image_timeout.is_finite() && args.image_timeout > 0.0) {
        return Err(ConfigError::BadTimeout(args.image_timeout));
    }
    let policy = resolve_policy(&args.policy)?;
    let mut output = output_config(&args.output, &policy);
    // A shard's report is an intermediate for `qraudit merge`: it keeps the findings it
    // suppressed (marked), so that the merge can tell which ignore entries some shard used and
    // count suppressed findings as a single run does.
    if args.shard.is_some() {
        output.show_suppressed = true;
    }
    let baseline = match &args.baseline {
        Some(path) => Some(Baseline::load(path).map_err(ConfigError::Baseline)?),
        None => None,
    };
    let suppress = Suppressor::new(&policy, baseline);
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
        containers: ContainerLimits {
            max_depth: args.max_depth,
            max_parts: args.max_parts,
            max_bytes: args.max_container_bytes,
            max_page_pixels: args.max_page_pixels,
        },
        timings: args.timings,
        shard: args.shard,
        suppress,
        analysis: analysis_options(policy, &args.output, &args.fix),
        ..ScanConfig::default()
    };
    config.analysis.quality.min_module_px = args.min_module_px;
    Ok((config, output))
}
