//! Tag names and tag objects: validating a name before it goes anywhere near a header,
//! building the annotated tag payload, and the strict parser the verification gate uses.
//!
//! A tag object is:
//!
//! ```text
//! object <hex id>
//! type commit
//! tag v1.2.3
//! tagger Name <email> 1700000000 +0000
//!
//! message...
//! -----BEGIN PGP SIGNATURE-----
//! ...
//! -----END PGP SIGNATURE-----
//! ```
//!
//! The signed payload is every byte before the signature's first line.

use git2::{Oid, Reference};
use release_core::policy::Policy;
use release_core::version::ReleaseVersion;

use crate::GitError;

/// The largest tag object the gate reads (a release tag is a few kilobytes).
pub const MAX_TAG_SIZE: usize = 1 << 20;

/// Validates a tag name for creation: no control characters (a newline would forge headers),
/// the policy's grammar (ASCII, prefix, SemVer, channels), and a valid git refname.
pub fn validate_tag_name(name: &str, policy: &Policy) -> Result<ReleaseVersion, GitError> {
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Err(GitError::input(format!(
            "tag name {name:?} contains the control character {c:?}: a line break would inject tag object headers (G4)"
        )));
    }
    let version = ReleaseVersion::parse_tag(name, policy).map_err(GitError::input)?;
    if !Reference::is_valid_name(&format!("refs/tags/{name}")) {
        return Err(GitError::input(format!(
            "tag name {name:?} is not a valid git refname (git check-ref-format)"
        )));
    }
    Ok(version)
}

/// A tagger identity line value (`Name <email> 1700000000 +0000`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tagger {
    /// The name.
    pub name: String,
    /// The e-mail address (the SSH principal).
    pub email: String,
    /// Seconds since the epoch.
    pub time: i64,
    /// Offset from UTC in minutes.
    pub offset_minutes: i32,
}

impl Tagger {
    /// Checks that name and e-mail cannot break the header line.
    pub fn validate(&self) -> Result<(), GitError> {
        for (what, value) in [("user.name", &self.name), ("user.email", &self.email)] {
            if value.is_empty() {
                return Err(GitError::input(format!(
                    "git config {what} is empty: the tagger needs a name and an e-mail"
                )));
            }
            if value
                .chars()
                .any(|c| c.is_control() || c == '<' || c == '>')
            {
                return Err(GitError::input(format!(
                    "git config {what} {value:?} contains `<`, `>` or a control character"
                )));
            }
        }
        Ok(())
    }

    /// The header value.
    pub fn to_header(&self) -> String {
        let sign = if self.offset_minutes < 0 { '-' } else { '+' };
        let m = self.offset_minutes.unsigned_abs();
        format!(
            "{} <{}> {} {sign}{:02}{:02}",
            self.name,
            self.email,
            self.time,
            m / 60,
            m % 60
        )
    }

    /// Parses a header value strictly.
    pub fn parse(value: &str) -> Option<Tagger> {
        let (name, rest) = value.split_once(" <")?;
        let (email, rest) = rest.split_once("> ")?;
        let (time, tz) = rest.split_once(' ')?;
        if name.is_empty() || email.contains(['<', '>']) || name.contains(['<', '>']) {
            return None;
        }
        if time.is_empty() || !time.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let time: i64 = time.parse().ok()?;
        let tzb = tz.as_bytes();
        if tzb.len() != 5
            || !matches!(tzb[0], b'+' | b'-')
            || !tzb[1..].iter().all(u8::is_ascii_digit)
        {
            return None;
        }
        let hours: i32 = tz[1..3].parse().ok()?;
        let minutes: i32 = tz[3..5].parse().ok()?;
        let mut offset = hours * 60 + minutes;
        if tzb[0] == b'-' {
            offset = -offset;
        }
        Some(Tagger {
            name: name.into(),
            email: email.into(),
            time,
            offset_minutes: offset,
        })
    }
}

