//! `release init`: sets a repository up for the policy: a commented `release-policy.toml`, a
//! `CHANGELOG.md`, `docs/upgrading.md` and the two release workflows.
//!
//! The project's conventions win: the main branch is the remote's default (`origin/HEAD`, else
//! the current branch), new files get the permissions the umask gives, and a workflow that
//! `release init` did not write is never replaced, not even with `--force`: ours is written
//! beside it as `release-<name>` and the report says so.

use std::path::{Path, PathBuf};

use clap::Args;
use serde::Serialize;

use crate::context::Context;
use crate::error::{CliError, CliResult, Outcome};
use crate::output;

/// Arguments of `release init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Overwrite files that exist (their diff is shown).
    #[arg(long)]
    pub force: bool,
    /// Print what would be written, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// `owner/name` on GitHub (default: from the `origin` remote).
    #[arg(long, value_name = "OWNER/NAME")]
    pub repository: Option<String>,
    /// The image the workflows publish (default: `ghcr.io/OWNER/NAME`).
    #[arg(long, value_name = "NAME")]
    pub image: Option<String>,
    /// The main branch (default: the remote's default branch from `origin/HEAD`, else the
    /// current branch, else `main`).
    #[arg(long)]
    pub main_branch: Option<String>,
    /// The directory to set up (default: the current directory).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// What happened to one file.
#[derive(Debug, Serialize)]
struct FileReport {
    path: String,
    action: &'static str,
    diff: Option<String>,
    /// The project's own file this one was written beside (a workflow `release init` did not
    /// write).
    #[serde(skip_serializing_if = "Option::is_none")]
    beside: Option<String>,
}

/// The line every workflow template carries: a workflow without it is the project's own.
const OWN_MARKER: &str = "Written by `release init`.";

/// The files, their templates, and whether they hold the project's own writing (a changelog is
/// only ever created, never replaced, even with `--force`: its entries would be lost).
const FILES: &[(&str, &str, bool)] = &[
    (
        "release-policy.toml",
        include_str!("../../templates/release-policy.toml"),
        false,
    ),
    (
        "CHANGELOG.md",
        include_str!("../../templates/CHANGELOG.md"),
        true,
    ),
    (
        "docs/upgrading.md",
        include_str!("../../templates/upgrading.md"),
        true,
    ),
    (
        ".github/workflows/release.yml",
        include_str!("../../templates/release.yml"),
        false,
    ),
    (
        ".github/workflows/pilot-release.yml",
        include_str!("../../templates/pilot-release.yml"),
        false,
    ),
];

