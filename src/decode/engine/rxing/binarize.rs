//! zxing's two thresholds, the hybrid (local-block) one and the global-histogram one, written for
//! speed, giving rxing's detector the same bit matrices as rxing's own `HybridBinarizer` and
//! `GlobalHistogramBinarizer` (feature `rxing`).
//!
//! Why our own: rxing's ports set the matrix one pixel at a time (an index computation and a
//! bounds check per pixel), and the hybrid one was the hottest function of the decoder, 14% of
//! the time on the BoofCV photographs. Here each row is compared with a per-pixel threshold row
//! and packed a machine word at a time. The black points are computed exactly as zxing computes
//! them (8 × 8 blocks, the min/2 rule for flat blocks, the neighbour correction, the 5 × 5
//! average), so the matrix is the same bit for bit (tested against rxing's binariser): no code
//! read or missed changes.
//!
//! One subtlety copied on purpose: where the width or height is not a multiple of 8, the last
//! block is aligned to the image edge and overlaps the one before it, and zxing only ever sets
//! bits, so a pixel in the overlap is dark when either block's threshold says so, that is when
//! it is at most the larger of the two thresholds.

use rxing::common::{BitArray, BitMatrix};

const BLOCK: usize = 8;
/// zxing's `MINIMUM_DIMENSION`: below 5 blocks a side its hybrid binariser falls back to the
/// global histogram; so do we.
pub(super) const MIN_SIDE: usize = BLOCK * 5;
const MIN_DYNAMIC_RANGE: u32 = 24;
/// Bits per word of rxing's `BitMatrix` rows (its `BitFieldBaseType` is `usize`).
const WORD: usize = usize::BITS as usize;

/// The hybrid-threshold bit matrix of an 8-bit greyscale image (`luma`, `width` × `height`,
/// row-major). Images smaller than `MIN_SIDE` either way get the global threshold, as in zxing;
/// `None` when that finds too little contrast (zxing then has no matrix to read).
pub(super) fn hybrid(luma: &[u8], width: usize, height: usize) -> Option<BitMatrix> {
    if width < MIN_SIDE || height < MIN_SIDE {
        return global(luma, width, height);
    }
    if luma.len() < width * height {
        return None;
    }
    let (sub_w, sub_h) = (width.div_ceil(BLOCK), height.div_ceil(BLOCK));
    let black_points = black_points(luma, width, height, sub_w, sub_h);
    let thresholds = block_thresholds(&black_points, sub_w, sub_h);
    let mut row_threshold = vec![0u8; width];
    let mut threshold_row_of: Option<(usize, bool)> = None;
    matrix_of_rows(width, height, |y, flags| {
        // The block rows covering this pixel row: its own, and the last one (aligned to the
        // bottom edge) for the last 8 rows.
        let own = y / BLOCK;
        let bottom = y + BLOCK >= height && own != sub_h - 1;
        if threshold_row_of != Some((own, bottom)) {
            fill_row_threshold(&thresholds, sub_w, own, width, &mut row_threshold);
            if bottom {
                let mut last = vec![0u8; width];
                fill_row_threshold(&thresholds, sub_w, sub_h - 1, width, &mut last);
                for (t, l) in row_threshold.iter_mut().zip(&last) {
                    *t = (*t).max(*l);
                }
            }
            threshold_row_of = Some((own, bottom));
        }
        let pixels = &luma[y * width..(y + 1) * width];
        // `<=` so that black (0) stays black under a threshold of 0, as in zxing.
        for ((flag, &p), &t) in flags.iter_mut().zip(pixels).zip(&row_threshold) {
            *flag = u8::from(p <= t);
        }
    })
}

