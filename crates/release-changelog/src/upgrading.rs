//! The upgrading guide (C5), in both shapes seen in the field: rows in per-topic GFM tables
//! keyed by version ("Breaking Changes", "Environment Variable Changes": newest row on top, a
//! placeholder row kept last), and a section per version (`## Upgrading to X.Y.Z`).
//!
//! The guide is small and its tables need a real GFM parse, so this module reads it with
//! `pulldown-cmark` (tables enabled) and its offset iterator; edits are splices as in the
//! changelog.

use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use release_core::policy::Policy;
use release_core::version::ReleaseVersion;
use serde::Serialize;

use crate::edit::Edit;
use crate::{splice, Error};

/// What a table is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Topic {
    /// Breaking changes and their migration paths.
    Breaking,
    /// New, removed and renamed environment variables.
    Environment,
}

/// A version-keyed table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Its topic, from the heading above it.
    pub topic: Topic,
    /// Number of columns.
    pub columns: usize,
    /// Where a new top row goes (start of the first body row's line, or after the delimiter
    /// row).
    pub insert_at: usize,
    /// Body rows: (line start, first cell's text).
    pub rows: Vec<(usize, String)>,
}

/// A `## Upgrading to X.Y.Z` section heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionSection {
    /// The version in the heading.
    pub version: String,
    /// The heading's level.
    pub level: u8,
    /// The heading's byte range.
    pub span: Range<usize>,
    /// The heading title.
    pub title: String,
}

/// The guide's shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guide {
    /// Version-keyed tables, in file order.
    pub tables: Vec<Table>,
    /// Version section headings, in file order.
    pub sections: Vec<VersionSection>,
}

/// The notes for one version.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpgradeNotes {
    /// Breaking changes with their migration paths.
    pub breaking: Vec<(String, Option<String>)>,
    /// New variables: (name, description).
    pub env_added: Vec<(String, String)>,
    /// Removed variables.
    pub env_removed: Vec<String>,
    /// Renamed variables: (old, new).
    pub env_renamed: Vec<(String, String)>,
    /// Record "no breaking changes / no variable changes" for topics not given otherwise.
    pub none: bool,
}

/// The first `X.Y.Z[-pre]` in a text, also when written as a tag (`v2.0.0`).
pub fn find_version(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    // A version starts a word, or follows a `v` that does.
    let word_start = |at: usize| at == 0 || !b[at - 1].is_ascii_alphanumeric() && b[at - 1] != b'.';
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit()
            && (word_start(i) || matches!(b[i - 1], b'v' | b'V') && word_start(i - 1))
        {
            let start = i;
            let mut dots = 0;
            let mut j = i;
            loop {
                while j < b.len() && b[j].is_ascii_digit() {
                    j += 1;
                }
                if dots < 2 && j + 1 < b.len() && b[j] == b'.' && b[j + 1].is_ascii_digit() {
                    dots += 1;
                    j += 1;
                } else {
                    break;
                }
            }
            if dots == 2 {
                // A pre-release starts with an alphanumeric after the dash; the loop below
                // takes the dash itself too.
                if j + 1 < b.len() && b[j] == b'-' && b[j + 1].is_ascii_alphanumeric() {
                    while j < b.len()
                        && (b[j].is_ascii_alphanumeric() || b[j] == b'.' || b[j] == b'-')
                    {
                        j += 1;
                    }
                    while matches!(b[j - 1], b'.' | b'-') {
                        j -= 1;
                    }
                }
                return Some(&text[start..j]);
            }
            // `b[i]` is a digit, so `j` is past it.
            i = j;
        } else {
            i += 1;
        }
    }
    None
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |p| p + 1)
}

fn line_end_after(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |p| at + p + 1)
}

