//! More table rows for the decisions of `release-core` that `rules.rs` leaves at their
//! boundaries (found by mutation testing, `scripts/mutants.sh core`): bump words, reading a
//! version with or without the tag prefix, which versions may have candidates, and the history
//! queries V5-V7 are built on. Every row names the rule it checks.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests: a failure to set up is a failed test

use release_core::history::History;
use release_core::policy::Policy;
use release_core::version::{Bump, ReleaseVersion};

/// Two channels, `beta` before `rc`.
fn channels() -> Policy {
    Policy {
        prerelease_channels: vec!["beta".into(), "rc".into()],
        ..Policy::default()
    }
}

fn v(text: &str) -> ReleaseVersion {
    ReleaseVersion::parse_version(text, &Policy::default()).unwrap()
}

// ---------------------------------------------------------------- V4: bump words

/// (rule, word, the bump it names, or None)
const BUMP_WORDS: &[(&str, &str, Option<Bump>)] = &[
    ("V4", "major", Some(Bump::Major)),
    ("V4", "minor", Some(Bump::Minor)),
    ("V4", "patch", Some(Bump::Patch)),
    ("V4", "breaking", Some(Bump::Breaking)),
    ("V4", "feature", Some(Bump::Feature)),
    ("V4", "fix", Some(Bump::Fix)),
    ("V4", "Major", None),
    ("V4", "", None),
    ("V4", "bugfix", None),
];

#[test]
fn bump_words() {
    for (rule, word, expected) in BUMP_WORDS {
        assert_eq!(Bump::parse(word), *expected, "{rule}: {word:?}");
    }
}

// ---------------------------------------------------------------- V1: versions with or without the prefix

/// (rule, tag prefix, text, Ok(version) or Err(substring of the message))
const VERSIONS: &[(&str, &str, &str, Result<&str, &str>)] = &[
    ("V1", "v", "1.2.3", Ok("1.2.3")),
    ("V1", "v", "v1.2.3", Ok("1.2.3")),
    ("V1", "v", "v1.2.3-rc.2", Ok("1.2.3-rc.2")),
    ("V1", "v", "vv1.2.3", Err("V1")),
    ("V1", "v", "V1.2.3", Err("V1")),
    ("V1", "", "1.2.3", Ok("1.2.3")),
    ("V1", "", "v1.2.3", Err("V1")),
    ("V1", "release-", "release-1.2.3", Ok("1.2.3")),
    ("V1", "release-", "1.2.3", Ok("1.2.3")),
    // The prefix is only taken off when a number follows it: a prefix that is itself the start
    // of a version leaves the version whole.
    ("V1", "1", "1.2.3", Ok("1.2.3")),
    ("V1", "1", "11.2.3", Ok("1.2.3")),
    ("V3", "v", "v1.2.3+b", Err("build metadata")),
];

#[test]
fn versions_are_read_with_or_without_the_prefix() {
    for (rule, prefix, text, expected) in VERSIONS {
        let policy = Policy {
            tag_prefix: (*prefix).into(),
            ..Policy::default()
        };
        let got = ReleaseVersion::parse_version(text, &policy);
        match (expected, &got) {
            (Ok(want), Ok(have)) => {
                assert_eq!(have.to_string(), *want, "{rule}: {prefix:?} {text:?}")
            }
            (Err(needle), Err(e)) => {
                let msg = e.to_string();
                assert!(msg.contains(needle), "{rule}: {prefix:?} {text:?}: {msg}");
                assert!(
                    msg.contains(&format!("{text:?}")),
                    "{rule}: names the input: {msg}"
                );
            }
            _ => panic!("{rule}: {prefix:?} {text:?}: expected {expected:?}, got {got:?}"),
        }
    }
}

// ---------------------------------------------------------------- V2: which versions have candidates

/// (rule, version, channel, number, the candidate or None)
const CANDIDATES: &[(&str, &str, &str, u64, Option<&str>)] = &[
    ("V2", "1.2.0", "rc", 1, Some("1.2.0-rc.1")),
    ("V2", "1.2.0", "beta", 7, Some("1.2.0-beta.7")),
    ("V2", "1.2.0", "rc", 0, None),
    ("V2", "1.2.0-rc.1", "rc", 2, None),
    ("V2", "1.2.0-rc.1", "rc", 0, None),
    ("V2", "1.2.0", "r c", 1, None),
    ("V2", "1.2.0", "", 1, None),
];

#[test]
fn only_stable_versions_have_candidates() {
    for (rule, version, channel, number, expected) in CANDIDATES {
        let got = v(version).candidate(channel, *number);
        assert_eq!(
            got.as_ref().map(ToString::to_string).as_deref(),
            *expected,
            "{rule}: {version} {channel}.{number}"
        );
        if let Some(c) = got {
            assert!(!c.is_stable(), "{rule}: a candidate is not stable");
            assert_eq!(c.base(), v(version), "{rule}: its base is the version");
        }
    }
}

// ---------------------------------------------------------------- V5-V7: history queries

const RELEASED: &str =
    "v1.0.0-beta.1,v1.0.0-beta.2,v1.0.0-rc.1,v1.0.0,v1.1.0-rc.1,v1.1.0-rc.2,v2.0.0-rc.1";

/// (rule, base, channel, the candidate numbers of that channel)
const CANDIDATES_OF: &[(&str, &str, &str, &[u64])] = &[
    ("V7", "1.0.0", "beta", &[1, 2]),
    ("V7", "1.0.0", "rc", &[1]),
    ("V7", "1.1.0", "rc", &[1, 2]),
    ("V7", "1.1.0", "beta", &[]),
    ("V7", "1.2.0", "rc", &[]),
    ("V7", "2.0.0", "rc", &[1]),
];

