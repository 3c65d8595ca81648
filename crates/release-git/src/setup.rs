//! Whether this machine can sign a release tag that the gate accepts, before a tag fails:
//! the signing key git would use is set, the signing program can use it (a test signature
//! over a throwaway tag payload), and the trust root accepts the signature (the payload is
//! verified by the gate itself, [`crate::verify::verify_object`], in memory: nothing is
//! written to the repository). `tag.gpgSign` gets advice when unset.

use git2::{ObjectType, Repository};
use release_core::policy::{Policy, SignatureFormat};
use serde::Serialize;

use crate::repo::Repo;
use crate::sign::SigningConfig;
use crate::tagobj::{self, Tagger};
use crate::trust::Trust;
use crate::verify::{self, CheckId, GateResult};
use crate::GitError;

/// The state of one item of the setup check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SetupState {
    /// Fine.
    Pass,
    /// Blocks signing a release tag.
    Fail,
    /// Not blocking; a suggestion.
    Advice,
    /// Not checked, because an earlier item failed.
    Skip,
}

/// One item: what was checked, what was found, and what to do when it is not fine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SetupItem {
    /// `identity`, `key`, `format`, `usable`, `trusted`, `tag.gpgSign`.
    pub id: &'static str,
    /// The result.
    pub state: SetupState,
    /// What was found.
    pub detail: String,
    /// The next step, when something is to be done.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

/// The answer of [`check_signing`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SigningSetup {
    /// True when a tag signed here would pass the gate's signature check.
    pub ok: bool,
    /// How this machine signs, when git config says.
    pub signing: Option<SigningConfig>,
    /// Who signed the throwaway payload, as the gate saw it.
    pub signer: Option<String>,
    /// Every item, in order.
    pub items: Vec<SetupItem>,
}

impl SigningSetup {
    /// The first failing item.
    pub fn failure(&self) -> Option<&SetupItem> {
        self.items.iter().find(|i| i.state == SetupState::Fail)
    }
}

const ITEMS: [&str; 5] = ["identity", "key", "format", "usable", "trusted"];

struct Builder {
    items: Vec<SetupItem>,
}

impl Builder {
    fn push(&mut self, id: &'static str, state: SetupState, detail: String, fix: Option<String>) {
        self.items.push(SetupItem {
            id,
            state,
            detail,
            fix,
        });
    }

    fn fail(
        mut self,
        id: &'static str,
        detail: String,
        fix: String,
        signing: Option<SigningConfig>,
    ) -> SigningSetup {
        self.push(id, SetupState::Fail, detail, Some(fix));
        for rest in ITEMS.iter().skip_while(|i| **i != id).skip(1) {
            self.push(
                rest,
                SetupState::Skip,
                format!("not checked: {id} failed"),
                None,
            );
        }
        SigningSetup {
            ok: false,
            signing,
            signer: None,
            items: self.items,
        }
    }
}

