//! Saving a file atomically, and the unified diff a dry run prints.

use std::io::Write;
use std::path::Path;

/// Writes `text` to `path` atomically: a temporary file in the same folder, fsync, rename.
/// The file keeps its permissions.
pub fn save_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    save_atomic_with(path, |w| w.write_all(text.as_bytes()))
}

/// [`save_atomic`] with the content written by `write`.
pub fn save_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    // A device, a pipe or a socket (`/dev/null`, `/dev/stdout`, a FIFO) is written to, never
    // replaced: renaming a file over `/dev/null` would destroy the device for every program.
    if let Ok(meta) = std::fs::metadata(path) {
        if !meta.is_file() && !meta.is_dir() {
            let mut file = std::fs::OpenOptions::new().write(true).open(path)?;
            let mut buffered = std::io::BufWriter::with_capacity(1 << 16, &mut file);
            write(&mut buffered)?;
            return buffered.flush();
        }
    }
    // A bare file name's parent is the empty path, which names the current folder as `.` does.
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".release-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    {
        let mut buffered = std::io::BufWriter::with_capacity(1 << 16, tmp.as_file_mut());
        write(&mut buffered)?;
        buffered.flush()?;
    }
    tmp.as_file().sync_all()?;
    if let Ok(meta) = std::fs::metadata(path) {
        std::fs::set_permissions(tmp.path(), meta.permissions())?;
    }
    // The data is on disk before the rename makes it visible: a crash leaves the old file or
    // the new one, never a torn one.
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A unified diff of `old` -> `new`, labelled with `name` (`a/name`, `b/name`).
pub fn unified_diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("a/{}", name.trim_start_matches('/')),
            &format!("b/{}", name.trim_start_matches('/')),
        )
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A FIFO stands for every special file (`/dev/null`, `/dev/stdout`): written to, not
    /// replaced. Not `/dev/null` itself: a broken `save_atomic` (a mutant, a regression) would
    /// replace the machine's `/dev/null` with a regular file.
    #[cfg(unix)]
    #[test]
    fn a_special_file_is_written_to_not_replaced() {
        use std::io::Read;
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let fifo = dir.path().join("notes.fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap_or_else(|e| panic!("mkfifo: {e}"));
        assert!(made.success(), "mkfifo failed");
        let (sent, received) = std::sync::mpsc::channel();
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                let mut got = String::new();
                let read = std::fs::File::open(&fifo)
                    .and_then(|mut f| f.read_to_string(&mut got))
                    .map(|_| got);
                let _ = sent.send(read);
            })
        };
        save_atomic(&fifo, "notes\n").unwrap_or_else(|e| panic!("{e}"));
        let meta = std::fs::symlink_metadata(&fifo).unwrap_or_else(|e| panic!("{e}"));
        // Checked before joining: a replaced FIFO leaves the reader waiting for a writer.
        assert!(meta.file_type().is_fifo(), "the FIFO was replaced");
        // A save that never opened the FIFO leaves the reader waiting for a writer too: one of
        // our own lets it read an empty end of file, so the test fails instead of hanging.
        let got = received
            .recv_timeout(std::time::Duration::from_secs(10))
            .or_else(|_| {
                drop(std::fs::OpenOptions::new().write(true).open(&fifo));
                received.recv()
            })
            .unwrap_or_else(|e| panic!("{e}"));
        reader.join().unwrap_or_else(|_| panic!("reader panicked"));
        assert_eq!(got.unwrap_or_else(|e| panic!("{e}")), "notes\n");
    }
}
