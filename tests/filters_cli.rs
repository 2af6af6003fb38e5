//! `--min-severity`, `--sort` and `--format csv` (issue 23, item 4) on the real binary over the
//! generated testdata: what is listed changes, what fails the run does not.

mod common;

use assert_cmd::Command;
use serde_json::Value;

use common::scan_quiet as scan;

fn json(args: &[&str]) -> (Value, i32) {
    let (stdout, code) = scan(&[args, &["--format", "json"]].concat());
    (
        serde_json::from_slice(&stdout).expect("a JSON report"),
        code,
    )
}

fn severities(report: &Value) -> Vec<String> {
    let mut all = Vec::new();
    for input in report["inputs"].as_array().unwrap() {
        for code in input["codes"].as_array().unwrap() {
            for finding in code["findings"].as_array().unwrap() {
                all.push(finding["severity"].as_str().unwrap().to_string());
            }
        }
    }
    all
}

const RANK: [&str; 5] = ["info", "low", "medium", "high", "critical"];

fn rank(severity: &str) -> usize {
    RANK.iter()
        .position(|s| *s == severity)
        .expect("a severity")
}

#[test]
fn min_severity_hides_findings_but_not_the_exit_code() {
    let (everything, code_all) = json(&["testdata/risky", "testdata/screenshots"]);
    let listed = severities(&everything);
    assert!(listed.iter().any(|s| rank(s) < rank("high")), "{listed:?}");
    let (high, code_high) = json(&[
        "--min-severity",
        "high",
        "testdata/risky",
        "testdata/screenshots",
    ]);
    let shown = severities(&high);
    assert!(!shown.is_empty());
    assert!(shown.iter().all(|s| rank(s) >= rank("high")), "{shown:?}");
    let expected = listed.iter().filter(|s| rank(s) >= rank("high")).count();
    assert_eq!(shown.len(), expected);
    // The summary still counts the whole run, and the exit code is still --fail-on's.
    assert_eq!(high["summary"], everything["summary"]);
    assert_eq!(code_high, code_all);
    // Hiding every finding does not make a failing run pass.
    let (none, code_none) = json(&[
        "--min-severity",
        "critical",
        "--fail-on",
        "medium",
        "testdata/risky",
    ]);
    assert!(severities(&none).is_empty());
    assert_eq!(code_none, 1);
    // The table and SARIF list no finding below the level either.
    let (table, _) = scan(&[
        "--min-severity",
        "high",
        "--color",
        "never",
        "testdata/risky",
    ]);
    let table = String::from_utf8(table).unwrap();
    assert!(
        table.contains("[high]") && !table.contains("[low]"),
        "{table}"
    );
    let (sarif, _) = scan(&[
        "--min-severity",
        "high",
        "--format",
        "sarif",
        "testdata/risky",
    ]);
    let sarif: Value = serde_json::from_slice(&sarif).unwrap();
    for result in sarif["runs"][0]["results"].as_array().unwrap() {
        assert_eq!(result["level"], "error", "{result}");
    }
}

#[test]
fn sort_orders_inputs_and_the_default_is_unchanged() {
    let (plain, _) = scan(&["--format", "json", "testdata/risky", "testdata/posters"]);
    let (again, _) = scan(&["--format", "json", "testdata/risky", "testdata/posters"]);
    assert_eq!(plain, again);
    let paths = |report: &Value| -> Vec<String> {
        report["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["path"].as_str().unwrap().to_string())
            .collect()
    };
    let (by_path, _) = json(&["--sort", "path", "testdata/risky", "testdata/posters"]);
    let mut sorted = paths(&by_path);
    sorted.sort();
    assert_eq!(paths(&by_path), sorted);
    let (by_severity, _) = json(&["--sort", "severity", "testdata/risky", "testdata/posters"]);
    let worst: Vec<usize> = by_severity["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|input| {
            input["codes"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|c| c["findings"].as_array().unwrap().iter())
                .map(|f| rank(f["severity"].as_str().unwrap()) + 1)
                .max()
                .unwrap_or(0)
        })
        .collect();
    assert!(worst.windows(2).all(|w| w[0] >= w[1]), "{worst:?}");
    assert!(worst[0] > worst[worst.len() - 1], "{worst:?}");
    // The same inputs, only in another order.
    let mut a = paths(&by_severity);
    a.sort();
    assert_eq!(a, sorted);
}

/// A reader of RFC 4180 as written by qraudit (every field quoted, CRLF).
fn read_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => panic!("unquoted character {c:?} in {text}"),
        }
    }
    assert!(
        field.is_empty() && row.is_empty(),
        "the last row ends with CRLF"
    );
    rows
}

