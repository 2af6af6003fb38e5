//! Helpers shared by the integration tests: the real binary, run from the repository root
//! (so that `testdata/…` paths resolve and no developer's `qraudit.toml` elsewhere applies),
//! and the escaping of `testdata/manifest.tsv`.

#![allow(dead_code)] // Each test crate uses a different subset.

use std::ffi::OsStr;
use std::path::Path;

use image::{GrayImage, Luma};
use qrcode::{Color, EcLevel, QrCode};
use serde_json::Value;

/// `qraudit scan --no-policy -q ARGS` from the repository root: its stdout and exit code.
pub fn scan_quiet(args: &[&str]) -> (Vec<u8>, i32) {
    let output = qraudit()
        .current_dir(root())
        .args(["scan", "--no-policy", "-q"])
        .args(args)
        .output()
        .expect("the qraudit binary runs");
    (output.stdout, output.status.code().expect("exit code"))
}

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The qraudit binary, run from the repository root.
pub fn qraudit() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("qraudit").expect("the qraudit binary is built");
    cmd.current_dir(root());
    cmd
}

/// Undoes the manifest escaping: `\\ \t \n \r` and `\xHH` for any other byte.
pub fn unescape(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let (mut out, mut i) = (Vec::new(), 0);
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() {
            match b[i + 1] {
                b'\\' => out.push(b'\\'),
                b't' => out.push(b'\t'),
                b'n' => out.push(b'\n'),
                b'r' => out.push(b'\r'),
                b'x' => {
                    out.push(u8::from_str_radix(&s[i + 2..i + 4], 16).expect("hex escape"));
                    i += 2;
                }
                other => panic!("unknown escape \\{}", other as char),
            }
            i += 2;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// Renders `text` as a QR code PNG at `path`: black modules on white, 6-px modules, a 4-module
/// quiet zone, as `examples/gen_testdata.rs` does.
pub fn render_qr(text: &str, path: &Path) {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .expect("payload fits a QR code");
    let (width, colors) = (code.width() as u32, code.to_colors());
    let (module, quiet) = (6u32, 4u32);
    let side = (width + 2 * quiet) * module;
    let img = GrayImage::from_fn(side, side, |x, y| {
        let (mx, my) = (x / module, y / module);
        let dark = (quiet..quiet + width).contains(&mx)
            && (quiet..quiet + width).contains(&my)
            && colors[((my - quiet) * width + (mx - quiet)) as usize] == Color::Dark;
        Luma([if dark { 0 } else { 255 }])
    });
    img.save(path).expect("PNG written");
}

/// Runs `qraudit scan --format json --fail-on never --quiet ARGS` and returns the report and the
/// exit code; a run that writes no JSON fails the test with its stderr.
pub fn scan_json<S: AsRef<OsStr>>(args: &[S]) -> (Value, i32) {
    let output = qraudit()
        .args(["scan", "--format", "json", "--fail-on", "never", "--quiet"])
        .args(args)
        .output()
        .expect("running qraudit");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "no JSON report ({err}); stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (report, output.status.code().expect("an exit code"))
}

/// Scans one file (with `extra` options) and returns its input report and the exit code.
pub fn scan_input(path: &str, extra: &[&str]) -> (Value, i32) {
    let mut args: Vec<&str> = extra.to_vec();
    args.push(path);
    let (report, code) = scan_json(&args);
    let input = report["inputs"][0].clone();
    assert_eq!(input["path"], path, "the report's first input");
    (input, code)
}

/// Scans the folder `dir` with the real binary and asserts that the run ends with exit code 0
/// and reports `count` inputs, each holding exactly one code, `text`: the inputs' reports, for
/// the caller's further checks.
pub fn scan_each_reads(dir: &Path, count: usize, text: &str) -> Vec<Value> {
    let (report, code) = scan_json(&[dir]);
    assert_eq!(code, 0, "{report}");
    let inputs = report["inputs"].as_array().expect("inputs").clone();
    assert_eq!(inputs.len(), count, "{report}");
    for input in &inputs {
        assert_eq!(code_texts(input), [text], "{}", input["path"]);
    }
    inputs
}

/// The decoded texts of an input report's codes, in report order (codes without a text are
/// left out).
pub fn code_texts(input: &Value) -> Vec<&str> {
    input["codes"]
        .as_array()
        .expect("codes")
        .iter()
        .filter_map(|c| c["text"].as_str())
        .collect()
}

/// (location after the input's path, decoded text) of every code of an input report.
pub fn codes_by_location(input: &Value) -> Vec<(String, String)> {
    let path = input["path"].as_str().expect("a path");
    input["codes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|code| {
            let location = code["location"].as_str().expect("a location");
            (
                location
                    .strip_prefix(path)
                    .expect("under the path")
                    .to_string(),
                code["text"].as_str().unwrap_or("(unreadable)").to_string(),
            )
        })
        .collect()
}

/// Expected (location, text) pairs in the shape `codes_by_location` returns.
pub fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(location, text)| (location.to_string(), text.to_string()))
        .collect()
}

/// An input report's error, or "" when it has none.
pub fn input_error(input: &Value) -> &str {
    input["error"].as_str().unwrap_or("")
}

/// The texts of the decoded symbols of `outcome`, sorted.
pub fn decoded_texts(outcome: &qraudit::decode::DecodeOutcome) -> Vec<String> {
    let mut texts: Vec<String> = outcome
        .symbols
        .iter()
        .filter_map(|s| s.text.clone())
        .collect();
    texts.sort();
    texts
}

/// Renders `text` with `module_px` pixels per module and `quiet` modules of margin, dark modules
/// at `dark` on a `light` ground.
pub fn render_modules(text: &str, module_px: u32, quiet: u32, dark: u8, light: u8) -> GrayImage {
    let code = QrCode::with_error_correction_level(text, EcLevel::M).unwrap();
    let n = code.width() as u32;
    let modules: Vec<bool> = code
        .to_colors()
        .into_iter()
        .map(|c| c == Color::Dark)
        .collect();
    let side = (n + 2 * quiet) * module_px;
    let mut img = GrayImage::from_pixel(side, side, Luma([light]));
    for my in 0..n {
        for mx in 0..n {
            if modules[(my * n + mx) as usize] {
                for dy in 0..module_px {
                    for dx in 0..module_px {
                        img.put_pixel(
                            (quiet + mx) * module_px + dx,
                            (quiet + my) * module_px + dy,
                            Luma([dark]),
                        );
                    }
                }
            }
        }
    }
    img
}
