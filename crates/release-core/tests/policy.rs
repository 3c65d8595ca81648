//! Table rows for the policy file itself (`release_core::policy`): which values a
//! `release-policy.toml` may hold (each refusal names its key), what the upgrading-guide switch
//! lets `release prepare` write (C5), and that `release policy show` prints a policy that reads
//! back as the same policy. Found by mutation testing
//! (`scripts/mutants.sh core -- -f crates/release-core/src/policy.rs`); every row names the rule
//! it checks.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests: a failure to set up is a failed test

use release_core::policy::{Policy, PolicyError, ShaLength, UpgradingGuide};

// ---------------------------------------------------------------- the values a policy may hold

/// (rule, `release-policy.toml`, Ok(()) or Err((the key named, a substring of the reason)))
type ValidRow = (
    &'static str,
    &'static str,
    Result<(), (&'static str, &'static str)>,
);

const VALIDATE: &[ValidRow] = &[
    ("P2", "", Ok(())),
    // A check command may run for a second up to a week.
    ("P2", "[checks]\ntimeout_seconds = 1\n", Ok(())),
    ("P2", "[checks]\ntimeout_seconds = 604800\n", Ok(())),
    (
        "P2",
        "[checks]\ntimeout_seconds = 0\n",
        Err(("checks.timeout_seconds", "between 1 and 604800")),
    ),
    (
        "P2",
        "[checks]\ntimeout_seconds = 604801\n",
        Err(("checks.timeout_seconds", "between 1 and 604800")),
    ),
    ("P2", "[checks]\ntimeout_seconds = 86400\n", Ok(())),
    // T1: the edge tag is a Docker tag, and there is one.
    ("T1", "[docker]\nedge_tag = \"main_build-1.x\"\n", Ok(())),
    (
        "T1",
        "[docker]\nedge_tag = \"\"\n",
        Err(("docker.edge_tag", "Docker tag")),
    ),
    (
        "T1",
        "[docker]\nedge_tag = \"edge build\"\n",
        Err(("docker.edge_tag", "Docker tag")),
    ),
    (
        "T1",
        "[docker]\nedge_tag = \"edge+1\"\n",
        Err(("docker.edge_tag", "Docker tag")),
    ),
    (
        "T2",
        "[docker]\nnightly_prefix = \"nightly+\"\n",
        Err(("docker.nightly_prefix", "[A-Za-z0-9_.-]")),
    ),
    (
        "T3",
        "[docker]\nsha_prefix = \"sha:\"\n",
        Err(("docker.nightly_prefix", "[A-Za-z0-9_.-]")),
    ),
    (
        "T3",
        "[docker]\nsha_prefix = \"\"\nnightly_prefix = \"\"\n",
        Ok(()),
    ),
    (
        "V2",
        "prerelease_channels = []\n",
        Err(("prerelease_channels", "at least one channel")),
    ),
    (
        "V2",
        "prerelease_channels = [\"7\"]\n",
        Err(("prerelease_channels", "non-numeric")),
    ),
    ("V2", "prerelease_channels = [\"rc-2\"]\n", Ok(())),
    (
        "V2",
        "prerelease_channels = [\"rc\", \"rc\"]\n",
        Err(("prerelease_channels", "\"rc\" is listed before \"rc\"")),
    ),
    (
        "T1",
        "main_branch = \"\"\n",
        Err(("main_branch", "must not be empty")),
    ),
    (
        "V8",
        "hotfix_branch = \"hotfix\"\n",
        Err(("hotfix_branch", "{version}")),
    ),
    (
        "V1",
        "tag_prefix = \"1\"\n",
        Err(("tag_prefix", "must not start with a digit")),
    ),
    (
        "V1",
        "tag_prefix = \"v \"\n",
        Err(("tag_prefix", "only ASCII letters")),
    ),
    ("V1", "tag_prefix = \"@\"\n", Ok(())),
    (
        "V1",
        "tag_prefix = \"v@{\"\n",
        Err(("tag_prefix", "only ASCII letters")),
    ),
    (
        "C1",
        "[changelog]\ncategories = [\"Added\", \"Fixed\\nNow\"]\n",
        Err(("changelog.categories", "one-line heading")),
    ),
    (
        "G2",
        "[signing]\nstable = []\n",
        Err(("signing.stable", "at least one format")),
    ),
];

#[test]
fn every_refusal_names_its_key() {
    for (rule, text, expected) in VALIDATE {
        let got = Policy::from_toml(text);
        match (expected, &got) {
            (Ok(()), Ok(policy)) => assert!(policy.validate().is_ok(), "{rule}: {text:?}"),
            (Err((key, reason)), Err(e @ PolicyError::Invalid { key: named, .. })) => {
                assert_eq!(named, key, "{rule}: {text:?}");
                let msg = e.to_string();
                assert!(msg.contains(reason), "{rule}: {text:?}: {msg}");
            }
            _ => panic!("{rule}: {text:?}: expected {expected:?}, got {got:?}"),
        }
    }
}

