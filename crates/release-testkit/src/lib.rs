//! The test harnesses of `release`, one dev-dependency for every crate's tests (they were
//! `#[path]` includes of another crate's test folder before):
//!
//! - [`git`]: isolated repositories and throwaway OpenPGP and SSH keys (generated once per
//!   test binary; a watcher process stops their gpg-agents and removes them when it exits).
//! - [`registry`]: Debian's `docker-registry` on a free loopback port, a token server, a
//!   fault-injecting proxy, and local fakes of GitHub and the announcement services that answer
//!   as their documentation says.
// Test harness code: its public items are documented where the intent is not obvious from
// the name; it panics on setup failures by design (a failed setup is a failed test).
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::new_without_default
)]

pub mod git;
pub mod registry;
