//! The decoding passes and the order in which they run.
//!
//! A pass is an engine (rqrr, or rxing's port of zxing-cpp with the `rxing` feature) applied
//! to a prepared copy of the image. The first pass is the cheapest one that reads most codes;
//! every further pass runs only while something is left over (see `Leftovers`): nothing was
//! read, a symbol was detected but did not decode, rxing sampled a grid from three finder
//! patterns that did not decode, or rxing found a finder pattern no decoded code used. On photos
//! (over `upscale_max_pixels`) the rescue passes need more: evidence that part of a code is
//! there (`Leftovers::evidence`), because on photos where nothing looked like a code they cost
//! ten rxing looks each and read nothing. Passes marked `heavy` are the ones a phone in the field
//! would not do (re-binarising, rescaling, sharpening): a code that only they read is fragile.
//!
//! Why each pass (measured on `../shared/corpus`; the table in docs/decoding.md has the rest):
//! - `rxing`: zxing-cpp's detector (ported): finds light-on-dark codes (its matrix is inverted
//!   in place), skewed and crowded sheets of codes, and is faster than rqrr.
//! - `rxing-global`, `rxing-pyramid`: the same detector on a global threshold and at a third of
//!   the size, the two other looks zxing-cpp takes.
//! - `direct` / `downscaled`: rqrr, whose detector differs from zxing's and so reads some codes
//!   zxing's misses (perspective, damage). On large images it runs on a box-downscaled copy: its
//!   grouping step copies the whole image for every candidate triple of finder patterns, which
//!   on a 12-megapixel photo of a screen took a minute; the box filter also smooths noise. With
//!   rxing on, `downscaled` is left to `padded`, the same look with a border.
//! - `inverted` (rxing off): rqrr on the negative (rqrr only finds dark-on-light codes).
//! - `binarized`, `rxing-binarized`: a Sauvola threshold of the image: rqrr's own threshold is a
//!   running row average that fails on gradients, glare and low contrast.
//! - `rxing-downscaled`: rxing on a half-size copy, for noisy and blurred photos.
//! - `upscaled` / `upscaled-smooth` / `rxing-upscaled`: a padded 2× copy of small images (pixel
//!   replication for rqrr, then bilinear for both engines), for 1–2-pixel modules; rqrr's two
//!   only without rxing, which reads those codes in its own passes.
//! - `enhanced` / `rxing-enhanced`: a contrast stretch with unsharp masking, for faint prints.

use image::GrayImage;

use super::DecodeOptions;
use super::engine::Engine;
use super::pass::Prep;

/// What a pass needs, beyond something left over, to run (`only_passes` measurements run it
/// regardless).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Gate {
    /// Nothing more.
    Leftovers,
    /// Evidence that part of a code is there (`Leftovers::evidence`): on a photo where nothing
    /// looked like a code, the rescue passes cost much and found none (measured on the BoofCV
    /// photographs). Such a pass runs on crops around the evidence where it can.
    Evidence,
    /// Codes already read: a sheet of them, some too small for the first look (rxing's
    /// full-resolution look: only with rxing).
    #[cfg_attr(not(feature = "rxing"), allow(dead_code))]
    CodesRead,
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
    /// What it needs beyond something left over (see `Gate`).
    pub gate: Gate,
    /// Whether its stray finder patterns count as leftovers. Not for the global threshold and
    /// the coarse pyramid level, whose blobs of uneven light and merged modules look like
    /// finder patterns all over a crowded sheet (each sent later passes to a crop for nothing).
    pub keeps_stray_finders: bool,
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
            gate: Gate::Leftovers,
            keeps_stray_finders: true,
        }
    }
}

