//! The pass plan: which passes run on an image, in which order, and what each needs to run.
//!
//! A pass is an engine (rqrr, or rxing's port of zxing-cpp with the `rxing` feature) applied
//! to a prepared copy of the image (`pass.rs`). The first pass is the cheapest one that reads
//! most codes; every further pass runs only while something is left over (see
//! `leftovers.rs`): nothing was read, a symbol was detected but did not decode, rxing sampled a
//! grid from three finder patterns that did not decode, or rxing found a finder pattern no
//! decoded code used. On photos (over `upscale_max_pixels`) the rescue passes need more:
//! evidence that part of a code is there (`Leftovers::evidence`), because on photos where
//! nothing looked like a code they cost ten rxing looks each and read nothing. Passes marked
//! `heavy` are the ones a phone in the field would not do (re-binarising, rescaling,
//! sharpening): a code that only they read is fragile.
//!
//! The plan is one table (`PLAN`), cheapest first, each row with the condition under which the
//! pass is planned for this image; `plan` keeps the rows whose condition holds. Why each pass
//! (measured on `../shared/corpus`; the table in docs/decoding.md has the rest):
//! - `rxing`: zxing-cpp's detector (ported): finds light-on-dark codes (its matrix is inverted
//!   in place), skewed and crowded sheets of codes, and is faster than rqrr.
//! - `rxing-global`, `rxing-pyramid`: the same detector on a global threshold and at a third of
//!   the size, the two other looks zxing-cpp takes; `rxing-pyramid-6`, `-9`: at a sixth and a
//!   ninth, for close-ups of worn prints.
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
//! - `enhanced` / `rxing-enhanced`: a contrast stretch with unsharp masking, for faint prints;
//!   they run only on a faint image or crop (`filters::is_faint`: its 1st–99th percentile range
//!   under half the grey scale), where the stretch at least doubles the contrast.
//! - `rxing-two-finders`: rxing's look, and pairs of finder patterns that no triple used
//!   completed with a guessed third (a corner torn, covered or under glare): the first rescue
//!   pass, since it costs one rxing look.
//! - `rxing-eyes`: rxing's look, also taking finder patterns by their eye (the 3×3 centre and
//!   its light ring) whatever their outer ring: designed, thinned, broken or scratched rings.
//! - `rxing-trimmed`: rxing inside a dark frame, with a light border: a code without a quiet
//!   zone on a dark ground, whose finder patterns' outer rings merge into it.
//! - `rxing-wide`, `rxing-tall`: rxing on a copy stretched √2 one way and shrunk √2 the other,
//!   for a code photographed at so steep an angle that its modules are two to four times as
//!   long one way as the other; only where nothing at all was read (see their rows).

use image::GrayImage;

use super::DecodeOptions;
use super::engine::{Engine, Threshold};
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
    /// A sheet of codes read (at least `SHEET_CODES`), some maybe too small for the first look
    /// (rxing's full-resolution look: only with rxing).
    Sheet,
    /// No code read yet: the looks at a stretched copy, for a code photographed at so steep an
    /// angle that no finder pattern of it passed (nothing is left over to point at it).
    NothingRead,
}

/// One planned pass.
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
    /// Whether its grids that did not decode count as leftovers. Not for the coarsest pyramid
    /// levels: at a sixth of the size such a grid's outline is a few pixels of the copy, too
    /// rough to place a crop (on a damaged close-up the rescue crop it placed missed the code).
    pub keeps_undecoded: bool,
}

/// What the plan's conditions look at: the image (or crop) and the options.
struct Image {
    /// rxing is built and asked for.
    rxing: bool,
    /// The whole image is small (at most `upscale_max_pixels`): a screenshot or an asset crop,
    /// where every pass is cheap. A small crop of a large photo is not.
    small: bool,
    /// This image (or crop) has at most half of `upscale_max_pixels`.
    tiny: bool,
    /// This is a crop of the image (around something left over), not the whole image.
    crop: bool,
    pixels: u64,
    /// The box-downscale factor that brings the image under `fast_pass_pixels` (rqrr's looks).
    fast: u32,
    /// The factor that brings it under `rxing_first_pixels` (rxing's first looks).
    first: u32,
    longest_side: u32,
}

