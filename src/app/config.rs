//! Resolving command-line arguments and the policy file into the fully specified configuration
//! the library runs on. Every default is decided here, once.
//!
//! Policy discovery works like git's own configuration: without `--policy`, qraudit looks for
//! `qraudit.toml` in the current folder, then in each parent folder up to the root of the git
//! repository it is in (the first folder holding `.git`), and uses the first one found. Outside
//! a repository only the current folder is looked at, so that a stray file high up in the file
//! system never applies unnoticed. `--no-policy` turns discovery off. Whichever applies is
//! recorded in every report (`AppliedPolicy`).
//!
//! Fingerprints (see `finish::fingerprint`) take each input's path relative to one folder, so
//! that every way of naming a file gives the same fingerprint: `--fingerprint-root`, else the
//! top level of the git repository the working folder is in (what a CI job and a pre-commit
//! hook share), else the folder of the policy file, else the working folder.
//!
//! Output: the table is the default format whether or not stdout is a terminal (a report saved
//! with `> ticket.txt` reads like the one on screen); `--format`, or the extension of the
//! `--output` file (`.json`, `.jsonl`, `.sarif`; `.txt` or none for the table; any other is
//! an error), picks the others. The table is as wide as the
//! terminal, or `COLUMNS` when stdout is a pipe or file, or 80; it is coloured only on a
//! terminal, and never when `NO_COLOR` is set (<https://no-color.org>) unless `--color always`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use thiserror::Error;

use crate::app::cli::{ColorChoice, FixArgs, Format, OutputArgs, PolicyArgs, ScanArgs};
use crate::audit::Severity;
use crate::audit::policy::{DEFAULT_FILE, FailOn, Policy, PolicyError};
use crate::container::ContainerLimits;
use crate::finish::suppress::{Baseline, BaselineError, Suppressor};
use crate::report::model::AppliedPolicy;
use crate::scan::ScanConfig;
use crate::scan::analyze::AnalysisOptions;
use crate::source::WalkOptions;

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("--image-timeout and --input-timeout must be positive numbers of seconds, not {0}")]
    BadTimeout(f64),
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error(transparent)]
    Baseline(#[from] BaselineError),
    #[error(transparent)]
    Cache(#[from] crate::scan::cache::CacheError),
    #[error(
        "cannot tell the report format of {path} from its extension .{extension} (known: .json, .jsonl, .ndjson, .sarif, .txt): give --format table, json, jsonl, sarif or raw"
    )]
    UnknownOutputExtension { path: String, extension: String },
}

/// How and where the report is written.
#[derive(Debug, Clone)]
pub struct OutputConfig {
    pub format: Format,
    pub output: Option<PathBuf>,
    /// `None`: findings never fail the run.
    pub fail_on: FailOn,
    /// Summary line on stderr.
    pub summary: bool,
    /// Progress bar on stderr.
    pub progress: bool,
    /// Further reports written to files, besides the main one.
    pub extra: Vec<(Format, PathBuf)>,
    /// Where to write the full JSON report for use as a baseline.
    pub write_baseline: Option<PathBuf>,
    pub show_suppressed: bool,
    /// The policy as the report records it.
    pub applied_policy: AppliedPolicy,
    /// Colour in the table.
    pub colour: bool,
    /// Columns the table may use.
    pub width: usize,
    /// Which findings are listed, in which order (`--min-severity`, `--sort`).
    pub view: crate::report::view::View,
    /// `--fail-on-no-code`: exit 3 when no code was found.
    pub fail_on_no_code: bool,
    /// The fingerprint root, absolute, for SARIF's `originalUriBaseIds` (a scan sets it).
    pub sarif_root: Option<PathBuf>,
}

/// A policy and where it came from.
#[derive(Debug, Clone)]
pub struct ResolvedPolicy {
    pub policy: Policy,
    pub origin: PolicyOrigin,
}

/// Where the policy of a run came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyOrigin {
    /// `--policy FILE`.
    Flag { path: String, sha256: String },
    /// A `qraudit.toml` found by walking up; `path` is relative to the working folder.
    Discovered { path: String, sha256: String },
    /// The file `QRAUDIT_POLICY` names (no project file was found).
    Environment { path: String, sha256: String },
    /// The user's own `$XDG_CONFIG_HOME/qraudit/qraudit.toml` (`~/.config/…`), the last place
    /// looked: a helpdesk running from any folder gets the company allow-list.
    User { path: String, sha256: String },
    /// No file given and none found.
    None,
    /// `--no-policy`.
    Disabled,
}

