//! AVIF decoding in pure Rust (the `avif` feature, on by default): `avif-parse` finds the
//! primary image's AV1 data (and its alpha plane) in the HEIF container, and rav1d (rerun's
//! build `re_rav1d`, a Rust port of dav1d with a safe API) decodes it.
//!
//! A QR code needs luminance only, so the Y plane is the greyscale image: no colour conversion,
//! no chroma upsampling. Limited-range luma (16–235) is stretched to 0–255, and a transparent
//! background is composited on white, as for every other format (paper, not black ink).
//! Film grain is not synthesised: it is noise an encoder asked for, and a code reads better
//! without it.
//!
//! The size in the AV1 sequence header is checked against `--max-pixels` before anything is
//! decoded, and rav1d is told the same limit (`frame_size_limit`). One thread per decode: the
//! scan already decodes one input per core, and a decode abandoned at `--image-timeout` must
//! not leave helper threads behind. Grid images (one picture tiled from several AV1 items,
//! which libavif writes only for very large images) are refused by `avif-parse` and reported.

use image::GrayImage;
use re_rav1d::dav1d::{Decoder, PlanarImageComponent, Settings};
use re_rav1d::dav1d::{Error as Av1Error, Picture, pixel::YUVRange};

use super::DecodeError;

fn parse(bytes: &[u8]) -> Result<avif_parse::AvifData, DecodeError> {
    let mut reader = bytes;
    avif_parse::read_avif(&mut reader).map_err(|err| DecodeError::Corrupt(err.to_string()))
}

/// Decodes the primary image to greyscale, refusing images above `max_pixels`.
pub fn decode_gray(bytes: &[u8], max_pixels: u64) -> Result<GrayImage, DecodeError> {
    let avif = parse(bytes)?;
    let meta = avif
        .primary_item_metadata()
        .map_err(|err| DecodeError::Corrupt(format!("AV1 sequence header: {err}")))?;
    let (width, height) = (meta.max_frame_width.get(), meta.max_frame_height.get());
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(DecodeError::TooLarge { width, height });
    }
    let colour = decode_av1(avif.primary_item.to_vec(), max_pixels)?;
    let mut gray = luma(&colour);
    if let Some(alpha_item) = &avif.alpha_item {
        let alpha = luma(&decode_av1(alpha_item.to_vec(), max_pixels)?);
        // An alpha plane of another size is malformed; the colour image is still worth reading.
        if alpha.dimensions() == gray.dimensions() {
            composite_on_white(&mut gray, &alpha, avif.premultiplied_alpha);
        }
    }
    Ok(gray)
}

/// Decodes one AV1 still image (a temporal unit); for a layered image, the last layer.
fn decode_av1(data: Vec<u8>, max_pixels: u64) -> Result<Picture, DecodeError> {
    let av1 = |err: Av1Error| DecodeError::Corrupt(format!("AV1 data does not decode: {err}"));
    let mut settings = Settings::new();
    settings.set_n_threads(1);
    settings.set_max_frame_delay(1);
    settings.set_apply_grain(false);
    settings.set_frame_size_limit(u32::try_from(max_pixels).unwrap_or(u32::MAX));
    let mut decoder = Decoder::with_settings(&settings).map_err(av1)?;
    let mut pending = match decoder.send_data(data, None, None, None) {
        Ok(()) => false,
        Err(err) if err.is_again() => true,
        Err(err) => return Err(av1(err)),
    };
    let mut picture = None;
    // Each layer of a layered image is one picture; a still image has a few at most, so the
    // bound only stops a hostile stream from looping.
    for _ in 0..1024 {
        match decoder.get_picture() {
            Ok(next) => picture = Some(next),
            Err(err) if err.is_again() && pending => {
                pending = match decoder.send_pending_data() {
                    Ok(()) => false,
                    Err(err) if err.is_again() => true,
                    Err(err) => return Err(av1(err)),
                };
            }
            Err(err) if err.is_again() => break,
            Err(err) => return Err(av1(err)),
        }
    }
    picture.ok_or_else(|| DecodeError::Corrupt("no picture in the AV1 data".to_string()))
}

/// The Y plane as 8-bit full-range grey.
fn luma(picture: &Picture) -> GrayImage {
    let (width, height) = (picture.width(), picture.height());
    let plane = picture.plane(PlanarImageComponent::Y);
    let stride = picture.stride(PlanarImageComponent::Y) as usize;
    let bits = picture.bit_depth().clamp(8, 16) as u32;
    let wide = bits > 8;
    let full = matches!(picture.color_range(), YUVRange::Full);
    // Limited range puts black at 16 and white at 235 (scaled by the bit depth).
    let (black, span) = if full {
        (0u32, (1u32 << bits) - 1)
    } else {
        (16u32 << (bits - 8), 219u32 << (bits - 8))
    };
    let mut gray = GrayImage::new(width, height);
    for (y, row) in gray.rows_mut().enumerate() {
        let start = y * stride;
        for (x, out) in row.enumerate() {
            let sample = if wide {
                let at = start + 2 * x;
                plane
                    .get(at..at + 2)
                    .map_or(0, |b| u32::from(u16::from_ne_bytes([b[0], b[1]])))
            } else {
                plane.get(start + x).map_or(0, |&b| u32::from(b))
            };
            let value = sample.saturating_sub(black) * 255 / span;
            out.0[0] = value.min(255) as u8;
        }
    }
    gray
}

/// Puts the image on white where the alpha plane says it is transparent.
fn composite_on_white(gray: &mut GrayImage, alpha: &GrayImage, premultiplied: bool) {
    for (pixel, a) in gray.pixels_mut().zip(alpha.pixels()) {
        let (c, a) = (u32::from(pixel.0[0]), u32::from(a.0[0]));
        let ink = if premultiplied { c } else { c * a / 255 };
        pixel.0[0] = (ink + 255 - a).min(255) as u8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transparent_pixels_become_white() {
        let mut gray = GrayImage::from_raw(3, 1, vec![0, 0, 100]).unwrap();
        let alpha = GrayImage::from_raw(3, 1, vec![0, 255, 255]).unwrap();
        composite_on_white(&mut gray, &alpha, false);
        assert_eq!(gray.as_raw(), &vec![255, 0, 100]);
    }

    #[test]
    fn garbage_is_a_container_error_not_a_panic() {
        let err =
            decode_gray(b"\x00\x00\x00\x18ftypavif\x00\x00\x00\x00mif1avif", 1 << 20).unwrap_err();
        assert!(matches!(err, DecodeError::Corrupt(_)), "{err}");
    }
}
