//! The Cost pane: month to date by service, the 30-day trend, forecast against the
//! environment's budget, anomalies and the seed's cost levers, with paid requests
//! asked for once per session.

pub mod cells;
pub mod fetch;
pub mod pane;
pub mod report;
pub mod sources;
pub mod state;
pub mod trend_view;
pub mod view;

pub use state::CostState;
