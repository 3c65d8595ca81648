//! `release ci`, the gate a release workflow calls: real git, real gpg, the local GitHub API.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use release_testkit::git as support;
#[allow(unused_imports)]
use release_testkit::registry as registry_support;

use std::process::{Command, Output};

use support::*;

const CHANGELOG: &str = "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- Candidate-only work.\n\n## [0.4.0] - 2026-07-20\n\n### Added\n\n- Mail import ([#12]).\n\n### Fixed\n\n- A crash.\n\n## [0.3.0] - 2026-06-01\n\n- Old.\n\n[#12]: https://github.com/acme/app/issues/12\n[Unreleased]: https://github.com/acme/app/compare/v0.4.0...HEAD\n[0.4.0]: https://github.com/acme/app/compare/v0.3.0...v0.4.0\n[0.3.0]: https://github.com/acme/app/releases/tag/v0.3.0\n";

struct Run {
    out: Output,
    github_output: String,
}

fn ci(repo: &TestRepo, args: &[&str], env: &[(&str, &str)]) -> Run {
    let file = repo.dir.path().join(".git/gh-output");
    let _ = std::fs::remove_file(&file);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_release"));
    cmd.arg("ci").args(args).current_dir(repo.path());
    repo.env(&mut cmd);
    cmd.env("GITHUB_OUTPUT", &file)
        .env("GITHUB_ACTIONS", "true")
        .env_remove("GITHUB_TOKEN");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    Run {
        out,
        github_output: std::fs::read_to_string(&file).unwrap_or_default(),
    }
}

fn release_in(repo: &TestRepo, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_release"));
    cmd.args(args).current_dir(repo.path());
    repo.env(&mut cmd);
    cmd.output().unwrap()
}

