//! One module per subcommand. Each has its clap arguments and a `run(&Context, args)`.

pub mod plan;
pub mod policy;
pub mod promote;
pub mod registry;
pub mod rollback;
pub mod verify;
pub mod version;
