//! Distinct codes: the codes of a run grouped by what they carry, for the reader who asks
//! "which codes must be reprinted, and why?" rather than "what is in each file?".
//!
//! Two codes are the same distinct code when their payload digests agree (SHA-256 of the text
//! with secrets masked, so two posters differing only in a password are one code, and the
//! grouping never depends on a secret). Symbols that were seen but could not be decoded carry no
//! payload; they form one group, `unreadable`, whose locations are the photos to retake.
//!
//! A distinct code's worst severity counts only findings that are not suppressed; when every
//! finding of a code is suppressed, the worst suppressed one is kept apart so that the table can
//! say `suppressed (was high)` instead of looking clean. Findings are listed once per distinct
//! code, each with the occurrences that carry it: print-quality findings (`small-modules`) and
//! cross-code ones (`community-conflict`) belong to one image, not to the payload.
//!
//! Order: worst severity first, then the worst suppressed one, then the codes found in most
//! inputs, then walk order; the same report always gives the same order.

use std::cmp::Reverse;

use serde::Serialize;

use super::model::{CodeReport, FindingReport, InputReport, Report};
use crate::audit::Severity;

/// One place a distinct code was found.
#[derive(Debug, Clone, Copy)]
pub struct Occurrence<'a> {
    pub input: &'a InputReport,
    pub code: &'a CodeReport,
}

/// A finding of a distinct code, with the occurrences that carry it.
#[derive(Debug, Clone)]
pub struct DistinctFinding<'a> {
    pub finding: &'a FindingReport,
    /// Indexes into the distinct code's `occurrences`.
    pub occurrences: Vec<usize>,
}

/// One distinct code of a run.
#[derive(Debug, Clone)]
pub struct DistinctCode<'a> {
    /// The payload digest, or `unreadable`.
    pub digest: String,
    /// Every place it was found, in walk order.
    pub occurrences: Vec<Occurrence<'a>>,
    /// The worst finding that counts (not suppressed).
    pub worst: Option<Severity>,
    /// The worst suppressed finding.
    pub suppressed_worst: Option<Severity>,
    /// Findings, each once: counting ones first, worst first, then in order of appearance.
    pub findings: Vec<DistinctFinding<'a>>,
}

impl<'a> DistinctCode<'a> {
    /// The first occurrence's code: all occurrences share its text, kind and description.
    pub fn code(&self) -> &'a CodeReport {
        self.occurrences[0].code
    }

    pub fn kind(&self) -> &'a str {
        self.code().payload.kind().unwrap_or("?")
    }

    /// How many inputs carry it (a sheet with the same code twice counts once).
    pub fn inputs(&self) -> usize {
        let mut paths: Vec<&str> = self
            .occurrences
            .iter()
            .map(|o| o.input.path.as_str())
            .collect();
        paths.dedup();
        paths.len()
    }

    /// Rule ids of the findings that count, worst first, each once.
    pub fn rules(&self) -> Vec<&'a str> {
        let mut rules: Vec<&str> = Vec::new();
        for f in &self.findings {
            if f.finding.suppressed.is_none() && !rules.contains(&f.finding.rule.as_str()) {
                rules.push(&f.finding.rule);
            }
        }
        rules
    }

    /// How many findings are suppressed, across all occurrences.
    pub fn suppressed_count(&self) -> usize {
        self.occurrences
            .iter()
            .flat_map(|o| &o.code.findings)
            .filter(|f| f.suppressed.is_some())
            .count()
    }
}

/// The group a code belongs to.
fn group_key(code: &CodeReport) -> String {
    if code.text.is_none() {
        return "unreadable".to_string();
    }
    if code.payload_digest.is_empty() {
        // Reports written before digests existed: the (redacted) text stands in.
        return format!("text:{}", code.text.as_deref().unwrap_or_default());
    }
    code.payload_digest.clone()
}

/// What makes two findings of one distinct code the same finding.
fn same_finding(a: &FindingReport, b: &FindingReport) -> bool {
    a.rule == b.rule
        && a.severity == b.severity
        && a.message == b.message
        && a.evidence == b.evidence
        && a.fix == b.fix
        && a.suggested_url == b.suggested_url
        && a.suppressed.is_some() == b.suppressed.is_some()
}

