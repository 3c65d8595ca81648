//! `release verify|registry|rollback|promote` end to end: the real binary against a real
//! `docker-registry`, a fake GitHub API, and a real git repository.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(unused_imports)]
use release_testkit::registry as support;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use support::*;

const ASSETS: [&str; 2] = [
    "rustshare-backend-x86_64-linux",
    "rustshare-backend-aarch64-linux",
];

struct Env {
    dir: tempfile::TempDir,
    reg: RegistryServer,
    seeded: Seeded,
    gh: FakeGitHub,
}

fn env() -> Env {
    let dir = tempfile::tempdir().unwrap();
    let reg = RegistryServer::start(dir.path(), &Auth::None);
    let seeded = seed_releases(&reg.addr);
    let gh = FakeGitHub::start("acme/app", "ghs_test_token", 30);
    // RustShare's policy (its image, binary assets and labels) is the project's policy here.
    // Without the example's announcement channels: these tests are about the registry and the
    // GitHub Release; the rollback's deprecation notice is tested in announce.rs.
    let policy = std::fs::read_to_string(RUSTSHARE_POLICY).unwrap();
    let policy = policy.split("\n# Announcements").next().unwrap();
    std::fs::write(dir.path().join("release-policy.toml"), policy).unwrap();
    Env {
        dir,
        reg,
        seeded,
        gh,
    }
}

const RUSTSHARE_POLICY: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/rustshare/release-policy.toml"
);

