//! Changelog dialects found in real projects, each on a fixture written for this project
//! (`tests/fixtures/`): date spellings, undated conventions, PEP 440 pre-releases, footer
//! headings, pending sections, alternative category sets, hotfixes merged back, files without
//! an Unreleased section.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use release_changelog::{
    add, add_with, lint, notes, prepare, ready, Changelog, Diagnostic, PrepareOptions, Severity,
    Which,
};
use release_core::policy::{DateMissing, Policy};

fn fixture(name: &str) -> Changelog {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    Changelog::parse(std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")))
}

fn versions(doc: &Changelog) -> Vec<(String, Option<String>)> {
    doc.sections
        .iter()
        .map(|s| {
            let v = if s.is_unreleased() {
                "Unreleased".to_string()
            } else {
                s.version(&doc.text).to_string()
            };
            (v, s.date(&doc.text).map(str::to_string))
        })
        .collect()
}

fn rules<'a>(diags: &'a [Diagnostic], rule: &str) -> Vec<&'a Diagnostic> {
    diags.iter().filter(|d| d.rule == rule).collect()
}

fn errors(diags: &[Diagnostic]) -> Vec<&Diagnostic> {
    diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

fn body(doc: &Changelog, which: Which) -> String {
    notes(doc, &which).unwrap().body
}

/// Every line of `before` is in `after` at least as often (lines may move, none is lost).
fn no_line_lost(before: &str, after: &str, except: impl Fn(&str) -> bool) {
    let mut counts = std::collections::HashMap::<&str, i64>::new();
    for l in after.lines() {
        *counts.entry(l).or_default() += 1;
    }
    for l in before.lines() {
        if except(l) {
            continue;
        }
        let c = counts.entry(l).or_default();
        *c -= 1;
        assert!(*c >= 0, "line lost: {l:?}");
    }
}

#[test]
fn dates_in_brackets_are_read() {
    let doc = fixture("dates-brackets.md");
    assert_eq!(
        versions(&doc),
        vec![
            ("0.4.2".into(), Some("2026-08-01".into())),
            ("0.4.1".into(), Some("2026-07-12".into())),
            ("0.4.0".into(), Some("2026-06-30".into())),
        ]
    );
    let diags = lint(&doc, &Policy::default());
    assert!(rules(&diags, "date-missing").is_empty(), "{diags:#?}");
    assert!(errors(&diags).is_empty(), "{diags:#?}");
    assert_eq!(
        notes(&doc, &Which::Latest).unwrap().date.as_deref(),
        Some("2026-08-01")
    );
}

#[test]
fn dates_after_dashes_and_in_parentheses_with_v_prefixes() {
    let doc = fixture("dates-dash.md");
    assert_eq!(
        versions(&doc),
        vec![
            ("Unreleased".into(), None),
            ("2.3.0".into(), Some("2025-11-02".into())),
            ("2.2.1".into(), Some("2025-10-20".into())),
            ("2.2.0".into(), Some("2025-09-14".into())),
        ]
    );
    assert!(errors(&lint(&doc, &Policy::default())).is_empty());
    assert_eq!(
        body(&doc, Which::Version("v2.3.0".into())),
        "### Added\n\n- A `--quiet` flag.\n"
    );
}

#[test]
fn undated_history_is_not_an_error_by_default() {
    let doc = fixture("undated.md");
    let diags = lint(&doc, &Policy::default());
    assert!(errors(&diags).is_empty(), "{diags:#?}");
    // A file that dates no release follows its own convention: no finding at all.
    assert!(rules(&diags, "date-missing").is_empty(), "{diags:#?}");
    // The strict setting makes every undated release an error, but not the development one.
    let mut strict = Policy::default();
    strict.changelog.date_missing = DateMissing::Error;
    let diags = lint(&doc, &strict);
    let missing: Vec<usize> = rules(&diags, "date-missing")
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.line)
        .collect();
    assert_eq!(missing, vec![11, 17, 27]);
    // An undated section in a dated file is a warning (old history), never an error.
    let mixed = Changelog::parse(
        "# Changelog\n\n## [1.1.0] - 2025-01-01\n\n- New.\n\n## [1.0.0]\n\n- Old.\n",
    );
    let diags = lint(&mixed, &Policy::default());
    assert_eq!(rules(&diags, "date-missing").len(), 1);
    assert!(errors(&diags).is_empty(), "{diags:#?}");
    // The section being released must be dated: the release checks refuse it.
    assert!(ready::prepared(&doc, "0.8.1")
        .unwrap_err()
        .contains("no date"));
}

