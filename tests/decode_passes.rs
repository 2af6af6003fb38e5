//! One test per decoder pass, on generated images: each shows that the pass is needed (the
//! plain first pass misses the code) where that is so, that the pass reads it, and that the full
//! `decode` reads it. Images are rendered here from the `qrcode` crate's module matrix.

use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use image::{GrayImage, Luma};
use qraudit::decode::{self, DecodeOptions, DecodeOutcome, Ecc};
use qrcode::{EcLevel, QrCode};

mod common;
use common::{decoded_texts as texts, render_modules as render};

fn plain(text: &str, module_px: u32) -> GrayImage {
    render(text, module_px, 4, 0, 255)
}

/// Pastes `part` into `sheet` at (x, y).
fn paste(sheet: &mut GrayImage, part: &GrayImage, x: u32, y: u32) {
    image::imageops::replace(sheet, part, i64::from(x), i64::from(y));
}

fn run(image: &GrayImage, only: &[&str]) -> DecodeOutcome {
    let options = DecodeOptions {
        only_passes: only.iter().map(|s| s.to_string()).collect(),
        ..DecodeOptions::default()
    };
    decode::decode(image, &options, &AtomicBool::new(false))
}

/// Decodes `image` with every pass but `skipped` (the others keep their gates): what the
/// decoder reads without them.
fn run_without(image: &GrayImage, skipped: &[&str]) -> DecodeOutcome {
    let options = DecodeOptions {
        skip_passes: skipped.iter().map(|s| s.to_string()).collect(),
        ..DecodeOptions::default()
    };
    decode::decode(image, &options, &AtomicBool::new(false))
}

fn passes(outcome: &DecodeOutcome) -> Vec<&'static str> {
    outcome.symbols.iter().map(|s| s.pass).collect()
}

/// The cheap first passes, which heavier passes are only there to back up.
#[cfg(feature = "rxing")]
const FIRST: &[&str] = &["rxing", "direct"];
#[cfg(not(feature = "rxing"))]
const FIRST: &[&str] = &["direct", "downscaled"];

/// The contrast-stretching pass: rqrr's, or rxing's when rxing is on (rqrr's then added no
/// code on the measurement corpus and was dropped).
#[cfg(feature = "rxing")]
const ENHANCED: &str = "rxing-enhanced";
#[cfg(not(feature = "rxing"))]
const ENHANCED: &str = "enhanced";

/// Rotates by `degrees` about the centre onto a larger light canvas (bilinear).
fn rotate(image: &GrayImage, degrees: f32) -> GrayImage {
    let (w, h) = (image.width() as f32, image.height() as f32);
    let side = ((w * w + h * h).sqrt()).ceil() as u32;
    let (sin, cos) = degrees.to_radians().sin_cos();
    let (cx, cy, c) = (w / 2.0, h / 2.0, side as f32 / 2.0);
    GrayImage::from_fn(side, side, |x, y| {
        let (dx, dy) = (x as f32 - c, y as f32 - c);
        let (sx, sy) = (cos * dx + sin * dy + cx, -sin * dx + cos * dy + cy);
        if sx < 0.0 || sy < 0.0 || sx >= w - 1.0 || sy >= h - 1.0 {
            return Luma([255]);
        }
        let (x0, y0) = (sx.floor(), sy.floor());
        let (fx, fy) = (sx - x0, sy - y0);
        let p = |xx: f32, yy: f32| f32::from(image.get_pixel(xx as u32, yy as u32)[0]);
        let v = p(x0, y0) * (1.0 - fx) * (1.0 - fy)
            + p(x0 + 1.0, y0) * fx * (1.0 - fy)
            + p(x0, y0 + 1.0) * (1.0 - fx) * fy
            + p(x0 + 1.0, y0 + 1.0) * fx * fy;
        Luma([v.round() as u8])
    })
}

#[test]
fn plain_code_is_read_by_the_first_pass_with_its_geometry() {
    let img = plain("https://example.com/plain", 6);
    let outcome = run(&img, &[]);
    assert_eq!(texts(&outcome), ["https://example.com/plain"]);
    let symbol = &outcome.symbols[0];
    assert!(FIRST.contains(&symbol.pass), "{}", symbol.pass);
    assert!(!symbol.fragile);
    assert_eq!(symbol.ecc, Some(Ecc::M));
    assert_eq!(symbol.modules, 25);
    assert!(
        (symbol.module_px - 6.0).abs() < 0.8,
        "module_px {}",
        symbol.module_px
    );
    let quiet = symbol.quiet_zone_modules.expect("measured");
    assert!((3.5..=4.5).contains(&quiet), "quiet zone {quiet}");
    // rqrr's geometry agrees.
    let direct = run(&img, &["direct"]);
    assert_eq!(direct.symbols[0].modules, 25);
    assert!(
        (direct.symbols[0].module_px - 6.0).abs() < 0.8,
        "rqrr module_px {}",
        direct.symbols[0].module_px
    );
    let quiet = direct.symbols[0].quiet_zone_modules.expect("measured");
    assert!((3.5..=4.5).contains(&quiet), "rqrr quiet zone {quiet}");
}

#[test]
fn quiet_zone_is_measured_when_text_crowds_the_code() {
    let mut img = render("https://example.com/crowded", 5, 6, 0, 255);
    // A dark bar one module away from the symbol's right edge.
    let n = QrCode::with_error_correction_level("https://example.com/crowded", EcLevel::M)
        .unwrap()
        .width() as u32;
    let x = (6 + n + 1) * 5;
    for y in 0..img.height() {
        for dx in 0..5 {
            img.put_pixel(x + dx, y, Luma([0]));
        }
    }
    let outcome = run(&img, &[]);
    assert_eq!(texts(&outcome), ["https://example.com/crowded"]);
    let quiet = outcome.symbols[0].quiet_zone_modules.expect("measured");
    assert!((0.5..=1.5).contains(&quiet), "quiet zone {quiet}");
}

