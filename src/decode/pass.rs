//! Running one pass: preparing the copy of the image its engine looks at, reading it, and
//! bringing what was found back to the image's pixels.
//!
//! A pass looks at the image box-downscaled by its `factor` (the copies are shared between
//! passes, see `Run` in mod.rs), then prepared (`Prep`): as it is, its negative, a Sauvola
//! threshold, a padded 2× upscale, a contrast stretch with unsharp masking, a light border (after
//! cutting off a dark frame, or not), overlapping tiles, or a copy stretched along one axis.
//! Every point an engine reports is in the prepared copy's pixels; `Frame` maps it back (and maps
//! the codes already read there, for the engine to skip). The whole pass runs isolated: a panic
//! in an engine becomes an error of this pass only.
//!
//! The Sauvola threshold and the padded copy are each looked at by both engines (rxing's and
//! rqrr's rescue passes): they are made once per image (or crop) and factor and kept for the
//! image's later passes (`SharedCopies`), so that the second engine does not threshold or pad
//! the same pixels again.

use std::borrow::Cow;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use image::GrayImage;

use super::engine::{Engine, Found, Prepared};
use super::filters;
use super::isolate::isolated;
use super::leftovers::Known;
use super::module_px;
use super::plan::Pass;

/// How the image is prepared for the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Prep {
    /// As it is (box-downscaled by `factor`).
    Plain,
    /// The negative.
    Inverted,
    /// A Sauvola threshold.
    Binarized,
    /// Padded (see `Padded`), then a 2× upscale: bilinear when `smooth`, else pixel
    /// replication.
    Upscaled { smooth: bool },
    /// Contrast stretch and unsharp mask.
    Enhanced,
    /// A light border added around the image (codes cropped without a quiet zone).
    Padded,
    /// Overlapping tiles of at most `TILE` pixels a side, each read on its own.
    Tiled,
    /// Cut to the box inside a dark frame (`filters::inside_dark_frame`), then given a light
    /// border: a code on a dark ground without a quiet zone.
    Trimmed,
    /// Stretched by √2 along `Axis` and shrunk by √2 across it (the same number of pixels): a
    /// code photographed at a steep angle is foreshortened, its modules two to four times as
    /// long one way as the other, and neither engine's finder-pattern test accepts a pattern
    /// that far from square (see `plan.rs`).
    Stretched(Axis),
}

/// The axis an image is stretched along.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Axis {
    /// Wider: a code foreshortened left to right (a poster seen from the side).
    Across,
    /// Taller: a code foreshortened top to bottom (a poster seen from below).
    Down,
}

impl Axis {
    /// The scale factors (x, y) of the stretched copy.
    fn scales(self) -> [f32; 2] {
        match self {
            Axis::Across => [std::f32::consts::SQRT_2, std::f32::consts::FRAC_1_SQRT_2],
            Axis::Down => [std::f32::consts::FRAC_1_SQRT_2, std::f32::consts::SQRT_2],
        }
    }
}

/// Where the prepared copy's pixels lie in the image: prepared-image point p is image point
/// (p / up - pad) * factor, with `up` and `pad` per axis (x, y).
#[derive(Debug, Clone, Copy)]
struct Frame {
    factor: f32,
    pad: [f32; 2],
    up: [f32; 2],
}

impl Frame {
    /// The mean scale of the copy against the image, for lengths in no particular direction.
    fn mean_up(&self) -> f32 {
        (self.up[0] * self.up[1]).sqrt()
    }

    /// A code already read, from the image's pixels to the prepared copy's.
    fn known_to_prepared(&self, known: &Known) -> Known {
        let Frame { factor, pad, up } = *self;
        Known {
            corners: known.corners.map(|c| {
                [
                    (c[0] / factor + pad[0]) * up[0],
                    (c[1] / factor + pad[1]) * up[1],
                ]
            }),
            module_px: known.module_px / factor * self.mean_up(),
        }
    }

