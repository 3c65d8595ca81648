//! One module per subcommand. Each has its clap arguments and a `run(&Context, args)`.

pub mod announce;
pub mod changelog;
pub mod check;
pub mod checklist;
pub mod ci;
pub mod completions;
pub mod hotfix;
pub mod init;
pub mod plan;
pub mod policy;
pub mod preflight;
pub mod prepare;
pub mod promote;
pub mod rc;
pub mod registry;
pub mod rollback;
pub mod sample;
pub mod status;
pub mod tag;
pub mod upgrading;
pub mod verify;
pub mod verify_tag;
pub mod version;
