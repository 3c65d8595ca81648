//! The release policy as data: every knob of `POLICY.md`, with the built-in defaults.
//!
//! A project overrides the defaults in `release-policy.toml`. Every key is optional; unknown
//! keys are refused (a typo must not silently fall back to a default), and errors carry the
//! line and column of the offending key.
//!
//! ```
//! use release_core::policy::Policy;
//!
//! let policy = Policy::from_toml("tag_prefix = \"release-\"\n[docker]\nmajor_alias_for_zero = false\n")?;
//! assert_eq!(policy.tag_prefix, "release-");
//! assert!(!policy.docker.major_alias_for_zero);
//! assert_eq!(policy.prerelease_channels, vec!["rc".to_string()]); // default kept
//! # Ok::<(), release_core::policy::PolicyError>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::announce::AnnouncePolicy;

/// Why a policy file was refused.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// The TOML did not parse or did not match the schema (the message carries line and column).
    #[error("invalid release policy: {0}")]
    Toml(String),
    /// The TOML parsed but a value breaks a rule.
    #[error("invalid release policy: `{key}`: {reason}")]
    Invalid {
        /// The offending key, dotted (`docker.sha_length`).
        key: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}

/// The public GitHub REST API, the default `github.api_base` when nothing names another.
pub const GITHUB_API: &str = "https://api.github.com";

/// The whole release policy. `Policy::default()` is the built-in policy: it names no project;
/// the repository's identity (images, labels, links, test commands) is filled in by
/// [`Policy::resolve`] from facts about the repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Prefix of release tags (V1): `v` makes `v1.2.3`. May be empty.
    pub tag_prefix: String,
    /// Pre-release channels accepted in release tags (V2), e.g. `rc` for `vX.Y.Z-rc.N`, in the
    /// order a version moves through them (`["alpha", "beta", "rc"]`); the order must agree
    /// with SemVer precedence. A version's candidates never go back to an earlier channel; the
    /// first channel is where `release rc` starts.
    pub prerelease_channels: Vec<String>,
    /// Glob patterns of tag names the history ignores (`v0.0.*-test`, `legacy/*`): stray tags
    /// that would otherwise count as releases.
    pub ignore_tags: Vec<String>,
    /// The branch whose pushes publish `edge` and nightly images (T1).
    pub main_branch: String,
    /// Name pattern of hotfix branches (V8); `{version}` is the hotfix version (`0.3.2`).
    pub hotfix_branch: String,
    /// Docker tag matrix settings (T1-T10).
    pub docker: DockerPolicy,
    /// Changelog and upgrading guide (C1-C6).
    pub changelog: ChangelogPolicy,
    /// Tag signing and verification (G1-G5).
    pub signing: SigningPolicy,
    /// The test suite run before a stable release (P2).
    pub checks: ChecksPolicy,
    /// GitHub Release assets and API (A3).
    pub github: GithubPolicy,
    /// Announcement channels (N1, R6): `[announce]` and `[[announce.channels]]`.
    #[serde(skip_serializing_if = "AnnouncePolicy::is_empty")]
    pub announce: AnnouncePolicy,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            tag_prefix: "v".into(),
            prerelease_channels: vec!["rc".into()],
            ignore_tags: Vec::new(),
            main_branch: "main".into(),
            hotfix_branch: "hotfix/v{version}".into(),
            docker: DockerPolicy::default(),
            changelog: ChangelogPolicy::default(),
            signing: SigningPolicy::default(),
            checks: ChecksPolicy::default(),
            github: GithubPolicy::default(),
            announce: AnnouncePolicy::default(),
        }
    }
}

