//! Running a parsed command line: resolve the configuration, run the library, write the report,
//! and decide the exit status. Kept out of `main.rs` so that it is testable as a library.
//!
//! stderr carries, in this order: the progress bar (inputs done of the total, and the current
//! file; on a terminal only), then one `path: reason` line per input that could not be read, the
//! summary line, and last the exit code with its reason (`qraudit: exit 1: 3 findings at or
//! above medium`). `--quiet` drops the progress bar and the summary line; the unreadable inputs
//! are always named, and the exit line is printed whenever the exit code is not 0.

use std::fs::File;
use std::io::{self, BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use thiserror::Error;

use crate::app::cli::{CheckArgs, Cli, Command, EccArg, Format, GenerateArgs, MergeArgs, ScanArgs};
use crate::app::config::{self, ConfigError, OutputConfig};
use crate::app::exit::ExitStatus;
use crate::app::generate::{self, CommunitySpec, GenerateError, RenderOptions};
use crate::app::pasted::{self, CheckedText};
use crate::audit::catalogue;
use crate::finish::merge;
use crate::finish::read::{ReadError, read_report};
use crate::finish::suppress::Suppressor;
use crate::report::codequality::CodeQualityExporter;
use crate::report::csv::CsvExporter;
use crate::report::github::GithubExporter;
use crate::report::json::{self, JsonExporter, StreamedCounts};
use crate::report::model::{Report, Status};
use crate::report::raw::RawExporter;
use crate::report::sarif::SarifExporter;
use crate::report::table::{self, TableExporter};
use crate::report::{self, Exporter, summary_line};
use crate::scan::{self, ScanError};
use crate::text::sanitize::escape_for_display;
use clap::CommandFactory;

/// Why a command could not do its job. Printed once, as `qraudit: error: …`, by `run`.
#[derive(Debug, Error)]
pub enum RunError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Scan(#[from] ScanError),
    #[cfg(feature = "serve")]
    #[error(transparent)]
    Serve(crate::serve::ServeError),
    #[error(transparent)]
    Generate(#[from] GenerateError),
    /// Writing the report to stdout or `--output`.
    #[error("cannot write the report: {0}")]
    WriteReport(io::Error),
    #[error("cannot create {}: {source}", .path.display())]
    Create { path: PathBuf, source: io::Error },
    #[error("cannot write {}: {source}", .path.display())]
    Write { path: PathBuf, source: io::Error },
    #[error("cannot write baseline {}: {source}", .path.display())]
    WriteBaseline { path: PathBuf, source: io::Error },
    #[error("cannot read stdin: {0}")]
    ReadStdin(io::Error),
    #[error("cannot read {}: {source}", .path.display())]
    ReadReport { path: PathBuf, source: io::Error },
    #[error("{}: {source}", .path.display())]
    NotAReport { path: PathBuf, source: ReadError },
    #[error("no rule named {rule:?}; rules are: {}", .known.join(", "))]
    UnknownRule {
        rule: String,
        known: Vec<&'static str>,
    },
}

/// Runs the command and returns the exit status; errors are printed to stderr here.
pub fn run(cli: Cli) -> ExitStatus {
    let result = match cli.command {
        Command::Scan(args) => run_scan(&args),
        Command::Check(args) => run_check(&args),
        Command::Merge(args) => run_merge(&args),
        #[cfg(feature = "serve")]
        Command::Serve(args) => run_serve(&args),
        Command::Generate(args) => run_generate(&args),
        Command::Rules { format } => {
            let text = match format {
                crate::app::cli::RulesFormat::Table => rules_text(),
                crate::app::cli::RulesFormat::Markdown => crate::app::rules_doc::markdown(),
            };
            write_stdout(text.as_bytes()).map(|_| ExitStatus::Clean)
        }
        Command::Explain { rule } => run_explain(&rule),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "qraudit", &mut script);
            write_stdout(&script).map(|_| ExitStatus::Clean)
        }
        Command::Man => run_man(),
    };
    result.unwrap_or_else(|error| {
        say!("qraudit: error: {error}");
        ExitStatus::Error
    })
}

