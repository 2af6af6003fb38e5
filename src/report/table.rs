//! The human-readable report: what a reviewer with 500 assets and a helpdesk person with one
//! screenshot read.
//!
//! Layout, top to bottom:
//! 1. the policy applied (file and SHA-256 prefix, or none; fail-on; allowed hosts and ports),
//!    and one line of totals: codes, distinct codes, inputs needing action;
//! 2. a grid with each distinct code once (see `distinct`), worst first: severity (or
//!    `suppressed (was high)` when a baseline or ignore entry accepts every finding), kind and
//!    host rather than a prefix of the URL, rule ids (when the width allows), how many inputs
//!    carry it and the first few locations;
//! 3. per distinct code, its full decoded text (escaped, redacted, wrapped and never cut), what
//!    it does, every location, then each finding once with evidence, fix and suggested URL;
//! 4. every input that could not be read, inputs without a code, skipped files (grouped by
//!    reason when there are many), the parts containers left out, and the run's notes.
//!
//! The width is given (the terminal's, `COLUMNS`, or 80); the layout never breaks a word
//! between two letters (see `layout`). Colour, when on, marks severities only.

use std::collections::HashSet;

use super::Exporter;
use super::distinct::{self, DistinctCode};
use super::layout::{Breaking, Cell, Column, Grid, Style, display_width, hanging};
use super::model::{AppliedPolicy, InputReport, Report, Status};
use crate::audit::Severity;
use crate::text::sanitize::{escape_for_display, shorten_for_display};

/// Locations listed in a grid row before "+N more".
const ROW_LOCATIONS: usize = 3;
/// Locations listed in a code's details before "+N more".
const DETAIL_LOCATIONS: usize = 10;
/// Skipped files are listed one by one up to this many, and grouped by reason beyond.
const SKIPPED_ONE_BY_ONE: usize = 5;
/// How many notes of left-out parts the table lists one by one.
const LEFT_OUT_LISTED: usize = 10;

pub struct TableExporter<'a> {
    /// Columns available.
    pub width: usize,
    /// Colour severities (terminal escape sequences).
    pub colour: bool,
    /// List suppressed findings in the details (they are counted either way).
    pub show_suppressed: bool,
    /// The policy the run applied, for the first line.
    pub policy: Option<&'a AppliedPolicy>,
    /// The run's fail-on threshold (`None`: never): what "needs action" is counted against.
    pub fail_on: Option<Severity>,
    /// `--sort`: the order of the distinct codes (default: worst first).
    pub sort: Option<super::view::SortOrder>,
}

impl Default for TableExporter<'_> {
    fn default() -> Self {
        TableExporter {
            width: 80,
            colour: false,
            show_suppressed: false,
            policy: None,
            fail_on: Some(Severity::Medium),
            sort: None,
        }
    }
}

/// The threshold inputs "need action" at: the fail-on level, or medium when findings never
/// fail the run (the run still has inputs someone should look at).
pub fn action_threshold(fail_on: Option<Severity>) -> Severity {
    fail_on.unwrap_or(Severity::Medium)
}

