//! `release rollback VERSION --reason TEXT`: move the aliases off a defective release (R3),
//! mark its GitHub Release deprecated (R2), never delete anything (R1).
//!
//! The report is a list of steps (`registry`, `github`, `changelog` for the `[YANKED]` mark of
//! R4). Each step says what it did, so a partial failure shows exactly what moved, and a re-run
//! only does what is left.

use std::fmt::Write as _;

use clap::Args;
use release_changelog as cl;
use release_core::rollback::{add_banner, deprecation_banner, KeptAlias, RollbackPlan};
use release_core::untrusted::escape;
use release_registry::client::TargetStatus;
use release_registry::RetagOptions;
use serde::Serialize;

use crate::commands::registry::{
    block_on, history_from_image_tags, image_repository, parse_version_arg, registry_error,
    ConnectArgs, GithubArgs,
};
use crate::context::Context;
use crate::error::{CliError, CliResult, Outcome};
use crate::output;
use crate::released::ReleasedArgs;

/// Arguments of `release rollback`.
#[derive(Debug, Args)]
pub struct RollbackArgs {
    /// The defective version (`0.4.0` or `v0.4.0`).
    #[arg(value_name = "VERSION")]
    pub defective: String,
    /// The version to move the aliases to (default: the newest good release each alias may
    /// cover).
    #[arg(long, value_name = "VERSION")]
    pub to: Option<String>,
    /// Why (goes into the deprecation banner).
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// Earlier defective versions, never chosen as a target.
    #[arg(long, value_delimiter = ',', value_name = "VERSION,...")]
    pub yanked: Vec<String>,
    /// The image (default: the policy's first image).
    #[arg(long, value_name = "NAME")]
    pub image: Option<String>,
    /// Act (default: a dry run that only reads).
    #[arg(long)]
    pub execute: bool,
    /// The changelog to mark `[YANKED]` (default: the policy's `changelog.path`).
    #[arg(long, value_name = "PATH")]
    pub changelog: Option<std::path::PathBuf>,
    /// Leave the changelog alone.
    #[arg(long, conflicts_with = "changelog")]
    pub no_changelog: bool,
    /// The release history (default: the versions among the image's tags).
    #[command(flatten)]
    pub released: ReleasedArgs,
    #[command(flatten)]
    pub connect: ConnectArgs,
    #[command(flatten)]
    pub github: GithubArgs,
}

/// One step of a rollback.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// `registry`, `github` (later also `changelog`).
    pub kind: &'static str,
    /// What it acts on (`127.0.0.1:5000/app:latest`, `GitHub Release v0.4.0`).
    pub target: String,
    /// What it does (`move to 0.3.2 (sha256:…)`, `add the deprecation banner`).
    pub action: String,
    /// `planned` (dry run), `done`, `unchanged`, `skipped`, `failed`, `not attempted`, or
    /// `unknown` (a dry run could not read what the step acts on; never in an executed run).
    pub status: &'static str,
    /// Errors and notes.
    pub detail: Option<String>,
    /// The unified diff of a file edit (the changelog step).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

/// The JSON of `release rollback` (the same shape in a dry run).
#[derive(Debug, Serialize)]
pub struct RollbackReport {
    /// The defective version.
    pub version: String,
    /// The image.
    pub image: String,
    /// Its digest.
    pub digest: String,
    /// What users should take instead.
    pub replacement: Option<String>,
    /// The reason given.
    pub reason: String,
    /// Whether this run acted.
    pub execute: bool,
    /// The steps, in the order they run (`latest` last among the registry moves).
    pub steps: Vec<Step>,
    /// Aliases left as they are, with the reason (R3).
    pub kept: Vec<KeptAlias>,
    /// The banner text (R2).
    pub banner: String,
    /// The plan (for the deprecation notice's aliases).
    #[serde(skip)]
    pub plan: Option<RollbackPlan>,
}

