//! Which line a command works on (V6, V8, P3): a hotfix branch belongs to one `X.Y` line, the
//! main branch to the newest one. Decided here from facts the repository crate gathers (the
//! current branch, the newest stable release in HEAD's history), so `status`, `rc`, `tag` and
//! `prepare` agree and a version of another line is refused before anything is written.
//!
//! ```
//! use release_core::history::History;
//! use release_core::line::{Branch, LineFacts};
//! use release_core::policy::Policy;
//! use release_core::version::ReleaseVersion;
//!
//! let policy = Policy::default();
//! let v = |s| ReleaseVersion::parse_version(s, &policy).unwrap();
//! let facts = LineFacts {
//!     branch: Branch::of(Some("hotfix/v0.1.2"), &policy),
//!     head_newest_stable: Some(v("0.1.1")),
//! };
//! let history = History::from_tags(["v0.1.1", "v0.2.0"], &policy);
//! assert!(facts.check(&v("0.1.2"), &history, &policy).is_ok());
//! let refusal = facts.check(&v("0.2.1-rc.1"), &history, &policy).unwrap_err();
//! assert_eq!(refusal.rule.id(), "V8");
//! ```

use serde::Serialize;

use crate::history::{History, Refusal};
use crate::policy::Policy;
use crate::rule::Rule;
use crate::version::ReleaseVersion;

/// The branch a command runs on, as the policy sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Branch {
    /// The policy's main branch.
    Main,
    /// A hotfix branch (`hotfix/vX.Y.Z`): it releases `version` and later patches of its line.
    Hotfix {
        /// The branch name.
        name: String,
        /// The version in its name.
        version: ReleaseVersion,
    },
    /// Any other branch.
    Other {
        /// The branch name.
        name: String,
    },
    /// A detached HEAD (a CI checkout of a tag, a bisect).
    Detached,
}

impl Branch {
    /// Classifies a branch name under the policy (`None`: detached HEAD).
    pub fn of(name: Option<&str>, policy: &Policy) -> Branch {
        let Some(name) = name else {
            return Branch::Detached;
        };
        if name == policy.main_branch {
            return Branch::Main;
        }
        if let Some(version) = hotfix_version(&policy.hotfix_branch, name, policy) {
            return Branch::Hotfix {
                name: name.to_string(),
                version,
            };
        }
        Branch::Other {
            name: name.to_string(),
        }
    }

    /// The `X.Y` line a hotfix branch belongs to.
    pub fn hotfix_line(&self) -> Option<(u64, u64)> {
        match self {
            Branch::Hotfix { version, .. } => Some(version.line()),
            _ => None,
        }
    }
}

/// The version a hotfix branch name stands for under the pattern (`hotfix/v{version}`).
pub fn hotfix_version(pattern: &str, branch: &str, policy: &Policy) -> Option<ReleaseVersion> {
    let (prefix, suffix) = pattern.split_once("{version}")?;
    let middle = branch.strip_prefix(prefix)?.strip_suffix(suffix)?;
    ReleaseVersion::parse_version(middle, policy)
        .ok()
        .filter(ReleaseVersion::is_stable)
}

/// What the repository says about where HEAD is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineFacts {
    /// The current branch.
    pub branch: Branch,
    /// The newest stable release whose tag is in HEAD's history (`None`: none is).
    pub head_newest_stable: Option<ReleaseVersion>,
}

