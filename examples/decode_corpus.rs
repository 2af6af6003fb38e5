//! The decoder's inner measuring loop: decode every image of the measurement corpus
//! (`../shared/corpus`, see its README) with `qraudit::decode::decode` and score the result
//! against the ground truth, per folder.
//!
//! ```text
//! cargo run --release --example decode_corpus                 # the zxing folders
//! cargo run --release --example decode_corpus -- boofcv       # every boofcv category
//! cargo run --release --example decode_corpus -- -v boofcv/lots zxing/qrcode-2
//! ```
//!
//! Scoring. zxing folders and `boofcv/decoding` have text truth: an image is *correct* when a
//! decoded text equals the expected text byte for byte; every other decoded text is a *misread*.
//! The other boofcv categories have corner truth: a labelled code is *read* when a decoded
//! symbol's polygon covers more than 10% of its area (the BoofCV evaluation rule); a decoded
//! symbol that covers no labelled code is counted as *stray* (there is no text truth to call it a
//! misread). Only decoding is timed (the image is loaded first), on one thread.
//!
//! One exception: the `boofcv/decoding` truth files were saved with LF line ends and without the
//! final line end, while the codes hold CRLF and end with one (rqrr and rxing both decode that,
//! independently), so there CRLF counts as LF and trailing line ends are ignored.
//!
//! Flags: `--corpus DIR` (default `../shared/corpus`), `--skip A,B` never runs those passes (what
//! a pass adds is what is lost without it), `--versus-skip A,B` decodes every image also without
//! those passes, alternately, and prints both configurations side by side (codes and time, drift
//! of the machine cancelled), `--repeat N` decodes each image N times
//! and keeps the fastest time (for comparing two builds on a noisy machine), `-v` lists every miss and misread with
//! the passes that found something, and the passes of every image slower than `--slow MS`
//! (default 50), `--first-pixels N` and `--fast-pixels N` set the sizes of `DecodeOptions`
//! (rxing's first look, the later passes) for measuring other resolutions, `--run-ahead
//! idle|never|always` says whether passes run ahead on an idle core (`DecodeOptions::run_ahead`),
//! and `--versus-run-ahead MODE` decodes every image also in that mode, alternately, and counts
//! the images whose outcomes differ in anything but time (there must be none). The table of time
//! by pass ends each run, with the time of the runs that returned nothing: what a sharper gate
//! could save. Exits 0 with a note when the corpus is absent.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use qraudit::decode::{self, DecodeOptions, DecodeOutcome, RunAhead, load};

#[derive(Default)]
struct Tally {
    images: usize,
    codes: usize,
    correct: usize,
    misread: usize,
    stray: usize,
    ms: f64,
    max_ms: f64,
    max_image: String,
    passes: BTreeMap<&'static str, usize>,
    /// Indices of the labels read (0 for an image with text truth), for `--each-pass`.
    labels_read: Vec<usize>,
}

