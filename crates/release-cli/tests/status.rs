//! `release status`: where the repository stands and the next step.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use release_testkit::git as support;

use std::process::{Command, Output};

use support::*;

fn status(repo: &TestRepo, args: &[&str]) -> (Output, serde_json::Value) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_release"));
    cmd.arg("--json")
        .arg("status")
        .args(args)
        .current_dir(repo.path());
    repo.env(&mut cmd);
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = serde_json::from_slice(&out.stdout).unwrap();
    (out, json)
}

const LOG: &str = "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- A feature.\n- Another.\n\n### Fixed\n\n- A fix.\n\n## [0.3.0] - 2026-06-01\n\n- Old.\n";

#[test]
fn status_walks_from_candidate_to_stable() {
    let repo = TestRepo::new();
    repo.write("CHANGELOG.md", LOG);
    repo.commit("changes");
    repo.git(&["tag", "-a", "-m", "0.3.0", "v0.3.0"]);
    let (_, json) = status(&repo, &[]);
    assert_eq!(json["newest_stable"], "0.3.0");
    assert_eq!(json["changelog"]["unreleased"], 3);
    assert_eq!(json["changelog"]["categories"]["Added"], 2);
    assert_eq!(json["changelog"]["suggested"], "0.4.0");
    // Prepare first, so the candidate and the stable tag share one commit.
    assert_eq!(json["next"]["procedure"], "rc");
    assert_eq!(
        json["next"]["command"],
        "release prepare 0.4.0 --none --commit"
    );
    assert_eq!(json["repository"]["branch"], "main");
    assert_eq!(json["repository"]["uncommitted"], 0);

    repo.write(
        "CHANGELOG.md",
        &LOG.replace(
            "## [Unreleased]\n",
            "## [Unreleased]\n\n## [0.4.0] - 2026-07-01\n",
        ),
    );
    repo.write("scratch.txt", "x");
    let (_, json) = status(&repo, &[]);
    assert_eq!(json["next"]["procedure"], "rc");
    assert_eq!(json["next"]["command"], "release rc tag 0.4.0 --execute");
    assert_eq!(json["repository"]["uncommitted"], 2);

    repo.git(&["tag", "-a", "-m", "rc", "v0.4.0-rc.1"]);
    let (_, json) = status(&repo, &[]);
    assert_eq!(json["newest_candidate"], "0.4.0-rc.1");
    assert_eq!(json["next"]["procedure"], "stable");
    assert_eq!(json["next"]["command"], "release tag 0.4.0 --execute");

    // A candidate cut before `prepare` (the old order): prepare next.
    repo.write("CHANGELOG.md", LOG);
    let (_, json) = status(&repo, &[]);
    assert_eq!(json["next"]["procedure"], "stable");
    assert_eq!(
        json["next"]["command"],
        "release prepare 0.4.0 --none --commit"
    );
}

#[test]
fn status_on_a_clone_without_tags_says_so_and_goes_on() {
    let repo = TestRepo::new();
    repo.write(
        "CHANGELOG.md",
        "# Changelog\n\n## [Unreleased]\n\n### Fixed\n\n- A fix.\n",
    );
    repo.commit("changes");
    repo.git(&["remote", "add", "origin", "https://example.invalid/x.git"]);
    let (_, json) = status(&repo, &[]);
    assert!(
        json["history_note"]
            .as_str()
            .unwrap()
            .contains("git fetch --tags"),
        "{json}"
    );
    assert_eq!(
        json["changelog"]["suggested"], "0.0.1",
        "first release from 0.0.0"
    );
    let (out, _) = status(&repo, &["--released", "v1.2.0"]);
    assert!(!out.stdout.is_empty());
    let (_, json) = status(&repo, &["--released", "v1.2.0"]);
    assert_eq!(json["changelog"]["suggested"], "1.2.1");
    assert_eq!(json["history_note"], serde_json::Value::Null);
}

#[test]
fn status_without_a_changelog_or_repository() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_release"))
        .arg("status")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("repository  none"), "{text}");
    assert!(text.contains("cannot read"), "{text}");
}
