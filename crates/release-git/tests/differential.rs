//! The in-process verifier against the reference programs: the same signed tag objects go
//! through gpg (`--verify` in a fresh home holding only the trusted keys, judged on its status
//! lines) and `ssh-keygen -Y verify`, and through the gate with gpg and ssh-keygen absent from
//! `PATH`; the verdicts must be the same.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use release_testkit::git as support;

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use release_core::policy::Policy;
use release_git::repo::Repo;
use release_git::verify::{self, CheckId, GateResult, Trust};
use support::*;

/// One signed object: the payload, the armored signature and what to check it as.
struct Case {
    name: &'static str,
    payload: String,
    signature: String,
    /// The tagger e-mail (SSH principal).
    principal: &'static str,
}

fn policy_of(repo: &TestRepo) -> Policy {
    Policy::from_toml(&std::fs::read_to_string(repo.path().join("release-policy.toml")).unwrap())
        .unwrap()
}

/// The gate's verdict on the signature check (in-process, nothing on `PATH`).
fn in_process(repo: &TestRepo, tag: &str, case: &Case) -> bool {
    repo.raw_tag(
        tag,
        format!("{}{}", case.payload, case.signature).as_bytes(),
    );
    let policy = policy_of(repo);
    let trust = Trust::from_files(
        &policy,
        &repo.path().join("release-policy.toml"),
        repo.path(),
    );
    let r = Repo::discover(repo.path()).unwrap();
    hide_verifiers_from_path();
    let v = verify::verify_tag(&r, tag, &policy, &trust, None).unwrap();
    let signature = v.check(CheckId::Signature).unwrap();
    assert_ne!(signature.result, GateResult::Skip, "{}: {v:#?}", case.name);
    signature.result == GateResult::Pass
}

fn run_with_stdin(mut cmd: std::process::Command, stdin: &[u8]) -> std::process::Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

/// gpg's verdict: a fresh home with the trusted keys imported, `--verify` with status lines.
fn gpg_verdict(dir: &Path, trusted: &str, allow: &BTreeSet<String>, case: &Case) -> bool {
    let home = tempfile::Builder::new()
        .prefix("rgd-")
        .tempdir_in(dir)
        .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(home.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    let keys_file = home.path().join("trusted.asc");
    std::fs::write(&keys_file, trusted).unwrap();
    let mut import = command("gpg");
    import
        .arg("--homedir")
        .arg(home.path())
        .args(["--batch", "--no-tty", "--import"])
        .arg(&keys_file);
    let imported = import.output().unwrap();
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let sig_file = home.path().join("tag.sig");
    std::fs::write(&sig_file, &case.signature).unwrap();
    let mut cmd = command("gpg");
    cmd.arg("--homedir")
        .arg(home.path())
        .args([
            "--batch",
            "--no-tty",
            "--status-fd",
            "1",
            "--trust-model",
            "always",
            "--verify",
        ])
        .arg(&sig_file)
        .arg("-");
    let out = run_with_stdin(cmd, case.payload.as_bytes());
    let _ = command("gpgconf")
        .arg("--homedir")
        .arg(home.path())
        .args(["--kill", "all"])
        .output();
    judge_gpg_status(&out.stdout, Some(allow)).is_ok()
}

/// ssh-keygen's verdict for namespace git and the tagger as principal.
fn ssh_verdict(dir: &Path, allowed: &str, case: &Case) -> bool {
    let tmp = tempfile::Builder::new()
        .prefix("rgd-")
        .tempdir_in(dir)
        .unwrap();
    let allowed_file = tmp.path().join("allowed_signers");
    std::fs::write(&allowed_file, allowed).unwrap();
    let sig_file = tmp.path().join("tag.sig");
    std::fs::write(&sig_file, &case.signature).unwrap();
    let mut cmd = command("ssh-keygen");
    cmd.args(["-Y", "verify", "-f"])
        .arg(&allowed_file)
        .args(["-I", case.principal, "-n", "git", "-s"])
        .arg(&sig_file);
    run_with_stdin(cmd, case.payload.as_bytes())
        .status
        .success()
}

fn status_lines(out: &[u8]) -> impl Iterator<Item = (&str, Vec<&str>)> + '_ {
    let text = std::str::from_utf8(out).unwrap_or("");
    text.lines().filter_map(|line| {
        let rest = line.strip_prefix("[GNUPG:] ")?;
        let mut fields = rest.split(' ');
        let keyword = fields.next()?;
        Some((keyword, fields.collect()))
    })
}

