//! Printing results: JSON for machines, text for people, and `GITHUB_OUTPUT` for workflows.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::error::CliError;

/// Prints a value as pretty JSON on stdout.
pub fn print_json<T: Serialize>(value: &T) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::env(format!("cannot encode JSON output: {e}")))?;
    // A closed pipe (`| head`) is the reader's choice, not a failure worth a panic.
    let _ = writeln!(std::io::stdout().lock(), "{text}");
    Ok(())
}

/// A delimiter for `GITHUB_OUTPUT` heredoc blocks that no value contains. Random (the std
/// hasher's per-process seed) so a value cannot forge the end of its own block.
pub fn heredoc_delimiter(values: &[&str]) -> String {
    loop {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(u64::from(std::process::id()));
        let delimiter = format!("ghadelimiter_{:016x}", hasher.finish());
        if values.iter().all(|v| !v.contains(&delimiter)) {
            return delimiter;
        }
    }
}

/// Renders `name<<DELIM\nvalue\nDELIM` blocks, the multi-line form GitHub Actions reads.
pub fn github_output_blocks(pairs: &[(&str, String)]) -> String {
    let values: Vec<&str> = pairs.iter().map(|(_, v)| v.as_str()).collect();
    let delimiter = heredoc_delimiter(&values);
    let mut out = String::new();
    for (name, value) in pairs {
        out.push_str(&format!("{name}<<{delimiter}\n{value}\n{delimiter}\n"));
    }
    out
}

/// Appends to the file named by `$GITHUB_OUTPUT`.
pub fn append_github_output(path: &Path, text: &str) -> Result<(), CliError> {
    append_file(path, "GITHUB_OUTPUT", text)
}

/// Appends to a file the runner reads after the step (`GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`):
/// appending, not replacing, because earlier steps wrote there too.
pub fn append_file(path: &Path, what: &str, text: &str) -> Result<(), CliError> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| CliError::env(format!("cannot open {what} file {}: {e}", path.display())))?;
    file.write_all(text.as_bytes())
        .map_err(|e| CliError::env(format!("cannot write {what} file {}: {e}", path.display())))
}

/// A message as the value of a GitHub workflow command (`::error::…`): one line, with `%`, CR
/// and LF escaped as GitHub documents.
pub fn annotation(message: &str) -> String {
    release_core::untrusted::escape_multiline(message)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The one refusal shape: the answer "no" (exit 1), as `{"ok": false, "rule": …, "reason": …}`
/// with `--json`, and `refused: REASON` on stderr (escaped: reasons quote outside text).
pub fn refusal(
    json: bool,
    rule: Option<release_core::rule::Rule>,
    reason: &str,
) -> Result<crate::error::Outcome, crate::error::CliError> {
    if json {
        print_json(&serde_json::json!({
            "ok": false,
            "rule": rule,
            "reason": reason,
        }))?;
    }
    eprintln!(
        "refused: {}",
        release_core::untrusted::escape_multiline(reason)
    );
    Ok(crate::error::Outcome::No)
}
