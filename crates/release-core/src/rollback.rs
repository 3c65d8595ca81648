//! Rolling aliases after the fact: where each alias belongs (T6, for `verify` and
//! `reconcile`), which aliases a rollback moves where (R3), and the deprecation banner of a
//! rolled-back GitHub Release (R2).
//!
//! Everything here is a decision on plain values. The caller reads the registry (which aliases
//! point at the defective digest) and performs the moves.
//!
//! ```
//! use release_core::history::History;
//! use release_core::policy::Policy;
//! use release_core::rollback::RollbackPlan;
//! use release_core::version::ReleaseVersion;
//!
//! let policy = Policy::default();
//! let history = History::from_tags(["v0.3.1", "v0.3.2", "v0.4.0"], &policy);
//! let bad = ReleaseVersion::parse_version("0.4.0", &policy)?;
//! // The registry says `latest`, `0` and `0.4` point at 0.4.0's digest.
//! let pointing = ["latest", "0", "0.4"].map(String::from);
//! let plan = RollbackPlan::compute(&bad, None, &history, &[], &pointing, &policy)?;
//! let moves: Vec<_> = plan.moves.iter().map(|m| (m.alias.as_str(), m.to.to_string())).collect();
//! assert_eq!(moves, [("0", "0.3.2".to_string()), ("latest", "0.3.2".to_string())]);
//! assert_eq!(plan.kept[0].alias, "0.4"); // no good 0.4.x: reported, not touched
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::history::History;
use crate::policy::Policy;
use crate::rule::Rule;
use crate::version::ReleaseVersion;

/// A rolling alias: `latest`, a major `X` or a line `X.Y`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Alias {
    /// `X.Y`: the newest stable release of a line.
    Line(u64, u64),
    /// `X`: the newest stable release of a major.
    Major(u64),
    /// `latest`: the newest stable release overall.
    Latest,
}

impl fmt::Display for Alias {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Alias::Line(x, y) => write!(f, "{x}.{y}"),
            Alias::Major(x) => write!(f, "{x}"),
            Alias::Latest => f.write_str("latest"),
        }
    }
}

impl Serialize for Alias {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Alias {
    /// Parses an alias name (`latest`, `0`, `0.4`); `None` for anything else.
    pub fn parse(name: &str) -> Option<Alias> {
        fn number(s: &str) -> Option<u64> {
            // Docker tags are text: `01` is not the alias of major 1.
            if s.is_empty() || (s.len() > 1 && s.starts_with('0')) {
                return None;
            }
            if !s.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            s.parse().ok()
        }
        if name == "latest" {
            return Some(Alias::Latest);
        }
        match name.split_once('.') {
            None => number(name).map(Alias::Major),
            Some((x, y)) => Some(Alias::Line(number(x)?, number(y)?)),
        }
    }

    /// The aliases a stable version could carry under the policy, most specific first.
    pub fn of(version: &ReleaseVersion, policy: &Policy) -> Vec<Alias> {
        let (x, y) = version.line();
        let mut out = vec![Alias::Line(x, y)];
        if x > 0 || policy.docker.major_alias_for_zero {
            out.push(Alias::Major(x));
        }
        out.push(Alias::Latest);
        out
    }

    /// Whether a version falls in the alias's scope.
    pub fn covers(&self, version: &ReleaseVersion) -> bool {
        version.is_stable()
            && match self {
                Alias::Line(x, y) => version.line() == (*x, *y),
                Alias::Major(x) => version.major() == *x,
                Alias::Latest => true,
            }
    }

    /// The scope in words, for reasons (`in 0.4`, `in major 0`, `overall`).
    pub fn scope(&self) -> String {
        match self {
            Alias::Line(x, y) => format!("in {x}.{y}"),
            Alias::Major(x) => format!("in major {x}"),
            Alias::Latest => "overall".into(),
        }
    }

