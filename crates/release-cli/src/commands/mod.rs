//! One module per subcommand. Each has its clap arguments and a `run(&Context, args)`.

pub mod completions;
pub mod hotfix;
pub mod init;
pub mod plan;
pub mod policy;
pub mod rc;
pub mod tag;
pub mod verify_tag;
pub mod promote;
pub mod registry;
pub mod rollback;
pub mod verify;
pub mod version;
