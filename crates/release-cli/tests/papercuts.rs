//! What a new user hit following the README and the procedures (issue 15): each case runs the
//! real binary against real git and gpg in an isolated repository.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use release_testkit::git as support;

use std::process::{Command, Output};

use support::*;

fn release_env(repo: &TestRepo, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_release"));
    cmd.args(args).current_dir(repo.path());
    repo.env(&mut cmd);
    cmd.env_remove("RUNNER_TEMP").env_remove("GITHUB_OUTPUT");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn release(repo: &TestRepo, args: &[&str]) -> Output {
    release_env(repo, args, &[])
}

fn all(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[track_caller]
fn ok(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(0), "{}", all(o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn message(repo: &TestRepo, tag: &str) -> String {
    repo.git(&[
        "for-each-ref",
        "--format=%(contents:subject)",
        &format!("refs/tags/{tag}"),
    ])
}

const PREPARED: &str = "# Changelog\n\n## [Unreleased]\n\n## [0.4.0] - 2026-07-01\n\n### Added\n\n- A feature.\n\n## [0.3.0] - 2026-06-01\n\n### Added\n\n- Old.\n";

#[test]
fn default_tag_messages_are_the_policy_documents() {
    let repo = TestRepo::with_changelog(&["0.4.2", "0.4.1", "0.4.0"]);
    ok(&release(&repo, &["rc", "tag", "0.4.0", "--execute"]));
    assert_eq!(
        message(&repo, "v0.4.0-rc.1"),
        "Release candidate 0.4.0-rc.1"
    );
    ok(&release(&repo, &["tag", "0.4.0", "--execute"]));
    assert_eq!(message(&repo, "v0.4.0"), "Release v0.4.0");
    ok(&release(&repo, &["hotfix", "start", "--execute"]));
    repo.git(&["switch", "-q", "hotfix/v0.4.1"]);
    repo.write("fix.txt", "fix\n");
    repo.commit("fix: the minimal fix");
    ok(&release(&repo, &["tag", "0.4.1", "--execute"]));
    assert_eq!(message(&repo, "v0.4.1"), "Hotfix v0.4.1");
    // A patch release from main is not a hotfix.
    repo.git(&["switch", "-q", "main"]);
    repo.write("more.txt", "more\n");
    repo.commit("fix: on main");
    ok(&release(&repo, &["tag", "0.4.2", "--execute"]));
    assert_eq!(message(&repo, "v0.4.2"), "Release v0.4.2");
}

#[test]
fn identity_and_signing_key_from_a_git_config_global_file() {
    let repo = TestRepo::with_changelog(&[]);
    let keys = keys();
    for key in ["user.name", "user.email", "user.signingkey"] {
        repo.git(&["config", "--unset", key]);
    }
    let dir = tempfile::tempdir().unwrap();
    let global = dir.path().join("my-gitconfig");
    std::fs::write(
        &global,
        format!(
            "[user]\n\tname = Alice Global\n\temail = alice@example.org\n\tsigningkey = {}\n",
            keys.alice
        ),
    )
    .unwrap();
    let global = global.to_str().unwrap();
    // git itself sees them.
    let mut git = Command::new("git");
    git.args(["config", "user.name"]).current_dir(repo.path());
    repo.env(&mut git);
    git.env("GIT_CONFIG_GLOBAL", global);
    assert_eq!(
        String::from_utf8_lossy(&git.output().unwrap().stdout).trim(),
        "Alice Global"
    );
    let out = release_env(
        &repo,
        &["rc", "tag", "0.4.0", "--execute"],
        &[("GIT_CONFIG_GLOBAL", global)],
    );
    let text = ok(&out);
    assert!(text.contains("openpgp signature verified"), "{text}");
    let tagger = repo.git(&[
        "for-each-ref",
        "--format=%(taggername) %(taggeremail)",
        "refs/tags/v0.4.0-rc.1",
    ]);
    assert_eq!(tagger, "Alice Global <alice@example.org>");
    // Without the file the identity is missing, and the error says so.
    let out = release_env(
        &repo,
        &["rc", "tag", "0.4.0", "--execute"],
        &[("GIT_CONFIG_GLOBAL", "/dev/null")],
    );
    assert_eq!(out.status.code(), Some(3), "{}", all(&out));
    assert!(
        all(&out).contains("user.name and user.email must be set"),
        "{}",
        all(&out)
    );
}

#[test]
fn ci_default_notes_never_make_the_next_tag_refuse() {
    let repo = TestRepo::new();
    repo.write("CHANGELOG.md", PREPARED);
    let sha = repo.commit("docs: prepare release v0.4.0");
    ok(&release(&repo, &["rc", "tag", "0.4.0", "--execute"]));
    let env = [
        ("GITHUB_REF", "refs/tags/v0.4.0-rc.1"),
        ("GITHUB_SHA", sha.as_str()),
    ];
    let out = ok(&release_env(&repo, &["ci", "--no-github"], &env));
    let notes = repo.path().join(".git/release-notes.md");
    assert!(
        out.contains(&format!("notes: {}", notes.display())),
        "{out}"
    );
    assert!(std::fs::read_to_string(&notes)
        .unwrap()
        .contains("A feature."));
    assert_eq!(repo.git(&["status", "--porcelain"]), "");
    ok(&release(&repo, &["tag", "0.4.0", "--execute"]));
    // Under Actions: the runner's temporary folder.
    let runner = tempfile::tempdir().unwrap();
    let mut env = env.to_vec();
    env.push(("RUNNER_TEMP", runner.path().to_str().unwrap()));
    env[0] = ("GITHUB_REF", "refs/tags/v0.4.0");
    let out = ok(&release_env(&repo, &["--json", "ci", "--no-github"], &env));
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let written = runner.path().join("release-notes.md");
    assert_eq!(json["notes_file"], written.to_str().unwrap());
    assert!(std::fs::read_to_string(&written)
        .unwrap()
        .contains("A feature."));
}

#[test]
fn hotfix_checklist_without_a_smoke_command_has_no_empty_block() {
    let repo = TestRepo::new();
    let policy = std::fs::read_to_string(repo.path().join("release-policy.toml")).unwrap();
    repo.write(
        "release-policy.toml",
        &format!("{policy}\n[checks]\nsmoke_command = \"\"\nrestore_drill_command = \"\"\n"),
    );
    repo.commit("no smoke test");
    let md = ok(&release(&repo, &["checklist", "hotfix", "0.3.2"]));
    assert!(!md.contains("```sh\n  ```"), "{md}");
    let tests = md
        .split("**tests**")
        .nth(1)
        .and_then(|rest| rest.split("- [ ]").next())
        .unwrap();
    assert!(!tests.contains("```"), "{tests}");
    let json: serde_json::Value = serde_json::from_str(&ok(&release(
        &repo,
        &["checklist", "hotfix", "0.3.2", "--format", "json"],
    )))
    .unwrap();
    for step in json["steps"].as_array().unwrap() {
        for c in step["commands"].as_array().unwrap() {
            assert!(!c.as_str().unwrap().trim().is_empty(), "{step}");
        }
    }
}

#[test]
fn status_in_a_shallow_clone_says_the_history_is_incomplete() {
    let repo = TestRepo::new();
    repo.write("CHANGELOG.md", PREPARED);
    repo.commit("docs: prepare release v0.4.0");
    repo.git(&["tag", "-a", "-m", "Release v0.4.0", "v0.4.0"]);
    repo.commit("more work");
    let clone = tempfile::Builder::new()
        .prefix("rgs-")
        .tempdir_in("/tmp")
        .unwrap();
    let mut c = Command::new("git");
    c.args(["clone", "-q", "--depth=1"])
        .arg(format!("file://{}", repo.path().display()))
        .arg(clone.path());
    repo.env(&mut c);
    assert!(c.status().unwrap().success());
    let mut r = Command::new(env!("CARGO_BIN_EXE_release"));
    r.arg("status").current_dir(clone.path());
    repo.env(&mut r);
    let text = ok(&r.output().unwrap());
    assert!(!text.contains("release tag 0.4.0"), "{text}");
    assert!(text.contains("history is incomplete"), "{text}");
    assert!(text.contains("git fetch --tags --unshallow"), "{text}");
}

#[test]
fn status_order_keeps_the_candidate_and_the_stable_tag_on_one_commit() {
    let repo = TestRepo::new();
    repo.write(
        "CHANGELOG.md",
        "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- A feature.\n\n## [0.3.0] - 2026-06-01\n\n### Added\n\n- Old.\n\n[Unreleased]: https://github.com/acme/app/compare/v0.3.0...HEAD\n[0.3.0]: https://github.com/acme/app/releases/tag/v0.3.0\n",
    );
    repo.write(
        "docs/upgrading.md",
        "# Upgrading\n\n## 0.3.0\n\nThe first release.\n",
    );
    repo.commit("feat: a feature");
    repo.git(&["tag", "-a", "-m", "Release v0.3.0", "v0.3.0"]);
    // Follow `status`, command by command.
    let mut commands = Vec::new();
    for _ in 0..3 {
        let json: serde_json::Value =
            serde_json::from_str(&ok(&release(&repo, &["--json", "status"]))).unwrap();
        let command = json["next"]["command"].as_str().unwrap().to_string();
        let mut args: Vec<&str> = command.split_whitespace().collect();
        assert_eq!(args.remove(0), "release", "{command}");
        ok(&release(&repo, &args));
        commands.push(command);
    }
    assert_eq!(
        commands,
        [
            "release prepare 0.4.0 --none --commit",
            "release rc tag 0.4.0 --execute",
            "release tag 0.4.0 --execute"
        ]
    );
    assert_eq!(
        repo.git(&["rev-parse", "v0.4.0^{commit}"]),
        repo.git(&["rev-parse", "v0.4.0-rc.1^{commit}"])
    );
    // The candidate's checklist and preflight accept a prepared changelog.
    let json: serde_json::Value = serde_json::from_str(&ok(&release(
        &repo,
        &[
            "checklist",
            "rc",
            "0.4.0-rc.1",
            "--check",
            "--format",
            "json",
        ],
    )))
    .unwrap();
    let step = json["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "unreleased")
        .unwrap()
        .clone();
    assert_eq!(step["result"]["state"], "pass", "{step}");
}

#[test]
fn a_reader_that_closes_the_pipe_gets_no_panic() {
    use std::io::Read as _;
    // `release completions bash | head -1`: the reader goes away after one line.
    let mut child = Command::new(env!("CARGO_BIN_EXE_release"))
        .args(["completions", "bash"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(141), "{stderr}");
}