    /// Where the alias belongs (T6, R5): the newest stable release in its scope that is
    /// neither yanked in the history nor in `bad`. The one place T6 is decided: the tag plan,
    /// `verify`, `reconcile`, rollbacks and checklists all ask here.
    pub fn target<'h>(
        &self,
        history: &'h History,
        bad: &[ReleaseVersion],
    ) -> Option<&'h ReleaseVersion> {
        history
            .good_stables()
            .rev()
            .find(|v| self.covers(v) && !bad.contains(v))
    }
}

/// Where one rolling alias goes when `version` is (or were) released: on it, or left on
/// another release with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AliasPlacement {
    /// The alias.
    pub alias: Alias,
    /// The release it belongs to; `None` when no good release covers it.
    pub target: Option<ReleaseVersion>,
    /// Whether it belongs to `version`.
    pub on_version: bool,
    /// The rule that placed it elsewhere (T6: a newer release; R5: `version` is yanked).
    pub rule: Option<Rule>,
    /// Why it is elsewhere, when it is.
    pub reason: Option<String>,
}

/// T6 for a stable `version`: every alias the policy gives it, and where each belongs given
/// `history` (which need not contain `version`), its yanked releases and `bad`.
pub fn place_aliases(
    version: &ReleaseVersion,
    history: &History,
    bad: &[ReleaseVersion],
    policy: &Policy,
) -> Vec<AliasPlacement> {
    if !version.is_stable() {
        return Vec::new();
    }
    let mut history = history.clone();
    history.insert(version.clone());
    // Why the version itself holds no alias: yanked in the record (R5), or named bad by the
    // caller (a rollback in progress, R3).
    let why = if history.is_yanked(version) {
        "yanked (R5)"
    } else {
        "rolled back (R3)"
    };
    Alias::of(version, policy)
        .into_iter()
        .map(|alias| {
            let target = alias.target(&history, bad).cloned();
            let on_version = target.as_ref() == Some(version);
            let (rule, reason) = match &target {
                _ if on_version => (None, None),
                Some(t) if t > version => (
                    Some(Rule::T6),
                    Some(format!(
                        "`{alias}` stays on {t}: {version} is not the newest stable release {} (T6)",
                        alias.scope()
                    )),
                ),
                Some(t) => (
                    Some(if history.is_yanked(version) { Rule::R5 } else { Rule::R3 }),
                    Some(format!("`{alias}` stays on {t}: {version} is {why}")),
                ),
                None => (
                    Some(if history.is_yanked(version) { Rule::R5 } else { Rule::R3 }),
                    Some(format!(
                        "`{alias}` has no good release {}: {version} is {why}",
                        alias.scope()
                    )),
                ),
            };
            AliasPlacement {
                alias,
                target,
                on_version,
                rule,
                reason,
            }
        })
        .collect()
}

/// Where every alias of a history belongs (T6), for `reconcile`: one entry per line, major (if
/// the policy publishes it) and `latest`, each on the newest good stable release of its scope.
/// Aliases whose scope holds only bad releases are absent.
pub fn desired_aliases(
    history: &History,
    bad: &[ReleaseVersion],
    policy: &Policy,
) -> BTreeMap<Alias, ReleaseVersion> {
    let mut out = BTreeMap::new();
    for version in history.stables() {
        for alias in Alias::of(version, policy) {
            if let Some(target) = alias.target(history, bad) {
                out.insert(alias, target.clone());
            }
        }
    }
    out
}

/// What `reconcile` does with one alias.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FixAction {
    /// It is where T6 says.
    Ok,
    /// It does not exist yet.
    Create,
    /// It points at another digest.
    Move,
}

impl FixAction {
    /// The action as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            FixAction::Ok => "ok",
            FixAction::Create => "create",
            FixAction::Move => "move",
        }
    }
}

/// One alias in a reconcile: where it belongs and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AliasFix {
    /// The alias tag.
    pub alias: String,
    /// The version it belongs to (T6, R5).
    pub target: ReleaseVersion,
    /// The digest it has now, if it exists.
    pub current: Option<String>,
    /// The target version's digest.
    pub wanted: String,
    /// What to do.
    pub action: FixAction,
}

