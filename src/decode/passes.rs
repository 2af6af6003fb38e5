//! The decoding passes and the order in which they run.
//!
//! A pass is an engine (rqrr, or rxing's port of zxing-cpp with the `rxing` feature) applied
//! to a prepared copy of the image. The first pass is the cheapest one that reads most codes;
//! every further pass runs only while something is left over (see `Leftovers`): nothing was
//! read, a symbol was detected but did not decode, or rxing sampled a grid from three finder
//! patterns that did not decode. Passes marked `heavy` are the ones a phone in the field would
//! not do (re-binarising, rescaling, sharpening): a code that only they read is fragile.
//!
//! Why each pass (measured on `../shared/corpus`, see docs/decoding.md):
//! - `rxing`: zxing-cpp's detector (ported): finds light-on-dark codes (its matrix is inverted
//!   in place), skewed and crowded sheets of codes, and is faster than rqrr.
//! - `direct` / `downscaled`: rqrr, whose detector differs from zxing's and so reads some codes
//!   zxing's misses. On large images it runs on a box-downscaled copy: its grouping step copies
//!   the whole image for every candidate triple of finder patterns, which on a 12-megapixel photo
//!   of a screen took a minute; the box filter also smooths sensor noise.
//! - `inverted`: rqrr on the negative (rqrr only finds dark-on-light codes).
//! - `binarized`: rqrr on a Sauvola threshold of the image: rqrr's own threshold is a running
//!   row average that fails on gradients, glare and low contrast.
//! - `rxing-downscaled`: rxing on a half-size copy, for noisy and blurred photos.
//! - `upscaled` / `upscaled-smooth` / `rxing-upscaled`: a padded 2× copy of small images (pixel
//!   replication for rqrr, then bilinear for both engines), for 1–2-pixel modules.
//! - `enhanced` / `rxing-enhanced`: a contrast stretch with unsharp masking, for faint prints.

use image::GrayImage;

use super::isolate::isolated;
use super::{DecodeOptions, Ecc, Symbol, filters};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Engine {
    Rqrr,
    #[cfg(feature = "rxing")]
    Rxing,
}

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
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Pass {
    pub name: &'static str,
    pub engine: Engine,
    pub prep: Prep,
    /// Box-downscale factor applied first (1 = full resolution).
    pub factor: u32,
    /// Whether this is a pass phones would not do (see the module comment).
    pub heavy: bool,
    /// Whether it always looks at the whole image, even when what is left is local (the
    /// full-resolution look after a downscaled first pass finds codes the first did not see).
    pub whole: bool,
}

impl Pass {
    const fn new(name: &'static str, engine: Engine, prep: Prep, factor: u32, heavy: bool) -> Self {
        Pass {
            name,
            engine,
            prep,
            factor,
            heavy,
            whole: false,
        }
    }
}

