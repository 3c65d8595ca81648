//! `lint`: what breaks releases, and what drifts from Keep a Changelog. It reports; it never
//! refuses to read a file.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use release_core::policy::{CompareBase, DateMissing, Policy};
use release_core::version::ReleaseVersion;
use serde::Serialize;

use crate::doc::{label_key, label_key_in, Changelog};
use crate::links;
use crate::notes::bracketed;
use crate::scan::LineIndex;
use crate::title;

/// The maps lint keys by the file's labels, versions and names. foldhash (hashbrown's default,
/// seeded per process) over std's SipHash: hashing every `[label]` of a large file was a tenth
/// of lint's work, and a changelog read once gains nothing from SipHash's stronger keying.
type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
/// The sets, for the same reason as [`Map`].
type Set<K> = HashSet<K, foldhash::fast::RandomState>;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth fixing; does not fail `lint`.
    Warning,
    /// Breaks a release; `lint` exits 1.
    Error,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The rule id (`date-invalid`).
    pub rule: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

struct Sink<'a> {
    text: &'a str,
    index: &'a LineIndex,
    out: Vec<Diagnostic>,
}

impl Sink<'_> {
    fn push(
        &mut self,
        rule: &'static str,
        severity: Severity,
        at: usize,
        message: String,
        hint: &str,
    ) {
        let (line, column) = self.index.position(self.text, at);
        self.out.push(Diagnostic {
            rule,
            severity,
            line,
            column,
            message,
            hint: hint.into(),
        });
    }
}

