//! Readiness facts about a changelog that release procedures check (P1, P2, P3, R4): whether
//! Unreleased has entries, whether a version's section was prepared, whether it is yanked.
//!
//! Each function answers `Ok(what was found)` or `Err(what is missing)`, in a sentence that
//! names the version and the rule, so a checklist or a preflight can show it as is.
//!
//! ```
//! use release_changelog::{ready, Changelog};
//!
//! let doc = Changelog::parse("# Changelog\n\n## [Unreleased]\n\n## [0.2.0] - 2026-01-05\n\n### Fixed\n\n- A bug.\n\n[Unreleased]: https://g.com/o/r/compare/v0.2.0...HEAD\n[0.2.0]: https://g.com/o/r/compare/v0.1.0...v0.2.0\n");
//! assert!(ready::prepared(&doc, "0.2.0").is_ok());
//! assert!(ready::prepared(&doc, "0.3.0").is_err());
//! assert!(ready::unreleased_entries(&doc).is_err());
//! ```

use crate::doc::Changelog;
use crate::title;

/// `Ok` with the number of entries when there is exactly one `[Unreleased]` section and it has
/// at least one entry (C1).
pub fn unreleased_entries(doc: &Changelog) -> Result<String, String> {
    let unreleased = doc.unreleased();
    match unreleased.as_slice() {
        [] => Err("the changelog has no `[Unreleased]` section (C1)".into()),
        [one] => {
            let n = one.entries().count();
            if n == 0 {
                Err(format!(
                    "`[Unreleased]` at line {} has no entries: nothing to release (C1)",
                    doc.line_of(one.heading.span.start)
                ))
            } else {
                Ok(format!(
                    "{n} {} in `[Unreleased]`",
                    if n == 1 { "entry" } else { "entries" }
                ))
            }
        }
        [first, second, ..] => Err(format!(
            "two `[Unreleased]` sections, at lines {} and {} (C1)",
            doc.line_of(first.heading.span.start),
            doc.line_of(second.heading.span.start)
        )),
    }
}

/// `Ok` when `version` has exactly one section with a real `YYYY-MM-DD` date, at least one
/// entry, not yanked, and a link definition for its label (C2, C3).
pub fn prepared(doc: &Changelog, version: &str) -> Result<String, String> {
    let v = version.strip_prefix(['v', 'V']).unwrap_or(version);
    let sections = doc.find(v);
    let section = match sections.as_slice() {
        [] => {
            return Err(format!(
                "no `## [{v}] - YYYY-MM-DD` section yet: run `release changelog prepare {v}` (C2)"
            ))
        }
        [one] => *one,
        [first, second, ..] => {
            return Err(format!(
                "{v} has two headings, at lines {} and {} (C2)",
                doc.line_of(first.heading.span.start),
                doc.line_of(second.heading.span.start)
            ))
        }
    };
    let line = doc.line_of(section.heading.span.start);
    let date = match section.date(&doc.text) {
        None => return Err(format!("the {v} heading at line {line} has no date (C2)")),
        Some(d) => d,
    };
    if let Err(e) = title::iso_date(date) {
        return Err(format!("the {v} heading at line {line}: {e} (C2)"));
    }
    if section.parts.yanked.is_some() {
        return Err(format!(
            "{v} at line {line} is marked yanked: release the next version instead (R4)"
        ));
    }
    if section.entries().next().is_none() {
        return Err(format!(
            "the {v} section at line {line} has no entries (C2)"
        ));
    }
    if doc.links_for(v).is_empty() && section.parts.link.is_none() {
        return Err(format!(
            "the {v} section at line {line} has no `[{v}]: …` compare link (C3)"
        ));
    }
    Ok(format!("`## [{v}] - {date}` at line {line}"))
}

/// `Ok` when the section of `version` is marked yanked (R4).
pub fn yanked(doc: &Changelog, version: &str) -> Result<String, String> {
    let v = version.strip_prefix(['v', 'V']).unwrap_or(version);
    match doc.find(v).first() {
        None => Err(format!("the changelog has no section for {v}")),
        Some(s) if s.parts.yanked.is_some() => Ok(format!(
            "{v} is marked yanked at line {}",
            doc.line_of(s.heading.span.start)
        )),
        Some(s) => Err(format!(
            "{v} at line {} is not marked `[YANKED]` yet (R4)",
            doc.line_of(s.heading.span.start)
        )),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const PREPARED: &str = "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- Next.\n\n## [1.1.0] - 2026-02-30\n\n- Bad date.\n\n## [1.0.0] - 2026-01-05 [YANKED]\n\n### Fixed\n\n- A bug.\n\n## [0.9.0] - 2025-12-01\n\n### Fixed\n\n- Old.\n\n[Unreleased]: https://g.com/o/r/compare/v1.0.0...HEAD\n[1.0.0]: https://g.com/o/r/compare/v0.9.0...v1.0.0\n";

    #[test]
    fn prepared_names_what_is_missing() {
        let doc = Changelog::parse(PREPARED);
        let bad_date = prepared(&doc, "1.1.0").unwrap_err();
        assert!(
            bad_date.contains("line 9") && bad_date.contains("(C2)"),
            "{bad_date}"
        );
        assert!(prepared(&doc, "1.0.0").unwrap_err().contains("yanked"));
        assert!(prepared(&doc, "0.9.0")
            .unwrap_err()
            .contains("compare link"));
        assert!(prepared(&doc, "2.0.0")
            .unwrap_err()
            .contains("no `## [2.0.0]"));
        assert_eq!(
            unreleased_entries(&doc).unwrap(),
            "1 entry in `[Unreleased]`"
        );
        assert!(yanked(&doc, "v1.0.0").is_ok());
        assert!(yanked(&doc, "0.9.0").unwrap_err().contains("not marked"));
    }
}