/// Reads the guide's shape.
pub fn read(text: &str) -> Guide {
    let mut tables = Vec::new();
    let mut sections = Vec::new();
    let mut heading: Option<(u8, usize, String)> = None; // open heading
    let mut last_heading = String::new();
    let mut table: Option<Table> = None;
    let mut in_head = false;
    let mut header_cells: Vec<String> = Vec::new();
    let mut cell: Option<String> = None;
    let mut row: Option<(usize, Vec<String>)> = None;
    let mut head_end = 0;
    for (ev, range) in Parser::new_ext(text, Options::ENABLE_TABLES).into_offset_iter() {
        match ev {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((heading_level(level), range.start, String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, start, title)) = heading.take() {
                    if let Some(v) = find_version(&title) {
                        sections.push(VersionSection {
                            version: v.to_string(),
                            level,
                            span: start..range.end,
                            title: title.clone(),
                        });
                    }
                    last_heading = title;
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, title)) = &mut heading {
                    title.push_str(&t);
                }
                if let Some(c) = &mut cell {
                    c.push_str(&t);
                }
            }
            Event::Start(Tag::Table(aligns)) => {
                let lower = last_heading.to_lowercase();
                let topic = if lower.contains("breaking") {
                    Some(Topic::Breaking)
                } else if lower.contains("environment") || lower.contains("variable") {
                    Some(Topic::Environment)
                } else {
                    None
                };
                table = topic.map(|topic| Table {
                    topic,
                    columns: aligns.len(),
                    insert_at: 0,
                    rows: Vec::new(),
                });
                header_cells.clear();
            }
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableHead) => {
                in_head = false;
                head_end = range.end;
            }
            Event::Start(Tag::TableRow) => row = Some((line_start(text, range.start), Vec::new())),
            Event::End(TagEnd::TableRow) => {
                if let (Some(t), Some((start, cells))) = (&mut table, row.take()) {
                    t.rows
                        .push((start, cells.first().cloned().unwrap_or_default()));
                }
            }
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => {
                let c = cell.take().unwrap_or_default().trim().to_string();
                if in_head {
                    header_cells.push(c);
                } else if let Some((_, cells)) = &mut row {
                    cells.push(c);
                }
            }
            Event::End(TagEnd::Table) => {
                if let Some(mut t) = table.take() {
                    let keyed = header_cells
                        .first()
                        .is_some_and(|h| h.eq_ignore_ascii_case("version"));
                    if keyed {
                        // The head's range covers the header line; the delimiter row follows.
                        let header_line_end =
                            line_end_after(text, line_start(text, head_end.saturating_sub(1)));
                        let after_delim = line_end_after(text, header_line_end);
                        t.insert_at = t.rows.first().map_or(after_delim, |r| r.0);
                        tables.push(t);
                    }
                }
            }
            _ => {}
        }
    }
    Guide { tables, sections }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn cell(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

fn sentence(text: &str) -> String {
    let t = text.trim();
    if t.ends_with(['.', '!', '?', ')', '`']) {
        t.to_string()
    } else {
        format!("{t}.")
    }
}

impl UpgradeNotes {
    fn has_env(&self) -> bool {
        !self.env_added.is_empty() || !self.env_removed.is_empty() || !self.env_renamed.is_empty()
    }

    /// Checks the notes are usable: something to write, names that are names.
    pub fn validate(&self) -> Result<(), Error> {
        if self.breaking.is_empty() && !self.has_env() && !self.none {
            return Err(Error::Usage("nothing to record: give --breaking/--migration, --env-added/--env-removed/--env-renamed, or --none (C5)".into()));
        }
        let names = self
            .env_added
            .iter()
            .map(|(n, _)| n)
            .chain(&self.env_removed)
            .chain(self.env_renamed.iter().flat_map(|(a, b)| [a, b]));
        for n in names {
            if n.is_empty()
                || !n
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'*')
            {
                return Err(Error::Usage(format!(
                    "{n:?} is not an environment variable name (letters, digits, `_`)"
                )));
            }
        }
        for (b, m) in &self.breaking {
            if b.trim().is_empty() {
                return Err(Error::Usage("a --breaking text is empty".into()));
            }
            // A breaking change without the way through it is half a note (C5).
            if m.as_deref().is_none_or(|m| m.trim().is_empty()) {
                return Err(Error::Usage(format!(
                    "--breaking {:?} has no --migration: a breaking change needs its migration steps (C5); give --migration in the same position",
                    b.trim()
                )));
            }
        }
        Ok(())
    }

    fn breaking_cells(&self) -> Option<(String, String)> {
        if self.breaking.is_empty() {
            return self.none.then(|| {
                (
                    "No breaking changes.".to_string(),
                    "No action needed beyond the general upgrade steps.".to_string(),
                )
            });
        }
        let changes: Vec<String> = self.breaking.iter().map(|(b, _)| sentence(b)).collect();
        let migrations: Vec<String> = self
            .breaking
            .iter()
            .filter_map(|(_, m)| m.as_deref().map(sentence))
            .collect();
        let migration = if migrations.is_empty() {
            "—".to_string()
        } else {
            migrations.join(" ")
        };
        Some((changes.join(" "), migration))
    }

    fn env_cells(&self) -> Option<(String, String)> {
        if !self.has_env() {
            return self.none.then(|| {
                (
                    "No changes.".to_string(),
                    "No environment variables were added, removed or renamed.".to_string(),
                )
            });
        }
        let mut kinds = Vec::new();
        let mut details = Vec::new();
        if !self.env_added.is_empty() {
            kinds.push("new");
            for (n, d) in &self.env_added {
                details.push(if d.trim().is_empty() {
                    format!("New: `{n}`.")
                } else {
                    format!("New: `{n}` — {}", sentence(d))
                });
            }
        }
        if !self.env_removed.is_empty() {
            kinds.push("removed");
            for n in &self.env_removed {
                details.push(format!("Removed: `{n}`."));
            }
        }
        if !self.env_renamed.is_empty() {
            kinds.push("renamed");
            for (a, b) in &self.env_renamed {
                details.push(format!("Renamed: `{a}` → `{b}`."));
            }
        }
        let kinds = match kinds.as_slice() {
            [one] => one.to_string(),
            [a, b] => format!("{a} and {b}"),
            _ => format!("{}, {} and {}", kinds[0], kinds[1], kinds[2]),
        };
        let mut change = format!("{kinds} environment variables.");
        change[..1].make_ascii_uppercase();
        Some((change, details.join(" ")))
    }
}

