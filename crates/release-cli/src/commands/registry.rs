//! `release registry tags|digest|retag|reconcile|push-sample`, and the registry/GitHub options the
//! publishing commands (`verify`, `rollback`, `promote`) share.

use crate::lazy::Lazy;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};
use release_core::history::History;
use release_core::policy::Policy;
use release_core::rollback::{FixAction, ReconcilePlan};
use release_core::untrusted::escape;
use release_core::version::ReleaseVersion;
use release_registry::client::{Resolved, TargetAction, TargetReport, TargetStatus};
use release_registry::credentials::{Credential, CredentialSource};
use release_registry::github::GitHub;
use release_registry::retry::RetryPolicy;
use release_registry::{
    ClientOptions, ImageRef, ImageRepository, Registry, RegistryError, RetagOptions, Secret,
};
use serde::Serialize;

use crate::context::Context;
use crate::error::{CliError, CliResult, Outcome};
use crate::output;

/// How to reach registries: credentials, plain-HTTP hosts, timeouts.
#[derive(Debug, Clone, Args)]
pub struct ConnectArgs {
    /// User name for the registry (with `--password-stdin`); otherwise docker's config,
    /// credential helpers, and `GITHUB_TOKEN` for ghcr.io are used.
    #[arg(long, value_name = "USER", requires = "password_stdin")]
    pub username: Option<String>,
    /// Read the registry password or token from stdin.
    #[arg(long, requires = "username")]
    pub password_stdin: bool,
    /// Speak plain HTTP to this registry (`HOST` or `HOST:PORT`). Loopback registries always
    /// use plain HTTP; every other host uses HTTPS unless named here.
    #[arg(long = "insecure-registry", value_name = "HOST")]
    pub insecure: Vec<String>,
    /// Timeout of one request, in seconds.
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    pub timeout: u64,
    /// Attempts per request on 408/429/5xx and connection errors.
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub attempts: u32,
}

impl ConnectArgs {
    /// The retry policy from the flags.
    pub fn retry(&self) -> RetryPolicy {
        RetryPolicy {
            attempts: self.attempts.max(1),
            timeout: Duration::from_secs(self.timeout.max(1)),
            ..RetryPolicy::default()
        }
    }

    /// A registry client (reads the password from stdin when asked).
    pub fn connect(&self) -> Result<Registry, CliError> {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let mut credentials = CredentialSource::from_env_values(
            env("DOCKER_CONFIG").map(PathBuf::from),
            env("HOME").map(PathBuf::from),
            env("GITHUB_TOKEN"),
            env("GITHUB_ACTOR"),
        );
        if let (Some(user), true) = (&self.username, self.password_stdin) {
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .map_err(|e| CliError::env(format!("cannot read the password from stdin: {e}")))?;
            let password = password.trim_end_matches(['\n', '\r']).to_string();
            if password.is_empty() {
                return Err(CliError::input("--password-stdin: stdin was empty"));
            }
            credentials.explicit = Some(Credential::Basic {
                username: user.clone(),
                password: Secret::new(password),
            });
        }
        Registry::new(ClientOptions {
            insecure: self.insecure.clone(),
            retry: self.retry(),
            credentials,
            ..ClientOptions::default()
        })
        .map_err(registry_error)
    }
}

/// Refuses `--password-stdin` together with `--released-file -`: stdin can feed only one.
pub fn check_stdin(
    connect: &ConnectArgs,
    released: &crate::released::ReleasedArgs,
) -> Result<(), CliError> {
    if connect.password_stdin
        && released
            .released_file
            .as_deref()
            .is_some_and(|p| p.as_os_str() == "-")
    {
        return Err(CliError::input(
            "--password-stdin and --released-file - both read stdin; pass the released tags with --released or a file",
        ));
    }
    Ok(())
}

/// Where the GitHub Release lives.
#[derive(Debug, Clone, Args)]
pub struct GithubArgs {
    /// `owner/name` of the GitHub repository (default: the policy's `github.repository`, else
    /// `GITHUB_REPOSITORY`).
    #[arg(long, value_name = "OWNER/NAME")]
    pub github_repo: Option<String>,
    /// GitHub REST API base (default: the policy's `github.api_base`; GitHub Enterprise:
    /// `https://HOST/api/v3`). The token is `GITHUB_TOKEN`.
    #[arg(long, value_name = "URL")]
    pub github_api: Option<String>,
    /// Leave GitHub out (no release check, no banner).
    #[arg(long)]
    pub no_github: bool,
}

