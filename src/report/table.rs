//! The human-readable report: a table of codes, then the details of every finding.
//!
//! One row per code (location, code number, kind, the text shortened and escaped, worst
//! severity, rule ids) and one per input that could not be read. Inputs without codes and
//! skipped files are only counted in the summary, as ripgrep does not list files without
//! matches. Below the table each finding is spelled out with its fix, and each Sametime code
//! with the community the app will create: that is what a helpdesk reads to a user.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};

use super::Exporter;
use super::model::{Report, Status};
use crate::sanitize::{escape_for_display, shorten_for_display};

/// comfy-table fits the table to the terminal itself; written to a file or pipe it is not wrapped.
pub struct TableExporter;

impl Exporter for TableExporter {
    fn serialize(&self, report: &Report) -> Vec<u8> {
        let mut out = String::new();
        let mut table = Table::new();
        table
            .load_preset(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_header(["Location", "#", "Kind", "Content", "Worst", "Findings"]);
        let mut rows = 0;
        for input in &report.inputs {
            if input.status == Status::Error {
                let error = input.error.as_deref().unwrap_or("error");
                table.add_row([
                    escape_for_display(&input.path),
                    String::new(),
                    "error".to_string(),
                    escape_for_display(error),
                    String::new(),
                    String::new(),
                ]);
                rows += 1;
            }
            for code in &input.codes {
                let kind = code
                    .payload
                    .get("kind")
                    .and_then(|k| k.as_str())
                    .unwrap_or("?");
                let content = match &code.text {
                    Some(text) => shorten_for_display(text, 60),
                    None => "(unreadable)".to_string(),
                };
                let mut rules: Vec<&str> = code.findings.iter().map(|f| f.rule.as_str()).collect();
                rules.dedup();
                table.add_row([
                    escape_for_display(&code.location),
                    code.index.to_string(),
                    kind.to_string(),
                    content,
                    code.worst()
                        .map(|s| s.to_string())
                        .unwrap_or_else(|| "-".to_string()),
                    rules.join(", "),
                ]);
                rows += 1;
            }
        }
        if rows == 0 {
            out.push_str("No QR codes found.\n");
        } else {
            out.push_str(&table.to_string());
            out.push('\n');
        }
        for input in &report.inputs {
            for code in &input.codes {
                if code.description.is_none()
                    && code.findings.is_empty()
                    && code.fixed_url.is_none()
                {
                    continue;
                }
                out.push_str(&format!(
                    "\n{} #{}: {}\n",
                    escape_for_display(&code.location),
                    code.index,
                    escape_for_display(&code.summary)
                ));
                if let Some(description) = &code.description {
                    out.push_str(&format!("  {}\n", escape_for_display(description)));
                }
                for finding in &code.findings {
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
                    out.push_str(&format!(
                        "  [{}{suppressed}] {}: {}\n",
                        finding.severity,
                        finding.rule,
                        escape_for_display(&finding.message)
                    ));
                    if let Some(evidence) = &finding.evidence {
                        out.push_str(&format!(
                            "      evidence: {}\n",
                            escape_for_display(evidence)
                        ));
                    }
                    if let Some(fix) = &finding.fix {
                        out.push_str(&format!("      fix: {}\n", escape_for_display(fix)));
                    }
                    if let Some(url) = &finding.suggested_url {
                        out.push_str(&format!("      suggested: {}\n", escape_for_display(url)));
                    }
                }
                if let Some(url) = &code.fixed_url {
                    out.push_str(&format!(
                        "  fixed (every safe fix): {}\n",
                        escape_for_display(url)
                    ));
                }
            }
        }
        for note in &report.notes {
            out.push_str(&format!("\nnote: {note}\n"));
        }
        out.into_bytes()
    }
}
