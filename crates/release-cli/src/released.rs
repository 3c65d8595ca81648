//! `--released` / `--released-file`: the release history given on the command line.

use std::io::Read;
use std::path::PathBuf;

use clap::Args;
use release_core::history::History;
use release_core::policy::Policy;

use crate::error::CliError;

/// Where the released tags come from, when not from the repository.
#[derive(Debug, Clone, Default, Args)]
pub struct ReleasedArgs {
    /// Released tags, comma-separated (`v0.3.0,v0.3.1`). Tags that are not release tags are
    /// ignored.
    #[arg(long, value_delimiter = ',', value_name = "TAG,...")]
    pub released: Vec<String>,
    /// A file with one released tag per line (whitespace-separated works too); `-` reads stdin.
    #[arg(long, value_name = "PATH|-")]
    pub released_file: Option<PathBuf>,
}

impl ReleasedArgs {
    /// True when the user gave a history on the command line.
    pub fn given(&self) -> bool {
        !self.released.is_empty() || self.released_file.is_some()
    }

    /// The history from the flags when any was given (`None`: the caller's own source applies).
    pub fn history_if_given(&self, policy: &Policy) -> Result<Option<History>, CliError> {
        self.given().then(|| self.history(policy)).transpose()
    }

    /// The history from `--released` and `--released-file` together.
    pub fn history(&self, policy: &Policy) -> Result<History, CliError> {
        let mut text = String::new();
        if let Some(path) = &self.released_file {
            if path.as_os_str() == "-" {
                std::io::stdin().read_to_string(&mut text).map_err(|e| {
                    CliError::env(format!("cannot read released tags from stdin: {e}"))
                })?;
            } else {
                text = std::fs::read_to_string(path).map_err(|e| {
                    CliError::env(format!(
                        "cannot read released tags from {}: {e}",
                        path.display()
                    ))
                })?;
            }
        }
        let from_file = text.split_ascii_whitespace();
        let from_flag = self.released.iter().map(String::as_str);
        Ok(History::from_tags(from_flag.chain(from_file), policy))
    }
}
