//! `release checklist` and `release preflight` end to end: real git repositories in temporary
//! directories, real gpg keys for the tags that must verify, a real `docker-registry` and the
//! local fake GitHub API for the published artifacts.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use release_testkit::git as git_support;
use release_testkit::git::text;
#[allow(unused_imports)]
use release_testkit::registry as registry_support;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use git_support::TestRepo;
use registry_support::{seed_releases, Auth, FakeGitHub, RegistryServer};
use serde_json::Value;

const ASSETS: [&str; 2] = [
    "rustshare-backend-x86_64-linux",
    "rustshare-backend-aarch64-linux",
];

const INTRO: &str = "# Changelog\n\nAll notable changes to this project are documented in this file.\n\nThe format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/),\nand this project adheres to [Semantic Versioning](https://semver.org/spec/v2.0.0.html).\n\n";

/// A changelog with 0.4.0 prepared (C2, C3).
fn prepared_changelog() -> String {
    format!(
        "{INTRO}## [Unreleased]\n\n## [0.4.0] - 2026-11-20\n\n### Added\n\n- Uploads resume after a dropped connection.\n\n## [0.3.0] - 2026-10-01\n\n### Added\n\n- The first public release.\n\n[Unreleased]: https://github.com/acme/app/compare/v0.4.0...HEAD\n[0.4.0]: https://github.com/acme/app/compare/v0.3.0...v0.4.0\n[0.3.0]: https://github.com/acme/app/releases/tag/v0.3.0\n"
    )
}

/// The same changelog before `prepare`: the entry is still in Unreleased.
fn unprepared_changelog() -> String {
    format!(
        "{INTRO}## [Unreleased]\n\n### Added\n\n- Uploads resume after a dropped connection.\n\n## [0.3.0] - 2026-10-01\n\n### Added\n\n- The first public release.\n\n[Unreleased]: https://github.com/acme/app/compare/v0.3.0...HEAD\n[0.3.0]: https://github.com/acme/app/releases/tag/v0.3.0\n"
    )
}

const UPGRADING: &str = "# Upgrading\n\n## 0.4.0\n\nNo breaking changes. No environment variable changes.\n\n## 0.3.0\n\nThe first release.\n";
const UPGRADING_WITHOUT_040: &str = "# Upgrading\n\n## 0.3.0\n\nThe first release.\n";

const RUSTSHARE_POLICY: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/rustshare/release-policy.toml"
);

fn release_in(dir: &Path, repo: Option<&TestRepo>, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_release"));
    cmd.args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .env_remove("GITHUB_TOKEN")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("DOCKER_CONFIG");
    if let Some(repo) = repo {
        repo.env(&mut cmd);
    } else {
        cmd.env("HOME", dir);
    }
    // The repositories here have no `origin`: the built-in policy derives the project's
    // identity (image ghcr.io/acme/app) from the variable Actions sets.
    cmd.env("GITHUB_REPOSITORY", "acme/app");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn release(repo: &TestRepo, args: &[&str]) -> Output {
    release_in(repo.path(), Some(repo), args, &[])
}

#[track_caller]
fn exit(o: &Output, want: i32) -> String {
    assert_eq!(o.status.code(), Some(want), "{}", text(o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[track_caller]
fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(o)))
}

/// The result of step `id` in a checklist's JSON: (state, detail); `("none", "")` when the
/// step has no result.
#[track_caller]
fn step(j: &Value, id: &str) -> (String, String) {
    let s = j["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no step {id} in {j}"));
    match &s["result"] {
        Value::Null => ("none".into(), String::new()),
        r => (
            r["state"].as_str().unwrap().to_string(),
            r["detail"].as_str().unwrap().to_string(),
        ),
    }
}

/// A repository ready for `0.4.0`: a signed `v0.4.0-rc.1`, then the prepared changelog and
/// the upgrading notes committed; clean, on `main`.
fn ready_repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.write("CHANGELOG.md", &unprepared_changelog());
    repo.write("docs/upgrading.md", UPGRADING_WITHOUT_040);
    repo.commit("docs: changelog");
    exit(&release(&repo, &["rc", "tag", "0.4.0", "--execute"]), 0);
    repo.write("CHANGELOG.md", &prepared_changelog());
    repo.write("docs/upgrading.md", UPGRADING);
    repo.commit("docs: prepare release v0.4.0");
    repo
}

// ---- checklist without --check: snapshots ---------------------------------------------------

