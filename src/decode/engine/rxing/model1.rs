//! QR Model 1 symbols of several error-correction blocks (feature `rxing`).
//!
//! Model 1 is the original QR code (ISO/IEC 18004:2000 Annex M, superseded in 2000 but still on
//! old prints; ZXing's sample `qrcode-2/#940.png` is one). rxing reads its codewords in the Model
//! 1 order but then splits them into blocks as Model 2 interleaves them, codeword by codeword;
//! Model 1's blocks are not interleaved: all data codewords block after block, then all
//! error-correction codewords block after block. So every Model 1 symbol of two or more blocks
//! fails Reed–Solomon in rxing (version 5-H and up; zxing-cpp 3.1 reads them). Measured on
//! `#940.png`: with the blocks taken one after the other, Reed–Solomon corrects 3 and 1 errors,
//! and the text is the expected one; de-interleaved, no mask decodes.
//!
//! Rather than decode the bit stream ourselves, `reorder_blocks` rewrites the symbol's data
//! modules so that rxing's de-interleaving puts each codeword in its true block, and rxing's
//! decoder then reads the symbol as it reads any other: its bit-stream parser, character sets
//! and result stay the same. The format information and function patterns are left untouched.

use rxing::common::BitMatrix;
use rxing::qrcode::common::{ErrorCorrectionLevel, FORMAT_INFO_MASK_QR, Version};
use rxing::qrcode::decoder::DataMask;

/// The format information mask of Model 1 symbols (Model 2's is `FORMAT_INFO_MASK_QR`, 0x5412;
/// rxing declares this one in a private module).
const FORMAT_INFO_MASK_QR_MODEL1: u32 = 0x2825;

/// The grid `bits` with its data modules rewritten in the block order rxing expects, when it is
/// a Model 1 symbol of several blocks (not mirrored); `None` for any other symbol, which rxing
/// reads as it is.
pub(super) fn reorder_blocks(bits: &BitMatrix) -> Option<BitMatrix> {
    let dimension = bits.getHeight();
    if bits.getWidth() != dimension || dimension < 21 || !(dimension - 17).is_multiple_of(4) {
        return None;
    }
    let (level, mask) = model1_format(bits)?;
    let version = Version::Model1((dimension - 17) / 4).ok()?;
    let blocks = version.getECBlocksForLevel(level);
    // Model 1 blocks of a level all have the same size: one entry (rxing pads its table with an
    // empty second one).
    let mut sizes = blocks.getECBlocks().iter().filter(|b| b.getCount() > 0);
    let (Some(block), None) = (sizes.next(), sizes.next()) else {
        return None;
    };
    let (count, data, ec) = (
        block.getCount() as usize,
        block.getDataCodewords() as usize,
        blocks.getECCodewordsPerBlock() as usize,
    );
    let positions = codeword_modules(dimension);
    if count < 2 || positions.len() != count * (data + ec) {
        return None;
    }
    // rxing's `isMasked` takes the row first.
    let masked = |x: u32, y: u32| mask.isMasked(y, x);
    let read: Vec<u8> = positions
        .iter()
        .map(|modules| {
            modules.iter().fold(0u8, |byte, &(x, y)| {
                (byte << 1) | u8::from(bits.get(x, y) != masked(x, y))
            })
        })
        .collect();
    // Where rxing looks for codeword i of block b: data interleaved first, then error correction.
    let mut reordered = vec![0u8; read.len()];
    for b in 0..count {
        for i in 0..data {
            reordered[i * count + b] = read[b * data + i];
        }
        for i in 0..ec {
            reordered[count * data + i * count + b] = read[count * data + b * ec + i];
        }
    }
    let mut out = bits.clone();
    for (modules, byte) in positions.iter().zip(&reordered) {
        for (k, &(x, y)) in modules.iter().enumerate() {
            let bit = (byte >> (7 - k)) & 1 == 1;
            out.set_bool(x, y, bit != masked(x, y));
        }
    }
    Some(out)
}

