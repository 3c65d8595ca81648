//! Table rows for the procedures as data (`release_core::checklist`, P1-P4): their names, the
//! steps the policy's switches add or leave out, how a step's result is rendered and counted,
//! and the next step `release status` proposes. Found by mutation testing
//! (`scripts/mutants.sh core -- -f crates/release-core/src/checklist.rs`); every row names the
//! rule it checks.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests: a failure to set up is a failed test

use std::collections::BTreeMap;

use release_core::announce::{Channel, ChannelKind, Notice};
use release_core::checklist::{
    next_step, Check, CheckResult, CheckState, Checklist, Facts, Procedure, Step,
};
use release_core::checks::CheckKind;
use release_core::history::History;
use release_core::line::Branch;
use release_core::policy::Policy;
use release_core::version::ReleaseVersion;

fn v(text: &str) -> ReleaseVersion {
    ReleaseVersion::parse_version(text, &Policy::default()).unwrap()
}

fn find<'a>(list: &'a Checklist, id: &str) -> &'a Step {
    list.steps
        .iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("no step {id} in {:?}", list.procedure))
}

// ---------------------------------------------------------------- P1-P4: the procedures by name

/// (rule, name, the procedure, the heading of its checklist for 0.4.0)
const PROCEDURES: &[(&str, &str, Option<Procedure>, &str)] = &[
    (
        "P2",
        "stable",
        Some(Procedure::Stable),
        "## Release v0.4.0 (P2)",
    ),
    (
        "P1",
        "rc",
        Some(Procedure::Rc),
        "## Release candidate v0.4.0 (P1)",
    ),
    (
        "P1",
        "candidate",
        Some(Procedure::Rc),
        "## Release candidate v0.4.0 (P1)",
    ),
    (
        "P3",
        "hotfix",
        Some(Procedure::Hotfix),
        "## Hotfix v0.4.0 (P3)",
    ),
    (
        "P4",
        "rollback",
        Some(Procedure::Rollback),
        "## Rollback of v0.4.0 (P4)",
    ),
    ("P2", "Stable", None, ""),
    ("P1", "", None, ""),
    ("P4", "rollback ", None, ""),
    ("P2", "release", None, ""),
];

#[test]
fn procedures_by_name_and_rule() {
    for (rule, name, expected, heading) in PROCEDURES {
        let got = Procedure::parse(name);
        assert_eq!(got, *expected, "{rule}: {name:?}");
        if let Some(p) = got {
            assert_eq!(p.rule(), *rule, "{rule}: {name:?}");
            let list = Checklist::new(p, &v("0.4.0"), &Policy::default(), None);
            let md = list.render_markdown(&BTreeMap::new());
            assert_eq!(md.lines().next(), Some(*heading), "{rule}: {name:?}");
        }
    }
}

// ---------------------------------------------------------------- P1, P3: the policy's commands

/// One policy's check commands and what the hotfix and candidate steps run.
struct CommandsRow {
    rule: &'static str,
    tests: Option<&'static [&'static str]>,
    smoke: &'static str,
    drill: &'static str,
    /// The commands of the hotfix's `tests` step.
    hotfix: &'static [&'static str],
    /// Whether the hotfix's `tests` step is proven by a passing smoke record.
    smoke_proves: bool,
}

const DRILL: &str = "release check restore-drill --execute  # when the fix is in a critical path";

const COMMANDS: &[CommandsRow] = &[
    CommandsRow {
        rule: "P3",
        tests: None,
        smoke: "",
        drill: "",
        hotfix: &[],
        smoke_proves: false,
    },
    CommandsRow {
        rule: "P3",
        tests: Some(&["cargo test"]),
        smoke: "",
        drill: "",
        hotfix: &["release check tests --execute"],
        smoke_proves: false,
    },
    CommandsRow {
        rule: "P3",
        tests: None,
        smoke: "./smoke.sh",
        drill: "",
        hotfix: &["release check smoke --execute"],
        smoke_proves: true,
    },
    // A blank command is no command (it would render as an empty `sh` block).
    CommandsRow {
        rule: "P3",
        tests: Some(&[]),
        smoke: "  ",
        drill: " \t",
        hotfix: &[],
        smoke_proves: false,
    },
    CommandsRow {
        rule: "P3",
        tests: None,
        smoke: "",
        drill: "./drill.sh",
        hotfix: &[DRILL],
        smoke_proves: false,
    },
    CommandsRow {
        rule: "P3",
        tests: Some(&["cargo test", "cargo test --doc"]),
        smoke: "./smoke.sh",
        drill: "./drill.sh",
        hotfix: &[
            "release check tests --execute",
            "release check smoke --execute",
            DRILL,
        ],
        smoke_proves: true,
    },
];

