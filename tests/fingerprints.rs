//! Fingerprints of content and place, on the real binary: every way of naming one file gives
//! one fingerprint (relative to the fingerprint root: the git repository's top level by
//! default, or `--fingerprint-root`), two files carrying the same code get two, a baseline
//! written from one folder does not suppress the other, and baselines written before
//! fingerprints were rooted still match, with a note asking to rewrite them.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{qraudit, root};
use serde_json::Value;

/// A temporary git checkout (a `.git` folder is all qraudit looks for) holding copies of
/// testdata files at the given places.
fn checkout(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    for (from, to) in files {
        let target = dir.path().join(to);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(root().join("testdata").join(from), &target).unwrap();
    }
    dir
}

/// `qraudit ARGS` run in `cwd`: the JSON report and the exit code.
fn json_in(cwd: &Path, args: &[&str]) -> (Value, i32) {
    let output = qraudit().current_dir(cwd).args(args).output().unwrap();
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (report, output.status.code().unwrap())
}

/// (relative_path, fingerprint) of every finding.
fn fingerprints(report: &Value) -> BTreeSet<(String, String)> {
    let mut all = BTreeSet::new();
    for input in report["inputs"].as_array().unwrap() {
        for code in input["codes"].as_array().unwrap() {
            for finding in code["findings"].as_array().unwrap() {
                all.insert((
                    input["relative_path"].as_str().unwrap().to_string(),
                    finding["fingerprint"].as_str().unwrap().to_string(),
                ));
            }
        }
    }
    all
}

#[test]
fn every_way_of_naming_a_file_gives_one_fingerprint() {
    let repo = checkout(&[("risky/encoding.png", "site/img/qr.png")]);
    let top = repo.path();
    let absolute = top.join("site/img/qr.png");
    let scans: Vec<(&Path, Vec<&str>)> = vec![
        (top, vec!["site"]),
        (top, vec!["site/img"]),
        (top, vec!["site/img/qr.png"]),
        (top, vec!["./site/../site/img/qr.png"]),
        (top, vec![absolute.to_str().unwrap()]),
        // From inside the checkout, as a pre-commit hook in a subfolder would.
        (absolute.parent().unwrap().parent().unwrap(), vec!["img"]),
        (absolute.parent().unwrap(), vec!["qr.png"]),
    ];
    let mut seen = Vec::new();
    for (cwd, paths) in &scans {
        let mut args = vec!["scan", "--format", "json"];
        args.extend(paths);
        let (report, _) = json_in(cwd, &args);
        assert_eq!(report["fingerprint_version"], 2);
        seen.push((paths.clone(), fingerprints(&report)));
    }
    let first = &seen[0].1;
    assert!(!first.is_empty(), "encoding.png has findings");
    assert!(
        first.iter().all(|(path, _)| path == "site/img/qr.png"),
        "{first:?}"
    );
    for (paths, found) in &seen {
        assert_eq!(found, first, "scan {paths:?}");
    }
}

#[test]
fn two_files_with_one_code_get_two_fingerprints_and_baselines_keep_them_apart() {
    let repo = checkout(&[
        ("risky/encoding.png", "d1/qr.png"),
        ("risky/encoding.png", "d2/qr.png"),
    ]);
    let top = repo.path();
    let (both, code) = json_in(top, &["scan", "--format", "json", "d1/qr.png", "d2/qr.png"]);
    assert_eq!(code, 1);
    let in_d1: BTreeSet<String> = fingerprints(&both)
        .into_iter()
        .filter(|(p, _)| p == "d1/qr.png")
        .map(|(_, f)| f)
        .collect();
    let in_d2: BTreeSet<String> = fingerprints(&both)
        .into_iter()
        .filter(|(p, _)| p == "d2/qr.png")
        .map(|(_, f)| f)
        .collect();
    assert!(!in_d1.is_empty());
    assert_eq!(in_d1.len(), in_d2.len());
    assert!(in_d1.is_disjoint(&in_d2), "{in_d1:?} {in_d2:?}");

    // SARIF's partialFingerprints do not collide either.
    let (sarif, _) = json_in(top, &["scan", "--format", "sarif", "d1", "d2"]);
    let hashes: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["partialFingerprints"]["primaryLocationLineHash"]
                .as_str()
                .unwrap()
        })
        .collect();
    let distinct: BTreeSet<&str> = hashes.iter().copied().collect();
    assert_eq!(hashes.len(), distinct.len(), "{hashes:?}");

    // A baseline written from d1 covers d1 however it is named, and not d2.
    let baseline = top.join("baseline.json");
    qraudit()
        .current_dir(top)
        .args(["scan", "--write-baseline", baseline.to_str().unwrap(), "d1"])
        .assert()
        .code(0);
    let (d1_again, code) = json_in(
        top,
        &[
            "scan",
            "--format",
            "json",
            "--baseline",
            "baseline.json",
            "./d1/qr.png",
        ],
    );
    assert_eq!(code, 0, "{d1_again}");
    assert_eq!(d1_again["summary"]["suppressed"], in_d1.len() as u64);
    let (d2, code) = json_in(
        top,
        &[
            "scan",
            "--format",
            "json",
            "--baseline",
            "baseline.json",
            "d2",
        ],
    );
    assert_eq!(code, 1, "{d2}");
    assert_eq!(d2["summary"]["suppressed"], 0);
}

