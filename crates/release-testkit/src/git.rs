//! Test fixtures shared by the release-git and release-cli tests: throwaway OpenPGP and SSH
//! keys (generated once per test binary, in short temporary homes) and isolated repositories.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The keys every test uses.
pub struct Keys {
    /// Base directory of the fixture.
    pub base: PathBuf,
    /// GNUPGHOME holding alice, carol, mallory and eve (expired) secret keys.
    pub home: PathBuf,
    /// GNUPGHOME holding rex's secret key (revoked in the trusted file).
    pub rex_home: PathBuf,
    /// Fingerprints.
    pub alice: String,
    /// In the trusted file but not in the allow-list.
    pub carol: String,
    /// Not in the trusted file at all.
    pub mallory: String,
    /// Expired.
    pub eve: String,
    /// Revoked.
    pub rex: String,
    /// Armored public keys: alice, carol, eve, rex (with its revocation).
    pub trusted_asc: String,
    /// SSH private key files.
    pub ssh_alice: PathBuf,
    /// Allowed for bob@example.org.
    pub ssh_bob: PathBuf,
    /// Allowed for eve@example.org until 2020 only.
    pub ssh_eve: PathBuf,
    /// Not allowed at all.
    pub ssh_mallory: PathBuf,
    /// The allowed-signers file text.
    pub allowed_signers: String,
}

pub const ALICE: &str = "Alice Release <alice@example.org>";

static KEYS: OnceLock<Keys> = OnceLock::new();

/// The `PATH` this test process started with: the fixtures run gpg, ssh-keygen and git from it
/// even after [`hide_verifiers_from_path`] emptied the process's own `PATH`.
fn original_path() -> &'static std::ffi::OsString {
    static ORIGINAL: OnceLock<std::ffi::OsString> = OnceLock::new();
    ORIGINAL.get_or_init(|| std::env::var_os("PATH").unwrap_or_default())
}

/// The absolute path of a program on the original `PATH`.
pub fn bin(name: &str) -> PathBuf {
    std::env::split_paths(original_path())
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{name} is not on PATH"))
}

/// A command for a program on the original `PATH`, with that `PATH`.
pub fn command(name: &str) -> Command {
    let mut c = Command::new(bin(name));
    c.env("PATH", original_path());
    c
}

