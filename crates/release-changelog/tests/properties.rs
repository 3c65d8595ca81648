//! Property tests on generated changelogs: `prepare` loses and reorders no entry, changes no
//! byte outside Unreleased and the link definitions, `notes(prepare(d), V)` is the old
//! Unreleased body; the block scanner agrees with pulldown-cmark on headings; `lint`, `notes`
//! and `prepare` never panic.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use proptest::prelude::*;
mod reference;
use release_changelog::{lint, notes, prepare, Changelog, PrepareOptions, Which};
use release_core::policy::Policy;

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{1,8}".prop_map(|s| s),
        Just("`code`".to_string()),
        Just("[#12]".to_string()),
        Just("**bold**".to_string()),
        Just("## not-a-heading".to_string()),
        Just("<br>".to_string()),
    ]
}

fn sentence() -> impl Strategy<Value = String> {
    prop::collection::vec(word(), 1..6).prop_map(|w| w.join(" "))
}

/// One entry: a list item, maybe with a continuation line, a nested item or a fence inside.
fn entry() -> impl Strategy<Value = String> {
    (sentence(), 0..4u8, sentence()).prop_map(|(s, kind, more)| match kind {
        0 => format!("- {s}\n"),
        1 => format!("- {s}\n  {more}\n"),
        2 => format!("- {s}\n  - {more}\n"),
        _ => format!("- {s}\n\n  ```\n  ## [9.9.9] - 2099-01-01\n  ```\n"),
    })
}

fn category() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            Just("Added"),
            Just("Changed"),
            Just("Fixed"),
            Just("Security"),
            Just("Documentation"),
            Just("Removed")
        ],
        prop::collection::vec(entry(), 1..4),
        any::<bool>(),
    )
        .prop_map(|(name, entries, loose)| {
            let sep = if loose { "\n" } else { "" };
            format!("### {name}\n\n{}\n", entries.join(sep))
        })
}

/// Blocks that must not be mistaken for structure.
fn noise() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("```\n## [8.8.8] - 2088-08-08\n# code\n```\n\n".to_string()),
        Just("<!--\n## [Unreleased]\n-->\n\n".to_string()),
        Just("    ## [7.7.7] - indented code\n\n".to_string()),
        Just("<!-- next-header -->\n".to_string()),
        Just("~~~\n## [6.6.6]\n~~~\n\n".to_string()),
        Just("> ## [5.5.5] - quoted\n\n".to_string()),
        Just("<div>\n## [4.4.4] inside an HTML block\n</div>\n\n".to_string()),
        Just(
            "<details>\n\n## [3.3.3] after a blank line: a heading again\n\n</details>\n\n"
                .to_string()
        ),
        Just("Setext title\n============\n\n".to_string()),
        Just("- an item\n---\n\n".to_string()),
        Just("- an item\n## [2.2.2] interrupts the list\n\n".to_string()),
        Just("a paragraph\n    ## lazy, not a heading\n\n".to_string()),
        Just("1. ordered\n   ```\n   ## [1.1.1] in a fence in an item\n   ```\n\n".to_string()),
        Just("- item\n  ```\n## [0.0.1] ends the item and the fence\n\n".to_string()),
        Just("<!-- one line comment -->\n## [0.0.2] right after\n\n".to_string()),
        Just("| a | b |\n|---|---|\n| 1 | 2 |\n\n".to_string()),
        Just("* * *\n\n".to_string()),
    ]
}

#[derive(Debug, Clone)]
struct Doc {
    text: String,
    versions: Vec<String>,
}

