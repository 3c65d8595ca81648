//! Evaluating the automated checks of a procedure's steps (`release_core::checklist::Check`)
//! against the real world: the changelog and upgrading guide on disk, the git repository, the
//! registry and GitHub. `release checklist --check` and `release preflight` share it.
//!
//! The facts come from the crates that own them (`release_changelog::ready`,
//! `release_changelog::upgrading::check`, `release_git`'s repository, tag verification and
//! hotfix status, and the A1-A3/R2 functions of `release verify`/`release rollback`); this
//! module only turns their answers into [`CheckResult`]s. A check that cannot run (no
//! repository, no network, no credentials, `--offline`) is `unknown` with the reason, never a
//! pass.

use std::collections::BTreeMap;
use std::path::Path;

use release_changelog::{ready, upgrading, Changelog};
use release_core::checklist::{Check, CheckResult};
use release_core::history::History;
use release_core::policy::Policy;
use release_core::version::ReleaseVersion;
use release_git::repo::Repo;
use release_git::verify::{self, CheckId};
use release_registry::{ImageRepository, Registry, RegistryError};

use crate::commands::registry::{block_on, history_from_image_tags, ConnectArgs, GithubArgs};
use crate::commands::{rollback, verify as published};
use crate::context::Context;
use crate::gitctx;
use crate::released::ReleasedArgs;

/// How many dirty paths a failure names before it says "and N more".
const SHOWN_PATHS: usize = 5;

/// Whether a check needs the registry or GitHub.
pub fn is_remote(check: &Check) -> bool {
    matches!(
        check,
        Check::RegistryTags { .. }
            | Check::Attestations { .. }
            | Check::ReleaseAssets { .. }
            | Check::DeprecationBanner { .. }
            | Check::Announced { .. }
    )
}

/// Evaluates the local checks: files, the repository and its tags.
pub struct Local<'a> {
    ctx: &'a Context,
    policy: &'a Policy,
    repo: Result<&'a Repo, String>,
    history: Result<History, String>,
}

impl<'a> Local<'a> {
    /// Opens the repository around the policy's root and reads the release history (from
    /// `released` when given, else from the repository's tags). Failures are kept and turn
    /// the checks that need them into `unknown`.
    pub fn new(ctx: &'a Context, policy: &'a Policy, released: &ReleasedArgs) -> Self {
        let repo = gitctx::open_repo(ctx).map_err(|e| e.message);
        let history = if released.given() {
            released.history(policy).map_err(|e| e.message)
        } else {
            match &repo {
                Ok(r) => release_git::history::release_history(r, policy).map_err(|e| e.message),
                Err(e) => Err(e.clone()),
            }
        };
        Self {
            ctx,
            policy,
            repo,
            history,
        }
    }

    /// The repository, if it could be opened.
    pub fn repo(&self) -> Result<&Repo, &str> {
        self.repo.as_ref().copied().map_err(String::as_str)
    }

    /// The release history, if it could be read.
    pub fn history(&self) -> Result<&History, &str> {
        self.history.as_ref().map_err(String::as_str)
    }

