//! End-to-end tests of the report people act on (issue 15), on the real binary: distinct codes,
//! full texts and `--format raw`, the table as the default format with colour and width, the
//! unreadable inputs and the exit reason on stderr, the applied policy and its discovery,
//! baselines, and the helpdesk entry points.
//!
//! The table snapshots in `tests/snapshots/` are the real output for a folder built here from the
//! generated `testdata/` (one risky poster printed five times, a clean one twice, a sheet of four
//! codes, an unreadable photo, a broken file, a text file). After a deliberate change to the
//! table, `QRAUDIT_UPDATE_SNAPSHOTS=1 cargo test --test report_cli` rewrites them; review the
//! diff before committing it. Tests needing a terminal run the binary under util-linux
//! `script`, which gives it a pseudo-terminal.

mod common;
use common::root;

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use qraudit::report::layout::display_width;
use serde_json::Value;

/// The binary, run in `dir` with no terminal settings inherited from whoever runs the tests.
fn qraudit_in(dir: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("qraudit").expect("the qraudit binary is built");
    cmd.current_dir(dir)
        .env_remove("COLUMNS")
        .env_remove("NO_COLOR");
    cmd
}

fn copy(from: &str, to: &Path) {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::copy(root().join("testdata").join(from), to).unwrap();
}

const RISKY_POSTER: &str = "posters/password-in-url.jpg";
const RISKY_TEXT: &str =
    "hclsametime://jdoe:********@stproxy.example.com/?action=AddCommunity&communityName=Ops";

/// A folder as a reviewer receives it, under `assets/` in a new temporary folder (outside any
/// repository, so no policy file applies).
fn asset_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let assets = dir.path().join("assets");
    for name in ["canteen", "floor-2", "floor-3", "lobby", "parking"] {
        copy(RISKY_POSTER, &assets.join(format!("posters/{name}.jpg")));
    }
    for (from, to) in [
        ("posters/sales-team.png", "posters/sales-team.png"),
        ("posters/sales-team.png", "flyers/sales-team.png"),
        ("sheets/four-codes.png", "sheets/four-codes.png"),
        ("unreadable/damaged.png", "photos/damaged.png"),
        ("risky/control-chars.png", "photos/control-chars.png"),
        ("no-code/landscape.png", "photos/landscape.png"),
        ("bad/empty.png", "broken/empty.png"),
        ("not-images/notes.txt", "notes.txt"),
    ] {
        copy(from, &assets.join(to));
    }
    dir
}

/// stdout, stderr and exit code.
fn run(cmd: &mut assert_cmd::Command) -> (String, String, i32) {
    let output = cmd.output().unwrap();
    (
        String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        String::from_utf8(output.stderr).expect("UTF-8 stderr"),
        output.status.code().expect("exit code"),
    )
}

/// The output with its SGR colour sequences removed.
fn strip_colour(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("\u{1b}[") {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 2..];
        let end = tail.find('m').expect("an SGR sequence ends in m");
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Compares with `tests/snapshots/NAME` (escape characters written as `\e` there, so that the
/// file reads in a diff), or rewrites it when `QRAUDIT_UPDATE_SNAPSHOTS` is set.
fn assert_snapshot(name: &str, actual: &str) {
    let path = root().join("tests/snapshots").join(name);
    let visible = actual.replace('\u{1b}', "\\e");
    if std::env::var_os("QRAUDIT_UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &visible).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no snapshot {}: run QRAUDIT_UPDATE_SNAPSHOTS=1 cargo test --test report_cli",
            path.display()
        )
    });
    assert!(
        expected == visible,
        "{name} differs from the snapshot\n--- expected\n{expected}\n--- actual\n{visible}"
    );
}

#[test]
fn table_snapshots_at_80_and_120_columns_with_and_without_colour() {
    let dir = asset_folder();
    for width in [80, 120] {
        let mut plain = String::new();
        for colour in ["never", "always"] {
            let (stdout, _, code) = run(qraudit_in(dir.path())
                .args(["scan", "--color", colour, "assets"])
                .env("COLUMNS", width.to_string()));
            assert_eq!(code, 2, "assets/broken/empty.png cannot be read");
            let suffix = if colour == "always" { "-colour" } else { "" };
            assert_snapshot(&format!("table-{width}{suffix}.txt"), &stdout);
            for line in strip_colour(&stdout).lines() {
                assert!(display_width(line) <= width, "wider than {width}: {line}");
            }
            if colour == "never" {
                assert!(!stdout.contains('\u{1b}'), "{stdout}");
                plain = stdout;
            } else {
                // Colour marks severities and headers; it never changes the layout.
                assert!(stdout.contains("\u{1b}[1;31mcritical\u{1b}[0m"), "{stdout}");
                assert_eq!(strip_colour(&stdout), plain);
            }
        }
    }
}

