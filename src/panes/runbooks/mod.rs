//! The Runbooks pane: the library, a run's parameters (and a new secret value typed at a
//! hidden prompt), plan, confirmation, live progress, result and rollback section.

pub mod keys;
pub mod progress;
pub mod request;
pub mod state;
pub mod value_entry;
pub mod value_popup;
pub mod view;

pub use state::RunbooksState;
