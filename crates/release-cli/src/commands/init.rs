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
    /// How the workflows get `release`: this project's GitHub Action, `cargo install`, or the
    /// prebuilt static binary from its GitHub Release (checksum verified).
    #[arg(long, value_enum, default_value_t = Install::Action)]
    pub install: Install,
}

/// How a generated workflow installs `release`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Install {
    /// `uses: OWNER/NAME@vVERSION`: the Action installs the binary and runs `release ci`.
    Action,
    /// `cargo install --locked release-cli --version =VERSION` (compiles on every run).
    Cargo,
    /// The static binary for the runner from the GitHub Release, checked against `SHA256SUMS`.
    Binary,
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
    // The images: --image, else an existing policy file's, else ghcr.io/OWNER/NAME.
    let images: Vec<String> = match &args.image {
        Some(image) => vec![image.clone()],
        None if ctx.policy_path.is_some() && !ctx.policy().docker.images().is_empty() => {
            ctx.policy().docker.images().to_vec()
        }
        None => vec![format!("ghcr.io/{}", repository.to_ascii_lowercase())],
    };
    let image = images[0].clone();
    let registries = registries_of(&images)?;
    let binary = repository
        .rsplit_once('/')
        .map(|(_, name)| name.to_string())
        .unwrap_or_else(|| repository.clone());
    let tool = ToolSource::of_this_build()?;
    let web_url = format!("https://github.com/{repository}");
    let main_branch = args
        .main_branch
        .clone()
        .or_else(|| default_branch(&dir))
        .unwrap_or_else(|| "main".into());
    let release_gate = gate_steps(args.install, &tool, true);
    let pilot_gate = gate_steps(args.install, &tool, false);
    let install = install_steps(args.install, &tool, "needs.gate.outputs.promote_from != ''")
        .trim_end()
        .to_string();
    let logins = login_steps(&registries);
    let attest = attest_steps(&images);
    let workflow_values = [
        ("{install_steps}", install.as_str()),
        ("{login_steps}", logins.as_str()),
        ("{attest_steps}", attest.as_str()),
    ];
    let values = [
        ("{binary}", binary.as_str()),
        ("{repository}", repository.as_str()),
        ("{image}", image.as_str()),
        ("{web_url}", web_url.as_str()),
        ("{main_branch}", main_branch.as_str()),
        ("{tag_prefix}", ctx.policy().tag_prefix.as_str()),
    ];
    let mut reports = Vec::new();
    let mut refused = false;
    for (relative, template, content) in FILES {
        // The workflow blocks first: a block names the binary (`{binary}`), filled in after.
        let gate = if relative.ends_with("pilot-release.yml") {
            pilot_gate.as_str()
        } else {
            release_gate.as_str()
        };
        let text = workflow_values
            .iter()
            .chain([("{gate_steps}", gate)].iter())
            .chain(values.iter())
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

/// Where the generated workflows get `release` from: this build's own version and the
/// repository its `Cargo.toml` names (the one place the project's public home is written).
struct ToolSource {
    version: &'static str,
    /// `https://github.com/OWNER/NAME`.
    web_url: &'static str,
    /// `OWNER/NAME`, for `uses:`.
    action: String,
}

impl ToolSource {
    fn of_this_build() -> Result<Self, CliError> {
        let web_url = env!("CARGO_PKG_REPOSITORY").trim_end_matches('/');
        let action = web_url
            .strip_prefix("https://github.com/")
            .filter(|r| valid_repository(r))
            .ok_or_else(|| {
                CliError::env(format!(
                    "this build's repository {web_url:?} is not a GitHub repository: the workflows cannot name its Action or binaries"
                ))
            })?;
        Ok(Self {
            version: env!("CARGO_PKG_VERSION"),
            web_url,
            action: action.to_string(),
        })
    }
}

/// The steps (indented for a job's `steps:`) that install `release` without running it, under
/// `condition`.
fn install_steps(install: Install, tool: &ToolSource, condition: &str) -> String {
    match install {
        Install::Action => format!(
            "      - name: Install release\n        if: {condition}\n        uses: {}@v{}\n        with:\n          command: none\n",
            tool.action, tool.version
        ),
        Install::Cargo => format!(
            "      - name: Install release\n        if: {condition}\n        run: cargo install --locked release-cli --version ={}\n",
            tool.version
        ),
        Install::Binary => format!(
            "      - name: Install release\n        if: {condition}\n{}",
            binary_install(tool)
        ),
    }
}

/// `env:` and `run:` of a step that installs the static binary for the runner from the GitHub
/// Release and checks it against the release's `SHA256SUMS`.
fn binary_install(tool: &ToolSource) -> String {
    format!(
        r#"        env:
          RELEASE_VERSION: "{version}"
          RELEASE_DOWNLOAD: {web_url}/releases/download
        run: |
          set -euo pipefail
          case "$RUNNER_OS/$RUNNER_ARCH" in
            Linux/X64) target=x86_64-unknown-linux-musl ;;
            Linux/ARM64) target=aarch64-unknown-linux-musl ;;
            *) echo "::error::no prebuilt release for $RUNNER_OS/$RUNNER_ARCH; use release init --install cargo"; exit 1 ;;
          esac
          dir="$RUNNER_TEMP/release-bin"
          mkdir -p "$dir" && cd "$dir"
          curl -fsSL --retry 3 -o "release-$target" "$RELEASE_DOWNLOAD/v$RELEASE_VERSION/release-$target"
          curl -fsSL --retry 3 -o SHA256SUMS "$RELEASE_DOWNLOAD/v$RELEASE_VERSION/SHA256SUMS"
          grep " release-$target\$" SHA256SUMS | sha256sum -c -
          install -m 0755 "release-$target" release
          echo "$dir" >> "$GITHUB_PATH"
