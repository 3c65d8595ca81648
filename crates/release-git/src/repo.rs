//! Facts about the repository: where it is, HEAD, the current branch, whether the working tree
//! is clean, and the `origin` remote as a web URL (for compare links).

use std::path::{Path, PathBuf};

use git2::{Config, ConfigLevel, Oid, Repository, Signature, StatusOptions};

use crate::GitError;

/// An open repository.
pub struct Repo {
    repo: Repository,
}

impl std::fmt::Debug for Repo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repo")
            .field("path", &self.repo.path())
            .finish()
    }
}

impl Repo {
    /// Finds the repository containing `path` (searching upwards, as git does).
    pub fn discover(path: &Path) -> Result<Self, GitError> {
        Repository::discover(path)
            .map(|repo| Self { repo })
            .map_err(|e| {
                GitError::env(format!(
                    "{} is not inside a git repository: {}",
                    path.display(),
                    e.message()
                ))
            })
    }

    /// Wraps an already open `git2` repository.
    pub fn from_git2(repo: Repository) -> Self {
        Self { repo }
    }

    /// The underlying `git2` repository.
    pub fn git2(&self) -> &Repository {
        &self.repo
    }

    /// The working tree's root, or the git directory of a bare repository.
    pub fn root(&self) -> PathBuf {
        self.repo
            .workdir()
            .unwrap_or_else(|| self.repo.path())
            .to_path_buf()
    }

    /// The commit HEAD points at.
    pub fn head_commit(&self) -> Result<Oid, GitError> {
        let head = self
            .repo
            .head()
            .map_err(|e| GitError::git("cannot read HEAD (no commit yet?)", e))?;
        head.peel_to_commit()
            .map(|c| c.id())
            .map_err(|e| GitError::git("HEAD does not point at a commit", e))
    }

    /// The current branch's short name; `None` on a detached HEAD.
    pub fn current_branch(&self) -> Result<Option<String>, GitError> {
        let head = match self.repo.head() {
            Ok(head) => head,
            // An unborn branch: HEAD names a branch that has no commit yet.
            Err(e) if e.code() == git2::ErrorCode::UnbornBranch => return Ok(None),
            Err(e) => return Err(GitError::git("cannot read HEAD", e)),
        };
        if !head.is_branch() {
            return Ok(None);
        }
        Ok(head.shorthand().map(str::to_string))
    }

    /// Paths that make the working tree dirty (staged, modified, deleted, untracked); empty
    /// when the tree is clean. Ignored files do not count, and neither do working-tree
    /// differences of index entries marked skip-worktree (a sparse checkout's absent files,
    /// `git update-index --skip-worktree`) or assume-unchanged: `git status` does not report
    /// them, and libgit2, which knows no sparse checkout, would.
    pub fn dirty_paths(&self) -> Result<Vec<String>, GitError> {
        let mut options = StatusOptions::new();
        options
            .include_untracked(true)
            .recurse_untracked_dirs(false)
            .include_ignored(false)
            .exclude_submodules(false);
        let statuses = self
            .repo
            .statuses(Some(&mut options))
            .map_err(|e| GitError::git("cannot read the working tree status", e))?;
        // Index flags: assume-unchanged ("valid") in the base flags, skip-worktree in the
        // extended ones (git's `CE_VALID` and `CE_SKIP_WORKTREE`).
        const ASSUME_UNCHANGED: u16 = 0x8000;
        const SKIP_WORKTREE: u16 = 0x4000;
        let index = self
            .repo
            .index()
            .map_err(|e| GitError::git("cannot read the index", e))?;
        let hidden = |path: &[u8]| {
            index
                .get_path(Path::new(&*String::from_utf8_lossy(path)), 0)
                .is_some_and(|e| {
                    e.flags & ASSUME_UNCHANGED != 0 || e.flags_extended & SKIP_WORKTREE != 0
                })
        };
        let worktree_only = git2::Status::WT_MODIFIED
            | git2::Status::WT_DELETED
            | git2::Status::WT_TYPECHANGE
            | git2::Status::WT_RENAMED;
        Ok(statuses
            .iter()
            .filter(|s| !s.status().is_ignored())
            .filter(|s| {
                // Staged changes count whatever the flags; working-tree ones of hidden entries
                // do not.
                let st = s.status();
                !(st.intersects(worktree_only)
                    && !st.intersects(!worktree_only)
                    && hidden(s.path_bytes()))
            })
            .map(|s| String::from_utf8_lossy(s.path_bytes()).into_owned())
            .collect())
    }

    /// The remote's default branch as `origin/HEAD` records it (`git clone` sets it;
    /// `git remote set-head origin --auto` refreshes it): `master` for
    /// `refs/remotes/origin/HEAD -> refs/remotes/origin/master`. `None` when it is not set.
    pub fn origin_default_branch(&self) -> Option<String> {
        let head = self.repo.find_reference("refs/remotes/origin/HEAD").ok()?;
        let target = head.symbolic_target()?;
        target
            .strip_prefix("refs/remotes/origin/")
            .filter(|b| !b.is_empty())
            .map(str::to_string)
    }

    /// The URL of the `origin` remote, if there is one.
    pub fn origin_url(&self) -> Option<String> {
        let remote = self.repo.find_remote("origin").ok()?;
        remote.url().map(str::to_string)
    }

    /// The `origin` remote as an `https://host/owner/repo` web URL (see [`web_url`]).
    pub fn origin_web_url(&self) -> Option<String> {
        self.origin_url().as_deref().and_then(web_url)
    }

    /// Whether the repository is a shallow clone (its history, and so its tags, may be partial).
    pub fn is_shallow(&self) -> bool {
        self.repo.is_shallow()
    }

