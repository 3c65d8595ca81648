//! The project's identity (where it is hosted, its images, its tests), derived from facts about
//! the repository wherever the policy leaves a value out, with where each value came from.
//!
//! The built-in policy names no project: the I/O side gathers [`RepoFacts`] (the `origin`
//! remote's URL, `GITHUB_REPOSITORY`/`GITHUB_SERVER_URL`, which project files exist) and
//! [`Policy::resolve`] fills every value the policy does not set, recording a [`Derivation`] for
//! each, so `release status` and `release policy show` can say which policy is in effect and why
//! each value is what it is.
//!
//! ```
//! use release_core::identity::{RepoFacts, Source};
//! use release_core::policy::Policy;
//!
//! let facts = RepoFacts {
//!     origin_url: Some("git@github.com:Acme/Widget.git".into()),
//!     project_files: vec!["Cargo.toml".into()],
//!     ..RepoFacts::default()
//! };
//! let resolved = Policy::default().resolve(&facts);
//! assert_eq!(resolved.policy.docker.images(), ["ghcr.io/acme/widget"]);
//! assert_eq!(resolved.policy.github.repository, "Acme/Widget");
//! assert_eq!(resolved.policy.checks.test_commands(), ["cargo test --workspace"]);
//! assert_eq!(resolved.source_of("docker.images"), Some(&Source::OriginRemote));
//! ```

use std::fmt;

use serde::{Serialize, Serializer};

use crate::policy::Policy;

/// The project files whose presence decides the default test commands, in the order the
/// commands run. The I/O side reports which of them exist at the repository's top.
pub const PROJECT_FILES: &[&str] = &["Cargo.toml", "go.mod", "package.json", "pyproject.toml"];

/// What npm writes as the `test` script of a new `package.json`: it fails on purpose, so it is
/// not a test suite.
const NPM_PLACEHOLDER: &str = "no test specified";

/// Facts about the repository, gathered by the I/O side.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepoFacts {
    /// The URL of the `origin` remote, as configured (any form git accepts).
    pub origin_url: Option<String>,
    /// `GITHUB_REPOSITORY` (`owner/name`), set in GitHub Actions.
    pub github_repository: Option<String>,
    /// `GITHUB_SERVER_URL` (`https://github.com`, or a GitHub Enterprise server).
    pub github_server_url: Option<String>,
    /// The names among [`PROJECT_FILES`] that exist at the repository's top.
    pub project_files: Vec<String>,
    /// The `scripts.test` of `package.json`, when it has one.
    pub npm_test_script: Option<String>,
}

/// Where a value of the effective policy came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Set in the policy (the `release-policy.toml` file, or by an embedder).
    PolicyFile,
    /// Derived from the `origin` remote's URL.
    OriginRemote,
    /// Derived from `GITHUB_REPOSITORY` (and `GITHUB_SERVER_URL`).
    GithubEnv,
    /// Detected from a project file (`Cargo.toml`, `package.json`, …).
    ProjectFile(&'static str),
    /// The built-in default (nothing was derived).
    BuiltIn,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::PolicyFile => f.write_str("policy file"),
            Source::OriginRemote => f.write_str("origin remote"),
            Source::GithubEnv => f.write_str("GITHUB_REPOSITORY"),
            Source::ProjectFile(name) => f.write_str(name),
            Source::BuiltIn => f.write_str("built-in"),
        }
    }
}

impl Serialize for Source {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Which kind of forge hosts the repository: it decides the API base and the default image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Forge {
    /// `github.com`.
    GitHub,
    /// A GitHub Enterprise host (`GITHUB_SERVER_URL`'s host, `*.ghe.com`, or any host that is
    /// not a known other forge).
    GitHubEnterprise,
    /// GitLab, Bitbucket, Codeberg, sourcehut, Azure DevOps, Gitea: no GitHub API.
    Other,
}

/// A remote URL split into host and repository path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteUrl {
    /// The host, without user or ssh port (an http port is kept: it is part of the web address).
    pub host: String,
    /// The repository path without `.git` and slashes at either end (`owner/name`,
    /// `group/sub/name`).
    pub path: String,
}

