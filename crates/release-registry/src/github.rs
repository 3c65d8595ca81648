//! GitHub Releases over the REST API: get a release by tag, create one, edit its body, list
//! its assets. The API base is configurable (GitHub Enterprise: `https://HOST/api/v3`).

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION};
use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};

use crate::error::{describe_body, RegistryError};
use crate::retry::{parse_retry_after, retryable_status, send, Reply, RetryPolicy, Verdict};
use crate::secret::Secret;

/// A GitHub Release, the fields we use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    /// The release id (for edits and assets).
    pub id: u64,
    /// The git tag.
    pub tag_name: String,
    /// The title.
    #[serde(default)]
    pub name: Option<String>,
    /// The notes (markdown).
    #[serde(default)]
    pub body: Option<String>,
    /// A draft (not public).
    #[serde(default)]
    pub draft: bool,
    /// A pre-release.
    #[serde(default)]
    pub prerelease: bool,
    /// The page.
    #[serde(default)]
    pub html_url: String,
}

/// A release asset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Asset {
    /// The asset id.
    pub id: u64,
    /// The file name.
    pub name: String,
    /// The size in bytes.
    #[serde(default)]
    pub size: u64,
    /// `uploaded` when complete.
    #[serde(default)]
    pub state: String,
}

/// A new release.
#[derive(Debug, Clone, Serialize)]
pub struct NewRelease<'a> {
    /// The git tag (must exist, or `target_commitish` is used).
    pub tag_name: &'a str,
    /// The title.
    pub name: &'a str,
    /// The notes.
    pub body: &'a str,
    /// Create as a draft.
    pub draft: bool,
    /// Mark as a pre-release.
    pub prerelease: bool,
}

/// A GitHub REST client for one repository.
#[derive(Clone)]
pub struct GitHub {
    http: reqwest::Client,
    api_base: String,
    repository: String,
    token: Option<Secret>,
    retry: RetryPolicy,
}

impl std::fmt::Debug for GitHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GitHub")
            .field("api_base", &self.api_base)
            .field("repository", &self.repository)
            .field("token", &self.token)
            .finish()
    }
}

