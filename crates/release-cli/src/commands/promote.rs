//! `release promote vX.Y.Z-rc.N`: ship the image that was tested. The RC's digest is re-tagged
//! as `X.Y.Z` and the aliases the plan allows (T5, T6), byte for byte; nothing is rebuilt.
//! Refused unless the stable tag `vX.Y.Z` exists on the RC's commit or on a later one that only
//! changes documentation (`release_core::promote`), and the RC is the newest candidate.

use std::fmt::Write as _;

use clap::Args;
use release_core::event::{Event, RunTime};
use release_core::matrix::{Skipped, TagPlan};
use release_core::version::ReleaseVersion;
use release_git::history::tag_commit;
use release_git::repo::Repo;
use release_registry::client::TargetReport;
use release_registry::RetagOptions;
use serde::Serialize;

use crate::commands::registry::{
    block_on, failures, image_repository, registry_error, render_targets, ConnectArgs,
};
use crate::context::Context;
use crate::error::{CliError, CliResult};
use crate::gitctx;
use crate::output;
use crate::released::ReleasedArgs;

/// Arguments of `release promote`.
#[derive(Debug, Args)]
pub struct PromoteArgs {
    /// The release-candidate tag (`v0.5.0-rc.2`).
    pub candidate: String,
    /// The image (default: the policy's first image).
    #[arg(long, value_name = "NAME")]
    pub image: Option<String>,
    /// The git repository holding the tags (default: the one around the current directory).
    #[arg(long, value_name = "PATH")]
    pub repo: Option<std::path::PathBuf>,
    /// Act (default: a dry run that only reads).
    #[arg(long)]
    pub execute: bool,
    /// The release history (default: the repository's tags).
    #[command(flatten)]
    pub released: ReleasedArgs,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// The JSON of `release promote`.
#[derive(Debug, Serialize)]
pub struct PromoteReport {
    /// The candidate tag.
    pub candidate: String,
    /// The stable version.
    pub version: String,
    /// The commit both tags point at.
    pub commit: String,
    /// The image.
    pub image: String,
    /// The candidate image's digest, which every target gets.
    pub digest: String,
    /// Whether this run acted.
    pub execute: bool,
    /// Every target tag.
    pub targets: Vec<TargetReport>,
    /// Aliases the plan leaves out, with reasons (T6).
    pub skipped: Vec<Skipped>,
}

/// The answer "no" with the reason (P1: promote ships only a tested candidate).
fn refuse(ctx: &Context, reason: String) -> CliResult {
    output::refusal(ctx.json, Some(release_core::rule::Rule::P1), &reason)
}

/// Runs `release promote`.
pub fn run(ctx: &Context, args: PromoteArgs) -> CliResult {
    let policy = &ctx.policy();
    let candidate = ReleaseVersion::parse_tag(&args.candidate, policy).map_err(CliError::input)?;
    if candidate.is_stable() {
        return Err(CliError::input(format!(
            "{} is a stable tag; promote takes the release-candidate tag that was tested (`{}-rc.N`)",
            args.candidate, args.candidate
        )));
    }
    let stable = candidate.base();
    let stable_tag = stable.tag(policy);
    let named;
    let git = match &args.repo {
        Some(path) => {
            named = Repo::discover(path).map_err(CliError::env)?;
            &named
        }
        None => gitctx::open_repo(ctx)?,
    };
    let commit_of = |tag: &str| -> Result<Option<String>, CliError> {
        match tag_commit(git, tag) {
            Ok(id) => Ok(id.map(|o| o.to_string())),
            Err(e) => Err(CliError::env(e.message)),
        }
    };
    let Some(rc_commit) = commit_of(&args.candidate)? else {
        return refuse(
            ctx,
            format!(
                "the tag {} does not exist in {}",
                args.candidate,
                git.root().display()
            ),
        );
    };
    let Some(stable_commit) = commit_of(&stable_tag)? else {
        return refuse(ctx, format!(
            "the stable tag {stable_tag} does not exist; a maintainer pushes the signed tag on the tested commit ({rc_commit}) first (G5)"
        ));
    };
    // The release history: --released, else the repository's tags (with the yanked record).
    let mut history = gitctx::history_of(ctx, git, &args.released)?;
    // P1 -> P2: the stable commit ships this candidate's image when they are the same commit
    // or differ only in documentation, and it is the newest candidate (release_core::promote).
    match release_git::history::promotion_source(git, &stable, &stable_commit, &history, policy)
        .map_err(|e| CliError::env(e.message))?
    {
        Ok(source) if source == candidate => {}
        Ok(source) => {
            return refuse(
                ctx,
                format!(
                    "{} is not the newest candidate of {stable}: {} is; promote the candidate that was tested last (P1)",
                    args.candidate,
                    source.tag(policy)
                ),
            )
        }
        Err(refusal) => return refuse(ctx, refusal.to_string()),
    }
    let repo = image_repository(args.image.as_deref(), policy)?;
    crate::commands::registry::check_stdin(&args.connect, &args.released)?;
    let client = args.connect.connect()?;
    let time = RunTime::from_datetime(time::OffsetDateTime::now_utc());
    let event = Event::parse(
        "push",
        &format!("refs/tags/{stable_tag}"),
        &rc_commit,
        time,
        policy,
    )
    .map_err(CliError::input)?;
    let execute = args.execute;
    let report = block_on(async {
        history.insert(stable.clone());
        let plan = TagPlan::compute(&event, &history, policy)
            .map_err(|e| release_registry::RegistryError::Input(e.to_string()))?;
        let source = candidate.to_string();
        // Targets move in order and stop at the first failure: `latest` goes last, so it never
        // moves when another tag could not.
        let mut targets = plan.tags.clone();
        targets.sort_by_key(|t| t == "latest");
        let report = client
            .retag(
                &repo,
                &source,
                &targets,
                RetagOptions {
                    execute,
                    check: true,
                },
            )
            .await?;
        Ok(PromoteReport {
            candidate: args.candidate.clone(),
            version: stable.to_string(),
            commit: rc_commit.clone(),
            image: repo.to_string(),
            digest: report.digest.to_string(),
            execute,
            targets: report.targets,
            skipped: plan.skipped,
        })
    })?
    .map_err(registry_error)?;
    if ctx.json {
        output::print_json(&report)?;
    } else {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "promote {} -> {} (commit {})",
            report.candidate, report.version, report.commit
        );
        render_targets(
            &mut out,
            &report.image,
            &report.digest,
            &report.targets,
            execute,
        );
        for s in &report.skipped {
            let _ = writeln!(out, "  skipped {}: {}", s.tag, s.reason);
        }
        if !execute {
            let _ = writeln!(out, "dry run: nothing was written; add --execute to act");
        }
        print!("{out}");
    }
    failures(&report.targets)
}
