//! The rule catalogue: every rule qraudit knows, as data.
//!
//! A rule's id is a stable public name (it appears in JSON, SARIF, policy files and baselines):
//! never rename one. `fires_on` and `passes` are example payloads; the catalogue test feeds each
//! through the real audit and checks that the rule fires on every `fires_on` example and on no
//! `passes` example, so a rule's documentation cannot drift from its behaviour.

use super::Severity;

#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    pub rationale: &'static str,
    pub fix: &'static str,
    /// Decoded texts on which this rule must fire (empty for rules that look at the symbol or
    /// at several codes rather than at one text).
    pub fires_on: &'static [&'static str],
    /// Decoded texts on which this rule must not fire.
    pub passes: &'static [&'static str],
}

pub const CONTROL_CHARACTERS: Rule = Rule {
    id: "control-characters",
    severity: Severity::High,
    title: "Decoded text holds control characters",
    rationale: "Control characters, terminal escape sequences and bidirectional overrides make the \
                text look different from what a phone or parser acts on (Trojan Source, CVE-2021-42574), \
                and can rewrite a reviewer's terminal.",
    fix: "Regenerate the code from the plain text, without control characters.",
    fires_on: &[
        "https://example.com/\u{1b}[2J",
        "hello\u{202e}txt.exe",
        "a\u{0}b",
    ],
    passes: &["https://example.com/", "line one\r\nline two\ttab"],
};

pub const UNREADABLE_CODE: Rule = Rule {
    id: "unreadable-code",
    severity: Severity::Medium,
    title: "QR symbol found but not decodable",
    rationale: "A published asset with a broken code is a defect: users cannot scan it, or phones \
                read it differently from one another.",
    fix: "Regenerate the code at a higher error-correction level and print it larger, with a quiet zone of 4 modules.",
    fires_on: &[],
    passes: &[],
};

/// Every rule, in the order `qraudit rules` lists them.
pub fn all() -> &'static [Rule] {
    &[CONTROL_CHARACTERS, UNREADABLE_CODE]
}

/// The rule with this id, if any.
pub fn find(id: &str) -> Option<&'static Rule> {
    all().iter().find(|rule| rule.id == id)
}
