//! Posting announcements (N1) and deprecation notices (R6) to the channels of the policy:
//! Discord and Slack webhooks, Mastodon statuses, GitHub Discussions (GraphQL
//! `createDiscussion`) and plain JSON webhooks. The messages are composed by
//! `release_core::announce`; this module only sends them, through the one retry loop
//! ([`crate::retry::send`]) with each service's own wait honoured (`Retry-After`, Discord's
//! `retry_after` in the 429 body).
//!
//! Webhook URLs and tokens are [`Secret`]s. Every error names the channel, never a URL, and the
//! services' own words pass through [`crate::redact`] plus a [`Redactor`] holding the target's
//! secrets (and each long path segment of a webhook URL, which is its token), so a service that
//! echoes the request in its error body cannot leak it.

use std::time::Duration;

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use reqwest::StatusCode;
use serde_json::{json, Value};

use release_core::announce::{Message, Visibility};

use crate::error::{describe_body, RegistryError};
use crate::github::{bearer, rate_limit_verdict};
use crate::redact::{clip, redact, Redactor};
use crate::retry::{default_verdict, send, Reply, RetryPolicy, Verdict};
use crate::secret::Secret;

/// Where one channel's message goes, with its secrets.
#[derive(Debug, Clone)]
pub enum Target {
    /// A Discord webhook URL (`https://discord.com/api/webhooks/ID/TOKEN`).
    Discord {
        /// The webhook URL.
        url: Secret,
    },
    /// A Slack incoming webhook URL.
    Slack {
        /// The webhook URL.
        url: Secret,
    },
    /// A Mastodon account.
    Mastodon {
        /// The instance (`https://fosstodon.org`).
        instance: String,
        /// An access token with `write:statuses`.
        token: Secret,
        /// Who sees the status.
        visibility: Visibility,
        /// The status language, when set.
        language: Option<String>,
    },
    /// A GitHub Discussions category.
    Discussions {
        /// The GraphQL endpoint.
        api_url: String,
        /// `owner/name`.
        repository: String,
        /// The category's name or slug.
        category: String,
        /// A token that may create discussions.
        token: Secret,
    },
    /// Any endpoint taking the documented JSON body.
    Webhook {
        /// The URL.
        url: Secret,
        /// Sent as `Authorization: Bearer` when set.
        token: Option<Secret>,
    },
}

/// What a post created.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Posted {
    /// The post's page, when the service says (a status, a discussion).
    pub url: Option<String>,
}

/// The poster: one HTTP client and the retry settings.
#[derive(Debug, Clone)]
pub struct Announcer {
    http: reqwest::Client,
    retry: RetryPolicy,
}

impl Target {
    fn redactor(&self) -> Redactor {
        let mut r = Redactor::default();
        let mut url = |u: &Secret| {
            r.add(u.expose());
            // The token part of a webhook URL travels alone too (a service may quote the path).
            let path = u.expose().split_once("://").map_or("", |(_, rest)| rest);
            for segment in path.split(['/', '?', '&', '=']) {
                // Tokens are long; `services`, `webhooks` and hosts are not secrets.
                if segment.len() >= 16 && !segment.contains('.') {
                    r.add(segment);
                }
            }
        };
        match self {
            Target::Discord { url: u } | Target::Slack { url: u } => url(u),
            Target::Webhook { url: u, token } => {
                url(u);
                if let Some(t) = token {
                    r.add(t.expose());
                }
            }
            Target::Mastodon { token, .. } | Target::Discussions { token, .. } => {
                r.add(token.expose())
            }
        }
        r
    }