fn main() {
    // The scanner's allocator settings (src/main.rs), so that decoding is timed as it runs there.
    qraudit::app::allocator::keep_large_buffers();
    let mut corpus = PathBuf::from("../shared/corpus");
    let mut verbose = false;
    // Print, per folder, the stage at which each code not read was lost (see `Stage`).
    let mut census = false;
    // Passes to run one by one on each whole image, printing what each read (a TSV for
    // choosing the order of passes) instead of the table.
    let mut each_pass: Vec<String> = Vec::new();
    // With -v, images that took longer than this are listed with the time of every pass.
    let mut slow_ms = 50.0;
    // Decode each image this many times and keep the fastest time: on a shared or virtual
    // machine single timings vary by ±20%, the minimum much less.
    let mut repeat = 1usize;
    // Passes never to run (the others keep their gates): what each pass adds is what is lost
    // without it.
    let mut skip: Vec<String> = Vec::new();
    // rxing's first look runs on a copy of at most this many pixels (`DecodeOptions`).
    let mut first_pixels = DecodeOptions::default().rxing_first_pixels;
    // The later passes run on a copy of at most this many pixels (`DecodeOptions`).
    let mut fast_pixels = DecodeOptions::default().fast_pass_pixels;
    // A second configuration, the same minus these passes, decoded image by image alternately
    // with the first so that the machine's drift hits both alike: what the passes add, in codes
    // and in time.
    let mut versus: Option<Vec<String>> = None;
    // Whether passes run ahead on an idle core (`DecodeOptions::run_ahead`), and a second
    // configuration that differs only in that: the outcomes must be the same image by image
    // (the run counts the images where they are not), only the times may differ.
    let mut run_ahead = RunAhead::default();
    let mut versus_run_ahead: Option<RunAhead> = None;
    let mut selections = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--corpus" => corpus = PathBuf::from(args.next().expect("--corpus DIR")),
            "-v" => verbose = true,
            "--census" => census = true,
            "--each-pass" => each_pass = pass_names(args.next(), "--each-pass"),
            "--skip" => skip = pass_names(args.next(), "--skip"),
            "--fast-pixels" => fast_pixels = number(args.next(), "--fast-pixels PIXELS"),
            "--first-pixels" => first_pixels = number(args.next(), "--first-pixels PIXELS"),
            "--versus-skip" => versus = Some(pass_names(args.next(), "--versus-skip")),
            "--run-ahead" => run_ahead = run_ahead_mode(args.next(), "--run-ahead"),
            "--versus-run-ahead" => {
                versus_run_ahead = Some(run_ahead_mode(args.next(), "--versus-run-ahead"));
            }
            "--repeat" => {
                repeat = number(args.next(), "--repeat N (at least 1)");
                assert!(repeat > 0, "--repeat N (at least 1)");
            }
            "--slow" => slow_ms = number(args.next(), "--slow MILLISECONDS"),
            _ => selections.push(arg),
        }
    }
    if !corpus.join("README.md").exists() {
        println!("corpus not found at {}: nothing measured", corpus.display());
        return;
    }
    if selections.is_empty() {
        selections.push("zxing".to_string());
    }
    let mut items = Vec::new();
    for selection in &selections {
        items.extend(list(&corpus, selection));
    }
    let options = DecodeOptions {
        skip_passes: skip,
        rxing_first_pixels: first_pixels,
        fast_pass_pixels: fast_pixels,
        run_ahead,
        ..DecodeOptions::default()
    };
    let versus_options = versus.map(|more| DecodeOptions {
        skip_passes: options.skip_passes.iter().cloned().chain(more).collect(),
        run_ahead: versus_run_ahead.unwrap_or(run_ahead),
        ..options.clone()
    });
    let versus_options = versus_options.or_else(|| {
        versus_run_ahead.map(|mode| DecodeOptions {
            run_ahead: mode,
            ..options.clone()
        })
    });
    // Images whose two outcomes differ in anything but time (`--versus-run-ahead`).
    let mut outcomes_differ: Vec<String> = Vec::new();
    let cancel = AtomicBool::new(false);
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut versus_tallies: BTreeMap<String, Tally> = BTreeMap::new();
    // Per pass: how often it ran, its total time, the symbols it returned (before merging), and
    // the time of the runs that returned none (what a better gate would save).
    let mut pass_times: BTreeMap<&'static str, PassTime> = BTreeMap::new();
    let mut stages: BTreeMap<String, BTreeMap<Stage, usize>> = BTreeMap::new();
    for item in &items {
        let bytes = std::fs::read(corpus.join(&item.relpath)).expect("reading a corpus image");
        let Some(format) = load::sniff_image(&bytes) else {
            eprintln!("{}: not an image", item.relpath);
            continue;
        };
        let image = match load::load_gray(&bytes, format, u64::MAX) {
            Ok(image) => Arc::new(image),
            Err(err) => {
                eprintln!("{}: {err}", item.relpath);
                continue;
            }
        };
        if !each_pass.is_empty() {
            for name in &each_pass {
                let only = DecodeOptions {
                    only_passes: vec![name.clone()],
                    ..options.clone()
                };
                let started = Instant::now();
                let outcome = decode::decode(&image, &only, &cancel);
                let ms = started.elapsed().as_secs_f64() * 1e3;
                if outcome.passes_run.is_empty() {
                    continue;
                }
                let mut tally = Tally::default();
                score(item, &outcome, &mut tally, false);
                let labels: Vec<String> = tally.labels_read.iter().map(|l| l.to_string()).collect();
                println!(
                    "{}\t{name}\t{ms:.2}\t{}\t{}\t{}",
                    item.relpath,
                    tally.codes,
                    labels.join(","),
                    tally.misread + tally.stray
                );
            }
            continue;
        }
        let folder = item
            .relpath
            .rsplit_once('/')
            .map_or("", |(f, _)| f)
            .to_string();
        let (outcome, ms) = timed_decode(&image, &options, &cancel, repeat);
        if let Some(versus_options) = &versus_options {
            let (versus_outcome, versus_ms) = timed_decode(&image, versus_options, &cancel, repeat);
            if versus_run_ahead.is_some()
                && outcome.result_summary() != versus_outcome.result_summary()
            {
                outcomes_differ.push(item.relpath.clone());
            }
            let tally = versus_tallies.entry(folder.clone()).or_default();
            tally.images += 1;
            tally.ms += versus_ms;
            score(item, &versus_outcome, tally, false);
        }
        for (name, pass_ms, found) in &outcome.passes_run {
            let entry = pass_times.entry(name).or_default();
            entry.runs += 1;
            entry.ms += pass_ms;
            entry.symbols += found;
            if *found == 0 {
                entry.fruitless_ms += pass_ms;
            }
        }
        let lost = stages.entry(folder.clone()).or_default();
        let tally = tallies.entry(folder).or_default();
        tally.images += 1;
        tally.ms += ms;
        if ms > tally.max_ms {
            tally.max_ms = ms;
            tally.max_image = item.relpath.clone();
        }
        if verbose && ms > slow_ms {
            let log: Vec<String> = outcome
                .passes_run
                .iter()
                .map(|(name, ms, n)| format!("{name} {ms:.0}ms/{n}"))
                .collect();
            println!("  {}: slow: {ms:.0} ms: {}", item.relpath, log.join(", "));
        }
        if let Some(panics) = outcome.panic_summary().filter(|_| verbose) {
            println!("  {}: {panics}", item.relpath);
        }
        let (read_before, labels_before) = (tally.correct, tally.labels_read.len());
        score(item, &outcome, tally, verbose);
        if census {
            let read = Read {
                any: tally.correct > read_before,
                labels: &tally.labels_read[labels_before..],
            };
            for stage in lost_at(item, &outcome, read) {
                if verbose {
                    println!("  {}: lost at: {}", item.relpath, stage.name());
                }
                *lost.entry(stage).or_default() += 1;
            }
        }
    }
    print_table(&tallies);
    if versus_options.is_some() {
        print_versus(&tallies, &versus_tallies);
        if versus_run_ahead.is_some() {
            println!(
                "outcomes with and without --versus-run-ahead: {} of {} images differ{}{}",
                outcomes_differ.len(),
                items.len(),
                if outcomes_differ.is_empty() { "" } else { ": " },
                outcomes_differ.join(", ")
            );
        }
    }
    print_pass_times(&pass_times, &tallies);
    if census {
        print_census(&stages, &tallies);
    }
}