/// Lints a changelog. Diagnostics come sorted by position.
pub fn lint(doc: &Changelog, policy: &Policy) -> Vec<Diagnostic> {
    use Severity::{Error, Warning};
    let text = doc.text.as_str();
    let mut sink = Sink {
        text,
        index: doc.line_index(),
        out: Vec::new(),
    };
    let b = &doc.blocks;

    // title: an H1 before the first section.
    let first_section = doc
        .sections
        .first()
        .map_or(text.len(), |s| s.heading.span.start);
    let has_title = b
        .headings
        .iter()
        .take_while(|h| h.span.start < first_section)
        .any(|h| h.level == 1);
    if !has_title && doc.level > 1 {
        sink.push(
            "title",
            Warning,
            b.start,
            "the file has no `# Changelog` title before the first version".into(),
            "start the file with `# Changelog` and a line on the format it follows",
        );
    }
    if doc.sections.is_empty() {
        sink.push(
            "no-versions",
            Warning,
            b.start,
            "no version or Unreleased headings found: is this a Keep a Changelog file?".into(),
            "use `## [Unreleased]` and `## [X.Y.Z] - YYYY-MM-DD` headings",
        );
    }

    // Unreleased.
    let unreleased = doc.unreleased();
    match unreleased.as_slice() {
        [] => {
            if !doc.sections.is_empty() {
                sink.push(
                    "unreleased-missing",
                    Warning,
                    first_section,
                    "no `## [Unreleased]` section".into(),
                    "add `## [Unreleased]` above the newest version (C1)",
                );
            }
        }
        [first, rest @ ..] => {
            for s in rest {
                sink.push(
                    "unreleased-duplicate",
                    Error,
                    s.heading.span.start,
                    format!(
                        "a second `[Unreleased]` section (the first is at line {})",
                        doc.line_of(first.heading.span.start)
                    ),
                    "merge the two sections into one",
                );
            }
            if first.is_empty(b) {
                sink.push(
                    "unreleased-empty",
                    Warning,
                    first.heading.span.start,
                    "`[Unreleased]` has no entries".into(),
                    "add entries before releasing (C1): `release changelog add`",
                );
            }
        }
    }

    // Versions: validity, duplicates, dates.
    let mut seen: Map<&str, usize> = Map::default();
    let mut prev_date: Option<(time::Date, usize, &str)> = None;
    // A file that dates no release follows an undated convention: no finding by default.
    let dated_file = doc
        .versions()
        .any(|s| !s.is_pending(text) && s.parts.date.is_some());
    let date_missing = match policy.changelog.date_missing {
        DateMissing::Prepared if dated_file => Some(Warning),
        DateMissing::Prepared | DateMissing::Ignore => None,
        DateMissing::Warning => Some(Warning),
        DateMissing::Error => Some(Error),
    };
    let latest_at = doc.latest().map(|s| s.heading.span.start);
    for s in doc.versions() {
        let at = s.parts.version.start;
        let v = s.version(text);
        // Not released yet (`## 5.0.0 - TBD`, `0.18.0-dev`): the placeholder is intended.
        let pending = s.is_pending(text);
        // `0.8.0,0.8.1,0.8.2`: one heading for several versions, each checked.
        if v.split(',').any(|p| semver_strict(p.trim()).is_err()) {
            if pep440(v) && pending {
                // A development snapshot's version is not tagged anyway.
            } else if pep440(v) {
                sink.push(
                    "version-policy",
                    Warning,
                    at,
                    format!(
                        "`{v}` is a PEP 440 version, not SemVer: the release policy cannot tag it"
                    ),
                    "release tags are SemVer (V1); a Python project may keep its own versions",
                );
            } else {
                // The newest release (and anything above it) is what gets tagged next; older
                // history keeps the names it was released under (rust's `Version 0.10`).
                let history = latest_at.is_some_and(|l| s.heading.span.start > l);
                sink.push(
                    "version-invalid",
                    if history { Warning } else { Error },
                    at,
                    format!(
                        "`{v}` is not a SemVer 2.0.0 version{}",
                        if history { " (an older release)" } else { "" }
                    ),
                    "write MAJOR.MINOR.PATCH, e.g. `1.2.0` (V1)",
                );
            }
        } else if pending {
            // A development version's channel (`-dev`) is not a release channel, by design.
        } else if let Err(e) = ReleaseVersion::parse_version(v, policy) {
            sink.push(
                "version-policy",
                Warning,
                at,
                e.to_string(),
                "the release policy would refuse this version today",
            );
        }
        if let Some(&line) = seen.get(v) {
            sink.push(
                "version-duplicate",
                Error,
                s.heading.span.start,
                format!("version {v} already has a heading at line {line}"),
                "remove or rename one of the two sections",
            );
        } else {
            seen.insert(v, doc.line_of(s.heading.span.start));
        }
        if pending {
            continue;
        }
        match s.parts.date.clone() {
            None => {
                if let Some(severity) = date_missing {
                    sink.push(
                        "date-missing",
                        severity,
                        s.heading.title.end,
                        format!("version {v} has no date"),
                        "write the heading as `## [X.Y.Z] - YYYY-MM-DD` (policy `changelog.date_missing` sets how strict this is)",
                    );
                }
            }
            Some(d) => {
                let dt = &text[d.clone()];
                match title::iso_date(dt) {
                    Ok(date) => {
                        if let Some((newer, line, above)) = prev_date {
                            if date > newer && !older_line_hotfix(v, above) {
                                sink.push("date-order", Warning, d.start, format!("{v} is dated {dt}, after the section above it (line {line})"), "sections go newest first: check the date or the order");
                            }
                        }
                        prev_date = Some((date, doc.line_of(s.heading.span.start), v));
                    }
                    Err(e) => {
                        let real = lenient_date(dt);
                        if real {
                            sink.push(
                                "date-format",
                                Warning,
                                d.start,
                                e.to_string(),
                                "write dates as YYYY-MM-DD (ISO 8601)",
                            );
                        } else {
                            sink.push(
                                "date-invalid",
                                Error,
                                d.start,
                                format!("version {v}: {e}"),
                                "write a real calendar date as YYYY-MM-DD",
                            );
                        }
                    }
                }
            }
        }
    }

    // Sections: text outside categories, categories. Only a section that uses categories can
    // have text outside them; block quotes (the `> **Yanked:**` note `yank` writes, notices)
    // are not entries.
    for s in &doc.sections {
        if s.categories.is_empty() {
            continue;
        }
        let loose = s.loose_text.iter().find(|&&line| {
            !text[line..]
                .trim_start_matches([' ', '\t'])
                .starts_with('>')
        });
        if let Some(&line) = loose {
            sink.push(
                "text-outside-category",
                Warning,
                line,
                format!(
                    "text in `{}` before its first category",
                    heading_text(text, s)
                ),
                "put entries under `### Added`, `### Fixed`, ... (Keep a Changelog)",
            );
        }
        if let Some(first) = s.loose_entries.first() {
            sink.push(
                "text-outside-category",
                Warning,
                first.start,
                format!(
                    "entries in `{}` before its first category",
                    heading_text(text, s)
                ),
                "move them under a category heading",
            );
        }
    }
    // Category names: the policy's list (Keep a Changelog's six by default). With the default
    // list, a name the file uses in two sections or more is its own consistent vocabulary
    // (`Features`, `Bug Fixes`), not a mistake; a configured list is strict.
    let known = &policy.changelog.categories;
    let strict = *known != Policy::default().changelog.categories;
    let mut vocabulary: Map<String, usize> = Map::default();
    for s in &doc.sections {
        let mut names: Vec<String> = s
            .categories
            .iter()
            .map(|c| text[c.heading.title.clone()].trim().to_lowercase())
            .collect();
        names.sort();
        names.dedup();
        for n in names {
            *vocabulary.entry(n).or_default() += 1;
        }
    }
    for s in &doc.sections {
        let mut names: Map<String, usize> = Map::default();
        for c in &s.categories {
            let name = text[c.heading.title.clone()].trim();
            let at = c.heading.title.start;
            let key = name.to_lowercase();
            let listed = known.iter().any(|k| k.trim().eq_ignore_ascii_case(name));
            let file_vocabulary = !strict && vocabulary.get(&key).is_some_and(|&n| n >= 2);
            if !known.is_empty() && !listed && !file_vocabulary {
                sink.push(
                    "category-unknown",
                    Warning,
                    at,
                    format!("`{name}` is not one of the changelog's categories"),
                    &format!(
                        "use one of {}, or list the file's own in the policy's `changelog.categories`",
                        known.join(", ")
                    ),
                );
            }
            if let Some(&line) = names.get(&key) {
                sink.push(
                    "category-duplicate",
                    Warning,
                    at,
                    format!("`{name}` appears twice in this section (first at line {line})"),
                    "merge the two blocks",
                );
            } else {
                names.insert(key, doc.line_of(c.heading.span.start));
            }
            if c.entries.is_empty() && !crate::doc::has_content(b, c.body.clone()) {
                sink.push(
                    "category-empty",
                    Warning,
                    at,
                    format!("`{name}` has no entries"),
                    "remove the empty heading",
                );
            }
        }
    }

    // Links.
    // Each definition's normal label, computed once (borrowed from the text when it already is
    // normal); the first definition of a label wins. This map (label -> index of its first
    // definition) is the only label index lint builds.
    let keys: Vec<Cow<'_, str>> = b
        .links
        .iter()
        .map(|d| label_key(&text[d.label.clone()]))
        .collect();
    let mut defs: Map<&str, usize> = Map::with_capacity_and_hasher(keys.len(), Default::default());
    for (i, (d, key)) in b.links.iter().zip(&keys).enumerate() {
        if let Some(&first) = defs.get(key.as_ref()) {
            let first = &b.links[first];
            // The same URL again (per-release definition blocks, axum) changes nothing.
            if text[first.url.clone()] == text[d.url.clone()] {
                continue;
            }
            let line = doc.line_of(first.span.start);
            sink.push(
                "link-duplicate",
                Warning,
                d.span.start,
                format!(
                    "`[{}]` is defined again (first at line {line}); the first one wins",
                    &text[d.label.clone()]
                ),
                "remove one of the definitions",
            );
        } else {
            defs.insert(key, i);
        }
    }
    let any_version_defs = doc.sections.iter().any(|s| {
        let l = if s.is_unreleased() {
            "unreleased"
        } else {
            s.version(text)
        };
        defs.contains_key(label_key(l).as_ref())
    });
    let sections: Vec<_> = doc.sections.iter().collect();
    let mut checked = Set::default();
    for (i, s) in sections.iter().enumerate() {
        let label = if s.is_unreleased() {
            Cow::Borrowed("unreleased")
        } else {
            label_key(s.version(text))
        };
        if !checked.insert(label.clone()) {
            continue; // duplicates are reported once, by their own rules
        }
        if s.parts.bracketed
            && s.parts.link.is_none()
            && !defs.contains_key(label.as_ref())
            && any_version_defs
        {
            sink.push(
                "link-missing",
                Warning,
                s.heading.title.start,
                format!(
                    "`[{}]` has no link definition",
                    if s.is_unreleased() {
                        "Unreleased"
                    } else {
                        s.version(text)
                    }
                ),
                "add `[X.Y.Z]: <repo>/compare/vA.B.C...vX.Y.Z` at the end of the file (C3)",
            );
        }
        // Stale: the compare URL must end at this version and start at the one below.
        let url = match &s.parts.link {
            Some(l) => Some((&text[l.clone()], l.start)),
            None => defs.get(label.as_ref()).map(|&first| {
                let d = &b.links[first];
                (&text[d.url.clone()], d.span.start)
            }),
        };
        let Some((url, at)) = url else { continue };
        let Some((from, to)) = links::compare_ends(url) else {
            continue;
        };
        let (to_ok, bases) = if s.is_unreleased() {
            (
                to == "HEAD" || to.ends_with("main") || to.ends_with("master"),
                vec![doc.compare_base(i, None, None, false)],
            )
        } else {
            let v = s.version(text);
            // The base per the policy first (the advice), then the other accepted one.
            let below = doc.compare_base(i, Some(v), s.date(text), false);
            let stable = doc.compare_base(i, Some(v), s.date(text), true);
            let bases = match policy.changelog.compare_base {
                CompareBase::SectionBelow => vec![below, stable],
                CompareBase::PreviousStable => vec![stable, below],
            };
            (to.ends_with(v) && tag_boundary(&to, v), bases)
        };
        let bases: Vec<&str> = bases
            .into_iter()
            .flatten()
            .map(|b| b.version(text))
            .collect();
        // A start between the base and this version names a release the file leaves out
        // (vite lists `8.0.0` compared from `8.0.0-beta.18` without the betas): not stale.
        let unlisted = || -> bool {
            let parse = |v: &str| semver::Version::parse(v).ok();
            let own = if s.is_unreleased() {
                None
            } else {
                parse(s.version(text))
            };
            let start = from
                .char_indices()
                .find(|&(i, c)| c.is_ascii_digit() && tag_boundary(&from, &from[i..]))
                .and_then(|(i, _)| parse(&from[i..]));
            match (start, bases.first().and_then(|b| parse(b))) {
                (Some(f), Some(b)) => {
                    f > b && own.is_none_or(|v| f < v) && doc.find(&f.to_string()).is_empty()
                }
                _ => false,
            }
        };
        let from_ok = bases.is_empty()
            || bases
                .iter()
                .any(|b| from.ends_with(b) && tag_boundary(&from, b))
            || unlisted();
        if !to_ok || !from_ok {
            let want_from = bases.first().copied().unwrap_or("?");
            sink.push("link-stale", Warning, at, format!("the link of `{}` compares {from}...{to}, but the release history says {want_from}...{}", if s.is_unreleased() { "Unreleased" } else { s.version(text) }, if s.is_unreleased() { "HEAD" } else { s.version(text) }), "start the compare URL at the previous release (the greatest lower version below it, not a later hotfix of an older line) and end it at this version (C3)");
        }
    }
    // Unused definitions: labels nothing refers to. Only checked for version-like labels and
    // when the file is small enough that the scan is cheap relative to the rest.
    let used = used_definitions(doc, &defs);
    for (d, key) in b.links.iter().zip(&keys) {
        if !defs.get(key.as_ref()).is_some_and(|&first| used[first]) {
            sink.push(
                "link-unused",
                Warning,
                d.span.start,
                format!("`[{}]` is defined but never used", &text[d.label.clone()]),
                "remove the definition, or the heading it belonged to is missing",
            );
        }
    }

    if let Some(at) = b.unclosed_fence {
        sink.push(
            "fence-unclosed",
            Error,
            at,
            "this code fence is never closed: everything after it is code, headings included"
                .into(),
            "close the fence with the same number of ``` or ~~~",
        );
    }
    for &at in &b.conflicts {
        sink.push(
            "merge-conflict",
            Error,
            at,
            "a merge-conflict marker".into(),
            "resolve the conflict and remove the marker lines",
        );
    }
    let mut out = sink.out;
    out.sort_by_key(|d| (d.line, d.column));
    out
}

