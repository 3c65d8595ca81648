//! The compare links `prepare` writes (C3) and the yank marks it refuses or writes (R4), row by
//! row. Found missing by mutation testing (issue 16); each row's output was run through
//! `release changelog prepare` / `yank` and read.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use release_changelog::{prepare, yank, Changelog, PrepareOptions};
use release_core::policy::Policy;

/// (case, the file, `--repo-url`, the file after `prepare 2.0.0 --date 2026-01-01`)
const PREPARE: &[(&str, &str, Option<&str>, &str)] = &[
    (
        "footer links are moved on and the new one added",
        "# Changelog\n\n## [Unreleased]\n\n- New.\n\n## [1.0.0] - 2025-01-01\n\n- Old.\n\n[Unreleased]: https://github.com/acme/w/compare/v1.0.0...HEAD\n[1.0.0]: https://github.com/acme/w/compare/v0.9.0...v1.0.0\n",
        None,
        "# Changelog\n\n## [Unreleased]\n\n## [2.0.0] - 2026-01-01\n\n- New.\n\n## [1.0.0] - 2025-01-01\n\n- Old.\n\n[Unreleased]: https://github.com/acme/w/compare/v2.0.0...HEAD\n[2.0.0]: https://github.com/acme/w/compare/v1.0.0...v2.0.0\n[1.0.0]: https://github.com/acme/w/compare/v0.9.0...v1.0.0\n",
    ),
    (
        "bracketed headings without links get them from the repository URL",
        "# Changelog\n\n## [Unreleased]\n\n- New.\n\n## [1.0.0] - 2025-01-01\n\n- Old.\n",
        Some("https://github.com/acme/w"),
        "# Changelog\n\n## [Unreleased]\n\n## [2.0.0] - 2026-01-01\n\n- New.\n\n## [1.0.0] - 2025-01-01\n\n- Old.\n\n[Unreleased]: https://github.com/acme/w/compare/v2.0.0...HEAD\n[2.0.0]: https://github.com/acme/w/compare/v1.0.0...v2.0.0\n",
    ),
    (
        "headings without brackets get no links",
        "# Changelog\n\n## Unreleased\n\n- New.\n\n## 1.0.0 - 2025-01-01\n\n- Old.\n",
        Some("https://github.com/acme/w"),
        "# Changelog\n\n## Unreleased\n\n## 2.0.0 - 2026-01-01\n\n- New.\n\n## 1.0.0 - 2025-01-01\n\n- Old.\n",
    ),
    (
        "the repository is read from an existing release link",
        "# Changelog\n\n## [Unreleased]\n\n- New.\n\n## [1.0.0] - 2025-01-01\n\n- Old.\n\n[1.0.0]: https://github.com/acme/w/releases/tag/v1.0.0\n",
        None,
        "# Changelog\n\n## [Unreleased]\n\n## [2.0.0] - 2026-01-01\n\n- New.\n\n## [1.0.0] - 2025-01-01\n\n- Old.\n\n[Unreleased]: https://github.com/acme/w/compare/v2.0.0...HEAD\n[2.0.0]: https://github.com/acme/w/compare/v1.0.0...v2.0.0\n[1.0.0]: https://github.com/acme/w/releases/tag/v1.0.0\n",
    ),
    (
        "the first release links its tag",
        "# Changelog\n\n## [Unreleased]\n\n- New.\n",
        Some("https://github.com/acme/w"),
        "# Changelog\n\n## [Unreleased]\n\n## [2.0.0] - 2026-01-01\n\n- New.\n\n[Unreleased]: https://github.com/acme/w/compare/v2.0.0...HEAD\n[2.0.0]: https://github.com/acme/w/releases/tag/v2.0.0\n",
    ),
    (
        "two-dot compare links keep their two dots",
        "# Changelog\n\n## [Unreleased]\n\n- New.\n\n## [1.0.0] - 2025-01-01\n\n- Old.\n\n[Unreleased]: https://github.com/acme/w/compare/v1.0.0..HEAD\n[1.0.0]: https://github.com/acme/w/compare/v0.9.0..v1.0.0\n",
        None,
        "# Changelog\n\n## [Unreleased]\n\n## [2.0.0] - 2026-01-01\n\n- New.\n\n## [1.0.0] - 2025-01-01\n\n- Old.\n\n[Unreleased]: https://github.com/acme/w/compare/v2.0.0..HEAD\n[2.0.0]: https://github.com/acme/w/compare/v1.0.0..v2.0.0\n[1.0.0]: https://github.com/acme/w/compare/v0.9.0..v1.0.0\n",
    ),
    (
        "a tag found twice in the link below (1.1.1 also inside 1.1.10) is not guessed at: the link is written afresh in the host's form",
        "# Changelog\n\n## [Unreleased]\n\n- New.\n\n## [1.1.10] - 2025-01-01\n\n- Old.\n\n[1.1.10]: https://github.com/acme/w/compare/1.1.1..1.1.10\n",
        None,
        "# Changelog\n\n## [Unreleased]\n\n## [2.0.0] - 2026-01-01\n\n- New.\n\n## [1.1.10] - 2025-01-01\n\n- Old.\n\n[Unreleased]: https://github.com/acme/w/compare/2.0.0...HEAD\n[2.0.0]: https://github.com/acme/w/compare/1.1.10...2.0.0\n[1.1.10]: https://github.com/acme/w/compare/1.1.1..1.1.10\n",
    ),
];

