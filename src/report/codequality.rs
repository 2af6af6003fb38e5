//! `--format codequality`: GitLab's Code Quality report (a JSON array of issues), which a merge
//! request shows as a widget and a diff annotation (`artifacts: reports: codequality:`).
//!
//! Each listed finding is one issue: `description` (where the code is and what is wrong),
//! `check_name` (the rule), `fingerprint` (the finding's own, stable across runs and scan roots),
//! `severity` (critical → blocker, high → critical, medium → major, low → minor, info → info)
//! and `location.path` (the path relative to the fingerprint root, which is the repository's top
//! level in a CI checkout) with `lines.begin` 1, as an image has no lines. GitLab renders the
//! description as text; it is redacted and its control characters escaped like the table's.

use serde_json::{Value, json};

use super::Exporter;
use super::model::Report;
use crate::audit::Severity;
use crate::text::sanitize::{escape_for_display, escape_json_output};

pub struct CodeQualityExporter;

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "blocker",
        Severity::High => "critical",
        Severity::Medium => "major",
        Severity::Low => "minor",
        Severity::Info => "info",
    }
}

impl Exporter for CodeQualityExporter {
    fn serialize(&self, report: &Report) -> Vec<u8> {
        let mut issues: Vec<Value> = Vec::new();
        for input in &report.inputs {
            let path = if input.relative_path.is_empty() {
                &input.path
            } else {
                &input.relative_path
            };
            for code in &input.codes {
                for finding in &code.findings {
                    issues.push(json!({
                        "type": "issue",
                        "description": escape_for_display(&format!(
                            "code #{} at {}: {}", code.index, code.location, finding.message
                        )),
                        "check_name": finding.rule,
                        "fingerprint": finding.fingerprint,
                        "severity": severity(finding.severity),
                        "location": { "path": path, "lines": { "begin": 1 } },
                    }));
                }
            }
        }
        let text = serde_json::to_string_pretty(&issues).unwrap_or_default();
        let mut out = escape_json_output(&text).into_bytes();
        out.push(b'\n');
        out
    }
}
