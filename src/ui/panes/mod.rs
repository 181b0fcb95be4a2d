//! One module per pane.

pub mod ecs;
