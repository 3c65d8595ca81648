//! The command tree as people read it, now that clap builds a command's arguments only when
//! the command is selected (issue 14, `src/lazy.rs`): every command's own help opens with the
//! description `release --help` lists for it, global options reach every command, and
//! `release help A B` still walks nested commands. Runs the real binary; no repository needed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output};

fn release(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_release"))
        .args(args)
        .env("COLUMNS", "100")
        .output()
        .unwrap()
}

#[track_caller]
fn ok(args: &[&str]) -> String {
    let o = release(args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "release {args:?}: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The `Commands:` listing of a help text: (name, the first line of its description).
fn listed(help: &str) -> Vec<(String, String)> {
    help.lines()
        .skip_while(|l| l.trim() != "Commands:")
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        // Entries start two spaces in; wrapped description lines are indented further.
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| {
            let l = l.trim();
            let (name, about) = l.split_once(char::is_whitespace)?;
            Some((name.to_string(), about.trim().to_string()))
        })
        .filter(|(name, _)| name != "help")
        .collect()
}

/// A help text's description: everything before its `Usage:` line, on one line.
fn description(help: &str) -> String {
    help.lines()
        .take_while(|l| !l.starts_with("Usage:"))
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
}

#[track_caller]
fn each_listed_command_opens_with_its_listing(path: &[&str]) -> usize {
    let mut args = path.to_vec();
    args.push("--help");
    let commands = listed(&ok(&args));
    assert!(
        !commands.is_empty(),
        "no commands listed by release {path:?} --help"
    );
    for (name, about) in &commands {
        let mut args = path.to_vec();
        args.extend([name.as_str(), "--help"]);
        let own = description(&ok(&args));
        assert!(
            own.starts_with(about.as_str()),
            "release {path:?} --help lists `{name}` as {about:?}, but its own help opens with {own:?}"
        );
    }
    commands.len()
}

#[test]
fn every_command_opens_its_help_with_the_description_it_is_listed_with() {
    // The top level (23 commands) and the nested groups, whose leaves are built lazily too.
    assert!(each_listed_command_opens_with_its_listing(&[]) >= 20);
    for group in [
        "changelog",
        "registry",
        "version",
        "policy",
        "rc",
        "hotfix",
        "upgrading",
    ] {
        assert!(
            each_listed_command_opens_with_its_listing(&[group]) >= 2,
            "{group}"
        );
    }
}

#[test]
fn global_options_reach_commands_built_lazily() {
    for path in [
        &["status"][..],
        &["verify-tag"],
        &["changelog", "notes"],
        &["registry", "retag"],
    ] {
        let mut args = path.to_vec();
        args.push("--help");
        let help = ok(&args);
        for global in ["--policy <PATH>", "--trust-ref <REF>", "--json"] {
            assert!(
                help.contains(global),
                "release {path:?} --help lacks {global}:\n{help}"
            );
        }
    }
}

#[test]
fn help_walks_nested_commands_and_errors_name_the_command() {
    let help = ok(&["help", "changelog", "lint"]);
    assert!(help.contains("Usage: release changelog lint"), "{help}");

    let o = release(&["changelog", "notes", "--no-such-flag"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--no-such-flag") && err.contains("release changelog notes"),
        "{err}"
    );

    let o = release(&["no-such-command"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unrecognized subcommand"));
}