/// Points this process's `PATH` at an empty folder, so the verification the tests run in this
/// process cannot find gpg or ssh-keygen (the gate verifies in-process; were it to start either,
/// it would fail with "not found on PATH"). The fixtures still sign with the real programs
/// through [`command`]. Idempotent.
pub fn hide_verifiers_from_path() {
    static HIDDEN: OnceLock<()> = OnceLock::new();
    HIDDEN.get_or_init(|| {
        let _ = original_path();
        let empty = keys().base.join("empty-path");
        std::fs::create_dir_all(&empty).unwrap();
        std::env::set_var("PATH", &empty);
    });
    for tool in ["gpg", "ssh-keygen"] {
        let on_path = std::env::var_os("PATH")
            .map(|p| std::env::split_paths(&p).any(|d| d.join(tool).exists()))
            .unwrap_or(false);
        assert!(!on_path, "{tool} is still on PATH");
    }
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn gpg(home: &Path) -> Command {
    let mut c = command("gpg");
    c.arg("--homedir").arg(home).args(["--batch", "--no-tty"]);
    c
}

fn fingerprint_of(home: &Path, uid: &str) -> String {
    let out = run(gpg(home).args(["--with-colons", "--list-secret-keys", uid]));
    out.lines()
        .find(|l| l.starts_with("fpr:"))
        .and_then(|l| l.split(':').nth(9))
        .unwrap()
        .to_string()
}

fn gen_key(home: &Path, uid: &str, extra: &[&str], expire: &str) -> String {
    run(gpg(home).args(extra).args([
        "--passphrase",
        "",
        "--quick-gen-key",
        uid,
        "ed25519",
        "sign",
        expire,
    ]));
    fingerprint_of(home, uid)
}

/// Removes fixture homes older than 15 minutes left by earlier runs and stops their gpg-agents
/// (a test binary cannot run code at exit, so each run cleans up after the previous ones).
fn sweep_stale() {
    let Ok(entries) = std::fs::read_dir("/tmp") else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.to_string_lossy().starts_with("rgk-") {
            continue;
        }
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 900);
        if old {
            for home in ["g", "r"] {
                let _ = command("gpgconf")
                    .arg("--homedir")
                    .arg(entry.path().join(home))
                    .args(["--kill", "gpg-agent"])
                    .output();
            }
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// A test binary cannot run code at exit, so a small watcher process does: it waits for this
/// process to end, then stops the fixture's gpg-agents and removes the fixture folder. Nothing
/// outlives the test run by more than a second.
fn reap_at_exit(base: &Path) {
    let script = r#"
        while kill -0 "$1" 2>/dev/null; do sleep 0.5; done
        for home in "$2"/g "$2"/r "$2"/s; do
            [ -d "$home" ] && gpgconf --homedir "$home" --kill all >/dev/null 2>&1
        done
        rm -rf "$2"
    "#;
    let _ = command("sh")
        .arg("-c")
        .arg(script)
        .arg("reaper")
        .arg(std::process::id().to_string())
        .arg(base)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
}

/// The keys, generated on first use.
pub fn keys() -> &'static Keys {
    KEYS.get_or_init(|| {
        let _ = original_path();
        sweep_stale();
        let base = tempfile::Builder::new()
            .prefix("rgk-")
            .tempdir_in("/tmp")
            .unwrap()
            .keep();
        reap_at_exit(&base);
        // Isolate in-process libgit2 from the user's configuration.
        std::env::set_var("GIT_CONFIG_NOSYSTEM", "1");
        std::env::set_var("HOME", &base);
        std::env::set_var("XDG_CONFIG_HOME", base.join("xdg"));
        std::env::set_var("GIT_CONFIG_GLOBAL", base.join("gitconfig"));
        let home = base.join("g");
        let rex_home = base.join("r");
        for h in [&home, &rex_home] {
            std::fs::create_dir(h).unwrap();
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(h, std::fs::Permissions::from_mode(0o700)).unwrap();
            }
        }
        let alice = gen_key(&home, ALICE, &[], "never");
        let carol = gen_key(
            &home,
            "Carol Lookalike <alice@example.org.evil>",
            &[],
            "never",
        );
        let mallory = gen_key(&home, "Mallory <mallory@example.org>", &[], "never");
        let eve = gen_key(
            &home,
            "Eve Expired <eve@example.org>",
            &["--faked-system-time", "20200101T000000!"],
            "1d",
        );
        let rex = gen_key(&rex_home, "Rex Revoked <rex@example.org>", &[], "never");
        // The trusted file: alice, carol, eve, and rex with its revocation certificate.
        let mut trusted = run(gpg(&home).args(["--armor", "--export", &alice, &carol, &eve]));
        let scratch = base.join("s");
        std::fs::create_dir(&scratch).unwrap();
        let rex_pub = run(gpg(&rex_home).args(["--armor", "--export", &rex]));
        let rex_pub_file = base.join("rex.asc");
        std::fs::write(&rex_pub_file, rex_pub).unwrap();
        run(gpg(&scratch).arg("--import").arg(&rex_pub_file));
        let rev = std::fs::read_to_string(rex_home.join(format!("openpgp-revocs.d/{rex}.rev")))
            .unwrap()
            .replace(
                ":-----BEGIN PGP PUBLIC KEY BLOCK-----",
                "-----BEGIN PGP PUBLIC KEY BLOCK-----",
            );
        let rev_file = base.join("rex.rev");
        std::fs::write(&rev_file, rev).unwrap();
        run(gpg(&scratch).arg("--import").arg(&rev_file));
        trusted.push_str(&run(gpg(&scratch).args(["--armor", "--export", &rex])));
        let _ = command("gpgconf")
            .arg("--homedir")
            .arg(&scratch)
            .args(["--kill", "gpg-agent"])
            .output();
        // SSH keys.
        let ssh = base.join("ssh");
        std::fs::create_dir(&ssh).unwrap();
        let mut allowed = String::new();
        let mut ssh_key = |name: &str, principal: Option<(&str, &str)>| {
            let path = ssh.join(name);
            run(command("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
                .arg(&path));
            if let Some((who, options)) = principal {
                let public = std::fs::read_to_string(path.with_extension("pub")).unwrap();
                allowed.push_str(&format!("{who} {options}{}", public));
            }
            path
        };
        let ssh_alice = ssh_key("alice", Some(("alice@example.org", "")));
        let ssh_bob = ssh_key("bob", Some(("bob@example.org", "")));
        let ssh_eve = ssh_key(
            "eve",
            Some(("eve@example.org", "valid-before=\"20200101\" ")),
        );
        let ssh_mallory = ssh_key("mallory", None);
        Keys {
            base,
            home,
            rex_home,
            alice,
            carol,
            mallory,
            eve,
            rex,
            trusted_asc: trusted,
            ssh_alice,
            ssh_bob,
            ssh_eve,
            ssh_mallory,
            allowed_signers: allowed,
        }
    })
}

/// The default policy text used in test repositories: the trusted file and allow-list
/// (alice, eve, rex; carol is in the file but not allowed), SSH allowed on stable tags too.
pub fn policy_toml(keys: &Keys) -> String {
    format!(
        "[signing]\nopenpgp_keys = [\"keys/release-signers.asc\"]\nopenpgp_fingerprints = [\"{}\", \"{}\", \"{}\"]\nssh_allowed_signers = \".github/allowed_signers\"\nstable = [\"openpgp\", \"ssh\"]\ncandidate = [\"openpgp\", \"ssh\"]\ncandidate_unsigned = \"warn\"\n",
        keys.alice, keys.eve, keys.rex
    )
}

/// A repository in a temporary directory, isolated from the user's git configuration.
pub struct TestRepo {
    pub dir: tempfile::TempDir,
}

impl TestRepo {
    /// A repository with one commit holding the policy and the trusted keys.
    pub fn new() -> TestRepo {
        let keys = keys();
        let dir = tempfile::Builder::new()
            .prefix("rgr-")
            .tempdir_in("/tmp")
            .unwrap();
        let repo = TestRepo { dir };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["config", "user.name", "Alice Release"]);
        repo.git(&["config", "user.email", "alice@example.org"]);
        repo.git(&["config", "user.signingkey", &keys.alice]);
        repo.write("keys/release-signers.asc", &keys.trusted_asc);
        repo.write(".github/allowed_signers", &keys.allowed_signers);
        repo.write("release-policy.toml", &policy_toml(keys));
        repo.write("README.md", "hello\n");
        repo.commit("initial");
        repo
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The environment every program gets: no system/global config, our keys.
    pub fn env(&self, cmd: &mut Command) {
        let keys = keys();
        cmd.env("PATH", original_path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", &keys.base)
            .env("GIT_CONFIG_GLOBAL", keys.base.join("gitconfig"))
            .env("XDG_CONFIG_HOME", keys.base.join("xdg"))
            .env("GNUPGHOME", &keys.home)
            .env("GIT_AUTHOR_DATE", "1700000000 +0000")
            .env("GIT_COMMITTER_DATE", "1700000000 +0000")
            .env_remove("CI")
            .env_remove("GITHUB_ACTIONS")
            // The identity the built-in policy derives must come from the test, not from the
            // CI job running it.
            .env_remove("GITHUB_REPOSITORY")
            .env_remove("GITHUB_SERVER_URL");
    }

    pub fn git_output(&self, args: &[&str]) -> std::process::Output {
        let mut cmd = command("git");
        cmd.arg("-C").arg(self.path()).args(args);
        self.env(&mut cmd);
        cmd.output().unwrap()
    }

    pub fn git(&self, args: &[&str]) -> String {
        let out = self.git_output(args);
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub fn commit(&self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
        self.head()
    }

    pub fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"])
    }

    /// Writes any object bytes (no validation), returns its id.
    pub fn write_object(&self, kind: &str, data: &[u8]) -> String {
        let mut cmd = command("git");
        cmd.arg("-C")
            .arg(self.path())
            .args(["hash-object", "-t", kind, "-w", "--literally", "--stdin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped());
        self.env(&mut cmd);
        let mut child = cmd.spawn().unwrap();
        child.stdin.take().unwrap().write_all(data).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    /// Points `refs/tags/NAME` at `oid`.
    pub fn set_tag_ref(&self, name: &str, oid: &str) {
        // A loose ref file: `git update-ref` refuses objects it cannot parse, which is what
        // some of these tests are about.
        let path = self.path().join(".git/refs/tags").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, format!("{oid}\n")).unwrap();
    }

    /// Writes a tag object and its ref.
    pub fn raw_tag(&self, refname: &str, data: &[u8]) -> String {
        let oid = self.write_object("tag", data);
        self.set_tag_ref(refname, &oid);
        oid
    }
}

/// An unsigned payload.
pub fn payload(object: &str, kind: &str, name: &str, message: &str) -> String {
    format!(
        "object {object}\ntype {kind}\ntag {name}\ntagger {ALICE} 1700000000 +0000\n\n{message}"
    )
}

/// An unsigned payload with another tagger.
pub fn payload_by(object: &str, name: &str, tagger: &str, message: &str) -> String {
    format!(
        "object {object}\ntype commit\ntag {name}\ntagger {tagger} 1700000000 +0000\n\n{message}"
    )
}

/// A detached armored OpenPGP signature of `payload` by `key` (gpg options added first).
pub fn gpg_sign_in(home: &Path, key: &str, payload: &[u8], extra: &[&str]) -> String {
    let mut cmd = gpg(home);
    cmd.args(extra)
        .args(["--armor", "--detach-sign", "--local-user", key])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    child.stdin.take().unwrap().write_all(payload).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub fn gpg_sign(key: &str, payload: &[u8]) -> String {
    gpg_sign_in(&keys().home, key, payload, &[])
}

/// An SSH signature of `payload` with the key file in a namespace.
pub fn ssh_sign(key: &Path, namespace: &str, payload: &[u8]) -> String {
    let dir = tempfile::Builder::new()
        .prefix("rgs-")
        .tempdir_in("/tmp")
        .unwrap();
    let file = dir.path().join("p");
    std::fs::write(&file, payload).unwrap();
    run(command("ssh-keygen")
        .args(["-q", "-Y", "sign", "-n", namespace, "-f"])
        .arg(key)
        .arg(&file)
        .stdin(Stdio::null()));
    std::fs::read_to_string(dir.path().join("p.sig")).unwrap()
}

/// The armored public key of `key` (from the fixture's home).
pub fn export_public(key: &str) -> String {
    run(gpg(&keys().home).args(["--armor", "--export", key]))
}

/// The public key of `key` as binary packets (`gpg --export` without `--armor`), the other
/// form a trusted key file may take.
pub fn export_public_binary(key: &str) -> Vec<u8> {
    let out = gpg(&keys().home).args(["--export", key]).output().unwrap();
    assert!(
        out.status.success() && !out.stdout.is_empty(),
        "gpg --export {key}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The public half of an SSH key file, as an allowed-signers line for `principal`.
pub fn allowed_signer_line(principal: &str, key: &Path) -> String {
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    format!("{principal} {public}")
}

/// A changelog with an Unreleased entry and a prepared section for each version (what
/// `release tag` and `release ci` require of a stable tag).
pub fn changelog_with(versions: &[&str]) -> String {
    let mut text = String::from("# Changelog\n\n## [Unreleased]\n\n### Fixed\n\n- Pending work.\n");
    for v in versions {
        text.push_str(&format!(
            "\n## [{v}] - 2026-07-20\n\n### Added\n\n- Work for {v}.\n"
        ));
    }
    text
}

impl TestRepo {
    /// A repository whose changelog is prepared for `versions` (committed).
    pub fn with_changelog(versions: &[&str]) -> TestRepo {
        let repo = TestRepo::new();
        repo.write("CHANGELOG.md", &changelog_with(versions));
        repo.commit("docs: changelog");
        repo
    }
}

/// A command's stdout and stderr together, for assertions on what a person would read.
pub fn text(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The value of one `name<<DELIM` block of a `GITHUB_OUTPUT` file.
pub fn github_output(file: &str, name: &str) -> Option<String> {
    let mut lines = file.lines();
    while let Some(line) = lines.next() {
        if let Some(delim) = line.strip_prefix(&format!("{name}<<")) {
            let value: Vec<&str> = lines.by_ref().take_while(|l| *l != delim).collect();
            return Some(value.join("\n"));
        }
    }
    None
}
