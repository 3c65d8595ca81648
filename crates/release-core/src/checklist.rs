//! The procedures (P1-P4) as data: steps with ids, titles, the commands to run, and the
//! automated check that proves each step where one exists.
//!
//! Core only describes the checks; the I/O crates evaluate them and hand back a
//! [`CheckResult`] per step, and core renders the checklist with its state (Markdown to paste
//! into a release tracking issue, or JSON).
//!
//! ```
//! use std::collections::BTreeMap;
//! use release_core::checklist::{Checklist, CheckResult, Procedure};
//! use release_core::policy::Policy;
//! use release_core::version::ReleaseVersion;
//!
//! let policy = Policy::default();
//! let version = ReleaseVersion::parse_version("0.4.0", &policy)?;
//! let list = Checklist::new(Procedure::Stable, &version, &policy, None);
//! let mut results = BTreeMap::new();
//! results.insert("changelog".to_string(), CheckResult::pass("## [0.4.0] - 2026-07-20 found"));
//! let md = list.render_markdown(&results);
//! assert!(md.contains("- [x] **changelog**"));
//! assert!(md.contains("- [ ] **tag**"));
//! # Ok::<(), release_core::version::VersionError>(())
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::policy::{Policy, UpgradingGuide};
use crate::version::ReleaseVersion;

/// One of the policy's procedures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Procedure {
    /// P2: a stable release.
    Stable,
    /// P1: a release candidate.
    Rc,
    /// P3: a hotfix on an existing line.
    Hotfix,
    /// P4: rolling back a defective release.
    Rollback,
}

impl Procedure {
    /// The policy's rule id.
    pub fn rule(self) -> &'static str {
        match self {
            Procedure::Rc => "P1",
            Procedure::Stable => "P2",
            Procedure::Hotfix => "P3",
            Procedure::Rollback => "P4",
        }
    }

    /// Parses `stable|rc|hotfix|rollback`.
    pub fn parse(name: &str) -> Option<Procedure> {
        Some(match name {
            "stable" => Procedure::Stable,
            "rc" | "candidate" => Procedure::Rc,
            "hotfix" => Procedure::Hotfix,
            "rollback" => Procedure::Rollback,
            _ => return None,
        })
    }
}

/// An automated check that can prove a step, evaluated by the I/O crates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Check {
    /// `## [Unreleased]` has at least one entry (C1).
    UnreleasedNotEmpty,
    /// The version's changes are recorded: its `## [version] - date` section is prepared, or
    /// `## [Unreleased]` has entries (C1, C2; a candidate may come before or after `prepare`).
    ChangesRecorded {
        /// The stable version the candidate is for.
        version: String,
    },
    /// The changelog has a `## [version] - date` section (C2).
    ChangelogPrepared {
        /// The version.
        version: String,
    },
    /// The upgrading guide has notes for the version (C5).
    UpgradingNotes {
        /// The version.
        version: String,
    },
    /// The working tree has no uncommitted changes.
    TreeClean,
    /// HEAD is on this branch.
    OnBranch {
        /// The branch name.
        branch: String,
    },
    /// The tag does not exist yet (V5).
    TagAbsent {
        /// The tag name.
        tag: String,
    },
    /// The tag exists and passes the verification gate (G1-G4).
    TagVerified {
        /// The tag name.
        tag: String,
    },
    /// A release candidate of the version exists (P1 before P2).
    CandidateExists {
        /// The stable version.
        version: String,
    },
    /// The registry tags exist and resolve to one digest (A1).
    RegistryTags {
        /// The image.
        image: String,
        /// The tags that must be on one digest.
        tags: Vec<String>,
    },
    /// An SBOM and a provenance attestation exist for the version's digest (A2).
    Attestations {
        /// The image.
        image: String,
        /// The tag whose digest is checked.
        tag: String,
    },
    /// The GitHub Release exists with every binary asset (A3).
    ReleaseAssets {
        /// The git tag.
        tag: String,
        /// The asset names.
        assets: Vec<String>,
    },
    /// The hotfix tag's commit is merged back into the main branch (P3).
    MergedBack {
        /// The hotfix tag.
        tag: String,
        /// The main branch.
        branch: String,
    },
    /// The GitHub Release carries the deprecation banner (R2).
    DeprecationBanner {
        /// The git tag of the defective release.
        tag: String,
    },
    /// The changelog marks the version yanked (R4).
    ChangelogYanked {
        /// The version.
        version: String,
    },
    /// A passing record of `release check <check>` for HEAD on a clean tree (P2, P3).
    CheckPassed {
        /// Which check.
        check: crate::checks::CheckKind,
    },
    /// The GitHub Release records that the notice was posted to every channel (N1, R6).
    Announced {
        /// The git tag whose GitHub Release holds the record.
        tag: String,
        /// The announcement or the deprecation notice.
        notice: crate::announce::Notice,
        /// The channels of the policy.
        channels: Vec<String>,
    },
    /// The step does not apply under this policy (no image, no candidate required, an
    /// optional upgrading guide): reported as such, never as a pass.
    NotApplicable {
        /// Why, naming the policy key.
        reason: String,
    },
}

impl Check {
    /// The result a check has without looking at anything (`NotApplicable`), else `None`.
    pub fn fixed_result(&self) -> Option<CheckResult> {
        match self {
            Check::NotApplicable { reason } => Some(CheckResult::not_applicable(reason.clone())),
            _ => None,
        }
    }
}

/// A step of a procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// A short stable id (`changelog`, `tag`, `verify-images`).
    pub id: &'static str,
    /// What to do.
    pub title: String,
    /// The commands to run, rendered for this release.
    pub commands: Vec<String>,
    /// The automated check proving the step, if one exists.
    pub check: Option<Check>,
    /// The policy rules the step implements.
    pub rules: &'static str,
}

/// The outcome of a step's check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckState {
    /// The check passed.
    Pass,
    /// The check failed.
    Fail,
    /// The check could not run (no registry access, nothing to check yet).
    Unknown,
    /// The step does not apply under the policy; neither a pass nor a failure.
    #[serde(rename = "not-applicable")]
    NotApplicable,
}