/// The furthest stage a code that was not read got to, over all passes (issue 21's failure
/// census): what a technique aimed at that stage could win.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    /// Not one finder pattern of it was seen.
    Nothing,
    /// One finder pattern seen, no grid.
    OneFinder,
    /// Two finder patterns seen (the third torn, covered or out of shape).
    TwoFinders,
    /// Three or more finder patterns seen, but no grid sampled from them.
    ThreeFinders,
    /// A grid was sampled from three finder patterns and did not decode (rxing).
    Grid,
    /// A symbol was detected with its format information, and its data did not decode.
    Unreadable,
    /// A decoded outline touches it but covers less than the 10% the rule asks.
    OutlineOff,
}

impl Stage {
    fn name(self) -> &'static str {
        match self {
            Stage::Nothing => "nothing seen",
            Stage::OneFinder => "1 finder",
            Stage::TwoFinders => "2 finders",
            Stage::ThreeFinders => "3+ finders, no grid",
            Stage::Grid => "grid, no decode",
            Stage::Unreadable => "format read, data failed",
            Stage::OutlineOff => "outline off",
        }
    }

    const ALL: [Stage; 7] = [
        Stage::Nothing,
        Stage::OneFinder,
        Stage::TwoFinders,
        Stage::ThreeFinders,
        Stage::Grid,
        Stage::Unreadable,
        Stage::OutlineOff,
    ];
}

