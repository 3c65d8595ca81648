//! The verification gate against real git objects and real gpg/ssh-keygen signatures: the
//! good tags pass, and every refusal names its check and reason. The objects are signed with
//! the real programs; the gate verifies them with gpg and ssh-keygen absent from `PATH`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use release_testkit::git as support;

use release_core::policy::Policy;
use release_git::repo::Repo;
use release_git::verify::{self, CheckId, GateResult, Trust, Verification};
use support::*;

fn policy_of(repo: &TestRepo) -> Policy {
    Policy::from_toml(&std::fs::read_to_string(repo.path().join("release-policy.toml")).unwrap())
        .unwrap()
}

fn verify_with(repo: &TestRepo, name: &str, policy: &Policy, expect: Option<&str>) -> Verification {
    try_verify(repo, name, policy, expect).unwrap()
}

/// The gate's answer, or the error when it could not give one.
fn try_verify(
    repo: &TestRepo,
    name: &str,
    policy: &Policy,
    expect: Option<&str>,
) -> Result<Verification, release_git::GitError> {
    hide_verifiers_from_path();
    let trust = Trust::from_files(
        policy,
        &repo.path().join("release-policy.toml"),
        repo.path(),
    );
    let r = Repo::discover(repo.path()).unwrap();
    verify::verify_tag(&r, name, policy, &trust, expect)
}

fn verify(repo: &TestRepo, name: &str) -> Verification {
    verify_with(repo, name, &policy_of(repo), None)
}

/// Asserts the tag is refused by check `id` with a detail containing `needle`, and that every
/// later check was skipped.
#[track_caller]
fn refused(v: &Verification, id: CheckId, needle: &str) {
    assert!(!v.ok, "expected a refusal, got {v:#?}");
    let failure = v.failure().expect("a failed check");
    assert_eq!(failure.id, id, "{v:#?}");
    assert!(
        failure.detail.contains(needle),
        "{:?} does not contain {needle:?}",
        failure.detail
    );
    assert_eq!(v.checks.len(), CheckId::ALL.len());
    let at = CheckId::ALL.iter().position(|c| *c == id).unwrap();
    for check in &v.checks[at + 1..] {
        assert_eq!(check.result, GateResult::Skip, "{v:#?}");
    }
}

/// A tag object on HEAD signed by an OpenPGP key.
fn gpg_tag(repo: &TestRepo, name: &str, key: &str) -> String {
    let p = payload(&repo.head(), "commit", name, "Release\n");
    let sig = gpg_sign(key, p.as_bytes());
    repo.raw_tag(name, format!("{p}{sig}").as_bytes())
}

fn ssh_tag(repo: &TestRepo, name: &str, key: &std::path::Path, tagger: &str, ns: &str) -> String {
    let p = payload_by(&repo.head(), name, tagger, "Release\n");
    let sig = ssh_sign(key, ns, p.as_bytes());
    repo.raw_tag(name, format!("{p}{sig}").as_bytes())
}

#[test]
fn good_openpgp_stable_tag_passes() {
    let repo = TestRepo::new();
    gpg_tag(&repo, "v1.0.0", &keys().alice);
    let v = verify_with(&repo, "v1.0.0", &policy_of(&repo), Some(&repo.head()));
    assert!(v.ok, "{v:#?}");
    assert_eq!(v.signer.as_deref(), Some(keys().alice.as_str()));
    assert_eq!(v.format, Some("openpgp"));
    assert_eq!(v.stage, Some("stable"));
    assert_eq!(
        v.check(CheckId::Name).map(|c| c.detail.as_str()),
        Some("v1.0.0 is a stable release tag")
    );
    assert_eq!(v.commit.as_deref(), Some(repo.head().as_str()));
    assert!(
        v.checks.iter().all(|c| c.result == GateResult::Pass),
        "{v:#?}"
    );
    // git itself agrees (with the signer's keyring).
    assert!(repo.git_output(&["tag", "-v", "v1.0.0"]).status.success());
}

#[test]
fn good_ssh_tag_passes() {
    let repo = TestRepo::new();
    ssh_tag(&repo, "v1.0.0", &keys().ssh_alice, ALICE, "git");
    let v = verify(&repo, "v1.0.0");
    assert!(v.ok, "{v:#?}");
    assert_eq!(v.format, Some("ssh"));
    assert!(v
        .signer
        .as_deref()
        .unwrap()
        .starts_with("alice@example.org (SHA256:"));
}

