//! Table-driven tests: every case names the rule it checks (V1-V8, T1-T10).

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests: a failure to set up is a failed test

use release_core::event::{CommitId, Event, RunTime};
use release_core::history::History;
use release_core::matrix::{PlanKind, TagPlan};
use release_core::policy::{Policy, ShaLength};
use release_core::version::{Bump, ReleaseVersion, Stage};

const SHA: &str = "0123456789abcdef0123456789abcdef01234567";

fn policy() -> Policy {
    Policy::default()
}

// ---------------------------------------------------------------- V1-V3: parsing tags

/// (rule, tag, Ok(stage as "stable" / "rc.N") or Err(substring of the message))
const TAGS: &[(&str, &str, Result<&str, &str>)] = &[
    ("V1", "v0.1.0", Ok("stable")),
    ("V1", "v1.2.3", Ok("stable")),
    ("V1", "v10.20.30", Ok("stable")),
    ("V1", "v18446744073709551615.0.0", Ok("stable")),
    (
        "V1",
        "v18446744073709551616.0.0",
        Err("does not fit in 64 bits"),
    ),
    ("V1", "v1.2", Err("exactly three numbers")),
    ("V1", "v1.2.3.4", Err("exactly three numbers")),
    ("V1", "v01.2.3", Err("leading zero")),
    ("V1", "v1.02.3", Err("leading zero")),
    ("V1", "v1.2.03", Err("leading zero")),
    ("V1", "1.2.3", Err("does not start with the tag prefix")),
    ("V1", "V1.2.3", Err("does not start with the tag prefix")),
    (
        "V1",
        "release-1.2.3",
        Err("does not start with the tag prefix"),
    ),
    ("V1", "v1.2.3 ", Err("V1")),
    ("V1", "v", Err("V1")),
    ("V1", "", Err("V1")),
    ("V1", "v1.2.\u{0663}", Err("non-ASCII")),
    ("V1", "v1.2.3\u{2011}rc.1", Err("non-ASCII")),
    ("V1", "v1.2.3-r\u{0441}.1", Err("non-ASCII")),
    ("V1", "\u{0475}1.2.3", Err("non-ASCII")),
    ("V1", "v1.2.3\n", Err("non-ASCII")),
    ("V2", "v1.2.3-rc.1", Ok("rc.1")),
    ("V2", "v1.2.3-rc.10", Ok("rc.10")),
    (
        "V2",
        "v0.4.0-rc.18446744073709551615",
        Ok("rc.18446744073709551615"),
    ),
    (
        "V2",
        "v0.4.0-rc.18446744073709551616",
        Err("does not fit in 64 bits"),
    ),
    ("V2", "v1.2.3-rc.0", Err("must be >= 1")),
    ("V2", "v1.2.3-rc.01", Err("V1")),
    ("V2", "v1.2.3-RC.1", Err("case-sensitive")),
    ("V2", "v1.2.3-rc1", Err("<channel>.<N>")),
    ("V2", "v1.2.3-rc", Err("<channel>.<N>")),
    ("V2", "v1.2.3-rc.1.2", Err("<channel>.<N>")),
    ("V2", "v1.2.3-rc.x", Err("integer")),
    (
        "V2",
        "v1.2.3-alpha.1",
        Err("channel `alpha` is not allowed"),
    ),
    ("V2", "v1.2.3-beta", Err("<channel>.<N>")),
    ("V2", "v1.2.3-", Err("V1")),
    ("V2", "v1.2.3-rc..1", Err("V1")),
    ("V3", "v1.2.3+build.7", Err("build metadata is not allowed")),
    (
        "V3",
        "v1.2.3-rc.1+sha.abc",
        Err("build metadata is not allowed"),
    ),
    ("V3", "v1.2.3+", Err("build metadata is not allowed")),
];

#[test]
fn tag_grammar() {
    let policy = policy();
    for (rule, tag, expected) in TAGS {
        let got = ReleaseVersion::parse_tag(tag, &policy);
        match (expected, &got) {
            (Ok(stage), Ok(v)) => {
                let shown = match v.stage() {
                    Stage::Stable => "stable".to_string(),
                    Stage::Candidate { channel, number } => format!("{channel}.{number}"),
                };
                assert_eq!(&shown, stage, "{rule} {tag:?}");
                assert_eq!(v.tag(&policy), *tag, "{rule} {tag:?} round trip");
            }
            (Err(needle), Err(e)) => {
                let msg = e.to_string();
                assert!(
                    msg.contains(needle),
                    "{rule} {tag:?}: {msg:?} lacks {needle:?}"
                );
                assert!(
                    msg.contains(&format!("{tag:?}")),
                    "{rule}: message names the input: {msg}"
                );
            }
            _ => panic!("{rule} {tag:?}: expected {expected:?}, got {got:?}"),
        }
    }
}

#[test]
fn channels_and_prefix_are_configurable() {
    let policy =
        Policy::from_toml("tag_prefix = \"release-\"\nprerelease_channels = [\"beta\", \"rc\"]\n")
            .unwrap();
    assert!(ReleaseVersion::parse_tag("release-1.2.3-beta.2", &policy).is_ok());
    assert!(ReleaseVersion::parse_tag("v1.2.3", &policy).is_err());
    let empty = Policy::from_toml("tag_prefix = \"\"").unwrap();
    assert!(ReleaseVersion::parse_tag("1.2.3", &empty).is_ok());
    assert!(ReleaseVersion::parse_tag("v1.2.3", &empty).is_err());
}

