//! Table rows for the project's identity (`release_core::identity`): which remotes name a
//! repository, which forge hosts it, and what the policy derives from that (S1: the built-in
//! policy names no project, so these values come from the repository; A3, T10: where the
//! GitHub Release and the image labels point). Found by mutation testing
//! (`scripts/mutants.sh core -- -f crates/release-core/src/identity.rs`); every row names the
//! rule it checks.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests: a failure to set up is a failed test

use release_core::identity::{Forge, Identity, RemoteUrl, RepoFacts, Source};
use release_core::policy::Policy;

// ---------------------------------------------------------------- S1: remote URLs

/// (rule, remote URL, Some((host, path)) or None when it names no repository)
type RemoteRow = (
    &'static str,
    &'static str,
    Option<(&'static str, &'static str)>,
);

const REMOTES: &[RemoteRow] = &[
    (
        "S1",
        "git@github.com:Acme/Widget.git",
        Some(("github.com", "Acme/Widget")),
    ),
    (
        "S1",
        "  https://github.com/Acme/Widget/  ",
        Some(("github.com", "Acme/Widget")),
    ),
    // Credentials are dropped: they must never reach output.
    (
        "S1",
        "https://user:tok@GitHub.com/Acme/Widget.git",
        Some(("github.com", "Acme/Widget")),
    ),
    // An http port is part of the web address; an ssh port is not.
    (
        "S1",
        "http://git.example:8080/o/r",
        Some(("git.example:8080", "o/r")),
    ),
    (
        "S1",
        "ssh://git@host.example:2222/o/r",
        Some(("host.example", "o/r")),
    ),
    (
        "S1",
        "git://host.example/o/r",
        Some(("host.example", "o/r")),
    ),
    (
        "S1",
        "git+ssh://git@host.example/o/r",
        Some(("host.example", "o/r")),
    ),
    (
        "S1",
        "gitlab.com:group/sub/app.git",
        Some(("gitlab.com", "group/sub/app")),
    ),
    // scp-like syntax with a two-letter host is a remote; a one-letter one is a drive.
    ("S1", "gh:o/r", Some(("gh", "o/r"))),
    ("S1", "C:/Users/me", None),
    ("S1", "../repos/a:b/c", None),
    ("S1", "/srv/git/r.git", None),
    ("S1", "svn://example.org/o/r", None),
    ("S1", "git@github.com:Acme", None),
    ("S1", "https://github.com/Acme", None),
    ("S1", "https://github.com", None),
    ("S1", "https:///o/r", None),
    ("S1", "https://my host/o/r", None),
    ("S1", "", None),
];

#[test]
fn remotes_name_a_host_and_a_repository() {
    for (rule, url, expected) in REMOTES {
        let got = RemoteUrl::parse(url);
        let got = got.as_ref().map(|r| (r.host.as_str(), r.path.as_str()));
        assert_eq!(got, *expected, "{rule}: {url:?}");
    }
}

// ---------------------------------------------------------------- S1, A3, T10: the forge and what it gives

