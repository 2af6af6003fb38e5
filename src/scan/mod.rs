//! The scan driver: walks the inputs, decodes them in parallel, analyses every code, applies the
//! cross-code rules and assembles the report.
//!
//! Inputs are streamed: the walk is lazy and a pool of `jobs` workers pulls from it, so memory is
//! bounded by a few images per worker, not by the size of the tree. Each result is handed to the
//! caller as soon as it is done (for JSONL and the progress bar) and kept, redacted, for the final
//! report. Bad input never ends a run: every problem with one input becomes that input's error.
//!
//! Time budget: each image is loaded and decoded on a thread other than the worker's (one kept
//! per worker from image to image, `lane.rs`), and the worker waits at most `image_timeout` for
//! it. An image that overruns is reported as an error and its thread is told to stop at the next
//! pass boundary and detached: a decoder call cannot be interrupted from outside, so in the worst
//! case it keeps one core busy until it returns or the process exits, but the report is never
//! held up by it. (A killable worker process would also reclaim that core; it costs a process
//! per batch and serialising images across a pipe, and has not been needed so far.)

pub(crate) mod analyze;
mod budget;
pub mod cache;
mod lane;

use budget::{Budget, Pixels, format_seconds, round_ms};

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rayon::iter::{ParallelBridge, ParallelIterator};
use thiserror::Error;

use crate::container::config_xml::{self, ConfigUrl};
use crate::container::{self, ContainerLimits, Content, Expansion};
use crate::decode::{self, DecodeOptions};
use crate::decode::{isolate, load};
use crate::finish::crosscode::SametimeCode;
use crate::finish::model::InputEntry;
use crate::finish::suppress::Suppressor;
use crate::finish::{self, Note, Unfinished};
use crate::report::model::{Report, Status, Timing};
use crate::scan::analyze::{
    AnalysisOptions, AnalyzedCode, analyze_config_url, analyze_symbol, analyze_text,
};
use crate::source::{self, Input, Provenance, Shard, SourceError, WalkOptions};

/// Everything a scan needs, fully resolved from flags and the policy file.
#[derive(Debug, Clone)]
pub struct ScanConfig {
    pub paths: Vec<PathBuf>,
    pub walk: WalkOptions,
    /// Worker threads; 0 means one per core.
    pub jobs: usize,
    /// Time budget of one image decode, and of opening one container.
    pub image_timeout: Duration,
    /// Time budget of one input as a whole: a container with everything inside it.
    pub input_timeout: Duration,
    pub max_pixels: u64,
    pub max_file_size: u64,
    pub decode: DecodeOptions,
    pub analysis: AnalysisOptions,
    /// Bounds on opening mails, mboxes, PDFs, SVGs and zips.
    pub containers: ContainerLimits,
    /// Record per-input timings in the report.
    pub timings: bool,
    /// Scan only this shard of the inputs.
    pub shard: Option<Shard>,
    /// Baseline and ignore entries.
    pub suppress: Suppressor,
    /// `--cache DIR`: decoded images remembered across runs (`cache`).
    pub cache: Option<std::sync::Arc<cache::DecodeCache>>,
}

impl Default for ScanConfig {
    fn default() -> Self {
        ScanConfig {
            paths: Vec::new(),
            walk: WalkOptions::default(),
            jobs: 0,
            image_timeout: Duration::from_secs(10),
            input_timeout: Duration::from_secs(300),
            max_pixels: 100_000_000,
            max_file_size: 256 << 20,
            decode: DecodeOptions::default(),
            analysis: AnalysisOptions::default(),
            containers: ContainerLimits::default(),
            timings: false,
            shard: None,
            suppress: Suppressor::default(),
            cache: None,
        }
    }
}

/// Errors that stop a scan before it starts (bad flags); per-input problems are never these.
#[derive(Debug, Error)]
pub enum ScanError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error("cannot start {jobs} worker threads: {reason}")]
    Pool { jobs: usize, reason: String },
}

/// One finished input, with what the cross-code rules need.
struct Processed {
    entry: InputEntry,
    /// The input's Sametime codes (their `input` index is set when the report is assembled).
    provisionings: Vec<SametimeCode>,
}