#[test]
fn candidates_are_counted_per_channel() {
    let history = History::from_tags(RELEASED.split(','), &channels());
    for (rule, base, channel, expected) in CANDIDATES_OF {
        assert_eq!(
            history.candidates_of(&v(base), channel),
            *expected,
            "{rule}: {base} {channel}"
        );
    }
}

/// (rule, base, the newest candidate of it, or None)
const NEWEST_CANDIDATE: &[(&str, &str, Option<&str>)] = &[
    ("V7", "1.0.0", Some("1.0.0-rc.1")),
    ("V7", "1.1.0", Some("1.1.0-rc.2")),
    ("V7", "2.0.0", Some("2.0.0-rc.1")),
    ("V7", "1.2.0", None),
    ("V7", "0.9.0", None),
];

#[test]
fn newest_candidate_of_a_version() {
    let history = History::from_tags(RELEASED.split(','), &channels());
    for (rule, base, expected) in NEWEST_CANDIDATE {
        assert_eq!(
            history
                .newest_candidate_of(&v(base))
                .map(ToString::to_string)
                .as_deref(),
            *expected,
            "{rule}: {base}"
        );
    }
}

/// (rule, released, base, the next candidate or Err(rule refused with))
const NEXT_CANDIDATE_FOR: &[(&str, &str, &str, Result<&str, &str>)] = &[
    // The channel in use continues; with none, the policy's first channel starts.
    ("V7", "v1.1.0-beta.1", "1.1.0", Ok("1.1.0-beta.2")),
    ("V7", "v1.1.0-rc.2", "1.1.0", Ok("1.1.0-rc.3")),
    ("V7", "v1.0.0", "1.1.0", Ok("1.1.0-rc.1")),
    ("V7", "v1.1.0", "1.1.0", Err("V7")),
];

#[test]
fn next_candidate_continues_the_channel_in_use() {
    let policy = Policy {
        prerelease_channels: vec!["rc".into(), "beta".into()],
        ..Policy::default()
    };
    for (rule, released, base, expected) in NEXT_CANDIDATE_FOR {
        let history = History::from_tags(released.split(','), &policy);
        let got = history.next_candidate_for(&v(base), &policy);
        match (expected, &got) {
            (Ok(want), Ok(have)) => {
                assert_eq!(have.to_string(), *want, "{rule}: {released} {base}")
            }
            (Err(want), Err(refusal)) => {
                assert_eq!(refusal.rule, *want, "{rule}: {released} {base}")
            }
            _ => panic!("{rule}: {released} {base}: expected {expected:?}, got {got:?}"),
        }
    }
}

// ---------------------------------------------------------------- T5, T6, A1: rolling aliases

use release_core::rollback::Alias;

/// (rule, Docker tag, the alias it is, or None)
const ALIAS_NAMES: &[(&str, &str, Option<Alias>)] = &[
    ("A1", "latest", Some(Alias::Latest)),
    ("A1", "1", Some(Alias::Major(1))),
    ("A1", "0", Some(Alias::Major(0))),
    ("A1", "10", Some(Alias::Major(10))),
    ("A1", "1.2", Some(Alias::Line(1, 2))),
    ("A1", "0.0", Some(Alias::Line(0, 0))),
    ("A1", "10.20", Some(Alias::Line(10, 20))),
    ("A1", "01", None),
    ("A1", "1.02", None),
    ("A1", "00.1", None),
    ("A1", "", None),
    ("A1", "1.", None),
    ("A1", ".1", None),
    ("A1", "+1", None),
    ("A1", "1.2.3", None),
    ("A1", "Latest", None),
    ("A1", "sha-0123456", None),
];

#[test]
fn alias_names() {
    for (rule, name, expected) in ALIAS_NAMES {
        let got = Alias::parse(name);
        assert_eq!(got, *expected, "{rule}: {name:?}");
        if let Some(alias) = got {
            assert_eq!(alias.to_string(), *name, "{rule}: {name:?} round trip");
        }
    }
}

/// (rule, major alias for 0.x, version, its aliases as Docker tags)
const ALIASES_OF: &[(&str, bool, &str, &[&str])] = &[
    ("T5", false, "0.3.1", &["0.3", "latest"]),
    ("T5", true, "0.3.1", &["0.3", "0", "latest"]),
    ("T5", false, "1.2.3", &["1.2", "1", "latest"]),
    ("T5", true, "1.2.3", &["1.2", "1", "latest"]),
    ("T5", false, "2.0.0", &["2.0", "2", "latest"]),
];

#[test]
fn aliases_of_a_version() {
    for (rule, zero, version, expected) in ALIASES_OF {
        let mut policy = Policy::default();
        policy.docker.major_alias_for_zero = *zero;
        let got: Vec<String> = Alias::of(&v(version), &policy)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            got, *expected,
            "{rule}: {version} (major alias for 0.x: {zero})"
        );
    }
}

/// (rule, alias, version, whether the alias may point at it, the scope in messages)
const COVERS: &[(&str, &str, &str, bool, &str)] = &[
    ("T6", "1.2", "1.2.3", true, "in 1.2"),
    ("T6", "1.2", "1.3.0", false, "in 1.2"),
    ("T6", "1.2", "2.2.0", false, "in 1.2"),
    ("T6", "1.2", "1.2.4-rc.1", false, "in 1.2"),
    ("T6", "1", "1.9.0", true, "in major 1"),
    ("T6", "1", "2.0.0", false, "in major 1"),
    ("T6", "1", "1.0.0-rc.1", false, "in major 1"),
    ("T6", "latest", "0.1.0", true, "overall"),
    ("T6", "latest", "3.0.0-rc.1", false, "overall"),
];

#[test]
fn aliases_cover_stable_versions_of_their_scope() {
    for (rule, alias, version, expected, scope) in COVERS {
        let a = Alias::parse(alias).unwrap();
        assert_eq!(
            a.covers(&v(version)),
            *expected,
            "{rule}: {alias} {version}"
        );
        assert_eq!(a.scope(), *scope, "{rule}: {alias}");
    }
}

