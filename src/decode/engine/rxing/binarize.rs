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
//!
//! The light-on-dark try gets the hybrid threshold of the negative image (on looks up to a
//! megapixel: `NEGATIVE_MAX_PIXELS` in rxing.rs says why), not the image's matrix with every bit
//! flipped (which is what zxing and rxing do). The two differ in the flat blocks:
//! zxing takes a flat block for light background (the min/2 rule), so flipped, every flat block
//! of the ground around a light-on-dark code turns dark, and on a mid-tone ground (a messenger's
//! profile code: white modules on a coloured card) the quiet zone and the light rings of the
//! finder patterns merge into it; the first look then read nothing. In the negative a flat block
//! is light ground, as it is for a dark-on-light code. Both matrices come from one pass over the
//! pixels (`hybrid_both`): the block sums, minima and maxima of the negative are those of the
//! image mirrored, so only the per-block black points and the row comparisons are done twice.

use rxing::common::{BitArray, BitMatrix};

const BLOCK: usize = 8;
/// zxing's `MINIMUM_DIMENSION`: below 5 blocks a side its hybrid binariser falls back to the
/// global histogram; so do we.
pub(super) const MIN_SIDE: usize = BLOCK * 5;
const MIN_DYNAMIC_RANGE: u32 = 24;
/// Bits per word of rxing's `BitMatrix` rows (its `BitFieldBaseType` is `usize`).
const WORD: usize = usize::BITS as usize;

/// The hybrid-threshold bit matrix of an 8-bit greyscale image (`hybrid_both` without the
/// negative's).
pub(super) fn hybrid(luma: &[u8], width: usize, height: usize) -> Option<BitMatrix> {
    hybrid_matrices::<1>(luma, width, height).map(|[matrix]| matrix)
}

/// The hybrid-threshold bit matrices of an 8-bit greyscale image (`luma`, `width` × `height`,
/// row-major) and of its negative (255 − each pixel): for the dark-on-light and the
/// light-on-dark try. Images smaller than `MIN_SIDE` either way get the global threshold, as in
/// zxing, and the negative its flipped matrix (one threshold for the whole image has no flat
/// blocks to tell apart); `None` when that finds too little contrast (zxing then has no matrix
/// to read).
pub(super) fn hybrid_both(luma: &[u8], width: usize, height: usize) -> Option<[BitMatrix; 2]> {
    hybrid_matrices::<2>(luma, width, height)
}

/// The image's hybrid-threshold matrix and, for `N` = 2, the negative's (`hybrid_both`).
fn hybrid_matrices<const N: usize>(
    luma: &[u8],
    width: usize,
    height: usize,
) -> Option<[BitMatrix; N]> {
    if width < MIN_SIDE || height < MIN_SIDE {
        let matrix = global(luma, width, height)?;
        return Some(std::array::from_fn(|polarity| {
            let mut matrix = matrix.clone();
            if polarity == NEGATIVE {
                matrix.flip_self();
            }
            matrix
        }));
    }
    if luma.len() < width * height {
        return None;
    }
    let (sub_w, sub_h) = (width.div_ceil(BLOCK), height.div_ceil(BLOCK));
    let thresholds = black_points::<N>(luma, width, height, sub_w, sub_h)
        .map(|points| block_thresholds(&points, sub_w, sub_h));
    let mut row_thresholds: [Vec<u8>; N] = std::array::from_fn(|_| vec![0u8; width]);
    let mut threshold_row_of: Option<(usize, bool)> = None;
    matrices_of_rows::<N>(width, height, |y, flags| {
        // The block rows covering this pixel row: its own, and the last one (aligned to the
        // bottom edge) for the last 8 rows.
        let own = y / BLOCK;
        let bottom = y + BLOCK >= height && own != sub_h - 1;
        if threshold_row_of != Some((own, bottom)) {
            for (thresholds, row_threshold) in thresholds.iter().zip(&mut row_thresholds) {
                fill_row_threshold(thresholds, sub_w, own, width, row_threshold);
                if bottom {
                    let mut last = vec![0u8; width];
                    fill_row_threshold(thresholds, sub_w, sub_h - 1, width, &mut last);
                    for (t, l) in row_threshold.iter_mut().zip(&last) {
                        *t = (*t).max(*l);
                    }
                }
            }
            threshold_row_of = Some((own, bottom));
        }
        let pixels = &luma[y * width..(y + 1) * width];
        for (polarity, (flags, row_threshold)) in flags.into_iter().zip(&row_thresholds).enumerate()
        {
            if polarity == NEGATIVE {
                // The negative's pixel is 255 − p, which cannot overflow.
                for ((flag, &p), &t) in flags.iter_mut().zip(pixels).zip(row_threshold) {
                    *flag = u8::from(u8::MAX - p <= t);
                }
            } else {
                // `<=` so that black (0) stays black under a threshold of 0, as in zxing.
                for ((flag, &p), &t) in flags.iter_mut().zip(pixels).zip(row_threshold) {
                    *flag = u8::from(p <= t);
                }
            }
        }
    })
}

