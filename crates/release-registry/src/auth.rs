//! `WWW-Authenticate` challenges and the bearer-token cache.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::secret::Secret;

/// A parsed `WWW-Authenticate` challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Challenge {
    /// `Basic realm="…"`.
    Basic,
    /// `Bearer realm="…",service="…",scope="…",error="…"`.
    Bearer {
        /// The token endpoint.
        realm: String,
        /// `service`, passed back to the token endpoint.
        service: Option<String>,
        /// `scope` the registry asked for.
        scope: Option<String>,
        /// `error` (`invalid_token`, `insufficient_scope`).
        error: Option<String>,
    },
}

/// Parses the first challenge we understand. Parameters are `key=value` or `key="value"`,
/// comma-separated; quoted values may hold commas (scopes do: `pull,push`).
pub fn parse_challenge(header: &str) -> Option<Challenge> {
    let header = header.trim();
    let (scheme, rest) = header.split_once(' ').unwrap_or((header, ""));
    if scheme.eq_ignore_ascii_case("basic") {
        return Some(Challenge::Basic);
    }
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let params = parse_params(rest);
    let get = |k: &str| {
        params
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(k))
            .map(|(_, v)| v.clone())
    };
    Some(Challenge::Bearer {
        realm: get("realm")?,
        service: get("service"),
        scope: get("scope"),
        error: get("error"),
    })
}

fn parse_params(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while matches!(chars.peek(), Some(c) if *c == ',' || c.is_whitespace()) {
            chars.next();
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' {
                break;
            }
            key.push(c);
            chars.next();
        }
        if chars.next().is_none() {
            break;
        }
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        if let Some(n) = chars.next() {
                            value.push(n);
                        }
                    }
                    '"' => break,
                    c => value.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ',' {
                    break;
                }
                value.push(c);
                chars.next();
            }
        }
        out.push((key.trim().to_string(), value.trim().to_string()));
    }
    out
}

/// The access a request needs: `pull` or `pull,push` on one repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// Read.
    Pull,
    /// Read and write.
    Push,
}

impl Access {
    /// The scope actions.
    pub fn actions(self) -> &'static str {
        match self {
            Access::Pull => "pull",
            Access::Push => "pull,push",
        }
    }
}

/// Bearer tokens per (registry, repository, actions). A push token also serves pulls.
#[derive(Debug, Default)]
pub struct TokenCache {
    tokens: HashMap<(String, String, Access), (Secret, Instant)>,
}

impl TokenCache {
    /// A live token for the access, if any.
    pub fn get(&self, registry: &str, repo: &str, access: Access) -> Option<Secret> {
        let now = Instant::now();
        let wanted: &[Access] = match access {
            Access::Pull => &[Access::Pull, Access::Push],
            Access::Push => &[Access::Push],
        };
        wanted.iter().find_map(|a| {
            self.tokens
                .get(&(registry.to_string(), repo.to_string(), *a))
                .filter(|(_, until)| *until > now)
                .map(|(t, _)| t.clone())
        })
    }

    /// Stores a token valid for `lifetime` (less a margin for clock and latency).
    pub fn put(
        &mut self,
        registry: &str,
        repo: &str,
        access: Access,
        token: Secret,
        lifetime: Duration,
    ) {
        let margin = Duration::from_secs(5).min(lifetime / 2);
        self.tokens.insert(
            (registry.to_string(), repo.to_string(), access),
            (token, Instant::now() + lifetime - margin),
        );
    }

    /// Drops the tokens of a repository (after `invalid_token`).
    pub fn forget(&mut self, registry: &str, repo: &str) {
        self.tokens
            .retain(|(r, p, _), _| !(r == registry && p == repo));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_challenges() {
        let c = parse_challenge(r#"Bearer realm="http://127.0.0.1:9/token",service="reg",scope="repository:app:pull,push",error="invalid_token""#).unwrap();
        assert_eq!(
            c,
            Challenge::Bearer {
                realm: "http://127.0.0.1:9/token".into(),
                service: Some("reg".into()),
                scope: Some("repository:app:pull,push".into()),
                error: Some("invalid_token".into()),
            }
        );
        assert_eq!(
            parse_challenge(r#"Basic realm="basic-realm""#),
            Some(Challenge::Basic)
        );
        assert_eq!(parse_challenge("Bearer service=x"), None);
        assert_eq!(parse_challenge("Negotiate"), None);
    }

    #[test]
    fn push_token_serves_pull_not_the_reverse() {
        let mut c = TokenCache::default();
        c.put(
            "r",
            "app",
            Access::Push,
            Secret::new("t"),
            Duration::from_secs(60),
        );
        assert!(c.get("r", "app", Access::Pull).is_some());
        assert!(c.get("r", "other", Access::Pull).is_none());
        let mut c = TokenCache::default();
        c.put(
            "r",
            "app",
            Access::Pull,
            Secret::new("t"),
            Duration::from_secs(60),
        );
        assert!(c.get("r", "app", Access::Push).is_none());
        c.forget("r", "app");
        assert!(c.get("r", "app", Access::Pull).is_none());
    }
}
