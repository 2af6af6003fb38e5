//! JSON and JSON Lines output.
//!
//! `--format json` writes one document (schema in `docs/report-schema.json`). `--format jsonl`
//! writes one object per input, each as soon as that input is done, for trees too large to wait
//! for; the last line is `{"type": "summary", ...}` with the run's summary and the findings of
//! the cross-code rules, which can only be known once every input is in, and the run's
//! `distinct_codes`.

use std::borrow::Cow;

use serde::Serialize;

use super::Exporter;
use super::distinct::{self, DistinctCodeJson};
use super::model::{AppliedPolicy, FindingReport, InputReport, Report, Summary, Tool};
use crate::text::sanitize::escape_json_output;

/// JSON (and the closing line of JSON Lines). The document lists the inputs as they were
/// scanned, and before them `distinct_codes`, the run's codes grouped by payload (see
/// `distinct`), computed from every finding, suppressed ones included, so that a code whose
/// findings a baseline accepts still says what it was.
pub struct JsonExporter<'a> {
    /// The policy the run applied (`policy`), when known.
    pub policy: Option<&'a AppliedPolicy>,
    /// Keep suppressed findings in `inputs` (they are hidden by default).
    pub show_suppressed: bool,
}

/// What the JSON document and the closing JSONL line both begin with.
#[derive(Serialize)]
struct RunHead<'a> {
    schema_version: u32,
    tool: &'a Tool,
    summary: &'a Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<&'a AppliedPolicy>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    notes: &'a [String],
    fingerprint_version: u32,
}

/// The JSON document; its field order is the order in the file.
#[derive(Serialize)]
struct Document<'a> {
    #[serde(flatten)]
    head: RunHead<'a>,
    distinct_codes: Vec<DistinctCodeJson<'a>>,
    inputs: &'a [InputReport],
}

impl JsonExporter<'_> {
    fn head<'r>(&self, report: &'r Report) -> RunHead<'r>
    where
        Self: 'r,
    {
        RunHead {
            schema_version: report.schema_version,
            tool: &report.tool,
            summary: &report.summary,
            policy: self.policy,
            notes: &report.notes,
            fingerprint_version: report.fingerprint_version,
        }
    }

    /// The report as shown: without suppressed findings unless `show_suppressed`.
    fn shown<'r>(&self, report: &'r Report) -> Cow<'r, Report> {
        if self.show_suppressed {
            Cow::Borrowed(report)
        } else {
            Cow::Owned(super::without_suppressed(report))
        }
    }
}

impl Exporter for JsonExporter<'_> {
    fn serialize(&self, report: &Report) -> Vec<u8> {
        let groups = distinct::group(report);
        let shown = self.shown(report);
        let document = Document {
            head: self.head(report),
            distinct_codes: groups.iter().map(|g| g.to_json()).collect(),
            inputs: &shown.inputs,
        };
        let text = serde_json::to_string_pretty(&document).unwrap_or_default();
        let mut out = escape_json_output(&text).into_bytes();
        out.push(b'\n');
        out
    }
}

#[derive(Serialize)]
struct InputLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    input: &'a InputReport,
}

/// One JSONL line for a finished input.
pub fn input_line(input: &InputReport) -> Vec<u8> {
    line(&InputLine {
        kind: "input",
        input,
    })
}

/// A finding added after its input's line was written (the cross-code rules).
#[derive(Serialize)]
struct LateFinding<'a> {
    path: &'a str,
    location: &'a str,
    index: u32,
    finding: &'a FindingReport,
}

#[derive(Serialize)]
struct SummaryLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    head: RunHead<'a>,
    late_findings: Vec<LateFinding<'a>>,
    distinct_codes: Vec<DistinctCodeJson<'a>>,
}

/// How many findings each code had when its input's line was written, keyed by
/// (location, index): what `summary_line` needs to list only the findings added later.
pub type StreamedCounts = std::collections::HashMap<(String, u32), usize>;

/// Records an input whose line was written.
pub fn record_streamed(counts: &mut StreamedCounts, input: &InputReport) {
    for code in &input.codes {
        counts.insert((code.location.clone(), code.index), code.findings.len());
    }
}

impl JsonExporter<'_> {
    /// The closing JSONL line of the whole `report` (suppressed findings included; they are
    /// left out of `late_findings` as they were left out of the input lines, unless
    /// `show_suppressed`).
    pub fn summary_line(&self, report: &Report, streamed: &StreamedCounts) -> Vec<u8> {
        let shown = self.shown(report);
        let mut late_findings = Vec::new();
        for input in &shown.inputs {
            for code in &input.codes {
                let already = streamed
                    .get(&(code.location.clone(), code.index))
                    .copied()
                    .unwrap_or(0);
                for finding in code.findings.iter().skip(already) {
                    late_findings.push(LateFinding {
                        path: &input.path,
                        location: &code.location,
                        index: code.index,
                        finding,
                    });
                }
            }
        }
        let groups = distinct::group(report);
        line(&SummaryLine {
            kind: "summary",
            head: self.head(report),
            late_findings,
            distinct_codes: groups.iter().map(|g| g.to_json()).collect(),
        })
    }
}

fn line(value: &impl Serialize) -> Vec<u8> {
    let text = serde_json::to_string(value).unwrap_or_default();
    let mut out = escape_json_output(&text).into_bytes();
    out.push(b'\n');
    out
}