// ---------------------------------------------------------------- V8: branches and lines

use release_core::line::{hotfix_version, Branch, LineFacts};

/// (rule, branch name or None = detached HEAD, what it is: "main", "detached", "other" or the
/// hotfix branch's version)
const BRANCHES: &[(&str, Option<&str>, &str)] = &[
    ("V8", None, "detached"),
    ("V8", Some("main"), "main"),
    ("V8", Some("hotfix/v1.4.2"), "1.4.2"),
    ("V8", Some("hotfix/v0.3.0"), "0.3.0"),
    ("V8", Some("hotfix/v1.4.2-rc.1"), "other"),
    ("V8", Some("hotfix/1.4.2"), "other"),
    ("V8", Some("hotfix/vx"), "other"),
    ("V8", Some("hotfix/v1.4.2/x"), "other"),
    ("V8", Some("feature/v1.4.2"), "other"),
    ("V8", Some("mainline"), "other"),
];

#[test]
fn branches_are_main_hotfix_or_other() {
    let policy = Policy::default();
    for (rule, name, expected) in BRANCHES {
        let branch = Branch::of(*name, &policy);
        let (got, line) = match &branch {
            Branch::Main => ("main".to_string(), None),
            Branch::Detached => ("detached".to_string(), None),
            Branch::Other { name: n } => {
                assert_eq!(Some(n.as_str()), *name, "{rule}: keeps the name");
                ("other".to_string(), None)
            }
            Branch::Hotfix { name: n, version } => {
                assert_eq!(Some(n.as_str()), *name, "{rule}: keeps the name");
                (version.to_string(), Some(version.line()))
            }
        };
        assert_eq!(got, *expected, "{rule}: {name:?}");
        assert_eq!(branch.hotfix_line(), line, "{rule}: {name:?}");
    }
}

/// (rule, pattern, branch, the version it is a hotfix branch of)
const PATTERNS: &[(&str, &str, &str, Option<&str>)] = &[
    ("V8", "hotfix/v{version}", "hotfix/v2.0.1", Some("2.0.1")),
    (
        "V8",
        "release/{version}/fix",
        "release/1.2.0/fix",
        Some("1.2.0"),
    ),
    ("V8", "release/{version}/fix", "release/1.2.0", None),
    ("V8", "release/{version}/fix", "release/1.2.0/fix/x", None),
    ("V8", "{version}-hotfix", "1.2.0-hotfix", Some("1.2.0")),
    ("V8", "hotfix", "hotfix", None),
];

#[test]
fn hotfix_branch_patterns() {
    let policy = Policy::default();
    for (rule, pattern, branch, expected) in PATTERNS {
        let got = hotfix_version(pattern, branch, &policy).map(|v| v.to_string());
        assert_eq!(got.as_deref(), *expected, "{rule}: {pattern} {branch}");
    }
}

/// (rule, branch, newest stable release HEAD contains, released, new version,
/// None = allowed or Some(substring of the V8 refusal))
type LineRow = (
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    &'static str,
    &'static str,
    Option<&'static str>,
);
const LINES: &[LineRow] = &[
    ("V8", Some("hotfix/v1.4.2"), Some("2.1.0"), "v1.4.2,v2.1.0", "1.4.3", None),
    ("V8", Some("hotfix/v1.4.2"), None, "v1.4.2,v2.1.0", "1.5.0", Some("hotfix branch of the 1.4 line; 1.5.0 belongs to another line: release it from `main`")),
    ("V8", Some("hotfix/v1.4.2"), None, "v1.4.2,v2.1.0", "2.4.0", Some("V8")),
    ("V8", Some("main"), Some("2.1.0"), "v1.4.2,v2.1.0", "1.4.3", Some("HEAD already contains 2.1.0, a newer line than 1.4: a patch of 1.4 is cut from a hotfix branch: release hotfix start --from v1.4.2 --execute")),
    ("V8", Some("main"), Some("2.1.0"), "v1.4.2,v2.1.0", "2.0.5", Some("there is no stable 2.0 release to cut a hotfix from")),
    ("V8", Some("main"), Some("2.1.0"), "v1.4.2,v2.1.0", "2.1.1", None),
    ("V8", Some("main"), Some("2.1.0"), "v1.4.2,v2.1.0", "2.2.0", None),
    ("V8", Some("main"), Some("2.1.0"), "v1.4.2,v2.1.0", "3.0.0", None),
    ("V8", Some("main"), None, "", "0.1.0", None),
    ("V8", None, Some("1.4.2"), "v1.4.2", "1.3.9", Some("V8")),
    ("V8", Some("feature/x"), Some("1.4.2"), "v1.4.2", "1.4.3", None),
];

#[test]
fn patches_of_an_older_line_come_from_its_hotfix_branch() {
    let policy = Policy::default();
    for (rule, branch, head, released, version, expected) in LINES {
        let facts = LineFacts {
            branch: Branch::of(*branch, &policy),
            head_newest_stable: head.map(v),
        };
        let history = History::from_tags(released.split(','), &policy);
        let got = facts.check(&v(version), &history, &policy);
        match (expected, &got) {
            (None, Ok(())) => {}
            (Some(needle), Err(refusal)) => {
                assert_eq!(refusal.rule, "V8", "{rule}: {branch:?} {version}");
                assert!(
                    refusal.to_string().contains(needle),
                    "{rule}: {branch:?} {version}: {refusal}"
                );
            }
            _ => {
                panic!("{rule}: {branch:?} {head:?} {version}: expected {expected:?}, got {got:?}")
            }
        }
    }
}

// ---------------------------------------------------------------- T4, T5, T7, T9: plans

use release_core::event::{Event, RunTime};
use release_core::matrix::{check_docker_tag, TagPlan};

const SHA: &str = "0123456789abcdef0123456789abcdef01234567";