#[test]
fn ordering_is_precedence_not_text() {
    let p = policy();
    let v = |s: &str| ReleaseVersion::parse_version(s, &p).unwrap();
    assert!(v("1.10.0") > v("1.9.0"), "V1: 1.10.0 > 1.9.0");
    assert!(v("1.0.0-rc.10") > v("1.0.0-rc.9"), "V7: rc.10 > rc.9");
    assert!(
        v("1.0.0") > v("1.0.0-rc.99"),
        "V2: stable after its candidates"
    );
    assert!(v("0.10.0") > v("0.9.9"));
    assert!(v("2.0.0-rc.1") > v("1.99.99"));
}

// ---------------------------------------------------------------- V4: bumps

const BUMPS: &[(&str, Bump, &str)] = &[
    ("0.2.5", Bump::Breaking, "0.3.0"),
    ("0.2.5", Bump::Feature, "0.3.0"),
    ("0.2.5", Bump::Fix, "0.2.6"),
    ("0.0.3", Bump::Breaking, "0.1.0"),
    ("0.0.3", Bump::Fix, "0.0.4"),
    ("0.9.1", Bump::Major, "1.0.0"),
    ("0.9.1", Bump::Minor, "0.10.0"),
    ("1.2.5", Bump::Breaking, "2.0.0"),
    ("1.2.5", Bump::Feature, "1.3.0"),
    ("1.2.5", Bump::Fix, "1.2.6"),
    ("1.9.0", Bump::Minor, "1.10.0"),
    ("1.2.5", Bump::Patch, "1.2.6"),
    ("1.3.0-rc.2", Bump::Fix, "1.3.0"),
];

#[test]
fn bumps_follow_the_pre_one_rule() {
    let p = policy();
    for (from, bump, to) in BUMPS {
        let got = ReleaseVersion::parse_version(from, &p).unwrap().bump(*bump);
        assert_eq!(got.to_string(), *to, "V4: {from} {bump:?}");
    }
}

// ---------------------------------------------------------------- V5-V8: history

/// (rule, released, new version, None = allowed or Some(rule refused with))
const NEW: &[(&str, &str, &str, Option<&str>)] = &[
    ("V5", "", "0.1.0", None),
    ("V5", "v0.1.0", "0.1.0", Some("V5")),
    ("V5", "v0.4.0-rc.1", "0.4.0-rc.1", Some("V5")),
    ("V5", "v0.3.0,v0.3.1", "0.3.1", Some("V5")),
    ("V6", "v0.3.0,v0.3.1", "0.3.2", None),
    ("V6", "v0.3.0,v0.3.1", "0.4.0", None),
    ("V6", "v0.3.0,v0.3.2", "0.3.1", Some("V6")),
    ("V6", "v0.3.0,v0.4.0", "0.3.1", None),
    ("V6", "v0.4.0", "0.3.0", Some("V6")),
    ("V6", "v1.0.0", "0.9.0", Some("V6")),
    ("V6", "v1.1.0,v1.2.0,v2.0.0", "1.1.5", None),
    ("V6", "v1.2.0,v2.0.0", "1.1.5", Some("V6")),
    ("V6", "v1.2.0,v2.0.0", "1.3.0", Some("V6")),
    ("V6", "v1.9.0", "1.10.0", None),
    ("V6", "v1.10.0", "1.9.1", Some("V6")),
    ("V6", "v0.4.1-rc.1", "0.4.0", Some("V6")),
    ("V6", "v0.3.0,v0.3.5", "0.3.4-rc.1", Some("V6")),
    ("V7", "v0.4.0", "0.4.0-rc.1", Some("V7")),
    ("V7", "v0.4.0-rc.1", "0.4.0-rc.2", None),
    ("V7", "v0.4.0-rc.1", "0.4.0-rc.3", Some("V7")),
    ("V7", "v0.4.0-rc.1,v0.4.0-rc.2", "0.4.0-rc.1", Some("V5")),
    ("V7", "", "0.4.0-rc.2", Some("V7")),
    ("V7", "v0.4.0-rc.9", "0.4.0-rc.10", None),
    ("V7", "v0.4.0-rc.1,v0.4.0-rc.2", "0.4.0", None),
    ("V8", "v0.3.1,v0.4.0", "0.3.2", None),
    ("V8", "v1.4.2,v2.1.0", "1.4.3", None),
];

#[test]
fn check_new_enforces_v5_to_v7() {
    let p = policy();
    for (rule, released, version, expected) in NEW {
        let history = History::from_tags(released.split(','), &p);
        let v = ReleaseVersion::parse_version(version, &p).unwrap();
        let got = history.check_new(&v);
        match (expected, &got) {
            (None, Ok(())) => {}
            (Some(want), Err(refusal)) => {
                assert_eq!(
                    refusal.rule, *want,
                    "{rule} {released} + {version}: {refusal}"
                );
                assert!(
                    refusal.to_string().contains(&v.to_string()),
                    "message names the version"
                );
            }
            _ => panic!("{rule} {released} + {version}: expected {expected:?}, got {got:?}"),
        }
    }
}

