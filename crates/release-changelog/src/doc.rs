//! The changelog document: the original text plus byte spans of its parts.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::ops::Range;

use crate::scan::{self, Blocks, Heading, LineIndex, LinkDef};
use crate::title::{self, TitleParts};

/// The Keep a Changelog categories, in the order the format lists them.
pub const CATEGORIES: [&str; 6] = [
    "Added",
    "Changed",
    "Deprecated",
    "Removed",
    "Fixed",
    "Security",
];

/// A `### Category` block inside a version section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    /// The category heading.
    pub heading: Heading,
    /// From after the heading to the next category or the end of the section body.
    pub body: Range<usize>,
    /// Each top-level list item: from its marker line to the next item, trailing blank
    /// lines excluded.
    pub entries: Vec<Range<usize>>,
}

/// A version (or Unreleased) section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The version heading.
    pub heading: Heading,
    /// What the heading says; ranges are absolute offsets into the text.
    pub parts: TitleParts,
    /// From after the heading to the next section heading (or the end of the text).
    pub body: Range<usize>,
    /// The category blocks in order.
    pub categories: Vec<Category>,
    /// List items directly in the body, before the first category.
    pub loose_entries: Vec<Range<usize>>,
    /// Lines of text in the body before the first category (not list items, comments or
    /// definitions): "text outside categories".
    pub loose_text: Vec<usize>,
}

/// A parsed changelog: the text and where everything is. Edits splice into `text`.
#[derive(Debug, Clone)]
pub struct Changelog {
    /// The original text, byte for byte.
    pub text: String,
    /// The block scan.
    pub blocks: Blocks,
    /// The heading level of version sections (2 for most files, 1 for `RELEASES.md` style).
    pub level: u8,
    /// Version and Unreleased sections in file order.
    pub sections: Vec<Section>,
    /// The line ending new lines get: the file's first one (`\n` when it has none).
    pub newline: &'static str,
    /// Line starts, built on first use.
    line_index: OnceCell<LineIndex>,
}

impl Section {
    /// True for `## [Unreleased]`.
    pub fn is_unreleased(&self) -> bool {
        self.parts.unreleased
    }

    /// The version as written (`1.2.3`, `0.3.0-rc.1`), empty for Unreleased.
    pub fn version<'a>(&self, text: &'a str) -> &'a str {
        &text[self.parts.version.clone()]
    }

    /// The date text, if any.
    pub fn date<'a>(&self, text: &'a str) -> Option<&'a str> {
        self.parts.date.clone().map(|d| &text[d])
    }

    /// True for a section that is not a release yet: Unreleased, a development version
    /// (`0.18.0-dev`, `1.2.0.dev1`) or a placeholder date (`## 5.0.0 - TBD`); see
    /// [`title::pending`].
    pub fn is_pending(&self, text: &str) -> bool {
        self.is_unreleased() || title::pending(self.version(text), self.date(text))
    }

    /// Every entry: loose ones first, then per category, in file order.
    pub fn entries(&self) -> impl Iterator<Item = &Range<usize>> {
        self.loose_entries
            .iter()
            .chain(self.categories.iter().flat_map(|c| c.entries.iter()))
    }

    /// True when the body has no entries and no text (needs a full parse: see
    /// [`Changelog::is_empty_section`] for any parse).
    pub fn is_empty(&self, blocks: &Blocks) -> bool {
        self.entries().next().is_none() && !has_content(blocks, self.body.clone())
    }
}

/// Whether any content line starts in `range`.
pub(crate) fn has_content(blocks: &Blocks, range: Range<usize>) -> bool {
    let i = blocks.content.partition_point(|&s| s < range.start);
    blocks.content.get(i).is_some_and(|&s| s < range.end)
}

/// What a raw label needs to reach its normal form ([`normalize_label`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum LabelForm {
    /// Already normal: ASCII, no upper case, single spaces between words only.
    Normal,
    /// ASCII with single spaces, but with upper case to lower.
    Upper,
    /// Whitespace to collapse or non-ASCII text: the full normalisation.
    Other,
}

