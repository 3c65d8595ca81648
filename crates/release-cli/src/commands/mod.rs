//! One module per subcommand. Each has its clap arguments and a `run(&Context, args)`.

pub mod plan;
pub mod policy;
pub mod version;
