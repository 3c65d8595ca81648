//! `release check tests|smoke|restore-drill [--execute] [--timeout SECONDS]`: runs the
//! policy's `[checks]` commands on HEAD and records the result as a git note
//! (`refs/notes/release-checks`, see `release_git::checks`); `release check signing`: whether
//! this machine can sign a tag the trust root accepts (`release_git::setup`).
//!
//! Without `--execute` it prints what would run (and how: an argument vector, or `sh -c` with
//! the reason) and what the current record is worth. A run on a dirty tree, or one during which
//! HEAD moved or the tree changed, runs but is not recorded: a record vouches for one commit.

use std::time::Duration;

use clap::{Args, ValueEnum};
use release_core::checks::{CheckKind, CheckRecord, Invocation, RunResult, Standing};
use release_core::untrusted::escape;
use release_git::checks::{self as records, NOTES_REF};
use release_git::repo::Repo;
use release_git::setup::{self, SetupState, SigningSetup};
use serde::Serialize;

use crate::context::Context;
use crate::error::{CliError, CliResult, Outcome};
use crate::gitctx;
use crate::output;
use crate::runner;

/// Which check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Which {
    /// `checks.test_commands`, in order.
    Tests,
    /// `checks.smoke_command`.
    Smoke,
    /// `checks.restore_drill_command`.
    RestoreDrill,
    /// This machine's signing setup: key set, usable, trusted (G2).
    Signing,
}

/// Arguments of `release check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The check to run.
    #[arg(value_enum)]
    pub which: Which,
    /// Run the commands and record the result (default: show what would run and the current
    /// record).
    #[arg(long)]
    pub execute: bool,
    /// Stop a command after this many seconds (default: the policy's checks.timeout_seconds).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// `signing`: the version about to be tagged; its stage decides the accepted formats
    /// (default: a stable version).
    #[arg(long = "for", value_name = "VERSION")]
    pub for_version: Option<String>,
}

#[derive(Debug, Serialize)]
struct CommandReport {
    command: String,
    invocation: Invocation,
    result: Option<RunResult>,
    exit_code: Option<i32>,
    duration_ms: Option<u64>,
    error: Option<String>,
}

#[derive(Debug, Serialize)]
struct CheckReport {
    check: CheckKind,
    dry_run: bool,
    ok: bool,
    commit: String,
    result: Option<RunResult>,
    recorded: bool,
    not_recorded: Option<String>,
    notes_ref: &'static str,
    timeout_seconds: u64,
    commands: Vec<CommandReport>,
    standing: Standing,
}