fn plan(event: &str, git_ref: &str, released: &str) -> TagPlan {
    let p = Policy::default();
    let time = RunTime::parse_rfc3339("2026-07-20T10:30:00Z").unwrap();
    let event = Event::parse(event, git_ref, SHA, time, &p).unwrap();
    TagPlan::compute(&event, &History::from_tags(released.split(','), &p), &p).unwrap()
}

/// (rule, event, ref, released, a pre-release?, the skipped tags as "tag=rule")
type PlanRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    &'static [&'static str],
);
const PLAN_RULES: &[PlanRow] = &[
    (
        "T4",
        "push",
        "refs/tags/v1.1.0-rc.1",
        "v1.0.0",
        true,
        &["latest=T4", "1.1=T4", "1=T4"],
    ),
    (
        "T7",
        "push",
        "refs/heads/main",
        "v1.0.0",
        false,
        &["latest=T7"],
    ),
    ("T5", "push", "refs/tags/v0.3.0", "", false, &[]),
    (
        "T6",
        "push",
        "refs/tags/v1.0.1",
        "v1.0.0,v1.1.0",
        false,
        &["1=T6", "latest=T6"],
    ),
    ("T1", "push", "refs/tags/v1.1.0", "v1.0.0", false, &[]),
];

#[test]
fn every_skipped_alias_names_its_rule() {
    for (rule, event, git_ref, released, prerelease, skipped) in PLAN_RULES {
        let plan = plan(event, git_ref, released);
        assert_eq!(plan.is_prerelease(), *prerelease, "{rule}: {git_ref}");
        let got: Vec<String> = plan
            .skipped
            .iter()
            .map(|s| format!("{}={}", s.tag, s.rule))
            .collect();
        assert_eq!(got, *skipped, "{rule}: {git_ref} [{released}]");
    }
}

#[test]
fn the_zero_major_alias_is_skipped_when_the_policy_says_so() {
    // T5: with docker.major_alias_for_zero = false, `0` is skipped for that reason.
    let mut p = Policy::default();
    p.docker.major_alias_for_zero = false;
    let time = RunTime::parse_rfc3339("2026-07-20T10:30:00Z").unwrap();
    for (git_ref, skipped) in [
        ("refs/tags/v0.3.0", &["0=T5"][..]),
        ("refs/tags/v1.3.0", &[]),
    ] {
        let event = Event::parse("push", git_ref, SHA, time, &p).unwrap();
        let plan = TagPlan::compute(&event, &History::default(), &p).unwrap();
        let got: Vec<String> = plan
            .skipped
            .iter()
            .map(|s| format!("{}={}", s.tag, s.rule))
            .collect();
        assert_eq!(got, skipped, "T5: {git_ref}");
        assert!(
            !plan.tags.iter().any(|t| t == "0"),
            "T5: {git_ref}: no `0` tag"
        );
    }
}

#[test]
fn images_get_every_tag() {
    // T1: every image of the policy with every tag of the plan, image by image.
    let plan = plan("push", "refs/tags/v1.0.0-rc.2", "");
    let images = ["ghcr.io/o/r".to_string(), "docker.io/o/r".to_string()];
    assert_eq!(
        plan.images(&images),
        [
            "ghcr.io/o/r:1.0.0-rc.2",
            "ghcr.io/o/r:sha-0123456",
            "docker.io/o/r:1.0.0-rc.2",
            "docker.io/o/r:sha-0123456",
        ]
    );
}

/// (rule, Docker tag, None = valid or Some(substring of the refusal))
fn docker_tags() -> Vec<(&'static str, String, Option<&'static str>)> {
    vec![
        ("T9", "a".into(), None),
        ("T9", "_a".into(), None),
        ("T9", "9".into(), None),
        ("T9", "A.b-c_9".into(), None),
        ("T9", "a".repeat(128), None),
        ("T9", "a".repeat(129), Some("longer than 128 characters")),
        ("T9", String::new(), Some("it is empty")),
        (
            "T9",
            ".a".into(),
            Some("must start with a letter, digit or `_`"),
        ),
        ("T9", "-a".into(), Some("must start with")),
        (
            "T9",
            "a+b".into(),
            Some("only `A-Z a-z 0-9 _ . -` are allowed"),
        ),
        ("T9", "a/b".into(), Some("only")),
        ("T9", "é".into(), Some("must start with")),
    ]
}

#[test]
fn docker_tag_grammar() {
    for (rule, tag, expected) in docker_tags() {
        let got = check_docker_tag(&tag);
        match expected {
            None => assert!(got.is_ok(), "{rule}: {tag:?}: {got:?}"),
            Some(needle) => {
                let msg = got.unwrap_err().to_string();
                assert!(msg.contains(needle), "{rule}: {tag:?}: {msg}");
            }
        }
    }
}

// ---------------------------------------------------------------- P2, P3: checks and their commands

use release_core::checks::{CheckKind, Invocation};

/// (rule, name, the check, its policy key)
const CHECK_NAMES: &[(&str, &str, CheckKind, &str)] = &[
    ("P2", "tests", CheckKind::Tests, "checks.test_commands"),
    ("P2", "smoke", CheckKind::Smoke, "checks.smoke_command"),
    (
        "P3",
        "restore-drill",
        CheckKind::RestoreDrill,
        "checks.restore_drill_command",
    ),
];

#[test]
fn checks_by_name() {
    for (rule, name, kind, key) in CHECK_NAMES {
        assert_eq!(CheckKind::parse(name), Some(*kind), "{rule}: {name}");
        assert_eq!(kind.name(), *name, "{rule}: {kind:?}");
        assert_eq!(kind.to_string(), *name, "{rule}: {kind:?}");
        assert_eq!(kind.policy_key(), *key, "{rule}: {kind:?}");
    }
    for unknown in ["", "test", "Tests", "restore_drill"] {
        assert_eq!(CheckKind::parse(unknown), None, "P2: {unknown:?}");
    }
}