/// What `score` credited one image with: any code, and which labels.
#[derive(Clone, Copy)]
struct Read<'a> {
    any: bool,
    labels: &'a [usize],
}

/// The stage each code of `item` that `outcome` did not read was lost at. A code with text
/// truth is one region: the whole image.
fn lost_at(item: &Item, outcome: &DecodeOutcome, read: Read<'_>) -> Vec<Stage> {
    let regions: Vec<Option<Vec<[f64; 2]>>> = match &item.truth {
        Truth::Text(_) if !read.any => vec![None],
        Truth::Text(_) => Vec::new(),
        Truth::Polygons(labels) => labels
            .iter()
            .enumerate()
            .filter(|(i, _)| !read.labels.contains(i))
            .map(|(_, l)| Some(l.to_vec()))
            .collect(),
    };
    let inside = |region: &Option<Vec<[f64; 2]>>, p: [f32; 2]| match region {
        None => true,
        Some(poly) => contains(poly, [f64::from(p[0]), f64::from(p[1])]),
    };
    let centre = |q: &[[f32; 2]; 4]| {
        [
            q.iter().map(|c| c[0]).sum::<f32>() / 4.0,
            q.iter().map(|c| c[1]).sum::<f32>() / 4.0,
        ]
    };
    regions
        .iter()
        .map(|region| {
            let touching = outcome.symbols.iter().any(|s| {
                s.text.is_some()
                    && region.as_ref().is_some_and(|poly| {
                        let outline: Vec<[f64; 2]> = s
                            .corners
                            .iter()
                            .map(|c| [f64::from(c[0]), f64::from(c[1])])
                            .collect();
                        intersection_area(poly, &outline) > 0.0
                    })
            });
            if touching {
                return Stage::OutlineOff;
            }
            if outcome
                .symbols
                .iter()
                .any(|s| s.text.is_none() && inside(region, s.center()))
            {
                return Stage::Unreadable;
            }
            if outcome
                .evidence
                .grids
                .iter()
                .any(|g| inside(region, centre(g)))
            {
                return Stage::Grid;
            }
            // Several passes see the same pattern: count each place once.
            let mut finders: Vec<[f32; 3]> = Vec::new();
            for f in &outcome.evidence.finders {
                let seen = finders
                    .iter()
                    .any(|o| (o[0] - f[0]).abs().max((o[1] - f[1]).abs()) < 0.5 * o[2].max(f[2]));
                if !seen && inside(region, [f[0], f[1]]) {
                    finders.push(*f);
                }
            }
            match finders.len() {
                0 => Stage::Nothing,
                1 => Stage::OneFinder,
                2 => Stage::TwoFinders,
                _ => Stage::ThreeFinders,
            }
        })
        .collect()
}

/// Whether `p` lies inside the simple polygon `poly` (crossing number).
fn contains(poly: &[[f64; 2]], p: [f64; 2]) -> bool {
    let mut inside = false;
    for (i, a) in poly.iter().enumerate() {
        let b = poly[(i + 1) % poly.len()];
        if (a[1] > p[1]) != (b[1] > p[1]) {
            let x = a[0] + (p[1] - a[1]) / (b[1] - a[1]) * (b[0] - a[0]);
            if p[0] < x {
                inside = !inside;
            }
        }
    }
    inside
}

