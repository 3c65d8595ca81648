//! Property tests of the rollback decisions (R3) and alias targets (T6).

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests: a failure to set up is a failed test

use proptest::prelude::*;
use release_core::history::History;
use release_core::policy::Policy;
use release_core::rollback::{desired_aliases, Alias, RollbackPlan};
use release_core::version::ReleaseVersion;

fn stable() -> impl Strategy<Value = ReleaseVersion> {
    (0u64..3, 0u64..3, 0u64..3).prop_map(|(a, b, c)| ReleaseVersion::stable(a, b, c))
}

proptest! {
    /// Every move goes to a good stable release older than the defective one, inside the
    /// alias's scope; `latest` moves last; every alias of the version is either moved or kept.
    #[test]
    fn rollback_moves_only_to_good_older_releases_in_scope(
        released in prop::collection::vec(stable(), 1..12),
        bad in prop::collection::vec(stable(), 0..3),
        pick in any::<prop::sample::Index>(),
        pointing_mask in 0u8..8,
    ) {
        let policy = Policy::default();
        let defective = pick.get(&released).clone();
        let history = History::from_versions(released.clone());
        let names: Vec<String> = Alias::of(&defective, &policy).iter().map(ToString::to_string).collect();
        let pointing: Vec<String> = names.iter().enumerate().filter(|(i, _)| pointing_mask & (1 << i) != 0).map(|(_, n)| n.clone()).collect();
        let plan = RollbackPlan::compute(&defective, None, &history, &bad, &pointing, &policy).unwrap();
        for m in &plan.moves {
            let alias = Alias::parse(&m.alias).unwrap();
            prop_assert!(m.to < defective);
            prop_assert!(!bad.contains(&m.to));
            prop_assert!(alias.covers(&m.to));
            prop_assert!(history.contains(&m.to));
            prop_assert!(pointing.contains(&m.alias));
        }
        if let Some(i) = plan.moves.iter().position(|m| m.alias == "latest") {
            prop_assert_eq!(i, plan.moves.len() - 1);
        }
        prop_assert_eq!(plan.moves.len() + plan.kept.len(), names.len());
        // Re-running once the moved aliases no longer point at the defective version moves nothing.
        let left: Vec<String> = pointing.iter().filter(|p| !plan.moves.iter().any(|m| &m.alias == *p)).cloned().collect();
        let again = RollbackPlan::compute(&defective, None, &history, &bad, &left, &policy).unwrap();
        prop_assert!(again.moves.is_empty());
    }

    /// Desired aliases point at the newest good release of their scope, never at a bad one.
    #[test]
    fn desired_aliases_are_the_newest_good_in_scope(
        released in prop::collection::vec(stable(), 1..12),
        bad in prop::collection::vec(stable(), 0..3),
    ) {
        let policy = Policy::default();
        let history = History::from_versions(released.clone());
        for (alias, target) in desired_aliases(&history, &bad, &policy) {
            prop_assert!(!bad.contains(&target));
            prop_assert!(alias.covers(&target));
            let newer_good = released.iter().any(|v| alias.covers(v) && !bad.contains(v) && v > &target);
            prop_assert!(!newer_good, "{} -> {}", alias, target);
        }
    }
}