/// The passes for this image, cheapest first. `whole_pixels` is the size of the whole image
/// when `image` is a crop of it: the upscaled passes are for small images (tiny modules), not
/// for small crops of a large photo.
pub(super) fn plan(image: &GrayImage, whole_pixels: u64, options: &DecodeOptions) -> Vec<Pass> {
    use Engine::Rqrr;
    let pixels = u64::from(image.width()) * u64::from(image.height());
    let small = whole_pixels <= options.upscale_max_pixels;
    // The factor that brings the image under `fast_pass_pixels` for rqrr.
    let fast = factor_under(pixels, options.fast_pass_pixels);
    let mut passes = Vec::new();
    #[cfg(feature = "rxing")]
    let rxing = options.rxing;
    #[cfg(not(feature = "rxing"))]
    let rxing = false;
    #[cfg(feature = "rxing")]
    if rxing {
        use super::engine::Threshold::{Global, Hybrid};
        // rxing's first look at a large photo is on a copy of at most `rxing_first_pixels`: most
        // codes in a 12-megapixel photo have modules of many pixels, and the full-resolution
        // look (which small codes on a crowded sheet need) follows only if something is left.
        let first = factor_under(pixels, options.rxing_first_pixels);
        passes.push(Pass::new(
            "rxing",
            Engine::Rxing(Hybrid),
            Prep::Plain,
            first,
            false,
        ));
        if first > 1 {
            // Only where the first look read codes: on the BoofCV photographs it read codes only
            // on sheets of many small ones, and on a photo with part of a code the rescue passes
            // look at full resolution on a crop around it.
            let mut full = Pass::new("rxing-full", Engine::Rxing(Hybrid), Prep::Plain, 1, false);
            full.whole = true;
            full.gate = Gate::CodesRead;
            passes.push(full);
        }
        // The same detector on a global threshold: it separates neighbouring codes and keeps
        // thin modules that the hybrid threshold's 8-pixel blocks blur together. It always
        // looks at the whole image: a crop changes the threshold, and one of two codes side by
        // side was read only whole.
        let mut global = Pass::new(
            "rxing-global",
            Engine::Rxing(Global),
            Prep::Plain,
            first,
            false,
        );
        global.whole = true;
        global.keeps_stray_finders = false;
        passes.push(global);
        // A coarser level of the pyramid (zxing-cpp looks at a third of the size too): big
        // modules in a noisy photo, and finder patterns that the full size breaks up. Not on
        // the whole image once codes were read: on a sheet of 60 codes a third of the size
        // puts 180 finder patterns close together, and pairing them took 140 ms.
        if image.width().max(image.height()) >= 240 {
            let mut pyramid = Pass::new(
                "rxing-pyramid",
                Engine::Rxing(Hybrid),
                Prep::Plain,
                first * 3,
                false,
            );
            pyramid.keeps_stray_finders = false;
            passes.push(pyramid);
        }
    }
    // rqrr's first look: the image, or a box-downscaled copy of a large one. With rxing on it
    // follows rxing's other cheap looks (below), and on a large image it is not planned: there
    // `padded` (the same look with a light border, a rescue pass) read every code it read on the
    // corpus, and it cost 6% of the decoding time of the BoofCV photographs.
    let rqrr_first = if fast > 1 {
        (!rxing).then(|| Pass::new("downscaled", Rqrr, Prep::Plain, fast, false))
    } else {
        Some(Pass::new("direct", Rqrr, Prep::Plain, 1, false))
    };
    if !rxing {
        passes.extend(rqrr_first);
        // rqrr at full resolution, on overlapping tiles: its grouping step copies the image for
        // every candidate triple of finder patterns, so tiles bound that cost (a photo of a
        // screen once took a minute whole). With rxing on, rxing-full covers full resolution.
        if fast > 1 {
            passes.push(Pass::new("tiled", Rqrr, Prep::Tiled, 1, false));
        }
    }
    // rxing reads light-on-dark codes in its own pass; rqrr needs the negative.
    if !rxing {
        passes.push(Pass::new("inverted", Rqrr, Prep::Inverted, fast, false));
    }
    #[cfg(feature = "rxing")]
    if rxing {
        use super::engine::Threshold::Hybrid;
        // Padding supplies the quiet zone a cropped asset lacks; a phone pointed at the print
        // sees the surroundings, and `missing-quiet-zone` reports the defect: not heavy.
        passes.push(Pass::new(
            "rxing-padded",
            Engine::Rxing(Hybrid),
            Prep::Padded,
            fast,
            false,
        ));
        if pixels >= 400_000 && fast == 1 {
            passes.push(Pass::new(
                "rxing-downscaled",
                Engine::Rxing(Hybrid),
                Prep::Plain,
                2,
                true,
            ));
        }
        if small {
            passes.push(Pass::new(
                "rxing-upscaled",
                Engine::Rxing(Hybrid),
                Prep::Upscaled { smooth: true },
                1,
                true,
            ));
        }
    }
    if rxing {
        passes.extend(rqrr_first);
    }
    // The rescue passes (rqrr's cost ten rxing looks each on a photo): with rxing on, on photos
    // they run only where part of a code was seen (see `Gate::Evidence`); on small
    // images, where every pass is cheap, whenever something is left.
    let gated = rxing && !small;
    let mut rescue = |mut pass: Pass| {
        if gated {
            pass.gate = Gate::Evidence;
        }
        passes.push(pass);
    };
    #[cfg(feature = "rxing")]
    if rxing {
        use super::engine::Threshold::Hybrid;
        rescue(Pass::new(
            "rxing-binarized",
            Engine::Rxing(Hybrid),
            Prep::Binarized,
            fast,
            true,
        ));
        rescue(Pass::new(
            "rxing-enhanced",
            Engine::Rxing(Hybrid),
            Prep::Enhanced,
            fast,
            true,
        ));
    }
    rescue(Pass::new("padded", Rqrr, Prep::Padded, fast, false));
    rescue(Pass::new("binarized", Rqrr, Prep::Binarized, fast, true));
    // rqrr on an upscaled noisy photo can spend a second grouping candidates: only small
    // images (screenshots, icons) get its upscaled passes. Pixel replication keeps the
    // 1-pixel modules of screenshots crisp; bilinear suits photos. Not with rxing on: rxing
    // reads 1-pixel modules itself and rxing-upscaled the resampled ones, and these two passes
    // read no code of the 1 034 of the corpus nor of the generated tests that another pass did
    // not, at a fifth of the decoding time of the ZXing samples (two unreadable small images).
    if small && !rxing && pixels <= options.upscale_max_pixels / 2 {
        rescue(Pass::new(
            "upscaled",
            Rqrr,
            Prep::Upscaled { smooth: false },
            1,
            true,
        ));
        rescue(Pass::new(
            "upscaled-smooth",
            Rqrr,
            Prep::Upscaled { smooth: true },
            1,
            true,
        ));
    }
    // rqrr's threshold after a contrast stretch: a faint print under a brightness gradient,
    // which neither rxing's hybrid threshold nor the Sauvola one separate. With rxing on, only
    // on small images: on the photographs it read nothing that another pass did not.
    if !rxing || small {
        rescue(Pass::new("enhanced", Rqrr, Prep::Enhanced, fast, true));
    }
    passes
}

