//! End-to-end tests of the audit (issue 3): rule ids on generated images of risky codes, the
//! seed's four examples through `qraudit check`, the policy file and flags, `rules`/`explain`,
//! and that secrets never reach stdout or stderr in any format.

mod common;
use common::qraudit;

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn run_json(args: &[&str]) -> (Value, i32) {
    let output = qraudit()
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    (report, output.status.code().unwrap())
}

/// Rule ids of every code of the report, per code location and index.
fn rules_of(report: &Value) -> Vec<(String, Vec<String>)> {
    report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["codes"].as_array().unwrap().clone())
        .map(|c| {
            let rules = c["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["rule"].as_str().unwrap().to_string())
                .collect();
            (
                format!("{} #{}", c["location"].as_str().unwrap(), c["index"]),
                rules,
            )
        })
        .collect()
}

fn rules_for(report: &Value, label: &str) -> Vec<String> {
    rules_of(report)
        .into_iter()
        .find(|(l, _)| l == label)
        .unwrap_or_else(|| panic!("no code {label} in {:?}", rules_of(report)))
        .1
}

#[test]
fn risky_images_get_the_expected_rules() {
    let (report, code) = run_json(&[
        "scan",
        // The organisation's hosts: the clean posters are then clean (without an allow-list each
        // Sametime code carries the info verdict host-not-checked).
        "--allow-host",
        "*.example.com",
        "testdata/posters",
        "testdata/screenshots",
        "testdata/risky",
        "testdata/sheets",
    ]);
    let has = |label: &str, rule: &str| {
        let rules = rules_for(&report, label);
        assert!(
            rules.iter().any(|r| r == rule),
            "{label}: expected {rule} in {rules:?}"
        );
    };
    has(
        "testdata/posters/password-in-url.jpg #1",
        "embedded-password",
    );
    has(
        "testdata/posters/password-in-url.jpg #1",
        "personal-user-id",
    );
    has("testdata/screenshots/untrusted-ssl.png #1", "untrusted-ssl");
    has("testdata/screenshots/untrusted-ssl.png #1", "save-password");
    has("testdata/risky/encoding.png #1", "malformed-encoding");
    has("testdata/risky/evil-host.png #1", "deceptive-userinfo");
    has("testdata/risky/control-chars.png #1", "control-characters");
    has("testdata/sheets/conflict-b.png #1", "community-conflict");
    has("testdata/sheets/four-codes.png #2", "personal-user-id");
    has("testdata/sheets/four-codes.png #3", "placeholder-user-id");
    assert!(rules_for(&report, "testdata/posters/sales-team.png #1").is_empty());
    assert!(rules_for(&report, "testdata/sheets/four-codes.png #1").is_empty());
    assert_eq!(code, 1);
}

#[test]
fn the_seed_examples_resolve_as_the_seed_describes() {
    let (report, _) = run_json(&[
        "check",
        "--fail-on",
        "never",
        "hclsametime://stproxyserver.example.com/?action=AddCommunity&communityName=Sametime%20Server",
        "hclsametime://dmisawa@stproxyserver.example.com:9080/?action=AddCommunity",
        "hclsametime://Your_Sametime_ID@safelinx.example.com/?action=AddCommunity&authProxyReuseCredentials=true",
        "hclsametime://safelinx.example.com:8881/?action=AddCommunity&authProxyEnabled=true",
    ]);
    let community = |n: usize| report["inputs"][n]["codes"][0]["payload"]["community"].clone();
    let first = community(0);
    assert_eq!(first["server"], "stproxyserver.example.com");
    assert_eq!(
        (first["port"].clone(), first["port_defaulted"].clone()),
        (Value::from(443), Value::from(true))
    );
    assert_eq!(first["user"], Value::Null);
    assert_eq!(first["community_name"], "Sametime Server");
    let second = community(1);
    assert_eq!(
        (second["port"].clone(), second["user"].clone()),
        (Value::from(9080), Value::from("dmisawa"))
    );
    assert_eq!(second["community_name_defaulted"], true);
    let third = community(2);
    assert_eq!(third["user"], "Your_Sametime_ID");
    assert_eq!(third["auth_proxy"]["enabled"], true);
    assert_eq!(third["auth_proxy"]["user"], "Your_Sametime_ID");
    let fourth = community(3);
    assert_eq!(
        (
            fourth["port"].clone(),
            fourth["auth_proxy"]["enabled"].clone()
        ),
        (Value::from(8881), Value::from(true))
    );
    assert_eq!(fourth["user"], Value::Null);
    assert_eq!(
        report["inputs"][0]["codes"][0]["payload"]["kind"],
        "sametime"
    );
    assert_eq!(
        report["inputs"][0]["codes"][0]["payload"]["scheme"],
        "hclsametime"
    );
    // The helpdesk description says it in words.
    let description = report["inputs"][3]["codes"][0]["description"]
        .as_str()
        .unwrap();
    assert!(
        description.contains("safelinx.example.com:8881"),
        "{description}"
    );
}

