//! Command-line arguments, as clap structs. Nothing here does work: `config` resolves these
//! (with the policy file) into the `ScanConfig` the library sees.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::audit::policy::FailOn;

use crate::container::ContainerLimits;

#[derive(Debug, Parser)]
#[command(
    name = "qraudit",
    version,
    about = "Find, decode and audit QR codes (HCL Sametime provisioning URLs above all)",
    long_about = "Find every QR code in images, decode it, and audit what it carries (above all HCL \
                  Sametime mobile provisioning URLs) against a security policy.\n\n\
                  `qraudit FILE...` is short for `qraudit scan FILE...` when the first argument is \
                  an existing file or folder.\n\n\
                  Exit codes: 0 = nothing at or above --fail-on; 1 = findings at or above it; \
                  2 = an input could not be read, or a usage error (2 outranks 1). The last line \
                  on stderr says which, and why.",
    override_usage = "qraudit <COMMAND>\n       qraudit FILE...   (same as `qraudit scan FILE...`)"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find, decode and audit every QR code in files, folders or stdin.
    #[command(before_help = SCAN_EXAMPLES)]
    Scan(ScanArgs),
    /// Audit provisioning URLs (or any code text) given as arguments, or one per line on stdin with `-`.
    #[command(
        before_help = CHECK_EXAMPLES,
        after_help = "Quote each link in single quotes: in a shell an unquoted & ends the command, \
                      and everything after it is lost (qraudit warns when a link looks cut)."
    )]
    Check(CheckArgs),
    /// Print a correctly encoded provisioning URL, and optionally its QR code and stproxyconfig.xml snippet.
    #[command(before_help = "Examples:
  qraudit generate --host stproxy.example.com --community-name 'Sales Team'
  qraudit generate --host stproxy.example.com --port 8443 --png poster.png
  qraudit generate --host stproxy.example.com --auth-proxy --config-snippet")]
    Generate(GenerateArgs),
    /// Merge the JSON/JSONL reports of `scan --shard I/N` runs into one report.
    #[command(before_help = "Examples:
  qraudit merge shard-*.json -o qraudit.json        one report, equal to a single run
  qraudit merge shard-*.json -o qraudit.sarif       SARIF for code scanning
  qraudit merge shard-*.jsonl --fail-on high        the exit code of the whole run")]
    Merge(MergeArgs),
    /// Serve the helpdesk page (paste a screenshot, read what its code does) and the HTTP API.
    #[cfg(feature = "serve")]
    #[command(before_help = "Examples:
  qraudit serve                                   http://127.0.0.1:8080, this machine only
  qraudit serve --policy company.toml --token \"$TOKEN\" --listen 0.0.0.0:8080
  curl -F file=@shot.png http://127.0.0.1:8080/api/scan")]
    Serve(ServeArgs),
    /// List every audit rule (`--format markdown`: the document docs/rules.md holds).
    Rules {
        #[arg(long, value_enum, default_value = "table")]
        format: RulesFormat,
    },
    /// Explain one audit rule.
    Explain {
        /// The rule id, e.g. embedded-password.
        rule: String,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(before_help = COMPLETIONS_EXAMPLES)]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) of qraudit and its commands to stdout.
    #[command(before_help = "Examples:
  qraudit man | man -l -                 read it now
  qraudit man > /usr/local/share/man/man1/qraudit.1   install it
  qraudit man | groff -man -Tutf8 | less   without man-db")]
    Man,
}

/// The first lines of `qraudit completions --help`.
const COMPLETIONS_EXAMPLES: &str = "Examples:
  qraudit completions bash > ~/.local/share/bash-completion/completions/qraudit
  qraudit completions zsh > ~/.zfunc/_qraudit      (with fpath+=~/.zfunc in .zshrc)
  qraudit completions fish > ~/.config/fish/completions/qraudit.fish";

/// The first lines of `qraudit scan --help`: the three ways it is used most.
const SCAN_EXAMPLES: &str = "Examples:
  qraudit scan screenshot.png          the full link, what it does, what is wrong with it
  qraudit scan posters/ -o report.json   JSON for scripts (.jsonl and .sarif work the same way)
  qraudit scan assets/ --baseline .qraudit-baseline.json   in CI: fail on new risky codes only";

