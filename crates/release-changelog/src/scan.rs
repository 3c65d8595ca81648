//! The block scanner: one pass over the lines of a Markdown file that finds what a changelog
//! tool needs (top-level headings, link reference definitions, list items, HTML comments,
//! fences, front matter, merge-conflict markers) with the CommonMark block rules that decide
//! whether a `#` line is a heading: fenced and indented code, HTML blocks, front matter, list
//! item containers, block quotes and setext underlines.
//!
//! It records byte offsets only, never copies text, so it runs at memory speed; the tests and
//! the fuzz target check its headings against `pulldown-cmark` (the reference parser).

use std::ops::Range;

/// A heading at the top level of the document (not inside a list item or block quote).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1-6.
    pub level: u8,
    /// The whole heading: its line(s), setext underline and line ending included.
    pub span: Range<usize>,
    /// The heading's text, trimmed (without `#` marks or the underline).
    pub title: Range<usize>,
    /// True for a setext heading (`Title\n=====`).
    pub setext: bool,
}

/// A link reference definition (`[label]: url`), one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkDef {
    /// The label between the brackets.
    pub label: Range<usize>,
    /// The destination (without `<>`).
    pub url: Range<usize>,
    /// The whole line, line ending included.
    pub span: Range<usize>,
}

/// A list item marker line at the top level (or nested: see `indent`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemLine {
    /// Start of the line.
    pub start: usize,
    /// Columns of indentation before the marker.
    pub indent: usize,
    /// Column where the item's content starts.
    pub content: usize,
}

/// An HTML comment block (`<!-- ... -->` starting a line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The block's lines, line ending included.
    pub span: Range<usize>,
}

