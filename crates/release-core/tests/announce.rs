//! Table rows for announcing (`release_core::announce`, N1, R6): which `[[announce.channels]]`
//! a policy may hold, which channels `--channel` selects, how each service counts a message,
//! how changelog entries are read and rewritten per channel, and the record of what was posted.
//! Found by mutation testing (`scripts/mutants.sh core -- -f crates/release-core/src/announce.rs`);
//! every row names the rule it checks.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests: a failure to set up is a failed test

use std::collections::BTreeSet;

use release_core::announce::{
    add_marker, compose, compose_deprecation, is_recorded, marker, recorded, AliasNote,
    AnnouncePolicy, Breaking, Category, Channel, ChannelKind, Deprecation, Entry, Notice,
    ReleaseNotes, Visibility,
};
use release_core::policy::{Policy, PolicyError};
use release_core::rule::Rule;
use release_core::version::ReleaseVersion;

// ---------------------------------------------------------------- N1: channels a policy may hold

/// (rule, the `[[announce.channels]]` keys, Ok(()) or Err(substring of the refusal))
const CHANNELS: &[(&str, &str, Result<(), &str>)] = &[
    ("N1", "name = \"d\"\nkind = \"discord\"\nurl_env = \"DISCORD_URL\"", Ok(())),
    ("N1", "name = \"s\"\nkind = \"slack\"\nurl_env = \"_SLACK_1\"", Ok(())),
    (
        "N1",
        "name = \"gh\"\nkind = \"github-discussions\"\ncategory = \"Announcements\"\nrepository = \"o/r\"\napi_url = \"http://ghe.example/api/graphql\"\ntoken_env = \"GH_TOKEN\"",
        Ok(()),
    ),
    (
        "N1",
        "name = \"fedi\"\nkind = \"mastodon\"\ninstance = \"https://fosstodon.org\"\ntoken_env = \"MASTODON_TOKEN\"\nvisibility = \"unlisted\"\nlanguage = \"en\"",
        Ok(()),
    ),
    (
        "N1",
        "name = \"hook\"\nkind = \"webhook\"\nurl_env = \"HOOK_URL\"\ntoken_env = \"HOOK_TOKEN\"\ntemplate = \"{project} {version}\"\ndeprecation_template = \"{version}: {reason}\"",
        Ok(()),
    ),
    // Names.
    (
        "N1",
        "name = \"\"\nkind = \"discord\"\nurl_env = \"U\"",
        Err("channel 1 has no valid name"),
    ),
    (
        "N1",
        "name = \"my channel\"\nkind = \"discord\"\nurl_env = \"U\"",
        Err("channel 1 has no valid name"),
    ),
    (
        "N1",
        "name = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\nkind = \"discord\"\nurl_env = \"U\"",
        Err("channel 1 has no valid name"),
    ),
    (
        "N1",
        "name = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\nkind = \"discord\"\nurl_env = \"U\"",
        Ok(()),
    ),
    ("N1", "name = \"a.b_c-1\"\nkind = \"discord\"\nurl_env = \"U\"", Ok(())),
    // Environment variable names, never the secret itself.
    (
        "N1",
        "name = \"d\"\nkind = \"discord\"\nurl_env = \"discord_url\"",
        Err("`url_env` names an environment variable"),
    ),
    (
        "N1",
        "name = \"d\"\nkind = \"webhook\"\nurl_env = \"U\"\ntoken_env = \"1TOKEN\"",
        Err("`token_env` names an environment variable"),
    ),
    (
        "N1",
        "name = \"d\"\nkind = \"webhook\"\nurl_env = \"U\"\ntoken_env = \"TOKEN-1\"",
        Err("`token_env` names an environment variable"),
    ),
    // What each kind needs.
    (
        "N1",
        "name = \"gh\"\nkind = \"github-discussions\"",
        Err("a github-discussions channel needs `category`"),
    ),
    (
        "N1",
        "name = \"gh\"\nkind = \"github-discussions\"\ncategory = \"  \"",
        Err("needs `category`"),
    ),
    (
        "N1",
        "name = \"d\"\nkind = \"discord\"",
        Err("a discord channel needs `url_env`"),
    ),
    (
        "N1",
        "name = \"s\"\nkind = \"slack\"",
        Err("a slack channel needs `url_env`"),
    ),
    (
        "N1",
        "name = \"w\"\nkind = \"webhook\"",
        Err("a webhook channel needs `url_env`"),
    ),
    (
        "N1",
        "name = \"m\"\nkind = \"mastodon\"\ntoken_env = \"T\"",
        Err("a mastodon channel needs `instance`"),
    ),
    (
        "N1",
        "name = \"m\"\nkind = \"mastodon\"\ninstance = \"https://fosstodon.org\"",
        Err("a mastodon channel needs `token_env`"),
    ),
    (
        "N1",
        "name = \"m\"\nkind = \"mastodon\"\ninstance = \"fosstodon.org\"\ntoken_env = \"T\"",
        Err("`instance` is the server's URL"),
    ),
    (
        "N1",
        "name = \"m\"\nkind = \"mastodon\"\ninstance = \"https://user@fosstodon.org\"\ntoken_env = \"T\"",
        Err("`instance` is the server's URL"),
    ),
    (
        "N1",
        "name = \"m\"\nkind = \"mastodon\"\ninstance = \"https://fosstodon .org\"\ntoken_env = \"T\"",
        Err("`instance` is the server's URL"),
    ),
    (
        "N1",
        "name = \"gh\"\nkind = \"github-discussions\"\ncategory = \"A\"\nrepository = \"o\"",
        Err("`repository` is `owner/name`"),
    ),
    (
        "N1",
        "name = \"gh\"\nkind = \"github-discussions\"\ncategory = \"A\"\nrepository = \"o/r/x\"",
        Err("`repository` is `owner/name`"),
    ),
    (
        "N1",
        "name = \"gh\"\nkind = \"github-discussions\"\ncategory = \"A\"\nrepository = \"o/\"",
        Err("`repository` is `owner/name`"),
    ),
    (
        "N1",
        "name = \"gh\"\nkind = \"github-discussions\"\ncategory = \"A\"\nrepository = \"o/r s\"",
        Err("`repository` is `owner/name`"),
    ),
    (
        "N1",
        "name = \"gh\"\nkind = \"github-discussions\"\ncategory = \"A\"\napi_url = \"ftp://ghe.example\"",
        Err("`api_url` is an http(s) URL"),
    ),
    // Keys that do not apply to the kind.
    (
        "N1",
        "name = \"gh\"\nkind = \"github-discussions\"\ncategory = \"A\"\nurl_env = \"U\"",
        Err("`url_env` does not apply to a github-discussions channel"),
    ),
    (
        "N1",
        "name = \"gh\"\nkind = \"github-discussions\"\ncategory = \"A\"\ninstance = \"https://x.example\"",
        Err("`instance` does not apply"),
    ),
    (
        "N1",
        "name = \"d\"\nkind = \"discord\"\nurl_env = \"U\"\ntoken_env = \"T\"",
        Err("`token_env` does not apply to a discord channel"),
    ),
    (
        "N1",
        "name = \"d\"\nkind = \"slack\"\nurl_env = \"U\"\ninstance = \"https://x.example\"",
        Err("`instance` does not apply to a slack channel"),
    ),
    (
        "N1",
        "name = \"d\"\nkind = \"discord\"\nurl_env = \"U\"\ncategory = \"A\"",
        Err("`category` does not apply"),
    ),
    (
        "N1",
        "name = \"m\"\nkind = \"mastodon\"\ninstance = \"https://x.example\"\ntoken_env = \"T\"\nurl_env = \"U\"",
        Err("`url_env` does not apply to a mastodon channel"),
    ),
    (
        "N1",
        "name = \"w\"\nkind = \"webhook\"\nurl_env = \"U\"\ninstance = \"https://x.example\"",
        Err("`instance` does not apply to a webhook channel"),
    ),
    (
        "N1",
        "name = \"w\"\nkind = \"webhook\"\nurl_env = \"U\"\ncategory = \"A\"",
        Err("`category` does not apply to a webhook channel"),
    ),
    (
        "N1",
        "name = \"d\"\nkind = \"discord\"\nurl_env = \"U\"\nvisibility = \"public\"",
        Err("`visibility` does not apply"),
    ),
    (
        "N1",
        "name = \"d\"\nkind = \"slack\"\nurl_env = \"U\"\nlanguage = \"en\"",
        Err("`language` does not apply"),
    ),
    (
        "N1",
        "name = \"d\"\nkind = \"discord\"\nurl_env = \"U\"\nrepository = \"o/r\"",
        Err("`repository` does not apply"),
    ),
    (
        "N1",
        "name = \"m\"\nkind = \"mastodon\"\ninstance = \"https://x.example\"\ntoken_env = \"T\"\napi_url = \"https://x.example\"",
        Err("`api_url` does not apply"),
    ),
    // Templates.
    (
        "N1",
        "name = \"d\"\nkind = \"discord\"\nurl_env = \"U\"\ntemplate = \" \"",
        Err("`template` is empty"),
    ),
    (
        "N1",
        "name = \"d\"\nkind = \"discord\"\nurl_env = \"U\"\ntemplate = \"{version} {nope}\"",
        Err("`template` has an unknown placeholder {nope}"),
    ),
    (
        "N1",
        "name = \"d\"\nkind = \"discord\"\nurl_env = \"U\"\ntemplate = \"{version\"",
        Err("`template` has an unknown placeholder {version}"),
    ),
    (
        "R6",
        "name = \"d\"\nkind = \"discord\"\nurl_env = \"U\"\ndeprecation_template = \"{summary}\"",
        Err("`deprecation_template` has an unknown placeholder {summary}"),
    ),
    (
        "N1",
        "name = \"d\"\nkind = \"discord\"\nurl_env = \"U\"\ntemplate = \"{reason}\"",
        Err("unknown placeholder {reason}"),
    ),
];

