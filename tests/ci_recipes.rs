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

/// The `run: |` block of the step named `name` in a workflow or action file written as this
/// repository writes them (two-space YAML, a literal block): the lines indented past `run:`.
fn run_block(yaml: &str, name: &str) -> String {
    let step = yaml
        .split("- name: ")
        .find(|s| s.starts_with(name))
        .unwrap_or_else(|| panic!("a step named {name}"));
    let mut lines = step.lines().skip_while(|l| l.trim() != "run: |");
    let run_line = lines.next().expect("run: |");
    let indent = run_line.len() - run_line.trim_start().len();
    lines
        .take_while(|l| l.trim().is_empty() || l.len() - l.trim_start().len() > indent)
        .map(|l| l.get(indent + 2..).unwrap_or("").to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// action.yml's scan step, run by bash as GitHub would (inputs as its env, GITHUB_OUTPUT a
/// file): it writes the SARIF, records qraudit's exit code for the last step, and does not
/// stop the job before the upload.
#[test]
fn the_action_scans_writes_sarif_and_reports_the_exit_code() {
    let action = std::fs::read_to_string(common::root().join("action.yml")).unwrap();
    let script = run_block(&action, "Scan");
    assert!(script.contains("qraudit scan"), "{script}");
    let dir = tempfile::tempdir().unwrap();
    let output_file = dir.path().join("github_output");
    let sarif = dir.path().join("q.sarif");
    let run = |paths: &str, fail_on: &str| {
        std::fs::write(&output_file, "").unwrap();
        let status = Command::new("bash")
            .args(["-e", "-c", &script])
            .current_dir(common::root())
            .env("PATH", path_with_qraudit())
            .env("QRAUDIT_PATHS", paths)
            .env("QRAUDIT_FAIL_ON", fail_on)
            .env("QRAUDIT_ARGS", "--no-policy -q")
            .env("QRAUDIT_SARIF", &sarif)
            .env("GITHUB_OUTPUT", &output_file)
            .output()
            .unwrap()
            .status;
        assert!(status.success(), "the scan step itself never fails");
        std::fs::read_to_string(&output_file).unwrap()
    };
    assert_eq!(
        run("testdata/risky testdata/posters", "medium"),
        "exit-code=1\n"
    );
    let log: serde_json::Value = serde_json::from_slice(&std::fs::read(&sarif).unwrap()).unwrap();
    assert!(!log["runs"][0]["results"].as_array().unwrap().is_empty());
    assert_eq!(
        run("testdata/posters/sales-team.png", "medium"),
        "exit-code=0\n"
    );
    assert_eq!(run("testdata/bad", "never"), "exit-code=2\n");
}

/// The Dockerfile builds an image that runs as a non-root user and scans a mounted folder.
/// Opt-in (QRAUDIT_DOCKER_TEST=1): building compiles every dependency inside the image, longer
/// than the rest of the suite, and needs a Docker daemon.
#[test]
fn the_container_image_builds_and_scans() {
    if std::env::var("QRAUDIT_DOCKER_TEST").as_deref() != Ok("1") {
        eprintln!(
            "SKIPPED: the Docker image test is opt-in (QRAUDIT_DOCKER_TEST=1; needs a Docker daemon)"
        );
        return;
    }
    let docker = |args: &[&str]| Command::new("docker").args(args).output().expect("docker");
    if !docker(&["info"]).status.success() {
        eprintln!("SKIPPED: no Docker daemon answers");
        return;
    }
    let root = common::root().display().to_string();
    let built = docker(&["build", "-t", "qraudit-test", &root]);
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let user = docker(&["run", "--rm", "--entrypoint", "id", "qraudit-test", "-u"]);
    assert_ne!(String::from_utf8_lossy(&user.stdout).trim(), "0");
    let mount = format!("{root}/testdata/risky:/scan:ro");
    let scanned = docker(&[
        "run",
        "--rm",
        "-v",
        &mount,
        "qraudit-test",
        "scan",
        "--no-policy",
        "-q",
        "--format",
        "json",
        ".",
    ]);
    assert_eq!(scanned.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&scanned.stdout).unwrap();
    assert!(report["summary"]["codes"].as_u64().unwrap() > 0);
}

/// The GitLab template's script, run as GitLab would (its variables as the environment): the
/// Code Quality report is written even when the job fails, as `artifacts: when: always` needs.
#[test]
fn the_gitlab_template_writes_a_code_quality_report() {
    let template = std::fs::read_to_string(common::root().join("docs/ci/gitlab-ci.yml")).unwrap();
    let script: Vec<String> = template
        .split("\n  script:\n")
        .nth(1)
        .expect("a script")
        .lines()
        .take_while(|l| l.starts_with("    - "))
        .map(|l| l.trim_start_matches("    - ").to_string())
        .collect();
    assert_eq!(script.len(), 1, "{script:?}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("assets")).unwrap();
    copy(
        "testdata/risky/encoding.png",
        dir.path(),
        "assets/encoding.png",
    );
    copy(
        "testdata/bad/truncated.png",
        dir.path(),
        "assets/truncated.png",
    );
    let output = Command::new("sh")
        .args(["-c", &script[0]])
        .current_dir(dir.path())
        .env("PATH", path_with_qraudit())
        .env("QRAUDIT_PATHS", "assets")
        .env("QRAUDIT_FAIL_ON", "medium")
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "a broken asset fails the job"
    );
    let report: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("gl-code-quality-report.json")).unwrap(),
    )
    .unwrap();
    let issues = report.as_array().unwrap();
    assert!(!issues.is_empty());
    assert!(
        issues
            .iter()
            .all(|i| i["location"]["path"] == "assets/encoding.png")
    );
}