impl LineFacts {
    /// Whether `version` may be tagged (or prepared) here.
    ///
    /// - On a hotfix branch only versions of its line (V8, P3).
    /// - Anywhere else, a version of a line older than a stable release HEAD already contains
    ///   is refused: that code holds the newer line, so the patch must be cut from the old
    ///   line's hotfix branch (V6, V8).
    pub fn check(
        &self,
        version: &ReleaseVersion,
        history: &History,
        policy: &Policy,
    ) -> Result<(), Refusal> {
        let refuse = |rule, reason: String| {
            Err(Refusal {
                version: version.to_string(),
                rule,
                reason,
            })
        };
        if let Branch::Hotfix {
            name,
            version: branch_version,
        } = &self.branch
        {
            let (x, y) = branch_version.line();
            if version.line() != (x, y) {
                return refuse(
                    Rule::V8,
                    format!(
                        "the branch `{name}` is a hotfix branch of the {x}.{y} line; {version} belongs to another line: release it from `{}`",
                        policy.main_branch
                    ),
                );
            }
            return Ok(());
        }
        if let Some(newest) = &self.head_newest_stable {
            if version.line() < newest.line() {
                let (x, y) = version.line();
                let how = match history.newest_stable_in_line(x, y) {
                    Some(last) => {
                        format!("release hotfix start --from {} --execute", last.tag(policy))
                    }
                    None => format!("there is no stable {x}.{y} release to cut a hotfix from"),
                };
                return refuse(
                    Rule::V8,
                    format!(
                        "HEAD already contains {newest}, a newer line than {x}.{y}: a patch of {x}.{y} is cut from a hotfix branch: {how}"
                    ),
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn v(s: &str) -> ReleaseVersion {
        ReleaseVersion::parse_version(s, &Policy::default()).unwrap()
    }

    /// (branch, newest stable in HEAD, version, Ok or Err(rule, substring))
    type Case = (
        Option<&'static str>,
        Option<&'static str>,
        &'static str,
        Result<(), (&'static str, &'static str)>,
    );
    const CASES: &[Case] = &[
        (Some("main"), Some("0.2.0"), "0.3.0", Ok(())),
        (Some("main"), Some("0.2.0"), "0.2.1", Ok(())),
        (Some("main"), Some("0.2.0"), "0.3.0-rc.1", Ok(())),
        (Some("main"), None, "0.1.0", Ok(())),
        (
            Some("main"),
            Some("0.3.0"),
            "0.1.2",
            Err(("V8", "release hotfix start --from v0.1.1")),
        ),
        (
            Some("main"),
            Some("1.0.0"),
            "0.9.1-rc.1",
            Err(("V8", "newer line")),
        ),
        (Some("hotfix/v0.1.2"), Some("0.1.1"), "0.1.2", Ok(())),
        (Some("hotfix/v0.1.2"), Some("0.1.1"), "0.1.2-rc.1", Ok(())),
        (Some("hotfix/v0.1.2"), Some("0.1.2"), "0.1.3", Ok(())),
        (
            Some("hotfix/v0.1.2"),
            Some("0.1.1"),
            "0.2.1-rc.1",
            Err(("V8", "hotfix branch of the 0.1 line")),
        ),
        (
            Some("hotfix/v0.1.2"),
            Some("0.1.1"),
            "0.2.1",
            Err(("V8", "release it from `main`")),
        ),
        (Some("feature/x"), Some("0.2.0"), "0.3.0-rc.1", Ok(())),
        (
            Some("feature/x"),
            Some("0.3.0"),
            "0.2.1",
            Err(("V8", "newer line")),
        ),
        (None, Some("0.2.0"), "0.2.1", Ok(())),
    ];

    #[test]
    fn lines_are_kept_apart() {
        let p = Policy::default();
        for (branch, newest, version, want) in CASES {
            let facts = LineFacts {
                branch: Branch::of(*branch, &p),
                head_newest_stable: newest.map(v),
            };
            let history = History::from_tags(["v0.1.0", "v0.1.1", "v0.2.0", "v0.3.0"], &p);
            let got = facts.check(&v(version), &history, &p);
            match (want, got) {
                (Ok(()), Ok(())) => {}
                (Err((rule, needle)), Err(r)) => {
                    assert_eq!(r.rule.id(), *rule, "{branch:?} {version}");
                    assert!(
                        r.reason.contains(needle),
                        "{branch:?} {version}: {}",
                        r.reason
                    );
                }
                (want, got) => {
                    panic!("{branch:?} {newest:?} {version}: want {want:?}, got {got:?}")
                }
            }
        }
    }

    #[test]
    fn branches_are_classified() {
        let p = Policy::default();
        assert_eq!(Branch::of(Some("main"), &p), Branch::Main);
        assert_eq!(Branch::of(None, &p), Branch::Detached);
        assert_eq!(
            Branch::of(Some("hotfix/v0.3.2"), &p).hotfix_line(),
            Some((0, 3))
        );
        assert!(matches!(
            Branch::of(Some("hotfix/0.3.2"), &p),
            Branch::Other { .. }
        ));
        assert!(matches!(
            Branch::of(Some("hotfix/v0.3.2-rc.1"), &p),
            Branch::Other { .. }
        ));
    }
}
