//! Limits that hold, proven on the real binary: every hostile input of issue 17 (bombs, lying
//! headers, deep nesting, huge page trees, entity expansion, huge files, slow decodes) ends in
//! a named error for that input, the other input of the run (a poster with a code) is still
//! reported, and the process's peak RSS stays below a stated bound.
//!
//! The hostile inputs are generated here, not committed. Peak RSS is the child's `VmHWM`
//! (its own address space's high-water mark), read from `/proc/PID/status` at the moment the
//! child exits: the child is traced (`PTRACE_TRACEME`, `PTRACE_O_TRACEEXIT`) so that it stops
//! at its exit with its memory still mapped. Neither `getrusage(RUSAGE_CHILDREN)` (it mixes the
//! children of tests running in parallel) nor the child's `ru_maxrss` from `wait4` would do:
//! Linux carries the spawning process's own high-water mark across `exec` into `ru_maxrss`,
//! and this test process holds hundreds of megabytes of generated inputs. Where tracing is
//! not permitted, `VmHWM` is polled every 2 ms instead (which can miss a peak in the last 2 ms
//! before exit), and the figure says so. Wall-clock times are printed for
//! the record (`cargo test --test limits -- --nocapture`), never asserted: this machine is
//! shared, and the limits are proven by the errors naming them. docs/reliability.md lists the
//! measured figures.

// Tracing the child to read its peak RSS at exit needs ptrace/waitpid: the crate denies unsafe
// code, this test measures memory and allows it (each block has its SAFETY note).
#![allow(unsafe_code)]

mod common;

use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// What one run of the binary did.
struct Run {
    code: i32,
    report: Value,
    stderr: String,
    elapsed: Duration,
    peak_rss_mb: f64,
    /// How `peak_rss_mb` was measured.
    method: &'static str,
}

/// Runs `qraudit scan --format json ARGS`, feeding `stdin_bytes` (that many bytes of a
/// repeated pattern) when given, and measures the child's peak RSS.
fn scan(args: &[&str], stdin_bytes: Option<u64>) -> Run {
    let binary = assert_cmd::cargo::cargo_bin("qraudit");
    let mut command = Command::new(binary);
    command
        .current_dir(common::root())
        .args(["scan", "--format", "json", "--quiet", "--no-policy"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(if stdin_bytes.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
    // SAFETY: the closure runs in the forked child before exec and only makes one
    // async-signal-safe system call.
    unsafe {
        command.pre_exec(|| {
            let traced = libc::ptrace(
                libc::PTRACE_TRACEME,
                0,
                std::ptr::null_mut::<libc::c_void>(),
                std::ptr::null_mut::<libc::c_void>(),
            );
            // Not permitted here (a seccomp profile): run untraced, the RSS is polled.
            let _ = traced;
            Ok(())
        });
    }
    let started = Instant::now();
    let mut child = command.spawn().expect("the qraudit binary starts");
    let pid = child.id() as libc::pid_t;
    let feeder = child.stdin.take().map(|mut stdin| {
        let total = stdin_bytes.unwrap_or(0);
        std::thread::spawn(move || {
            let chunk = vec![0x5au8; 1 << 20];
            let mut sent = 0u64;
            while sent < total {
                // The reader stops at --max-file-size and exits: a broken pipe ends the feed.
                if stdin.write_all(&chunk).is_err() {
                    break;
                }
                sent += chunk.len() as u64;
            }
            sent
        })
    });
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let out_reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stdout.read_to_end(&mut out);
        out
    });
    let err_reader = std::thread::spawn(move || {
        let mut err = Vec::new();
        let _ = stderr.read_to_end(&mut err);
        err
    });
    let (status, peak_kb, method) = wait_measuring(pid);
    let elapsed = started.elapsed();
    // The child was reaped above; dropping the handle does not wait again.
    drop(child);
    if let Some(feeder) = feeder {
        let _ = feeder.join();
    }
    let stdout = out_reader.join().expect("stdout reader");
    let stderr = String::from_utf8_lossy(&err_reader.join().expect("stderr reader")).into_owned();
    assert!(
        libc::WIFEXITED(status),
        "qraudit did not exit normally (status {status:#x}): {stderr}"
    );
    let report = serde_json::from_slice(&stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON report ({e}): {}\nstderr: {stderr}",
            String::from_utf8_lossy(&stdout)
        )
    });
    Run {
        code: libc::WEXITSTATUS(status),
        report,
        stderr,
        elapsed,
        peak_rss_mb: peak_kb as f64 / 1024.0,
        method,
    }
}

