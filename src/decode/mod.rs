//! Decoding: image bytes → greyscale raster → QR symbols, through a sequence of passes.
//!
//! The first pass is cheap (rxing's port of zxing-cpp when the `rxing` feature is on, else rqrr
//! on the image or on a box-downscaled copy when the image is large). Further passes run only
//! when earlier ones left something: nothing decoded, a detected symbol that did not decode, a
//! grid sampled from three finder patterns that did not decode, or a finder pattern no decoded
//! code used (see `plan` and `leftovers`); the heavy rescue passes run on photos only where
//! part of a code was seen, and on crops around it once codes were read. Symbols found by
//! several passes are merged by position and text; each records the pass that first read it,
//! and whether only a heavy pass could (`fragile`). Every decoder call is isolated (`isolate`): a
//! panic in one pass is recorded (`DecodeOutcome::panics`) and the other passes still run. Later
//! rxing looks do not sample the codes already read again. The `cancel` flag
//! is checked between passes. After decoding, the quiet zone of each symbol is measured on the
//! image (`quiet_zone`). This module never classifies or judges what a code says.

mod divisor;
mod engine;
mod filters;
pub(crate) mod formats;
mod geometry;
pub(crate) mod isolate;
mod leftovers;
pub mod load;
mod pass;
mod plan;
use plan::Gate;
mod quiet_zone;
mod text;

use std::sync::atomic::{AtomicBool, Ordering};

use image::GrayImage;
use serde::Serialize;

use geometry::Quad;

/// The decoder's revision: raised whenever a change may make it read an image differently (a
/// pass added or reordered, a threshold changed), so that results remembered by an earlier
/// build within the same release (`--cache`) are not taken for this one's.
pub const REVISION: u32 = 8;

/// QR error-correction level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Ecc {
    L,
    M,
    Q,
    H,
}

impl Ecc {
    /// The level's letter, as the QR standard and the report write it.
    pub fn letter(self) -> &'static str {
        match self {
            Ecc::L => "L",
            Ecc::M => "M",
            Ecc::Q => "Q",
            Ecc::H => "H",
        }
    }
}

/// One QR symbol found in an image: decoded, or detected but unreadable (`text == None`).
#[derive(Debug, Clone, PartialEq)]
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
    /// Set when only a heavy pass (re-binarised, rescaled, sharpened) or erasure decoding could
    /// read it: phones in the field will struggle with it too.
    pub fragile: bool,
    /// Set when only the grid re-read from the grey levels decoded (`engine/rxing/erasures.rs`):
    /// how many codewords were declared erasures (0 when the re-read grid decoded as it is).
    /// `None` for a grid that decoded as sampled, with errors-only correction as phones do.
    pub erasures: Option<u32>,
    /// Width of the light margin around the symbol in modules, measured on the image (the
    /// smallest of the four sides, capped at `quiet_zone::MAX_MEASURED`); `None` when it could
    /// not be measured (module size unknown).
    pub quiet_zone_modules: Option<f32>,
}

impl Symbol {
    pub fn is_utf8(&self) -> bool {
        std::str::from_utf8(&self.bytes).is_ok()
    }

    pub fn center(&self) -> [f32; 2] {
        self.quad().centre()
    }

    /// Length of the longer diagonal, a rough size for matching symbols across passes.
    pub fn extent(&self) -> f32 {
        self.quad().extent()
    }

    /// The outline, for the geometry the decoder does with it.
    fn quad(&self) -> Quad {
        Quad(self.corners)
    }
}

/// Average module size in pixels of a symbol with these corners: perimeter / 4 / modules (0
/// when the module count is unknown).
fn module_px(corners: &[[f32; 2]; 4], modules: u32) -> f32 {
    if modules == 0 {
        return 0.0;
    }
    Quad(*corners).perimeter() / 4.0 / modules as f32
}

