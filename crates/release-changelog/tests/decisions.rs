//! Table rows for the changelog decisions the policy is built on, found by mutation testing
//! (`scripts/mutants.sh changelog -- -f crates/release-changelog/src/next.rs ...`): the next
//! version from the Unreleased categories (V4), the hosting services' compare and tag links
//! (C3), whether a version is ready to release (C1, C2, R4), the notes of one version (C6) and
//! what `lint` reports (C1-C3, V1).
//! Every row names the rule it checks.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use release_changelog::links::{compare_ends, normalize_repo, repo_of, tag_prefix, Host};
use release_changelog::{
    announce_categories, lint, next, notes, ready, release_notes, Changelog, Error, Severity, Which,
};
use release_core::policy::Policy;
use release_core::version::{Bump, ReleaseVersion};

fn v(text: &str) -> ReleaseVersion {
    ReleaseVersion::parse_version(text, &Policy::default()).unwrap()
}

// ---------------------------------------------------------------- V4: the next version

/// A changelog with `unreleased` as its Unreleased body and `released` below it.
fn changelog(unreleased: &str, released: &str) -> Changelog {
    Changelog::parse(format!(
        "# Changelog\n\n## [Unreleased]\n\n{unreleased}\n{released}"
    ))
}

const RELEASED_1: &str = "## [1.2.3] - 2026-01-05\n\n### Fixed\n\n- Old.\n";
const RELEASED_0: &str = "## [0.3.1] - 2026-01-05\n\n### Fixed\n\n- Old.\n\n## [0.3.0] - 2026-01-01\n\n### Added\n\n- Older.\n";

