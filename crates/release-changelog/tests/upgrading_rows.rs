//! The upgrading guide (C5), row by row: which version a heading or table row names, which
//! notes are usable, and which sections a guide holds. Found missing by mutation testing
//! (issue 16).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use release_changelog::upgrading::{
    add, check, find_version, read, version_notes, Topic, UpgradeNotes,
};

/// (text, the first `X.Y.Z[-pre]` in it)
const VERSIONS: &[(&str, Option<&str>)] = &[
    ("1.2.3", Some("1.2.3")),
    ("Upgrading to 2.0.0", Some("2.0.0")),
    ("v2.0.0", Some("2.0.0")),
    ("Upgrading to V2.0.0", Some("2.0.0")),
    ("dev2.0.0", None),
    ("v.2.0.0", None),
    ("2.0.0-rc.1 notes", Some("2.0.0-rc.1")),
    ("2.0.0-rc.1.", Some("2.0.0-rc.1")),
    ("2.0.0-rc-", Some("2.0.0-rc")),
    ("2.0.0- text", Some("2.0.0")),
    ("2.0.0-", Some("2.0.0")),
    ("2.0.0-.rc", Some("2.0.0")),
    ("2.0.x", None),
    ("Upgrading to 2.0.0.", Some("2.0.0")),
    ("10.20.30", Some("10.20.30")),
    ("1.2", None),
    ("1.2.", None),
    ("1..2.3", None),
    ("1.2.3.4", Some("1.2.3")),
    ("x1.2.3", None),
    ("x1.2.3 and 4.5.6", Some("4.5.6")),
    ("a.1.2.3", None),
    ("1.2 then 3.4.5", Some("3.4.5")),
    ("", None),
    ("no version", None),
];

#[test]
fn versions_named_in_guide_text() {
    for (text, want) in VERSIONS {
        assert_eq!(find_version(text), *want, "C5: {text:?}");
    }
}

fn notes(
    breaking: &[(&str, Option<&str>)],
    added: &[&str],
    removed: &[&str],
    renamed: &[(&str, &str)],
    none: bool,
) -> UpgradeNotes {
    UpgradeNotes {
        breaking: breaking
            .iter()
            .map(|(b, m)| (b.to_string(), m.map(str::to_string)))
            .collect(),
        env_added: added
            .iter()
            .map(|n| (n.to_string(), "what it does".to_string()))
            .collect(),
        env_removed: removed.iter().map(|n| n.to_string()).collect(),
        env_renamed: renamed
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
        none,
    }
}

#[test]
fn usable_notes() {
    // (case, notes, Ok or a part of the error)
    let rows: Vec<(&str, UpgradeNotes, Result<(), &str>)> = vec![
        (
            "nothing at all",
            notes(&[], &[], &[], &[], false),
            Err("nothing to record"),
        ),
        ("--none alone", notes(&[], &[], &[], &[], true), Ok(())),
        (
            "one added variable",
            notes(&[], &["APP_PORT"], &[], &[], false),
            Ok(()),
        ),
        (
            "one removed variable",
            notes(&[], &[], &["OLD_VAR"], &[], false),
            Ok(()),
        ),
        (
            "one renamed variable",
            notes(&[], &[], &[], &[("OLD", "NEW")], false),
            Ok(()),
        ),
        (
            "a glob name",
            notes(&[], &["APP_*"], &[], &[], false),
            Ok(()),
        ),
        (
            "an empty name",
            notes(&[], &[""], &[], &[], false),
            Err("not an environment variable name"),
        ),
        (
            "a dash in a name",
            notes(&[], &[], &["APP-PORT"], &[], false),
            Err("\"APP-PORT\" is not"),
        ),
        (
            "a space in a renamed name",
            notes(&[], &[], &[], &[("OLD", "NEW NAME")], false),
            Err("\"NEW NAME\" is not"),
        ),
        (
            "breaking with its migration",
            notes(&[("Dropped X", Some("Use Y"))], &[], &[], &[], false),
            Ok(()),
        ),
        (
            "breaking without migration",
            notes(&[("Dropped X", None)], &[], &[], &[], false),
            Err("has no --migration"),
        ),
        (
            "breaking with a blank migration",
            notes(&[("Dropped X", Some("  "))], &[], &[], &[], false),
            Err("has no --migration"),
        ),
        (
            "a blank breaking text",
            notes(&[(" ", Some("Use Y"))], &[], &[], &[], false),
            Err("--breaking text is empty"),
        ),
    ];
    for (case, n, want) in rows {
        match (n.validate(), want) {
            (Ok(()), Ok(())) => {}
            (Err(e), Err(part)) => {
                assert!(e.to_string().contains(part), "C5: {case}: {e}")
            }
            (got, want) => panic!("C5: {case}: got {got:?}, want {want:?}"),
        }
    }
}