#[test]
fn prepare_writes_the_compare_links_the_file_keeps() {
    let policy = Policy::default();
    for (case, text, repo_url, want) in PREPARE {
        let doc = Changelog::parse(*text);
        let mut opts = PrepareOptions::new("2.0.0", "2026-01-01", &policy);
        opts.repo_url = *repo_url;
        let out = prepare(&doc, &opts).unwrap().text;
        assert_eq!(out, *want, "C3: {case}");
    }
}

#[test]
fn links_that_name_no_repository_ask_for_one() {
    let policy = Policy::default();
    let text = "# Changelog\n\n## [Unreleased]\n\n- New.\n\n## [1.0.0] - 2025-01-01\n\n- Old.\n\n[1.0.0]: https://example.org/downloads/1.0.0\n";
    let edit = prepare(
        &Changelog::parse(text),
        &PrepareOptions::new("2.0.0", "2026-01-01", &policy),
    )
    .unwrap();
    assert_eq!(
        edit.text,
        "# Changelog\n\n## [Unreleased]\n\n## [2.0.0] - 2026-01-01\n\n- New.\n\n## [1.0.0] - 2025-01-01\n\n- Old.\n\n[1.0.0]: https://example.org/downloads/1.0.0\n",
        "C3: no definition is made up"
    );
    assert_eq!(
        edit.warnings,
        ["no repository URL (give --repo-url or set changelog.repository_url): no link definitions written (C3)"],
        "C3: the file keeps footer links, so the warning says how to get them written"
    );
}

#[test]
fn the_compare_base_policy_picks_where_the_link_starts() {
    use release_core::policy::CompareBase;
    let text = "# Changelog\n\n## [Unreleased]\n\n- New.\n\n## [1.1.0-rc.1] - 2025-02-01\n\n- Candidate.\n\n## [1.0.0] - 2025-01-01\n\n- Old.\n\n[1.1.0-rc.1]: https://github.com/acme/w/compare/v1.0.0...v1.1.0-rc.1\n[1.0.0]: https://github.com/acme/w/releases/tag/v1.0.0\n";
    // (compare_base, the new definition)
    let rows = [
        (
            CompareBase::SectionBelow,
            "[1.1.0]: https://github.com/acme/w/compare/v1.1.0-rc.1...v1.1.0\n",
        ),
        (
            CompareBase::PreviousStable,
            "[1.1.0]: https://github.com/acme/w/compare/v1.0.0...v1.1.0\n",
        ),
    ];
    for (base, want) in rows {
        let mut policy = Policy::default();
        policy.changelog.compare_base = base;
        let out = prepare(
            &Changelog::parse(text),
            &PrepareOptions::new("1.1.0", "2026-01-01", &policy),
        )
        .unwrap()
        .text;
        assert!(out.contains(want), "C3: {base:?}: want {want:?} in\n{out}");
    }
}

