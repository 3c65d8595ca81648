//! What happened: the CI event a plan is computed for, parsed from plain strings.
//!
//! Nothing here reads the environment: the caller passes `GITHUB_EVENT_NAME`, `GITHUB_REF`,
//! `GITHUB_SHA` and the run's time. "Push to main" is decided from the event name and
//! `refs/heads/<main>` only; a tag `create` event is never mistaken for a main push.
//!
//! ```
//! use release_core::event::{CommitId, Event, EventKind, Trigger};
//! use release_core::policy::Policy;
//!
//! let sha = CommitId::parse("0123456789ABCDEF0123456789abcdef01234567")?;
//! assert_eq!(sha.as_str(), "0123456789abcdef0123456789abcdef01234567"); // lower-cased (T3)
//! let trigger = Trigger::parse("push", "refs/heads/main", &Policy::default())?;
//! assert_eq!(trigger, Trigger::MainPush);
//! # Ok::<(), release_core::event::EventError>(())
//! ```

use std::fmt;

use serde::{Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, UtcOffset};

use crate::policy::Policy;

/// Why an event could not be understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    /// The commit id is not a full hex object id.
    #[error("commit id {input:?} is not a full commit id: {reason} (T3: pass the full 40- or 64-character id; git's abbreviations grow with the repository)")]
    Sha {
        /// The input as given.
        input: String,
        /// What is wrong.
        reason: String,
    },
    /// The ref is not a full ref name.
    #[error("ref {input:?} is not a full ref: use `refs/heads/<branch>` or `refs/tags/<tag>` (as GITHUB_REF gives it)")]
    Ref {
        /// The input as given.
        input: String,
    },
    /// The time is not RFC 3339.
    #[error("time {input:?} is not an RFC 3339 timestamp such as 2026-07-20T14:03:00Z: {reason}")]
    Time {
        /// The input as given.
        input: String,
        /// What the parser said.
        reason: String,
    },
    /// The date is not a calendar date.
    #[error("date {input:?} is not a calendar date YYYY-MM-DD: {reason}")]
    Date {
        /// The input as given.
        input: String,
        /// What the parser said.
        reason: String,
    },
}

/// A full commit id (40 hex for SHA-1, 64 for SHA-256), lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommitId(String);

impl CommitId {
    /// Parses a full commit id; abbreviations are refused (T3).
    pub fn parse(input: &str) -> Result<Self, EventError> {
        let err = |reason: String| EventError::Sha {
            input: input.into(),
            reason,
        };
        if let Some((i, c)) = input
            .chars()
            .enumerate()
            .find(|(_, c)| !c.is_ascii_hexdigit())
        {
            return Err(err(format!(
                "character {c:?} at position {} is not hexadecimal",
                i + 1
            )));
        }
        match input.len() {
            40 | 64 => Ok(Self(input.to_ascii_lowercase())),
            n if n < 40 => Err(err(format!("it has {n} characters, an abbreviation"))),
            n => Err(err(format!("it has {n} characters; expected 40 or 64"))),
        }
    }

    /// The lower-case hex id.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first `n` characters (all of them when `n` is larger).
    pub fn short(&self, n: usize) -> &str {
        &self.0[..n.min(self.0.len())]
    }
}

impl fmt::Display for CommitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for CommitId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// The run's time, normalised to UTC (T2, T10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct RunTime(OffsetDateTime);

impl RunTime {
    /// Parses an RFC 3339 timestamp; any offset is converted to UTC.
    pub fn parse_rfc3339(input: &str) -> Result<Self, EventError> {
        OffsetDateTime::parse(input, &Rfc3339)
            .map(|t| Self(t.to_offset(UtcOffset::UTC)))
            .map_err(|e| EventError::Time {
                input: input.into(),
                reason: e.to_string(),
            })
    }

    /// Midnight UTC of a `YYYY-MM-DD` date.
    pub fn parse_date(input: &str) -> Result<Self, EventError> {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        Date::parse(input, &format)
            .map(|d| Self(d.midnight().assume_utc()))
            .map_err(|e| EventError::Date {
                input: input.into(),
                reason: e.to_string(),
            })
    }

    /// Wraps a time the caller read from its clock.
    pub fn from_datetime(t: OffsetDateTime) -> Self {
        Self(t.to_offset(UtcOffset::UTC))
    }

    /// The UTC calendar date, `YYYY-MM-DD`.
    pub fn date(&self) -> String {
        let d = self.0.date();
        format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
    }