/// The quiet zone reported is the narrowest side's, whichever of the four sides it is and
/// whichever side is measured first (the measure stops a side as soon as it cannot be the
/// narrowest any more).
#[test]
fn quiet_zone_is_the_narrowest_side_whichever_it_is() {
    let text = "https://example.com/narrowest-side";
    let (module, quiet) = (5, 10);
    let clean = render(text, module, quiet, 0, 255);
    let n = QrCode::with_error_correction_level(text, EcLevel::M)
        .unwrap()
        .width() as u32;
    let (near, far) = (quiet * module, (quiet + n) * module);
    // A dark bar one module thick whose near edge is `k` modules from the symbol's `side`
    // (0 top, 1 bottom, 2 left, 3 right).
    let bar = |img: &mut GrayImage, side: u32, k: u32| {
        let (from, to) = match side {
            0 | 2 => (near - (k + 1) * module, near - k * module),
            _ => (far + k * module, far + (k + 1) * module),
        };
        for a in from..to {
            for b in 0..img.width() {
                let (x, y) = if side < 2 { (b, a) } else { (a, b) };
                img.put_pixel(x, y, Luma([0]));
            }
        }
    };
    for narrow in 0..4 {
        for wide in (0..4).filter(|&w| w != narrow) {
            let mut img = clean.clone();
            bar(&mut img, wide, 5);
            bar(&mut img, narrow, 2);
            let outcome = run(&img, &[]);
            assert_eq!(texts(&outcome), [text], "narrow {narrow}, wide {wide}");
            let measured = outcome.symbols[0].quiet_zone_modules;
            assert_eq!(measured, Some(2.0), "narrow {narrow}, wide {wide}");
        }
    }
}

/// Without rxing, rqrr needs the negative; rxing reads both polarities in its first pass.
#[cfg(not(feature = "rxing"))]
#[test]
fn inverted_pass_reads_light_on_dark() {
    let img = render("light on dark", 6, 4, 255, 0);
    assert!(texts(&run(&img, &["direct"])).is_empty());
    let inverted = run(&img, &["inverted"]);
    assert_eq!(texts(&inverted), ["light on dark"]);
    assert_eq!(passes(&inverted), ["inverted"]);
    assert_eq!(texts(&run(&img, &[])), ["light on dark"]);
}

#[cfg(feature = "rxing")]
#[test]
fn rxing_pass_reads_light_on_dark_too() {
    let img = render("light on dark", 6, 4, 255, 0);
    assert!(texts(&run(&img, &["direct"])).is_empty());
    let outcome = run(&img, &["rxing"]);
    assert_eq!(texts(&outcome), ["light on dark"]);
    assert_eq!(outcome.symbols[0].modules, 21);
    let full = run(&img, &[]);
    assert_eq!(texts(&full), ["light on dark"]);
    assert_eq!(passes(&full), ["rxing"]);
}

/// Light modules on a mid-tone ground (a messenger's profile card: white modules on a coloured
/// card), flat, or under light falling off across the card so that no one threshold separates
/// modules from ground (the ground's bright end is lighter than the modules' dim end). The first
/// look reads them from the negative image's threshold; with the image's threshold flipped, as
/// zxing does, the flat blocks of the ground turned dark and swallowed the quiet zone and the
/// finder patterns' light rings: the first look read none of these, and later passes did (the
/// global threshold's look all but the 4-px falling-light one, which the padded look read).
#[cfg(feature = "rxing")]
#[test]
fn rxing_first_look_reads_light_modules_on_a_mid_tone_ground() {
    let text = "https://example.com/profile/4711";
    // Modules at 250 and ground at 170, lit from 100% at the top left to 55% at the bottom
    // right.
    let falling_light = |module_px: u32| {
        let code = render(text, module_px, 4, 255, 0);
        let (w, h) = code.dimensions();
        GrayImage::from_fn(w, h, |x, y| {
            let light = 1.0 - 0.45 * (x + y) as f32 / (w + h) as f32;
            let level = if code.get_pixel(x, y).0[0] == 255 {
                250.0
            } else {
                170.0
            };
            Luma([(level * light) as u8])
        })
    };
    let mut images = Vec::new();
    for ground in [140, 170, 200] {
        images.push((
            format!("flat ground {ground}"),
            render(text, 6, 4, 255, ground),
        ));
    }
    for module_px in [4, 6] {
        images.push((
            format!("falling light, {module_px}-px modules"),
            falling_light(module_px),
        ));
    }
    for (name, img) in &images {
        let first = run(img, &["rxing"]);
        assert_eq!(texts(&first), [text], "{name}");
        let full = run(img, &[]);
        assert_eq!(passes(&full), ["rxing"], "{name}");
        // Both polarities alike: the light-on-dark code reads as its negative, a dark-on-light
        // code, does.
        let mut negative = img.clone();
        image::imageops::invert(&mut negative);
        assert_eq!(
            texts(&run(&negative, &["rxing"])),
            [text],
            "{name}, negated"
        );
    }
}

#[test]
fn mirrored_code_is_read() {
    let img = image::imageops::flip_horizontal(&plain("mirror image", 5));
    let outcome = run(&img, &[]);
    assert_eq!(texts(&outcome), ["mirror image"]);
    // rqrr retries a grid mirrored by itself: no extra pass is needed.
    assert_eq!(texts(&run(&img, &["direct"])), ["mirror image"]);
}

#[test]
fn rotated_code_is_read() {
    for degrees in [30.0, 45.0, 100.0] {
        let img = rotate(&plain("rotated code", 6), degrees);
        let outcome = run(&img, &[]);
        assert_eq!(texts(&outcome), ["rotated code"], "at {degrees}°");
    }
}

#[test]
fn two_pixel_modules_are_read() {
    let img = plain("https://example.com/two-pixel-modules", 2);
    let outcome = run(&img, &[]);
    assert_eq!(texts(&outcome), ["https://example.com/two-pixel-modules"]);
}

