//! `next`: the next version from the Unreleased categories, with the pre-1.0 rule (V4).

use release_core::policy::Policy;
use release_core::version::{Bump, ReleaseVersion};
use serde::Serialize;

use crate::doc::Changelog;
use crate::Error;

/// The suggestion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NextVersion {
    /// The version released before (the newest in the changelog, or the one given); `None`
    /// when nothing was released (the bump starts from 0.0.0).
    pub from: Option<String>,
    /// The kind of change that decides.
    pub bump: Bump,
    /// The suggested version.
    pub version: String,
    /// Why: one line per deciding category.
    pub reasons: Vec<String>,
}

/// True when an entry says it breaks something (`**Breaking**`, `BREAKING:`, `[breaking]`,
/// "breaking change").
pub(crate) fn breaking_marker(entry: &str) -> bool {
    let l = entry.to_ascii_lowercase();
    let head = l.trim_start_matches(['-', '*', '+', ' ']);
    head.starts_with("**breaking")
        || head.starts_with("breaking")
        || head.starts_with("[breaking")
        || head.starts_with("⚠")
        || l.contains("breaking change")
        || entry.contains("BREAKING")
}

/// Suggests the next version: Removed, or a breaking marker in Changed (or a "Breaking"
/// category) -> breaking; Added, Changed, Deprecated -> feature; Fixed, Security and anything
/// else -> fix. `released` overrides the newest version found in the changelog.
/// `Ok(None)` when Unreleased has no entries.
pub fn next(
    doc: &Changelog,
    released: Option<&ReleaseVersion>,
    policy: &Policy,
) -> Result<Option<NextVersion>, Error> {
    let text = &doc.text;
    let unreleased = match doc.unreleased().as_slice() {
        [] => return Err(Error::NoUnreleased),
        [one] => *one,
        [a, b, ..] => {
            return Err(Error::TwoUnreleased {
                first: doc.line_of(a.heading.span.start),
                second: doc.line_of(b.heading.span.start),
            })
        }
    };
    let from = match released {
        Some(v) => Some(v.clone()),
        // Released versions: the ones below Unreleased (clap keeps a planned `## 5.0.0 - TBD`
        // above it).
        None => doc
            .sections
            .iter()
            .skip_while(|s| !s.is_unreleased())
            .filter(|s| !s.is_unreleased())
            .filter_map(|s| ReleaseVersion::parse_version(s.version(text), policy).ok())
            .max(),
    };
    // Nothing released yet: bump from 0.0.0, as `release version next` does.
    let base = from
        .clone()
        .unwrap_or_else(|| ReleaseVersion::stable(0, 0, 0));
    let mut bump: Option<Bump> = None;
    let mut reasons = Vec::new();
    let rank = |b: Bump| match b {
        Bump::Breaking => 3,
        Bump::Feature => 2,
        _ => 1,
    };
    let mut raise = |b: Bump, why: String, reasons: &mut Vec<String>| {
        reasons.push(why);
        if bump.is_none_or(|cur| rank(b) > rank(cur)) {
            bump = Some(b);
        }
    };
    if !unreleased.loose_entries.is_empty() {
        raise(
            Bump::Fix,
            format!(
                "{} entries outside categories: fix",
                unreleased.loose_entries.len()
            ),
            &mut reasons,
        );
    }
    for c in &unreleased.categories {
        if c.entries.is_empty() {
            continue;
        }
        let name = text[c.heading.title.clone()].trim();
        let lower = name.to_ascii_lowercase();
        let n = c.entries.len();
        let (b, why) =
            if lower == "removed" || lower.contains("breaking") || lower.contains("removal") {
                (Bump::Breaking, format!("{name} ({n}): breaking"))
            } else if lower == "changed" {
                let marked = c
                    .entries
                    .iter()
                    .filter(|e| breaking_marker(&text[(*e).clone()]))
                    .count();
                if marked > 0 {
                    (
                        Bump::Breaking,
                        format!("{name} ({n}, {marked} marked breaking): breaking"),
                    )
                } else {
                    (Bump::Feature, format!("{name} ({n}): feature"))
                }
            } else if lower == "added"
                || lower == "deprecated"
                || lower.contains("feature")
                || lower.contains("addition")
            {
                (Bump::Feature, format!("{name} ({n}): feature"))
            } else {
                (Bump::Fix, format!("{name} ({n}): fix"))
            };
        raise(b, why, &mut reasons);
    }
    let Some(bump) = bump else {
        return Ok(None);
    };
    let version = base.bump(bump);
    Ok(Some(NextVersion {
        from: from.map(|v| v.to_string()),
        bump,
        version: version.to_string(),
        reasons,
    }))
}
