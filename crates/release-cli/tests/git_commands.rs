//! `release tag`, `verify-tag`, `rc`, `hotfix`, and history from the repository, end to end
//! with real git, gpg and ssh-keygen in isolated temporary repositories.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use release_testkit::git as support;

use std::process::{Command, Output};

use support::*;

fn release(repo: &TestRepo, args: &[&str]) -> Output {
    release_env(repo, args, &[])
}

fn release_env(repo: &TestRepo, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_release"));
    cmd.args(args).current_dir(repo.path());
    repo.env(&mut cmd);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
fn ok(o: &Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(0),
        "stdout: {}\nstderr: {}",
        stdout(o),
        stderr(o)
    );
    stdout(o)
}

#[track_caller]
fn code(o: &Output, want: i32, needle: &str) {
    let all = format!("{}{}", stdout(o), stderr(o));
    assert_eq!(o.status.code(), Some(want), "{all}");
    assert!(all.contains(needle), "{needle:?} not in: {all}");
}

fn git_tag_v(repo: &TestRepo, name: &str) -> bool {
    repo.git_output(&[
        "-c",
        &format!(
            "gpg.ssh.allowedSignersFile={}",
            repo.path().join(".github/allowed_signers").display()
        ),
        "tag",
        "-v",
        name,
    ])
    .status
    .success()
}

#[test]
fn maintainer_cuts_two_candidates_a_release_and_a_hotfix() {
    let repo = TestRepo::with_changelog(&["1.2.0", "1.1.0", "1.0.0", "0.4.1", "0.4.0"]);
    assert_eq!(
        ok(&release(&repo, &["rc", "next", "0.4.0", "--released", ""])).trim(),
        "v0.4.0-rc.1"
    );
    ok(&release(&repo, &["rc", "tag", "0.4.0", "--execute"]));
    repo.write("fix.txt", "fix\n");
    repo.commit("fix found on staging");
    assert_eq!(
        ok(&release(&repo, &["rc", "next", "0.4.0"])).trim(),
        "v0.4.0-rc.2"
    );
    ok(&release(&repo, &["rc", "tag", "0.4.0", "--execute"]));
    ok(&release(&repo, &["tag", "0.4.0", "--execute"]));
    // Hotfix from the line's last stable tag.
    let start = ok(&release(&repo, &["hotfix", "start", "--execute"]));
    assert!(
        start.contains("created branch hotfix/v0.4.1 from v0.4.0"),
        "{start}"
    );
    repo.git(&["switch", "-q", "hotfix/v0.4.1"]);
    repo.write("hotfix.txt", "minimal fix\n");
    repo.commit("fix: the minimal fix");
    ok(&release(&repo, &["tag", "v0.4.1", "--execute"]));
    for tag in ["v0.4.0-rc.1", "v0.4.0-rc.2", "v0.4.0", "v0.4.1"] {
        let out = ok(&release(&repo, &["verify-tag", tag]));
        assert!(out.contains("ok (good openpgp signature"), "{out}");
        assert!(git_tag_v(&repo, tag), "git tag -v {tag}");
    }
    // Not merged back yet, then merged.
    code(
        &release(&repo, &["hotfix", "status", "v0.4.1"]),
        1,
        "NOT merged into refs/heads/main",
    );
    repo.git(&["switch", "-q", "main"]);
    repo.git(&[
        "merge",
        "-q",
        "--no-ff",
        "hotfix/v0.4.1",
        "-m",
        "merge hotfix",
    ]);
    let merged = ok(&release(&repo, &["hotfix", "status"]));
    assert!(
        merged.contains("v0.4.1") && merged.contains("is merged into refs/heads/main"),
        "{merged}"
    );
    // The history now comes from the repository.
    assert_eq!(
        ok(&release(&repo, &["version", "next", "--bump", "fix"])).trim(),
        "0.4.2"
    );
}

