//! Release notes of one version (C6).
//!
//! Trimming, as documented in `docs/changelog.md`: the body starts after the heading and ends
//! before the next version heading; leading and trailing blank lines are dropped, and so are
//! link reference definitions, HTML comments and blank lines at the end of the body (the footer
//! definitions and `<!-- next-url -->` markers). Everything between stays byte for byte,
//! line endings included. The returned body ends with a line ending unless it is empty.

use serde::Serialize;

use crate::doc::{normalize_label, Changelog, Section};
use crate::Error;

/// Which section's notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Which {
    /// A version (`1.2.3` or `v1.2.3`).
    Version(String),
    /// The first released section in the file: never Unreleased, a development version
    /// (`0.18.0-dev`) or a section dated `TBD` ([`crate::Section::is_pending`]).
    Latest,
    /// The Unreleased section.
    Unreleased,
}

/// The notes of one section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notes {
    /// The version (`Unreleased` for Unreleased).
    pub version: String,
    /// The date text of the heading, if any.
    pub date: Option<String>,
    /// 1-based line of the heading.
    pub line: usize,
    /// The heading line(s), as written (without the line ending).
    pub heading: String,
    /// The body, trimmed as documented.
    pub body: String,
    /// Link definitions the body uses (lines as written, without line endings).
    pub links: Vec<String>,
}

impl Notes {
    /// The text to print: optionally the heading, the body, optionally the definitions.
    pub fn render(&self, with_heading: bool, with_links: bool, newline: &str) -> String {
        let mut out = String::new();
        if with_heading {
            out.push_str(&self.heading);
            out.push_str(newline);
            if !self.body.is_empty() {
                out.push_str(newline);
            }
        }
        out.push_str(&self.body);
        if with_links && !self.links.is_empty() {
            if !out.is_empty() {
                out.push_str(newline);
            }
            for l in &self.links {
                out.push_str(l);
                out.push_str(newline);
            }
        }
        out
    }
}

/// The body range of a section, trimmed as documented.
pub fn body_range(doc: &Changelog, section: &Section) -> std::ops::Range<usize> {
    let text = doc.text.as_bytes();
    let mut start = section.body.start;
    let mut end = section.body.end;
    // Drop trailing definitions, comments and blank lines.
    let defs = &doc.blocks.links;
    let comments = &doc.blocks.comments;
    loop {
        // Trailing whitespace-only lines.
        let mut e = end;
        while e > start && matches!(text[e - 1], b' ' | b'\t' | b'\r' | b'\n') {
            e -= 1;
        }
        if e == start {
            end = start;
            break;
        }
        // Start of the last line.
        let ls = memchr::memrchr(b'\n', &text[start..e]).map_or(start, |p| start + p + 1);
        let is_def = defs.binary_search_by(|d| d.span.start.cmp(&ls)).is_ok();
        let comment = comments
            .iter()
            .rev()
            .find(|c| c.span.start <= ls && ls < c.span.end && c.span.start >= start);
        if is_def {
            end = ls;
        } else if let Some(c) = comment {
            end = c.span.start;
        } else {
            // Keep this line, with its line ending.
            end = memchr::memchr(b'\n', &text[e..end]).map_or(end, |p| e + p + 1);
            break;
        }
    }
    // Leading blank lines.
    while start < end {
        let le = memchr::memchr(b'\n', &text[start..end]).map_or(end, |p| start + p + 1);
        if text[start..le]
            .iter()
            .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        {
            start = le;
        } else {
            break;
        }
    }
    start..end
}

/// Labels used in `text` as `[label]`, `[text][label]` or `[label][]` (a superset is fine:
/// only labels that have definitions are kept).
pub fn used_labels(text: &str) -> Vec<String> {
    let mut out: Vec<String> = bracketed(text).map(normalize_label).collect();
    out.sort();
    out.dedup();
    out
}

/// Every non-empty `[...]` on one line, as written (not normalised), in order.
pub(crate) fn bracketed(text: &str) -> impl Iterator<Item = &str> {
    let b = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while let Some(p) = memchr::memchr(b'[', &b[i..]) {
            let s = i + p + 1;
            // The label ends at the first `]`; a `[` or a line end before it means no label.
            let j = memchr::memchr3(b']', b'[', b'\n', &b[s..]).map_or(b.len(), |q| s + q);
            i = s;
            if j < b.len() && b[j] == b']' && j > s {
                return Some(&text[s..j]);
            }
        }
        None
    })
}

