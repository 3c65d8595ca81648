//! Saving a changelog: the new text replaces the old one whole (written beside it, synced,
//! renamed), the file keeps its permissions, no temporary file is left, and a failed write
//! leaves the old file as it was. Found missing by mutation testing (issue 16): the CLI tests
//! saw the saves, this crate's own tests did not.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use std::path::Path;

use release_changelog::save::{save_atomic, save_atomic_with};
use release_changelog::{plan_prepare, prepare, Changelog, PrepareOptions};
use release_core::policy::Policy;

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".release-"))
        .collect()
}

#[test]
fn the_new_text_replaces_the_old_and_nothing_is_left_behind() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("CHANGELOG.md");
    std::fs::write(&path, "old text that is longer than the new one\n").unwrap();
    save_atomic(&path, "new\n").unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
    assert!(leftovers(dir.path()).is_empty());

    // A file that does not exist yet is created.
    let fresh = dir.path().join("UPGRADING.md");
    save_atomic(&fresh, "# Upgrading\n").unwrap();
    assert_eq!(std::fs::read_to_string(&fresh).unwrap(), "# Upgrading\n");
}

/// The new text is written beside the file, in its own folder: the rename that replaces the
/// file is then atomic, and never crosses into another file system (where it would fail) as one
/// from the current folder could.
#[test]
fn the_new_text_is_written_beside_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("CHANGELOG.md");
    std::fs::write(&path, "old\n").unwrap();
    let mut seen = Vec::new();
    save_atomic_with(&path, |w| {
        seen = leftovers(dir.path());
        w.write_all(b"new\n")
    })
    .unwrap();
    assert_eq!(
        seen.len(),
        1,
        "one temporary file beside the file: {seen:?}"
    );
    assert!(seen[0].ends_with(".tmp"), "{seen:?}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
    assert!(leftovers(dir.path()).is_empty());
}

#[cfg(unix)]
#[test]
fn the_file_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("CHANGELOG.md");
    std::fs::write(&path, "old\n").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    save_atomic(&path, "new\n").unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}

#[test]
fn a_failed_write_leaves_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("CHANGELOG.md");
    std::fs::write(&path, "old\n").unwrap();
    let err = save_atomic_with(&path, |w| {
        w.write_all(b"half of the new")?;
        Err(std::io::Error::other("disk full"))
    })
    .unwrap_err();
    assert_eq!(err.to_string(), "disk full");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "old\n");
    assert!(leftovers(dir.path()).is_empty());
}

#[test]
fn a_missing_folder_is_an_error_not_a_file_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-folder").join("CHANGELOG.md");
    assert!(save_atomic(&path, "new\n").is_err());
    assert!(!path.exists());
}

#[test]
fn a_planned_edit_written_straight_to_the_file_is_the_edited_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("CHANGELOG.md");
    let text = "# Changelog\n\n## [Unreleased]\n\n- New.\n\n## [1.0.0] - 2025-01-01\n\n- Old.\n\n[Unreleased]: https://github.com/acme/w/compare/v1.0.0...HEAD\n[1.0.0]: https://github.com/acme/w/releases/tag/v1.0.0\n";
    std::fs::write(&path, text).unwrap();
    let policy = Policy::default();
    let doc = Changelog::parse(text);
    let opts = PrepareOptions::new("2.0.0", "2026-01-01", &policy);
    let plan = plan_prepare(&doc, &opts).unwrap();
    save_atomic_with(&path, |w| plan.write_to(text, w)).unwrap();
    let want = prepare(&doc, &opts).unwrap().text;
    assert_ne!(want, text, "the edit changes the file");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), want);
    assert!(leftovers(dir.path()).is_empty());
}