#[test]
fn single_image_table_explains_what_the_app_will_do() {
    let output = qraudit()
        .args([
            "scan",
            "--format",
            "table",
            "testdata/posters/sales-team.png",
        ])
        // Wide enough that the sentence is on one line.
        .env("COLUMNS", "250")
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains(
            "opens the app's Add Community panel filled in with community name 'Sales Team', server stproxy.example.com, port 8443"
        ),
        "{stdout}"
    );
}

const SECRET: &str = "Winter2026!";

#[test]
fn passwords_never_leak_in_any_format() {
    let image = "testdata/posters/password-in-url.jpg";
    let text = "hclsametime://jdoe:Winter2026!@stproxy.example.com/?action=AddCommunity&communityName=Winter2026!";
    for format in ["table", "json", "jsonl"] {
        for args in [vec!["scan", image], vec!["check", text]] {
            let output = qraudit()
                .args(&args)
                .args(["--format", format])
                .output()
                .unwrap();
            let all = [output.stdout.as_slice(), output.stderr.as_slice()].concat();
            let shown = String::from_utf8_lossy(&all);
            assert!(
                !shown.contains(SECRET),
                "{format} {args:?} leaked the password: {shown}"
            );
            assert!(
                shown.contains("********"),
                "{format} {args:?}: no mask in {shown}"
            );
        }
    }
    // Percent-encoded spellings are masked too.
    let encoded = "https://bob:p%40ss%21word@example.com/";
    let output = qraudit()
        .args(["check", "--format", "json", encoded])
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(
        !shown.contains("p%40ss%21word") && !shown.contains("p@ss!word"),
        "{shown}"
    );
}

#[test]
fn show_secrets_opts_in() {
    let output = qraudit()
        .args([
            "scan",
            "--format",
            "json",
            "--show-secrets",
            "testdata/posters/password-in-url.jpg",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&output.stdout).contains(SECRET));
}

#[test]
fn check_reads_lines_from_stdin_and_uses_the_same_exit_codes() {
    let output = qraudit()
        .args(["check", "--format", "json", "-"])
        .write_stdin("hclsametime://stproxy.example.com/?action=AddCommunity\n\nhclsametime://stproxy.example.com/?action=AddCommunity&allowUntrustedSSL=true\r\n")
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["summary"]["inputs"], 2);
    assert_eq!(
        report["inputs"][1]["codes"][0]["findings"][0]["rule"],
        "untrusted-ssl"
    );
    assert_eq!(output.status.code(), Some(1));
    qraudit()
        .args([
            "check",
            "-q",
            "hclsametime://stproxy.example.com/?action=AddCommunity",
        ])
        .assert()
        .code(0);
}