/// Scans every input under `config.paths`. `on_start` is told (from the worker threads) the
/// display path of each input as its work begins: what a progress bar shows as the current
/// file. `on_input` sees each input's finished entry in walk order, as soon as it and every input before
/// it are done (so JSON Lines come in the JSON report's order on every run, whatever `--jobs`;
/// one slow input holds back the lines after it, never their work); the returned report lists
/// inputs in walk order.
pub fn scan(
    config: &ScanConfig,
    on_start: &(dyn Fn(&str) + Sync),
    on_input: &mut dyn FnMut(&InputEntry),
) -> Result<Report, ScanError> {
    let walk = source::walk(&config.paths, &config.walk)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.jobs)
        .thread_name(|i| format!("qraudit-worker-{i}"))
        .build()
        .map_err(|err| ScanError::Pool {
            jobs: config.jobs,
            reason: err.to_string(),
        })?;
    let (sender, receiver) = mpsc::channel::<(usize, usize, Processed)>();
    let mut finished: Vec<(usize, Processed)> = Vec::new();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            pool.install(|| {
                // Sharding filters the walk itself, so a shard never even reads the others' files.
                // Positions are counted before the filter: they are positions in the whole walk,
                // which a merge of the shards orders by.
                walk.enumerate()
                    .filter(|(_, item)| {
                        let display = match item {
                            Ok(input) => &input.display,
                            Err(err) => &err.display,
                        };
                        config.shard.is_none_or(|shard| shard.includes(display))
                    })
                    // The order among the inputs this run scans, for handing them on in order.
                    .enumerate()
                    .par_bridge()
                    .for_each_with(sender, |sender, (order, (position, item))| {
                        let processed = match item {
                            Ok(input) => {
                                on_start(&input.display);
                                process_input(&input, config)
                            }
                            Err(err) => Processed {
                                entry: InputEntry::failed(err.display, err.message),
                                provisionings: Vec::new(),
                            },
                        };
                        // The receiver lives until every sender is gone; a failed send cannot happen.
                        let _ = sender.send((order, position, processed));
                    });
            });
        });
        // Inputs done out of order wait here until those before them are done.
        let mut waiting: std::collections::BTreeMap<usize, (usize, Processed)> =
            std::collections::BTreeMap::new();
        let mut next = 0;
        for (order, position, mut processed) in receiver {
            if config.shard.is_some() {
                processed.entry.walk_index = Some(position as u64);
            }
            // Fingerprints and suppressions are known per input, so streamed lines carry them.
            finish::finish_input(&mut processed.entry, &config.suppress);
            waiting.insert(order, (position, processed));
            while let Some((position, processed)) = waiting.remove(&next) {
                on_input(&processed.entry);
                finished.push((position, processed));
                next += 1;
            }
        }
        // Every order from 0 arrives once, so nothing is left; were it otherwise, no input is lost.
        for (_, (position, processed)) in std::mem::take(&mut waiting) {
            on_input(&processed.entry);
            finished.push((position, processed));
        }
    });
    finished.sort_by_key(|(position, _)| *position);
    Ok(assemble(
        finished.into_iter().map(|(_, p)| p).collect(),
        &config.analysis,
        &config.suppress,
        config.shard,
    ))
}

/// Counts the inputs a scan with `config` will look at, walking the same tree with the same
/// excludes and shard, calling `on_input` for each, until `stop` is set: the total a progress
/// bar counts towards. Only directories are listed; no file is read.
pub fn count_inputs(config: &ScanConfig, stop: &AtomicBool, on_input: &mut dyn FnMut()) {
    let Ok(walk) = source::walk(&config.paths, &config.walk) else {
        return;
    };
    for item in walk {
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let display = match &item {
            Ok(input) => &input.display,
            Err(err) => &err.display,
        };
        if config.shard.is_none_or(|shard| shard.includes(display)) {
            on_input();
        }
    }
}

/// Audits texts given directly (`qraudit check`); each text is one input named `text:N`.
pub fn check_texts(texts: &[String], analysis: &AnalysisOptions, suppress: &Suppressor) -> Report {
    let processed = texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let name = format!("text:{}", i + 1);
            let analyzed = analyze_text(&Provenance::of_input(&name), 1, text, analysis);
            let mut entry = InputEntry::new(name, Status::Ok);
            entry.media_type = Some("text/plain".to_string());
            let provisionings = collect_provisionings(&mut entry, vec![analyzed]);
            Processed {
                entry,
                provisionings,
            }
        })
        .collect();
    assemble(processed, analysis, suppress, None)
}