fn document() -> impl Strategy<Value = Doc> {
    (
        any::<bool>(), // BOM
        any::<bool>(), // front matter
        any::<bool>(), // CRLF
        any::<bool>(), // final newline
        0..3usize,     // unreleased heading style
        noise(),
        prop::collection::vec(category(), 1..4), // unreleased
        prop::collection::vec((prop::collection::vec(category(), 0..3), noise()), 0..4),
        0..3usize, // link style: none, footer, scattered
    )
        .prop_map(
            |(bom, fm, crlf, final_nl, ustyle, pre, unreleased, versions, links)| {
                let mut t = String::new();
                if fm {
                    t.push_str("---\ntitle: x\n# not a heading\n---\n\n");
                }
                t.push_str("# Changelog\n\nAll notable changes.\n\n");
                t.push_str(&pre);
                t.push_str(match ustyle {
                    0 => "## [Unreleased]\n\n",
                    1 => "## [Unreleased] - ReleaseDate\n\n",
                    _ => "Unreleased\n----------\n\n",
                });
                t.push_str(&unreleased.concat());
                let n = versions.len();
                let mut names = Vec::new();
                for (i, (cats, noise)) in versions.iter().enumerate() {
                    let v = format!("1.{}.0", n - i);
                    t.push_str(&format!("## [{v}] - 2024-0{}-01\n\n", 9 - i));
                    t.push_str(&cats.concat());
                    t.push_str(noise);
                    if links == 2 && i == 0 {
                        t.push_str("[#12]: https://github.com/o/r/issues/12\n\n");
                    }
                    names.push(v);
                }
                if links >= 1 && ustyle < 2 {
                    t.push_str(&format!(
                        "[Unreleased]: https://github.com/o/r/compare/v{}...HEAD\n",
                        names.first().map_or("0.0.0", String::as_str)
                    ));
                    for (i, v) in names.iter().enumerate() {
                        match names.get(i + 1) {
                            Some(b) => t.push_str(&format!(
                                "[{v}]: https://github.com/o/r/compare/v{b}...v{v}\n"
                            )),
                            None => t.push_str(&format!(
                                "[{v}]: https://github.com/o/r/releases/tag/v{v}\n"
                            )),
                        }
                    }
                }
                if !final_nl {
                    while t.ends_with('\n') {
                        t.pop();
                    }
                }
                if crlf {
                    t = t.replace('\n', "\r\n");
                }
                if bom {
                    t.insert(0, '\u{feff}');
                }
                Doc {
                    text: t,
                    versions: names,
                }
            },
        )
}

/// Lines of `doc` that are not link definitions, with the offset each ends at.
fn non_def_lines(doc: &Changelog) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut pos = 0;
    for line in doc.text.split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        if doc.blocks.links.iter().any(|d| d.span.start == start) {
            continue;
        }
        // Compare lines without their ending: the last line may gain one.
        out.push((pos, line.trim_end_matches(['\r', '\n'])));
    }
    out
}

