//! Announcements (N1) and deprecation notices (R6): the channels of the policy, and the message
//! each channel gets, composed from a version's changelog section, its upgrading notes and its
//! links.
//!
//! Everything here is a decision on values: the I/O crates read the changelog and the guide
//! (`release-changelog`), post (`release-registry`) and keep the record (a marker per channel
//! in the GitHub Release body, [`marker`]). A message is composed for one channel kind and its
//! limits ([`Limits`]): breaking changes first, then a summary by category, then as many
//! highlights as fit, then the links; what does not fit is counted, never cut mid-link.
//!
//! ```
//! use release_core::announce::{compose, Category, Channel, ChannelKind, Entry, ReleaseNotes};
//! use release_core::version::ReleaseVersion;
//!
//! let notes = ReleaseNotes {
//!     project: "App".into(),
//!     version: ReleaseVersion::stable(0, 4, 0),
//!     tag: "v0.4.0".into(),
//!     date: Some("2026-07-20".into()),
//!     categories: vec![Category {
//!         name: "Added".into(),
//!         entries: vec![Entry::new("- Mail import.", false)],
//!     }],
//!     breaking: Vec::new(),
//!     release_url: Some("https://github.com/acme/app/releases/tag/v0.4.0".into()),
//!     upgrading_url: None,
//!     image: None,
//! };
//! let channel = Channel::new("fedi", ChannelKind::Mastodon);
//! let message = compose(&notes, &channel)?;
//! assert!(message.text.starts_with("App 0.4.0 is out"));
//! assert!(message.chars <= 500);
//! # Ok::<(), release_core::announce::AnnounceError>(())
//! ```

use std::collections::BTreeSet;
use std::fmt;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::rule::Rule;
use crate::version::ReleaseVersion;

/// Where an announcement goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChannelKind {
    /// A new discussion in a GitHub Discussions category (GraphQL `createDiscussion`).
    GithubDiscussions,
    /// A Discord channel webhook (`content`, at most 2000 characters).
    Discord,
    /// A Slack incoming webhook (`text` in Slack's mrkdwn).
    Slack,
    /// A Mastodon status (500 characters, a link counting as 23).
    Mastodon,
    /// Any HTTP endpoint taking the documented JSON body ([`WebhookBody`]).
    Webhook,
}

impl ChannelKind {
    /// The name as the policy writes it (`github-discussions`).
    pub fn name(self) -> &'static str {
        match self {
            ChannelKind::GithubDiscussions => "github-discussions",
            ChannelKind::Discord => "discord",
            ChannelKind::Slack => "slack",
            ChannelKind::Mastodon => "mastodon",
            ChannelKind::Webhook => "webhook",
        }
    }

    /// What the kind allows in one message.
    pub fn limits(self) -> Limits {
        match self {
            // GitHub refuses discussion bodies over 65536 characters.
            ChannelKind::GithubDiscussions => Limits {
                max_chars: 65_536,
                url_chars: None,
                max_highlights: usize::MAX,
                max_entry_chars: 1_000,
            },
            // Discord refuses `content` over 2000 characters (Invalid Form Body).
            ChannelKind::Discord => Limits {
                max_chars: 2_000,
                url_chars: None,
                max_highlights: 10,
                max_entry_chars: 200,
            },
            // Slack truncates `text` after 40,000 characters; a channel message is read at a
            // glance, so highlights are capped like Discord's.
            ChannelKind::Slack => Limits {
                max_chars: 40_000,
                url_chars: None,
                max_highlights: 10,
                max_entry_chars: 300,
            },
            // Mastodon's default limit; every link counts as 23 characters whatever its length.
            ChannelKind::Mastodon => Limits {
                max_chars: 500,
                url_chars: Some(23),
                max_highlights: 5,
                max_entry_chars: 100,
            },
            ChannelKind::Webhook => Limits {
                max_chars: 65_536,
                url_chars: None,
                max_highlights: usize::MAX,
                max_entry_chars: 1_000,
            },
        }
    }
}

impl fmt::Display for ChannelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A channel kind's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Limits {
    /// The most characters (Unicode scalar values) one message may have.
    pub max_chars: usize,
    /// How many characters an `http(s)://` link counts for, when the service counts links at a
    /// fixed weight (Mastodon: 23).
    pub url_chars: Option<usize>,
    /// The most changelog entries listed as highlights.
    pub max_highlights: usize,
    /// The most characters of one entry before it is shortened with `…`.
    pub max_entry_chars: usize,
}

impl Limits {
    /// The length of `text` as the service counts it.
    pub fn count(&self, text: &str) -> usize {
        let Some(weight) = self.url_chars else {
            return text.chars().count();
        };
        let mut total = 0usize;
        for (i, word) in text.split([' ', '\n']).enumerate() {
            if i > 0 {
                total = total.saturating_add(1);
            }
            let n = if word.starts_with("https://") || word.starts_with("http://") {
                weight
            } else {
                word.chars().count()
            };
            total = total.saturating_add(n);
        }
        total
    }
}

/// Mastodon's `visibility`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// Everyone, on public timelines.
    #[default]
    Public,
    /// Everyone, but not on public timelines.
    Unlisted,
    /// Followers only.
    Private,
    /// Mentioned accounts only.
    Direct,
}

impl Visibility {
    /// The API value.
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Unlisted => "unlisted",
            Visibility::Private => "private",
            Visibility::Direct => "direct",
        }
    }
}