/// The passes for this image, cheapest first.
pub(super) fn plan(image: &GrayImage, options: &DecodeOptions) -> Vec<Pass> {
    use Engine::Rqrr;
    let pixels = u64::from(image.width()) * u64::from(image.height());
    // The factor that brings the image under `fast_pass_pixels` for rqrr.
    let fast = if pixels > options.fast_pass_pixels {
        ((pixels as f64 / options.fast_pass_pixels as f64)
            .sqrt()
            .ceil()) as u32
    } else {
        1
    };
    let mut passes = Vec::new();
    // rxing's first look at a large photo is on a copy of at most `rxing_first_pixels`: most
    // codes in a 12-megapixel photo have modules of many pixels, and the full-resolution look
    // (which small codes on a crowded sheet need) follows only if something is left.
    #[cfg(feature = "rxing")]
    let rxing_first = if pixels > options.rxing_first_pixels {
        ((pixels as f64 / options.rxing_first_pixels as f64)
            .sqrt()
            .ceil()) as u32
    } else {
        1
    };
    #[cfg(feature = "rxing")]
    if options.rxing {
        passes.push(Pass::new(
            "rxing",
            Engine::Rxing,
            Prep::Plain,
            rxing_first,
            false,
        ));
        if rxing_first > 1 {
            let mut full = Pass::new("rxing-full", Engine::Rxing, Prep::Plain, 1, false);
            full.whole = true;
            passes.push(full);
        }
    }
    if fast > 1 {
        passes.push(Pass::new("downscaled", Rqrr, Prep::Plain, fast, false));
        // rqrr at full resolution, on overlapping tiles: its grouping step copies the image for
        // every candidate triple of finder patterns, so tiles bound that cost (a photo of a
        // screen once took a minute whole).
        // With rxing on, rxing-full covers full resolution at a fraction of the cost.
        if !(cfg!(feature = "rxing") && options.rxing) {
            passes.push(Pass::new("tiled", Rqrr, Prep::Tiled, 1, false));
        }
    } else {
        passes.push(Pass::new("direct", Rqrr, Prep::Plain, 1, false));
    }
    passes.push(Pass::new("inverted", Rqrr, Prep::Inverted, fast, false));
    // Padding supplies the quiet zone a cropped asset lacks; a phone pointed at the print sees
    // the surroundings, and `missing-quiet-zone` reports the defect, so this pass is not heavy.
    #[cfg(feature = "rxing")]
    if options.rxing {
        passes.push(Pass::new(
            "rxing-padded",
            Engine::Rxing,
            Prep::Padded,
            fast,
            false,
        ));
    }
    passes.push(Pass::new("padded", Rqrr, Prep::Padded, fast, false));
    passes.push(Pass::new("binarized", Rqrr, Prep::Binarized, fast, true));
    #[cfg(feature = "rxing")]
    if options.rxing && pixels >= 400_000 && rxing_first == 1 {
        passes.push(Pass::new(
            "rxing-downscaled",
            Engine::Rxing,
            Prep::Plain,
            2,
            true,
        ));
    }
    if pixels <= options.upscale_max_pixels {
        // Pixel replication keeps 1-pixel modules of screenshots crisp; bilinear suits photos.
        let (sharp, smooth) = (
            Prep::Upscaled { smooth: false },
            Prep::Upscaled { smooth: true },
        );
        // rqrr on an upscaled noisy photo can spend a second grouping candidates: only small
        // images (screenshots, icons) get its upscaled passes.
        if pixels <= options.upscale_max_pixels / 2 {
            passes.push(Pass::new("upscaled", Rqrr, sharp, 1, true));
            passes.push(Pass::new("upscaled-smooth", Rqrr, smooth, 1, true));
        }
        #[cfg(feature = "rxing")]
        if options.rxing {
            passes.push(Pass::new(
                "rxing-upscaled",
                Engine::Rxing,
                Prep::Upscaled { smooth: true },
                1,
                true,
            ));
        }
    }
    passes.push(Pass::new("enhanced", Rqrr, Prep::Enhanced, fast, true));
    #[cfg(feature = "rxing")]
    if options.rxing {
        passes.push(Pass::new(
            "rxing-enhanced",
            Engine::Rxing,
            Prep::Enhanced,
            fast,
            true,
        ));
    }
    passes
}

/// What earlier passes left that a later pass might read.
#[derive(Debug, Default)]
pub(super) struct Leftovers {
    /// Grids sampled from three finder patterns that did not decode (rxing), in image pixels.
    pub undecoded_regions: Vec<[[f32; 2]; 4]>,
}

impl Leftovers {
    /// Whether a further pass is worth running: nothing read yet, a detected symbol that did
    /// not decode, or an undecoded grid that no decoded symbol covers.
    pub(super) fn any(&self, found_so_far: &[Symbol]) -> bool {
        if found_so_far.iter().all(|s| s.text.is_none()) {
            return true;
        }
        if found_so_far.iter().any(|s| s.text.is_none()) {
            return true;
        }
        !self.open_regions(found_so_far).is_empty()
    }

