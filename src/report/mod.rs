//! Reports: turning a finished `Report` (or one input of it) into bytes.
//!
//! One file per format behind the small `Exporter` trait, as in hyperfine: exporters return
//! bytes and never do I/O, never decide a severity, and never see an unredacted secret (the
//! model is redacted when it is built). Decoded text is untrusted: the table escapes control
//! characters for display, and JSON escapes the ones serde would write raw.

pub mod distinct;
pub mod json;
pub mod layout;
pub mod model;
pub mod sarif;
pub mod table;

use model::Report;

/// A report format.
pub trait Exporter {
    fn serialize(&self, report: &Report) -> Vec<u8>;
}

/// The one-line summary written to stderr at the end of a run.
pub fn summary_line(report: &Report, elapsed: std::time::Duration) -> String {
    let s = &report.summary;
    let f = &s.findings;
    format!(
        "qraudit: {} inputs, {} images, {} codes, {} skipped, {} errors; findings: {} critical, {} high, {} medium, {} low, {} info{}; {:.2} s",
        s.inputs,
        s.images,
        s.codes,
        s.skipped,
        s.errors,
        f.critical,
        f.high,
        f.medium,
        f.low,
        f.info,
        if s.suppressed > 0 {
            format!(" ({} suppressed)", s.suppressed)
        } else {
            String::new()
        },
        elapsed.as_secs_f64()
    )
}