#[test]
fn next_candidate_counts_up() {
    let p = policy();
    let h = History::from_tags(["v0.3.0", "v0.4.0-rc.1", "v0.4.0-rc.2", "v0.4.0-rc.10"], &p);
    let next = h
        .next_candidate(&ReleaseVersion::stable(0, 4, 0), "rc")
        .unwrap();
    assert_eq!(
        next.to_string(),
        "0.4.0-rc.11",
        "V7: max + 1, compared as numbers"
    );
    let fresh = h
        .next_candidate(&ReleaseVersion::stable(0, 5, 0), "rc")
        .unwrap();
    assert_eq!(fresh.to_string(), "0.5.0-rc.1");
    let stable = History::from_tags(["v0.4.0"], &p);
    let refused = stable
        .next_candidate(&ReleaseVersion::stable(0, 4, 0), "rc")
        .unwrap_err();
    assert_eq!(refused.rule, "V7");
}

#[test]
fn channels_come_in_the_listed_order() {
    let p = Policy::from_toml("prerelease_channels = [\"alpha\", \"beta\", \"rc\"]").unwrap();
    let v = |s: &str| ReleaseVersion::parse_version(s, &p).unwrap();
    let h = History::from_tags(["v0.9.0", "v1.0.0-rc.1"], &p);
    // V7: the next candidate stays on the candidate's channel, never back to the first one.
    let next = h.next_candidate_for(&v("1.0.0"), &p).unwrap();
    assert_eq!(next.to_string(), "1.0.0-rc.2");
    // A candidate never goes backwards.
    for earlier in ["1.0.0-beta.1", "1.0.0-alpha.1"] {
        let refused = h.check_new(&v(earlier)).unwrap_err();
        assert_eq!(refused.rule, "V7", "{earlier}");
        assert!(refused.reason.contains("1.0.0-rc.1"), "{}", refused.reason);
    }
    // Forward is fine: beta.2 -> rc.1.
    let h = History::from_tags(["v1.0.0-alpha.1", "v1.0.0-beta.2"], &p);
    assert!(h.check_new(&v("1.0.0-rc.1")).is_ok());
    assert_eq!(
        h.next_candidate_for(&v("1.0.0"), &p).unwrap().to_string(),
        "1.0.0-beta.3"
    );
    // No candidate yet: the first listed channel.
    let h = History::from_tags(["v0.9.0"], &p);
    assert_eq!(
        h.next_candidate_for(&v("1.0.0"), &p).unwrap().to_string(),
        "1.0.0-alpha.1"
    );
}

#[test]
fn ignored_tags_are_not_releases() {
    let p = Policy::from_toml("ignore_tags = [\"v9.9.9*\", \"v0.0.*\"]").unwrap();
    let h = History::from_tags(["v0.0.1", "v0.3.0", "v9.9.9", "v9.9.9-rc.1"], &p);
    assert_eq!(
        h.newest_stable().map(ToString::to_string).as_deref(),
        Some("0.3.0")
    );
    assert_eq!(h.len(), 1);
    assert_eq!(h.ignored(), ["v0.0.1", "v9.9.9", "v9.9.9-rc.1"]);
    assert!(h
        .check_new(&ReleaseVersion::parse_version("0.4.0", &p).unwrap())
        .is_ok());
}

#[test]
fn tag_prefix_with_at_and_slash() {
    let p = Policy::from_toml("tag_prefix = \"@metamask/x@\"").unwrap();
    let v = ReleaseVersion::parse_tag("@metamask/x@1.2.3", &p).unwrap();
    assert_eq!(v.to_string(), "1.2.3");
    assert_eq!(v.tag(&p), "@metamask/x@1.2.3");
    // Docker tags stay bare versions (T4).
    let event = Event::parse(
        "push",
        "refs/tags/@metamask/x@1.2.3",
        SHA,
        RunTime::parse_date("2026-07-20").unwrap(),
        &p,
    )
    .unwrap();
    let plan = TagPlan::compute(&event, &History::default(), &p).unwrap();
    assert_eq!(plan.tags, ["1.2.3", "1.2", "1", "latest", "sha-0123456"]);
}

#[test]
fn hotfix_is_next_patch_of_the_line() {
    let p = policy();
    let h = History::from_tags(["v0.3.0", "v0.3.1", "v0.4.0", "v0.3.2-rc.1"], &p);
    assert_eq!(
        h.hotfix_of_line(0, 3).map(|v| v.to_string()).as_deref(),
        Some("0.3.2"),
        "V8"
    );
    assert_eq!(h.hotfix_of_line(0, 5), None, "V8: no stable in the line");
    let v = ReleaseVersion::parse_version("0.3.1", &p).unwrap();
    assert_eq!(
        p.hotfix_branch_for(v.hotfix().semver()),
        "hotfix/v0.3.2",
        "V8 branch"
    );
    assert!(
        !v.hotfix().to_string().contains('+'),
        "V8: never build metadata"
    );
}

