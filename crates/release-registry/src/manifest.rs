//! Manifests as the registry stored them: exact bytes, media type and digest.
//!
//! A manifest is never re-serialised: parsing and writing back JSON changes whitespace and key
//! order, which changes the digest, and a registry accepts the changed bytes under the tag
//! without complaint. So a [`Manifest`] keeps the bytes it was given; [`Manifest::view`] parses
//! a lenient read-only view for looking inside.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::reference::Digest;

/// Registries refuse manifests over 4 MiB; we refuse to read more than that.
pub const MAX_MANIFEST_BYTES: usize = 4 * 1024 * 1024;

/// OCI image index.
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// OCI image manifest.
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// Docker manifest list.
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
/// Docker image manifest, schema 2.
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";

/// Docker image manifest, schema 1 (deprecated; never written).
pub const DOCKER_SCHEMA1: &str = "application/vnd.docker.distribution.manifest.v1+json";
/// Docker image manifest, schema 1, signed (deprecated; never written).
pub const DOCKER_SCHEMA1_SIGNED: &str = "application/vnd.docker.distribution.manifest.v1+prettyjws";

/// The complete `Accept` list sent with every manifest request. docker-registry answers 404
/// for OCI content when the list lacks its type, so it is always the whole list.
pub const ACCEPT: [&str; 4] = [OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST];

/// A manifest: the exact bytes, their media type and their sha256 digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    bytes: Vec<u8>,
    media_type: String,
    digest: Digest,
}

impl Manifest {
    /// Wraps bytes as they came. The media type is the `Content-Type` the registry sent; when it
    /// is missing or generic, the manifest's own `mediaType` field (or its shape) decides.
    pub fn from_bytes(bytes: Vec<u8>, content_type: Option<&str>) -> Manifest {
        let header = content_type
            .map(|c| c.split(';').next().unwrap_or("").trim().to_string())
            .filter(|c| {
                !c.is_empty()
                    && c != "application/json"
                    && c != "text/plain"
                    && c != "application/octet-stream"
            });
        let media_type = header.unwrap_or_else(|| sniff_media_type(&bytes));
        let digest = Digest::of(&bytes);
        Manifest {
            bytes,
            media_type,
            digest,
        }
    }

    /// The exact bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The media type (`Content-Type` of a PUT).
    pub fn media_type(&self) -> &str {
        &self.media_type
    }

    /// The sha256 of the bytes.
    pub fn digest(&self) -> &Digest {
        &self.digest
    }

    /// Whether this is a Docker schema 1 manifest: by media type, or by `schemaVersion: 1`
    /// whatever the type says.
    pub fn is_schema1(&self) -> bool {
        if self.media_type == DOCKER_SCHEMA1 || self.media_type == DOCKER_SCHEMA1_SIGNED {
            return true;
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Version {
            #[serde(default)]
            schema_version: Option<serde_json::Value>,
        }
        serde_json::from_slice::<Version>(&self.bytes)
            .ok()
            .and_then(|v| v.schema_version)
            .and_then(|v| v.as_u64())
            == Some(1)
    }

    /// Whether this is an index / manifest list.
    pub fn is_index(&self) -> bool {
        self.media_type == OCI_INDEX || self.media_type == DOCKER_LIST
    }

    /// A lenient read-only view of the JSON (unknown fields ignored, missing ones empty).
    pub fn view(&self) -> Result<ManifestView, String> {
        serde_json::from_slice(&self.bytes).map_err(|e| {
            format!(
                "manifest {} is not the JSON expected ({})",
                self.digest,
                crate::redact::json_error(&e)
            )
        })
    }
}

/// The manifest's `mediaType` field, or its shape: `manifests` means an index, `schemaVersion:
/// 1` a Docker schema 1 manifest.
fn sniff_media_type(bytes: &[u8]) -> String {
    let view: Option<serde_json::Value> = serde_json::from_slice(bytes).ok();
    let Some(v) = view else {
        return OCI_MANIFEST.to_string();
    };
    if let Some(m) = v
        .get("mediaType")
        .and_then(|m| m.as_str())
        .filter(|m| !m.is_empty())
    {
        return m.to_string();
    }
    if v.get("schemaVersion").and_then(|n| n.as_u64()) == Some(1) {
        return if v.get("signatures").is_some() {
            DOCKER_SCHEMA1_SIGNED.to_string()
        } else {
            DOCKER_SCHEMA1.to_string()
        };
    }
    match v.get("manifests").and_then(|m| m.as_array()) {
        Some(list) if !list.is_empty() => OCI_INDEX.to_string(),
        _ => OCI_MANIFEST.to_string(),
    }
}

/// What we read from a manifest or index. Every field is optional: registries and tools write
/// all sorts of shapes, and reading must not fail on what we do not use.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManifestView {
    /// `mediaType`.
    #[serde(default)]
    pub media_type: Option<String>,
    /// `artifactType` (OCI 1.1).
    #[serde(default)]
    pub artifact_type: Option<String>,
    /// `config`.
    #[serde(default)]
    pub config: Option<Descriptor>,
    /// `layers` of an image manifest (entries that are not descriptors are left out).
    #[serde(default, deserialize_with = "lenient_descriptors")]
    pub layers: Vec<Descriptor>,
    /// `manifests` of an index (entries that are not descriptors are left out).
    #[serde(default, deserialize_with = "lenient_descriptors")]
    pub manifests: Vec<Descriptor>,
    /// `subject` (OCI 1.1 referrers).
    #[serde(default)]
    pub subject: Option<Descriptor>,
    /// `annotations` (values that are not strings are left out).
    #[serde(default, deserialize_with = "lenient_annotations")]
    pub annotations: BTreeMap<String, String>,
}

