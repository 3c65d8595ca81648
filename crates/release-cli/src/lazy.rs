//! Commands whose arguments clap builds only when it enters them.
//!
//! Deriving `Parser` builds the whole command tree (every subcommand, every argument, its help
//! text) before the first argument is read, and `release` has two dozen commands: that was most
//! of the work of `release --version` and a good part of a short command's start-up (issue 14).
//! [`Lazy`] hands clap a deferred builder ([`clap::Command::defer`]) instead, so a command's
//! arguments are built when the command line selects it, or when help, completions or the man
//! page walk the whole tree (clap builds every deferred part then). The names and one-line
//! descriptions of the subcommands stay in the top-level command, so `release --help` and
//! "unrecognized subcommand" errors are unchanged.

use clap::{ArgMatches, Args, Command, FromArgMatches};

/// A command's arguments (`T: Args`), built when clap enters the command.
#[derive(Debug)]
pub struct Lazy<T>(pub T);

impl<T: FromArgMatches> FromArgMatches for Lazy<T> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(matches).map(Lazy)
    }

    fn from_arg_matches_mut(matches: &mut ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches_mut(matches).map(Lazy)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(matches)
    }

    fn update_from_arg_matches_mut(&mut self, matches: &mut ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches_mut(matches)
    }
}

impl<T: Args> Args for Lazy<T> {
    fn group_id() -> Option<clap::Id> {
        T::group_id()
    }

    fn augment_args(cmd: Command) -> Command {
        cmd.defer(build_args::<T>)
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        cmd.defer(build_args_for_update::<T>)
    }
}

/// The deferred part: `T`'s arguments. The derive also applies the argument struct's own doc
/// comment as the command's description; the variant's (set when the command was named, and
/// shown in `release --help`) is the one users read, so it is kept.
fn build_args<T: Args>(cmd: Command) -> Command {
    keep_descriptions(cmd, T::augment_args)
}

fn build_args_for_update<T: Args>(cmd: Command) -> Command {
    keep_descriptions(cmd, T::augment_args_for_update)
}

fn keep_descriptions(cmd: Command, augment: fn(Command) -> Command) -> Command {
    let about = cmd.get_about().cloned();
    let long_about = cmd.get_long_about().cloned();
    let cmd = augment(cmd);
    let cmd = match about {
        Some(about) => cmd.about(about),
        None => cmd,
    };
    match long_about {
        Some(long_about) => cmd.long_about(long_about),
        None => cmd,
    }
}
