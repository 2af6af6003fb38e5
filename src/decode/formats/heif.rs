//! HEIC/HEIF decoding through the system libheif (the `heif` feature, off by default; on
//! Debian `apt-get install libheif-dev`, see `.ci/features`).
//!
//! HEIC is HEVC in a HEIF container, and HEVC has no Rust decoder under a licence this project
//! can ship, so the one way to read iPhone photos is libheif (with libde265 behind it). The
//! default build identifies these files and says how to get this feature or a JPEG instead.
//!
//! libheif applies the container's rotation, mirroring and cropping while decoding, as a
//! viewer would. The size in the container is checked against `--max-pixels` first.

use image::GrayImage;
use libheif_rs::{ColorSpace, HeifContext, LibHeif, RgbChroma};

use super::DecodeError;

fn libheif(err: libheif_rs::HeifError) -> DecodeError {
    DecodeError::Corrupt(format!("libheif: {}", err.message))
}

/// Decodes the primary image to greyscale (on white where it is transparent), refusing
/// images above `max_pixels`.
pub fn decode_gray(bytes: &[u8], max_pixels: u64) -> Result<GrayImage, DecodeError> {
    let lib = LibHeif::new();
    let context = HeifContext::read_from_bytes(bytes).map_err(libheif)?;
    let handle = context.primary_image_handle().map_err(libheif)?;
    let (width, height) = (handle.width(), handle.height());
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(DecodeError::TooLarge { width, height });
    }
    let image = lib
        .decode(&handle, ColorSpace::Rgb(RgbChroma::Rgba), None)
        .map_err(libheif)?;
    let planes = image.planes();
    let plane = planes
        .interleaved
        .ok_or_else(|| DecodeError::Corrupt("libheif: no interleaved RGBA plane".to_string()))?;
    let mut gray = GrayImage::new(plane.width, plane.height);
    for (y, row) in gray.rows_mut().enumerate() {
        let start = y * plane.stride;
        let pixels = plane
            .data
            .get(start..start + 4 * plane.width as usize)
            .unwrap_or(&[]);
        for (out, rgba) in row.zip(pixels.chunks_exact(4)) {
            let a = u32::from(rgba[3]);
            // Straight alpha: weigh the ink by alpha and fill the rest with white paper.
            let channel = |c: u8| u32::from(c) * a / 255 + (255 - a);
            let (r, g, b) = (channel(rgba[0]), channel(rgba[1]), channel(rgba[2]));
            // The sRGB luma weights of `decode::load`, in 16-bit fixed point.
            out.0[0] = ((13933 * r + 46871 * g + 4732 * b + 32768) >> 16).min(255) as u8;
        }
    }
    Ok(gray)
}
