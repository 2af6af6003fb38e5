//! A panic is contained: when a reader, decoder or parser panics on one input, the real
//! binary reports that input as an error naming the stage ("… panicked (stage S): …"), keeps
//! what the other stages and inputs found, exits 2, and prints no panic message of its own.
//!
//! The panics are injected with the test hook of `decode::isolate`: `QRAUDIT_INJECT_PANIC`
//! names a stage, and the stage panics on data containing `QRAUDIT-INJECTED-PANIC`.

mod common;

use std::io::{Cursor, Write};
use std::path::Path;

use serde_json::Value;

const MARKER: &str = "QRAUDIT-INJECTED-PANIC";
const POSTER_CODE: &str =
    "hclsametime://stproxy.example.com:8443/?action=AddCommunity&communityName=Sales%20Team";

/// Scans `dir` with a panic injected in `stage`; returns the report and the exit code.
fn scan_injected(stage: &str, dir: &Path) -> (Value, i32) {
    let output = common::qraudit()
        .env("QRAUDIT_INJECT_PANIC", stage)
        .args(["scan", "--format", "json", "--quiet", "--no-policy"])
        .arg(dir)
        .output()
        .expect("qraudit runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("panicked at"),
        "a contained panic was printed: {stderr}"
    );
    let report = serde_json::from_slice(&output.stdout).expect("a JSON report");
    (report, output.status.code().unwrap_or(-1))
}

fn input<'a>(report: &'a Value, path: &Path) -> &'a Value {
    let path = path.display().to_string();
    report["inputs"]
        .as_array()
        .and_then(|inputs| inputs.iter().find(|i| i["path"] == path.as_str()))
        .unwrap_or_else(|| panic!("{path} missing: {report:#}"))
}

/// A folder with the poster (which must still be read) and `bytes` under `name`.
fn folder_with(name: &str, bytes: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::copy(
        common::root().join("testdata/posters/sales-team.png"),
        dir.path().join("poster.png"),
    )
    .expect("copying the poster");
    std::fs::write(dir.path().join(name), bytes).expect("writing the input");
    dir
}

/// Asserts the injected input is an error naming `stage` (at `location` when given) and the
/// poster is still read.
fn assert_contained(stage: &str, name: &str, bytes: &[u8], what: &str) {
    let dir = folder_with(name, bytes);
    let (report, code) = scan_injected(stage, dir.path());
    let entry = input(&report, &dir.path().join(name));
    let error = entry["error"].as_str().unwrap_or_default();
    assert_eq!(entry["status"], "error", "{stage}: {entry:#}");
    let expected = format!("{what} panicked (stage {stage}): panic injected for a test");
    assert!(
        error.contains(&expected),
        "{stage}: {error:?} lacks {expected:?}"
    );
    let poster = input(&report, &dir.path().join("poster.png"));
    assert_eq!(poster["codes"][0]["text"], POSTER_CODE, "{stage}");
    assert_eq!(code, 2, "{stage}");
    assert_eq!(report["summary"]["errors"], 1, "{stage}");
}

fn code_png(text: &str) -> Vec<u8> {
    let image = qrcode::QrCode::new(text.as_bytes())
        .expect("a short text fits")
        .render::<image::Luma<u8>>()
        .module_dimensions(6, 6)
        .build();
    let mut png = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("encoding in memory");
    png
}

fn mail(body: &str) -> Vec<u8> {
    format!(
        "From: a@example.com\r\nTo: b@example.com\r\nSubject: t\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in members {
        writer.start_file(*name, options).expect("a member");
        writer.write_all(data).expect("writing to memory");
    }
    writer.finish().expect("a zip").into_inner()
}

#[test]
fn a_panic_in_each_container_reader_costs_only_that_input() {
    assert_contained(
        "mail",
        "a.eml",
        &mail(&format!("hello {MARKER}")),
        "mail reader",
    );
    let mbox = [
        b"From a@example.com Thu Jan  1 00:00:00 2026\n".to_vec(),
        mail(MARKER),
    ]
    .concat();
    assert_contained("mbox", "a.mbox", &mbox, "mbox reader");
    assert_contained(
        "zip",
        "a.zip",
        &zip_of(&[(&format!("{MARKER}.txt"), b"x")]),
        "zip reader",
    );
    assert_contained(
        "pdf",
        "a.pdf",
        format!("%PDF-1.4\n% {MARKER}\n%%EOF\n").as_bytes(),
        "PDF reader",
    );
    assert_contained(
        "svg",
        "a.svg",
        format!("<svg xmlns=\"http://www.w3.org/2000/svg\"><!-- {MARKER} --></svg>").as_bytes(),
        "SVG reader",
    );
}

