//! One module per subcommand. Each has its clap arguments and a `run(&Context, args)`.

pub mod changelog;
pub mod plan;
pub mod policy;
pub mod upgrading;
pub mod version;
