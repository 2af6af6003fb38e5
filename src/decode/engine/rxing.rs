//! The second engine: rxing's port of zxing-cpp's QR reader (feature `rxing`), through
//! `Engine::read`'s shape.
//!
//! We call its pieces directly rather than through `MultiFormatReader`: QR only (no Micro QR or
//! rMQR, whose 1-finder-pattern detection produces misreads on photographs), all symbols in the
//! image, and for the light-on-dark try on looks up to a megapixel the hybrid threshold of the
//! negative image, made in the same pass as the image's (`binarize::hybrid_both`; rxing flips
//! the bits of the image's, which turns a mid-tone ground dark, and so do larger looks here).
//! Doing so also gives what the reader keeps to itself: the number of modules of each symbol
//! (for `module_px`) and the finder-pattern triples that were sampled as a grid but did not
//! decode (the "leftovers" that make later passes worth running).
//!
//! This is the one place that reaches into rxing's internals (`cpp_port`, `cpp_essentials`,
//! `BitMatrix`), together with its children: our faster versions of three of its stages
//! (`binarize`, `finders`, and `clean_grid`: `Decode` without the Reed–Solomon pass for a grid
//! with nothing to correct), the format-information reader (`format_info`), the Model 1 repair
//! (`model1`), the completion of a code whose third finder pattern is missing (`complete`), the
//! finder patterns found by their eye alone (`eyes`), and the second reading of a grid
//! Reed–Solomon rejected, with its doubtful codewords as erasures (`erasures`, on our own
//! errata decoder `reed_solomon`). Those internals change between rxing's patch releases, which
//! is why Cargo.toml pins rxing to the exact version they were written and tested against.

mod binarize;
mod clean_grid;
mod complete;
mod concentric;
mod erasures;
mod eyes;
mod finders;
mod fit;
mod format_info;
mod in_vain;
mod model1;
mod reed_solomon;

use rxing::Point;
use rxing::common::cpp_essentials::ConcentricPattern;
use rxing::common::{BitMatrix, DetectorRXingResult};
use rxing::qrcode::common::FORMAT_INFO_MASK_QR;
use rxing::qrcode::cpp_port::detector::{FinderPatternSet, GenerateFinderPatternSets, SampleQR};

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};

use image::GrayImage;

use super::{Found, Prepared, Threshold};
use crate::decode::geometry::Quad;
use crate::decode::leftovers::Known;
use crate::decode::{Ecc, Symbol, module_px};
use in_vain::InVain;

/// Reads every symbol in `image`, both polarities; corners are in `image`'s pixels. A
/// thresholded image is read as black and white (rxing's own threshold keeps a clean
/// black-and-white image as it is). `extras` says what the look does beyond rxing's detector.
pub(super) fn read(
    image: Prepared<'_>,
    threshold: Threshold,
    extras: Extras,
    pass: &'static str,
    known: &[Known],
    cancel: &AtomicBool,
) -> Found {
    let look = Look {
        threshold,
        also_inverted: true,
        extras,
    };
    match image {
        Prepared::Grey(grey) => look.read(&grey, pass, known, cancel),
        Prepared::Dark {
            width,
            height,
            dark,
        } => {
            // Already thresholded: the flags are the matrix (`binarize::from_flags`). The black
            // and white image is the grey levels the erasure re-read samples.
            let pixels = dark.iter().map(|&d| if d { 0 } else { 255 }).collect();
            let grey = GrayImage::from_raw(width as u32, height as u32, pixels);
            match (grey, binarize::from_flags(&dark, width, height)) {
                (Some(grey), Some(mut matrix)) => {
                    look.read_both_polarities(&grey, &mut matrix, None, pass, known, cancel)
                }
                // One flag per pixel always fits; nothing to read otherwise.
                _ => Found::default(),
            }
        }
    }
}

/// The largest look (in pixels) whose light-on-dark try gets the negative image's own hybrid
/// threshold (`binarize::hybrid_both`); larger ones flip the image's matrix, as zxing does. The
/// second threshold costs about as much as the first: for every look up to rxing's first-look
/// size (four megapixels) it added 7% to the decoding time of the BoofCV photographs and read
/// no code more there; up to a megapixel it adds 2 to 3%. That covers the images where light
/// modules on a mid-tone ground were read only by a later pass or not at all (exported cards,
/// the ZXing samples, crops around what a photo's first look left). A full phone screenshot
/// (2.6 megapixels) is over it: generated ones, white modules on a card of that colour on a
/// grey or coloured screen, were read by `rxing-pyramid` or `rxing-padded` in 4 to 9 ms. Packing
/// the threshold's comparisons with SSE2 (`pmovmskb`) made decoding only 0.5% faster: the
/// threshold's time is mostly its block statistics.
const NEGATIVE_MAX_PIXELS: usize = 1_000_000;

/// How one rxing look reads an image.
#[derive(Clone, Copy)]
struct Look {
    threshold: Threshold,
    /// Also the negative (light-on-dark codes).
    also_inverted: bool,
    extras: Extras,
}

