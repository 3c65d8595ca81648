//! `release checklist stable|rc|hotfix|rollback VERSION`: a procedure (P1-P4) as a checklist
//! to paste into a release tracking issue, with `--check` ticking the boxes whose automated
//! check passes.

use std::collections::BTreeMap;

use clap::{Args, ValueEnum};
use release_core::checklist::{CheckResult, Checklist, Procedure, StepState};
use serde::Serialize;

use crate::checks::{Local, Remote};
use crate::commands::registry::{check_stdin, parse_version_arg, ConnectArgs, GithubArgs};
use crate::context::Context;
use crate::error::{CliError, CliResult, Outcome};
use crate::gitctx;
use crate::output;
use crate::released::ReleasedArgs;

/// The procedures, as command-line values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProcedureArg {
    /// P2: a stable release.
    Stable,
    /// P1: a release candidate.
    Rc,
    /// P3: a hotfix on an existing line.
    Hotfix,
    /// P4: rolling back a defective release.
    Rollback,
}

impl From<ProcedureArg> for Procedure {
    fn from(p: ProcedureArg) -> Self {
        match p {
            ProcedureArg::Stable => Procedure::Stable,
            ProcedureArg::Rc => Procedure::Rc,
            ProcedureArg::Hotfix => Procedure::Hotfix,
            ProcedureArg::Rollback => Procedure::Rollback,
        }
    }
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Markdown for a tracking issue.
    Md,
    /// Every step with its check and result.
    Json,
}

/// Arguments of `release checklist`.
#[derive(Debug, Args)]
pub struct ChecklistArgs {
    /// The procedure.
    #[arg(value_enum)]
    pub procedure: ProcedureArg,
    /// The version released (or rolled back): `0.4.0`, `v0.4.0`, `0.4.0-rc.1`. For `rc`, a
    /// stable version means its next candidate (from the release history).
    #[arg(value_name = "VERSION")]
    pub release: String,
    /// Output format (`--json` is the same as `--format json`).
    #[arg(long, value_enum, default_value = "md")]
    pub format: Format,
    /// Evaluate every step's automated check and tick the boxes that pass (default: nothing is
    /// evaluated and every box is empty).
    #[arg(long)]
    pub check: bool,
    /// Rollback: the version users should move to.
    #[arg(long, value_name = "VERSION")]
    pub replacement: Option<String>,
    /// The image (default: the policy's first image).
    #[arg(long, value_name = "NAME")]
    pub image: Option<String>,
    /// Run no registry or GitHub check: those steps are "unknown".
    #[arg(long)]
    pub offline: bool,
    /// Versions rolled back: aliases never belong to them (T6).
    #[arg(long, value_delimiter = ',', value_name = "VERSION,...")]
    pub yanked: Vec<String>,
    /// The release history (default: the repository's tags).
    #[command(flatten)]
    pub released: ReleasedArgs,
    #[command(flatten)]
    pub connect: ConnectArgs,
    #[command(flatten)]
    pub github: GithubArgs,
}

/// The JSON of `release checklist`.
#[derive(Debug, Serialize)]
pub struct ChecklistReport<'a> {
    /// `stable`, `rc`, `hotfix` or `rollback`.
    pub procedure: Procedure,
    /// The policy rule of the procedure (`P2`).
    pub rule: &'static str,
    /// The version.
    pub version: &'a str,
    /// The git tag.
    pub tag: &'a str,
    /// Whether the checks were evaluated (`--check`).
    pub checked: bool,
    /// With `--check`: every automated check passed.
    pub all_checks_pass: bool,
    /// Every step, its check and its result (`null` without `--check` or without a check).
    pub steps: Vec<StepState<'a>>,
}

/// Runs `release checklist`.
pub fn run(ctx: &Context, args: ChecklistArgs) -> CliResult {
    let mut policy = ctx.policy().clone();
    if let Some(image) = &args.image {
        if image.trim().is_empty() {
            return Err(CliError::input("--image must name an image"));
        }
        policy
            .docker
            .images
            .get_or_insert_with(Vec::new)
            .insert(0, image.clone());
    }
    let procedure = Procedure::from(args.procedure);
    let mut version = parse_version_arg(&args.release, &policy)?;
    if procedure == Procedure::Rc && version.is_stable() {
        // `rc 0.4.0`: the next candidate of 0.4.0, from the release history (V7).
        let history = gitctx::history(ctx, &args.released).map_err(|e| {
            CliError::env(format!(
                "{e}; to list the steps of a given candidate, name it: {version}-rc.N"
            ))
        })?;
        version = history
            .next_candidate_for(&version, &policy)
            .map_err(CliError::input)?;
    }
    match procedure {
        Procedure::Stable | Procedure::Hotfix | Procedure::Rollback if !version.is_stable() => {
            return Err(CliError::input(format!(
                "{version} is a release candidate: the {} checklist takes a stable version",
                args.procedure
                    .to_possible_value()
                    .map(|v| v.get_name().to_string())
                    .unwrap_or_default()
            )))
        }
        Procedure::Hotfix if version.patch() == 0 => {
            return Err(CliError::input(format!(
            "{version} is not a hotfix: a hotfix raises the patch number of an existing line (V8)"
        )))
        }
        _ => {}
    }
    let replacement = args
        .replacement
        .as_deref()
        .map(|r| parse_version_arg(r, &policy))
        .transpose()?;
    if replacement.is_some() && procedure != Procedure::Rollback {
        return Err(CliError::input(
            "--replacement is for the rollback checklist only",
        ));
    }
    let yanked = crate::commands::registry::yanked_versions(ctx, &args.yanked, &policy)?;
    check_stdin(&args.connect, &args.released)?;
    // The history (with the yanked record) makes the image step list what T6 gives this
    // version; without one (no repository, no tags) every alias is listed.
    let history = crate::gitctx::history(ctx, &args.released)
        .map(|h| h.with_yanked(yanked.iter().cloned()))
        .unwrap_or_default();
    let list =
        Checklist::with_history(procedure, &version, &policy, replacement.as_ref(), &history);
    let mut results: BTreeMap<String, CheckResult> = BTreeMap::new();
    if args.check {
        let local = Local::new(ctx, &policy, &args.released);
        let mut remote = Vec::new();
        for step in &list.steps {
            let Some(check) = &step.check else { continue };
            match local.evaluate(check) {
                Some(r) => {
                    results.insert(step.id.to_string(), r);
                }
                None => remote.push((step.id, check)),
            }
        }
        let remote_results = Remote {
            connect: &args.connect,
            github: &args.github,
            yanked: &yanked,
            offline: args.offline,
        }
        .evaluate(&policy, &version, &remote);
        results.extend(remote_results);
    }
    if ctx.json || args.format == Format::Json {
        output::print_json(&ChecklistReport {
            procedure,
            rule: procedure.rule(),
            version: &list.version,
            tag: &list.tag,
            checked: args.check,
            all_checks_pass: args.check && list.all_checks_pass(&results),
            steps: list.states(&results),
        })?;
    } else {
        print!("{}", list.render_markdown(&results));
    }
    Ok(Outcome::Ok)
}
