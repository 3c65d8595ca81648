//! Text that came from outside (tag objects, registry answers, changelogs, git refs) shown to a
//! human: one escaping function for every command, so a carriage return or an escape sequence in
//! a tag header or a registry's tag list cannot draw a fake line over a refusal.
//!
//! JSON output never goes through here: serde escapes control characters itself and machine
//! readers need the exact value.

use std::borrow::Cow;
use std::fmt::Write as _;

/// `text` with every control character (C0, DEL, C1), every bidirectional-override or
/// zero-width formatting character and every line/paragraph separator replaced by a visible
/// escape (`\r`, `\n`, `\t`, `\e`, `\u{202e}`). When anything is escaped, backslashes are
/// doubled too, so a real escape and a literal one stay distinguishable. Borrowed when nothing needed escaping (the common case).
///
/// ```
/// use release_core::untrusted::escape;
/// assert_eq!(escape("v1.2.3"), "v1.2.3");
/// assert_eq!(escape("a\rok (good)\x1b[2K"), "a\\rok (good)\\e[2K");
/// assert_eq!(escape("back\\slash"), "back\\slash"); // nothing to escape: left as it is
/// assert_eq!(escape("back\\slash\n"), "back\\\\slash\\n"); // escaped: doubled
/// ```
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x1b' => out.push_str("\\e"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Like [`escape`], but keeps line breaks (`\n`, and `\r\n` as one break) so multi-line text
/// (release notes, a tag message) stays readable; a lone `\r` is still escaped.
///
/// ```
/// use release_core::untrusted::escape_multiline;
/// assert_eq!(escape_multiline("a\nb\r\nc\rd"), "a\nb\nc\\rd");
/// ```
pub fn escape_multiline(text: &str) -> Cow<'_, str> {
    if !text.contains('\r') && !text.chars().any(|c| c != '\n' && needs_escape(c)) {
        return Cow::Borrowed(text);
    }
    let normalized = text.replace("\r\n", "\n");
    let mut out = String::with_capacity(normalized.len() + 8);
    for (i, line) in normalized.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&escape(line));
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{feff}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(escape("v0.4.0 ok"), Cow::Borrowed(_)));
        assert!(matches!(escape_multiline("a\nb"), Cow::Borrowed(_)));
    }

    #[test]
    fn controls_and_formatting_are_visible() {
        assert_eq!(escape("x\u{7}y"), "x\\u{7}y");
        assert_eq!(escape("x\u{9b}y"), "x\\u{9b}y");
        assert_eq!(escape("gpg\u{202e}txt"), "gpg\\u{202e}txt");
        assert_eq!(escape("a\u{2028}b"), "a\\u{2028}b");
        assert_eq!(escape("\u{feff}x"), "\\u{feff}x");
    }

    #[test]
    fn an_escape_cannot_be_forged() {
        // A literal backslash-r in the input stays distinguishable from a real CR.
        assert_eq!(escape("a\\rb"), "a\\rb");
        assert_eq!(escape("a\\rb\r"), "a\\\\rb\\r");
    }

    #[test]
    fn non_ascii_text_is_kept() {
        assert_eq!(escape("Änderung — ⚠️"), "Änderung — ⚠️");
    }
}
