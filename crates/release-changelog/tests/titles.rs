//! Version heading titles, row by row, in the dialects of real changelogs: what
//! `release_changelog::title::parse` reads as the version, the date, the yanked marker, the
//! inline link and the brackets, and which titles are not version headings at all (C1, C2, R4).
//! Found missing by mutation testing (issue 16): the dialect fixtures cover whole files, not
//! each edge of the title grammar.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use release_changelog::title::{iso_date, parse, pending};

/// What a title reads as: (unreleased, version, date, yanked, link, bracketed).
type Read = (
    bool,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    bool,
);

/// (rule, title, what it reads as, or None when it is not a version heading)
const TITLES: &[(&str, &str, Option<Read>)] = &[
    // Keep a Changelog.
    (
        "C1",
        "[1.2.3] - 2024-01-02",
        Some((false, "1.2.3", Some("2024-01-02"), None, None, true)),
    ),
    (
        "C1",
        "[Unreleased]",
        Some((true, "", None, None, None, true)),
    ),
    (
        "C1",
        "Unreleased",
        Some((true, "", None, None, None, false)),
    ),
    (
        "C1",
        "[Unreleased] - ReleaseDate",
        Some((true, "", Some("ReleaseDate"), None, None, true)),
    ),
    ("C1", "[Unreleasedx]", None),
    (
        "C1",
        "[1.2.3]: 2024-01-02",
        Some((false, "1.2.3", Some("2024-01-02"), None, None, true)),
    ),
    // Pre-releases and build metadata.
    (
        "V1",
        "[1.2.3-rc.1] - 2024-01-02",
        Some((false, "1.2.3-rc.1", Some("2024-01-02"), None, None, true)),
    ),
    (
        "V1",
        "1.2.3+build.5",
        Some((false, "1.2.3+build.5", None, None, None, false)),
    ),
    ("V1", "1.2.3-rc.1.", None),
    ("V1", "1.2.3+", None),
    ("V1", "1.2.3+ build", None),
    ("V1", "1.2.3-", None),
    (
        "V1",
        "1.2.3 - 2024-01-02",
        Some((false, "1.2.3", Some("2024-01-02"), None, None, false)),
    ),
    // Words and prefixes.
    (
        "V1",
        "v1.2.3",
        Some((false, "1.2.3", None, None, None, false)),
    ),
    (
        "V1",
        "V1.2.3 (2024-01-02)",
        Some((false, "1.2.3", Some("2024-01-02"), None, None, false)),
    ),
    (
        "V1",
        "Version 1.80.0 (2024-07-25)",
        Some((false, "1.80.0", Some("2024-07-25"), None, None, false)),
    ),
    (
        "V1",
        "release 2.0.0",
        Some((false, "2.0.0", None, None, None, false)),
    ),
    ("V1", "version1.2.3", None),
    ("V1", "v", None),
    ("V1", "vx1.2", None),
    // Not versions.
    ("C1", "1", None),
    ("C1", "Added", None),
    ("C1", "1.2.3x", None),
    ("C1", "[1.2.3", None),
    ("C1", "1.2.3]", None),
    // PEP 440 spellings.
    (
        "V1",
        "1.2.0rc2",
        Some((false, "1.2.0rc2", None, None, None, false)),
    ),
    (
        "V1",
        "1.2.0b3 (2024-01-02)",
        Some((false, "1.2.0b3", Some("2024-01-02"), None, None, false)),
    ),
    (
        "V1",
        "1.2.0.dev1",
        Some((false, "1.2.0.dev1", None, None, None, false)),
    ),
    (
        "V1",
        "1.2.0.post1",
        Some((false, "1.2.0.post1", None, None, None, false)),
    ),
    ("V1", "1.2.0.b1", None),
    ("V1", "1.2.0rcx", None),
    // Several versions in one heading (rustfmt).
    (
        "C1",
        "[0.8.0,0.8.1, 0.8.2]",
        Some((false, "0.8.0,0.8.1, 0.8.2", None, None, None, true)),
    ),
    ("C1", "[0.8.0,x]", None),
    // Links.
    (
        "C3",
        "[1.2.3](https://example.org/c) - 2024-01-02",
        Some((
            false,
            "1.2.3",
            Some("2024-01-02"),
            None,
            Some("https://example.org/c"),
            true,
        )),
    ),
    (
        "C3",
        "[1.2.3][cmp] - 2024-01-02",
        Some((false, "1.2.3", Some("2024-01-02"), None, None, true)),
    ),
    ("C3", "[1.2.3](https://example.org/c", None),
    // Yanked (R4).
    (
        "R4",
        "[1.2.3] - 2024-01-02 [YANKED]",
        Some((
            false,
            "1.2.3",
            Some("2024-01-02"),
            Some(" [YANKED]"),
            None,
            true,
        )),
    ),
    (
        "R4",
        "1.2.3 (2024-01-02) (yanked)",
        Some((
            false,
            "1.2.3",
            Some("2024-01-02"),
            Some(" (yanked)"),
            None,
            false,
        )),
    ),
    (
        "R4",
        "1.2.3 - YANKED",
        Some((false, "1.2.3", None, Some(" - YANKED"), None, false)),
    ),
    // Only the separator and spaces right before the marker are the marker's, not the date.
    (
        "R4",
        "[1.2.3] - 2024-01-02 - YANKED",
        Some((
            false,
            "1.2.3",
            Some("2024-01-02"),
            Some(" - YANKED"),
            None,
            true,
        )),
    ),
    (
        "R4",
        "1.2.3 yanked",
        Some((false, "1.2.3", None, Some(" yanked"), None, false)),
    ),
    // A note after the marker is not the marker's: only emphasis closed on both sides widens it.
    (
        "R4",
        "[1.2.3] - 2024-01-02 - YANKED - use 1.2.4",
        Some((
            false,
            "1.2.3",
            Some("2024-01-02"),
            Some(" - YANKED"),
            None,
            true,
        )),
    ),
    // Dates in other shapes, and what ends them.
    (
        "C2",
        "1.2.3 (03 Jul 2023)",
        Some((false, "1.2.3", Some("03 Jul 2023"), None, None, false)),
    ),
    (
        "C2",
        "1.2.3 — 2024-01-02",
        Some((false, "1.2.3", Some("2024-01-02"), None, None, false)),
    ),
    (
        "C2",
        "1.2.3 – 2024-01-02",
        Some((false, "1.2.3", Some("2024-01-02"), None, None, false)),
    ),
    (
        "C2",
        "1.2.3 / 2024-01-02",
        Some((false, "1.2.3", Some("2024-01-02"), None, None, false)),
    ),
    (
        "C2",
        "1.2.3 [2024-01-02]",
        Some((false, "1.2.3", Some("2024-01-02"), None, None, false)),
    ),
    (
        "C2",
        "1.2.3 [BREAKING]",
        Some((false, "1.2.3", None, None, None, false)),
    ),
    (
        "C2",
        "1.2.3, 2024-01-02 -",
        Some((false, "1.2.3", Some("2024-01-02"), None, None, false)),
    ),
    (
        "C2",
        "\t 1.2.3 \t- \t2024-01-02",
        Some((false, "1.2.3", Some("2024-01-02"), None, None, false)),
    ),
    // Inline HTML around the title (vite, older conventional-changelog).
    (
        "C1",
        "<small>[8.2.2](https://example.org/c) (2024-01-02)</small>",
        Some((
            false,
            "8.2.2",
            Some("2024-01-02"),
            None,
            Some("https://example.org/c"),
            true,
        )),
    ),
    (
        "C1",
        "<a name=\"1.2.3\"></a>1.2.3 (2024-01-02)",
        Some((false, "1.2.3", Some("2024-01-02"), None, None, false)),
    ),
    ("C1", "<3 1.2.3", None),
    // Emphasis around the marker is the marker's, not part of the date.
    (
        "R4",
        "1.2.3 - 2024-01-02 **YANKED**",
        Some((
            false,
            "1.2.3",
            Some("2024-01-02"),
            Some(" **YANKED**"),
            None,
            false,
        )),
    ),
    (
        "R4",
        "[1.2.3] - 2024-01-02 _yanked_",
        Some((
            false,
            "1.2.3",
            Some("2024-01-02"),
            Some(" _yanked_"),
            None,
            true,
        )),
    ),
    // Only tags at the start are skipped: HTML after the version leaves it the version (a
    // date inside such a tag is not read).
    (
        "C1",
        "Version 1.2.3 <small>(2024-01-02)</small>",
        Some((false, "1.2.3", None, None, None, false)),
    ),
    (
        "C1",
        "Unreleased <!-- release date -->",
        Some((true, "", None, None, None, false)),
    ),
];