impl RemoteUrl {
    /// Parses a remote URL: `git@host:o/r.git`, `ssh://git@host:22/o/r`,
    /// `https://user:token@host/o/r.git`, `git://host/o/r`. Credentials are dropped (they must
    /// never reach output). `None` for local paths and URLs without an owner/repository path.
    ///
    /// ```
    /// use release_core::identity::RemoteUrl;
    /// let r = RemoteUrl::parse("git@github.example.com:Team/App.git");
    /// assert_eq!(r.map(|r| r.web_url()).as_deref(), Some("https://github.example.com/Team/App"));
    /// assert_eq!(RemoteUrl::parse("/srv/git/r.git"), None);
    /// ```
    pub fn parse(remote: &str) -> Option<Self> {
        let remote = remote.trim();
        let (host, path) = if let Some(rest) =
            ["https://", "http://", "ssh://", "git://", "git+ssh://"]
                .iter()
                .find_map(|scheme| remote.strip_prefix(scheme))
        {
            let (authority, path) = rest.split_once('/')?;
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            // An ssh port (`host:22`) is not part of the web address.
            let host = if remote.starts_with("http") {
                host
            } else {
                host.split(':').next().unwrap_or(host)
            };
            (host, path)
        } else if let Some((authority, path)) = remote.split_once(':') {
            // scp-like syntax `user@host:owner/repo`; a Windows drive or a path is not a remote.
            if authority.contains('/') || authority.len() < 2 || path.starts_with("//") {
                return None;
            }
            (
                authority.rsplit_once('@').map_or(authority, |(_, h)| h),
                path,
            )
        } else {
            return None;
        };
        let path = path.trim_matches('/');
        let path = path.strip_suffix(".git").unwrap_or(path);
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        if host.is_empty() || segments.len() < 2 || host.chars().any(char::is_whitespace) {
            return None;
        }
        Some(Self {
            host: host.to_ascii_lowercase(),
            path: segments.join("/"),
        })
    }

    /// The repository's web address, `https://host/path`.
    pub fn web_url(&self) -> String {
        format!("https://{}/{}", self.host, self.path)
    }
}

/// The repository a project lives in, and where that was learnt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// Host and path.
    pub remote: RemoteUrl,
    /// The kind of forge.
    pub forge: Forge,
    /// Where the identity came from ([`Source::OriginRemote`] or [`Source::GithubEnv`]).
    pub source: Source,
}

impl Identity {
    /// The identity from the facts: the `origin` remote, else `GITHUB_REPOSITORY` on
    /// `GITHUB_SERVER_URL` (default `https://github.com`). `None` when neither names one.
    pub fn from_facts(facts: &RepoFacts) -> Option<Self> {
        let server_host = facts
            .github_server_url
            .as_deref()
            .and_then(|u| u.trim().split_once("://").map(|(_, rest)| rest))
            .map(|rest| rest.trim_end_matches('/').to_ascii_lowercase())
            .filter(|h| !h.is_empty() && !h.contains('/'));
        let forge_of = |host: &str| {
            if host == "github.com" {
                Forge::GitHub
            } else if server_host.as_deref() == Some(host) || host.ends_with(".ghe.com") {
                Forge::GitHubEnterprise
            } else if OTHER_FORGES.contains(&host)
                || ["gitlab.", "gitea.", "forgejo.", "bitbucket."]
                    .iter()
                    .any(|p| host.starts_with(p))
            {
                Forge::Other
            } else {
                Forge::GitHubEnterprise
            }
        };
        if let Some(remote) = facts.origin_url.as_deref().and_then(RemoteUrl::parse) {
            return Some(Self {
                forge: forge_of(&remote.host),
                remote,
                source: Source::OriginRemote,
            });
        }
        let repository = facts.github_repository.as_deref()?.trim();
        let (owner, name) = repository.split_once('/')?;
        if owner.is_empty() || name.is_empty() || name.contains('/') {
            return None;
        }
        let host = server_host.unwrap_or_else(|| "github.com".into());
        Some(Self {
            forge: if host == "github.com" {
                Forge::GitHub
            } else {
                Forge::GitHubEnterprise
            },
            remote: RemoteUrl {
                host,
                path: repository.to_string(),
            },
            source: Source::GithubEnv,
        })
    }

    /// `owner/name` on GitHub (or GitHub Enterprise); `None` on other forges and for nested
    /// paths.
    pub fn github_repository(&self) -> Option<String> {
        (self.forge != Forge::Other && self.remote.path.split('/').count() == 2)
            .then(|| self.remote.path.clone())
    }