/// zxing's global-histogram threshold: one black point for the whole image, from a 32-bucket
/// histogram of four rows (at 1/5 to 4/5 of the height, middle 3/5 of the width), at the deepest
/// valley between the two main peaks nearer the light one; a pixel is dark below it. `None` when
/// the peaks are too close (too little contrast), where zxing gives up on the image too.
pub(super) fn global(luma: &[u8], width: usize, height: usize) -> Option<BitMatrix> {
    if width == 0 || height == 0 || luma.len() < width * height {
        return None;
    }
    let mut buckets = [0u32; 32];
    for y in 1..5 {
        let row = &luma[(height * y / 5) * width..][..width];
        for &p in &row[width / 5..width * 4 / 5] {
            buckets[usize::from(p >> 3)] += 1;
        }
    }
    let black_point = estimate_black_point(&buckets)?;
    // A bucket's start, at most 31 · 8 = 248: the comparison is the same in bytes, where it
    // vectorises 16 pixels at a time (in `u32` it took 4).
    let black = u8::try_from(black_point).unwrap_or(u8::MAX);
    matrix_of_rows(width, height, |y, flags| {
        for (flag, &p) in flags.iter_mut().zip(&luma[y * width..(y + 1) * width]) {
            *flag = u8::from(p < black);
        }
    })
}

/// zxing's `estimateBlackPoint`, step for step (including its 32-bit valley score).
fn estimate_black_point(buckets: &[u32; 32]) -> Option<u32> {
    let (mut first_peak, mut first_size, mut max_count) = (0usize, 0u32, 0u32);
    for (x, &count) in buckets.iter().enumerate() {
        if count > first_size {
            first_peak = x;
            first_size = count;
        }
        max_count = max_count.max(count);
    }
    // The second peak: far from the first, by the square of the distance.
    let (mut second_peak, mut second_score) = (0usize, 0u32);
    for (x, &count) in buckets.iter().enumerate() {
        let distance = x.abs_diff(first_peak) as u32;
        let score = count.wrapping_mul(distance * distance);
        if score > second_score {
            second_peak = x;
            second_score = score;
        }
    }
    if first_peak > second_peak {
        std::mem::swap(&mut first_peak, &mut second_peak);
    }
    if second_peak - first_peak <= buckets.len() / 16 {
        return None;
    }
    // The valley between them that is low and nearer the light peak.
    let (mut best_valley, mut best_score) = (second_peak - 1, -1i32);
    for x in (first_peak + 1..=second_peak).rev() {
        let from_first = (x - first_peak) as isize;
        let score = from_first
            * from_first
            * (second_peak - x) as isize
            * (max_count - buckets[x]) as isize;
        if score as i32 > best_score {
            best_valley = x;
            best_score = score as i32;
        }
    }
    Some((best_valley as u32) << 3)
}

/// The bit matrix of an image already thresholded (`dark`, row-major, `width` × `height`),
/// as it is. Giving rxing the image as black (0) and white (255) and its hybrid threshold
/// gives the same matrix (every block of both levels has their mean as threshold, every
/// uniform block a threshold between them; tested), at the cost of a threshold per look.
/// `None` for an empty image or too few flags.
pub(super) fn from_flags(dark: &[bool], width: usize, height: usize) -> Option<BitMatrix> {
    if width == 0 || height == 0 || dark.len() < width * height {
        return None;
    }
    matrix_of_rows(width, height, |y, flags| {
        for (flag, &d) in flags.iter_mut().zip(&dark[y * width..(y + 1) * width]) {
            *flag = u8::from(d);
        }
    })
}

/// A `width` × `height` matrix built row by row: `dark_row(y, flags)` sets row y's flags (one
/// byte a pixel, 1 = dark), which are then packed a word at a time.
fn matrix_of_rows(
    width: usize,
    height: usize,
    mut dark_row: impl FnMut(usize, &mut [u8]),
) -> Option<BitMatrix> {
    let mut matrix = BitMatrix::new(width as u32, height as u32).ok()?;
    let mut row_bits = BitArray::with_size(width);
    // Padded to whole words with zeros (the padding bits of a row stay 0).
    let mut flags = vec![0u8; width.div_ceil(WORD) * WORD];
    for y in 0..height {
        dark_row(y, &mut flags[..width]);
        pack_row(&flags, &mut row_bits);
        matrix.setRow(y as u32, &row_bits);
    }
    Some(matrix)
}

