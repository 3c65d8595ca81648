//! The repository side of commands: opening the repository, the release history from its tags
//! (when `--released` is not given), and mapping `release-git` errors to exit codes.

use release_core::history::History;
use release_git::repo::Repo;
use release_git::verify::Trust;
use release_git::{ErrorKind, GitError};

use crate::context::Context;
use crate::error::{CliError, CliResult};
use crate::released::ReleasedArgs;

/// Opens the repository around the current directory (wherever the policy file is).
pub fn open_repo(ctx: &Context) -> Result<&Repo, CliError> {
    ctx.repo()
}

/// The history from `--released`/`--released-file` when given, else from the repository's
/// tags (a shallow or tagless clone is an environment error, exit 3).
pub fn history(ctx: &Context, released: &ReleasedArgs) -> Result<History, CliError> {
    if released.given() {
        return released.history(ctx.policy());
    }
    let repo = ctx.repo().map_err(|e| {
        CliError::env(format!(
            "{}; the release history comes from the repository's tags, or give it with --released/--released-file (--released '' when nothing has been released)",
            e.message
        ))
    })?;
    history_of(ctx, repo, released)
}

/// The history for a command that already has the repository open.
pub fn history_of(
    ctx: &Context,
    repo: &Repo,
    released: &ReleasedArgs,
) -> Result<History, CliError> {
    if released.given() {
        return released.history(ctx.policy());
    }
    let history =
        release_git::history::release_history(repo, ctx.policy()).map_err(CliError::env)?;
    Ok(match yanked_record(ctx, repo) {
        Ok(yanked) => history.with_yanked(yanked),
        Err(why) => {
            eprintln!("note: yanked releases not checked: {why}");
            history
        }
    })
}

/// The yanked releases (R5): the versions marked `[YANKED]` in the changelog as the protected
/// main branch holds it, read through git objects, so a hotfix branch or a tag's checkout sees
/// a yank recorded on main. `Err` says why the record could not be read (never "none yanked").
pub fn yanked_record(
    ctx: &Context,
    repo: &Repo,
) -> Result<Vec<release_core::version::ReleaseVersion>, String> {
    let path = repo_relative(ctx, repo, &ctx.resolve(&ctx.policy().changelog.path))
        .unwrap_or_else(|| ctx.policy().changelog.path.clone());
    // A yank only ever adds: the marks of the pushed main branch and of the local one (a
    // rollback just committed there) together, or of the trust ref when one is named.
    let main = &ctx.policy().main_branch;
    let refs: Vec<String> = match &ctx.trust_ref {
        Some(r) => vec![r.clone()],
        None => vec![
            format!("refs/remotes/origin/{main}"),
            format!("refs/heads/{main}"),
        ],
    };
    let mut yanked = Vec::new();
    let mut read_any = false;
    let mut why = Vec::new();
    for r in &refs {
        let (refname, bytes) =
            match release_git::trust::read_protected_file(repo, main, Some(r.as_str()), &path) {
                Ok(found) => found,
                Err(e) => {
                    why.push(e.message);
                    continue;
                }
            };
        read_any = true;
        let Some(bytes) = bytes else { continue };
        let text =
            String::from_utf8(bytes).map_err(|_| format!("{path} on {refname} is not UTF-8"))?;
        let doc = release_changelog::Changelog::parse_sections(text);
        for s in doc.versions().filter(|s| s.parts.yanked.is_some()) {
            if let Ok(v) = release_core::version::ReleaseVersion::parse_version(
                s.version(&doc.text),
                ctx.policy(),
            ) {
                if !yanked.contains(&v) {
                    yanked.push(v);
                }
            }
        }
    }
    if read_any {
        Ok(yanked)
    } else {
        Err(format!(
            "the main branch {main:?} is not in this repository ({}): fetch it: git fetch origin {main}:refs/remotes/origin/{main}",
            why.join("; ")
        ))
    }
}

/// `path` relative to the repository's top, with `/` separators (a path in git's trees).
fn repo_relative(ctx: &Context, repo: &Repo, path: &std::path::Path) -> Option<String> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        ctx.cwd.join(path)
    };
    let canonical = std::fs::canonicalize(&absolute).unwrap_or(absolute);
    let top = std::fs::canonicalize(repo.root()).unwrap_or_else(|_| repo.root());
    canonical
        .strip_prefix(&top)
        .ok()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
}

/// The trust root (G6): the `[signing]` section and key files of the protected branch, read
/// through git objects; an operator-supplied policy file outside the checkout is used as given.
pub fn trust(ctx: &Context, repo: &Repo) -> Result<Trust, CliError> {
    match &ctx.policy_path {
        Some(path) if ctx.policy_outside => {
            let folder = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map(std::path::Path::to_path_buf)
                .unwrap_or_else(|| ctx.cwd.clone());
            Ok(Trust::from_files(ctx.policy(), path, &folder))
        }
        _ => {
            let in_repo = policy_path_in_repo(ctx, repo);
            Trust::from_ref(repo, ctx.policy(), &in_repo, ctx.trust_ref.as_deref())
                .map_err(|e| CliError::env(e.message))
        }
    }
}

/// Where the policy file lives relative to the repository's top (`release-policy.toml` for the
/// built-in policy): the same path is read from the protected branch.
fn policy_path_in_repo(ctx: &Context, repo: &Repo) -> String {
    match &ctx.policy_path {
        None => crate::context::POLICY_FILE.to_string(),
        Some(path) => repo_relative(ctx, repo, path)
            .unwrap_or_else(|| crate::context::POLICY_FILE.to_string()),
    }
}

/// A `release-git` error as a CLI result: a refusal is the answer "no" (exit 1, reason on
/// stderr, and as JSON with `--json`), the rest map to exit 2 or 3.
pub fn fail(ctx: &Context, err: GitError) -> CliResult {
    match err.kind {
        ErrorKind::Refused => crate::output::refusal(ctx.json, err.rule, &err.message),
        ErrorKind::Input => Err(CliError::input(err.message)),
        ErrorKind::Environment => Err(CliError::env(err.message)),
    }
}

/// Whether we run in CI (`CI=true`), where tags are never pushed (G5).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}
