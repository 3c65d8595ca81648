//! The upgrading guide (C5), row by row: which version a heading or table row names, which
//! notes are usable, and which sections a guide holds. Found missing by mutation testing
//! (issue 16).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use release_changelog::upgrading::{check, find_version, read, UpgradeNotes};

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
