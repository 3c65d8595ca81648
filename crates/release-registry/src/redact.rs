//! Keeping credentials out of messages. Registries, token servers and GitHub answer errors with
//! bodies of their own making, and some echo the request (headers included) back: every piece
//! of outside text that reaches an error message goes through [`redact`] first, and the client
//! also removes the secrets it holds itself ([`Redactor`]).
//!
//! What is removed: the value after `Authorization`, `Bearer`, `Basic`; the value of
//! `password`/`token`/`secret`-like keys (`"password":"…"`, `token=…`, `Password: …`); JWTs
//! (`eyJ…`); GitHub, GitLab and Docker Hub tokens by their prefixes; the user information of URLs
//! (`https://user:pass@host`); long random-looking strings; and, exactly, every secret the
//! client knows with its `user:password` base64 form.

use crate::secret::Secret;

/// The most characters of outside text kept in one message.
pub const MAX_DETAIL_CHARS: usize = 300;

/// What replaces a secret.
pub const MASK: &str = "***";

/// Keys whose value is a credential, compared in lower case with `-` read as `_`.
const SECRET_KEYS: [&str; 22] = [
    "authorization",
    "proxy_authorization",
    "password",
    "passwd",
    "pass",
    "pwd",
    "secret",
    "client_secret",
    "token",
    "access_token",
    "refresh_token",
    "id_token",
    "identitytoken",
    "identity_token",
    "registrytoken",
    "auth",
    "api_key",
    "apikey",
    "x_amz_signature",
    "x_amz_credential",
    "x_amz_security_token",
    "sig",
];

/// Prefixes of well-known token formats.
const TOKEN_PREFIXES: [&str; 10] = [
    "ghp_",
    "gho_",
    "ghs_",
    "ghu_",
    "ghr_",
    "github_pat_",
    "glpat-",
    "dckr_pat_",
    "npm_",
    "xoxb-",
];

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '~' | '+' | '/')
}

/// Characters that end an unquoted value.
fn ends_value(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '"' | '\'' | ',' | ';' | '&' | '<' | '>' | '(' | ')' | '[' | ']' | '{' | '}'
        )
}

/// Characters that end an `Authorization` value, which holds a space (`Basic xyz`).
fn ends_header_value(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | ',' | ';' | '&' | '<' | '>' | ']' | '}' | '\n' | '\r'
    )
}

/// Whether a word is a credential by its looks alone.
fn looks_secret(word: &str) -> bool {
    let core = word.trim_end_matches('=');
    if TOKEN_PREFIXES
        .iter()
        .any(|p| core.len() > p.len() + 3 && core.starts_with(p))
    {
        return true;
    }
    // A JWT or any base64url JSON object (`{"` encodes as `eyJ`).
    if core.starts_with("eyJ") && core.len() >= 16 {
        return true;
    }
    // Long random-looking strings: mixed case and digits, no dots or slashes (which paths,
    // host names and versions have), not hex (digests are hex and are not secrets).
    core.len() >= 32
        && !core.contains(['.', '/'])
        && core.chars().any(|c| c.is_ascii_lowercase())
        && core.chars().any(|c| c.is_ascii_uppercase())
        && core.chars().any(|c| c.is_ascii_digit())
}

fn key_of(word: &str) -> String {
    word.to_ascii_lowercase().replace('-', "_")
}

