//! `release tag VERSION`: create a signed annotated release tag on HEAD (G1-G5, V5-V7).
//!
//! A dry run (the default) prints the tag object it would write; `--execute` signs it with the
//! program git would use, writes it, runs the verification gate on the new object and only
//! then creates `refs/tags/NAME` (never forced). `--push` pushes it with the git CLI.

use clap::Args;
use release_core::checks::{self, CheckKind, TestsGate};
use release_core::version::ReleaseVersion;
use release_git::create::{self, NewTag, TagOptions};
use release_git::push::{self, PushResult};
use release_git::repo::Repo;
use release_git::verify::Verification;
use serde::Serialize;

use crate::context::Context;
use crate::error::{CliError, CliResult, Outcome};
use crate::gitctx;
use crate::output;
use crate::released::ReleasedArgs;

/// Arguments of `release tag`.
#[derive(Debug, Args)]
pub struct TagArgs {
    /// The version (`1.2.3`, `1.2.3-rc.1`) or tag (`v1.2.3`).
    #[arg(value_name = "VERSION")]
    pub target: String,
    #[command(flatten)]
    pub options: TagFlags,
}

/// The flags shared by `release tag` and `release rc tag`.
#[derive(Debug, Args)]
pub struct TagFlags {
    /// The tag message (default: `Release vX.Y.Z`; `Release candidate X.Y.Z-rc.N`; `Hotfix
    /// vX.Y.Z` on the hotfix branch).
    #[arg(long, short = 'm', value_name = "TEXT")]
    pub message: Option<String>,
    /// Create an unsigned tag (release candidates only: stable tags must be signed, G2).
    #[arg(long)]
    pub no_sign: bool,
    /// Create the tag (default: a dry run that prints the tag object).
    #[arg(long)]
    pub execute: bool,
    /// Push the tag to `origin` (`git push --porcelain`); refused when `CI=true` (G5).
    #[arg(long)]
    pub push: bool,
    /// Tag a stable version without a passing `release check tests` record for HEAD; the
    /// reason goes into the tag message (P2, P3).
    #[arg(long, value_name = "REASON")]
    pub skip_checks: Option<String>,
    #[command(flatten)]
    pub released: ReleasedArgs,
}

#[derive(Debug, Serialize)]
struct TagReport<'a> {
    ok: bool,
    dry_run: bool,
    tag: &'a str,
    version: &'a str,
    stage: &'a str,
    commit: &'a str,
    /// The tag object as it will be signed (the payload).
    payload: &'a str,
    signing: Option<&'a release_git::sign::SigningConfig>,
    object: Option<String>,
    verification: Option<Verification>,
    push: Option<PushReport>,
    /// The tests gate's decision (P2, P3).
    tests: Option<&'a TestsGate>,
}

#[derive(Debug, Serialize)]
struct PushReport {
    command: String,
    result: Option<PushResult>,
}

/// Runs `release tag`.
pub fn run(ctx: &Context, args: TagArgs) -> CliResult {
    if let Some(c) = args.target.chars().find(|c| c.is_control()) {
        return Err(CliError::input(format!(
            "tag {:?} contains the control character {c:?}: a line break would inject tag object headers (G4)",
            args.target
        )));
    }
    let version =
        ReleaseVersion::parse_version(&args.target, ctx.policy()).map_err(CliError::input)?;
    tag_version(ctx, &version, &args.options)
}

