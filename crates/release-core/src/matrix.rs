//! The Docker tag plan for an event (T1-T10): which tags to publish, which were left out and
//! why, and the OCI labels the build sets.
//!
//! Rolling aliases only move forward (T6): `latest`, `X.Y` and `X` go to a version only when it
//! is the newest stable release in the alias's scope, judged against the history the caller
//! passes (which may already contain the version itself: re-running a release gives the same
//! plan).
//!
//! ```
//! use release_core::event::{Event, RunTime};
//! use release_core::history::History;
//! use release_core::matrix::TagPlan;
//! use release_core::policy::Policy;
//!
//! let policy = Policy::default();
//! let history = History::from_tags(["v0.3.0", "v0.3.1", "v0.4.0"], &policy);
//! let time = RunTime::parse_rfc3339("2026-07-20T10:00:00Z")?;
//! let sha = "0123456789abcdef0123456789abcdef01234567";
//! let event = Event::parse("push", "refs/tags/v0.3.2", sha, time, &policy)?;
//! let plan = TagPlan::compute(&event, &history, &policy)?;
//! assert_eq!(plan.tags, ["0.3.2", "0.3", "sha-0123456"]); // a backport: no `0`, no `latest`
//! assert_eq!(plan.skipped.len(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;

use serde::Serialize;

use crate::event::{Event, Trigger};
use crate::history::History;
use crate::policy::{Policy, ShaLength};
use crate::rollback::place_aliases;
use crate::rule::Rule;
use crate::version::{ReleaseVersion, VersionError};

/// Why no plan could be made: the event's tag is not a release tag (T9) or a tag is not a
/// valid Docker tag.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// A tag push whose tag is not a release tag (T9).
    #[error("{0} (T9: a tag push must carry a release tag)")]
    NotReleaseTag(#[from] VersionError),
    /// A computed tag breaks Docker's tag grammar (a policy prefix made it so).
    #[error(
        "docker tag {tag:?} is not valid: {reason} (T9: `[A-Za-z0-9_][A-Za-z0-9_.-]{{0,127}}`)"
    )]
    DockerTag {
        /// The offending tag.
        tag: String,
        /// What is wrong.
        reason: String,
    },
}

/// What kind of publication a plan is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PlanKind {
    /// A stable tag (T5).
    Stable,
    /// A release-candidate tag (T4).
    Candidate,
    /// A main push (T1).
    Main,
    /// Nothing is published (T8).
    None,
}

/// A tag the plan does not publish, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// The tag left out (`latest`, `0.3`, `0`).
    pub tag: String,
    /// The rule that leaves it out.
    pub rule: Rule,
    /// Why, with the rule id.
    pub reason: String,
}

/// The answer to "which image tags does this event publish?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TagPlan {
    /// Whether anything is published.
    pub publish: bool,
    /// What kind of publication.
    pub kind: PlanKind,
    /// The release version (stable and candidate plans).
    pub version: Option<ReleaseVersion>,
    /// The git tag (stable and candidate plans).
    pub git_tag: Option<String>,
    /// The tags to publish, most specific first.
    pub tags: Vec<String>,
    /// Tags left out, each with its reason (T4, T6, T7).
    pub skipped: Vec<Skipped>,
    /// OCI labels/annotations (T10), keyed by their full `org.opencontainers.image.*` name.
    pub labels: BTreeMap<String, String>,
    /// Why nothing is published (T8), when `publish` is false.
    pub reason: Option<String>,
}

impl TagPlan {
    /// Computes the plan for an event given the released versions.
    pub fn compute(
        event: &Event,
        history: &History,
        policy: &Policy,
    ) -> Result<TagPlan, PlanError> {
        let docker = &policy.docker;
        let sha_tag = format!(
            "{}{}",
            docker.sha_prefix,
            match docker.sha_length {
                ShaLength::Chars(n) => event.sha.short(usize::from(n)),
                ShaLength::Full => event.sha.as_str(),
            }
        );
        let mut plan = match &event.trigger {
            Trigger::Ignored(reason) => {
                return Ok(TagPlan {
                    publish: false,
                    kind: PlanKind::None,
                    version: None,
                    git_tag: None,
                    tags: Vec::new(),
                    skipped: Vec::new(),
                    labels: BTreeMap::new(),
                    reason: Some(reason.clone()),
                })
            }
            Trigger::MainPush => TagPlan {
                publish: true,
                kind: PlanKind::Main,
                version: None,
                git_tag: None,
                tags: vec![
                    docker.edge_tag.clone(),
                    format!("{}{}", docker.nightly_prefix, event.time.date()),
                    sha_tag,
                ],
                skipped: vec![Skipped {
                    tag: "latest".into(),
                    rule: Rule::T7,
                    reason: "a main push never moves `latest`; only stable tags do (T1, T7)".into(),
                }],
                labels: BTreeMap::new(),
                reason: None,
            },
            Trigger::Tag(tag) => {
                let version = ReleaseVersion::parse_tag(tag, policy)?;
                let (tags, skipped) = if version.is_stable() {
                    stable_tags(&version, history, policy, sha_tag)
                } else {
                    let skipped = ["latest", &line_alias(&version), &version.major().to_string()]
                        .iter()
                        .map(|t| Skipped {
                            tag: t.to_string(),
                            rule: Rule::T4,
                            reason: format!("{version} is a release candidate; candidates never move rolling aliases (T4)"),
                        })
                        .collect();
                    (vec![version.to_string(), sha_tag], skipped)
                };
                TagPlan {
                    publish: true,
                    kind: if version.is_stable() {
                        PlanKind::Stable
                    } else {
                        PlanKind::Candidate
                    },
                    git_tag: Some(tag.clone()),
                    version: Some(version),
                    tags,
                    skipped,
                    labels: BTreeMap::new(),
                    reason: None,
                }
            }
        };
        for tag in &plan.tags {
            check_docker_tag(tag)?;
        }
        plan.labels = labels(event, &plan, policy);
        Ok(plan)
    }

