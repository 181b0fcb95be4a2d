//! The Timeline pane: what changed and what happened in one environment over a window,
//! in time order — deployments and service events with what each task-definition
//! revision changed, alarm state changes, CloudTrail management events, findings first
//! seen, scaling activities, RDS events and the operators' own actions from the audit
//! log — with the suspect change (the last change before the first alarm) marked.
//! Each feed is fetched and can fail on its own; the others still show.

pub mod event;
pub mod feed;
pub mod from_audit;
pub mod from_cloud;
pub mod from_ecs;
pub mod gather;
pub mod merged;
pub mod pane;
pub mod render_text;
pub mod sources;
pub mod state;
pub mod suspect;
pub mod taskdef_diff;
pub mod view;

pub use state::TimelineState;
