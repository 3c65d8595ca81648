//! The tag verification gate (G1-G4): exit 0 of `git verify-tag` is not a release gate, this is.
//!
//! The procedure, in order; each check has an id, and the first failure names the refusal:
//!
//! 1. `name`: the name is a release tag under the policy (ASCII, grammar) and a valid refname.
//! 2. `ref`: `refs/tags/NAME` exists (resolved explicitly, never by git's DWIM rules).
//! 3. `annotated`: it points at a tag object, not at a commit (lightweight tag, G1).
//! 4. `size`: the tag object is not larger than [`MAX_TAG_SIZE`].
//! 5. `headers`: exactly `object`, `type`, `tag`, `tagger`, in that order, well formed.
//! 6. `tag-name`: the `tag` header equals the ref name byte for byte (no spoofing, G4).
//! 7. `type`: the `type` header matches the real type of the target object.
//! 8. `target`: the target is a commit (not a tree, a blob or another tag, G4).
//! 9. `armor`: at most one signature block, nothing after it, no armor lines in the message.
//! 10. `signature`: what the policy requires of the stage (G2, G3), verified in-process against
//!     the policy's trusted keys only: OpenPGP with rPGP (module `openpgp`), SSH with the
//!     `ssh-key` crate, the allowed-signers file and the tagger's e-mail as principal, namespace
//!     `git`, at the current time (module `sshsig`).
//! 11. `expected-commit`: the tag's commit is the expected one (CI's event sha), when given.
//!
//! No program is started to verify: no gpg, no ssh-keygen, no keyring home, no agent. The
//! repository's git config (which an attacker controls in a pull request) never chooses the
//! verifier or its keys.

use git2::{ObjectType, Oid};
use release_core::policy::{Policy, SignatureFormat, TaggerDateCheck, UnsignedCandidate};
use release_core::version::ReleaseVersion;
use serde::Serialize;

use crate::repo::Repo;
use crate::tagobj::{self, SigKind, MAX_TAG_SIZE};
use crate::{openpgp, sshsig, GitError};

/// The checks of the gate, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckId {
    /// The name is a release tag and a valid refname.
    Name,
    /// `refs/tags/NAME` exists.
    Ref,
    /// It is an annotated tag (a tag object).
    Annotated,
    /// The tag object is not too large.
    Size,
    /// Strict headers.
    Headers,
    /// `tag` header == ref name.
    TagName,
    /// `type` header == the real object type.
    Type,
    /// The target is a commit.
    Target,
    /// The tagger date is plausible: not in the future, not long before the tagged commit.
    TaggerDate,
    /// One armor block, nothing after it, none in the message.
    Armor,
    /// The signature, against the trusted keys.
    Signature,
    /// A stable tag's commit is on the main branch or its line's hotfix branch (G6).
    Reachable,
    /// The tag's commit is the expected one.
    ExpectedCommit,
}

impl CheckId {
    /// Every check, in order.
    pub const ALL: [CheckId; 13] = [
        CheckId::Name,
        CheckId::Ref,
        CheckId::Annotated,
        CheckId::Size,
        CheckId::Headers,
        CheckId::TagName,
        CheckId::Type,
        CheckId::Target,
        CheckId::TaggerDate,
        CheckId::Armor,
        CheckId::Signature,
        CheckId::Reachable,
        CheckId::ExpectedCommit,
    ];

    /// The rule the check enforces.
    pub fn rule(self) -> release_core::rule::Rule {
        use release_core::rule::Rule;
        match self {
            CheckId::Name => Rule::V1,
            CheckId::Ref | CheckId::Annotated => Rule::G1,
            CheckId::Size
            | CheckId::Headers
            | CheckId::TagName
            | CheckId::Type
            | CheckId::Target
            | CheckId::Armor => Rule::G4,
            CheckId::TaggerDate | CheckId::Signature => Rule::G2,
            CheckId::Reachable => Rule::G6,
            CheckId::ExpectedCommit => Rule::G4,
        }
    }

