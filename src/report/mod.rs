//! Reports: turning a finished `Report` (or one input of it) into bytes.
//!
//! One file per format behind the small `Exporter` trait, as in hyperfine: exporters return
//! bytes and never do I/O, never decide a severity, and never see an unredacted secret (the
//! model is redacted when it is built). Decoded text is untrusted: the table and raw formats
//! escape control characters for display, and JSON escapes the ones serde would write raw.
//! `payload` is a code's payload as reports write it (typed, apart from the domain's);
//! `distinct` groups a run's codes by payload, for the table and JSON's `distinct_codes`;
//! `layout` wraps text and draws grids for the table.

pub mod codequality;
pub mod csv;
pub mod distinct;
pub mod github;
pub mod json;
pub mod layout;
pub mod model;
pub mod payload;
pub mod raw;
pub mod sarif;
pub mod table;
pub mod view;

use model::Report;

/// A report format.
pub trait Exporter {
    fn serialize(&self, report: &Report) -> Vec<u8>;
}

/// The one-line summary written to stderr at the end of a run. `action_threshold` is the
/// severity at which an input "needs action" (see `table::action_threshold`).
pub fn summary_line(
    report: &Report,
    action_threshold: crate::audit::Severity,
    elapsed: std::time::Duration,
) -> String {
    let s = &report.summary;
    let f = &s.findings;
    format!(
        "qraudit: {} inputs, {} images, {} codes ({} distinct), {} skipped, {} errors; {}; findings: {} critical, {} high, {} medium, {} low, {} info{}; {:.2} s",
        s.inputs,
        s.images,
        s.codes,
        distinct::group(report).len(),
        s.skipped,
        s.errors,
        match distinct::inputs_needing_action(report, action_threshold) {
            1 => "1 input needs action".to_string(),
            n => format!("{n} inputs need action"),
        },
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

/// The report without suppressed findings, as shown unless `--show-suppressed`.
pub fn without_suppressed(report: &Report) -> Report {
    let mut shown = report.clone();
    for input in &mut shown.inputs {
        strip_suppressed(input);
    }
    shown
}

/// One input without its suppressed findings.
pub fn strip_suppressed(input: &mut model::InputReport) {
    for code in &mut input.codes {
        code.findings.retain(|f| f.suppressed.is_none());
    }
}