/// 1-pixel modules and no quiet zone (a cropped screenshot asset): rqrr needs its upscaled pass,
/// rxing reads them in its first pass (so with rxing on, rqrr's upscaled passes are not planned).
#[test]
fn one_pixel_modules_cropped_tight_are_read() {
    let img = render("one pixel", 1, 0, 0, 255);
    assert!(texts(&run(&img, &["direct"])).is_empty());
    if cfg!(feature = "rxing") {
        let outcome = run(&img, &[]);
        assert_eq!(texts(&outcome), ["one pixel"]);
        assert_eq!(passes(&outcome), ["rxing"]);
    } else {
        let upscaled = run(&img, &["upscaled"]);
        assert_eq!(texts(&upscaled), ["one pixel"]);
        assert_eq!(passes(&upscaled), ["upscaled"]);
        assert!(upscaled.symbols[0].fragile);
        assert_eq!(texts(&run(&img, &[])), ["one pixel"]);
    }
}

#[cfg(feature = "rxing")]
#[test]
fn rxing_upscaled_pass_reads_resampled_one_pixel_modules() {
    // 1.33-pixel modules, resampled (bilinear) like a downsized screenshot.
    let sharp = render("one pixel", 4, 4, 0, 255);
    let side = sharp.width() / 3;
    let img = image::imageops::resize(&sharp, side, side, image::imageops::FilterType::Triangle);
    for pass in ["direct", "rxing"] {
        assert!(texts(&run(&img, &[pass])).is_empty(), "{pass}");
    }
    let upscaled = run(&img, &["rxing-upscaled"]);
    assert_eq!(texts(&upscaled), ["one pixel"]);
    let outcome = run(&img, &[]);
    assert_eq!(texts(&outcome), ["one pixel"]);
    // The padded pass, which runs first, reads it too since erasure decoding: the blurred
    // modules are the unsure ones. Either way only a repair reads it.
    let pass = passes(&outcome);
    assert!(
        pass == ["rxing-upscaled"] || pass == ["rxing-padded"],
        "{pass:?}"
    );
    assert!(outcome.symbols[0].fragile);
}

#[test]
fn low_contrast_needs_a_rebinarising_pass() {
    // Dark modules at 120 on a 140 ground.
    let img = render("faint print", 6, 4, 120, 140);
    for pass in FIRST {
        assert!(texts(&run(&img, &[pass])).is_empty(), "{pass}");
    }
    assert_eq!(texts(&run(&img, &["binarized"])), ["faint print"]);
    assert_eq!(texts(&run(&img, &[ENHANCED])), ["faint print"]);
    let outcome = run(&img, &[]);
    assert_eq!(texts(&outcome), ["faint print"]);
    assert!(outcome.symbols[0].fragile);
}

/// The contrast-stretching pass applies only to faint images (1st–99th percentile range under
/// half the grey scale): on a full-contrast code it does not run at all, on a faint one it
/// runs and reads it.
#[test]
fn contrast_stretch_runs_only_on_faint_images() {
    let ran = |outcome: &DecodeOutcome| outcome.passes_run.iter().any(|p| p.0 == ENHANCED);
    let full = plain("full contrast", 6);
    let outcome = run(&full, &[ENHANCED]);
    assert!(texts(&outcome).is_empty() && !ran(&outcome));
    // A grey print on grey paper, 90 levels apart: faint, though no pass but a threshold's
    // minimum contrast would notice.
    let grey = render("grey print", 6, 4, 80, 170);
    let outcome = run(&grey, &[ENHANCED]);
    assert!(ran(&outcome));
    assert_eq!(texts(&outcome), ["grey print"]);
    let faint = render("faint print", 6, 4, 120, 140);
    let outcome = run(&faint, &[ENHANCED]);
    assert!(ran(&outcome));
    assert_eq!(texts(&outcome), ["faint print"]);
}

#[test]
fn enhanced_pass_reads_low_contrast_under_a_gradient() {
    // The same faint print with a brightness gradient across it.
    let mut img = render("faint print", 6, 4, 120, 140);
    let w = img.width();
    for (x, _, p) in img.enumerate_pixels_mut() {
        p.0[0] = (u32::from(p.0[0]) + 60 * x / w) as u8;
    }
    for pass in ["direct", "binarized"] {
        assert!(texts(&run(&img, &[pass])).is_empty(), "{pass}");
    }
    let enhanced = run(&img, &["enhanced"]);
    assert_eq!(texts(&enhanced), ["faint print"]);
    assert_eq!(texts(&run(&img, &[])), ["faint print"]);
}

#[test]
fn padded_pass_reads_a_code_cropped_without_quiet_zone() {
    let img = render("cropped", 1, 0, 0, 255);
    assert!(texts(&run(&img, &["direct"])).is_empty());
    let padded = run(&img, &["padded"]);
    assert_eq!(texts(&padded), ["cropped"]);
    assert!(!padded.symbols[0].fragile);
    // Corners are mapped back through the padding: the code starts at the image's corner.
    let tl = padded.symbols[0].corners[0];
    assert!(tl[0].abs() < 3.0 && tl[1].abs() < 3.0, "{tl:?}");
    assert_eq!(padded.symbols[0].quiet_zone_modules, Some(0.0));
}

/// rxing's detector only: rqrr alone reads 2 of these 6 codes (its grouping step pairs finder
/// patterns of neighbouring codes of the same size and then discards them; see docs/decoding.md).
#[cfg(feature = "rxing")]
#[test]
fn several_codes_on_one_sheet() {
    let mut sheet = GrayImage::from_pixel(1200, 800, Luma([255]));
    let mut expected = Vec::new();
    for i in 0..6u32 {
        let text = format!("sheet code {i}");
        let code = plain(&text, 5);
        paste(&mut sheet, &code, 40 + (i % 3) * 380, 40 + (i / 3) * 380);
        expected.push(text);
    }
    let outcome = run(&sheet, &[]);
    assert_eq!(texts(&outcome), expected);
}