#[test]
fn lightweight_tag_is_refused() {
    let repo = TestRepo::new();
    repo.git(&["tag", "v1.0.0"]);
    refused(
        &verify(&repo, "v1.0.0"),
        CheckId::Annotated,
        "lightweight tag",
    );
}

#[test]
fn unsigned_stable_tag_is_refused() {
    let repo = TestRepo::new();
    repo.raw_tag(
        "v1.0.0",
        payload(&repo.head(), "commit", "v1.0.0", "m\n").as_bytes(),
    );
    refused(
        &verify(&repo, "v1.0.0"),
        CheckId::Signature,
        "unsigned stable tag",
    );
}

#[test]
fn unsigned_candidate_passes_with_a_warning() {
    let repo = TestRepo::new();
    repo.raw_tag(
        "v1.0.0-rc.1",
        payload(&repo.head(), "commit", "v1.0.0-rc.1", "m\n").as_bytes(),
    );
    let v = verify(&repo, "v1.0.0-rc.1");
    assert!(v.ok, "{v:#?}");
    assert_eq!(v.stage, Some("candidate"));
    let warning = v.warnings().next().expect("a warning");
    assert_eq!(warning.id, CheckId::Signature);
    assert!(warning.detail.contains("unsigned release candidate"));
}

#[test]
fn unsigned_candidate_is_refused_under_deny() {
    let repo = TestRepo::new();
    repo.raw_tag(
        "v1.0.0-rc.1",
        payload(&repo.head(), "commit", "v1.0.0-rc.1", "m\n").as_bytes(),
    );
    let mut policy = policy_of(&repo);
    policy.signing.candidate_unsigned = release_core::policy::UnsignedCandidate::Deny;
    refused(
        &verify_with(&repo, "v1.0.0-rc.1", &policy, None),
        CheckId::Signature,
        "candidate_unsigned = \"deny\"",
    );
}

#[test]
fn signature_by_untrusted_key_is_refused() {
    let repo = TestRepo::new();
    gpg_tag(&repo, "v1.0.0", &keys().mallory);
    // git tag -v accepts it: the key is in the user's keyring.
    assert!(repo.git_output(&["tag", "-v", "v1.0.0"]).status.success());
    refused(
        &verify(&repo, "v1.0.0"),
        CheckId::Signature,
        "not in the trusted keyring",
    );
}

#[test]
fn trusted_looking_key_outside_the_allow_list_is_refused() {
    let repo = TestRepo::new();
    gpg_tag(&repo, "v1.0.0", &keys().carol);
    refused(
        &verify(&repo, "v1.0.0"),
        CheckId::Signature,
        "not in the allow-list",
    );
}

#[test]
fn empty_allow_list_trusts_every_key_in_the_file() {
    let repo = TestRepo::new();
    gpg_tag(&repo, "v1.0.0", &keys().carol);
    let mut policy = policy_of(&repo);
    policy.signing.openpgp_fingerprints.clear();
    assert!(verify_with(&repo, "v1.0.0", &policy, None).ok);
}

#[test]
fn missing_public_key_file_is_refused() {
    let repo = TestRepo::new();
    gpg_tag(&repo, "v1.0.0", &keys().alice);
    let mut policy = policy_of(&repo);
    policy.signing.openpgp_keys = vec!["keys/missing.asc".into()];
    refused(
        &verify_with(&repo, "v1.0.0", &policy, None),
        CheckId::Signature,
        "keys/missing.asc does not exist",
    );
}

#[test]
fn no_trusted_key_configured_is_refused_with_how_to_fix() {
    let repo = TestRepo::new();
    gpg_tag(&repo, "v1.0.0", &keys().alice);
    let mut policy = policy_of(&repo);
    policy.signing.openpgp_keys.clear();
    refused(
        &verify_with(&repo, "v1.0.0", &policy, None),
        CheckId::Signature,
        "openpgp_keys = [\"keys/release-signers.asc\"]",
    );
}

