//! The repository side of commands: opening the repository, the release history from its tags
//! (when `--released` is not given), and mapping `release-git` errors to exit codes.

use release_core::history::History;
use release_git::repo::Repo;
use release_git::verify::Trust;
use release_git::{ErrorKind, GitError};

use crate::context::Context;
use crate::error::{CliError, CliResult, Outcome};
use crate::released::ReleasedArgs;

/// Opens the repository around the policy's root (the current directory without a policy file).
pub fn open_repo(ctx: &Context) -> Result<Repo, CliError> {
    Repo::discover(&ctx.root).map_err(CliError::env)
}

/// The history from `--released`/`--released-file` when given, else from the repository's
/// tags (a shallow or tagless clone is an environment error, exit 3).
pub fn history(ctx: &Context, released: &ReleasedArgs) -> Result<History, CliError> {
    if released.given() {
        return released.history(&ctx.policy);
    }
    let repo = Repo::discover(&ctx.root).map_err(|e| {
        CliError::env(format!(
            "{e}; the release history comes from the repository's tags, or give it with --released/--released-file (--released '' when nothing has been released)"
        ))
    })?;
    release_git::history::release_history(&repo, &ctx.policy).map_err(CliError::env)
}

/// The history for a command that already has the repository open.
pub fn history_of(
    ctx: &Context,
    repo: &Repo,
    released: &ReleasedArgs,
) -> Result<History, CliError> {
    if released.given() {
        return released.history(&ctx.policy);
    }
    release_git::history::release_history(repo, &ctx.policy).map_err(CliError::env)
}

/// The policy's trusted keys, resolved against the policy file's folder, or the repository
/// root for the built-in policy (the current directory may be a subfolder).
pub fn trust(ctx: &Context, repo: &Repo) -> Trust {
    let root = if ctx.policy_path.is_some() {
        ctx.root.clone()
    } else {
        repo.root()
    };
    Trust::from_policy(&ctx.policy.signing, &root)
}

/// A `release-git` error as a CLI result: a refusal is the answer "no" (exit 1, reason on
/// stderr, and as JSON with `--json`), the rest map to exit 2 or 3.
pub fn fail(ctx: &Context, err: GitError) -> CliResult {
    match err.kind {
        ErrorKind::Refused => {
            if ctx.json {
                crate::output::print_json(&serde_json::json!({
                    "ok": false,
                    "refused": err.message,
                }))?;
            }
            eprintln!("refused: {}", err.message);
            Ok(Outcome::No)
        }
        ErrorKind::Input => Err(CliError::input(err.message)),
        ErrorKind::Environment => Err(CliError::env(err.message)),
    }
}

/// Whether we run in CI (`CI=true`), where tags are never pushed (G5).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}
