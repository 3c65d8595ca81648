//! `release check` end to end (issue 17): the policy's check commands run on real git
//! repositories (passing, failing, hanging, printing a lot), their records as git notes
//! (across commits, dirty trees and clones), the tests gate of `release tag` with
//! `--skip-checks`, and the signing setup check with real gpg keys.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use release_testkit::git as git_support;
use release_testkit::git::text;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use git_support::{keys, policy_toml, TestRepo};
use serde_json::Value;

fn release_at(dir: &Path, repo: &TestRepo, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_release"));
    cmd.args(args).current_dir(dir).stdin(Stdio::null());
    repo.env(&mut cmd);
    cmd.env("GITHUB_REPOSITORY", "acme/app");
    cmd.output().unwrap()
}

fn release(repo: &TestRepo, args: &[&str]) -> Output {
    release_at(repo.path(), repo, args)
}

#[track_caller]
fn exit(o: &Output, want: i32) -> String {
    assert_eq!(o.status.code(), Some(want), "{}", text(o));
    text(o)
}

#[track_caller]
fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(o)))
}

/// A RustShare-like repository: the test policy's signing section, a `[checks]` section with
/// `checks` (TOML lines), scripts under `scripts/`, and the changelog prepared for 0.4.0.
fn repo_with(checks: &str, scripts: &[(&str, &str)]) -> TestRepo {
    let repo = TestRepo::with_changelog(&["0.4.0"]);
    repo.write(
        "release-policy.toml",
        &format!("{}\n[checks]\n{checks}", policy_toml(keys())),
    );
    for (name, body) in scripts {
        let path = format!("scripts/{name}");
        repo.write(&path, &format!("#!/bin/sh\n{body}\n"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(
                repo.path().join(&path),
                std::fs::Permissions::from_mode(0o755),
            )
            .unwrap();
        }
    }
    repo.write(".gitignore", "frontend/out/\n");
    repo.write("frontend/run-tests.sh", "echo frontend ok\n");
    repo.commit("chore: checks");
    repo
}

const RUSTSHARE_CHECKS: &str = "test_commands = [\"./scripts/unit.sh --workspace\", \"cd frontend && sh run-tests.sh\"]\nsmoke_command = \"./scripts/smoke.sh\"\n";

fn rustshare_like() -> TestRepo {
    repo_with(
        RUSTSHARE_CHECKS,
        &[
            ("unit.sh", "echo \"unit tests $1\""),
            ("smoke.sh", "echo smoke ok"),
        ],
    )
}

fn note(repo: &TestRepo) -> Value {
    let out = repo.git(&["notes", "--ref", "release-checks", "show", "HEAD"]);
    serde_json::from_str(&out).unwrap()
}

fn record<'a>(note: &'a Value, check: &str) -> &'a Value {
    note["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["check"] == check)
        .unwrap_or_else(|| panic!("no {check} record in {note}"))
}

