//! The trust root of the gate (G6): which keys may sign a release tag, read from the protected
//! main branch through git objects, never from the working tree.
//!
//! In CI the working tree *is* the tagged commit: a trust root read from it lets anyone who can
//! push a branch and a tag append their own key to `keys/release-signers.asc` (or widen
//! `[signing]`) and sign a tag that vouches for itself. So the `[signing]` section of the policy
//! and every key file it names are read from the tree of a protected ref:
//!
//! - `--trust-ref REF` when given (a full ref name, or a branch: `refs/heads/REF`, then
//!   `refs/remotes/REF`);
//! - else the policy's `main_branch`, from `refs/remotes/origin/<main>` when it exists (CI
//!   fetches it), else `refs/heads/<main>`. When `origin/HEAD` names another branch the working
//!   tree's `main_branch` is not believed (it could be the attacker's) and the answer is an error
//!   asking for `--trust-ref`.
//!
//! An operator-supplied policy file outside the checkout ([`Trust::from_files`]) is used as
//! given, with its key files read from disk next to it.

use std::path::{Path, PathBuf};

use git2::{ObjectType, Oid};
use release_core::policy::{
    Policy, SignatureFormat, SigningPolicy, TaggerDateCheck, UnsignedCandidate,
};
use release_core::version::ReleaseVersion;
use serde::Serialize;

use crate::repo::Repo;
use crate::GitError;

/// Where the trust root was read from; printed with every verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum TrustSource {
    /// A protected ref's tree, through git objects.
    Ref {
        /// The full ref name (`refs/remotes/origin/main`).
        refname: String,
        /// The commit the ref pointed at.
        commit: String,
        /// The policy file read from that tree (`release-policy.toml`), or `None` when the tree
        /// has none and the built-in `[signing]` section applies.
        policy: Option<String>,
    },
    /// An operator-supplied policy file outside the checkout, with key files beside it.
    File {
        /// The policy file.
        path: PathBuf,
    },
}

impl std::fmt::Display for TrustSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TrustSource::Ref {
                refname,
                commit,
                policy,
            } => {
                let short = commit.get(..12).unwrap_or(commit);
                match policy {
                    Some(p) => write!(f, "{p} on {refname} at {short}"),
                    None => write!(
                        f,
                        "the built-in [signing] policy with the key files on {refname} at {short}"
                    ),
                }
            }
            TrustSource::File { path } => write!(f, "{} (operator-supplied)", path.display()),
        }
    }
}

/// One trusted file named by the policy: its policy name and its bytes, or why it could not be
/// read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustFile {
    /// The path as the policy names it.
    pub name: String,
    /// The content, or why there is none (missing in the tree, not a file, unreadable).
    pub content: Result<Vec<u8>, String>,
}

/// What the gate trusts: the signing policy of the trust root and the key files' contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trust {
    /// Where all of this was read from.
    pub source: TrustSource,
    /// The trusted OpenPGP key files (armored or binary).
    pub openpgp_keys: Vec<TrustFile>,
    /// Allow-listed primary key fingerprints (upper-case hex); empty = every key in the files.
    pub openpgp_fingerprints: Vec<String>,
    /// The SSH allowed-signers file.
    pub ssh_allowed_signers: Option<TrustFile>,
    /// Formats accepted on stable tags.
    pub stable: Vec<SignatureFormat>,
    /// Formats accepted on candidates.
    pub candidate: Vec<SignatureFormat>,
    /// What an unsigned candidate gets.
    pub candidate_unsigned: UnsignedCandidate,
    /// Whether a stable tag's commit must be reachable from main or its line's hotfix branch.
    pub require_reachable: bool,
    /// What an implausible tagger date gets.
    pub tagger_date: TaggerDateCheck,
    /// The trust root's main branch (for reachability).
    pub main_branch: String,
    /// The trust root's hotfix branch pattern (`hotfix/v{version}`).
    pub hotfix_branch: String,
    /// The protected ref the trust root came from, when it is a ref: reachability is judged
    /// against this very commit.
    pub protected: Option<(String, Oid)>,
}