    /// The repository's configuration, read from the files git itself would read.
    ///
    /// libgit2 does not honour `GIT_CONFIG_GLOBAL`, `GIT_CONFIG_SYSTEM` or
    /// `GIT_CONFIG_NOSYSTEM` (git does since 2.32), so with those set `Repository::config`
    /// would read other files than `git`, and a maintainer whose identity and signing key live
    /// in a `GIT_CONFIG_GLOBAL` file would be told they are not set. When any of them is set,
    /// the levels are assembled here as git does: system (unless `GIT_CONFIG_NOSYSTEM` is
    /// true; `GIT_CONFIG_SYSTEM` names the file), XDG and global (or only the file
    /// `GIT_CONFIG_GLOBAL` names), then the repository's `config` and `config.worktree`.
    /// `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n` are not read (libgit2 has no in-memory level).
    pub fn config(&self) -> Result<Config, GitError> {
        let var = |name: &str| std::env::var_os(name);
        let (global, system, nosystem) = (
            var("GIT_CONFIG_GLOBAL"),
            var("GIT_CONFIG_SYSTEM"),
            var("GIT_CONFIG_NOSYSTEM"),
        );
        if global.is_none() && system.is_none() && nosystem.is_none() {
            return self
                .repo
                .config()
                .map_err(|e| GitError::git("cannot read git config", e));
        }
        let mut config = Config::new().map_err(|e| GitError::git("cannot read git config", e))?;
        let mut add = |path: &Path, level: ConfigLevel| -> Result<(), GitError> {
            if !path.is_file() {
                return Ok(());
            }
            config.add_file(path, level, false).map_err(|e| {
                GitError::git(&format!("cannot read git config {}", path.display()), e)
            })
        };
        let nosystem = nosystem.is_some_and(|v| git_bool(&v.to_string_lossy()));
        if !nosystem {
            match &system {
                Some(file) => add(Path::new(file), ConfigLevel::System)?,
                None => {
                    if let Ok(file) = Config::find_system() {
                        add(&file, ConfigLevel::System)?;
                    }
                }
            }
        }
        match &global {
            Some(file) => add(Path::new(file), ConfigLevel::Global)?,
            None => {
                if let Ok(file) = Config::find_xdg() {
                    add(&file, ConfigLevel::XDG)?;
                }
                if let Ok(file) = Config::find_global() {
                    add(&file, ConfigLevel::Global)?;
                }
            }
        }
        add(&self.repo.commondir().join("config"), ConfigLevel::Local)?;
        add(
            &self.repo.path().join("config.worktree"),
            ConfigLevel::Worktree,
        )?;
        Ok(config)
    }

    /// The identity git would put on a tag: `user.name` and `user.email` from [`Repo::config`],
    /// with the current time.
    pub fn signature(&self) -> Result<Signature<'static>, GitError> {
        const MISSING: &str = "git config user.name and user.email must be set";
        let config = self.config()?;
        let name = config
            .get_string("user.name")
            .map_err(|e| GitError::git(MISSING, e))?;
        let email = config
            .get_string("user.email")
            .map_err(|e| GitError::git(MISSING, e))?;
        Signature::now(&name, &email).map_err(|e| GitError::git(MISSING, e))
    }
}

/// A git boolean as `git config --type=bool` reads it (`GIT_CONFIG_NOSYSTEM=1`, `true`, `yes`,
/// `on`); anything else is false.
fn git_bool(value: &str) -> bool {
    let v = value.trim().to_ascii_lowercase();
    matches!(v.as_str(), "true" | "yes" | "on") || v.parse::<i64>().is_ok_and(|n| n != 0)
}

/// Normalises a remote URL to a web URL: `git@github.com:o/r.git`,
/// `ssh://git@github.com/o/r`, `https://user:token@github.com/o/r.git` and `git://…` all
/// become `https://github.com/o/r`. Credentials are dropped (they must never reach output).
/// `None` for local paths and URLs without an owner/repository path.
///
/// ```
/// use release_git::repo::web_url;
/// assert_eq!(web_url("git@github.com:o/r.git").as_deref(), Some("https://github.com/o/r"));
/// assert_eq!(web_url("https://x:secret@example.org/o/r/").as_deref(), Some("https://example.org/o/r"));
/// assert_eq!(web_url("/srv/git/r.git"), None);
/// ```
pub fn web_url(remote: &str) -> Option<String> {
    release_core::identity::RemoteUrl::parse(remote).map(|r| r.web_url())
}

#[cfg(test)]
mod tests {
    use super::{git_bool, web_url};

    #[test]
    fn git_booleans_as_git_reads_them() {
        for yes in ["1", "true", "TRUE", "yes", "on", " 2 "] {
            assert!(git_bool(yes), "{yes}");
        }
        for no in ["", "0", "false", "no", "off", "maybe"] {
            assert!(!git_bool(no), "{no}");
        }
    }

    #[test]
    fn remote_urls_normalise() {
        let cases = [
            ("git@github.com:o/r.git", Some("https://github.com/o/r")),
            (
                "ssh://git@github.com:22/o/r.git",
                Some("https://github.com/o/r"),
            ),
            ("https://github.com/o/r", Some("https://github.com/o/r")),
            (
                "https://tok:x-oauth@github.com/o/r.git",
                Some("https://github.com/o/r"),
            ),
            (
                "git://example.org/group/sub/r.git",
                Some("https://example.org/group/sub/r"),
            ),
            (
                "http://localhost:3000/o/r",
                Some("https://localhost:3000/o/r"),
            ),
            ("/srv/r.git", None),
            ("file:///srv/r.git", None),
            ("https://github.com/", None),
        ];
        for (input, want) in cases {
            assert_eq!(web_url(input).as_deref(), want, "{input}");
        }
    }
}