#[test]
fn channels_hold_what_their_kind_needs() {
    for (rule, keys, expected) in CHANNELS {
        let text = format!("[[announce.channels]]\n{keys}\n");
        let got = Policy::from_toml(&text);
        match (expected, &got) {
            (Ok(()), Ok(_)) => {}
            (Err(needle), Err(PolicyError::Invalid { key, reason })) => {
                assert_eq!(*key, "announce.channels", "{rule}: {keys}");
                assert!(reason.contains(needle), "{rule}: {keys}: {reason}");
            }
            _ => panic!("{rule}: {keys}: expected {expected:?}, got {got:?}"),
        }
    }
}

#[test]
fn a_channel_name_is_listed_once_and_secrets_are_never_quoted() {
    let twice = "[[announce.channels]]\nname = \"d\"\nkind = \"discord\"\nurl_env = \"U\"\n\
                 [[announce.channels]]\nname = \"d\"\nkind = \"slack\"\nurl_env = \"V\"\n";
    let err = Policy::from_toml(twice).unwrap_err().to_string();
    assert!(err.contains("channel \"d\" is listed twice"), "N1: {err}");
    let second = "[[announce.channels]]\nname = \"d\"\nkind = \"discord\"\nurl_env = \"U\"\n\
                  [[announce.channels]]\nname = \"bad name\"\nkind = \"slack\"\nurl_env = \"V\"\n";
    let err = Policy::from_toml(second).unwrap_err().to_string();
    assert!(err.contains("channel 2 has no valid name"), "N1: {err}");
    let secret = "[[announce.channels]]\nname = \"d\"\nkind = \"discord\"\nurl_env = \"https://discord.com/api/webhooks/1/SECRET\"\n";
    let err = Policy::from_toml(secret).unwrap_err().to_string();
    assert!(!err.contains("SECRET"), "N1: {err}");
    let long = format!(
        "[[announce.channels]]\nname = \"d\"\nkind = \"discord\"\nurl_env = \"{}\"\n",
        "U".repeat(128)
    );
    assert!(Policy::from_toml(&long).is_ok(), "N1: 128 characters");
    let longer = long.replace(&"U".repeat(128), &"U".repeat(129));
    assert!(Policy::from_toml(&longer).is_err(), "N1: 129 characters");
}

