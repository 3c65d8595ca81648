//! `release preflight VERSION [--hotfix]`: every check that can run before tagging, with
//! pass/fail and the detail; exit 1 naming the failing items.
//!
//! The items: the version is allowed (V5-V7), on the main branch (the hotfix branch for a
//! hotfix), the tree is clean, the tag is absent, `release changelog lint` has no errors, the
//! trusted signing keys are configured and readable, this machine can sign with a key they
//! accept (`release check signing`), and every automated check of the
//! procedure's steps before its `tag` step (changelog prepared, upgrading notes, a release
//! candidate exists, Unreleased has entries, a passing tests record for HEAD...).

use std::fmt::Write as _;

use clap::Args;
use release_changelog::{lint, Changelog, Severity};
use release_core::checklist::{Check, CheckResult, CheckState, Checklist, Procedure};
use release_core::policy::SignatureFormat;
use release_core::version::ReleaseVersion;
use serde::Serialize;

use crate::checks::{read, Local};
use crate::commands::registry::parse_version_arg;
use crate::context::Context;
use crate::error::{CliError, CliResult, Outcome};
use crate::gitctx;
use crate::output;
use crate::released::ReleasedArgs;

/// Arguments of `release preflight`.
#[derive(Debug, Args)]
pub struct PreflightArgs {
    /// The version about to be tagged: `0.4.0`, `v0.4.0`, `0.4.0-rc.1`.
    #[arg(value_name = "VERSION")]
    pub release: String,
    /// A hotfix (P3): on the hotfix branch rather than the main branch.
    #[arg(long)]
    pub hotfix: bool,
    /// The release history (default: the repository's tags).
    #[command(flatten)]
    pub released: ReleasedArgs,
}

/// One item of the preflight.
#[derive(Debug, Serialize)]
pub struct Item {
    /// A short stable id (`version`, `tree`, `changelog`).
    pub id: &'static str,
    /// What is checked.
    pub title: String,
    /// The policy rules it enforces.
    pub rules: &'static str,
    /// `pass`, `fail`, `unknown` (could not run; counts as not passed) or `not-applicable`
    /// (the policy switches the step off: neither passed nor failing).
    pub state: CheckState,
    /// What was found.
    pub detail: String,
}

/// The JSON of `release preflight`.
#[derive(Debug, Serialize)]
pub struct PreflightReport {
    /// The version.
    pub version: String,
    /// Its tag.
    pub tag: String,
    /// `stable`, `rc` or `hotfix`.
    pub procedure: Procedure,
    /// True when every item passed.
    pub ok: bool,
    /// Every item, in order.
    pub items: Vec<Item>,
    /// The ids of the items that did not pass.
    pub failing: Vec<&'static str>,
}

