//! A project's own conventions: the built-in policy derives the identity from the repository,
//! `init` follows the default branch, the umask and the project's workflows, git's status
//! semantics for sparse and skip-worktree paths, pre-release channels in the listed order.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use release_testkit::git as support;

use std::path::Path;
use std::process::{Command, Output};

use support::TestRepo;

fn release_at(dir: &Path, repo: Option<&TestRepo>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_release"));
    cmd.current_dir(dir).args(args);
    match repo {
        Some(r) => r.env(&mut cmd),
        None => {
            cmd.env("GIT_CONFIG_NOSYSTEM", "1")
                .env("GIT_CONFIG_GLOBAL", no_config())
                .env_remove("GITHUB_REPOSITORY")
                .env_remove("GITHUB_SERVER_URL")
                .env_remove("GITHUB_ACTIONS");
        }
    }
    cmd.output().unwrap()
}

/// A global git config that does not exist: nothing from the machine's.
fn no_config() -> std::path::PathBuf {
    std::env::temp_dir().join("release-conventions-no-such-gitconfig")
}

fn release(repo: &TestRepo, args: &[&str]) -> Output {
    release_at(repo.path(), Some(repo), args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn all(o: &Output) -> String {
    format!("{}{}", stdout(o), String::from_utf8_lossy(&o.stderr))
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", no_config())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A repository without a policy file whose `origin` is on GitHub, with a Cargo.toml.
fn builtin_repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.git(&["rm", "-q", "release-policy.toml"]);
    repo.write("Cargo.toml", "[package]\nname = \"widget\"\n");
    repo.write(
        "package.json",
        "{\"scripts\": {\"test\": \"echo \\\"Error: no test specified\\\" && exit 1\"}}",
    );
    repo.commit("a project");
    repo.git(&["remote", "add", "origin", "git@github.com:Acme/Widget.git"]);
    repo
}

#[test]
fn status_and_policy_show_say_which_policy_and_where_values_came_from() {
    let repo = builtin_repo();
    let out = release(&repo, &["status"]);
    let text = stdout(&out);
    assert!(text.contains("policy      built-in"), "{text}");
    assert!(
        text.contains("docker.images = ghcr.io/acme/widget (origin remote)"),
        "{text}"
    );
    assert!(
        text.contains("checks.test_commands = cargo test --workspace (Cargo.toml)"),
        "npm's placeholder test script is not a test suite: {text}"
    );
    assert!(
        !text.contains("kubedoio") && !text.contains("rustshare"),
        "{text}"
    );

    let out = release(&repo, &["policy", "show"]);
    let text = stdout(&out);
    assert!(text.starts_with("# the built-in policy"), "{text}");
    assert!(text.contains("github.repository"), "{text}");
    assert!(text.contains("Acme/Widget  (origin remote)"), "{text}");
    assert!(
        text.contains("images = [\"ghcr.io/acme/widget\"]"),
        "{text}"
    );
    assert!(
        text.contains("source = \"https://github.com/Acme/Widget\""),
        "{text}"
    );
    assert!(
        text.contains("no binaries expected: A3 checks only that the GitHub Release exists"),
        "{text}"
    );
    assert!(
        !text.contains("kubedoio") && !text.contains("frontend"),
        "{text}"
    );
    let j: serde_json::Value =
        serde_json::from_slice(&release(&repo, &["--json", "policy", "show"]).stdout).unwrap();
    assert!(j["source"].as_str().unwrap().starts_with("built-in"));
    let images = j["derived"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["key"] == "docker.images")
        .unwrap();
    assert_eq!(images["source"], "origin remote");

    // A policy file: its path is named, and what it sets is the policy file's.
    repo.write(
        "release-policy.toml",
        "[github]\nrepository = \"other/name\"\n",
    );
    let text = stdout(&release(&repo, &["status"]));
    assert!(text.contains("policy      "), "{text}");
    assert!(text.contains("release-policy.toml"), "{text}");
    assert!(
        text.contains("github.repository = other/name (policy file)"),
        "{text}"
    );
}

#[test]
fn an_enterprise_origin_derives_its_api_and_no_image() {
    let repo = builtin_repo();
    repo.git(&[
        "remote",
        "set-url",
        "origin",
        "https://github.corp.example/Team/App.git",
    ]);
    let j: serde_json::Value =
        serde_json::from_slice(&release(&repo, &["--json", "policy", "show"]).stdout).unwrap();
    assert_eq!(j["policy"]["github"]["repository"], "Team/App");
    assert_eq!(
        j["policy"]["github"]["api_base"],
        "https://github.corp.example/api/v3"
    );
    assert_eq!(j["policy"]["docker"]["images"], serde_json::json!([]));
}

#[test]
fn candidates_follow_the_listed_channels_and_never_go_back() {
    let repo = TestRepo::new();
    let policy = std::fs::read_to_string(repo.path().join("release-policy.toml")).unwrap();
    repo.write(
        "release-policy.toml",
        &format!("prerelease_channels = [\"alpha\", \"beta\", \"rc\"]\n{policy}"),
    );
    repo.commit("channels");
    let out = release(
        &repo,
        &["rc", "next", "1.0.0", "--released", "v0.9.0,v1.0.0-rc.1"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    assert_eq!(stdout(&out).trim(), "v1.0.0-rc.2");
    let out = release(
        &repo,
        &[
            "version",
            "check",
            "v1.0.0-beta.1",
            "--released",
            "v0.9.0,v1.0.0-rc.1",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", all(&out));
    assert!(all(&out).contains("V7"), "{}", all(&out));
}

#[test]
fn stray_tags_are_ignored_by_the_history() {
    let repo = TestRepo::new();
    let policy = std::fs::read_to_string(repo.path().join("release-policy.toml")).unwrap();
    repo.write(
        "release-policy.toml",
        &format!("ignore_tags = [\"v9.*\"]\n{policy}"),
    );
    repo.commit("ignore a stray tag");
    repo.git(&["tag", "v0.3.0"]);
    repo.git(&["tag", "v9.0.0"]);
    let out = release(&repo, &["version", "check", "v0.4.0"]);
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    let j: serde_json::Value =
        serde_json::from_slice(&release(&repo, &["--json", "status"]).stdout).unwrap();
    assert_eq!(j["newest_stable"], "0.3.0");
}

#[test]
fn sparse_and_skip_worktree_paths_are_not_uncommitted() {
    let repo = TestRepo::new();
    repo.write("config/local.toml", "a = 1\n");
    repo.commit("more files");
    let uncommitted = |repo: &TestRepo| {
        let j: serde_json::Value =
            serde_json::from_slice(&release(repo, &["--json", "status"]).stdout).unwrap();
        j["repository"]["uncommitted"].clone()
    };
    // skip-worktree by hand: a local change git status does not report.
    repo.git(&["update-index", "--skip-worktree", "config/local.toml"]);
    repo.write("config/local.toml", "a = 2\n");
    assert_eq!(repo.git(&["status", "--porcelain"]), "");
    assert_eq!(uncommitted(&repo), 0);
    // A sparse checkout without `big/` (git marks its entries skip-worktree).
    let sparse = TestRepo::new();
    sparse.write("big/data.bin", "data\n");
    sparse.commit("a big file");
    sparse.git(&["sparse-checkout", "set", "--no-cone", "/*", "!/big/"]);
    assert!(!sparse.path().join("big/data.bin").exists());
    assert_eq!(sparse.git(&["status", "--porcelain"]), "");
    assert_eq!(uncommitted(&sparse), 0);
    // A real change still counts.
    repo.write("README.md", "changed\n");
    assert_eq!(uncommitted(&repo), 1);
}

#[test]
fn init_follows_the_default_branch_the_umask_and_the_projects_workflows() {
    let upstream = tempfile::tempdir().unwrap();
    git(upstream.path(), &["init", "-q", "-b", "master"]);
    git(
        upstream.path(),
        &[
            "-c",
            "user.name=A",
            "-c",
            "user.email=a@example.org",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "init",
        ],
    );
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("clone");
    git(
        dir.path(),
        &["clone", "-q", upstream.path().to_str().unwrap(), "clone"],
    );
    git(&root, &["switch", "-q", "-c", "feature"]);
    git(
        &root,
        &[
            "remote",
            "set-url",
            "origin",
            "https://github.com/Acme/widget.git",
        ],
    );
    // The project's own release workflow.
    let own = "name: release\non: push\njobs: {}\n";
    std::fs::create_dir_all(root.join(".github/workflows")).unwrap();
    std::fs::write(root.join(".github/workflows/release.yml"), own).unwrap();

    let out = release_at(&root, None, &["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    let text = stdout(&out);
    // origin/HEAD names master, whatever branch is checked out.
    let policy = std::fs::read_to_string(root.join("release-policy.toml")).unwrap();
    assert!(policy.contains("main_branch = \"master\""), "{policy}");
    // The project's workflow is untouched; ours is beside it, and the report says so.
    assert_eq!(
        std::fs::read_to_string(root.join(".github/workflows/release.yml")).unwrap(),
        own
    );
    let ours = std::fs::read_to_string(root.join(".github/workflows/release-release.yml")).unwrap();
    assert!(ours.contains("release ci"), "{ours}");
    assert!(
        text.contains("created: .github/workflows/release-release.yml"),
        "{text}"
    );
    assert!(
        text.contains("beside the project's own .github/workflows/release.yml"),
        "{text}"
    );
    // Files get the umask's permissions (the test runs under the process umask, 022 here).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &str| {
            std::fs::metadata(root.join(p))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        let umask_mode = {
            // What a plain create gives under the current umask.
            let probe = root.join(".probe");
            std::fs::write(&probe, "").unwrap();
            let m = mode(".probe");
            std::fs::remove_file(&probe).unwrap();
            m
        };
        assert_eq!(
            umask_mode & 0o044,
            0o044,
            "the test expects a umask like 022"
        );
        for f in [
            "release-policy.toml",
            "CHANGELOG.md",
            ".github/workflows/release-release.yml",
        ] {
            assert_eq!(mode(f), umask_mode, "{f}");
        }
    }
    // --force never replaces the project's own workflow.
    let out = release_at(&root, None, &["init", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    assert_eq!(
        std::fs::read_to_string(root.join(".github/workflows/release.yml")).unwrap(),
        own
    );

    // Without origin/HEAD: the current branch.
    let plain = tempfile::tempdir().unwrap();
    git(plain.path(), &["init", "-q", "-b", "trunk"]);
    let out = release_at(plain.path(), None, &["init", "--repository", "o/r"]);
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    let policy = std::fs::read_to_string(plain.path().join("release-policy.toml")).unwrap();
    assert!(policy.contains("main_branch = \"trunk\""), "{policy}");
}