/// What the scan found.
#[derive(Debug, Clone, Default)]
pub struct Blocks {
    /// Offset where Markdown starts (after a byte order mark).
    pub start: usize,
    /// YAML (`---`) or TOML (`+++`) front matter, line endings included.
    pub front_matter: Option<Range<usize>>,
    /// Top-level headings in document order.
    pub headings: Vec<Heading>,
    /// Top-level link reference definitions.
    pub links: Vec<LinkDef>,
    /// List item lines outside code and HTML.
    pub items: Vec<ItemLine>,
    /// HTML comment blocks.
    pub comments: Vec<Comment>,
    /// Starts of non-blank lines that carry content: paragraphs, list items, code, quotes, HTML
    /// other than comments, tables. Not headings, definitions, comments or front matter.
    pub content: Vec<usize>,
    /// The opening line of a fence that is never closed.
    pub unclosed_fence: Option<usize>,
    /// The opening line of an HTML block that never ends (a comment without `-->`, ...).
    pub unclosed_html: Option<usize>,
    /// Starts of lines that are merge-conflict markers (`<<<<<<<`, `=======`, `>>>>>>>`).
    pub conflicts: Vec<usize>,
    /// False when the scan stopped early on request.
    pub complete: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum HtmlEnd {
    Comment,
    Processing,
    Declaration,
    Cdata,
    Raw,
    Blank,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ParaKind {
    Top,
    Nested,
}

/// The leading whitespace of a line: (columns, bytes), tabs to the next multiple of 4.
fn indentation(line: &[u8]) -> (usize, usize) {
    let mut cols = 0;
    let mut i = 0;
    while i < line.len() {
        match line[i] {
            b' ' => cols += 1,
            b'\t' => cols += 4 - cols % 4,
            _ => break,
        }
        i += 1;
    }
    (cols, i)
}

fn is_blank(rest: &[u8]) -> bool {
    rest.iter().all(|b| matches!(b, b' ' | b'\t'))
}

/// `#`..`######` followed by space, tab or end of line: the level.
fn atx_level(rest: &[u8]) -> Option<u8> {
    let n = rest.iter().take_while(|&&b| b == b'#').count();
    if (1..=6).contains(&n) && matches!(rest.get(n), None | Some(b' ' | b'\t')) {
        Some(n as u8)
    } else {
        None
    }
}

/// The trimmed title of an ATX heading line (`rest` starts at the first `#`).
fn atx_title(rest: &[u8], level: u8) -> Range<usize> {
    let mut start = level as usize;
    let mut end = rest.len();
    // The trims going backwards need no `end > start` bound: the last opening `#`, just before
    // `start`, stops them.
    while matches!(rest[end - 1], b' ' | b'\t') {
        end -= 1;
    }
    // A closing sequence of `#` counts only when preceded by a space (or is all there is).
    // Without one (`j == end`) this changes nothing: `rest[end - 1]` is no space.
    let mut j = end;
    while j > start && rest[j - 1] == b'#' {
        j -= 1;
    }
    if j == start || matches!(rest[j - 1], b' ' | b'\t') {
        end = j;
        while matches!(rest[end - 1], b' ' | b'\t') {
            end -= 1;
        }
    }
    while start < end && matches!(rest[start], b' ' | b'\t') {
        start += 1;
    }
    start..end.max(start)
}

/// A fence opening: (char, length) when `rest` is ``` ``` ``` or `~~~` (3+) with a valid info.
fn fence_open(rest: &[u8]) -> Option<(u8, usize)> {
    let ch = *rest.first()?;
    if ch != b'`' && ch != b'~' {
        return None;
    }
    let n = rest.iter().take_while(|&&b| b == ch).count();
    if n < 3 {
        return None;
    }
    if ch == b'`' && rest[n..].contains(&b'`') {
        return None;
    }
    Some((ch, n))
}

fn fence_close(rest: &[u8], ch: u8, len: usize) -> bool {
    let n = rest.iter().take_while(|&&b| b == ch).count();
    n >= len && is_blank(&rest[n..])
}

/// `***`, `---`, `___` (3+, spaces allowed between).
fn thematic_break(rest: &[u8]) -> bool {
    let ch = rest[0];
    let mut n = 0;
    for &b in rest {
        if b == ch {
            n += 1;
        } else if b != b' ' && b != b'\t' {
            return false;
        }
    }
    n >= 3
}

/// A setext underline of `ch`: the char repeated, then only whitespace.
fn setext_underline(rest: &[u8], ch: u8) -> bool {
    let n = rest.iter().take_while(|&&b| b == ch).count();
    n >= 1 && is_blank(&rest[n..])
}

/// A list marker at the start of `rest`: the marker width (including the following spaces, at
/// least one; 1 when the item is empty).
fn list_marker(rest: &[u8]) -> Option<(usize, bool)> {
    let (width, ordered) = match rest[0] {
        b'-' | b'*' | b'+' => (1, false),
        b'0'..=b'9' => {
            let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            if digits > 9 || !matches!(rest.get(digits), Some(b'.' | b')')) {
                return None;
            }
            (digits + 1, true)
        }
        _ => return None,
    };
    match rest.get(width) {
        None => Some((width + 1, ordered)),
        Some(b' ' | b'\t') => {
            let spaces = rest[width..]
                .iter()
                .take_while(|&&b| b == b' ' || b == b'\t')
                .count();
            if width + spaces == rest.len() || spaces > 4 {
                // An empty item, or indented code inside the item.
                Some((width + 1, ordered))
            } else {
                Some((width + spaces, ordered))
            }
        }
        _ => None,
    }
}

const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "base",
    "basefont",
    "blockquote",
    "body",
    "caption",
    "center",
    "col",
    "colgroup",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "iframe",
    "legend",
    "li",
    "link",
    "main",
    "menu",
    "menuitem",
    "nav",
    "noframes",
    "ol",
    "optgroup",
    "option",
    "p",
    "param",
    "search",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "track",
    "ul",
];

fn starts_with_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len() && hay[..needle.len()].eq_ignore_ascii_case(needle)
}

fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// The HTML block kind a line starts (CommonMark types 1-7), if any.
fn html_start(rest: &[u8], in_paragraph: bool) -> Option<HtmlEnd> {
    if rest.first() != Some(&b'<') {
        return None;
    }
    if rest.starts_with(b"<!--") {
        return Some(HtmlEnd::Comment);
    }
    if rest.starts_with(b"<?") {
        return Some(HtmlEnd::Processing);
    }
    if rest.starts_with(b"<![CDATA[") {
        return Some(HtmlEnd::Cdata);
    }
    if rest.len() > 2 && rest[1] == b'!' && rest[2].is_ascii_alphabetic() {
        return Some(HtmlEnd::Declaration);
    }
    for tag in [&b"script"[..], b"pre", b"style", b"textarea"] {
        if starts_with_ci(&rest[1..], tag)
            && matches!(rest.get(1 + tag.len()), None | Some(b' ' | b'\t' | b'>'))
        {
            return Some(HtmlEnd::Raw);
        }
    }
    let (closing, name_start) = if rest.get(1) == Some(&b'/') {
        (true, 2)
    } else {
        (false, 1)
    };
    let name_len = rest[name_start..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
        .count();
    if name_len == 0 || !rest[name_start].is_ascii_alphabetic() {
        return None;
    }
    let name = &rest[name_start..name_start + name_len];
    let after = &rest[name_start + name_len..];
    if BLOCK_TAGS
        .iter()
        .any(|t| t.as_bytes().eq_ignore_ascii_case(name))
        && (after.is_empty() || matches!(after[0], b' ' | b'\t' | b'>') || after.starts_with(b"/>"))
    {
        return Some(HtmlEnd::Blank);
    }
    // Type 7: a complete open or closing tag alone on the line; cannot interrupt a paragraph.
    if in_paragraph {
        return None;
    }
    let trimmed_len = rest.len()
        - rest
            .iter()
            .rev()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
    let body = &rest[..trimmed_len];
    // (`body[1..]` ends in that `>`, so searching it for `<` is searching the tag's inside.)
    if !body.ends_with(b">") || body[1..].contains(&b'<') {
        return None;
    }
    if closing {
        if is_blank(&body[name_start + name_len..body.len() - 1]) {
            return Some(HtmlEnd::Blank);
        }
        return None;
    }
    // Attributes, as CommonMark defines an open tag.
    let inner = &body[name_start + name_len..body.len() - 1];
    if open_tag_rest(inner) {
        Some(HtmlEnd::Blank)
    } else {
        None
    }
}

/// The part of an open tag after its name and before `>`: attributes, spaces, an optional `/`.
fn open_tag_rest(mut t: &[u8]) -> bool {
    let ws = |b: u8| matches!(b, b' ' | b'\t' | b'\n');
    loop {
        let spaces = t.iter().take_while(|&&b| ws(b)).count();
        let rest = &t[spaces..];
        if rest.is_empty() || rest == b"/" {
            return true;
        }
        if spaces == 0 {
            return false; // an attribute must follow whitespace
        }
        // Attribute name.
        if !(rest[0].is_ascii_alphabetic() || rest[0] == b'_' || rest[0] == b':') {
            return false;
        }
        let n = rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':' | b'-'))
            .count();
        let mut r = &rest[n..];
        // Optional value.
        let s2 = r.iter().take_while(|&&b| ws(b)).count();
        if r.get(s2) == Some(&b'=') {
            r = &r[s2 + 1..];
            let s3 = r.iter().take_while(|&&b| ws(b)).count();
            r = &r[s3..];
            match r.first() {
                Some(&q @ (b'"' | b'\'')) => {
                    let Some(end) = r[1..].iter().position(|&b| b == q) else {
                        return false;
                    };
                    r = &r[end + 2..];
                }
                Some(_) => {
                    let v = r
                        .iter()
                        .take_while(|&&b| {
                            !ws(b) && !matches!(b, b'"' | b'\'' | b'=' | b'<' | b'>' | b'`')
                        })
                        .count();
                    if v == 0 {
                        return false;
                    }
                    r = &r[v..];
                }
                None => return false,
            }
        }
        t = r;
    }
}

fn html_ends(kind: HtmlEnd, line: &[u8]) -> bool {
    match kind {
        HtmlEnd::Comment => memchr::memmem::find(line, b"-->").is_some(),
        HtmlEnd::Processing => memchr::memmem::find(line, b"?>").is_some(),
        HtmlEnd::Declaration => line.contains(&b'>'),
        HtmlEnd::Cdata => memchr::memmem::find(line, b"]]>").is_some(),
        HtmlEnd::Raw => {
            contains_ci(line, b"</script>")
                || contains_ci(line, b"</pre>")
                || contains_ci(line, b"</style>")
                || contains_ci(line, b"</textarea>")
        }
        HtmlEnd::Blank => false,
    }
}