fn release(env: &Env, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_release"));
    cmd.current_dir(env.dir.path())
        .args(args)
        .env_remove("GITHUB_REPOSITORY")
        .env("GITHUB_TOKEN", "ghs_test_token")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("DOCKER_CONFIG")
        .env("HOME", env.dir.path())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(input) = stdin {
        use std::io::Write;
        // A command that refuses its arguments exits without reading stdin: a broken pipe here
        // is fine, the exit code says what happened.
        let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    }
    child.wait_with_output().unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn image(env: &Env) -> String {
    format!("{}/app", env.reg.addr)
}

fn gh_args(env: &Env) -> Vec<String> {
    vec![
        "--github-repo".into(),
        "acme/app".into(),
        "--github-api".into(),
        env.gh.api_base(),
    ]
}

fn run(env: &Env, args: &[&str]) -> Output {
    release(env, args, None)
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

// ---- rollback (the acceptance case) -------------------------------------------------------

#[test]
fn rollback_of_040_moves_latest_and_0_keeps_04_adds_the_banner_once_and_reruns_clean() {
    let env = env();
    env.gh
        .add_release("v0.4.0", "## Added\n\n- the new thing\n", &ASSETS);
    let changelog = env.dir.path().join("CHANGELOG.md");
    let original = "# Changelog\n\n## [Unreleased]\n\n## [0.4.0] - 2026-07-01\n\n### Added\n\n- the new thing\n\n## [0.3.2] - 2026-06-20\n\n### Fixed\n\n- a fix\n";
    std::fs::write(&changelog, original).unwrap();
    let img = image(&env);
    let mut args: Vec<String> = [
        "--json",
        "rollback",
        "0.4.0",
        "--reason",
        "it corrupts uploads",
        "--image",
        &img,
    ]
    .map(String::from)
    .to_vec();
    args.extend(gh_args(&env));
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();

    // A dry run: the same report shape, nothing changes.
    let dry = run(&env, &argv);
    assert_eq!(code(&dry), 0, "{}", stderr(&dry));
    let j = json(&dry);
    assert_eq!(j["execute"], false);
    let statuses: Vec<&str> = j["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["planned", "planned", "planned", "planned"]);
    assert_eq!(j["steps"][3]["kind"], "changelog");
    assert!(
        j["steps"][3]["diff"]
            .as_str()
            .unwrap()
            .contains("+## [0.4.0] - 2026-07-01 [YANKED]"),
        "{}",
        j["steps"][3]
    );
    assert_eq!(
        std::fs::read_to_string(&changelog).unwrap(),
        original,
        "a dry run writes nothing"
    );
    assert_eq!(
        registry_digest(&env.reg.addr, "app", "latest").unwrap(),
        env.seeded.digests["0.4.0"]
    );
    assert!(!env.gh.body_of("v0.4.0").contains("Deprecated"));

    // The real run.
    let mut exec = argv.clone();
    exec.push("--execute");
    let out = run(&env, &exec);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let j = json(&out);
    // The dry run's JSON has the same shape.
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&j), keys(&json(&dry)));
    assert_eq!(keys(&j["steps"][0]), keys(&json(&dry)["steps"][0]));
    assert_eq!(j["replacement"], "0.3.2");
    let steps = j["steps"].as_array().unwrap();
    let targets: Vec<&str> = steps
        .iter()
        .map(|s| s["target"].as_str().unwrap())
        .collect();
    assert_eq!(targets[..2], [format!("{img}:0"), format!("{img}:latest")]);
    assert!(steps.iter().all(|s| s["status"] == "done"), "{steps:?}");
    assert_eq!(
        steps.len(),
        4,
        "registry 0, registry latest, github, changelog"
    );
    let good = &env.seeded.digests["0.3.2"];
    assert_eq!(
        &registry_digest(&env.reg.addr, "app", "latest").unwrap(),
        good
    );
    assert_eq!(&registry_digest(&env.reg.addr, "app", "0").unwrap(), good);
    assert_eq!(
        registry_digest(&env.reg.addr, "app", "0.4").unwrap(),
        env.seeded.digests["0.4.0"]
    );
    assert_eq!(
        registry_digest(&env.reg.addr, "app", "0.4.0").unwrap(),
        env.seeded.digests["0.4.0"],
        "nothing deleted (R1)"
    );
    let kept = j["kept"].as_array().unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0]["alias"], "0.4");
    let body = env.gh.body_of("v0.4.0");
    assert!(body.starts_with("## ⚠️ Deprecated\n"), "{body}");
    assert!(
        body.contains("it corrupts uploads") && body.contains("Use 0.3.2 instead."),
        "{body}"
    );
    assert!(body.ends_with("## Added\n\n- the new thing\n"), "{body}");
    let marked = std::fs::read_to_string(&changelog).unwrap();
    assert!(
        marked.contains("## [0.4.0] - 2026-07-01 [YANKED]\n"),
        "{marked}"
    );
    assert!(
        marked.contains("it corrupts uploads. Use 0.3.2 instead."),
        "{marked}"
    );
    assert!(
        marked.ends_with("## [0.3.2] - 2026-06-20\n\n### Fixed\n\n- a fix\n"),
        "untouched below"
    );

    // A second run changes nothing: no registry step, the banner is not added twice.
    let puts = || {
        env.reg
            .access_log()
            .iter()
            .filter(|l| l.starts_with("PUT /v2/app/manifests/"))
            .count()
    };
    let puts_before = puts();
    assert!(
        puts_before >= 2,
        "the access log shows the moves: {:?}",
        env.reg.access_log()
    );
    let again = run(&env, &exec);
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    let j = json(&again);
    let steps = j["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 2, "{steps:?}");
    assert_eq!(steps[0]["kind"], "github");
    assert_eq!(steps[0]["status"], "unchanged");
    assert_eq!(steps[1]["kind"], "changelog");
    assert_eq!(steps[1]["status"], "unchanged");
    assert_eq!(env.gh.body_of("v0.4.0"), body);
    assert_eq!(std::fs::read_to_string(&changelog).unwrap(), marked);
    assert_eq!(puts(), puts_before, "no PUT on a re-run");
}

