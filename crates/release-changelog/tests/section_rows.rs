//! What a version section holds (C1: a release's changes are entries under categories), row by
//! row: its `### Category` blocks and their entries, the entries and text before the first
//! category, and whether it is empty, in the spaced layout Keep a Changelog shows and in the
//! compact one without blank lines that many files use. An entry spans whole lines, its line
//! ending included (`prepare` and `add` move and append entries as lines), and ends before the
//! blank lines after it. Found missing by mutation testing (issue 16): the fixtures are spaced,
//! so the compact layout's edges were never reached.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use release_changelog::{Changelog, Section};

/// What the first section of a row's file holds.
struct Holds {
    /// Each category's name and its entries, as text.
    categories: &'static [(&'static str, &'static [&'static str])],
    /// List items before the first category.
    loose_entries: &'static [&'static str],
    /// Other lines of text before the first category, without their line endings.
    loose_text: &'static [&'static str],
    /// No entries and no text (headings, comments and definitions are neither).
    empty: bool,
}

const NEXT: &str = "## [1.0.0] - 2026-01-01\n\n- Old.\n";

/// (case, the file, what its first section holds)
fn rows() -> Vec<(&'static str, String, Holds)> {
    vec![
        (
            "spaced: a blank line after each heading and list",
            format!("## [Unreleased]\n\n### Added\n\n- A.\n- B.\n\n### Fixed\n\n- C.\n\n{NEXT}"),
            Holds {
                categories: &[("Added", &["- A.\n", "- B.\n"]), ("Fixed", &["- C.\n"])],
                loose_entries: &[],
                loose_text: &[],
                empty: false,
            },
        ),
        (
            "compact: a category right under the version heading, an entry right under it",
            format!("## [Unreleased]\n### Added\n- A.\n- B.\n### Fixed\n- C.\n{NEXT}"),
            Holds {
                categories: &[("Added", &["- A.\n", "- B.\n"]), ("Fixed", &["- C.\n"])],
                loose_entries: &[],
                loose_text: &[],
                empty: false,
            },
        ),
        (
            "an entry of several lines ends after its last line, not after the blank lines",
            format!(
                "## [Unreleased]\n\n### Added\n\n- A,\n  continued.\n  - Nested.\n\n- B.\n\n\n{NEXT}"
            ),
            Holds {
                categories: &[(
                    "Added",
                    &["- A,\n  continued.\n  - Nested.\n", "- B.\n"],
                )],
                loose_entries: &[],
                loose_text: &[],
                empty: false,
            },
        ),
        (
            "the last entry of a file without a final newline ends at the end",
            "## [Unreleased]\n\n### Added\n\n- A.\n- B.".to_string(),
            Holds {
                categories: &[("Added", &["- A.\n", "- B."])],
                loose_entries: &[],
                loose_text: &[],
                empty: false,
            },
        ),
        (
            "entries before the first category are loose",
            format!("## [Unreleased]\n\n- Loose.\n\n### Added\n\n- A.\n\n{NEXT}"),
            Holds {
                categories: &[("Added", &["- A.\n"])],
                loose_entries: &["- Loose.\n"],
                loose_text: &[],
                empty: false,
            },
        ),
        (
            "compact: a loose entry right under the version heading",
            format!("## [Unreleased]\n- Loose.\n### Added\n- A.\n{NEXT}"),
            Holds {
                categories: &[("Added", &["- A.\n"])],
                loose_entries: &["- Loose.\n"],
                loose_text: &[],
                empty: false,
            },
        ),
        (
            "text before the first category is text outside categories",
            format!("## [Unreleased]\n\nSome text.\n\n### Added\n\n- A.\n\n{NEXT}"),
            Holds {
                categories: &[("Added", &["- A.\n"])],
                loose_entries: &[],
                loose_text: &["Some text."],
                empty: false,
            },
        ),
        (
            "compact: text alone, right under the heading, is not an empty section",
            format!("## [Unreleased]\nOnly text.\n{NEXT}"),
            Holds {
                categories: &[],
                loose_entries: &[],
                loose_text: &["Only text."],
                empty: false,
            },
        ),
        (
            "a heading alone is empty",
            format!("## [Unreleased]\n\n{NEXT}"),
            Holds {
                categories: &[],
                loose_entries: &[],
                loose_text: &[],
                empty: true,
            },
        ),
        (
            "a comment and a link definition are not content: empty",
            format!("## [Unreleased]\n\n<!-- next -->\n\n[x]: https://example.org\n\n{NEXT}"),
            Holds {
                categories: &[],
                loose_entries: &[],
                loose_text: &[],
                empty: true,
            },
        ),
        (
            "category headings without entries are empty",
            format!("## [Unreleased]\n\n### Added\n\n### Fixed\n\n{NEXT}"),
            Holds {
                categories: &[("Added", &[]), ("Fixed", &[])],
                loose_entries: &[],
                loose_text: &[],
                empty: true,
            },
        ),
    ]
}

fn text_of<'a>(doc: &'a Changelog, r: &std::ops::Range<usize>) -> &'a str {
    &doc.text[r.clone()]
}

fn line_at(doc: &Changelog, start: usize) -> &str {
    let rest = &doc.text[start..];
    rest.lines().next().unwrap_or("")
}

fn category_name<'a>(doc: &'a Changelog, s: &Section, i: usize) -> &'a str {
    doc.text[s.categories[i].heading.title.clone()].trim()
}

#[test]
fn a_section_holds_categories_entries_and_text() {
    for (case, text, want) in rows() {
        let doc = Changelog::parse(text.as_str());
        let s = &doc.sections[0];
        let categories: Vec<(&str, Vec<&str>)> = (0..s.categories.len())
            .map(|i| {
                let entries = s.categories[i]
                    .entries
                    .iter()
                    .map(|r| text_of(&doc, r))
                    .collect();
                (category_name(&doc, s, i), entries)
            })
            .collect();
        let want_categories: Vec<(&str, Vec<&str>)> = want
            .categories
            .iter()
            .map(|(name, entries)| (*name, entries.to_vec()))
            .collect();
        assert_eq!(categories, want_categories, "C1 categories: {case}");
        let loose: Vec<&str> = s.loose_entries.iter().map(|r| text_of(&doc, r)).collect();
        assert_eq!(loose, want.loose_entries, "C1 loose entries: {case}");
        let loose_text: Vec<&str> = s.loose_text.iter().map(|&l| line_at(&doc, l)).collect();
        assert_eq!(
            loose_text, want.loose_text,
            "C1 text outside categories: {case}"
        );
        assert_eq!(s.is_empty(&doc.blocks), want.empty, "C1 empty: {case}");
        // The light parses (notes, prepare) answer the same.
        assert_eq!(
            doc.is_empty_section(s),
            want.empty,
            "C1 empty, any parse: {case}"
        );
        let light = Changelog::parse_sections(text.as_str());
        assert_eq!(
            light.is_empty_section(&light.sections[0]),
            want.empty,
            "C1 empty, light parse: {case}"
        );
    }
}