/// Hands the inputs, their Sametime codes and the run's notes to `finish`.
fn assemble(
    processed: Vec<Processed>,
    analysis: &AnalysisOptions,
    suppress: &Suppressor,
    shard: Option<Shard>,
) -> Report {
    let mut unfinished = Unfinished::default();
    for (input, p) in processed.into_iter().enumerate() {
        for code in p.provisionings {
            unfinished.sametime.push(SametimeCode { input, ..code });
        }
        unfinished.inputs.push(p.entry);
    }
    if !analysis.policy.hosts_checked() {
        unfinished.notes.push(Note::HostsNotChecked);
    }
    if let Some(shard) = shard {
        unfinished.notes.push(Note::Shard(shard));
    }
    finish::finish(unfinished, &analysis.policy, suppress)
}

/// Moves the analysed codes into the input's report, keeping their provisioning URLs aside. A
/// code whose analysis panicked makes the input an error.
fn collect_provisionings(entry: &mut InputEntry, codes: Vec<AnalyzedCode>) -> Vec<SametimeCode> {
    let mut provisionings = Vec::new();
    for code in codes {
        if let Some(panic) = &code.panic {
            let message = format!(
                "{} code {}: {panic}",
                code.entry.provenance, code.entry.index
            );
            entry.status = Status::Error;
            entry.error = Some(match entry.error.take() {
                Some(earlier) => format!("{earlier}; {message}"),
                None => message,
            });
        }
        if let Some(provisioning) = code.provisioning {
            provisionings.push(SametimeCode {
                input: 0,
                code: entry.codes.len(),
                provisioning,
                redactor: code.redactor,
                masking: code.masking,
            });
        }
        entry.codes.push(code.entry);
    }
    provisionings
}

/// Reads, sniffs, decodes and analyses one input. Never fails: problems become the report's error.
fn process_input(input: &Input, config: &ScanConfig) -> Processed {
    let mut processed = match source::read_input(input, config.max_file_size) {
        Ok(bytes) => {
            let file = match &input.origin {
                source::Origin::File(path) => Some(path.as_path()),
                source::Origin::Stdin => None,
            };
            examine_guarded(&input.display, file, bytes, config)
        }
        Err(err) => Processed {
            entry: InputEntry::failed(&input.display, err.to_string()),
            provisionings: Vec::new(),
        },
    };
    processed.entry.rooted_path = input.rooted.clone();
    processed.entry.scan_relative_path = Some(input.relative.clone());
    processed
}

/// `examine_bytes` with a last line of defence: every reader, decoder and parser is isolated
/// where it runs (so that what was read before a panic is kept), and this catches a panic
/// anywhere else in the handling of one input, so that it costs that input and never the run.
fn examine_guarded(
    display: &str,
    file: Option<&std::path::Path>,
    bytes: Vec<u8>,
    config: &ScanConfig,
) -> Processed {
    isolate::isolated(|| {
        isolate::inject_panic_if_asked(isolate::Stage::Scan, &bytes);
        examine_bytes(display, file, bytes, config)
    })
    .unwrap_or_else(|panic| Processed {
        entry: InputEntry::failed(display, isolate::Stage::Scan.panicked(&panic)),
        provisionings: Vec::new(),
    })
}

/// Scans one input given as bytes, as `scan` scans a file holding them, and returns the
/// report of a run over that one input. The entry point of `fuzz_entry`.
pub fn scan_bytes(display: &str, bytes: Vec<u8>, config: &ScanConfig) -> Report {
    let processed = examine_guarded(display, None, bytes, config);
    finish_alone(processed, config)
}

/// Scans inputs given as bytes (the uploads of one `serve` request), each as `scan` scans a
/// file holding them, and finishes them as one run: the cross-code rules see all of them.
/// Nothing touches the disk: a page among them reads no file it refers to.
#[cfg(feature = "serve")]
pub fn scan_uploads(uploads: Vec<(String, Vec<u8>)>, config: &ScanConfig) -> Report {
    let processed = uploads
        .into_iter()
        .map(|(name, bytes)| examine_guarded(&name, None, bytes, config))
        .collect();
    assemble(processed, &config.analysis, &config.suppress, None)
}

