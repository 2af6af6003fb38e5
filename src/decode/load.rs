//! Loading image bytes into a greyscale raster, within bounded memory.
//!
//! The format is taken from the bytes, never from the file name. Before any pixel is decoded the
//! header's dimensions are checked against `max_pixels`, so a decompression bomb (a tiny PNG
//! whose header claims 200000 × 200000 pixels) is refused in microseconds, and `image::Limits`
//! caps what a decoder may allocate as a second line of defence. AVIF and HEIC/HEIF are
//! decoded by `crate::decode::formats` when the `avif` and `heif` features are on; formats that are
//! recognised but not decoded are named there too (`formats::unsupported_image`).

use std::io::Cursor;

use image::{GrayImage, ImageFormat, ImageReader, Limits};
use thiserror::Error;

/// The formats the `image` crate decodes here (its features enabled in Cargo.toml).
pub const SUPPORTED_FORMATS: [ImageFormat; 9] = [
    ImageFormat::Png,
    ImageFormat::Jpeg,
    ImageFormat::Gif,
    ImageFormat::Bmp,
    ImageFormat::WebP,
    ImageFormat::Tiff,
    ImageFormat::Ico,
    ImageFormat::Qoi,
    ImageFormat::Pnm,
];

pub use crate::decode::formats::Format;

#[derive(Debug, Error)]
pub enum LoadError {
    #[error(
        "image is {width}×{height} ({megapixels:.0} megapixels), above the limit of {limit_mp:.0} megapixels (--max-pixels)"
    )]
    TooLarge {
        width: u32,
        height: u32,
        megapixels: f64,
        limit_mp: f64,
    },
    #[error("{format} image could not be decoded: {reason}")]
    Corrupt {
        format: &'static str,
        reason: String,
    },
}

impl LoadError {
    fn too_large(width: u32, height: u32, max_pixels: u64) -> Self {
        let pixels = u64::from(width) * u64::from(height);
        LoadError::TooLarge {
            width,
            height,
            megapixels: pixels as f64 / 1e6,
            limit_mp: max_pixels as f64 / 1e6,
        }
    }
}

/// The format of these bytes, if they are an image qraudit decodes.
pub fn sniff_image(bytes: &[u8]) -> Option<Format> {
    if let Some(format) = raster_format(bytes) {
        return Some(Format::Raster(format));
    }
    Format::of_bmff(bytes)
}

/// One of `SUPPORTED_FORMATS`, by `image`'s signatures plus two of our own: a Windows cursor
/// (`.cur`, an icon with a hotspot, which the icon decoder reads) and, for icons and PNM, a
/// check beyond the first bytes, since `\0\0\1\0` and `P1`…`P7` also start other files.
fn raster_format(bytes: &[u8]) -> Option<ImageFormat> {
    let icon_directory = |bytes: &[u8]| bytes.len() >= 22 && bytes[4..6] != [0, 0] && bytes[9] == 0;
    if bytes.starts_with(&[0, 0, 2, 0]) && icon_directory(bytes) {
        return Some(ImageFormat::Ico);
    }
    let format = image::guess_format(bytes).ok()?;
    let plausible = match format {
        ImageFormat::Ico => icon_directory(bytes),
        ImageFormat::Pnm => bytes.get(2).is_some_and(u8::is_ascii_whitespace),
        _ => true,
    };
    (plausible && SUPPORTED_FORMATS.contains(&format)).then_some(format)
}

pub fn format_name(format: ImageFormat) -> &'static str {
    match format {
        ImageFormat::Png => "PNG",
        ImageFormat::Jpeg => "JPEG",
        ImageFormat::Gif => "GIF",
        ImageFormat::Bmp => "BMP",
        ImageFormat::WebP => "WebP",
        ImageFormat::Tiff => "TIFF",
        ImageFormat::Ico => "ICO",
        ImageFormat::Qoi => "QOI",
        ImageFormat::Pnm => "PNM",
        _ => "image",
    }
}