/// What a look does beyond rxing's own detector.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Extras {
    /// Guess the third finder pattern of pairs left over (`complete`).
    pub complete_pairs: bool,
    /// Also take finder patterns by their eye alone (`eyes`): designed, thinned or broken outer
    /// rings.
    pub eyes: bool,
}

impl Look {
    fn read(
        self,
        image: &GrayImage,
        pass: &'static str,
        known: &[Known],
        cancel: &AtomicBool,
    ) -> Found {
        let (w, h) = (image.width() as usize, image.height() as usize);
        let matrices = match self.threshold {
            Threshold::Hybrid if self.also_inverted && w * h <= NEGATIVE_MAX_PIXELS => {
                binarize::hybrid_both(image.as_raw(), w, h)
                    .map(|[matrix, negative]| (matrix, Some(negative)))
            }
            Threshold::Hybrid => binarize::hybrid(image.as_raw(), w, h).map(|m| (m, None)),
            Threshold::Global => binarize::global(image.as_raw(), w, h).map(|m| (m, None)),
        };
        match matrices {
            Some((mut matrix, negative)) => {
                self.read_both_polarities(image, &mut matrix, negative, pass, known, cancel)
            }
            // Too little contrast for a threshold: zxing reads nothing there either.
            None => Found::default(),
        }
    }

    /// Reads `matrix`, then the light-on-dark try: `negative` where the threshold made one
    /// (`binarize::hybrid_both`), else `matrix` flipped: one threshold for the whole image, or
    /// a black-and-white image, has no flat blocks that flipping would turn; a look over
    /// `NEGATIVE_MAX_PIXELS` has, and accepts that.
    fn read_both_polarities(
        self,
        grey: &GrayImage,
        matrix: &mut BitMatrix,
        negative: Option<BitMatrix>,
        pass: &'static str,
        known: &[Known],
        cancel: &AtomicBool,
    ) -> Found {
        let mut found = Found::default();
        let levels = Levels {
            grey,
            inverted: false,
        };
        let runs = finders::RowRuns::of(matrix);
        read_matrix(
            matrix,
            &runs,
            levels,
            self.extras,
            pass,
            known,
            cancel,
            &mut found,
        );
        if self.also_inverted && !cancel.load(Ordering::Relaxed) {
            // The flipped matrix's rows are the same runs with the colours swapped.
            let runs = match negative {
                Some(negative) => {
                    *matrix = negative;
                    finders::RowRuns::of(matrix)
                }
                None => {
                    matrix.flip_self();
                    runs.flipped()
                }
            };
            let mut inverted = Found::default();
            read_matrix(
                matrix,
                &runs,
                Levels {
                    inverted: true,
                    ..levels
                },
                self.extras,
                pass,
                known,
                cancel,
                &mut inverted,
            );
            // An inverted matrix turns the quiet zone around a normal code into a dark frame, so
            // its leftovers (regions, stray finder patterns) there are noise; keep only symbols.
            found.symbols.extend(inverted.symbols);
        }
        found
    }
}

/// Samples and decodes every plausible finder-pattern triple of `matrix` (`runs`: its searched
/// rows' runs, `finders::RowRuns`). Each triple costs a grid sample and a Reed–Solomon attempt,
/// and a picture full of finder patterns has thousands: `cancel` is checked before each one.
// The runs travel beside their matrix because the light-on-dark try gets them flipped from the
// first try's, not walked again; bundling the two would only rename the argument list.
#[allow(clippy::too_many_arguments)]
fn read_matrix(
    matrix: &BitMatrix,
    runs: &finders::RowRuns,
    levels: Levels<'_>,
    extras: Extras,
    pass: &'static str,
    known: &[Known],
    cancel: &AtomicBool,
    found: &mut Found,
) {
    let mut patterns = finders::finder_patterns_in(matrix, runs);
    if extras.eyes {
        read_eyes(matrix, &patterns, pass, known, cancel, found);
        return;
    }
    let all_patterns = patterns.clone();
    let sets = GenerateFinderPatternSets(&mut patterns);
    let mut used = Vec::new();
    let mut in_vain = InVain::default();
    // The triples sampled, so that pairing the leftovers again does not sample them twice.
    let mut sampled = HashSet::new();
    // A pattern of a code already read, and the code whose it is.
    let owner = |p: &ConcentricPattern| known.iter().position(|k| k.owns_pattern([p.p.x, p.p.y]));
    for set in sets {
        if cancel.load(Ordering::Relaxed) {
            return;
        }
        if uses_any(&used, &set) {
            continue;
        }
        let owners = [set.bl, set.tl, set.tr].map(|p| owner(&p));
        if owners[0].is_some() && owners.iter().all(|o| *o == owners[0]) {
            used.extend([set.bl, set.tl, set.tr]);
            continue;
        }
        sampled.insert(triple_key(&set));
        read_set(
            matrix,
            levels,
            &set,
            pass,
            true,
            found,
            &mut used,
            &mut in_vain,
        );
    }
    // rxing pairs each pattern only with the first 15 it meets in a spiral of bins around it:
    // on a crowded sheet that misses the partners of some codes (a clean, 45°-turned code on a
    // sheet of 60 went unread with its three patterns found). The patterns left over are few,
    // so they are paired again, every triple.
    let leftover: Vec<ConcentricPattern> = all_patterns
        .iter()
        .filter(|p| !used.contains(*p) && owner(p).is_none())
        .take(MAX_LEFTOVER_PATTERNS)
        .copied()
        .collect();
    for set in every_plausible_set(&leftover) {
        if cancel.load(Ordering::Relaxed) {
            return;
        }
        // The same triple in the same roles samples the same grid, which did not decode.
        if !uses_any(&used, &set) && !sampled.contains(&triple_key(&set)) {
            read_set(
                matrix,
                levels,
                &set,
                pass,
                false,
                found,
                &mut used,
                &mut in_vain,
            );
        }
    }
    // Two patterns left of a code whose third is torn or covered: guess the third (see
    // `complete`).
    let unpaired: Vec<ConcentricPattern> = leftover
        .iter()
        .filter(|p| extras.complete_pairs && !used.contains(*p))
        .copied()
        .collect();
    for guess in complete::completed_sets(&unpaired) {
        if cancel.load(Ordering::Relaxed) {
            return;
        }
        if uses_any(&used, &guess.set) {
            continue;
        }
        read_completed(matrix, levels, &guess, pass, found, &mut used, &mut in_vain);
    }
    found.stray_finders.extend(
        all_patterns
            .iter()
            .filter(|p| !used.contains(*p))
            .map(|p| [p.p.x, p.p.y, p.size as f32]),
    );
}