/// One `[[announce.channels]]` entry. Secrets are never in the file: `url_env` and
/// `token_env` name the environment variables that hold them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    /// The channel's name: what `--channel` selects and the record remembers
    /// (`[A-Za-z0-9._-]`, at most 64).
    pub name: String,
    /// The kind of channel.
    pub kind: ChannelKind,
    /// `github-discussions`: `owner/name` (default: `github.repository`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub repository: String,
    /// `github-discussions`: the discussion category's name (`Announcements`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub category: String,
    /// `github-discussions`: the GraphQL endpoint (default: from `github.api_base`,
    /// `https://api.github.com/graphql`, `https://HOST/api/graphql` on GitHub Enterprise).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub api_url: String,
    /// `mastodon`: the instance (`https://fosstodon.org`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub instance: String,
    /// `mastodon`: who sees the status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Visibility>,
    /// `mastodon`: the status language (ISO 639-1, `en`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub language: String,
    /// `discord`, `slack`, `webhook`: the environment variable holding the webhook URL (the URL
    /// is the secret).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub url_env: String,
    /// `github-discussions` (default `GITHUB_TOKEN`), `mastodon` (required), `webhook`
    /// (optional, sent as `Authorization: Bearer`): the environment variable holding the token.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub token_env: String,
    /// The announcement's text with placeholders ([`ANNOUNCE_PLACEHOLDERS`]) instead of the
    /// composed one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// The deprecation notice's text with placeholders ([`DEPRECATION_PLACEHOLDERS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecation_template: Option<String>,
}

impl Channel {
    /// A channel with only a name and a kind (every other key left out).
    pub fn new(name: &str, kind: ChannelKind) -> Channel {
        Channel {
            name: name.into(),
            kind,
            repository: String::new(),
            category: String::new(),
            api_url: String::new(),
            instance: String::new(),
            visibility: None,
            language: String::new(),
            url_env: String::new(),
            token_env: String::new(),
            template: None,
            deprecation_template: None,
        }
    }

    /// The environment variable of the token (`GITHUB_TOKEN` for Discussions when left out).
    pub fn token_env(&self) -> Option<&str> {
        match (self.kind, self.token_env.as_str()) {
            (ChannelKind::GithubDiscussions, "") => Some("GITHUB_TOKEN"),
            (_, "") => None,
            (_, name) => Some(name),
        }
    }
}

/// The `[announce]` section.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AnnouncePolicy {
    /// The project's name in messages (`RustShare`). Empty: the GitHub repository's name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub project: String,
    /// The channels, in the order they are posted to.
    pub channels: Vec<Channel>,
}

/// Placeholders of an announcement template.
pub const ANNOUNCE_PLACEHOLDERS: [&str; 10] = [
    "project",
    "version",
    "tag",
    "date",
    "release_url",
    "upgrading_url",
    "image",
    "breaking",
    "summary",
    "highlights",
];

/// Placeholders of a deprecation template.
pub const DEPRECATION_PLACEHOLDERS: [&str; 7] = [
    "project",
    "version",
    "tag",
    "reason",
    "replacement",
    "aliases",
    "release_url",
];

impl AnnouncePolicy {
    /// True when nothing is configured (the section is left out of `policy show`).
    pub fn is_empty(&self) -> bool {
        self.project.is_empty() && self.channels.is_empty()
    }

