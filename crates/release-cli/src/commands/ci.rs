//! `release ci`: the one gate a release workflow calls.
//!
//! For a tag: optionally re-fetch the tag from origin (actions/checkout can leave a lightweight
//! ref where the annotated tag was), verify it (G1-G4, and that it points at the event's
//! commit), refuse a version that already has a GitHub Release (V5), compute the plan from the
//! repository's tags and write the release notes to a file. For a main push: the edge, nightly
//! and sha plan. For anything else: an empty plan with its reason. The outputs go to
//! `$GITHUB_OUTPUT`; failures also become `::error::` lines. It never creates or pushes a tag
//! (G5).

use std::path::PathBuf;
use std::process::Command;

use clap::Args;
use release_changelog::Changelog;
use release_core::event::{Event, Trigger};
use release_core::history::History;
use release_core::matrix::TagPlan;
use release_core::version::ReleaseVersion;
use release_git::verify::Verification;
use serde::Serialize;

use crate::commands::plan::{self, PlanReport};
use crate::commands::registry::{block_on, registry_error, GithubArgs};
use crate::context::Context;
use crate::error::{CliError, CliResult, Outcome};
use crate::gitctx;
use crate::output;
use crate::summary;

/// Arguments of `release ci`.
#[derive(Debug, Args)]
pub struct CiArgs {
    /// The full ref of the event.
    #[arg(long = "ref", env = "GITHUB_REF", value_name = "REF")]
    pub git_ref: String,
    /// The full commit id of the event.
    #[arg(long, env = "GITHUB_SHA", value_name = "FULL_SHA")]
    pub sha: String,
    /// The event name.
    #[arg(
        long,
        env = "GITHUB_EVENT_NAME",
        default_value = "push",
        value_name = "NAME"
    )]
    pub event: String,
    /// The run's time, RFC 3339 (default: now).
    #[arg(long, value_name = "RFC3339")]
    pub time: Option<String>,
    /// Re-fetch `refs/tags/NAME` from origin before verifying it.
    #[arg(long)]
    pub fetch_tag: bool,
    /// Where to write the release notes of the version (default: `release-notes.md` in
    /// `$RUNNER_TEMP` under GitHub Actions, else in the repository's git directory: never in
    /// the working tree, where it would make the next `release tag` refuse a dirty tree).
    #[arg(long, value_name = "PATH")]
    pub notes_file: Option<PathBuf>,
    /// Image names (default: the policy's images).
    #[arg(long = "image", value_name = "NAME")]
    pub images: Vec<String>,
    #[command(flatten)]
    pub github: GithubArgs,
}

/// What `release ci` decided.
#[derive(Debug, Serialize)]
struct CiReport<'a> {
    should_release: bool,
    plan: Option<PlanReport<'a>>,
    verification: Option<&'a Verification>,
    github_release: &'static str,
    notes_file: Option<String>,
    /// The candidate whose tested image a stable tag ships (P1 → P2): the workflow re-tags it
    /// instead of rebuilding. `None` for candidates and when no candidate qualifies.
    promote_from: Option<String>,
    /// Why no candidate qualifies, for a stable tag.
    promote_note: Option<String>,
    refused: Option<String>,
    /// The release notes written to `notes_file`, for the job summary.
    #[serde(skip)]
    notes: Option<String>,
}

