//! Passes run ahead on an idle core (`src/decode/ahead.rs`) change where a pass runs, never what
//! a decode returns: on generated images that make the decoder go through many passes (nothing
//! to read, a sheet with a damaged code among readable ones, a code read only by a later pass,
//! passes that panic), the outcome with passes run ahead (`RunAhead::IdleCores`, however the
//! cores split the work, and `RunAhead::Always`, where the other core computes every pass it
//! can) is the outcome with `RunAhead::Never` in everything but the times, and with `Always`
//! passes did run ahead (so the comparison compares something).

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use image::{GrayImage, Luma};
use qraudit::decode::{self, DecodeOptions, DecodeOutcome, RunAhead};

mod common;
use common::{decoded_texts as texts, render_modules};

/// `text` with `module_px` pixels per module and a 4-module quiet zone, black on white.
fn render(text: &str, module_px: u32) -> GrayImage {
    render_modules(text, module_px, 4, 0, 255)
}

/// Paints the top-left finder pattern of a code rendered by `render` (and its separator) in
/// the light ground: a torn corner, which only the pass completing a pair of finder patterns
/// reads.
fn without_top_left_finder(mut code: GrayImage, module_px: u32) -> GrayImage {
    for y in 4 * module_px..12 * module_px {
        for x in 4 * module_px..12 * module_px {
            code.put_pixel(x, y, Luma([255]));
        }
    }
    code
}

/// Deterministic grey noise (xorshift): nothing to read, so every pass the plan has runs.
fn noise(width: u32, height: u32) -> GrayImage {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    GrayImage::from_fn(width, height, |_, _| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        Luma([(state >> 56) as u8])
    })
}

fn decode_with(image: &GrayImage, run_ahead: RunAhead, shared: bool) -> DecodeOutcome {
    let options = DecodeOptions {
        run_ahead,
        ..DecodeOptions::default()
    };
    let cancel = AtomicBool::new(false);
    if shared {
        decode::decode_shared(Arc::new(image.clone()), &options, &cancel)
    } else {
        decode::decode(image, &options, &cancel)
    }
}

/// Decodes `image` alone and with passes run ahead (on a copy of a borrowed image, and on a
/// shared one), asserts the outcomes agree and that passes ran ahead, and returns the outcome.
fn same_either_way(what: &str, image: &GrayImage) -> DecodeOutcome {
    let alone = decode_with(image, RunAhead::Never, false);
    assert_eq!(alone.ran_ahead, 0, "{what}: nothing runs ahead with Never");
    // Where the cores split the work depends on timing: whichever way it went, the same.
    let idle = decode_with(image, RunAhead::IdleCores, true);
    assert_eq!(
        idle.result_summary(),
        alone.result_summary(),
        "{what} (idle cores)"
    );
    // `Always` leaves every pass of a chain to the other core: passes did run ahead.
    for shared in [false, true] {
        let ahead = decode_with(image, RunAhead::Always, shared);
        assert_eq!(
            ahead.result_summary(),
            alone.result_summary(),
            "{what} (shared image: {shared})"
        );
        assert!(
            ahead.ran_ahead > 0,
            "{what} (shared image: {shared}): no pass ran ahead of {} passes",
            ahead.passes_run.len()
        );
    }
    alone
}

#[test]
fn nothing_to_read_runs_every_pass_and_the_same_ones_ahead() {
    // A screenshot-sized image (every pass planned) and a photo-sized one (rescue passes gated).
    for (width, height) in [(400, 300), (1600, 1200)] {
        let outcome = same_either_way(&format!("noise {width}x{height}"), &noise(width, height));
        assert!(texts(&outcome).is_empty());
        assert!(
            outcome.passes_run.len() >= 4,
            "noise {width}x{height}: only {:?}",
            outcome.passes_run
        );
    }
}

#[test]
fn a_code_read_by_a_later_pass_gives_the_same_outcome() {
    let text = "https://example.com/torn-corner-run-ahead";
    let torn = without_top_left_finder(render(text, 6), 6);
    let outcome = same_either_way("torn corner", &torn);
    assert_eq!(texts(&outcome), [text]);
    let first = outcome.passes_run.first().map(|p| p.0);
    assert_ne!(
        outcome.symbols[0].pass,
        first.unwrap_or_default(),
        "read by a later pass than the first"
    );
}

#[test]
fn a_sheet_with_damaged_codes_among_readable_ones_gives_the_same_outcome() {
    // Four readable codes and two torn ones on a photo-sized sheet: the first look reads four
    // codes (the codes known change, so what ran ahead before must be dropped), and the rest
    // runs on crops around the torn ones.
    let mut sheet = GrayImage::from_pixel(2200, 1800, Luma([235]));
    let mut expected = Vec::new();
    for (i, (x, y)) in [(60, 60), (660, 60), (60, 680), (660, 680)]
        .into_iter()
        .enumerate()
    {
        let text = format!("https://example.com/sheet/{i}");
        image::imageops::replace(&mut sheet, &render(&text, 12), x, y);
        expected.push(text);
    }
    // Two torn codes far apart: two crops, which the cores share.
    for (i, y) in [60, 1400].into_iter().enumerate() {
        let torn_text = format!("https://example.com/sheet/torn-{i}");
        let torn = without_top_left_finder(render(&torn_text, 10), 10);
        image::imageops::replace(&mut sheet, &torn, 1500, y);
        expected.push(torn_text);
    }
    expected.sort();
    let outcome = same_either_way("sheet", &sheet);
    assert_eq!(texts(&outcome), expected);
    // The whole image's first looks, then the same plan on each of the two crops.
    let looks = outcome.passes_run.iter().filter(|p| p.0 == "rxing").count();
    assert_eq!(looks, 3, "{:?}", outcome.passes_run);
}

#[test]
fn passes_that_panic_ahead_are_recorded_as_in_their_turn() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/bad/decoder-panic.png");
    let image = image::open(&path).expect("generated testdata").to_luma8();
    let outcome = same_either_way("decoder panic", &image);
    assert!(!outcome.panics.is_empty(), "the rqrr passes panic on it");
    assert_eq!(
        texts(&outcome),
        ["https://example.com/read-despite-a-decoder-panic"]
    );
}
