//! Fuzz target: policy TOML, read as `--policy FILE` reads it, then one text of every payload
//! kind audited under the policy (allow-lists, rule overrides, ignore entries, fail-on).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(report) = qraudit::fuzz_entry::policy(text) {
        qraudit_fuzz::check(&report);
    }
});