/// `[label]: destination` at the start of `rest`: (label range, url range) relative to `rest`.
fn link_def(rest: &[u8]) -> Option<(Range<usize>, Range<usize>)> {
    if rest.first() != Some(&b'[') {
        return None;
    }
    let mut i = 1;
    let mut nonblank = false;
    while i < rest.len() {
        match rest[i] {
            b'\\' => i += 1,
            b'[' => return None,
            b']' => break,
            b' ' | b'\t' => {}
            _ => nonblank = true,
        }
        i += 1;
    }
    if i >= rest.len() || !nonblank || i > 1000 || rest.get(i + 1) != Some(&b':') {
        return None;
    }
    let label = 1..i;
    let mut j = i + 2;
    while j < rest.len() && matches!(rest[j], b' ' | b'\t') {
        j += 1;
    }
    if j >= rest.len() {
        return None; // destination on the next line: not recorded (rare in changelogs)
    }
    let (url, after) = if rest[j] == b'<' {
        let end = memchr::memchr(b'>', &rest[j + 1..])? + j + 1;
        (j + 1..end, end + 1)
    } else {
        let end = memchr::memchr2(b' ', b'\t', &rest[j..]).map_or(rest.len(), |p| p + j);
        (j..end, end)
    };
    // After the destination: nothing, or a title (`"..."`, `'...'`, `(...)`). Other text makes
    // the line a paragraph, not a definition.
    let tail = &rest[after.min(rest.len())..];
    let title = tail.iter().position(|&b| b != b' ' && b != b'\t');
    match title.map(|p| tail[p]) {
        None => {}
        Some(b'"' | b'\'' | b'(') if title.is_some_and(|p| p > 0) => {}
        Some(_) => return None,
    }
    Some((label, url))
}

/// Calls `f` on each line: (start, end without the line ending, start of the next line).
struct Lines<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Iterator for Lines<'_> {
    type Item = (usize, usize, usize);
    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.bytes.len() {
            return None;
        }
        let start = self.pos;
        let (end, next) = match memchr::memchr(b'\n', &self.bytes[start..]) {
            Some(i) => {
                let nl = start + i;
                let end = if nl > start && self.bytes[nl - 1] == b'\r' {
                    nl - 1
                } else {
                    nl
                };
                (end, nl + 1)
            }
            None => (self.bytes.len(), self.bytes.len()),
        };
        self.pos = next;
        Some((start, end, next))
    }
}

/// Scans a whole document.
pub fn scan(text: &str) -> Blocks {
    scan_until(text, true, |_, _| false)
}

/// A list that records only when asked to (the light scan for notes skips per-line data).
struct Rec {
    on: bool,
    v: Vec<usize>,
}

impl Rec {
    fn push(&mut self, x: usize) {
        if self.on {
            self.v.push(x);
        }
    }
}

