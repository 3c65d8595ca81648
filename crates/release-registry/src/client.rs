//! The OCI distribution client: manifests byte-for-byte, tags, referrers, and re-tagging.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use reqwest::header::{
    HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE,
};
use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};

use crate::auth::{choose_challenge, Access, Challenge, TokenCache};
use crate::credentials::{Credential, CredentialSource};
use crate::error::{describe_body, RegistryError};
use crate::manifest::{
    Descriptor, Manifest, ACCEPT as MANIFEST_ACCEPT, MAX_MANIFEST_BYTES, OCI_INDEX,
};
use crate::redact::{json_error, redact, Redactor};
use crate::reference::{check_tag, scheme_for, Digest, ImageRepository};
use crate::retry::{parse_retry_after, retryable_status, with_retries, RetryPolicy, Try};
use crate::secret::Secret;

/// How the client behaves.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Hosts (`HOST` or `HOST:PORT`) spoken to over plain HTTP although not on loopback.
    pub insecure: Vec<String>,
    /// Retries and timeouts.
    pub retry: RetryPolicy,
    /// Where credentials come from.
    pub credentials: CredentialSource,
    /// Most requests in flight at once for multi-tag operations.
    pub concurrency: usize,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            insecure: Vec::new(),
            retry: RetryPolicy::default(),
            credentials: CredentialSource::default(),
            concurrency: 8,
        }
    }
}

/// A registry client. Cheap to clone (clones share connections, credentials and tokens).
#[derive(Clone)]
pub struct Registry {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("insecure", &self.inner.options.insecure)
            .finish_non_exhaustive()
    }
}

struct Inner {
    http: reqwest::Client,
    options: ClientOptions,
    tokens: Mutex<TokenCache>,
    /// Registries that answered with a Basic challenge: send credentials up front from then on.
    basic: Mutex<HashSet<String>>,
    /// Credentials looked up per registry (helpers run once per run).
    creds: tokio::sync::Mutex<HashMap<String, Option<Credential>>>,
    /// Bounds the requests in flight of multi-tag operations.
    limit: tokio::sync::Semaphore,
    /// Every secret this client has held (passwords, tokens): removed from every error.
    redactor: Mutex<Redactor>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A response read in full.
#[derive(Debug)]
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// One request to make.
struct Req<'a> {
    method: Method,
    url: String,
    manifest_accept: bool,
    accept: Option<&'a str>,
    body: Option<(&'a [u8], &'a str)>,
    what: &'a str,
    /// The most body bytes we read.
    cap: usize,
}

/// What a tag resolves to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resolved {
    /// The manifest digest.
    pub digest: Digest,
    /// Its media type.
    pub media_type: String,
    /// Its size in bytes, when known.
    pub size: Option<u64>,
}

/// What a re-tag does to one target tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetAction {
    /// Already on the source digest: nothing to do.
    Unchanged,
    /// The tag does not exist yet.
    Create,
    /// The tag exists on another digest.
    Move,
    /// Not checked (`check = false`): the exact bytes are put regardless, which is harmless.
    Put,
}

/// Where a target stands after the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "status", content = "error")]
pub enum TargetStatus {
    /// A dry run: would do the action.
    Planned,
    /// Done (or nothing was needed).
    Done,
    /// The request failed, or the tag read back afterwards was not on the digest.
    Failed(String),
    /// Not tried because an earlier target failed (targets move in order, `latest` last).
    #[serde(rename = "not attempted")]
    NotAttempted(String),
}

/// One target tag of a re-tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetReport {
    /// The tag.
    pub tag: String,
    /// Its digest before, when it existed and was checked.
    pub before: Option<Digest>,
    /// What was (or would be) done.
    pub action: TargetAction,
    /// The outcome.
    #[serde(flatten)]
    pub status: TargetStatus,
}

/// The result of a re-tag: the source and every target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RetagReport {
    /// The repository.
    pub repository: String,
    /// The source reference (tag or digest).
    pub source: String,
    /// The source manifest's digest (every target gets exactly this).
    pub digest: Digest,
    /// Its media type.
    pub media_type: String,
    /// The targets, in the order given.
    pub targets: Vec<TargetReport>,
}

impl RetagReport {
    /// True when no target failed or was left out after a failure.
    pub fn ok(&self) -> bool {
        self.targets.iter().all(|t| {
            !matches!(
                t.status,
                TargetStatus::Failed(_) | TargetStatus::NotAttempted(_)
            )
        })
    }
}

/// Options of a re-tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetagOptions {
    /// Put the manifest (false: a dry run that only reads). Each target is put in the order
    /// given and read back; the first failure stops the rest.
    pub execute: bool,
    /// HEAD each target first and skip the ones already right (one request per target, in
    /// parallel with the source GET). Without it every target is put, the minimum of requests.
    pub check: bool,
}

#[derive(Deserialize)]
struct TagList {
    #[serde(default)]
    tags: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct TokenAnswer {
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    access_token: Option<String>,
    /// Any JSON: a negative, fractional, huge or quoted number must not fail the answer.
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
}

/// How long a token lives from the server's `expires_in`: 60 seconds when missing or not a
/// number (the distribution spec's default), at least 1 second, and at most
/// [`crate::auth::MAX_TOKEN_LIFETIME`].
fn token_lifetime(expires_in: Option<&serde_json::Value>) -> Duration {
    let secs = match expires_in {
        Some(serde_json::Value::Number(n)) => n
            .as_u64()
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.is_finite() && *f >= 0.0)
                    .map(|f| f.min(u64::MAX as f64) as u64)
            })
            .unwrap_or(60),
        Some(serde_json::Value::String(s)) => s.trim().parse().unwrap_or(60),
        _ => 60,
    };
    Duration::from_secs(secs.max(1)).min(crate::auth::MAX_TOKEN_LIFETIME)
}