    /// Checks what serde cannot: names, the keys each kind needs, environment variable names,
    /// templates. Errors name the channel and the key, never a value that may be a secret.
    pub fn validate(&self) -> Result<(), String> {
        let mut seen = BTreeSet::new();
        for (i, c) in self.channels.iter().enumerate() {
            let which = if valid_name(&c.name) {
                format!("channel {:?}", c.name)
            } else {
                return Err(format!(
                    "channel {} has no valid name: use 1 to 64 of `A-Za-z0-9._-`",
                    i + 1
                ));
            };
            if !seen.insert(c.name.as_str()) {
                return Err(format!("{which} is listed twice"));
            }
            for (key, value) in [("url_env", &c.url_env), ("token_env", &c.token_env)] {
                if !value.is_empty() && !env_name(value) {
                    // The value may be a pasted secret: never quote it.
                    return Err(format!("{which}: `{key}` names an environment variable (`[A-Z_][A-Z0-9_]*`, e.g. DISCORD_WEBHOOK_URL); secrets never go into the policy file"));
                }
            }
            let need = |key: &str, value: &str| {
                if value.trim().is_empty() {
                    Err(format!("{which}: a {} channel needs `{key}`", c.kind))
                } else {
                    Ok(())
                }
            };
            let unused = |key: &str, value: bool| {
                if value {
                    Err(format!(
                        "{which}: `{key}` does not apply to a {} channel",
                        c.kind
                    ))
                } else {
                    Ok(())
                }
            };
            match c.kind {
                ChannelKind::GithubDiscussions => {
                    need("category", &c.category)?;
                    unused("url_env", !c.url_env.is_empty())?;
                    unused("instance", !c.instance.is_empty())?;
                    if !c.repository.is_empty() && !owner_name(&c.repository) {
                        return Err(format!("{which}: `repository` is `owner/name`"));
                    }
                    if !c.api_url.is_empty() && !http_url(&c.api_url) {
                        return Err(format!("{which}: `api_url` is an http(s) URL"));
                    }
                }
                ChannelKind::Discord | ChannelKind::Slack => {
                    need("url_env", &c.url_env)?;
                    unused("token_env", !c.token_env.is_empty())?;
                    unused("instance", !c.instance.is_empty())?;
                    unused("category", !c.category.is_empty())?;
                }
                ChannelKind::Mastodon => {
                    need("instance", &c.instance)?;
                    need("token_env", &c.token_env)?;
                    unused("url_env", !c.url_env.is_empty())?;
                    if !http_url(&c.instance) {
                        return Err(format!(
                            "{which}: `instance` is the server's URL (`https://fosstodon.org`)"
                        ));
                    }
                }
                ChannelKind::Webhook => {
                    need("url_env", &c.url_env)?;
                    unused("instance", !c.instance.is_empty())?;
                    unused("category", !c.category.is_empty())?;
                }
            }
            if c.kind != ChannelKind::Mastodon {
                unused("visibility", c.visibility.is_some())?;
                unused("language", !c.language.is_empty())?;
            }
            if c.kind != ChannelKind::GithubDiscussions {
                unused("repository", !c.repository.is_empty())?;
                unused("api_url", !c.api_url.is_empty())?;
            }
            for (key, template, known) in [
                ("template", &c.template, &ANNOUNCE_PLACEHOLDERS[..]),
                (
                    "deprecation_template",
                    &c.deprecation_template,
                    &DEPRECATION_PLACEHOLDERS[..],
                ),
            ] {
                if let Some(t) = template {
                    if t.trim().is_empty() {
                        return Err(format!("{which}: `{key}` is empty"));
                    }
                    if let Err(bad) = placeholders(t, known) {
                        return Err(format!(
                            "{which}: `{key}` has an unknown placeholder {{{bad}}}; known: {}",
                            known
                                .iter()
                                .map(|k| format!("{{{k}}}"))
                                .collect::<Vec<_>>()
                                .join(" ")
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// The channels `--channel` names (every channel when `names` is empty), in the policy's
    /// order; an unknown name is an error listing the known ones.
    pub fn select(&self, names: &[String]) -> Result<Vec<&Channel>, AnnounceError> {
        if self.channels.is_empty() {
            return Err(AnnounceError::new(
                Rule::N1,
                "the policy has no announcement channels: add `[[announce.channels]]` (see docs/announce.md)",
            ));
        }
        for n in names {
            if !self.channels.iter().any(|c| &c.name == n) {
                return Err(AnnounceError::new(
                    Rule::N1,
                    format!(
                        "no channel {n:?} in the policy; channels: {}",
                        self.channels
                            .iter()
                            .map(|c| c.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        }
        Ok(self
            .channels
            .iter()
            .filter(|c| names.is_empty() || names.contains(&c.name))
            .collect())
    }
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

fn env_name(name: &str) -> bool {
    name.len() <= 128
        && name
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_uppercase() || b == b'_')
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

fn owner_name(repo: &str) -> bool {
    let parts: Vec<&str> = repo.split('/').collect();
    parts.len() == 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        })
}

fn http_url(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://"))
        && !url.contains(char::is_whitespace)
        && !url.contains('@')
}

/// Checks every `{name}` in a template is known; `Err` carries the first unknown one.
fn placeholders<'t>(template: &'t str, known: &[&str]) -> Result<(), &'t str> {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                if !known.contains(&name) {
                    return Err(name);
                }
                rest = &after[close + 1..];
            }
            None => return Err(after),
        }
    }
    Ok(())
}

/// Why no message could be composed; carries the rule that refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} ({rule})")]
pub struct AnnounceError {
    /// The rule that refused (N1 for announcements, R6 for deprecation notices).
    pub rule: Rule,
    /// What is wrong.
    pub message: String,
}

impl AnnounceError {
    fn new(rule: Rule, message: impl Into<String>) -> Self {
        AnnounceError {
            rule,
            message: message.into(),
        }
    }
}

/// A changelog entry: its Markdown as written (the list marker and line breaks are dropped),
/// and whether it says it breaks something.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// One line of Markdown.
    pub text: String,
    /// Marked breaking in the changelog (`**Breaking**`, `BREAKING:`).
    pub breaking: bool,
}

impl Entry {
    /// An entry from a list item as the changelog has it (`- Mail import.\n  More.`).
    pub fn new(item: &str, breaking: bool) -> Entry {
        let trimmed = item.trim_start();
        let body = trimmed
            .strip_prefix(['-', '*', '+'])
            .map(str::trim_start)
            .unwrap_or_else(|| {
                // `1.` / `1)` ordered items.
                let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
                match trimmed[digits..].strip_prefix(['.', ')']) {
                    Some(rest) if digits > 0 => rest.trim_start(),
                    _ => trimmed,
                }
            });
        Entry {
            text: body.split_whitespace().collect::<Vec<_>>().join(" "),
            breaking,
        }
    }
}

/// A category of the version's section and its entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Category {
    /// The heading (`Added`).
    pub name: String,
    /// Its entries in file order.
    pub entries: Vec<Entry>,
}

/// A breaking change from the upgrading guide, with its migration path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breaking {
    /// What changed.
    pub change: String,
    /// What to do; empty when the guide gives nothing.
    pub migration: String,
}

/// What an announcement is made of, as the I/O crates read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseNotes {
    /// The project's name.
    pub project: String,
    /// The version announced.
    pub version: ReleaseVersion,
    /// Its git tag.
    pub tag: String,
    /// The section's date.
    pub date: Option<String>,
    /// The section's categories (empty ones are skipped).
    pub categories: Vec<Category>,
    /// The guide's breaking changes for the version (placeholder rows such as "No breaking
    /// changes." already left out by the reader, or here).
    pub breaking: Vec<Breaking>,
    /// The GitHub Release (the release notes).
    pub release_url: Option<String>,
    /// The version's notes in the upgrading guide, with an anchor that exists.
    pub upgrading_url: Option<String>,
    /// The image reference (`ghcr.io/acme/app:0.4.0`).
    pub image: Option<String>,
}

/// Where an alias of a rolled-back version points now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AliasNote {
    /// The alias (`latest`, `0`, `0.4`).
    pub alias: String,
    /// The version it points at now; `None` when no good release covers it yet.
    pub target: Option<String>,
}

/// What a deprecation notice is made of (R6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deprecation {
    /// The project's name.
    pub project: String,
    /// The rolled-back version.
    pub version: ReleaseVersion,
    /// Its git tag.
    pub tag: String,
    /// What is wrong with it (`--reason`).
    pub reason: String,
    /// What to use instead.
    pub replacement: Option<ReleaseVersion>,
    /// Where each alias points now.
    pub aliases: Vec<AliasNote>,
    /// The GitHub Release (it carries the deprecation banner).
    pub release_url: Option<String>,
}