/// Adds a version's notes to the guide, in the shape the guide already has.
pub fn add(
    text: &str,
    version: &str,
    notes: &UpgradeNotes,
    policy: &Policy,
) -> Result<Edit, Error> {
    let v = ReleaseVersion::parse_version(version, policy)
        .map_err(|e| Error::InvalidVersion(e.to_string()))?
        .to_string();
    notes.validate()?;
    let guide = read(text);
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut edits = Vec::new();
    let mut changes = Vec::new();
    let mut warnings = Vec::new();
    if !guide.tables.is_empty() {
        for t in &guide.tables {
            if let Some((line, _)) = t.rows.iter().find(|(_, c)| c.trim_start_matches('v') == v) {
                let l = text[..*line].matches('\n').count() + 1;
                return Err(Error::Usage(format!(
                    "the {} table already has a row for {v} at line {l} (C5)",
                    topic_name(t.topic)
                )));
            }
        }
        for t in &guide.tables {
            let cells = match t.topic {
                Topic::Breaking => notes.breaking_cells(),
                Topic::Environment => notes.env_cells(),
            };
            let Some((a, b)) = cells else {
                warnings.push(format!("nothing given for the {} table: left unchanged (use --none to record that nothing changed)", topic_name(t.topic)));
                continue;
            };
            let mut row = vec![v.clone(), cell(&a), cell(&b)];
            if t.columns == 2 {
                row = vec![v.clone(), format!("{} {}", cell(&a), cell(&b))];
            }
            while row.len() < t.columns {
                row.push(String::new());
            }
            row.truncate(t.columns.max(1));
            let line = format!("| {} |", row.join(" | "));
            let at = t.insert_at;
            if at == text.len() && !text.ends_with('\n') {
                edits.push((at..at, format!("{nl}{line}")));
            } else {
                edits.push((at..at, format!("{line}{nl}")));
            }
            changes.push(format!(
                "added a {v} row on top of the {} table",
                topic_name(t.topic)
            ));
        }
        if edits.is_empty() {
            return Err(Error::Usage(
                "nothing written: the guide's tables need --breaking or env changes, or --none"
                    .into(),
            ));
        }
    } else {
        if let Some(s) = guide
            .sections
            .iter()
            .find(|s| s.version.trim_start_matches('v') == v)
        {
            let l = text[..s.span.start].matches('\n').count() + 1;
            return Err(Error::Usage(format!(
                "the guide already has a section for {v} at line {l} (C5)"
            )));
        }
        let (level, title) = match guide.sections.first() {
            Some(s) => (s.level, s.title.replacen(&s.version, &v, 1)),
            None => (2, format!("Upgrading to {v}")),
        };
        let marks = "#".repeat(level as usize);
        let sub = "#".repeat(level as usize + 1);
        let mut block = vec![
            format!("{marks} {title}"),
            String::new(),
            format!("{sub} Breaking changes"),
            String::new(),
        ];
        if notes.breaking.is_empty() {
            block.push(if notes.none {
                "No breaking changes.".into()
            } else {
                "None recorded.".into()
            });
        } else {
            for (b, m) in &notes.breaking {
                block.push(format!("- {}", sentence(b)));
                if let Some(m) = m {
                    block.push(format!("  Migration: {}", sentence(m)));
                }
            }
        }
        block.push(String::new());
        block.push(format!("{sub} Environment variables"));
        block.push(String::new());
        if notes.has_env() {
            for (n, d) in &notes.env_added {
                block.push(if d.trim().is_empty() {
                    format!("- New: `{n}`.")
                } else {
                    format!("- New: `{n}` — {}", sentence(d))
                });
            }
            for n in &notes.env_removed {
                block.push(format!("- Removed: `{n}`."));
            }
            for (a, b) in &notes.env_renamed {
                block.push(format!("- Renamed: `{a}` → `{b}`."));
            }
        } else {
            block.push(if notes.none {
                "No environment variable changes.".into()
            } else {
                "None recorded.".into()
            });
        }
        let body = block.join(nl);
        match guide.sections.first() {
            Some(s) => {
                let at = line_start(text, s.span.start);
                edits.push((at..at, format!("{body}{nl}{nl}")));
            }
            None => {
                let sep = if text.is_empty() || text.ends_with(&format!("{nl}{nl}")) {
                    String::new()
                } else if text.ends_with('\n') {
                    nl.to_string()
                } else {
                    format!("{nl}{nl}")
                };
                edits.push((text.len()..text.len(), format!("{sep}{body}{nl}")));
            }
        }
        changes.push(format!("added the section `{title}`"));
    }
    Ok(Edit {
        text: splice(text, edits),
        changes,
        warnings,
    })
}

