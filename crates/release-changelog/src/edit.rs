//! Edits: `prepare` (C2, C3), `add`, `yank` (R4). Each is a handful of splices.

use std::ops::Range;

use release_core::policy::{CompareBase, Policy};
use release_core::version::ReleaseVersion;
use serde::Serialize;

use crate::doc::{Changelog, Section};
use crate::links::{self, Host};
use crate::scan::LinkDef;
use crate::{splice, title, Error};

/// The result of an edit: the new text and what changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    /// The whole new text.
    #[serde(skip)]
    pub text: String,
    /// What the edit did, one line each.
    pub changes: Vec<String>,
    /// Things the user should know (no repository URL, ...).
    pub warnings: Vec<String>,
}

/// Inputs of [`prepare`].
#[derive(Debug, Clone)]
pub struct PrepareOptions<'a> {
    /// The version to release.
    pub version: &'a str,
    /// Its date, `YYYY-MM-DD`.
    pub date: &'a str,
    /// The repository's web URL, when known (otherwise taken from the file's links, then the
    /// policy).
    pub repo_url: Option<&'a str>,
    /// The policy: tag prefix, channels, compare base, repository URL.
    pub policy: &'a Policy,
    /// The last resort for the repository URL: the git remote's web URL (the caller reads it).
    pub remote_url: Option<&'a str>,
    /// The version's section exists but the version is not tagged yet (the caller knows): the
    /// Unreleased entries recorded since (a fix after a release candidate) move into that
    /// section, category by category, and its date becomes `date`, instead of a refusal.
    pub into_existing: bool,
}

impl<'a> PrepareOptions<'a> {
    /// Options with the policy's defaults.
    pub fn new(version: &'a str, date: &'a str, policy: &'a Policy) -> Self {
        Self {
            version,
            date,
            repo_url: None,
            policy,
            remote_url: None,
            into_existing: false,
        }
    }
}

/// Moves the Unreleased entries into the existing `section` (prepared earlier, not released
/// yet): each category's entries go to the end of the section's category of the same name, or
/// into a new category at the end of the section; loose entries go to the end of the section.
/// The section's date becomes `date`. Nothing else changes (C2, C4).
fn plan_merge_into(doc: &Changelog, section: &Section, date: &str) -> Result<Planned, Error> {
    let unreleased = single_unreleased(doc)?;
    if doc.is_empty_section(unreleased) {
        return Err(Error::EmptyUnreleased {
            line: doc.line_of(unreleased.heading.span.start),
        });
    }
    let text = &doc.text;
    let nl = doc.newline;
    let is_next = doc
        .sections
        .iter()
        .skip_while(|s| !std::ptr::eq(*s, unreleased))
        .nth(1)
        .is_some_and(|s| std::ptr::eq(s, section));
    if !is_next {
        return Err(Error::Usage(format!(
            "the section of {} (line {}) is not the one right below Unreleased: only the newest prepared section takes new entries",
            section.version(text),
            doc.line_of(section.heading.span.start)
        )));
    }
    // Only the entries move (their categories are matched by name): a note, a link definition
    // or a comment elsewhere in Unreleased would be dropped with its body, so it is refused.
    let body = &unreleased.body;
    let stray = doc
        .blocks
        .content
        .iter()
        .copied()
        .chain(doc.blocks.links.iter().map(|d| d.span.start))
        .chain(doc.blocks.comments.iter().map(|c| c.span.start))
        .filter(|p| body.contains(p) && !unreleased.entries().any(|e| e.contains(p)))
        .min();
    if let Some(at) = stray {
        return Err(Error::Usage(format!(
            "line {} of Unreleased is not part of an entry: moving the entries into the prepared section of {} would drop it (C2); make it part of an entry or move it out of Unreleased first",
            doc.line_of(at),
            section.version(text)
        )));
    }
    let block = |r: &Range<usize>| -> String {
        let mut t = text[r.clone()].trim_end_matches(['\n', '\r']).to_string();
        t.push_str(nl);
        t
    };
    let title =
        |c: &crate::doc::Category| text[c.heading.title.clone()].trim().to_ascii_lowercase();
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut appended = String::new();
    let mut moved = 0usize;
    for c in &unreleased.categories {
        let (Some(first), Some(last)) = (c.entries.first(), c.entries.last()) else {
            continue;
        };
        let entries = block(&(first.start..last.end));
        moved += c.entries.len();
        match section.categories.iter().find(|d| title(d) == title(c)) {
            Some(d) => {
                // Right after the last entry's own line, before any blank line that follows.
                let at = d.entries.last().map_or(d.heading.span.end, |e| {
                    let content = text[e.clone()].trim_end_matches(['\n', '\r']).len();
                    let end = e.start + content;
                    end + line_break_len(&text[end..])
                });
                let lead = if text[..at].ends_with('\n') { "" } else { nl };
                edits.push((at..at, format!("{lead}{entries}")));
            }
            None => {
                appended.push_str(&format!(
                    "{nl}{}{nl}{nl}{entries}",
                    text[c.heading.span.clone()].trim_end_matches(['\n', '\r'])
                ));
            }
        }
    }
    for e in &unreleased.loose_entries {
        moved += 1;
        appended.push_str(&block(e));
    }
    if !appended.is_empty() {
        let end = section.body.end;
        let body = &text[section.body.clone()];
        let trailing = body.len() - body.trim_end_matches(['\n', '\r']).len();
        let at = end - trailing + line_break_len(&text[end - trailing..]);
        let lead = if text[..at].ends_with('\n') { "" } else { nl };
        edits.push((at..at, format!("{lead}{appended}")));
    }
    // The Unreleased body empties: one blank line stays between the two headings.
    edits.push((unreleased.body.clone(), nl.to_string()));
    let mut changes = vec![format!(
        "moved {moved} Unreleased entr{} into the existing section of {} (line {})",
        if moved == 1 { "y" } else { "ies" },
        section.version(text),
        doc.line_of(section.heading.span.start)
    )];
    if let Some(d) = &section.parts.date {
        if &text[d.clone()] != date {
            edits.push((d.clone(), date.to_string()));
            changes.push(format!("dated it {date}"));
        }
    }
    edits.sort_by_key(|(r, _)| (r.start, r.end));
    Ok(Planned {
        splices: edits,
        changes,
        warnings: Vec::new(),
    })
}