/// Docker tag matrix settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DockerPolicy {
    /// Images the tags are published to (A1). The first is the default for `verify`/`rollback`.
    /// Left out: derived from the repository (`ghcr.io/<owner>/<name>`); an empty list: the
    /// project publishes no image (no Docker plan, registry checks do not apply).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub images: Option<Vec<String>>,
    /// Length of the `sha-<sha>` tag (T3): a number of hex characters (4-64) or `"full"`.
    pub sha_length: ShaLength,
    /// Publish the major alias `X` for 0.x releases too (T5). `0` carries breaking changes.
    pub major_alias_for_zero: bool,
    /// Rolling tag for main pushes (T1).
    pub edge_tag: String,
    /// Prefix of the dated main tag (T1, T2): `nightly-` makes `nightly-2026-07-20`.
    pub nightly_prefix: String,
    /// Prefix of the commit tag (T3).
    pub sha_prefix: String,
    /// OCI labels: `org.opencontainers.image.title` (T10). Empty: derived from the image name.
    pub title: String,
    /// OCI labels: `org.opencontainers.image.source`, the repository's web URL (T10). Empty:
    /// derived from the repository.
    pub source: String,
    /// OCI labels: `org.opencontainers.image.licenses`, an SPDX expression (T10).
    pub licenses: String,
}

impl Default for DockerPolicy {
    fn default() -> Self {
        Self {
            images: None,
            sha_length: ShaLength::Chars(7),
            major_alias_for_zero: true,
            edge_tag: "edge".into(),
            nightly_prefix: "nightly-".into(),
            sha_prefix: "sha-".into(),
            title: String::new(),
            source: String::new(),
            licenses: String::new(),
        }
    }
}

impl DockerPolicy {
    /// The images (none when left out and not derived yet).
    pub fn images(&self) -> &[String] {
        self.images.as_deref().unwrap_or(&[])
    }
}

/// How much of the commit id goes into `sha-<sha>` (T3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShaLength {
    /// The first N hex characters.
    Chars(u8),
    /// The whole id (40 or 64 characters).
    Full,
}

impl Serialize for ShaLength {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ShaLength::Chars(n) => s.serialize_u8(*n),
            ShaLength::Full => s.serialize_str("full"),
        }
    }
}

impl<'de> Deserialize<'de> for ShaLength {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ShaLength;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number of characters from 4 to 64, or \"full\"")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ShaLength, E> {
                match u8::try_from(v) {
                    Ok(n) if (4..=64).contains(&n) => Ok(ShaLength::Chars(n)),
                    _ => Err(E::custom(format!(
                        "sha_length {v} is out of range: use 4 to 64, or \"full\" (T3)"
                    ))),
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ShaLength, E> {
                if v == "full" {
                    Ok(ShaLength::Full)
                } else {
                    Err(E::custom(format!(
                        "sha_length \"{v}\" is not \"full\" or a number (T3)"
                    )))
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// Where the changelog and the upgrading guide live, and how links are written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChangelogPolicy {
    /// The Keep a Changelog file (C1), relative to the repository root.
    pub path: String,
    /// The upgrading guide (C5), relative to the repository root.
    pub upgrading: String,
    /// Web URL of the repository for compare links (C3). Empty: taken from the `origin` remote.
    pub repository_url: String,
    /// Base of a version's compare link (C3).
    pub compare_base: CompareBase,
    /// The category headings of a version section (C1), in the order `changelog add` creates
    /// them; lint's `category-unknown` names headings outside this list. Default: Keep a
    /// Changelog's six. Empty: any heading is a category.
    pub categories: Vec<String>,
    /// How lint treats a released version without a date (C2).
    pub date_missing: DateMissing,
}

impl Default for ChangelogPolicy {
    fn default() -> Self {
        Self {
            path: "CHANGELOG.md".into(),
            upgrading: "docs/upgrading.md".into(),
            repository_url: String::new(),
            compare_base: CompareBase::SectionBelow,
            categories: [
                "Added",
                "Changed",
                "Deprecated",
                "Removed",
                "Fixed",
                "Security",
            ]
            .map(String::from)
            .to_vec(),
            date_missing: DateMissing::Prepared,
        }
    }
}

/// How a released version heading without a date is judged (C2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateMissing {
    /// An error only for the section being released (the release checks refuse an undated
    /// section; `prepare` always writes a date); older undated sections are warnings, and a
    /// file that dates no release at all (an undated convention) gets no finding.
    Prepared,
    /// An error for every undated released section.
    Error,
    /// A warning for every undated released section.
    Warning,
    /// Not reported.
    Ignore,
}

/// Which version a `[X.Y.Z]: …/compare/vA.B.C...vX.Y.Z` link starts from (C3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CompareBase {
    /// The version section right below the new one.
    SectionBelow,
    /// The previous stable release.
    PreviousStable,
}

/// Signature formats a tag may carry (G2, G3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignatureFormat {
    /// OpenPGP (gpg) signatures.
    Openpgp,
    /// SSH signatures (`ssh-keygen -Y sign`).
    Ssh,
}

