//! Attestation/SBOM discovery against a real registry, and the GitHub Releases client against
//! a local server answering as GitHub's REST documentation says.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use release_testkit::registry as support;

use std::time::Duration;

use release_registry::attest::{ArtifactKind, Location};
use release_registry::github::{GitHub, NewRelease};
use release_registry::retry::RetryPolicy;
use release_registry::{ClientOptions, ImageRepository, Registry, RegistryError, Secret};
use support::*;

fn retry() -> RetryPolicy {
    RetryPolicy {
        base: Duration::from_millis(10),
        cap: Duration::from_millis(50),
        ..RetryPolicy::default()
    }
}

fn client() -> Registry {
    Registry::new(ClientOptions {
        retry: retry(),
        ..ClientOptions::default()
    })
    .unwrap()
}

#[tokio::test]
async fn finds_buildkit_attestations_inside_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let reg = RegistryServer::start(dir.path(), &Auth::None);
    push_index(&reg.addr, "app", "1.0.0", "one", true);
    let repo = ImageRepository::parse(&format!("{}/app", reg.addr)).unwrap();
    let c = client();
    let m = c.get_manifest(&repo, "1.0.0").await.unwrap();
    let d = c.discover(&repo, &m).await.unwrap();
    assert!(!d.referrers_api, "docker-registry 2.8 has no referrers API");
    assert!(
        d.has(ArtifactKind::Sbom) && d.has(ArtifactKind::Provenance),
        "{d:?}"
    );
    let sbom = d
        .findings
        .iter()
        .find(|f| f.kind == ArtifactKind::Sbom)
        .unwrap();
    assert!(matches!(sbom.location, Location::Index(_)));
    assert_eq!(
        sbom.predicate_type.as_deref(),
        Some("https://spdx.dev/Document")
    );
}

#[tokio::test]
async fn finds_cosign_attestations_and_fallback_tag_referrers() {
    let dir = tempfile::tempdir().unwrap();
    let reg = RegistryServer::start(dir.path(), &Auth::None);
    let a = push_image(&reg.addr, "app", "2.0.0", "two");
    let b = push_image(&reg.addr, "app", "2.0.1", "three");
    push_cosign_att(&reg.addr, "app", &a, &["https://slsa.dev/provenance/v1"]);
    push_fallback_referrers(
        &reg.addr,
        "app",
        &b,
        &[
            ("application/spdx+json", None),
            (
                "application/vnd.dev.sigstore.bundle.v0.3+json",
                Some("https://slsa.dev/provenance/v1"),
            ),
        ],
    );
    let repo = ImageRepository::parse(&format!("{}/app", reg.addr)).unwrap();
    let c = client();

    let m = c.get_manifest(&repo, "2.0.0").await.unwrap();
    let d = c.discover(&repo, &m).await.unwrap();
    assert!(d.has(ArtifactKind::Provenance));
    assert!(
        !d.has(ArtifactKind::Sbom),
        "only provenance was attached: {d:?}"
    );
    assert!(matches!(&d.findings[0].location, Location::CosignTag(t) if t.ends_with(".att")));

    let m = c.get_manifest(&repo, "2.0.1").await.unwrap();
    let d = c.discover(&repo, &m).await.unwrap();
    assert!(
        d.has(ArtifactKind::Sbom) && d.has(ArtifactKind::Provenance),
        "{d:?}"
    );
    assert!(d
        .findings
        .iter()
        .all(|f| matches!(&f.location, Location::FallbackTag(t) if t.starts_with("sha256-"))));
}

#[tokio::test]
async fn an_image_without_attestations_has_none() {
    let dir = tempfile::tempdir().unwrap();
    let reg = RegistryServer::start(dir.path(), &Auth::None);
    push_index(&reg.addr, "app", "3.0.0", "bare", false);
    let repo = ImageRepository::parse(&format!("{}/app", reg.addr)).unwrap();
    let c = client();
    let m = c.get_manifest(&repo, "3.0.0").await.unwrap();
    let d = c.discover(&repo, &m).await.unwrap();
    assert!(d.findings.is_empty(), "{d:?}");
    assert!(d.looked.len() >= 4, "{:?}", d.looked);
}

