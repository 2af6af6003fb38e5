//! The time budget of one image: load (or render) and decode it on a thread of its own, and
//! wait at most `--image-timeout` for the result. See the module comment of `scan` for what
//! happens to a thread that overruns.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use thiserror::Error;

use super::ScanConfig;
use crate::container;
use crate::decode::{self, DecodeOutcome, load};

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
}

/// Loads (or renders) and decodes on a thread of its own, waiting at most `config.image_timeout`.
pub(super) fn decode_with_budget(
    pixels: Pixels,
    config: &ScanConfig,
) -> Result<(DecodeOutcome, DecodeTiming), ImageError> {
    let cancel = Arc::new(AtomicBool::new(false));
    let (sender, receiver) = mpsc::sync_channel(1);
    let max_pixels = config.max_pixels;
    let options = config.decode.clone();
    let thread_cancel = Arc::clone(&cancel);
    let budget_started = Instant::now();
    let spawned = std::thread::Builder::new()
        .name("qraudit-decode".to_string())
        .spawn(move || {
            let load_started = Instant::now();
            let result = crate::decode::isolate::isolated(|| match pixels {
                Pixels::Encoded(bytes, format) => {
                    load::load_gray(&bytes, format, max_pixels).map_err(ImageError::Load)
                }
                Pixels::Render(job) => job.run().map_err(ImageError::Render),
            });
            let load = load_started.elapsed();
            let outcome = match result {
                Ok(Ok(image)) => {
                    let decode_started = Instant::now();
                    let outcome = decode::decode(&image, &options, &thread_cancel);
                    Ok((
                        outcome,
                        DecodeTiming {
                            load,
                            decode: decode_started.elapsed(),
                            dimensions: [image.width(), image.height()],
                        },
                    ))
                }
                Ok(Err(err)) => Err(err),
                Err(panic) => Err(ImageError::Panicked(panic.to_string())),
            };
            let _ = sender.send(outcome);
        });
    if let Err(err) = spawned {
        return Err(ImageError::NoThread(err));
    }
    match receiver.recv_timeout(
        config
            .image_timeout
            .saturating_sub(budget_started.elapsed()),
    ) {
        // A result that arrived after the budget still overran it: whether the thread finished
        // just before or just after the wait began is scheduling luck, not a property of the image.
        Ok(_) if budget_started.elapsed() > config.image_timeout => {
            Err(ImageError::TimedOut(config.image_timeout))
        }
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            cancel.store(true, Ordering::Relaxed);
            Err(ImageError::TimedOut(config.image_timeout))
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(ImageError::NoResult),
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
    #[error("image decoder panicked: {0}")]
    Panicked(String),
    #[error("cannot start a decode thread: {0}")]
    NoThread(std::io::Error),
    #[error("decode timed out after {} s (--image-timeout)", format_seconds(*.0))]
    TimedOut(Duration),
    #[error("decode thread ended without a result")]
    NoResult,
}

fn format_seconds(duration: Duration) -> String {
    let secs = duration.as_secs_f64();
    if secs.fract() == 0.0 {
        format!("{secs:.0}")
    } else {
        format!("{secs}")
    }
}