/// `VmHWM` of `pid` in kilobytes, while it exists.
fn vm_hwm_kb(pid: libc::pid_t) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn waitpid(pid: libc::pid_t, flags: libc::c_int) -> (libc::pid_t, libc::c_int) {
    let mut status: libc::c_int = 0;
    // SAFETY: `pid` is our own child and `status` a live local.
    let waited = unsafe { libc::waitpid(pid, &mut status, flags) };
    (waited, status)
}

fn ptrace_cont(pid: libc::pid_t, signal: libc::c_int) {
    // SAFETY: `pid` is our traced, stopped child; PTRACE_CONT takes the signal to deliver.
    unsafe {
        libc::ptrace(
            libc::PTRACE_CONT,
            pid,
            std::ptr::null_mut::<libc::c_void>(),
            signal as usize as *mut libc::c_void,
        );
    }
}

/// Waits for `pid` to end; returns its wait status, its peak RSS in kilobytes and how that
/// was measured.
fn wait_measuring(pid: libc::pid_t) -> (libc::c_int, u64, &'static str) {
    // A traced child stops with SIGTRAP right after exec.
    let (waited, status) = waitpid(pid, 0);
    assert_eq!(waited, pid, "waitpid on the qraudit child");
    if libc::WIFSTOPPED(status) && libc::WSTOPSIG(status) == libc::SIGTRAP {
        // SAFETY: the child is stopped under our trace; the option is a plain flag.
        unsafe {
            libc::ptrace(
                libc::PTRACE_SETOPTIONS,
                pid,
                std::ptr::null_mut::<libc::c_void>(),
                libc::PTRACE_O_TRACEEXIT as usize as *mut libc::c_void,
            );
        }
        ptrace_cont(pid, 0);
        let mut peak = 0;
        loop {
            let (_, status) = waitpid(pid, 0);
            if libc::WIFEXITED(status) || libc::WIFSIGNALED(status) {
                return (status, peak, "VmHWM at exit (ptrace)");
            }
            if libc::WIFSTOPPED(status) {
                let exiting = status >> 8 == (libc::SIGTRAP | (libc::PTRACE_EVENT_EXIT << 8));
                if exiting {
                    peak = vm_hwm_kb(pid).unwrap_or(peak);
                    ptrace_cont(pid, 0);
                } else {
                    // An ordinary signal (SIGPIPE, SIGCHLD…): deliver it.
                    ptrace_cont(pid, libc::WSTOPSIG(status));
                }
            }
        }
    }
    // Not traced (or it already ended): poll.
    if libc::WIFEXITED(status) || libc::WIFSIGNALED(status) {
        return (status, 0, "not measured (ended at once)");
    }
    let mut peak = 0;
    loop {
        if let Some(kb) = vm_hwm_kb(pid) {
            peak = peak.max(kb);
        }
        let (waited, status) = waitpid(pid, libc::WNOHANG);
        if waited == pid {
            return (status, peak, "VmHWM polled every 2 ms");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// A folder holding the poster with a code (the input that must still be reported) and
/// `hostile` under `name`.
fn folder_with(name: &str, hostile: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::copy(
        common::root().join("testdata/posters/sales-team.png"),
        dir.path().join("poster.png"),
    )
    .expect("copying the poster");
    let path = dir.path().join(name);
    std::fs::write(&path, hostile).expect("writing the hostile input");
    (dir, path)
}

const POSTER_CODE: &str =
    "hclsametime://stproxy.example.com:8443/?action=AddCommunity&communityName=Sales%20Team";

/// The report's entry for `path`.
fn input<'a>(run: &'a Run, path: &Path) -> &'a Value {
    let path = path.display().to_string();
    run.report["inputs"]
        .as_array()
        .and_then(|inputs| inputs.iter().find(|i| i["path"] == path.as_str()))
        .unwrap_or_else(|| panic!("{path} missing from the report: {:#}", run.report))
}

/// The checks every case shares: exit code 2, the hostile input an error containing every
/// one of `named`, the poster still read, and peak RSS below `max_rss_mb`. Prints the figures.
fn assert_contained(
    case: &str,
    run: &Run,
    dir: &Path,
    hostile: &Path,
    named: &[&str],
    max_rss_mb: f64,
) {
    println!(
        "{case}: exit {}, {:.2} s, peak RSS {:.0} MB (bound {max_rss_mb:.0} MB; {})",
        run.code,
        run.elapsed.as_secs_f64(),
        run.peak_rss_mb,
        run.method
    );
    let entry = input(run, hostile);
    let error = entry["error"].as_str().unwrap_or_default();
    println!("{case}: error: {error}");
    assert_eq!(entry["status"], "error", "{case}: {entry:#}");
    for words in named {
        assert!(error.contains(words), "{case}: {words:?} not in {error:?}");
    }
    let poster = input(run, &dir.join("poster.png"));
    assert_eq!(poster["status"], "ok", "{case}: {poster:#}");
    assert_eq!(poster["codes"][0]["text"], POSTER_CODE, "{case}");
    assert_eq!(run.code, 2, "{case}: {}", run.stderr);
    assert!(
        run.peak_rss_mb < max_rss_mb,
        "{case}: peak RSS {:.0} MB, bound {max_rss_mb:.0} MB",
        run.peak_rss_mb
    );
}

fn dir_arg(dir: &tempfile::TempDir) -> String {
    dir.path().display().to_string()
}

/// The peak RSS of scanning the poster alone, plus this much, bounds the cases that refuse
/// their input before allocating for it.
const SMALL_RSS_MB: f64 = 200.0;

// ---------------------------------------------------------------------------------------------
// Images

/// A PNG with the given header dimensions and one IDAT of `idat` (raw, zlib-compressed here).
fn png_with_header(width: u32, height: u32, idat: &[u8]) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(idat).expect("compressing in memory");
    chunk(
        &mut out,
        b"IDAT",
        &encoder.finish().expect("compressing in memory"),
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

#[test]
fn decompression_bomb_png_is_refused_before_allocation() {
    // testdata/bad/bomb.png claims 200000 × 200000 (40 GB of grey).
    let bomb = std::fs::read(common::root().join("testdata/bad/bomb.png")).expect("bomb.png");
    let (dir, path) = folder_with("bomb.png", &bomb);
    let run = scan(&[&dir_arg(&dir)], None);
    assert_contained(
        "decompression-bomb PNG",
        &run,
        dir.path(),
        &path,
        &["200000×200000", "--max-pixels"],
        SMALL_RSS_MB,
    );
}

#[test]
fn maximal_png_header_is_refused_before_allocation() {
    // 65535 × 65535 rows of zeros would be 4 GB; the IDAT holds one row.
    let png = png_with_header(65535, 65535, &vec![0u8; 65536]);
    let (dir, path) = folder_with("huge-header.png", &png);
    let run = scan(&[&dir_arg(&dir)], None);
    assert_contained(
        "65535×65535 header",
        &run,
        dir.path(),
        &path,
        &["65535×65535", "--max-pixels"],
        SMALL_RSS_MB,
    );
}

/// `side` × `side` tiled with finder patterns (7 × 7 modules of 4 px, a module apart): every
/// one is a candidate corner and no three make a symbol, which keeps every decoder pass busy
/// (at 1200 px, 22 500 patterns, past 30 s). Random noise no longer serves: the decoder
/// rejects it in a fraction of a second.
fn finder_tiles(side: u32) -> image::GrayImage {
    image::GrayImage::from_fn(side, side, |x, y| {
        let (i, j) = ((y / 4 % 8) as i32, (x / 4 % 8) as i32);
        let ring = (i - 3).abs().max((j - 3).abs());
        let dark = i < 7 && j < 7 && matches!(ring, 0 | 1 | 3);
        image::Luma([if dark { 0 } else { 255 }])
    })
}

#[test]
fn an_image_that_decodes_slowly_is_cut_at_the_image_timeout() {
    let tiles = finder_tiles(1200);
    let mut png = Vec::new();
    tiles
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("encoding in memory");
    let (dir, path) = folder_with("tiles.png", &png);
    let run = scan(&["--image-timeout", "0.3", &dir_arg(&dir)], None);
    // The poster decodes in far less than 0.3 s; the noise does not.
    assert_contained(
        "slow decode",
        &run,
        dir.path(),
        &path,
        &["decode timed out after 0.3 s (--image-timeout)"],
        // The 1.4-megapixel raster and the decoder's copies of it, besides the poster's.
        SMALL_RSS_MB + 250.0,
    );
}

#[test]
fn a_gigabyte_on_stdin_is_refused_at_the_file_size_limit() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::copy(
        common::root().join("testdata/posters/sales-team.png"),
        dir.path().join("poster.png"),
    )
    .expect("copying the poster");
    let run = scan(&["-", &dir_arg(&dir)], Some(1 << 30));
    // stdin is read up to --max-file-size (256 MB) plus one byte, then refused.
    assert_contained(
        "1 GB on stdin",
        &run,
        dir.path(),
        Path::new("-"),
        &["above the limit of 268435456 bytes (--max-file-size)"],
        SMALL_RSS_MB + 512.0,
    );
}

// ---------------------------------------------------------------------------------------------
// Zips

fn zip_of(members: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(method)
        .large_file(false);
    for (name, data) in members {
        writer.start_file(*name, options).expect("a zip member");
        writer.write_all(data).expect("writing to memory");
    }
    writer.finish().expect("finishing a zip").into_inner()
}

/// A deflated zip whose one member inflates to `size` zero bytes, written in chunks.
fn zeros_zip(name: &str, size: usize) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(size > u32::MAX as usize);
    writer.start_file(name, options).expect("a zip member");
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..size / chunk.len() {
        writer.write_all(&chunk).expect("writing to memory");
    }
    writer.finish().expect("finishing a zip").into_inner()
}

