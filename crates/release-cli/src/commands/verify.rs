//! `release verify VERSION`: what was published is what the policy says (A1-A3).

use std::fmt::Write as _;

use clap::Args;
use release_core::history::History;
use release_core::policy::Policy;
use release_core::rollback::expected_tags;
use release_core::untrusted::escape;
use release_core::version::ReleaseVersion;
use release_registry::attest::{ArtifactKind, Discovery};
use release_registry::github::GitHub;
use release_registry::{ImageRepository, Registry, RegistryError};
use serde::Serialize;

use crate::commands::registry::{
    block_on, history_from_image_tags, image_repository, parse_version_arg, registry_error,
    ConnectArgs, GithubArgs,
};
use crate::context::Context;
use crate::error::{CliResult, Outcome};
use crate::output;
use crate::released::ReleasedArgs;

/// Arguments of `release verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The version (`0.4.0` or `v0.4.0`).
    #[arg(value_name = "VERSION")]
    pub release: String,
    /// The image (default: the policy's first image).
    #[arg(long, value_name = "NAME")]
    pub image: Option<String>,
    /// Versions rolled back: aliases never belong to them.
    #[arg(long, value_delimiter = ',', value_name = "VERSION,...")]
    pub yanked: Vec<String>,
    /// The release history (default: the versions among the image's tags).
    #[command(flatten)]
    pub released: ReleasedArgs,
    #[command(flatten)]
    pub connect: ConnectArgs,
    #[command(flatten)]
    pub github: GithubArgs,
}

/// One check of the report: a finding of `release_core::published` (A1-A3).
pub use release_core::published::Finding as Check;
use release_core::published::{verdict, FindingStatus, Verdict};
use release_core::rule::Rule;

/// The JSON of `release verify`.
#[derive(Debug, Serialize)]
pub struct VerifyReport {
    /// The version verified.
    pub version: String,
    /// The image.
    pub image: String,
    /// The version tag's digest, if it exists.
    pub digest: Option<String>,
    /// Whether everything is there (never when a piece was not checked).
    pub ok: bool,
    /// The verdict: published, missing pieces, or pieces not checked.
    pub verdict: Verdict,
    /// Every check.
    pub checks: Vec<Check>,
    /// The missing or wrong pieces, by name.
    pub missing: Vec<String>,
    /// Where attestations were looked for.
    pub attestations: Option<Discovery>,
}

/// Runs `release verify`.
pub fn run(ctx: &Context, args: VerifyArgs) -> CliResult {
    let policy = &ctx.policy();
    let version = parse_version_arg(&args.release, policy)?;
    if args.image.is_none() && policy.docker.images().is_empty() {
        return verify_without_image(ctx, &args, &version);
    }
    let repo = image_repository(args.image.as_deref(), policy)?;
    let yanked = crate::commands::registry::yanked_versions(ctx, &args.yanked, policy)?;
    crate::commands::registry::check_stdin(&args.connect, &args.released)?;
    let client = args.connect.connect()?;
    let github = args.github.client(policy, args.connect.retry())?;
    let given = args.released.history_if_given(policy)?;
    let report = block_on(async {
        let history = match given {
            Some(h) => h,
            None => history_from_image_tags(&client.list_tags(&repo).await?, policy),
        };
        let (mut checks, digest) =
            published_tags(&client, &repo, &version, &history, &yanked, policy).await?;
        let (a2, discovery) = attestations(&client, &repo, digest.as_deref()).await?;
        checks.extend(a2);
        checks.extend(release_assets(github.as_ref(), &version.tag(policy), policy).await?);
        let missing = missing(&checks);
        let verdict = verdict(&checks);
        Ok(VerifyReport {
            version: version.to_string(),
            image: repo.to_string(),
            digest,
            ok: verdict.is_published(),
            verdict,
            checks,
            missing,
            attestations: discovery,
        })
    })?
    .map_err(registry_error)?;
    // Entries skipped during discovery (a dangling referrer): said on stderr, in the JSON too.
    if let Some(d) = &report.attestations {
        for w in &d.warnings {
            eprintln!("warning: {}", escape(w));
        }
    }
    if ctx.json {
        output::print_json(&report)?;
    } else {
        print!("{}", render(&report));
    }
    Ok(if report.ok { Outcome::Ok } else { Outcome::No })
}