/// One pass over the bytes: lint classifies every `[label]` of a file, so this stays a plain
/// loop (no substring searcher, no second scan for upper case).
fn label_form(raw: &str) -> LabelForm {
    let mut form = LabelForm::Normal;
    // Whether the previous byte was a space, or we are at the start: a space there is a
    // leading or a double space, both collapsed by normalisation.
    let mut after_space = true;
    for &b in raw.as_bytes() {
        match b {
            b' ' if after_space => return LabelForm::Other,
            b' ' => after_space = true,
            // Every ASCII character `split_whitespace` splits on but the single space.
            b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c' => return LabelForm::Other,
            0x80.. => return LabelForm::Other,
            b'A'..=b'Z' => {
                form = LabelForm::Upper;
                after_space = false;
            }
            _ => after_space = false,
        }
    }
    if after_space && !raw.is_empty() {
        return LabelForm::Other; // a trailing space
    }
    form
}

/// An ASCII label whose normal form is just its lower case (no whitespace to collapse).
pub(crate) fn simple_label(raw: &str) -> bool {
    label_form(raw) != LabelForm::Other
}

/// [`label_key`] without an allocation per label: a label that needs lower-casing is
/// lower-cased into `buf`, which the caller reuses for the next one (lint looks up every
/// `[label]` of a file; most are plain, thousands are not).
pub(crate) fn label_key_in<'a>(raw: &'a str, buf: &'a mut String) -> &'a str {
    match label_form(raw) {
        LabelForm::Normal => return raw,
        LabelForm::Upper => {
            buf.clear();
            buf.push_str(raw);
            buf.make_ascii_lowercase();
        }
        LabelForm::Other => *buf = normalize_label(raw),
    }
    buf
}

/// A label's normal form ([`normalize_label`]), borrowed when the label already is in it: the
/// common case, so that looking up every `[label]` of a large file allocates almost nothing.
pub(crate) fn label_key(raw: &str) -> Cow<'_, str> {
    // One decision, `label_key_in`'s: it hands back `raw` itself when nothing changes.
    let mut buf = String::new();
    if std::ptr::eq(label_key_in(raw, &mut buf), raw) {
        Cow::Borrowed(raw)
    } else {
        Cow::Owned(buf)
    }
}

/// Whether a raw label normalises to `normalized`, without allocating for plain ASCII labels.
pub(crate) fn label_is(raw: &str, normalized: &str) -> bool {
    if simple_label(raw) {
        raw.eq_ignore_ascii_case(normalized)
    } else {
        normalize_label(raw) == normalized
    }
}