    /// What the engine found, from the prepared copy's pixels to the image's.
    fn found_to_image(&self, mut found: Found) -> Found {
        let Frame { factor, pad, up } = *self;
        let mean_up = self.mean_up();
        let map = |c: [f32; 2]| {
            [
                (c[0] / up[0] - pad[0]) * factor,
                (c[1] / up[1] - pad[1]) * factor,
            ]
        };
        for symbol in &mut found.symbols {
            symbol.corners = symbol.corners.map(map);
            if up[0] == up[1] {
                symbol.module_px *= factor / mean_up;
            } else {
                // The engine's module was measured on a stretched copy: measure the image's.
                symbol.module_px = module_px(&symbol.corners, symbol.modules);
            }
        }
        for region in &mut found.undecoded_regions {
            *region = region.map(map);
        }
        for finder in &mut found.stray_finders {
            let [x, y] = map([finder[0], finder[1]]);
            *finder = [x, y, finder[2] * factor / mean_up];
        }
        found
    }
}

/// A prepared copy that owns its pixels, kept for the next pass that asks for the same one.
pub(super) struct SharedCopy {
    factor: u32,
    prep: Prep,
    image: Prepared<'static>,
    frame: Frame,
}

impl SharedCopy {
    /// Whether this is the copy made with `prep` at `factor`.
    fn is_for(&self, factor: u32, prep: Prep) -> bool {
        self.factor == factor && self.prep == prep
    }
}

/// The prepared copies of one image (or crop) that more than one pass looks at. A pass run
/// ahead on another core (`ahead.rs`) is handed the one copy it needs, if made already, and its
/// own copies join the image's afterwards (`adopt`).
#[derive(Default, Clone)]
pub(super) struct SharedCopies(Vec<Arc<SharedCopy>>);

impl SharedCopies {
    /// Whether passes share copies made with `prep` (the others are made for one pass and
    /// dropped after it: keeping them would only hold memory).
    fn shared(prep: Prep) -> bool {
        matches!(prep, Prep::Binarized | Prep::Padded)
    }

    /// The copies made already that `passes` look at.
    pub(super) fn for_passes(&self, passes: &[Pass]) -> SharedCopies {
        SharedCopies(
            self.0
                .iter()
                .filter(|c| passes.iter().any(|p| c.is_for(p.factor, p.prep)))
                .cloned()
                .collect(),
        )
    }

    /// Keeps the copies of `other` that are not here yet.
    pub(super) fn adopt(&mut self, other: SharedCopies) {
        for copy in other.0 {
            if !self.0.iter().any(|c| c.is_for(copy.factor, copy.prep)) {
                self.0.push(copy);
            }
        }
    }
}

impl Pass {
    /// Whether the pass has anything to add on `base` (the image already box-downscaled by
    /// `self.factor`): a contrast stretch has not where the image already spans the grey scale
    /// (`filters::is_faint`), nor a trim where there is no dark frame to cut. A pass that does
    /// not apply is not run and not counted.
    pub(super) fn applies_to(&self, base: &GrayImage) -> bool {
        match self.prep {
            Prep::Enhanced => filters::is_faint(base),
            Prep::Trimmed => filters::inside_dark_frame(base).is_some(),
            _ => true,
        }
    }

    /// Runs the pass on `base`, the image already box-downscaled by `self.factor`; `known` are
    /// the codes already read (in `base`'s pixels scaled back by the factor, i.e. the image's),
    /// which the engine need not read again; `shared` keeps the copies that other passes over
    /// the same `base` also look at. `Err` carries the message of a decoder panic (the copy is
    /// then not kept).
    pub(super) fn run(
        self,
        base: &GrayImage,
        known: &[Known],
        shared: &mut SharedCopies,
        cancel: &AtomicBool,
    ) -> Result<Found, String> {
        let name = self.name;
        if self.prep == Prep::Tiled {
            return isolated(|| tiled(base, self.engine, name, cancel));
        }
        let read = |prepared: Prepared<'_>, frame: Frame| {
            let known: Vec<Known> = known.iter().map(|k| frame.known_to_prepared(k)).collect();
            frame.found_to_image(self.engine.read(prepared, name, &known, cancel))
        };
        if !SharedCopies::shared(self.prep) {
            return isolated(|| {
                let (prepared, frame) = prepare(base, self.prep, self.factor);
                read(prepared, frame)
            });
        }
        let kept = shared
            .0
            .iter()
            .position(|c| c.is_for(self.factor, self.prep));
        let index = match kept {
            Some(index) => index,
            None => {
                let copy = isolated(|| {
                    let (prepared, frame) = prepare(base, self.prep, self.factor);
                    SharedCopy {
                        factor: self.factor,
                        prep: self.prep,
                        image: prepared.into_owned(),
                        frame,
                    }
                })?;
                shared.0.push(Arc::new(copy));
                shared.0.len() - 1
            }
        };
        let copy = &shared.0[index];
        isolated(|| read(copy.image.view(), copy.frame))
    }
}

