//! Built-in step kinds: prerequisite checks, ECS and data write planning, and verification.

pub mod cache_plan;
pub mod checks;
pub mod data_action;
pub mod data_plan;
pub mod data_wait;
pub mod ecs_plan;
pub mod scale_memory;
pub mod verify;
