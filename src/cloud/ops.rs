//! Reads and writes the runbooks need beyond the panes': task-definition revisions,
//! Application Auto Scaling bounds, ALB target health, stopping a deployment, and
//! registering a task-definition revision with a new image.

use async_trait::async_trait;

use super::{CloudResult, WriteReceipt};

/// Application Auto Scaling bounds of an ECS service (`DescribeScalableTargets`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScalableTarget {
    pub min: i32,
    pub max: i32,
}

/// One target of an ALB target group (`DescribeTargetHealth`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TargetHealth {
    pub id: String,
    pub port: Option<i32>,
    /// healthy, unhealthy, initial, draining, unused, unavailable.
    pub state: String,
    pub reason: Option<String>,
}

/// A task-definition revision registered by a write.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RegisteredTaskDefinition {
    pub arn: String,
    pub receipt: WriteReceipt,
}

/// Reads runbooks plan and verify with.
#[async_trait]
pub trait OpsRead: Send + Sync {
    /// `ecs:ListTaskDefinitions` for `family`, ACTIVE only, as ARNs (any order).
    async fn list_task_definitions(&self, family: &str) -> CloudResult<Vec<String>>;
    /// `application-autoscaling:DescribeScalableTargets` for the service; None if not registered.
    async fn scalable_target(
        &self,
        cluster: &str,
        service: &str,
    ) -> CloudResult<Option<ScalableTarget>>;
    /// `elasticloadbalancing:DescribeTargetHealth` for a target group ARN.
    async fn target_health(&self, target_group_arn: &str) -> CloudResult<Vec<TargetHealth>>;
}

/// Writes of the ECS runbooks beyond `UpdateService`.
#[async_trait]
pub trait OpsAct: Send + Sync {
    /// `ecs:StopServiceDeployment` with `stopType=ROLLBACK`.
    async fn stop_service_deployment(&self, deployment_arn: &str) -> CloudResult<WriteReceipt>;
    /// `ecs:RegisterTaskDefinition`: a copy of `base` with `container`'s image set to `image`.
    async fn register_task_definition_with_image(
        &self,
        base: &str,
        container: &str,
        image: &str,
    ) -> CloudResult<RegisteredTaskDefinition>;
}