/// Scans until `stop(text, headings)` returns true after a heading is recorded. With `full`
/// false, content lines and list items are not recorded (enough for release notes, and it
/// keeps memory near the file's size on huge files).
pub fn scan_until(
    text: &str,
    full: bool,
    mut stop: impl FnMut(&str, &[Heading]) -> bool,
) -> Blocks {
    let mut content = Rec {
        on: full,
        v: Vec::new(),
    };
    let mut item_lines: Vec<ItemLine> = Vec::new();
    let bytes = text.as_bytes();
    let mut out = Blocks {
        start: if bytes.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        },
        complete: true,
        ..Blocks::default()
    };
    let mut lines = Lines {
        bytes,
        pos: out.start,
    };
    front_matter(bytes, &mut lines, &mut out);

    // Open blocks.
    let mut fence: Option<(u8, usize, usize, usize)> = None; // (char, len, container indent, start)
    let mut html: Option<(HtmlEnd, usize)> = None;
    let mut para: Option<(usize, usize, ParaKind)> = None; // (start, end of last line, kind)
    let mut item: Option<usize> = None; // content indent of the open list item
    let mut in_conflict = false;

    for (s, e, next) in lines {
        let line = &bytes[s..e];
        let (indent, ws) = indentation(line);
        let rest = &line[ws..];
        let blank = rest.is_empty() || is_blank(rest);

        if let Some((ch, len, container, _)) = fence {
            if blank {
                continue;
            }
            if indent < container {
                fence = None; // the list item ended, and the fence with it
            } else {
                if indent - container <= 3 && fence_close(rest, ch, len) {
                    fence = None;
                } else {
                    content.push(s);
                }
                continue;
            }
        }
        if let Some((kind, start)) = html {
            if kind == HtmlEnd::Blank {
                if blank {
                    html = None;
                } else {
                    content.push(s);
                }
                continue;
            }
            if kind != HtmlEnd::Comment {
                content.push(s);
            }
            if html_ends(kind, line) {
                html = None;
                if kind == HtmlEnd::Comment {
                    out.comments.push(Comment { span: start..next });
                }
            }
            continue;
        }
        if blank {
            para = None;
            continue;
        }
        // Inside an open list item? Lines indented to its content belong to it.
        let nested = match item {
            Some(c) if indent >= c => true,
            Some(_) if para.is_some_and(|p| p.2 == ParaKind::Nested) && !is_block_start(rest) => {
                true // lazy continuation of the item's paragraph
            }
            Some(_) => {
                // The line closes the item, and with it the item's paragraph: a list marker
                // here starts a sibling item whatever its number (`1. a` then `2) b`).
                item = None;
                if para.is_some_and(|p| p.2 == ParaKind::Nested) {
                    para = None;
                }
                false
            }
            None => false,
        };
        let rel = if nested {
            indent - item.unwrap_or(0).min(indent)
        } else {
            indent
        };
        if rel >= 4 {
            // Indented code, or a paragraph continuation.
            content.push(s);
            if let Some(p) = &mut para {
                p.1 = e;
            }
            continue;
        }
        let b0 = rest[0];
        // Merge-conflict markers (they are never valid Markdown content a writer wants).
        if !nested && indent == 0 {
            if rest.starts_with(b"<<<<<<<") && matches!(rest.get(7), None | Some(b' ')) {
                out.conflicts.push(s);
                in_conflict = true;
                content.push(s);
                para = None;
                continue;
            }
            if in_conflict && rest.starts_with(b"=======") && is_blank(&rest[7..]) {
                out.conflicts.push(s);
                content.push(s);
                para = None;
                continue;
            }
            if rest.starts_with(b">>>>>>>") && matches!(rest.get(7), None | Some(b' ')) {
                out.conflicts.push(s);
                in_conflict = false;
                content.push(s);
                para = None;
                continue;
            }
        }
        match b0 {
            b'#' => {
                if let Some(level) = atx_level(rest) {
                    para = None;
                    if nested {
                        content.push(s);
                    } else if full || level <= 2 {
                        // (The light scan keeps only the levels sections can have.)
                        let t = atx_title(rest, level);
                        out.headings.push(Heading {
                            level,
                            span: s..next,
                            title: s + ws + t.start..s + ws + t.end,
                            setext: false,
                        });
                        if stop(text, &out.headings) {
                            out.complete = false;
                            out.content = content.v;
                            out.items = item_lines;
                            return out;
                        }
                    }
                    continue;
                }
            }
            b'`' | b'~' => {
                if let Some((ch, len)) = fence_open(rest) {
                    para = None;
                    let container = if nested { item.unwrap_or(0) } else { 0 };
                    fence = Some((ch, len, container, s));
                    content.push(s);
                    continue;
                }
            }
            b'<' => {
                if let Some(kind) = html_start(rest, para.is_some()) {
                    para = None;
                    if kind != HtmlEnd::Comment {
                        content.push(s);
                    }
                    if kind != HtmlEnd::Blank && html_ends(kind, &rest[1..]) {
                        if kind == HtmlEnd::Comment {
                            out.comments.push(Comment { span: s..next });
                        }
                    } else {
                        html = Some((kind, s));
                    }
                    continue;
                }
            }
            b'=' | b'-' => {
                if let Some((pstart, pend, ParaKind::Top)) = para {
                    if !nested && setext_underline(rest, b0) {
                        out.headings.push(Heading {
                            level: if b0 == b'=' { 1 } else { 2 },
                            span: pstart..next,
                            title: trim_range(bytes, pstart, pend),
                            setext: true,
                        });
                        para = None;
                        if stop(text, &out.headings) {
                            out.complete = false;
                            out.content = content.v;
                            out.items = item_lines;
                            return out;
                        }
                        continue;
                    }
                }
            }
            _ => {}
        }
        if matches!(b0, b'-' | b'*' | b'_') && thematic_break(rest) {
            para = None;
            if !nested {
                item = None;
            }
            continue;
        }
        if let Some((width, ordered)) = list_marker(rest) {
            // An ordered item interrupts a paragraph only when it starts at 1; an empty item
            // never does.
            let empty = is_blank(&rest[width.min(rest.len())..]);
            let interrupts = para.is_none()
                || (!empty && (!ordered || rest.starts_with(b"1.") || rest.starts_with(b"1)")));
            if interrupts {
                let item_content = indent + width;
                if full {
                    item_lines.push(ItemLine {
                        start: s,
                        indent,
                        content: item_content,
                    });
                }
                content.push(s);
                item = Some(item_content);
                para = if empty {
                    None
                } else {
                    Some((s, e, ParaKind::Nested))
                };
                continue;
            }
        }
        if b0 == b'>' {
            content.push(s);
            para = Some((s, e, ParaKind::Nested));
            continue;
        }
        if b0 == b'[' && para.is_none() && !nested {
            if let Some((label, url)) = link_def(rest) {
                let base = s + ws;
                out.links.push(LinkDef {
                    label: base + label.start..base + label.end,
                    url: base + url.start..base + url.end,
                    span: s..next,
                });
                continue;
            }
        }
        // Paragraph text.
        content.push(s);
        match &mut para {
            Some(p) => p.1 = e,
            None => {
                let kind = if nested {
                    ParaKind::Nested
                } else {
                    ParaKind::Top
                };
                para = Some((s, e, kind));
            }
        }
    }
    out.content = content.v;
    out.items = item_lines;
    if let Some((_, _, _, start)) = fence {
        if fence.is_some_and(|f| f.2 == 0) {
            out.unclosed_fence = Some(start);
        }
    }
    if let Some((kind, start)) = html {
        if kind != HtmlEnd::Blank {
            out.unclosed_html = Some(start);
        }
        if kind == HtmlEnd::Comment {
            out.comments.push(Comment {
                span: start..bytes.len(),
            });
        }
    }
    out
}