/// The length of the line break at the start of `rest` (`\r\n`, `\n`, or none).
fn line_break_len(rest: &str) -> usize {
    if rest.starts_with("\r\n") {
        2
    } else {
        usize::from(rest.starts_with('\n'))
    }
}

fn single_unreleased(doc: &Changelog) -> Result<&Section, Error> {
    match doc.unreleased().as_slice() {
        [] => Err(Error::NoUnreleased),
        [one] => Ok(one),
        [a, b, ..] => Err(Error::TwoUnreleased {
            first: doc.line_of(a.heading.span.start),
            second: doc.line_of(b.heading.span.start),
        }),
    }
}

/// Replaces each `old` (which must occur exactly once) with `new`; `None` when ambiguous.
fn substitute(url: &str, pairs: &[(&str, &str)]) -> Option<String> {
    let mut spans: Vec<(usize, usize, &str)> = Vec::new();
    for (old, new) in pairs {
        if old.is_empty() || url.matches(old).count() != 1 {
            return None;
        }
        let p = url.find(old)?;
        spans.push((p, p + old.len(), new));
    }
    spans.sort();
    if spans.windows(2).any(|w| w[0].1 > w[1].0) {
        return None;
    }
    let mut out = String::new();
    let mut pos = 0;
    for (s, e, new) in spans {
        out.push_str(&url[pos..s]);
        out.push_str(new);
        pos = e;
    }
    out.push_str(&url[pos..]);
    Some(out)
}

/// Where the file's links come from and go to.
struct LinkStyle {
    repo: Option<String>,
    host: Host,
    prefix: String,
}

