//! The registry client against a real `docker-registry`, directly and through a
//! fault-injecting proxy. Each fault case asserts the outcome and the requests made.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use release_testkit::registry as support;

use std::time::{Duration, Instant, SystemTime};

use release_registry::client::{TargetAction, TargetStatus};
use release_registry::credentials::{Credential, CredentialSource};
use release_registry::retry::RetryPolicy;
use release_registry::{
    ClientOptions, ImageRepository, Registry, RegistryError, RetagOptions, Secret,
};
use support::*;

fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        attempts: 4,
        base: Duration::from_millis(10),
        cap: Duration::from_millis(50),
        max_retry_after: Duration::from_secs(5),
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

fn repo(addr: &str) -> ImageRepository {
    ImageRepository::parse(&format!("{addr}/app")).unwrap()
}

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

fn proxied() -> (Env, Proxy) {
    let env = plain();
    let proxy = Proxy::start(&env.reg.addr);
    (env, proxy)
}

const EXECUTE: RetagOptions = RetagOptions {
    execute: true,
    check: true,
};

// ---- the happy path, byte-exact ----------------------------------------------------------------

#[tokio::test]
async fn retag_of_an_index_keeps_the_exact_bytes_and_digest() {
    let env = plain();
    let r = repo(&env.reg.addr);
    let c = client();
    let report = c
        .retag(
            &r,
            "0.4.0",
            &["x1".into(), "x2".into(), "x3".into()],
            EXECUTE,
        )
        .await
        .unwrap();
    assert!(report.ok());
    let want = &env.seeded.digests["0.4.0"];
    assert_eq!(report.digest.as_str(), want);
    assert!(report
        .targets
        .iter()
        .all(|t| t.action == TargetAction::Create && t.status == TargetStatus::Done));
    for t in ["x1", "x2", "x3"] {
        assert_eq!(
            registry_digest(&env.reg.addr, "app", t).as_deref(),
            Some(want.as_str()),
            "{t}"
        );
    }
    // The seeded bytes are not canonical JSON: a re-serialisation would have changed them.
    let m = c.get_manifest(&r, "x1").await.unwrap();
    assert!(m.bytes().starts_with(b"{\"schemaVersion\":2,   \""));
    assert_eq!(m.media_type(), "application/vnd.oci.image.index.v1+json");
}

#[tokio::test]
async fn retag_is_idempotent_and_a_dry_run_writes_nothing() {
    let (env, proxy) = proxied();
    let r = repo(&proxy.addr);
    let c = client();
    let dry = c
        .retag(
            &r,
            "0.3.2",
            &["0".into(), "latest".into(), "new".into()],
            RetagOptions {
                execute: false,
                check: true,
            },
        )
        .await
        .unwrap();
    let actions: Vec<_> = dry.targets.iter().map(|t| t.action).collect();
    assert_eq!(
        actions,
        [TargetAction::Move, TargetAction::Move, TargetAction::Create]
    );
    assert!(dry
        .targets
        .iter()
        .all(|t| t.status == TargetStatus::Planned));
    assert_eq!(proxy.count("PUT"), 0);
    assert_eq!(
        registry_digest(&env.reg.addr, "app", "latest").unwrap(),
        env.seeded.digests["0.4.0"]
    );

    c.retag(
        &r,
        "0.3.2",
        &["0".into(), "latest".into(), "new".into()],
        EXECUTE,
    )
    .await
    .unwrap();
    assert_eq!(proxy.count("PUT"), 3);
    proxy.clear();
    let again = c
        .retag(
            &r,
            "0.3.2",
            &["0".into(), "latest".into(), "new".into()],
            EXECUTE,
        )
        .await
        .unwrap();
    assert!(again
        .targets
        .iter()
        .all(|t| t.action == TargetAction::Unchanged));
    assert_eq!(proxy.count("PUT"), 0, "{:?}", proxy.requests());
    // The floor: one GET of the source, one HEAD per target, nothing else.
    assert_eq!(proxy.requests().len(), 4, "{:?}", proxy.requests());
}