    /// The result of a local check; `None` for a remote one (see [`Remote`]).
    pub fn evaluate(&self, check: &Check) -> Option<CheckResult> {
        let policy = self.policy;
        if let Some(fixed) = check.fixed_result() {
            return Some(fixed);
        }
        Some(match check {
            Check::UnreleasedNotEmpty => self.changelog(ready::unreleased_entries),
            Check::ChangesRecorded { version } => self.changelog(|doc| {
                ready::prepared(doc, version).or_else(|_| ready::unreleased_entries(doc))
            }),
            Check::ChangelogPrepared { version } => {
                self.changelog(|doc| ready::prepared(doc, version))
            }
            Check::ChangelogYanked { version } => self.changelog(|doc| ready::yanked(doc, version)),
            Check::UpgradingNotes { version } => self.upgrading(version),
            Check::TreeClean => self.with_repo(tree_clean),
            Check::OnBranch { branch } => self.with_repo(|repo| on_branch(repo, branch)),
            Check::TagAbsent { tag } => self.with_repo(|repo| tag_absent(repo, tag)),
            Check::TagVerified { tag } => {
                self.with_repo(|repo| match gitctx::trust(self.ctx, repo) {
                    Ok(trust) => tag_verified(repo, tag, policy, &trust),
                    Err(e) => CheckResult::unknown(e.message),
                })
            }
            Check::CandidateExists { version } => match self.history() {
                Err(e) => CheckResult::unknown(e),
                Ok(history) => candidate_exists(history, version, policy),
            },
            Check::MergedBack { tag, .. } => self.with_repo(|repo| merged_back(repo, policy, tag)),
            Check::CheckPassed { check } => self.with_repo(|repo| {
                let commands = check.commands(policy);
                match release_git::checks::standing(repo, *check, &commands) {
                    Ok((standing, head)) => standing.check_result(*check, &head),
                    Err(e) => CheckResult::unknown(e.message),
                }
            }),
            Check::RegistryTags { .. }
            | Check::Attestations { .. }
            | Check::ReleaseAssets { .. }
            | Check::DeprecationBanner { .. }
            | Check::Announced { .. } => return None,
            Check::NotApplicable { reason } => CheckResult::not_applicable(reason.clone()),
        })
    }

    fn with_repo(&self, f: impl FnOnce(&Repo) -> CheckResult) -> CheckResult {
        match &self.repo {
            Ok(repo) => f(repo),
            Err(e) => CheckResult::unknown(e),
        }
    }

    fn changelog(&self, f: impl FnOnce(&Changelog) -> Result<String, String>) -> CheckResult {
        let rel = &self.policy.changelog.path;
        match read(&self.ctx.resolve(rel)) {
            Err(e) => CheckResult::fail(format!("{rel}: {e}")),
            Ok(text) => match f(&Changelog::parse(text)) {
                Ok(found) => CheckResult::pass(format!("{rel}: {found}")),
                Err(missing) => CheckResult::fail(format!("{rel}: {missing}")),
            },
        }
    }

    fn upgrading(&self, version: &str) -> CheckResult {
        let rel = &self.policy.changelog.upgrading;
        match read(&self.ctx.resolve(rel)) {
            Err(e) => CheckResult::fail(format!("{rel}: {e} (C5)")),
            Ok(text) => {
                let report = upgrading::check(&text, version);
                if report.ok {
                    CheckResult::pass(format!(
                        "{rel} has notes for {} ({})",
                        report.version, report.shape
                    ))
                } else {
                    CheckResult::fail(format!(
                        "{rel} has no notes for {}: missing {} (C5)",
                        report.version,
                        report.missing.join(", ")
                    ))
                }
            }
        }
    }
}

/// Reads a UTF-8 text file; the error says why in a few words.
pub fn read(path: &Path) -> Result<String, String> {
    match std::fs::read(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err("the file does not exist".into()),
        Err(e) => Err(format!("cannot read it: {e}")),
        Ok(bytes) => String::from_utf8(bytes).map_err(|e| {
            format!(
                "not UTF-8 text (byte {} is invalid)",
                e.utf8_error().valid_up_to()
            )
        }),
    }
}

fn tree_clean(repo: &Repo) -> CheckResult {
    match repo.dirty_paths() {
        Err(e) => CheckResult::unknown(e.message),
        Ok(paths) if paths.is_empty() => CheckResult::pass("the working tree is clean"),
        Ok(paths) => {
            let mut shown = paths
                .iter()
                .take(SHOWN_PATHS)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            if paths.len() > SHOWN_PATHS {
                shown.push_str(&format!(" and {} more", paths.len() - SHOWN_PATHS));
            }
            CheckResult::fail(format!(
                "the working tree is dirty ({shown}): commit or stash first"
            ))
        }
    }
}

