//! Image filters the passes feed to the engines: box downscale, bilinear 2× upscale, an
//! anisotropic linear resample, local (Sauvola) binarisation, a contrast stretch with unsharp
//! masking, and the box inside a dark frame. Plain loops over the raw buffer: they run on every
//! image that reaches a later pass, so they are kept linear in pixels.

use image::{GrayImage, Luma};

use super::divisor::Divisor;

/// Shrinks by an integer factor, each output pixel the mean of a factor × factor block
/// (pixels past the last whole block are dropped).
pub(super) fn downscale(image: &GrayImage, factor: u32) -> GrayImage {
    // The column sums below are u16: 257 × 255 is the most they hold (a factor that large would
    // take an image of 40 gigapixels to the size of a phone photo).
    let factor = factor.clamp(1, 257);
    if factor == 1 {
        return image.clone();
    }
    let (w, h) = (
        (image.width() / factor).max(1),
        (image.height() / factor).max(1),
    );
    let (f, stride) = (factor as usize, image.width() as usize);
    let src = image.as_raw();
    // Each output row: first the factor source rows summed column by column (an element-wise
    // loop the compiler vectorises; u16 holds 255 × factor for factors up to 257), then each
    // run of factor columns summed. Summing block by block instead made this the hottest
    // function of a 12-megapixel photo.
    let mut columns = vec![0u16; w as usize * f];
    let mut out = vec![0u8; w as usize * h as usize];
    for (y, out_row) in out.chunks_exact_mut(w as usize).enumerate() {
        for dy in 0..f {
            let sy = (y * f + dy).min(image.height() as usize - 1);
            let row = &src[sy * stride..sy * stride + columns.len().min(stride)];
            if dy == 0 {
                // The first row sets the sums (a separate clearing pass over them cost a
                // `memset` per output row); columns past a narrow image's width stay 0.
                for (sum, &p) in columns.iter_mut().zip(row) {
                    *sum = u16::from(p);
                }
            } else {
                for (sum, &p) in columns.iter_mut().zip(row) {
                    *sum += u16::from(p);
                }
            }
        }
        // The block means divide by the block's area. A division per output pixel was most of
        // this function's time on a 12-megapixel photo: the factors the plan uses get a loop
        // whose divisor is a constant (which the compiler turns into a multiplication and
        // vectorises), any other a multiplication by the area's reciprocal.
        match f {
            2 => block_means::<2>(&columns, out_row),
            3 => block_means::<3>(&columns, out_row),
            4 => block_means::<4>(&columns, out_row),
            5 => block_means::<5>(&columns, out_row),
            6 => block_means::<6>(&columns, out_row),
            _ => {
                let area = Divisor::new((f * f) as u64);
                for (mean, block) in out_row.iter_mut().zip(columns.chunks_exact(f)) {
                    *mean = area.divide(block.iter().map(|&s| u64::from(s)).sum()) as u8;
                }
            }
        }
    }
    GrayImage::from_raw(w, h, out).unwrap_or_else(|| GrayImage::new(w, h))
}

/// Each run of `F` column sums (of `F` rows) divided by the block's area, into `means`.
fn block_means<const F: usize>(columns: &[u16], means: &mut [u8]) {
    let area = (F * F) as u32;
    for (mean, block) in means.iter_mut().zip(columns.chunks_exact(F)) {
        *mean = (block.iter().map(|&s| u32::from(s)).sum::<u32>() / area) as u8;
    }
}

