//! Posting announcements against local servers answering as Discord's, Slack's, Mastodon's and
//! GitHub's documentation says: successes, rate limits (Discord's `retry_after`, `Retry-After`),
//! error bodies, and services that echo the secret back.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use release_testkit::registry as support;

use std::time::{Duration, Instant};

use release_core::announce::{
    compose, Category, Channel, ChannelKind, Entry, Message, ReleaseNotes, Visibility,
};
use release_core::version::ReleaseVersion;
use release_registry::announce::{Announcer, Target};
use release_registry::retry::RetryPolicy;
use release_registry::Secret;
use support::*;

fn announcer() -> Announcer {
    Announcer::new(RetryPolicy {
        base: Duration::from_millis(10),
        cap: Duration::from_millis(50),
        max_retry_after: Duration::from_secs(2),
        ..RetryPolicy::default()
    })
    .unwrap()
}

fn message(kind: ChannelKind) -> Message {
    let notes = ReleaseNotes {
        project: "RustShare".into(),
        version: ReleaseVersion::stable(0, 4, 0),
        tag: "v0.4.0".into(),
        date: Some("2026-07-20".into()),
        categories: vec![Category {
            name: "Added".into(),
            entries: vec![Entry::new("- Mail import.", false)],
        }],
        breaking: Vec::new(),
        release_url: Some("https://github.com/kubedoio/rustshare/releases/tag/v0.4.0".into()),
        upgrading_url: None,
        image: Some("ghcr.io/kubedoio/rustshare-backend:0.4.0".into()),
    };
    compose(&notes, &Channel::new(kind.name(), kind)).unwrap()
}

fn targets(s: &FakeServices) -> Vec<(Target, ChannelKind, &'static str)> {
    vec![
        (
            Target::Discord {
                url: Secret::new(s.discord_url()),
            },
            ChannelKind::Discord,
            "discord",
        ),
        (
            Target::Slack {
                url: Secret::new(s.slack_url()),
            },
            ChannelKind::Slack,
            "slack",
        ),
        (
            Target::Mastodon {
                instance: s.base(),
                token: Secret::new(MASTODON_TOKEN),
                visibility: Visibility::Unlisted,
                language: Some("en".into()),
            },
            ChannelKind::Mastodon,
            "mastodon",
        ),
        (
            Target::Discussions {
                api_url: s.graphql_url(),
                repository: "kubedoio/rustshare".into(),
                category: "announcements".into(),
                token: Secret::new(GITHUB_TOKEN),
            },
            ChannelKind::GithubDiscussions,
            "discussions",
        ),
        (
            Target::Webhook {
                url: Secret::new(s.webhook_url()),
                token: Some(Secret::new("wEbHoOkBeArErToKeN0123456789")),
            },
            ChannelKind::Webhook,
            "webhook",
        ),
    ]
}

#[tokio::test]
async fn posts_to_every_service_as_documented() {
    let s = FakeServices::start();
    let a = announcer();
    for (target, kind, service) in targets(&s) {
        let m = message(kind);
        let posted = a.post(&target, &m, "v0.4.0 announcement x").await.unwrap();
        let posts = s.posts_to(service);
        assert_eq!(posts.len(), 1, "{service}");
        let body = &posts[0].body;
        match kind {
            ChannelKind::Discord => {
                assert_eq!(body["content"], m.text.as_str());
                assert_eq!(body["allowed_mentions"]["parse"], serde_json::json!([]));
            }
            ChannelKind::Slack => assert_eq!(body["text"], m.text.as_str()),
            ChannelKind::Mastodon => {
                assert_eq!(body["status"], m.text.as_str());
                assert_eq!(body["visibility"], "unlisted");
                assert_eq!(body["language"], "en");
                assert_eq!(
                    posted.url.as_deref(),
                    Some("https://social.example/@release/3")
                );
            }
            ChannelKind::GithubDiscussions => {
                let input = &body["variables"]["input"];
                assert_eq!(input["title"], "RustShare 0.4.0 released");
                assert_eq!(input["body"], m.text.as_str());
                assert_eq!(input["categoryId"], "DIC_kwDOannounce");
                assert!(posted.url.unwrap().contains("/discussions/"));
            }
            ChannelKind::Webhook => {
                assert_eq!(body["event"], "release.announced");
                assert_eq!(body["version"], "0.4.0");
                assert_eq!(body["text"], m.text.as_str());
                let auth = posts[0]
                    .headers
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("authorization"));
                assert_eq!(
                    auth.map(|(_, v)| v.as_str()),
                    Some("Bearer wEbHoOkBeArErToKeN0123456789")
                );
            }
        }
    }
}

