//! Keep a Changelog files and upgrading guides, edited byte-exactly.
//!
//! A changelog is held as its original text plus byte spans of its parts ([`Changelog`]):
//! the front matter, each version section with its heading, version, date, yanked marker,
//! category blocks and entries, the link reference definitions, markers. Every edit is a
//! splice into the original text, so bytes the edit does not touch stay identical (C4), line
//! endings, a byte order mark and a missing final newline included.
//!
//! ```
//! use release_changelog::{prepare, Changelog, PrepareOptions};
//! use release_core::policy::Policy;
//!
//! let text = "# Changelog\n\n## [Unreleased]\n\n### Fixed\n\n- A bug.\n\n## [0.1.0] - 2024-01-01\n\n### Added\n\n- Everything.\n\n[Unreleased]: https://github.com/o/r/compare/v0.1.0...HEAD\n[0.1.0]: https://github.com/o/r/releases/tag/v0.1.0\n";
//! let doc = Changelog::parse(text);
//! let policy = Policy::default();
//! let edit = prepare(&doc, &PrepareOptions::new("0.1.1", "2024-02-01", &policy))?;
//! assert!(edit.text.contains("## [0.1.1] - 2024-02-01\n\n### Fixed\n\n- A bug."));
//! assert!(edit.text.contains("[Unreleased]: https://github.com/o/r/compare/v0.1.1...HEAD\n[0.1.1]: https://github.com/o/r/compare/v0.1.0...v0.1.1\n"));
//! # Ok::<(), release_changelog::Error>(())
//! ```

mod doc;
mod edit;
pub mod links;
mod lint;
mod next;
mod notes;
pub mod ready;
pub mod save;
pub mod scan;
pub mod title;
pub mod upgrading;

pub use doc::{normalize_label, Category, Changelog, Section, CATEGORIES};
pub use edit::{add, add_with, plan_prepare, prepare, yank, Edit, Planned, PrepareOptions};
pub use lint::{lint, Diagnostic, Severity};
pub use next::{next, NextVersion};
pub use notes::{announce_categories, notes, release_notes, section_notes, Notes, Which};

/// Why an operation refused. Messages name the input and the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A version argument that is not a release version.
    #[error("{0}")]
    InvalidVersion(String),
    /// A date argument that is not a real `YYYY-MM-DD` date.
    #[error("{0} (C2: a release heading carries an ISO date)")]
    InvalidDate(String),
    /// The changelog has no `## [Unreleased]` section.
    #[error("the changelog has no `[Unreleased]` section to take entries from (C1, C2)")]
    NoUnreleased,
    /// Two Unreleased sections.
    #[error("the changelog has two `[Unreleased]` sections, at lines {first} and {second}: merge them first (C1)")]
    TwoUnreleased {
        /// Line of the first.
        first: usize,
        /// Line of the second.
        second: usize,
    },
    /// Unreleased has no entries.
    #[error("the `[Unreleased]` section at line {line} has no entries: nothing to release (C1)")]
    EmptyUnreleased {
        /// Line of its heading.
        line: usize,
    },
    /// The version already has a section.
    #[error(
        "version {version} already has a section at line {line} (V5: a version is released once)"
    )]
    VersionExists {
        /// The version.
        version: String,
        /// Line of its heading.
        line: usize,
    },
    /// No section for a version.
    #[error("the changelog has no section for version {version}{}", if known.is_empty() { String::new() } else { format!(" (newest: {})", known.join(", ")) })]
    NoSuchVersion {
        /// The version asked for.
        version: String,
        /// The first few versions the file has.
        known: Vec<String>,
    },
    /// The version has two headings.
    #[error("version {version} has two headings, at lines {first} and {second}: remove one (C6)")]
    DuplicateVersion {
        /// The version.
        version: String,
        /// Line of the first heading.
        first: usize,
        /// Line of the second heading.
        second: usize,
    },
    /// The changelog has no released version.
    #[error("the changelog has no released version section")]
    NoVersions,
    /// A yanked version is yanked again.
    #[error("version {version} is already marked yanked at line {line} (R4)")]
    AlreadyYanked {
        /// The version.
        version: String,
        /// Line of its heading.
        line: usize,
    },
    /// Bad arguments or a file shape an operation cannot work with.
    #[error("{0}")]
    Usage(String),
}

/// Applies non-overlapping splices `(range, replacement)` to `text`. Insertions at the same
/// offset keep their order.
pub(crate) fn splice(text: &str, mut edits: Vec<(std::ops::Range<usize>, String)>) -> String {
    edits.sort_by_key(|(r, _)| (r.start, r.end));
    let extra: usize = edits.iter().map(|(_, s)| s.len()).sum();
    let mut out = String::with_capacity(text.len() + extra);
    let mut pos = 0;
    for (range, replacement) in edits {
        let start = range.start.max(pos);
        out.push_str(&text[pos..start]);
        out.push_str(&replacement);
        pos = range.end.max(start);
    }
    out.push_str(&text[pos..]);
    out
}
