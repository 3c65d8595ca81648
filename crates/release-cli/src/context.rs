//! What every command gets: the effective policy and the global flags.

use std::cell::OnceCell;
use std::path::{Path, PathBuf};

use release_core::identity::{Derivation, RepoFacts, PROJECT_FILES};
use release_core::policy::Policy;
use release_git::repo::Repo;

use crate::error::CliError;

/// The file name searched for from the current directory upwards.
pub const POLICY_FILE: &str = "release-policy.toml";

/// Global state handed to every command.
#[derive(Debug)]
pub struct Context {
    /// The policy as written (a file's, or the built-in one), validated; [`Context::policy`]
    /// is the effective one.
    written: Policy,
    /// The effective policy and where each derived value came from, resolved on first use:
    /// resolving derives the project's identity from the repository, which a command such as
    /// `changelog notes --file` never needs (issue 14: opening a repository reads every git
    /// config file).
    resolved: OnceCell<(Policy, Vec<Derivation>)>,
    /// Where the policy came from; `None` for the built-in policy.
    pub policy_path: Option<PathBuf>,
    /// The directory the policy's relative paths (changelog, upgrading guide) are resolved
    /// against: the policy file's folder when it is inside the repository, else the top of the
    /// current directory's repository (for the built-in policy and for an operator-supplied
    /// policy file outside the checkout).
    pub root: PathBuf,
    /// The current directory: the repository is the one around it, wherever the policy is.
    pub cwd: PathBuf,
    /// The top of the repository around `cwd` (where `.git` is), else `cwd`.
    top: PathBuf,
    /// Whether the policy file lies outside the current directory's repository: an
    /// operator-supplied trust root, used as given (G6).
    pub policy_outside: bool,
    /// `--trust-ref`: the protected ref the trust root is read from.
    pub trust_ref: Option<String>,
    /// `--json`: machine-readable output.
    pub json: bool,
    /// The repository around `cwd`, opened once, on first use, for the whole command, or why
    /// there is none.
    repo: OnceCell<Result<Repo, String>>,
}

impl Context {
    /// Loads the policy named by `--policy`, or finds `release-policy.toml` from `cwd` upwards,
    /// or falls back to the built-in policy.
    pub fn load(explicit: Option<&Path>, cwd: &Path, json: bool) -> Result<Self, CliError> {
        // The repository's top, as git finds it (`.git` may be a file in a worktree).
        let repo_top = cwd
            .ancestors()
            .find(|dir| dir.join(".git").exists())
            .map(Path::to_path_buf);
        let found = match explicit {
            Some(path) => Some(path.to_path_buf()),
            None => find_upwards(cwd, POLICY_FILE),
        };
        let top = repo_top.clone().unwrap_or_else(|| cwd.to_path_buf());
        match found {
            None => {
                Ok(Self {
                    written: Policy::default(),
                    resolved: OnceCell::new(),
                    policy_path: None,
                    // The built-in policy's paths are relative to the repository's top, wherever in
                    // it the command runs.
                    root: repo_top.unwrap_or_else(|| cwd.to_path_buf()),
                    cwd: cwd.to_path_buf(),
                    top,
                    policy_outside: false,
                    trust_ref: None,
                    json,
                    repo: OnceCell::new(),
                })
            }
            Some(path) => {
                let written = load_policy_file(&path)?;
                let folder = path
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| cwd.to_path_buf());
                let absolute = |p: &Path| {
                    std::fs::canonicalize(if p.is_absolute() {
                        p.to_path_buf()
                    } else {
                        cwd.join(p)
                    })
                    .ok()
                };
                let policy_outside = match (&repo_top, absolute(&folder)) {
                    (Some(top), Some(folder)) => {
                        absolute(top).is_some_and(|top| !folder.starts_with(top))
                    }
                    _ => false,
                };
                let root = match (&repo_top, policy_outside) {
                    (Some(top), true) => top.clone(),
                    _ => folder,
                };
                Ok(Self {
                    written,
                    resolved: OnceCell::new(),
                    policy_path: Some(path),
                    root,
                    cwd: cwd.to_path_buf(),
                    top,
                    policy_outside,
                    trust_ref: None,
                    json,
                    repo: OnceCell::new(),
                })
            }
        }
    }

    /// Which policy is in effect, for people: the file's path, or the built-in policy.
    pub fn policy_origin(&self) -> String {
        match &self.policy_path {
            Some(path) => path.display().to_string(),
            None => format!("built-in (no {POLICY_FILE} found)"),
        }
    }

    /// The effective policy: the written one with the values it leaves out derived from the
    /// repository (resolved on first use).
    pub fn policy(&self) -> &Policy {
        &self.resolution().0
    }

    /// Where each derived value of the policy came from (`release status`, `policy show`).
    pub fn derived(&self) -> &[Derivation] {
        &self.resolution().1
    }

    fn resolution(&self) -> &(Policy, Vec<Derivation>) {
        self.resolved.get_or_init(|| {
            let facts = repo_facts(self.repo().ok(), &self.top);
            let resolved = self.written.resolve(&facts);
            (resolved.policy, resolved.derived)
        })
    }

    /// The repository around the current directory (opened on first use), or an environment
    /// error saying why there is none.
    pub fn repo(&self) -> Result<&Repo, CliError> {
        self.repo
            .get_or_init(|| Repo::discover(&self.cwd).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| CliError::env(e.clone()))
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

/// What the built-in policy derives the project's identity from: the `origin` remote of the
/// repository around `cwd`, `GITHUB_REPOSITORY`/`GITHUB_SERVER_URL`, and the project files at
/// the repository's top.
fn repo_facts(repo: Option<&Repo>, top: &Path) -> RepoFacts {
    let env = |name| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let project_files = PROJECT_FILES
        .iter()
        .filter(|f| top.join(f).is_file())
        .map(|f| f.to_string())
        .collect();
    // A package.json that does not parse has no test script we could run.
    let npm_test_script = std::fs::read_to_string(top.join("package.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v.get("scripts")?.get("test")?.as_str().map(str::to_string));
    RepoFacts {
        origin_url: repo.and_then(Repo::origin_url),
        github_repository: env("GITHUB_REPOSITORY"),
        github_server_url: env("GITHUB_SERVER_URL"),
        project_files,
        npm_test_script,
    }
}

fn find_upwards(start: &Path, name: &str) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}
