//! What every command gets: the effective policy and the global flags.

use std::path::{Path, PathBuf};

use release_core::policy::Policy;

use crate::error::CliError;

/// The file name searched for from the current directory upwards.
pub const POLICY_FILE: &str = "release-policy.toml";

/// Global state handed to every command.
#[derive(Debug)]
pub struct Context {
    /// The effective policy (a file's, or the built-in one).
    pub policy: Policy,
    /// Where the policy came from; `None` for the built-in policy.
    pub policy_path: Option<PathBuf>,
    /// The directory the policy's relative paths are resolved against: the policy file's folder,
    /// or the current directory for the built-in policy.
    pub root: PathBuf,
    /// `--json`: machine-readable output.
    pub json: bool,
}

impl Context {
    /// Loads the policy named by `--policy`, or finds `release-policy.toml` from `cwd` upwards,
    /// or falls back to the built-in policy.
    pub fn load(explicit: Option<&Path>, cwd: &Path, json: bool) -> Result<Self, CliError> {
        let found = match explicit {
            Some(path) => Some(path.to_path_buf()),
            None => find_upwards(cwd, POLICY_FILE),
        };
        match found {
            None => Ok(Self {
                policy: Policy::default(),
                policy_path: None,
                // The built-in policy's paths are relative to the repository's top, wherever in
                // it the command runs.
                root: cwd
                    .ancestors()
                    .find(|dir| dir.join(".git").exists())
                    .unwrap_or(cwd)
                    .to_path_buf(),
                json,
            }),
            Some(path) => {
                let policy = load_policy_file(&path)?;
                let root = path
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| cwd.to_path_buf());
                Ok(Self {
                    policy,
                    policy_path: Some(path),
                    root,
                    json,
                })
            }
        }
    }

    /// A path from the policy, resolved against the policy's root.
    pub fn resolve(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }
}

/// Reads and validates one policy file; errors name the file, line and column.
pub fn load_policy_file(path: &Path) -> Result<Policy, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::env(format!("cannot read policy {}: {e}", path.display())))?;
    Policy::from_toml(&text).map_err(|e| CliError::input(format!("{}: {e}", path.display())))
}

fn find_upwards(start: &Path, name: &str) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}