/// `release verify` for a project that publishes no image: A1 and A2 do not apply, A3 is
/// checked.
fn verify_without_image(ctx: &Context, args: &VerifyArgs, version: &ReleaseVersion) -> CliResult {
    let policy = &ctx.policy();
    let github = args.github.client(policy, args.connect.retry())?;
    let tag = version.tag(policy);
    let na = |rule: Rule, item: &str| Check {
        rule,
        item: item.into(),
        status: FindingStatus::NotApplicable,
        detail: "docker.images is empty: the project publishes no image".into(),
    };
    let mut checks = vec![
        na(Rule::A1, "image tags"),
        na(Rule::A2, "SBOM and provenance"),
    ];
    checks
        .extend(block_on(release_assets(github.as_ref(), &tag, policy))?.map_err(registry_error)?);
    let missing = missing(&checks);
    let verdict = verdict(&checks);
    let report = VerifyReport {
        version: version.to_string(),
        image: "(none)".into(),
        digest: None,
        ok: verdict.is_published(),
        verdict,
        checks,
        missing,
        attestations: None,
    };
    if ctx.json {
        output::print_json(&report)?;
    } else {
        print!("{}", render(&report));
    }
    Ok(if report.ok { Outcome::Ok } else { Outcome::No })
}

/// The table for people.
pub fn render(report: &VerifyReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} ({})",
        report.image,
        report.version,
        report.digest.as_deref().unwrap_or("no digest")
    );
    // Items and details quote the registry (predicate and media types): outside text.
    let width = report
        .checks
        .iter()
        .map(|c| escape(&c.item).chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let _ = writeln!(
        out,
        "{:<4} {:<width$} {:<9} DETAIL",
        "RULE", "ITEM", "STATUS"
    );
    for c in &report.checks {
        let _ = writeln!(
            out,
            "{:<4} {:<width$} {:<9} {}",
            c.rule,
            escape(&c.item),
            c.status,
            escape(&c.detail)
        );
    }
    match &report.verdict {
        Verdict::Published => {
            let _ = writeln!(out, "all published artifacts are present");
        }
        Verdict::Missing(_) => {
            let _ = writeln!(out, "missing: {}", escape(&report.missing.join(", ")));
        }
        Verdict::Unknown(items) => {
            let _ = writeln!(
                out,
                "not verified: nothing checked is missing, but {} could not be checked",
                escape(&items.join(", "))
            );
        }
    }
    out
}

/// The names of the checks that did not pass, with their status (`tag 0 (wrong)`).
pub fn missing(checks: &[Check]) -> Vec<String> {
    checks
        .iter()
        .filter(|c| !c.passed())
        .map(|c| format!("{} ({})", c.item, c.status))
        .collect()
}

/// A1: every tag the plan publishes for `version` (T5, T6 given `history` minus `yanked`)
/// exists and is on the version tag's digest; aliases T6 leaves elsewhere are reported as
/// `elsewhere`. Returns the checks and the version tag's digest, if it exists.
pub async fn published_tags(
    client: &Registry,
    repo: &ImageRepository,
    version: &ReleaseVersion,
    history: &History,
    yanked: &[ReleaseVersion],
    policy: &Policy,
) -> Result<(Vec<Check>, Option<String>), RegistryError> {
    let expected = expected_tags(version, history, yanked, policy);
    let names: Vec<String> = expected.iter().map(|e| e.tag.clone()).collect();
    let resolved = client.resolve_many(repo, &names).await;
    let mut found = Vec::new();
    for r in resolved {
        match r {
            Ok(r) => found.push(Some(r.digest.to_string())),
            Err(e) if e.is_not_found() => found.push(None),
            Err(e) => return Err(e),
        }
    }
    let digest = found.first().cloned().flatten();
    let mut checks = Vec::new();
    for (e, current) in expected.iter().zip(&found) {
        let item = format!("tag {}", e.tag);
        let check = match (e.on_version, current, &digest) {
            (true, None, _) => Check {
                rule: Rule::A1,
                item,
                status: FindingStatus::Missing,
                detail: "the tag does not exist".into(),
            },
            (true, Some(c), Some(d)) if c == d => Check {
                rule: Rule::A1,
                item,
                status: FindingStatus::Ok,
                detail: c.clone(),
            },
            (true, Some(c), _) => Check {
                rule: Rule::A1,
                item,
                status: FindingStatus::Wrong,
                detail: format!("points at {c}, not at {version}'s digest"),
            },
            (false, c, _) => Check {
                rule: Rule::A1,
                item,
                status: FindingStatus::Elsewhere,
                detail: format!(
                    "{} (now {})",
                    e.reason.clone().unwrap_or_default(),
                    c.as_deref().unwrap_or("absent")
                ),
            },
        };
        checks.push(check);
    }
    Ok((checks, digest))
}