#[test]
fn hotfix_and_candidate_steps_run_the_policys_commands() {
    for row in COMMANDS {
        let mut policy = Policy::default();
        policy.checks.test_commands = row.tests.map(|t| t.iter().map(|s| s.to_string()).collect());
        policy.checks.smoke_command = row.smoke.into();
        policy.checks.restore_drill_command = row.drill.into();
        let rule = row.rule;
        let label = format!(
            "{rule}: tests {:?}, smoke {:?}, drill {:?}",
            row.tests, row.smoke, row.drill
        );

        let hotfix = Checklist::new(Procedure::Hotfix, &v("0.3.2"), &policy, None);
        let tests = find(&hotfix, "tests");
        assert_eq!(tests.commands, row.hotfix, "{label}");
        let proof = row.smoke_proves.then_some(Check::CheckPassed {
            check: CheckKind::Smoke,
        });
        assert_eq!(tests.check, proof, "{label}");

        // P1: the candidate's CI step runs the smoke test, when there is one.
        let rc = Checklist::new(Procedure::Rc, &v("0.4.0-rc.1"), &policy, None);
        let ci = find(&rc, "ci");
        let smoke: Vec<&str> = Some(row.smoke)
            .filter(|s| !s.trim().is_empty())
            .into_iter()
            .collect();
        assert_eq!(ci.commands, smoke, "P1: {label}");
    }
}

// ---------------------------------------------------------------- N1, R6: announcing on the policy's channels

/// (rule, channel names, procedure, step id, its command, the notice it checks, or None)
type ChannelRow = (
    &'static str,
    &'static [&'static str],
    Procedure,
    &'static str,
    &'static [&'static str],
    Option<Notice>,
);

const CHANNELS: &[ChannelRow] = &[
    (
        "N1",
        &[],
        Procedure::Stable,
        "announce",
        &["release changelog notes 0.4.0"],
        None,
    ),
    (
        "N1",
        &["discord-main", "fedi"],
        Procedure::Stable,
        "announce",
        &["release announce 0.4.0 --execute"],
        Some(Notice::Announcement),
    ),
    (
        "N1",
        &["discord-main"],
        Procedure::Hotfix,
        "announce",
        &["release announce 0.4.0 --execute"],
        Some(Notice::Announcement),
    ),
    ("R6", &[], Procedure::Rollback, "notify", &[], None),
    (
        "R6",
        &["discord-main", "fedi"],
        Procedure::Rollback,
        "notify",
        &["release announce 0.4.0 --deprecated --reason \"...\" --execute"],
        Some(Notice::Deprecation),
    ),
];

#[test]
fn announcing_uses_the_policys_channels() {
    for (rule, names, procedure, id, commands, notice) in CHANNELS {
        let mut policy = Policy::default();
        policy.announce.channels = names
            .iter()
            .map(|n| Channel::new(n, ChannelKind::Discord))
            .collect();
        let list = Checklist::new(*procedure, &v("0.4.0"), &policy, Some(&v("0.3.2")));
        let step = find(&list, id);
        let label = format!("{rule}: {procedure:?} with channels {names:?}");
        assert_eq!(step.commands, *commands, "{label}");
        let expected = notice.map(|notice| Check::Announced {
            tag: "v0.4.0".into(),
            notice,
            channels: names.iter().map(|n| n.to_string()).collect(),
        });
        assert_eq!(step.check, expected, "{label}");
        if !names.is_empty() {
            assert!(
                step.title.contains(&names.join(", ")),
                "{label}: {}",
                step.title
            );
        }
    }
}