#[tokio::test]
async fn discord_retry_after_in_the_body_is_honoured() {
    let s = FakeServices::start();
    s.fault(
        "/api/webhooks/",
        status(
            429,
            &[
                ("Content-Type", "application/json"),
                ("X-RateLimit-Scope", "shared"),
            ],
            r#"{"message": "You are being rate limited.", "retry_after": 0.3, "global": false}"#,
        ),
    );
    let started = Instant::now();
    let target = Target::Discord {
        url: Secret::new(s.discord_url()),
    };
    announcer()
        .post(&target, &message(ChannelKind::Discord), "k")
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(s.posts_to("discord").len(), 1);
    assert_eq!(s.log.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn slack_retry_after_header_is_honoured_and_mastodon_dedups_by_key() {
    let s = FakeServices::start();
    s.fault(
        "/services/",
        status(429, &[("Retry-After", "1")], "rate_limited"),
    );
    let started = Instant::now();
    let target = Target::Slack {
        url: Secret::new(s.slack_url()),
    };
    announcer()
        .post(&target, &message(ChannelKind::Slack), "k")
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(s.posts_to("slack").len(), 1);

    // A lost answer (502) after Mastodon stored the status: the retry with the same key gets
    // the first status back, and nothing is posted twice.
    let (target, ..) = targets(&s).into_iter().nth(2).unwrap();
    let m = message(ChannelKind::Mastodon);
    let a = announcer();
    let first = a
        .post(&target, &m, "v0.4.0 announcement fedi")
        .await
        .unwrap();
    s.fault(
        "/api/v1/statuses",
        status(502, &[], "<html>Bad Gateway</html>"),
    );
    let again = a
        .post(&target, &m, "v0.4.0 announcement fedi")
        .await
        .unwrap();
    assert_eq!(first, again);
    assert_eq!(s.posts_to("mastodon").len(), 1);
}

#[tokio::test]
async fn errors_name_the_channel_in_the_services_words() {
    let s = FakeServices::start();
    let a = announcer();
    let wrong = Target::Discord {
        url: Secret::new(format!(
            "{}/api/webhooks/1/wrongTokenValue0123456789",
            s.base()
        )),
    };
    let e = a
        .post(&wrong, &message(ChannelKind::Discord), "k")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("discord channel \"discord\"") && e.contains("Invalid Webhook Token"),
        "{e}"
    );
    assert!(!e.contains("wrongTokenValue0123456789"), "{e}");

    let mut long = message(ChannelKind::Discord);
    long.text = "x".repeat(2001);
    let target = Target::Discord {
        url: Secret::new(s.discord_url()),
    };
    let e = a.post(&target, &long, "k").await.unwrap_err().to_string();
    assert!(
        e.contains("HTTP 400") && e.contains("Invalid Form Body"),
        "{e}"
    );

    let mut long = message(ChannelKind::Mastodon);
    long.text = "y".repeat(501);
    let (target, ..) = targets(&s).into_iter().nth(2).unwrap();
    let e = a
        .post(&target, &long, "other")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("HTTP 422") && e.contains("Text character limit of 500 exceeded"),
        "{e}"
    );

    let target = Target::Discussions {
        api_url: s.graphql_url(),
        repository: "kubedoio/rustshare".into(),
        category: "Releases".into(),
        token: Secret::new(GITHUB_TOKEN),
    };
    let e = a
        .post(&target, &message(ChannelKind::GithubDiscussions), "k")
        .await
        .unwrap_err();
    assert!(e.is_input(), "{e}");
    assert!(e.to_string().contains("General, Announcements"), "{e}");
    let target = Target::Discussions {
        api_url: s.graphql_url(),
        repository: "kubedoio/other".into(),
        category: "Announcements".into(),
        token: Secret::new(GITHUB_TOKEN),
    };
    let e = a
        .post(&target, &message(ChannelKind::GithubDiscussions), "k")
        .await
        .unwrap_err();
    assert!(
        e.is_not_found() && e.to_string().contains("Could not resolve"),
        "{e}"
    );

    // Retries are bounded: a service that keeps answering 503 is an error after the attempts.
    for _ in 0..4 {
        s.fault("/services/", status(503, &[], "rollup_error"));
    }
    let target = Target::Slack {
        url: Secret::new(s.slack_url()),
    };
    let e = a
        .post(&target, &message(ChannelKind::Slack), "k")
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("HTTP 503") && e.contains("rollup_error"), "{e}");
    assert!(s.posts_to("slack").is_empty());
}

#[tokio::test]
async fn a_service_echoing_the_secret_never_gets_it_into_an_error() {
    let s = FakeServices::start();
    s.echo.store(true, std::sync::atomic::Ordering::SeqCst);
    let a = announcer();
    for (target, kind, service) in targets(&s) {
        let e = a.post(&target, &message(kind), "k").await.unwrap_err();
        let text = format!("{e} {e:?}");
        for secret in [
            DISCORD_TOKEN,
            SLACK_TOKEN,
            MASTODON_TOKEN,
            GITHUB_TOKEN,
            "wEbHoOkBeArErToKeN0123456789",
        ] {
            assert!(!text.contains(secret), "{service}: {text}");
        }
        assert!(text.contains("HTTP 400"), "{service}: {text}");
    }
}
