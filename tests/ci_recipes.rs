//! The README's recipes, run as written (issue 23, item 2): the block marked
//! `<!-- recipe: pre-commit -->` is installed as a real git pre-commit hook in a temporary
//! repository, with the real binary on PATH.

mod common;

use std::path::Path;
use std::process::Command;

/// The code block after `<!-- recipe: NAME -->` in the README.
fn recipe(name: &str) -> String {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let marker = format!("<!-- recipe: {name} -->");
    let after = readme.split(&marker).nth(1).expect("the recipe marker");
    let body = after.split("```").nth(1).expect("a code block");
    body.split_once('\n').expect("a fenced block").1.to_string()
}

fn git(repo: &Path, args: &[&str]) -> std::process::Output {
    Command::new("git")
        .current_dir(repo)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .env("PATH", path_with_qraudit())
        .output()
        .expect("git")
}

fn path_with_qraudit() -> String {
    let bin = assert_cmd::cargo::cargo_bin("qraudit");
    let dir = bin.parent().unwrap().display().to_string();
    format!("{dir}:{}", std::env::var("PATH").unwrap_or_default())
}

fn copy(from: &str, repo: &Path, to: &str) {
    std::fs::copy(common::root().join(from), repo.join(to)).unwrap();
}

#[test]
fn the_pre_commit_hook_checks_the_staged_content_of_every_type() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("SKIPPED: git is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    assert!(git(repo, &["init", "-q"]).status.success());
    let hook = repo.join(".git/hooks/pre-commit");
    std::fs::write(&hook, recipe("pre-commit")).unwrap();
    let mut permissions = std::fs::metadata(&hook).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(&hook, permissions).unwrap();

    // A risky code staged under a name with a space; the working tree then holds a clean one:
    // the hook must judge what is committed.
    copy(
        "testdata/screenshots/untrusted-ssl.png",
        repo,
        "lobby poster.png",
    );
    copy(
        "testdata/containers/pdf/flyer-raster.pdf",
        repo,
        "flyer.pdf",
    );
    assert!(
        git(repo, &["add", "lobby poster.png", "flyer.pdf"])
            .status
            .success()
    );
    copy("testdata/posters/sales-team.png", repo, "lobby poster.png");
    let refused = git(repo, &["commit", "-q", "-m", "risky"]);
    // git shows a hook's output on its stderr.
    let stdout = String::from_utf8_lossy(&refused.stderr);
    assert!(
        !refused.status.success(),
        "the staged risky code must stop the commit: {stdout}"
    );
    assert!(stdout.contains("untrusted-ssl"), "{stdout}");
    // The PDF was scanned too (its codes are listed), not only images.
    assert!(stdout.contains("flyer.pdf"), "{stdout}");
    // Staging the clean version lets the commit through.
    assert!(git(repo, &["add", "lobby poster.png"]).status.success());
    let accepted = git(repo, &["commit", "-q", "-m", "clean"]);
    assert!(
        accepted.status.success(),
        "{:?} {}{}",
        accepted.status,
        String::from_utf8_lossy(&accepted.stdout),
        String::from_utf8_lossy(&accepted.stderr)
    );
}

/// pre-commit itself (from PyPI, in a virtual environment under the target folder) runs the
/// repository's `.pre-commit-hooks.yaml` (the `qraudit-system` hook, with the binary on PATH)
/// in a temporary repository: a staged risky code fails it, whatever the working tree holds.
#[test]
fn pre_commit_runs_the_published_hook_on_staged_content() {
    let venv = common::root().join("target/pre-commit-venv");
    let pre_commit = venv.join("bin/pre-commit");
    if !pre_commit.exists() {
        let made = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .is_ok_and(|s| s.success())
            && Command::new(venv.join("bin/pip"))
                .args(["install", "-q", "pre-commit"])
                .status()
                .is_ok_and(|s| s.success());
        if !made {
            eprintln!(
                "SKIPPED: pre-commit could not be installed from PyPI (python3 -m venv, pip install pre-commit)"
            );
            return;
        }
    }
    let dir = tempfile::tempdir().unwrap();
    // try-repo runs a hook straight from a hooks repository: this checkout's hook file,
    // copied into a repository of its own (try-repo needs a git repository with a commit).
    let hooks = dir.path().join("hooks-repo");
    std::fs::create_dir(&hooks).unwrap();
    std::fs::copy(
        common::root().join(".pre-commit-hooks.yaml"),
        hooks.join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    assert!(git(&hooks, &["init", "-q"]).status.success());
    assert!(git(&hooks, &["add", "."]).status.success());
    assert!(
        git(&hooks, &["commit", "-q", "-m", "hooks"])
            .status
            .success()
    );
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    assert!(git(&work, &["init", "-q"]).status.success());
    copy(
        "testdata/screenshots/untrusted-ssl.png",
        &work,
        "lobby poster.png",
    );
    copy(
        "testdata/containers/pdf/flyer-raster.pdf",
        &work,
        "flyer.pdf",
    );
    std::fs::write(work.join("notes.txt"), "not an image\n").unwrap();
    assert!(git(&work, &["add", "."]).status.success());
    // The working tree's copy is clean; the staged one is not.
    copy("testdata/posters/sales-team.png", &work, "lobby poster.png");
    let run = |work: &Path| {
        Command::new(&pre_commit)
            .current_dir(work)
            .env("PATH", path_with_qraudit())
            .env("PRE_COMMIT_HOME", dir.path().join("cache"))
            .args(["try-repo"])
            .arg(&hooks)
            .args(["qraudit-system", "--verbose"])
            .output()
            .expect("pre-commit")
    };
    let refused = run(&work);
    let out = String::from_utf8_lossy(&refused.stdout);
    assert!(!refused.status.success(), "{out}");
    assert!(
        out.contains("untrusted-ssl") && out.contains("flyer.pdf"),
        "{out}"
    );
    assert!(
        !out.contains("notes.txt"),
        "only the types qraudit reads are passed: {out}"
    );
    assert!(git(&work, &["add", "lobby poster.png"]).status.success());
    let accepted = run(&work);
    assert!(
        accepted.status.success(),
        "{}",
        String::from_utf8_lossy(&accepted.stdout)
    );
}