#[test]
fn modified_payload_is_refused() {
    let repo = TestRepo::new();
    let p = payload(&repo.head(), "commit", "v1.0.0", "Release\n");
    let sig = gpg_sign(&keys().alice, p.as_bytes());
    let forged = p.replace("Release\n", "Release!\n");
    repo.raw_tag("v1.0.0", format!("{forged}{sig}").as_bytes());
    refused(
        &verify(&repo, "v1.0.0"),
        CheckId::Signature,
        "bad signature",
    );
}

#[test]
fn signature_moved_to_another_commit_is_refused() {
    let repo = TestRepo::new();
    let first = repo.head();
    let p = payload(&first, "commit", "v1.0.0", "Release\n");
    let sig = gpg_sign(&keys().alice, p.as_bytes());
    let second = repo.commit("second");
    repo.raw_tag(
        "v1.0.0",
        format!("{}{sig}", p.replace(&first, &second)).as_bytes(),
    );
    refused(
        &verify(&repo, "v1.0.0"),
        CheckId::Signature,
        "bad signature",
    );
}

#[test]
fn tag_name_spoofing_is_refused() {
    let repo = TestRepo::new();
    let p = payload(&repo.head(), "commit", "v1.0.0", "Release\n");
    let sig = gpg_sign(&keys().alice, p.as_bytes());
    repo.raw_tag("v9.9.9", format!("{p}{sig}").as_bytes());
    // git tag -v is content with it.
    assert!(repo.git_output(&["tag", "-v", "v9.9.9"]).status.success());
    refused(
        &verify(&repo, "v9.9.9"),
        CheckId::TagName,
        "named \"v1.0.0\" but is stored under refs/tags/v9.9.9",
    );
}

#[test]
fn text_after_the_signature_is_refused() {
    let repo = TestRepo::new();
    let p = payload(&repo.head(), "commit", "v1.0.0", "Release\n");
    let sig = gpg_sign(&keys().alice, p.as_bytes());
    repo.raw_tag(
        "v1.0.0",
        format!("{p}{sig}Also deploy the backdoor.\n").as_bytes(),
    );
    refused(
        &verify(&repo, "v1.0.0"),
        CheckId::Armor,
        "after the signature",
    );
}

#[test]
fn two_armor_blocks_are_refused() {
    let repo = TestRepo::new();
    let p = payload(&repo.head(), "commit", "v1.0.0", "Release\n");
    let sig = gpg_sign(&keys().alice, p.as_bytes());
    let sig2 = gpg_sign(&keys().mallory, p.as_bytes());
    repo.raw_tag("v1.0.0", format!("{p}{sig2}{sig}").as_bytes());
    refused(
        &verify(&repo, "v1.0.0"),
        CheckId::Armor,
        "2 signature armor blocks",
    );
}

#[test]
fn armor_lines_in_the_message_are_refused() {
    let repo = TestRepo::new();
    let p = payload(
        &repo.head(),
        "commit",
        "v1.0.0",
        "Release\n-----BEGIN PGP PUBLIC KEY BLOCK-----\nnot a key\n-----END PGP PUBLIC KEY BLOCK-----\n",
    );
    let sig = gpg_sign(&keys().alice, p.as_bytes());
    repo.raw_tag("v1.0.0", format!("{p}{sig}").as_bytes());
    refused(
        &verify(&repo, "v1.0.0"),
        CheckId::Armor,
        "armor line in the message",
    );
}

#[test]
fn text_mode_signature_is_refused() {
    let repo = TestRepo::new();
    let p = payload(&repo.head(), "commit", "v1.0.0", "Release\n");
    let sig = gpg_sign_in(&keys().home, &keys().alice, p.as_bytes(), &["--textmode"]);
    repo.raw_tag("v1.0.0", format!("{p}{sig}").as_bytes());
    refused(&verify(&repo, "v1.0.0"), CheckId::Signature, "text-mode");
}

#[test]
fn expired_key_is_refused() {
    let repo = TestRepo::new();
    let p = payload(&repo.head(), "commit", "v1.0.0", "Release\n");
    let sig = gpg_sign_in(
        &keys().home,
        &keys().eve,
        p.as_bytes(),
        &["--faked-system-time", "20200101T120000!"],
    );
    repo.raw_tag("v1.0.0", format!("{p}{sig}").as_bytes());
    // The refusal says when: eve's key was made on 2020-01-01 to last one day.
    refused(
        &verify(&repo, "v1.0.0"),
        CheckId::Signature,
        "which has expired (on 2020-01-02) (G2)",
    );
}