/// Runs `release rollback`.
pub fn run(ctx: &Context, args: RollbackArgs) -> CliResult {
    let policy = &ctx.policy();
    let defective = parse_version_arg(&args.defective, policy)?;
    let to = args
        .to
        .as_deref()
        .map(|t| parse_version_arg(t, policy))
        .transpose()?;
    let yanked = crate::commands::registry::yanked_versions(ctx, &args.yanked, policy)?;
    if !defective.is_stable() {
        return Err(CliError::input(
            release_core::rollback::RollbackError::NotStable(defective).to_string(),
        ));
    }
    if args.reason.trim().is_empty() || args.reason.contains(['\n', '\r']) {
        return Err(CliError::input(
            "--reason must say in one line why the release is rolled back (R2, R4)",
        ));
    }
    let changelog = (!args.no_changelog).then(|| {
        args.changelog
            .clone()
            .unwrap_or_else(|| ctx.resolve(&policy.changelog.path))
    });
    let repo = image_repository(args.image.as_deref(), policy)?;
    crate::commands::registry::check_stdin(&args.connect, &args.released)?;
    let client = args.connect.connect()?;
    let github = args.github.client(policy, args.connect.retry())?;
    let given = args.released.history_if_given(policy)?;
    let execute = args.execute;
    let result = block_on(async {
        let mut history = match given {
            Some(h) => h,
            None => history_from_image_tags(&client.list_tags(&repo).await?, policy),
        };
        history.insert(defective.clone());
        let aliases = release_core::rollback::Alias::of(&defective, policy);
        let mut names = vec![defective.to_string()];
        names.extend(aliases.iter().map(ToString::to_string));
        let resolved = client.resolve_many(&repo, &names).await;
        let mut digests = Vec::new();
        for r in resolved {
            match r {
                Ok(r) => digests.push(Some(r.digest)),
                Err(e) if e.is_not_found() => digests.push(None),
                Err(e) => return Err(e),
            }
        }
        let Some(bad_digest) = digests[0].clone() else {
            return Err(release_registry::RegistryError::NotFound {
                what: format!("{repo}:{defective}"),
                detail: ": the defective version's tag does not exist, so nothing points at it"
                    .into(),
            });
        };
        let pointing: Vec<String> = names[1..]
            .iter()
            .zip(&digests[1..])
            .filter(|(_, d)| d.as_ref() == Some(&bad_digest))
            .map(|(n, _)| n.clone())
            .collect();
        let plan = RollbackPlan::compute(
            &defective,
            to.as_ref(),
            &history,
            &yanked,
            &pointing,
            policy,
        )
        .map_err(|e| release_registry::RegistryError::Input(e.to_string()))?;
        let banner = deprecation_banner(&defective, plan.replacement.as_ref(), &args.reason);
        let mut steps = Vec::new();
        // Registry moves in the plan's order (`latest` last), one retag per run of moves to
        // the same version; the first failure stops every move after it, so `latest` never
        // moves when an earlier alias could not.
        let mut failed = false;
        let mut k = 0;
        while k < plan.moves.len() {
            let target = plan.moves[k].to.to_string();
            let mut tags = Vec::new();
            while k < plan.moves.len() && plan.moves[k].to.to_string() == target {
                tags.push(plan.moves[k].alias.clone());
                k += 1;
            }
            if failed {
                for t in tags {
                    steps.push(Step {
                        kind: "registry",
                        target: format!("{repo}:{t}"),
                        action: format!("move to {target}"),
                        status: "not attempted",
                        detail: Some(
                            "an earlier move failed; aliases move in order, `latest` last".into(),
                        ),
                        diff: None,
                    });
                }
                continue;
            }
            let options = RetagOptions {
                execute,
                check: true,
            };
            match client.retag(&repo, &target, &tags, options).await {
                Ok(report) => {
                    for t in report.targets {
                        let (status, detail) = match t.status {
                            TargetStatus::Planned => ("planned", None),
                            TargetStatus::Done if t.before.as_ref() == Some(&report.digest) => {
                                ("unchanged", None)
                            }
                            TargetStatus::Done => ("done", None),
                            // A dry run only reads: what it could not read is unknown.
                            TargetStatus::Failed(e) if !execute => {
                                ("unknown", Some(format!("could not check: {e}")))
                            }
                            TargetStatus::Failed(e) => {
                                failed = true;
                                ("failed", Some(e))
                            }
                            TargetStatus::NotAttempted(_) => {
                                failed = true;
                                (
                                    "not attempted",
                                    Some("an earlier move failed; aliases move in order, `latest` last".into()),
                                )
                            }
                        };
                        steps.push(Step {
                            kind: "registry",
                            target: format!("{repo}:{}", t.tag),
                            action: format!("move to {target} ({})", report.digest),
                            status,
                            detail,
                            diff: None,
                        });
                    }
                }
                Err(e) => {
                    // A dry run only reads: what it could not read is unknown, not failed.
                    let (status, detail) = if execute {
                        failed = true;
                        ("failed", e.to_string())
                    } else {
                        ("unknown", format!("could not check: {e}"))
                    };
                    for t in tags {
                        steps.push(Step {
                            kind: "registry",
                            target: format!("{repo}:{t}"),
                            action: format!("move to {target}"),
                            status,
                            detail: Some(detail.clone()),
                            diff: None,
                        });
                    }
                }
            }
        }
        // The GitHub Release gets the banner once (R2).
        let tag = defective.tag(policy);
        if let Some(gh) = &github {
            let target = format!("GitHub Release {tag} ({})", gh.repository());
            let action = "add the deprecation banner".to_string();
            match gh.release_by_tag(&tag).await {
                Err(e) if !execute => steps.push(Step {
                    kind: "github",
                    target,
                    action,
                    status: "unknown",
                    detail: Some(format!("could not check: {e}")),
                    diff: None,
                }),
                Err(e) => {
                    failed = true;
                    steps.push(Step {
                        kind: "github",
                        target,
                        action,
                        status: "failed",
                        detail: Some(e.to_string()),
                        diff: None,
                    });
                }
                Ok(None) => steps.push(Step {
                    kind: "github",
                    target,
                    action,
                    status: "skipped",
                    detail: Some(format!("no release for {tag}")),
                    diff: None,
                }),
                Ok(Some(release)) => {
                    match add_banner(release.body.as_deref().unwrap_or(""), &banner) {
                        None => steps.push(Step {
                            kind: "github",
                            target,
                            action,
                            status: "unchanged",
                            detail: Some("the banner is already there".into()),
                            diff: None,
                        }),
                        Some(_) if !execute => steps.push(Step {
                            kind: "github",
                            target,
                            action,
                            status: "planned",
                            detail: None,
                            diff: None,
                        }),
                        Some(body) => match gh.edit_body(release.id, &body).await {
                            Ok(_) => steps.push(Step {
                                kind: "github",
                                target,
                                action,
                                status: "done",
                                detail: None,
                                diff: None,
                            }),
                            Err(e) => {
                                failed = true;
                                steps.push(Step {
                                    kind: "github",
                                    target,
                                    action,
                                    status: "failed",
                                    detail: Some(e.to_string()),
                                    diff: None,
                                });
                            }
                        },
                    }
                }
            }
        }
        Ok((
            RollbackReport {
                version: defective.to_string(),
                image: repo.to_string(),
                digest: bad_digest.to_string(),
                replacement: plan.replacement.as_ref().map(ToString::to_string),
                reason: args.reason.trim().to_string(),
                execute,
                steps,
                kept: plan.kept.clone(),
                banner,
                plan: Some(plan),
            },
            failed,
        ))
    })?;
    let (mut report, mut failed) = result.map_err(registry_error)?;
    // The changelog's `[YANKED]` mark (R4): a local edit, atomic, a diff in a dry run.
    if let Some(path) = changelog {
        let mut step = changelog_step(ctx, &path, &report, execute);
        if !execute && step.status == "failed" {
            step.status = "unknown";
            step.detail = step.detail.map(|d| format!("could not check: {d}"));
        }
        failed |= step.status == "failed";
        report.steps.push(step);
    }
    // R6: the deprecation notice on the channels of the announcement.
    if !policy.announce.channels.is_empty() {
        let steps = notify_steps(ctx, &defective, &report, github.as_ref(), execute);
        failed |= steps.iter().any(|s| s.status == "failed");
        report.steps.extend(steps);
    }
    if ctx.json {
        output::print_json(&report)?;
    } else {
        print!("{}", render(&report));
    }
    if failed {
        return Err(CliError::env("the rollback is incomplete: the steps above say what moved; fix the cause and re-run (it only does what is left)"));
    }
    Ok(Outcome::Ok)
}

