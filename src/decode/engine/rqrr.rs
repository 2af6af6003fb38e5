//! The first engine: rqrr, a pure-Rust port of quirc, through `Engine::read`'s shape.
//!
//! rqrr is handed a thresholded bitmap: its own running row average, computed faster here with the
//! same result (`threshold`), or the Sauvola threshold of the `binarized` pass. Its detector
//! differs from zxing's and so reads some codes rxing's misses (perspective, damage), but it
//! reports neither the grids it could not read nor stray finder patterns: its passes leave no
//! leftovers beyond unreadable symbols. It only finds dark-on-light codes, and it cannot be told to
//! skip codes already read.

use std::sync::atomic::{AtomicBool, Ordering};

mod threshold;

use super::{Found, Prepared};
use crate::decode::geometry::Quad;
use crate::decode::{Ecc, Symbol, module_px, text};

/// Reads every symbol rqrr finds in `image`; corners are in `image`'s pixels. `cancel` is
/// checked between the grids rqrr found (finding them is one call that cannot be interrupted).
pub(super) fn read(image: Prepared<'_>, pass: &'static str, cancel: &AtomicBool) -> Found {
    let symbols = match image {
        Prepared::Grey(grey) => {
            // rqrr's own threshold, the same bits computed faster (`threshold`).
            let (width, height) = (grey.width() as usize, grey.height() as usize);
            let dark = threshold::rqrr_threshold(&grey);
            let mut prepared =
                rqrr::PreparedImage::prepare_from_bitmap(width, height, |x, y| dark[y * width + x]);
            symbols(prepared.detect_grids(), pass, cancel)
        }
        Prepared::Dark {
            width,
            height,
            dark,
        } => {
            let mut prepared =
                rqrr::PreparedImage::prepare_from_bitmap(width, height, |x, y| dark[y * width + x]);
            symbols(prepared.detect_grids(), pass, cancel)
        }
    };
    Found {
        symbols,
        ..Found::default()
    }
}

/// The error-correction level from rqrr's raw two format bits: 0 = M, 1 = L, 2 = H, 3 = Q
/// (ISO/IEC 18004 table 12).
fn ecc(raw: u16) -> Option<Ecc> {
    match raw {
        0 => Some(Ecc::M),
        1 => Some(Ecc::L),
        2 => Some(Ecc::H),
        3 => Some(Ecc::Q),
        _ => None,
    }
}

/// rqrr's bounds reach one module past the symbol (it maps grid coordinates 0 and size + 1):
/// pull the far corners back to the symbol's own edge, bilinearly in the quadrilateral.
fn symbol_corners(bounds: Quad, modules: u32) -> Quad {
    if modules == 0 {
        return bounds;
    }
    let f = modules as f32 / (modules as f32 + 1.0);
    Quad([
        bounds.0[0],
        bounds.at(f, 0.0),
        bounds.at(f, f),
        bounds.at(0.0, f),
    ])
}

/// Decodes rqrr's grids into symbols (corners in the prepared image's pixels).
fn symbols<G: rqrr::BitGrid>(
    grids: Vec<rqrr::Grid<G>>,
    pass: &'static str,
    cancel: &AtomicBool,
) -> Vec<Symbol> {
    let mut symbols = Vec::with_capacity(grids.len());
    for grid in grids {
        if cancel.load(Ordering::Relaxed) {
            break;
        }
        let modules = rqrr::BitGrid::size(&grid.grid) as u32;
        let bounds = Quad(grid.bounds.map(|p| [p.x as f32, p.y as f32]));
        let corners = symbol_corners(bounds, modules).0;
        let module_px = module_px(&corners, modules);
        let symbol = |meta: rqrr::MetaData, text, bytes, error| Symbol {
            text,
            bytes,
            error,
            version: Some(meta.version.0 as u32),
            ecc: ecc(meta.ecc_level),
            mask: Some(meta.mask as u8),
            corners,
            modules,
            module_px,
            pass,
            fragile: false,
            erasures: None,
            quiet_zone_modules: None,
        };
        let mut bytes = Vec::new();
        match grid.decode_to(&mut bytes) {
            Ok(meta) => {
                let text = Some(text::decode_payload(&bytes));
                symbols.push(symbol(meta, text, bytes, None));
            }
            Err(err) => {
                // Only a grid whose format information checks out (BCH-protected) is reported as
                // an unreadable QR symbol; anything else is a chance arrangement of dark squares
                // in a photo, and reporting it would flood reviews with false alarms.
                if let Ok((meta, _)) = grid.get_raw_data() {
                    symbols.push(symbol(meta, None, Vec::new(), Some(err.to_string())));
                }
            }
        }
    }
    symbols
}

#[cfg(test)]
mod tests {
    use super::*;

    /// rqrr's grid runs one module past each far edge: the corners come back to the symbol's
    /// own outline (21 of 22 module widths along each side).
    #[test]
    fn far_corners_are_pulled_back_to_the_symbol() {
        let bounds = Quad([[0.0, 0.0], [22.0, 0.0], [22.0, 22.0], [0.0, 22.0]]);
        let corners = symbol_corners(bounds, 21);
        assert_eq!(
            corners.0,
            [[0.0, 0.0], [21.0, 0.0], [21.0, 21.0], [0.0, 21.0]]
        );
        assert_eq!(symbol_corners(bounds, 0), bounds);
    }

    #[test]
    fn format_bits_give_the_level() {
        assert_eq!(
            [0, 1, 2, 3, 4].map(ecc),
            [Some(Ecc::M), Some(Ecc::L), Some(Ecc::H), Some(Ecc::Q), None]
        );
    }
}