pub fn output_config(
    args: &OutputArgs,
    resolved: &ResolvedPolicy,
) -> Result<OutputConfig, ConfigError> {
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let format = match args.format {
        Some(format) => format,
        None => default_format(args.output.as_deref())?,
    };
    let fail_on = args
        .fail_on
        .unwrap_or_else(|| resolved.policy.fail_on_or(FailOn::At(Severity::Medium)));
    Ok(OutputConfig {
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
        applied_policy: applied_policy(resolved, fail_on),
        colour: use_colour(args.color, to_terminal, no_color_set()),
        width: report_width(to_terminal, std::env::var("COLUMNS").ok().as_deref()),
        view: crate::report::view::View {
            min_severity: args.min_severity,
            sort: args.sort,
        },
        fail_on_no_code: args.fail_on_no_code,
        sarif_root: None,
    })
}

/// The table, unless the output file's extension names a machine format.
/// The format `-o FILE` asks for by its extension: none (`-o report`, `/dev/null`) or `.txt`
/// is the table. An extension qraudit does not know is an error, never a guess: `-o
/// findings.xlsx` must not quietly hold a table or JSON under a name that promises a spreadsheet.
fn default_format(output: Option<&Path>) -> Result<Format, ConfigError> {
    let Some(path) = output else {
        return Ok(Format::Table);
    };
    let Some(extension) = path.extension() else {
        return Ok(Format::Table);
    };
    match extension.to_string_lossy().to_ascii_lowercase().as_str() {
        "json" => Ok(Format::Json),
        "jsonl" | "ndjson" => Ok(Format::Jsonl),
        "sarif" => Ok(Format::Sarif),
        "csv" => Ok(Format::Csv),
        "txt" => Ok(Format::Table),
        _ => Err(ConfigError::UnknownOutputExtension {
            path: path.display().to_string(),
            extension: extension.to_string_lossy().into_owned(),
        }),
    }
}

/// `NO_COLOR` set to anything but the empty string (the convention's wording).
fn no_color_set() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

fn use_colour(choice: ColorChoice, to_terminal: bool, no_color: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            to_terminal && !no_color && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    }
}

/// The narrowest and widest tables drawn: narrower, nothing fits; wider, lines stop being read.
const MIN_WIDTH: usize = 40;
const MAX_WIDTH: usize = 400;
/// Without a terminal or `COLUMNS`.
const DEFAULT_WIDTH: usize = 80;

/// The terminal's width on a terminal; otherwise `COLUMNS`, or 80.
fn report_width(to_terminal: bool, columns: Option<&str>) -> usize {
    let terminal = to_terminal
        .then(|| console::Term::stdout().size_checked())
        .flatten()
        .map(|(_, cols)| usize::from(cols));
    let from_env = columns.and_then(|c| c.trim().parse::<usize>().ok());
    terminal
        .or(from_env)
        .filter(|&w| w > 0)
        .unwrap_or(DEFAULT_WIDTH)
        .clamp(MIN_WIDTH, MAX_WIDTH)
}

fn applied_policy(resolved: &ResolvedPolicy, fail_on: FailOn) -> AppliedPolicy {
    let (source, path, sha256) = match &resolved.origin {
        PolicyOrigin::Flag { path, sha256 } => ("file", Some(path.clone()), Some(sha256.clone())),
        PolicyOrigin::Discovered { path, sha256 } => {
            ("discovered", Some(path.clone()), Some(sha256.clone()))
        }
        PolicyOrigin::Environment { path, sha256 } => {
            ("environment", Some(path.clone()), Some(sha256.clone()))
        }
        PolicyOrigin::User { path, sha256 } => ("user", Some(path.clone()), Some(sha256.clone())),
        PolicyOrigin::None => ("none", None, None),
        PolicyOrigin::Disabled => ("disabled", None, None),
    };
    AppliedPolicy {
        source: source.to_string(),
        path,
        sha256,
        fail_on: fail_on.to_string(),
        allowed_hosts: resolved.policy.allowed_hosts.len(),
        allowed_ports: resolved.policy.allowed_ports.len(),
    }
}