/// (rule, origin, GITHUB_REPOSITORY, GITHUB_SERVER_URL, the forge and host, `owner/name` on
/// GitHub, the API base, the default image)
type IdentityRow = (
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    Option<(Forge, &'static str)>,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
);

const IDENTITIES: &[IdentityRow] = &[
    (
        "A3",
        Some("git@github.com:Acme/Widget.git"),
        None,
        None,
        Some((Forge::GitHub, "github.com")),
        Some("Acme/Widget"),
        Some("https://api.github.com"),
        Some("ghcr.io/acme/widget"),
    ),
    // A nested path is no GitHub repository, and gets no image.
    (
        "A3",
        Some("https://github.com/a/b/c"),
        None,
        None,
        Some((Forge::GitHub, "github.com")),
        None,
        Some("https://api.github.com"),
        None,
    ),
    (
        "A3",
        Some("https://acme.ghe.com/o/r"),
        None,
        None,
        Some((Forge::GitHubEnterprise, "acme.ghe.com")),
        Some("o/r"),
        Some("https://api.acme.ghe.com"),
        None,
    ),
    // A GitHub Enterprise Cloud tenant is GitHub whatever its name.
    (
        "A3",
        Some("git@gitlab.ghe.com:o/r.git"),
        None,
        None,
        Some((Forge::GitHubEnterprise, "gitlab.ghe.com")),
        Some("o/r"),
        Some("https://api.gitlab.ghe.com"),
        None,
    ),
    (
        "A3",
        Some("git@github.corp.example:team/app.git"),
        None,
        None,
        Some((Forge::GitHubEnterprise, "github.corp.example")),
        Some("team/app"),
        Some("https://github.corp.example/api/v3"),
        None,
    ),
    (
        "A3",
        Some("git@gitlab.com:o/r.git"),
        None,
        None,
        Some((Forge::Other, "gitlab.com")),
        None,
        None,
        None,
    ),
    (
        "A3",
        Some("https://codeberg.org/o/r"),
        None,
        None,
        Some((Forge::Other, "codeberg.org")),
        None,
        None,
        None,
    ),
    (
        "A3",
        Some("https://gitea.example.org/o/r"),
        None,
        None,
        Some((Forge::Other, "gitea.example.org")),
        None,
        None,
        None,
    ),
    // The server CI runs on says the host is GitHub, whatever its name.
    (
        "A3",
        Some("git@gitlab.example.org:o/r.git"),
        None,
        Some("https://gitlab.example.org/"),
        Some((Forge::GitHubEnterprise, "gitlab.example.org")),
        Some("o/r"),
        Some("https://gitlab.example.org/api/v3"),
        None,
    ),
    (
        "A3",
        Some("git@gitlab.example.org:o/r.git"),
        None,
        Some("https://ghe.example.org"),
        Some((Forge::Other, "gitlab.example.org")),
        None,
        None,
        None,
    ),
    // GITHUB_REPOSITORY when there is no remote.
    (
        "S1",
        None,
        Some("Octo/Thing"),
        None,
        Some((Forge::GitHub, "github.com")),
        Some("Octo/Thing"),
        Some("https://api.github.com"),
        Some("ghcr.io/octo/thing"),
    ),
    (
        "S1",
        None,
        Some(" Octo/Thing "),
        Some("https://GHE.example.net"),
        Some((Forge::GitHubEnterprise, "ghe.example.net")),
        Some("Octo/Thing"),
        Some("https://ghe.example.net/api/v3"),
        None,
    ),
    // A server URL with a path or without a host names no host: github.com it is.
    (
        "S1",
        None,
        Some("Octo/Thing"),
        Some("https://ghe.example.net/sub"),
        Some((Forge::GitHub, "github.com")),
        Some("Octo/Thing"),
        Some("https://api.github.com"),
        Some("ghcr.io/octo/thing"),
    ),
    (
        "S1",
        None,
        Some("Octo/Thing"),
        Some("https://"),
        Some((Forge::GitHub, "github.com")),
        Some("Octo/Thing"),
        Some("https://api.github.com"),
        Some("ghcr.io/octo/thing"),
    ),
    ("S1", None, Some("Octo"), None, None, None, None, None),
    ("S1", None, Some("/Thing"), None, None, None, None, None),
    ("S1", None, Some("Octo/"), None, None, None, None, None),
    ("S1", None, Some("a/b/c"), None, None, None, None, None),
    (
        "S1",
        None,
        None,
        Some("https://github.com"),
        None,
        None,
        None,
        None,
    ),
];

#[test]
fn the_forge_decides_the_api_and_the_image() {
    for (rule, origin, repository, server, forge, github, api, image) in IDENTITIES {
        let facts = RepoFacts {
            origin_url: origin.map(Into::into),
            github_repository: repository.map(Into::into),
            github_server_url: server.map(Into::into),
            ..RepoFacts::default()
        };
        let label =
            format!("{rule}: origin {origin:?}, repository {repository:?}, server {server:?}");
        let id = Identity::from_facts(&facts);
        assert_eq!(
            id.as_ref().map(|i| (i.forge, i.remote.host.as_str())),
            *forge,
            "{label}"
        );
        let Some(id) = id else { continue };
        let source = if origin.is_some() {
            Source::OriginRemote
        } else {
            Source::GithubEnv
        };
        assert_eq!(id.source, source, "{label}");
        assert_eq!(id.github_repository().as_deref(), *github, "{label}");
        assert_eq!(id.api_base().as_deref(), *api, "{label}");
        assert_eq!(id.default_image().as_deref(), *image, "{label}");

        // What the policy derives from it.
        let resolved = Policy::default().resolve(&facts);
        assert_eq!(
            resolved.policy.github.repository,
            github.unwrap_or(""),
            "{label}"
        );
        assert_eq!(
            resolved.policy.github.api_base,
            api.unwrap_or("https://api.github.com"),
            "{label}"
        );
        assert_eq!(
            resolved.policy.docker.images(),
            image.map(String::from).as_slice(),
            "{label}"
        );
        assert_eq!(
            resolved.policy.docker.source,
            id.remote.web_url(),
            "T10: {label}"
        );
        // Each value says where it came from; what could not be derived is built in.
        let derived_from = |value: Option<&str>| {
            if value.is_some() {
                source.clone()
            } else {
                Source::BuiltIn
            }
        };
        for (key, value) in [
            ("github.repository", *github),
            ("github.api_base", *api),
            ("docker.images", *image),
            ("docker.source", Some("")),
        ] {
            assert_eq!(
                resolved.source_of(key),
                Some(&derived_from(value)),
                "{label}: {key}"
            );
        }
        assert_eq!(resolved.source_of("docker.nope"), None, "{label}");
    }
}

// ---------------------------------------------------------------- S1: where each value came from

/// (rule, source, as shown)
const SOURCES: &[(&str, Source, &str)] = &[
    ("S1", Source::PolicyFile, "policy file"),
    ("S1", Source::OriginRemote, "origin remote"),
    ("S1", Source::GithubEnv, "GITHUB_REPOSITORY"),
    ("S1", Source::ProjectFile("go.mod"), "go.mod"),
    ("S1", Source::BuiltIn, "built-in"),
];

#[test]
fn sources_are_named_as_status_shows_them() {
    for (rule, source, shown) in SOURCES {
        assert_eq!(source.to_string(), *shown, "{rule}: {source:?}");
        assert_eq!(
            serde_json::to_value(source).unwrap(),
            serde_json::json!(shown),
            "{rule}: {source:?} in JSON"
        );
    }
}

/// (rule, project files, the test commands, their source, the note)
type TestsRow = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    Source,
    Option<&'static str>,
);