    /// Undecoded grids that no decoded symbol explains: neither inside one nor around one (a
    /// triple of finder patterns taken from neighbouring codes on a sheet spans several of
    /// them, and is not a code of its own).
    fn open_regions(&self, symbols: &[Symbol]) -> Vec<[[f32; 2]; 4]> {
        let decoded: Vec<&Symbol> = symbols.iter().filter(|s| s.text.is_some()).collect();
        self.undecoded_regions
            .iter()
            .filter(|r| {
                !decoded.iter().any(|s| {
                    inside(&s.corners, centroid(r))
                        || inside(r, s.center())
                        || s.corners.iter().any(|c| inside(r, *c))
                })
            })
            .copied()
            .collect()
    }
}

impl Leftovers {
    /// Boxes (x, y, width, height) around what is left: undecoded grids no decoded symbol covers
    /// and detected symbols that did not decode, each grown by half its size on every side,
    /// overlapping boxes merged. At most 16; none when there are more (then the whole image is
    /// the better unit).
    pub(super) fn crops(
        &self,
        symbols: &[Symbol],
        (width, height): (u32, u32),
    ) -> Vec<(u32, u32, u32, u32)> {
        let mut quads = self.open_regions(symbols);
        quads.extend(
            symbols
                .iter()
                .filter(|s| s.text.is_none())
                .map(|s| s.corners),
        );
        let mut boxes: Vec<[f32; 4]> = quads
            .iter()
            .map(|q| {
                let (x0, x1) = (
                    q.iter().map(|c| c[0]).fold(f32::MAX, f32::min),
                    q.iter().map(|c| c[0]).fold(f32::MIN, f32::max),
                );
                let (y0, y1) = (
                    q.iter().map(|c| c[1]).fold(f32::MAX, f32::min),
                    q.iter().map(|c| c[1]).fold(f32::MIN, f32::max),
                );
                let grow = 0.5 * (x1 - x0).max(y1 - y0) + 16.0;
                [
                    (x0 - grow).max(0.0),
                    (y0 - grow).max(0.0),
                    (x1 + grow).min(width as f32),
                    (y1 + grow).min(height as f32),
                ]
            })
            .filter(|b| b[2] > b[0] && b[3] > b[1])
            .collect();
        // Merge overlapping boxes until none overlap.
        let mut merged = true;
        while merged {
            merged = false;
            'outer: for i in 0..boxes.len() {
                for j in i + 1..boxes.len() {
                    let (a, b) = (boxes[i], boxes[j]);
                    if a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3] {
                        boxes[i] = [
                            a[0].min(b[0]),
                            a[1].min(b[1]),
                            a[2].max(b[2]),
                            a[3].max(b[3]),
                        ];
                        boxes.swap_remove(j);
                        merged = true;
                        break 'outer;
                    }
                }
            }
        }
        if boxes.len() > 16 {
            return Vec::new();
        }
        boxes
            .into_iter()
            .map(|b| {
                (
                    b[0] as u32,
                    b[1] as u32,
                    (b[2] - b[0]) as u32,
                    (b[3] - b[1]) as u32,
                )
            })
            .filter(|c| c.2 >= 21 && c.3 >= 21)
            .collect()
    }
}

fn centroid(quad: &[[f32; 2]; 4]) -> [f32; 2] {
    let (sx, sy) = quad
        .iter()
        .fold((0.0, 0.0), |(x, y), c| (x + c[0], y + c[1]));
    [sx / 4.0, sy / 4.0]
}

/// Whether `p` lies inside the convex quadrilateral `quad` (either winding).
fn inside(quad: &[[f32; 2]; 4], p: [f32; 2]) -> bool {
    let mut sign = 0.0f32;
    for i in 0..4 {
        let (a, b) = (quad[i], quad[(i + 1) % 4]);
        let cross = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
        if cross != 0.0 {
            if sign != 0.0 && cross.signum() != sign {
                return false;
            }
            sign = cross.signum();
        }
    }
    true
}