/// Lines that start an armored block. Any such line outside the one signature block is refused.
fn is_armor_line(line: &[u8]) -> bool {
    line.starts_with(b"-----BEGIN ") || line.starts_with(b"-----END ")
}

/// The signature formats found in tag objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigKind {
    /// `-----BEGIN PGP SIGNATURE-----` (a `PGP MESSAGE` block is not a detached signature
    /// label and is refused).
    Openpgp,
    /// `-----BEGIN SSH SIGNATURE-----`.
    Ssh,
    /// `-----BEGIN SIGNED MESSAGE-----` (gpgsm): not accepted by the policy.
    X509,
}

impl SigKind {
    fn from_begin(line: &[u8]) -> Option<(SigKind, &'static [u8])> {
        match line {
            b"-----BEGIN PGP SIGNATURE-----" => {
                Some((SigKind::Openpgp, b"-----END PGP SIGNATURE-----"))
            }
            b"-----BEGIN SSH SIGNATURE-----" => {
                Some((SigKind::Ssh, b"-----END SSH SIGNATURE-----"))
            }
            b"-----BEGIN SIGNED MESSAGE-----" => {
                Some((SigKind::X509, b"-----END SIGNED MESSAGE-----"))
            }
            _ => None,
        }
    }

    /// The name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            SigKind::Openpgp => "openpgp",
            SigKind::Ssh => "ssh",
            SigKind::X509 => "x509",
        }
    }
}

/// Builds the unsigned payload of an annotated tag on a commit.
pub fn build_payload(
    target: Oid,
    name: &str,
    tagger: &Tagger,
    message: &str,
) -> Result<Vec<u8>, GitError> {
    tagger.validate()?;
    let message = normalize_message(message)?;
    Ok(format!(
        "object {target}\ntype commit\ntag {name}\ntagger {}\n\n{message}",
        tagger.to_header()
    )
    .into_bytes())
}

/// Trims trailing blank space, ends the message with one newline, and refuses what the gate
/// would refuse (empty, NUL, armor lines).
pub fn normalize_message(message: &str) -> Result<String, GitError> {
    let trimmed = message.trim_end();
    if trimmed.trim().is_empty() {
        return Err(GitError::input("the tag message is empty"));
    }
    if trimmed.contains('\0') {
        return Err(GitError::input("the tag message contains a NUL byte"));
    }
    if trimmed.lines().any(|l| is_armor_line(l.as_bytes())) {
        return Err(GitError::input(
            "the tag message contains an armor line (`-----BEGIN ...`/`-----END ...`): the gate refuses those",
        ));
    }
    Ok(format!("{trimmed}\n"))
}

/// The headers of a tag object, parsed strictly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Headers {
    /// The target object id (hex).
    pub object: String,
    /// The `type` header.
    pub kind: String,
    /// The `tag` header, raw bytes.
    pub tag: Vec<u8>,
    /// The tagger.
    pub tagger: Tagger,
}

/// A tag object cut into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedTag<'a> {
    /// The headers.
    pub headers: Headers,
    /// The message (without the signature).
    pub message: &'a [u8],
    /// The signed bytes: everything before the signature.
    pub payload: &'a [u8],
    /// The signature block and its kind.
    pub signature: SignatureBlock<'a>,
}

/// Which part of a tag object is malformed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseProblem {
    /// The headers (order, names, values).
    Headers(String),
    /// The armor (signature blocks, armor lines, text after the signature).
    Armor(String),
}

/// Parses the raw bytes of a tag object: exactly `object`, `type`, `tag`, `tagger` in this
/// order, a blank line, the message, and at most one armored signature that ends the object.
pub fn parse(data: &[u8]) -> Result<ParsedTag<'_>, ParseProblem> {
    let (headers, body_start) = parse_headers(data).map_err(ParseProblem::Headers)?;
    let body = &data[body_start..];
    let (message_len, signature) = split_signature(body).map_err(ParseProblem::Armor)?;
    Ok(ParsedTag {
        headers,
        message: &body[..message_len],
        payload: &data[..body_start + message_len],
        signature,
    })
}

