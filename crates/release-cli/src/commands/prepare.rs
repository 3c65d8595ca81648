//! `release prepare`: the documentation half of a release (P2 steps 1-4): lint, cut the
//! changelog section (C2, C3), add the upgrading notes (C5), and optionally commit
//! `docs: prepare release vX.Y.Z`.

use clap::{Args, ValueEnum};
use release_changelog::{self as cl, Changelog, Severity};
use release_core::checklist::{Checklist, Procedure};
use release_core::version::{Bump, ReleaseVersion};
use serde::Serialize;

use crate::commands::changelog::{read_text, today};
use crate::commands::upgrading::{guide_edit, UpgradeFlags};
use crate::context::Context;
use crate::error::{CliError, CliResult, Outcome};
use crate::gitctx;
use crate::output;
use crate::released::ReleasedArgs;

/// How to choose the version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BumpChoice {
    /// From Unreleased's categories (Removed or a breaking marker: breaking; Added: feature;
    /// Fixed, Security: fix).
    Auto,
    /// MAJOR.
    Major,
    /// MINOR.
    Minor,
    /// PATCH.
    Patch,
}

/// Arguments of `release prepare`.
#[derive(Debug, Args)]
pub struct PrepareArgs {
    /// The version to prepare (`X.Y.Z`).
    #[arg(
        value_name = "VERSION",
        required_unless_present = "bump",
        conflicts_with = "bump"
    )]
    pub release: Option<String>,
    /// Choose the version instead of naming it.
    #[arg(long, value_enum)]
    pub bump: Option<BumpChoice>,
    /// The release date (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// The repository's web URL for compare links (default: the policy, the file's links, the
    /// `origin` remote).
    #[arg(long, value_name = "URL")]
    pub repo_url: Option<String>,
    #[command(flatten)]
    pub upgrade: UpgradeFlags,
    /// Commit the two files as `docs: prepare release vX.Y.Z`.
    #[arg(long)]
    pub commit: bool,
    /// Print the diffs; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub released: ReleasedArgs,
}

#[derive(Debug, Serialize)]
struct FileEdit {
    file: String,
    changes: Vec<String>,
    diff: String,
}

#[derive(Debug, Serialize)]
struct PrepareReport {
    version: String,
    tag: String,
    dry_run: bool,
    files: Vec<FileEdit>,
    commit: Option<String>,
    next: Vec<String>,
}

