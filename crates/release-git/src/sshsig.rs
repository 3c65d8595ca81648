//! SSH signatures (`sshsig`, as `ssh-keygen -Y sign` and git make them) verified in-process with
//! the `ssh-key` crate, against an allowed-signers file read as `ssh-keygen -Y verify` reads it
//! (ssh-keygen(1), "ALLOWED SIGNERS").
//!
//! Supported in the file: `#` comments and blank lines; principals as a comma-separated pattern
//! list (`*` and `?` wildcards, `!` negation, optionally in double quotes); the options
//! `namespaces="git,..."` (a pattern list), `valid-after="YYYYMMDD[HHMM[SS]][Z]"` and
//! `valid-before=...`; key types ed25519, ECDSA P-256/384/521, RSA (rsa-sha2-256/512) and the
//! FIDO `sk-` variants of ed25519 and P-256. The dates are read as UTC (ssh-keygen reads a date
//! without `Z` in the local time zone; a release gate's answer must not depend on the machine's
//! zone). `cert-authority` lines are read but vouch for no plain key, as in ssh-keygen, and
//! signatures made with an SSH certificate are refused: certificates are not supported. Any
//! other option, or a line that cannot be read, refuses the file with its line number: a gate
//! does not guess what an unreadable trust root meant.

use ssh_key::{HashAlg, PublicKey, SshSig};

/// One signer line.
#[derive(Debug)]
struct Line {
    number: usize,
    principals: String,
    key: PublicKey,
    options: Options,
}

/// A line's options.
#[derive(Debug, Default)]
struct Options {
    cert_authority: bool,
    namespaces: Option<String>,
    valid_after: Option<i64>,
    valid_before: Option<i64>,
}

