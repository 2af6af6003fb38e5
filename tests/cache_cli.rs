//! `--cache DIR` on the real binary (issue 23, item 6): a rerun reuses what each image decoded
//! to and writes the same report; what is reused is the decoder's result only, so a changed
//! policy needs no new cache; a damaged entry is decoded again.

mod common;

use std::path::Path;

use serde_json::Value;

fn scan(cache: &Path, extra: &[&str], paths: &[&str]) -> (String, i32) {
    let output = common::qraudit()
        .current_dir(common::root())
        .args(["scan", "--no-policy", "--format", "json", "-q", "--cache"])
        .arg(cache)
        .args(extra)
        .args(paths)
        .output()
        .unwrap();
    (
        String::from_utf8(output.stdout).unwrap(),
        output.status.code().unwrap(),
    )
}

fn entries(cache: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for folder in std::fs::read_dir(cache).unwrap() {
        for entry in std::fs::read_dir(folder.unwrap().path()).unwrap() {
            found.push(entry.unwrap().path());
        }
    }
    found
}

#[test]
fn a_rerun_reuses_the_decoded_images_and_writes_the_same_report() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let paths = ["testdata/posters", "testdata/containers/zip/assets.zip"];
    let (cold, cold_code) = scan(&cache, &[], &paths);
    let stored = entries(&cache);
    // Every poster, and the raster images inside the zip (its SVG is a drawing: not cached).
    let posters = std::fs::read_dir(common::root().join("testdata/posters"))
        .unwrap()
        .count();
    assert_eq!(stored.len(), posters + 2, "{stored:?}");
    let (warm, warm_code) = scan(&cache, &[], &paths);
    assert_eq!((warm_code, &warm), (cold_code, &cold));
    assert_eq!(entries(&cache).len(), stored.len());

    // The warm run really read the cache: --timings shows no time spent on any image.
    let (timed, _) = scan(&cache, &["--timings"], &paths);
    let report: Value = serde_json::from_str(&timed).unwrap();
    for input in report["inputs"].as_array().unwrap() {
        if input["path"].as_str().unwrap().ends_with(".zip") {
            continue; // its SVG is rendered again
        }
        assert_eq!(input["timing"]["decode_ms"], 0.0, "{input}");
    }
    // What the cache holds is no clearer than the images: the decoded texts (a password among
    // them) are encrypted with a key only the image's bytes give.
    let cold: Value = serde_json::from_str(&cold).unwrap();
    assert!(
        cold.to_string().contains("jdoe:********@"),
        "a poster with a password"
    );
    for entry in &stored {
        let bytes = std::fs::read(entry).unwrap();
        let shown = String::from_utf8_lossy(&bytes);
        assert!(
            !shown.contains("example.com") && !shown.contains("jdoe"),
            "{}",
            entry.display()
        );
    }
}

#[test]
fn a_new_policy_reuses_the_cache_and_its_findings_are_fresh() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let poster = ["testdata/posters/sales-team.png"];
    let (unchecked, _) = scan(&cache, &[], &poster);
    assert!(unchecked.contains("\"host-not-checked\""), "{unchecked}");
    let (allowed, code) = scan(
        &cache,
        &["--allow-host", "stproxy.example.com", "--fail-on", "info"],
        &poster,
    );
    assert_eq!(code, 0, "{allowed}");
    assert!(!allowed.contains("\"host-not-checked\""), "{allowed}");
    let (elsewhere, code) = scan(&cache, &["--allow-host", "other.example.org"], &poster);
    assert_eq!(code, 1);
    assert!(elsewhere.contains("\"host-not-allowed\""), "{elsewhere}");
    assert_eq!(entries(&cache).len(), 1);
}

#[test]
fn a_damaged_entry_is_decoded_again_and_timings_say_what_was_cached() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let poster = ["testdata/posters/sales-team.png"];
    let (cold, _) = scan(&cache, &[], &poster);
    for entry in entries(&cache) {
        std::fs::write(&entry, b"{ not json").unwrap();
    }
    let (again, _) = scan(&cache, &[], &poster);
    assert_eq!(again, cold);
    // Rewritten: the next run is a hit, which --timings shows as no time spent.
    let (timed, _) = scan(&cache, &["--timings"], &poster);
    let report: Value = serde_json::from_str(&timed).unwrap();
    assert_eq!(report["inputs"][0]["timing"]["decode_ms"], 0.0, "{timed}");
    assert_eq!(report["inputs"][0]["timing"]["load_ms"], 0.0, "{timed}");
}

#[test]
fn the_policy_file_can_name_the_cache_and_a_bad_folder_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("qraudit.toml"), "cache = \"decoded\"\n").unwrap();
    let poster = common::root().join("testdata/posters/sales-team.png");
    let output = common::qraudit()
        .current_dir(dir.path())
        .args(["scan", "-q", "--format", "json"])
        .arg(&poster)
        .output()
        .unwrap();
    assert!(output.status.code().is_some_and(|c| c < 2));
    assert_eq!(entries(&dir.path().join("decoded")).len(), 1);
    // A cache folder that cannot be made is a usage error before anything is scanned.
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    let output = common::qraudit()
        .args(["scan", "--cache"])
        .arg(file.join("sub"))
        .arg(&poster)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("cannot use"), "{stderr}");
}
