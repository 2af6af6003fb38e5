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
//! is checked between passes. While one pass runs, the pass that would follow it if it changed
//! nothing may run ahead on an idle core, its result taken at its turn only where the sequence
//! alone would have computed the same (`ahead`). After decoding, the quiet zone of each symbol
//! is measured on the image (`quiet_zone`). This module never classifies or judges what a code
//! says.

mod ahead;
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

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use image::GrayImage;
use serde::Serialize;

pub use ahead::RunAhead;
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
    /// How many of `passes_run` were computed before their turn (on an idle core, or by the
    /// decoding thread while it waited for one, see `ahead.rs`): the same results, sooner.
    pub ran_ahead: usize,
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
    /// Everything the outcome says but the time of each pass and how many ran ahead: what two
    /// decodes of the same image with the same options agree on, wherever their passes ran
    /// (`DecodeOptions::run_ahead`), in a form whose differences read well in a test's failure.
    pub fn result_summary(&self) -> String {
        let passes: Vec<(&str, usize)> = self
            .passes_run
            .iter()
            .map(|(name, _, found)| (*name, *found))
            .collect();
        format!(
            "symbols {:?}\npanics {:?}\npasses {passes:?}\nevidence {:?}",
            self.symbols, self.panics, self.evidence
        )
    }

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
    /// Whether passes may run ahead of their turn on an idle core (`ahead.rs`): the result is
    /// the same either way, only the wall time differs.
    pub run_ahead: RunAhead,
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
            run_ahead: RunAhead::default(),
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
/// A pass that runs ahead on an idle core (`ahead.rs`) and needs the whole image at full
/// resolution works on a copy of it; `decode_shared` spares that copy.
pub fn decode(image: &GrayImage, options: &DecodeOptions, cancel: &AtomicBool) -> DecodeOutcome {
    decode_source(&Source::borrowed(image), options, cancel)
}

/// `decode` of an image the caller can share with the passes that run ahead.
pub fn decode_shared(
    image: Arc<GrayImage>,
    options: &DecodeOptions,
    cancel: &AtomicBool,
) -> DecodeOutcome {
    decode_source(&Source::shared(&image), options, cancel)
}

fn decode_source(
    source: &Source<'_>,
    options: &DecodeOptions,
    cancel: &AtomicBool,
) -> DecodeOutcome {
    let _busy = ahead::Busy::decoding();
    let image = source.image;
    let mut run = Run::default();
    let whole_pixels = u64::from(image.width()) * u64::from(image.height());
    let plan: Vec<plan::Pass> = plan::plan(image, whole_pixels, options)
        .into_iter()
        .filter(|p| options.allows(p.name))
        .collect();
    let whole = Sequence {
        plan: &plan,
        source,
        whole_pixels,
        may_crop: true,
    };
    whole.run(&mut run, options, cancel);
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

/// The image a sequence of passes looks at: borrowed, with a shared copy made only when a pass
/// run ahead needs the image itself (a crop is shared from the start).
struct Source<'a> {
    image: &'a GrayImage,
    shared: std::sync::OnceLock<Arc<GrayImage>>,
}