/// Verifies the armored `block` over `payload` for `principal` in namespace `git` at `now`.
/// `file` names the allowed-signers file and `source` the trust root, for messages.
pub(crate) fn verify(
    payload: &[u8],
    block: &[u8],
    principal: &str,
    allowed: &[u8],
    file: &str,
    source: &str,
    now: i64,
) -> Result<String, String> {
    let sig = SshSig::from_pem(block).map_err(|e| {
        format!("the SSH signature block cannot be read: {e} (signatures made with SSH certificates are not supported: sign with a plain key listed in {file})")
    })?;
    if sig.namespace() != "git" {
        return Err(format!(
            "wrong SSH signature namespace: a git tag signature uses namespace \"git\", this one was made for {:?}",
            sig.namespace()
        ));
    }
    let lines = parse(allowed)
        .map_err(|e| format!("the allowed-signers file {file} ({source}) cannot be used: {e}"))?;
    let key = PublicKey::from(sig.public_key().clone());
    let fingerprint = key.fingerprint(HashAlg::Sha256).to_string();
    key.verify("git", payload, &sig).map_err(|e| {
        format!(
            "bad SSH signature for {principal} by key {fingerprint}: the signed payload was modified or the signature does not belong to it ({e})"
        )
    })?;
    let listed: Vec<&Line> = lines
        .iter()
        .filter(|l| !l.options.cert_authority && l.key.key_data() == key.key_data())
        .collect();
    if listed.is_empty() {
        return Err(format!(
            "the SSH key {fingerprint} is not allowed for any principal at this time in {file} ({source}): it is not listed"
        ));
    }
    let mut why_not = Vec::new();
    let mut current = Vec::new();
    for line in listed {
        if let Some(after) = line.options.valid_after.filter(|a| now < *a) {
            why_not.push(format!(
                "line {} ({}) is not valid yet (valid-after {})",
                line.number,
                line.principals,
                day(after)
            ));
        } else if let Some(before) = line.options.valid_before.filter(|b| now > *b) {
            why_not.push(format!(
                "line {} ({}) expired on {} (valid-before)",
                line.number,
                line.principals,
                day(before)
            ));
        } else if let Some(ns) = line
            .options
            .namespaces
            .as_deref()
            .filter(|ns| !matches_list("git", ns))
        {
            why_not.push(format!(
                "line {} ({}) allows the namespaces {ns:?}, not \"git\"",
                line.number, line.principals
            ));
        } else {
            current.push(line);
        }
    }
    if current.is_empty() {
        return Err(format!(
            "the SSH key {fingerprint} is not allowed for any principal at this time in {file} ({source}): {}",
            why_not.join("; ")
        ));
    }
    if current
        .iter()
        .any(|l| matches_list(principal, &l.principals))
    {
        return Ok(format!("{principal} ({fingerprint})"));
    }
    Err(format!(
        "SSH principal mismatch: the key is allowed for {} but the tagger is {principal}",
        current
            .iter()
            .map(|l| l.principals.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

fn day(secs: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(secs)
        .map(|t| t.date().to_string())
        .unwrap_or_else(|_| format!("{secs} s"))
}

/// Parses the whole file; the first unreadable line is the error.
fn parse(text: &[u8]) -> Result<Vec<Line>, String> {
    let text = std::str::from_utf8(text).map_err(|_| "it is not UTF-8".to_string())?;
    let mut lines = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        lines.push(parse_line(line, number).map_err(|e| format!("line {number}: {e}"))?);
    }
    Ok(lines)
}

/// Splits off one field: a run of non-blank characters, where double quotes protect blanks.
fn field(s: &str) -> (&str, &str) {
    let s = s.trim_start();
    let mut quoted = false;
    for (i, c) in s.char_indices() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => return (&s[..i], &s[i..]),
            _ => {}
        }
    }
    (s, "")
}

fn is_key_type(token: &str) -> bool {
    token.starts_with("ssh-")
        || token.starts_with("ecdsa-sha2-")
        || token.starts_with("sk-ssh-")
        || token.starts_with("sk-ecdsa-sha2-")
}

/// What a signer line holds, for the refusal of one that does not.
const EXPECTED: &str = "expected `PRINCIPALS [OPTIONS] KEYTYPE BASE64-KEY`";

fn parse_line(line: &str, number: usize) -> Result<Line, String> {
    let (principals, rest) = field(line);
    let principals = principals.trim_matches('"').to_string();
    if principals.is_empty() {
        return Err("no principals".into());
    }
    let (mut token, mut rest) = field(rest);
    let mut options = Options::default();
    if token.is_empty() {
        return Err(EXPECTED.into());
    }
    if !is_key_type(token) {
        options = parse_options(token)?;
        (token, rest) = field(rest);
    }
    if token.ends_with("-cert-v01@openssh.com") {
        return Err(format!(
            "the key type {token} is a certificate; list the plain key (or its CA with cert-authority)"
        ));
    }
    let (base64, _comment) = field(rest);
    if token.is_empty() || base64.is_empty() {
        return Err(EXPECTED.into());
    }
    let key = PublicKey::from_openssh(&format!("{token} {base64}"))
        .map_err(|e| format!("cannot read the {token} key: {e}"))?;
    if key.algorithm().as_str() != token {
        return Err(format!(
            "the key is a {} key but the line says {token}",
            key.algorithm().as_str()
        ));
    }
    Ok(Line {
        number,
        principals,
        key,
        options,
    })
}

fn parse_options(options: &str) -> Result<Options, String> {
    let mut entry = Options::default();
    for option in split_options(options) {
        let (name, value) = match option.split_once('=') {
            Some((n, v)) => {
                let v = v
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .ok_or_else(|| format!("the value of {n} must be in double quotes"))?;
                (n, Some(v))
            }
            None => (option, None),
        };
        match (name.to_ascii_lowercase().as_str(), value) {
            ("cert-authority", None) => entry.cert_authority = true,
            ("namespaces", Some(v)) => entry.namespaces = Some(v.to_string()),
            ("valid-after", Some(v)) => entry.valid_after = Some(parse_time(v)?),
            ("valid-before", Some(v)) => entry.valid_before = Some(parse_time(v)?),
            _ => {
                return Err(format!(
                    "the option {option:?} is not supported (supported: cert-authority, namespaces=\"...\", valid-after=\"...\", valid-before=\"...\")"
                ))
            }
        }
    }
    Ok(entry)
}

/// Splits `a,b="x,y",c` at the commas outside quotes.
fn split_options(options: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut quoted = false;
    let mut start = 0;
    for (i, c) in options.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(&options[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&options[start..]);
    out
}

/// `YYYYMMDD[HHMM[SS]][Z]`, read as UTC.
fn parse_time(value: &str) -> Result<i64, String> {
    let digits = value.strip_suffix(['Z', 'z']).unwrap_or(value);
    let bad = || format!("the date {value:?} is not YYYYMMDD[HHMM[SS]][Z]");
    if !matches!(digits.len(), 8 | 12 | 14) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let num = |range: std::ops::Range<usize>| -> Result<u32, String> {
        digits
            .get(range)
            .map_or(Ok(0), |s| s.parse::<u32>().map_err(|_| bad()))
    };
    let year = i32::try_from(num(0..4)?).map_err(|_| bad())?;
    let month =
        time::Month::try_from(u8::try_from(num(4..6)?).map_err(|_| bad())?).map_err(|_| bad())?;
    let day = u8::try_from(num(6..8)?).map_err(|_| bad())?;
    let date = time::Date::from_calendar_date(year, month, day).map_err(|_| bad())?;
    let hour = u8::try_from(num(8..10)?).map_err(|_| bad())?;
    let minute = u8::try_from(num(10..12)?).map_err(|_| bad())?;
    let second = u8::try_from(num(12..14)?).map_err(|_| bad())?;
    let t = time::Time::from_hms(hour, minute, second).map_err(|_| bad())?;
    Ok(date.with_time(t).assume_utc().unix_timestamp())
}

/// `ssh-keygen`'s `match_pattern_list`: a comma-separated list of patterns, a `!` pattern that
/// matches refuses, else any positive match accepts.
fn matches_list(subject: &str, list: &str) -> bool {
    let mut positive = false;
    for pattern in list.split(',') {
        if let Some(negated) = pattern.strip_prefix('!') {
            if matches_pattern(subject.as_bytes(), negated.as_bytes()) {
                return false;
            }
        } else if matches_pattern(subject.as_bytes(), pattern.as_bytes()) {
            positive = true;
        }
    }
    positive
}

/// `*` is any run of bytes, `?` any one byte.
fn matches_pattern(subject: &[u8], pattern: &[u8]) -> bool {
    let (mut s, mut p) = (0, 0);
    // The last `*` seen: the pattern position after it, and where in the subject its run
    // ended at the last try. On a mismatch the run takes one more byte and the rest is tried
    // again from there.
    let mut star: Option<(usize, usize)> = None;
    while s < subject.len() {
        match pattern.get(p) {
            Some(b'*') => {
                p += 1;
                star = Some((p, s));
            }
            Some(&c) if c == b'?' || c == subject[s] => {
                p += 1;
                s += 1;
            }
            _ => match star {
                Some((after, tried)) => {
                    let next = tried + 1;
                    (p, s) = (after, next);
                    star = Some((after, next));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_as_ssh_keygen_does() {
        assert!(matches_list("alice@example.org", "*@example.org"));
        assert!(matches_list("alice@example.org", "bob@x,alice@example.???"));
        assert!(!matches_list("alice@example.org", "*@example.org,!alice@*"));
        assert!(!matches_list("alice@example.org.evil", "*@example.org"));
        assert!(!matches_list("git", "file"));
        assert!(matches_list("git", "file,git"));
    }

    #[test]
    fn times_are_read_as_utc() {
        assert_eq!(parse_time("20200101"), Ok(1_577_836_800));
        assert_eq!(parse_time("202001010100Z"), Ok(1_577_840_400));
        assert_eq!(parse_time("20200101000001"), Ok(1_577_836_801));
        assert!(parse_time("2020-01-01").is_err());
        assert!(parse_time("20201301").is_err());
        // Every character a digit: Rust's integer parsing would take "+1" for a month.
        assert!(parse_time("2024+101").is_err());
    }

    #[test]
    fn lines_with_unknown_options_or_bad_keys_are_refused_with_their_number() {
        let key =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHd3DnqBkJZ0V5GLVx1Hl+3OBRnbn4yHrf1xgB1Ffd3G";
        assert!(parse(format!("# c\n\na@x {key} c\n").as_bytes()).is_ok());
        let opts = parse(
            format!("a@x namespaces=\"git,file\",valid-after=\"20200101\" {key}\n").as_bytes(),
        )
        .unwrap_or_default();
        assert_eq!(opts.len(), 1);
        assert_eq!(
            opts.first()
                .and_then(|l| l.options.namespaces.clone())
                .as_deref(),
            Some("git,file")
        );
        let err = parse(format!("\na@x no-touch-required {key}\n").as_bytes()).unwrap_err();
        assert!(
            err.contains("line 2") && err.contains("not supported"),
            "{err}"
        );
        let err = parse(b"a@x ssh-ed25519 AAAA\n").unwrap_err();
        assert!(err.contains("line 1"), "{err}");
        let err = parse(b"a@x ssh-ed25519-cert-v01@openssh.com AAAA\n").unwrap_err();
        assert!(err.contains("certificate"), "{err}");
    }

    /// 2024-01-01T00:00:00Z.
    const T0: i64 = 1_704_067_200;
    const PAYLOAD: &[u8] = b"object 0123\ntype commit\ntag v1.0.0\n\nRelease\n";

    fn private(seed: u8) -> ssh_key::PrivateKey {
        ssh_key::private::Ed25519Keypair::from_seed(&[seed; 32]).into()
    }

    fn signed(seed: u8, namespace: &str, payload: &[u8]) -> Vec<u8> {
        private(seed)
            .sign(namespace, HashAlg::Sha512, payload)
            .and_then(|sig| sig.to_pem(ssh_key::LineEnding::LF))
            .map(String::into_bytes)
            .unwrap_or_default()
    }

    fn openssh(seed: u8) -> String {
        private(seed).public_key().to_openssh().unwrap_or_default()
    }

    /// An ECDSA P-256 public key (`ecdsa-sha2-nistp256`).
    fn ecdsa_p256() -> String {
        use rand_chacha::rand_core::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let curve = ssh_key::EcdsaCurve::NistP256;
        ssh_key::PrivateKey::random(&mut rng, ssh_key::Algorithm::Ecdsa { curve })
            .and_then(|k| k.public_key().to_openssh())
            .unwrap_or_default()
    }

    /// A FIDO security-key Ed25519 public key (`sk-ssh-ed25519@openssh.com`).
    fn sk_ed25519() -> String {
        let ed = ssh_key::public::Ed25519PublicKey::from(
            &ssh_key::private::Ed25519Keypair::from_seed(&[3; 32]),
        );
        let data = ssh_key::public::KeyData::SkEd25519(ssh_key::public::SkEd25519::new(ed, "ssh:"));
        ssh_key::PublicKey::new(data, "")
            .to_openssh()
            .unwrap_or_default()
    }

    /// Alice's signature (seed 1, namespace git) judged against `file` at `now`; `{A}` and
    /// `{M}` in the file are alice's and mallory's public keys.
    fn judged(file: &str, now: i64) -> Result<String, String> {
        let file = file
            .replace("{A}", &openssh(1))
            .replace("{M}", &openssh(2))
            .replace("{P256}", &ecdsa_p256())
            .replace("{SK}", &sk_ed25519());
        verify(
            PAYLOAD,
            &signed(1, "git", PAYLOAD),
            "alice@example.org",
            file.as_bytes(),
            ".github/allowed_signers",
            "main",
            now,
        )
    }

    #[test]
    fn allowed_signers_lines_are_judged_as_ssh_keygen_judges_them() {
        // (allowed-signers file, verified at, Ok or a piece of the refusal)
        let rows: &[(&str, i64, Result<(), &str>)] = &[
            ("alice@example.org {A}\n", T0, Ok(())),
            ("# signers\n\n  alice@example.org {A} alice's laptop\n", T0, Ok(())),
            ("*@example.org {A}\n", T0, Ok(())),
            // Double quotes keep a principal list with blanks in one field.
            ("\"bob@example.org, alice@example.org\" {A}\n", T0, Err("the key is allowed for bob@example.org, alice@example.org but")),
            ("\"alice@example.org, bob@example.org\" {A}\n", T0, Ok(())),
            ("NAMESPACES=\"git\" alice@example.org {A}\n", T0, Err("line 1: the option")),
            ("alice@example.org NAMESPACES=\"git\" {A}\n", T0, Ok(())),
            // valid-after: from that second on.
            ("alice@example.org valid-after=\"20240101\" {A}\n", T0 - 1, Err("line 1 (alice@example.org) is not valid yet (valid-after 2024-01-01)")),
            ("alice@example.org valid-after=\"20240101\" {A}\n", T0, Ok(())),
            ("alice@example.org valid-after=\"20240101\" {A}\n", T0 + 1, Ok(())),
            // valid-before: up to that second.
            ("alice@example.org valid-before=\"20240101\" {A}\n", T0 - 1, Ok(())),
            ("alice@example.org valid-before=\"20240101\" {A}\n", T0, Ok(())),
            ("alice@example.org valid-before=\"20240101\" {A}\n", T0 + 1, Err("line 1 (alice@example.org) expired on 2024-01-01 (valid-before)")),
            // namespaces: a pattern list, which must allow "git".
            ("alice@example.org namespaces=\"file\" {A}\n", T0, Err("line 1 (alice@example.org) allows the namespaces \"file\", not \"git\"")),
            ("alice@example.org namespaces=\"file,git\",valid-after=\"20200101\" {A}\n", T0, Ok(())),
            ("alice@example.org namespaces=\"*,!git\" {A}\n", T0, Err("allows the namespaces")),
            ("alice@example.org namespaces=git {A}\n", T0, Err("line 1: the value of namespaces must be in double quotes")),
            // The key must be listed as a plain key for a principal.
            ("alice@example.org cert-authority {A}\n", T0, Err("it is not listed")),
            ("alice@example.org {M}\n", T0, Err("it is not listed")),
            ("bob@example.org {A}\n", T0, Err("SSH principal mismatch: the key is allowed for bob@example.org but the tagger is alice@example.org")),
            ("*@example.org,!alice@* {A}\n", T0, Err("SSH principal mismatch")),
            // A line that no longer holds is left out of the principals that could match.
            ("alice@example.org valid-before=\"20200101\" {A}\nbob@example.org {A}\n", T0, Err("the key is allowed for bob@example.org but")),
            ("alice@example.org valid-before=\"20200101\" {A}\n", T0, Err("is not allowed for any principal at this time in .github/allowed_signers (main): line 1")),
            // A file that cannot be read is refused whole, with the line.
            ("alice@example.org {A}\nbob@example.org ssh-rsa {M}\n", T0, Err("cannot be used: line 2")),
            ("alice@example.org\n", T0, Err("cannot be used: line 1: expected `PRINCIPALS [OPTIONS] KEYTYPE BASE64-KEY`")),
            ("alice@example.org ssh-ed25519\n", T0, Err("cannot be used: line 1: expected `PRINCIPALS [OPTIONS] KEYTYPE BASE64-KEY`")),
            // Every key type ssh-keygen lists is read as a key, not as options.
            ("bob@example.org {P256}\ncarol@example.org {SK}\nalice@example.org {A}\n", T0, Ok(())),
        ];
        for (file, now, want) in rows {
            let got = judged(file, *now);
            match want {
                Ok(()) => assert!(
                    got.as_deref()
                        .is_ok_and(|who| who.starts_with("alice@example.org (SHA256:")),
                    "{file:?} at {now}: {got:?}"
                ),
                Err(needle) => assert!(
                    got.as_ref().is_err_and(|e| e.contains(needle)),
                    "{file:?} at {now}: {got:?}, wanted {needle:?}"
                ),
            }
        }
    }

    #[test]
    fn the_signature_itself_must_be_for_git_and_this_payload() {
        let file = format!("alice@example.org {}\n", openssh(1));
        let judge = |block: &[u8], payload: &[u8]| {
            verify(
                payload,
                block,
                "alice@example.org",
                file.as_bytes(),
                "f",
                "main",
                T0,
            )
        };
        assert!(judge(&signed(1, "git", PAYLOAD), PAYLOAD).is_ok());
        let e = judge(&signed(1, "file", PAYLOAD), PAYLOAD).unwrap_err();
        assert!(e.contains("wrong SSH signature namespace"), "{e}");
        let e = judge(&signed(1, "git", b"other"), PAYLOAD).unwrap_err();
        assert!(e.contains("bad SSH signature for alice@example.org"), "{e}");
        let e = judge(
            b"-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n",
            PAYLOAD,
        )
        .unwrap_err();
        assert!(e.contains("the SSH signature block cannot be read"), "{e}");
    }
}