/// The policy from `--policy`, or the one discovery finds (see the module comment), with the
/// flags added to it.
pub fn resolve_policy(args: &PolicyArgs) -> Result<ResolvedPolicy, ConfigError> {
    let (mut policy, origin) = match (&args.policy, args.no_policy) {
        (Some(path), _) => {
            let (policy, sha256) = load_policy_file(path)?;
            let path = path.display().to_string();
            (policy, PolicyOrigin::Flag { path, sha256 })
        }
        (None, true) => (Policy::default(), PolicyOrigin::Disabled),
        (None, false) => match std::env::current_dir().ok().and_then(|d| discover(&d)) {
            Some((file, path)) => {
                let (policy, sha256) = load_policy_file(&file)?;
                (policy, PolicyOrigin::Discovered { path, sha256 })
            }
            None => beyond_the_project()?,
        },
    };
    policy.merge_flags(&args.allow_host, &args.allow_port)?;
    Ok(ResolvedPolicy { policy, origin })
}

/// Reads and parses a policy file; also returns the SHA-256 of its bytes.
fn load_policy_file(path: &Path) -> Result<(Policy, String), PolicyError> {
    let io_error = |source| PolicyError::Io {
        path: path.to_path_buf(),
        source,
    };
    let bytes = std::fs::read(path).map_err(io_error)?;
    let text = String::from_utf8(bytes.clone()).map_err(|e| {
        io_error(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not UTF-8: {e}"),
        ))
    })?;
    let policy = Policy::from_toml_str(&text, path)?;
    Ok((policy, crate::finish::fingerprint::sha256_hex(&bytes)))
}

/// The folder fingerprints are relative to (see the module comment); `None`: the working folder.
/// The folder SARIF's `%SRCROOT%` names: the fingerprint root, else the working folder (where
/// the walk roots fingerprints without one), canonical.
fn sarif_root(fingerprint_root: Option<PathBuf>) -> Option<PathBuf> {
    fingerprint_root
        .or_else(|| std::env::current_dir().ok())
        .map(|r| std::fs::canonicalize(&r).unwrap_or(r))
}

/// `sarif_root` for `merge`, which runs where the shards ran (a CI job's checkout) and so finds
/// the same root they did without a `--fingerprint-root` of its own.
pub fn merge_sarif_root(resolved: &ResolvedPolicy) -> Option<PathBuf> {
    sarif_root(fingerprint_root(None, &resolved.origin))
}

fn fingerprint_root(flag: Option<&Path>, policy: &PolicyOrigin) -> Option<PathBuf> {
    if let Some(root) = flag {
        return Some(root.to_path_buf());
    }
    let cwd = std::env::current_dir().ok();
    if let Some(top) = cwd
        .as_deref()
        .and_then(|cwd| cwd.ancestors().find(|dir| dir.join(".git").exists()))
    {
        return Some(top.to_path_buf());
    }
    match policy {
        PolicyOrigin::Flag { path, .. } | PolicyOrigin::Discovered { path, .. } => Path::new(path)
            .parent()
            .map(|folder| cwd.unwrap_or_default().join(folder)),
        // A policy from outside the project (QRAUDIT_POLICY, the user's config) says nothing
        // about where the project is.
        PolicyOrigin::Environment { .. }
        | PolicyOrigin::User { .. }
        | PolicyOrigin::None
        | PolicyOrigin::Disabled => None,
    }
}

