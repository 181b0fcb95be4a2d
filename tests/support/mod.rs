//! Shared helpers for integration tests (`mod support;`): the moto harness and seeding.

#![allow(dead_code)]

pub mod cli;
pub mod ecs_seed;
pub mod moto;
pub mod runbooks;
pub mod secrets;
