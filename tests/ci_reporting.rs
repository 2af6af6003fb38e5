//! End-to-end tests of the CI features (issue 6): SARIF validated against the SARIF 2.1.0
//! schema, several outputs in one run, stable fingerprints, baselines, ignore entries, and
//! sharded runs merged into the report of a single run.

mod common;
use common::{qraudit, root};

use std::path::{Path, PathBuf};

use serde_json::Value;

fn json_of(args: &[&str]) -> (Value, i32) {
    let output = qraudit().args(args).output().unwrap();
    let value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    (value, output.status.code().unwrap())
}

/// `qraudit ARGS` run in `cwd`: the JSON report and the exit code.
fn json_in(cwd: &Path, args: &[&str]) -> (Value, i32) {
    let output = qraudit().current_dir(cwd).args(args).output().unwrap();
    let value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    (value, output.status.code().unwrap())
}

fn fingerprints(report: &Value) -> Vec<String> {
    let mut all: Vec<String> = report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["codes"].as_array().unwrap().clone())
        .flat_map(|c| c["findings"].as_array().unwrap().clone())
        .map(|f| f["fingerprint"].as_str().unwrap().to_string())
        .collect();
    all.sort();
    all
}

/// A folder holding copies of some testdata files, under `rel` inside a new temp dir.
fn copy_tree(files: &[&str], rel: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join(rel);
    for file in files {
        let target = base.join(file);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(root().join("testdata").join(file), &target).unwrap();
    }
    (dir, base)
}

#[test]
fn sarif_is_valid_and_carries_our_fingerprints_and_boxes() {
    let (sarif, code) = json_of(&[
        "scan",
        "--format",
        "sarif",
        "testdata/sheets",
        "testdata/risky",
        "testdata/bad",
    ]);
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/fixtures/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(code, 2, "testdata/bad holds unreadable files");

    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.len() >= 19);
    for rule in rules {
        assert!(
            rule["help"]["markdown"]
                .as_str()
                .unwrap()
                .contains("**Fix:**")
        );
        assert!(rule["properties"]["security-severity"].is_string());
        assert!(rule["defaultConfiguration"]["level"].is_string());
    }
    let results = run["results"].as_array().unwrap();
    let (json_report, _) = json_of(&[
        "scan",
        "--format",
        "json",
        "testdata/sheets",
        "testdata/risky",
        "testdata/bad",
    ]);
    assert_eq!(results.len(), fingerprints(&json_report).len());
    let mut seen = std::collections::HashSet::new();
    for result in results {
        let fingerprint = result["partialFingerprints"]["primaryLocationLineHash"]
            .as_str()
            .unwrap();
        assert!(
            seen.insert(fingerprint.to_string()),
            "duplicate fingerprint {fingerprint}"
        );
        let location = &result["locations"][0]["physicalLocation"];
        // GitHub's ingestion (GH1003) wants a region: line 1 of the image, the code's text as
        // the snippet.
        assert_eq!(location["region"]["startLine"], 1, "{location}");
        let snippet = location["region"]["snippet"]["text"].as_str().unwrap_or("");
        assert!(!snippet.is_empty(), "{location}");
        assert!(
            location["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .starts_with("testdata/")
        );
        let level = result["level"].as_str().unwrap();
        let severity = result["properties"]["severity"].as_str().unwrap();
        let expected = match severity {
            "critical" | "high" => "error",
            "medium" => "warning",
            _ => "note",
        };
        assert_eq!(level, expected, "{result:#}");
        let rect = &result["attachments"][0]["rectangles"][0];
        assert!(rect["right"].as_f64().unwrap() > rect["left"].as_f64().unwrap());
        assert!(
            result["message"]["text"]
                .as_str()
                .unwrap()
                .starts_with("code #")
        );
    }
    // Two findings on different codes of one image are two alerts.
    let on_sheet: Vec<&Value> = results
        .iter()
        .filter(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                == "testdata/sheets/four-codes.png"
        })
        .collect();
    assert!(on_sheet.len() >= 2, "{on_sheet:#?}");
    // Unreadable inputs are tool notifications: the four broken files of testdata/bad, and the
    // image a decoder pass panicked on.
    let notifications = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notifications.len(), 5, "{notifications:#?}");
    assert!(
        notifications.iter().any(|n| n["message"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("decoder panicked in pass"))),
        "{notifications:#?}"
    );
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
}

