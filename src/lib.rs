//! opsdeck: a terminal console for operating an AWS platform during incidents.
//!
//! The binary (`main.rs`) is a thin shell over this library so that integration
//! tests can drive the same code: `cloud` is the boundary to AWS (or the simulated
//! account), `app` holds state and the event loop, `ui` draws frames from state.

pub mod app;
pub mod audit;
pub mod cli;
pub mod clipboard;
pub mod cloud;
pub mod commands;
pub mod config;
pub mod cost_cache;
pub mod drill;
pub mod exec;
pub mod incidents;
pub mod level;
pub mod logging;
pub mod panes;
pub mod private_file;
pub mod runbook;
pub mod terminal;
pub mod text;
pub mod tty_prompt;
pub mod ui;