/// The census table: per folder, the codes read and the stage each missed one was lost at.
fn print_census(
    stages: &BTreeMap<String, BTreeMap<Stage, usize>>,
    tallies: &BTreeMap<String, Tally>,
) {
    println!("failure census (the furthest stage each code not read got to, over all passes):");
    let header: Vec<&str> = Stage::ALL.iter().map(|s| s.name()).collect();
    println!("| folder | codes | read | {} |", header.join(" | "));
    println!("|---|---|---|{}", "---|".repeat(header.len()));
    let mut totals = [0usize; Stage::ALL.len()];
    let (mut codes, mut read) = (0, 0);
    for (folder, tally) in tallies {
        let lost = stages.get(folder);
        let cells: Vec<String> = Stage::ALL
            .iter()
            .enumerate()
            .map(|(i, stage)| {
                let n = lost.and_then(|l| l.get(stage)).copied().unwrap_or(0);
                totals[i] += n;
                n.to_string()
            })
            .collect();
        codes += tally.codes;
        read += tally.correct;
        println!(
            "| {folder} | {} | {} | {} |",
            tally.codes,
            tally.correct,
            cells.join(" | ")
        );
    }
    let cells: Vec<String> = totals.iter().map(usize::to_string).collect();
    println!("| **all** | {codes} | {read} | {} |", cells.join(" | "));
}

/// The number given after a flag (`usage` names the flag and its value when it is missing or
/// not a number).
fn number<T: std::str::FromStr>(value: Option<String>, usage: &str) -> T {
    value
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{usage}"))
}

/// The comma-separated pass names given after `flag`.
fn pass_names(value: Option<String>, flag: &str) -> Vec<String> {
    let value = value.unwrap_or_else(|| panic!("{flag} NAME,NAME"));
    value.split(',').map(str::to_string).collect()
}

/// A `--run-ahead` mode: idle (the default), never or always.
fn run_ahead_mode(value: Option<String>, flag: &str) -> RunAhead {
    match value.as_deref() {
        Some("idle") => RunAhead::IdleCores,
        Some("never") => RunAhead::Never,
        Some("always") => RunAhead::Always,
        _ => panic!("{flag} idle|never|always"),
    }
}

/// Decodes `image`, `repeat` times, and returns the first outcome with the fastest time in ms.
fn timed_decode(
    image: &Arc<image::GrayImage>,
    options: &DecodeOptions,
    cancel: &AtomicBool,
    repeat: usize,
) -> (DecodeOutcome, f64) {
    let started = Instant::now();
    let outcome = decode::decode_shared(Arc::clone(image), options, cancel);
    let mut ms = started.elapsed().as_secs_f64() * 1e3;
    for _ in 1..repeat {
        let started = Instant::now();
        decode::decode_shared(Arc::clone(image), options, cancel);
        ms = ms.min(started.elapsed().as_secs_f64() * 1e3);
    }
    (outcome, ms)
}

/// Per folder, the codes read and the ms per image of both configurations of `--versus-skip`.
fn print_versus(base: &BTreeMap<String, Tally>, versus: &BTreeMap<String, Tally>) {
    println!("versus (without the --versus-skip passes):");
    println!(
        "{:<22} {:>8} {:>8} {:>9} {:>9}",
        "folder", "correct", "versus", "ms/img", "versus"
    );
    let per_image = |t: &Tally| t.ms / t.images.max(1) as f64;
    let (mut all, mut all_versus) = (Tally::default(), Tally::default());
    let none = Tally::default();
    for (folder, t) in base {
        let v = versus.get(folder).unwrap_or(&none);
        println!(
            "{folder:<22} {:>8} {:>8} {:>9.1} {:>9.1}",
            t.correct,
            v.correct,
            per_image(t),
            per_image(v)
        );
        all.add(t);
        all_versus.add(v);
    }
    println!(
        "{:<22} {:>8} {:>8} {:>9.1} {:>9.1}",
        "TOTAL",
        all.correct,
        all_versus.correct,
        per_image(&all),
        per_image(&all_versus)
    );
}

