//! `--format raw`: only the decoded texts, one per line, as `zbarimg --raw` prints them, for
//! scripts and for copying a link out of a screenshot.
//!
//! One line per code in report order (a code found in three files is printed three times, as
//! zbarimg would). Symbols that could not be decoded print nothing. Texts are redacted unless
//! `--show-secrets` (the report model is redacted when it is built) and escaped, so that a
//! newline or an escape sequence inside a code can neither split a line nor reach the terminal
//! raw: a line is always exactly one code.

use super::Exporter;
use super::model::Report;
use crate::text::sanitize::escape_for_display;

pub struct RawExporter;

impl Exporter for RawExporter {
    fn serialize(&self, report: &Report) -> Vec<u8> {
        let mut out = String::new();
        for code in report.inputs.iter().flat_map(|i| &i.codes) {
            if let Some(text) = &code.text {
                out.push_str(&escape_for_display(text));
                out.push('\n');
            }
        }
        out.into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::model::{Status, Tool};
    use crate::scan::analyze::{AnalysisOptions, analyze_text};

    #[test]
    fn one_escaped_redacted_line_per_code() {
        let mut input = crate::finish::model::InputEntry::new("a.png", Status::Ok).into_wire();
        for (i, text) in ["https://bob:hunter2@example.com/", "two\nlines\u{1b}[2J"]
            .iter()
            .enumerate()
        {
            let analyzed = analyze_text(
                &crate::source::Provenance::of_input("a.png"),
                i as u32 + 1,
                text,
                &AnalysisOptions::default(),
            );
            input.codes.push(analyzed.into_report());
        }
        let report = Report {
            schema_version: 1,
            tool: Tool::this(),
            summary: Default::default(),
            notes: Vec::new(),
            fingerprint_version: 2,
            inputs: vec![input],
        };
        let out = String::from_utf8(RawExporter.serialize(&report)).unwrap();
        assert_eq!(
            out,
            "https://bob:********@example.com/\ntwo\\nlines\\x1b[2J\n"
        );
    }
}