impl GitHub {
    /// A client for `owner/name` at an API base (`https://api.github.com`).
    pub fn new(
        api_base: &str,
        repository: &str,
        token: Option<Secret>,
        retry: RetryPolicy,
    ) -> Result<GitHub, RegistryError> {
        let valid = repository.split('/').count() == 2
            && repository.split('/').all(|p| {
                !p.is_empty()
                    && p.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            });
        if !valid {
            return Err(RegistryError::Input(format!(
                "GitHub repository {repository:?} is not `owner/name`"
            )));
        }
        if !(api_base.starts_with("https://") || api_base.starts_with("http://")) {
            return Err(RegistryError::Input(format!(
                "GitHub API base {api_base:?} is not an http(s) URL"
            )));
        }
        let http = reqwest::Client::builder()
            .user_agent(concat!("release/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(retry.timeout)
            .build()
            .map_err(|e| RegistryError::Network {
                what: "creating the HTTP client".into(),
                detail: e.to_string(),
            })?;
        Ok(GitHub {
            http,
            api_base: api_base.trim_end_matches('/').to_string(),
            repository: repository.to_string(),
            token: token.filter(|t| !t.is_empty()),
            retry,
        })
    }

    /// The repository, `owner/name`.
    pub fn repository(&self) -> &str {
        &self.repository
    }

    /// The REST API base (`https://api.github.com`, `https://HOST/api/v3`).
    pub fn api_base(&self) -> &str {
        &self.api_base
    }

    async fn call(
        &self,
        method: Method,
        url: &str,
        body: Option<&serde_json::Value>,
        what: &str,
    ) -> Result<(StatusCode, reqwest::header::HeaderMap, Vec<u8>), RegistryError> {
        let build = || {
            let mut rb = self
                .http
                .request(method.clone(), url)
                .header(ACCEPT, "application/vnd.github+json")
                .header("X-GitHub-Api-Version", "2022-11-28");
            if let Some(t) = &self.token {
                rb = rb.header(AUTHORIZATION, bearer(t)?);
            }
            if let Some(b) = body {
                rb = rb
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(b.to_string());
            }
            Ok(rb)
        };
        let reply = send(&self.retry, what, build, rate_limit_verdict).await?;
        if is_rate_limited(&reply) {
            return Err(RegistryError::Status {
                what: what.into(),
                status: reply.status.as_u16(),
                detail: format!(": rate limited{}", describe_body(&reply.body)),
            });
        }
        Ok((reply.status, reply.headers, reply.body))
    }

    fn fail(&self, what: &str, status: StatusCode, body: &[u8]) -> RegistryError {
        let mut known = crate::redact::Redactor::default();
        if let Some(t) = &self.token {
            known.add(t.expose());
        }
        // Patterns catch GitHub's token formats; the exact token catches any other.
        let detail = known.apply(&describe_body(body));
        match status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => RegistryError::Auth {
                what: what.into(),
                detail: format!(
                    "HTTP {} (is GITHUB_TOKEN set, with `contents: write` for edits?){detail}",
                    status.as_u16()
                ),
            },
            StatusCode::NOT_FOUND => RegistryError::NotFound {
                what: what.into(),
                detail,
            },
            StatusCode::UNPROCESSABLE_ENTITY => {
                RegistryError::Input(format!("{what}: GitHub refused the request (422){detail}"))
            }
            s => RegistryError::Status {
                what: what.into(),
                status: s.as_u16(),
                detail,
            },
        }
    }

    fn url(&self, tail: &str) -> String {
        format!("{}/repos/{}{tail}", self.api_base, self.repository)
    }

    /// The release of a tag; `None` when there is none (drafts are not found by tag).
    pub async fn release_by_tag(&self, tag: &str) -> Result<Option<Release>, RegistryError> {
        let what = format!("GitHub release {} {tag}", self.repository);
        let url = self.url(&format!("/releases/tags/{}", encode_path(tag)));
        let (status, _, body) = self.call(Method::GET, &url, None, &what).await?;
        match status {
            StatusCode::OK => parse(&body, &what).map(Some),
            StatusCode::NOT_FOUND => Ok(None),
            s => Err(self.fail(&what, s, &body)),
        }
    }

    /// Creates a release.
    pub async fn create_release(&self, new: &NewRelease<'_>) -> Result<Release, RegistryError> {
        let what = format!(
            "creating GitHub release {} {}",
            self.repository, new.tag_name
        );
        let body = serde_json::to_value(new).map_err(|e| RegistryError::Input(e.to_string()))?;
        let (status, _, reply) = self
            .call(Method::POST, &self.url("/releases"), Some(&body), &what)
            .await?;
        match status {
            StatusCode::CREATED | StatusCode::OK => parse(&reply, &what),
            s => Err(self.fail(&what, s, &reply)),
        }
    }

    /// Replaces a release's body.
    pub async fn edit_body(&self, release_id: u64, body: &str) -> Result<Release, RegistryError> {
        let what = format!("editing GitHub release {} #{release_id}", self.repository);
        let payload = serde_json::json!({ "body": body });
        let (status, _, reply) = self
            .call(
                Method::PATCH,
                &self.url(&format!("/releases/{release_id}")),
                Some(&payload),
                &what,
            )
            .await?;
        match status {
            StatusCode::OK => parse(&reply, &what),
            s => Err(self.fail(&what, s, &reply)),
        }
    }

    /// Every asset of a release (following `Link` pagination).
    pub async fn assets(&self, release_id: u64) -> Result<Vec<Asset>, RegistryError> {
        let what = format!("assets of GitHub release {} #{release_id}", self.repository);
        let mut url = self.url(&format!("/releases/{release_id}/assets?per_page=100"));
        let mut out = Vec::new();
        for _page in 0..1000 {
            let (status, headers, body) = self.call(Method::GET, &url, None, &what).await?;
            if status != StatusCode::OK {
                return Err(self.fail(&what, status, &body));
            }
            let page: Vec<Asset> = parse(&body, &what)?;
            out.extend(page);
            let next = headers
                .get("link")
                .and_then(|v| v.to_str().ok())
                .and_then(next_link);
            match next {
                Some(n) if n.starts_with(&self.api_base) => url = n,
                Some(n) => {
                    return Err(RegistryError::Protocol {
                        what,
                        detail: format!("the next page {n:?} is outside the API base"),
                    })
                }
                None => return Ok(out),
            }
        }
        Err(RegistryError::Protocol {
            what,
            detail: "more than 1000 pages of assets".into(),
        })
    }
}

/// `Authorization: Bearer TOKEN`, marked sensitive.
pub(crate) fn bearer(token: &Secret) -> Result<HeaderValue, RegistryError> {
    let mut v = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
        .map_err(|_| RegistryError::Input("the token is not a valid header value".into()))?;
    v.set_sensitive(true);
    Ok(v)
}

/// GitHub's rate limits: secondary limits answer 403/429 with `Retry-After`, primary ones 403
/// with `x-ratelimit-remaining: 0` and a reset time.
pub(crate) fn is_rate_limited(reply: &Reply) -> bool {
    (reply.status == StatusCode::FORBIDDEN || reply.status == StatusCode::TOO_MANY_REQUESTS)
        && (reply.header("retry-after").is_some()
            || reply.header("x-ratelimit-remaining") == Some("0"))
}

/// Retries 408/429/5xx and GitHub's rate limits, after `Retry-After` or until
/// `x-ratelimit-reset`.
pub(crate) fn rate_limit_verdict(reply: &Reply) -> Verdict {
    if !(retryable_status(reply.status.as_u16()) || is_rate_limited(reply)) {
        return Verdict::Done;
    }
    let after = reply
        .header("retry-after")
        .and_then(|v| parse_retry_after(v, SystemTime::now()))
        .or_else(|| {
            let reset: u64 = reply.header("x-ratelimit-reset")?.parse().ok()?;
            let now = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .ok()?
                .as_secs();
            Some(Duration::from_secs(reset.saturating_sub(now)))
        });
    Verdict::Retry(after)
}

fn parse<T: for<'de> Deserialize<'de>>(body: &[u8], what: &str) -> Result<T, RegistryError> {
    serde_json::from_slice(body).map_err(|e| RegistryError::Protocol {
        what: what.into(),
        detail: format!(
            "not the JSON GitHub documents ({})",
            crate::redact::json_error(&e)
        ),
    })
}

fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let next = params
            .split(';')
            .any(|p| p.trim().replace(' ', "") == "rel=\"next\"");
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        next.then(|| target.to_string())
    })
}

/// Percent-encodes a path segment (tags may hold `+`, `/` is not allowed in one segment).
fn encode_path(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
