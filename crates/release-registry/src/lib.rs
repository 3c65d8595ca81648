//! Where releases are published: OCI registries and GitHub Releases.
//!
//! - [`client::Registry`]: the OCI distribution client. Manifests are kept as their exact
//!   bytes ([`manifest::Manifest`]) and written back unchanged, so a re-tag never changes a
//!   digest and never moves a blob. Tags resolve with HEAD (GET as a fallback), digests are
//!   checked on every GET, tag lists follow `Link` pagination.
//! - Auth as docker does it ([`credentials`], [`auth`]): docker's config file, credential
//!   helpers, Basic, the Bearer token flow with a token cache, `GITHUB_TOKEN` for ghcr.io.
//!   Secrets are [`secret::Secret`]s and never print; servers' words are redacted
//!   ([`redact`]) before they reach a message.
//! - Retries ([`retry`]) on 408/429/5xx and connection errors, honouring `Retry-After`.
//! - [`attest`]: attestations and SBOMs of a digest, wherever they were stored.
//! - [`github`]: GitHub Releases over REST.
//! - [`announce`]: posting announcements and deprecation notices (Discord, Slack, Mastodon,
//!   GitHub Discussions, JSON webhooks).
//!
//! Registries on loopback are spoken to over plain HTTP, every other host over HTTPS unless
//! named as insecure ([`reference::scheme_for`]).

pub mod announce;
pub mod attest;
pub mod auth;
pub mod client;
pub mod credentials;
pub mod error;
pub mod github;
pub mod manifest;
pub mod redact;
pub mod reference;
pub mod retry;
pub mod sample;
pub mod secret;

pub use client::{ClientOptions, Registry, RetagOptions, RetagReport};
pub use error::RegistryError;
pub use manifest::Manifest;
pub use reference::{Digest, ImageRef, ImageRepository};
pub use secret::Secret;
