//! The policy's rules as values (`../shared/POLICY.md`): every refusal, step and finding carries
//! the [`Rule`] that decided it, so a caller matches on a value instead of parsing a sentence.

use std::fmt;

use serde::Serialize;

macro_rules! rules {
    ($($(#[$doc:meta])* $id:ident),* $(,)?) => {
        /// A rule of the policy, by its id (`V5`, `T6`, `G6`, …).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Rule {
            $($(#[$doc])* $id,)*
        }

        impl Rule {
            /// Every rule, in the policy's order.
            pub const ALL: &'static [Rule] = &[$(Rule::$id,)*];

            /// The id as the policy writes it (`V5`).
            pub fn id(self) -> &'static str {
                match self {
                    $(Rule::$id => stringify!($id),)*
                }
            }

            /// The rule with this id; `None` for an unknown id.
            pub fn parse(id: &str) -> Option<Rule> {
                match id {
                    $(stringify!($id) => Some(Rule::$id),)*
                    _ => None,
                }
            }
        }
    };
}

rules! {
    /// Strict SemVer, the tag prefix, no leading zeros.
    V1,
    /// Stable `vX.Y.Z` and candidate `vX.Y.Z-<channel>.N` tags; listed channels only.
    V2,
    /// No build metadata on release tags.
    V3,
    /// Bumps: pre-1.0 breaking bumps MINOR; from 1.0 breaking MAJOR, feature MINOR, fix PATCH.
    V4,
    /// A version is never released twice.
    V5,
    /// A new stable version is greater than every release of its line; new lines go up.
    V6,
    /// Candidate numbering, and no candidate of a version already stable.
    V7,
    /// A hotfix is the next PATCH of its line, on `hotfix/vX.Y.Z` from the line's last stable tag.
    V8,
    /// Main pushes: `edge`, `nightly-DATE`, `sha-…`.
    T1,
    /// The nightly date is the run's UTC date.
    T2,
    /// `sha-…` from a full commit id.
    T3,
    /// Candidate tags: the version and `sha-…`, never an alias.
    T4,
    /// Stable tags: the version, `X.Y`, `X`, `latest`, `sha-…`.
    T5,
    /// Rolling aliases only move forward (and skip yanked releases).
    T6,
    /// `latest` moves only with a stable tag or a rollback.
    T7,
    /// Other events publish nothing.
    T8,
    /// A malformed release tag is an error; tags fit Docker's grammar.
    T9,
    /// OCI labels.
    T10,
    /// Only annotated tags trigger releases.
    G1,
    /// Stable tags are signed by a trusted key.
    G2,
    /// Candidate tags should be signed.
    G3,
    /// The tag name in the object equals the ref; the target is a commit.
    G4,
    /// CI never creates or pushes tags.
    G5,
    /// The trust root comes from the protected main branch; stable tags are on main or a
    /// hotfix branch of their line.
    G6,
    /// Keep a Changelog; Unreleased has entries before a stable release.
    C1,
    /// Preparing moves Unreleased into the version's section.
    C2,
    /// Compare links.
    C3,
    /// Untouched bytes stay as they were.
    C4,
    /// The upgrading guide has the version's notes.
    C5,
    /// One version's notes can be extracted.
    C6,
    /// The release-candidate procedure.
    P1,
    /// The stable procedure.
    P2,
    /// The hotfix procedure.
    P3,
    /// The rollback procedure.
    P4,
    /// The version and its aliases are on one digest.
    A1,
    /// SBOM and provenance exist for that digest.
    A2,
    /// The GitHub Release carries its binaries.
    A3,
    /// Nothing is ever deleted.
    R1,
    /// The deprecation banner on the GitHub Release.
    R2,
    /// Aliases move to the newest good release.
    R3,
    /// The changelog marks the version `[YANKED]`.
    R4,
    /// A yanked version stays yanked, from one record on the main branch.
    R5,
    /// Users are told on the channels the release was announced on.
    R6,
    /// Announcements.
    N1,
    /// The built-in policy holds no project's names.
    S1,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl PartialEq<&str> for Rule {
    fn eq(&self, other: &&str) -> bool {
        self.id() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for rule in Rule::ALL {
            assert_eq!(Rule::parse(rule.id()), Some(*rule));
            assert_eq!(rule.to_string(), rule.id());
        }
        assert_eq!(Rule::parse("V9"), None);
        assert_eq!(Rule::ALL.len(), 45);
    }

    #[test]
    fn serializes_as_the_id() {
        assert_eq!(
            serde_json::to_string(&Rule::T10).ok().as_deref(),
            Some("\"T10\"")
        );
    }
}
