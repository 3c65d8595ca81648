//! The release history from the repository's tags (`refs/tags/*`), for `release-core`.
//!
//! A shallow clone, or a clone that has a remote but no tags at all, is an environment problem,
//! never "nothing has been released": CI checkouts are often both, and a wrong "no releases"
//! would move `latest` backwards.

use std::collections::HashSet;
use std::path::Path;

use git2::Oid;
use release_core::history::History;
use release_core::policy::Policy;

use crate::repo::Repo;
use crate::GitError;

/// The fix printed with every "tags may be missing" error.
pub const FETCH_TAGS: &str = "fetch tags: git fetch --tags --unshallow";

/// Every tag name under `refs/tags/` (packed and loose), in no particular order.
///
/// A repository with the classic files ref store is read directly: `packed-refs` once (one
/// read, one pass over the lines) plus the loose files under `refs/tags/`. That is what git
/// itself does, and it takes ~10 ms for 100,000 packed tags where libgit2's
/// `references_glob("refs/tags/*")` takes ~80 ms (its iterator copies the whole packed-refs
/// cache). Anything else (reftable, `GIT_NAMESPACE`, an unreadable file) goes through
/// `references_glob`. Names that are not UTF-8 are skipped: they cannot be release tags.
pub fn tag_names(repo: &Repo) -> Result<Vec<String>, GitError> {
    if let Some(names) = files_tag_names(repo.git2().commondir()) {
        return Ok(names);
    }
    glob_tag_names(repo)
}

/// The tag names through libgit2's `references_glob` (any ref store).
pub fn glob_tag_names(repo: &Repo) -> Result<Vec<String>, GitError> {
    let mut refs = repo
        .git2()
        .references_glob("refs/tags/*")
        .map_err(|e| GitError::git("cannot list refs/tags", e))?;
    let mut names = Vec::new();
    // A ref whose name is not UTF-8 is an error item in git2; it cannot be a release tag, so it
    // is skipped rather than failing the whole listing.
    for name in refs.names().flatten() {
        if let Some(short) = name.strip_prefix("refs/tags/") {
            names.push(short.to_string());
        }
    }
    Ok(names)
}

/// Reads tag names from the files ref store; `None` when that is not the store in use or
/// something is unexpected (the caller then asks libgit2).
fn files_tag_names(common: &Path) -> Option<Vec<String>> {
    if std::env::var_os("GIT_NAMESPACE").is_some() || common.join("reftable").exists() {
        return None;
    }
    let mut loose = Vec::new();
    let tags_dir = common.join("refs").join("tags");
    if tags_dir.is_dir() {
        walk_loose(&tags_dir, String::new(), &mut loose)?;
    }
    let packed = match std::fs::read(common.join("packed-refs")) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(_) => return None,
    };
    let loose_set: HashSet<&str> = loose.iter().map(String::as_str).collect();
    let mut names = Vec::new();
    for line in packed.split(|&b| b == b'\n') {
        // `<oid> refs/tags/NAME`; `#` starts the header, `^` a peeled id.
        let Some(space) = line.iter().position(|&b| b == b' ') else {
            continue;
        };
        if matches!(line.first(), Some(b'#' | b'^') | None) {
            continue;
        }
        let Some(name) = line[space + 1..].strip_prefix(b"refs/tags/") else {
            continue;
        };
        let name = name.strip_suffix(b"\r").unwrap_or(name);
        if let Ok(name) = std::str::from_utf8(name) {
            if !loose_set.contains(name) {
                names.push(name.to_string());
            }
        }
    }
    names.extend(loose);
    Some(names)
}

fn walk_loose(dir: &Path, prefix: String, out: &mut Vec<String>) -> Option<()> {
    for entry in std::fs::read_dir(dir).ok()? {
        let entry = entry.ok()?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let file_type = entry.file_type().ok()?;
        let full = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        if file_type.is_dir() {
            walk_loose(&entry.path(), full, out)?;
        } else if !name.ends_with(".lock") {
            out.push(full);
        }
    }
    Some(())
}