/// `reconcile` (T6 after the fact, beside [`RollbackPlan`]): every alias where T6 and the
/// yanked record put it, compared with where the registry has it; moves in order, `latest`
/// last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReconcilePlan {
    /// Every alias with a release to point at, `latest` last.
    pub aliases: Vec<AliasFix>,
    /// Alias tags the registry has whose scope holds no good release: left as they are.
    pub left: Vec<String>,
}

impl ReconcilePlan {
    /// Plans from the registry's answers: `tags` (every tag of the image) and `digest_of`
    /// (the digest of each alias and version tag that exists). An alias whose version tag is
    /// gone is skipped: there is nothing to point it at.
    pub fn compute(
        history: &History,
        bad: &[ReleaseVersion],
        tags: &[String],
        digest_of: &BTreeMap<String, String>,
        policy: &Policy,
    ) -> ReconcilePlan {
        let desired = desired_aliases(history, bad, policy);
        let mut aliases: Vec<AliasFix> = desired
            .iter()
            .filter_map(|(alias, target)| {
                let name = alias.to_string();
                let wanted = digest_of.get(&target.to_string())?.clone();
                let current = digest_of.get(&name).cloned();
                let action = match &current {
                    Some(c) if *c == wanted => FixAction::Ok,
                    Some(_) => FixAction::Move,
                    None => FixAction::Create,
                };
                Some(AliasFix {
                    alias: name,
                    target: target.clone(),
                    current,
                    wanted,
                    action,
                })
            })
            .collect();
        // `latest` is the alias most people pull: it moves only once the others have.
        aliases.sort_by_key(|a| a.alias == "latest");
        let left = tags
            .iter()
            .filter(|t| Alias::parse(t).is_some_and(|a| !desired.contains_key(&a)))
            .cloned()
            .collect();
        ReconcilePlan { aliases, left }
    }

    /// The tags to resolve before planning: every alias the history gives a place (that the
    /// registry has) and every version such an alias belongs to.
    pub fn names_to_resolve(
        history: &History,
        bad: &[ReleaseVersion],
        tags: &[String],
        policy: &Policy,
    ) -> Vec<String> {
        let desired = desired_aliases(history, bad, policy);
        let mut names: Vec<String> = desired
            .keys()
            .map(Alias::to_string)
            .filter(|a| tags.contains(a))
            .collect();
        let mut versions: Vec<String> = desired.values().map(ToString::to_string).collect();
        versions.sort();
        versions.dedup();
        names.extend(versions);
        names
    }

    /// The moves, in order, as runs of aliases with the same target (one re-tag each).
    pub fn batches(&self) -> Vec<(ReleaseVersion, Vec<usize>)> {
        let mut out: Vec<(ReleaseVersion, Vec<usize>)> = Vec::new();
        for (i, a) in self.aliases.iter().enumerate() {
            if a.action == FixAction::Ok {
                continue;
            }
            match out.last_mut() {
                Some((target, idx)) if *target == a.target => idx.push(i),
                _ => out.push((a.target.clone(), vec![i])),
            }
        }
        out
    }
}

/// One tag `verify` expects (A1): the version tag or an alias, and where it belongs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpectedTag {
    /// The registry tag (`0.4.0`, `0.4`, `0`, `latest`).
    pub tag: String,
    /// The version the tag belongs to.
    pub belongs_to: ReleaseVersion,
    /// Whether it must be on the verified version's digest (false: T6 left it elsewhere).
    pub on_version: bool,
    /// Why the tag is elsewhere, when it is.
    pub reason: Option<String>,
}

/// The tags A1 checks for a stable `version` (T5, T6): the version tag and each alias, with
/// where T6 says it belongs given `history` (which need not contain `version`) minus `bad`.
pub fn expected_tags(
    version: &ReleaseVersion,
    history: &History,
    bad: &[ReleaseVersion],
    policy: &Policy,
) -> Vec<ExpectedTag> {
    let mut out = vec![ExpectedTag {
        tag: version.to_string(),
        belongs_to: version.clone(),
        on_version: true,
        reason: None,
    }];
    for placement in place_aliases(version, history, bad, policy) {
        out.push(ExpectedTag {
            tag: placement.alias.to_string(),
            belongs_to: placement.target.clone().unwrap_or_else(|| version.clone()),
            on_version: placement.on_version,
            reason: placement.reason,
        });
    }
    out
}

