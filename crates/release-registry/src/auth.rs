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

/// The challenge to answer in one `WWW-Authenticate` value, which may hold several
/// (`Basic realm="x", Bearer realm="…",service="…"`): Bearer is preferred over Basic, as docker
/// does. Parameters are `key=value` or `key="value"`, comma-separated; quoted values may hold
/// commas (scopes do: `pull,push`).
pub fn parse_challenge(header: &str) -> Option<Challenge> {
    choose_challenge([header])
}

/// The challenge to answer among every `WWW-Authenticate` header of a response (each may hold
/// several): the first Bearer challenge with a realm, else Basic, else `None`.
pub fn choose_challenge<'a>(headers: impl IntoIterator<Item = &'a str>) -> Option<Challenge> {
    let all: Vec<Challenge> = headers
        .into_iter()
        .flat_map(|h| split_challenges(h).into_iter().filter_map(build_challenge))
        .collect();
    all.iter()
        .find(|c| matches!(c, Challenge::Bearer { .. }))
        .or_else(|| all.iter().find(|c| matches!(c, Challenge::Basic)))
        .cloned()
}

/// Splits a header value into challenges: `(scheme, parameters)`. A comma-separated item
/// starts a new challenge when its first word is not followed by `=` (`Bearer realm=…`, or a
/// bare scheme such as `Negotiate`); other items are parameters of the current challenge.
fn split_challenges(header: &str) -> Vec<(String, String)> {
    let mut items = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut escaped = false;
    for c in header.chars() {
        if escaped {
            escaped = false;
        } else if quoted && c == '\\' {
            escaped = true;
        } else if c == '"' {
            quoted = !quoted;
        } else if c == ',' && !quoted {
            items.push(std::mem::take(&mut current));
            continue;
        }
        current.push(c);
    }
    items.push(current);
    let mut out: Vec<(String, String)> = Vec::new();
    for item in items {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let word_end = item
            .find(|c: char| c.is_whitespace() || c == '=')
            .unwrap_or(item.len());
        let starts_challenge = !item[word_end..].trim_start().starts_with('=');
        if starts_challenge {
            out.push((
                item[..word_end].to_string(),
                item[word_end..].trim().to_string(),
            ));
        } else if let Some(last) = out.last_mut() {
            if !last.1.is_empty() {
                last.1.push(',');
            }
            last.1.push_str(item);
        }
    }
    out
}

fn build_challenge((scheme, rest): (String, String)) -> Option<Challenge> {
    if scheme.eq_ignore_ascii_case("basic") {
        return Some(Challenge::Basic);
    }
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let params = parse_params(&rest);
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

/// The longest a token is kept, whatever the token server says (a day; registry tokens live
/// minutes).
pub const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);

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

    /// Stores a token valid for `lifetime` (less a margin for clock and latency). The lifetime
    /// comes from a server: it is capped at [`MAX_TOKEN_LIFETIME`], so no value can overflow the
    /// clock (`expires_in` near `u64::MAX` once crashed the process).
    pub fn put(
        &mut self,
        registry: &str,
        repo: &str,
        access: Access,
        token: Secret,
        lifetime: Duration,
    ) {
        let lifetime = lifetime.min(MAX_TOKEN_LIFETIME);
        let margin = Duration::from_secs(5).min(lifetime / 2);
        let now = Instant::now();
        let until = now
            .checked_add(lifetime.saturating_sub(margin))
            .unwrap_or(now);
        self.tokens.insert(
            (registry.to_string(), repo.to_string(), access),
            (token, until),
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
    fn bearer_is_preferred_over_basic() {
        let bearer = Challenge::Bearer {
            realm: "http://t/token".into(),
            service: Some("reg".into()),
            scope: Some("repository:a:pull,push".into()),
            error: None,
        };
        for header in [
            r#"Basic realm="r", Bearer realm="http://t/token",service="reg",scope="repository:a:pull,push""#,
            r#"Bearer realm="http://t/token",service="reg",scope="repository:a:pull,push", Basic realm="r""#,
            r#"Negotiate, Basic realm="a, b", Bearer realm="http://t/token", service=reg, scope="repository:a:pull,push""#,
        ] {
            assert_eq!(parse_challenge(header).as_ref(), Some(&bearer), "{header}");
        }
        assert_eq!(
            choose_challenge([
                r#"Basic realm="r""#,
                r#"Bearer realm="http://t/token",service="reg",scope="repository:a:pull,push""#
            ]),
            Some(bearer)
        );
        assert_eq!(
            choose_challenge([r#"Negotiate"#, r#"Basic realm="r""#]),
            Some(Challenge::Basic)
        );
    }

    #[test]
    fn huge_lifetimes_do_not_overflow() {
        let mut c = TokenCache::default();
        c.put("r", "app", Access::Pull, Secret::new("t"), Duration::MAX);
        assert!(c.get("r", "app", Access::Pull).is_some());
        c.put("r", "app", Access::Pull, Secret::new("t"), Duration::ZERO);
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