/// The look that also takes finder patterns by their eye (`eyes`): every plausible triple with
/// at least one eye (the triples of whole patterns are the plain look's), sampled on the grid
/// its centres span (rxing's sampler traces the outer rings an eye-only pattern may lack), at
/// the module count their distances give and four either side, where both timing lines show.
/// Only decoded symbols are kept: a triple with an eye that does not decode is no evidence of a
/// code.
fn read_eyes(
    matrix: &BitMatrix,
    patterns: &[ConcentricPattern],
    pass: &'static str,
    known: &[Known],
    cancel: &AtomicBool,
    found: &mut Found,
) {
    let eyes = eyes::eye_patterns(matrix, patterns);
    if eyes.is_empty() {
        return;
    }
    let owned = |p: &ConcentricPattern| known.iter().any(|k| k.owns_pattern([p.p.x, p.p.y]));
    let candidates: Vec<ConcentricPattern> = patterns
        .iter()
        .chain(&eyes)
        .filter(|p| !owned(p))
        .take(MAX_LEFTOVER_PATTERNS)
        .copied()
        .collect();
    let mut used = Vec::new();
    for set in every_plausible_set(&candidates) {
        if cancel.load(Ordering::Relaxed) {
            return;
        }
        let with_an_eye = [set.bl, set.tl, set.tr].iter().any(|p| eyes.contains(p));
        if !with_an_eye || uses_any(&used, &set) || !square_enough(&set) {
            continue;
        }
        let estimate = estimated_modules(&set);
        for modules in [estimate, estimate + 4, estimate.saturating_sub(4)] {
            if !shows_both_timing_lines(matrix, &set, modules) {
                continue;
            }
            let Some((grid, corners)) = sample_from_centres(matrix, &set, modules) else {
                continue;
            };
            if let Some(result) = clean_grid::decode(&grid).ok().filter(|r| r.isValid()) {
                used.extend([set.bl, set.tl, set.tr]);
                found.symbols.push(symbol(&result, &grid, corners, pass));
                break;
            }
        }
    }
}

/// Samples and decodes a triple of which one pattern was guessed (`complete`), at each of its
/// module counts; the two real patterns are used when it decodes. Nothing is kept when it does
/// not: a wrong guess is no evidence of a code.
fn read_completed(
    matrix: &BitMatrix,
    levels: Levels<'_>,
    guess: &complete::Completed,
    pass: &'static str,
    found: &mut Found,
    used: &mut Vec<ConcentricPattern>,
    in_vain: &mut InVain,
) {
    let mut rejected = Vec::new();
    for &modules in &guess.modules {
        let Some((grid, corners)) = sample_from_centres(matrix, &guess.set, modules) else {
            continue;
        };
        // Most guesses are wrong: a look at the timing pattern spares them Reed–Solomon.
        if !complete::shows_timing_pattern(&grid) {
            continue;
        }
        if let Some(result) = clean_grid::decode(&grid).ok().filter(|r| r.isValid()) {
            used.extend([guess.set.bl, guess.set.tl, guess.set.tr]);
            found.symbols.push(symbol(&result, &grid, corners, pass));
            return;
        }
        rejected.push((grid, corners));
    }
    // As for a grid of three patterns found (`read_set`): fitted to its function patterns (the
    // guessed pattern's place is only as good as the two real ones' size), then the least sure
    // codewords erased.
    for (grid, corners) in &rejected {
        let n = grid.getWidth();
        if in_vain.holds(corners, n) {
            continue;
        }
        // The centre-sampled grid's corners are already the symbol's, in cyclic order.
        if let Some(read) = read_fitted(matrix, levels, *corners, n, |c| c, pass) {
            used.extend([guess.set.bl, guess.set.tl, guess.set.tr]);
            found.symbols.push(read);
            return;
        }
        if let Some(read) = levels.repair(grid, *corners, *corners, pass) {
            used.extend([guess.set.bl, guess.set.tl, guess.set.tr]);
            found.symbols.push(read);
            return;
        }
        in_vain.add(*corners, n);
    }
}

