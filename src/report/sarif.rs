//! SARIF 2.1.0 output, for GitHub code scanning and other SARIF consumers.
//!
//! Every rule of the catalogue is listed in `tool.driver.rules` (with help text, default level
//! and `security-severity`), every finding is a result. Images have no lines, but GitHub wants a
//! `region`, so each result is on line 1 with the code's redacted text as its snippet; and
//! because GitHub computes its own fingerprints only from a text line, every
//! code in one image would collapse into one alert unless the result carries its own
//! `partialFingerprints.primaryLocationLineHash`: that is the finding's fingerprint. The code's
//! bounding box goes into `attachments[].rectangles`, the location inside a container and the
//! code number into the message and `properties`.
//!
//! Artifact URIs: GitHub resolves a relative `uri` against the repository checkout. When the
//! fingerprint root is known (a scan: `--fingerprint-root`, else git's top level, else the
//! policy's folder, else the working folder), the URI is the input's path relative to it
//! (`relative_path`), under `uriBaseId` `%SRCROOT%`, and `run.originalUriBaseIds` says which
//! folder `%SRCROOT%` is, so the same file has the same URI however the scan was started.
//! Otherwise (`merge` of reports) the URI is the input path as given (relative to the
//! working directory), percent-encoded, under `%SRCROOT%`. An absolute path outside
//! the working directory is written as a `file://` URI without a base id (a base id requires a
//! relative reference). Fingerprints, by contrast, use the path relative to the scan root so that
//! they survive moving the root.

use serde_json::{Value, json};

use super::Exporter;
use super::model::{CodeReport, FindingReport, InputReport, Report, Status};
use crate::audit::Severity;
use crate::audit::catalogue::{self, Rule};
use crate::text::sanitize::escape_json_output;

pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Debug, Default)]
pub struct SarifExporter {
    /// The fingerprint root, absolute, when the run knows it (see the module comment).
    pub root: Option<std::path::PathBuf>,
}

impl Exporter for SarifExporter {
    fn serialize(&self, report: &Report) -> Vec<u8> {
        let mut log = sarif_log(report, self.root.is_some());
        if let Some(root) = &self.root {
            let mut uri = format!("file://{}", encode_path(&root.to_string_lossy()));
            if !uri.ends_with('/') {
                uri.push('/');
            }
            log["runs"][0]["originalUriBaseIds"] = json!({
                "%SRCROOT%": {
                    "uri": uri,
                    "description": { "text": "The fingerprint root: result URIs and fingerprints are relative to it." },
                }
            });
        }
        let text = serde_json::to_string_pretty(&log).unwrap_or_default();
        let mut out = escape_json_output(&text).into_bytes();
        out.push(b'\n');
        out
    }
}

/// SARIF level for a severity: critical and high are errors, medium a warning, the rest notes.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` scale: over 9.0 critical, 7.0–8.9 high, 4.0–6.9 medium,
/// 0.1–3.9 low.
pub fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

fn sarif_log(report: &Report, rooted: bool) -> Value {
    let rules = catalogue::all();
    let results: Vec<Value> = report
        .inputs
        .iter()
        .flat_map(|input| {
            input.codes.iter().flat_map(move |code| {
                code.findings
                    .iter()
                    .map(move |finding| result(input, code, finding, rules, rooted))
            })
        })
        .collect();
    let notifications: Vec<Value> = report
        .inputs
        .iter()
        .filter(|i| i.status == Status::Error)
        .map(|input| {
            json!({
                "level": "error",
                "message": { "text": format!("{}: {}", input.path, input.error.as_deref().unwrap_or("error")) },
                "locations": [{ "physicalLocation": { "artifactLocation": input_location(input, rooted) } }],
            })
        })
        .collect();
    json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": report.tool.name,
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "rules": rules.iter().map(rule_descriptor).collect::<Vec<_>>(),
            }},
            "invocations": [{
                "executionSuccessful": report.summary.errors == 0,
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": { "summary": report.summary, "notes": report.notes },
        }],
    })
}

fn rule_descriptor(rule: &Rule) -> Value {
    let mut descriptor = json!({
        "id": rule.id,
        "name": camel_case(rule.id),
        "shortDescription": { "text": rule.title },
        "fullDescription": { "text": rule.rationale },
        "help": {
            "text": format!("{}\n\nFix: {}", rule.rationale, rule.fix),
            "markdown": format!("**{}**\n\n{}\n\n**Fix:** {}", rule.title, rule.rationale, rule.fix),
        },
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": {
            "security-severity": security_severity(rule.severity),
            "problem.severity": level(rule.severity),
            "precision": "high",
            "tags": ["security", "qr-code", rule.severity.as_str()],
        },
    });
    if let (Some(uri), Some(object)) = (rule.help_uri(), descriptor.as_object_mut()) {
        object.insert("helpUri".to_string(), Value::String(uri));
    }
    descriptor
}