/// `qraudit man`: the page of qraudit, then one page per command (`qraudit-scan(1)`…), as
/// `git help` has them.
fn run_man() -> Result<ExitStatus, RunError> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut page)
        .map_err(RunError::WriteReport)?;
    for sub in Cli::command().get_subcommands() {
        let name = format!("qraudit-{}", sub.get_name());
        clap_mangen::Man::new(sub.clone())
            .title(name)
            .render(&mut page)
            .map_err(RunError::WriteReport)?;
    }
    write_stdout(&page).map(|_| ExitStatus::Clean)
}

fn run_scan(args: &ScanArgs) -> Result<ExitStatus, RunError> {
    let started = Instant::now();
    let (config, output) = config::scan_config(args)?;
    let progress = output.progress.then(progress_bar);
    // JSON Lines are written as each input finishes, so the writer is opened before the scan.
    let mut stream = match output.format {
        Format::Jsonl => Some(open_output(&output)?),
        _ => None,
    };
    let json = json_exporter(&output);
    let mut streamed = StreamedCounts::new();
    let mut write_failed: Option<io::Error> = None;
    let mut stop_writing = false;
    let on_start = |display: &str| {
        if let Some(bar) = &progress {
            bar.set_message(escape_for_display(display));
        }
    };
    let mut on_input = |input: &crate::finish::model::InputEntry| {
        if let Some(bar) = &progress {
            bar.inc(1);
        }
        if let Some(writer) = stream.as_mut() {
            // The wire form is made only here, for the line written.
            let mut shown = input.clone().into_wire();
            if !output.show_suppressed {
                report::strip_suppressed(&mut shown);
            }
            output.view.filter_input(&mut shown);
            json::record_streamed(&mut streamed, &shown);
            if !stop_writing
                && let Err(err) = writer
                    .write_all(&json::input_line(&shown))
                    .and_then(|_| writer.flush())
            {
                // A reader that went away (`| head`) is not an error; stop writing either way.
                stop_writing = true;
                if err.kind() != io::ErrorKind::BrokenPipe {
                    write_failed = Some(err);
                }
            }
        }
    };
    let counting_done = AtomicBool::new(false);
    let report = std::thread::scope(|scope| {
        // The total grows while a second, read-nothing walk counts the inputs.
        if let Some(bar) = &progress {
            scope.spawn(|| scan::count_inputs(&config, &counting_done, &mut || bar.inc_length(1)));
        }
        let result = scan::scan(&config, &on_start, &mut on_input);
        counting_done.store(true, Ordering::Relaxed);
        result
    })?;
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    if let Some(writer) = stream.as_mut() {
        finish_stream(writer, &json.summary_line(&report, &streamed))?;
        if let Some(err) = write_failed {
            return Err(RunError::WriteReport(err));
        }
    }
    write_fixed_images(&report, args.fix.fix_dir.as_deref())?;
    conclude(&report, &output, stream.is_none(), started)
}

/// `--fix-dir`: a regenerated QR image of every corrected URL, named after the code's location.
fn write_fixed_images(report: &Report, dir: Option<&Path>) -> Result<(), RunError> {
    let Some(dir) = dir else { return Ok(()) };
    std::fs::create_dir_all(dir).map_err(|source| RunError::Create {
        path: dir.to_path_buf(),
        source,
    })?;
    for code in report.inputs.iter().flat_map(|i| &i.codes) {
        let Some(url) = &code.fixed_url else { continue };
        let name: String = code
            .location
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let path = dir.join(format!(
            "{}-{}.png",
            name.trim_start_matches(['_', '.']),
            code.index
        ));
        let png = generate::png(url, &RenderOptions::default())?;
        write_file(&path, png)?;
    }
    Ok(())
}