    /// The URL the request goes to (checked: http(s), plain HTTP on loopback only).
    fn endpoint(&self) -> Result<String, RegistryError> {
        let url = match self {
            Target::Discord { url } => {
                let u = url.expose();
                format!("{u}{}wait=true", if u.contains('?') { '&' } else { '?' })
            }
            Target::Slack { url } | Target::Webhook { url, .. } => url.expose().to_string(),
            Target::Mastodon { instance, .. } => {
                format!("{}/api/v1/statuses", instance.trim_end_matches('/'))
            }
            Target::Discussions { api_url, .. } => api_url.clone(),
        };
        let host = url
            .strip_prefix("https://")
            .map(|rest| (true, rest))
            .or_else(|| url.strip_prefix("http://").map(|rest| (false, rest)));
        let ok = match host {
            Some((true, _)) => true,
            Some((false, rest)) => {
                crate::reference::is_loopback(rest.split(['/', '?']).next().unwrap_or(""))
            }
            None => false,
        };
        if ok && !url.contains(char::is_whitespace) {
            Ok(url)
        } else {
            // Never quote the URL: it may be the secret.
            Err(RegistryError::Input(
                "the URL is not an https:// URL (plain http is allowed on loopback only)".into(),
            ))
        }
    }
}

/// Discord's 429 body names the wait in seconds (a float) in `retry_after`; `Retry-After`
/// carries it too. Otherwise the usual verdict.
fn discord_verdict(reply: &Reply) -> Verdict {
    if reply.status == StatusCode::TOO_MANY_REQUESTS {
        let from_body = serde_json::from_slice::<Value>(&reply.body)
            .ok()
            .and_then(|v| v.get("retry_after").and_then(Value::as_f64))
            .and_then(|s| Duration::try_from_secs_f64(s).ok());
        if from_body.is_some() {
            return Verdict::Retry(from_body);
        }
    }
    default_verdict(reply)
}

/// A service's error words: Mastodon's `error`, GitHub's `message` and GraphQL `errors`,
/// Slack's plain text; redacted and clipped.
fn detail(body: &[u8]) -> String {
    if let Ok(v) = serde_json::from_slice::<Value>(body) {
        if let Some(e) = v.get("error").and_then(Value::as_str) {
            return format!(": {}", clip(&redact(e)));
        }
    }
    describe_body(body)
}

