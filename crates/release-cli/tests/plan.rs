//! `release plan`, `release version` and `release policy` run as a process.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests: a failure to set up is a failed test

use std::path::Path;
use std::process::{Command, Output};

const SHA: &str = "0123456789abcdef0123456789abcdef01234567";

fn release(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_release"));
    cmd.current_dir(dir)
        .args(args)
        .env_remove("GITHUB_OUTPUT")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_SERVER_URL")
        // No `origin` in these folders: the built-in policy derives the image and the labels
        // from the repository Actions names.
        .env("GITHUB_REPOSITORY", "Acme/App");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().expect("run release")
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn err(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn plan(dir: &Path, git_ref: &str, released: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "plan",
        "--ref",
        git_ref,
        "--sha",
        SHA,
        "--time",
        "2026-07-20T10:30:00Z",
    ];
    if !released.is_empty() {
        args.extend(["--released", released]);
    }
    args.extend(extra);
    release(dir, &args, &[])
}

#[test]
fn stable_text() {
    let dir = tempfile::tempdir().unwrap();
    let out = plan(dir.path(), "refs/tags/v0.4.0", "v0.3.0,v0.3.1", &[]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(text(&out));
}

#[test]
fn backport_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = plan(
        dir.path(),
        "refs/tags/v0.3.2",
        "v0.3.0,v0.3.1,v0.4.0",
        &[
            "--json",
            "--image",
            "ghcr.io/o/r",
            "--image",
            "docker.io/o/r",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["publish"], true);
    assert_eq!(
        json["tags"],
        serde_json::json!(["0.3.2", "0.3", "sha-0123456"])
    );
    assert_eq!(json["images"].as_array().unwrap().len(), 6);
    insta::assert_json_snapshot!(json);
}

#[test]
fn candidate_list_format() {
    let dir = tempfile::tempdir().unwrap();
    let out = plan(
        dir.path(),
        "refs/tags/v0.4.0-rc.2",
        "v0.4.0-rc.1",
        &["--format", "list", "--image", "ghcr.io/o/r"],
    );
    assert_eq!(
        text(&out),
        "ghcr.io/o/r:0.4.0-rc.2\nghcr.io/o/r:sha-0123456\n"
    );
}

#[test]
fn github_output_is_appended_with_a_random_delimiter() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("github_output");
    std::fs::write(&file, "earlier=kept\n").unwrap();
    let args = [
        "plan",
        "--ref",
        "refs/heads/main",
        "--sha",
        SHA,
        "--date",
        "2026-07-20",
        "--format",
        "github",
    ];
    let run = |envs: &[(&str, &str)]| release(dir.path(), &args, envs);
    let out = run(&[("GITHUB_OUTPUT", file.to_str().unwrap())]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out), "", "written to the file, not stdout");
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(
        written.starts_with("earlier=kept\n"),
        "appended, not replaced"
    );
    let delimiter = written
        .lines()
        .nth(1)
        .unwrap()
        .split_once("<<")
        .unwrap()
        .1
        .to_string();
    assert!(delimiter.starts_with("ghadelimiter_") && delimiter.len() > 20);
    // A second run picks another delimiter.
    let again = run(&[]);
    assert!(!text(&again).contains(&delimiter));
    insta::assert_snapshot!(written.replace(&delimiter, "<DELIM>"));
}

#[test]
fn invalid_release_tag_exits_2_naming_the_rule() {
    let dir = tempfile::tempdir().unwrap();
    let out = plan(dir.path(), "refs/tags/v1.2.3+build.7", "", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).is_empty(), "no partial plan");
    insta::assert_snapshot!(err(&out));
}

#[test]
fn github_actions_errors_become_annotations() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["plan", "--ref", "refs/tags/v1.2", "--sha", SHA];
    let out = release(dir.path(), &args, &[("GITHUB_ACTIONS", "true")]);
    assert_eq!(out.status.code(), Some(2));
    let stdout = text(&out);
    assert!(
        stdout.starts_with("::error::tag \"v1.2\" is not a release tag"),
        "{stdout}"
    );
}

#[test]
fn non_policy_event_is_an_empty_plan_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    let out = plan(
        dir.path(),
        "refs/pull/7/merge",
        "",
        &["--event", "pull_request", "--json"],
    );
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["publish"], false);
    assert_eq!(json["kind"], "none");
    assert_eq!(json["tags"], serde_json::json!([]));
    assert!(json["reason"].as_str().unwrap().contains("pull request"));
}

