//! Hand-offs between procedures (issue: procedures that hold together): a second line, a hotfix
//! on the older line with the wrong-line tags refused, and a yank recorded on main that CI on the
//! hotfix tag's own checkout honours. Real git and gpg; the commands are the ones a maintainer
//! types.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use release_testkit::git as support;
#[allow(unused_imports)]
use release_testkit::registry as registry_support;

use std::process::{Command, Output};

use support::*;

fn release(repo: &TestRepo, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_release"));
    cmd.args(args).current_dir(repo.path());
    repo.env(&mut cmd);
    cmd.env_remove("GITHUB_TOKEN");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[track_caller]
fn ok(o: Output) -> String {
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    text(&o)
}

#[track_caller]
fn refused(o: Output, needle: &str) -> String {
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains(needle), "{needle:?} not in {}", text(&o));
    text(&o)
}

/// v0.1.0, v0.1.1 and v0.2.0 released from main, each with its changelog section.
fn two_lines() -> TestRepo {
    let repo = TestRepo::with_changelog(&["0.2.0", "0.1.1", "0.1.0"]);
    for v in ["0.1.0", "0.1.1", "0.2.0"] {
        repo.write("work.txt", v);
        repo.commit(&format!("work for {v}"));
        ok(release(&repo, &["tag", v, "--execute"], &[]));
    }
    repo
}

/// The hotfix branch of the 0.1 line with a fix and its prepared section, as P3 says.
fn hotfix_of_the_old_line(repo: &TestRepo) {
    let start = ok(release(
        repo,
        &["hotfix", "start", "--from", "v0.1.1", "--execute"],
        &[],
    ));
    assert!(start.contains("hotfix/v0.1.2"), "{start}");
    repo.git(&["switch", "-q", "hotfix/v0.1.2"]);
    repo.write("fix.txt", "the fix\n");
    ok(release(
        repo,
        &[
            "changelog",
            "add",
            "--category",
            "Fixed",
            "Uploads no longer corrupt.",
        ],
        &[],
    ));
    ok(release(
        repo,
        &["changelog", "prepare", "0.1.2", "--date", "2026-08-01"],
        &[],
    ));
    repo.commit("fix: uploads");
}