fn run_generate(args: &GenerateArgs) -> Result<ExitStatus, RunError> {
    let spec = CommunitySpec {
        host: args.host.clone(),
        port: args.port,
        user: args.user.clone(),
        community_name: args.community_name.clone(),
        save_password: args.save_password,
        auth_proxy: args.auth_proxy,
        auth_proxy_user: args.auth_proxy_user.clone(),
        auth_proxy_reuse_credentials: args.auth_proxy_reuse_credentials,
        allow_untrusted_ssl: args.allow_untrusted_ssl,
    };
    let url = generate::provisioning_url(&spec)?;
    let render = RenderOptions {
        ecc: match args.ecc {
            EccArg::L => qrcode::EcLevel::L,
            EccArg::M => qrcode::EcLevel::M,
            EccArg::Q => qrcode::EcLevel::Q,
            EccArg::H => qrcode::EcLevel::H,
        },
        module_px: args.module_px,
        quiet_zone: args.quiet_zone,
    };
    if let Some(path) = &args.png {
        write_file(path, generate::png(&url, &render)?)?;
    }
    if let Some(path) = &args.svg {
        write_file(path, generate::svg(&url, &render)?)?;
    }
    let mut out = format!("{url}\n");
    if args.config_snippet {
        out.push_str(&generate::config_snippet(&url));
    }
    write_stdout(out.as_bytes())?;
    // What the audit would say about it, as warnings: the administrator asked for these options,
    // but should know what they cost. The host they named is theirs by definition: it is judged
    // as allowed (no `host-not-checked` verdict on every code generated).
    let mut analysis = crate::scan::analyze::AnalysisOptions::default();
    if analysis
        .policy
        .merge_flags(std::slice::from_ref(&args.host), &[])
        .is_err()
    {
        analysis = crate::scan::analyze::AnalysisOptions::default();
    }
    let analyzed = crate::scan::analyze::analyze_text(
        &crate::source::Provenance::of_input("generated"),
        1,
        &url,
        &analysis,
    );
    for finding in &analyzed.entry.findings {
        say!(
            "qraudit: warning: [{}] {}: {}",
            finding.severity,
            finding.rule.id,
            crate::text::sanitize::escape_for_display(&finding.message)
        );
    }
    Ok(ExitStatus::Clean)
}

fn run_check(args: &CheckArgs) -> Result<ExitStatus, RunError> {
    let started = Instant::now();
    let resolved = config::resolve_policy(&args.policy)?;
    let output = config::output_config(&args.output, &resolved)?;
    let mut texts: Vec<CheckedText> = Vec::new();
    for text in &args.texts {
        if text == "-" {
            let stdin = io::stdin();
            if stdin.is_terminal() {
                // Someone is typing: say what is expected and how to end it.
                say!("qraudit: {}", pasted::PROMPT);
            }
            for line in stdin.lock().lines() {
                let line = line.map_err(RunError::ReadStdin)?;
                if !line.trim().is_empty() {
                    texts.push(CheckedText::from_stdin(line.trim_end_matches('\r')));
                }
            }
        } else {
            texts.push(CheckedText::from_argument(text));
        }
    }
    for warning in pasted::warnings(&texts, pasted::running_in_background()) {
        say!("qraudit: warning: {warning}");
    }
    let texts: Vec<String> = texts.into_iter().map(|t| t.text).collect();
    let suppressor = Suppressor::new(&resolved.policy, None);
    let analysis = config::analysis_options(resolved.policy, &args.output, &args.fix);
    let report = scan::check_texts(&texts, &analysis, &suppressor);
    write_fixed_images(&report, args.fix.fix_dir.as_deref())?;
    conclude(&report, &output, true, started)
}

/// `qraudit serve`: the scan configuration built as `scan` builds it (policy, limits), with
/// safe rewrites on, then the server until SIGTERM.
#[cfg(feature = "serve")]
fn run_serve(args: &crate::app::cli::ServeArgs) -> Result<ExitStatus, RunError> {
    let config = config::serve_config(args)?;
    if !config.listen.ip().is_loopback() {
        say!(
            "qraudit: warning: listening on {}: anyone who can reach this address can use the server{}",
            config.listen,
            if config.token.is_some() {
                " (with the token)"
            } else {
                "; set --token to require one"
            }
        );
    }
    crate::serve::run(config, |addr| {
        say!("qraudit serve: listening on http://{addr}/");
    })
    .map_err(RunError::Serve)?;
    Ok(ExitStatus::Clean)
}