/// Doubles both dimensions, so that 1–2-pixel modules become 2–4 pixels. `smooth` picks
/// bilinear interpolation (for photographs, where it helps rxing's binariser) over pixel
/// replication (for screenshots and generated assets, whose sharp module edges rqrr's
/// run-length finder test needs: bilinear turns 1-pixel modules into grey mush).
pub(super) fn upscale2(image: &GrayImage, smooth: bool) -> GrayImage {
    let (w, h) = (image.width() as usize, image.height() as usize);
    if w == 0 || h == 0 {
        return GrayImage::new(2 * w as u32, 2 * h as u32);
    }
    let src = image.as_raw();
    let mut out = vec![0u8; 4 * w * h];
    // Written out rather than `imageops::resize`, whose generic filter loop made the
    // upscaled passes cost ten times the engine's own work.
    if !smooth {
        for y in 0..h {
            for x in 0..w {
                let p = src[y * w + x];
                for (dy, dx) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                    out[(2 * y + dy) * 2 * w + 2 * x + dx] = p;
                }
            }
        }
    } else {
        // Bilinear at pixel centres: output pixel 2x samples x − ¼, 2x + 1 samples x + ¼, so
        // each is ¾ of its source pixel and ¼ of the neighbour on its side (edges repeat).
        // Horizontal pass in quarters, then vertical, rounded.
        let mut rows = vec![0u16; 2 * w * h];
        for y in 0..h {
            for x in 0..w {
                let at = |xx: usize| u16::from(src[y * w + xx]);
                let (left, centre, right) =
                    (at(x.saturating_sub(1)), at(x), at((x + 1).min(w - 1)));
                rows[y * 2 * w + 2 * x] = 3 * centre + left;
                rows[y * 2 * w + 2 * x + 1] = 3 * centre + right;
            }
        }
        for y in 0..h {
            let (up, down) = (y.saturating_sub(1), (y + 1).min(h - 1));
            for x in 0..2 * w {
                let at = |yy: usize| u32::from(rows[yy * 2 * w + x]);
                let (above, centre, below) = (at(up), at(y), at(down));
                out[2 * y * 2 * w + x] = ((3 * centre + above + 8) / 16) as u8;
                out[(2 * y + 1) * 2 * w + x] = ((3 * centre + below + 8) / 16) as u8;
            }
        }
    }
    GrayImage::from_raw(2 * w as u32, 2 * h as u32, out)
        .unwrap_or_else(|| GrayImage::new(2 * w as u32, 2 * h as u32))
}

/// One output pixel of a resampled axis: the two source pixels it lies between and the weight
/// of the second, in 256ths.
#[derive(Clone, Copy)]
struct Tap {
    first: usize,
    second: usize,
    weight: u32,
}

/// The taps that resample an axis of `from` pixels to `to`, pixel centres aligned: output pixel
/// o is source position (o + ½)·from/to − ½, clamped to the edge pixels.
fn taps(from: usize, to: usize) -> Vec<Tap> {
    let scale = from as f64 / to as f64;
    let last = from.saturating_sub(1);
    (0..to)
        .map(|o| {
            let at = ((o as f64 + 0.5) * scale - 0.5).clamp(0.0, last as f64);
            let first = at as usize;
            Tap {
                first,
                second: (first + 1).min(last),
                weight: ((at - first as f64) * 256.0).round() as u32,
            }
        })
        .collect()
}

/// `image` resampled to `width` × `height` by linear interpolation along each axis: the
/// anisotropic copies (`Prep::Stretched`) that make a strongly foreshortened code square again.
/// Not an antialiasing filter: the axis it shrinks shrinks by at most √2, where two taps lose
/// nothing a module of two pixels or more holds.
pub(super) fn resample(image: &GrayImage, width: u32, height: u32) -> GrayImage {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let (out_w, out_h) = (width as usize, height as usize);
    if w == 0 || h == 0 || out_w == 0 || out_h == 0 {
        return GrayImage::new(width, height);
    }
    let src = image.as_raw();
    let across = taps(w, out_w);
    // Rows resampled across first, in 256ths (255 × 256 fits a u16).
    let mut rows = vec![0u16; out_w * h];
    for (row, out_row) in src.chunks_exact(w).zip(rows.chunks_exact_mut(out_w)) {
        for (out, tap) in out_row.iter_mut().zip(&across) {
            let (a, b) = (u32::from(row[tap.first]), u32::from(row[tap.second]));
            *out = (a * (256 - tap.weight) + b * tap.weight) as u16;
        }
    }
    let mut out = vec![0u8; out_w * out_h];
    for (tap, out_row) in taps(h, out_h).iter().zip(out.chunks_exact_mut(out_w)) {
        let upper = &rows[tap.first * out_w..(tap.first + 1) * out_w];
        let lower = &rows[tap.second * out_w..(tap.second + 1) * out_w];
        for ((out, &a), &b) in out_row.iter_mut().zip(upper).zip(lower) {
            let sum = u32::from(a) * (256 - tap.weight) + u32::from(b) * tap.weight;
            *out = ((sum + (1 << 15)) >> 16) as u8;
        }
    }
    GrayImage::from_raw(width, height, out).unwrap_or_else(|| GrayImage::new(width, height))
}