// ---------------------------------------------------------------- P2: results, rendered and counted

/// (rule, the `tag` step's state, ticked, what follows the step's line)
const RENDERED: &[(&str, CheckState, bool, &str)] = &[
    ("P2", CheckState::Pass, true, ""),
    ("P2", CheckState::Fail, false, " — ❌ what was found"),
    ("P2", CheckState::Unknown, false, " — ❔ what was found"),
    (
        "P2",
        CheckState::NotApplicable,
        false,
        " — not applicable: what was found",
    ),
];

#[test]
fn a_result_is_shown_by_its_state() {
    let list = Checklist::new(Procedure::Stable, &v("0.4.0"), &Policy::default(), None);
    for (rule, state, ticked, suffix) in RENDERED {
        let result = CheckResult {
            state: state.clone(),
            detail: "what was found".into(),
        };
        let results = BTreeMap::from([("tag".to_string(), result)]);
        let md = list.render_markdown(&results);
        let line = md
            .lines()
            .find(|l| l.contains("**tag**"))
            .unwrap_or_else(|| panic!("{rule}: no tag line in {md}"));
        let tick = if *ticked { "x" } else { " " };
        assert_eq!(
            line,
            format!("- [{tick}] **tag** Create the signed tag `v0.4.0` _(G1-G4)_{suffix}"),
            "{rule}: {state:?}"
        );
        // The other steps have no result: unticked, nothing after them.
        let push = md.lines().find(|l| l.contains("**push**")).unwrap();
        assert!(
            push.starts_with("- [ ]") && push.ends_with("_(G5)_"),
            "{rule}: {push}"
        );
    }
}

/// (rule, the result every checked step gets, the one the `tag` step gets instead, all pass)
const COUNTED: &[(&str, CheckState, Option<CheckState>, bool)] = &[
    ("P2", CheckState::Pass, None, true),
    ("P2", CheckState::NotApplicable, None, true),
    (
        "P2",
        CheckState::Pass,
        Some(CheckState::NotApplicable),
        true,
    ),
    ("P2", CheckState::Pass, Some(CheckState::Fail), false),
    ("P2", CheckState::Pass, Some(CheckState::Unknown), false),
    ("P2", CheckState::Unknown, None, false),
    ("P2", CheckState::Fail, None, false),
];

#[test]
fn every_checked_step_must_pass_or_not_apply() {
    let mut policy = Policy::default();
    policy.docker.images = Some(vec!["ghcr.io/acme/app".into()]);
    let list = Checklist::new(Procedure::Stable, &v("0.4.0"), &policy, None);
    let checked: Vec<&str> = list
        .steps
        .iter()
        .filter(|s| s.check.is_some())
        .map(|s| s.id)
        .collect();
    assert!(
        checked.contains(&"tag") && checked.len() > 3,
        "P2: {checked:?}"
    );
    for (rule, every, tag, all) in COUNTED {
        let mut results: BTreeMap<String, CheckResult> = checked
            .iter()
            .map(|id| {
                let r = CheckResult {
                    state: every.clone(),
                    detail: String::new(),
                };
                (id.to_string(), r)
            })
            .collect();
        if let Some(state) = tag {
            results.insert(
                "tag".into(),
                CheckResult {
                    state: state.clone(),
                    detail: String::new(),
                },
            );
        }
        assert_eq!(
            list.all_checks_pass(&results),
            *all,
            "{rule}: {every:?}, tag {tag:?}"
        );
        // A step not evaluated at all is not a pass.
        results.remove("changelog");
        assert!(
            !list.all_checks_pass(&results),
            "{rule}: changelog not evaluated"
        );

        // The JSON view pairs every step with its own result.
        let states = list.states(&results);
        assert_eq!(states.len(), list.steps.len(), "{rule}");
        for (state, step) in states.iter().zip(&list.steps) {
            assert_eq!(state.step, step, "{rule}");
            assert_eq!(state.result, results.get(step.id), "{rule}: {}", step.id);
        }
    }
}