fn run_merge(args: &MergeArgs) -> Result<ExitStatus, RunError> {
    let started = Instant::now();
    let resolved = config::resolve_policy(&args.policy)?;
    let mut output = config::output_config(&args.output, &resolved)?;
    output.sarif_root = config::merge_sarif_root(&resolved);
    let mut reports = Vec::new();
    for path in &args.reports {
        let text = std::fs::read_to_string(path).map_err(|source| RunError::ReadReport {
            path: path.clone(),
            source,
        })?;
        let not_a_report = |source| RunError::NotAReport {
            path: path.clone(),
            source,
        };
        let report = read_report(&text).map_err(not_a_report)?;
        reports.push(merge::ShardReport::from_report(report).map_err(not_a_report)?);
    }
    let report = merge::merge(reports, &resolved.policy);
    conclude(&report, &output, true, started)
}

/// Writes the main report (unless it was streamed), the extra reports and the baseline, names
/// the unreadable inputs, prints the summary line, and decides (and explains) the exit status.
fn conclude(
    report: &Report,
    output: &OutputConfig,
    write_main: bool,
    started: Instant,
) -> Result<ExitStatus, RunError> {
    if write_main {
        let mut writer = open_output(output)?;
        finish_stream(&mut writer, &render(output.format, report, output, true))?;
    }
    for (format, path) in &output.extra {
        write_file(path, render(*format, report, output, false))?;
    }
    if let Some(path) = &output.write_baseline {
        let everything = JsonExporter {
            policy: Some(&output.applied_policy),
            show_suppressed: true,
        };
        std::fs::write(path, everything.serialize(report)).map_err(|source| {
            RunError::WriteBaseline {
                path: path.clone(),
                source,
            }
        })?;
    }
    for input in report.inputs.iter().filter(|i| i.status == Status::Error) {
        say!(
            "{}: {}",
            escape_for_display(&input.path),
            escape_for_display(input.error.as_deref().unwrap_or("error"))
        );
    }
    if output.summary {
        say!(
            "{}",
            summary_line(
                report,
                table::action_threshold(output.fail_on.threshold()),
                started.elapsed()
            )
        );
    }
    let baseline = output
        .write_baseline
        .as_ref()
        .map(|p| p.display().to_string());
    let status = match &baseline {
        Some(_) => ExitStatus::for_baseline(report),
        None => ExitStatus::for_report(report, output.fail_on),
    }
    .with_no_code(report, output.fail_on_no_code);
    if report.summary.codes == 0 && report.summary.inputs > 0 && output.summary {
        say!(
            "qraudit: no QR code found in {} input{}. hint: a photo needs the code sharp and \
             at least a few pixels per module; a PDF or mail is opened only when its content is \
             an image, drawing or page (see `--format json` for what each input was); \
             --fail-on-no-code makes this exit 3",
            report.summary.inputs,
            if report.summary.inputs == 1 { "" } else { "s" }
        );
    }
    if output.summary || status != ExitStatus::Clean {
        say!(
            "qraudit: {}",
            status.reason(report, output.fail_on, baseline.as_deref())
        );
    }
    Ok(status)
}

/// The JSON exporter of a run: its policy, suppressed findings as asked.
fn json_exporter(output: &OutputConfig) -> JsonExporter<'_> {
    JsonExporter {
        policy: Some(&output.applied_policy),
        show_suppressed: output.show_suppressed,
    }
}

/// A whole report in one format; `main` is the report on stdout or `--output` (the only one
/// that may be coloured).
fn render(format: Format, report: &Report, output: &OutputConfig, main: bool) -> Vec<u8> {
    // `--min-severity` and `--sort` change what is listed, never what the exit code was
    // decided on (report/view.rs); without them the report is rendered as it is.
    let viewed;
    let report = if output.view.is_identity() {
        report
    } else {
        viewed = output.view.apply(report);
        &viewed
    };
    match format {
        Format::Json => json_exporter(output).serialize(report),
        Format::Sarif => SarifExporter {
            root: output.sarif_root.clone(),
        }
        .serialize(&shown(report, output)),
        Format::Table => TableExporter {
            width: output.width,
            colour: main && output.colour,
            show_suppressed: output.show_suppressed,
            policy: Some(&output.applied_policy),
            fail_on: output.fail_on.threshold(),
            sort: output.view.sort,
        }
        .serialize(report),
        Format::Raw => RawExporter.serialize(report),
        Format::Csv => CsvExporter.serialize(&shown(report, output)),
        Format::Github => GithubExporter.serialize(&shown(report, output)),
        Format::Codequality => CodeQualityExporter.serialize(&shown(report, output)),
        Format::Jsonl => {
            let shown = shown(report, output);
            let mut streamed = StreamedCounts::new();
            let mut bytes = Vec::new();
            for input in &shown.inputs {
                bytes.extend(json::input_line(input));
                json::record_streamed(&mut streamed, input);
            }
            bytes.extend(json_exporter(output).summary_line(report, &streamed));
            bytes
        }
    }
}