/// A check's outcome with a sentence of detail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckResult {
    /// Pass, fail or unknown.
    pub state: CheckState,
    /// What was found.
    pub detail: String,
}

impl CheckResult {
    /// A passed check.
    pub fn pass(detail: impl Into<String>) -> Self {
        Self {
            state: CheckState::Pass,
            detail: detail.into(),
        }
    }

    /// A failed check.
    pub fn fail(detail: impl Into<String>) -> Self {
        Self {
            state: CheckState::Fail,
            detail: detail.into(),
        }
    }

    /// A check that could not run.
    pub fn unknown(detail: impl Into<String>) -> Self {
        Self {
            state: CheckState::Unknown,
            detail: detail.into(),
        }
    }

    /// A check that does not apply under the policy.
    pub fn not_applicable(detail: impl Into<String>) -> Self {
        Self {
            state: CheckState::NotApplicable,
            detail: detail.into(),
        }
    }

    /// Whether the result lets a procedure go on: a pass, or a step that does not apply.
    pub fn is_ok(&self) -> bool {
        matches!(self.state, CheckState::Pass | CheckState::NotApplicable)
    }
}

/// The names of the policy's announcement channels.
fn channel_names(policy: &Policy) -> Vec<String> {
    policy
        .announce
        .channels
        .iter()
        .map(|c| c.name.clone())
        .collect()
}

/// A procedure for one version, as steps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checklist {
    /// Which procedure.
    pub procedure: Procedure,
    /// The version released (or rolled back).
    pub version: String,
    /// The git tag.
    pub tag: String,
    /// The steps in order.
    pub steps: Vec<Step>,
}

/// A step and its result, for JSON output.
#[derive(Debug, Serialize)]
pub struct StepState<'a> {
    /// The step.
    #[serde(flatten)]
    pub step: &'a Step,
    /// Its check's result, if it was evaluated.
    pub result: Option<&'a CheckResult>,
}

impl Checklist {
    /// The steps of `procedure` for `version`. `replacement` is the version users should move
    /// to (rollback only).
    pub fn new(
        procedure: Procedure,
        version: &ReleaseVersion,
        policy: &Policy,
        replacement: Option<&ReleaseVersion>,
    ) -> Self {
        Self::with_history(
            procedure,
            version,
            policy,
            replacement,
            &crate::history::History::default(),
        )
    }

