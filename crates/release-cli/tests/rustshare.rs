//! RustShare's real tag history: each release gets the tags the policy requires, under
//! RustShare's own policy (`examples/rustshare/release-policy.toml`).

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests: a failure to set up is a failed test

use std::process::Command;

const SHA: &str = "0042fd270399acbd408efec0f5da39a0e354a1a9";
const POLICY: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/rustshare/release-policy.toml"
);

#[test]
fn every_rustshare_release_gets_the_policy_tags() {
    let fixture = include_str!("fixtures/rustshare-tags.tsv");
    let dir = tempfile::tempdir().unwrap();
    let mut pushed: Vec<&str> = Vec::new();
    let mut cases = 0;
    for line in fixture
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        let (tag, want, left_out) = (cols[0], cols[1], cols[2]);
        pushed.push(tag);
        let out = Command::new(env!("CARGO_BIN_EXE_release"))
            .current_dir(dir.path())
            .env_remove("GITHUB_REPOSITORY")
            .args([
                "--json",
                "--policy",
                POLICY,
                "plan",
                "--ref",
                &format!("refs/tags/{tag}"),
                "--sha",
                SHA,
                "--date",
                "2026-07-20",
            ])
            .args(["--released", &pushed.join(",")])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{tag}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut expected: Vec<String> = want.split(' ').map(String::from).collect();
        expected.push("sha-0042fd2".into());
        assert_eq!(json["tags"], serde_json::json!(expected), "{tag}");
        let images: Vec<String> = expected
            .iter()
            .map(|t| format!("ghcr.io/kubedoio/rustshare-backend:{t}"))
            .collect();
        assert_eq!(json["images"], serde_json::json!(images), "{tag}");
        assert_eq!(
            json["labels"]["org.opencontainers.image.source"],
            "https://github.com/kubedoio/rustshare"
        );
        assert_eq!(
            json["labels"]["org.opencontainers.image.licenses"],
            "AGPL-3.0-only"
        );
        let skipped: Vec<&str> = json["skipped"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["tag"].as_str().unwrap())
            .collect();
        let left_out: Vec<&str> = if left_out == "-" {
            Vec::new()
        } else {
            left_out.split(' ').collect()
        };
        assert_eq!(skipped, left_out, "{tag}");
        assert_eq!(json["is_prerelease"], tag.contains("-rc."), "{tag}");
        cases += 1;
    }
    assert_eq!(cases, 11);
}