/// What an unsigned annotated RC tag gets (G3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnsignedCandidate {
    /// Passes with a warning.
    Warn,
    /// Refused like an unsigned stable tag.
    Deny,
}

/// The trusted signers and what each kind of tag needs (G2, G3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SigningPolicy {
    /// Armored OpenPGP public keys of the release signers, relative to the repository root.
    pub openpgp_keys: Vec<String>,
    /// Allow-list of primary key fingerprints; empty means every primary key in `openpgp_keys`.
    pub openpgp_fingerprints: Vec<String>,
    /// SSH allowed-signers file (as `ssh-keygen -Y verify` reads it), relative to the root.
    pub ssh_allowed_signers: String,
    /// Signature formats accepted on stable tags.
    pub stable: Vec<SignatureFormat>,
    /// Signature formats accepted on release-candidate tags.
    pub candidate: Vec<SignatureFormat>,
    /// What an unsigned release-candidate tag gets.
    pub candidate_unsigned: UnsignedCandidate,
    /// A stable tag's commit must be reachable from the main branch, or from a hotfix branch of
    /// its own line cut from a stable tag of that line (G6).
    pub require_reachable: bool,
    /// What a tagger date in the future, or well before the tagged commit, gets.
    pub tagger_date: TaggerDateCheck,
}

/// What the gate does with an implausible tagger date (a tag dated in the future, or long
/// before the commit it points at).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TaggerDateCheck {
    /// Passes with a warning.
    Warn,
    /// Refused.
    Deny,
}

impl Default for SigningPolicy {
    fn default() -> Self {
        Self {
            openpgp_keys: vec!["keys/release-signers.asc".into()],
            openpgp_fingerprints: Vec::new(),
            ssh_allowed_signers: ".github/allowed_signers".into(),
            stable: vec![SignatureFormat::Openpgp],
            candidate: vec![SignatureFormat::Openpgp, SignatureFormat::Ssh],
            candidate_unsigned: UnsignedCandidate::Warn,
            require_reachable: true,
            tagger_date: TaggerDateCheck::Warn,
        }
    }
}

/// The checks a maintainer runs before tagging (P2, P3), and how much of the procedure a
/// project needs (a library may ship without candidates or an upgrading guide).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChecksPolicy {
    /// The full test suite before a stable release, one command line each. Left out: detected
    /// from the project files (`Cargo.toml`, `go.mod`, `package.json`, `pyproject.toml`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test_commands: Option<Vec<String>>,
    /// The smoke test (RC, hotfix). Empty: none.
    pub smoke_command: String,
    /// The restore drill for fixes in a critical path (P3). Empty: none.
    pub restore_drill_command: String,
    /// A stable release needs a validated release candidate first (P1 before P2).
    pub require_candidate: bool,
    /// Whether a stable release needs notes in the upgrading guide (C5).
    pub upgrading_guide: UpgradingGuide,
    /// Whether `release tag` refuses a stable version without a passing `release check tests`
    /// record for HEAD (P2, P3). Left out: on when there are test commands (set or derived).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub require_tests: Option<bool>,
    /// How long one check command may run before it is stopped and the check fails, in
    /// seconds (`release check`).
    pub timeout_seconds: u64,
}

/// The default `checks.timeout_seconds`: an hour covers a full workspace test run on a slow
/// machine and still ends a hung command the same day.
pub const DEFAULT_CHECK_TIMEOUT_SECONDS: u64 = 3600;