/// Normalises a link label as CommonMark matches them: case-folded, whitespace collapsed.
pub fn normalize_label(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl Changelog {
    /// Parses a whole file. Never fails: lint reports what is wrong.
    pub fn parse(text: impl Into<String>) -> Self {
        let text = text.into();
        let blocks = scan::scan(&text);
        Self::build(text, blocks, true)
    }

    /// Parses the sections and link definitions only: no categories, entries or content
    /// lines (`notes` needs no more). Faster, and memory stays near the file's size.
    pub fn parse_sections(text: impl Into<String>) -> Self {
        let text = text.into();
        let blocks = scan::scan_until(&text, false, |_, _| false);
        Self::build(text, blocks, false)
    }

    /// Parses only as far as the first released version's section (for `notes --latest`
    /// on big files). Link definitions and later sections are not read.
    pub fn parse_latest(text: impl Into<String>) -> Self {
        let text = text.into();
        let mut first: Option<u8> = None; // level of the first released version heading
        let blocks = scan::scan_until(&text, false, |t, headings| {
            let Some(h) = headings.last() else {
                return false;
            };
            let Some(parts) = title::parse(&t[h.title.clone()]) else {
                return false;
            };
            let pending = parts.unreleased || {
                let title = &t[h.title.clone()];
                title::pending(
                    &title[parts.version.clone()],
                    parts.date.clone().map(|d| &title[d]),
                )
            };
            match first {
                None if !pending => {
                    first = Some(h.level);
                    false
                }
                Some(level) => h.level <= level,
                None => false,
            }
        });
        Self::build(text, blocks, false)
    }

    fn build(text: String, mut blocks: Blocks, full: bool) -> Self {
        let newline = match memchr::memchr(b'\n', text.as_bytes()) {
            Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
            _ => "\n",
        };
        // The level of version headings: the highest (1 or 2) that has one.
        let level = blocks
            .headings
            .iter()
            .filter(|h| h.level <= 2)
            .find(|h| h.level == 1 && title::parse(&text[h.title.clone()]).is_some())
            .map_or(2, |_| 1);
        let mut sections = Vec::new();
        for h in blocks.headings.iter().filter(|h| h.level == level) {
            let Some(parts) = title::parse(&text[h.title.clone()]) else {
                continue;
            };
            let base = h.title.start;
            let shift = |r: Range<usize>| base + r.start..base + r.end;
            let parts = TitleParts {
                unreleased: parts.unreleased,
                version: shift(parts.version),
                date: parts.date.map(shift),
                yanked: parts.yanked.map(shift),
                link: parts.link.map(shift),
                bracketed: parts.bracketed,
            };
            sections.push(Section {
                heading: h.clone(),
                parts,
                body: h.span.end..h.span.end,
                categories: Vec::new(),
                loose_entries: Vec::new(),
                loose_text: Vec::new(),
            });
        }
        // Bodies end where the next section starts, or where the file ends; the last one
        // ends earlier at a footer heading.
        let last_end = sections
            .last()
            .and_then(|s| footer_start(&text, &blocks, level, &sections, s))
            .unwrap_or(text.len());
        let ends: Vec<usize> = sections
            .iter()
            .skip(1)
            .map(|s| s.heading.span.start)
            .chain(std::iter::once(last_end))
            .collect();
        for (section, end) in sections.iter_mut().zip(ends) {
            section.body.end = end.max(section.body.start);
            if full {
                fill_section(&text, &blocks, level, section);
            }
        }
        if !full {
            // Sections hold their headings; the rest of the list is not needed.
            blocks.headings = Vec::new();
        }
        Self {
            text,
            blocks,
            level,
            sections,
            newline,
            line_index: OnceCell::new(),
        }
    }

    /// True when a section has no entries and no text, whichever way the file was parsed: the
    /// body is scanned on its own (a heading closes every open block, so that is exact).
    pub fn is_empty_section(&self, section: &Section) -> bool {
        scan::scan(&self.text[section.body.clone()])
            .content
            .is_empty()
    }

    /// cargo-release's markers: `<!-- next-header -->` and `<!-- next-url -->` comment lines,
    /// as `(name, span)` with the name between the comment delimiters.
    pub fn markers(&self) -> Vec<(&str, Range<usize>)> {
        self.blocks
            .comments
            .iter()
            .filter_map(|c| {
                let t = self.text[c.span.clone()].trim();
                let name = t.strip_prefix("<!--")?.strip_suffix("-->")?.trim();
                matches!(name, "next-header" | "next-url").then_some((name, c.span.clone()))
            })
            .collect()
    }

    /// The Unreleased sections.
    pub fn unreleased(&self) -> Vec<&Section> {
        self.sections.iter().filter(|s| s.is_unreleased()).collect()
    }

    /// True when the file has an `[Unreleased]` section (`release changelog add` creates one
    /// when it has not).
    pub fn has_unreleased(&self) -> bool {
        self.sections.iter().any(Section::is_unreleased)
    }

    /// The newest release: the first version section that is not pending (neither
    /// Unreleased, a development version nor dated `TBD`), see [`Section::is_pending`].
    pub fn latest(&self) -> Option<&Section> {
        self.sections.iter().find(|s| !s.is_pending(&self.text))
    }

    /// The version a compare link of `version` (dated `date`) starts at (C3), looking at the
    /// sections after `index` in file order: the greatest version lower than `version` that
    /// is not a hotfix of an older line released after it (when both dates are known). So a hotfix of an older line,
    /// released later and merged back, is never the base of the newer line's release (0.2.0
    /// compares from 0.1.0, not from the 0.1.1 hotfix dated after it), and the next release
    /// after the merge compares from the newest release of its own line. `version` `None`
    /// (Unreleased) takes the greatest version below. `stable_only` takes stable releases only
    /// (policy `compare_base = "previous-stable"`). Versions that are not SemVer (PEP 440)
    /// cannot be ordered: then the first section below is the base.
    pub fn compare_base(
        &self,
        index: usize,
        version: Option<&str>,
        date: Option<&str>,
        stable_only: bool,
    ) -> Option<&Section> {
        let text = self.text.as_str();
        let parse = |v: &str| semver::Version::parse(v.trim_start_matches(['v', 'V'])).ok();
        let below: Vec<&Section> = self
            .sections
            .get(index + 1..)
            .unwrap_or_default()
            .iter()
            .filter(|s| !s.is_pending(text))
            .collect();
        let first = below.first().copied();
        let want = match version {
            Some(v) => match parse(v) {
                Some(want) => Some(want),
                None => return first,
            },
            None => None,
        };
        let date = date.and_then(|d| title::iso_date(d).ok());
        let mut best: Option<(semver::Version, &Section)> = None;
        let mut any_parsed = false;
        for s in below {
            let Some(sv) = parse(s.version(text)) else {
                continue;
            };
            any_parsed = true;
            if want.as_ref().is_some_and(|w| sv >= *w) || (stable_only && !sv.pre.is_empty()) {
                continue;
            }
            // Only a hotfix of an older line can be released after a newer line's release
            // and still sit below it; elsewhere a later date is a typo, not history.
            let hotfix = want
                .as_ref()
                .is_some_and(|w| (sv.major, sv.minor) != (w.major, w.minor) && sv.patch > 0);
            let later = hotfix
                && match (date, s.date(text).and_then(|d| title::iso_date(d).ok())) {
                    (Some(own), Some(theirs)) => theirs > own,
                    _ => false,
                };
            if later {
                continue;
            }
            if best.as_ref().is_none_or(|(b, _)| sv > *b) {
                best = Some((sv, s));
            }
        }
        match best {
            Some((_, s)) => Some(s),
            None if !any_parsed => first,
            // Every lower version is dated after this one: the dates are off, not the order.
            None if date.is_some() => self.compare_base(index, version, None, stable_only),
            None => None,
        }
    }

    /// Released version sections (everything but Unreleased), in file order.
    pub fn versions(&self) -> impl Iterator<Item = &Section> {
        self.sections.iter().filter(|s| !s.is_unreleased())
    }

    /// Sections whose version equals `version` (a leading `v` on either side is ignored); a
    /// heading that lists several versions (`## [0.8.0,0.8.1,0.8.2]`) is found by each.
    pub fn find(&self, version: &str) -> Vec<&Section> {
        let want = version.strip_prefix(['v', 'V']).unwrap_or(version);
        self.versions()
            .filter(|s| {
                let v = s.version(&self.text);
                v == want || (v.contains(',') && v.split(',').any(|p| p.trim() == want))
            })
            .collect()
    }

    /// Link definitions whose normalised label is `label`'s, in file order. A scan: callers
    /// that look up many labels build their own map (lint's first definitions).
    pub fn links_for(&self, label: &str) -> Vec<&LinkDef> {
        let want = normalize_label(label);
        self.blocks
            .links
            .iter()
            .filter(|d| label_is(&self.text[d.label.clone()], &want))
            .collect()
    }

    /// The line index, built on first use.
    pub(crate) fn line_index(&self) -> &LineIndex {
        self.line_index.get_or_init(|| LineIndex::new(&self.text))
    }

    /// 1-based line of an offset.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_index.get() {
            Some(index) => index.line(offset),
            None => {
                memchr::memchr_iter(b'\n', &self.text.as_bytes()[..offset.min(self.text.len())])
                    .count()
                    + 1
            }
        }
    }
}

