//! The decoding passes and the order in which they run.
//!
//! Why these passes: rqrr binarises with a running row average and finds dark finder patterns on
//! a light background. It never reads light-on-dark codes (hence `Inverted`), and its grouping
//! step copies the whole image for every candidate triple of finder patterns, so on a large photo
//! it can spend tens of seconds (hence a first pass on a box-downscaled copy, which also smooths
//! sensor noise). The full-resolution pass then only runs when the cheap one left something.

use image::GrayImage;

use super::isolate::isolated;
use super::{DecodeOptions, Ecc, Symbol};

#[derive(Debug, Clone, Copy)]
pub(super) enum Pass {
    /// rqrr on the image as it is.
    Direct,
    /// rqrr on a copy shrunk by an integer factor (box filter).
    Downscaled(u32),
    /// rqrr on the negative, for light-on-dark codes, shrunk by the same factor as the first pass.
    Inverted(u32),
}

/// The passes for this image, cheapest first.
pub(super) fn plan(image: &GrayImage, options: &DecodeOptions) -> Vec<Pass> {
    let pixels = u64::from(image.width()) * u64::from(image.height());
    if pixels > options.fast_pass_pixels {
        let factor = ((pixels as f64 / options.fast_pass_pixels as f64)
            .sqrt()
            .ceil()) as u32;
        vec![
            Pass::Downscaled(factor),
            Pass::Direct,
            Pass::Inverted(factor),
        ]
    } else {
        vec![Pass::Direct, Pass::Inverted(1)]
    }
}

impl Pass {
    pub(super) fn name(self) -> &'static str {
        match self {
            Pass::Direct => "direct",
            Pass::Downscaled(_) => "downscaled",
            Pass::Inverted(_) => "inverted",
        }
    }

    /// Whether this pass is worth running after what earlier passes found. The first pass
    /// always runs; later ones only when nothing was read or a detected symbol did not decode.
    pub(super) fn should_run(self, found_so_far: &[Symbol]) -> bool {
        match self {
            Pass::Downscaled(_) => true,
            Pass::Direct | Pass::Inverted(_) => {
                found_so_far.is_empty() || found_so_far.iter().any(|s| s.text.is_none())
            }
        }
    }

    /// Runs the pass; `Err` carries the message of a decoder panic.
    pub(super) fn run(self, image: &GrayImage) -> Result<Vec<Symbol>, String> {
        let name = self.name();
        match self {
            Pass::Direct => isolated(|| rqrr_symbols(image.clone(), 1.0, name)),
            Pass::Downscaled(factor) => {
                let small = downscale(image, factor);
                isolated(|| rqrr_symbols(small, factor as f32, name))
            }
            Pass::Inverted(factor) => {
                let mut work = if factor > 1 {
                    downscale(image, factor)
                } else {
                    image.clone()
                };
                image::imageops::invert(&mut work);
                isolated(|| rqrr_symbols(work, factor as f32, name))
            }
        }
    }
}

/// Shrinks by an integer factor, each output pixel the mean of a factor × factor block.
fn downscale(image: &GrayImage, factor: u32) -> GrayImage {
    let factor = factor.max(1);
    let (w, h) = (
        (image.width() / factor).max(1),
        (image.height() / factor).max(1),
    );
    let mut out = GrayImage::new(w, h);
    let area = factor * factor;
    for y in 0..h {
        for x in 0..w {
            let mut sum = 0u32;
            for dy in 0..factor {
                for dx in 0..factor {
                    let (sx, sy) = (
                        (x * factor + dx).min(image.width() - 1),
                        (y * factor + dy).min(image.height() - 1),
                    );
                    sum += u32::from(image.get_pixel(sx, sy)[0]);
                }
            }
            out.put_pixel(x, y, image::Luma([(sum / area) as u8]));
        }
    }
    out
}

/// Runs rqrr and converts its grids to symbols, with corners scaled back by `scale`.
fn rqrr_symbols(image: GrayImage, scale: f32, pass: &'static str) -> Vec<Symbol> {
    let mut prepared = rqrr::PreparedImage::prepare(image);
    let grids = prepared.detect_grids();
    let mut symbols = Vec::with_capacity(grids.len());
    for grid in grids {
        let corners = grid
            .bounds
            .map(|p| [p.x as f32 * scale, p.y as f32 * scale]);
        let modules = rqrr::BitGrid::size(&grid.grid) as u32;
        let side =
            |a: [f32; 2], b: [f32; 2]| ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt();
        let perimeter = side(corners[0], corners[1])
            + side(corners[1], corners[2])
            + side(corners[2], corners[3])
            + side(corners[3], corners[0]);
        let module_px = if modules > 0 {
            perimeter / 4.0 / modules as f32
        } else {
            0.0
        };
        let mut bytes = Vec::new();
        match grid.decode_to(&mut bytes) {
            Ok(meta) => symbols.push(Symbol {
                text: Some(String::from_utf8_lossy(&bytes).into_owned()),
                bytes,
                error: None,
                version: Some(meta.version.0 as u32),
                ecc: Ecc::from_rqrr(meta.ecc_level),
                mask: Some(meta.mask as u8),
                corners,
                modules,
                module_px,
                pass,
            }),
            Err(err) => {
                // Only a grid whose format information checks out (BCH-protected) is reported as
                // an unreadable QR symbol; anything else is a chance arrangement of dark squares
                // in a photo, and reporting it would flood reviews with false alarms.
                if let Ok((meta, _)) = grid.get_raw_data() {
                    symbols.push(Symbol {
                        text: None,
                        bytes: Vec::new(),
                        error: Some(err.to_string()),
                        version: Some(meta.version.0 as u32),
                        ecc: Ecc::from_rqrr(meta.ecc_level),
                        mask: Some(meta.mask as u8),
                        corners,
                        modules,
                        module_px,
                        pass,
                    });
                }
            }
        }
    }
    symbols
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downscale_averages_blocks() {
        let mut img = GrayImage::from_pixel(4, 2, image::Luma([0]));
        img.put_pixel(0, 0, image::Luma([200]));
        let small = downscale(&img, 2);
        assert_eq!(small.dimensions(), (2, 1));
        assert_eq!(small.get_pixel(0, 0)[0], 50);
        assert_eq!(small.get_pixel(1, 0)[0], 0);
    }

    #[test]
    fn large_images_start_downscaled() {
        let img = GrayImage::new(4000, 3000);
        let plan = plan(&img, &DecodeOptions::default());
        assert!(matches!(plan[0], Pass::Downscaled(3)), "{plan:?}");
    }
}