/// The deprecation notice on every announcement channel (R6), recorded in the GitHub Release
/// like an announcement, so a re-run sends it only where it is missing.
fn notify_steps(
    ctx: &Context,
    defective: &release_core::version::ReleaseVersion,
    report: &RollbackReport,
    github: Option<&release_registry::github::GitHub>,
    execute: bool,
) -> Vec<Step> {
    use crate::commands::announce;
    let policy = &ctx.policy();
    let channels: Vec<&release_core::announce::Channel> = policy.announce.channels.iter().collect();
    let step = |channel: &str, status, detail: Option<String>| Step {
        kind: "announce",
        target: format!("channel {channel}"),
        action: "send the deprecation notice (R6)".into(),
        status,
        detail,
        diff: None,
    };
    let all = |status, detail: String| -> Vec<Step> {
        channels
            .iter()
            .map(|c| step(&c.name, status, Some(detail.clone())))
            .collect()
    };
    let none = release_core::history::History::from_versions(Vec::<
        release_core::version::ReleaseVersion,
    >::new());
    let messages = announce::deprecation(
        ctx,
        defective,
        None,
        &none,
        &report.reason,
        report.plan.as_ref(),
    )
    .and_then(|dep| announce::deprecation_messages(&dep, &channels));
    let messages = match messages {
        Ok(m) => m,
        Err(e) => return all(if execute { "failed" } else { "unknown" }, e.message),
    };
    if !execute {
        return messages
            .iter()
            .map(|m| step(&m.channel, "planned", None))
            .collect();
    }
    let Some(gh) = github else {
        return all("skipped", format!("--no-github: the record of what was posted lives in the GitHub Release; send it later with `release announce {defective} --deprecated --reason \"...\" --execute`"));
    };
    let owned: Vec<release_core::announce::Channel> =
        channels.iter().map(|c| (*c).clone()).collect();
    let tag = defective.tag(policy);
    match block_on(announce::post_all(gh, &tag, &owned, messages)) {
        Ok(Ok(results)) => results
            .into_iter()
            .map(|r| {
                let status = match r.status {
                    "done" => "done",
                    "unchanged" => "unchanged",
                    _ => "failed",
                };
                step(&r.message.channel, status, r.detail.or(r.url))
            })
            .collect(),
        Ok(Err(e)) | Err(e) => all("failed", e.message),
    }
}