#[test]
fn repeated_codes_are_one_distinct_code_worst_first() {
    let dir = asset_folder();
    let (stdout, stderr, _) =
        run(qraudit_in(dir.path()).args(["scan", "--format", "json", "assets"]));
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let distinct = report["distinct_codes"].as_array().unwrap();
    let first = &distinct[0];
    assert_eq!(first["worst"], "critical");
    assert_eq!(first["text"], RISKY_TEXT);
    assert_eq!(first["inputs"], 5);
    let paths: Vec<&str> = first["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "assets/posters/canteen.jpg",
            "assets/posters/floor-2.jpg",
            "assets/posters/floor-3.jpg",
            "assets/posters/lobby.jpg",
            "assets/posters/parking.jpg"
        ]
    );
    assert_eq!(first["rules"][0], "embedded-password");
    // Worst first, every code once: codes in inputs = sum of locations.
    let rank = |s: &Value| match s.as_str() {
        Some("critical") => 5,
        Some("high") => 4,
        Some("medium") => 3,
        Some("low") => 2,
        Some("info") => 1,
        _ => 0,
    };
    let ranks: Vec<i32> = distinct.iter().map(|d| rank(&d["worst"])).collect();
    assert!(ranks.windows(2).all(|w| w[0] >= w[1]), "{ranks:?}");
    let located: usize = distinct
        .iter()
        .map(|d| d["locations"].as_array().unwrap().len())
        .sum();
    assert_eq!(located as u64, report["summary"]["codes"].as_u64().unwrap());
    // The per-input list is still there.
    assert_eq!(report["inputs"].as_array().unwrap().len(), 13);
    // The summary line: distinct codes and the inputs needing action (5 posters, the
    // control-character photo and the unreadable one).
    assert!(
        stderr.contains(&format!("codes ({} distinct)", distinct.len())),
        "{stderr}"
    );
    assert!(stderr.contains("; 7 inputs need action;"), "{stderr}");
    // The table: one row for the five posters.
    let (table, _, _) = run(qraudit_in(dir.path())
        .args(["scan", "assets"])
        .env("COLUMNS", "250"));
    assert_eq!(
        table
            .matches("5 inputs: assets/posters/canteen.jpg")
            .count(),
        1,
        "{table}"
    );
    assert!(table.contains("+2 more"), "{table}");
    assert!(table.contains("[1] critical · sametime stproxy.example.com · 5 inputs"));
    // JSON Lines carry the distinct codes in their summary line.
    let (jsonl, _, _) = run(qraudit_in(dir.path()).args(["scan", "--format", "jsonl", "assets"]));
    let last: Value = serde_json::from_str(jsonl.lines().last().unwrap()).unwrap();
    assert_eq!(last["distinct_codes"], report["distinct_codes"]);
}

#[test]
fn the_full_text_is_shown_and_raw_prints_only_the_texts() {
    let dir = asset_folder();
    let (table, _, _) = run(qraudit_in(dir.path())
        .args(["scan", "assets/photos"])
        .env("COLUMNS", "60"));
    // The control-character code, escaped, whole, over several lines of at most 60 columns.
    let escaped = "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=\\x1b[2J\\x1b]0;pwned\\x07Team\\u{202e}";
    let text: String = table
        .lines()
        .skip_while(|l| !l.starts_with("    text: hclsametime"))
        .take_while(|l| !l.starts_with("    payload: "))
        .map(|l| l.trim_start().trim_start_matches("text: "))
        .collect();
    assert_eq!(text, escaped, "{table}");
    assert!(!table.contains('\u{1b}'));
    // The unreadable photo says what to do, not what the decoder said.
    let words = table.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains(
            "a code is visible but could not be read: ask for a sharper, straight-on photo"
        ),
        "{table}"
    );
    assert!(!table.contains("Ecc("), "{table}");

    let (raw, _, code) = run(qraudit_in(dir.path()).args([
        "scan",
        "--format",
        "raw",
        "assets/posters/lobby.jpg",
        "assets/photos",
        "assets/sheets",
    ]));
    assert_eq!(code, 1);
    let lines: Vec<&str> = raw.lines().collect();
    assert_eq!(lines[0], RISKY_TEXT);
    assert_eq!(lines[1], escaped);
    // The four codes of the sheet; nothing for the unreadable symbol or the empty photo.
    assert_eq!(lines.len(), 6, "{raw}");
    assert!(lines[2..].iter().all(|l| l.starts_with("h")), "{raw}");
    let (shown, _, _) = run(qraudit_in(dir.path()).args([
        "scan",
        "--format",
        "raw",
        "--show-secrets",
        "assets/posters/lobby.jpg",
    ]));
    assert_eq!(
        shown,
        "hclsametime://jdoe:Winter2026!@stproxy.example.com/?action=AddCommunity&communityName=Ops\n"
    );
    let (checked, _, _) = run(qraudit_in(dir.path()).args([
        "check",
        "--format",
        "raw",
        "WIFI:T:WPA;S:Guest;P:s3cr3t-key;;",
    ]));
    assert_eq!(checked, "WIFI:T:WPA;S:Guest;P:********;;\n");
}