/// Checks that HEAD could be tagged `tag_name` with a signature the trust root accepts for
/// the tag's stage. Environment problems (no HEAD, unreadable config) are errors; everything
/// the maintainer can fix is a failed item with its next step.
pub fn check_signing(
    repo: &Repo,
    tag_name: &str,
    policy: &Policy,
    trust: &Trust,
) -> Result<SigningSetup, GitError> {
    let version = tagobj::validate_tag_name(tag_name, policy)?;
    let stage = if version.is_stable() {
        "stable"
    } else {
        "candidate"
    };
    let mut b = Builder { items: Vec::new() };
    let signature = match repo.signature() {
        Ok(s) => s,
        Err(e) => {
            return Ok(b.fail(
                "identity",
                e.message,
                "git config --global user.name \"Your Name\" && git config --global user.email you@example.org".into(),
                None,
            ))
        }
    };
    let tagger = Tagger {
        name: signature.name().unwrap_or_default().to_string(),
        email: signature.email().unwrap_or_default().to_string(),
        time: signature.when().seconds(),
        offset_minutes: signature.when().offset_minutes(),
    };
    let who = format!("{} <{}>", tagger.name, tagger.email);
    b.push(
        "identity",
        SetupState::Pass,
        format!("tags are made by {who}"),
        None,
    );
    let config = repo.config()?;
    let key_set = config
        .get_string("user.signingkey")
        .ok()
        .filter(|k| !k.trim().is_empty());
    let signing = match SigningConfig::from_config(&config, &tagger) {
        Ok(s) => s,
        Err(e) => {
            return Ok(b.fail(
                "key",
                e.message,
                "git config --global user.signingkey KEY (an OpenPGP fingerprint, or with gpg.format = ssh the public key file)".into(),
                None,
            ))
        }
    };
    match &key_set {
        Some(key) => b.push(
            "key",
            SetupState::Pass,
            format!("user.signingkey = {key} ({})", signing.format),
            None,
        ),
        None => b.push(
            "key",
            SetupState::Advice,
            format!("user.signingkey is not set: git signs with the OpenPGP key of `{who}`"),
            Some(
                "git config --global user.signingkey FINGERPRINT, so the key is the one you mean"
                    .into(),
            ),
        ),
    }
    let format = if signing.format == "ssh" {
        SignatureFormat::Ssh
    } else {
        SignatureFormat::Openpgp
    };
    let accepted = if version.is_stable() {
        &trust.stable
    } else {
        &trust.candidate
    };
    if !accepted.contains(&format) {
        let names: Vec<&str> = accepted
            .iter()
            .map(|f| match f {
                SignatureFormat::Openpgp => "openpgp",
                SignatureFormat::Ssh => "ssh",
            })
            .collect();
        return Ok(b.fail(
            "format",
            format!(
                "this machine signs with {} (gpg.format) but {stage} tags accept [{}] (signing.{stage}, trust root: {})",
                signing.format,
                names.join(", "),
                trust.source
            ),
            match format {
                SignatureFormat::Ssh => "git config gpg.format openpgp and set user.signingkey to your OpenPGP key".into(),
                SignatureFormat::Openpgp => "git config gpg.format ssh and set user.signingkey to your SSH public key file".into(),
            },
            Some(signing),
        ));
    }
    b.push(
        "format",
        SetupState::Pass,
        format!("{} signatures are accepted on {stage} tags", signing.format),
        None,
    );
    let head = repo.head_commit()?;
    let payload = tagobj::build_payload(
        head,
        tag_name,
        &tagger,
        "release check signing: a throwaway payload, never written to the repository",
    )?;
    let armored = match signing.sign(&payload) {
        Ok(sig) => sig,
        Err(e) => {
            let (detail, fix) = match (&key_set, format) {
                (None, SignatureFormat::Openpgp) => (
                    format!(
                        "no signing key: user.signingkey is not set and {} has no usable secret key for `{who}` ({})",
                        signing.program, e.message
                    ),
                    format!(
                        "create a key (gpg --quick-gen-key \"{who}\" ed25519 sign) or point git at yours (git config --global user.signingkey FINGERPRINT), then export its public key into the trust root"
                    ),
                ),
                (Some(key), SignatureFormat::Openpgp) => (
                    format!("{} cannot sign with user.signingkey {key}: {}", signing.program, e.message),
                    format!(
                        "check the key with `gpg --list-secret-keys {key}`: import its secret key, extend an expired key (gpg --quick-set-expire), or set user.signingkey to a usable key"
                    ),
                ),
                (_, SignatureFormat::Ssh) => (
                    format!("{} cannot sign: {}", signing.program, e.message),
                    "check that user.signingkey names an SSH key file you hold (or a key loaded in ssh-agent)".into(),
                ),
            };
            return Ok(b.fail("usable", detail, fix, Some(signing)));
        }
    };
    b.push(
        "usable",
        SetupState::Pass,
        format!(
            "{} made a test signature over a throwaway payload",
            signing.program
        ),
        None,
    );
    let mut object = payload;
    object.extend_from_slice(armored.as_bytes());
    let verification = verify_in_memory(repo, tag_name, &object, policy, trust)?;
    let signer = verification.signer.clone();
    match verification.check(CheckId::Signature) {
        Some(c) if c.result == GateResult::Pass => b.push(
            "trusted",
            SetupState::Pass,
            format!("{} (trust root: {})", c.detail, trust.source),
            None,
        ),
        Some(c) if c.result == GateResult::Fail => {
            let fix = match format {
                SignatureFormat::Openpgp => format!(
                    "export the public key (gpg --armor --export {}) into {} on the main branch, commit it there, and add its fingerprint to signing.openpgp_fingerprints when that list is used; or sign with a key that is already trusted",
                    key_set.as_deref().unwrap_or("FINGERPRINT"),
                    if trust.openpgp_keys.is_empty() {
                        "a key file listed in signing.openpgp_keys".to_string()
                    } else {
                        trust.openpgp_keys.iter().map(|f| f.name.clone()).collect::<Vec<_>>().join(", ")
                    }
                ),
                SignatureFormat::Ssh => format!(
                    "add `{} <public key>` to {} on the main branch and commit it",
                    tagger.email,
                    trust
                        .ssh_allowed_signers
                        .as_ref()
                        .map(|f| f.name.clone())
                        .unwrap_or_else(|| "the file signing.ssh_allowed_signers names".into())
                ),
            };
            return Ok(b.fail(
                "trusted",
                format!(
                    "the key signs, but the trust root does not accept it: {}",
                    c.detail
                ),
                fix,
                Some(signing),
            ));
        }
        _ => {
            let why = verification
                .failure()
                .map(|f| format!("{} check: {}", f.id.as_str(), f.detail))
                .unwrap_or_else(|| "the signature was not checked".into());
            return Ok(b.fail(
                "trusted",
                format!("the throwaway tag could not be judged: {why}"),
                "run `release verify-tag` on a real tag to see the gate's answer".into(),
                Some(signing),
            ));
        }
    }
    let gpgsign = config.get_bool("tag.gpgSign").unwrap_or(false);
    if !gpgsign {
        b.push(
            "tag.gpgSign",
            SetupState::Advice,
            "tag.gpgSign is not set: `release tag` signs anyway, a plain `git tag -a` does not"
                .into(),
            Some("git config --global tag.gpgSign true".into()),
        );
    } else {
        b.push(
            "tag.gpgSign",
            SetupState::Pass,
            "tag.gpgSign = true".into(),
            None,
        );
    }
    Ok(SigningSetup {
        ok: true,
        signing: Some(signing),
        signer,
        items: b.items,
    })
}

/// Runs the gate on `object` as the tag `name` without writing it to the repository: the object
/// goes into an in-memory object database added to a second handle of the repository.
fn verify_in_memory(
    repo: &Repo,
    name: &str,
    object: &[u8],
    policy: &Policy,
    trust: &Trust,
) -> Result<verify::Verification, GitError> {
    let scratch = Repository::open(repo.git2().path())
        .map_err(|e| GitError::git("cannot open the repository again", e))?;
    let oid = {
        let odb = scratch
            .odb()
            .map_err(|e| GitError::git("cannot open the object database", e))?;
        // The highest priority: writes go to memory, reads still find every real object.
        odb.add_new_mempack_backend(1000)
            .map_err(|e| GitError::git("cannot add an in-memory object database", e))?;
        odb.write(ObjectType::Tag, object)
            .map_err(|e| GitError::git("cannot hold the throwaway tag in memory", e))?
    };
    let scratch = Repo::from_git2(scratch);
    verify::verify_object(&scratch, name, oid, policy, trust, None)
}