fn on_branch(repo: &Repo, branch: &str) -> CheckResult {
    match repo.current_branch() {
        Err(e) => CheckResult::unknown(e.message),
        Ok(Some(b)) if b == branch => CheckResult::pass(format!("on `{b}`")),
        Ok(Some(b)) => CheckResult::fail(format!("on `{b}`, not on `{branch}`")),
        Ok(None) => CheckResult::fail(format!("HEAD is detached, not on `{branch}`")),
    }
}

fn tag_absent(repo: &Repo, tag: &str) -> CheckResult {
    match release_git::history::tag_commit(repo, tag) {
        Ok(None) => CheckResult::pass(format!("{tag} does not exist yet")),
        Ok(Some(commit)) => CheckResult::fail(format!(
            "{tag} already exists (on commit {commit}): a version is released once (V5)"
        )),
        // The ref exists but does not lead to a commit: it exists all the same.
        Err(e)
            if repo
                .git2()
                .find_reference(&format!("refs/tags/{tag}"))
                .is_ok() =>
        {
            CheckResult::fail(format!("{tag} already exists: {}", e.message))
        }
        Err(e) => CheckResult::unknown(e.message),
    }
}

fn tag_verified(repo: &Repo, tag: &str, policy: &Policy, trust: &verify::Trust) -> CheckResult {
    match verify::verify_tag(repo, tag, policy, trust, None) {
        Err(e) => CheckResult::unknown(e.message),
        Ok(v) if v.ok => {
            let warnings: Vec<String> = v.warnings().map(|w| w.detail.clone()).collect();
            let signer = match (&v.format, &v.signer) {
                (Some(f), Some(s)) => format!("{f} signature by {s}"),
                _ => "no signature".into(),
            };
            let mut detail = format!("{tag} verified: {signer}");
            if !warnings.is_empty() {
                detail.push_str(&format!(" (warning: {})", warnings.join("; ")));
            }
            CheckResult::pass(detail)
        }
        Ok(v) => match v.failure() {
            Some(f) if f.id == CheckId::Ref => {
                CheckResult::fail(format!("{tag} does not exist yet"))
            }
            Some(f) => {
                CheckResult::fail(format!("{tag} refused ({}): {}", f.id.as_str(), f.detail))
            }
            None => CheckResult::fail(format!("{tag} refused")),
        },
    }
}

fn candidate_exists(history: &History, version: &str, policy: &Policy) -> CheckResult {
    let base = match ReleaseVersion::parse_version(version, policy) {
        Ok(v) => v.base(),
        Err(e) => return CheckResult::fail(e.to_string()),
    };
    match history.newest_candidate_of(&base) {
        Some(rc) => CheckResult::pass(format!("{} exists", rc.tag(policy))),
        None => CheckResult::fail(format!(
            "no release candidate of {base} was tagged: cut one first (P1)"
        )),
    }
}

fn merged_back(repo: &Repo, policy: &Policy, tag: &str) -> CheckResult {
    match release_git::history::tag_commit(repo, tag) {
        Ok(None) => return CheckResult::fail(format!("{tag} does not exist yet")),
        Err(e) => return CheckResult::unknown(e.message),
        Ok(Some(_)) => {}
    }
    match release_git::hotfix::hotfix_status(repo, policy, tag) {
        Err(e) => CheckResult::unknown(e.message),
        Ok(s) if s.merged => CheckResult::pass(format!("{tag} is merged into {}", s.main_ref)),
        Ok(s) => CheckResult::fail(format!(
            "{tag} ({}) is not merged into {} ({}) yet (P3)",
            short(&s.commit),
            s.main_ref,
            short(&s.main_commit)
        )),
    }
}

fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

/// How to reach the registry and GitHub for the remote checks.
pub struct Remote<'a> {
    /// Registry options.
    pub connect: &'a ConnectArgs,
    /// GitHub options.
    pub github: &'a GithubArgs,
    /// Versions rolled back (never an alias target, T6).
    pub yanked: &'a [ReleaseVersion],
    /// `--offline`: nothing remote runs; every remote check is `unknown`.
    pub offline: bool,
}