#[test]
fn huge_image_with_a_small_code_decodes_within_the_budget() {
    let mut img = GrayImage::from_pixel(8000, 6000, Luma([235]));
    let code = plain("huge image", 8);
    paste(&mut img, &code, 5000, 3500);
    let started = Instant::now();
    let outcome = run(&img, &[]);
    let took = started.elapsed();
    assert_eq!(texts(&outcome), ["huge image"]);
    let corners = outcome.symbols[0].corners;
    assert!(
        (corners[0][0] - 5032.0).abs() < 20.0,
        "corners in full-size pixels: {corners:?}"
    );
    // The scan's default per-image budget is 10 s.
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

#[test]
fn cancel_stops_before_any_pass() {
    let img = plain("cancelled", 4);
    let outcome = decode::decode(&img, &DecodeOptions::default(), &AtomicBool::new(true));
    assert!(outcome.symbols.is_empty());
}

/// rqrr panics on the generated `testdata/bad/decoder-panic.png` (three sheared finder patterns,
/// see `examples/gen_testdata.rs`; its manifest test checks that plain rqrr still panics): every
/// pass that meets them is recorded as a panic, the other passes go on, and the plain code beside
/// them is still read, with and without rxing.
#[test]
fn decoder_panic_is_isolated_and_the_other_passes_go_on() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/bad/decoder-panic.png");
    let image = image::open(&path).expect("generated testdata").to_luma8();
    let mut engines = vec![false];
    if cfg!(feature = "rxing") {
        engines.push(true);
    }
    for rxing in engines {
        let options = DecodeOptions {
            rxing,
            ..DecodeOptions::default()
        };
        let outcome = decode::decode(&image, &options, &AtomicBool::new(false));
        assert_eq!(
            texts(&outcome),
            ["https://example.com/read-despite-a-decoder-panic"],
            "rxing {rxing}"
        );
        assert!(
            !outcome.panics.is_empty(),
            "rxing {rxing}: no panic recorded"
        );
        for (pass, message) in &outcome.panics {
            assert!(
                message.starts_with("assertion failed: x <= i32::MAX as f64")
                    && message.ends_with("(rqrr-0.11.0/src/geometry.rs:55)"),
                "rxing {rxing}: {pass}: {message}"
            );
        }
        let summary = outcome.panic_summary().expect("panics");
        assert!(
            summary.starts_with("decoder panicked in passes direct, "),
            "{summary}"
        );
        // Passes ran after the first one that panicked.
        let first_panic = outcome.panics[0].0;
        let ran: Vec<&str> = outcome.passes_run.iter().map(|p| p.0).collect();
        let at = ran.iter().position(|p| *p == first_panic).expect("it ran");
        assert!(
            at + 1 < ran.len(),
            "rxing {rxing}: nothing ran after {first_panic}: {ran:?}"
        );
    }
}

/// `code` (rendered at `module` pixels with `quiet` modules of quiet zone) with the finder
/// pattern whose top-left module is `at` (in modules) and its separator painted over in the
/// light ground: a sticker, a torn corner, a glare spot.
#[cfg(feature = "rxing")]
fn cover_finder(code: &GrayImage, module: u32, quiet: u32, at: (u32, u32)) -> GrayImage {
    let mut covered = code.clone();
    let (x0, y0) = (quiet + at.0, quiet + at.1);
    let (left, top) = (x0.saturating_sub(1) * module, y0.saturating_sub(1) * module);
    for y in top..(y0 + 8) * module {
        for x in left..(x0 + 8) * module {
            covered.put_pixel(x, y, Luma([255]));
        }
    }
    covered
}

/// A code with one finder pattern covered (a sticker, a torn corner, a glare spot) is read
/// from the other two, whichever corner is gone, upright or turned, on its own and inside a
/// photo-sized picture (where the rescue passes wait for evidence); without the pass that
/// completes pairs of finder patterns (`rxing-two-finders`) the decoder reads none of them.
#[cfg(feature = "rxing")]
#[test]
fn a_code_with_one_finder_pattern_covered_is_read_from_the_other_two() {
    let text = "hclsametime://st.example.com/?action=AddCommunity";
    let (module, quiet) = (6u32, 4u32);
    let code = render(text, module, quiet, 0, 255);
    let n = (code.width() / module) - 2 * quiet;
    // The top-left module of each finder pattern, in modules: top-left, top-right, bottom-left.
    for (cover_x, cover_y) in [(0, 0), (n - 7, 0), (0, n - 7)] {
        let covered = cover_finder(&code, module, quiet, (cover_x, cover_y));
        for (what, image) in [
            ("upright", covered.clone()),
            ("turned 20°", rotate(&covered, 20.0)),
            ("in a photo", {
                let mut photo = GrayImage::from_pixel(1400, 1100, Luma([225]));
                paste(&mut photo, &covered, 500, 300);
                photo
            }),
        ] {
            let corner = format!("pattern at ({cover_x}, {cover_y}) covered, {what}");
            let before = run_without(&image, &["rxing-two-finders"]);
            assert!(
                texts(&before).is_empty(),
                "{corner}: read without completing"
            );
            let after = run(&image, &[]);
            assert_eq!(texts(&after), [text], "{corner}");
            let read = after.symbols.iter().find(|s| s.text.is_some()).unwrap();
            assert_eq!(read.pass, "rxing-two-finders", "{corner}");
            // A code only a decoder's repair reads is one phones will struggle with.
            assert!(read.fragile, "{corner}");
        }
    }
}

/// `outcome` read `text` only, with codewords erased, and says the code is fragile.
#[cfg(feature = "rxing")]
fn assert_read_with_erasures(outcome: &DecodeOutcome, text: &str, what: &str) {
    assert_eq!(texts(outcome), [text], "{what}");
    assert!(
        outcome
            .symbols
            .iter()
            .all(|s| s.fragile && s.erasures.is_some_and(|n| n > 0)),
        "{what}: read without erasures"
    );
}