/// Where the decoding time went, pass by pass, the costliest first: what to make faster or
/// gate more tightly. The rest of the total is the work between passes (crops, merging, the
/// quiet-zone measurement).
fn print_pass_times(
    pass_times: &BTreeMap<&'static str, PassTime>,
    tallies: &BTreeMap<String, Tally>,
) {
    let total_ms: f64 = tallies.values().map(|t| t.ms).sum();
    let mut rows: Vec<_> = pass_times.iter().collect();
    rows.sort_by(|a, b| b.1.ms.total_cmp(&a.1.ms));
    let in_passes: f64 = rows.iter().map(|(_, t)| t.ms).sum();
    let fruitless: f64 = rows.iter().map(|(_, t)| t.fruitless_ms).sum();
    println!(
        "time by pass ({total_ms:.0} ms in all, {:.0} ms outside passes, {fruitless:.0} ms in runs that found nothing):",
        total_ms - in_passes
    );
    for (name, t) in rows {
        println!(
            "  {name:<18} {:>8.0} ms {:>5.1}%  {:>5} runs  {:>5} symbols  {:>8.0} ms found nothing",
            t.ms,
            100.0 * t.ms / total_ms.max(1e-9),
            t.runs,
            t.symbols,
            t.fruitless_ms
        );
    }
}

/// One pass's share of the decoding time (see `print_pass_times`).
#[derive(Default)]
struct PassTime {
    runs: usize,
    ms: f64,
    /// Symbols returned, before merging (decoded or detected).
    symbols: usize,
    /// Time of the runs that returned no symbol at all.
    fruitless_ms: f64,
}

/// One image and its truth.
struct Item {
    relpath: String,
    truth: Truth,
    /// Compare with CRLF read as LF (see the module comment).
    lf_truth: bool,
}

enum Truth {
    Text(Vec<u8>),
    Polygons(Vec<[[f64; 2]; 4]>),
}

/// The items of a selection: `zxing`, `boofcv`, or one folder such as `boofcv/lots`.
fn list(corpus: &Path, selection: &str) -> Vec<Item> {
    let (top, folder) = selection.split_once('/').unwrap_or((selection, ""));
    let mut items = Vec::new();
    match top {
        "zxing" => {
            for (relpath, text) in manifest(&corpus.join("zxing/manifest.tsv")) {
                if folder.is_empty()
                    || relpath == folder
                    || relpath.starts_with(&format!("{folder}/"))
                {
                    items.push(Item {
                        relpath: format!("zxing/{relpath}"),
                        truth: Truth::Text(text),
                        lf_truth: false,
                    });
                }
            }
        }
        "boofcv" => {
            if folder.is_empty() || folder == "decoding" {
                for (relpath, text) in manifest(&corpus.join("boofcv/manifest-decoding.tsv")) {
                    items.push(Item {
                        relpath: format!("boofcv/{relpath}"),
                        truth: Truth::Text(text),
                        lf_truth: true,
                    });
                }
            }
            let text = std::fs::read_to_string(corpus.join("boofcv/manifest.tsv"))
                .expect("boofcv/manifest.tsv");
            for line in text.lines().skip(1) {
                let relpath = line.split('\t').next().unwrap_or_default();
                if !(folder.is_empty()
                    || relpath == folder
                    || relpath.starts_with(&format!("{folder}/")))
                {
                    continue;
                }
                let truth_path = corpus
                    .join("boofcv")
                    .join(Path::new(relpath).with_extension("txt"));
                items.push(Item {
                    relpath: format!("boofcv/{relpath}"),
                    truth: Truth::Polygons(polygons(&truth_path)),
                    lf_truth: false,
                });
            }
        }
        _ => panic!("unknown selection {selection}: use zxing[/FOLDER] or boofcv[/CATEGORY]"),
    }
    items
}

/// `relpath<TAB>sha256<TAB>escaped text` lines, header skipped.
fn manifest(path: &Path) -> Vec<(String, Vec<u8>)> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let mut fields = line.splitn(3, '\t');
            let relpath = fields.next()?.to_string();
            let _sha = fields.next()?;
            Some((relpath, unescape(fields.next().unwrap_or(""))))
        })
        .collect()
}

