//! The documentation, run: the README's "A release cycle in five minutes" and the command
//! sequences of `docs/procedures/*.md`, extracted from the Markdown and run **as written**, in
//! order, by one `bash` in a fresh folder with `release` (this build) first on `PATH`.
//!
//! The only rewrite is the registry port: `127.0.0.1:5000` becomes a free loopback port. Every
//! command line is followed by a status check (instrumentation, not a change of the command), so
//! the first failing line fails the test with its output. HOME and GNUPGHOME are fresh
//! temporary folders (the user's keys and git config are never read), and everything is cleaned
//! up, also when a step fails: the shell's process group is killed (the registry started with
//! `&` is in it), the gpg-agent of the temporary GNUPGHOME is stopped, the folder is removed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(unused_imports)]
use release_testkit::registry as registry_support;

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository's top folder.
fn top() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The fenced `sh` blocks of a Markdown text, in order, each as its lines (the list-item
/// indentation removed).
fn sh_blocks(markdown: &str) -> Vec<Vec<String>> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, Vec<String>)> = None;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        match &mut current {
            None if trimmed == "```sh" => current = Some((indent, Vec::new())),
            None => {}
            Some((_, lines)) if trimmed == "```" => {
                blocks.push(std::mem::take(lines));
                current = None;
            }
            Some((indent, lines)) => {
                let cut = line.len() - line.trim_start().len();
                lines.push(line[cut.min(*indent)..].to_string());
            }
        }
    }
    assert!(current.is_none(), "an unclosed ```sh block");
    blocks
}

/// The text of the section that starts with `heading`, up to the next heading of its level.
fn section<'a>(markdown: &'a str, heading: &str) -> &'a str {
    let start = markdown
        .find(&format!("{heading}\n"))
        .unwrap_or_else(|| panic!("no section {heading:?}"));
    let level = heading.split(' ').next().unwrap();
    let rest = &markdown[start + heading.len()..];
    let end = rest.find(&format!("\n{level} ")).unwrap_or(rest.len());
    &rest[..end]
}

/// A free loopback port.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A part of a run: a documentation block (its lines), or a fixture script.
enum Part {
    Doc(Vec<String>),
    Fixture(String),
}

/// Bash that waits until something listens on the loopback `port`.
fn wait_for_port(port: u16) -> String {
    format!("for __i in $(seq 200); do (echo > /dev/tcp/127.0.0.1/{port}) 2>/dev/null && break; sleep 0.05; done\n")
}

