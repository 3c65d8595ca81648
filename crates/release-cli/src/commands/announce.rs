//! `release announce VERSION`: one message per channel of the policy (N1), or with
//! `--deprecated` the notice that a release was rolled back (R6).
//!
//! The command reads (the changelog section through `release-changelog`, the upgrading guide's
//! anchor and breaking rows, the environment for secrets), lets `release_core::announce`
//! compose, and lets `release_registry::announce` post. What was posted is recorded as one
//! marker comment per channel in the GitHub Release body (`release_core::announce::marker`):
//! it travels with the release, is read the same from every machine and CI job, and a re-run
//! posts only to the channels without one.

use std::fmt::Write as _;

use clap::Args;
use release_changelog as cl;
use release_core::announce::{
    add_marker, compose, compose_deprecation, is_recorded, AliasNote, Breaking, Channel,
    ChannelKind, Deprecation, Message, Notice, ReleaseNotes,
};
use release_core::policy::{Policy, UpgradingGuide};
use release_core::rollback::RollbackPlan;
use release_core::untrusted::{escape, escape_multiline};
use release_core::version::ReleaseVersion;
use release_registry::announce::{Announcer, Target};
use release_registry::github::GitHub;
use release_registry::retry::RetryPolicy;
use release_registry::Secret;
use serde::Serialize;

use crate::commands::registry::{block_on, parse_version_arg, GithubArgs};
use crate::context::Context;
use crate::error::{CliError, CliResult, Outcome};
use crate::output;
use crate::released::ReleasedArgs;

/// Arguments of `release announce`.
#[derive(Debug, Args)]
pub struct AnnounceArgs {
    /// The stable version (`0.4.0` or `v0.4.0`).
    #[arg(id = "release_version", value_name = "VERSION")]
    pub version: String,
    /// Only this channel of the policy (repeatable; default: every channel).
    #[arg(long = "channel", value_name = "NAME")]
    pub channels: Vec<String>,
    /// Post (default: a dry run that prints every message exactly as it would be posted).
    #[arg(long)]
    pub execute: bool,
    /// Send the deprecation notice of a rolled-back release instead (R6).
    #[arg(long)]
    pub deprecated: bool,
    /// What is wrong with the release (with --deprecated).
    #[arg(long, value_name = "TEXT", requires = "deprecated")]
    pub reason: Option<String>,
    /// The version users should take instead (with --deprecated; default: the newest good
    /// stable release below it).
    #[arg(long, value_name = "VERSION", requires = "deprecated")]
    pub to: Option<String>,
    /// The release history for --deprecated (default: the repository's tags).
    #[command(flatten)]
    pub released: ReleasedArgs,
    #[command(flatten)]
    pub github: GithubArgs,
}

/// One channel's result.
#[derive(Debug, Clone, Serialize)]
pub struct ChannelResult {
    /// The message as posted (or as it would be).
    #[serde(flatten)]
    pub message: Message,
    /// `planned` (dry run), `done`, `unchanged` (already recorded), `failed`.
    pub status: &'static str,
    /// Errors and notes.
    pub detail: Option<String>,
    /// The post's page, when the service gave one.
    pub url: Option<String>,
}

/// The JSON of `release announce` (the same shape in a dry run).
#[derive(Debug, Serialize)]
pub struct AnnounceReport {
    /// The version.
    pub version: String,
    /// `announcement` or `deprecation`.
    pub notice: Notice,
    /// Whether this run posted.
    pub execute: bool,
    /// One entry per channel, in the policy's order.
    pub channels: Vec<ChannelResult>,
}