/// The downscale factor of a row, resolved per image.
#[derive(Debug, Clone, Copy)]
enum Scale {
    /// Full resolution.
    Full,
    /// `Image::fast`.
    Fast,
    /// `Image::first`.
    First,
    /// `First` times this: a coarser level of the pyramid (a third is the one zxing-cpp looks
    /// at).
    Coarse(u32),
    /// Half size.
    Half,
    /// At most `STRETCHED_PIXELS` (a megapixel).
    Megapixel,
}

/// A row's gate before it is resolved per image: a rescue pass waits for evidence on photos
/// with rxing on, and only for leftovers elsewhere (small images, where every pass is cheap; the
/// build without rxing, whose only looks these are).
#[derive(Debug, Clone, Copy)]
enum RowGate {
    Leftovers,
    Sheet,
    NothingRead,
    Rescue,
}

/// A row of the plan.
struct Row {
    name: &'static str,
    engine: Engine,
    prep: Prep,
    scale: Scale,
    heavy: bool,
    gate: RowGate,
    whole: bool,
    keeps_stray_finders: bool,
    keeps_undecoded: bool,
    /// Whether the pass is planned for this image.
    when: fn(&Image) -> bool,
}

const fn row(
    name: &'static str,
    engine: Engine,
    prep: Prep,
    scale: Scale,
    heavy: bool,
    gate: RowGate,
    when: fn(&Image) -> bool,
) -> Row {
    Row {
        name,
        engine,
        prep,
        scale,
        heavy,
        gate,
        whole: false,
        keeps_stray_finders: true,
        keeps_undecoded: true,
        when,
    }
}

impl Row {
    /// Looks at the whole image even when what is left is local.
    const fn whole(mut self) -> Row {
        self.whole = true;
        self
    }

    /// Its stray finder patterns are noise, not leftovers.
    const fn without_stray_finders(mut self) -> Row {
        self.keeps_stray_finders = false;
        self
    }

    /// Nothing it leaves is a leftover: neither stray finder patterns nor undecoded grids.
    const fn without_leftovers(mut self) -> Row {
        self.keeps_stray_finders = false;
        self.keeps_undecoded = false;
        self
    }
}

const RXING: Engine = Engine::Rxing(Threshold::Hybrid);
const RXING_GLOBAL: Engine = Engine::Rxing(Threshold::Global);
const RXING_PAIRS: Engine = Engine::RxingCompleting;
const RXING_EYES: Engine = Engine::RxingEyes;
const RQRR: Engine = Engine::Rqrr;
const LIGHT: bool = false;
const HEAVY: bool = true;

use super::pass::Axis::{Across, Down};
use Prep::{Binarized, Enhanced, Inverted, Padded, Plain, Stretched, Tiled, Trimmed, Upscaled};
use RowGate::{Leftovers, NothingRead, Rescue, Sheet};
use Scale::{Coarse, Fast, First, Full, Half, Megapixel};