/// (rule, kind, `token_env` as written, the variable the token is read from)
const TOKENS: &[(&str, ChannelKind, &str, Option<&str>)] = &[
    (
        "N1",
        ChannelKind::GithubDiscussions,
        "",
        Some("GITHUB_TOKEN"),
    ),
    (
        "N1",
        ChannelKind::GithubDiscussions,
        "GH_TOKEN",
        Some("GH_TOKEN"),
    ),
    (
        "N1",
        ChannelKind::Mastodon,
        "MASTODON_TOKEN",
        Some("MASTODON_TOKEN"),
    ),
    ("N1", ChannelKind::Webhook, "", None),
    ("N1", ChannelKind::Webhook, "HOOK_TOKEN", Some("HOOK_TOKEN")),
    ("N1", ChannelKind::Discord, "", None),
];

#[test]
fn tokens_come_from_the_named_variable() {
    for (rule, kind, token_env, expected) in TOKENS {
        let mut c = Channel::new("c", *kind);
        c.token_env = (*token_env).into();
        assert_eq!(c.token_env(), *expected, "{rule}: {kind} {token_env:?}");
    }
}

/// (rule, `visibility` as written, the value, the API value)
const VISIBILITIES: &[(&str, &str, Visibility, &str)] = &[
    ("N1", "public", Visibility::Public, "public"),
    ("N1", "unlisted", Visibility::Unlisted, "unlisted"),
    ("N1", "private", Visibility::Private, "private"),
    ("N1", "direct", Visibility::Direct, "direct"),
];

#[test]
fn mastodon_visibility_is_sent_as_written() {
    for (rule, written, value, api) in VISIBILITIES {
        let text = format!(
            "[[announce.channels]]\nname = \"m\"\nkind = \"mastodon\"\ninstance = \"https://x.example\"\ntoken_env = \"T\"\nvisibility = \"{written}\"\n"
        );
        let policy = Policy::from_toml(&text).unwrap();
        let got = policy.announce.channels[0].visibility;
        assert_eq!(got, Some(*value), "{rule}: {written}");
        assert_eq!(value.as_str(), *api, "{rule}: {written}");
    }
    assert_eq!(Visibility::default(), Visibility::Public, "N1");
}

// ---------------------------------------------------------------- N1: --channel

fn policy_with(names: &[&str]) -> AnnouncePolicy {
    AnnouncePolicy {
        project: String::new(),
        channels: names
            .iter()
            .map(|n| Channel::new(n, ChannelKind::Discord))
            .collect(),
    }
}

/// (rule, channels of the policy, `--channel` names, Ok(selected) or Err(substring))
type SelectRow = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    Result<&'static [&'static str], &'static str>,
);

const SELECT: &[SelectRow] = &[
    ("N1", &["a", "b"], &[], Ok(&["a", "b"])),
    ("N1", &["a", "b"], &["b"], Ok(&["b"])),
    ("N1", &["a", "b", "c"], &["c", "a"], Ok(&["a", "c"])),
    (
        "N1",
        &["a", "b"],
        &["x"],
        Err("no channel \"x\" in the policy; channels: a, b"),
    ),
    ("N1", &["a", "b"], &["a", "x"], Err("no channel \"x\"")),
    (
        "N1",
        &[],
        &[],
        Err("the policy has no announcement channels"),
    ),
];

#[test]
fn channels_are_selected_in_the_policys_order() {
    for (rule, channels, names, expected) in SELECT {
        let policy = policy_with(channels);
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let got = policy.select(&names);
        match (expected, got) {
            (Ok(want), Ok(have)) => {
                let have: Vec<&str> = have.iter().map(|c| c.name.as_str()).collect();
                assert_eq!(have, *want, "{rule}: {channels:?} {names:?}");
            }
            (Err(needle), Err(e)) => {
                assert_eq!(e.rule, Rule::N1, "{rule}");
                assert!(e.message.contains(needle), "{rule}: {e}");
            }
            (_, got) => panic!("{rule}: {channels:?} {names:?}: got {got:?}"),
        }
    }
    assert!(
        AnnouncePolicy::default().is_empty(),
        "N1: nothing configured"
    );
    assert!(!policy_with(&["a"]).is_empty(), "N1: a channel");
    let named = AnnouncePolicy {
        project: "App".into(),
        channels: Vec::new(),
    };
    assert!(!named.is_empty(), "N1: a project name");
}

// ---------------------------------------------------------------- N1: kinds and their limits

/// (rule, kind, its name, message limit, link weight, highlights, characters per entry)
type KindRow = (
    &'static str,
    ChannelKind,
    &'static str,
    usize,
    Option<usize>,
    usize,
    usize,
);

const KINDS: &[KindRow] = &[
    (
        "N1",
        ChannelKind::GithubDiscussions,
        "github-discussions",
        65_536,
        None,
        usize::MAX,
        1_000,
    ),
    ("N1", ChannelKind::Discord, "discord", 2_000, None, 10, 200),
    ("N1", ChannelKind::Slack, "slack", 40_000, None, 10, 300),
    (
        "N1",
        ChannelKind::Mastodon,
        "mastodon",
        500,
        Some(23),
        5,
        100,
    ),
    (
        "N1",
        ChannelKind::Webhook,
        "webhook",
        65_536,
        None,
        usize::MAX,
        1_000,
    ),
];

#[test]
fn each_kind_has_its_services_limits() {
    for (rule, kind, name, max, url, highlights, entry) in KINDS {
        assert_eq!(kind.name(), *name, "{rule}");
        assert_eq!(kind.to_string(), *name, "{rule}");
        let l = kind.limits();
        assert_eq!(
            (
                l.max_chars,
                l.url_chars,
                l.max_highlights,
                l.max_entry_chars
            ),
            (*max, *url, *highlights, *entry),
            "{rule}: {name}"
        );
    }
}