impl Trust {
    /// The policy's own trust root, with its key files read from disk relative to `root` (the
    /// policy file's folder): for a policy file an operator supplies from outside the
    /// checkout, and for embedders that already hold a trusted policy.
    pub fn from_files(policy: &Policy, policy_path: &Path, root: &Path) -> Trust {
        let read = |name: &str| TrustFile {
            name: name.to_string(),
            content: read_disk(&root.join(name)),
        };
        Self::build(
            TrustSource::File {
                path: policy_path.to_path_buf(),
            },
            policy,
            read,
            None,
        )
    }

    /// The trust root from a protected ref's tree (see the module documentation).
    ///
    /// `working` is the policy of the checkout, used only for `main_branch` when no trust ref
    /// is given; `policy_path` is where the policy file lives relative to the repository root
    /// (`release-policy.toml`). A missing ref is an environment error with the fetch to run.
    pub fn from_ref(
        repo: &Repo,
        working: &Policy,
        policy_path: &str,
        trust_ref: Option<&str>,
    ) -> Result<Trust, GitError> {
        let (refname, commit) = match trust_ref {
            Some(r) => resolve_explicit(repo, r)?,
            None => resolve_main(repo, &working.main_branch)?,
        };
        let git = repo.git2();
        let tree = git
            .find_commit(commit)
            .and_then(|c| c.tree())
            .map_err(|e| GitError::git(&format!("cannot read the tree of {refname}"), e))?;
        let read = |path: &str| -> Result<Vec<u8>, String> {
            let clean = path.trim_start_matches("./");
            let entry = tree
                .get_path(Path::new(clean))
                .map_err(|_| format!("{path} does not exist on {refname}"))?;
            if entry.kind() != Some(ObjectType::Blob) {
                return Err(format!("{path} on {refname} is not a file"));
            }
            let blob = git
                .find_blob(entry.id())
                .map_err(|e| format!("cannot read {path} on {refname}: {}", e.message()))?;
            Ok(blob.content().to_vec())
        };
        let (policy, policy_name) = match read(policy_path) {
            Ok(bytes) => {
                let text = String::from_utf8(bytes).map_err(|_| {
                    GitError::env(format!(
                        "the trust root {policy_path} on {refname} is not UTF-8"
                    ))
                })?;
                let policy = Policy::from_toml(&text).map_err(|e| {
                    GitError::env(format!(
                        "the trust root {policy_path} on {refname} ({commit}) is not a valid policy: {e}"
                    ))
                })?;
                (policy, Some(policy_path.to_string()))
            }
            Err(_) => (Policy::default(), None),
        };
        if trust_ref.is_none() && policy.main_branch != working.main_branch {
            return Err(GitError::env(format!(
                "the policy on {refname} names the main branch {:?}, but the checkout's policy names {:?}: the trust root is read from the protected branch; give it with --trust-ref",
                policy.main_branch, working.main_branch
            )));
        }
        let source = TrustSource::Ref {
            refname: refname.clone(),
            commit: commit.to_string(),
            policy: policy_name,
        };
        let file = |name: &str| TrustFile {
            name: name.to_string(),
            content: read(name),
        };
        let protected = Some((refname.clone(), commit));
        Ok(Self::build(source, &policy, file, protected))
    }

    fn build(
        source: TrustSource,
        policy: &Policy,
        read: impl Fn(&str) -> TrustFile,
        protected: Option<(String, Oid)>,
    ) -> Trust {
        let signing: &SigningPolicy = &policy.signing;
        Trust {
            source,
            openpgp_keys: signing.openpgp_keys.iter().map(|n| read(n)).collect(),
            openpgp_fingerprints: signing
                .openpgp_fingerprints
                .iter()
                .map(|f| normalize_fingerprint(f))
                .collect(),
            ssh_allowed_signers: (!signing.ssh_allowed_signers.trim().is_empty())
                .then(|| read(&signing.ssh_allowed_signers)),
            stable: signing.stable.clone(),
            candidate: signing.candidate.clone(),
            candidate_unsigned: signing.candidate_unsigned,
            require_reachable: signing.require_reachable,
            tagger_date: signing.tagger_date,
            main_branch: policy.main_branch.clone(),
            hotfix_branch: policy.hotfix_branch.clone(),
            protected,
        }
    }