#[test]
fn undated_file_takes_add_and_prepare() {
    let doc = fixture("undated.md");
    let added = add(&doc, "Fixed", "A bug.").unwrap();
    assert!(
        added.changes[0].contains("created `## Unreleased`"),
        "{:?}",
        added.changes
    );
    // Above the newest release, below the development section.
    assert!(added.text.contains(
        "## 0.9.0-dev\n\n### Added\n\n- Ligature support behind a flag.\n\n## Unreleased\n\n### Fixed\n\n- A bug.\n\n## 0.8.1\n"
    ));
    let with = Changelog::parse(added.text.clone());
    let policy = Policy::default();
    let edit = prepare(&with, &PrepareOptions::new("0.8.2", "2026-03-01", &policy)).unwrap();
    assert!(edit
        .text
        .contains("## Unreleased\n\n## 0.8.2 - 2026-03-01\n\n### Fixed\n\n- A bug.\n\n## 0.8.1\n"));
    no_line_lost(&doc.text, &edit.text, |_| false);
    assert!(errors(&lint(&Changelog::parse(edit.text), &policy)).is_empty());
}

#[test]
fn pep440_prereleases_are_sections_of_their_own() {
    let doc = fixture("pep440.md");
    let v: Vec<String> = versions(&doc).into_iter().map(|(v, _)| v).collect();
    assert_eq!(
        v,
        [
            "Unreleased",
            "2.1.0",
            "2.1.0rc2",
            "2.1.0rc1",
            "2.1.0b3",
            "2.1.0a1",
            "2.1.0.dev1",
            "2.0.1"
        ]
    );
    // The stable notes hold the stable section only.
    assert_eq!(
        body(&doc, Which::Version("2.1.0".into())),
        "### Added\n\n- Lock files record hashes.\n\n### Fixed\n\n- Resolution of extras.\n"
    );
    assert_eq!(
        body(&doc, Which::Version("2.1.0b3".into())),
        "### Changed\n\n- The installer runs in parallel.\n"
    );
    let diags = lint(&doc, &Policy::default());
    assert!(rules(&diags, "category-duplicate").is_empty(), "{diags:#?}");
    assert!(errors(&diags).is_empty(), "{diags:#?}");
    // Not SemVer: said once per version, as a warning.
    assert_eq!(rules(&diags, "version-policy").len(), 4, "{diags:#?}");
    assert_eq!(notes(&doc, &Which::Latest).unwrap().version, "2.1.0");
}

#[test]
fn footer_headings_end_the_last_section() {
    let doc = fixture("footer.md");
    assert_eq!(
        body(&doc, Which::Version("0.3.0".into())),
        "### Added\n\n- A pager.\n"
    );
    // The notes of the section above are unchanged, and the footer stays in the file.
    assert_eq!(
        body(&doc, Which::Version("0.3.1".into())),
        "### Fixed\n\n- Off-by-one in the pager.\n"
    );
    let fast = Changelog::parse_sections(doc.text.clone());
    assert_eq!(
        body(&fast, Which::Version("0.3.0".into())),
        "### Added\n\n- A pager.\n"
    );
    // A heading that every release repeats (`## New Contributors`) is part of the release.
    let repeated = Changelog::parse(
        "# Changelog\n\n## 1.1.0 - 2025-01-02\n\n- B.\n\n## New Contributors\n\n- @a\n\n## 1.0.0 - 2025-01-01\n\n- A.\n\n## New Contributors\n\n- @b\n",
    );
    assert_eq!(
        body(&repeated, Which::Version("1.0.0".into())),
        "- A.\n\n## New Contributors\n\n- @b\n"
    );
}