fn severity_style(severity: Severity) -> Style {
    match severity {
        Severity::Critical => Style::BoldRed,
        Severity::High => Style::Red,
        Severity::Medium => Style::Yellow,
        Severity::Low => Style::Cyan,
        Severity::Info => Style::Dim,
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl Exporter for TableExporter<'_> {
    fn serialize(&self, report: &Report) -> Vec<u8> {
        let mut groups = distinct::group(report);
        distinct::sort(&mut groups, self.sort);
        let mut out = String::new();
        if let Some(policy) = self.policy {
            out.push_str(&self.text(&policy_line(policy)));
        }
        out.push_str(&self.text(&self.totals(report, &groups)));
        if !groups.is_empty() {
            // Computed once: every row and every details block labels locations with it.
            let several = locations_with_several_codes(report);
            out.push_str(&self.grid(&groups, &several));
            for (number, group) in groups.iter().enumerate() {
                out.push('\n');
                out.push_str(&self.details(number + 1, group, &several));
            }
        }
        out.push_str(&self.unreadable_inputs(report));
        out.push_str(&self.inputs_without_codes(report));
        out.push_str(&self.skipped(report));
        out.push_str(&self.left_out(report));
        for note in &report.notes {
            out.push('\n');
            out.push_str(&hanging(
                "note: ",
                "      ",
                &escape_for_display(note),
                self.width,
            ));
        }
        out.into_bytes()
    }
}

/// `Policy: qraudit.toml (sha256 0123456789ab) · fail on high · 2 allowed hosts · any port`.
fn policy_line(policy: &AppliedPolicy) -> String {
    let file = match (policy.source.as_str(), &policy.path, &policy.sha256) {
        (source, Some(path), Some(sha)) => format!(
            "{}{} (sha256 {})",
            escape_for_display(path),
            match source {
                "discovered" => ", found walking up",
                "environment" => ", from QRAUDIT_POLICY",
                "user" => ", the user's config",
                _ => "",
            },
            &sha[..sha.len().min(12)]
        ),
        ("disabled", _, _) => "none (--no-policy)".to_string(),
        _ => "none (no qraudit.toml up to the repository root)".to_string(),
    };
    let hosts = match policy.allowed_hosts {
        0 => "hosts not checked".to_string(),
        n => plural(n, "allowed host", "allowed hosts"),
    };
    let ports = match policy.allowed_ports {
        0 => "any port".to_string(),
        n => plural(n, "allowed port", "allowed ports"),
    };
    format!(
        "Policy: {file} · fail on {} · {hosts} · {ports}",
        policy.fail_on
    )
}

impl TableExporter<'_> {
    /// A paragraph wrapped to the width.
    fn text(&self, text: &str) -> String {
        hanging("", "  ", text, self.width)
    }

    fn paint(&self, text: &str, style: Style) -> String {
        style.paint(text, self.colour)
    }

    fn totals(&self, report: &Report, groups: &[DistinctCode]) -> String {
        let s = &report.summary;
        if s.codes == 0 {
            return format!(
                "No QR codes found in {}.",
                plural(s.inputs as usize, "input", "inputs")
            );
        }
        let threshold = action_threshold(self.fail_on);
        let action = distinct::inputs_needing_action(report, threshold);
        format!(
            "{} ({} distinct) in {} · {} at or above {threshold}",
            plural(s.codes as usize, "code", "codes"),
            groups.len(),
            plural(s.inputs as usize, "input", "inputs"),
            match action {
                1 => "1 input needs action: a finding".to_string(),
                n => format!("{n} inputs need action: findings"),
            }
        )
    }

    /// The severity cell of a distinct code. A suppressed code says what it was on two lines,
    /// so that the column stays narrow (the details' heading has it on one).
    fn severity_cell(group: &DistinctCode) -> Cell {
        match (group.worst, group.suppressed_worst) {
            (Some(worst), _) => Cell::styled(worst.as_str(), severity_style(worst)),
            // A no-break space keeps "(was high)" on one line.
            (None, Some(was)) => Cell::styled(format!("suppressed\n(was\u{a0}{was})"), Style::Dim),
            (None, None) if group.code().text.is_none() => Cell::new("unreadable"),
            (None, None) => Cell::styled("ok", Style::Green),
        }
    }

    /// The grid of distinct codes. The widest layout that fits is used: all columns with words
    /// whole; all columns with paths broken between segments; without the rule ids (they are in
    /// the details) likewise; then breaking inside names; and below that, one paragraph per
    /// code.
    fn grid(&self, groups: &[DistinctCode], several: &HashSet<&str>) -> String {
        let rows: Vec<Vec<Cell>> = groups
            .iter()
            .enumerate()
            .map(|(i, group)| {
                let locations: Vec<String> = group
                    .occurrences
                    .iter()
                    .map(|o| location_label(&o.code.location, o.code.index, several))
                    .collect();
                vec![
                    Cell::new((i + 1).to_string()),
                    Self::severity_cell(group),
                    Cell::new(code_label(group)),
                    Cell::new(group.rules().join(", ")),
                    Cell::new(format!(
                        "{}: {}",
                        plural(group.inputs(), "input", "inputs"),
                        first_few(&locations, ROW_LOCATIONS)
                    )),
                ]
            })
            .collect();
        let headers = [
            ("#", false),
            ("Severity", false),
            ("Code", true),
            ("Rules", false),
            ("Found in", true),
        ];
        let grid_of = |keep: &dyn Fn(usize) -> bool| Grid {
            columns: headers
                .iter()
                .enumerate()
                .filter(|(c, _)| keep(*c))
                .map(|(_, (header, breakable))| Column {
                    header: header.to_string(),
                    breakable: *breakable,
                })
                .collect(),
            rows: rows
                .iter()
                .map(|row| {
                    row.iter()
                        .enumerate()
                        .filter(|(c, _)| keep(*c))
                        .map(|(_, cell)| cell.clone())
                        .collect()
                })
                .collect(),
        };
        let full = grid_of(&|_| true);
        let without_rules = grid_of(&|c| c != 3);
        // No code has a counting finding: an empty Rules column would only take room.
        let any_rules = rows.iter().any(|row| !row[3].text.is_empty());
        let full = if any_rules {
            full
        } else {
            without_rules.clone()
        };
        let attempts = [
            (&full, Breaking::Never),
            (&full, Breaking::Segments),
            (&without_rules, Breaking::Never),
            (&without_rules, Breaking::Segments),
            (&without_rules, Breaking::Anywhere),
        ];
        for (grid, breaking) in attempts {
            if let Some(widths) = grid.widths(self.width, breaking) {
                return grid.render(&widths, self.colour);
            }
        }
        // Narrower still: one paragraph per code.
        without_rules
            .rows
            .iter()
            .map(|row| {
                self.text(&format!(
                    "[{}] {} · {} · {}",
                    row[0].text, row[1].text, row[2].text, row[3].text
                ))
            })
            .collect()
    }

    fn details(&self, number: usize, group: &DistinctCode, several: &HashSet<&str>) -> String {
        let code = group.code();
        let width = self.width;
        let severity = Self::severity_cell(group);
        let mut out = String::new();
        let severity = Cell {
            text: severity.text.replace(['\n', '\u{a0}'], " "),
            ..severity
        };
        let heading = format!(
            "[{number}] {} · {} · {}",
            severity.text,
            code_label(group),
            plural(group.inputs(), "input", "inputs")
        );
        out.push_str(&self.paint_first(&hanging("", "    ", &heading, width), &severity));
        let field = |out: &mut String, label: &str, text: &str| {
            let indent = " ".repeat(4 + display_width(label) + 2);
            out.push_str(&hanging(&format!("    {label}: "), &indent, text, width));
        };
        match &code.text {
            Some(text) => field(&mut out, "text", &escape_for_display(text)),
            None => field(
                &mut out,
                "text",
                "(none: a code is visible but could not be read)",
            ),
        }
        field(&mut out, "payload", &escape_for_display(&code.summary));
        if let Some(description) = &code.description {
            field(&mut out, "what it does", &escape_for_display(description));
        }
        let locations: Vec<String> = group
            .occurrences
            .iter()
            .map(|o| location_label(&o.code.location, o.code.index, several))
            .collect();
        let mut found_in = first_few(&locations, DETAIL_LOCATIONS);
        if locations.len() > DETAIL_LOCATIONS {
            found_in.push_str(" (all of them: --format json, distinct_codes[].locations)");
        }
        field(&mut out, "found in", &found_in);
        for distinct_finding in &group.findings {
            let finding = distinct_finding.finding;
            if finding.suppressed.is_some() && !self.show_suppressed {
                continue;
            }
            let suppressed = finding
                .suppressed
                .as_ref()
                .map(|s| {
                    format!(
                        ", suppressed by {}: {}",
                        s.by,
                        escape_for_display(&s.reason)
                    )
                })
                .unwrap_or_default();
            let tag = format!("[{}{suppressed}]", finding.severity);
            let line = hanging(
                "    ",
                "      ",
                &format!(
                    "{tag} {}: {}",
                    finding.rule,
                    escape_for_display(&finding.message)
                ),
                width,
            );
            out.push_str(&line.replacen(
                &tag,
                &self.paint(&tag, severity_style(finding.severity)),
                1,
            ));
            let sub = |out: &mut String, label: &str, text: &str| {
                let indent = " ".repeat(8 + display_width(label) + 2);
                out.push_str(&hanging(
                    &format!("        {label}: "),
                    &indent,
                    text,
                    width,
                ));
            };
            if distinct_finding.occurrences.len() < group.occurrences.len() {
                let only: Vec<String> = distinct_finding
                    .occurrences
                    .iter()
                    .map(|&i| locations[i].clone())
                    .collect();
                sub(
                    &mut out,
                    "only at",
                    &format!(
                        "{} ({} of {})",
                        first_few(&only, DETAIL_LOCATIONS),
                        only.len(),
                        group.occurrences.len()
                    ),
                );
            }
            if let Some(evidence) = &finding.evidence {
                sub(&mut out, "evidence", &escape_for_display(evidence));
            }
            if let Some(fix) = &finding.fix {
                sub(&mut out, "fix", &escape_for_display(fix));
            }
            if let Some(url) = &finding.suggested_url {
                sub(&mut out, "suggested", &escape_for_display(url));
            }
        }
        let suppressed = group.suppressed_count();
        if suppressed > 0 && !self.show_suppressed {
            out.push_str(&hanging(
                "    ",
                "    ",
                &format!(
                    "{} suppressed (baseline or ignore entry); --show-suppressed lists them",
                    plural(suppressed, "finding", "findings")
                ),
                width,
            ));
        }
        if let Some(url) = &code.fixed_url {
            field(&mut out, "fixed (every safe fix)", &escape_for_display(url));
        }
        out
    }

    /// Colours the first word of a heading like its severity cell.
    fn paint_first(&self, text: &str, cell: &Cell) -> String {
        match text.find(&cell.text) {
            Some(at) if self.colour => format!(
                "{}{}{}",
                &text[..at],
                cell.style.paint(&cell.text, true),
                &text[at + cell.text.len()..]
            ),
            _ => text.to_string(),
        }
    }

    /// The bold title line that opens one of the closing lists.
    fn list_heading(&self, title: &str) -> String {
        format!("\n{}:\n", self.paint(title, Style::Bold))
    }

    /// One indented `what: why` line of the closing lists, wrapped with a hanging indent.
    fn listed(&self, what: &str, why: &str) -> String {
        hanging("  ", "      ", &format!("{what}: {why}"), self.width)
    }

    fn unreadable_inputs(&self, report: &Report) -> String {
        let failed = with_status(report, Status::Error);
        if failed.is_empty() {
            return String::new();
        }
        let mut out = self.list_heading(&format!(
            "{} could not be read",
            plural(failed.len(), "input", "inputs")
        ));
        for input in failed {
            out.push_str(&self.listed(
                &escape_for_display(&input.path),
                &escape_for_display(input.error.as_deref().unwrap_or("error")),
            ));
        }
        out
    }

    fn inputs_without_codes(&self, report: &Report) -> String {
        let empty: Vec<String> = with_status(report, Status::NoCode)
            .iter()
            .map(|i| escape_for_display(&i.path))
            .collect();
        if empty.is_empty() {
            return String::new();
        }
        format!(
            "\n{}",
            hanging(
                "",
                "  ",
                &format!(
                    "{} without a code: {}",
                    plural(empty.len(), "input", "inputs"),
                    first_few(&empty, DETAIL_LOCATIONS)
                ),
                self.width
            )
        )
    }

    /// What containers left out on purpose (an image a page loads from the network, a file
    /// outside the scanned folders, a drawing not rendered): each input's notes, which start
    /// with the location, the first `LEFT_OUT_LISTED` of them one per line.
    fn left_out(&self, report: &Report) -> String {
        let notes: Vec<&String> = report
            .inputs
            .iter()
            .flat_map(|input| &input.warnings)
            .collect();
        if notes.is_empty() {
            return String::new();
        }
        let mut out = self.list_heading(&format!(
            "{} (not scanned)",
            plural(notes.len(), "part left out", "parts left out")
        ));
        for note in notes.iter().take(LEFT_OUT_LISTED) {
            out.push_str(&hanging(
                "  ",
                "      ",
                &escape_for_display(note),
                self.width,
            ));
        }
        if notes.len() > LEFT_OUT_LISTED {
            out.push_str(&format!(
                "  +{} more (--format json lists them under each input's warnings)\n",
                notes.len() - LEFT_OUT_LISTED
            ));
        }
        out
    }

    /// Skipped files: one by one when few, grouped by reason when many.
    fn skipped(&self, report: &Report) -> String {
        let skipped = with_status(report, Status::Skipped);
        if skipped.is_empty() {
            return String::new();
        }
        let reason = |i: &InputReport| escape_for_display(i.reason.as_deref().unwrap_or("skipped"));
        let mut out = String::from("\n");
        if skipped.len() <= SKIPPED_ONE_BY_ONE {
            out.push_str(&format!("{} skipped (not scanned):\n", skipped.len()));
            for input in skipped {
                out.push_str(&self.listed(&escape_for_display(&input.path), &reason(input)));
            }
            return out;
        }
        // Groups in order of size, then of first appearance.
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        for input in &skipped {
            let why = reason(input);
            let path = escape_for_display(&input.path);
            match groups.iter_mut().find(|(r, _)| *r == why) {
                Some((_, paths)) => paths.push(path),
                None => groups.push((why, vec![path])),
            }
        }
        groups.sort_by_key(|(_, paths)| std::cmp::Reverse(paths.len()));
        let counts: Vec<String> = groups
            .iter()
            .map(|(why, paths)| format!("{} {why}", paths.len()))
            .collect();
        out.push_str(&self.text(&format!(
            "{} skipped (not scanned): {}",
            skipped.len(),
            counts.join(", ")
        )));
        for (why, paths) in &groups {
            out.push_str(&self.listed(why, &first_few(paths, ROW_LOCATIONS)));
        }
        out
    }
}

