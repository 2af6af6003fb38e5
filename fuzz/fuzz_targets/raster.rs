//! Fuzz target: the decoder passes and the analysis on a raw grey raster. The first two bytes
//! give the width and height (1 to 256 each, times 1 to 4 from the third byte), the rest are
//! the pixels, repeated to fill the raster.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let scale = u32::from(data[2] % 4) + 1;
    let width = (u32::from(data[0]) + 1) * scale;
    let height = (u32::from(data[1]) + 1) * scale;
    if let Some(report) = qraudit::fuzz_entry::decode_raster(width, height, &data[3..]) {
        qraudit_fuzz::check(&report);
    }
});
