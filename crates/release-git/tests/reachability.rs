//! G6 reachability as table rows: where a stable tag's commit may be (the protected main
//! branch, the maintainer's own local main before the push, or a hotfix branch of the version's
//! own line cut from one of that line's older stable tags), each row in its own real
//! repository with gpg-signed tags. Every row names the rule it checks.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use release_testkit::git as support;

use release_core::policy::Policy;
use release_git::repo::Repo;
use release_git::verify::{self, CheckId, GateResult, Trust};
use support::*;

fn tag_on(repo: &TestRepo, name: &str, commit: &str) {
    let p = format!(
        "object {commit}\ntype commit\ntag {name}\ntagger {ALICE} 1700000000 +0000\n\nRelease\n"
    );
    let sig = gpg_sign(&keys().alice, p.as_bytes());
    repo.raw_tag(name, format!("{p}{sig}").as_bytes());
}

/// The reachability check of `name`: passed, and its detail.
fn reachable(repo: &TestRepo, name: &str) -> (bool, String) {
    let r = Repo::discover(repo.path()).unwrap();
    let policy = Policy::from_toml(
        &std::fs::read_to_string(repo.path().join("release-policy.toml")).unwrap(),
    )
    .unwrap();
    let trust = Trust::from_ref(&r, &policy, "release-policy.toml", None).unwrap();
    let v = verify::verify_tag(&r, name, &policy, &trust, None).unwrap();
    let check = v.check(CheckId::Reachable).unwrap();
    (check.result == GateResult::Pass, check.detail.clone())
}

/// The 1.0 line: v1.0.0 on main's first commit, v1.0.1 on a second one, then 1.1 work with
/// v1.1.0 on main. Returns the commits of v1.0.0 and v1.0.1.
fn two_lines(repo: &TestRepo) -> (String, String) {
    let first = repo.head();
    tag_on(repo, "v1.0.0", &first);
    let second = repo.commit("fix: 1.0.1");
    tag_on(repo, "v1.0.1", &second);
    repo.commit("feat: 1.1 work");
    tag_on(repo, "v1.1.0", &repo.head());
    (first, second)
}

/// A hotfix commit on a new branch `branch` cut from `from`.
fn hotfix_from(repo: &TestRepo, branch: &str, from: &str) -> String {
    repo.git(&["checkout", "-q", "-b", branch, from]);
    let fix = repo.commit("fix: on the old line");
    repo.git(&["checkout", "-q", "main"]);
    fix
}

/// (rule, what the row shows, setup returning the tag to check, Ok(detail) or Err(detail))
type Row = (
    &'static str,
    &'static str,
    fn(&TestRepo) -> &'static str,
    Result<&'static str, &'static str>,
);