impl Remote<'_> {
    /// Evaluates the remote checks among `checks` (`(step id, check)`) for `version`.
    pub fn evaluate(
        &self,
        policy: &Policy,
        version: &ReleaseVersion,
        checks: &[(&str, &Check)],
    ) -> BTreeMap<String, CheckResult> {
        let mut out = BTreeMap::new();
        let remote: Vec<(&str, &Check)> = checks
            .iter()
            .copied()
            .filter(|(_, c)| is_remote(c))
            .collect();
        if remote.is_empty() {
            return out;
        }
        if self.offline {
            for (id, _) in remote {
                out.insert(
                    id.to_string(),
                    CheckResult::unknown("not checked: --offline"),
                );
            }
            return out;
        }
        // A client that cannot be built (bad credentials input, no GitHub repository) makes
        // its checks unknown, with the reason.
        let registry = self.connect.connect().map_err(|e| e.message);
        let github = self
            .github
            .client(policy, self.connect.retry())
            .map_err(|e| e.message);
        let evaluated = block_on(async {
            let mut out = BTreeMap::new();
            for (id, check) in remote {
                let result = match check {
                    Check::RegistryTags { image, .. } => match &registry {
                        Err(e) => CheckResult::unknown(e),
                        Ok(client) => {
                            registry_tags(client, image, version, self.yanked, policy).await
                        }
                    },
                    Check::Attestations { image, tag } => match &registry {
                        Err(e) => CheckResult::unknown(e),
                        Ok(client) => attestations(client, image, tag).await,
                    },
                    Check::ReleaseAssets { tag, .. } => match &github {
                        Err(e) => CheckResult::unknown(e),
                        Ok(None) => CheckResult::unknown("not checked: --no-github"),
                        Ok(Some(gh)) => summarize(
                            published::release_assets(Some(gh), tag, policy).await,
                            |_| {
                                if policy.github.assets.is_empty() {
                                    format!("the GitHub Release {tag} exists; no binaries configured (github.assets is empty), none checked")
                                } else {
                                    format!("the GitHub Release {tag} has every binary")
                                }
                            },
                        ),
                    },
                    Check::DeprecationBanner { tag } => match &github {
                        Err(e) => CheckResult::unknown(e),
                        Ok(None) => CheckResult::unknown("not checked: --no-github"),
                        Ok(Some(gh)) => match rollback::banner_present(gh, tag).await {
                            Err(e) => remote_error(e),
                            Ok(None) => CheckResult::fail(format!(
                                "no GitHub Release {tag} in {}",
                                gh.repository()
                            )),
                            Ok(Some(true)) => CheckResult::pass(format!(
                                "the GitHub Release {tag} starts with the deprecation banner"
                            )),
                            Ok(Some(false)) => CheckResult::fail(format!(
                                "the GitHub Release {tag} has no deprecation banner yet (R2)"
                            )),
                        },
                    },
                    Check::Announced {
                        tag,
                        notice,
                        channels,
                    } => match &github {
                        Err(e) => CheckResult::unknown(e),
                        Ok(None) => CheckResult::unknown("not checked: --no-github"),
                        Ok(Some(gh)) => match gh.release_by_tag(tag).await {
                            Err(e) => remote_error(e),
                            Ok(None) => CheckResult::fail(format!(
                                "no GitHub Release {tag} in {}: nothing recorded as posted",
                                gh.repository()
                            )),
                            Ok(Some(r)) => {
                                let body = r.body.unwrap_or_default();
                                let missing: Vec<&str> = channels
                                    .iter()
                                    .filter(|c| {
                                        !release_core::announce::is_recorded(&body, *notice, c)
                                    })
                                    .map(String::as_str)
                                    .collect();
                                if missing.is_empty() {
                                    CheckResult::pass(format!(
                                        "the GitHub Release {tag} records the {notice} on {}",
                                        channels.join(", ")
                                    ))
                                } else {
                                    CheckResult::fail(format!(
                                        "the {notice} is not recorded as posted on {} ({})",
                                        missing.join(", "),
                                        notice.rule()
                                    ))
                                }
                            }
                        },
                    },
                    _ => continue,
                };
                out.insert(id.to_string(), result);
            }
            out
        });
        match evaluated {
            Ok(results) => out.extend(results),
            Err(e) => {
                for (id, _) in checks.iter().filter(|(_, c)| is_remote(c)) {
                    out.insert(id.to_string(), CheckResult::unknown(e.message.clone()));
                }
            }
        }
        out
    }
}