/// Surrounds the image with a light border (the 99th-percentile grey) an eighth of its larger
/// side wide, at least 8 pixels: codes cropped to their edge have no quiet zone, and both
/// engines need one to see the finder patterns. Returns the image and the border width.
pub(super) fn pad(image: &GrayImage) -> (GrayImage, u32) {
    // Every 7th pixel, counted in one pass instead of sorted (perf put 0.5% of the samples of
    // decoding the corpus in sorting, this and the quiet zone's).
    let every_7th = Histogram::of(image.as_raw().iter().step_by(7).copied());
    let light = every_7th.per_cent(99);
    let border = (image.width().max(image.height()) / 8).max(8);
    let mut out = GrayImage::from_pixel(
        image.width() + 2 * border,
        image.height() + 2 * border,
        Luma([light]),
    );
    let (width, out_width) = (image.width() as usize, out.width() as usize);
    let (border_px, rows) = (border as usize, image.as_raw().chunks_exact(width.max(1)));
    let out_pixels: &mut [u8] = &mut out;
    for (y, row) in rows.enumerate() {
        let start = (y + border_px) * out_width + border_px;
        out_pixels[start..start + width].copy_from_slice(row);
    }
    (out, border)
}

/// The part of `image` in the rectangle at (`x`, `y`) of `width` × `height`, clipped to the
/// image (as `image::imageops::crop_imm` clips it), copied a row at a time: the generic
/// `SubImage::to_image` copies a pixel at a time.
pub(super) fn crop(image: &GrayImage, x: u32, y: u32, width: u32, height: u32) -> GrayImage {
    let (x, y) = (x.min(image.width()), y.min(image.height()));
    let (width, height) = (width.min(image.width() - x), height.min(image.height() - y));
    let stride = image.width() as usize;
    let mut pixels = Vec::with_capacity(width as usize * height as usize);
    for row in y as usize..(y + height) as usize {
        let start = row * stride + x as usize;
        pixels.extend_from_slice(&image.as_raw()[start..start + width as usize]);
    }
    GrayImage::from_raw(width, height, pixels).unwrap_or_else(|| GrayImage::new(width, height))
}

/// A count of grey levels, for order statistics (percentiles) without sorting the samples.
pub(super) struct Histogram {
    counts: [usize; 256],
    samples: usize,
}

impl Histogram {
    pub(super) fn new() -> Histogram {
        Histogram {
            counts: [0; 256],
            samples: 0,
        }
    }

    pub(super) fn of(levels: impl IntoIterator<Item = u8>) -> Histogram {
        let mut histogram = Histogram::new();
        for level in levels {
            histogram.add(level);
        }
        histogram
    }

    pub(super) fn add(&mut self, level: u8) {
        self.counts[usize::from(level)] += 1;
        self.samples += 1;
    }

    pub(super) fn samples(&self) -> usize {
        self.samples
    }

    /// The `per_cent`th percentile: the value at index samples · per_cent / 100 (rounded down)
    /// of the samples sorted.
    pub(super) fn per_cent(&self, per_cent: usize) -> u8 {
        self.nth_smallest(self.samples * per_cent / 100)
    }

    /// The value at index `k` of the samples sorted, or 255 when there are no more than `k`.
    pub(super) fn nth_smallest(&self, k: usize) -> u8 {
        let mut below = 0;
        for (value, &count) in self.counts.iter().enumerate() {
            below += count;
            if below > k {
                return value as u8;
            }
        }
        u8::MAX
    }
}