/// Lifts `image` towards white under a glare blob centred at (cx, cy) pixels: the share of the
/// way to white is `strength` at the centre (capped at all of it) and falls off as a Gaussian
/// of `radius` pixels.
#[cfg(feature = "rxing")]
fn glare(image: &GrayImage, cx: f32, cy: f32, radius: f32, strength: f32) -> GrayImage {
    GrayImage::from_fn(image.width(), image.height(), |x, y| {
        let r2 = (x as f32 - cx).powi(2) + (y as f32 - cy).powi(2);
        let lift = (strength * (-r2 / (2.0 * radius * radius)).exp()).min(1.0);
        let g = f32::from(image.get_pixel(x, y)[0]);
        Luma([(g + (255.0 - g) * lift).round() as u8])
    })
}

/// A code printed on grey paper under a glare blob that washes out more codewords than
/// Reed–Solomon can find as errors is read: the washed-out codewords are the least sure, and
/// erased they cost half. Blobs of three sizes at four places; before erasure decoding no pass
/// read any of these 12 images. Each symbol is marked fragile (a phone, which corrects errors
/// only, would not read it).
#[cfg(feature = "rxing")]
#[test]
fn a_code_under_a_glare_blob_is_read_with_its_washed_out_codewords_erased() {
    let text = "hclsametime://stproxy.example.com:8443/?action=AddCommunity&communityName=Glare";
    let (module, quiet) = (8u32, 4u32);
    let code = render(text, module, quiet, 40, 190);
    let side = code.width() as f32;
    for (radius, strength) in [(4.5f32, 3.0f32), (5.0, 3.0), (5.5, 2.0)] {
        for (fx, fy) in [(0.5f32, 0.5f32), (0.62, 0.4), (0.4, 0.62), (0.55, 0.6)] {
            let image = glare(
                &code,
                side * fx,
                side * fy,
                module as f32 * radius,
                strength,
            );
            let what =
                format!("blob at ({fx}, {fy}), radius {radius} modules, strength {strength}");
            assert_read_with_erasures(&run(&image, &[]), text, &what);
        }
    }
}

/// Blends a disc of `radius` pixels at (cx, cy) towards `grey` by `opacity`: a smudge of ink or
/// dirt that leaves the modules under it near the threshold.
#[cfg(feature = "rxing")]
fn smudge(image: &GrayImage, cx: f32, cy: f32, radius: f32, grey: f32, opacity: f32) -> GrayImage {
    GrayImage::from_fn(image.width(), image.height(), |x, y| {
        let g = f32::from(image.get_pixel(x, y)[0]);
        let inside = (x as f32 - cx).powi(2) + (y as f32 - cy).powi(2) <= radius * radius;
        Luma([if inside { g + (grey - g) * opacity } else { g }.round() as u8])
    })
}

/// A grey smudge over a disc of modules leaves them close to the threshold: they are read as
/// erasures, where errors-only decoding fails. Two sizes at four places; before erasure
/// decoding no pass read any of these 8 images. Each symbol is marked fragile.
#[cfg(feature = "rxing")]
#[test]
fn a_code_with_a_grey_smudge_is_read_with_the_smudged_codewords_erased() {
    let text = "hclsametime://stproxy.example.com:8443/?action=AddCommunity&communityName=Smudge";
    for (image, what) in smudged(&render(text, 8, 4, 20, 235), 8) {
        assert_read_with_erasures(&run(&image, &[]), text, &what);
    }
}

/// `code` (`module` pixels a module) under a near-opaque grey smudge of 8 and of 9 modules'
/// radius at four places, each with a description.
#[cfg(feature = "rxing")]
fn smudged(code: &GrayImage, module: u32) -> Vec<(GrayImage, String)> {
    let side = code.width() as f32;
    let mut out = Vec::new();
    for radius in [8.0f32, 9.0] {
        for (fx, fy) in [(0.5f32, 0.5f32), (0.62, 0.4), (0.4, 0.62), (0.55, 0.6)] {
            let image = smudge(
                code,
                side * fx,
                side * fy,
                module as f32 * radius,
                128.0,
                0.96,
            );
            out.push((
                image,
                format!("smudge at ({fx}, {fy}), radius {radius} modules"),
            ));
        }
    }
    out
}

/// Both repairs at once: a code with its top-left finder pattern covered and a grey smudge
/// over its data is read from the other two patterns with the smudged codewords erased (the
/// grids of completed pairs get erasures too). Two sizes at four places; before completed grids
/// got erasures no pass read any of these 8 images.
#[cfg(feature = "rxing")]
#[test]
fn a_code_missing_a_finder_pattern_and_smudged_is_read() {
    let text = "hclsametime://stproxy.example.com:8443/?action=AddCommunity&communityName=Both";
    let (module, quiet) = (8u32, 4u32);
    for (mut image, what) in smudged(&render(text, module, quiet, 20, 235), module) {
        // The top-left pattern and its separator, painted over in the paper's colour.
        for y in (quiet - 1) * module..(quiet + 8) * module {
            for x in (quiet - 1) * module..(quiet + 8) * module {
                image.put_pixel(x, y, Luma([235]));
            }
        }
        let outcome = run(&image, &[]);
        assert_eq!(texts(&outcome), [text], "{what}");
        assert_eq!(passes(&outcome), ["rxing-two-finders"], "{what}");
        assert!(outcome.symbols[0].fragile, "{what}");
        assert!(outcome.symbols[0].erasures.is_some_and(|n| n > 0), "{what}");
    }
}