/// Decodes `bytes` (already sniffed as `format`) to 8-bit greyscale, refusing images above
/// `max_pixels`.
pub fn load_gray(bytes: &[u8], format: Format, max_pixels: u64) -> Result<GrayImage, LoadError> {
    match format {
        Format::Raster(format) => load_raster(bytes, format, max_pixels),
        Format::Avif => load_avif(bytes, max_pixels),
        Format::Heif => load_heif(bytes, max_pixels),
    }
}

/// The error for a format whose decoder is not in this build (never sniffed as decodable).
#[cfg(not(all(feature = "avif", feature = "heif")))]
fn not_built(format: Format) -> LoadError {
    LoadError::Corrupt {
        format: format.name(),
        reason: "no decoder in this build".to_string(),
    }
}

/// The `LoadError` of an AVIF or HEIF decoder's error.
#[cfg(any(feature = "avif", feature = "heif"))]
fn from_decoder(
    format: Format,
    err: crate::decode::formats::DecodeError,
    max_pixels: u64,
) -> LoadError {
    match err {
        crate::decode::formats::DecodeError::TooLarge { width, height } => {
            LoadError::too_large(width, height, max_pixels)
        }
        crate::decode::formats::DecodeError::Corrupt(reason) => LoadError::Corrupt {
            format: format.name(),
            reason,
        },
    }
}

#[cfg(feature = "avif")]
fn load_avif(bytes: &[u8], max_pixels: u64) -> Result<GrayImage, LoadError> {
    crate::decode::formats::avif::decode_gray(bytes, max_pixels)
        .map_err(|err| from_decoder(Format::Avif, err, max_pixels))
}

#[cfg(not(feature = "avif"))]
fn load_avif(_: &[u8], _: u64) -> Result<GrayImage, LoadError> {
    Err(not_built(Format::Avif))
}

#[cfg(feature = "heif")]
fn load_heif(bytes: &[u8], max_pixels: u64) -> Result<GrayImage, LoadError> {
    crate::decode::formats::heif::decode_gray(bytes, max_pixels)
        .map_err(|err| from_decoder(Format::Heif, err, max_pixels))
}

#[cfg(not(feature = "heif"))]
fn load_heif(_: &[u8], _: u64) -> Result<GrayImage, LoadError> {
    Err(not_built(Format::Heif))
}

