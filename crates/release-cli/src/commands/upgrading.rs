//! `release upgrading ...`: version notes in the upgrading guide (C5).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use release_changelog::upgrading::{self, UpgradeNotes};

use crate::commands::changelog::{finish_edit, read_text, say};
use crate::context::Context;
use crate::error::{CliError, CliResult, Outcome};
use crate::output;

/// `release upgrading ...`
#[derive(Debug, Subcommand)]
pub enum UpgradingCommand {
    /// Add a version's breaking changes and environment variable changes, in the guide's
    /// shape (version-keyed tables, or a section per version).
    Add(AddArgs),
    /// Whether the guide has notes for a version; exit 1 with what is missing.
    Check(CheckArgs),
}

/// Arguments of `upgrading add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// The version.
    #[arg(value_name = "VERSION")]
    pub release: String,
    #[command(flatten)]
    pub notes: UpgradeFlags,
    /// Print the unified diff; do not write.
    #[arg(long)]
    pub dry_run: bool,
    /// The guide (default: the policy's `changelog.upgrading`).
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
}

/// A version's upgrading notes as flags (shared by `upgrading add` and `prepare`).
#[derive(Debug, Clone, Default, Args)]
pub struct UpgradeFlags {
    /// A breaking change (repeatable; pairs with the `--migration` in the same position).
    #[arg(long, value_name = "TEXT")]
    pub breaking: Vec<String>,
    /// How to migrate, for the `--breaking` in the same position.
    #[arg(long, value_name = "TEXT")]
    pub migration: Vec<String>,
    /// A new environment variable, `NAME=description` (repeatable).
    #[arg(long, value_name = "NAME=description")]
    pub env_added: Vec<String>,
    /// A removed environment variable (repeatable).
    #[arg(long, value_name = "NAME")]
    pub env_removed: Vec<String>,
    /// A renamed environment variable, `OLD=NEW` (repeatable).
    #[arg(long, value_name = "OLD=NEW")]
    pub env_renamed: Vec<String>,
    /// Record "no breaking changes" / "no variable changes" for what is not given.
    #[arg(long)]
    pub none: bool,
}

impl UpgradeFlags {
    /// True when no note at all was given (not even `--none`).
    pub fn is_empty(&self) -> bool {
        !self.none
            && self.breaking.is_empty()
            && self.env_added.is_empty()
            && self.env_removed.is_empty()
            && self.env_renamed.is_empty()
    }

    /// The notes the flags describe.
    pub fn notes(&self) -> Result<UpgradeNotes, CliError> {
        if self.migration.len() > self.breaking.len() {
            return Err(CliError::input(format!(
                "{} --migration texts but {} --breaking: each migration belongs to the breaking change in the same position",
                self.migration.len(),
                self.breaking.len()
            )));
        }
        let mut notes = UpgradeNotes {
            none: self.none,
            ..UpgradeNotes::default()
        };
        for (i, b) in self.breaking.iter().enumerate() {
            notes
                .breaking
                .push((b.clone(), self.migration.get(i).cloned()));
        }
        for a in &self.env_added {
            let (name, desc) = a.split_once('=').unwrap_or((a.as_str(), ""));
            notes
                .env_added
                .push((name.trim().to_string(), desc.trim().to_string()));
        }
        notes.env_removed = self
            .env_removed
            .iter()
            .map(|n| n.trim().to_string())
            .collect();
        for r in &self.env_renamed {
            let Some((old, new)) = r.split_once('=') else {
                return Err(CliError::input(format!(
                    "--env-renamed {r:?}: write OLD=NEW"
                )));
            };
            notes
                .env_renamed
                .push((old.trim().to_string(), new.trim().to_string()));
        }
        Ok(notes)
    }
}

/// Arguments of `upgrading check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The version.
    #[arg(value_name = "VERSION")]
    pub release: String,
    /// The guide (default: the policy's `changelog.upgrading`).
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
}

/// Runs `release upgrading ...`.
pub fn run(ctx: &Context, command: UpgradingCommand) -> CliResult {
    match command {
        UpgradingCommand::Add(args) => add(ctx, args),
        UpgradingCommand::Check(args) => check(ctx, args),
    }
}

/// The guide's text before and after adding a version's notes (a missing guide is started
/// with a title).
pub fn guide_edit(
    ctx: &Context,
    path: &std::path::Path,
    version: &str,
    notes: &UpgradeNotes,
) -> Result<(String, release_changelog::Edit), CliError> {
    let old = if path.exists() {
        read_text(path)?
    } else {
        String::new()
    };
    let base = if old.is_empty() {
        "# Upgrading\n\nVersion-specific notes, newest first.\n".to_string()
    } else {
        old.clone()
    };
    let mut edit = upgrading::add(&base, version, notes, ctx.policy())
        .map_err(|e| CliError::input(format!("{}: {e}", path.display())))?;
    if old.is_empty() {
        edit.changes.insert(0, "created the guide".into());
    }
    Ok((old, edit))
}

fn add(ctx: &Context, args: AddArgs) -> CliResult {
    let path = args
        .file
        .clone()
        .unwrap_or_else(|| ctx.resolve(&ctx.policy().changelog.upgrading));
    let notes = args.notes.notes()?;
    let (old, edit) = guide_edit(ctx, &path, &args.release, &notes)?;
    finish_edit(ctx, &path, &old, edit, args.dry_run)
}

fn check(ctx: &Context, args: CheckArgs) -> CliResult {
    let path = args
        .file
        .clone()
        .unwrap_or_else(|| ctx.resolve(&ctx.policy().changelog.upgrading));
    let text = read_text(&path)?;
    let report = upgrading::check(&text, &args.release);
    if ctx.json {
        output::print_json(&report)?;
    } else if report.ok {
        say!("{}: notes for {} present", path.display(), report.version);
    } else {
        for m in &report.missing {
            say!("{}: missing {m} (C5)", path.display());
        }
    }
    Ok(if report.ok { Outcome::Ok } else { Outcome::No })
}