    /// The id as printed (`tag-name`).
    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::Name => "name",
            CheckId::Ref => "ref",
            CheckId::Annotated => "annotated",
            CheckId::Size => "size",
            CheckId::Headers => "headers",
            CheckId::TagName => "tag-name",
            CheckId::Type => "type",
            CheckId::Target => "target",
            CheckId::TaggerDate => "tagger-date",
            CheckId::Armor => "armor",
            CheckId::Signature => "signature",
            CheckId::Reachable => "reachable",
            CheckId::ExpectedCommit => "expected-commit",
        }
    }
}

/// The result of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GateResult {
    /// Passed.
    Pass,
    /// Passed with a warning (an unsigned release candidate under `candidate_unsigned = "warn"`).
    Warn,
    /// Failed: the tag is refused.
    Fail,
    /// Not run, because an earlier check failed (or there was nothing to check).
    Skip,
}

/// One check and what it found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GateCheck {
    /// Which check.
    pub id: CheckId,
    /// Its result.
    pub result: GateResult,
    /// What it found, in a sentence.
    pub detail: String,
}

/// The gate's full answer for one tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// The tag name checked.
    pub tag: String,
    /// Whether the tag passes (warnings allowed).
    pub ok: bool,
    /// `stable` or `candidate`, once the name parsed.
    pub stage: Option<&'static str>,
    /// The tag object id.
    pub object: Option<String>,
    /// The commit the tag points at.
    pub commit: Option<String>,
    /// `openpgp`, `ssh`, or null for an unsigned tag.
    pub format: Option<&'static str>,
    /// Who signed: the primary key fingerprint, or the SSH principal and key fingerprint.
    pub signer: Option<String>,
    /// Where the trusted keys came from (a protected ref and commit, or a file).
    pub trust_root: Option<TrustSource>,
    /// Every check, in order, with its result.
    pub checks: Vec<GateCheck>,
}

impl Verification {
    fn new(tag: &str) -> Self {
        Self {
            tag: tag.into(),
            ok: false,
            stage: None,
            object: None,
            commit: None,
            format: None,
            signer: None,
            trust_root: None,
            checks: Vec::new(),
        }
    }

    /// The failed check, if any.
    pub fn failure(&self) -> Option<&GateCheck> {
        self.checks.iter().find(|c| c.result == GateResult::Fail)
    }

    /// The checks that passed with a warning.
    pub fn warnings(&self) -> impl Iterator<Item = &GateCheck> + '_ {
        self.checks.iter().filter(|c| c.result == GateResult::Warn)
    }

    /// The check with this id.
    pub fn check(&self, id: CheckId) -> Option<&GateCheck> {
        self.checks.iter().find(|c| c.id == id)
    }

    fn record(&mut self, id: CheckId, result: GateResult, detail: impl Into<String>) {
        self.checks.push(GateCheck {
            id,
            result,
            detail: detail.into(),
        });
    }

    fn pass(&mut self, id: CheckId, detail: impl Into<String>) {
        self.record(id, GateResult::Pass, detail);
    }

    /// Records a failure and skips every check not run yet.
    fn fail(mut self, id: CheckId, detail: impl Into<String>) -> Self {
        self.record(id, GateResult::Fail, detail);
        self.finish()
    }

    fn finish(mut self) -> Self {
        for id in CheckId::ALL {
            if self.check(id).is_none() {
                self.record(id, GateResult::Skip, "not run");
            }
        }
        self.checks
            .sort_by_key(|c| CheckId::ALL.iter().position(|i| *i == c.id));
        self.ok = self.failure().is_none();
        self
    }
}

pub use crate::trust::{Trust, TrustFile, TrustSource};

/// Checks `expect` is a full commit id (40 or 64 hex characters); abbreviated ids are refused.
pub fn parse_expected_sha(expect: &str) -> Result<String, GitError> {
    let e = expect.trim();
    if (e.len() == 40 || e.len() == 64) && e.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(e.to_ascii_lowercase())
    } else {
        Err(GitError::input(format!(
            "--expect-sha {expect:?} is not a full commit id (40 or 64 hex characters; abbreviated ids are refused)"
        )))
    }
}

