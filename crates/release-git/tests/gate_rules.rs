//! Table-driven tests of the gate's pure decisions: the strict tag object parser (G4: what a
//! tag object may contain, where the signed payload ends), tagger identities and messages as the
//! tag is built (G4: no header injection), tag names, and the tagger date judgement (G2/G3's
//! plausibility check). Every row names the rule it checks. The decisions that need a repository
//! or gpg are in `verify.rs` and `trust.rs`.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests: a failure to set up is a failed test

use release_core::policy::Policy;
use release_git::tagobj::{self, ParseProblem, SigKind, Tagger};
use release_git::verify::judge_tagger_date;

const OBJ: &str = "0123456789abcdef0123456789abcdef01234567";
const PGP: &str = "-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n";
const SSH: &str = "-----BEGIN SSH SIGNATURE-----\nabc\n-----END SSH SIGNATURE-----\n";
const X509: &str = "-----BEGIN SIGNED MESSAGE-----\nabc\n-----END SIGNED MESSAGE-----\n";

fn headers() -> String {
    format!("object {OBJ}\ntype commit\ntag v1.0.0\ntagger A <a@x> 1700000000 +0000\n\n")
}

// ---------------------------------------------------------------- G4: tagger header values

/// (rule, header value, Some((name, email, time, offset minutes)) or None = refused)
type TaggerRow = (
    &'static str,
    &'static str,
    Option<(&'static str, &'static str, i64, i32)>,
);
const TAGGERS: &[TaggerRow] = &[
    ("G4", "A B <a@b> 5 -0130", Some(("A B", "a@b", 5, -90))),
    (
        "G4",
        "A <a@x> 1700000000 +0000",
        Some(("A", "a@x", 1_700_000_000, 0)),
    ),
    ("G4", "A <a@x> 1 +0530", Some(("A", "a@x", 1, 330))),
    ("G4", "A <a@x> 1 -1200", Some(("A", "a@x", 1, -720))),
    ("G4", "A <a@x> 0 +0001", Some(("A", "a@x", 0, 1))),
    ("G4", " <a@x> 1 +0000", None),
    ("G4", "A <a<b@x> 1 +0000", None),
    ("G4", "A> <a@x> 1 +0000", None),
    ("G4", "<A <a@x> 1 +0000", None),
    ("G4", "A <a@x>  1 +0000", None),
    ("G4", "A <a@x> 1a +0000", None),
    ("G4", "A <a@x> -1 +0000", None),
    ("G4", "A <a@x> 99999999999999999999 +0000", None),
    ("G4", "A <a@x> 1 +000", None),
    ("G4", "A <a@x> 1 00000", None),
    ("G4", "A <a@x> 1 +00a0", None),
    ("G4", "A <a@x> 1 +0000 x", None),
    ("G4", "A <a@x>1 +0000", None),
    ("G4", "A a@x> 1 +0000", None),
    ("G4", "A <a@x> 1", None),
];

#[test]
fn tagger_values_are_parsed_strictly() {
    for (rule, value, expected) in TAGGERS {
        let got = Tagger::parse(value);
        let want = expected.map(|(name, email, time, offset_minutes)| Tagger {
            name: name.into(),
            email: email.into(),
            time,
            offset_minutes,
        });
        assert_eq!(got, want, "{rule}: {value:?}");
        if let Some(t) = got {
            assert_eq!(t.to_header(), *value, "{rule}: {value:?} round trip");
        }
    }
}

/// (rule, offset minutes, the header's zone)
const ZONES: &[(&str, i32, &str)] = &[
    ("G4", 0, "+0000"),
    ("G4", -1, "-0001"),
    ("G4", 59, "+0059"),
    ("G4", 60, "+0100"),
    ("G4", -330, "-0530"),
    ("G4", 840, "+1400"),
];

#[test]
fn tagger_zones_are_written_as_git_writes_them() {
    for (rule, offset_minutes, zone) in ZONES {
        let t = Tagger {
            name: "A".into(),
            email: "a@x".into(),
            time: 7,
            offset_minutes: *offset_minutes,
        };
        assert_eq!(
            t.to_header(),
            format!("A <a@x> 7 {zone}"),
            "{rule}: {offset_minutes}"
        );
    }
}