/// `code` on a 1024×768 photo, as a poster turned about its vertical axis looks: squeezed to
/// `squeeze` of its width, its far (right) edge `depth` times as far away as the near one (so
/// shorter), with true perspective between them; returns the photo and the four corners of the
/// symbol, `inset` pixels inside the rendered image (its quiet zone), in it (top-left,
/// top-right, bottom-right, bottom-left). The ground is a grey with a little noise, and the
/// photo is box-blurred over 2×2 pixels as a lens would.
#[cfg(feature = "rxing")]
fn turned_away(
    code: &GrayImage,
    inset: f32,
    squeeze: f32,
    depth: f32,
) -> (GrayImage, [[f32; 2]; 4]) {
    let side = code.width() as f32;
    let (left, width, centre_y) = (420.0f32, side * squeeze, 384.0f32);
    // Point at fraction s of the code's width: depth 1 + (depth - 1)s, so on screen it lies at
    // t = depth·s / (1 + (depth - 1)s) of the width, and its column is 1/depth(s) as tall.
    let on_screen = |s: f32| depth * s / (1.0 + (depth - 1.0) * s);
    let mut noise = 99u32;
    let photo = GrayImage::from_fn(1024, 768, |x, y| {
        noise ^= noise << 13;
        noise ^= noise >> 17;
        noise ^= noise << 5;
        let ground = Luma([196 + (noise % 9) as u8]);
        let t = (x as f32 + 0.5 - left) / width;
        if !(0.0..1.0).contains(&t) {
            return ground;
        }
        let s = t / (depth - t * (depth - 1.0));
        let z = 1.0 + (depth - 1.0) * s;
        let (u, v) = (s * side, (y as f32 + 0.5 - centre_y) * z + side / 2.0);
        if v < 0.0 || v >= side {
            return ground;
        }
        *code.get_pixel((u as u32).min(code.width() - 1), v as u32)
    });
    let blurred = GrayImage::from_fn(1024, 768, |x, y| {
        let (x1, y1) = ((x + 1).min(1023), (y + 1).min(767));
        let sum: u32 = [(x, y), (x1, y), (x, y1), (x1, y1)]
            .iter()
            .map(|&(a, b)| u32::from(photo.get_pixel(a, b)[0]))
            .sum();
        Luma([(sum / 4) as u8])
    });
    let at = |u: f32, v: f32| {
        let s = u / side;
        let z = 1.0 + (depth - 1.0) * s;
        [left + on_screen(s) * width, centre_y + (v - side / 2.0) / z]
    };
    let (near, far) = (inset, side - inset);
    let corners = [at(near, near), at(far, near), at(far, far), at(near, far)];
    (blurred, corners)
}

/// The image turned a quarter: x and y swapped (a poster seen from below instead of from the
/// side), and its corners with it.
#[cfg(feature = "rxing")]
fn transposed(image: &GrayImage) -> GrayImage {
    GrayImage::from_fn(image.height(), image.width(), |x, y| *image.get_pixel(y, x))
}

/// A poster photographed from the side, so steeply that its modules are two to three pixels
/// across and five to six down: no pass before the stretched ones reads it, and the look at a
/// copy stretched √2 across and shrunk √2 down does (and, turned a quarter, the copy stretched
/// down). Three angles, both ways; the outline maps back onto the code in the photo. (Squeezed
/// to half its width or more, the first looks read it; to a quarter, nothing does.)
#[cfg(feature = "rxing")]
#[test]
fn a_code_photographed_at_a_steep_angle_is_read_from_a_stretched_copy() {
    let text = "hclsametime://stproxy.example.com:8443/?action=AddCommunity";
    let (module, quiet) = (6u32, 4u32);
    let code = render(text, module, quiet, 20, 235);
    let without = ["rxing-wide", "rxing-tall"];
    for (squeeze, depth) in [(0.35f32, 1.2f32), (0.4, 1.2), (0.4, 1.5)] {
        let (side_view, corners) = turned_away(&code, (module * quiet) as f32, squeeze, depth);
        let from_below = transposed(&side_view);
        let corners_below = corners.map(|[x, y]| [y, x]);
        for (what, photo, corners, pass) in [
            ("from the side", &side_view, corners, "rxing-wide"),
            ("from below", &from_below, corners_below, "rxing-tall"),
        ] {
            let what = format!("{what}, squeezed to {squeeze}, depth {depth}");
            let before = run_without(photo, &without);
            assert!(texts(&before).is_empty(), "{what}: read without stretching");
            let after = run(photo, &[]);
            assert_eq!(texts(&after), [text], "{what}");
            let read = after.symbols.iter().find(|s| s.text.is_some()).unwrap();
            assert_eq!(read.pass, pass, "{what}");
            assert!(read.fragile, "{what}");
            // The outline maps back onto the symbol in the photo: each corner within two long
            // modules (12 pixels) of one of the symbol's, whichever way the engine listed them.
            for corner in read.corners {
                let nearest = corners
                    .iter()
                    .map(|c| (c[0] - corner[0]).hypot(c[1] - corner[1]))
                    .fold(f32::INFINITY, f32::min);
                assert!(
                    nearest < 12.0,
                    "{what}: corner {corner:?} not near {corners:?}"
                );
            }
        }
    }
}

/// `code` (rendered without a quiet zone) on a dark ground of `ground`, with `margin` pixels of
/// it on each side (left, top, right, bottom).
fn on_dark_ground(code: &GrayImage, ground: u8, margin: [u32; 4]) -> GrayImage {
    let [left, top, right, bottom] = margin;
    let mut image = GrayImage::from_pixel(
        left + code.width() + right,
        top + code.height() + bottom,
        Luma([ground]),
    );
    paste(&mut image, code, left, top);
    image
}

/// A code printed to its edge on a dark ground (no quiet zone) has its finder patterns' outer
/// rings merged into the ground, and no detector finds them; cut to what lies inside the dark
/// frame and given a light border it is read. Dark all round, on two sides, and on a photo-sized
/// dark ground; the outline maps back onto the code. (Dark on one side only, the padded look
/// already reads it.)
#[test]
fn a_code_without_quiet_zone_on_a_dark_ground_is_read_inside_the_frame() {
    let text = "hclsametime://stproxy.example.com:8443/?action=AddCommunity&communityName=Dark";
    let module = 8u32;
    let code = render(text, module, 0, 10, 240);
    let trimmed = if cfg!(feature = "rxing") {
        "rxing-trimmed"
    } else {
        "trimmed"
    };
    // The look that takes finder patterns by their eye reads some of these too (the eye and its
    // light ring are intact): without it as well, to show what the trim adds.
    let without = [trimmed, "rxing-eyes"];
    for (what, margin, ground) in [
        ("dark all round", [40, 40, 40, 40], 0u8),
        ("dark left and below", [30, 0, 0, 30], 35),
        ("a photo of it on a dark case", [400, 300, 420, 310], 25),
    ] {
        let image = on_dark_ground(&code, ground, margin);
        let before = run_without(&image, &without);
        assert!(
            texts(&before).is_empty(),
            "{what}: read without the trim by {:?}",
            passes(&before)
        );
        let after = run(&image, &[]);
        assert_eq!(texts(&after), [text], "{what}");
        let read = after.symbols.iter().find(|s| s.text.is_some()).unwrap();
        assert_eq!(read.pass, trimmed, "{what}");
        assert!(read.fragile, "{what}");
        let (x0, y0) = (margin[0] as f32, margin[1] as f32);
        let side = code.width() as f32;
        let expected = [
            [x0, y0],
            [x0 + side, y0],
            [x0 + side, y0 + side],
            [x0, y0 + side],
        ];
        for corner in read.corners {
            let nearest = expected
                .iter()
                .map(|c| (c[0] - corner[0]).hypot(c[1] - corner[1]))
                .fold(f32::INFINITY, f32::min);
            assert!(nearest < module as f32, "{what}: corner {corner:?}");
        }
        // No quiet zone around it: the report says so.
        assert!(read.quiet_zone_modules.is_some_and(|q| q < 1.0), "{what}");
    }
}

