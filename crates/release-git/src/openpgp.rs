//! OpenPGP signatures verified in-process with rPGP (the `pgp` crate, pure Rust, MIT OR
//! Apache-2.0): no gpg, no keyring home, no agent, no locale in the answer.
//!
//! rPGP checks the cryptography (the data signature, self-signatures, subkey bindings and
//! back-signatures); what a key's state means for a release gate is decided here, as gpg
//! decides it for `git tag -v`:
//!
//! - exactly one signature packet, of class 00 (binary): text-mode signatures (01) hash the
//!   payload with normalised line endings, so the signed bytes are not the tag's bytes;
//! - the issuer is a primary key of the trusted files or a signing subkey bound to one (a valid
//!   binding signature with the sign flag and a valid back-signature);
//! - a verified revocation (key revocation 0x20 on the primary, subkey revocation 0x28 on the
//!   subkey, as the trusted file holds them) refuses, whatever its date, as gpg does;
//! - a key (primary or subkey) that has expired by now, or had expired when it signed, refuses;
//!   so does a signature past its own expiration time, or made before its key existed;
//! - MD5, SHA-1 and RIPEMD-160 data signatures are refused (collisions are practical for SHA-1);
//! - the answer names the primary key's fingerprint, which the allow-list is checked against.

use std::io::BufReader;

use pgp::composed::{Deserializable, SignedPublicKey, SignedPublicSubKey};
use pgp::crypto::hash::HashAlgorithm;
use pgp::packet::{Packet, PacketParser, PacketTrait, Signature, SignatureType, SubpacketData};
use pgp::types::{KeyDetails, PublicKeyTrait, Tag};

/// The outcome for one signature: `Ok(primary fingerprint)` or `Err(reason)`.
pub(crate) type Verdict = Result<String, String>;

/// The trusted keys, parsed: every transferable public key of every trusted file.
pub(crate) struct Keyring {
    keys: Vec<SignedPublicKey>,
}

impl Keyring {
    /// Parses the de-armored bytes of the trusted files (concatenated binary packets).
    pub(crate) fn parse(binary: &[u8]) -> Result<Keyring, String> {
        let mut keys = Vec::new();
        let parsed = SignedPublicKey::from_bytes_many(BufReader::new(binary))
            .map_err(|e| format!("cannot read the keys: {e}"))?;
        for key in parsed {
            keys.push(key.map_err(|e| format!("cannot read a key: {e}"))?);
        }
        Ok(Keyring { keys })
    }

