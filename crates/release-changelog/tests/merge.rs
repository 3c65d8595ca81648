//! Preparing a version whose section exists but is not tagged yet (a fix after a release
//! candidate): the new Unreleased entries move into that section (C2), nothing else changes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use release_changelog::{prepare, Changelog, PrepareOptions};
use release_core::policy::Policy;

const PREPARED_THEN_FIXED: &str = "# Changelog\n\n## [Unreleased]\n\n### Fixed\n\n- The staging bug.\n\n### Security\n\n- A header.\n\n## [0.2.0] - 2026-07-01\n\n### Added\n\n- Mail import.\n\n### Fixed\n\n- An old crash.\n\n## [0.1.0] - 2026-06-01\n\n### Added\n\n- First.\n\n[Unreleased]: https://github.com/acme/app/compare/v0.2.0...HEAD\n[0.2.0]: https://github.com/acme/app/compare/v0.1.0...v0.2.0\n[0.1.0]: https://github.com/acme/app/releases/tag/v0.1.0\n";

#[test]
fn new_entries_join_the_prepared_section_by_category() {
    let policy = Policy::default();
    let doc = Changelog::parse(PREPARED_THEN_FIXED);
    // Without the switch: the version exists (V5 for a released one).
    assert!(prepare(&doc, &PrepareOptions::new("0.2.0", "2026-07-05", &policy)).is_err());
    let mut opts = PrepareOptions::new("0.2.0", "2026-07-05", &policy);
    opts.into_existing = true;
    let edit = prepare(&doc, &opts).unwrap();
    assert_eq!(
        edit.text,
        "# Changelog\n\n## [Unreleased]\n\n## [0.2.0] - 2026-07-05\n\n### Added\n\n- Mail import.\n\n### Fixed\n\n- An old crash.\n- The staging bug.\n\n### Security\n\n- A header.\n\n## [0.1.0] - 2026-06-01\n\n### Added\n\n- First.\n\n[Unreleased]: https://github.com/acme/app/compare/v0.2.0...HEAD\n[0.2.0]: https://github.com/acme/app/compare/v0.1.0...v0.2.0\n[0.1.0]: https://github.com/acme/app/releases/tag/v0.1.0\n"
    );
    // Every original line is still there.
    for line in PREPARED_THEN_FIXED.lines().filter(|l| l.starts_with("- ")) {
        assert!(edit.text.contains(line), "{line}");
    }
    // Nothing new: refused as an empty Unreleased.
    let again = Changelog::parse(edit.text.clone());
    assert!(prepare(&again, &opts).is_err());
}

#[test]
fn only_the_newest_section_takes_entries() {
    let policy = Policy::default();
    let doc = Changelog::parse(PREPARED_THEN_FIXED);
    let mut opts = PrepareOptions::new("0.1.0", "2026-07-05", &policy);
    opts.into_existing = true;
    let err = prepare(&doc, &opts).unwrap_err();
    assert!(err.to_string().contains("right below Unreleased"), "{err}");
}