/// Runs `release announce`.
pub fn run(ctx: &Context, args: AnnounceArgs) -> CliResult {
    let policy = &ctx.policy();
    let version = parse_version_arg(&args.version, policy)?;
    release_core::announce::announceable(&version).map_err(CliError::input)?;
    let channels = policy
        .announce
        .select(&args.channels)
        .map_err(CliError::input)?;
    let messages = if args.deprecated {
        let reason = args.reason.as_deref().unwrap_or("").trim().to_string();
        if reason.is_empty() {
            return Err(CliError::input(
                "--deprecated needs --reason: the notice says what is wrong (R6)",
            ));
        }
        let to = args
            .to
            .as_deref()
            .map(|t| parse_version_arg(t, policy))
            .transpose()?;
        let history = crate::gitctx::history(ctx, &args.released)?;
        let dep = deprecation(ctx, &version, to.as_ref(), &history, &reason, None)?;
        deprecation_messages(&dep, &channels)?
    } else {
        let notes = release_notes(ctx, &version)?;
        channels
            .iter()
            .map(|c| compose(&notes, c))
            .collect::<Result<Vec<_>, _>>()
            .map_err(CliError::input)?
    };
    let notice = if args.deprecated {
        Notice::Deprecation
    } else {
        Notice::Announcement
    };
    let tag = version.tag(policy);
    let results = if args.execute {
        let Some(gh) = args.github.client(policy, RetryPolicy::default())? else {
            return Err(CliError::input(
                "--execute needs the GitHub Release: the record of what was posted lives in its body (N1); drop --no-github",
            ));
        };
        let channels: Vec<Channel> = channels.into_iter().cloned().collect();
        block_on(post_all(&gh, &tag, &channels, messages))??
    } else {
        messages
            .into_iter()
            .map(|m| ChannelResult {
                message: m,
                status: "planned",
                detail: None,
                url: None,
            })
            .collect()
    };
    let report = AnnounceReport {
        version: version.to_string(),
        notice,
        execute: args.execute,
        channels: results,
    };
    if ctx.json {
        output::print_json(&report)?;
    } else {
        print!("{}", render(&report, &tag));
    }
    let failed: Vec<&str> = report
        .channels
        .iter()
        .filter(|c| c.status == "failed")
        .map(|c| c.message.channel.as_str())
        .collect();
    if !failed.is_empty() {
        return Err(CliError::env(format!(
            "the {notice} failed on: {}; the others are recorded, a re-run only posts to these",
            failed.join(", ")
        )));
    }
    Ok(Outcome::Ok)
}

/// The deprecation notice for every channel (R6).
pub fn deprecation_messages(
    dep: &Deprecation,
    channels: &[&Channel],
) -> Result<Vec<Message>, CliError> {
    channels
        .iter()
        .map(|c| compose_deprecation(dep, c))
        .collect::<Result<Vec<_>, _>>()
        .map_err(CliError::input)
}

/// The project's name in messages: `announce.project`, else the GitHub repository's name,
/// else the folder's.
fn project(ctx: &Context) -> String {
    let p = &ctx.policy();
    if !p.announce.project.is_empty() {
        return p.announce.project.clone();
    }
    if let Some((_, name)) = p.github.repository.split_once('/') {
        return name.to_string();
    }
    ctx.root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "release".into())
}

/// The repository's web URL: `changelog.repository_url`, else GitHub's page of
/// `github.repository`.
fn web_url(policy: &Policy) -> Option<String> {
    let url = policy.changelog.repository_url.trim_end_matches('/');
    if !url.is_empty() {
        return Some(url.to_string());
    }
    let repo = &policy.github.repository;
    (!repo.is_empty()).then(|| format!("https://github.com/{repo}"))
}

fn release_url(policy: &Policy, tag: &str) -> Option<String> {
    web_url(policy).map(|w| format!("{w}/releases/tag/{tag}"))
}

/// Everything an announcement is made of, read from the changelog and the guide.
fn release_notes(ctx: &Context, version: &ReleaseVersion) -> Result<ReleaseNotes, CliError> {
    let policy = &ctx.policy();
    let path = ctx.resolve(&policy.changelog.path);
    let name = policy.changelog.path.as_str();
    let doc = cl::Changelog::parse(crate::commands::changelog::read_text(&path)?);
    let v = version.to_string();
    let section = match doc.find(&v).as_slice() {
        [] => {
            return Err(CliError::input(format!(
                "{name} has no section for {v}: announce a prepared release (C2, N1)"
            )))
        }
        [one] => (*one).clone(),
        [a, b, ..] => {
            return Err(CliError::input(format!(
                "{name} has two sections for {v}, at lines {} and {} (C6)",
                doc.line_of(a.heading.span.start),
                doc.line_of(b.heading.span.start)
            )))
        }
    };
    if section.parts.yanked.is_some() {
        return Err(CliError::input(format!(
            "{v} is marked [YANKED] in {name}: announce its replacement, or send the deprecation notice with --deprecated --reason (R5, R6)"
        )));
    }
    let tag = version.tag(policy);
    let mut breaking = Vec::new();
    let mut upgrading_url = None;
    let guide = ctx.resolve(&policy.changelog.upgrading);
    if policy.checks.upgrading_guide != UpgradingGuide::None && guide.exists() {
        let text = crate::commands::changelog::read_text(&guide)?;
        let notes = cl::upgrading::version_notes(&text, &v);
        breaking = notes
            .breaking
            .into_iter()
            .map(|(change, migration)| Breaking { change, migration })
            .collect();
        if let (Some(anchor), Some(web)) = (notes.anchor, web_url(policy)) {
            upgrading_url = Some(format!(
                "{web}/blob/{tag}/{}#{anchor}",
                policy.changelog.upgrading.trim_start_matches("./")
            ));
        }
    }
    Ok(ReleaseNotes {
        project: project(ctx),
        version: version.clone(),
        tag: tag.clone(),
        date: section.date(&doc.text).map(str::to_string),
        categories: cl::announce_categories(&doc, &section),
        breaking,
        release_url: release_url(policy, &tag),
        upgrading_url,
        image: policy
            .docker
            .images()
            .first()
            .map(|i| format!("{i}:{version}")),
    })
}

