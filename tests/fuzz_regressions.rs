//! The fuzz targets' inputs, run on stable without the fuzzer: every committed seed
//! (`fuzz/seeds/TARGET/`) and every reproducer of a bug the fuzzers found
//! (`tests/fuzz_regressions/TARGET/`), through the same `fuzz_entry` function its target calls.
//! Each report must keep the invariants of `fuzz_entry::check_report`, validate against
//! `docs/report-schema.json` (too slow for the fuzzers' inner loop, so checked here), contain
//! no panic other than the known upstream one, and mask every secret its payloads name.
//! A reproducer's file name says what it found; docs/reliability.md lists them.

use std::path::{Path, PathBuf};

use qraudit::fuzz_entry;
use qraudit::report::model::Report;
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/report-schema.json")).expect("the schema"),
    )
    .expect("the schema is JSON");
    jsonschema::validator_for(&schema).expect("the schema is valid JSON Schema")
}

/// The files of `dir/TARGET/`, sorted; none when the folder does not exist.
fn files(dir: &Path, target: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir.join(target)) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// The reports the target `target` makes of `data`, as its fuzz target does.
fn reports(target: &str, data: &[u8]) -> Vec<Report> {
    match target {
        "image" | "mail" | "mbox" | "zip" | "pdf" | "svg" | "config_xml" => {
            vec![fuzz_entry::scan_file(data)]
        }
        "raster" => {
            if data.len() < 4 {
                return Vec::new();
            }
            // The header of fuzz/fuzz_targets/raster.rs.
            let scale = u32::from(data[2] % 4) + 1;
            let width = (u32::from(data[0]) + 1) * scale;
            let height = (u32::from(data[1]) + 1) * scale;
            fuzz_entry::decode_raster(width, height, &data[3..])
                .into_iter()
                .collect()
        }
        "payload" => vec![fuzz_entry::check_text(&String::from_utf8_lossy(data))],
        "policy" => std::str::from_utf8(data)
            .ok()
            .and_then(|t| fuzz_entry::policy(t).ok())
            .into_iter()
            .collect(),
        "report" => match std::str::from_utf8(data) {
            Ok(text) => [fuzz_entry::merge_report(text), fuzz_entry::baseline(text)]
                .into_iter()
                .filter_map(Result::ok)
                .collect(),
            Err(_) => Vec::new(),
        },
        other => panic!("no entry point for target {other}"),
    }
}

const TARGETS: [&str; 11] = [
    "image",
    "raster",
    "mail",
    "mbox",
    "zip",
    "pdf",
    "svg",
    "config_xml",
    "payload",
    "policy",
    "report",
];

/// Runs every file of `dir` through its target; returns how many reports were checked.
fn check_all(dir: &Path) -> usize {
    let validator = validator();
    let mut checked = 0;
    let mut failures = Vec::new();
    for target in TARGETS {
        for path in files(dir, target) {
            let data = std::fs::read(&path).expect("reading an input");
            for report in reports(target, &data) {
                checked += 1;
                if let Err(problem) = check_one(&validator, target, &data, &report) {
                    failures.push(format!("{}: {problem}", path.display()));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    checked
}

fn check_one(
    validator: &jsonschema::Validator,
    target: &str,
    data: &[u8],
    report: &Report,
) -> Result<(), String> {
    let outputs = fuzz_entry::check_report(report)?;
    let json: Value = serde_json::from_slice(&outputs.json).map_err(|e| e.to_string())?;
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    if !errors.is_empty() {
        return Err(format!("not valid against the schema: {errors:?}"));
    }
    let panics = fuzz_entry::unexpected_panics(report);
    if !panics.is_empty() {
        return Err(format!("contained panics: {panics:?}"));
    }
    if target == "payload" {
        let text = String::from_utf8_lossy(data);
        for secret in qraudit::payload::Payload::classify(&text).secrets() {
            if secret.chars().count() >= 8 {
                fuzz_entry::check_redacted(&outputs, &secret)?;
            }
        }
    }
    Ok(())
}

#[test]
fn every_seed_keeps_the_report_invariants() {
    let checked = check_all(&root().join("fuzz/seeds"));
    // Every target has seeds (policy and report seeds each give at least one report).
    assert!(checked >= 60, "only {checked} seed reports checked");
}

#[test]
fn every_fuzzer_finding_stays_fixed() {
    check_all(&root().join("tests/fuzz_regressions"));
}