/// Local-threshold binarisation (Sauvola: T = m · (1 + k · (s / 128 − 1)) over a square window),
/// returned as "is dark" flags. Unlike rqrr's running row average, the window is square and
/// adapts to the local contrast, so it copes with gradients, glare and low contrast.
pub(super) fn sauvola(image: &GrayImage, radius: u32, k: f64) -> Vec<bool> {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let src = image.as_raw();
    // Integral images of values and squares, one row and column of padding.
    let mut sum = vec![0u64; (w + 1) * (h + 1)];
    let mut sq = vec![0u64; (w + 1) * (h + 1)];
    for y in 0..h {
        let (mut row_sum, mut row_sq) = (0u64, 0u64);
        for x in 0..w {
            let v = u64::from(src[y * w + x]);
            row_sum += v;
            row_sq += v * v;
            sum[(y + 1) * (w + 1) + x + 1] = sum[y * (w + 1) + x + 1] + row_sum;
            sq[(y + 1) * (w + 1) + x + 1] = sq[y * (w + 1) + x + 1] + row_sq;
        }
    }
    let r = radius as usize;
    let mut out = vec![false; w * h];
    // The threshold is computed once per CELL × CELL block, at its centre: the window is at
    // least 17 pixels wide, so neighbouring thresholds differ little, and the square root per
    // pixel was most of the cost of this pass.
    const CELL: usize = 4;
    let at = |t: &[u64], yy: usize, xx: usize| t[yy * (w + 1) + xx];
    for cy in (0..h).step_by(CELL) {
        let yc = (cy + CELL / 2).min(h - 1);
        let (y0, y1) = (yc.saturating_sub(r), (yc + r + 1).min(h));
        for cx in (0..w).step_by(CELL) {
            let xc = (cx + CELL / 2).min(w - 1);
            let (x0, x1) = (xc.saturating_sub(r), (xc + r + 1).min(w));
            let n = ((y1 - y0) * (x1 - x0)) as f64;
            let s = at(&sum, y1, x1) + at(&sum, y0, x0) - at(&sum, y0, x1) - at(&sum, y1, x0);
            let q = at(&sq, y1, x1) + at(&sq, y0, x0) - at(&sq, y0, x1) - at(&sq, y1, x0);
            let mean = s as f64 / n;
            let var = (q as f64 / n - mean * mean).max(0.0);
            let threshold = mean * (1.0 + k * (var.sqrt() / 128.0 - 1.0));
            for y in cy..(cy + CELL).min(h) {
                for x in cx..(cx + CELL).min(w) {
                    out[y * w + x] = f64::from(src[y * w + x]) < threshold;
                }
            }
        }
    }
    out
}

/// The grey levels of the 1st and 99th percentile of `image`: the range `enhance` stretches.
fn percentile_range(image: &GrayImage) -> (i32, i32) {
    let histogram = Histogram::of(image.as_raw().iter().copied());
    let percentile = |fraction: f64| {
        i32::from(histogram.nth_smallest((histogram.samples() as f64 * fraction) as usize))
    };
    (percentile(0.01), percentile(0.99))
}

/// Whether `image` is faint: its 1st–99th percentile range covers less than half the grey
/// scale, so that `enhance`'s stretch at least doubles its contrast. On an image that is not,
/// the stretch changes little that a threshold sees (a threshold compares levels, and a
/// monotone stretch keeps their order; what it changes is which local ranges fall under a
/// threshold's minimum contrast). On ../shared/corpus the two enhanced passes ran 86 times and
/// read no code; 6 of those images had a range under 128 levels (the narrowest 69).
pub(super) fn is_faint(image: &GrayImage) -> bool {
    let (lo, hi) = percentile_range(image);
    hi - lo < 128
}

/// The box (x, y, width, height) inside a dark frame around `image`: the rows and columns at its
/// edges that are dark (98% of their pixels under the grey halfway between the 1st and 99th
/// percentiles), when there are at least two of them on some side. A code printed on a dark
/// ground without a quiet zone (a sticker on a black case, a code drawn to the edge of a dark
/// panel) has its finder patterns' outer rings merged into that ground, and no detector finds
/// such a pattern; cut to the box and given a light border (`Prep::Trimmed`), the code has the
/// quiet zone it lacks. The code's own edge rows and columns stop the trim: each crosses the
/// light separator of a finder pattern. `None` without a frame, with too little contrast to
/// tell dark from light, or when less than 21 pixels a side would be left.
pub(super) fn inside_dark_frame(image: &GrayImage) -> Option<(u32, u32, u32, u32)> {
    let (width, height) = image.dimensions();
    if width < 21 || height < 21 {
        return None;
    }
    // Every 7th pixel is enough for two percentiles (this runs on every image a pass with a
    // trim reaches, most of them without a frame).
    let every_7th = Histogram::of(image.as_raw().iter().step_by(7).copied());
    let (lo, hi) = (every_7th.per_cent(1), every_7th.per_cent(99));
    if hi.saturating_sub(lo) < 64 {
        return None;
    }
    let dark_below = ((u16::from(lo) + u16::from(hi)) / 2) as u8;
    let pixels = image.as_raw();
    let stride = width as usize;
    let row = |y: u32| &pixels[y as usize * stride..(y as usize + 1) * stride];
    let mostly_dark = |dark: usize, of: u32| dark * 50 >= of as usize * 49;
    let dark_row = |y: u32| mostly_dark(row(y).iter().filter(|&&p| p < dark_below).count(), width);
    let (mut top, mut bottom) = (0, height);
    while top < height && dark_row(top) {
        top += 1;
    }
    while bottom > top && dark_row(bottom - 1) {
        bottom -= 1;
    }
    // Columns over the rows left, so that a dark top and bottom do not make every column dark.
    let dark_column = |x: u32| {
        let dark = (top..bottom)
            .filter(|&y| row(y)[x as usize] < dark_below)
            .count();
        mostly_dark(dark, bottom - top)
    };
    let (mut left, mut right) = (0, width);
    while left < width && bottom > top && dark_column(left) {
        left += 1;
    }
    while right > left && bottom > top && dark_column(right - 1) {
        right -= 1;
    }
    let framed = [top, height - bottom, left, width - right]
        .iter()
        .any(|&side| side >= 2);
    (framed && right - left >= 21 && bottom - top >= 21).then_some((
        left,
        top,
        right - left,
        bottom - top,
    ))
}