#[test]
fn a_42_zip_style_bomb_stops_at_the_byte_limit() {
    // Eight copies of a zip of 32 MB of zeros, eight copies of that, eight of that: 16 GB.
    let leaf = zeros_zip("zeros.bin", 32 << 20);
    let copies = |inner: &[u8]| -> Vec<u8> {
        let names: Vec<String> = (0..8).map(|i| format!("{i}.zip")).collect();
        let members: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), inner)).collect();
        zip_of(&members, zip::CompressionMethod::Stored)
    };
    let bomb = copies(&copies(&copies(&leaf)));
    let (dir, path) = folder_with("42.zip", &bomb);
    let run = scan(&[&dir_arg(&dir)], None);
    // One member is held in memory at a time, at most --max-container-bytes (256 MB) of it.
    assert_contained(
        "42.zip-style bomb",
        &run,
        dir.path(),
        &path,
        &["bytes decoded from this input (--max-container-bytes)"],
        SMALL_RSS_MB + 600.0,
    );
}

#[test]
fn zips_nested_past_the_depth_limit_stop_there() {
    let mut nested = zip_of(
        &[("qr.png", b"not reached")],
        zip::CompressionMethod::Stored,
    );
    for level in 0..12 {
        nested = zip_of(
            &[(&format!("level-{level}.zip"), &nested)],
            zip::CompressionMethod::Deflated,
        );
    }
    let (dir, path) = folder_with("deep.zip", &nested);
    let run = scan(&[&dir_arg(&dir)], None);
    assert_contained(
        "zip nested 13 deep",
        &run,
        dir.path(),
        &path,
        &["zip not opened: containers nested more than 8 deep (--max-depth)"],
        SMALL_RSS_MB,
    );
}