fn link_style(
    doc: &Changelog,
    opts_repo: Option<&str>,
    remote: Option<&str>,
    policy: &Policy,
) -> LinkStyle {
    let text = &doc.text;
    // Every URL the file already uses for versions: footer definitions and inline links.
    let mut urls: Vec<(&str, &str)> = Vec::new(); // (url, version)
                                                  // The newest few sections say enough about the style (and this stays cheap on huge files).
    for s in doc.sections.iter().take(6) {
        let v = s.version(text);
        if let Some(l) = &s.parts.link {
            urls.push((&text[l.clone()], v));
        }
        let label = if s.is_unreleased() { "unreleased" } else { v };
        for d in doc.links_for(label) {
            urls.push((&text[d.url.clone()], v));
        }
    }
    let from_file = urls.iter().find_map(|(u, _)| links::repo_of(u));
    let repo = opts_repo
        .map(links::normalize_repo)
        .or(from_file)
        .or_else(|| {
            let p = policy.changelog.repository_url.trim();
            (!p.is_empty()).then(|| links::normalize_repo(p))
        })
        .or_else(|| remote.map(links::normalize_repo));
    let host = urls
        .iter()
        .find(|(u, _)| links::repo_of(u).is_some())
        .map(|(u, _)| Host::of(u))
        .or_else(|| repo.as_deref().map(Host::of))
        .unwrap_or(Host::GitHub);
    // The tag prefix: what the file's URLs put before a version.
    let prefix = urls
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .find_map(|(u, v)| {
            let (_, to) = links::compare_ends(u).unwrap_or_default();
            let tag = if to.is_empty() {
                u.rsplit(['/', '=']).next().unwrap_or("").to_string()
            } else {
                to
            };
            let tag = tag.strip_prefix("GT").unwrap_or(&tag).to_string();
            links::tag_prefix(&tag, v).map(str::to_string)
        })
        .unwrap_or_else(|| policy.tag_prefix.clone());
    LinkStyle { repo, host, prefix }
}

/// An edit as splices into the original text, before it is applied: writing it straight to a
/// file keeps a huge changelog from being held twice in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// Non-overlapping `(range, replacement)` pairs.
    pub splices: Vec<(Range<usize>, String)>,
    /// What the edit does, one line each.
    pub changes: Vec<String>,
    /// Things the user should know.
    pub warnings: Vec<String>,
}

impl Planned {
    /// The edited text.
    pub fn apply(self, original: &str) -> Edit {
        Edit {
            text: splice(original, self.splices),
            changes: self.changes,
            warnings: self.warnings,
        }
    }

    /// Writes the edited text without building it.
    pub fn write_to(&self, original: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut sorted: Vec<&(Range<usize>, String)> = self.splices.iter().collect();
        sorted.sort_by_key(|(r, _)| (r.start, r.end));
        let mut pos = 0;
        for (range, replacement) in sorted {
            let start = range.start.max(pos);
            out.write_all(&original.as_bytes()[pos..start])?;
            out.write_all(replacement.as_bytes())?;
            pos = range.end.max(start);
        }
        out.write_all(&original.as_bytes()[pos..])
    }
}

/// Moves every Unreleased entry into a new `## [VERSION] - DATE` section right below a fresh,
/// empty `## [Unreleased]` (C2), and writes the `[Unreleased]` and `[VERSION]` links in the
/// file's style (C3). Nothing else changes (C4).
pub fn prepare(doc: &Changelog, opts: &PrepareOptions<'_>) -> Result<Edit, Error> {
    plan_prepare(doc, opts).map(|p| p.apply(&doc.text))
}