/// Whether a line (from its first non-blank byte) starts a block that ends a lazy paragraph.
fn is_block_start(rest: &[u8]) -> bool {
    match rest[0] {
        b'#' => atx_level(rest).is_some(),
        b'`' | b'~' => fence_open(rest).is_some(),
        b'-' | b'*' | b'_' if thematic_break(rest) => true,
        b'-' | b'*' | b'+' | b'0'..=b'9' => list_marker(rest).is_some(),
        b'>' => true,
        b'<' => html_start(rest, true).is_some(),
        _ => false,
    }
}

fn trim_range(bytes: &[u8], mut start: usize, mut end: usize) -> Range<usize> {
    while start < end && matches!(bytes[start], b' ' | b'\t') {
        start += 1;
    }
    while end > start && matches!(bytes[end - 1], b' ' | b'\t' | b'\r') {
        end -= 1;
    }
    start..end
}

fn front_matter(bytes: &[u8], lines: &mut Lines<'_>, out: &mut Blocks) {
    let start = lines.pos;
    let mut probe = Lines { bytes, pos: start };
    let Some((s, e, _)) = probe.next() else {
        return;
    };
    let first = &bytes[s..e];
    let closers: &[&[u8]] = match first {
        b"---" => &[b"---", b"..."],
        b"+++" => &[b"+++"],
        _ => return,
    };
    // pulldown-cmark (and Jekyll/Hugo) want content right after the opening line.
    if let Some((s2, e2, _)) = (Lines {
        bytes,
        pos: probe.pos,
    })
    .next()
    {
        if is_blank(&bytes[s2..e2]) {
            return;
        }
    }
    for (ls, le, next) in probe.by_ref() {
        let line = &bytes[ls..le];
        if closers.contains(&line) {
            out.front_matter = Some(start..next);
            lines.pos = next;
            return;
        }
    }
}

/// Line starts of `text` for turning offsets into line/column.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Self { starts }
    }

    /// 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).max(1)
    }

    /// 1-based line and 1-based column in characters of a byte offset.
    pub fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let offset = offset.min(text.len());
        let col = text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        // A BOM is not a column a user sees.
        let col = if start == 0 && text.starts_with('\u{feff}') && offset > 0 {
            col - 1
        } else {
            col
        };
        (line, col + 1)
    }
}