fn entries(doc: &Changelog, section: &release_changelog::Section) -> Vec<String> {
    section
        .entries()
        .map(|r| doc.text[r.clone()].trim_end().to_string())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn prepare_keeps_every_entry_and_every_other_byte(d in document()) {
        let policy = Policy::default();
        let doc = Changelog::parse(d.text.clone());
        let old_unreleased = doc.unreleased()[0].clone();
        let old_notes = notes(&doc, &Which::Unreleased).unwrap();
        let mut opts = PrepareOptions::new("2.0.0", "2025-01-01", &policy);
        opts.repo_url = Some("https://github.com/o/r");
        let edit = prepare(&doc, &opts).unwrap();
        let new = Changelog::parse(edit.text.clone());
        // The light parse the CLI uses for notes and prepare gives the same answers.
        let light = Changelog::parse_sections(d.text.clone());
        prop_assert_eq!(&prepare(&light, &opts).unwrap().text, &edit.text);
        for v in &d.versions {
            prop_assert_eq!(notes(&light, &Which::Version(v.clone())).unwrap(), notes(&doc, &Which::Version(v.clone())).unwrap());
        }
        // parse_latest stops after the newest section: same notes, no later definitions.
        let latest_fast = notes(&Changelog::parse_latest(d.text.clone()), &Which::Latest).ok().map(|n| (n.heading, n.body));
        prop_assert_eq!(latest_fast, notes(&doc, &Which::Latest).ok().map(|n| (n.heading, n.body)));

        // notes(prepare(d), V) == old Unreleased body.
        let after = notes(&new, &Which::Version("2.0.0".into())).unwrap();
        prop_assert_eq!(&after.body, &old_notes.body);
        // No entry lost or reordered.
        let section = new.find("2.0.0")[0];
        prop_assert_eq!(entries(&new, section), entries(&doc, &old_unreleased));
        // Unreleased is there once and empty; every old version is still there.
        prop_assert_eq!(new.unreleased().len(), 1);
        prop_assert!(new.unreleased()[0].is_empty(&new.blocks));
        for v in &d.versions {
            prop_assert_eq!(new.find(v).len(), 1);
        }
        // Outside the inserted heading and the link definitions, the lines are the same.
        let old_lines = non_def_lines(&doc);
        let new_lines = non_def_lines(&new);
        let cut = old_unreleased.heading.span.end;
        let k = old_lines.iter().take_while(|(end, _)| *end <= cut).count();
        // (A blank line that separates new footer definitions from the text is part of them.)
        let trim = |lines: &[(usize, &str)]| {
            let mut v: Vec<String> = lines.iter().map(|l| l.1.to_string()).collect();
            while v.last().is_some_and(|l| l.is_empty()) {
                v.pop();
            }
            v
        };
        let old_text = trim(&old_lines);
        let new_text = trim(&new_lines);
        prop_assert_eq!(new_text.len(), old_text.len() + 2);
        prop_assert_eq!(&new_text[..k], &old_text[..k]);
        prop_assert_eq!(new_text[k].as_str(), "");
        prop_assert!(new_text[k + 1].contains("2.0.0") && new_text[k + 1].contains("2025-01-01"));
        prop_assert_eq!(&new_text[k + 2..], &old_text[k..]);
        // Line endings and BOM are kept.
        prop_assert_eq!(edit.text.starts_with('\u{feff}'), d.text.starts_with('\u{feff}'));
        prop_assert_eq!(edit.text.contains("\r\n"), d.text.contains("\r\n"));
        if d.text.contains("\r\n") {
            prop_assert!(!edit.text.replace("\r\n", "").contains('\n'));
        }
        prop_assert_eq!(edit.text.ends_with('\n'), d.text.ends_with('\n'));
    }

    #[test]
    fn scanner_headings_match_pulldown_cmark(d in document()) {
        let doc = Changelog::parse(d.text.clone());
        let ours: Vec<usize> = doc.blocks.headings.iter().map(|h| doc.line_of(h.span.start)).collect();
        prop_assert_eq!(ours, reference::headings(&d.text).into_iter().map(|(line, _)| line).collect::<Vec<_>>());
    }

    #[test]
    fn nothing_panics_on_markdown_soup(parts in prop::collection::vec(prop_oneof![
        Just("## "), Just("# "), Just("### "), Just("[Unreleased]"), Just("[1.2.3]"), Just(" - 2024-01-01"),
        Just("\n"), Just("\r\n"), Just("```"), Just("~~~"), Just("<!--"), Just("-->"), Just("- "), Just("    "),
        Just("[x]: https://a/compare/v1...v2"), Just("---"), Just("==="), Just("<div>"), Just("1.0.0"), Just("]("),
        Just("[YANKED]"), Just("\u{feff}"), Just("é"), Just("<<<<<<< "), Just("> "), Just("\t"),
    ], 0..80)) {
        let text = parts.concat();
        let policy = Policy::default();
        let doc = Changelog::parse(text.clone());
        let _ = lint(&doc, &policy);
        let _ = notes(&doc, &Which::Latest);
        let _ = notes(&doc, &Which::Unreleased);
        for s in &doc.sections {
            let _ = notes(&doc, &Which::Version(s.version(&doc.text).to_string()));
        }
        let _ = Changelog::parse_latest(text);
        let _ = prepare(&doc, &PrepareOptions::new("3.0.0", "2025-01-01", &policy));
    }

    #[test]
    fn nothing_panics_on_any_text(text in "\\PC{0,300}") {
        let policy = Policy::default();
        let doc = Changelog::parse(text);
        let _ = lint(&doc, &policy);
        let _ = notes(&doc, &Which::Latest);
        let _ = prepare(&doc, &PrepareOptions::new("3.0.0", "2025-01-01", &policy));
    }
}