/// Decodes and analyses a grey raster as if an image file had decoded to it (the decoder
/// passes, then the same analysis): the entry point of `fuzz_entry` for the decoder alone.
pub fn scan_gray(display: &str, image: image::GrayImage, config: &ScanConfig) -> Report {
    let processed =
        isolate::isolated(|| image_input(display, "image/x-raw-gray", Pixels::Gray(image), config))
            .unwrap_or_else(|panic| Processed {
                entry: InputEntry::failed(display, isolate::Stage::Scan.panicked(&panic)),
                provisionings: Vec::new(),
            });
    finish_alone(processed, config)
}

/// The report of a run over the one input `processed`: fingerprints, suppressions, cross-code
/// rules and summary, as `scan` applies them.
fn finish_alone(processed: Processed, config: &ScanConfig) -> Report {
    assemble(
        vec![processed],
        &config.analysis,
        &config.suppress,
        config.shard,
    )
}

/// Sniffs, decodes and analyses the bytes of one input.
/// `file`: where the bytes were read from, when from a file (a page's references to other
/// files are resolved from there).
fn examine_bytes(
    display: &str,
    file: Option<&std::path::Path>,
    bytes: Vec<u8>,
    config: &ScanConfig,
) -> Processed {
    let started = Instant::now();
    let no_codes = |entry| Processed {
        entry,
        provisionings: Vec::new(),
    };
    let config_url = isolate::isolated(|| {
        isolate::inject_panic_if_asked(isolate::Stage::ConfigXml, &bytes);
        config_xml::extract(&bytes)
    });
    match config_url {
        Ok(Some(config_url)) => return config_file(display, &config_url, &config.analysis),
        Ok(None) => {}
        Err(panic) => {
            return no_codes(InputEntry::failed(
                display,
                isolate::Stage::ConfigXml.panicked(&panic),
            ));
        }
    }
    let Some(format) = load::sniff_image(&bytes) else {
        return match open_container(display, file, bytes, config, started) {
            Opened::Container(expansion) => process_container(display, expansion, config, started),
            Opened::NotAContainer(bytes) => no_codes(not_an_image(display, &bytes)),
            Opened::Failed(message) => no_codes(InputEntry::failed(display, message)),
        };
    };
    image_input(
        display,
        format.media_type(),
        Pixels::Encoded(bytes, format),
        config,
    )
}

/// What opening an input as a container gave.
enum Opened {
    Container(Expansion),
    /// The bytes are no container (handed back for the report on them).
    NotAContainer(Vec<u8>),
    /// Opening failed as a whole: it overran its time budget, or the reader panicked.
    Failed(String),
}

/// Opens a container on a thread of its own, within `--image-timeout` (and what is left of
/// `--input-timeout`). The readers stop at that deadline by themselves and return what they
/// found; a reader stuck inside one long call (a parser that cannot be interrupted) is given
/// up on a moment later and left to finish on its own, as a decoder that overruns is.
fn open_container(
    display: &str,
    file: Option<&std::path::Path>,
    bytes: Vec<u8>,
    config: &ScanConfig,
    input_started: Instant,
) -> Opened {
    let Some(kind) = container::sniff(&bytes) else {
        return Opened::NotAContainer(bytes);
    };
    let budget = config
        .image_timeout
        .min(config.input_timeout.saturating_sub(input_started.elapsed()));
    let deadline = Instant::now() + budget;
    let (sender, receiver) = mpsc::sync_channel(1);
    let location = Provenance::of_input(display);
    let limits = config.containers;
    // Only a page reads other files, and only inside the scanned folders (`container::local`).
    let local = match (kind, file) {
        (container::Kind::Html, Some(path)) => {
            container::LocalFiles::new(path, &config.paths, config.max_file_size)
        }
        _ => None,
    };
    let spawned = std::thread::Builder::new()
        .name("qraudit-open".to_string())
        .spawn(move || {
            let expansion = isolate::isolated(|| {
                container::expand_kind(kind, &location, &bytes, &limits, Some(deadline), local)
            });
            let _ = sender.send(expansion);
        });
    if let Err(err) = spawned {
        return Opened::Failed(format!("cannot start a thread to open the {kind:?}: {err}"));
    }
    match receiver.recv_timeout(budget + OPEN_GRACE) {
        Ok(Ok(expansion)) => Opened::Container(expansion),
        Ok(Err(panic)) => Opened::Failed(isolate::Stage::Container.panicked(&panic)),
        Err(mpsc::RecvTimeoutError::Timeout) => Opened::Failed(format!(
            "opening the {} took longer than {} s (--image-timeout); nothing inside it was scanned",
            kind.media_type(),
            format_seconds(budget)
        )),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            Opened::Failed("the container reader ended without a result".to_string())
        }
    }
}