#[tokio::test]
async fn retag_without_checks_makes_one_get_then_one_put_and_one_read_back_per_alias() {
    let (env, proxy) = proxied();
    let r = repo(&proxy.addr);
    let report = client()
        .retag(
            &r,
            "0.4.0",
            &["a".into(), "b".into(), "c".into()],
            RetagOptions {
                execute: true,
                check: false,
            },
        )
        .await
        .unwrap();
    assert!(report.ok());
    // One GET of the source, then per alias, in order: the PUT and its read-back HEAD.
    assert_eq!(
        proxy.requests(),
        [
            "GET /v2/app/manifests/0.4.0",
            "PUT /v2/app/manifests/a",
            "HEAD /v2/app/manifests/a",
            "PUT /v2/app/manifests/b",
            "HEAD /v2/app/manifests/b",
            "PUT /v2/app/manifests/c",
            "HEAD /v2/app/manifests/c",
        ]
    );
    assert_eq!(
        registry_digest(&env.reg.addr, "app", "c").unwrap(),
        env.seeded.digests["0.4.0"]
    );
}

#[tokio::test]
async fn resolve_uses_one_head_per_tag() {
    let (env, proxy) = proxied();
    let r = repo(&proxy.addr);
    let tags: Vec<String> = ["0.4.0", "0.4", "0", "latest"].map(String::from).to_vec();
    let out = client().resolve_many(&r, &tags).await;
    for res in &out {
        assert_eq!(
            res.as_ref().unwrap().digest.as_str(),
            env.seeded.digests["0.4.0"]
        );
    }
    assert_eq!(proxy.requests().len(), 4);
    assert_eq!(proxy.count("HEAD"), 4);
}

// ---- faults through the proxy -------------------------------------------------------------------

