//! Check records as git notes: `release check` writes one note per commit under
//! [`NOTES_REF`] (the newest record of each check, JSON, see
//! `release_core::checks::RecordNote`), and every command that needs to know whether the
//! tests passed on HEAD reads it back and lets `release_core::checks::judge` decide.
//!
//! Notes live in their own ref so they never mix with a maintainer's `refs/notes/commits`, and
//! travel only when asked: `git push origin refs/notes/release-checks` and
//! `git fetch origin refs/notes/release-checks:refs/notes/release-checks` (docs/checks.md).

use git2::{Oid, Signature};
use release_core::checks::{judge, CheckKind, CheckRecord, RecordNote, Standing};

use crate::repo::Repo;
use crate::GitError;

/// The notes ref holding the check records.
pub const NOTES_REF: &str = "refs/notes/release-checks";

/// The note of `commit`: `Ok(None)` when there is none, `Err` with the reason when it cannot
/// be read or parsed.
pub fn read_note(repo: &Repo, commit: Oid) -> Result<Option<RecordNote>, GitError> {
    let note = match repo.git2().find_note(Some(NOTES_REF), commit) {
        Ok(note) => note,
        Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(None),
        Err(e) => return Err(GitError::git(&format!("cannot read {NOTES_REF}"), e)),
    };
    let Some(text) = note.message() else {
        return Err(GitError::env(format!(
            "the note of {commit} in {NOTES_REF} is not UTF-8"
        )));
    };
    RecordNote::parse(text)
        .map(Some)
        .map_err(|e| GitError::env(format!("{NOTES_REF} note of {commit}: {e}")))
}

/// Records `record` in the note of its commit, replacing the earlier record of the same check
/// and keeping the others. An unreadable earlier note is replaced (it could never count).
pub fn write_record(repo: &Repo, record: &CheckRecord) -> Result<(), GitError> {
    let commit = Oid::from_str(&record.commit)
        .map_err(|e| GitError::git(&format!("commit id {:?}", record.commit), e))?;
    let note = read_note(repo, commit)
        .ok()
        .flatten()
        .unwrap_or_default()
        .with(record.clone());
    // The notes commit needs an author; a machine without user.name still gets its record.
    let signature = match repo.signature() {
        Ok(s) => s,
        Err(_) => Signature::now("release", "release@localhost")
            .map_err(|e| GitError::git("cannot make a notes signature", e))?,
    };
    repo.git2()
        .note(
            &signature,
            &signature,
            Some(NOTES_REF),
            commit,
            &note.to_json(),
            true,
        )
        .map_err(|e| GitError::git(&format!("cannot write the note in {NOTES_REF}"), e))?;
    Ok(())
}

/// What HEAD's record of `check` is worth now, for `commands` (the policy's commands): HEAD,
/// the dirty paths and the note are read here, the decision is `release_core::checks::judge`.
/// Returns the standing and HEAD's full id.
pub fn standing(
    repo: &Repo,
    check: CheckKind,
    commands: &[String],
) -> Result<(Standing, String), GitError> {
    let head = repo.head_commit()?;
    let dirty = repo.dirty_paths()?;
    let note = read_note(repo, head).map_err(|e| e.message);
    let record = match &note {
        Ok(n) => Ok(n.as_ref().and_then(|n| n.get(check))),
        Err(e) => Err(e.clone()),
    };
    Ok((
        judge(record, &head.to_string(), &dirty, commands),
        head.to_string(),
    ))
}