#[test]
fn version_sections_and_tables() {
    // A guide of version-keyed tables: a version has notes when every such table has its row.
    let tables = "# Upgrading\n\n## Upgrading to 2.0.0\n\nSteps.\n\n## Breaking changes\n\n| Version | Change | Migration |\n|---|---|---|\n| 1.5.0 | Dropped X | Use Y |\n| v1.6.0 | None | - |\n\n## Environment variables\n\n| Version | Added | Removed |\n|---|---|---|\n| 1.6.0 | `APP_PORT` | |\n\n## Notes\n\n| A | B |\n|---|---|\n| 1.5.0 | x |\n";
    let g = read(tables);
    // Only tables under a breaking-changes or environment heading are the guide's tables.
    assert_eq!(g.tables.len(), 2);
    assert_eq!(g.tables[0].columns, 3);
    let firsts: Vec<&str> = g.tables[0].rows.iter().map(|r| r.1.as_str()).collect();
    assert_eq!(firsts, ["1.5.0", "v1.6.0"]);
    for (version, has_notes) in [
        ("1.6.0", true),
        ("v1.6.0", true),
        ("1.5.0", false),
        ("2.0.0", false),
    ] {
        let report = check(tables, version);
        assert_eq!(report.shape, "tables");
        assert_eq!(
            report.ok, has_notes,
            "C5: notes for {version}: {:?}",
            report.missing
        );
    }

    // A guide of version sections: any heading level, the version written as a tag or not.
    let sections = "# Upgrading\n\n## Upgrading to v2.0.0\n\nSteps.\n\n### From 1.9.0\n\nMore.\n\n## Version1.8.0\n";
    let g = read(sections);
    let found: Vec<(&str, u8)> = g
        .sections
        .iter()
        .map(|s| (s.version.as_str(), s.level))
        .collect();
    assert_eq!(found, [("2.0.0", 2), ("1.9.0", 3)]);
    for (version, has_notes) in [
        ("2.0.0", true),
        ("1.9.0", true),
        ("1.8.0", false),
        ("3.0.0", false),
    ] {
        let report = check(sections, version);
        assert_eq!(report.shape, "sections");
        assert_eq!(
            report.ok, has_notes,
            "C5: notes for {version}: {:?}",
            report.missing
        );
    }
}

/// A version-keyed table with no rows yet (its header and delimiter only): the first row goes
/// right under the delimiter, whatever follows the table, also in a CRLF file and when the
/// delimiter is the file's last line without a newline (C5).
#[test]
fn the_first_row_of_an_empty_table_goes_under_its_delimiter() {
    let policy = release_core::policy::Policy::default();
    let breaking = notes(&[("Dropped X", Some("Use Y"))], &[], &[], &[], false);
    let head =
        "# Upgrading\n\n## Breaking changes\n\n| Version | Change | Migration |\n|---|---|---|\n";
    let row = "| 2.0.0 | Dropped X. | Use Y. |\n";
    for (case, text, want) in [
        (
            "text after the table",
            format!("{head}\nMore.\n"),
            format!("{head}{row}\nMore.\n"),
        ),
        (
            "the table ends the file",
            head.to_string(),
            format!("{head}{row}"),
        ),
        (
            "no final newline",
            head.trim_end().to_string(),
            format!("{}\n{}", head.trim_end(), row.trim_end()),
        ),
        (
            "CRLF",
            format!("{head}\nMore.\n").replace('\n', "\r\n"),
            format!("{head}{row}\nMore.\n").replace('\n', "\r\n"),
        ),
    ] {
        let edit = release_changelog::upgrading::add(&text, "2.0.0", &breaking, &policy)
            .unwrap_or_else(|e| panic!("C5: {case}: {e}"));
        assert_eq!(edit.text, want, "C5: {case}");
    }
}