/// A workflow of the README, parsed.
fn workflow(name: &str) -> serde_yaml::Value {
    serde_yaml::from_str(&recipe(name)).expect("the README's workflow is valid YAML")
}

/// The `run:` steps of a job, in order, with GitHub's `${{ matrix.NAME }}` filled in. The step
/// that installs qraudit is checked and left out: the binary under test is on PATH instead.
fn run_steps(job: &serde_yaml::Value, matrix: &[(&str, String)]) -> Vec<String> {
    let steps = job["steps"].as_sequence().expect("steps");
    let mut runs = Vec::new();
    for step in steps {
        let Some(run) = step["run"].as_str() else {
            continue;
        };
        let mut run = run.to_string();
        for (name, value) in matrix {
            run = run.replace(&format!("${{{{ matrix.{name} }}}}"), value);
        }
        if run.starts_with("cargo install") {
            assert!(run.contains("qraudit"), "{run}");
            continue;
        }
        runs.push(run);
    }
    runs
}

/// `sh -c run` in `dir` with qraudit on PATH, as a runner's default shell runs a step; the
/// exit code.
fn run_step(run: &str, dir: &Path) -> i32 {
    Command::new("sh")
        .args(["-e", "-c", run])
        .current_dir(dir)
        .env("PATH", path_with_qraudit())
        .output()
        .unwrap()
        .status
        .code()
        .unwrap()
}

/// The step that `uses:` an action starting with `action`.
fn uses_step<'a>(job: &'a serde_yaml::Value, action: &str) -> &'a serde_yaml::Value {
    job["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with(action)))
        .unwrap_or_else(|| panic!("a step using {action}"))
}