#[test]
fn revoked_key_is_refused() {
    let repo = TestRepo::new();
    let p = payload(&repo.head(), "commit", "v1.0.0", "Release\n");
    let sig = gpg_sign_in(&keys().rex_home, &keys().rex, p.as_bytes(), &[]);
    repo.raw_tag("v1.0.0", format!("{p}{sig}").as_bytes());
    refused(&verify(&repo, "v1.0.0"), CheckId::Signature, "revoked");
}

fn signed_on(repo: &TestRepo, name: &str, object: &str, kind: &str) {
    let p = payload(object, kind, name, "Release\n");
    let sig = gpg_sign(&keys().alice, p.as_bytes());
    repo.raw_tag(name, format!("{p}{sig}").as_bytes());
}

#[test]
fn tag_pointing_at_a_tree_is_refused() {
    let repo = TestRepo::new();
    let tree = repo.git(&["rev-parse", "HEAD^{tree}"]);
    signed_on(&repo, "v1.0.0", &tree, "tree");
    refused(
        &verify(&repo, "v1.0.0"),
        CheckId::Target,
        "points at a tree",
    );
}

#[test]
fn tag_pointing_at_a_blob_is_refused() {
    let repo = TestRepo::new();
    let blob = repo.git(&["rev-parse", "HEAD:README.md"]);
    signed_on(&repo, "v1.0.0", &blob, "blob");
    refused(
        &verify(&repo, "v1.0.0"),
        CheckId::Target,
        "points at a blob",
    );
}

#[test]
fn tag_pointing_at_another_tag_is_refused() {
    let repo = TestRepo::new();
    let inner = gpg_tag(&repo, "v0.9.0", &keys().alice);
    signed_on(&repo, "v1.0.0", &inner, "tag");
    refused(
        &verify(&repo, "v1.0.0"),
        CheckId::Target,
        "nested tags are refused",
    );
}

#[test]
fn type_header_not_matching_the_object_is_refused() {
    let repo = TestRepo::new();
    signed_on(&repo, "v1.0.0", &repo.head(), "tree");
    refused(
        &verify(&repo, "v1.0.0"),
        CheckId::Type,
        "says tree but object",
    );
}

#[test]
fn target_missing_from_the_repository_is_refused() {
    let repo = TestRepo::new();
    signed_on(
        &repo,
        "v1.0.0",
        "1111111111111111111111111111111111111111",
        "commit",
    );
    refused(&verify(&repo, "v1.0.0"), CheckId::Type, "does not exist");
}

#[test]
fn header_injection_in_a_name_is_refused() {
    let repo = TestRepo::new();
    let policy = policy_of(&repo);
    let v = verify_with(&repo, "v1.0.0\ntype tree", &policy, None);
    refused(&v, CheckId::Name, "control character");
    let err = release_git::tagobj::validate_tag_name("v1.0.0\ntagger x", &policy).unwrap_err();
    assert!(err.message.contains("inject tag object headers"), "{err}");
}

#[test]
fn non_ascii_look_alike_names_are_refused() {
    let repo = TestRepo::new();
    for name in [
        "v１.0.0",
        "v1.0.0\u{2010}rc.1",
        "\u{0475}1.0.0",
        "v1.0.0-rс.1",
    ] {
        refused(&verify(&repo, name), CheckId::Name, "non-ASCII");
    }
}

#[test]
fn a_name_that_is_not_a_release_tag_is_refused() {
    let repo = TestRepo::new();
    refused(&verify(&repo, "v1.0"), CheckId::Name, "three numbers");
    refused(
        &verify(&repo, "v1.0.0+build.1"),
        CheckId::Name,
        "build metadata",
    );
    refused(
        &verify(&repo, "v1.0.0-beta.1"),
        CheckId::Name,
        "not allowed by the policy",
    );
}

#[test]
fn missing_ref_is_refused() {
    let repo = TestRepo::new();
    refused(
        &verify(&repo, "v1.2.3"),
        CheckId::Ref,
        "refs/tags/v1.2.3 does not exist",
    );
}

