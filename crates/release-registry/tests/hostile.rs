//! The registry client against hostile or odd servers (issue 9): a real `docker-registry`
//! behind the fault proxy, the token server of the harness, and docker config files. One test
//! per finding; each asserts what the client did and what it printed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use release_testkit::registry as support;

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use release_registry::attest::{ArtifactKind, Location};
use release_registry::client::TargetStatus;
use release_registry::credentials::{Credential, CredentialSource};
use release_registry::retry::RetryPolicy;
use release_registry::{
    ClientOptions, ImageRepository, Registry, RegistryError, RetagOptions, Secret,
};
use support::*;

fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        attempts: 3,
        base: Duration::from_millis(10),
        cap: Duration::from_millis(50),
        max_retry_after: Duration::from_millis(200),
        timeout: Duration::from_secs(10),
    }
}

fn client_with(credentials: CredentialSource) -> Registry {
    Registry::new(ClientOptions {
        retry: fast_retry(),
        credentials,
        ..ClientOptions::default()
    })
    .unwrap()
}

fn client() -> Registry {
    client_with(CredentialSource::default())
}

fn explicit(user: &str, password: &str) -> CredentialSource {
    CredentialSource {
        explicit: Some(Credential::Basic {
            username: user.into(),
            password: Secret::new(password),
        }),
        ..CredentialSource::default()
    }
}

fn repo(addr: &str) -> ImageRepository {
    ImageRepository::parse(&format!("{addr}/app")).unwrap()
}

const EXECUTE: RetagOptions = RetagOptions {
    execute: true,
    check: true,
};

struct Env {
    _dir: tempfile::TempDir,
    reg: RegistryServer,
    seeded: Seeded,
}

fn plain() -> Env {
    let dir = tempfile::tempdir().unwrap();
    let reg = RegistryServer::start(dir.path(), &Auth::None);
    let seeded = seed_releases(&reg.addr);
    Env {
        _dir: dir,
        reg,
        seeded,
    }
}

/// A registry seeded with the release fixture, then restarted with `auth` on the same storage.
fn with_auth(auth: impl FnOnce(&std::path::Path) -> Auth) -> (tempfile::TempDir, RegistryServer) {
    let dir = tempfile::tempdir().unwrap();
    {
        let plain = RegistryServer::start(dir.path(), &Auth::None);
        seed_releases(&plain.addr);
    }
    let auth = auth(dir.path());
    let reg = RegistryServer::start(dir.path(), &auth);
    (dir, reg)
}

fn assert_hidden(text: &str, secrets: &[&str]) {
    for s in secrets {
        assert!(!text.contains(s), "{s:?} printed in: {text}");
    }
}

// ---- 1. docker config errors never quote a value ----------------------------------------------

