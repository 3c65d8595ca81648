//! `release`: runs a project's release policy from a terminal or a CI job.
//!
//! This binary is a thin front: it parses arguments, loads the policy, reads files and the
//! clock, and calls the library crates, which make every decision.

mod checks;
mod commands;
mod context;
mod error;
mod gitctx;
mod lazy;
mod output;
mod progress;
mod released;
mod runner;
mod summary;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use crate::context::Context;
use crate::error::{CliError, Outcome};
use crate::lazy::Lazy;

/// Runs a project's release process from one policy: versions, release candidates, the Docker
/// tag matrix, changelog, signed tags, publishing checks, hotfixes and rollbacks.
#[derive(Debug, Parser)]
#[command(
    name = "release",
    version,
    propagate_version = true,
    max_term_width = 100
)]
struct Cli {
    /// The policy file (default: `release-policy.toml` from the current directory upwards, else
    /// the built-in policy).
    #[arg(long, global = true, value_name = "PATH")]
    policy: Option<PathBuf>,
    /// The protected ref the trust root (the `[signing]` section and key files) is read from
    /// (default: the policy's main branch, `refs/remotes/origin/<main>`, else `refs/heads/<main>`).
    #[arg(long, global = true, value_name = "REF")]
    trust_ref: Option<String>,
    /// Machine-readable JSON output (the same shape in a dry run).
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Where the repository stands: releases, Unreleased changes, the next step.
    Status(Lazy<commands::status::StatusArgs>),
    /// Prepare a stable release: lint, changelog section, upgrading notes, optional commit.
    Prepare(Lazy<commands::prepare::PrepareArgs>),
    /// The Docker tag plan for a CI event (T1-T10).
    Plan(Lazy<commands::plan::PlanArgs>),
    /// The gate a release workflow calls: verify the tag, refuse a re-release, plan, notes.
    Ci(Lazy<commands::ci::CiArgs>),
    /// The next version, and whether a version may be released (V4-V8).
    #[command(subcommand)]
    Version(commands::version::VersionCommand),
    /// Show or check the release policy.
    #[command(subcommand)]
    Policy(commands::policy::PolicyCommand),
    /// Create a signed annotated release tag on HEAD (dry run without --execute).
    Tag(Lazy<commands::tag::TagArgs>),
    /// Verify a release tag strictly (G1-G4): exit 0 only when it passes.
    VerifyTag(Lazy<commands::verify_tag::VerifyTagArgs>),
    /// Release candidates: the next candidate tag, and cutting it (V7, P1).
    #[command(subcommand)]
    Rc(commands::rc::RcCommand),
    /// Hotfix branches (V8, P3): start one, and check it was merged back.
    #[command(subcommand)]
    Hotfix(commands::hotfix::HotfixCommand),
    /// Check what was published: tags on one digest, SBOM and provenance, GitHub Release (A1-A3).
    Verify(Lazy<commands::verify::VerifyArgs>),
    /// Registry tags: list, resolve, re-tag byte-for-byte, reconcile aliases, push a sample.
    #[command(subcommand)]
    Registry(commands::registry::RegistryCommand),
    /// Roll back a defective release: move its aliases, mark its GitHub Release and changelog (R1-R4).
    Rollback(Lazy<commands::rollback::RollbackArgs>),
    /// Announce a stable release on the policy's channels (N1), or send the deprecation notice
    /// of a rolled-back one (R6); a dry run without --execute.
    Announce(Lazy<commands::announce::AnnounceArgs>),
    /// Ship a tested release candidate's image as the stable version.
    Promote(Lazy<commands::promote::PromoteArgs>),
    /// Set a repository up: policy, changelog, upgrading guide, release workflows.
    Init(Lazy<commands::init::InitArgs>),
    /// Print the shell completion script.
    Completions(Lazy<commands::completions::CompletionsArgs>),
    /// Print the man page (or write all pages with --dir).
    Man(Lazy<commands::completions::ManArgs>),
    /// The changelog: lint, prepare a release, notes, add, yank, next version (C1-C6, R4).
    #[command(subcommand)]
    Changelog(commands::changelog::ChangelogCommand),
    /// The upgrading guide: add a version's notes, check they are there (C5).
    #[command(subcommand)]
    Upgrading(commands::upgrading::UpgradingCommand),
    /// A procedure (P1-P4) as a checklist for a tracking issue; --check ticks what passed.
    Checklist(Lazy<commands::checklist::ChecklistArgs>),
    /// Every check that can run before tagging; exit 1 naming the failing items.
    Preflight(Lazy<commands::preflight::PreflightArgs>),
    /// Run the policy's checks on HEAD and record the result (tests, smoke, restore drill), or
    /// check this machine's signing setup.
    Check(Lazy<commands::check::CheckArgs>),
}