/// Tags `version` (shared with `release rc tag`).
pub fn tag_version(ctx: &Context, version: &ReleaseVersion, flags: &TagFlags) -> CliResult {
    let name = version.tag(ctx.policy());
    if flags.push && gitctx::in_ci() {
        return gitctx::fail(
            ctx,
            push::push_tag(&ctx.root, &name, true)
                .err()
                .unwrap_or_else(|| release_git::GitError::refused("push refused in CI (G5)")),
        );
    }
    let repo = gitctx::open_repo(ctx)?;
    if flags.push
        && repo
            .git2()
            .find_reference(&format!("refs/tags/{name}"))
            .is_ok()
    {
        return push_existing(ctx, repo, &name, flags.execute);
    }
    let history = gitctx::history_of(ctx, repo, &flags.released)?;
    // The tests gate is decided first (a skip reason goes into the message) and refuses last,
    // after the refusals that say more about the tag itself.
    let (gate, message) = tests_gate(ctx, repo, version, flags)?;
    let options = TagOptions {
        message,
        no_sign: flags.no_sign,
        time: None,
    };
    let plan = match create::plan_tag(repo, &name, ctx.policy(), &history, &options) {
        Ok((plan, _)) => plan,
        Err(err) => return gitctx::fail(ctx, err),
    };
    // What `release ci` would refuse after the push is refused here, before anything is
    // written: a version of another line (V8), a stable version without its changelog notes.
    let line = release_git::history::line_facts(repo, ctx.policy()).map_err(CliError::env)?;
    if let Err(refusal) = line.check(version, &history, ctx.policy()) {
        return gitctx::fail(ctx, release_git::GitError::from(refusal));
    }
    if let Err(why) = super::ci::release_notes(ctx, version) {
        return gitctx::fail(
            ctx,
            release_git::GitError::refused_by(
                release_core::rule::Rule::C6,
                format!("{name} would be refused by `release ci`: {why}"),
            ),
        );
    }
    let gate = match gate {
        Ok(gate) => gate,
        Err(refusal) => {
            return gitctx::fail(ctx, release_git::GitError::refused(refusal.to_string()))
        }
    };
    if !ctx.json {
        match &gate {
            TestsGate::Passed { detail } => println!("tests: {detail}"),
            TestsGate::Skipped { reason } => {
                eprintln!(
                    "warning: tagging without a passing tests record (--skip-checks: {})",
                    release_core::untrusted::escape(reason)
                )
            }
            TestsGate::NotRequired { .. } => {
                if flags.skip_checks.is_some() {
                    eprintln!(
                        "note: --skip-checks: no tests are required for {name}, nothing skipped"
                    );
                }
            }
        }
    }
    if !flags.execute {
        return print_dry_run(ctx, &plan, flags.push, &gate);
    }
    let created = match create::create_tag(repo, &plan, ctx.policy(), &gitctx::trust(ctx, repo)?) {
        Ok(created) => created,
        Err(err) => return gitctx::fail(ctx, err),
    };
    for warning in created.verification.warnings() {
        eprintln!(
            "warning: {}",
            release_core::untrusted::escape(&warning.detail)
        );
    }
    let push = if flags.push {
        Some(do_push(ctx, repo, &name)?)
    } else {
        None
    };
    let pushed_ok = push
        .as_ref()
        .and_then(|p| p.result.as_ref())
        .is_none_or(PushResult::ok);
    let report = TagReport {
        ok: pushed_ok,
        dry_run: false,
        tag: &plan.tag,
        version: &plan.version,
        stage: plan.stage,
        commit: &plan.commit,
        payload: &plan.payload,
        signing: plan.signing.as_ref(),
        object: Some(created.object.clone()),
        verification: Some(created.verification),
        push,
        tests: Some(&gate),
    };
    if ctx.json {
        output::print_json(&report)?;
    } else {
        println!(
            "created {} -> {} (tag object {}, {})",
            plan.tag,
            plan.commit,
            created.object,
            match &report.signing {
                Some(s) => format!("{} signature verified", s.format),
                None => "unsigned".to_string(),
            }
        );
        match &report.push {
            Some(p) => print_push(p),
            None => println!(
                "next: release tag {} --push --execute   (or: git push origin refs/tags/{})",
                plan.tag, plan.tag
            ),
        }
    }
    Ok(if pushed_ok { Outcome::Ok } else { Outcome::No })
}

