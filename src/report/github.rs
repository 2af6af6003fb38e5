//! `--format github`: GitHub Actions workflow commands, one per listed finding, so that a
//! workflow step shows each finding as an annotation on the file (`::error file=…,line=1…::…`),
//! and one `::error` per input that could not be read.
//!
//! Levels: critical and high are `error`, medium `warning`, low and info `notice` (as SARIF's
//! levels). Values are escaped as GitHub's toolkit does (`%` → `%25`, CR → `%0D`, LF → `%0A`, and
//! in properties also `:` → `%3A` and `,` → `%2C`), after control characters and bidi overrides
//! are shown escaped, so a decoded text can neither end the command nor start another. Texts are
//! the report's, so secrets are masked unless `--show-secrets`.

use super::Exporter;
use super::model::{Report, Status};
use super::sarif::level;
use crate::text::sanitize::escape_for_display;

pub struct GithubExporter;

impl Exporter for GithubExporter {
    fn serialize(&self, report: &Report) -> Vec<u8> {
        let mut out = String::new();
        for input in &report.inputs {
            for code in &input.codes {
                for finding in &code.findings {
                    let command = match level(finding.severity) {
                        "error" => "error",
                        "warning" => "warning",
                        _ => "notice",
                    };
                    let title = format!("qraudit {} ({})", finding.rule, finding.severity);
                    let mut message = format!(
                        "code #{} at {}: {}",
                        code.index, code.location, finding.message
                    );
                    if let Some(fix) = &finding.fix {
                        message.push_str(&format!("\nFix: {fix}"));
                    }
                    if let Some(text) = &code.text {
                        message.push_str(&format!("\nCode: {text}"));
                    }
                    out.push_str(&format!(
                        "::{command} file={},line=1,title={}::{}\n",
                        property(&input.path),
                        property(&title),
                        data(&message)
                    ));
                }
            }
            if input.status == Status::Error {
                out.push_str(&format!(
                    "::error file={},title={}::{}\n",
                    property(&input.path),
                    property("qraudit: input could not be read"),
                    data(input.error.as_deref().unwrap_or("error"))
                ));
            }
        }
        out.into_bytes()
    }
}

/// A message, escaped as GitHub's `escapeData`; each line's control characters shown escaped
/// first (the line breaks between lines are ours, and become `%0A`).
fn data(value: &str) -> String {
    value
        .split('\n')
        .map(escape_for_display)
        .collect::<Vec<_>>()
        .join("\n")
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value (`file=`, `title=`), escaped as GitHub's `escapeProperty`.
fn property(value: &str) -> String {
    data(value).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_can_end_the_command_or_start_another() {
        let escaped = data("a%b\r\n::error::x\u{1b}[2J");
        assert!(!escaped.contains('\n') && !escaped.contains('\r') && !escaped.contains('\u{1b}'));
        assert!(escaped.starts_with("a%25b"), "{escaped}");
        assert_eq!(property("a,b:c"), "a%2Cb%3Ac");
    }
}