/// Every pass, cheapest first, with the condition under which it is planned. The comment above
/// each row says why it is there and why under that condition.
#[rustfmt::skip]
const PLAN: [Row; 26] = [
    //  name                engine        prep       scale    heavy  gate       planned when
    // rxing's first look at a large photo is on a copy of at most `rxing_first_pixels`: most
    // codes in a 12-megapixel photo have modules of many pixels, and the full-resolution look
    // (which small codes on a crowded sheet need) follows only if something is left.
    row("rxing",            RXING,        Plain,     First,   LIGHT, Leftovers, |i| i.rxing),
    // Only where the first look read a sheet of codes (`SHEET_CODES`): on the BoofCV
    // photographs it read codes only on sheets of many small ones (56 to 60 read by the first
    // look). Where the first look read one code or two and something is left, the passes that
    // follow look at full resolution on crops around what is left; the whole image at full
    // resolution ran there ten times and read nothing (5 to 21 ms each).
    row("rxing-full",       RXING,        Plain,     Full,    LIGHT, Sheet,     |i| i.rxing && i.first > 1).whole(),
    // The same detector on a global threshold: it separates neighbouring codes and keeps thin
    // modules that the hybrid threshold's 8-pixel blocks blur together. It always looks at the
    // whole image: a crop changes the threshold, and one of two codes side by side was read
    // only whole.
    row("rxing-global",     RXING_GLOBAL, Plain,     First,   LIGHT, Leftovers, |i| i.rxing).whole().without_stray_finders(),
    // A coarser level of the pyramid (zxing-cpp looks at a third of the size too): big modules
    // in a noisy photo, and finder patterns that the full size breaks up. Not on the whole image
    // once codes were read: on a sheet of 60 codes a third of the size puts 180 finder patterns
    // close together, and pairing them took 140 ms.
    row("rxing-pyramid",    RXING,        Plain,     Coarse(3), LIGHT, Leftovers, |i| i.rxing && i.longest_side >= 240).without_stray_finders(),
    // Coarser levels still, a sixth and a ninth of the first look's size (zxing-cpp's pyramid
    // goes on down too): a close-up of a worn or damaged print, whose big modules are crossed by
    // scratches, stains or print defects smaller than a module, which the box filter averages
    // away. Cheap (a 12-megapixel photo is under 120 000 pixels at a ninth); only where the
    // level is at least 120 pixels across.
    row("rxing-pyramid-6",  RXING,        Plain,     Coarse(6), LIGHT, Leftovers, |i| i.rxing && i.longest_side >= 120 * 6 * i.first).without_leftovers(),
    row("rxing-pyramid-9",  RXING,        Plain,     Coarse(9), LIGHT, Leftovers, |i| i.rxing && i.longest_side >= 120 * 9 * i.first).without_leftovers(),
    // rqrr's first look at a large image without rxing: a box-downscaled copy. With rxing on it
    // is not planned: `padded` (the same look with a light border, a rescue pass) read every
    // code it read on the corpus, and it cost 6% of the decoding time of the BoofCV photographs.
    row("downscaled",       RQRR,         Plain,     Fast,    LIGHT, Leftovers, |i| !i.rxing && i.fast > 1),
    // rqrr at full resolution, on overlapping tiles: its grouping step copies the image for
    // every candidate triple of finder patterns, so tiles bound that cost (a photo of a screen
    // once took a minute whole). With rxing on, rxing-full covers full resolution.
    row("tiled",            RQRR,         Tiled,     Full,    LIGHT, Leftovers, |i| !i.rxing && i.fast > 1),
    // Padding supplies the quiet zone a cropped asset lacks; a phone pointed at the print sees
    // the surroundings, and `missing-quiet-zone` reports the defect: not heavy.
    row("rxing-padded",     RXING,        Padded,    Fast,    LIGHT, Leftovers, |i| i.rxing),
    // A code on a dark ground without a quiet zone: its finder patterns' outer rings merge into
    // the ground. Cut to what is inside the dark frame and given a light border (runs only where
    // there is such a frame, see `Pass::applies_to`). Heavy: a phone sees the dark ground too.
    row("rxing-trimmed",    RXING,        Trimmed,   Fast,    HEAVY, Leftovers, |i| i.rxing),
    row("rxing-downscaled", RXING,        Plain,     Half,    HEAVY, Leftovers, |i| i.rxing && i.pixels >= 400_000 && i.fast == 1),
    row("rxing-upscaled",   RXING,        Upscaled { smooth: true }, Full, HEAVY, Leftovers, |i| i.rxing && i.small),
    // rqrr's first look at an image under `fast_pass_pixels`. With rxing on it follows rxing's
    // cheap looks, so that a rescue pass (which moves the work to crops) does not keep
    // rxing-padded from the whole image.
    row("direct",           RQRR,         Plain,     Full,    LIGHT, Leftovers, |i| i.fast == 1),
    // rxing reads light-on-dark codes in its own passes; rqrr needs the negative.
    row("inverted",         RQRR,         Inverted,  Fast,    LIGHT, Leftovers, |i| !i.rxing),
    // rqrr inside a dark frame, for the build without rxing (see `rxing-trimmed`).
    row("trimmed",          RQRR,         Trimmed,   Fast,    HEAVY, Leftovers, |i| !i.rxing),
    // The rescue passes (rqrr's cost ten rxing looks each on a photo), see `RowGate::Rescue`.
    // First the cheapest: rxing's look once more, guessing the third finder pattern of pairs
    // left over (a corner torn, covered or washed out by glare, see engine/rxing/complete.rs);
    // where it reads the code, the rqrr looks after it are not needed.
    row("rxing-two-finders", RXING_PAIRS, Plain,    Fast,    HEAVY, Rescue,    |i| i.rxing).whole(),
    // Finder patterns taken by their eye alone (the 3×3 centre and its light ring): codes with
    // designed eyes, and outer rings thinned, broken or scratched (engine/rxing/eyes.rs).
    row("rxing-eyes",       RXING_EYES,   Plain,     Fast,    HEAVY, Rescue,    |i| i.rxing).without_stray_finders(),
    row("rxing-binarized",  RXING,        Binarized, Fast,    HEAVY, Rescue,    |i| i.rxing),
    row("rxing-enhanced",   RXING,        Enhanced,  Fast,    HEAVY, Rescue,    |i| i.rxing),
    row("padded",           RQRR,         Padded,    Fast,    LIGHT, Rescue,    |_| true),
    row("binarized",        RQRR,         Binarized, Fast,    HEAVY, Rescue,    |_| true),
    // rqrr on an upscaled noisy photo can spend a second grouping candidates: only small images
    // (screenshots, icons) get its upscaled passes. Pixel replication keeps the 1-pixel modules
    // of screenshots crisp; bilinear suits photos. Not with rxing on: rxing reads 1-pixel
    // modules itself and rxing-upscaled the resampled ones, and these two passes read no code of
    // the 1 034 of the corpus nor of the generated tests that another pass did not, at a fifth
    // of the decoding time of the ZXing samples (two unreadable small images).
    row("upscaled",         RQRR,         Upscaled { smooth: false }, Full, HEAVY, Rescue, |i| i.small && !i.rxing && i.tiny),
    row("upscaled-smooth",  RQRR,         Upscaled { smooth: true },  Full, HEAVY, Rescue, |i| i.small && !i.rxing && i.tiny),
    // rqrr's threshold after a contrast stretch: a faint print under a brightness gradient,
    // which neither rxing's hybrid threshold nor the Sauvola one separate. With rxing on, only
    // on small images: on the photographs it read nothing that another pass did not.
    row("enhanced",         RQRR,         Enhanced,  Fast,    HEAVY, Rescue,    |i| !i.rxing || i.small),
    // A code photographed at a steep angle (a poster seen from the side or from below) has
    // modules two to four times as long one way as the other: rxing's finder-pattern test
    // rejects such patterns, and at two or three pixels across its threshold's blocks blur them.
    // A copy stretched by √2 one way and shrunk by √2 the other (as many pixels, so one more
    // look's cost) brings them within reach. Last, and only where nothing at all was read: on
    // the BoofCV photographs nothing pointed at such a code (no finder pattern of it passed;
    // what evidence there was lay elsewhere), so these look at the whole image even after the
    // rescue passes went to crops, never at a crop. At most a megapixel (`STRETCHED_PIXELS`):
    // the steep codes are small (modules of two pixels across), and at rxing's first-look size
    // (four megapixels) the two looks took 481 ms of the corpus's decoding instead of 186, for
    // one code more (glare).
    row("rxing-wide",       RXING,        Stretched(Across), Megapixel, HEAVY, NothingRead, |i| i.rxing && !i.crop).whole().without_stray_finders(),
    row("rxing-tall",       RXING,        Stretched(Down),   Megapixel, HEAVY, NothingRead, |i| i.rxing && !i.crop).whole().without_stray_finders(),
];