fn result(
    input: &InputReport,
    code: &CodeReport,
    finding: &FindingReport,
    rules: &[Rule],
    rooted: bool,
) -> Value {
    let where_ = if code.location == input.path {
        format!("code #{} in {}", code.index, input.path)
    } else {
        format!("code #{} at {}", code.index, code.location)
    };
    let mut result = json!({
        "ruleId": finding.rule,
        "level": level(finding.severity),
        "message": { "text": format!("{where_}: {}", finding.message) },
        "locations": [{ "physicalLocation": {
            "artifactLocation": input_location(input, rooted),
            "region": region(code),
        } }],
        "partialFingerprints": { "primaryLocationLineHash": finding.fingerprint },
        "properties": {
            "severity": finding.severity,
            "location": code.location,
            "index": code.index,
            "payloadKind": code.payload.kind(),
            "evidence": finding.evidence,
            "fix": finding.fix,
            "suggestedUrl": finding.suggested_url,
        },
    });
    if let Some(index) = rules.iter().position(|r| r.id == finding.rule) {
        result["ruleIndex"] = json!(index);
    }
    if let Some(symbol) = &code.symbol {
        let xs = symbol.corners.iter().map(|c| c[0]);
        let ys = symbol.corners.iter().map(|c| c[1]);
        let (left, right) = (
            xs.clone().fold(f32::INFINITY, f32::min),
            xs.fold(f32::NEG_INFINITY, f32::max),
        );
        let (top, bottom) = (
            ys.clone().fold(f32::INFINITY, f32::min),
            ys.fold(f32::NEG_INFINITY, f32::max),
        );
        result["attachments"] = json!([{
            "description": { "text": format!("QR code #{} (corners in image pixels)", code.index) },
            "artifactLocation": input_location(input, rooted),
            "rectangles": [{
                "top": top.max(0.0), "left": left.max(0.0), "bottom": bottom.max(0.0), "right": right.max(0.0),
                "message": { "text": format!("QR code #{}", code.index) },
            }],
        }]);
    }
    if let Some(suppression) = &finding.suppressed {
        result["suppressions"] = json!([{
            "kind": "external",
            "status": "accepted",
            "justification": format!("{}: {}", suppression.by, suppression.reason),
        }]);
    }
    result
}

/// The region of a result: an image has no lines, but code scanning wants one (GitHub's
/// ingestion rule GH1003 asks for `region.startLine`), so every result is on line 1, with the
/// code's decoded text (redacted like every string of the report) as the snippet a reviewer
/// sees in the alert.
fn region(code: &CodeReport) -> Value {
    let mut region = json!({ "startLine": 1 });
    if let Some(text) = &code.text {
        region["snippet"] = json!({ "text": text });
    }
    region
}

/// The artifact location of an input: relative to the fingerprint root when `rooted` and the
/// input lies inside it, else as `artifact_location` makes it.
fn input_location(input: &InputReport, rooted: bool) -> Value {
    let inside = !input.relative_path.is_empty()
        && !input.relative_path.starts_with('/')
        && input.path != "-";
    if rooted && inside {
        json!({ "uri": encode_path(&input.relative_path), "uriBaseId": "%SRCROOT%" })
    } else {
        artifact_location(&input.path)
    }
}

/// The artifact location of an input path (see the module comment).
fn artifact_location(path: &str) -> Value {
    let as_path = std::path::Path::new(path);
    let relative = if as_path.is_absolute() {
        std::env::current_dir().ok().and_then(|cwd| {
            as_path
                .strip_prefix(cwd)
                .ok()
                .map(|p| p.to_string_lossy().into_owned())
        })
    } else {
        Some(path.trim_start_matches("./").to_string())
    };
    match relative {
        Some(relative) => json!({ "uri": encode_path(&relative), "uriBaseId": "%SRCROOT%" }),
        None => json!({ "uri": format!("file://{}", encode_path(path)) }),
    }
}

/// Percent-encodes a path for a URI, keeping `/` as the separator. `:` is encoded too, so that
/// a first segment like `text:1` is never read as a URI scheme.
fn encode_path(path: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(path, KEEP).to_string()
}

fn camel_case(id: &str) -> String {
    id.split('-')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_the_issue() {
        assert_eq!(level(Severity::Critical), "error");
        assert_eq!(level(Severity::High), "error");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Low), "note");
        assert_eq!(level(Severity::Info), "note");
    }

    #[test]
    fn paths_become_relative_uris() {
        assert_eq!(
            artifact_location("./assets/my qr.png")["uri"],
            "assets/my%20qr.png"
        );
        assert_eq!(artifact_location("text:1")["uri"], "text%3A1");
        assert_eq!(
            artifact_location("/nonexistent-root/x.png")["uri"],
            "file:///nonexistent-root/x.png"
        );
        assert!(
            artifact_location("/nonexistent-root/x.png")
                .get("uriBaseId")
                .is_none()
        );
        assert_eq!(camel_case("embedded-password"), "EmbeddedPassword");
    }
}
