//! The Runbooks pane: the library, a run's parameters, plan, confirmation, live progress,
//! result and rollback section.

pub mod keys;
pub mod progress;
pub mod request;
pub mod state;
pub mod view;

pub use state::RunbooksState;
