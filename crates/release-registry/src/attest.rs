//! Attestations and SBOMs for a digest, wherever they live: the referrers API, the OCI
//! fallback tag `sha256-<hex>`, cosign's `sha256-<hex>.sig/.att/.sbom` tags, and attestation
//! manifests inside an image index (BuildKit).

use serde::Serialize;

use crate::client::Registry;
use crate::error::RegistryError;
use crate::manifest::{Descriptor, Manifest};
use crate::reference::{Digest, ImageRepository};

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
    /// Entries skipped because they could not be read (a referrer whose manifest is gone),
    /// in words for people.
    pub warnings: Vec<String>,
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

/// Outside text in a warning: credentials removed, cut short.
fn shown(text: &str) -> String {
    crate::redact::clip(&crate::redact::redact(text))
}

/// Errors about one entry that leave the others readable: a referrer whose manifest is gone
/// (a dangling entry), one that does not match its digest, or is not the JSON expected. Network,
/// auth and server errors are not among them: a "missing" verdict must not rest on a failure.
fn skippable(e: &RegistryError) -> bool {
    matches!(
        e,
        RegistryError::NotFound { .. }
            | RegistryError::Integrity { .. }
            | RegistryError::Protocol { .. }
            | RegistryError::TooLarge { .. }
            | RegistryError::Input(_)
    )
}

/// The largest attestation blob read to find its predicate type (SBOMs inside DSSE can be big).
const MAX_BLOB_BYTES: usize = 32 * 1024 * 1024;

/// At most this many layers of one referrer are opened.
const MAX_LAYERS_OPENED: usize = 8;

/// What a blob says about itself: the in-toto predicate type, or that it is a plain signature.
#[derive(Debug, Default, PartialEq, Eq)]
struct BlobFacts {
    predicate: Option<String>,
    signature: bool,
}

/// Reads a sigstore bundle (`dsseEnvelope` or `messageSignature`), a bare DSSE envelope
/// (`payload`, `payloadType`), or an in-toto statement (`predicateType`).
fn blob_facts(bytes: &[u8]) -> BlobFacts {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return BlobFacts::default();
    };
    if let Some(p) = v.get("predicateType").and_then(|p| p.as_str()) {
        return BlobFacts {
            predicate: Some(p.to_string()),
            signature: false,
        };
    }
    let envelope = v.get("dsseEnvelope").unwrap_or(&v);
    if let Some(payload) = envelope.get("payload").and_then(|p| p.as_str()) {
        let predicate = crate::credentials::base64_decode(payload)
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .and_then(|st| {
                st.get("predicateType")
                    .and_then(|p| p.as_str())
                    .map(str::to_string)
            });
        return BlobFacts {
            predicate,
            signature: false,
        };
    }
    BlobFacts {
        predicate: None,
        signature: v.get("messageSignature").is_some(),
    }
}

/// Whether a layer's content may name its predicate type (sigstore bundle, DSSE, in-toto).
fn openable(media: &str) -> bool {
    let m = media.to_ascii_lowercase();
    m.contains("sigstore.bundle") || m.contains("dsse") || m.contains("in-toto")
}