/// The report as shown: without suppressed findings unless `--show-suppressed`.
fn shown(report: &Report, output: &OutputConfig) -> Report {
    if output.show_suppressed {
        report.clone()
    } else {
        report::without_suppressed(report)
    }
}

fn run_explain(rule_id: &str) -> Result<ExitStatus, RunError> {
    let rule = catalogue::find(rule_id).ok_or_else(|| RunError::UnknownRule {
        rule: rule_id.to_string(),
        known: catalogue::all().iter().map(|r| r.id).collect(),
    })?;
    let mut text = format!(
        "{} ({})\n{}\n\nWhy: {}\n\nFix: {}\n",
        rule.id, rule.severity, rule.title, rule.rationale, rule.fix
    );
    if let catalogue::Scope::NeedsPolicy { policy } = rule.scope {
        text.push_str(&format!("\nExamples run with the policy:\n  {policy}\n"));
    }
    // Examples of the other scopes are symbol descriptions, sets of codes and files: they
    // are run by the catalogue test, and not what a reader of `explain` can scan.
    let (fires_on, passes) = if rule.scope.judges_the_text() {
        (rule.fires_on, rule.passes)
    } else {
        (&[][..], &[][..])
    };
    if !fires_on.is_empty() {
        text.push_str("\nFires on:\n");
        for example in fires_on {
            text.push_str(&format!(
                "  {}\n",
                crate::text::sanitize::escape_for_display(example)
            ));
        }
    }
    if !passes.is_empty() {
        text.push_str("\nDoes not fire on:\n");
        for example in passes {
            text.push_str(&format!(
                "  {}\n",
                crate::text::sanitize::escape_for_display(example)
            ));
        }
    }
    write_stdout(text.as_bytes())?;
    Ok(ExitStatus::Clean)
}

fn rules_text() -> String {
    let mut table = comfy_table::Table::new();
    table
        .load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_header(["Rule", "Severity", "Title"]);
    for rule in catalogue::all() {
        table.add_row([rule.id, rule.severity.as_str(), rule.title]);
    }
    format!("{table}\n")
}

fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::new(0);
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} {pos}/{len} inputs [{elapsed}] {wide_msg}")
    {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

fn open_output(output: &OutputConfig) -> Result<Box<dyn Write>, RunError> {
    match &output.output {
        Some(path) => File::create(path)
            .map(|f| Box::new(io::BufWriter::new(f)) as Box<dyn Write>)
            .map_err(|source| RunError::Create {
                path: path.clone(),
                source,
            }),
        None => Ok(Box::new(io::BufWriter::new(io::stdout()))),
    }
}

/// Writes the last bytes and flushes. A reader that went away (`| head`) is not an error.
fn finish_stream(writer: &mut Box<dyn Write>, bytes: &[u8]) -> Result<(), RunError> {
    match writer.write_all(bytes).and_then(|_| writer.flush()) {
        Err(err) if err.kind() != io::ErrorKind::BrokenPipe => Err(RunError::WriteReport(err)),
        _ => Ok(()),
    }
}

fn write_stdout(bytes: &[u8]) -> Result<(), RunError> {
    let mut writer: Box<dyn Write> = Box::new(io::stdout());
    finish_stream(&mut writer, bytes)
}

fn write_file(path: &Path, bytes: impl AsRef<[u8]>) -> Result<(), RunError> {
    std::fs::write(path, bytes).map_err(|source| RunError::Write {
        path: path.to_path_buf(),
        source,
    })
}
