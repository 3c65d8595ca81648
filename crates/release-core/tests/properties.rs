//! Property tests of the plan and the history.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests: a failure to set up is a failed test

use std::collections::BTreeMap;

use proptest::prelude::*;
use release_core::event::{Event, RunTime};
use release_core::history::History;
use release_core::matrix::{check_docker_tag, TagPlan};
use release_core::policy::Policy;
use release_core::version::ReleaseVersion;

const SHA: &str = "89abcdef0123456789abcdef0123456789abcdef";

/// Small numbers so that histories collide, plus the occasional huge one.
fn num() -> impl Strategy<Value = u64> {
    prop_oneof![8 => 0u64..4, 1 => Just(u64::MAX), 1 => 9u64..12]
}

fn version() -> impl Strategy<Value = ReleaseVersion> {
    (num(), num(), num(), prop::option::of(1u64..4)).prop_map(|(a, b, c, rc)| {
        let v = ReleaseVersion::stable(a, b, c);
        match rc {
            Some(n) => v.candidate("rc", n).unwrap_or(v),
            None => v,
        }
    })
}

fn plan_for(tag: &str, history: &History, policy: &Policy) -> TagPlan {
    let time = RunTime::parse_date("2026-07-20").unwrap();
    let event = Event::parse("push", &format!("refs/tags/{tag}"), SHA, time, policy).unwrap();
    TagPlan::compute(&event, history, policy).unwrap()
}

proptest! {
    /// Releasing in any order, an alias (`latest`, `X.Y`, `X`) never moves to a lower version.
    #[test]
    fn no_alias_ever_moves_backwards(order in prop::collection::vec(version(), 1..30)) {
        let policy = Policy::default();
        let mut history = History::default();
        let mut aliases: BTreeMap<String, ReleaseVersion> = BTreeMap::new();
        for v in order {
            history.insert(v.clone());
            let plan = plan_for(&v.tag(&policy), &history, &policy);
            for tag in &plan.tags {
                let is_alias = tag == "latest" || (tag.starts_with(|c: char| c.is_ascii_digit()) && *tag != v.to_string());
                if !is_alias {
                    continue;
                }
                prop_assert!(v.is_stable(), "a candidate moved {tag}");
                if let Some(old) = aliases.get(tag) {
                    prop_assert!(*old <= v, "{tag} moved back from {old} to {v}");
                }
                aliases.insert(tag.clone(), v.clone());
            }
        }
        // And each alias ends where the history says it belongs.
        if let Some(newest) = history.newest_stable() {
            prop_assert_eq!(aliases.get("latest"), Some(newest));
        }
    }

    /// The plan depends on the set of releases only: not on order, duplicates or noise tags.
    #[test]
    fn the_plan_is_deterministic(
        released in prop::collection::vec(version(), 0..20),
        noise in prop::collection::vec("[a-z0-9.+-]{0,12}", 0..5),
        target in version(),
    ) {
        let policy = Policy::default();
        let mut tags: Vec<String> = released.iter().map(|v| v.tag(&policy)).collect();
        tags.extend(noise);
        let a = History::from_tags(&tags, &policy);
        tags.reverse();
        tags.extend(released.iter().map(|v| v.tag(&policy)));
        let b = History::from_tags(&tags, &policy);
        let tag = target.tag(&policy);
        let first = plan_for(&tag, &a, &policy);
        prop_assert_eq!(&first, &plan_for(&tag, &b, &policy));
        prop_assert_eq!(&first, &plan_for(&tag, &a, &policy));
    }

    /// Whatever the version and policy knobs, every emitted tag is a valid Docker tag.
    #[test]
    fn every_tag_matches_docker_grammar(
        target in version(),
        released in prop::collection::vec(version(), 0..10),
        sha_length in 4u8..=64,
        zero in any::<bool>(),
        prefix in "[a-z]{0,3}",
    ) {
        let mut policy = Policy { tag_prefix: prefix, ..Policy::default() };
        policy.docker.sha_length = release_core::policy::ShaLength::Chars(sha_length);
        policy.docker.major_alias_for_zero = zero;
        let history = History::from_versions(released);
        let plan = plan_for(&target.tag(&policy), &history, &policy);
        for tag in &plan.tags {
            prop_assert!(check_docker_tag(tag).is_ok(), "{tag}");
            prop_assert!(!tag.contains('+'));
        }
        prop_assert_eq!(plan.tags.first(), Some(&target.to_string()));
    }

    /// `check_new` never allows a version that is already in the history, and anything it
    /// allows is greater than every release of its line.
    #[test]
    fn check_new_never_allows_an_existing_version(
        released in prop::collection::vec(version(), 0..25),
        pick in any::<prop::sample::Index>(),
        fresh in version(),
    ) {
        let history = History::from_versions(released.clone());
        if !released.is_empty() {
            let existing = pick.get(&released);
            prop_assert!(history.check_new(existing).is_err());
        }
        if history.check_new(&fresh).is_ok() {
            prop_assert!(!history.contains(&fresh));
            let base = fresh.base();
            for v in history.releases().filter(|v| v.line() == base.line() && v.base() != base) {
                prop_assert!(*v < base, "{fresh} allowed below {v}");
            }
        }
    }

    /// Parsing never panics, and what parses prints back as the same tag.
    #[test]
    fn parsing_never_panics(input in "\\PC{0,40}") {
        let policy = Policy::default();
        if let Ok(v) = ReleaseVersion::parse_tag(&input, &policy) {
            prop_assert_eq!(v.tag(&policy), input);
        }
    }
}