/// Runs `release ci`.
pub fn run(ctx: &Context, args: CiArgs) -> CliResult {
    let policy = &ctx.policy();
    let time = plan::run_time(args.time.as_deref(), None)?;
    let event = Event::parse(&args.event, &args.git_ref, &args.sha, time, policy)
        .map_err(CliError::input)?;
    let images = if args.images.is_empty() {
        policy.docker.images().to_vec()
    } else {
        args.images.clone()
    };
    let github_actions = std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true");

    let Trigger::Tag(tag) = &event.trigger else {
        // A main push needs no history; an ignored event publishes nothing.
        let plan =
            TagPlan::compute(&event, &History::default(), policy).map_err(CliError::input)?;
        let report = CiReport {
            should_release: plan.publish,
            plan: Some(plan::report(&plan, &event, &images)),
            verification: None,
            github_release: "not checked",
            notes_file: None,
            promote_from: None,
            promote_note: None,
            refused: None,
            notes: None,
        };
        return finish(ctx, &report, Outcome::Ok);
    };
    // T9 before anything touches the repository: a malformed tag is bad input.
    let version = ReleaseVersion::parse_tag(tag, policy)
        .map_err(|e| CliError::input(format!("{e} (T9: a tag push must carry a release tag)")))?;
    let repo = gitctx::open_repo(ctx)?;
    if args.fetch_tag {
        fetch_tag(&repo.root(), tag)?;
    }
    let verification = release_git::verify::verify_tag(
        repo,
        tag,
        policy,
        &gitctx::trust(ctx, repo)?,
        Some(event.sha.as_str()),
    )
    .map_err(|e| CliError::env(e.message))?;
    for warning in verification.warnings() {
        if github_actions {
            println!("::warning::{}", output::annotation(&warning.detail));
        }
        eprintln!(
            "warning: {}",
            release_core::untrusted::escape(&warning.detail)
        );
    }
    if verification.ok {
        eprintln!(
            "verified: {tag} ({}; trust root: {})",
            match (&verification.format, &verification.signer) {
                (Some(f), Some(s)) => format!(
                    "good {f} signature by {}",
                    release_core::untrusted::escape(s)
                ),
                _ => "unsigned".into(),
            },
            verification
                .trust_root
                .as_ref()
                .map(|r| release_core::untrusted::escape(&r.to_string()).into_owned())
                .unwrap_or_default()
        );
    }
    if let Some(failed) = verification.failure() {
        let why = format!(
            "tag {tag} is refused: {} check failed: {}",
            failed.id.as_str(),
            failed.detail
        );
        let report = CiReport {
            should_release: false,
            plan: None,
            verification: Some(&verification),
            github_release: "not checked",
            notes_file: None,
            promote_from: None,
            promote_note: None,
            refused: Some(why),
            notes: None,
        };
        return finish(ctx, &report, Outcome::No);
    }
    // V5: a version is never released twice; an existing GitHub Release means it was.
    let github = args.github.client(policy, Default::default())?;
    let github_release = match &github {
        None => "not checked",
        Some(client) => match block_on(client.release_by_tag(tag))?.map_err(registry_error)? {
            Some(release) => {
                let why = format!(
                    "{tag} already has a GitHub Release ({}); a version is never released twice, publish the next one (V5)",
                    release.html_url
                );
                let report = CiReport {
                    should_release: false,
                    plan: None,
                    verification: Some(&verification),
                    github_release: "exists",
                    notes_file: None,
                    promote_from: None,
                    promote_note: None,
                    refused: Some(why),
                    notes: None,
                };
                return finish(ctx, &report, Outcome::No);
            }
            None => "absent",
        },
    };
    let history = gitctx::history_of(ctx, repo, &Default::default())?;
    let plan = TagPlan::compute(&event, &history, policy).map_err(CliError::input)?;
    let notes = match release_notes(ctx, &version) {
        Ok(n) => n,
        Err(why) => {
            let report = CiReport {
                should_release: false,
                plan: None,
                verification: Some(&verification),
                github_release,
                notes_file: None,
                promote_from: None,
                promote_note: None,
                refused: Some(why),
                notes: None,
            };
            return finish(ctx, &report, Outcome::No);
        }
    };
    let notes_file = args
        .notes_file
        .clone()
        .unwrap_or_else(|| default_notes_file(repo));
    release_changelog::save::save_atomic(&notes_file, &notes).map_err(|e| {
        CliError::env(format!(
            "cannot write the release notes to {}: {e}",
            notes_file.display()
        ))
    })?;
    let (promote_from, promote_note) = match (&verification.commit, version.is_stable()) {
        (Some(commit), true) => {
            match release_git::history::promotion_source(repo, &version, commit, &history, policy)
                .map_err(|e| CliError::env(e.message))?
            {
                Ok(candidate) => (Some(candidate.tag(policy)), None),
                Err(refusal) => (None, Some(refusal.to_string())),
            }
        }
        _ => (None, None),
    };
    if let Some(note) = &promote_note {
        eprintln!("note: no candidate to promote, the image is built: {note}");
    }
    let report = CiReport {
        should_release: plan.publish,
        plan: Some(plan::report(&plan, &event, &images)),
        verification: Some(&verification),
        github_release,
        notes_file: Some(notes_file.display().to_string()),
        promote_from,
        promote_note,
        refused: None,
        notes: Some(notes),
    };
    finish(ctx, &report, Outcome::Ok)
}

/// Whether the workflow runs the policy's smoke test (P1, P3): for a candidate, and for a stable
/// tag whose image is built rather than promoted from a tested candidate (a hotfix, or a release
/// cut without a candidate). Nothing to run without a `smoke_command`.
fn smoke_due(report: &CiReport<'_>, smoke_command: &str) -> bool {
    use release_core::matrix::PlanKind;
    let Some(plan) = &report.plan else {
        return false;
    };
    !smoke_command.trim().is_empty()
        && report.should_release
        && match plan.kind {
            PlanKind::Candidate => true,
            PlanKind::Stable => report.promote_from.is_none(),
            _ => false,
        }
}

/// The policy's `[github.assets]` as the JSON array a workflow matrix reads
/// (`strategy.matrix.include: ${{ fromJSON(...) }}`), in the table's order.
fn assets_json(assets: &std::collections::BTreeMap<String, String>) -> Result<String, CliError> {
    let rows: Vec<serde_json::Value> = assets
        .iter()
        .map(|(target, name)| serde_json::json!({"target": target, "name": name}))
        .collect();
    serde_json::to_string(&rows)
        .map_err(|e| CliError::env(format!("cannot encode the assets output: {e}")))
}