/// At most this many leftover finder patterns are paired exhaustively (the cost is cubic: 48
/// give 17 296 triples, most rejected by their geometry before any sampling).
const MAX_LEFTOVER_PATTERNS: usize = 48;

/// A triple by its patterns in their roles (bottom-left, top-left, top-right): centre bits and
/// size of each.
fn triple_key(set: &FinderPatternSet) -> [(u32, u32, i32); 3] {
    [set.bl, set.tl, set.tr].map(|p| (p.p.x.to_bits(), p.p.y.to_bits(), p.size))
}

fn uses_any(used: &[ConcentricPattern], set: &FinderPatternSet) -> bool {
    used.contains(&set.bl) || used.contains(&set.tl) || used.contains(&set.tr)
}

/// Samples and decodes the grid of one finder-pattern triple; a decoded symbol marks its
/// patterns used. `report_undecoded` keeps the grid as a leftover when it does not decode. A
/// grid this look already fitted and re-read in vain (`in_vain`) is not fitted and re-read
/// again.
#[allow(clippy::too_many_arguments)]
fn read_set(
    matrix: &BitMatrix,
    levels: Levels<'_>,
    set: &FinderPatternSet,
    pass: &'static str,
    report_undecoded: bool,
    found: &mut Found,
    used: &mut Vec<ConcentricPattern>,
    in_vain: &mut InVain,
) {
    let Ok(detected) = SampleQR(matrix, set) else {
        return;
    };
    let points = detected.getPoints();
    if points.len() < 4 {
        return;
    }
    let corners = cyclic(std::array::from_fn(|i| [points[i].x, points[i].y]));
    let bits = detected.getBits();
    if let Some(result) = clean_grid::decode(bits).ok().filter(|r| r.isValid()) {
        used.extend([set.bl, set.tl, set.tr]);
        found.symbols.push(symbol(&result, bits, corners, pass));
        return;
    }
    // A Model 1 symbol of several blocks, which rxing de-interleaves as Model 2 (see model1.rs).
    if let Some(reordered) = model1::reorder_blocks(bits)
        && let Some(result) = clean_grid::decode(&reordered).ok().filter(|r| r.isValid())
    {
        used.extend([set.bl, set.tl, set.tr]);
        found.symbols.push(symbol(&result, bits, corners, pass));
        return;
    }
    // rxing's sampler fits the grid to the corners of the patterns, which on small codes
    // turned by about 45° it misplaces: retry on the grid spanned by the pattern centres.
    if read_from_centres(matrix, set, bits.getWidth(), pass, found, used) {
        return;
    }
    // rxing's points are top-left, top-right, bottom-left, bottom-right of the grid, half a
    // pixel beyond the transform's coordinates; the outline is in module order without it.
    let outline = [0, 1, 3, 2].map(|i| [points[i].x - 0.5, points[i].y - 0.5]);
    // The grid may sit a fraction of a module off (a curled label, an embossed or blurred
    // print): moved to where the function patterns match best, it is read again. Reported, like
    // rxing's points, half a pixel beyond the outline and in cyclic order.
    let to_corners =
        |f: [[f32; 2]; 4]| cyclic([0, 1, 3, 2].map(|i| [f[i][0] + 0.5, f[i][1] + 0.5]));
    let n = bits.getWidth();
    if !in_vain.holds(&corners, n) {
        if let Some(read) = read_fitted(matrix, levels, outline, n, to_corners, pass) {
            used.extend([set.bl, set.tl, set.tr]);
            found.symbols.push(read);
            return;
        }
        // Reed–Solomon rejected every grid: once more with the least sure codewords as erasures.
        if let Some(read) = levels.repair(bits, outline, corners, pass) {
            used.extend([set.bl, set.tl, set.tr]);
            found.symbols.push(read);
            return;
        }
        in_vain.add(corners, n);
    }
    if report_undecoded {
        found.undecoded_regions.push(Quad(corners));
    }
}

/// The `n`-wide grid at `outline` (module order, pixels) fitted to its function patterns
/// (`fit`), then decoded as sampled and, failing that, with erasures; reported at
/// `to_corners(fitted outline)`. `None` when the grid is not worth fitting or neither reading
/// decodes.
fn read_fitted(
    matrix: &BitMatrix,
    levels: Levels<'_>,
    outline: [[f32; 2]; 4],
    n: u32,
    to_corners: impl Fn([[f32; 2]; 4]) -> [[f32; 2]; 4],
    pass: &'static str,
) -> Option<Symbol> {
    let fitted = fit::fit(matrix, outline, n)?;
    let grid = fit::sample(matrix, &fitted, n)?;
    let corners = to_corners(fitted);
    match clean_grid::decode(&grid).ok().filter(|r| r.isValid()) {
        Some(result) => Some(symbol(&result, &grid, corners, pass)),
        None => levels.repair(&grid, fitted, corners, pass),
    }
}