/// What one pass produced.
#[derive(Debug, Default)]
pub(super) struct PassResult {
    pub symbols: Vec<Symbol>,
    pub undecoded_regions: Vec<[[f32; 2]; 4]>,
}

impl Pass {
    /// Runs the pass; `Err` carries the message of a decoder panic.
    pub(super) fn run(self, image: &GrayImage) -> Result<PassResult, String> {
        let name = self.name;
        isolated(|| {
            let base = filters::downscale(image, self.factor);
            // Prepared-image pixel p maps back to image pixel (p / up - pad) * factor.
            let (mut up, mut pad) = (1.0f32, 0.0f32);
            let prepared = match self.prep {
                Prep::Plain | Prep::Binarized | Prep::Tiled => base,
                Prep::Inverted => {
                    let mut work = base;
                    image::imageops::invert(&mut work);
                    work
                }
                Prep::Upscaled { smooth } => {
                    // Small images are often tight crops too: pad first.
                    let (padded, border) = filters::pad(&base);
                    pad = border as f32;
                    up = 2.0;
                    filters::upscale2(&padded, smooth)
                }
                Prep::Padded => {
                    let (padded, border) = filters::pad(&base);
                    pad = border as f32;
                    padded
                }
                Prep::Enhanced => filters::enhance(&base),
            };
            if self.prep == Prep::Tiled {
                return tiled(&prepared, name);
            }
            let mut result = match self.engine {
                Engine::Rqrr if self.prep == Prep::Binarized => {
                    let (w, h) = (prepared.width() as usize, prepared.height() as usize);
                    let radius = (w.min(h) as u32 / 16).clamp(8, 64);
                    let dark = filters::sauvola(&prepared, radius, 0.05);
                    let mut image =
                        rqrr::PreparedImage::prepare_from_bitmap(w, h, |x, y| dark[y * w + x]);
                    PassResult {
                        symbols: rqrr_symbols(image.detect_grids(), name),
                        undecoded_regions: Vec::new(),
                    }
                }
                Engine::Rqrr => {
                    let mut image = rqrr::PreparedImage::prepare(prepared);
                    PassResult {
                        symbols: rqrr_symbols(image.detect_grids(), name),
                        undecoded_regions: Vec::new(),
                    }
                }
                #[cfg(feature = "rxing")]
                Engine::Rxing => {
                    let found = super::rxing_engine::rxing_symbols(&prepared, true, name);
                    PassResult {
                        symbols: found.symbols,
                        undecoded_regions: found.undecoded,
                    }
                }
            };
            let factor = self.factor as f32;
            let map = |c: [f32; 2]| [(c[0] / up - pad) * factor, (c[1] / up - pad) * factor];
            for symbol in &mut result.symbols {
                symbol.corners = symbol.corners.map(map);
                symbol.module_px *= factor / up;
            }
            for region in &mut result.undecoded_regions {
                *region = region.map(map);
            }
            result
        })
    }
}

/// Side of a tile of the `tiled` pass, and the overlap between neighbouring tiles.
const TILE: u32 = 1024;
const TILE_OVERLAP: u32 = 256;

/// rqrr on overlapping tiles of `image`, corners shifted back to the image.
fn tiled(image: &GrayImage, pass: &'static str) -> PassResult {
    let mut result = PassResult::default();
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
            let (w, h) = (TILE.min(image.width() - x), TILE.min(image.height() - y));
            let tile = image::imageops::crop_imm(image, x, y, w, h).to_image();
            let mut prepared = rqrr::PreparedImage::prepare(tile);
            let found = rqrr_symbols(prepared.detect_grids(), pass);
            let shifted = found.into_iter().map(|mut s| {
                s.corners = s.corners.map(|c| [c[0] + x as f32, c[1] + y as f32]);
                s
            });
            result.symbols.extend(shifted);
        }
    }
    result
}

