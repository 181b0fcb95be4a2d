//! ELBv2 target registration for the isolate-task runbook: take a task's IP out of its
//! target groups, and put it back on rollback.

use aws_sdk_elasticloadbalancingv2::operation::RequestId;
use aws_sdk_elasticloadbalancingv2::types::TargetDescription;

use super::error_map::map_sdk_error;
use crate::cloud::{CloudResult, TargetRef, WriteReceipt};

fn description(t: &TargetRef) -> TargetDescription {
    TargetDescription::builder()
        .id(&t.id)
        .set_port(t.port)
        .build()
}

fn shown(t: &TargetRef) -> String {
    match t.port {
        Some(p) => format!("{}:{p} in {}", t.id, t.target_group),
        None => format!("{} in {}", t.id, t.target_group),
    }
}

/// `DeregisterTargets` of one target.
pub async fn deregister_target(
    c: &aws_sdk_elasticloadbalancingv2::Client,
    t: &TargetRef,
) -> CloudResult<WriteReceipt> {
    let out = c
        .deregister_targets()
        .target_group_arn(&t.target_group)
        .targets(description(t))
        .send()
        .await
        .map_err(|e| map_sdk_error("DeregisterTargets", e))?;
    Ok(WriteReceipt {
        request_id: out.request_id().map(str::to_owned),
        summary: format!("DeregisterTargets {}", shown(t)),
    })
}

/// `RegisterTargets` of one target.
pub async fn register_target(
    c: &aws_sdk_elasticloadbalancingv2::Client,
    t: &TargetRef,
) -> CloudResult<WriteReceipt> {
    let out = c
        .register_targets()
        .target_group_arn(&t.target_group)
        .targets(description(t))
        .send()
        .await
        .map_err(|e| map_sdk_error("RegisterTargets", e))?;
    Ok(WriteReceipt {
        request_id: out.request_id().map(str::to_owned),
        summary: format!("RegisterTargets {}", shown(t)),
    })
}
