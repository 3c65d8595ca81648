//! `release prepare`: lint, changelog section, upgrading notes, commit.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use release_testkit::git as support;

use std::process::{Command, Output};

use support::*;

const LOG: &str = "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- Mail import.\n\n### Removed\n\n- The `--legacy` flag.\n\n## [0.3.0] - 2026-06-01\n\n- Old.\n\n[Unreleased]: https://github.com/acme/app/compare/v0.3.0...HEAD\n[0.3.0]: https://github.com/acme/app/releases/tag/v0.3.0\n";
const GUIDE: &str = "# Upgrading\n\n## Upgrading to 0.3.0\n\nNo breaking changes.\n";

fn release(repo: &TestRepo, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_release"));
    cmd.args(args).current_dir(repo.path());
    repo.env(&mut cmd);
    cmd.output().unwrap()
}

fn repo_with_log() -> TestRepo {
    let repo = TestRepo::new();
    repo.write("CHANGELOG.md", LOG);
    repo.write("docs/upgrading.md", GUIDE);
    repo.commit("changes");
    repo.git(&["tag", "-a", "-m", "0.3.0", "v0.3.0"]);
    repo
}

#[test]
fn prepare_auto_bumps_writes_both_files_and_commits() {
    let repo = repo_with_log();
    let out = release(
        &repo,
        &[
            "prepare",
            "--bump",
            "auto",
            "--date",
            "2026-07-20",
            "--breaking",
            "The `--legacy` flag is gone.",
            "--migration",
            "Use `--modern`.",
            "--env-added",
            "APP_MAIL=enables mail import",
            "--commit",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let log = std::fs::read_to_string(repo.path().join("CHANGELOG.md")).unwrap();
    assert!(
        log.contains("## [Unreleased]\n\n## [0.4.0] - 2026-07-20\n\n### Added\n\n- Mail import.\n"),
        "{log}"
    );
    assert!(
        log.contains("[Unreleased]: https://github.com/acme/app/compare/v0.4.0...HEAD\n"),
        "{log}"
    );
    assert!(
        log.contains("[0.4.0]: https://github.com/acme/app/compare/v0.3.0...v0.4.0\n"),
        "{log}"
    );
    let guide = std::fs::read_to_string(repo.path().join("docs/upgrading.md")).unwrap();
    assert!(
        guide.contains("0.4.0")
            && guide.contains("`--legacy` flag is gone")
            && guide.contains("APP_MAIL"),
        "{guide}"
    );
    assert_eq!(
        repo.git(&["log", "-1", "--format=%s"]),
        "docs: prepare release v0.4.0"
    );
    assert_eq!(
        repo.git(&["status", "--porcelain"]),
        "",
        "exactly the two files were committed"
    );
    let shown = text(&out);
    assert!(
        shown.contains("release tag 0.4.0 --execute") && !shown.contains("git commit"),
        "{shown}"
    );
}

#[test]
fn prepare_dry_run_writes_nothing_and_json_matches() {
    let repo = repo_with_log();
    let out = release(
        &repo,
        &[
            "--json",
            "prepare",
            "0.4.0",
            "--none",
            "--dry-run",
            "--date",
            "2026-07-20",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["version"], "0.4.0");
    assert_eq!(json["dry_run"], true);
    assert_eq!(json["files"].as_array().unwrap().len(), 2);
    assert!(json["files"][0]["diff"]
        .as_str()
        .unwrap()
        .contains("+## [0.4.0] - 2026-07-20"));
    assert_eq!(
        std::fs::read_to_string(repo.path().join("CHANGELOG.md")).unwrap(),
        LOG
    );
    assert_eq!(
        std::fs::read_to_string(repo.path().join("docs/upgrading.md")).unwrap(),
        GUIDE
    );
}

#[test]
fn prepare_refusals() {
    let repo = repo_with_log();
    // C5: notes are required.
    let out = release(&repo, &["prepare", "0.4.0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("C5"));
    // V5/V6: an existing or backwards version.
    let out = release(&repo, &["prepare", "0.3.0", "--none"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("V5"), "{}", text(&out));
    let out = release(&repo, &["prepare", "0.2.9", "--none"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("V6"), "{}", text(&out));
    // A candidate is not prepared.
    let out = release(&repo, &["prepare", "0.4.0-rc.1", "--none"]);
    assert_eq!(out.status.code(), Some(2));
    // Lint errors block; nothing is written.
    repo.write("CHANGELOG.md", &format!("{LOG}\n```\nunclosed fence\n"));
    let out = release(&repo, &["prepare", "0.4.0", "--none"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("lint error"), "{}", text(&out));
    assert_eq!(
        std::fs::read_to_string(repo.path().join("docs/upgrading.md")).unwrap(),
        GUIDE
    );
    // Empty Unreleased with --bump auto.
    repo.write(
        "CHANGELOG.md",
        "# Changelog\n\n## [Unreleased]\n\n## [0.3.0] - 2026-06-01\n\n- Old.\n",
    );
    let out = release(&repo, &["prepare", "--bump", "auto", "--none"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("C1"), "{}", text(&out));
}
