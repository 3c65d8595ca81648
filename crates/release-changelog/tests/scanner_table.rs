//! The block scanner, row by row: which lines are top-level headings (and their level and
//! title), which are link reference definitions, and which start list items, for the CommonMark
//! block rules a changelog tool meets. Each row is written out by hand and, for headings and
//! list items, also checked against pulldown-cmark (the reference parser), so a row cannot
//! encode a mistake of ours. Found missing by mutation testing (issue 16): the property test
//! generates changelog-shaped text and rarely reaches these edges.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod reference;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use release_changelog::Changelog;

/// A top-level heading: (line, level, title).
type HeadingRow = (usize, u8, &'static str);

/// (case, markdown, the top-level headings)
const HEADINGS: &[(&str, &str, &[HeadingRow])] = &[
    (
        "atx",
        "# Changelog\n\n## [1.0.0] - 2026-01-01\n",
        &[(1, 1, "Changelog"), (3, 2, "[1.0.0] - 2026-01-01")],
    ),
    ("atx, closing sequence", "## 1.0.0 ##\n", &[(1, 2, "1.0.0")]),
    // A setext underline is the character repeated, then only whitespace; a bullet after a
    // paragraph starts a list, not a heading.
    ("text after an underline is text", "Text\n== x\n", &[]),
    (
        "a bullet after a paragraph is an item",
        "Text\n- item\n",
        &[],
    ),
    // A tilde fence's info may hold a backtick (a backtick fence's may not).
    (
        "a tilde fence with a backtick in its info",
        "~~~ a`b\n# inside\n~~~\n# after\n",
        &[(4, 1, "after")],
    ),
    (
        "atx, closing sequence and spaces",
        "## 1.0.0 ##   \n",
        &[(1, 2, "1.0.0")],
    ),
    (
        "atx, hashes glued to the title stay",
        "## 1.0.0#\n",
        &[(1, 2, "1.0.0#")],
    ),
    ("atx, only a closing sequence", "## ##\n", &[(1, 2, "")]),
    ("atx, empty", "##\n", &[(1, 2, "")]),
    ("atx, empty level 1", "#\n", &[(1, 1, "")]),
    (
        "atx, tab after the marks",
        "##\t1.0.0\n",
        &[(1, 2, "1.0.0")],
    ),
    (
        "atx, three spaces of indent",
        "   ## 1.0.0\n",
        &[(1, 2, "1.0.0")],
    ),
    ("atx, four spaces of indent is code", "    ## 1.0.0\n", &[]),
    ("atx, a tab of indent is code", "\t## 1.0.0\n", &[]),
    ("atx, two spaces and a tab is code", "  \t## 1.0.0\n", &[]),
    ("atx, seven marks is text", "####### 1.0.0\n", &[]),
    ("atx, no space after the marks is text", "##1.0.0\n", &[]),
    (
        "setext, level 1",
        "Changelog\n=========\n",
        &[(1, 1, "Changelog")],
    ),
    ("setext, level 2", "1.0.0\n-----\n", &[(1, 2, "1.0.0")]),
    (
        "setext, after a blank line",
        "Intro.\n\n1.0.0\n---\n",
        &[(3, 2, "1.0.0")],
    ),
    (
        "a rule after a blank line is no heading",
        "Text\n\n---\n",
        &[],
    ),
    (
        "fenced code hides headings",
        "```\n# not\n```\n# yes\n",
        &[(4, 1, "yes")],
    ),
    (
        "a longer closing fence",
        "````\n# not\n```\n# still code\n````\n# yes\n",
        &[(6, 1, "yes")],
    ),
    ("tilde fence", "~~~\n# not\n~~~\n", &[]),
    (
        "html block hides headings until a blank line",
        "<div>\n# not\n\n# yes\n",
        &[(4, 1, "yes")],
    ),
    (
        "html tag names are case-insensitive",
        "<DIV>\n# not\n\n# yes\n",
        &[(4, 1, "yes")],
    ),
    (
        "an html comment hides headings until it ends",
        "<!--\n# not\n-->\n# yes\n",
        &[(4, 1, "yes")],
    ),
    (
        "a processing instruction",
        "<?php\n# not\n?>\n# yes\n",
        &[(4, 1, "yes")],
    ),
    (
        "a declaration",
        "<!DOCTYPE html\n# not\n>\n# yes\n",
        &[(4, 1, "yes")],
    ),
    ("cdata", "<![CDATA[\n# not\n]]>\n# yes\n", &[(4, 1, "yes")]),
    (
        "script is raw html",
        "<script>\n# not\n\n# still\n</script>\n# yes\n",
        &[(6, 1, "yes")],
    ),
    (
        "a list item's heading is not top level",
        "- # nested\n# top\n",
        &[(2, 1, "top")],
    ),
    (
        "a list item's continuation is not top level",
        "- item\n\n  # nested\n\n# top\n",
        &[(5, 1, "top")],
    ),
    (
        "an ordered item's heading is not top level",
        "1. # nested\n10) # nested too\n",
        &[],
    ),
    ("ten digits is no list marker", "1234567890. # text\n", &[]),
    (
        "a block quote's heading is not top level",
        "> # quoted\n# top\n",
        &[(2, 1, "top")],
    ),
    (
        "front matter is skipped",
        "---\ntitle: x\n---\n# Changelog\n",
        &[(4, 1, "Changelog")],
    ),
    // A list item holds the lines indented to its content column: the marker's width plus the
    // spaces after it (one to four), or plus one when the item is empty or starts with indented
    // code. A heading indented less is back at the top level.
    (
        "an item's content column is after the marker and its space",
        "- a\n # x\n",
        &[(2, 1, "x")],
    ),
    (
        "two spaces after the marker move the content column",
        "-  a\n  # x\n",
        &[(2, 1, "x")],
    ),
    (
        "four spaces after the marker move the content column",
        "-    a\n  # x\n",
        &[(2, 1, "x")],
    ),
    (
        "an empty item's content column is the marker's plus one",
        "-\n # x\n",
        &[(2, 1, "x")],
    ),
    (
        "an empty item with trailing spaces holds the next line",
        "-  \n  # x\n",
        &[],
    ),
    (
        "five spaces after the marker are code inside the item",
        "-     code\n  # x\n",
        &[],
    ),
    (
        "an item starting with code ends at a line indented less",
        "-     code\n # x\n",
        &[(2, 1, "x")],
    ),
    // HTML blocks (CommonMark types 1-7) and what is not one.
    ("`<!` alone is text", "<!\n# x\n", &[(2, 1, "x")]),
    (
        "a tag name starts with a letter",
        "<1a>\n# x\n",
        &[(2, 1, "x")],
    ),
    (
        "a block tag needs no `>` on its line",
        "<div\n# not\n\n# yes\n",
        &[(4, 1, "yes")],
    ),
    (
        "a block tag interrupts a paragraph",
        "Text\n<div>\n# not\n\n# yes\n",
        &[(5, 1, "yes")],
    ),
    (
        "a complete tag followed by spaces",
        "<a href=\"x\">  \n# not\n\n# yes\n",
        &[(4, 1, "yes")],
    ),
    (
        "an incomplete tag is text",
        "<a title\n# x\n",
        &[(2, 1, "x")],
    ),
    (
        "a closing tag alone on its line",
        "</a>\n# not\n\n# yes\n",
        &[(4, 1, "yes")],
    ),
    (
        "an attribute name may start with a colon",
        "<a :href=\"x\">\n# not\n\n# yes\n",
        &[(4, 1, "yes")],
    ),
    (
        "an unquoted attribute value cannot hold a quote",
        "<a href=x\"y>\n# x\n",
        &[(2, 1, "x")],
    ),
    (
        "pre is raw html",
        "<pre>\n# not\n\n# still\n</pre>\n# yes\n",
        &[(6, 1, "yes")],
    ),
    (
        "style is raw html",
        "<style>\n# not\n\n# still\n</style>\n# yes\n",
        &[(6, 1, "yes")],
    ),
    (
        "textarea is raw html",
        "<textarea>\n# not\n\n# still\n</textarea>\n# yes\n",
        &[(6, 1, "yes")],
    ),
    // A setext heading's title is its text without the indentation and trailing spaces.
    (
        "setext, the title is trimmed",
        "  Changelog \t\n=========\n",
        &[(1, 1, "Changelog")],
    ),
    // TOML front matter (`+++`, Hugo) is skipped like YAML's: a `#` comment in it is no
    // heading.
    (
        "toml front matter is skipped",
        "+++\n# a TOML comment\n+++\n# Changelog\n",
        &[(4, 1, "Changelog")],
    ),
    // What ends a list item's lazy paragraph: a line that starts another block (a thematic
    // break, an HTML block) closes the item, so a line indented to the item's content column
    // after it is back at the top level; other text continues the paragraph and keeps the item
    // open, and so does a thematic break inside the item.
    (
        "a thematic break ends a list item",
        "- a\n***\n  # x\n",
        &[(3, 1, "x")],
    ),
    (
        "a thematic break inside an item keeps it open",
        "- a\n  ***\n  # x\n",
        &[],
    ),
    (
        "an html block ends a list item",
        "- a\n<div>\n\n  # x\n",
        &[(4, 1, "x")],
    ),
    (
        "a lazy line starting with emphasis continues the item",
        "- a\n_b_ c\n  # x\n",
        &[],
    ),
];

#[test]
fn top_level_headings() {
    for (case, text, want) in HEADINGS {
        let doc = Changelog::parse(*text);
        let ours: Vec<(usize, u8, &str)> = doc
            .blocks
            .headings
            .iter()
            .map(|h| (doc.line_of(h.span.start), h.level, &text[h.title.clone()]))
            .collect();
        assert_eq!(&ours, want, "{case}: {text:?}");
        let lines: Vec<(usize, u8)> = want.iter().map(|&(l, lv, _)| (l, lv)).collect();
        assert_eq!(
            reference::headings(text),
            lines,
            "{case}: the row disagrees with pulldown-cmark"
        );
    }
}

/// A link reference definition: (label, url).
type DefinitionRow = (&'static str, &'static str);

/// (case, markdown, the link reference definitions)
const DEFINITIONS: &[(&str, &str, &[DefinitionRow])] = &[
    (
        "plain",
        "[1.0.0]: https://example.org/v1\n",
        &[("1.0.0", "https://example.org/v1")],
    ),
    (
        "a tab after the colon",
        "[1.0.0]:\thttps://example.org/v1\n",
        &[("1.0.0", "https://example.org/v1")],
    ),
    (
        "no space after the colon",
        "[1.0.0]:https://example.org/v1\n",
        &[("1.0.0", "https://example.org/v1")],
    ),
    (
        "angle brackets",
        "[a]: <https://example.org/a b>\n",
        &[("a", "https://example.org/a b")],
    ),
    (
        "text after angle brackets is a paragraph",
        "[a]: <https://example.org/a> b\n",
        &[],
    ),
    (
        "a title in single quotes",
        "[a]: https://example.org/a 'T'\n",
        &[("a", "https://example.org/a")],
    ),
    (
        "a title in parentheses",
        "[a]: https://example.org/a (T)\n",
        &[("a", "https://example.org/a")],
    ),
    (
        "a title after the url",
        "[a]: https://example.org/a \"Title\"\n",
        &[("a", "https://example.org/a")],
    ),
    (
        "three spaces of indent",
        "   [a]: https://example.org/a\n",
        &[("a", "https://example.org/a")],
    ),
    (
        "four spaces of indent is code",
        "    [a]: https://example.org/a\n",
        &[],
    ),
    ("an empty label is text", "[]: https://example.org/a\n", &[]),
    ("no destination is text", "[a]:\n", &[]),
    (
        "a colon missing is text",
        "[a] https://example.org/a\n",
        &[],
    ),
    (
        "text after the destination is a paragraph",
        "[a]: https://example.org/a b\n",
        &[],
    ),
    (
        "inside fenced code",
        "```\n[a]: https://example.org/a\n```\n",
        &[],
    ),
    (
        "an escaped bracket in the label",
        "[a\\]b]: https://example.org/x\n",
        &[("a\\]b", "https://example.org/x")],
    ),
    (
        "a bracket in the label is text",
        "[a[b]: https://example.org/a\n",
        &[],
    ),
    (
        "a label of spaces is text",
        "[ \t]: https://example.org/a\n",
        &[],
    ),
    (
        "a title must be apart from the destination",
        "[a]: <https://example.org/a>\"t\"\n",
        &[],
    ),
    (
        "a title apart from an angle-bracket destination",
        "[a]: <https://example.org/a> \"t\"\n",
        &[("a", "https://example.org/a")],
    ),
    (
        "two in a row",
        "[a]: https://a.example\n[b]: https://b.example\n",
        &[("a", "https://a.example"), ("b", "https://b.example")],
    ),
    (
        "a definition cannot interrupt a paragraph",
        "Text\n[a]: https://example.org/a\n",
        &[],
    ),
];

#[test]
fn link_definitions() {
    for (case, text, want) in DEFINITIONS {
        let doc = Changelog::parse(*text);
        let ours: Vec<(&str, &str)> = doc
            .blocks
            .links
            .iter()
            .map(|d| (&text[d.label.clone()], &text[d.url.clone()]))
            .collect();
        assert_eq!(&ours, want, "{case}: {text:?}");
    }
}

/// (case, markdown, the lines that start top-level list items)
const ITEMS: &[(&str, &str, &[usize])] = &[
    ("dash, star, plus", "- a\n* b\n+ c\n", &[1, 2, 3]),
    ("ordered, dot and paren", "1. a\n2) b\n", &[1, 2]),
    ("a bullet after an ordered item", "1. a\n- b\n", &[1, 2]),
    (
        "an ordered list from 0 (clap's upgrade steps)",
        "0. a\n1. b\n2. c\n3. d\n",
        &[1, 2, 3, 4],
    ),
    ("an ordered item after a bullet", "- a\n2. b\n", &[1, 2]),
    (
        "a nested 2. inside an item continues its paragraph",
        "1. a\n   2. b\n",
        &[1],
    ),
    (
        "a top-level paragraph is continued by 2.",
        "Text\n2. b\n",
        &[],
    ),
    (
        "a top-level paragraph is interrupted by 1.",
        "Text\n1. b\n",
        &[2],
    ),
    ("nine digits", "123456789. a\n", &[1]),
    ("ten digits is text", "1234567890. a\n", &[]),
    ("a tab after the marker", "-\ta\n-\tb\n", &[1, 2]),
    (
        "code after five spaces is inside the item",
        "1.     code\n2. b\n",
        &[1, 2],
    ),
    ("a thematic break is no item", "- - -\n- a\n", &[2]),
    ("an empty item", "-\n- b\n", &[1, 2]),
    ("a marker needs a space", "-a\n", &[]),
    (
        "indented continuation is no new item",
        "- a\n  - nested\n- b\n",
        &[1, 3],
    ),
    ("in fenced code", "```\n- a\n```\n", &[]),
];

/// Top-level list item lines according to pulldown-cmark.
fn reference_items(text: &str) -> Vec<usize> {
    let mut depth = 0i32;
    let mut out = Vec::new();
    for (ev, range) in Parser::new_ext(text, Options::empty()).into_offset_iter() {
        match ev {
            Event::Start(Tag::Item) => {
                if depth == 1 {
                    out.push(text[..range.start].matches('\n').count() + 1);
                }
                depth += 1;
            }
            Event::End(TagEnd::Item) => depth -= 1,
            Event::Start(Tag::List(_)) => depth += 1,
            Event::End(TagEnd::List(_)) => depth -= 1,
            _ => {}
        }
    }
    out
}

#[test]
fn list_items_at_the_top_level() {
    for (case, text, want) in ITEMS {
        let doc = Changelog::parse(*text);
        let ours: Vec<usize> = doc
            .blocks
            .items
            .iter()
            .filter(|i| i.indent == 0)
            .map(|i| doc.line_of(i.start))
            .collect();
        assert_eq!(&ours, want, "{case}: {text:?}");
        assert_eq!(
            &reference_items(text),
            want,
            "{case}: the row disagrees with pulldown-cmark"
        );
    }
}

/// (case, markdown, the lines that start list items at any depth)
const NESTED_ITEMS: &[(&str, &str, &[usize])] = &[
    ("a nested item", "- a\n  - b\n", &[1, 2]),
    // A tab advances to the next multiple of four columns: after two spaces it reaches column
    // 4, two past the item's content column, so the line starts a nested item, not code.
    ("two spaces and a tab of indent", "- a\n  \t- b\n", &[1, 2]),
    (
        "six columns past the content column is code",
        "- a\n\n      - b\n",
        &[1],
    ),
    // A fence inside an item is closed by a fence indented to the item's content column (up
    // to three more); what follows is the item's again.
    (
        "a fence inside an item closes at the item's column",
        "- a\n\n  ```\n  - not an item\n  ```\n  - b\n",
        &[1, 6],
    ),
];

/// List item lines at any depth according to pulldown-cmark.
fn reference_items_at_any_depth(text: &str) -> Vec<usize> {
    Parser::new_ext(text, Options::empty())
        .into_offset_iter()
        .filter(|(ev, _)| matches!(ev, Event::Start(Tag::Item)))
        .map(|(_, range)| text[..range.start].matches('\n').count() + 1)
        .collect()
}

#[test]
fn list_items_at_any_depth() {
    for (case, text, want) in NESTED_ITEMS {
        let doc = Changelog::parse(*text);
        let ours: Vec<usize> = doc
            .blocks
            .items
            .iter()
            .map(|i| doc.line_of(i.start))
            .collect();
        assert_eq!(&ours, want, "{case}: {text:?}");
        assert_eq!(
            &reference_items_at_any_depth(text),
            want,
            "{case}: the row disagrees with pulldown-cmark"
        );
    }
}

/// A link label has at most 999 characters (CommonMark 0.31, "link label"): one more and the
/// line is text. Not checked against pulldown-cmark, which takes longer labels in definitions.
#[test]
fn a_link_label_is_at_most_999_characters() {
    for (len, defined) in [(998, true), (999, true), (1000, false), (1001, false)] {
        let label = "a".repeat(len);
        let text = format!("[{label}]: https://example.org/a\n");
        let doc = Changelog::parse(text.as_str());
        assert_eq!(
            doc.blocks.links.len(),
            usize::from(defined),
            "a label of {len}"
        );
    }
}

/// An HTML comment: (first line, last line).
type CommentRow = (usize, usize);

/// (case, markdown, the lines that carry content, the HTML comments)
///
/// Content lines decide whether a section is empty, and a comment is none (a template's
/// `<!-- note -->` leaves Unreleased empty); comments are trimmed from the end of release
/// notes. An HTML block other than a comment is content on every line. A comment (CommonMark
/// HTML block type 2) ends at the line holding `-->`, or runs to the end of the file.
const CONTENT: &[(&str, &str, &[usize], &[CommentRow])] = &[
    (
        "a one-line comment",
        "<!-- next-header -->\n- a\n",
        &[2],
        &[(1, 1)],
    ),
    (
        "a comment over several lines is no content",
        "<!--\nnote\n-->\n- a\n",
        &[4],
        &[(1, 3)],
    ),
    (
        "an unclosed comment runs to the end of the file",
        "- a\n<!--\nnote\n",
        &[1],
        &[(2, 3)],
    ),
    (
        "a processing instruction is content on every line",
        "<?php\nnote\n?>\n",
        &[1, 2, 3],
        &[],
    ),
    (
        "an unclosed processing instruction is no comment",
        "<?php\nnote\n",
        &[1, 2],
        &[],
    ),
];

#[test]
fn content_lines_and_comments() {
    for (case, text, content, comments) in CONTENT {
        let doc = Changelog::parse(*text);
        let lines: Vec<usize> = doc.blocks.content.iter().map(|&s| doc.line_of(s)).collect();
        assert_eq!(&lines, content, "{case}: content lines of {text:?}");
        let spans: Vec<(usize, usize)> = doc
            .blocks
            .comments
            .iter()
            .map(|c| (doc.line_of(c.span.start), doc.line_of(c.span.end - 1)))
            .collect();
        assert_eq!(&spans, comments, "{case}: comments of {text:?}");
    }
}

/// A scan asked to stop after a heading (`Changelog::parse_latest`, which `notes --latest` uses
/// on big files, reads no further than the first release's section) says so; a scan that read
/// the whole file says that.
#[test]
fn a_scan_says_whether_it_read_the_whole_file() {
    use release_changelog::scan::{scan, scan_until};
    let text = "# Changelog\n\n## [1.0.0]\n\nSet\n---\n\n## [0.9.0]\n";
    assert!(scan(text).complete);
    assert!(scan_until(text, false, |_, _| false).complete);
    for stop_at in 1..=3 {
        let stopped = scan_until(text, false, |_, h| h.len() == stop_at);
        assert!(!stopped.complete, "stopped at heading {stop_at}");
        assert_eq!(stopped.headings.len(), stop_at);
    }
}

/// (case, text, byte offset, (line, column)): where lint's diagnostics point. Lines and
/// columns count from 1, columns in characters; a byte order mark is no column; an offset
/// inside a character (no parsed span ends there) falls back to counting bytes.
const POSITIONS: &[(&str, &str, usize, (usize, usize))] = &[
    ("the first byte", "# a\n", 0, (1, 1)),
    ("the first byte of a line", "# a\n## b\n", 4, (2, 1)),
    ("columns are characters", "# é b\n", 5, (1, 5)),
    ("a byte order mark is no column", "\u{feff}# a\n", 3, (1, 1)),
    ("after a byte order mark", "\u{feff}# a\n", 5, (1, 3)),
    ("the byte order mark itself", "\u{feff}# a\n", 0, (1, 1)),
    (
        "a byte order mark counts on the first line only",
        "\u{feff}# a\n# b\n",
        9,
        (2, 3),
    ),
    ("inside a character", "ab\n€\n", 5, (2, 3)),
];

#[test]
fn line_and_column_of_an_offset() {
    use release_changelog::scan::LineIndex;
    for (case, text, offset, want) in POSITIONS {
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, *offset), *want, "{case}: {text:?}");
        assert_eq!(index.line(*offset), want.0, "{case}: line of {offset}");
    }
}
