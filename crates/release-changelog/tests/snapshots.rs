//! Snapshots of every operation on the fixtures in `tests/fixtures/` (all written for this
//! project), and exact checks of line endings, byte order marks and final newlines.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use release_changelog::save::unified_diff;
use release_changelog::upgrading::{self, UpgradeNotes};
use release_changelog::{add, lint, next, notes, prepare, yank, Changelog, PrepareOptions, Which};
use release_core::policy::Policy;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn lint_report(doc: &Changelog) -> String {
    lint(doc, &Policy::default())
        .iter()
        .map(|d| {
            format!(
                "{}:{} {:?}[{}] {} | {}",
                d.line, d.column, d.severity, d.rule, d.message, d.hint
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn structure(doc: &Changelog) -> String {
    let t = &doc.text;
    let mut out = format!("level {}\n", doc.level);
    for s in &doc.sections {
        out.push_str(&format!(
            "line {}: {} date={:?} yanked={} link={:?} loose_entries={} loose_text={}\n",
            doc.line_of(s.heading.span.start),
            if s.is_unreleased() {
                "Unreleased"
            } else {
                s.version(t)
            },
            s.date(t),
            s.parts.yanked.is_some(),
            s.parts.link.clone().map(|l| &t[l]),
            s.loose_entries.len(),
            s.loose_text.len(),
        ));
        for c in &s.categories {
            out.push_str(&format!(
                "  {} ({} entries)\n",
                &t[c.heading.title.clone()],
                c.entries.len()
            ));
        }
    }
    for d in &doc.blocks.links {
        out.push_str(&format!(
            "def [{}] -> {}\n",
            &t[d.label.clone()],
            &t[d.url.clone()]
        ));
    }
    out
}

fn prepare_diff(doc: &Changelog, version: &str, repo: Option<&str>) -> String {
    let policy = Policy::default();
    let mut opts = PrepareOptions::new(version, "2024-09-01", &policy);
    opts.repo_url = repo;
    match prepare(doc, &opts) {
        Ok(edit) => format!(
            "{}\nchanges: {:#?}\nwarnings: {:#?}",
            unified_diff("CHANGELOG.md", &doc.text, &edit.text),
            edit.changes,
            edit.warnings
        ),
        Err(e) => format!("error: {e}"),
    }
}

fn notes_of(doc: &Changelog, which: Which) -> String {
    match notes(doc, &which) {
        Ok(n) => format!("{}\n---\n{}---\nlinks: {:?}", n.heading, n.body, n.links),
        Err(e) => format!("error: {e}"),
    }
}

fn run_all(name: &str, version: &str, repo: Option<&str>) {
    let doc = Changelog::parse(fixture(&format!("{name}.md")));
    let policy = Policy::default();
    insta::assert_snapshot!(format!("{name}__structure"), structure(&doc));
    insta::assert_snapshot!(format!("{name}__lint"), lint_report(&doc));
    insta::assert_snapshot!(
        format!("{name}__prepare"),
        prepare_diff(&doc, version, repo)
    );
    insta::assert_snapshot!(
        format!("{name}__notes_latest"),
        notes_of(&doc, Which::Latest)
    );
    insta::assert_snapshot!(
        format!("{name}__notes_unreleased"),
        notes_of(&doc, Which::Unreleased)
    );
    let added = match add(&doc, "Security", "Hardened the widget.") {
        Ok(e) => unified_diff("CHANGELOG.md", &doc.text, &e.text),
        Err(e) => format!("error: {e}"),
    };
    insta::assert_snapshot!(format!("{name}__add_security"), added);
    let yanked = match doc
        .versions()
        .next()
        .map(|s| s.version(&doc.text).to_string())
    {
        Some(v) => match yank(&doc, &v, "It deleted user data", Some("9.9.9"), &policy) {
            Ok(e) => unified_diff("CHANGELOG.md", &doc.text, &e.text),
            Err(e) => format!("error: {e}"),
        },
        None => "no version".into(),
    };
    insta::assert_snapshot!(format!("{name}__yank_latest"), yanked);
    let nx = match next(&doc, None, &policy) {
        Ok(n) => format!("{n:#?}"),
        Err(e) => format!("error: {e}"),
    };
    insta::assert_snapshot!(format!("{name}__next"), nx);
}

#[test]
fn basic() {
    run_all("basic", "1.2.0", None);
}

#[test]
fn front_matter() {
    run_all("front-matter", "0.3.0", None);
}

#[test]
fn setext() {
    run_all("setext", "1.3.0", Some("https://github.com/acme/lang"));
}

#[test]
fn fences() {
    run_all("fences", "3.0.0", None);
}

#[test]
fn markers() {
    run_all("markers", "0.3.2", None);
}

#[test]
fn inline_links() {
    run_all("inline-links", "0.5.3", None);
}

#[test]
fn categories() {
    run_all("categories", "0.5.0", None);
}

#[test]
fn scattered_links() {
    run_all("scattered-links", "2.2.0", None);
}

#[test]
fn first_release() {
    run_all(
        "first-release",
        "0.1.0",
        Some("https://github.com/acme/first.git"),
    );
}

#[test]
fn first_release_without_url() {
    let doc = Changelog::parse(fixture("first-release.md"));
    insta::assert_snapshot!(prepare_diff(&doc, "0.1.0", None));
}

#[test]
fn gitlab() {
    run_all("gitlab", "3.0.1", None);
}

#[test]
fn bitbucket() {
    run_all("bitbucket", "1.4.1", None);
}

#[test]
fn clap_style() {
    run_all("clap-style", "4.5.2", None);
}

#[test]
fn lint_errors() {
    run_all("lint-errors", "2.0.0", None);
}

/// CRLF, BOM, no final newline: the edit is the LF edit with the same bytes around it.
#[test]
fn line_endings_bom_and_final_newline_are_kept() {
    let lf = fixture("basic.md");
    let policy = Policy::default();
    let opts = PrepareOptions::new("1.2.0", "2024-09-01", &policy);
    let want = prepare(&Changelog::parse(lf.clone()), &opts).unwrap().text;

    let crlf = lf.replace('\n', "\r\n");
    let got = prepare(&Changelog::parse(crlf), &opts).unwrap().text;
    assert_eq!(got, want.replace('\n', "\r\n"));

    let bom = format!("\u{feff}{lf}");
    let got = prepare(&Changelog::parse(bom), &opts).unwrap().text;
    assert_eq!(got, format!("\u{feff}{want}"));

    let bare = lf.trim_end_matches('\n').to_string();
    let got = prepare(&Changelog::parse(bare), &opts).unwrap().text;
    assert_eq!(got, want.trim_end_matches('\n'));
    assert!(!got.ends_with('\n'));

    // Notes keep CRLF inside the body.
    let doc = Changelog::parse(lf.replace('\n', "\r\n"));
    let n = notes(&doc, &Which::Version("1.1.0".into())).unwrap();
    assert_eq!(n.body, "### Added\r\n\r\n- Widgets can be exported as SVG.\r\n\r\n### Changed\r\n\r\n- The default colour scheme is now \"dusk\".\r\n");
}

#[test]
fn notes_of_the_oldest_version_stop_before_the_footer() {
    let doc = Changelog::parse(fixture("basic.md"));
    let n = notes(&doc, &Which::Version("v1.0.0".into())).unwrap();
    assert_eq!(n.body, "### Added\n\n- First stable release.\n");
    let n = notes(&doc, &Which::Unreleased).unwrap();
    assert_eq!(
        n.links,
        vec!["[#42]: https://github.com/acme/widget/issues/42".to_string()]
    );
    insta::assert_snapshot!(n.render(true, true, "\n"));
}

#[test]
fn duplicate_version_names_both_lines() {
    let doc = Changelog::parse(fixture("lint-errors.md"));
    let err = notes(&doc, &Which::Version("1.0.0".into())).unwrap_err();
    assert_eq!(
        err.to_string(),
        "version 1.0.0 has two headings, at lines 21 and 27: remove one (C6)"
    );
}

#[test]
fn prepare_refusals() {
    let policy = Policy::default();
    let p = |text: &str, v: &str| {
        prepare(
            &Changelog::parse(text),
            &PrepareOptions::new(v, "2024-09-01", &policy),
        )
        .unwrap_err()
        .to_string()
    };
    let basic = fixture("basic.md");
    insta::assert_snapshot!([
        p("# Changelog\n\n## [1.0.0] - 2024-01-01\n", "1.1.0"),
        p("## [Unreleased]\n\n## [1.0.0] - 2024-01-01\n", "1.1.0"),
        p("## [Unreleased]\n- a\n## [Unreleased]\n- b\n", "1.1.0"),
        p(&basic, "1.1.0"),
        p(&basic, "v1.0.0"),
        p(&basic, "1.2"),
        p(&basic, "1.2.0+build"),
        p(&basic, "1.2.0-beta.1"),
        prepare(
            &Changelog::parse(basic.as_str()),
            &PrepareOptions::new("1.2.0", "2024-02-30", &policy)
        )
        .unwrap_err()
        .to_string(),
    ]
    .join("\n"));
}

#[test]
fn hotfix_of_an_older_line_goes_right_below_unreleased() {
    let doc = Changelog::parse(fixture("basic.md"));
    insta::assert_snapshot!(prepare_diff(&doc, "1.0.1", None));
}

#[test]
fn compare_base_previous_stable() {
    let mut policy = Policy::default();
    policy.changelog.compare_base = release_core::policy::CompareBase::PreviousStable;
    let doc = Changelog::parse(fixture("categories.md"));
    let edit = prepare(&doc, &PrepareOptions::new("0.5.0", "2024-09-01", &policy)).unwrap();
    assert!(edit
        .text
        .contains("[0.5.0]: https://github.com/acme/cats/compare/v0.4.0...v0.5.0\n"));
}

#[test]
fn add_creates_categories_in_order() {
    let doc = Changelog::parse(fixture("basic.md"));
    let out: Vec<String> = [
        "Changed",
        "deprecated",
        "Removed",
        "Security",
        "Added",
        "Fixed",
        "Performance",
    ]
    .iter()
    .map(|c| {
        unified_diff(
            "CHANGELOG.md",
            &doc.text,
            &add(&doc, c, "An entry.").unwrap().text,
        )
    })
    .collect();
    insta::assert_snapshot!(out.join("\n"));
    let empty =
        Changelog::parse("# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2024-01-01\n\n- x\n");
    let got = add(&empty, "Fixed", "First entry.").unwrap().text;
    assert_eq!(got, "# Changelog\n\n## [Unreleased]\n\n### Fixed\n\n- First entry.\n\n## [1.0.0] - 2024-01-01\n\n- x\n");
}

#[test]
fn yank_refuses_twice_and_unknown() {
    let policy = Policy::default();
    let doc = Changelog::parse("## [1.0.0] - 2024-01-01 [YANKED]\n\n- x\n");
    assert!(yank(&doc, "1.0.0", "r", None, &policy)
        .unwrap_err()
        .to_string()
        .contains("already marked yanked"));
    assert!(yank(&doc, "2.0.0", "r", None, &policy)
        .unwrap_err()
        .to_string()
        .contains("no section for version 2.0.0"));
    let doc = Changelog::parse("## [1.0.0] - 2024-01-01\n\n- x\n");
    assert_eq!(
        yank(&doc, "1.0.0", "Data loss", Some("v1.0.1"), &policy)
            .unwrap()
            .text,
        "## [1.0.0] - 2024-01-01 [YANKED]\n\n> **Yanked:** Data loss. Use 1.0.1 instead.\n\n- x\n"
    );
}

#[test]
fn next_versions() {
    let policy = Policy::default();
    let v = |unreleased: &str, newest: &str| {
        let text = format!("## [Unreleased]\n\n{unreleased}\n## [{newest}] - 2024-01-01\n\n- x\n");
        next(&Changelog::parse(text), None, &policy)
            .unwrap()
            .map(|n| n.version)
    };
    assert_eq!(v("### Removed\n\n- a\n", "0.3.1").as_deref(), Some("0.4.0"));
    assert_eq!(
        v("### Changed\n\n- **Breaking:** a\n", "0.3.1").as_deref(),
        Some("0.4.0")
    );
    assert_eq!(v("### Changed\n\n- a\n", "1.3.1").as_deref(), Some("1.4.0"));
    assert_eq!(v("### Added\n\n- a\n", "1.3.1").as_deref(), Some("1.4.0"));
    assert_eq!(v("### Fixed\n\n- a\n", "1.3.1").as_deref(), Some("1.3.2"));
    assert_eq!(
        v("### Security\n\n- a\n", "0.3.1").as_deref(),
        Some("0.3.2")
    );
    assert_eq!(v("### Removed\n\n- a\n", "1.3.1").as_deref(), Some("2.0.0"));
    assert_eq!(v("### Added\n\n", "1.3.1"), None);
}

#[test]
fn upgrading_tables() {
    let policy = Policy::default();
    let text = fixture("upgrading-tables.md");
    let notes = UpgradeNotes {
        breaking: vec![(
            "Config moved to `app.toml`".into(),
            Some("Run `app migrate-config`".into()),
        )],
        env_added: vec![("APP_LOG".into(), "log level".into())],
        env_removed: vec!["APP_DEBUG".into()],
        ..UpgradeNotes::default()
    };
    let edit = upgrading::add(&text, "2.1.0", &notes, &policy).unwrap();
    insta::assert_snapshot!(unified_diff("docs/upgrading.md", &text, &edit.text));
    assert!(upgrading::check(&edit.text, "2.1.0").ok);
    let none = UpgradeNotes {
        none: true,
        ..UpgradeNotes::default()
    };
    let edit2 = upgrading::add(&edit.text, "2.1.1", &none, &policy).unwrap();
    insta::assert_snapshot!(
        "upgrading_tables_none",
        unified_diff("docs/upgrading.md", &edit.text, &edit2.text)
    );
    let err = upgrading::add(&text, "2.0.0", &none, &policy).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the breaking changes table already has a row for 2.0.0 at line 9 (C5)"
    );
    let report = upgrading::check(&text, "2.1.0");
    assert!(!report.ok);
    assert_eq!(report.missing.len(), 2);
}

#[test]
fn upgrading_sections() {
    let policy = Policy::default();
    let text = fixture("upgrading-sections.md");
    let mut notes = UpgradeNotes {
        breaking: vec![("Dropped Windows 7".into(), None)],
        env_renamed: vec![("APP_A".into(), "APP_B".into())],
        ..UpgradeNotes::default()
    };
    // A breaking change without its migration is refused, naming the change.
    let err = upgrading::add(&text, "3.0.0", &notes, &policy).unwrap_err();
    assert!(
        err.to_string()
            .contains("--breaking \"Dropped Windows 7\" has no --migration"),
        "{err}"
    );
    notes.breaking[0].1 = Some("Upgrade to Windows 10".into());
    let edit = upgrading::add(&text, "3.0.0", &notes, &policy).unwrap();
    insta::assert_snapshot!(unified_diff("docs/upgrading.md", &text, &edit.text));
    assert!(upgrading::check(&edit.text, "3.0.0").ok);
    assert!(!upgrading::check(&text, "3.0.0").ok);
    assert!(upgrading::check(&text, "1.5.0").ok);
    let empty = upgrading::add(
        "# Upgrading\n",
        "0.1.0",
        &UpgradeNotes {
            none: true,
            ..UpgradeNotes::default()
        },
        &policy,
    )
    .unwrap();
    insta::assert_snapshot!("upgrading_sections_new_file", empty.text);
    assert!(upgrading::add(&text, "2.0.0", &notes, &policy).is_err());
    assert!(upgrading::add(&text, "4.0.0", &UpgradeNotes::default(), &policy).is_err());
}

#[test]
fn unclosed_fence_is_an_error_and_blocks_prepare() {
    let text = "# Changelog\n\n## [Unreleased]\n\n- x\n\n## [1.0.0] - 2024-01-01\n\n```\ncode\n## [0.1.0] - 2020-01-01\n";
    let doc = Changelog::parse(text);
    assert_eq!(
        doc.sections.len(),
        2,
        "the heading in the open fence is code"
    );
    let diags = lint(&doc, &Policy::default());
    let d = diags.iter().find(|d| d.rule == "fence-unclosed").unwrap();
    assert_eq!((d.line, d.column), (9, 1));
    let policy = Policy::default();
    let err = prepare(&doc, &PrepareOptions::new("1.1.0", "2024-09-01", &policy)).unwrap_err();
    assert!(err.to_string().contains("line 9 is never closed"), "{err}");
}

#[test]
fn markers_are_found_and_next_url_takes_new_definitions() {
    let doc = Changelog::parse(fixture("markers.md"));
    let names: Vec<&str> = doc.markers().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["next-header", "next-url"]);
    let text = "<!-- next-header -->\n## [Unreleased] - ReleaseDate\n\n- x\n\n<!-- next-url -->\n";
    let policy = Policy::default();
    let mut opts = PrepareOptions::new("0.1.0", "2024-09-01", &policy);
    opts.repo_url = Some("https://github.com/o/r");
    let edit = prepare(&Changelog::parse(text), &opts).unwrap();
    assert_eq!(
        edit.text,
        "<!-- next-header -->\n## [Unreleased] - ReleaseDate\n\n## [0.1.0] - 2024-09-01\n\n- x\n\n<!-- next-url -->\n[Unreleased]: https://github.com/o/r/compare/v0.1.0...HEAD\n[0.1.0]: https://github.com/o/r/releases/tag/v0.1.0\n"
    );
}

#[test]
fn dialect_fixtures() {
    // Every operation on each dialect fixture (see tests/dialects.rs for the targeted checks).
    run_all(
        "dates-brackets",
        "0.4.3",
        Some("https://github.com/acme/tinyclock"),
    );
    run_all("dates-dash", "2.4.0", Some("https://github.com/acme/tool"));
    run_all("undated", "0.8.2", None);
    run_all("pep440", "2.2.0", None);
    run_all("footer", "0.3.2", Some("https://github.com/acme/pager"));
    run_all("pending", "1.5.0", Some("https://github.com/acme/cli"));
    run_all("alt-categories", "1.2.1", None);
    run_all("hotfix-merged", "0.3.0", None);
    run_all("no-unreleased", "1.2.0", None);
    run_all("no-unreleased-setext", "2.2.0", None);
}