/// Parses the headers strictly; returns them and the offset of the body (after the blank line).
pub fn parse_headers(data: &[u8]) -> Result<(Headers, usize), String> {
    let end = find(data, b"\n\n").ok_or("no blank line after the headers")?;
    let header_text =
        std::str::from_utf8(&data[..end]).map_err(|_| "the headers are not UTF-8".to_string())?;
    let lines: Vec<&str> = header_text.split('\n').collect();
    const NAMES: [&str; 4] = ["object", "type", "tag", "tagger"];
    if lines.len() != NAMES.len() {
        return Err(format!(
            "{} header lines, expected exactly 4 (object, type, tag, tagger in this order); got {}",
            lines.len(),
            lines
                .iter()
                .map(|l| l.split(' ').next().unwrap_or(""))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let mut values = [""; 4];
    for (i, (line, want)) in lines.iter().zip(NAMES).enumerate() {
        let Some(value) = line.strip_prefix(want).and_then(|v| v.strip_prefix(' ')) else {
            return Err(format!(
                "header {} is {:?}, expected `{want} ...` (order: object, type, tag, tagger)",
                i + 1,
                line.split(' ').next().unwrap_or("")
            ));
        };
        values[i] = value;
    }
    let object = values[0];
    if !(object.len() == 40 || object.len() == 64)
        || !object
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    {
        return Err(format!(
            "`object {object}` is not a full lower-case object id"
        ));
    }
    let kind = values[1];
    if !["commit", "tree", "blob", "tag"].contains(&kind) {
        return Err(format!("`type {kind}` is not an object type"));
    }
    let tagger = Tagger::parse(values[3])
        .ok_or_else(|| format!("`tagger {}` is not `Name <email> SECONDS +ZZZZ`", values[3]))?;
    let headers = Headers {
        object: object.into(),
        kind: kind.into(),
        tag: values[2].as_bytes().to_vec(),
        tagger,
    };
    Ok((headers, end + 2))
}

/// The one signature block of a tag body: its kind and bytes.
pub type SignatureBlock<'a> = Option<(SigKind, &'a [u8])>;

/// Splits a tag body into the message length and the one signature block; refuses armor lines
/// in the message, several blocks, and anything after the block.
pub fn split_signature(body: &[u8]) -> Result<(usize, SignatureBlock<'_>), String> {
    let armor = |s: &str| s.to_string();
    // Lines with their start offsets.
    let mut lines = Vec::new();
    let mut start = 0;
    while start < body.len() {
        let end = body[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(body.len(), |p| start + p);
        lines.push((start, &body[start..end]));
        start = end + 1;
    }
    let begins: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, (_, l))| SigKind::from_begin(l).is_some())
        .map(|(i, _)| i)
        .collect();
    if begins.len() > 1 {
        return Err(armor(&format!(
            "{} signature armor blocks; exactly one is allowed",
            begins.len()
        )));
    }
    let Some(&first) = begins.first() else {
        if let Some((_, line)) = lines.iter().find(|(_, l)| l.starts_with(b"-----BEGIN ")) {
            let label = String::from_utf8_lossy(
                line.strip_prefix(b"-----BEGIN ")
                    .and_then(|l| l.strip_suffix(b"-----"))
                    .unwrap_or(line),
            )
            .into_owned();
            return Err(armor(&format!(
                "an armor block labelled {label:?}: only `PGP SIGNATURE` and `SSH SIGNATURE` blocks are tag signatures"
            )));
        }
        if lines.iter().any(|(_, l)| is_armor_line(l)) {
            return Err(armor(
                "armor line in the message (`-----BEGIN`/`-----END` outside a signature block)",
            ));
        }
        return Ok((body.len(), None));
    };
    if lines[..first].iter().any(|(_, l)| is_armor_line(l)) {
        return Err(armor(
            "armor line in the message (`-----BEGIN`/`-----END` before the signature block)",
        ));
    }
    let (offset, begin) = lines[first];
    let Some((kind, end_line)) = SigKind::from_begin(begin) else {
        return Err(armor("unreadable signature block"));
    };
    let block = &lines[first + 1..];
    let Some(end_index) = block.iter().position(|(_, l)| is_armor_line(l)) else {
        return Err(armor("the signature block has no END line"));
    };
    if block[end_index].1 != end_line {
        return Err(armor(
            "the signature block's END line does not match its BEGIN line",
        ));
    }
    let (end_offset, end_text) = block[end_index];
    let after = end_offset + end_text.len();
    let rest = &body[after.min(body.len())..];
    if !(rest.is_empty() || rest == b"\n") {
        return Err(armor(&format!(
            "{} bytes of text after the signature; nothing may follow it",
            rest.len().saturating_sub(1).max(1)
        )));
    }
    Ok((offset, Some((kind, &body[offset..]))))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OBJ: &str = "0123456789abcdef0123456789abcdef01234567";

    fn tag(body: &str) -> String {
        format!("object {OBJ}\ntype commit\ntag v1.0.0\ntagger A <a@x> 1700000000 +0000\n\n{body}")
    }

    #[test]
    fn splits_payload_and_signature() {
        let t = tag("hello\n-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n");
        let p = parse(t.as_bytes()).unwrap();
        assert_eq!(p.message, b"hello\n");
        assert!(t.as_bytes()[..p.payload.len()].ends_with(b"hello\n"));
        assert_eq!(p.signature.unwrap().0, SigKind::Openpgp);
        assert_eq!(p.headers.tagger.email, "a@x");
    }

    #[test]
    fn refuses_signature_labels_other_than_signature() {
        let t = tag("m\n-----BEGIN PGP MESSAGE-----\nabc\n-----END PGP MESSAGE-----\n");
        assert!(
            matches!(parse(t.as_bytes()), Err(ParseProblem::Armor(m)) if m.contains("\"PGP MESSAGE\""))
        );
    }

    #[test]
    fn refuses_text_after_signature() {
        let t = tag("m\n-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\nmore\n");
        assert!(
            matches!(parse(t.as_bytes()), Err(ParseProblem::Armor(m)) if m.contains("after the signature"))
        );
    }

    #[test]
    fn refuses_header_order_and_extra_headers() {
        let t = format!("type commit\nobject {OBJ}\ntag v1\ntagger A <a@x> 1 +0000\n\nm\n");
        assert!(matches!(parse(t.as_bytes()), Err(ParseProblem::Headers(_))));
        let t =
            format!("object {OBJ}\ntype commit\ntag v1\ntagger A <a@x> 1 +0000\nencoding x\n\nm\n");
        assert!(
            matches!(parse(t.as_bytes()), Err(ParseProblem::Headers(m)) if m.contains("5 header lines"))
        );
    }

    #[test]
    fn validates_names() {
        let p = Policy::default();
        assert!(validate_tag_name("v1.0.0", &p).is_ok());
        assert!(validate_tag_name("v1.0.0\ntype tree", &p)
            .unwrap_err()
            .message
            .contains("control character"));
        assert!(validate_tag_name("v1.0.0-rc.1", &p).is_ok());
        assert!(validate_tag_name("v1.0.0-rc..1", &p).is_err());
    }

    #[test]
    fn tagger_round_trips() {
        let t = Tagger {
            name: "A B".into(),
            email: "a@b".into(),
            time: 5,
            offset_minutes: -90,
        };
        assert_eq!(t.to_header(), "A B <a@b> 5 -0130");
        assert_eq!(Tagger::parse(&t.to_header()), Some(t));
    }
}
