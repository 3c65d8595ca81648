//! What was published, judged (A1-A3): each finding with its rule and status, and the verdict
//! over them. A check that could not run is `not-checked`, never a pass, and no verdict claims
//! success over it.
//!
//! ```
//! use release_core::published::{verdict, Finding, FindingStatus, Verdict};
//! use release_core::rule::Rule;
//!
//! let findings = [
//!     Finding::new(Rule::A1, "tag 0.4.0", FindingStatus::Ok, "sha256:…"),
//!     Finding::new(Rule::A3, "GitHub Release", FindingStatus::NotChecked, "--no-github"),
//! ];
//! assert_eq!(verdict(&findings), Verdict::Unknown(vec!["GitHub Release".into()]));
//! ```

use std::fmt;

use serde::Serialize;

use crate::rule::Rule;

/// How one published piece looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingStatus {
    /// There, and right.
    Ok,
    /// Not there.
    Missing,
    /// There, but not what the policy says (another digest).
    Wrong,
    /// An alias T6 (or a yank) left on another release, on purpose.
    Elsewhere,
    /// Not checked: no network, no credentials, or left out by a flag. Never a pass.
    NotChecked,
    /// The policy has nothing to check here (no image, no binary assets).
    NotApplicable,
}

impl FindingStatus {
    /// The status as printed (`not-checked`).
    pub fn as_str(self) -> &'static str {
        match self {
            FindingStatus::Ok => "ok",
            FindingStatus::Missing => "missing",
            FindingStatus::Wrong => "wrong",
            FindingStatus::Elsewhere => "elsewhere",
            FindingStatus::NotChecked => "not-checked",
            FindingStatus::NotApplicable => "not-applicable",
        }
    }
}

impl fmt::Display for FindingStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One published piece and what was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// `A1`, `A2`, `A3`.
    pub rule: Rule,
    /// What was checked (`tag 0.4`, `SBOM`, `asset app-x86_64-linux`).
    pub item: String,
    /// What was found.
    pub status: FindingStatus,
    /// Details: digests, where an attestation was found, why it was not checked.
    pub detail: String,
}

impl Finding {
    /// A finding.
    pub fn new(
        rule: Rule,
        item: impl Into<String>,
        status: FindingStatus,
        detail: impl Into<String>,
    ) -> Finding {
        Finding {
            rule,
            item: item.into(),
            status,
            detail: detail.into(),
        }
    }

    /// Whether it counts as published as the policy says (`ok`, `elsewhere` on purpose,
    /// `not-applicable`). `not-checked` does not.
    pub fn passed(&self) -> bool {
        matches!(
            self.status,
            FindingStatus::Ok | FindingStatus::Elsewhere | FindingStatus::NotApplicable
        )
    }
}

/// The answer over every finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", content = "items", rename_all = "kebab-case")]
pub enum Verdict {
    /// Everything the policy asks for is there.
    Published,
    /// Pieces are missing or wrong (named): the answer is no.
    Missing(Vec<String>),
    /// Nothing checked is missing, but these were not checked: no claim of success.
    Unknown(Vec<String>),
}

impl Verdict {
    /// Whether the answer is a plain yes.
    pub fn is_published(&self) -> bool {
        *self == Verdict::Published
    }
}

/// The verdict: missing or wrong pieces first, then the pieces not checked.
pub fn verdict(findings: &[Finding]) -> Verdict {
    let missing: Vec<String> = findings
        .iter()
        .filter(|f| matches!(f.status, FindingStatus::Missing | FindingStatus::Wrong))
        .map(|f| f.item.clone())
        .collect();
    if !missing.is_empty() {
        return Verdict::Missing(missing);
    }
    let unknown: Vec<String> = findings
        .iter()
        .filter(|f| f.status == FindingStatus::NotChecked)
        .map(|f| f.item.clone())
        .collect();
    if unknown.is_empty() {
        Verdict::Published
    } else {
        Verdict::Unknown(unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(status: FindingStatus) -> Finding {
        Finding::new(Rule::A1, status.as_str(), status, "")
    }

    #[test]
    fn not_checked_is_never_a_pass() {
        use FindingStatus::*;
        assert!(f(Ok).passed() && f(Elsewhere).passed() && f(NotApplicable).passed());
        assert!(!f(NotChecked).passed() && !f(Missing).passed() && !f(Wrong).passed());
        assert_eq!(
            verdict(&[f(Ok), f(Elsewhere), f(NotApplicable)]),
            Verdict::Published
        );
        assert_eq!(
            verdict(&[f(Ok), f(NotChecked)]),
            Verdict::Unknown(vec!["not-checked".into()])
        );
        assert_eq!(
            verdict(&[f(NotChecked), f(Wrong), f(Missing)]),
            Verdict::Missing(vec!["wrong".into(), "missing".into()])
        );
        assert!(!verdict(&[f(NotChecked)]).is_published());
    }
}
