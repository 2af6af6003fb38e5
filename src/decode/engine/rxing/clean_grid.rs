//! rxing's `Decode` for a sampled grid, with our own reading of a normal symbol (feature
//! `rxing`).
//!
//! Why: rxing's Reed–Solomon decoder works through `GenericGFPoly`, whose field multiplication
//! reduces by the field size with a run-time `%` on every step, allocates a polynomial per
//! step, and finds the errors by evaluating the locator at all 255 field elements; for a clean
//! version-10 symbol the syndromes alone are some 8000 multiplications, and on the ZXing
//! samples those syndromes were a tenth of all decoding time (a symbol with codewords to
//! correct, as `zxing/qrcode-2/high-res-1.jpg`, spent a third of its decoding in rxing's
//! correction). Here a grid is read the way rxing's `Decode` reads it (the format information
//! by rxing's own `FormatInformation::DecodeQR` from the same bits, the version from the size,
//! the codewords in the same zig-zag order outside rxing's own function-pattern mask, rxing's
//! de-interleaving into blocks); each block's syndromes are computed with log/antilog tables,
//! a block with a wrong codeword is corrected by our decoder (`reed_solomon`, errors only, up
//! to half its check codewords as rxing's), and the data goes to rxing's `DecodeBitStream`.
//! Anything else (a mirrored or Model 1 symbol, Micro QR and rMQR sizes, a step of the reading
//! failing) goes to rxing's `Decode` unchanged. So the result is always the one `Decode` gives
//! (tested against it on generated symbols of every version, level and mask, clean, corrected
//! and beyond correction).

use std::sync::OnceLock;

use rxing::Exceptions;
use rxing::common::Result;
use rxing::common::cpp_essentials::DecoderResult;
use rxing::common::{BitArray, BitMatrix};
use rxing::qrcode::common::{FormatInformation, Version};
use rxing::qrcode::cpp_port::Type;
use rxing::qrcode::cpp_port::decoder::{Decode, DecodeBitStream};
use rxing::qrcode::decoder::{DataBlock, DataMask};

use super::reed_solomon;

/// What rxing's `Decode(bits)` returns.
pub(super) fn decode(bits: &BitMatrix) -> Result<DecoderResult<bool>> {
    match decode_model2(bits) {
        Some(result) => result,
        None => Decode(bits),
    }
}

/// `Decode(bits)` when `bits` is a normal (Model 2, not mirrored) QR symbol, each block checked
/// and, where a codeword is wrong, corrected by our decoder (`reed_solomon`, with no erasures
/// and no margin: up to half the check codewords, as rxing's); `None` for what goes to rxing's
/// path (another type or size, mirrored, a step of the reading failing).
fn decode_model2(bits: &BitMatrix) -> Option<Result<DecoderResult<bool>>> {
    let dimension = bits.getWidth();
    // A QR Model 2 size: not one of Micro QR's (at most 17) nor rMQR's (never square).
    if bits.getHeight() != dimension || !(21..=177).contains(&dimension) || dimension % 4 != 1 {
        return None;
    }
    let format = format_information(bits);
    if format.qr_type() != Type::Model2 || format.isMirrored {
        return None;
    }
    let version = Version::Model2(Version::Number(bits)).ok()?;
    let mask = DataMask::try_from(format.data_mask).ok()?;
    let codewords = codewords(bits, version, mask)?;
    let blocks =
        DataBlock::getDataBlocks(&codewords, version, format.error_correction_level).ok()?;
    let mut data = Vec::with_capacity(codewords.len());
    for block in &blocks {
        let numbers = block.getCodewords();
        let data_count = block.getNumDataCodewords() as usize;
        let check_count = numbers.len().checked_sub(data_count)?;
        if reed_solomon::is_codeword(numbers, check_count) {
            data.extend_from_slice(&numbers[..data_count]);
            continue;
        }
        // A bounded-distance decoder up to half the check codewords finds the one codeword
        // that close if there is one, as rxing's does; where there is none both fail, so the
        // grid is rejected here without rxing decoding it again.
        let corrections = reed_solomon::Received::new(numbers, check_count)
            .and_then(|received| received.corrections(&[], 0));
        let Ok(corrections) = corrections else {
            return Some(Err(Exceptions::CHECKSUM));
        };
        let mut corrected = numbers.to_vec();
        for (index, value) in corrections {
            corrected[index] ^= value;
        }
        data.extend_from_slice(&corrected[..data_count]);
    }
    // Not mirrored (checked above), as rxing's `Decode` marks its unmirrored reading.
    Some(
        DecodeBitStream(&data, version, format.error_correction_level)
            .map(|result| result.withIsMirrored(false)),
    )
}

