//! `release status`: where the repository stands and what comes next.

use std::collections::BTreeMap;

use clap::Args;
use release_changelog::{Changelog, Severity};
use release_core::checklist::{self, Facts, NextStep};
use release_core::history::History;
use release_core::version::ReleaseVersion;
use serde::Serialize;

use crate::context::Context;
use crate::error::{CliError, CliResult, Outcome};
use crate::gitctx;
use crate::output;
use crate::released::ReleasedArgs;

/// Arguments of `release status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub released: ReleasedArgs,
}

#[derive(Debug, Serialize)]
struct RepoReport {
    root: String,
    branch: Option<String>,
    head: Option<String>,
    uncommitted: usize,
}

#[derive(Debug, Serialize)]
struct ChangelogReport {
    path: String,
    unreleased: usize,
    categories: BTreeMap<String, usize>,
    newest_section: Option<String>,
    errors: usize,
    warnings: usize,
    suggested: Option<String>,
    reasons: Vec<String>,
}

/// Which policy is in effect and where its derived values came from.
#[derive(Debug, Serialize)]
struct PolicyReport<'a> {
    source: String,
    derived: &'a [release_core::identity::Derivation],
}

#[derive(Debug, Serialize)]
struct StatusReport<'a> {
    policy: PolicyReport<'a>,
    repository: Option<RepoReport>,
    newest_stable: Option<String>,
    newest_candidate: Option<String>,
    releases: usize,
    /// Yanked releases (R5), from the record on the main branch.
    yanked: Vec<String>,
    history_note: Option<String>,
    changelog: Option<ChangelogReport>,
    changelog_note: Option<String>,
    next: NextStep,
    /// The check records for HEAD (`release check`).
    checks: Vec<String>,
}

/// Runs `release status`.
pub fn run(ctx: &Context, args: StatusArgs) -> CliResult {
    let policy = &ctx.policy();
    let repo = gitctx::open_repo(ctx).ok();
    let repository = repo.as_ref().map(|r| RepoReport {
        root: r.root().display().to_string(),
        branch: r.current_branch().ok().flatten(),
        head: r.head_commit().ok().map(|o| o.to_string()),
        uncommitted: r.dirty_paths().map(|p| p.len()).unwrap_or(0),
    });
    // A clone without tags has an unknown history: say so and go on from the changelog.
    let (history, history_note) = if args.released.given() {
        (args.released.history(policy)?, None)
    } else {
        match &repo {
            None => (
                History::default(),
                Some("not in a git repository: no release history".to_string()),
            ),
            Some(r) => match release_git::history::release_history(r, policy) {
                // The yanked record comes from the main branch (R5).
                Ok(h) => match gitctx::yanked_record(ctx, r) {
                    Ok(yanked) => (h.with_yanked(yanked), None),
                    Err(_) => (h, None),
                },
                Err(e) => (History::default(), Some(e.message)),
            },
        }
    };
    // A repository whose tags could not be read in full (shallow, fetched without tags).
    let history_incomplete = history_note.clone().filter(|_| repo.is_some());
    let path = ctx.resolve(&policy.changelog.path);
    let (changelog, changelog_note, facts) = match std::fs::read_to_string(&path) {
        Err(e) => (
            None,
            Some(format!("cannot read {}: {e}", path.display())),
            Facts {
                history: history.clone(),
                history_incomplete: history_incomplete.clone(),
                ..Facts::default()
            },
        ),
        Ok(text) => {
            let doc = Changelog::parse(text);
            let (report, mut facts) =
                changelog_facts(ctx, &doc, &history, &path.display().to_string())?;
            facts.history_incomplete = history_incomplete.clone();
            (Some(report), None, facts)
        }
    };
    let mut facts = facts;
    if let Some(r) = &repo {
        // The version the procedure is on: a prepared, untagged section, else the suggestion.
        let pending = facts
            .newest_section
            .clone()
            .filter(|v| !history.contains(v))
            .or_else(|| facts.suggested.clone());
        let git = release_git::history::status_facts(r, policy, &history, pending.as_ref())
            .map_err(|e| CliError::env(e.message))?;
        facts.branch = git.branch;
        facts.merge_back = git.merge_back;
        facts.merge_in_progress = git.merge_in_progress;
        facts.changed_since_candidate = git.changed_since_candidate;
    }
    let next = checklist::next_step(&facts, policy);
    let newest_stable = history.newest_stable().map(ToString::to_string);
    let newest_candidate = history
        .releases()
        .rev()
        .find(|v| !v.is_stable() && history.newest_stable().is_none_or(|s| *v > s))
        .map(ToString::to_string);
    let report = StatusReport {
        policy: PolicyReport {
            source: ctx.policy_origin(),
            derived: ctx.derived(),
        },
        repository,
        newest_stable,
        newest_candidate,
        releases: history.len(),
        yanked: history.yanked().map(ToString::to_string).collect(),
        history_note,
        changelog,
        changelog_note,
        next,
        checks: super::check::status_lines(ctx, repo),
    };
    if ctx.json {
        output::print_json(&report)?;
    } else {
        print!("{}", render(&report));
    }
    Ok(Outcome::Ok)
}

