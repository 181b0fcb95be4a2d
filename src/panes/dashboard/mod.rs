//! The dashboard pane: ALB, ECS, RDS and Redis against the seed's thresholds, a verdict
//! per tier, alarms and recent errors.

pub mod db_capacity;
pub mod derived;
pub mod format;
pub mod health;
pub mod pane;
pub mod query;
pub mod rules;
pub mod sources;
pub mod state;
pub mod tier;
pub mod tiers_view;
pub mod value_style;
pub mod verdict;
pub mod view;

pub use state::DashboardState;