/// `code` (rendered at `module` pixels with `quiet` modules of margin, dark 20 on light 235)
/// with the outer rings of its three finder patterns redrawn by `ring`, which says for each
/// pixel of a ring (x, y in pixels from the pattern's corner, 0..7·module) whether it is dark.
#[cfg(feature = "rxing")]
fn with_designed_eyes(
    code: &GrayImage,
    module: u32,
    quiet: u32,
    ring: &dyn Fn(u32, u32) -> bool,
) -> GrayImage {
    let mut image = code.clone();
    let n = code.width() / module - 2 * quiet;
    for (cx, cy) in [(0, 0), (n - 7, 0), (0, n - 7)] {
        let (x0, y0) = ((quiet + cx) * module, (quiet + cy) * module);
        for y in 0..7 * module {
            for x in 0..7 * module {
                let on_ring = x < module || y < module || x >= 6 * module || y >= 6 * module;
                if on_ring {
                    let dark = ring(x, y);
                    image.put_pixel(x0 + x, y0 + y, Luma([if dark { 20 } else { 235 }]));
                }
            }
        }
    }
    image
}

/// Codes with designed finder patterns keep the eye (the 3×3 centre and its light ring) and
/// change the outer ring: corner brackets only, a hairline a third of a module wide, a dashed
/// ring. No look of rxing's own detector reads them; the look that takes patterns by their eye
/// does, upright and turned.
#[cfg(feature = "rxing")]
#[test]
fn codes_with_designed_finder_patterns_are_read_by_their_eyes() {
    let text = "https://example.com/campaign?utm_source=poster";
    let (module, quiet) = (8u32, 4u32);
    let code = render(text, module, quiet, 20, 235);
    let side = 7 * module;
    let brackets = |x: u32, y: u32| {
        let near = |v: u32| v < 2 * module || v >= side - 2 * module;
        near(x) && near(y)
    };
    let hairline = |x: u32, y: u32| {
        let third = module / 3;
        let edge = |v: u32| {
            (module - third..module).contains(&v)
                || (side - module..side - module + third).contains(&v)
        };
        (edge(x) && (module - third..side - module + third).contains(&y))
            || (edge(y) && (module - third..side - module + third).contains(&x))
    };
    let dashed = |x: u32, y: u32| (x / module + y / module).is_multiple_of(2);
    let without = ["rxing-eyes"];
    for (style, ring) in [
        ("corner brackets", &brackets as &dyn Fn(u32, u32) -> bool),
        ("a hairline", &hairline),
        ("a dashed ring", &dashed),
    ] {
        let designed = with_designed_eyes(&code, module, quiet, ring);
        for (what, image) in [
            ("upright", designed.clone()),
            ("turned 10°", rotate(&designed, 10.0)),
        ] {
            let what = format!("{style}, {what}");
            let before = run_without(&image, &without);
            assert!(texts(&before).is_empty(), "{what}: read without eyes");
            let after = run(&image, &[]);
            assert_eq!(texts(&after), [text], "{what}");
            assert_eq!(passes(&after), ["rxing-eyes"], "{what}");
            assert!(after.symbols[0].fragile, "{what}");
        }
    }
}

/// A code printed on a crumpled sheet (every point moved smoothly by up to 0.35 or 0.45 of a
/// module, a sine across and one down, 20 modules long) is read by the second reading of its
/// grid, and the symbol says it was repaired. At 0.45 that reading needs each part of the grid
/// sampled where it is sharpest: before that alignment no pass read it (engine/rxing/erasures.rs
/// tests the alignment itself).
#[cfg(feature = "rxing")]
#[test]
fn a_code_on_a_crumpled_sheet_is_read() {
    let text = "hclsametime://stproxy.example.com:8443/?action=AddCommunity&communityName=Crumpled";
    let code = QrCode::with_version(text, qrcode::Version::Normal(5), EcLevel::M).unwrap();
    let n = code.width() as u32;
    let colors = code.to_colors();
    let (px, quiet) = (8.0f32, 4u32);
    for (amplitude, period) in [(0.45f32, 20.0f32), (0.35, 20.0)] {
        let wave = |t: f32| amplitude * (std::f32::consts::TAU * t / period).sin();
        let side = ((n + 2 * quiet) as f32 * px) as u32;
        let image = GrayImage::from_fn(side, side, |x, y| {
            let (u, v) = (
                (x as f32 + 0.5) / px - quiet as f32,
                (y as f32 + 0.5) / px - quiet as f32,
            );
            let (u, v) = (u - wave(v), v - wave(u));
            let inside = (0.0..n as f32).contains(&u) && (0.0..n as f32).contains(&v);
            let dark = inside && colors[(v as u32 * n + u as u32) as usize] == qrcode::Color::Dark;
            Luma([if dark { 40 } else { 210 }])
        });
        let what = format!("amplitude {amplitude}, period {period}");
        let outcome = run(&image, &[]);
        assert_eq!(texts(&outcome), [text], "{what}");
        let read = outcome.symbols.iter().find(|s| s.text.is_some()).unwrap();
        assert!(read.erasures.is_some() && read.fragile, "{what}: {read:?}");
    }
}