/// (rule, name, e-mail, None = accepted or Some(substring of the refusal))
const IDENTITIES: &[(&str, &str, &str, Option<&str>)] = &[
    ("G4", "A B", "a@b", None),
    ("G4", "", "a@b", Some("user.name is empty")),
    ("G4", "A", "", Some("user.email is empty")),
    ("G4", "A <x", "a@b", Some("user.name \"A <x\" contains")),
    ("G4", "A >x", "a@b", Some("user.name")),
    ("G4", "A\nobject x", "a@b", Some("user.name")),
    ("G4", "A", "a@b>", Some("user.email \"a@b>\" contains")),
    ("G4", "A", "a\t@b", Some("user.email")),
];

#[test]
fn tagger_identities_cannot_break_the_header() {
    for (rule, name, email, expected) in IDENTITIES {
        let t = Tagger {
            name: (*name).into(),
            email: (*email).into(),
            time: 1,
            offset_minutes: 0,
        };
        let got = t.validate();
        match expected {
            None => assert!(got.is_ok(), "{rule}: {name:?} {email:?}: {got:?}"),
            Some(needle) => {
                let msg = got.expect_err(rule).message;
                assert!(msg.contains(needle), "{rule}: {name:?} {email:?}: {msg}");
            }
        }
        // What validation refuses never reaches a payload.
        let payload = tagobj::build_payload(git2::Oid::zero(), "v1.0.0", &t, "m");
        assert_eq!(
            payload.is_ok(),
            expected.is_none(),
            "{rule}: {name:?} {email:?}"
        );
    }
}

// ---------------------------------------------------------------- G4: the tag message

/// (rule, message, Ok(normalized) or Err(substring of the refusal))
const MESSAGES: &[(&str, &str, Result<&str, &str>)] = &[
    ("G4", "Release v1.0.0", Ok("Release v1.0.0\n")),
    ("G4", "Release v1.0.0  \n\n\n", Ok("Release v1.0.0\n")),
    ("G4", "  indented\r\n", Ok("  indented\n")),
    ("G4", "a\n\nb\n", Ok("a\n\nb\n")),
    ("G4", "", Err("empty")),
    ("G4", " \n\t\n", Err("empty")),
    ("G4", "a\0b", Err("NUL")),
    (
        "G4",
        "m\n-----BEGIN PGP SIGNATURE-----\n",
        Err("armor line"),
    ),
    ("G4", "-----END SSH SIGNATURE-----", Err("armor line")),
    ("G4", "m\n-----BEGIN FOO", Err("armor line")),
    (
        "G4",
        "m\n ----BEGIN not armor",
        Ok("m\n ----BEGIN not armor\n"),
    ),
];

#[test]
fn tag_messages_are_normalized_or_refused() {
    for (rule, message, expected) in MESSAGES {
        let got = tagobj::normalize_message(message).map_err(|e| e.message);
        match (expected, &got) {
            (Ok(want), Ok(have)) => assert_eq!(have, want, "{rule}: {message:?}"),
            (Err(needle), Err(msg)) => {
                assert!(msg.contains(needle), "{rule}: {message:?}: {msg}")
            }
            _ => panic!("{rule}: {message:?}: expected {expected:?}, got {got:?}"),
        }
    }
}

#[test]
fn payload_is_what_the_parser_reads_back() {
    // G4: what `create` signs is exactly what `verify` parses as the payload.
    let tagger = Tagger::parse("A B <a@b> 1700000000 -0130").unwrap();
    let target = git2::Oid::from_str(OBJ).unwrap();
    let payload = tagobj::build_payload(target, "v1.2.3", &tagger, "Release v1.2.3  \n").unwrap();
    let text = String::from_utf8(payload.clone()).unwrap();
    assert_eq!(
        text,
        format!("object {OBJ}\ntype commit\ntag v1.2.3\ntagger A B <a@b> 1700000000 -0130\n\nRelease v1.2.3\n")
    );
    let mut object = payload.clone();
    object.extend_from_slice(PGP.as_bytes());
    let parsed = tagobj::parse(&object).unwrap();
    assert_eq!(parsed.payload, payload.as_slice());
    assert_eq!(parsed.headers.tag, b"v1.2.3");
    assert_eq!(parsed.headers.tagger, tagger);
    assert_eq!(parsed.headers.object, OBJ);
    assert_eq!(parsed.headers.kind, "commit");
}

// ---------------------------------------------------------------- G4: tag names

