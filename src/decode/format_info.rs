//! The format information of a sampled QR grid (ISO/IEC 18004 §7.9): its two 15-bit copies and
//! the BCH(15,5) code they are words of (feature `rxing`).
//!
//! rxing decodes with the format information but does not report what it read, so it is read
//! here again: for the data mask in the JSON report (`rxing_engine::read_mask`) and to tell a
//! Model 1 symbol from a Model 2 one (`model1`).

use rxing::common::BitMatrix;

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

/// The 15-bit word of 5 data bits (error-correction level, data mask) in the BCH(15,5) code,
/// before the model's mask is applied.
pub(super) fn bch_word(data: u32) -> u32 {
    let mut rem = data << 10;
    for shift in (0..5).rev() {
        if rem & (1 << (shift + 10)) != 0 {
            rem ^= 0x537 << shift;
        }
    }
    (data << 10) | rem
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 32 masked Model 2 words of ISO/IEC 18004 table C.1 start 0x5412, 0x5125, 0x5E7C and
    /// end 0x2BED.
    #[test]
    fn bch_words_match_the_standard() {
        assert_eq!(bch_word(0) ^ 0x5412, 0x5412);
        assert_eq!(bch_word(1) ^ 0x5412, 0x5125);
        assert_eq!(bch_word(2) ^ 0x5412, 0x5E7C);
        assert_eq!(bch_word(31) ^ 0x5412, 0x2BED);
    }
}