#[test]
fn history_queries() {
    let p = policy();
    let h = History::from_tags(
        [
            "v0.3.0",
            "v0.3.1",
            "v0.4.0-rc.1",
            "v0.4.0",
            "v1.0.0-rc.1",
            "nightly",
            "v2.0",
            "v0.3.2",
        ],
        &p,
    );
    assert_eq!(h.len(), 6);
    assert_eq!(h.ignored(), ["nightly", "v2.0"]);
    assert_eq!(h.newest_stable().unwrap().to_string(), "0.4.0");
    assert_eq!(h.newest().unwrap().to_string(), "1.0.0-rc.1");
    assert_eq!(h.newest_stable_in_line(0, 3).unwrap().to_string(), "0.3.2");
    assert_eq!(h.newest_stable_in_major(0).unwrap().to_string(), "0.4.0");
    assert_eq!(h.newest_stable_in_major(1), None);
    let v040 = ReleaseVersion::parse_version("0.4.0", &p).unwrap();
    let v032 = ReleaseVersion::parse_version("0.3.2", &p).unwrap();
    assert_eq!(h.previous_good(&v040, &[]).unwrap().to_string(), "0.3.2");
    assert_eq!(
        h.previous_good(&v040, &[v032]).unwrap().to_string(),
        "0.3.1"
    );
    assert_eq!(h.candidates_of(&v040, "rc"), [1]);
}

// ---------------------------------------------------------------- T1-T10: plans

