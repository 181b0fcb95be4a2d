//! Built-in step kinds: prerequisite checks, ECS, data and incident write planning,
//! their execution, and verification.

pub mod cache_plan;
pub mod checks;
pub mod data_action;
pub mod data_plan;
pub mod data_wait;
pub mod ecs_plan;
pub mod incident_action;
pub mod incident_exec;
pub mod incident_wait;
pub mod inputs;
pub mod isolate_plan;
pub mod key_plan;
pub mod notify_plan;
pub mod read_back;
pub mod rotation_action;
pub mod rotation_exec;
pub mod rotation_ids;
pub mod rotation_plan;
pub mod sanitize;
pub mod scale_memory;
pub mod secret_plan;
pub mod service_wait;
pub mod task_facts;
pub mod value_source;
pub mod verify;