/// The format information as rxing's `ReadFormatInformation` reads a QR Model 2 size: the
/// copy around the top-left finder pattern (row 8 left to right, skipping the timing column,
/// then column 8 upwards) and the split copy (column 8 upwards from the bottom, then row 8
/// rightwards from the right edge), matched by `FormatInformation::DecodeQR`.
fn format_information(bits: &BitMatrix) -> FormatInformation {
    let dimension = bits.getHeight();
    let append = |word: u32, x: u32, y: u32| (word << 1) | u32::from(bits.get(x, y));
    let mut first = 0;
    for x in 0..6 {
        first = append(first, x, 8);
    }
    first = append(first, 7, 8);
    first = append(first, 8, 8);
    first = append(first, 8, 7);
    for y in (0..=5).rev() {
        first = append(first, 8, y);
    }
    let mut second = 0;
    for y in (dimension - 8..dimension).rev() {
        second = append(second, 8, y);
    }
    for x in dimension - 8..dimension {
        second = append(second, x, 8);
    }
    FormatInformation::DecodeQR(first, second)
}

/// The codewords of a Model 2 symbol, as rxing's `ReadQRCodewords` reads them unmirrored: the
/// data modules in reading order (`reading_order`), each bit unmasked, eight to a codeword.
/// `None` when the count is not the version's.
fn codewords(bits: &BitMatrix, version: &Version, mask: DataMask) -> Option<Vec<u8>> {
    let order = reading_order(version)?;
    // The rows' words, fetched once: a call to `BitMatrix::get` per module was most of this
    // function's time.
    let rows: Vec<BitArray> = (0..bits.getHeight()).map(|y| bits.getRow(y)).collect();
    let dark = |x: u32, y: u32| {
        rows.get(y as usize)
            .and_then(|row| row.getBitArray().get(x as usize / WORD))
            .is_some_and(|word| (word >> (x as usize % WORD)) & 1 == 1)
    };
    let codewords: Vec<u8> = order
        .chunks_exact(8)
        .map(|modules| {
            modules.iter().fold(0u8, |byte, &(x, y)| {
                let (x, y) = (u32::from(x), u32::from(y));
                // rxing's `isMasked` takes the row first.
                (byte << 1) | u8::from(mask.isMasked(y, x) != dark(x, y))
            })
        })
        .collect();
    (codewords.len() == version.getTotalCodewords() as usize).then_some(codewords)
}

/// Data modules (column, row) in reading order.
type Order = Vec<(u8, u8)>;

/// Bits per word of rxing's `BitArray` (`usize`).
const WORD: usize = usize::BITS as usize;

