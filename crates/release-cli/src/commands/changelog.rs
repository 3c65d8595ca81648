//! `release changelog ...`: lint, prepare, notes, add, yank, next (C1-C4, C6, R4).

use crate::lazy::Lazy;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use release_changelog::{self as cl, Changelog, Severity, Which};
use release_core::version::ReleaseVersion;
use serde::Serialize;

use crate::context::Context;
use crate::error::{CliError, CliResult, Outcome};
use crate::output;
use crate::released::ReleasedArgs;

/// Prints a line on stdout; a closed pipe (`| head`) is not an error worth a panic.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}
pub(crate) use say;

/// `release changelog ...`
#[derive(Debug, Subcommand)]
pub enum ChangelogCommand {
    /// Check the changelog: rule ids, line:column, severity, fix hints. Exit 1 on errors.
    Lint(Lazy<FileArgs>),
    /// Cut the release section: Unreleased entries move under `## [VERSION] - DATE` (C2, C3).
    Prepare(Lazy<PrepareArgs>),
    /// Print one version's notes (C6).
    Notes(Lazy<NotesArgs>),
    /// Add an entry under a category of Unreleased.
    Add(Lazy<AddArgs>),
    /// Mark a version `[YANKED]` with the reason and the replacement (R4).
    Yank(Lazy<YankArgs>),
    /// Suggest the next version from Unreleased's categories (V4). Exit 1 when there is
    /// nothing to release.
    Next(Lazy<NextArgs>),
    /// List the sections: version, date, yanked, line.
    List(Lazy<FileArgs>),
}

/// The file to work on.
#[derive(Debug, Args)]
pub struct FileArgs {
    /// The changelog (default: the policy's `changelog.path`).
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
}

/// Arguments of `prepare`.
#[derive(Debug, Args)]
pub struct PrepareArgs {
    /// The version to release (`0.7.0`; a leading `v` is accepted).
    #[arg(value_name = "VERSION")]
    pub release: String,
    /// The release date, `YYYY-MM-DD` (default: today, UTC).
    #[arg(long)]
    pub date: Option<String>,
    /// The repository's web URL for compare links (default: from the file's links, then the
    /// policy's `changelog.repository_url`, then the `origin` remote).
    #[arg(long, value_name = "URL")]
    pub repo_url: Option<String>,
    /// Print the unified diff; do not write.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub file: FileArgs,
}

/// Arguments of `notes`.
#[derive(Debug, Args)]
pub struct NotesArgs {
    /// The version (`1.2.3` or `v1.2.3`).
    #[arg(value_name = "VERSION", conflicts_with_all = ["latest", "unreleased"], required_unless_present_any = ["latest", "unreleased"])]
    pub release: Option<String>,
    /// The newest released section.
    #[arg(long, conflicts_with = "unreleased")]
    pub latest: bool,
    /// The Unreleased section.
    #[arg(long)]
    pub unreleased: bool,
    /// Print the heading too.
    #[arg(long)]
    pub with_heading: bool,
    /// Append the link definitions the notes use.
    #[arg(long)]
    pub with_links: bool,
    #[command(flatten)]
    pub file: FileArgs,
}

/// Arguments of `add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// The category (`Added`, `Changed`, `Deprecated`, `Removed`, `Fixed`, `Security`, or
    /// another name); created in Keep a Changelog order when missing.
    #[arg(long)]
    pub category: String,
    /// The entry's text.
    pub text: String,
    /// Print the unified diff; do not write.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub file: FileArgs,
}

/// Arguments of `yank`.
#[derive(Debug, Args)]
pub struct YankArgs {
    /// The version to mark.
    #[arg(value_name = "VERSION")]
    pub release: String,
    /// Why it was yanked (one line).
    #[arg(long)]
    pub reason: String,
    /// The version to use instead.
    #[arg(long = "use", value_name = "VERSION")]
    pub replacement: Option<String>,
    /// Print the unified diff; do not write.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub file: FileArgs,
}

/// Arguments of `next`.
#[derive(Debug, Args)]
pub struct NextArgs {
    #[command(flatten)]
    pub released: ReleasedArgs,
    #[command(flatten)]
    pub file: FileArgs,
}

/// Runs `release changelog ...`.
pub fn run(ctx: &Context, command: ChangelogCommand) -> CliResult {
    match command {
        ChangelogCommand::Lint(Lazy(args)) => lint(ctx, args),
        ChangelogCommand::Prepare(Lazy(args)) => prepare(ctx, args),
        ChangelogCommand::Notes(Lazy(args)) => notes(ctx, args),
        ChangelogCommand::Add(Lazy(args)) => add(ctx, args),
        ChangelogCommand::Yank(Lazy(args)) => yank(ctx, args),
        ChangelogCommand::Next(Lazy(args)) => next(ctx, args),
        ChangelogCommand::List(Lazy(args)) => list(ctx, args),
    }
}

