//! The set of released versions, built from tag names, and the rules for a new one (V5-V8).
//!
//! ```
//! use release_core::history::History;
//! use release_core::policy::Policy;
//! use release_core::version::ReleaseVersion;
//!
//! let policy = Policy::default();
//! let history = History::from_tags(["v0.3.0", "v0.3.1", "v0.4.0-rc.1", "docs-2024"], &policy);
//! assert_eq!(history.newest_stable().map(|v| v.to_string()), Some("0.3.1".into()));
//! assert_eq!(history.ignored().len(), 1); // "docs-2024" is not a release tag
//! let again = ReleaseVersion::parse_version("0.3.1", &policy)?;
//! assert!(history.check_new(&again).is_err()); // V5: never released twice
//! # Ok::<(), release_core::version::VersionError>(())
//! ```

use std::collections::BTreeSet;

use serde::Serialize;

use crate::policy::Policy;
use crate::rule::Rule;
use crate::version::{ReleaseVersion, Stage};

/// The released versions of a project (stable and candidates), sorted by precedence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    releases: BTreeSet<ReleaseVersion>,
    ignored: Vec<String>,
    yanked: BTreeSet<ReleaseVersion>,
}

/// Why a new version is not allowed: the rule and a sentence naming the versions involved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{version} is not allowed: {reason} ({rule})")]
pub struct Refusal {
    /// The version that was refused.
    pub version: String,
    /// The rule that refuses it (`V5`, `V6`, `V7`).
    pub rule: Rule,
    /// Why, naming the existing versions that block it.
    pub reason: String,
}