/// (rule, kind, text, its length as the service counts it)
const COUNTS: &[(&str, ChannelKind, &str, usize)] = &[
    ("N1", ChannelKind::Discord, "", 0),
    ("N1", ChannelKind::Discord, "héllo", 5),
    (
        "N1",
        ChannelKind::Discord,
        "see https://example.org/a/long/path",
        35,
    ),
    ("N1", ChannelKind::Mastodon, "", 0),
    ("N1", ChannelKind::Mastodon, "héllo", 5),
    ("N1", ChannelKind::Mastodon, "a b", 3),
    ("N1", ChannelKind::Mastodon, "a\nb", 3),
    (
        "N1",
        ChannelKind::Mastodon,
        "https://example.org/a/long/path",
        23,
    ),
    ("N1", ChannelKind::Mastodon, "see http://x.y\nok", 30),
    (
        "N1",
        ChannelKind::Mastodon,
        "ftp://example.org/a/long/path",
        29,
    ),
];

#[test]
fn services_count_links_their_own_way() {
    for (rule, kind, text, n) in COUNTS {
        assert_eq!(kind.limits().count(text), *n, "{rule}: {kind} {text:?}");
    }
}

// ---------------------------------------------------------------- N1: changelog entries

/// (rule, list item as the changelog has it, breaking, the entry's text)
const ENTRIES: &[(&str, &str, bool, &str)] = &[
    ("N1", "- Mail import.", false, "Mail import."),
    ("N1", "* Mail import.", false, "Mail import."),
    ("N1", "+ Mail import.", true, "Mail import."),
    ("N1", "  -   Mail\n    import.", false, "Mail import."),
    ("N1", "1. First.", false, "First."),
    ("N1", "12) Twelfth.", false, "Twelfth."),
    ("N1", "1 First.", false, "1 First."),
    ("N1", ".5 seconds faster.", false, ".5 seconds faster."),
    ("N1", "Plain text.", false, "Plain text."),
];

#[test]
fn entries_lose_their_list_marker_and_line_breaks() {
    for (rule, item, breaking, text) in ENTRIES {
        let e = Entry::new(item, *breaking);
        assert_eq!(e.text, *text, "{rule}: {item:?}");
        assert_eq!(e.breaking, *breaking, "{rule}: {item:?}");
    }
}

// ---------------------------------------------------------------- N1, R6: the record of what was posted

/// (rule, notice, its name, its rule)
const NOTICES: &[(&str, Notice, &str, Rule)] = &[
    ("N1", Notice::Announcement, "announcement", Rule::N1),
    ("R6", Notice::Deprecation, "deprecation", Rule::R6),
];

#[test]
fn notices_are_named_by_their_rule() {
    for (rule, notice, name, its_rule) in NOTICES {
        assert_eq!(notice.name(), *name, "{rule}");
        assert_eq!(notice.to_string(), *name, "{rule}");
        assert_eq!(notice.rule(), *its_rule, "{rule}");
        assert_eq!(
            marker(*notice, "discord"),
            format!("<!-- release-announce: {name} discord -->"),
            "{rule}"
        );
    }
}

/// (rule, release body, the (notice, channel) pairs it records)
type RecordRow = (
    &'static str,
    &'static str,
    &'static [(Notice, &'static str)],
);

const RECORDS: &[RecordRow] = &[
    ("N1", "", &[]),
    ("N1", "Notes only.\n", &[]),
    (
        "N1",
        "Notes.\n\n<!-- release-announce: announcement discord -->\n",
        &[(Notice::Announcement, "discord")],
    ),
    (
        "R6",
        "  <!-- release-announce: deprecation fedi -->  \r\n<!-- release-announce: announcement fedi -->",
        &[(Notice::Deprecation, "fedi"), (Notice::Announcement, "fedi")],
    ),
    // Not a record: an unknown notice, no channel, two words, a name the policy cannot hold,
    // a marker inside a line.
    (
        "N1",
        "<!-- release-announce: announced discord -->\n\
         <!-- release-announce: announcement -->\n\
         <!-- release-announce: announcement a b -->\n\
         <!-- release-announce: announcement a/b -->\n\
         see <!-- release-announce: announcement x -->\n\
         <!-- release-announce: announcement y",
        &[],
    ),
];

#[test]
fn a_release_body_records_each_notice_per_channel() {
    for (rule, body, pairs) in RECORDS {
        let want: BTreeSet<(Notice, String)> =
            pairs.iter().map(|(n, c)| (*n, c.to_string())).collect();
        assert_eq!(recorded(body), want, "{rule}: {body:?}");
        for (notice, channel) in *pairs {
            assert!(is_recorded(body, *notice, channel), "{rule}: {body:?}");
        }
        assert!(!is_recorded(body, Notice::Announcement, "other"), "{rule}");
    }
}

/// (rule, body before, notice, channel, the body after, or None when already recorded)
type AddRow = (
    &'static str,
    &'static str,
    Notice,
    &'static str,
    Option<&'static str>,
);

const ADDED: &[AddRow] = &[
    (
        "N1",
        "",
        Notice::Announcement,
        "d",
        Some("<!-- release-announce: announcement d -->\n"),
    ),
    (
        "N1",
        "Notes.\r\n\n",
        Notice::Announcement,
        "d",
        Some("Notes.\n\n<!-- release-announce: announcement d -->\n"),
    ),
    (
        "R6",
        "Notes.\n\n<!-- release-announce: announcement d -->\n",
        Notice::Deprecation,
        "d",
        Some("Notes.\n\n<!-- release-announce: announcement d -->\n<!-- release-announce: deprecation d -->\n"),
    ),
    (
        "N1",
        "Notes.\n\n<!-- release-announce: announcement d -->\n",
        Notice::Announcement,
        "d",
        None,
    ),
];

#[test]
fn a_record_is_added_once() {
    for (rule, before, notice, channel, after) in ADDED {
        let got = add_marker(before, *notice, channel);
        assert_eq!(got.as_deref(), *after, "{rule}: {before:?}");
        if let Some(body) = got {
            assert!(is_recorded(&body, *notice, channel), "{rule}: {body:?}");
        }
    }
}

// ---------------------------------------------------------------- N1: composed announcements

