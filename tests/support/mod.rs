//! Shared helpers for integration tests (`mod support;`): the moto harness and seeding, a
//! fault-injecting proxy in front of moto, the CloudWatch CBOR↔JSON translator, and ECS
//! paging as AWS pages (moto answers every ARN at once).

#![allow(dead_code)]

pub mod cbor_cloudwatch;
pub mod cli;
pub mod ecs_pages;
pub mod ecs_seed;
pub mod iam_seed;
pub mod logs;
pub mod moto;
pub mod proxy;
pub mod runbooks;
pub mod secrets;
