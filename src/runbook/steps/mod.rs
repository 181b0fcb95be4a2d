//! Built-in step kinds: prerequisite checks, ECS write planning, and verification.

pub mod checks;
pub mod ecs_plan;
pub mod verify;
