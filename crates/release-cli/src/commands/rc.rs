//! `release rc`: release candidates (V7, P1): the next candidate tag, and cutting it.

use clap::{Args, Subcommand};
use release_core::version::ReleaseVersion;
use serde::Serialize;

use crate::commands::tag::{self, TagFlags};
use crate::context::Context;
use crate::error::{CliError, CliResult, Outcome};
use crate::gitctx;
use crate::output;
use crate::released::ReleasedArgs;

/// `release rc ...`
#[derive(Debug, Subcommand)]
pub enum RcCommand {
    /// Print the next candidate tag of a version (`vX.Y.Z-rc.(N+1)`, on the channel its
    /// candidates are on, else the first of `prerelease_channels`).
    Next(RcNextArgs),
    /// Create the next candidate tag of a version on HEAD (dry run without `--execute`).
    Tag(RcTagArgs),
}

/// Arguments of `release rc next`.
#[derive(Debug, Args)]
pub struct RcNextArgs {
    /// The version the candidate is for (`X.Y.Z`).
    #[arg(value_name = "X.Y.Z")]
    pub target: String,
    #[command(flatten)]
    pub released: ReleasedArgs,
}

/// Arguments of `release rc tag`.
#[derive(Debug, Args)]
pub struct RcTagArgs {
    /// The version the candidate is for (`X.Y.Z`).
    #[arg(value_name = "X.Y.Z")]
    pub target: String,
    #[command(flatten)]
    pub options: TagFlags,
}

#[derive(Debug, Serialize)]
struct NextReport {
    version: String,
    tag: String,
    number: u64,
}

/// Runs `release rc ...`.
pub fn run(ctx: &Context, command: RcCommand) -> CliResult {
    match command {
        RcCommand::Next(args) => {
            let candidate = match next(ctx, &args.target, &args.released)? {
                Ok(c) => c,
                Err(outcome) => return Ok(outcome),
            };
            let number = match candidate.stage() {
                release_core::version::Stage::Candidate { number, .. } => *number,
                release_core::version::Stage::Stable => 0,
            };
            let report = NextReport {
                version: candidate.to_string(),
                tag: candidate.tag(ctx.policy()),
                number,
            };
            if ctx.json {
                output::print_json(&report)?;
            } else {
                println!("{}", report.tag);
            }
            Ok(Outcome::Ok)
        }
        RcCommand::Tag(args) => {
            let candidate = match next(ctx, &args.target, &args.options.released)? {
                Ok(c) => c,
                Err(outcome) => return Ok(outcome),
            };
            tag::tag_version(ctx, &candidate, &args.options)
        }
    }
}

/// The next candidate of `version`, or the refusal already printed.
fn next(
    ctx: &Context,
    version: &str,
    released: &ReleasedArgs,
) -> Result<Result<ReleaseVersion, Outcome>, CliError> {
    let policy = &ctx.policy();
    let base = ReleaseVersion::parse_version(version, policy).map_err(CliError::input)?;
    if !base.is_stable() {
        return Err(CliError::input(format!(
            "{version}: give the version the candidate is for (X.Y.Z), not a candidate"
        )));
    }
    let history = gitctx::history(ctx, released)?;
    match history.next_candidate_for(&base, policy) {
        Ok(c) => Ok(Ok(c)),
        Err(refusal) => {
            output::refusal(ctx.json, Some(refusal.rule), &refusal.to_string())?;
            Ok(Err(Outcome::No))
        }
    }
}