/// Packs a row's dark flags (one byte each, 0 or 1, padded with zeros to whole words) into
/// `row`, bit i for pixel i: eight flags at a time by one multiplication, which moves byte k's
/// low bit to bit 56 + k.
fn pack_row(flags: &[u8], row: &mut BitArray) {
    const GATHER: u64 = 0x0102_0408_1020_4080;
    for (word, chunk) in flags.chunks_exact(WORD).enumerate() {
        let mut bits: usize = 0;
        for (k, eight) in chunk.chunks_exact(8).enumerate() {
            let lanes = u64::from_le_bytes(eight.try_into().unwrap_or([0; 8]));
            bits |= ((lanes.wrapping_mul(GATHER) >> 56) as usize) << (8 * k);
        }
        row.setBulk(word * WORD, bits);
    }
}

/// The threshold of every pixel of a row covered by block row `block_row`: each block's, and
/// for the last 8 columns the larger of its own and the edge-aligned last block's.
fn fill_row_threshold(
    thresholds: &[u8],
    sub_w: usize,
    block_row: usize,
    width: usize,
    out: &mut [u8],
) {
    let row = &thresholds[block_row * sub_w..(block_row + 1) * sub_w];
    // Eight pixels per block (the last block's columns past the width are not in `out`). A
    // whole block is one 8-byte store; `fill` called `memset` for every block.
    let mut blocks = out.chunks_exact_mut(BLOCK);
    for (block, &threshold) in (&mut blocks).zip(row) {
        block.copy_from_slice(&[threshold; BLOCK]);
    }
    if let Some(&threshold) = row.get(width / BLOCK) {
        blocks.into_remainder().fill(threshold);
    }
    let last = row[sub_w - 1];
    for t in &mut out[width - BLOCK..] {
        *t = (*t).max(last);
    }
}

/// zxing's `calculateBlackPoints`: per 8 × 8 block (the last ones aligned to the edges), the
/// mean, or for a flat block (range ≤ 24) half its minimum, raised to the neighbours' black
/// point when the block's minimum is below it.
///
/// Each block row's blocks are first reduced to their sum, minimum and maximum
/// (`block_stats`). zxing stops updating min and max once a block's range exceeds 24; that only
/// saves work, since min is used only for flat blocks, so computing them throughout gives the
/// same black points.
fn black_points(luma: &[u8], width: usize, height: usize, sub_w: usize, sub_h: usize) -> Vec<u32> {
    let max_y = height - BLOCK;
    let mut points = vec![0u32; sub_w * sub_h];
    let mut stats = vec![BlockStats::default(); sub_w];
    for by in 0..sub_h {
        let y0 = (by * BLOCK).min(max_y);
        block_stats(&luma[y0 * width..(y0 + BLOCK) * width], width, &mut stats);
        for (bx, block) in stats.iter().enumerate() {
            let mut average = u32::from(block.sum) >> 6;
            if u32::from(block.max - block.min) <= MIN_DYNAMIC_RANGE {
                // A flat block is taken for background: half its minimum, unless its
                // neighbours (already computed) say the dark level here is higher.
                average = u32::from(block.min) / 2;
                if by > 0 && bx > 0 {
                    let neighbours = (points[(by - 1) * sub_w + bx]
                        + 2 * points[by * sub_w + bx - 1]
                        + points[(by - 1) * sub_w + bx - 1])
                        / 4;
                    if u32::from(block.min) < neighbours {
                        average = neighbours;
                    }
                }
            }
            points[by * sub_w + bx] = average;
        }
    }
    points
}

/// The sum (at most 64 · 255, a `u16`), minimum and maximum of one block's pixels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct BlockStats {
    sum: u16,
    min: u8,
    max: u8,
}

impl BlockStats {
    /// The stats of no pixel yet: what every pixel added lowers the minimum of and raises the
    /// maximum of.
    const EMPTY: BlockStats = BlockStats {
        sum: 0,
        min: u8::MAX,
        max: u8::MIN,
    };

    /// The block of the `BLOCK` lanes from `first` of column sums, minima and maxima.
    fn of_lanes(sum: &[u16; LANES], min: &[u8; LANES], max: &[u8; LANES], first: usize) -> Self {
        let mut block = BlockStats::EMPTY;
        for lane in first..first + BLOCK {
            block.sum += sum[lane];
            block.min = block.min.min(min[lane]);
            block.max = block.max.max(max[lane]);
        }
        block
    }
}