/// [`prepare`] as splices, not yet applied.
pub fn plan_prepare(doc: &Changelog, opts: &PrepareOptions<'_>) -> Result<Planned, Error> {
    let policy = opts.policy;
    let version = ReleaseVersion::parse_version(opts.version, policy)
        .map_err(|e| Error::InvalidVersion(e.to_string()))?;
    let v = version.to_string();
    title::iso_date(opts.date).map_err(Error::InvalidDate)?;
    if let Some(s) = doc.find(&v).first() {
        if opts.into_existing {
            return plan_merge_into(doc, s, opts.date);
        }
        return Err(Error::VersionExists {
            version: v,
            line: doc.line_of(s.heading.span.start),
        });
    }
    let unreleased = single_unreleased(doc)?;
    if doc.is_empty_section(unreleased) {
        return Err(Error::EmptyUnreleased {
            line: doc.line_of(unreleased.heading.span.start),
        });
    }
    let text = &doc.text;
    if let Some(at) = doc.blocks.unclosed_fence.or(doc.blocks.unclosed_html) {
        return Err(Error::Usage(format!(
            "the code fence or HTML block at line {} is never closed, so everything after it is not Markdown structure: close it first (lint: fence-unclosed)",
            doc.line_of(at)
        )));
    }
    let nl = doc.newline;
    let idx = doc
        .sections
        .iter()
        .position(|s| std::ptr::eq(s, unreleased))
        .unwrap_or(0);
    let below = doc.sections[idx + 1..].iter().find(|s| !s.is_unreleased());
    // The base is the greatest version below that is lower than VERSION: a hotfix of an
    // older line has a newer release right below it, and after a hotfix is merged back the
    // section right below can be that older line's hotfix; neither is what VERSION changed
    // from (C3).
    // The new release is the newest event: no section below was released after it.
    let base = doc.compare_base(
        idx,
        Some(&v),
        None,
        policy.changelog.compare_base == CompareBase::PreviousStable,
    );
    let style = link_style(doc, opts.repo_url, opts.remote_url, policy);
    let tag = format!("{}{}", style.prefix, v);
    let base_tag = base.map(|b| format!("{}{}", style.prefix, b.version(text)));

    let unreleased_defs = doc.links_for("unreleased");
    let below_defs: Vec<&LinkDef> = below
        .map(|b| doc.links_for(b.version(text)))
        .unwrap_or_default();
    let inline = unreleased.parts.link.is_some() || below.is_some_and(|b| b.parts.link.is_some());
    let footer = !inline
        && (!unreleased_defs.is_empty() || !below_defs.is_empty() || style.repo.is_some())
        && (unreleased.parts.bracketed || below.is_some_and(|b| b.parts.bracketed));

    let mut changes = Vec::new();
    let mut warnings = Vec::new();
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();

    // The URLs, in the style of the links already there.
    let unreleased_url = |old: Option<&str>| -> Option<String> {
        if let Some(old) = old {
            if let Some((from, _)) = links::compare_ends(old) {
                if let Some(u) = substitute(old, &[(&from, &tag)]) {
                    return Some(u);
                }
            }
        }
        style
            .repo
            .as_deref()
            .map(|r| style.host.compare(r, &tag, "HEAD"))
    };
    let version_url = |template: Option<&str>| -> Option<String> {
        match (&base_tag, template) {
            (Some(bt), Some(t)) => {
                if let Some((from, to)) = links::compare_ends(t) {
                    if let Some(u) = substitute(t, &[(&from, bt), (&to, &tag)]) {
                        return Some(u);
                    }
                }
                style
                    .repo
                    .as_deref()
                    .map(|r| style.host.compare(r, bt, &tag))
            }
            (Some(bt), None) => style
                .repo
                .as_deref()
                .map(|r| style.host.compare(r, bt, &tag)),
            (None, _) => style.repo.as_deref().map(|r| style.host.tag(r, &tag)),
        }
    };
    let below_url: Option<String> = below.and_then(|b| {
        b.parts
            .link
            .clone()
            .map(|l| text[l].to_string())
            .or_else(|| below_defs.first().map(|d| text[d.url.clone()].to_string()))
    });
    let new_url = version_url(below_url.as_deref());

    // The new heading, shaped like the section below (or like Unreleased).
    let heading = new_heading(
        doc,
        unreleased,
        below,
        &v,
        opts.date,
        inline.then_some(new_url.as_deref()).flatten(),
    );
    let at = unreleased.heading.span.end;
    let lead = if text[..at].ends_with('\n') { "" } else { nl };
    edits.push((at..at, format!("{lead}{nl}{heading}{nl}")));
    changes.push(format!(
        "moved the Unreleased entries into a new section `{}` below `[Unreleased]` (line {})",
        heading.lines().next().unwrap_or(""),
        doc.line_of(unreleased.heading.span.start) + 2
    ));

    if inline {
        if let Some(l) = &unreleased.parts.link {
            if let Some(u) = unreleased_url(Some(&text[l.clone()])) {
                edits.push((l.clone(), u));
                changes.push("pointed the Unreleased heading's link at the new tag".into());
            }
        }
    } else if footer {
        let (Some(vurl), Some(uurl)) = (
            new_url.clone(),
            unreleased_url(unreleased_defs.first().map(|d| &text[d.url.clone()])),
        ) else {
            warnings.push("no repository URL (give --repo-url or set changelog.repository_url): no link definitions written (C3)".into());
            return Ok(Planned {
                splices: edits,
                changes,
                warnings,
            });
        };
        let vdef = format!("[{v}]: {vurl}");
        // Definitions inside the Unreleased entries move with them: an edit there would
        // change the new section's notes, so new definitions go outside (C2: nothing else
        // in the moved entries changes).
        let moved = unreleased.heading.span.start..crate::notes::body_range(doc, unreleased).end;
        let outside = |p: usize| p <= moved.start || p >= moved.end;
        let unreleased_defs: Vec<&LinkDef> = unreleased_defs
            .into_iter()
            .filter(|d| {
                let ok = outside(d.span.start);
                if !ok {
                    warnings.push(format!("the [Unreleased] link definition at line {} sits among the Unreleased entries: left as it is", doc.line_of(d.span.start)));
                }
                ok
            })
            .collect();
        let below_defs: Vec<&LinkDef> = below_defs
            .into_iter()
            .filter(|d| outside(d.span.start))
            .collect();
        if let Some(ud) = unreleased_defs.first() {
            edits.push((ud.url.clone(), uurl));
            changes.push(format!("[Unreleased] link now compares {tag}...HEAD"));
            let end = ud.span.end;
            if text[..end].ends_with('\n') {
                edits.push((end..end, format!("{vdef}{nl}")));
            } else {
                edits.push((end..end, format!("{nl}{vdef}")));
            }
        } else {
            let udef = unreleased
                .parts
                .bracketed
                .then(|| format!("[Unreleased]: {uurl}"));
            let block: Vec<String> = udef.into_iter().chain([vdef.clone()]).collect();
            let next_url = doc
                .markers()
                .into_iter()
                .find(|(name, span)| *name == "next-url" && outside(span.start))
                .map(|(_, span)| span.end)
                .filter(|&end| text[..end].ends_with('\n'));
            if let Some(bd) = below_defs.first() {
                let s = bd.span.start;
                edits.push((s..s, format!("{}{nl}", block.join(nl))));
            } else if let Some(at) = next_url {
                // cargo-release keeps its definitions right under `<!-- next-url -->`.
                edits.push((at..at, format!("{}{nl}", block.join(nl))));
            } else if let Some(first) = doc.blocks.links.iter().find(|d| {
                d.span.start > unreleased.heading.span.start
                    && outside(d.span.start)
                    && is_version_label(&text[d.label.clone()])
            }) {
                let s = first.span.start;
                edits.push((s..s, format!("{}{nl}", block.join(nl))));
            } else {
                let end = text.len();
                let sep = if text.ends_with('\n') {
                    if text.ends_with(&format!("{nl}{nl}")) {
                        ""
                    } else {
                        nl
                    }
                } else {
                    // Keep the missing final newline missing.
                    edits.push((end..end, format!("{nl}{nl}{}", block.join(nl))));
                    changes.push(format!("added the link definition `{vdef}`"));
                    return Ok(Planned {
                        splices: edits,
                        changes,
                        warnings,
                    });
                };
                edits.push((end..end, format!("{sep}{}{nl}", block.join(nl))));
            }
            if unreleased.parts.bracketed {
                changes.push(format!("added [Unreleased] link comparing {tag}...HEAD"));
            }
        }
        changes.push(format!("added the link definition `{vdef}`"));
    } else if style.repo.is_none() {
        warnings.push(
            "no repository URL and no links in the file: no link definitions written (C3)".into(),
        );
    }
    Ok(Planned {
        splices: edits,
        changes,
        warnings,
    })
}

