//! Fuzz target: any bytes scanned as a file, seeded and steered (dictionary) towards
//! HTML pages: the tokenizer (tags, attributes, comments, raw text), srcset and CSS url()
//! parsing, data: URIs and inline SVGs (file references have no folder here: they are noted).
//! Every input must give a report that keeps the invariants (`qraudit_fuzz::check`).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    qraudit_fuzz::scan_and_check(data);
});