/// (rule, name, None = accepted or Some(substring of the refusal))
const NAMES: &[(&str, &str, Option<&str>)] = &[
    ("G4", "v1.0.0", None),
    ("G4", "v1.0.0-rc.1", None),
    ("G4", "v1.0.0\ntype tree", Some("control character")),
    ("G4", "v1.0.0\t", Some("control character")),
    ("G4", "\u{7f}v1.0.0", Some("control character")),
    ("V1", "v1.0", Some("exactly three numbers")),
    ("V2", "v1.0.0-rc..1", Some("V1")),
];

#[test]
fn tag_names_are_checked_before_any_header() {
    let policy = Policy::default();
    for (rule, name, expected) in NAMES {
        let got = tagobj::validate_tag_name(name, &policy);
        match expected {
            None => {
                let v = got.unwrap_or_else(|e| panic!("{rule}: {name:?}: {e}"));
                assert_eq!(v.tag(&policy), *name, "{rule}: {name:?}");
            }
            Some(needle) => {
                let msg = got.expect_err(rule).message;
                assert!(msg.contains(needle), "{rule}: {name:?}: {msg}");
                assert!(
                    msg.contains(&format!("{name:?}")),
                    "{rule}: names the input: {msg}"
                );
            }
        }
    }
}

#[test]
fn tag_names_must_be_git_refnames() {
    // G4: a policy grammar that lets through what git cannot store is still refused.
    let policy = Policy {
        tag_prefix: "x.lock/".into(),
        ..Policy::default()
    };
    let msg = tagobj::validate_tag_name("x.lock/1.0.0", &policy)
        .unwrap_err()
        .message;
    assert!(msg.contains("not a valid git refname"), "{msg}");
}

// ---------------------------------------------------------------- G4: tag objects