/// Starts a verification with the name check (V1-V3 under the policy). Without a version the
/// name was refused and the verification is the finished answer.
fn named(name: &str, policy: &Policy, trust: &Trust) -> (Verification, Option<ReleaseVersion>) {
    let mut v = Verification::new(name);
    v.trust_root = Some(trust.source.clone());
    match check_name(name, policy) {
        Ok(version) => {
            v.stage = Some(stage_name(&version));
            v.pass(
                CheckId::Name,
                format!("{name} is a {} release tag", stage_name(&version)),
            );
            (v, Some(version))
        }
        Err(detail) => (v.fail(CheckId::Name, detail), None),
    }
}

/// Verifies the tag `refs/tags/NAME`. Environment problems (no gpg, unreadable repository)
/// are errors; every policy refusal is a failed check in the answer.
pub fn verify_tag(
    repo: &Repo,
    name: &str,
    policy: &Policy,
    trust: &Trust,
    expect_sha: Option<&str>,
) -> Result<Verification, GitError> {
    let expect = expect_sha.map(parse_expected_sha).transpose()?;
    let (mut v, version) = named(name, policy, trust);
    let Some(version) = version else {
        return Ok(v);
    };
    let refname = format!("refs/tags/{name}");
    let reference = match repo.git2().find_reference(&refname) {
        Ok(r) => r,
        Err(e) if e.code() == git2::ErrorCode::NotFound => {
            return Ok(v.fail(CheckId::Ref, format!("{refname} does not exist")));
        }
        Err(e) => return Err(GitError::git(&format!("cannot read {refname}"), e)),
    };
    let Some(oid) = reference.target() else {
        return Ok(v.fail(
            CheckId::Ref,
            format!("{refname} is a symbolic ref; a release tag must point at a tag object"),
        ));
    };
    v.pass(CheckId::Ref, format!("{refname} -> {oid}"));
    verify_checked_object(repo, v, &version, oid, policy, trust, expect.as_deref())
}

/// Verifies a tag object that is not (yet) under `refs/tags/NAME`, as if it were: used on a
/// new tag before its ref is created.
pub fn verify_object(
    repo: &Repo,
    name: &str,
    oid: Oid,
    policy: &Policy,
    trust: &Trust,
    expect_sha: Option<&str>,
) -> Result<Verification, GitError> {
    let expect = expect_sha.map(parse_expected_sha).transpose()?;
    let (mut v, version) = named(name, policy, trust);
    let Some(version) = version else {
        return Ok(v);
    };
    v.pass(
        CheckId::Ref,
        format!("new tag object {oid} for refs/tags/{name}"),
    );
    verify_checked_object(repo, v, &version, oid, policy, trust, expect.as_deref())
}

fn stage_name(version: &ReleaseVersion) -> &'static str {
    if version.is_stable() {
        "stable"
    } else {
        "candidate"
    }
}

fn check_name(name: &str, policy: &Policy) -> Result<ReleaseVersion, String> {
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Err(format!(
            "tag name {name:?} contains the control character {c:?} (header injection)"
        ));
    }
    let version = ReleaseVersion::parse_tag(name, policy).map_err(|e| e.to_string())?;
    if !git2::Reference::is_valid_name(&format!("refs/tags/{name}")) {
        return Err(format!("tag name {name:?} is not a valid git refname"));
    }
    Ok(version)
}

