//! The Logs pane: CloudWatch Logs Insights queries (built-in and edited), results with
//! sort, filter, detail and export, history, saved queries and the live tail.

pub mod cell_text;
pub mod history;
pub mod keys;
pub mod query;
pub mod results;
pub mod rows_view;
pub mod sources;
pub mod spend;
pub mod state;
pub mod tail;
pub mod view;

pub use state::LogsState;