/// Runs `release prepare`.
pub fn run(ctx: &Context, args: PrepareArgs) -> CliResult {
    let policy = &ctx.policy();
    let changelog_path = ctx.resolve(&policy.changelog.path);
    let old_log = read_text(&changelog_path)?;
    let doc = Changelog::parse(old_log.clone());
    let errors: Vec<_> = cl::lint(&doc, policy)
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if !errors.is_empty() {
        for d in &errors {
            eprintln!(
                "{}:{}:{}: {} [{}]",
                changelog_path.display(),
                d.line,
                d.column,
                d.message,
                d.rule
            );
        }
        return output::refusal(
            ctx.json,
            Some(release_core::rule::Rule::C1),
            &format!(
                "the changelog has {} lint error(s); fix them first (`release changelog lint`)",
                errors.len()
            ),
        );
    }
    let repo = gitctx::open_repo(ctx).ok();
    let history = match &repo {
        Some(r) => gitctx::history_of(ctx, r, &args.released)?,
        None => args.released.history(policy)?,
    };
    let version = match (&args.release, args.bump) {
        (Some(v), _) => ReleaseVersion::parse_version(v, policy).map_err(CliError::input)?,
        (None, Some(BumpChoice::Auto)) => match cl::next(&doc, history.newest_stable(), policy)
            .map_err(|e| CliError::input(format!("{}: {e}", changelog_path.display())))?
        {
            Some(n) => {
                ReleaseVersion::parse_version(&n.version, policy).map_err(CliError::input)?
            }
            None => {
                return output::refusal(
                    ctx.json,
                    Some(release_core::rule::Rule::C1),
                    "Unreleased has no entries, nothing to prepare (C1)",
                );
            }
        },
        (None, Some(explicit)) => {
            let base = history
                .newest_stable()
                .cloned()
                .unwrap_or_else(|| ReleaseVersion::stable(0, 0, 0));
            base.bump(match explicit {
                BumpChoice::Major => Bump::Major,
                BumpChoice::Minor => Bump::Minor,
                _ => Bump::Patch,
            })
        }
        (None, None) => return Err(CliError::input("give VERSION or --bump")),
    };
    if !version.is_stable() {
        return Err(CliError::input(format!(
            "prepare is for stable releases; {version} is a candidate: cut it with `release rc tag {}`",
            version.base()
        )));
    }
    if let Err(refusal) = history.check_new(&version) {
        return output::refusal(ctx.json, Some(refusal.rule), &refusal.to_string());
    }
    // A section prepared earlier and not tagged yet (a fix after a release candidate): the new
    // Unreleased entries join it; its upgrading notes were written then, so none are needed now
    // unless given.
    let merging = !doc.find(&version.to_string()).is_empty() && !history.contains(&version);
    let write_notes = if merging && args.upgrade.is_empty() {
        false
    } else {
        policy
            .checks
            .upgrading_guide
            .writes_notes(!args.upgrade.is_empty())
            .map_err(CliError::input)?
    };
    // Both edits are computed before anything is written.
    let date = args.date.clone().unwrap_or_else(today);
    let remote = repo.as_ref().and_then(|r| r.origin_web_url());
    let version_text = version.to_string();
    let mut opts = cl::PrepareOptions::new(&version_text, &date, policy);
    opts.repo_url = args.repo_url.as_deref();
    opts.remote_url = remote.as_deref();
    opts.into_existing = merging;
    let log_edit = cl::prepare(&doc, &opts)
        .map_err(|e| CliError::input(format!("{}: {e}", changelog_path.display())))?;
    let guide_path = ctx.resolve(&policy.changelog.upgrading);
    let mut edits = vec![(changelog_path.clone(), old_log.clone(), log_edit)];
    if write_notes {
        let notes = args.upgrade.notes()?;
        let (old_guide, guide) = guide_edit(ctx, &guide_path, &version_text, &notes)?;
        edits.push((guide_path, old_guide, guide));
    }

    let mut files = Vec::new();
    for (path, old, edit) in edits {
        let (path, old) = (&path, &old);
        let name = path
            .strip_prefix(&ctx.root)
            .unwrap_or(path)
            .display()
            .to_string();
        let diff = cl::save::unified_diff(&name, old, &edit.text);
        if !args.dry_run {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| {
                    CliError::env(format!("cannot create {}: {e}", parent.display()))
                })?;
            }
            cl::save::save_atomic(path, &edit.text)
                .map_err(|e| CliError::env(format!("cannot write {name}: {e}")))?;
        }
        for w in &edit.warnings {
            eprintln!("warning: {name}: {w}");
        }
        files.push(FileEdit {
            file: name,
            changes: edit.changes,
            diff,
        });
    }
    let tag = version.tag(policy);
    let commit = match (args.commit, args.dry_run, &repo) {
        (true, false, Some(r)) => Some(commit(&r.root(), &files, &tag)?),
        (true, false, None) => return Err(CliError::env("--commit: not in a git repository")),
        _ => None,
    };
    let checklist = Checklist::new(Procedure::Stable, &version, policy, None);
    // What is left of P2 before the workflow takes over.
    let committed = commit.is_some();
    let next: Vec<String> = checklist
        .steps
        .iter()
        .filter(|s| matches!(s.id, "tests" | "tag" | "push") || (s.id == "commit" && !committed))
        .flat_map(|s| s.commands.iter().cloned())
        .collect();
    let report = PrepareReport {
        version: version_text,
        tag,
        dry_run: args.dry_run,
        files,
        commit,
        next,
    };
    if ctx.json {
        output::print_json(&report)?;
    } else {
        for f in &report.files {
            print!("{}", f.diff);
        }
        if let Some(c) = &report.commit {
            println!("committed {c}: docs: prepare release {}", report.tag);
        }
        println!("\nnext:");
        for c in &report.next {
            println!("  {c}");
        }
    }
    Ok(Outcome::Ok)
}

/// `git add` + `git commit` of exactly the prepared files.
fn commit(root: &std::path::Path, files: &[FileEdit], tag: &str) -> Result<String, CliError> {
    let paths: Vec<&str> = files.iter().map(|f| f.file.as_str()).collect();
    release_git::commit::commit_paths(root, &paths, &format!("docs: prepare release {tag}"))
        .map_err(|e| CliError::env(e.message))
}