#[test]
fn yank_keeps_a_setext_underline_as_long_as_the_title() {
    let policy = Policy::default();
    // (case, the file, the file after yanking 1.0.0 for "data loss")
    let rows = [
        (
            "an underline as long as the title",
            "Changelog\n=========\n\n1.0.0 - 2026-01-01\n------------------\n\n- First.\n",
            "Changelog\n=========\n\n1.0.0 - 2026-01-01 [YANKED]\n---------------------------\n\n> **Yanked:** data loss.\n\n- First.\n",
        ),
        (
            "a short underline, indented (CommonMark allows up to three spaces), keeps its indentation",
            "Changelog\n=========\n\n1.0.0\n   ---\n\n- First.\n",
            "Changelog\n=========\n\n1.0.0 [YANKED]\n   --------------\n\n> **Yanked:** data loss.\n\n- First.\n",
        ),
    ];
    for (case, text, want) in rows {
        let edit = yank(&Changelog::parse(text), "1.0.0", "data loss", None, &policy).unwrap();
        assert_eq!(edit.text, want, "R4: {case}");
    }
}

const RELEASED: &str = "# Changelog\n\n## [Unreleased]\n\n## [1.0.1] - 2026-01-02\n\n- Fix.\n\n## [1.0.0] - 2026-01-01\n\n- First.\n";

#[test]
fn yank_marks_one_version_with_a_one_line_reason() {
    let policy = Policy::default();
    let doc = Changelog::parse(RELEASED);
    // (reason, replacement, Ok(the marked heading) or Err(part of the message))
    let rows: &[(&str, Option<&str>, Result<&str, &str>)] = &[
        ("", None, Err("one line")),
        ("   ", None, Err("one line")),
        ("broke\nthings", None, Err("one line")),
        ("broke\rthings", None, Err("one line")),
        ("data loss", Some("not-a-version"), Err("not-a-version")),
        ("data loss", None, Ok("## [1.0.0] - 2026-01-01 [YANKED]")),
        (
            "data loss",
            Some("1.0.1"),
            Ok("## [1.0.0] - 2026-01-01 [YANKED]"),
        ),
    ];
    for (reason, replacement, want) in rows {
        let got = yank(&doc, "1.0.0", reason, *replacement, &policy);
        match (got, want) {
            (Ok(edit), Ok(heading)) => {
                assert!(
                    edit.text.contains(heading),
                    "R4: {reason:?}:\n{}",
                    edit.text
                );
                assert!(
                    edit.text.contains(reason.trim()),
                    "R4: the reason is written:\n{}",
                    edit.text
                );
                if let Some(r) = replacement {
                    assert!(
                        edit.text.contains(r),
                        "R4: the replacement is named:\n{}",
                        edit.text
                    );
                }
                // Only 1.0.0 is marked.
                assert_eq!(
                    edit.text.matches("[YANKED]").count(),
                    1,
                    "R4:\n{}",
                    edit.text
                );
            }
            (Err(e), Err(part)) => assert!(e.to_string().contains(part), "R4: {reason:?}: {e}"),
            (got, want) => panic!("R4: {reason:?} {replacement:?}: got {got:?}, want {want:?}"),
        }
    }
    // A version that is not in the file.
    let err = yank(&doc, "3.0.0", "data loss", None, &policy).unwrap_err();
    assert!(err.to_string().contains("3.0.0"), "{err}");
}