/// The deprecation notice's facts. `plan` is the rollback's own plan when there is one;
/// otherwise the aliases are placed from `history` as a rollback would move them.
pub fn deprecation(
    ctx: &Context,
    version: &ReleaseVersion,
    to: Option<&ReleaseVersion>,
    history: &release_core::history::History,
    reason: &str,
    plan: Option<&RollbackPlan>,
) -> Result<Deprecation, CliError> {
    let policy = &ctx.policy();
    let computed;
    let plan = match plan {
        Some(p) => p,
        None => {
            let mut history = history.clone();
            history.insert(version.clone());
            let every: Vec<String> = release_core::rollback::Alias::of(version, policy)
                .iter()
                .map(ToString::to_string)
                .collect();
            computed = RollbackPlan::compute(version, to, &history, &[], &every, policy)
                .map_err(CliError::input)?;
            &computed
        }
    };
    let mut aliases: Vec<AliasNote> = plan
        .moves
        .iter()
        .map(|m| AliasNote {
            alias: m.alias.clone(),
            target: Some(m.to.to_string()),
        })
        .collect();
    // Aliases still on the defective version (no good release in their scope); the others
    // the rollback left alone never pointed at it.
    aliases.extend(
        plan.kept
            .iter()
            .filter(|k| k.reason.ends_with("(R3)"))
            .map(|k| AliasNote {
                alias: k.alias.clone(),
                target: None,
            }),
    );
    let tag = version.tag(policy);
    Ok(Deprecation {
        project: project(ctx),
        version: version.clone(),
        tag: tag.clone(),
        reason: reason.to_string(),
        replacement: plan.replacement.clone(),
        aliases,
        release_url: release_url(policy, &tag),
    })
}

/// A channel's target, its secrets read from the environment variables it names.
fn target(channel: &Channel, gh: &GitHub) -> Result<Target, String> {
    let env = |key: &str, var: &str| {
        std::env::var(var)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .map(|v| Secret::new(v.trim()))
            .ok_or_else(|| {
                format!(
                    "the environment variable {var} (`{key}` of channel {:?}) is not set",
                    channel.name
                )
            })
    };
    Ok(match channel.kind {
        ChannelKind::Discord => Target::Discord {
            url: env("url_env", &channel.url_env)?,
        },
        ChannelKind::Slack => Target::Slack {
            url: env("url_env", &channel.url_env)?,
        },
        ChannelKind::Webhook => Target::Webhook {
            url: env("url_env", &channel.url_env)?,
            token: match channel.token_env() {
                Some(var) => Some(env("token_env", var)?),
                None => None,
            },
        },
        ChannelKind::Mastodon => Target::Mastodon {
            instance: channel.instance.trim_end_matches('/').to_string(),
            token: env("token_env", channel.token_env().unwrap_or_default())?,
            visibility: channel.visibility.unwrap_or_default(),
            language: Some(channel.language.clone()).filter(|l| !l.is_empty()),
        },
        ChannelKind::GithubDiscussions => {
            let api_url = if channel.api_url.is_empty() {
                // The API the GitHub Release is read from (`--github-api`, else the policy's).
                let base = gh.api_base().trim_end_matches('/');
                match base.strip_suffix("/api/v3") {
                    Some(host) => format!("{host}/api/graphql"),
                    None => format!("{base}/graphql"),
                }
            } else {
                channel.api_url.clone()
            };
            let repository = if channel.repository.is_empty() {
                gh.repository().to_string()
            } else {
                channel.repository.clone()
            };
            Target::Discussions {
                api_url,
                repository,
                category: channel.category.clone(),
                token: env("token_env", channel.token_env().unwrap_or("GITHUB_TOKEN"))?,
            }
        }
    })
}