const DETECTED: &[TestsRow] = &[
    (
        "P2",
        &[],
        &[],
        Source::BuiltIn,
        Some("no Cargo.toml, go.mod, package.json test script or pyproject.toml found"),
    ),
    (
        "P2",
        &["go.mod"],
        &["go test ./..."],
        Source::ProjectFile("go.mod"),
        None,
    ),
    (
        "P2",
        &["pyproject.toml", "Cargo.toml"],
        &["cargo test --workspace", "python -m pytest"],
        Source::ProjectFile("Cargo.toml"),
        Some("detected from Cargo.toml, pyproject.toml"),
    ),
    (
        "P2",
        &["Makefile"],
        &[],
        Source::BuiltIn,
        Some("no Cargo.toml"),
    ),
];

#[test]
fn test_commands_say_which_files_they_came_from() {
    for (rule, files, commands, source, note) in DETECTED {
        let resolved = Policy::default().resolve(&RepoFacts {
            project_files: files.iter().map(|f| f.to_string()).collect(),
            ..RepoFacts::default()
        });
        assert_eq!(
            resolved.policy.checks.test_commands(),
            *commands,
            "{rule}: {files:?}"
        );
        let d = resolved
            .derived
            .iter()
            .find(|d| d.key == "checks.test_commands")
            .unwrap();
        assert_eq!(d.source, *source, "{rule}: {files:?}");
        let shown = if commands.is_empty() {
            "(none)".to_string()
        } else {
            commands.join(", ")
        };
        assert_eq!(d.value, shown, "{rule}: {files:?}");
        match (note, &d.note) {
            (None, None) => {}
            (Some(want), Some(have)) => assert!(have.contains(want), "{rule}: {have}"),
            _ => panic!(
                "{rule}: {files:?}: expected note {note:?}, got {:?}",
                d.note
            ),
        }
    }
}