/// The distinct codes of a report, in the order described in the module comment.
pub fn group(report: &Report) -> Vec<DistinctCode<'_>> {
    let mut groups: Vec<DistinctCode> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for input in &report.inputs {
        for code in &input.codes {
            let key = group_key(code);
            let slot = *index.entry(key.clone()).or_insert_with(|| {
                groups.push(DistinctCode {
                    digest: key,
                    occurrences: Vec::new(),
                    worst: None,
                    suppressed_worst: None,
                    findings: Vec::new(),
                });
                groups.len() - 1
            });
            let group = &mut groups[slot];
            let occurrence = group.occurrences.len();
            group.occurrences.push(Occurrence { input, code });
            for finding in &code.findings {
                match finding.suppressed {
                    None => group.worst = group.worst.max(Some(finding.severity)),
                    Some(_) => {
                        group.suppressed_worst = group.suppressed_worst.max(Some(finding.severity))
                    }
                }
                match group
                    .findings
                    .iter_mut()
                    .find(|f| same_finding(f.finding, finding))
                {
                    Some(known) => {
                        if known.occurrences.last() != Some(&occurrence) {
                            known.occurrences.push(occurrence);
                        }
                    }
                    None => group.findings.push(DistinctFinding {
                        finding,
                        occurrences: vec![occurrence],
                    }),
                }
            }
        }
    }
    for group in &mut groups {
        // Stable: equal findings keep their order of appearance.
        group
            .findings
            .sort_by_key(|f| (f.finding.suppressed.is_some(), Reverse(f.finding.severity)));
    }
    // Stable as well, so that walk order decides among equals; the key counts inputs, so it is
    // computed once per group.
    groups.sort_by_cached_key(|g| {
        (
            Reverse(g.worst),
            Reverse(g.suppressed_worst),
            Reverse(g.inputs()),
        )
    });
    groups
}

/// Orders distinct codes as `--sort` asks: by the path of their first input, or by payload kind
/// (worst first within a kind); `severity` and no flag keep `group`'s order. Stable.
pub fn sort(groups: &mut [DistinctCode<'_>], order: Option<super::view::SortOrder>) {
    use super::view::SortOrder;
    let first_path = |g: &DistinctCode<'_>| g.occurrences.first().map(|o| o.input.path.clone());
    let kind = |g: &DistinctCode<'_>| {
        g.occurrences
            .first()
            .and_then(|o| o.code.payload.kind().map(str::to_string))
    };
    match order {
        None | Some(SortOrder::Severity) => {}
        Some(SortOrder::Path) => groups.sort_by_cached_key(first_path),
        Some(SortOrder::Kind) => groups.sort_by_cached_key(kind),
    }
}

/// How many inputs carry a finding at or above `threshold` that is not suppressed: the inputs
/// someone has to act on.
pub fn inputs_needing_action(report: &Report, threshold: Severity) -> usize {
    report
        .inputs
        .iter()
        .filter(|input| {
            input
                .codes
                .iter()
                .flat_map(|c| &c.findings)
                .any(|f| f.suppressed.is_none() && f.severity >= threshold)
        })
        .count()
}

/// A distinct code in the JSON report (`distinct_codes`).
#[derive(Debug, Serialize)]
pub struct DistinctCodeJson<'a> {
    /// The payload digest shared by every occurrence (`unreadable` for undecodable symbols).
    pub digest: &'a str,
    /// The decoded text, redacted; `null` for unreadable symbols.
    pub text: Option<&'a str>,
    pub kind: &'a str,
    pub summary: &'a str,
    /// The worst finding that counts; `null` when none does.
    pub worst: Option<Severity>,
    /// The worst suppressed finding, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed_worst: Option<Severity>,
    /// Rule ids of the findings that count, worst first.
    pub rules: Vec<&'a str>,
    /// How many inputs carry the code.
    pub inputs: usize,
    /// Every place it was found, in walk order.
    pub locations: Vec<LocationJson<'a>>,
}

#[derive(Debug, Serialize)]
pub struct LocationJson<'a> {
    /// The input's path.
    pub path: &'a str,
    /// The code's location (the path, plus the part inside a container).
    pub location: &'a str,
    pub index: u32,
}