/// Reads the grid spanned by the centres of `set` at `modules` and four modules either side,
/// keeping the first that decodes; whether one did.
fn read_from_centres(
    matrix: &BitMatrix,
    set: &FinderPatternSet,
    modules: u32,
    pass: &'static str,
    found: &mut Found,
    used: &mut Vec<ConcentricPattern>,
) -> bool {
    for modules in [modules, modules + 4, modules.saturating_sub(4)] {
        let Some((grid, grid_corners)) = sample_from_centres(matrix, set, modules) else {
            continue;
        };
        // At the wrong module count the grid is noise: the timing pattern tells, for a
        // fraction of Reed–Solomon's cost (`complete::shows_timing_pattern`).
        if !complete::shows_timing_pattern(&grid) {
            continue;
        }
        if let Some(result) = clean_grid::decode(&grid).ok().filter(|r| r.isValid()) {
            used.extend([set.bl, set.tl, set.tr]);
            found
                .symbols
                .push(symbol(&result, &grid, grid_corners, pass));
            return true;
        }
    }
    false
}

/// Whether a triple is close to a square's corner: sides within a factor of 1.5 and the corner
/// between 70° and 110°. Tighter than `every_plausible_set` (a factor of 2, 60°–120°, for the
/// patterns rxing found whole): a photo's texture has many eyes, and their triples cost a
/// look at the timing lines each; a designed code is printed flat enough for these bounds.
fn square_enough(set: &FinderPatternSet) -> bool {
    let (tl, tr, bl) = (set.tl.p, set.tr.p, set.bl.p);
    let (ax, ay, cx, cy) = (tr.x - tl.x, tr.y - tl.y, bl.x - tl.x, bl.y - tl.y);
    let (a, c) = (ax.hypot(ay), cx.hypot(cy));
    a > 0.0
        && c > 0.0
        && a <= 1.5 * c
        && c <= 1.5 * a
        && ((ax * cx + ay * cy) / (a * c)).abs() <= 0.35
}

/// The module count (4k + 1) that the distances between the centres of `set` and the size of
/// its patterns (7 modules each) give.
fn estimated_modules(set: &FinderPatternSet) -> u32 {
    let module = (set.tl.size + set.tr.size + set.bl.size) as f32 / 21.0;
    let across = Point::distance(set.tl.p, set.tr.p);
    let down = Point::distance(set.tl.p, set.bl.p);
    let modules = (across + down) / 2.0 / module.max(1.0) + 7.0;
    // The nearest 4k + 1 (21 for version 1, 25 for version 2…).
    ((modules - 1.0) / 4.0).round().max(5.0) as u32 * 4 + 1
}

/// The grey levels a matrix was thresholded from, for a second look at a grid that did not
/// decode (`erasures`). For a pass that hands rxing a thresholded bitmap, the black-and-white
/// image made from it: its levels still tell a module's centre from its edge.
#[derive(Clone, Copy)]
struct Levels<'a> {
    grey: &'a GrayImage,
    /// The matrix was inverted (light-on-dark try): dark modules are the light ones in `grey`.
    inverted: bool,
}

impl Levels<'_> {
    /// The symbol `bits` is, read with erasures (`read_with_erasures`), reported at `corners`.
    /// Fragile: read only from the re-read grid, which a phone, decoding the grid as sampled
    /// with errors-only correction, does not do.
    fn repair(
        self,
        bits: &BitMatrix,
        outline: [[f32; 2]; 4],
        corners: [[f32; 2]; 4],
        pass: &'static str,
    ) -> Option<Symbol> {
        let (result, erased) = self.read_with_erasures(bits, outline)?;
        Some(Symbol {
            fragile: true,
            erasures: Some(erased),
            ..symbol(&result, bits, corners, pass)
        })
    }

    /// `bits` decoded with its least sure codewords erased, with how many were; `outline` is
    /// the grid's corners in module order ((0,0), (n,0), (n,n), (0,n)), in pixels where pixel
    /// (i, j) covers [i, i + 1) × [j, j + 1).
    fn read_with_erasures(
        self,
        bits: &BitMatrix,
        outline: [[f32; 2]; 4],
    ) -> Option<(rxing::common::cpp_essentials::DecoderResult<bool>, u32)> {
        // Most grids that fail are no symbol at all (a triple of stray patterns, a guessed third
        // pattern in the wrong place), and not worth the grey levels. Their format information
        // is noise, which comes within the BCH code's 3 bits of a valid word in nearly every
        // grid but within one bit in about 6 in 100: a grid whose data erasures can save has
        // its format area, beside the finder patterns, intact (on ../shared/corpus every
        // symbol read with erasures had no format bit wrong).
        format_info::closest_either_way(bits).filter(|(format, _)| format.hammingDistance <= 1)?;
        let reread = |aligned| erasures::reread(self.grey, outline, bits, self.inverted, aligned);
        // Sampled where the corners put each module first; then where its part of the grid is
        // sharpest (a curved or crumpled print).
        erasures::decode(&reread(false)?).or_else(|| erasures::decode(&reread(true)?))
    }
}