/// A code with one finder pattern covered, photographed a little off square (squeezed to 95%
/// of its width, or its far edge 5–10% further away): the third pattern guessed from the two
/// left is placed as if the code were square, a module off at the far corner, and the grid
/// sampled there does not decode. Fitted to the function patterns (`engine/rxing/fit.rs`) it
/// does. Found by a sweep of squeeze 0.9–1 and depth 1–1.2 with each corner covered: these
/// four cases read only with the fit (checked by disabling it), the square ones without, and
/// the steeper ones not at all.
#[cfg(feature = "rxing")]
#[test]
fn a_code_missing_a_finder_pattern_and_seen_off_square_is_read_by_fitting_the_guess() {
    let text = "hclsametime://st.example.com/?action=AddCommunity&communityName=Keystone";
    let (module, quiet) = (7u32, 4u32);
    let code = render(text, module, quiet, 0, 255);
    let n = (code.width() / module) - 2 * quiet;
    for ((cover_x, cover_y), squeeze, depth) in [
        ((0, 0), 0.95f32, 1.0f32),
        ((n - 7, 0), 1.0, 1.1),
        ((0, n - 7), 1.0, 1.05),
        ((0, n - 7), 0.95, 1.05),
    ] {
        let covered = cover_finder(&code, module, quiet, (cover_x, cover_y));
        let (photo, _) = turned_away(&covered, (quiet * module) as f32, squeeze, depth);
        let what =
            format!("pattern at ({cover_x}, {cover_y}) covered, squeeze {squeeze}, depth {depth}");
        let outcome = run(&photo, &[]);
        assert_eq!(texts(&outcome), [text], "{what}");
        assert_eq!(passes(&outcome), ["rxing-two-finders"], "{what}");
    }
}

/// A close-up of a worn print: big modules (24 to 48 pixels) crossed by thin light scratches
/// every 5 to 10 pixels. At full size and at a third of it the scratches cut every finder
/// pattern's runs; at a sixth the box filter averages them into the module, and the code reads.
/// Without the coarser pyramid levels nothing reads these; with them `rxing-pyramid-6` does.
#[cfg(feature = "rxing")]
#[test]
fn a_worn_close_up_is_read_at_a_coarser_level_of_the_pyramid() {
    let text = "hclsametime://st.example.com/?action=AddCommunity&communityName=Coarse";
    let without = ["rxing-pyramid-6", "rxing-pyramid-9"];
    for (module, gap, period) in [(24u32, 2u32, 5u32), (24, 3, 7), (32, 2, 5), (48, 4, 10)] {
        let code = render(text, module, 4, 30, 220);
        let worn = GrayImage::from_fn(code.width(), code.height(), |x, y| {
            if (x + y) % period < gap {
                Luma([220])
            } else {
                *code.get_pixel(x, y)
            }
        });
        let what = format!("{module}-pixel modules, {gap}-pixel scratches every {period}");
        let before = run_without(&worn, &without);
        assert!(
            texts(&before).is_empty(),
            "{what}: read without the coarser levels"
        );
        let after = run(&worn, &[]);
        assert_eq!(texts(&after), [text], "{what}");
        assert_eq!(passes(&after), ["rxing-pyramid-6"], "{what}");
    }
}

/// A photo-sized sheet (over rxing's first-look size, so the first look is at half size) with
/// `big` codes of 10-pixel modules, one of 1-pixel modules (half a pixel at half size: only the
/// full-resolution look can read it) and a lone finder pattern (something left over that no
/// code read explains, as a sheet's unread codes leave). Returns the sheet, the big codes' texts
/// and the small one's.
#[cfg(feature = "rxing")]
fn sheet_with_a_small_code(big: u32) -> (GrayImage, Vec<String>, String) {
    let mut sheet = GrayImage::from_pixel(2600, 2000, Luma([235]));
    let mut texts = Vec::new();
    for i in 0..big {
        let text = format!("sheet code {i}");
        paste(&mut sheet, &plain(&text, 10), 60 + i * 620, 80);
        texts.push(text);
    }
    let small = "small code at the foot of the sheet".to_string();
    paste(&mut sheet, &plain(&small, 1), 1500, 1500);
    // A code's top-left finder pattern with a module of light all round (quiet zone, separator).
    let finder = image::imageops::crop_imm(&plain("lone finder", 10), 30, 30, 90, 90).to_image();
    paste(&mut sheet, &finder, 400, 1500);
    (sheet, texts, small)
}

/// rxing's full-resolution look at the whole image runs after a first look that read a sheet
/// of codes, and reads the one too small for the first look. After a first look that read one
/// code it does not run: what is left (the lone finder pattern) is looked at on crops, and a
/// code that nothing pointed at and only full resolution shows stays unread there (the price of
/// the gate, see `SHEET_CODES` in src/decode/plan.rs).
#[cfg(feature = "rxing")]
#[test]
fn the_full_resolution_look_is_for_sheets() {
    let (sheet, mut expected, small) = sheet_with_a_small_code(4);
    let outcome = run(&sheet, &[]);
    expected.push(small.clone());
    expected.sort();
    assert_eq!(texts(&outcome), expected);
    let small_read = outcome
        .symbols
        .iter()
        .find(|s| s.text.as_deref() == Some(small.as_str()))
        .expect("the small code");
    assert_eq!(small_read.pass, "rxing-full");

    let (photo, big_texts, _) = sheet_with_a_small_code(1);
    let outcome = run(&photo, &[]);
    assert_eq!(texts(&outcome), big_texts);
    let looks: Vec<&str> = outcome.passes_run.iter().map(|p| p.0).collect();
    assert!(
        looks.len() > 2 && !looks.contains(&"rxing-full"),
        "something was left, and looked at without the full-resolution look: {looks:?}"
    );
}