impl Default for ChecksPolicy {
    fn default() -> Self {
        Self {
            test_commands: None,
            smoke_command: String::new(),
            restore_drill_command: String::new(),
            require_candidate: true,
            upgrading_guide: UpgradingGuide::Required,
            require_tests: None,
            timeout_seconds: DEFAULT_CHECK_TIMEOUT_SECONDS,
        }
    }
}

impl ChecksPolicy {
    /// The test commands (none when left out and not detected yet).
    pub fn test_commands(&self) -> &[String] {
        self.test_commands.as_deref().unwrap_or(&[])
    }

    /// Whether a stable tag needs a passing tests record: `require_tests` when set, else
    /// whether there are test commands. Derived commands count: they are what `release check
    /// tests` runs, so a record is one command away.
    pub fn tests_required(&self) -> bool {
        self.require_tests
            .unwrap_or_else(|| !self.test_commands().is_empty())
    }
}

/// How the upgrading guide (C5) takes part in a release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UpgradingGuide {
    /// Every stable release has notes (`--none` says "nothing to do").
    Required,
    /// Notes are written when given; a release without them is not held back.
    Optional,
    /// The project keeps no upgrading guide: nothing is written or checked.
    None,
}

impl UpgradingGuide {
    /// Whether `release prepare` writes upgrading notes, given whether any were given on the
    /// command line; the refusal names the rule and the key.
    pub fn writes_notes(self, given: bool) -> Result<bool, &'static str> {
        match (self, given) {
            (_, true) if self != UpgradingGuide::None => Ok(true),
            (UpgradingGuide::None, true) => Err("the project keeps no upgrading guide (checks.upgrading_guide = \"none\"): drop the upgrading flags"),
            (UpgradingGuide::Required, false) => Err("every release gets upgrading notes (C5): give --breaking/--migration, --env-added, --env-removed, --env-renamed, or --none (or set checks.upgrading_guide = \"optional\")"),
            _ => Ok(false),
        }
    }
}

/// The GitHub Release side of a release (A3).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GithubPolicy {
    /// `owner/name` of the repository. Empty: derived from the `origin` remote or
    /// `GITHUB_REPOSITORY`.
    pub repository: String,
    /// REST API base (GitHub Enterprise: `https://HOST/api/v3`). Empty: derived from the
    /// repository's host (`https://api.github.com` for github.com).
    pub api_base: String,
    /// Binary asset expected on every GitHub Release, per build target. Empty (the default):
    /// A3 checks only that the Release exists.
    pub assets: BTreeMap<String, String>,
}

impl GithubPolicy {
    /// The API base, `https://api.github.com` when not set or derived.
    pub fn api_base(&self) -> &str {
        if self.api_base.is_empty() {
            GITHUB_API
        } else {
            &self.api_base
        }
    }
}

impl Policy {
    /// Parses and validates a `release-policy.toml` text.
    pub fn from_toml(text: &str) -> Result<Self, PolicyError> {
        let policy: Policy = toml::from_str(text).map_err(|e| PolicyError::Toml(e.to_string()))?;
        policy.validate()?;
        Ok(policy)
    }

    /// The policy as commented-free TOML (what `release policy show` prints).
    pub fn to_toml(&self) -> String {
        // Serialising plain structs of strings, numbers and tables cannot fail.
        toml::to_string(self).unwrap_or_default()
    }