/// The grid of a `modules`-wide symbol whose finder-pattern centres are `set`, sampled on the
/// affine map those centres define (module centre (3.5, 3.5) at the top-left pattern, and so
/// on), with its four corners in image pixels.
fn sample_from_centres(
    matrix: &BitMatrix,
    set: &FinderPatternSet,
    modules: u32,
) -> Option<(BitMatrix, [[f32; 2]; 4])> {
    let at = centre_map(set, modules)?;
    let mut grid = BitMatrix::new(modules, modules).ok()?;
    for v in 0..modules {
        for u in 0..modules {
            if dark_at(matrix, at(u as f32 + 0.5, v as f32 + 0.5))? {
                grid.set(u, v);
            }
        }
    }
    let n = modules as f32;
    Some((grid, [at(0.0, 0.0), at(n, 0.0), at(n, n), at(0.0, n)]))
}

/// The image position of module coordinates (u, v) (in modules from the symbol's corner) of a
/// `modules`-wide symbol whose finder-pattern centres are `set`: the affine map those centres
/// define (module centre (3.5, 3.5) at the top-left pattern, and so on). `None` for a module
/// count no QR symbol has.
fn centre_map(set: &FinderPatternSet, modules: u32) -> Option<impl Fn(f32, f32) -> [f32; 2]> {
    if !(21..=177).contains(&modules) || modules % 4 != 1 {
        return None;
    }
    let span = modules as f32 - 7.0;
    let (tl, tr, bl) = (set.tl.p, set.tr.p, set.bl.p);
    Some(move |u: f32, v: f32| {
        let (du, dv) = ((u - 3.5) / span, (v - 3.5) / span);
        [
            tl.x + (tr.x - tl.x) * du + (bl.x - tl.x) * dv,
            tl.y + (tr.y - tl.y) * du + (bl.y - tl.y) * dv,
        ]
    })
}

/// Whether the matrix is dark at image point `p`; `None` outside it.
fn dark_at(matrix: &BitMatrix, [x, y]: [f32; 2]) -> Option<bool> {
    (x >= 0.0 && y >= 0.0 && x < matrix.getWidth() as f32 && y < matrix.getHeight() as f32)
        .then(|| matrix.get(x as u32, y as u32))
}

/// Whether both timing lines of the `modules`-wide grid spanned by the centres of `set` (row
/// and column 6, between the separators) alternate as they should, at most 30% of each wrong,
/// sampled alone: a look at 2(n − 16) modules before sampling n² for a triple of patterns found
/// by their eyes, most of which are no code's.
fn shows_both_timing_lines(matrix: &BitMatrix, set: &FinderPatternSet, modules: u32) -> bool {
    let Some(at) = centre_map(set, modules) else {
        return false;
    };
    let line = 8..modules - 8;
    let allowed = line.len() * 3 / 10;
    // Counted until one too many is wrong: most triples are noise, and give up early.
    let alternates = |module: &dyn Fn(u32) -> [f32; 2]| {
        let mut wrong = 0;
        line.clone().all(|i| {
            wrong += usize::from(dark_at(matrix, module(i)) != Some(i % 2 == 0));
            wrong <= allowed
        })
    };
    alternates(&|i| at(i as f32 + 0.5, 6.5)) && alternates(&|i| at(6.5, i as f32 + 0.5))
}

