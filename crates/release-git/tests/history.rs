//! Release history from the repository: 100,000 packed tags, shallow and tagless clones.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use release_testkit::git as support;

use std::time::{Duration, Instant};

use release_core::policy::Policy;
use release_git::history::{release_history, tag_names, FETCH_TAGS};
use release_git::repo::Repo;
use support::*;

/// Writes `count` tags `vA.B.C` (plus a few non-release tags) as one packed-refs file, as
/// `git pack-refs` leaves them, all on HEAD.
fn pack_tags(repo: &TestRepo, majors: u32) -> usize {
    let head = repo.head();
    let mut text = String::from("# pack-refs with: peeled fully-peeled sorted \n");
    let mut names = Vec::new();
    for a in 0..majors {
        for b in 0..100 {
            for c in 0..100 {
                names.push(format!("v{a}.{b}.{c}"));
            }
        }
    }
    names.extend([
        "docs-2024".to_string(),
        "v9.99.100-rc.1".into(),
        "v1.2".into(),
    ]);
    names.sort();
    for n in &names {
        text.push_str(&format!("{head} refs/tags/{n}\n"));
    }
    std::fs::write(repo.path().join(".git/packed-refs"), text).unwrap();
    names.len()
}

#[test]
fn history_from_100000_packed_tags_is_correct_and_fast() {
    let repo = TestRepo::new();
    let written = pack_tags(&repo, 10);
    // git agrees that they are all there.
    assert_eq!(repo.git(&["tag", "-l", "v9.99.*"]).lines().count(), 100 + 1);
    let policy = Policy::default();
    let r = Repo::discover(repo.path()).unwrap();
    let start = Instant::now();
    let history = release_history(&r, &policy).unwrap();
    let took = start.elapsed();
    assert_eq!(tag_names(&r).unwrap().len(), written);
    assert_eq!(history.len(), 100_001);
    assert_eq!(history.ignored().len(), 2);
    assert_eq!(history.newest_stable().unwrap().to_string(), "9.99.99");
    assert_eq!(history.newest().unwrap().to_string(), "9.99.100-rc.1");
    assert_eq!(
        history.newest_stable_in_line(3, 7).unwrap().to_string(),
        "3.7.99"
    );
    // Generous for a debug build on a shared 2-core machine; the release build takes ~0.1 s
    // (scripts/bench-git.sh).
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

#[test]
fn shallow_clone_is_an_environment_error() {
    let repo = TestRepo::new();
    repo.git(&["tag", "-a", "-m", "r", "v0.1.0"]);
    repo.commit("two");
    let dir = tempfile::Builder::new()
        .prefix("rgh-")
        .tempdir_in("/tmp")
        .unwrap();
    let url = format!("file://{}", repo.path().display());
    repo.git(&[
        "clone",
        "-q",
        "--depth=1",
        &url,
        dir.path().to_str().unwrap(),
    ]);
    let r = Repo::discover(dir.path()).unwrap();
    assert!(r.is_shallow());
    let err = release_history(&r, &Policy::default()).unwrap_err();
    assert_eq!(err.kind, release_git::ErrorKind::Environment);
    assert!(
        err.message.contains("shallow clone") && err.message.contains(FETCH_TAGS),
        "{err}"
    );
}

#[test]
fn clone_without_tags_is_an_environment_error() {
    let repo = TestRepo::new();
    repo.git(&["tag", "-a", "-m", "r", "v0.1.0"]);
    let dir = tempfile::Builder::new()
        .prefix("rgt-")
        .tempdir_in("/tmp")
        .unwrap();
    let url = format!("file://{}", repo.path().display());
    repo.git(&[
        "clone",
        "-q",
        "--no-tags",
        &url,
        dir.path().to_str().unwrap(),
    ]);
    let r = Repo::discover(dir.path()).unwrap();
    let err = release_history(&r, &Policy::default()).unwrap_err();
    assert!(
        err.message.contains("has a remote but no tags") && err.message.contains(FETCH_TAGS),
        "{err}"
    );
    // After fetching the tags the history is there.
    let mut c = std::process::Command::new("git");
    c.arg("-C").arg(dir.path()).args(["fetch", "-q", "--tags"]);
    repo.env(&mut c);
    assert!(c.status().unwrap().success());
    let r = Repo::discover(dir.path()).unwrap();
    let history = release_history(&r, &Policy::default()).unwrap();
    assert_eq!(history.newest_stable().unwrap().to_string(), "0.1.0");
}

#[test]
fn local_repository_without_remote_or_tags_has_an_empty_history() {
    let repo = TestRepo::new();
    let r = Repo::discover(repo.path()).unwrap();
    assert!(release_history(&r, &Policy::default()).unwrap().is_empty());
}

#[test]
fn repository_facts() {
    let repo = TestRepo::new();
    repo.git(&[
        "remote",
        "add",
        "origin",
        "git@github.com:release-rs/demo.git",
    ]);
    let r = Repo::discover(&repo.path().join("keys")).unwrap();
    assert_eq!(r.head_commit().unwrap().to_string(), repo.head());
    assert_eq!(r.current_branch().unwrap().as_deref(), Some("main"));
    assert!(r.dirty_paths().unwrap().is_empty());
    assert_eq!(
        r.origin_web_url().as_deref(),
        Some("https://github.com/release-rs/demo")
    );
    repo.write("new.txt", "x");
    assert_eq!(r.dirty_paths().unwrap(), vec!["new.txt".to_string()]);
    repo.git(&["checkout", "-q", "--detach"]);
    assert_eq!(r.current_branch().unwrap(), None);
}

#[test]
fn direct_ref_store_read_agrees_with_libgit2() {
    let repo = TestRepo::new();
    pack_tags(&repo, 1);
    // Loose tags too, nested names, one both packed and loose, and a lock file.
    repo.git(&["tag", "v7.0.0"]);
    repo.git(&["tag", "-a", "-m", "x", "team/v1.0.0"]);
    repo.git(&["tag", "-f", "v0.5.5"]);
    std::fs::write(repo.path().join(".git/refs/tags/v8.0.0.lock"), "").unwrap();
    let r = Repo::discover(repo.path()).unwrap();
    let mut fast = tag_names(&r).unwrap();
    let mut slow = release_git::history::glob_tag_names(&r).unwrap();
    fast.sort();
    slow.sort();
    assert_eq!(fast.len(), 10_000 + 3 + 2);
    assert_eq!(fast, slow);
    // A deleted packed tag is gone from both.
    repo.git(&["tag", "-d", "v0.0.1"]);
    let r = Repo::discover(repo.path()).unwrap();
    assert!(!tag_names(&r).unwrap().iter().any(|n| n == "v0.0.1"));
}