/// The first `qraudit.toml` from `start` up to the repository root (only `start` itself outside
/// a repository): the file, and its path relative to `start` for reports.
/// Where a policy is looked for once no project file was found: the file `QRAUDIT_POLICY`
/// names (which must exist: a variable set to a missing file is an error, not a silent
/// fallback), then the user's `$XDG_CONFIG_HOME/qraudit/qraudit.toml` (`$HOME/.config/…` when
/// the variable is unset or empty), as ripgrep reads `RIPGREP_CONFIG_PATH` and git its user
/// config after the repository's.
fn beyond_the_project() -> Result<(Policy, PolicyOrigin), ConfigError> {
    if let Some(file) = std::env::var_os("QRAUDIT_POLICY").filter(|v| !v.is_empty()) {
        let file = PathBuf::from(file);
        let (policy, sha256) = load_policy_file(&file)?;
        let path = file.display().to_string();
        return Ok((policy, PolicyOrigin::Environment { path, sha256 }));
    }
    let config_home = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")));
    if let Some(file) = config_home.map(|d| d.join("qraudit").join(DEFAULT_FILE))
        && file.is_file()
    {
        let (policy, sha256) = load_policy_file(&file)?;
        let path = file.display().to_string();
        return Ok((policy, PolicyOrigin::User { path, sha256 }));
    }
    Ok((Policy::default(), PolicyOrigin::None))
}

pub fn discover(start: &Path) -> Option<(PathBuf, String)> {
    let in_repository = start.ancestors().any(|d| d.join(".git").exists());
    for (depth, dir) in start.ancestors().enumerate() {
        let candidate = dir.join(DEFAULT_FILE);
        if candidate.is_file() {
            return Some((candidate, format!("{}{DEFAULT_FILE}", "../".repeat(depth))));
        }
        if !in_repository || dir.join(".git").exists() {
            return None;
        }
    }
    None
}

pub fn analysis_options(policy: Policy, output: &OutputArgs, fix: &FixArgs) -> AnalysisOptions {
    AnalysisOptions {
        policy,
        show_secrets: output.show_secrets,
        fix: fix.fix || fix.fix_dir.is_some(),
        ..AnalysisOptions::default()
    }
}

/// What `qraudit serve` runs with: the policy resolved as for `scan` (file, discovery,
/// environment, user config, flags), the same limits, safe rewrites on (the page offers them).
#[cfg(feature = "serve")]
pub fn serve_config(
    args: &crate::app::cli::ServeArgs,
) -> Result<crate::serve::ServeConfig, ConfigError> {
    if !(args.image_timeout.is_finite() && args.image_timeout > 0.0) {
        return Err(ConfigError::BadTimeout(args.image_timeout));
    }
    let resolved = resolve_policy(&args.policy)?;
    let fail_on = resolved.policy.fail_on_or(FailOn::At(Severity::Medium));
    let applied_policy = applied_policy(&resolved, fail_on);
    let suppress = Suppressor::new(&resolved.policy, None);
    let workers = args.jobs.filter(|n| *n > 0).unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
    });
    let scan = ScanConfig {
        jobs: 1,
        image_timeout: Duration::from_secs_f64(args.image_timeout),
        // An upload with several images inside (a PDF, a mail) gets a few images' worth of
        // time, not `scan`'s five minutes: a helpdesk request is waited on by a person.
        input_timeout: Duration::from_secs_f64(args.image_timeout * 6.0),
        max_pixels: args.max_pixels,
        max_file_size: args.max_upload_bytes as u64,
        containers: ContainerLimits {
            max_depth: args.max_depth,
            max_parts: args.max_parts,
            max_bytes: args.max_container_bytes,
            max_page_pixels: args.max_page_pixels,
        },
        analysis: AnalysisOptions {
            policy: resolved.policy,
            show_secrets: args.show_secrets,
            fix: true,
            ..AnalysisOptions::default()
        },
        suppress,
        ..ScanConfig::default()
    };
    Ok(crate::serve::ServeConfig {
        listen: args.listen,
        scan,
        applied_policy,
        max_upload_bytes: args.max_upload_bytes,
        max_files: args.max_files,
        workers,
        queue: args.queue,
        token: args.token.clone().filter(|t| !t.is_empty()),
        log_json: args.log_format == crate::app::cli::LogFormat::Json,
    })
}