    /// RFC 3339 in UTC with a `Z`, whole seconds (`2026-07-20T14:03:00Z`).
    pub fn rfc3339(&self) -> String {
        let t = self.0;
        format!(
            "{}T{:02}:{:02}:{:02}Z",
            self.date(),
            t.hour(),
            t.minute(),
            t.second()
        )
    }
}

/// The CI event name (`GITHUB_EVENT_NAME`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// `push`.
    Push,
    /// `create` (a branch or tag was created).
    Create,
    /// `workflow_dispatch`: a manual run, which counts as the ref it names.
    WorkflowDispatch,
    /// `schedule`.
    Schedule,
    /// `pull_request` / `pull_request_target`.
    PullRequest,
    /// Anything else, kept by name.
    Other(String),
}

impl EventKind {
    /// Maps a `GITHUB_EVENT_NAME`.
    pub fn parse(name: &str) -> Self {
        match name {
            "push" => Self::Push,
            "create" => Self::Create,
            "workflow_dispatch" => Self::WorkflowDispatch,
            "schedule" => Self::Schedule,
            "pull_request" | "pull_request_target" => Self::PullRequest,
            other => Self::Other(other.to_string()),
        }
    }

    /// The event's name as CI gives it.
    pub fn name(&self) -> &str {
        match self {
            Self::Push => "push",
            Self::Create => "create",
            Self::WorkflowDispatch => "workflow_dispatch",
            Self::Schedule => "schedule",
            Self::PullRequest => "pull_request",
            Self::Other(s) => s,
        }
    }
}

/// What the event means for the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trigger {
    /// A push to the main branch (T1), or a dispatch on it.
    MainPush,
    /// A tag pushed (or created, or dispatched); the name is checked by the plan (T9).
    Tag(String),
    /// An event the policy does not name (T8), with the reason.
    Ignored(String),
}

impl Trigger {
    /// Decides what an event means from its name and full ref.
    pub fn parse(event: &str, git_ref: &str, policy: &Policy) -> Result<Self, EventError> {
        let kind = EventKind::parse(event);
        if !git_ref.starts_with("refs/") {
            return Err(EventError::Ref {
                input: git_ref.into(),
            });
        }
        let ignored = |why: String| Ok(Trigger::Ignored(why));
        match kind {
            EventKind::Push | EventKind::WorkflowDispatch | EventKind::Create => {
                if let Some(tag) = git_ref.strip_prefix("refs/tags/") {
                    return Ok(Trigger::Tag(tag.to_string()));
                }
                if let Some(branch) = git_ref.strip_prefix("refs/heads/") {
                    if kind == EventKind::Create {
                        return ignored(format!(
                            "a `create` event for branch `{branch}` is not a push; only pushes to `{}` publish (T8)",
                            policy.main_branch
                        ));
                    }
                    if branch == policy.main_branch {
                        return Ok(Trigger::MainPush);
                    }
                    return ignored(format!(
                        "branch `{branch}` is not the main branch `{}`; only main pushes and release tags publish (T8)",
                        policy.main_branch
                    ));
                }
                ignored(format!(
                    "ref `{git_ref}` is neither a branch nor a tag (T8)"
                ))
            }
            EventKind::Schedule => ignored(
                "a scheduled run publishes nothing; nightly tags come from main pushes (T8)".into(),
            ),
            EventKind::PullRequest => ignored("a pull request publishes nothing (T8)".into()),
            EventKind::Other(name) => ignored(format!(
                "event `{name}` is not one the policy publishes for (T8)"
            )),
        }
    }
}

/// A whole event: what happened, to which commit, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The event name as given.
    pub kind: EventKind,
    /// The full ref as given.
    pub git_ref: String,
    /// What it means.
    pub trigger: Trigger,
    /// The commit built.
    pub sha: CommitId,
    /// When the run happened (UTC).
    pub time: RunTime,
}

impl Event {
    /// Parses an event from the strings CI provides.
    pub fn parse(
        event: &str,
        git_ref: &str,
        sha: &str,
        time: RunTime,
        policy: &Policy,
    ) -> Result<Self, EventError> {
        let trigger = Trigger::parse(event, git_ref, policy)?;
        let sha = CommitId::parse(sha)?;
        Ok(Self {
            kind: EventKind::parse(event),
            git_ref: git_ref.into(),
            trigger,
            sha,
            time,
        })
    }
}
