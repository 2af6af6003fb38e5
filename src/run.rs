//! Running a parsed command line: resolve the configuration, run the library, write the report,
//! and decide the exit status. Kept out of `main.rs` so that it is testable as a library.

use std::fs::File;
use std::io::{self, BufRead, Write};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use crate::audit::catalogue;
use crate::cli::{CheckArgs, Cli, Command, EccArg, Format, GenerateArgs, MergeArgs, ScanArgs};
use crate::config::{self, OutputConfig};
use crate::exit::ExitStatus;
use crate::generate::{self, CommunitySpec, RenderOptions};
use crate::merge;
use crate::report::json::{self, JsonExporter, StreamedCounts};
use crate::report::model::{InputReport, Report};
use crate::report::sarif::SarifExporter;
use crate::report::table::TableExporter;
use crate::report::{Exporter, summary_line};
use crate::scan;
use crate::suppress::{self, Suppressor};

/// Runs the command and returns the exit status; errors are printed to stderr here.
pub fn run(cli: Cli) -> ExitStatus {
    let result = match cli.command {
        Command::Scan(args) => run_scan(&args),
        Command::Check(args) => run_check(&args),
        Command::Merge(args) => run_merge(&args),
        Command::Generate(args) => run_generate(&args),
        Command::Rules => write_stdout(rules_text().as_bytes()).map(|_| ExitStatus::Clean),
        Command::Explain { rule } => run_explain(&rule),
    };
    result.unwrap_or_else(|message| {
        eprintln!("qraudit: error: {message}");
        ExitStatus::Error
    })
}

fn run_scan(args: &ScanArgs) -> Result<ExitStatus, String> {
    let started = Instant::now();
    let (config, output) = config::scan_config(args).map_err(|e| e.to_string())?;
    let progress = output.progress.then(progress_bar);
    // JSON Lines are written as each input finishes, so the writer is opened before the scan.
    let mut stream = match output.format {
        Format::Jsonl => Some(open_output(&output)?),
        _ => None,
    };
    let mut streamed = StreamedCounts::new();
    let mut write_failed: Option<String> = None;
    let mut stop_writing = false;
    let mut done = 0u64;
    let mut on_input = |input: &InputReport| {
        done += 1;
        if let Some(bar) = &progress {
            bar.set_message(format!("{done} inputs scanned"));
            bar.tick();
        }
        if let Some(writer) = stream.as_mut() {
            let mut shown = input.clone();
            if !output.show_suppressed {
                suppress::strip_input(&mut shown);
            }
            json::record_streamed(&mut streamed, &shown);
            if !stop_writing
                && let Err(err) = writer
                    .write_all(&json::input_line(&shown))
                    .and_then(|_| writer.flush())
            {
                // A reader that went away (`| head`) is not an error; stop writing either way.
                stop_writing = true;
                if err.kind() != io::ErrorKind::BrokenPipe {
                    write_failed = Some(err.to_string());
                }
            }
        }
    };
    let report = scan::scan(&config, &mut on_input).map_err(|e| e.to_string())?;
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    if let Some(writer) = stream.as_mut() {
        finish_stream(
            writer,
            &json::summary_line(&shown(&report, &output), &streamed),
        )?;
        if let Some(err) = write_failed {
            return Err(format!("cannot write the report: {err}"));
        }
    }
    write_fixed_images(&report, args.fix.fix_dir.as_deref())?;
    conclude(&report, &output, stream.is_none(), started)
}