/// The gate's former judgement of gpg's `--status-fd` output, kept as the reference: exactly
/// one GOODSIG, one VALIDSIG with class 00 and an allow-listed primary key, and none of BADSIG,
/// ERRSIG, EXPSIG, EXPKEYSIG, REVKEYSIG.
fn judge_gpg_status(status: &[u8], allow: Option<&BTreeSet<String>>) -> Result<String, String> {
    let (mut good, mut newsig) = (0usize, 0usize);
    let mut valid: Vec<Vec<String>> = Vec::new();
    for (keyword, fields) in status_lines(status) {
        match keyword {
            "NEWSIG" => newsig += 1,
            "GOODSIG" => good += 1,
            "VALIDSIG" => valid.push(fields.iter().map(|s| s.to_string()).collect()),
            "BADSIG" | "EXPKEYSIG" | "REVKEYSIG" | "EXPSIG" | "ERRSIG" => {
                return Err(keyword.to_string())
            }
            _ => {}
        }
    }
    if good != 1 || valid.len() != 1 || newsig > 1 {
        return Err("not exactly one good signature".into());
    }
    let fields = &valid[0];
    if fields.get(8).map(String::as_str) != Some("00") {
        return Err("text-mode".into());
    }
    let primary = fields
        .get(9)
        .or_else(|| fields.first())
        .map(|f| f.to_ascii_uppercase())
        .unwrap_or_default();
    if allow.is_some_and(|allow| !allow.contains(&primary)) {
        return Err("allow-list".into());
    }
    Ok(primary)
}

#[test]
fn the_reference_judge_reads_status_lines_strictly() {
    let fpr = "AAAABBBBCCCCDDDDEEEEFFFF0000111122223333";
    let allow: BTreeSet<String> = [fpr.to_string()].into();
    let valid = |class: &str| {
        format!("[GNUPG:] NEWSIG\n[GNUPG:] GOODSIG 22223333 A <a@x>\n[GNUPG:] VALIDSIG {fpr} 2026-01-01 1 0 4 0 22 8 {class} {fpr}\n")
    };
    assert_eq!(
        judge_gpg_status(valid("00").as_bytes(), Some(&allow)),
        Ok(fpr.to_string())
    );
    assert!(judge_gpg_status(valid("01").as_bytes(), Some(&allow)).is_err());
    let expsig = format!("{}[GNUPG:] EXPSIG 22223333 A\n", valid("00"));
    assert!(judge_gpg_status(expsig.as_bytes(), Some(&allow)).is_err());
    let other: BTreeSet<String> = ["1111".to_string()].into();
    assert!(judge_gpg_status(valid("00").as_bytes(), Some(&other)).is_err());
    assert!(judge_gpg_status(b"gpg: [GNUPG:] GOODSIG x\n", None).is_err());
}