/// Where a footer starts after the last version section: a heading of a higher level
/// (`# Older releases` in a file of `##` versions), or one of the version level that is not a
/// version (`## Earlier releases (0.10.1 and younger)`, `## Pre-0.2.7`) and whose title does
/// not also appear inside an earlier section (there it would be part of every release, like
/// `## New Contributors`). The last release's notes end there.
fn footer_start(
    text: &str,
    blocks: &Blocks,
    level: u8,
    sections: &[Section],
    last: &Section,
) -> Option<usize> {
    let after = last.heading.span.end;
    let first = blocks.headings.partition_point(|h| h.span.start < after);
    let heading = blocks.headings[first..].iter().find(|h| h.level <= level)?;
    if heading.level == level {
        let title = text[heading.title.clone()].trim();
        let repeated = blocks.headings[..first].iter().any(|h| {
            h.level == level
                && text[h.title.clone()].trim().eq_ignore_ascii_case(title)
                && sections
                    .first()
                    .is_some_and(|s| h.span.start > s.heading.span.start)
        });
        if repeated {
            return None;
        }
    }
    Some(heading.span.start)
}

fn fill_section(text: &str, blocks: &Blocks, level: u8, section: &mut Section) {
    let body = section.body.clone();
    // Category headings: the next level down, inside the body.
    let first = blocks
        .headings
        .partition_point(|h| h.span.start < body.start);
    let cats: Vec<&Heading> = blocks.headings[first..]
        .iter()
        .take_while(|h| h.span.start < body.end)
        .filter(|h| h.level == level + 1)
        .collect();
    let cat_ends: Vec<usize> = cats
        .iter()
        .skip(1)
        .map(|h| h.span.start)
        .chain(std::iter::once(body.end))
        .collect();
    let loose_end = cats.first().map_or(body.end, |h| h.span.start);
    section.loose_entries = entries_in(text, blocks, body.start..loose_end);
    // Loose text: content lines before the first category that are not list item lines.
    let ci = blocks.content.partition_point(|&s| s < body.start);
    let mut items = section.loose_entries.iter().peekable();
    for &line in blocks.content[ci..].iter().take_while(|&&s| s < loose_end) {
        while items.peek().is_some_and(|r| r.end <= line) {
            items.next();
        }
        if items.peek().is_some_and(|r| r.start <= line) {
            continue;
        }
        section.loose_text.push(line);
    }
    for (h, end) in cats.into_iter().zip(cat_ends) {
        let cbody = h.span.end..end;
        section.categories.push(Category {
            heading: h.clone(),
            entries: entries_in(text, blocks, cbody.clone()),
            body: cbody,
        });
    }
}

