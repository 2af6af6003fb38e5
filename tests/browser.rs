//! The helpdesk page in a real headless Chromium (issue 18): tests/browser/run.mjs pastes an
//! image, drops a file, checks the verdict and the outline, copies the safe rewrite, shows
//! hostile codes inert and drives the page with the keyboard alone, against the real binary on
//! 127.0.0.1. Screenshots go to target/browser-screenshots/.
//!
//! It needs Node (on every machine this project targets), playwright-core (installed here
//! from tests/browser/package-lock.json when missing) and Debian's `chromium`, which .ci/run
//! installs (`apt-get install -y chromium`, as root). Where Chromium cannot be had, the test
//! says so on stderr and in target/browser-tests-skipped, which .ci/run prints: it never
//! passes quietly without having run.
#![cfg(feature = "serve")]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    let candidate = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    candidate.exists().then_some(candidate)
}

fn skip(reason: &str) {
    let marker = common::root().join("target/browser-tests-skipped");
    let _ = std::fs::create_dir_all(marker.parent().unwrap());
    let _ = std::fs::write(&marker, reason);
    eprintln!("browser tests: SKIPPED: {reason}");
}

#[test]
fn the_helpdesk_page_works_in_chromium() {
    let marker = common::root().join("target/browser-tests-skipped");
    let _ = std::fs::remove_file(&marker);
    if std::env::var("QRAUDIT_BROWSER_TESTS").as_deref() == Ok("0") {
        skip("QRAUDIT_BROWSER_TESTS=0");
        return;
    }
    let Some(chromium) = chromium() else {
        skip(
            "no Chromium at /usr/bin/chromium (apt-get install -y chromium, as root; or set CHROMIUM)",
        );
        return;
    };
    let dir = common::root().join("tests/browser");
    if !dir.join("node_modules/playwright-core").exists() {
        let installed = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status();
        if !installed.is_ok_and(|s| s.success()) {
            skip("npm ci in tests/browser failed (no Node, or no npm registry)");
            return;
        }
    }
    let shots = common::root().join("target/browser-screenshots");
    let output = Command::new("node")
        .arg(dir.join("run.mjs"))
        .arg(assert_cmd::cargo::cargo_bin("qraudit"))
        .arg(&shots)
        .env("CHROMIUM", &chromium)
        .output()
        .expect("node runs");
    let log = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{log}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(log.contains("browser tests: all passed"), "{log}");
    assert!(!log.contains("FAIL"), "{log}");
    for shot in ["serve-paste.png", "serve-hostile.png"] {
        assert!(Path::new(&shots.join(shot)).is_file(), "{shot}");
    }
}