impl<'a> Source<'a> {
    fn borrowed(image: &'a GrayImage) -> Source<'a> {
        Source {
            image,
            shared: std::sync::OnceLock::new(),
        }
    }

    fn shared(image: &'a Arc<GrayImage>) -> Source<'a> {
        Source {
            image,
            shared: std::sync::OnceLock::from(Arc::clone(image)),
        }
    }

    fn to_shared(&self) -> Arc<GrayImage> {
        Arc::clone(self.shared.get_or_init(|| Arc::new(self.image.clone())))
    }
}

/// Where the pass at some place in a plan runs, as things stand.
enum Turn {
    /// Nothing is left over: the image (or crop) is done.
    Stop,
    /// Not this pass: try the next one.
    Skip,
    /// On crops around what is left (only the whole image's sequence hands over to crops).
    Crops(Vec<(u32, u32, u32, u32)>),
    /// On the sequence's own image.
    Here,
}

/// A plan and the image it runs on: the whole image, or a crop of it.
struct Sequence<'a> {
    plan: &'a [plan::Pass],
    source: &'a Source<'a>,
    whole_pixels: u64,
    /// Whether what is left may be handed to crops (the whole image's sequence).
    may_crop: bool,
}

/// Passes computed before their turn (see `ahead.rs`), all for the same codes known: each is
/// taken at its turn only if those are still the codes known then.
#[derive(Default)]
struct Early {
    known: Vec<leftovers::Known>,
    /// The passes the sequence would run next if the running one changed nothing, on an idle
    /// core, with their plan indices by task.
    chain: Option<(ahead::Chain<Option<Computed>>, Vec<usize>)>,
    /// Passes of the chain this thread took while waiting for the idle core: (plan index,
    /// result).
    done: Vec<(usize, Computed)>,
}

impl Early {
    /// Forgets everything computed for codes known other than `known` (a pass read a code).
    fn keep_only(&mut self, known: &[leftovers::Known]) {
        if self.known != known {
            *self = Early {
                known: known.to_vec(),
                ..Early::default()
            };
        }
    }

    /// Whether the chain still has a task after plan index `i` that nobody took.
    fn open_after(&self, i: usize) -> bool {
        self.chain.as_ref().is_some_and(|(chain, indices)| {
            indices
                .iter()
                .enumerate()
                .any(|(t, &index)| index > i && !chain.claimed(t))
        })
    }
}

impl Sequence<'_> {
    fn run(&self, run: &mut Run, options: &DecodeOptions, cancel: &AtomicBool) {
        // Set once the rest of the plan ran on crops: only the looks for an image where nothing
        // was read (`Gate::NothingRead`, stretched copies that a crop around the wrong thing
        // would miss) still look at the whole image then.
        let mut on_crops = false;
        let mut early = Early::default();
        for (i, pass) in self.plan.iter().enumerate() {
            if cancel.load(Ordering::Relaxed) {
                break;
            }
            match self.turn(run, i, on_crops, options, false) {
                Turn::Stop => break,
                Turn::Skip => continue,
                Turn::Crops(crops) => {
                    // What ran ahead was for this image, and the idle core is the crops' now.
                    early = Early::default();
                    self.run_on_crops(run, crops, options, cancel);
                    on_crops = true;
                    continue;
                }
                Turn::Here => {}
            }
            let known = run.known();
            early.keep_only(&known);
            let computed = match self.early_result(run, i, &known, &mut early, options, cancel) {
                Some(computed) => {
                    run.outcome.ran_ahead += 1;
                    computed
                }
                None => {
                    // Not while the whole image's first pass runs: most images end with it, and
                    // a chain beside it slowed it down (on two cores the median decode of the
                    // BoofCV perspective photos went from 0.8 to 2.4 ms in `qraudit scan`).
                    let first_look = self.may_crop && run.passes == 0;
                    if !first_look && !early.open_after(i) {
                        early.chain = self.start_chain(run, i, &early, on_crops, options);
                    }
                    run.compute(*pass, self.source, &known, cancel)
                }
            };
            run.commit(*pass, computed);
        }
    }

    /// The result of the pass at `i` if computed before its turn (by this thread, or by the
    /// idle core, waiting for it there while this thread takes the chain's next passes);
    /// `None` when it is this thread's to compute now (claimed from the chain if it is in it).
    fn early_result(
        &self,
        run: &mut Run,
        i: usize,
        known: &[leftovers::Known],
        early: &mut Early,
        options: &DecodeOptions,
        cancel: &AtomicBool,
    ) -> Option<Computed> {
        if let Some(at) = early.done.iter().position(|(index, _)| *index == i) {
            return Some(early.done.swap_remove(at).1);
        }
        let (chain, indices) = early.chain.as_mut()?;
        let task = indices.iter().position(|&index| index == i)?;
        // `Always` leaves every pass of the chain to the other core (see `RunAhead`).
        let share = options.run_ahead != ahead::RunAhead::Always;
        if share && chain.claim(task) {
            return None;
        }
        // The idle core has it: take the chain's next passes here until it is done.
        let done = &mut early.done;
        let result = if share {
            chain.take_working(task, cancel, |next| {
                let computed = run.compute(self.plan[indices[next]], self.source, known, cancel);
                done.push((indices[next], computed));
            })
        } else {
            chain.take(task, cancel)
        };
        result.flatten()
    }