/// (rule, `sha_length` as written, Ok(length) or Err(substring of the refusal))
const SHA_LENGTHS: &[(&str, &str, Result<ShaLength, &str>)] = &[
    ("T3", "4", Ok(ShaLength::Chars(4))),
    ("T3", "64", Ok(ShaLength::Chars(64))),
    ("T3", "\"full\"", Ok(ShaLength::Full)),
    ("T3", "3", Err("sha_length 3 is out of range")),
    ("T3", "65", Err("sha_length 65 is out of range")),
    ("T3", "-1", Err("sha_length -1 is out of range")),
    ("T3", "\"Full\"", Err("is not \"full\" or a number")),
    // A value of another type says what is accepted.
    (
        "T3",
        "true",
        Err("a number of characters from 4 to 64, or \"full\""),
    ),
    (
        "T3",
        "7.5",
        Err("a number of characters from 4 to 64, or \"full\""),
    ),
];

#[test]
fn sha_lengths_are_four_to_sixty_four_or_full() {
    for (rule, value, expected) in SHA_LENGTHS {
        let text = format!("[docker]\nsha_length = {value}\n");
        let got = Policy::from_toml(&text).map(|p| p.docker.sha_length);
        match (expected, &got) {
            (Ok(want), Ok(have)) => assert_eq!(have, want, "{rule}: {value}"),
            (Err(needle), Err(e)) => {
                let msg = e.to_string();
                assert!(msg.contains(needle), "{rule}: {value}: {msg}");
            }
            _ => panic!("{rule}: {value}: expected {expected:?}, got {got:?}"),
        }
    }
}

// ---------------------------------------------------------------- C5: upgrading notes

/// (rule, the guide, notes given on the command line, Ok(notes are written) or Err(substring))
const NOTES: &[(&str, UpgradingGuide, bool, Result<bool, &str>)] = &[
    ("C5", UpgradingGuide::Required, true, Ok(true)),
    (
        "C5",
        UpgradingGuide::Required,
        false,
        Err("every release gets upgrading notes (C5)"),
    ),
    ("C5", UpgradingGuide::Optional, true, Ok(true)),
    ("C5", UpgradingGuide::Optional, false, Ok(false)),
    (
        "C5",
        UpgradingGuide::None,
        true,
        Err("keeps no upgrading guide (checks.upgrading_guide = \"none\")"),
    ),
    ("C5", UpgradingGuide::None, false, Ok(false)),
];

#[test]
fn the_upgrading_guide_decides_what_prepare_writes() {
    for (rule, guide, given, expected) in NOTES {
        match (expected, guide.writes_notes(*given)) {
            (Ok(want), Ok(have)) => assert_eq!(have, *want, "{rule}: {guide:?} {given}"),
            (Err(needle), Err(msg)) => assert!(msg.contains(needle), "{rule}: {msg}"),
            (_, got) => panic!("{rule}: {guide:?} {given}: expected {expected:?}, got {got:?}"),
        }
    }
}

// ---------------------------------------------------------------- what `policy show` prints

/// (rule, a policy that differs from the default)
const SHOWN: &[(&str, &str)] = &[
    ("V1", "tag_prefix = \"release-\"\nmain_branch = \"trunk\"\n"),
    ("T3", "[docker]\nsha_length = \"full\"\nimages = [\"ghcr.io/o/r\"]\n"),
    (
        "C5",
        "[checks]\nupgrading_guide = \"optional\"\ntest_commands = [\"make check\"]\ntimeout_seconds = 60\n",
    ),
    ("A3", "[github]\nrepository = \"o/r\"\n[github.assets]\nlinux = \"app-linux\"\n"),
];

#[test]
fn a_shown_policy_reads_back_as_itself() {
    for (rule, text) in SHOWN {
        let policy = Policy::from_toml(text).unwrap();
        assert_ne!(
            policy,
            Policy::default(),
            "{rule}: the row differs from the default"
        );
        let shown = policy.to_toml();
        assert_eq!(
            Policy::from_toml(&shown).unwrap(),
            policy,
            "{rule}: {shown}"
        );
    }
}

/// (rule, `github.api_base` as set, the API base used)
const API_BASES: &[(&str, &str, &str)] = &[
    ("A3", "", "https://api.github.com"),
    (
        "A3",
        "https://ghe.example/api/v3",
        "https://ghe.example/api/v3",
    ),
];

#[test]
fn the_api_base_defaults_to_github_com() {
    for (rule, set, used) in API_BASES {
        let mut policy = Policy::default();
        policy.github.api_base = (*set).into();
        assert_eq!(policy.github.api_base(), *used, "{rule}: {set:?}");
    }
}