    /// The GitHub REST API base: `https://api.github.com`, `https://api.SUB.ghe.com` for
    /// GitHub Enterprise Cloud with data residency, `https://HOST/api/v3` for GitHub Enterprise
    /// Server.
    pub fn api_base(&self) -> Option<String> {
        let host = &self.remote.host;
        match self.forge {
            Forge::GitHub => Some("https://api.github.com".into()),
            Forge::GitHubEnterprise if host.ends_with(".ghe.com") => {
                Some(format!("https://api.{host}"))
            }
            Forge::GitHubEnterprise => Some(format!("https://{host}/api/v3")),
            Forge::Other => None,
        }
    }

    /// The default image: `ghcr.io/<owner>/<name>` in lower case (registries refuse upper case)
    /// for a github.com repository. No image is guessed for other hosts: a GitHub Enterprise
    /// server's registry may be disabled or elsewhere, and publishing to a guessed registry is
    /// worse than publishing nothing until `docker.images` names one.
    pub fn default_image(&self) -> Option<String> {
        (self.forge == Forge::GitHub && self.github_repository().is_some())
            .then(|| format!("ghcr.io/{}", self.remote.path.to_ascii_lowercase()))
    }
}

/// Hosts of forges that are not GitHub.
const OTHER_FORGES: &[&str] = &[
    "gitlab.com",
    "bitbucket.org",
    "codeberg.org",
    "git.sr.ht",
    "dev.azure.com",
    "ssh.dev.azure.com",
    "gitea.com",
    "salsa.debian.org",
    "gitlab.gnome.org",
    "invent.kde.org",
];

/// The test command a project file calls for (P2), or `None`.
fn test_command(file: &str, facts: &RepoFacts) -> Option<&'static str> {
    match file {
        "Cargo.toml" => Some("cargo test --workspace"),
        "go.mod" => Some("go test ./..."),
        "package.json" => facts
            .npm_test_script
            .as_deref()
            .filter(|s| !s.trim().is_empty() && !s.contains(NPM_PLACEHOLDER))
            .map(|_| "npm test"),
        "pyproject.toml" => Some("python -m pytest"),
        _ => None,
    }
}

/// One value of the effective policy and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Derivation {
    /// The dotted key (`docker.images`).
    pub key: &'static str,
    /// The value as shown to people (a list joined with `, `; `(none)` when empty).
    pub value: String,
    /// Where it came from.
    pub source: Source,
    /// Why nothing was derived, when the value is empty and that matters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The effective policy: every value the policy left out filled from the repository's facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The policy with derived values filled in.
    pub policy: Policy,
    /// The repository's identity, when one was found.
    pub identity: Option<Identity>,
    /// Where each identity-dependent value came from, in a fixed order.
    pub derived: Vec<Derivation>,
}

impl Resolved {
    /// Where `key`'s value came from.
    pub fn source_of(&self, key: &str) -> Option<&Source> {
        self.derived
            .iter()
            .find(|d| d.key == key)
            .map(|d| &d.source)
    }
}

fn shown(values: &[String]) -> String {
    if values.is_empty() {
        "(none)".into()
    } else {
        values.join(", ")
    }
}