/// The state and detail of the `tests` step of `release checklist stable 0.4.0 --check`.
fn tests_step(repo: &TestRepo, dir: &Path) -> (String, String) {
    let out = release_at(
        dir,
        repo,
        &[
            "--json",
            "checklist",
            "stable",
            "0.4.0",
            "--check",
            "--offline",
        ],
    );
    let j = json(&out);
    let step = j["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "tests")
        .unwrap_or_else(|| panic!("no tests step in {j}"))
        .clone();
    (
        step["result"]["state"].as_str().unwrap().to_string(),
        step["result"]["detail"].as_str().unwrap().to_string(),
    )
}

#[test]
fn a_passing_run_lets_the_stable_tag_through_until_the_next_commit() {
    let repo = rustshare_like();
    // Today's `release tag` tags a commit whose tests never ran.
    let refused = exit(&release(&repo, &["tag", "0.4.0", "--execute"]), 1);
    assert!(
        refused.contains("needs passing tests on HEAD") && refused.contains("(P2)"),
        "{refused}"
    );
    assert!(
        refused.contains("release check tests --execute"),
        "{refused}"
    );
    assert!(repo.git(&["tag", "-l"]).is_empty());

    // The dry run shows how each command runs: argv, or sh -c with the reason.
    let dry = exit(&release(&repo, &["check", "tests"]), 0);
    assert!(dry.contains("\n  ./scripts/unit.sh --workspace\n"), "{dry}");
    assert!(
        dry.contains("sh -c 'cd frontend && sh run-tests.sh'   (runs under sh -c: it uses shell syntax: `&`)"),
        "{dry}"
    );
    let run = exit(&release(&repo, &["check", "tests", "--execute"]), 0);
    // The output of the commands streams through.
    assert!(run.contains("unit tests --workspace"), "{run}");
    assert!(run.contains("frontend ok"), "{run}");
    assert!(
        run.contains("recorded in refs/notes/release-checks"),
        "{run}"
    );
    let head = repo.head();
    let n = note(&repo);
    let r = record(&n, "tests");
    assert_eq!(r["result"], "pass");
    assert_eq!(r["commit"], head.as_str());
    assert_eq!(r["tree_clean"], true);
    assert_eq!(r["commands"][1], "cd frontend && sh run-tests.sh");
    assert!(r["started"].as_str().unwrap().ends_with('Z'));
    assert!(r["tool"].as_str().unwrap().starts_with("release "));

    // The record ticks the step and shows in status.
    let (state, detail) = tests_step(&repo, repo.path());
    assert_eq!(state, "pass", "{detail}");
    assert!(
        detail.starts_with(&format!("tests passed on {} at ", &head[..12])),
        "{detail}"
    );
    let status = exit(&release(&repo, &["status"]), 0);
    assert!(
        status.contains(&format!("checks      tests passed on {}", &head[..12])),
        "{status}"
    );
    assert!(
        status.contains("checks      no smoke record for HEAD"),
        "{status}"
    );

    // A new commit: the record no longer counts, the tag is refused until the tests run again.
    repo.write("src/lib.rs", "// a change\n");
    repo.commit("fix: a change");
    let refused = exit(&release(&repo, &["tag", "0.4.0", "--execute"]), 1);
    assert!(refused.contains("no tests record for HEAD"), "{refused}");
    let (state, _) = tests_step(&repo, repo.path());
    assert_eq!(state, "fail");
    exit(&release(&repo, &["check", "tests", "--execute"]), 0);
    let created = exit(&release(&repo, &["tag", "0.4.0", "--execute"]), 0);
    assert!(created.contains("tests: tests passed on"), "{created}");
    assert!(created.contains("created v0.4.0"), "{created}");
    let message = repo.git(&["tag", "-l", "--format=%(contents:subject)", "v0.4.0"]);
    assert_eq!(message, "Release v0.4.0");
}

#[test]
fn skip_checks_overrides_and_goes_into_the_tag_message() {
    let repo = rustshare_like();
    let bad = exit(
        &release(&repo, &["tag", "0.4.0", "--execute", "--skip-checks", " "]),
        2,
    );
    assert!(bad.contains("--skip-checks needs a reason"), "{bad}");
    let out = exit(
        &release(
            &repo,
            &[
                "tag",
                "0.4.0",
                "--execute",
                "--skip-checks",
                "CI ran the suite on this commit",
            ],
        ),
        0,
    );
    assert!(
        out.contains("warning: tagging without a passing tests record"),
        "{out}"
    );
    let body = repo.git(&["cat-file", "tag", "v0.4.0"]);
    assert!(
        body.contains("Release v0.4.0\n\nChecks skipped: CI ran the suite on this commit\n"),
        "{body}"
    );
    // The signed tag still passes the gate with the longer message.
    exit(&release(&repo, &["verify-tag", "v0.4.0"]), 0);
}

#[test]
fn a_failing_command_is_recorded_as_a_failure_and_stops_the_run() {
    let repo = repo_with(
        "test_commands = [\"./scripts/fail.sh\", \"./scripts/never.sh\"]\n",
        &[
            ("fail.sh", "echo failing test >&2; exit 3"),
            ("never.sh", "echo SHOULD-NOT-RUN"),
        ],
    );
    let out = exit(&release(&repo, &["check", "tests", "--execute"]), 1);
    assert!(out.contains("failing test"), "{out}");
    assert!(out.contains("`./scripts/fail.sh` exited 3"), "{out}");
    assert!(!out.contains("SHOULD-NOT-RUN"), "{out}");
    let n = note(&repo);
    let r = record(&n, "tests");
    assert_eq!(r["result"], "fail");
    assert_eq!(r["failed_command"], "./scripts/fail.sh");
    assert_eq!(r["exit_code"], 3);
    let (state, detail) = tests_step(&repo, repo.path());
    assert_eq!(state, "fail");
    assert!(detail.contains("`./scripts/fail.sh` exited 3"), "{detail}");
    let refused = exit(&release(&repo, &["tag", "0.4.0", "--execute"]), 1);
    assert!(refused.contains("tests failed on"), "{refused}");
    // A policy that does not require tests lets the tag through (the switch).
    let repo = repo_with(
        "test_commands = [\"./scripts/fail.sh\"]\nrequire_tests = false\n",
        &[("fail.sh", "exit 1")],
    );
    exit(&release(&repo, &["tag", "0.4.0", "--execute"]), 0);
}

fn process_alive(pid: &str) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
        && std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|s| !s.contains(") Z "))
            .unwrap_or(false)
}

