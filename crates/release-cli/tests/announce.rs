//! `release announce` on a RustShare-like repository (its policy, a 0.4.0 changelog section and
//! a table-shaped upgrading guide): the messages per channel (snapshots), posting against local
//! servers answering as Discord, Slack, Mastodon and GitHub document, posting once, the
//! deprecation notice of a rollback, and no secret in any output.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failure to set up is a failed test

#[allow(unused_imports)]
use release_testkit::registry as registry_support;

use std::path::Path;
use std::process::{Command, Output};

use registry_support::{
    status, FakeGitHub, FakeServices, DISCORD_TOKEN, GITHUB_TOKEN, MASTODON_TOKEN, SLACK_TOKEN,
};
use serde_json::Value;

const POLICY: &str = include_str!("../../../examples/rustshare/release-policy.toml");
const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/rustshare");

/// A RustShare-like checkout: the example policy (plus `extra` TOML), the fixture changelog and
/// upgrading guide.
fn project(extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("docs")).unwrap();
    for f in ["CHANGELOG.md", "docs/upgrading.md"] {
        std::fs::copy(Path::new(FIXTURE).join(f), dir.path().join(f)).unwrap();
    }
    std::fs::write(
        dir.path().join("release-policy.toml"),
        format!("{POLICY}{extra}"),
    )
    .unwrap();
    dir
}

const SLACK_CHANNEL: &str =
    "\n[[announce.channels]]\nname = \"team\"\nkind = \"slack\"\nurl_env = \"SLACK_WEBHOOK_URL\"\n";