/// (the heading above a version-keyed table, the table's topic): a heading naming breaking
/// changes, the environment or variables makes the table below it one of the guide's (C5).
const TABLE_TOPICS: &[(&str, Option<Topic>)] = &[
    ("Breaking Changes", Some(Topic::Breaking)),
    ("Environment Variable Changes", Some(Topic::Environment)),
    ("Environment", Some(Topic::Environment)),
    ("Configuration variables", Some(Topic::Environment)),
    ("Notes", None),
];

#[test]
fn a_table_is_about_what_its_heading_names() {
    for (heading, want) in TABLE_TOPICS {
        let text = format!("# Upgrading\n\n## {heading}\n\n| Version | A | B |\n|---|---|---|\n| 1.0.0 | a | b |\n");
        let topics: Vec<Topic> = read(&text).tables.iter().map(|t| t.topic).collect();
        assert_eq!(
            topics,
            want.iter().copied().collect::<Vec<_>>(),
            "C5: {heading:?}"
        );
    }
}

/// (case, the table's header and delimiter, the notes, the row `add` puts on top): a row has as
/// many cells as the table has columns, the change and its details merged in a two-column
/// table, and the environment cell names every kind of change given (C5).
#[test]
fn a_new_table_row_fills_the_tables_columns() {
    let policy = release_core::policy::Policy::default();
    let breaking = notes(&[("Dropped X", Some("Use Y"))], &[], &[], &[], false);
    let three = "| Version | Change | Migration |\n|---|---|---|";
    let rows: Vec<(&str, &str, &str, UpgradeNotes, &str)> = vec![
        (
            "three columns",
            "Breaking changes",
            three,
            breaking.clone(),
            "| 2.0.0 | Dropped X. | Use Y. |",
        ),
        (
            "two columns",
            "Breaking changes",
            "| Version | Change |\n|---|---|",
            breaking.clone(),
            "| 2.0.0 | Dropped X. Use Y. |",
        ),
        (
            "four columns",
            "Breaking changes",
            "| Version | Change | Migration | Issue |\n|---|---|---|---|",
            breaking,
            "| 2.0.0 | Dropped X. | Use Y. |  |",
        ),
        (
            "one kind of variable change",
            "Environment variables",
            three,
            notes(&[], &["APP_PORT"], &[], &[], false),
            "| 2.0.0 | New environment variables. | New: `APP_PORT` — what it does. |",
        ),
        (
            "two kinds",
            "Environment variables",
            three,
            notes(&[], &[], &["OLD"], &[("A", "B")], false),
            "| 2.0.0 | Removed and renamed environment variables. | Removed: `OLD`. Renamed: `A` → `B`. |",
        ),
        (
            "three kinds",
            "Environment variables",
            three,
            notes(&[], &["APP_PORT"], &["OLD"], &[("A", "B")], false),
            "| 2.0.0 | New, removed and renamed environment variables. | New: `APP_PORT` — what it does. Removed: `OLD`. Renamed: `A` → `B`. |",
        ),
    ];
    for (case, heading, head, n, want) in rows {
        let text = format!("# Upgrading\n\n## {heading}\n\n{head}\n| 1.0.0 | a | b |\n");
        let edit = add(&text, "2.0.0", &n, &policy).unwrap_or_else(|e| panic!("C5: {case}: {e}"));
        let expected = text.replace("| 1.0.0", &format!("{want}\n| 1.0.0"));
        assert_eq!(edit.text, expected, "C5: {case}");
    }
}

