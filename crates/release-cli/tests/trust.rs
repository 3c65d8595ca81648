//! The trust root through the binary (G6): `release ci` and `verify-tag` read the keys from the
//! protected branch, an operator's `--policy` outside the checkout is used as given, and what a
//! tag object says reaches the terminal escaped.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use release_testkit::git as support;

use std::process::{Command, Output};

use support::*;

const CHANGELOG: &str = "# Changelog\n\n## [Unreleased]\n\n## [0.4.0] - 2026-07-20\n\n### Added\n\n- Mail import.\n\n## [0.3.0] - 2026-06-01\n\n### Added\n\n- Old.\n";

fn release(repo: &TestRepo, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_release"));
    cmd.args(args).current_dir(repo.path());
    repo.env(&mut cmd);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn signed_tag(repo: &TestRepo, name: &str, key: &str, commit: &str) {
    let p = format!(
        "object {commit}\ntype commit\ntag {name}\ntagger {ALICE} 1700000000 +0000\n\nRelease {name}\n"
    );
    let sig = gpg_sign(key, p.as_bytes());
    repo.raw_tag(name, format!("{p}{sig}").as_bytes());
}

/// A pull-request branch that adds its author's key to the trusted file (and the allow-list)
/// and a tag signed with that key on it.
fn self_authorised(repo: &TestRepo, tag: &str) -> String {
    repo.write("CHANGELOG.md", CHANGELOG);
    repo.commit("docs: changelog");
    repo.git(&["checkout", "-q", "-b", "pr/helpful"]);
    let mut keys_file = keys().trusted_asc.clone();
    keys_file.push_str(&export_public(&keys().mallory));
    repo.write("keys/release-signers.asc", &keys_file);
    repo.write(
        "release-policy.toml",
        &policy_toml(keys()).replace(
            "openpgp_fingerprints = [",
            &format!("openpgp_fingerprints = [\"{}\", ", keys().mallory),
        ),
    );
    let sha = repo.commit("chore: tidy");
    signed_tag(repo, tag, &keys().mallory, &sha);
    sha
}

#[test]
fn release_ci_refuses_a_tag_whose_commit_trusts_its_own_key() {
    let repo = TestRepo::new();
    let sha = self_authorised(&repo, "v0.4.0-rc.1");
    let out = release(
        &repo,
        &["ci", "--no-github", "--notes-file", ".git/notes.md"],
        &[
            ("GITHUB_REF", "refs/tags/v0.4.0-rc.1"),
            ("GITHUB_SHA", &sha),
            ("GITHUB_EVENT_NAME", "push"),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let t = text(&out);
    assert!(t.contains("signature check failed"), "{t}");
    assert!(t.contains("not in the trusted keyring"), "{t}");
    assert!(t.contains("refs/heads/main"), "{t}");
    // The same tag, verified by hand, names the trust root it used.
    let out = release(&repo, &["verify-tag", "v0.4.0-rc.1"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("trust root: release-policy.toml on refs/heads/main"));
}

#[test]
fn release_ci_trusts_a_key_once_it_is_merged_to_main() {
    let repo = TestRepo::new();
    let sha = self_authorised(&repo, "v0.4.0-rc.1");
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["merge", "-q", "--ff-only", "pr/helpful"]);
    let out = release(
        &repo,
        &["ci", "--no-github", "--notes-file", ".git/notes.md"],
        &[
            ("GITHUB_REF", "refs/tags/v0.4.0-rc.1"),
            ("GITHUB_SHA", &sha),
            ("GITHUB_EVENT_NAME", "push"),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("trust root: release-policy.toml on refs/heads/main"));
}

#[test]
fn release_ci_without_the_main_branch_says_what_to_fetch() {
    let repo = TestRepo::new();
    let sha = self_authorised(&repo, "v0.4.0-rc.1");
    repo.git(&["branch", "-q", "-D", "main"]);
    let out = release(
        &repo,
        &["ci", "--no-github", "--notes-file", ".git/notes.md"],
        &[
            ("GITHUB_REF", "refs/tags/v0.4.0-rc.1"),
            ("GITHUB_SHA", &sha),
            ("GITHUB_EVENT_NAME", "push"),
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(text(&out).contains("git fetch origin main:refs/remotes/origin/main"));
}

#[test]
fn an_operator_policy_outside_the_checkout_is_the_trust_root() {
    let repo = TestRepo::new();
    let sha = self_authorised(&repo, "v0.4.0-rc.1");
    let _ = sha;
    // The operator's own policy and key file, outside the repository: mallory is trusted
    // there, so the verdict follows the operator, and the repository is the current one.
    let outside = tempfile::Builder::new()
        .prefix("rgo-")
        .tempdir_in("/tmp")
        .unwrap();
    std::fs::create_dir_all(outside.path().join("keys")).unwrap();
    std::fs::write(
        outside.path().join("keys/release-signers.asc"),
        export_public(&keys().mallory),
    )
    .unwrap();
    std::fs::write(
        outside.path().join("release-policy.toml"),
        "[signing]\nopenpgp_keys = [\"keys/release-signers.asc\"]\n",
    )
    .unwrap();
    let policy = outside.path().join("release-policy.toml");
    let out = release(
        &repo,
        &[
            "--policy",
            policy.to_str().unwrap(),
            "verify-tag",
            "v0.4.0-rc.1",
            "--json",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["trust_root"]["kind"], "file");
    assert_eq!(v["trust_root"]["path"], policy.to_str().unwrap());
    // An alice-signed tag is not trusted by that operator.
    signed_tag(&repo, "v0.4.0-rc.2", &keys().alice, &repo.head());
    let out = release(
        &repo,
        &[
            "--policy",
            policy.to_str().unwrap(),
            "verify-tag",
            "v0.4.0-rc.2",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(!text(&out).contains("not inside a git repository"));
}

#[test]
fn tag_object_bytes_are_escaped_on_a_terminal_and_exact_in_json() {
    let repo = TestRepo::new();
    // A malformed tagger header carrying a carriage return and an escape sequence that would
    // draw a fake verdict over the refusal.
    let forged =
        "Alice <alice@example.org> 1700000000 +0000\r\x1b[2Kv1.0.0: ok (good openpgp signature)";
    let p = format!(
        "object {}\ntype commit\ntag v1.0.0\ntagger {forged}\n\nRelease\n",
        repo.head()
    );
    repo.raw_tag("v1.0.0", p.as_bytes());
    let out = release(&repo, &["verify-tag", "v1.0.0"], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let t = text(&out);
    assert!(!t.contains('\r') && !t.contains('\x1b'), "{t:?}");
    assert!(t.contains("\\r\\e[2K"), "{t}");
    let out = release(&repo, &["verify-tag", "v1.0.0", "--json"], &[]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let failed = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["result"] == "fail")
        .unwrap();
    assert!(failed["detail"].as_str().unwrap().contains("\r\x1b[2K"));
}