#[tokio::test]
async fn fault_429_with_retry_after_seconds_is_honoured() {
    let (env, proxy) = proxied();
    proxy.add(
        Some("GET"),
        "/manifests/0.3.2",
        1,
        Fault::Respond(status(
            429,
            &[("Retry-After", "1")],
            r#"{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}"#,
        )),
    );
    let start = Instant::now();
    let m = client()
        .get_manifest(&repo(&proxy.addr), "0.3.2")
        .await
        .unwrap();
    assert!(
        start.elapsed() >= Duration::from_millis(950),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(m.digest().as_str(), env.seeded.digests["0.3.2"]);
    assert_eq!(proxy.count("GET /v2/app/manifests/0.3.2"), 2);
}

#[tokio::test]
async fn fault_429_with_retry_after_http_date_is_honoured() {
    let (env, proxy) = proxied();
    let when = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    proxy.add(
        Some("GET"),
        "/manifests/0.3.2",
        1,
        Fault::Respond(status(429, &[("Retry-After", when.as_str())], "")),
    );
    let start = Instant::now();
    let m = client()
        .get_manifest(&repo(&proxy.addr), "0.3.2")
        .await
        .unwrap();
    // The date has one-second resolution: at least ~1 s of the 2 s remain.
    assert!(
        start.elapsed() >= Duration::from_millis(900),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(m.digest().as_str(), env.seeded.digests["0.3.2"]);
}

#[tokio::test]
async fn fault_5xx_is_retried_then_succeeds() {
    let (env, proxy) = proxied();
    proxy.add(
        Some("HEAD"),
        "/manifests/0.3.1",
        2,
        Fault::Respond(status(503, &[], "")),
    );
    let d = client().resolve(&repo(&proxy.addr), "0.3.1").await.unwrap();
    assert_eq!(d.digest.as_str(), env.seeded.digests["0.3.1"]);
    assert_eq!(proxy.count("HEAD /v2/app/manifests/0.3.1"), 3);
}

#[tokio::test]
async fn fault_5xx_forever_gives_up_after_the_attempt_limit() {
    let (_env, proxy) = proxied();
    proxy.add(
        None,
        "/manifests/0.3.1",
        usize::MAX,
        Fault::Respond(status(
            500,
            &[],
            r#"{"errors":[{"code":"UNKNOWN","message":"unknown error","detail":{}}]}"#,
        )),
    );
    let err = client()
        .get_manifest(&repo(&proxy.addr), "0.3.1")
        .await
        .unwrap_err();
    assert!(
        matches!(err, RegistryError::Status { status: 500, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("UNKNOWN: unknown error"), "{err}");
    assert_eq!(proxy.count("GET /v2/app/manifests/0.3.1"), 4);
}

#[tokio::test]
async fn fault_501_is_not_retried() {
    let (_env, proxy) = proxied();
    proxy.add(
        None,
        "/manifests/0.3.1",
        usize::MAX,
        Fault::Respond(status(501, &[], "")),
    );
    let err = client()
        .get_manifest(&repo(&proxy.addr), "0.3.1")
        .await
        .unwrap_err();
    assert!(
        matches!(err, RegistryError::Status { status: 501, .. }),
        "{err}"
    );
    assert_eq!(proxy.count("GET"), 1);
}

#[tokio::test]
async fn fault_dropped_connection_is_retried() {
    let (env, proxy) = proxied();
    proxy.add(Some("PUT"), "/manifests/dropped", 1, Fault::Drop);
    let report = client()
        .retag(&repo(&proxy.addr), "0.3.1", &["dropped".into()], EXECUTE)
        .await
        .unwrap();
    assert!(report.ok(), "{report:?}");
    assert_eq!(proxy.count("PUT /v2/app/manifests/dropped"), 2);
    assert_eq!(
        registry_digest(&env.reg.addr, "app", "dropped").unwrap(),
        env.seeded.digests["0.3.1"]
    );
}

#[tokio::test]
async fn fault_connection_always_dropped_is_a_network_error() {
    let (_env, proxy) = proxied();
    proxy.add(None, "/manifests/", usize::MAX, Fault::Drop);
    let err = client()
        .get_manifest(&repo(&proxy.addr), "0.3.1")
        .await
        .unwrap_err();
    assert!(matches!(err, RegistryError::Network { .. }), "{err}");
    assert!(err.to_string().contains("after 4 attempts"), "{err}");
}

#[tokio::test]
async fn fault_partial_failure_reports_exactly_what_moved() {
    let (env, proxy) = proxied();
    proxy.add(
        Some("PUT"),
        "/manifests/bad-target",
        usize::MAX,
        Fault::Respond(status(
            400,
            &[],
            r#"{"errors":[{"code":"TAG_INVALID","message":"manifest tag did not match URI"}]}"#,
        )),
    );
    let report = client()
        .retag(
            &repo(&proxy.addr),
            "0.3.1",
            &["good-target".into(), "bad-target".into()],
            EXECUTE,
        )
        .await
        .unwrap();
    assert!(!report.ok());
    assert_eq!(report.targets[0].status, TargetStatus::Done);
    match &report.targets[1].status {
        TargetStatus::Failed(e) => assert!(e.contains("TAG_INVALID"), "{e}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        registry_digest(&env.reg.addr, "app", "good-target").unwrap(),
        env.seeded.digests["0.3.1"]
    );
    assert_eq!(registry_digest(&env.reg.addr, "app", "bad-target"), None);
}

#[tokio::test]
async fn fault_wrong_docker_content_digest_on_get_is_refused() {
    let (_env, proxy) = proxied();
    let wrong = format!("sha256:{}", "0".repeat(64));
    proxy.add(
        Some("GET"),
        "/manifests/0.3.1",
        1,
        Fault::Rewrite(Box::new(move |m| {
            m.set_header("Docker-Content-Digest", &wrong)
        })),
    );
    let err = client()
        .get_manifest(&repo(&proxy.addr), "0.3.1")
        .await
        .unwrap_err();
    assert!(matches!(err, RegistryError::Integrity { .. }), "{err}");
    assert!(
        err.to_string().contains("Docker-Content-Digest says"),
        "{err}"
    );
}

#[tokio::test]
async fn fault_missing_docker_content_digest_on_head_falls_back_to_get() {
    let (env, proxy) = proxied();
    proxy.add(
        Some("HEAD"),
        "/manifests/0.3.1",
        1,
        Fault::Rewrite(Box::new(|m| m.remove_header("Docker-Content-Digest"))),
    );
    let d = client().resolve(&repo(&proxy.addr), "0.3.1").await.unwrap();
    assert_eq!(d.digest.as_str(), env.seeded.digests["0.3.1"]);
    assert_eq!(
        proxy.requests(),
        [
            "HEAD /v2/app/manifests/0.3.1",
            "GET /v2/app/manifests/0.3.1"
        ]
    );
}

#[tokio::test]
async fn fault_malformed_docker_content_digest_on_head_falls_back_to_get() {
    let (env, proxy) = proxied();
    proxy.add(
        Some("HEAD"),
        "/manifests/0.3.1",
        1,
        Fault::Rewrite(Box::new(|m| {
            m.set_header("Docker-Content-Digest", "sha256:nothex")
        })),
    );
    let d = client().resolve(&repo(&proxy.addr), "0.3.1").await.unwrap();
    assert_eq!(d.digest.as_str(), env.seeded.digests["0.3.1"]);
}

#[tokio::test]
async fn fault_body_not_matching_the_requested_digest_is_refused() {
    let (env, proxy) = proxied();
    let digest = env.seeded.digests["0.3.1"].clone();
    proxy.add(
        Some("GET"),
        &digest,
        1,
        Fault::Rewrite(Box::new(|m| {
            m.body.insert(1, b' ');
            m.remove_header("Docker-Content-Digest");
        })),
    );
    let err = client()
        .get_manifest(&repo(&proxy.addr), &digest)
        .await
        .unwrap_err();
    assert!(matches!(err, RegistryError::Integrity { .. }), "{err}");
    assert!(err.to_string().contains("not the requested"), "{err}");
}

#[tokio::test]
async fn fault_oversized_manifest_is_refused_before_reading_it_all() {
    let (_env, proxy) = proxied();
    let big = format!(
        "{{\"schemaVersion\":2,\"pad\":\"{}\"}}",
        "x".repeat(5 * 1024 * 1024)
    );
    proxy.add(
        Some("GET"),
        "/manifests/0.3.1",
        1,
        Fault::Respond(status(
            200,
            &[("Content-Type", "application/vnd.oci.image.manifest.v1+json")],
            &big,
        )),
    );
    let err = client()
        .get_manifest(&repo(&proxy.addr), "0.3.1")
        .await
        .unwrap_err();
    assert!(matches!(err, RegistryError::TooLarge { .. }), "{err}");
    assert_eq!(proxy.count("GET"), 1, "not retried");
}

#[tokio::test]
async fn fault_stripped_content_type_still_retags_with_the_right_media_type() {
    let (env, proxy) = proxied();
    proxy.add(
        Some("GET"),
        "/manifests/0.4.0",
        1,
        Fault::Rewrite(Box::new(|m| m.remove_header("Content-Type"))),
    );
    let report = client()
        .retag(&repo(&proxy.addr), "0.4.0", &["stripped".into()], EXECUTE)
        .await
        .unwrap();
    assert!(report.ok(), "{report:?}");
    assert_eq!(report.media_type, "application/vnd.oci.image.index.v1+json");
    assert_eq!(
        registry_digest(&env.reg.addr, "app", "stripped").unwrap(),
        env.seeded.digests["0.4.0"]
    );
}

#[tokio::test]
async fn fault_link_pagination_is_followed() {
    let (_env, proxy) = proxied();
    proxy.add(
        Some("GET"),
        "/tags/list",
        1,
        Fault::Respond(status(
            200,
            &[
                ("Content-Type", "application/json"),
                ("Link", "</v2/app/tags/list?last=b&n=2>; rel=\"next\""),
            ],
            r#"{"name":"app","tags":["a","b"]}"#,
        )),
    );
    proxy.add(
        Some("GET"),
        "/tags/list?last=b",
        1,
        Fault::Respond(status(
            200,
            &[
                ("Content-Type", "application/json"),
                ("Link", "</v2/app/tags/list?last=c&n=2>; rel=\"next\""),
            ],
            r#"{"name":"app","tags":["c"]}"#,
        )),
    );
    proxy.add(
        Some("GET"),
        "/tags/list?last=c",
        1,
        Fault::Respond(status(
            200,
            &[("Content-Type", "application/json")],
            r#"{"name":"app","tags":null}"#,
        )),
    );
    let tags = client().list_tags(&repo(&proxy.addr)).await.unwrap();
    assert_eq!(tags, ["a", "b", "c"]);
    assert_eq!(proxy.count("GET /v2/app/tags/list"), 3);
}

#[tokio::test]
async fn fault_tags_null_is_an_empty_list() {
    let (_env, proxy) = proxied();
    proxy.add(
        Some("GET"),
        "/tags/list",
        1,
        Fault::Respond(status(
            200,
            &[("Content-Type", "application/json")],
            r#"{"name":"app","tags":null}"#,
        )),
    );
    assert!(client()
        .list_tags(&repo(&proxy.addr))
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn fault_link_to_another_host_is_not_followed() {
    let (_env, proxy) = proxied();
    proxy.add(
        Some("GET"),
        "/tags/list",
        1,
        Fault::Respond(status(
            200,
            &[(
                "Link",
                "<http://198.51.100.7/v2/app/tags/list?last=b>; rel=\"next\"",
            )],
            r#"{"tags":["a"]}"#,
        )),
    );
    let err = client().list_tags(&repo(&proxy.addr)).await.unwrap_err();
    assert!(matches!(err, RegistryError::Protocol { .. }), "{err}");
}

#[tokio::test]
async fn fault_request_timeout_is_retried_then_reported() {
    let (_env, proxy) = proxied();
    proxy.add(
        None,
        "/manifests/0.3.1",
        usize::MAX,
        Fault::Delay(Duration::from_millis(800)),
    );
    let c = Registry::new(ClientOptions {
        retry: RetryPolicy {
            attempts: 2,
            timeout: Duration::from_millis(200),
            ..fast_retry()
        },
        ..ClientOptions::default()
    })
    .unwrap();
    let err = c
        .get_manifest(&repo(&proxy.addr), "0.3.1")
        .await
        .unwrap_err();
    assert!(matches!(err, RegistryError::Network { .. }), "{err}");
}

#[tokio::test]
async fn fault_403_goes_to_auth_and_is_not_retried() {
    let (_env, proxy) = proxied();
    proxy.add(None, "/manifests/0.3.1", usize::MAX, Fault::Respond(status(403, &[], r#"{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}"#)));
    let err = client()
        .get_manifest(&repo(&proxy.addr), "0.3.1")
        .await
        .unwrap_err();
    assert!(matches!(err, RegistryError::Auth { .. }), "{err}");
    assert!(err.to_string().contains("DENIED"), "{err}");
    assert_eq!(proxy.count("GET"), 1);
}

#[tokio::test]
async fn fault_401_without_a_challenge_is_an_auth_error() {
    let (_env, proxy) = proxied();
    proxy.add(
        None,
        "/manifests/0.3.1",
        usize::MAX,
        Fault::Respond(status(401, &[], "")),
    );
    let err = client()
        .get_manifest(&repo(&proxy.addr), "0.3.1")
        .await
        .unwrap_err();
    assert!(matches!(err, RegistryError::Auth { .. }), "{err}");
}

#[tokio::test]
async fn fault_put_answered_with_another_digest_is_reported() {
    let (_env, proxy) = proxied();
    let wrong = format!("sha256:{}", "1".repeat(64));
    proxy.add(
        Some("PUT"),
        "/manifests/liar",
        1,
        Fault::Rewrite(Box::new(move |m| {
            m.set_header("Docker-Content-Digest", &wrong)
        })),
    );
    let report = client()
        .retag(&repo(&proxy.addr), "0.3.1", &["liar".into()], EXECUTE)
        .await
        .unwrap();
    match &report.targets[0].status {
        TargetStatus::Failed(e) => assert!(e.contains("the registry stored"), "{e}"),
        other => panic!("{other:?}"),
    }
}

// ---- bad input ------------------------------------------------------------------------------

#[tokio::test]
async fn bad_input_unknown_tag_is_not_found() {
    let env = plain();
    let err = client()
        .resolve(&repo(&env.reg.addr), "9.9.9")
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    let err = client()
        .get_manifest(&repo(&env.reg.addr), "9.9.9")
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert!(err.to_string().contains("MANIFEST_UNKNOWN"), "{err}");
}

#[tokio::test]
async fn bad_input_invalid_target_tag_is_refused_before_any_request() {
    let (_env, proxy) = proxied();
    let err = client()
        .retag(
            &repo(&proxy.addr),
            "0.3.1",
            &["ok".into(), "-bad".into()],
            EXECUTE,
        )
        .await
        .unwrap_err();
    assert!(err.is_input(), "{err}");
    assert!(proxy.requests().is_empty());
    let err = client()
        .get_manifest(&repo(&proxy.addr), "sha256:xyz")
        .await
        .unwrap_err();
    assert!(err.is_input(), "{err}");
}

#[tokio::test]
async fn bad_input_unknown_repository_is_not_found() {
    let env = plain();
    let r = ImageRepository::parse(&format!("{}/nope", env.reg.addr)).unwrap();
    let err = client().list_tags(&r).await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert!(err.to_string().contains("NAME_UNKNOWN"), "{err}");
}

// ---- auth ------------------------------------------------------------------------------------

fn basic_env(user: &str, password: &str) -> (tempfile::TempDir, RegistryServer, Seeded) {
    let dir = tempfile::tempdir().unwrap();
    let seeded = {
        let plain = RegistryServer::start(dir.path(), &Auth::None);
        seed_releases(&plain.addr)
    };
    let reg = RegistryServer::start(
        dir.path(),
        &Auth::Basic {
            user: user.into(),
            password: password.into(),
        },
    );
    (dir, reg, seeded)
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

#[tokio::test]
async fn basic_auth_with_the_right_password_retags() {
    let (_dir, reg, seeded) = basic_env("alice", "s3cret-pw");
    let c = client_with(explicit("alice", "s3cret-pw"));
    let report = c
        .retag(&repo(&reg.addr), "0.3.2", &["via-basic".into()], EXECUTE)
        .await
        .unwrap();
    assert!(report.ok(), "{report:?}");
    assert_eq!(report.digest.as_str(), seeded.digests["0.3.2"]);
}

#[tokio::test]
async fn basic_auth_with_a_wrong_password_fails_without_printing_it() {
    let (_dir, reg, _) = basic_env("alice", "s3cret-pw");
    let c = client_with(explicit("alice", "wrong-pw-123"));
    let err = c.get_manifest(&repo(&reg.addr), "0.3.2").await.unwrap_err();
    assert!(matches!(err, RegistryError::Auth { .. }), "{err}");
    let shown = format!("{err} {err:?} {c:?}");
    assert!(
        !shown.contains("wrong-pw-123") && !shown.contains("s3cret"),
        "{shown}"
    );
}

#[tokio::test]
async fn basic_auth_without_credentials_names_the_fix() {
    let (_dir, reg, _) = basic_env("alice", "s3cret-pw");
    let err = client()
        .get_manifest(&repo(&reg.addr), "0.3.2")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("--password-stdin"), "{err}");
}

#[tokio::test]
async fn basic_auth_from_docker_config() {
    let (dir, reg, _) = basic_env("bob", "pw-from-config");
    let cfg = dir.path().join("docker");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(
        cfg.join("config.json"),
        format!(
            r#"{{"auths":{{"{}":{{"auth":"{}"}}}}}}"#,
            reg.addr,
            b64(b"bob:pw-from-config", false)
        ),
    )
    .unwrap();
    let c = client_with(CredentialSource {
        docker_config_dir: Some(cfg),
        helper_timeout: Duration::from_secs(5),
        ..CredentialSource::default()
    });
    assert_eq!(c.list_tags(&repo(&reg.addr)).await.unwrap().len(), 7);
}

#[tokio::test]
async fn basic_auth_from_a_credential_helper_and_a_helper_that_hangs() {
    let (dir, reg, _) = basic_env("carol", "pw-from-helper");
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let cfg = dir.path().join("docker");
    std::fs::create_dir_all(&cfg).unwrap();
    use std::os::unix::fs::PermissionsExt;
    let write_helper = |name: &str, script: &str| {
        let p = bin.join(format!("docker-credential-{name}"));
        std::fs::write(&p, script).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    };
    write_helper("good", "#!/bin/sh\nread server\necho \"{\\\"ServerURL\\\":\\\"$server\\\",\\\"Username\\\":\\\"carol\\\",\\\"Secret\\\":\\\"pw-from-helper\\\"}\"\n");
    write_helper("slow", "#!/bin/sh\nsleep 30\n");
    let source = |helper: &str| {
        std::fs::write(
            cfg.join("config.json"),
            format!(r#"{{"credHelpers":{{"{}":"{helper}"}}}}"#, reg.addr),
        )
        .unwrap();
        CredentialSource {
            docker_config_dir: Some(cfg.clone()),
            helper_timeout: Duration::from_millis(500),
            helper_path: Some(bin.clone()),
            ..CredentialSource::default()
        }
    };
    let c = client_with(source("good"));
    assert_eq!(c.list_tags(&repo(&reg.addr)).await.unwrap().len(), 7);
    let c = client_with(source("slow"));
    let start = Instant::now();
    let err = c.list_tags(&repo(&reg.addr)).await.unwrap_err();
    assert!(err.to_string().contains("did not answer within"), "{err}");
    assert!(start.elapsed() < Duration::from_secs(10));
}

fn token_env(
    basic: Option<&str>,
) -> (
    tempfile::TempDir,
    RegistryServer,
    std::sync::Arc<TokenServer>,
    Seeded,
) {
    let dir = tempfile::tempdir().unwrap();
    let seeded = {
        let plain = RegistryServer::start(dir.path(), &Auth::None);
        seed_releases(&plain.addr)
    };
    let ts = TokenServer::start(dir.path(), basic);
    let reg = RegistryServer::start(dir.path(), &Auth::Token(ts.clone()));
    (dir, reg, ts, seeded)
}

#[tokio::test]
async fn token_auth_gets_one_push_token_for_a_whole_retag() {
    let (_dir, reg, ts, seeded) = token_env(Some("dave:tok-pw"));
    let c = client_with(explicit("dave", "tok-pw"));
    let report = c
        .retag(
            &repo(&reg.addr),
            "0.4.0",
            &["t1".into(), "t2".into(), "t3".into()],
            EXECUTE,
        )
        .await
        .unwrap();
    assert!(report.ok(), "{report:?}");
    let scopes = ts.scopes.lock().unwrap().clone();
    assert_eq!(scopes, ["repository:app:pull,push"]);
    // Read back with a fresh client (its own pull token).
    let fresh = client_with(explicit("dave", "tok-pw"));
    assert_eq!(
        fresh
            .resolve(&repo(&reg.addr), "t3")
            .await
            .unwrap()
            .digest
            .as_str(),
        seeded.digests["0.4.0"]
    );
}

#[tokio::test]
async fn token_expired_mid_run_is_refreshed_once() {
    let (_dir, reg, ts, seeded) = token_env(None);
    ts.expired_first
        .store(1, std::sync::atomic::Ordering::SeqCst);
    let d = client().resolve(&repo(&reg.addr), "0.3.2").await.unwrap();
    assert_eq!(d.digest.as_str(), seeded.digests["0.3.2"]);
    assert_eq!(ts.issued.load(std::sync::atomic::Ordering::SeqCst), 2);
}

#[tokio::test]
async fn token_that_stays_invalid_fails_after_one_refresh() {
    let (_dir, reg, ts, _) = token_env(None);
    ts.expired_first
        .store(100, std::sync::atomic::Ordering::SeqCst);
    let err = client()
        .resolve(&repo(&reg.addr), "0.3.2")
        .await
        .unwrap_err();
    assert!(matches!(err, RegistryError::Auth { .. }), "{err}");
    assert!(err.to_string().contains("refused a fresh token"), "{err}");
    assert_eq!(ts.issued.load(std::sync::atomic::Ordering::SeqCst), 2);
}

#[tokio::test]
async fn token_pull_only_cannot_push_and_nothing_moves() {
    let (_dir, reg, ts, seeded) = token_env(None);
    *ts.grant.lock().unwrap() = Grant::PullOnly;
    let report = client()
        .retag(&repo(&reg.addr), "0.3.2", &["latest".into()], EXECUTE)
        .await
        .unwrap();
    match &report.targets[0].status {
        TargetStatus::Failed(e) => assert!(
            e.contains("insufficient_scope") || e.contains("authentication failed"),
            "{e}"
        ),
        other => panic!("{other:?}"),
    }
    *ts.grant.lock().unwrap() = Grant::Requested;
    let d = client().resolve(&repo(&reg.addr), "latest").await.unwrap();
    assert_eq!(d.digest.as_str(), seeded.digests["0.4.0"]);
}

#[tokio::test]
async fn token_server_refusing_credentials_is_an_auth_error() {
    let (_dir, reg, _ts, _) = token_env(Some("erin:right"));
    let c = client_with(explicit("erin", "wrong-token-pw"));
    let err = c.resolve(&repo(&reg.addr), "0.3.2").await.unwrap_err();
    assert!(matches!(err, RegistryError::Auth { .. }), "{err}");
    assert!(
        err.to_string().contains("token server answered HTTP 401"),
        "{err}"
    );
    assert!(!format!("{err:?}").contains("wrong-token-pw"));
}

#[tokio::test]
async fn token_auth_with_an_identity_token_uses_the_oauth2_refresh_grant() {
    let (_dir, reg, ts, seeded) = token_env(None);
    *ts.refresh_token.lock().unwrap() = Some("refresh-abc".into());
    let with = |t: &str| {
        client_with(CredentialSource {
            explicit: Some(Credential::IdentityToken(Secret::new(t))),
            ..CredentialSource::default()
        })
    };
    let d = with("refresh-abc")
        .resolve(&repo(&reg.addr), "0.3.2")
        .await
        .unwrap();
    assert_eq!(d.digest.as_str(), seeded.digests["0.3.2"]);
    let err = with("refresh-wrong")
        .resolve(&repo(&reg.addr), "0.3.2")
        .await
        .unwrap_err();
    assert!(matches!(err, RegistryError::Auth { .. }), "{err}");
    assert!(!format!("{err:?}").contains("refresh-wrong"));
}

#[tokio::test]
async fn basic_auth_from_a_creds_store_and_a_failing_store() {
    let (dir, reg, _) = basic_env("frank", "pw-from-store");
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let cfg = dir.path().join("docker");
    std::fs::create_dir_all(&cfg).unwrap();
    use std::os::unix::fs::PermissionsExt;
    for (name, script) in [
        ("store", "#!/bin/sh\nread server\nprintf '{\"ServerURL\":\"%s\",\"Username\":\"frank\",\"Secret\":\"pw-from-store\"}' \"$server\"\n"),
        ("broken", "#!/bin/sh\necho 'secret-ish noise' >&2\nexit 3\n"),
    ] {
        let p = bin.join(format!("docker-credential-{name}"));
        std::fs::write(&p, script).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let source = |store: &str| {
        std::fs::write(
            cfg.join("config.json"),
            format!(r#"{{"credsStore":"{store}"}}"#),
        )
        .unwrap();
        CredentialSource {
            docker_config_dir: Some(cfg.clone()),
            helper_timeout: Duration::from_secs(5),
            helper_path: Some(bin.clone()),
            ..CredentialSource::default()
        }
    };
    assert_eq!(
        client_with(source("store"))
            .list_tags(&repo(&reg.addr))
            .await
            .unwrap()
            .len(),
        7
    );
    let err = client_with(source("broken"))
        .list_tags(&repo(&reg.addr))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("docker-credential-broken get failed"),
        "{err}"
    );
    assert!(!err.to_string().contains("noise"), "{err}");
}

#[tokio::test]
async fn repeated_accept_headers_reach_the_registry_and_oci_content_is_served() {
    let (env, proxy) = proxied();
    let m = client()
        .get_manifest(&repo(&proxy.addr), "0.4.0")
        .await
        .unwrap();
    assert_eq!(m.digest().as_str(), env.seeded.digests["0.4.0"]);
    let heads = proxy.heads.lock().unwrap().clone();
    let accepts: Vec<&str> = heads[0]
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("accept"))
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(accepts.len(), 4, "{accepts:?}");
    assert!(accepts.contains(&"application/vnd.oci.image.index.v1+json"));
    // The registry itself needs the OCI type in Accept: with only the Docker types it says 404.
    let r = http(
        &env.reg.addr,
        &request(
            "GET",
            "/v2/app/manifests/0.4.0",
            &[(
                "Accept",
                "application/vnd.docker.distribution.manifest.v2+json",
            )],
            b"",
        ),
    );
    assert_eq!(
        r.status, 404,
        "docker-registry 2.8 hides OCI content from an incomplete Accept"
    );
}

#[tokio::test]
async fn token_rejected_mid_run_as_invalid_is_refreshed_once() {
    let dir = tempfile::tempdir().unwrap();
    let seeded = {
        let plain = RegistryServer::start(dir.path(), &Auth::None);
        seed_releases(&plain.addr)
    };
    let ts = TokenServer::start(dir.path(), None);
    let reg = RegistryServer::start(dir.path(), &Auth::Token(ts.clone()));
    let proxy = Proxy::start(&reg.addr);
    let c = client();
    let r = repo(&proxy.addr);
    assert_eq!(
        c.resolve(&r, "0.3.1").await.unwrap().digest.as_str(),
        seeded.digests["0.3.1"]
    );
    assert_eq!(ts.issued.load(std::sync::atomic::Ordering::SeqCst), 1);
    // The cached token is still "live" for the client; the registry now says it expired.
    let challenge = format!(
        r#"Bearer realm="http://{}/token",service="test-registry",scope="repository:app:pull",error="invalid_token""#,
        ts.addr
    );
    proxy.add(
        Some("HEAD"),
        "/manifests/0.3.2",
        1,
        Fault::Respond(status(
            401,
            &[("WWW-Authenticate", challenge.as_str())],
            r#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"#,
        )),
    );
    assert_eq!(
        c.resolve(&r, "0.3.2").await.unwrap().digest.as_str(),
        seeded.digests["0.3.2"]
    );
    assert_eq!(
        ts.issued.load(std::sync::atomic::Ordering::SeqCst),
        2,
        "one refresh"
    );
    assert_eq!(proxy.count("HEAD /v2/app/manifests/0.3.2"), 2);
}

#[tokio::test]
async fn credentials_are_not_sent_to_a_plain_http_realm_off_this_machine() {
    let (_env, proxy) = proxied();
    // 203.0.113.0/24 is documentation space: the client must refuse before connecting.
    proxy.add(
        None,
        "/manifests/0.3.1",
        usize::MAX,
        Fault::Respond(status(
            401,
            &[(
                "WWW-Authenticate",
                r#"Bearer realm="http://203.0.113.9/token",service="x""#,
            )],
            "",
        )),
    );
    let err = client_with(explicit("u", "pw-not-in-clear"))
        .get_manifest(&repo(&proxy.addr), "0.3.1")
        .await
        .unwrap_err();
    assert!(matches!(err, RegistryError::Auth { .. }), "{err}");
    assert!(err.to_string().contains("plain HTTP"), "{err}");
}