#[tokio::test]
async fn docker_config_with_wrong_types_names_the_key_never_the_value() {
    let (dir, reg) = with_auth(|_| Auth::Basic {
        user: "erin".into(),
        password: "pw-in-config".into(),
    });
    let cfg = dir.path().join("docker");
    std::fs::create_dir_all(&cfg).unwrap();
    let basic = b64(b"erin:pw-in-config", false);
    let ghp = "ghp_R3alLook1ngT0kenF0rAn0therHost00000";
    let host = &reg.addr;
    // Each file has one value of the wrong type; the value itself is a secret.
    let cases = [
        (
            format!(r#"{{"auths":{{"{host}":"{basic}"}}}}"#),
            format!(r#"auths["{host}"]"#),
        ),
        (
            format!(r#"{{"auths":{{"{host}":{{"auth":"{basic}"}},"github.com":"{ghp}"}}}}"#),
            r#"auths["github.com"]"#.to_string(),
        ),
        (
            format!(r#"{{"auths":{{"{host}":{{"auth":["{basic}"]}}}}}}"#),
            format!(r#"auths["{host}"].auth"#),
        ),
        (
            format!(r#"{{"auths":{{"{host}":{{"username":"erin","password":{{"v":"{ghp}"}}}}}}}}"#),
            format!(r#"auths["{host}"].password"#),
        ),
        (
            format!(r#"{{"auths":{{"ghcr.io":{{"identitytoken":true}}}},"credsStore":["{ghp}"]}}"#),
            "credsStore".to_string(),
        ),
        (format!(r#"{{"auths":"{ghp}"}}"#), "auths".to_string()),
        (
            format!(r#"["{ghp}"]"#),
            "where an object belongs".to_string(),
        ),
        (
            format!(r#"{{"credHelpers":{{"{host}":["{ghp}"]}}}}"#),
            format!(r#"credHelpers["{host}"]"#),
        ),
        // Broken JSON right after a secret: the syntax error must not quote it either.
        (
            format!(r#"{{"auths":{{"{host}":{{"auth":"{basic}" "x"}}}}}}"#),
            "not valid JSON".to_string(),
        ),
    ];
    for (text, key) in cases {
        std::fs::write(cfg.join("config.json"), &text).unwrap();
        let c = client_with(CredentialSource {
            docker_config_dir: Some(cfg.clone()),
            helper_timeout: Duration::from_secs(5),
            ..CredentialSource::default()
        });
        let err = c.list_tags(&repo(&reg.addr)).await.unwrap_err();
        let shown = format!("{err} | {err:?}");
        assert!(matches!(err, RegistryError::Credentials(_)), "{shown}");
        assert!(shown.contains("config.json"), "{shown}");
        assert!(shown.contains(&key), "{key} not named: {shown}");
        assert_hidden(&shown, &[&basic, ghp, "pw-in-config", "R3alLook"]);
    }
}

// ---- 2. error bodies are redacted and capped --------------------------------------------------

#[tokio::test]
async fn error_bodies_echoing_credentials_are_redacted_and_capped() {
    let (_dir, reg) = with_auth(|_| Auth::Basic {
        user: "frank".into(),
        password: "Hunter2-Registry-Pw".into(),
    });
    let proxy = Proxy::start(&reg.addr);
    let upstream = reg.addr.clone();
    // Once the client sends credentials, the "registry" refuses and echoes the request, in
    // three shapes: distribution JSON, a Go header map, and a long text.
    let echo = move |shape: usize| {
        let upstream = upstream.clone();
        Fault::Handle(Box::new(move |req: &Message| {
            let Some(auth) = req.header("authorization") else {
                return http(&upstream, req);
            };
            let body = match shape {
                0 => format!(
                    r#"{{"errors":[{{"code":"DENIED","message":"denied; request headers: Authorization: {auth}","detail":{{}}}}]}}"#
                ),
                1 => format!(
                    "bad request map[Accept:[*/*] Authorization:[{auth}]] password=Hunter2-Registry-Pw token=ghs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
                ),
                _ => format!(
                    "{auth} eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmcmFuayJ9.c2lnbmF0dXJl {}",
                    "x".repeat(5000)
                ),
            };
            status(400, &[("Content-Type", "application/json")], &body)
        }))
    };
    let secrets = [
        "Hunter2-Registry-Pw",
        &b64(b"frank:Hunter2-Registry-Pw", false)[..],
        "ghs_AAAA",
        "eyJhbGciOiJIUzI1NiJ9",
    ];
    for shape in 0..3 {
        proxy.add(Some("GET"), "/manifests/0.3.2", 2, echo(shape));
        let c = client_with(explicit("frank", "Hunter2-Registry-Pw"));
        let err = c
            .get_manifest(&repo(&proxy.addr), "0.3.2")
            .await
            .unwrap_err();
        let shown = format!("{err} | {err:?}");
        assert!(
            matches!(err, RegistryError::Status { status: 400, .. }),
            "{shown}"
        );
        assert_hidden(&shown, &secrets);
        assert!(shown.contains("***"), "{shown}");
        assert!(err.to_string().chars().count() < 500, "not capped: {shown}");
        proxy.rules.lock().unwrap().clear();
    }
}

#[tokio::test]
async fn a_token_server_echoing_the_credentials_gets_them_redacted() {
    let (_dir, reg) = with_auth(|dir| {
        let ts = TokenServer::start(dir, Some("gina:T0ken-Server-Pw"));
        ts.echo_refusal.store(true, Ordering::SeqCst);
        Auth::Token(ts)
    });
    let c = client_with(explicit("gina", "T0ken-Server-Pw"));
    let err = c.list_tags(&repo(&reg.addr)).await.unwrap_err();
    let shown = format!("{err} | {err:?}");
    assert!(matches!(err, RegistryError::Auth { .. }), "{shown}");
    assert!(shown.contains("token server answered HTTP 401"), "{shown}");
    assert_hidden(
        &shown,
        &["T0ken-Server-Pw", &b64(b"gina:T0ken-Server-Pw", false)],
    );
}

#[tokio::test]
async fn a_registry_echoing_the_bearer_token_gets_it_redacted() {
    let (_dir, reg) = with_auth(|dir| Auth::Token(TokenServer::start(dir, None)));
    let proxy = Proxy::start(&reg.addr);
    let upstream = reg.addr.clone();
    let seen = Arc::new(std::sync::Mutex::new(String::new()));
    let seen2 = seen.clone();
    proxy.add(
        Some("GET"),
        "/manifests/0.3.2",
        usize::MAX,
        Fault::Handle(Box::new(move |req: &Message| {
            match req.header("authorization") {
                None => http(&upstream, req),
                Some(auth) => {
                    *seen2.lock().unwrap() = auth.to_string();
                    // A registry whose error echoes the token in JSON, without the word Bearer.
                    let token = auth.trim_start_matches("Bearer ");
                    status(
                        400,
                        &[],
                        &format!(
                            r#"{{"errors":[{{"code":"BAD","message":"token {token} rejected"}}]}}"#
                        ),
                    )
                }
            }
        })),
    );
    let err = client()
        .get_manifest(&repo(&proxy.addr), "0.3.2")
        .await
        .unwrap_err();
    let sent = seen.lock().unwrap().clone();
    let token = sent.trim_start_matches("Bearer ");
    assert!(token.len() > 20, "the client sent a token: {sent}");
    // The token itself (whatever its shape) and any piece of it.
    let shown = format!("{err} | {err:?}");
    assert_hidden(&shown, &[token, &token[..20]]);
}

#[tokio::test]
async fn server_urls_with_tokens_or_user_information_are_redacted() {
    let env = plain();
    let proxy = Proxy::start(&env.reg.addr);
    let dead = format!("127.0.0.1:{}", free_port());
    for realm in [
        format!("http://{dead}/token?access_token=Opaque-Realm-Secret-1"),
        format!("http://robot:Opaque-Realm-Secret-1@{dead}/token"),
    ] {
        proxy.add(
            Some("GET"),
            "/tags/list",
            usize::MAX,
            Fault::Respond(status(
                401,
                &[(
                    "WWW-Authenticate",
                    &format!(r#"Bearer realm="{realm}",service="x""#),
                )],
                "",
            )),
        );
        let err = client().list_tags(&repo(&proxy.addr)).await.unwrap_err();
        let shown = format!("{err} | {err:?}");
        assert!(matches!(err, RegistryError::Network { .. }), "{shown}");
        assert_hidden(&shown, &["Opaque-Realm-Secret-1"]);
        proxy.rules.lock().unwrap().clear();
    }
}

// ---- 3. server numbers cannot overflow ---------------------------------------------------------

#[tokio::test]
async fn server_supplied_durations_near_u64_max_are_survived() {
    let dir = tempfile::tempdir().unwrap();
    {
        let plain = RegistryServer::start(dir.path(), &Auth::None);
        seed_releases(&plain.addr);
    }
    let ts = TokenServer::start(dir.path(), None);
    let reg = RegistryServer::start(dir.path(), &Auth::Token(ts.clone()));
    for expires in [
        "18446744073709551615",
        "18446744073709551614",
        "9223372036854775807",
        "-1",
        "1.7e308",
        "\"300\"",
        "null",
    ] {
        *ts.expires_in.lock().unwrap() = expires.into();
        let c = client();
        let report = c
            .retag(&repo(&reg.addr), "0.3.2", &["exp".into()], EXECUTE)
            .await
            .unwrap_or_else(|e| panic!("expires_in {expires}: {e}"));
        assert!(report.ok(), "expires_in {expires}: {report:?}");
        // The cached token is used again (no second token for the same access).
        let before = ts.issued.load(Ordering::SeqCst);
        c.list_tags(&repo(&reg.addr)).await.unwrap();
        assert_eq!(
            ts.issued.load(Ordering::SeqCst),
            before,
            "expires_in {expires}"
        );
    }
    // Retry-After as large as it gets, in both forms: capped, never an overflow.
    let env = plain();
    let proxy = Proxy::start(&env.reg.addr);
    for value in [
        "18446744073709551615",
        "99999999999999999999999999",
        "Fri, 31 Dec 9999 23:59:59 GMT",
    ] {
        proxy.add(
            Some("HEAD"),
            "/manifests/0.3.1",
            1,
            Fault::Respond(status(429, &[("Retry-After", value)], "")),
        );
        let start = std::time::Instant::now();
        let r = client().resolve(&repo(&proxy.addr), "0.3.1").await.unwrap();
        assert_eq!(r.digest.as_str(), env.seeded.digests["0.3.1"]);
        assert!(start.elapsed() < Duration::from_secs(5), "{value}");
    }
}

// ---- 4. A2 discovery: GitHub bundles, fallbacks, paging, dangling entries ---------------------

fn push_github_bundles(addr: &str, subject: &str, annotate: bool) -> Vec<(String, usize)> {
    vec![
        push_github_attestation(
            addr,
            "app",
            subject,
            "https://slsa.dev/provenance/v1",
            annotate,
        ),
        push_github_attestation(
            addr,
            "app",
            subject,
            "https://spdx.dev/Document/v2.3",
            annotate,
        ),
    ]
}

#[tokio::test]
async fn github_attestation_bundles_in_a_fallback_index_are_provenance_and_sbom() {
    let env = plain();
    let c = client();
    let r = repo(&env.reg.addr);
    for (tag, annotate) in [("gh-plain", false), ("gh-annotated", true)] {
        let subject = push_image(&env.reg.addr, "app", tag, tag);
        let referrers = push_github_bundles(&env.reg.addr, &subject, annotate);
        push_fallback_index(&env.reg.addr, "app", &subject, &referrers);
        let m = c.get_manifest(&r, tag).await.unwrap();
        let found = c.discover(&r, &m).await.unwrap();
        assert!(!found.referrers_api, "docker-registry has no referrers API");
        let prov = found
            .findings
            .iter()
            .find(|f| f.kind == ArtifactKind::Provenance)
            .unwrap_or_else(|| panic!("{tag}: no provenance in {found:?}"));
        assert_eq!(
            prov.predicate_type.as_deref(),
            Some("https://slsa.dev/provenance/v1")
        );
        assert_eq!(prov.digest, referrers[0].0);
        assert!(matches!(prov.location, Location::FallbackTag(_)));
        let sbom = found
            .findings
            .iter()
            .find(|f| f.kind == ArtifactKind::Sbom)
            .unwrap_or_else(|| panic!("{tag}: no SBOM in {found:?}"));
        assert_eq!(sbom.digest, referrers[1].0);
        assert!(!found.has(ArtifactKind::Signature), "{found:?}");
        assert!(found.warnings.is_empty(), "{:?}", found.warnings);
    }
}

#[tokio::test]
async fn referrers_endpoint_answering_400_404_406_303_falls_back_to_the_tag_schema() {
    let env = plain();
    let proxy = Proxy::start(&env.reg.addr);
    let subject = push_image(&env.reg.addr, "app", "gh", "gh");
    let referrers = push_github_bundles(&env.reg.addr, &subject, true);
    push_fallback_index(&env.reg.addr, "app", &subject, &referrers);
    let r = repo(&proxy.addr);
    for (code, headers) in [
        (400, vec![]),
        (404, vec![]),
        (406, vec![]),
        (303, vec![("Location", "/elsewhere")]),
    ] {
        proxy.add(
            Some("GET"),
            "/referrers/",
            1,
            Fault::Respond(status(
                code,
                &headers,
                r#"{"errors":[{"code":"UNSUPPORTED","message":"no"}]}"#,
            )),
        );
        let c = client();
        let m = c.get_manifest(&r, "gh").await.unwrap();
        let found = c
            .discover(&r, &m)
            .await
            .unwrap_or_else(|e| panic!("HTTP {code}: {e}"));
        assert!(!found.referrers_api, "HTTP {code}");
        assert!(
            found.has(ArtifactKind::Provenance),
            "HTTP {code}: {found:?}"
        );
        assert!(found.has(ArtifactKind::Sbom), "HTTP {code}: {found:?}");
    }
}

fn referrers_page(entries: &[String], link: Option<&str>) -> Fault {
    let mut headers = vec![("Content-Type", OCI_INDEX)];
    if let Some(l) = link {
        headers.push(("Link", l));
    }
    Fault::Respond(status(
        200,
        &headers,
        &format!(
            r#"{{"schemaVersion":2,"mediaType":"{OCI_INDEX}","manifests":[{}]}}"#,
            entries.join(",")
        ),
    ))
}

fn entry(digest: &str, size: usize, predicate: Option<&str>) -> String {
    let ann = predicate
        .map(|p| format!(r#","annotations":{{"dev.sigstore.bundle.predicateType":"{p}"}}"#))
        .unwrap_or_default();
    format!(
        r#"{{"mediaType":"{OCI_MANIFEST}","digest":"{digest}","size":{size},"artifactType":"{SIGSTORE_BUNDLE}"{ann}}}"#
    )
}

#[tokio::test]
async fn referrers_link_paging_is_followed_with_relative_links() {
    let env = plain();
    let proxy = Proxy::start(&env.reg.addr);
    let subject = push_image(&env.reg.addr, "app", "paged", "paged");
    let refs = push_github_bundles(&env.reg.addr, &subject, false);
    // No fallback tag: only the (paged) referrers API knows them.
    proxy.add(
        Some("GET"),
        "last=p2",
        1,
        referrers_page(&[entry(&refs[1].0, refs[1].1, None)], None),
    );
    proxy.add(
        Some("GET"),
        "/referrers/",
        1,
        referrers_page(
            &[entry(&refs[0].0, refs[0].1, None)],
            Some(r#"<?n=1&last=p2>; rel="next""#),
        ),
    );
    let c = client();
    let r = repo(&proxy.addr);
    let m = c.get_manifest(&r, "paged").await.unwrap();
    let found = c.discover(&r, &m).await.unwrap();
    assert!(found.referrers_api);
    assert_eq!(
        proxy.count("GET /v2/app/referrers/"),
        2,
        "{:?}",
        proxy.requests()
    );
    assert!(found.has(ArtifactKind::Provenance), "{found:?}");
    assert!(found.has(ArtifactKind::Sbom), "{found:?}");
    assert!(found
        .findings
        .iter()
        .all(|f| f.location == Location::Referrers));
}

#[tokio::test]
async fn a_dangling_referrer_is_skipped_with_a_warning() {
    let env = plain();
    let proxy = Proxy::start(&env.reg.addr);
    let subject = push_image(&env.reg.addr, "app", "dangling", "dangling");
    let refs = push_github_bundles(&env.reg.addr, &subject, false);
    let gone = sha256(b"a referrer manifest that was deleted");
    proxy.add(
        Some("GET"),
        "/referrers/",
        1,
        referrers_page(
            &[
                entry(&gone, 700, None),
                entry("not-a-digest", 1, None),
                entry(&refs[0].0, refs[0].1, None),
                entry(&refs[1].0, refs[1].1, None),
            ],
            None,
        ),
    );
    let c = client();
    let r = repo(&proxy.addr);
    let m = c.get_manifest(&r, "dangling").await.unwrap();
    let found = c.discover(&r, &m).await.unwrap();
    assert!(found.has(ArtifactKind::Provenance), "{found:?}");
    assert!(found.has(ArtifactKind::Sbom), "{found:?}");
    assert!(
        found.warnings.iter().any(|w| w.contains(&gone)),
        "{:?}",
        found.warnings
    );
    assert_eq!(found.warnings.len(), 2, "{:?}", found.warnings);
    assert!(!found.findings.iter().any(|f| f.digest == gone));
}

// ---- 5. Bearer before Basic ------------------------------------------------------------------

#[tokio::test]
async fn a_challenge_offering_basic_and_bearer_is_answered_with_bearer() {
    let (_dir, reg) = with_auth(|dir| Auth::Token(TokenServer::start(dir, None)));
    let proxy = Proxy::start(&reg.addr);
    for split in [false, true] {
        proxy.add(
            None,
            "/v2/",
            usize::MAX,
            Fault::Rewrite(Box::new(move |resp: &mut Message| {
                if resp.status != 401 {
                    return;
                }
                let bearer = resp.header("www-authenticate").unwrap().to_string();
                resp.remove_header("www-authenticate");
                if split {
                    // Two headers, Basic first.
                    resp.headers.push((
                        "WWW-Authenticate".into(),
                        r#"Basic realm="fallback""#.into(),
                    ));
                    resp.headers.push(("WWW-Authenticate".into(), bearer));
                } else {
                    // One header, two challenges, Basic first.
                    resp.headers.push((
                        "WWW-Authenticate".into(),
                        format!(r#"Basic realm="fallback", {bearer}"#),
                    ));
                }
            })),
        );
        let tags = client()
            .list_tags(&repo(&proxy.addr))
            .await
            .unwrap_or_else(|e| panic!("split {split}: {e}"));
        assert!(tags.contains(&"latest".to_string()), "{tags:?}");
        proxy.rules.lock().unwrap().clear();
    }
}

// ---- 6. schema 1 is never written ------------------------------------------------------------

#[tokio::test]
async fn a_schema1_manifest_is_refused_before_any_write() {
    let env = plain();
    let proxy = Proxy::start(&env.reg.addr);
    let signed = r#"{"schemaVersion":1,"name":"app","tag":"old","architecture":"amd64","fsLayers":[{"blobSum":"sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4"}],"history":[{"v1Compatibility":"{}"}],"signatures":[{"header":{"alg":"ES256"},"signature":"x","protected":"y"}]}"#;
    let unsigned = r#"{"schemaVersion":1,"name":"app","tag":"old","architecture":"amd64","fsLayers":[],"history":[]}"#;
    for (ct, body) in [
        (
            "application/vnd.docker.distribution.manifest.v1+prettyjws",
            signed,
        ),
        (
            "application/vnd.docker.distribution.manifest.v1+json",
            unsigned,
        ),
        ("application/json", unsigned),
        ("application/vnd.oci.image.manifest.v1+json", unsigned),
    ] {
        proxy.add(
            Some("GET"),
            "/v2/app/manifests/old",
            1,
            Fault::Respond(status(200, &[("Content-Type", ct)], body)),
        );
        proxy.clear();
        let err = client()
            .retag(
                &repo(&proxy.addr),
                "old",
                &["0.3".into(), "latest".into()],
                EXECUTE,
            )
            .await
            .unwrap_err();
        assert!(err.to_string().contains("schema 1"), "{ct}: {err}");
        assert_eq!(proxy.count("PUT"), 0, "{ct}: {:?}", proxy.requests());
        proxy.rules.lock().unwrap().clear();
    }
    assert_eq!(
        registry_digest(&env.reg.addr, "app", "latest").unwrap(),
        env.seeded.digests["0.4.0"]
    );
}

// ---- 7. relative Link URLs --------------------------------------------------------------------

#[tokio::test]
async fn relative_link_urls_in_tag_paging_are_resolved() {
    let env = plain();
    let proxy = Proxy::start(&env.reg.addr);
    let json = ("Content-Type", "application/json");
    proxy.add(
        Some("GET"),
        "last=c",
        1,
        Fault::Respond(status(200, &[json], r#"{"name":"app","tags":["d"]}"#)),
    );
    proxy.add(
        Some("GET"),
        "last=b",
        1,
        Fault::Respond(status(
            200,
            &[json, ("Link", r#"<list?n=2&last=c>; rel="next""#)],
            r#"{"name":"app","tags":["c"]}"#,
        )),
    );
    proxy.add(
        Some("GET"),
        "/tags/list",
        1,
        Fault::Respond(status(
            200,
            &[json, ("Link", r#"<?n=2&last=b>; rel="next""#)],
            r#"{"name":"app","tags":["a","b"]}"#,
        )),
    );
    let tags = client().list_tags(&repo(&proxy.addr)).await.unwrap();
    assert_eq!(tags, ["a", "b", "c", "d"]);
    assert_eq!(
        proxy.requests(),
        [
            "GET /v2/app/tags/list",
            "GET /v2/app/tags/list?n=2&last=b",
            "GET /v2/app/tags/list?n=2&last=c",
        ]
    );
    // A protocol-relative link to another host stays refused.
    proxy.add(
        Some("GET"),
        "/tags/list",
        1,
        Fault::Respond(status(
            200,
            &[
                json,
                (
                    "Link",
                    r#"<//198.51.100.7/v2/app/tags/list?last=b>; rel="next""#,
                ),
            ],
            r#"{"tags":["a"]}"#,
        )),
    );
    let err = client().list_tags(&repo(&proxy.addr)).await.unwrap_err();
    assert!(err.to_string().contains("another host"), "{err}");
}

// ---- 8. any 2xx on PUT -------------------------------------------------------------------------

#[tokio::test]
async fn a_put_answered_with_any_2xx_is_success() {
    let env = plain();
    let proxy = Proxy::start(&env.reg.addr);
    for code in [200u16, 201, 202, 204] {
        let tag = format!("put-{code}");
        proxy.add(
            Some("PUT"),
            &format!("/manifests/{tag}"),
            1,
            Fault::Rewrite(Box::new(move |resp: &mut Message| {
                resp.status = code;
                if code == 204 {
                    resp.body.clear();
                }
            })),
        );
        let report = client()
            .retag(
                &repo(&proxy.addr),
                "0.3.1",
                std::slice::from_ref(&tag),
                EXECUTE,
            )
            .await
            .unwrap();
        assert_eq!(report.targets[0].status, TargetStatus::Done, "HTTP {code}");
        assert_eq!(
            registry_digest(&env.reg.addr, "app", &tag).unwrap(),
            env.seeded.digests["0.3.1"]
        );
    }
}

// ---- 9. read-back after each PUT ---------------------------------------------------------------

#[tokio::test]
async fn a_registry_that_answers_201_but_stores_nothing_is_reported_failed() {
    let env = plain();
    let proxy = Proxy::start(&env.reg.addr);
    // `0` exists (on 0.4.0), `fresh` does not: neither write is stored.
    proxy.add(
        Some("PUT"),
        "/manifests/",
        usize::MAX,
        Fault::Respond(status(201, &[], "")),
    );
    let report = client()
        .retag(
            &repo(&proxy.addr),
            "0.3.2",
            &["fresh".into(), "0".into()],
            RetagOptions {
                execute: true,
                check: false,
            },
        )
        .await
        .unwrap();
    assert!(!report.ok());
    match &report.targets[0].status {
        TargetStatus::Failed(e) => assert!(e.contains("does not exist"), "{e}"),
        other => panic!("{other:?}"),
    }
    // The first failure stops the rest.
    assert!(
        matches!(report.targets[1].status, TargetStatus::NotAttempted(_)),
        "{:?}",
        report.targets[1]
    );
    assert_eq!(proxy.count("PUT"), 1, "{:?}", proxy.requests());
    assert_eq!(registry_digest(&env.reg.addr, "app", "fresh"), None);
    // A stored-nothing move of an existing tag names where the tag still is.
    let report = client()
        .retag(&repo(&proxy.addr), "0.3.2", &["0".into()], EXECUTE)
        .await
        .unwrap();
    match &report.targets[0].status {
        TargetStatus::Failed(e) => {
            assert!(e.contains(&env.seeded.digests["0.4.0"]), "{e}")
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_loser_of_a_race_on_one_tag_does_not_report_done() {
    let env = plain();
    let proxy = Proxy::start(&env.reg.addr);
    let upstream = env.reg.addr.clone();
    // Another writer moves `race` to 0.3.1 right after our PUT landed (before our read-back).
    proxy.add(
        Some("PUT"),
        "/manifests/race",
        1,
        Fault::After(Box::new(move |_req: &Message, _resp: &mut Message| {
            push_manifest_copy(&upstream, "app", "0.3.1", &["race"]);
        })),
    );
    let report = client()
        .retag(
            &repo(&proxy.addr),
            "0.3.2",
            &["race".into(), "latest".into()],
            EXECUTE,
        )
        .await
        .unwrap();
    match &report.targets[0].status {
        TargetStatus::Failed(e) => assert!(e.contains(&env.seeded.digests["0.3.1"]), "{e}"),
        other => panic!("the loser reported {other:?}"),
    }
    assert!(matches!(
        report.targets[1].status,
        TargetStatus::NotAttempted(_)
    ));
    assert_eq!(
        registry_digest(&env.reg.addr, "app", "latest").unwrap(),
        env.seeded.digests["0.4.0"],
        "latest did not move after the failed move"
    );
    // Two real concurrent retags of one tag: whoever says `done` is where the tag is.
    let c = client();
    let r = repo(&env.reg.addr);
    let targets = vec!["contested".to_string()];
    let (a, b) = tokio::join!(
        c.retag(&r, "0.3.1", &targets, EXECUTE),
        c.retag(&r, "0.3.2", &targets, EXECUTE)
    );
    let now = registry_digest(&env.reg.addr, "app", "contested").unwrap();
    let (a, b) = (a.unwrap(), b.unwrap());
    let done: Vec<_> = [&a, &b]
        .into_iter()
        .filter(|r| r.targets[0].status == TargetStatus::Done)
        .collect();
    assert!(!done.is_empty(), "{a:?} {b:?}");
    // The last `done` must be the digest the tag is on; a report on another digest can only
    // be `done` when its read-back saw its own digest before the other write.
    assert!(
        done.iter().any(|r| r.digest.as_str() == now),
        "{a:?} {b:?} now {now}"
    );
}
