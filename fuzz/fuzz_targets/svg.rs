//! Fuzz target: any bytes scanned as a file, seeded and steered (dictionary) towards
//! SVGs: parsing (entities, <use>), rendering at a bounded size, decoding.
//! Every input must give a report that keeps the invariants (`qraudit_fuzz::check`).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    qraudit_fuzz::scan_and_check(data);
});
