//! Application state, the reducer that changes it, and the loop that drives it.

pub mod break_glass;
pub mod connect;
pub mod cost_fetch;
pub mod cost_report;
pub mod cost_state;
pub mod dashboard_format;
pub mod dashboard_query;
pub mod dashboard_state;
pub mod dashboard_verdict;
pub mod ecs_state;
pub mod fetch;
pub mod keys;
pub mod list;
pub mod loadable;
pub mod logs_effect;
pub mod logs_history;
pub mod logs_query;
pub mod logs_results;
pub mod logs_source;
pub mod logs_state;
pub mod logs_tail;
pub mod palette;
pub mod pane;
pub mod run;
pub mod runbook_driver;
pub mod runbooks_state;
pub mod schedule;
pub mod security_fetch;
pub mod security_state;
pub mod security_triage;
pub mod security_view;
pub mod source;
pub mod state;
pub mod update;

pub use state::{AppState, Mode};