pub fn scan_config(args: &ScanArgs) -> Result<(ScanConfig, OutputConfig), ConfigError> {
    for timeout in [args.image_timeout, args.input_timeout] {
        if !(timeout.is_finite() && timeout > 0.0) {
            return Err(ConfigError::BadTimeout(timeout));
        }
    }
    let resolved = resolve_policy(&args.policy)?;
    let mut output = output_config(&args.output, &resolved)?;
    // A shard's report is an intermediate for `qraudit merge`: it keeps the findings it
    // suppressed (marked), so that the merge can tell which ignore entries some shard used and
    // count suppressed findings as a single run does.
    if args.shard.is_some() {
        output.show_suppressed = true;
    }
    let root = fingerprint_root(args.fingerprint_root.as_deref(), &resolved.origin);
    output.sarif_root = sarif_root(root.clone());
    let policy = resolved.policy;
    let baseline = match &args.baseline {
        Some(path) => Some(Baseline::load(path)?),
        None => None,
    };
    let suppress = Suppressor::new(&policy, baseline);
    let mut config = ScanConfig {
        paths: args.paths.clone(),
        walk: WalkOptions {
            follow_symlinks: args.follow_symlinks,
            exclude: args.exclude.clone(),
            fingerprint_root: root,
        },
        jobs: args.jobs.unwrap_or(0),
        image_timeout: Duration::from_secs_f64(args.image_timeout),
        input_timeout: Duration::from_secs_f64(args.input_timeout),
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
    let cache_dir = args
        .cache
        .clone()
        .or_else(|| config.analysis.policy.cache.clone());
    if let Some(dir) = cache_dir {
        config.cache = Some(std::sync::Arc::new(crate::scan::cache::DecodeCache::open(
            &dir,
            &config.decode,
            config.max_pixels,
        )?));
    }
    config.analysis.quality.min_module_px = args.min_module_px;
    config.analysis.quality.photographs = args.quality || config.analysis.policy.quality;
    Ok((config, output))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_the_default_and_extensions_pick_machine_formats() {
        let format = |path: Option<&str>| default_format(path.map(Path::new)).ok();
        assert_eq!(format(None), Some(Format::Table));
        assert_eq!(format(Some("ticket.txt")), Some(Format::Table));
        assert_eq!(format(Some("r.JSON")), Some(Format::Json));
        assert_eq!(format(Some("r.jsonl")), Some(Format::Jsonl));
        assert_eq!(format(Some("r.sarif")), Some(Format::Sarif));
        assert_eq!(format(Some("/dev/null")), Some(Format::Table));
        assert_eq!(format(Some("report")), Some(Format::Table));
        // Never a guess under a name that promises another format.
        assert_eq!(format(Some("findings.CSV")), Some(Format::Csv));
        assert_eq!(format(Some("findings.xlsx")), None);
        assert_eq!(format(Some("r.xml")), None);
    }

    #[test]
    fn colour_only_on_a_terminal_and_never_against_no_color() {
        assert!(!use_colour(ColorChoice::Auto, false, false));
        assert!(!use_colour(ColorChoice::Auto, true, true));
        assert!(use_colour(ColorChoice::Always, false, true));
        assert!(!use_colour(ColorChoice::Never, true, false));
    }

    #[test]
    fn width_from_columns_when_piped() {
        assert_eq!(report_width(false, Some("120")), 120);
        assert_eq!(report_width(false, None), 80);
        assert_eq!(report_width(false, Some("wide")), 80);
        assert_eq!(report_width(false, Some("10")), MIN_WIDTH);
    }

    #[test]
    fn discovery_walks_up_to_the_repository_root_only() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        let deep = repo.join("assets/posters");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::create_dir(repo.join(".git")).unwrap();
        // A file above the repository never applies.
        std::fs::write(dir.path().join(DEFAULT_FILE), "fail_on = \"never\"\n").unwrap();
        assert_eq!(discover(&deep), None);
        std::fs::write(repo.join(DEFAULT_FILE), "").unwrap();
        let (file, shown) = discover(&deep).unwrap();
        assert_eq!(file, repo.join(DEFAULT_FILE));
        assert_eq!(shown, "../../qraudit.toml");
        // The nearest one wins.
        std::fs::write(repo.join("assets").join(DEFAULT_FILE), "").unwrap();
        assert_eq!(discover(&deep).unwrap().1, "../qraudit.toml");
        // Outside a repository: the current folder only.
        let loose = dir.path().join("loose/inner");
        std::fs::create_dir_all(&loose).unwrap();
        std::fs::write(dir.path().join("loose").join(DEFAULT_FILE), "").unwrap();
        assert_eq!(discover(&loose), None);
        assert_eq!(
            discover(&dir.path().join("loose")).unwrap().1,
            "qraudit.toml"
        );
    }
}
