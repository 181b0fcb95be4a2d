//! One module per pane.

pub mod cost;
pub mod dashboard;
pub mod ecs;
pub mod logs;
pub mod logs_view;
pub mod runbooks;
pub mod security;
pub mod security_detail;
pub mod security_history;
pub mod security_offer_popup;
pub mod security_popup;