/// Undoes the manifest escapes `\\ \t \n \r \xHH`.
fn unescape(escaped: &str) -> Vec<u8> {
    let bytes = escaped.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' && i + 1 < bytes.len() {
            match bytes[i + 1] {
                b'\\' => out.push(b'\\'),
                b't' => out.push(b'\t'),
                b'n' => out.push(b'\n'),
                b'r' => out.push(b'\r'),
                b'x' if i + 3 < bytes.len() => {
                    let hex = std::str::from_utf8(&bytes[i + 2..i + 4]).unwrap_or("00");
                    out.push(u8::from_str_radix(hex, 16).unwrap_or(0));
                    i += 2;
                }
                other => out.extend([b'\\', other]),
            }
            i += 2;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// The labelled corner polygons of a boofcv truth file: `# comments`, an optional `SETS`
/// marker, then the corners as `x y` numbers, either one polygon (8 numbers) a line or one point
/// a line; either way every 8 numbers make a polygon.
fn polygons(path: &Path) -> Vec<[[f64; 2]; 4]> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let numbers: Vec<f64> = text
        .lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .flat_map(|line| {
            line.split_whitespace()
                .filter_map(|w| w.parse::<f64>().ok())
        })
        .collect();
    numbers
        .chunks_exact(8)
        .map(|n| [[n[0], n[1]], [n[2], n[3]], [n[4], n[5]], [n[6], n[7]]])
        .collect()
}

fn score(item: &Item, outcome: &DecodeOutcome, tally: &mut Tally, verbose: bool) {
    let decoded: Vec<_> = outcome
        .symbols
        .iter()
        .filter(|s| s.text.is_some())
        .collect();
    let describe = || {
        decoded
            .iter()
            .map(|s| format!("{}:{:?}", s.pass, shorten(s.text.as_deref().unwrap_or(""))))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match &item.truth {
        Truth::Text(expected) => {
            tally.codes += 1;
            let mut found = false;
            for symbol in &decoded {
                let text = symbol.text.clone().unwrap_or_default();
                let matches = if item.lf_truth {
                    let expected = String::from_utf8_lossy(expected);
                    text.replace("\r\n", "\n").trim_end() == expected.trim_end()
                } else {
                    text.as_bytes() == expected.as_slice()
                };
                if matches {
                    if !found {
                        *tally.passes.entry(symbol.pass).or_default() += 1;
                    }
                    found = true;
                } else {
                    tally.misread += 1;
                    if verbose {
                        println!(
                            "  {}: MISREAD by {}: {:?}",
                            item.relpath,
                            symbol.pass,
                            shorten(symbol.text.as_deref().unwrap_or(""))
                        );
                    }
                }
            }
            if found {
                tally.correct += 1;
                tally.labels_read.push(0);
            } else if verbose {
                println!("  {}: missed (decoded: {})", item.relpath, describe());
            }
        }
        Truth::Polygons(labels) => {
            tally.codes += labels.len();
            let mut used = vec![false; decoded.len()];
            let first_of_image = tally.labels_read.len();
            let mut read = 0;
            for (index, label) in labels.iter().enumerate() {
                let label_poly: Vec<[f64; 2]> = label.to_vec();
                let label_area = area(&label_poly).abs();
                // Each decoded symbol is credited to one label at most (as in bench.py).
                let hit = decoded.iter().enumerate().find(|(i, s)| {
                    if used[*i] {
                        return false;
                    }
                    let poly: Vec<[f64; 2]> = s
                        .corners
                        .iter()
                        .map(|c| [f64::from(c[0]), f64::from(c[1])])
                        .collect();
                    intersection_area(&label_poly, &poly) > 0.1 * label_area
                });
                if let Some((i, s)) = hit {
                    *tally.passes.entry(s.pass).or_default() += 1;
                    used[i] = true;
                    read += 1;
                    tally.labels_read.push(index);
                }
            }
            tally.correct += read;
            tally.stray += used.iter().filter(|u| !**u).count();
            if verbose && read < labels.len() {
                let missed: Vec<String> = labels
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !tally.labels_read[first_of_image..].contains(i))
                    .map(|(i, l)| format!("#{i} at ({:.0}, {:.0})", l[0][0], l[0][1]))
                    .collect();
                println!(
                    "  {}: read {read}/{}, missed {} (decoded: {})",
                    item.relpath,
                    labels.len(),
                    missed.join(", "),
                    describe()
                );
            }
        }
    }
}

