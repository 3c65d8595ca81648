//! Progress for long-running remote work: a spinner with the elapsed time on a terminal, and
//! nothing at all in CI or when stderr is not a terminal (logs stay clean).
//!
//! `RELEASE_PROGRESS=always|never` overrides the guess.

use std::future::Future;
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// Whether progress is shown in this process.
pub fn enabled() -> bool {
    match std::env::var("RELEASE_PROGRESS").as_deref() {
        Ok("always") => true,
        Ok("never") => false,
        _ => {
            let ci = ["CI", "GITHUB_ACTIONS"]
                .iter()
                .any(|k| std::env::var_os(k).is_some_and(|v| !v.is_empty()));
            !ci && std::io::stderr().is_terminal()
        }
    }
}

/// Runs `future`, drawing a spinner on stderr once it has taken longer than a moment.
pub async fn with_spinner<F: Future>(what: &str, future: F) -> F::Output {
    if !enabled() {
        return future.await;
    }
    const FRAMES: [char; 4] = ['|', '/', '-', '\\'];
    let start = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_millis(125));
    let mut frame = 0usize;
    let mut drawn = false;
    tokio::pin!(future);
    let out = loop {
        tokio::select! {
            out = &mut future => break out,
            _ = tick.tick() => {
                if start.elapsed() >= Duration::from_millis(300) {
                    let mut err = std::io::stderr().lock();
                    let _ = write!(err, "\r{} {what}… {:.1}s", FRAMES[frame % FRAMES.len()], start.elapsed().as_secs_f32());
                    let _ = err.flush();
                    frame += 1;
                    drawn = true;
                }
            }
        }
    };
    if drawn {
        // Clear the line so the answer starts clean.
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K");
        let _ = err.flush();
    }
    out
}