/// Which message: the announcement of a release, or the notice that it was rolled back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Notice {
    /// The release announcement (N1).
    Announcement,
    /// The deprecation notice after a rollback (R6).
    Deprecation,
}

impl Notice {
    /// `announcement` / `deprecation`.
    pub fn name(self) -> &'static str {
        match self {
            Notice::Announcement => "announcement",
            Notice::Deprecation => "deprecation",
        }
    }

    /// The rule the notice implements.
    pub fn rule(self) -> Rule {
        match self {
            Notice::Announcement => Rule::N1,
            Notice::Deprecation => Rule::R6,
        }
    }
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The documented JSON body a `webhook` channel receives (docs/announce.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebhookBody {
    /// `release.announced` or `release.deprecated`.
    pub event: &'static str,
    /// The project's name.
    pub project: String,
    /// The version.
    pub version: String,
    /// The git tag.
    pub tag: String,
    /// The message's title.
    pub title: String,
    /// The message (Markdown).
    pub text: String,
    /// The GitHub Release.
    pub release_url: Option<String>,
    /// The upgrading notes (announcements).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upgrading_url: Option<String>,
    /// The image reference (announcements).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// The breaking changes (announcements).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub breaking: Vec<String>,
    /// Why the version was rolled back (deprecations).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What to use instead (deprecations).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
    /// Where the aliases point now (deprecations).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<AliasNote>,
}

/// One composed message: exactly what is posted to one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    /// The channel's name.
    pub channel: String,
    /// Its kind.
    pub kind: ChannelKind,
    /// Announcement or deprecation.
    pub notice: Notice,
    /// The title (a discussion's title; the webhook body's `title`).
    pub title: String,
    /// The text as posted.
    pub text: String,
    /// Its length as the service counts it.
    pub chars: usize,
    /// The kind's limit.
    pub limit: usize,
    /// Changelog entries left out to stay under the limit.
    pub left_out: usize,
    /// The body of a `webhook` channel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook: Option<WebhookBody>,
}

/// How a kind writes text: Markdown (Discord, Discussions, webhooks), Slack's mrkdwn, or
/// plain text (Mastodon renders no Markdown).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavor {
    Markdown,
    Mrkdwn,
    Plain,
}

fn flavor(kind: ChannelKind) -> Flavor {
    match kind {
        ChannelKind::Slack => Flavor::Mrkdwn,
        ChannelKind::Mastodon => Flavor::Plain,
        _ => Flavor::Markdown,
    }
}

/// Rewrites an entry's inline Markdown for a flavor: links `[t](u)` become `<u|t>` (mrkdwn)
/// or `t (u)` (plain); reference links `[t][r]` and `[t]` keep their text (the definitions are
/// not in the message); `**b**` becomes `*b*` (mrkdwn) or `b` (plain). Slack's `&`, `<`, `>`
/// are escaped as its documentation asks.
fn inline(text: &str, flavor: Flavor) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[') {
            if let Some(close) = after.find(']') {
                let label = &after[..close];
                let tail = &after[close + 1..];
                if let Some(url_part) = tail.strip_prefix('(') {
                    if let Some(end) = url_part.find(')') {
                        let url = &url_part[..end];
                        match flavor {
                            Flavor::Markdown => out.push_str(&format!("[{label}]({url})")),
                            Flavor::Mrkdwn => {
                                out.push_str(&format!("<{url}|{}>", slack_escape(label)))
                            }
                            Flavor::Plain => out.push_str(&format!("{label} ({url})")),
                        }
                        rest = &url_part[end + 1..];
                        continue;
                    }
                }
                // `[text][ref]` or `[text]`: the text alone.
                let skip = if tail.starts_with('[') {
                    tail.find(']').map_or(0, |e| e + 1)
                } else {
                    0
                };
                out.push_str(&match flavor {
                    Flavor::Mrkdwn => slack_escape(label),
                    _ => label.to_string(),
                });
                rest = &tail[skip..];
                continue;
            }
        }
        if let Some(after) = rest.strip_prefix("**") {
            match flavor {
                Flavor::Markdown => out.push_str("**"),
                Flavor::Mrkdwn => out.push('*'),
                Flavor::Plain => {}
            }
            rest = after;
            continue;
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            match (flavor, c) {
                (Flavor::Mrkdwn, '&') => out.push_str("&amp;"),
                (Flavor::Mrkdwn, '<') => out.push_str("&lt;"),
                (Flavor::Mrkdwn, '>') => out.push_str("&gt;"),
                _ => out.push(c),
            }
        }
        rest = chars.as_str();
    }
    out
}

fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Shortens to `max` characters with `…`, at a word boundary when one is near.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let keep: String = text.chars().take(max.saturating_sub(1)).collect();
    let cut = match keep.rfind(' ') {
        Some(i) if i > keep.len() / 2 => &keep[..i],
        _ => &keep[..],
    };
    format!("{}…", cut.trim_end_matches([' ', ',', ';', ':']))
}

fn bold(text: &str, flavor: Flavor) -> String {
    match flavor {
        Flavor::Markdown => format!("**{text}**"),
        Flavor::Mrkdwn => format!("*{text}*"),
        Flavor::Plain => text.to_string(),
    }
}

fn code(text: &str, flavor: Flavor) -> String {
    match flavor {
        Flavor::Plain => text.to_string(),
        _ => format!("`{text}`"),
    }
}

fn link(label: &str, url: &str, kind: ChannelKind) -> String {
    match kind {
        ChannelKind::Slack => format!("{label}: <{url}|{url}>"),
        // `<url>` keeps Discord from adding a second preview for the secondary link.
        ChannelKind::Discord if label != "Release notes" => format!("{label}: <{url}>"),
        ChannelKind::GithubDiscussions | ChannelKind::Webhook => format!("[{label}]({url})"),
        _ => format!("{label}: {url}"),
    }
}

