//! Committing the files a procedure edited (`docs: prepare release vX.Y.Z`, the `[YANKED]`
//! mark): `git add` and `git commit` of exactly those paths, with the user's git (hooks,
//! signing and identity as they configured them), never anything else in the tree.

use std::path::Path;
use std::process::Command;

use crate::GitError;

/// Commits exactly `paths` (relative to `root`) with `message`; returns the short commit id.
pub fn commit_paths(root: &Path, paths: &[&str], message: &str) -> Result<String, GitError> {
    let git = |args: &[&str]| -> Result<String, GitError> {
        let out = Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .env("GIT_TERMINAL_PROMPT", "0")
            .output()
            .map_err(|e| GitError::env(format!("cannot run git: {e}")))?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
        } else {
            Err(GitError::env(format!(
                "git {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            )))
        }
    };
    let mut add = vec!["add", "--"];
    add.extend(paths);
    git(&add)?;
    let mut commit = vec!["commit", "-q", "-m", message, "--"];
    commit.extend(paths);
    git(&commit)?;
    git(&["rev-parse", "--short", "HEAD"])
}
