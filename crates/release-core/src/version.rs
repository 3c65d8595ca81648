//! Release versions: a tag name parsed under the policy (V1-V3), bumps (V4), the next
//! candidate (V7) and the hotfix version (V8).
//!
//! The `semver` crate checks SemVer 2.0.0; the policy grammar is a second check on top of it,
//! because `semver` happily accepts `RC.1`, `rc1`, `rc.1.2` and build metadata, none of which
//! may name a release here.
//!
//! ```
//! use release_core::policy::Policy;
//! use release_core::version::{ReleaseVersion, Stage};
//!
//! let policy = Policy::default();
//! let v = ReleaseVersion::parse_tag("v0.4.0-rc.2", &policy)?;
//! assert_eq!(v.stage(), &Stage::Candidate { channel: "rc".into(), number: 2 });
//! assert_eq!(v.tag(&policy), "v0.4.0-rc.2");
//! assert!(ReleaseVersion::parse_tag("v1.2.3+build.7", &policy).is_err()); // V3
//! # Ok::<(), release_core::version::VersionError>(())
//! ```

use std::cmp::Ordering;
use std::fmt;

use semver::{Prerelease, Version};
use serde::{Serialize, Serializer};

use crate::policy::Policy;

/// Why a string is not a release version under the policy. Messages name the input and the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// A character outside printable ASCII (look-alike digits, dashes, letters).
    #[error("{what} {input:?} is not a release {what}: it contains the non-ASCII character {ch:?} at position {position} (V1)")]
    NonAscii {
        /// `tag` or `version`.
        what: &'static str,
        /// The input as given.
        input: String,
        /// The offending character.
        ch: char,
        /// Its position in characters, from 1.
        position: usize,
    },
    /// The tag does not start with the policy's prefix.
    #[error(
        "tag {input:?} is not a release tag: it does not start with the tag prefix {prefix:?} (V1)"
    )]
    Prefix {
        /// The input as given.
        input: String,
        /// The policy's prefix.
        prefix: String,
    },
    /// `+meta` on a release.
    #[error("{what} {input:?} is not a release {what}: build metadata is not allowed (V3: a Docker tag cannot hold `+`, and `1.2.3+a` would overwrite `1.2.3`)")]
    BuildMetadata {
        /// `tag` or `version`.
        what: &'static str,
        /// The input as given.
        input: String,
    },
    /// Not SemVer 2.0.0 at all.
    #[error("{what} {input:?} is not a release {what}: {reason} (V1: strict SemVer 2.0.0, `MAJOR.MINOR.PATCH`, no leading zeros)")]
    Semver {
        /// `tag` or `version`.
        what: &'static str,
        /// The input as given.
        input: String,
        /// What the SemVer parser said.
        reason: String,
    },
    /// SemVer, but a pre-release the policy does not accept.
    #[error("{what} {input:?} is not a release {what}: {reason} (V2)")]
    Prerelease {
        /// `tag` or `version`.
        what: &'static str,
        /// The input as given.
        input: String,
        /// What is wrong with the pre-release part.
        reason: String,
    },
}

/// Where a release stands: stable, or a numbered candidate on a channel (`rc.3`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Stage {
    /// `X.Y.Z`.
    Stable,
    /// `X.Y.Z-<channel>.<number>`, number >= 1.
    Candidate {
        /// The pre-release channel, one of the policy's `prerelease_channels`.
        channel: String,
        /// The candidate number.
        number: u64,
    },
}

/// A version that is valid under the policy: strict SemVer, no build metadata, and either
/// stable or `<channel>.<N>`. It can only be built by parsing, so holding one is proof.
///
/// Ordering is SemVer precedence (`1.10.0 > 1.9.0`, `rc.10 > rc.9`, `1.0.0 > 1.0.0-rc.5`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReleaseVersion {
    version: Version,
    stage: Stage,
}

impl Ord for ReleaseVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        // Build metadata is refused at parse time, so `cmp_precedence` and `cmp` agree; use the
        // precedence explicitly so that stays true if that ever changes.
        self.version.cmp_precedence(&other.version)
    }
}

impl PartialOrd for ReleaseVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for ReleaseVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.version.fmt(f)
    }
}

impl Serialize for ReleaseVersion {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl ReleaseVersion {
    /// Parses a tag name (`v1.2.3`, `v1.2.3-rc.1`) under the policy's prefix and channels.
    pub fn parse_tag(tag: &str, policy: &Policy) -> Result<Self, VersionError> {
        check_ascii("tag", tag)?;
        let Some(bare) = tag.strip_prefix(policy.tag_prefix.as_str()) else {
            return Err(VersionError::Prefix {
                input: tag.into(),
                prefix: policy.tag_prefix.clone(),
            });
        };
        Self::parse_inner("tag", tag, bare, policy)
    }