/// Runs `release check`.
pub fn run(ctx: &Context, args: CheckArgs) -> CliResult {
    let kind = match args.which {
        Which::Tests => CheckKind::Tests,
        Which::Smoke => CheckKind::Smoke,
        Which::RestoreDrill => CheckKind::RestoreDrill,
        Which::Signing => return signing(ctx, args.for_version.as_deref()),
    };
    let repo = gitctx::open_repo(ctx)?;
    let commands = kind.commands(ctx.policy());
    if commands.is_empty() {
        // Nothing is required either (the gate and the checklists treat the check as not
        // applicable), so a documented procedure runs the same in a project without tests.
        let why = format!(
            "the policy names no {kind} command ({}): nothing to run, nothing recorded",
            kind.policy_key()
        );
        if ctx.json {
            output::print_json(&serde_json::json!({
                "check": kind,
                "ok": true,
                "standing": Standing::NotConfigured,
                "detail": why,
            }))?;
        } else {
            println!("{why}");
        }
        return Ok(Outcome::Ok);
    }
    let invocations: Vec<Invocation> = commands
        .iter()
        .map(|c| {
            Invocation::parse(c).map_err(|e| CliError::input(format!("{}: {e}", kind.policy_key())))
        })
        .collect::<Result<_, _>>()?;
    let timeout_seconds = args.timeout.unwrap_or(ctx.policy().checks.timeout_seconds);
    if timeout_seconds == 0 {
        return Err(CliError::input("--timeout must be at least 1 second"));
    }
    let (standing, head) = records::standing(repo, kind, &commands).map_err(CliError::env)?;
    let mut report = CheckReport {
        check: kind,
        dry_run: !args.execute,
        ok: true,
        commit: head.clone(),
        result: None,
        recorded: false,
        not_recorded: None,
        notes_ref: NOTES_REF,
        timeout_seconds,
        commands: commands
            .iter()
            .zip(&invocations)
            .map(|(c, i)| CommandReport {
                command: c.clone(),
                invocation: i.clone(),
                result: None,
                exit_code: None,
                duration_ms: None,
                error: None,
            })
            .collect(),
        standing,
    };
    if !args.execute {
        if ctx.json {
            output::print_json(&report)?;
        } else {
            println!(
                "{kind} on {} (timeout {timeout_seconds} s per command):",
                short(&head)
            );
            for c in &report.commands {
                println!("  {}", describe(&c.invocation));
            }
            let now = report.standing.check_result(kind, &head);
            println!("record: {}", escape(&now.detail));
            println!("run again with --execute to run and record it");
        }
        return Ok(Outcome::Ok);
    }
    let dirty_before = repo.dirty_paths().map_err(CliError::env)?;
    let started = time::OffsetDateTime::now_utc();
    let clock = std::time::Instant::now();
    let root = repo.root();
    let mut result = RunResult::Pass;
    let mut failed: Option<(String, Option<i32>)> = None;
    for c in report.commands.iter_mut() {
        if ctx.json {
            eprintln!("$ {}", describe(&c.invocation));
        } else {
            println!("$ {}", describe(&c.invocation));
        }
        let ran = runner::run(
            &c.invocation,
            &root,
            Duration::from_secs(timeout_seconds),
            ctx.json,
        );
        c.result = Some(ran.result);
        c.exit_code = ran.exit_code;
        c.duration_ms = Some(millis(ran.elapsed));
        c.error = ran.error.clone();
        let said = match ran.result {
            RunResult::Pass => None,
            RunResult::Fail => Some(match ran.exit_code {
                Some(code) => format!("exited {code}"),
                None => "was killed by a signal".into(),
            }),
            RunResult::Timeout => Some(format!(
                "timed out after {timeout_seconds} s and was stopped"
            )),
            RunResult::Error => Some(format!(
                "could not start: {}",
                ran.error.as_deref().unwrap_or("unknown")
            )),
        };
        if let Some(said) = said {
            eprintln!("`{}` {said}", escape(&c.command));
            result = ran.result;
            failed = Some((c.command.clone(), ran.exit_code));
            break;
        }
    }
    let finished = time::OffsetDateTime::now_utc();
    report.result = Some(result);
    report.ok = result == RunResult::Pass;
    // A record vouches for one commit and a clean tree, for the whole run.
    let head_after = repo.head_commit().map(|o| o.to_string()).ok();
    let dirty_after = repo
        .dirty_paths()
        .unwrap_or_else(|_| vec!["(unreadable)".into()]);
    report.not_recorded = if !dirty_before.is_empty() {
        Some(format!(
            "the working tree was dirty ({}): commit or stash, then run again",
            shown(&dirty_before)
        ))
    } else if head_after.as_deref() != Some(head.as_str()) {
        Some("HEAD moved during the run".into())
    } else if !dirty_after.is_empty() {
        Some(format!(
            "the run changed the working tree ({}): ignore build output in .gitignore, then run again",
            shown(&dirty_after)
        ))
    } else {
        None
    };
    if report.not_recorded.is_none() {
        let record = CheckRecord {
            check: kind,
            result,
            commit: head.clone(),
            tree_clean: true,
            started: rfc3339(started),
            finished: rfc3339(finished),
            duration_ms: millis(clock.elapsed()),
            commands: commands.clone(),
            failed_command: failed.as_ref().map(|(c, _)| c.clone()),
            exit_code: failed.as_ref().and_then(|(_, code)| *code),
            tool: format!("release {}", env!("CARGO_PKG_VERSION")),
            by: repo.signature().ok().map(|s| {
                format!(
                    "{} <{}>",
                    s.name().unwrap_or_default(),
                    s.email().unwrap_or_default()
                )
            }),
        };
        records::write_record(repo, &record).map_err(CliError::env)?;
        report.recorded = true;
    }
    report.standing = records::standing(repo, kind, &commands)
        .map(|(s, _)| s)
        .unwrap_or(Standing::Missing);
    if ctx.json {
        output::print_json(&report)?;
    } else {
        let verdict = match result {
            RunResult::Pass => format!("{kind} passed on {}", short(&head)),
            other => format!("{kind} did not pass on {} ({})", short(&head), other.name()),
        };
        match &report.not_recorded {
            None => println!(
                "{verdict}; recorded in {NOTES_REF} (share it: git push origin {NOTES_REF})"
            ),
            Some(why) => println!("{verdict}; NOT recorded: {why}"),
        }
    }
    Ok(if report.ok && report.recorded {
        Outcome::Ok
    } else {
        Outcome::No
    })
}