/// The data modules of a Model 2 `version` in the order rxing's `ReadQRCodewords` reads them
/// (ISO/IEC 18004 §7.7.3): column pairs from the right, alternately upwards and downwards,
/// skipping the vertical timing column and every module of rxing's function-pattern mask
/// (finder, timing and alignment patterns, format and version information), as (column, row);
/// eight per codeword, then the remainder bits. Made once per version (rxing builds the mask on
/// every `Decode`); the erasure re-read (`erasures.rs`) reads its codewords in this order too.
/// `None` for a version that is not Model 2.
pub(super) fn reading_order(version: &Version) -> Option<&'static [(u8, u8)]> {
    static ORDERS: [OnceLock<Option<Order>>; 40] = [const { OnceLock::new() }; 40];
    if !version.isModel2() {
        return None;
    }
    let slot = ORDERS.get((version.getVersionNumber() as usize).checked_sub(1)?)?;
    let order = slot.get_or_init(|| {
        let function = version.buildFunctionPattern().ok()?;
        let dimension = version.getDimensionForVersion();
        let mut order = Vec::new();
        let mut upwards = true;
        let mut x = i64::from(dimension) - 1;
        while x > 0 {
            if x == 6 {
                x -= 1;
            }
            for row in 0..dimension {
                let y = if upwards { dimension - 1 - row } else { row };
                for column in [x, x - 1] {
                    let column = u32::try_from(column).ok()?;
                    if !function.get(column, y) {
                        order.push((u8::try_from(column).ok()?, u8::try_from(y).ok()?));
                    }
                }
            }
            upwards = !upwards;
            x -= 2;
        }
        Some(order)
    });
    order.as_deref()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::engine::rxing::format_info::module_grid;

    /// A deterministic stream of numbers for the test's choices.
    fn numbers(seed: u32) -> impl FnMut() -> u32 {
        let mut state = seed.max(1);
        move || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state
        }
    }

    /// The grid transposed: what a mirrored print samples as.
    fn transposed(grid: &BitMatrix) -> BitMatrix {
        let n = grid.getWidth();
        let mut out = BitMatrix::new(n, n).expect("square");
        for y in 0..n {
            for x in 0..n {
                if grid.get(x, y) {
                    out.set(y, x);
                }
            }
        }
        out
    }

    /// The same result as rxing's `Decode` (text, bytes, level, version, mirroring, errors),
    /// for symbols of every version and level: clean ones (the shortcut), with codewords
    /// wrong that rxing corrects, beyond what it corrects, with the format information
    /// damaged, and mirrored (rxing's path).
    #[test]
    fn gives_what_rxings_decode_gives() {
        let levels = [
            qrcode::EcLevel::L,
            qrcode::EcLevel::M,
            qrcode::EcLevel::Q,
            qrcode::EcLevel::H,
        ];
        let mut next = numbers(0x5eed);
        let (mut shortcut, mut compared, mut corrected, mut rejected) = (0, 0, 0, 0);
        for version in 1..=40i16 {
            for (l, &level) in levels.iter().enumerate() {
                let text: String = (0..(next() % 40 + 1))
                    .map(|i| char::from(b'a' + ((i * 7 + version as u32 + l as u32) % 26) as u8))
                    .collect();
                let Ok(code) = qrcode::QrCode::with_version(
                    text.as_bytes(),
                    qrcode::Version::Normal(version),
                    level,
                ) else {
                    continue;
                };
                let clean = module_grid(&code);
                let n = clean.getWidth();
                let mut variants = vec![clean.clone(), transposed(&clean)];
                for flips in [1, 3, 12, 200] {
                    let mut damaged = clean.clone();
                    for _ in 0..flips {
                        damaged.flip_coords(next() % n, next() % n);
                    }
                    variants.push(damaged);
                }
                // The format information's first copy damaged.
                let mut format_damaged = clean.clone();
                for x in [0, 2, 4] {
                    format_damaged.flip_coords(x, 8);
                }
                variants.push(format_damaged);
                for grid in &variants {
                    let ours = decode(grid);
                    let theirs = Decode(grid);
                    assert_eq!(
                        ours.as_ref().ok(),
                        theirs.as_ref().ok(),
                        "version {version}, level {l}"
                    );
                    assert_eq!(ours.is_ok(), theirs.is_ok(), "version {version}, level {l}");
                    compared += 1;
                    let own = decode_model2(grid);
                    shortcut += usize::from(own.is_some());
                    match own {
                        Some(Ok(_)) if grid != &clean => corrected += 1,
                        Some(Err(_)) => rejected += 1,
                        _ => {}
                    }
                }
                // The clean symbol takes the shortcut and reads the text.
                let read = decode_model2(&clean)
                    .and_then(|result| result.ok())
                    .expect("clean symbol takes the shortcut");
                assert_eq!(read.text(), text);
            }
        }
        // Both paths ran: ours for normal symbols (clean, corrected by our decoder, and
        // rejected by it as rxing rejects them), rxing's for the others.
        assert!(
            shortcut >= 160 && shortcut < compared,
            "{shortcut} of {compared}"
        );
        assert!(
            corrected >= 100 && rejected >= 50,
            "{corrected} corrected, {rejected} rejected"
        );
    }

    /// A symbol of `text` drawn with data mask `mask` (the `qrcode` crate otherwise picks the
    /// mask it scores best, and never picked mask 5 for the symbols above).
    fn with_mask(text: &str, version: i16, level: qrcode::EcLevel, mask: u8) -> BitMatrix {
        use qrcode::canvas::{Canvas, MaskPattern};
        let version = qrcode::Version::Normal(version);
        let mut bits = qrcode::bits::Bits::new(version);
        bits.push_optimal_data(text.as_bytes()).expect("fits");
        bits.push_terminator(level).expect("fits");
        let (data, check) =
            qrcode::ec::construct_codewords(&bits.into_bytes(), version, level).expect("codewords");
        let mut canvas = Canvas::new(version, level);
        canvas.draw_all_functional_patterns();
        canvas.draw_data(&data, &check);
        let patterns = [
            MaskPattern::Checkerboard,
            MaskPattern::HorizontalLines,
            MaskPattern::VerticalLines,
            MaskPattern::DiagonalLines,
            MaskPattern::LargeCheckerboard,
            MaskPattern::Fields,
            MaskPattern::Diamonds,
            MaskPattern::Meadow,
        ];
        canvas.apply_mask(patterns[usize::from(mask)]);
        let colors = canvas.into_colors();
        let n = (colors.len() as f64).sqrt() as u32;
        let mut grid = BitMatrix::new(n, n).expect("grid");
        for (i, color) in colors.iter().enumerate() {
            if *color == qrcode::Color::Dark {
                grid.set(i as u32 % n, i as u32 / n);
            }
        }
        grid
    }

    /// Every data mask: the shortcut reads each one, with rxing's result.
    #[test]
    fn every_data_mask_reads_as_rxing_reads_it() {
        for version in [1, 7, 23] {
            for mask in 0..8u8 {
                let grid = with_mask("masked", version, qrcode::EcLevel::M, mask);
                assert_eq!(format_information(&grid).data_mask, mask);
                let read = decode_model2(&grid)
                    .and_then(|result| result.ok())
                    .expect("clean symbol takes the shortcut");
                assert_eq!(read.text(), "masked", "version {version}, mask {mask}");
                assert_eq!(Some(&read), Decode(&grid).as_ref().ok());
            }
        }
    }
}