/// (rule, command, Ok(how it is run, as displayed) or Err(substring of the refusal))
const COMMANDS: &[(&str, &str, Result<&str, &str>)] = &[
    ("P2", "cargo test --workspace", Ok("cargo test --workspace")),
    ("P2", "  cargo   test\t-q ", Ok("cargo test -q")),
    (
        "P2",
        "make check && ./smoke",
        Ok("sh -c 'make check && ./smoke'"),
    ),
    (
        "P2",
        "echo 'it''s'",
        Ok("sh -c 'echo '\\''it'\\'''\\''s'\\'''"),
    ),
    (
        "P2",
        "RUST_LOG=debug cargo test",
        Ok("sh -c 'RUST_LOG=debug cargo test'"),
    ),
    (
        "P2",
        "cargo test --features=x",
        Ok("cargo test --features=x"),
    ),
    ("P2", "a\nb", Ok("sh -c 'a\nb'")),
    ("P2", "", Err("an empty command")),
    ("P2", " \t ", Err("an empty command")),
    (
        "P2",
        "cargo\u{7}test",
        Err("the control character '\\u{7}' is not allowed"),
    ),
];

#[test]
fn commands_run_directly_unless_they_need_a_shell() {
    for (rule, command, expected) in COMMANDS {
        let got = Invocation::parse(command);
        match (expected, &got) {
            (Ok(shown), Ok(invocation)) => {
                assert_eq!(invocation.display(), *shown, "{rule}: {command:?}");
                if let Invocation::Shell { reason, .. } = invocation {
                    assert!(
                        reason.starts_with("it uses shell syntax: "),
                        "{rule}: {reason}"
                    );
                }
            }
            (Err(needle), Err(e)) => {
                let msg = e.to_string();
                assert!(msg.contains(needle), "{rule}: {command:?}: {msg}");
            }
            _ => panic!("{rule}: {command:?}: expected {expected:?}, got {got:?}"),
        }
    }
}

// ---------------------------------------------------------------- R5: yanked releases in the history

use release_core::rollback::place_aliases;

/// (rule, released, yanked, version asked about, is it yanked, the good stable releases)
const YANKED_QUERIES: &[(&str, &str, &str, &str, bool, &str)] = &[
    (
        "R5",
        "v1.0.0,v1.1.0,v1.2.0",
        "1.1.0",
        "1.1.0",
        true,
        "1.0.0,1.2.0",
    ),
    (
        "R5",
        "v1.0.0,v1.1.0,v1.2.0",
        "1.1.0",
        "1.2.0",
        false,
        "1.0.0,1.2.0",
    ),
    ("R5", "v1.0.0,v1.1.0-rc.1", "", "1.0.0", false, "1.0.0"),
    ("R5", "v1.0.0,v2.0.0", "1.0.0,2.0.0", "2.0.0", true, ""),
];

#[test]
fn yanked_releases_are_not_good_releases() {
    let p = Policy::default();
    for (rule, released, yanked, version, is_yanked, good) in YANKED_QUERIES {
        let history = History::from_tags(released.split(','), &p)
            .with_yanked(yanked.split(',').filter(|s| !s.is_empty()).map(v));
        assert_eq!(
            history.is_yanked(&v(version)),
            *is_yanked,
            "{rule}: {version}"
        );
        let got: Vec<String> = history.good_stables().map(ToString::to_string).collect();
        assert_eq!(
            got.join(","),
            *good,
            "{rule}: [{released}] yanked [{yanked}]"
        );
    }
}

/// (rule, released, yanked, bad, version planned, the reason each alias not placed on it gives)
type PlacementRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);
const PLACEMENT_REASONS: &[PlacementRow] = &[
    (
        "R5",
        "v1.0.0,v1.0.1",
        "1.0.1",
        "",
        "1.0.1",
        &[
            "`1.0` stays on 1.0.0: 1.0.1 is yanked (R5)",
            "`1` stays on 1.0.0: 1.0.1 is yanked (R5)",
            "`latest` stays on 1.0.0: 1.0.1 is yanked (R5)",
        ],
    ),
    (
        "R5",
        "v1.0.0",
        "1.0.0",
        "",
        "1.0.0",
        &[
            "`1.0` has no good release in 1.0: 1.0.0 is yanked (R5)",
            "`1` has no good release in major 1: 1.0.0 is yanked (R5)",
            "`latest` has no good release overall: 1.0.0 is yanked (R5)",
        ],
    ),
    (
        "T6",
        "v1.0.0,v1.1.0",
        "",
        "",
        "1.0.1",
        &[
            "`1` stays on 1.1.0: 1.0.1 is not the newest stable release in major 1 (T6)",
            "`latest` stays on 1.1.0: 1.0.1 is not the newest stable release overall (T6)",
        ],
    ),
    ("T6", "v1.0.0", "", "", "1.0.1", &[]),
    ("T4", "v1.0.0", "", "", "1.1.0-rc.1", &[]),
];

#[test]
fn aliases_not_placed_say_why() {
    let p = Policy::default();
    for (rule, released, yanked, bad, version, reasons) in PLACEMENT_REASONS {
        let history = History::from_tags(released.split(','), &p)
            .with_yanked(yanked.split(',').filter(|s| !s.is_empty()).map(v));
        let bad: Vec<ReleaseVersion> = bad.split(',').filter(|s| !s.is_empty()).map(v).collect();
        let got: Vec<String> = place_aliases(&v(version), &history, &bad, &p)
            .into_iter()
            .filter_map(|placement| placement.reason)
            .collect();
        assert_eq!(got, *reasons, "{rule}: {version} [{released}]");
    }
}

// ---------------------------------------------------------------- V1, V2: what a refusal says