fn is_version_label(label: &str) -> bool {
    let l = label.trim();
    l.eq_ignore_ascii_case("unreleased")
        || l.trim_start_matches(['v', 'V'])
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
}

/// The heading line(s) of a new version section.
fn new_heading(
    doc: &Changelog,
    unreleased: &Section,
    below: Option<&Section>,
    version: &str,
    date: &str,
    inline_url: Option<&str>,
) -> String {
    let text = &doc.text;
    let nl = doc.newline;
    let fallback = || {
        let marks = "#".repeat(unreleased.heading.level as usize);
        let name = match (inline_url, unreleased.parts.bracketed) {
            (Some(u), _) => format!("[{version}]({u})"),
            (None, true) => format!("[{version}]"),
            (None, false) => version.to_string(),
        };
        format!("{marks} {name} - {date}")
    };
    let Some(t) = below else {
        return fallback();
    };
    let h = &t.heading;
    let p = &t.parts;
    let mut edits: Vec<(Range<usize>, String)> = vec![(p.version.clone(), version.to_string())];
    if let (Some(l), Some(u)) = (&p.link, inline_url) {
        edits.push((l.clone(), u.to_string()));
    }
    if let Some(y) = &p.yanked {
        edits.push((y.clone(), String::new()));
    }
    let title_end = match &p.yanked {
        // A yanked marker at the very end: drop what trails it too.
        Some(y) if text[y.end..h.title.end].trim().is_empty() => y.end.max(h.title.end),
        _ => h.title.end,
    };
    match &p.date {
        Some(d)
            if p.yanked
                .as_ref()
                .is_none_or(|y| y.end <= d.start || y.start >= d.end) =>
        {
            edits.push((d.clone(), date.to_string()))
        }
        _ => edits.push((title_end..title_end, format!(" - {date}"))),
    }
    // Shift to the title's frame.
    let base = h.title.start;
    let rel: Vec<(Range<usize>, String)> = edits
        .into_iter()
        .map(|(r, s)| (r.start - base..r.end - base, s))
        .collect();
    let title_text = &text[h.title.start..title_end.max(h.title.start)];
    let new_title = splice(title_text, rel).trim_end().to_string();
    // The template must read back as this version and date; odd headings get the plain form.
    let reads_back = title::parse(&new_title).is_some_and(|p| {
        !p.unreleased
            && &new_title[p.version.clone()] == version
            && p.date.is_some_and(|d| &new_title[d] == date)
            && p.yanked.is_none()
    });
    if !reads_back || new_title.contains(['\n', '\r']) {
        return fallback();
    }
    if h.setext {
        let underline = text[h.title.end..h.span.end]
            .trim()
            .chars()
            .next()
            .unwrap_or('=');
        let width = new_title.chars().count().max(3);
        format!("{new_title}{nl}{}", underline.to_string().repeat(width))
    } else {
        let prefix = &text[h.span.start..h.title.start];
        let line_end = text[h.span.clone()].trim_end_matches(['\r', '\n']).len() + h.span.start;
        let suffix = &text[h.title.end.min(line_end)..line_end];
        format!("{prefix}{new_title}{}", suffix.trim_end())
    }
}