#[test]
fn ssh_signed_tag_round_trip() {
    let repo = TestRepo::with_changelog(&["1.2.0", "1.1.0", "1.0.0", "0.4.1", "0.4.0"]);
    repo.git(&["config", "gpg.format", "ssh"]);
    repo.git(&[
        "config",
        "user.signingkey",
        keys().ssh_alice.to_str().unwrap(),
    ]);
    let out = ok(&release(
        &repo,
        &["tag", "1.0.0", "--execute", "--released", ""],
    ));
    assert!(out.contains("ssh signature verified"), "{out}");
    let v: serde_json::Value =
        serde_json::from_str(&ok(&release(&repo, &["verify-tag", "v1.0.0", "--json"]))).unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(v["format"], "ssh");
    assert!(git_tag_v(&repo, "v1.0.0"));
}

#[test]
fn tag_dry_run_prints_the_object_and_writes_nothing() {
    let repo = TestRepo::with_changelog(&["1.2.0", "1.1.0", "1.0.0", "0.4.1", "0.4.0"]);
    let head = repo.head();
    let out = ok(&release(
        &repo,
        &["tag", "1.0.0", "-m", "First stable", "--released", ""],
    ));
    assert!(out.contains(&format!("object {head}")), "{out}");
    assert!(
        out.contains("tag v1.0.0") && out.contains("First stable"),
        "{out}"
    );
    assert!(out.contains("--execute"), "{out}");
    let json: serde_json::Value = serde_json::from_str(&ok(&release(
        &repo,
        &["tag", "1.0.0", "--json", "--released", ""],
    )))
    .unwrap();
    assert_eq!(json["dry_run"], true);
    assert_eq!(json["commit"], head);
    assert!(json["payload"]
        .as_str()
        .unwrap()
        .starts_with(&format!("object {head}\ntype commit\ntag v1.0.0\n")));
    assert_eq!(repo.git(&["tag", "-l"]), "");
}

#[test]
fn tag_refuses_a_dirty_tree() {
    let repo = TestRepo::with_changelog(&["1.2.0", "1.1.0", "1.0.0", "0.4.1", "0.4.0"]);
    repo.write("README.md", "changed\n");
    code(
        &release(&repo, &["tag", "1.0.0", "--execute", "--released", ""]),
        1,
        "the working tree is dirty (README.md)",
    );
    assert_eq!(repo.git(&["tag", "-l"]), "");
}

#[test]
fn tag_refuses_what_v5_v6_v7_forbid() {
    let repo = TestRepo::with_changelog(&["1.2.0", "1.1.0", "1.0.0", "0.4.1", "0.4.0"]);
    ok(&release(
        &repo,
        &["tag", "1.0.0", "--execute", "--released", ""],
    ));
    repo.commit("next");
    code(&release(&repo, &["tag", "1.0.0", "--execute"]), 1, "(V5)");
    code(&release(&repo, &["tag", "0.9.0", "--execute"]), 1, "(V6)");
    code(
        &release(&repo, &["tag", "1.0.0-rc.1", "--execute"]),
        1,
        "(V7)",
    );
    code(
        &release(&repo, &["rc", "next", "1.0.0"]),
        1,
        "already stable",
    );
}