enum Want {
    /// tags published, tags skipped
    Plan(PlanKind, &'static [&'static str], &'static [&'static str]),
    /// nothing published; reason contains
    Nothing(&'static str),
    /// error contains
    Error(&'static str),
}

struct Case {
    rule: &'static str,
    event: &'static str,
    git_ref: &'static str,
    released: &'static str,
    want: Want,
}

const fn case(
    rule: &'static str,
    event: &'static str,
    git_ref: &'static str,
    released: &'static str,
    want: Want,
) -> Case {
    Case {
        rule,
        event,
        git_ref,
        released,
        want,
    }
}

use Want::{Error, Nothing, Plan};

const PLANS: &[Case] = &[
    // T1, T7: main pushes
    case(
        "T1",
        "push",
        "refs/heads/main",
        "",
        Plan(
            PlanKind::Main,
            &["edge", "nightly-2026-07-20", "sha-0123456"],
            &["latest"],
        ),
    ),
    case(
        "T1",
        "push",
        "refs/heads/main",
        "v0.3.0,v0.4.0",
        Plan(
            PlanKind::Main,
            &["edge", "nightly-2026-07-20", "sha-0123456"],
            &["latest"],
        ),
    ),
    case(
        "T1",
        "workflow_dispatch",
        "refs/heads/main",
        "",
        Plan(
            PlanKind::Main,
            &["edge", "nightly-2026-07-20", "sha-0123456"],
            &["latest"],
        ),
    ),
    // T5: stable
    case(
        "T5",
        "push",
        "refs/tags/v0.4.0",
        "v0.3.0,v0.3.1",
        Plan(
            PlanKind::Stable,
            &["0.4.0", "0.4", "0", "latest", "sha-0123456"],
            &[],
        ),
    ),
    case(
        "T5",
        "push",
        "refs/tags/v0.1.0",
        "",
        Plan(
            PlanKind::Stable,
            &["0.1.0", "0.1", "0", "latest", "sha-0123456"],
            &[],
        ),
    ),
    case(
        "T5",
        "push",
        "refs/tags/v0.0.1",
        "",
        Plan(
            PlanKind::Stable,
            &["0.0.1", "0.0", "0", "latest", "sha-0123456"],
            &[],
        ),
    ),
    case(
        "T5",
        "push",
        "refs/tags/v0.0.2",
        "v0.0.1,v0.1.0",
        Plan(
            PlanKind::Stable,
            &["0.0.2", "0.0", "sha-0123456"],
            &["0", "latest"],
        ),
    ),
    case(
        "T5",
        "push",
        "refs/tags/v1.0.0",
        "v0.9.0,v1.0.0-rc.1",
        Plan(
            PlanKind::Stable,
            &["1.0.0", "1.0", "1", "latest", "sha-0123456"],
            &[],
        ),
    ),
    case(
        "T5",
        "create",
        "refs/tags/v1.0.0",
        "",
        Plan(
            PlanKind::Stable,
            &["1.0.0", "1.0", "1", "latest", "sha-0123456"],
            &[],
        ),
    ),
    case(
        "T5",
        "workflow_dispatch",
        "refs/tags/v1.0.0",
        "",
        Plan(
            PlanKind::Stable,
            &["1.0.0", "1.0", "1", "latest", "sha-0123456"],
            &[],
        ),
    ),
    // T6: backports and out-of-order patches
    case(
        "T6",
        "push",
        "refs/tags/v0.3.2",
        "v0.3.0,v0.3.1,v0.4.0",
        Plan(
            PlanKind::Stable,
            &["0.3.2", "0.3", "sha-0123456"],
            &["0", "latest"],
        ),
    ),
    case(
        "T6",
        "push",
        "refs/tags/v1.4.3",
        "v1.4.2,v1.5.0,v2.0.0",
        Plan(
            PlanKind::Stable,
            &["1.4.3", "1.4", "sha-0123456"],
            &["1", "latest"],
        ),
    ),
    case(
        "T6",
        "push",
        "refs/tags/v1.5.1",
        "v1.5.0,v2.0.0",
        Plan(
            PlanKind::Stable,
            &["1.5.1", "1.5", "1", "sha-0123456"],
            &["latest"],
        ),
    ),
    case(
        "T6",
        "push",
        "refs/tags/v1.9.5",
        "v1.9.4,v1.10.0",
        Plan(
            PlanKind::Stable,
            &["1.9.5", "1.9", "sha-0123456"],
            &["1", "latest"],
        ),
    ),
    case(
        "T6",
        "push",
        "refs/tags/v1.10.1",
        "v1.9.4,v1.10.0",
        Plan(
            PlanKind::Stable,
            &["1.10.1", "1.10", "1", "latest", "sha-0123456"],
            &[],
        ),
    ),
    case(
        "T6",
        "push",
        "refs/tags/v0.3.1",
        "v0.3.0,v0.3.2",
        Plan(
            PlanKind::Stable,
            &["0.3.1", "sha-0123456"],
            &["0.3", "0", "latest"],
        ),
    ),
    case(
        "T6",
        "push",
        "refs/tags/v2.0.0",
        "v2.0.0-rc.1,v3.0.0-rc.1,v1.0.0",
        Plan(
            PlanKind::Stable,
            &["2.0.0", "2.0", "2", "latest", "sha-0123456"],
            &[],
        ),
    ),
    // re-running the same release gives the same plan
    case(
        "T6",
        "push",
        "refs/tags/v0.4.0",
        "v0.3.0,v0.4.0",
        Plan(
            PlanKind::Stable,
            &["0.4.0", "0.4", "0", "latest", "sha-0123456"],
            &[],
        ),
    ),
    case(
        "T6",
        "push",
        "refs/tags/v0.3.2",
        "v0.3.2,v0.4.0",
        Plan(
            PlanKind::Stable,
            &["0.3.2", "0.3", "sha-0123456"],
            &["0", "latest"],
        ),
    ),
    // T4: candidates
    case(
        "T4",
        "push",
        "refs/tags/v0.4.0-rc.1",
        "v0.3.0",
        Plan(
            PlanKind::Candidate,
            &["0.4.0-rc.1", "sha-0123456"],
            &["latest", "0.4", "0"],
        ),
    ),
    case(
        "T4",
        "push",
        "refs/tags/v0.4.0-rc.10",
        "v0.4.0-rc.9",
        Plan(
            PlanKind::Candidate,
            &["0.4.0-rc.10", "sha-0123456"],
            &["latest", "0.4", "0"],
        ),
    ),
    case(
        "T4",
        "push",
        "refs/tags/v2.0.0-rc.1",
        "",
        Plan(
            PlanKind::Candidate,
            &["2.0.0-rc.1", "sha-0123456"],
            &["latest", "2.0", "2"],
        ),
    ),
    // T8: events the policy does not name
    case(
        "T8",
        "push",
        "refs/heads/feature/x",
        "",
        Nothing("not the main branch"),
    ),
    case(
        "T8",
        "push",
        "refs/heads/v1.2.3",
        "",
        Nothing("not the main branch"),
    ),
    case(
        "T8",
        "push",
        "refs/heads/release/1.2",
        "",
        Nothing("not the main branch"),
    ),
    case("T8", "create", "refs/heads/main", "", Nothing("not a push")),
    case(
        "T8",
        "pull_request",
        "refs/pull/12/merge",
        "",
        Nothing("pull request"),
    ),
    case(
        "T8",
        "pull_request",
        "refs/heads/main",
        "",
        Nothing("pull request"),
    ),
    case(
        "T8",
        "schedule",
        "refs/heads/main",
        "",
        Nothing("scheduled"),
    ),
    case(
        "T8",
        "release",
        "refs/tags/v1.0.0",
        "",
        Nothing("`release`"),
    ),
    case(
        "T8",
        "push",
        "refs/notes/commits",
        "",
        Nothing("neither a branch nor a tag"),
    ),
    case(
        "T8",
        "workflow_dispatch",
        "refs/heads/develop",
        "",
        Nothing("not the main branch"),
    ),
    // T9: tag pushes that are not release tags are errors
    case("T9", "push", "refs/tags/v1.2.3+build.7", "", Error("V3")),
    case("T9", "push", "refs/tags/v1.2", "", Error("V1")),
    case("T9", "push", "refs/tags/1.2.3", "", Error("tag prefix")),
    case("T9", "push", "refs/tags/v1.2.3-beta.1", "", Error("V2")),
    case("T9", "push", "refs/tags/v1.2.3-RC.1", "", Error("V2")),
    case("T9", "push", "refs/tags/latest", "", Error("T9")),
    case("T9", "push", "refs/tags/v01.2.3", "", Error("leading zero")),
    case(
        "T9",
        "push",
        "refs/tags/v\u{0661}.2.3",
        "",
        Error("non-ASCII"),
    ),
    case("T9", "push", "v1.2.3", "", Error("full ref")),
    case("T9", "push", "main", "", Error("full ref")),
];

#[test]
fn plans_follow_the_matrix() {
    let p = policy();
    let time = RunTime::parse_rfc3339("2026-07-20T10:30:00Z").unwrap();
    for c in PLANS {
        let history = History::from_tags(c.released.split(','), &p);
        let label = format!("{} {} {} [{}]", c.rule, c.event, c.git_ref, c.released);
        let plan = Event::parse(c.event, c.git_ref, SHA, time, &p)
            .map_err(|e| e.to_string())
            .and_then(|event| TagPlan::compute(&event, &history, &p).map_err(|e| e.to_string()));
        match (&c.want, plan) {
            (Plan(kind, tags, skipped), Ok(plan)) => {
                assert!(plan.publish, "{label}");
                assert_eq!(plan.kind, *kind, "{label}");
                assert_eq!(plan.tags, *tags, "{label}");
                let got: Vec<&str> = plan.skipped.iter().map(|s| s.tag.as_str()).collect();
                assert_eq!(got, *skipped, "{label}");
                assert!(
                    plan.skipped.iter().all(|s| s.reason.contains("(T")),
                    "{label}: reasons cite a rule"
                );
                assert!(
                    !plan.tags.iter().any(|t| t == "latest") || *kind == PlanKind::Stable,
                    "{label}: T7"
                );
            }
            (Nothing(why), Ok(plan)) => {
                assert!(!plan.publish, "{label}");
                assert_eq!(plan.kind, PlanKind::None, "{label}");
                assert!(plan.tags.is_empty(), "{label}");
                let reason = plan.reason.unwrap_or_default();
                assert!(
                    reason.contains(why) && reason.contains("T8"),
                    "{label}: {reason}"
                );
            }
            (Error(want), Err(msg)) => assert!(msg.contains(want), "{label}: {msg}"),
            (_, got) => panic!("{label}: unexpected {got:?}"),
        }
    }
}

#[test]
fn t2_nightly_uses_the_utc_date() {
    let p = policy();
    let h = History::default();
    for (time, date) in [
        ("2026-07-20T23:59:59Z", "nightly-2026-07-20"),
        ("2026-07-21T00:00:00Z", "nightly-2026-07-21"),
        ("2026-07-20T23:30:00-02:00", "nightly-2026-07-21"),
        ("2026-07-21T01:00:00+02:00", "nightly-2026-07-20"),
        ("2024-02-29T12:00:00Z", "nightly-2024-02-29"),
        ("2026-12-31T23:00:00-05:00", "nightly-2027-01-01"),
    ] {
        let t = RunTime::parse_rfc3339(time).unwrap();
        let event = Event::parse("push", "refs/heads/main", SHA, t, &p).unwrap();
        let plan = TagPlan::compute(&event, &h, &p).unwrap();
        assert_eq!(plan.tags[1], date, "T2: {time}");
    }
    assert!(
        RunTime::parse_date("2026-02-30").is_err(),
        "T2: not a calendar date"
    );
    assert!(RunTime::parse_rfc3339("2026-07-20 10:00").is_err());
}

#[test]
fn t3_sha_must_be_full_and_is_lower_cased() {
    let p = policy();
    let t = RunTime::parse_date("2026-07-20").unwrap();
    for bad in [
        "0123456",
        "0123456789abcdef0123456789abcdef0123456",
        "g123456789abcdef0123456789abcdef01234567",
        "",
        "0123456789abcdef0123456789abcdef012345678",
    ] {
        let err = Event::parse("push", "refs/heads/main", bad, t, &p)
            .unwrap_err()
            .to_string();
        assert!(err.contains("T3"), "{bad}: {err}");
    }
    let upper = "0123456789ABCDEF0123456789ABCDEF01234567";
    let event = Event::parse("push", "refs/tags/v1.0.0", upper, t, &p).unwrap();
    let plan = TagPlan::compute(&event, &History::default(), &p).unwrap();
    assert_eq!(plan.tags.last().unwrap(), "sha-0123456");
    assert_eq!(plan.labels["org.opencontainers.image.revision"], SHA);
    let sha256 = "a".repeat(64);
    assert_eq!(
        CommitId::parse(&sha256).unwrap().as_str().len(),
        64,
        "T3: SHA-256 repositories"
    );
    let mut full = p.clone();
    full.docker.sha_length = ShaLength::Full;
    let plan = TagPlan::compute(&event, &History::default(), &full).unwrap();
    assert_eq!(plan.tags.last().unwrap(), &format!("sha-{SHA}"));
    full.docker.sha_length = ShaLength::Chars(12);
    let plan = TagPlan::compute(&event, &History::default(), &full).unwrap();
    assert_eq!(plan.tags.last().unwrap(), "sha-0123456789ab");
}

#[test]
fn t5_zero_major_alias_is_configurable() {
    let p = Policy::from_toml("[docker]\nmajor_alias_for_zero = false\n").unwrap();
    let t = RunTime::parse_date("2026-07-20").unwrap();
    let event = Event::parse("push", "refs/tags/v0.4.0", SHA, t, &p).unwrap();
    let plan = TagPlan::compute(&event, &History::default(), &p).unwrap();
    assert_eq!(plan.tags, ["0.4.0", "0.4", "latest", "sha-0123456"]);
    assert_eq!(plan.skipped[0].tag, "0");
    assert!(plan.skipped[0].reason.contains("major_alias_for_zero"));
    let event = Event::parse("push", "refs/tags/v1.4.0", SHA, t, &p).unwrap();
    let plan = TagPlan::compute(&event, &History::default(), &p).unwrap();
    assert!(
        plan.tags.contains(&"1".to_string()),
        "T5: the setting is about 0.x only"
    );
}

#[test]
fn t9_every_tag_matches_docker_grammar() {
    let mut p = policy();
    p.docker.nightly_prefix = "nightly+".into();
    assert!(
        p.validate().is_err(),
        "the policy refuses a prefix Docker cannot hold"
    );
    let t = RunTime::parse_date("2026-07-20").unwrap();
    let event = Event::parse("push", "refs/heads/main", SHA, t, &p).unwrap();
    let err = TagPlan::compute(&event, &History::default(), &p)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("nightly+2026-07-20") && err.contains("T9"),
        "{err}"
    );
    assert!(release_core::matrix::check_docker_tag(&"a".repeat(128)).is_ok());
    assert!(release_core::matrix::check_docker_tag(&"a".repeat(129)).is_err());
    assert!(release_core::matrix::check_docker_tag(".hidden").is_err());
    assert!(release_core::matrix::check_docker_tag("_ok").is_ok());
}