impl GithubArgs {
    /// The client, or `None` with `--no-github`.
    pub fn client(&self, policy: &Policy, retry: RetryPolicy) -> Result<Option<GitHub>, CliError> {
        if self.no_github {
            return Ok(None);
        }
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let repo = self
            .github_repo
            .clone()
            .or_else(|| Some(policy.github.repository.clone()).filter(|r| !r.is_empty()))
            .or_else(|| env("GITHUB_REPOSITORY"))
            .ok_or_else(|| {
                CliError::input("no GitHub repository: pass --github-repo OWNER/NAME or set github.repository in the policy")
            })?;
        let api = self
            .github_api
            .clone()
            .unwrap_or_else(|| policy.github.api_base().to_string());
        GitHub::new(&api, &repo, env("GITHUB_TOKEN").map(Secret::new), retry)
            .map(Some)
            .map_err(registry_error)
    }
}

/// Maps a registry error to an exit code: bad input 2, everything else (network, auth,
/// registry state) 3.
pub fn registry_error(e: RegistryError) -> CliError {
    if e.is_input() {
        CliError::input(e)
    } else {
        CliError::env(e)
    }
}

/// Runs a future on a current-thread runtime, with a spinner on a terminal when it takes a
/// while (never in CI).
pub fn block_on<F: std::future::Future>(future: F) -> Result<F::Output, CliError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::env(format!("cannot start the async runtime: {e}")))?;
    Ok(rt.block_on(crate::progress::with_spinner(
        "talking to the registry and GitHub",
        future,
    )))
}

/// The image to work on: `--image`, else the policy's first image.
pub fn image_repository(image: Option<&str>, policy: &Policy) -> Result<ImageRepository, CliError> {
    let name = match image {
        Some(i) => i.to_string(),
        None => policy.docker.images().first().cloned().ok_or_else(|| {
            CliError::input("no image: pass --image NAME or set docker.images in the policy")
        })?,
    };
    ImageRepository::parse(&name).map_err(registry_error)
}

/// A version given as `0.4.0` or as its tag `v0.4.0`.
pub fn parse_version_arg(text: &str, policy: &Policy) -> Result<ReleaseVersion, CliError> {
    ReleaseVersion::parse_tag(text, policy)
        .or_else(|_| ReleaseVersion::parse_version(text, policy))
        .map_err(CliError::input)
}

/// The release history from registry tags (bare versions; aliases and other tags ignored).
pub fn history_from_image_tags(tags: &[String], policy: &Policy) -> History {
    History::from_versions(
        tags.iter()
            .filter_map(|t| ReleaseVersion::parse_version(t, policy).ok())
            .collect::<Vec<_>>(),
    )
}

/// Parses `--yanked` versions.
pub fn parse_yanked(list: &[String], policy: &Policy) -> Result<Vec<ReleaseVersion>, CliError> {
    list.iter().map(|v| parse_version_arg(v, policy)).collect()
}

/// The yanked releases (R5): the record on the main branch (the changelog's `[YANKED]` marks,
/// read through git objects) plus any `--yanked` given. Outside a repository, or when the
/// record cannot be read, only `--yanked` counts and a note says so.
pub fn yanked_versions(
    ctx: &crate::context::Context,
    list: &[String],
    policy: &Policy,
) -> Result<Vec<ReleaseVersion>, CliError> {
    let mut yanked = parse_yanked(list, policy)?;
    match crate::gitctx::open_repo(ctx) {
        Ok(repo) => match crate::gitctx::yanked_record(ctx, repo) {
            Ok(record) => {
                for v in record {
                    if !yanked.contains(&v) {
                        yanked.push(v);
                    }
                }
            }
            Err(why) => eprintln!("note: the yanked record was not read: {why}"),
        },
        Err(_) => {
            if list.is_empty() {
                eprintln!("note: not in a git repository: no yanked record; give --yanked");
            }
        }
    }
    Ok(yanked)
}

/// `release registry ...`
#[derive(Debug, Subcommand)]
pub enum RegistryCommand {
    /// List an image's tags (follows pagination).
    Tags(Lazy<TagsArgs>),
    /// The digest a tag points at.
    Digest(Lazy<DigestArgs>),
    /// Point target tags at the source's manifest, byte for byte (dry run unless --execute).
    Retag(Lazy<RetagArgs>),
    /// Recompute where every alias (`latest`, `X`, `X.Y`) belongs from the registry's own tags,
    /// and fix what is wrong (dry run unless --execute).
    Reconcile(Lazy<ReconcileArgs>),
    /// Push a tiny sample image (two platforms, an SBOM and provenance) under tags, to try
    /// `promote`, `verify` and `rollback` without a Docker engine (dry run unless --execute).
    PushSample(Lazy<crate::commands::sample::PushSampleArgs>),
}