const ROWS: &[Row] = &[
    (
        "G6",
        "a tag on main's tip",
        |repo| {
            two_lines(repo);
            "v1.1.0"
        },
        Ok("reachable from refs/heads/main"),
    ),
    (
        "G6",
        "a tag on an older main commit",
        |repo| {
            two_lines(repo);
            "v1.0.0"
        },
        Ok("reachable from refs/heads/main"),
    ),
    (
        "G6",
        "local main ahead of origin/main: the maintainer's own ref, pushed before the tag",
        |repo| {
            let pushed = repo.head();
            repo.git(&["update-ref", "refs/remotes/origin/main", &pushed]);
            let local = repo.commit("not pushed yet");
            tag_on(repo, "v1.0.0", &local);
            "v1.0.0"
        },
        Ok("reachable from refs/heads/main (push it before the tag: CI checks refs/remotes/origin/main)"),
    ),
    (
        "G6",
        "on origin/main",
        |repo| {
            let pushed = repo.commit("pushed");
            repo.git(&["update-ref", "refs/remotes/origin/main", &pushed]);
            tag_on(repo, "v1.0.0", &pushed);
            "v1.0.0"
        },
        Ok("reachable from refs/remotes/origin/main"),
    ),
    (
        "G6",
        "a hotfix branch cut from the newest of the line's two older tags names that tag",
        |repo| {
            two_lines(repo);
            let fix = hotfix_from(repo, "hotfix/v1.0.2", "v1.0.1");
            tag_on(repo, "v1.0.2", &fix);
            "v1.0.2"
        },
        Ok("on the hotfix branch refs/heads/hotfix/v1.0.2, cut from v1.0.1"),
    ),
    (
        "G6",
        "a hotfix branch cut from the line's first tag",
        |repo| {
            two_lines(repo);
            let fix = hotfix_from(repo, "hotfix/v1.0.1", "v1.0.0");
            tag_on(repo, "v1.0.5", &fix);
            "v1.0.5"
        },
        Ok("cut from v1.0.0"),
    ),
    (
        "G6",
        "a fetched hotfix branch (refs/remotes/origin/...) counts",
        |repo| {
            two_lines(repo);
            let fix = hotfix_from(repo, "hotfix/v1.0.2", "v1.0.1");
            repo.git(&["update-ref", "refs/remotes/origin/hotfix/v1.0.2", &fix]);
            repo.git(&["branch", "-q", "-D", "hotfix/v1.0.2"]);
            tag_on(repo, "v1.0.2", &fix);
            "v1.0.2"
        },
        Ok("on the hotfix branch refs/remotes/origin/hotfix/v1.0.2, cut from v1.0.1"),
    ),
    (
        "G6",
        "a second tag on a hotfix commit that already carries a line tag is cut from that tag",
        |repo| {
            two_lines(repo);
            let fix = hotfix_from(repo, "hotfix/v1.0.2", "v1.0.1");
            tag_on(repo, "v1.0.2", &fix);
            tag_on(repo, "v1.0.3", &fix);
            "v1.0.3"
        },
        Ok("cut from v1.0.2"),
    ),
    (
        "G6",
        "a hotfix branch of another line does not cover the version",
        |repo| {
            two_lines(repo);
            let fix = hotfix_from(repo, "hotfix/v1.1.1", "v1.0.1");
            tag_on(repo, "v1.0.2", &fix);
            "v1.0.2"
        },
        Err("nor from a hotfix branch of the 1.0 line"),
    ),
    (
        "G6",
        "a hotfix branch cut only from a newer tag of the line has no older tag to come from",
        |repo| {
            let first = repo.head();
            tag_on(repo, "v1.0.2", &first);
            let fix = hotfix_from(repo, "hotfix/v1.0.1", "v1.0.2");
            tag_on(repo, "v1.0.1", &fix);
            "v1.0.1"
        },
        Err("is not reachable from refs/heads/main"),
    ),
    (
        "G6",
        "a branch named like a hotfix but cut from no tag of the line",
        |repo| {
            let unrelated = repo.git(&["commit-tree", "-m", "orphan", &tree_of_head(repo)]);
            repo.git(&["branch", "hotfix/v2.0.1", &unrelated]);
            tag_on(repo, "v2.0.1", &unrelated);
            "v2.0.1"
        },
        Err("is not reachable from refs/heads/main, nor from a hotfix branch of the 2.0 line cut from one of its stable tags (G6)"),
    ),
    (
        "G6",
        "a candidate tag of the hotfix branch does not make it a line tag",
        |repo| {
            let first = repo.head();
            repo.commit("feat: 2.0");
            tag_on(repo, "v2.0.0", &repo.head());
            tag_on(repo, "v1.0.0-rc.1", &first);
            let fix = hotfix_from(repo, "hotfix/v1.0.0", &first);
            tag_on(repo, "v1.0.1", &fix);
            "v1.0.1"
        },
        Err("1.0 line"),
    ),
];

fn tree_of_head(repo: &TestRepo) -> String {
    repo.git(&["rev-parse", "HEAD^{tree}"])
}

#[test]
fn stable_tags_are_reachable_from_main_or_their_lines_hotfix_branch() {
    for (rule, what, setup, expected) in ROWS {
        let repo = TestRepo::new();
        let name = setup(&repo);
        let (passed, detail) = reachable(&repo, name);
        match expected {
            Ok(needle) => {
                assert!(passed, "{rule}: {what}: refused: {detail}");
                assert!(
                    detail.contains(needle),
                    "{rule}: {what}: {detail:?} lacks {needle:?}"
                );
            }
            Err(needle) => {
                assert!(!passed, "{rule}: {what}: passed: {detail}");
                assert!(
                    detail.contains(needle),
                    "{rule}: {what}: {detail:?} lacks {needle:?}"
                );
            }
        }
    }
}

/// (rule, path on the protected branch, trust ref, whether it is a file there)
const PROTECTED_FILES: &[(&str, &str, Option<&str>, bool)] = &[
    ("G6", "release-policy.toml", None, true),
    ("G6", "./release-policy.toml", None, true),
    ("G6", "release-policy.toml", Some("main"), true),
    ("G6", "no-such-file.toml", None, false),
    ("G6", "keys", None, false),
];

#[test]
fn protected_files_come_from_the_protected_branch_not_the_checkout() {
    let repo = TestRepo::new();
    let committed = std::fs::read(repo.path().join("release-policy.toml")).unwrap();
    // The checkout changes the file; the protected branch keeps what was committed.
    repo.write("release-policy.toml", "changed in the checkout\n");
    let r = Repo::discover(repo.path()).unwrap();
    for (rule, path, trust_ref, found) in PROTECTED_FILES {
        let (refname, content) =
            release_git::trust::read_protected_file(&r, "main", *trust_ref, path).unwrap();
        assert_eq!(refname, "refs/heads/main", "{rule}: {path} {trust_ref:?}");
        assert_eq!(content.is_some(), *found, "{rule}: {path} {trust_ref:?}");
        if let Some(bytes) = content {
            assert_eq!(bytes, committed, "{rule}: {path}: the committed bytes");
        }
    }
}