/// (rule, Unreleased body, sections below it, the bump and version, or None when nothing is
/// unreleased)
type NextRow = (
    &'static str,
    &'static str,
    &'static str,
    Option<(Bump, &'static str)>,
);

const NEXT: &[NextRow] = &[
    (
        "V4",
        "### Fixed\n\n- A bug.\n",
        RELEASED_1,
        Some((Bump::Fix, "1.2.4")),
    ),
    (
        "V4",
        "### Security\n\n- A hole.\n",
        RELEASED_1,
        Some((Bump::Fix, "1.2.4")),
    ),
    (
        "V4",
        "### Added\n\n- A thing.\n",
        RELEASED_1,
        Some((Bump::Feature, "1.3.0")),
    ),
    (
        "V4",
        "### Deprecated\n\n- Old API.\n",
        RELEASED_1,
        Some((Bump::Feature, "1.3.0")),
    ),
    (
        "V4",
        "### New Features\n\n- A thing.\n",
        RELEASED_1,
        Some((Bump::Feature, "1.3.0")),
    ),
    (
        "V4",
        "### Additions\n\n- A thing.\n",
        RELEASED_1,
        Some((Bump::Feature, "1.3.0")),
    ),
    (
        "V4",
        "### Changed\n\n- Faster.\n",
        RELEASED_1,
        Some((Bump::Feature, "1.3.0")),
    ),
    (
        "V4",
        "### Changed\n\n- **Breaking**: the layout.\n",
        RELEASED_1,
        Some((Bump::Breaking, "2.0.0")),
    ),
    (
        "V4",
        "### Changed\n\n- BREAKING: the layout.\n",
        RELEASED_1,
        Some((Bump::Breaking, "2.0.0")),
    ),
    (
        "V4",
        "### Changed\n\n- [breaking] the layout.\n",
        RELEASED_1,
        Some((Bump::Breaking, "2.0.0")),
    ),
    (
        "V4",
        "### Changed\n\n- ⚠ the layout.\n",
        RELEASED_1,
        Some((Bump::Breaking, "2.0.0")),
    ),
    (
        "V4",
        "### Changed\n\n- The layout (a breaking change).\n",
        RELEASED_1,
        Some((Bump::Breaking, "2.0.0")),
    ),
    // "breaking" inside an entry is not a marker.
    (
        "V4",
        "### Changed\n\n- Less code-breaking noise.\n",
        RELEASED_1,
        Some((Bump::Feature, "1.3.0")),
    ),
    (
        "V4",
        "### Removed\n\n- Old API.\n",
        RELEASED_1,
        Some((Bump::Breaking, "2.0.0")),
    ),
    (
        "V4",
        "### Breaking Changes\n\n- The layout.\n",
        RELEASED_1,
        Some((Bump::Breaking, "2.0.0")),
    ),
    (
        "V4",
        "### Planned Removals\n\n- Old API.\n",
        RELEASED_1,
        Some((Bump::Breaking, "2.0.0")),
    ),
    // A marker outside Changed does not make Fixed breaking.
    (
        "V4",
        "### Fixed\n\n- **Breaking**: a bug.\n",
        RELEASED_1,
        Some((Bump::Fix, "1.2.4")),
    ),
    // The strongest category decides, whatever the order.
    (
        "V4",
        "### Removed\n\n- Old API.\n\n### Added\n\n- A thing.\n\n### Fixed\n\n- A bug.\n",
        RELEASED_1,
        Some((Bump::Breaking, "2.0.0")),
    ),
    (
        "V4",
        "### Fixed\n\n- A bug.\n\n### Added\n\n- A thing.\n",
        RELEASED_1,
        Some((Bump::Feature, "1.3.0")),
    ),
    (
        "V4",
        "### Added\n\n- A thing.\n\n### Fixed\n\n- A bug.\n",
        RELEASED_1,
        Some((Bump::Feature, "1.3.0")),
    ),
    (
        "V4",
        "- A loose entry.\n",
        RELEASED_1,
        Some((Bump::Fix, "1.2.4")),
    ),
    // Pre-1.0: breaking bumps MINOR, a feature bumps MINOR, a fix PATCH.
    (
        "V4",
        "### Removed\n\n- Old API.\n",
        RELEASED_0,
        Some((Bump::Breaking, "0.4.0")),
    ),
    (
        "V4",
        "### Added\n\n- A thing.\n",
        RELEASED_0,
        Some((Bump::Feature, "0.4.0")),
    ),
    (
        "V4",
        "### Fixed\n\n- A bug.\n",
        RELEASED_0,
        Some((Bump::Fix, "0.3.2")),
    ),
    // Nothing released: from 0.0.0.
    (
        "V4",
        "### Added\n\n- A thing.\n",
        "",
        Some((Bump::Feature, "0.1.0")),
    ),
    // Nothing unreleased.
    ("V4", "### Added\n\n", RELEASED_1, None),
    ("V4", "", RELEASED_1, None),
];

#[test]
fn the_strongest_change_decides_the_next_version() {
    let policy = Policy::default();
    for (rule, unreleased, released, expected) in NEXT {
        let doc = changelog(unreleased, released);
        let got = next(&doc, None, &policy).unwrap();
        let label = format!("{rule}: {unreleased:?} after {released:?}");
        assert_eq!(
            got.as_ref().map(|n| (n.bump, n.version.as_str())),
            *expected,
            "{label}: {got:?}"
        );
        if let Some(n) = got {
            let from = doc
                .sections
                .iter()
                .find(|s| !s.is_unreleased())
                .map(|s| s.version(&doc.text).to_string());
            assert_eq!(n.from, from, "{label}");
            assert!(!n.reasons.is_empty(), "{label}: says why");
        }
    }
}

#[test]
fn next_names_each_deciding_category() {
    let policy = Policy::default();
    let doc = changelog(
        "- Loose.\n\n### Changed\n\n- **Breaking**: layout.\n- Faster.\n\n### Fixed\n\n- A bug.\n",
        RELEASED_1,
    );
    let n = next(&doc, None, &policy).unwrap().unwrap();
    assert_eq!(
        n.reasons,
        [
            "1 entries outside categories: fix",
            "Changed (2, 1 marked breaking): breaking",
            "Fixed (1): fix"
        ],
        "V4"
    );
    // The released version given wins over the changelog's newest.
    let n = next(&doc, Some(&v("3.1.0")), &policy).unwrap().unwrap();
    assert_eq!(
        (n.from.as_deref(), n.version.as_str()),
        (Some("3.1.0"), "4.0.0"),
        "V4"
    );
    // The released versions are the ones below Unreleased, the newest by precedence.
    let doc = Changelog::parse(
        "# Changelog\n\n## [5.0.0] - TBD\n\n- Planned.\n\n## [Unreleased]\n\n### Fixed\n\n- A bug.\n\n## [1.0.0] - 2026-01-01\n\n- Old.\n\n## [1.10.0] - 2026-02-01\n\n- Newer.\n",
    );
    let n = next(&doc, None, &policy).unwrap().unwrap();
    assert_eq!(
        (n.from.as_deref(), n.version.as_str()),
        (Some("1.10.0"), "1.10.1"),
        "V4"
    );
}

#[test]
fn next_needs_exactly_one_unreleased_section() {
    let policy = Policy::default();
    let none = Changelog::parse("# Changelog\n\n## [1.0.0] - 2026-01-01\n\n- Old.\n");
    assert_eq!(next(&none, None, &policy), Err(Error::NoUnreleased), "C1");
    let two =
        Changelog::parse("# Changelog\n\n## [Unreleased]\n\n- A.\n\n## [Unreleased]\n\n- B.\n");
    assert_eq!(
        next(&two, None, &policy),
        Err(Error::TwoUnreleased {
            first: 3,
            second: 7
        }),
        "C1"
    );
}

// ---------------------------------------------------------------- C3: links of the hosting services

/// (rule, repository URL, the service, compare v1.0.0...v1.1.0, compare v1.1.0...HEAD, tag v1.1.0)
type HostRow = (
    &'static str,
    &'static str,
    Host,
    &'static str,
    &'static str,
    &'static str,
);

const HOSTS: &[HostRow] = &[
    (
        "C3",
        "https://github.com/o/r",
        Host::GitHub,
        "https://github.com/o/r/compare/v1.0.0...v1.1.0",
        "https://github.com/o/r/compare/v1.1.0...HEAD",
        "https://github.com/o/r/releases/tag/v1.1.0",
    ),
    (
        "C3",
        "https://gitlab.com/o/r",
        Host::GitLab,
        "https://gitlab.com/o/r/-/compare/v1.0.0...v1.1.0",
        "https://gitlab.com/o/r/-/compare/v1.1.0...HEAD",
        "https://gitlab.com/o/r/-/tags/v1.1.0",
    ),
    (
        "C3",
        "https://git.example/o/-/r",
        Host::GitLab,
        "https://git.example/o/-/r/-/compare/v1.0.0...v1.1.0",
        "https://git.example/o/-/r/-/compare/v1.1.0...HEAD",
        "https://git.example/o/-/r/-/tags/v1.1.0",
    ),
    (
        "C3",
        "https://bitbucket.org/o/r",
        Host::Bitbucket,
        "https://bitbucket.org/o/r/branches/compare/v1.1.0..v1.0.0",
        "https://bitbucket.org/o/r/branches/compare/HEAD..v1.1.0",
        "https://bitbucket.org/o/r/src/v1.1.0",
    ),
    (
        "C3",
        "https://dev.azure.com/o/p/_git/r",
        Host::Azure,
        "https://dev.azure.com/o/p/_git/r/branchCompare?baseVersion=GTv1.0.0&targetVersion=GTv1.1.0",
        "https://dev.azure.com/o/p/_git/r/branchCompare?baseVersion=GTv1.1.0&targetVersion=GBmain",
        "https://dev.azure.com/o/p/_git/r?version=GTv1.1.0",
    ),
    (
        "C3",
        "https://o.visualstudio.com/p/_git/r",
        Host::Azure,
        "https://o.visualstudio.com/p/_git/r/branchCompare?baseVersion=GTv1.0.0&targetVersion=GTv1.1.0",
        "https://o.visualstudio.com/p/_git/r/branchCompare?baseVersion=GTv1.1.0&targetVersion=GBmain",
        "https://o.visualstudio.com/p/_git/r?version=GTv1.1.0",
    ),
    (
        "C3",
        "https://codeberg.org/o/r",
        Host::GitHub,
        "https://codeberg.org/o/r/compare/v1.0.0...v1.1.0",
        "https://codeberg.org/o/r/compare/v1.1.0...HEAD",
        "https://codeberg.org/o/r/releases/tag/v1.1.0",
    ),
];

#[test]
fn each_service_links_its_own_way() {
    for (rule, repo, host, compare, head, tag) in HOSTS {
        assert_eq!(Host::of(repo), *host, "{rule}: {repo}");
        assert_eq!(host.compare(repo, "v1.0.0", "v1.1.0"), *compare, "{rule}");
        assert_eq!(host.compare(repo, "v1.1.0", "HEAD"), *head, "{rule}");
        assert_eq!(host.tag(repo, "v1.1.0"), *tag, "{rule}");
        // Every link reads back: its repository, and the two ends of a compare.
        for url in [compare, tag] {
            assert_eq!(repo_of(url).as_deref(), Some(*repo), "{rule}: {url}");
        }
        assert_eq!(
            compare_ends(compare),
            Some(("v1.0.0".to_string(), "v1.1.0".to_string())),
            "{rule}: {compare}"
        );
    }
}

/// (rule, a compare URL as found in a changelog, its ends)
type EndsRow = (
    &'static str,
    &'static str,
    Option<(&'static str, &'static str)>,
);

const ENDS: &[EndsRow] = &[
    ("C3", "https://g.com/o/r/compare/v1.0.0...v1.1.0", Some(("v1.0.0", "v1.1.0"))),
    ("C3", "https://g.com/o/r/compare/v1.0.0..v1.1.0", Some(("v1.0.0", "v1.1.0"))),
    ("C3", "https://g.com/o/r/compare/v1.0.0", None),
    ("C3", "https://g.com/o/r/releases/tag/v1.0.0", None),
    (
        "C3",
        "https://bitbucket.org/o/r/branches/compare/v1.1.0%0Dv1.0.0#diff",
        Some(("v1.0.0", "v1.1.0")),
    ),
    (
        "C3",
        "https://bitbucket.org/o/r/branches/compare/v1.1.0%0dv1.0.0?w=1",
        Some(("v1.0.0", "v1.1.0")),
    ),
    ("C3", "https://bitbucket.org/o/r/branches/compare/v1.1.0", None),
    (
        "C3",
        "https://dev.azure.com/o/p/_git/r/branchCompare?baseVersion=GTv1.0.0&targetVersion=GTv1.1.0&_a=files",
        Some(("v1.0.0", "v1.1.0")),
    ),
    (
        "C3",
        "https://dev.azure.com/o/p/_git/r/branchCompare?baseVersion=v1.0.0&targetVersion=v1.1.0",
        Some(("v1.0.0", "v1.1.0")),
    ),
    ("C3", "https://dev.azure.com/o/p/_git/r/branchCompare?baseVersion=GTv1.0.0", None),
    (
        "C3",
        "https://dev.azure.com/o/p/_git/r/branchCompare?baseVersion=GTv1.0.0&x=1",
        None,
    ),
];

#[test]
fn compare_links_read_back_their_ends() {
    for (rule, url, expected) in ENDS {
        let got = compare_ends(url);
        assert_eq!(
            got.as_ref().map(|(a, b)| (a.as_str(), b.as_str())),
            *expected,
            "{rule}: {url}"
        );
    }
}

/// (rule, a link, its repository)
const REPOS: &[(&str, &str, Option<&str>)] = &[
    (
        "C3",
        "https://g.com/o/r/tree/v1.0.0",
        Some("https://g.com/o/r"),
    ),
    (
        "C3",
        "https://g.com/o/r/src/v1.0.0",
        Some("https://g.com/o/r"),
    ),
    (
        "C3",
        "https://g.com/o/r/-/tags/v1.0.0",
        Some("https://g.com/o/r"),
    ),
    ("C3", "https://g.com/o/r", None),
    ("C3", "", None),
];

#[test]
fn links_name_their_repository() {
    for (rule, url, repo) in REPOS {
        assert_eq!(repo_of(url).as_deref(), *repo, "{rule}: {url}");
    }
}

/// (rule, repository URL as configured, normalised)
const NORMALIZED: &[(&str, &str, &str)] = &[
    ("C3", "https://github.com/o/r", "https://github.com/o/r"),
    ("C3", " https://github.com/o/r/ ", "https://github.com/o/r"),
    ("C3", "https://github.com/o/r.git", "https://github.com/o/r"),
    ("C3", "git@github.com:o/r.git", "https://github.com/o/r"),
    ("C3", "git@host.example:o/r:x", "https://host.example/o/r:x"),
];

#[test]
fn repository_urls_are_normalised() {
    for (rule, url, want) in NORMALIZED {
        assert_eq!(normalize_repo(url), *want, "{rule}: {url}");
    }
    assert_eq!(tag_prefix("v1.2.3", "1.2.3"), Some("v"), "C3");
    assert_eq!(tag_prefix("pkg-v1.2.3", "1.2.3"), Some("pkg-v"), "C3");
    assert_eq!(tag_prefix("1.2.3", "1.2.3"), Some(""), "C3");
    assert_eq!(tag_prefix("v1.2.3", "1.2.4"), None, "C3");
}

// ---------------------------------------------------------------- C1, C2, R4: ready to release

const READY: &str = "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- Next.\n- And more.\n\n## [1.3.0] - 2026-03-01\n\n## [1.2.0]\n\n- No date.\n\n## [1.1.0] - 2026-02-30\n\n- Bad date.\n\n## [1.0.0] - 2026-01-05 [YANKED]\n\n### Fixed\n\n- A bug.\n\n## [0.9.0] - 2025-12-01\n\n### Fixed\n\n- Old.\n\n## [0.8.0] - 2025-11-01\n\n- Good.\n\n## [0.8.0] - 2025-10-01\n\n- Twice.\n\n## [0.7.0] - 2025-09-01\n\n- Linked.\n\n## [0.6.0](https://g.com/o/r/compare/v0.5.0...v0.6.0) - 2025-08-01\n\n- Inline link.\n\n[Unreleased]: https://g.com/o/r/compare/v1.0.0...HEAD\n[1.3.0]: https://g.com/o/r/compare/v1.0.0...v1.3.0\n[1.0.0]: https://g.com/o/r/compare/v0.9.0...v1.0.0\n[0.7.0]: https://g.com/o/r/compare/v0.6.0...v0.7.0\n";

/// (rule, version, Ok(substring of what was found) or Err(substring of what is missing))
const PREPARED: &[(&str, &str, Result<&str, &str>)] = &[
    ("C2", "0.7.0", Ok("`## [0.7.0] - 2025-09-01` at line 40")),
    // A link in the heading itself is the section's link.
    ("C3", "0.6.0", Ok("`## [0.6.0] - 2025-08-01` at line 44")),
    ("C2", "v0.7.0", Ok("`## [0.7.0] - 2025-09-01` at line 40")),
    ("C2", "V0.7.0", Ok("`## [0.7.0] - 2025-09-01`")),
    (
        "C2",
        "2.0.0",
        Err("no `## [2.0.0] - YYYY-MM-DD` section yet"),
    ),
    (
        "C2",
        "1.3.0",
        Err("the 1.3.0 section at line 10 has no entries (C2)"),
    ),
    (
        "C2",
        "1.2.0",
        Err("the 1.2.0 heading at line 12 has no date (C2)"),
    ),
    ("C2", "1.1.0", Err("the 1.1.0 heading at line 16")),
    ("R4", "1.0.0", Err("1.0.0 at line 20 is marked yanked")),
    (
        "C3",
        "0.9.0",
        Err("the 0.9.0 section at line 26 has no `[0.9.0]: …` compare link (C3)"),
    ),
    (
        "C2",
        "0.8.0",
        Err("0.8.0 has two headings, at lines 32 and 36 (C2)"),
    ),
];

#[test]
fn a_prepared_version_has_a_dated_linked_section_with_entries() {
    let doc = Changelog::parse(READY);
    for (rule, version, expected) in PREPARED {
        let got = ready::prepared(&doc, version);
        match (expected, &got) {
            (Ok(want), Ok(have)) | (Err(want), Err(have)) => {
                assert!(have.contains(want), "{rule}: {version}: {have}")
            }
            _ => panic!("{rule}: {version}: expected {expected:?}, got {got:?}"),
        }
    }
}

/// (rule, changelog, Ok(what was found) or Err(substring of what is missing))
const UNRELEASED: &[(&str, &str, Result<&str, &str>)] = &[
    ("C1", READY, Ok("2 entries in `[Unreleased]`")),
    (
        "C1",
        "# Changelog\n\n## [Unreleased]\n\n- One.\n",
        Ok("1 entry in `[Unreleased]`"),
    ),
    (
        "C1",
        "# Changelog\n\n## [Unreleased]\n\n### Added\n\n## [1.0.0] - 2026-01-01\n\n- Old.\n",
        Err("`[Unreleased]` at line 3 has no entries"),
    ),
    (
        "C1",
        "# Changelog\n\n## [1.0.0] - 2026-01-01\n\n- Old.\n",
        Err("no `[Unreleased]` section"),
    ),
    (
        "C1",
        "# Changelog\n\n## [Unreleased]\n\n- A.\n\n## [Unreleased]\n\n- B.\n",
        Err("two `[Unreleased]` sections, at lines 3 and 7"),
    ),
];

#[test]
fn unreleased_has_entries_once() {
    for (rule, text, expected) in UNRELEASED {
        let got = ready::unreleased_entries(&Changelog::parse(*text));
        match (expected, &got) {
            (Ok(want), Ok(have)) => assert_eq!(have, want, "{rule}"),
            (Err(want), Err(have)) => assert!(have.contains(want), "{rule}: {have}"),
            _ => panic!("{rule}: {text:?}: expected {expected:?}, got {got:?}"),
        }
    }
}

/// (rule, version, Ok(substring) when it is marked yanked, Err(substring) when not)
const YANKED: &[(&str, &str, Result<&str, &str>)] = &[
    ("R4", "1.0.0", Ok("1.0.0 is marked yanked at line 20")),
    ("R4", "v1.0.0", Ok("1.0.0 is marked yanked at line 20")),
    (
        "R4",
        "0.9.0",
        Err("0.9.0 at line 26 is not marked `[YANKED]` yet (R4)"),
    ),
    ("R4", "3.0.0", Err("the changelog has no section for 3.0.0")),
];

#[test]
fn a_rolled_back_version_is_marked_yanked() {
    let doc = Changelog::parse(READY);
    for (rule, version, expected) in YANKED {
        let got = ready::yanked(&doc, version);
        match (expected, &got) {
            (Ok(want), Ok(have)) | (Err(want), Err(have)) => {
                assert_eq!(have, want, "{rule}: {version}")
            }
            _ => panic!("{rule}: {version}: expected {expected:?}, got {got:?}"),
        }
    }
}

// ---------------------------------------------------------------- C6: the notes of one version

const NOTES: &str = "# Changelog\n\n## [Unreleased]\n\n### Fixed\n\n- Next fix.\n\n## [1.1.0] - 2026-02-01\n\n### Added\n\n- Search ([#7]).\n\n## [1.1.0-rc.1] - 2026-01-20\n\n- Candidate only.\n\n## [1.0.0] - 2026-01-05\n\n- First [docs][d].\n\n[Unreleased]: https://g.com/o/r/compare/v1.1.0...HEAD\n[1.1.0]: https://g.com/o/r/compare/v1.0.0...v1.1.0\n[#7]: https://g.com/o/r/pull/7\n[d]: https://docs.example\n[1.0.0]: https://g.com/o/r/releases/tag/v1.0.0\n";

/// (rule, version released, the version whose notes it gets)
const RELEASE_NOTES: &[(&str, &str, Result<&str, ()>)] = &[
    ("C6", "1.1.0", Ok("1.1.0")),
    ("C6", "1.1.0-rc.1", Ok("1.1.0-rc.1")),
    // A candidate without a section of its own ships its prepared stable version's notes,
    // else Unreleased.
    ("C6", "1.1.0-rc.2", Ok("1.1.0")),
    ("C6", "1.2.0-rc.1", Ok("Unreleased")),
    ("C6", "1.0.0", Ok("1.0.0")),
    ("C6", "1.2.0", Err(())),
];

#[test]
fn a_release_gets_the_notes_of_what_it_ships() {
    let doc = Changelog::parse(NOTES);
    for (rule, version, expected) in RELEASE_NOTES {
        let got = release_notes(&doc, &v(version));
        match (expected, &got) {
            (Ok(want), Ok(n)) => assert_eq!(n.version, *want, "{rule}: {version}"),
            (Err(()), Err(Error::NoSuchVersion { version: asked, .. })) => {
                assert_eq!(asked, version, "{rule}")
            }
            _ => panic!("{rule}: {version}: expected {expected:?}, got {got:?}"),
        }
    }
}

/// (rule, which notes, the body, the link definitions it uses)
type NotesRow = (&'static str, Which, &'static str, &'static [&'static str]);