/// How long a container reader that hit its deadline gets to hand over what it found.
const OPEN_GRACE: Duration = Duration::from_millis(250);

/// Decodes one image (file bytes, or a raster) and analyses its codes.
fn image_input(display: &str, media_type: &str, pixels: Pixels, config: &ScanConfig) -> Processed {
    let no_codes = |entry| Processed {
        entry,
        provisionings: Vec::new(),
    };
    let mut entry = InputEntry::new(display, Status::NoCode);
    entry.media_type = Some(media_type.to_string());
    let (outcome, timing) = match cache::decode_remembered(pixels, config, Budget::image(config)) {
        Ok(done) => done,
        Err(error) => {
            entry.status = Status::Error;
            entry.error = Some(error.to_string());
            return no_codes(entry);
        }
    };
    entry.dimensions = Some(timing.dimensions);
    let photograph = crate::audit::quality::is_photograph(media_type);
    let provenance = Provenance::of_input(display);
    let analyzed: Vec<AnalyzedCode> = outcome
        .symbols
        .iter()
        .enumerate()
        .map(|(i, symbol)| {
            analyze_symbol(
                &provenance,
                i as u32 + 1,
                symbol,
                photograph,
                &config.analysis,
            )
        })
        .collect();
    if !analyzed.is_empty() {
        entry.status = Status::Ok;
    }
    // A pass whose decoder panicked did not look at the image: an error, like a broken part of
    // a container, with the codes the other passes read still reported.
    if let Some(panics) = outcome.panic_summary() {
        entry.status = Status::Error;
        entry.error = Some(panics);
    }
    let provisionings = collect_provisionings(&mut entry, analyzed);
    if config.timings {
        entry.timing = Some(Timing {
            load_ms: round_ms(timing.load),
            decode_ms: round_ms(timing.decode),
        });
    }
    Processed {
        entry,
        provisionings,
    }
}

/// A stproxyconfig.xml file: its configUrl audited as if it were a decoded code, plus the
/// escaping HCL's procedure requires.
fn config_file(display: &str, config_url: &ConfigUrl, analysis: &AnalysisOptions) -> Processed {
    let mut entry = InputEntry::new(display, Status::Ok);
    entry.media_type = Some("application/xml".to_string());
    let location = Provenance::of_input(display).step("mobile/configUrl");
    let analyzed = analyze_config_url(&location, 1, config_url, analysis);
    let provisionings = collect_provisionings(&mut entry, vec![analyzed]);
    Processed {
        entry,
        provisionings,
    }
}