#[test]
fn a_zip_whose_size_fields_lie_is_stopped() {
    // 300 MB of zeros whose headers claim 100 bytes (local header and central directory).
    let mut lying = zeros_zip("zeros.bin", 300 << 20);
    let mut patched = 0;
    for signature in [&b"PK\x03\x04"[..], &b"PK\x01\x02"[..]] {
        // Uncompressed size: offset 22 in a local header, 24 in a central directory entry.
        let field = if signature == b"PK\x03\x04" { 22 } else { 24 };
        if let Some(at) = lying.windows(4).position(|w| w == signature) {
            lying[at + field..at + field + 4].copy_from_slice(&100u32.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "both size fields patched");
    let (dir, path) = folder_with("lying.zip", &lying);
    let run = scan(&[&dir_arg(&dir)], None);
    assert_contained(
        "zip with a lying size",
        &run,
        dir.path(),
        &path,
        &["lying.zip!zeros.bin"],
        SMALL_RSS_MB + 600.0,
    );
}

// ---------------------------------------------------------------------------------------------
// PDFs

/// A PDF of `objects` (object 1 is the catalog), with a correct xref table; `trailer_extra`
/// goes into the trailer dictionary.
fn pdf_of(objects: &[Vec<u8>], trailer_extra: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(object);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    let trailer_extra = trailer_extra.replace("XREF", &xref.to_string());
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R {trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A PDF whose page tree holds `pages` blank 1-inch pages.
fn blank_pages_pdf(pages: usize) -> Vec<u8> {
    let kids: String = (0..pages).map(|i| format!("{} 0 R ", i + 3)).collect();
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!("<< /Type /Pages /Kids [{kids}] /Count {pages} >>").into_bytes(),
    ];
    for _ in 0..pages {
        objects.push(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] >>".to_vec());
    }
    pdf_of(&objects, "")
}

#[test]
fn a_pdf_of_100000_pages_stops_at_the_part_limit() {
    let pages = 100_000;
    let pdf = blank_pages_pdf(pages);
    let (dir, path) = folder_with("pages.pdf", &pdf);
    let run = scan(&[&dir_arg(&dir)], None);
    assert_contained(
        "PDF of 100 000 pages",
        &run,
        dir.path(),
        &path,
        &["more than 10000 parts in this input (--max-parts)"],
        SMALL_RSS_MB + 400.0,
    );
}

#[test]
fn a_pdf_whose_xref_and_page_tree_point_at_themselves_is_an_error() {
    // The page tree's only kid is the tree itself, and the trailer's /Prev is its own xref.
    let objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [2 0 R] /Count 1 /Parent 2 0 R >>".to_vec(),
    ];
    let pdf = pdf_of(&objects, "/Prev XREF");
    let (dir, path) = folder_with("loop.pdf", &pdf);
    let run = scan(&[&dir_arg(&dir)], None);
    assert_contained(
        "self-referencing xref and page tree",
        &run,
        dir.path(),
        &path,
        &["corrupt PDF"],
        SMALL_RSS_MB,
    );
}

#[test]
fn a_pdf_image_that_claims_a_billion_pixels_is_refused() {
    let image = b"<< /Type /XObject /Subtype /Image /Width 100000 /Height 10000 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 4 >>\nstream\n\x00\xff\xff\x00\nendstream".to_vec();
    let content = b"q 100 0 0 100 0 0 cm /Im1 Do Q";
    let mut page_content = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
    page_content.extend_from_slice(content);
    page_content.extend_from_slice(b"\nendstream");
    let objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Resources << /XObject << /Im1 5 0 R >> >> >>".to_vec(),
        page_content,
        image,
    ];
    let (dir, path) = folder_with("gigapixel.pdf", &pdf_of(&objects, ""));
    let run = scan(&[&dir_arg(&dir)], None);
    assert_contained(
        "PDF image of 10⁹ pixels",
        &run,
        dir.path(),
        &path,
        &["image is 100000×10000", "(--max-page-pixels)"],
        SMALL_RSS_MB,
    );
}

// ---------------------------------------------------------------------------------------------
// SVGs

#[test]
fn billion_laughs_entities_in_an_svg_are_refused() {
    let mut svg =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE svg [\n<!ENTITY lol0 \"lol\">\n");
    for i in 1..10 {
        let previous = format!("&lol{};", i - 1).repeat(10);
        svg.push_str(&format!("<!ENTITY lol{i} \"{previous}\">\n"));
    }
    svg.push_str("]>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><title>&lol9;</title></svg>\n");
    let (dir, path) = folder_with("laughs.svg", svg.as_bytes());
    let run = scan(&[&dir_arg(&dir)], None);
    assert_contained(
        "billion laughs",
        &run,
        dir.path(),
        &path,
        &["cannot parse SVG"],
        SMALL_RSS_MB,
    );
}

#[test]
fn exponential_use_recursion_in_an_svg_is_bounded() {
    // Each level uses the previous one twice: 2^40 rectangles if expanded.
    let mut svg = String::from(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"100\" height=\"100\"><defs><rect id=\"u0\" width=\"1\" height=\"1\"/>",
    );
    for i in 1..=40 {
        svg.push_str(&format!(
            "<g id=\"u{i}\"><use xlink:href=\"#u{0}\"/><use xlink:href=\"#u{0}\" x=\"1\"/></g>",
            i - 1
        ));
    }
    svg.push_str("</defs><use xlink:href=\"#u40\"/><use xlink:href=\"#self\" id=\"self\"/></svg>");
    let (dir, path) = folder_with("uses.svg", svg.as_bytes());
    let run = scan(&["--image-timeout", "5", &dir_arg(&dir)], None);
    assert_contained(
        "deep <use> recursion",
        &run,
        dir.path(),
        &path,
        &["SVG"],
        SMALL_RSS_MB + 300.0,
    );
}

#[test]
fn a_gigapixel_svg_viewbox_is_rendered_within_the_page_pixel_limit() {
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 100000 10000\" width=\"100000\" height=\"10000\"><rect width=\"10\" height=\"10\"/></svg>";
    let (dir, path) = folder_with("gigapixel.svg", svg.as_bytes());
    let run = scan(&["--max-page-pixels", "1000000", &dir_arg(&dir)], None);
    println!(
        "gigapixel viewBox: exit {}, {:.2} s, peak RSS {:.0} MB",
        run.code,
        run.elapsed.as_secs_f64(),
        run.peak_rss_mb
    );
    // Not an error: the drawing is rendered scaled down to 1 megapixel and holds no code.
    let entry = input(&run, &path);
    assert_eq!(entry["status"], "no-code", "{entry:#}");
    assert_eq!(
        input(&run, &dir.path().join("poster.png"))["codes"][0]["text"],
        POSTER_CODE
    );
    assert!(run.peak_rss_mb < SMALL_RSS_MB, "{:.0} MB", run.peak_rss_mb);
}

// ---------------------------------------------------------------------------------------------
// Mails

fn mail_headers(content_type: &str) -> String {
    format!(
        "From: a@example.com\r\nTo: b@example.com\r\nSubject: parts\r\nMIME-Version: 1.0\r\nContent-Type: {content_type}\r\n\r\n"
    )
}

#[test]
fn a_mail_of_10000_parts_stops_at_the_part_limit() {
    let mut mail = mail_headers("multipart/mixed; boundary=\"b\"");
    for i in 0..10_000 {
        mail.push_str(&format!(
            "--b\r\nContent-Type: text/plain\r\n\r\npart {i}\r\n"
        ));
    }
    mail.push_str("--b\r\nContent-Type: text/plain\r\n\r\nhclsametime://late.example.com/?action=AddCommunity\r\n--b--\r\n");
    let (dir, path) = folder_with("parts.eml", mail.as_bytes());
    let run = scan(&[&dir_arg(&dir)], None);
    assert_contained(
        "mail of 10 001 parts",
        &run,
        dir.path(),
        &path,
        &["more than 10000 parts in this input (--max-parts)"],
        SMALL_RSS_MB,
    );
}

#[test]
fn a_mail_nested_50_deep_stops_at_the_depth_limit() {
    let mut mail =
        mail_headers("text/plain") + "hclsametime://deep.example.com/?action=AddCommunity\r\n";
    for _ in 0..50 {
        mail = mail_headers("message/rfc822") + &mail;
    }
    let (dir, path) = folder_with("nested.eml", mail.as_bytes());
    let run = scan(&[&dir_arg(&dir)], None);
    assert_contained(
        "mail nested 50 deep",
        &run,
        dir.path(),
        &path,
        &["mail not opened: containers nested more than 8 deep (--max-depth)"],
        SMALL_RSS_MB,
    );
}

// ---------------------------------------------------------------------------------------------
// Time budgets of containers

#[test]
fn opening_a_container_is_bounded_by_the_image_timeout() {
    // 100 000 pages open slowly enough to pass a 0.1 s budget; the pages read by then are
    // still scanned, and the error names the budget. Parsing their page tree alone takes about
    // 0.2 s on the two-core machine: with a budget of 0.2 s (as this test had) a quick run
    // finished the parse in time and reached the 10 001st page, and the error named
    // --max-parts instead. Half the parse time leaves a margin either way (the poster beside
    // it decodes in a few milliseconds).
    let pages = 100_000;
    let (dir, path) = folder_with("slow-open.pdf", &blank_pages_pdf(pages));
    let run = scan(
        &[
            "--image-timeout",
            "0.1",
            "--input-timeout",
            "2",
            &dir_arg(&dir),
        ],
        None,
    );
    assert_contained(
        "container opening past --image-timeout",
        &run,
        dir.path(),
        &path,
        &["--image-timeout"],
        SMALL_RSS_MB + 400.0,
    );
}

#[test]
fn a_container_of_many_slow_parts_is_bounded_by_the_input_timeout() {
    // Forty slow images in one zip, each cut at 1 s: without the input's own budget the zip
    // would cost forty seconds.
    let noise = finder_tiles(600);
    let mut png = Vec::new();
    noise
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("encoding in memory");
    let names: Vec<String> = (0..40).map(|i| format!("noise-{i}.png")).collect();
    let members: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), png.as_slice())).collect();
    let zip = zip_of(&members, zip::CompressionMethod::Stored);
    let (dir, path) = folder_with("slow-parts.zip", &zip);
    let run = scan(
        &[
            "--image-timeout",
            "1",
            "--input-timeout",
            "3",
            &dir_arg(&dir),
        ],
        None,
    );
    assert_contained(
        "container past --input-timeout",
        &run,
        dir.path(),
        &path,
        &[
            "scanning stopped after 3 s (--input-timeout)",
            "parts were not scanned",
        ],
        SMALL_RSS_MB + 300.0,
    );
}