/// Why a rollback cannot be planned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RollbackError {
    /// Only stable releases carry aliases.
    #[error("{0} is a release candidate; only stable releases carry rolling aliases (R3)")]
    NotStable(ReleaseVersion),
    /// The `--to` version is not a good stable release below the defective one.
    #[error("cannot roll {defective} back to {to}: {reason} (R3)")]
    BadTarget {
        /// The defective version.
        defective: String,
        /// The requested replacement.
        to: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// One alias a rollback moves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AliasMove {
    /// The alias tag.
    pub alias: String,
    /// The good version it moves to (its digest, byte-for-byte).
    pub to: ReleaseVersion,
}

/// An alias a rollback leaves where it is, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeptAlias {
    /// The alias tag.
    pub alias: String,
    /// Why it is not moved.
    pub reason: String,
}

/// What a rollback does with the aliases (R3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RollbackPlan {
    /// The defective version.
    pub defective: ReleaseVersion,
    /// The version users should take instead (for the banner): `--to`, else the newest good
    /// stable release below the defective one.
    pub replacement: Option<ReleaseVersion>,
    /// Aliases to move, `latest` last.
    pub moves: Vec<AliasMove>,
    /// Aliases left as they are, each with the reason.
    pub kept: Vec<KeptAlias>,
}

impl RollbackPlan {
    /// Plans the rollback of `defective`.
    ///
    /// `pointing` names the aliases that point at the defective version's digest now (the
    /// caller asked the registry); only those move (an alias that is already elsewhere is
    /// right, and a re-run therefore moves nothing). `bad` lists earlier defective releases,
    /// never chosen as a target. `to` forces the replacement where its scope allows.
    pub fn compute(
        defective: &ReleaseVersion,
        to: Option<&ReleaseVersion>,
        history: &History,
        bad: &[ReleaseVersion],
        pointing: &[String],
        policy: &Policy,
    ) -> Result<RollbackPlan, RollbackError> {
        if !defective.is_stable() {
            return Err(RollbackError::NotStable(defective.clone()));
        }
        let mut bad: Vec<ReleaseVersion> = bad.to_vec();
        bad.push(defective.clone());
        if let Some(to) = to {
            let refuse = |reason: String| {
                Err(RollbackError::BadTarget {
                    defective: defective.to_string(),
                    to: to.to_string(),
                    reason,
                })
            };
            if !to.is_stable() {
                return refuse("it is a release candidate".into());
            }
            if bad.contains(to) {
                return refuse("it is itself defective".into());
            }
            if to >= defective {
                return refuse("it is not older than the defective version".into());
            }
            if !history.contains(to) {
                return refuse("it has not been released".into());
            }
        }
        // The defective version is released by definition, even when the caller's history
        // does not list it: it bounds which releases count as "earlier".
        let earlier = History::from_versions(
            history
                .stables()
                .filter(|v| *v < defective)
                .cloned()
                .collect::<Vec<_>>(),
        );
        let replacement = match to {
            Some(to) => Some(to.clone()),
            None => Alias::Latest.target(&earlier, &bad).cloned(),
        };
        let mut moves = Vec::new();
        let mut kept = Vec::new();
        for alias in Alias::of(defective, policy) {
            let name = alias.to_string();
            if !pointing.contains(&name) {
                kept.push(KeptAlias {
                    alias: name,
                    reason: format!("`{alias}` does not point at {defective}; nothing to move"),
                });
                continue;
            }
            let target = match to {
                Some(to) if alias.covers(to) => Some(to),
                Some(_) => None,
                None => alias.target(&earlier, &bad),
            };
            match target {
                Some(target) => moves.push(AliasMove {
                    alias: name,
                    to: target.clone(),
                }),
                None => kept.push(KeptAlias {
                    alias: name,
                    reason: match to {
                        Some(to) => format!("`{alias}` cannot cover {to}, and `--to` names the only replacement; it stays on {defective} until the next release {} (R3)", alias.scope()),
                        None => format!("no good release {} older than {defective}; `{alias}` stays until the next release fixes it (R3)", alias.scope()),
                    },
                }),
            }
        }
        // `latest` is the alias most people pull: it moves only once the others have.
        moves.sort_by_key(|m| m.alias == "latest");
        Ok(RollbackPlan {
            defective: defective.clone(),
            replacement,
            moves,
            kept,
        })
    }
}

