//! The policy's checks (`[checks]`: the test suite, the smoke test, the restore drill) as
//! commands to run and as records of a run, and the decisions that read those records: does a
//! record count for this commit, and may a stable tag be created (P2, P3).
//!
//! A run is recorded against the exact commit it ran on, from a clean working tree (the CLI
//! keeps the records as git notes, see `release_git::checks`). A record counts only for that
//! commit, while the tree is still clean, and for the commands the policy names now: a new
//! commit, an edit or a changed command list needs a new run.
//!
//! ```
//! use release_core::checks::{CheckKind, Invocation, Standing};
//!
//! // An argument vector unless the string needs a shell, and then it says why.
//! assert_eq!(
//!     Invocation::parse("cargo test --workspace")?,
//!     Invocation::Direct { argv: vec!["cargo".into(), "test".into(), "--workspace".into()] }
//! );
//! assert!(matches!(Invocation::parse("cd frontend && npm run test")?, Invocation::Shell { .. }));
//! assert!(!Standing::Missing.check_result(CheckKind::Tests, "0123456789abcdef").is_ok());
//! # Ok::<(), release_core::checks::CommandError>(())
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::checklist::CheckResult;
use crate::policy::Policy;
use crate::rule::Rule;
use crate::version::ReleaseVersion;

/// The version of the record format written in every note.
pub const RECORD_FORMAT: u32 = 1;

/// One of the policy's checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckKind {
    /// `checks.test_commands`: the full test suite (P2), or the affected tests (P3).
    Tests,
    /// `checks.smoke_command` (P1 in CI, P3 locally).
    Smoke,
    /// `checks.restore_drill_command`: for a hotfix in a critical path (P3).
    RestoreDrill,
}

impl CheckKind {
    /// Every check, in the order the procedures run them.
    pub const ALL: [CheckKind; 3] = [CheckKind::Tests, CheckKind::Smoke, CheckKind::RestoreDrill];

    /// The name on the command line and in records: `tests`, `smoke`, `restore-drill`.
    pub fn name(self) -> &'static str {
        match self {
            CheckKind::Tests => "tests",
            CheckKind::Smoke => "smoke",
            CheckKind::RestoreDrill => "restore-drill",
        }
    }

    /// Parses a name as [`CheckKind::name`] writes it.
    pub fn parse(name: &str) -> Option<CheckKind> {
        CheckKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The policy key holding the check's commands.
    pub fn policy_key(self) -> &'static str {
        match self {
            CheckKind::Tests => "checks.test_commands",
            CheckKind::Smoke => "checks.smoke_command",
            CheckKind::RestoreDrill => "checks.restore_drill_command",
        }
    }

    /// The commands the policy names for this check (blank ones dropped).
    pub fn commands(self, policy: &Policy) -> Vec<String> {
        let checks = &policy.checks;
        let list: Vec<String> = match self {
            CheckKind::Tests => checks.test_commands().to_vec(),
            CheckKind::Smoke => vec![checks.smoke_command.clone()],
            CheckKind::RestoreDrill => vec![checks.restore_drill_command.clone()],
        };
        list.into_iter().filter(|c| !c.trim().is_empty()).collect()
    }
}