/// The changelog path: `--file`, else the policy's.
fn path(ctx: &Context, file: &FileArgs) -> PathBuf {
    file.file
        .clone()
        .unwrap_or_else(|| ctx.resolve(&ctx.policy().changelog.path))
}

/// Reads a text file; a file that is not UTF-8 is bad input naming the file.
pub fn read_text(path: &Path) -> Result<String, CliError> {
    let bytes = std::fs::read(path)
        .map_err(|e| CliError::env(format!("cannot read {}: {e}", path.display())))?;
    String::from_utf8(bytes).map_err(|e| {
        CliError::input(format!(
            "{} is not UTF-8 text (byte {} is invalid)",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })
}

fn lib_err(path: &Path, e: cl::Error) -> CliError {
    CliError::input(format!("{}: {e}", path.display()))
}

#[derive(Debug, Serialize)]
struct LintReport<'a> {
    file: String,
    errors: usize,
    warnings: usize,
    diagnostics: &'a [cl::Diagnostic],
}

fn lint(ctx: &Context, args: FileArgs) -> CliResult {
    let path = path(ctx, &args);
    let doc = Changelog::parse(read_text(&path)?);
    let diags = cl::lint(&doc, ctx.policy());
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diags.len() - errors;
    if ctx.json {
        output::print_json(&LintReport {
            file: path.display().to_string(),
            errors,
            warnings,
            diagnostics: &diags,
        })?;
    } else {
        // One write for the whole report (stdout is line-buffered: a large file's findings
        // were one system call each). The findings quote the file's text: escaped (untrusted).
        use release_core::untrusted::escape;
        use std::fmt::Write as _;
        let file = path.display().to_string();
        let file = escape(&file);
        let mut out = String::with_capacity(diags.len() * 160 + 40);
        for d in &diags {
            let sev = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let _ = writeln!(
                out,
                "{file}:{}:{}: {sev}[{}]: {} (hint: {})",
                d.line,
                d.column,
                d.rule,
                escape(&d.message),
                escape(&d.hint)
            );
        }
        let _ = write!(out, "{errors} error(s), {warnings} warning(s)");
        say!("{out}");
    }
    Ok(if errors > 0 { Outcome::No } else { Outcome::Ok })
}

/// The JSON of a file edit: the same in a dry run and a real one.
#[derive(Debug, Serialize)]
pub struct EditReport {
    /// The file.
    pub file: String,
    /// True when nothing was written.
    pub dry_run: bool,
    /// True when the text changed.
    pub changed: bool,
    /// What changed.
    pub changes: Vec<String>,
    /// Things to know.
    pub warnings: Vec<String>,
    /// The unified diff.
    pub diff: String,
}

/// Shows or writes an edit.
pub fn finish_edit(
    ctx: &Context,
    path: &Path,
    old: &str,
    edit: cl::Edit,
    dry_run: bool,
) -> CliResult {
    // The diff names the file relative to the repository root, as `git diff` does.
    let name = path
        .strip_prefix(&ctx.root)
        .unwrap_or(path)
        .display()
        .to_string();
    // The diff costs a line diff of the whole file: only when it is shown.
    let diff = if dry_run || ctx.json {
        cl::save::unified_diff(&name, old, &edit.text)
    } else {
        String::new()
    };
    if !dry_run && edit.text != old {
        cl::save::save_atomic(path, &edit.text)
            .map_err(|e| CliError::env(format!("cannot write {name}: {e}")))?;
    }
    for w in &edit.warnings {
        eprintln!("warning: {w}");
    }
    if ctx.json {
        output::print_json(&EditReport {
            file: name,
            dry_run,
            changed: edit.text != old,
            changes: edit.changes,
            warnings: edit.warnings,
            diff,
        })?;
    } else if dry_run {
        print!("{diff}");
    } else {
        for c in &edit.changes {
            say!("{name}: {c}");
        }
    }
    Ok(Outcome::Ok)
}

/// Today's UTC date, `YYYY-MM-DD`.
pub fn today() -> String {
    let d = time::OffsetDateTime::now_utc().date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

fn prepare(ctx: &Context, args: PrepareArgs) -> CliResult {
    let path = path(ctx, &args.file);
    let old = read_text(&path)?;
    // prepare needs the sections and link definitions, not every category and entry.
    let doc = Changelog::parse_sections(old);
    let date = args.date.unwrap_or_else(today);
    // The git remote is the last resort for the repository URL (after --repo-url, the file's
    // own links and the policy); a folder that is not a repository just has none.
    let remote = release_git::repo::Repo::discover(&ctx.root)
        .ok()
        .and_then(|r| r.origin_web_url());
    let mut opts = cl::PrepareOptions::new(&args.release, &date, ctx.policy());
    opts.repo_url = args.repo_url.as_deref();
    opts.remote_url = remote.as_deref();
    let planned = cl::plan_prepare(&doc, &opts).map_err(|e| lib_err(&path, e))?;
    if args.dry_run || ctx.json {
        let edit = planned.apply(&doc.text);
        return finish_edit(ctx, &path, &doc.text, edit, args.dry_run);
    }
    // Written straight from the splices: the new text is never held in memory.
    cl::save::save_atomic_with(&path, |w| planned.write_to(&doc.text, w))
        .map_err(|e| CliError::env(format!("cannot write {}: {e}", path.display())))?;
    for w in &planned.warnings {
        eprintln!("warning: {w}");
    }
    let name = path
        .strip_prefix(&ctx.root)
        .unwrap_or(&path)
        .display()
        .to_string();
    for c in &planned.changes {
        say!("{name}: {c}");
    }
    Ok(Outcome::Ok)
}

fn notes(ctx: &Context, args: NotesArgs) -> CliResult {
    let path = path(ctx, &args.file);
    let text = read_text(&path)?;
    let which = match (&args.release, args.latest, args.unreleased) {
        (Some(v), _, _) => Which::Version(v.clone()),
        (None, true, _) => Which::Latest,
        _ => Which::Unreleased,
    };
    // Notes need sections and link definitions only; `--latest` without links reads only as
    // far as the first released section.
    let doc = if which == Which::Latest && !args.with_links && !ctx.json {
        Changelog::parse_latest(text)
    } else {
        Changelog::parse_sections(text)
    };
    let n = cl::notes(&doc, &which).map_err(|e| lib_err(&path, e))?;
    if ctx.json {
        output::print_json(&n)?;
    } else {
        use std::io::Write;
        let out = n.render(args.with_heading, args.with_links, doc.newline);
        std::io::stdout()
            .write_all(out.as_bytes())
            .map_err(|e| CliError::env(format!("cannot write to stdout: {e}")))?;
    }
    Ok(Outcome::Ok)
}

fn add(ctx: &Context, args: AddArgs) -> CliResult {
    let path = path(ctx, &args.file);
    let old = read_text(&path)?;
    let doc = Changelog::parse(old.clone());
    let edit = cl::add_with(&doc, &args.category, &args.text, ctx.policy())
        .map_err(|e| lib_err(&path, e))?;
    finish_edit(ctx, &path, &old, edit, args.dry_run)
}

fn yank(ctx: &Context, args: YankArgs) -> CliResult {
    let path = path(ctx, &args.file);
    let old = read_text(&path)?;
    let doc = Changelog::parse(old.clone());
    let edit = cl::yank(
        &doc,
        &args.release,
        &args.reason,
        args.replacement.as_deref(),
        ctx.policy(),
    )
    .map_err(|e| lib_err(&path, e))?;
    finish_edit(ctx, &path, &old, edit, args.dry_run)
}

#[derive(Debug, Serialize)]
struct NextReport {
    next: Option<cl::NextVersion>,
    tag: Option<String>,
}

fn next(ctx: &Context, args: NextArgs) -> CliResult {
    let path = path(ctx, &args.file);
    let doc = Changelog::parse(read_text(&path)?);
    let released: Option<ReleaseVersion> =
        if args.released.given() {
            let history = args.released.history(ctx.policy())?;
            Some(history.newest_stable().cloned().ok_or_else(|| {
                CliError::input("--released names no stable release to bump from")
            })?)
        } else {
            None
        };
    let next = cl::next(&doc, released.as_ref(), ctx.policy()).map_err(|e| lib_err(&path, e))?;
    let tag = next.as_ref().and_then(|n| {
        ReleaseVersion::parse_version(&n.version, ctx.policy())
            .ok()
            .map(|v| v.tag(ctx.policy()))
    });
    let outcome = if next.is_some() {
        Outcome::Ok
    } else {
        Outcome::No
    };
    if ctx.json {
        output::print_json(&NextReport { next, tag })?;
    } else {
        match next {
            Some(n) => say!("{}", n.version),
            None => eprintln!(
                "{}: Unreleased has no entries: nothing to release",
                path.display()
            ),
        }
    }
    Ok(outcome)
}

#[derive(Debug, Serialize)]
struct ListedSection {
    version: String,
    date: Option<String>,
    yanked: bool,
    line: usize,
    entries: usize,
}

fn list(ctx: &Context, args: FileArgs) -> CliResult {
    let path = path(ctx, &args);
    let doc = Changelog::parse(read_text(&path)?);
    let text = &doc.text;
    let sections: Vec<ListedSection> = doc
        .sections
        .iter()
        .map(|s| ListedSection {
            version: if s.is_unreleased() {
                "Unreleased".into()
            } else {
                s.version(text).to_string()
            },
            date: s.date(text).map(str::to_string),
            yanked: s.parts.yanked.is_some(),
            line: doc.line_of(s.heading.span.start),
            entries: s.entries().count(),
        })
        .collect();
    if ctx.json {
        output::print_json(&sections)?;
    } else {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        for s in &sections {
            // A closed pipe (`| head`) ends the listing quietly.
            if writeln!(out, "{}", s.version).is_err() {
                break;
            }
        }
    }
    Ok(Outcome::Ok)
}