    /// Checks the rules serde cannot express.
    pub fn validate(&self) -> Result<(), PolicyError> {
        let invalid = |key, reason: &str| {
            Err(PolicyError::Invalid {
                key,
                reason: reason.into(),
            })
        };
        if !self
            .tag_prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./@".contains(c))
        {
            return invalid(
                "tag_prefix",
                "only ASCII letters, digits and `-_./@` are allowed",
            );
        }
        if let Err(why) = refname_ok(&format!("{}1.0.0", self.tag_prefix)) {
            return Err(PolicyError::Invalid {
                key: "tag_prefix",
                reason: format!(
                    "`{}1.0.0` is not a valid git tag name: {why}",
                    self.tag_prefix
                ),
            });
        }
        if self
            .tag_prefix
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
        {
            return invalid(
                "tag_prefix",
                "must not start with a digit (it would read as a version)",
            );
        }
        if self.prerelease_channels.is_empty() {
            return invalid(
                "prerelease_channels",
                "at least one channel is needed (default: [\"rc\"])",
            );
        }
        for channel in &self.prerelease_channels {
            let ok = !channel.is_empty()
                && channel
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !channel.bytes().all(|b| b.is_ascii_digit());
            if !ok {
                return invalid(
                    "prerelease_channels",
                    "a channel is a non-numeric SemVer identifier such as \"rc\" or \"beta\"",
                );
            }
        }
        for pair in self.prerelease_channels.windows(2) {
            if let [a, b] = pair {
                // SemVer compares alphanumeric identifiers in ASCII order; requiring the listed
                // order to agree keeps "ordered as listed" and SemVer precedence one order.
                if a.as_bytes() >= b.as_bytes() {
                    return Err(PolicyError::Invalid {
                        key: "prerelease_channels",
                        reason: format!(
                            "channels are listed in the order a version moves through them, which must be SemVer precedence (ASCII order, e.g. [\"alpha\", \"beta\", \"rc\"]): {a:?} is listed before {b:?}"
                        ),
                    });
                }
            }
        }
        for pattern in &self.ignore_tags {
            if let Err(e) = glob::Pattern::new(pattern) {
                return Err(PolicyError::Invalid {
                    key: "ignore_tags",
                    reason: format!("{pattern:?} is not a glob pattern: {e}"),
                });
            }
        }
        if self.main_branch.is_empty() {
            return invalid("main_branch", "must not be empty");
        }
        if self.checks.timeout_seconds == 0 || self.checks.timeout_seconds > 7 * 24 * 3600 {
            return invalid(
                "checks.timeout_seconds",
                "must be between 1 and 604800 (a week)",
            );
        }
        if !self.hotfix_branch.contains("{version}") {
            return invalid("hotfix_branch", "must contain `{version}`");
        }
        let docker_word = |s: &str| {
            s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
        };
        if self.docker.edge_tag.is_empty() || !docker_word(&self.docker.edge_tag) {
            return invalid("docker.edge_tag", "must be a Docker tag (`[A-Za-z0-9_.-]`)");
        }
        if !docker_word(&self.docker.nightly_prefix) || !docker_word(&self.docker.sha_prefix) {
            return invalid(
                "docker.nightly_prefix",
                "prefixes may only use `[A-Za-z0-9_.-]`",
            );
        }
        if self
            .changelog
            .categories
            .iter()
            .any(|c| c.trim().is_empty() || c.contains(['\n', '\r']))
        {
            return invalid(
                "changelog.categories",
                "a category is a non-empty one-line heading text such as \"Added\"",
            );
        }
        if self.signing.stable.is_empty() {
            return invalid(
                "signing.stable",
                "stable tags must accept at least one format (G2)",
            );
        }
        if let Err(reason) = self.announce.validate() {
            return Err(PolicyError::Invalid {
                key: "announce.channels",
                reason,
            });
        }
        Ok(())
    }

    /// Whether a tag name matches one of `ignore_tags`.
    pub fn ignores_tag(&self, tag: &str) -> bool {
        self.ignore_tags.iter().any(|p| {
            glob::Pattern::new(p)
                .map(|p| p.matches(tag))
                .unwrap_or(false)
        })
    }

    /// The hotfix branch name for a version (V8).
    pub fn hotfix_branch_for(&self, version: &semver::Version) -> String {
        self.hotfix_branch
            .replace("{version}", &version.to_string())
    }
}

