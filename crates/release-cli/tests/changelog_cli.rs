//! `release changelog ...` and `release upgrading ...` end to end: the real binary on real
//! files in temporary folders.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use std::path::Path;
use std::process::{Command, Output};

const CHANGELOG: &str = "# Changelog\n\n## [Unreleased]\n\n### Fixed\n\n- A fix.\n\n## [0.2.0] - 2024-02-01\n\n### Added\n\n- A feature.\n\n[Unreleased]: https://github.com/o/r/compare/v0.2.0...HEAD\n[0.2.0]: https://github.com/o/r/compare/v0.1.0...v0.2.0\n";

fn release(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_release"))
        .args(args)
        .current_dir(dir)
        .env_remove("GITHUB_ACTIONS")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("CHANGELOG.md"), CHANGELOG).unwrap();
    dir
}

#[test]
fn prepare_dry_run_prints_a_diff_and_writes_nothing() {
    let dir = setup();
    let out = release(
        dir.path(),
        &[
            "changelog",
            "prepare",
            "0.3.0",
            "--date",
            "2024-03-01",
            "--dry-run",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!(stdout(&out));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("CHANGELOG.md")).unwrap(),
        CHANGELOG
    );
}

#[test]
fn prepare_writes_atomically_and_keeps_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = setup();
    let path = dir.path().join("CHANGELOG.md");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = release(
        dir.path(),
        &[
            "--json",
            "changelog",
            "prepare",
            "v0.3.0",
            "--date",
            "2024-03-01",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["dry_run"], false);
    assert_eq!(json["changed"], true);
    assert!(json["diff"]
        .as_str()
        .unwrap()
        .contains("+## [0.3.0] - 2024-03-01"));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("## [Unreleased]\n\n## [0.3.0] - 2024-03-01\n\n### Fixed\n\n- A fix.\n"));
    assert!(text.contains("[Unreleased]: https://github.com/o/r/compare/v0.3.0...HEAD\n[0.3.0]: https://github.com/o/r/compare/v0.2.0...v0.3.0\n"));
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o640
    );
    // No temporary file left behind.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    // Same JSON shape in a dry run.
    let again = release(
        dir.path(),
        &["--json", "changelog", "prepare", "0.3.0", "--dry-run"],
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("version 0.3.0 already has a section at line 5"),
        "{}",
        stderr(&again)
    );
    let dry = release(
        dir.path(),
        &[
            "--json",
            "changelog",
            "add",
            "--category",
            "Added",
            "X",
            "--dry-run",
        ],
    );
    let dj: serde_json::Value = serde_json::from_str(&stdout(&dry)).unwrap();
    let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&dj), keys(&json));
    assert_eq!(dj["dry_run"], true);
}