fn notes() -> ReleaseNotes {
    ReleaseNotes {
        project: "App".into(),
        version: ReleaseVersion::stable(0, 4, 0),
        tag: "v0.4.0".into(),
        date: Some("2026-07-20".into()),
        categories: vec![
            Category {
                name: "Added".into(),
                entries: vec![
                    Entry::new("- Mail import ([docs](https://x.example/d)).", false),
                    Entry::new("- **Fast** search & <filters>.", false),
                ],
            },
            Category {
                name: "Fixed".into(),
                entries: vec![Entry::new("- Login [#12][i12] works.", false)],
            },
        ],
        breaking: Vec::new(),
        release_url: Some("https://github.com/acme/app/releases/tag/v0.4.0".into()),
        upgrading_url: Some("https://github.com/acme/app/blob/v0.4.0/docs/upgrading.md#040".into()),
        image: Some("ghcr.io/acme/app:0.4.0".into()),
    }
}

const RELEASE: &str = "https://github.com/acme/app/releases/tag/v0.4.0";
const UPGRADING: &str = "https://github.com/acme/app/blob/v0.4.0/docs/upgrading.md#040";

/// (rule, kind, the whole message as posted)
const COMPOSED: &[(&str, ChannelKind, &str)] = &[
    (
        "N1",
        ChannelKind::Discord,
        "**App 0.4.0** is out (2026-07-20).\n\n**What changed**: 2 added, 1 fixed, including:\n- Added: Mail import ([docs](https://x.example/d)).\n- Added: **Fast** search & <filters>.\n- Fixed: Login #12 works.\n\nRelease notes: https://github.com/acme/app/releases/tag/v0.4.0\nUpgrading notes: <https://github.com/acme/app/blob/v0.4.0/docs/upgrading.md#040>\nImage: `ghcr.io/acme/app:0.4.0`",
    ),
    (
        "N1",
        ChannelKind::Slack,
        "*App 0.4.0* is out (2026-07-20).\n\n*What changed*: 2 added, 1 fixed, including:\n• Added: Mail import (<https://x.example/d|docs>).\n• Added: *Fast* search &amp; &lt;filters&gt;.\n• Fixed: Login #12 works.\n\nRelease notes: <https://github.com/acme/app/releases/tag/v0.4.0|https://github.com/acme/app/releases/tag/v0.4.0>\nUpgrading notes: <https://github.com/acme/app/blob/v0.4.0/docs/upgrading.md#040|https://github.com/acme/app/blob/v0.4.0/docs/upgrading.md#040>\nImage: `ghcr.io/acme/app:0.4.0`",
    ),
    (
        "N1",
        ChannelKind::Mastodon,
        "App 0.4.0 is out (2026-07-20).\n\nWhat changed: 2 added, 1 fixed, including:\n- Added: Mail import (docs (https://x.example/d)).\n- Added: Fast search & <filters>.\n- Fixed: Login #12 works.\n\nRelease notes: https://github.com/acme/app/releases/tag/v0.4.0\nUpgrading notes: https://github.com/acme/app/blob/v0.4.0/docs/upgrading.md#040\nImage: ghcr.io/acme/app:0.4.0",
    ),
    (
        "N1",
        ChannelKind::Webhook,
        "**App 0.4.0** is out (2026-07-20).\n\n**What changed**: 2 added, 1 fixed, including:\n- Added: Mail import ([docs](https://x.example/d)).\n- Added: **Fast** search & <filters>.\n- Fixed: Login #12 works.\n\n[Release notes](https://github.com/acme/app/releases/tag/v0.4.0)\n[Upgrading notes](https://github.com/acme/app/blob/v0.4.0/docs/upgrading.md#040)\nImage: `ghcr.io/acme/app:0.4.0`",
    ),
    (
        "N1",
        ChannelKind::GithubDiscussions,
        "App 0.4.0 is out (2026-07-20).\n\n[Release notes](https://github.com/acme/app/releases/tag/v0.4.0) · [Upgrading notes](https://github.com/acme/app/blob/v0.4.0/docs/upgrading.md#040)\n\n## What changed\n\n### Added\n\n- Mail import ([docs](https://x.example/d)).\n- **Fast** search & <filters>.\n\n### Fixed\n\n- Login #12 works.\n\n## Image\n\n```sh\ndocker pull ghcr.io/acme/app:0.4.0\n```\n",
    ),
];

#[test]
fn each_kind_writes_the_announcement_its_own_way() {
    for (rule, kind, text) in COMPOSED {
        let m = compose(&notes(), &Channel::new("c", *kind)).unwrap();
        assert_eq!(m.text, *text, "{rule}: {kind}\n{}", m.text);
        assert_eq!(m.title, "App 0.4.0 released", "{rule}: {kind}");
        assert_eq!(m.chars, kind.limits().count(text), "{rule}: {kind}");
        assert_eq!(m.limit, kind.limits().max_chars, "{rule}: {kind}");
        assert_eq!(m.left_out, 0, "{rule}: {kind}");
        assert_eq!(m.notice, Notice::Announcement, "{rule}: {kind}");
        assert_eq!((m.channel.as_str(), m.kind), ("c", *kind), "{rule}");
        // Only a webhook gets the documented body, with the same title and text.
        match (&m.webhook, kind) {
            (Some(body), ChannelKind::Webhook) => {
                assert_eq!(body.event, "release.announced", "{rule}");
                assert_eq!(body.title, m.title, "{rule}");
                assert_eq!(body.text, m.text, "{rule}");
                assert_eq!(body.version, "0.4.0", "{rule}");
                assert_eq!(body.tag, "v0.4.0", "{rule}");
                assert_eq!(body.project, "App", "{rule}");
                assert_eq!(body.release_url.as_deref(), Some(RELEASE), "{rule}");
                assert_eq!(body.upgrading_url.as_deref(), Some(UPGRADING), "{rule}");
                assert_eq!(
                    body.image.as_deref(),
                    Some("ghcr.io/acme/app:0.4.0"),
                    "{rule}"
                );
            }
            (None, k) if *k != ChannelKind::Webhook => {}
            (body, _) => panic!("{rule}: {kind}: webhook body {body:?}"),
        }
    }
}