fn notes_rows() -> Vec<NotesRow> {
    vec![
        (
            "C6",
            Which::Version("1.1.0".into()),
            "### Added\n\n- Search ([#7]).\n",
            &["[#7]: https://g.com/o/r/pull/7"],
        ),
        (
            "C6",
            Which::Version("v1.0.0".into()),
            "- First [docs][d].\n",
            &["[d]: https://docs.example"],
        ),
        (
            "C6",
            Which::Latest,
            "### Added\n\n- Search ([#7]).\n",
            &["[#7]: https://g.com/o/r/pull/7"],
        ),
        ("C6", Which::Unreleased, "### Fixed\n\n- Next fix.\n", &[]),
    ]
}

#[test]
fn notes_are_the_body_and_the_links_it_uses() {
    let doc = Changelog::parse(NOTES);
    for (rule, which, body, links) in notes_rows() {
        let n = notes(&doc, &which).unwrap();
        assert_eq!(n.body, body, "{rule}: {which:?}");
        assert_eq!(n.links, links, "{rule}: {which:?}");
        let rendered = n.render(true, true, "\n");
        let mut want = format!("{}\n\n{body}", n.heading);
        if !links.is_empty() {
            want.push('\n');
            for l in links {
                want.push_str(l);
                want.push('\n');
            }
        }
        assert_eq!(rendered, want, "{rule}: {which:?}");
        assert_eq!(n.render(false, false, "\n"), body, "{rule}: {which:?}");
    }
}

