//! The invariants the fuzz target checks, and one regression test per fuzz finding (each
//! reduced by hand to the shape that broke; the fuzz inputs themselves are not kept).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use release_changelog::{lint, notes, prepare, Changelog, PrepareOptions, Which};
use release_core::policy::Policy;

/// prepare + notes: the new section's notes are the old Unreleased notes, and the new file
/// has one, empty, Unreleased section. Returns whether prepare accepted the text.
fn check(text: &str) -> bool {
    let policy = Policy::default();
    let doc = Changelog::parse(text);
    let _ = lint(&doc, &policy);
    let old = notes(&doc, &Which::Unreleased);
    let mut opts = PrepareOptions::new("99.0.0", "2026-01-01", &policy);
    opts.repo_url = Some("https://github.com/o/r");
    match prepare(&doc, &opts) {
        Ok(edit) => {
            let new = Changelog::parse(edit.text.clone());
            let after = notes(&new, &Which::Version("99.0.0".into())).unwrap();
            assert_eq!(after.body, old.unwrap().body, "new text:\n{}", edit.text);
            assert_eq!(new.unreleased().len(), 1);
            assert!(new.unreleased()[0].is_empty(&new.blocks));
            true
        }
        Err(_) => false,
    }
}

/// `SCRATCH=path cargo test --test invariants scratch` checks one file (a fuzz artifact).
#[test]
fn scratch() {
    if let Ok(p) = std::env::var("SCRATCH") {
        check(&std::fs::read_to_string(p).unwrap());
    }
}

/// Fuzz finding 1: the last line had no final newline; appending the link definitions gave
/// it one, so the notes differed by a line ending. Notes now always end with one.
#[test]
fn no_final_newline_in_the_last_entry() {
    assert!(check("## [Unreleased]\n\n### Added\n\n- the last line"));
}

/// Fuzz finding 2: an HTML declaration block that never closes swallowed the appended link
/// definitions. prepare now refuses files that end inside an open block.
#[test]
fn unclosed_html_block_at_the_end() {
    assert!(!check("## [Unreleased]\n\n- x\n\n<!DOCTYPE never closed\n"));
    assert!(!check(
        "## [Unreleased]\n\n- x\n\n<!-- a comment never closed\n"
    ));
}

/// Fuzz finding 3: a `~~~` fence with an info string opened in Unreleased and never closed.
#[test]
fn unclosed_tilde_fence_in_unreleased() {
    assert!(!check(
        "## [Unreleased]\n\n- x\n~~~~~~### Compatibility\n\n- y\n"
    ));
}

/// Fuzz finding 4: `## 0.25.5] - 2024-02-08` was read as a version heading and used as the
/// template of the new heading, which then did not read back as a heading for 99.0.0.
#[test]
fn broken_heading_is_not_a_template() {
    assert!(check(
        "## [Unreleased]\n\n- x\n\n## 0.25.5] - 2024-02-08\n\n- y\n"
    ));
    let doc = Changelog::parse("## 0.25.5] - 2024-02-08\n");
    assert!(doc.sections.is_empty());
}

/// Fuzz finding 5: link definitions among the Unreleased entries. The new definitions were
/// inserted before one of them, inside the entries that move to the new section; and the
/// `[Unreleased]` definition there was edited in place. Both changed the new section's notes.
#[test]
fn definitions_among_the_unreleased_entries_stay_as_they_are() {
    let text = "## [Unreleased]\n\n- x\n\n[0.1.0]: https://github.com/o/r/compare/v0.0.9...v0.1.0\n\n- y\n\n## [0.1.0] - 2024-01-01\n\n- z\n";
    assert!(check(text));
    let text = "## [Unreleased]\n\n- x\n\n[Unreleased]: https://github.com/o/r/compare/v0.1.0...HEAD\n\n- y\n\n## [0.1.0] - 2024-01-01\n\n- z\n";
    assert!(check(text));
    let policy = Policy::default();
    let doc = Changelog::parse(text);
    let edit = prepare(&doc, &PrepareOptions::new("0.2.0", "2024-02-01", &policy)).unwrap();
    assert!(
        edit.warnings[0].contains("sits among the Unreleased entries"),
        "{:?}",
        edit.warnings
    );
    assert!(edit.text.ends_with("- z\n\n[Unreleased]: https://github.com/o/r/compare/v0.2.0...HEAD\n[0.2.0]: https://github.com/o/r/compare/v0.1.0...v0.2.0\n"), "{}", edit.text);
}