#[test]
fn prepare_refuses_bad_input_with_exit_2() {
    let dir = setup();
    for (args, msg) in [
        (
            vec!["changelog", "prepare", "0.3", "--date", "2024-03-01"],
            "exactly three numbers",
        ),
        (
            vec!["changelog", "prepare", "0.3.0", "--date", "2024-02-30"],
            "not a real calendar date",
        ),
        (
            vec!["changelog", "prepare", "0.2.0", "--date", "2024-03-01"],
            "already has a section",
        ),
    ] {
        let out = release(dir.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(msg), "{args:?}: {}", stderr(&out));
    }
    std::fs::write(
        dir.path().join("CHANGELOG.md"),
        "# Changelog\n\n## [Unreleased]\n\n## [0.1.0] - 2024-01-01\n",
    )
    .unwrap();
    let out = release(dir.path(), &["changelog", "prepare", "0.2.0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("has no entries"), "{}", stderr(&out));
}

/// Lint's findings quote the file (labels, headings): control bytes in them are escaped in the
/// human report, so a changelog cannot drive the terminal; the JSON keeps the exact text.
#[test]
fn lint_escapes_the_file_text_it_quotes() {
    let dir = setup();
    std::fs::write(
        dir.path().join("CHANGELOG.md"),
        "# Changelog\n\n## [Unreleased]\n\n- x\n\n[l\u{7}\u{1b}(0]: https://x\n",
    )
    .unwrap();
    let out = release(dir.path(), &["changelog", "lint"]);
    let text = stdout(&out);
    assert!(text.contains("link-unused"), "{text}");
    assert!(
        !text.contains('\u{7}') && !text.contains('\u{1b}'),
        "raw control bytes in the report: {text:?}"
    );
    assert!(
        text.contains("`[l\\u{7}\\e(0]` is defined but never used"),
        "{text}"
    );
    assert!(text.ends_with("0 error(s), 1 warning(s)\n"), "{text:?}");
    let out = release(dir.path(), &["--json", "changelog", "lint"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let message = json["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.contains("[l\u{7}\u{1b}(0]"), "{message:?}");
}

#[test]
fn lint_exit_codes_and_json() {
    let dir = setup();
    let out = release(dir.path(), &["changelog", "lint"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    std::fs::write(
        dir.path().join("CHANGELOG.md"),
        "# Changelog\n\n## [Unreleased]\n\n### Fixd\n\n- x\n\n## [1.0.0] - 2024-13-01\n",
    )
    .unwrap();
    let out = release(dir.path(), &["changelog", "lint"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&out).replace(&dir.path().display().to_string(), "DIR"));
    let out = release(dir.path(), &["--json", "changelog", "lint"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["errors"], 1);
    assert_eq!(json["warnings"], 1);
    assert_eq!(json["diagnostics"][1]["rule"], "date-invalid");
    assert_eq!(json["diagnostics"][1]["line"], 9);
    assert_eq!(json["diagnostics"][1]["column"], 14);
}

#[test]
fn notes_of_a_version_latest_and_unreleased() {
    let dir = setup();
    let out = release(dir.path(), &["changelog", "notes", "0.2.0"]);
    assert_eq!(stdout(&out), "### Added\n\n- A feature.\n");
    let out = release(
        dir.path(),
        &["changelog", "notes", "--latest", "--with-heading"],
    );
    assert_eq!(
        stdout(&out),
        "## [0.2.0] - 2024-02-01\n\n### Added\n\n- A feature.\n"
    );
    let out = release(dir.path(), &["changelog", "notes", "--unreleased"]);
    assert_eq!(stdout(&out), "### Fixed\n\n- A fix.\n");
    let out = release(dir.path(), &["--json", "changelog", "notes", "v0.2.0"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["version"], "0.2.0");
    assert_eq!(json["date"], "2024-02-01");
    let out = release(dir.path(), &["changelog", "notes", "9.9.9"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no section for version 9.9.9"));
    std::fs::write(
        dir.path().join("CHANGELOG.md"),
        "## [1.0.0] - 2024-01-01\n\n- a\n\n## [1.0.0] - 2023-01-01\n\n- b\n",
    )
    .unwrap();
    let out = release(dir.path(), &["changelog", "notes", "1.0.0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("at lines 1 and 5"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn notes_with_links_appends_the_definitions_used() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("c.md"), "## [1.0.0] - 2024-01-01\n\n- Fixed [#3].\n\n[#3]: https://x/issues/3\n[#4]: https://x/issues/4\n").unwrap();
    let out = release(
        dir.path(),
        &[
            "changelog",
            "notes",
            "1.0.0",
            "--with-links",
            "--file",
            "c.md",
        ],
    );
    assert_eq!(stdout(&out), "- Fixed [#3].\n\n[#3]: https://x/issues/3\n");
}

#[test]
fn add_yank_and_next() {
    let dir = setup();
    let out = release(
        dir.path(),
        &[
            "changelog",
            "add",
            "--category",
            "Removed",
            "Dropped the old API.",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = release(dir.path(), &["--json", "changelog", "next"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["next"]["version"], "0.3.0");
    assert_eq!(json["next"]["bump"], "breaking");
    assert_eq!(json["tag"], "v0.3.0");
    let out = release(dir.path(), &["changelog", "next", "--released", "v0.9.1"]);
    assert_eq!(stdout(&out), "0.10.0\n");
    let out = release(
        dir.path(),
        &[
            "changelog",
            "yank",
            "0.2.0",
            "--reason",
            "Corrupts the cache",
            "--use",
            "0.2.1",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.path().join("CHANGELOG.md")).unwrap();
    insta::assert_snapshot!(text);
    std::fs::write(
        dir.path().join("CHANGELOG.md"),
        "## [Unreleased]\n\n## [1.0.0] - 2024-01-01\n",
    )
    .unwrap();
    let out = release(dir.path(), &["changelog", "next"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn the_policy_names_the_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("docs")).unwrap();
    std::fs::write(
        dir.path().join("release-policy.toml"),
        "[changelog]\npath = \"docs/CHANGES.md\"\nupgrading = \"docs/UPGRADE.md\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("docs/CHANGES.md"), CHANGELOG).unwrap();
    let sub = dir.path().join("docs");
    let out = release(&sub, &["changelog", "notes", "--unreleased"]);
    assert_eq!(stdout(&out), "### Fixed\n\n- A fix.\n", "{}", stderr(&out));
    let out = release(&sub, &["upgrading", "add", "0.3.0", "--none"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(dir.path().join("docs/UPGRADE.md").is_file());
    let out = release(&sub, &["upgrading", "check", "0.3.0"]);
    assert_eq!(out.status.code(), Some(0));
    let out = release(&sub, &["--json", "upgrading", "check", "0.4.0"]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["missing"][0], "a section for 0.4.0");
}

#[test]
fn upgrading_tables_get_rows() {
    let dir = tempfile::tempdir().unwrap();
    let guide = "# Upgrading\n\n## Breaking Changes\n\n| Version | Breaking Change | Migration Path |\n|---|---|---|\n| — | — | — |\n\n## Environment Variable Changes\n\n| Version | Change | Details |\n|---|---|---|\n| — | — | — |\n";
    std::fs::write(dir.path().join("up.md"), guide).unwrap();
    let out = release(
        dir.path(),
        &[
            "upgrading",
            "add",
            "1.0.0",
            "--breaking",
            "Config moved",
            "--migration",
            "Move it",
            "--env-added",
            "APP_X=the x",
            "--env-removed",
            "APP_Y",
            "--env-renamed",
            "APP_A=APP_B",
            "--file",
            "up.md",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!(std::fs::read_to_string(dir.path().join("up.md")).unwrap());
    let out = release(
        dir.path(),
        &["upgrading", "add", "1.0.0", "--none", "--file", "up.md"],
    );
    assert_eq!(out.status.code(), Some(2));
    let out = release(
        dir.path(),
        &[
            "upgrading",
            "add",
            "1.1.0",
            "--env-renamed",
            "NOEQUALS",
            "--file",
            "up.md",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("OLD=NEW"));
    let out = release(
        dir.path(),
        &["upgrading", "add", "1.1.0", "--file", "up.md"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nothing to record"));
}

#[test]
fn unreadable_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = release(dir.path(), &["changelog", "lint"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("CHANGELOG.md"));
    std::fs::write(dir.path().join("CHANGELOG.md"), b"## [1.0.0]\n\xff\xfe\n").unwrap();
    let out = release(dir.path(), &["changelog", "lint"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is not UTF-8"), "{}", stderr(&out));
}

#[test]
fn prepare_takes_the_repository_url_from_the_origin_remote_last() {
    let dir = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let st = Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            st.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&st.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["remote", "add", "origin", "git@github.com:acme/thing.git"]);
    std::fs::write(
        dir.path().join("CHANGELOG.md"),
        "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- Everything.\n",
    )
    .unwrap();
    let out = release(
        dir.path(),
        &["changelog", "prepare", "0.1.0", "--date", "2024-05-01"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("CHANGELOG.md")).unwrap(),
        "# Changelog\n\n## [Unreleased]\n\n## [0.1.0] - 2024-05-01\n\n### Added\n\n- Everything.\n\n[Unreleased]: https://github.com/acme/thing/compare/v0.1.0...HEAD\n[0.1.0]: https://github.com/acme/thing/releases/tag/v0.1.0\n"
    );
}

#[test]
fn add_creates_unreleased_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("CHANGELOG.md");
    let original = "# Changelog\n\n## [0.2.0] - 2024-02-01\n\n### Added\n\n- A feature.\n\n[0.2.0]: https://github.com/o/r/compare/v0.1.0...v0.2.0\n";
    std::fs::write(&path, original).unwrap();
    let out = release(
        dir.path(),
        &["changelog", "add", "--category", "Fixed", "A crash."],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(
        said.contains("created `## [Unreleased]` above the newest release `[0.2.0] - 2024-02-01`"),
        "{said}"
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("## [Unreleased]\n\n### Fixed\n\n- A crash.\n\n## [0.2.0]"));
    assert!(text.contains(
        "[Unreleased]: https://github.com/o/r/compare/v0.2.0...HEAD\n[0.2.0]: https://github.com/o/r/compare/v0.1.0...v0.2.0\n"
    ));
    // prepare then works on the file, and every original line is still there.
    let out = release(
        dir.path(),
        &["changelog", "prepare", "0.2.1", "--date", "2024-03-01"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(&path).unwrap();
    for line in original.lines() {
        assert!(text.lines().any(|l| l == line), "lost {line:?}");
    }
    assert!(text.contains("## [0.2.1] - 2024-03-01\n\n### Fixed\n\n- A crash.\n"));
}

#[test]
fn undated_dev_and_bracketed_date_dialects() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("CHANGELOG.md"),
        "# Changelog\n\n## 0.5.0-dev\n\n### Added\n\n- Work in progress.\n\n## 0.4.0\n\n### Added\n\n- Tabs.\n\n## 0.3.0\n\n### Fixed\n\n- Scrolling.\n",
    )
    .unwrap();
    // An undated convention is not a lint error.
    let out = release(dir.path(), &["changelog", "lint"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // --latest skips the development section.
    let out = release(dir.path(), &["changelog", "notes", "--latest"]);
    assert_eq!(stdout(&out), "### Added\n\n- Tabs.\n");
    std::fs::write(
        dir.path().join("CHANGELOG.md"),
        "# Changelog\n\n## 0.3.55 [2026-08-01]\n\n- A fix.\n",
    )
    .unwrap();
    let out = release(dir.path(), &["--json", "changelog", "list"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["version"], "0.3.55");
    assert_eq!(json[0]["date"], "2026-08-01");
    let out = release(dir.path(), &["changelog", "lint"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn upgrading_breaking_without_migration_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = release(
        dir.path(),
        &[
            "upgrading",
            "add",
            "1.0.0",
            "--breaking",
            "a",
            "--file",
            "up.md",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("has no --migration"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("up.md").exists());
}