impl Announcer {
    /// A poster with these retry settings.
    pub fn new(retry: RetryPolicy) -> Result<Announcer, RegistryError> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("release/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(retry.timeout)
            // A redirect would resend the message elsewhere; services do not redirect posts.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| RegistryError::Network {
                what: "creating the HTTP client".into(),
                detail: e.to_string(),
            })?;
        Ok(Announcer { http, retry })
    }

    /// Posts `message` to `target`. `key` identifies the announcement (tag, notice, channel):
    /// Mastodon gets it as `Idempotency-Key`, so a retry after a lost answer does not post
    /// twice. Errors name the channel and carry no secret.
    pub async fn post(
        &self,
        target: &Target,
        message: &Message,
        key: &str,
    ) -> Result<Posted, RegistryError> {
        let redactor = target.redactor();
        let what = format!("posting to {} channel {:?}", message.kind, message.channel);
        self.post_inner(target, message, key, &what)
            .await
            .map_err(|e| e.map_text(|t| redactor.apply(t)))
    }

    async fn post_inner(
        &self,
        target: &Target,
        message: &Message,
        key: &str,
        what: &str,
    ) -> Result<Posted, RegistryError> {
        let url = target.endpoint()?;
        match target {
            Target::Discord { .. } => {
                let body = json!({
                    "content": message.text,
                    // Changelog text must not ping @everyone or a role.
                    "allowed_mentions": { "parse": [] },
                });
                let reply = self
                    .json_post(&url, &body, None, &[], what, discord_verdict)
                    .await?;
                self.check(&reply, what)?;
                Ok(Posted::default())
            }
            Target::Slack { .. } => {
                let body = json!({ "text": message.text });
                let reply = self
                    .json_post(&url, &body, None, &[], what, default_verdict)
                    .await?;
                self.check(&reply, what)?;
                Ok(Posted::default())
            }
            Target::Webhook { token, .. } => {
                let body = match &message.webhook {
                    Some(b) => {
                        serde_json::to_value(b).map_err(|e| RegistryError::Input(e.to_string()))?
                    }
                    None => json!({ "title": message.title, "text": message.text }),
                };
                let reply = self
                    .json_post(&url, &body, token.as_ref(), &[], what, default_verdict)
                    .await?;
                self.check(&reply, what)?;
                Ok(Posted::default())
            }
            Target::Mastodon {
                token,
                visibility,
                language,
                ..
            } => {
                let mut body = json!({
                    "status": message.text,
                    "visibility": visibility.as_str(),
                });
                if let Some(l) = language {
                    body["language"] = json!(l);
                }
                let reply = self
                    .json_post(
                        &url,
                        &body,
                        Some(token),
                        &[("Idempotency-Key", key)],
                        what,
                        default_verdict,
                    )
                    .await?;
                self.check(&reply, what)?;
                let v: Value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
                Ok(Posted {
                    url: v.get("url").and_then(Value::as_str).map(str::to_string),
                })
            }
            Target::Discussions {
                repository,
                category,
                token,
                ..
            } => {
                self.discussion(&url, repository, category, token, message, what)
                    .await
            }
        }
    }

    async fn json_post(
        &self,
        url: &str,
        body: &Value,
        token: Option<&Secret>,
        headers: &[(&str, &str)],
        what: &str,
        judge: fn(&Reply) -> Verdict,
    ) -> Result<Reply, RegistryError> {
        let text = body.to_string();
        let build = || {
            let mut rb = self
                .http
                .post(url)
                .header(CONTENT_TYPE, "application/json")
                .body(text.clone());
            if let Some(t) = token {
                rb = rb.header(AUTHORIZATION, bearer(t)?);
            }
            for (k, v) in headers {
                rb = rb.header(*k, *v);
            }
            Ok(rb)
        };
        send(&self.retry, what, build, judge).await
    }

    /// Any 2xx is a post; the rest is an error in the service's words.
    fn check(&self, reply: &Reply, what: &str) -> Result<(), RegistryError> {
        let status = reply.status;
        if status.is_success() {
            return Ok(());
        }
        let detail = detail(&reply.body);
        Err(match status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => RegistryError::Auth {
                what: what.into(),
                detail: format!(
                    "HTTP {} (is the token or webhook URL the channel names still valid?){detail}",
                    status.as_u16()
                ),
            },
            StatusCode::NOT_FOUND | StatusCode::GONE => RegistryError::NotFound {
                what: what.into(),
                detail,
            },
            s if s == StatusCode::TOO_MANY_REQUESTS => RegistryError::Status {
                what: what.into(),
                status: s.as_u16(),
                detail: format!(": rate limited, still after the retries{detail}"),
            },
            s => RegistryError::Status {
                what: what.into(),
                status: s.as_u16(),
                detail,
            },
        })
    }

    /// GraphQL: the repository's id and the category's id, then `createDiscussion`.
    async fn discussion(
        &self,
        url: &str,
        repository: &str,
        category: &str,
        token: &Secret,
        message: &Message,
        what: &str,
    ) -> Result<Posted, RegistryError> {
        let Some((owner, name)) = repository.split_once('/') else {
            return Err(RegistryError::Input(format!(
                "{what}: repository {repository:?} is not `owner/name`"
            )));
        };
        let query = json!({
            "query": "query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { id discussionCategories(first: 100) { nodes { id name slug } } } }",
            "variables": { "owner": owner, "name": name },
        });
        let data = self.graphql(url, &query, token, what).await?;
        let repo = data
            .get("repository")
            .filter(|r| !r.is_null())
            .ok_or_else(|| RegistryError::NotFound {
                what: what.into(),
                detail: format!(": no repository {repository} (or the token cannot see it)"),
            })?;
        let repo_id = repo.get("id").and_then(Value::as_str).unwrap_or_default();
        let nodes = repo
            .pointer("/discussionCategories/nodes")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let wanted = category.trim();
        let found = nodes.iter().find(|n| {
            ["name", "slug"].iter().any(|k| {
                n.get(*k)
                    .and_then(Value::as_str)
                    .is_some_and(|v| v.eq_ignore_ascii_case(wanted))
            })
        });
        let Some(category_id) = found.and_then(|n| n.get("id")).and_then(Value::as_str) else {
            let names: Vec<String> = nodes
                .iter()
                .filter_map(|n| n.get("name").and_then(Value::as_str))
                .map(|n| clip(&redact(n)))
                .collect();
            return Err(RegistryError::Input(format!(
                "{what}: {repository} has no discussion category {wanted:?} (categories: {}; are Discussions enabled?)",
                if names.is_empty() { "none".to_string() } else { names.join(", ") }
            )));
        };
        let mutation = json!({
            "query": "mutation($input: CreateDiscussionInput!) { createDiscussion(input: $input) { discussion { url } } }",
            "variables": { "input": {
                "repositoryId": repo_id,
                "categoryId": category_id,
                "title": message.title,
                "body": message.text,
            }},
        });
        let data = self.graphql(url, &mutation, token, what).await?;
        Ok(Posted {
            url: data
                .pointer("/createDiscussion/discussion/url")
                .and_then(Value::as_str)
                .map(str::to_string),
        })
    }

    /// One GraphQL request: `data`, or an error from the status or from `errors` (which
    /// GitHub sends with a 200).
    async fn graphql(
        &self,
        url: &str,
        body: &Value,
        token: &Secret,
        what: &str,
    ) -> Result<Value, RegistryError> {
        let text = body.to_string();
        let build = || {
            Ok(self
                .http
                .post(url)
                .header(CONTENT_TYPE, "application/json")
                .header(AUTHORIZATION, bearer(token)?)
                .body(text.clone()))
        };
        let reply = send(&self.retry, what, build, rate_limit_verdict).await?;
        self.check(&reply, what)?;
        let v: Value =
            serde_json::from_slice(&reply.body).map_err(|e| RegistryError::Protocol {
                what: what.into(),
                detail: format!(
                    "not the JSON GitHub's GraphQL API documents ({})",
                    crate::redact::json_error(&e)
                ),
            })?;
        if let Some(errors) = v.get("errors").and_then(Value::as_array) {
            if !errors.is_empty() {
                let words: Vec<String> = errors
                    .iter()
                    .map(|e| {
                        let kind = e.get("type").and_then(Value::as_str).unwrap_or("ERROR");
                        let m = e.get("message").and_then(Value::as_str).unwrap_or("");
                        format!("{kind}: {m}")
                    })
                    .collect();
                let detail = format!(": {}", clip(&redact(&words.join("; "))));
                let not_found = errors
                    .iter()
                    .any(|e| e.get("type").and_then(Value::as_str) == Some("NOT_FOUND"));
                return Err(if not_found {
                    RegistryError::NotFound {
                        what: what.into(),
                        detail,
                    }
                } else {
                    RegistryError::Status {
                        what: what.into(),
                        status: reply.status.as_u16(),
                        detail,
                    }
                });
            }
        }
        Ok(v.get("data").cloned().unwrap_or(Value::Null))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_need_https_except_on_loopback_and_never_quote_the_url() {
        let t = Target::Discord {
            url: Secret::new("http://example.org/api/webhooks/1/SECRETTOKEN"),
        };
        let err = t.endpoint().unwrap_err().to_string();
        assert!(!err.contains("SECRETTOKEN"), "{err}");
        let t = Target::Discord {
            url: Secret::new("http://127.0.0.1:9/api/webhooks/1/tok"),
        };
        assert_eq!(
            t.endpoint().unwrap(),
            "http://127.0.0.1:9/api/webhooks/1/tok?wait=true"
        );
        let r = Target::Slack {
            url: Secret::new("https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX"),
        }
        .redactor();
        assert_eq!(
            r.apply("bad path /services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX"),
            "bad path /services/T000/B000/***"
        );
    }

    #[test]
    fn discord_retry_after_comes_from_the_body() {
        let reply = Reply {
            status: StatusCode::TOO_MANY_REQUESTS,
            headers: Default::default(),
            body: br#"{"message": "You are being rate limited.", "retry_after": 0.25, "global": false}"#.to_vec(),
        };
        assert_eq!(
            discord_verdict(&reply),
            Verdict::Retry(Some(Duration::from_millis(250)))
        );
        let reply = Reply {
            body: br#"{"retry_after": -1}"#.to_vec(),
            ..reply
        };
        assert_eq!(discord_verdict(&reply), Verdict::Retry(None));
    }
}