#[test]
fn results_are_built_by_state() {
    let rows = [
        (CheckResult::pass("p"), CheckState::Pass, "p", true),
        (CheckResult::fail("f"), CheckState::Fail, "f", false),
        (CheckResult::unknown("u"), CheckState::Unknown, "u", false),
        (
            CheckResult::not_applicable("n"),
            CheckState::NotApplicable,
            "n",
            true,
        ),
    ];
    for (result, state, detail, ok) in rows {
        assert_eq!(result.state, state, "P2");
        assert_eq!(result.detail, detail, "P2");
        assert_eq!(result.is_ok(), ok, "P2: {state:?}");
    }
    let fixed = Check::NotApplicable {
        reason: "no image".into(),
    }
    .fixed_result();
    assert_eq!(fixed, Some(CheckResult::not_applicable("no image")), "P2");
    assert_eq!(
        Check::TreeClean.fixed_result(),
        None,
        "P2: a real check is run"
    );
}

// ---------------------------------------------------------------- P1-P3: the next step

/// One `release status` situation and the command it must propose.
struct NextRow {
    rule: &'static str,
    released: &'static [&'static str],
    unreleased: usize,
    suggested: Option<&'static str>,
    section: Option<&'static str>,
    command: Option<&'static str>,
    action: &'static str,
}

const NEXT: &[NextRow] = &[
    // A prepared section that V6 refuses (its line already has a newer release) is not a
    // version to tag: the ordinary "what is unreleased" answer follows.
    NextRow {
        rule: "V6",
        released: &["v0.2.1", "v0.3.0"],
        unreleased: 0,
        suggested: None,
        section: Some("0.2.0"),
        command: Some("release changelog add --category Added \"...\""),
        action: "nothing to release",
    },
    NextRow {
        rule: "V5",
        released: &["v0.2.0", "v0.3.0"],
        unreleased: 0,
        suggested: None,
        section: Some("0.3.0"),
        command: Some("release changelog add --category Added \"...\""),
        action: "nothing to release",
    },
    // A suggestion without entries is nothing to release.
    NextRow {
        rule: "C1",
        released: &["v0.3.0"],
        unreleased: 0,
        suggested: Some("0.4.0"),
        section: Some("0.3.0"),
        command: Some("release changelog add --category Added \"...\""),
        action: "nothing to release",
    },
    NextRow {
        rule: "P1",
        released: &["v0.3.0"],
        unreleased: 1,
        suggested: Some("0.4.0"),
        section: Some("0.3.0"),
        command: Some("release prepare 0.4.0 --none --commit"),
        action: "1 Unreleased entries call for 0.4.0",
    },
    // Prepared, no candidate yet, and new entries: they go into the prepared section first.
    NextRow {
        rule: "P1",
        released: &["v0.3.0"],
        unreleased: 2,
        suggested: Some("0.4.1"),
        section: Some("0.4.0"),
        command: Some("release prepare 0.4.0 --commit"),
        action: "2 new Unreleased entries belong to 0.4.0",
    },
    NextRow {
        rule: "P1",
        released: &["v0.3.0"],
        unreleased: 0,
        suggested: None,
        section: Some("0.4.0"),
        command: Some("release rc tag 0.4.0 --execute"),
        action: "first release candidate",
    },
];

#[test]
fn the_next_step_follows_what_is_released_and_prepared() {
    let p = Policy::default();
    for row in NEXT {
        let facts = Facts {
            unreleased_entries: row.unreleased,
            has_unreleased: true,
            suggested: row.suggested.map(v),
            newest_section: row.section.map(v),
            history: History::from_tags(row.released, &p),
            branch: Some(Branch::Main),
            ..Facts::default()
        };
        let s = next_step(&facts, &p);
        let label = format!(
            "{}: released {:?}, section {:?}, {} entries",
            row.rule, row.released, row.section, row.unreleased
        );
        assert_eq!(s.command.as_deref(), row.command, "{label}: {}", s.action);
        assert!(s.action.contains(row.action), "{label}: {}", s.action);
    }
}
