//! `release plan`: the Docker tag plan for a CI event (T1-T10).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use clap::{Args, ValueEnum};
use release_core::event::{Event, RunTime};
use release_core::matrix::{Skipped, TagPlan};
use serde::Serialize;

use crate::context::Context;
use crate::error::{CliError, CliResult, Outcome};
use crate::output;
use crate::released::ReleasedArgs;

/// Arguments of `release plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The full ref of the event (`refs/tags/v0.4.0`, `refs/heads/main`), as `GITHUB_REF`.
    #[arg(long = "ref", value_name = "REF")]
    pub git_ref: String,
    /// The full commit id built (40 or 64 hex characters), as `GITHUB_SHA`.
    #[arg(long, value_name = "FULL_SHA")]
    pub sha: String,
    /// The run's time, RFC 3339 (default: now). Sets the nightly date and `created` label.
    #[arg(long, value_name = "RFC3339", conflicts_with = "date")]
    pub time: Option<String>,
    /// The run's UTC date, `YYYY-MM-DD` (midnight UTC), instead of `--time`.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// The event name, as `GITHUB_EVENT_NAME`.
    #[arg(long, default_value = "push", value_name = "NAME")]
    pub event: String,
    #[command(flatten)]
    pub released: ReleasedArgs,
    /// Image names to expand tags into full references (default: the policy's images).
    #[arg(long = "image", value_name = "NAME")]
    pub images: Vec<String>,
    /// Output format (`--json` is `--format json`).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// How `release plan` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A summary for people.
    Text,
    /// One tag per line (full image references when images are known).
    List,
    /// The plan as JSON.
    Json,
    /// `GITHUB_OUTPUT` blocks, appended to `$GITHUB_OUTPUT` when set, else printed.
    Github,
}

/// The JSON shape of a plan.
#[derive(Debug, Serialize)]
pub struct PlanReport<'a> {
    /// Whether anything is published.
    pub publish: bool,
    /// `stable`, `candidate`, `main` or `none`.
    pub kind: release_core::matrix::PlanKind,
    /// The release version, or null.
    pub version: Option<String>,
    /// The git tag of a release, or null.
    pub git_tag: Option<&'a str>,
    /// Whether this is a pre-release.
    pub is_prerelease: bool,
    /// Bare tags.
    pub tags: &'a [String],
    /// Full references.
    pub images: Vec<String>,
    /// Tags left out, with reasons.
    pub skipped: &'a [Skipped],
    /// OCI labels.
    pub labels: &'a BTreeMap<String, String>,
    /// Why nothing is published.
    pub reason: Option<&'a str>,
    /// The event the plan is for.
    pub event: EventReport<'a>,
}

/// The event part of the JSON.
#[derive(Debug, Serialize)]
pub struct EventReport<'a> {
    /// Event name.
    pub name: &'a str,
    /// Full ref.
    #[serde(rename = "ref")]
    pub git_ref: &'a str,
    /// Full commit id.
    pub sha: &'a str,
    /// RFC 3339 UTC.
    pub time: String,
}

/// Builds the report for a plan (shared with `release ci`).
pub fn report<'a>(plan: &'a TagPlan, event: &'a Event, images: &[String]) -> PlanReport<'a> {
    PlanReport {
        publish: plan.publish,
        kind: plan.kind,
        version: plan.version.as_ref().map(ToString::to_string),
        git_tag: plan.git_tag.as_deref(),
        is_prerelease: plan.is_prerelease(),
        tags: &plan.tags,
        images: plan.images(images),
        skipped: &plan.skipped,
        labels: &plan.labels,
        reason: plan.reason.as_deref(),
        event: EventReport {
            name: event.kind.name(),
            git_ref: &event.git_ref,
            sha: event.sha.as_str(),
            time: event.time.rfc3339(),
        },
    }
}

/// Parses `--time`/`--date`, reading the clock only when neither is given.
pub fn run_time(time: Option<&str>, date: Option<&str>) -> Result<RunTime, CliError> {
    match (time, date) {
        (Some(t), _) => RunTime::parse_rfc3339(t).map_err(CliError::input),
        (None, Some(d)) => RunTime::parse_date(d).map_err(CliError::input),
        (None, None) => Ok(RunTime::from_datetime(time::OffsetDateTime::now_utc())),
    }
}

