//! Fuzz target: a decoded text through payload classification (every kind), the audit, and
//! every report format, as `qraudit check TEXT`. Besides the report invariants, every secret
//! the payload's parser names must be masked in every output.

#![no_main]

use qraudit::fuzz_entry;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let report = fuzz_entry::check_text(&text);
    let outputs = qraudit_fuzz::check(&report);
    for secret in qraudit::payload::Payload::classify(&text).secrets() {
        // Short secrets occur by chance in the report's own words ("a" in "a password").
        if secret.chars().count() >= 8
            && let Err(leak) = fuzz_entry::check_redacted(&outputs, &secret)
        {
            panic!("{leak}");
        }
    }
});
