//! The runbooks' extra ECS, Application Auto Scaling and ELBv2 calls on AWS.
//!
//! Writes are retried by the SDK only where that is safe: `UpdateService` and
//! `StopServiceDeployment` set a state (repeating them changes nothing more), while
//! `RegisterTaskDefinition` has no idempotency token and is never retried.

use aws_sdk_applicationautoscaling::types::{ScalableDimension, ServiceNamespace};
use aws_sdk_ecs::operation::RequestId;
use aws_sdk_ecs::types::{StopServiceDeploymentStopType, TaskDefinitionStatus};

use super::AwsClients;
use super::convert::{opt, owned};
use super::error_map::map_sdk_error;
use crate::cloud::{
    CloudError, CloudResult, RegisteredTaskDefinition, ScalableTarget, TargetHealth, WriteReceipt,
};

/// ACTIVE revisions of `family` (all pages).
pub async fn list_task_definitions(c: &AwsClients, family: &str) -> CloudResult<Vec<String>> {
    let mut arns = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let out = c
            .ecs
            .list_task_definitions()
            .family_prefix(family)
            .status(TaskDefinitionStatus::Active)
            .set_next_token(next.take())
            .send()
            .await
            .map_err(|e| map_sdk_error("ListTaskDefinitions", e))?;
        arns.extend(out.task_definition_arns().iter().cloned());
        match out.next_token() {
            Some(t) if !t.is_empty() => next = Some(t.to_owned()),
            _ => return Ok(arns),
        }
    }
}

/// The service's scalable target, if Application Auto Scaling manages it.
pub async fn scalable_target(
    c: &AwsClients,
    cluster: &str,
    service: &str,
) -> CloudResult<Option<ScalableTarget>> {
    let out = c
        .autoscaling
        .describe_scalable_targets()
        .service_namespace(ServiceNamespace::Ecs)
        .resource_ids(format!("service/{cluster}/{service}"))
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .send()
        .await
        .map_err(|e| map_sdk_error("DescribeScalableTargets", e))?;
    Ok(out.scalable_targets().first().map(|t| ScalableTarget {
        min: t.min_capacity(),
        max: t.max_capacity(),
    }))
}

/// Health of every target registered in a target group.
pub async fn target_health(c: &AwsClients, target_group: &str) -> CloudResult<Vec<TargetHealth>> {
    let out = c
        .elbv2
        .describe_target_health()
        .target_group_arn(target_group)
        .send()
        .await
        .map_err(|e| map_sdk_error("DescribeTargetHealth", e))?;
    Ok(out
        .target_health_descriptions()
        .iter()
        .map(|d| TargetHealth {
            id: owned(d.target().and_then(|t| t.id())),
            port: d.target().and_then(|t| t.port()),
            state: d
                .target_health()
                .and_then(|h| h.state())
                .map_or_else(|| "unknown".to_string(), |s| s.as_str().to_string()),
            reason: d
                .target_health()
                .and_then(|h| h.reason())
                .map(|r| r.as_str().to_string()),
        })
        .collect())
}

/// Stop an in-flight deployment and roll it back.
pub async fn stop_service_deployment(c: &AwsClients, arn: &str) -> CloudResult<WriteReceipt> {
    let out = c
        .ecs
        .stop_service_deployment()
        .service_deployment_arn(arn)
        .stop_type(StopServiceDeploymentStopType::Rollback)
        .send()
        .await
        .map_err(|e| map_sdk_error("StopServiceDeployment", e))?;
    Ok(WriteReceipt {
        request_id: out.request_id().map(str::to_owned),
        summary: format!("StopServiceDeployment {arn} stopType=ROLLBACK"),
    })
}

/// Register a copy of `base` whose `container` runs `image`; everything else is kept.
pub async fn register_with_image(
    c: &AwsClients,
    base: &str,
    container: &str,
    image: &str,
) -> CloudResult<RegisteredTaskDefinition> {
    let described = c
        .ecs
        .describe_task_definition()
        .task_definition(base)
        .send()
        .await
        .map_err(|e| map_sdk_error("DescribeTaskDefinition", e))?;
    let td = described
        .task_definition()
        .ok_or_else(|| CloudError::NotFound(format!("task definition {base}")))?;
    let mut found = false;
    let containers: Vec<_> = td
        .container_definitions()
        .iter()
        .map(|cd| {
            if cd.name() == Some(container) {
                found = true;
                let mut copy = cd.clone();
                copy.image = Some(image.to_string());
                copy
            } else {
                cd.clone()
            }
        })
        .collect();
    if !found {
        return Err(CloudError::Invalid(format!(
            "task definition {base} has no container named {container}"
        )));
    }
    let out = c
        .ecs
        .register_task_definition()
        .family(owned(td.family()))
        .set_task_role_arn(opt(td.task_role_arn()))
        .set_execution_role_arn(opt(td.execution_role_arn()))
        .set_network_mode(td.network_mode().cloned())
        .set_container_definitions(Some(containers))
        .set_volumes(Some(td.volumes().to_vec()))
        .set_placement_constraints(Some(td.placement_constraints().to_vec()))
        .set_requires_compatibilities(Some(td.requires_compatibilities().to_vec()))
        .set_cpu(opt(td.cpu()))
        .set_memory(opt(td.memory()))
        .set_pid_mode(td.pid_mode().cloned())
        .set_ipc_mode(td.ipc_mode().cloned())
        .set_proxy_configuration(td.proxy_configuration().cloned())
        .set_ephemeral_storage(td.ephemeral_storage().cloned())
        .set_runtime_platform(td.runtime_platform().cloned())
        // No idempotency token exists for this call: a retry could register a second revision.
        .customize()
        .config_override(
            aws_sdk_ecs::config::Builder::default()
                .retry_config(aws_smithy_types::retry::RetryConfig::disabled()),
        )
        .send()
        .await
        .map_err(|e| map_sdk_error("RegisterTaskDefinition", e))?;
    let arn = owned(out.task_definition().and_then(|t| t.task_definition_arn()));
    Ok(RegisteredTaskDefinition {
        receipt: WriteReceipt {
            request_id: out.request_id().map(str::to_owned),
            summary: format!(
                "RegisterTaskDefinition copy of {base} with {container}={image} → {arn}"
            ),
        },
        arn,
    })
}
