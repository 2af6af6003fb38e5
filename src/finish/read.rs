//! Reading qraudit's own reports back: a JSON document, or JSON Lines (one line per input and a
//! closing summary line). Only `merge` (the shards' reports) and `--baseline` (an earlier run's
//! fingerprints) read reports; everything else works on what the run itself found.

use serde_json::Value;
use thiserror::Error;

use crate::report::model::{Report, SCHEMA_VERSION, Status, Summary, Tool};

/// Why some text is not a report this qraudit reads.
#[derive(Debug, Error)]
pub enum ReadError {
    /// A line of JSON Lines that is not JSON, or not the JSON of an input.
    #[error("line {line}: {source}")]
    Json {
        line: usize,
        #[source]
        source: serde_json::Error,
    },
    #[error("line {line}: neither a JSON report nor a qraudit JSONL line")]
    NotALine { line: usize },
    #[error("empty report")]
    Empty,
    #[error("schema_version {found} is not supported (this qraudit reads {SCHEMA_VERSION})")]
    Version { found: u32 },
    #[error(
        "input {input:?} lists code {index} at {location:?}, which is not inside it: not a report qraudit wrote"
    )]
    CodeOutsideInput {
        input: String,
        index: u32,
        location: String,
    },
    #[error(
        "input {input:?}, code {index}: its payload has no kind this qraudit writes: not a report it wrote"
    )]
    PayloadWithoutKind { input: String, index: u32 },
    #[error(
        "input {input:?}, code {index}: rule {rule:?} is not one this qraudit knows (`qraudit rules` lists them): merge reports of one version"
    )]
    UnknownRule {
        input: String,
        index: u32,
        rule: String,
    },
    #[error("input {input:?} has status ok but no code: not a report qraudit wrote")]
    OkWithoutCode { input: String },
}

/// Parses a JSON report, or a JSON Lines report (input lines plus a closing summary line).
pub fn read_report(text: &str) -> Result<Report, ReadError> {
    let trimmed = text.trim_start();
    if let Ok(report) = serde_json::from_str::<Report>(trimmed) {
        return check_version(report);
    }
    let mut report = Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool::this(),
        summary: Summary::default(),
        notes: Vec::new(),
        // A JSON Lines report says its form on the summary line, read below.
        fingerprint_version: 1,
        inputs: Vec::new(),
    };
    let mut saw_line = false;
    for (number, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let json_error = |source| ReadError::Json {
            line: number + 1,
            source,
        };
        let value: Value = serde_json::from_str(line).map_err(json_error)?;
        saw_line = true;
        match value.get("type").and_then(Value::as_str) {
            Some("input") => report
                .inputs
                .push(serde_json::from_value(value).map_err(json_error)?),
            Some("summary") => {
                if let Some(form) = value.get("fingerprint_version").and_then(Value::as_u64) {
                    report.fingerprint_version = u32::try_from(form).unwrap_or(u32::MAX);
                }
                if let Some(version) = value.get("schema_version").and_then(Value::as_u64) {
                    report.schema_version = version as u32;
                }
                if let Some(notes) = value.get("notes").and_then(Value::as_array) {
                    report.notes = notes
                        .iter()
                        .filter_map(|n| n.as_str().map(str::to_string))
                        .collect();
                }
            }
            _ => return Err(ReadError::NotALine { line: number + 1 }),
        }
    }
    if !saw_line {
        return Err(ReadError::Empty);
    }
    check_version(report)
}

fn check_version(report: Report) -> Result<Report, ReadError> {
    if report.schema_version == SCHEMA_VERSION {
        check_codes_inside_inputs(&report)?;
        check_codes_are_ours(&report)?;
        Ok(report)
    } else {
        Err(ReadError::Version {
            found: report.schema_version,
        })
    }
}

/// Every code qraudit reports lies inside its input: its location is the input's path or
/// starts with it, and codes are numbered from 1. A report where one does not was edited or
/// corrupted, and merging it (or suppressing with it) would attach codes, fingerprints and
/// suppressions to the wrong file, so it is refused (found by the `report` fuzz target).
fn check_codes_inside_inputs(report: &Report) -> Result<(), ReadError> {
    for input in &report.inputs {
        let stray = input
            .codes
            .iter()
            .find(|code| !code.location.starts_with(input.path.as_str()) || code.index == 0);
        if let Some(code) = stray {
            return Err(ReadError::CodeOutsideInput {
                input: input.path.clone(),
                index: code.index,
                location: code.location.clone(),
            });
        }
    }
    Ok(())
}

/// What qraudit writes of every input and code: an `ok` input has codes, a code's payload has
/// one of its kinds, a finding's rule is in the catalogue. A report that breaks one was edited or
/// corrupted (or written by another version, for rules): merging it would put codes no table
/// can label, and rule ids that no `explain` knows (escaped nowhere, being ours), into the
/// merged report. Found by the `report` fuzz target.
fn check_codes_are_ours(report: &Report) -> Result<(), ReadError> {
    for input in &report.inputs {
        if input.status == Status::Ok && input.codes.is_empty() {
            return Err(ReadError::OkWithoutCode {
                input: input.path.clone(),
            });
        }
        for code in &input.codes {
            if !code
                .payload
                .kind()
                .is_some_and(|kind| crate::report::payload::KINDS.contains(&kind))
            {
                return Err(ReadError::PayloadWithoutKind {
                    input: input.path.clone(),
                    index: code.index,
                });
            }
            if let Some(finding) = code
                .findings
                .iter()
                .find(|f| crate::audit::catalogue::find(&f.rule).is_none())
            {
                return Err(ReadError::UnknownRule {
                    input: input.path.clone(),
                    index: code.index,
                    rule: finding.rule.clone(),
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_what_is_not_a_report() {
        assert!(matches!(read_report(""), Err(ReadError::Empty)));
        assert!(matches!(
            read_report("{\"hello\": 1}"),
            Err(ReadError::NotALine { line: 1 })
        ));
        assert!(matches!(
            read_report("not json"),
            Err(ReadError::Json { line: 1, .. })
        ));
        assert!(matches!(
            read_report("{\"type\":\"summary\",\"schema_version\":7}"),
            Err(ReadError::Version { found: 7 })
        ));
    }
}