/// scan_vs_pulldown finding 1: `<Tag et-header -->` is not an HTML block (`--` is not an
/// attribute name), so the `##` line after it interrupts a paragraph and is a heading.
#[test]
fn html_block_type_7_needs_a_well_formed_tag() {
    let doc = Changelog::parse("<Allok et-header -->\n## [Unreleased]\n\n- x\n");
    assert_eq!(doc.sections.len(), 1);
    let doc = Changelog::parse("<div class=\"x\">\n## [Unreleased]\n\n- x\n");
    assert_eq!(doc.sections.len(), 0, "inside an HTML block");
    let doc = Changelog::parse("<a href='x' data-y=z>\n## [Unreleased]\n");
    assert_eq!(doc.sections.len(), 0, "type 7 block with attributes");
}

#[test]
fn release_notes_of_a_candidate_fall_back_to_its_version_then_unreleased() {
    use release_changelog::{release_notes, Changelog};
    use release_core::policy::Policy;
    use release_core::version::ReleaseVersion;
    let p = Policy::default();
    let v = |s: &str| ReleaseVersion::parse_version(s, &p).unwrap();
    let doc = Changelog::parse("# Changelog\n\n## [Unreleased]\n\n- Next.\n\n## [0.4.0] - 2026-07-01\n\n- Four.\n\n## [0.4.0-rc.1] - 2026-06-20\n\n- Candidate one.\n".to_string());
    assert_eq!(release_notes(&doc, &v("0.4.0")).unwrap().body, "- Four.\n");
    assert_eq!(
        release_notes(&doc, &v("0.4.0-rc.1")).unwrap().body,
        "- Candidate one.\n"
    );
    assert_eq!(
        release_notes(&doc, &v("0.4.0-rc.2")).unwrap().body,
        "- Four.\n"
    );
    assert_eq!(
        release_notes(&doc, &v("0.5.0-rc.1")).unwrap().body,
        "- Next.\n"
    );
    assert!(
        release_notes(&doc, &v("0.5.0")).is_err(),
        "a stable version needs its own section"
    );
}

/// Link labels match as CommonMark matches them (case-folded, any whitespace run one space),
/// whether a label is looked up with the index lint builds or without it: a vertical tab or a
/// form feed inside a label is whitespace too (it was compared byte for byte).
#[test]
fn link_labels_match_with_any_whitespace() {
    let text = "# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2026-01-01\n\n- First [Big\u{0b}Thing].\n\n[1.0.0]: https://example.org/1.0.0\n[Big\u{0b}Thing]: https://example.org/big\n[Form\u{0c}Feed]: https://example.org/ff\n";
    let doc = Changelog::parse(text);
    for (label, url) in [
        ("big thing", "https://example.org/big"),
        ("BIG   THING", "https://example.org/big"),
        ("form feed", "https://example.org/ff"),
        ("1.0.0", "https://example.org/1.0.0"),
    ] {
        let found = doc.links_for(label);
        assert_eq!(found.len(), 1, "{label:?}");
        assert_eq!(&text[found[0].url.clone()], url, "{label:?}");
    }
    // The used one is not reported unused; the one nothing refers to is.
    let unused: Vec<_> = lint(&doc, &Policy::default())
        .into_iter()
        .filter(|d| d.rule == "link-unused")
        .map(|d| d.message)
        .collect();
    assert_eq!(unused.len(), 1, "{unused:?}");
    assert!(unused[0].contains("Form"), "{unused:?}");
}