/// Arguments of `release registry tags`.
#[derive(Debug, Args)]
pub struct TagsArgs {
    /// The image (`ghcr.io/owner/app`, `127.0.0.1:5000/app`).
    pub image: String,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// Arguments of `release registry digest`.
#[derive(Debug, Args)]
pub struct DigestArgs {
    /// `IMAGE:TAG` (or `IMAGE@sha256:…`); several are resolved in parallel.
    #[arg(required = true, value_name = "IMAGE:TAG")]
    pub references: Vec<String>,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// Arguments of `release registry retag`.
#[derive(Debug, Args)]
pub struct RetagArgs {
    /// The image.
    pub image: String,
    /// The tag (or `sha256:` digest) whose manifest the targets get.
    pub source: String,
    /// The tags to point at it.
    #[arg(required = true)]
    pub targets: Vec<String>,
    /// Act (default: a dry run that only reads).
    #[arg(long)]
    pub execute: bool,
    /// Put every target without checking it first (the fewest requests; PUTting the same
    /// bytes again changes nothing).
    #[arg(long)]
    pub no_check: bool,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// Arguments of `release registry reconcile`.
#[derive(Debug, Args)]
pub struct ReconcileArgs {
    /// The image (default: the policy's first image).
    pub image: Option<String>,
    /// Versions rolled back (never an alias target), comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "VERSION,...")]
    pub yanked: Vec<String>,
    /// Act (default: a dry run that only reads).
    #[arg(long)]
    pub execute: bool,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// Runs `release registry ...`.
pub fn run(ctx: &Context, command: RegistryCommand) -> CliResult {
    match command {
        RegistryCommand::Tags(Lazy(a)) => tags(ctx, a),
        RegistryCommand::Digest(Lazy(a)) => digest(ctx, a),
        RegistryCommand::Retag(Lazy(a)) => retag(ctx, a),
        RegistryCommand::Reconcile(Lazy(a)) => reconcile(ctx, a),
        RegistryCommand::PushSample(Lazy(a)) => crate::commands::sample::run(ctx, a),
    }
}

#[derive(Serialize)]
struct TagsReport<'a> {
    repository: String,
    tags: &'a [String],
}

fn tags(ctx: &Context, args: TagsArgs) -> CliResult {
    let repo = ImageRepository::parse(&args.image).map_err(registry_error)?;
    let client = args.connect.connect()?;
    let tags = block_on(client.list_tags(&repo))?.map_err(registry_error)?;
    if ctx.json {
        output::print_json(&TagsReport {
            repository: repo.to_string(),
            tags: &tags,
        })?;
    } else {
        // Tag names come from the registry: a newline or an escape sequence in one must not
        // draw a line of its own.
        for t in &tags {
            println!("{}", escape(t));
        }
    }
    Ok(Outcome::Ok)
}

fn digest(ctx: &Context, args: DigestArgs) -> CliResult {
    let mut images = Vec::new();
    for text in &args.references {
        let image = ImageRef::parse(text).map_err(registry_error)?;
        if image.tag.is_none() && image.digest.is_none() {
            return Err(CliError::input(format!(
                "{text:?} names no tag: write IMAGE:TAG"
            )));
        }
        images.push(image);
    }
    let client = args.connect.connect()?;
    // One HEAD per reference; references to one repository share auth and go in parallel.
    let results = block_on(async {
        let mut out: Vec<Option<Result<Resolved, RegistryError>>> =
            images.iter().map(|_| None).collect();
        let mut repos: Vec<&ImageRepository> = images.iter().map(|i| &i.repository).collect();
        repos.dedup();
        for repo in repos {
            let idx: Vec<usize> = (0..images.len())
                .filter(|i| &images[*i].repository == repo)
                .collect();
            let refs: Vec<String> = idx.iter().map(|i| images[*i].reference()).collect();
            for (i, r) in idx.into_iter().zip(client.resolve_many(repo, &refs).await) {
                out[i] = Some(r);
            }
        }
        out
    })?;
    #[derive(Serialize)]
    struct Out {
        reference: String,
        #[serde(flatten)]
        resolved: Option<Resolved>,
        error: Option<String>,
    }
    let mut report = Vec::new();
    let mut missing = false;
    for (image, r) in images.iter().zip(results) {
        match r {
            Some(Ok(resolved)) => report.push(Out {
                reference: image.to_string(),
                resolved: Some(resolved),
                error: None,
            }),
            Some(Err(e)) if e.is_not_found() => {
                missing = true;
                report.push(Out {
                    reference: image.to_string(),
                    resolved: None,
                    error: Some(e.to_string()),
                });
            }
            Some(Err(e)) => return Err(registry_error(e)),
            None => return Err(CliError::env("internal: a lookup was lost")),
        }
    }
    if ctx.json {
        output::print_json(&report)?;
    } else {
        for o in &report {
            match (&o.resolved, report.len()) {
                (Some(r), 1) => println!("{}", r.digest),
                (Some(r), _) => println!("{} {}", o.reference, r.digest),
                (None, _) => eprintln!("{}", escape(o.error.as_deref().unwrap_or("not found"))),
            }
        }
    }
    Ok(if missing { Outcome::No } else { Outcome::Ok })
}

/// Renders target reports as lines for people.
pub fn render_targets(
    out: &mut String,
    repo: &str,
    digest: &str,
    targets: &[TargetReport],
    execute: bool,
) {
    for t in targets {
        let what = match t.action {
            TargetAction::Unchanged => "already right".to_string(),
            TargetAction::Create => "create".to_string(),
            TargetAction::Move => format!(
                "move from {}",
                t.before.as_ref().map(|d| d.as_str()).unwrap_or("?")
            ),
            TargetAction::Put => "put".to_string(),
        };
        let status = match &t.status {
            TargetStatus::Planned if !execute => "dry run".to_string(),
            TargetStatus::Planned => "planned".to_string(),
            TargetStatus::Done if t.action == TargetAction::Unchanged => "unchanged".to_string(),
            TargetStatus::Done => "done".to_string(),
            TargetStatus::Failed(e) => format!("FAILED: {}", escape(e)),
            TargetStatus::NotAttempted(e) => escape(e).into_owned(),
        };
        let _ = writeln!(
            out,
            "  {repo}:{} -> {digest}  {what}  [{status}]",
            escape(&t.tag)
        );
    }
}

fn retag(ctx: &Context, args: RetagArgs) -> CliResult {
    let repo = ImageRepository::parse(&args.image).map_err(registry_error)?;
    let client = args.connect.connect()?;
    let options = RetagOptions {
        execute: args.execute,
        check: !args.no_check,
    };
    let report = block_on(client.retag(&repo, &args.source, &args.targets, options))?
        .map_err(registry_error)?;
    if ctx.json {
        #[derive(Serialize)]
        struct Out<'a> {
            execute: bool,
            ok: bool,
            #[serde(flatten)]
            report: &'a release_registry::RetagReport,
        }
        output::print_json(&Out {
            execute: args.execute,
            ok: report.ok(),
            report: &report,
        })?;
    } else {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} {} ({})",
            report.repository, report.source, report.digest
        );
        render_targets(
            &mut out,
            &report.repository,
            report.digest.as_str(),
            &report.targets,
            args.execute,
        );
        if !args.execute {
            let _ = writeln!(out, "dry run: nothing was written; add --execute to act");
        }
        print!("{out}");
    }
    failures(&report.targets)
}