#[test]
fn several_outputs_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let (sarif, json) = (dir.path().join("out.sarif"), dir.path().join("out.json"));
    let output = qraudit()
        .args([
            "scan",
            "--format",
            "table",
            "--sarif",
            sarif.to_str().unwrap(),
            "--json",
            json.to_str().unwrap(),
        ])
        .arg("testdata/risky")
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("control-characters") && stdout.contains('┆'),
        "{stdout}"
    );
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(
        sarif["runs"][0]["results"].as_array().unwrap().len() as u64,
        ["critical", "high", "medium", "low", "info"]
            .iter()
            .map(|s| json["summary"]["findings"][s].as_u64().unwrap())
            .sum::<u64>()
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn fingerprints_are_stable_across_runs_and_moved_checkouts() {
    let files = [
        "sheets/four-codes.png",
        "risky/encoding.png",
        "posters/password-in-url.jpg",
    ];
    // Two checkouts of one repository in different places: fingerprints take paths relative
    // to the repository's top level (a `.git` folder), wherever it is.
    let (_a, first) = copy_tree(&files, "checkout-a/assets");
    let (_b, second) = copy_tree(&files, "elsewhere/deeper/checkout-b/assets");
    for checkout in [&first, &second] {
        std::fs::create_dir(checkout.parent().unwrap().join(".git")).unwrap();
    }
    let (one, _) = json_in(
        first.parent().unwrap(),
        &["scan", "--format", "json", first.to_str().unwrap()],
    );
    let (again, _) = json_in(
        first.parent().unwrap(),
        &["scan", "--format", "json", "assets"],
    );
    let (moved, _) = json_in(
        second.parent().unwrap(),
        &["scan", "--format", "json", "assets"],
    );
    assert!(fingerprints(&one).len() >= 5);
    assert_eq!(fingerprints(&one), fingerprints(&again));
    assert_eq!(fingerprints(&one), fingerprints(&moved));
    // --show-secrets changes what is shown, never the identity of a finding.
    let (shown, _) = json_in(
        first.parent().unwrap(),
        &["scan", "--format", "json", "--show-secrets", "assets"],
    );
    assert_eq!(fingerprints(&one), fingerprints(&shown));
}

#[test]
fn sarif_snippets_are_redacted() {
    let (sarif, _) = json_of(&[
        "scan",
        "--format",
        "sarif",
        "testdata/posters/password-in-url.jpg",
    ]);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let snippet = result["locations"][0]["physicalLocation"]["region"]["snippet"]["text"]
            .as_str()
            .unwrap();
        assert!(snippet.contains("jdoe:********@"), "{snippet}");
        assert!(!snippet.contains("Winter2026"), "{snippet}");
    }
}

