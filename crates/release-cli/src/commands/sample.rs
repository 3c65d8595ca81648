//! `release registry push-sample IMAGE TAG...`: a tiny image for trying the publishing commands
//! (`promote`, `verify`, `rollback`) against a registry without a Docker engine or a build.
//!
//! It pushes what a BuildKit build with `--sbom --provenance` pushes, in miniature: an OCI image
//! index with two platform manifests (amd64, arm64, one small layer each) and an attestation
//! manifest holding an SPDX SBOM and SLSA provenance for the first platform. The bytes depend only
//! on the seed, so the same seed gives the same digest.

use std::fmt::Write as _;

use clap::Args;
use release_registry::{ImageRepository, Manifest, Registry, RegistryError};
use serde::Serialize;
use serde_json::json;

use crate::commands::registry::{block_on, registry_error, ConnectArgs};
use crate::context::Context;
use crate::error::{CliError, CliResult, Outcome};
use crate::output;

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";

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

/// A blob: its bytes and the descriptor fields.
struct Blob {
    bytes: Vec<u8>,
    digest: String,
}

impl Blob {
    fn new(bytes: Vec<u8>) -> Blob {
        let digest = release_registry::Digest::of(&bytes).to_string();
        Blob { bytes, digest }
    }

    fn descriptor(&self, media_type: &str) -> serde_json::Value {
        json!({"mediaType": media_type, "digest": self.digest, "size": self.bytes.len()})
    }
}

/// The sample: blobs, platform and attestation manifests (pushed by digest), and the index.
struct Sample {
    blobs: Vec<Blob>,
    children: Vec<Manifest>,
    index: Manifest,
}

fn to_bytes(value: &serde_json::Value) -> Result<Vec<u8>, CliError> {
    serde_json::to_vec(value).map_err(|e| CliError::env(format!("cannot encode the sample: {e}")))
}

fn build(seed: &str) -> Result<Sample, CliError> {
    let mut blobs = Vec::new();
    let mut children = Vec::new();
    let mut entries = Vec::new();
    for arch in ["amd64", "arm64"] {
        let config = Blob::new(to_bytes(&json!({
            "architecture": arch,
            "os": "linux",
            "config": {"Labels": {"seed": seed}},
            "rootfs": {"type": "layers", "diff_ids": []},
        }))?);
        let layer = Blob::new(format!("{seed} for {arch}\n").into_bytes());
        let manifest = to_bytes(&json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": config.descriptor(OCI_CONFIG),
            "layers": [layer.descriptor("application/vnd.oci.image.layer.v1.tar")],
        }))?;
        let manifest = Manifest::from_bytes(manifest, Some(OCI_MANIFEST));
        entries.push(json!({
            "mediaType": OCI_MANIFEST,
            "digest": manifest.digest().as_str(),
            "size": manifest.bytes().len(),
            "platform": {"architecture": arch, "os": "linux"},
        }));
        blobs.extend([config, layer]);
        children.push(manifest);
    }
    let mut layers = Vec::new();
    for predicate in [
        "https://spdx.dev/Document",
        "https://slsa.dev/provenance/v0.2",
    ] {
        let statement = Blob::new(to_bytes(&json!({
            "_type": "https://in-toto.io/Statement/v0.1",
            "predicateType": predicate,
            "subject": [],
            "predicate": {"seed": seed},
        }))?);
        let mut descriptor = statement.descriptor("application/vnd.in-toto+json");
        descriptor["annotations"] = json!({"in-toto.io/predicate-type": predicate});
        layers.push(descriptor);
        blobs.push(statement);
    }
    let empty = Blob::new(b"{}".to_vec());
    let attestation = to_bytes(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": empty.descriptor(OCI_CONFIG),
        "layers": layers,
    }))?;
    blobs.push(empty);
    let attestation = Manifest::from_bytes(attestation, Some(OCI_MANIFEST));
    entries.push(json!({
        "mediaType": OCI_MANIFEST,
        "digest": attestation.digest().as_str(),
        "size": attestation.bytes().len(),
        "annotations": {
            "vnd.docker.reference.digest": entries[0]["digest"],
            "vnd.docker.reference.type": "attestation-manifest",
        },
        "platform": {"architecture": "unknown", "os": "unknown"},
    }));
    children.push(attestation);
    let index = to_bytes(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": entries,
    }))?;
    Ok(Sample {
        blobs,
        children,
        index: Manifest::from_bytes(index, Some(OCI_INDEX)),
    })
}

async fn push(
    client: &Registry,
    repo: &ImageRepository,
    sample: &Sample,
    tags: &[String],
) -> Result<(), RegistryError> {
    for blob in &sample.blobs {
        client.put_blob(repo, &blob.bytes).await?;
    }
    for child in &sample.children {
        client.put_manifest_by_digest(repo, child).await?;
    }
    for tag in tags {
        client.put_manifest(repo, tag, &sample.index).await?;
    }
    Ok(())
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
    let sample = build(&seed)?;
    if args.execute {
        let client = args.connect.connect()?;
        block_on(push(&client, &repo, &sample, &args.tags))?.map_err(registry_error)?;
    }
    let report = SampleReport {
        repository: repo.to_string(),
        digest: sample.index.digest().to_string(),
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