    /// Parses a bare version (`1.2.3`, `1.2.3-rc.1`); a leading tag prefix is accepted too, so
    /// `v1.2.3` works where people type it.
    pub fn parse_version(text: &str, policy: &Policy) -> Result<Self, VersionError> {
        check_ascii("version", text)?;
        let bare = match text.strip_prefix(policy.tag_prefix.as_str()) {
            Some(rest)
                if !policy.tag_prefix.is_empty()
                    && rest.starts_with(|c: char| c.is_ascii_digit()) =>
            {
                rest
            }
            _ => text,
        };
        Self::parse_inner("version", text, bare, policy)
    }

    fn parse_inner(
        what: &'static str,
        input: &str,
        bare: &str,
        policy: &Policy,
    ) -> Result<Self, VersionError> {
        if bare.contains('+') {
            return Err(VersionError::BuildMetadata {
                what,
                input: input.into(),
            });
        }
        let version = Version::parse(bare).map_err(|e| VersionError::Semver {
            what,
            input: input.into(),
            reason: semver_reason(bare, &e),
        })?;
        let stage = classify(&version.pre, policy).map_err(|reason| VersionError::Prerelease {
            what,
            input: input.into(),
            reason,
        })?;
        Ok(Self { version, stage })
    }

    /// A stable version from its three numbers.
    pub fn stable(major: u64, minor: u64, patch: u64) -> Self {
        Self {
            version: Version::new(major, minor, patch),
            stage: Stage::Stable,
        }
    }

    /// The candidate `self-<channel>.<number>` of a stable version. `None` when `self` is not
    /// stable, the number is 0 or the channel is not a valid identifier.
    pub fn candidate(&self, channel: &str, number: u64) -> Option<Self> {
        if !self.is_stable() || number == 0 {
            return None;
        }
        let pre = Prerelease::new(&format!("{channel}.{number}")).ok()?;
        let mut version = self.version.clone();
        version.pre = pre;
        Some(Self {
            version,
            stage: Stage::Candidate {
                channel: channel.into(),
                number,
            },
        })
    }

    /// The SemVer value.
    pub fn semver(&self) -> &Version {
        &self.version
    }

    /// Stable or candidate.
    pub fn stage(&self) -> &Stage {
        &self.stage
    }

    /// True for `X.Y.Z` without a pre-release.
    pub fn is_stable(&self) -> bool {
        self.stage == Stage::Stable
    }

    /// MAJOR.
    pub fn major(&self) -> u64 {
        self.version.major
    }

    /// MINOR.
    pub fn minor(&self) -> u64 {
        self.version.minor
    }

    /// PATCH.
    pub fn patch(&self) -> u64 {
        self.version.patch
    }

    /// The `(MAJOR, MINOR)` line this version belongs to.
    pub fn line(&self) -> (u64, u64) {
        (self.version.major, self.version.minor)
    }

    /// The stable version a candidate is for (itself when stable).
    pub fn base(&self) -> Self {
        Self::stable(self.major(), self.minor(), self.patch())
    }

    /// The git tag name under the policy (`v1.2.3-rc.1`).
    pub fn tag(&self, policy: &Policy) -> String {
        format!("{}{}", policy.tag_prefix, self.version)
    }

    /// The next stable version after `self` for a change of this size, with the pre-1.0 rule
    /// (V4). Bumping a candidate bumps its base.
    ///
    /// ```
    /// use release_core::version::{Bump, ReleaseVersion};
    /// assert_eq!(ReleaseVersion::stable(0, 2, 5).bump(Bump::Breaking).to_string(), "0.3.0");
    /// assert_eq!(ReleaseVersion::stable(1, 2, 5).bump(Bump::Breaking).to_string(), "2.0.0");
    /// assert_eq!(ReleaseVersion::stable(1, 2, 5).bump(Bump::Feature).to_string(), "1.3.0");
    /// ```
    pub fn bump(&self, bump: Bump) -> Self {
        let (major, minor, patch) = (self.major(), self.minor(), self.patch());
        let pre_one = major == 0;
        match bump.resolve(pre_one) {
            Bump::Major => Self::stable(major.saturating_add(1), 0, 0),
            Bump::Minor => Self::stable(major, minor.saturating_add(1), 0),
            _ => {
                if self.is_stable() {
                    Self::stable(major, minor, patch.saturating_add(1))
                } else {
                    // The candidate's own version is the next patch: 1.2.3-rc.1 -> 1.2.3.
                    self.base()
                }
            }
        }
    }