fn dep() -> Deprecation {
    Deprecation {
        project: "App".into(),
        version: ReleaseVersion::stable(0, 4, 0),
        tag: "v0.4.0".into(),
        reason: "corrupts **uploads**.".into(),
        replacement: Some(ReleaseVersion::stable(0, 3, 2)),
        aliases: vec![
            AliasNote {
                alias: "0".into(),
                target: Some("0.3.2".into()),
            },
            AliasNote {
                alias: "0.4".into(),
                target: None,
            },
        ],
        release_url: Some(RELEASE.into()),
    }
}

/// (rule, kind, the whole deprecation notice as posted)
const DEPRECATIONS: &[(&str, ChannelKind, &str)] = &[
    (
        "R6",
        ChannelKind::Discord,
        "⚠️ **App 0.4.0 is withdrawn**: corrupts **uploads**.\nUse **0.3.2** instead.\n\nThe image's aliases now point at: `0` → 0.3.2, `0.4` stays on 0.4.0 until the next release.\n\nDetails: <https://github.com/acme/app/releases/tag/v0.4.0>",
    ),
    (
        "R6",
        ChannelKind::Slack,
        ":warning: *App 0.4.0 is withdrawn*: corrupts *uploads*.\nUse *0.3.2* instead.\n\nThe image's aliases now point at: `0` → 0.3.2, `0.4` stays on 0.4.0 until the next release.\n\nDetails: <https://github.com/acme/app/releases/tag/v0.4.0|https://github.com/acme/app/releases/tag/v0.4.0>",
    ),
    (
        "R6",
        ChannelKind::Mastodon,
        "⚠️ App 0.4.0 is withdrawn: corrupts uploads.\nUse 0.3.2 instead.\n\nThe image's aliases now point at: 0 → 0.3.2, 0.4 stays on 0.4.0 until the next release.\n\nDetails: https://github.com/acme/app/releases/tag/v0.4.0",
    ),
    (
        "R6",
        ChannelKind::GithubDiscussions,
        "App 0.4.0 was rolled back: corrupts **uploads**.\n\nUse **0.3.2** instead.\n\nThe image's aliases now point at: `0` → 0.3.2, `0.4` stays on 0.4.0 until the next release.\n\n[Details](https://github.com/acme/app/releases/tag/v0.4.0)",
    ),
];

#[test]
fn each_kind_writes_the_deprecation_notice_its_own_way() {
    for (rule, kind, text) in DEPRECATIONS {
        let m = compose_deprecation(&dep(), &Channel::new("c", *kind)).unwrap();
        assert_eq!(m.text, *text, "{rule}: {kind}\n{}", m.text);
        assert_eq!(m.title, "App 0.4.0 is withdrawn", "{rule}");
        assert_eq!(m.notice, Notice::Deprecation, "{rule}");
        assert_eq!(m.chars, kind.limits().count(text), "{rule}: {kind}");
        assert!(m.webhook.is_none(), "{rule}: {kind}");
    }
    let mut none = dep();
    none.replacement = None;
    none.aliases.clear();
    none.release_url = None;
    let m = compose_deprecation(&none, &Channel::new("c", ChannelKind::Discord)).unwrap();
    assert_eq!(
        m.text,
        "⚠️ **App 0.4.0 is withdrawn**: corrupts **uploads**.\nNo earlier release replaces it; the next release will.",
        "R6"
    );
    let m = compose_deprecation(&dep(), &Channel::new("w", ChannelKind::Webhook)).unwrap();
    let body = m.webhook.unwrap();
    assert_eq!(body.event, "release.deprecated", "R6");
    assert_eq!(body.reason.as_deref(), Some("corrupts **uploads**"), "R6");
    assert_eq!(body.replacement.as_deref(), Some("0.3.2"), "R6");
    assert_eq!(body.aliases, dep().aliases, "R6");
    assert_eq!(body.text, m.text, "R6");
}

/// (rule, reason given, Ok(()) or Err(()))
const REASONS: &[(&str, &str, bool)] = &[
    ("R6", "corrupts uploads", true),
    ("R6", "", false),
    ("R6", " . ", false),
    ("R6", "two\nlines", false),
    ("R6", "carriage\rreturn", false),
];

#[test]
fn a_deprecation_says_in_one_line_what_is_wrong() {
    for (rule, reason, ok) in REASONS {
        let mut d = dep();
        d.reason = (*reason).into();
        let got = compose_deprecation(&d, &Channel::new("c", ChannelKind::Discord));
        match got {
            Ok(_) => assert!(*ok, "{rule}: {reason:?}"),
            Err(e) => {
                assert!(!*ok, "{rule}: {reason:?}: {e}");
                assert_eq!(e.rule, Rule::R6, "{rule}");
                assert!(e.message.contains("--reason"), "{rule}: {e}");
            }
        }
    }
}

#[test]
fn breaking_changes_come_first_with_their_migration() {
    let mut n = notes();
    n.breaking = vec![
        Breaking {
            change: "No breaking changes.".into(),
            migration: String::new(),
        },
        Breaking {
            change: "The storage layout changed.".into(),
            migration: "Run `app migrate`.".into(),
        },
        Breaking {
            change: "The `--old` flag is gone.".into(),
            migration: "—".into(),
        },
    ];
    let m = compose(&n, &Channel::new("d", ChannelKind::Discord)).unwrap();
    assert!(
        m.text.starts_with("**App 0.4.0** is out (2026-07-20).\n\n⚠️ **Breaking changes**\n- The storage layout changed. Migration: Run `app migrate`.\n- The `--old` flag is gone.\n\n**What changed**"),
        "N1: {}",
        m.text
    );
    let m = compose(&n, &Channel::new("s", ChannelKind::Slack)).unwrap();
    assert!(
        m.text.contains("\n\n:warning: *Breaking changes*\n• The storage layout changed. Migration: Run `app migrate`.\n"),
        "N1: {}",
        m.text
    );
    // A status has no room for the migration: the upgrading link carries it.
    let m = compose(&n, &Channel::new("m", ChannelKind::Mastodon)).unwrap();
    assert!(
        m.text.contains(
            "⚠️ Breaking changes\n- The storage layout changed.\n- The `--old` flag is gone.\n"
        ),
        "N1: {}",
        m.text
    );
    // Without the guide's rows, the entries the changelog marks breaking.
    let mut n = notes();
    n.categories[1]
        .entries
        .push(Entry::new("- **Breaking**: sessions expire.", true));
    let m = compose(&n, &Channel::new("d", ChannelKind::Discord)).unwrap();
    assert!(
        m.text.contains("⚠️ **Breaking changes**\n- **Breaking**: sessions expire.\n\n**What changed**: 2 added, 2 fixed, including:"),
        "N1: {}",
        m.text
    );
    assert!(
        !m.text.contains("Fixed: **Breaking**"),
        "N1: not a highlight too"
    );
    let body = compose(&n, &Channel::new("w", ChannelKind::Webhook))
        .unwrap()
        .webhook
        .unwrap();
    assert_eq!(body.breaking, ["**Breaking**: sessions expire."], "N1");
}