/// The tests gate for tagging `version` on HEAD, and the tag message (`--message`, with the
/// `--skip-checks` reason appended when the gate was skipped).
#[allow(clippy::type_complexity)]
fn tests_gate(
    ctx: &Context,
    repo: &Repo,
    version: &ReleaseVersion,
    flags: &TagFlags,
) -> Result<(Result<TestsGate, checks::TestsRefusal>, Option<String>), CliError> {
    let skip = match &flags.skip_checks {
        Some(reason) => Some(
            checks::validate_skip_reason(reason)
                .map_err(CliError::input)?
                .to_string(),
        ),
        None => None,
    };
    let name = version.tag(ctx.policy());
    let hotfix = version.is_stable()
        && repo.current_branch().map_err(CliError::env)?.as_deref()
            == Some(ctx.policy().hotfix_branch_for(version.semver()).as_str());
    let commands = CheckKind::Tests.commands(ctx.policy());
    let (standing, head) =
        release_git::checks::standing(repo, CheckKind::Tests, &commands).map_err(CliError::env)?;
    let gate = checks::tests_gate(
        version,
        ctx.policy(),
        &standing,
        &head,
        hotfix,
        skip.as_deref(),
    );
    let message = match &gate {
        Ok(TestsGate::Skipped { reason }) => Some(checks::message_with_skip(
            &flags
                .message
                .clone()
                .unwrap_or_else(|| create::default_message(version, &name, hotfix)),
            reason,
        )),
        _ => flags.message.clone(),
    };
    Ok((gate, message))
}

/// `--push` of a tag that exists already: it must pass the gate, then it is pushed.
fn push_existing(ctx: &Context, repo: &Repo, name: &str, execute: bool) -> CliResult {
    let v = match release_git::verify::verify_tag(
        repo,
        name,
        ctx.policy(),
        &gitctx::trust(ctx, repo)?,
        None,
    ) {
        Ok(v) => v,
        Err(e) => return gitctx::fail(ctx, e),
    };
    if let Some(f) = v.failure() {
        return gitctx::fail(
            ctx,
            release_git::GitError::refused(format!(
                "refs/tags/{name} exists but does not pass the gate, so it is not pushed: {} check: {}",
                f.id.as_str(),
                f.detail
            )),
        );
    }
    let push = if execute {
        do_push(ctx, repo, name)?
    } else {
        PushReport {
            command: push::push_command(name),
            result: None,
        }
    };
    let ok = push.result.as_ref().is_none_or(PushResult::ok);
    if ctx.json {
        output::print_json(&serde_json::json!({
            "ok": ok,
            "dry_run": !execute,
            "tag": name,
            "verification": v,
            "push": push,
        }))?;
    } else {
        print_push(&push);
        if !execute {
            println!("run again with --execute to push it");
        }
    }
    Ok(if ok { Outcome::Ok } else { Outcome::No })
}

fn do_push(ctx: &Context, repo: &Repo, name: &str) -> Result<PushReport, CliError> {
    let result = push::push_tag(&repo.root(), name, gitctx::in_ci()).map_err(|e| match e.kind {
        release_git::ErrorKind::Input => CliError::input(e.message),
        _ => CliError::env(e.message),
    })?;
    let _ = ctx;
    Ok(PushReport {
        command: push::push_command(name),
        result: Some(result),
    })
}

fn print_push(p: &PushReport) {
    match &p.result {
        Some(r) if r.ok() => println!(
            "pushed {} to {}: {} {}",
            r.refspec, r.remote, r.status, r.summary
        ),
        Some(r) => eprintln!(
            "push of {} to {} was rejected: {}",
            r.refspec, r.remote, r.summary
        ),
        None => println!("would run: {}", p.command),
    }
}

fn print_dry_run(ctx: &Context, plan: &NewTag, push: bool, gate: &TestsGate) -> CliResult {
    let push = push.then(|| PushReport {
        command: push::push_command(&plan.tag),
        result: None,
    });
    if ctx.json {
        output::print_json(&TagReport {
            ok: true,
            dry_run: true,
            tag: &plan.tag,
            version: &plan.version,
            stage: plan.stage,
            commit: &plan.commit,
            payload: &plan.payload,
            signing: plan.signing.as_ref(),
            object: None,
            verification: None,
            push,
            tests: Some(gate),
        })?;
    } else {
        println!(
            "dry run: would create {} on {}; the tag object:",
            plan.tag, plan.commit
        );
        println!();
        for line in plan.payload.lines() {
            println!("    {line}");
        }
        match &plan.signing {
            Some(s) => println!("    <{} signature from: {}>", s.format, s.describe()),
            None => println!("    (unsigned)"),
        }
        println!();
        if let Some(p) = &push {
            print_push(p);
        }
        println!("run again with --execute to create it");
    }
    Ok(Outcome::Ok)
}
