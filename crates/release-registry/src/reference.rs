//! Image references (`host:port/path/name:tag@sha256:…`) parsed the way docker does, and the
//! rule for plain HTTP (loopback only, unless the user names the host as insecure).

use std::fmt;
use std::net::IpAddr;

use sha2::{Digest as _, Sha256};

use crate::error::RegistryError;

/// Docker Hub's API host: `docker.io` names are spoken to here.
pub const DOCKER_HUB_API: &str = "registry-1.docker.io";

/// A content digest, `sha256:` and 64 lower-case hex characters. Only sha256 is accepted:
/// it is what registries use, and a digest we cannot check is worth nothing.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest(String);

impl Digest {
    /// Parses `sha256:<64 hex>`.
    pub fn parse(text: &str) -> Result<Digest, RegistryError> {
        let bad = |why: &str| {
            Err(RegistryError::Input(format!(
                "digest {text:?} is not valid: {why} (expected `sha256:` and 64 lower-case hex characters)"
            )))
        };
        let Some(hex) = text.strip_prefix("sha256:") else {
            return bad("only sha256 digests are supported");
        };
        if hex.len() != 64 {
            return bad("wrong length");
        }
        if !hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return bad("not lower-case hex");
        }
        Ok(Digest(text.to_string()))
    }

    /// The sha256 digest of some bytes.
    pub fn of(bytes: &[u8]) -> Digest {
        let sum = Sha256::digest(bytes);
        let mut out = String::with_capacity(71);
        out.push_str("sha256:");
        for b in sum {
            out.push_str(&format!("{b:02x}"));
        }
        Digest(out)
    }

    /// The full text, `sha256:…`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The hex part.
    pub fn hex(&self) -> &str {
        &self.0[7..]
    }

    /// The OCI referrers fallback tag for this digest (`sha256-<hex>`), also cosign's stem.
    pub fn fallback_tag(&self) -> String {
        format!("sha256-{}", self.hex())
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl serde::Serialize for Digest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// A repository in a registry: `ghcr.io/owner/app`, `127.0.0.1:5000/app`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ImageRepository {
    /// The registry host as written (`ghcr.io`, `127.0.0.1:5000`, `docker.io`).
    pub registry: String,
    /// The repository path (`owner/app`, `library/alpine`).
    pub path: String,
}

impl fmt::Display for ImageRepository {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry, self.path)
    }
}

/// A reference to one manifest: a repository and a tag or a digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// Where.
    pub repository: ImageRepository,
    /// The tag, when given.
    pub tag: Option<String>,
    /// The digest, when given (it wins over the tag).
    pub digest: Option<Digest>,
}

impl ImageRef {
    /// What to put in a manifest URL: the digest if any, else the tag, else `latest`.
    pub fn reference(&self) -> String {
        match (&self.digest, &self.tag) {
            (Some(d), _) => d.to_string(),
            (None, Some(t)) => t.clone(),
            (None, None) => "latest".into(),
        }
    }
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.repository)?;
        if let Some(t) = &self.tag {
            write!(f, ":{t}")?;
        }
        if let Some(d) = &self.digest {
            write!(f, "@{d}")?;
        }
        Ok(())
    }
}

/// Checks a tag against Docker's grammar `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
pub fn check_tag(tag: &str) -> Result<(), RegistryError> {
    release_core::matrix::check_docker_tag(tag).map_err(|e| RegistryError::Input(e.to_string()))
}

impl ImageRepository {
    /// Parses `[host[:port]/]path` (no tag). A first component with a `.` or `:`, or
    /// `localhost`, is a registry host; otherwise the image is on Docker Hub (`library/` is
    /// added to one-component names), as docker does.
    pub fn parse(text: &str) -> Result<ImageRepository, RegistryError> {
        let image = ImageRef::parse(text)?;
        if image.tag.is_some() || image.digest.is_some() {
            return Err(RegistryError::Input(format!(
                "image {text:?} must not carry a tag or digest here"
            )));
        }
        Ok(image.repository)
    }

    /// The host to connect to (`docker.io` is served by `registry-1.docker.io`).
    pub fn api_host(&self) -> &str {
        if self.registry == "docker.io" {
            DOCKER_HUB_API
        } else {
            &self.registry
        }
    }
}

