//! Table rows for outside text shown to a human (`release_core::untrusted`): tag headers,
//! registry answers and changelog text must not be able to draw over a refusal (a carriage
//! return, an escape sequence, a bidirectional override). No policy rule names this; the rows
//! name where such text comes from ("G4": a tag object's header, "C6": release notes).
//! Found by mutation testing (`scripts/mutants.sh core -- -f crates/release-core/src/untrusted.rs`).

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests: a failure to set up is a failed test

use std::borrow::Cow;

use release_core::untrusted::{escape, escape_multiline};

/// (source, input, shown as, whether it is the input unchanged)
const ONE_LINE: &[(&str, &str, &str, bool)] = &[
    ("G4", "v1.2.3", "v1.2.3", true),
    ("G4", "", "", true),
    ("G4", "back\\slash", "back\\slash", true),
    ("G4", "Änderung — ⚠️", "Änderung — ⚠️", true),
    ("G4", "a\nb", "a\\nb", false),
    ("G4", "a\rok (good)\x1b[2K", "a\\rok (good)\\e[2K", false),
    ("G4", "tab\there", "tab\\there", false),
    ("G4", "back\\slash\n", "back\\\\slash\\n", false),
    ("G4", "bell\u{7}", "bell\\u{7}", false),
    ("G4", "del\u{7f}", "del\\u{7f}", false),
    ("G4", "csi\u{9b}2K", "csi\\u{9b}2K", false),
    ("G4", "gpg\u{202e}txt", "gpg\\u{202e}txt", false),
    ("G4", "zero\u{200b}width", "zero\\u{200b}width", false),
    ("G4", "a\u{2028}b", "a\\u{2028}b", false),
    ("G4", "a\u{2066}b\u{2069}", "a\\u{2066}b\\u{2069}", false),
    ("G4", "word\u{2060}joiner", "word\\u{2060}joiner", false),
    ("G4", "\u{feff}bom", "\\u{feff}bom", false),
    // Neighbours of the escaped ranges are ordinary text.
    (
        "G4",
        "a\u{2010}b\u{2027}c\u{2065}d",
        "a\u{2010}b\u{2027}c\u{2065}d",
        true,
    ),
];

#[test]
fn one_line_text_shows_every_control_character() {
    for (source, input, shown, unchanged) in ONE_LINE {
        let got = escape(input);
        assert_eq!(got, *shown, "{source}: {input:?}");
        assert_eq!(
            matches!(got, Cow::Borrowed(_)),
            *unchanged,
            "{source}: {input:?}: borrowed only when nothing needed escaping"
        );
        assert!(
            !got.chars().any(|c| c.is_control()),
            "{source}: {input:?}: no control character is left"
        );
    }
}

/// (source, input, shown as, whether it is the input unchanged)
const MULTI_LINE: &[(&str, &str, &str, bool)] = &[
    ("C6", "one line", "one line", true),
    ("C6", "a\nb\n", "a\nb\n", true),
    ("C6", "\n\nc", "\n\nc", true),
    ("C6", "a\r\nb\r\n", "a\nb\n", false),
    ("C6", "a\nb\r\nc\rd", "a\nb\nc\\rd", false),
    ("C6", "over\rwrite", "over\\rwrite", false),
    // No carriage return, but a control character: still escaped, line breaks kept.
    ("C6", "a\x1b[2Kb\nc", "a\\e[2Kb\nc", false),
    ("C6", "x\ty\nz", "x\\ty\nz", false),
    ("C6", "gpg\u{202e}txt\n", "gpg\\u{202e}txt\n", false),
    ("C6", "\n\u{7}", "\n\\u{7}", false),
    // Backslashes are doubled per line: a line with nothing to escape is left as it is.
    ("C6", "back\\slash\n\u{7}", "back\\slash\n\\u{7}", false),
];

#[test]
fn multi_line_text_keeps_its_line_breaks_only() {
    for (source, input, shown, unchanged) in MULTI_LINE {
        let got = escape_multiline(input);
        assert_eq!(got, *shown, "{source}: {input:?}");
        assert_eq!(
            matches!(got, Cow::Borrowed(_)),
            *unchanged,
            "{source}: {input:?}: borrowed only when nothing needed escaping"
        );
        assert_eq!(
            got.matches('\n').count(),
            input.replace("\r\n", "\n").matches('\n').count(),
            "{source}: {input:?}: every line break is kept, no other"
        );
    }
}