impl History {
    /// Builds the history from tag names. Names that are not release tags under the policy
    /// (other prefixes, malformed versions, unknown channels) and names matching the policy's
    /// `ignore_tags` are ignored and kept in [`History::ignored`], not treated as errors: a
    /// repository has all sorts of tags.
    pub fn from_tags<I, S>(tags: I, policy: &Policy) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut history = History::default();
        for tag in tags {
            let tag = tag.as_ref().trim();
            if tag.is_empty() {
                continue;
            }
            if policy.ignores_tag(tag) {
                history.ignored.push(tag.to_string());
                continue;
            }
            match ReleaseVersion::parse_tag(tag, policy) {
                Ok(v) => {
                    history.releases.insert(v);
                }
                Err(_) => history.ignored.push(tag.to_string()),
            }
        }
        history
    }

    /// Builds the history from versions already parsed.
    pub fn from_versions<I: IntoIterator<Item = ReleaseVersion>>(versions: I) -> Self {
        History {
            releases: versions.into_iter().collect(),
            ignored: Vec::new(),
            yanked: BTreeSet::new(),
        }
    }

    /// Marks versions as yanked (R4, R5): they stay released (V5, V6 still count them) but no
    /// rolling alias ever points at them again (T6).
    pub fn with_yanked<I: IntoIterator<Item = ReleaseVersion>>(mut self, yanked: I) -> Self {
        self.yanked.extend(yanked);
        self
    }

    /// The yanked versions, oldest first.
    pub fn yanked(&self) -> impl DoubleEndedIterator<Item = &ReleaseVersion> + '_ {
        self.yanked.iter()
    }

    /// Whether a version is yanked.
    pub fn is_yanked(&self, version: &ReleaseVersion) -> bool {
        self.yanked.contains(version)
    }

    /// Stable releases that are not yanked, oldest first: where aliases may point.
    pub fn good_stables(&self) -> impl DoubleEndedIterator<Item = &ReleaseVersion> + '_ {
        self.stables().filter(|v| !self.yanked.contains(*v))
    }

    /// Adds one release (used to ask "what if this were released").
    pub fn insert(&mut self, version: ReleaseVersion) {
        self.releases.insert(version);
    }

    /// Every release, oldest first.
    pub fn releases(&self) -> impl DoubleEndedIterator<Item = &ReleaseVersion> + '_ {
        self.releases.iter()
    }

    /// Stable releases, oldest first.
    pub fn stables(&self) -> impl DoubleEndedIterator<Item = &ReleaseVersion> + '_ {
        self.releases.iter().filter(|v| v.is_stable())
    }

    /// Tag names that were not release tags.
    pub fn ignored(&self) -> &[String] {
        &self.ignored
    }

    /// Number of releases.
    pub fn len(&self) -> usize {
        self.releases.len()
    }

    /// True when nothing has been released.
    pub fn is_empty(&self) -> bool {
        self.releases.is_empty()
    }

    /// Whether this exact version (stable or candidate) has been released.
    pub fn contains(&self, version: &ReleaseVersion) -> bool {
        self.releases.contains(version)
    }

    /// The newest release of any kind.
    pub fn newest(&self) -> Option<&ReleaseVersion> {
        self.releases.iter().next_back()
    }

    /// The newest stable release overall (where `latest` belongs).
    pub fn newest_stable(&self) -> Option<&ReleaseVersion> {
        self.stables().next_back()
    }

    /// The newest stable release of the line `major.minor` (where `X.Y` belongs).
    pub fn newest_stable_in_line(&self, major: u64, minor: u64) -> Option<&ReleaseVersion> {
        self.stables().rev().find(|v| v.line() == (major, minor))
    }

    /// The newest stable release of a major (where `X` belongs).
    pub fn newest_stable_in_major(&self, major: u64) -> Option<&ReleaseVersion> {
        self.stables().rev().find(|v| v.major() == major)
    }

    /// The newest stable release below `version` that is not in `bad` (a rollback target).
    pub fn previous_good(
        &self,
        version: &ReleaseVersion,
        bad: &[ReleaseVersion],
    ) -> Option<&ReleaseVersion> {
        self.stables()
            .rev()
            .find(|v| *v < version && !bad.contains(v))
    }

    /// The candidate numbers already released for a stable version, ascending.
    pub fn candidates_of(&self, base: &ReleaseVersion, channel: &str) -> Vec<u64> {
        self.releases
            .iter()
            .filter(|v| v.base() == base.base())
            .filter_map(|v| match v.stage() {
                Stage::Candidate { channel: c, number } if c == channel => Some(*number),
                _ => None,
            })
            .collect()
    }

    /// The newest candidate of any channel for a stable version.
    pub fn newest_candidate_of(&self, base: &ReleaseVersion) -> Option<&ReleaseVersion> {
        self.releases
            .iter()
            .rev()
            .find(|v| !v.is_stable() && v.base() == base.base())
    }

    /// The next candidate of a stable version (V7) on the channel its candidates are on (the
    /// newest candidate's), or on the policy's first channel when it has none: after
    /// `1.0.0-rc.1` comes `1.0.0-rc.2`, never `1.0.0-alpha.1`.
    pub fn next_candidate_for(
        &self,
        base: &ReleaseVersion,
        policy: &Policy,
    ) -> Result<ReleaseVersion, Refusal> {
        let current = self
            .newest_candidate_of(base)
            .and_then(|v| match v.stage() {
                Stage::Candidate { channel, .. } => Some(channel.clone()),
                Stage::Stable => None,
            });
        let channel = current
            .or_else(|| policy.prerelease_channels.first().cloned())
            .unwrap_or_else(|| "rc".into());
        self.next_candidate(base, &channel)
    }

    /// The next candidate of a stable version on a channel (V7): `rc.(max + 1)`. Refused when
    /// the version is already stable, or V6 forbids the version itself.
    pub fn next_candidate(
        &self,
        base: &ReleaseVersion,
        channel: &str,
    ) -> Result<ReleaseVersion, Refusal> {
        let base = base.base();
        let next = self
            .candidates_of(&base, channel)
            .last()
            .map_or(1, |n| n.saturating_add(1));
        let candidate = base.candidate(channel, next).ok_or_else(|| Refusal {
            version: base.to_string(),
            rule: Rule::V2,
            reason: format!("`{channel}` is not a valid pre-release channel"),
        })?;
        self.check_new(&candidate)?;
        Ok(candidate)
    }

    /// The version a hotfix of a line gets (V8): the next PATCH after the line's newest stable
    /// release. `None` when the line has no stable release.
    pub fn hotfix_of_line(&self, major: u64, minor: u64) -> Option<ReleaseVersion> {
        self.newest_stable_in_line(major, minor)
            .map(ReleaseVersion::hotfix)
    }

    /// Whether `version` may be released now, given everything already released.
    ///
    /// - V5: a version (stable or candidate) is never released twice.
    /// - V6: a stable version must be greater than every release of its `X.Y` line, and a new
    ///   line must be greater than every existing line. Candidates are held to the same rule
    ///   for the version they are a candidate of.
    /// - V7: no candidate for a version that is already stable; candidates count up by one.
    pub fn check_new(&self, version: &ReleaseVersion) -> Result<(), Refusal> {
        let refuse = |rule, reason: String| {
            Err(Refusal {
                version: version.to_string(),
                rule,
                reason,
            })
        };
        if self.contains(version) {
            return refuse(
                Rule::V5,
                format!(
                    "{version} has already been released; a defect is fixed by the next version"
                ),
            );
        }
        let base = version.base();
        if let Stage::Candidate { channel, number } = version.stage() {
            if self.contains(&base) {
                return refuse(
                    Rule::V7,
                    format!("{base} is already stable; a candidate must come before its release"),
                );
            }
            let expected = self
                .candidates_of(&base, channel)
                .last()
                .map_or(1, |n| n.saturating_add(1));
            if *number != expected {
                return refuse(Rule::V7, format!("the next candidate of {base} is {channel}.{expected}, not {channel}.{number}"));
            }
            // Channels come in the listed order, which the policy holds to SemVer precedence:
            // a candidate below the newest one would go backwards (`beta.1` after `rc.1`).
            if let Some(newest) = self.newest_candidate_of(&base) {
                if newest > version {
                    return refuse(Rule::V7, format!("{newest} is already out; a candidate never goes back to an earlier channel"));
                }
            }
        }
        let (major, minor) = base.line();
        // Candidates of the version itself sort below it, so they never block it.
        let in_line = self
            .releases
            .iter()
            .rev()
            .find(|v| v.line() == (major, minor) && v.base() != base);
        match in_line {
            Some(newer) if *newer > base => {
                return refuse(
                    Rule::V6,
                    format!("{newer} already exists in the {major}.{minor} line; a new release must be greater than every release of its line"),
                );
            }
            Some(_) => {}
            None => {
                // A new line: it must be greater than every existing line.
                let newest_line = self
                    .releases
                    .iter()
                    .filter(|v| v.base() != base)
                    .map(ReleaseVersion::line)
                    .max();
                if let Some((nm, nn)) = newest_line {
                    if (nm, nn) > (major, minor) {
                        return refuse(
                            Rule::V6,
                            format!("{major}.{minor} would be a new line below the existing {nm}.{nn} line; hotfixes go to existing lines"),
                        );
                    }
                }
            }
        }
        Ok(())
    }
}