impl fmt::Display for CheckKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Characters that give a command string a meaning only a shell can give it (operators,
/// redirections, expansions, quoting, globs, comments).
const SHELL_SYNTAX: &[char] = &[
    '|', '&', ';', '<', '>', '(', ')', '$', '`', '\\', '"', '\'', '*', '?', '[', ']', '#', '~',
    '\n', '{', '}',
];

/// How a policy command string runs.
///
/// The rule: a string made of plain words runs as an argument vector (split on whitespace, no
/// shell). A string with shell syntax (any of `| & ; < > ( ) $ `` ` `` \ " ' * ? [ ] # ~ { }`,
/// a line break, or a first word that assigns a variable, `NAME=value cmd`) runs as
/// `sh -c STRING`, and the output says so and why. Nothing is guessed beyond that.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "mode", rename_all = "kebab-case")]
pub enum Invocation {
    /// Run the program with these arguments, no shell.
    Direct {
        /// The program and its arguments.
        argv: Vec<String>,
    },
    /// Run `sh -c script`.
    Shell {
        /// The command string as the policy writes it.
        script: String,
        /// Why it needs a shell (the syntax found).
        reason: String,
    },
}

/// A command string that cannot run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("command {command:?}: {reason}")]
pub struct CommandError {
    /// The command string.
    pub command: String,
    /// Why.
    pub reason: String,
}

impl Invocation {
    /// Decides how `command` runs (see [`Invocation`]).
    pub fn parse(command: &str) -> Result<Invocation, CommandError> {
        if command.trim().is_empty() {
            return Err(CommandError {
                command: command.into(),
                reason: "an empty command".into(),
            });
        }
        if let Some(c) = command
            .chars()
            .find(|c| c.is_control() && !matches!(c, '\n' | '\t'))
        {
            return Err(CommandError {
                command: command.into(),
                reason: format!("the control character {c:?} is not allowed in a command"),
            });
        }
        let mut found: Vec<String> = Vec::new();
        for c in SHELL_SYNTAX {
            if command.contains(*c) {
                found.push(match c {
                    '\n' => "a line break".into(),
                    other => format!("`{other}`"),
                });
            }
        }
        let first = command.split_whitespace().next().unwrap_or_default();
        if first.contains('=') {
            found.push(format!("the variable assignment `{first}`"));
        }
        if found.is_empty() {
            Ok(Invocation::Direct {
                argv: command.split_whitespace().map(str::to_string).collect(),
            })
        } else {
            Ok(Invocation::Shell {
                script: command.into(),
                reason: format!("it uses shell syntax: {}", found.join(", ")),
            })
        }
    }

    /// The command as it will run, for people: the words, or `sh -c '…'`.
    pub fn display(&self) -> String {
        match self {
            Invocation::Direct { argv } => argv.join(" "),
            Invocation::Shell { script, .. } => {
                format!("sh -c '{}'", script.replace('\'', "'\\''"))
            }
        }
    }
}

/// How a recorded run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RunResult {
    /// Every command exited 0.
    Pass,
    /// A command exited non-zero (or was killed by a signal).
    Fail,
    /// A command ran past the timeout and was stopped.
    Timeout,
    /// A command could not be started.
    Error,
}

impl RunResult {
    /// `pass`, `fail`, `timeout`, `error`.
    pub fn name(self) -> &'static str {
        match self {
            RunResult::Pass => "pass",
            RunResult::Fail => "fail",
            RunResult::Timeout => "timeout",
            RunResult::Error => "error",
        }
    }
}

/// One run of a check, as recorded against a commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckRecord {
    /// Which check.
    pub check: CheckKind,
    /// How it ended.
    pub result: RunResult,
    /// The full commit id HEAD was at for the whole run.
    pub commit: String,
    /// Whether the working tree was clean before and after the run.
    pub tree_clean: bool,
    /// When the run started (RFC 3339, UTC).
    pub started: String,
    /// When it finished (RFC 3339, UTC).
    pub finished: String,
    /// How long it took, in milliseconds.
    pub duration_ms: u64,
    /// The commands, as the policy writes them, in order.
    pub commands: Vec<String>,
    /// The command that failed, timed out or could not start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_command: Option<String>,
    /// Its exit code, when it exited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
    /// The tool that ran it (`release 0.1.0`).
    pub tool: String,
    /// Who ran it (`Name <email>` from git config), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

/// The content of one commit's note: the newest record of each check.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordNote {
    /// [`RECORD_FORMAT`].
    pub format: u32,
    /// The newest record per check.
    pub records: Vec<CheckRecord>,
}

/// A note that is not a record this version can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the check record is unreadable: {reason}")]
pub struct RecordError {
    /// Why (never the note's text).
    pub reason: String,
}

impl RecordNote {
    /// Parses a note's JSON. Errors name the problem, not the text (a note is outside data).
    pub fn parse(text: &str) -> Result<RecordNote, RecordError> {
        let note: RecordNote = serde_json::from_str(text).map_err(|e| RecordError {
            reason: format!(
                "not a release check record (JSON error at line {}, column {})",
                e.line(),
                e.column()
            ),
        })?;
        if note.format != RECORD_FORMAT {
            return Err(RecordError {
                reason: format!(
                    "record format {} (this release reads format {RECORD_FORMAT})",
                    note.format
                ),
            });
        }
        Ok(note)
    }