fn load_raster(bytes: &[u8], format: ImageFormat, max_pixels: u64) -> Result<GrayImage, LoadError> {
    let corrupt = |err: image::ImageError| LoadError::Corrupt {
        format: format_name(format),
        reason: err.to_string().trim().to_string(),
    };
    let reader = || ImageReader::with_format(Cursor::new(bytes), format);
    let (width, height) = reader().into_dimensions().map_err(corrupt)?;
    let pixels = u64::from(width) * u64::from(height);
    if pixels > max_pixels {
        return Err(LoadError::too_large(width, height, max_pixels));
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(width);
    limits.max_image_height = Some(height);
    // RGBA at 16 bits per channel is the widest buffer a decoder makes; allow that plus slack.
    limits.max_alloc = Some(pixels.saturating_mul(8).saturating_add(64 << 20));
    let mut decoder = reader();
    decoder.limits(limits);
    let image = decoder.decode().map_err(corrupt)?;
    Ok(to_gray(image))
}

/// Greyscale with the sRGB luma weights of `DynamicImage::to_luma8`, in integer arithmetic for
/// the 8-bit colour layouts photographs come in: the generic conversion went through floats per
/// pixel and took a fifth of the time of scanning a folder of JPEG photos.
///
/// Transparency is laid over white paper, as a browser shows the image on a white page and as
/// ZXing reads transparent pixels: a code exported as black modules on a transparent ground
/// (PNG, WebP, GIF, icons) has its light modules stored as transparent black, and read without
/// its alpha it was a black square. Opaque pixels keep their grey exactly. An image whose
/// opaque part is mostly light lies over black instead (`transparent_ground`).
fn to_gray(image: image::DynamicImage) -> GrayImage {
    let (width, height) = (image.width(), image.height());
    match image {
        image::DynamicImage::ImageLuma8(gray) => gray,
        image::DynamicImage::ImageLumaA8(grey_alpha) => {
            grey_in_place(grey_alpha.into_raw(), 2, width, height)
        }
        image::DynamicImage::ImageRgb8(rgb) => grey_in_place(rgb.into_raw(), 3, width, height),
        image::DynamicImage::ImageRgba8(rgba) => grey_in_place(rgba.into_raw(), 4, width, height),
        // 16-bit and float layouts with alpha: rare enough to go through an 8-bit copy.
        other if other.color().has_alpha() => {
            grey_in_place(other.to_rgba8().into_raw(), 4, width, height)
        }
        other => other.to_luma8(),
    }
}

/// The grey of 8-bit pixels of `channels` bytes (grey and alpha; red, green and blue; or those
/// and alpha), computed in the decoder's own buffer: pixel i's grey goes to byte i, and every
/// byte before `channels · i` has been read already, so nothing is overwritten before it is
/// read. The buffer is then cut to a byte a pixel. A photo's peak is its decoded colour image
/// alone (3 bytes a pixel) instead of that and a grey copy (4): 405 MB for a 100-megapixel JPEG
/// became about 300.
fn grey_in_place(raw: Vec<u8>, channels: usize, width: u32, height: u32) -> GrayImage {
    let ground = ground_of(&raw, channels);
    let mut raw = match channels {
        2 => grey_pixels_in_place::<2>(raw, ground),
        3 => grey_pixels_in_place::<3>(raw, ground),
        _ => grey_pixels_in_place::<4>(raw, ground),
    };
    raw.shrink_to_fit();
    GrayImage::from_raw(width, height, raw).unwrap_or_else(|| GrayImage::new(width, height))
}

const WHITE: u8 = u8::MAX;
const BLACK: u8 = 0;

/// The ground of 8-bit pixels of `channels` bytes (`grey_in_place`): white without alpha, else
/// `transparent_ground`'s.
fn ground_of(raw: &[u8], channels: usize) -> u8 {
    match channels {
        2 => transparent_ground::<2>(raw),
        3 => WHITE,
        _ => transparent_ground::<4>(raw),
    }
}

/// The grey that transparent pixels of `C`-byte pixels with alpha lie over: white, as a browser
/// shows them on a white page, unless what is opaque is mostly light. A code exported for a dark
/// page (light modules opaque on a transparent ground, a dark-mode logo or app badge) laid over
/// white is white on white, and no decoder reads it; over black it is a light-on-dark code,
/// which the decoder's negative tries read. "Mostly light": the mean grey of the opaque pixels
/// (alpha at least half) of an even sample of at most 65 536 pixels is 128 or more, and at
/// least a twentieth of the sample is transparent (a few transparent pixels, such as a PNG's
/// transparent grey level on anti-aliased edges, stay on white). Opaque pixels keep their grey
/// either way; only images with transparency can change.
fn transparent_ground<const C: usize>(raw: &[u8]) -> u8 {
    const SAMPLE: usize = 1 << 16;
    let pixels = raw.len() / C;
    let step = (pixels / SAMPLE).max(1);
    let (mut sum, mut opaque, mut sampled) = (0u64, 0u64, 0u64);
    for pixel in raw.chunks_exact(C).step_by(step) {
        sampled += 1;
        if pixel[C - 1] >= 128 {
            let grey = if C == 2 {
                pixel[0]
            } else {
                grey_of(pixel[0], pixel[1], pixel[2])
            };
            sum += u64::from(grey);
            opaque += 1;
        }
    }
    let transparent = sampled - opaque;
    if opaque > 0 && sum >= 128 * opaque && transparent * 20 >= sampled {
        BLACK
    } else {
        WHITE
    }
}

/// Pixels of the first run of `grey_pixels_in_place`, converted aside.
const GREY_RUN: usize = 64;

/// `grey_in_place` for pixels of `C` bytes (2, 3 or 4). The pixels go in runs, each run's greys
/// written to the front of the buffer from its colour bytes through two disjoint slices (the
/// first `GREY_RUN` pixels through a small array). With the pixel size a constant and no write
/// into the bytes being read, the computation vectorises (the one-pixel-at-a-time loop over the
/// same buffer did not: 16% of a folder scan's time, more than decoding the JPEG's Huffman
/// codes).
fn grey_pixels_in_place<const C: usize>(mut raw: Vec<u8>, ground: u8) -> Vec<u8> {
    let pixels = raw.len() / C;
    // The first run overlaps its own colour bytes: computed aside, then copied.
    let first = GREY_RUN.min(pixels);
    let mut run = [0u8; GREY_RUN];
    pixels_to_grey::<C>(&raw[..first * C], &mut run[..first], ground);
    raw[..first].copy_from_slice(&run[..first]);
    let mut done = first;
    while done < pixels {
        // The greys of pixels done.. end before their colour bytes begin as long as
        // done + count ≤ C · done: each run can be (C − 1) times what is done, written
        // straight through two disjoint slices.
        let count = (done * (C - 1)).min(pixels - done);
        let (front, back) = raw.split_at_mut(done * C);
        pixels_to_grey::<C>(&back[..count * C], &mut front[done..done + count], ground);
        done += count;
    }
    raw.truncate(pixels);
    raw
}

/// Pixels per block of `pixels_to_grey`.
const GREY_BLOCK: usize = 16;

/// The grey of each pixel of `C` bytes in `colour`, into `grey`. Blocks of `GREY_BLOCK` pixels
/// at constant offsets: the compiler unrolls them and gathers the colour channels with byte
/// shuffles, 1.5 times as fast as going pixel by pixel through `chunks_exact(C)` (3.7 against
/// 5.5 ms for 12 megapixels of RGB, a scratch benchmark).
fn pixels_to_grey<const C: usize>(colour: &[u8], grey: &mut [u8], ground: u8) {
    let mut grey_blocks = grey.chunks_exact_mut(GREY_BLOCK);
    let mut colour_blocks = colour.chunks_exact(GREY_BLOCK * C);
    for (out, block) in (&mut grey_blocks).zip(&mut colour_blocks) {
        let block = &block[..GREY_BLOCK * C];
        for (i, grey) in out.iter_mut().enumerate() {
            *grey = pixel_grey::<C>(&block[C * i..C * i + C], ground);
        }
    }
    let rest = colour_blocks.remainder().chunks_exact(C);
    for (grey, pixel) in grey_blocks.into_remainder().iter_mut().zip(rest) {
        *grey = pixel_grey::<C>(pixel, ground);
    }
}

/// The grey of one pixel of `C` bytes (grey and alpha; red, green and blue; or those and
/// alpha), transparency laid over `ground`. `C` is a constant: each instance keeps one of these
/// arms.
fn pixel_grey<const C: usize>(pixel: &[u8], ground: u8) -> u8 {
    match C {
        2 => over(pixel[0], pixel[1], ground),
        3 => grey_of(pixel[0], pixel[1], pixel[2]),
        _ => over(grey_of(pixel[0], pixel[1], pixel[2]), pixel[3], ground),
    }
}

/// A grey of opacity `alpha` laid over the grey `ground`, rounded to the nearest level: itself
/// when opaque, the ground when transparent. (The luma weights sum to one, so laying each
/// colour channel over a grey and then taking the grey gives the same up to rounding.)
fn over(grey: u8, alpha: u8, ground: u8) -> u8 {
    let (g, a, b) = (u32::from(grey), u32::from(alpha), u32::from(ground));
    ((g * a + b * (255 - a) + 127) / 255) as u8
}

/// The grey of one colour: the weights 0.2126, 0.7152, 0.0722 in 16-bit fixed point (they sum
/// to 65536), so a shift instead of a division.
fn grey_of(red: u8, green: u8, blue: u8) -> u8 {
    let (r, g, b) = (u32::from(red), u32::from(green), u32::from(blue));
    ((13933 * r + 46871 * g + 4732 * b + 32768) >> 16) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The integer conversion agrees with the image crate's to within one grey level, for RGB
    /// and RGBA, on an image whose width is no multiple of anything in particular.
    #[test]
    fn colour_to_grey_matches_the_generic_conversion() {
        let rgb = image::RgbImage::from_fn(67, 61, |x, y| {
            image::Rgb([(x * 4) as u8, (y * 4) as u8, ((x + y) * 2) as u8])
        });
        let rgba = image::DynamicImage::ImageRgb8(rgb.clone()).to_rgba8();
        for colour in [
            image::DynamicImage::ImageRgb8(rgb),
            image::DynamicImage::ImageRgba8(rgba),
        ] {
            let generic = colour.to_luma8();
            let ours = to_gray(colour);
            assert_eq!(ours.dimensions(), (67, 61));
            let worst = generic
                .as_raw()
                .iter()
                .zip(ours.as_raw())
                .map(|(a, b)| a.abs_diff(*b))
                .max();
            assert_eq!(worst.map(|d| d <= 1), Some(true), "{worst:?}");
        }
    }

    /// Converting in runs in the decoder's buffer puts every pixel's grey at its own place:
    /// the same bytes as converting each pixel on its own into a new buffer, for pixel counts
    /// below, at and across the run length, with colours that differ in every pixel.
    #[test]
    fn in_place_runs_give_each_pixel_its_own_grey() {
        for (width, height) in [(1, 1), (7, 9), (8, 8), (64, 1), (65, 1), (67, 61)] {
            for channels in [2usize, 3, 4] {
                let raw: Vec<u8> = (0..width * height * channels)
                    .map(|i| (i * 37 + i / 7) as u8)
                    .collect();
                let ground = ground_of(&raw, channels);
                let expected: Vec<u8> = raw
                    .chunks_exact(channels)
                    .map(|p| match channels {
                        2 => over(p[0], p[1], ground),
                        3 => grey_of(p[0], p[1], p[2]),
                        _ => over(grey_of(p[0], p[1], p[2]), p[3], ground),
                    })
                    .collect();
                let grey = grey_in_place(raw, channels, width as u32, height as u32);
                assert_eq!(grey.dimensions(), (width as u32, height as u32));
                assert_eq!(
                    grey.as_raw(),
                    &expected,
                    "{width}x{height}, {channels} channels"
                );
            }
        }
    }

    /// Transparent is the ground (white paper, or black), opaque keeps its grey, and what lies
    /// between is the blend, to the nearest grey level.
    #[test]
    fn transparency_lies_over_its_ground() {
        for grey in 0..=255u8 {
            for ground in [WHITE, BLACK] {
                assert_eq!(over(grey, 255, ground), grey);
                assert_eq!(over(grey, 0, ground), ground);
            }
        }
        assert_eq!(over(0, 128, WHITE), 127);
        assert_eq!(over(0, 64, WHITE), 191);
        assert_eq!(over(200, 128, WHITE), 227);
        assert_eq!(over(255, 128, BLACK), 128);
        assert_eq!(over(200, 64, BLACK), 50);
    }

    /// Light modules on a transparent ground (a code exported for a dark page) load as light
    /// on black, in every layout with alpha; a light card with dark modules and transparent
    /// corners, mostly light, too (the card's own light ground stays); and dark modules on
    /// transparent stay dark on white (`a_transparent_ground_loads_as_white`).
    #[test]
    fn light_modules_on_a_transparent_ground_load_on_black() {
        let layouts: [image::DynamicImage; 2] = [
            image::DynamicImage::ImageRgba8(image::RgbaImage::from_fn(9, 3, |x, _| {
                image::Rgba(if x % 2 == 0 {
                    [255, 255, 255, 255]
                } else {
                    [255, 255, 255, 0]
                })
            })),
            image::DynamicImage::ImageLumaA8(image::GrayAlphaImage::from_fn(9, 3, |x, _| {
                image::LumaA(if x % 2 == 0 { [240, 255] } else { [0, 0] })
            })),
        ];
        for layout in layouts {
            let light = if layout.color() == image::ColorType::La8 {
                240
            } else {
                255
            };
            assert_columns_alternate(layout, light, 0);
        }
        // A white card (with a few dark modules) on a transparent ground.
        let card = image::RgbaImage::from_fn(20, 20, |x, y| {
            let inside = (2..18).contains(&x) && (2..18).contains(&y);
            let module = inside && (x + y) % 5 == 0;
            image::Rgba(match (inside, module) {
                (false, _) => [0, 0, 0, 0],
                (true, true) => [0, 0, 0, 255],
                (true, false) => [255, 255, 255, 255],
            })
        });
        let grey = to_gray(image::DynamicImage::ImageRgba8(card));
        assert_eq!(grey.get_pixel(0, 0).0[0], 0, "the transparent corner");
        assert_eq!(grey.get_pixel(3, 3).0[0], 255, "the card");
        assert_eq!(grey.get_pixel(5, 5).0[0], 0, "a module");
        // A light image with a few transparent pixels (under a twentieth): they stay white.
        let specks = image::RgbaImage::from_fn(20, 20, |x, y| {
            image::Rgba(if (x, y) == (7, 7) || (x, y) == (12, 3) {
                [0, 0, 0, 0]
            } else {
                [230, 230, 230, 255]
            })
        });
        let grey = to_gray(image::DynamicImage::ImageRgba8(specks));
        assert_eq!(grey.get_pixel(7, 7).0[0], 255, "a transparent speck");
        assert_eq!(grey.get_pixel(0, 0).0[0], 230);
    }

    /// Black modules on a transparent ground (the light modules stored as transparent black,
    /// as image editors export them) load as black on white, in every layout with alpha.
    #[test]
    fn a_transparent_ground_loads_as_white() {
        let layouts: [image::DynamicImage; 3] = [
            image::DynamicImage::ImageRgba8(image::RgbaImage::from_fn(9, 3, |x, _| {
                image::Rgba(if x % 2 == 0 {
                    [0, 0, 0, 255]
                } else {
                    [0, 0, 0, 0]
                })
            })),
            image::DynamicImage::ImageLumaA8(image::GrayAlphaImage::from_fn(9, 3, |x, _| {
                image::LumaA(if x % 2 == 0 { [0, 255] } else { [0, 0] })
            })),
            image::DynamicImage::ImageRgba16(image::ImageBuffer::from_fn(9, 3, |x, _| {
                image::Rgba(if x % 2 == 0 {
                    [0, 0, 0, 65535]
                } else {
                    [0, 0, 0, 0]
                })
            })),
        ];
        for layout in layouts {
            assert_columns_alternate(layout, 0, 255);
        }
    }

    /// `layout` loads with the grey `even` in its even columns and `odd` in the others.
    fn assert_columns_alternate(layout: image::DynamicImage, even: u8, odd: u8) {
        let colour = layout.color();
        let grey = to_gray(layout);
        for (x, _, p) in grey.enumerate_pixels() {
            let expected = if x % 2 == 0 { even } else { odd };
            assert_eq!(p.0[0], expected, "{colour:?} at x = {x}");
        }
    }

    fn png_bytes(width: u32, height: u32) -> Vec<u8> {
        let img = GrayImage::from_pixel(width, height, image::Luma([200]));
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .expect("encoding a PNG in memory");
        out
    }

    #[test]
    fn sniffs_by_content_not_name() {
        assert_eq!(
            sniff_image(&png_bytes(4, 4)),
            Some(Format::Raster(ImageFormat::Png))
        );
        assert_eq!(sniff_image(b"just some text"), None);
    }

    #[test]
    fn refuses_images_above_the_pixel_limit_from_the_header() {
        let bytes = png_bytes(100, 100);
        let err = load_gray(&bytes, Format::Raster(ImageFormat::Png), 9_999).unwrap_err();
        assert!(err.to_string().contains("100×100"), "{err}");
        assert_eq!(
            load_gray(&bytes, Format::Raster(ImageFormat::Png), 10_000)
                .unwrap()
                .width(),
            100
        );
    }

    #[test]
    fn truncated_image_is_an_error() {
        let bytes = png_bytes(64, 64);
        let err = load_gray(
            &bytes[..bytes.len() / 2],
            Format::Raster(ImageFormat::Png),
            1 << 30,
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("PNG image could not be decoded"),
            "{err}"
        );
    }
}
