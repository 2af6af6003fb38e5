//! Fuzz target (structure-aware): a valid QR symbol carrying a hostile payload of any kind
//! (`payloads`), drawn at an arbitrary module size and margin, then damaged (`pixels`), then
//! decoded and analysed. A clean drawing must be read back exactly; a planted secret must be
//! masked in every output whenever the code is read; every report keeps the invariants.

#![no_main]

use arbitrary::Arbitrary;
use qraudit::fuzz_entry;
use qraudit_fuzz::payloads::PayloadSpec;
use qraudit_fuzz::pixels::{self, Damage, Render};

/// Images stay below this side, so that one case decodes in milliseconds.
const MAX_SIDE: u32 = 640;

#[derive(Debug, Arbitrary)]
struct Case {
    payload: PayloadSpec,
    render: Render,
    damage: Vec<Damage>,
}

libfuzzer_sys::fuzz_target!(|case: Case| {
    let built = case.payload.build();
    let Some(symbol) = pixels::symbol(&built.bytes, case.render) else {
        return;
    };
    let Some(clean) = pixels::draw(&symbol, case.render, MAX_SIDE) else {
        return;
    };
    let undamaged = case.damage.is_empty();
    let image = pixels::damage(clean, &case.damage, MAX_SIDE);
    let (w, h) = image.dimensions();
    let Some(report) = fuzz_entry::decode_raster(w, h, image.as_raw()) else {
        return;
    };
    let outputs = qraudit_fuzz::check(&report);
    for (secret, written) in &built.secrets {
        for spelling in [secret, written] {
            if let Err(leak) = fuzz_entry::check_redacted(&outputs, spelling) {
                panic!("{leak}\npayload {:?}", String::from_utf8_lossy(&built.bytes));
            }
        }
    }
    if undamaged && case.render.is_clean() {
        // Read back exactly: decode again showing secrets, so the text can be compared.
        let mut config = fuzz_entry::config();
        config.analysis.show_secrets = true;
        let shown = fuzz_entry::decode_raster_with(w, h, image.as_raw(), &config);
        let found = shown.as_ref().is_some_and(|r| qraudit_fuzz::has_code(r, &built.bytes));
        assert!(
            found,
            "clean code not read back: want {:?}, read {:?}",
            String::from_utf8_lossy(&built.bytes),
            shown.as_ref().map(qraudit_fuzz::texts)
        );
    }
});
