//! `qraudit scan` on codes in the style of a messenger's profile card: white modules on a
//! coloured card that shades from one hue to another, photographed off a screen whose light
//! falls off towards one corner. Such a code is light-on-dark on a mid-tone ground; the
//! decoder's first look reads it from the hybrid threshold of the negative image (see
//! `decode::engine::rxing::binarize`), where before only a later pass (the global threshold's
//! look, or the padded one) did. The files are written by the test, PNG and JPEG.

use std::path::Path;

use image::{Rgb, RgbImage};

mod common;

const TEXT: &str = "https://example.com/add-contact?id=5f3a9c";

/// The card: `from` at the top left shading to `to` at the bottom right, with the code's light
/// modules white, `module_px` pixels a module and a 4-module margin, centred on a card a third
/// taller than wide (room for a name above and a caption below); lit fully at the top left and
/// at `dimmed` of that at the bottom right.
fn card(from: [u8; 3], to: [u8; 3], module_px: u32, dimmed: f32) -> RgbImage {
    let code = common::render_modules(TEXT, module_px, 4, 255, 0);
    let side = code.width();
    let (width, height) = (side, side * 4 / 3);
    let top = (height - side) / 2;
    RgbImage::from_fn(width, height, |x, y| {
        let t = (x + y) as f32 / (width + height) as f32;
        let ground = Rgb(std::array::from_fn(|c| {
            (f32::from(from[c]) * (1.0 - t) + f32::from(to[c]) * t) as u8
        }));
        let in_code = y >= top && y < top + side;
        let colour = if in_code && code.get_pixel(x, y - top).0[0] == 255 {
            Rgb([255, 255, 255])
        } else {
            ground
        };
        let light = 1.0 - (1.0 - dimmed) * t;
        Rgb(colour.0.map(|c| (f32::from(c) * light) as u8))
    })
}

fn write_all(dir: &Path) {
    let cards = [
        ("yellow-green", [214, 190, 72], [132, 188, 96], 5, 0.55),
        ("teal", [40, 150, 150], [30, 110, 140], 4, 0.6),
        ("orange", [240, 150, 60], [210, 100, 60], 6, 0.5),
    ];
    for (name, from, to, module_px, dimmed) in cards {
        let image = card(from, to, module_px, dimmed);
        image.save(dir.join(format!("{name}.png"))).expect("PNG");
        let file = std::fs::File::create(dir.join(format!("{name}.jpg"))).expect("JPEG file");
        image::codecs::jpeg::JpegEncoder::new_with_quality(file, 80)
            .encode_image(&image)
            .expect("JPEG");
    }
}

#[test]
fn white_modules_on_a_coloured_card_are_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_all(dir.path());
    for input in common::scan_each_reads(dir.path(), 6, TEXT) {
        // By the first look (a phone's look too), not by a later pass at another threshold:
        // before the negative's threshold, the global threshold's look or the padded one read
        // these.
        if cfg!(feature = "rxing") {
            assert_eq!(
                input["codes"][0]["symbol"]["pass"], "rxing",
                "{}",
                input["path"]
            );
        }
    }
}
