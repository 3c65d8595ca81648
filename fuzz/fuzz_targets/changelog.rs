//! parse + lint + notes + prepare + add + yank on arbitrary text, with the invariants checked:
//! prepare changes no byte before the Unreleased heading's end except link definitions, and
//! the new section's notes equal the old Unreleased notes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use release_changelog::{add, lint, notes, prepare, yank, Changelog, PrepareOptions, Which};
use release_core::policy::Policy;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let policy = Policy::default();
    let doc = Changelog::parse(text);
    assert_eq!(doc.text, text);
    let _ = lint(&doc, &policy);
    let _ = Changelog::parse_latest(text);
    for s in doc.sections.iter() {
        let v = s.version(&doc.text).to_string();
        let _ = notes(&doc, &Which::Version(v.clone()));
        let _ = yank(&doc, &v, "broken", Some("99.0.1"), &policy);
    }
    let _ = notes(&doc, &Which::Latest);
    let old = notes(&doc, &Which::Unreleased);
    let _ = add(&doc, "Fixed", "a fix");
    let _ = add(&doc, "Odd", "x");
    let mut opts = PrepareOptions::new("99.0.0", "2026-01-01", &policy);
    opts.repo_url = Some("https://github.com/o/r");
    // The light parse (notes, prepare in the CLI) agrees with the full one.
    let light = Changelog::parse_sections(text);
    assert_eq!(
        prepare(&light, &opts).map(|e| e.text),
        prepare(&doc, &opts).map(|e| e.text)
    );
    for s in doc.sections.iter() {
        let v = Which::Version(s.version(&doc.text).to_string());
        assert_eq!(notes(&light, &v), notes(&doc, &v));
    }
    if let Ok(edit) = prepare(&doc, &opts) {
        let new = Changelog::parse(edit.text.clone());
        let after = notes(&new, &Which::Version("99.0.0".into())).expect("the new section is found");
        let old = old.expect("prepare succeeded, so Unreleased exists");
        assert_eq!(after.body, old.body, "notes(prepare(d), V) == old Unreleased notes");
        // Bytes before the Unreleased heading's end are untouched, except link definitions.
        let u = doc.unreleased()[0].heading.span.start;
        let defs_before = doc.blocks.links.iter().any(|d| d.span.start < u);
        if !defs_before {
            assert_eq!(&edit.text[..u], &text[..u]);
        }
        assert_eq!(new.unreleased().len(), 1);
        assert!(new.unreleased()[0].is_empty(&new.blocks));
    }
});