#[test]
fn a_hanging_command_is_stopped_at_the_timeout_with_everything_it_started() {
    let scratch = tempfile::Builder::new()
        .prefix("rck-")
        .tempdir_in("/tmp")
        .unwrap();
    let pid_file = scratch.path().join("child.pid");
    let repo = repo_with(
        "test_commands = [\"./scripts/hang.sh\"]\ntimeout_seconds = 2\n",
        &[(
            "hang.sh",
            &format!(
                "sleep 300 &\necho $! > {}\necho started\nwait",
                pid_file.display()
            ),
        )],
    );
    let started = Instant::now();
    let out = exit(&release(&repo, &["check", "tests", "--execute"]), 1);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(20), "took {took:?}");
    assert!(took >= Duration::from_secs(2), "took {took:?}");
    assert!(out.contains("started"), "{out}");
    assert!(out.contains("timed out after 2 s and was stopped"), "{out}");
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    let pid = pid.trim();
    let gone = (0..50).any(|_| {
        let alive = process_alive(pid);
        if alive {
            std::thread::sleep(Duration::from_millis(100));
        }
        !alive
    });
    assert!(gone, "the background sleep {pid} outlived the timeout");
    let n = note(&repo);
    assert_eq!(record(&n, "tests")["result"], "timeout");
    let (_, detail) = tests_step(&repo, repo.path());
    assert!(detail.contains("timed out"), "{detail}");
    // --timeout overrides the policy.
    let out = exit(
        &release(&repo, &["check", "tests", "--execute", "--timeout", "1"]),
        1,
    );
    assert!(out.contains("timed out after 1 s"), "{out}");
}

