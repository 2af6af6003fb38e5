//! Reading qraudit's own JSON and JSON Lines reports back, and merging the reports of shards.
//!
//! `qraudit merge` combines the reports of `--shard I/N` runs into the report a single run over
//! everything would have written, byte for byte:
//!
//! - the inputs of all shards in the order of the single run's walk: each shard report records
//!   every input's position in the whole walk (`walk_index`), which keeps the order of the PATH
//!   arguments (`scan b a` lists `b` first); reports without it are ordered by path;
//! - the cross-code rules (community conflicts) re-run over all of them — a conflict between two
//!   shards is invisible to each shard — with the policy's severity overrides, and its
//!   `[[ignore]]` entries applied to the new findings as in a single run. The shards' own
//!   cross-code findings are dropped and recomputed, from the texts in the reports: those are
//!   redacted, but a masked password still says that a password is present, which is all the
//!   conflict rule compares;
//! - suppressions and stale-ignore notes recomputed across all shards: a shard's report keeps
//!   the findings it suppressed (marked, as with `--show-suppressed`), so an ignore entry that
//!   matched a finding in any shard is not stale, and the count of suppressed findings adds up;
//! - the summary recounted.

use std::cmp::Ordering;

use serde_json::Value;

use crate::crosscode::{self, SametimeCode};
use crate::payload::sametime;
use crate::policy::Policy;
use crate::redact::Redactor;
use crate::report::model::{InputReport, Report, SCHEMA_VERSION, Summary, Tool};
use crate::suppress::{self, Suppressor};

/// Rules whose findings depend on several codes, and are recomputed by a merge.
const CROSS_CODE_RULES: [&str; 1] = ["community-conflict"];

/// Parses a JSON report, or a JSON Lines report (input lines plus a closing summary line).
pub fn parse_report(text: &str) -> Result<Report, String> {
    let trimmed = text.trim_start();
    if let Ok(report) = serde_json::from_str::<Report>(trimmed) {
        return check_version(report);
    }
    let mut report = Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool::this(),
        summary: Summary::default(),
        notes: Vec::new(),
        inputs: Vec::new(),
    };
    let mut saw_line = false;
    for (number, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let value: Value =
            serde_json::from_str(line).map_err(|e| format!("line {}: {e}", number + 1))?;
        saw_line = true;
        match value.get("type").and_then(Value::as_str) {
            Some("input") => report.inputs.push(
                serde_json::from_value(value).map_err(|e| format!("line {}: {e}", number + 1))?,
            ),
            Some("summary") => {
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
            _ => {
                return Err(format!(
                    "line {}: neither a JSON report nor a qraudit JSONL line",
                    number + 1
                ));
            }
        }
    }
    if !saw_line {
        return Err("empty report".to_string());
    }
    check_version(report)
}

fn check_version(report: Report) -> Result<Report, String> {
    if report.schema_version == SCHEMA_VERSION {
        check_codes_inside_inputs(&report)?;
        Ok(report)
    } else {
        Err(format!(
            "schema_version {} is not supported (this qraudit reads {SCHEMA_VERSION})",
            report.schema_version
        ))
    }
}

/// Every code qraudit reports lies inside its input: its location is the input's path or
/// starts with it, and codes are numbered from 1. A report where one does not was edited or
/// corrupted, and merging it (or suppressing with it) would attach codes, fingerprints and
/// suppressions to the wrong file, so it is refused (found by the `report` fuzz target).
fn check_codes_inside_inputs(report: &Report) -> Result<(), String> {
    for input in &report.inputs {
        let stray = input
            .codes
            .iter()
            .find(|code| !code.location.starts_with(input.path.as_str()) || code.index == 0);
        if let Some(code) = stray {
            return Err(format!(
                "input {:?} lists code {} at {:?}, which is not inside it: not a report qraudit wrote",
                input.path, code.index, code.location
            ));
        }
    }
    Ok(())
}

/// Orders paths as a walk does: component by component, so `a/b` sorts with `a`'s contents.
fn walk_order(a: &str, b: &str) -> Ordering {
    a.split('/').cmp(b.split('/'))
}

/// Merges shard reports into one, with the policy the shards ran with.
pub fn merge(reports: Vec<Report>, policy: &Policy) -> Report {
    let mut notes: Vec<String> = Vec::new();
    let mut inputs: Vec<InputReport> = Vec::new();
    for report in reports {
        for note in report.notes {
            // Each shard says it is a shard; the merged report is not. Stale-ignore notes are
            // recomputed below.
            if !note.starts_with("shard ")
                && !note.starts_with(suppress::STALE_NOTE_PREFIX)
                && !notes.contains(&note)
            {
                notes.push(note);
            }
        }
        inputs.extend(report.inputs);
    }
    if inputs.iter().all(|i| i.walk_index.is_some()) {
        inputs.sort_by_key(|i| i.walk_index);
    } else {
        inputs.sort_by(|a, b| walk_order(&a.path, &b.path));
    }
    let mut sametime_codes = Vec::new();
    for (input_index, input) in inputs.iter_mut().enumerate() {
        input.walk_index = None;
        for (code_index, code) in input.codes.iter_mut().enumerate() {
            code.findings
                .retain(|f| !CROSS_CODE_RULES.contains(&f.rule.as_str()));
            let provisioning = code.text.as_deref().and_then(sametime::parse);
            if let Some(provisioning) = provisioning {
                sametime_codes.push(SametimeCode {
                    input: input_index,
                    code: code_index,
                    provisioning,
                    redactor: Redactor::default(),
                    masking: Redactor::default(),
                });
            }
        }
    }
    crosscode::apply(&mut inputs, &sametime_codes, policy);
    let mut merged = Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool::this(),
        summary: Summary::default(),
        notes,
        inputs,
    };
    crate::scan::finish(&mut merged, &Suppressor::new(policy, None));
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_order_sorts_by_component() {
        let mut paths = vec!["a/b/c.png", "a-b.png", "a/a.png", "b.png"];
        paths.sort_by(|a, b| walk_order(a, b));
        assert_eq!(paths, vec!["a/a.png", "a/b/c.png", "a-b.png", "b.png"]);
    }

    #[test]
    fn rejects_what_is_not_a_report() {
        assert!(parse_report("").is_err());
        assert!(parse_report("{\"hello\": 1}").is_err());
        assert!(parse_report("not json").is_err());
    }

    #[test]
    fn refuses_a_report_whose_code_lies_outside_its_input() {
        let texts = ["https://example.com/".to_string()];
        let options = crate::analyze::AnalysisOptions::default();
        let suppressor = suppress::Suppressor::new(&options.policy, None);
        let report = crate::scan::check_texts(&texts, &options, &suppressor);
        let written = serde_json::to_string(&report).expect("a report serialises");
        assert!(parse_report(&written).is_ok());
        let mut moved = report.clone();
        moved.inputs[0].codes[0].location = "text:0".to_string();
        let written = serde_json::to_string(&moved).expect("a report serialises");
        let error = parse_report(&written).unwrap_err();
        assert!(error.contains("not inside it"), "{error}");
        let mut unnumbered = report;
        unnumbered.inputs[0].codes[0].index = 0;
        let written = serde_json::to_string(&unnumbered).expect("a report serialises");
        assert!(parse_report(&written).is_err());
    }
}
