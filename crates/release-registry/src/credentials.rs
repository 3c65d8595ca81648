//! Credentials the way docker finds them: an explicit `--username`/`--password-stdin`, then
//! `$DOCKER_CONFIG/config.json` (`credHelpers`, `credsStore`, `auths`), then `GITHUB_TOKEN` for
//! ghcr.io. Credential helpers run as `docker-credential-NAME get` (an argument vector, the
//! server on stdin) with a timeout.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde::Deserialize;
use tokio::io::AsyncWriteExt;

use crate::error::RegistryError;
use crate::secret::Secret;

/// One registry's credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// A user name and password (or token used as a password).
    Basic {
        /// The user name.
        username: String,
        /// The password or token.
        password: Secret,
    },
    /// An OAuth2 refresh token (`identitytoken` in docker's config).
    IdentityToken(Secret),
}

/// Where credentials are looked up.
#[derive(Debug, Clone, Default)]
pub struct CredentialSource {
    /// `--username` with `--password-stdin`: used for every registry of the run.
    pub explicit: Option<Credential>,
    /// docker's config folder (`$DOCKER_CONFIG`, else `~/.docker`); `None` skips the file.
    pub docker_config_dir: Option<PathBuf>,
    /// `GITHUB_TOKEN`, used for ghcr.io when nothing else is configured.
    pub github_token: Option<Secret>,
    /// The user name sent with `GITHUB_TOKEN` (`GITHUB_ACTOR`); any non-empty name works.
    pub github_actor: Option<String>,
    /// How long a credential helper may take.
    pub helper_timeout: Duration,
    /// A folder searched for `docker-credential-*` before `PATH` (tests, bundled helpers).
    pub helper_path: Option<PathBuf>,
}

/// What we read of docker's `config.json`.
#[derive(Debug, Default)]
struct DockerConfig {
    auths: BTreeMap<String, AuthEntry>,
    creds_store: Option<String>,
    cred_helpers: BTreeMap<String, String>,
}

#[derive(Debug, Default)]
struct AuthEntry {
    auth: Option<String>,
    username: Option<String>,
    password: Option<String>,
    identitytoken: Option<String>,
}

/// The JSON type of a value, for messages that must not show the value itself.
fn type_name(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// A key as it appears in a key path: quoted, outside text escaped.
fn key_label(key: &str) -> String {
    format!("{:?}", release_core::untrusted::escape(key).as_ref())
}

impl DockerConfig {
    /// Reads the parts of docker's config we use. Errors name the key path and the types
    /// involved, never a value: the file holds passwords and tokens (serde's own messages
    /// quote the offending value).
    fn from_json(text: &str) -> Result<DockerConfig, String> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| format!("is not valid JSON ({})", crate::redact::json_error(&e)))?;
        let serde_json::Value::Object(top) = value else {
            return Err(format!(
                "holds {} where an object belongs",
                type_name(&value)
            ));
        };
        let wrong = |path: &str, want: &str, got: &serde_json::Value| {
            format!("`{path}` is {} where {want} belongs", type_name(got))
        };
        let string = |path: &str, v: Option<&serde_json::Value>| match v {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(wrong(path, "a string", other)),
        };
        let object = |path: &str, v: Option<&serde_json::Value>| match v {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::Object(m)) => Ok(Some(m.clone())),
            Some(other) => Err(wrong(path, "an object", other)),
        };
        let mut config = DockerConfig {
            creds_store: string("credsStore", top.get("credsStore"))?,
            ..DockerConfig::default()
        };
        for (host, helper) in object("credHelpers", top.get("credHelpers"))?.unwrap_or_default() {
            let path = format!("credHelpers[{}]", key_label(&host));
            if let Some(h) = string(&path, Some(&helper))? {
                config.cred_helpers.insert(host, h);
            }
        }
        for (host, entry) in object("auths", top.get("auths"))?.unwrap_or_default() {
            let path = format!("auths[{}]", key_label(&host));
            let Some(entry) = object(&path, Some(&entry))? else {
                continue;
            };
            let field = |name: &str| string(&format!("{path}.{name}"), entry.get(name));
            config.auths.insert(
                host.clone(),
                AuthEntry {
                    auth: field("auth")?,
                    username: field("username")?,
                    password: field("password")?,
                    identitytoken: field("identitytoken")?,
                },
            );
        }
        Ok(config)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct HelperAnswer {
    #[serde(default)]
    username: String,
    #[serde(default)]
    secret: String,
}

