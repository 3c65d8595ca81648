//! `release policy`: show the effective policy, check a policy file.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use release_core::identity::Derivation;
use serde::Serialize;

use crate::context::{self, Context};
use crate::error::{CliError, CliResult, Outcome};
use crate::output;

/// `release policy ...`
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Prints the effective policy (the file's or the built-in one, with every default and
    /// derived value filled in) as TOML, saying where each derived value came from.
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

/// The JSON of `release policy show`.
#[derive(Debug, Serialize)]
struct ShowReport<'a> {
    /// The policy file's path, or `built-in`.
    source: String,
    policy: &'a release_core::policy::Policy,
    derived: &'a [Derivation],
}

/// Where each derived value came from, as TOML comments (so the output stays a valid policy).
pub fn derived_comment(derived: &[Derivation]) -> String {
    let mut out = String::from("# values and where they came from:\n");
    let width = derived.iter().map(|d| d.key.len()).max().unwrap_or(0);
    for d in derived {
        let note = d
            .note
            .as_deref()
            .map(|n| format!("; {n}"))
            .unwrap_or_default();
        out.push_str(&format!(
            "#   {:<width$}  {}  ({}{note})\n",
            d.key,
            release_core::untrusted::escape(&d.value),
            d.source
        ));
    }
    out
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
                output::print_json(&ShowReport {
                    source: ctx.policy_origin(),
                    policy: ctx.policy(),
                    derived: ctx.derived(),
                })?;
            } else {
                match &ctx.policy_path {
                    Some(path) => println!("# effective policy from {}", path.display()),
                    None => println!("# the built-in policy (no release-policy.toml found)"),
                }
                print!("{}", derived_comment(ctx.derived()));
                print!("{}", ctx.policy().to_toml());
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