fn topic_name(t: Topic) -> &'static str {
    match t {
        Topic::Breaking => "breaking changes",
        Topic::Environment => "environment variables",
    }
}

/// What an announcement takes from the guide for one version.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VersionNotes {
    /// The anchor (without `#`) of the heading that holds the version's notes, as GitHub
    /// renders it: the version's section, else the heading above the first version-keyed table
    /// with a row for it (breaking changes first). `None` when the guide has no notes for it.
    pub anchor: Option<String>,
    /// The breaking changes of the version's rows: (change, migration path).
    pub breaking: Vec<(String, String)>,
}

/// GitHub's heading anchor (github-slugger): lower case, characters other than letters,
/// digits, `-`, `_` and spaces dropped, each space a `-`; a repeated anchor gets `-1`, `-2`.
fn slug(title: &str, seen: &mut std::collections::HashMap<String, usize>) -> String {
    let base: String = title
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect();
    let n = seen.entry(base.clone()).or_insert(0);
    let out = if *n == 0 {
        base.clone()
    } else {
        format!("{base}-{n}")
    };
    *n += 1;
    out
}

/// The version's notes in the guide: the anchor to link and its breaking changes.
pub fn version_notes(text: &str, version: &str) -> VersionNotes {
    let v = version.trim_start_matches(['v', 'V']);
    let mut seen = std::collections::HashMap::new();
    let mut heading: Option<String> = None;
    let mut last: Option<(String, String)> = None; // (title, anchor)
    let mut section_anchor = None;
    let mut table_anchor: Option<(bool, String)> = None; // (breaking topic, anchor)
    let mut in_table: Option<(bool, Option<String>, bool)> = None; // (breaking, anchor, keyed)
    let mut in_head = false;
    let mut first_head_cell: Option<String> = None;
    let mut cell: Option<String> = None;
    let mut row: Vec<String> = Vec::new();
    let mut breaking = Vec::new();
    for (ev, _) in Parser::new_ext(text, Options::ENABLE_TABLES).into_offset_iter() {
        match ev {
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => {
                if let Some(title) = heading.take() {
                    let anchor = slug(&title, &mut seen);
                    if section_anchor.is_none() && find_version(&title) == Some(v) {
                        section_anchor = Some(anchor.clone());
                    }
                    last = Some((title, anchor));
                }
            }
            Event::Text(t) => {
                if let Some(h) = &mut heading {
                    h.push_str(&t);
                }
                if let Some(c) = &mut cell {
                    c.push_str(&t);
                }
            }
            Event::Code(t) => {
                // An anchor is made of the rendered text; a cell keeps its code span.
                if let Some(h) = &mut heading {
                    h.push_str(&t);
                }
                if let Some(c) = &mut cell {
                    c.push('`');
                    c.push_str(&t);
                    c.push('`');
                }
            }
            Event::Start(Tag::Table(_)) => {
                let (title, anchor) = last.clone().unzip();
                let is_breaking = title.is_some_and(|t| t.to_lowercase().contains("breaking"));
                in_table = Some((is_breaking, anchor, false));
                first_head_cell = None;
            }
            Event::End(TagEnd::Table) => in_table = None,
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableHead) => {
                in_head = false;
                if let Some((_, _, keyed)) = &mut in_table {
                    *keyed = first_head_cell
                        .as_deref()
                        .is_some_and(|h| h.eq_ignore_ascii_case("version"));
                }
            }
            Event::Start(Tag::TableRow) => row.clear(),
            Event::End(TagEnd::TableRow) => {
                let Some((is_breaking, anchor, true)) = &in_table else {
                    continue;
                };
                if row.first().map(|c| c.trim_start_matches('v')) != Some(v) {
                    continue;
                }
                if let Some(a) = anchor {
                    let better = match &table_anchor {
                        None => true,
                        Some((b, _)) => *is_breaking && !b,
                    };
                    if better {
                        table_anchor = Some((*is_breaking, a.clone()));
                    }
                }
                if *is_breaking {
                    let change = row.get(1).cloned().unwrap_or_default();
                    let migration = row.get(2).cloned().unwrap_or_default();
                    if !change.is_empty() {
                        breaking.push((change, migration));
                    }
                }
            }
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => {
                let c = cell.take().unwrap_or_default().trim().to_string();
                if in_head {
                    if first_head_cell.is_none() {
                        first_head_cell = Some(c);
                    }
                } else {
                    row.push(c);
                }
            }
            _ => {}
        }
    }
    VersionNotes {
        anchor: section_anchor.or(table_anchor.map(|(_, a)| a)),
        breaking,
    }
}