#[test]
fn t10_labels() {
    // Source and title come from the repository when the policy leaves them out.
    let facts = release_core::identity::RepoFacts {
        origin_url: Some("git@github.com:Acme/Widget-Server.git".into()),
        ..Default::default()
    };
    let mut p = policy().resolve(&facts).policy;
    p.docker.licenses = "AGPL-3.0-only".into();
    let t = RunTime::parse_rfc3339("2026-07-20T12:34:56+02:00").unwrap();
    let event = Event::parse("push", "refs/tags/v0.4.0-rc.2", SHA, t, &p).unwrap();
    let plan = TagPlan::compute(&event, &History::default(), &p).unwrap();
    let l = &plan.labels;
    assert_eq!(l["org.opencontainers.image.version"], "0.4.0-rc.2");
    assert_eq!(l["org.opencontainers.image.revision"], SHA);
    assert_eq!(
        l["org.opencontainers.image.created"],
        "2026-07-20T10:34:56Z"
    );
    assert_eq!(
        l["org.opencontainers.image.source"],
        "https://github.com/Acme/Widget-Server"
    );
    assert_eq!(l["org.opencontainers.image.title"], "widget-server");
    assert_eq!(l["org.opencontainers.image.licenses"], "AGPL-3.0-only");
    let main = Event::parse("push", "refs/heads/main", SHA, t, &p).unwrap();
    let plan = TagPlan::compute(&main, &History::default(), &p).unwrap();
    assert_eq!(plan.labels["org.opencontainers.image.version"], "edge");
    assert_eq!(plan.images(&["ghcr.io/o/r".into()])[0], "ghcr.io/o/r:edge");
}