impl Registry {
    /// A client with the given options.
    pub fn new(options: ClientOptions) -> Result<Registry, RegistryError> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("release/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(options.retry.timeout)
            // Redirects to blob storage are for blobs; manifests and tags are never redirected
            // by the registries we speak to, and a redirect must not carry our token elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| RegistryError::Network {
                what: "creating the HTTP client".into(),
                detail: e.to_string(),
            })?;
        let limit = tokio::sync::Semaphore::new(options.concurrency.max(1));
        Ok(Registry {
            inner: Arc::new(Inner {
                http,
                options,
                tokens: Mutex::new(TokenCache::default()),
                basic: Mutex::new(HashSet::new()),
                creds: tokio::sync::Mutex::new(HashMap::new()),
                limit,
                redactor: Mutex::new(Redactor::default()),
            }),
        })
    }

    fn base(&self, repo: &ImageRepository) -> String {
        let host = repo.api_host();
        format!(
            "{}://{}",
            scheme_for(host, &self.inner.options.insecure),
            host
        )
    }

    fn manifest_url(&self, repo: &ImageRepository, reference: &str) -> String {
        format!(
            "{}/v2/{}/manifests/{}",
            self.base(repo),
            repo.path,
            reference
        )
    }

    async fn credential(&self, registry: &str) -> Result<Option<Credential>, RegistryError> {
        let mut cache = self.inner.creds.lock().await;
        if let Some(c) = cache.get(registry) {
            return Ok(c.clone());
        }
        let c = self.inner.options.credentials.lookup(registry).await?;
        match &c {
            Some(Credential::Basic { username, password }) => {
                lock(&self.inner.redactor).add_basic(username, password.expose());
            }
            Some(Credential::IdentityToken(t)) => lock(&self.inner.redactor).add(t.expose()),
            None => {}
        }
        cache.insert(registry.to_string(), c.clone());
        Ok(c)
    }

    /// The error without any secret this client holds (the servers' words are redacted by
    /// pattern already; this removes what patterns cannot know).
    fn scrub(&self, e: RegistryError) -> RegistryError {
        let redactor = lock(&self.inner.redactor).clone();
        e.map_text(|t| redactor.apply(t))
    }

    /// Sends a request with auth and retries (one loop, [`with_retries`]), and reads the whole
    /// body (up to `req.cap`).
    async fn exchange(
        &self,
        repo: &ImageRepository,
        access: Access,
        req: &Req<'_>,
    ) -> Result<Reply, RegistryError> {
        let policy = self.inner.options.retry;
        with_retries(&policy, |attempt| {
            self.exchange_once(repo, access, req, attempt)
        })
        .await
    }

    /// One try of [`Registry::exchange`]: auth rounds (a 401 answered with a token or
    /// credentials) happen inside it and do not count as tries; they are bounded on their own.
    async fn exchange_once(
        &self,
        repo: &ImageRepository,
        access: Access,
        req: &Req<'_>,
        attempt: u32,
    ) -> Try<Reply, RegistryError> {
        match self
            .exchange_authenticated(repo, access, req, attempt)
            .await
        {
            Ok(t) => t,
            Err(e) => Try::Done(Err(e)),
        }
    }

    async fn exchange_authenticated(
        &self,
        repo: &ImageRepository,
        access: Access,
        req: &Req<'_>,
        attempt: u32,
    ) -> Result<Try<Reply, RegistryError>, RegistryError> {
        let policy = self.inner.options.retry;
        let registry = repo.registry.as_str();
        let mut auth_rounds = 0u32;
        let mut refreshed = false;
        loop {
            let token = lock(&self.inner.tokens).get(registry, &repo.path, access);
            let mut rb = self
                .inner
                .http
                .request(req.method.clone(), &req.url)
                .timeout(policy.timeout);
            if req.manifest_accept {
                // Repeated headers, as docker sends them; registries read every one.
                for a in MANIFEST_ACCEPT {
                    rb = rb.header(ACCEPT, a);
                }
            }
            if let Some(a) = req.accept {
                rb = rb.header(ACCEPT, a);
            }
            if let Some((body, ct)) = req.body {
                rb = rb.header(CONTENT_TYPE, ct).body(body.to_vec());
            }
            let sent_token = token.is_some();
            let mut sent_basic = false;
            if let Some(t) = &token {
                rb = rb.header(AUTHORIZATION, bearer(t)?);
            } else if lock(&self.inner.basic).contains(registry) {
                if let Some(Credential::Basic { username, password }) =
                    self.credential(registry).await?
                {
                    rb = rb.basic_auth(username, Some(password.expose()));
                    sent_basic = true;
                }
            }
            let result = match rb.send().await {
                Ok(resp) => read_body(resp, req.cap).await,
                Err(e) => Err(Transport(e)),
            };
            let reply = match result {
                Ok(r) => r,
                Err(ReadError::TooLarge) => {
                    return Err(RegistryError::TooLarge {
                        what: req.what.into(),
                        limit: req.cap,
                    })
                }
                Err(ReadError::Transport(e)) => {
                    return Ok(Try::Again {
                        after: None,
                        last: Err(RegistryError::Network {
                            what: req.what.into(),
                            detail: format!("{} (after {attempt} attempts)", transport_detail(&e)),
                        }),
                    });
                }
            };
            let status = reply.status;
            if status == StatusCode::UNAUTHORIZED {
                auth_rounds += 1;
                // Several challenges (in one header or several): Bearer before Basic.
                let challenge = choose_challenge(
                    reply
                        .headers
                        .get_all(WWW_AUTHENTICATE)
                        .iter()
                        .filter_map(|v| v.to_str().ok()),
                );
                let auth_err = |detail: String| {
                    Err(RegistryError::Auth {
                        what: req.what.into(),
                        detail,
                    })
                };
                if auth_rounds > 3 {
                    return auth_err(format!(
                        "the registry keeps answering 401{}",
                        describe_body(&reply.body)
                    ));
                }
                match challenge {
                    Some(Challenge::Bearer {
                        realm,
                        service,
                        error,
                        ..
                    }) => {
                        if sent_token {
                            match error.as_deref() {
                                Some("invalid_token") if !refreshed => {
                                    refreshed = true;
                                    lock(&self.inner.tokens).forget(registry, &repo.path);
                                }
                                Some("insufficient_scope") => {
                                    return auth_err(format!(
                                        "the token does not grant `{}` on {repo} (insufficient_scope); check the account's permissions",
                                        access.actions()
                                    ))
                                }
                                other => {
                                    return auth_err(format!(
                                        "the registry refused a fresh token ({}){}",
                                        crate::redact::clip(&redact(
                                            other.unwrap_or("no error code")
                                        )),
                                        describe_body(&reply.body)
                                    ))
                                }
                            }
                        }
                        self.fetch_token(repo, access, &realm, service.as_deref(), req.what)
                            .await?;
                        continue;
                    }
                    Some(Challenge::Basic) => {
                        if sent_basic {
                            return auth_err(format!(
                                "the registry refused the credentials for {registry}"
                            ));
                        }
                        match self.credential(registry).await? {
                            Some(Credential::Basic { .. }) => {
                                lock(&self.inner.basic).insert(registry.to_string());
                                continue;
                            }
                            _ => {
                                return auth_err(format!(
                                    "{registry} wants a user name and password and none is configured (docker login, --username with --password-stdin)"
                                ))
                            }
                        }
                    }
                    None => {
                        return auth_err(format!(
                            "401 without a challenge we understand{}",
                            describe_body(&reply.body)
                        ))
                    }
                }
            }
            if status == StatusCode::FORBIDDEN {
                return Err(RegistryError::Auth {
                    what: req.what.into(),
                    detail: format!("access denied (403){}", describe_body(&reply.body)),
                });
            }
            if retryable_status(status.as_u16()) {
                let after = reply
                    .header("retry-after")
                    .and_then(|v| parse_retry_after(v, SystemTime::now()));
                // Out of tries, the last answer is the caller's to judge.
                return Ok(Try::Again {
                    after,
                    last: Ok(reply),
                });
            }
            return Ok(Try::Done(Ok(reply)));
        }
    }

    async fn fetch_token(
        &self,
        repo: &ImageRepository,
        access: Access,
        realm: &str,
        service: Option<&str>,
        what: &str,
    ) -> Result<(), RegistryError> {
        let registry = repo.registry.as_str();
        // The realm comes from the server: shown redacted (user information, token parameters).
        let shown = redact(realm);
        let realm_url = reqwest::Url::parse(realm).map_err(|_| RegistryError::Auth {
            what: what.into(),
            detail: format!("the token realm {shown:?} is not a URL"),
        })?;
        if realm_url.scheme() != "https" && realm_url.scheme() != "http" {
            return Err(RegistryError::Auth {
                what: what.into(),
                detail: format!("the token realm {shown:?} is not http(s)"),
            });
        }
        let scope = format!("repository:{}:{}", repo.path, access.actions());
        let credential = self.credential(registry).await?;
        // Credentials travel to the token server: never in clear text off this machine, unless
        // the user named that host as insecure.
        if realm_url.scheme() == "http" && credential.is_some() {
            let host = match realm_url.port() {
                Some(p) => format!("{}:{p}", realm_url.host_str().unwrap_or("")),
                None => realm_url.host_str().unwrap_or("").to_string(),
            };
            if scheme_for(&host, &self.inner.options.insecure) != "http" {
                return Err(RegistryError::Auth {
                    what: what.into(),
                    detail: format!(
                        "the token realm {shown} is plain HTTP; credentials are sent only over HTTPS (or to a host named with --insecure-registry)"
                    ),
                });
            }
        }
        let mut query: Vec<(&str, &str)> = vec![("scope", &scope)];
        if let Some(s) = service {
            query.push(("service", s));
        }
        let policy = self.inner.options.retry;
        let token_what = format!("token for {scope}");
        let answer = with_retries(&policy, |_| async {
            let rb = match &credential {
                Some(Credential::IdentityToken(refresh)) => {
                    let mut form = vec![
                        ("grant_type", "refresh_token"),
                        ("refresh_token", refresh.expose()),
                        ("client_id", "release"),
                        ("scope", scope.as_str()),
                    ];
                    if let Some(s) = service {
                        form.push(("service", s));
                    }
                    self.inner.http.post(realm_url.clone()).form(&form)
                }
                Some(Credential::Basic { username, password }) => self
                    .inner
                    .http
                    .get(realm_url.clone())
                    .query(&query)
                    .basic_auth(username, Some(password.expose())),
                None => self.inner.http.get(realm_url.clone()).query(&query),
            };
            let result = match rb.timeout(policy.timeout).send().await {
                Ok(resp) => read_body(resp, 1024 * 1024).await,
                Err(e) => Err(Transport(e)),
            };
            let refused = |reply: &Reply| RegistryError::Auth {
                what: what.into(),
                detail: format!(
                    "the token server answered HTTP {} for {scope}{}",
                    reply.status.as_u16(),
                    describe_body(&reply.body)
                ),
            };
            match result {
                Ok(reply) if reply.status.is_success() => Try::Done(Ok(reply)),
                Ok(reply) if retryable_status(reply.status.as_u16()) => Try::Again {
                    after: None,
                    last: Err(refused(&reply)),
                },
                Ok(reply) => Try::Done(Err(refused(&reply))),
                Err(ReadError::Transport(e)) => Try::Again {
                    after: None,
                    last: Err(RegistryError::Network {
                        what: format!("{what}: {token_what}"),
                        detail: transport_detail(&e),
                    }),
                },
                Err(ReadError::TooLarge) => Try::Done(Err(RegistryError::Auth {
                    what: what.into(),
                    detail: "the token answer is too large".into(),
                })),
            }
        })
        .await?;
        let parsed: TokenAnswer =
            serde_json::from_slice(&answer.body).map_err(|e| RegistryError::Auth {
                what: what.into(),
                detail: format!(
                    "the token server's answer is not the expected JSON ({})",
                    json_error(&e)
                ),
            })?;
        let token = parsed
            .token
            .filter(|t| !t.is_empty())
            .or(parsed.access_token.filter(|t| !t.is_empty()))
            .ok_or_else(|| RegistryError::Auth {
                what: what.into(),
                detail: "the token server's answer has no token".into(),
            })?;
        lock(&self.inner.redactor).add(&token);
        let lifetime = token_lifetime(parsed.expires_in.as_ref());
        lock(&self.inner.tokens).put(registry, &repo.path, access, Secret::new(token), lifetime);
        Ok(())
    }

    /// GETs a manifest by tag or digest, with its exact bytes. By digest, the body's sha256 must
    /// be that digest; by tag, a `Docker-Content-Digest` header must agree with the body.
    pub async fn get_manifest(
        &self,
        repo: &ImageRepository,
        reference: &str,
    ) -> Result<Manifest, RegistryError> {
        self.get_manifest_as(repo, reference, Access::Pull)
            .await
            .map_err(|e| self.scrub(e))
    }

    async fn get_manifest_as(
        &self,
        repo: &ImageRepository,
        reference: &str,
        access: Access,
    ) -> Result<Manifest, RegistryError> {
        let wanted = check_reference(reference)?;
        let what = format!("GET {repo} manifest {reference}");
        let reply = self
            .exchange(
                repo,
                access,
                &Req {
                    method: Method::GET,
                    url: self.manifest_url(repo, reference),
                    manifest_accept: true,
                    accept: None,
                    body: None,
                    what: &what,
                    cap: MAX_MANIFEST_BYTES,
                },
            )
            .await?;
        expect_status(&reply, &what, &[StatusCode::OK])?;
        let manifest = Manifest::from_bytes(reply.body.clone(), reply.header("content-type"));
        if let Some(wanted) = &wanted {
            if manifest.digest() != wanted {
                return Err(RegistryError::Integrity {
                    what,
                    detail: format!(
                        "the body's sha256 is {}, not the requested {wanted}",
                        manifest.digest()
                    ),
                });
            }
        }
        if let Some(header) = reply.header("docker-content-digest") {
            if header != manifest.digest().as_str() {
                return Err(RegistryError::Integrity {
                    what,
                    detail: format!(
                        "Docker-Content-Digest says {:?} but the body's sha256 is {}",
                        crate::redact::clip(&redact(header)),
                        manifest.digest()
                    ),
                });
            }
        }
        Ok(manifest)
    }

    /// GETs a blob (at most `cap` bytes), its sha256 checked. A redirect to blob storage is
    /// followed once, without our credentials.
    pub async fn get_blob(
        &self,
        repo: &ImageRepository,
        digest: &Digest,
        cap: usize,
    ) -> Result<Vec<u8>, RegistryError> {
        self.get_blob_raw(repo, digest, cap)
            .await
            .map_err(|e| self.scrub(e))
    }

    async fn get_blob_raw(
        &self,
        repo: &ImageRepository,
        digest: &Digest,
        cap: usize,
    ) -> Result<Vec<u8>, RegistryError> {
        let what = format!("GET {repo} blob {digest}");
        let url = format!("{}/v2/{}/blobs/{digest}", self.base(repo), repo.path);
        let mut reply = self
            .exchange(
                repo,
                Access::Pull,
                &Req {
                    method: Method::GET,
                    url: url.clone(),
                    manifest_accept: false,
                    accept: None,
                    body: None,
                    what: &what,
                    cap,
                },
            )
            .await?;
        if reply.status.is_redirection() {
            let location = reply.header("location").unwrap_or("");
            let target = reqwest::Url::parse(&url)
                .and_then(|base| base.join(location))
                .map_err(|_| RegistryError::Protocol {
                    what: what.clone(),
                    detail: format!(
                        "the redirect to {:?} is not a URL",
                        crate::redact::clip(&redact(location))
                    ),
                })?;
            let policy = self.inner.options.retry;
            let sent = self
                .inner
                .http
                .get(target)
                .timeout(policy.timeout)
                .send()
                .await;
            reply = match sent {
                Ok(resp) => read_body(resp, cap).await,
                Err(e) => Err(Transport(e)),
            }
            .map_err(|e| match e {
                ReadError::TooLarge => RegistryError::TooLarge {
                    what: what.clone(),
                    limit: cap,
                },
                ReadError::Transport(e) => RegistryError::Network {
                    what: what.clone(),
                    detail: transport_detail(&e),
                },
            })?;
        }
        expect_status(&reply, &what, &[StatusCode::OK])?;
        let got = Digest::of(&reply.body);
        if &got != digest {
            return Err(RegistryError::Integrity {
                what,
                detail: format!("the body's sha256 is {got}"),
            });
        }
        Ok(reply.body)
    }

    /// Resolves a tag (or digest) to a digest: HEAD, and a GET when HEAD gives no usable
    /// `Docker-Content-Digest`.
    pub async fn resolve(
        &self,
        repo: &ImageRepository,
        reference: &str,
    ) -> Result<Resolved, RegistryError> {
        self.resolve_raw(repo, reference)
            .await
            .map_err(|e| self.scrub(e))
    }

    async fn resolve_raw(
        &self,
        repo: &ImageRepository,
        reference: &str,
    ) -> Result<Resolved, RegistryError> {
        check_reference(reference)?;
        let what = format!("HEAD {repo} manifest {reference}");
        let reply = self
            .exchange(
                repo,
                Access::Pull,
                &Req {
                    method: Method::HEAD,
                    url: self.manifest_url(repo, reference),
                    manifest_accept: true,
                    accept: None,
                    body: None,
                    what: &what,
                    cap: 0,
                },
            )
            .await?;
        if reply.status == StatusCode::NOT_FOUND {
            return Err(RegistryError::NotFound {
                what,
                detail: String::new(),
            });
        }
        if reply.status == StatusCode::OK {
            if let Some(digest) = reply
                .header("docker-content-digest")
                .and_then(|d| Digest::parse(d).ok())
            {
                let media_type = reply
                    .header("content-type")
                    .map(|c| c.split(';').next().unwrap_or("").trim().to_string())
                    .unwrap_or_default();
                if !media_type.is_empty() && media_type != "application/json" {
                    return Ok(Resolved {
                        digest,
                        media_type,
                        size: reply.header("content-length").and_then(|l| l.parse().ok()),
                    });
                }
            }
        }
        // HEAD unsupported, or it lacked a digest or type: the GET computes both itself.
        let manifest = self.get_manifest(repo, reference).await?;
        Ok(Resolved {
            digest: manifest.digest().clone(),
            media_type: manifest.media_type().to_string(),
            size: u64::try_from(manifest.bytes().len()).ok(),
        })
    }

    /// PUTs exact manifest bytes under a tag. Any 2xx answer is success (registries answer
    /// 201, some 200, 202 or 204). A Docker schema 1 manifest is refused before any request:
    /// its signature covers the tag name, so a copy under another tag is not the same image.
    pub async fn put_manifest(
        &self,
        repo: &ImageRepository,
        tag: &str,
        manifest: &Manifest,
    ) -> Result<(), RegistryError> {
        self.put_manifest_raw(repo, tag, manifest)
            .await
            .map_err(|e| self.scrub(e))
    }

    async fn put_manifest_raw(
        &self,
        repo: &ImageRepository,
        tag: &str,
        manifest: &Manifest,
    ) -> Result<(), RegistryError> {
        check_tag(tag)?;
        self.put_manifest_at(repo, tag, manifest).await
    }

    /// PUTs exact manifest bytes under their own digest, untagged (the platform manifests an
    /// index names must be in the repository before the index).
    pub async fn put_manifest_by_digest(
        &self,
        repo: &ImageRepository,
        manifest: &Manifest,
    ) -> Result<(), RegistryError> {
        self.put_manifest_at(repo, manifest.digest().as_str(), manifest)
            .await
            .map_err(|e| self.scrub(e))
    }

    /// Uploads a blob (a POST, then one monolithic PUT) and returns its digest. The upload
    /// location must be on the registry itself: credentials are never sent to another host.
    pub async fn put_blob(
        &self,
        repo: &ImageRepository,
        bytes: &[u8],
    ) -> Result<Digest, RegistryError> {
        self.put_blob_raw(repo, bytes)
            .await
            .map_err(|e| self.scrub(e))
    }

    async fn put_blob_raw(
        &self,
        repo: &ImageRepository,
        bytes: &[u8],
    ) -> Result<Digest, RegistryError> {
        let digest = Digest::of(bytes);
        let base = self.base(repo);
        let what = format!("POST {repo} blob upload");
        let reply = self
            .exchange(
                repo,
                Access::Push,
                &Req {
                    method: Method::POST,
                    url: format!("{base}/v2/{}/blobs/uploads/", repo.path),
                    manifest_accept: false,
                    accept: None,
                    body: None,
                    what: &what,
                    cap: 64 * 1024,
                },
            )
            .await?;
        expect_status(&reply, &what, &[StatusCode::ACCEPTED])?;
        let location = reply
            .header("location")
            .ok_or_else(|| RegistryError::Protocol {
                what: what.clone(),
                detail: "the registry answered 202 without a Location header".into(),
            })?;
        let url = if location.starts_with('/') {
            format!("{base}{location}")
        } else {
            location.to_string()
        };
        if !url.starts_with(&format!("{base}/")) {
            return Err(RegistryError::Protocol {
                what,
                detail: "the upload location is not on the registry's host; not following it"
                    .into(),
            });
        }
        let separator = if url.contains('?') { '&' } else { '?' };
        let what = format!("PUT {repo} blob {digest}");
        let reply = self
            .exchange(
                repo,
                Access::Push,
                &Req {
                    method: Method::PUT,
                    url: format!("{url}{separator}digest={digest}"),
                    manifest_accept: false,
                    accept: None,
                    body: Some((bytes, "application/octet-stream")),
                    what: &what,
                    cap: 64 * 1024,
                },
            )
            .await?;
        expect_status(&reply, &what, &[StatusCode::CREATED])?;
        Ok(digest)
    }

    async fn put_manifest_at(
        &self,
        repo: &ImageRepository,
        tag: &str,
        manifest: &Manifest,
    ) -> Result<(), RegistryError> {
        refuse_schema1(repo, tag, manifest)?;
        let what = format!("PUT {repo} manifest {tag}");
        let reply = self
            .exchange(
                repo,
                Access::Push,
                &Req {
                    method: Method::PUT,
                    url: self.manifest_url(repo, tag),
                    manifest_accept: false,
                    accept: None,
                    body: Some((manifest.bytes(), manifest.media_type())),
                    what: &what,
                    cap: 64 * 1024,
                },
            )
            .await?;
        if !reply.status.is_success() {
            expect_status(&reply, &what, &[])?;
        }
        if let Some(header) = reply.header("docker-content-digest") {
            if header != manifest.digest().as_str() {
                return Err(RegistryError::Integrity {
                    what,
                    detail: format!(
                        "the registry stored {:?}, not the {} that was sent",
                        crate::redact::clip(&redact(header)),
                        manifest.digest()
                    ),
                });
            }
        }
        Ok(())
    }

    /// PUTs a manifest under a tag, then reads the tag back (HEAD): the write counts only when
    /// the tag is on the manifest's digest afterwards. A registry that answers 2xx and stores
    /// nothing, or a concurrent re-tag that moved the tag after ours (a lost race), is an error,
    /// never a success. A mismatch is looked at once more after a short wait, for registries
    /// whose reads lag their writes.
    pub async fn put_and_confirm(
        &self,
        repo: &ImageRepository,
        tag: &str,
        manifest: &Manifest,
    ) -> Result<(), RegistryError> {
        self.put_manifest(repo, tag, manifest).await?;
        let policy = self.inner.options.retry;
        let what = format!("PUT {repo} manifest {tag}");
        let mut last = String::new();
        for attempt in 1..=2u32 {
            match self.resolve(repo, tag).await {
                Ok(r) if &r.digest == manifest.digest() => return Ok(()),
                Ok(r) => {
                    last = format!(
                        "the registry accepted the write but the tag is on {} (another write won, or the registry dropped ours)",
                        r.digest
                    );
                }
                Err(e) if e.is_not_found() => {
                    last = "the registry accepted the write but the tag does not exist".into();
                }
                Err(e) => {
                    return Err(RegistryError::Integrity {
                        what,
                        detail: format!("the write could not be read back: {e}"),
                    })
                }
            }
            if attempt == 1 {
                tokio::time::sleep(policy.delay(1, None)).await;
            }
        }
        Err(RegistryError::Integrity { what, detail: last })
    }

    /// Lists a repository's tags, following `Link` pagination (relative links resolved against
    /// the request URL, same host only); `"tags": null` is an empty list.
    pub async fn list_tags(&self, repo: &ImageRepository) -> Result<Vec<String>, RegistryError> {
        self.list_tags_raw(repo).await.map_err(|e| self.scrub(e))
    }

    async fn list_tags_raw(&self, repo: &ImageRepository) -> Result<Vec<String>, RegistryError> {
        let base = self.base(repo);
        let mut url = format!("{base}/v2/{}/tags/list", repo.path);
        let mut tags = Vec::new();
        let mut seen = HashSet::new();
        for page in 1.. {
            if !seen.insert(url.clone()) || page > 10_000 {
                return Err(RegistryError::Protocol {
                    what: format!("GET {repo} tags"),
                    detail: "the Link pagination loops".into(),
                });
            }
            let what = format!("GET {repo} tags (page {page})");
            let reply = self
                .exchange(
                    repo,
                    Access::Pull,
                    &Req {
                        method: Method::GET,
                        url: url.clone(),
                        manifest_accept: false,
                        accept: Some("application/json"),
                        body: None,
                        what: &what,
                        cap: 64 * 1024 * 1024,
                    },
                )
                .await?;
            expect_status(&reply, &what, &[StatusCode::OK])?;
            let list: TagList =
                serde_json::from_slice(&reply.body).map_err(|e| RegistryError::Protocol {
                    what: what.clone(),
                    detail: format!("the tag list is not the expected JSON ({})", json_error(&e)),
                })?;
            tags.extend(list.tags.unwrap_or_default());
            match next_page(&url, reply.header("link"))
                .map_err(|detail| RegistryError::Protocol { what, detail })?
            {
                Some(next) => url = next,
                None => break,
            }
        }
        Ok(tags)
    }

    /// The referrers of a digest through the referrers API, following `Link` pagination;
    /// `None` when the registry has no such API. A registry without it answers 404, but also
    /// 400, 405, 406, 415, 501, a redirect, or 200 with something that is not an index: all of
    /// these mean "use the tag schema".
    pub async fn referrers(
        &self,
        repo: &ImageRepository,
        digest: &Digest,
    ) -> Result<Option<Vec<Descriptor>>, RegistryError> {
        self.referrers_raw(repo, digest)
            .await
            .map_err(|e| self.scrub(e))
    }

    async fn referrers_raw(
        &self,
        repo: &ImageRepository,
        digest: &Digest,
    ) -> Result<Option<Vec<Descriptor>>, RegistryError> {
        let mut url = format!("{}/v2/{}/referrers/{digest}", self.base(repo), repo.path);
        let mut seen = HashSet::new();
        let mut all = Vec::new();
        for page in 1.. {
            let what = format!("GET {repo} referrers {digest} (page {page})");
            if !seen.insert(url.clone()) || page > 1_000 {
                return Err(RegistryError::Protocol {
                    what,
                    detail: "the Link pagination loops".into(),
                });
            }
            let reply = self
                .exchange(
                    repo,
                    Access::Pull,
                    &Req {
                        method: Method::GET,
                        url: url.clone(),
                        manifest_accept: false,
                        accept: Some(OCI_INDEX),
                        body: None,
                        what: &what,
                        cap: MAX_MANIFEST_BYTES,
                    },
                )
                .await?;
            let no_api = reply.status.is_redirection()
                || matches!(reply.status.as_u16(), 400 | 404 | 405 | 406 | 415 | 501);
            if no_api && page == 1 {
                return Ok(None);
            }
            expect_status(&reply, &what, &[StatusCode::OK])?;
            // A registry without the API may answer 200 with something else: no API.
            let is_index = reply
                .header("content-type")
                .is_some_and(|c| c.starts_with(OCI_INDEX));
            if !is_index {
                if page == 1 {
                    return Ok(None);
                }
                return Err(RegistryError::Protocol {
                    what,
                    detail: "a later page of referrers is not an image index".into(),
                });
            }
            let index = Manifest::from_bytes(reply.body.clone(), Some(OCI_INDEX));
            let view = index.view().map_err(|detail| RegistryError::Protocol {
                what: what.clone(),
                detail,
            })?;
            all.extend(view.manifests);
            match next_page(&url, reply.header("link"))
                .map_err(|detail| RegistryError::Protocol { what, detail })?
            {
                Some(next) => url = next,
                None => break,
            }
        }
        Ok(Some(all))
    }

    /// Puts one manifest under several tags in parallel; one result per tag, in order. No
    /// read-back: [`Registry::retag`] is the operation that confirms each write.
    pub async fn put_tags(
        &self,
        repo: &ImageRepository,
        manifest: &Manifest,
        tags: &[String],
    ) -> Vec<Result<(), RegistryError>> {
        let manifest = manifest.clone();
        self.per_tag(repo, tags, "PUT", move |this, repo, tag| {
            let manifest = manifest.clone();
            async move { this.put_manifest(&repo, &tag, &manifest).await }
        })
        .await
    }

    /// Resolves several tags in parallel; one result per tag, in order.
    pub async fn resolve_many(
        &self,
        repo: &ImageRepository,
        tags: &[String],
    ) -> Vec<Result<Resolved, RegistryError>> {
        self.per_tag(repo, tags, "HEAD", |this, repo, tag| async move {
            this.resolve(&repo, &tag).await
        })
        .await
    }

    /// Runs `op` for every tag in parallel (bounded by the client's request limit) and gives
    /// one result per tag, in the order of `tags`.
    async fn per_tag<T, F, Fut>(
        &self,
        repo: &ImageRepository,
        tags: &[String],
        what: &'static str,
        op: F,
    ) -> Vec<Result<T, RegistryError>>
    where
        T: Send + 'static,
        F: Fn(Registry, ImageRepository, String) -> Fut,
        Fut: std::future::Future<Output = Result<T, RegistryError>> + Send + 'static,
    {
        let mut set = tokio::task::JoinSet::new();
        for (i, tag) in tags.iter().enumerate() {
            let this = self.clone();
            let work = op(self.clone(), repo.clone(), tag.clone());
            set.spawn(async move {
                let _permit = this.inner.limit.acquire().await;
                (i, work.await)
            });
        }
        let mut out: Vec<Option<Result<T, RegistryError>>> = tags.iter().map(|_| None).collect();
        while let Some(joined) = set.join_next().await {
            if let Ok((i, r)) = joined {
                if let Some(slot) = out.get_mut(i) {
                    *slot = Some(r);
                }
            }
        }
        out.into_iter()
            .map(|r| {
                r.unwrap_or_else(|| {
                    Err(RegistryError::Protocol {
                        what: what.into(),
                        detail: "the task was lost".into(),
                    })
                })
            })
            .collect()
    }

    /// Re-tags `source` (a tag or digest) as every target: one GET of the source (sha256
    /// checked), then for each target in the order given one PUT of the exact bytes and one
    /// HEAD that reads the tag back. The writes go one after the other and stop at the first
    /// failure: the targets after it are [`TargetStatus::NotAttempted`], so an alias listed
    /// last (`latest`) never moves when an earlier one could not. Never deletes. With
    /// `check`, targets already on the digest are skipped (idempotent, no writes on a re-run).
    /// A Docker schema 1 source is refused before any write.
    pub async fn retag(
        &self,
        repo: &ImageRepository,
        source: &str,
        targets: &[String],
        options: RetagOptions,
    ) -> Result<RetagReport, RegistryError> {
        self.retag_raw(repo, source, targets, options)
            .await
            .map_err(|e| self.scrub(e))
    }

    async fn retag_raw(
        &self,
        repo: &ImageRepository,
        source: &str,
        targets: &[String],
        options: RetagOptions,
    ) -> Result<RetagReport, RegistryError> {
        for t in targets {
            check_tag(t)?;
        }
        let access = if options.execute {
            Access::Push
        } else {
            Access::Pull
        };
        // The source GET goes first: it settles auth (one token for the whole operation), so
        // the checks and puts that follow do not each fetch their own.
        let manifest = self.get_manifest_as(repo, source, access).await?;
        refuse_schema1(repo, source, &manifest)?;
        let befores = if options.check {
            Some(self.resolve_many(repo, targets).await)
        } else {
            None
        };
        let mut reports = Vec::new();
        for (i, tag) in targets.iter().enumerate() {
            let (before, action) = match befores.as_ref().and_then(|b| b.get(i)) {
                None => (None, TargetAction::Put),
                Some(Ok(r)) if &r.digest == manifest.digest() => {
                    (Some(r.digest.clone()), TargetAction::Unchanged)
                }
                Some(Ok(r)) => (Some(r.digest.clone()), TargetAction::Move),
                Some(Err(e)) if e.is_not_found() => (None, TargetAction::Create),
                Some(Err(e)) => {
                    return Err(RegistryError::Protocol {
                        what: format!("checking target {tag}"),
                        detail: e.to_string(),
                    })
                }
            };
            let status = if action == TargetAction::Unchanged {
                TargetStatus::Done
            } else {
                TargetStatus::Planned
            };
            reports.push(TargetReport {
                tag: tag.clone(),
                before,
                action,
                status,
            });
        }
        if options.execute {
            let mut failed: Option<String> = None;
            for r in reports.iter_mut() {
                if r.status != TargetStatus::Planned {
                    continue;
                }
                if let Some(earlier) = &failed {
                    r.status = TargetStatus::NotAttempted(format!(
                        "not attempted: the move of {earlier} failed before it"
                    ));
                    continue;
                }
                r.status = match self.put_and_confirm(repo, &r.tag, &manifest).await {
                    Ok(()) => TargetStatus::Done,
                    Err(e) => {
                        failed = Some(r.tag.clone());
                        TargetStatus::Failed(e.to_string())
                    }
                };
            }
        }
        Ok(RetagReport {
            repository: repo.to_string(),
            source: source.to_string(),
            digest: manifest.digest().clone(),
            media_type: manifest.media_type().to_string(),
            targets: reports,
        })
    }
}