/// (rule, version text, a substring the refusal must hold: where and why)
const VERSION_REFUSALS: &[(&str, &str, &str)] = &[
    ("V1", "1.2.\u{0663}", "the non-ASCII character '\u{0663}' at position 5"),
    ("V1", "\u{0663}", "at position 1"),
    ("V1", "1.2.3\t", "'\\t' at position 6"),
    ("V1", "1.2", "`1.2` must have exactly three numbers MAJOR.MINOR.PATCH"),
    ("V1", "1.2.3.4-rc.1", "`1.2.3.4` must have exactly three numbers"),
    ("V1", "1.02.3", "`02` has a leading zero"),
    ("V1", "0.0.0x", "(V1: strict SemVer"),
    ("V1", "0.1.x", "unexpected character 'x' while parsing patch version number"),
    ("V1", "1.2.18446744073709551616", "`18446744073709551616` does not fit in 64 bits"),
    ("V2", "1.2.3-rc", "pre-release `rc` must be `<channel>.<N>` such as `beta.1` (channels: beta, rc)"),
    ("V2", "1.2.3-Rc.1", "channel `Rc` is not allowed by the policy (channels are case-sensitive); allowed: beta, rc"),
    ("V2", "1.2.3-alpha.1", "channel `alpha` is not allowed by the policy; allowed: beta, rc"),
    ("V2", "1.2.3-rc.x1", "candidate number `x1` in `rc.x1` must be an integer >= 1"),
    ("V2", "1.2.3-rc.0", "candidate number in `rc.0` must be >= 1"),
    ("V2", "1.2.3-rc.99999999999999999999", "candidate number `99999999999999999999` does not fit in 64 bits"),
];

#[test]
fn refusals_say_where_and_why() {
    let policy = channels();
    for (rule, text, needle) in VERSION_REFUSALS {
        let msg = ReleaseVersion::parse_version(text, &policy)
            .expect_err(rule)
            .to_string();
        assert!(msg.contains(needle), "{rule}: {text:?}: {msg}");
        assert!(
            msg.contains(&format!("({rule}")),
            "{rule}: {text:?}: cites the rule: {msg}"
        );
    }
}

/// (rule, tags, how many releases, the tags kept aside as not releases)
const HISTORY_SIZES: &[(&str, &str, usize, &str)] = &[
    ("V5", "", 0, ""),
    ("V5", "  ", 0, ""),
    ("V5", "v1.0.0", 1, ""),
    ("V5", "v1.0.0,v1.0.0-rc.1,nightly", 2, "nightly"),
    ("V1", "nightly,v1.2,1.0.0", 0, "nightly,v1.2,1.0.0"),
];

#[test]
fn a_history_counts_its_releases_only() {
    let p = Policy::default();
    for (rule, tags, len, ignored) in HISTORY_SIZES {
        let history = History::from_tags(tags.split(','), &p);
        assert_eq!(history.len(), *len, "{rule}: [{tags}]");
        assert_eq!(history.is_empty(), *len == 0, "{rule}: [{tags}]");
        assert_eq!(history.releases().count(), *len, "{rule}: [{tags}]");
        assert_eq!(history.ignored().join(","), *ignored, "{rule}: [{tags}]");
    }
}

// ---------------------------------------------------------------- P2: check records

use release_core::checks::{CheckRecord, RecordNote, RunResult, Standing};

fn record(check: CheckKind, result: RunResult) -> CheckRecord {
    CheckRecord {
        check,
        result,
        commit: SHA.into(),
        tree_clean: true,
        started: "2026-07-20T10:00:00Z".into(),
        finished: "2026-07-20T10:01:00Z".into(),
        duration_ms: 60_000,
        commands: vec!["cargo test".into()],
        failed_command: None,
        exit_code: None,
        tool: "release 0.1.0".into(),
        by: None,
    }
}

/// (rule, result, its name in records and messages)
const RESULTS: &[(&str, RunResult, &str)] = &[
    ("P2", RunResult::Pass, "pass"),
    ("P2", RunResult::Fail, "fail"),
    ("P2", RunResult::Timeout, "timeout"),
    ("P2", RunResult::Error, "error"),
];

#[test]
fn results_are_named_as_records_write_them() {
    for (rule, result, name) in RESULTS {
        assert_eq!(result.name(), *name, "{rule}: {result:?}");
        let note = RecordNote::default().with(record(CheckKind::Tests, *result));
        assert!(
            note.to_json().contains(&format!("\"result\": \"{name}\"")),
            "{rule}: {result:?}: {}",
            note.to_json()
        );
    }
    // A failure without a command to blame is told by its result.
    for (rule, result, name) in &RESULTS[1..] {
        let failed = Standing::Failed {
            commit: SHA.into(),
            finished: "2026-07-20T10:01:00Z".into(),
            result: *result,
            failed_command: None,
            exit_code: None,
        };
        let detail = failed.check_result(CheckKind::Tests, SHA).detail;
        assert!(detail.contains(&format!("({name})")), "{rule}: {detail}");
    }
}

#[test]
fn a_note_holds_one_record_per_check() {
    // P2: the record asked for, never another check's.
    let note = RecordNote::default()
        .with(record(CheckKind::Smoke, RunResult::Fail))
        .with(record(CheckKind::Tests, RunResult::Pass))
        .with(record(CheckKind::Smoke, RunResult::Pass));
    for (kind, result) in [
        (CheckKind::Tests, Some(RunResult::Pass)),
        (CheckKind::Smoke, Some(RunResult::Pass)),
        (CheckKind::RestoreDrill, None),
    ] {
        let got = note.get(kind);
        assert_eq!(got.map(|r| r.check), result.map(|_| kind), "P2: {kind}");
        assert_eq!(got.map(|r| r.result), result, "P2: {kind}");
    }
    assert_eq!(note.records.len(), 2, "P2: one record per check");
}