#[test]
fn csv_has_one_row_per_listed_finding_escaped_and_redacted() {
    let args = ["testdata/risky", "testdata/screenshots", "testdata/posters"];
    let (report, _) = json(&args);
    let (csv, code) = scan(&[&args[..], &["--format", "csv"]].concat());
    assert_eq!(code, 1);
    let text = String::from_utf8(csv).unwrap();
    assert!(text.ends_with("\r\n"));
    let rows = read_csv(&text);
    assert_eq!(rows[0][..4], ["path", "location", "index", "severity"]);
    assert!(rows.iter().all(|r| r.len() == rows[0].len()));
    assert_eq!(rows.len() - 1, severities(&report).len());
    // No raw control character or bidi override reaches a cell.
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}'),
        "{text}"
    );
    assert!(text.contains("\\x1b[2J"), "escaped, not dropped");
    // Secrets are masked, as in every format.
    assert!(
        !text.contains("hunter2") && !text.contains("Winter2026"),
        "{text}"
    );
    // --min-severity applies to CSV as well.
    let (high, _) = scan(&[&args[..], &["--format", "csv", "--min-severity", "high"]].concat());
    let high = read_csv(&String::from_utf8(high).unwrap());
    assert!(high.len() > 1 && high.len() < rows.len());
    assert!(
        high[1..]
            .iter()
            .all(|r| r[3] == "high" || r[3] == "critical")
    );
}

/// The print-quality rules judge born-digital images; a photograph (here the same code saved as
/// a JPEG) is judged only with `--quality` or `quality = true` in the policy.
#[test]
fn print_quality_is_judged_on_born_digital_images_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("poster.png");
    let status = Command::cargo_bin("qraudit")
        .unwrap()
        .args(["generate", "--host", "stproxy.example.com", "--ecc", "l"])
        .args(["--module-px", "3", "--quiet-zone", "1", "--png"])
        .arg(&png)
        .output()
        .unwrap()
        .status;
    assert!(status.success());
    let image = image::open(&png).unwrap().to_rgb8();
    let jpeg = dir.path().join("photo.jpg");
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 95)
        .encode_image(&image)
        .unwrap();
    std::fs::write(&jpeg, bytes).unwrap();
    let rules_of = |extra: &[&str], file: &std::path::Path| -> Vec<String> {
        let output = Command::cargo_bin("qraudit")
            .unwrap()
            .current_dir(dir.path())
            .args(["scan", "-q", "--format", "json"])
            .args(extra)
            .arg(file)
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        let mut rules: Vec<String> = report["inputs"][0]["codes"][0]["findings"]
            .as_array()
            .expect("a decoded code")
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect();
        rules.sort();
        rules
    };
    let quality = [
        "low-error-correction",
        "missing-quiet-zone",
        "small-modules",
    ];
    let on_png = rules_of(&["--no-policy"], &png);
    for rule in quality {
        assert!(
            on_png.contains(&rule.to_string()),
            "{rule} on the PNG: {on_png:?}"
        );
    }
    let on_photo = rules_of(&["--no-policy"], &jpeg);
    assert!(
        quality.iter().all(|r| !on_photo.contains(&r.to_string())),
        "{on_photo:?}"
    );
    assert_eq!(rules_of(&["--no-policy", "--quality"], &jpeg), on_png);
    let policy = dir.path().join("qraudit.toml");
    std::fs::write(&policy, "quality = true\n").unwrap();
    assert_eq!(rules_of(&["--policy", "qraudit.toml"], &jpeg), on_png);
    // The rule's text says so.
    let explained = Command::cargo_bin("qraudit")
        .unwrap()
        .args(["explain", "small-modules"])
        .output()
        .unwrap();
    let explained = String::from_utf8(explained.stdout).unwrap();
    assert!(explained.contains("--quality"), "{explained}");
}