/// Columns held in registers at a time by `block_stats`: two blocks.
const LANES: usize = 2 * BLOCK;

/// The stats of each block of one block row (`rows`: `BLOCK` rows of `width` pixels), into
/// `stats` (one per block, the last aligned to the right edge). `LANES` columns at a time, down
/// all the rows before anything is stored, so that the accumulators stay in registers; then
/// each half reduced to its block. Writing each column's sums out and reducing them from
/// memory took as long again.
fn block_stats(rows: &[u8], width: usize, stats: &mut [BlockStats]) {
    let aligned = width / BLOCK;
    let mut bx = 0;
    while bx + 2 <= aligned {
        let x0 = bx * BLOCK;
        let (mut sum, mut min, mut max) = ([0u16; LANES], [u8::MAX; LANES], [u8::MIN; LANES]);
        for row in rows.chunks_exact(width) {
            let pixels = &row[x0..x0 + LANES];
            for lane in 0..LANES {
                sum[lane] += u16::from(pixels[lane]);
                min[lane] = min[lane].min(pixels[lane]);
                max[lane] = max[lane].max(pixels[lane]);
            }
        }
        stats[bx] = BlockStats::of_lanes(&sum, &min, &max, 0);
        stats[bx + 1] = BlockStats::of_lanes(&sum, &min, &max, BLOCK);
        bx += 2;
    }
    // An odd aligned block left, and the block aligned to the right edge where the width is no
    // multiple of 8 (it overlaps the one before it).
    let tail = (bx..stats.len()).map(|b| (b, (b * BLOCK).min(width - BLOCK)));
    for (b, x0) in tail {
        let mut block = BlockStats::EMPTY;
        for row in rows.chunks_exact(width) {
            for &p in &row[x0..x0 + BLOCK] {
                block.sum += u16::from(p);
                block.min = block.min.min(p);
                block.max = block.max.max(p);
            }
        }
        stats[b] = block;
    }
}

/// zxing's `calculateThresholdForBlock` without the thresholding: each block's threshold is the
/// mean black point of the 5 × 5 blocks around it (clamped at the edges). Black points are
/// means or halves of 8-bit values, so the threshold fits a byte.
///
/// The 5 × 5 sums are separable: the sums of 5 block rows first, column by column (for each
/// clamped top row), then of 5 columns of those. The same integers as 25 additions per block.
fn block_thresholds(points: &[u32], sub_w: usize, sub_h: usize) -> Vec<u8> {
    let mut thresholds = vec![0u8; sub_w * sub_h];
    let mut column_sums = vec![0u32; sub_w];
    let mut top_done = None;
    for by in 0..sub_h {
        let top = by.clamp(2, sub_h - 3);
        // Rows near the top and bottom edges share one clamped window: sum it once.
        if top_done != Some(top) {
            column_sums.fill(0);
            for row in points[(top - 2) * sub_w..(top + 3) * sub_w].chunks_exact(sub_w) {
                for (sum, &point) in column_sums.iter_mut().zip(row) {
                    *sum += point;
                }
            }
            top_done = Some(top);
        }
        let out = &mut thresholds[by * sub_w..(by + 1) * sub_w];
        for (bx, threshold) in out.iter_mut().enumerate() {
            let left = bx.clamp(2, sub_w - 3);
            let sum: u32 = column_sums[left - 2..=left + 2].iter().sum();
            *threshold = (sum / 25).min(255) as u8;
        }
    }
    thresholds
}

#[cfg(test)]
mod tests {
    use super::*;
    use rxing::common::{GlobalHistogramBinarizer, HybridBinarizer};
    use rxing::{Binarizer, Luma8LuminanceSource};

    fn rxing_matrix(luma: &[u8], width: usize, height: usize) -> BitMatrix {
        let source =
            Luma8LuminanceSource::new(luma.to_vec(), width as u32, height as u32).expect("source");
        HybridBinarizer::new(source)
            .get_black_matrix()
            .expect("matrix")
            .clone()
    }

    /// rxing's global-histogram matrix, `None` where it finds too little contrast.
    fn rxing_global(luma: &[u8], width: usize, height: usize) -> Option<BitMatrix> {
        let source =
            Luma8LuminanceSource::new(luma.to_vec(), width as u32, height as u32).expect("source");
        GlobalHistogramBinarizer::new(source)
            .get_black_matrix()
            .ok()
            .cloned()
    }

