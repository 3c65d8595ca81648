//! The in-process OpenPGP judgement on keys and signatures gpg will not make: an issuer named
//! by key id only (older signers), a signature expiry of zero, a signature's own expiry, and
//! self-signatures forged or added after the fact. The keys are made with rPGP from a fixed
//! seed; the gpg-made cases are in `tests/verify.rs` and `tests/differential.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, Utc};
use pgp::composed::{
    DetachedSignature, KeyType, SecretKeyParamsBuilder, SignedPublicKey, SignedSecretKey,
};
use pgp::crypto::hash::HashAlgorithm;
use pgp::packet::{Signature, SignatureConfig, SignatureType, Subpacket, SubpacketData};
use pgp::ser::Serialize;
use pgp::types::{KeyDetails, KeyVersion, Password, Tag};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::{verify, Keyring};

/// 2024-01-01T00:00:00Z: when the keys of this table were made.
const BORN: i64 = 1_704_067_200;
const DAY: i64 = 86_400;
const PAYLOAD: &[u8] = b"object 0123\ntype commit\ntag v1.0.0\n\nRelease\n";

fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap()
}

/// An Ed25519 signing key made at [`BORN`] (the user ID's self-signature is [`public`]'s).
fn key(seed: u64, uid: &str) -> SignedSecretKey {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let params = SecretKeyParamsBuilder::default()
        .version(KeyVersion::V4)
        .key_type(KeyType::Ed25519Legacy)
        .can_certify(true)
        .can_sign(true)
        .primary_user_id(uid.into())
        .created_at(at(BORN))
        .build()
        .unwrap();
    params
        .generate(&mut rng)
        .unwrap()
        .sign(&mut rng, &Password::empty())
        .unwrap()
}

/// The public key as a trusted file holds it: its user ID self-signed at [`BORN`] (flags
/// certify and sign), valid for `days` (`None`: for ever).
fn public(key: &SignedSecretKey, days: Option<i64>) -> SignedPublicKey {
    let mut public = key.signed_public_key();
    let uid = public.details.users[0].id.clone();
    let flags = public.details.users[0].signatures[0].key_flags();
    let mut c = config(SignatureType::CertPositive, key, BORN);
    c.hashed_subpackets
        .push(sub(SubpacketData::KeyFlags(flags)));
    if let Some(days) = days {
        c.hashed_subpackets
            .push(sub(SubpacketData::KeyExpirationTime(Duration::days(days))));
    }
    let sig = c
        .sign_certification(
            &key.primary_key,
            &key.primary_key.public_key(),
            &Password::empty(),
            Tag::UserId,
            &uid,
        )
        .unwrap();
    public.details.users[0].signatures = vec![sig];
    public
}

fn sub(data: SubpacketData) -> Subpacket {
    Subpacket::regular(data).unwrap()
}

/// A configuration for a v4 signature of `typ` by `key`, made at `created`, naming its issuer
/// by fingerprint (hashed) and key id (unhashed), as gpg does.
fn config(typ: SignatureType, key: &SignedSecretKey, created: i64) -> SignatureConfig {
    let mut c = SignatureConfig::v4(typ, key.primary_key.algorithm(), HashAlgorithm::Sha256);
    c.hashed_subpackets = vec![
        sub(SubpacketData::SignatureCreationTime(at(created))),
        sub(SubpacketData::IssuerFingerprint(
            key.primary_key.fingerprint(),
        )),
    ];
    c.unhashed_subpackets = vec![sub(SubpacketData::Issuer(key.primary_key.key_id()))];
    c
}

/// The armored detached signature of [`PAYLOAD`] made with `config` by `key`.
fn sign(config: SignatureConfig, key: &SignedSecretKey) -> Vec<u8> {
    let sig = config
        .sign(&key.primary_key, &Password::empty(), PAYLOAD)
        .unwrap();
    armored(sig)
}

