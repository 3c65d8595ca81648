//! Long-running remote work shows progress on a terminal (or when asked) and stays quiet in CI.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::TcpListener;
use std::process::Command;

/// A registry that accepts connections and never answers.
fn silent_registry() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    (listener, addr)
}

fn tags(addr: &str, env: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_release"));
    cmd.args([
        "registry",
        "tags",
        &format!("{addr}/app"),
        "--timeout",
        "1",
        "--attempts",
        "1",
    ])
    .env_remove("CI")
    .env_remove("GITHUB_ACTIONS")
    .env_remove("RELEASE_PROGRESS");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn spinner_when_asked_and_silence_in_ci() {
    let (_listener, addr) = silent_registry();
    let (code, stderr) = tags(&addr, &[("RELEASE_PROGRESS", "always")]);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains("talking to the registry and GitHub…"),
        "{stderr}"
    );
    assert!(
        stderr.contains("\u{1b}[2K"),
        "the line is cleared before the answer"
    );

    let (code, stderr) = tags(&addr, &[("CI", "true")]);
    assert_eq!(code, Some(3));
    assert!(!stderr.contains("talking to"), "quiet in CI: {stderr}");
    // Not a terminal (the test captures stderr): quiet too.
    let (_, stderr) = tags(&addr, &[]);
    assert!(!stderr.contains("talking to"), "{stderr}");
}