#[test]
fn latest_is_never_pending() {
    let doc = fixture("pending.md");
    assert_eq!(notes(&doc, &Which::Latest).unwrap().version, "1.4.0");
    let fast = Changelog::parse_latest(doc.text.clone());
    assert_eq!(notes(&fast, &Which::Latest).unwrap().version, "1.4.0");
    let undated = fixture("undated.md");
    assert_eq!(notes(&undated, &Which::Latest).unwrap().version, "0.8.1");
    let fast = Changelog::parse_latest(undated.text.clone());
    assert_eq!(notes(&fast, &Which::Latest).unwrap().version, "0.8.1");
    // `TBD` is a placeholder, not an invalid date.
    let diags = lint(&doc, &Policy::default());
    assert!(errors(&diags).is_empty(), "{diags:#?}");
}

#[test]
fn text_outside_category_only_where_categories_are_used() {
    let doc = fixture("alt-categories.md");
    let diags = lint(&doc, &Policy::default());
    let outside: Vec<usize> = rules(&diags, "text-outside-category")
        .iter()
        .map(|d| d.line)
        .collect();
    // 1.2.0's yank note is not flagged; 1.1.0's prose and 1.0.0's loose text and entries are.
    assert_eq!(outside, vec![19, 35, 37], "{diags:#?}");
    // A section without categories may hold anything.
    let plain =
        Changelog::parse("# Changelog\n\n## [1.0.0] - 2025-01-01\n\nA summary.\n\n- An entry.\n");
    assert!(rules(&lint(&plain, &Policy::default()), "text-outside-category").is_empty());
}

#[test]
fn yank_note_is_not_text_outside_category() {
    let doc = fixture("basic.md");
    let v = doc
        .versions()
        .next()
        .unwrap()
        .version(&doc.text)
        .to_string();
    let policy = Policy::default();
    let before = rules(&lint(&doc, &policy), "text-outside-category").len();
    let yanked = release_changelog::yank(&doc, &v, "It broke things", Some("9.9.9"), &policy)
        .unwrap()
        .text;
    assert!(yanked.contains("> **Yanked:**"));
    let after = rules(
        &lint(&Changelog::parse(yanked), &policy),
        "text-outside-category",
    )
    .len();
    assert_eq!(before, after);
}

#[test]
fn a_consistent_alternative_category_set_is_not_unknown() {
    let doc = fixture("alt-categories.md");
    let diags = lint(&doc, &Policy::default());
    let unknown: Vec<usize> = rules(&diags, "category-unknown")
        .iter()
        .map(|d| d.line)
        .collect();
    // `Features` and `Bug Fixes` are the file's vocabulary; `Performance` and the typo
    // `Bug Fixs` appear once.
    assert_eq!(unknown, vec![25, 44], "{diags:#?}");
    // A configured list is strict.
    let mut policy = Policy::default();
    policy.changelog.categories = vec!["Features".into(), "Bug Fixes".into(), "Performance".into()];
    let unknown: Vec<usize> = rules(&lint(&doc, &policy), "category-unknown")
        .iter()
        .map(|d| d.line)
        .collect();
    assert_eq!(unknown, vec![44]);
    // `add` creates a missing category in the policy's order.
    let edit = add_with(&doc, "Performance", "Faster.", &policy).unwrap();
    assert!(edit
        .text
        .contains("## [Unreleased]\n\n### Performance\n\n- Faster.\n"));
}

#[test]
fn compare_links_after_a_hotfix_is_merged_back() {
    let doc = fixture("hotfix-merged.md");
    let policy = Policy::default();
    let diags = lint(&doc, &policy);
    assert!(rules(&diags, "link-stale").is_empty(), "{diags:#?}");
    // 0.1.1 is dated after 0.2.0 above it: a hotfix of an older line, not a misordering.
    assert!(rules(&diags, "date-order").is_empty(), "{diags:#?}");
    // 0.2.0 starting at the hotfix released later is the wrong diff; the advice is 0.1.0.
    let wrong = Changelog::parse(doc.text.replace(
        "[0.2.0]: https://github.com/acme/app/compare/v0.1.0...v0.2.0",
        "[0.2.0]: https://github.com/acme/app/compare/v0.1.1...v0.2.0",
    ));
    let diags = lint(&wrong, &policy);
    let stale = rules(&diags, "link-stale");
    assert_eq!(stale.len(), 1, "{diags:#?}");
    assert!(
        stale[0].message.contains("says 0.1.0...0.2.0"),
        "{}",
        stale[0].message
    );
    // The next release compares from the newest release of its line.
    let edit = prepare(&doc, &PrepareOptions::new("0.3.0", "2026-03-01", &policy)).unwrap();
    assert!(edit
        .text
        .contains("[0.3.0]: https://github.com/acme/app/compare/v0.2.0...v0.3.0\n"));
    assert!(edit
        .text
        .contains("[Unreleased]: https://github.com/acme/app/compare/v0.3.0...HEAD\n"));
}

