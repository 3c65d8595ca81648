//! `release policy`: show the effective policy, check a policy file.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde::Serialize;

use crate::context::{self, Context};
use crate::error::{CliError, CliResult, Outcome};
use crate::output;

/// `release policy ...`
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Prints the effective policy (the file's, with every default filled in) as TOML.
    Show,
    /// Validates a policy file (default: the one found from the current directory upwards).
    Check(CheckArgs),
}

/// Arguments of `release policy check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The file to check.
    pub path: Option<PathBuf>,
}

#[derive(Debug, Serialize)]
struct CheckReport {
    path: String,
    valid: bool,
}

/// Runs `release policy ...`.
pub fn run(ctx: &Context, command: PolicyCommand) -> CliResult {
    match command {
        PolicyCommand::Show => {
            if ctx.json {
                output::print_json(&ctx.policy)?;
            } else {
                match &ctx.policy_path {
                    Some(path) => println!("# effective policy from {}", path.display()),
                    None => println!("# the built-in policy (no release-policy.toml found)"),
                }
                print!("{}", ctx.policy.to_toml());
            }
            Ok(Outcome::Ok)
        }
        PolicyCommand::Check(args) => {
            let path = args
                .path
                .or_else(|| ctx.policy_path.clone())
                .ok_or_else(|| {
                    CliError::input(format!(
                        "no policy file to check: none named and no {} found from here upwards",
                        context::POLICY_FILE
                    ))
                })?;
            context::load_policy_file(&path)?;
            if ctx.json {
                output::print_json(&CheckReport {
                    path: path.display().to_string(),
                    valid: true,
                })?;
            } else {
                println!("{}: valid", path.display());
            }
            Ok(Outcome::Ok)
        }
    }
}