/// A key with a signing subkey, and a second one whose signing subkey has expired: what the
/// fixture's keys (primary keys that sign) do not cover.
fn subkey_keys(home: &Path) -> (String, String, String, String) {
    let gpg = |args: &[&str]| {
        let out = command("gpg")
            .arg("--homedir")
            .arg(home)
            .args(["--batch", "--no-tty", "--passphrase", ""])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let fpr = |uid: &str, nth: usize| -> String {
        gpg(&["--with-colons", "--list-keys", uid])
            .lines()
            .filter(|l| l.starts_with("fpr:"))
            .nth(nth)
            .and_then(|l| l.split(':').nth(9))
            .unwrap()
            .to_string()
    };
    gpg(&[
        "--quick-gen-key",
        "Sub Signer <sub@example.org>",
        "ed25519",
        "cert",
        "never",
    ]);
    let sub_primary = fpr("sub@example.org", 0);
    gpg(&["--quick-add-key", &sub_primary, "ed25519", "sign", "never"]);
    let sub_signing = fpr("sub@example.org", 1);
    gpg(&[
        "--faked-system-time",
        "20191231T000000!",
        "--quick-gen-key",
        "Old Sub <old@example.org>",
        "ed25519",
        "cert",
        "never",
    ]);
    let old_primary = fpr("old@example.org", 0);
    gpg(&[
        "--faked-system-time",
        "20200101T000000!",
        "--quick-add-key",
        &old_primary,
        "ed25519",
        "sign",
        "1d",
    ]);
    let old_signing = fpr("old@example.org", 1);
    (sub_primary, sub_signing, old_primary, old_signing)
}

#[test]
fn gpg_ssh_keygen_and_the_in_process_gate_agree() {
    let repo = TestRepo::new();
    let k = keys();
    let head = repo.head();
    let p = |name: &str| payload(&head, "commit", name, "Release\n");
    // Extra keys in a home of this test, added to the trusted file and the allow-list.
    let home = tempfile::Builder::new()
        .prefix("rgh-")
        .tempdir_in("/tmp")
        .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(home.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    let (sub_primary, sub_signing, old_primary, old_signing) = subkey_keys(home.path());
    let extra = String::from_utf8(
        command("gpg")
            .arg("--homedir")
            .arg(home.path())
            .args(["--armor", "--export", &sub_primary, &old_primary])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let trusted = format!("{}{extra}", k.trusted_asc);
    repo.write("keys/release-signers.asc", &trusted);
    let mut policy = policy_of(&repo);
    policy
        .signing
        .openpgp_fingerprints
        .extend([sub_primary.clone(), old_primary.clone()]);
    let allow: BTreeSet<String> = policy
        .signing
        .openpgp_fingerprints
        .iter()
        .cloned()
        .collect();
    repo.write(
        "release-policy.toml",
        &policy_toml(k).replace(
            "openpgp_fingerprints = [",
            &format!("openpgp_fingerprints = [\"{sub_primary}\", \"{old_primary}\", "),
        ),
    );
    let sign = |home: &Path, key: &str, payload: &str, extra: &[&str]| {
        gpg_sign_in(home, key, payload.as_bytes(), extra)
    };
    let modified = {
        let sig = gpg_sign(&k.alice, p("v1.0.0").as_bytes());
        (p("v1.0.0").replace("Release\n", "Release!\n"), sig)
    };
    let openpgp = vec![
        (
            "alice, trusted",
            p("v1.0.0"),
            gpg_sign(&k.alice, p("v1.0.0").as_bytes()),
        ),
        (
            "carol, outside the allow-list",
            p("v1.0.0"),
            gpg_sign(&k.carol, p("v1.0.0").as_bytes()),
        ),
        (
            "mallory, not trusted",
            p("v1.0.0"),
            gpg_sign(&k.mallory, p("v1.0.0").as_bytes()),
        ),
        (
            "eve, expired",
            p("v1.0.0"),
            sign(
                &k.home,
                &k.eve,
                &p("v1.0.0"),
                &["--faked-system-time", "20200101T120000!"],
            ),
        ),
        (
            "rex, revoked",
            p("v1.0.0"),
            sign(&k.rex_home, &k.rex, &p("v1.0.0"), &[]),
        ),
        ("modified payload", modified.0, modified.1),
        (
            "text mode",
            p("v1.0.0"),
            sign(&k.home, &k.alice, &p("v1.0.0"), &["--textmode"]),
        ),
        (
            "two signatures",
            p("v1.0.0"),
            sign(&k.home, &k.alice, &p("v1.0.0"), &["--local-user", &k.carol]),
        ),
        (
            "signing subkey",
            p("v1.0.0"),
            sign(home.path(), &format!("{sub_signing}!"), &p("v1.0.0"), &[]),
        ),
        (
            "expired signing subkey",
            p("v1.0.0"),
            sign(
                home.path(),
                &format!("{old_signing}!"),
                &p("v1.0.0"),
                &["--faked-system-time", "20200101T120000!"],
            ),
        ),
    ];
    let ssh = vec![
        ("ssh alice", "alice@example.org", ALICE, &k.ssh_alice, "git"),
        (
            "ssh bob as alice",
            "alice@example.org",
            ALICE,
            &k.ssh_bob,
            "git",
        ),
        (
            "ssh wrong namespace",
            "alice@example.org",
            ALICE,
            &k.ssh_alice,
            "file",
        ),
        (
            "ssh not listed",
            "alice@example.org",
            ALICE,
            &k.ssh_mallory,
            "git",
        ),
        (
            "ssh eve, expired",
            "eve@example.org",
            "Eve Expired <eve@example.org>",
            &k.ssh_eve,
            "git",
        ),
    ];
    let mut cases = Vec::new();
    for (name, payload, signature) in openpgp {
        cases.push((
            Case {
                name,
                payload,
                signature,
                principal: "",
            },
            false,
        ));
    }
    for (name, principal, tagger, key, ns) in ssh {
        let payload = payload_by(&head, "v1.0.0", tagger, "Release\n");
        let signature = ssh_sign(key, ns, payload.as_bytes());
        cases.push((
            Case {
                name,
                payload,
                signature,
                principal,
            },
            true,
        ));
    }
    let mut table = Vec::new();
    let mut passes = 0;
    for (case, is_ssh) in &cases {
        let reference = if *is_ssh {
            ssh_verdict(home.path(), &k.allowed_signers, case)
        } else {
            gpg_verdict(home.path(), &trusted, &allow, case)
        };
        let ours = in_process(&repo, "v1.0.0", case);
        passes += usize::from(ours);
        table.push((case.name, reference, ours));
    }
    let disagree: Vec<_> = table.iter().filter(|(_, r, o)| r != o).collect();
    assert!(
        disagree.is_empty(),
        "verdicts differ (case, reference, in-process): {disagree:?}\nall: {table:?}"
    );
    // The matrix holds both answers: good signatures pass, the rest fail.
    assert_eq!(passes, 3, "{table:?}");
    let _ = command("gpgconf")
        .arg("--homedir")
        .arg(home.path())
        .args(["--kill", "all"])
        .output();
}