#[test]
fn there_are_at_least_eighty_cases() {
    let n = TAGS.len() + BUMPS.len() + NEW.len() + PLANS.len();
    assert!(n >= 80, "{n} table cases");
}

// ---------------------------------------------------------------- T6 + R5: yanked releases

/// (rule, released, yanked, version planned, aliases published on it, aliases left elsewhere
/// as "alias=target")
type YankedCase = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);
const YANKED: &[YankedCase] = &[
    // The next fix of the older line gets `latest` and `0` back once 0.2.0 is yanked.
    (
        "R5",
        &["v0.1.0", "v0.1.1", "v0.2.0"],
        &["0.2.0"],
        "0.1.2",
        &["0.1", "0", "latest"],
        &[],
    ),
    // Without the yank, T6 keeps them on 0.2.0.
    (
        "T6",
        &["v0.1.0", "v0.1.1", "v0.2.0"],
        &[],
        "0.1.2",
        &["0.1"],
        &["0=0.2.0", "latest=0.2.0"],
    ),
    // A good 0.2.1 exists: `latest` stays there, the yank does not move it backwards.
    (
        "T6",
        &["v0.1.1", "v0.2.0", "v0.2.1"],
        &["0.2.0"],
        "0.1.2",
        &["0.1"],
        &["0=0.2.1", "latest=0.2.1"],
    ),
    // Re-planning a yanked version publishes no alias on it.
    (
        "R5",
        &["v0.1.1", "v0.2.0"],
        &["0.2.0"],
        "0.2.0",
        &[],
        &["0.2=-", "0=0.1.1", "latest=0.1.1"],
    ),
    // A yanked candidate base does not matter to stable aliases of another line.
    (
        "R5",
        &["v1.0.0", "v1.1.0", "v2.0.0"],
        &["2.0.0"],
        "1.1.1",
        &["1.1", "1", "latest"],
        &[],
    ),
];

#[test]
fn yanked_releases_never_hold_an_alias() {
    let p = policy();
    for (rule, released, yanked, version, on, elsewhere) in YANKED {
        let history = History::from_tags(released.iter().copied(), &p).with_yanked(
            yanked
                .iter()
                .map(|v| ReleaseVersion::parse_version(v, &p).unwrap()),
        );
        let v = ReleaseVersion::parse_version(version, &p).unwrap();
        let placed = release_core::rollback::place_aliases(&v, &history, &[], &p);
        let got_on: Vec<String> = placed
            .iter()
            .filter(|a| a.on_version)
            .map(|a| a.alias.to_string())
            .collect();
        let got_elsewhere: Vec<String> = placed
            .iter()
            .filter(|a| !a.on_version)
            .map(|a| {
                format!(
                    "{}={}",
                    a.alias,
                    a.target.as_ref().map_or("-".to_string(), |t| t.to_string())
                )
            })
            .collect();
        assert_eq!(
            got_on, *on,
            "{rule}: {version} after {released:?} yanked {yanked:?}"
        );
        assert_eq!(
            got_elsewhere, *elsewhere,
            "{rule}: {version} after {released:?} yanked {yanked:?}"
        );
        // The plan of the tag push agrees with the placement (one T6 function).
        let event = Event::parse(
            "push",
            &format!("refs/tags/v{version}"),
            SHA,
            RunTime::parse_date("2026-07-20").unwrap(),
            &p,
        )
        .unwrap();
        let plan = TagPlan::compute(&event, &history, &p).unwrap();
        for alias in *on {
            assert!(plan.tags.iter().any(|t| t == alias), "{rule}: {plan:?}");
        }
        for pair in *elsewhere {
            let alias = pair.split('=').next().unwrap();
            let skipped = plan.skipped.iter().find(|s| s.tag == alias).unwrap();
            let placement = placed
                .iter()
                .find(|a| a.alias.to_string() == alias)
                .unwrap();
            assert_eq!(Some(skipped.rule), placement.rule, "{rule}: {skipped:?}");
            assert_eq!(Some(&skipped.reason), placement.reason.as_ref());
        }
    }
}

