//! `--format github` (workflow commands) and `--format codequality` (GitLab Code Quality), on
//! the real binary over the generated testdata (issue 23, item 2).

mod common;

use assert_cmd::Command;
use serde_json::Value;

fn scan(args: &[&str]) -> (String, i32) {
    let (stdout, code) = common::scan_quiet(args);
    (String::from_utf8(stdout).expect("UTF-8"), code)
}

const FOLDERS: [&str; 3] = ["testdata/risky", "testdata/bad", "testdata/screenshots"];

fn json_report() -> Value {
    let (json, _) = scan(&[&FOLDERS[..], &["--format", "json"]].concat());
    serde_json::from_str(&json).unwrap()
}

fn findings(report: &Value) -> Vec<(String, String, String)> {
    let mut all = Vec::new();
    for input in report["inputs"].as_array().unwrap() {
        for code in input["codes"].as_array().unwrap() {
            for f in code["findings"].as_array().unwrap() {
                all.push((
                    input["path"].as_str().unwrap().to_string(),
                    f["rule"].as_str().unwrap().to_string(),
                    f["severity"].as_str().unwrap().to_string(),
                ));
            }
        }
    }
    all
}

#[test]
fn github_annotations_one_per_finding_and_per_unreadable_input() {
    let report = json_report();
    let expected = findings(&report);
    let errors = report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["status"] == "error")
        .count();
    assert!(errors > 0 && !expected.is_empty());
    let (out, code) = scan(&[&FOLDERS[..], &["--format", "github"]].concat());
    assert_eq!(code, 2, "the exit code is the run's, whatever the format");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), expected.len() + errors, "{out}");
    let mut seen = Vec::new();
    for line in &lines {
        let (head, message) = line[2..]
            .split_once("::")
            .expect("::command props::message");
        let (command, props) = head.split_once(' ').expect("a command with properties");
        assert!(["error", "warning", "notice"].contains(&command), "{line}");
        let file = props
            .split(',')
            .find_map(|p| p.strip_prefix("file="))
            .expect("file=");
        assert!(common::root().join(file).exists(), "{file}");
        assert!(!message.is_empty());
        if let Some(title) = props
            .split(',')
            .find_map(|p| p.strip_prefix("title=qraudit "))
            && title.contains('(')
        {
            seen.push((
                file.to_string(),
                title.split(' ').next().unwrap().to_string(),
                command,
            ));
        }
    }
    // Each finding is there with its level: high/critical error, medium warning, else notice.
    for (path, rule, severity) in &expected {
        let level = match severity.as_str() {
            "critical" | "high" => "error",
            "medium" => "warning",
            _ => "notice",
        };
        assert!(
            seen.iter()
                .any(|(f, r, c)| f == path && r == rule && *c == level),
            "{path} {rule} {severity}"
        );
    }
    // A decoded text cannot inject a workflow command: no raw control character, and the
    // escape sequence of testdata/risky/control-chars.png is shown escaped.
    assert!(!out.contains('\u{1b}') && !out.contains('\r'));
    assert!(out.contains("\\x1b[2J"));
}

#[test]
fn gitlab_code_quality_report() {
    let report = json_report();
    let expected = findings(&report);
    let (out, _) = scan(&[&FOLDERS[..], &["--format", "codequality"]].concat());
    let issues: Vec<Value> = serde_json::from_str(&out).expect("a JSON array");
    assert_eq!(issues.len(), expected.len());
    let mut fingerprints = std::collections::HashSet::new();
    for (issue, (path, rule, severity)) in issues.iter().zip(&expected) {
        assert_eq!(issue["check_name"], rule.as_str());
        assert_eq!(issue["location"]["path"], path.as_str());
        assert_eq!(issue["location"]["lines"]["begin"], 1);
        let mapped = match severity.as_str() {
            "critical" => "blocker",
            "high" => "critical",
            "medium" => "major",
            "low" => "minor",
            _ => "info",
        };
        assert_eq!(issue["severity"], mapped);
        assert!(
            issue["description"]
                .as_str()
                .unwrap()
                .contains(path.as_str())
        );
        assert!(fingerprints.insert(issue["fingerprint"].as_str().unwrap().to_string()));
    }
}

/// SARIF locations are relative to the fingerprint root, named in `originalUriBaseIds`, so a
/// file has one URI however the scan was started (issue 23, item 3).
#[test]
fn sarif_uris_are_relative_to_the_fingerprint_root() {
    let root = common::root();
    let sarif = |dir: &std::path::Path, path: &str| -> Value {
        let output = Command::cargo_bin("qraudit")
            .unwrap()
            .current_dir(dir)
            .args(["scan", "--no-policy", "-q", "--format", "sarif", path])
            .output()
            .unwrap();
        let log: Value = serde_json::from_slice(&output.stdout).unwrap();
        log["runs"][0].clone()
    };
    let first = |run: &Value| {
        run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"].clone()
    };
    let from_root = sarif(root, "testdata/risky/encoding.png");
    assert_eq!(
        first(&from_root),
        serde_json::json!({ "uri": "testdata/risky/encoding.png", "uriBaseId": "%SRCROOT%" })
    );
    let base = from_root["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        base.starts_with("file:///") && base.ends_with('/'),
        "{base}"
    );
    if root.join(".git").exists() {
        let canonical = std::fs::canonicalize(root).unwrap();
        assert_eq!(base, format!("file://{}/", canonical.display()));
        // Started from a subfolder, with another spelling of the same file: the same URI.
        let from_sub = sarif(&root.join("testdata/risky"), "./encoding.png");
        assert_eq!(first(&from_sub), first(&from_root));
        assert_eq!(
            from_sub["originalUriBaseIds"],
            from_root["originalUriBaseIds"]
        );
    } else {
        eprintln!(
            "SKIPPED: the subfolder half needs a git checkout (the fingerprint root is git's top level)"
        );
    }
}