#[test]
fn rollback_to_an_explicit_version_and_bad_input() {
    let env = env();
    let img = image(&env);
    let out = run(
        &env,
        &[
            "--json",
            "rollback",
            "0.4.0",
            "--to",
            "0.3.1",
            "--reason",
            "bad",
            "--image",
            &img,
            "--no-github",
            "--execute",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        registry_digest(&env.reg.addr, "app", "latest").unwrap(),
        env.seeded.digests["0.3.1"]
    );
    // --to newer than the defective version, an RC, no reason, a malformed version: exit 2.
    for args in [
        vec![
            "rollback",
            "0.3.1",
            "--to",
            "0.4.0",
            "--reason",
            "x",
            "--image",
            img.as_str(),
            "--no-github",
        ],
        vec![
            "rollback",
            "0.4.0-rc.1",
            "--reason",
            "x",
            "--image",
            img.as_str(),
            "--no-github",
        ],
        vec![
            "rollback",
            "0.4.0",
            "--reason",
            "  ",
            "--image",
            img.as_str(),
            "--no-github",
        ],
        vec![
            "rollback",
            "0.4",
            "--reason",
            "x",
            "--image",
            img.as_str(),
            "--no-github",
        ],
    ] {
        let out = run(&env, &args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        // Notes (such as "no yanked record") may come first; the error is there.
        assert!(
            stderr(&out).lines().any(|l| l.starts_with("error: ")),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn rollback_partial_failure_reports_what_moved_and_a_rerun_finishes() {
    let env = env();
    let proxy = Proxy::start(&env.reg.addr);
    // Two attempts per request: the first run's PUT of `0` fails both, the re-run's succeeds.
    proxy.add(
        Some("PUT"),
        "/manifests/0",
        2,
        Fault::Respond(status(
            500,
            &[],
            r#"{"errors":[{"code":"UNKNOWN","message":"disk full"}]}"#,
        )),
    );
    let img = format!("{}/app", proxy.addr);
    let args = [
        "--json",
        "rollback",
        "0.4.0",
        "--reason",
        "broken",
        "--image",
        &img,
        "--no-github",
        "--execute",
        "--attempts",
        "2",
    ];
    let out = run(&env, &args);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let j = json(&out);
    let steps = j["steps"].as_array().unwrap();
    assert_eq!(steps[0]["status"], "failed");
    assert!(steps[0]["detail"].as_str().unwrap().contains("disk full"));
    assert_eq!(steps[1]["target"], format!("{img}:latest"));
    assert_eq!(steps[1]["status"], "not attempted");
    assert_eq!(
        registry_digest(&env.reg.addr, "app", "latest").unwrap(),
        env.seeded.digests["0.4.0"],
        "latest untouched"
    );
    // The fault is gone: a re-run does what is left.
    let out = run(&env, &args);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        registry_digest(&env.reg.addr, "app", "0").unwrap(),
        env.seeded.digests["0.3.2"]
    );
    assert_eq!(
        registry_digest(&env.reg.addr, "app", "latest").unwrap(),
        env.seeded.digests["0.3.2"]
    );
}

// ---- verify ---------------------------------------------------------------------------------

#[test]
fn verify_passes_when_everything_was_published() {
    let env = env();
    env.gh.add_release("v0.4.0", "notes", &ASSETS);
    let img = image(&env);
    let mut args = vec!["--json", "verify", "v0.4.0", "--image", &img];
    let gh = gh_args(&env);
    args.extend(gh.iter().map(String::as_str));
    let out = run(&env, &args);
    assert_eq!(
        code(&out),
        0,
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        stderr(&out)
    );
    let j = json(&out);
    assert_eq!(j["ok"], true);
    assert_eq!(j["digest"], env.seeded.digests["0.4.0"].as_str());
    let items: Vec<&str> = j["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["item"].as_str().unwrap())
        .collect();
    for want in [
        "tag 0.4.0",
        "tag 0.4",
        "tag 0",
        "tag latest",
        "SBOM",
        "provenance attestation",
        "GitHub Release v0.4.0",
    ] {
        assert!(items.contains(&want), "{want} in {items:?}");
    }
}

#[test]
fn verify_names_every_missing_piece() {
    let env = env();
    // 0.3.2: single-platform, no attestations; its release lacks the aarch64 binary.
    env.gh.add_release("v0.3.2", "notes", &ASSETS[..1]);
    let img = image(&env);
    let mut args = vec![
        "verify",
        "0.3.2",
        "--image",
        &img,
        "--released",
        "v0.3.1,v0.3.2",
    ];
    let gh = gh_args(&env);
    args.extend(gh.iter().map(String::as_str));
    let out = run(&env, &args);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    // With the history given as 0.3.1, 0.3.2, every alias belongs to 0.3.2: `0` and `latest`
    // are on 0.4.0's digest (wrong), the rest are fine.
    for want in [
        "tag 0 (wrong)",
        "tag latest (wrong)",
        "SBOM (missing)",
        "provenance attestation (missing)",
        "asset rustshare-backend-aarch64-linux (missing)",
    ] {
        assert!(text.contains(want), "{want}:\n{text}");
    }
    assert!(
        !text.contains("tag 0.3 (") && !text.contains("asset rustshare-backend-x86_64-linux ("),
        "{text}"
    );
    // The same in JSON.
    let mut json_args = vec!["--json"];
    json_args.extend(args.iter());
    let j = json(&run(&env, &json_args));
    assert_eq!(j["ok"], false);
    assert_eq!(
        j["missing"].as_array().unwrap().len(),
        5,
        "{}",
        j["missing"]
    );
}

#[test]
fn verify_reports_aliases_t6_left_elsewhere_and_a_missing_release() {
    let env = env();
    let img = image(&env);
    // The image's own tags are the history: 0.3.2 is a backport below 0.4.0.
    let mut args = vec!["--json", "verify", "0.3.2", "--image", &img];
    let gh = gh_args(&env);
    args.extend(gh.iter().map(String::as_str));
    let out = run(&env, &args);
    assert_eq!(code(&out), 1);
    let j = json(&out);
    let checks = j["checks"].as_array().unwrap();
    let status = |item: &str| {
        checks
            .iter()
            .find(|c| c["item"] == item)
            .map(|c| c["status"].as_str().unwrap().to_string())
    };
    assert_eq!(status("tag 0.3").as_deref(), Some("ok"));
    assert_eq!(status("tag latest").as_deref(), Some("elsewhere"));
    assert_eq!(status("tag 0").as_deref(), Some("elsewhere"));
    assert_eq!(status("GitHub Release v0.3.2").as_deref(), Some("missing"));
}

#[test]
fn verify_of_a_version_that_was_never_pushed() {
    let env = env();
    let img = image(&env);
    let out = run(
        &env,
        &["--json", "verify", "0.5.0", "--image", &img, "--no-github"],
    );
    assert_eq!(code(&out), 1);
    let j = json(&out);
    assert!(
        j["missing"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m == "tag 0.5.0 (missing)"),
        "{}",
        j["missing"]
    );
}

// ---- registry subcommands ----------------------------------------------------------------

#[test]
fn registry_tags_digest_and_retag() {
    let env = env();
    let img = image(&env);
    let out = run(&env, &["registry", "tags", &img]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let tags = String::from_utf8_lossy(&out.stdout);
    assert_eq!(tags.lines().count(), 7, "{tags}");
    let out = run(&env, &["registry", "digest", &format!("{img}:0.4.0")]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        env.seeded.digests["0.4.0"]
    );
    let out = run(
        &env,
        &[
            "registry",
            "digest",
            &format!("{img}:0.3.1"),
            &format!("{img}:latest"),
            &format!("{img}:nope"),
        ],
    );
    assert_eq!(code(&out), 1, "a missing tag answers no");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("{img}:0.3.1 {}", env.seeded.digests["0.3.1"])),
        "{text}"
    );
    assert!(
        text.contains(&format!("{img}:latest {}", env.seeded.digests["0.4.0"])),
        "{text}"
    );
    assert!(stderr(&out).contains("nope: not found"), "{}", stderr(&out));

    // Retag: a dry run writes nothing; --execute does; again is a no-op.
    let out = run(&env, &["registry", "retag", &img, "0.3.1", "a1", "a2"]);
    assert_eq!(code(&out), 0);
    assert!(String::from_utf8_lossy(&out.stdout).contains("dry run"));
    assert_eq!(registry_digest(&env.reg.addr, "app", "a1"), None);
    let out = run(
        &env,
        &[
            "--json",
            "registry",
            "retag",
            &img,
            "0.3.1",
            "a1",
            "a2",
            "--execute",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        registry_digest(&env.reg.addr, "app", "a2").unwrap(),
        env.seeded.digests["0.3.1"]
    );
    let j = json(&run(
        &env,
        &[
            "--json",
            "registry",
            "retag",
            &img,
            "0.3.1",
            "a1",
            "a2",
            "--execute",
        ],
    ));
    assert!(
        j["targets"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["action"] == "unchanged"),
        "{j}"
    );
}

#[test]
fn registry_bad_input_exits_2_and_unreachable_exits_3() {
    let env = env();
    let img = image(&env);
    for args in [
        vec!["registry", "tags", "Bad/Name"],
        vec!["registry", "digest", "127.0.0.1:1/app"],
        vec![
            "registry",
            "digest",
            "127.0.0.1:1/app:ok",
            "127.0.0.1:1/app:+x",
        ],
        vec!["registry", "retag", img.as_str(), "0.3.1", "-bad-"],
        vec!["registry", "retag", img.as_str(), "0.3.1", "ok", "has+plus"],
    ] {
        let out = run(&env, &args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
    }
    let out = release(
        &env,
        &[
            "verify",
            "0.4.0",
            "--image",
            &img,
            "--username",
            "u",
            "--password-stdin",
            "--released-file",
            "-",
        ],
        Some("pw\n"),
    );
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("both read stdin"));
    let port = free_port();
    let out = run(
        &env,
        &[
            "registry",
            "tags",
            &format!("127.0.0.1:{port}/app"),
            "--attempts",
            "1",
        ],
    );
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(stderr(&out).contains("network error"), "{}", stderr(&out));
}

#[test]
fn registry_password_stdin_against_htpasswd() {
    let dir = tempfile::tempdir().unwrap();
    {
        let plain = RegistryServer::start(dir.path(), &Auth::None);
        seed_releases(&plain.addr);
    }
    let reg = RegistryServer::start(
        dir.path(),
        &Auth::Basic {
            user: "ci".into(),
            password: "hunter2-secret".into(),
        },
    );
    let env = Env {
        dir,
        seeded: Seeded {
            digests: Default::default(),
        },
        gh: FakeGitHub::start("acme/app", "t", 30),
        reg,
    };
    let img = image(&env);
    let out = release(
        &env,
        &[
            "registry",
            "tags",
            &img,
            "--username",
            "ci",
            "--password-stdin",
        ],
        Some("hunter2-secret\n"),
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = release(
        &env,
        &[
            "registry",
            "tags",
            &img,
            "--username",
            "ci",
            "--password-stdin",
        ],
        Some("wrong-password-7\n"),
    );
    assert_eq!(code(&out), 3);
    assert!(
        stderr(&out).contains("authentication failed"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("wrong-password-7"));
    let out = run(&env, &["registry", "tags", &img]);
    assert_eq!(code(&out), 3);
    assert!(
        stderr(&out).contains("--password-stdin"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn reconcile_moves_latest_back_to_the_newest_release() {
    let env = env();
    // Two releases published at once left `latest` and `0` on the older one.
    push_manifest_copy(&env.reg.addr, "app", "0.3.2", &["latest", "0"]);
    let img = image(&env);
    let out = run(&env, &["--json", "registry", "reconcile", &img]);
    assert_eq!(
        code(&out),
        1,
        "a dry run that finds wrong aliases answers no"
    );
    let j = json(&out);
    let moves: Vec<(&str, &str)> = j["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["action"] != "ok")
        .map(|a| (a["alias"].as_str().unwrap(), a["target"].as_str().unwrap()))
        .collect();
    assert_eq!(moves, [("0", "0.4.0"), ("latest", "0.4.0")]);
    let out = run(
        &env,
        &["--json", "registry", "reconcile", &img, "--execute"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        registry_digest(&env.reg.addr, "app", "latest").unwrap(),
        env.seeded.digests["0.4.0"]
    );
    assert_eq!(
        code(&run(&env, &["registry", "reconcile", &img])),
        0,
        "all right now"
    );
    // With 0.4.0 yanked, reconcile points the aliases at 0.3.2 and leaves `0.4`.
    let j = json(&run(
        &env,
        &[
            "--json",
            "registry",
            "reconcile",
            &img,
            "--yanked",
            "0.4.0",
            "--execute",
        ],
    ));
    assert_eq!(j["left"], serde_json::json!(["0.4"]));
    assert_eq!(
        registry_digest(&env.reg.addr, "app", "latest").unwrap(),
        env.seeded.digests["0.3.2"]
    );
}

// ---- promote --------------------------------------------------------------------------------

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=t@example.com",
            "-c",
            "tag.gpgsign=false",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn repo_with_tags(dir: &Path, stable_on_same_commit: Option<bool>) {
    std::fs::create_dir_all(dir).unwrap();
    git(dir, &["init", "-q"]);
    git(dir, &["commit", "-q", "--allow-empty", "-m", "one"]);
    git(dir, &["tag", "-a", "-m", "rc", "v0.5.0-rc.1"]);
    match stable_on_same_commit {
        Some(true) => git(dir, &["tag", "-a", "-m", "stable", "v0.5.0"]),
        Some(false) => {
            // Code changed after the candidate: that image was never tested.
            std::fs::write(dir.join("main.rs"), "fn main() {}\n").unwrap();
            git(dir, &["add", "main.rs"]);
            git(dir, &["commit", "-q", "-m", "two"]);
            git(dir, &["tag", "-a", "-m", "stable", "v0.5.0"]);
        }
        None => {}
    }
}

#[test]
fn promote_retags_the_tested_digest() {
    let env = env();
    let rc = push_index(&env.reg.addr, "app", "0.5.0-rc.1", "rc", true);
    let repo = env.dir.path().join("src");
    repo_with_tags(&repo, Some(true));
    let img = image(&env);
    let repo_s = repo.to_str().unwrap();
    let dry = json(&run(
        &env,
        &[
            "--json",
            "promote",
            "v0.5.0-rc.1",
            "--image",
            &img,
            "--repo",
            repo_s,
        ],
    ));
    assert_eq!(dry["execute"], false);
    assert_eq!(registry_digest(&env.reg.addr, "app", "0.5.0"), None);
    let out = run(
        &env,
        &[
            "--json",
            "promote",
            "v0.5.0-rc.1",
            "--image",
            &img,
            "--repo",
            repo_s,
            "--execute",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let j = json(&out);
    assert_eq!(j["digest"], rc.as_str());
    let tags: Vec<&str> = j["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["tag"].as_str().unwrap())
        .collect();
    // In the order they move: `latest` last.
    assert_eq!(&tags[..3], ["0.5.0", "0.5", "0"]);
    assert!(tags[3].starts_with("sha-"));
    assert_eq!(tags[4], "latest");
    for t in tags {
        assert_eq!(registry_digest(&env.reg.addr, "app", t).unwrap(), rc, "{t}");
    }
}

#[test]
fn promote_refuses_without_the_stable_tag_on_the_same_commit() {
    let env = env();
    push_image(&env.reg.addr, "app", "0.5.0-rc.1", "rc");
    let img = image(&env);
    for (name, setup) in [("missing", None), ("elsewhere", Some(false))] {
        let repo = env.dir.path().join(name);
        repo_with_tags(&repo, setup);
        let out = run(
            &env,
            &[
                "promote",
                "v0.5.0-rc.1",
                "--image",
                &img,
                "--repo",
                repo.to_str().unwrap(),
                "--execute",
            ],
        );
        assert_eq!(code(&out), 1, "{name}: {}", stderr(&out));
        assert!(stderr(&out).contains("refused"), "{}", stderr(&out));
        assert_eq!(registry_digest(&env.reg.addr, "app", "0.5.0"), None);
    }
    let repo = env.dir.path().join("missing");
    let out = run(
        &env,
        &[
            "promote",
            "v0.5.0",
            "--image",
            &img,
            "--repo",
            repo.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&out), 2, "a stable tag is not a candidate");
    let out = run(
        &env,
        &[
            "promote",
            "0.5.0-rc.1",
            "--image",
            &img,
            "--repo",
            repo.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&out), 2, "tags carry the prefix");
}

// ---- hostile registries (issue 9) -------------------------------------------------------------

#[test]
fn promote_moves_latest_last_and_not_after_a_failed_move() {
    let env = env();
    let rc = push_index(&env.reg.addr, "app", "0.5.0-rc.1", "rc", true);
    let repo = env.dir.path().join("src");
    repo_with_tags(&repo, Some(true));
    let proxy = Proxy::start(&env.reg.addr);
    let upstream = env.reg.addr.clone();
    proxy.add(
        Some("PUT"),
        "/manifests/0.5",
        usize::MAX,
        Fault::Handle(Box::new(move |req: &Message| {
            if req.path.ends_with("/manifests/0.5") {
                status(
                    400,
                    &[],
                    r#"{"errors":[{"code":"DENIED","message":"tag 0.5 is protected"}]}"#,
                )
            } else {
                http(&upstream, req)
            }
        })),
    );
    let img = format!("{}/app", proxy.addr);
    let out = run(
        &env,
        &[
            "--json",
            "promote",
            "v0.5.0-rc.1",
            "--image",
            &img,
            "--repo",
            repo.to_str().unwrap(),
            "--execute",
        ],
    );
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let j = json(&out);
    let status: Vec<(&str, &str)> = j["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["tag"].as_str().unwrap(), t["status"].as_str().unwrap()))
        .collect();
    assert_eq!(status[0], ("0.5.0", "done"));
    assert_eq!(status[1], ("0.5", "failed"));
    assert!(
        status[2..].iter().all(|(_, s)| *s == "not attempted"),
        "{status:?}"
    );
    assert_eq!(status.last().unwrap().0, "latest");
    // The PUTs went in order and stopped at the failure; `latest` never moved.
    let puts: Vec<String> = proxy
        .requests()
        .into_iter()
        .filter(|r| r.starts_with("PUT"))
        .collect();
    assert_eq!(
        puts,
        ["PUT /v2/app/manifests/0.5.0", "PUT /v2/app/manifests/0.5"]
    );
    assert_eq!(registry_digest(&env.reg.addr, "app", "0.5.0").unwrap(), rc);
    assert_eq!(
        registry_digest(&env.reg.addr, "app", "latest").unwrap(),
        env.seeded.digests["0.4.0"]
    );
}

#[test]
fn reconcile_never_reports_done_for_a_write_the_registry_dropped() {
    let env = env();
    push_manifest_copy(&env.reg.addr, "app", "0.3.2", &["latest", "0"]);
    let proxy = Proxy::start(&env.reg.addr);
    // The registry answers 201 to every PUT and stores nothing.
    proxy.add(
        Some("PUT"),
        "/manifests/",
        usize::MAX,
        Fault::Respond(status(201, &[], "")),
    );
    let img = format!("{}/app", proxy.addr);
    let out = run(
        &env,
        &["--json", "registry", "reconcile", &img, "--execute"],
    );
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let j = json(&out);
    let status: Vec<(&str, &str)> = j["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["action"] != "ok")
        .map(|a| (a["alias"].as_str().unwrap(), a["status"].as_str().unwrap()))
        .collect();
    assert_eq!(status.len(), 2, "{status:?}");
    assert_eq!(status[0].0, "0");
    assert!(status[0].1.starts_with("failed"), "{status:?}");
    assert_eq!(status[1].0, "latest");
    assert!(status[1].1.starts_with("not attempted"), "{status:?}");
    assert_eq!(proxy.count("PUT"), 1, "{:?}", proxy.requests());
}

#[test]
fn registry_tags_with_control_characters_are_escaped_for_people_and_exact_in_json() {
    let env = env();
    let proxy = Proxy::start(&env.reg.addr);
    let body = r#"{"name":"app","tags":["0.4.0","evil\u001b[2K\rok (good openpgp signature)","two\nlines","tab\there"]}"#;
    let tags_fault = || Fault::Respond(status(200, &[("Content-Type", "application/json")], body));
    proxy.add(Some("GET"), "/tags/list", 2, tags_fault());
    let img = format!("{}/app", proxy.addr);
    let out = run(&env, &["registry", "tags", &img]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(
        !text.contains('\x1b') && !text.contains('\r') && !text.contains('\t'),
        "{text:?}"
    );
    assert_eq!(
        text.lines().collect::<Vec<_>>(),
        [
            "0.4.0",
            "evil\\e[2K\\rok (good openpgp signature)",
            "two\\nlines",
            "tab\\there"
        ]
    );
    let j = json(&run(&env, &["--json", "registry", "tags", &img]));
    assert_eq!(j["tags"][1], "evil\u{1b}[2K\rok (good openpgp signature)");
    assert_eq!(j["tags"][2], "two\nlines");
}

#[test]
fn verify_finds_github_attestation_bundles_behind_a_referrers_400() {
    let env = env();
    let subject = push_image(&env.reg.addr, "app", "0.5.0", "gh");
    let refs = vec![
        push_github_attestation(
            &env.reg.addr,
            "app",
            &subject,
            "https://slsa.dev/provenance/v1",
            false,
        ),
        push_github_attestation(
            &env.reg.addr,
            "app",
            &subject,
            "https://spdx.dev/Document/v2.3",
            false,
        ),
    ];
    push_fallback_index(&env.reg.addr, "app", &subject, &refs);
    let proxy = Proxy::start(&env.reg.addr);
    proxy.add(
        Some("GET"),
        "/referrers/",
        usize::MAX,
        Fault::Respond(status(400, &[], r#"{"errors":[{"code":"UNSUPPORTED"}]}"#)),
    );
    let img = format!("{}/app", proxy.addr);
    let out = run(
        &env,
        &[
            "--json",
            "verify",
            "0.5.0",
            "--image",
            &img,
            "--no-github",
            "--released",
            "0.5.0",
        ],
    );
    let j = json(&out);
    let a2: Vec<(&str, &str)> = j["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["rule"] == "A2")
        .map(|c| (c["item"].as_str().unwrap(), c["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        a2,
        [("SBOM", "ok"), ("provenance attestation", "ok")],
        "{}",
        stderr(&out)
    );
    assert!(j["attestations"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["kind"] != "signature"));
}

#[test]
fn registry_commands_never_print_secrets_from_docker_config_or_error_bodies() {
    let env = env();
    let docker = env.dir.path().join(".docker");
    std::fs::create_dir_all(&docker).unwrap();
    let ghp = "ghp_UnrelatedHostTokenThatMustNotPrint0000";
    std::fs::write(
        docker.join("config.json"),
        format!(r#"{{"auths":{{"github.com":"{ghp}"}}}}"#),
    )
    .unwrap();
    // A registry that wants a password: the config is read.
    let basic = Proxy::start(&env.reg.addr);
    basic.add(
        None,
        "/tags/list",
        usize::MAX,
        Fault::Respond(status(
            401,
            &[("WWW-Authenticate", r#"Basic realm="r""#)],
            "",
        )),
    );
    let img = format!("{}/app", basic.addr);
    let out = run(&env, &["registry", "tags", &img]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("config.json"), "{err}");
    assert!(
        !err.contains(ghp) && !err.contains("UnrelatedHost"),
        "{err}"
    );
    std::fs::remove_file(docker.join("config.json")).unwrap();
    // A registry that echoes the credentials it was sent.
    let proxy = Proxy::start(&env.reg.addr);
    proxy.add(
        None,
        "/tags/list",
        usize::MAX,
        Fault::Handle(Box::new(|req: &Message| {
            let auth = req
                .header("authorization")
                .unwrap_or("Basic aGVucnk6cGFzc3dvcmQtb24tc3RkaW4=");
            status(
                400,
                &[],
                &format!(
                    r#"{{"errors":[{{"code":"BAD","message":"got Authorization: {auth}"}}]}}"#
                ),
            )
        })),
    );
    let img = format!("{}/app", proxy.addr);
    let out = release(
        &env,
        &[
            "registry",
            "tags",
            &img,
            "--username",
            "henry",
            "--password-stdin",
        ],
        Some("password-on-stdin\n"),
    );
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("BAD"), "{err}");
    assert!(
        !err.contains("password-on-stdin") && !err.contains("aGVucnk6cGFzc3dvcmQtb24tc3RkaW4"),
        "{err}"
    );
}

#[test]
fn rollback_dry_run_shows_the_changelog_diff_and_says_what_it_could_not_check() {
    let env = env();
    let changelog = env.dir.path().join("CHANGELOG.md");
    let original = "# Changelog\n\n## [Unreleased]\n\n## [0.4.0] - 2026-07-01\n\n### Added\n\n- the new thing\n\n## [0.3.2] - 2026-06-20\n\n### Fixed\n\n- a fix\n";
    std::fs::write(&changelog, original).unwrap();
    let img = image(&env);
    // GitHub cannot be reached (nothing listens on port 1): a dry run that cannot read says
    // so; it is not a failed rollback.
    let dry = run(
        &env,
        &[
            "rollback",
            "0.4.0",
            "--reason",
            "it corrupts uploads",
            "--image",
            &img,
            "--github-repo",
            "acme/app",
            "--github-api",
            "http://127.0.0.1:1",
            "--attempts",
            "1",
        ],
    );
    let out = String::from_utf8_lossy(&dry.stdout).into_owned();
    assert_eq!(code(&dry), 0, "{out}{}", stderr(&dry));
    assert!(!out.contains("[failed]"), "{out}");
    assert!(!stderr(&dry).contains("incomplete"), "{}", stderr(&dry));
    assert!(out.contains("[unknown] github"), "{out}");
    assert!(
        out.contains("not checked (could not be read): github GitHub Release v0.4.0"),
        "{out}"
    );
    // The changelog diff of the `[YANKED]` mark, as docs/registry.md says; nothing written.
    assert!(out.contains("--- a/CHANGELOG.md"), "{out}");
    assert!(out.contains("-## [0.4.0] - 2026-07-01\n"), "{out}");
    assert!(out.contains("+## [0.4.0] - 2026-07-01 [YANKED]"), "{out}");
    assert_eq!(std::fs::read_to_string(&changelog).unwrap(), original);
    // With --execute the unreachable GitHub is a failure (exit 3), as before.
    let exec = run(
        &env,
        &[
            "rollback",
            "0.4.0",
            "--reason",
            "it corrupts uploads",
            "--image",
            &img,
            "--github-repo",
            "acme/app",
            "--github-api",
            "http://127.0.0.1:1",
            "--attempts",
            "1",
            "--execute",
        ],
    );
    assert_eq!(code(&exec), 3, "{}", stderr(&exec));
    assert!(String::from_utf8_lossy(&exec.stdout).contains("[failed] github"));
}
