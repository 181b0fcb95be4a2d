//! The ECS pane: services, deployments with their history, the task definition, tasks
//! and service events of the environment's cluster.

pub mod session;
pub mod session_view;
pub mod sources;
pub mod state;
pub mod task_view;
pub mod view;

pub use state::EcsState;
