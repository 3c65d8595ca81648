//! `release promote vX.Y.Z-rc.N`: ship the image that was tested. The RC's digest is re-tagged
//! as `X.Y.Z` and the aliases the plan allows (T5, T6), byte for byte; nothing is rebuilt.
//! Refused unless the stable tag `vX.Y.Z` exists and points at the RC's commit.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use clap::Args;
use release_core::event::{Event, RunTime};
use release_core::matrix::{Skipped, TagPlan};
use release_core::version::ReleaseVersion;
use release_registry::client::TargetReport;
use release_registry::RetagOptions;
use serde::Serialize;

use crate::commands::registry::{
    block_on, failures, history_from_image_tags, image_repository, registry_error, render_targets,
    ConnectArgs,
};
use crate::context::Context;
use crate::error::{CliError, CliResult, Outcome};
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
    /// The git repository holding the tags (default: the current directory).
    #[arg(long, value_name = "PATH")]
    pub repo: Option<std::path::PathBuf>,
    /// Act (default: a dry run that only reads).
    #[arg(long)]
    pub execute: bool,
    /// The release history (default: the versions among the image's tags).
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

/// The commit a tag points at, through the git CLI (an argument vector). `None` when the tag
/// does not exist.
// The git crate will answer this once it is merged; this stays small so it is easy to swap.
pub fn tag_commit(repo: &Path, tag: &str) -> Result<Option<String>, CliError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["rev-parse", "--verify", "--quiet", "--end-of-options"])
        .arg(format!("refs/tags/{tag}^{{commit}}"))
        .output()
        .map_err(|e| CliError::env(format!("cannot run git: {e}")))?;
    if out.status.success() {
        let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
        return Ok(Some(id));
    }
    // `--quiet --verify` exits 1 without a message when the ref does not exist; anything else
    // (not a repository) says so on stderr.
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.trim().is_empty() {
        Ok(None)
    } else {
        Err(CliError::env(format!(
            "git rev-parse in {}: {}",
            repo.display(),
            stderr.trim()
        )))
    }
}

/// Runs `release promote`.
pub fn run(ctx: &Context, args: PromoteArgs) -> CliResult {
    let policy = &ctx.policy;
    let candidate = ReleaseVersion::parse_tag(&args.candidate, policy).map_err(CliError::input)?;
    if candidate.is_stable() {
        return Err(CliError::input(format!(
            "{} is a stable tag; promote takes the release-candidate tag that was tested (`{}-rc.N`)",
            args.candidate, args.candidate
        )));
    }
    let stable = candidate.base();
    let stable_tag = stable.tag(policy);
    let repo_dir = args.repo.clone().unwrap_or_else(|| ctx.root.clone());
    let Some(rc_commit) = tag_commit(&repo_dir, &args.candidate)? else {
        eprintln!(
            "refused: the tag {} does not exist in {}",
            args.candidate,
            repo_dir.display()
        );
        return Ok(Outcome::No);
    };
    let Some(stable_commit) = tag_commit(&repo_dir, &stable_tag)? else {
        eprintln!(
            "refused: the stable tag {stable_tag} does not exist; a maintainer pushes the signed tag on the tested commit ({rc_commit}) first (G5)"
        );
        return Ok(Outcome::No);
    };
    if stable_commit != rc_commit {
        eprintln!(
            "refused: {stable_tag} points at {stable_commit} but {} points at {rc_commit}; promote ships only the commit that was tested",
            args.candidate
        );
        return Ok(Outcome::No);
    }
    let repo = image_repository(args.image.as_deref(), policy)?;
    crate::commands::registry::check_stdin(&args.connect, &args.released)?;
    let client = args.connect.connect()?;
    let given = args
        .released
        .given()
        .then(|| args.released.history(policy))
        .transpose()?;
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
        let mut history = match given {
            Some(h) => h,
            None => history_from_image_tags(&client.list_tags(&repo).await?, policy),
        };
        history.insert(stable.clone());
        let plan = TagPlan::compute(&event, &history, policy)
            .map_err(|e| release_registry::RegistryError::Input(e.to_string()))?;
        let source = candidate.to_string();
        let report = client
            .retag(
                &repo,
                &source,
                &plan.tags,
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
