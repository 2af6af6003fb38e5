//! Measuring a symbol's quiet zone on the image: how many modules of background colour surround
//! it before something else (text, a frame, another graphic, the image edge) begins.
//!
//! ISO/IEC 18004 asks for 4 modules on every side; phones cope with less on a screen, but a print
//! with less is a common cause of codes that some phones cannot read. From the symbol's corners
//! and module count we step outwards from each side one module at a time, sampling a line
//! parallel to the side at every half module; the first line with dark samples (in the code's own
//! polarity: light for a light-on-dark code) ends the quiet zone on that side. The first half
//! module is not sampled (blur smears the edge into it): a margin under one module reads as 0 (or
//! 0.5 where the image ends there); wider ones are exact to half a module. The result is the
//! smallest of the four sides.

use image::GrayImage;

use super::Symbol;
use super::filters::Histogram;
use super::geometry::Quad;

/// The widest quiet zone measured; anything wider is reported as this.
pub const MAX_MEASURED: f32 = 10.0;

/// The quiet zone of `symbol` in modules, or `None` when its module count is unknown.
pub fn measure(image: &GrayImage, symbol: &Symbol) -> Option<f32> {
    let n = symbol.modules as f32;
    if symbol.modules < 11 || symbol.module_px <= 0.0 {
        return None;
    }
    let (image_width, image_height) = (image.width(), image.height());
    let pixels = image.as_raw();
    let sample = |p: [f32; 2]| -> Option<u8> {
        // The pixel that contains the point (pixel i spans [i, i + 1)); rounding would put a
        // point half a pixel outside the symbol's edge onto the edge's dark module. For a
        // point inside the image the conversion's truncation is that floor (`f32::floor` is a
        // library call on the baseline x86-64 target, and this runs some 5000 times a symbol).
        let [x, y] = p;
        if x < 0.0 || y < 0.0 || x >= image_width as f32 || y >= image_height as f32 {
            None
        } else {
            // A NaN coordinate passes the test and converts to 0, as it did through `floor`.
            pixels
                .get(y as usize * image_width as usize + x as usize)
                .copied()
        }
    };
    // A point at module coordinates (u, v) of the symbol (bilinear in the corners).
    let outline = Quad(symbol.corners);
    let at = |u: f32, v: f32| -> [f32; 2] { outline.at(u / n, v / n) };
    // Threshold and polarity from the symbol's own modules.
    let mut modules = Histogram::new();
    for v in 0..symbol.modules {
        for u in 0..symbol.modules {
            if let Some(p) = sample(at(u as f32 + 0.5, v as f32 + 0.5)) {
                modules.add(p);
            }
        }
    }
    if modules.samples() < 16 {
        return None;
    }
    let (lo, hi) = (modules.per_cent(10), modules.per_cent(90));
    if hi <= lo.saturating_add(10) {
        return None;
    }
    let threshold = (u16::from(lo) + u16::from(hi)) / 2;
    // The centre of the top-left finder pattern is a dark module of the code's polarity.
    let module_is_low = sample(at(3.5, 3.5)).is_none_or(|p| u16::from(p) < threshold);
    let is_module_colour = |p: u8| (u16::from(p) < threshold) == module_is_low;

    let steps = (MAX_MEASURED as usize) * 2;
    let mut narrowest = MAX_MEASURED;
    // Each side: a point along it for s in [0, n], and the outward offset for d modules out.
    let point = |side: usize, s: f32, d: f32| match side {
        0 => at(s, -d),
        1 => at(s, n + d),
        2 => at(-d, s),
        _ => at(n + d, s),
    };
    // The width a side has when the line of `step` is the first with a hit: lines are half a
    // module apart, and a hit on the first line sampled (step 2) is a width of 0.
    let width_at = |step: usize| {
        if step == 2 {
            0.0
        } else {
            (step - 1) as f32 * 0.5
        }
    };
    for side_index in 0..4 {
        let side = |s, d| point(side_index, s, d);
        let mut width = MAX_MEASURED;
        // The first half module is skipped: blur and a corner placed a pixel off smear the
        // symbol's edge into it.
        'out: for step in 2..=steps {
            // Only the narrowest side is reported: once this one is known to be at least as
            // wide as a side measured before, its lines further out cannot change the result
            // (on a cropped asset one tight side spares most of the other three's samples).
            if width_at(step) >= narrowest {
                break;
            }
            let d = step as f32 * 0.5 - 0.25;
            let mut hits = 0;
            // Along the side, including the corners' own quiet zone.
            let mut s = -d;
            while s <= n + d {
                match sample(side(s, d)) {
                    None => {
                        // The image ends here; within the unsampled first half module, or after.
                        let first_band_inside = sample(side(n / 2.0, 0.25)).is_some();
                        width = if step == 2 && !first_band_inside {
                            0.0
                        } else {
                            (step - 1) as f32 * 0.5
                        };
                        break 'out;
                    }
                    Some(p) if is_module_colour(p) => {
                        hits += 1;
                        // Past the first line the rest of it cannot change the width: a later
                        // edge of the image there gives the same width as the hits do.
                        if hits >= 2 && step > 2 {
                            break;
                        }
                    }
                    Some(_) => {}
                }
                s += 0.5;
            }
            // Two samples tolerate a speck of JPEG noise.
            if hits >= 2 {
                width = width_at(step);
                break;
            }
        }
        narrowest = narrowest.min(width);
    }
    Some(narrowest)
}