#[test]
fn checklist_snapshots_of_every_procedure() {
    let dir = tempfile::Builder::new()
        .prefix("rck-")
        .tempdir_in("/tmp")
        .unwrap();
    let cases: [(&str, &[&str]); 4] = [
        ("stable", &["checklist", "stable", "0.4.0"]),
        ("rc", &["checklist", "rc", "v0.4.0-rc.2"]),
        ("hotfix", &["checklist", "hotfix", "0.4.1"]),
        (
            "rollback",
            &["checklist", "rollback", "0.4.0", "--replacement", "0.3.2"],
        ),
    ];
    for (name, args) in cases {
        // RustShare's procedure: its image, test commands, smoke test, restore drill, binaries.
        let args = &[&["--policy", RUSTSHARE_POLICY][..], args].concat();
        let md = exit(&release_in(dir.path(), None, args, &[]), 0);
        assert!(!md.contains("- [x]"), "nothing is ticked without --check");
        insta::assert_snapshot!(format!("checklist_{name}_md"), md);
        let mut json_args = args.to_vec();
        json_args.extend(["--format", "json"]);
        let out = exit(&release_in(dir.path(), None, &json_args, &[]), 0);
        let j: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(j["checked"], false);
        assert!(j["steps"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["result"].is_null()));
        insta::assert_snapshot!(format!("checklist_{name}_json"), out);
        // `--json` is the same as `--format json`.
        let mut global = vec!["--json"];
        global.extend(args.iter());
        assert_eq!(exit(&release_in(dir.path(), None, &global, &[]), 0), out);
    }
}