/// (case, the file, its latest release)
const LATEST_ONLY: &[(&str, &str, &str)] = &[
    ("Unreleased above it", NOTES, "1.1.0"),
    (
        "pending sections above it are read past",
        "# Changelog\n\n## [1.3.0-dev]\n\n- Dev.\n\n## [1.2.0] - TBD\n\n- Soon.\n\n## [1.1.0] - 2026-02-01\n\n### Added\n\n- Search.\n\n## [1.0.0] - 2026-01-05\n\n- First.\n\n## [0.9.0] - 2025-12-01\n\n- Older.\n\n[1.0.0]: https://g.com/o/r/releases/tag/v1.0.0\n",
        "1.1.0",
    ),
    (
        "versions as H1 headings (RELEASES.md)",
        "# 1.1.0 (2026-02-01)\n\n## Added\n\n- Search.\n\n# 1.0.0 (2026-01-05)\n\n- First.\n\n# 0.9.0 (2025-12-01)\n\n[x]: https://example.org\n",
        "1.1.0",
    ),
];

/// `notes --latest` reads a big file only as far as the release after the latest one
/// (`Changelog::parse_latest`): the same notes, without reading the older sections or the
/// link definitions at the end.
#[test]
fn the_latest_notes_read_no_further_than_the_release_below() {
    for (case, text, latest) in LATEST_ONLY {
        let full = Changelog::parse(*text);
        let fast = Changelog::parse_latest(*text);
        let want = notes(&full, &Which::Latest).unwrap();
        let got = notes(&fast, &Which::Latest).unwrap();
        assert_eq!(got.version, *latest, "C6: {case}");
        assert_eq!(
            (got.heading, got.body),
            (want.heading, want.body),
            "C6: {case}"
        );
        assert!(!fast.blocks.complete, "C6: {case}: the scan stops early");
        assert!(
            fast.blocks.links.is_empty(),
            "C6: {case}: no definitions read"
        );
        assert!(
            fast.sections.len() < full.sections.len(),
            "C6: {case}: older sections are not read"
        );
    }
}