/// How many codes read make a sheet (`Gate::Sheet`): more than a photo of a code or of two
/// side by side.
pub(super) const SHEET_CODES: usize = 3;

/// The most pixels the stretched looks see (`Scale::Megapixel`): large photos are
/// box-downscaled to it first.
const STRETCHED_PIXELS: u64 = 1_000_000;

/// The passes for this image, cheapest first. `whole_pixels` is the size of the whole image
/// when `image` is a crop of it: the upscaled passes are for small images (tiny modules), not
/// for small crops of a large photo.
pub(super) fn plan(image: &GrayImage, whole_pixels: u64, options: &DecodeOptions) -> Vec<Pass> {
    let pixels = u64::from(image.width()) * u64::from(image.height());
    let look = Image {
        rxing: cfg!(feature = "rxing") && options.rxing,
        small: whole_pixels <= options.upscale_max_pixels,
        tiny: pixels <= options.upscale_max_pixels / 2,
        crop: pixels < whole_pixels,
        pixels,
        fast: factor_under(pixels, options.fast_pass_pixels),
        first: factor_under(pixels, options.rxing_first_pixels),
        longest_side: image.width().max(image.height()),
    };
    PLAN.iter()
        .filter(|row| (row.when)(&look))
        .map(|row| Pass {
            name: row.name,
            engine: row.engine,
            prep: row.prep,
            factor: match row.scale {
                Full => 1,
                Fast => look.fast,
                First => look.first,
                Coarse(times) => look.first * times,
                Half => 2,
                Megapixel => factor_under(pixels, STRETCHED_PIXELS),
            },
            heavy: row.heavy,
            whole: row.whole,
            gate: match row.gate {
                Leftovers => Gate::Leftovers,
                Sheet => Gate::Sheet,
                NothingRead => Gate::NothingRead,
                Rescue if look.rxing && !look.small => Gate::Evidence,
                Rescue => Gate::Leftovers,
            },
            keeps_stray_finders: row.keeps_stray_finders,
            keeps_undecoded: row.keeps_undecoded,
        })
        .collect()
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

    /// The plan, pass by pass, for a photo and a screenshot-sized image, with and without
    /// rxing: the order of the table with each row's condition applied.
    #[test]
    fn plans_for_photos_and_small_images() {
        let names = |width, height, rxing| -> Vec<&'static str> {
            let options = DecodeOptions {
                rxing,
                ..DecodeOptions::default()
            };
            let image = GrayImage::new(width, height);
            let whole = u64::from(width) * u64::from(height);
            plan(&image, whole, &options)
                .iter()
                .map(|p| p.name)
                .collect()
        };
        #[cfg(feature = "rxing")]
        {
            assert_eq!(
                names(4000, 3000, true),
                [
                    "rxing",
                    "rxing-full",
                    "rxing-global",
                    "rxing-pyramid",
                    "rxing-pyramid-6",
                    "rxing-pyramid-9",
                    "rxing-padded",
                    "rxing-trimmed",
                    "rxing-two-finders",
                    "rxing-eyes",
                    "rxing-binarized",
                    "rxing-enhanced",
                    "padded",
                    "binarized",
                    "rxing-wide",
                    "rxing-tall"
                ]
            );
            assert_eq!(
                names(300, 300, true),
                [
                    "rxing",
                    "rxing-global",
                    "rxing-pyramid",
                    "rxing-padded",
                    "rxing-trimmed",
                    "rxing-upscaled",
                    "direct",
                    "rxing-two-finders",
                    "rxing-eyes",
                    "rxing-binarized",
                    "rxing-enhanced",
                    "padded",
                    "binarized",
                    "enhanced",
                    "rxing-wide",
                    "rxing-tall"
                ]
            );
        }
        // Without the feature, asking for rxing plans rqrr alone.
        for rxing in [false, !cfg!(feature = "rxing")] {
            assert_eq!(
                names(4000, 3000, rxing),
                [
                    "downscaled",
                    "tiled",
                    "inverted",
                    "trimmed",
                    "padded",
                    "binarized",
                    "enhanced"
                ]
            );
            assert_eq!(
                names(300, 300, rxing),
                [
                    "direct",
                    "inverted",
                    "trimmed",
                    "padded",
                    "binarized",
                    "upscaled",
                    "upscaled-smooth",
                    "enhanced"
                ]
            );
        }
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
        assert_eq!(gate_of(&photo, "rxing-full"), Some(Gate::Sheet));
        // rqrr's look at a large image is `padded` alone (see `plan`).
        assert!(photo.iter().all(|p| p.name != "downscaled"));
        for rescue in [
            "padded",
            "binarized",
            "rxing-two-finders",
            "rxing-eyes",
            "rxing-binarized",
            "rxing-enhanced",
        ] {
            assert_eq!(gate_of(&photo, rescue), Some(Gate::Evidence), "{rescue}");
        }
        let small = plan(&GrayImage::new(300, 300), 90_000, &options);
        let stretched = ["rxing-wide", "rxing-tall"];
        assert!(
            small
                .iter()
                .all(|p| p.gate == Gate::Leftovers || stretched.contains(&p.name))
        );
        // The stretched looks, last, only while nothing was read, and never on a crop (they
        // are for a code nothing pointed at).
        for plan in [&photo, &small] {
            let names: Vec<&str> = plan.iter().map(|p| p.name).collect();
            assert_eq!(names[names.len() - 2..], stretched);
            for name in stretched {
                assert_eq!(gate_of(plan, name), Some(Gate::NothingRead), "{name}");
            }
        }
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
        assert!(crop.iter().all(|p| !stretched.contains(&p.name)));
        // rqrr's first look follows rxing's cheap ones, so that a rescue pass (which moves the
        // work to crops) does not keep rxing-padded from the whole image.
        let position = |plan: &[Pass], name: &str| plan.iter().position(|p| p.name == name);
        assert!(position(&photo, "rxing-padded") < position(&photo, "padded"));
        assert!(position(&small, "rxing-upscaled") < position(&small, "direct"));
    }
}