/// Runs `release preflight`.
pub fn run(ctx: &Context, args: PreflightArgs) -> CliResult {
    let policy = &ctx.policy();
    let version = parse_version_arg(&args.release, policy)?;
    let procedure = match (version.is_stable(), args.hotfix) {
        (true, false) => Procedure::Stable,
        (true, true) if version.patch() == 0 => {
            return Err(CliError::input(format!(
                "--hotfix: {version} is not a hotfix; a hotfix raises the patch number of an existing line (V8)"
            )))
        }
        (true, true) => Procedure::Hotfix,
        (false, false) => Procedure::Rc,
        (false, true) => {
            return Err(CliError::input(format!(
                "--hotfix: {version} is a release candidate; hotfixes are stable versions (P3)"
            )))
        }
    };
    let local = Local::new(ctx, policy, &args.released);
    if let Err(e) = local.repo() {
        return Err(CliError::env(format!(
            "{e}; preflight checks the repository a release is tagged from"
        )));
    }
    let tag = version.tag(policy);
    let branch = if procedure == Procedure::Hotfix {
        policy.hotfix_branch_for(version.semver())
    } else {
        policy.main_branch.clone()
    };
    let history = local.history().ok().cloned().unwrap_or_default();
    let list = Checklist::with_history(procedure, &version, policy, None, &history);
    let mut items = Vec::new();
    items.push(Item::from(
        "version",
        format!("{version} may be released now"),
        "V5-V7",
        version_allowed(&local, &version),
    ));
    let mut seen: Vec<Check> = Vec::new();
    let mut check_item = |id, title: String, rules, check: Check, items: &mut Vec<Item>| {
        if seen.contains(&check) {
            return;
        }
        let result = local
            .evaluate(&check)
            .unwrap_or_else(|| CheckResult::unknown("a remote check: not run before tagging"));
        items.push(Item::from(id, title, rules, result));
        seen.push(check);
    };
    check_item(
        "branch",
        format!("On the `{branch}` branch"),
        if procedure == Procedure::Hotfix {
            "P3, V8"
        } else {
            "P1, P2"
        },
        Check::OnBranch { branch },
        &mut items,
    );
    check_item(
        "tree",
        "The working tree is clean".into(),
        "P2",
        Check::TreeClean,
        &mut items,
    );
    check_item(
        "tag-absent",
        format!("The tag `{tag}` does not exist yet"),
        "V5",
        Check::TagAbsent { tag: tag.clone() },
        &mut items,
    );
    // The procedure's own steps before its tag step.
    for step in list.steps.iter().take_while(|s| s.id != "tag") {
        if let Some(check) = &step.check {
            check_item(
                step.id,
                step.title.clone(),
                step.rules,
                check.clone(),
                &mut items,
            );
        }
    }
    items.push(Item::from(
        "lint",
        format!(
            "`release changelog lint` finds no errors in `{}`",
            policy.changelog.path
        ),
        "C1-C3",
        changelog_lint(ctx),
    ));
    items.push(Item::from(
        "signing",
        "Trusted signing keys are configured and readable".into(),
        "G2, G3",
        signing_keys(ctx, &local, &version),
    ));
    items.push(Item::from(
        "signing-setup",
        "This machine can sign the tag with a key the trust root accepts".into(),
        "G2, G3",
        match local.repo() {
            Err(e) => CheckResult::unknown(e),
            Ok(repo) => match super::check::signing_setup(ctx, repo, &tag) {
                Ok(setup) => super::check::signing_result(&setup),
                Err(e) => CheckResult::unknown(e.message),
            },
        },
    ));
    let failing: Vec<&'static str> = items
        .iter()
        .filter(|i| !matches!(i.state, CheckState::Pass | CheckState::NotApplicable))
        .map(|i| i.id)
        .collect();
    let report = PreflightReport {
        version: version.to_string(),
        tag,
        procedure,
        ok: failing.is_empty(),
        items,
        failing,
    };
    if ctx.json {
        output::print_json(&report)?;
    } else {
        print!("{}", render(&report));
    }
    Ok(if report.ok { Outcome::Ok } else { Outcome::No })
}

impl Item {
    fn from(id: &'static str, title: String, rules: &'static str, result: CheckResult) -> Self {
        Self {
            id,
            title,
            rules,
            state: result.state,
            detail: result.detail,
        }
    }
}

/// The text for people: one line per item, then the verdict.
pub fn render(report: &PreflightReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "preflight for {} ({}, {})",
        report.tag,
        match report.procedure {
            Procedure::Stable => "stable",
            Procedure::Rc => "release candidate",
            Procedure::Hotfix => "hotfix",
            Procedure::Rollback => "rollback",
        },
        report.procedure.rule()
    );
    let width = report.items.iter().map(|i| i.id.len()).max().unwrap_or(4);
    for i in &report.items {
        let state = match i.state {
            CheckState::Pass => "pass",
            CheckState::Fail => "FAIL",
            CheckState::Unknown => "????",
            CheckState::NotApplicable => "n/a ",
        };
        let _ = writeln!(
            out,
            "  {state}  {:<width$}  {} — {}",
            i.id, i.title, i.detail
        );
    }
    if report.ok {
        let na = report
            .items
            .iter()
            .filter(|i| i.state == CheckState::NotApplicable)
            .count();
        let _ = writeln!(
            out,
            "all {} checks pass{}: ready to tag {}",
            report.items.len() - na,
            if na == 0 {
                String::new()
            } else {
                format!(" ({na} not applicable)")
            },
            report.tag
        );
    } else {
        let _ = writeln!(out, "not ready to tag {}; failing:", report.tag);
        for i in report
            .items
            .iter()
            .filter(|i| !matches!(i.state, CheckState::Pass | CheckState::NotApplicable))
        {
            let _ = writeln!(out, "  - {}: {}", i.id, i.detail);
        }
    }
    out
}