/// The canonical spelling of a category and its place in `order`, when `name` is one.
fn standard<'a>(name: &str, order: &'a [String]) -> Option<(usize, &'a str)> {
    order
        .iter()
        .enumerate()
        .find(|(_, c)| c.trim().eq_ignore_ascii_case(name.trim()))
        .map(|(i, c)| (i, c.trim()))
}

/// Adds an entry under a category of Unreleased, with the built-in policy (Keep a Changelog's
/// categories, tag prefix `v`); see [`add_with`].
pub fn add(doc: &Changelog, category: &str, entry: &str) -> Result<Edit, Error> {
    add_with(doc, category, entry, &Policy::default())
}

/// Adds an entry under a category of Unreleased, creating the category (in the order of the
/// policy's `changelog.categories`, Keep a Changelog's by default) when it is missing. A file
/// without an `[Unreleased]` section gets one first, above the newest release, shaped like
/// its version headings, with an `[Unreleased]: …/compare/vNEWEST...HEAD` definition when the
/// file keeps its links as footer definitions; the first change says so.
pub fn add_with(
    doc: &Changelog,
    category: &str,
    entry: &str,
    policy: &Policy,
) -> Result<Edit, Error> {
    let entry = entry.trim();
    if entry.is_empty() {
        return Err(Error::Usage("the entry text is empty".into()));
    }
    if category.trim().is_empty() || category.contains(['\n', '\r']) {
        return Err(Error::Usage(format!(
            "category {category:?} is not a heading text"
        )));
    }
    if doc.has_unreleased() {
        return add_entry(doc, category, entry, policy);
    }
    let created = create_unreleased(doc, policy);
    let with_unreleased = Changelog::parse(splice(&doc.text, created.splices));
    if !with_unreleased.has_unreleased() {
        return Err(Error::NoUnreleased);
    }
    let mut edit = add_entry(&with_unreleased, category, entry, policy)?;
    let mut changes = created.changes;
    changes.append(&mut edit.changes);
    edit.changes = changes;
    edit.warnings.splice(0..0, created.warnings);
    Ok(edit)
}

