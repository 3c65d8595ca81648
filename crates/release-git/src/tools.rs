//! Running the outside programs (`gpg`, `ssh-keygen`, `git`): argument vectors only, found on
//! `PATH` by this crate, stdin fed from memory.

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::GitError;

/// The absolute path of `name` on `PATH`; never taken from git config (a repository's config
/// must not choose the verifier).
pub(crate) fn find_on_path(name: &str) -> Result<PathBuf, GitError> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        if !dir.is_absolute() {
            // A relative PATH entry would resolve against the repository: never trust it.
            continue;
        }
        let candidate = dir.join(name);
        if is_executable(&candidate) {
            return Ok(candidate);
        }
    }
    Err(GitError::env(format!(
        "`{name}` was not found on PATH (install it: Debian package {})",
        match name {
            "gpg" => "gnupg",
            "ssh-keygen" => "openssh-client",
            other => other,
        }
    )))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// Runs `program args...` with `stdin` written to its standard input; output captured.
pub(crate) fn run<I, S>(
    program: &Path,
    args: I,
    stdin: &[u8],
    envs: &[(&str, &OsStr)],
) -> Result<Output, GitError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut command = Command::new(program);
    command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // The C locale: gpg and ssh-keygen messages stay parseable, and gpg skips loading locale
    // files at start-up.
    command.env("LC_ALL", "C").env_remove("LANGUAGE");
    for (k, v) in envs {
        command.env(k, v);
    }
    let mut child = command
        .spawn()
        .map_err(|e| GitError::env(format!("cannot run {}: {e}", program.display())))?;
    if let Some(mut input) = child.stdin.take() {
        // A program that exits early closes its stdin; its exit status tells the story.
        let _ = input.write_all(stdin);
    }
    child
        .wait_with_output()
        .map_err(|e| GitError::env(format!("cannot run {}: {e}", program.display())))
}

/// A private (0700) temporary directory with a short path (gpg's sockets fail near 108
/// characters). Private, because gpg warns about "unsafe permissions on homedir" otherwise and
/// that warning would crowd the real reason out of a refusal.
pub(crate) fn short_tempdir() -> Result<tempfile::TempDir, GitError> {
    let base = if Path::new("/tmp").is_dir() {
        PathBuf::from("/tmp")
    } else {
        std::env::temp_dir()
    };
    let dir = tempfile::Builder::new()
        .prefix("rg-")
        .tempdir_in(base)
        .map_err(|e| GitError::env(format!("cannot create a temporary directory: {e}")))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).map_err(
            |e| GitError::env(format!("cannot make the temporary directory private: {e}")),
        )?;
    }
    Ok(dir)
}

/// The first lines of a program's stderr, for an error message; gpg's notes about its own
/// home and agent are noise, never the reason.
pub(crate) fn stderr_excerpt(output: &Output) -> String {
    let text = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !is_gpg_noise(l))
        .take(4)
        .collect();
    lines.join("; ")
}

fn is_gpg_noise(line: &str) -> bool {
    const NOISE: [&str; 6] = [
        "gpg: WARNING: unsafe permissions on homedir",
        "gpg: WARNING: unsafe ownership on homedir",
        "gpg: keybox",
        "gpg: no running gpg-agent",
        "gpg: can't connect to the agent",
        "gpg: starting migration",
    ];
    NOISE.iter().any(|n| line.starts_with(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn temporary_homes_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = short_tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mode = dir
            .path()
            .metadata()
            .map(|m| m.permissions().mode() & 0o777);
        assert_eq!(mode.ok(), Some(0o700));
    }

    #[test]
    fn gpg_noise_is_not_a_reason() {
        assert!(is_gpg_noise(
            "gpg: WARNING: unsafe permissions on homedir '/tmp/x'"
        ));
        assert!(!is_gpg_noise("gpg: BAD signature from \"x\""));
    }
}
