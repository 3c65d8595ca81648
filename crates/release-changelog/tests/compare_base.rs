//! Which release a version's compare link starts from (C3, `Changelog::compare_base`), row by
//! row: the greatest lower version below it, never a hotfix of an older line released after
//! it, stable releases only under `compare_base = "previous-stable"`, and the first section
//! below when versions cannot be ordered. Found missing by mutation testing (issue 16).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use release_changelog::Changelog;

const HISTORY: &str = "# Changelog

## [Unreleased]

## [0.3.0] - 2026-03-01

## [0.2.1] - 2026-03-05

## [0.2.0] - 2026-02-01

## [0.2.0-rc.1] - 2026-01-20

## [0.1.1] - 2026-02-10

## [0.1.0] - 2026-01-01
";

/// (rule, section, stable only, the base's version or None)
const ROWS: &[(&str, &str, bool, Option<&str>)] = &[
    ("C3", "Unreleased", false, Some("0.3.0")),
    ("C3", "Unreleased", true, Some("0.3.0")),
    // 0.2.1 is a hotfix of the 0.2 line released after 0.3.0: never 0.3.0's base.
    ("C3", "0.3.0", false, Some("0.2.0")),
    ("C3", "0.2.1", false, Some("0.2.0")),
    // 0.1.1 (released after 0.2.0) is skipped; the candidate is below, and lower.
    ("C3", "0.2.0", false, Some("0.2.0-rc.1")),
    ("C3", "0.2.0", true, Some("0.1.0")),
    ("C3", "0.2.0-rc.1", false, Some("0.1.0")),
    ("C3", "0.1.1", false, Some("0.1.0")),
    ("C3", "0.1.0", false, None),
];

#[test]
fn compare_bases() {
    let doc = Changelog::parse(HISTORY);
    let text = doc.text.as_str();
    for (rule, name, stable_only, want) in ROWS {
        let index = doc
            .sections
            .iter()
            .position(|s| {
                if *name == "Unreleased" {
                    s.is_unreleased()
                } else {
                    s.version(text) == *name
                }
            })
            .unwrap();
        let s = &doc.sections[index];
        let version = (!s.is_unreleased()).then(|| s.version(text));
        let base = doc
            .compare_base(index, version, s.date(text), *stable_only)
            .map(|b| b.version(text));
        assert_eq!(base, *want, "{rule}: {name} (stable only: {stable_only})");
    }
}

#[test]
fn dates_that_contradict_the_order_are_a_typo_not_history() {
    // Every lower version is a hotfix of another line dated after 0.5.0: the dates are off,
    // so the order decides.
    let doc = Changelog::parse(
        "## [0.5.0] - 2020-01-01\n\n## [0.4.1] - 2021-01-01\n\n## [0.3.2] - 2022-01-01\n",
    );
    let text = doc.text.as_str();
    let base = doc.compare_base(0, Some("0.5.0"), Some("2020-01-01"), false);
    assert_eq!(base.map(|b| b.version(text)), Some("0.4.1"));
    // Without dates there is nothing to skip either.
    let base = doc.compare_base(0, Some("0.5.0"), None, false);
    assert_eq!(base.map(|b| b.version(text)), Some("0.4.1"));
    // A hotfix of the same line released later is still its line's history.
    let doc = Changelog::parse("## [0.5.1] - 2020-01-01\n\n## [0.5.0] - 2021-01-01\n");
    let text = doc.text.as_str();
    let base = doc.compare_base(0, Some("0.5.1"), Some("2020-01-01"), false);
    assert_eq!(base.map(|b| b.version(text)), Some("0.5.0"));
}

#[test]
fn versions_that_cannot_be_ordered_take_the_section_below() {
    let doc = Changelog::parse(
        "## 2024.2 - 2024-02-01\n\n## 2024.1 - 2024-01-01\n\n## [1.0.0] - 2023-01-01\n",
    );
    let text = doc.text.as_str();
    // Not SemVer: the first section below, whatever it is.
    let base = doc.compare_base(0, Some("2024.2"), None, false);
    assert_eq!(base.map(|b| b.version(text)), Some("2024.1"));
    // Nothing below parses as SemVer: the first section below too.
    let doc = Changelog::parse("## [3.0.0] - 2024-02-01\n\n## 2024.1 - 2024-01-01\n");
    let text = doc.text.as_str();
    let base = doc.compare_base(0, Some("3.0.0"), None, false);
    assert_eq!(base.map(|b| b.version(text)), Some("2024.1"));
    // A pending section below is skipped.
    let doc = Changelog::parse(
        "## [3.0.0] - 2024-02-01\n\n## [2.9.0] - TBD\n\n## [2.8.0] - 2024-01-01\n",
    );
    let text = doc.text.as_str();
    let base = doc.compare_base(0, Some("3.0.0"), None, false);
    assert_eq!(base.map(|b| b.version(text)), Some("2.8.0"));
}

/// (case, the file, stable only, the title of the base of its first section, or None)
const FIRST_SECTION_BASES: &[(&str, &str, bool, Option<&str>)] = &[
    (
        "a minor release of an older line is no hotfix: a later date on it is a typo",
        "## [0.3.0] - 2026-01-01\n\n## [0.2.0] - 2026-02-01\n\n## [0.1.0] - 2025-01-01\n",
        false,
        Some("[0.2.0] - 2026-02-01"),
    ),
    (
        "a patch of the same line is its history, whatever its date",
        "## [0.5.2] - 2020-01-01\n\n## [0.5.1] - 2021-01-01\n\n## [0.5.0] - 2019-01-01\n",
        false,
        Some("[0.5.1] - 2021-01-01"),
    ),
    (
        "a hotfix of an older line released the same day is not released after it",
        "## [0.3.0] - 2026-03-01\n\n## [0.2.1] - 2026-03-01\n\n## [0.2.0] - 2026-02-01\n",
        false,
        Some("[0.2.1] - 2026-03-01"),
    ),
    (
        "a version listed twice (V5): the upper one, the first in file order",
        "## [0.3.0] - 2026-03-01\n\n## [0.2.0] - 2026-02-02\n\n## [0.2.0] - 2026-02-01\n",
        false,
        Some("[0.2.0] - 2026-02-02"),
    ),
    (
        "previous-stable with only candidates below: none (the first stable release)",
        "## [1.0.0] - 2026-03-01\n\n## [1.0.0-rc.2] - 2026-02-01\n\n## [1.0.0-rc.1] - 2026-01-01\n",
        true,
        None,
    ),
    (
        "the section below: the newest candidate",
        "## [1.0.0] - 2026-03-01\n\n## [1.0.0-rc.2] - 2026-02-01\n\n## [1.0.0-rc.1] - 2026-01-01\n",
        false,
        Some("[1.0.0-rc.2] - 2026-02-01"),
    ),
    (
        "only greater versions below (a file out of order): none, not the section below",
        "## [0.1.0] - 2026-01-01\n\n## [0.2.0] - 2026-02-01\n",
        false,
        None,
    ),
];

#[test]
fn the_base_of_a_release_is_its_own_history() {
    for (case, text, stable_only, want) in FIRST_SECTION_BASES {
        let doc = Changelog::parse(*text);
        let text = doc.text.as_str();
        let s = &doc.sections[0];
        let base = doc
            .compare_base(0, Some(s.version(text)), s.date(text), *stable_only)
            .map(|b| &text[b.heading.title.clone()]);
        assert_eq!(base, *want, "C3: {case}");
    }
}