/// Top-level list items in `range`: each from its marker line to the next top-level item (or
/// the range end), with trailing blank lines, comments and definitions left out.
fn entries_in(text: &str, blocks: &Blocks, range: Range<usize>) -> Vec<Range<usize>> {
    let i = blocks.items.partition_point(|it| it.start < range.start);
    // One vector: each entry's start first, its end once the next start is known.
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut open_content: Option<usize> = None;
    for it in blocks.items[i..]
        .iter()
        .take_while(|it| it.start < range.end)
    {
        let top = match open_content {
            None => it.indent <= 3,
            Some(c) => it.indent < c,
        };
        if top {
            out.push(it.start..it.start);
            open_content = Some(it.content);
        }
    }
    // An item ends at the next item, a heading, or at the first non-blank line that is not
    // part of it; approximating: the next top-level item or the end of the range, trimmed back
    // to the last content line.
    for k in 0..out.len() {
        let limit = out.get(k + 1).map_or(range.end, |next| next.start);
        out[k].end = trim_block_end(text, blocks, out[k].start, limit);
    }
    out
}

/// The end of the last content line in `start..limit` (after its line ending).
pub(crate) fn trim_block_end(text: &str, blocks: &Blocks, start: usize, limit: usize) -> usize {
    let i = blocks.content.partition_point(|&s| s < limit);
    let last = if i > 0 { blocks.content[i - 1] } else { start };
    let last = last.max(start);
    match memchr::memchr(b'\n', &text.as_bytes()[last..limit]) {
        Some(p) => last + p + 1,
        None => limit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast paths of label matching against the one definition of a label's normal form:
    /// same key for every label, borrowed exactly when an ASCII label is already normal, so a
    /// wrong fast path shows as a different key, and a lost one as an allocation.
    #[test]
    fn label_keys_agree_with_normalize_label() {
        let rows = [
            "",
            "a",
            "1.2.0",
            "unreleased",
            "Unreleased",
            "FOO bar",
            "a b",
            "a  b",
            " a",
            "a ",
            "  ",
            " ",
            "a\tb",
            "a\nb",
            "a\rb",
            "a\u{b}b",
            "a\u{c}b",
            "\tA",
            "Ä",
            "straße",
            "x y z",
            "x  Y",
            "#123",
            "v1.0.0-RC.1",
        ];
        for raw in rows {
            let want = normalize_label(raw);
            let key = label_key(raw);
            assert_eq!(key, want, "label_key({raw:?})");
            let mut buf = String::from("stale");
            assert_eq!(label_key_in(raw, &mut buf), want, "label_key_in({raw:?})");
            assert!(label_is(raw, &want), "label_is({raw:?}, {want:?})");
            assert!(!label_is(raw, "something else"), "label_is({raw:?}, other)");
            if raw.is_ascii() {
                assert_eq!(
                    matches!(key, Cow::Borrowed(_)),
                    want == raw,
                    "label_key({raw:?}) borrows exactly when the label is already normal"
                );
                assert_eq!(
                    simple_label(raw),
                    want.len() == raw.len() && want.eq_ignore_ascii_case(raw),
                    "simple_label({raw:?})"
                );
            }
        }
    }
}