/// Scans what a container holds: decodes each image and drawing under the time budget, audits
/// each text, and gives every code its part's location. Problems with the container or a part
/// become the input's error; codes found before or beside them are still reported.
fn process_container(
    display: &str,
    expansion: Expansion,
    config: &ScanConfig,
    started: Instant,
) -> Processed {
    let mut entry = InputEntry::new(display, Status::NoCode);
    entry.media_type = Some(expansion.kind.media_type().to_string());
    let mut errors = expansion.errors;
    entry.warnings = expansion.notes;
    let mut analyzed: Vec<AnalyzedCode> = Vec::new();
    let mut images: u64 = 0;
    let mut load_time = Duration::ZERO;
    let mut decode_time = Duration::ZERO;
    // (location, raw text) of every code read from an image, for the duplicate check below.
    let mut read: Vec<(Provenance, String)> = Vec::new();
    // Codes are numbered per location: the symbols of one image, the URLs of one body.
    let mut next_index: HashMap<Provenance, u32> = HashMap::new();
    let total_parts = expansion.parts.len();
    for (done, part) in expansion.parts.into_iter().enumerate() {
        // The input's own budget: a container of many slow images ends here, with the parts
        // already read reported, instead of costing each part's full --image-timeout.
        let left = config.input_timeout.saturating_sub(started.elapsed());
        if left.is_zero() {
            errors.push(format!(
                "{display}: scanning stopped after {} s (--input-timeout); {} of {total_parts} parts were not scanned",
                format_seconds(config.input_timeout),
                total_parts - done
            ));
            break;
        }
        let budget = if left < config.image_timeout {
            Budget {
                time: left,
                flag: "--input-timeout",
            }
        } else {
            Budget::image(config)
        };
        let provenance = part.location;
        // As written in the report (and at the head of the part's errors and notes).
        let location = provenance.to_string();
        let photograph;
        let (pixels, optional) = match part.content {
            Content::Text(text) => {
                let index = next_index.entry(provenance.clone()).or_insert(0);
                *index += 1;
                analyzed.push(analyze_text(&provenance, *index, &text, &config.analysis));
                continue;
            }
            Content::Image(bytes) => match load::sniff_image(&bytes) {
                Some(format) => {
                    photograph = crate::audit::quality::is_photograph(format.media_type());
                    (Pixels::Encoded(bytes, format), false)
                }
                None => {
                    errors.push(format!("{location}: not a supported image"));
                    continue;
                }
            },
            Content::Render(job) => {
                photograph = false;
                let optional = job.optional;
                (Pixels::Render(job), optional)
            }
        };
        let (outcome, timing) = match cache::decode_remembered(pixels, config, budget) {
            Ok(done) => done,
            Err(error) if optional => {
                entry
                    .warnings
                    .push(format!("{location}: was not rendered: {error}"));
                continue;
            }
            Err(error) => {
                errors.push(format!("{location}: {error}"));
                continue;
            }
        };
        images += 1;
        load_time += timing.load;
        decode_time += timing.decode;
        if let Some(panics) = outcome.panic_summary() {
            errors.push(format!("{location}: {panics}"));
        }
        // A drawing's codes that were already read from an image inside it (a PDF page and its
        // embedded raster code) are not reported twice.
        let fresh: Vec<&decode::Symbol> = outcome
            .symbols
            .iter()
            .filter(|symbol| match &symbol.text {
                Some(text) => !read
                    .iter()
                    .any(|(at, seen)| at.is_inside(&provenance) && seen == text),
                None => true,
            })
            .collect();
        for symbol in fresh {
            let index = next_index.entry(provenance.clone()).or_insert(0);
            *index += 1;
            analyzed.push(analyze_symbol(
                &provenance,
                *index,
                symbol,
                photograph,
                &config.analysis,
            ));
            if let Some(text) = &symbol.text {
                read.push((provenance.clone(), text.clone()));
            }
        }
    }
    entry.images = Some(images);
    if !analyzed.is_empty() {
        entry.status = Status::Ok;
    }
    if !errors.is_empty() {
        entry.status = Status::Error;
        // The input's own path is already the report's `path` (and the head of the stderr line):
        // a problem with the container itself is named by its reason alone, a problem inside it
        // keeps the part's location.
        let own = format!("{display}: ");
        let reasons: Vec<&str> = errors
            .iter()
            .map(|error| error.strip_prefix(&own).unwrap_or(error))
            .collect();
        entry.error = Some(reasons.join("; "));
    }
    let provisionings = collect_provisionings(&mut entry, analyzed);
    if config.timings {
        entry.timing = Some(Timing {
            load_ms: round_ms(load_time),
            decode_ms: round_ms(decode_time),
        });
    }
    Processed {
        entry,
        provisionings,
    }
}