fn bullet(flavor: Flavor) -> &'static str {
    match flavor {
        Flavor::Mrkdwn => "• ",
        _ => "- ",
    }
}

/// The summary line: `3 added, 1 changed, 2 fixed`.
fn summary(categories: &[Category]) -> String {
    categories
        .iter()
        .filter(|c| !c.entries.is_empty())
        .map(|c| format!("{} {}", c.entries.len(), c.name.to_lowercase()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The breaking changes: the guide's rows, else the entries the changelog marks breaking.
fn breaking_lines(notes: &ReleaseNotes, flavor: Flavor, max_entry: usize) -> Vec<String> {
    let placeholder = |t: &str| {
        let l = t.trim().trim_end_matches('.').to_lowercase();
        l.is_empty() || l == "—" || l == "-" || l == "none" || l.starts_with("no breaking")
    };
    let from_guide: Vec<String> = notes
        .breaking
        .iter()
        .filter(|b| !placeholder(&b.change))
        .map(|b| {
            let change = inline(&b.change, flavor);
            // A status has no room for the migration path: the upgrading link carries it.
            if flavor == Flavor::Plain || placeholder(&b.migration) {
                shorten(&change, max_entry)
            } else {
                shorten(
                    &format!("{change} Migration: {}", inline(&b.migration, flavor)),
                    max_entry,
                )
            }
        })
        .collect();
    if !from_guide.is_empty() {
        return from_guide;
    }
    notes
        .categories
        .iter()
        .flat_map(|c| c.entries.iter())
        .filter(|e| e.breaking)
        .map(|e| shorten(&inline(&e.text, flavor), max_entry))
        .collect()
}

/// Whether `version` is announced at all (N1): stable releases only; a candidate is
/// validated on staging, not announced.
pub fn announceable(version: &ReleaseVersion) -> Result<(), AnnounceError> {
    if version.is_stable() {
        Ok(())
    } else {
        Err(AnnounceError::new(
            Rule::N1,
            format!("{version} is a release candidate; only stable releases are announced"),
        ))
    }
}

/// Composes the announcement of `notes` for `channel` (N1): under the kind's limit, with the
/// link to the release notes (required) and to the upgrading notes.
pub fn compose(notes: &ReleaseNotes, channel: &Channel) -> Result<Message, AnnounceError> {
    announceable(&notes.version)?;
    let Some(release_url) = notes.release_url.as_deref() else {
        return Err(AnnounceError::new(
            Rule::N1,
            "an announcement links the release notes, and there is no GitHub repository to link (set github.repository)",
        ));
    };
    let kind = channel.kind;
    let limits = kind.limits();
    let flavor = flavor(kind);
    let title = format!("{} {} released", notes.project, notes.version);
    let breaking = breaking_lines(notes, flavor, limits.max_entry_chars);
    let highlights: Vec<String> = notes
        .categories
        .iter()
        .flat_map(|c| c.entries.iter().map(move |e| (c, e)))
        .filter(|(_, e)| !e.breaking)
        .map(|(c, e)| {
            let text = shorten(&inline(&e.text, flavor), limits.max_entry_chars);
            if kind == ChannelKind::GithubDiscussions {
                text
            } else {
                format!("{}: {text}", c.name)
            }
        })
        .collect();
    let total = highlights.len();
    let total_breaking = breaking.len();
    // Fewer highlights, then fewer breaking changes, until the message fits; the links and
    // the headline always stay.
    let mut n_high = total.min(limits.max_highlights);
    let mut n_break = total_breaking;
    loop {
        let text = match &channel.template {
            Some(t) => fill_announcement(
                t,
                notes,
                release_url,
                &breaking,
                &highlights,
                n_high,
                flavor,
            ),
            None => announcement_text(
                notes,
                kind,
                release_url,
                &breaking[..n_break],
                total_breaking,
                &highlights[..n_high],
                total,
            ),
        };
        let chars = limits.count(&text);
        if chars <= limits.max_chars {
            let left_out = (total - n_high) + (total_breaking - n_break);
            return Ok(finish(
                channel,
                Notice::Announcement,
                title,
                text,
                chars,
                left_out,
                notes_webhook(notes, &breaking),
            ));
        }
        if n_high > 0 {
            n_high -= 1;
        } else if n_break > 1 && channel.template.is_none() {
            n_break -= 1;
        } else {
            return Err(AnnounceError::new(
                Rule::N1,
                format!(
                    "the {} message for channel {:?} is {chars} characters even without highlights; {} allows {}{}",
                    kind,
                    channel.name,
                    kind,
                    limits.max_chars,
                    if channel.template.is_some() { ": shorten its template" } else { "" }
                ),
            ));
        }
    }
}

fn notes_webhook(notes: &ReleaseNotes, breaking: &[String]) -> WebhookBody {
    WebhookBody {
        event: "release.announced",
        project: notes.project.clone(),
        version: notes.version.to_string(),
        tag: notes.tag.clone(),
        title: String::new(),
        text: String::new(),
        release_url: notes.release_url.clone(),
        upgrading_url: notes.upgrading_url.clone(),
        image: notes.image.clone(),
        breaking: breaking.to_vec(),
        reason: None,
        replacement: None,
        aliases: Vec::new(),
    }
}

fn finish(
    channel: &Channel,
    notice: Notice,
    title: String,
    text: String,
    chars: usize,
    left_out: usize,
    mut body: WebhookBody,
) -> Message {
    let kind = channel.kind;
    let webhook = (kind == ChannelKind::Webhook).then(|| {
        body.title = title.clone();
        body.text = text.clone();
        body
    });
    Message {
        channel: channel.name.clone(),
        kind,
        notice,
        title,
        text,
        chars,
        limit: kind.limits().max_chars,
        left_out,
        webhook,
    }
}

fn announcement_text(
    notes: &ReleaseNotes,
    kind: ChannelKind,
    release_url: &str,
    breaking: &[String],
    total_breaking: usize,
    highlights: &[String],
    total: usize,
) -> String {
    let flavor = flavor(kind);
    let b = bullet(flavor);
    let mut out = String::new();
    let name = format!("{} {}", notes.project, notes.version);
    let date = notes
        .date
        .as_deref()
        .map(|d| format!(" ({d})"))
        .unwrap_or_default();
    let sum = summary(&notes.categories);
    if kind == ChannelKind::GithubDiscussions {
        let _ = writeln!(out, "{name} is out{date}.");
        out.push('\n');
        let mut links = vec![link("Release notes", release_url, kind)];
        if let Some(u) = &notes.upgrading_url {
            links.push(link("Upgrading notes", u, kind));
        }
        let _ = writeln!(out, "{}", links.join(" · "));
        if !breaking.is_empty() {
            out.push_str("\n## ⚠️ Breaking changes\n\n");
            for line in breaking {
                let _ = writeln!(out, "{b}{line}");
            }
        }
        if !notes.categories.iter().all(|c| c.entries.is_empty()) {
            let _ = write!(out, "\n## What changed\n");
            let mut shown = 0usize;
            for c in notes.categories.iter().filter(|c| !c.entries.is_empty()) {
                let entries: Vec<&Entry> = c.entries.iter().filter(|e| !e.breaking).collect();
                if entries.is_empty() || shown >= highlights.len() {
                    continue;
                }
                let _ = write!(out, "\n### {}\n\n", c.name);
                for _ in entries {
                    if shown >= highlights.len() {
                        break;
                    }
                    let _ = writeln!(out, "{b}{}", highlights[shown]);
                    shown += 1;
                }
            }
            if total > highlights.len() {
                let _ = writeln!(
                    out,
                    "\n…and {} more in the release notes.",
                    total - highlights.len()
                );
            }
        }
        if let Some(image) = &notes.image {
            let _ = write!(out, "\n## Image\n\n```sh\ndocker pull {image}\n```\n");
        }
        return out;
    }
    let _ = writeln!(out, "{} is out{date}.", bold(&name, flavor));
    if !breaking.is_empty() {
        out.push('\n');
        let warn = match flavor {
            Flavor::Mrkdwn => ":warning: ",
            _ => "⚠️ ",
        };
        let _ = writeln!(out, "{warn}{}", bold("Breaking changes", flavor));
        for line in breaking {
            let _ = writeln!(out, "{b}{line}");
        }
        if total_breaking > breaking.len() {
            let _ = writeln!(
                out,
                "…and {} more in the upgrading notes.",
                total_breaking - breaking.len()
            );
        }
    }
    if !sum.is_empty() {
        out.push('\n');
        if highlights.is_empty() {
            let _ = writeln!(out, "{}: {sum}.", bold("What changed", flavor));
        } else {
            let _ = writeln!(out, "{}: {sum}, including:", bold("What changed", flavor));
            for h in highlights {
                let _ = writeln!(out, "{b}{h}");
            }
            if total > highlights.len() {
                let _ = writeln!(
                    out,
                    "…and {} more in the release notes.",
                    total - highlights.len()
                );
            }
        }
    }
    out.push('\n');
    let _ = writeln!(out, "{}", link("Release notes", release_url, kind));
    if let Some(u) = &notes.upgrading_url {
        let _ = writeln!(out, "{}", link("Upgrading notes", u, kind));
    }
    if let Some(image) = &notes.image {
        let _ = writeln!(out, "Image: {}", code(image, flavor));
    }
    out.trim_end().to_string()
}

fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match values.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn fill_announcement(
    template: &str,
    notes: &ReleaseNotes,
    release_url: &str,
    breaking: &[String],
    highlights: &[String],
    n_high: usize,
    flavor: Flavor,
) -> String {
    let b = bullet(flavor);
    let list = |items: &[String]| {
        items
            .iter()
            .map(|i| format!("{b}{i}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    fill(
        template,
        &[
            ("project", notes.project.clone()),
            ("version", notes.version.to_string()),
            ("tag", notes.tag.clone()),
            ("date", notes.date.clone().unwrap_or_default()),
            ("release_url", release_url.to_string()),
            (
                "upgrading_url",
                notes.upgrading_url.clone().unwrap_or_default(),
            ),
            ("image", notes.image.clone().unwrap_or_default()),
            ("breaking", list(breaking)),
            ("summary", summary(&notes.categories)),
            ("highlights", list(&highlights[..n_high])),
        ],
    )
    .trim_end()
    .to_string()
}

/// Composes the deprecation notice of a rolled-back release for `channel` (R6): what is wrong,
/// what to use instead, where the aliases point now.
pub fn compose_deprecation(dep: &Deprecation, channel: &Channel) -> Result<Message, AnnounceError> {
    let reason = dep.reason.trim().trim_end_matches('.');
    if reason.is_empty() || reason.contains(['\n', '\r']) {
        return Err(AnnounceError::new(
            Rule::R6,
            "a deprecation notice says in one line what is wrong (--reason)",
        ));
    }
    let kind = channel.kind;
    let limits = kind.limits();
    let flavor = flavor(kind);
    let title = format!("{} {} is withdrawn", dep.project, dep.version);
    let instead = match &dep.replacement {
        Some(v) => format!("Use {} instead.", bold(&v.to_string(), flavor)),
        None => "No earlier release replaces it; the next release will.".to_string(),
    };
    let aliases: Vec<String> = dep
        .aliases
        .iter()
        .map(|a| match &a.target {
            Some(t) => format!("{} → {t}", code(&a.alias, flavor)),
            None => format!(
                "{} stays on {} until the next release",
                code(&a.alias, flavor),
                dep.version
            ),
        })
        .collect();
    let reason_text = inline(reason, flavor);
    let text = match &channel.deprecation_template {
        Some(t) => fill(
            t,
            &[
                ("project", dep.project.clone()),
                ("version", dep.version.to_string()),
                ("tag", dep.tag.clone()),
                ("reason", reason_text.clone()),
                (
                    "replacement",
                    dep.replacement
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                ),
                ("aliases", aliases.join(", ")),
                ("release_url", dep.release_url.clone().unwrap_or_default()),
            ],
        )
        .trim_end()
        .to_string(),
        None => {
            let mut out = String::new();
            let warn = match flavor {
                Flavor::Mrkdwn => ":warning: ",
                _ => "⚠️ ",
            };
            if kind == ChannelKind::GithubDiscussions {
                let _ = writeln!(
                    out,
                    "{} {} was rolled back: {reason_text}.\n\n{instead}",
                    dep.project, dep.version
                );
            } else {
                let _ = writeln!(
                    out,
                    "{warn}{}: {reason_text}.\n{instead}",
                    bold(&title, flavor)
                );
            }
            if !aliases.is_empty() {
                let _ = writeln!(
                    out,
                    "\nThe image's aliases now point at: {}.",
                    aliases.join(", ")
                );
            }
            if let Some(u) = &dep.release_url {
                out.push('\n');
                let _ = writeln!(out, "{}", link("Details", u, kind));
            }
            out.trim_end().to_string()
        }
    };
    let chars = limits.count(&text);
    if chars > limits.max_chars {
        return Err(AnnounceError::new(
            Rule::R6,
            format!(
                "the deprecation notice for channel {:?} is {chars} characters; {kind} allows {}",
                channel.name, limits.max_chars
            ),
        ));
    }
    let body = WebhookBody {
        event: "release.deprecated",
        project: dep.project.clone(),
        version: dep.version.to_string(),
        tag: dep.tag.clone(),
        title: String::new(),
        text: String::new(),
        release_url: dep.release_url.clone(),
        upgrading_url: None,
        image: None,
        breaking: Vec::new(),
        reason: Some(reason.to_string()),
        replacement: dep.replacement.as_ref().map(ToString::to_string),
        aliases: dep.aliases.clone(),
    };
    Ok(finish(
        channel,
        Notice::Deprecation,
        title,
        text,
        chars,
        0,
        body,
    ))
}

/// The start of every record marker.
pub const MARKER_PREFIX: &str = "<!-- release-announce: ";

/// The record that `notice` was posted to `channel`: an HTML comment appended to the GitHub
/// Release body (invisible on the page, kept by edits, readable from any machine).
pub fn marker(notice: Notice, channel: &str) -> String {
    format!("{MARKER_PREFIX}{} {channel} -->", notice.name())
}

/// What a release body records as posted: `(notice, channel)` pairs.
pub fn recorded(body: &str) -> BTreeSet<(Notice, String)> {
    body.lines()
        .filter_map(|l| {
            let rest = l.trim().strip_prefix(MARKER_PREFIX)?.strip_suffix("-->")?;
            let mut words = rest.split_whitespace();
            let notice = match words.next()? {
                "announcement" => Notice::Announcement,
                "deprecation" => Notice::Deprecation,
                _ => return None,
            };
            let channel = words.next()?;
            (words.next().is_none() && valid_name(channel)).then(|| (notice, channel.to_string()))
        })
        .collect()
}

/// Whether `notice` to `channel` is recorded in `body`.
pub fn is_recorded(body: &str, notice: Notice, channel: &str) -> bool {
    recorded(body).contains(&(notice, channel.to_string()))
}

/// The body with the marker appended; `None` when it is already there (a re-run).
pub fn add_marker(body: &str, notice: Notice, channel: &str) -> Option<String> {
    if is_recorded(body, notice, channel) {
        return None;
    }
    let mut out = body.trim_end_matches(['\n', '\r']).to_string();
    if !out.is_empty() {
        out.push_str(if out.contains(MARKER_PREFIX) {
            "\n"
        } else {
            "\n\n"
        });
    }
    out.push_str(&marker(notice, channel));
    out.push('\n');
    Some(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn notes() -> ReleaseNotes {
        ReleaseNotes {
            project: "App".into(),
            version: ReleaseVersion::stable(0, 4, 0),
            tag: "v0.4.0".into(),
            date: Some("2026-07-20".into()),
            categories: vec![
                Category {
                    name: "Added".into(),
                    entries: (1..=12)
                        .map(|i| Entry::new(&format!("- Feature number {i} with a longer description that takes some room ([#{i}])."), false))
                        .collect(),
                },
                Category {
                    name: "Changed".into(),
                    entries: vec![Entry::new("- **Breaking**: the storage layout changed.", true)],
                },
            ],
            breaking: vec![Breaking {
                change: "The storage layout changed.".into(),
                migration: "Run `app migrate` before starting 0.4.0.".into(),
            }],
            release_url: Some("https://github.com/acme/app/releases/tag/v0.4.0".into()),
            upgrading_url: Some(
                "https://github.com/acme/app/blob/v0.4.0/docs/upgrading.md#breaking-changes".into(),
            ),
            image: Some("ghcr.io/acme/app:0.4.0".into()),
        }
    }

    #[test]
    fn every_kind_stays_under_its_limit_with_links_and_breaking_first() {
        for kind in [
            ChannelKind::GithubDiscussions,
            ChannelKind::Discord,
            ChannelKind::Slack,
            ChannelKind::Mastodon,
            ChannelKind::Webhook,
        ] {
            let m = compose(&notes(), &Channel::new("c", kind)).unwrap();
            assert!(m.chars <= kind.limits().max_chars, "{kind}: {}", m.chars);
            assert!(m.text.contains("releases/tag/v0.4.0"), "{kind}");
            assert!(m.text.contains("#breaking-changes"), "{kind}");
            let breaking = m.text.find("storage layout").unwrap();
            let feature = m.text.find("Feature number 1").unwrap_or(usize::MAX);
            assert!(breaking < feature, "{kind}: breaking first\n{}", m.text);
        }
    }

    #[test]
    fn mastodon_counts_links_as_23_and_drops_highlights_to_fit() {
        let m = compose(&notes(), &Channel::new("fedi", ChannelKind::Mastodon)).unwrap();
        assert!(m.chars <= 500);
        assert!(m.left_out > 0, "{}", m.text);
        assert!(
            m.text.chars().count() > m.chars,
            "the long links count 23 each"
        );
        assert!(!m.text.contains("**"), "plain text: {}", m.text);
        assert!(m.text.contains("12 added, 1 changed"));
    }

    #[test]
    fn slack_uses_mrkdwn_links_and_escapes() {
        let mut n = notes();
        n.categories[0].entries = vec![Entry::new(
            "- Supports <b> & [docs](https://x.example/d).",
            false,
        )];
        let m = compose(&n, &Channel::new("s", ChannelKind::Slack)).unwrap();
        assert!(
            m.text
                .contains("Supports &lt;b&gt; &amp; <https://x.example/d|docs>."),
            "{}",
            m.text
        );
        assert!(m.text.starts_with("*App 0.4.0* is out"));
    }

    #[test]
    fn candidates_and_missing_links_are_refused_with_n1() {
        let mut n = notes();
        n.version =
            ReleaseVersion::parse_version("0.4.0-rc.1", &crate::policy::Policy::default()).unwrap();
        let err = compose(&n, &Channel::new("d", ChannelKind::Discord)).unwrap_err();
        assert_eq!(err.rule, Rule::N1);
        let mut n = notes();
        n.release_url = None;
        assert_eq!(
            compose(&n, &Channel::new("d", ChannelKind::Discord))
                .unwrap_err()
                .rule,
            Rule::N1
        );
    }

    #[test]
    fn templates_fill_and_refuse_over_the_limit() {
        let mut c = Channel::new("d", ChannelKind::Discord);
        c.template = Some("{project} {version}: {summary} {release_url}".into());
        let m = compose(&notes(), &c).unwrap();
        assert_eq!(
            m.text,
            "App 0.4.0: 12 added, 1 changed https://github.com/acme/app/releases/tag/v0.4.0"
        );
        c.template = Some("x".repeat(2001));
        let err = compose(&notes(), &c).unwrap_err();
        assert_eq!(err.rule, Rule::N1);
        assert!(err.message.contains("shorten its template"), "{err}");
    }

    #[test]
    fn deprecation_names_reason_replacement_and_aliases() {
        let dep = Deprecation {
            project: "App".into(),
            version: ReleaseVersion::stable(0, 4, 0),
            tag: "v0.4.0".into(),
            reason: "corrupts uploads".into(),
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
            release_url: Some("https://github.com/acme/app/releases/tag/v0.4.0".into()),
        };
        for kind in [
            ChannelKind::Discord,
            ChannelKind::Mastodon,
            ChannelKind::Slack,
            ChannelKind::GithubDiscussions,
        ] {
            let m = compose_deprecation(&dep, &Channel::new("c", kind)).unwrap();
            assert!(m.text.contains("corrupts uploads"), "{kind}");
            assert!(m.text.contains("0.3.2"), "{kind}");
            assert!(m.text.contains("0.4"), "{kind}");
            assert_eq!(m.notice, Notice::Deprecation);
        }
        let mut bad = dep.clone();
        bad.reason = " ".into();
        assert_eq!(
            compose_deprecation(&bad, &Channel::new("c", ChannelKind::Discord))
                .unwrap_err()
                .rule,
            Rule::R6
        );
    }

    #[test]
    fn markers_record_each_channel_once() {
        let body = "Notes.\n";
        let one = add_marker(body, Notice::Announcement, "discord").unwrap();
        assert!(one.starts_with("Notes.\n\n<!-- release-announce: announcement discord -->"));
        assert_eq!(add_marker(&one, Notice::Announcement, "discord"), None);
        let two = add_marker(&one, Notice::Deprecation, "discord").unwrap();
        assert_eq!(
            recorded(&two),
            BTreeSet::from([
                (Notice::Announcement, "discord".to_string()),
                (Notice::Deprecation, "discord".to_string())
            ])
        );
        assert!(!is_recorded(
            "<!-- release-announce: announcement a b -->",
            Notice::Announcement,
            "a"
        ));
    }

    #[test]
    fn policy_channels_are_validated_without_quoting_secrets() {
        let mut p = AnnouncePolicy::default();
        let mut c = Channel::new("discord", ChannelKind::Discord);
        c.url_env = "https://discord.com/api/webhooks/1/SECRET".into();
        p.channels.push(c);
        let err = p.validate().unwrap_err();
        assert!(err.contains("url_env") && !err.contains("SECRET"), "{err}");
        p.channels[0].url_env = "DISCORD_WEBHOOK_URL".into();
        assert!(p.validate().is_ok());
        p.channels[0].template = Some("{nope}".into());
        assert!(p.validate().unwrap_err().contains("{nope}"));
        p.channels[0].template = None;
        p.channels.push(Channel::new("fedi", ChannelKind::Mastodon));
        assert!(p.validate().unwrap_err().contains("instance"));
        let err = p.select(&["nope".into()]).unwrap_err();
        assert!(err.message.contains("discord, fedi"), "{err}");
    }
}
