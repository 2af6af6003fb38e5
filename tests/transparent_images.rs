//! `qraudit scan` on codes exported on a transparent ground: dark modules opaque, the light ones
//! (and the quiet zone) transparent, stored as transparent black as image editors and QR
//! generators write them. A browser shows such an image on a white page and ZXing reads its
//! transparent pixels as white; qraudit lays transparency over white too
//! (`decode::load::to_gray`). Each file here is written by the test with the `image` crate's
//! encoders, in the layouts with alpha that the formats store: RGBA and grey+alpha PNG, RGBA
//! lossless WebP, and GIF (a transparent palette entry).

use std::path::Path;

use image::{DynamicImage, GrayAlphaImage, LumaA, Rgba, RgbaImage};

mod common;

const TEXT: &str =
    "hclsametime://stproxy.example.com:8443/?action=AddCommunity&communityName=Glass";

/// The code as black modules on transparent black (alpha 0), 6-px modules, a 4-module quiet
/// zone.
fn code_on_transparent() -> RgbaImage {
    let grey = common::render_modules(TEXT, 6, 4, 0, 255);
    RgbaImage::from_fn(grey.width(), grey.height(), |x, y| {
        if grey.get_pixel(x, y).0[0] == 0 {
            Rgba([0, 0, 0, 255])
        } else {
            Rgba([0, 0, 0, 0])
        }
    })
}

fn write_all(dir: &Path) {
    let rgba = code_on_transparent();
    rgba.save(dir.join("rgba.png")).expect("RGBA PNG");
    let grey_alpha = GrayAlphaImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        LumaA([0, rgba.get_pixel(x, y).0[3]])
    });
    grey_alpha.save(dir.join("grey-alpha.png")).expect("LA PNG");
    DynamicImage::ImageRgba8(rgba.clone())
        .save(dir.join("lossless.webp"))
        .expect("WebP");
    DynamicImage::ImageRgba8(rgba)
        .save(dir.join("palette.gif"))
        .expect("GIF");
}

#[test]
fn codes_on_a_transparent_ground_are_read_in_every_format() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_all(dir.path());
    common::scan_each_reads(dir.path(), 4, TEXT);
}

/// The code exported for a dark page: its dark modules drawn in white, everything else
/// transparent (stored as transparent black, or as transparent white). Laid over white, as a
/// browser's white page would show it, it is white on white; qraudit lays an image whose opaque
/// part is mostly light over black instead (`decode::load::transparent_ground`) and reads the
/// light-on-dark code that a dark page shows.
#[test]
fn light_codes_on_a_transparent_ground_are_read() {
    let grey = common::render_modules(TEXT, 6, 4, 0, 255);
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, hidden) in [("black", 0u8), ("white", 255)] {
        let rgba = RgbaImage::from_fn(grey.width(), grey.height(), |x, y| {
            if grey.get_pixel(x, y).0[0] == 0 {
                Rgba([255, 255, 255, 255])
            } else {
                Rgba([hidden, hidden, hidden, 0])
            }
        });
        rgba.save(dir.path().join(format!("on-transparent-{name}.png")))
            .expect("RGBA PNG");
        let grey_alpha = GrayAlphaImage::from_fn(rgba.width(), rgba.height(), |x, y| {
            let pixel = rgba.get_pixel(x, y).0;
            LumaA([pixel[0], pixel[3]])
        });
        grey_alpha
            .save(dir.path().join(format!("grey-alpha-{name}.png")))
            .expect("LA PNG");
    }
    common::scan_each_reads(dir.path(), 4, TEXT);
}