    /// [`Checklist::new`] with the release history, so the image step lists exactly the
    /// aliases T6 (and the yanked record) give the version: a hotfix of an older line gets
    /// `X.Y` but not `X` or `latest`; `X` is never listed for 0.x when the policy does not
    /// publish it.
    pub fn with_history(
        procedure: Procedure,
        version: &ReleaseVersion,
        policy: &Policy,
        replacement: Option<&ReleaseVersion>,
        history: &crate::history::History,
    ) -> Self {
        let tag = version.tag(policy);
        let v = version.to_string();
        let image = policy.docker.images().first().cloned();
        let no_image = || Check::NotApplicable {
            reason: "no image in the policy (docker.images): no Docker plan, no registry check"
                .into(),
        };
        let smoke: Vec<String> = Some(policy.checks.smoke_command.clone())
            .filter(|c| !c.trim().is_empty())
            .into_iter()
            .collect();
        let main = policy.main_branch.clone();
        let assets: Vec<String> = policy.github.assets.values().cloned().collect();
        let (major, minor) = version.line();
        // A command the policy leaves empty (no smoke test configured) is no command: it would
        // render as an empty `sh` block.
        let step = |id, title: String, commands: Vec<String>, check: Option<Check>, rules| Step {
            id,
            title,
            commands: commands
                .into_iter()
                .filter(|c| !c.trim().is_empty())
                .collect(),
            check,
            rules,
        };
        let changelog = &policy.changelog.path;
        let upgrading = &policy.changelog.upgrading;
        let candidate = version.base();
        let mut steps = Vec::new();
        match procedure {
            Procedure::Rc => {
                let base = candidate.to_string();
                steps.push(step("unreleased", format!("`{changelog}` has every change since the last stable release, best prepared as `## [{base}]` first so the stable tag can go on the candidate's commit"), vec![format!("release prepare {base} --commit")], Some(Check::ChangesRecorded { version: base.clone() }), "P1, C1, C2"));
                steps.push(step(
                    "tree",
                    "The working tree is clean".into(),
                    vec!["git status --short".into()],
                    Some(Check::TreeClean),
                    "P1",
                ));
                steps.push(step(
                    "tag",
                    format!("Create and push the signed candidate tag `{tag}`"),
                    vec![
                        format!("release tag {v} --execute"),
                        format!("git push origin refs/tags/{tag}"),
                    ],
                    Some(Check::TagVerified { tag: tag.clone() }),
                    "P1, G3, G5",
                ));
                let check = match &image {
                    Some(image) => Check::RegistryTags {
                        image: image.clone(),
                        tags: vec![v.clone()],
                    },
                    None => no_image(),
                };
                steps.push(step("ci", "The release workflow ran the smoke test, scanned the image and published the candidate".into(), smoke.clone(), Some(check), "P1, T4"));
                steps.push(step("staging", "Validate on staging: deploy, integration tests, migrations against a copy of production data".into(), Vec::new(), None, "P1"));
                steps.push(step("decide", format!("Promote (`release promote {tag}` after the stable tag `{}{base}`) or fix on `{main}` and cut the next candidate", policy.tag_prefix), vec![format!("release rc next {base}")], None, "P1"));
            }
            Procedure::Stable | Procedure::Hotfix => {
                if procedure == Procedure::Hotfix {
                    let branch = policy.hotfix_branch_for(version.semver());
                    let from =
                        ReleaseVersion::stable(major, minor, version.patch().saturating_sub(1))
                            .tag(policy);
                    steps.push(step("branch", format!("Branch `{branch}` from the last stable tag of the {major}.{minor} line"), vec![format!("release hotfix start --from {from} --execute")], Some(Check::OnBranch { branch }), "P3, V8"));
                    steps.push(step(
                        "fix",
                        "Apply the minimal fix; no unrelated changes".into(),
                        Vec::new(),
                        None,
                        "P3",
                    ));
                    let mut tests = Vec::new();
                    if !policy.checks.test_commands().is_empty() {
                        tests.push("release check tests --execute".to_string());
                    }
                    if !smoke.is_empty() {
                        tests.push("release check smoke --execute".to_string());
                    }
                    if !policy.checks.restore_drill_command.trim().is_empty() {
                        tests.push(
                            "release check restore-drill --execute  # when the fix is in a critical path"
                                .to_string(),
                        );
                    }
                    // The smoke test is the hotfix's proof when there is one; the affected tests
                    // are the maintainer's choice, so they are not required here.
                    let check = (!smoke.is_empty()).then_some(Check::CheckPassed {
                        check: crate::checks::CheckKind::Smoke,
                    });
                    steps.push(step("tests", "Run the affected tests and the smoke test (restore drill for critical paths)".into(), tests, check, "P3"));
                } else {
                    let (title, check) = if policy.checks.require_candidate {
                        (
                            format!("A release candidate of {v} was validated on staging"),
                            Check::CandidateExists { version: v.clone() },
                        )
                    } else {
                        (
                            format!("Optional: a release candidate of {v}"),
                            Check::NotApplicable {
                                reason: "checks.require_candidate = false: no candidate needed"
                                    .into(),
                            },
                        )
                    };
                    steps.push(step(
                        "rc",
                        title,
                        vec![format!("release rc next {v}")],
                        Some(check),
                        "P1",
                    ));
                }
                steps.push(step("changelog", format!("`{changelog}` has `## [{v}] - YYYY-MM-DD` with the Unreleased entries and compare links"), vec![format!("release prepare {v}")], Some(Check::ChangelogPrepared { version: v.clone() }), "C1, C2, C3"));
                let guide = policy.checks.upgrading_guide;
                if guide != UpgradingGuide::None {
                    let check = if guide == UpgradingGuide::Required {
                        Check::UpgradingNotes { version: v.clone() }
                    } else {
                        Check::NotApplicable {
                            reason: "checks.upgrading_guide = \"optional\": notes are not required"
                                .into(),
                        }
                    };
                    steps.push(step(
                        "upgrading",
                        format!(
                            "`{upgrading}` has notes for {v}: breaking changes, environment variables"
                        ),
                        vec![format!(
                            "release upgrading add {v} --none  # or --breaking/--env-added ..."
                        )],
                        Some(check),
                        "C5",
                    ));
                }
                steps.push(step(
                    "commit",
                    format!("Commit `docs: prepare release {tag}`"),
                    vec![
                        if guide == UpgradingGuide::None {
                            format!("git add {changelog}")
                        } else {
                            format!("git add {changelog} {upgrading}")
                        },
                        format!("git commit -m \"docs: prepare release {tag}\""),
                    ],
                    Some(Check::TreeClean),
                    "P2",
                ));
                if procedure == Procedure::Stable {
                    // After the commit: a record counts for the exact commit that is tagged.
                    let tests = policy.checks.test_commands();
                    let check = if policy.checks.tests_required() {
                        Check::CheckPassed {
                            check: crate::checks::CheckKind::Tests,
                        }
                    } else {
                        Check::NotApplicable {
                            reason: if tests.is_empty() {
                                "no test commands (checks.test_commands)".into()
                            } else {
                                "checks.require_tests = false".into()
                            },
                        }
                    };
                    steps.push(step(
                        "tests",
                        if tests.is_empty() {
                            "Run the full test suite on the commit to tag (none configured or detected: set checks.test_commands)".into()
                        } else {
                            "Run the full test suite on the commit to tag".into()
                        },
                        if tests.is_empty() {
                            Vec::new()
                        } else {
                            vec![format!(
                                "release check tests --execute  # runs: {}",
                                tests.join("; ")
                            )]
                        },
                        Some(check),
                        "P2",
                    ));
                }
                steps.push(step(
                    "tag",
                    format!("Create the signed tag `{tag}`"),
                    vec![format!("release tag {v} --execute")],
                    Some(Check::TagVerified { tag: tag.clone() }),
                    "G1-G4",
                ));
                steps.push(step(
                    "push",
                    format!("Push `{tag}` from your machine (the workflow never pushes tags)"),
                    vec![format!("git push origin refs/tags/{tag}")],
                    None,
                    "G5",
                ));
                steps.push(step(
                    "workflow",
                    "The release workflow built, attested and published everything".into(),
                    Vec::new(),
                    None,
                    "P2",
                ));
                // T6, decided once (`place_aliases`): the aliases this version gets, and the
                // ones it leaves where they are.
                let placed = crate::rollback::place_aliases(version, history, &[], policy);
                let mut tags = vec![v.clone()];
                tags.extend(
                    placed
                        .iter()
                        .filter(|p| p.on_version)
                        .map(|p| p.alias.to_string()),
                );
                let left: Vec<String> = placed
                    .iter()
                    .filter(|p| !p.on_version)
                    .map(|p| match &p.target {
                        Some(t) => format!("`{}` stays on {t}", p.alias),
                        None => format!("`{}` has no good release", p.alias),
                    })
                    .collect();
                let shown = image.as_deref().unwrap_or("(no image)");
                let listed = tags
                    .iter()
                    .map(|t| format!("`{t}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let title = if left.is_empty() {
                    format!("`{shown}` has {listed} on one digest")
                } else {
                    format!(
                        "`{shown}` has {listed} on one digest ({}, T6)",
                        left.join(", ")
                    )
                };
                steps.push(step(
                    "images",
                    title,
                    vec![format!("release verify {v}")],
                    Some(match &image {
                        Some(image) => Check::RegistryTags {
                            image: image.clone(),
                            tags,
                        },
                        None => no_image(),
                    }),
                    "A1, T5, T6",
                ));
                steps.push(step(
                    "attestations",
                    "The SBOM and build-provenance attestation exist for that digest".into(),
                    vec![format!("release verify {v}")],
                    Some(match &image {
                        Some(image) => Check::Attestations {
                            image: image.clone(),
                            tag: v.clone(),
                        },
                        None => no_image(),
                    }),
                    "A2",
                ));
                steps.push(step(
                    "assets",
                    format!("The GitHub Release `{tag}` has every binary"),
                    vec![format!("release verify {v}")],
                    Some(Check::ReleaseAssets {
                        tag: tag.clone(),
                        assets,
                    }),
                    "A3",
                ));
                if procedure == Procedure::Hotfix {
                    steps.push(step(
                        "merge-back",
                        format!("Merge the hotfix back into `{main}`; when `{main}` moved on, `{changelog}` and `{upgrading}` conflict: keep `{main}`'s side and add the {v} section and its link"),
                        vec![
                            format!("git checkout {main}"),
                            format!("git merge --no-ff {tag}"),
                            "release hotfix status".into(),
                        ],
                        Some(Check::MergedBack {
                            tag: tag.clone(),
                            branch: main.clone(),
                        }),
                        "P3",
                    ));
                }
                let channels = channel_names(policy);
                if channels.is_empty() {
                    steps.push(step(
                        "announce",
                        format!("Announce, linking the release notes and `{upgrading}`"),
                        vec![format!("release changelog notes {v}")],
                        None,
                        "P2",
                    ));
                } else {
                    steps.push(step(
                        "announce",
                        format!(
                            "Announce on {}, linking the release notes and `{upgrading}`",
                            channels.join(", ")
                        ),
                        vec![format!("release announce {v} --execute")],
                        Some(Check::Announced {
                            tag: tag.clone(),
                            notice: crate::announce::Notice::Announcement,
                            channels,
                        }),
                        "P2, N1",
                    ));
                }
            }
            Procedure::Rollback => {
                let to = replacement
                    .map(ToString::to_string)
                    .unwrap_or_else(|| "the previous good release".into());
                steps.push(step(
                    "keep",
                    "Delete nothing: not the git tag, not the GitHub Release, not a registry tag"
                        .into(),
                    Vec::new(),
                    None,
                    "R1",
                ));
                steps.push(step("banner", format!("The GitHub Release `{tag}` starts with `## ⚠️ Deprecated`, why, and to use {to}"), vec![format!("release rollback {v} --reason \"...\" --execute")], Some(Check::DeprecationBanner { tag: tag.clone() }), "R2"));
                steps.push(step("aliases", format!("Every alias on {v} moved to the newest good release in its scope (no rebuild, digest unchanged)"), vec![format!("release rollback {v} --reason \"...\" --execute")], None, "R3"));
                steps.push(step(
                    "changelog",
                    format!(
                        "`{changelog}` marks {v} `[YANKED]` with the reason and the replacement"
                    ),
                    vec![format!("release changelog yank {v} --reason \"...\"")],
                    Some(Check::ChangelogYanked { version: v.clone() }),
                    "R4",
                ));
                let channels = channel_names(policy);
                if channels.is_empty() {
                    steps.push(step(
                        "notify",
                        "Notify users on the channels of the release announcement".into(),
                        Vec::new(),
                        None,
                        "P4",
                    ));
                } else {
                    steps.push(step(
                        "notify",
                        format!(
                            "Notify users on {} (`rollback --execute` sends the notice)",
                            channels.join(", ")
                        ),
                        vec![format!(
                            "release announce {v} --deprecated --reason \"...\" --execute"
                        )],
                        Some(Check::Announced {
                            tag: tag.clone(),
                            notice: crate::announce::Notice::Deprecation,
                            channels,
                        }),
                        "P4, R6",
                    ));
                }
                steps.push(step(
                    "fix",
                    format!("Ship the fix as the next patch after {v}"),
                    vec![format!(
                        "release version next --bump fix --line {major}.{minor}"
                    )],
                    None,
                    "V5",
                ));
            }
        }
        Checklist {
            procedure,
            version: v,
            tag,
            steps,
        }
    }

    /// The steps with their results, for JSON.
    pub fn states<'a>(&'a self, results: &'a BTreeMap<String, CheckResult>) -> Vec<StepState<'a>> {
        self.steps
            .iter()
            .map(|step| StepState {
                step,
                result: results.get(step.id),
            })
            .collect()
    }

    /// True when every automated check was evaluated and passed.
    pub fn all_checks_pass(&self, results: &BTreeMap<String, CheckResult>) -> bool {
        self.steps
            .iter()
            .filter(|s| s.check.is_some())
            .all(|s| results.get(s.id).is_some_and(CheckResult::is_ok))
    }

    /// Markdown ready to paste into a release tracking issue; a box is ticked where the step's
    /// check passed.
    pub fn render_markdown(&self, results: &BTreeMap<String, CheckResult>) -> String {
        let name = match self.procedure {
            Procedure::Stable => "Release",
            Procedure::Rc => "Release candidate",
            Procedure::Hotfix => "Hotfix",
            Procedure::Rollback => "Rollback of",
        };
        let mut out = format!("## {name} {} ({})\n\n", self.tag, self.procedure.rule());
        for step in &self.steps {
            let result = results.get(step.id);
            let ticked = result.is_some_and(|r| r.state == CheckState::Pass);
            let _ = write!(
                out,
                "- [{}] **{}** {} _({})_",
                if ticked { "x" } else { " " },
                step.id,
                step.title,
                step.rules
            );
            match result {
                Some(r) if r.state == CheckState::Fail => {
                    let _ = write!(out, " — ❌ {}", r.detail);
                }
                Some(r) if r.state == CheckState::Unknown => {
                    let _ = write!(out, " — ❔ {}", r.detail);
                }
                Some(r) if r.state == CheckState::NotApplicable => {
                    let _ = write!(out, " — not applicable: {}", r.detail);
                }
                _ => {}
            }
            out.push('\n');
            if !step.commands.is_empty() {
                out.push_str("  ```sh\n");
                for c in &step.commands {
                    let _ = writeln!(out, "  {c}");
                }
                out.push_str("  ```\n");
            }
        }
        out
    }
}

/// What `release status` knows about a repository, gathered by the I/O crates.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Entries under `## [Unreleased]`.
    pub unreleased_entries: usize,
    /// Whether the changelog has an `## [Unreleased]` heading at all.
    pub has_unreleased: bool,
    /// The version the Unreleased changes call for, if any.
    pub suggested: Option<ReleaseVersion>,
    /// Whether the Unreleased changes include a breaking one (the upgrading notes then need
    /// words a command cannot guess).
    pub breaking: bool,
    /// The newest version section of the changelog (below Unreleased), if any.
    pub newest_section: Option<ReleaseVersion>,
    /// The released versions (with the yanked record).
    pub history: crate::history::History,
    /// Why the history may be incomplete (a shallow clone, a clone without its tags); `None`
    /// when it was read in full or given. An incomplete history cannot tell what is released.
    pub history_incomplete: Option<String>,
    /// The branch the command runs on (`None`: not known, e.g. outside a repository).
    pub branch: Option<crate::line::Branch>,
    /// A stable hotfix release whose tag is not in the main branch yet (P3's last step).
    pub merge_back: Option<ReleaseVersion>,
    /// A merge is in progress in the working tree (`MERGE_HEAD` exists).
    pub merge_in_progress: bool,
    /// What changed between the pending version's newest candidate and HEAD; `None` when they
    /// are the same commit or there is no candidate.
    pub changed_since_candidate: Option<Vec<String>>,
}

