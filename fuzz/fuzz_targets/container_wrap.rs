//! Fuzz target (structure-aware): a clean code carrying a hostile payload, wrapped in a PDF
//! (raster or vector), a mail (base64, quoted-printable, data: URI, RFC 2047/2231 names,
//! forwarded), an mbox, a zip (nested) or an SVG (`containers`), and scanned as a file. The
//! code must be read back exactly, inside the input, and every report keeps the invariants.

#![no_main]

use arbitrary::Arbitrary;
use qraudit::fuzz_entry;
use qraudit_fuzz::containers::{Code, Wrap};
use qraudit_fuzz::payloads::PayloadSpec;
use qraudit_fuzz::pixels::{self, Render};

#[derive(Debug, Arbitrary)]
struct Case {
    payload: PayloadSpec,
    wrap: Wrap,
}

libfuzzer_sys::fuzz_target!(|case: Case| {
    let built = case.payload.build();
    // Drawn as a generator would: 4 pixels a module, a 4-module margin.
    let render = Render {
        ecc: 1,
        module_px: 3,
        quiet_zone: 4,
    };
    let Some(symbol) = pixels::symbol(&built.bytes, render) else {
        return;
    };
    let Some(image) = pixels::draw(&symbol, render, 800) else {
        return;
    };
    let png = pixels::png(&image);
    let code = Code {
        symbol: &symbol,
        image: &image,
        png: &png,
    };
    let bytes = case.wrap.build(&code, 0);
    let mut config = fuzz_entry::config();
    config.analysis.show_secrets = true;
    let report = fuzz_entry::scan_file_with(fuzz_entry::INPUT_NAME, &bytes, &config);
    qraudit_fuzz::check(&report);
    assert!(
        qraudit_fuzz::has_code(&report, &built.bytes),
        "code not read back from {:?}: want {:?}, read {:?}; errors {:?}",
        case.wrap,
        String::from_utf8_lossy(&built.bytes),
        qraudit_fuzz::texts(&report),
        report.inputs.iter().map(|i| &i.error).collect::<Vec<_>>()
    );
});