fn verify_checked_object(
    repo: &Repo,
    mut v: Verification,
    version: &ReleaseVersion,
    oid: Oid,
    policy: &Policy,
    trust: &Trust,
    expect: Option<&str>,
) -> Result<Verification, GitError> {
    let name = v.tag.clone();
    let odb = repo
        .git2()
        .odb()
        .map_err(|e| GitError::git("cannot open the object database", e))?;
    let (size, kind) = match odb.read_header(oid) {
        Ok(h) => h,
        Err(e) => {
            return Ok(v.fail(
                CheckId::Annotated,
                format!("object {oid} cannot be read: {}", e.message()),
            ))
        }
    };
    if kind != ObjectType::Tag {
        let what = kind.str();
        return Ok(v.fail(
            CheckId::Annotated,
            format!(
                "lightweight tag: refs/tags/{name} points at a {what} ({oid}), not at an annotated tag object (G1); in a CI checkout re-fetch it first: git fetch --force origin refs/tags/{name}:refs/tags/{name}"
            ),
        ));
    }
    v.object = Some(oid.to_string());
    v.pass(CheckId::Annotated, format!("tag object {oid}"));
    if size > MAX_TAG_SIZE {
        return Ok(v.fail(
            CheckId::Size,
            format!("the tag object is {size} bytes; the limit is {MAX_TAG_SIZE}"),
        ));
    }
    v.pass(CheckId::Size, format!("{size} bytes"));
    let object = odb
        .read(oid)
        .map_err(|e| GitError::git(&format!("cannot read tag object {oid}"), e))?;
    let data = object.data();
    let (headers, body_start) = match tagobj::parse_headers(data) {
        Ok(h) => h,
        Err(detail) => return Ok(v.fail(CheckId::Headers, detail)),
    };
    v.pass(CheckId::Headers, "object, type, tag, tagger");
    if headers.tag != name.as_bytes() {
        return Ok(v.fail(
            CheckId::TagName,
            format!(
                "tag name spoofing: the tag object is named {:?} but is stored under refs/tags/{name} (G4)",
                String::from_utf8_lossy(&headers.tag)
            ),
        ));
    }
    v.pass(CheckId::TagName, format!("tag {name}"));
    let target = Oid::from_str(&headers.object)
        .map_err(|e| GitError::git("cannot read the object header", e))?;
    let real = match odb.read_header(target) {
        Ok((_, kind)) => kind,
        Err(_) => {
            return Ok(v.fail(
                CheckId::Type,
                format!("the target object {target} does not exist in the repository"),
            ))
        }
    };
    if real.str() != headers.kind {
        return Ok(v.fail(
            CheckId::Type,
            format!(
                "the `type` header says {} but object {target} is a {}",
                headers.kind,
                real.str()
            ),
        ));
    }
    v.pass(CheckId::Type, format!("type {}", headers.kind));
    if real != ObjectType::Commit {
        let detail = if real == ObjectType::Tag {
            format!("the tag points at another tag object ({target}); nested tags are refused (G4)")
        } else {
            format!(
                "the tag points at a {} ({target}), not at a commit (G4)",
                real.str()
            )
        };
        return Ok(v.fail(CheckId::Target, detail));
    }
    v.commit = Some(target.to_string());
    v.pass(CheckId::Target, format!("commit {target}"));
    let commit_time = repo
        .git2()
        .find_commit(target)
        .map(|c| c.committer().when().seconds())
        .map_err(|e| GitError::git(&format!("cannot read commit {target}"), e))?;
    match judge_tagger_date(headers.tagger.time, commit_time, now_seconds()) {
        Ok(detail) => v.pass(CheckId::TaggerDate, detail),
        Err(detail) => match trust.tagger_date {
            TaggerDateCheck::Warn => v.record(
                CheckId::TaggerDate,
                GateResult::Warn,
                format!("{detail} (signing.tagger_date = \"warn\")"),
            ),
            TaggerDateCheck::Deny => {
                return Ok(v.fail(
                    CheckId::TaggerDate,
                    format!("{detail} (refused by signing.tagger_date = \"deny\")"),
                ))
            }
        },
    }
    let body = &data[body_start..];
    let (message_len, signature) = match tagobj::split_signature(body) {
        Ok(split) => split,
        Err(detail) => return Ok(v.fail(CheckId::Armor, detail)),
    };
    let payload = &data[..body_start + message_len];
    v.pass(
        CheckId::Armor,
        match signature {
            Some(_) => "one signature block, nothing after it",
            None => "no signature block",
        },
    );
    let stable = version.is_stable();
    let accepted = if stable {
        &trust.stable
    } else {
        &trust.candidate
    };
    let stage_key = if stable { "stable" } else { "candidate" };
    match signature {
        None if stable => {
            return Ok(v.fail(
                CheckId::Signature,
                "unsigned stable tag: stable tags must be signed by a trusted key (G2)",
            ))
        }
        None => match trust.candidate_unsigned {
            UnsignedCandidate::Warn => v.record(
                CheckId::Signature,
                GateResult::Warn,
                "unsigned release candidate: allowed with a warning (G3, signing.candidate_unsigned = \"warn\"); sign it next time",
            ),
            UnsignedCandidate::Deny => {
                return Ok(v.fail(
                    CheckId::Signature,
                    "unsigned release candidate: refused by signing.candidate_unsigned = \"deny\" (G3)",
                ))
            }
        },
        Some((SigKind::X509, _)) => {
            return Ok(v.fail(
                CheckId::Signature,
                "x509 (gpgsm) signature: only openpgp and ssh signatures are accepted",
            ))
        }
        Some((kind, block)) => {
            let format = if kind == SigKind::Ssh {
                SignatureFormat::Ssh
            } else {
                SignatureFormat::Openpgp
            };
            v.format = Some(kind.name());
            if !accepted.contains(&format) {
                return Ok(v.fail(
                    CheckId::Signature,
                    format!(
                        "{} signatures are not accepted on {stage_key} tags (signing.{stage_key} = [{}])",
                        kind.name(),
                        accepted
                            .iter()
                            .map(|f| format!("\"{}\"", format_name(*f)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
            let verdict = match kind {
                SigKind::Ssh => verify_ssh(payload, block, &headers.tagger.email, trust)?,
                _ => verify_openpgp(payload, block, trust)?,
            };
            match verdict {
                Ok(signer) => {
                    v.pass(
                        CheckId::Signature,
                        format!("good {} signature by {signer}", kind.name()),
                    );
                    v.signer = Some(signer);
                }
                Err(detail) => {
                    return Ok(v.fail(
                        CheckId::Signature,
                        format!("{detail} (trust root: {})", trust.source),
                    ))
                }
            }
        }
    }
    if !stable {
        v.record(
            CheckId::Reachable,
            GateResult::Skip,
            "release candidates may be cut from any branch",
        );
    } else if !trust.require_reachable {
        v.record(
            CheckId::Reachable,
            GateResult::Skip,
            "not required (signing.require_reachable = false)",
        );
    } else {
        match trust.reachability(repo, target, version, policy)? {
            Ok(detail) => v.pass(CheckId::Reachable, detail),
            Err(detail) => return Ok(v.fail(CheckId::Reachable, detail)),
        }
    }
    match expect {
        Some(want) if want != headers.object => {
            return Ok(v.fail(
                CheckId::ExpectedCommit,
                format!(
                    "the tag points at commit {} but the expected commit is {want}",
                    headers.object
                ),
            ))
        }
        Some(want) => v.pass(CheckId::ExpectedCommit, format!("commit {want}")),
        None => v.record(
            CheckId::ExpectedCommit,
            GateResult::Skip,
            "no expected commit given",
        ),
    }
    Ok(v.finish())
}

/// How far a tagger date may run ahead of this machine's clock, or behind its commit's
/// committer date, before it is implausible: a day covers clock skew and time zones.
const TAGGER_DATE_TOLERANCE: i64 = 24 * 3600;

fn now_seconds() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Whether a tagger date is plausible: not in the future, not long before the tagged commit.
/// A date is attacker-chosen text, so arithmetic saturates.
pub fn judge_tagger_date(tagger: i64, commit: i64, now: i64) -> Result<String, String> {
    let day = |secs: i64| {
        time::OffsetDateTime::from_unix_timestamp(secs)
            .map(|t| t.date().to_string())
            .unwrap_or_else(|_| format!("{secs} s"))
    };
    if tagger > now.saturating_add(TAGGER_DATE_TOLERANCE) {
        return Err(format!(
            "the tagger date {} is in the future (a back- or forward-dated tag)",
            day(tagger)
        ));
    }
    if tagger < commit.saturating_sub(TAGGER_DATE_TOLERANCE) {
        return Err(format!(
            "the tagger date {} is before its commit's date {} (a back-dated tag)",
            day(tagger),
            day(commit)
        ));
    }
    Ok(format!("tagged {}", day(tagger)))
}

fn format_name(f: SignatureFormat) -> &'static str {
    match f {
        SignatureFormat::Openpgp => "openpgp",
        SignatureFormat::Ssh => "ssh",
    }
}

/// Verifies an OpenPGP signature in-process against the trust root's key files only (see
/// the `openpgp` module). `Ok(Ok(primary fingerprint))` on success, `Ok(Err(reason))` on a
/// refusal.
fn verify_openpgp(
    payload: &[u8],
    signature: &[u8],
    trust: &Trust,
) -> Result<Result<String, String>, GitError> {
    if trust.openpgp_keys.is_empty() {
        return Ok(Err(format!(
            "no trusted OpenPGP key is configured in the trust root ({}): export the release signers' public keys (gpg --armor --export FINGERPRINT > keys/release-signers.asc), commit the file on the main branch and list it in release-policy.toml: [signing] openpgp_keys = [\"keys/release-signers.asc\"]",
            trust.source
        )));
    }
    // Every key in the keyring came from the trust root, so with an empty allow-list any
    // primary key that made a good signature is trusted.
    let mut binary = Vec::new();
    for file in &trust.openpgp_keys {
        let text = match &file.content {
            Ok(text) => text,
            Err(why) => {
                return Ok(Err(format!(
                    "the trusted key file {} cannot be used: {why} (trust root: {}; signing.openpgp_keys = [{}]): no trusted key, so no signature can verify; commit the release signers' public keys there on the main branch (gpg --armor --export FINGERPRINT)",
                    file.name,
                    trust.source,
                    trust.openpgp_names()
                )))
            }
        };
        match crate::armor::dearmor_keys(text) {
            Ok(bytes) => binary.extend(bytes),
            Err(e) => {
                return Ok(Err(format!(
                    "the trusted key file {} ({}) is not an OpenPGP key file: {e}",
                    file.name, trust.source
                )))
            }
        }
    }
    let keyring = match openpgp::Keyring::parse(&binary) {
        Ok(keyring) => keyring,
        Err(e) => {
            return Ok(Err(format!(
                "the trusted key files {} ({}) are not OpenPGP key files: {e}",
                trust.openpgp_names(),
                trust.source
            )))
        }
    };
    if keyring.is_empty() {
        return Ok(Err(format!(
            "no OpenPGP public key in {} ({}; signing.openpgp_keys)",
            trust.openpgp_names(),
            trust.source
        )));
    }
    let primary = match openpgp::verify(payload, signature, &keyring, now_seconds()) {
        Ok(primary) => primary,
        Err(reason) => return Ok(Err(reason)),
    };
    if !trust.openpgp_fingerprints.is_empty() && !trust.openpgp_fingerprints.contains(&primary) {
        return Ok(Err(format!(
            "signed by primary key {primary}, which is not in the allow-list (signing.openpgp_fingerprints)"
        )));
    }
    Ok(Ok(primary))
}

/// Verifies an SSH signature in-process (see the `sshsig` module) for namespace `git`, the
/// policy's allowed-signers file and the tagger's e-mail as the principal, at the current time.
fn verify_ssh(
    payload: &[u8],
    signature: &[u8],
    principal: &str,
    trust: &Trust,
) -> Result<Result<String, String>, GitError> {
    let allowed_name = trust
        .ssh_allowed_signers
        .as_ref()
        .map(|f| f.name.clone())
        .unwrap_or_default();
    let Some(Ok(allowed_bytes)) = trust.ssh_allowed_signers.as_ref().map(|f| &f.content) else {
        return Ok(Err(format!(
            "no SSH allowed-signers file at {allowed_name:?} in the trust root ({}; signing.ssh_allowed_signers): list the signers there on the main branch, one `EMAIL ssh-ed25519 KEY` line each",
            trust.source
        )));
    };
    Ok(sshsig::verify(
        payload,
        signature,
        principal,
        allowed_bytes,
        &allowed_name,
        &trust.source.to_string(),
        now_seconds(),
    ))
}