/// A content descriptor, leniently.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Descriptor {
    /// `mediaType`.
    #[serde(default)]
    pub media_type: String,
    /// `digest`, as written (checked when used).
    #[serde(default)]
    pub digest: String,
    /// `size` (0 when it is not a number in range: a server's number is never trusted).
    #[serde(default, deserialize_with = "lenient_size")]
    pub size: u64,
    /// `artifactType`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    /// `platform` (index entries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    /// `annotations` (values that are not strings are left out).
    #[serde(
        default,
        deserialize_with = "lenient_annotations",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub annotations: BTreeMap<String, String>,
}

/// The platform of an index entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Platform {
    /// `architecture`.
    #[serde(default)]
    pub architecture: String,
    /// `os`.
    #[serde(default)]
    pub os: String,
    /// `variant`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
}

fn lenient_descriptors<'de, D>(d: D) -> Result<Vec<Descriptor>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let raw = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match raw {
        Some(serde_json::Value::Array(items)) => items
            .into_iter()
            .filter_map(|v| serde_json::from_value(v).ok())
            .collect(),
        _ => Vec::new(),
    })
}

fn lenient_annotations<'de, D>(d: D) -> Result<BTreeMap<String, String>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let raw = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match raw {
        Some(serde_json::Value::Object(map)) => map
            .into_iter()
            .filter_map(|(k, v)| match v {
                serde_json::Value::String(s) => Some((k, s)),
                _ => None,
            })
            .collect(),
        _ => BTreeMap::new(),
    })
}

fn lenient_size<'de, D>(d: D) -> Result<u64, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let raw = Option::<serde_json::Value>::deserialize(d)?;
    Ok(raw.and_then(|v| v.as_u64()).unwrap_or(0))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn keeps_bytes_and_sniffs_type_without_header() {
        let bytes = br#"{ "schemaVersion" : 2,
  "manifests": [ {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:00","size":3,"annotations":null} ] }"#
            .to_vec();
        let m = Manifest::from_bytes(bytes.clone(), Some("application/json; charset=utf-8"));
        assert_eq!(m.bytes(), &bytes[..]);
        assert_eq!(m.media_type(), OCI_INDEX);
        assert_eq!(m.digest(), &Digest::of(&bytes));
        assert!(m.is_index());
        assert_eq!(m.view().unwrap().manifests.len(), 1);
        let m = Manifest::from_bytes(
            br#"{"mediaType":"application/vnd.docker.distribution.manifest.v2+json"}"#.to_vec(),
            None,
        );
        assert_eq!(m.media_type(), DOCKER_MANIFEST);
        let m = Manifest::from_bytes(b"{}".to_vec(), Some(OCI_INDEX));
        assert_eq!(m.media_type(), OCI_INDEX);
    }
}