/// What a parse should give: the message, the kind of signature, or which part is refused.
#[derive(Debug)]
enum Want {
    /// Accepted: the message bytes and the signature kind.
    Ok(&'static str, Option<SigKind>),
    /// Refused in the headers, with a substring of the reason.
    Headers(&'static str),
    /// Refused in the armor, with a substring of the reason.
    Armor(&'static str),
}

/// (rule, whole object, expected)
fn objects() -> Vec<(&'static str, String, Want)> {
    let h = headers();
    vec![
        (
            "G4",
            format!("{h}m\n{PGP}"),
            Want::Ok("m\n", Some(SigKind::Openpgp)),
        ),
        (
            "G4",
            format!("{h}m\n{SSH}"),
            Want::Ok("m\n", Some(SigKind::Ssh)),
        ),
        (
            "G4",
            format!("{h}m\n{X509}"),
            Want::Ok("m\n", Some(SigKind::X509)),
        ),
        ("G3", format!("{h}unsigned\n"), Want::Ok("unsigned\n", None)),
        ("G3", h.clone(), Want::Ok("", None)),
        (
            "G4",
            format!("{h}m\n{}", PGP.trim_end()),
            Want::Ok("m\n", Some(SigKind::Openpgp)),
        ),
        (
            "G4",
            format!("{h}{PGP}"),
            Want::Ok("", Some(SigKind::Openpgp)),
        ),
        (
            "G4",
            format!(
                "object {}\ntype commit\ntag v1\ntagger A <a@x> 1 +0000\n\nm\n",
                "ab".repeat(32)
            ),
            Want::Ok("m\n", None),
        ),
        (
            "G4",
            format!("object {OBJ}\ntype tag\ntag v1\ntagger A <a@x> 1 +0000\n\nm\n"),
            Want::Ok("m\n", None),
        ),
        (
            "G4",
            format!("object {OBJ}\ntype tree\ntag v1\ntagger A <a@x> 1 +0000\n\nm\n"),
            Want::Ok("m\n", None),
        ),
        (
            "G4",
            format!("object {OBJ}\ntype blob\ntag v1\ntagger A <a@x> 1 +0000\n\nm\n"),
            Want::Ok("m\n", None),
        ),
        // Headers.
        (
            "G4",
            format!("object {OBJ}\ntype commit\ntag v1\ntagger A <a@x> 1 +0000\nm\n"),
            Want::Headers("no blank line"),
        ),
        (
            "G4",
            format!("object {OBJ}\ntype commit\ntagger A <a@x> 1 +0000\n\nm\n"),
            Want::Headers("3 header lines"),
        ),
        (
            "G4",
            format!("type commit\nobject {OBJ}\ntag v1\ntagger A <a@x> 1 +0000\n\nm\n"),
            Want::Headers("header 1 is \"type\""),
        ),
        (
            "G4",
            format!("object {OBJ}\ntype commit\ntag v1\ntaggerA <a@x> 1 +0000\n\nm\n"),
            Want::Headers("header 4 is \"taggerA\""),
        ),
        (
            "G4",
            format!("object {OBJ}\ntype  commit\ntag v1\ntagger A <a@x> 1 +0000\n\nm\n"),
            Want::Headers("is not an object type"),
        ),
        (
            "G4",
            format!("object {OBJ}\ntype commits\ntag v1\ntagger A <a@x> 1 +0000\n\nm\n"),
            Want::Headers("`type commits` is not an object type"),
        ),
        (
            "G4",
            format!(
                "object {}\ntype commit\ntag v1\ntagger A <a@x> 1 +0000\n\nm\n",
                &OBJ[1..]
            ),
            Want::Headers("not a full lower-case object id"),
        ),
        (
            "G4",
            format!("object {OBJ}0\ntype commit\ntag v1\ntagger A <a@x> 1 +0000\n\nm\n"),
            Want::Headers("not a full lower-case object id"),
        ),
        (
            "G4",
            format!(
                "object {}\ntype commit\ntag v1\ntagger A <a@x> 1 +0000\n\nm\n",
                OBJ.to_uppercase()
            ),
            Want::Headers("not a full lower-case object id"),
        ),
        (
            "G4",
            format!(
                "object {}\ntype commit\ntag v1\ntagger A <a@x> 1 +0000\n\nm\n",
                "g".repeat(40)
            ),
            Want::Headers("not a full lower-case object id"),
        ),
        (
            "G4",
            format!("object {OBJ}\ntype commit\ntag v1\ntagger A <a@x> 1\n\nm\n"),
            Want::Headers("`tagger A <a@x> 1` is not"),
        ),
        // Armor.
        (
            "G4",
            format!("{h}m\n{PGP}{SSH}"),
            Want::Armor("2 signature armor blocks"),
        ),
        (
            "G4",
            format!("{h}m\n-----BEGIN PGP MESSAGE-----\nabc\n-----END PGP MESSAGE-----\n"),
            Want::Armor("labelled \"PGP MESSAGE\""),
        ),
        (
            "G4",
            format!("{h}m\n-----END PGP SIGNATURE-----\n"),
            Want::Armor("armor line in the message (`-----BEGIN`/`-----END` outside"),
        ),
        (
            "G4",
            format!("{h}m\n-----END X-----\n{PGP}"),
            Want::Armor("before the signature block"),
        ),
        (
            "G4",
            format!("{h}m\n-----BEGIN PGP SIGNATURE-----\nabc\n"),
            Want::Armor("no END line"),
        ),
        (
            "G4",
            format!("{h}m\n-----BEGIN PGP SIGNATURE-----\nabc\n-----END SSH SIGNATURE-----\n"),
            Want::Armor("does not match its BEGIN line"),
        ),
        (
            "G4",
            format!("{h}m\n{PGP}more\n"),
            Want::Armor("5 bytes of text after the signature"),
        ),
        (
            "G4",
            format!("{h}m\n{PGP}\n"),
            Want::Armor("1 bytes of text after the signature"),
        ),
        (
            "G4",
            format!("{h}m\n{PGP}x"),
            Want::Armor("1 bytes of text after the signature"),
        ),
    ]
}

#[test]
fn tag_objects_are_parsed_strictly() {
    for (rule, object, want) in objects() {
        let got = tagobj::parse(object.as_bytes());
        match (&want, &got) {
            (Want::Ok(message, kind), Ok(parsed)) => {
                assert_eq!(parsed.message, message.as_bytes(), "{rule}: {object:?}");
                assert_eq!(
                    parsed.signature.map(|(k, _)| k),
                    *kind,
                    "{rule}: {object:?}"
                );
                // The signed payload is every byte before the signature, and the signature is
                // every byte after it.
                let body_start = object.find("\n\n").unwrap() + 2;
                assert_eq!(
                    parsed.payload,
                    &object.as_bytes()[..body_start + message.len()],
                    "{rule}: {object:?}"
                );
                let sig = parsed.signature.map_or(&b""[..], |(_, s)| s);
                assert_eq!(
                    [parsed.payload, sig].concat(),
                    object.as_bytes(),
                    "{rule}: {object:?}"
                );
            }
            (Want::Headers(needle), Err(ParseProblem::Headers(msg)))
            | (Want::Armor(needle), Err(ParseProblem::Armor(msg))) => {
                assert!(msg.contains(needle), "{rule}: {object:?}: {msg}");
            }
            _ => panic!("{rule}: {object:?}: expected {want:?}, got {got:?}"),
        }
    }
}

#[test]
fn headers_that_are_not_utf8_are_refused() {
    let mut object = headers().into_bytes();
    object.splice(30..30, [0xff]);
    assert!(matches!(
        tagobj::parse(&object),
        Err(ParseProblem::Headers(m)) if m.contains("not UTF-8")
    ));
}

#[test]
fn signature_kinds_have_report_names() {
    let names: Vec<&str> = [SigKind::Openpgp, SigKind::Ssh, SigKind::X509]
        .iter()
        .map(|k| k.name())
        .collect();
    assert_eq!(
        names,
        ["openpgp", "ssh", "x509"],
        "G2: the formats as reports name them"
    );
}

#[test]
fn checks_have_report_names() {
    use release_git::verify::CheckId;
    let names: Vec<&str> = CheckId::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(
        names,
        [
            "name",
            "ref",
            "annotated",
            "size",
            "headers",
            "tag-name",
            "type",
            "target",
            "tagger-date",
            "armor",
            "signature",
            "reachable",
            "expected-commit"
        ],
        "the gate's checks in order, as reports and CI logs name them"
    );
}

// ---------------------------------------------------------------- G2/G3: tagger dates

const DAY: i64 = 24 * 3600;
const NOW: i64 = 1_700_000_000;

/// (rule, tagger date, commit date, now, Ok(substring) or Err(substring))
type DateRow = (
    &'static str,
    i64,
    i64,
    i64,
    Result<&'static str, &'static str>,
);
const DATES: &[DateRow] = &[
    ("G2", NOW, NOW - 10, NOW, Ok("tagged 2023-11-14")),
    ("G2", NOW + DAY, NOW, NOW, Ok("tagged 2023-11-15")),
    ("G2", NOW + DAY + 1, NOW, NOW, Err("is in the future")),
    ("G2", NOW - DAY, NOW, NOW, Ok("tagged 2023-11-13")),
    (
        "G2",
        NOW - DAY - 1,
        NOW,
        NOW,
        Err("2023-11-13 is before its commit's date 2023-11-14"),
    ),
    ("G2", NOW, NOW + DAY, NOW + DAY, Ok("tagged")),
    ("G2", i64::MAX, 0, i64::MAX, Ok("9223372036854775807 s")),
    (
        "G2",
        i64::MAX,
        0,
        NOW,
        Err("9223372036854775807 s is in the future"),
    ),
    ("G2", i64::MIN, i64::MIN, NOW, Ok("tagged")),
    (
        "G2",
        i64::MIN,
        0,
        NOW,
        Err("is before its commit's date 1970-01-01"),
    ),
];

#[test]
fn tagger_dates_must_be_plausible() {
    for (rule, tagger, commit, now, expected) in DATES {
        let got = judge_tagger_date(*tagger, *commit, *now);
        match (expected, &got) {
            (Ok(needle), Ok(msg)) | (Err(needle), Err(msg)) => {
                assert!(
                    msg.contains(needle),
                    "{rule}: {tagger} {commit} {now}: {msg}"
                )
            }
            _ => panic!("{rule}: {tagger} {commit} {now}: expected {expected:?}, got {got:?}"),
        }
    }
}

// ---------------------------------------------------------------- G6: the trust root

use release_git::verify::{Trust, TrustSource};

/// (rule, source, how every verification names it)
fn sources() -> Vec<(&'static str, TrustSource, &'static str)> {
    vec![
        (
            "G6",
            TrustSource::Ref {
                refname: "refs/remotes/origin/main".into(),
                commit: OBJ.into(),
                policy: Some("release-policy.toml".into()),
            },
            "release-policy.toml on refs/remotes/origin/main at 0123456789ab",
        ),
        (
            "G6",
            TrustSource::Ref {
                refname: "refs/heads/main".into(),
                commit: OBJ.into(),
                policy: None,
            },
            "the built-in [signing] policy with the key files on refs/heads/main at 0123456789ab",
        ),
        (
            "G6",
            TrustSource::Ref {
                refname: "refs/heads/main".into(),
                commit: "abc".into(),
                policy: Some("p.toml".into()),
            },
            "p.toml on refs/heads/main at abc",
        ),
        (
            "G6",
            TrustSource::File {
                path: "/etc/release/policy.toml".into(),
            },
            "/etc/release/policy.toml (operator-supplied)",
        ),
    ]
}

#[test]
fn every_trust_root_is_named() {
    for (rule, source, shown) in sources() {
        assert_eq!(source.to_string(), shown, "{rule}: {source:?}");
    }
}

/// (rule, the policy's fingerprints, as the gate compares them)
const FINGERPRINTS: &[(&str, &[&str], &[&str])] = &[
    ("G2", &["0xab cd"], &["ABCD"]),
    ("G2", &["EF01 2345\t6789"], &["EF0123456789"]),
    ("G2", &["0x0xab"], &["AB"]),
    ("G2", &["ab0x"], &["AB0X"]),
    ("G2", &[], &[]),
];

/// (rule, signers file named by the policy, whether it exists, what the trust root holds)
type SignersRow = (
    &'static str,
    &'static str,
    bool,
    Option<Result<&'static str, &'static str>>,
);
const SIGNERS: &[SignersRow] = &[
    ("G6", "", false, None),
    ("G6", "  ", false, None),
    (
        "G6",
        "allowed_signers",
        true,
        Some(Ok("a@x ssh-ed25519 AAAA\n")),
    ),
    ("G6", "missing_signers", false, Some(Err("does not exist"))),
    ("G6", "keys", false, Some(Err("keys does not exist"))),
];

#[test]
fn an_operator_supplied_trust_root_is_read_beside_its_policy() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("keys")).unwrap();
    std::fs::write(dir.path().join("allowed_signers"), "a@x ssh-ed25519 AAAA\n").unwrap();
    std::fs::write(dir.path().join("keys/signers.asc"), "KEY").unwrap();
    let policy_path = dir.path().join("policy.toml");
    for (rule, fingerprints, normalized) in FINGERPRINTS {
        let mut policy = Policy::default();
        policy.signing.openpgp_fingerprints = fingerprints.iter().map(|f| f.to_string()).collect();
        let trust = Trust::from_files(&policy, &policy_path, dir.path());
        assert_eq!(
            trust.openpgp_fingerprints, *normalized,
            "{rule}: {fingerprints:?}"
        );
        assert_eq!(
            trust.source,
            TrustSource::File {
                path: policy_path.clone()
            }
        );
        assert_eq!(
            trust.protected, None,
            "{rule}: a file is not a protected ref"
        );
    }
    for (rule, name, exists, expected) in SIGNERS {
        assert_eq!(
            dir.path().join(name).is_file(),
            *exists,
            "{rule}: setup {name:?}"
        );
        let mut policy = Policy::default();
        policy.signing.ssh_allowed_signers = (*name).into();
        policy.signing.openpgp_keys = vec!["keys/signers.asc".into(), "keys/gone.asc".into()];
        let trust = Trust::from_files(&policy, &policy_path, dir.path());
        let got = trust.ssh_allowed_signers.as_ref().map(|f| {
            assert_eq!(f.name, *name, "{rule}");
            f.content.clone()
        });
        match (expected, got) {
            (None, None) => {}
            (Some(Ok(text)), Some(Ok(bytes))) => {
                assert_eq!(bytes, text.as_bytes(), "{rule}: {name:?}")
            }
            (Some(Err(needle)), Some(Err(why))) => {
                assert!(why.contains(needle), "{rule}: {name:?}: {why}")
            }
            (want, got) => panic!("{rule}: {name:?}: expected {want:?}, got {got:?}"),
        }
        let keys: Vec<(&str, bool)> = trust
            .openpgp_keys
            .iter()
            .map(|f| (f.name.as_str(), f.content.is_ok()))
            .collect();
        assert_eq!(
            keys,
            [("keys/signers.asc", true), ("keys/gone.asc", false)],
            "{rule}"
        );
        assert_eq!(trust.main_branch, policy.main_branch, "{rule}");
        assert_eq!(trust.hotfix_branch, policy.hotfix_branch, "{rule}");
        assert_eq!(
            trust.require_reachable, policy.signing.require_reachable,
            "{rule}"
        );
    }
}
