//! The second engine: rxing's port of zxing-cpp's QR reader (feature `rxing`).
//!
//! We call its pieces directly rather than through `MultiFormatReader`: QR only (no Micro QR or
//! rMQR, whose 1-finder-pattern detection produces misreads on photographs), all symbols in the
//! image, and the binarised matrix inverted in place for the light-on-dark try, instead of
//! binarising twice. Doing so also gives what the reader keeps to itself: the number of modules
//! of each symbol (for `module_px`) and the finder-pattern triples that were sampled as a grid but
//! did not decode (the "leftovers" that make later passes worth running).

use rxing::common::{BitMatrix, DetectorRXingResult, HybridBinarizer};
use rxing::qrcode::cpp_port::decoder::Decode;
use rxing::qrcode::cpp_port::detector::{FindFinderPatterns, GenerateFinderPatternSets, SampleQR};
use rxing::{BinaryBitmap, Luma8LuminanceSource};

use image::GrayImage;

use super::{Ecc, Symbol};

/// What one rxing run produced.
#[derive(Debug, Default)]
pub(super) struct RxingFound {
    pub symbols: Vec<Symbol>,
    /// Quadrilaterals sampled from a finder-pattern triple whose grid did not decode.
    pub undecoded: Vec<[[f32; 2]; 4]>,
}

/// Runs rxing's QR reader on `image` (both polarities when `also_inverted`); corners are in
/// `image`'s pixels.
pub(super) fn rxing_symbols(
    image: &GrayImage,
    also_inverted: bool,
    pass: &'static str,
) -> RxingFound {
    let mut found = RxingFound::default();
    let (w, h) = image.dimensions();
    let Ok(source) = Luma8LuminanceSource::new(image.as_raw().clone(), w, h) else {
        return found;
    };
    let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
    let matrix = bitmap.get_black_matrix_mut();
    read_matrix(matrix, pass, &mut found);
    if also_inverted {
        matrix.flip_self();
        let mut inverted = RxingFound::default();
        read_matrix(matrix, pass, &mut inverted);
        // An inverted matrix turns the quiet zone around a normal code into a dark frame, so
        // its leftovers there are noise; keep only symbols from it.
        found.symbols.extend(inverted.symbols);
    }
    found
}

fn read_matrix(matrix: &BitMatrix, pass: &'static str, found: &mut RxingFound) {
    let mut patterns = FindFinderPatterns(matrix, true, 0);
    let sets = GenerateFinderPatternSets(&mut patterns);
    let mut used = Vec::new();
    for set in sets {
        if used.contains(&set.bl) || used.contains(&set.tl) || used.contains(&set.tr) {
            continue;
        }
        let Ok(detected) = SampleQR(matrix, &set) else {
            continue;
        };
        let points = detected.getPoints();
        if points.len() < 4 {
            continue;
        }
        let corners = cyclic(std::array::from_fn(|i| [points[i].x, points[i].y]));
        let bits = detected.getBits();
        let modules = bits.getWidth();
        match Decode(bits) {
            Ok(result) if result.isValid() => {
                used.extend([set.bl, set.tl, set.tr]);
                let text = result.text();
                // The payload bytes before any character set was applied (byte-mode segments
                // as they are), so that a non-UTF-8 payload keeps its exact bytes.
                let payload_bytes = result.content().bytes().to_vec();
                let mask = read_mask(bits, result.isMirrored());
                let side = |a: [f32; 2], b: [f32; 2]| {
                    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
                };
                let perimeter = side(corners[0], corners[1])
                    + side(corners[1], corners[2])
                    + side(corners[2], corners[3])
                    + side(corners[3], corners[0]);
                let version = result.versionNumber();
                found.symbols.push(Symbol {
                    // The decoded text, character set and ECI applied: what a phone shows.
                    text: Some(text.clone()),
                    bytes: if payload_bytes.is_empty() {
                        text.clone().into_bytes()
                    } else {
                        payload_bytes
                    },
                    error: None,
                    version: (version > 0).then_some(version),
                    ecc: match result.ecLevel() {
                        "L" => Some(Ecc::L),
                        "M" => Some(Ecc::M),
                        "Q" => Some(Ecc::Q),
                        "H" => Some(Ecc::H),
                        _ => None,
                    },
                    mask,
                    corners,
                    modules,
                    module_px: if modules > 0 {
                        perimeter / 4.0 / modules as f32
                    } else {
                        0.0
                    },
                    pass,
                    fragile: false,
                    quiet_zone_modules: None,
                });
            }
            _ => found.undecoded.push(corners),
        }
    }
}