#[test]
fn the_table_is_the_default_and_output_extensions_pick_formats() {
    let dir = asset_folder();
    let (piped, _, _) = run(qraudit_in(dir.path()).args(["scan", "assets/posters/lobby.jpg"]));
    assert!(piped.starts_with("Policy: none"), "{piped}");
    assert!(!piped.contains('\u{1b}'), "no colour into a pipe");
    for line in piped.lines() {
        assert!(display_width(line) <= 80, "{line}");
    }
    let out = |name: &str| dir.path().join(name);
    for (name, check) in [
        ("r.json", "{\n  \"schema_version\": 1"),
        ("r.jsonl", "{\"type\":\"input\""),
        ("r.sarif", "{\n  \"$schema\""),
        ("r.txt", "Policy: none"),
        ("r.csv", "\"path\",\"location\","),
    ] {
        let (stdout, _, _) = run(qraudit_in(dir.path()).args([
            "scan",
            "-q",
            "-o",
            name,
            "assets/posters/lobby.jpg",
        ]));
        assert!(stdout.is_empty());
        let written = std::fs::read_to_string(out(name)).unwrap();
        assert!(written.starts_with(check), "{name}: {written}");
    }
    // An extension that names no format qraudit writes is an error before anything is
    // scanned: -o findings.xlsx never holds a table or JSON under a name that promises a
    // spreadsheet.
    let (stdout, stderr, code) = run(qraudit_in(dir.path()).args([
        "scan",
        "-o",
        "findings.xlsx",
        "assets/posters/lobby.jpg",
    ]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("cannot tell the report format of findings.xlsx from its extension .xlsx"),
        "{stderr}"
    );
    assert!(!out("findings.xlsx").exists());
    // --format wins over the extension.
    run(qraudit_in(dir.path()).args([
        "scan",
        "-q",
        "--format",
        "raw",
        "-o",
        "r.json",
        "assets/posters/lobby.jpg",
    ]));
    assert_eq!(
        std::fs::read_to_string(out("r.json")).unwrap(),
        format!("{RISKY_TEXT}\n")
    );
    // --color always wins over NO_COLOR; the table is as wide as COLUMNS says.
    let (coloured, _, _) = run(qraudit_in(dir.path())
        .args(["scan", "--color", "always", "assets/posters/lobby.jpg"])
        .env("NO_COLOR", "1"));
    assert!(coloured.contains("\u{1b}[1;31mcritical"), "{coloured}");
    let (wide, _, _) = run(qraudit_in(dir.path())
        .args(["scan", "assets/posters/lobby.jpg"])
        .env("COLUMNS", "150"));
    let widest = wide.lines().map(display_width).max().unwrap();
    assert!(widest > 80 && widest <= 150, "{widest}: {wide}");
}

/// Runs a shell command line under a pseudo-terminal of `columns` columns (util-linux
/// `script`), with `input` typed into it; returns everything the terminal showed.
fn in_terminal(
    dir: &Path,
    command: &str,
    columns: u16,
    input: &str,
    env: &[(&str, &str)],
) -> String {
    let binary = env!("CARGO_BIN_EXE_qraudit");
    let line = format!(
        "stty rows 50 cols {columns}; {}",
        command.replace("qraudit", binary)
    );
    let mut cmd = StdCommand::new("script");
    cmd.args(["-qec", &line, "/dev/null"])
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .env("TERM", "xterm");
    for (key, value) in env {
        cmd.env(key, value);
    }
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("util-linux script runs");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&output.stdout).replace("\r\n", "\n")
}