/// git's refname rules (`git check-ref-format`) for a tag name, as far as the characters the
/// policy allows can break them.
fn refname_ok(name: &str) -> Result<(), &'static str> {
    if name.starts_with('/') || name.ends_with('/') || name.contains("//") {
        return Err("a `/` may not start or end it, nor be doubled");
    }
    if name.contains("..") {
        return Err("`..` is not allowed");
    }
    if name == "@" || name.contains("@{") {
        return Err("`@` alone or `@{` is not allowed");
    }
    for component in name.split('/') {
        if component.starts_with('.') || component.ends_with(".lock") {
            return Err("a path component may not start with `.` or end with `.lock`");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_round_trips_through_toml() {
        let text = Policy::default().to_toml();
        assert_eq!(Policy::from_toml(&text).ok(), Some(Policy::default()));
    }

    #[test]
    fn unknown_key_is_refused_with_position() {
        let err = Policy::from_toml("tag_prefix = \"v\"\nmain_brnach = \"trunk\"\n")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("main_brnach"), "{err}");
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn sha_length_accepts_number_and_full() {
        let p = Policy::from_toml("[docker]\nsha_length = 12\n").ok();
        assert_eq!(p.map(|p| p.docker.sha_length), Some(ShaLength::Chars(12)));
        let p = Policy::from_toml("[docker]\nsha_length = \"full\"\n").ok();
        assert_eq!(p.map(|p| p.docker.sha_length), Some(ShaLength::Full));
        assert!(Policy::from_toml("[docker]\nsha_length = 3\n").is_err());
        assert!(Policy::from_toml("[docker]\nsha_length = \"short\"\n").is_err());
    }

    #[test]
    fn tag_prefix_may_hold_at_and_slash() {
        let p = Policy::from_toml("tag_prefix = \"@metamask/x@\"\n").map(|p| p.tag_prefix);
        assert_eq!(p.ok().as_deref(), Some("@metamask/x@"));
        for bad in ["a..b/", "/v", "x//", ".hidden/v", "x.lock/"] {
            let err = Policy::from_toml(&format!("tag_prefix = {bad:?}\n"))
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains("tag_prefix"), "{bad}: {err}");
        }
    }

    #[test]
    fn channels_must_be_listed_in_precedence_order() {
        assert!(Policy::from_toml("prerelease_channels = [\"alpha\", \"beta\", \"rc\"]").is_ok());
        let err = Policy::from_toml("prerelease_channels = [\"rc\", \"beta\"]")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("\"rc\" is listed before \"beta\""), "{err}");
    }

    #[test]
    fn ignore_tags_are_globs() {
        let p = Policy::from_toml("ignore_tags = [\"v0.0.*-test\", \"legacy/*\"]")
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(p.ignores_tag("v0.0.3-test"));
        assert!(p.ignores_tag("legacy/v1.0.0"));
        assert!(!p.ignores_tag("v0.0.3"));
        assert!(Policy::from_toml("ignore_tags = [\"[a\"]").is_err());
    }

    #[test]
    fn the_built_in_policy_names_no_project() {
        let text = Policy::default().to_toml();
        for name in [
            "kubedoio",
            "rustshare",
            "frontend",
            "final-launch",
            "restore-drill",
        ] {
            assert!(!text.contains(name), "{name} in\n{text}");
        }
    }

    #[test]
    fn bad_channel_is_refused() {
        let err = Policy::from_toml("prerelease_channels = [\"r c\"]")
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("prerelease_channels")));
    }

    #[test]
    fn changelog_categories_and_date_missing() {
        let default = Policy::default();
        assert_eq!(default.changelog.categories.len(), 6);
        assert_eq!(default.changelog.categories[0], "Added");
        assert_eq!(default.changelog.date_missing, DateMissing::Prepared);
        let p = Policy::from_toml(
            "[changelog]\ncategories = [\"Features\", \"Bug Fixes\"]\ndate_missing = \"warning\"\n",
        )
        .ok();
        assert_eq!(
            p.as_ref().map(|p| p.changelog.categories.clone()),
            Some(vec!["Features".to_string(), "Bug Fixes".to_string()])
        );
        assert_eq!(
            p.map(|p| p.changelog.date_missing),
            Some(DateMissing::Warning)
        );
        let err = Policy::from_toml("[changelog]\ncategories = [\"\"]\n")
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("changelog.categories")));
        assert!(Policy::from_toml("[changelog]\ndate_missing = \"sometimes\"\n").is_err());
    }
}