#[test]
fn baseline_round_trip() {
    let (dir, assets) = copy_tree(&["risky/encoding.png", "sheets/conflict-b.png"], "assets");
    let baseline = dir.path().join("baseline.json");
    let first = qraudit()
        .args([
            "scan",
            "-q",
            "--format",
            "json",
            "--write-baseline",
            baseline.to_str().unwrap(),
        ])
        .arg(&assets)
        .output()
        .unwrap();
    // Writing a baseline accepts today's findings: the run passes under `set -e`.
    assert_eq!(first.status.code(), Some(0));
    // Second run: everything is known, so nothing fails the build.
    let (report, code) = json_of(&[
        "scan",
        "--format",
        "json",
        "--baseline",
        baseline.to_str().unwrap(),
        assets.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{report:#}");
    let total_before = fingerprints(&serde_json::from_slice(&first.stdout).unwrap()).len() as u64;
    assert_eq!(
        report["summary"]["suppressed"].as_u64().unwrap(),
        total_before
    );
    assert!(
        fingerprints(&report).is_empty(),
        "suppressed findings are hidden by default"
    );
    let (shown, _) = json_of(&[
        "scan",
        "--format",
        "json",
        "--show-suppressed",
        "--baseline",
        baseline.to_str().unwrap(),
        assets.to_str().unwrap(),
    ]);
    let suppressed = &shown["inputs"][0]["codes"][0]["findings"][0]["suppressed"];
    assert_eq!(suppressed["by"], "baseline", "{shown:#}");
    // One new risky code: only it counts, and the run fails again.
    std::fs::copy(
        root().join("testdata/posters/password-in-url.jpg"),
        assets.join("new.jpg"),
    )
    .unwrap();
    let (report, code) = json_of(&[
        "scan",
        "--format",
        "json",
        "--baseline",
        baseline.to_str().unwrap(),
        assets.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert_eq!(report["summary"]["findings"]["critical"], 1);
    let new_rules: Vec<&str> = report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["codes"].as_array().unwrap())
        .flat_map(|c| c["findings"].as_array().unwrap())
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(new_rules.contains(&"embedded-password"), "{new_rules:?}");
    assert!(!new_rules.contains(&"malformed-encoding"), "{new_rules:?}");
}

#[test]
fn ignore_entries_match_and_stale_ones_are_reported() {
    let (first, _) = json_of(&[
        "scan",
        "--format",
        "json",
        "testdata/risky/encoding.png",
        "testdata/sheets/conflict-b.png",
    ]);
    let fingerprint = first["inputs"][0]["codes"][0]["findings"][0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.toml");
    std::fs::write(
        &policy,
        format!(
            "[[ignore]]\nfingerprint = \"{fingerprint}\"\nreason = \"accepted: reprint scheduled\"\n\n\
             [[ignore]]\npath = \"**/conflict-b.png\"\nrule = \"untrusted-ssl\"\nreason = \"lab network only\"\n\n\
             [[ignore]]\npath = \"**/never-there.png\"\nrule = \"save-password\"\nreason = \"old poster\"\n"
        ),
    )
    .unwrap();
    let (report, _) = json_of(&[
        "scan",
        "--format",
        "json",
        "--show-suppressed",
        "--policy",
        policy.to_str().unwrap(),
        "testdata/risky/encoding.png",
        "testdata/sheets/conflict-b.png",
    ]);
    let findings = |n: usize| {
        report["inputs"][n]["codes"][0]["findings"]
            .as_array()
            .unwrap()
            .clone()
    };
    let by_fingerprint = findings(0)
        .into_iter()
        .find(|f| f["fingerprint"] == fingerprint.as_str())
        .unwrap();
    assert_eq!(
        by_fingerprint["suppressed"]["reason"],
        "accepted: reprint scheduled"
    );
    let untrusted = findings(1)
        .into_iter()
        .find(|f| f["rule"] == "untrusted-ssl")
        .unwrap();
    assert_eq!(untrusted["suppressed"]["by"], "ignore");
    let notes: Vec<&str> = report["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("stale ignore at") && n.contains("old poster")),
        "{notes:?}"
    );
    assert_eq!(
        notes
            .iter()
            .filter(|n| n.starts_with("stale ignore"))
            .count(),
        1,
        "{notes:?}"
    );
    // An entry without a reason is an error naming the line.
    std::fs::write(
        &policy,
        "fail_on = \"high\"\n[[ignore]]\nfingerprint = \"abc\"\n",
    )
    .unwrap();
    let output = qraudit()
        .args([
            "scan",
            "--policy",
            policy.to_str().unwrap(),
            "testdata/risky",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr.contains("reason") && stderr.contains(":2"),
        "{stderr}"
    );
}

/// The JSON with object keys sorted, for byte comparison.
fn canonical(value: &Value) -> String {
    serde_json::to_string(value).unwrap()
}

#[test]
fn merged_shards_equal_one_whole_run() {
    let dir = tempfile::tempdir().unwrap();
    let (whole, whole_code) = json_of(&["scan", "--format", "json", "testdata"]);
    let mut shard_files = Vec::new();
    let mut shard_inputs = 0;
    for i in 1..=3 {
        let format = if i == 2 { "jsonl" } else { "json" };
        let path = dir.path().join(format!("shard{i}.{format}"));
        qraudit()
            .args([
                "scan",
                "-q",
                "--format",
                format,
                "--shard",
                &format!("{i}/3"),
                "-o",
                path.to_str().unwrap(),
                "testdata",
            ])
            .output()
            .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        shard_inputs += if format == "json" {
            serde_json::from_str::<Value>(&text).unwrap()["inputs"]
                .as_array()
                .unwrap()
                .len()
        } else {
            text.lines().count() - 1
        };
        shard_files.push(path);
    }
    assert_eq!(
        shard_inputs as u64,
        whole["summary"]["inputs"].as_u64().unwrap(),
        "shards are disjoint and cover all"
    );
    let output = qraudit()
        .args(["merge", "--format", "json"])
        .args(&shard_files)
        .output()
        .unwrap();
    let merged: Value = serde_json::from_slice(&output.stdout).unwrap();
    // serde_json's map keeps keys sorted, so equal values print byte for byte the same.
    assert_eq!(canonical(&merged), canonical(&whole));
    assert_eq!(output.status.code(), Some(whole_code));
    // Cross-code conflicts found only by looking at several shards at once are recomputed.
    let conflicts = |r: &Value| {
        r["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|i| i["codes"].as_array().unwrap())
            .flat_map(|c| c["findings"].as_array().unwrap())
            .filter(|f| f["rule"] == "community-conflict")
            .count()
    };
    assert!(conflicts(&whole) > 0);
    assert_eq!(conflicts(&merged), conflicts(&whole));
}

#[test]
fn bad_baselines_and_shards_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("baseline.json");
    std::fs::write(&bad, "{\"not\": \"a report\"}").unwrap();
    let output = qraudit()
        .args([
            "scan",
            "--baseline",
            bad.to_str().unwrap(),
            "testdata/risky",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not a qraudit JSON report"));
    let output = qraudit()
        .args(["scan", "--shard", "4/3", "testdata/risky"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("I/N"));
    qraudit()
        .args(["merge", "/nonexistent/report.json"])
        .assert()
        .code(2);
}

/// The community-conflict finding of the first code of the input whose `key` is `value`.
fn conflict_finding<'a>(report: &'a Value, key: &str, value: &str) -> &'a Value {
    let input = report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i[key] == value)
        .unwrap_or_else(|| panic!("no input with {key} {value}"));
    input["codes"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "community-conflict")
        .unwrap_or_else(|| panic!("{value} carries no community-conflict"))
}

/// Runs `qraudit scan --shard I/N` for every I over the same arguments, then `qraudit merge`
/// with `merge_args`; returns the merged report's bytes and exit code.
fn sharded_then_merged(count: u32, scan_args: &[&str], merge_args: &[&str]) -> (Vec<u8>, i32) {
    let dir = tempfile::tempdir().unwrap();
    let mut shard_files = Vec::new();
    for i in 1..=count {
        let format = if i % 2 == 0 { "jsonl" } else { "json" };
        let path = dir.path().join(format!("shard{i}.{format}"));
        let output = qraudit()
            .args(["scan", "-q", "--fail-on", "never", "--format", format])
            .args([
                "--shard",
                &format!("{i}/{count}"),
                "-o",
                path.to_str().unwrap(),
            ])
            .args(scan_args)
            .output()
            .unwrap();
        assert!(
            output.status.code().unwrap() != 2 || path.exists(),
            "{output:?}"
        );
        shard_files.push(path);
    }
    let output = qraudit()
        .args(["merge", "-q"])
        .args(merge_args)
        .args(&shard_files)
        .output()
        .unwrap();
    (output.stdout, output.status.code().unwrap())
}

#[test]
fn merged_shards_of_paths_out_of_order_equal_the_single_run_byte_for_byte() {
    // `scan b a`: the single run lists b's inputs first, and so must the merge.
    let paths = ["testdata/sheets", "testdata/risky", "testdata/posters"];
    let single = qraudit()
        .args(["scan", "-q", "--format", "json"])
        .args(paths)
        .output()
        .unwrap();
    let whole: Value = serde_json::from_slice(&single.stdout).unwrap();
    assert!(
        whole["inputs"][0]["path"]
            .as_str()
            .unwrap()
            .starts_with("testdata/sheets/"),
        "{whole}"
    );
    for count in [2, 3, 5] {
        let (merged, code) = sharded_then_merged(count, &paths, &["--format", "json"]);
        assert_eq!(
            String::from_utf8_lossy(&merged),
            String::from_utf8_lossy(&single.stdout),
            "{count} shards"
        );
        assert_eq!(Some(code), single.status.code());
    }
}

#[test]
fn merge_applies_the_policy_to_recomputed_conflicts_and_stale_ignores() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.toml");
    std::fs::write(
        &policy,
        "[rules]\ncommunity-conflict = \"high\"\n\n\
         [[ignore]]\npath = \"**/conflict-a.png\"\nrule = \"community-conflict\"\nreason = \"retired poster\"\n\n\
         [[ignore]]\npath = \"**/encoding.png\"\nrule = \"malformed-encoding\"\nreason = \"reprint ordered\"\n\n\
         [[ignore]]\npath = \"**/never-there.png\"\nrule = \"save-password\"\nreason = \"old poster\"\n",
    )
    .unwrap();
    let policy = policy.to_str().unwrap();
    let paths = ["testdata/sheets", "testdata/risky"];
    for shown in [&[][..], &["--show-suppressed"][..]] {
        let single = qraudit()
            .args(["scan", "-q", "--format", "json", "--policy", policy])
            .args(shown)
            .args(paths)
            .output()
            .unwrap();
        let whole: Value = serde_json::from_slice(&single.stdout).unwrap();
        // One stale ignore, the conflict re-graded on conflict-b, suppressed on conflict-a.
        let notes: Vec<&str> = whole["notes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap())
            .collect();
        assert_eq!(
            notes
                .iter()
                .filter(|n| n.starts_with("stale ignore"))
                .count(),
            1,
            "{notes:?}"
        );
        assert!(
            whole["summary"]["suppressed"].as_u64().unwrap() >= 2,
            "{whole}"
        );
        let mut merge_args = vec!["--format", "json", "--policy", policy];
        merge_args.extend_from_slice(shown);
        for count in [2, 3, 4] {
            let (merged, code) = sharded_then_merged(count, &paths, &merge_args);
            assert_eq!(
                String::from_utf8_lossy(&merged),
                String::from_utf8_lossy(&single.stdout),
                "{count} shards, {shown:?}"
            );
            assert_eq!(Some(code), single.status.code());
        }
        let conflict = conflict_finding(&whole, "path", "testdata/sheets/conflict-b.png");
        assert_eq!(conflict["severity"], "high");
    }
}

#[test]
fn a_file_that_sorts_first_moves_no_conflict_finding() {
    let (dir, base) = copy_tree(
        &["sheets/conflict-a.png", "sheets/conflict-b.png"],
        "assets",
    );
    let conflicts = |report: &Value| -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = report["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|i| {
                let path = i["relative_path"].as_str().unwrap().to_string();
                i["codes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .flat_map(|c| c["findings"].as_array().unwrap().clone())
                    .filter(|f| f["rule"] == "community-conflict")
                    .map(move |f| (path.clone(), f["fingerprint"].as_str().unwrap().to_string()))
                    .collect::<Vec<_>>()
            })
            .collect();
        out.sort();
        out
    };
    // Paths relative to the scanned folder, for the assertions below.
    let scan = |base: &Path| {
        let base = base.to_str().unwrap();
        json_of(&["scan", "--format", "json", "--fingerprint-root", base, base])
    };
    let (before, _) = scan(&base);
    let before = conflicts(&before);
    // Both codes of the conflicting pair carry the finding, not only the later one.
    let files: Vec<&str> = before.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(files, ["sheets/conflict-a.png", "sheets/conflict-b.png"]);
    // A third variant of the same community, in a file that sorts before both.
    std::fs::copy(
        root().join("testdata/sheets/conflict-b.png"),
        base.join("sheets/0-first.png"),
    )
    .unwrap();
    let (after, _) = scan(&base);
    let after_conflicts = conflicts(&after);
    for finding in &before {
        assert!(
            after_conflicts.contains(finding),
            "{finding:?} moved: {after_conflicts:?}"
        );
    }
    assert!(
        after_conflicts
            .iter()
            .any(|(p, _)| p == "sheets/0-first.png")
    );
    // The message counts the codes of each variant.
    let message = conflict_finding(&after, "relative_path", "sheets/conflict-a.png")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.contains("2 codes ("), "{message}");
    assert!(message.contains("0-first.png #1"), "{message}");
    drop(dir);
}
