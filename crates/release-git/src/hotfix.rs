//! Hotfix branches (V8, P3): `hotfix/vX.Y.(Z+1)` from the newest stable tag of the line, and
//! whether a hotfix has been merged back into the main branch.

use git2::Oid;
use release_core::history::History;
use release_core::policy::Policy;
use release_core::version::ReleaseVersion;
use serde::Serialize;

use crate::history::tag_commit;
use crate::repo::Repo;
use crate::GitError;

/// What `release hotfix start` does.
#[derive(Debug, Clone, Serialize)]
pub struct HotfixPlan {
    /// The stable tag the branch starts from.
    pub from_tag: String,
    /// Its commit.
    pub from_commit: String,
    /// The hotfix version (the next PATCH of the line).
    pub version: String,
    /// The hotfix tag to cut when the fix is ready.
    pub tag: String,
    /// The branch name.
    pub branch: String,
    /// The procedure's next steps (P3), as commands and sentences.
    pub steps: Vec<String>,
}

/// Plans a hotfix branch from `from` (a stable tag) or, by default, from the newest stable tag
/// of the newest stable line.
pub fn plan_hotfix(
    repo: &Repo,
    policy: &Policy,
    history: &History,
    from: Option<&str>,
) -> Result<HotfixPlan, GitError> {
    let base = match from {
        Some(tag) => {
            let v = ReleaseVersion::parse_tag(tag, policy).map_err(GitError::input)?;
            if !v.is_stable() {
                return Err(GitError::input(format!(
                    "--from {tag}: a hotfix starts from a stable tag, not a release candidate (V8)"
                )));
            }
            v
        }
        None => history.newest_stable().cloned().ok_or_else(|| {
            GitError::refused_by(
                release_core::rule::Rule::V8,
                "there is no stable release to hotfix (V8): nothing to branch from",
            )
        })?,
    };
    let from_tag = base.tag(policy);
    let newest = history.newest_stable_in_line(base.major(), base.minor());
    if let Some(newest) = newest.filter(|n| **n > base) {
        return Err(GitError::refused_by(release_core::rule::Rule::V8, format!(
            "{from_tag} is not the newest stable release of the {}.{} line ({} is): a hotfix branches from the line's last stable tag (V8)",
            base.major(),
            base.minor(),
            newest.tag(policy)
        )));
    }
    let commit = tag_commit(repo, &from_tag)?.ok_or_else(|| {
        GitError::input(format!("tag {from_tag} does not exist in this repository"))
    })?;
    let version = base.hotfix();
    if let Err(refusal) = history.check_new(&version) {
        return Err(GitError::refused_by(
            refusal.rule,
            format!("hotfix {version}: {refusal}"),
        ));
    }
    let branch = policy.hotfix_branch_for(version.semver());
    if !git2::Branch::name_is_valid(&branch).unwrap_or(false) {
        return Err(GitError::input(format!(
            "hotfix branch name {branch:?} (policy hotfix_branch) is not a valid branch name"
        )));
    }
    let tag = version.tag(policy);
    let main = &policy.main_branch;
    let mut steps = vec![
        format!("git switch {branch}"),
        "make the minimal fix and commit it".to_string(),
    ];
    if !policy.checks.smoke_command.is_empty() {
        steps.push(format!(
            "run the affected tests and the smoke test: {}",
            policy.checks.smoke_command
        ));
    }
    if !policy.checks.restore_drill_command.is_empty() {
        steps.push(format!(
            "if the fix is in a critical path, run the restore drill: {}",
            policy.checks.restore_drill_command
        ));
    }
    steps.extend([
        format!(
            "update {} and {} for {version}",
            policy.changelog.path, policy.changelog.upgrading
        ),
        format!("release tag {tag} --execute"),
        format!("release tag {tag} --push --execute   (or: git push origin refs/tags/{tag})"),
        format!(
            "git switch {main} && git merge --no-ff {branch}   (when {main} moved on, {} and {} conflict: keep {main}'s side and add the {version} section and its link)",
            policy.changelog.path, policy.changelog.upgrading
        ),
        format!("release hotfix status {tag}"),
    ]);
    Ok(HotfixPlan {
        from_tag,
        from_commit: commit.to_string(),
        version: version.to_string(),
        tag,
        branch,
        steps,
    })
}

/// Creates the hotfix branch of a plan (never moving an existing branch).
pub fn create_branch(repo: &Repo, plan: &HotfixPlan) -> Result<(), GitError> {
    let oid = Oid::from_str(&plan.from_commit)
        .map_err(|e| GitError::git("bad commit id in the hotfix plan", e))?;
    let commit = repo
        .git2()
        .find_commit(oid)
        .map_err(|e| GitError::git(&format!("cannot find commit {oid}"), e))?;
    repo.git2()
        .branch(&plan.branch, &commit, false)
        .map_err(|e| {
            if e.code() == git2::ErrorCode::Exists {
                GitError::refused(format!("branch {} already exists", plan.branch))
            } else {
                GitError::git(&format!("cannot create branch {}", plan.branch), e)
            }
        })?;
    Ok(())
}

/// Whether a hotfix tag's commit is in the main branch.
#[derive(Debug, Clone, Serialize)]
pub struct HotfixStatus {
    /// The hotfix tag.
    pub tag: String,
    /// Its commit.
    pub commit: String,
    /// The main branch ref looked at (`refs/heads/main` or `refs/remotes/origin/main`).
    pub main_ref: String,
    /// Its commit.
    pub main_commit: String,
    /// True when the tag's commit is the main branch's tip or one of its ancestors.
    pub merged: bool,
}

/// Checks whether the hotfix tag `tag` has been merged back into the policy's main branch.
pub fn hotfix_status(repo: &Repo, policy: &Policy, tag: &str) -> Result<HotfixStatus, GitError> {
    let commit = tag_commit(repo, tag)?
        .ok_or_else(|| GitError::input(format!("tag {tag} does not exist in this repository")))?;
    let main = &policy.main_branch;
    let candidates = [
        format!("refs/heads/{main}"),
        format!("refs/remotes/origin/{main}"),
    ];
    let (main_ref, main_commit) = candidates
        .iter()
        .find_map(|name| {
            let r = repo.git2().find_reference(name).ok()?;
            let c = r.peel_to_commit().ok()?;
            Some((name.clone(), c.id()))
        })
        .ok_or_else(|| {
            GitError::env(format!(
                "the main branch {main:?} (policy main_branch) exists neither locally nor as origin/{main}"
            ))
        })?;
    let merged = main_commit == commit
        || repo
            .git2()
            .graph_descendant_of(main_commit, commit)
            .map_err(|e| GitError::git("cannot compare commits", e))?;
    Ok(HotfixStatus {
        tag: tag.into(),
        commit: commit.to_string(),
        main_ref,
        main_commit: main_commit.to_string(),
        merged,
    })
}
