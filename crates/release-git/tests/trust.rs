//! The trust root (G6): the keys come from the protected main branch's tree through git
//! objects, never from the tagged checkout, so a tag cannot vouch for itself. The gate runs with
//! gpg and ssh-keygen absent from `PATH`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use release_testkit::git as support;

use release_core::policy::{Policy, TaggerDateCheck};
use release_git::repo::Repo;
use release_git::verify::{self, CheckId, GateResult, Trust, TrustSource, Verification};
use release_git::ErrorKind;
use support::*;

fn working_policy(repo: &TestRepo) -> Policy {
    Policy::from_toml(&std::fs::read_to_string(repo.path().join("release-policy.toml")).unwrap())
        .unwrap()
}

/// Verifies as the CLI does: the working tree's policy for the grammar, the trust root from
/// the main branch.
/// The gate, run with gpg and ssh-keygen absent from `PATH`.
fn verify_tag(
    r: &Repo,
    name: &str,
    policy: &Policy,
    trust: &Trust,
    expect: Option<&str>,
) -> Result<Verification, release_git::GitError> {
    hide_verifiers_from_path();
    verify::verify_tag(r, name, policy, trust, expect)
}

fn gate(repo: &TestRepo, name: &str) -> Verification {
    let r = Repo::discover(repo.path()).unwrap();
    let policy = working_policy(repo);
    let trust = Trust::from_ref(&r, &policy, "release-policy.toml", None).unwrap();
    verify_tag(&r, name, &policy, &trust, None).unwrap()
}

fn gpg_tag_on(repo: &TestRepo, name: &str, key: &str, commit: &str, tagger_time: i64) {
    let p = format!(
        "object {commit}\ntype commit\ntag {name}\ntagger {ALICE} {tagger_time} +0000\n\nRelease\n"
    );
    let sig = gpg_sign(key, p.as_bytes());
    repo.raw_tag(name, format!("{p}{sig}").as_bytes());
}

fn ssh_tag_on(repo: &TestRepo, name: &str, key: &std::path::Path, who: &str) {
    let p = payload_by(&repo.head(), name, who, "Release\n");
    let sig = ssh_sign(key, "git", p.as_bytes());
    repo.raw_tag(name, format!("{p}{sig}").as_bytes());
}

#[track_caller]
fn refused_by(v: &Verification, id: CheckId, needle: &str) {
    assert!(!v.ok, "expected a refusal: {v:#?}");
    let f = v.failure().unwrap();
    assert_eq!(f.id, id, "{v:#?}");
    assert!(f.detail.contains(needle), "{:?} lacks {needle:?}", f.detail);
}

/// An attacker's branch: checked out, the tagged commit is HEAD.
fn attacker_branch(repo: &TestRepo) {
    repo.git(&["checkout", "-q", "-b", "feature/innocent"]);
}

#[test]
fn an_appended_openpgp_key_on_the_tagged_commit_is_not_trusted() {
    let repo = TestRepo::new();
    attacker_branch(&repo);
    let mut keys_file = keys().trusted_asc.clone();
    keys_file.push_str(&export_public(&keys().mallory));
    repo.write("keys/release-signers.asc", &keys_file);
    // The allow-list lives in the same file an attacker edits: widen it too.
    let policy = policy_toml(keys()).replace(
        "openpgp_fingerprints = [",
        &format!("openpgp_fingerprints = [\"{}\", ", keys().mallory),
    );
    repo.write("release-policy.toml", &policy);
    let head = repo.commit("chore: totally harmless");
    gpg_tag_on(&repo, "v1.0.0-rc.1", &keys().mallory, &head, 1_700_000_000);
    let v = gate(&repo, "v1.0.0-rc.1");
    refused_by(&v, CheckId::Signature, "not in the trusted keyring");
    match v.trust_root.as_ref().unwrap() {
        TrustSource::Ref { refname, .. } => assert_eq!(refname, "refs/heads/main"),
        other => panic!("{other:?}"),
    }
    // The same key file, read from the working tree as before, would have passed.
    let r = Repo::discover(repo.path()).unwrap();
    let p = working_policy(&repo);
    let working = Trust::from_files(&p, &repo.path().join("release-policy.toml"), repo.path());
    assert!(
        verify_tag(&r, "v1.0.0-rc.1", &p, &working, None)
            .unwrap()
            .ok
    );
}