#[test]
fn allowed_hosts_from_flags_and_policy_file() {
    let evil = "testdata/risky/evil-host.png";
    let (report, _) = run_json(&["scan", "--allow-host", "*.example.com", evil]);
    assert!(rules_for(&report, &format!("{evil} #1")).contains(&"host-not-allowed".to_string()));
    assert!(report.get("notes").is_none(), "{report:#}");
    let (report, _) = run_json(&["scan", evil]);
    assert!(!rules_for(&report, &format!("{evil} #1")).contains(&"host-not-allowed".to_string()));
    assert!(
        report["notes"][0]
            .as_str()
            .unwrap()
            .contains("hosts were not checked")
    );

    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.toml");
    std::fs::write(
        &policy,
        "fail_on = \"critical\"\nallowed_hosts = [\"stproxy.example.com\"]\n[rules]\ndeceptive-userinfo = \"off\"\n",
    )
    .unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = qraudit()
        .args([
            "scan",
            "--format",
            "json",
            "--policy",
            policy.to_str().unwrap(),
        ])
        .arg(root.join(evil))
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules: Vec<&str> = report["inputs"][0]["codes"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"host-not-allowed") && !rules.contains(&"deceptive-userinfo"),
        "{rules:?}"
    );
    // fail_on = critical: a high finding does not fail the run.
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn qraudit_toml_in_the_current_folder_is_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("qraudit.toml"),
        "[rules]\nuntrusted-ssl = \"off\"\n",
    )
    .unwrap();
    let mut cmd = Command::cargo_bin("qraudit").unwrap();
    cmd.current_dir(dir.path())
        .args([
            "check",
            "-q",
            "hclsametime://stproxy.example.com/?action=AddCommunity&allowUntrustedSSL=true",
        ])
        .assert()
        .code(0);
}

#[test]
fn bad_policy_files_are_errors_naming_key_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("bad.toml");
    std::fs::write(
        &policy,
        "fail_on = \"high\"\nalowed_hosts = [\"x.example.com\"]\n",
    )
    .unwrap();
    let output = qraudit()
        .args([
            "check",
            "--policy",
            policy.to_str().unwrap(),
            "hclsametime://h.example.com/?action=AddCommunity",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr.contains("alowed_hosts") && stderr.contains(":2"),
        "{stderr}"
    );
    std::fs::write(&policy, "[rules]\nuntrusted-sll = \"off\"\n").unwrap();
    let output = qraudit()
        .args(["check", "--policy", policy.to_str().unwrap(), "x"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr.contains("untrusted-sll"), "{stderr}");
    qraudit()
        .args(["check", "--policy", "/nonexistent/policy.toml", "x"])
        .assert()
        .code(2);
}

#[test]
fn rules_and_explain() {
    let output = qraudit().arg("rules").output().unwrap();
    let listing = String::from_utf8(output.stdout).unwrap();
    for id in [
        "embedded-password",
        "untrusted-ssl",
        "host-not-allowed",
        "deceptive-userinfo",
        "idn-host",
        "not-fqdn",
        "malformed-encoding",
        "missing-action",
        "invalid-port",
        "invalid-value",
        "save-password",
        "conflicting-parameters",
        "duplicate-parameter",
        "unknown-parameter",
        "placeholder-user-id",
        "personal-user-id",
        "control-characters",
        "community-conflict",
        "unreadable-code",
    ] {
        assert!(listing.contains(id), "rules does not list {id}");
    }
    let output = qraudit()
        .args(["explain", "embedded-password"])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("embedded-password (critical)"), "{text}");
    assert!(
        text.contains("Fix:") && text.contains("Fires on:"),
        "{text}"
    );
    let output = qraudit()
        .args(["explain", "no-such-rule"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no rule named"));
}

#[test]
fn suggested_urls_fix_what_they_claim() {
    let (report, _) = run_json(&[
        "check",
        "hclsametime://jdoe:pw@stproxy.example.com/?action=AddCommunity&allowUntrustedSSL=true",
    ]);
    let findings = report["inputs"][0]["codes"][0]["findings"]
        .as_array()
        .unwrap()
        .clone();
    for finding in findings.iter().filter(|f| f["suggested_url"].is_string()) {
        let suggestion = finding["suggested_url"].as_str().unwrap();
        let (again, _) = run_json(&["check", suggestion]);
        let rules: Vec<&str> = again["inputs"][0]["codes"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap())
            .collect();
        assert!(
            !rules.contains(&finding["rule"].as_str().unwrap()),
            "{suggestion} still fires {}",
            finding["rule"]
        );
    }
}