/// The notes of one section. A version that appears in two headings is an error naming both.
pub fn notes(doc: &Changelog, which: &Which) -> Result<Notes, Error> {
    let section = match which {
        Which::Version(v) => {
            let found = doc.find(v);
            match found.as_slice() {
                [] => {
                    return Err(Error::NoSuchVersion {
                        version: v.clone(),
                        known: doc
                            .versions()
                            .take(5)
                            .map(|s| s.version(&doc.text).to_string())
                            .collect(),
                    })
                }
                [one] => *one,
                [a, b, ..] => {
                    return Err(Error::DuplicateVersion {
                        version: v.clone(),
                        first: doc.line_of(a.heading.span.start),
                        second: doc.line_of(b.heading.span.start),
                    })
                }
            }
        }
        Which::Latest => doc.latest().ok_or(Error::NoVersions)?,
        Which::Unreleased => match doc.unreleased().as_slice() {
            [] => return Err(Error::NoUnreleased),
            [one] => *one,
            [a, b, ..] => {
                return Err(Error::TwoUnreleased {
                    first: doc.line_of(a.heading.span.start),
                    second: doc.line_of(b.heading.span.start),
                })
            }
        },
    };
    Ok(section_notes(doc, section))
}

/// The notes for a release's GitHub Release body (C6): the version's own section. A candidate
/// (`0.4.0-rc.2`) without a section of its own takes its stable version's section when it has
/// been prepared, else Unreleased: what the candidate ships.
pub fn release_notes(
    doc: &Changelog,
    version: &release_core::version::ReleaseVersion,
) -> Result<Notes, Error> {
    let own = notes(doc, &Which::Version(version.to_string()));
    if own.is_ok() || version.is_stable() {
        return own;
    }
    notes(doc, &Which::Version(version.base().to_string()))
        .or_else(|_| notes(doc, &Which::Unreleased))
        .or(own)
}

/// The notes of a given section.
pub fn section_notes(doc: &Changelog, section: &Section) -> Notes {
    let text = &doc.text;
    let range = body_range(doc, section);
    let mut body = text[range].to_string();
    if !body.is_empty() && !body.ends_with('\n') {
        // The last line of a file without a final newline: notes always end with one.
        body.push_str(doc.newline);
    }
    let mut links = Vec::new();
    let labels = used_labels(&body);
    if !labels.is_empty() {
        let wanted: std::collections::HashSet<&str> = labels.iter().map(String::as_str).collect();
        let mut buf = String::new();
        for d in &doc.blocks.links {
            let raw = &text[d.label.clone()];
            // One buffer for the labels that need lower-casing: no allocation per definition.
            if wanted.contains(crate::doc::label_key_in(raw, &mut buf)) {
                let line = text[d.span.clone()].trim_end_matches(['\r', '\n']);
                if !links.iter().any(|l: &String| l == line) {
                    links.push(line.to_string());
                }
            }
        }
    }
    let h = &section.heading;
    let heading = text[h.span.clone()]
        .trim_end_matches(['\r', '\n'])
        .to_string();
    Notes {
        version: if section.is_unreleased() {
            "Unreleased".into()
        } else {
            section.version(text).to_string()
        },
        date: section.date(text).map(str::to_string),
        // One line number: counting beats building a line index.
        line: memchr::memchr_iter(b'\n', &text.as_bytes()[..h.span.start]).count() + 1,
        heading,
        body,
        links,
    }
}

/// A section's categories and entries as an announcement reads them
/// (`release_core::announce::compose`): each list item as one line, marked breaking when it says
/// so (`**Breaking**`, `BREAKING:`, as `next` reads them). Items before the first category go
/// under "Changes"; empty categories are left out.
pub fn announce_categories(
    doc: &Changelog,
    section: &Section,
) -> Vec<release_core::announce::Category> {
    use release_core::announce::{Category, Entry};
    let text = &doc.text;
    let entry = |r: &std::ops::Range<usize>| {
        let item = &text[r.clone()];
        Entry::new(item, crate::next::breaking_marker(item))
    };
    let mut out = Vec::new();
    if !section.loose_entries.is_empty() {
        out.push(Category {
            name: "Changes".into(),
            entries: section.loose_entries.iter().map(entry).collect(),
        });
    }
    for c in &section.categories {
        if c.entries.is_empty() {
            continue;
        }
        out.push(Category {
            name: text[c.heading.title.clone()].trim().to_string(),
            entries: c.entries.iter().map(entry).collect(),
        });
    }
    out
}