    /// Whether the files held no key.
    pub(crate) fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// Upper-case hex, as gpg prints fingerprints and key ids.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

fn fingerprint_of(key: &impl KeyDetails) -> String {
    hex(key.fingerprint().as_bytes())
}

fn day(secs: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(secs)
        .map(|t| t.date().to_string())
        .unwrap_or_else(|_| format!("{secs} s"))
}

/// Verifies the armored detached `signature` of `payload` against `keyring` at time `now`
/// (seconds since the epoch).
pub(crate) fn verify(payload: &[u8], signature: &[u8], keyring: &Keyring, now: i64) -> Verdict {
    let binary = crate::armor::dearmor(signature, "PGP SIGNATURE")
        .map_err(|e| format!("the signature block is not an OpenPGP signature: {e}"))?;
    let mut signatures = Vec::new();
    for packet in PacketParser::new(BufReader::new(&binary[..])) {
        match packet {
            Ok(Packet::Signature(sig)) => signatures.push(sig),
            Ok(other) => {
                return Err(format!(
                    "the signature block holds a {:?} packet; a detached tag signature is one signature packet",
                    other.tag()
                ))
            }
            Err(e) => {
                return Err(format!(
                    "the signature block is not an OpenPGP signature: cannot read its packets: {e}"
                ))
            }
        }
    }
    let sig = match signatures.as_slice() {
        [one] => one,
        [] => {
            return Err(
                "the signature block is not an OpenPGP signature: it holds no signature packet"
                    .into(),
            )
        }
        many => {
            return Err(format!(
                "{} signatures in the block; exactly one is allowed",
                many.len()
            ))
        }
    };
    let issuer = issuer_name(sig);
    match sig.typ() {
        Some(SignatureType::Binary) => {}
        Some(SignatureType::Text) => {
            return Err(
                "signature class 01: a text-mode (canonical line endings) signature, whose payload can be altered by line-ending changes; only binary signatures (class 00) are accepted".into(),
            )
        }
        other => {
            let class = other.map(|t| format!("{:02x}", u8::from(t))).unwrap_or_else(|| "unknown".into());
            return Err(format!(
                "signature class {class}: not a signature of a document; only binary signatures (class 00) are accepted"
            ));
        }
    }
    if let Some(hash) = sig.hash_alg() {
        if matches!(
            hash,
            HashAlgorithm::None
                | HashAlgorithm::Md5
                | HashAlgorithm::Sha1
                | HashAlgorithm::Ripemd160
        ) {
            return Err(format!(
                "the signature by key {issuer} uses the weak hash {hash}; sign with SHA-256 or stronger (gpg --personal-digest-preferences SHA512)"
            ));
        }
    }
    let Some(created) = sig.created().map(|t| t.timestamp()) else {
        return Err(format!(
            "the signature by key {issuer} has no creation time"
        ));
    };
    // The keys the issuer subpackets name: a primary key or one of its subkeys.
    let mut candidates = Vec::new();
    for key in &keyring.keys {
        if names(sig, &key.primary_key) {
            candidates.push((key, None));
        }
        for sub in &key.public_subkeys {
            if names(sig, &sub.key) {
                candidates.push((key, Some(sub)));
            }
        }
    }
    if candidates.is_empty() {
        return Err(format!(
            "signed by key {issuer}, which is not in the trusted keyring (the policy's signing.openpgp_keys): an untrusted key"
        ));
    }
    let mut bad = None;
    for (key, sub) in candidates {
        let checked = match sub {
            None => sig.verify(&key.primary_key, payload),
            Some(sub) => sig.verify(&sub.key, payload),
        };
        if let Err(e) = checked {
            bad.get_or_insert(e);
            continue;
        }
        // A good signature: now the state of the key that made it.
        let primary = fingerprint_of(&key.primary_key);
        let binding = primary_state(key, &issuer, created, now)?;
        if let Some(sub) = sub {
            subkey_state(key, sub, &issuer, created, now)?;
        } else if primary_flags_forbid_signing(binding) {
            return Err(format!(
                "signed by key {issuer}, whose self-signature does not allow signing (key flags without \"sign\")"
            ));
        }
        if let Some(expires) = sig.signature_expiration_time() {
            let secs = expires.num_seconds();
            if secs > 0 && created.saturating_add(secs) <= now {
                return Err(format!(
                    "the signature by key {issuer} has expired (on {})",
                    day(created.saturating_add(secs))
                ));
            }
        }
        return Ok(primary);
    }
    Err(format!(
        "bad signature by key {issuer}: the signed payload was modified or the signature does not belong to it{}",
        bad.map(|e| format!(" ({e})")).unwrap_or_default()
    ))
}

/// The issuer as the signature names it: its fingerprint, else its key id.
fn issuer_name(sig: &Signature) -> String {
    if let Some(fp) = sig.issuer_fingerprint().first() {
        return hex(fp.as_bytes());
    }
    sig.issuer()
        .first()
        .map(|id| hex(id.as_ref()))
        .unwrap_or_else(|| "(no issuer)".into())
}

/// Whether the signature's issuer subpackets name `key`. A signature without any is refused by
/// the caller's "not in the trusted keyring" (gpg cannot pick a key for it either).
fn names(sig: &Signature, key: &impl PublicKeyTrait) -> bool {
    sig.issuer_fingerprint()
        .iter()
        .any(|fp| **fp == key.fingerprint())
        || sig.issuer().iter().any(|id| **id == key.key_id())
}

/// The newest self-signature of the primary key that verifies: a user ID certification or a
/// direct-key signature. A user ID revocation (class 30) is not one: rPGP counts it among the
/// certifications, but it states no key validity, so it must not replace the self-signature
/// that does (a later revocation would otherwise lift an expiry or a flag).
fn primary_binding(key: &SignedPublicKey) -> Option<&Signature> {
    let primary = &key.primary_key;
    let mut best: Option<&Signature> = None;
    for user in &key.details.users {
        for sig in &user.signatures {
            let certifies = matches!(
                sig.typ(),
                Some(
                    SignatureType::CertGeneric
                        | SignatureType::CertPersona
                        | SignatureType::CertCasual
                        | SignatureType::CertPositive
                )
            );
            // rPGP's verification checks the issuer subpackets name the key (or are absent).
            if !certifies {
                continue;
            }
            if sig
                .verify_certification(primary, Tag::UserId, &user.id)
                .is_ok()
                && newer(sig, best)
            {
                best = Some(sig);
            }
        }
    }
    for sig in &key.details.direct_signatures {
        if sig.typ() == Some(SignatureType::Key)
            && sig.verify_key(primary).is_ok()
            && newer(sig, best)
        {
            best = Some(sig);
        }
    }
    best
}

fn newer(sig: &Signature, than: Option<&Signature>) -> bool {
    let at = |s: &Signature| s.created().map(|t| t.timestamp()).unwrap_or(i64::MIN);
    than.is_none_or(|t| at(sig) >= at(t))
}

/// When a key expires, from the binding signature that states its validity: `None` = never.
fn expiry(created: i64, binding: &Signature) -> Option<i64> {
    let secs = binding.key_expiration_time()?.num_seconds();
    (secs > 0).then(|| created.saturating_add(secs))
}

fn expired_at(expires: Option<i64>, created: i64, now: i64) -> Option<i64> {
    expires.filter(|e| *e <= now || *e <= created)
}

/// The primary key's state: self-signed, not revoked, not expired (now or at `created`). Gives
/// the self-signature that says so (each self-signature is verified once: an Ed25519
/// verification is most of the gate's own work).
fn primary_state<'k>(
    key: &'k SignedPublicKey,
    issuer: &str,
    created: i64,
    now: i64,
) -> Result<&'k Signature, String> {
    let primary = &key.primary_key;
    let revoked = key.details.revocation_signatures.iter().any(|sig| {
        sig.typ() == Some(SignatureType::KeyRevocation) && sig.verify_key(primary).is_ok()
    });
    if revoked {
        return Err(format!(
            "signed by key {issuer}, which has been revoked (G2)"
        ));
    }
    let Some(binding) = primary_binding(key) else {
        return Err(format!(
            "signed by key {issuer}, whose trusted key has no valid self-signature"
        ));
    };
    let born = primary.created_at().timestamp();
    if created < born {
        return Err(format!(
            "the signature by key {issuer} predates its key (made {}, key created {})",
            day(created),
            day(born)
        ));
    }
    if let Some(at) = expired_at(expiry(born, binding), created, now) {
        return Err(format!(
            "signed by key {issuer}, which has expired (on {}) (G2)",
            day(at)
        ));
    }
    Ok(binding)
}

