//! The console's panes, one folder each: its state, keys, sources (fetch and apply) and
//! view, behind one interface (`kit::PaneState`). `id` names them in tab order; adding a
//! pane means its folder, a line here, and a line in the pane list of `app::panes`.

pub mod cost;
pub mod dashboard;
pub mod ecs;
pub mod id;
pub mod kit;
pub mod logs;
pub mod runbooks;
pub mod security;

pub use id::Pane;