    /// Full image references: every image with every tag (`ghcr.io/o/r:0.3.2`).
    pub fn images(&self, images: &[String]) -> Vec<String> {
        images
            .iter()
            .flat_map(|image| self.tags.iter().map(move |tag| format!("{image}:{tag}")))
            .collect()
    }

    /// Whether the plan is for a pre-release (a candidate).
    pub fn is_prerelease(&self) -> bool {
        self.kind == PlanKind::Candidate
    }
}

fn line_alias(v: &ReleaseVersion) -> String {
    format!("{}.{}", v.major(), v.minor())
}

/// T5 and T6: the stable tags, each alias only where [`place_aliases`] puts it on the version.
fn stable_tags(
    version: &ReleaseVersion,
    history: &History,
    policy: &Policy,
    sha_tag: String,
) -> (Vec<String>, Vec<Skipped>) {
    let mut tags = vec![version.to_string()];
    let mut skipped = Vec::new();
    for placement in place_aliases(version, history, &[], policy) {
        let tag = placement.alias.to_string();
        match placement.reason {
            None => tags.push(tag),
            Some(reason) => skipped.push(Skipped {
                tag,
                rule: placement.rule.unwrap_or(Rule::T6),
                reason,
            }),
        }
    }
    if version.major() == 0 && !policy.docker.major_alias_for_zero {
        skipped.push(Skipped {
            tag: "0".into(),
            rule: Rule::T5,
            reason: "the policy does not publish the major alias for 0.x (docker.major_alias_for_zero = false, T5)".into(),
        });
    }
    tags.push(sha_tag);
    (tags, skipped)
}

/// T10: the OCI labels a build sets.
fn labels(event: &Event, plan: &TagPlan, policy: &Policy) -> BTreeMap<String, String> {
    let docker = &policy.docker;
    let mut labels = BTreeMap::new();
    let mut put = |key: &str, value: String| {
        if !value.is_empty() {
            labels.insert(format!("org.opencontainers.image.{key}"), value);
        }
    };
    let version = match &plan.version {
        Some(v) => v.to_string(),
        None => plan.tags.first().cloned().unwrap_or_default(),
    };
    put("version", version);
    put("revision", event.sha.to_string());
    put("created", event.time.rfc3339());
    put("source", docker.source.clone());
    let title = if docker.title.is_empty() {
        // The first image's name, else the repository's (the source URL's last part).
        docker
            .images()
            .first()
            .and_then(|i| i.rsplit('/').next())
            .or_else(|| docker.source.trim_end_matches('/').rsplit('/').next())
            .unwrap_or_default()
            .to_string()
    } else {
        docker.title.clone()
    };
    put("title", title);
    put("licenses", docker.licenses.clone());
    labels
}

/// Docker's tag grammar: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
pub fn check_docker_tag(tag: &str) -> Result<(), PlanError> {
    let err = |reason: &str| {
        Err(PlanError::DockerTag {
            tag: tag.into(),
            reason: reason.into(),
        })
    };
    let bytes = tag.as_bytes();
    match bytes.first() {
        None => return err("it is empty"),
        Some(b) if !(b.is_ascii_alphanumeric() || *b == b'_') => {
            return err("it must start with a letter, digit or `_`")
        }
        _ => {}
    }
    if bytes.len() > 128 {
        return err("it is longer than 128 characters");
    }
    if !bytes
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(b))
    {
        return err("only `A-Z a-z 0-9 _ . -` are allowed");
    }
    Ok(())
}