/// The next thing to do, with the procedure it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NextStep {
    /// The procedure (`None` when there is nothing to release).
    pub procedure: Option<Procedure>,
    /// What to do, in a sentence.
    pub action: String,
    /// The command that does it, exactly as it runs (`None` when the step needs words only
    /// the maintainer has, or a decision: the action says what to write).
    pub command: Option<String>,
}

fn step(procedure: Procedure, action: String, command: Option<String>) -> NextStep {
    NextStep {
        procedure: Some(procedure),
        action,
        command,
    }
}

fn idle(action: String, command: Option<String>) -> NextStep {
    NextStep {
        procedure: None,
        action,
        command,
    }
}

/// The `release prepare` command for `version`, with every flag it needs to run as printed:
/// `--none` when the upgrading guide is required and nothing breaking is unreleased; `None`
/// when breaking changes need their migration words.
fn prepare_command(version: &ReleaseVersion, facts: &Facts, policy: &Policy) -> Option<String> {
    use crate::policy::UpgradingGuide;
    match policy.checks.upgrading_guide {
        UpgradingGuide::Required if facts.breaking => None,
        UpgradingGuide::Required => Some(format!("release prepare {version} --none --commit")),
        UpgradingGuide::Optional | UpgradingGuide::None => {
            Some(format!("release prepare {version} --commit"))
        }
    }
}