fn armored(sig: Signature) -> Vec<u8> {
    use base64::Engine as _;
    let bytes = DetachedSignature::new(sig).to_bytes().unwrap();
    let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
    format!("-----BEGIN PGP SIGNATURE-----\n\n{b64}\n-----END PGP SIGNATURE-----\n").into_bytes()
}

fn keyring(keys: &[SignedPublicKey]) -> Keyring {
    Keyring {
        keys: keys.to_vec(),
    }
}

fn fingerprint(key: &SignedSecretKey) -> String {
    super::fingerprint_of(&key.primary_key)
}

#[track_caller]
fn refused(verdict: super::Verdict, needle: &str) {
    match verdict {
        Ok(who) => {
            panic!("expected a refusal containing {needle:?}, got a good signature by {who}")
        }
        Err(e) => assert!(e.contains(needle), "{e:?} does not contain {needle:?}"),
    }
}

#[test]
fn an_issuer_named_by_key_id_alone_is_found() {
    // Signers before RFC 4880bis (gpg 1.4, some libraries) write only the 8-byte key id.
    let alice = key(1, "Alice <alice@example.org>");
    let mut c = config(SignatureType::Binary, &alice, BORN + DAY);
    c.hashed_subpackets
        .retain(|p| !matches!(p.data, SubpacketData::IssuerFingerprint(_)));
    let ring = keyring(&[public(&alice, None)]);
    assert_eq!(
        verify(PAYLOAD, &sign(c, &alice), &ring, BORN + 2 * DAY),
        Ok(fingerprint(&alice))
    );
}

#[test]
fn a_refusal_names_the_issuer_by_fingerprint() {
    let alice = key(1, "Alice <alice@example.org>");
    let mallory = key(2, "Mallory <mallory@example.org>");
    let ring = keyring(&[public(&alice, None)]);
    let sig = sign(
        config(SignatureType::Binary, &mallory, BORN + DAY),
        &mallory,
    );
    refused(
        verify(PAYLOAD, &sig, &ring, BORN + 2 * DAY),
        &format!(
            "signed by key {}, which is not in the trusted keyring",
            fingerprint(&mallory)
        ),
    );
}

#[test]
fn a_signature_expires_at_its_own_expiration_time() {
    let alice = key(1, "Alice <alice@example.org>");
    let ring = keyring(&[public(&alice, None)]);
    let made = BORN + 10 * DAY;
    let expiring = |secs: i64| {
        let mut c = config(SignatureType::Binary, &alice, made);
        c.hashed_subpackets
            .push(sub(SubpacketData::SignatureExpirationTime(
                Duration::seconds(secs),
            )));
        sign(c, &alice)
    };
    // (signature lifetime, verified this long after it was made, the verdict)
    let rows: &[(i64, i64, Option<&str>)] = &[
        (DAY, DAY - 1, None),
        (DAY, DAY, Some("has expired (on 2024-01-12)")),
        (DAY, 400 * DAY, Some("has expired (on 2024-01-12)")),
        // Zero means "never expires" (RFC 9580, 5.2.3.18).
        (0, 400 * DAY, None),
    ];
    for &(lifetime, later, want) in rows {
        let verdict = verify(PAYLOAD, &expiring(lifetime), &ring, made + later);
        match want {
            None => assert_eq!(
                verdict,
                Ok(fingerprint(&alice)),
                "{lifetime} s, {later} s later"
            ),
            Some(needle) => refused(verdict, needle),
        }
    }
}

/// Alice's key made for one day, a signature made within it, judged a year later.
fn expired_alice() -> (SignedSecretKey, SignedPublicKey, Vec<u8>, i64) {
    let alice = key(1, "Alice <alice@example.org>");
    let sig = sign(config(SignatureType::Binary, &alice, BORN + 3600), &alice);
    let public = public(&alice, Some(1));
    (alice, public, sig, BORN + 365 * DAY)
}