/// Stretches the 1st–99th percentile to the full range, then sharpens with a 3×3 unsharp mask:
/// for faint, washed-out or slightly blurred prints.
pub(super) fn enhance(image: &GrayImage) -> GrayImage {
    let (lo, hi) = percentile_range(image);
    let span = (hi - lo).max(1);
    let stretched: Vec<i32> = image
        .as_raw()
        .iter()
        .map(|&p| ((i32::from(p) - lo) * 255 / span).clamp(0, 255))
        .collect();
    let (w, h) = (image.width() as usize, image.height() as usize);
    let mut out = GrayImage::new(image.width(), image.height());
    for y in 0..h {
        for x in 0..w {
            let at = |xx: usize, yy: usize| stretched[yy * w + xx];
            let c = at(x, y);
            let blur = (at(x.saturating_sub(1), y)
                + at((x + 1).min(w - 1), y)
                + at(x, y.saturating_sub(1))
                + at(x, (y + 1).min(h - 1))
                + 4 * c)
                / 8;
            let sharp = (c + (c - blur)).clamp(0, 255);
            out.put_pixel(x as u32, y as u32, Luma([sharp as u8]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pseudo-random grey levels (xorshift), the same for the same seed.
    fn noise(width: u32, height: u32, mut seed: u32) -> GrayImage {
        GrayImage::from_fn(width, height, |_, _| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            Luma([(seed >> 24) as u8])
        })
    }

    #[test]
    fn upscale_replicates_or_interpolates() {
        let step = GrayImage::from_fn(4, 2, |x, _| Luma([if x < 2 { 0 } else { 200 }]));
        let sharp = upscale2(&step, false);
        assert_eq!(sharp.dimensions(), (8, 4));
        let row: Vec<u8> = (0..8).map(|x| sharp.get_pixel(x, 3)[0]).collect();
        assert_eq!(row, [0, 0, 0, 0, 200, 200, 200, 200]);
        let smooth = upscale2(&step, true);
        let row: Vec<u8> = (0..8).map(|x| smooth.get_pixel(x, 3)[0]).collect();
        // ¾ and ¼ weights across the edge, flat elsewhere.
        assert_eq!(row, [0, 0, 0, 50, 150, 200, 200, 200]);
    }

    /// The resample is linear interpolation between pixel centres: at 2× it is the smooth 2×
    /// upscale (to rounding), at the same size the image itself, and along a shrunk axis each
    /// output pixel lies between the two source pixels around its centre, weighted by distance.
    #[test]
    fn resample_interpolates_between_pixel_centres() {
        let image = noise(37, 23, 7);
        assert_eq!(resample(&image, 37, 23), image);
        let double = resample(&image, 74, 46);
        let smooth = upscale2(&image, true);
        for (a, b) in double.as_raw().iter().zip(smooth.as_raw()) {
            assert!(a.abs_diff(*b) <= 1, "{a} vs {b}");
        }
        // Wider by √2 and shorter by √2, as the stretched passes ask.
        let (width, height) = (52, 16);
        let stretched = resample(&image, width, height);
        let exact = |x: u32, y: u32| -> f64 {
            let at = |o: u32, from: u32, to: u32| {
                ((f64::from(o) + 0.5) * f64::from(from) / f64::from(to) - 0.5)
                    .clamp(0.0, f64::from(from - 1))
            };
            let (sx, sy) = (at(x, 37, width), at(y, 23, height));
            let (x0, y0) = (sx.floor() as u32, sy.floor() as u32);
            let (x1, y1) = ((x0 + 1).min(36), (y0 + 1).min(22));
            let (fx, fy) = (sx - f64::from(x0), sy - f64::from(y0));
            let p = |x: u32, y: u32| f64::from(image.get_pixel(x, y)[0]);
            (p(x0, y0) * (1.0 - fx) + p(x1, y0) * fx) * (1.0 - fy)
                + (p(x0, y1) * (1.0 - fx) + p(x1, y1) * fx) * fy
        };
        for y in 0..height {
            for x in 0..width {
                let got = f64::from(stretched.get_pixel(x, y)[0]);
                assert!(
                    (got - exact(x, y)).abs() <= 1.0,
                    "({x}, {y}): {got} vs {}",
                    exact(x, y)
                );
            }
        }
        assert_eq!(resample(&GrayImage::new(0, 5), 3, 3).dimensions(), (3, 3));
    }

    /// The box inside a dark frame is what lies within the dark edge rows and columns, a light
    /// row or column of the content stopping the trim; no box without a frame of two pixels or
    /// without contrast.
    #[test]
    fn inside_dark_frame_cuts_the_dark_edges_only() {
        // Light content with a dark square in it, 60 × 40, at (13, 7) on a 90 × 60 dark ground.
        let mut content = GrayImage::from_pixel(60, 40, Luma([230]));
        for y in 10..30 {
            for x in 0..20 {
                content.put_pixel(x, y, Luma([15]));
            }
        }
        let mut framed = GrayImage::from_pixel(90, 60, Luma([15]));
        image::imageops::replace(&mut framed, &content, 13, 7);
        assert_eq!(inside_dark_frame(&framed), Some((13, 7, 60, 40)));
        // A frame on the left only.
        let mut left = GrayImage::from_pixel(64, 40, Luma([15]));
        image::imageops::replace(&mut left, &content, 4, 0);
        assert_eq!(inside_dark_frame(&left), Some((4, 0, 60, 40)));
        // One dark column is no frame; neither is light content alone.
        let mut one = GrayImage::from_pixel(61, 40, Luma([15]));
        image::imageops::replace(&mut one, &content, 1, 0);
        assert_eq!(inside_dark_frame(&one), None);
        assert_eq!(inside_dark_frame(&content), None);
        // Too little contrast to tell dark from light.
        let faint = GrayImage::from_fn(90, 60, |x, _| Luma([if x < 10 { 100 } else { 140 }]));
        assert_eq!(inside_dark_frame(&faint), None);
        // Too little left inside.
        let mut sliver = GrayImage::from_pixel(90, 60, Luma([15]));
        image::imageops::replace(
            &mut sliver,
            &GrayImage::from_pixel(15, 40, Luma([230])),
            30,
            10,
        );
        assert_eq!(inside_dark_frame(&sliver), None);
    }

    #[test]
    fn downscale_averages_blocks() {
        let mut img = GrayImage::from_pixel(4, 2, Luma([0]));
        img.put_pixel(0, 0, Luma([200]));
        let small = downscale(&img, 2);
        assert_eq!(small.dimensions(), (2, 1));
        assert_eq!(small.get_pixel(0, 0)[0], 50);
        assert_eq!(small.get_pixel(1, 0)[0], 0);
    }

    /// An image narrower and shorter than the factor still gives one pixel: its columns are
    /// summed where they exist (the missing ones count as 0) and its last row stands in for the
    /// missing rows, as always.
    #[test]
    fn downscale_of_an_image_smaller_than_the_factor() {
        let image = GrayImage::from_fn(3, 2, |x, y| Luma([(10 * (x + 1) + y) as u8]));
        let small = downscale(&image, 4);
        assert_eq!(small.dimensions(), (1, 1));
        // Rows 0, 1, 1, 1 of columns 10, 20, 30 (row 1 adds 1 to each): 60 + 3 × 63 = 249.
        assert_eq!(u32::from(small.get_pixel(0, 0)[0]), 249 / 16);
    }

    /// Every factor's path (the constant-divisor ones and the reciprocal) gives each output
    /// pixel the truncated mean of its block, on noise of a size no factor divides.
    #[test]
    fn downscale_is_the_block_mean_for_every_factor() {
        let image = noise(103, 71, 0x1234_5678);
        for factor in 2..=11u32 {
            let small = downscale(&image, factor);
            assert_eq!(small.dimensions(), (103 / factor, 71 / factor));
            for (x, y, mean) in small.enumerate_pixels() {
                let mut sum = 0u32;
                for dy in 0..factor {
                    for dx in 0..factor {
                        sum += u32::from(image.get_pixel(x * factor + dx, y * factor + dy)[0]);
                    }
                }
                assert_eq!(
                    u32::from(mean[0]),
                    sum / (factor * factor),
                    "factor {factor} at ({x}, {y})"
                );
            }
        }
    }

    #[test]
    fn sauvola_separates_a_faint_step() {
        // A faint dark square (110) on a light-grey ground (130).
        let mut img = GrayImage::from_pixel(40, 40, Luma([130]));
        for y in 15..25 {
            for x in 15..25 {
                img.put_pixel(x, y, Luma([110]));
            }
        }
        let dark = sauvola(&img, 8, 0.05);
        assert!(dark[20 * 40 + 20]);
        assert!(!dark[2 * 40 + 2]);
    }

    /// Faint: the 1st–99th percentile range under 128 grey levels, whatever the levels are.
    #[test]
    fn faint_is_a_narrow_percentile_range() {
        let ramp = |from: u32, to: u32| {
            GrayImage::from_fn(256, 8, |x, _| Luma([(from + (to - from) * x / 255) as u8]))
        };
        assert!(is_faint(&ramp(100, 200)));
        assert!(is_faint(&ramp(0, 120)));
        assert!(!is_faint(&ramp(60, 200)));
        assert!(!is_faint(&ramp(0, 255)));
        // A few extreme pixels (under 1%) do not make an image contrasty.
        let mut specks = ramp(100, 160);
        for x in 0..8 {
            specks.put_pixel(x, 0, Luma([0]));
            specks.put_pixel(x + 100, 1, Luma([255]));
        }
        assert!(is_faint(&specks));
    }

    #[test]
    fn enhance_stretches_contrast() {
        let mut img = GrayImage::from_pixel(20, 20, Luma([120]));
        for x in 0..10 {
            for y in 0..20 {
                img.put_pixel(x, y, Luma([100]));
            }
        }
        let out = enhance(&img);
        assert!(out.get_pixel(2, 10)[0] < 20);
        assert!(out.get_pixel(17, 10)[0] > 235);
    }

    /// The histogram gives the same order statistic as sorting the samples, at every index,
    /// on skewed samples with repeated values and gaps.
    #[test]
    fn histogram_percentile_equals_the_sorted_sample() {
        let mut samples: Vec<u8> = noise(997, 1, 12345).into_raw();
        // Fold half the values onto a few levels, like a symbol's dark and light modules.
        for v in samples.iter_mut().step_by(2) {
            *v &= 0xF0;
        }
        let histogram = Histogram::of(samples.iter().copied());
        assert_eq!(histogram.samples(), samples.len());
        samples.sort_unstable();
        for (k, &expected) in samples.iter().enumerate() {
            assert_eq!(histogram.nth_smallest(k), expected, "index {k}");
        }
        assert_eq!(histogram.nth_smallest(samples.len()), 255);
    }

    /// `crop` equals the image crate's crop, clipping included, and `pad` puts the image in
    /// the middle of a border of its 99th-percentile grey (of every 7th pixel, sorted).
    #[test]
    fn crop_and_pad_equal_the_generic_operations() {
        let image = noise(53, 37, 7);
        for (x, y, w, h) in [
            (0, 0, 53, 37),
            (5, 3, 20, 11),
            (40, 30, 20, 20),
            (60, 0, 5, 5),
            (0, 36, 53, 9),
        ] {
            let ours = crop(&image, x, y, w, h);
            let generic = image::imageops::crop_imm(&image, x, y, w, h).to_image();
            assert_eq!(ours, generic, "crop at ({x}, {y}) of {w}×{h}");
        }
        let (padded, border) = pad(&image);
        let mut every_7th: Vec<u8> = image.as_raw().iter().step_by(7).copied().collect();
        every_7th.sort_unstable();
        let light = every_7th[every_7th.len() * 99 / 100];
        let mut expected = GrayImage::from_pixel(53 + 2 * border, 37 + 2 * border, Luma([light]));
        image::imageops::replace(&mut expected, &image, i64::from(border), i64::from(border));
        assert_eq!(padded, expected);
    }
}