impl Registry {
    /// Finds the attestations, SBOMs and signatures of `subject` (the manifest's digest):
    /// the referrers API (with `Link` paging) or, when the registry has none or it lists
    /// nothing, the fallback tag `sha256-<hex>`; cosign's tags; the attestation manifests of
    /// an index. A referrer is classed by its in-toto predicate type wherever it is written
    /// (index annotations, the referrer manifest's annotations, its layers' annotations, or the
    /// DSSE payload inside a sigstore bundle), so GitHub's `attest-build-provenance` and
    /// `attest-sbom` bundles count as provenance and SBOM, not as signatures. An entry that
    /// cannot be read (a dangling referrer) is skipped with a warning.
    pub async fn discover(
        &self,
        repo: &ImageRepository,
        subject: &Manifest,
    ) -> Result<Discovery, RegistryError> {
        let digest = subject.digest().clone();
        let mut out = Discovery {
            subject: digest.clone(),
            referrers_api: false,
            looked: Vec::new(),
            findings: Vec::new(),
            warnings: Vec::new(),
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
        if !out.referrers_api || out.findings.is_empty() {
            out.looked.push(format!("tag {stem}"));
            if tags.contains(&stem) {
                match self.get_manifest(repo, &stem).await {
                    Ok(index) => match index.view() {
                        Ok(view) => {
                            self.read_referrer_list(
                                repo,
                                &view.manifests,
                                Location::FallbackTag(stem.clone()),
                                &mut out,
                            )
                            .await?
                        }
                        Err(detail) => out
                            .warnings
                            .push(format!("tag {stem} skipped: {}", shown(&detail))),
                    },
                    Err(e) if skippable(&e) => out
                        .warnings
                        .push(format!("tag {stem} skipped: {}", shown(&e.to_string()))),
                    Err(e) => return Err(e),
                }
            }
        }
        for suffix in ["att", "sbom", "sig"] {
            let tag = format!("{stem}.{suffix}");
            out.looked.push(format!("tag {tag}"));
            if !tags.contains(&tag) {
                continue;
            }
            let m = match self.get_manifest(repo, &tag).await {
                Ok(m) => m,
                Err(e) if skippable(&e) => {
                    out.warnings
                        .push(format!("tag {tag} skipped: {}", shown(&e.to_string())));
                    continue;
                }
                Err(e) => return Err(e),
            };
            let view = match m.view() {
                Ok(v) => v,
                Err(detail) => {
                    out.warnings
                        .push(format!("tag {tag} skipped: {}", shown(&detail)));
                    continue;
                }
            };
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
                let m = match self.get_manifest(repo, &entry.digest).await {
                    Ok(m) => m,
                    Err(e) if skippable(&e) => {
                        out.warnings.push(format!(
                            "attestation manifest {} skipped: {}",
                            shown(&entry.digest),
                            shown(&e.to_string())
                        ));
                        continue;
                    }
                    Err(e) => return Err(e),
                };
                let inner = match m.view() {
                    Ok(v) => v,
                    Err(detail) => {
                        out.warnings.push(format!(
                            "attestation manifest {} skipped: {}",
                            shown(&entry.digest),
                            shown(&detail)
                        ));
                        continue;
                    }
                };
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
        repo: &ImageRepository,
        list: &[Descriptor],
        location: Location,
        out: &mut Discovery,
    ) -> Result<(), RegistryError> {
        for d in list {
            if out.findings.iter().any(|f| f.digest == d.digest) {
                continue; // listed by the API and the fallback tag both
            }
            let Ok(digest) = Digest::parse(&d.digest) else {
                out.warnings.push(format!(
                    "a referrer with the malformed digest {:?} skipped",
                    shown(&d.digest)
                ));
                continue;
            };
            let mut predicate_type = predicate_of(d).map(str::to_string);
            let artifact = d
                .artifact_type
                .clone()
                .filter(|a| !a.is_empty())
                .unwrap_or_else(|| d.media_type.clone());
            let mut kind = classify(predicate_type.as_deref(), Some(&artifact));
            if predicate_type.is_none() && kind != Some(ArtifactKind::Sbom) {
                // The entry does not say (a fallback index without annotations, a sigstore
                // bundle that may hold provenance): its manifest and layers may.
                match self.inspect_referrer(repo, &digest, out).await {
                    Ok((p, k)) => {
                        if p.is_some() {
                            predicate_type = p;
                        }
                        kind = k.or(kind);
                    }
                    Err(e) if skippable(&e) => {
                        out.warnings.push(format!(
                            "referrer {digest} skipped: {}",
                            shown(&e.to_string())
                        ));
                        continue;
                    }
                    Err(e) => return Err(e),
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

    /// A referrer's predicate type and kind from its manifest: the manifest's annotations,
    /// then its layers' annotations, then the content of sigstore bundle / DSSE / in-toto
    /// layers.
    async fn inspect_referrer(
        &self,
        repo: &ImageRepository,
        digest: &Digest,
        out: &mut Discovery,
    ) -> Result<(Option<String>, Option<ArtifactKind>), RegistryError> {
        let m = self.get_manifest(repo, digest.as_str()).await?;
        let view = m.view().map_err(|detail| RegistryError::Protocol {
            what: format!("referrer {digest}"),
            detail,
        })?;
        let annotated = PREDICATE_KEYS
            .iter()
            .find_map(|k| view.annotations.get(*k).cloned())
            .or_else(|| {
                view.layers
                    .iter()
                    .find_map(|l| predicate_of(l).map(str::to_string))
            });
        if let Some(p) = annotated {
            let kind = classify(Some(&p), None);
            return Ok((Some(p), kind));
        }
        let mut signature = false;
        for layer in view
            .layers
            .iter()
            .filter(|l| openable(&l.media_type))
            .take(MAX_LAYERS_OPENED)
        {
            let Ok(layer_digest) = Digest::parse(&layer.digest) else {
                continue;
            };
            match self.get_blob(repo, &layer_digest, MAX_BLOB_BYTES).await {
                Ok(bytes) => {
                    let facts = blob_facts(&bytes);
                    if let Some(p) = facts.predicate {
                        let kind = classify(Some(&p), None);
                        return Ok((Some(p), kind));
                    }
                    signature |= facts.signature;
                }
                Err(e) if skippable(&e) => out.warnings.push(format!(
                    "layer {layer_digest} of referrer {digest} not read: {}",
                    shown(&e.to_string())
                )),
                Err(e) => return Err(e),
            }
        }
        if signature {
            return Ok((None, Some(ArtifactKind::Signature)));
        }
        let by_type = view
            .artifact_type
            .as_deref()
            .and_then(|a| classify(None, Some(a)))
            .or_else(|| {
                view.layers
                    .iter()
                    .find_map(|l| classify(None, Some(&l.media_type)))
            });
        Ok((None, by_type))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_predicate_inside_bundles_and_envelopes() {
        let statement = br#"{"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"https://slsa.dev/provenance/v1","predicate":{}}"#;
        let payload = crate::redact::base64_encode(statement);
        let bundle = format!(
            r#"{{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{{}},"dsseEnvelope":{{"payload":"{payload}","payloadType":"application/vnd.in-toto+json","signatures":[]}}}}"#
        );
        let want = BlobFacts {
            predicate: Some("https://slsa.dev/provenance/v1".into()),
            signature: false,
        };
        assert_eq!(blob_facts(bundle.as_bytes()), want);
        let envelope = format!(r#"{{"payload":"{payload}","payloadType":"x"}}"#);
        assert_eq!(blob_facts(envelope.as_bytes()), want);
        assert_eq!(blob_facts(statement), want);
        assert_eq!(
            blob_facts(br#"{"mediaType":"x","messageSignature":{}}"#),
            BlobFacts {
                predicate: None,
                signature: true
            }
        );
        assert_eq!(blob_facts(b"not json"), BlobFacts::default());
    }

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