impl CredentialSource {
    /// The default source: `$DOCKER_CONFIG` or `$HOME/.docker`, and `GITHUB_TOKEN`/`GITHUB_ACTOR`
    /// from the given environment values.
    pub fn from_env_values(
        docker_config: Option<PathBuf>,
        home: Option<PathBuf>,
        github_token: Option<String>,
        github_actor: Option<String>,
    ) -> Self {
        CredentialSource {
            explicit: None,
            docker_config_dir: docker_config.or_else(|| home.map(|h| h.join(".docker"))),
            github_token: github_token.filter(|t| !t.is_empty()).map(Secret::new),
            github_actor: github_actor.filter(|a| !a.is_empty()),
            helper_timeout: Duration::from_secs(10),
            helper_path: None,
        }
    }

    /// The credentials for a registry host, or `None` for anonymous access.
    pub async fn lookup(&self, registry: &str) -> Result<Option<Credential>, RegistryError> {
        if let Some(c) = &self.explicit {
            return Ok(Some(c.clone()));
        }
        if let Some(dir) = &self.docker_config_dir {
            if let Some(c) = self.read_docker_config(dir, registry).await? {
                return Ok(Some(c));
            }
        }
        if registry == "ghcr.io" {
            if let Some(token) = &self.github_token {
                return Ok(Some(Credential::Basic {
                    username: self
                        .github_actor
                        .clone()
                        .unwrap_or_else(|| "github-actions".into()),
                    password: token.clone(),
                }));
            }
        }
        Ok(None)
    }

    async fn read_docker_config(
        &self,
        dir: &Path,
        registry: &str,
    ) -> Result<Option<Credential>, RegistryError> {
        let path = dir.join("config.json");
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(RegistryError::Credentials(format!(
                    "cannot read {}: {e}",
                    path.display()
                )))
            }
        };
        let config = DockerConfig::from_json(&text)
            .map_err(|e| RegistryError::Credentials(format!("{} {e}", path.display())))?;
        let keys = config_keys(registry);
        if let Some(helper) = keys.iter().find_map(|k| config.cred_helpers.get(k)) {
            return self.run_helper(helper, registry).await;
        }
        if let Some(store) = config.creds_store.as_deref().filter(|s| !s.is_empty()) {
            if let Some(c) = self.run_helper(store, registry).await? {
                return Ok(Some(c));
            }
        }
        let entry = config
            .auths
            .iter()
            .find(|(k, _)| keys.contains(&normalize_key(k)))
            .map(|(_, v)| v);
        let Some(entry) = entry else { return Ok(None) };
        if let Some(token) = entry.identitytoken.as_deref().filter(|t| !t.is_empty()) {
            return Ok(Some(Credential::IdentityToken(Secret::new(token))));
        }
        if let Some(auth) = entry.auth.as_deref().filter(|a| !a.is_empty()) {
            let decoded = base64_decode(auth).ok_or_else(|| {
                RegistryError::Credentials(format!(
                    "{}: the `auth` entry for {registry} is not valid base64",
                    path.display()
                ))
            })?;
            let text = String::from_utf8(decoded).map_err(|_| {
                RegistryError::Credentials(format!(
                    "{}: the `auth` entry for {registry} is not UTF-8",
                    path.display()
                ))
            })?;
            let Some((user, pass)) = text.split_once(':') else {
                return Err(RegistryError::Credentials(format!(
                    "{}: the `auth` entry for {registry} is not `user:password`",
                    path.display()
                )));
            };
            return Ok(Some(Credential::Basic {
                username: user.to_string(),
                password: Secret::new(pass),
            }));
        }
        if let (Some(u), Some(p)) = (&entry.username, &entry.password) {
            return Ok(Some(Credential::Basic {
                username: u.clone(),
                password: Secret::new(p.clone()),
            }));
        }
        Ok(None)
    }

    async fn run_helper(
        &self,
        name: &str,
        registry: &str,
    ) -> Result<Option<Credential>, RegistryError> {
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        {
            return Err(RegistryError::Credentials(format!(
                "credential helper name {name:?} is not valid"
            )));
        }
        let program = format!("docker-credential-{name}");
        let path = match &self.helper_path {
            Some(dir) if dir.join(&program).is_file() => dir.join(&program),
            _ => PathBuf::from(&program),
        };
        let mut child = tokio::process::Command::new(&path)
            .arg("get")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| RegistryError::Credentials(format!("cannot run {program}: {e}")))?;
        let server = if registry == "docker.io" {
            "https://index.docker.io/v1/".to_string()
        } else {
            registry.to_string()
        };
        if let Some(mut stdin) = child.stdin.take() {
            // A helper that exits without reading stdin is fine: ignore a broken pipe.
            let _ = stdin.write_all(server.as_bytes()).await;
        }
        let output = tokio::time::timeout(self.helper_timeout, child.wait_with_output())
            .await
            .map_err(|_| {
                RegistryError::Credentials(format!(
                    "{program} did not answer within {:?}",
                    self.helper_timeout
                ))
            })?
            .map_err(|e| RegistryError::Credentials(format!("{program} failed: {e}")))?;
        if !output.status.success() {
            let said = String::from_utf8_lossy(&output.stdout);
            if said.contains("credentials not found") {
                return Ok(None);
            }
            // The helper's own words can be anything; print its exit status only.
            return Err(RegistryError::Credentials(format!(
                "{program} get failed ({})",
                output.status
            )));
        }
        let answer: HelperAnswer = serde_json::from_slice(&output.stdout).map_err(|_| {
            RegistryError::Credentials(format!("{program} get did not print the expected JSON"))
        })?;
        if answer.secret.is_empty() {
            return Ok(None);
        }
        Ok(Some(if answer.username == "<token>" {
            Credential::IdentityToken(Secret::new(answer.secret))
        } else {
            Credential::Basic {
                username: answer.username,
                password: Secret::new(answer.secret),
            }
        }))
    }
}