// ---------------------------------------------------------------- C1-C3, V1: what lint finds

const GOOD: &str = "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- Next.\n\n## [1.1.0] - 2026-02-01\n\n### Fixed\n\n- A bug.\n\n## [1.0.0] - 2026-01-01\n\n### Added\n\n- First.\n\n[Unreleased]: https://g.com/o/r/compare/v1.1.0...HEAD\n[1.1.0]: https://g.com/o/r/compare/v1.0.0...v1.1.0\n[1.0.0]: https://g.com/o/r/releases/tag/v1.0.0\n";

/// `GOOD` with each `(from, to)` replaced.
fn good_with(edits: &[(&str, &str)]) -> String {
    edits
        .iter()
        .fold(GOOD.to_string(), |text, (from, to)| text.replace(from, to))
}

/// (rule, changelog, policy, every finding as (lint rule, severity, line))
type LintRow = (
    &'static str,
    String,
    &'static str,
    Vec<(&'static str, Severity, usize)>,
);

fn lint_rows() -> Vec<LintRow> {
    use Severity::{Error, Warning};
    vec![
        ("C1", GOOD.into(), "", vec![]),
        (
            "C1",
            good_with(&[("# Changelog\n\n", "")]),
            "",
            vec![("title", Warning, 1)],
        ),
        (
            "C1",
            "# Changelog\n\nNothing.\n".into(),
            "",
            vec![("no-versions", Warning, 1)],
        ),
        (
            "C1",
            good_with(&[
                ("## [Unreleased]\n\n### Added\n\n- Next.\n\n", ""),
                (
                    "[Unreleased]: https://g.com/o/r/compare/v1.1.0...HEAD\n",
                    "",
                ),
            ]),
            "",
            vec![("unreleased-missing", Warning, 3)],
        ),
        (
            "C1",
            good_with(&[("## [1.1.0]", "## [Unreleased]\n\n- More.\n\n## [1.1.0]")]),
            "",
            vec![("unreleased-duplicate", Error, 9)],
        ),
        (
            "C1",
            good_with(&[("### Added\n\n- Next.\n\n## [1.1.0]", "## [1.1.0]")]),
            "",
            vec![("unreleased-empty", Warning, 3)],
        ),
        (
            "V1",
            good_with(&[
                ("[1.0.0] - 2026", "[1.0.0rc1] - 2026"),
                ("[1.0.0]:", "[1.0.0rc1]:"),
                ("v1.0.0...v1.1.0", "v1.0.0rc1...v1.1.0"),
            ]),
            "",
            vec![("version-policy", Warning, 15)],
        ),
        // The newest version is what gets tagged next: an error there, a warning in history.
        (
            "V1",
            good_with(&[
                ("[1.1.0] - 2026", "[1.1] - 2026"),
                ("[1.1.0]:", "[1.1]:"),
                ("...v1.1.0\n", "...v1.1\n"),
                ("v1.1.0...HEAD", "v1.1...HEAD"),
            ]),
            "",
            vec![("version-invalid", Error, 9), ("link-stale", Warning, 21)],
        ),
        (
            "V1",
            good_with(&[
                ("[1.0.0] - 2026", "[1.0] - 2026"),
                ("[1.0.0]:", "[1.0]:"),
                ("v1.0.0...v1.1.0", "v1.0...v1.1.0"),
                ("tag/v1.0.0", "tag/v1.0"),
            ]),
            "",
            vec![("version-invalid", Warning, 15)],
        ),
        (
            "V2",
            good_with(&[
                ("[1.1.0] - 2026", "[1.1.0-beta.1] - 2026"),
                ("[1.1.0]:", "[1.1.0-beta.1]:"),
                ("...v1.1.0\n", "...v1.1.0-beta.1\n"),
                ("v1.1.0...HEAD", "v1.1.0-beta.1...HEAD"),
            ]),
            "",
            vec![("version-policy", Warning, 9)],
        ),
        (
            "V5",
            good_with(&[(
                "## [1.0.0] - 2026-01-01",
                "## [1.1.0] - 2026-01-15\n\n- Again.\n\n## [1.0.0] - 2026-01-01",
            )]),
            "",
            vec![("version-duplicate", Error, 15)],
        ),
        // A missing date: as strict as the policy says, and nothing in a file that dates no
        // release.
        (
            "C2",
            good_with(&[("[1.1.0] - 2026-02-01", "[1.1.0]")]),
            "",
            vec![("date-missing", Warning, 9)],
        ),
        (
            "C2",
            good_with(&[("[1.1.0] - 2026-02-01", "[1.1.0]")]),
            "[changelog]\ndate_missing = \"error\"\n",
            vec![("date-missing", Error, 9)],
        ),
        (
            "C2",
            good_with(&[("[1.1.0] - 2026-02-01", "[1.1.0]")]),
            "[changelog]\ndate_missing = \"ignore\"\n",
            vec![],
        ),
        (
            "C2",
            good_with(&[
                ("[1.1.0] - 2026-02-01", "[1.1.0]"),
                ("[1.0.0] - 2026-01-01", "[1.0.0]"),
            ]),
            "",
            vec![],
        ),
        (
            "C2",
            good_with(&[
                ("[1.1.0] - 2026-02-01", "[1.1.0]"),
                ("[1.0.0] - 2026-01-01", "[1.0.0]"),
            ]),
            "[changelog]\ndate_missing = \"warning\"\n",
            vec![("date-missing", Warning, 9), ("date-missing", Warning, 15)],
        ),
        (
            "C2",
            good_with(&[("2026-01-01", "2026-03-01")]),
            "",
            vec![("date-order", Warning, 15)],
        ),
        // A hotfix of an older line is dated after the newer line above it by nature.
        (
            "C2",
            good_with(&[
                (
                    "[1.1.0] - 2026-02-01",
                    "[1.1.0] - 2026-02-01\n\n- x.\n\n## [1.0.1] - 2026-02-05",
                ),
                (
                    "[1.0.0]: https",
                    "[1.0.1]: https://g.com/o/r/compare/v1.0.0...v1.0.1\n[1.0.0]: https",
                ),
            ]),
            "",
            vec![],
        ),
        (
            "C2",
            good_with(&[("2026-02-01", "01 Feb 2026")]),
            "",
            vec![("date-format", Warning, 9)],
        ),
        (
            "C2",
            good_with(&[("2026-02-01", "2026-02-30")]),
            "",
            vec![("date-invalid", Error, 9)],
        ),
        (
            "C1",
            good_with(&[(
                "## [1.1.0] - 2026-02-01\n\n",
                "## [1.1.0] - 2026-02-01\n\nSome text.\n\n",
            )]),
            "",
            vec![("text-outside-category", Warning, 11)],
        ),
        (
            "R4",
            good_with(&[(
                "## [1.1.0] - 2026-02-01\n\n",
                "## [1.1.0] - 2026-02-01\n\n> **Yanked:** no.\n\n",
            )]),
            "",
            vec![],
        ),
        (
            "C1",
            good_with(&[(
                "## [1.1.0] - 2026-02-01\n\n",
                "## [1.1.0] - 2026-02-01\n\n- Loose.\n\n",
            )]),
            "",
            vec![("text-outside-category", Warning, 11)],
        ),
        // Category names: the default list, or the file's own vocabulary; a configured list is
        // strict.
        (
            "C1",
            good_with(&[("### Fixed", "### Bugs")]),
            "",
            vec![("category-unknown", Warning, 11)],
        ),
        (
            "C1",
            good_with(&[
                ("### Fixed", "### Bugs"),
                ("### Added\n\n- First", "### Bugs\n\n- First"),
            ]),
            "",
            vec![],
        ),
        (
            "C1",
            good_with(&[
                ("### Fixed", "### Bugs"),
                ("### Added\n\n- First", "### Bugs\n\n- First"),
            ]),
            "[changelog]\ncategories = [\"Added\", \"Fixed\"]\n",
            vec![
                ("category-unknown", Warning, 11),
                ("category-unknown", Warning, 17),
            ],
        ),
        (
            "C1",
            good_with(&[(
                "### Fixed\n\n- A bug.\n",
                "### Fixed\n\n- A bug.\n\n### fixed\n\n- B.\n",
            )]),
            "",
            vec![("category-duplicate", Warning, 15)],
        ),
        (
            "C1",
            good_with(&[(
                "### Fixed\n\n- A bug.\n",
                "### Fixed\n\n### Added\n\n- A.\n",
            )]),
            "",
            vec![("category-empty", Warning, 11)],
        ),
        // Prose under a category is content: the heading is not empty.
        (
            "C1",
            good_with(&[("### Fixed\n\n- A bug.\n", "### Fixed\n\nSee the notes.\n")]),
            "",
            vec![],
        ),
        // Versions as level-1 headings: the file has no title level above them to miss.
        (
            "C1",
            "# [Unreleased]\n\n- Next.\n\n# [1.0.0] - 2026-01-01\n\n- First.\n".into(),
            "",
            vec![],
        ),
        (
            "C3",
            format!("{GOOD}[1.0.0]: https://x.example\n"),
            "",
            vec![("link-duplicate", Warning, 24)],
        ),
        (
            "C3",
            format!("{GOOD}[1.0.0]: https://g.com/o/r/releases/tag/v1.0.0\n"),
            "",
            vec![],
        ),
        (
            "C3",
            good_with(&[("[1.1.0]: https://g.com/o/r/compare/v1.0.0...v1.1.0\n", "")]),
            "",
            vec![("link-missing", Warning, 9)],
        ),
        (
            "C3",
            good_with(&[("compare/v1.0.0...v1.1.0", "compare/v0.9.0...v1.1.0")]),
            "",
            vec![("link-stale", Warning, 22)],
        ),
        (
            "C3",
            good_with(&[("v1.1.0...HEAD", "v1.0.0...HEAD")]),
            "",
            vec![("link-stale", Warning, 21)],
        ),
        (
            "C3",
            good_with(&[("compare/v1.0.0...v1.1.0", "compare/v1.0.0...v11.1.0")]),
            "",
            vec![("link-stale", Warning, 22)],
        ),
        (
            "C3",
            good_with(&[("v1.1.0...HEAD", "v1.1.0...main")]),
            "",
            vec![],
        ),
        (
            "C3",
            format!("{GOOD}[0.9.0]: https://g.com/o/r/releases/tag/v0.9.0\n"),
            "",
            vec![("link-unused", Warning, 24)],
        ),
        (
            "C1",
            good_with(&[("- A bug.\n", "- A bug.\n\n```\ncode\n")]),
            "",
            vec![("fence-unclosed", Error, 15)],
        ),
        (
            "C1",
            good_with(&[(
                "- A bug.\n",
                "<<<<<<< HEAD\n- A bug.\n=======\n- B.\n>>>>>>> x\n",
            )]),
            "",
            vec![("merge-conflict", Error, 13), ("merge-conflict", Error, 17)],
        ),
    ]
}

#[test]
fn lint_finds_what_breaks_a_release_and_nothing_else() {
    for (rule, text, toml, expected) in lint_rows() {
        let policy = Policy::from_toml(toml).unwrap();
        let found: Vec<(&str, Severity, usize)> = lint(&Changelog::parse(text.clone()), &policy)
            .iter()
            .map(|d| (d.rule, d.severity, d.line))
            .collect();
        assert_eq!(found, expected, "{rule}: {toml:?}\n{text}");
    }
}

/// One released version under Unreleased, no link definitions.
fn released_as(version: &str, date: &str) -> String {
    format!("# Changelog\n\n## [Unreleased]\n\n- Next.\n\n## [{version}] - {date}\n\n- First.\n")
}

/// (rule, as the heading writes it, what lint says about it: (rule, severity) or none)
type HeadingRow = (&'static str, &'static str, Option<(&'static str, Severity)>);

/// (rule, version as the heading writes it, what lint says about it)
const HEADING_VERSIONS: &[HeadingRow] = &[
    ("V1", "1.2.3", None),
    ("V1", "1.2", Some(("version-invalid", Severity::Error))),
    ("V1", "1.2.3.4", Some(("version-invalid", Severity::Error))),
    ("V1", "01.2.3", Some(("version-invalid", Severity::Error))),
    ("V1", "1.02.3", Some(("version-invalid", Severity::Error))),
    (
        "V1",
        "99999999999999999999.0.0",
        Some(("version-invalid", Severity::Error)),
    ),
    ("V2", "1.2.3-rc.1", None),
    (
        "V1",
        "1.2.3-rc.01",
        Some(("version-invalid", Severity::Error)),
    ),
    (
        "V1",
        "1.2.3-rc..1",
        Some(("version-invalid", Severity::Error)),
    ),
    // SemVer, but not a release version under the policy.
    (
        "V2",
        "1.2.3-rc.10a",
        Some(("version-policy", Severity::Warning)),
    ),
    (
        "V2",
        "1.2.3-beta-2.1",
        Some(("version-policy", Severity::Warning)),
    ),
    ("V2", "1.2.3-0", Some(("version-policy", Severity::Warning))),
    (
        "V3",
        "1.2.3+build.5",
        Some(("version-policy", Severity::Warning)),
    ),
    (
        "V3",
        "1.2.3-rc.1+b.01",
        Some(("version-policy", Severity::Warning)),
    ),
    // PEP 440 versions are a Python project's own: a warning, not an error.
    (
        "V1",
        "1.0.0rc1",
        Some(("version-policy", Severity::Warning)),
    ),
    ("V1", "1.0rc1", Some(("version-policy", Severity::Warning))),
    ("V1", "1.0.0rc", Some(("version-policy", Severity::Warning))),
    (
        "V1",
        "1.0.0.post1",
        Some(("version-policy", Severity::Warning)),
    ),
    (
        "V1",
        "1.0.0b2.post1",
        Some(("version-policy", Severity::Warning)),
    ),
    ("V1", "1.0.0.0", Some(("version-invalid", Severity::Error))),
    (
        "V1",
        "1.0.0.rc1",
        Some(("version-policy", Severity::Warning)),
    ),
    (
        "V1",
        "1.0.0post",
        Some(("version-policy", Severity::Warning)),
    ),
    // A development snapshot is not released, so not tagged: nothing to say.
    ("V1", "1.0.0.dev1", None),
    // Not PEP 440 either: a `+` is no PEP 440 pre-, post- or dev-release.
    (
        "V1",
        "1.0.0rc1+x",
        Some(("version-invalid", Severity::Error)),
    ),
];

#[test]
fn heading_versions_are_semver_or_said_not_to_be() {
    let policy = Policy::default();
    for (rule, version, expected) in HEADING_VERSIONS {
        let text = released_as(version, "2026-01-01");
        let found: Vec<(&str, Severity, usize)> = lint(&Changelog::parse(text), &policy)
            .iter()
            .map(|d| (d.rule, d.severity, d.line))
            .collect();
        let want: Vec<(&str, Severity, usize)> =
            expected.iter().map(|(r, s)| (*r, *s, 7)).collect();
        assert_eq!(found, want, "{rule}: {version:?}");
    }
}

/// (rule, date as the heading writes it, what lint says about it)
const HEADING_DATES: &[HeadingRow] = &[
    ("C2", "2026-02-01", None),
    (
        "C2",
        "01 Feb 2026",
        Some(("date-format", Severity::Warning)),
    ),
    (
        "C2",
        "31 Jan 2026",
        Some(("date-format", Severity::Warning)),
    ),
    ("C2", "2026.02.01", Some(("date-format", Severity::Warning))),
    (
        "C2",
        "February 1, 2026",
        Some(("date-format", Severity::Warning)),
    ),
    ("C2", "2026-2-1", Some(("date-format", Severity::Warning))),
    ("C2", "30 Feb 2026", Some(("date-invalid", Severity::Error))),
    ("C2", "2026/02/30", Some(("date-invalid", Severity::Error))),
    ("C2", "1 Feb 999", Some(("date-invalid", Severity::Error))),
    (
        "C2",
        "1 Smarch 2026",
        Some(("date-invalid", Severity::Error)),
    ),
    ("C2", "2026-02", Some(("date-invalid", Severity::Error))),
];

#[test]
fn heading_dates_are_iso_or_said_not_to_be() {
    let policy = Policy::default();
    for (rule, date, expected) in HEADING_DATES {
        let text = released_as("1.2.3", date);
        let found: Vec<(&str, Severity, usize)> = lint(&Changelog::parse(text), &policy)
            .iter()
            .map(|d| (d.rule, d.severity, d.line))
            .collect();
        let want: Vec<(&str, Severity, usize)> =
            expected.iter().map(|(r, s)| (*r, *s, 7)).collect();
        assert_eq!(found, want, "{rule}: {date:?}");
    }
}

/// (rule, the section above and its date, the section below and its date, date-order found)
const DATE_ORDER: &[(&str, &str, &str, &str, &str, bool)] = &[
    ("C2", "1.1.0", "2026-02-01", "1.0.0", "2026-01-01", false),
    ("C2", "1.1.0", "2026-02-01", "1.0.0", "2026-02-01", false),
    ("C2", "1.1.0", "2026-02-01", "1.0.0", "2026-02-02", true),
    // A hotfix of an older line (a later patch) is dated after the newer line above it.
    ("C2", "1.1.0", "2026-02-01", "1.0.1", "2026-02-05", false),
    ("C2", "2.0.0", "2026-02-01", "1.9.3", "2026-02-05", false),
    // Not a hotfix: the line's first release, the same line, or a greater version below.
    ("C2", "1.1.0", "2026-02-01", "1.0.0", "2026-02-05", true),
    ("C2", "1.1.1", "2026-02-01", "1.1.0", "2026-02-05", true),
    ("C2", "1.0.0", "2026-02-01", "1.1.1", "2026-02-05", true),
];

#[test]
fn sections_go_newest_first_except_older_line_hotfixes() {
    let policy = Policy::default();
    for (rule, above, above_date, below, below_date, order) in DATE_ORDER {
        let text = format!(
            "# Changelog\n\n## [Unreleased]\n\n- Next.\n\n## [{above}] - {above_date}\n\n- A.\n\n## [{below}] - {below_date}\n\n- B.\n"
        );
        let found: Vec<(&str, Severity, usize)> = lint(&Changelog::parse(text), &policy)
            .iter()
            .map(|d| (d.rule, d.severity, d.line))
            .collect();
        let want = if *order {
            vec![("date-order", Severity::Warning, 11)]
        } else {
            vec![]
        };
        assert_eq!(
            found, want,
            "{rule}: {above} {above_date} above {below} {below_date}"
        );
    }
}

/// (rule, the 1.1.0 compare link, stale)
const COMPARE_LINKS: &[(&str, &str, bool)] = &[
    ("C3", "https://g.com/o/r/compare/v1.0.0...v1.1.0", false),
    // A start between the base and this version names a release the file leaves out.
    ("C3", "https://g.com/o/r/compare/v1.0.5...v1.1.0", false),
    ("C3", "https://g.com/o/r/compare/v1.1.0...v1.1.0", true),
    ("C3", "https://g.com/o/r/compare/v1.2.0...v1.1.0", true),
    ("C3", "https://g.com/o/r/compare/v0.9.0...v1.1.0", true),
    ("C3", "https://g.com/o/r/compare/v1.0.0...v1.2.0", true),
    ("C3", "https://g.com/o/r/compare/v1.0.0...v21.1.0", true),
    (
        "C3",
        "https://g.com/o/r/compare/v1.0.0...v1.1.0.1.1.0",
        true,
    ),
];

#[test]
fn compare_links_start_at_the_release_below() {
    let policy = Policy::default();
    for (rule, link, stale) in COMPARE_LINKS {
        let text = good_with(&[("https://g.com/o/r/compare/v1.0.0...v1.1.0", link)]);
        let found: Vec<(&str, Severity, usize)> = lint(&Changelog::parse(text), &policy)
            .iter()
            .map(|d| (d.rule, d.severity, d.line))
            .collect();
        let want = if *stale {
            vec![("link-stale", Severity::Warning, 22)]
        } else {
            vec![]
        };
        assert_eq!(found, want, "{rule}: {link}");
    }
}

/// (rule, the 1.0.0 section's body as the file has it (it is the last section), the notes)
const NOTE_BODIES: &[(&str, &str, &str)] = &[
    ("C6", "\n- A.\n\n", "- A.\n"),
    ("C6", "\n\n\n- A.\n- B.\n", "- A.\n- B.\n"),
    ("C6", "\n- A.\n\n<!-- next-url -->\n\n", "- A.\n"),
    ("C6", "\n- A.\n<!--\nnote\n-->\n", "- A.\n"),
    ("C6", "\n- A.\n<!-- c -->\n- B.\n", "- A.\n<!-- c -->\n- B.\n"),
    ("C6", "\n- A.\n\n[1.0.0]: https://g.com/o/r/releases/tag/v1.0.0\n<!-- x -->\n", "- A.\n"),
    (
        "C6",
        "\n- A.\n\n<!-- x -->\n[1.0.0]: https://g.com/o/r/releases/tag/v1.0.0\n[a]: https://a.example\n",
        "- A.\n",
    ),
    ("C6", "\n- A. <!-- inline -->\n", "- A. <!-- inline -->\n"),
    ("C6", "\n- A.\n  \t\n", "- A.\n"),
    // The last line is kept as written, trailing blanks and line ending included.
    ("C6", "\n- A.  \n\n", "- A.  \n"),
    ("C6", "\n- A.", "- A.\n"),
    ("C6", "\n\n  \n", ""),
];

#[test]
fn notes_drop_what_trails_the_body() {
    for (rule, body, notes_body) in NOTE_BODIES {
        let text = format!("# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2026-01-01\n{body}");
        let n = notes(&Changelog::parse(text), &Which::Version("1.0.0".into())).unwrap();
        assert_eq!(n.body, *notes_body, "{rule}: {body:?}");
        assert_eq!(n.line, 5, "{rule}");
        assert_eq!(n.date.as_deref(), Some("2026-01-01"), "{rule}");
    }
    // Line endings stay as written.
    let crlf = "# Changelog\r\n\r\n## [1.0.0] - 2026-01-01\r\n\r\n- A.\r\n\r\n<!-- x -->\r\n";
    let n = notes(&Changelog::parse(crlf), &Which::Version("1.0.0".into())).unwrap();
    assert_eq!(n.body, "- A.\r\n", "C6");
    assert_eq!(
        n.render(true, false, "\r\n"),
        "## [1.0.0] - 2026-01-01\r\n\r\n- A.\r\n",
        "C6"
    );
}

#[test]
fn notes_take_the_definitions_of_closed_labels_only() {
    let text = "# Changelog\n\n## [1.0.0] - 2026-01-01\n\n- See [docs\n  and [more][m].\n\n[docs]: https://d.example\n[m]: https://m.example\n";
    let n = notes(&Changelog::parse(text), &Which::Version("1.0.0".into())).unwrap();
    assert_eq!(n.links, ["[m]: https://m.example"], "C6");
}

/// (rule, entry as the changelog has it, the category it is announced under, breaking)
type AnnouncedRow = (&'static str, &'static str, &'static str, bool);

const ANNOUNCED: &[AnnouncedRow] = &[
    ("N1", "Loose entry.", "Changes", false),
    ("N1", "**Breaking**: the layout.", "Added", true),
    ("N1", "Search.", "Added", false),
    ("N1", "BREAKING: old flag gone.", "Removed", true),
];

#[test]
fn announcements_read_entries_by_category() {
    let text = "# Changelog\n\n## [1.0.0] - 2026-01-01\n\n- Loose entry.\n\n### Added\n\n- **Breaking**: the layout.\n- Search.\n\n### Fixed\n\n### Removed\n\n- BREAKING: old flag gone.\n";
    let doc = Changelog::parse(text);
    let section = doc.find("1.0.0")[0];
    let got: Vec<(String, String, bool)> = announce_categories(&doc, section)
        .into_iter()
        .flat_map(|c| {
            c.entries
                .into_iter()
                .map(move |e| (c.name.clone(), e.text, e.breaking))
        })
        .collect();
    let want: Vec<(String, String, bool)> = ANNOUNCED
        .iter()
        .map(|(_, text, category, breaking)| (category.to_string(), text.to_string(), *breaking))
        .collect();
    assert_eq!(got, want, "N1: empty categories are left out");
}