// ---------------------------------------------------------------- N1: staying under the limit

fn one_entry(text: &str) -> ReleaseNotes {
    let mut n = notes();
    n.categories = vec![Category {
        name: "Added".into(),
        entries: vec![Entry::new(text, false)],
    }];
    n
}

/// An entry of `a` letters, a separator, then `b` letters.
fn words(a: usize, sep: &str, b: usize) -> String {
    format!("{}{sep}{}", "a".repeat(a), "b".repeat(b))
}

/// (rule, entry, how Discord (200 characters an entry) shows it)
fn shortened() -> Vec<(&'static str, String, String)> {
    vec![
        // Short enough: as it is.
        ("N1", words(100, " ", 99), words(100, " ", 99)),
        // One over: cut at the last space when it is in the second half, with `…`.
        ("N1", words(150, " ", 100), format!("{}…", "a".repeat(150))),
        ("N1", words(150, ", ", 100), format!("{}…", "a".repeat(150))),
        // The last space in the first half: cut mid-word instead.
        (
            "N1",
            words(50, " ", 200),
            format!("{}…", words(50, " ", 148)),
        ),
        (
            "N1",
            words(99, " ", 150),
            format!("{}…", words(99, " ", 99)),
        ),
        ("N1", words(100, " ", 150), format!("{}…", "a".repeat(100))),
        ("N1", "c".repeat(201), format!("{}…", "c".repeat(199))),
        ("N1", "c".repeat(200), "c".repeat(200)),
    ]
}

#[test]
fn long_entries_are_shortened_at_a_word() {
    for (rule, entry, shown) in shortened() {
        let m = compose(&one_entry(&entry), &Channel::new("d", ChannelKind::Discord)).unwrap();
        let line = m
            .text
            .lines()
            .find_map(|l| l.strip_prefix("- Added: "))
            .unwrap_or_else(|| panic!("{rule}: no highlight in {}", m.text));
        assert_eq!(line, shown, "{rule}: {} characters", entry.chars().count());
        assert!(line.chars().count() <= 200, "{rule}");
    }
}

fn many(n: usize, chars: usize) -> Vec<Entry> {
    (0..n)
        .map(|i| Entry::new(&format!("{i:02} {}", "x".repeat(chars - 3)), false))
        .collect()
}

#[test]
fn highlights_are_capped_then_dropped_only_as_needed() {
    // Discord lists at most 10 highlights, and says how many more there are.
    let mut n = notes();
    n.categories = vec![Category {
        name: "Added".into(),
        entries: many(12, 20),
    }];
    let m = compose(&n, &Channel::new("d", ChannelKind::Discord)).unwrap();
    assert_eq!(m.left_out, 2, "N1: {}", m.text);
    assert_eq!(m.text.matches("\n- Added: ").count(), 10, "N1");
    assert!(
        m.text.contains("- Added: 09 ") && !m.text.contains("- Added: 10 "),
        "N1"
    );
    assert!(
        m.text.contains("…and 2 more in the release notes.\n"),
        "N1: {}",
        m.text
    );
    assert!(
        m.text.contains("**What changed**: 12 added, including:"),
        "N1"
    );

    // Ten long highlights do not fit in 2000 characters: as many as fit are kept.
    n.categories[0].entries = many(10, 199);
    let m = compose(&n, &Channel::new("d", ChannelKind::Discord)).unwrap();
    let shown = m.text.matches("\n- Added: ").count();
    assert!(shown > 0 && shown < 10, "N1: {shown}");
    assert_eq!(m.left_out, 10 - shown, "N1");
    assert!(m.chars <= 2000, "N1: {}", m.chars);
    assert!(
        m.chars + 209 > 2000,
        "N1: one more would not fit ({})",
        m.chars
    );
    assert!(
        m.text
            .contains(&format!("…and {} more in the release notes.", 10 - shown)),
        "N1: {}",
        m.text
    );

    // GitHub Discussions: no cap, but 65536 characters; the categories shown keep their
    // headings, the ones left out entirely lose theirs.
    n.categories = vec![
        Category {
            name: "Added".into(),
            entries: many(70, 1000),
        },
        Category {
            name: "Fixed".into(),
            entries: many(20, 1000),
        },
    ];
    let m = compose(&n, &Channel::new("gh", ChannelKind::GithubDiscussions)).unwrap();
    let shown = m.text.matches("\n- ").count();
    assert!(shown > 0 && shown < 70, "N1: {shown}");
    assert_eq!(m.left_out, 90 - shown, "N1");
    assert!(
        m.chars <= 65_536 && m.chars + 1003 > 65_536,
        "N1: {}",
        m.chars
    );
    assert!(
        m.text.contains("### Added") && !m.text.contains("### Fixed"),
        "N1"
    );
    assert!(
        m.text.contains(&format!(
            "\n…and {} more in the release notes.\n",
            90 - shown
        )),
        "N1"
    );
}