/// Exit 3 naming the failed targets (and those left out after a failure), after the report
/// was printed.
pub fn failures(targets: &[TargetReport]) -> CliResult {
    let failed: Vec<&str> = targets
        .iter()
        .filter(|t| {
            matches!(
                t.status,
                TargetStatus::Failed(_) | TargetStatus::NotAttempted(_)
            )
        })
        .map(|t| t.tag.as_str())
        .collect();
    if failed.is_empty() {
        Ok(Outcome::Ok)
    } else {
        Err(CliError::env(format!(
            "{} of {} tags failed or were not attempted ({}); the others are as reported, and a re-run is safe",
            failed.len(),
            targets.len(),
            failed.join(", ")
        )))
    }
}

/// One alias in a reconcile.
#[derive(Debug, Serialize)]
pub struct AliasState {
    /// The alias tag.
    pub alias: String,
    /// The version it belongs to (T6).
    pub target: String,
    /// The digest it has now, if it exists.
    pub current: Option<String>,
    /// The target version's digest.
    pub wanted: String,
    /// `ok`, `create` or `move`.
    pub action: &'static str,
    /// `ok`, `dry run`, `done`, `failed: …`.
    pub status: String,
}

#[derive(Serialize)]
struct ReconcileReport {
    repository: String,
    execute: bool,
    versions: usize,
    yanked: Vec<String>,
    aliases: Vec<AliasState>,
    /// Aliases present in the registry whose scope has no good release: left as they are.
    left: Vec<String>,
    ok: bool,
}

