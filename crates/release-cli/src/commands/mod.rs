//! One module per subcommand. Each has its clap arguments and a `run(&Context, args)`.

pub mod completions;
pub mod init;
pub mod plan;
pub mod policy;
pub mod promote;
pub mod registry;
pub mod rollback;
pub mod verify;
pub mod version;