/// The splices that put an `[Unreleased]` section above the newest release (or at the end of
/// a file without versions), and its footer link definition when the file uses those.
fn create_unreleased(doc: &Changelog, policy: &Policy) -> Planned {
    let text = &doc.text;
    let nl = doc.newline;
    let mut splices = Vec::new();
    let mut changes = Vec::new();
    let mut warnings = Vec::new();
    let target = doc.latest().or_else(|| doc.sections.first());
    let Some(target) = target else {
        let marks = "#".repeat(doc.level as usize);
        let heading = format!("{marks} [Unreleased]");
        let sep = if text.is_empty() || text.ends_with(&format!("{nl}{nl}")) {
            ""
        } else if text.ends_with('\n') {
            nl
        } else {
            "\n\n"
        };
        let sep = if sep == "\n\n" {
            format!("{nl}{nl}")
        } else {
            sep.to_string()
        };
        splices.push((text.len()..text.len(), format!("{sep}{heading}{nl}")));
        changes.push(format!(
            "created `{heading}` at the end of the file (it had no version sections)"
        ));
        return Planned {
            splices,
            changes,
            warnings,
        };
    };
    let h = &target.heading;
    let name = if target.parts.bracketed {
        "[Unreleased]"
    } else {
        "Unreleased"
    };
    let heading = if h.setext {
        let underline = text[h.title.end..h.span.end]
            .trim()
            .chars()
            .next()
            .unwrap_or('=');
        format!("{name}{nl}{}", underline.to_string().repeat(name.len()))
    } else {
        format!("{} {name}", "#".repeat(h.level as usize))
    };
    let at = h.span.start;
    splices.push((at..at, format!("{heading}{nl}{nl}")));
    let target_title = text[h.title.clone()].trim();
    changes.push(format!(
        "created `{}` above the newest release `{target_title}` (line {})",
        heading.lines().next().unwrap_or(name),
        doc.line_of(at)
    ));
    // Footer links: only where the newest release has one (inline-linked headings get none).
    let v = target.version(text);
    let defs = doc.links_for(v);
    if target.parts.bracketed && target.parts.link.is_none() {
        if let Some(def) = defs.first() {
            let style = link_style(doc, None, None, policy);
            let url = links::compare_ends(&text[def.url.clone()])
                .and_then(|(from, to)| {
                    substitute(&text[def.url.clone()], &[(&from, &to), (&to, "HEAD")])
                        .filter(|_| links::tag_prefix(&to, v).is_some())
                })
                .or_else(|| {
                    let tag = format!("{}{v}", style.prefix);
                    style
                        .repo
                        .as_deref()
                        .map(|r| style.host.compare(r, &tag, "HEAD"))
                });
            match url {
                Some(url) => {
                    let s = def.span.start;
                    let line = format!("[Unreleased]: {url}");
                    splices.push((s..s, format!("{line}{nl}")));
                    changes.push(format!("added the link definition `{line}`"));
                }
                None => warnings.push(
                    "no repository URL in the file's links: no `[Unreleased]` definition written (C3)"
                        .into(),
                ),
            }
        }
    }
    Planned {
        splices,
        changes,
        warnings,
    }
}

/// [`add_with`] on a file that has an Unreleased section.
fn add_entry(doc: &Changelog, category: &str, entry: &str, policy: &Policy) -> Result<Edit, Error> {
    let order = &policy.changelog.categories;
    let unreleased = single_unreleased(doc)?;
    let text = &doc.text;
    let nl = doc.newline;
    // One line per entry line; continuation lines indented under the bullet.
    let bullet = doc
        .sections
        .iter()
        .flat_map(|s| s.entries())
        .next()
        .and_then(|r| text[r.clone()].trim_start().chars().next())
        .filter(|c| matches!(c, '-' | '*' | '+'))
        .unwrap_or('-');
    let item = entry
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("{bullet} {l}")
            } else {
                format!("  {l}")
            }
        })
        .collect::<Vec<_>>()
        .join(nl);
    let existing = unreleased.categories.iter().find(|c| {
        text[c.heading.title.clone()]
            .trim()
            .eq_ignore_ascii_case(category.trim())
    });
    let mut edits = Vec::new();
    let change;
    if let Some(cat) = existing {
        let end = crate::doc::trim_block_end(text, &doc.blocks, cat.body.start, cat.body.end);
        if crate::doc::has_content(&doc.blocks, cat.body.clone()) {
            if text[..end].ends_with('\n') {
                edits.push((end..end, format!("{item}{nl}")));
            } else {
                edits.push((end..end, format!("{nl}{item}")));
            }
        } else {
            let at = cat.heading.span.end;
            let lead = if text[..at].ends_with('\n') { "" } else { nl };
            edits.push((at..at, format!("{lead}{nl}{item}{nl}")));
        }
        change = format!(
            "added an entry under `{}` of Unreleased",
            &text[cat.heading.title.clone()]
        );
    } else {
        let (rank, name) = match standard(category, order) {
            Some((i, c)) => (i, c.to_string()),
            None => (usize::MAX, category.trim().to_string()),
        };
        let marks = "#".repeat(unreleased.heading.level as usize + 1);
        let block = format!("{marks} {name}{nl}{nl}{item}{nl}");
        let before = unreleased.categories.iter().find(|c| {
            standard(&text[c.heading.title.clone()], order).is_some_and(|(i, _)| i > rank)
        });
        if let Some(next) = before {
            let s = next.heading.span.start;
            edits.push((s..s, format!("{block}{nl}")));
        } else {
            let end = crate::doc::trim_block_end(
                text,
                &doc.blocks,
                unreleased.body.start,
                unreleased.body.end,
            );
            let has_any = crate::doc::has_content(&doc.blocks, unreleased.body.clone())
                || !unreleased.categories.is_empty();
            if has_any {
                let end = end.max(
                    unreleased
                        .categories
                        .last()
                        .map_or(0, |c| c.heading.span.end),
                );
                if text[..end].ends_with('\n') {
                    edits.push((end..end, format!("{nl}{block}")));
                } else {
                    edits.push((end..end, format!("{nl}{nl}{}", block.trim_end())));
                }
            } else {
                let at = unreleased.heading.span.end;
                let lead = if text[..at].ends_with('\n') { "" } else { nl };
                edits.push((at..at, format!("{lead}{nl}{block}")));
            }
        }
        change = format!("added the category `{name}` to Unreleased with the entry");
    }
    Ok(Edit {
        text: splice(text, edits),
        changes: vec![change],
        warnings: Vec::new(),
    })
}