#[test]
fn abbreviated_sha_and_bad_time_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = release(
        dir.path(),
        &["plan", "--ref", "refs/heads/main", "--sha", "0123456"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(err(&out).contains("abbreviation"));
    let out = release(
        dir.path(),
        &[
            "plan",
            "--ref",
            "refs/heads/main",
            "--sha",
            SHA,
            "--date",
            "2026-13-01",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(err(&out).contains("2026-13-01"));
}

#[test]
fn released_file_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tags.txt");
    std::fs::write(&file, "v0.3.0\nv0.4.0\nnot-a-release\n\n").unwrap();
    let out = plan(
        dir.path(),
        "refs/tags/v0.3.1",
        "",
        &[
            "--released-file",
            file.to_str().unwrap(),
            "--format",
            "list",
            "--image",
            "i",
        ],
    );
    assert_eq!(text(&out), "i:0.3.1\ni:0.3\ni:sha-0123456\n");
    let missing = plan(
        dir.path(),
        "refs/tags/v0.3.1",
        "",
        &["--released-file", "/nonexistent/tags"],
    );
    assert_eq!(missing.status.code(), Some(3));
    assert!(err(&missing).contains("/nonexistent/tags"));

    let mut child = Command::new(env!("CARGO_BIN_EXE_release"))
        .current_dir(dir.path())
        .args([
            "plan",
            "--ref",
            "refs/tags/v0.3.1",
            "--sha",
            SHA,
            "--released-file",
            "-",
            "--format",
            "list",
            "--image",
            "i",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"v0.3.0 v0.3.2\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        text(&out),
        "i:0.3.1\ni:sha-0123456\n",
        "0.3.2 holds 0.3; 0.3.1 is an out-of-order patch"
    );
}

#[test]
fn version_next_and_check() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| release(dir.path(), args, &[]);
    let out = run(&[
        "version",
        "next",
        "--bump",
        "breaking",
        "--released",
        "v0.2.0,v0.2.1",
    ]);
    assert_eq!(text(&out), "0.3.0\n");
    let out = run(&[
        "version",
        "next",
        "--bump",
        "feature",
        "--released",
        "v1.2.0",
    ]);
    assert_eq!(text(&out), "1.3.0\n");
    let out = run(&[
        "version",
        "next",
        "--bump",
        "feature",
        "--candidate",
        "--released",
        "v1.2.0,v1.3.0-rc.1",
    ]);
    assert_eq!(text(&out), "1.3.0-rc.2\n");
    let out = run(&[
        "version",
        "next",
        "--bump",
        "fix",
        "--line",
        "0.3",
        "--released",
        "v0.3.1,v0.4.0",
    ]);
    assert_eq!(text(&out), "0.3.2\n");
    let out = run(&["version", "next", "--bump", "fix", "--released", ""]);
    assert_eq!(text(&out), "0.0.1\n", "nothing released yet");
    // Without --released the history comes from the repository's tags; there is none here,
    // which is an environment problem, not "nothing released".
    let out = run(&["version", "next", "--bump", "fix"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        err(&out).contains("not inside a git repository"),
        "{}",
        err(&out)
    );
    let out = run(&[
        "--json",
        "version",
        "next",
        "--bump",
        "minor",
        "--released",
        "v0.9.0",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["tag"], "v0.10.0");
    assert_eq!(json["from"], "0.9.0");

    let out = run(&["version", "check", "v0.3.1", "--released", "v0.3.0,v0.3.1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(err(&out).contains("V5"), "{}", err(&out));
    let out = run(&["version", "check", "v0.3.1", "--released", "v0.3.0,v0.3.2"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(err(&out).contains("V6"));
    let out = run(&["version", "check", "v0.4.0-rc.1", "--released", "v0.4.0"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(err(&out).contains("V7"));
    let out = run(&[
        "--json",
        "version",
        "check",
        "0.4.0",
        "--released",
        "v0.3.0",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["allowed"], true);
    let out = run(&["version", "check", "v1.2.3+meta"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(err(&out).contains("V3"));
    let out = run(&["version", "next", "--bump", "fix", "--line", "0.03"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn policy_file_is_found_upwards_and_validated() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("a/b");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::write(
        dir.path().join("release-policy.toml"),
        "[docker]\nsha_length = 10\nimages = [\"registry.example/app\"]\n",
    )
    .unwrap();
    let out = plan(&nested, "refs/heads/main", "", &["--format", "list"]);
    assert_eq!(
        text(&out),
        "registry.example/app:edge\nregistry.example/app:nightly-2026-07-20\nregistry.example/app:sha-0123456789\n"
    );
    let out = release(&nested, &["policy", "show"], &[]);
    assert!(text(&out).contains("sha_length = 10"));
    assert!(text(&out).contains("release-policy.toml"));

    std::fs::write(
        dir.path().join("release-policy.toml"),
        "[docker]\nsha_lenght = 10\n",
    )
    .unwrap();
    let out = release(&nested, &["policy", "check"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let e = err(&out);
    assert!(e.contains("sha_lenght") && e.contains("line 2"), "{e}");
    let out = plan(&nested, "refs/heads/main", "", &[]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a broken policy is never replaced by the default"
    );
}

#[test]
fn builtin_policy_shows_and_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let out = release(dir.path(), &["policy", "show"], &[]);
    assert_eq!(out.status.code(), Some(0));
    let shown = text(&out);
    assert!(shown.starts_with("# the built-in policy"));
    let file = dir.path().join("p.toml");
    std::fs::write(&file, &shown).unwrap();
    let out = release(
        dir.path(),
        &["policy", "check", file.to_str().unwrap()],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", err(&out));
}