/// The release history from the repository's tags, refusing clones whose tags may be missing.
pub fn release_history(repo: &Repo, policy: &Policy) -> Result<History, GitError> {
    if repo.is_shallow() {
        return Err(GitError::env(format!(
            "the repository at {} is a shallow clone: its tags, and so the release history, may be incomplete; {FETCH_TAGS}",
            repo.root().display()
        )));
    }
    let names = tag_names(repo)?;
    if names.is_empty() && repo.git2().remotes().is_ok_and(|r| !r.is_empty()) {
        return Err(GitError::env(format!(
            "the repository at {} has a remote but no tags: the release history is unknown, not empty; {FETCH_TAGS} (if nothing has been released yet, say so with --released '')",
            repo.root().display()
        )));
    }
    Ok(History::from_tags(names, policy))
}

/// The commit a tag points at (peeling annotated tags). `None` when there is no such tag.
pub fn tag_commit(repo: &Repo, name: &str) -> Result<Option<Oid>, GitError> {
    let reference = match repo.git2().find_reference(&format!("refs/tags/{name}")) {
        Ok(r) => r,
        Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(None),
        Err(e) => return Err(GitError::git(&format!("cannot read refs/tags/{name}"), e)),
    };
    reference
        .peel_to_commit()
        .map(|c| Some(c.id()))
        .map_err(|e| GitError::git(&format!("tag {name} does not point at a commit"), e))
}

/// The newest stable release whose tag is in HEAD's history: what the checked-out code already
/// contains (a fact for [`release_core::line::LineFacts`]). Tags are tried newest first, so the
/// walk stops at the first ancestor.
pub fn newest_stable_in_head(
    repo: &Repo,
    policy: &Policy,
) -> Result<Option<release_core::version::ReleaseVersion>, GitError> {
    let git = repo.git2();
    let head = match repo.head_commit() {
        Ok(head) => head,
        // An unborn branch contains nothing.
        Err(_) => return Ok(None),
    };
    let mut stables: Vec<_> = tag_names(repo)?
        .into_iter()
        .filter_map(|name| {
            release_core::version::ReleaseVersion::parse_tag(&name, policy)
                .ok()
                .filter(|v| v.is_stable())
                .map(|v| (v, name))
        })
        .collect();
    stables.sort_by(|a, b| b.0.cmp(&a.0));
    for (version, name) in stables {
        let Ok(reference) = git.find_reference(&format!("refs/tags/{name}")) else {
            continue;
        };
        let Ok(commit) = reference.peel_to_commit() else {
            continue;
        };
        let at = commit.id();
        if at == head || git.graph_descendant_of(head, at).unwrap_or(false) {
            return Ok(Some(version));
        }
    }
    Ok(None)
}

/// Where HEAD is, for the line rules (V8, P3): the branch and what its history contains.
pub fn line_facts(repo: &Repo, policy: &Policy) -> Result<release_core::line::LineFacts, GitError> {
    let branch = repo.current_branch()?;
    Ok(release_core::line::LineFacts {
        branch: release_core::line::Branch::of(branch.as_deref(), policy),
        head_newest_stable: newest_stable_in_head(repo, policy)?,
    })
}

/// The paths that differ between two commits' trees (added, removed, modified, renamed: both
/// names), for the promotion rule (`release_core::promote`).
pub fn changed_paths(repo: &Repo, from: Oid, to: Oid) -> Result<Vec<String>, GitError> {
    let git = repo.git2();
    let tree = |oid: Oid| {
        git.find_commit(oid)
            .and_then(|c| c.tree())
            .map_err(|e| GitError::git(&format!("cannot read the tree of {oid}"), e))
    };
    let (a, b) = (tree(from)?, tree(to)?);
    let diff = git
        .diff_tree_to_tree(Some(&a), Some(&b), None)
        .map_err(|e| GitError::git(&format!("cannot compare {from} and {to}"), e))?;
    let mut paths = Vec::new();
    for delta in diff.deltas() {
        for file in [delta.old_file(), delta.new_file()] {
            if let Some(path) = file.path().and_then(|p| p.to_str()) {
                if !paths.iter().any(|p| p == path) {
                    paths.push(path.to_string());
                }
            }
        }
    }
    Ok(paths)
}

