//! End-to-end tests of `qraudit scan`: the real binary on the generated `testdata/`, every
//! output format, every exit code and every bad-input case.

mod common;
use common::{qraudit, unescape};

use std::path::Path;
use std::process::{Command as StdCommand, Stdio};

use serde_json::Value;

fn testdata(rel: &str) -> String {
    format!("testdata/{rel}")
}

/// Runs a scan with `--format json` and returns the parsed report and the exit code.
fn scan_json(args: &[&str]) -> (Value, i32, String) {
    let output = qraudit()
        .arg("scan")
        .args(["--format", "json"])
        .args(args)
        .output()
        .expect("qraudit runs");
    let stdout = String::from_utf8(output.stdout).expect("JSON is UTF-8");
    let report: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"));
    (
        report,
        output.status.code().expect("exit code"),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn input<'a>(report: &'a Value, path: &str) -> &'a Value {
    report["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .find(|i| i["path"] == path)
        .unwrap_or_else(|| panic!("no input {path} in {report:#}"))
}

/// The texts of all codes in one input.
fn texts(report: &Value, path: &str) -> Vec<String> {
    input(report, path)["codes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| c["text"].as_str().unwrap_or("<unreadable>").to_string())
        .collect()
}

#[test]
fn every_code_in_testdata_is_decoded_exactly() {
    // Exact text comparison: secrets must be shown for that.
    let (report, _, _) = scan_json(&["--show-secrets", "testdata"]);
    let manifest = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/manifest.tsv"),
    )
    .expect("manifest");
    let mut checked = 0;
    for line in manifest.lines().filter(|l| !l.starts_with('#')) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (rel, expect) = (cols[0], cols[1]);
        let path = testdata(rel);
        let found = input(&report, &path);
        match expect {
            "code" => {
                assert_has_code(found, &path, &unescape(cols[3]));
                assert_eq!(found["status"], "ok", "{path}");
            }
            // rqrr panicked in a pass: an error for the input, the code beside still reported.
            "decoder-panic" => {
                assert_has_code(found, &path, &unescape(cols[3]));
                assert_eq!(found["status"], "error", "{path}");
                let error = found["error"].as_str().unwrap_or_default();
                assert!(
                    error.contains("decoder panicked in pass")
                        && error.contains("assertion failed"),
                    "{path}: {error}"
                );
            }
            "unreadable" => {
                assert_eq!(found["codes"][0]["text"], Value::Null, "{path}");
                assert_eq!(
                    found["codes"][0]["findings"][0]["rule"], "unreadable-code",
                    "{path}"
                );
            }
            "no-code" => assert_eq!(found["status"], "no-code", "{path}"),
            "skipped" | "error" => assert!(
                found["status"] == "skipped" || found["status"] == "error",
                "{path}"
            ),
            other => panic!("unknown manifest expectation {other}"),
        }
        checked += 1;
    }
    assert!(checked >= 25, "only {checked} manifest rows checked");
}

/// Asserts that `found` (one input of a report) lists a code with exactly the bytes `want`.
fn assert_has_code(found: &Value, path: &str, want: &[u8]) {
    let codes = found["codes"].as_array().expect("codes");
    let hit = codes
        .iter()
        .any(|c| match c.get("bytes_hex").and_then(Value::as_str) {
            Some(hex) => hex == want.iter().map(|b| format!("{b:02x}")).collect::<String>(),
            None => c["text"].as_str().map(str::as_bytes) == Some(want),
        });
    assert!(
        hit,
        "{path}: expected {:?} among {codes:#?}",
        String::from_utf8_lossy(want)
    );
}

#[test]
fn several_codes_on_one_sheet_are_all_reported_in_reading_order() {
    let (report, _, _) = scan_json(&[&testdata("sheets/four-codes.png")]);
    let codes = input(&report, &testdata("sheets/four-codes.png"))["codes"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(codes.len(), 4);
    let indexes: Vec<u64> = codes.iter().map(|c| c["index"].as_u64().unwrap()).collect();
    assert_eq!(indexes, vec![1, 2, 3, 4]);
    for code in &codes {
        let symbol = &code["symbol"];
        assert!(symbol["version"].as_u64().unwrap() >= 1);
        assert!(["L", "M", "Q", "H"].contains(&symbol["ecc"].as_str().unwrap()));
        assert!(symbol["mask"].as_u64().unwrap() <= 7);
        assert_eq!(symbol["corners"].as_array().unwrap().len(), 4);
        assert!(symbol["module_px"].as_f64().unwrap() > 1.0);
        assert!(!symbol["pass"].as_str().unwrap().is_empty());
    }
    let kinds: Vec<&str> = codes
        .iter()
        .map(|c| c["payload"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "sametime").count(),
        3,
        "{kinds:?}"
    );
    assert!(kinds.contains(&"url"), "{kinds:?}");
}

#[test]
fn json_report_matches_the_documented_schema() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report-schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema is valid JSON Schema");
    let (report, _, _) = scan_json(&["--timings", "testdata"]);
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["tool"]["name"], "qraudit");
    // The schema must be strict enough to catch a broken report.
    let mut broken = report.clone();
    broken["inputs"][0]["status"] = Value::from("fine");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn summary_counts_agree_with_the_inputs() {
    let (report, code, stderr) = scan_json(&["testdata"]);
    let inputs = report["inputs"].as_array().unwrap();
    let count = |status: &str| inputs.iter().filter(|i| i["status"] == status).count() as u64;
    let summary = &report["summary"];
    assert_eq!(summary["inputs"].as_u64().unwrap(), inputs.len() as u64);
    assert_eq!(summary["errors"].as_u64().unwrap(), count("error"));
    assert_eq!(summary["skipped"].as_u64().unwrap(), count("skipped"));
    let codes: usize = inputs
        .iter()
        .map(|i| i["codes"].as_array().unwrap().len())
        .sum();
    assert_eq!(summary["codes"].as_u64().unwrap(), codes as u64);
    // testdata holds broken files on purpose: the run reports them and exits 2.
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&format!("{} inputs", inputs.len())),
        "{stderr}"
    );
    assert!(stderr.contains("errors"), "{stderr}");
}

