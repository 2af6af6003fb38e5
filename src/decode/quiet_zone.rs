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
    // A point at module coordinates (u, v) of the symbol is bilinear in the corners
    // (`Quad::at(u / n, v / n)`), computed in two stages with the same operations: the points
    // at u along the top and bottom sides (`edges`), then the blend between them at v / n
    // (`blend`). The lines below reuse the first stage for every point on them, and the
    // samples fall on a lattice of quarter modules, so the divisions are made once per symbol
    // instead of twice a sample.
    let outline = Quad(symbol.corners);
    let edges = |u: f32| -> [[f32; 2]; 2] { outline.edges_at(u / n) };
    let blend =
        |[top, bottom]: [[f32; 2]; 2], v: f32| -> [f32; 2] { Quad::blend(top, bottom, v / n) };
    let blend_fraction =
        |[top, bottom]: [[f32; 2]; 2], t: f32| -> [f32; 2] { Quad::blend(top, bottom, t) };
    let at = |u: f32, v: f32| -> [f32; 2] { blend(edges(u), v) };
    // Threshold and polarity from the symbol's own modules.
    let mut modules = Histogram::new();
    let centres: Vec<f32> = (0..symbol.modules).map(|i| i as f32 + 0.5).collect();
    let centre_edges: Vec<[[f32; 2]; 2]> = centres.iter().map(|&u| edges(u)).collect();
    for &v in &centres {
        let t = v / n;
        for &pair in &centre_edges {
            if let Some(p) = sample(blend_fraction(pair, t)) {
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
    // The positions along a side that the lines sample: from -d in half modules, with
    // d = step / 2 - 1/4, that is the lattice -d_max + i / 2 (quarter-module values, exact in
    // f32), and for each position what the lines of the four sides need: its points on the top
    // and bottom sides, and its fraction of the side.
    let first = -((steps as f32) * 0.5 - 0.25);
    let lattice: Vec<f32> = (0..2 * symbol.modules as usize + 2 * steps)
        .map(|i| first + i as f32 * 0.5)
        .collect();
    let lattice_edges: Vec<[[f32; 2]; 2]> = lattice.iter().map(|&s| edges(s)).collect();
    let lattice_fractions: Vec<f32> = lattice.iter().map(|&s| s / n).collect();
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
            // The line's point at lattice position i is `point(side_index, lattice[i], d)`: a
            // blend of that position's top and bottom points at the line's fraction (top and
            // bottom sides), or of the line's own top and bottom points at the position's
            // fraction (left and right sides).
            let line = match side_index {
                0 => Line::Across(-d / n),
                1 => Line::Across((n + d) / n),
                2 => Line::Down(edges(-d)),
                _ => Line::Down(edges(n + d)),
            };
            let line_point = |i: usize| match line {
                Line::Across(t) => lattice_edges
                    .get(i)
                    .map(|&position| blend_fraction(position, t)),
                Line::Down(ends) => lattice_fractions.get(i).map(|&t| blend_fraction(ends, t)),
            };
            let mut hits = 0;
            // Along the side, including the corners' own quiet zone.
            let mut s = -d;
            let mut i = steps - step;
            while s <= n + d {
                let p = line_point(i).unwrap_or_else(|| point(side_index, s, d));
                match sample(p) {
                    None => {
                        // The image ends here; within the unsampled first half module, or after.
                        let first_band_inside = sample(point(side_index, n / 2.0, 0.25)).is_some();
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
                i += 1;
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

/// One line parallel to a side, for `measure`: along the top or bottom side (at this fraction
/// of the left and right sides), or along the left or right side (between these points on the
/// top and bottom sides).
#[derive(Clone, Copy)]
enum Line {
    Across(f32),
    Down([[f32; 2]; 2]),
}