/// The data mask of a sampled symbol, read from its format information (ISO/IEC 18004 §7.9):
/// rxing decodes with it but does not report it. Both copies of the 15 format bits are compared
/// with the 32 valid BCH(15,5) codewords, and the closest within 3 bit errors wins.
fn read_mask(bits: &BitMatrix, mirrored: bool) -> Option<u8> {
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
    let mut first = 0u32;
    let push = |word: &mut u32, bit: bool| *word = (*word << 1) | u32::from(bit);
    for i in 0..6 {
        push(&mut first, get(i, 8));
    }
    push(&mut first, get(7, 8));
    push(&mut first, get(8, 8));
    push(&mut first, get(8, 7));
    for j in (0..6).rev() {
        push(&mut first, get(8, j));
    }
    let mut second = 0u32;
    for j in (size - 7..size).rev() {
        push(&mut second, get(8, j));
    }
    for i in size - 8..size {
        push(&mut second, get(i, 8));
    }
    let codeword = |data: u32| {
        let mut rem = data << 10;
        for shift in (0..5).rev() {
            if rem & (1 << (shift + 10)) != 0 {
                rem ^= 0x537 << shift;
            }
        }
        ((data << 10) | rem) ^ 0x5412
    };
    (0..32u32)
        .flat_map(|data| {
            let word = codeword(data);
            [first, second].map(|read| ((read ^ word).count_ones(), data))
        })
        .min()
        .filter(|(distance, _)| *distance <= 3)
        .map(|(_, data)| (data & 7) as u8)
}

/// The detector's points in cyclic order (top-left, top-right, bottom-right, bottom-left):
/// its result points are not always given in that order, and a crossed quadrilateral would make
/// the module size and the quiet-zone geometry wrong.
fn cyclic(points: [[f32; 2]; 4]) -> [[f32; 2]; 4] {
    let (cx, cy) = (
        points.iter().map(|p| p[0]).sum::<f32>() / 4.0,
        points.iter().map(|p| p[1]).sum::<f32>() / 4.0,
    );
    let angle = |p: [f32; 2]| (p[1] - cy).atan2(p[0] - cx);
    let mut order = [0usize, 1, 2, 3];
    order.sort_by(|&a, &b| angle(points[a]).total_cmp(&angle(points[b])));
    let start = order.iter().position(|&i| i == 0).unwrap_or(0);
    order.rotate_left(start);
    // Keep the top-right point (index 1) next to the top-left one.
    if order[1] != 1 {
        order[1..].reverse();
    }
    order.map(|i| points[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_put_in_cyclic_order() {
        let (tl, tr, br, bl) = ([0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]);
        assert_eq!(cyclic([tl, tr, bl, br]), [tl, tr, br, bl]);
        assert_eq!(cyclic([tl, tr, br, bl]), [tl, tr, br, bl]);
        // Mirrored codes run the other way round.
        assert_eq!(cyclic([tl, bl, br, tr]), [tl, bl, br, tr]);
    }

    /// rxing does not report the data mask; ours, read from the format bits, must agree with
    /// rqrr's on the same generated images (a mirrored code included).
    #[test]
    fn mask_agrees_with_rqrr() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut compared = 0;
        for file in [
            "testdata/posters/sales-team.png",
            "testdata/sheets/four-codes.png",
            "testdata/rotated/mirrored.png",
            "testdata/formats/code.gif",
        ] {
            let image = image::open(root.join(file))
                .expect("testdata image")
                .to_luma8();
            let ours = rxing_symbols(&image, false, "test").symbols;
            let mut prepared = rqrr::PreparedImage::prepare(image.clone());
            for grid in prepared.detect_grids() {
                let mut bytes = Vec::new();
                let Ok(meta) = grid.decode_to(&mut bytes) else {
                    continue;
                };
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let symbol = ours
                    .iter()
                    .find(|s| s.text.as_deref() == Some(text.as_str()))
                    .unwrap_or_else(|| panic!("{file}: rxing did not read {text}"));
                assert_eq!(symbol.mask, Some(meta.mask as u8), "{file}: {text}");
                compared += 1;
            }
        }
        assert!(compared >= 7, "only {compared} symbols compared");
    }
}