#[test]
fn a_widened_signing_section_on_the_tagged_commit_is_not_trusted() {
    let repo = TestRepo::new();
    // Main: OpenPGP only on stable tags, and alice's key.
    repo.write(
        "release-policy.toml",
        &policy_toml(keys()).replace("stable = [\"openpgp\", \"ssh\"]", "stable = [\"openpgp\"]"),
    );
    repo.commit("policy: openpgp only");
    attacker_branch(&repo);
    // The branch: SSH on stable tags, an extra key file with mallory's key, and mallory as a
    // signer.
    repo.write("keys/extra.asc", &export_public(&keys().mallory));
    repo.write(
        "release-policy.toml",
        "[signing]\nopenpgp_keys = [\"keys/extra.asc\"]\nssh_allowed_signers = \".github/allowed_signers\"\nstable = [\"openpgp\", \"ssh\"]\n",
    );
    let head = repo.commit("chore: signing");
    gpg_tag_on(&repo, "v1.0.0-rc.1", &keys().mallory, &head, 1_700_000_000);
    refused_by(
        &gate(&repo, "v1.0.0-rc.1"),
        CheckId::Signature,
        "not in the trusted keyring",
    );
    // A stable tag signed with ssh by an allowed signer: the branch allows ssh, main does not.
    ssh_tag_on(
        &repo,
        "v1.0.0",
        &keys().ssh_alice,
        "Alice <alice@example.org>",
    );
    refused_by(
        &gate(&repo, "v1.0.0"),
        CheckId::Signature,
        "ssh signatures are not accepted on stable tags",
    );
}

#[test]
fn an_extended_allowed_signers_file_on_the_tagged_commit_is_not_trusted() {
    let repo = TestRepo::new();
    attacker_branch(&repo);
    let mut allowed = keys().allowed_signers.clone();
    allowed.push_str(&allowed_signer_line(
        "mallory@example.org",
        &keys().ssh_mallory,
    ));
    repo.write(".github/allowed_signers", &allowed);
    repo.commit("chore: add a contributor");
    ssh_tag_on(
        &repo,
        "v1.0.0-rc.1",
        &keys().ssh_mallory,
        "Mallory <mallory@example.org>",
    );
    refused_by(
        &gate(&repo, "v1.0.0-rc.1"),
        CheckId::Signature,
        "not allowed for any principal",
    );
}

#[test]
fn a_key_added_on_main_by_a_merged_commit_is_trusted_after() {
    let repo = TestRepo::new();
    repo.git(&["checkout", "-q", "-b", "add-mallory"]);
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
    let head = repo.commit("keys: add mallory as a release signer");
    gpg_tag_on(&repo, "v1.0.0-rc.1", &keys().mallory, &head, 1_700_000_000);
    assert!(!gate(&repo, "v1.0.0-rc.1").ok, "not merged yet");
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&[
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge add-mallory",
        "add-mallory",
    ]);
    let v = gate(&repo, "v1.0.0-rc.1");
    assert!(v.ok, "{v:#?}");
    assert_eq!(v.signer.as_deref(), Some(keys().mallory.as_str()));
}

#[test]
fn origin_main_is_preferred_over_the_local_branch() {
    let repo = TestRepo::new();
    let trusted = repo.head();
    // The local main gains mallory's key; origin/main (what CI fetched) does not have it.
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
    let head = repo.commit("local only");
    repo.git(&["update-ref", "refs/remotes/origin/main", &trusted]);
    gpg_tag_on(&repo, "v1.0.0-rc.1", &keys().mallory, &head, 1_700_000_000);
    let v = gate(&repo, "v1.0.0-rc.1");
    refused_by(&v, CheckId::Signature, "not in the trusted keyring");
    assert_eq!(
        v.trust_root,
        Some(TrustSource::Ref {
            refname: "refs/remotes/origin/main".into(),
            commit: trusted,
            policy: Some("release-policy.toml".into()),
        })
    );
}

#[test]
fn a_missing_trust_ref_is_an_environment_error_with_the_fetch_to_run() {
    let repo = TestRepo::new();
    repo.git(&["branch", "-m", "main", "trunk"]);
    let r = Repo::discover(repo.path()).unwrap();
    let err = Trust::from_ref(&r, &working_policy(&repo), "release-policy.toml", None).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Environment);
    assert!(
        err.message.contains("git fetch origin main"),
        "{}",
        err.message
    );
    // Named explicitly, another protected ref works; a tag of that name is never used.
    repo.git(&["tag", "-a", "-m", "x", "release-branch"]);
    let err = Trust::from_ref(
        &r,
        &working_policy(&repo),
        "release-policy.toml",
        Some("release-branch"),
    )
    .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Environment);
    let trust = Trust::from_ref(
        &r,
        &working_policy(&repo),
        "release-policy.toml",
        Some("trunk"),
    )
    .unwrap();
    assert!(
        matches!(trust.source, TrustSource::Ref { ref refname, .. } if refname == "refs/heads/trunk")
    );
}

#[test]
fn a_checkout_that_renames_the_main_branch_is_not_believed() {
    let repo = TestRepo::new();
    let trusted = repo.head();
    repo.git(&["update-ref", "refs/remotes/origin/main", &trusted]);
    repo.git(&[
        "symbolic-ref",
        "refs/remotes/origin/HEAD",
        "refs/remotes/origin/main",
    ]);
    // The attacker's branch names itself the main branch and carries its own keys.
    repo.git(&["checkout", "-q", "-b", "evil"]);
    repo.write(
        "release-policy.toml",
        &format!("main_branch = \"evil\"\n{}", policy_toml(keys())),
    );
    let head = repo.commit("main is evil now");
    repo.git(&["update-ref", "refs/remotes/origin/evil", &head]);
    let r = Repo::discover(repo.path()).unwrap();
    let err = Trust::from_ref(&r, &working_policy(&repo), "release-policy.toml", None).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Environment);
    assert!(
        err.message
            .contains("origin's default branch is origin/main"),
        "{}",
        err.message
    );
}