#[test]
fn on_a_terminal_the_table_is_coloured_unless_no_color_and_fits_the_terminal() {
    let dir = asset_folder();
    let shown = in_terminal(dir.path(), "qraudit scan -q assets/posters", 100, "", &[]);
    assert!(shown.contains("\u{1b}[1;31mcritical\u{1b}[0m"), "{shown}");
    let widest = strip_colour(&shown)
        .lines()
        .map(display_width)
        .max()
        .unwrap();
    assert!(widest > 80 && widest <= 100, "{widest}\n{shown}");
    let plain = in_terminal(
        dir.path(),
        "qraudit scan -q assets/posters",
        100,
        "",
        &[("NO_COLOR", "1")],
    );
    assert!(
        plain.contains("critical") && !plain.contains('\u{1b}'),
        "{plain}"
    );
}

#[test]
fn progress_on_a_terminal_shows_inputs_done_of_the_total() {
    let dir = asset_folder();
    // The report goes to a file, so what the terminal shows is stderr: progress, then the rest.
    let shown = in_terminal(
        dir.path(),
        "qraudit scan -o report.json assets",
        120,
        "",
        &[],
    );
    assert!(shown.contains("/13 inputs"), "{shown}");
    assert!(
        shown.contains("assets/"),
        "the current file is shown: {shown}"
    );
    assert!(
        shown.contains("qraudit: exit 2: 1 input could not be read"),
        "{shown}"
    );
}

#[test]
fn stderr_names_every_unreadable_input_and_says_why_the_run_exits() {
    let (_, stderr, code) = run(qraudit_in(root()).args([
        "scan",
        "-q",
        "testdata/bad",
        "testdata/posters/sales-team.png",
    ]));
    assert_eq!(code, 2);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 6, "{stderr}");
    for (line, path) in lines.iter().zip([
        "testdata/bad/bomb.png: image is 200000×200000",
        "testdata/bad/corrupt.jpg: JPEG image could not be decoded",
        "testdata/bad/decoder-panic.png: decoder panicked in pass",
        "testdata/bad/empty.png: named .png but empty file",
        "testdata/bad/truncated.png: PNG image could not be decoded",
    ]) {
        assert!(line.starts_with(path), "{line}");
    }
    assert_eq!(lines[5], "qraudit: exit 2: 5 inputs could not be read");

    let (_, stderr, code) = run(qraudit_in(root()).args([
        "scan",
        "-q",
        "testdata/posters",
        "testdata/risky/evil-host.png",
    ]));
    assert_eq!(code, 1);
    assert_eq!(stderr, "qraudit: exit 1: 2 findings at or above medium\n");
    let (_, stderr, code) = run(qraudit_in(root()).args([
        "scan",
        "--fail-on",
        "critical",
        "testdata/risky/evil-host.png",
    ]));
    assert_eq!(code, 0);
    let last = stderr.lines().last().unwrap();
    assert_eq!(
        last,
        "qraudit: exit 0: no findings at or above critical (2 below it)"
    );
    assert!(stderr.starts_with("qraudit: 1 inputs"), "{stderr}");
    // Quiet and clean: nothing at all.
    let (_, stderr, code) =
        run(qraudit_in(root()).args(["scan", "-q", "testdata/posters/sales-team.png"]));
    assert_eq!((code, stderr.as_str()), (0, ""));
}

/// A repository with a policy at its root and an assets folder below; returns the temp dir.
fn repository_with_policy() -> (tempfile::TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    let policy = "fail_on = \"high\"\nallowed_hosts = [\"stproxy.example.com\", \"*.example.com\"]\nallowed_ports = [443]\n";
    std::fs::write(repo.join("qraudit.toml"), policy).unwrap();
    copy(
        "posters/sales-team.png",
        &repo.join("assets/sales-team.png"),
    );
    copy("risky/evil-host.png", &repo.join("assets/evil-host.png"));
    let sha = qraudit::finish::fingerprint::sha256_hex(policy.as_bytes());
    (dir, repo, sha)
}