    /// The hotfix version of a stable release (V8): the next PATCH, never build metadata.
    pub fn hotfix(&self) -> Self {
        Self::stable(self.major(), self.minor(), self.patch().saturating_add(1))
    }
}

/// A version change, either explicit (`major`) or by kind of change (`breaking`), which the
/// pre-1.0 rule turns into an explicit one (V4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    /// MAJOR, always (0.x -> 1.0.0 is how a project leaves 0.x).
    Major,
    /// MINOR, always.
    Minor,
    /// PATCH, always.
    Patch,
    /// A breaking change: MAJOR from 1.0.0, MINOR before (V4).
    Breaking,
    /// New functionality: MINOR, before 1.0.0 too (as RustShare's own 0.4.0 -> 0.5.0 -> 0.6.0
    /// did; a PATCH stays a release users can take without reading the changelog).
    Feature,
    /// A fix: PATCH.
    Fix,
}

impl Bump {
    /// The explicit bump (`Major`, `Minor` or `Patch`) for a version that is pre-1.0 or not.
    pub fn resolve(self, pre_one: bool) -> Bump {
        match (self, pre_one) {
            (Bump::Breaking, true) => Bump::Minor,
            (Bump::Breaking, false) => Bump::Major,
            (Bump::Feature, _) => Bump::Minor,
            (Bump::Fix, _) => Bump::Patch,
            (explicit, _) => explicit,
        }
    }

    /// Parses `major|minor|patch|breaking|feature|fix`.
    pub fn parse(text: &str) -> Option<Bump> {
        Some(match text {
            "major" => Bump::Major,
            "minor" => Bump::Minor,
            "patch" => Bump::Patch,
            "breaking" => Bump::Breaking,
            "feature" => Bump::Feature,
            "fix" => Bump::Fix,
            _ => return None,
        })
    }
}

fn check_ascii(what: &'static str, input: &str) -> Result<(), VersionError> {
    match input
        .chars()
        .enumerate()
        .find(|(_, c)| !c.is_ascii() || c.is_ascii_control())
    {
        Some((i, ch)) => Err(VersionError::NonAscii {
            what,
            input: input.into(),
            ch,
            position: i + 1,
        }),
        None => Ok(()),
    }
}

/// A plainer message than `semver`'s for the mistakes people make.
fn semver_reason(bare: &str, err: &semver::Error) -> String {
    let core = bare.split(['-', '+']).next().unwrap_or(bare);
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() != 3 {
        return format!("`{core}` must have exactly three numbers MAJOR.MINOR.PATCH");
    }
    for part in &parts {
        if part.len() > 1 && part.starts_with('0') && part.bytes().all(|b| b.is_ascii_digit()) {
            return format!("`{part}` has a leading zero");
        }
        if !part.is_empty()
            && part.bytes().all(|b| b.is_ascii_digit())
            && part.parse::<u64>().is_err()
        {
            return format!("`{part}` does not fit in 64 bits");
        }
    }
    err.to_string()
}

/// Checks the pre-release part against the policy: empty, or `<channel>.<N>` with N >= 1.
fn classify(pre: &Prerelease, policy: &Policy) -> Result<Stage, String> {
    if pre.is_empty() {
        return Ok(Stage::Stable);
    }
    let text = pre.as_str();
    let listed = policy.prerelease_channels.join(", ");
    let mut parts = text.split('.');
    let (Some(channel), Some(number), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(format!(
            "pre-release `{text}` must be `<channel>.<N>` such as `{}.1` (channels: {listed})",
            policy
                .prerelease_channels
                .first()
                .map(String::as_str)
                .unwrap_or("rc")
        ));
    };
    if !policy.prerelease_channels.iter().any(|c| c == channel) {
        let hint = if policy
            .prerelease_channels
            .iter()
            .any(|c| c.eq_ignore_ascii_case(channel))
        {
            " (channels are case-sensitive)"
        } else {
            ""
        };
        return Err(format!(
            "pre-release channel `{channel}` is not allowed by the policy{hint}; allowed: {listed}"
        ));
    }
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "candidate number `{number}` in `{text}` must be an integer >= 1"
        ));
    }
    let n: u64 = number
        .parse()
        .map_err(|_| format!("candidate number `{number}` does not fit in 64 bits"))?;
    if n == 0 {
        return Err(format!("candidate number in `{text}` must be >= 1"));
    }
    Ok(Stage::Candidate {
        channel: channel.into(),
        number: n,
    })
}