#[test]
fn a_command_that_prints_a_lot_streams_through() {
    let repo = repo_with("test_commands = [\"seq 1 400000\"]\n", &[]);
    let out = release(&repo, &["check", "tests", "--execute"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.stdout.len() > 2_600_000, "{} bytes", out.stdout.len());
    assert!(stdout.contains("\n399999\n400000\n"));
    assert_eq!(record(&note(&repo), "tests")["result"], "pass");
    // With --json the commands' output goes to stderr and stdout stays one JSON document.
    let out = release(&repo, &["--json", "check", "tests", "--execute"]);
    let j = json(&out);
    assert_eq!(j["result"], "pass");
    assert_eq!(j["recorded"], true);
    assert!(out.stderr.len() > 2_600_000);
}

#[test]
fn records_do_not_count_on_a_dirty_tree_and_travel_with_the_notes_ref() {
    let repo = rustshare_like();
    // A dirty tree: the run happens, nothing is recorded.
    repo.write("scratch.txt", "wip\n");
    let out = exit(&release(&repo, &["check", "tests", "--execute"]), 1);
    assert!(
        out.contains("NOT recorded: the working tree was dirty (scratch.txt)"),
        "{out}"
    );
    assert!(!repo
        .git_output(&["notes", "--ref", "release-checks", "show", "HEAD"])
        .status
        .success());
    std::fs::remove_file(repo.path().join("scratch.txt")).unwrap();
    exit(&release(&repo, &["check", "tests", "--execute"]), 0);
    exit(&release(&repo, &["check", "smoke", "--execute"]), 0);
    // Both records live in one note.
    let n = note(&repo);
    assert_eq!(record(&n, "tests")["result"], "pass");
    assert_eq!(record(&n, "smoke")["result"], "pass");
    // An edit after the run: the record does not count while the tree is dirty.
    repo.write("README.md", "edited\n");
    let (state, detail) = tests_step(&repo, repo.path());
    assert_eq!(state, "fail");
    assert!(
        detail.contains("uncommitted changes (README.md)"),
        "{detail}"
    );
    repo.git(&["checkout", "--", "README.md"]);
    assert_eq!(tests_step(&repo, repo.path()).0, "pass");

    // A clone has no record until it fetches the notes ref.
    let clone_dir = tempfile::Builder::new()
        .prefix("rck-")
        .tempdir_in("/tmp")
        .unwrap();
    let clone = clone_dir.path().join("clone");
    let path = repo.path().to_str().unwrap().to_string();
    repo.git(&["clone", "-q", &path, clone.to_str().unwrap()]);
    let (state, detail) = tests_step(&repo, &clone);
    assert_eq!(state, "fail");
    assert!(detail.contains("no tests record for HEAD"), "{detail}");
    let mut fetch = Command::new("git");
    fetch.arg("-C").arg(&clone).args([
        "fetch",
        "-q",
        "origin",
        "refs/notes/release-checks:refs/notes/release-checks",
    ]);
    repo.env(&mut fetch);
    assert!(fetch.status().unwrap().success());
    let (state, detail) = tests_step(&repo, &clone);
    assert_eq!(state, "pass", "{detail}");
}

#[test]
fn preflight_reads_the_record() {
    let repo = rustshare_like();
    let out = release(&repo, &["--json", "preflight", "0.4.0", "--released", ""]);
    let j = json(&out);
    let item = j["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "tests")
        .unwrap_or_else(|| panic!("no tests item in {j}"))
        .clone();
    assert_eq!(item["state"], "fail");
    assert!(j["failing"]
        .as_array()
        .unwrap()
        .contains(&Value::from("tests")));
    exit(&release(&repo, &["check", "tests", "--execute"]), 0);
    let j = json(&release(
        &repo,
        &["--json", "preflight", "0.4.0", "--released", ""],
    ));
    let item = j["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "tests")
        .unwrap()
        .clone();
    assert_eq!(item["state"], "pass", "{item}");
    assert!(!j["failing"]
        .as_array()
        .unwrap()
        .contains(&Value::from("tests")));
}

/// The signing-setup item of `release preflight 0.4.0` and the exit code of `release check
/// signing`.
fn signing_item(repo: &TestRepo) -> (String, String) {
    let j = json(&release(
        repo,
        &["--json", "preflight", "0.4.0", "--released", ""],
    ));
    let item = j["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "signing-setup")
        .unwrap_or_else(|| panic!("no signing-setup item in {j}"))
        .clone();
    (
        item["state"].as_str().unwrap().to_string(),
        item["detail"].as_str().unwrap().to_string(),
    )
}

#[test]
fn preflight_names_signing_key_problems_with_what_to_do() {
    let k = keys();
    let repo = TestRepo::with_changelog(&["0.4.0"]);
    // A trusted, usable key.
    let (state, detail) = signing_item(&repo);
    assert_eq!(state, "pass", "{detail}");
    assert!(detail.contains(&k.alice), "{detail}");
    assert!(
        detail.contains("git config --global tag.gpgSign true"),
        "{detail}"
    );
    let out = exit(&release(&repo, &["check", "signing"]), 0);
    assert!(out.contains("pass  usable"), "{out}");
    repo.git(&["config", "tag.gpgSign", "true"]);
    let (_, detail) = signing_item(&repo);
    assert!(!detail.contains("advice"), "{detail}");

    // An untrusted key: mallory is not in the trusted file.
    repo.git(&["config", "user.signingkey", &k.mallory]);
    let (state, detail) = signing_item(&repo);
    assert_eq!(state, "fail");
    assert!(detail.contains("trust root does not accept it"), "{detail}");
    assert!(
        detail.contains(&format!("gpg --armor --export {}", k.mallory)),
        "{detail}"
    );
    let out = exit(&release(&repo, &["check", "signing"]), 1);
    assert!(out.contains("FAIL  trusted"), "{out}");
    // A key gpg cannot use: eve's key has expired.
    repo.git(&["config", "user.signingkey", &k.eve]);
    let (state, detail) = signing_item(&repo);
    assert_eq!(state, "fail");
    assert!(
        detail.contains(&format!("cannot sign with user.signingkey {}", k.eve)),
        "{detail}"
    );
    assert!(detail.contains("gpg --list-secret-keys"), "{detail}");
    // No signing key: user.signingkey unset and no secret key for the identity.
    repo.git(&["config", "--unset", "user.signingkey"]);
    repo.git(&["config", "user.email", "nobody@example.org"]);
    let (state, detail) = signing_item(&repo);
    assert_eq!(state, "fail");
    assert!(
        detail.contains("no signing key: user.signingkey is not set"),
        "{detail}"
    );
    assert!(detail.contains("gpg --quick-gen-key"), "{detail}");
    // SSH signing with a key the allowed-signers file does not list.
    repo.git(&["config", "user.email", "alice@example.org"]);
    repo.git(&["config", "gpg.format", "ssh"]);
    repo.git(&["config", "user.signingkey", k.ssh_mallory.to_str().unwrap()]);
    let (state, detail) = signing_item(&repo);
    assert_eq!(state, "fail");
    assert!(detail.contains("trust root does not accept it"), "{detail}");
    assert!(detail.contains(".github/allowed_signers"), "{detail}");
    // Nothing was written to the repository by the test signatures.
    assert!(repo.git(&["tag", "-l"]).is_empty());
    assert!(repo
        .git(&["fsck", "--dangling", "--no-progress"])
        .lines()
        .all(|l| !l.contains("dangling tag")));
}

#[test]
fn a_check_without_commands_runs_nothing_and_requires_nothing() {
    // The test repository has no project files: no test command is derived.
    let repo = TestRepo::with_changelog(&["0.4.0"]);
    let out = exit(&release(&repo, &["check", "tests", "--execute"]), 0);
    assert!(
        out.contains("names no tests command (checks.test_commands): nothing to run"),
        "{out}"
    );
    assert!(!repo
        .git_output(&["notes", "--ref", "release-checks", "list"])
        .stdout
        .iter()
        .any(|b| !b.is_ascii_whitespace()));
    let (state, detail) = tests_step(&repo, repo.path());
    assert_eq!(state, "not-applicable", "{detail}");
    exit(&release(&repo, &["tag", "0.4.0", "--execute"]), 0);
    // A command string that cannot run is bad input.
    let repo = repo_with("smoke_command = \"a\\u0007b\"\n", &[]);
    let out = exit(&release(&repo, &["check", "smoke"]), 2);
    assert!(out.contains("checks.smoke_command"), "{out}");
}
