//! The console's core: state, the reducer that dispatches to panes, the pane list, the
//! fetcher (reads), the write actor (writes) and the loop that drives them.

pub mod actor;
pub mod break_glass;
pub mod connect;
pub mod dispatch;
pub mod event;
pub mod fetch;
pub mod help;
pub mod mfa_prompt;
pub mod palette;
pub mod run;
pub mod state;
pub mod update;

pub use state::{AppState, Mode};