/// P3's merge back of a hotfix release into the main branch, by its tag (the branch may be
/// gone; the tag never is).
pub fn merge_back_command(version: &ReleaseVersion, policy: &Policy) -> String {
    format!(
        "git switch {} && git merge --no-ff {}",
        policy.main_branch,
        version.tag(policy)
    )
}

/// Where a repository stands in the procedures: the next step, with a command that runs as
/// printed and leads to the next state.
///
/// The order keeps a candidate and its stable version on one tested image: prepare (a
/// documentation commit), cut candidates, and tag the stable version on the last candidate's
/// commit (or a later documentation-only one, which `promote` ships). A fix after a candidate
/// records its entry, joins the prepared section (`release prepare` again) and gets the next
/// candidate. On a hotfix branch everything is about its own line (V8, P3).
pub fn next_step(facts: &Facts, policy: &Policy) -> NextStep {
    // Nothing can be proposed from a partial history: a released version would look new.
    if let Some(why) = &facts.history_incomplete {
        return idle(
            format!("the release history is incomplete, so no release step is proposed (a released version would look new): {why}"),
            Some("git fetch --tags --unshallow".into()),
        );
    }
    if facts.merge_in_progress {
        return idle(
            "a merge is in progress: resolve it first. Merging a hotfix back always conflicts in the changelog and the upgrading guide: keep main's `[Unreleased]` on top, the hotfix's section in version order below it, both sets of notes, then `git add` them and `git commit`".into(),
            None,
        );
    }
    if let Some(crate::line::Branch::Hotfix { name, version }) = &facts.branch {
        return hotfix_step(facts, policy, name, version);
    }
    if let Some(fixed) = &facts.merge_back {
        return step(
            Procedure::Hotfix,
            format!(
                "{} is released but not merged back into `{}` (P3): merge it (the changelog and the upgrading guide conflict: keep both sections, main's Unreleased on top)",
                fixed.tag(policy),
                policy.main_branch
            ),
            Some(merge_back_command(fixed, policy)),
        );
    }
    if let Some(section) = &facts.newest_section {
        if !facts.history.contains(section) && facts.history.check_new(section).is_ok() {
            return prepared_step(facts, policy, section);
        }
    }
    if !facts.has_unreleased {
        return idle(
            "the changelog has no `[Unreleased]` section: recording the first change creates it above the newest release".into(),
            Some("release changelog add --category Added \"...\"".into()),
        );
    }
    let Some(target) = facts
        .suggested
        .as_ref()
        .filter(|_| facts.unreleased_entries > 0)
    else {
        return idle(
            "nothing to release: Unreleased has no entries; record changes as they land".into(),
            Some("release changelog add --category Added \"...\"".into()),
        );
    };
    if let Err(refusal) = facts.history.check_new(target) {
        return idle(
            format!("the suggested version is not allowed ({refusal}); pick one with `release version next`"),
            Some("release version next --bump fix".into()),
        );
    }
    let entries = facts.unreleased_entries;
    // A candidate cut from Unreleased before `prepare` (the other documented order): the
    // stable release is prepared now, on a documentation-only commit `promote` accepts.
    if let Some(candidate) = facts.history.newest_candidate_of(target) {
        let then = "then tag the stable version on that commit; CI promotes the candidate's image";
        return match prepare_command(target, facts, policy) {
            Some(command) => step(
                Procedure::Stable,
                format!("{} is out: validate it on staging, then prepare {target} (changelog and upgrading notes), {then} (or fix, record the fix and cut the next candidate first)", candidate.tag(policy)),
                Some(command),
            ),
            None => step(
                Procedure::Stable,
                format!("{} is out: prepare {target} with its upgrading notes: release prepare {target} --breaking TEXT --migration TEXT --commit, {then}", candidate.tag(policy)),
                None,
            ),
        };
    }
    match prepare_command(target, facts, policy) {
        Some(command) => step(
            Procedure::Rc,
            format!("{entries} Unreleased entries call for {target}: prepare the changelog and upgrading notes, then cut the first release candidate on that commit"),
            Some(command),
        ),
        None => step(
            Procedure::Rc,
            format!("{entries} Unreleased entries call for {target}, with a breaking change: write its upgrading notes: release prepare {target} --breaking TEXT --migration TEXT --commit (one pair per change)"),
            None,
        ),
    }
}

