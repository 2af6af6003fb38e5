//! Audit: rules over decoded payloads, producing findings.
//!
//! This module decides *what is wrong* with a code and how severe it is. It never prints and
//! never formats a report: findings are data that the `report` module renders. Rules are data
//! too (see `catalogue`): each carries its id, default severity, rationale, fix and the examples
//! that must and must not make it fire, and one test runs every rule against its examples.

pub mod catalogue;

use serde::{Deserialize, Serialize};

/// How bad a finding is. Ordered from least to most severe so that `max()` gives the worst.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing wrong with one code. Strings here may still hold secrets: the report layer passes
/// every string through the code's `Redactor` before it is written anywhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule (its `id` is the stable public name, e.g. `embedded-password`).
    #[serde(serialize_with = "catalogue::serialize_id")]
    pub rule: &'static catalogue::Rule,
    pub severity: Severity,
    /// One sentence saying what is wrong with this code.
    pub message: String,
    /// The part of the payload that triggered the rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// A corrected payload, when a safe rewrite exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggested_url: Option<String>,
    /// The text `suggested_url` replaces when it is not the whole decoded text (a link inside a
    /// contact or an enrolment code): the scope in which `improvement` judges the rewrite.
    #[serde(skip)]
    pub suggestion_scope: Option<String>,
}

impl Finding {
    /// A finding for `rule` at the rule's default severity, with the rule's generic fix.
    pub fn new(rule: &'static catalogue::Rule, message: impl Into<String>) -> Self {
        Finding {
            rule,
            severity: rule.severity,
            message: message.into(),
            evidence: None,
            fix: Some(rule.fix.to_string()),
            suggested_url: None,
            suggestion_scope: None,
        }
    }

    pub fn with_evidence(mut self, evidence: impl Into<String>) -> Self {
        self.evidence = Some(evidence.into());
        self
    }

    pub fn with_fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }

    pub fn with_suggested_url(mut self, url: impl Into<String>) -> Self {
        self.suggested_url = Some(url.into());
        self
    }

    /// Marks the suggestion as a replacement for `part` of the payload rather than all of it.
    pub fn within(mut self, part: &str) -> Self {
        if self.suggested_url.is_some() {
            self.suggestion_scope = Some(part.to_string());
        }
        self
    }
}

use crate::audit::policy::Policy;
use crate::audit::quality::QualityOptions;
use crate::container::config_xml::ConfigUrl;
use crate::decode::Symbol;
use crate::payload::Payload;
use crate::payload::sametime::Provisioning;

/// What the audit is shown of one code: its text when it could be read (with the payload it was
/// classified as), the symbol it was decoded from when it came from an image, the configuration
/// element it was written in when it came from a file.
#[derive(Debug, Clone, Copy, Default)]
pub struct Code<'a> {
    pub text: Option<(&'a str, &'a Payload)>,
    pub symbol: Option<&'a Symbol>,
    /// The symbol was read from a photograph (`quality::is_photograph`).
    pub photograph: bool,
    pub config_url: Option<&'a ConfigUrl>,
}

/// Every finding about one code, in report order: the rules of its text (any text, then its
/// payload kind's, each suggested rewrite kept only when `improvement` judges it a strict
/// improvement), then the rules of the file it was written in, then those of its symbol.
///
/// The policy's per-rule overrides (`off`, another severity) are applied here and in
/// `audit_across`, and nowhere else: every finding of a run comes out of one of the two, so
/// no rule can escape the policy by being built somewhere that forgot to apply it.
pub fn audit_code(code: Code<'_>, policy: &Policy, quality: &QualityOptions) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let Some((text, payload)) = code.text {
        findings = findings_of(text, payload, policy);
        let before = improvement::Audited::new(&findings, improvement::risks_of(payload))
            .with_reading_risks(improvement::risks_of_text(text, payload));
        improvement::vet_suggestions(&mut findings, &before, policy);
    }
    if let Some(config_url) = code.config_url {
        findings.extend(config_url::escaping(config_url, policy));
    }
    if let Some(symbol) = code.symbol {
        findings.extend(quality::audit_symbol(symbol, quality, code.photograph));
    }
    findings
        .into_iter()
        .filter_map(|finding| policy.overridden(finding))
        .collect()
}

/// Every finding about one decoded text on its own (no symbol, no file): `audit_code` of the
/// text alone.
pub fn audit_text(text: &str, payload: &Payload, policy: &Policy) -> Vec<Finding> {
    let code = Code {
        text: Some((text, payload)),
        ..Code::default()
    };
    audit_code(code, policy, &QualityOptions::default())
}

