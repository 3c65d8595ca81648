//! `release init`, completions and man pages.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests: a failure to set up is a failed test

use std::path::Path;
use std::process::{Command, Output};

fn release(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_release"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .status()
        .unwrap()
        .success();
    assert!(ok, "git {args:?}");
}

#[test]
fn init_writes_the_files_once_and_never_replaces_the_changelog() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    git(
        root,
        &[
            "remote",
            "add",
            "origin",
            "https://github.com/Acme/widget.git",
        ],
    );
    let out = release(root, &["init"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for f in [
        "release-policy.toml",
        "CHANGELOG.md",
        "docs/upgrading.md",
        ".github/workflows/release.yml",
        ".github/workflows/pilot-release.yml",
    ] {
        assert!(root.join(f).is_file(), "{f}");
    }
    let policy = std::fs::read_to_string(root.join("release-policy.toml")).unwrap();
    assert!(
        policy.contains("images = [\"ghcr.io/acme/widget\"]"),
        "image names are lower-case"
    );
    assert!(policy.contains("repository = \"Acme/widget\""));
    assert!(
        policy.contains("hotfix/v{version}"),
        "the branch pattern placeholder stays"
    );
    let check = release(root, &["policy", "check"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "the generated policy is valid"
    );
    let workflow = std::fs::read_to_string(root.join(".github/workflows/release.yml")).unwrap();
    // The gate is this project's Action at this build's version (`--install action`, the
    // default); tests/workflows.rs checks every variant in depth.
    assert!(workflow.contains(&format!("@v{}\n", env!("CARGO_PKG_VERSION"))));
    assert!(workflow.contains("tags: [\"v*\"]"));
    assert!(workflow.contains("tags: ${{ needs.gate.outputs.images }}"));

    // Edits are kept unless --force, which shows the diff; the changelog is never replaced.
    std::fs::write(root.join("CHANGELOG.md"), "# Changelog\n\nmine\n").unwrap();
    let wf = root.join(".github/workflows/release.yml");
    std::fs::write(&wf, format!("{workflow}# local edit\n")).unwrap();
    let out = release(root, &["init"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(std::fs::read_to_string(&wf)
        .unwrap()
        .ends_with("# local edit\n"));
    let out = release(root, &["init", "--force"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("-# local edit"), "{stdout}");
    assert_eq!(std::fs::read_to_string(&wf).unwrap(), workflow);
    assert_eq!(
        std::fs::read_to_string(root.join("CHANGELOG.md")).unwrap(),
        "# Changelog\n\nmine\n"
    );
}

#[test]
fn init_needs_a_repository() {
    let dir = tempfile::tempdir().unwrap();
    let out = release(dir.path(), &["init", "--dir", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--repository"));
    let out = release(dir.path(), &["init", "--repository", "not a repo"]);
    assert_eq!(out.status.code(), Some(2));
    let out = release(
        dir.path(),
        &["--json", "init", "--repository", "o/r", "--dry-run"],
    );
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["action"], "create");
    assert!(
        !dir.path().join("release-policy.toml").exists(),
        "a dry run writes nothing"
    );
}

#[test]
fn completions_and_man_pages() {
    let dir = tempfile::tempdir().unwrap();
    let out = release(dir.path(), &["completions", "bash"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("release__plan") || text.contains("plan"),
        "{}",
        &text[..200.min(text.len())]
    );
    let out = release(dir.path(), &["man"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains(".TH release 1"));
    let out = release(dir.path(), &["man", "--dir", "pages"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(dir.path().join("pages/release-plan.1").is_file());
}