fn heading_text<'a>(text: &'a str, s: &crate::doc::Section) -> &'a str {
    &text[s.heading.title.clone()]
}

/// `v1.2.3` ends with `1.2.3` at a tag boundary (not `11.2.3`).
fn tag_boundary(tag: &str, version: &str) -> bool {
    let prefix = &tag[..tag.len() - version.len()];
    !prefix.ends_with(|c: char| c.is_ascii_digit() || c == '.')
}

fn semver_strict(v: &str) -> Result<(), ()> {
    // The release-core parser is SemVer plus policy; here only SemVer matters, so take the
    // policy out of the way with every channel allowed.
    let (core, pre) = v
        .split_once('-')
        .map_or((v.split('+').next().unwrap_or(v), None), |(c, p)| {
            (c, Some(p))
        });
    let nums: Vec<&str> = core.split('.').collect();
    if nums.len() != 3
        || nums.iter().any(|n| {
            n.is_empty()
                || !n.bytes().all(|b| b.is_ascii_digit())
                || (n.len() > 1 && n.starts_with('0'))
                || n.parse::<u64>().is_err()
        })
    {
        return Err(());
    }
    if let Some(pre) = pre {
        let pre = pre.split('+').next().unwrap_or(pre);
        for id in pre.split('.') {
            if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                return Err(());
            }
            if id.bytes().all(|b| b.is_ascii_digit()) && id.len() > 1 && id.starts_with('0') {
                return Err(());
            }
        }
    }
    Ok(())
}