/// Removes anything that looks like a credential from outside text (see the module docs).
pub fn redact(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < n {
        // `scheme://user:pass@host`: the user information goes.
        if chars[i] == ':' && chars.get(i + 1) == Some(&'/') && chars.get(i + 2) == Some(&'/') {
            out.push_str("://");
            i += 3;
            let mut j = i;
            while j < n && !ends_value(chars[j]) && !matches!(chars[j], '/' | '?' | '#' | '@') {
                j += 1;
            }
            if j < n && chars[j] == '@' && j > i {
                out.push_str(MASK);
                out.push('@');
                i = j + 1;
            }
            continue;
        }
        if !is_word(chars[i]) {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < n && is_word(chars[i]) {
            i += 1;
        }
        // base64 padding belongs to the word.
        while i < n
            && chars[i] == '='
            && (i + 1 == n || chars[i + 1] != '"')
            && padding_ends(&chars, i)
        {
            i += 1;
        }
        let word: String = chars[start..i].iter().collect();
        if looks_secret(&word) {
            out.push_str(MASK);
            continue;
        }
        out.push_str(&word);
        let key = key_of(word.trim_end_matches('='));
        if key == "bearer" || key == "basic" {
            // `Bearer xyz`: the next word, unless it is a parameter (`Basic realm="x"`).
            let mut j = i;
            while j < n && chars[j] == ' ' {
                j += 1;
            }
            if j > i && j < n && is_word(chars[j]) {
                let mut k = j;
                while k < n && !ends_value(chars[k]) {
                    k += 1;
                }
                let value: String = chars[j..k].iter().collect();
                // `realm="x"` (the scan stops at the quote) or `realm=x`.
                let is_param = value.trim_end_matches('=').contains('=')
                    || (value.ends_with('=') && k < n && chars[k] == '"');
                if !is_param {
                    out.extend(&chars[i..j]);
                    out.push_str(MASK);
                    i = k;
                }
            }
            continue;
        }
        if !SECRET_KEYS.contains(&key.as_str()) {
            continue;
        }
        // `key: value`, `key=value`, `"key":"value"`, `key: ["value"]`.
        let mut j = i;
        while j < n && matches!(chars[j], '"' | '\'') {
            j += 1;
        }
        while j < n && chars[j] == ' ' {
            j += 1;
        }
        if j >= n || !matches!(chars[j], ':' | '=') {
            continue;
        }
        j += 1;
        while j < n && matches!(chars[j], ' ' | '\t' | '[') {
            j += 1;
        }
        if j >= n {
            out.extend(&chars[i..j]);
            i = j;
            continue;
        }
        let header = key == "authorization" || key == "proxy_authorization";
        let (value_start, value_end, after) = if matches!(chars[j], '"' | '\'') {
            let quote = chars[j];
            let mut k = j + 1;
            while k < n && chars[k] != quote {
                if chars[k] == '\\' {
                    k += 1;
                }
                k += 1;
            }
            let end = k.min(n);
            (j + 1, end, end)
        } else {
            let mut k = j;
            while k < n
                && !(if header {
                    ends_header_value(chars[k])
                } else {
                    ends_value(chars[k])
                })
            {
                k += 1;
            }
            (j, k, k)
        };
        if value_end > value_start {
            out.extend(&chars[i..value_start]);
            out.push_str(MASK);
            i = after;
        }
    }
    out
}

/// Whether the `=` at `i` starts a run of base64 padding that ends the word (`abc==` and then
/// a separator), rather than a `key=value`.
fn padding_ends(chars: &[char], i: usize) -> bool {
    let mut j = i;
    while j < chars.len() && chars[j] == '=' {
        j += 1;
    }
    j - i <= 2 && (j == chars.len() || !is_word(chars[j]))
}

/// `text` with control characters turned into spaces and cut to [`MAX_DETAIL_CHARS`]
/// characters (an ellipsis marks the cut).
pub fn clip(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_DETAIL_CHARS)
        .collect();
    if text.chars().nth(MAX_DETAIL_CHARS).is_some() {
        out.push('…');
    }
    out
}

/// The secrets a client holds, removed exactly from every message it produces.
#[derive(Debug, Default, Clone)]
pub struct Redactor {
    secrets: Vec<Secret>,
}

impl Redactor {
    /// Remembers a secret (and the forms it travels in: percent-encoded, base64).
    pub fn add(&mut self, secret: &str) {
        if secret.is_empty() {
            return;
        }
        for form in [
            secret.to_string(),
            percent_encode(secret),
            base64_encode(secret.as_bytes()),
            base64_encode(secret.as_bytes())
                .trim_end_matches('=')
                .to_string(),
        ] {
            if !self.secrets.iter().any(|s| s.expose() == form) {
                self.secrets.push(Secret::new(form));
            }
        }
        // Longest first, so a secret that contains another is removed whole.
        self.secrets
            .sort_by_key(|s| std::cmp::Reverse(s.expose().len()));
    }

    /// Remembers a user name and password: the password, and `user:password` in base64 (the
    /// `Basic` header and docker's `auth` field).
    pub fn add_basic(&mut self, username: &str, password: &str) {
        self.add(password);
        self.add(&format!("{username}:{password}"));
    }