/// The first lines of `qraudit check --help`.
const CHECK_EXAMPLES: &str = "Examples:
  qraudit check 'hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Sales'
  qraudit check -                      paste links, one per line, then Ctrl-D
  qraudit check --format json 'WIFI:T:WPA;S:Guest;P:secret;;'   any code text, as JSON";

/// The commands and flags that can come first; anything else that names an existing file or
/// folder is taken as `scan`'s first PATH (`qraudit poster.png`).
const FIRST_WORDS: [&str; 9] = [
    "scan",
    "check",
    "generate",
    "merge",
    "rules",
    "explain",
    "completions",
    "man",
    "help",
];

impl Cli {
    /// Parses the process's arguments, reading `qraudit PATH...` as `qraudit scan PATH...`.
    pub fn parse_with_implied_scan() -> Cli {
        Cli::parse_from(implied_scan(std::env::args_os().collect()))
    }
}

/// Inserts `scan` when the first argument is not a command or a flag but an existing path. A
/// command always wins over a file of the same name.
pub fn implied_scan(mut args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let Some(first) = args.get(1) else {
        return args;
    };
    let is_word = first
        .to_str()
        .is_some_and(|s| FIRST_WORDS.contains(&s) || s.starts_with('-'));
    if !is_word && std::path::Path::new(first).exists() {
        args.insert(1, "scan".into());
    }
    args
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files, folders (walked recursively) or `-` for stdin: images, and the mails, mboxes,
    /// PDFs, SVGs and zips they arrive in (told apart by content, not name).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Follow symbolic links while walking folders.
    #[arg(help_heading = "Input", long)]
    pub follow_symlinks: bool,
    /// Skip paths matching this glob (matched on the path and on the file name); repeatable.
    #[arg(help_heading = "Input", long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// The folder fingerprints take paths relative to (default: the git repository's top
    /// level, else the policy file's folder, else the working folder).
    #[arg(help_heading = "Baseline and CI", long, value_name = "DIR")]
    pub fingerprint_root: Option<PathBuf>,
    /// Inputs decoded at once (default: one per core); a decode also runs passes ahead on a
    /// core no other input is using, with the same results.
    #[arg(help_heading = "Limits", short, long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Time budget for loading and decoding one image, in seconds.
    #[arg(
        help_heading = "Limits",
        long,
        value_name = "SECONDS",
        default_value_t = 10.0
    )]
    pub image_timeout: f64,
    /// Time budget for one input as a whole, in seconds: a mail, PDF or zip with everything
    /// inside it. What is left unscanned when it runs out is the input's error.
    #[arg(
        help_heading = "Limits",
        long,
        value_name = "SECONDS",
        default_value_t = 300.0
    )]
    pub input_timeout: f64,
    /// Remember what each image decoded to in DIR, and reuse it on the next run (images whose
    /// bytes, decoder and limits are unchanged are not decoded again; findings are always
    /// computed anew). Also `cache = "DIR"` in the policy file.
    #[arg(help_heading = "Limits", long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// Refuse images with more pixels than this (decompression bombs).
    #[arg(
        help_heading = "Limits",
        long,
        value_name = "N",
        default_value_t = 100_000_000
    )]
    pub max_pixels: u64,
    /// Refuse files larger than this many bytes.
    #[arg(help_heading = "Limits", long, value_name = "BYTES", default_value_t = 256 << 20)]
    pub max_file_size: u64,
    /// Open containers (mail, mbox, PDF, SVG, zip) at most this many levels deep; the input
    /// itself is level 1, a mail in a zip in an mbox is level 3.
    #[arg(help_heading = "Limits", long, value_name = "N", default_value_t = ContainerLimits::default().max_depth)]
    pub max_depth: u32,
    /// Look at most at this many parts inside one input (MIME parts, zip members, mbox
    /// messages, PDF pages and images, URLs in bodies).
    #[arg(help_heading = "Limits", long, value_name = "N", default_value_t = ContainerLimits::default().max_parts)]
    pub max_parts: u32,
    /// Decode (inflate, base64, quoted-printable) at most this many bytes inside one input,
    /// all nesting levels together: stops zip and deflate bombs.
    #[arg(help_heading = "Limits", long, value_name = "BYTES", default_value_t = ContainerLimits::default().max_bytes)]
    pub max_container_bytes: u64,
    /// Render a PDF page or an SVG to at most this many pixels.
    #[arg(help_heading = "Limits", long, value_name = "N", default_value_t = ContainerLimits::default().max_page_pixels)]
    pub max_page_pixels: u64,
    /// Add load and decode times per input to JSON/JSONL reports.
    #[arg(help_heading = "Output", long)]
    pub timings: bool,
    /// Scan only shard I of N (by a hash of each path), e.g. 2/8; `qraudit merge` joins the shards.
    #[arg(help_heading = "Input", long, value_name = "I/N")]
    pub shard: Option<crate::source::Shard>,
    /// An earlier JSON report: findings whose fingerprints are in it are suppressed.
    #[arg(help_heading = "Baseline and CI", long, value_name = "REPORT")]
    pub baseline: Option<PathBuf>,
    /// Report `small-modules` for codes whose modules are narrower than this many pixels.
    #[arg(
        help_heading = "Policy",
        long,
        value_name = "PIXELS",
        default_value_t = 4.0
    )]
    pub min_module_px: f32,
    /// Judge print quality (fragile-code, low-error-correction, small-modules,
    /// missing-quiet-zone) on photographs (JPEG, HEIC, AVIF) too; by default only born-digital
    /// images (PNG, SVG, PDF…) are judged. Also `quality = true` in the policy.
    #[arg(help_heading = "Policy", long)]
    pub quality: bool,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[command(flatten)]
    pub fix: FixArgs,
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
    #[command(flatten)]
    pub fix: FixArgs,
}