    /// The passes the sequence would run after the one at `i` if that one changed nothing
    /// (up to where it hands over to crops), in order.
    fn predicted_after(
        &self,
        run: &Run,
        i: usize,
        on_crops: bool,
        options: &DecodeOptions,
    ) -> Vec<usize> {
        let mut next = Vec::new();
        for j in i + 1..self.plan.len() {
            match self.turn(run, j, on_crops, options, true) {
                Turn::Here => next.push(j),
                Turn::Skip => {}
                Turn::Stop | Turn::Crops(_) => break,
            }
        }
        next
    }

    /// Where the pass at `i` runs, as things stand. With `assume_leftovers`, as if the pass
    /// running now leaves something (what running ahead bets on).
    fn turn(
        &self,
        run: &Run,
        i: usize,
        on_crops: bool,
        options: &DecodeOptions,
        assume_leftovers: bool,
    ) -> Turn {
        let pass = &self.plan[i];
        if on_crops && pass.gate != Gate::NothingRead {
            return Turn::Skip;
        }
        match run.next(pass, options, assume_leftovers) {
            Next::Stop => return Turn::Stop,
            Next::Skip => return Turn::Skip,
            Next::Go => {}
        }
        // Once codes were read, or a rescue pass is due for evidence of a code, what is left is
        // local: finish on crops around it, where every pass costs a fraction of a whole-image
        // pass (a sheet of 60 codes, 12 megapixels, with two unread codes took 20 s of
        // whole-image passes).
        let image = self.source.image;
        if self.may_crop
            && i > 0
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
                return Turn::Crops(crops);
            }
        }
        Turn::Here
    }

    /// Starts the passes the sequence would run after the one at `i` if that one changed
    /// nothing (and not computed already) on an idle core, for the codes known now
    /// (`early.known`); `None` when there are none or no core is idle.
    fn start_chain(
        &self,
        run: &Run,
        i: usize,
        early: &Early,
        on_crops: bool,
        options: &DecodeOptions,
    ) -> Option<(ahead::Chain<Option<Computed>>, Vec<usize>)> {
        let mut indices = self.predicted_after(run, i, on_crops, options);
        indices.retain(|j| !early.done.iter().any(|(index, _)| index == j));
        if indices.is_empty() {
            return None;
        }
        let busy = ahead::Busy::spare(options.run_ahead)?;
        let passes: Vec<plan::Pass> = indices.iter().map(|&j| self.plan[j]).collect();
        let job_known = early.known.clone();
        // The copies made so far, and the image itself where a pass looks at it or at a copy
        // not made yet (made on the idle core; a borrowed image is copied for it).
        let mut scaled = run.scaled.clone();
        let mut shared = run.shared.for_passes(&passes);
        let needs_image = passes
            .iter()
            .any(|p| p.factor == 1 || !scaled.iter().any(|(f, _)| *f == p.factor));
        let image = needs_image.then(|| self.source.to_shared());
        let chain = ahead::Chain::start(busy, passes.len(), move |task, abandon| {
            let pass = passes[task];
            let mut made = None;
            let base = match scaled.iter().find(|(f, _)| *f == pass.factor) {
                _ if pass.factor == 1 => Arc::clone(image.as_ref()?),
                Some((_, copy)) => Arc::clone(copy),
                None => {
                    let copy = Arc::new(filters::downscale(image.as_ref()?, pass.factor));
                    scaled.push((pass.factor, Arc::clone(&copy)));
                    made = Some((pass.factor, Arc::clone(&copy)));
                    copy
                }
            };
            let mut computed = compute(pass, &base, &job_known, &mut shared, abandon);
            computed.scaled = made;
            // Handles to every copy the chain holds; the run keeps those it lacks (`adopt`).
            computed.shared = shared.clone();
            Some(computed)
        })?;
        Some((chain, indices))
    }

    /// The rest of the plan on crops of the image around what is left, each with a plan and a
    /// sequence of its own, added in order. Crops share nothing (each starts with nothing read
    /// or left over), so where there are several, an idle core works down the list too and this
    /// thread takes the ones it has not started (`ahead::Chain`): the same outcome, sooner.
    fn run_on_crops(
        &self,
        run: &mut Run,
        crops: Vec<(u32, u32, u32, u32)>,
        options: &DecodeOptions,
        cancel: &AtomicBool,
    ) {
        let crops: Vec<CropJob> = crops
            .into_iter()
            .map(|(x, y, w, h)| {
                let image = Arc::new(filters::crop(self.source.image, x, y, w, h));
                let plan = plan::plan(&image, self.whole_pixels, options)
                    .into_iter()
                    .filter(|p| options.allows(p.name))
                    .collect();
                CropJob {
                    at: (x, y),
                    image,
                    plan,
                }
            })
            .collect();
        let mut chain = self.start_crops(&crops, options);
        // `Always` leaves every crop to the other core (see `RunAhead`).
        let share = options.run_ahead != ahead::RunAhead::Always;
        // Each crop's run, by crop: taken in order, while the other core works down the list.
        let mut runs: Vec<Option<Run>> = crops.iter().map(|_| None).collect();
        for t in 0..crops.len() {
            if runs[t].is_some() {
                continue;
            }
            let elsewhere = match chain.as_mut() {
                // The other core has it: take the next crops here until it is done.
                Some(chain) if share && !chain.claim(t) => chain.take_working(t, cancel, |next| {
                    runs[next] = Some(crops[next].run(self.whole_pixels, options, cancel));
                }),
                Some(chain) if !share => chain.take(t, cancel),
                _ => None,
            };
            runs[t] = Some(match elsewhere {
                Some(mut local) => {
                    // Every pass of a crop read on the other core was computed ahead.
                    local.outcome.ran_ahead = local.outcome.passes_run.len();
                    local
                }
                None => crops[t].run(self.whole_pixels, options, cancel),
            });
        }
        for (crop, local) in crops.iter().zip(runs) {
            let Some(local) = local else { continue };
            let (x, y) = crop.at;
            run.passes += local.passes;
            run.outcome
                .evidence
                .add(&local.leftovers, x as f32, y as f32);
            run.outcome.panics.extend(local.outcome.panics);
            run.outcome.passes_run.extend(local.outcome.passes_run);
            run.outcome.ran_ahead += local.outcome.ran_ahead;
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
    }

    /// The crops worked down on an idle core, when there are several and a core is idle. The
    /// other core runs their passes in turn, nothing ahead (`RunAhead::Never`): a pool thread
    /// never waits for work queued behind itself.
    fn start_crops(&self, crops: &[CropJob], options: &DecodeOptions) -> Option<ahead::Chain<Run>> {
        if crops.len() < 2 {
            return None;
        }
        let busy = ahead::Busy::spare(options.run_ahead)?;
        let jobs: Vec<CropJob> = crops.to_vec();
        let whole_pixels = self.whole_pixels;
        let options = DecodeOptions {
            run_ahead: ahead::RunAhead::Never,
            ..options.clone()
        };
        ahead::Chain::start(busy, jobs.len(), move |t, abandon| {
            jobs[t].run(whole_pixels, &options, abandon)
        })
    }
}