#[test]
fn compare_links_with_the_hotfix_right_below_unreleased() {
    // What `prepare` of a hotfix writes on the main branch's file: the hotfix goes right below
    // Unreleased, above the newer line.
    let text = "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- Webhooks.\n\n## [0.1.1] - 2026-02-10\n\n### Fixed\n\n- A crash.\n\n## [0.2.0] - 2026-02-01\n\n### Added\n\n- Search.\n\n## [0.1.0] - 2026-01-05\n\n### Added\n\n- First release.\n\n[Unreleased]: https://github.com/acme/app/compare/v0.2.0...HEAD\n[0.1.1]: https://github.com/acme/app/compare/v0.1.0...v0.1.1\n[0.2.0]: https://github.com/acme/app/compare/v0.1.0...v0.2.0\n[0.1.0]: https://github.com/acme/app/releases/tag/v0.1.0\n";
    let doc = Changelog::parse(text);
    let policy = Policy::default();
    let diags = lint(&doc, &policy);
    assert!(rules(&diags, "link-stale").is_empty(), "{diags:#?}");
    let edit = prepare(&doc, &PrepareOptions::new("0.3.0", "2026-03-01", &policy)).unwrap();
    assert!(
        edit.text
            .contains("[0.3.0]: https://github.com/acme/app/compare/v0.2.0...v0.3.0\n"),
        "{}",
        edit.text
    );
}

#[test]
fn add_creates_unreleased_with_its_link() {
    let doc = fixture("no-unreleased.md");
    assert!(!doc.has_unreleased());
    let edit = add(&doc, "Fixed", "A crash.").unwrap();
    assert!(edit.changes[0].contains("created `## [Unreleased]` above the newest release"));
    assert!(edit
        .changes
        .iter()
        .any(|c| c.contains("[Unreleased]: https://gitlab.com/acme/tool/-/compare/v1.1.0...HEAD")));
    assert!(edit.text.contains(
        "documented in this file.\n\n## [Unreleased]\n\n### Fixed\n\n- A crash.\n\n## [1.1.0] - 2025-06-01\n"
    ));
    assert!(edit.text.contains(
        "\n[Unreleased]: https://gitlab.com/acme/tool/-/compare/v1.1.0...HEAD\n[1.1.0]: https://gitlab.com/acme/tool/-/compare/v1.0.0...v1.1.0\n"
    ));
    let with = Changelog::parse(edit.text.clone());
    assert!(with.has_unreleased());
    let policy = Policy::default();
    let diags = lint(&with, &policy);
    assert!(
        rules(&diags, "link-stale").is_empty() && errors(&diags).is_empty(),
        "{diags:#?}"
    );
    let prepared = prepare(&with, &PrepareOptions::new("1.2.0", "2025-07-01", &policy)).unwrap();
    assert!(prepared.text.contains(
        "[Unreleased]: https://gitlab.com/acme/tool/-/compare/v1.2.0...HEAD\n[1.2.0]: https://gitlab.com/acme/tool/-/compare/v1.1.0...v1.2.0\n"
    ));
    no_line_lost(&doc.text, &prepared.text, |_| false);
}

#[test]
fn add_creates_unreleased_in_setext_files_and_empty_ones() {
    let doc = fixture("no-unreleased-setext.md");
    let edit = add(&doc, "Fixed", "A crash.").unwrap();
    assert!(
        edit.text.contains(
            "\n\nUnreleased\n==========\n\n## Fixed\n\n* A crash.\n\n2.1.0 (2025-07-15)\n"
        ),
        "{}",
        edit.text
    );
    let policy = Policy::default();
    let prepared = prepare(
        &Changelog::parse(edit.text),
        &PrepareOptions::new("2.2.0", "2025-08-01", &policy),
    )
    .unwrap();
    assert!(prepared.text.contains(
        "Unreleased\n==========\n\n2.2.0 (2025-08-01)\n==================\n\n## Fixed\n"
    ));
    no_line_lost(&doc.text, &prepared.text, |_| false);

    let empty = Changelog::parse("# Changelog\n");
    let edit = add(&empty, "Added", "Everything.").unwrap();
    assert_eq!(
        edit.text,
        "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- Everything.\n"
    );
    // Inline-linked headings get no footer definition.
    let inline = Changelog::parse(
        "# Changelog\n\n## [1.0.0](https://github.com/o/r/releases/tag/v1.0.0) - 2025-01-01\n\n- A.\n",
    );
    let edit = add(&inline, "Added", "B.").unwrap();
    assert!(edit
        .text
        .contains("## [Unreleased]\n\n### Added\n\n- B.\n\n## [1.0.0]("));
    assert!(!edit.text.contains("[Unreleased]:"));
}