/// The inputs of one status, in walk order.
fn with_status(report: &Report, status: Status) -> Vec<&InputReport> {
    report
        .inputs
        .iter()
        .filter(|i| i.status == status)
        .collect()
}

/// `a, b, c +4 more`.
fn first_few(items: &[String], shown: usize) -> String {
    let mut text = items
        .iter()
        .take(shown)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > shown {
        text.push_str(&format!(" +{} more", items.len() - shown));
    }
    text
}

/// Locations that hold more than one code (a sheet, a mail body with several links): their
/// codes are told apart by number.
fn locations_with_several_codes(report: &Report) -> HashSet<&str> {
    report
        .inputs
        .iter()
        .flat_map(|i| &i.codes)
        .filter(|c| c.index > 1)
        .map(|c| c.location.as_str())
        .collect()
}

fn location_label(location: &str, index: u32, several: &HashSet<&str>) -> String {
    let shown = escape_for_display(location);
    if several.contains(location) {
        // A no-break space: the number stays with its location when a line wraps.
        format!("{shown}\u{a0}#{index}")
    } else {
        shown
    }
}

/// What a code is, in a few words: its kind and the host (or network, issuer, name) it points
/// at. Never a prefix of the text: the details show the whole text.
fn code_label(group: &DistinctCode) -> String {
    // A kind is ours (`finish::read` refuses others), escaped all the same: the table is where
    // a stray control character would reach a terminal.
    let kind = escape_for_display(group.kind());
    let code = group.code();
    match code.payload.subject() {
        Some(subject) => format!("{kind} {}", escape_for_display(&subject)),
        None if kind == "text" => match &code.text {
            Some(text) => format!("text \"{}\"", shorten_for_display(text, 24)),
            None => kind.clone(),
        },
        None => kind,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::model::{Suppression, Tool};
    use crate::scan::analyze::{AnalysisOptions, analyze_text};

    fn report(inputs: &[(&str, &[&str])]) -> Report {
        let mut report = Report {
            schema_version: 1,
            tool: Tool::this(),
            summary: Default::default(),
            notes: Vec::new(),
            fingerprint_version: 2,
            inputs: inputs
                .iter()
                .map(|(path, texts)| {
                    let mut input =
                        crate::finish::model::InputEntry::new(*path, Status::Ok).into_wire();
                    for (i, text) in texts.iter().enumerate() {
                        let options = AnalysisOptions::default();
                        input.codes.push(
                            analyze_text(
                                &crate::source::Provenance::of_input(path),
                                i as u32 + 1,
                                text,
                                &options,
                            )
                            .into_report(),
                        );
                    }
                    input
                })
                .collect(),
        };
        report.recount();
        report
    }

    fn render(report: &Report, width: usize) -> String {
        let exporter = TableExporter {
            width,
            ..TableExporter::default()
        };
        String::from_utf8(exporter.serialize(report)).unwrap()
    }

    const LONG: &str = "hclsametime://jdoe:hunter2@stproxy.example.com:8443/?action=AddCommunity&communityName=Sales%20Team%20Europe%20North&allowUntrustedSSL=true";

    #[test]
    fn the_full_text_is_shown_redacted_and_never_cut() {
        let r = report(&[("a.png", &[LONG]), ("b.png", &[LONG])]);
        let out = render(&r, 80);
        assert!(!out.contains("hunter2"), "{out}");
        let masked = LONG.replace("hunter2", "********");
        // The text's lines, joined back, are the whole (masked) text.
        let text_lines: Vec<&str> = out
            .lines()
            .skip_while(|l| !l.starts_with("    text: "))
            .take_while(|l| !l.starts_with("    payload: "))
            .map(|l| l.trim_start().trim_start_matches("text: "))
            .collect();
        assert_eq!(text_lines.concat(), masked, "{out}");
        for line in out.lines() {
            assert!(display_width(line) <= 80, "{line}");
        }
        // One distinct code: one row, found in two inputs.
        assert!(out.contains("2 codes (1 distinct) in 2 inputs"), "{out}");
    }

    #[test]
    fn rows_show_kind_and_host_not_a_url_prefix() {
        let r = report(&[("a.png", &[LONG, "WIFI:T:WPA;S:Guest;P:pw;;", "hello there"])]);
        let out = render(&r, 120);
        assert!(out.contains("sametime stproxy.example.com:8443"), "{out}");
        assert!(out.contains("wifi Guest"), "{out}");
        assert!(out.contains("text \"hello there\""), "{out}");
        assert!(!out.contains("┆ hclsametime://"), "{out}");
    }

    #[test]
    fn suppressed_codes_say_what_they_were() {
        let mut r = report(&[("a.png", &[LONG])]);
        for f in &mut r.inputs[0].codes[0].findings {
            f.suppressed = Some(Suppression {
                by: crate::report::model::SuppressedBy::Baseline,
                reason: "old.json".into(),
            });
        }
        r.recount();
        let out = render(&r, 100);
        assert!(out.contains("suppressed (was critical)"), "{out}");
        assert!(out.contains("--show-suppressed lists them"), "{out}");
        assert!(!out.contains("untrusted-ssl:"), "{out}");
    }

    #[test]
    fn many_skipped_files_are_grouped_by_reason() {
        let mut r = report(&[]);
        for (path, why) in [
            ("a.txt", "not an image (text)"),
            ("b.css", "not an image (text)"),
            ("c.txt", "not an image (text)"),
            ("d.docx", "Office document"),
            ("e.docx", "Office document"),
            ("f.bin", "unknown binary data"),
        ] {
            let mut input =
                crate::finish::model::InputEntry::new(path, Status::Skipped).into_wire();
            input.reason = Some(why.to_string());
            r.inputs.push(input);
        }
        r.recount();
        let out = render(&r, 100);
        assert!(
            out.contains(
                "6 skipped (not scanned): 3 not an image (text), 2 Office document, 1 unknown binary data"
            ),
            "{out}"
        );
        assert!(out.contains("  Office document: d.docx, e.docx\n"), "{out}");
    }
}