/// Runs `release plan`.
pub fn run(ctx: &Context, args: PlanArgs) -> CliResult {
    let policy = &ctx.policy();
    let time = run_time(args.time.as_deref(), args.date.as_deref())?;
    let event = Event::parse(&args.event, &args.git_ref, &args.sha, time, policy)
        .map_err(CliError::input)?;
    // Only a release tag's plan depends on the history (T6); main pushes, ignored events and
    // malformed tags (T9, refused by `compute`) never read the repository.
    let history = match &event.trigger {
        release_core::event::Trigger::Tag(name)
            if release_core::version::ReleaseVersion::parse_tag(name, policy).is_ok() =>
        {
            crate::gitctx::history(ctx, &args.released)?
        }
        _ => args.released.history(policy)?,
    };
    let plan = TagPlan::compute(&event, &history, policy).map_err(CliError::input)?;
    let images = if args.images.is_empty() {
        policy.docker.images().to_vec()
    } else {
        args.images
    };
    let report = report(&plan, &event, &images);
    let format = if ctx.json { Format::Json } else { args.format };
    match format {
        Format::Json => output::print_json(&report)?,
        Format::Text => print!("{}", render_text(&report)),
        Format::List => {
            let lines = if report.images.is_empty() {
                report.tags.to_vec()
            } else {
                report.images.clone()
            };
            for line in lines {
                println!("{line}");
            }
        }
        Format::Github => {
            let text = render_github(&report);
            match std::env::var_os("GITHUB_OUTPUT").filter(|p| !p.is_empty()) {
                Some(path) => output::append_github_output(path.as_ref(), &text)?,
                None => print!("{text}"),
            }
        }
    }
    Ok(Outcome::Ok)
}

/// The text summary.
pub fn render_text(report: &PlanReport<'_>) -> String {
    let mut out = String::new();
    if !report.publish {
        let _ = writeln!(out, "publish: no");
        let _ = writeln!(
            out,
            "reason: {}",
            report.reason.unwrap_or("the event publishes nothing")
        );
        return out;
    }
    let what = match (&report.version, report.kind) {
        (Some(v), kind) => format!("{} {v}", serde_plain_kind(kind)),
        (None, kind) => serde_plain_kind(kind).to_string(),
    };
    let _ = writeln!(out, "publish: yes ({what})");
    let _ = writeln!(out, "tags:");
    for tag in report.tags {
        let _ = writeln!(out, "  {tag}");
    }
    if report.images.is_empty() {
        let _ = writeln!(
            out,
            "images: none (docker.images is empty: no Docker image, registry steps do not apply)"
        );
    } else {
        let _ = writeln!(out, "images:");
        for image in &report.images {
            let _ = writeln!(out, "  {image}");
        }
    }
    if !report.skipped.is_empty() {
        let _ = writeln!(out, "skipped:");
        for s in report.skipped {
            let _ = writeln!(out, "  {}: {}", s.tag, s.reason);
        }
    }
    let _ = writeln!(out, "labels:");
    for (k, v) in report.labels {
        let _ = writeln!(out, "  {k}={v}");
    }
    out
}

fn serde_plain_kind(kind: release_core::matrix::PlanKind) -> &'static str {
    use release_core::matrix::PlanKind;
    match kind {
        PlanKind::Stable => "stable",
        PlanKind::Candidate => "candidate",
        PlanKind::Main => "main",
        PlanKind::None => "none",
    }
}

/// The `GITHUB_OUTPUT` blocks.
pub fn render_github(report: &PlanReport<'_>) -> String {
    let labels: Vec<String> = report
        .labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let skipped = serde_json::to_string(report.skipped).unwrap_or_else(|_| "[]".into());
    output::github_output_blocks(&[
        ("should_release", report.publish.to_string()),
        ("kind", serde_plain_kind(report.kind).to_string()),
        ("version", report.version.clone().unwrap_or_default()),
        ("is_prerelease", report.is_prerelease.to_string()),
        ("tags", report.tags.join("\n")),
        ("images", report.images.join("\n")),
        ("labels", labels.join("\n")),
        ("skipped", skipped),
        ("reason", report.reason.unwrap_or_default().to_string()),
    ])
}
