//! The format information of a sampled QR grid (ISO/IEC 18004 §7.9): its two 15-bit copies,
//! and the closest valid word by rxing's own search (feature `rxing`).
//!
//! rxing decodes with the format information but does not report what it read, so it is read
//! here again: for the data mask in the JSON report (`read_mask` in engine/rxing.rs) and to tell a
//! Model 1 symbol from a Model 2 one (`model1`).

use rxing::common::BitMatrix;
use rxing::qrcode::common::{FORMAT_INFO_MASK_QR, FormatInformation};

/// The two copies of a square grid's format information, most significant bit first: the first
/// around the top-left finder pattern, the second below the top-right and beside the bottom-left
/// one without the always-dark module. `mirrored` reads the grid transposed. `None` for a grid
/// that is not square or smaller than version 1.
pub(super) fn copies(bits: &BitMatrix, mirrored: bool) -> Option<[u32; 2]> {
    let size = bits.getHeight();
    if size < 21 || bits.getWidth() != size {
        return None;
    }
    let get = |x: u32, y: u32| {
        if mirrored {
            bits.get(y, x)
        } else {
            bits.get(x, y)
        }
    };
    let push = |word: &mut u32, bit: bool| *word = (*word << 1) | u32::from(bit);
    let mut first = 0u32;
    for x in 0..6 {
        push(&mut first, get(x, 8));
    }
    push(&mut first, get(7, 8));
    push(&mut first, get(8, 8));
    push(&mut first, get(8, 7));
    for y in (0..6).rev() {
        push(&mut first, get(8, y));
    }
    // Up the left column to just below the dark module (8, size - 8), then along row 8.
    let mut second = 0u32;
    for y in (size - 7..size).rev() {
        push(&mut second, get(8, y));
    }
    for x in size - 8..size {
        push(&mut second, get(x, 8));
    }
    Some([first, second])
}

/// The format information closest to the two copies of `bits` (read transposed when
/// `mirrored`) over the format masks `masks`, chosen as rxing's decoder chooses it
/// (`FormatInformation::FindBestFormatInfo`: fewest differing bits, the first mask, copy and
/// data of equals kept); `None` beyond 3 bit errors, which the BCH(15,5) code cannot correct
/// for sure, or for a grid `copies` cannot read.
pub(super) fn closest(
    bits: &BitMatrix,
    mirrored: bool,
    masks: &[u32],
) -> Option<FormatInformation> {
    let copies = copies(bits, mirrored)?;
    let found = FormatInformation::FindBestFormatInfo(masks, &copies);
    (found.hammingDistance <= 3).then_some(found)
}

/// The Model 2 format information of `bits` read as it is or transposed, whichever is closer
/// to a valid word (as it is on a tie), and whether that was the transposed reading; `None` when
/// neither is within 3 bit errors.
pub(super) fn closest_either_way(bits: &BitMatrix) -> Option<(FormatInformation, bool)> {
    [false, true]
        .into_iter()
        .filter_map(|mirrored| {
            closest(bits, mirrored, &[FORMAT_INFO_MASK_QR]).map(|format| (format, mirrored))
        })
        .min_by_key(|(format, _)| format.hammingDistance)
}

/// The modules of a symbol made by the `qrcode` crate as a grid, one bit per module (for tests
/// of what reads grids).
#[cfg(test)]
pub(super) fn module_grid(code: &qrcode::QrCode) -> BitMatrix {
    let n = code.width() as u32;
    let mut grid = BitMatrix::new(n, n).expect("grid");
    for (i, color) in code.to_colors().iter().enumerate() {
        if *color == qrcode::Color::Dark {
            grid.set(i as u32 % n, i as u32 / n);
        }
    }
    grid
}

#[cfg(test)]
mod tests {
    use super::*;
    use rxing::qrcode::common::ErrorCorrectionLevel;

    /// A generated level-H Model 2 grid reads as level H with no bit error, still does with 3
    /// modules of each copy flipped, and no longer with 4.
    #[test]
    fn closest_reads_the_format_and_tolerates_three_errors() {
        let code = qrcode::QrCode::with_error_correction_level(b"format", qrcode::EcLevel::H)
            .expect("encodes");
        let mut grid = module_grid(&code);
        let n = grid.getWidth();
        let clean = closest(&grid, false, &[FORMAT_INFO_MASK_QR]).expect("format read");
        assert_eq!(clean.hammingDistance, 0);
        let level = ErrorCorrectionLevel::forBits((clean.data >> 3) as u8).expect("a level");
        assert_eq!(level, ErrorCorrectionLevel::H);
        // Row 8 holds bits of both copies: left of the timing column the first, right of the
        // top-right finder pattern the second.
        let mut flip_both = |k: u32| {
            grid.flip_coords(k, 8);
            grid.flip_coords(n - 1 - k, 8);
        };
        for k in 0..3 {
            flip_both(k);
        }
        let noisy = closest(&grid, false, &[FORMAT_INFO_MASK_QR]).expect("3 errors corrected");
        assert_eq!((noisy.data, noisy.hammingDistance), (clean.data, 3));
        grid.flip_coords(3, 8);
        grid.flip_coords(n - 4, 8);
        assert!(closest(&grid, false, &[FORMAT_INFO_MASK_QR]).is_none());
    }
}
