//! The time budget of one image: load (or render) and decode it on the worker's decode thread
//! (`lane.rs`), and wait at most its budget (`--image-timeout`, or what is left of
//! `--input-timeout`) for the result. See the module comment of `scan` for what happens to a
//! thread that overruns.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use thiserror::Error;

use super::{ScanConfig, lane};
use crate::container;
use crate::decode::{self, DecodeOutcome, isolate, load};

/// How long loading and decoding took, and the image size.
pub(super) struct DecodeTiming {
    pub load: Duration,
    pub decode: Duration,
    pub dimensions: [u32; 2],
}

pub(super) fn round_ms(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1e5).round() / 100.0
}

/// Where the pixels of one decode come from.
pub(super) enum Pixels {
    /// The bytes of an image file, already sniffed.
    Encoded(Vec<u8>, load::Format),
    /// A drawing from a container (an SVG, a PDF page), rasterised on the decode thread so that
    /// rendering counts against the same time budget.
    Render(container::Render),
    /// A raster already in memory (`scan_gray`).
    Gray(image::GrayImage),
}

/// How long one decode may take, and the flag that set it (named in the timeout error).
#[derive(Debug, Clone, Copy)]
pub(super) struct Budget {
    pub time: Duration,
    pub flag: &'static str,
}

impl Budget {
    pub fn image(config: &ScanConfig) -> Budget {
        Budget {
            time: config.image_timeout,
            flag: "--image-timeout",
        }
    }
}

/// Why one image (or drawing) yielded no decode; the input's report says it in these words.
#[derive(Debug, Error)]
pub(super) enum ImageError {
    #[error(transparent)]
    Load(load::LoadError),
    /// A container's drawing could not be rasterised (the renderer's own words).
    #[error("{0}")]
    Render(String),
    /// A panic caught in one stage, in the words of `isolate::Stage::panicked`.
    #[error("{0}")]
    Panicked(String),
    #[error("cannot start a decode thread: {0}")]
    NoThread(std::io::Error),
    #[error("decode timed out after {} s ({})", format_seconds(.0.time), .0.flag)]
    TimedOut(Budget),
    #[error("decode thread ended without a result")]
    NoResult,
}

/// Loads (or renders) and decodes on the worker's decode thread, waiting at most `budget`.
pub(super) fn decode_with_budget(
    pixels: Pixels,
    config: &ScanConfig,
    budget: Budget,
) -> Result<(DecodeOutcome, DecodeTiming), ImageError> {
    let cancel = Arc::new(AtomicBool::new(false));
    let (sender, receiver) = mpsc::sync_channel(1);
    let max_pixels = config.max_pixels;
    let options = config.decode.clone();
    let thread_cancel = Arc::clone(&cancel);
    let budget_started = Instant::now();
    let queued = lane::run(Box::new(move || {
        let load_started = Instant::now();
        let (stage, result) = match pixels {
            Pixels::Encoded(bytes, format) => (
                isolate::Stage::ImageLoad,
                isolate::isolated(|| {
                    isolate::inject_panic_if_asked(isolate::Stage::ImageLoad, &bytes);
                    load::load_gray(&bytes, format, max_pixels).map_err(ImageError::Load)
                }),
            ),
            Pixels::Render(job) => (
                isolate::Stage::Render,
                isolate::isolated(|| job.run().map_err(ImageError::Render)),
            ),
            Pixels::Gray(image) => (isolate::Stage::ImageLoad, Ok(Ok(image))),
        };
        let load = load_started.elapsed();
        let outcome = match result {
            Ok(Ok(image)) => {
                // Shared with the passes that run ahead on an idle core (`decode_shared`).
                let image = Arc::new(image);
                let decode_started = Instant::now();
                // Each pass is isolated inside `decode`; this catches what runs between
                // them (merging, crops, the quiet-zone measure).
                isolate::isolated(|| {
                    if is_uniform(&image) {
                        DecodeOutcome::default()
                    } else {
                        decode::decode_shared(Arc::clone(&image), &options, &thread_cancel)
                    }
                })
                .map(|outcome| {
                    (
                        outcome,
                        DecodeTiming {
                            load,
                            decode: decode_started.elapsed(),
                            dimensions: [image.width(), image.height()],
                        },
                    )
                })
                .map_err(|panic| ImageError::Panicked(isolate::Stage::Decode.panicked(&panic)))
            }
            Ok(Err(err)) => Err(err),
            Err(panic) => Err(ImageError::Panicked(stage.panicked(&panic))),
        };
        let _ = sender.send(outcome);
    }));
    if let Err(err) = queued {
        return Err(ImageError::NoThread(err));
    }
    match receiver.recv_timeout(budget.time.saturating_sub(budget_started.elapsed())) {
        // A result that arrived after the budget still overran it: whether the thread finished
        // just before or just after the wait began is scheduling luck, not a property of the image.
        Ok(_) if budget_started.elapsed() > budget.time => Err(ImageError::TimedOut(budget)),
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            cancel.store(true, Ordering::Relaxed);
            // The image keeps its thread until it stops; the next one gets a new thread.
            lane::abandon();
            Err(ImageError::TimedOut(budget))
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            lane::abandon();
            Err(ImageError::NoResult)
        }
    }
}

/// True when every pixel of `image` has the same grey: such a raster (a blank PDF page, an
/// empty SVG) holds no code, and the decoder passes would spend milliseconds each proving it,
/// which a PDF of 10 000 blank pages multiplies into minutes.
fn is_uniform(image: &image::GrayImage) -> bool {
    let raw = image.as_raw();
    raw.first()
        .is_none_or(|&first| raw.iter().all(|&p| p == first))
}

pub(super) fn format_seconds(duration: Duration) -> String {
    let secs = duration.as_secs_f64();
    if secs.fract() == 0.0 {
        format!("{secs:.0}")
    } else {
        format!("{secs}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_raster_of_one_grey_is_uniform() {
        assert!(is_uniform(&image::GrayImage::from_pixel(
            9,
            4,
            image::Luma([255])
        )));
        assert!(is_uniform(&image::GrayImage::new(0, 0)));
        let mut dot = image::GrayImage::from_pixel(9, 4, image::Luma([255]));
        dot.put_pixel(8, 3, image::Luma([254]));
        assert!(!is_uniform(&dot));
    }
}