/// The symbol for a decoded grid.
fn symbol(
    result: &rxing::common::cpp_essentials::DecoderResult<bool>,
    bits: &BitMatrix,
    corners: [[f32; 2]; 4],
    pass: &'static str,
) -> Symbol {
    let modules = bits.getWidth();
    let text = result.text();
    // The payload bytes before any character set was applied (byte-mode segments as they
    // are), so that a non-UTF-8 payload keeps its exact bytes.
    let payload_bytes = result.content().bytes().to_vec();
    let version = result.versionNumber();
    Symbol {
        // The decoded text, character set and ECI applied: what a phone shows.
        text: Some(text.clone()),
        bytes: if payload_bytes.is_empty() {
            text.into_bytes()
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
        mask: read_mask(bits, result.isMirrored()),
        corners,
        modules,
        module_px: module_px(&corners, modules),
        pass,
        fragile: false,
        erasures: None,
        quiet_zone_modules: None,
    }
}

/// Every triple of `patterns` that could be the finder patterns of one QR symbol, most
/// plausible first, oriented as bottom-left, top-left, top-right: sizes within a factor of two,
/// the corner between 60° and 120°, the two sides within a factor of two, and a module count
/// (from the pattern size, 7 modules) between 21 and 177 with some slack for perspective.
fn every_plausible_set(patterns: &[ConcentricPattern]) -> Vec<FinderPatternSet> {
    let distance = |a: &ConcentricPattern, b: &ConcentricPattern| {
        f64::from((a.p.x - b.p.x).hypot(a.p.y - b.p.y))
    };
    let mut sets: Vec<(f64, FinderPatternSet)> = Vec::new();
    for (i, first) in patterns.iter().enumerate() {
        for (j, second) in patterns.iter().enumerate().skip(i + 1) {
            for third in patterns.iter().skip(j + 1) {
                let sizes = [first.size, second.size, third.size];
                let (smallest, largest) = (
                    sizes.iter().copied().min().unwrap_or(0),
                    sizes.iter().copied().max().unwrap_or(0),
                );
                if smallest <= 0 || largest > 2 * smallest {
                    continue;
                }
                // The corner (top-left) is opposite the longest side.
                let (d12, d13, d23) = (
                    distance(first, second),
                    distance(first, third),
                    distance(second, third),
                );
                let (mut a, corner, mut c, side_a, side_c) = if d23 >= d12 && d23 >= d13 {
                    (second, first, third, d12, d13)
                } else if d13 >= d12 && d13 >= d23 {
                    (first, second, third, d12, d23)
                } else {
                    (first, third, second, d13, d23)
                };
                if side_a > 2.0 * side_c || side_c > 2.0 * side_a {
                    continue;
                }
                let module = f64::from(sizes.iter().sum::<i32>()) / 3.0 / 7.0;
                let module_count = (side_a + side_c) / 2.0 / module + 7.0;
                if !(21.0 * 0.9..=177.0 * 1.5).contains(&module_count) {
                    continue;
                }
                let (ax, ay) = (f64::from(a.p.x - corner.p.x), f64::from(a.p.y - corner.p.y));
                let (cx, cy) = (f64::from(c.p.x - corner.p.x), f64::from(c.p.y - corner.p.y));
                let cosine = (ax * cx + ay * cy) / (side_a * side_c);
                if !(-0.5..=0.5).contains(&cosine) {
                    continue;
                }
                // Bottom-left and top-right by the turn from one to the other.
                if cx * ay - ax * cy < 0.0 {
                    std::mem::swap(&mut a, &mut c);
                }
                let score = side_a + side_c + (side_a - side_c).abs();
                sets.push((
                    score,
                    FinderPatternSet {
                        bl: *a,
                        tl: *corner,
                        tr: *c,
                    },
                ));
            }
        }
    }
    sets.sort_by(|x, y| x.0.total_cmp(&y.0));
    sets.into_iter().map(|(_, set)| set).collect()
}

/// The data mask of a sampled symbol, read from its format information (ISO/IEC 18004 §7.9):
/// rxing decodes with it but does not report it. Both copies of the 15 format bits are compared
/// with the 32 valid Model 2 words, and the closest within 3 bit errors wins.
fn read_mask(bits: &BitMatrix, mirrored: bool) -> Option<u8> {
    format_info::closest(bits, mirrored, &[FORMAT_INFO_MASK_QR]).map(|f| (f.data & 7) as u8)
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
    use rxing::qrcode::cpp_port::decoder::Decode;

    /// Runs rxing's QR reader on `image` (both polarities when `also_inverted`); corners are in
    /// `image`'s pixels. Finder-pattern triples of a `known` code (already read, in `image`'s
    /// pixels) are not sampled again: they count as used, as if read again.
    fn rxing_symbols(
        image: &GrayImage,
        threshold: Threshold,
        also_inverted: bool,
        pass: &'static str,
        known: &[Known],
        cancel: &AtomicBool,
    ) -> Found {
        let look = Look {
            threshold,
            also_inverted,
            extras: Extras::default(),
        };
        look.read(image, pass, known, cancel)
    }

    #[test]
    fn points_are_put_in_cyclic_order() {
        let (tl, tr, br, bl) = ([0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]);
        assert_eq!(cyclic([tl, tr, bl, br]), [tl, tr, br, bl]);
        assert_eq!(cyclic([tl, tr, br, bl]), [tl, tr, br, bl]);
        // Mirrored codes run the other way round.
        assert_eq!(cyclic([tl, bl, br, tr]), [tl, bl, br, tr]);
    }

    fn pattern(x: f32, y: f32, size: i32) -> ConcentricPattern {
        ConcentricPattern {
            p: rxing::Point::new(x, y),
            size,
        }
    }

    /// A code's three patterns give one set, oriented whichever order they come in; a line of
    /// patterns, or patterns of very different sizes, give none.
    #[test]
    fn leftover_patterns_are_paired_by_geometry() {
        let (tl, tr, bl) = (
            pattern(100.0, 100.0, 35),
            pattern(170.0, 100.0, 35),
            pattern(100.0, 170.0, 35),
        );
        for order in [[tl, tr, bl], [bl, tl, tr], [tr, bl, tl]] {
            let sets = every_plausible_set(&order);
            assert_eq!(sets.len(), 1);
            assert_eq!((sets[0].tl, sets[0].tr, sets[0].bl), (tl, tr, bl));
        }
        let line = [tl, tr, pattern(240.0, 100.0, 35)];
        assert!(every_plausible_set(&line).is_empty());
        let mismatched = [tl, tr, pattern(100.0, 170.0, 80)];
        assert!(every_plausible_set(&mismatched).is_empty());
    }

    /// A small code turned 45° is read from the grid its pattern centres span.
    #[test]
    fn grid_is_sampled_from_pattern_centres() {
        let code = qrcode::QrCode::new(b"turned").expect("encodes");
        let modules = code.width() as u32;
        let colors = code.to_colors();
        let (module_px, side) = (6.0f32, 300u32);
        let (sin, cos) = std::f32::consts::FRAC_PI_4.sin_cos();
        let centre = side as f32 / 2.0;
        // Module coordinates (u, v) to image pixels: scaled, turned 45° about the centre.
        let to_image = |u: f32, v: f32| {
            let (dx, dy) = (
                (u - modules as f32 / 2.0) * module_px,
                (v - modules as f32 / 2.0) * module_px,
            );
            (centre + cos * dx - sin * dy, centre + sin * dx + cos * dy)
        };
        let mut matrix = BitMatrix::new(side, side).expect("matrix");
        for y in 0..side {
            for x in 0..side {
                let (dx, dy) = (x as f32 + 0.5 - centre, y as f32 + 0.5 - centre);
                let u = (cos * dx + sin * dy) / module_px + modules as f32 / 2.0;
                let v = (-sin * dx + cos * dy) / module_px + modules as f32 / 2.0;
                if u >= 0.0 && v >= 0.0 && u < modules as f32 && v < modules as f32 {
                    let index = v as usize * modules as usize + u as usize;
                    if colors[index] == qrcode::Color::Dark {
                        matrix.set(x, y);
                    }
                }
            }
        }
        let at = |u: f32, v: f32| {
            let (x, y) = to_image(u, v);
            pattern(x, y, 42)
        };
        let far = modules as f32 - 3.5;
        let set = FinderPatternSet {
            tl: at(3.5, 3.5),
            tr: at(far, 3.5),
            bl: at(3.5, far),
        };
        let (grid, corners) = sample_from_centres(&matrix, &set, modules).expect("inside");
        let result = Decode(&grid).expect("decodes");
        assert_eq!(result.text(), "turned");
        let (x, y) = to_image(0.0, 0.0);
        assert!((corners[0][0] - x).abs() < 1.0 && (corners[0][1] - y).abs() < 1.0);
        // A module count that is not 4k + 1 is no QR symbol.
        assert!(sample_from_centres(&matrix, &set, modules + 1).is_none());
    }

    /// Codes already read are not sampled again, and leave no stray patterns or grids behind;
    /// the other codes of the sheet are still read.
    #[test]
    fn known_codes_are_not_read_again() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let image = image::open(root.join("testdata/sheets/four-codes.png"))
            .expect("testdata image")
            .to_luma8();
        let first = rxing_symbols(
            &image,
            Threshold::Hybrid,
            true,
            "test",
            &[],
            &AtomicBool::new(false),
        );
        assert_eq!(first.symbols.len(), 4);
        let known: Vec<Known> = first.symbols[..2]
            .iter()
            .map(|s| Known {
                corners: Quad(s.corners),
                module_px: s.module_px,
            })
            .collect();
        let again = rxing_symbols(
            &image,
            Threshold::Hybrid,
            true,
            "test",
            &known,
            &AtomicBool::new(false),
        );
        let texts = |found: &Found| -> Vec<Option<String>> {
            found.symbols.iter().map(|s| s.text.clone()).collect()
        };
        assert_eq!(texts(&again), texts(&first)[2..]);
        assert!(again.undecoded_regions.is_empty());
        assert_eq!(again.stray_finders.len(), first.stray_finders.len());
    }

    /// Once cancelled (the image's time budget ran out), a read tries no further finder-pattern
    /// triple: the detached decode thread stops instead of sampling the rest of the sheet.
    #[test]
    fn a_cancelled_read_tries_no_candidate() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let image = image::open(root.join("testdata/sheets/four-codes.png"))
            .expect("testdata image")
            .to_luma8();
        let cancelled = AtomicBool::new(true);
        let found = rxing_symbols(&image, Threshold::Hybrid, true, "test", &[], &cancelled);
        assert!(found.symbols.is_empty());
        assert!(found.undecoded_regions.is_empty());
        assert!(found.stray_finders.is_empty());
        // The same read, not cancelled, finds the four codes: the test image is not the reason.
        let running = AtomicBool::new(false);
        let found = rxing_symbols(&image, Threshold::Hybrid, true, "test", &[], &running);
        assert_eq!(found.symbols.len(), 4);
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
            let ours = rxing_symbols(
                &image,
                Threshold::Hybrid,
                false,
                "test",
                &[],
                &AtomicBool::new(false),
            )
            .symbols;
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