/// Which candidate the stable `version` at `commit` (full hex id) ships (P1 → P2): the facts
/// (the newest candidate's commit, what changed since) gathered here, the decision made by
/// [`release_core::promote::promotion_source`].
pub fn promotion_source(
    repo: &Repo,
    version: &release_core::version::ReleaseVersion,
    commit: &str,
    history: &History,
    policy: &Policy,
) -> Result<Result<release_core::version::ReleaseVersion, release_core::history::Refusal>, GitError>
{
    let commit = Oid::from_str(commit)
        .map_err(|e| GitError::input(format!("{commit:?} is not a commit id: {}", e.message())))?;
    let Some(candidate) = history.newest_candidate_of(version) else {
        return Ok(
            release_core::promote::promotion_source(version, history, None, policy).cloned(),
        );
    };
    let tag = candidate.tag(policy);
    let Some(at) = tag_commit(repo, &tag)? else {
        return Err(GitError::env(format!(
            "{tag} is in the history but refs/tags/{tag} is missing: git fetch --tags"
        )));
    };
    let changed = if at == commit {
        None
    } else {
        Some(changed_paths(repo, at, commit)?)
    };
    Ok(
        release_core::promote::promotion_source(version, history, changed.as_deref(), policy)
            .cloned(),
    )
}

/// What the repository says for `release status` beyond the history (the facts of
/// [`release_core::checklist::Facts`] that git knows).
#[derive(Debug, Clone, Default)]
pub struct StatusGitFacts {
    /// The current branch, as the policy sees it.
    pub branch: Option<release_core::line::Branch>,
    /// The newest stable release whose tag is not in the main branch: a hotfix not merged back.
    pub merge_back: Option<release_core::version::ReleaseVersion>,
    /// A merge is in progress.
    pub merge_in_progress: bool,
    /// Paths changed between `pending`'s newest candidate and HEAD (`None`: same commit, or no
    /// candidate).
    pub changed_since_candidate: Option<Vec<String>>,
}

/// Gathers [`StatusGitFacts`]; `pending` is the version the procedure is working on.
pub fn status_facts(
    repo: &Repo,
    policy: &Policy,
    history: &History,
    pending: Option<&release_core::version::ReleaseVersion>,
) -> Result<StatusGitFacts, GitError> {
    let git = repo.git2();
    let branch = repo.current_branch()?;
    let merge_in_progress = matches!(
        git.state(),
        git2::RepositoryState::Merge | git2::RepositoryState::CherryPick
    );
    let main_tip = [
        format!("refs/heads/{}", policy.main_branch),
        format!("refs/remotes/origin/{}", policy.main_branch),
    ]
    .iter()
    .find_map(|name| git.find_reference(name).ok()?.peel_to_commit().ok())
    .map(|c| c.id());
    let merge_back = match main_tip {
        None => None,
        Some(tip) => history
            .stables()
            .rev()
            .filter_map(|v| {
                let at = tag_commit(repo, &v.tag(policy)).ok().flatten()?;
                let merged = at == tip || git.graph_descendant_of(tip, at).unwrap_or(false);
                // Only a patch can be a hotfix; a release missing from main is otherwise
                // history this repository never had.
                (!merged && v.patch() > 0).then(|| v.clone())
            })
            .next(),
    };
    let changed_since_candidate = match pending.and_then(|p| history.newest_candidate_of(p)) {
        None => None,
        Some(candidate) => match (
            tag_commit(repo, &candidate.tag(policy))?,
            repo.head_commit(),
        ) {
            (Some(at), Ok(head)) if at != head => Some(changed_paths(repo, at, head)?),
            _ => None,
        },
    };
    Ok(StatusGitFacts {
        branch: Some(release_core::line::Branch::of(branch.as_deref(), policy)),
        merge_back,
        merge_in_progress,
        changed_since_candidate,
    })
}