/// One crop of the image to finish on: where it lies, its pixels and its plan.
#[derive(Clone)]
struct CropJob {
    at: (u32, u32),
    image: Arc<GrayImage>,
    plan: Vec<plan::Pass>,
}

impl CropJob {
    /// The crop's plan run on it from nothing.
    fn run(&self, whole_pixels: u64, options: &DecodeOptions, cancel: &AtomicBool) -> Run {
        let source = Source::shared(&self.image);
        let mut local = Run::default();
        Sequence {
            plan: &self.plan,
            source: &source,
            whole_pixels,
            may_crop: false,
        }
        .run(&mut local, options, cancel);
        local
    }
}

/// What running one pass gave, before it is added to the run; with the copies a pass run ahead
/// made, which the run keeps for its later passes.
struct Computed {
    /// Whether the pass had anything to add on the image (`Pass::applies_to`): one that did not
    /// is not run and not counted.
    applies: bool,
    result: Result<engine::Found, String>,
    ms: f64,
    scaled: Option<(u32, Arc<GrayImage>)>,
    shared: pass::SharedCopies,
}

/// Runs `pass` on `base` (the image box-downscaled by the pass's factor).
fn compute(
    pass: plan::Pass,
    base: &GrayImage,
    known: &[leftovers::Known],
    shared: &mut pass::SharedCopies,
    cancel: &AtomicBool,
) -> Computed {
    let mut computed = Computed {
        applies: pass.applies_to(base),
        result: Ok(engine::Found::default()),
        ms: 0.0,
        scaled: None,
        shared: pass::SharedCopies::default(),
    };
    if computed.applies {
        let started = std::time::Instant::now();
        computed.result = pass.run(base, known, shared, cancel);
        computed.ms = started.elapsed().as_secs_f64() * 1e3;
    }
    computed
}

