//! The in-process OpenPGP judgement on keys and signatures gpg will not make: an issuer named
//! by key id only (older signers), a signature expiry of zero, a signature's own expiry, and
//! self-signatures forged or added after the fact. The keys are made with rPGP from a fixed
//! seed; the gpg-made cases are in `tests/verify.rs` and `tests/differential.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, Utc};
use pgp::composed::{
    DetachedSignature, KeyType, SecretKeyParamsBuilder, SignedPublicKey, SignedSecretKey,
    SubkeyParamsBuilder,
};
use pgp::crypto::hash::HashAlgorithm;
use pgp::packet::{KeyFlags, Signature, SignatureConfig, SignatureType, Subpacket, SubpacketData};
use pgp::ser::Serialize;
use pgp::types::{KeyDetails, KeyVersion, Password, SecretKeyTrait, Tag};
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
    key_with(seed, uid, false)
}

/// [`key`], with a signing subkey made a day later when `subkey` (its binding is
/// [`bound`]'s).
fn key_with(seed: u64, uid: &str, subkey: bool) -> SignedSecretKey {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut params = SecretKeyParamsBuilder::default();
    params
        .version(KeyVersion::V4)
        .key_type(KeyType::Ed25519Legacy)
        .can_certify(true)
        .can_sign(true)
        .primary_user_id(uid.into())
        .created_at(at(BORN));
    if subkey {
        params.subkey(
            SubkeyParamsBuilder::default()
                .version(KeyVersion::V4)
                .key_type(KeyType::Ed25519Legacy)
                .can_sign(true)
                .created_at(at(BORN + DAY))
                .build()
                .unwrap(),
        );
    }
    let params = params.build().unwrap();
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
    public.details.users[0].signatures = vec![self_sig(key, BORN, flags(true), days)];
    public
}

fn flags(sign: bool) -> KeyFlags {
    let mut f = KeyFlags::default();
    f.set_certify(true);
    f.set_sign(sign);
    f
}

/// A self-signature of the key's user ID made at `created` with key flags `flags` and a key
/// lifetime of `days` (`None`: no expiry; `Some(0)`: an expiry subpacket of zero).
fn self_sig(key: &SignedSecretKey, created: i64, flags: KeyFlags, days: Option<i64>) -> Signature {
    let uid = key.signed_public_key().details.users[0].id.clone();
    let mut c = config(SignatureType::CertPositive, key, created);
    c.hashed_subpackets
        .push(sub(SubpacketData::KeyFlags(flags)));
    if let Some(days) = days {
        c.hashed_subpackets
            .push(sub(SubpacketData::KeyExpirationTime(Duration::days(days))));
    }
    c.sign_certification(
        &key.primary_key,
        &key.primary_key.public_key(),
        &Password::empty(),
        Tag::UserId,
        &uid,
    )
    .unwrap()
}

fn sub(data: SubpacketData) -> Subpacket {
    Subpacket::regular(data).unwrap()
}

/// A configuration for a v4 signature of `typ` by `key`, made at `created`, naming its issuer
/// by fingerprint (hashed) and key id (unhashed), as gpg does.
fn config(typ: SignatureType, key: &SignedSecretKey, created: i64) -> SignatureConfig {
    config_by(typ, &key.primary_key, created)
}

fn config_by(typ: SignatureType, key: &impl KeyDetails, created: i64) -> SignatureConfig {
    let mut c = SignatureConfig::v4(typ, key.algorithm(), HashAlgorithm::Sha256);
    c.hashed_subpackets = vec![
        sub(SubpacketData::SignatureCreationTime(at(created))),
        sub(SubpacketData::IssuerFingerprint(key.fingerprint())),
    ];
    c.unhashed_subpackets = vec![sub(SubpacketData::Issuer(key.key_id()))];
    c
}

/// The armored detached signature of [`PAYLOAD`] made with `config` by `key`.
fn sign(config: SignatureConfig, key: &SignedSecretKey) -> Vec<u8> {
    sign_by(config, &key.primary_key)
}