/// The error-correction level and data mask of a Model 1 symbol, from its format information
/// (ISO/IEC 18004 §7.9, masked with 0x2825 instead of 0x5412), chosen as rxing's decoder chooses
/// it: the closest valid word over both copies, masks tried in the order Model 2, none, Model 1.
/// `None` unless that is a Model 1 word within 3 bit errors.
fn model1_format(bits: &BitMatrix) -> Option<(ErrorCorrectionLevel, DataMask)> {
    let format = super::format_info::closest(
        bits,
        false,
        &[FORMAT_INFO_MASK_QR, 0, FORMAT_INFO_MASK_QR_MODEL1],
    )?;
    if format.mask != FORMAT_INFO_MASK_QR_MODEL1 {
        return None;
    }
    // Bits 4–3 are the level (M, L, H, Q for 0–3), bits 2–0 the data mask.
    let level = ErrorCorrectionLevel::forBits(((format.data >> 3) & 3) as u8).ok()?;
    let mask = DataMask::try_from((format.data & 7) as u8).ok()?;
    Some((level, mask))
}

/// The modules of every codeword of a Model 1 symbol `dimension` modules wide, in reading order,
/// each most significant bit first (exact for versions 1 to 12). Three regions, each read in its
/// own order: two columns of vertical codewords (2 × 4 modules) down the right edge, rows of
/// horizontal codewords (4 × 2) in the middle, and columns of vertical ones on the left,
/// skipping the extension patterns on the right and bottom edges, the timing patterns and the
/// finder patterns.
fn codeword_modules(dimension: u32) -> Vec<[(u32, u32); 8]> {
    let last = dimension - 1;
    // A codeword `width` modules wide whose last bit is at (x, y), filled right to left and
    // bottom to top.
    let codeword = |x: u32, y: u32, width: u32| -> [(u32, u32); 8] {
        std::array::from_fn(|b| (x - b as u32 % width, y - b as u32 / width))
    };
    let mut out = Vec::new();
    let columns = dimension / 4 + 3;
    for j in 0..columns {
        if j <= 1 {
            let rows = (dimension - 8) / 4;
            for i in 0..rows {
                // The extension patterns down the right edge.
                if j == 0 && i % 2 == 0 && i > 0 && i < rows - 1 {
                    continue;
                }
                out.push(codeword(last - j * 2, last - i * 4, 2));
            }
        } else if columns - j <= 4 {
            let rows = (dimension - 16) / 4;
            // Left of the vertical timing pattern (column 6) the columns shift by one.
            let x = (columns - j - 1) * 2 + 1 + u32::from(columns - j == 4);
            for i in 0..rows {
                out.push(codeword(x, last - 8 - i * 4, 2));
            }
        } else {
            let rows = dimension / 2;
            for i in 0..rows {
                // The bottom-left finder pattern and its separator, and the extension patterns
                // along the bottom edge.
                if j == 2 && i >= rows - 4 {
                    continue;
                }
                if i == 0 && j % 2 == 1 && j + 1 != columns - 4 {
                    continue;
                }
                // Above the horizontal timing pattern (row 6) the rows shift by one.
                let y = last - i * 2 - u32::from(i >= rows - 3);
                out.push(codeword(last - 4 - (j - 2) * 4, y, 4));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rxing::common::reedsolomon::{PredefinedGenericGF, ReedSolomonEncoder};
    use rxing::qrcode::common::FORMAT_INFO_DECODE_LOOKUP;
    use rxing::qrcode::cpp_port::decoder::Decode;

    /// Every module a codeword uses lies inside the symbol and is used once, and the count is the
    /// version's number of codewords, for Model 1 versions 1 to 12. (Versions 13 and 14 give two
    /// and one codewords too many in this layout, as in rxing's and zxing-cpp's: `reorder_blocks`
    /// leaves them alone.)
    #[test]
    fn codeword_layout_covers_each_module_once() {
        for number in 1..=12u32 {
            let dimension = 17 + 4 * number;
            let positions = codeword_modules(dimension);
            let version = Version::Model1(number).expect("a Model 1 version");
            assert_eq!(
                positions.len() as u32,
                version.getTotalCodewords(),
                "v{number}"
            );
            let mut seen = std::collections::HashSet::new();
            for &(x, y) in positions.iter().flatten() {
                assert!(x < dimension && y < dimension, "v{number}: ({x}, {y})");
                assert!(seen.insert((x, y)), "v{number}: ({x}, {y}) twice");
            }
        }
    }

    /// A version 5-H Model 1 grid (two blocks, laid out one after the other as Model 1 does), built
    /// here from the standard: rxing's decoder fails on it as it is and reads it reordered.
    #[test]
    fn two_block_model1_symbol_is_read_once_reordered() {
        let (dimension, level_bits, mask) = (37u32, 2u32, 7u32);
        let data_mask = DataMask::try_from(mask as u8).expect("a data mask");
        let text = b"MODEL 1, TWO BLOCKS";
        // 4 leading zero bits (Model 1), byte mode (0100), an 8-bit count, the bytes, a
        // terminator, then the pad codewords 0xEC 0x11.
        let mut stream: Vec<bool> = Vec::new();
        let mut put = |value: u32, bits: u32| {
            for k in (0..bits).rev() {
                stream.push((value >> k) & 1 == 1);
            }
        };
        put(0, 4);
        put(0b0100, 4);
        put(text.len() as u32, 8);
        for &byte in text {
            put(u32::from(byte), 8);
        }
        put(0, 4);
        let (count, data, ec) = (2usize, 23usize, 44usize);
        while !stream.len().is_multiple_of(8) {
            stream.push(false);
        }
        let mut codewords: Vec<i32> = stream
            .chunks(8)
            .map(|bits| bits.iter().fold(0, |b, &bit| (b << 1) | i32::from(bit)))
            .collect();
        let mut pad = [0xEC, 0x11].into_iter().cycle();
        while codewords.len() < count * data {
            codewords.push(pad.next().unwrap_or(0));
        }
        let mut encoder =
            ReedSolomonEncoder::new(PredefinedGenericGF::QrCodeField256.into()).expect("field");
        let mut ec_words = Vec::new();
        for block in codewords.chunks(data) {
            let mut full: Vec<i32> = block.to_vec();
            full.resize(data + ec, 0);
            encoder.encode(&mut full, ec).expect("encodes");
            ec_words.extend_from_slice(&full[data..]);
        }
        let all: Vec<u8> = codewords
            .iter()
            .chain(&ec_words)
            .map(|&c| c as u8)
            .collect();
        let mut grid = BitMatrix::new(dimension, dimension).expect("grid");
        for (modules, byte) in codeword_modules(dimension).iter().zip(&all) {
            for (k, &(x, y)) in modules.iter().enumerate() {
                let bit = (byte >> (7 - k)) & 1 == 1;
                grid.set_bool(x, y, bit != data_mask.isMasked(y, x));
            }
        }
        // The format information, both copies.
        // The standard's masked Model 2 word of this level and mask, remasked for Model 1.
        let format = (level_bits << 3) | mask;
        let word = FORMAT_INFO_DECODE_LOOKUP[format as usize][0]
            ^ FORMAT_INFO_MASK_QR
            ^ FORMAT_INFO_MASK_QR_MODEL1;
        let places: Vec<(u32, u32)> = (0..6)
            .map(|x| (x, 8))
            .chain([(7, 8), (8, 8), (8, 7)])
            .chain((0..6).rev().map(|y| (8, y)))
            .collect();
        for (k, &(x, y)) in places.iter().enumerate() {
            grid.set_bool(x, y, (word >> (14 - k)) & 1 == 1);
        }
        // The second copy: up the left column to the dark module, then along row 8.
        let second: Vec<(u32, u32)> = (dimension - 7..dimension)
            .rev()
            .map(|y| (8, y))
            .chain((dimension - 8..dimension).map(|x| (x, 8)))
            .collect();
        for (k, &(x, y)) in second.iter().enumerate() {
            grid.set_bool(x, y, (word >> (14 - k)) & 1 == 1);
        }
        grid.set(8, dimension - 8);
        assert!(
            Decode(&grid).is_err(),
            "rxing reads it as it is: the workaround is moot"
        );
        let reordered = reorder_blocks(&grid).expect("a two-block Model 1 symbol");
        let result = Decode(&reordered).expect("decodes reordered");
        assert_eq!(result.text(), "MODEL 1, TWO BLOCKS");
        assert_eq!(result.ecLevel(), "H");
    }

    /// A Model 2 symbol is left to rxing.
    #[test]
    fn model2_symbols_are_left_alone() {
        let code = qrcode::QrCode::with_error_correction_level(
            b"model two, version five",
            qrcode::EcLevel::H,
        )
        .expect("encodes");
        let grid = super::super::format_info::module_grid(&code);
        assert!(reorder_blocks(&grid).is_none());
    }
}
