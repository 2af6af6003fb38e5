//! Decoding: image bytes → greyscale raster → QR symbols, through a sequence of passes.
//!
//! The first pass is cheap (rqrr on the image, or on a box-downscaled copy when the image is
//! large, because rqrr's cost grows badly with pixels and candidate finder patterns). Further
//! passes run only when earlier ones left something: nothing decoded, or a detected symbol that
//! did not decode. Symbols found by several passes are merged by position and text; each records
//! the pass that first read it. Every decoder call is isolated (`isolate`): a panic in one pass
//! is recorded as a warning and the other passes still run. This module never classifies or
//! judges what a code says.

pub mod isolate;
pub mod load;
mod passes;

use std::sync::atomic::{AtomicBool, Ordering};

use image::GrayImage;
use serde::Serialize;

/// QR error-correction level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Ecc {
    L,
    M,
    Q,
    H,
}

impl Ecc {
    /// rqrr reports the raw two format bits: 0 = M, 1 = L, 2 = H, 3 = Q (ISO 18004 table 12).
    pub fn from_rqrr(raw: u16) -> Option<Ecc> {
        match raw {
            0 => Some(Ecc::M),
            1 => Some(Ecc::L),
            2 => Some(Ecc::H),
            3 => Some(Ecc::Q),
            _ => None,
        }
    }
}

/// One QR symbol found in an image: decoded, or detected but unreadable (`text == None`).
#[derive(Debug, Clone)]
pub struct Symbol {
    /// The decoded text; non-UTF-8 payloads are decoded lossily (see `bytes`).
    pub text: Option<String>,
    /// The exact payload bytes.
    pub bytes: Vec<u8>,
    /// Why a detected symbol could not be decoded.
    pub error: Option<String>,
    pub version: Option<u32>,
    pub ecc: Option<Ecc>,
    pub mask: Option<u8>,
    /// Corners in image pixels: top-left, top-right, bottom-right, bottom-left of the symbol.
    pub corners: [[f32; 2]; 4],
    /// Modules per side (21 for version 1).
    pub modules: u32,
    /// Average module size in pixels.
    pub module_px: f32,
    /// The pass that found it.
    pub pass: &'static str,
}

impl Symbol {
    pub fn is_utf8(&self) -> bool {
        std::str::from_utf8(&self.bytes).is_ok()
    }

    pub fn center(&self) -> [f32; 2] {
        let (sx, sy) = self
            .corners
            .iter()
            .fold((0.0, 0.0), |(x, y), c| (x + c[0], y + c[1]));
        [sx / 4.0, sy / 4.0]
    }

    /// Length of the longer diagonal, a rough size for matching symbols across passes.
    pub fn extent(&self) -> f32 {
        let d = |a: [f32; 2], b: [f32; 2]| ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt();
        d(self.corners[0], self.corners[2]).max(d(self.corners[1], self.corners[3]))
    }
}

/// What decoding one image produced.
#[derive(Debug, Default)]
pub struct DecodeOutcome {
    pub symbols: Vec<Symbol>,
    /// Problems that did not stop decoding, e.g. a pass whose decoder panicked.
    pub warnings: Vec<String>,
    /// Set when every pass that ran panicked, so nothing could be looked at.
    pub all_passes_failed: bool,
}

/// Options for `decode`.
#[derive(Debug, Clone)]
pub struct DecodeOptions {
    /// Images with more pixels than this get their first pass on a downscaled copy.
    pub fast_pass_pixels: u64,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            fast_pass_pixels: 2_000_000,
        }
    }
}

/// Finds and decodes every QR symbol in `image`. `cancel` is checked between passes, so that a
/// caller whose time budget ran out can stop the remaining work.
pub fn decode(image: &GrayImage, options: &DecodeOptions, cancel: &AtomicBool) -> DecodeOutcome {
    let mut outcome = DecodeOutcome::default();
    let mut passes_run = 0usize;
    let mut passes_panicked = 0usize;
    for pass in passes::plan(image, options) {
        if cancel.load(Ordering::Relaxed) {
            break;
        }
        if !pass.should_run(&outcome.symbols) {
            continue;
        }
        passes_run += 1;
        match pass.run(image) {
            Ok(found) => merge(&mut outcome.symbols, found),
            Err(message) => {
                passes_panicked += 1;
                outcome.warnings.push(format!(
                    "decoder panicked in pass {}: {message}",
                    pass.name()
                ));
            }
        }
    }
    outcome.all_passes_failed = passes_run > 0 && passes_run == passes_panicked;
    outcome.symbols.sort_by(|a, b| {
        a.center()[1]
            .total_cmp(&b.center()[1])
            .then(a.center()[0].total_cmp(&b.center()[0]))
    });
    outcome
}

/// Adds `found` to `symbols`, dropping what is already there: the same text near the same place,
/// or an unreadable detection where a decoded symbol stands (or the reverse, which upgrades it).
fn merge(symbols: &mut Vec<Symbol>, found: Vec<Symbol>) {
    for candidate in found {
        let near = |s: &Symbol| {
            let (a, b) = (s.center(), candidate.center());
            let distance = ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt();
            distance < 0.35 * s.extent().max(candidate.extent())
        };
        match symbols.iter_mut().find(|s| near(s)) {
            Some(existing) if existing.text.is_none() && candidate.text.is_some() => {
                *existing = candidate;
            }
            Some(existing) if existing.text == candidate.text || candidate.text.is_none() => {}
            // A different text at the same place (a code nested in another, or a misread): keep
            // both so that a reviewer sees the disagreement.
            _ => symbols.push(candidate),
        }
    }
}
