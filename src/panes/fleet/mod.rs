//! The fleet pane (`0`, `:fleet`) and `opsdeck fleet`: every configured environment at
//! once — a verdict per tier, alarms in ALARM, deployments in flight, open critical/high
//! findings, month to date against budget, identity and data age — each environment read
//! with its own reader through a bounded pool, each row filled as it arrives.

pub mod detail_view;
pub mod gather;
pub mod pane;
pub mod readers;
pub mod row;
pub mod sources;
pub mod state;
pub mod view;

pub use state::FleetState;
