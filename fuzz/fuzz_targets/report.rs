//! Fuzz target: JSON and JSON Lines reports read back by `qraudit merge` (then merged) and by
//! `--baseline` (then applied to a report of every payload kind).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(report) = qraudit::fuzz_entry::merge_report(text) {
        qraudit_fuzz::check(&report);
    }
    if let Ok(report) = qraudit::fuzz_entry::baseline(text) {
        qraudit_fuzz::check(&report);
    }
});