/// (rule, the policy's [checks] as TOML, the commands of tests, smoke and restore-drill)
type CommandsRow = (&'static str, &'static str, [&'static [&'static str]; 3]);
const CHECK_COMMANDS: &[CommandsRow] = &[
    ("P2", "[checks]\ntest_commands = []\n", [&[], &[], &[]]),
    (
        "P2",
        "[checks]\ntest_commands = [\"cargo test\", \"  \", \"make lint\"]\nsmoke_command = \"./smoke\"\n",
        [&["cargo test", "make lint"], &["./smoke"], &[]],
    ),
    (
        "P3",
        "[checks]\ntest_commands = []\nsmoke_command = \" \"\nrestore_drill_command = \"./drill\"\n",
        [&[], &[], &["./drill"]],
    ),
];

#[test]
fn checks_run_the_policys_commands_and_skip_blank_ones() {
    for (rule, toml, expected) in CHECK_COMMANDS {
        let policy = Policy::from_toml(toml).unwrap();
        for (kind, want) in CheckKind::ALL.iter().zip(expected) {
            assert_eq!(kind.commands(&policy), *want, "{rule}: {kind}: {toml}");
        }
    }
}

/// (rule, duration in ms, as a passing record says it)
const DURATIONS: &[(&str, u64, &str)] = &[
    ("P2", 0, "(0.0 s)"),
    ("P2", 999, "(0.9 s)"),
    ("P2", 61_250, "(61.2 s)"),
    ("P2", 1_000, "(1.0 s)"),
];

#[test]
fn a_passing_record_says_where_when_and_how_long() {
    for (rule, ms, shown) in DURATIONS {
        let passed = Standing::Passed {
            commit: SHA.into(),
            finished: "2026-07-20T10:01:00Z".into(),
            duration_ms: *ms,
        };
        let detail = passed.check_result(CheckKind::Tests, SHA).detail;
        assert!(
            detail.contains(&format!(
                "tests passed on 0123456789ab at 2026-07-20T10:01:00Z {shown}"
            )),
            "{rule}: {ms}: {detail}"
        );
    }
}

// ---------------------------------------------------------------- P1-P3: the tests gate of `release tag`

use release_core::checks::{tests_gate, TestsGate};

const WITH_TESTS: &str = "[checks]\ntest_commands = [\"cargo test\"]\n";

/// (rule, [checks] TOML, version, the tests standing: "passed", "missing" or "none", a hotfix,
/// --skip-checks, expected: "kind: substring")
type GateRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    Option<&'static str>,
    &'static str,
);
const TESTS_GATE: &[GateRow] = &[
    ("P1", WITH_TESTS, "1.0.0-rc.1", "missing", false, None, "not-required: release candidates are tested"),
    ("P2", "[checks]\ntest_commands = [\"cargo test\"]\nrequire_tests = false\n", "1.0.0", "missing", false, None, "not-required: checks.require_tests = false"),
    ("P2", "[checks]\ntest_commands = []\n", "1.0.0", "none", false, None, "not-required: no test commands (checks.test_commands)"),
    ("P2", WITH_TESTS, "1.0.0", "missing", false, Some("CI is down"), "skipped: CI is down"),
    ("P2", WITH_TESTS, "1.0.0", "passed", false, None, "passed: tests passed on 0123456789ab"),
    ("P2", WITH_TESTS, "1.0.0", "missing", false, None, "P2: v1.0.0 needs passing tests on HEAD before it is tagged: no tests record for HEAD"),
    ("P3", WITH_TESTS, "1.0.1", "missing", true, None, "P3: v1.0.1 needs passing tests on HEAD"),
    ("P2", "[checks]\ntest_commands = []\nrequire_tests = true\n", "1.0.0", "none", false, None, "P2: v1.0.0 needs passing tests (checks.require_tests = true) but the policy names no test command"),
    ("P3", "[checks]\ntest_commands = []\nrequire_tests = true\n", "1.0.1", "none", true, None, "P3: v1.0.1 needs passing tests"),
];

#[test]
fn stable_tags_wait_for_passing_tests() {
    for (rule, toml, version, standing, hotfix, skip, expected) in TESTS_GATE {
        let policy = Policy::from_toml(toml).unwrap();
        let standing = match *standing {
            "passed" => Standing::Passed {
                commit: SHA.into(),
                finished: "2026-07-20T10:01:00Z".into(),
                duration_ms: 1_000,
            },
            "missing" => Standing::Missing,
            _ => Standing::NotConfigured,
        };
        let got = match tests_gate(&v(version), &policy, &standing, SHA, *hotfix, *skip) {
            Ok(TestsGate::NotRequired { reason }) => format!("not-required: {reason}"),
            Ok(TestsGate::Skipped { reason }) => format!("skipped: {reason}"),
            Ok(TestsGate::Passed { detail }) => format!("passed: {detail}"),
            Err(refusal) => format!("{}: {}", refusal.rule, refusal.reason),
        };
        assert!(
            got.starts_with(expected),
            "{rule}: {version} {toml:?}: {got}"
        );
    }
}

// ---------------------------------------------------------------- A1-A3: published or not

use release_core::published::{verdict, Finding, FindingStatus, Verdict};
use release_core::rule::Rule;

/// (rule, the statuses of the findings, the verdict as "published", "missing: items" or
/// "unknown: items")
const VERDICTS: &[(&str, &[FindingStatus], &str)] = &[
    (
        "A1",
        &[FindingStatus::Ok, FindingStatus::Elsewhere],
        "published",
    ),
    (
        "A3",
        &[FindingStatus::Ok, FindingStatus::NotApplicable],
        "published",
    ),
    ("A1", &[], "published"),
    (
        "A2",
        &[FindingStatus::Ok, FindingStatus::NotChecked],
        "unknown: not-checked",
    ),
    (
        "A1",
        &[FindingStatus::NotChecked, FindingStatus::Missing],
        "missing: missing",
    ),
    (
        "A1",
        &[FindingStatus::Wrong, FindingStatus::Ok],
        "missing: wrong",
    ),
];

