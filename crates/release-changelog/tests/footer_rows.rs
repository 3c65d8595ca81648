//! Where the last release's notes end (C6): at a footer after it (a heading of a higher level,
//! or one of the version level that the releases do not repeat), not at a heading each release
//! has (GitHub's `## New Contributors`) or one below the version level. Found missing by
//! mutation testing (issue 16); each row was run through `release changelog notes` and read.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use release_changelog::{notes, Changelog, Which};

/// (case, the file, the notes of 1.0.0)
const ROWS: &[(&str, &str, &str)] = &[
    (
        "a heading of a higher level ends them",
        "# Changelog\n\n## [1.0.0] - 2026-01-01\n\n- a\n\n# Older releases\n\nSee x.\n",
        "- a",
    ),
    (
        "a heading of the version level ends them",
        "# Changelog\n\n## [1.0.0] - 2026-01-01\n\n- a\n\n## Contributors\n\n- x\n",
        "- a",
    ),
    (
        "a heading every release repeats is part of them",
        "# Changelog\n\n## [2.0.0] - 2026-02-01\n\n- b\n\n## New Contributors\n\n- y\n\n## [1.0.0] - 2026-01-01\n\n- a\n\n## New Contributors\n\n- x\n",
        "- a\n\n## New Contributors\n\n- x",
    ),
    (
        "a heading below the version level is part of them",
        "# Changelog\n\n## [1.0.0] - 2026-01-01\n\n- a\n\n### Notes\n\n- n\n",
        "- a\n\n### Notes\n\n- n",
    ),
    (
        "a footer right under the last heading leaves them empty",
        "# Changelog\n\n## [1.0.0] - 2026-01-01\n# Older releases\n\nSee x.\n",
        "",
    ),
    (
        // Only headings inside the releases count as repeated; the newest version heading is
        // not one of them, even when the footer's title differs from it by a no-break space
        // (so the footer is no version heading).
        "a footer like the newest version heading still ends them",
        "# Changelog\n\n## 2.0.0\n\n- b\n\n## 1.0.0 - 2026-01-01\n\n- a\n\n## 2.0.0\u{a0}\n\n- x\n",
        "- a",
    ),
    (
        "nothing after them",
        "# Changelog\n\n## [1.0.0] - 2026-01-01\n\n- a\n",
        "- a",
    ),
];

#[test]
fn the_last_release_ends_at_its_footer() {
    for (case, text, want) in ROWS {
        for doc in [Changelog::parse(*text), Changelog::parse_sections(*text)] {
            let n = notes(&doc, &Which::Version("1.0.0".into())).unwrap();
            assert_eq!(n.body.trim_end(), *want, "C6: {case}");
        }
    }
}