/// `QRAUDIT_POLICY` and the user's config are found after the project walk-up, in that order;
/// `--fail-on-no-code` exits 3 only for a clean run that found nothing (issue 23, item 8).
#[test]
fn policy_from_the_environment_then_the_user_config_and_exit_3_without_codes() {
    let home = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let user = home.path().join("config/qraudit");
    std::fs::create_dir_all(&user).unwrap();
    std::fs::write(
        user.join("qraudit.toml"),
        "allowed_hosts = [\"user.example.com\"]\n",
    )
    .unwrap();
    let env_policy = home.path().join("company.toml");
    std::fs::write(
        &env_policy,
        "allowed_hosts = [\"env.example.com\", \"b.example.com\"]\n",
    )
    .unwrap();
    let poster = common::root().join("testdata/posters/sales-team.png");
    let run = |env: &[(&str, &std::path::Path)], extra: &[&str], dir: &std::path::Path| {
        let mut cmd = Command::cargo_bin("qraudit").unwrap();
        cmd.current_dir(dir)
            .env_remove("QRAUDIT_POLICY")
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join("config"));
        for (k, v) in env {
            cmd.env(k, v);
        }
        let output = cmd
            .args(["scan", "--format", "json"])
            .args(extra)
            .arg(&poster)
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        (
            report,
            output.status.code().unwrap(),
            String::from_utf8(output.stderr).unwrap(),
        )
    };
    let (report, _, _) = run(&[], &[], work.path());
    assert_eq!(report["policy"]["source"], "user", "{}", report["policy"]);
    assert_eq!(report["policy"]["allowed_hosts"], 1);
    let (report, _, _) = run(&[("QRAUDIT_POLICY", &env_policy)], &[], work.path());
    assert_eq!(report["policy"]["source"], "environment");
    assert_eq!(report["policy"]["allowed_hosts"], 2);
    // A project's own file wins over both.
    std::fs::write(work.path().join("qraudit.toml"), "fail_on = \"high\"\n").unwrap();
    let (report, _, _) = run(&[("QRAUDIT_POLICY", &env_policy)], &[], work.path());
    assert_eq!(report["policy"]["source"], "discovered");
    std::fs::remove_file(work.path().join("qraudit.toml")).unwrap();
    // QRAUDIT_POLICY naming a missing file is an error, not a silent fallback.
    let missing = home.path().join("missing.toml");
    let output = Command::cargo_bin("qraudit")
        .unwrap()
        .current_dir(work.path())
        .env("QRAUDIT_POLICY", &missing)
        .args(["scan"])
        .arg(&poster)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    // No code at all: a hint on stderr; exit 3 only when asked.
    let blank = common::root().join("testdata/no-code");
    let empty = common::root().join("testdata/bad/empty.png");
    let no_policy_scan = |extra: &[&str], inputs: &[&std::path::Path]| {
        Command::cargo_bin("qraudit")
            .unwrap()
            .args(["scan", "--no-policy"])
            .args(extra)
            .args(inputs)
            .output()
            .unwrap()
    };
    let output = no_policy_scan(&[], &[&blank]);
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no QR code found in 1 input. hint:"));
    let asked = ["--fail-on-no-code"];
    assert_eq!(no_policy_scan(&asked, &[&blank]).status.code(), Some(3));
    // An unreadable input outranks it, and a code found clears it.
    assert_eq!(
        no_policy_scan(&asked, &[&blank, &empty]).status.code(),
        Some(2)
    );
    assert_eq!(no_policy_scan(&asked, &[&poster]).status.code(), Some(0));
}

/// Without any allow-list, each Sametime code's verdict says that its host was not checked (an
/// info finding naming the host, in every format), and `--fail-on info` fails on it; with the
/// organisation's hosts (flag or the helpdesk's QRAUDIT_POLICY) the same code is clean.
#[test]
fn a_code_judged_without_an_allow_list_says_its_host_was_not_checked() {
    let home = tempfile::tempdir().unwrap();
    let poster = common::root().join("testdata/posters/sales-team.png");
    let run = |env: Option<&std::path::Path>, extra: &[&str]| {
        let mut cmd = Command::cargo_bin("qraudit").unwrap();
        cmd.current_dir(home.path())
            .env_remove("QRAUDIT_POLICY")
            .env("XDG_CONFIG_HOME", home.path().join("no-config"));
        if let Some(policy) = env {
            cmd.env("QRAUDIT_POLICY", policy);
        }
        let output = cmd.arg("scan").args(extra).arg(&poster).output().unwrap();
        (
            String::from_utf8(output.stdout).unwrap(),
            output.status.code().unwrap(),
        )
    };
    let (json, code) = run(None, &["--format", "json"]);
    assert_eq!(code, 0, "info fails no run under the default fail_on");
    let report: Value = serde_json::from_str(&json).unwrap();
    let findings = &report["inputs"][0]["codes"][0]["findings"];
    assert_eq!(findings.as_array().unwrap().len(), 1, "{findings}");
    assert_eq!(findings[0]["rule"], "host-not-checked");
    assert_eq!(findings[0]["severity"], "info");
    assert!(
        findings[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("host 'stproxy.example.com' was not checked"),
        "{}",
        findings[0]["message"]
    );
    let (table, _) = run(None, &["--format", "table"]);
    assert!(table.contains("host-not-checked"), "{table}");
    // The exit code reflects fail_on for the verdict.
    let (_, code) = run(None, &["--fail-on", "info"]);
    assert_eq!(code, 1);
    // With the organisation's hosts, by flag or by the helpdesk's policy, no verdict is needed.
    let (json, code) = run(
        None,
        &[
            "--format",
            "json",
            "--fail-on",
            "info",
            "--allow-host",
            "stproxy.example.com",
        ],
    );
    assert_eq!(code, 0, "{json}");
    let report: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        report["inputs"][0]["codes"][0]["findings"],
        Value::Array(vec![])
    );
    let company = home.path().join("company.toml");
    std::fs::write(&company, "allowed_hosts = [\"*.example.com\"]\n").unwrap();
    let (json, code) = run(Some(&company), &["--format", "json", "--fail-on", "info"]);
    assert_eq!(code, 0, "{json}");
    // A host outside the list is then judged, not merely unchecked.
    std::fs::write(&company, "allowed_hosts = [\"other.example.org\"]\n").unwrap();
    let (json, code) = run(Some(&company), &["--format", "json"]);
    assert_eq!(code, 1, "{json}");
    assert!(json.contains("\"host-not-allowed\""), "{json}");
    assert!(!json.contains("\"host-not-checked\""), "{json}");
}
