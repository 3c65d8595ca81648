//! The pure core of `release`: the release policy as types and functions.
//!
//! Nothing in this crate touches files, processes, the environment, the network or the clock:
//! everything it needs arrives as arguments. That makes it embeddable in other tools and
//! testable with plain values.
//!
//! - [`version`]: tag names to release versions (V1-V4, V7, V8).
//! - [`history`]: the released versions and whether a new one is allowed (V5-V7).
//! - [`line`](mod@line): which release line a branch works on (V8, P3).
//! - [`policy`]: the policy itself, `release-policy.toml`.
//! - [`promote`]: which candidate a stable version ships (P1, P2).
//! - [`identity`]: the values the policy leaves out, derived from the repository.
//! - [`event`]: the CI event (main push, tag push, other).
//! - [`matrix`]: the Docker tag plan for an event (T1-T10).
//! - [`rollback`]: where aliases belong, what a rollback moves (R2, R3, T6).
//! - [`rule`]: the policy's rules as values, carried by every refusal and finding.
//! - [`untrusted`]: outside text made safe for a terminal.
//!
//! ```
//! use release_core::{event::{Event, RunTime}, history::History, matrix::TagPlan, policy::Policy};
//!
//! let policy = Policy::default();
//! let history = History::from_tags(["v0.3.0", "v0.3.1"], &policy);
//! let event = Event::parse(
//!     "push",
//!     "refs/tags/v0.4.0",
//!     "0123456789abcdef0123456789abcdef01234567",
//!     RunTime::parse_date("2026-07-20")?,
//!     &policy,
//! )?;
//! let plan = TagPlan::compute(&event, &history, &policy)?;
//! assert_eq!(plan.tags, ["0.4.0", "0.4", "0", "latest", "sha-0123456"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod checklist;
pub mod event;
pub mod history;
pub mod identity;
pub mod line;
pub mod matrix;
pub mod policy;
pub mod promote;
pub mod rollback;
pub mod rule;
pub mod untrusted;
pub mod version;