#[derive(Debug, Args)]
pub struct FixArgs {
    /// For every code with a safe rewrite, report the corrected URL (`fixed_url`).
    #[arg(help_heading = "Output", long)]
    pub fix: bool,
    /// With --fix: also write a regenerated QR image (PNG) of each corrected URL into DIR.
    #[arg(help_heading = "Output", long, value_name = "DIR")]
    pub fix_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The Sametime proxy's fully qualified host name.
    #[arg(long)]
    pub host: String,
    /// The proxy's port (443 when omitted).
    #[arg(long)]
    pub port: Option<u16>,
    /// A user ID to fill in (omit it for a code meant for many people). There is no password
    /// option: a password in a published code is readable by anyone who scans it.
    #[arg(long, value_name = "ID")]
    pub user: Option<String>,
    /// The community's display name.
    #[arg(long, value_name = "NAME")]
    pub community_name: Option<String>,
    /// savePassword=true (the audit flags it).
    #[arg(long)]
    pub save_password: bool,
    /// authProxyEnabled=true: connect through an authenticating reverse proxy.
    #[arg(long)]
    pub auth_proxy: bool,
    /// authProxyUser: the user ID for the authenticating proxy.
    #[arg(long, value_name = "ID")]
    pub auth_proxy_user: Option<String>,
    /// authProxyReuseCredentials=true: the proxy reuses the Sametime user ID and password.
    #[arg(long)]
    pub auth_proxy_reuse_credentials: bool,
    /// allowUntrustedSSL=true (the audit flags it as high).
    #[arg(long)]
    pub allow_untrusted_ssl: bool,
    /// Write the QR code as a PNG image.
    #[arg(long, value_name = "FILE")]
    pub png: Option<PathBuf>,
    /// Write the QR code as an SVG image.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    /// Also print the <mobile><configUrl> element for stproxyconfig.xml (& written as %26).
    #[arg(long)]
    pub config_snippet: bool,
    /// Error-correction level of the QR code.
    #[arg(long, value_enum, default_value_t = EccArg::Q)]
    pub ecc: EccArg,
    /// Pixels per module in the PNG (user units in the SVG).
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub module_px: u32,
    /// Quiet zone around the code, in modules.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub quiet_zone: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EccArg {
    L,
    M,
    Q,
    H,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// JSON or JSONL reports of the shards.
    #[arg(required = true, value_name = "REPORT")]
    pub reports: Vec<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub policy: PolicyArgs,
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Report format [default: table, or what the --output file's extension says:
    /// .json, .jsonl, .sarif, .csv].
    #[arg(help_heading = "Output", short, long, value_enum)]
    pub format: Option<Format>,
    /// Write the report to this file instead of stdout.
    #[arg(help_heading = "Output", short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Colour in the table: auto = on a terminal, unless NO_COLOR is set.
    #[arg(help_heading = "Output", long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Exit 1 when a finding is at or above this severity [default: medium, or the policy file's fail_on].
    #[arg(
        help_heading = "Baseline and CI",
        long,
        value_enum,
        value_name = "LEVEL"
    )]
    pub fail_on: Option<FailOn>,
    /// List only findings at or above this severity, in every format. What fails the run is
    /// still --fail-on, judged on every finding; the summary counts every finding.
    #[arg(help_heading = "Output", long, value_enum, value_name = "LEVEL")]
    pub min_severity: Option<crate::audit::Severity>,
    /// Exit 3 when every input was read and not one QR code was found (a CI check whose assets
    /// lost their codes, a helpdesk script fed the wrong file). 1 and 2 outrank it.
    #[arg(help_heading = "Baseline and CI", long)]
    pub fail_on_no_code: bool,
    /// Order of the inputs (and of the table's distinct codes) [default: the table worst
    /// first, the other formats in walk order].
    #[arg(help_heading = "Output", long, value_enum, value_name = "ORDER")]
    pub sort: Option<crate::report::view::SortOrder>,
    /// Also write a JSON report to this file.
    #[arg(help_heading = "Output", long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Also write a SARIF 2.1.0 log to this file (for code scanning).
    #[arg(help_heading = "Output", long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,
    /// Write the full JSON report, suppressed findings included, to use later as --baseline.
    /// The run then exits 0 (accepting today's findings), or 2 if an input could not be read.
    #[arg(help_heading = "Baseline and CI", long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Include suppressed findings (baseline, ignore entries) in the report.
    #[arg(help_heading = "Baseline and CI", long)]
    pub show_suppressed: bool,
    /// Show passwords, Wi-Fi keys and OTP seeds instead of masking them.
    #[arg(help_heading = "Output", long)]
    pub show_secrets: bool,
    /// No progress bar and no summary line on stderr. Unreadable inputs and the reason for a
    /// non-zero exit code are still printed there.
    #[arg(help_heading = "Output", short, long)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct PolicyArgs {
    /// Policy file (TOML). Without it, the first qraudit.toml from the current folder up to
    /// the repository root is used (only the current folder outside a repository).
    #[arg(help_heading = "Policy", long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Use no policy file, not even a qraudit.toml found by walking up.
    #[arg(help_heading = "Policy", long, conflicts_with = "policy")]
    pub no_policy: bool,
    /// Allowed host: exact name or `*.example.com`; repeatable. Hosts are checked only when set.
    #[arg(help_heading = "Policy", long, value_name = "PATTERN")]
    pub allow_host: Vec<String>,
    /// Allowed port; repeatable.
    #[arg(help_heading = "Policy", long, value_name = "N")]
    pub allow_port: Vec<u16>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Each distinct code once, worst first, then its full text and findings.
    Table,
    /// One JSON document (docs/report-schema.json).
    Json,
    /// One JSON object per input as it is done, then a summary line.
    Jsonl,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// Only the decoded texts, one per line, escaped (like `zbarimg --raw`).
    Raw,
    /// One row per finding, RFC 4180, formulas defused (docs: README, "Reports").
    Csv,
    /// GitHub Actions workflow commands: an annotation per finding (`::error file=…::`).
    Github,
    /// GitLab Code Quality JSON (`artifacts: reports: codequality:`).
    Codequality,
}

