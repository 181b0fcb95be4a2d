//! Shared helpers for integration tests (`mod support;`): the moto harness.

#![allow(dead_code)]

pub mod moto;
