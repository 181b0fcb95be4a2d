//! Built-in step kinds: prerequisite checks, ECS and data write planning, and verification.

pub mod checks;
pub mod data_action;
pub mod data_plan;
pub mod data_wait;
pub mod ecs_plan;
pub mod verify;