#[test]
fn breaking_changes_are_dropped_last_and_never_all() {
    let mut n = notes();
    n.categories.clear();
    n.breaking = (0..10)
        .map(|i| Breaking {
            change: format!("{i} {}", "y".repeat(90)),
            migration: String::new(),
        })
        .collect();
    let m = compose(&n, &Channel::new("m", ChannelKind::Mastodon)).unwrap();
    let shown = m.text.matches("\n- ").count();
    assert!(shown > 0 && shown < 10, "N1: {shown}\n{}", m.text);
    assert_eq!(m.left_out, 10 - shown, "N1");
    assert!(m.chars <= 500, "N1");
    assert!(
        m.text
            .contains(&format!("…and {} more in the upgrading notes.", 10 - shown)),
        "N1: {}",
        m.text
    );
    // The last breaking change is never dropped: a project name that leaves exactly the room
    // of a message without breaking changes is refused, not announced without them.
    let mut bare = n.clone();
    bare.breaking.clear();
    bare.project = "P".into();
    let base = compose(&bare, &Channel::new("m", ChannelKind::Mastodon))
        .unwrap()
        .chars;
    bare.project = "P".repeat(1 + 500 - base);
    let fits = compose(&bare, &Channel::new("m", ChannelKind::Mastodon)).unwrap();
    assert_eq!(fits.chars, 500, "N1: the room is exact");
    n.project = bare.project.clone();
    assert!(
        compose(&n, &Channel::new("m", ChannelKind::Mastodon)).is_err(),
        "N1: announced without its breaking changes"
    );
    // The headline and the links always stay: too long even so is an error naming the limit.
    n.project = "P".repeat(480);
    let err = compose(&n, &Channel::new("m", ChannelKind::Mastodon)).unwrap_err();
    assert_eq!(err.rule, Rule::N1);
    assert!(
        err.message
            .contains("even without highlights; mastodon allows 500")
            && !err.message.contains("template"),
        "N1: {err}"
    );
}

/// (rule, Discord template length, fits)
const TEMPLATE_LENGTHS: &[(&str, usize, bool)] =
    &[("N1", 1999, true), ("N1", 2000, true), ("N1", 2001, false)];

#[test]
fn a_template_fits_up_to_the_limit() {
    for (rule, len, fits) in TEMPLATE_LENGTHS {
        let mut c = Channel::new("d", ChannelKind::Discord);
        c.template = Some("x".repeat(*len));
        assert_eq!(compose(&notes(), &c).is_ok(), *fits, "{rule}: {len}");
        let mut c = Channel::new("d", ChannelKind::Discord);
        c.deprecation_template = Some("x".repeat(*len));
        let got = compose_deprecation(&dep(), &c);
        assert_eq!(got.is_ok(), *fits, "R6: {len}");
        if let Err(e) = got {
            assert_eq!(e.rule, Rule::R6);
            assert!(
                e.message
                    .contains(&format!("is {len} characters; discord allows 2000")),
                "R6: {e}"
            );
        }
    }
}

/// (rule, the guide's change, its migration, the line Discord shows, or None)
type BreakingRow = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
);

const BREAKING: &[BreakingRow] = &[
    (
        "N1",
        "Layout changed.",
        "Run `migrate`.",
        Some("Layout changed. Migration: Run `migrate`."),
    ),
    ("N1", "Layout changed.", "", Some("Layout changed.")),
    ("N1", "Layout changed.", " - ", Some("Layout changed.")),
    ("N1", "Layout changed.", "—", Some("Layout changed.")),
    ("N1", "Layout changed.", "None.", Some("Layout changed.")),
    (
        "N1",
        "Layout changed.",
        "No breaking changes",
        Some("Layout changed."),
    ),
    (
        "N1",
        "Layout changed.",
        "Nonetheless run it.",
        Some("Layout changed. Migration: Nonetheless run it."),
    ),
    ("N1", "None", "", None),
    ("N1", "-", "", None),
    ("N1", "—", "", None),
    ("N1", "", "Run it.", None),
    ("N1", "No breaking changes in this release.", "", None),
];

#[test]
fn placeholder_rows_of_the_guide_are_not_breaking_changes() {
    for (rule, change, migration, shown) in BREAKING {
        let mut n = notes();
        n.breaking = vec![Breaking {
            change: (*change).into(),
            migration: (*migration).into(),
        }];
        let m = compose(&n, &Channel::new("d", ChannelKind::Discord)).unwrap();
        let listed = m
            .text
            .split_once("⚠️ **Breaking changes**\n- ")
            .map(|(_, rest)| rest.lines().next().unwrap_or_default());
        assert_eq!(
            listed, *shown,
            "{rule}: {change:?} / {migration:?}\n{}",
            m.text
        );
    }
}

/// (rule, kind, changelog entry, the highlight as the kind shows it)
const INLINE: &[(&str, ChannelKind, &str, &str)] = &[
    (
        "N1",
        ChannelKind::Discord,
        "- See [the docs](https://d.example).",
        "See [the docs](https://d.example).",
    ),
    (
        "N1",
        ChannelKind::Slack,
        "- See [the docs](https://d.example).",
        "See <https://d.example|the docs>.",
    ),
    (
        "N1",
        ChannelKind::Mastodon,
        "- See [the docs](https://d.example).",
        "See the docs (https://d.example).",
    ),
    // Reference links keep their text: the definitions are not in the message.
    (
        "N1",
        ChannelKind::Discord,
        "- See [<docs> & more][r].",
        "See <docs> & more.",
    ),
    (
        "N1",
        ChannelKind::Slack,
        "- See [<docs> & more][r].",
        "See &lt;docs&gt; &amp; more.",
    ),
    (
        "N1",
        ChannelKind::Slack,
        "- See [<docs>].",
        "See &lt;docs&gt;.",
    ),
    (
        "N1",
        ChannelKind::Mastodon,
        "- See [docs][] now.",
        "See docs now.",
    ),
    (
        "N1",
        ChannelKind::Slack,
        "- A [broken link (x) & **bold**.",
        "A [broken link (x) &amp; *bold*.",
    ),
];

#[test]
fn inline_markdown_is_rewritten_per_kind() {
    for (rule, kind, entry, shown) in INLINE {
        let m = compose(&one_entry(entry), &Channel::new("c", *kind)).unwrap();
        let bullet = if *kind == ChannelKind::Slack {
            "• "
        } else {
            "- "
        };
        let line = m
            .text
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{bullet}Added: ")))
            .unwrap_or_else(|| panic!("{rule}: no highlight in {}", m.text));
        assert_eq!(line, *shown, "{rule}: {kind} {entry:?}");
    }
}