#[test]
fn symbolic_tag_ref_is_refused() {
    let repo = TestRepo::new();
    gpg_tag(&repo, "v0.9.0", &keys().alice);
    repo.git(&["symbolic-ref", "refs/tags/v1.0.0", "refs/tags/v0.9.0"]);
    refused(&verify(&repo, "v1.0.0"), CheckId::Ref, "symbolic");
}

#[test]
fn expected_sha_mismatch_is_refused() {
    let repo = TestRepo::new();
    gpg_tag(&repo, "v1.0.0", &keys().alice);
    let other = "2222222222222222222222222222222222222222";
    let v = verify_with(&repo, "v1.0.0", &policy_of(&repo), Some(other));
    refused(&v, CheckId::ExpectedCommit, "expected commit is 2222");
}

#[test]
fn abbreviated_expected_sha_is_bad_input() {
    let repo = TestRepo::new();
    gpg_tag(&repo, "v1.0.0", &keys().alice);
    let policy = policy_of(&repo);
    let trust = Trust::from_files(
        &policy,
        &repo.path().join("release-policy.toml"),
        repo.path(),
    );
    let r = Repo::discover(repo.path()).unwrap();
    hide_verifiers_from_path();
    let err =
        verify::verify_tag(&r, "v1.0.0", &policy, &trust, Some(&repo.head()[..7])).unwrap_err();
    assert_eq!(err.kind, release_git::ErrorKind::Input);
    assert!(err.message.contains("abbreviated ids are refused"));
}

#[test]
fn ssh_principal_mismatch_is_refused() {
    let repo = TestRepo::new();
    // Bob's key is allowed, for bob; the tagger claims to be alice.
    ssh_tag(&repo, "v1.0.0", &keys().ssh_bob, ALICE, "git");
    refused(&verify(&repo, "v1.0.0"), CheckId::Signature, "principal mismatch: the key is allowed for bob@example.org but the tagger is alice@example.org");
}

#[test]
fn ssh_wrong_namespace_is_refused() {
    let repo = TestRepo::new();
    ssh_tag(&repo, "v1.0.0", &keys().ssh_alice, ALICE, "file");
    refused(&verify(&repo, "v1.0.0"), CheckId::Signature, "namespace");
}

#[test]
fn ssh_key_not_in_allowed_signers_is_refused() {
    let repo = TestRepo::new();
    ssh_tag(&repo, "v1.0.0", &keys().ssh_mallory, ALICE, "git");
    refused(
        &verify(&repo, "v1.0.0"),
        CheckId::Signature,
        "not allowed for any principal",
    );
}

#[test]
fn ssh_key_expired_in_allowed_signers_is_refused() {
    let repo = TestRepo::new();
    ssh_tag(
        &repo,
        "v1.0.0",
        &keys().ssh_eve,
        "Eve Expired <eve@example.org>",
        "git",
    );
    // The refusal names the line and the day it ended (valid-before="20200101").
    refused(
        &verify(&repo, "v1.0.0"),
        CheckId::Signature,
        "(eve@example.org) expired on 2020-01-01 (valid-before)",
    );
}

#[test]
fn ssh_on_a_stable_tag_is_refused_when_the_policy_wants_openpgp() {
    let repo = TestRepo::new();
    ssh_tag(&repo, "v1.0.0", &keys().ssh_alice, ALICE, "git");
    let mut policy = policy_of(&repo);
    policy.signing.stable = vec![release_core::policy::SignatureFormat::Openpgp];
    refused(
        &verify_with(&repo, "v1.0.0", &policy, None),
        CheckId::Signature,
        "ssh signatures are not accepted on stable tags (signing.stable = [\"openpgp\"])",
    );
}

#[test]
fn openpgp_on_a_candidate_is_refused_when_the_policy_wants_ssh() {
    let repo = TestRepo::new();
    gpg_tag(&repo, "v1.0.0-rc.1", &keys().alice);
    let mut policy = policy_of(&repo);
    policy.signing.candidate = vec![release_core::policy::SignatureFormat::Ssh];
    refused(
        &verify_with(&repo, "v1.0.0-rc.1", &policy, None),
        CheckId::Signature,
        "openpgp signatures are not accepted on candidate tags (signing.candidate = [\"ssh\"])",
    );
}

