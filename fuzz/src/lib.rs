//! What the fuzz targets share: the check every report goes through, and the structure-aware
//! generators (`arbitrary`-driven) that build what byte mutation cannot reach: valid QR
//! symbols carrying hostile payloads of every kind, pixel damage on them, and the PDFs, mails,
//! mboxes, zips and SVGs they arrive in.

pub mod containers;
pub mod payloads;
pub mod pixels;

use qraudit::fuzz_entry::{self, Outputs};
use qraudit::report::model::Report;

/// Checks the invariants of `report` (`fuzz_entry::check_report`) and that no panic was
/// contained in it other than the known ones; panics (a finding for libFuzzer) otherwise.
pub fn check(report: &Report) -> Outputs {
    let outputs = match fuzz_entry::check_report(report) {
        Ok(outputs) => outputs,
        Err(broken) => panic!("report invariant broken: {broken}\n{report:#?}"),
    };
    let panics = fuzz_entry::unexpected_panics(report);
    assert!(panics.is_empty(), "contained panic: {panics:?}");
    outputs
}

/// Scans `data` as a file and checks the report: the body of the byte-level targets.
pub fn scan_and_check(data: &[u8]) {
    check(&fuzz_entry::scan_file(data));
}

/// True when `report` holds a code whose payload bytes are exactly `want`.
pub fn has_code(report: &Report, want: &[u8]) -> bool {
    report.inputs.iter().flat_map(|i| &i.codes).any(|code| {
        match &code.bytes_hex {
            Some(hex) => *hex == hex_of(want),
            None => code.text.as_deref().map(str::as_bytes) == Some(want),
        }
    })
}

/// The decoded texts of a report, for failure messages.
pub fn texts(report: &Report) -> Vec<String> {
    report
        .inputs
        .iter()
        .flat_map(|i| &i.codes)
        .map(|c| format!("{:?} {:?}", c.location, c.text))
        .collect()
}

pub fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