#[test]
fn a_release_is_published_only_when_every_piece_was_checked() {
    for (rule, statuses, expected) in VERDICTS {
        let findings: Vec<Finding> = statuses
            .iter()
            .map(|s| Finding::new(Rule::A1, s.to_string(), *s, ""))
            .collect();
        for (f, s) in findings.iter().zip(statuses.iter()) {
            assert_eq!(f.item, s.as_str(), "{rule}: the status prints as its name");
        }
        let got = verdict(&findings);
        let shown = match &got {
            Verdict::Published => "published".to_string(),
            Verdict::Missing(items) => format!("missing: {}", items.join(", ")),
            Verdict::Unknown(items) => format!("unknown: {}", items.join(", ")),
        };
        assert_eq!(shown, *expected, "{rule}: {statuses:?}");
        assert_eq!(
            got.is_published(),
            *expected == "published",
            "{rule}: {statuses:?}"
        );
    }
}

// ---------------------------------------------------------------- R2, R3: rollback with --to

use release_core::rollback::RollbackPlan;

/// (rule, released, defective, --to, the aliases that move as "alias=to", the aliases kept)
type ToRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);
const ROLLBACK_TO: &[ToRow] = &[
    (
        "R3",
        "v1.1.0,v1.2.0,v1.2.1",
        "1.2.1",
        "1.1.0",
        &["1=1.1.0", "latest=1.1.0"],
        &["1.2"],
    ),
    (
        "R2",
        "v1.1.0,v1.2.0,v1.2.1",
        "1.2.1",
        "1.2.0",
        &["1.2=1.2.0", "1=1.2.0", "latest=1.2.0"],
        &[],
    ),
    (
        "R3",
        "v0.9.0,v1.0.0",
        "1.0.0",
        "0.9.0",
        &["latest=0.9.0"],
        &["1.0", "1"],
    ),
];

#[test]
fn rollback_to_moves_only_the_aliases_that_can_cover_it() {
    let p = Policy::default();
    let pointing = ["1.0", "1.2", "1", "latest"].map(String::from);
    for (rule, released, defective, to, moves, kept) in ROLLBACK_TO {
        let history = History::from_tags(released.split(','), &p);
        let plan = RollbackPlan::compute(&v(defective), Some(&v(to)), &history, &[], &pointing, &p)
            .unwrap();
        let got: Vec<String> = plan
            .moves
            .iter()
            .map(|m| format!("{}={}", m.alias, m.to))
            .collect();
        assert_eq!(got, *moves, "{rule}: {defective} --to {to}");
        let got: Vec<&str> = plan.kept.iter().map(|k| k.alias.as_str()).collect();
        assert_eq!(got, *kept, "{rule}: {defective} --to {to}");
        assert!(
            plan.kept.iter().all(|k| k.reason.contains("(R3)")),
            "{rule}: kept aliases say why"
        );
        assert_eq!(plan.replacement, Some(v(to)), "{rule}");
    }
}

// ---------------------------------------------------------------- rules as values

#[test]
fn a_rule_equals_its_id_only() {
    for rule in Rule::ALL {
        for other in Rule::ALL {
            assert_eq!(*rule == other.id(), rule == other, "{rule} vs {other}");
        }
        assert!(*rule != "", "{rule}");
    }
}

// ---------------------------------------------------------------- T6, R3: reconcile, one re-tag per target

/// (rule, the registry's digest of each tag, the re-tags: (target, the aliases moved to it))
type BatchRow = (
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static [(&'static str, &'static [&'static str])],
);

const BATCHES: &[BatchRow] = &[
    // Everything where T6 puts it: nothing to do.
    (
        "T6",
        &[
            ("0.1.1", "sha256:a"),
            ("0.1", "sha256:a"),
            ("0.2.0", "sha256:b"),
            ("0.2", "sha256:b"),
            ("0", "sha256:b"),
            ("latest", "sha256:b"),
        ],
        &[],
    ),
    // Two targets: one re-tag each, `latest` in the last.
    (
        "T6",
        &[
            ("0.1.1", "sha256:a"),
            ("0.1", "sha256:b"),
            ("0.2.0", "sha256:b"),
            ("0.2", "sha256:a"),
            ("0", "sha256:a"),
            ("latest", "sha256:a"),
        ],
        &[("0.1.1", &["0.1"]), ("0.2.0", &["0.2", "0", "latest"])],
    ),
    // A missing alias is created with the others of its target.
    (
        "T6",
        &[
            ("0.1.1", "sha256:a"),
            ("0.2.0", "sha256:b"),
            ("0.2", "sha256:a"),
            ("latest", "sha256:b"),
        ],
        &[("0.1.1", &["0.1"]), ("0.2.0", &["0.2", "0"])],
    ),
];

#[test]
fn reconciling_re_tags_once_per_target() {
    use release_core::rollback::ReconcilePlan;
    use std::collections::BTreeMap;
    let p = Policy::default();
    let history = History::from_tags(["v0.1.1", "v0.2.0"], &p);
    for (rule, registry, expected) in BATCHES {
        let digest_of: BTreeMap<String, String> = registry
            .iter()
            .map(|(t, d)| (t.to_string(), d.to_string()))
            .collect();
        let tags: Vec<String> = digest_of.keys().cloned().collect();
        let plan = ReconcilePlan::compute(&history, &[], &tags, &digest_of, &p);
        let got: Vec<(String, Vec<&str>)> = plan
            .batches()
            .into_iter()
            .map(|(target, idx)| {
                let names = idx
                    .iter()
                    .map(|&i| plan.aliases[i].alias.as_str())
                    .collect();
                (target.to_string(), names)
            })
            .collect();
        let want: Vec<(String, Vec<&str>)> = expected
            .iter()
            .map(|(t, a)| (t.to_string(), a.to_vec()))
            .collect();
        assert_eq!(got, want, "{rule}: {registry:?}");
    }
}