#[test]
fn missing_allowed_signers_file_is_refused() {
    let repo = TestRepo::new();
    ssh_tag(&repo, "v1.0.0", &keys().ssh_alice, ALICE, "git");
    let mut policy = policy_of(&repo);
    policy.signing.ssh_allowed_signers = "nope/allowed_signers".into();
    refused(
        &verify_with(&repo, "v1.0.0", &policy, None),
        CheckId::Signature,
        "no SSH allowed-signers file",
    );
}

#[test]
fn swapped_headers_are_refused() {
    let repo = TestRepo::new();
    let p = format!(
        "type commit\nobject {}\ntag v1.0.0\ntagger {ALICE} 1700000000 +0000\n\nm\n",
        repo.head()
    );
    repo.raw_tag("v1.0.0", p.as_bytes());
    refused(
        &verify(&repo, "v1.0.0"),
        CheckId::Headers,
        "expected `object",
    );
}

#[test]
fn extra_header_is_refused() {
    let repo = TestRepo::new();
    let p = format!(
        "object {}\ntype commit\ntag v1.0.0\ntagger {ALICE} 1700000000 +0000\nencoding ISO-8859-1\n\nm\n",
        repo.head()
    );
    repo.raw_tag("v1.0.0", p.as_bytes());
    refused(&verify(&repo, "v1.0.0"), CheckId::Headers, "5 header lines");
}

#[test]
fn missing_tagger_is_refused() {
    let repo = TestRepo::new();
    let p = format!("object {}\ntype commit\ntag v1.0.0\n\nm\n", repo.head());
    repo.raw_tag("v1.0.0", p.as_bytes());
    refused(
        &verify(&repo, "v1.0.0"),
        CheckId::Headers,
        "expected exactly 4",
    );
}

#[test]
fn oversized_tag_is_refused() {
    let repo = TestRepo::new();
    let big = "x".repeat(release_git::tagobj::MAX_TAG_SIZE + 10);
    repo.raw_tag(
        "v1.0.0",
        payload(&repo.head(), "commit", "v1.0.0", &format!("{big}\n")).as_bytes(),
    );
    refused(&verify(&repo, "v1.0.0"), CheckId::Size, "the limit is");
}

#[test]
fn a_tag_object_of_exactly_the_size_limit_is_read() {
    let repo = TestRepo::new();
    let head = payload(&repo.head(), "commit", "v1.0.0", "");
    let limit = release_git::tagobj::MAX_TAG_SIZE;
    // Unsigned, so refused later: by the signature check, not by its size.
    let fill = "x".repeat(limit - head.len() - 1);
    repo.raw_tag("v1.0.0", format!("{head}{fill}\n").as_bytes());
    let v = verify(&repo, "v1.0.0");
    assert_eq!(
        v.check(CheckId::Size).map(|c| (c.result, c.detail.clone())),
        Some((GateResult::Pass, format!("{limit} bytes")))
    );
    refused(&v, CheckId::Signature, "unsigned stable tag");
}

#[test]
fn a_ref_that_cannot_be_read_is_an_error_not_a_missing_tag() {
    let repo = TestRepo::new();
    gpg_tag(&repo, "v1.0.0", &keys().alice);
    std::fs::write(
        repo.path().join(".git/refs/tags/v1.0.0"),
        "not an object id\n",
    )
    .unwrap();
    let err = try_verify(&repo, "v1.0.0", &policy_of(&repo), None).unwrap_err();
    assert!(
        err.to_string().contains("cannot read refs/tags/v1.0.0"),
        "{err}"
    );
}

#[test]
fn x509_signature_is_refused() {
    let repo = TestRepo::new();
    let p = payload(&repo.head(), "commit", "v1.0.0", "Release\n");
    repo.raw_tag(
        "v1.0.0",
        format!("{p}-----BEGIN SIGNED MESSAGE-----\nMIAGCSqGSIb3DQEHAqCAMIACAQExDzAN\n-----END SIGNED MESSAGE-----\n").as_bytes(),
    );
    refused(&verify(&repo, "v1.0.0"), CheckId::Signature, "x509");
}