#[test]
fn rc_checklist_of_a_stable_version_is_for_its_next_candidate() {
    let repo = TestRepo::with_changelog(&["0.4.0"]);
    exit(
        &release(
            &repo,
            &["rc", "tag", "0.4.0", "--execute", "--released", ""],
        ),
        0,
    );
    let md = exit(&release(&repo, &["checklist", "rc", "0.4.0"]), 0);
    assert!(
        md.starts_with("## Release candidate v0.4.0-rc.2 (P1)"),
        "{md}"
    );
    assert!(md.contains("release tag 0.4.0-rc.2 --execute"), "{md}");
    // Once 0.4.0 is stable there is no next candidate (V7); outside a repository the history
    // is unknown (exit 3, naming the way out).
    let out = release(&repo, &["checklist", "rc", "0.4.0", "--released", "v0.4.0"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("(V7)"), "{}", text(&out));
    let dir = tempfile::tempdir().unwrap();
    let out = release_in(dir.path(), None, &["checklist", "rc", "0.4.0"], &[]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(text(&out).contains("0.4.0-rc.N"), "{}", text(&out));
}

#[test]
fn checklist_bad_input_exits_2_naming_the_rule() {
    let dir = tempfile::tempdir().unwrap();
    for (args, needle) in [
        (
            vec!["checklist", "stable", "0.4.0-rc.1"],
            "is a release candidate",
        ),
        (vec!["checklist", "hotfix", "0.5.0"], "(V8)"),
        (vec!["checklist", "stable", "0.4"], "0.4"),
        (
            vec!["checklist", "stable", "0.4.0", "--replacement", "0.3.2"],
            "rollback checklist only",
        ),
    ] {
        let out = release_in(dir.path(), None, &args, &[]);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        assert!(text(&out).contains(needle), "{needle:?} in {}", text(&out));
    }
}

// ---- checklist --check: local checks ----------------------------------------------------------

#[test]
fn stable_check_changelog_prepared_but_tree_dirty_then_tagged() {
    let repo = ready_repo();
    repo.write("README.md", "changed after the prepare commit\n");
    let args = [
        "checklist",
        "stable",
        "0.4.0",
        "--check",
        "--offline",
        "--format",
        "json",
    ];
    let j = json(&release(&repo, &args));
    assert_eq!(j["checked"], true);
    assert_eq!(j["all_checks_pass"], false);
    assert_eq!(step(&j, "rc").0, "pass");
    assert!(step(&j, "rc").1.contains("v0.4.0-rc.1 exists"));
    let (state, detail) = step(&j, "changelog");
    assert_eq!(state, "pass", "{detail}");
    assert!(detail.contains("## [0.4.0] - 2026-11-20"), "{detail}");
    assert_eq!(step(&j, "upgrading").0, "pass");
    let (state, detail) = step(&j, "commit");
    assert_eq!(state, "fail");
    assert!(detail.contains("dirty (README.md)"), "{detail}");
    assert_eq!(
        step(&j, "tag"),
        ("fail".into(), "v0.4.0 does not exist yet".into())
    );
    // Remote checks never pass offline.
    for id in ["images", "attestations", "assets"] {
        assert_eq!(
            step(&j, id),
            ("unknown".into(), "not checked: --offline".into())
        );
    }
    // Steps without an automated check have no result.
    assert_eq!(step(&j, "push").0, "none");
    // No test commands (no project files): the tests step does not apply.
    assert_eq!(step(&j, "tests").0, "not-applicable");

    // The Markdown ticks the same boxes.
    let md = exit(
        &release(
            &repo,
            &["checklist", "stable", "0.4.0", "--check", "--offline"],
        ),
        0,
    );
    assert!(md.contains("- [x] **rc**"), "{md}");
    assert!(md.contains("- [x] **changelog**"), "{md}");
    assert!(md.contains("- [x] **upgrading**"), "{md}");
    assert!(md.contains("- [ ] **commit**"), "{md}");
    assert!(
        md.contains("❌ the working tree is dirty (README.md)"),
        "{md}"
    );
    assert!(
        md.contains("- [ ] **images**") && md.contains("❔ not checked: --offline"),
        "{md}"
    );

    // Commit and tag: the commit and tag boxes are ticked, the tag verified against the
    // policy's trusted keys.
    repo.commit("readme");
    exit(&release(&repo, &["tag", "0.4.0", "--execute"]), 0);
    let j = json(&release(&repo, &args));
    assert_eq!(step(&j, "commit").0, "pass");
    let (state, detail) = step(&j, "tag");
    assert_eq!(state, "pass", "{detail}");
    assert!(
        detail.contains(&format!(
            "openpgp signature by {}",
            git_support::keys().alice
        )),
        "{detail}"
    );
}

#[test]
fn stable_check_fails_a_tag_signed_by_an_untrusted_key() {
    let repo = ready_repo();
    // Mallory's key is in the gpg home but not in the trusted file.
    repo.git(&["config", "user.signingkey", &git_support::keys().mallory]);
    repo.git(&["tag", "-s", "-m", "v0.4.0", "v0.4.0"]);
    let j = json(&release(
        &repo,
        &[
            "--json",
            "checklist",
            "stable",
            "0.4.0",
            "--check",
            "--offline",
        ],
    ));
    let (state, detail) = step(&j, "tag");
    assert_eq!(state, "fail");
    assert!(detail.starts_with("v0.4.0 refused (signature)"), "{detail}");
}

#[test]
fn hotfix_check_branch_and_merged_back() {
    let repo = TestRepo::with_changelog(&["0.4.1", "0.4.0"]);
    exit(
        &release(&repo, &["tag", "0.4.0", "--execute", "--released", ""]),
        0,
    );
    repo.commit("work on main after 0.4.0");
    exit(&release(&repo, &["hotfix", "start", "--execute"]), 0);
    repo.git(&["switch", "-q", "hotfix/v0.4.1"]);
    repo.write("fix.txt", "the minimal fix\n");
    repo.commit("fix: the minimal fix");
    exit(&release(&repo, &["tag", "0.4.1", "--execute"]), 0);
    let args = [
        "--json",
        "checklist",
        "hotfix",
        "0.4.1",
        "--check",
        "--offline",
    ];
    let j = json(&release(&repo, &args));
    assert_eq!(
        step(&j, "branch"),
        ("pass".into(), "on `hotfix/v0.4.1`".into())
    );
    assert_eq!(step(&j, "tag").0, "pass");
    let (state, detail) = step(&j, "merge-back");
    assert_eq!(state, "fail");
    assert!(
        detail.contains("v0.4.1") && detail.contains("is not merged into refs/heads/main"),
        "{detail}"
    );
    // Merge back: the box is ticked; being on main now fails the branch step.
    repo.git(&["switch", "-q", "main"]);
    repo.git(&[
        "merge",
        "-q",
        "--no-ff",
        "hotfix/v0.4.1",
        "-m",
        "merge hotfix",
    ]);
    let j = json(&release(&repo, &args));
    assert_eq!(
        step(&j, "merge-back"),
        (
            "pass".into(),
            "v0.4.1 is merged into refs/heads/main".into()
        )
    );
    assert_eq!(
        step(&j, "branch"),
        ("fail".into(), "on `main`, not on `hotfix/v0.4.1`".into())
    );
    let md = exit(
        &release(
            &repo,
            &["checklist", "hotfix", "0.4.1", "--check", "--offline"],
        ),
        0,
    );
    assert!(md.contains("- [x] **merge-back**"), "{md}");
    assert!(md.contains("- [ ] **branch**"), "{md}");
}

#[test]
fn rc_check_unreleased_entries_outside_a_repository_are_unknown() {
    // Not a repository: the git checks cannot run (unknown), the changelog check still does.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("CHANGELOG.md"), unprepared_changelog()).unwrap();
    let j = json(&release_in(
        dir.path(),
        None,
        &[
            "--json",
            "checklist",
            "rc",
            "0.4.0-rc.1",
            "--check",
            "--offline",
        ],
        &[],
    ));
    assert_eq!(
        step(&j, "unreleased"),
        (
            "pass".into(),
            "CHANGELOG.md: 1 entry in `[Unreleased]`".into()
        )
    );
    assert_eq!(step(&j, "tree").0, "unknown");
    assert_eq!(step(&j, "tag").0, "unknown");
}

// ---- checklist --check: the registry and GitHub ------------------------------------------------

struct Published {
    dir: tempfile::TempDir,
    reg: RegistryServer,
    digests: std::collections::BTreeMap<String, String>,
    gh: FakeGitHub,
}

fn published() -> Published {
    let dir = tempfile::tempdir().unwrap();
    let reg = RegistryServer::start(dir.path(), &Auth::None);
    let digests = seed_releases(&reg.addr).digests;
    let gh = FakeGitHub::start("acme/app", "ghs_test_token", 30);
    // RustShare's policy (its binary assets) is the project's policy here.
    std::fs::copy(RUSTSHARE_POLICY, dir.path().join("release-policy.toml")).unwrap();
    Published {
        dir,
        reg,
        digests,
        gh,
    }
}

impl Published {
    fn checklist(&self, procedure: &str, version: &str, extra: &[&str]) -> Value {
        let image = format!("{}/app", self.reg.addr);
        let api = self.gh.api_base();
        let mut args = vec![
            "--json",
            "checklist",
            procedure,
            version,
            "--check",
            "--image",
            &image,
            "--github-repo",
            "acme/app",
            "--github-api",
            &api,
        ];
        args.extend(extra);
        json(&release_in(
            self.dir.path(),
            None,
            &args,
            &[("GITHUB_TOKEN", "ghs_test_token")],
        ))
    }
}

#[test]
fn registry_tags_on_one_digest_attestations_and_assets_after_seeding() {
    let p = published();
    p.gh.add_release("v0.4.0", "notes", &ASSETS);
    let j = p.checklist("stable", "0.4.0", &[]);
    let (state, detail) = step(&j, "images");
    assert_eq!(state, "pass", "{detail}");
    assert_eq!(
        detail,
        format!("0.4.0, 0.4, 0, latest on {}", p.digests["0.4.0"])
    );
    let (state, detail) = step(&j, "attestations");
    assert_eq!(state, "pass", "{detail}");
    assert!(
        detail.contains("SBOM") && detail.contains("provenance"),
        "{detail}"
    );
    assert_eq!(
        step(&j, "assets"),
        (
            "pass".into(),
            "the GitHub Release v0.4.0 has every binary".into()
        )
    );
    // The rendered checklist names the image given with --image.
    let steps = j["steps"].as_array().unwrap();
    let images = steps.iter().find(|s| s["id"] == "images").unwrap();
    assert_eq!(images["check"]["image"], format!("{}/app", p.reg.addr));

    // 0.3.2: its aliases stay where T6 put them; it has no attestations; its release lacks
    // the aarch64 binary.
    p.gh.add_release("v0.3.2", "notes", &ASSETS[..1]);
    let j = p.checklist("hotfix", "0.3.2", &[]);
    let (state, detail) = step(&j, "images");
    assert_eq!(state, "pass", "{detail}");
    assert!(
        detail.starts_with(&format!("0.3.2, 0.3 on {}", p.digests["0.3.2"])),
        "{detail}"
    );
    assert!(
        detail.contains("tag latest: `latest` stays on 0.4.0"),
        "{detail}"
    );
    let (state, detail) = step(&j, "attestations");
    assert_eq!(state, "fail");
    assert!(detail.contains("SBOM missing"), "{detail}");
    let (state, detail) = step(&j, "assets");
    assert_eq!(state, "fail");
    assert_eq!(
        detail,
        "asset rustshare-backend-aarch64-linux missing: no aarch64-unknown-linux-gnu binary on the release"
    );

    // An alias on another digest fails A1, naming the tag.
    registry_support::push_manifest_copy(&p.reg.addr, "app", "0.3.2", &["0.4"]);
    let j = p.checklist("stable", "0.4.0", &["--offline"]);
    assert_eq!(
        step(&j, "images"),
        ("unknown".into(), "not checked: --offline".into())
    );
    let j = p.checklist("stable", "0.4.0", &[]);
    let (state, detail) = step(&j, "images");
    assert_eq!(state, "fail");
    assert_eq!(
        detail,
        format!(
            "tag 0.4 wrong: points at {}, not at 0.4.0's digest",
            p.digests["0.3.2"]
        )
    );

    // A version the registry does not have fails; --no-github leaves A3 unknown.
    let j = p.checklist("stable", "0.5.0", &["--no-github"]);
    let (state, detail) = step(&j, "images");
    assert_eq!(state, "fail");
    assert!(detail.contains("tag 0.5.0 missing"), "{detail}");
    assert_eq!(
        step(&j, "assets"),
        ("unknown".into(), "not checked: --no-github".into())
    );
}

#[test]
fn registry_checks_are_unknown_when_the_registry_cannot_be_reached() {
    let p = published();
    // A loopback port nobody listens on.
    let port = registry_support::free_port();
    let image = format!("127.0.0.1:{port}/app");
    let out = release_in(
        p.dir.path(),
        None,
        &[
            "--json",
            "checklist",
            "stable",
            "0.4.0",
            "--check",
            "--image",
            &image,
            "--no-github",
            "--attempts",
            "1",
            "--timeout",
            "5",
        ],
        &[],
    );
    let j = json(&out);
    for id in ["images", "attestations"] {
        let (state, detail) = step(&j, id);
        assert_eq!(state, "unknown", "{id}: {detail}");
        assert!(detail.contains(&format!("127.0.0.1:{port}")), "{detail}");
    }
    assert_eq!(j["all_checks_pass"], false);
}

#[test]
fn registry_checks_are_unknown_without_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let reg = RegistryServer::start(
        dir.path(),
        &Auth::Basic {
            user: "ci".into(),
            password: "hunter2-secret".into(),
        },
    );
    let image = format!("{}/app", reg.addr);
    let out = release_in(
        dir.path(),
        None,
        &[
            "--json",
            "checklist",
            "rc",
            "0.4.0-rc.1",
            "--check",
            "--image",
            &image,
            "--attempts",
            "1",
        ],
        &[],
    );
    let j = json(&out);
    let (state, detail) = step(&j, "ci");
    assert_eq!(state, "unknown", "{detail}");
    assert!(!detail.contains("hunter2"), "{detail}");
    assert!(detail.contains("authentication failed"), "{detail}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("- [x] **ci**"));
}

#[test]
fn rollback_check_banner_before_and_after_the_rollback() {
    let p = published();
    p.gh.add_release("v0.4.0", "## Added\n\n- the new thing\n", &ASSETS);
    std::fs::write(p.dir.path().join("CHANGELOG.md"), prepared_changelog()).unwrap();
    let j = p.checklist("rollback", "0.4.0", &["--replacement", "0.3.2"]);
    let (state, detail) = step(&j, "banner");
    assert_eq!(state, "fail");
    assert!(
        detail.contains("no deprecation banner yet (R2)"),
        "{detail}"
    );
    let (state, detail) = step(&j, "changelog");
    assert_eq!(state, "fail");
    assert!(detail.contains("not marked `[YANKED]` yet"), "{detail}");

    let image = format!("{}/app", p.reg.addr);
    let api = p.gh.api_base();
    let out = release_in(
        p.dir.path(),
        None,
        &[
            "rollback",
            "0.4.0",
            "--reason",
            "it corrupts uploads",
            "--image",
            &image,
            "--github-repo",
            "acme/app",
            "--github-api",
            &api,
            "--execute",
        ],
        &[("GITHUB_TOKEN", "ghs_test_token")],
    );
    // The rollback also marks the changelog (R4). The example policy's announcement channels
    // have no secrets here: the deprecation notice (R6) fails on each, naming it, and the
    // rollback says it is incomplete; everything else is done.
    exit(&out, 3);
    let err = String::from_utf8_lossy(&out.stdout);
    assert!(
        err.contains("[failed] announce: channel discord") && err.contains("DISCORD_WEBHOOK_URL"),
        "{err}"
    );
    let j = p.checklist("rollback", "0.4.0", &["--replacement", "0.3.2"]);
    assert_eq!(
        step(&j, "banner"),
        (
            "pass".into(),
            "the GitHub Release v0.4.0 starts with the deprecation banner".into()
        )
    );
    assert_eq!(step(&j, "changelog").0, "pass");
}

// ---- preflight --------------------------------------------------------------------------------

/// Runs `preflight --json`, returns (exit code, report).
fn preflight(repo: &TestRepo, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["--json", "preflight"];
    args.extend(extra);
    let out = release(repo, &args);
    (out.status.code().unwrap(), json(&out))
}

#[track_caller]
fn failing(j: &Value) -> Vec<String> {
    j["failing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[track_caller]
fn item(j: &Value, id: &str) -> String {
    j["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no item {id} in {j}"))["detail"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn preflight_passes_when_everything_is_ready() {
    let repo = ready_repo();
    let (code, j) = preflight(&repo, &["0.4.0"]);
    assert_eq!(code, 0, "{j}");
    assert_eq!(j["ok"], true);
    let ids: Vec<&str> = j["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "version",
            "branch",
            "tree",
            "tag-absent",
            "rc",
            "changelog",
            "upgrading",
            "tests",
            "lint",
            "signing",
            "signing-setup"
        ]
    );
    assert!(item(&j, "signing").contains("openpgp keys in keys/release-signers.asc"));
    let out = exit(&release(&repo, &["preflight", "v0.4.0"]), 0);
    assert!(
        out.contains("all 10 checks pass (1 not applicable): ready to tag v0.4.0"),
        "{out}"
    );
}

#[test]
fn preflight_fails_on_a_dirty_tree() {
    let repo = ready_repo();
    repo.write("notes.txt", "scratch\n");
    let (code, j) = preflight(&repo, &["0.4.0"]);
    assert_eq!(code, 1);
    assert_eq!(failing(&j), ["tree"]);
    assert!(item(&j, "tree").contains("dirty (notes.txt)"));
    // The text lists the failing items.
    let out = text(&release(&repo, &["preflight", "0.4.0"]));
    assert!(
        out.contains(
            "not ready to tag v0.4.0; failing:\n  - tree: the working tree is dirty (notes.txt)"
        ),
        "{out}"
    );
}

#[test]
fn preflight_fails_on_the_wrong_branch() {
    let repo = ready_repo();
    repo.git(&["switch", "-q", "-c", "feature"]);
    let (code, j) = preflight(&repo, &["0.4.0"]);
    assert_eq!(code, 1);
    assert_eq!(failing(&j), ["branch"]);
    assert_eq!(item(&j, "branch"), "on `feature`, not on `main`");
    // A hotfix must be on its hotfix branch.
    let (code, j) = preflight(&repo, &["0.4.1", "--hotfix"]);
    assert_eq!(code, 1);
    assert!(failing(&j).contains(&"branch".to_string()));
    assert_eq!(item(&j, "branch"), "on `feature`, not on `hotfix/v0.4.1`");
}

#[test]
fn preflight_fails_when_the_tag_exists() {
    let repo = ready_repo();
    exit(&release(&repo, &["tag", "0.4.0", "--execute"]), 0);
    let (code, j) = preflight(&repo, &["0.4.0"]);
    assert_eq!(code, 1);
    assert_eq!(failing(&j), ["version", "tag-absent"]);
    assert!(item(&j, "tag-absent").contains("v0.4.0 already exists"));
    assert!(item(&j, "version").contains("(V5)"));
    // A tag ref that leads to no commit exists all the same.
    let repo = ready_repo();
    let tree = repo.git(&["rev-parse", "HEAD^{tree}"]);
    repo.git(&["update-ref", "refs/tags/v0.4.0", &tree]);
    let (code, j) = preflight(&repo, &["0.4.0"]);
    assert_eq!(code, 1);
    assert!(failing(&j).contains(&"tag-absent".to_string()), "{j}");
    assert!(item(&j, "tag-absent").starts_with("v0.4.0 already exists"));
}

#[test]
fn preflight_fails_a_version_refused_by_v6() {
    let repo = ready_repo();
    let (code, j) = preflight(&repo, &["0.4.0", "--released", "v0.4.0-rc.1,v0.5.0"]);
    assert_eq!(code, 1);
    assert_eq!(failing(&j), ["version"]);
    let detail = item(&j, "version");
    assert!(
        detail.starts_with("0.4.0 is not allowed") && detail.ends_with("(V6)"),
        "{detail}"
    );
}

#[test]
fn preflight_fails_on_lint_errors() {
    let repo = ready_repo();
    let broken = prepared_changelog().replace("2026-10-01", "2026-13-45");
    repo.write("CHANGELOG.md", &broken);
    repo.commit("docs: a bad date");
    let (code, j) = preflight(&repo, &["0.4.0"]);
    assert_eq!(code, 1);
    assert_eq!(failing(&j), ["lint"]);
    let detail = item(&j, "lint");
    assert!(detail.starts_with("1 error: CHANGELOG.md:"), "{detail}");
    assert!(detail.contains("2026-13-45"), "{detail}");
}

#[test]
fn preflight_fails_without_trusted_keys() {
    let repo = ready_repo();
    repo.git(&[
        "rm",
        "-q",
        "keys/release-signers.asc",
        ".github/allowed_signers",
    ]);
    repo.commit("remove the keys");
    let (code, j) = preflight(&repo, &["0.4.0"]);
    assert_eq!(code, 1);
    // Without trusted keys this machine's key cannot be trusted either.
    assert_eq!(failing(&j), ["signing", "signing-setup"]);
    assert!(
        item(&j, "signing-setup").contains("trust root does not accept it"),
        "{}",
        item(&j, "signing-setup")
    );
    let detail = item(&j, "signing");
    assert!(
        detail.contains("openpgp: keys/release-signers.asc does not exist on refs/heads/main")
            && detail.contains("ssh: .github/allowed_signers does not exist on refs/heads/main"),
        "{detail}"
    );
}

#[test]
fn preflight_fails_when_the_changelog_is_not_prepared() {
    let repo = ready_repo();
    repo.write("CHANGELOG.md", &unprepared_changelog());
    repo.commit("docs: undo the prepare");
    let (code, j) = preflight(&repo, &["0.4.0"]);
    assert_eq!(code, 1);
    assert_eq!(failing(&j), ["changelog"]);
    assert!(item(&j, "changelog").contains("no `## [0.4.0] - YYYY-MM-DD` section yet"));
}

#[test]
fn preflight_fails_when_the_upgrading_notes_are_missing() {
    let repo = ready_repo();
    repo.write("docs/upgrading.md", UPGRADING_WITHOUT_040);
    repo.commit("docs: drop the notes");
    let (code, j) = preflight(&repo, &["0.4.0"]);
    assert_eq!(code, 1);
    assert_eq!(failing(&j), ["upgrading"]);
    assert_eq!(
        item(&j, "upgrading"),
        "docs/upgrading.md has no notes for 0.4.0: missing a section for 0.4.0 (C5)"
    );
}

#[test]
fn preflight_without_a_candidate_and_bad_input() {
    let repo = TestRepo::new();
    repo.write("CHANGELOG.md", &prepared_changelog());
    repo.write("docs/upgrading.md", UPGRADING);
    repo.commit("docs: prepare release v0.4.0");
    let (code, j) = preflight(&repo, &["0.4.0"]);
    assert_eq!(code, 1);
    assert_eq!(failing(&j), ["rc"]);
    // An RC preflight takes the prepared section (prepare first, so the stable tag can go
    // on the candidate's commit) or Unreleased entries; neither fails.
    let (code, j) = preflight(&repo, &["0.4.0-rc.1"]);
    assert_eq!(code, 0, "{j}");
    assert!(
        item(&j, "unreleased").contains("## [0.4.0] - 2026-11-20"),
        "{j}"
    );
    repo.write(
        "CHANGELOG.md",
        &unprepared_changelog().replace(
            "### Added\n\n- Uploads resume after a dropped connection.\n\n## [0.3.0]",
            "## [0.3.0]",
        ),
    );
    repo.commit("nothing unreleased");
    let (code, j) = preflight(&repo, &["0.4.0-rc.1"]);
    assert_eq!(code, 1);
    assert_eq!(failing(&j), ["unreleased"]);
    assert!(item(&j, "unreleased").contains("has no entries"));
    repo.write("CHANGELOG.md", &prepared_changelog());
    repo.commit("docs: prepare release v0.4.0");
    for args in [
        vec!["preflight", "0.4"],
        vec!["preflight", "0.4.0", "--hotfix"],
        vec!["preflight", "0.4.1-rc.1", "--hotfix"],
    ] {
        let out = release(&repo, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
    }
}

#[test]
fn preflight_passes_for_a_hotfix_on_its_branch() {
    let repo = TestRepo::new();
    repo.write("CHANGELOG.md", &prepared_changelog());
    repo.write("docs/upgrading.md", UPGRADING);
    repo.commit("docs: prepare release v0.4.0");
    exit(
        &release(&repo, &["tag", "0.4.0", "--execute", "--released", ""]),
        0,
    );
    exit(&release(&repo, &["hotfix", "start", "--execute"]), 0);
    repo.git(&["switch", "-q", "hotfix/v0.4.1"]);
    let changelog = prepared_changelog().replace(
        "## [Unreleased]\n\n",
        "## [Unreleased]\n\n## [0.4.1] - 2026-11-25\n\n### Fixed\n\n- Resumed uploads keep their checksum.\n\n",
    )
    .replace(
        "[Unreleased]: https://github.com/acme/app/compare/v0.4.0...HEAD\n",
        "[Unreleased]: https://github.com/acme/app/compare/v0.4.1...HEAD\n[0.4.1]: https://github.com/acme/app/compare/v0.4.0...v0.4.1\n",
    );
    repo.write("CHANGELOG.md", &changelog);
    repo.write(
        "docs/upgrading.md",
        &UPGRADING.replace("## 0.4.0", "## 0.4.1\n\nNo breaking changes.\n\n## 0.4.0"),
    );
    repo.commit("fix: resumed uploads keep their checksum");
    let (code, j) = preflight(&repo, &["0.4.1", "--hotfix"]);
    assert_eq!(code, 0, "{j}");
    assert_eq!(j["procedure"], "hotfix");
    assert_eq!(item(&j, "branch"), "on `hotfix/v0.4.1`");
    // Without --hotfix the same version must be tagged from main.
    let (code, j) = preflight(&repo, &["0.4.1"]);
    assert_eq!(code, 1);
    assert_eq!(failing(&j), ["branch", "rc"]);
}

#[test]
fn rc_check_an_unsigned_candidate_passes_with_the_warning() {
    let repo = TestRepo::new();
    repo.write("CHANGELOG.md", &unprepared_changelog());
    repo.commit("docs: changelog");
    exit(
        &release(
            &repo,
            &[
                "tag",
                "0.4.0-rc.1",
                "--no-sign",
                "--execute",
                "--released",
                "",
            ],
        ),
        0,
    );
    let j = json(&release(
        &repo,
        &[
            "--json",
            "checklist",
            "rc",
            "0.4.0-rc.1",
            "--check",
            "--offline",
        ],
    ));
    assert_eq!(step(&j, "unreleased").0, "pass");
    assert_eq!(step(&j, "tree").0, "pass");
    let (state, detail) = step(&j, "tag");
    assert_eq!(state, "pass", "{detail}");
    assert!(detail.contains("no signature (warning:"), "{detail}");
    assert_eq!(step(&j, "ci").0, "unknown");
    assert_eq!(j["all_checks_pass"], false);
}

#[test]
fn preflight_passes_for_a_library_without_candidate_guide_or_image() {
    let repo = TestRepo::new();
    let policy = std::fs::read_to_string(repo.path().join("release-policy.toml")).unwrap();
    repo.write(
        "release-policy.toml",
        &format!("{policy}[docker]\nimages = []\n[checks]\nrequire_candidate = false\nupgrading_guide = \"none\"\n"),
    );
    // No candidate, no upgrading guide.
    repo.write("CHANGELOG.md", &prepared_changelog());
    repo.commit("docs: prepare release v0.4.0");
    let (code, j) = preflight(&repo, &["0.4.0"]);
    assert_eq!(code, 0, "{j}");
    let state = |id: &str| {
        j["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .map(|i| i["state"].as_str().unwrap().to_string())
    };
    // Switched off is reported as such, not as a pass.
    assert_eq!(state("rc").as_deref(), Some("not-applicable"));
    assert!(item(&j, "rc").contains("require_candidate = false"));
    assert_eq!(state("upgrading"), None, "no upgrading guide: no item");
    let out = text(&release(&repo, &["preflight", "0.4.0"]));
    // The candidate and the tests (no test commands) do not apply.
    assert!(out.contains("(2 not applicable)"), "{out}");
    // The stable checklist: the registry steps do not apply without an image.
    let j = json(&release(
        &repo,
        &[
            "--json",
            "checklist",
            "stable",
            "0.4.0",
            "--check",
            "--offline",
        ],
    ));
    for id in ["images", "attestations"] {
        let (state, detail) = step(&j, id);
        assert_eq!(state, "not-applicable", "{id}: {detail}");
        assert!(detail.contains("docker.images"), "{detail}");
    }
}