fn release(dir: &Path, args: &[&str], env: &[(&str, String)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_release"));
    cmd.current_dir(dir)
        .args(args)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_REPOSITORY")
        .env_remove("GITHUB_TOKEN")
        .env_remove("DISCORD_WEBHOOK_URL")
        .env_remove("MASTODON_TOKEN")
        .env_remove("SLACK_WEBHOOK_URL");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Points the example's Discussions and Mastodon channels at the fake services.
fn at_fakes(policy: &str, s: &FakeServices) -> String {
    policy
        .replace(
            "category = \"Announcements\"",
            &format!(
                "category = \"Announcements\"\napi_url = \"{}\"",
                s.graphql_url()
            ),
        )
        .replace("https://fosstodon.org", &s.base())
}

fn local_project(s: &FakeServices) -> tempfile::TempDir {
    let dir = project(SLACK_CHANNEL);
    let path = dir.path().join("release-policy.toml");
    let policy = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, at_fakes(&policy, s)).unwrap();
    dir
}

fn secrets(s: &FakeServices) -> Vec<(&'static str, String)> {
    vec![
        ("DISCORD_WEBHOOK_URL", s.discord_url()),
        ("SLACK_WEBHOOK_URL", s.slack_url()),
        ("MASTODON_TOKEN", MASTODON_TOKEN.to_string()),
        ("GITHUB_TOKEN", GITHUB_TOKEN.to_string()),
    ]
}

fn assert_no_secret(out: &str) {
    for secret in [DISCORD_TOKEN, SLACK_TOKEN, MASTODON_TOKEN, GITHUB_TOKEN] {
        assert!(!out.contains(secret), "a secret in the output:\n{out}");
    }
}

#[test]
fn dry_run_prints_each_channel_message_as_posted() {
    let dir = project("");
    let out = release(dir.path(), &["announce", "0.4.0"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stdout = String::from_utf8(out.stdout).unwrap();
    // One snapshot per channel, exactly the text that would be posted.
    let json = release(dir.path(), &["--json", "announce", "v0.4.0"], &[]);
    let v: Value = serde_json::from_slice(&json.stdout).unwrap();
    let channels = v["channels"].as_array().unwrap();
    assert_eq!(channels.len(), 3);
    for c in channels {
        let name = c["channel"].as_str().unwrap();
        let message = c["text"].as_str().unwrap();
        assert!(
            stdout.contains(message),
            "{name}: the dry run prints the text as posted"
        );
        assert!(
            c["chars"].as_u64().unwrap() <= c["limit"].as_u64().unwrap(),
            "{name}"
        );
        assert!(message.contains("https://github.com/kubedoio/rustshare/releases/tag/v0.4.0"));
        // The anchor exists in the guide: `## Breaking Changes`.
        assert!(
            message.contains("docs/upgrading.md#breaking-changes"),
            "{name}"
        );
        assert!(
            message.contains("content-addressed blobs"),
            "{name}: breaking first"
        );
        assert_eq!(c["status"], "planned");
        insta::assert_snapshot!(format!("rustshare_{name}"), message);
    }
    assert_eq!(v["channels"][0]["title"], "RustShare 0.4.0 released");
    assert!(stdout.contains("dry run: nothing was posted"));
    // Mastodon counts every link as 23: the status stays under 500 as the service counts.
    assert!(channels[2]["chars"].as_u64().unwrap() <= 500);

    // `--channel` selects; an unknown one is refused naming the known ones.
    let out = release(dir.path(), &["announce", "0.4.0", "--channel", "nope"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("discussions, discord, fosstodon"),
        "{}",
        text(&out)
    );
    // A candidate is not announced (N1); a version without a section is refused.
    let out = release(dir.path(), &["announce", "0.4.0-rc.1"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("(N1)"), "{}", text(&out));
    let out = release(dir.path(), &["announce", "0.5.0"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("no section for 0.5.0"),
        "{}",
        text(&out)
    );
}

#[test]
fn execute_posts_each_channel_once_and_records_it() {
    let s = FakeServices::start();
    let gh = FakeGitHub::start("kubedoio/rustshare", GITHUB_TOKEN, 30);
    gh.add_release("v0.4.0", "## What's Changed\n\nNotes.\n", &[]);
    let dir = local_project(&s);
    let env = secrets(&s);
    let api = gh.api_base();
    let args = [
        "announce",
        "0.4.0",
        "--execute",
        "--github-api",
        api.as_str(),
    ];
    // Discord answers the first post with its rate limit; the retry waits and goes through.
    s.fault(
        "/api/webhooks/",
        status(
            429,
            &[("Content-Type", "application/json"), ("Retry-After", "1")],
            r#"{"message": "You are being rate limited.", "retry_after": 0.2, "global": false}"#,
        ),
    );
    let out = release(dir.path(), &args, &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_no_secret(&text(&out));
    for service in ["discussions", "discord", "mastodon", "slack"] {
        assert_eq!(s.posts_to(service).len(), 1, "{service}: {}", text(&out));
    }
    let body = gh.body_of("v0.4.0");
    assert!(
        body.starts_with(
            "## What's Changed\n\nNotes.\n\n<!-- release-announce: announcement discussions -->"
        ),
        "{body}"
    );
    for c in ["discord", "fosstodon", "team"] {
        assert!(
            body.contains(&format!("<!-- release-announce: announcement {c} -->")),
            "{body}"
        );
    }
    let posted = s.posts_to("discord")[0].body["content"]
        .as_str()
        .unwrap()
        .to_string();
    let dry = release(
        dir.path(),
        &["--json", "announce", "0.4.0", "--channel", "discord"],
        &[],
    );
    let v: Value = serde_json::from_slice(&dry.stdout).unwrap();
    assert_eq!(
        v["channels"][0]["text"],
        posted.as_str(),
        "the dry run printed what was posted"
    );

    // A second run posts nothing.
    let before = s.log.lock().unwrap().len();
    let out = release(
        dir.path(),
        &[
            "--json",
            "announce",
            "0.4.0",
            "--execute",
            "--github-api",
            api.as_str(),
        ],
        &env,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        s.log.lock().unwrap().len(),
        before,
        "no request to any channel"
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    for c in v["channels"].as_array().unwrap() {
        assert_eq!(c["status"], "unchanged", "{c}");
    }

    // The stable checklist ticks its announce step from the record.
    let out = release(
        dir.path(),
        &[
            "checklist",
            "stable",
            "0.4.0",
            "--check",
            "--format",
            "json",
            "--github-api",
            api.as_str(),
            "--image",
            "127.0.0.1:9/rustshare",
            "--released",
            "v0.4.0-rc.1,v0.4.0",
        ],
        &env,
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    let step = v["steps"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["id"] == "announce").cloned())
        .unwrap_or_else(|| panic!("{}", text(&out)));
    assert_eq!(step["result"]["state"], "pass", "{step}");
}

#[test]
fn failed_channels_are_named_and_no_secret_is_printed() {
    let s = FakeServices::start();
    let gh = FakeGitHub::start("kubedoio/rustshare", GITHUB_TOKEN, 30);
    gh.add_release("v0.4.0", "Notes.\n", &[]);
    let dir = local_project(&s);
    let env = secrets(&s);
    let api = gh.api_base();
    // Every service echoes the request (path with the webhook token, Authorization header).
    s.echo.store(true, std::sync::atomic::Ordering::SeqCst);
    let out = release(
        dir.path(),
        &[
            "announce",
            "0.4.0",
            "--execute",
            "--github-api",
            api.as_str(),
        ],
        &env,
    );
    let all = text(&out);
    assert_eq!(out.status.code(), Some(3), "{all}");
    assert!(
        all.contains("failed on: discussions, discord, fosstodon, team"),
        "{all}"
    );
    assert!(all.contains("HTTP 400"), "{all}");
    assert_no_secret(&all);
    let json = release(
        dir.path(),
        &[
            "--json",
            "announce",
            "0.4.0",
            "--execute",
            "--github-api",
            api.as_str(),
        ],
        &env,
    );
    assert_no_secret(&text(&json));
    assert!(
        !gh.body_of("v0.4.0").contains("release-announce"),
        "nothing recorded"
    );

    // A missing secret fails that channel only, naming the variable, never a value.
    s.echo.store(false, std::sync::atomic::Ordering::SeqCst);
    let mut env = env;
    env.retain(|(k, _)| *k != "MASTODON_TOKEN");
    let out = release(
        dir.path(),
        &[
            "announce",
            "0.4.0",
            "--execute",
            "--github-api",
            api.as_str(),
        ],
        &env,
    );
    let all = text(&out);
    assert_eq!(out.status.code(), Some(3), "{all}");
    assert!(
        all.contains("MASTODON_TOKEN") && all.contains("failed on: fosstodon;"),
        "{all}"
    );
    assert_eq!(s.posts_to("discord").len(), 1);
    assert!(s.posts_to("mastodon").is_empty());
    assert_no_secret(&all);
    // No GitHub Release, no post: the record has nowhere to go.
    let out = release(
        dir.path(),
        &[
            "announce",
            "0.3.2",
            "--execute",
            "--github-api",
            api.as_str(),
        ],
        &env,
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(
        text(&out).contains("no GitHub Release v0.3.2"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_deprecation_notice_names_the_reason_the_replacement_and_the_aliases() {
    let s = FakeServices::start();
    let gh = FakeGitHub::start("kubedoio/rustshare", GITHUB_TOKEN, 30);
    gh.add_release(
        "v0.4.0",
        "Notes.\n<!-- release-announce: announcement discord -->\n",
        &[],
    );
    let dir = local_project(&s);
    let env = secrets(&s);
    let api = gh.api_base();
    let released = "v0.3.0,v0.3.1,v0.3.2,v0.4.0";
    let out = release(
        dir.path(),
        &[
            "--json",
            "announce",
            "0.4.0",
            "--deprecated",
            "--reason",
            "corrupts uploads over 2 GiB",
            "--released",
            released,
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    for c in v["channels"].as_array().unwrap() {
        let t = c["text"].as_str().unwrap();
        assert!(
            t.contains("corrupts uploads over 2 GiB") && t.contains("0.3.2"),
            "{t}"
        );
        assert!(t.contains("latest") && t.contains("0.4"), "{t}");
    }
    let discord = v["channels"][1]["text"].as_str().unwrap();
    insta::assert_snapshot!("rustshare_discord_deprecation", discord);
    let out = release(
        dir.path(),
        &[
            "announce",
            "0.4.0",
            "--deprecated",
            "--reason",
            "corrupts uploads",
            "--released",
            released,
            "--execute",
            "--github-api",
            api.as_str(),
        ],
        &env,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let posted = s.posts_to("discord");
    assert_eq!(
        posted.len(),
        1,
        "the deprecation is a notice of its own, posted once"
    );
    assert!(posted[0].body["content"]
        .as_str()
        .unwrap()
        .contains("Use **0.3.2** instead."));
    assert!(gh
        .body_of("v0.4.0")
        .contains("<!-- release-announce: deprecation discord -->"));
    let out = release(dir.path(), &["announce", "0.4.0", "--deprecated"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("--reason"), "{}", text(&out));
}

#[test]
fn rollback_execute_sends_the_deprecation_notice_on_the_same_channels() {
    let store = tempfile::tempdir().unwrap();
    let reg = registry_support::RegistryServer::start(store.path(), &registry_support::Auth::None);
    registry_support::seed_releases(&reg.addr);
    let s = FakeServices::start();
    let gh = FakeGitHub::start("kubedoio/rustshare", GITHUB_TOKEN, 30);
    gh.add_release(
        "v0.4.0",
        "Notes.\n\n<!-- release-announce: announcement discord -->\n",
        &[],
    );
    let dir = local_project(&s);
    let env = secrets(&s);
    let api = gh.api_base();
    let image = format!("{}/app", reg.addr);
    let args = [
        "rollback",
        "0.4.0",
        "--reason",
        "corrupts uploads",
        "--image",
        image.as_str(),
        "--github-api",
        api.as_str(),
        "--no-changelog",
    ];
    // The dry run plans the notice on every channel and posts nothing.
    let out = release(dir.path(), &args, &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("[planned] announce: channel discord"),
        "{}",
        text(&out)
    );
    assert!(s.posts.lock().unwrap().is_empty());
    let mut exec = args.to_vec();
    exec.push("--execute");
    let out = release(dir.path(), &exec, &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_no_secret(&text(&out));
    let content = s.posts_to("discord")[0].body["content"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        content.contains("corrupts uploads") && content.contains("Use **0.3.2** instead."),
        "{content}"
    );
    assert!(
        content.contains("`latest` → 0.3.2") && content.contains("`0.4` stays on 0.4.0"),
        "{content}"
    );
    let status = s.posts_to("mastodon")[0].body["status"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        status.contains("0.3.2") && status.contains("corrupts uploads"),
        "{status}"
    );
    let body = gh.body_of("v0.4.0");
    assert!(body.starts_with("## ⚠️ Deprecated"), "{body}");
    assert!(
        body.contains("<!-- release-announce: deprecation discord -->"),
        "{body}"
    );
    // A re-run sends nothing again.
    let before = s.posts.lock().unwrap().len();
    let out = release(dir.path(), &exec, &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(s.posts.lock().unwrap().len(), before);
    assert!(
        text(&out).contains("[unchanged] announce: channel discord"),
        "{}",
        text(&out)
    );
}