#[test]
fn a_panic_in_a_nested_container_keeps_its_siblings() {
    let poster =
        std::fs::read(common::root().join("testdata/posters/sales-team.png")).expect("the poster");
    let zip = zip_of(&[
        ("inner.eml", &mail(MARKER)),
        ("qr.png", &code_png("https://example.com/sibling")),
        ("poster.png", &poster),
    ]);
    let dir = folder_with("bundle.zip", &zip);
    let (report, code) = scan_injected("mail", dir.path());
    let entry = input(&report, &dir.path().join("bundle.zip"));
    let error = entry["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("bundle.zip!inner.eml: mail reader panicked (stage mail)"),
        "{error}"
    );
    assert_eq!(
        common::code_texts(entry),
        ["https://example.com/sibling", POSTER_CODE]
    );
    assert_eq!(code, 2);
}

#[test]
fn a_panic_in_the_image_decoder_and_the_config_reader_is_contained() {
    // A PNG whose text chunk holds the marker: the image stage panics on its bytes.
    let mut png = code_png("https://example.com/never-read");
    let mut chunk = Vec::new();
    let text = format!("Comment\0{MARKER}");
    chunk.extend_from_slice(&(text.len() as u32).to_be_bytes());
    chunk.extend_from_slice(b"tEXt");
    chunk.extend_from_slice(text.as_bytes());
    let mut crc = flate2::Crc::new();
    crc.update(b"tEXt");
    crc.update(text.as_bytes());
    chunk.extend_from_slice(&crc.sum().to_be_bytes());
    png.splice(33..33, chunk); // right after the IHDR chunk
    assert_contained("image-load", "marked.png", &png, "image decoder");
    assert_contained(
        "config-xml",
        "stproxyconfig.xml",
        format!("<config><!-- {MARKER} --><mobile><configUrl>hclsametime://h/?action=AddCommunity</configUrl></mobile></config>").as_bytes(),
        "stproxyconfig.xml reader",
    );
    assert_contained(
        "scan",
        "anything.bin",
        format!("whatever {MARKER}").as_bytes(),
        "scanning this input",
    );
}

#[test]
fn a_panic_in_a_payload_parser_withholds_that_code_only() {
    // The code's text carries the marker: its analysis panics; the image's other code and the
    // other input are still analysed, and the text that could not be redacted is not shown.
    let marked =
        format!("hclsametime://jdoe:Secret123@h.example.com/?action=AddCommunity&x={MARKER}");
    let dir = folder_with("marked.png", &code_png(&marked));
    let (report, code) = scan_injected("payload", dir.path());
    let entry = input(&report, &dir.path().join("marked.png"));
    assert_eq!(entry["status"], "error");
    let error = entry["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("code 1: payload parser panicked (stage payload): panic injected"),
        "{error}"
    );
    assert_eq!(entry["codes"][0]["text"], Value::Null);
    assert_eq!(entry["codes"][0]["payload"]["kind"], "unanalyzed");
    assert!(!report.to_string().contains("Secret123"));
    assert_eq!(
        input(&report, &dir.path().join("poster.png"))["codes"][0]["text"],
        POSTER_CODE
    );
    assert_eq!(code, 2);

    // The same through `qraudit check`: text:1 is the error, text:2 is audited.
    let output = common::qraudit()
        .env("QRAUDIT_INJECT_PANIC", "payload")
        .args([
            "check",
            "--format",
            "json",
            "--quiet",
            "--no-policy",
            &marked,
            "https://example.com/",
        ])
        .output()
        .expect("qraudit runs");
    let report: Value = serde_json::from_slice(&output.stdout).expect("a JSON report");
    assert_eq!(report["inputs"][0]["status"], "error");
    assert_eq!(report["inputs"][1]["status"], "ok");
    assert_eq!(report["inputs"][1]["codes"][0]["payload"]["kind"], "url");
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn without_the_marker_or_the_variable_nothing_is_injected() {
    let dir = folder_with("plain.eml", &mail("hello"));
    let (report, code) = scan_injected("mail", dir.path());
    assert_eq!(
        input(&report, &dir.path().join("plain.eml"))["status"],
        "no-code"
    );
    assert_eq!(code, 0);
    let output = common::qraudit()
        .args(["scan", "--format", "json", "--quiet", "--no-policy"])
        .arg(folder_with("marked.eml", &mail(MARKER)).path())
        .output()
        .expect("qraudit runs");
    assert_eq!(output.status.code(), Some(0));
}