/// The keys docker's config may use for a registry.
fn config_keys(registry: &str) -> Vec<String> {
    if registry == "docker.io" || registry == crate::reference::DOCKER_HUB_API {
        vec![
            "index.docker.io".into(),
            "docker.io".into(),
            crate::reference::DOCKER_HUB_API.into(),
        ]
    } else {
        vec![registry.to_string()]
    }
}

/// `https://host/v1/` -> `host`.
fn normalize_key(key: &str) -> String {
    let k = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    k.split('/').next().unwrap_or(k).to_string()
}

/// Base64 as docker's config and DSSE envelopes carry it: the standard or the URL-safe
/// alphabet, padding optional (the `base64` crate, lenient about padding only).
pub(crate) fn base64_decode(text: &str) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
    use base64::engine::DecodePaddingMode;
    use base64::Engine as _;
    const CONFIG: GeneralPurposeConfig =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    const STANDARD: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, CONFIG);
    const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, CONFIG);
    STANDARD
        .decode(text)
        .or_else(|_| URL_SAFE.decode(text))
        .ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn source(dir: &Path) -> CredentialSource {
        CredentialSource {
            docker_config_dir: Some(dir.to_path_buf()),
            helper_timeout: Duration::from_secs(5),
            ..CredentialSource::default()
        }
    }

    #[tokio::test]
    async fn reads_auths_in_docker_forms() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("config.json"),
            r#"{"auths":{"https://index.docker.io/v1/":{"auth":"dTpw"},"reg.example:5000":{"username":"a","password":"b"},"tok.example":{"identitytoken":"rt"}}}"#,
        )
        .unwrap();
        let s = source(dir.path());
        assert_eq!(
            s.lookup("docker.io").await.unwrap(),
            Some(Credential::Basic {
                username: "u".into(),
                password: Secret::new("p")
            })
        );
        assert_eq!(
            s.lookup("reg.example:5000").await.unwrap(),
            Some(Credential::Basic {
                username: "a".into(),
                password: Secret::new("b")
            })
        );
        assert_eq!(
            s.lookup("tok.example").await.unwrap(),
            Some(Credential::IdentityToken(Secret::new("rt")))
        );
        assert_eq!(s.lookup("other.example").await.unwrap(), None);
    }

    #[tokio::test]
    async fn bad_config_is_a_clear_error_without_secrets() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("config.json"),
            r#"{"auths":{"r.example":{"auth":"%%secret%%"}}}"#,
        )
        .unwrap();
        let err = source(dir.path())
            .lookup("r.example")
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("not valid base64"), "{err}");
        assert!(!err.contains("secret%%"), "{err}");
        std::fs::write(dir.path().join("config.json"), "{not json").unwrap();
        let err = source(dir.path())
            .lookup("r.example")
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("config.json is not valid JSON"), "{err}");
    }

    #[tokio::test]
    async fn github_token_for_ghcr_only() {
        let s = CredentialSource::from_env_values(None, None, Some("ghp_x".into()), None);
        assert!(matches!(
            s.lookup("ghcr.io").await.unwrap(),
            Some(Credential::Basic { .. })
        ));
        assert_eq!(s.lookup("quay.io").await.unwrap(), None);
        let shown = format!("{:?}", s.lookup("ghcr.io").await.unwrap());
        assert!(!shown.contains("ghp_x"), "{shown}");
    }

    #[test]
    fn base64() {
        assert_eq!(base64_decode("dXNlcjpwYXNz").unwrap(), b"user:pass");
        assert_eq!(base64_decode("YQ==").unwrap(), b"a");
        assert_eq!(base64_decode("a b"), None);
    }
}
