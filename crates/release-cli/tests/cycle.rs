//! A whole release cycle, end to end, with only `release` commands doing the release work:
//! real git and gpg, Debian's `docker-registry`, and the local GitHub API. The test itself only
//! plays the parts a CI workflow plays (building and pushing an image, creating the GitHub
//! Release).
//!
//! init -> entries -> prepare 0.1.0 -> signed rc.1 -> ci (candidate) -> image -> stable tag ->
//! promote -> ci (stable) -> verify -> 0.2.0 -> hotfix 0.1.1 on the old line -> rollback 0.2.0
//! -> verify.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use release_testkit::git as git_support;
use release_testkit::git::text;
#[allow(unused_imports)]
use release_testkit::registry as registry_support;

use std::process::{Command, Output};

use git_support::TestRepo;
use registry_support::{
    push_index, push_manifest_copy, registry_digest, Auth, FakeGitHub, RegistryServer,
};
use serde_json::Value;

const TOKEN: &str = "ghs_cycle_token";

struct Cycle {
    repo: TestRepo,
    reg: RegistryServer,
    gh: FakeGitHub,
    _store: tempfile::TempDir,
}

impl Cycle {
    fn image(&self) -> String {
        format!("{}/app", self.reg.addr)
    }

    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_release"));
        cmd.args(args).current_dir(self.repo.path());
        self.repo.env(&mut cmd);
        cmd.env("GITHUB_TOKEN", TOKEN)
            .env_remove("GITHUB_OUTPUT")
            .env_remove("DOCKER_CONFIG");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }

    #[track_caller]
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args, &[]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "release {args:?}\n{}",
            text(&out)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    #[track_caller]
    fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend(args);
        serde_json::from_str(&self.ok(&all)).unwrap()
    }

    /// `release ci` as the workflow runs it, returning its JSON report.
    #[track_caller]
    fn ci(&self, tag: &str) -> Value {
        let sha = self
            .repo
            .git(&["rev-parse", &format!("refs/tags/{tag}^{{commit}}")]);
        let notes = self.repo.path().join(".git/notes.md");
        let out = self.run(
            &["--json", "ci", "--notes-file", notes.to_str().unwrap()],
            &[
                ("GITHUB_REF", &format!("refs/tags/{tag}")),
                ("GITHUB_SHA", &sha),
                ("GITHUB_EVENT_NAME", "push"),
            ],
        );
        assert_eq!(out.status.code(), Some(0), "ci {tag}\n{}", text(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// What the workflow's build step does: push an image under every tag of the plan.
    fn publish(&self, plan: &Value, seed: &str) -> String {
        let tags: Vec<String> = plan["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect();
        let digest = push_index(&self.reg.addr, "app", &tags[0], seed, true);
        let rest: Vec<&str> = tags[1..].iter().map(String::as_str).collect();
        push_manifest_copy(&self.reg.addr, "app", &tags[0], &rest);
        digest
    }

    fn digest(&self, tag: &str) -> Option<String> {
        registry_digest(&self.reg.addr, "app", tag)
    }
}

fn tags(plan: &Value) -> Vec<&str> {
    plan["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect()
}

fn skipped(plan: &Value) -> Vec<&str> {
    plan["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["tag"].as_str().unwrap())
        .collect()
}

#[test]
fn a_whole_release_cycle() {
    let store = tempfile::tempdir().unwrap();
    let reg = RegistryServer::start(store.path(), &Auth::None);
    let gh = FakeGitHub::start("acme/app", TOKEN, 30);
    let c = Cycle {
        repo: TestRepo::new(),
        reg,
        gh,
        _store: store,
    };
    let image = c.image();

    // init: policy, changelog, guide, workflows; pointed at the local registry and GitHub API.
    std::fs::remove_file(c.repo.path().join("release-policy.toml")).unwrap();
    c.ok(&["init", "--repository", "acme/app", "--image", &image]);
    let policy = std::fs::read_to_string(c.repo.path().join("release-policy.toml")).unwrap();
    let policy = policy.replace("https://api.github.com", &c.gh.api_base())
        + "x86_64-unknown-linux-gnu = \"app-x86_64-linux\"\naarch64-unknown-linux-gnu = \"app-aarch64-linux\"\n";
    c.repo.write("release-policy.toml", &policy);
    c.ok(&["policy", "check"]);
    c.repo.commit("chore: release setup");

    // Entries, then the candidate procedure's first step: prepare (the candidate and the
    // stable tag then share one commit).
    c.ok(&["changelog", "add", "--category", "Added", "Mail import."]);
    c.ok(&[
        "changelog",
        "add",
        "--category",
        "Fixed",
        "A crash on start.",
    ]);
    c.repo.commit("feat: mail import");
    let status = c.json(&["status"]);
    assert_eq!(status["changelog"]["suggested"], "0.1.0");
    assert_eq!(
        status["next"]["command"],
        "release prepare 0.1.0 --none --commit"
    );

    // prepare 0.1.0, then the signed rc.1 on that commit.
    let prepared = c.json(&[
        "prepare",
        "0.1.0",
        "--none",
        "--date",
        "2026-07-01",
        "--commit",
    ]);
    assert_eq!(prepared["commit"].as_str().map(str::len), Some(7));
    c.ok(&["rc", "tag", "0.1.0", "--execute"]);
    c.ok(&["verify-tag", "v0.1.0-rc.1"]);

    // ci for the candidate: T4 tags, notes from the prepared section.
    let rc = c.ci("v0.1.0-rc.1");
    assert_eq!(rc["should_release"], true);
    let sha = c.repo.head();
    assert_eq!(
        tags(&rc["plan"]),
        ["0.1.0-rc.1", &format!("sha-{}", &sha[..7])]
    );
    assert_eq!(rc["plan"]["is_prerelease"], true);
    assert!(std::fs::read_to_string(c.repo.path().join(".git/notes.md"))
        .unwrap()
        .contains("Mail import."));
    let rc_digest = c.publish(&rc["plan"], "rc1");

    // The candidate passed staging: the stable tag on the same commit, then promote ships the
    // tested image (same digest, no rebuild).
    c.ok(&["tag", "0.1.0", "--execute"]);
    let promoted = c.json(&["promote", "v0.1.0-rc.1", "--execute", "--image", &image]);
    assert_eq!(promoted["digest"], rc_digest.as_str());
    for tag in ["0.1.0", "0.1", "0", "latest"] {
        assert_eq!(
            c.digest(tag).as_deref(),
            Some(rc_digest.as_str()),
            "{tag} after promote"
        );
    }
    let stable = c.ci("v0.1.0");
    assert_eq!(
        tags(&stable["plan"]),
        ["0.1.0", "0.1", "0", "latest", &format!("sha-{}", &sha[..7])]
    );
    assert_eq!(stable["github_release"], "absent");
    let notes = std::fs::read_to_string(c.repo.path().join(".git/notes.md")).unwrap();
    c.gh.add_release("v0.1.0", &notes, &["app-x86_64-linux", "app-aarch64-linux"]);
    let verified = c.json(&["verify", "0.1.0", "--image", &image]);
    assert_eq!(verified["ok"], true, "{verified}");

    // A second line, 0.2.0, straight to stable.
    c.ok(&[
        "changelog",
        "add",
        "--category",
        "Changed",
        "New storage layout.",
    ]);
    c.repo.commit("feat: storage");
    c.ok(&[
        "prepare",
        "0.2.0",
        "--breaking",
        "Storage layout changed.",
        "--migration",
        "Run the migration.",
        "--date",
        "2026-07-10",
        "--commit",
    ]);
    c.ok(&["tag", "0.2.0", "--execute"]);
    let second = c.ci("v0.2.0");
    assert!(tags(&second["plan"]).contains(&"latest"));
    let d020 = c.publish(&second["plan"], "020");
    c.gh.add_release(
        "v0.2.0",
        "notes of 0.2.0",
        &["app-x86_64-linux", "app-aarch64-linux"],
    );

    // Hotfix 0.1.1 on the old line: its plan must not move `latest` or `0` (T6).
    let started = c.ok(&["hotfix", "start", "--from", "v0.1.0", "--execute"]);
    assert!(started.contains("hotfix/v0.1.1"), "{started}");
    c.repo.git(&["switch", "-q", "hotfix/v0.1.1"]);
    c.ok(&[
        "changelog",
        "add",
        "--category",
        "Security",
        "Escape file names.",
    ]);
    c.repo.commit("fix: escape file names");
    c.ok(&[
        "prepare",
        "0.1.1",
        "--none",
        "--date",
        "2026-07-12",
        "--commit",
    ]);
    c.ok(&["tag", "0.1.1", "--execute"]);
    let hotfix = c.ci("v0.1.1");
    assert_eq!(tags(&hotfix["plan"])[..2], ["0.1.1", "0.1"]);
    assert_eq!(skipped(&hotfix["plan"]), ["0", "latest"]);
    let d011 = c.publish(&hotfix["plan"], "011");
    c.gh.add_release(
        "v0.1.1",
        "notes of 0.1.1",
        &["app-x86_64-linux", "app-aarch64-linux"],
    );
    assert_eq!(
        c.digest("latest").as_deref(),
        Some(d020.as_str()),
        "the hotfix left latest alone"
    );
    assert_eq!(c.digest("0").as_deref(), Some(d020.as_str()));
    assert_eq!(
        c.run(&["hotfix", "status", "v0.1.1"], &[]).status.code(),
        Some(1),
        "not merged back yet"
    );
    c.repo.git(&["switch", "-q", "main"]);

    // 0.2.0 is defective: roll back. `latest` and `0` go to 0.1.1; `0.2` has no good release.
    let rollback = c.json(&[
        "rollback",
        "0.2.0",
        "--reason",
        "corrupts uploads",
        "--execute",
        "--image",
        &image,
    ]);
    assert_eq!(
        c.digest("latest").as_deref(),
        Some(d011.as_str()),
        "{rollback}"
    );
    assert_eq!(c.digest("0").as_deref(), Some(d011.as_str()));
    assert_eq!(
        c.digest("0.2").as_deref(),
        Some(d020.as_str()),
        "reported, not touched"
    );
    assert_eq!(
        c.digest("0.2.0").as_deref(),
        Some(d020.as_str()),
        "nothing is deleted"
    );
    let banner = c.gh.body_of("v0.2.0");
    assert!(
        banner.starts_with("## ⚠️ Deprecated")
            && banner.contains("corrupts uploads")
            && banner.contains("0.1.1"),
        "{banner}"
    );
    let log = std::fs::read_to_string(c.repo.path().join("CHANGELOG.md")).unwrap();
    assert!(log.contains("## [0.2.0] - 2026-07-10 [YANKED]"), "{log}");
    // A second run changes nothing.
    c.json(&[
        "rollback",
        "0.2.0",
        "--reason",
        "corrupts uploads",
        "--execute",
        "--image",
        &image,
    ]);
    assert_eq!(c.gh.body_of("v0.2.0").matches("Deprecated").count(), 1);

    // verify shows the new state: 0.1.1 carries `latest` and `0` now.
    let after = c.json(&["verify", "0.1.1", "--image", &image, "--yanked", "0.2.0"]);
    assert_eq!(after["ok"], true, "{after}");
    for alias in ["tag latest", "tag 0", "tag 0.1"] {
        let check = after["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["item"] == alias)
            .unwrap();
        assert_eq!(check["status"], "ok", "{alias}: {check}");
        assert_eq!(check["detail"], d011.as_str(), "{alias}");
    }
}
