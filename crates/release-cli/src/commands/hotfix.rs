//! `release hotfix`: hotfix branches (V8, P3) and whether a hotfix was merged back.

use clap::{Args, Subcommand};
use release_core::version::ReleaseVersion;
use release_git::hotfix;

use crate::context::Context;
use crate::error::{CliError, CliResult, Outcome};
use crate::gitctx;
use crate::output;
use crate::released::ReleasedArgs;

/// `release hotfix ...`
#[derive(Debug, Subcommand)]
pub enum HotfixCommand {
    /// Create `hotfix/vX.Y.(Z+1)` from the newest stable tag of a line and print the next steps.
    Start(StartArgs),
    /// Whether a hotfix tag's commit has been merged back into the main branch (exit 1: not yet).
    Status(StatusArgs),
}

/// Arguments of `release hotfix start`.
#[derive(Debug, Args)]
pub struct StartArgs {
    /// The stable tag to branch from (default: the newest stable tag of the newest line).
    #[arg(long, value_name = "TAG")]
    pub from: Option<String>,
    /// Create the branch (default: a dry run).
    #[arg(long)]
    pub execute: bool,
    #[command(flatten)]
    pub released: ReleasedArgs,
}

/// Arguments of `release hotfix status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The hotfix tag (default: the current hotfix branch's version, else the newest stable tag
    /// with a patch number above 0).
    pub tag: Option<String>,
}

/// Runs `release hotfix ...`.
pub fn run(ctx: &Context, command: HotfixCommand) -> CliResult {
    match command {
        HotfixCommand::Start(args) => start(ctx, args),
        HotfixCommand::Status(args) => status(ctx, args),
    }
}

fn start(ctx: &Context, args: StartArgs) -> CliResult {
    let repo = gitctx::open_repo(ctx)?;
    let history = gitctx::history_of(ctx, repo, &args.released)?;
    let plan = match hotfix::plan_hotfix(repo, ctx.policy(), &history, args.from.as_deref()) {
        Ok(p) => p,
        Err(e) => return gitctx::fail(ctx, e),
    };
    if args.execute {
        if let Err(e) = hotfix::create_branch(repo, &plan) {
            return gitctx::fail(ctx, e);
        }
    }
    if ctx.json {
        output::print_json(&serde_json::json!({
            "dry_run": !args.execute,
            "plan": plan,
        }))?;
    } else {
        let verb = if args.execute {
            "created"
        } else {
            "would create"
        };
        println!(
            "{verb} branch {} from {} ({}) for hotfix {}",
            plan.branch, plan.from_tag, plan.from_commit, plan.version
        );
        if !args.execute {
            println!("run again with --execute to create it");
        }
        println!("next steps:");
        for (i, step) in plan.steps.iter().enumerate() {
            println!("  {}. {step}", i + 1);
        }
    }
    Ok(Outcome::Ok)
}

fn status(ctx: &Context, args: StatusArgs) -> CliResult {
    let repo = gitctx::open_repo(ctx)?;
    let policy = &ctx.policy();
    let tag = match args.tag {
        Some(t) => {
            let v = ReleaseVersion::parse_version(&t, policy).map_err(CliError::input)?;
            v.tag(policy)
        }
        None => default_tag(ctx, repo)?,
    };
    let s = match hotfix::hotfix_status(repo, policy, &tag) {
        Ok(s) => s,
        Err(e) => return gitctx::fail(ctx, e),
    };
    if ctx.json {
        output::print_json(&s)?;
    } else if s.merged {
        println!("{} ({}) is merged into {}", s.tag, s.commit, s.main_ref);
    } else {
        let branch = ReleaseVersion::parse_tag(&s.tag, policy)
            .map(|v| policy.hotfix_branch_for(v.semver()))
            .unwrap_or_else(|_| s.tag.clone());
        println!(
            "{} ({}) is NOT merged into {} ({}): git switch {} && git merge --no-ff {}",
            s.tag, s.commit, s.main_ref, s.main_commit, policy.main_branch, branch
        );
    }
    Ok(if s.merged { Outcome::Ok } else { Outcome::No })
}

fn default_tag(ctx: &Context, repo: &release_git::repo::Repo) -> Result<String, CliError> {
    let policy = &ctx.policy();
    if let Some(branch) = repo.current_branch().map_err(CliError::env)? {
        let (before, after) = policy
            .hotfix_branch
            .split_once("{version}")
            .unwrap_or((policy.hotfix_branch.as_str(), ""));
        if let Some(v) = branch
            .strip_prefix(before)
            .and_then(|r| r.strip_suffix(after))
            .and_then(|r| ReleaseVersion::parse_version(r, policy).ok())
        {
            return Ok(v.tag(policy));
        }
    }
    let history = release_git::history::release_history(repo, policy).map_err(CliError::env)?;
    let newest = history
        .stables()
        .rev()
        .find(|v| v.patch() > 0)
        .map(|v| v.tag(policy));
    newest.ok_or_else(|| {
        CliError::input("no hotfix tag given and none found (a stable tag with PATCH > 0)")
    })
}