#[test]
fn the_policy_found_walking_up_is_applied_and_recorded() {
    let (_dir, repo, sha) = repository_with_policy();
    let assets = repo.join("assets");
    let (stdout, _, code) = run(qraudit_in(&assets).args(["scan", "--format", "json", "."]));
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        report["policy"],
        serde_json::json!({
            "source": "discovered",
            "path": "../qraudit.toml",
            "sha256": sha,
            "fail_on": "high",
            "allowed_hosts": 2,
            "allowed_ports": 1,
        })
    );
    // The policy's hosts were checked: the evil host is not allowed (high, failing at high).
    assert_eq!(code, 1);
    assert!(stdout.contains("host-not-allowed"));
    let (table, _, _) = run(qraudit_in(&assets)
        .args(["scan", "."])
        .env("COLUMNS", "200"));
    assert!(
        table.starts_with(&format!(
            "Policy: ../qraudit.toml, found walking up (sha256 {}) · fail on high · 2 allowed hosts · 1 allowed port\n",
            &sha[..12]
        )),
        "{table}"
    );
    // --no-policy: nothing applies, and the report says so.
    let (stdout, _, code) =
        run(qraudit_in(&assets).args(["scan", "--format", "json", "--no-policy", "."]));
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["policy"]["source"], "disabled");
    assert_eq!(report["policy"]["fail_on"], "medium");
    assert!(!stdout.contains("host-not-allowed"));
    assert_eq!(code, 1, "deceptive-userinfo is high, failing at medium");
    // --policy names a file, --fail-on overrides its threshold.
    let (stdout, _, _) = run(qraudit_in(&assets).args([
        "scan",
        "--format",
        "json",
        "--policy",
        "../qraudit.toml",
        "--fail-on",
        "never",
        ".",
    ]));
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["policy"]["source"], "file");
    assert_eq!(report["policy"]["path"], "../qraudit.toml");
    assert_eq!(report["policy"]["fail_on"], "never");
    // Above the repository root nothing is looked for.
    let outside = repo.parent().unwrap();
    let (stdout, _, _) =
        run(qraudit_in(&repo.join(".git")).args(["check", "--format", "json", "x"]));
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        report["policy"]["source"], "discovered",
        "inside .git is inside the repository"
    );
    let (stdout, _, _) = run(qraudit_in(outside).args(["check", "--format", "json", "x"]));
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["policy"]["source"], "none");
    // `--no-policy` and `--policy` together are a usage error.
    let (_, _, code) =
        run(qraudit_in(&assets).args(["scan", "--no-policy", "--policy", "../qraudit.toml", "."]));
    assert_eq!(code, 2);
}

#[test]
fn writing_a_baseline_exits_0_and_suppressed_codes_say_what_they_were() {
    let dir = asset_folder();
    let (_, stderr, code) = run(qraudit_in(dir.path()).args([
        "scan",
        "-q",
        "--write-baseline",
        "baseline.json",
        "-o",
        "/dev/null",
        "assets/posters",
        "assets/sheets",
    ]));
    assert_eq!(
        (code, stderr.as_str()),
        (0, ""),
        "findings are accepted, not failing"
    );
    let (_, stderr, code) = run(qraudit_in(dir.path()).args([
        "scan",
        "--write-baseline",
        "baseline.json",
        "-o",
        "/dev/null",
        "assets/posters",
        "assets/sheets",
    ]));
    assert_eq!(code, 0);
    let (json, _, _) = run(qraudit_in(dir.path()).args([
        "scan",
        "--format",
        "json",
        "assets/posters",
        "assets/sheets",
    ]));
    let counted: u64 = ["critical", "high", "medium", "low", "info"]
        .iter()
        .map(|s| {
            serde_json::from_str::<Value>(&json).unwrap()["summary"]["findings"][s]
                .as_u64()
                .unwrap()
        })
        .sum();
    assert!(counted >= 10, "{json}");
    assert!(
        stderr.ends_with(&format!(
            "qraudit: exit 0: baseline written to baseline.json, accepting {counted} findings\n"
        )),
        "{stderr}"
    );
    // An unreadable input still fails it.
    let (_, stderr, code) = run(qraudit_in(dir.path()).args([
        "scan",
        "-q",
        "--write-baseline",
        "other.json",
        "assets/posters",
        "assets/broken",
    ]));
    assert_eq!(code, 2);
    assert!(
        stderr.ends_with("qraudit: exit 2: 1 input could not be read\n"),
        "{stderr}"
    );
    // With the baseline, the risky poster is suppressed, not clean.
    let (table, _, code) = run(qraudit_in(dir.path())
        .args(["scan", "--baseline", "baseline.json", "assets/posters"])
        .env("COLUMNS", "120"));
    assert_eq!(code, 0);
    assert!(table.contains("│ 1 ┆ suppressed     ┆"), "{table}");
    assert!(table.contains("│   ┆ (was\u{a0}critical) ┆"), "{table}");
    assert!(
        !table.contains("Rules"),
        "no counting finding, no rules column: {table}"
    );
    assert!(
        table.contains("[1] suppressed (was critical) · sametime"),
        "{table}"
    );
    // Three findings on each of the five risky posters: two about the password and user, and
    // the info verdict host-not-checked (no allow-list in this run).
    assert!(table.contains("15 findings suppressed"), "{table}");
    assert!(!table.contains("┆ -"), "{table}");
    let (json, _, _) = run(qraudit_in(dir.path()).args([
        "scan",
        "--format",
        "json",
        "--baseline",
        "baseline.json",
        "assets/posters",
    ]));
    let report: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["distinct_codes"][0]["worst"], Value::Null);
    assert_eq!(report["distinct_codes"][0]["suppressed_worst"], "critical");
}