/// The smallest integer factor whose box-downscale brings `pixels` to at most `limit`.
fn factor_under(pixels: u64, limit: u64) -> u32 {
    if pixels > limit {
        ((pixels as f64 / limit as f64).sqrt().ceil()) as u32
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_images_start_downscaled_for_rqrr() {
        let img = GrayImage::new(4000, 3000);
        let options = DecodeOptions {
            rxing: false,
            ..DecodeOptions::default()
        };
        let plan = plan(&img, 12_000_000, &options);
        let first_rqrr = plan.iter().find(|p| p.engine == Engine::Rqrr).unwrap();
        assert_eq!(first_rqrr.name, "downscaled");
        // The smallest factor that brings 12 megapixels under the limit.
        let under = |f: u32| u64::from((4000 / f) * (3000 / f)) <= options.fast_pass_pixels;
        assert!(under(first_rqrr.factor) && !under(first_rqrr.factor - 1));
        assert!(plan.iter().all(|p| p.name != "upscaled"));
    }

    /// On photos the rescue passes wait for evidence and the full-resolution look for codes
    /// read; on a screenshot-sized image every pass only needs something left over.
    #[cfg(feature = "rxing")]
    #[test]
    fn rescue_passes_are_gated_on_photos_only() {
        let options = DecodeOptions::default();
        let gate_of =
            |plan: &[Pass], name: &str| plan.iter().find(|p| p.name == name).map(|p| p.gate);
        let photo = plan(&GrayImage::new(4000, 3000), 12_000_000, &options);
        assert_eq!(gate_of(&photo, "rxing"), Some(Gate::Leftovers));
        assert_eq!(gate_of(&photo, "rxing-full"), Some(Gate::CodesRead));
        // rqrr's look at a large image is `padded` alone (see `plan`).
        assert!(photo.iter().all(|p| p.name != "downscaled"));
        for rescue in ["padded", "binarized", "rxing-binarized", "rxing-enhanced"] {
            assert_eq!(gate_of(&photo, rescue), Some(Gate::Evidence), "{rescue}");
        }
        let small = plan(&GrayImage::new(300, 300), 90_000, &options);
        assert!(small.iter().all(|p| p.gate == Gate::Leftovers));
        assert!(small.iter().any(|p| p.name == "rxing-upscaled"));
        // rqrr's upscaled looks are for the build without rxing.
        assert!(small.iter().all(|p| p.name != "upscaled"));
        let without_rxing = DecodeOptions {
            rxing: false,
            ..DecodeOptions::default()
        };
        let small_rqrr = plan(&GrayImage::new(300, 300), 90_000, &without_rxing);
        assert!(small_rqrr.iter().any(|p| p.name == "upscaled"));
        // A small crop of a photo is no small image: no upscaled passes.
        let crop = plan(&GrayImage::new(300, 300), 12_000_000, &options);
        assert!(crop.iter().all(|p| !p.name.contains("upscaled")));
        // rqrr's first look follows rxing's cheap ones, so that a rescue pass (which moves the
        // work to crops) does not keep rxing-padded from the whole image.
        let position = |plan: &[Pass], name: &str| plan.iter().position(|p| p.name == name);
        assert!(position(&photo, "rxing-padded") < position(&photo, "padded"));
        assert!(position(&small, "rxing-upscaled") < position(&small, "direct"));
    }
}