impl<'a> DistinctCode<'a> {
    pub fn to_json(&self) -> DistinctCodeJson<'a> {
        let code = self.code();
        DistinctCodeJson {
            digest: if code.text.is_none() {
                "unreadable"
            } else {
                &code.payload_digest
            },
            text: code.text.as_deref(),
            kind: self.kind(),
            summary: &code.summary,
            worst: self.worst,
            suppressed_worst: self.suppressed_worst,
            rules: self.rules(),
            inputs: self.inputs(),
            locations: self
                .occurrences
                .iter()
                .map(|o| LocationJson {
                    path: &o.input.path,
                    location: &o.code.location,
                    index: o.code.index,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::model::{Status, Suppression};
    use crate::scan::analyze::{AnalysisOptions, analyze_text};

    /// A policy that knows the organisation's host, so that a clean code has no finding at all
    /// (without one, each carries the info verdict `host-not-checked`).
    fn company_policy() -> AnalysisOptions {
        let mut options = AnalysisOptions::default();
        options
            .policy
            .merge_flags(&["stproxy.example.com".into()], &[])
            .expect("valid host pattern");
        options
    }

    fn input(path: &str, texts: &[&str]) -> InputReport {
        let mut report = crate::finish::model::InputEntry::new(path, Status::Ok).into_wire();
        for (i, text) in texts.iter().enumerate() {
            let analyzed = analyze_text(
                &crate::source::Provenance::of_input(path),
                i as u32 + 1,
                text,
                &company_policy(),
            );
            report.codes.push(analyzed.into_report());
        }
        report
    }

    fn report(inputs: Vec<InputReport>) -> Report {
        let mut report = Report {
            schema_version: 1,
            tool: crate::report::model::Tool::this(),
            summary: Default::default(),
            notes: Vec::new(),
            fingerprint_version: 2,
            inputs,
        };
        report.recount();
        report
    }

    const CLEAN: &str = "hclsametime://stproxy.example.com/?action=AddCommunity";
    const PASSWORD_A: &str =
        "hclsametime://jdoe:Winter-A1@stproxy.example.com/?action=AddCommunity";
    const PASSWORD_B: &str =
        "hclsametime://jdoe:Summer-B2@stproxy.example.com/?action=AddCommunity";
    const UNTRUSTED: &str =
        "hclsametime://stproxy.example.com/?action=AddCommunity&allowUntrustedSSL=true";

    #[test]
    fn same_payload_is_one_code_worst_first_and_secrets_do_not_split_it() {
        let r = report(vec![
            input("a.png", &[CLEAN]),
            input("b.png", &[UNTRUSTED]),
            input("c.png", &[PASSWORD_A, CLEAN]),
            input("d.png", &[PASSWORD_B]),
        ]);
        let groups = group(&r);
        let summary: Vec<(Option<Severity>, usize, usize)> = groups
            .iter()
            .map(|g| (g.worst, g.inputs(), g.occurrences.len()))
            .collect();
        assert_eq!(
            summary,
            vec![
                (Some(Severity::Critical), 2, 2),
                (Some(Severity::High), 1, 1),
                (None, 2, 2),
            ]
        );
        // The password differs, the masked text does not: one code, never the secret.
        let json = serde_json::to_string(&groups[0].to_json()).unwrap();
        assert!(
            !json.contains("Winter-A1") && !json.contains("Summer-B2"),
            "{json}"
        );
        assert_eq!(groups[0].rules()[0], "embedded-password");
        // One finding listed once, carried by both occurrences.
        let password = &groups[0].findings[0];
        assert_eq!(password.finding.rule, "embedded-password");
        assert_eq!(password.occurrences, vec![0, 1]);
    }

    #[test]
    fn suppressed_findings_keep_their_severity_apart() {
        let mut b = input("b.png", &[UNTRUSTED]);
        for f in &mut b.codes[0].findings {
            f.suppressed = Some(Suppression {
                by: crate::report::model::SuppressedBy::Baseline,
                reason: "old.json".into(),
            });
        }
        let r = report(vec![input("a.png", &[CLEAN]), b]);
        let groups = group(&r);
        assert_eq!(groups[0].worst, None);
        assert_eq!(groups[0].suppressed_worst, Some(Severity::High));
        assert!(groups[0].rules().is_empty());
        assert_eq!(inputs_needing_action(&r, Severity::Medium), 0);
        assert_eq!(groups[1].suppressed_worst, None);
    }

    #[test]
    fn inputs_needing_action_count_inputs_not_findings() {
        let r = report(vec![
            input("a.png", &[PASSWORD_A, UNTRUSTED]),
            input("b.png", &[CLEAN]),
            input("c.png", &[UNTRUSTED]),
        ]);
        assert_eq!(inputs_needing_action(&r, Severity::Medium), 2);
        assert_eq!(inputs_needing_action(&r, Severity::Critical), 1);
    }
}
