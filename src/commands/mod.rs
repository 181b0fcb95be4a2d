//! Subcommands that work without the UI (`opsdeck config …`, and one file per command).
//! Each takes the parsed global flags and returns the process exit code.

pub mod audit;
pub mod completions;
pub mod context;
pub mod cost;
pub mod doctor;
pub mod drill;
pub mod exec;
pub mod fleet;
pub mod init;
pub mod logs;
pub mod postmortem;
pub mod posture;
pub mod runbook;
pub mod snapshot;
pub mod timeline;
