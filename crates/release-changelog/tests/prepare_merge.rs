//! `prepare` into a prepared section that is not tagged yet (P1: fixes after a candidate go
//! into the same release), and where new link definitions go when the file keeps other
//! definitions. Found missing by mutation testing (issue 16).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use release_changelog::{prepare, Changelog, PrepareOptions};
use release_core::policy::Policy;

const PREPARED: &str = "# Changelog\n\n## [Unreleased]\n\n### Fixed\n\n- Late fix.\n- Second late fix.\n\n### Security\n\n- Late security.\n\nA loose line.\n\n## [2.0.0] - 2026-01-01\n\n### Fixed\n\n- Fix.\n\n## [1.0.0] - 2025-01-01\n\n- Old.\n";

#[test]
fn new_entries_join_the_untagged_section() {
    let policy = Policy::default();
    let doc = Changelog::parse(PREPARED);
    // Without leave to merge, the version has a section already (V5).
    let err = prepare(&doc, &PrepareOptions::new("2.0.0", "2026-01-02", &policy)).unwrap_err();
    assert!(err.to_string().contains("already has a section"), "{err}");

    let mut opts = PrepareOptions::new("2.0.0", "2026-01-02", &policy);
    opts.into_existing = true;
    let out = prepare(&doc, &opts).unwrap().text;
    assert_eq!(
        out,
        "# Changelog\n\n## [Unreleased]\n\n## [2.0.0] - 2026-01-02\n\n### Fixed\n\n- Fix.\n- Late fix.\n- Second late fix.\n\n### Security\n\n- Late security.\n\nA loose line.\n\n## [1.0.0] - 2025-01-01\n\n- Old.\n",
        "P1: the release date is the new one; a category the section has gets the entries at its end; a new one and loose lines follow"
    );
    // The report counts the moved entries (list items): two under Fixed, one under Security.
    assert_eq!(
        prepare(&doc, &opts).unwrap().changes,
        [
            "moved 3 Unreleased entries into the existing section of 2.0.0 (line 16)",
            "dated it 2026-01-02",
        ]
    );
}

#[test]
fn a_flat_list_joins_the_end_of_the_untagged_section() {
    let policy = Policy::default();
    let text = "# Changelog\n\n## [Unreleased]\n\n- Late one.\n- Late two.\n\n## [2.0.0] - 2026-01-01\n\n- Fix.\n\n## [1.0.0] - 2025-01-01\n\n- Old.\n";
    let mut opts = PrepareOptions::new("2.0.0", "2026-01-02", &policy);
    opts.into_existing = true;
    let edit = prepare(&Changelog::parse(text), &opts).unwrap();
    assert_eq!(
        edit.text,
        "# Changelog\n\n## [Unreleased]\n\n## [2.0.0] - 2026-01-02\n\n- Fix.\n- Late one.\n- Late two.\n\n## [1.0.0] - 2025-01-01\n\n- Old.\n",
        "P1"
    );
    assert_eq!(
        edit.changes,
        [
            "moved 2 Unreleased entries into the existing section of 2.0.0 (line 8)",
            "dated it 2026-01-02",
        ]
    );
}

#[test]
fn a_crlf_file_stays_crlf_when_entries_join_the_section() {
    let policy = Policy::default();
    let crlf = PREPARED.replace('\n', "\r\n");
    let mut opts = PrepareOptions::new("2.0.0", "2026-01-02", &policy);
    opts.into_existing = true;
    let out = prepare(&Changelog::parse(crlf), &opts).unwrap().text;
    assert_eq!(
        out,
        "# Changelog\r\n\r\n## [Unreleased]\r\n\r\n## [2.0.0] - 2026-01-02\r\n\r\n### Fixed\r\n\r\n- Fix.\r\n- Late fix.\r\n- Second late fix.\r\n\r\n### Security\r\n\r\n- Late security.\r\n\r\nA loose line.\r\n\r\n## [1.0.0] - 2025-01-01\r\n\r\n- Old.\r\n",
        "C4: the moved lines end in CRLF like every other line (no lone CR or LF)"
    );
}

#[test]
fn new_definitions_go_before_the_first_version_definition() {
    let policy = Policy::default();
    let text = "# Changelog\n\n## [Unreleased]\n\n- New.\n\n## [1.0.0] - 2025-01-01\n\n- Old.\n\n[docs]: https://docs.example.org\n[0.9.0]: https://github.com/acme/w/compare/v0.8.0...v0.9.0\n";
    let mut opts = PrepareOptions::new("2.0.0", "2026-01-01", &policy);
    opts.repo_url = Some("https://github.com/acme/w");
    let out = prepare(&Changelog::parse(text), &opts).unwrap().text;
    assert!(
        out.ends_with("[docs]: https://docs.example.org\n[Unreleased]: https://github.com/acme/w/compare/v2.0.0...HEAD\n[2.0.0]: https://github.com/acme/w/compare/v1.0.0...v2.0.0\n[0.9.0]: https://github.com/acme/w/compare/v0.8.0...v0.9.0\n"),
        "C3:\n{out}"
    );
}

#[test]
fn what_is_not_an_entry_is_refused_not_dropped() {
    let policy = Policy::default();
    let tail = "\n## [2.0.0] - 2026-01-01\n\n### Fixed\n\n- Fix.\n";
    // (case, the Unreleased body, the line the refusal names)
    let rows = [
        (
            "a note above the categories",
            "A note about this release.\n\n### Fixed\n\n- Late.\n",
            5,
        ),
        (
            "text above a category's first entry",
            "### Fixed\n\nIntro text.\n\n- Late.\n",
            7,
        ),
        (
            "a link definition an entry uses",
            "### Fixed\n\n- Late [#1].\n\n[#1]: https://example.org/1\n",
            9,
        ),
        (
            "a comment after the entries",
            "### Fixed\n\n- Late.\n\n<!-- keep -->\n",
            9,
        ),
    ];
    for (case, body, line) in rows {
        let text = format!("# Changelog\n\n## [Unreleased]\n\n{body}{tail}");
        let mut opts = PrepareOptions::new("2.0.0", "2026-01-02", &policy);
        opts.into_existing = true;
        let err = prepare(&Changelog::parse(text), &opts).unwrap_err();
        assert!(
            err.to_string().contains(&format!(
                "line {line} of Unreleased is not part of an entry"
            )),
            "C2: {case}: {err}"
        );
    }
}