/// A repository whose changelog is prepared for 0.4.0, with v0.3.0 and a signed v0.4.0.
fn prepared() -> (TestRepo, String) {
    let repo = TestRepo::new();
    repo.write("CHANGELOG.md", CHANGELOG);
    repo.commit("docs: prepare release v0.3.0");
    repo.git(&["tag", "-a", "-m", "old release", "v0.3.0"]);
    let sha = repo.commit("docs: prepare release v0.4.0");
    let out = release_in(&repo, &["tag", "0.4.0", "--execute"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    (repo, sha)
}

#[test]
fn main_push_publishes_edge_without_reading_tags() {
    let repo = TestRepo::new();
    let sha = repo.head();
    let run = ci(
        &repo,
        &["--time", "2026-07-20T23:59:59Z"],
        &[
            ("GITHUB_REF", "refs/heads/main"),
            ("GITHUB_SHA", &sha),
            ("GITHUB_EVENT_NAME", "push"),
        ],
    );
    assert_eq!(run.out.status.code(), Some(0), "{}", text(&run.out));
    let f = &run.github_output;
    assert_eq!(github_output(f, "should_release").as_deref(), Some("true"));
    assert_eq!(github_output(f, "kind").as_deref(), Some("main"));
    let tags = github_output(f, "tags").unwrap();
    assert_eq!(tags, format!("edge\nnightly-2026-07-20\nsha-{}", &sha[..7]));
    assert_eq!(github_output(f, "is_prerelease").as_deref(), Some("false"));
    assert_eq!(github_output(f, "notes_file").as_deref(), Some(""));
}

#[test]
fn other_events_publish_nothing_with_outputs_still_set() {
    let repo = TestRepo::new();
    let sha = repo.head();
    for (event, git_ref) in [
        ("pull_request", "refs/pull/3/merge"),
        ("push", "refs/heads/feature"),
        ("schedule", "refs/heads/main"),
    ] {
        let run = ci(
            &repo,
            &[],
            &[
                ("GITHUB_REF", git_ref),
                ("GITHUB_SHA", &sha),
                ("GITHUB_EVENT_NAME", event),
            ],
        );
        assert_eq!(run.out.status.code(), Some(0), "{event}");
        assert_eq!(
            github_output(&run.github_output, "should_release").as_deref(),
            Some("false"),
            "{event}"
        );
        assert!(
            github_output(&run.github_output, "reason")
                .unwrap()
                .contains("T8"),
            "{event}"
        );
        assert_eq!(
            github_output(&run.github_output, "tags").as_deref(),
            Some("")
        );
    }
}

#[test]
fn signed_stable_tag_passes_with_plan_and_notes() {
    let (repo, sha) = prepared();
    let notes = repo.path().join("notes.md");
    let run = ci(
        &repo,
        &["--no-github", "--notes-file", notes.to_str().unwrap()],
        &[
            ("GITHUB_REF", "refs/tags/v0.4.0"),
            ("GITHUB_SHA", &sha),
            ("GITHUB_EVENT_NAME", "push"),
            // No `origin`: the built-in policy takes the identity from Actions' variables.
            ("GITHUB_REPOSITORY", "Acme/App"),
        ],
    );
    assert_eq!(run.out.status.code(), Some(0), "{}", text(&run.out));
    let f = &run.github_output;
    assert_eq!(github_output(f, "should_release").as_deref(), Some("true"));
    assert_eq!(github_output(f, "version").as_deref(), Some("0.4.0"));
    assert_eq!(
        github_output(f, "tags").unwrap(),
        format!("0.4.0\n0.4\n0\nlatest\nsha-{}", &sha[..7])
    );
    assert!(github_output(f, "images")
        .unwrap()
        .starts_with("ghcr.io/acme/app:0.4.0\n"));
    assert!(github_output(f, "labels")
        .unwrap()
        .contains("org.opencontainers.image.source=https://github.com/Acme/App\n"));
    assert!(github_output(f, "labels")
        .unwrap()
        .contains(&format!("org.opencontainers.image.revision={sha}")));
    assert_eq!(
        github_output(f, "notes_file").unwrap(),
        notes.to_str().unwrap()
    );
    let written = std::fs::read_to_string(&notes).unwrap();
    assert_eq!(written, "### Added\n\n- Mail import ([#12]).\n\n### Fixed\n\n- A crash.\n\n[#12]: https://github.com/acme/app/issues/12\n");
    assert!(!text(&run.out).contains("::error::"));
}

#[test]
fn tag_on_another_commit_is_refused() {
    let (repo, _) = prepared();
    let other = repo.commit("later work");
    let run = ci(
        &repo,
        &["--no-github"],
        &[
            ("GITHUB_REF", "refs/tags/v0.4.0"),
            ("GITHUB_SHA", &other),
            ("GITHUB_EVENT_NAME", "push"),
        ],
    );
    assert_eq!(run.out.status.code(), Some(1));
    let all = text(&run.out);
    assert!(
        all.contains("::error::tag v0.4.0 is refused: expected-commit"),
        "{all}"
    );
    assert_eq!(
        github_output(&run.github_output, "should_release").as_deref(),
        Some("false")
    );
    // Every output is written on every run (docs/github-output.md), also when refused.
    for name in [
        "kind",
        "version",
        "is_prerelease",
        "tags",
        "images",
        "labels",
        "reason",
        "notes_file",
    ] {
        assert!(
            github_output(&run.github_output, name).is_some(),
            "{name} missing:\n{}",
            run.github_output
        );
    }
    assert_eq!(
        github_output(&run.github_output, "kind").as_deref(),
        Some("none")
    );
}

#[test]
fn lightweight_and_malformed_tags() {
    let (repo, sha) = prepared();
    repo.git(&["tag", "v0.5.0"]);
    let run = ci(
        &repo,
        &["--no-github"],
        &[
            ("GITHUB_REF", "refs/tags/v0.5.0"),
            ("GITHUB_SHA", &sha),
            ("GITHUB_EVENT_NAME", "push"),
        ],
    );
    assert_eq!(run.out.status.code(), Some(1));
    assert!(text(&run.out).contains("annotated"), "{}", text(&run.out));
    let run = ci(
        &repo,
        &["--no-github"],
        &[
            ("GITHUB_REF", "refs/tags/v0.5.0+build.1"),
            ("GITHUB_SHA", &sha),
            ("GITHUB_EVENT_NAME", "push"),
        ],
    );
    assert_eq!(run.out.status.code(), Some(2), "T9");
    assert!(text(&run.out).contains("::error::tag \"v0.5.0+build.1\" is not a release tag"));
}

#[test]
fn stable_tag_without_changelog_section_is_refused() {
    let repo = TestRepo::new();
    repo.write(
        "CHANGELOG.md",
        "# Changelog\n\n## [Unreleased]\n\n- Work.\n",
    );
    let sha = repo.commit("work");
    // `release tag` refuses it up front (what CI would refuse, before the push)…
    let out = release_in(&repo, &["tag", "1.0.0", "--execute", "--released", ""]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("would be refused by `release ci`"),
        "{}",
        text(&out)
    );
    assert_eq!(repo.git(&["tag", "-l"]), "");
    // …and a tag made by hand is refused by CI.
    let p = format!(
        "object {sha}\ntype commit\ntag v1.0.0\ntagger {ALICE} 1700000000 +0000\n\nRelease v1.0.0\n"
    );
    let sig = gpg_sign(&keys().alice, p.as_bytes());
    repo.raw_tag("v1.0.0", format!("{p}{sig}").as_bytes());
    let run = ci(
        &repo,
        &["--no-github"],
        &[
            ("GITHUB_REF", "refs/tags/v1.0.0"),
            ("GITHUB_SHA", &sha),
            ("GITHUB_EVENT_NAME", "push"),
        ],
    );
    assert_eq!(run.out.status.code(), Some(1));
    assert!(
        text(&run.out).contains("release prepare 1.0.0"),
        "{}",
        text(&run.out)
    );
}

#[test]
fn unsigned_candidate_warns_and_takes_unreleased_notes() {
    let (repo, _) = prepared();
    let sha = repo.commit("rc work");
    repo.git(&["tag", "-a", "-m", "candidate", "v0.5.0-rc.1"]);
    let notes = repo.path().join("rc-notes.md");
    let run = ci(
        &repo,
        &["--no-github", "--notes-file", notes.to_str().unwrap()],
        &[
            ("GITHUB_REF", "refs/tags/v0.5.0-rc.1"),
            ("GITHUB_SHA", &sha),
            ("GITHUB_EVENT_NAME", "push"),
        ],
    );
    assert_eq!(run.out.status.code(), Some(0), "{}", text(&run.out));
    assert!(
        text(&run.out).contains("::warning::"),
        "G3: {}",
        text(&run.out)
    );
    let f = &run.github_output;
    assert_eq!(github_output(f, "is_prerelease").as_deref(), Some("true"));
    assert_eq!(
        github_output(f, "tags").unwrap(),
        format!("0.5.0-rc.1\nsha-{}", &sha[..7])
    );
    assert_eq!(
        std::fs::read_to_string(&notes).unwrap(),
        "### Added\n\n- Candidate-only work.\n"
    );
}

#[test]
fn a_version_with_a_github_release_is_refused() {
    let (repo, sha) = prepared();
    let gh = registry_support::FakeGitHub::start("acme/app", "t0ken", 30);
    let api = gh.api_base();
    let args = ["--github-repo", "acme/app", "--github-api", api.as_str()];
    let env = [
        ("GITHUB_REF", "refs/tags/v0.4.0"),
        ("GITHUB_SHA", sha.as_str()),
        ("GITHUB_EVENT_NAME", "push"),
        ("GITHUB_TOKEN", "t0ken"),
    ];
    let run = ci(&repo, &args, &env);
    assert_eq!(
        run.out.status.code(),
        Some(0),
        "no release yet: {}",
        text(&run.out)
    );
    gh.add_release("v0.4.0", "notes", &[]);
    let run = ci(&repo, &args, &env);
    assert_eq!(run.out.status.code(), Some(1));
    let all = text(&run.out);
    assert!(
        all.contains("already has a GitHub Release") && all.contains("(V5)"),
        "{all}"
    );
    assert!(!all.contains("t0ken"), "the token never shows");
}

#[test]
fn fetch_tag_replaces_a_lightweight_checkout_ref() {
    let (origin, sha) = prepared();
    let clone = tempfile::Builder::new()
        .prefix("rgc-")
        .tempdir_in("/tmp")
        .unwrap();
    let dest = clone.path().join("work");
    origin.git(&[
        "clone",
        "-q",
        origin.path().to_str().unwrap(),
        dest.to_str().unwrap(),
    ]);
    let work = TestRepo {
        dir: tempfile::Builder::new()
            .prefix("rgw-")
            .tempdir_in("/tmp")
            .unwrap(),
    };
    // Move the clone into a TestRepo so it gets the isolated environment.
    std::fs::remove_dir_all(work.path()).unwrap();
    std::fs::rename(&dest, work.path()).unwrap();
    // What actions/checkout leaves behind: a lightweight ref where the annotated tag was.
    work.git(&["tag", "-d", "v0.4.0"]);
    work.git(&["tag", "v0.4.0", &sha]);
    let env = [
        ("GITHUB_REF", "refs/tags/v0.4.0"),
        ("GITHUB_SHA", sha.as_str()),
        ("GITHUB_EVENT_NAME", "push"),
    ];
    let run = ci(&work, &["--no-github"], &env);
    assert_eq!(
        run.out.status.code(),
        Some(1),
        "lightweight: {}",
        text(&run.out)
    );
    let run = ci(&work, &["--no-github", "--fetch-tag"], &env);
    assert_eq!(run.out.status.code(), Some(0), "{}", text(&run.out));
}

#[test]
fn json_report_lists_the_gate_checks() {
    let (repo, sha) = prepared();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_release"));
    cmd.args([
        "--json",
        "ci",
        "--no-github",
        "--ref",
        "refs/tags/v0.4.0",
        "--sha",
        &sha,
    ])
    .current_dir(repo.path());
    repo.env(&mut cmd);
    cmd.env_remove("GITHUB_OUTPUT");
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["should_release"], true);
    assert_eq!(json["verification"]["ok"], true);
    assert_eq!(json["plan"]["version"], "0.4.0");
    assert_eq!(json["github_release"], "not checked");
}