#[test]
fn a_path_as_first_argument_runs_scan() {
    let (stdout, _, code) =
        run(qraudit_in(root()).args(["testdata/posters/sales-team.png", "--format", "raw"]));
    assert_eq!(code, 0);
    assert_eq!(
        stdout,
        "hclsametime://stproxy.example.com:8443/?action=AddCommunity&communityName=Sales%20Team\n"
    );
    // A command wins over a file of the same name; a missing path is a usage error.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rules"), "").unwrap();
    let (stdout, _, code) = run(qraudit_in(dir.path()).arg("rules"));
    assert_eq!(code, 0);
    assert!(stdout.contains("embedded-password"));
    let (_, stderr, code) = run(qraudit_in(root()).arg("no-such-file.png"));
    assert_eq!(code, 2);
    assert!(stderr.contains("no-such-file.png"), "{stderr}");
}

#[test]
fn check_warns_about_links_a_shell_cut_and_its_help_says_to_quote() {
    let (_, stderr, code) = run(qraudit_in(root()).args([
        "check",
        "-q",
        "hclsametime://stproxy.example.com/?action=AddCommunity&",
    ]));
    assert_eq!(code, 0);
    assert!(
        stderr.starts_with("qraudit: warning: text:1 ends right after '&', a parameter separator"),
        "{stderr}"
    );
    assert!(stderr.contains("quote the whole link"), "{stderr}");
    let (_, stderr, _) = run(qraudit_in(root()).args([
        "check",
        "-q",
        "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Sales",
        "Team",
    ]));
    assert!(
        stderr.contains("text:2 is not a link but follows one"),
        "{stderr}"
    );
    let (help, _, _) = run(qraudit_in(root()).args(["check", "--help"]));
    assert!(help.starts_with("Examples:\n  qraudit check '"), "{help}");
    assert_eq!(
        help.lines()
            .skip(1)
            .take(3)
            .filter(|l| l.starts_with("  qraudit "))
            .count(),
        3
    );
    assert!(help.contains("Quote each link in single quotes"), "{help}");
    let (help, _, _) = run(qraudit_in(root()).args(["scan", "--help"]));
    assert!(help.starts_with("Examples:\n  qraudit scan "), "{help}");
    assert_eq!(
        help.lines()
            .skip(1)
            .take(3)
            .filter(|l| l.starts_with("  qraudit scan "))
            .count(),
        3
    );
}

#[test]
fn check_on_a_terminal_prompts_and_notices_a_background_job() {
    let dir = tempfile::tempdir().unwrap();
    let shown = in_terminal(
        dir.path(),
        "qraudit check --format raw -",
        100,
        "hclsametime://h.example.com/?action=AddCommunity&allowUntrustedSSL=true\n\u{4}",
        &[],
    );
    assert!(
        shown.contains("qraudit: paste the link, then Ctrl-D\n"),
        "{shown}"
    );
    assert!(
        shown.contains("qraudit: exit 1: 1 finding at or above medium"),
        "{shown}"
    );
    // The unquoted & of a pasted link: an interactive shell runs qraudit in the background.
    let pasted = "qraudit check -q hclsametime://h.example.com/?action=AddCommunity&allowUntrustedSSL=true\nwait\nexit\n";
    let shown = in_terminal(
        dir.path(),
        "env -i PATH=/usr/bin:/bin HOME=/tmp TERM=dumb bash --norc --noprofile -i",
        100,
        &pasted.replace("qraudit", env!("CARGO_BIN_EXE_qraudit")),
        &[],
    );
    assert!(
        shown.contains("qraudit: warning: qraudit runs as a background job"),
        "{shown}"
    );
}
