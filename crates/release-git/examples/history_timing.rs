//! Times the parts of reading the release history (for scripts/bench-git.sh investigations).
#![allow(clippy::unwrap_used, clippy::print_stderr)]
use std::time::Instant;
fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let policy = release_core::policy::Policy::default();
    let t = Instant::now();
    let repo = release_git::repo::Repo::discover(std::path::Path::new(&dir)).unwrap();
    eprintln!("open {:?}", t.elapsed());
    let t = Instant::now();
    let names = release_git::history::tag_names(&repo).unwrap();
    eprintln!("names {} {:?}", names.len(), t.elapsed());
    let t = Instant::now();
    let h = release_core::history::History::from_tags(&names, &policy);
    eprintln!("history {} {:?}", h.len(), t.elapsed());
}