/// A prepared, untagged version on the main branch.
fn prepared_step(facts: &Facts, policy: &Policy, section: &ReleaseVersion) -> NextStep {
    let tag = section.tag(policy);
    if !section.is_stable() {
        return step(
            Procedure::Rc,
            format!("the changelog is prepared for {section} but {tag} is not tagged: tag it"),
            Some(format!("release tag {section} --execute")),
        );
    }
    let entries = facts.unreleased_entries;
    let Some(candidate) = facts.history.newest_candidate_of(section) else {
        if entries > 0 {
            return step(
                Procedure::Rc,
                format!("{entries} new Unreleased entries belong to {section}, prepared and not tagged: move them into its section"),
                Some(format!("release prepare {section} --commit")),
            );
        }
        return if policy.checks.require_candidate {
            step(
                Procedure::Rc,
                format!("the changelog is prepared for {section}: cut its first release candidate on this commit (the stable tag goes on the same commit later)"),
                Some(format!("release rc tag {section} --execute")),
            )
        } else {
            step(
                Procedure::Stable,
                format!("the changelog is prepared for {section}: run the tests, then tag it"),
                Some(format!("release tag {section} --execute")),
            )
        };
    };
    let code_changed = facts.changed_since_candidate.as_ref().is_some_and(|paths| {
        crate::promote::doc_only(paths, &crate::promote::DocPaths::of(policy)).is_err()
    });
    if entries > 0 {
        return step(
            Procedure::Rc,
            format!("{} is out and {entries} new Unreleased entries belong to {section}: move them into its section, then cut the next candidate", candidate.tag(policy)),
            Some(format!("release prepare {section} --commit")),
        );
    }
    if code_changed {
        return step(
            Procedure::Rc,
            format!("the code changed since {}: cut the next candidate and validate it (the stable version ships a tested image)", candidate.tag(policy)),
            Some(format!("release rc tag {section} --execute")),
        );
    }
    step(
        Procedure::Stable,
        format!(
            "{} is out: validate it on staging, then tag {tag} on this commit; CI promotes the candidate's image (or fix on `{}`, record the fix, and cut the next candidate)",
            candidate.tag(policy),
            policy.main_branch
        ),
        Some(format!("release tag {section} --execute")),
    )
}