fn reconcile(ctx: &Context, args: ReconcileArgs) -> CliResult {
    let policy = &ctx.policy();
    let repo = image_repository(args.image.as_deref(), policy)?;
    let yanked = yanked_versions(ctx, &args.yanked, policy)?;
    let client = args.connect.connect()?;
    let report = block_on(async {
        let tags = client.list_tags(&repo).await?;
        let history = history_from_image_tags(&tags, policy);
        // One HEAD per alias and per version an alias should be on; the plan is core's.
        let names = ReconcilePlan::names_to_resolve(&history, &yanked, &tags, policy);
        let resolved = client.resolve_many(&repo, &names).await;
        let mut digest_of = BTreeMap::new();
        for (name, r) in names.iter().zip(resolved) {
            match r {
                Ok(r) => {
                    digest_of.insert(name.clone(), r.digest.to_string());
                }
                Err(e) if e.is_not_found() => {}
                Err(e) => return Err(e),
            }
        }
        let plan = ReconcilePlan::compute(&history, &yanked, &tags, &digest_of, policy);
        let mut aliases: Vec<AliasState> = plan
            .aliases
            .iter()
            .map(|fix| AliasState {
                alias: fix.alias.clone(),
                target: fix.target.to_string(),
                current: fix.current.clone(),
                wanted: fix.wanted.clone(),
                action: fix.action.as_str(),
                status: if fix.action == FixAction::Ok {
                    "ok".into()
                } else {
                    "dry run".into()
                },
            })
            .collect();
        let left = plan.left.clone();
        if args.execute {
            // In the plan's order (`latest` last), one retag per run of aliases with the same
            // target; the first failure stops every move after it.
            let mut earlier_failed = false;
            for (target, idx) in plan.batches() {
                if earlier_failed {
                    for i in idx {
                        aliases[i].status = "not attempted: an earlier move failed".into();
                    }
                    continue;
                }
                let names: Vec<String> = idx.iter().map(|i| aliases[*i].alias.clone()).collect();
                let r = client
                    .retag(
                        &repo,
                        &target.to_string(),
                        &names,
                        RetagOptions {
                            execute: true,
                            check: false,
                        },
                    )
                    .await;
                match r {
                    Ok(rep) => {
                        for (i, t) in idx.iter().zip(rep.targets) {
                            aliases[*i].status = match t.status {
                                TargetStatus::Failed(e) => {
                                    earlier_failed = true;
                                    format!("failed: {e}")
                                }
                                TargetStatus::NotAttempted(_) => {
                                    earlier_failed = true;
                                    "not attempted: an earlier move failed".into()
                                }
                                _ => "done".into(),
                            };
                        }
                    }
                    Err(e) => {
                        earlier_failed = true;
                        for i in idx {
                            aliases[i].status = format!("failed: {e}");
                        }
                    }
                }
            }
        }
        let ok = aliases
            .iter()
            .all(|a| a.status == "ok" || a.status == "done");
        Ok(ReconcileReport {
            repository: repo.to_string(),
            execute: args.execute,
            versions: history.stables().count(),
            yanked: yanked.iter().map(ToString::to_string).collect(),
            aliases,
            left,
            ok,
        })
    })?
    .map_err(registry_error)?;
    if ctx.json {
        output::print_json(&report)?;
    } else {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} ({} stable releases)",
            report.repository, report.versions
        );
        for a in &report.aliases {
            let _ = writeln!(
                out,
                "  {:<8} -> {:<10} {:<7} [{}]",
                a.alias,
                a.target,
                a.action,
                escape(&a.status)
            );
        }
        for l in &report.left {
            let _ = writeln!(
                out,
                "  {l:<8} left as it is: no good release in its scope (R3)"
            );
        }
        if !args.execute && !report.ok {
            let _ = writeln!(out, "dry run: nothing was written; add --execute to fix");
        }
        print!("{out}");
    }
    if report
        .aliases
        .iter()
        .any(|a| a.status.starts_with("failed") || a.status.starts_with("not attempted"))
    {
        return Err(CliError::env(
            "some aliases could not be moved; see the report (a re-run is safe)",
        ));
    }
    Ok(if report.ok { Outcome::Ok } else { Outcome::No })
}
