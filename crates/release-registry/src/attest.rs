//! Attestations and SBOMs for a digest, wherever they live: the referrers API, the OCI
//! fallback tag `sha256-<hex>`, cosign's `sha256-<hex>.sig/.att/.sbom` tags, and attestation
//! manifests inside an image index (BuildKit).

use serde::Serialize;

use crate::client::Registry;
use crate::error::RegistryError;
use crate::manifest::{Descriptor, Manifest};
use crate::reference::{Digest, Repository};

/// What a found artifact is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ArtifactKind {
    /// A software bill of materials (SPDX, CycloneDX).
    Sbom,
    /// A build-provenance attestation (SLSA).
    Provenance,
    /// A signature (cosign `.sig`, a sigstore bundle without a predicate).
    Signature,
    /// Another attestation (a predicate we do not classify).
    Other,
}

/// Where an artifact was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "name")]
pub enum Location {
    /// The registry's referrers API.
    Referrers,
    /// The OCI fallback tag `sha256-<hex>`.
    FallbackTag(String),
    /// A cosign tag (`sha256-<hex>.att`, `.sbom`, `.sig`).
    CosignTag(String),
    /// An attestation manifest inside the image index (its digest).
    Index(String),
}

/// One attestation, SBOM or signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What it is.
    pub kind: ArtifactKind,
    /// Where it was found.
    pub location: Location,
    /// The in-toto predicate type, when known.
    pub predicate_type: Option<String>,
    /// The artifact or layer media type.
    pub artifact_type: Option<String>,
    /// The digest of the manifest (or layer) that holds it.
    pub digest: String,
}

/// Everything found for a digest, and where we looked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Discovery {
    /// The subject digest.
    pub subject: Digest,
    /// Whether the registry has the referrers API.
    pub referrers_api: bool,
    /// The places looked at, in order.
    pub looked: Vec<String>,
    /// What was found.
    pub findings: Vec<Finding>,
}

impl Discovery {
    /// Whether an artifact of a kind was found.
    pub fn has(&self, kind: ArtifactKind) -> bool {
        self.findings.iter().any(|f| f.kind == kind)
    }
}

const PREDICATE_KEYS: [&str; 3] = [
    "in-toto.io/predicate-type",
    "dev.sigstore.bundle.predicateType",
    "predicateType",
];

/// Classifies by predicate type, then by media/artifact type.
pub fn classify(predicate: Option<&str>, media: Option<&str>) -> Option<ArtifactKind> {
    if let Some(p) = predicate {
        let p = p.to_ascii_lowercase();
        if p.starts_with("https://slsa.dev/provenance/") {
            return Some(ArtifactKind::Provenance);
        }
        if p.starts_with("https://spdx.dev/document") || p.starts_with("https://cyclonedx.org/bom")
        {
            return Some(ArtifactKind::Sbom);
        }
        return Some(ArtifactKind::Other);
    }
    let m = media?.to_ascii_lowercase();
    if m.contains("spdx") || m.contains("cyclonedx") || m.contains("syft") {
        Some(ArtifactKind::Sbom)
    } else if m.contains("slsa") || m.contains("provenance") {
        Some(ArtifactKind::Provenance)
    } else if m.contains("sigstore") || m.contains("cosign") || m.contains("signature") {
        Some(ArtifactKind::Signature)
    } else {
        None
    }
}

fn predicate_of(d: &Descriptor) -> Option<&str> {
    PREDICATE_KEYS
        .iter()
        .find_map(|k| d.annotations.get(*k).map(String::as_str))
}