/// On a hotfix branch: its own line only (V8, P3).
fn hotfix_step(facts: &Facts, policy: &Policy, name: &str, branch: &ReleaseVersion) -> NextStep {
    let (x, y) = branch.line();
    let target = facts
        .history
        .hotfix_of_line(x, y)
        .unwrap_or_else(|| branch.clone());
    let released = facts
        .history
        .newest_stable_in_line(x, y)
        .filter(|v| **v >= *branch)
        .cloned();
    if facts.newest_section.as_ref() == Some(&target) && !facts.history.contains(&target) {
        return step(
            Procedure::Hotfix,
            format!("the changelog is prepared for the hotfix {target} on `{name}`: run the affected tests and the smoke test, then tag it"),
            Some(format!("release tag {target} --execute")),
        );
    }
    if facts.unreleased_entries > 0 {
        return match prepare_command(&target, facts, policy) {
            Some(command) => step(
                Procedure::Hotfix,
                format!("{} Unreleased entries on `{name}` are the hotfix {target}: prepare its changelog section and upgrading notes", facts.unreleased_entries),
                Some(command),
            ),
            None => step(
                Procedure::Hotfix,
                format!("the hotfix {target} holds a breaking change: write its upgrading notes: release prepare {target} --breaking TEXT --migration TEXT --commit"),
                None,
            ),
        };
    }
    if let Some(done) = released.filter(|_| facts.merge_back.is_some()) {
        return step(
            Procedure::Hotfix,
            format!(
                "{} is released: merge it back into `{}` (P3; the changelog and the upgrading guide conflict: keep both sections, main's Unreleased on top)",
                done.tag(policy),
                policy.main_branch
            ),
            Some(merge_back_command(&done, policy)),
        );
    }
    step(
        Procedure::Hotfix,
        format!("`{name}` is the hotfix branch of the {x}.{y} line: make the minimal fix and record it; the release is {target}"),
        Some("release changelog add --category Fixed \"...\"".into()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> ReleaseVersion {
        ReleaseVersion::parse_version(s, &Policy::default()).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn hotfix_has_branch_and_merge_back() {
        let list = Checklist::new(Procedure::Hotfix, &v("0.3.2"), &Policy::default(), None);
        let ids: Vec<_> = list.steps.iter().map(|s| s.id).collect();
        assert_eq!(ids.first(), Some(&"branch"));
        assert!(ids.contains(&"merge-back"));
        assert!(list.steps[0].commands[0].contains("--from v0.3.1"));
        assert_eq!(
            list.steps[0].check,
            Some(Check::OnBranch {
                branch: "hotfix/v0.3.2".into()
            })
        );
    }

    #[test]
    fn library_switches_make_steps_not_applicable() {
        let policy = Policy::from_toml(
            "[docker]\nimages = []\n[checks]\nrequire_candidate = false\nupgrading_guide = \"none\"\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let list = Checklist::new(Procedure::Stable, &v("0.4.0"), &policy, None);
        let check = |id: &str| {
            list.steps
                .iter()
                .find(|s| s.id == id)
                .and_then(|s| s.check.clone())
        };
        for id in ["rc", "images", "attestations"] {
            assert!(
                matches!(check(id), Some(Check::NotApplicable { .. })),
                "{id}: {:?}",
                check(id)
            );
        }
        assert!(list.steps.iter().all(|s| s.id != "upgrading"));
        let mut results = BTreeMap::new();
        for s in &list.steps {
            if let Some(r) = s.check.as_ref().and_then(Check::fixed_result) {
                results.insert(s.id.to_string(), r);
            }
        }
        let md = list.render_markdown(&results);
        assert!(md.contains("- [ ] **images**"), "{md}");
        assert!(
            md.contains("not applicable: no image in the policy"),
            "{md}"
        );
        assert!(
            !list.all_checks_pass(&results),
            "the changelog and tag checks are not run"
        );
        let optional = Policy::from_toml("[checks]\nupgrading_guide = \"optional\"\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let list = Checklist::new(Procedure::Stable, &v("0.4.0"), &optional, None);
        assert!(list
            .steps
            .iter()
            .any(|s| s.id == "upgrading" && matches!(s.check, Some(Check::NotApplicable { .. }))));
    }

    #[test]
    fn stable_renders_policy_commands() {
        let mut policy = Policy::default();
        policy.checks.test_commands = Some(vec!["cargo test --workspace".into()]);
        let list = Checklist::new(Procedure::Stable, &v("0.4.0"), &policy, None);
        let md = list.render_markdown(&BTreeMap::new());
        assert!(md.contains("cargo test --workspace"));
        assert!(md.contains("git commit -m \"docs: prepare release v0.4.0\""));
        assert!(!list.all_checks_pass(&BTreeMap::new()));
    }

    #[test]
    fn failures_are_shown() {
        let list = Checklist::new(
            Procedure::Rollback,
            &v("0.4.0"),
            &Policy::default(),
            Some(&v("0.3.2")),
        );
        let mut results = BTreeMap::new();
        results.insert("banner".to_string(), CheckResult::fail("no banner yet"));
        let md = list.render_markdown(&results);
        assert!(md.contains("- [ ] **banner**"));
        assert!(md.contains("❌ no banner yet"));
        assert!(md.contains("use 0.3.2"));
    }

    /// One `release status` situation and the command it must propose.
    struct Case {
        what: &'static str,
        released: &'static [&'static str],
        unreleased: usize,
        suggested: Option<&'static str>,
        breaking: bool,
        section: Option<&'static str>,
        branch: Option<&'static str>,
        merge_back: Option<&'static str>,
        changed: Option<&'static [&'static str]>,
        command: Option<&'static str>,
        action: &'static str,
    }

    const BASE: Case = Case {
        what: "",
        released: &["v0.3.0"],
        unreleased: 0,
        suggested: None,
        breaking: false,
        section: Some("0.3.0"),
        branch: Some("main"),
        merge_back: None,
        changed: None,
        command: None,
        action: "",
    };

    const NEXT: &[Case] = &[
        Case {
            what: "nothing to do",
            command: Some("release changelog add --category Added \"...\""),
            action: "nothing to release",
            ..BASE
        },
        Case {
            what: "entries: prepare with --none",
            unreleased: 3,
            suggested: Some("0.4.0"),
            command: Some("release prepare 0.4.0 --none --commit"),
            action: "3 Unreleased entries call for 0.4.0",
            ..BASE
        },
        Case {
            what: "breaking entries: the notes need words",
            unreleased: 1,
            suggested: Some("0.4.0"),
            breaking: true,
            command: None,
            action: "--breaking TEXT --migration TEXT",
            ..BASE
        },
        Case {
            what: "prepared: first candidate",
            section: Some("0.4.0"),
            command: Some("release rc tag 0.4.0 --execute"),
            action: "first release candidate",
            ..BASE
        },
        Case {
            what: "candidate out, nothing changed: stable",
            released: &["v0.3.0", "v0.4.0-rc.1"],
            section: Some("0.4.0"),
            command: Some("release tag 0.4.0 --execute"),
            action: "CI promotes",
            ..BASE
        },
        Case {
            what: "only docs changed since the candidate: stable",
            released: &["v0.3.0", "v0.4.0-rc.1"],
            section: Some("0.4.0"),
            changed: Some(&["CHANGELOG.md", "docs/upgrading.md"]),
            command: Some("release tag 0.4.0 --execute"),
            action: "validate it on staging",
            ..BASE
        },
        Case {
            what: "a fix with its entry after rc.1: into the section",
            released: &["v0.3.0", "v0.4.0-rc.1"],
            section: Some("0.4.0"),
            unreleased: 1,
            suggested: Some("0.4.1"),
            changed: Some(&["src/main.rs", "CHANGELOG.md"]),
            command: Some("release prepare 0.4.0 --commit"),
            action: "then cut the next candidate",
            ..BASE
        },
        Case {
            what: "the fix recorded in the section: rc.2",
            released: &["v0.3.0", "v0.4.0-rc.1"],
            section: Some("0.4.0"),
            changed: Some(&["src/main.rs", "CHANGELOG.md"]),
            command: Some("release rc tag 0.4.0 --execute"),
            action: "code changed since v0.4.0-rc.1",
            ..BASE
        },
        Case {
            what: "a V5 suggestion is not proposed",
            released: &["v0.3.0", "v0.3.1"],
            unreleased: 1,
            suggested: Some("0.3.1"),
            command: Some("release version next --bump fix"),
            action: "V5",
            ..BASE
        },
        Case {
            what: "a hotfix not merged back",
            released: &["v0.1.1", "v0.2.0", "v0.1.2"],
            section: Some("0.2.0"),
            merge_back: Some("0.1.2"),
            command: Some("git switch main && git merge --no-ff v0.1.2"),
            action: "not merged back",
            ..BASE
        },
        Case {
            what: "hotfix branch: entries prepare its own version",
            released: &["v0.1.1", "v0.2.0"],
            section: Some("0.1.1"),
            branch: Some("hotfix/v0.1.2"),
            unreleased: 1,
            suggested: Some("0.1.2"),
            command: Some("release prepare 0.1.2 --none --commit"),
            action: "hotfix 0.1.2",
            ..BASE
        },
        Case {
            what: "hotfix branch: the main line's suggestion is ignored",
            released: &["v0.1.1", "v0.2.0"],
            section: Some("0.1.1"),
            branch: Some("hotfix/v0.1.2"),
            unreleased: 2,
            suggested: Some("0.2.1"),
            command: Some("release prepare 0.1.2 --none --commit"),
            action: "hotfix 0.1.2",
            ..BASE
        },
        Case {
            what: "hotfix branch: prepared, tag it",
            released: &["v0.1.1", "v0.2.0"],
            section: Some("0.1.2"),
            branch: Some("hotfix/v0.1.2"),
            command: Some("release tag 0.1.2 --execute"),
            action: "smoke test",
            ..BASE
        },
        Case {
            what: "hotfix branch: released, merge back",
            released: &["v0.1.1", "v0.2.0", "v0.1.2"],
            section: Some("0.1.2"),
            branch: Some("hotfix/v0.1.2"),
            merge_back: Some("0.1.2"),
            command: Some("git switch main && git merge --no-ff v0.1.2"),
            action: "merge it back",
            ..BASE
        },
        Case {
            what: "hotfix branch: nothing yet",
            released: &["v0.1.1", "v0.2.0"],
            section: Some("0.1.1"),
            branch: Some("hotfix/v0.1.2"),
            command: Some("release changelog add --category Fixed \"...\""),
            action: "minimal fix",
            ..BASE
        },
    ];

    #[test]
    fn next_step_proposes_commands_that_run_as_printed() {
        let p = Policy::default();
        for case in NEXT {
            let facts = Facts {
                unreleased_entries: case.unreleased,
                has_unreleased: true,
                suggested: case.suggested.map(v),
                breaking: case.breaking,
                newest_section: case.section.map(v),
                history: crate::history::History::from_tags(case.released, &p),
                branch: case.branch.map(|b| crate::line::Branch::of(Some(b), &p)),
                merge_back: case.merge_back.map(v),
                changed_since_candidate: case
                    .changed
                    .map(|c| c.iter().map(|s| s.to_string()).collect()),
                ..Facts::default()
            };
            let s = next_step(&facts, &p);
            assert_eq!(
                s.command.as_deref(),
                case.command,
                "{}: {}",
                case.what,
                s.action
            );
            assert!(
                s.action.contains(case.action),
                "{}: {}",
                case.what,
                s.action
            );
        }
    }

    #[test]
    fn incomplete_history_merges_and_missing_unreleased_come_first() {
        let p = Policy::default();
        let mut partial = Facts {
            newest_section: Some(v("0.4.0")),
            has_unreleased: true,
            history_incomplete: Some("shallow clone".into()),
            ..Facts::default()
        };
        let s = next_step(&partial, &p);
        assert_eq!(s.procedure, None);
        assert_eq!(s.command.as_deref(), Some("git fetch --tags --unshallow"));
        partial.history_incomplete = None;
        partial.merge_in_progress = true;
        let s = next_step(&partial, &p);
        assert_eq!(s.command, None);
        assert!(s.action.contains("merge is in progress"), "{}", s.action);
        let none = Facts {
            history: crate::history::History::from_tags(["v0.1.0"], &p),
            newest_section: Some(v("0.1.0")),
            ..Facts::default()
        };
        let s = next_step(&none, &p);
        assert!(
            s.action.contains("no `[Unreleased]` section"),
            "{}",
            s.action
        );
    }

    #[test]
    fn library_policies_need_no_none_flag_and_may_skip_the_candidate() {
        let mut p = Policy::default();
        p.checks.upgrading_guide = crate::policy::UpgradingGuide::None;
        p.checks.require_candidate = false;
        let facts = Facts {
            unreleased_entries: 1,
            has_unreleased: true,
            suggested: Some(v("0.4.0")),
            newest_section: Some(v("0.3.0")),
            history: crate::history::History::from_tags(["v0.3.0"], &p),
            ..Facts::default()
        };
        assert_eq!(
            next_step(&facts, &p).command.as_deref(),
            Some("release prepare 0.4.0 --commit")
        );
        let prepared = Facts {
            unreleased_entries: 0,
            suggested: None,
            newest_section: Some(v("0.4.0")),
            ..facts
        };
        assert_eq!(
            next_step(&prepared, &p).command.as_deref(),
            Some("release tag 0.4.0 --execute")
        );
    }

    #[test]
    fn the_image_step_lists_what_t6_gives_the_version() {
        let p = Policy::default();
        let mut p = Policy {
            docker: crate::policy::DockerPolicy {
                images: Some(vec!["ghcr.io/acme/app".into()]),
                ..p.docker.clone()
            },
            ..p.clone()
        };
        let history = crate::history::History::from_tags(["v0.3.1", "v0.4.0"], &p);
        let images = |list: &Checklist| {
            list.steps
                .iter()
                .find(|s| s.id == "images")
                .map(|s| s.title.clone())
                .unwrap_or_default()
        };
        let hotfix = Checklist::with_history(Procedure::Hotfix, &v("0.3.2"), &p, None, &history);
        let title = images(&hotfix);
        assert!(
            title.contains("has `0.3.2`, `0.3` on one digest"),
            "{title}"
        );
        assert!(
            title.contains("`0` stays on 0.4.0") && title.contains("`latest` stays on 0.4.0"),
            "{title}"
        );
        p.docker.major_alias_for_zero = false;
        let stable = Checklist::with_history(Procedure::Stable, &v("0.5.0"), &p, None, &history);
        let title = images(&stable);
        assert!(
            title.contains("has `0.5.0`, `0.5`, `latest` on one digest"),
            "{title}"
        );
    }
}