/// `--fix-dir`: a regenerated QR image of every corrected URL, named after the code's location.
fn write_fixed_images(report: &Report, dir: Option<&std::path::Path>) -> Result<(), String> {
    let Some(dir) = dir else { return Ok(()) };
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
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
        let png = generate::png(url, &RenderOptions::default()).map_err(|e| e.to_string())?;
        std::fs::write(&path, png).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

fn run_generate(args: &GenerateArgs) -> Result<ExitStatus, String> {
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
    let url = generate::provisioning_url(&spec).map_err(|e| e.to_string())?;
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
        let png = generate::png(&url, &render).map_err(|e| e.to_string())?;
        std::fs::write(path, png).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    if let Some(path) = &args.svg {
        let svg = generate::svg(&url, &render).map_err(|e| e.to_string())?;
        std::fs::write(path, svg).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    let mut out = format!("{url}\n");
    if args.config_snippet {
        out.push_str(&generate::config_snippet(&url));
    }
    write_stdout(out.as_bytes())?;
    // What the audit would say about it, as warnings: the administrator asked for these options,
    // but should know what they cost.
    let analyzed = crate::analyze::analyze_text("generated", 1, &url, &Default::default());
    for finding in &analyzed.report.findings {
        eprintln!(
            "qraudit: warning: [{}] {}: {}",
            finding.severity,
            finding.rule,
            crate::sanitize::escape_for_display(&finding.message)
        );
    }
    Ok(ExitStatus::Clean)
}

fn run_check(args: &CheckArgs) -> Result<ExitStatus, String> {
    let started = Instant::now();
    let policy = config::resolve_policy(&args.policy).map_err(|e| e.to_string())?;
    let output = config::output_config(&args.output, &policy);
    let mut texts = Vec::new();
    for text in &args.texts {
        if text == "-" {
            for line in io::stdin().lock().lines() {
                let line = line.map_err(|e| format!("cannot read stdin: {e}"))?;
                if !line.trim().is_empty() {
                    texts.push(line.trim_end_matches('\r').to_string());
                }
            }
        } else {
            texts.push(text.clone());
        }
    }
    let suppressor = Suppressor::new(&policy, None);
    let analysis = config::analysis_options(policy, &args.output, &args.fix);
    let report = scan::check_texts(&texts, &analysis, &suppressor);
    write_fixed_images(&report, args.fix.fix_dir.as_deref())?;
    conclude(&report, &output, true, started)
}

fn run_merge(args: &MergeArgs) -> Result<ExitStatus, String> {
    let started = Instant::now();
    let policy = config::resolve_policy(&args.policy).map_err(|e| e.to_string())?;
    let output = config::output_config(&args.output, &policy);
    let mut reports = Vec::new();
    for path in &args.reports {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        reports.push(merge::parse_report(&text).map_err(|e| format!("{}: {e}", path.display()))?);
    }
    let report = merge::merge(reports, &policy);
    conclude(&report, &output, true, started)
}

/// Writes the main report (unless it was streamed), the extra reports and the baseline, prints
/// the summary line, and decides the exit status.
fn conclude(
    report: &Report,
    output: &OutputConfig,
    write_main: bool,
    started: Instant,
) -> Result<ExitStatus, String> {
    let shown = shown(report, output);
    if write_main {
        let mut writer = open_output(output)?;
        finish_stream(&mut writer, &render(output.format, &shown))?;
    }
    for (format, path) in &output.extra {
        std::fs::write(path, render(*format, &shown))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    if let Some(path) = &output.write_baseline {
        std::fs::write(path, JsonExporter.serialize(report))
            .map_err(|e| format!("cannot write baseline {}: {e}", path.display()))?;
    }
    if output.summary {
        eprintln!("{}", summary_line(report, started.elapsed()));
    }
    Ok(ExitStatus::for_report(report, output.fail_on))
}

/// The report as shown: without suppressed findings unless `--show-suppressed`.
fn shown(report: &Report, output: &OutputConfig) -> Report {
    if output.show_suppressed {
        report.clone()
    } else {
        suppress::without_suppressed(report)
    }
}

/// A whole report in one format.
fn render(format: Format, report: &Report) -> Vec<u8> {
    match format {
        Format::Json => JsonExporter.serialize(report),
        Format::Sarif => SarifExporter.serialize(report),
        Format::Table => TableExporter.serialize(report),
        Format::Jsonl => {
            let mut streamed = StreamedCounts::new();
            let mut bytes = Vec::new();
            for input in &report.inputs {
                bytes.extend(json::input_line(input));
                json::record_streamed(&mut streamed, input);
            }
            bytes.extend(json::summary_line(report, &streamed));
            bytes
        }
    }
}

fn run_explain(rule_id: &str) -> Result<ExitStatus, String> {
    let rule = catalogue::find(rule_id).ok_or_else(|| {
        let known: Vec<&str> = catalogue::all().iter().map(|r| r.id).collect();
        format!("no rule named {rule_id:?}; rules are: {}", known.join(", "))
    })?;
    let mut text = format!(
        "{} ({})\n{}\n\nWhy: {}\n\nFix: {}\n",
        rule.id, rule.severity, rule.title, rule.rationale, rule.fix
    );
    if let Some(policy) = catalogue::example_policy(rule.id) {
        text.push_str(&format!("\nExamples run with the policy:\n  {policy}\n"));
    }
    if !rule.fires_on.is_empty() {
        text.push_str("\nFires on:\n");
        for example in rule.fires_on {
            text.push_str(&format!(
                "  {}\n",
                crate::sanitize::escape_for_display(example)
            ));
        }
    }
    if !rule.passes.is_empty() {
        text.push_str("\nDoes not fire on:\n");
        for example in rule.passes {
            text.push_str(&format!(
                "  {}\n",
                crate::sanitize::escape_for_display(example)
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
    let bar = ProgressBar::new_spinner();
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} [{elapsed}]") {
        bar.set_style(style);
    }
    bar
}

fn open_output(output: &OutputConfig) -> Result<Box<dyn Write>, String> {
    match &output.output {
        Some(path) => File::create(path)
            .map(|f| Box::new(io::BufWriter::new(f)) as Box<dyn Write>)
            .map_err(|e| format!("cannot create {}: {e}", path.display())),
        None => Ok(Box::new(io::BufWriter::new(io::stdout()))),
    }
}

/// Writes the last bytes and flushes. A reader that went away (`| head`) is not an error.
fn finish_stream(writer: &mut Box<dyn Write>, bytes: &[u8]) -> Result<(), String> {
    match writer.write_all(bytes).and_then(|_| writer.flush()) {
        Err(err) if err.kind() != io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write the report: {err}"))
        }
        _ => Ok(()),
    }
}

fn write_stdout(bytes: &[u8]) -> Result<(), String> {
    let mut writer: Box<dyn Write> = Box::new(io::stdout());
    finish_stream(&mut writer, bytes)
}
