//! Embeds `release-core`: computes the Docker tag plan for a tag push, the way a custom CI tool
//! or a bot would, without the `release` binary.
//!
//! Run: `cargo run -p embed-plan -- v0.3.2 v0.3.0,v0.3.1,v0.4.0`

use release_core::event::{Event, RunTime};
use release_core::history::History;
use release_core::matrix::TagPlan;
use release_core::policy::Policy;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let tag = args.next().unwrap_or_else(|| "v0.3.2".into());
    let released = args.next().unwrap_or_else(|| "v0.3.0,v0.3.1,v0.4.0".into());

    // A project would read its own release-policy.toml; the built-in policy is RustShare's.
    let policy = Policy::default();
    let history = History::from_tags(released.split(','), &policy);
    let event = Event::parse(
        "push",
        &format!("refs/tags/{tag}"),
        "0123456789abcdef0123456789abcdef01234567",
        RunTime::parse_rfc3339("2026-07-20T10:00:00Z")?,
        &policy,
    )?;
    let plan = TagPlan::compute(&event, &history, &policy)?;
    for tag in &plan.tags {
        println!("publish {tag}");
    }
    for skipped in &plan.skipped {
        println!("skip    {}: {}", skipped.tag, skipped.reason);
    }
    Ok(())
}