fn sign_by(config: SignatureConfig, key: &impl SecretKeyTrait) -> Vec<u8> {
    armored(config.sign(key, &Password::empty(), PAYLOAD).unwrap())
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

/// Asserts a row's verdict: a good signature by `signer`'s primary key (`want` is `None`), or a
/// refusal containing `want`.
#[track_caller]
fn judged(what: &str, verdict: super::Verdict, want: Option<&str>, signer: &SignedSecretKey) {
    match want {
        None => assert_eq!(verdict, Ok(fingerprint(signer)), "{what}"),
        Some(needle) => match verdict {
            Err(e) => assert!(e.contains(needle), "{what}: {e}"),
            Ok(_) => panic!("{what}: accepted, wanted {needle:?}"),
        },
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
        let what = format!("{lifetime} s, {later} s later");
        judged(&what, verdict, want, &alice);
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

/// Alice's key with `sigs` as its user ID's self-signatures, in that order.
fn alice_with(alice: &SignedSecretKey, sigs: Vec<Signature>) -> Keyring {
    let mut public = alice.signed_public_key();
    public.details.users[0].signatures = sigs;
    keyring(&[public])
}

#[test]
fn the_newest_self_signature_that_verifies_states_the_primary_keys_validity() {
    let alice = key(1, "Alice <alice@example.org>");
    let mallory = key(2, "Mallory <mallory@example.org>");
    // Signed ten days after the key was made, verified twenty days after.
    let sig = sign(
        config(SignatureType::Binary, &alice, BORN + 10 * DAY),
        &alice,
    );
    let now = BORN + 20 * DAY;
    let own =
        |created: i64, sign: bool, days: Option<i64>| self_sig(&alice, created, flags(sign), days);
    // A self-signature made by mallory in alice's name: it does not verify.
    let forged = {
        let mut c = config(SignatureType::CertPositive, &mallory, BORN + 5 * DAY);
        c.hashed_subpackets = vec![
            sub(SubpacketData::SignatureCreationTime(at(BORN + 5 * DAY))),
            sub(SubpacketData::IssuerFingerprint(
                alice.primary_key.fingerprint(),
            )),
            sub(SubpacketData::KeyFlags(flags(true))),
        ];
        let uid = alice.signed_public_key().details.users[0].id.clone();
        c.sign_certification_third_party(
            &mallory.primary_key,
            &Password::empty(),
            &alice.primary_key.public_key(),
            Tag::UserId,
            &uid,
        )
        .unwrap()
    };
    let rows: Vec<(&str, Vec<Signature>, Option<&str>)> = vec![
        (
            "valid for ten years, signed within them",
            vec![own(BORN, true, Some(3650))],
            None,
        ),
        (
            "a key lifetime of zero is no expiry",
            vec![own(BORN, true, Some(0))],
            None,
        ),
        (
            "key flags without sign",
            vec![own(BORN, false, None)],
            Some("whose self-signature does not allow signing"),
        ),
        (
            "the newest wins when it comes first in the file",
            vec![own(BORN + 5 * DAY, true, None), own(BORN, true, Some(1))],
            None,
        ),
        (
            "the newest wins when it comes last",
            vec![own(BORN, true, Some(1)), own(BORN + 5 * DAY, true, None)],
            None,
        ),
        (
            "a newer self-signature may shorten the key's life",
            vec![own(BORN + 5 * DAY, true, Some(15)), own(BORN, true, None)],
            Some("which has expired (on 2024-01-16) (G2)"),
        ),
        (
            "a forged self-signature alone",
            vec![forged.clone()],
            Some("whose trusted key has no valid self-signature"),
        ),
        (
            "a forged newer self-signature beside a genuine expired one",
            vec![own(BORN, true, Some(1)), forged],
            Some("which has expired (on 2024-01-02) (G2)"),
        ),
    ];
    for (what, sigs, want) in rows {
        let verdict = verify(PAYLOAD, &sig, &alice_with(&alice, sigs), now);
        judged(what, verdict, want, &alice);
    }
}

#[test]
fn only_a_revocation_that_verifies_revokes_the_key() {
    let alice = key(1, "Alice <alice@example.org>");
    let mallory = key(2, "Mallory <mallory@example.org>");
    let sig = sign(config(SignatureType::Binary, &alice, BORN + DAY), &alice);
    let revocation = |by: &SignedSecretKey| {
        let mut c = config(SignatureType::KeyRevocation, by, BORN + 2 * DAY);
        c.hashed_subpackets[1] = sub(SubpacketData::IssuerFingerprint(
            alice.primary_key.fingerprint(),
        ));
        c.sign_key(
            &by.primary_key,
            &Password::empty(),
            &alice.primary_key.public_key(),
        )
        .unwrap()
    };
    let mut forged = public(&alice, None);
    forged.details.revocation_signatures = vec![revocation(&mallory)];
    assert_eq!(
        verify(PAYLOAD, &sig, &keyring(&[forged]), BORN + 3 * DAY),
        Ok(fingerprint(&alice))
    );
    let mut revoked = public(&alice, None);
    revoked.details.revocation_signatures = vec![revocation(&alice)];
    refused(
        verify(PAYLOAD, &sig, &keyring(&[revoked]), BORN + 3 * DAY),
        "which has been revoked (G2)",
    );
}

/// A binding of alice's subkey made at `created`: with the sign flag when `sign`, the
/// subkey's back-signature when `back`, a lifetime of `days`; made by `by` in alice's name.
fn bound(
    alice: &SignedSecretKey,
    by: &SignedSecretKey,
    created: i64,
    sign: bool,
    back: bool,
    days: Option<i64>,
) -> Signature {
    let subkey = &alice.secret_subkeys[0].key;
    let sub_public = subkey.public_key();
    let mut c = config(SignatureType::SubkeyBinding, alice, created);
    let mut f = KeyFlags::default();
    f.set_sign(sign);
    c.hashed_subpackets.push(sub(SubpacketData::KeyFlags(f)));
    if let Some(days) = days {
        c.hashed_subpackets
            .push(sub(SubpacketData::KeyExpirationTime(Duration::days(days))));
    }
    if back {
        let embedded = config_by(SignatureType::KeyBinding, subkey, created)
            .sign_primary_key_binding(
                subkey,
                &sub_public,
                &Password::empty(),
                &alice.primary_key.public_key(),
            )
            .unwrap();
        c.hashed_subpackets
            .push(sub(SubpacketData::EmbeddedSignature(Box::new(embedded))));
    }
    c.sign_subkey_binding(
        &by.primary_key,
        &by.primary_key.public_key(),
        &Password::empty(),
        &sub_public,
    )
    .unwrap()
}

#[test]
fn a_subkey_signs_only_when_bound_as_a_signing_subkey_and_valid() {
    let alice = key_with(3, "Alice <alice@example.org>", true);
    let mallory = key(2, "Mallory <mallory@example.org>");
    let subkey = &alice.secret_subkeys[0].key;
    // The subkey was made a day after the primary key.
    let signed = |created: i64| sign_by(config_by(SignatureType::Binary, subkey, created), subkey);
    let good = || bound(&alice, &alice, BORN + DAY, true, true, None);
    let rows: Vec<(&str, Vec<Signature>, i64, Option<&str>)> = vec![
        (
            "bound, sign flag, back-signature",
            vec![good()],
            BORN + 10 * DAY,
            None,
        ),
        (
            "no back-signature",
            vec![bound(&alice, &alice, BORN + DAY, true, false, None)],
            BORN + 10 * DAY,
            Some("which is not a signing subkey of its primary key"),
        ),
        (
            "no sign flag",
            vec![bound(&alice, &alice, BORN + DAY, false, true, None)],
            BORN + 10 * DAY,
            Some("which is not a signing subkey of its primary key"),
        ),
        (
            "no binding",
            vec![],
            BORN + 10 * DAY,
            Some("which no valid binding signature ties to its primary key"),
        ),
        (
            "a binding forged by another key",
            vec![bound(&alice, &mallory, BORN + DAY, true, true, None)],
            BORN + 10 * DAY,
            Some("which no valid binding signature ties to its primary key"),
        ),
        (
            "a forged newer binding without the sign flag beside the genuine one",
            vec![
                good(),
                bound(&alice, &mallory, BORN + 5 * DAY, false, true, None),
            ],
            BORN + 10 * DAY,
            None,
        ),
        (
            "the newest genuine binding wins, wherever it is",
            vec![
                bound(&alice, &alice, BORN + 5 * DAY, false, true, None),
                good(),
            ],
            BORN + 10 * DAY,
            Some("which is not a signing subkey of its primary key"),
        ),
        (
            "bound for two days",
            vec![bound(&alice, &alice, BORN + DAY, true, true, Some(2))],
            BORN + 10 * DAY,
            Some("which has expired (on 2024-01-04) (G2)"),
        ),
        (
            "a signature made the second the subkey was",
            vec![good()],
            BORN + DAY,
            None,
        ),
        (
            "a signature dated before the subkey existed",
            vec![good()],
            BORN + 3600,
            Some("predates its key (made 2024-01-01, key created 2024-01-02)"),
        ),
    ];
    let ring = |sigs: Vec<Signature>| {
        let mut public = public(&alice, None);
        public.public_subkeys[0].signatures = sigs;
        keyring(&[public])
    };
    for (what, sigs, made, want) in rows {
        let verdict = verify(PAYLOAD, &signed(made), &ring(sigs), BORN + 20 * DAY);
        judged(what, verdict, want, &alice);
    }
}