#[test]
fn bad_inputs_become_clear_per_file_errors_and_the_rest_is_scanned() {
    let (report, code, _) = scan_json(&[
        "testdata/bad",
        &testdata("posters/sales-team.png"),
        "testdata/does-not-exist.png",
    ]);
    let error = |rel: &str| {
        input(&report, rel)["error"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    assert!(error("testdata/bad/empty.png").contains("empty file"));
    assert!(error("testdata/bad/truncated.png").contains("PNG image could not be decoded"));
    assert!(
        error("testdata/bad/bomb.png").contains("200000×200000"),
        "{}",
        error("testdata/bad/bomb.png")
    );
    assert!(error("testdata/bad/corrupt.jpg").contains("JPEG image could not be decoded"));
    assert!(error("testdata/does-not-exist.png").contains("no such file"));
    assert_eq!(texts(&report, &testdata("posters/sales-team.png")).len(), 1);
    assert_eq!(code, 2);
}

#[test]
fn a_text_file_named_like_an_image_is_an_error_but_plain_text_is_skipped() {
    let (report, _, _) = scan_json(&["testdata/not-images"]);
    let fake = input(&report, "testdata/not-images/fake.png");
    assert_eq!(fake["status"], "error");
    assert!(fake["error"].as_str().unwrap().contains("not an image"));
    let notes = input(&report, "testdata/not-images/notes.txt");
    assert_eq!(notes["status"], "skipped");
    assert_eq!(notes["reason"], "not an image (text)");
}

#[test]
fn exit_codes_follow_fail_on() {
    let clean = testdata("posters/sales-team.png");
    let risky = testdata("risky/control-chars.png");
    qraudit().args(["scan", "-q", &clean]).assert().code(0);
    qraudit().args(["scan", "-q", &risky]).assert().code(1);
    qraudit()
        .args(["scan", "-q", "--fail-on", "never", &risky])
        .assert()
        .code(0);
    qraudit()
        .args(["scan", "-q", "--fail-on", "critical", &risky])
        .assert()
        .code(0);
    qraudit()
        .args(["scan", "-q", "--fail-on", "high", &risky])
        .assert()
        .code(1);
    // An unreadable input outranks findings.
    qraudit()
        .args(["scan", "-q", &risky, "testdata/bad/empty.png"])
        .assert()
        .code(2);
    // Usage errors are 2 as well.
    qraudit()
        .args(["scan", "--fail-on", "sometimes", &clean])
        .assert()
        .code(2);
    qraudit().args(["scan"]).assert().code(2);
}

#[test]
fn table_escapes_control_characters_and_shows_findings() {
    let output = qraudit()
        .args([
            "scan",
            "--format",
            "table",
            &testdata("risky/control-chars.png"),
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        !stdout.contains('\u{1b}'),
        "raw ESC reached the terminal: {stdout:?}"
    );
    assert!(
        !stdout.contains('\u{202e}'),
        "raw bidi override reached the terminal"
    );
    assert!(!stdout.contains('\u{7}'), "raw BEL reached the terminal");
    assert!(stdout.contains("\\x1b"), "{stdout}");
    assert!(stdout.contains("control-characters"), "{stdout}");
    assert!(stdout.contains("risky/control-chars.png"), "{stdout}");
    assert!(!String::from_utf8_lossy(&output.stderr).contains('\u{1b}'));
}

#[test]
fn json_escapes_bidi_overrides_but_keeps_the_exact_text() {
    let output = qraudit()
        .args([
            "scan",
            "--format",
            "json",
            &testdata("risky/control-chars.png"),
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(!stdout.contains('\u{202e}') && !stdout.contains('\u{1b}'));
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let text = report["inputs"][0]["codes"][0]["text"].as_str().unwrap();
    assert!(
        text.contains("\u{1b}[2J") && text.ends_with("Team\u{202e}"),
        "{text:?}"
    );
}

#[test]
fn jsonl_writes_one_line_per_input_and_a_closing_summary() {
    let output = qraudit()
        .args([
            "scan",
            "--format",
            "jsonl",
            "testdata/formats",
            "testdata/bad",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    // 5 formats, 5 bad files (empty, truncated, bomb, corrupt, decoder panic), the summary.
    assert_eq!(lines.len(), 5 + 5 + 1, "{stdout}");
    let (last, inputs) = lines.split_last().unwrap();
    assert_eq!(last["type"], "summary");
    assert_eq!(last["summary"]["inputs"], 10);
    assert_eq!(last["summary"]["errors"], 5);
    assert!(
        inputs
            .iter()
            .all(|l| l["type"] == "input" && l["path"].is_string())
    );
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn jsonl_summary_carries_cross_code_findings() {
    let output = qraudit()
        .args([
            "scan",
            "--format",
            "jsonl",
            "--fail-on",
            "never",
            "testdata/sheets",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let last: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    let total: u64 = ["critical", "high", "medium", "low", "info"]
        .iter()
        .map(|s| last["summary"]["findings"][s].as_u64().unwrap())
        .sum();
    let streamed: usize = stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|l| l["type"] == "input")
        .flat_map(|l| l["codes"].as_array().cloned().unwrap_or_default())
        .map(|c| c["findings"].as_array().map_or(0, Vec::len))
        .sum();
    let late = last["late_findings"].as_array().unwrap().len();
    // conflict-a and conflict-b define one community differently: known only at the end.
    assert!(late > 0, "{stdout}");
    assert_eq!(streamed + late, total as usize, "{stdout}");
}

#[test]
fn output_file_gets_the_report_and_stderr_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let assert = qraudit()
        .args([
            "scan",
            "-o",
            out.to_str().unwrap(),
            &testdata("posters/sales-team.png"),
        ])
        .assert()
        .code(0);
    let stdout = assert.get_output().stdout.clone();
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(stdout.is_empty());
    assert!(
        stderr.starts_with("qraudit: 1 inputs, 1 images, 1 codes"),
        "{stderr}"
    );
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(report["summary"]["codes"], 1);
    // --quiet: nothing on stderr.
    let quiet = qraudit()
        .args([
            "scan",
            "-q",
            "-o",
            out.to_str().unwrap(),
            &testdata("posters/sales-team.png"),
        ])
        .output()
        .unwrap();
    assert!(
        quiet.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&quiet.stderr)
    );
}

#[test]
fn stdin_image_is_scanned_as_dash() {
    let bytes =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/formats/code.gif"))
            .unwrap();
    let output = qraudit()
        .args(["scan", "--format", "json", "-"])
        .write_stdin(bytes)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        texts(&report, "-"),
        vec!["https://example.com/formats".to_string()]
    );
    assert_eq!(input(&report, "-")["media_type"], "image/gif");
}

#[test]
fn an_image_over_its_time_budget_is_an_error_and_the_run_finishes() {
    let (report, code, _) = scan_json(&["--image-timeout", "0.000001", "testdata/formats"]);
    for entry in report["inputs"].as_array().unwrap() {
        assert_eq!(entry["status"], "error");
        assert!(
            entry["error"]
                .as_str()
                .unwrap()
                .starts_with("decode timed out after"),
            "{entry}"
        );
    }
    assert_eq!(code, 2);
}

#[test]
fn max_pixels_refuses_large_images_with_a_clear_message() {
    let (report, code, _) =
        scan_json(&["--max-pixels", "1000", &testdata("posters/sales-team.png")]);
    let error = input(&report, &testdata("posters/sales-team.png"))["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(error.contains("above the limit of"), "{error}");
    assert_eq!(code, 2);
}

#[test]
fn excludes_and_symlinks() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(
        root.join("testdata/formats/code.gif"),
        dir.path().join("a.gif"),
    )
    .unwrap();
    std::fs::copy(
        root.join("testdata/formats/code.bmp"),
        dir.path().join("b.bmp"),
    )
    .unwrap();
    std::os::unix::fs::symlink(root.join("testdata/posters"), dir.path().join("linked")).unwrap();
    let base = dir.path().to_str().unwrap();
    let (report, _, _) = scan_json(&["--exclude", "*.bmp", base]);
    let paths: Vec<&str> = report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, vec![format!("{base}/a.gif")]);
    let (followed, _, _) = scan_json(&["--follow-symlinks", "--exclude", "*.bmp", base]);
    assert_eq!(followed["summary"]["inputs"], 3, "{followed:#}");
    assert_eq!(
        texts(&followed, &format!("{base}/linked/sales-team.png")),
        vec!["hclsametime://stproxy.example.com:8443/?action=AddCommunity&communityName=Sales%20Team".to_string()]
    );
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let mut child = StdCommand::new(env!("CARGO_BIN_EXE_qraudit"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "scan",
            "-q",
            "--format",
            "jsonl",
            "testdata/formats",
            "testdata/posters/sales-team.png",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