#[test]
fn tag_refuses_an_unsigned_stable_tag() {
    let repo = TestRepo::with_changelog(&["1.2.0", "1.1.0", "1.0.0", "0.4.1", "0.4.0"]);
    code(
        &release(
            &repo,
            &["tag", "1.0.0", "--no-sign", "--execute", "--released", ""],
        ),
        1,
        "must be signed (G2)",
    );
    // An unsigned candidate is allowed, with a warning.
    let out = release(
        &repo,
        &[
            "tag",
            "1.0.0-rc.1",
            "--no-sign",
            "--execute",
            "--released",
            "",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("warning: unsigned release candidate"));
}

#[test]
fn tag_signed_by_an_untrusted_key_is_not_created() {
    let repo = TestRepo::with_changelog(&["1.2.0", "1.1.0", "1.0.0", "0.4.1", "0.4.0"]);
    repo.git(&["config", "user.signingkey", &keys().mallory]);
    code(
        &release(&repo, &["tag", "1.0.0", "--execute", "--released", ""]),
        1,
        "not in the trusted keyring",
    );
    assert_eq!(repo.git(&["tag", "-l"]), "");
}

#[test]
fn tag_refuses_bad_names() {
    let repo = TestRepo::with_changelog(&["1.2.0", "1.1.0", "1.0.0", "0.4.1", "0.4.0"]);
    code(
        &release(&repo, &["tag", "v1.0.0\ntype tree", "--released", ""]),
        2,
        "control character",
    );
    code(
        &release(&repo, &["tag", "v１.0.0", "--released", ""]),
        2,
        "non-ASCII",
    );
    code(
        &release(&repo, &["tag", "1.0.0+build.5", "--released", ""]),
        2,
        "build metadata",
    );
}

#[test]
fn push_creates_the_remote_tag_and_reports_a_rejected_ref() {
    let repo = TestRepo::with_changelog(&["1.2.0", "1.1.0", "1.0.0", "0.4.1", "0.4.0"]);
    let origin = tempfile::Builder::new()
        .prefix("rgo-")
        .tempdir_in("/tmp")
        .unwrap();
    let status = Command::new("git")
        .args(["init", "-q", "--bare"])
        .arg(origin.path())
        .status()
        .unwrap();
    assert!(status.success());
    repo.git(&["remote", "add", "origin", origin.path().to_str().unwrap()]);
    let out = ok(&release(
        &repo,
        &["tag", "1.0.0", "--execute", "--push", "--released", ""],
    ));
    assert!(
        out.contains("pushed refs/tags/v1.0.0 to origin: new"),
        "{out}"
    );
    // The remote already has another v1.1.0: the push is rejected, and said so.
    let other = tempfile::Builder::new()
        .prefix("rgc-")
        .tempdir_in("/tmp")
        .unwrap();
    let clone = |args: &[&str]| {
        let mut c = Command::new("git");
        c.args([
            "-c",
            "user.name=Other",
            "-c",
            "user.email=other@example.org",
        ])
        .args(args);
        repo.env(&mut c);
        assert!(c.status().unwrap().success(), "git {args:?}");
    };
    clone(&[
        "clone",
        "-q",
        origin.path().to_str().unwrap(),
        other.path().to_str().unwrap(),
    ]);
    clone(&[
        "-C",
        other.path().to_str().unwrap(),
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "elsewhere",
    ]);
    clone(&[
        "-C",
        other.path().to_str().unwrap(),
        "tag",
        "-a",
        "-m",
        "x",
        "v1.1.0",
    ]);
    clone(&[
        "-C",
        other.path().to_str().unwrap(),
        "push",
        "-q",
        "origin",
        "refs/tags/v1.1.0",
    ]);
    repo.commit("local work");
    code(
        &release(
            &repo,
            &[
                "tag",
                "1.1.0",
                "--execute",
                "--push",
                "--released",
                "v1.0.0",
            ],
        ),
        1,
        "was rejected",
    );
    // A tag created earlier is verified, then pushed.
    repo.commit("more work");
    ok(&release(
        &repo,
        &["tag", "1.2.0", "--execute", "--released", "v1.0.0,v1.1.0"],
    ));
    let dry = ok(&release(&repo, &["tag", "1.2.0", "--push"]));
    assert!(
        dry.contains(
            "would run: GIT_TERMINAL_PROMPT=0 git push --porcelain origin refs/tags/v1.2.0"
        ),
        "{dry}"
    );
    let out = ok(&release(&repo, &["tag", "1.2.0", "--push", "--execute"]));
    assert!(
        out.contains("pushed refs/tags/v1.2.0 to origin: new"),
        "{out}"
    );
}

#[test]
fn commands_work_from_a_subdirectory_with_the_built_in_policy() {
    let repo = TestRepo::with_changelog(&["1.2.0", "1.1.0", "1.0.0", "0.4.1", "0.4.0"]);
    // The built-in policy: keys/release-signers.asc relative to the repository root, any key
    // in it trusted; run from a subfolder.
    std::fs::remove_file(repo.path().join("release-policy.toml")).unwrap();
    repo.commit("built-in policy");
    let sub = repo.path().join("keys");
    let run = |args: &[&str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_release"));
        cmd.args(args).current_dir(&sub);
        repo.env(&mut cmd);
        cmd.output().unwrap()
    };
    ok(&run(&["tag", "1.0.0", "--execute", "--released", ""]));
    let out = ok(&run(&["verify-tag", "v1.0.0"]));
    assert!(out.contains("ok (good openpgp signature"), "{out}");
}

#[test]
fn push_is_refused_in_ci() {
    let repo = TestRepo::with_changelog(&["1.2.0", "1.1.0", "1.0.0", "0.4.1", "0.4.0"]);
    code(
        &release_env(
            &repo,
            &["tag", "1.0.0", "--execute", "--push", "--released", ""],
            &[("CI", "true")],
        ),
        1,
        "(G5)",
    );
    assert_eq!(repo.git(&["tag", "-l"]), "");
}

#[test]
fn verify_tag_json_lists_every_check() {
    let repo = TestRepo::with_changelog(&["1.2.0", "1.1.0", "1.0.0", "0.4.1", "0.4.0"]);
    repo.git(&["tag", "v1.0.0"]);
    let out = release(&repo, &["verify-tag", "v1.0.0", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let checks = v["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 13);
    assert_eq!(v["trust_root"]["kind"], "ref");
    assert_eq!(v["trust_root"]["refname"], "refs/heads/main");
    assert_eq!(checks[2]["id"], "annotated");
    assert_eq!(checks[2]["result"], "fail");
    assert!(checks[2]["detail"]
        .as_str()
        .unwrap()
        .contains("lightweight tag"));
    assert_eq!(checks[12]["result"], "skip");
}

#[test]
fn verify_tag_expect_sha() {
    let repo = TestRepo::with_changelog(&["1.2.0", "1.1.0", "1.0.0", "0.4.1", "0.4.0"]);
    ok(&release(
        &repo,
        &["tag", "1.0.0", "--execute", "--released", ""],
    ));
    let head = repo.head();
    ok(&release(
        &repo,
        &["verify-tag", "v1.0.0", "--expect-sha", &head],
    ));
    code(
        &release(
            &repo,
            &["verify-tag", "v1.0.0", "--expect-sha", &"3".repeat(40)],
        ),
        1,
        "refused by the expected-commit check",
    );
    code(
        &release(&repo, &["verify-tag", "v1.0.0", "--expect-sha", &head[..8]]),
        2,
        "abbreviated",
    );
}

#[test]
fn history_comes_from_the_repository_tags() {
    let repo = TestRepo::with_changelog(&["1.2.0", "1.1.0", "1.0.0", "0.4.1", "0.4.0"]);
    for t in ["v0.3.0", "v0.3.1", "v0.4.0", "docs-1"] {
        repo.git(&["tag", t]);
    }
    assert_eq!(
        ok(&release(&repo, &["version", "next", "--bump", "feature"])).trim(),
        "0.5.0" // a feature bumps MINOR before 1.0 too
    );
    // A hotfix of 0.3 after 0.4.0 gets no `latest` (the plan read the tags).
    let sha = repo.head();
    let plan: serde_json::Value = serde_json::from_str(&ok(&release(
        &repo,
        &[
            "plan",
            "--ref",
            "refs/tags/v0.3.2",
            "--sha",
            &sha,
            "--date",
            "2026-01-01",
            "--json",
        ],
    )))
    .unwrap();
    let tags: Vec<&str> = plan["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert!(
        tags.contains(&"0.3") && !tags.contains(&"latest"),
        "{tags:?}"
    );
    // --released still wins.
    assert_eq!(
        ok(&release(
            &repo,
            &["version", "next", "--bump", "fix", "--released", "v2.0.0"]
        ))
        .trim(),
        "2.0.1"
    );
}

#[test]
fn shallow_or_tagless_clones_are_reported_not_treated_as_no_releases() {
    let repo = TestRepo::with_changelog(&["1.2.0", "1.1.0", "1.0.0", "0.4.1", "0.4.0"]);
    repo.git(&["tag", "-a", "-m", "r", "v0.1.0"]);
    repo.commit("two");
    repo.commit("three");
    let url = format!("file://{}", repo.path().display());
    let shallow = tempfile::Builder::new()
        .prefix("rgh-")
        .tempdir_in("/tmp")
        .unwrap();
    let tagless = tempfile::Builder::new()
        .prefix("rgt-")
        .tempdir_in("/tmp")
        .unwrap();
    for (dir, extra) in [(&shallow, "--depth=1"), (&tagless, "--no-tags")] {
        let mut c = Command::new("git");
        c.args(["clone", "-q", extra, &url]).arg(dir.path());
        repo.env(&mut c);
        assert!(c.status().unwrap().success());
        let mut r = Command::new(env!("CARGO_BIN_EXE_release"));
        r.args(["version", "next", "--bump", "fix"])
            .current_dir(dir.path());
        repo.env(&mut r);
        let out = r.output().unwrap();
        code(&out, 3, "fetch tags: git fetch --tags --unshallow");
    }
}

#[test]
fn hotfix_start_branches_from_the_lines_last_stable_tag_only() {
    let repo = TestRepo::with_changelog(&["1.2.0", "1.1.0", "1.0.0", "0.4.1", "0.4.0"]);
    for t in ["v0.3.0", "v0.3.1"] {
        repo.git(&["tag", "-a", "-m", t, t]);
    }
    repo.commit("0.4 work");
    repo.git(&["tag", "-a", "-m", "x", "v0.4.0"]);
    // Default: the newest stable line.
    let json: serde_json::Value =
        serde_json::from_str(&ok(&release(&repo, &["hotfix", "start", "--json"]))).unwrap();
    assert_eq!(json["dry_run"], true);
    assert_eq!(json["plan"]["branch"], "hotfix/v0.4.1");
    assert_eq!(json["plan"]["from_tag"], "v0.4.0");
    // An older line, from its last stable tag.
    let out = ok(&release(
        &repo,
        &["hotfix", "start", "--from", "v0.3.1", "--execute"],
    ));
    assert!(
        out.contains("created branch hotfix/v0.3.2 from v0.3.1"),
        "{out}"
    );
    let tip = repo.git(&["rev-parse", "hotfix/v0.3.2"]);
    assert_eq!(tip, repo.git(&["rev-parse", "v0.3.1^{commit}"]));
    // Not from an older tag of the line, not from a candidate, not twice.
    code(
        &release(&repo, &["hotfix", "start", "--from", "v0.3.0"]),
        1,
        "not the newest stable release of the 0.3 line (v0.3.1 is)",
    );
    code(
        &release(&repo, &["hotfix", "start", "--from", "v0.4.0-rc.1"]),
        2,
        "not a release candidate",
    );
    code(
        &release(&repo, &["hotfix", "start", "--from", "v0.3.1", "--execute"]),
        1,
        "branch hotfix/v0.3.2 already exists",
    );
}

#[test]
fn rc_next_json_and_numbering() {
    let repo = TestRepo::with_changelog(&["1.2.0", "1.1.0", "1.0.0", "0.4.1", "0.4.0"]);
    for t in ["v0.4.0-rc.1", "v0.4.0-rc.2"] {
        repo.git(&["tag", "-a", "-m", t, t]);
    }
    let json: serde_json::Value =
        serde_json::from_str(&ok(&release(&repo, &["rc", "next", "0.4.0", "--json"]))).unwrap();
    assert_eq!(json["tag"], "v0.4.0-rc.3");
    assert_eq!(json["number"], 3);
    code(
        &release(&repo, &["rc", "next", "0.4.0-rc.1"]),
        2,
        "not a candidate",
    );
    // The dry run of `rc tag` shows the object of rc.3.
    let out = ok(&release(&repo, &["rc", "tag", "0.4.0"]));
    assert!(out.contains("tag v0.4.0-rc.3"), "{out}");
}

#[test]
fn verify_tag_unsigned_candidate_warns_and_exits_0() {
    let repo = TestRepo::with_changelog(&["1.2.0", "1.1.0", "1.0.0", "0.4.1", "0.4.0"]);
    repo.git(&["tag", "-a", "-m", "rc", "v1.0.0-rc.1"]);
    let out = release_env(
        &repo,
        &["verify-tag", "v1.0.0-rc.1"],
        &[("GITHUB_ACTIONS", "true")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("warning: unsigned release candidate"));
    assert!(stdout(&out).contains("::warning::unsigned release candidate"));
    // The same unsigned annotated tag as a stable release is refused.
    repo.git(&["tag", "-a", "-m", "stable", "v1.0.0"]);
    code(
        &release(&repo, &["verify-tag", "v1.0.0"]),
        1,
        "refused by the signature check: unsigned stable tag",
    );
}