#[test]
fn fingerprint_root_sets_the_folder_paths_are_relative_to() {
    // No .git here: without the flag the root would be the working folder.
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir_all(site.join("img")).unwrap();
    std::fs::copy(
        root().join("testdata/risky/encoding.png"),
        site.join("img/qr.png"),
    )
    .unwrap();
    let (inside, _) = json_in(&site, &["scan", "--format", "json", "img"]);
    let (outside, _) = json_in(
        dir.path(),
        &[
            "scan",
            "--format",
            "json",
            "--fingerprint-root",
            "site",
            "site/img",
        ],
    );
    assert!(!fingerprints(&inside).is_empty());
    assert_eq!(fingerprints(&inside), fingerprints(&outside));
    assert!(
        fingerprints(&inside)
            .iter()
            .all(|(path, _)| path == "img/qr.png")
    );
}

/// `tests/fixtures/baseline-first-form.json` is what qraudit wrote before fingerprints were
/// rooted (the release build of commit b6787d6, `scan --no-policy --write-baseline FILE
/// testdata/risky`): no `fingerprint_version`, paths relative to the PATH argument.
#[test]
fn a_baseline_of_the_first_form_still_matches_and_says_to_rewrite_it() {
    let files: Vec<(String, String)> = std::fs::read_dir(root().join("testdata/risky"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .map(|name| (format!("risky/{name}"), format!("assets/risky/{name}")))
        .collect();
    let pairs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let repo = checkout(&pairs);
    let baseline = root().join("tests/fixtures/baseline-first-form.json");
    let (without, code) = json_in(repo.path(), &["scan", "--format", "json", "assets/risky"]);
    assert_eq!(code, 1);
    let total = fingerprints(&without).len() as u64;
    assert!(total >= 5, "{total}");
    let (with, code) = json_in(
        repo.path(),
        &[
            "scan",
            "--format",
            "json",
            "--baseline",
            baseline.to_str().unwrap(),
            "assets/risky",
        ],
    );
    assert_eq!(code, 0, "{with}");
    // The fixture predates the info verdict host-not-checked (one per Sametime code without an
    // allow-list): those findings are new to it, and stay unsuppressed (info fails no run).
    let unchecked = with["summary"]["findings"]["info"].as_u64().unwrap();
    assert!(unchecked > 0, "{with}");
    assert_eq!(
        with["summary"]["suppressed"].as_u64().unwrap() + unchecked,
        total
    );
    assert_eq!(
        with["summary"]["findings"]["info"].as_u64().unwrap()
            + with["summary"]["findings"]["low"].as_u64().unwrap()
            + with["summary"]["findings"]["medium"].as_u64().unwrap()
            + with["summary"]["findings"]["high"].as_u64().unwrap()
            + with["summary"]["findings"]["critical"].as_u64().unwrap(),
        unchecked
    );
    let notes = with["notes"].to_string();
    assert!(
        notes.contains("fingerprints of qraudit's first form"),
        "{notes}"
    );
    assert!(notes.contains("--write-baseline"), "{notes}");
    // Rewritten, it is of the new form and matches with no note.
    let rewritten = repo.path().join("new-baseline.json");
    qraudit()
        .current_dir(repo.path())
        .args([
            "scan",
            "--baseline",
            baseline.to_str().unwrap(),
            "--write-baseline",
            rewritten.to_str().unwrap(),
            "assets/risky",
        ])
        .assert()
        .code(0);
    let (again, code) = json_in(
        repo.path(),
        &[
            "scan",
            "--format",
            "json",
            "--baseline",
            "new-baseline.json",
            "./assets/risky",
        ],
    );
    assert_eq!(code, 0, "{again}");
    assert_eq!(again["summary"]["suppressed"], total);
    assert!(!again["notes"].to_string().contains("first form"));
}
