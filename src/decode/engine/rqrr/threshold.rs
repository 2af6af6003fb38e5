//! rqrr's own threshold, computed the same bit for bit, faster.
//!
//! `rqrr::PreparedImage::prepare` thresholds a grey image with a running average along each
//! row, in both directions, and it divides twice per pixel by a divisor known only at run time
//! (the average's length, an eighth of the width), through the generic pixel accessors: on the
//! BoofCV photographs that was 40% of the time of rqrr's passes. Here the divisions are
//! multiplications by a precomputed reciprocal (`decode::divisor`), exact for every numerator
//! the averages can reach, and the final comparison is cross-multiplied. The result is handed to rqrr as a bitmap (`prepare_from_bitmap`), so its
//! detector sees exactly the image its own `prepare` would have made (a test compares them
//! pixel by pixel).

use image::GrayImage;

use crate::decode::divisor::Divisor;

/// The dark pixels of `image` as `rqrr::PreparedImage::prepare` finds them, row by row
/// (`true` = dark).
pub(super) fn rqrr_threshold(image: &GrayImage) -> Vec<bool> {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let mut dark = vec![false; w * h];
    if w == 0 {
        return dark;
    }
    // rqrr's names: the averages run over `s` pixels.
    let s = (w / 8).max(1) as u64;
    // rqrr's step keeps ⌊avg·(s−1)/s⌋ of the last average; that is avg − ⌈avg/s⌉, one
    // division (a multiplication by the reciprocal) on the loop's dependency chain instead of
    // a multiplication and a division. The averages never exceed 255·s (the step's fixed
    // point), so the numerator avg + s − 1 stays under 256·s: the reciprocal is exact while
    // that is under 2³², i.e. for rows narrower than about 134 million pixels; wider ones
    // divide the slow way.
    let exact = s.checked_mul(256).is_some_and(|bound| bound < 1 << 32);
    let divisor = Divisor::new(s);
    let step = |average: u64| {
        let n = average + s - 1;
        average - if exact { divisor.divide(n) } else { n / s }
    };
    let pixels = image.as_raw();
    let mut row_average = vec![0u64; w];
    // Like rqrr's, the two averages carry over from one row to the next.
    let (mut avg_v, mut avg_u) = (0u64, 0u64);
    // A pixel is dark when p < ⌊average · 95 / (200·s)⌋, i.e. when (p + 1) · 200·s ≤
    // average · 95.
    let scale = 200 * s;
    for (y, (row, dark_row)) in pixels
        .chunks_exact(w)
        .zip(dark.chunks_exact_mut(w))
        .enumerate()
    {
        row_average.fill(0);
        for x in 0..w {
            let (v, u) = if y % 2 == 0 {
                (w - 1 - x, x)
            } else {
                (x, w - 1 - x)
            };
            avg_v = step(avg_v) + u64::from(row[v]);
            avg_u = step(avg_u) + u64::from(row[u]);
            row_average[v] += avg_v;
            row_average[u] += avg_u;
        }
        for ((flag, &p), &average) in dark_row.iter_mut().zip(row).zip(&row_average) {
            *flag = (u64::from(p) + 1) * scale <= average * 95;
        }
    }
    dark
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same dark pixels as rqrr's own `prepare`, on noise, gradients and a rendered code,
    /// at widths under 16 (divisor 1), odd and even heights, and wider rows.
    #[test]
    fn same_dark_pixels_as_rqrrs_prepare() {
        let mut seed = 0x9e37_79b9_u32;
        let mut noise = move || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            (seed >> 24) as u8
        };
        let mut images = vec![
            GrayImage::from_fn(1, 1, |_, _| image::Luma([7])),
            GrayImage::from_fn(9, 5, |x, y| image::Luma([(x * 20 + y * 9) as u8])),
            GrayImage::from_fn(333, 211, |x, y| image::Luma([((x + 2 * y) % 256) as u8])),
        ];
        images.push(GrayImage::from_fn(517, 64, |_, _| image::Luma([noise()])));
        let code = qrcode::QrCode::new(b"rqrr threshold").expect("a short text fits");
        let rendered = code
            .render::<image::Luma<u8>>()
            .dark_color(image::Luma([40]))
            .light_color(image::Luma([200]))
            .module_dimensions(5, 5)
            .build();
        images.push(rendered);
        for image in images {
            let (w, h) = (image.width() as usize, image.height() as usize);
            let ours = rqrr_threshold(&image);
            let theirs = rqrr::PreparedImage::prepare(image.clone());
            for y in 0..h {
                for x in 0..w {
                    // rqrr's colours as bytes: 0 light, 1 dark.
                    let dark = theirs.get_pixel_at(x, y) == 1u8;
                    assert_eq!(ours[y * w + x], dark, "({x}, {y}) of {w}×{h}");
                }
            }
        }
    }
}
