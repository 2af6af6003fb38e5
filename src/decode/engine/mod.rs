//! The decoder engines behind one shape: `Engine::read` takes a prepared copy of the image and
//! returns what it `Found` there, in that copy's pixels.
//!
//! `rqrr` is always built; `rxing` (rxing's port of zxing-cpp's QR reader, with our faster
//! threshold and finder-pattern stages, the Model 1 repair and the format-information reader
//! under `rxing/`) only with the `rxing` cargo feature. What a pass gives an engine is a
//! greyscale image or a thresholded bitmap (`Prepared`); what comes back is the decoded and the
//! detected-but-unreadable symbols, and the leftovers that make later passes worth running:
//! grids sampled from three finder patterns that did not decode, and finder patterns no decoded
//! code used (rxing only; rqrr reports neither). Codes already read (`Known`) are not read again
//! where the engine can skip them (rxing). Mapping back to the image's pixels is the pass's
//! job (`pass.rs`), not the engine's.

mod rqrr;
#[cfg(feature = "rxing")]
mod rxing;
#[cfg(feature = "rxing")]
use rxing::Extras;

use std::borrow::Cow;
use std::sync::atomic::AtomicBool;

use image::GrayImage;

use super::Symbol;
use super::geometry::Quad;
use super::leftovers::Known;

/// Which engine a pass uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Engine {
    Rqrr,
    /// rxing, with the threshold that turns the greyscale image into its bit matrix. Only
    /// planned when the `rxing` feature is built (see `plan.rs`).
    Rxing(Threshold),
    /// rxing with its hybrid threshold, which also completes pairs of finder patterns left over
    /// to triples (a code with one pattern torn or covered).
    RxingCompleting,
    /// rxing with its hybrid threshold, which also takes finder patterns by their eye alone (a
    /// designed, thinned or broken outer ring).
    RxingEyes,
}

/// How rxing turns the greyscale image into the bit matrix its detector reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Threshold {
    /// zxing's local-block threshold: robust to uneven light, the default.
    Hybrid,
    /// One threshold from the histogram of the whole image: it keeps the module edges of two
    /// neighbouring codes, or of a sharp screenshot, where the 8-pixel blocks of the hybrid
    /// threshold smear them.
    Global,
}

/// The copy of the image a pass hands to its engine.
pub(super) enum Prepared<'a> {
    /// A greyscale image, for the engine's own threshold.
    Grey(Cow<'a, GrayImage>),
    /// An image already thresholded: `dark[y * width + x]` is whether that pixel is dark.
    Dark {
        width: usize,
        height: usize,
        dark: Cow<'a, [bool]>,
    },
}

impl Prepared<'_> {
    /// The same copy owning its pixels, to be kept beyond the image it was made from.
    pub(super) fn into_owned(self) -> Prepared<'static> {
        match self {
            Prepared::Grey(grey) => Prepared::Grey(Cow::Owned(grey.into_owned())),
            Prepared::Dark {
                width,
                height,
                dark,
            } => Prepared::Dark {
                width,
                height,
                dark: Cow::Owned(dark.into_owned()),
            },
        }
    }

    /// The same copy, borrowed: what an engine is handed when the copy is kept for later passes.
    pub(super) fn view(&self) -> Prepared<'_> {
        match self {
            Prepared::Grey(grey) => Prepared::Grey(Cow::Borrowed(grey.as_ref())),
            Prepared::Dark {
                width,
                height,
                dark,
            } => Prepared::Dark {
                width: *width,
                height: *height,
                dark: Cow::Borrowed(dark.as_ref()),
            },
        }
    }
}

/// What one engine run found, in the pixels of the image it was given.
#[derive(Debug, Default)]
pub(super) struct Found {
    pub symbols: Vec<Symbol>,
    /// Quadrilaterals sampled from a finder-pattern triple whose grid did not decode.
    pub undecoded_regions: Vec<Quad>,
    /// Finder patterns that no decoded symbol used, as (x, y, size in pixels): the part of a
    /// code the detector saw without finding the rest (two of three patterns, say).
    pub stray_finders: Vec<[f32; 3]>,
}

impl Engine {
    /// Reads every QR symbol in `image`. `known` are the codes already read, in `image`'s
    /// pixels; an engine that can skips them (their leftovers do not come back either). Once
    /// `cancel` is set the engine stops trying candidates and returns what it has.
    pub(super) fn read(
        self,
        image: Prepared<'_>,
        pass: &'static str,
        known: &[Known],
        cancel: &AtomicBool,
    ) -> Found {
        match self {
            Engine::Rqrr => rqrr::read(image, pass, cancel),
            #[cfg(feature = "rxing")]
            Engine::Rxing(threshold) => {
                rxing::read(image, threshold, Extras::default(), pass, known, cancel)
            }
            #[cfg(feature = "rxing")]
            Engine::RxingCompleting | Engine::RxingEyes => {
                let extras = Extras {
                    complete_pairs: self == Engine::RxingCompleting,
                    eyes: self == Engine::RxingEyes,
                };
                rxing::read(image, Threshold::Hybrid, extras, pass, known, cancel)
            }
            // Never planned without the feature (`plan.rs` plans rxing's rows only when it is
            // built): a build without rxing reads nothing with it.
            #[cfg(not(feature = "rxing"))]
            Engine::Rxing(_) | Engine::RxingCompleting | Engine::RxingEyes => {
                let _ = (known, cancel);
                Found::default()
            }
        }
    }
}
