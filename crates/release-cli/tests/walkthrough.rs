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

/// Single-quotes `text` for bash.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// A fresh folder with a fresh home, `release` on `PATH`, and cleanup of everything started in
/// it when dropped.
struct Sandbox {
    dir: tempfile::TempDir,
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
        cmd
    }

    /// Runs `blocks` in one bash, in order, each line checked; `setup` runs first (the
    /// fixture, not part of the documentation). Returns the output; panics naming the first
    /// line that failed.
    fn run(
        &mut self,
        setup: &str,
        blocks: &[Vec<String>],
        port: u16,
        wait_for_registry: bool,
    ) -> String {
        let mut script = String::from("set -u\n");
        script.push_str(setup);
        script.push('\n');
        for (n, block) in blocks.iter().enumerate() {
            script.push_str(&format!(
                "echo {}\n",
                quote(&format!("### block {}", n + 1))
            ));
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
                let code = command.split(" #").next().unwrap_or("").trim();
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
                script.push_str(&format!(
                    "__s=$?; if [ $__s -ne 0 ]; then echo {} \"(exit $__s)\" >&2; exit 97; fi\n",
                    quote(&format!("walkthrough: this line failed: {command}"))
                ));
            }
            if starts_registry && wait_for_registry {
                script.push_str(&format!(
                    "for __i in $(seq 200); do (echo > /dev/tcp/127.0.0.1/{port}) 2>/dev/null && break; sleep 0.05; done\n"
                ));
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

impl Drop for Sandbox {
    fn drop(&mut self) {
        for group in &self.groups {
            let _ = Command::new("kill")
                .args(["-TERM", "--", &format!("-{group}")])
                .stderr(Stdio::null())
                .status();
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
    let out = sandbox.run("", &blocks, port, true);
    // What the README says the steps do.
    let status = out
        .split("$ git commit -am \"feat: mail import\" && release status")
        .nth(1)
        .unwrap_or("");
    assert!(
        status.contains("$ release prepare 0.1.0 --commit"),
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