    /// `text` without any remembered secret. Short secrets (under 8 characters) are removed
    /// where they stand as a whole word only, so `pass` does not eat `password`.
    pub fn apply(&self, text: &str) -> String {
        let mut out = text.to_string();
        for s in &self.secrets {
            let s = s.expose();
            if s.len() >= 8 {
                out = out.replace(s, MASK);
            } else if s.len() >= 3 {
                out = replace_words(&out, s);
            }
        }
        out
    }
}

fn replace_words(text: &str, needle: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find(needle) {
        let before = rest[..pos].chars().next_back();
        let after = rest[pos + needle.len()..].chars().next();
        let bounded = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        out.push_str(&rest[..pos]);
        if bounded(before) && bounded(after) {
            out.push_str(MASK);
        } else {
            out.push_str(needle);
        }
        rest = &rest[pos + needle.len()..];
    }
    out.push_str(rest);
    out
}

fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Standard base64 with padding.
pub(crate) fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A `serde_json` error described by its kind and position only: serde's own message quotes
/// the input (`invalid type: string "…"`), which may be a credential.
pub fn json_error(e: &serde_json::Error) -> String {
    let kind = match e.classify() {
        serde_json::error::Category::Io => "a read error",
        serde_json::error::Category::Syntax => "a syntax error",
        serde_json::error::Category::Data => "a value of the wrong type or shape",
        serde_json::error::Category::Eof => "an unexpected end",
    };
    format!("{kind} at line {}, column {}", e.line(), e.column())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn removes_credentials_by_their_looks() {
        let cases = [
            ("Authorization: Basic dXNlcjpwYXNz", "dXNlcjpwYXNz"),
            (
                r#"{"headers":{"Authorization":["Bearer abc.def.ghi"]}}"#,
                "abc.def",
            ),
            ("map[Authorization:[Bearer s3cr3t-tok]]", "s3cr3t"),
            (
                "got Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
                "eyJ",
            ),
            (r#"{"password":"hunter2 and more","user":"me"}"#, "hunter2"),
            ("token=abcdef&scope=x", "abcdef"),
            ("https://me:hunter2@example.com/v2/", "hunter2"),
            (
                "leaked ghp_0123456789abcdefABCDEF0123456789abcd here",
                "ghp_0123",
            ),
            (
                "github_pat_11ABCDEFG0123456789_abcdefghijklmnop",
                "github_pat_11",
            ),
            ("x-amz-signature=0badc0ffee", "0badc0ffee"),
            (
                "error sending request for url (http://t.example/token?scope=x&access_token=opaque123)",
                "opaque123",
            ),
            ("http://u:opaque-pw@reg.example:5000/v2/", "opaque-pw"),
        ];
        for (text, secret) in cases {
            let out = redact(text);
            assert!(!out.contains(secret), "{text:?} -> {out:?}");
            assert!(out.contains(MASK), "{text:?} -> {out:?}");
        }
    }

    #[test]
    fn keeps_ordinary_text() {
        for text in [
            "GET 127.0.0.1:5000/app manifest 0.4.0: not found",
            "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "the token does not grant `pull,push` on app",
            r#"Basic realm="test-realm""#,
            "MANIFEST_UNKNOWN: manifest unknown",
            "http://127.0.0.1:5000/v2/app/tags/list?n=2&last=b",
        ] {
            assert_eq!(redact(text), text);
        }
    }

    #[test]
    fn removes_known_secrets_and_their_base64() {
        let mut r = Redactor::default();
        r.add_basic("user", "pa$$word-1");
        r.add("tok");
        let b64 = base64_encode(b"user:pa$$word-1");
        let out = r.apply(&format!("echo {b64} pa$$word-1 pa%24%24word-1 tok tokens"));
        assert_eq!(out, "echo *** *** *** *** tokens");
    }

    #[test]
    fn base64_round_trips() {
        assert_eq!(base64_encode(b"user:pass"), "dXNlcjpwYXNz");
        assert_eq!(base64_encode(b"a"), "YQ==");
        assert_eq!(base64_encode(b"ab"), "YWI=");
    }

    #[test]
    fn json_errors_do_not_quote_input() {
        let e = serde_json::from_str::<Vec<u8>>(r#""ghp_secret""#).unwrap_err();
        let text = json_error(&e);
        assert!(!text.contains("ghp_"), "{text}");
        assert!(text.contains("line 1"), "{text}");
    }
}