fn changelog_facts(
    ctx: &Context,
    doc: &Changelog,
    history: &History,
    path: &str,
) -> Result<(ChangelogReport, Facts), CliError> {
    let policy = &ctx.policy();
    let text = &doc.text;
    let mut categories = BTreeMap::new();
    let mut unreleased = 0;
    if let [section] = doc.unreleased().as_slice() {
        unreleased += section.loose_entries.len();
        for c in &section.categories {
            let name = text[c.heading.title.clone()].trim().to_string();
            *categories.entry(name).or_insert(0) += c.entries.len();
            unreleased += c.entries.len();
        }
    }
    let newest_section = doc
        .versions()
        .next()
        .and_then(|s| ReleaseVersion::parse_version(s.version(text), policy).ok());
    let diagnostics = release_changelog::lint(doc, policy);
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    // Nothing released anywhere yet: the first release is bumped from 0.0.0.
    let first = ReleaseVersion::stable(0, 0, 0);
    let next = match release_changelog::next(doc, history.newest_stable(), policy) {
        Err(release_changelog::Error::Usage(_)) => {
            release_changelog::next(doc, Some(&first), policy)
        }
        other => other,
    };
    let (suggested, reasons, next_bump) = match next {
        Ok(Some(n)) => (
            ReleaseVersion::parse_version(&n.version, policy).ok(),
            n.reasons,
            Some(n.bump),
        ),
        _ => (None, Vec::new(), None),
    };
    let report = ChangelogReport {
        path: path.to_string(),
        unreleased,
        categories,
        newest_section: newest_section.as_ref().map(ToString::to_string),
        errors,
        warnings: diagnostics.len() - errors,
        suggested: suggested.as_ref().map(ToString::to_string),
        reasons,
    };
    let breaking = matches!(
        next_bump,
        Some(release_core::version::Bump::Breaking | release_core::version::Bump::Major)
    );
    let facts = Facts {
        unreleased_entries: unreleased,
        has_unreleased: !doc.unreleased().is_empty(),
        suggested,
        breaking,
        newest_section,
        history: history.clone(),
        ..Facts::default()
    };
    Ok((report, facts))
}

fn render(r: &StatusReport<'_>) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(out, "policy      {}", r.policy.source);
    for d in r.policy.derived.iter().filter(|d| {
        matches!(
            d.key,
            "github.repository" | "docker.images" | "checks.test_commands"
        )
    }) {
        let _ = writeln!(
            out,
            "            {} = {} ({})",
            d.key,
            release_core::untrusted::escape(&d.value),
            d.source
        );
    }
    match &r.repository {
        Some(repo) => {
            let head = repo
                .head
                .as_deref()
                .map(|h| &h[..h.len().min(7)])
                .unwrap_or("no commits");
            let tree = if repo.uncommitted == 0 {
                "clean".to_string()
            } else {
                format!("{} uncommitted", repo.uncommitted)
            };
            let _ = writeln!(
                out,
                "repository  {} (branch {}, {head}, {tree})",
                repo.root,
                repo.branch.as_deref().unwrap_or("detached")
            );
        }
        None => out.push_str("repository  none\n"),
    }
    let _ = writeln!(
        out,
        "released    {} release(s); newest stable {}; newest candidate {}",
        r.releases,
        r.newest_stable.as_deref().unwrap_or("none"),
        r.newest_candidate.as_deref().unwrap_or("none")
    );
    if !r.yanked.is_empty() {
        let _ = writeln!(
            out,
            "            yanked: {} (no alias points at them, R5)",
            r.yanked.join(", ")
        );
    }
    if let Some(note) = &r.history_note {
        let _ = writeln!(out, "            note: {note}");
    }
    match &r.changelog {
        Some(c) => {
            let cats: Vec<String> = c
                .categories
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect();
            let _ = writeln!(
                out,
                "unreleased  {} entr{} in {}{}",
                c.unreleased,
                if c.unreleased == 1 { "y" } else { "ies" },
                c.path,
                if cats.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", cats.join(", "))
                }
            );
            if let Some(s) = &c.suggested {
                let _ = writeln!(
                    out,
                    "suggested   {s}{}",
                    c.reasons
                        .first()
                        .map(|r| format!(" ({r})"))
                        .unwrap_or_default()
                );
            }
            let _ = writeln!(
                out,
                "lint        {} error(s), {} warning(s)",
                c.errors, c.warnings
            );
        }
        None => {
            let _ = writeln!(
                out,
                "changelog   {}",
                r.changelog_note.as_deref().unwrap_or("missing")
            );
        }
    }
    let procedure = r
        .next
        .procedure
        .map(|p| format!(" [{}]", p.rule()))
        .unwrap_or_default();
    for line in &r.checks {
        let _ = writeln!(out, "checks      {}", release_core::untrusted::escape(line));
    }
    let _ = writeln!(out, "next{procedure}   {}", r.next.action);
    if let Some(c) = &r.next.command {
        let _ = writeln!(out, "            $ {c}");
    }
    out
}