/// Single-quotes `text` for bash.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// A fresh folder with a fresh home, `release` on `PATH`, and cleanup of everything started in
/// it when dropped.
struct Sandbox {
    dir: tempfile::TempDir,
    /// Variables the user would have set (`GITHUB_TOKEN` for the fake GitHub).
    env: Vec<(String, String)>,
    /// The process group of the last shell run (the registry started with `&` is in it).
    groups: Vec<u32>,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::Builder::new()
            .prefix("rwt-")
            .tempdir_in("/tmp")
            .unwrap();
        for sub in ["bin", "home", "work"] {
            std::fs::create_dir(dir.path().join(sub)).unwrap();
        }
        let gnupg = dir.path().join("home/.gnupg");
        std::fs::create_dir(&gnupg).unwrap();
        std::fs::set_permissions(&gnupg, std::os::unix::fs::PermissionsExt::from_mode(0o700))
            .unwrap();
        std::os::unix::fs::symlink(
            env!("CARGO_BIN_EXE_release"),
            dir.path().join("bin/release"),
        )
        .unwrap();
        Sandbox {
            dir,
            env: Vec::new(),
            groups: Vec::new(),
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// The environment of a user on a fresh machine: nothing inherited but the system's `PATH`.
    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        let path = format!(
            "{}:{}",
            self.path("bin").display(),
            std::env::var("PATH").unwrap_or_else(|_| "/usr/local/bin:/usr/bin:/bin".into())
        );
        cmd.env_clear()
            .env("PATH", path)
            .env("HOME", self.path("home"))
            .env("GNUPGHOME", self.path("home/.gnupg"))
            .env("LANG", "C.UTF-8")
            // A fresh machine has no /etc/gitconfig of ours to read.
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("TMPDIR", self.dir.path())
            .current_dir(self.path("work"))
            .stdin(Stdio::null());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Runs `parts` in one bash, in order: documentation blocks line by line, each line
    /// checked (a line whose comment says `exits N` must exit N, every other line 0), and
    /// fixture scripts (what is not in the documentation: a repository at some state, what CI
    /// does between two steps) as they are. Returns the output; panics naming the first line
    /// that failed.
    fn run(&mut self, parts: &[Part], port: u16) -> String {
        let mut script = String::from("set -u\n");
        let mut n = 0;
        for part in parts {
            let block = match part {
                Part::Fixture(text) => {
                    // In the main shell (a `cd` stays); a fixture step that fails is a broken
                    // test, said as such.
                    script.push_str(&format!(
                        "trap 'echo \"walkthrough: the fixture failed at: $BASH_COMMAND\" >&2; exit 98' ERR\nset -e\n{text}\nset +e\ntrap - ERR\n"
                    ));
                    continue;
                }
                Part::Doc(block) => block,
            };
            n += 1;
            script.push_str(&format!("echo {}\n", quote(&format!("### block {n}"))));
            let mut starts_registry = false;
            let mut logical = String::new();
            for line in block {
                // Backslash continuations form one command.
                if let Some(head) = line.strip_suffix('\\') {
                    logical.push_str(head);
                    logical.push(' ');
                    continue;
                }
                logical.push_str(line);
                let command = std::mem::take(&mut logical)
                    .replace("127.0.0.1:5000", &format!("127.0.0.1:{port}"));
                let (code, comment) = match command.split_once(" #") {
                    Some((code, comment)) => (code.trim(), comment),
                    None => (command.trim(), ""),
                };
                if code.is_empty() || code.starts_with('#') {
                    script.push_str(&command);
                    script.push('\n');
                    continue;
                }
                script.push_str(&format!("echo {}\n", quote(&format!("$ {command}"))));
                script.push_str(&command);
                script.push('\n');
                if code.ends_with('&') {
                    starts_registry = true;
                    continue;
                }
                let want = comment
                    .split_once("exits ")
                    .and_then(|(_, rest)| rest.split(|c: char| !c.is_ascii_digit()).next())
                    .and_then(|d| d.parse::<u8>().ok())
                    .unwrap_or(0);
                script.push_str(&format!(
                    "__s=$?; if [ $__s -ne {want} ]; then echo {} \"(exit $__s)\" >&2; exit 97; fi\n",
                    quote(&format!("walkthrough: this line did not exit {want}: {command}"))
                ));
            }
            if starts_registry {
                script.push_str(&wait_for_port(port));
            }
        }
        let mut cmd = self.command("bash");
        cmd.arg("-c").arg(&script).process_group(0);
        let child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        self.groups.push(child.id());
        let out: Output = child.wait_with_output().unwrap();
        let text = format!(
            "{}\n--- stderr ---\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.status.success(),
            "the documented commands failed:\n{text}"
        );
        text
    }
}

/// Whether a process of the group is still running (zombies do not count: a container's init
/// may never reap them).
fn live_in_group(group: u32) -> bool {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return false;
    };
    entries.flatten().any(|entry| {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            return false;
        };
        // `pid (comm) state ppid pgrp ...`; comm may hold spaces, so split after the `)`.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map(|(_, rest)| rest.split_whitespace().collect())
            .unwrap_or_default();
        matches!(fields.as_slice(), [state, _, pgrp, ..] if *state != "Z" && pgrp.parse() == Ok(group))
    })
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let signal = |sig: &str, group: u32| {
            Command::new("kill")
                .args([sig, "--", &format!("-{group}")])
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        for &group in &self.groups {
            signal("-TERM", group);
            // Wait (up to 2 s) until the group is gone, so the port and the folder are free.
            let mut alive = true;
            for _ in 0..40 {
                alive = live_in_group(group);
                if !alive {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            if alive {
                signal("-KILL", group);
            }
        }
        let _ = Command::new("gpgconf")
            .arg("--homedir")
            .arg(self.path("home/.gnupg"))
            .args(["--kill", "all"])
            .env("GNUPGHOME", self.path("home/.gnupg"))
            .stderr(Stdio::null())
            .status();
        // The TempDir field is removed after this.
    }
}

fn git(dir: &Path, sandbox: &Sandbox, args: &[&str]) -> String {
    let out = sandbox
        .command("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn readme_walkthrough_runs_as_written() {
    let readme = std::fs::read_to_string(top().join("README.md")).unwrap();
    let blocks = sh_blocks(section(&readme, "## A release cycle in five minutes"));
    assert_eq!(blocks.len(), 8, "the walkthrough has eight steps");
    let mut sandbox = Sandbox::new();
    let port = free_port();
    let parts: Vec<Part> = blocks.into_iter().map(Part::Doc).collect();
    let out = sandbox.run(&parts, port);
    // What the README says the steps do.
    let status = out
        .split("$ git commit -am \"feat: mail import\" && release status")
        .nth(1)
        .unwrap_or("");
    assert!(
        status.contains("release prepare 0.1.0 --none --commit"),
        "step 4's status recommends step 5:\n{out}"
    );
    let app = sandbox.path("work/app");
    let tags = git(&app, &sandbox, &["tag", "-l"]);
    assert_eq!(
        tags.split_whitespace().collect::<Vec<_>>(),
        ["v0.1.0", "v0.1.0-rc.1", "v0.2.0"],
        "{out}"
    );
    assert_eq!(
        git(&app, &sandbox, &["rev-parse", "v0.1.0^{commit}"]),
        git(&app, &sandbox, &["rev-parse", "v0.1.0-rc.1^{commit}"]),
        "the stable tag is on the candidate's commit"
    );
    let changelog = std::fs::read_to_string(app.join("CHANGELOG.md")).unwrap();
    assert!(
        changelog.contains("## [0.2.0] - ") && changelog.contains("[YANKED]"),
        "{changelog}"
    );
    assert!(
        !app.join("release-notes.md").exists(),
        "release ci wrote its notes into the working tree"
    );
}

// ---- docs/procedures/*.md ----------------------------------------------------------------

/// The `sh` blocks of `docs/procedures/NAME`, after the line that starts with `after` (when
/// given).
fn procedure_blocks(name: &str, after: Option<&str>) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(top().join("docs/procedures").join(name)).unwrap();
    let text = match after {
        Some(marker) => {
            let at = text
                .find(marker)
                .unwrap_or_else(|| panic!("{name} has no {marker:?}"));
            text[at..].to_string()
        }
        None => text,
    };
    sh_blocks(&text)
}

/// A registry on `port`, and `app/` (the current folder afterwards): set up with `release init`
/// for the image on that registry and the fake GitHub, a trusted signing key committed on
/// `main`, `origin` a bare repository beside it, `0.3.0` released and pushed, and one entry in
/// Unreleased.
fn project(port: u16, github: &str) -> String {
    format!(
        r#"printf 'version: 0.1\nstorage: {{filesystem: {{rootdirectory: %s/reg}}}}\nhttp: {{addr: 127.0.0.1:{port}}}\n' "$PWD" > reg.yml
docker-registry serve reg.yml > reg.log 2>&1 &
{wait}git init -q --bare origin.git
git init -q -b main app && cd app
git config user.name "You" && git config user.email you@example.org
gpg --batch --quiet --passphrase '' --quick-gen-key "You <you@example.org>" ed25519 sign never 2>/dev/null
git config user.signingkey you@example.org
git commit -q --allow-empty -m init
release init --repository acme/app --image 127.0.0.1:{port}/acme/app > /dev/null
sed -i 's|https://api.github.com|{github}|' release-policy.toml
mkdir -p keys && gpg --armor --export you@example.org > keys/release-signers.asc
git add -A && git commit -q -m "chore: release setup"
release changelog add --category Added "Mail import." > /dev/null
git commit -q -am "feat: mail import"
release prepare 0.3.0 --none --commit > /dev/null
release tag 0.3.0 --execute > /dev/null
git remote add origin ../origin.git
release registry push-sample 127.0.0.1:{port}/acme/app 0.3.0 0.3 0 latest --execute > /dev/null
release changelog add --category Added "Uploads resume after a dropped connection." > /dev/null
git commit -q -am "feat: resumable uploads"
git push -q origin main refs/tags/v0.3.0"#,
        wait = wait_for_port(port)
    )
}

/// What the release workflow does for `tag`: the build pushes the image under `tags`.
fn ci_pushes(port: u16, tags: &str) -> Part {
    Part::Fixture(format!(
        "release registry push-sample 127.0.0.1:{port}/acme/app {tags} --execute > /dev/null"
    ))
}

fn docs_sandbox() -> (Sandbox, registry_support::FakeGitHub, u16) {
    let mut sandbox = Sandbox::new();
    sandbox
        .env
        .push(("GITHUB_TOKEN".into(), "ghs_test_token".into()));
    let gh = registry_support::FakeGitHub::start("acme/app", "ghs_test_token", 30);
    (sandbox, gh, free_port())
}

fn origin_tags(sandbox: &Sandbox) -> Vec<String> {
    git(&sandbox.path("work/origin.git"), sandbox, &["tag", "-l"])
        .split_whitespace()
        .map(String::from)
        .collect()
}

#[test]
fn rc_procedure_runs_as_written() {
    let (mut sandbox, gh, port) = docs_sandbox();
    gh.add_release("v0.4.0", "notes", &[]);
    let blocks = procedure_blocks("rc.md", None);
    assert_eq!(blocks.len(), 3, "rc.md: prepare, cut, promote");
    let mut parts = vec![Part::Fixture(project(port, &gh.api_base()))];
    let mut blocks = blocks.into_iter();
    parts.push(Part::Doc(blocks.next().unwrap()));
    parts.push(Part::Doc(blocks.next().unwrap()));
    parts.push(ci_pushes(port, "0.4.0-rc.1"));
    parts.push(Part::Doc(blocks.next().unwrap()));
    parts.push(Part::Fixture(
        "release verify 0.4.0 --image 127.0.0.1:PORT/acme/app".replace("PORT", &port.to_string()),
    ));
    sandbox.run(&parts, port);
    assert_eq!(origin_tags(&sandbox), ["v0.3.0", "v0.4.0", "v0.4.0-rc.1"]);
    let app = sandbox.path("work/app");
    assert_eq!(
        git(&app, &sandbox, &["rev-parse", "v0.4.0^{commit}"]),
        git(&app, &sandbox, &["rev-parse", "v0.4.0-rc.1^{commit}"]),
    );
    let message = git(
        &app,
        &sandbox,
        &[
            "for-each-ref",
            "--format=%(contents:subject)",
            "refs/tags/v0.4.0-rc.1",
        ],
    );
    assert_eq!(message.trim(), "Release candidate 0.4.0-rc.1");
}

#[test]
fn stable_procedure_runs_as_written() {
    let (mut sandbox, gh, port) = docs_sandbox();
    gh.add_release("v0.4.0", "notes", &[]);
    let blocks = procedure_blocks("stable.md", None);
    assert_eq!(blocks.len(), 3, "stable.md: prepare, tag, verify");
    let mut blocks = blocks.into_iter();
    let parts = vec![
        Part::Fixture(project(port, &gh.api_base())),
        Part::Doc(blocks.next().unwrap()),
        Part::Doc(blocks.next().unwrap()),
        ci_pushes(port, "0.4.0 0.4 0 latest"),
        Part::Doc(blocks.next().unwrap()),
    ];
    sandbox.run(&parts, port);
    assert_eq!(origin_tags(&sandbox), ["v0.3.0", "v0.4.0"]);
}

#[test]
fn typical_stable_release_of_the_checklists_page_runs_as_written() {
    let (mut sandbox, gh, port) = docs_sandbox();
    gh.add_release("v0.4.0", "notes", &[]);
    let blocks = procedure_blocks("checklists.md", Some("A typical stable release"));
    assert_eq!(blocks.len(), 3);
    let mut blocks = blocks.into_iter();
    let parts = vec![
        Part::Fixture(project(port, &gh.api_base())),
        Part::Doc(blocks.next().unwrap()),
        ci_pushes(port, "0.4.0-rc.1"),
        Part::Doc(blocks.next().unwrap()),
        ci_pushes(port, "0.4.0 0.4 0 latest"),
        Part::Doc(blocks.next().unwrap()),
    ];
    let out = sandbox.run(&parts, port);
    assert_eq!(origin_tags(&sandbox), ["v0.3.0", "v0.4.0", "v0.4.0-rc.1"]);
    assert!(out.contains("- [x] **tag**"), "{out}");
    assert!(sandbox.path("work/issue.md").exists());
}

#[test]
fn hotfix_and_rollback_procedures_run_as_written() {
    let (mut sandbox, gh, port) = docs_sandbox();
    gh.add_release("v0.3.2", "notes", &[]);
    gh.add_release("v0.4.0", "notes", &[]);
    // `main` has moved on: 0.3.1 and 0.4.0 are out, with upgrading notes.
    let moved_on = format!(
        r#"release changelog add --category Fixed "A crash on start." > /dev/null
git commit -q -am "fix: crash"
release prepare 0.3.1 --none --commit > /dev/null
release tag 0.3.1 --execute > /dev/null
release registry push-sample 127.0.0.1:{port}/acme/app 0.3.1 0.3 0 latest --execute > /dev/null
release changelog add --category Changed "New storage layout." > /dev/null
git commit -q -am "feat: storage"
release prepare 0.4.0 --breaking "The storage layout changed." --migration "Run app migrate." --commit > /dev/null
release tag 0.4.0 --execute > /dev/null
release registry push-sample 127.0.0.1:{port}/acme/app 0.4.0 0.4 0 latest --execute > /dev/null
git push -q origin main --tags"#
    );
    // The documented resolution, done as a person would in an editor: main's files plus the
    // hotfix's section and link, placed by version.
    let resolve = r#"python3 - <<'PY'
import re, subprocess
def place(path, start, link):
    ours = open(path).read()
    theirs = subprocess.run(["git", "show", "v0.3.2:" + path], capture_output=True, text=True, check=True).stdout
    section = re.search(start + r".*?(?=^## |\Z)", theirs, re.M | re.S).group(0)
    section = section if section.endswith("\n\n") else section.rstrip("\n") + "\n\n"
    older = re.search(r"^## (\[|Upgrading to )?0\.3\.1", ours, re.M).start()
    ours = ours[:older] + section + ours[older:]
    if link:
        definition = re.search(r"^\[0\.3\.2\]: .*\n", theirs, re.M).group(0)
        at = ours.index("[0.3.1]: ")
        ours = ours[:at] + definition + ours[at:]
    open(path, "w").write(ours)
place("CHANGELOG.md", r"^## \[0\.3\.2\]", True)
place("docs/upgrading.md", r"^## Upgrading to 0\.3\.2", False)
PY"#;
    let hotfix = procedure_blocks("hotfix.md", None);
    assert_eq!(hotfix.len(), 4, "hotfix.md: cut, verify, merge, finish");
    let rollback = procedure_blocks("rollback.md", None);
    assert_eq!(rollback.len(), 1);
    let mut hotfix = hotfix.into_iter();
    let parts = vec![
        Part::Fixture(project(port, &gh.api_base())),
        Part::Fixture(moved_on),
        Part::Doc(hotfix.next().unwrap()),
        ci_pushes(port, "0.3.2 0.3"),
        Part::Doc(hotfix.next().unwrap()),
        Part::Doc(hotfix.next().unwrap()),
        Part::Fixture(resolve.to_string()),
        Part::Doc(hotfix.next().unwrap()),
        Part::Doc(rollback.into_iter().next().unwrap()),
        Part::Fixture(format!(
            "release verify 0.3.2 --image 127.0.0.1:{port}/acme/app --yanked 0.4.0"
        )),
    ];
    let out = sandbox.run(&parts, port);
    let app = sandbox.path("work/app");
    let message = git(
        &app,
        &sandbox,
        &[
            "for-each-ref",
            "--format=%(contents:subject)",
            "refs/tags/v0.3.2",
        ],
    );
    assert_eq!(message.trim(), "Hotfix v0.3.2");
    let changelog = std::fs::read_to_string(app.join("CHANGELOG.md")).unwrap();
    let at = |h: &str| {
        changelog
            .find(h)
            .unwrap_or_else(|| panic!("{h} missing:\n{changelog}"))
    };
    assert!(at("## [0.4.0]") < at("## [0.3.2]") && at("## [0.3.2]") < at("## [0.3.1]"));
    assert!(changelog.contains("[YANKED]"), "{changelog}");
    assert!(
        out.contains("CONFLICT"),
        "the merge conflicts as hotfix.md says:\n{out}"
    );
}

#[test]
fn a_failing_line_is_named_and_everything_started_is_cleaned_up() {
    let port = free_port();
    let dir = std::sync::Mutex::new(PathBuf::new());
    let result = std::panic::catch_unwind(|| {
        let mut sandbox = Sandbox::new();
        *dir.lock().unwrap() = sandbox.dir.path().to_path_buf();
        let block = vec![
            "printf 'version: 0.1\\nstorage: {filesystem: {rootdirectory: %s/reg}}\\nhttp: {addr: 127.0.0.1:5000}\\n' \"$PWD\" > reg.yml".to_string(),
            "docker-registry serve reg.yml > reg.log 2>&1 &".to_string(),
            "gpg --batch --passphrase '' --quick-gen-key \"You <you@example.org>\" ed25519 sign never".to_string(),
            "git rev-parse --verify no-such-ref".to_string(),
            "echo never reached".to_string(),
        ];
        sandbox.run(&[Part::Doc(block)], port);
    });
    let message = result
        .err()
        .and_then(|e| e.downcast::<String>().ok())
        .expect("the run fails");
    assert!(
        message.contains("this line did not exit 0: git rev-parse --verify no-such-ref"),
        "{message}"
    );
    assert!(!message.contains("$ echo never reached"), "{message}");
    let dir = dir.lock().unwrap().clone();
    assert!(
        !dir.as_os_str().is_empty() && !dir.exists(),
        "{} is left",
        dir.display()
    );
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "the registry still listens on {port}"
    );
    let agents = Command::new("pgrep")
        .args(["-f", &format!("gpg-agent --homedir {}", dir.display())])
        .output()
        .unwrap();
    assert!(agents.stdout.is_empty(), "a gpg-agent is left");
}