fn describe(invocation: &Invocation) -> String {
    match invocation {
        Invocation::Direct { .. } => escape(&invocation.display()).into_owned(),
        Invocation::Shell { reason, .. } => format!(
            "{}   (runs under sh -c: {})",
            escape(&invocation.display()),
            escape(reason)
        ),
    }
}

fn shown(paths: &[String]) -> String {
    let mut s: Vec<String> = paths
        .iter()
        .take(5)
        .map(|p| escape(p).into_owned())
        .collect();
    if paths.len() > 5 {
        s.push(format!("and {} more", paths.len() - 5));
    }
    s.join(", ")
}

fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    let t = t.replace_nanosecond(0).unwrap_or(t);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

/// `release check signing`.
fn signing(ctx: &Context, for_version: Option<&str>) -> CliResult {
    let repo = gitctx::open_repo(ctx)?;
    let tag = match for_version {
        Some(v) => crate::commands::registry::parse_version_arg(v, ctx.policy())?.tag(ctx.policy()),
        None => format!("{}0.0.0", ctx.policy().tag_prefix),
    };
    let setup = signing_setup(ctx, repo, &tag)?;
    if ctx.json {
        output::print_json(&setup)?;
    } else {
        print!("{}", render_signing(&setup));
    }
    Ok(if setup.ok { Outcome::Ok } else { Outcome::No })
}

/// The signing setup check for a tag named `tag` (shared with `release preflight`).
pub fn signing_setup(ctx: &Context, repo: &Repo, tag: &str) -> Result<SigningSetup, CliError> {
    let trust = gitctx::trust(ctx, repo)?;
    setup::check_signing(repo, tag, ctx.policy(), &trust).map_err(|e| match e.kind {
        release_git::ErrorKind::Input => CliError::input(e.message),
        _ => CliError::env(e.message),
    })
}

/// The setup as text: one line per item, with the next step under each problem.
pub fn render_signing(setup: &SigningSetup) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for item in &setup.items {
        let state = match item.state {
            SetupState::Pass => "pass",
            SetupState::Fail => "FAIL",
            SetupState::Advice => "note",
            SetupState::Skip => "skip",
        };
        let _ = writeln!(out, "  {state}  {:<12} {}", item.id, escape(&item.detail));
        if let Some(fix) = &item.fix {
            let _ = writeln!(out, "        {:<12} next: {}", "", escape(fix));
        }
    }
    let _ = writeln!(
        out,
        "{}",
        if setup.ok {
            "this machine can sign release tags the trust root accepts"
        } else {
            "this machine cannot sign a release tag the trust root accepts yet"
        }
    );
    out
}

/// The signing setup as one preflight result: the failing item with its next step, or a pass
/// with the advice appended.
pub fn signing_result(setup: &SigningSetup) -> release_core::checklist::CheckResult {
    use release_core::checklist::CheckResult;
    if let Some(f) = setup.failure() {
        return CheckResult::fail(format!(
            "{}: {}; next: {}",
            f.id,
            f.detail,
            f.fix.as_deref().unwrap_or("see `release check signing`")
        ));
    }
    let signed = setup
        .items
        .iter()
        .find(|i| i.id == "trusted")
        .map(|i| i.detail.clone())
        .unwrap_or_default();
    let advice: Vec<String> = setup
        .items
        .iter()
        .filter(|i| i.state == SetupState::Advice)
        .filter_map(|i| i.fix.clone())
        .collect();
    CheckResult::pass(if advice.is_empty() {
        signed
    } else {
        format!("{signed} (advice: {})", advice.join("; "))
    })
}

/// One line per configured check for `release status`: "tests passed on COMMIT at TIME",
/// or what is missing; nothing when the policy names no check command.
pub fn status_lines(ctx: &Context, repo: Option<&Repo>) -> Vec<String> {
    let Some(repo) = repo else {
        return Vec::new();
    };
    CheckKind::ALL
        .into_iter()
        .filter_map(|kind| {
            let commands = kind.commands(ctx.policy());
            if commands.is_empty() {
                return None;
            }
            Some(match records::standing(repo, kind, &commands) {
                Ok((standing, head)) => standing.check_result(kind, &head).detail,
                Err(e) => format!("{kind}: unknown ({})", e.message),
            })
        })
        .collect()
}