#[test]
fn yanked_versions_still_count_for_v5_and_v6() {
    let p = policy();
    let history = History::from_tags(["v0.1.1", "v0.2.0"], &p)
        .with_yanked([ReleaseVersion::parse_version("0.2.0", &p).unwrap()]);
    let again = ReleaseVersion::parse_version("0.2.0", &p).unwrap();
    assert_eq!(history.check_new(&again).unwrap_err().rule, "V5");
    let below = ReleaseVersion::parse_version("0.1.3", &p).unwrap();
    assert!(history.check_new(&below).is_ok());
    let fix = ReleaseVersion::parse_version("0.2.1", &p).unwrap();
    assert!(history.check_new(&fix).is_ok());
}

// ---------------------------------------------------------------- T6 after the fact: reconcile

#[test]
fn reconcile_puts_aliases_where_t6_and_the_yanks_say_latest_last() {
    use release_core::rollback::{FixAction, ReconcilePlan};
    use std::collections::BTreeMap;
    let p = policy();
    let history = History::from_tags(["v0.1.1", "v0.2.0"], &p)
        .with_yanked([ReleaseVersion::parse_version("0.2.0", &p).unwrap()]);
    let tags: Vec<String> = ["0.1.1", "0.1", "0.2.0", "0.2", "0", "latest", "1"]
        .map(String::from)
        .to_vec();
    // The registry: everything on 0.2.0's digest but 0.1 and 0.1.1.
    let digest_of: BTreeMap<String, String> = [
        ("0.1.1", "sha256:a"),
        ("0.1", "sha256:a"),
        ("0.2.0", "sha256:b"),
        ("0", "sha256:b"),
        ("latest", "sha256:b"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let names = ReconcilePlan::names_to_resolve(&history, &[], &tags, &p);
    assert!(names.contains(&"0.1.1".to_string()) && !names.contains(&"0.2.0".to_string()));
    let plan = ReconcilePlan::compute(&history, &[], &tags, &digest_of, &p);
    let got: Vec<(&str, String, FixAction)> = plan
        .aliases
        .iter()
        .map(|a| (a.alias.as_str(), a.target.to_string(), a.action))
        .collect();
    // R5: the yanked 0.2.0 holds no alias; `0` and `latest` move to 0.1.1, `latest` last.
    assert_eq!(
        got,
        [
            ("0.1", "0.1.1".to_string(), FixAction::Ok),
            ("0", "0.1.1".to_string(), FixAction::Move),
            ("latest", "0.1.1".to_string(), FixAction::Move),
        ]
    );
    // `0.2` has no good release (left as it is), and `1` is a stray alias of nothing released.
    assert_eq!(plan.left, ["0.2", "1"]);
    let batches = plan.batches();
    assert_eq!(batches.len(), 1);
    assert_eq!(batches[0].1, [1, 2]);
}

#[test]
fn reconcile_actions_are_printed_as_json_names_them() {
    use release_core::rollback::FixAction;
    for (action, name) in [
        (FixAction::Ok, "ok"),
        (FixAction::Create, "create"),
        (FixAction::Move, "move"),
    ] {
        assert_eq!(action.as_str(), name);
        assert_eq!(serde_json::to_value(action).ok(), Some(name.into()));
    }
}

#[test]
fn a_version_named_bad_by_a_rollback_is_not_called_yanked() {
    let p = policy();
    let history = History::from_tags(["v0.1.1", "v0.2.0"], &p);
    let bad = ReleaseVersion::parse_version("0.2.0", &p).unwrap();
    let placed =
        release_core::rollback::place_aliases(&bad, &history, std::slice::from_ref(&bad), &p);
    let latest = placed
        .iter()
        .find(|a| a.alias.to_string() == "latest")
        .unwrap();
    assert_eq!(latest.rule.map(|r| r.id()), Some("R3"));
    assert!(
        latest
            .reason
            .as_deref()
            .unwrap()
            .contains("rolled back (R3)"),
        "{latest:?}"
    );
    let yanked = history.clone().with_yanked([bad.clone()]);
    let placed = release_core::rollback::place_aliases(&bad, &yanked, &[], &p);
    let latest = placed
        .iter()
        .find(|a| a.alias.to_string() == "latest")
        .unwrap();
    assert_eq!(latest.rule.map(|r| r.id()), Some("R5"));
    assert!(
        latest.reason.as_deref().unwrap().contains("yanked (R5)"),
        "{latest:?}"
    );
}