/// A registry or GitHub error as a result: a definite "not there" fails, anything else (the
/// network, credentials, a server error) means the check could not run.
fn remote_error(e: RegistryError) -> CheckResult {
    if e.is_not_found() {
        CheckResult::fail(e.to_string())
    } else {
        CheckResult::unknown(e.to_string())
    }
}

/// One result from `release verify`'s checks: pass when all passed, else fail naming each
/// piece that did not.
fn summarize(
    checks: Result<Vec<published::Check>, RegistryError>,
    pass: impl FnOnce(&[published::Check]) -> String,
) -> CheckResult {
    match checks {
        Err(e) => remote_error(e),
        Ok(checks) => {
            let failed: Vec<String> = checks
                .iter()
                .filter(|c| !c.passed())
                .map(|c| format!("{} {}: {}", c.item, c.status, c.detail))
                .collect();
            match release_core::published::verdict(&checks) {
                release_core::published::Verdict::Published => CheckResult::pass(pass(&checks)),
                release_core::published::Verdict::Missing(_) => {
                    CheckResult::fail(failed.join("; "))
                }
                // Not checked is unknown, never a pass (and not a failure either).
                release_core::published::Verdict::Unknown(_) => {
                    CheckResult::unknown(failed.join("; "))
                }
            }
        }
    }
}

async fn registry_tags(
    client: &Registry,
    image: &str,
    version: &ReleaseVersion,
    yanked: &[ReleaseVersion],
    policy: &Policy,
) -> CheckResult {
    let repo = match ImageRepository::parse(image) {
        Ok(r) => r,
        Err(e) => return CheckResult::unknown(format!("image {image:?}: {e}")),
    };
    let tags = match client.list_tags(&repo).await {
        Ok(t) => t,
        Err(e) => return remote_error(e),
    };
    let history = history_from_image_tags(&tags, policy);
    let checked = published::published_tags(client, &repo, version, &history, yanked, policy).await;
    summarize(checked.map(|(c, _)| c), |checks| {
        let on: Vec<&str> = checks
            .iter()
            .filter(|c| c.status == release_core::published::FindingStatus::Ok)
            .filter_map(|c| c.item.strip_prefix("tag "))
            .collect();
        let digest = checks
            .iter()
            .find(|c| c.status == release_core::published::FindingStatus::Ok)
            .map(|c| c.detail.as_str())
            .unwrap_or("?");
        let mut detail = format!("{} on {digest}", on.join(", "));
        for c in checks
            .iter()
            .filter(|c| c.status == release_core::published::FindingStatus::Elsewhere)
        {
            detail.push_str(&format!("; {}: {}", c.item, c.detail));
        }
        detail
    })
}

async fn attestations(client: &Registry, image: &str, tag: &str) -> CheckResult {
    let repo = match ImageRepository::parse(image) {
        Ok(r) => r,
        Err(e) => return CheckResult::unknown(format!("image {image:?}: {e}")),
    };
    let digest = match client.resolve_many(&repo, &[tag.to_string()]).await.pop() {
        Some(Ok(r)) => Some(r.digest.to_string()),
        Some(Err(e)) if e.is_not_found() => None,
        Some(Err(e)) => return remote_error(e),
        None => None,
    };
    let found = published::attestations(client, &repo, digest.as_deref()).await;
    summarize(found.map(|(c, _)| c), |checks| {
        checks
            .iter()
            .map(|c| format!("{}: {}", c.item, c.detail))
            .collect::<Vec<_>>()
            .join("; ")
    })
}