fn shorten(text: &str) -> String {
    let short: String = text.chars().take(40).collect();
    if short.len() < text.len() {
        format!("{short}…")
    } else {
        short
    }
}

/// Signed area (shoelace).
fn area(poly: &[[f64; 2]]) -> f64 {
    let n = poly.len();
    (0..n)
        .map(|i| {
            let (a, b) = (poly[i], poly[(i + 1) % n]);
            a[0] * b[1] - b[0] * a[1]
        })
        .sum::<f64>()
        / 2.0
}

/// Area of the intersection of two convex polygons (Sutherland–Hodgman clipping).
fn intersection_area(subject: &[[f64; 2]], clip: &[[f64; 2]]) -> f64 {
    // Clip against a counter-clockwise (positive area) clip polygon.
    let mut clip = clip.to_vec();
    if area(&clip) < 0.0 {
        clip.reverse();
    }
    let mut output = subject.to_vec();
    for i in 0..clip.len() {
        if output.is_empty() {
            break;
        }
        let (a, b) = (clip[i], clip[(i + 1) % clip.len()]);
        let inside =
            |p: [f64; 2]| (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]) >= 0.0;
        let cross = |p: [f64; 2], q: [f64; 2]| {
            let (dx, dy) = (q[0] - p[0], q[1] - p[1]);
            let (ex, ey) = (b[0] - a[0], b[1] - a[1]);
            let denom = dx * ey - dy * ex;
            if denom.abs() < 1e-12 {
                return p;
            }
            let t = ((a[0] - p[0]) * ey - (a[1] - p[1]) * ex) / denom;
            [p[0] + t * dx, p[1] + t * dy]
        };
        let input = std::mem::take(&mut output);
        for j in 0..input.len() {
            let (p, q) = (input[j], input[(j + 1) % input.len()]);
            match (inside(p), inside(q)) {
                (true, true) => output.push(q),
                (true, false) => output.push(cross(p, q)),
                (false, true) => {
                    output.push(cross(p, q));
                    output.push(q);
                }
                (false, false) => {}
            }
        }
    }
    area(&output).abs()
}

fn print_table(tallies: &BTreeMap<String, Tally>) {
    println!(
        "{:<22} {:>6} {:>6} {:>8} {:>8} {:>7} {:>6} {:>9} {:>9}  passes",
        "folder", "images", "codes", "correct", "misread", "missed", "stray", "ms/img", "max ms"
    );
    let mut total = Tally::default();
    for (folder, t) in tallies {
        print_row(folder, t);
        total.add(t);
    }
    print_row("TOTAL", &total);
    println!("slowest: {} ({:.0} ms)", total.max_image, total.max_ms);
}

impl Tally {
    /// Adds another folder's counts, times and passes (for the totals).
    fn add(&mut self, other: &Tally) {
        self.images += other.images;
        self.codes += other.codes;
        self.correct += other.correct;
        self.misread += other.misread;
        self.stray += other.stray;
        self.ms += other.ms;
        if other.max_ms > self.max_ms {
            self.max_ms = other.max_ms;
            self.max_image = other.max_image.clone();
        }
        for (pass, n) in &other.passes {
            *self.passes.entry(pass).or_default() += n;
        }
    }
}

fn print_row(name: &str, t: &Tally) {
    let passes: Vec<String> = t.passes.iter().map(|(p, n)| format!("{p}={n}")).collect();
    println!(
        "{:<22} {:>6} {:>6} {:>8} {:>8} {:>7} {:>6} {:>9.1} {:>9.0}  {}",
        name,
        t.images,
        t.codes,
        t.correct,
        t.misread,
        t.codes - t.correct,
        t.stray,
        t.ms / t.images.max(1) as f64,
        t.max_ms,
        passes.join(" ")
    );
}