/// The index of the negative image's matrix, black points and thresholds in the arrays of
/// `hybrid_matrices` (the image's own are at 0).
const NEGATIVE: usize = 1;

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
    let [matrix] = matrices_of_rows(width, height, |y, [flags]| dark_row(y, flags))?;
    Some(matrix)
}

/// `N` matrices of `width` × `height` built row by row together (`matrix_of_rows`), so that
/// the pixels of a row are read once for all of them.
fn matrices_of_rows<const N: usize>(
    width: usize,
    height: usize,
    mut dark_rows: impl FnMut(usize, [&mut [u8]; N]),
) -> Option<[BitMatrix; N]> {
    let mut matrices = Vec::with_capacity(N);
    for _ in 0..N {
        matrices.push(BitMatrix::new(width as u32, height as u32).ok()?);
    }
    let mut row_bits = BitArray::with_size(width);
    // Padded to whole words with zeros (the padding bits of a row stay 0).
    let mut flags: [Vec<u8>; N] = std::array::from_fn(|_| vec![0u8; width.div_ceil(WORD) * WORD]);
    for y in 0..height {
        dark_rows(y, flags.each_mut().map(|f| &mut f[..width]));
        for (matrix, flags) in matrices.iter_mut().zip(&flags) {
            pack_row(flags, &mut row_bits);
            matrix.setRow(y as u32, &row_bits);
        }
    }
    matrices.try_into().ok()
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

/// zxing's `calculateBlackPoints`, for the image and for its negative: per 8 × 8 block (the
/// last ones aligned to the edges), the mean, or for a flat block (range ≤ 24) half its
/// minimum, raised to the neighbours' black point when the block's minimum is below it.
///
/// Each block row's blocks are first reduced to their sum, minimum and maximum
/// (`block_stats`); the negative's are those mirrored (`BlockStats::negative`). zxing stops
/// updating min and max once a block's range exceeds 24; that only saves work, since min is
/// used only for flat blocks, so computing them throughout gives the same black points.
fn black_points<const N: usize>(
    luma: &[u8],
    width: usize,
    height: usize,
    sub_w: usize,
    sub_h: usize,
) -> [Vec<u32>; N] {
    let max_y = height - BLOCK;
    let mut points: [Vec<u32>; N] = std::array::from_fn(|_| vec![0u32; sub_w * sub_h]);
    let mut stats = vec![BlockStats::default(); sub_w];
    for by in 0..sub_h {
        let y0 = (by * BLOCK).min(max_y);
        block_stats(&luma[y0 * width..(y0 + BLOCK) * width], width, &mut stats);
        for (polarity, points) in points.iter_mut().enumerate() {
            for (bx, &block) in stats.iter().enumerate() {
                let block = if polarity == NEGATIVE {
                    block.negative()
                } else {
                    block
                };
                points[by * sub_w + bx] = black_point(points, block, bx, by, sub_w);
            }
        }
    }
    points
}

/// The black point of block (`bx`, `by`) from its stats and, for a flat block, the points
/// already computed above and to the left of it (`points`).
fn black_point(points: &[u32], block: BlockStats, bx: usize, by: usize, sub_w: usize) -> u32 {
    if u32::from(block.max - block.min) > MIN_DYNAMIC_RANGE {
        return u32::from(block.sum) >> 6;
    }
    // A flat block is taken for background: half its minimum, unless its neighbours say the
    // dark level here is higher.
    let half_min = u32::from(block.min) / 2;
    if by == 0 || bx == 0 {
        return half_min;
    }
    let neighbours = (points[(by - 1) * sub_w + bx]
        + 2 * points[by * sub_w + bx - 1]
        + points[(by - 1) * sub_w + bx - 1])
        / 4;
    if u32::from(block.min) < neighbours {
        neighbours
    } else {
        half_min
    }
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

    /// The same block in the negative image (255 − each of its 64 pixels).
    fn negative(self) -> Self {
        BlockStats {
            sum: (BLOCK * BLOCK) as u16 * u16::from(u8::MAX) - self.sum,
            min: u8::MAX - self.max,
            max: u8::MAX - self.min,
        }
    }

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
// Inlined into its one caller per polarity count: out of line (as two instances made it) the
// accumulators went through memory and it took 70% longer.
#[inline(always)]
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
/// clamped top row), then of 5 columns of those. Both slide: a window one block further on
/// adds the block row (or column) entering it and subtracts the one leaving it. The same
/// integers as 25 additions per block.
fn block_thresholds(points: &[u32], sub_w: usize, sub_h: usize) -> Vec<u8> {
    let mut thresholds = vec![0u8; sub_w * sub_h];
    let mut column_sums = vec![0u32; sub_w];
    let row = |r: usize| &points[r * sub_w..(r + 1) * sub_w];
    let mut top_done: Option<usize> = None;
    for by in 0..sub_h {
        let top = by.clamp(2, sub_h - 3);
        // Rows near the top and bottom edges share one clamped window: sum it once.
        match top_done {
            Some(done) if done == top => {}
            Some(done) if done + 1 == top => {
                for ((sum, &entering), &leaving) in
                    column_sums.iter_mut().zip(row(top + 2)).zip(row(top - 3))
                {
                    *sum = *sum + entering - leaving;
                }
            }
            _ => {
                column_sums.fill(0);
                for r in top - 2..top + 3 {
                    for (sum, &point) in column_sums.iter_mut().zip(row(r)) {
                        *sum += point;
                    }
                }
            }
        }
        top_done = Some(top);
        // Blocks 0 to 2 share the clamped window of columns 0 to 4, as the last three do theirs.
        let out = &mut thresholds[by * sub_w..(by + 1) * sub_w];
        let mut window: u32 = column_sums[..5].iter().sum();
        for (bx, threshold) in out.iter_mut().enumerate() {
            if (3..=sub_w - 3).contains(&bx) {
                window = window + column_sums[bx + 2] - column_sums[bx - 3];
            }
            *threshold = (window / 25).min(255) as u8;
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

    fn negated(luma: &[u8]) -> Vec<u8> {
        luma.iter().map(|&p| u8::MAX - p).collect()
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

    /// The light-on-dark matrix is the hybrid threshold of the negative image, computed from
    /// the same pass: bit for bit what thresholding the negated pixels gives, both ways round,
    /// at sizes with and without partial blocks.
    #[test]
    fn the_negative_matrix_is_the_negative_images_threshold() {
        for (width, height, seed) in [(40, 40, 31), (41, 47, 32), (333, 250, 33), (64, 130, 34)] {
            let luma = scene(width, height, seed);
            let [image, negative] = hybrid_both(&luma, width, height).expect("large enough");
            let [of_negated, negated_negative] =
                hybrid_both(&negated(&luma), width, height).expect("large enough");
            assert_eq!(negative, of_negated, "{width}×{height}");
            assert_eq!(negated_negative, image, "{width}×{height}");
            assert_eq!(
                hybrid(&luma, width, height),
                Some(image.clone()),
                "{width}×{height}"
            );
            // Not merely the flipped matrix: the scene's flat blocks tell them apart.
            let mut flipped = image.clone();
            flipped.flip_self();
            assert_ne!(negative, flipped, "{width}×{height}");
        }
    }

    /// Why the light-on-dark try is not the flipped matrix: white modules on a flat mid-grey
    /// ground. In the image's own matrix a flat block of ground is light (the min/2 rule), so
    /// flipped it turns dark and merges with the modules; in the negative's it is the light
    /// ground around dark modules, as a dark-on-light code's ground is.
    #[test]
    fn a_mid_grey_ground_stays_light_around_light_modules() {
        let (width, height) = (96, 96);
        // A white square of 24 pixels in the middle, on a ground of 170.
        let luma: Vec<u8> = (0..width * height)
            .map(|i| {
                let (x, y) = (i % width, i / width);
                if (36..60).contains(&x) && (36..60).contains(&y) {
                    255
                } else {
                    170
                }
            })
            .collect();
        let [image, negative] = hybrid_both(&luma, width, height).expect("large enough");
        let mut flipped = image.clone();
        flipped.flip_self();
        // A pixel of ground far from the square (a flat block with flat neighbours), and the
        // square's centre.
        let (ground, module) = ((4, 4), (48, 48));
        assert!(
            flipped.get(ground.0, ground.1),
            "flipped: the ground turns dark"
        );
        assert!(
            !negative.get(ground.0, ground.1),
            "negative: the ground stays light"
        );
        assert!(
            negative.get(module.0, module.1),
            "negative: the white module is dark"
        );
    }

    #[test]
    fn small_images_get_the_global_threshold() {
        let luma = scene(39, 100, 11);
        assert_eq!(hybrid(&luma, 39, 100), global(&luma, 39, 100));
        assert_eq!(hybrid(&luma, 39, 100), Some(rxing_matrix(&luma, 39, 100)));
        // One threshold for the whole image: the negative is its matrix flipped.
        let [image, negative] = hybrid_both(&luma, 39, 100).expect("contrast enough");
        let mut flipped = image;
        flipped.flip_self();
        assert_eq!(negative, flipped);
    }
}