#[test]
fn an_expired_key_stays_expired_under_forged_or_unrelated_newer_signatures() {
    let (alice, public, sig, now) = expired_alice();
    let mallory = key(2, "Mallory <mallory@example.org>");
    let uid = public.details.users[0].id.clone();
    refused(
        verify(PAYLOAD, &sig, &keyring(std::slice::from_ref(&public)), now),
        "which has expired (on 2024-01-02) (G2)",
    );

    // A newer "self-signature" without expiry, made by another key but naming alice as its
    // issuer: it does not verify, so it is not alice's word.
    let forged = |typ: SignatureType| {
        let mut c = config(typ, &mallory, BORN + 100 * DAY);
        c.hashed_subpackets = vec![
            sub(SubpacketData::SignatureCreationTime(at(BORN + 100 * DAY))),
            sub(SubpacketData::IssuerFingerprint(
                alice.primary_key.fingerprint(),
            )),
        ];
        c.unhashed_subpackets = vec![sub(SubpacketData::Issuer(alice.primary_key.key_id()))];
        c
    };
    let mut on_uid = public.clone();
    on_uid.details.users[0].signatures.push(
        forged(SignatureType::CertPositive)
            .sign_certification_third_party(
                &mallory.primary_key,
                &Password::empty(),
                &alice.primary_key.public_key(),
                Tag::UserId,
                &uid,
            )
            .unwrap(),
    );
    refused(
        verify(PAYLOAD, &sig, &keyring(&[on_uid]), now),
        "which has expired (on 2024-01-02) (G2)",
    );
    let mut direct = public.clone();
    direct.details.direct_signatures.push(
        forged(SignatureType::Key)
            .sign_key(
                &mallory.primary_key,
                &Password::empty(),
                &alice.primary_key.public_key(),
            )
            .unwrap(),
    );
    refused(
        verify(PAYLOAD, &sig, &keyring(&[direct]), now),
        "which has expired (on 2024-01-02) (G2)",
    );

    // Alice's own revocation of her user ID states no expiry: it is not a self-signature that
    // extends the key.
    let mut revoked_uid = public.clone();
    revoked_uid.details.users[0].signatures.push(
        config(SignatureType::CertRevocation, &alice, BORN + 100 * DAY)
            .sign_certification(
                &alice.primary_key,
                &alice.primary_key.public_key(),
                &Password::empty(),
                Tag::UserId,
                &uid,
            )
            .unwrap(),
    );
    refused(
        verify(PAYLOAD, &sig, &keyring(&[revoked_uid]), now),
        "which has expired (on 2024-01-02) (G2)",
    );
}

#[test]
fn a_newer_self_signature_by_the_key_extends_it() {
    // `gpg --quick-set-expire KEY 0` adds a newer self-signature without expiry: the newest
    // one that verifies states the key's validity.
    let (alice, public, sig, now) = expired_alice();
    let uid = public.details.users[0].id.clone();
    let mut c = config(SignatureType::CertPositive, &alice, BORN + 100 * DAY);
    c.hashed_subpackets.push(sub(SubpacketData::KeyFlags(
        public.details.users[0].signatures[0].key_flags(),
    )));
    let mut on_uid = public.clone();
    on_uid.details.users[0].signatures.push(
        c.sign_certification(
            &alice.primary_key,
            &alice.primary_key.public_key(),
            &Password::empty(),
            Tag::UserId,
            &uid,
        )
        .unwrap(),
    );
    assert_eq!(
        verify(PAYLOAD, &sig, &keyring(&[on_uid]), now),
        Ok(fingerprint(&alice))
    );
    let mut direct = public.clone();
    direct.details.direct_signatures.push(
        config(SignatureType::Key, &alice, BORN + 100 * DAY)
            .sign_key(
                &alice.primary_key,
                &Password::empty(),
                &alice.primary_key.public_key(),
            )
            .unwrap(),
    );
    assert_eq!(
        verify(PAYLOAD, &sig, &keyring(&[direct]), now),
        Ok(fingerprint(&alice))
    );
}
