//! Which candidate a stable version ships (P1 → P2): the tested image, never a rebuild.
//!
//! The stable tag may sit on the candidate's commit, or on a later commit whose only changes
//! are documentation — the `docs: prepare release` commit that moves Unreleased into the
//! version's section and writes the upgrading notes. Anything else (a fix after the last
//! candidate) means the image was not tested: cut another candidate first.
//!
//! ```
//! use release_core::policy::Policy;
//! use release_core::promote::{doc_only, DocPaths};
//!
//! let policy = Policy::default();
//! let docs = DocPaths::of(&policy);
//! assert!(doc_only(&["CHANGELOG.md", "docs/upgrading.md"], &docs).is_ok());
//! let why = doc_only(&["CHANGELOG.md", "src/main.rs"], &docs).unwrap_err();
//! assert_eq!(why, ["src/main.rs"]);
//! ```

use crate::history::{History, Refusal};
use crate::policy::Policy;
use crate::rule::Rule;
use crate::version::ReleaseVersion;

/// The paths whose changes do not change what a candidate's image holds: the changelog, the
/// upgrading guide and the `docs/` folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocPaths {
    files: Vec<String>,
    folders: Vec<String>,
}

impl DocPaths {
    /// The policy's documentation paths.
    pub fn of(policy: &Policy) -> DocPaths {
        let clean = |p: &str| p.trim_start_matches("./").to_string();
        DocPaths {
            files: vec![
                clean(&policy.changelog.path),
                clean(&policy.changelog.upgrading),
            ],
            folders: vec!["docs/".into()],
        }
    }

    /// Whether a changed path is documentation.
    pub fn covers(&self, path: &str) -> bool {
        self.files.iter().any(|f| f == path) || self.folders.iter().any(|d| path.starts_with(d))
    }
}

/// `Ok` when every changed path is documentation; else the paths that are not.
pub fn doc_only<S: AsRef<str>>(changed: &[S], docs: &DocPaths) -> Result<(), Vec<String>> {
    let code: Vec<String> = changed
        .iter()
        .map(AsRef::as_ref)
        .filter(|p| !docs.covers(p))
        .map(str::to_string)
        .collect();
    if code.is_empty() {
        Ok(())
    } else {
        Err(code)
    }
}

/// The candidate a stable version ships: the newest candidate of its version, which must exist
/// (P1 before P2). `changed` is what changed between that candidate's commit and the stable
/// tag's commit (`None` when the commits are the same).
pub fn promotion_source<'h>(
    stable: &ReleaseVersion,
    history: &'h History,
    changed: Option<&[String]>,
    policy: &Policy,
) -> Result<&'h ReleaseVersion, Refusal> {
    let refuse = |rule, reason: String| Refusal {
        version: stable.to_string(),
        rule,
        reason,
    };
    let candidate = history
        .newest_candidate_of(stable)
        .ok_or_else(|| refuse(Rule::P1, format!("{stable} has no release candidate to promote; cut one first: release rc tag {stable} --execute")))?;
    if let Some(changed) = changed {
        if let Err(code) = doc_only(changed, &DocPaths::of(policy)) {
            let shown: Vec<&str> = code.iter().take(5).map(String::as_str).collect();
            return Err(refuse(
                Rule::P1,
                format!(
                    "{} was tested, but the stable commit also changes {}{}: that code was never in a candidate; cut the next candidate (release rc tag {stable} --execute) and validate it",
                    candidate.tag(policy),
                    shown.join(", "),
                    if code.len() > shown.len() { ", …" } else { "" }
                ),
            ));
        }
    }
    Ok(candidate)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn v(s: &str) -> ReleaseVersion {
        ReleaseVersion::parse_version(s, &Policy::default()).unwrap()
    }

    #[test]
    fn the_newest_candidate_ships_when_only_docs_changed() {
        let p = Policy::default();
        let h = History::from_tags(["v0.1.0-rc.1", "v0.1.0-rc.2"], &p);
        let same = promotion_source(&v("0.1.0"), &h, None, &p).unwrap();
        assert_eq!(same.to_string(), "0.1.0-rc.2");
        let docs = ["CHANGELOG.md".to_string(), "docs/upgrading.md".to_string()];
        assert!(promotion_source(&v("0.1.0"), &h, Some(&docs), &p).is_ok());
        let code = ["CHANGELOG.md".to_string(), "src/lib.rs".to_string()];
        let r = promotion_source(&v("0.1.0"), &h, Some(&code), &p).unwrap_err();
        assert_eq!(r.rule, Rule::P1);
        assert!(
            r.reason.contains("src/lib.rs") && r.reason.contains("v0.1.0-rc.2"),
            "{}",
            r.reason
        );
    }

    #[test]
    fn no_candidate_no_promotion() {
        let p = Policy::default();
        let h = History::from_tags(["v0.1.0-rc.1"], &p);
        let r = promotion_source(&v("0.2.0"), &h, None, &p).unwrap_err();
        assert!(r.reason.contains("release rc tag 0.2.0"), "{}", r.reason);
    }

    #[test]
    fn doc_paths_are_the_policys() {
        let mut p = Policy::default();
        p.changelog.path = "./HISTORY.md".into();
        let docs = DocPaths::of(&p);
        assert!(docs.covers("HISTORY.md"));
        assert!(!docs.covers("CHANGELOG.md"));
        assert!(docs.covers("docs/a/b.md"));
        assert!(!docs.covers("docsx/a.md"));
    }
}