#[test]
fn version_heading_titles() {
    for (rule, title, want) in TITLES {
        let got = parse(title).map(|p| {
            let part = |r: &std::ops::Range<usize>| &title[r.clone()];
            (
                p.unreleased,
                part(&p.version),
                p.date.as_ref().map(part),
                p.yanked.as_ref().map(part),
                p.link.as_ref().map(part),
                p.bracketed,
            )
        });
        assert_eq!(got, *want, "{rule}: {title:?}");
    }
}

/// (title's version, date, pending?)
const PENDING: &[(&str, Option<&str>, bool)] = &[
    ("0.18.0-dev", Some("2026-01-01"), true),
    ("2.0.0-SNAPSHOT", None, true),
    ("1.0.0-nightly", None, true),
    ("1.0.0", None, false),
    ("1.0.0", Some("2026-01-01"), false),
    ("1.0.0", Some(""), false),
    ("1.0.0", Some("TBD"), true),
    ("1.0.0", Some("Not yet released"), true),
    ("1.0.0", Some("YYYY-MM-DD"), true),
    ("1.0.0", Some("??"), true),
    ("1.0.0", Some("03 Jul 2023"), false),
    ("1.0.0-rc.1", Some("2026-01-01"), false),
    // PEP 440 development releases, without a dash.
    ("1.2.0.dev1", Some("2026-01-01"), true),
];

#[test]
fn pending_sections_are_not_released_yet() {
    for (version, date, want) in PENDING {
        assert_eq!(pending(version, *date), *want, "C2: {version} {date:?}");
    }
}

/// (date, valid ISO date on the calendar?)
const DATES: &[(&str, bool)] = &[
    ("2024-01-02", true),
    ("2024-02-29", true),
    ("2023-02-29", false),
    ("2024-13-01", false),
    ("2024-00-10", false),
    ("2024-01-32", false),
    ("2024-1-02", false),
    ("24-01-02", false),
    ("2024/01/02", false),
    ("2024-01-02x", false),
    ("", false),
    // The separators are dashes, both of them: a digit in place of either is no ISO date.
    ("2024-01102", false),
    ("2024501-02", false),
    // Every other place is a digit: a sign (which a number parser would take) is not one.
    ("+024-01-02", false),
    ("-024-01-02", false),
    ("2024-+1-02", false),
    ("2024-01-+2", false),
];

#[test]
fn iso_dates() {
    for (date, valid) in DATES {
        assert_eq!(iso_date(date).is_ok(), *valid, "C2: {date:?}");
    }
}