#[test]
fn a_hotfix_branch_tags_only_its_own_line_and_main_refuses_old_patches() {
    let repo = two_lines();
    // On main, whose HEAD holds 0.2.0, a patch of 0.1 is refused with the way to do it.
    repo.write(
        "CHANGELOG.md",
        &changelog_with(&["0.1.2", "0.2.0", "0.1.1", "0.1.0"]),
    );
    repo.commit("docs: a section for 0.1.2 on main");
    refused(
        release(&repo, &["tag", "0.1.2", "--execute"], &[]),
        "release hotfix start --from v0.1.1 --execute",
    );
    refused(
        release(&repo, &["rc", "tag", "0.1.2", "--execute"], &[]),
        "(V8)",
    );
    // One refusal shape for machines: {ok: false, rule, reason}.
    let out = release(&repo, &["--json", "tag", "0.1.2", "--execute"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["ok"], false);
    assert_eq!(json["rule"], "V8");
    assert!(
        json["reason"].as_str().unwrap().contains("hotfix start"),
        "{json}"
    );
    assert!(!repo.git(&["tag", "-l"]).contains("0.1.2"));
    repo.git(&["reset", "-q", "--hard", "HEAD~1"]);

    hotfix_of_the_old_line(&repo);
    // The hotfix branch never tags another line, not even a candidate.
    refused(
        release(&repo, &["rc", "tag", "0.2.1", "--execute"], &[]),
        "hotfix branch of the 0.1 line",
    );
    refused(
        release(&repo, &["tag", "0.3.0", "--execute"], &[]),
        "hotfix branch of the 0.1 line",
    );
    assert_eq!(repo.git(&["tag", "-l", "v0.2.1*"]), "");
    // Its own version works, and the gate says where the commit is.
    ok(release(&repo, &["tag", "0.1.2", "--execute"], &[]));
    let v = ok(release(&repo, &["verify-tag", "v0.1.2"], &[]));
    assert!(
        v.contains("on the hotfix branch refs/heads/hotfix/v0.1.2, cut from v0.1.1"),
        "{v}"
    );
}

#[test]
fn a_yank_recorded_on_main_gives_latest_back_to_the_next_fix_of_the_older_line() {
    let repo = two_lines();
    // 0.2.0 is defective: the rollback's changelog mark lands on main (R4, R5).
    ok(release(
        &repo,
        &[
            "changelog",
            "yank",
            "0.2.0",
            "--reason",
            "corrupts uploads",
            "--use",
            "0.1.1",
        ],
        &[],
    ));
    repo.commit("docs: yank 0.2.0");
    hotfix_of_the_old_line(&repo);
    ok(release(&repo, &["tag", "0.1.2", "--execute"], &[]));
    let sha = repo.git(&["rev-parse", "v0.1.2^{commit}"]);
    // CI runs on the tag's own checkout: a detached HEAD whose changelog knows nothing of the
    // yank. The record on main is what counts.
    repo.git(&["checkout", "-q", "--detach", "v0.1.2"]);
    let out = release(
        &repo,
        &[
            "--json",
            "ci",
            "--no-github",
            "--notes-file",
            ".git/notes.md",
        ],
        &[
            ("GITHUB_REF", "refs/tags/v0.1.2"),
            ("GITHUB_SHA", &sha),
            ("GITHUB_EVENT_NAME", "push"),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let tags: Vec<&str> = report["plan"]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(&tags[..4], ["0.1.2", "0.1", "0", "latest"], "{report}");
    // Without the record (an explicit history), T6 keeps `latest` on 0.2.0.
    let plan = ok(release(
        &repo,
        &[
            "plan",
            "--ref",
            "refs/tags/v0.1.2",
            "--sha",
            &sha,
            "--released",
            "v0.1.0,v0.1.1,v0.2.0,v0.1.2",
        ],
        &[],
    ));
    assert!(plan.contains("`latest` stays on 0.2.0"), "{plan}");
}

fn ci_output(repo: &TestRepo, tag: &str) -> (Output, String) {
    let sha = repo.git(&["rev-parse", &format!("{tag}^{{commit}}")]);
    let file = repo.path().join(".git/gh-output");
    let _ = std::fs::remove_file(&file);
    let notes = repo.path().join(".git/notes.md");
    let out = release(
        repo,
        &["ci", "--no-github", "--notes-file", notes.to_str().unwrap()],
        &[
            ("GITHUB_REF", &format!("refs/tags/{tag}")),
            ("GITHUB_SHA", &sha),
            ("GITHUB_EVENT_NAME", "push"),
            ("GITHUB_OUTPUT", file.to_str().unwrap()),
        ],
    );
    let written = std::fs::read_to_string(&file).unwrap_or_default();
    (out, written)
}

#[test]
fn candidate_fix_candidate_prepare_stable_ships_the_last_candidate() {
    let repo = TestRepo::with_changelog(&[]);
    repo.write("app.txt", "v1\n");
    repo.commit("feat: the app");
    ok(release(&repo, &["rc", "tag", "0.1.0", "--execute"], &[]));
    // Staging finds a bug: fix on main, record it, cut rc.2.
    repo.write("app.txt", "v1 fixed\n");
    ok(release(
        &repo,
        &[
            "changelog",
            "add",
            "--category",
            "Fixed",
            "The staging bug.",
        ],
        &[],
    ));
    repo.commit("fix: the staging bug");
    ok(release(&repo, &["rc", "tag", "0.1.0", "--execute"], &[]));
    // Prepare (documentation only) and tag the stable version on that commit.
    ok(release(
        &repo,
        &["changelog", "prepare", "0.1.0", "--date", "2026-08-01"],
        &[],
    ));
    repo.commit("docs: prepare release v0.1.0");
    ok(release(&repo, &["tag", "0.1.0", "--execute"], &[]));
    let (out, gh) = ci_output(&repo, "v0.1.0");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        github_output(&gh, "promote_from").as_deref(),
        Some("v0.1.0-rc.2"),
        "{gh}"
    );
    let notes = std::fs::read_to_string(repo.path().join(".git/notes.md")).unwrap();
    assert!(notes.contains("The staging bug."), "{notes}");
    // Promote agrees: the stable commit differs from rc.2's only in documentation.
    let dry = release(
        &repo,
        &["promote", "v0.1.0-rc.2", "--image", "127.0.0.1:9/acme/app"],
        &[],
    );
    assert!(!text(&dry).contains("commits differ"), "{}", text(&dry));
}

#[test]
fn code_after_the_last_candidate_is_not_promoted() {
    let repo = TestRepo::with_changelog(&["0.1.0"]);
    repo.write("app.txt", "v1\n");
    repo.commit("feat: the app");
    ok(release(&repo, &["rc", "tag", "0.1.0", "--execute"], &[]));
    repo.write("app.txt", "v1 untested change\n");
    repo.commit("fix: untested");
    ok(release(&repo, &["tag", "0.1.0", "--execute"], &[]));
    let (out, gh) = ci_output(&repo, "v0.1.0");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        github_output(&gh, "promote_from").as_deref(),
        Some(""),
        "{gh}"
    );
    assert!(text(&out).contains("app.txt"), "{}", text(&out));
    let dry = release(
        &repo,
        &["promote", "v0.1.0-rc.1", "--image", "127.0.0.1:9/acme/app"],
        &[],
    );
    assert_eq!(dry.status.code(), Some(1), "{}", text(&dry));
    assert!(text(&dry).contains("app.txt"), "{}", text(&dry));
}

/// The command `release status` proposes, run exactly as printed (split on spaces; quoted
/// words are not expected in the commands these scenarios reach).
fn follow_status(repo: &TestRepo, expect: &str) -> String {
    let out = ok(release(repo, &["--json", "status"], &[]));
    let json: serde_json::Value = serde_json::from_str(out.lines().next().unwrap_or("{}"))
        .or_else(|_| serde_json::from_str(&out))
        .unwrap_or_else(|e| panic!("status JSON: {e}: {out}"));
    let command = json["next"]["command"]
        .as_str()
        .unwrap_or_else(|| panic!("no command: {json}"))
        .to_string();
    assert!(
        command.contains(expect),
        "status proposed {command:?}, expected {expect:?}: {json}"
    );
    let mut args: Vec<&str> = command.split_whitespace().collect();
    assert_eq!(args.remove(0), "release", "{command}");
    ok(release(repo, &args, &[]));
    command
}

fn status_json(repo: &TestRepo) -> serde_json::Value {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_release"));
    cmd.args(["--json", "status"]).current_dir(repo.path());
    repo.env(&mut cmd);
    let out = cmd.output().unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

fn digest(addr: &str, tag: &str) -> Option<String> {
    registry_support::registry_digest(addr, "acme/app", tag)
}

#[test]
fn first_release_follows_status_through_rc1_a_fix_rc2_stable_and_promote() {
    let dir = tempfile::tempdir().unwrap();
    let reg = registry_support::RegistryServer::start(dir.path(), &registry_support::Auth::None);
    let image = format!("{}/acme/app", reg.addr);
    let repo = TestRepo::new();
    repo.write("docs/upgrading.md", "# Upgrading\n");
    repo.write("CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n");
    repo.write("app.txt", "v1\n");
    repo.commit("feat: the app");
    ok(release(
        &repo,
        &["changelog", "add", "--category", "Added", "Mail import."],
        &[],
    ));
    repo.commit("docs: changelog");
    // status: prepare (with every flag it needs), then the first candidate.
    follow_status(&repo, "release prepare 0.1.0 --none --commit");
    follow_status(&repo, "release rc tag 0.1.0 --execute");
    ok(release(
        &repo,
        &["registry", "push-sample", &image, "0.1.0-rc.1", "--execute"],
        &[],
    ));
    // Staging finds a bug: the fix lands on main with its entry.
    repo.write("app.txt", "v1 fixed\n");
    ok(release(
        &repo,
        &[
            "changelog",
            "add",
            "--category",
            "Fixed",
            "Uploads over 2 GB.",
        ],
        &[],
    ));
    repo.commit("fix: uploads over 2 GB");
    // status: the entry joins 0.1.0's section, then rc.2.
    follow_status(&repo, "release prepare 0.1.0 --commit");
    follow_status(&repo, "release rc tag 0.1.0 --execute");
    ok(release(
        &repo,
        &[
            "registry",
            "push-sample",
            &image,
            "0.1.0-rc.2",
            "--seed",
            "2",
            "--execute",
        ],
        &[],
    ));
    // status: the stable tag on rc.2's commit.
    follow_status(&repo, "release tag 0.1.0 --execute");
    let json = status_json(&repo);
    assert!(
        json["next"]["command"]
            .as_str()
            .unwrap_or("")
            .starts_with("release changelog add"),
        "{json}"
    );
    // CI says which candidate to ship; promote ships exactly its digest.
    let (out, gh) = ci_output(&repo, "v0.1.0");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        github_output(&gh, "promote_from").as_deref(),
        Some("v0.1.0-rc.2"),
        "{gh}"
    );
    let notes = std::fs::read_to_string(repo.path().join(".git/notes.md")).unwrap();
    assert!(
        notes.contains("Uploads over 2 GB.") && notes.contains("Mail import."),
        "{notes}"
    );
    ok(release(
        &repo,
        &["promote", "v0.1.0-rc.2", "--image", &image, "--execute"],
        &[],
    ));
    let rc2 = digest(&reg.addr, "0.1.0-rc.2").unwrap();
    assert_ne!(digest(&reg.addr, "0.1.0-rc.1").unwrap(), rc2);
    for tag in ["0.1.0", "0.1", "0", "latest"] {
        assert_eq!(
            digest(&reg.addr, tag).as_deref(),
            Some(rc2.as_str()),
            "{tag}"
        );
    }
}

#[test]
fn a_rollback_is_kept_by_reconcile_and_the_older_lines_fix_gets_latest_back() {
    let dir = tempfile::tempdir().unwrap();
    let reg = registry_support::RegistryServer::start(dir.path(), &registry_support::Auth::None);
    let image = format!("{}/acme/app", reg.addr);
    let repo = two_lines();
    for (i, (v, aliases)) in [
        ("0.1.0", &["0.1.0"][..]),
        ("0.1.1", &["0.1.1", "0.1"][..]),
        ("0.2.0", &["0.2.0", "0.2", "0", "latest"][..]),
    ]
    .into_iter()
    .enumerate()
    {
        let seed = (i + 1).to_string();
        let mut args = vec!["registry", "push-sample", image.as_str()];
        args.extend(aliases.iter().copied());
        args.extend(["--seed", seed.as_str(), "--execute"]);
        ok(release(&repo, &args, &[]));
        let _ = v;
    }
    let good = digest(&reg.addr, "0.1.1").unwrap();
    // 0.2.0 is defective: roll it back on main (the [YANKED] mark is committed there).
    let out = ok(release(
        &repo,
        &[
            "rollback",
            "0.2.0",
            "--reason",
            "corrupts uploads",
            "--image",
            &image,
            "--no-github",
            "--execute",
        ],
        &[],
    ));
    assert!(out.contains("committed"), "{out}");
    assert_eq!(digest(&reg.addr, "latest").as_deref(), Some(good.as_str()));
    // A reconcile without --yanked keeps the rollback: the record on main says 0.2.0 is yanked.
    ok(release(
        &repo,
        &["registry", "reconcile", &image, "--execute"],
        &[],
    ));
    assert_eq!(digest(&reg.addr, "latest").as_deref(), Some(good.as_str()));
    assert_eq!(digest(&reg.addr, "0").as_deref(), Some(good.as_str()));
    // The fix of the older line, from its hotfix branch, gets `latest` back through CI run on
    // the tag's own checkout.
    hotfix_of_the_old_line(&repo);
    ok(release(&repo, &["tag", "0.1.2", "--execute"], &[]));
    repo.git(&["checkout", "-q", "--detach", "v0.1.2"]);
    let (out, gh) = ci_output(&repo, "v0.1.2");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let tags = github_output(&gh, "tags").unwrap();
    assert!(
        tags.lines().any(|t| t == "latest") && tags.lines().any(|t| t == "0"),
        "{tags}"
    );
    repo.git(&["checkout", "-q", "hotfix/v0.1.2"]);
    // And status on the hotfix branch proposes the merge back, and knows the yank.
    let json = status_json(&repo);
    assert_eq!(json["yanked"][0], "0.2.0", "{json}");
    assert_eq!(
        json["next"]["command"], "git switch main && git merge --no-ff v0.1.2",
        "{json}"
    );
}