/// Marks a version's heading `[YANKED]` and puts a note with the reason and the replacement
/// under it (R4).
pub fn yank(
    doc: &Changelog,
    version: &str,
    reason: &str,
    replacement: Option<&str>,
    policy: &Policy,
) -> Result<Edit, Error> {
    let reason = reason.trim();
    if reason.is_empty() || reason.contains(['\n', '\r']) {
        return Err(Error::Usage(
            "--reason must be one line of text (R4)".into(),
        ));
    }
    if let Some(r) = replacement {
        ReleaseVersion::parse_version(r, policy)
            .map_err(|e| Error::InvalidVersion(e.to_string()))?;
    }
    let text = &doc.text;
    let found = doc.find(version);
    let section = match found.as_slice() {
        [] => {
            return Err(Error::NoSuchVersion {
                version: version.into(),
                known: doc
                    .versions()
                    .take(5)
                    .map(|s| s.version(text).to_string())
                    .collect(),
            })
        }
        [one] => *one,
        [a, b, ..] => {
            return Err(Error::DuplicateVersion {
                version: version.into(),
                first: doc.line_of(a.heading.span.start),
                second: doc.line_of(b.heading.span.start),
            })
        }
    };
    if section.parts.yanked.is_some() {
        return Err(Error::AlreadyYanked {
            version: version.into(),
            line: doc.line_of(section.heading.span.start),
        });
    }
    let nl = doc.newline;
    let h = &section.heading;
    let mut edits = Vec::new();
    edits.push((h.title.end..h.title.end, " [YANKED]".to_string()));
    let reason = reason.trim_end_matches('.');
    let note = match replacement {
        Some(r) => {
            let r = r.strip_prefix(['v', 'V']).unwrap_or(r);
            format!("> **Yanked:** {reason}. Use {r} instead.")
        }
        None => format!("> **Yanked:** {reason}."),
    };
    let at = h.span.end;
    let lead = if text[..at].ends_with('\n') { "" } else { nl };
    let trail = if at == text.len() { "" } else { nl };
    edits.push((at..at, format!("{lead}{nl}{note}{trail}")));
    if h.setext {
        // Keep the underline as long as the title.
        let underline = text[h.title.end..h.span.end].trim();
        if let Some(ch) = underline.chars().next() {
            let ul_start = h.title.end + text[h.title.end..h.span.end].find(ch).unwrap_or(0);
            let width = text[h.title.clone()].chars().count() + " [YANKED]".len();
            let ul_end = ul_start + underline.len();
            if underline.len() < width {
                edits.push((
                    ul_end..ul_end,
                    ch.to_string().repeat(width - underline.len()),
                ));
            }
        }
    }
    Ok(Edit {
        text: splice(text, edits),
        changes: vec![format!(
            "marked {version} [YANKED] at line {} with the reason{}",
            doc.line_of(h.span.start),
            replacement
                .map(|r| format!(" and {r} as the replacement"))
                .unwrap_or_default()
        )],
        warnings: Vec::new(),
    })
}
