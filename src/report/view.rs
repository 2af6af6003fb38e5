//! What the reader asked to see of a finished report: `--min-severity` hides the findings below
//! a level and `--sort` orders the inputs (and the table's distinct codes).
//!
//! A view never decides the exit code: `--fail-on` is judged on the whole report before any
//! view is taken, so a finding hidden by `--min-severity` still fails the run (as `semgrep
//! --severity` hides results while the policy still applies). The report's `summary` keeps the
//! counts of the whole run for the same reason; the findings listed are the ones at or above
//! the level. Without either flag the view is the report itself, byte for byte.

use std::cmp::Reverse;

use crate::audit::Severity;

use super::model::{InputReport, Report};

/// `--sort`: the order of inputs in every format, and of distinct codes in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SortOrder {
    /// Worst finding first (unsuppressed), then by path: the order a reviewer works in.
    Severity,
    /// By path (then location inside a container), as `ls` would list them.
    Path,
    /// By the payload kind of the input's first code (sametime, url, wifi…), then by path;
    /// inputs without a code last.
    Kind,
}

/// A view of a report: which findings are listed, in which order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct View {
    pub min_severity: Option<Severity>,
    pub sort: Option<SortOrder>,
}

impl View {
    /// The report as this view shows it (a copy; the report itself is what the exit code and
    /// the baseline are made from).
    pub fn apply(&self, report: &Report) -> Report {
        let mut shown = report.clone();
        for input in &mut shown.inputs {
            self.filter_input(input);
        }
        if let Some(order) = self.sort {
            sort_inputs(&mut shown.inputs, order);
        }
        shown
    }

    /// Hides the findings of one input below `min_severity` (what a streamed line shows).
    pub fn filter_input(&self, input: &mut InputReport) {
        if let Some(min) = self.min_severity {
            for code in &mut input.codes {
                code.findings.retain(|f| f.severity >= min);
            }
        }
    }

    pub fn is_identity(&self) -> bool {
        *self == View::default()
    }
}

/// The worst unsuppressed finding of an input (`CodeReport::worst` over its codes).
pub fn worst(input: &InputReport) -> Option<Severity> {
    input.codes.iter().filter_map(|c| c.worst()).max()
}

/// The payload kind of an input's first code (`unreadable` for a symbol without text).
pub fn first_kind(input: &InputReport) -> Option<&str> {
    input.codes.first().and_then(|c| c.payload.kind())
}

/// Sorts inputs, stably: among equals the walk order stays.
pub fn sort_inputs(inputs: &mut [InputReport], order: SortOrder) {
    match order {
        // Keys computed once per input, not once per comparison.
        SortOrder::Severity => inputs.sort_by_cached_key(|i| (Reverse(worst(i)), i.path.clone())),
        SortOrder::Path => inputs.sort_by(|a, b| a.path.cmp(&b.path)),
        SortOrder::Kind => inputs.sort_by_cached_key(|i| {
            let kind = first_kind(i).map(str::to_string);
            (kind.is_none(), kind, i.path.clone())
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::model::{CodeReport, FindingReport};

    fn finding(severity: Severity) -> FindingReport {
        serde_json::from_value(serde_json::json!({
            "rule": "cleartext-http", "severity": severity, "message": "m", "fingerprint": "f"
        }))
        .expect("a finding")
    }

    fn input(path: &str, severities: &[Severity]) -> InputReport {
        let mut input: InputReport = serde_json::from_value(serde_json::json!({
            "path": path, "status": "ok", "codes": []
        }))
        .expect("an input");
        let code: CodeReport = serde_json::from_value(serde_json::json!({
            "location": path, "index": 1, "text": "http://x.example",
            "payload": {"kind": "url"}, "summary": "", "findings": []
        }))
        .expect("a code");
        input.codes.push(code);
        input.codes[0].findings = severities.iter().map(|s| finding(*s)).collect();
        input
    }

    #[test]
    fn min_severity_hides_lower_findings_only() {
        let mut one = input("a.png", &[Severity::Low, Severity::High, Severity::Info]);
        View {
            min_severity: Some(Severity::Medium),
            sort: None,
        }
        .filter_input(&mut one);
        let kept: Vec<Severity> = one.codes[0].findings.iter().map(|f| f.severity).collect();
        assert_eq!(kept, vec![Severity::High]);
    }

    #[test]
    fn severity_order_is_worst_first_then_path() {
        let mut inputs = vec![
            input("c.png", &[Severity::Low]),
            input("b.png", &[Severity::High]),
            input("a.png", &[Severity::Low]),
            input("d.png", &[]),
        ];
        sort_inputs(&mut inputs, SortOrder::Severity);
        let paths: Vec<&str> = inputs.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["b.png", "a.png", "c.png", "d.png"]);
        sort_inputs(&mut inputs, SortOrder::Path);
        let paths: Vec<&str> = inputs.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["a.png", "b.png", "c.png", "d.png"]);
    }
}