/// Runs `release init`.
pub fn run(ctx: &Context, args: InitArgs) -> CliResult {
    let dir = match &args.dir {
        Some(d) => d.clone(),
        None => std::env::current_dir()
            .map_err(|e| CliError::env(format!("cannot read the current directory: {e}")))?,
    };
    let repository = match args.repository.clone().or_else(|| github_repository(&dir)) {
        Some(r) => r,
        None => {
            return Err(CliError::input(
                "cannot tell the GitHub repository: no `origin` remote on GitHub; pass --repository OWNER/NAME",
            ))
        }
    };
    if !valid_repository(&repository) {
        return Err(CliError::input(format!(
            "repository {repository:?} is not `owner/name`"
        )));
    }
    let image = args
        .image
        .clone()
        .unwrap_or_else(|| format!("ghcr.io/{}", repository.to_ascii_lowercase()));
    let web_url = format!("https://github.com/{repository}");
    let main_branch = args
        .main_branch
        .clone()
        .or_else(|| default_branch(&dir))
        .unwrap_or_else(|| "main".into());
    let values = [
        ("{repository}", repository.as_str()),
        ("{image}", image.as_str()),
        ("{web_url}", web_url.as_str()),
        ("{main_branch}", main_branch.as_str()),
        ("{tag_prefix}", ctx.policy.tag_prefix.as_str()),
    ];
    let mut reports = Vec::new();
    let mut refused = false;
    for (relative, template, content) in FILES {
        let text = values
            .iter()
            .fold(template.to_string(), |t, (k, v)| t.replace(k, v));
        let mut relative = relative.to_string();
        let mut path = dir.join(&relative);
        let mut existing = read_existing(&path)?;
        let mut beside = None;
        // A workflow of the project's own under our name: ours goes beside it.
        if relative.starts_with(".github/workflows/")
            && existing
                .as_deref()
                .is_some_and(|old| !old.contains(OWN_MARKER))
        {
            let (folder, name) = relative.rsplit_once('/').unwrap_or(("", &relative));
            beside = Some(relative.clone());
            relative = format!("{folder}/release-{name}");
            path = dir.join(&relative);
            existing = read_existing(&path)?;
            if existing
                .as_deref()
                .is_some_and(|old| !old.contains(OWN_MARKER))
            {
                // Both names are the project's own: write nothing, block nothing.
                reports.push(FileReport {
                    path: relative,
                    action: "foreign",
                    diff: None,
                    beside,
                });
                continue;
            }
        }
        let (action, diff) = match existing {
            None => ("create", None),
            Some(old) if old == text => ("unchanged", None),
            Some(_) if *content => ("exists", None),
            Some(old) => {
                let diff = release_changelog::save::unified_diff(&relative, &old, &text);
                if args.force {
                    ("overwrite", Some(diff))
                } else {
                    refused = true;
                    ("kept", Some(diff))
                }
            }
        };
        if !args.dry_run && matches!(action, "create" | "overwrite") {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| {
                    CliError::env(format!("cannot create {}: {e}", parent.display()))
                })?;
            }
            let written = if action == "create" {
                create_new(&path, &text)
            } else {
                release_changelog::save::save_atomic(&path, &text)
            };
            written.map_err(|e| CliError::env(format!("cannot write {}: {e}", path.display())))?;
        }
        reports.push(FileReport {
            path: relative,
            action,
            diff,
            beside,
        });
    }
    if ctx.json {
        output::print_json(&reports)?;
    } else {
        for r in &reports {
            let verb = match (r.action, args.dry_run) {
                ("create", true) => "would create",
                ("overwrite", true) => "would overwrite",
                ("create", false) => "created",
                ("overwrite", false) => "overwrote",
                ("kept", _) => "kept (exists and differs; --force overwrites)",
                ("exists", _) => "kept (the project's own file; never replaced)",
                ("foreign", _) => {
                    "not written (the project's own workflows hold this name and the one beside it)"
                }
                _ => "unchanged",
            };
            println!("{verb}: {}", r.path);
            if let Some(own) = &r.beside {
                println!("  beside the project's own {own}, which is left as it is (release init never replaces a workflow it did not write, not even with --force)");
            }
            if let Some(diff) = &r.diff {
                if r.action == "overwrite" {
                    print!("{diff}");
                }
            }
        }
        if !args.dry_run && reports.iter().any(|r| r.action == "create") {
            println!("\nnext: add your release signers' public keys to keys/release-signers.asc, then `release status`");
        }
    }
    Ok(if refused { Outcome::No } else { Outcome::Ok })
}

fn read_existing(path: &Path) -> Result<Option<String>, CliError> {
    match std::fs::read_to_string(path) {
        Ok(s) => Ok(Some(s)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CliError::env(format!(
            "cannot read {}: {e}",
            path.display()
        ))),
    }
}

/// Writes a new file atomically with the permissions the umask gives (`0644` under `022`):
/// a temporary file created by `open(2)` in the same folder, synced, renamed into place.
/// (`tempfile`'s files are `0600`, right for secrets, wrong for a project's files.)
fn create_new(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let folder = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = folder.join(format!(".{name}.release-init-{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// The default branch: `origin/HEAD`'s target, else the current branch.
fn default_branch(dir: &Path) -> Option<String> {
    let repo = release_git::repo::Repo::discover(dir).ok()?;
    repo.origin_default_branch()
        .or_else(|| repo.current_branch().ok().flatten())
        .or_else(|| unborn_branch(&repo))
}

/// The branch HEAD names before the first commit (`git init -b trunk`).
fn unborn_branch(repo: &release_git::repo::Repo) -> Option<String> {
    let head = repo.git2().find_reference("HEAD").ok()?;
    head.symbolic_target()?
        .strip_prefix("refs/heads/")
        .map(str::to_string)
}

fn valid_repository(r: &str) -> bool {
    let ok = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
    };
    matches!(r.split_once('/'), Some((o, n)) if ok(o) && ok(n))
}

/// `owner/name` of the `origin` remote when it is on GitHub.
fn github_repository(dir: &Path) -> Option<String> {
    let repo = release_git::repo::Repo::discover(dir).ok()?;
    let url = repo.origin_web_url()?;
    let path = url.strip_prefix("https://github.com/")?;
    (path.split('/').count() == 2).then(|| path.to_string())
}
