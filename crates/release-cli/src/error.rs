//! Exit codes and the error type every command returns.
//!
//! The contract (documented in `docs/exit-codes.md`): 0 ok, 1 a check failed (the answer is
//! "no"), 2 bad usage or input, 3 an environment problem (git, network, auth, files).

use std::fmt;

/// How a command ended, when it did not fail outright.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0: the answer is "yes" / the work was done.
    Ok,
    /// Exit 1: the command ran fine and the answer is "no" (a check failed).
    No,
}

/// Why a command could not give an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Exit 2: bad usage or bad input (a malformed tag, config, changelog...).
    Input,
    /// Exit 3: the environment let us down (git, network, auth, file system).
    Environment,
}

/// A failure with a message that names the input and the rule.
#[derive(Debug)]
pub struct CliError {
    /// Which exit code this maps to.
    pub failure: Failure,
    /// The full message, shown to the user as is.
    pub message: String,
}

impl CliError {
    /// Bad usage or input (exit 2).
    pub fn input(message: impl fmt::Display) -> Self {
        Self {
            failure: Failure::Input,
            message: message.to_string(),
        }
    }

    /// An environment problem (exit 3).
    pub fn env(message: impl fmt::Display) -> Self {
        Self {
            failure: Failure::Environment,
            message: message.to_string(),
        }
    }

    /// The process exit code for this error.
    pub fn code(&self) -> u8 {
        match self.failure {
            Failure::Input => 2,
            Failure::Environment => 3,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// What every command returns.
pub type CliResult = Result<Outcome, CliError>;
