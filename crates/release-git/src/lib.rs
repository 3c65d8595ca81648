//! The repository side of `release`: facts about the repository, the release history from its
//! tags, creating signed annotated tags, a strict tag verification gate and hotfix branches.
//!
//! Built on `git2` (libgit2, no OpenSSL, no network transport). Two things libgit2 cannot do
//! are done with the real programs, run with argument vectors and never through a shell:
//! signing and verifying signatures (`gpg`, `ssh-keygen`) and pushing (`git push`, so that
//! credential helpers work and a rejected ref is reported).
//!
//! - [`repo`]: open the repository, HEAD, branch, clean tree, `origin` as a web URL.
//! - [`history`]: the release history from `refs/tags/*`, refusing shallow or tagless clones.
//! - [`tagobj`]: tag names, building tag objects, and the strict parser the gate uses.
//! - [`sign`]: signing a tag payload the way git would (`gpg.format`, `user.signingkey`, ...).
//! - [`verify`]: the gate (G1-G4): every check, with its result.
//! - [`commit`]: committing exactly the files a procedure edited.
//! - [`create`]: validate, build, sign, write, verify, then create the ref without force.
//! - [`hotfix`]: hotfix branches (V8, P3) and whether a hotfix was merged back.
//! - [`checks`]: check records (`release check`) as git notes under `refs/notes/release-checks`.
//! - [`setup`]: whether this machine can sign a tag the trust root accepts.
//! - [`push`]: `git push --porcelain origin refs/tags/NAME` (G5).

mod armor;
pub mod checks;
pub mod commit;
pub mod create;
pub mod history;
pub mod hotfix;
mod openpgp;
pub mod push;
pub mod repo;
pub mod setup;
pub mod sign;
mod sshsig;
pub mod tagobj;
mod tools;
pub mod trust;
pub mod verify;

use std::fmt;

/// Why a repository operation did not give an answer, by who has to act.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// The input is wrong (a malformed tag name, a bad option value): exit 2 in the CLI.
    Input,
    /// The policy refuses the action (dirty tree, a version V5-V7 forbid, unsigned stable tag):
    /// the answer is "no", exit 1 in the CLI.
    Refused,
    /// The environment let us down (git, gpg, files, a shallow clone): exit 3 in the CLI.
    Environment,
}

/// An error with a message that names the input and the rule or check involved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitError {
    /// Who has to act.
    pub kind: ErrorKind,
    /// The full message.
    pub message: String,
    /// The rule behind a refusal, when one decided it.
    pub rule: Option<release_core::rule::Rule>,
}

impl GitError {
    /// Bad input.
    pub fn input(message: impl fmt::Display) -> Self {
        Self {
            kind: ErrorKind::Input,
            message: message.to_string(),
            rule: None,
        }
    }

    /// A refusal by the policy.
    pub fn refused(message: impl fmt::Display) -> Self {
        Self {
            kind: ErrorKind::Refused,
            message: message.to_string(),
            rule: None,
        }
    }

    /// A refusal by a rule of the policy.
    pub fn refused_by(rule: release_core::rule::Rule, message: impl fmt::Display) -> Self {
        Self {
            kind: ErrorKind::Refused,
            message: message.to_string(),
            rule: Some(rule),
        }
    }

    /// An environment problem.
    pub fn env(message: impl fmt::Display) -> Self {
        Self {
            kind: ErrorKind::Environment,
            message: message.to_string(),
            rule: None,
        }
    }

    /// A libgit2 error, with what we were doing.
    pub(crate) fn git(doing: &str, err: git2::Error) -> Self {
        Self::env(format!("{doing}: {}", err.message()))
    }
}

impl fmt::Display for GitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for GitError {}

impl From<release_core::history::Refusal> for GitError {
    fn from(r: release_core::history::Refusal) -> Self {
        GitError::refused_by(r.rule, r)
    }
}
