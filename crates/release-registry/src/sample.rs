//! A tiny image for trying the publishing commands (`promote`, `verify`, `rollback`) against a
//! registry without a Docker engine or a build (`release registry push-sample`).
//!
//! It is what a BuildKit build with `--sbom --provenance` pushes, in miniature: an OCI image
//! index with two platform manifests (amd64, arm64, one small layer each) and an attestation
//! manifest holding an SPDX SBOM and SLSA provenance for the first platform. The bytes depend
//! only on the seed, so the same seed gives the same digest.

use serde_json::json;

use crate::{ImageRepository, Manifest, Registry, RegistryError};

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";

/// A blob: its bytes and the descriptor fields.
#[derive(Debug)]
struct Blob {
    bytes: Vec<u8>,
    digest: String,
}

impl Blob {
    fn new(bytes: Vec<u8>) -> Blob {
        let digest = crate::Digest::of(&bytes).to_string();
        Blob { bytes, digest }
    }

    fn descriptor(&self, media_type: &str) -> serde_json::Value {
        json!({"mediaType": media_type, "digest": self.digest, "size": self.bytes.len()})
    }
}

/// The sample: blobs, platform and attestation manifests (pushed by digest), and the index.
#[derive(Debug)]
pub struct Sample {
    blobs: Vec<Blob>,
    children: Vec<Manifest>,
    index: Manifest,
}

impl Sample {
    /// The index every tag points at.
    pub fn index(&self) -> &Manifest {
        &self.index
    }
}

fn to_bytes(value: &serde_json::Value) -> Result<Vec<u8>, RegistryError> {
    serde_json::to_vec(value)
        .map_err(|e| RegistryError::Input(format!("cannot encode the sample: {e}")))
}

/// Builds the sample for `seed` (the same seed, the same bytes and digest).
pub fn build(seed: &str) -> Result<Sample, RegistryError> {
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

/// Pushes the sample: blobs, the manifests by digest, then the index under each tag.
pub async fn push(
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