/// The report for bytes that are no image qraudit decodes: an error when they are a known image
/// format that this build cannot decode (a code may be in it: never a silent skip), else
/// skipped, unless the name promises an image or a mail (then the file is a broken asset, and
/// that is an error a CI run must see).
fn not_an_image(display: &str, bytes: &[u8]) -> InputEntry {
    if let Some(unsupported) = crate::decode::formats::unsupported_image(bytes) {
        let mut entry = InputEntry::failed(display, unsupported.to_string());
        entry.media_type = Some(unsupported.media_type.to_string());
        return entry;
    }
    let extension = std::path::Path::new(display)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let claims_image = matches!(
        extension.as_deref(),
        Some(
            "png"
                | "jpg"
                | "jpeg"
                | "gif"
                | "bmp"
                | "webp"
                | "tif"
                | "tiff"
                | "ico"
                | "cur"
                | "qoi"
                | "pbm"
                | "pgm"
                | "ppm"
                | "pnm"
                | "avif"
                | "heic"
                | "heif"
        )
    );
    let what = if bytes.is_empty() {
        "empty file".to_string()
    } else {
        format!("not an image ({})", describe_bytes(bytes))
    };
    match extension {
        Some(ext) if claims_image => {
            InputEntry::failed(display, format!("named .{ext} but {what}"))
        }
        // An Outlook message whose compound-file structure is damaged is no message to the
        // container sniffer; the name says what it was meant to be.
        Some(ext) if ext == "msg" && !bytes.is_empty() => InputEntry::failed(
            display,
            if bytes.starts_with(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") {
                "named .msg but its Compound File Binary structure cannot be read (a damaged or \
                 truncated Outlook message)"
                    .to_string()
            } else {
                format!(
                    "named .msg but not an Outlook message ({})",
                    describe_bytes(bytes)
                )
            },
        ),
        _ => {
            let mut entry = InputEntry::new(display, Status::Skipped);
            entry.reason = Some(what);
            entry
        }
    }
}

/// A few words on what unknown bytes look like.
fn describe_bytes(bytes: &[u8]) -> String {
    let head = &bytes[..bytes.len().min(512)];
    if std::str::from_utf8(head).is_ok()
        || head
            .iter()
            .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace())
    {
        "text".to_string()
    } else if let Some(what) = crate::decode::formats::describe_other(bytes) {
        what.to_string()
    } else {
        let magic = crate::text::escapes::hex(&head[..head.len().min(4)]);
        format!("unknown binary data starting with {magic}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::{Kind, Part, Render};

    const URL: &str = "hclsametime://stproxy.example.com/?action=AddCommunity";

    fn code_image() -> image::GrayImage {
        qrcode::QrCode::new(URL.as_bytes())
            .unwrap()
            .render::<image::Luma<u8>>()
            .module_dimensions(6, 6)
            .build()
    }

    fn part(location: &str, content: Content) -> Part {
        Part {
            location: Provenance::read("f.pdf", location),
            content,
        }
    }

    #[test]
    fn container_parts_keep_codes_beside_failures_and_skip_repeats() {
        let mut png = Vec::new();
        code_image()
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let expansion = Expansion {
            kind: Kind::Pdf,
            parts: vec![
                part("f.pdf!page-1!Im1", Content::Image(png)),
                // The page rendering shows the same code again: not reported twice.
                part(
                    "f.pdf!page-1",
                    Content::Render(Render::new(|| Ok(code_image()), true)),
                ),
                part(
                    "f.pdf!page-2",
                    Content::Render(Render::new(|| Err("no renderer".to_string()), true)),
                ),
                part("f.pdf!page-3!Im1", Content::Image(b"not an image".to_vec())),
                part("f.pdf!page-3", Content::Text(URL.to_string())),
            ],
            errors: vec!["f.pdf!page-4: something broke".to_string()],
            notes: Vec::new(),
        };
        let processed =
            process_container("f.pdf", expansion, &ScanConfig::default(), Instant::now());
        let entry = processed.entry;
        let found: Vec<(String, u32)> = entry
            .codes
            .iter()
            .map(|c| (c.provenance.to_string(), c.index))
            .collect();
        assert_eq!(
            found,
            vec![
                ("f.pdf!page-1!Im1".to_string(), 1),
                ("f.pdf!page-3".to_string(), 1)
            ]
        );
        assert_eq!(entry.images, Some(2));
        assert_eq!(entry.status, Status::Error);
        assert_eq!(
            entry.error.as_deref(),
            Some("f.pdf!page-4: something broke; f.pdf!page-3!Im1: not a supported image")
        );
        assert_eq!(
            entry.warnings,
            vec!["f.pdf!page-2: was not rendered: no renderer".to_string()]
        );
        assert_eq!(entry.media_type.as_deref(), Some("application/pdf"));
        assert_eq!(processed.provisionings.len(), 2);
    }
}