/// A PEP 440 version that is not SemVer: `1.2.0rc2`, `1.2.0b3`, `1.2.0.dev1`, `1.2.0.post1`.
fn pep440(v: &str) -> bool {
    let core_len = v
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(v.len());
    let core = v[..core_len].trim_end_matches('.');
    if core.split('.').count() < 2
        || core
            .split('.')
            .any(|n| n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()))
    {
        return false;
    }
    let mut rest = v[core.len()..].to_ascii_lowercase();
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let r = rest.trim_start_matches(['.', '-', '_']);
        let word: String = r.chars().take_while(char::is_ascii_alphabetic).collect();
        if !matches!(
            word.as_str(),
            "a" | "b" | "c" | "rc" | "alpha" | "beta" | "pre" | "preview" | "post" | "dev"
        ) {
            return false;
        }
        let r = &r[word.len()..];
        rest = r
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .to_string();
    }
    true
}

/// True when `below` is a hotfix of an older release line than `above` (`0.1.1` below
/// `0.2.0`): in a file ordered by version, it is dated after the section above it by nature.
fn older_line_hotfix(below: &str, above: &str) -> bool {
    let parse = |v: &str| semver::Version::parse(v).ok();
    match (parse(below), parse(above)) {
        (Some(b), Some(a)) => b < a && (b.major, b.minor) != (a.major, a.minor) && b.patch > 0,
        _ => false,
    }
}

