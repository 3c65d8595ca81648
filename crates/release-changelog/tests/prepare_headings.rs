//! The heading `prepare` writes for the new section (C2, C3): it follows the shape of the
//! newest release's heading (brackets, parentheses, a `Version` word, a dash or an em dash, an
//! inline compare link), drops a yanked marker (R4) and a placeholder date, and falls back to
//! `VERSION - DATE` when the template would not read back. Found missing by mutation testing
//! (issue 16). Every row was also run through `release changelog prepare` and read.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use release_changelog::{prepare, Changelog, PrepareOptions};
use release_core::policy::Policy;

/// (rule, the newest release's heading, the heading prepare writes for 2.0.0 on 2026-01-01)
const ROWS: &[(&str, &str, &str)] = &[
    ("C2", "## [1.0.0] - 2025-01-01", "## [2.0.0] - 2026-01-01"),
    ("C2", "## 1.0.0 (2025-01-01)", "## 2.0.0 (2026-01-01)"),
    (
        "C2",
        "## Version 1.0.0 (2025-01-01)",
        "## Version 2.0.0 (2026-01-01)",
    ),
    ("C2", "## 1.0.0 — 2025-01-01", "## 2.0.0 — 2026-01-01"),
    ("C2", "## v1.0.0", "## v2.0.0 - 2026-01-01"),
    ("C2", "## [1.0.0]", "## [2.0.0] - 2026-01-01"),
    ("C2", "## [1.0.0] - TBD", "## [2.0.0] - 2026-01-01"),
    (
        "R4",
        "## [1.0.0] - 2025-01-01 [YANKED]",
        "## [2.0.0] - 2026-01-01",
    ),
    (
        "R4",
        "## [1.0.0] - 2025-01-01 [YANKED] trailing",
        "## [2.0.0] - 2026-01-01",
    ),
    ("R4", "## 1.0.0 - YANKED", "## 2.0.0 - 2026-01-01"),
    (
        "R4",
        "## 1.0.0 (2025-01-01) [YANKED]",
        "## 2.0.0 (2026-01-01)",
    ),
    (
        "C3",
        "## [1.0.0](https://github.com/acme/w/compare/v0.9.0...v1.0.0) - 2025-01-01",
        "## [2.0.0](https://github.com/acme/w/compare/v1.0.0...v2.0.0) - 2026-01-01",
    ),
];

fn prepared(text: &str) -> String {
    let policy = Policy::default();
    let doc = Changelog::parse(text);
    let mut opts = PrepareOptions::new("2.0.0", "2026-01-01", &policy);
    opts.repo_url = Some("https://github.com/acme/w");
    prepare(&doc, &opts).unwrap().text
}

#[test]
fn the_new_heading_follows_the_newest_release() {
    for (rule, previous, want) in ROWS {
        let text = format!(
            "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- New.\n\n{previous}\n\n- Old.\n"
        );
        let out = prepared(&text);
        let new = out
            .lines()
            .find(|l| l.starts_with("## ") && l.contains("2.0.0"))
            .unwrap_or_else(|| panic!("{rule}: no 2.0.0 heading in\n{out}"));
        assert_eq!(new, *want, "{rule}: after {previous:?}");
        // The old heading is left as it was.
        assert!(
            out.contains(previous),
            "{rule}: {previous:?} was changed:\n{out}"
        );
    }
}

#[test]
fn setext_headings_keep_their_shape() {
    let text = "Changelog\n=========\n\nUnreleased\n----------\n\n- New.\n\n1.0.0 (2025-01-01)\n------------------\n\n- Old.\n";
    let out = prepared(text);
    assert!(
        out.contains("Unreleased\n----------\n\n2.0.0 (2026-01-01)\n------------------\n\n- New.\n\n1.0.0 (2025-01-01)\n"),
        "C2:\n{out}"
    );
}
