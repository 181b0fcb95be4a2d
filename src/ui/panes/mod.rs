//! One module per pane.

pub mod dashboard;
pub mod cost;
pub mod ecs;
pub mod security;
pub mod security_popup;