/// A guide of version sections: the new section goes on top of the others, or after what the
/// guide holds with one blank line between; a version that already has its section is refused,
/// naming the line (C5).
#[test]
fn a_new_section_goes_on_top_or_after_the_guide() {
    let policy = release_core::policy::Policy::default();
    let n = notes(&[("Dropped X", Some("Use Y"))], &[], &[], &[], false);
    let section = "## Upgrading to 2.0.0\n\n### Breaking changes\n\n- Dropped X.\n  Migration: Use Y.\n\n### Environment variables\n\nNone recorded.\n";
    for (case, text, want) in [
        ("an empty guide", String::new(), section.to_string()),
        (
            "a title and a blank line",
            "# Upgrading\n\n".to_string(),
            format!("# Upgrading\n\n{section}"),
        ),
        (
            "a title",
            "# Upgrading\n".to_string(),
            format!("# Upgrading\n\n{section}"),
        ),
        (
            "a title without a newline",
            "# Upgrading".to_string(),
            format!("# Upgrading\n\n{section}"),
        ),
        (
            "on top of the sections",
            "# Upgrading\n\n## Upgrading to 1.0.0\n\nSteps.\n".to_string(),
            format!("# Upgrading\n\n{section}\n## Upgrading to 1.0.0\n\nSteps.\n"),
        ),
    ] {
        let edit = add(&text, "2.0.0", &n, &policy).unwrap_or_else(|e| panic!("C5: {case}: {e}"));
        assert_eq!(edit.text, want, "C5: {case}");
    }
    let twice = add(
        "# Upgrading\n\nIntro.\n\n## Upgrading to 2.0.0\n\nSteps.\n",
        "2.0.0",
        &n,
        &policy,
    )
    .unwrap_err();
    assert_eq!(
        twice.to_string(),
        "the guide already has a section for 2.0.0 at line 5 (C5)"
    );
}

/// (case, guide, the anchor an announcement links for 2.0.0): the version's section, else the
/// heading of the first table with a row for it, a breaking-changes table before an
/// environment one (C5, N1).
const ANCHORS: &[(&str, &str, Option<&str>)] = &[
    (
        "two breaking tables: the first",
        "## Breaking changes\n\n| Version | Change | Migration |\n|---|---|---|\n| 2.0.0 | A | B |\n\n## Breaking changes in the API\n\n| Version | Change | Migration |\n|---|---|---|\n| 2.0.0 | C | D |\n",
        Some("breaking-changes"),
    ),
    (
        "two environment tables: the first",
        "## Environment\n\n| Version | Change | Details |\n|---|---|---|\n| 2.0.0 | New | `A` |\n\n## Environment variables\n\n| Version | Change | Details |\n|---|---|---|\n| 2.0.0 | New | `B` |\n",
        Some("environment"),
    ),
    (
        "a breaking table below an environment table",
        "## Environment\n\n| Version | Change | Details |\n|---|---|---|\n| 2.0.0 | New | `A` |\n\n## Breaking changes\n\n| Version | Change | Migration |\n|---|---|---|\n| 2.0.0 | A | B |\n",
        Some("breaking-changes"),
    ),
    (
        "an environment table below a breaking table without the row",
        "## Breaking changes\n\n| Version | Change | Migration |\n|---|---|---|\n| 1.0.0 | A | B |\n\n## Environment\n\n| Version | Change | Details |\n|---|---|---|\n| 2.0.0 | New | `A` |\n",
        Some("environment"),
    ),
];

#[test]
fn an_announcement_links_the_first_table_with_the_versions_row() {
    for (case, guide, want) in ANCHORS {
        assert_eq!(
            version_notes(guide, "2.0.0").anchor.as_deref(),
            *want,
            "C5: {case}"
        );
    }
    // Both breaking tables' rows are the version's breaking changes.
    assert_eq!(
        version_notes(ANCHORS[0].1, "2.0.0").breaking,
        [
            ("A".to_string(), "B".to_string()),
            ("C".to_string(), "D".to_string())
        ]
    );
}