impl Registry {
    /// Finds the attestations, SBOMs and signatures of `subject` (the manifest's digest).
    pub async fn discover(
        &self,
        repo: &Repository,
        subject: &Manifest,
    ) -> Result<Discovery, RegistryError> {
        let digest = subject.digest().clone();
        let mut out = Discovery {
            subject: digest.clone(),
            referrers_api: false,
            looked: Vec::new(),
            findings: Vec::new(),
        };
        out.looked.push("referrers API".into());
        if let Some(list) = self.referrers(repo, &digest).await? {
            out.referrers_api = true;
            self.read_referrer_list(repo, &list, Location::Referrers, &mut out)
                .await?;
        }
        // The tag schema: one tag list tells which of the fallback and cosign tags exist.
        let tags = self.list_tags(repo).await?;
        let stem = digest.fallback_tag();
        if !out.referrers_api {
            out.looked.push(format!("tag {stem}"));
            if tags.contains(&stem) {
                let index = self.get_manifest(repo, &stem).await?;
                let view = index.view().map_err(|detail| RegistryError::Protocol {
                    what: format!("tag {stem}"),
                    detail,
                })?;
                self.read_referrer_list(
                    repo,
                    &view.manifests,
                    Location::FallbackTag(stem.clone()),
                    &mut out,
                )
                .await?;
            }
        }
        for suffix in ["att", "sbom", "sig"] {
            let tag = format!("{stem}.{suffix}");
            out.looked.push(format!("tag {tag}"));
            if !tags.contains(&tag) {
                continue;
            }
            let m = self.get_manifest(repo, &tag).await?;
            let view = m.view().map_err(|detail| RegistryError::Protocol {
                what: format!("tag {tag}"),
                detail,
            })?;
            for layer in &view.layers {
                let predicate = predicate_of(layer);
                let kind = match suffix {
                    "sig" => Some(ArtifactKind::Signature),
                    "sbom" => Some(ArtifactKind::Sbom),
                    _ => classify(predicate, Some(&layer.media_type)).or(Some(ArtifactKind::Other)),
                };
                if let Some(kind) = kind {
                    out.findings.push(Finding {
                        kind,
                        location: Location::CosignTag(tag.clone()),
                        predicate_type: predicate.map(str::to_string),
                        artifact_type: Some(layer.media_type.clone()),
                        digest: layer.digest.clone(),
                    });
                }
            }
        }
        if subject.is_index() {
            out.looked.push("image index attestation manifests".into());
            let view = subject.view().map_err(|detail| RegistryError::Protocol {
                what: "index".into(),
                detail,
            })?;
            for entry in &view.manifests {
                if entry
                    .annotations
                    .get("vnd.docker.reference.type")
                    .map(String::as_str)
                    != Some("attestation-manifest")
                {
                    continue;
                }
                let m = self.get_manifest(repo, &entry.digest).await?;
                let inner = m.view().map_err(|detail| RegistryError::Protocol {
                    what: format!("attestation manifest {}", entry.digest),
                    detail,
                })?;
                for layer in &inner.layers {
                    let predicate = predicate_of(layer);
                    if let Some(kind) = classify(predicate, Some(&layer.media_type)) {
                        out.findings.push(Finding {
                            kind,
                            location: Location::Index(entry.digest.clone()),
                            predicate_type: predicate.map(str::to_string),
                            artifact_type: Some(layer.media_type.clone()),
                            digest: layer.digest.clone(),
                        });
                    }
                }
            }
        }
        Ok(out)
    }

    async fn read_referrer_list(
        &self,
        repo: &Repository,
        list: &[Descriptor],
        location: Location,
        out: &mut Discovery,
    ) -> Result<(), RegistryError> {
        for d in list {
            let predicate = predicate_of(d).map(str::to_string);
            let artifact = d
                .artifact_type
                .clone()
                .unwrap_or_else(|| d.media_type.clone());
            let mut kind = classify(predicate.as_deref(), Some(&artifact));
            let mut predicate_type = predicate;
            if kind.is_none() || (kind == Some(ArtifactKind::Signature) && predicate_type.is_none())
            {
                // The descriptor does not say; its manifest's layers may (in-toto layers).
                let m = self.get_manifest(repo, &d.digest).await?;
                if let Ok(view) = m.view() {
                    for layer in view.layers.iter() {
                        if let Some(p) = predicate_of(layer) {
                            predicate_type = Some(p.to_string());
                            kind = classify(Some(p), None);
                            break;
                        }
                    }
                    if kind.is_none() {
                        kind = view
                            .layers
                            .iter()
                            .find_map(|l| classify(None, Some(&l.media_type)));
                    }
                }
            }
            out.findings.push(Finding {
                kind: kind.unwrap_or(ArtifactKind::Other),
                location: location.clone(),
                predicate_type,
                artifact_type: Some(artifact),
                digest: d.digest.clone(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn classifies_known_types() {
        assert_eq!(
            classify(Some("https://slsa.dev/provenance/v1"), None),
            Some(ArtifactKind::Provenance)
        );
        assert_eq!(
            classify(Some("https://spdx.dev/Document"), None),
            Some(ArtifactKind::Sbom)
        );
        assert_eq!(
            classify(Some("https://cyclonedx.org/bom/v1.5"), None),
            Some(ArtifactKind::Sbom)
        );
        assert_eq!(
            classify(Some("https://example.com/vuln"), None),
            Some(ArtifactKind::Other)
        );
        assert_eq!(
            classify(None, Some("application/spdx+json")),
            Some(ArtifactKind::Sbom)
        );
        assert_eq!(
            classify(None, Some("application/vnd.dev.sigstore.bundle.v0.3+json")),
            Some(ArtifactKind::Signature)
        );
        assert_eq!(
            classify(None, Some("application/vnd.oci.image.layer.v1.tar+gzip")),
            None
        );
    }
}
