//! Pushing a tag with the git CLI (G5): `git push --porcelain origin refs/tags/NAME` with
//! `GIT_TERMINAL_PROMPT=0`. The CLI's credential helpers work, and a rejected ref is read from
//! the porcelain output (git2's push reports success on a rejected ref).

use std::ffi::OsStr;
use std::path::Path;

use serde::Serialize;

use crate::{tools, GitError};

/// What happened to the pushed ref.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PushResult {
    /// The remote pushed to.
    pub remote: String,
    /// The ref pushed.
    pub refspec: String,
    /// `new`, `up-to-date`, `updated`, `rejected`, or `error`.
    pub status: String,
    /// git's summary for the ref (`[rejected] (already exists)`).
    pub summary: String,
}

impl PushResult {
    /// True when the remote has the tag now.
    pub fn ok(&self) -> bool {
        matches!(self.status.as_str(), "new" | "up-to-date" | "updated")
    }
}

/// The command line a push runs, for dry runs.
pub fn push_command(name: &str) -> String {
    format!("GIT_TERMINAL_PROMPT=0 git push --porcelain origin refs/tags/{name}")
}

/// Pushes `refs/tags/NAME` to `origin`. Refused in CI (`in_ci`): the release workflow never
/// pushes tags, maintainers do (G5).
pub fn push_tag(root: &Path, name: &str, in_ci: bool) -> Result<PushResult, GitError> {
    if in_ci {
        return Err(GitError::refused_by(release_core::rule::Rule::G5, format!(
            "refusing to push refs/tags/{name} from CI (CI=true): the release workflow never creates or pushes tags; a maintainer pushes signed tags from their machine (G5)"
        )));
    }
    let git = tools::find_on_path("git")?;
    let refspec = format!("refs/tags/{name}");
    let args: [&OsStr; 6] = [
        OsStr::new("-C"),
        root.as_os_str(),
        OsStr::new("push"),
        OsStr::new("--porcelain"),
        OsStr::new("origin"),
        OsStr::new(&refspec),
    ];
    let output = tools::run(&git, args, b"", &[("GIT_TERMINAL_PROMPT", OsStr::new("0"))])?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    for line in stdout.lines() {
        let mut parts = line.split('\t');
        let (Some(flag), Some(refs), summary) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        if !refs.starts_with(&format!("{refspec}:")) {
            continue;
        }
        let status = match flag {
            "*" => "new",
            "=" => "up-to-date",
            " " | "+" => "updated",
            "!" => "rejected",
            _ => "error",
        };
        return Ok(PushResult {
            remote: "origin".into(),
            refspec,
            status: status.into(),
            summary: summary.unwrap_or("").to_string(),
        });
    }
    Err(GitError::env(format!(
        "git push of {refspec} to origin failed: {}",
        redact_credentials(&tools::stderr_excerpt(&output))
    )))
}

/// Hides `user:password@` in URLs a message may quote (a token in a remote URL must never
/// reach output or logs).
pub fn redact_credentials(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        let end = tail
            .find(|c: char| c.is_whitespace() || c == '/' || c == '\'' || c == '"')
            .unwrap_or(tail.len());
        match tail[..end].rfind('@') {
            Some(at) => {
                out.push_str("***");
                rest = &tail[at..];
            }
            None => rest = tail,
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::redact_credentials;

    #[test]
    fn credentials_are_redacted() {
        assert_eq!(
            redact_credentials(
                "fatal: unable to access 'https://x:ghp_secret@github.com/o/r/': 403"
            ),
            "fatal: unable to access 'https://***@github.com/o/r/': 403"
        );
        assert_eq!(redact_credentials("To /srv/o.git"), "To /srv/o.git");
        assert_eq!(
            redact_credentials("https://github.com/o/r"),
            "https://github.com/o/r"
        );
    }
}
