//! `release completions SHELL` and `release man`: generated from the CLI definition.

use std::path::PathBuf;

use clap::Args;

use crate::error::{CliError, CliResult, Outcome};

/// Arguments of `release completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Arguments of `release man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write one page per command into this directory instead of printing `release.1`.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Prints the completion script for a shell.
pub fn completions(mut command: clap::Command, args: CompletionsArgs) -> CliResult {
    clap_complete::generate(args.shell, &mut command, "release", &mut std::io::stdout());
    Ok(Outcome::Ok)
}

/// Prints the man page, or writes every page into a directory.
pub fn man(command: clap::Command, args: ManArgs) -> CliResult {
    match args.dir {
        Some(dir) => {
            std::fs::create_dir_all(&dir)
                .map_err(|e| CliError::env(format!("cannot create {}: {e}", dir.display())))?;
            clap_mangen::generate_to(command, &dir).map_err(|e| {
                CliError::env(format!("cannot write man pages to {}: {e}", dir.display()))
            })?;
            println!("man pages written to {}", dir.display());
        }
        None => {
            let mut out = Vec::new();
            clap_mangen::Man::new(command)
                .render(&mut out)
                .map_err(|e| CliError::env(format!("cannot render the man page: {e}")))?;
            use std::io::Write;
            std::io::stdout()
                .write_all(&out)
                .map_err(|e| CliError::env(format!("cannot print: {e}")))?;
        }
    }
    Ok(Outcome::Ok)
}