/// The first line of the deprecation banner (R2); its presence makes the edit idempotent.
pub const BANNER_HEADING: &str = "## ⚠️ Deprecated";

/// The deprecation banner for a rolled-back release (R2): why, and what to use instead.
pub fn deprecation_banner(
    defective: &ReleaseVersion,
    replacement: Option<&ReleaseVersion>,
    reason: &str,
) -> String {
    let reason = reason.trim();
    let instead = match replacement {
        Some(v) => format!("Use {v} instead."),
        None => "No earlier release replaces it; wait for the next release.".into(),
    };
    format!("{BANNER_HEADING}\n\n{defective} was rolled back: {reason}. {instead}\n")
}

/// Whether a release body already starts with the deprecation banner (R2).
pub fn has_banner(body: &str) -> bool {
    body.trim_start().starts_with(BANNER_HEADING)
}

/// Puts the banner at the top of a release body, unless the body already starts with one.
/// Returns `None` when nothing changes (a re-run).
pub fn add_banner(body: &str, banner: &str) -> Option<String> {
    if has_banner(body) {
        return None;
    }
    let rest = body.trim_start_matches(['\n', '\r']);
    if rest.is_empty() {
        Some(banner.to_string())
    } else {
        Some(format!("{banner}\n{rest}"))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn v(s: &str) -> ReleaseVersion {
        ReleaseVersion::parse_version(s, &Policy::default()).unwrap()
    }

    fn history(tags: &[&str]) -> History {
        History::from_tags(tags.iter().map(|t| format!("v{t}")), &Policy::default())
    }

    fn all_pointing() -> Vec<String> {
        ["0.4", "0", "latest"].map(String::from).to_vec()
    }

    #[test]
    fn alias_parse_and_display_round_trip() {
        for name in ["latest", "0", "0.4", "12.3"] {
            assert_eq!(Alias::parse(name).unwrap().to_string(), name);
        }
        for name in ["", "v1", "01", "1.02", "1.2.3", "1.", "edge", "sha-abc"] {
            assert_eq!(Alias::parse(name), None, "{name}");
        }
    }

    #[test]
    fn rollback_moves_latest_and_major_keeps_line_without_good_release() {
        let h = history(&["0.3.1", "0.3.2", "0.4.0"]);
        let plan = RollbackPlan::compute(
            &v("0.4.0"),
            None,
            &h,
            &[],
            &all_pointing(),
            &Policy::default(),
        )
        .unwrap();
        assert_eq!(
            plan.moves,
            [
                AliasMove {
                    alias: "0".into(),
                    to: v("0.3.2")
                },
                AliasMove {
                    alias: "latest".into(),
                    to: v("0.3.2")
                },
            ]
        );
        assert_eq!(plan.kept.len(), 1);
        assert_eq!(plan.kept[0].alias, "0.4");
        assert!(plan.kept[0].reason.contains("R3"));
        assert_eq!(plan.replacement, Some(v("0.3.2")));
    }

    #[test]
    fn rollback_of_patch_moves_line_to_previous_patch() {
        let h = history(&["0.3.1", "0.4.0", "0.4.1"]);
        let plan = RollbackPlan::compute(
            &v("0.4.1"),
            None,
            &h,
            &[],
            &all_pointing(),
            &Policy::default(),
        )
        .unwrap();
        assert!(plan.moves.iter().all(|m| m.to == v("0.4.0")));
        assert_eq!(plan.moves.len(), 3);
        assert_eq!(plan.moves.last().unwrap().alias, "latest");
    }

    #[test]
    fn aliases_not_pointing_at_the_defective_version_are_left() {
        let h = history(&["0.3.2", "0.4.0"]);
        let plan =
            RollbackPlan::compute(&v("0.4.0"), None, &h, &[], &[], &Policy::default()).unwrap();
        assert!(plan.moves.is_empty());
        assert_eq!(plan.kept.len(), 3);
    }

    #[test]
    fn earlier_bad_releases_are_skipped_and_newer_releases_ignored() {
        let h = history(&["0.3.1", "0.3.2", "0.4.0", "0.5.0"]);
        let plan = RollbackPlan::compute(
            &v("0.4.0"),
            None,
            &h,
            &[v("0.3.2")],
            &all_pointing(),
            &Policy::default(),
        )
        .unwrap();
        assert!(plan.moves.iter().all(|m| m.to == v("0.3.1")), "{plan:?}");
    }

    #[test]
    fn to_is_checked_and_limited_to_scopes_that_cover_it() {
        let h = history(&["0.2.0", "0.3.2", "0.4.0"]);
        let p = Policy::default();
        let plan =
            RollbackPlan::compute(&v("0.4.0"), Some(&v("0.2.0")), &h, &[], &all_pointing(), &p)
                .unwrap();
        assert!(plan.moves.iter().all(|m| m.to == v("0.2.0")));
        for to in ["0.4.0", "0.5.0", "0.1.0", "0.4.0-rc.1"] {
            let err = RollbackPlan::compute(&v("0.4.0"), Some(&v(to)), &h, &[], &[], &p);
            assert!(matches!(err, Err(RollbackError::BadTarget { .. })), "{to}");
        }
        assert!(matches!(
            RollbackPlan::compute(&v("0.4.0-rc.1"), None, &h, &[], &[], &p),
            Err(RollbackError::NotStable(_))
        ));
    }

    #[test]
    fn desired_aliases_follow_t6_and_skip_bad() {
        let h = history(&["0.3.1", "0.3.2", "0.4.0", "1.0.0", "1.1.0", "1.0.1"]);
        let d = desired_aliases(&h, &[v("1.1.0")], &Policy::default());
        let get = |a: &str| d.get(&Alias::parse(a).unwrap()).map(|v| v.to_string());
        assert_eq!(get("latest").as_deref(), Some("1.0.1"));
        assert_eq!(get("1").as_deref(), Some("1.0.1"));
        assert_eq!(get("1.1"), None);
        assert_eq!(get("0").as_deref(), Some("0.4.0"));
        assert_eq!(get("0.3").as_deref(), Some("0.3.2"));
    }

    #[test]
    fn expected_tags_report_aliases_left_elsewhere() {
        let h = history(&["0.3.1", "0.4.0"]);
        let tags = expected_tags(&v("0.3.2"), &h, &[], &Policy::default());
        let on: Vec<_> = tags
            .iter()
            .filter(|t| t.on_version)
            .map(|t| t.tag.as_str())
            .collect();
        assert_eq!(on, ["0.3.2", "0.3"]);
        let off: Vec<_> = tags.iter().filter(|t| !t.on_version).collect();
        assert_eq!(off.len(), 2);
        assert!(off
            .iter()
            .all(|t| t.belongs_to == v("0.4.0") && t.reason.is_some()));
    }

    #[test]
    fn banner_is_added_once() {
        let banner = deprecation_banner(&v("0.4.0"), Some(&v("0.3.2")), "data loss on upgrade");
        assert!(banner.starts_with(BANNER_HEADING));
        assert!(banner.contains("0.4.0 was rolled back: data loss on upgrade. Use 0.3.2 instead."));
        let body = "## Changes\n\n- x\n";
        let once = add_banner(body, &banner).unwrap();
        assert!(once.starts_with(BANNER_HEADING));
        assert!(once.ends_with(body));
        assert_eq!(add_banner(&once, &banner), None);
        assert_eq!(add_banner("", &banner).as_deref(), Some(banner.as_str()));
    }
}