/// The state of a sequence of passes over one image (or one crop of it).
#[derive(Default)]
struct Run {
    outcome: DecodeOutcome,
    leftovers: leftovers::Leftovers,
    passes: usize,
    /// Box-downscaled copies of the image by factor, shared by the passes that use them.
    scaled: Vec<(u32, Arc<GrayImage>)>,
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

    /// Whether `pass` runs next. With `assume_leftovers`, as if something were left over.
    fn next(&self, pass: &plan::Pass, options: &DecodeOptions, assume_leftovers: bool) -> Next {
        let symbols = &self.outcome.symbols;
        if !assume_leftovers && self.passes > 0 && !self.leftovers.any(symbols) {
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

    /// Codes already read: rxing's later looks skip the finder-pattern triples inside them
    /// instead of sampling and error-correcting them again (on a sheet of 60 codes the
    /// full-resolution and global looks re-read all 60). A pass's one input from the passes
    /// before it.
    fn known(&self) -> Vec<leftovers::Known> {
        self.outcome
            .symbols
            .iter()
            .filter(|s| s.text.is_some() && s.module_px > 0.0)
            .map(|s| leftovers::Known {
                corners: s.quad(),
                module_px: s.module_px,
            })
            .collect()
    }

    /// The copy of the image box-downscaled by `factor`, if made already.
    fn scaled_copy(&self, factor: u32) -> Option<Arc<GrayImage>> {
        self.scaled
            .iter()
            .find(|(f, _)| *f == factor)
            .map(|(_, copy)| Arc::clone(copy))
    }

    /// Runs `pass` here and now.
    fn compute(
        &mut self,
        pass: plan::Pass,
        source: &Source<'_>,
        known: &[leftovers::Known],
        cancel: &AtomicBool,
    ) -> Computed {
        // Several passes look at the same downscaled copy: make it once.
        let scaled = (pass.factor > 1).then(|| match self.scaled_copy(pass.factor) {
            Some(copy) => copy,
            None => {
                let copy = Arc::new(filters::downscale(source.image, pass.factor));
                self.scaled.push((pass.factor, Arc::clone(&copy)));
                copy
            }
        });
        let base = scaled.as_deref().unwrap_or(source.image);
        compute(pass, base, known, &mut self.shared, cancel)
    }

    /// Adds what `pass` gave (here, or ahead of its turn) to the run.
    fn commit(&mut self, pass: plan::Pass, computed: Computed) {
        if let Some((factor, copy)) = computed.scaled
            && self.scaled_copy(factor).is_none()
        {
            self.scaled.push((factor, copy));
        }
        self.shared.adopt(computed.shared);
        if !computed.applies {
            return;
        }
        self.passes += 1;
        let count = computed.result.as_ref().map_or(0, |r| r.symbols.len());
        self.outcome
            .passes_run
            .push((pass.name, computed.ms, count));
        match computed.result {
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