/// `--fail-on` takes the policy's own type (one fail-on type from flag to exit code), listed
/// in the help as the policy file spells it.
impl ValueEnum for FailOn {
    fn value_variants<'a>() -> &'a [Self] {
        use crate::audit::Severity;
        &[
            FailOn::At(Severity::Info),
            FailOn::At(Severity::Low),
            FailOn::At(Severity::Medium),
            FailOn::At(Severity::High),
            FailOn::At(Severity::Critical),
            FailOn::Never,
        ]
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(match self {
            FailOn::Never => "never",
            FailOn::At(severity) => severity.as_str(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn implied(args: &[&str]) -> Vec<String> {
        implied_scan(args.iter().map(Into::into).collect())
            .into_iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn an_existing_path_first_means_scan() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("poster.png");
        std::fs::write(&file, b"").unwrap();
        let file = file.to_str().unwrap();
        assert_eq!(
            implied(&["qraudit", file, "-q"]),
            ["qraudit", "scan", file, "-q"]
        );
        let folder = dir.path().to_str().unwrap();
        assert_eq!(implied(&["qraudit", folder]), ["qraudit", "scan", folder]);
        // Commands, flags and paths that do not exist are left to clap.
        for args in [
            vec!["qraudit", "check", "x"],
            vec!["qraudit", "--version"],
            vec!["qraudit", "-"],
            vec!["qraudit", "/no/such/poster.png"],
            vec!["qraudit"],
        ] {
            assert_eq!(implied(&args), args);
        }
    }
}

/// How `qraudit rules` lists the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RulesFormat {
    /// One line per rule: id, severity, title.
    Table,
    /// Every rule in full (why, fix, examples), as docs/rules.md.
    Markdown,
}

/// `qraudit serve`: where it listens, what it accepts, and the scan limits and policy it runs with.
#[cfg(feature = "serve")]
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on. Anything but a loopback address lets everyone who can
    /// reach it use the server (a warning says so).
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
    /// Largest request body, in bytes: an upload above it is refused (413).
    #[arg(long, value_name = "BYTES", default_value_t = 20 << 20)]
    pub max_upload_bytes: usize,
    /// Most files (or texts) in one request.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub max_files: usize,
    /// Requests decoded at once (default: one per core).
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Requests that may wait for a worker; beyond, the server answers 503 with Retry-After.
    #[arg(long, value_name = "N", default_value_t = 16)]
    pub queue: usize,
    /// Require this token: `Authorization: Bearer TOKEN` for the API, the browser's login (any
    /// user name, the token as password) for the page. Also QRAUDIT_TOKEN.
    #[arg(
        long,
        value_name = "TOKEN",
        env = "QRAUDIT_TOKEN",
        hide_env_values = true
    )]
    pub token: Option<String>,
    /// Access log format on stderr.
    #[arg(long, value_enum, default_value = "text")]
    pub log_format: LogFormat,
    /// Show passwords, Wi-Fi keys and OTP seeds in responses instead of masking them.
    #[arg(long)]
    pub show_secrets: bool,
    /// Time budget for loading and decoding one image, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub image_timeout: f64,
    /// Refuse images with more pixels than this (decompression bombs).
    #[arg(long, value_name = "N", default_value_t = 100_000_000)]
    pub max_pixels: u64,
    /// Open containers (mail, PDF, zip…) at most this many levels deep, as `scan`.
    #[arg(long, value_name = "N", default_value_t = ContainerLimits::default().max_depth)]
    pub max_depth: u32,
    /// Look at most at this many parts inside one upload, as `scan`.
    #[arg(long, value_name = "N", default_value_t = ContainerLimits::default().max_parts)]
    pub max_parts: u32,
    /// Decode at most this many bytes inside one upload (zip and deflate bombs), as `scan`.
    #[arg(long, value_name = "BYTES", default_value_t = ContainerLimits::default().max_bytes)]
    pub max_container_bytes: u64,
    /// Render a PDF page or an SVG to at most this many pixels, as `scan`.
    #[arg(long, value_name = "N", default_value_t = ContainerLimits::default().max_page_pixels)]
    pub max_page_pixels: u64,
    #[command(flatten)]
    pub policy: PolicyArgs,
}

/// How `serve` writes its access log.
#[cfg(feature = "serve")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One line of text per request.
    Text,
    /// One JSON object per request.
    Json,
}
