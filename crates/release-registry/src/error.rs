//! The registry and GitHub errors. Messages name the request and what went wrong; they never
//! contain credentials: requests carry secrets only in headers, which are never printed, and
//! the servers' own words pass through [`crate::redact`] (a server may echo a request's
//! `Authorization` header in its error body).

use crate::redact::{clip, redact};

/// Why a registry or GitHub operation failed.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// An image reference, tag or digest given by the user is malformed.
    #[error("{0}")]
    Input(String),
    /// The thing asked for does not exist.
    #[error("{what}: not found{detail}")]
    NotFound {
        /// The request, e.g. `GET 127.0.0.1:5000/app manifest 0.4.0`.
        what: String,
        /// The registry's own words, prefixed with `: `, or empty.
        detail: String,
    },
    /// Credentials are missing, wrong, or do not grant the access needed.
    #[error("{what}: authentication failed: {detail}")]
    Auth {
        /// The request.
        what: String,
        /// What the registry or token server said.
        detail: String,
    },
    /// The server answered with an error status we do not retry (or stopped retrying).
    #[error("{what}: HTTP {status}{detail}")]
    Status {
        /// The request.
        what: String,
        /// The HTTP status.
        status: u16,
        /// Decoded error codes/messages from the body, prefixed with `: `, or empty.
        detail: String,
    },
    /// The content does not match its digest, or a header contradicts the body.
    #[error("{what}: {detail}")]
    Integrity {
        /// The request.
        what: String,
        /// Which digests disagree.
        detail: String,
    },
    /// A manifest over the size limit.
    #[error("{what}: the manifest is larger than the {limit}-byte limit (registries refuse manifests over 4 MiB)")]
    TooLarge {
        /// The request.
        what: String,
        /// The limit in bytes.
        limit: usize,
    },
    /// The server sent something that is not what the protocol says.
    #[error("{what}: unexpected response: {detail}")]
    Protocol {
        /// The request.
        what: String,
        /// What is wrong.
        detail: String,
    },
    /// The connection failed or timed out, after the retries.
    #[error("{what}: network error: {detail}")]
    Network {
        /// The request.
        what: String,
        /// The transport error.
        detail: String,
    },
    /// Reading credentials failed (docker config, a credential helper).
    #[error("credentials: {0}")]
    Credentials(String),
}

impl RegistryError {
    /// True when the user's input is at fault (exit 2) rather than the environment (exit 3).
    pub fn is_input(&self) -> bool {
        matches!(self, RegistryError::Input(_))
    }

    /// True for "does not exist".
    pub fn is_not_found(&self) -> bool {
        matches!(self, RegistryError::NotFound { .. })
    }

    /// The same error with `f` applied to every text it holds (removing known secrets).
    pub(crate) fn map_text(self, f: impl Fn(&str) -> String) -> RegistryError {
        use RegistryError as E;
        match self {
            E::Input(t) => E::Input(f(&t)),
            E::NotFound { what, detail } => E::NotFound {
                what: f(&what),
                detail: f(&detail),
            },
            E::Auth { what, detail } => E::Auth {
                what: f(&what),
                detail: f(&detail),
            },
            E::Status {
                what,
                status,
                detail,
            } => E::Status {
                what: f(&what),
                status,
                detail: f(&detail),
            },
            E::Integrity { what, detail } => E::Integrity {
                what: f(&what),
                detail: f(&detail),
            },
            E::TooLarge { what, limit } => E::TooLarge {
                what: f(&what),
                limit,
            },
            E::Protocol { what, detail } => E::Protocol {
                what: f(&what),
                detail: f(&detail),
            },
            E::Network { what, detail } => E::Network {
                what: f(&what),
                detail: f(&detail),
            },
            E::Credentials(t) => E::Credentials(f(&t)),
        }
    }
}

/// Decodes a registry or GitHub error body leniently: the `errors[].code`/`message` of the
/// distribution spec, GitHub's `message`, or the start of the text. Unknown codes (`UNKNOWN`,
/// `TAG_INVALID`) and odd shapes are kept as they are, never an error of their own. Anything
/// that looks like a credential is removed, control characters become spaces, and the result
/// is cut to [`crate::redact::MAX_DETAIL_CHARS`] characters.
pub fn describe_body(body: &[u8]) -> String {
    if body.is_empty() {
        return String::new();
    }
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
        let mut parts = Vec::new();
        if let Some(errors) = value.get("errors").and_then(|e| e.as_array()) {
            for e in errors {
                let code = e.get("code").and_then(|c| c.as_str()).unwrap_or("");
                let message = e.get("message").and_then(|c| c.as_str()).unwrap_or("");
                let part = match (code.is_empty(), message.is_empty()) {
                    (false, false) => format!("{code}: {message}"),
                    (false, true) => code.to_string(),
                    (true, false) => message.to_string(),
                    (true, true) => continue,
                };
                parts.push(part);
            }
        }
        if let Some(message) = value.get("message").and_then(|m| m.as_str()) {
            parts.push(message.to_string());
        }
        if !parts.is_empty() {
            return format!(": {}", clip(&redact(&parts.join("; "))));
        }
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        String::new()
    } else {
        format!(": {}", clip(&redact(text)))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn decodes_error_bodies_leniently() {
        let body = br#"{"errors":[{"code":"UNKNOWN","message":"unknown error","detail":{}},{"code":"TAG_INVALID"}]}"#;
        assert_eq!(describe_body(body), ": UNKNOWN: unknown error; TAG_INVALID");
        assert_eq!(
            describe_body(br#"{"message":"Not Found","documentation_url":"x"}"#),
            ": Not Found"
        );
        assert_eq!(
            describe_body(b"404 page not found\n"),
            ": 404 page not found"
        );
        assert_eq!(describe_body(br#"{"errors":null}"#), r#": {"errors":null}"#);
        assert_eq!(describe_body(b""), "");
    }
}