/// Marks the defective version `[YANKED]` in the changelog, with the reason and replacement.
fn changelog_step(
    ctx: &Context,
    path: &std::path::Path,
    report: &RollbackReport,
    execute: bool,
) -> Step {
    let name = path
        .strip_prefix(&ctx.root)
        .unwrap_or(path)
        .display()
        .to_string();
    let step = |status, detail: Option<String>, diff| Step {
        kind: "changelog",
        target: name.clone(),
        action: format!("mark {} [YANKED]", report.version),
        status,
        detail,
        diff,
    };
    if !path.exists() {
        return step("skipped", Some("no changelog".into()), None);
    }
    let old = match crate::commands::changelog::read_text(path) {
        Ok(t) => t,
        Err(e) => return step("failed", Some(e.message), None),
    };
    let doc = cl::Changelog::parse(old.clone());
    match cl::yank(
        &doc,
        &report.version,
        &report.reason,
        report.replacement.as_deref(),
        ctx.policy(),
    ) {
        Err(cl::Error::AlreadyYanked { .. }) => {
            step("unchanged", Some("already marked [YANKED]".into()), None)
        }
        Err(e @ cl::Error::NoSuchVersion { .. }) => step("skipped", Some(e.to_string()), None),
        Err(e) => step("failed", Some(e.to_string()), None),
        Ok(edit) => {
            let diff = cl::save::unified_diff(&name, &old, &edit.text);
            if !execute {
                return step("planned", None, Some(diff));
            }
            if let Err(e) = cl::save::save_atomic(path, &edit.text) {
                return step("failed", Some(format!("cannot write {name}: {e}")), None);
            }
            step("done", Some(record_yank(ctx, path, report)), Some(diff))
        }
    }
}

