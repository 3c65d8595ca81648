//! Running the policy's check commands (`release check`): one at a time, in the repository's
//! top folder, output streamed straight through (never buffered, so a suite that prints a lot
//! costs no memory), stdin closed, each command stopped at the timeout.
//!
//! Each command runs in its own process group, so a timeout stops everything it started (a
//! `sh -c` script's children too), and an interrupt of `release` (Ctrl-C, SIGTERM, SIGHUP)
//! stops the running group before `release` exits with 130: no test run is left behind.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Once;
use std::time::{Duration, Instant};

use release_core::checks::{Invocation, RunResult};
use rustix::process::{kill_process_group, test_kill_process_group, Pid, Signal};

/// The process group of the command running now (0: none), for the interrupt handler.
static RUNNING_GROUP: AtomicI32 = AtomicI32::new(0);
static HANDLER: Once = Once::new();

/// How long a stopped command gets between SIGTERM and SIGKILL.
const GRACE: Duration = Duration::from_secs(3);
/// How often a running command is polled.
const POLL: Duration = Duration::from_millis(50);

/// How one command ended.
#[derive(Debug, Clone)]
pub struct Ran {
    /// Pass, fail, timeout or error (could not start).
    pub result: RunResult,
    /// The exit code, when the command exited.
    pub exit_code: Option<i32>,
    /// How long it ran.
    pub elapsed: Duration,
    /// Why it could not start, for `RunResult::Error`.
    pub error: Option<String>,
}

/// Runs `invocation` in `dir`. The child's stdout goes to ours, or to our stderr when
/// `stdout_to_stderr` (`--json`: stdout is the report).
pub fn run(invocation: &Invocation, dir: &Path, timeout: Duration, stdout_to_stderr: bool) -> Ran {
    install_interrupt_handler();
    let started = Instant::now();
    let mut command = match invocation {
        Invocation::Direct { argv } => {
            let (program, args) = match argv.split_first() {
                Some(split) => split,
                None => return error(started, "an empty command".into()),
            };
            let mut c = Command::new(program);
            c.args(args);
            c
        }
        Invocation::Shell { script, .. } => {
            let mut c = Command::new("sh");
            c.arg("-c").arg(script);
            c
        }
    };
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    command.current_dir(dir).stdin(Stdio::null());
    if stdout_to_stderr {
        use std::os::fd::AsFd;
        match std::io::stderr().as_fd().try_clone_to_owned() {
            Ok(fd) => {
                command.stdout(Stdio::from(fd));
            }
            Err(e) => return error(started, format!("cannot pass stderr on: {e}")),
        }
    }
    let mut child = match command.spawn() {
        Ok(c) => c,
        Err(e) => {
            let name = match invocation {
                Invocation::Direct { argv } => argv.first().cloned().unwrap_or_default(),
                Invocation::Shell { .. } => "sh".into(),
            };
            return error(started, format!("cannot run `{name}`: {e}"));
        }
    };
    let group = i32::try_from(child.id()).unwrap_or(0);
    RUNNING_GROUP.store(group, Ordering::SeqCst);
    let deadline = started + timeout;
    let outcome = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() >= deadline => break None,
            Ok(None) => std::thread::sleep(POLL),
            Err(e) => {
                stop_group(group);
                let _ = child.wait();
                RUNNING_GROUP.store(0, Ordering::SeqCst);
                return error(started, format!("cannot wait for the command: {e}"));
            }
        }
    };
    let ran = match outcome {
        Some(status) => Ran {
            result: if status.success() {
                RunResult::Pass
            } else {
                RunResult::Fail
            },
            exit_code: status.code(),
            elapsed: started.elapsed(),
            error: None,
        },
        None => {
            stop_group(group);
            let _ = child.wait();
            Ran {
                result: RunResult::Timeout,
                exit_code: None,
                elapsed: started.elapsed(),
                error: None,
            }
        }
    };
    RUNNING_GROUP.store(0, Ordering::SeqCst);
    ran
}

fn error(started: Instant, why: String) -> Ran {
    Ran {
        result: RunResult::Error,
        exit_code: None,
        elapsed: started.elapsed(),
        error: Some(why),
    }
}

/// SIGTERM to the group, then SIGKILL after the grace period if anything is left.
fn stop_group(group: i32) {
    let Some(pid) = Pid::from_raw(group) else {
        return;
    };
    if kill_process_group(pid, Signal::TERM).is_err() {
        return;
    }
    let until = Instant::now() + GRACE;
    while Instant::now() < until {
        // Signal 0: fails once no process of the group is left.
        if test_kill_process_group(pid).is_err() {
            return;
        }
        std::thread::sleep(POLL);
    }
    let _ = kill_process_group(pid, Signal::KILL);
}

/// On the first run: a thread that waits for an interrupt, stops the running group and exits.
fn install_interrupt_handler() {
    HANDLER.call_once(|| {
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
        {
            Ok(rt) => rt,
            Err(_) => return,
        };
        // Registered here, before any command starts, so no signal is missed.
        let signals = runtime.block_on(async {
            use tokio::signal::unix::{signal, SignalKind};
            Some((
                signal(SignalKind::interrupt()).ok()?,
                signal(SignalKind::terminate()).ok()?,
                signal(SignalKind::hangup()).ok()?,
            ))
        });
        let Some((mut int, mut term, mut hup)) = signals else {
            return;
        };
        std::thread::spawn(move || {
            runtime.block_on(async {
                tokio::select! {
                    _ = int.recv() => {}
                    _ = term.recv() => {}
                    _ = hup.recv() => {}
                }
            });
            let group = RUNNING_GROUP.load(Ordering::SeqCst);
            if group != 0 {
                eprintln!("interrupted: stopping the running check (process group {group})");
                stop_group(group);
            }
            std::process::exit(130);
        });
    });
}
