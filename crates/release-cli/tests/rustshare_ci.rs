//! `release ci` on RustShare's real tag history: a repository gets its tags one by one, in the
//! order they were pushed, each signed on its own commit; at every push `release ci` (reading
//! the history from the repository, as in the workflow) must give the tags the policy requires.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use release_testkit::git as support;

use std::process::Command;

use support::*;

#[test]
fn release_ci_gives_every_rustshare_release_its_tags() {
    let fixture = include_str!("fixtures/rustshare-tags.tsv");
    let repo = TestRepo::new();
    // A changelog with a section for every stable version, so each stable tag has notes.
    let mut log = String::from("# Changelog\n\n## [Unreleased]\n\n");
    let rows: Vec<Vec<&str>> = fixture
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').collect())
        .collect();
    for row in rows.iter().rev() {
        log.push_str(&format!(
            "## [{}] - 2026-06-01\n\n### Fixed\n\n- Work of {}.\n\n",
            &row[0][1..],
            row[0]
        ));
    }
    repo.write("CHANGELOG.md", &log);
    // RustShare's own policy, committed on the main branch as a project would.
    repo.write(
        "release-policy.toml",
        include_str!("../../../examples/rustshare/release-policy.toml"),
    );
    repo.commit("changelog and policy");
    let mut cases = 0;
    // A patch of an older line is cut from that line's hotfix branch (V8), as a maintainer
    // following `release status` does; everything else lands on main.
    let mut newest_line = (0u64, 0u64);
    let mut last_stable: std::collections::BTreeMap<(u64, u64), String> = Default::default();
    for row in &rows {
        let (tag, want, left_out) = (row[0], row[1], row[2]);
        let base = tag[1..].split('-').next().unwrap();
        let numbers: Vec<u64> = base.split('.').map(|n| n.parse().unwrap()).collect();
        let line = (numbers[0], numbers[1]);
        let hotfix = line < newest_line;
        if hotfix {
            repo.git(&[
                "checkout",
                "-q",
                "-B",
                &format!("hotfix/v{base}"),
                &last_stable[&line],
            ]);
        }
        repo.write("release.txt", tag);
        let sha = repo.commit(&format!("work for {tag}"));
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_release"));
        cmd.args(["tag", tag, "--execute"]).current_dir(repo.path());
        if !tag.contains('-') {
            // RustShare's suite (cargo, npm, its smoke script) is not part of this fixture.
            cmd.args([
                "--skip-checks",
                "the RustShare suite is not part of this fixture",
            ]);
        }
        repo.env(&mut cmd);
        let out = cmd.output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "tag {tag}: {}",
            String::from_utf8_lossy(&out.stderr)
        );

        let mut cmd = Command::new(env!("CARGO_BIN_EXE_release"));
        cmd.args([
            "--json",
            "ci",
            "--no-github",
            "--notes-file",
            ".git/notes.md",
        ])
        .current_dir(repo.path());
        repo.env(&mut cmd);
        cmd.env("GITHUB_REF", format!("refs/tags/{tag}"))
            .env("GITHUB_SHA", &sha)
            .env("GITHUB_EVENT_NAME", "push");
        let out = cmd.output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "ci {tag}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut expected: Vec<String> = want.split(' ').map(String::from).collect();
        expected.push(format!("sha-{}", &sha[..7]));
        assert_eq!(json["plan"]["tags"], serde_json::json!(expected), "{tag}");
        let images: Vec<String> = expected
            .iter()
            .map(|t| format!("ghcr.io/kubedoio/rustshare-backend:{t}"))
            .collect();
        assert_eq!(json["plan"]["images"], serde_json::json!(images), "{tag}");
        let skipped: Vec<&str> = json["plan"]["skipped"]
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
        assert_eq!(json["verification"]["ok"], true, "{tag}");
        cases += 1;
        newest_line = newest_line.max(line);
        if !tag.contains('-') {
            last_stable.insert(line, tag.to_string());
        }
        if hotfix {
            repo.git(&["checkout", "-q", "main"]);
        }
    }
    assert_eq!(cases, 11);
}