    /// The policy names of the OpenPGP key files, for messages.
    pub(crate) fn openpgp_names(&self) -> String {
        self.openpgp_keys
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Where a stable tag's commit may be (G6): reachable from the protected main branch, or
    /// from a hotfix branch of the version's own line whose history holds a stable tag of that
    /// line. `Ok(Ok(where))` when it is, `Ok(Err(why not))` when it is not.
    pub(crate) fn reachability(
        &self,
        repo: &Repo,
        commit: Oid,
        version: &ReleaseVersion,
        policy: &Policy,
    ) -> Result<Result<String, String>, GitError> {
        let git = repo.git2();
        let contains = |tip: Oid| -> bool {
            tip == commit || git.graph_descendant_of(tip, commit).unwrap_or(false)
        };
        let main = match &self.protected {
            Some((name, oid)) => Some((name.clone(), *oid)),
            None => resolve_main(repo, &self.main_branch).ok(),
        };
        if let Some((name, tip)) = &main {
            if contains(*tip) {
                return Ok(Ok(format!("reachable from {name}")));
            }
        }
        // A maintainer tags the local main branch before pushing it: that is their own ref
        // (a CI checkout has no local branches), and CI checks the pushed one again.
        let local = format!("refs/heads/{}", self.main_branch);
        if main.as_ref().is_some_and(|(name, _)| *name != local) {
            if let Some(tip) = ref_commit(repo, &local) {
                if contains(tip) {
                    return Ok(Ok(format!(
                        "reachable from {local} (push it before the tag: CI checks refs/remotes/origin/{})",
                        self.main_branch
                    )));
                }
            }
        }
        // A hotfix branch of the same X.Y line, cut from a stable tag of that line.
        let v = version.semver();
        let line_tag = line_tag_below(repo, commit, version, policy)?;
        let refs = git
            .references()
            .map_err(|e| GitError::git("cannot list references", e))?;
        let mut hotfix_refs = Vec::new();
        for reference in refs.flatten() {
            let Some(name) = reference.name() else {
                continue;
            };
            let short = name
                .strip_prefix("refs/heads/")
                .or_else(|| name.strip_prefix("refs/remotes/origin/"));
            let Some(short) = short else { continue };
            let Some(branch_version) =
                release_core::line::hotfix_version(&self.hotfix_branch, short, policy)
            else {
                continue;
            };
            if branch_version.line() != version.line() {
                continue;
            }
            if let Ok(tip) = reference.peel_to_commit() {
                hotfix_refs.push((name.to_string(), tip.id()));
            }
        }
        if let Some(tag) = line_tag {
            if let Some((name, _)) = hotfix_refs.iter().find(|(_, tip)| contains(*tip)) {
                return Ok(Ok(format!("on the hotfix branch {name}, cut from {tag}")));
            }
        }
        let main_name = main
            .map(|(n, _)| n)
            .unwrap_or_else(|| format!("refs/heads/{}", self.main_branch));
        Ok(Err(format!(
            "commit {commit} is not reachable from {main_name}, nor from a hotfix branch of the {}.{} line cut from one of its stable tags (G6); merge it to {} first (or relax this with [signing] require_reachable = false)",
            v.major, v.minor, self.main_branch
        )))
    }
}

/// A stable tag of `version`'s line, older than it, that `commit` descends from (the hotfix
/// branch was cut from it).
fn line_tag_below(
    repo: &Repo,
    commit: Oid,
    version: &ReleaseVersion,
    policy: &Policy,
) -> Result<Option<String>, GitError> {
    let git = repo.git2();
    let glob = format!("refs/tags/{}*", policy.tag_prefix);
    let refs = git
        .references_glob(&glob)
        .map_err(|e| GitError::git("cannot list tags", e))?;
    let mut best: Option<(ReleaseVersion, String)> = None;
    for reference in refs.flatten() {
        let Some(name) = reference.name().and_then(|n| n.strip_prefix("refs/tags/")) else {
            continue;
        };
        let Ok(tagged) = ReleaseVersion::parse_tag(name, policy) else {
            continue;
        };
        if !tagged.is_stable() || tagged.line() != version.line() || tagged >= *version {
            continue;
        }
        let Ok(at) = reference.peel_to_commit().map(|c| c.id()) else {
            continue;
        };
        let newer = best.as_ref().is_none_or(|(b, _)| tagged > *b);
        if newer && (at == commit || git.graph_descendant_of(commit, at).unwrap_or(false)) {
            best = Some((tagged, name.to_string()));
        }
    }
    // The newest such tag: the one the branch was cut from.
    Ok(best.map(|(_, name)| name))
}

fn read_disk(path: &Path) -> Result<Vec<u8>, String> {
    if !path.is_file() {
        return Err(format!("{} does not exist", path.display()));
    }
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

pub(crate) fn normalize_fingerprint(f: &str) -> String {
    f.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .trim_start_matches("0x")
        .to_ascii_uppercase()
}

fn ref_commit(repo: &Repo, name: &str) -> Option<Oid> {
    let reference = repo.git2().find_reference(name).ok()?;
    reference.peel_to_commit().ok().map(|c| c.id())
}

/// `--trust-ref`: a full ref name, else a local branch, else a remote-tracking branch. Tags are
/// never looked at (a tag named like the branch must not shadow it).
fn resolve_explicit(repo: &Repo, name: &str) -> Result<(String, Oid), GitError> {
    let candidates: Vec<String> = if name.starts_with("refs/") {
        vec![name.to_string()]
    } else {
        vec![format!("refs/heads/{name}"), format!("refs/remotes/{name}")]
    };
    for candidate in &candidates {
        if let Some(oid) = ref_commit(repo, candidate) {
            return Ok((candidate.clone(), oid));
        }
    }
    Err(GitError::env(format!(
        "the trust ref {name:?} does not exist (looked for {}): fetch it first, e.g. git fetch origin {}",
        candidates.join(", "),
        name.trim_start_matches("refs/heads/")
    )))
}

/// A file as the protected main branch holds it (facts that span commands, such as the yanked
/// releases in the changelog, have one source: R5). The ref is chosen as for the trust root.
/// `Ok((refname, None))` when the file does not exist there.
pub fn read_protected_file(
    repo: &Repo,
    main_branch: &str,
    trust_ref: Option<&str>,
    path: &str,
) -> Result<(String, Option<Vec<u8>>), GitError> {
    let (refname, commit) = match trust_ref {
        Some(r) => resolve_explicit(repo, r)?,
        None => resolve_main(repo, main_branch)?,
    };
    let git = repo.git2();
    let tree = git
        .find_commit(commit)
        .and_then(|c| c.tree())
        .map_err(|e| GitError::git(&format!("cannot read the tree of {refname}"), e))?;
    let Ok(entry) = tree.get_path(Path::new(path.trim_start_matches("./"))) else {
        return Ok((refname, None));
    };
    if entry.kind() != Some(ObjectType::Blob) {
        return Ok((refname, None));
    }
    let blob = git
        .find_blob(entry.id())
        .map_err(|e| GitError::git(&format!("cannot read {path} on {refname}"), e))?;
    Ok((refname, Some(blob.content().to_vec())))
}

/// The main branch: `refs/remotes/origin/<main>` when it exists, else `refs/heads/<main>`.
/// `origin/HEAD` naming another branch makes the working tree's `main_branch` suspect.
pub fn resolve_main(repo: &Repo, main_branch: &str) -> Result<(String, Oid), GitError> {
    let git = repo.git2();
    if let Ok(head) = git.find_reference("refs/remotes/origin/HEAD") {
        if let Some(target) = head.symbolic_target() {
            let want = format!("refs/remotes/origin/{main_branch}");
            if target != want {
                return Err(GitError::env(format!(
                    "origin's default branch is {} but the policy's main_branch is {main_branch:?}: the trust root must come from the protected branch; name it with --trust-ref",
                    target.trim_start_matches("refs/remotes/")
                )));
            }
        }
    }
    for name in [
        format!("refs/remotes/origin/{main_branch}"),
        format!("refs/heads/{main_branch}"),
    ] {
        if let Some(oid) = ref_commit(repo, &name) {
            return Ok((name, oid));
        }
    }
    Err(GitError::env(format!(
        "the trust root is read from the main branch {main_branch:?}, but neither refs/remotes/origin/{main_branch} nor refs/heads/{main_branch} exists: git fetch origin {main_branch}:refs/remotes/origin/{main_branch} (or name the protected ref with --trust-ref)"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_normalise() {
        assert_eq!(normalize_fingerprint("0xab cd"), "ABCD");
    }
}