/// Posts every message not yet recorded in the GitHub Release of `tag`, recording each right
/// after it went out. `Err` only when the record itself cannot be read (then nothing is
/// posted).
pub async fn post_all(
    gh: &GitHub,
    tag: &str,
    channels: &[Channel],
    messages: Vec<Message>,
) -> Result<Vec<ChannelResult>, CliError> {
    let release = match gh.release_by_tag(tag).await {
        Ok(Some(r)) => r,
        Ok(None) => {
            return Err(CliError::env(format!(
                "no GitHub Release {tag} in {}: announce once the release workflow has published it (the record of what was posted lives in its body, N1)",
                gh.repository()
            )))
        }
        Err(e) => return Err(crate::commands::registry::registry_error(e)),
    };
    let announcer = Announcer::new(RetryPolicy::default())
        .map_err(crate::commands::registry::registry_error)?;
    let mut body = release.body.unwrap_or_default();
    let mut out = Vec::new();
    for message in messages {
        let result = |status, detail: Option<String>, url| ChannelResult {
            message: message.clone(),
            status,
            detail,
            url,
        };
        let notice = message.notice;
        if is_recorded(&body, notice, &message.channel) {
            out.push(result(
                "unchanged",
                Some(format!(
                    "already posted (recorded in the GitHub Release {tag})"
                )),
                None,
            ));
            continue;
        }
        let Some(channel) = channels.iter().find(|c| c.name == message.channel) else {
            continue;
        };
        let target = match target(channel, gh) {
            Ok(t) => t,
            Err(why) => {
                out.push(result("failed", Some(why), None));
                continue;
            }
        };
        let key = format!("release-announce {tag} {notice} {}", message.channel);
        let posted = match announcer.post(&target, &message, &key).await {
            Ok(p) => p,
            Err(e) => {
                out.push(result("failed", Some(e.to_string()), None));
                continue;
            }
        };
        // Record right away, on the body as it is now (someone may have edited it).
        let recorded = async {
            let current = gh
                .release_by_tag(tag)
                .await?
                .and_then(|r| r.body)
                .unwrap_or_default();
            match add_marker(&current, notice, &message.channel) {
                None => Ok(current),
                Some(next) => gh.edit_body(release.id, &next).await.map(|_| next),
            }
        }
        .await;
        match recorded {
            Ok(next) => {
                body = next;
                out.push(result("done", None, posted.url));
            }
            Err(e) => out.push(result(
                "failed",
                Some(format!(
                    "posted, but the record could not be written ({e}); add `{}` to the GitHub Release {tag} before re-running, or it posts again",
                    release_core::announce::marker(notice, &message.channel)
                )),
                posted.url,
            )),
        }
    }
    Ok(out)
}

/// The text for people: every message exactly as posted (outside text escaped).
pub fn render(r: &AnnounceReport, tag: &str) -> String {
    let mut out = String::new();
    for c in &r.channels {
        let m = &c.message;
        let _ = writeln!(
            out,
            "── {} ({}) · {} · {}/{} characters{} · [{}]",
            m.channel,
            m.kind,
            m.notice,
            m.chars,
            m.limit,
            if m.left_out > 0 {
                format!(", {} entries left out", m.left_out)
            } else {
                String::new()
            },
            c.status
        );
        if let Some(d) = &c.detail {
            let _ = writeln!(out, "   {}", escape(d));
        }
        if let Some(u) = &c.url {
            let _ = writeln!(out, "   {}", escape(u));
        }
        if matches!(
            m.kind,
            ChannelKind::GithubDiscussions | ChannelKind::Webhook
        ) {
            let _ = writeln!(out, "title: {}", escape(&m.title));
        }
        let text = escape_multiline(&m.text);
        out.push_str(&text);
        if !text.ends_with('\n') {
            out.push('\n');
        }
        out.push('\n');
    }
    if !r.execute {
        let _ = writeln!(
            out,
            "dry run: nothing was posted; --execute posts to each channel not yet recorded in the GitHub Release {tag}"
        );
    }
    out
}