enum ReadError {
    Transport(reqwest::Error),
    TooLarge,
}
use ReadError::Transport;

async fn read_body(mut resp: reqwest::Response, cap: usize) -> Result<Reply, ReadError> {
    let status = resp.status();
    let headers = resp.headers().clone();
    let is_error = !status.is_success();
    // Error bodies are read for their message only; manifests over the cap are refused.
    let limit = if is_error { 64 * 1024 } else { cap };
    if !is_error {
        if let Some(len) = resp.content_length() {
            if len > limit as u64 {
                return Err(ReadError::TooLarge);
            }
        }
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(Transport)? {
        if body.len().saturating_add(chunk.len()) > limit {
            if is_error {
                break;
            }
            return Err(ReadError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Reply {
        status,
        headers,
        body,
    })
}

fn transport_detail(e: &reqwest::Error) -> String {
    // reqwest's Display names the URL, which may come from a server (a token realm, a `Link`
    // target) with a token in its query or user information: redacted. Add the cause.
    let mut s = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        s.push_str(": ");
        s.push_str(&cause.to_string());
        source = cause.source();
    }
    redact(&s)
}

fn bearer(token: &Secret) -> Result<HeaderValue, RegistryError> {
    let mut v = HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(|_| {
        RegistryError::Auth {
            what: "token".into(),
            detail: "the token server sent a token that is not a valid header value".into(),
        }
    })?;
    v.set_sensitive(true);
    Ok(v)
}

/// A tag or digest; returns the digest when it is one.
fn check_reference(reference: &str) -> Result<Option<Digest>, RegistryError> {
    if reference.contains(':') {
        Digest::parse(reference).map(Some)
    } else {
        check_tag(reference).map(|()| None)
    }
}

fn expect_status(reply: &Reply, what: &str, ok: &[StatusCode]) -> Result<(), RegistryError> {
    if ok.contains(&reply.status) {
        return Ok(());
    }
    let detail = describe_body(&reply.body);
    if reply.status == StatusCode::NOT_FOUND {
        return Err(RegistryError::NotFound {
            what: what.into(),
            detail,
        });
    }
    Err(RegistryError::Status {
        what: what.into(),
        status: reply.status.as_u16(),
        detail,
    })
}

/// The `rel="next"` target of a `Link` header.
fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let is_next = params.split(';').any(|p| {
            let p = p.trim().replace(' ', "");
            p.eq_ignore_ascii_case("rel=\"next\"") || p.eq_ignore_ascii_case("rel=next")
        });
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        is_next.then(|| target.to_string())
    })
}