    /// The note with `record` replacing the earlier record of its check.
    pub fn with(mut self, record: CheckRecord) -> RecordNote {
        self.format = RECORD_FORMAT;
        self.records.retain(|r| r.check != record.check);
        self.records.push(record);
        self.records.sort_by_key(|r| r.check);
        self
    }

    /// The record of `check`, if any.
    pub fn get(&self, check: CheckKind) -> Option<&CheckRecord> {
        self.records.iter().find(|r| r.check == check)
    }

    /// The note as pretty JSON with a final newline (what `git notes show` prints).
    pub fn to_json(&self) -> String {
        // Plain structs of strings and numbers always serialise.
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// What a check's record says about HEAD now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum Standing {
    /// The policy names no command for the check.
    NotConfigured,
    /// No record for HEAD.
    Missing,
    /// A record for HEAD that passed, and counts.
    Passed {
        /// The commit.
        commit: String,
        /// When it finished.
        finished: String,
        /// How long it took (ms).
        duration_ms: u64,
    },
    /// A record for HEAD that did not pass.
    Failed {
        /// The commit.
        commit: String,
        /// When it finished.
        finished: String,
        /// How it ended.
        result: RunResult,
        /// Which command failed.
        failed_command: Option<String>,
        /// Its exit code.
        exit_code: Option<i32>,
    },
    /// A record that does not count (another commit, a dirty tree, other commands).
    Stale {
        /// Why, in a sentence.
        why: String,
    },
    /// The record could not be read.
    Unreadable {
        /// Why.
        why: String,
    },
}

fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

/// Judges `record` (the note of HEAD, `Err` when it could not be read) against HEAD, the dirty
/// paths now and the commands the policy names now.
pub fn judge(
    record: Result<Option<&CheckRecord>, String>,
    head: &str,
    dirty: &[String],
    commands: &[String],
) -> Standing {
    if commands.is_empty() {
        return Standing::NotConfigured;
    }
    let record = match record {
        Err(why) => return Standing::Unreadable { why },
        Ok(None) => return Standing::Missing,
        Ok(Some(r)) => r,
    };
    if !record.commit.eq_ignore_ascii_case(head) {
        return Standing::Stale {
            why: format!(
                "the record is for commit {}, not HEAD {}",
                short(&record.commit),
                short(head)
            ),
        };
    }
    if !record.tree_clean {
        return Standing::Stale {
            why: "the record was made on a dirty working tree".into(),
        };
    }
    if !dirty.is_empty() {
        let shown: Vec<&str> = dirty.iter().take(3).map(String::as_str).collect();
        return Standing::Stale {
            why: format!(
                "the working tree has uncommitted changes ({}{}), which the record of {} does not cover",
                shown.join(", "),
                if dirty.len() > 3 { ", ..." } else { "" },
                short(head)
            ),
        };
    }
    if record.commands != commands {
        return Standing::Stale {
            why: format!(
                "the record ran [{}], but the policy now names [{}]",
                record.commands.join(", "),
                commands.join(", ")
            ),
        };
    }
    match record.result {
        RunResult::Pass => Standing::Passed {
            commit: record.commit.clone(),
            finished: record.finished.clone(),
            duration_ms: record.duration_ms,
        },
        result => Standing::Failed {
            commit: record.commit.clone(),
            finished: record.finished.clone(),
            result,
            failed_command: record.failed_command.clone(),
            exit_code: record.exit_code,
        },
    }
}

impl Standing {
    /// Whether the record counts as a pass for HEAD.
    pub fn passed(&self) -> bool {
        matches!(self, Standing::Passed { .. })
    }