impl Policy {
    /// Fills every value the policy leaves out (`github.repository`, `github.api_base`,
    /// `docker.images`, `docker.source`, `changelog.repository_url`, `checks.test_commands`)
    /// from the facts, and records where each value came from. Values the policy sets are
    /// kept as they are; an explicitly empty list (`images = []`) stays empty.
    pub fn resolve(&self, facts: &RepoFacts) -> Resolved {
        let mut policy = self.clone();
        let identity = Identity::from_facts(facts);
        let mut derived = Vec::new();
        let no_identity = || {
            "no `origin` remote and no GITHUB_REPOSITORY: set it in release-policy.toml".to_string()
        };
        let mut string_key = |key: &'static str,
                              slot: &mut String,
                              value: Option<String>,
                              missing: &dyn Fn() -> String| {
            if !slot.trim().is_empty() {
                derived.push(Derivation {
                    key,
                    value: slot.clone(),
                    source: Source::PolicyFile,
                    note: None,
                });
                return;
            }
            match (value, &identity) {
                (Some(v), Some(id)) => {
                    *slot = v.clone();
                    derived.push(Derivation {
                        key,
                        value: v,
                        source: id.source.clone(),
                        note: None,
                    });
                }
                _ => derived.push(Derivation {
                    key,
                    value: "(none)".into(),
                    source: Source::BuiltIn,
                    note: Some(missing()),
                }),
            }
        };
        let id_ref = identity.as_ref();
        let forge_note = |what: &'static str| {
            move || match id_ref {
                None => no_identity(),
                Some(id) => format!(
                    "{} is not a GitHub host: {what}",
                    crate::untrusted::escape(&id.remote.host)
                ),
            }
        };
        string_key(
            "github.repository",
            &mut policy.github.repository,
            identity.as_ref().and_then(Identity::github_repository),
            &forge_note("GitHub Release checks (A3) do not apply"),
        );
        string_key(
            "github.api_base",
            &mut policy.github.api_base,
            identity.as_ref().and_then(Identity::api_base),
            &forge_note("no GitHub API"),
        );
        string_key(
            "docker.source",
            &mut policy.docker.source,
            identity.as_ref().map(|i| i.remote.web_url()),
            &no_identity,
        );
        string_key(
            "changelog.repository_url",
            &mut policy.changelog.repository_url,
            identity.as_ref().map(|i| i.remote.web_url()),
            &no_identity,
        );
        if policy.github.api_base.is_empty() {
            // No identity at all: the public API is the only sensible default.
            policy.github.api_base = crate::policy::GITHUB_API.into();
        }
        match &policy.docker.images {
            Some(images) => derived.push(Derivation {
                key: "docker.images",
                value: shown(images),
                source: Source::PolicyFile,
                note: images
                    .is_empty()
                    .then(|| "no images: no Docker plan, registry checks do not apply".into()),
            }),
            None => {
                let image = identity.as_ref().and_then(Identity::default_image);
                derived.push(Derivation {
                    key: "docker.images",
                    value: image.clone().unwrap_or_else(|| "(none)".into()),
                    source: match (&image, &identity) {
                        (Some(_), Some(id)) => id.source.clone(),
                        _ => Source::BuiltIn,
                    },
                    note: match (&image, &identity) {
                        (Some(_), _) => None,
                        (None, None) => Some(no_identity()),
                        (None, Some(id)) => Some(format!(
                            "no default image for {}: set docker.images (registry checks do not apply until then)",
                            crate::untrusted::escape(&id.remote.host)
                        )),
                    },
                });
                policy.docker.images = Some(image.into_iter().collect());
            }
        }
        match &policy.checks.test_commands {
            Some(commands) => derived.push(Derivation {
                key: "checks.test_commands",
                value: shown(commands),
                source: Source::PolicyFile,
                note: None,
            }),
            None => {
                let mut commands = Vec::new();
                let mut from = Vec::new();
                for file in PROJECT_FILES {
                    if facts.project_files.iter().any(|f| f == file) {
                        if let Some(c) = test_command(file, facts) {
                            commands.push(c.to_string());
                            from.push(*file);
                        }
                    }
                }
                derived.push(Derivation {
                    key: "checks.test_commands",
                    value: shown(&commands),
                    source: match from.as_slice() {
                        [] => Source::BuiltIn,
                        [one, ..] => Source::ProjectFile(one),
                    },
                    note: match from.len() {
                        0 => Some("no Cargo.toml, go.mod, package.json test script or pyproject.toml found".into()),
                        1 => None,
                        _ => Some(format!("detected from {}", from.join(", "))),
                    },
                });
                policy.checks.test_commands = Some(commands);
            }
        }
        derived.push(Derivation {
            key: "github.assets",
            value: shown(&policy.github.assets.values().cloned().collect::<Vec<_>>()),
            source: if policy.github.assets.is_empty() {
                Source::BuiltIn
            } else {
                Source::PolicyFile
            },
            note: policy.github.assets.is_empty().then(|| {
                "no binaries expected: A3 checks only that the GitHub Release exists".into()
            }),
        });
        Resolved {
            policy,
            identity,
            derived,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(origin: Option<&str>, repo: Option<&str>, server: Option<&str>) -> RepoFacts {
        RepoFacts {
            origin_url: origin.map(Into::into),
            github_repository: repo.map(Into::into),
            github_server_url: server.map(Into::into),
            ..RepoFacts::default()
        }
    }

    #[test]
    fn origin_forms_give_one_identity() {
        for url in [
            "https://github.com/Acme/Widget.git",
            "https://user:tok@github.com/Acme/Widget",
            "git@github.com:Acme/Widget.git",
            "ssh://git@github.com:22/Acme/Widget.git",
        ] {
            let r = Policy::default().resolve(&facts(Some(url), None, None));
            assert_eq!(r.policy.github.repository, "Acme/Widget", "{url}");
            assert_eq!(r.policy.docker.images(), ["ghcr.io/acme/widget"], "{url}");
            assert_eq!(r.policy.docker.source, "https://github.com/Acme/Widget");
            assert_eq!(r.policy.github.api_base, "https://api.github.com");
            assert_eq!(
                r.source_of("github.repository"),
                Some(&Source::OriginRemote)
            );
        }
    }

    #[test]
    fn enterprise_host_gets_its_api_and_no_guessed_image() {
        let r = Policy::default().resolve(&facts(
            Some("git@github.corp.example:team/app.git"),
            None,
            None,
        ));
        assert_eq!(r.policy.github.repository, "team/app");
        assert_eq!(
            r.policy.github.api_base,
            "https://github.corp.example/api/v3"
        );
        assert!(r.policy.docker.images().is_empty());
        assert_eq!(
            r.policy.docker.source,
            "https://github.corp.example/team/app"
        );
        let r = Policy::default().resolve(&facts(Some("https://acme.ghe.com/o/r"), None, None));
        assert_eq!(r.policy.github.api_base, "https://api.acme.ghe.com");
    }

    #[test]
    fn other_forges_get_links_but_no_github() {
        let r =
            Policy::default().resolve(&facts(Some("git@gitlab.com:group/sub/app.git"), None, None));
        assert_eq!(r.policy.github.repository, "");
        assert_eq!(
            r.policy.changelog.repository_url,
            "https://gitlab.com/group/sub/app"
        );
        assert!(r.policy.docker.images().is_empty());
    }

    #[test]
    fn github_env_is_the_fallback() {
        let r = Policy::default().resolve(&facts(
            None,
            Some("Octo/Thing"),
            Some("https://github.example.net"),
        ));
        assert_eq!(r.policy.github.repository, "Octo/Thing");
        assert_eq!(
            r.policy.github.api_base,
            "https://github.example.net/api/v3"
        );
        assert_eq!(r.source_of("github.repository"), Some(&Source::GithubEnv));
        let r = Policy::default().resolve(&facts(None, Some("Octo/Thing"), None));
        assert_eq!(r.policy.docker.images(), ["ghcr.io/octo/thing"]);
        // The remote wins over the environment.
        let r = Policy::default().resolve(&facts(
            Some("git@github.com:a/b.git"),
            Some("Octo/Thing"),
            None,
        ));
        assert_eq!(r.policy.github.repository, "a/b");
    }

    #[test]
    fn nothing_known_derives_nothing() {
        let r = Policy::default().resolve(&RepoFacts::default());
        assert_eq!(r.policy.github.repository, "");
        assert!(r.policy.docker.images().is_empty());
        assert!(r.policy.checks.test_commands().is_empty());
        assert!(r.policy.github.assets.is_empty());
        assert_eq!(r.policy.github.api_base, "https://api.github.com");
        assert!(r.derived.iter().all(|d| d.source == Source::BuiltIn));
    }

    #[test]
    fn policy_values_win_and_empty_images_stay_empty() {
        let p = Policy::from_toml(
            "[docker]\nimages = []\n[github]\nrepository = \"x/y\"\n[checks]\ntest_commands = [\"make check\"]\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let r = p.resolve(&RepoFacts {
            project_files: vec!["Cargo.toml".into()],
            ..facts(Some("git@github.com:a/b.git"), None, None)
        });
        assert!(r.policy.docker.images().is_empty());
        assert_eq!(r.policy.github.repository, "x/y");
        assert_eq!(r.policy.checks.test_commands(), ["make check"]);
        assert_eq!(r.source_of("docker.images"), Some(&Source::PolicyFile));
    }

    #[test]
    fn test_commands_from_project_files() {
        let with = |files: &[&str], npm: Option<&str>| {
            Policy::default()
                .resolve(&RepoFacts {
                    project_files: files.iter().map(|f| f.to_string()).collect(),
                    npm_test_script: npm.map(Into::into),
                    ..RepoFacts::default()
                })
                .policy
                .checks
                .test_commands()
                .to_vec()
        };
        assert_eq!(with(&["go.mod"], None), ["go test ./..."]);
        assert_eq!(with(&["pyproject.toml"], None), ["python -m pytest"]);
        assert_eq!(with(&["package.json"], Some("vitest run")), ["npm test"]);
        assert!(with(&["package.json"], None).is_empty());
        let placeholder = "echo \"Error: no test specified\" && exit 1";
        assert!(with(&["package.json"], Some(placeholder)).is_empty());
        assert_eq!(
            with(&["package.json", "Cargo.toml"], Some("jest")),
            ["cargo test --workspace", "npm test"]
        );
    }
}