/// What decoding one image produced.
#[derive(Debug, Default)]
pub struct DecodeOutcome {
    pub symbols: Vec<Symbol>,
    /// The passes whose decoder panicked, in order, with the panic message. The other passes
    /// still ran and their symbols are kept, but the image was not looked at in full: the scan
    /// reports it as an error (a run that could not look at everything cannot vouch for what it
    /// missed).
    pub panics: Vec<(&'static str, String)>,
    /// The passes that ran, in order, with their time in milliseconds and the number of
    /// symbols each returned (before merging).
    pub passes_run: Vec<(&'static str, f64, usize)>,
    /// What the passes saw of codes they did not read, for measuring where a code is lost
    /// (`examples/decode_corpus.rs --census`); the scan does not report it.
    pub evidence: Evidence,
}

/// Parts of codes the passes saw without reading them, in image pixels: the stages a symbol
/// got through before it was lost.
#[derive(Debug, Default, Clone)]
pub struct Evidence {
    /// Finder patterns (x, y, width in pixels) that no decoded symbol used (rxing's passes).
    pub finders: Vec<[f32; 3]>,
    /// Outlines of grids sampled from three finder patterns that did not decode (rxing's
    /// passes: neither the format information nor the codewords gave a code).
    pub grids: Vec<[[f32; 2]; 4]>,
}

impl Evidence {
    /// Adds what a run saw, shifted by (dx, dy) (a crop's place in the image).
    fn add(&mut self, leftovers: &leftovers::Leftovers, dx: f32, dy: f32) {
        self.finders.extend(
            leftovers
                .stray_finders
                .iter()
                .map(|f| [f[0] + dx, f[1] + dy, f[2]]),
        );
        self.grids.extend(
            leftovers
                .undecoded_regions
                .iter()
                .map(|q| q.translated(dx, dy).0),
        );
    }
}

impl DecodeOutcome {
    /// The panics in one line, passes with the same message together: "decoder panicked in
    /// passes direct, padded: assertion failed: … (rqrr-0.11.0/src/geometry.rs:55)". `None`
    /// when no pass panicked.
    pub fn panic_summary(&self) -> Option<String> {
        let mut by_message: Vec<(&str, Vec<&str>)> = Vec::new();
        for (pass, message) in &self.panics {
            match by_message.iter_mut().find(|(m, _)| m == message) {
                Some((_, passes)) if !passes.contains(pass) => passes.push(pass),
                Some(_) => {}
                None => by_message.push((message, vec![pass])),
            }
        }
        let parts: Vec<String> = by_message
            .into_iter()
            .map(|(message, passes)| {
                let noun = if passes.len() == 1 { "pass" } else { "passes" };
                format!(
                    "decoder panicked in {noun} {}: {message}",
                    passes.join(", ")
                )
            })
            .collect();
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// Options for `decode`.
#[derive(Debug, Clone)]
pub struct DecodeOptions {
    /// rqrr passes run on a box-downscaled copy of images with more pixels than this.
    pub fast_pass_pixels: u64,
    /// Images with at most this many pixels also get 2×-upscaled passes (tiny modules).
    pub upscale_max_pixels: u64,
    /// Use the rxing engine (only with the `rxing` cargo feature).
    pub rxing: bool,
    /// rxing's first pass runs on a box-downscaled copy of images with more pixels than this.
    pub rxing_first_pixels: u64,
    /// Run only the passes with these names (all when empty), whatever their gates: for tests
    /// and measurements.
    pub only_passes: Vec<String>,
    /// Never run the passes with these names (the others keep their gates): for measuring what
    /// each pass adds (`examples/decode_corpus.rs --skip`).
    pub skip_passes: Vec<String>,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            fast_pass_pixels: 600_000,
            upscale_max_pixels: 250_000,
            rxing: cfg!(feature = "rxing"),
            rxing_first_pixels: 4_000_000,
            only_passes: Vec::new(),
            skip_passes: Vec::new(),
        }
    }
}

impl DecodeOptions {
    /// Whether `only_passes` and `skip_passes` let the pass called `name` run.
    fn allows(&self, name: &str) -> bool {
        (self.only_passes.is_empty() || self.only_passes.iter().any(|n| n == name))
            && !self.skip_passes.iter().any(|n| n == name)
    }
}

/// Finds and decodes every QR symbol in `image`. `cancel` is checked between passes and, inside
/// a pass, between the candidates an engine tries, so that a caller whose time budget ran out
/// stops the remaining work instead of leaving a detached thread busy for the rest of the pass.
pub fn decode(image: &GrayImage, options: &DecodeOptions, cancel: &AtomicBool) -> DecodeOutcome {
    let mut run = Run::default();
    let whole_pixels = u64::from(image.width()) * u64::from(image.height());
    let plan: Vec<plan::Pass> = plan::plan(image, whole_pixels, options)
        .into_iter()
        .filter(|p| options.allows(p.name))
        .collect();
    // Set once the rest of the plan ran on crops: only the looks for an image where nothing was
    // read (`Gate::NothingRead`, stretched copies that a crop around the wrong thing would miss)
    // still look at the whole image then.
    let mut on_crops = false;
    for (i, pass) in plan.iter().enumerate() {
        if cancel.load(Ordering::Relaxed) {
            break;
        }
        if on_crops && pass.gate != Gate::NothingRead {
            continue;
        }
        match run.next(pass, options) {
            Next::Stop => break,
            Next::Skip => continue,
            Next::Go => {}
        }
        // Once codes were read, or a rescue pass is due for evidence of a code, what is left is
        // local: finish on crops around it, where every pass costs a fraction of a whole-image
        // pass (a sheet of 60 codes, 12 megapixels, with two unread codes took 20 s of
        // whole-image passes).
        if i > 0
            && !pass.whole
            && options.only_passes.is_empty()
            && (pass.gate == Gate::Evidence || run.decoded_any())
        {
            let crops = run
                .leftovers
                .crops(&run.outcome.symbols, image.dimensions());
            let crop_area: u64 = crops.iter().map(|c| u64::from(c.2) * u64::from(c.3)).sum();
            if !crops.is_empty()
                && crop_area * 2 < u64::from(image.width()) * u64::from(image.height())
            {
                for (x, y, w, h) in crops {
                    let crop = filters::crop(image, x, y, w, h);
                    let mut local = Run::default();
                    let crop_plan = plan::plan(&crop, whole_pixels, options);
                    for pass in crop_plan.into_iter().filter(|p| options.allows(p.name)) {
                        if cancel.load(Ordering::Relaxed) {
                            break;
                        }
                        match local.next(&pass, options) {
                            Next::Stop => break,
                            Next::Skip => continue,
                            Next::Go => {}
                        }
                        local.run_pass(pass, &crop, cancel);
                    }
                    run.passes += local.passes;
                    run.outcome
                        .evidence
                        .add(&local.leftovers, x as f32, y as f32);
                    run.outcome.panics.extend(local.outcome.panics);
                    run.outcome.passes_run.extend(local.outcome.passes_run);
                    let shifted = local
                        .outcome
                        .symbols
                        .into_iter()
                        .map(|mut s| {
                            s.corners = s.quad().translated(x as f32, y as f32).0;
                            s
                        })
                        .collect();
                    merge(&mut run.outcome.symbols, shifted);
                }
                on_crops = true;
                continue;
            }
        }
        run.run_pass(*pass, image, cancel);
    }
    let mut outcome = run.outcome;
    outcome.evidence.add(&run.leftovers, 0.0, 0.0);
    for symbol in &mut outcome.symbols {
        symbol.quiet_zone_modules = quiet_zone::measure(image, symbol);
    }
    outcome.symbols.sort_by(|a, b| {
        a.center()[1]
            .total_cmp(&b.center()[1])
            .then(a.center()[0].total_cmp(&b.center()[0]))
    });
    outcome
}

/// The state of a sequence of passes over one image (or one crop of it).
#[derive(Default)]
struct Run {
    outcome: DecodeOutcome,
    leftovers: leftovers::Leftovers,
    passes: usize,
    /// Box-downscaled copies of the image by factor, shared by the passes that use them.
    scaled: Vec<(u32, GrayImage)>,
    /// Prepared copies that several passes look at (`pass::SharedCopies`).
    shared: pass::SharedCopies,
}

/// Whether the next pass of a plan runs.
enum Next {
    /// Nothing is left over: the image (or crop) is done.
    Stop,
    /// A rescue pass without evidence to rescue: try the next one.
    Skip,
    Go,
}

impl Run {
    fn decoded_any(&self) -> bool {
        self.decoded_count() > 0
    }

    fn decoded_count(&self) -> usize {
        self.outcome
            .symbols
            .iter()
            .filter(|s| s.text.is_some())
            .count()
    }

    fn next(&self, pass: &plan::Pass, options: &DecodeOptions) -> Next {
        let symbols = &self.outcome.symbols;
        if self.passes > 0 && !self.leftovers.any(symbols) {
            return Next::Stop;
        }
        let open = match pass.gate {
            Gate::Leftovers => true,
            Gate::Evidence => self.leftovers.evidence(symbols),
            Gate::Sheet => self.decoded_count() >= plan::SHEET_CODES,
            Gate::NothingRead => !self.decoded_any(),
        };
        if open || !options.only_passes.is_empty() {
            Next::Go
        } else {
            Next::Skip
        }
    }

    fn run_pass(&mut self, pass: plan::Pass, image: &GrayImage, cancel: &AtomicBool) {
        // Several passes look at the same downscaled copy: make it once.
        let base = if pass.factor <= 1 {
            image
        } else {
            let index = match self.scaled.iter().position(|(f, _)| *f == pass.factor) {
                Some(index) => index,
                None => {
                    let copy = filters::downscale(image, pass.factor);
                    self.scaled.push((pass.factor, copy));
                    self.scaled.len() - 1
                }
            };
            &self.scaled[index].1
        };
        if !pass.applies_to(base) {
            return;
        }
        self.passes += 1;
        let started = std::time::Instant::now();
        // Codes already read: rxing's later looks skip the finder-pattern triples inside them
        // instead of sampling and error-correcting them again (on a sheet of 60 codes the
        // full-resolution and global looks re-read all 60).
        let known: Vec<leftovers::Known> = self
            .outcome
            .symbols
            .iter()
            .filter(|s| s.text.is_some() && s.module_px > 0.0)
            .map(|s| leftovers::Known {
                corners: s.quad(),
                module_px: s.module_px,
            })
            .collect();
        let result = pass.run(base, &known, &mut self.shared, cancel);
        let ms = started.elapsed().as_secs_f64() * 1e3;
        let count = result.as_ref().map_or(0, |r| r.symbols.len());
        self.outcome.passes_run.push((pass.name, ms, count));
        match result {
            Ok(mut found) => {
                for symbol in &mut found.symbols {
                    // An engine may already know (a symbol read only by erasure decoding).
                    symbol.fragile |= pass.heavy;
                }
                merge(&mut self.outcome.symbols, found.symbols);
                if pass.keeps_undecoded {
                    self.leftovers
                        .undecoded_regions
                        .extend(found.undecoded_regions);
                }
                if pass.keeps_stray_finders {
                    self.leftovers.stray_finders.extend(found.stray_finders);
                }
            }
            Err(message) => {
                self.outcome.panics.push((pass.name, message));
            }
        }
    }
}

/// Adds `found` to `symbols`, dropping what is already there: the same text near the same place,
/// or an unreadable detection where a decoded symbol stands (or the reverse, which upgrades it).
fn merge(symbols: &mut Vec<Symbol>, found: Vec<Symbol>) {
    for candidate in found {
        let near = |s: &Symbol| {
            geometry::distance(s.center(), candidate.center())
                < 0.35 * s.extent().max(candidate.extent())
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