/// What `upgrading check` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    /// The version checked.
    pub version: String,
    /// `tables` or `sections`.
    pub shape: &'static str,
    /// True when every place that should mention the version does.
    pub ok: bool,
    /// What is missing.
    pub missing: Vec<String>,
}

/// Whether the guide has notes for `version` (C5): a row in every version-keyed table, or a
/// section.
pub fn check(text: &str, version: &str) -> CheckReport {
    let v = version.trim_start_matches(['v', 'V']).to_string();
    let guide = read(text);
    let mut missing = Vec::new();
    let shape = if guide.tables.is_empty() {
        "sections"
    } else {
        "tables"
    };
    if guide.tables.is_empty() {
        if !guide.sections.iter().any(|s| s.version == v) {
            missing.push(format!("a section for {v}"));
        }
    } else {
        for t in &guide.tables {
            if !t.rows.iter().any(|(_, c)| c.trim_start_matches('v') == v) {
                missing.push(format!("a {v} row in the {} table", topic_name(t.topic)));
            }
        }
    }
    CheckReport {
        version: v,
        shape,
        ok: missing.is_empty(),
        missing,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn version_notes_link_an_anchor_that_exists() {
        let tables = "# Upgrading\n\n## Breaking Changes\n\n| Version | Breaking Change | Migration Path |\n|---|---|---|\n| 0.4.0 | The layout changed. | Run `app migrate`. |\n| 0.3.0 | No breaking changes. | — |\n\n## Environment Variable Changes\n\n| Version | Change | Details |\n|---|---|---|\n| 0.4.0 | Added | `APP_X` |\n";
        let n = version_notes(tables, "v0.4.0");
        assert_eq!(n.anchor.as_deref(), Some("breaking-changes"));
        assert_eq!(
            n.breaking,
            vec![(
                "The layout changed.".to_string(),
                "Run `app migrate`.".to_string()
            )]
        );
        let env_only = version_notes(
            tables.replace("| 0.4.0 | The", "| 0.3.9 | The").as_str(),
            "0.4.0",
        );
        assert_eq!(
            env_only.anchor.as_deref(),
            Some("environment-variable-changes")
        );
        assert!(env_only.breaking.is_empty());
        assert_eq!(version_notes(tables, "9.9.9"), VersionNotes::default());
        let sections = "# Upgrading\n\n## Upgrading to 1.2.0 (`--flag` removed)\n\nText.\n\n## Notes\n\n## Notes\n\n## Upgrading to 1.1.0\n";
        assert_eq!(
            version_notes(sections, "1.2.0").anchor.as_deref(),
            Some("upgrading-to-120---flag-removed")
        );
        assert_eq!(
            version_notes(sections, "1.1.0").anchor.as_deref(),
            Some("upgrading-to-110")
        );
        let mut seen = std::collections::HashMap::new();
        assert_eq!(slug("Notes", &mut seen), "notes");
        assert_eq!(slug("Notes", &mut seen), "notes-1");
    }
}