    /// A deterministic mix of what photographs hold: a gradient, flat areas, sharp edges and
    /// noise.
    fn scene(width: usize, height: usize, seed: u32) -> Vec<u8> {
        let mut state = seed.wrapping_mul(2_654_435_761).max(1);
        let mut noise = move || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state
        };
        (0..width * height)
            .map(|i| {
                let (x, y) = (i % width, i / width);
                let gradient = (x * 120 / width + y * 60 / height) as u32;
                let square = if (x / 11 + y / 7) % 3 == 0 { 0 } else { 90 };
                let flat = if x > width / 2 && y > height / 2 {
                    40
                } else {
                    0
                };
                (gradient + square + flat + noise() % 30).min(255) as u8
            })
            .collect()
    }

    /// The same matrix as rxing's binariser, bit for bit, on sizes that are and are not
    /// multiples of the block and of the 32-bit word (the edge-aligned last blocks overlap).
    #[test]
    fn matches_rxing_bit_for_bit() {
        for (width, height, seed) in [
            (40, 40, 1),
            (64, 64, 2),
            (41, 47, 3),
            (100, 77, 4),
            (333, 250, 5),
            (257, 1025, 6),
        ] {
            let luma = scene(width, height, seed);
            let ours = hybrid(&luma, width, height).expect("large enough");
            assert_eq!(ours, rxing_matrix(&luma, width, height), "{width}×{height}");
        }
    }

    #[test]
    fn global_threshold_matches_rxing() {
        for (width, height, seed) in [(40, 40, 7), (21, 33, 8), (333, 250, 9), (130, 65, 10)] {
            let luma = scene(width, height, seed);
            let ours = global(&luma, width, height);
            assert!(ours.is_some(), "{width}×{height}: contrast enough");
            assert_eq!(ours, rxing_global(&luma, width, height), "{width}×{height}");
        }
        // Two greys in neighbouring buckets: too little contrast for both.
        let faint: Vec<u8> = (0..64 * 64)
            .map(|i| if i % 3 == 0 { 128 } else { 136 })
            .collect();
        assert_eq!(global(&faint, 64, 64), None);
        assert_eq!(rxing_global(&faint, 64, 64), None);
    }

    /// Below 5 blocks a side, the hybrid threshold is the global one, as in zxing.
    /// A black-and-white image's hybrid threshold is the image itself: `from_flags` gives the
    /// same matrix, for blotches, fine noise and uniform regions, at sizes the hybrid threshold
    /// takes (40 and up) with and without partial blocks.
    #[test]
    fn a_thresholded_image_is_its_own_matrix() {
        for (width, height, seed) in [(40, 40, 21), (64, 48, 22), (333, 250, 23), (130, 65, 24)] {
            let luma = scene(width, height, seed);
            // Blotches (the scene thresholded at mid-grey) and, in one band, per-pixel noise.
            let dark: Vec<bool> = luma
                .iter()
                .enumerate()
                .map(|(i, &p)| {
                    let (x, y) = (i % width, i / width);
                    if (10..20).contains(&y) {
                        (x * 7 + y * 13 + seed as usize).is_multiple_of(3)
                    } else {
                        p < 128
                    }
                })
                .collect();
            let black_and_white: Vec<u8> = dark.iter().map(|&d| if d { 0 } else { 255 }).collect();
            assert_eq!(
                hybrid(&black_and_white, width, height),
                from_flags(&dark, width, height),
                "{width}×{height}"
            );
        }
        let white = vec![false; 50 * 50];
        let black_and_white = vec![255u8; 50 * 50];
        assert_eq!(hybrid(&black_and_white, 50, 50), from_flags(&white, 50, 50));
    }

    #[test]
    fn small_images_get_the_global_threshold() {
        let luma = scene(39, 100, 11);
        assert_eq!(hybrid(&luma, 39, 100), global(&luma, 39, 100));
        assert_eq!(hybrid(&luma, 39, 100), Some(rxing_matrix(&luma, 39, 100)));
    }
}