#[tokio::test]
async fn referrers_api_answer_is_used_when_present() {
    // docker-registry 2.8 lacks the API; the proxy answers it as an OCI 1.1 registry would.
    let dir = tempfile::tempdir().unwrap();
    let reg = RegistryServer::start(dir.path(), &Auth::None);
    push_image(&reg.addr, "app", "4.0.0", "four");
    let proxy = Proxy::start(&reg.addr);
    let body = r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111","size":10,"artifactType":"application/vnd.cyclonedx+json"},{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:2222222222222222222222222222222222222222222222222222222222222222","size":10,"artifactType":"application/vnd.in-toto+json","annotations":{"in-toto.io/predicate-type":"https://slsa.dev/provenance/v1"}}]}"#;
    proxy.add(
        Some("GET"),
        "/referrers/",
        1,
        Fault::Respond(status(
            200,
            &[("Content-Type", "application/vnd.oci.image.index.v1+json")],
            body,
        )),
    );
    let repo = ImageRepository::parse(&format!("{}/app", proxy.addr)).unwrap();
    let c = client();
    let m = c.get_manifest(&repo, "4.0.0").await.unwrap();
    let d = c.discover(&repo, &m).await.unwrap();
    assert!(d.referrers_api);
    assert!(
        d.has(ArtifactKind::Sbom) && d.has(ArtifactKind::Provenance),
        "{d:?}"
    );
    assert!(d.findings.iter().all(|f| f.location == Location::Referrers));
    assert!(
        !d.looked
            .iter()
            .any(|l| l == &format!("tag {}", m.digest().fallback_tag())),
        "fallback tag not needed"
    );
}

// ---- GitHub -------------------------------------------------------------------------------

fn gh(server: &FakeGitHub, token: Option<&str>) -> GitHub {
    GitHub::new(
        &server.api_base(),
        "acme/app",
        token.map(Secret::new),
        retry(),
    )
    .unwrap()
}

#[tokio::test]
async fn github_release_by_tag_and_paginated_assets() {
    let server = FakeGitHub::start("acme/app", "ghs_good", 2);
    let names = ["a", "b", "c", "d", "e"];
    let id = server.add_release("v1.0.0", "notes", &names);
    let c = gh(&server, None);
    let r = c.release_by_tag("v1.0.0").await.unwrap().unwrap();
    assert_eq!(r.id, id);
    assert_eq!(r.body.as_deref(), Some("notes"));
    let assets = c.assets(id).await.unwrap();
    assert_eq!(
        assets.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
        names
    );
    let pages = server
        .log
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.contains("/assets"))
        .count();
    assert_eq!(pages, 3);
    assert_eq!(c.release_by_tag("v9.9.9").await.unwrap(), None);
}

#[tokio::test]
async fn github_create_edit_and_errors() {
    let server = FakeGitHub::start("acme/app", "ghs_good", 30);
    let c = gh(&server, Some("ghs_good"));
    let new = NewRelease {
        tag_name: "v2.0.0",
        name: "v2.0.0",
        body: "first",
        draft: false,
        prerelease: false,
    };
    let r = c.create_release(&new).await.unwrap();
    assert_eq!(r.tag_name, "v2.0.0");
    // 422: a release for that tag exists.
    let err = c.create_release(&new).await.unwrap_err();
    assert!(
        err.is_input() && err.to_string().contains("already_exists")
            || err.to_string().contains("Validation Failed"),
        "{err}"
    );
    let edited = c.edit_body(r.id, "second").await.unwrap();
    assert_eq!(edited.body.as_deref(), Some("second"));
    assert_eq!(server.body_of("v2.0.0"), "second");
    // 401 with a bad token, and the token is not in the error.
    let bad = gh(&server, Some("ghs_wrong_token"));
    let err = bad.edit_body(r.id, "x").await.unwrap_err();
    assert!(matches!(err, RegistryError::Auth { .. }), "{err}");
    assert!(err.to_string().contains("Bad credentials"), "{err}");
    assert!(!format!("{err} {err:?} {bad:?}").contains("ghs_wrong_token"));
    // Writes without a token: 401 "Requires authentication".
    let anon = gh(&server, None);
    let err = anon.edit_body(r.id, "x").await.unwrap_err();
    assert!(err.to_string().contains("Requires authentication"), "{err}");
    // 404 on an edit of a release that does not exist.
    let err = c.edit_body(424242, "x").await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
}

#[tokio::test]
async fn github_5xx_is_retried() {
    let server = FakeGitHub::start("acme/app", "t", 30);
    server.add_release("v1.0.0", "", &[]);
    server
        .fail_first
        .store(2, std::sync::atomic::Ordering::SeqCst);
    let r = gh(&server, None).release_by_tag("v1.0.0").await.unwrap();
    assert!(r.is_some());
    assert_eq!(server.log.lock().unwrap().len(), 3);
}

#[test]
fn github_refuses_bad_repository_and_api_base() {
    assert!(
        GitHub::new("https://api.github.com", "no-slash", None, retry())
            .unwrap_err()
            .is_input()
    );
    assert!(
        GitHub::new("https://api.github.com", "a/b/c", None, retry())
            .unwrap_err()
            .is_input()
    );
    assert!(GitHub::new("ftp://x", "a/b", None, retry())
        .unwrap_err()
        .is_input());
}