/// A2: an SBOM and a provenance attestation for `digest` (`None`: no image, both missing).
pub async fn attestations(
    client: &Registry,
    repo: &ImageRepository,
    digest: Option<&str>,
) -> Result<(Vec<Check>, Option<Discovery>), RegistryError> {
    let mut checks = Vec::new();
    let Some(d) = digest else {
        for name in ["SBOM", "provenance attestation"] {
            checks.push(Check {
                rule: Rule::A2,
                item: name.into(),
                status: FindingStatus::Missing,
                detail: "no image to attest".into(),
            });
        }
        return Ok((checks, None));
    };
    let manifest = client.get_manifest(repo, d).await?;
    let found = client.discover(repo, &manifest).await?;
    for (kind, name) in [
        (ArtifactKind::Sbom, "SBOM"),
        (ArtifactKind::Provenance, "provenance attestation"),
    ] {
        let hits: Vec<String> = found
            .findings
            .iter()
            .filter(|f| f.kind == kind)
            .map(|f| {
                let at = serde_json::to_value(&f.location)
                    .ok()
                    .map(|v| match (v.get("kind"), v.get("name")) {
                        (Some(k), Some(n)) => {
                            format!("{} {}", k.as_str().unwrap_or(""), n.as_str().unwrap_or(""))
                        }
                        (Some(k), None) => k.as_str().unwrap_or("").to_string(),
                        _ => String::new(),
                    })
                    .unwrap_or_default();
                format!(
                    "{} in {at}",
                    f.predicate_type
                        .clone()
                        .or(f.artifact_type.clone())
                        .unwrap_or_default()
                )
            })
            .collect();
        checks.push(Check {
            rule: Rule::A2,
            item: name.into(),
            status: if hits.is_empty() {
                FindingStatus::Missing
            } else {
                FindingStatus::Ok
            },
            detail: if hits.is_empty() {
                format!("looked in: {}", found.looked.join(", "))
            } else {
                hits.join("; ")
            },
        });
    }
    Ok((checks, Some(found)))
}

/// A3: the GitHub Release for `tag` and one binary per target of the policy's asset table
/// (`None`: GitHub left out, one `not-checked` finding).
pub async fn release_assets(
    github: Option<&GitHub>,
    tag: &str,
    policy: &Policy,
) -> Result<Vec<Check>, RegistryError> {
    let mut checks = Vec::new();
    let Some(gh) = github else {
        checks.push(Check {
            rule: Rule::A3,
            item: format!("GitHub Release {tag}"),
            status: FindingStatus::NotChecked,
            detail: "--no-github".into(),
        });
        return Ok(checks);
    };
    match gh.release_by_tag(tag).await? {
        None => {
            checks.push(Check {
                rule: Rule::A3,
                item: format!("GitHub Release {tag}"),
                status: FindingStatus::Missing,
                detail: format!("no release for {tag} in {}", gh.repository()),
            });
            for name in policy.github.assets.values() {
                checks.push(Check {
                    rule: Rule::A3,
                    item: format!("asset {name}"),
                    status: FindingStatus::Missing,
                    detail: "no release".into(),
                });
            }
        }
        Some(release) => {
            checks.push(Check {
                rule: Rule::A3,
                item: format!("GitHub Release {tag}"),
                status: FindingStatus::Ok,
                detail: release.html_url.clone(),
            });
            if policy.github.assets.is_empty() {
                // Say that nothing was checked rather than let an empty list read as a pass.
                checks.push(Check {
                    rule: Rule::A3,
                    item: "binary assets".into(),
                    status: FindingStatus::NotApplicable,
                    detail: "github.assets is empty: no binaries configured, none checked".into(),
                });
                return Ok(checks);
            }
            let assets = gh.assets(release.id).await?;
            for (target, name) in &policy.github.assets {
                let asset = assets.iter().find(|a| &a.name == name);
                checks.push(match asset {
                    Some(a) if a.state.is_empty() || a.state == "uploaded" => Check {
                        rule: Rule::A3,
                        item: format!("asset {name}"),
                        status: FindingStatus::Ok,
                        detail: format!("{target}, {} bytes", a.size),
                    },
                    Some(a) => Check {
                        rule: Rule::A3,
                        item: format!("asset {name}"),
                        status: FindingStatus::Missing,
                        detail: format!("state {}", a.state),
                    },
                    None => Check {
                        rule: Rule::A3,
                        item: format!("asset {name}"),
                        status: FindingStatus::Missing,
                        detail: format!("no {target} binary on the release"),
                    },
                });
            }
        }
    }
    Ok(checks)
}
