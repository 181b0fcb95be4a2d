//! The Security pane: Security Hub findings (filters sent to the API), standard scores,
//! GuardDuty, the finding detail with its history, audited triage, and runbooks offered
//! from a finding.

pub mod detail_view;
pub mod findings_view;
pub mod history;
pub mod history_view;
pub mod keys;
pub mod offer_pick;
pub mod offer_popup_view;
pub mod offers;
pub mod pane;
pub mod sources;
pub mod state;
pub mod triage;
pub mod triage_view;
pub mod view;
pub mod write;

pub use state::SecurityState;