/// Where the notes go without `--notes-file`: the runner's temporary folder under GitHub
/// Actions, else the git directory. Never the working tree: an untracked notes file there makes
/// the tree dirty, and the next step of the procedure (`release tag`) would refuse.
fn default_notes_file(repo: &release_git::repo::Repo) -> PathBuf {
    const NAME: &str = "release-notes.md";
    match std::env::var_os("RUNNER_TEMP").filter(|t| !t.is_empty()) {
        Some(dir) => PathBuf::from(dir).join(NAME),
        None => repo.git2().path().join(NAME),
    }
}

/// The notes for the GitHub Release (C6, `release_changelog::release_notes`); a stable version
/// without a section is refused (C2).
pub(crate) fn release_notes(ctx: &Context, version: &ReleaseVersion) -> Result<String, String> {
    let path = ctx.resolve(&ctx.policy().changelog.path);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read the changelog {}: {e} (C6)", path.display()))?;
    let doc = Changelog::parse(text);
    let last = match release_changelog::release_notes(&doc, version) {
        Ok(n) => return Ok(n.render(false, true, doc.newline)),
        Err(e) => e.to_string(),
    };
    Err(format!(
        "{} has no notes for {version}: {last}; prepare the changelog before tagging (`release prepare {}`, C2)",
        path.display(),
        version.base()
    ))
}

/// `git fetch origin +refs/tags/NAME:refs/tags/NAME`: replaces a lightweight ref left by the
/// checkout with the tag object from origin.
fn fetch_tag(root: &std::path::Path, tag: &str) -> Result<(), CliError> {
    let refspec = format!("+refs/tags/{tag}:refs/tags/{tag}");
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["fetch", "--no-tags", "origin", &refspec])
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .map_err(|e| CliError::env(format!("cannot run git fetch: {e}")))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(CliError::env(format!(
            "git fetch origin {refspec} failed: {}",
            release_git::push::redact_credentials(String::from_utf8_lossy(&out.stderr).trim())
        )))
    }
}

fn finish(ctx: &Context, report: &CiReport<'_>, outcome: Outcome) -> CliResult {
    let github_actions = std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true");
    if let Some(why) = &report.refused {
        if github_actions {
            println!("::error::{}", output::annotation(why));
        }
        eprintln!(
            "refused: {}",
            release_core::untrusted::escape_multiline(why)
        );
    }
    let mut pairs: Vec<(&str, String)> =
        vec![("should_release", report.should_release.to_string())];
    match &report.plan {
        Some(p) => {
            let labels: Vec<String> = p.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
            pairs.extend([
                (
                    "kind",
                    serde_json::to_value(p.kind)
                        .ok()
                        .and_then(|v| v.as_str().map(String::from))
                        .unwrap_or_default(),
                ),
                ("version", p.version.clone().unwrap_or_default()),
                ("is_prerelease", p.is_prerelease.to_string()),
                ("tags", p.tags.join("\n")),
                ("images", p.images.join("\n")),
                ("labels", labels.join("\n")),
                ("reason", p.reason.unwrap_or_default().to_string()),
            ]);
        }
        // Every output on every run (docs/github-output.md), also for a refused tag.
        None => pairs.extend([
            ("kind", "none".to_string()),
            ("version", String::new()),
            ("is_prerelease", "false".into()),
            ("tags", String::new()),
            ("images", String::new()),
            ("labels", String::new()),
            ("reason", report.refused.clone().unwrap_or_default()),
        ]),
    }
    pairs.push(("notes_file", report.notes_file.clone().unwrap_or_default()));
    pairs.push((
        "promote_from",
        report.promote_from.clone().unwrap_or_default(),
    ));
    let smoke = smoke_due(report, &ctx.policy().checks.smoke_command);
    pairs.push(("smoke", smoke.to_string()));
    pairs.push(("smoke_command", ctx.policy().checks.smoke_command.clone()));
    pairs.push(("assets", assets_json(&ctx.policy().github.assets)?));
    if let Some(path) = std::env::var_os("GITHUB_OUTPUT").filter(|p| !p.is_empty()) {
        output::append_github_output(path.as_ref(), &output::github_output_blocks(&pairs))?;
    }
    if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
        let text = summary::render(&summary::Summary {
            plan: report.plan.as_ref(),
            verification: report.verification,
            refused: report.refused.as_deref(),
            promote_from: report.promote_from.as_deref(),
            promote_note: report.promote_note.as_deref(),
            github_release: report.github_release,
            smoke: smoke.then_some(ctx.policy().checks.smoke_command.as_str()),
            notes: report.notes.as_deref(),
        });
        output::append_file(path.as_ref(), "GITHUB_STEP_SUMMARY", &text)?;
    }
    if ctx.json {
        output::print_json(report)?;
    } else if let Some(p) = &report.plan {
        print!("{}", plan::render_text(p));
        if let Some(n) = &report.notes_file {
            println!("notes: {n}");
        }
    }
    Ok(outcome)
}