/// The next page's URL from a `Link` header: the target resolved against the request URL as
/// RFC 3986 says (`</v2/…?last=b>`, `<?n=2&last=b>`, an absolute URL), and refused when it
/// leads to another scheme, host or port (a page must not send our token elsewhere).
fn next_page(current: &str, link: Option<&str>) -> Result<Option<String>, String> {
    let Some(target) = link.and_then(next_link) else {
        return Ok(None);
    };
    let shown = || crate::redact::clip(&redact(&target));
    let base =
        reqwest::Url::parse(current).map_err(|_| "the request URL is not a URL".to_string())?;
    let next = base
        .join(&target)
        .map_err(|_| format!("the next page {:?} is not a URL", shown()))?;
    let same = next.scheme() == base.scheme()
        && next.host_str() == base.host_str()
        && next.port_or_known_default() == base.port_or_known_default();
    if !same {
        return Err(format!("the next page {:?} is on another host", shown()));
    }
    Ok(Some(next.to_string()))
}

/// Refuses a Docker schema 1 manifest (by media type or `schemaVersion: 1`): it cannot be
/// re-tagged (its signature names the tag) and registries dropped it.
fn refuse_schema1(
    repo: &ImageRepository,
    reference: &str,
    m: &Manifest,
) -> Result<(), RegistryError> {
    if m.is_schema1() {
        return Err(RegistryError::Input(format!(
            "{repo}:{reference} is a Docker schema 1 manifest ({}); schema 1 is deprecated and its signature binds the tag name, so it is never copied to other tags: push the image again as OCI or Docker schema 2",
            m.media_type()
        )));
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn next_page_resolves_relative_links_on_the_same_host_only() {
        let cur = "http://127.0.0.1:5000/v2/app/tags/list?n=2";
        let next = |l: &str| next_page(cur, Some(&format!("<{l}>; rel=\"next\"")));
        assert_eq!(
            next("?n=2&last=b").unwrap().as_deref(),
            Some("http://127.0.0.1:5000/v2/app/tags/list?n=2&last=b")
        );
        assert_eq!(
            next("/v2/app/tags/list?last=b").unwrap().as_deref(),
            Some("http://127.0.0.1:5000/v2/app/tags/list?last=b")
        );
        assert_eq!(
            next("list?last=c").unwrap().as_deref(),
            Some("http://127.0.0.1:5000/v2/app/tags/list?last=c")
        );
        assert!(next("http://198.51.100.7/v2/app/tags/list?last=b").is_err());
        assert!(next("//198.51.100.7/v2/x").is_err());
        assert!(next("https://127.0.0.1:5000/v2/x").is_err());
        assert_eq!(next_page(cur, None).unwrap(), None);
    }

    #[test]
    fn token_lifetimes_from_hostile_numbers() {
        use serde_json::json;
        let secs = |v: serde_json::Value| token_lifetime(Some(&v)).as_secs();
        assert_eq!(secs(json!(300)), 300);
        assert_eq!(
            secs(json!(u64::MAX)),
            crate::auth::MAX_TOKEN_LIFETIME.as_secs()
        );
        assert_eq!(
            secs(json!(1e300)),
            crate::auth::MAX_TOKEN_LIFETIME.as_secs()
        );
        assert_eq!(secs(json!(-5)), 60);
        assert_eq!(secs(json!("120")), 120);
        assert_eq!(secs(json!(0)), 1);
        assert_eq!(token_lifetime(None).as_secs(), 60);
    }

    #[test]
    fn link_header() {
        assert_eq!(
            next_link(r#"</v2/app/tags/list?last=b&n=2>; rel="next""#).as_deref(),
            Some("/v2/app/tags/list?last=b&n=2")
        );
        assert_eq!(
            next_link(r#"<https://a/x>; rel="prev", <https://a/y>; rel=next"#).as_deref(),
            Some("https://a/y")
        );
        assert_eq!(next_link("garbage"), None);
    }
}