/// The copy of `base` that `prep` asks for, and where its pixels lie in the image.
fn prepare(base: &GrayImage, prep: Prep, factor: u32) -> (Prepared<'_>, Frame) {
    let mut frame = Frame {
        factor: factor as f32,
        pad: [0.0, 0.0],
        up: [1.0, 1.0],
    };
    let prepared = match prep {
        Prep::Plain | Prep::Tiled => Prepared::Grey(Cow::Borrowed(base)),
        Prep::Inverted => {
            let mut work = base.clone();
            image::imageops::invert(&mut work);
            Prepared::Grey(Cow::Owned(work))
        }
        Prep::Binarized => {
            let (width, height) = (base.width() as usize, base.height() as usize);
            let radius = (width.min(height) as u32 / 16).clamp(8, 64);
            Prepared::Dark {
                width,
                height,
                dark: Cow::Owned(filters::sauvola(base, radius, 0.05)),
            }
        }
        Prep::Upscaled { smooth } => {
            // Small images are often tight crops too: pad first.
            let (padded, border) = filters::pad(base);
            frame.pad = [border as f32; 2];
            frame.up = [2.0, 2.0];
            Prepared::Grey(Cow::Owned(filters::upscale2(&padded, smooth)))
        }
        Prep::Padded => {
            let (padded, border) = filters::pad(base);
            frame.pad = [border as f32; 2];
            Prepared::Grey(Cow::Owned(padded))
        }
        Prep::Trimmed => {
            let (width, height) = base.dimensions();
            let (x, y, w, h) = filters::inside_dark_frame(base).unwrap_or((0, 0, width, height));
            let (padded, border) = filters::pad(&filters::crop(base, x, y, w, h));
            frame.pad = [border as f32 - x as f32, border as f32 - y as f32];
            Prepared::Grey(Cow::Owned(padded))
        }
        Prep::Enhanced => Prepared::Grey(Cow::Owned(filters::enhance(base))),
        Prep::Stretched(axis) => {
            let [sx, sy] = axis.scales();
            let size = |side: u32, scale: f32| ((side as f32 * scale).round() as u32).max(1);
            let (width, height) = (size(base.width(), sx), size(base.height(), sy));
            frame.up = [
                width as f32 / base.width().max(1) as f32,
                height as f32 / base.height().max(1) as f32,
            ];
            Prepared::Grey(Cow::Owned(filters::resample(base, width, height)))
        }
    };
    (prepared, frame)
}

/// Side of a tile of the `tiled` pass, and the overlap between neighbouring tiles.
const TILE: u32 = 1024;
const TILE_OVERLAP: u32 = 256;

/// The engine on overlapping tiles of `image`, symbols shifted back to the image. Only rqrr
/// reads tiles (its grouping step copies the image for every candidate triple of finder
/// patterns, so tiles bound that cost), and it neither skips known codes nor leaves anything
/// but symbols: those are all that is kept.
fn tiled(image: &GrayImage, engine: Engine, pass: &'static str, cancel: &AtomicBool) -> Found {
    let mut result = Found::default();
    let step = TILE - TILE_OVERLAP;
    let starts = |len: u32| -> Vec<u32> {
        let mut v: Vec<u32> = (0..len.saturating_sub(TILE_OVERLAP).max(1))
            .step_by(step as usize)
            .collect();
        if let Some(last) = v.last_mut() {
            *last = (*last).min(len.saturating_sub(TILE));
        }
        v.dedup();
        v
    };
    for y in starts(image.height()) {
        for x in starts(image.width()) {
            if cancel.load(Ordering::Relaxed) {
                return result;
            }
            let (w, h) = (TILE.min(image.width() - x), TILE.min(image.height() - y));
            let tile = filters::crop(image, x, y, w, h);
            let found = engine.read(Prepared::Grey(Cow::Owned(tile)), pass, &[], cancel);
            let shifted = found.symbols.into_iter().map(|mut s| {
                s.corners = s.quad().translated(x as f32, y as f32).0;
                s
            });
            result.symbols.extend(shifted);
        }
    }
    result
}