    /// The standing as a checklist result: "tests passed on COMMIT at TIME" is a pass;
    /// a missing, failed, stale or unreadable record is a failure with what to do, never a
    /// pass; no command configured does not apply.
    pub fn check_result(&self, kind: CheckKind, head: &str) -> CheckResult {
        let again = format!("run `release check {kind} --execute`");
        match self {
            Standing::NotConfigured => CheckResult::not_applicable(format!(
                "no {kind} command in the policy ({})",
                kind.policy_key()
            )),
            Standing::Missing => CheckResult::fail(format!(
                "no {kind} record for HEAD {}: {again} (a record counts for one commit)",
                short(head)
            )),
            Standing::Passed {
                commit,
                finished,
                duration_ms,
            } => CheckResult::pass(format!(
                "{kind} passed on {} at {finished} ({})",
                short(commit),
                seconds(*duration_ms)
            )),
            Standing::Failed {
                commit,
                finished,
                result,
                failed_command,
                exit_code,
            } => {
                let what = match (result, failed_command, exit_code) {
                    (RunResult::Timeout, Some(c), _) => format!("`{c}` timed out"),
                    (RunResult::Error, Some(c), _) => format!("`{c}` could not start"),
                    (_, Some(c), Some(code)) => format!("`{c}` exited {code}"),
                    (_, Some(c), None) => format!("`{c}` was killed"),
                    (r, None, _) => r.name().to_string(),
                };
                CheckResult::fail(format!(
                    "{kind} failed on {} at {finished} ({what}): fix it and {again}",
                    short(commit)
                ))
            }
            Standing::Stale { why } => {
                CheckResult::fail(format!("the {kind} record does not count: {why}; {again}"))
            }
            Standing::Unreadable { why } => {
                CheckResult::fail(format!("the {kind} record cannot be read ({why}); {again}"))
            }
        }
    }
}

fn seconds(ms: u64) -> String {
    format!("{}.{} s", ms / 1000, (ms % 1000) / 100)
}

/// Why `release tag` refuses a stable version for want of a passing tests record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason} ({rule})")]
pub struct TestsRefusal {
    /// P2 for a stable release, P3 for a hotfix.
    pub rule: Rule,
    /// Why, with what to do.
    pub reason: String,
}

/// What the tests gate decided for a tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "gate", rename_all = "kebab-case")]
pub enum TestsGate {
    /// The gate does not apply (a candidate, or the policy does not require tests).
    NotRequired {
        /// Why.
        reason: String,
    },
    /// A passing record for HEAD.
    Passed {
        /// The record's summary.
        detail: String,
    },
    /// No passing record, overridden by `--skip-checks`: the reason goes into the tag message.
    Skipped {
        /// The maintainer's reason.
        reason: String,
    },
}

/// Whether a tag for `version` may be created on HEAD given its tests `standing` (P2, P3): a
/// stable version needs a passing record when the policy requires tests
/// ([`crate::policy::ChecksPolicy::tests_required`]); `skip` (the reason of `--skip-checks`)
/// overrides and is recorded.
pub fn tests_gate(
    version: &ReleaseVersion,
    policy: &Policy,
    standing: &Standing,
    head: &str,
    hotfix: bool,
    skip: Option<&str>,
) -> Result<TestsGate, TestsRefusal> {
    if !version.is_stable() {
        return Ok(TestsGate::NotRequired {
            reason: "release candidates are tested by the release workflow (P1)".into(),
        });
    }
    if !policy.checks.tests_required() {
        return Ok(TestsGate::NotRequired {
            reason: if policy.checks.require_tests == Some(false) {
                "checks.require_tests = false".into()
            } else {
                "no test commands (checks.test_commands)".into()
            },
        });
    }
    let rule = if hotfix { Rule::P3 } else { Rule::P2 };
    if let Some(reason) = skip {
        return Ok(TestsGate::Skipped {
            reason: reason.to_string(),
        });
    }
    if *standing == Standing::NotConfigured {
        return Err(TestsRefusal {
            rule,
            reason: format!(
                "{} needs passing tests (checks.require_tests = true) but the policy names no test command: set checks.test_commands, or tag with --skip-checks REASON",
                version.tag(policy)
            ),
        });
    }
    let result = standing.check_result(CheckKind::Tests, head);
    if standing.passed() {
        return Ok(TestsGate::Passed {
            detail: result.detail,
        });
    }
    Err(TestsRefusal {
        rule,
        reason: format!(
            "{} needs passing tests on HEAD before it is tagged: {} (or tag with --skip-checks REASON, which goes into the tag message)",
            version.tag(policy),
            result.detail
        ),
    })
}

/// The tag message with the `--skip-checks` reason appended, so the override is on record in
/// the signed tag.
pub fn message_with_skip(message: &str, reason: &str) -> String {
    format!(
        "{}\n\nChecks skipped: {}",
        message.trim_end(),
        reason.trim()
    )
}

/// Checks a `--skip-checks` reason: one line of text, not blank.
pub fn validate_skip_reason(reason: &str) -> Result<&str, String> {
    let trimmed = reason.trim();
    if trimmed.is_empty() {
        return Err("--skip-checks needs a reason (it goes into the tag message)".into());
    }
    if let Some(c) = trimmed.chars().find(|c| c.is_control()) {
        return Err(format!(
            "--skip-checks: the reason contains the control character {c:?}; give one line of text"
        ));
    }
    if trimmed.contains("-----BEGIN") {
        return Err("--skip-checks: the reason must not contain an armor line (G4)".into());
    }
    Ok(trimmed)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const HEAD: &str = "0123456789abcdef0123456789abcdef01234567";

    fn record(result: RunResult) -> CheckRecord {
        CheckRecord {
            check: CheckKind::Tests,
            result,
            commit: HEAD.into(),
            tree_clean: true,
            started: "2026-07-20T10:00:00Z".into(),
            finished: "2026-07-20T10:01:00Z".into(),
            duration_ms: 60_000,
            commands: vec!["cargo test --workspace".into()],
            failed_command: (result != RunResult::Pass).then(|| "cargo test --workspace".into()),
            exit_code: (result == RunResult::Fail).then_some(101),
            tool: "release 0.1.0".into(),
            by: None,
        }
    }

    fn cmds() -> Vec<String> {
        vec!["cargo test --workspace".into()]
    }

    #[test]
    fn plain_words_run_without_a_shell() {
        for (command, shell) in [
            ("cargo test --workspace", false),
            ("./scripts/final-launch-smoke.sh --fast", false),
            ("cargo test --features=x", false),
            ("cd frontend && npm run test", true),
            ("make check | tee log", true),
            ("RUST_LOG=debug cargo test", true),
            ("echo $HOME", true),
            ("pytest 'tests/a b'", true),
            ("ls *.rs", true),
        ] {
            let parsed = Invocation::parse(command).unwrap();
            assert_eq!(
                matches!(parsed, Invocation::Shell { .. }),
                shell,
                "{command}: {parsed:?}"
            );
        }
        match Invocation::parse("cd frontend && npm run test").unwrap() {
            Invocation::Shell { reason, .. } => assert!(reason.contains("`&`"), "{reason}"),
            other => panic!("{other:?}"),
        }
        assert!(Invocation::parse("  ").is_err());
        assert!(Invocation::parse("a\u{1b}b").is_err());
        assert_eq!(
            Invocation::parse("echo 'x'").unwrap().display(),
            "sh -c 'echo '\\''x'\\'''"
        );
    }

    #[test]
    fn a_record_counts_for_its_commit_on_a_clean_tree_only() {
        let pass = record(RunResult::Pass);
        let s = judge(Ok(Some(&pass)), HEAD, &[], &cmds());
        assert!(s.passed());
        let r = s.check_result(CheckKind::Tests, HEAD);
        assert!(r.is_ok());
        assert!(
            r.detail
                .contains("tests passed on 0123456789ab at 2026-07-20T10:01:00Z"),
            "{}",
            r.detail
        );
        // Another HEAD, a dirty tree, other commands, a record made dirty: none counts.
        let other = "f".repeat(40);
        assert!(matches!(
            judge(Ok(Some(&pass)), &other, &[], &cmds()),
            Standing::Stale { .. }
        ));
        assert!(matches!(
            judge(Ok(Some(&pass)), HEAD, &["src/lib.rs".into()], &cmds()),
            Standing::Stale { .. }
        ));
        assert!(matches!(
            judge(Ok(Some(&pass)), HEAD, &[], &["make test".into()]),
            Standing::Stale { .. }
        ));
        let mut dirty = pass.clone();
        dirty.tree_clean = false;
        assert!(!judge(Ok(Some(&dirty)), HEAD, &[], &cmds()).passed());
        // Missing, failed, unreadable: reported, never a pass.
        let missing = judge(Ok(None), HEAD, &[], &cmds()).check_result(CheckKind::Tests, HEAD);
        assert!(!missing.is_ok() && missing.detail.contains("no tests record"));
        let failed = record(RunResult::Fail);
        let r = judge(Ok(Some(&failed)), HEAD, &[], &cmds()).check_result(CheckKind::Tests, HEAD);
        assert!(!r.is_ok());
        assert!(r.detail.contains("exited 101"), "{}", r.detail);
        let timeout = record(RunResult::Timeout);
        let r = judge(Ok(Some(&timeout)), HEAD, &[], &cmds()).check_result(CheckKind::Tests, HEAD);
        assert!(r.detail.contains("timed out"), "{}", r.detail);
        assert!(!judge(Err("bad".into()), HEAD, &[], &cmds()).passed());
        assert_eq!(
            judge(Ok(Some(&pass)), HEAD, &[], &[]),
            Standing::NotConfigured
        );
    }

    #[test]
    fn notes_round_trip_and_keep_one_record_per_check() {
        let note = RecordNote::default()
            .with(record(RunResult::Fail))
            .with(record(RunResult::Pass));
        assert_eq!(note.records.len(), 1);
        let mut smoke = record(RunResult::Pass);
        smoke.check = CheckKind::Smoke;
        let note = note.with(smoke);
        let parsed = RecordNote::parse(&note.to_json()).unwrap();
        assert_eq!(parsed, note);
        assert_eq!(
            parsed.get(CheckKind::Tests).map(|r| r.result),
            Some(RunResult::Pass)
        );
        assert!(parsed.to_json().contains("\"check\": \"smoke\""));
        let err = RecordNote::parse("secret-token-text").unwrap_err();
        assert!(!err.to_string().contains("secret"), "{err}");
        assert!(RecordNote::parse("{\"format\": 9, \"records\": []}").is_err());
    }

    #[test]
    fn stable_tags_need_passing_tests_unless_skipped() {
        let mut policy = Policy::default();
        policy.checks.test_commands = Some(cmds());
        let stable = ReleaseVersion::parse_version("0.4.0", &policy).unwrap();
        let rc = ReleaseVersion::parse_version("0.4.0-rc.1", &policy).unwrap();
        let missing = Standing::Missing;
        let refusal = tests_gate(&stable, &policy, &missing, HEAD, false, None).unwrap_err();
        assert_eq!(refusal.rule, Rule::P2);
        assert!(refusal.reason.contains("--skip-checks"), "{refusal}");
        assert_eq!(
            tests_gate(&stable, &policy, &missing, HEAD, true, None)
                .unwrap_err()
                .rule,
            Rule::P3
        );
        assert!(matches!(
            tests_gate(&rc, &policy, &missing, HEAD, false, None),
            Ok(TestsGate::NotRequired { .. })
        ));
        assert!(matches!(
            tests_gate(&stable, &policy, &missing, HEAD, false, Some("CI ran them")),
            Ok(TestsGate::Skipped { .. })
        ));
        let pass = record(RunResult::Pass);
        let passed = judge(Ok(Some(&pass)), HEAD, &[], &cmds());
        assert!(matches!(
            tests_gate(&stable, &policy, &passed, HEAD, false, None),
            Ok(TestsGate::Passed { .. })
        ));
        policy.checks.require_tests = Some(false);
        assert!(tests_gate(&stable, &policy, &missing, HEAD, false, None).is_ok());
        // No commands: off by default, a refusal when required explicitly.
        policy.checks.test_commands = Some(Vec::new());
        policy.checks.require_tests = None;
        assert!(tests_gate(
            &stable,
            &policy,
            &Standing::NotConfigured,
            HEAD,
            false,
            None
        )
        .is_ok());
        policy.checks.require_tests = Some(true);
        assert!(tests_gate(
            &stable,
            &policy,
            &Standing::NotConfigured,
            HEAD,
            false,
            None
        )
        .is_err());
    }

    #[test]
    fn skip_reasons_are_one_line() {
        assert!(validate_skip_reason(" ").is_err());
        assert!(validate_skip_reason("a\nb").is_err());
        assert_eq!(
            validate_skip_reason(" CI ran them ").unwrap(),
            "CI ran them"
        );
        assert_eq!(
            message_with_skip("Release v1.0.0\n", "CI ran them"),
            "Release v1.0.0\n\nChecks skipped: CI ran them"
        );
    }
}
