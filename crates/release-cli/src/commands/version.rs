//! `release version`: the next version, and whether a version may be released (V4-V8).

use clap::{Args, Subcommand, ValueEnum};
use release_core::history::History;
use release_core::version::{Bump, ReleaseVersion};
use serde::Serialize;

use crate::context::Context;
use crate::error::{CliError, CliResult, Outcome};
use crate::output;
use crate::released::ReleasedArgs;

/// `release version ...`
#[derive(Debug, Subcommand)]
pub enum VersionCommand {
    /// The next version for a change of a given size (pre-1.0 rule included).
    Next(NextArgs),
    /// Whether a tag may be released now (V5-V7); exit 1 with the rule when not.
    Check(CheckArgs),
}

/// The size of a change, as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BumpArg {
    /// MAJOR.
    Major,
    /// MINOR.
    Minor,
    /// PATCH.
    Patch,
    /// A breaking change (MINOR before 1.0.0).
    Breaking,
    /// New functionality (MINOR).
    Feature,
    /// A fix.
    Fix,
}

impl From<BumpArg> for Bump {
    fn from(b: BumpArg) -> Bump {
        match b {
            BumpArg::Major => Bump::Major,
            BumpArg::Minor => Bump::Minor,
            BumpArg::Patch => Bump::Patch,
            BumpArg::Breaking => Bump::Breaking,
            BumpArg::Feature => Bump::Feature,
            BumpArg::Fix => Bump::Fix,
        }
    }
}

/// Arguments of `release version next`.
#[derive(Debug, Args)]
pub struct NextArgs {
    /// The size of the change.
    #[arg(long, value_enum)]
    pub bump: BumpArg,
    /// The next release candidate of that version instead (`X.Y.Z-rc.N`).
    #[arg(long)]
    pub candidate: bool,
    /// Bump from the newest stable release of this line (`X.Y`) instead of the newest overall:
    /// the hotfix version of an older line.
    #[arg(long, value_name = "X.Y")]
    pub line: Option<String>,
    #[command(flatten)]
    pub released: ReleasedArgs,
}

/// Arguments of `release version check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The tag (`v0.4.0`) or version (`0.4.0`) to check.
    pub tag: String,
    #[command(flatten)]
    pub released: ReleasedArgs,
}

#[derive(Debug, Serialize)]
struct NextReport {
    version: String,
    tag: String,
    from: Option<String>,
    bump: Bump,
    candidate: bool,
}

#[derive(Debug, Serialize)]
struct CheckReport {
    version: String,
    tag: String,
    allowed: bool,
    rule: Option<release_core::rule::Rule>,
    reason: Option<String>,
}

/// Loads the history for a version command: `--released`/`--released-file` when given, else
/// the repository's tags.
fn history(ctx: &Context, released: &ReleasedArgs) -> Result<History, CliError> {
    crate::gitctx::history(ctx, released)
}

/// Runs `release version ...`.
pub fn run(ctx: &Context, command: VersionCommand) -> CliResult {
    match command {
        VersionCommand::Next(args) => next(ctx, args),
        VersionCommand::Check(args) => check(ctx, args),
    }
}

fn next(ctx: &Context, args: NextArgs) -> CliResult {
    let policy = &ctx.policy();
    // Bad input is reported before the repository is read.
    let line = args.line.as_deref().map(parse_line).transpose()?;
    let history = history(ctx, &args.released)?;
    let from = match (&args.line, line) {
        (Some(line), Some((major, minor))) => Some(
            history
                .newest_stable_in_line(major, minor)
                .cloned()
                .ok_or_else(|| {
                    CliError::input(format!(
                        "line {line} has no stable release to start from (V8)"
                    ))
                })?,
        ),
        _ => history.newest_stable().cloned(),
    };
    let base = from
        .clone()
        .unwrap_or_else(|| ReleaseVersion::stable(0, 0, 0));
    let target = base.bump(args.bump.into());
    let version = if args.candidate {
        match history.next_candidate_for(&target, policy) {
            Ok(v) => v,
            Err(refusal) => return refuse(ctx, &target, policy, refusal),
        }
    } else {
        if let Err(refusal) = history.check_new(&target) {
            return refuse(ctx, &target, policy, refusal);
        }
        target
    };
    let report = NextReport {
        tag: version.tag(policy),
        version: version.to_string(),
        from: from.map(|v| v.to_string()),
        bump: args.bump.into(),
        candidate: args.candidate,
    };
    if ctx.json {
        output::print_json(&report)?;
    } else {
        println!("{}", report.version);
    }
    Ok(Outcome::Ok)
}

fn refuse(
    ctx: &Context,
    version: &ReleaseVersion,
    policy: &release_core::policy::Policy,
    refusal: release_core::history::Refusal,
) -> CliResult {
    let report = CheckReport {
        version: version.to_string(),
        tag: version.tag(policy),
        allowed: false,
        rule: Some(refusal.rule),
        reason: Some(refusal.reason.clone()),
    };
    if ctx.json {
        output::print_json(&report)?;
    } else {
        eprintln!("{refusal}");
    }
    Ok(Outcome::No)
}

fn check(ctx: &Context, args: CheckArgs) -> CliResult {
    let policy = &ctx.policy();
    let version = ReleaseVersion::parse_version(&args.tag, policy).map_err(CliError::input)?;
    let history = history(ctx, &args.released)?;
    match history.check_new(&version) {
        Ok(()) => {
            let report = CheckReport {
                version: version.to_string(),
                tag: version.tag(policy),
                allowed: true,
                rule: None,
                reason: None,
            };
            if ctx.json {
                output::print_json(&report)?;
            } else {
                println!("{} may be released", report.tag);
            }
            Ok(Outcome::Ok)
        }
        Err(refusal) => refuse(ctx, &version, policy, refusal),
    }
}

fn parse_line(line: &str) -> Result<(u64, u64), CliError> {
    let bad = || CliError::input(format!("line {line:?} is not `MAJOR.MINOR` such as 0.3"));
    let (a, b) = line.split_once('.').ok_or_else(bad)?;
    let num = |s: &str| {
        if s.len() > 1 && s.starts_with('0') {
            return None;
        }
        s.parse::<u64>().ok()
    };
    Ok((num(a).ok_or_else(bad)?, num(b).ok_or_else(bad)?))
}