/// The allocator of the static musl binaries (see the `mimalloc` dependency in Cargo.toml: musl's
/// own maps and unmaps pages for each size class it serves).
#[cfg(target_env = "musl")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    let cli = match parse_args() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            // clap's own exit code is 2 for usage errors and 0 for --help/--version.
            return ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(2));
        }
    };
    let github_actions = std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true");
    match run(cli) {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::No) => ExitCode::from(1),
        Err(err) => {
            if github_actions {
                println!("::error::{}", output::annotation(&err.message));
            }
            eprintln!(
                "error: {}",
                release_core::untrusted::escape_multiline(&err.to_string())
            );
            ExitCode::from(err.code())
        }
    }
}

fn run(cli: Cli) -> Result<Outcome, CliError> {
    let cwd = std::env::current_dir()
        .map_err(|e| CliError::env(format!("cannot read the current directory: {e}")))?;
    let mut ctx = Context::load(cli.policy.as_deref(), &cwd, cli.json)?;
    ctx.trust_ref = cli.trust_ref;
    match cli.command {
        Command::Status(Lazy(args)) => commands::status::run(&ctx, args),
        Command::Prepare(Lazy(args)) => commands::prepare::run(&ctx, args),
        Command::Plan(Lazy(args)) => commands::plan::run(&ctx, args),
        Command::Ci(Lazy(args)) => commands::ci::run(&ctx, args),
        Command::Version(command) => commands::version::run(&ctx, command),
        Command::Policy(command) => commands::policy::run(&ctx, command),
        Command::Tag(Lazy(args)) => commands::tag::run(&ctx, args),
        Command::VerifyTag(Lazy(args)) => commands::verify_tag::run(&ctx, args),
        Command::Rc(command) => commands::rc::run(&ctx, command),
        Command::Hotfix(command) => commands::hotfix::run(&ctx, command),
        Command::Verify(Lazy(args)) => commands::verify::run(&ctx, args),
        Command::Registry(command) => commands::registry::run(&ctx, command),
        Command::Rollback(Lazy(args)) => commands::rollback::run(&ctx, args),
        Command::Announce(Lazy(args)) => commands::announce::run(&ctx, args),
        Command::Promote(Lazy(args)) => commands::promote::run(&ctx, args),
        Command::Init(Lazy(args)) => commands::init::run(&ctx, args),
        Command::Completions(Lazy(args)) => {
            commands::completions::completions(Cli::command(), args)
        }
        Command::Man(Lazy(args)) => commands::completions::man(Cli::command(), args),
        Command::Changelog(command) => commands::changelog::run(&ctx, command),
        Command::Upgrading(command) => commands::upgrading::run(&ctx, command),
        Command::Checklist(Lazy(args)) => commands::checklist::run(&ctx, args),
        Command::Preflight(Lazy(args)) => commands::preflight::run(&ctx, args),
        Command::Check(Lazy(args)) => commands::check::run(&ctx, args),
    }
}

/// `Cli::try_parse`, without dropping clap's command tree: the process is about to run one
/// command and exit, and freeing the tree (every command, argument and help text, one
/// allocation each) was a tenth of `release --version`'s work (issue 14). The memory goes back
/// to the system at exit, as it would at any exit.
fn parse_args() -> Result<Cli, clap::Error> {
    use clap::FromArgMatches;
    let mut command = Cli::command();
    let parsed = command
        .try_get_matches_from_mut(std::env::args_os())
        .and_then(|mut matches| {
            // As `try_parse` does: the error carries the command's usage.
            Cli::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut command))
        });
    std::mem::forget(command);
    parsed
}

/// `release status | head -3`: the reader closed the pipe, which is not an error of ours. The
/// standard library's `print!` panics on it (`EPIPE`); the process ends quietly instead, with
/// the exit status a shell gives a process killed by SIGPIPE (141), as `git` and `ls` do. Any
/// other panic keeps the default report.
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        // `print!`'s own panic, or a library's `expect` on a write to the closed pipe.
        if message.contains("Broken pipe") || message.contains("BrokenPipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}
