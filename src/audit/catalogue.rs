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

// --- Decoder robustness and print quality (decode passes, `audit::quality`) ---------------

pub const FRAGILE_CODE: Rule = Rule {
    id: "fragile-code",
    severity: Severity::Low,
    title: "Code readable only by a heavy decoder pass",
    rationale: "qraudit read this code only after re-binarising, rescaling or sharpening the image. \
                Phone scanners do not try that hard, so many of them will fail on the same code.",
    fix: "Print the code larger and with more contrast (dark modules on a plain light ground), with a quiet zone of 4 modules, and regenerate it at a higher error-correction level.",
    fires_on: &[],
    passes: &[],
};

pub const LOW_ERROR_CORRECTION: Rule = Rule {
    id: "low-error-correction",
    severity: Severity::Low,
    title: "Error-correction level L on a published code",
    rationale: "Level L recovers only about 7% of the symbol. Printed codes pick up scratches, dirt, \
                glare and folds, and logos are often pasted over them.",
    fix: "Regenerate the code at error-correction level M (15%) or Q (25%); use H (30%) if a logo covers part of it.",
    fires_on: &[],
    passes: &[],
};

pub const SMALL_MODULES: Rule = Rule {
    id: "small-modules",
    severity: Severity::Low,
    title: "Modules too small in the published asset",
    rationale: "Below a few pixels per module, resizing and JPEG compression on the way to the page or \
                the printer blur neighbouring modules together and scanners misjudge them.",
    fix: "Export the code at a larger size (at least 4 pixels per module, more for print), scaled by an integer factor without smoothing.",
    fires_on: &[],
    passes: &[],
};

pub const MISSING_QUIET_ZONE: Rule = Rule {
    id: "missing-quiet-zone",
    severity: Severity::Low,
    title: "Quiet zone narrower than 4 modules",
    rationale: "ISO/IEC 18004 requires a light margin of 4 modules around the symbol; text, frames or \
                the edge of the image closer than that stop many scanners from finding it.",
    fix: "Leave a plain margin of at least 4 modules (in the code's background colour) on every side of the code.",
    fires_on: &[],
    passes: &[],
};

/// Every rule, in the order `qraudit rules` lists them.
pub fn all() -> &'static [Rule] {
    &[
        CONTROL_CHARACTERS,
        UNREADABLE_CODE,
        // Decoder robustness and print quality.
        FRAGILE_CODE,
        LOW_ERROR_CORRECTION,
        SMALL_MODULES,
        MISSING_QUIET_ZONE,
    ]
}

/// The rule with this id, if any.
pub fn find(id: &str) -> Option<&'static Rule> {
    all().iter().find(|rule| rule.id == id)
}
