//! The load-only floor of a scan: how long it takes just to read each image file from disk and
//! decode it to the greyscale raster the decoder starts from, with nothing else done (no QR
//! decoding, no audit, no report). It uses the scanner's own public loading functions,
//! `qraudit::decode::load::sniff_image` and then `load_gray` with the scan's default
//! `--max-pixels`, and the same shape of work as `qraudit scan --jobs N`: N worker threads pull
//! the files from one shared queue. `bench/bench.py` runs it on the same files as the scan, with
//! `--jobs 1` and with every core, so that the scan's end-to-end wall clock can be read against
//! the time no scanner could go below without loading images faster (issue 19: end to end at
//! most 1.3 × this floor).
//!
//! ```text
//! cargo run --release --example load_floor -- [--jobs N] FILES...
//! ```
//!
//! Prints one JSON line: `{"images": n, "errors": e, "wall_ms": total, "load_ms": [...]}`, where
//! `load_ms` holds each input's read + sniff + decode time in milliseconds, in input order. A
//! file that cannot be read, is not a recognised image or fails to decode counts in `errors`
//! (its time is still listed) and is named on stderr; the exit status is 0 unless the arguments
//! are wrong.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use qraudit::decode::load;

/// `qraudit scan`'s default `--max-pixels` (src/app/cli.rs).
const MAX_PIXELS: u64 = 100_000_000;

const USAGE: &str = "usage: load_floor [--jobs N] FILES...";

/// One input's outcome: milliseconds spent and the error, if any.
struct Loaded {
    ms: f64,
    error: Option<String>,
}

fn load_one(path: &PathBuf) -> Loaded {
    let started = Instant::now();
    let error = match std::fs::read(path) {
        Err(e) => Some(format!("cannot read: {e}")),
        Ok(bytes) => match load::sniff_image(&bytes) {
            None => Some("not a recognised image".to_string()),
            Some(format) => match load::load_gray(&bytes, format, MAX_PIXELS) {
                Ok(image) => {
                    // Keep the raster alive until here, so the decode is not optimised away.
                    std::hint::black_box(&image);
                    None
                }
                Err(e) => Some(e.to_string()),
            },
        },
    };
    Loaded {
        ms: started.elapsed().as_secs_f64() * 1000.0,
        error,
    }
}

fn parse_args() -> Result<(usize, Vec<PathBuf>), String> {
    let mut jobs = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let mut files = Vec::new();
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--jobs" || arg == "-j" {
            let value = args.next().ok_or("--jobs needs a number")?;
            jobs = value
                .to_str()
                .and_then(|v| v.parse::<usize>().ok())
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("--jobs: not a positive number: {value:?}"))?;
        } else if arg == "--help" || arg == "-h" {
            return Err(USAGE.to_string());
        } else {
            files.push(PathBuf::from(arg));
        }
    }
    if files.is_empty() {
        return Err(USAGE.to_string());
    }
    Ok((jobs, files))
}

fn main() -> ExitCode {
    // The scanner's own allocator settings (src/main.rs), so that the floor loads as it does.
    qraudit::app::allocator::keep_large_buffers();
    let (jobs, files) = match parse_args() {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let workers = jobs.min(files.len());
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Loaded>>> = Mutex::new((0..files.len()).map(|_| None).collect());

    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = files.get(index) else { break };
                    let loaded = load_one(path);
                    // A poisoned lock only means another worker panicked; its slots stay empty
                    // and are counted as errors below.
                    let mut slots = results.lock().unwrap_or_else(|e| e.into_inner());
                    if let Some(slot) = slots.get_mut(index) {
                        *slot = Some(loaded);
                    }
                }
            });
        }
    });
    let wall_ms = started.elapsed().as_secs_f64() * 1000.0;

    let slots = results.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut errors = 0usize;
    let mut load_ms = Vec::with_capacity(slots.len());
    for (path, slot) in files.iter().zip(slots) {
        match slot {
            Some(loaded) => {
                if let Some(error) = loaded.error {
                    errors += 1;
                    eprintln!("{}: {error}", path.display());
                }
                load_ms.push(format!("{:.3}", loaded.ms));
            }
            None => {
                errors += 1;
                eprintln!("{}: no result (worker ended early)", path.display());
                load_ms.push("null".to_string());
            }
        }
    }
    println!(
        "{{\"images\": {}, \"errors\": {errors}, \"wall_ms\": {wall_ms:.3}, \"load_ms\": [{}]}}",
        files.len(),
        load_ms.join(", ")
    );
    ExitCode::SUCCESS
}