/// The shard matrix: every shard's scan step runs as written (one shard holds a broken asset
/// and exits 2, yet writes its report, which `if: always()` uploads); the merge job, which runs
/// unless cancelled, merges the downloaded reports into what one run over the store reports.
#[test]
fn the_shard_matrix_workflow_runs_as_written() {
    let flow = workflow("github-shards");
    let scan = &flow["jobs"]["scan"];
    let merge = &flow["jobs"]["merge"];
    assert_eq!(scan["runs-on"], "ubuntu-latest");
    assert_eq!(merge["needs"], "scan");
    assert_eq!(merge["if"], "${{ !cancelled() }}");
    assert_eq!(uses_step(scan, "actions/upload-artifact")["if"], "always()");
    let shards: Vec<String> = scan["strategy"]["matrix"]["shard"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|s| s.as_u64().unwrap().to_string())
        .collect();
    assert_eq!(shards.len(), 4);

    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    for (from, to) in [
        ("testdata/posters", "posters"),
        ("testdata/risky", "risky"),
        ("testdata/bad", "bad"),
        ("testdata/sheets", "sheets"),
    ] {
        std::fs::create_dir_all(store.join(to)).unwrap();
        for entry in std::fs::read_dir(common::root().join(from)).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), store.join(to).join(entry.file_name())).unwrap();
        }
    }
    let mut codes = Vec::new();
    for shard in &shards {
        let runs = run_steps(scan, &[("shard", shard.clone())]);
        assert_eq!(runs.len(), 1, "{runs:?}");
        codes.push(run_step(&runs[0], dir.path()));
        // What the upload step uploads exists, whatever the exit code.
        let uploaded = uses_step(scan, "actions/upload-artifact")["with"]["path"]
            .as_str()
            .unwrap()
            .replace("${{ matrix.shard }}", shard);
        assert!(dir.path().join(&uploaded).is_file(), "{uploaded}");
    }
    // --fail-on never: only a shard with an unreadable asset fails, and some shard has one.
    assert!(codes.iter().all(|c| *c == 0 || *c == 2), "{codes:?}");
    assert!(codes.contains(&2), "{codes:?}");

    let runs = run_steps(merge, &[]);
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert!(
        runs[0].starts_with("qraudit merge shard-*.json"),
        "{}",
        runs[0]
    );
    assert_eq!(
        run_step(&runs[0], dir.path()),
        2,
        "the broken asset fails the build"
    );
    // The merged SARIF is the single run's.
    let merged = std::fs::read(dir.path().join("qraudit.sarif")).unwrap();
    let single = dir.path().join("single.sarif");
    let single_run = Command::new(assert_cmd::cargo::cargo_bin("qraudit"))
        .current_dir(dir.path())
        .args(["scan", "store/", "-q", "--format", "sarif", "-o"])
        .arg(&single)
        .output()
        .unwrap();
    assert_eq!(single_run.status.code(), Some(2));
    let as_json = |bytes: &[u8]| -> serde_json::Value { serde_json::from_slice(bytes).unwrap() };
    assert_eq!(as_json(&merged), as_json(&std::fs::read(&single).unwrap()));
}

/// The single-job workflow: the baseline accepted once with the README's own command, the
/// scan step passes on the accepted assets and fails on a new risky one; the SARIF the upload
/// step names is written either way.
#[test]
fn the_scan_workflow_runs_as_written_with_its_baseline() {
    let flow = workflow("github-scan");
    let job = &flow["jobs"]["qraudit"];
    let runs = run_steps(job, &[]);
    assert_eq!(runs.len(), 1, "{runs:?}");
    let sarif = uses_step(job, "github/codeql-action/upload-sarif")["with"]["sarif_file"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        uses_step(job, "github/codeql-action/upload-sarif")["if"],
        "always()"
    );
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let accept = readme
        .split("Accept today's state once with `")
        .nth(1)
        .and_then(|rest| rest.split('`').next())
        .expect("the README's baseline command")
        .replace('\n', " ");

    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("assets")).unwrap();
    copy(
        "testdata/posters/password-in-url.jpg",
        dir.path(),
        "assets/password-in-url.jpg",
    );
    copy(
        "testdata/risky/encoding.png",
        dir.path(),
        "assets/encoding.png",
    );
    assert_eq!(run_step(&accept, dir.path()), 0, "{accept}");
    assert_eq!(run_step(&runs[0], dir.path()), 0, "accepted findings pass");
    assert!(dir.path().join(&sarif).is_file());
    copy(
        "testdata/risky/evil-host.png",
        dir.path(),
        "assets/evil-host.png",
    );
    std::fs::remove_file(dir.path().join(&sarif)).unwrap();
    assert_eq!(run_step(&runs[0], dir.path()), 1, "a new risky code fails");
    assert!(dir.path().join(&sarif).is_file());
}

/// Every YAML file the project ships, and every YAML block of the README, is valid YAML: a
/// recipe that does not parse is refused by the CI system before anything runs.
#[test]
fn every_shipped_yaml_parses() {
    for file in [
        "action.yml",
        ".pre-commit-hooks.yaml",
        "docs/ci/gitlab-ci.yml",
    ] {
        let text = std::fs::read_to_string(common::root().join(file)).unwrap();
        serde_yaml::from_str::<serde_yaml::Value>(&text)
            .unwrap_or_else(|err| panic!("{file}: {err}"));
    }
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let blocks: Vec<&str> = readme
        .split("```yaml\n")
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap())
        .collect();
    assert!(blocks.len() >= 3, "{}", blocks.len());
    for block in blocks {
        serde_yaml::from_str::<serde_yaml::Value>(block)
            .unwrap_or_else(|err| panic!("README block does not parse: {err}\n{block}"));
    }
}
