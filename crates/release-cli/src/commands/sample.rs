//! `release registry push-sample IMAGE TAG...`: the sample image of `release_registry::sample`
//! under the tags, for trying the publishing commands without a Docker engine or a build.

use std::fmt::Write as _;

use clap::Args;
use release_registry::sample;
use release_registry::ImageRepository;
use serde::Serialize;

use crate::commands::registry::{block_on, registry_error, ConnectArgs};
use crate::context::Context;
use crate::error::{CliResult, Outcome};
use crate::output;

/// Arguments of `release registry push-sample`.
#[derive(Debug, Args)]
pub struct PushSampleArgs {
    /// The image (`127.0.0.1:5000/acme/app`).
    pub image: String,
    /// The tags to push the sample under (`0.1.0-rc.1`, or `0.2.0 0.2 0 latest`).
    #[arg(required = true, value_name = "TAG")]
    pub tags: Vec<String>,
    /// Text that makes this sample's bytes, and so its digest, its own (default: the first
    /// tag).
    #[arg(long, value_name = "TEXT")]
    pub seed: Option<String>,
    /// Push (default: a dry run that prints the digest it would push).
    #[arg(long)]
    pub execute: bool,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

#[derive(Debug, Serialize)]
struct SampleReport {
    repository: String,
    digest: String,
    tags: Vec<String>,
    execute: bool,
}

/// Runs `release registry push-sample`.
pub fn run(ctx: &Context, args: PushSampleArgs) -> CliResult {
    let repo = ImageRepository::parse(&args.image).map_err(registry_error)?;
    for tag in &args.tags {
        release_registry::reference::check_tag(tag).map_err(registry_error)?;
    }
    let seed = args
        .seed
        .clone()
        .unwrap_or_else(|| args.tags.first().cloned().unwrap_or_default());
    let sample = sample::build(&seed).map_err(registry_error)?;
    if args.execute {
        let client = args.connect.connect()?;
        block_on(sample::push(&client, &repo, &sample, &args.tags))?.map_err(registry_error)?;
    }
    let report = SampleReport {
        repository: repo.to_string(),
        digest: sample.index().digest().to_string(),
        tags: args.tags.clone(),
        execute: args.execute,
    };
    if ctx.json {
        output::print_json(&report)?;
    } else {
        let mut out = String::new();
        let verb = if args.execute { "pushed" } else { "would push" };
        for tag in &report.tags {
            let _ = writeln!(
                out,
                "{verb} {}:{tag} ({}, 2 platforms, SBOM and provenance)",
                report.repository, report.digest
            );
        }
        if !args.execute {
            let _ = writeln!(out, "dry run: nothing was written; add --execute to act");
        }
        print!("{out}");
    }
    Ok(Outcome::Ok)
}
