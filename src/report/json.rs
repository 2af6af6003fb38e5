//! JSON and JSON Lines output.
//!
//! `--format json` writes one document (schema in `docs/report-schema.json`). `--format jsonl`
//! writes one object per input, each as soon as that input is done, for trees too large to wait
//! for; the last line is `{"type": "summary", ...}` with the run's summary and the findings of
//! the cross-code rules, which can only be known once every input is in.

use serde::Serialize;

use super::Exporter;
use super::model::{FindingReport, InputReport, Report, Summary, Tool};
use crate::sanitize::escape_json_output;

pub struct JsonExporter;

impl Exporter for JsonExporter {
    fn serialize(&self, report: &Report) -> Vec<u8> {
        let text = serde_json::to_string_pretty(report).unwrap_or_default();
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
    schema_version: u32,
    tool: &'a Tool,
    summary: &'a Summary,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    notes: &'a [String],
    late_findings: Vec<LateFinding<'a>>,
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

/// The closing JSONL line.
pub fn summary_line(report: &Report, streamed: &StreamedCounts) -> Vec<u8> {
    let mut late_findings = Vec::new();
    for input in &report.inputs {
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
    line(&SummaryLine {
        kind: "summary",
        schema_version: report.schema_version,
        tool: &report.tool,
        summary: &report.summary,
        notes: &report.notes,
        late_findings,
    })
}

fn line(value: &impl Serialize) -> Vec<u8> {
    let text = serde_json::to_string(value).unwrap_or_default();
    let mut out = escape_json_output(&text).into_bytes();
    out.push(b'\n');
    out
}