impl ImageRef {
    /// Parses `[host[:port]/]path[:tag][@sha256:hex]`.
    pub fn parse(text: &str) -> Result<ImageRef, RegistryError> {
        let bad = |why: String| {
            Err(RegistryError::Input(format!(
                "image reference {text:?} is not valid: {why}"
            )))
        };
        if text.is_empty() {
            return bad("it is empty".into());
        }
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return bad("it contains whitespace".into());
        }
        let (rest, digest) = match text.split_once('@') {
            Some((rest, d)) => (rest, Some(Digest::parse(d)?)),
            None => (text, None),
        };
        // A tag is after the last `:` that comes after the last `/` (a port is before it).
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(i) => {
                let at = last_slash + i;
                (&rest[..at], Some(rest[at + 1..].to_string()))
            }
            None => (rest, None),
        };
        if let Some(tag) = &tag {
            check_tag(tag)?;
        }
        let (registry, path) = match name.split_once('/') {
            Some((first, path))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (first.to_string(), path.to_string())
            }
            _ => ("docker.io".to_string(), name.to_string()),
        };
        if registry.is_empty() {
            return bad("the registry host is empty".into());
        }
        let path = if registry == "docker.io" && !path.contains('/') {
            format!("library/{path}")
        } else {
            path
        };
        for component in path.split('/') {
            if !valid_component(component) {
                return bad(format!(
                    "path component {component:?} must be lower-case letters and digits separated by `.`, `_`, `__` or `-`"
                ));
            }
        }
        Ok(ImageRef {
            repository: ImageRepository { registry, path },
            tag,
            digest,
        })
    }
}

/// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`
fn valid_component(c: &str) -> bool {
    let b = c.as_bytes();
    if b.is_empty() || !b[0].is_ascii_alphanumeric() || !b[b.len() - 1].is_ascii_alphanumeric() {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        let ch = b[i];
        if ch.is_ascii_digit() || ch.is_ascii_lowercase() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !(b[i].is_ascii_digit() || b[i].is_ascii_lowercase()) {
            i += 1;
        }
        let sep = &c[start..i];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|x| x == b'-');
        if !ok {
            return false;
        }
    }
    true
}

/// Whether a registry host is on loopback (`localhost`, `127.0.0.0/8`, `[::1]`), with or
/// without a port.
pub fn is_loopback(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The URL scheme for a registry: plain HTTP on loopback or for hosts the user named as
/// insecure (`--insecure-registry HOST` or `HOST:PORT`), HTTPS everywhere else.
pub fn scheme_for(host: &str, insecure: &[String]) -> &'static str {
    let bare = host.rsplit_once(':').map_or(host, |(h, _)| h);
    if is_loopback(host) || insecure.iter().any(|i| i == host || i == bare) {
        "http"
    } else {
        "https"
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_references_like_docker() {
        let r = ImageRef::parse("127.0.0.1:5000/team/app:0.4.0").unwrap();
        assert_eq!(r.repository.registry, "127.0.0.1:5000");
        assert_eq!(r.repository.path, "team/app");
        assert_eq!(r.tag.as_deref(), Some("0.4.0"));
        let r = ImageRef::parse("alpine").unwrap();
        assert_eq!(r.repository.to_string(), "docker.io/library/alpine");
        assert_eq!(r.repository.api_host(), DOCKER_HUB_API);
        let r = ImageRef::parse("localhost/app").unwrap();
        assert_eq!(r.repository.registry, "localhost");
        let d = format!("sha256:{}", "a".repeat(64));
        let r = ImageRef::parse(&format!("ghcr.io/o/app@{d}")).unwrap();
        assert_eq!(r.reference(), d);
        assert_eq!(r.tag, None);
    }

    #[test]
    fn refuses_bad_references() {
        for bad in [
            "",
            "ghcr.io/O/app",
            "ghcr.io/o/app:",
            "ghcr.io/o/app:-x",
            "ghcr.io/o//app",
            "ghcr.io/o/app@sha256:abc",
            "ghcr.io/o/app@md5:00",
            "ghcr.io/o/a pp",
            "ghcr.io/o/app:1.0+build",
        ] {
            let err = ImageRef::parse(bad).unwrap_err();
            assert!(err.is_input(), "{bad}: {err}");
        }
    }

    #[test]
    fn plain_http_only_on_loopback_or_when_named() {
        for host in [
            "localhost",
            "localhost:5000",
            "127.0.0.1:5000",
            "127.3.4.5",
            "[::1]:5000",
        ] {
            assert_eq!(scheme_for(host, &[]), "http", "{host}");
        }
        for host in [
            "ghcr.io",
            "10.0.0.1:5000",
            "localhost.example.com",
            "[::2]:80",
        ] {
            assert_eq!(scheme_for(host, &[]), "https", "{host}");
        }
        assert_eq!(scheme_for("reg.lan:5000", &["reg.lan".into()]), "http");
        assert_eq!(scheme_for("reg.lan:5000", &["reg.lan:5000".into()]), "http");
    }

    #[test]
    fn digest_checks() {
        let d = Digest::of(b"{}");
        assert_eq!(
            d.as_str(),
            "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        );
        assert_eq!(Digest::parse(d.as_str()).unwrap(), d);
        assert!(Digest::parse(&d.as_str().to_uppercase()).is_err());
        assert_eq!(d.fallback_tag(), format!("sha256-{}", d.hex()));
    }
}