#[test]
fn a_stable_tag_off_main_and_off_any_hotfix_branch_is_refused() {
    let repo = TestRepo::new();
    attacker_branch(&repo);
    let head = repo.commit("unreviewed");
    gpg_tag_on(&repo, "v1.0.0", &keys().alice, &head, 1_700_000_000);
    let v = gate(&repo, "v1.0.0");
    refused_by(
        &v,
        CheckId::Reachable,
        "is not reachable from refs/heads/main",
    );
    // A candidate may be cut anywhere.
    gpg_tag_on(&repo, "v1.0.0-rc.1", &keys().alice, &head, 1_700_000_000);
    let v = gate(&repo, "v1.0.0-rc.1");
    assert!(v.ok, "{v:#?}");
    assert_eq!(
        v.check(CheckId::Reachable).unwrap().result,
        GateResult::Skip
    );
}

#[test]
fn a_hotfix_branch_of_the_line_cut_from_its_stable_tag_is_accepted() {
    let repo = TestRepo::new();
    let base = repo.head();
    gpg_tag_on(&repo, "v1.0.0", &keys().alice, &base, 1_700_000_000);
    repo.commit("feat: 1.1 work");
    gpg_tag_on(&repo, "v1.1.0", &keys().alice, &repo.head(), 1_700_000_000);
    repo.git(&["checkout", "-q", "-b", "hotfix/v1.0.1", "v1.0.0"]);
    let fix = repo.commit("fix: the 1.0 line");
    gpg_tag_on(&repo, "v1.0.1", &keys().alice, &fix, 1_700_000_000);
    let v = gate(&repo, "v1.0.1");
    assert!(v.ok, "{v:#?}");
    assert!(v
        .check(CheckId::Reachable)
        .unwrap()
        .detail
        .contains("hotfix/v1.0.1"));
    // A hotfix branch of another line does not cover it.
    repo.git(&["branch", "-m", "hotfix/v1.0.1", "hotfix/v1.1.1"]);
    refused_by(&gate(&repo, "v1.0.1"), CheckId::Reachable, "1.0 line");
    // With the switch off, reachability is not required (and says so).
    let r = Repo::discover(repo.path()).unwrap();
    let mut policy = working_policy(&repo);
    policy.signing.require_reachable = false;
    let trust = Trust::from_files(
        &policy,
        &repo.path().join("release-policy.toml"),
        repo.path(),
    );
    let v = verify_tag(&r, "v1.0.1", &policy, &trust, None).unwrap();
    assert!(v.ok, "{v:#?}");
    assert!(v
        .check(CheckId::Reachable)
        .unwrap()
        .detail
        .contains("require_reachable = false"));
}

#[test]
fn implausible_tagger_dates_warn_by_default_and_can_be_refused() {
    let repo = TestRepo::new();
    let head = repo.head();
    // 2100-01-01 and 1990-01-01; the commit is dated 2023-11-14.
    gpg_tag_on(&repo, "v1.0.0", &keys().alice, &head, 4_102_444_800);
    gpg_tag_on(&repo, "v1.0.1", &keys().alice, &head, 631_152_000);
    for (tag, needle) in [("v1.0.0", "in the future"), ("v1.0.1", "before its commit")] {
        let v = gate(&repo, tag);
        assert!(v.ok, "{v:#?}");
        let c = v.check(CheckId::TaggerDate).unwrap();
        assert_eq!(c.result, GateResult::Warn, "{c:?}");
        assert!(c.detail.contains(needle), "{c:?}");
        let r = Repo::discover(repo.path()).unwrap();
        let mut policy = working_policy(&repo);
        policy.signing.tagger_date = TaggerDateCheck::Deny;
        let trust = Trust::from_files(
            &policy,
            &repo.path().join("release-policy.toml"),
            repo.path(),
        );
        let v = verify_tag(&r, tag, &policy, &trust, None).unwrap();
        refused_by(&v, CheckId::TaggerDate, needle);
    }
    // A tag made now, on a commit of 2023, is fine.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    gpg_tag_on(&repo, "v1.0.2", &keys().alice, &head, now);
    let v = gate(&repo, "v1.0.2");
    assert_eq!(
        v.check(CheckId::TaggerDate).unwrap().result,
        GateResult::Pass
    );
}

#[test]
fn a_pgp_message_block_is_not_a_signature() {
    let repo = TestRepo::new();
    let p = payload(&repo.head(), "commit", "v1.0.0", "Release\n");
    let sig =
        gpg_sign(&keys().alice, p.as_bytes()).replace("PGP SIGNATURE-----", "PGP MESSAGE-----");
    repo.raw_tag("v1.0.0", format!("{p}{sig}").as_bytes());
    refused_by(&gate(&repo, "v1.0.0"), CheckId::Armor, "PGP MESSAGE");
}
