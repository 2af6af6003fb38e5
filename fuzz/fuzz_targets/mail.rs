//! Fuzz target: any bytes scanned as a file, seeded and steered (dictionary) towards
//! mails (.eml): MIME structure, base64/quoted-printable bodies, RFC 2047/2231 names, nested message/rfc822, data: URIs, body URLs.
//! Every input must give a report that keeps the invariants (`qraudit_fuzz::check`).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    qraudit_fuzz::scan_and_check(data);
});