"#,
        version = tool.version,
        web_url = tool.web_url
    )
}

/// The gate: install `release` and run `release ci` as the step `release`, whose outputs the
/// later steps and jobs read. `tags`: the release workflow (re-fetch the tag, ask GitHub).
fn gate_steps(install: Install, tool: &ToolSource, tags: bool) -> String {
    let comment = if tags {
        "        # Verifies the tag (annotated, signed by a trusted key, pointing at this commit),\n        # refuses a version already released, and writes the plan to GITHUB_OUTPUT.\n"
    } else {
        "        # Plans edge, nightly-DATE and sha-SHA for this push, into GITHUB_OUTPUT.\n"
    };
    let run = if tags {
        "release ci --fetch-tag"
    } else {
        "release ci"
    };
    let gate = |how: &str| format!("      - name: Gate\n        id: release\n{comment}{how}");
    match install {
        Install::Action => gate(&format!(
            "        uses: {}@v{}\n        with:\n          github-token: ${{{{ secrets.GITHUB_TOKEN }}}}",
            tool.action, tool.version
        )),
        Install::Cargo => format!(
            "      - name: Install release\n        run: cargo install --locked release-cli --version ={}\n{}",
            tool.version,
            gate(&format!(
                "        run: {run}\n        env:\n          GITHUB_TOKEN: ${{{{ secrets.GITHUB_TOKEN }}}}"
            ))
        ),
        Install::Binary => format!(
            "      - name: Install release\n{}{}",
            binary_install(tool),
            gate(&format!(
                "        run: {run}\n        env:\n          GITHUB_TOKEN: ${{{{ secrets.GITHUB_TOKEN }}}}"
            ))
        ),
    }
}

/// The registries of the policy's images, in order, each once.
fn registries_of(images: &[String]) -> Result<Vec<String>, CliError> {
    let mut registries: Vec<String> = Vec::new();
    for image in images {
        let repository = release_registry::reference::ImageRepository::parse(image)
            .map_err(|e| CliError::input(format!("--image / [docker] images: {e}")))?;
        if !registries.contains(&repository.registry) {
            registries.push(repository.registry);
        }
    }
    Ok(registries)
}

/// One `docker/login-action` step per registry: ghcr.io with the workflow's own token, any
/// other registry with the repository secrets `REGISTRY_USERNAME` and `REGISTRY_PASSWORD`.
fn login_steps(registries: &[String]) -> String {
    registries
        .iter()
        .map(|registry| {
            let (user, password) = if registry == "ghcr.io" {
                ("${{ github.actor }}", "${{ secrets.GITHUB_TOKEN }}")
            } else {
                (
                    "${{ secrets.REGISTRY_USERNAME }}",
                    "${{ secrets.REGISTRY_PASSWORD }}",
                )
            };
            format!(
                "      - uses: docker/login-action@v3\n        with:\n          registry: {registry}\n          username: {user}\n          password: {password}\n"
            )
        })
        .collect::<String>()
        .trim_end()
        .to_string()
}

/// One build-provenance attestation per image, pushed to its registry (A2).
fn attest_steps(images: &[String]) -> String {
    images
        .iter()
        .map(|image| {
            format!(
                "      - uses: actions/attest-build-provenance@v2\n        if: needs.gate.outputs.promote_from == ''\n        with:\n          subject-name: {image}\n          subject-digest: ${{{{ steps.build.outputs.digest }}}}\n          push-to-registry: true\n"
            )
        })
        .collect::<String>()
        .trim_end()
        .to_string()
}
