//! Table rows for reading the CI event (`release_core::event`): what an event name and ref mean
//! (T1, T8, T9), full commit ids (T3) and the run's UTC time (T2, T10). Found by mutation
//! testing (`scripts/mutants.sh core -- -f crates/release-core/src/event.rs`); every row names
//! the rule it checks.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests: a failure to set up is a failed test

use release_core::event::{CommitId, Event, EventError, EventKind, RunTime, Trigger};
use release_core::policy::Policy;

const SHA: &str = "0123456789abcdef0123456789abcdef01234567";

// ---------------------------------------------------------------- T1, T8, T9: what an event means

/// What a trigger should be: a main push, a tag, ignored (with a substring of the reason), or a
/// refused ref.
#[derive(Debug)]
enum Means {
    Main,
    Tag(&'static str),
    Ignored(&'static str),
    BadRef,
}

/// (rule, main branch, event name, ref, what it means)
const TRIGGERS: &[(&str, &str, &str, &str, Means)] = &[
    ("T1", "main", "push", "refs/heads/main", Means::Main),
    (
        "T1",
        "main",
        "workflow_dispatch",
        "refs/heads/main",
        Means::Main,
    ),
    ("T1", "trunk", "push", "refs/heads/trunk", Means::Main),
    (
        "T8",
        "trunk",
        "push",
        "refs/heads/main",
        Means::Ignored("branch `main` is not the main branch `trunk`"),
    ),
    (
        "T8",
        "main",
        "push",
        "refs/heads/feature/x",
        Means::Ignored("not the main branch"),
    ),
    (
        "T8",
        "main",
        "workflow_dispatch",
        "refs/heads/dev",
        Means::Ignored("not the main branch"),
    ),
    // A `create` event for the main branch is a branch creation, not a push (T1 needs a push).
    (
        "T8",
        "main",
        "create",
        "refs/heads/main",
        Means::Ignored("`create` event for branch `main` is not a push"),
    ),
    (
        "T9",
        "main",
        "push",
        "refs/tags/v1.2.3",
        Means::Tag("v1.2.3"),
    ),
    (
        "T9",
        "main",
        "create",
        "refs/tags/v1.2.3",
        Means::Tag("v1.2.3"),
    ),
    (
        "T9",
        "main",
        "workflow_dispatch",
        "refs/tags/not-a-version",
        Means::Tag("not-a-version"),
    ),
    (
        "T8",
        "main",
        "push",
        "refs/pull/7/merge",
        Means::Ignored("neither a branch nor a tag"),
    ),
    (
        "T8",
        "main",
        "schedule",
        "refs/heads/main",
        Means::Ignored("scheduled run"),
    ),
    (
        "T8",
        "main",
        "pull_request",
        "refs/heads/main",
        Means::Ignored("pull request"),
    ),
    (
        "T8",
        "main",
        "pull_request_target",
        "refs/tags/v1.2.3",
        Means::Ignored("pull request"),
    ),
    (
        "T8",
        "main",
        "release",
        "refs/tags/v1.2.3",
        Means::Ignored("event `release`"),
    ),
    (
        "T8",
        "main",
        "Push",
        "refs/heads/main",
        Means::Ignored("event `Push`"),
    ),
    ("T8", "main", "push", "main", Means::BadRef),
    ("T8", "main", "push", "heads/main", Means::BadRef),
    ("T8", "main", "push", "", Means::BadRef),
    ("T8", "main", "schedule", "v1.2.3", Means::BadRef),
];

#[test]
fn an_event_means_a_main_push_a_tag_or_nothing() {
    for (rule, main, event, git_ref, means) in TRIGGERS {
        let policy = Policy {
            main_branch: (*main).into(),
            ..Policy::default()
        };
        let got = Trigger::parse(event, git_ref, &policy);
        let label = format!("{rule}: {event} {git_ref:?} (main `{main}`)");
        match (means, &got) {
            (Means::Main, Ok(Trigger::MainPush)) => {}
            (Means::Tag(want), Ok(Trigger::Tag(tag))) => assert_eq!(tag, want, "{label}"),
            (Means::Ignored(want), Ok(Trigger::Ignored(why))) => {
                assert!(why.contains(want), "{label}: {why}");
                assert!(why.contains("T8"), "{label}: names its rule: {why}");
            }
            (Means::BadRef, Err(e @ EventError::Ref { input })) => {
                assert_eq!(input, git_ref, "{label}");
                assert!(
                    e.to_string().contains(&format!("{git_ref:?}")),
                    "{label}: names the input: {e}"
                );
            }
            _ => panic!("{label}: expected {means:?}, got {got:?}"),
        }
        // A whole event means the same, and keeps what it was given.
        let t = RunTime::parse_date("2026-07-20").unwrap();
        match (Event::parse(event, git_ref, SHA, t, &policy), got) {
            (Ok(whole), Ok(trigger)) => {
                assert_eq!(whole.trigger, trigger, "{label}");
                assert_eq!(whole.git_ref, *git_ref, "{label}");
                assert_eq!(whole.kind, EventKind::parse(event), "{label}");
                assert_eq!(whole.sha.as_str(), SHA, "{label}");
                assert_eq!(whole.time, t, "{label}");
            }
            (Err(a), Err(b)) => assert_eq!(a, b, "{label}"),
            (a, b) => panic!("{label}: Event::parse {a:?} but Trigger::parse {b:?}"),
        }
    }
}

/// (rule, `GITHUB_EVENT_NAME`, the kind, the name it is shown by)
const KINDS: &[(&str, &str, EventKind, &str)] = &[
    ("T1", "push", EventKind::Push, "push"),
    ("T9", "create", EventKind::Create, "create"),
    (
        "T1",
        "workflow_dispatch",
        EventKind::WorkflowDispatch,
        "workflow_dispatch",
    ),
    ("T8", "schedule", EventKind::Schedule, "schedule"),
    ("T8", "pull_request", EventKind::PullRequest, "pull_request"),
    (
        "T8",
        "pull_request_target",
        EventKind::PullRequest,
        "pull_request",
    ),
];

#[test]
fn event_names_are_kept() {
    for (rule, name, kind, shown) in KINDS {
        let got = EventKind::parse(name);
        assert_eq!(got, *kind, "{rule}: {name}");
        assert_eq!(got.name(), *shown, "{rule}: {name}");
    }
    for other in ["release", "Push", ""] {
        let got = EventKind::parse(other);
        assert_eq!(got, EventKind::Other(other.into()), "T8: {other:?}");
        assert_eq!(got.name(), other, "T8: an unknown event keeps its name");
    }
}

// ---------------------------------------------------------------- T3: full commit ids

/// (rule, input, Ok(the id, lower-cased) or Err(substrings of the reason))
type ShaRow = (
    &'static str,
    &'static str,
    Result<&'static str, &'static [&'static str]>,
);

const SHAS: &[ShaRow] = &[
    ("T3", SHA, Ok(SHA)),
    ("T3", "0123456789ABCDEF0123456789ABCDEF01234567", Ok(SHA)),
    (
        "T3",
        "0123456789abcdef0123456789abcdef0123456",
        Err(&["39 characters, an abbreviation"]),
    ),
    ("T3", "0123456", Err(&["7 characters, an abbreviation"])),
    ("T3", "", Err(&["0 characters, an abbreviation"])),
    (
        "T3",
        "0123456789abcdef0123456789abcdef012345678",
        Err(&["41 characters", "expected 40 or 64"]),
    ),
    (
        "T3",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde",
        Err(&["63 characters", "expected 40 or 64"]),
    ),
    (
        "T3",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0",
        Err(&["65 characters", "expected 40 or 64"]),
    ),
    (
        "T3",
        "g123456789abcdef0123456789abcdef01234567",
        Err(&["'g' at position 1 is not hexadecimal"]),
    ),
    (
        "T3",
        "0123456789abcdef0123456789abcdef0123456z",
        Err(&["'z' at position 40 is not hexadecimal"]),
    ),
    ("T3", "01234-6", Err(&["'-' at position 6"])),
];

#[test]
fn commit_ids_are_full_and_lower_cased() {
    for (rule, input, expected) in SHAS {
        let got = CommitId::parse(input);
        match (expected, &got) {
            (Ok(want), Ok(id)) => {
                assert_eq!(id.as_str(), *want, "{rule}: {input:?}");
                assert_eq!(id.to_string(), *want, "{rule}: {input:?} shown");
                assert_eq!(
                    serde_json::to_value(id).unwrap(),
                    serde_json::json!(want),
                    "{rule}: {input:?} in JSON"
                );
            }
            (Err(needles), Err(e @ EventError::Sha { input: given, .. })) => {
                assert_eq!(given, input, "{rule}");
                let msg = e.to_string();
                for needle in *needles {
                    assert!(msg.contains(needle), "{rule}: {input:?}: {msg}");
                }
                assert!(msg.contains("T3"), "{rule}: names its rule: {msg}");
            }
            _ => panic!("{rule}: {input:?}: expected {expected:?}, got {got:?}"),
        }
    }
    let sha256 = "AB".repeat(32);
    let id = CommitId::parse(&sha256).unwrap();
    assert_eq!(id.as_str(), "ab".repeat(32), "T3: SHA-256 ids, lower-cased");
}

/// (rule, length asked for, the short id)
const SHORT: &[(&str, usize, &str)] = &[
    ("T3", 7, "0123456"),
    ("T3", 12, "0123456789ab"),
    ("T3", 1, "0"),
    ("T3", 0, ""),
    ("T3", 40, SHA),
    ("T3", 41, SHA),
    ("T3", usize::MAX, SHA),
];

#[test]
fn short_ids_never_run_past_the_id() {
    let id = CommitId::parse(SHA).unwrap();
    for (rule, n, want) in SHORT {
        assert_eq!(id.short(*n), *want, "{rule}: {n}");
    }
}

// ---------------------------------------------------------------- T2, T10: the run's time in UTC

/// (rule, RFC 3339 input, UTC date, UTC RFC 3339)
const TIMES: &[(&str, &str, &str, &str)] = &[
    (
        "T10",
        "2026-07-20T14:03:09Z",
        "2026-07-20",
        "2026-07-20T14:03:09Z",
    ),
    (
        "T2",
        "2026-07-20T23:30:00-02:00",
        "2026-07-21",
        "2026-07-21T01:30:00Z",
    ),
    (
        "T2",
        "2026-01-01T01:05:07+02:00",
        "2025-12-31",
        "2025-12-31T23:05:07Z",
    ),
    (
        "T10",
        "0999-03-04T05:06:07.890Z",
        "0999-03-04",
        "0999-03-04T05:06:07Z",
    ),
];

#[test]
fn times_are_read_and_shown_in_utc() {
    for (rule, input, date, rfc3339) in TIMES {
        let t = RunTime::parse_rfc3339(input).unwrap();
        assert_eq!(t.date(), *date, "{rule}: {input}");
        assert_eq!(t.rfc3339(), *rfc3339, "{rule}: {input}");
        // The same instant read back from its UTC form is the same run time.
        assert_eq!(RunTime::parse_rfc3339(&t.rfc3339()).unwrap().date(), *date);
    }
    let midnight = RunTime::parse_date("2024-02-29").unwrap();
    assert_eq!(midnight.date(), "2024-02-29", "T2: a calendar date");
    assert_eq!(
        midnight.rfc3339(),
        "2024-02-29T00:00:00Z",
        "T2: its midnight UTC"
    );
    assert!(
        midnight < RunTime::parse_rfc3339("2024-02-29T00:00:01Z").unwrap(),
        "T2: run times are ordered"
    );
}

/// (rule, input, substring of the refusal)
const BAD_TIMES: &[(&str, &str, &str)] = &[
    ("T2", "2026-07-20 10:00", "RFC 3339"),
    ("T2", "2026-07-20", "RFC 3339"),
    ("T2", "", "RFC 3339"),
];

/// (rule, input, substring of the refusal)
const BAD_DATES: &[(&str, &str, &str)] = &[
    ("T2", "2026-02-30", "calendar date"),
    ("T2", "2026-7-20", "calendar date"),
    ("T2", "2026-07-20T00:00:00Z", "calendar date"),
    ("T2", "", "calendar date"),
];

#[test]
fn bad_times_are_refused_naming_the_input() {
    for (rule, input, needle) in BAD_TIMES {
        let e = RunTime::parse_rfc3339(input).unwrap_err();
        assert!(
            matches!(e, EventError::Time { .. }),
            "{rule}: {input:?}: {e:?}"
        );
        let msg = e.to_string();
        assert!(
            msg.contains(needle) && msg.contains(&format!("{input:?}")),
            "{rule}: {msg}"
        );
    }
    for (rule, input, needle) in BAD_DATES {
        let e = RunTime::parse_date(input).unwrap_err();
        assert!(
            matches!(e, EventError::Date { .. }),
            "{rule}: {input:?}: {e:?}"
        );
        let msg = e.to_string();
        assert!(
            msg.contains(needle) && msg.contains(&format!("{input:?}")),
            "{rule}: {msg}"
        );
    }
}

#[test]
fn a_clock_time_is_taken_in_utc() {
    let local = time::macros::datetime!(2026-07-21 01:30:00 +03:00);
    let t = RunTime::from_datetime(local);
    assert_eq!(
        t.rfc3339(),
        "2026-07-20T22:30:00Z",
        "T2: the clock's offset is removed"
    );
    assert_eq!(t.date(), "2026-07-20", "T2");
}