/// rqrr's bounds reach one module past the symbol (it maps grid coordinates 0 and size + 1):
/// pull the far corners back to the symbol's own edge, bilinearly in the quadrilateral.
fn symbol_corners(bounds: [[f32; 2]; 4], modules: u32) -> [[f32; 2]; 4] {
    if modules == 0 {
        return bounds;
    }
    let f = modules as f32 / (modules as f32 + 1.0);
    let [tl, tr, br, bl] = bounds;
    let at = |u: f32, v: f32| {
        let top = [tl[0] + (tr[0] - tl[0]) * u, tl[1] + (tr[1] - tl[1]) * u];
        let bottom = [bl[0] + (br[0] - bl[0]) * u, bl[1] + (br[1] - bl[1]) * u];
        [
            top[0] + (bottom[0] - top[0]) * v,
            top[1] + (bottom[1] - top[1]) * v,
        ]
    };
    [tl, at(f, 0.0), at(f, f), at(0.0, f)]
}

/// Decodes rqrr's grids into symbols (corners in the prepared image's pixels).
fn rqrr_symbols<G: rqrr::BitGrid>(grids: Vec<rqrr::Grid<G>>, pass: &'static str) -> Vec<Symbol> {
    let mut symbols = Vec::with_capacity(grids.len());
    for grid in grids {
        let modules = rqrr::BitGrid::size(&grid.grid) as u32;
        let corners = symbol_corners(grid.bounds.map(|p| [p.x as f32, p.y as f32]), modules);
        let side =
            |a: [f32; 2], b: [f32; 2]| ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt();
        let perimeter = side(corners[0], corners[1])
            + side(corners[1], corners[2])
            + side(corners[2], corners[3])
            + side(corners[3], corners[0]);
        let module_px = if modules > 0 {
            perimeter / 4.0 / modules as f32
        } else {
            0.0
        };
        let mut bytes = Vec::new();
        match grid.decode_to(&mut bytes) {
            Ok(meta) => symbols.push(Symbol {
                text: Some(super::text::decode_payload(&bytes)),
                bytes,
                error: None,
                version: Some(meta.version.0 as u32),
                ecc: Ecc::from_rqrr(meta.ecc_level),
                mask: Some(meta.mask as u8),
                corners,
                modules,
                module_px,
                pass,
                fragile: false,
                quiet_zone_modules: None,
            }),
            Err(err) => {
                // Only a grid whose format information checks out (BCH-protected) is reported as
                // an unreadable QR symbol; anything else is a chance arrangement of dark squares
                // in a photo, and reporting it would flood reviews with false alarms.
                if let Ok((meta, _)) = grid.get_raw_data() {
                    symbols.push(Symbol {
                        text: None,
                        bytes: Vec::new(),
                        error: Some(err.to_string()),
                        version: Some(meta.version.0 as u32),
                        ecc: Ecc::from_rqrr(meta.ecc_level),
                        mask: Some(meta.mask as u8),
                        corners,
                        modules,
                        module_px,
                        pass,
                        fragile: false,
                        quiet_zone_modules: None,
                    });
                }
            }
        }
    }
    symbols
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_images_start_downscaled_for_rqrr() {
        let img = GrayImage::new(4000, 3000);
        let plan = plan(&img, &DecodeOptions::default());
        let first_rqrr = plan.iter().find(|p| p.engine == Engine::Rqrr).unwrap();
        assert_eq!((first_rqrr.name, first_rqrr.factor), ("downscaled", 3));
        assert!(plan.iter().all(|p| p.name != "upscaled"));
    }

    #[test]
    fn quad_inside_test() {
        let quad = [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]];
        assert!(inside(&quad, [5.0, 5.0]));
        assert!(!inside(&quad, [15.0, 5.0]));
    }
}
