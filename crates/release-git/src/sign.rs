//! Signing a tag payload the way git does: the format (`gpg.format`), the key
//! (`user.signingkey`, else the tagger identity for OpenPGP) and the program (`gpg.program`,
//! `gpg.openpgp.program`, `gpg.ssh.program`) come from git config. This is the maintainer's own
//! machine choosing how to sign; verification never uses these settings.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use git2::Config;
use serde::Serialize;

use crate::tagobj::{SigKind, Tagger};
use crate::{tools, GitError};

/// How this machine signs tags, from git config.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SigningConfig {
    /// `openpgp` or `ssh`.
    pub format: &'static str,
    /// The program to run (a name found on PATH, or a path).
    pub program: String,
    /// The key: an OpenPGP key id/fingerprint/user id, an SSH key file, or `key::<public key>`.
    pub key: String,
}

impl SigningConfig {
    /// Reads the signing settings from git config (`gpg.format`, `user.signingkey`,
    /// `gpg.program`/`gpg.openpgp.program`/`gpg.ssh.program`).
    pub fn from_config(config: &Config, tagger: &Tagger) -> Result<Self, GitError> {
        let get = |key: &str| config.get_string(key).ok().filter(|v| !v.trim().is_empty());
        let format = get("gpg.format").unwrap_or_else(|| "openpgp".into());
        match format.as_str() {
            "openpgp" => Ok(Self {
                format: "openpgp",
                program: get("gpg.openpgp.program")
                    .or_else(|| get("gpg.program"))
                    .unwrap_or_else(|| "gpg".into()),
                key: get("user.signingkey")
                    .unwrap_or_else(|| format!("{} <{}>", tagger.name, tagger.email)),
            }),
            "ssh" => Ok(Self {
                format: "ssh",
                program: get("gpg.ssh.program").unwrap_or_else(|| "ssh-keygen".into()),
                key: get("user.signingkey").ok_or_else(|| {
                    GitError::input(
                        "gpg.format is ssh but user.signingkey is not set: set it to your SSH key file (git config user.signingkey ~/.ssh/id_ed25519.pub)",
                    )
                })?,
            }),
            other => Err(GitError::input(format!(
                "gpg.format {other:?} is not supported for release tags: use openpgp or ssh"
            ))),
        }
    }

    /// The signature kind this configuration produces.
    pub fn kind(&self) -> SigKind {
        if self.format == "ssh" {
            SigKind::Ssh
        } else {
            SigKind::Openpgp
        }
    }

    /// The command that will sign, for a dry run.
    pub fn describe(&self) -> String {
        match self.kind() {
            SigKind::Ssh => format!(
                "{} -Y sign -n git -f {} <payload file>",
                self.program,
                self.key_file_display()
            ),
            _ => format!(
                "{} --status-fd=2 -bsau {} < <payload>",
                self.program, self.key
            ),
        }
    }

    fn key_file_display(&self) -> String {
        if self.key.starts_with("key::") || self.key.starts_with("ssh-") {
            "<literal key via ssh-agent>".into()
        } else {
            self.key.clone()
        }
    }

    /// Signs `payload`; returns the armored signature, ending with a newline.
    pub fn sign(&self, payload: &[u8]) -> Result<String, GitError> {
        let signature = match self.kind() {
            SigKind::Ssh => self.sign_ssh(payload)?,
            _ => self.sign_openpgp(payload)?,
        };
        let mut signature = signature;
        if !signature.ends_with('\n') {
            signature.push('\n');
        }
        Ok(signature)
    }

    fn sign_openpgp(&self, payload: &[u8]) -> Result<String, GitError> {
        let program = PathBuf::from(&self.program);
        let output = tools::run(
            &program,
            ["--status-fd=2", "-bsau", self.key.as_str()],
            payload,
            &[],
        )?;
        let status = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() || !status.contains("[GNUPG:] SIG_CREATED ") {
            return Err(GitError::env(format!(
                "{} could not sign with key {:?}: {}",
                self.program,
                self.key,
                tools::stderr_excerpt(&output)
            )));
        }
        String::from_utf8(output.stdout)
            .map_err(|_| GitError::env(format!("{} wrote a non-UTF-8 signature", self.program)))
    }

    fn sign_ssh(&self, payload: &[u8]) -> Result<String, GitError> {
        let dir = tools::short_tempdir()?;
        let buffer = dir.path().join("payload");
        std::fs::write(&buffer, payload)
            .map_err(|e| GitError::env(format!("cannot write the payload to sign: {e}")))?;
        let mut args: Vec<OsString> = vec!["-Y".into(), "sign".into(), "-n".into(), "git".into()];
        let literal = self
            .key
            .strip_prefix("key::")
            .or_else(|| self.key.starts_with("ssh-").then_some(self.key.as_str()));
        match literal {
            Some(public) => {
                // A literal public key: the private half is in ssh-agent (`-U`), as git does.
                let key_file = dir.path().join("key.pub");
                std::fs::write(&key_file, format!("{public}\n"))
                    .map_err(|e| GitError::env(format!("cannot write the public key: {e}")))?;
                args.extend(["-U".into(), "-f".into(), key_file.into_os_string()]);
            }
            None => {
                args.extend(["-f".into(), expand_home(&self.key).into_os_string()]);
            }
        }
        args.push(buffer.clone().into_os_string());
        let output = Command::new(&self.program)
            .args(&args)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| GitError::env(format!("cannot run {}: {e}", self.program)))?;
        if !output.status.success() {
            return Err(GitError::env(format!(
                "{} could not sign with {}: {}",
                self.program,
                self.key_file_display(),
                tools::stderr_excerpt(&output)
            )));
        }
        let mut sig_path = buffer.into_os_string();
        sig_path.push(".sig");
        std::fs::read_to_string(Path::new(&sig_path))
            .map_err(|e| GitError::env(format!("{} wrote no signature: {e}", self.program)))
    }
}

fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}