#[test]
fn signature_block_without_end_is_refused() {
    let repo = TestRepo::new();
    let p = payload(&repo.head(), "commit", "v1.0.0", "Release\n");
    let sig = gpg_sign(&keys().alice, p.as_bytes());
    let cut = sig.replace("-----END PGP SIGNATURE-----\n", "");
    repo.raw_tag("v1.0.0", format!("{p}{cut}").as_bytes());
    refused(&verify(&repo, "v1.0.0"), CheckId::Armor, "no END line");
}

#[test]
fn two_signatures_in_one_armor_block_are_refused() {
    let repo = TestRepo::new();
    let p = payload(&repo.head(), "commit", "v1.0.0", "Release\n");
    // gpg writes both signatures into one armor block.
    let sig = gpg_sign_in(
        &keys().home,
        &keys().alice,
        p.as_bytes(),
        &["--local-user", &keys().mallory],
    );
    assert_eq!(sig.matches("-----BEGIN PGP SIGNATURE-----").count(), 1);
    repo.raw_tag("v1.0.0", format!("{p}{sig}").as_bytes());
    let v = verify(&repo, "v1.0.0");
    assert!(!v.ok);
    let failure = v.failure().unwrap();
    assert_eq!(failure.id, CheckId::Signature);
    // Mallory's signature has no key in the trusted keyring; either way it is refused.
    assert!(
        failure.detail.contains("signatures in the block")
            || failure.detail.contains("not in the trusted keyring"),
        "{}",
        failure.detail
    );
}

#[test]
fn two_trusted_signatures_in_one_block_are_refused() {
    let repo = TestRepo::new();
    let p = payload(&repo.head(), "commit", "v1.0.0", "Release\n");
    let sig = gpg_sign_in(
        &keys().home,
        &keys().alice,
        p.as_bytes(),
        &["--local-user", &keys().carol],
    );
    repo.raw_tag("v1.0.0", format!("{p}{sig}").as_bytes());
    let mut policy = policy_of(&repo);
    policy.signing.openpgp_fingerprints.clear();
    refused(
        &verify_with(&repo, "v1.0.0", &policy, None),
        CheckId::Signature,
        "exactly one is allowed",
    );
}

#[test]
fn empty_trusted_key_file_is_refused() {
    let repo = TestRepo::new();
    gpg_tag(&repo, "v1.0.0", &keys().alice);
    repo.write("keys/release-signers.asc", "");
    refused(
        &verify(&repo, "v1.0.0"),
        CheckId::Signature,
        "no OpenPGP public key in keys/release-signers.asc",
    );
}

#[test]
fn a_binary_trusted_key_file_is_read_as_a_keyring() {
    // `gpg --export` without `--armor` writes the packets themselves; a trusted file may hold
    // them as well as armor.
    let repo = TestRepo::new();
    gpg_tag(&repo, "v1.0.0", &keys().alice);
    std::fs::write(
        repo.path().join("keys/release-signers.asc"),
        export_public_binary(&keys().alice),
    )
    .unwrap();
    let v = verify(&repo, "v1.0.0");
    assert!(v.ok, "{v:#?}");
    assert_eq!(v.signer.as_deref(), Some(keys().alice.as_str()));
}

#[test]
fn ssh_key_validity_is_judged_now_not_at_the_tagger_date() {
    let repo = TestRepo::new();
    // Tagged "in 2019", while eve's key was still valid (valid-before 2020-01-01).
    let p = format!(
        "object {}\ntype commit\ntag v1.0.0\ntagger Eve Expired <eve@example.org> 1546300800 +0000\n\nRelease\n",
        repo.head()
    );
    let sig = ssh_sign(&keys().ssh_eve, "git", p.as_bytes());
    repo.raw_tag("v1.0.0", format!("{p}{sig}").as_bytes());
    refused(
        &verify(&repo, "v1.0.0"),
        CheckId::Signature,
        "not allowed for any principal at this time",
    );
}

#[test]
fn corrupted_signature_block_is_refused() {
    let repo = TestRepo::new();
    let p = payload(&repo.head(), "commit", "v1.0.0", "Release\n");
    repo.raw_tag(
        "v1.0.0",
        format!("{p}-----BEGIN PGP SIGNATURE-----\n\nbm90IGEgc2lnbmF0dXJl\n-----END PGP SIGNATURE-----\n").as_bytes(),
    );
    refused(
        &verify(&repo, "v1.0.0"),
        CheckId::Signature,
        "not an OpenPGP signature",
    );
}