/// Whether the primary key's self-signature carries key flags without the sign flag.
fn primary_flags_forbid_signing(binding: &Signature) -> bool {
    let has_flags = binding.config().is_some_and(|c| {
        c.hashed_subpackets()
            .any(|p| matches!(p.data, SubpacketData::KeyFlags(_)))
    });
    has_flags && !binding.key_flags().sign()
}

/// A signing subkey's state: bound to its primary (binding signature with the sign flag and a
/// back-signature), not revoked, not expired.
fn subkey_state(
    key: &SignedPublicKey,
    sub: &SignedPublicSubKey,
    issuer: &str,
    created: i64,
    now: i64,
) -> Result<(), String> {
    let primary = &key.primary_key;
    let revoked = sub.signatures.iter().any(|sig| {
        sig.typ() == Some(SignatureType::SubkeyRevocation)
            && sig.verify_subkey_binding(primary, &sub.key).is_ok()
    });
    if revoked {
        return Err(format!(
            "signed by subkey {issuer}, which has been revoked (G2)"
        ));
    }
    let mut binding: Option<&Signature> = None;
    for sig in &sub.signatures {
        if sig.typ() != Some(SignatureType::SubkeyBinding)
            || sig.verify_subkey_binding(primary, &sub.key).is_err()
            || !newer(sig, binding)
        {
            continue;
        }
        binding = Some(sig);
    }
    let Some(binding) = binding else {
        return Err(format!(
            "signed by subkey {issuer}, which no valid binding signature ties to its primary key"
        ));
    };
    let back_signed = binding
        .embedded_signature()
        .is_some_and(|back| back.verify_primary_key_binding(&sub.key, primary).is_ok());
    if !binding.key_flags().sign() || !back_signed {
        return Err(format!(
            "signed by subkey {issuer}, which is not a signing subkey of its primary key (no sign flag or no back-signature)"
        ));
    }
    let born = sub.key.created_at().timestamp();
    if created < born {
        return Err(format!(
            "the signature by subkey {issuer} predates its key (made {}, key created {})",
            day(created),
            day(born)
        ));
    }
    if let Some(at) = expired_at(expiry(born, binding), created, now) {
        return Err(format!(
            "signed by subkey {issuer}, which has expired (on {}) (G2)",
            day(at)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