/// The findings of the rules across the Sametime codes of one run (`community-conflict`), each
/// with the position in `codes` of the code it is about, the policy's overrides applied (see
/// `audit_code`). Each code is named by its label in the other codes' messages.
pub fn audit_across(codes: &[(&str, &Provisioning)], policy: &Policy) -> Vec<(usize, Finding)> {
    conflicts::community_conflicts(codes)
        .into_iter()
        .filter_map(|(position, finding)| Some((position, policy.overridden(finding)?)))
        .collect()
}

/// Every finding of every rule over every reading of the text (`payload::readings`: what a
/// scanner, a browser or a nested link makes of it), with suggestions not yet vetted and no
/// override applied: what `improvement` compares. The text as written is audited first; a
/// finding of another reading is added, its message saying which reading it comes from, unless
/// the same rule already fired at least as severely, so that each problem is reported once.
pub(crate) fn findings_of(text: &str, payload: &Payload, policy: &Policy) -> Vec<Finding> {
    let mut findings = findings_of_reading(text, payload, policy);
    for reading in crate::payload::readings::alternatives(text) {
        let other = Payload::classify(&reading.text);
        if matches!(other, Payload::Text) {
            continue;
        }
        for mut finding in findings_of_reading(&reading.text, &other, policy) {
            // The allow-list is judged per host: another reading's host is another finding.
            let per_host = finding.rule == catalogue::HOST_NOT_ALLOWED.id;
            if findings.iter().any(|f| {
                f.rule == finding.rule
                    && f.severity >= finding.severity
                    && (!per_host || f.evidence == finding.evidence)
            }) {
                continue;
            }
            finding.message = format!("{}: {}", reading.how, finding.message);
            findings.push(finding);
        }
    }
    findings
}

/// The control-characters finding about what percent escapes decode to: the app shows a
/// decoded `communityName` or user, so `Sales%E2%80%AE` carries a bidi override as surely as a
/// raw one would. Line breaks and tabs count only in a provisioning URL (a `mailto:` body holds
/// `%0A` legitimately).
fn hidden_characters(text: &str, payload: &Payload) -> Option<Finding> {
    let provisioning = matches!(payload, Payload::Sametime(_));
    let hidden: Vec<String> = crate::text::sanitize::hidden_in_escapes(text)
        .into_iter()
        .filter(|c| provisioning || !matches!(c, '\n' | '\r' | '\t'))
        .map(|c| format!("U+{:04X}", c as u32))
        .collect();
    if hidden.is_empty() {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(text).decode_utf8_lossy();
    let shown: String = decoded.chars().take(120).collect();
    Some(
        Finding::new(
            &catalogue::CONTROL_CHARACTERS,
            format!(
                "percent escapes decode to hidden characters ({}: controls, bidi overrides or invisible characters): the phone shows and uses the decoded value",
                hidden.join(", ")
            ),
        )
        .with_evidence(shown),
    )
}

/// Every finding about one reading.
fn findings_of_reading(text: &str, payload: &Payload, policy: &Policy) -> Vec<Finding> {
    let mut findings = Vec::new();
    if let Some(finding) = hidden_characters(text, payload) {
        findings.push(finding);
    } else if crate::text::sanitize::has_suspicious_controls(text) {
        // Raw evidence: every output format escapes it for display itself.
        let shown: String = text.chars().take(120).collect();
        findings.push(
            Finding::new(
                &catalogue::CONTROL_CHARACTERS,
                "the decoded text holds control characters, escape sequences or bidi overrides",
            )
            .with_evidence(shown),
        );
    }
    match payload {
        Payload::Sametime(provisioning) => {
            findings.extend(sametime::audit(provisioning, text, policy))
        }
        Payload::Url(web) => findings.extend(web::audit(web, policy)),
        Payload::Payment(p) => findings.extend(payment::audit(p, policy)),
        Payload::Wifi(w) => findings.extend(wifi::audit(w, policy)),
        Payload::Otpauth(o) => findings.extend(otp::audit(o)),
        Payload::OtpauthMigration(m) => findings.extend(otp::audit_migration(m)),
        Payload::Contact(c) => findings.extend(contact::audit(c, policy)),
        Payload::Wireguard(w) => findings.extend(secrets::audit_wireguard(w, policy)),
        Payload::Esim(e) => findings.extend(secrets::audit_esim(e)),
        Payload::AndroidEnrollment(e) => findings.extend(secrets::audit_android(e, policy)),
        Payload::Text => {}
    }
    findings
}

pub mod config_url;
mod conflicts;
mod contact;
pub mod improvement;
mod otp;
mod payment;
pub mod policy;
pub mod quality;
pub mod sametime;
mod secrets;
mod userid;
pub mod web;
mod wifi;

pub use userid::{is_placeholder, looks_like_host_or_url};

#[cfg(test)]
mod examples;
