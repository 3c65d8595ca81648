//! `release verify-tag NAME`: the tag verification gate (G1-G4). Exit 0 only when the tag
//! passes; the JSON lists every check with its result.

use clap::Args;
use release_core::untrusted::escape;
use release_git::verify::{self, GateResult};

use crate::context::Context;
use crate::error::{CliResult, Outcome};
use crate::gitctx;
use crate::output;

/// Arguments of `release verify-tag`.
#[derive(Debug, Args)]
pub struct VerifyTagArgs {
    /// The tag name (`v1.2.3`), looked up as `refs/tags/NAME` exactly.
    pub name: String,
    /// The commit the tag must point at (CI's event sha, 40 or 64 hex characters).
    #[arg(long, value_name = "SHA")]
    pub expect_sha: Option<String>,
}

/// Runs `release verify-tag`.
pub fn run(ctx: &Context, args: VerifyTagArgs) -> CliResult {
    let repo = gitctx::open_repo(ctx)?;
    let v = match verify::verify_tag(
        repo,
        &args.name,
        ctx.policy(),
        &gitctx::trust(ctx, repo)?,
        args.expect_sha.as_deref(),
    ) {
        Ok(v) => v,
        Err(err) => return gitctx::fail(ctx, err),
    };
    if ctx.json {
        output::print_json(&v)?;
    } else {
        // Details quote the tag object (attacker-chosen bytes): escaped, so a carriage return
        // or an escape sequence cannot draw a fake verdict over the real one.
        match v.failure() {
            None => println!(
                "{}: ok ({})",
                escape(&v.tag),
                match (&v.format, &v.signer) {
                    (Some(f), Some(s)) => format!("good {f} signature by {}", escape(s)),
                    _ => "unsigned".into(),
                }
            ),
            Some(f) => println!(
                "{}: refused by the {} check: {}",
                escape(&v.tag),
                f.id.as_str(),
                escape(&f.detail)
            ),
        }
        if let Some(root) = &v.trust_root {
            println!("  trust root: {}", escape(&root.to_string()));
        }
        for c in &v.checks {
            let r = match c.result {
                GateResult::Pass => "pass",
                GateResult::Warn => "warn",
                GateResult::Fail => "FAIL",
                GateResult::Skip => "skip",
            };
            println!("  {r:<4}  {:<15} {}", c.id.as_str(), escape(&c.detail));
        }
    }
    let github_actions = std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true");
    for w in v.warnings() {
        if github_actions && !ctx.json {
            println!("::warning::{}", crate::output::annotation(&w.detail));
        }
        eprintln!("warning: {}", escape(&w.detail));
    }
    Ok(if v.ok { Outcome::Ok } else { Outcome::No })
}
