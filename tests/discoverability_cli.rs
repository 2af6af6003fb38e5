//! Completions, the man page, grouped help and the order of JSON Lines (issue 23, item 7), on
//! the real binary.

mod common;

use assert_cmd::Command;
use serde_json::Value;

fn qraudit(args: &[&str]) -> (String, i32) {
    let output = Command::cargo_bin("qraudit")
        .unwrap()
        .current_dir(common::root())
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8(output.stdout).expect("UTF-8"),
        output.status.code().expect("exit code"),
    )
}

#[test]
fn completions_cover_every_command_and_new_flag() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let (script, code) = qraudit(&["completions", shell]);
        assert_eq!(code, 0, "{shell}");
        for word in ["scan", "merge", "min-severity", "fail-on", "sort"] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
    }
    // The bash script is valid bash.
    let (script, _) = qraudit(&["completions", "bash"]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("qraudit.bash");
    std::fs::write(&file, script).unwrap();
    let status = std::process::Command::new("bash")
        .arg("-n")
        .arg(&file)
        .status()
        .expect("bash");
    assert!(status.success());
    // An unknown shell is a usage error.
    assert_eq!(qraudit(&["completions", "cmd.exe"]).1, 2);
}

#[test]
fn the_man_page_has_a_page_per_command() {
    let (page, code) = qraudit(&["man"]);
    assert_eq!(code, 0);
    assert!(page.contains(".TH qraudit 1"), "{}", &page[..200]);
    for command in ["scan", "check", "generate", "merge", "rules", "explain"] {
        assert!(
            page.contains(&format!(".TH qraudit-{command} ")),
            "{command}"
        );
    }
    assert!(page.contains("fail\\-on") || page.contains("fail-on"));
}

#[test]
fn scan_help_is_grouped_with_examples() {
    let (help, code) = qraudit(&["scan", "--help"]);
    assert_eq!(code, 0);
    let headings: Vec<&str> = help
        .lines()
        .filter(|l| !l.starts_with(' ') && l.ends_with(':'))
        .collect();
    for heading in [
        "Input:",
        "Output:",
        "Policy:",
        "Baseline and CI:",
        "Limits:",
    ] {
        assert!(headings.contains(&heading), "{heading} in {headings:?}");
    }
    // The generic "Options:" block holds only help (and version), every other flag has a heading.
    let options: Vec<&str> = help
        .split("\nOptions:\n")
        .nth(1)
        .expect("an Options block")
        .split("\n\n")
        .next()
        .unwrap()
        .lines()
        .filter(|l| l.trim_start().starts_with('-'))
        .collect();
    assert!(options.iter().all(|l| l.contains("--help")), "{options:?}");
    // Three examples before the flags, for each command that takes files or texts.
    for command in ["scan", "check", "generate", "merge"] {
        let (help, _) = qraudit(&[command, "--help"]);
        let examples: Vec<&str> = help
            .split("Examples:\n")
            .nth(1)
            .expect("examples")
            .lines()
            .take_while(|l| l.starts_with("  qraudit "))
            .collect();
        assert_eq!(examples.len(), 3, "{command}: {examples:?}");
    }
}

#[test]
fn json_lines_come_in_the_json_reports_order() {
    let paths = |jsonl: &str| -> Vec<String> {
        jsonl
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .filter(|v| v["type"] == "input")
            .map(|v| v["path"].as_str().unwrap().to_string())
            .collect()
    };
    let run = |format: &str| {
        qraudit(&[
            "scan",
            "--no-policy",
            "-q",
            "-j",
            "2",
            "--format",
            format,
            "testdata",
        ])
    };
    let (json, _) = run("json");
    let report: Value = serde_json::from_str(&json).unwrap();
    let expected: Vec<String> = report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap().to_string())
        .collect();
    assert!(expected.len() > 50);
    for _ in 0..3 {
        let (jsonl, _) = run("jsonl");
        assert_eq!(paths(&jsonl), expected);
    }
}

/// docs/rules.md is the catalogue as `qraudit rules --format markdown` prints it: a rule added,
/// retitled or given new examples without regenerating it fails here.
#[test]
fn docs_rules_md_is_the_catalogue() {
    let output = common::qraudit()
        .args(["rules", "--format", "markdown"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let printed = String::from_utf8(output.stdout).unwrap();
    let committed = std::fs::read_to_string(common::root().join("docs/rules.md")).unwrap();
    assert!(
        printed == committed,
        "docs/rules.md is stale: run `cargo run --release -- rules --format markdown > docs/rules.md`"
    );
    // One section per rule that `qraudit rules` lists, each with its fix.
    let listed = common::qraudit().arg("rules").output().unwrap();
    let listed = String::from_utf8(listed.stdout).unwrap();
    let sections = printed.matches("\n## ").count();
    let rows = listed.lines().filter(|l| l.contains(" ┆ ")).count() - 1;
    assert_eq!(sections, rows, "{listed}");
    assert_eq!(printed.matches("**Fix:**").count(), sections);
}