/// The yanked record is the changelog on the main branch (R5): on `main` the mark is committed
/// (and then has to be pushed); elsewhere the maintainer is told to bring it to `main`.
fn record_yank(ctx: &Context, path: &std::path::Path, report: &RollbackReport) -> String {
    let Ok(repo) = crate::gitctx::open_repo(ctx) else {
        return "not in a git repository: commit the mark on the main branch yourself (R5)".into();
    };
    let main = &ctx.policy().main_branch;
    if repo.current_branch().ok().flatten().as_deref() != Some(main.as_str()) {
        return format!("commit this mark on `{main}`: the yanked record is read from there (R5)");
    }
    let root = repo.root();
    let relative = std::fs::canonicalize(path)
        .ok()
        .and_then(|p| {
            let top = std::fs::canonicalize(&root).ok()?;
            p.strip_prefix(top)
                .ok()
                .map(|r| r.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| ctx.policy().changelog.path.clone());
    let tag = format!("{}{}", ctx.policy().tag_prefix, report.version);
    match release_git::commit::commit_paths(
        &root,
        &[relative.as_str()],
        &format!("docs: yank {tag}"),
    ) {
        Ok(id) => format!(
            "committed {id} on `{main}`; push it so CI sees the yank: git push origin {main} (R5)"
        ),
        Err(e) => format!("not committed ({}): commit it on `{main}` (R5)", e.message),
    }
}

/// The text for people.
pub fn render(r: &RollbackReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "rollback of {} {} ({})", r.image, r.version, r.digest);
    let _ = writeln!(
        out,
        "use instead: {}",
        r.replacement.as_deref().unwrap_or("(none yet)")
    );
    for s in &r.steps {
        let _ = write!(
            out,
            "  [{}] {}: {} — {}",
            s.status, s.kind, s.target, s.action
        );
        if let Some(d) = &s.detail {
            // Details quote registries and GitHub: outside text.
            let _ = write!(out, " ({})", escape(d));
        }
        out.push('\n');
    }
    for k in &r.kept {
        let _ = writeln!(out, "  [kept] {}: {}", k.alias, k.reason);
    }
    // The changelog edit, as a diff: what `--execute` writes (or wrote).
    for s in r
        .steps
        .iter()
        .filter(|s| s.status == "planned" || s.status == "done")
    {
        if let Some(diff) = &s.diff {
            let diff = release_core::untrusted::escape_multiline(diff);
            out.push('\n');
            out.push_str(&diff);
            if !diff.ends_with('\n') {
                out.push('\n');
            }
        }
    }
    if !r.execute {
        let unknown: Vec<String> = r
            .steps
            .iter()
            .filter(|s| s.status == "unknown")
            .map(|s| format!("{} {}", s.kind, s.target))
            .collect();
        if !unknown.is_empty() {
            let _ = writeln!(
                out,
                "not checked (could not be read): {}; --execute would try them again",
                unknown.join(", ")
            );
        }
        let _ = writeln!(out, "dry run: nothing was changed; add --execute to act");
    }
    out
}

/// R2 as a check: `Ok(Some(true))` when the GitHub Release of `tag` starts with the
/// deprecation banner, `Ok(Some(false))` when it does not, `Ok(None)` when there is no release.
pub async fn banner_present(
    gh: &release_registry::github::GitHub,
    tag: &str,
) -> Result<Option<bool>, release_registry::RegistryError> {
    Ok(gh
        .release_by_tag(tag)
        .await?
        .map(|r| release_core::rollback::has_banner(r.body.as_deref().unwrap_or(""))))
}