fn version_allowed(local: &Local<'_>, version: &ReleaseVersion) -> CheckResult {
    match local.history() {
        Err(e) => CheckResult::unknown(e),
        Ok(history) => match history.check_new(version) {
            Ok(()) => CheckResult::pass(format!(
                "{version} is new and above every release of its line"
            )),
            Err(refusal) => CheckResult::fail(refusal.to_string()),
        },
    }
}

fn changelog_lint(ctx: &Context) -> CheckResult {
    let rel = &ctx.policy().changelog.path;
    let text = match read(&ctx.resolve(rel)) {
        Ok(t) => t,
        Err(e) => return CheckResult::fail(format!("{rel}: {e}")),
    };
    let diags = lint(&Changelog::parse(text), ctx.policy());
    let errors: Vec<String> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{rel}:{}:{} [{}] {}", d.line, d.column, d.rule, d.message))
        .collect();
    let warnings = diags.len() - errors.len();
    if errors.is_empty() {
        CheckResult::pass(format!("no errors ({warnings} warnings)"))
    } else {
        let n = errors.len();
        let mut shown: Vec<String> = errors.into_iter().take(3).collect();
        if n > 3 {
            shown.push(format!("and {} more", n - 3));
        }
        CheckResult::fail(format!(
            "{n} {}: {}",
            if n == 1 { "error" } else { "errors" },
            shown.join("; ")
        ))
    }
}

/// The trusted keys of the formats the policy accepts for this version's stage: at least one
/// format has a configured file that can be read and holds a key; the problems of the others
/// are named.
fn signing_keys(ctx: &Context, local: &Local<'_>, version: &ReleaseVersion) -> CheckResult {
    let repo = match local.repo() {
        Ok(r) => r,
        Err(e) => return CheckResult::unknown(e),
    };
    let trust = match gitctx::trust(ctx, repo) {
        Ok(t) => t,
        Err(e) => return CheckResult::unknown(e.message),
    };
    let formats = if version.is_stable() {
        &trust.stable
    } else {
        &trust.candidate
    };
    let text = |content: &Result<Vec<u8>, String>| -> Result<String, String> {
        content
            .as_ref()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .map_err(Clone::clone)
    };
    let mut usable = Vec::new();
    let mut problems = Vec::new();
    for format in formats {
        match format {
            SignatureFormat::Openpgp => {
                if trust.openpgp_keys.is_empty() {
                    problems.push("openpgp: signing.openpgp_keys is empty".to_string());
                }
                for file in &trust.openpgp_keys {
                    match text(&file.content) {
                        Err(e) => problems.push(format!("openpgp: {e}")),
                        Ok(t) if !t.contains("-----BEGIN PGP PUBLIC KEY BLOCK-----") => problems
                            .push(format!(
                                "openpgp: {} holds no armored public key",
                                file.name
                            )),
                        Ok(_) => usable.push(format!("openpgp keys in {}", file.name)),
                    }
                }
            }
            SignatureFormat::Ssh => match &trust.ssh_allowed_signers {
                None => problems.push("ssh: signing.ssh_allowed_signers is not set".into()),
                Some(file) => match text(&file.content) {
                    Err(e) => problems.push(format!("ssh: {e}")),
                    Ok(t) => {
                        let n = t
                            .lines()
                            .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
                            .count();
                        if n == 0 {
                            problems.push(format!("ssh: {} lists no signer", file.name));
                        } else {
                            usable.push(format!("{n} ssh signers in {}", file.name));
                        }
                    }
                },
            },
        }
    }
    if formats.is_empty() {
        return CheckResult::fail("the policy accepts no signature format for this stage (G2)");
    }
    if usable.is_empty() {
        CheckResult::fail(format!(
            "no trusted key can be read, so the tag could not be verified (G2): {}",
            problems.join("; ")
        ))
    } else {
        let mut detail = format!("{} (trust root: {})", usable.join(", "), trust.source);
        if !problems.is_empty() {
            detail.push_str(&format!(" (also: {})", problems.join("; ")));
        }
        CheckResult::pass(detail)
    }
}
