//! pulldown-cmark, the reference parser, as the oracle of the scanner tests: what it reads as
//! top-level headings. Shared by `properties.rs` and `scanner_table.rs`.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// Top-level headings (not inside a list item or block quote) according to pulldown-cmark:
/// (1-based line, level). A byte order mark at the start is skipped, as the scanner skips it.
pub fn headings(text: &str) -> Vec<(usize, u8)> {
    let (body, shift) = match text.strip_prefix('\u{feff}') {
        Some(b) => (b, 3),
        None => (text, 0),
    };
    let mut depth = 0i32;
    let mut out = Vec::new();
    let opts = Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS;
    for (ev, range) in Parser::new_ext(body, opts).into_offset_iter() {
        match ev {
            Event::Start(Tag::BlockQuote(_) | Tag::List(_) | Tag::Item) => depth += 1,
            Event::End(TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item) => depth -= 1,
            Event::Start(Tag::Heading { level, .. }) if depth == 0 => out.push((
                text[..range.start + shift].matches('\n').count() + 1,
                level as u8,
            )),
            _ => {}
        }
    }
    out
}
