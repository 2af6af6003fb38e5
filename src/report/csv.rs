//! `--format csv`: one row per listed finding, for a spreadsheet or a ticket import.
//!
//! RFC 4180: a header row, comma-separated fields, every field quoted (`"` doubled inside),
//! CRLF line ends. Columns: `path`, `location`, `index`, `severity`, `rule`, `kind`, `message`,
//! `fix`, `text`, `fingerprint`, `suppressed`. The texts are the report's, so secrets are
//! already masked (unless `--show-secrets`); control characters and bidi overrides are shown
//! escaped (`\u{202e}`), as in the table, so that a decoded text cannot reorder or hide a cell.
//! A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'`
//! (OWASP's advice against CSV injection): a spreadsheet would otherwise run a decoded
//! `=HYPERLINK(…)` as a formula. Inputs without findings (no code, errors) have no row: the
//! JSON report lists them.

use super::Exporter;
use super::model::Report;
use crate::text::sanitize::escape_for_display;

pub const HEADER: [&str; 11] = [
    "path",
    "location",
    "index",
    "severity",
    "rule",
    "kind",
    "message",
    "fix",
    "text",
    "fingerprint",
    "suppressed",
];

pub struct CsvExporter;

impl Exporter for CsvExporter {
    fn serialize(&self, report: &Report) -> Vec<u8> {
        let mut out = String::new();
        push_row(&mut out, HEADER.iter().map(|h| h.to_string()));
        for input in &report.inputs {
            for code in &input.codes {
                for finding in &code.findings {
                    push_row(
                        &mut out,
                        [
                            input.path.clone(),
                            code.location.clone(),
                            code.index.to_string(),
                            finding.severity.to_string(),
                            finding.rule.clone(),
                            code.payload.kind().unwrap_or("").to_string(),
                            finding.message.clone(),
                            finding.fix.clone().unwrap_or_default(),
                            code.text.clone().unwrap_or_default(),
                            finding.fingerprint.clone(),
                            finding
                                .suppressed
                                .as_ref()
                                .map(|_| "yes".to_string())
                                .unwrap_or_default(),
                        ]
                        .into_iter(),
                    );
                }
            }
        }
        out.into_bytes()
    }
}

fn push_row(out: &mut String, cells: impl Iterator<Item = String>) {
    let mut first = true;
    for cell in cells {
        if !first {
            out.push(',');
        }
        first = false;
        out.push('"');
        out.push_str(&cell_text(&cell).replace('"', "\"\""));
        out.push('"');
    }
    out.push_str("\r\n");
}

/// A cell's text: escaped for display, and never read as a formula.
fn cell_text(value: &str) -> String {
    let escaped = escape_for_display(value);
    if escaped.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{escaped}")
    } else {
        escaped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_quotes_doubled() {
        assert_eq!(cell_text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell_text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell_text("plain"), "plain");
        let mut row = String::new();
        push_row(&mut row, ["a\"b".to_string(), "-1".to_string()].into_iter());
        assert_eq!(row, "\"a\"\"b\",\"'-1\"\r\n");
    }

    #[test]
    fn control_characters_are_escaped() {
        let cell = cell_text("evil\u{202e}gnp.exe\nnext");
        assert!(!cell.contains('\u{202e}') && !cell.contains('\n'), "{cell}");
    }
}
