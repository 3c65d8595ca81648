//! `changelog add` (C1), row by row: where an entry goes in Unreleased, where a missing
//! category is created (Keep a Changelog's order), and the Unreleased section a file without
//! one gets, with its footer compare link only where the file keeps footer links. Found missing
//! by mutation testing (issue 16); each row's output was run through `release changelog add`
//! and read.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use release_changelog::{add, Changelog};

/// (case, the file, the category, the file after adding `- A fix.`)
const ROWS: &[(&str, &str, &str, &str)] = &[
    (
        "Unreleased created, with a footer link like the newest release's",
        "# Changelog\n\n## [1.0.0] - 2026-01-01\n\n- Old.\n\n[1.0.0]: https://github.com/acme/w/compare/v0.9.0...v1.0.0\n",
        "Fixed",
        "# Changelog\n\n## [Unreleased]\n\n### Fixed\n\n- A fix.\n\n## [1.0.0] - 2026-01-01\n\n- Old.\n\n[Unreleased]: https://github.com/acme/w/compare/v1.0.0...HEAD\n[1.0.0]: https://github.com/acme/w/compare/v0.9.0...v1.0.0\n",
    ),
    (
        "Unreleased created, no footer link for an inline-linked file",
        "# Changelog\n\n## [1.0.0](https://github.com/acme/w/compare/v0.9.0...v1.0.0) - 2026-01-01\n\n- Old.\n",
        "Fixed",
        "# Changelog\n\n## [Unreleased]\n\n### Fixed\n\n- A fix.\n\n## [1.0.0](https://github.com/acme/w/compare/v0.9.0...v1.0.0) - 2026-01-01\n\n- Old.\n",
    ),
    (
        "Unreleased created without brackets for a file without them",
        "# Changelog\n\n## 1.0.0 - 2026-01-01\n\n- Old.\n",
        "Fixed",
        "# Changelog\n\n## Unreleased\n\n### Fixed\n\n- A fix.\n\n## 1.0.0 - 2026-01-01\n\n- Old.\n",
    ),
    (
        "after loose text in Unreleased",
        "# Changelog\n\n## [Unreleased]\n\nSome loose text.\n\n## [1.0.0] - 2026-01-01\n\n- Old.\n",
        "Fixed",
        "# Changelog\n\n## [Unreleased]\n\nSome loose text.\n\n### Fixed\n\n- A fix.\n\n## [1.0.0] - 2026-01-01\n\n- Old.\n",
    ),
    (
        "a missing category goes before the first one that comes after it",
        "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- A.\n\n### Security\n\n- S.\n\n## [1.0.0] - 2026-01-01\n",
        "Fixed",
        "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- A.\n\n### Fixed\n\n- A fix.\n\n### Security\n\n- S.\n\n## [1.0.0] - 2026-01-01\n",
    ),
    (
        "an existing category gets the entry at its end",
        "# Changelog\n\n## [Unreleased]\n\n### Fixed\n\n- Earlier.\n\n### Security\n\n- S.\n",
        "Fixed",
        "# Changelog\n\n## [Unreleased]\n\n### Fixed\n\n- Earlier.\n- A fix.\n\n### Security\n\n- S.\n",
    ),
    (
        "a category of the project's own goes last",
        "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- A.\n\n## [1.0.0] - 2026-01-01\n",
        "Performance",
        "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- A.\n\n### Performance\n\n- A fix.\n\n## [1.0.0] - 2026-01-01\n",
    ),
    (
        "Unreleased created in an empty file",
        "",
        "Fixed",
        "## [Unreleased]\n\n### Fixed\n\n- A fix.\n",
    ),
    (
        "Unreleased created at the end of a file without versions, one blank line above it",
        "# Changelog\n\nAll notable changes.\n\n",
        "Fixed",
        "# Changelog\n\nAll notable changes.\n\n## [Unreleased]\n\n### Fixed\n\n- A fix.\n",
    ),
    (
        "Unreleased created without a footer link where the headings are not links",
        "# Changelog\n\n## 1.0.0 - 2026-01-01\n\n- Old.\n\n[1.0.0]: https://github.com/acme/w/compare/v0.9.0...v1.0.0\n",
        "Fixed",
        "# Changelog\n\n## Unreleased\n\n### Fixed\n\n- A fix.\n\n## 1.0.0 - 2026-01-01\n\n- Old.\n\n[1.0.0]: https://github.com/acme/w/compare/v0.9.0...v1.0.0\n",
    ),
    (
        "an empty Unreleased",
        "# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2026-01-01\n",
        "Fixed",
        "# Changelog\n\n## [Unreleased]\n\n### Fixed\n\n- A fix.\n\n## [1.0.0] - 2026-01-01\n",
    ),
];

#[test]
fn entries_land_where_keep_a_changelog_puts_them() {
    for (case, text, category, want) in ROWS {
        let doc = Changelog::parse(*text);
        let edit = add(&doc, category, "A fix.").unwrap();
        assert_eq!(edit.text, *want, "C1: {case}");
    }
}

#[test]
fn a_category_is_one_heading_text_and_an_entry_is_not_empty() {
    let doc = Changelog::parse("# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2026-01-01\n");
    // (category, entry, part of the refusal)
    let rows = [
        ("", "A fix.", "not a heading text"),
        ("   ", "A fix.", "not a heading text"),
        ("Fixed\n### Added", "A fix.", "not a heading text"),
        ("Fixed\r", "A fix.", "not a heading text"),
        ("Fixed", "", "the entry text is empty"),
        ("Fixed", " \n ", "the entry text is empty"),
    ];
    for (category, entry, want) in rows {
        let err = add(&doc, category, entry).unwrap_err();
        assert!(
            err.to_string().contains(want),
            "C1: {category:?} {entry:?}: {err}"
        );
    }
}