#[test]
fn old_history_keeps_the_names_it_was_released_under() {
    // rust's RELEASES.md: `Version 0.10 (2014-04-03)`; rustfmt: `## [0.8.0,0.8.1,0.8.2]`.
    let doc = Changelog::parse(
        "Version 1.1.0 (2015-06-25)\n==========================\n\n- New.\n\n# [0.8.0,0.8.1,0.8.2] 2014-06-01\n\n- Three at once.\n\nVersion 0.10 (2014-04-03)\n=========================\n\n- Old.\n",
    );
    let diags = lint(&doc, &Policy::default());
    assert!(errors(&diags).is_empty(), "{diags:#?}");
    let invalid = rules(&diags, "version-invalid");
    assert_eq!(invalid.len(), 1, "{diags:#?}");
    assert_eq!(invalid[0].line, 10);
    // The heading of several versions is found by each of them, and by no other.
    for v in ["0.8.0", "0.8.1", "0.8.2"] {
        assert_eq!(
            body(&doc, Which::Version(v.into())),
            "- Three at once.\n",
            "{v}"
        );
    }
    for v in ["0.8.3", "0.8", "0.9.0"] {
        let got = notes(&doc, &Which::Version(v.into()));
        assert!(
            matches!(got, Err(release_changelog::Error::NoSuchVersion { .. })),
            "{v}: {got:?}"
        );
    }
    // The newest release is what gets tagged next: there it is an error.
    let newest = Changelog::parse("# Changelog\n\n## [1.2] - 2024-01-01\n\n- A.\n");
    assert_eq!(errors(&lint(&newest, &Policy::default())).len(), 1);
}

#[test]
fn a_label_defined_again_with_the_same_url_is_no_duplicate() {
    let doc = Changelog::parse(
        "# Changelog\n\n## [1.1.0] - 2025-01-02\n\n- Fixed [#1].\n\n[#1]: https://x/1\n\n## [1.0.0] - 2025-01-01\n\n- Fixed [#1] and [#2].\n\n[#1]: https://x/1\n[#2]: https://x/2\n[#2]: https://x/3\n",
    );
    let diags = lint(&doc, &Policy::default());
    let dup: Vec<usize> = rules(&diags, "link-duplicate")
        .iter()
        .map(|d| d.line)
        .collect();
    assert_eq!(dup, vec![15], "{diags:#?}");
}

#[test]
fn a_compare_link_from_a_release_the_file_leaves_out_is_not_stale() {
    // The betas have no sections; 8.0.0 compares from the last one.
    let doc = Changelog::parse(
        "# Changelog\n\n## [8.0.0](https://github.com/o/r/compare/v8.0.0-beta.3...v8.0.0) (2026-03-12)\n\n- Major.\n\n## [7.3.1](https://github.com/o/r/compare/v7.3.0...v7.3.1) (2026-03-01)\n\n- Fix.\n\n## [7.3.0](https://github.com/o/r/compare/v6.0.0...v7.3.0) (2026-02-01)\n\n- Feature.\n\n## [7.2.0](https://github.com/o/r/compare/v7.1.0...v7.2.0) (2026-01-01)\n\n- Older.\n",
    );
    let diags = lint(&doc, &Policy::default());
    let stale: Vec<usize> = rules(&diags, "link-stale").iter().map(|d| d.line).collect();
    // 7.3.0 starting at 6.0.0, before the 7.2.0 it follows, is stale.
    assert_eq!(stale, vec![11], "{diags:#?}");
}