/// A real date in another spelling: `03 Jul 2023`, `2025.04.03`, `July 3, 2023`.
fn lenient_date(d: &str) -> bool {
    let parts: Vec<&str> = d
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() != 3 {
        return false;
    }
    let month = |p: &str| -> Option<u8> {
        if let Ok(n) = p.parse::<u8>() {
            return (1..=12).contains(&n).then_some(n);
        }
        let names = [
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ];
        let l = p.to_ascii_lowercase();
        names
            .iter()
            .position(|n| l.starts_with(n))
            .map(|i| i as u8 + 1)
    };
    let check = |y: &str, m: &str, dd: &str| -> bool {
        let (Ok(y), Some(m), Ok(dd)) = (y.parse::<i32>(), month(m), dd.parse::<u8>()) else {
            return false;
        };
        y > 999
            && time::Month::try_from(m)
                .ok()
                .and_then(|m| time::Date::from_calendar_date(y, m, dd).ok())
                .is_some()
    };
    check(parts[0], parts[1], parts[2])
        || check(parts[2], parts[1], parts[0])
        || check(parts[2], parts[0], parts[1])
}

/// Which definitions something outside the link definitions refers to (`[label]`,
/// `[text][label]`, `[label][]`), by the index of a label's first definition. One pass over the
/// text; nothing is collected per reference.
fn used_definitions(doc: &Changelog, defs: &Map<&str, usize>) -> Vec<bool> {
    let text = &doc.text;
    let mut used = vec![false; doc.blocks.links.len()];
    let mut buf = String::new();
    let mut mark = |gap: &str| {
        for raw in bracketed(gap) {
            if let Some(&first) = defs.get(label_key_in(raw, &mut buf)) {
                used[first] = true;
            }
        }
    };
    let mut pos = 0;
    for d in &doc.blocks.links {
        mark(&text[pos..d.span.start]);
        pos = d.span.end;
    }
    mark(&text[pos..]);
    used
}
