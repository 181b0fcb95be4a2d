//! The runbooks' extra reads and writes on the simulated account: task-definition
//! revisions, auto-scaling bounds per environment, target health derived from the
//! service's tasks, and stopping an in-flight deployment (a rollback to the ACTIVE one).

use async_trait::async_trait;

use super::SimCloud;
use super::source::SimSource;
use crate::cloud::{
    CloudAct, CloudError, CloudResult, EcsRead, OpsAct, OpsRead, RegisteredTaskDefinition,
    ScalableTarget, ServiceUpdate, TargetHealth, WriteReceipt,
};

#[async_trait]
impl OpsRead for SimCloud {
    async fn list_task_definitions(&self, family: &str) -> CloudResult<Vec<String>> {
        self.check(SimSource::TaskDefinitions)?;
        let family = self
            .profile
            .family(family)
            .ok_or_else(|| CloudError::NotFound(format!("task definition family {family}")))?;
        Ok(family
            .revisions
            .iter()
            .map(|r| self.profile.task_definition_arn(&family.name, r.number))
            .collect())
    }

    async fn scalable_target(
        &self,
        _cluster: &str,
        service: &str,
    ) -> CloudResult<Option<ScalableTarget>> {
        if self.profile.service(service).is_none() {
            return Err(CloudError::NotFound(format!("service {service}")));
        }
        Ok(Some(match self.profile.name.as_str() {
            "prod" => ScalableTarget { min: 3, max: 12 },
            "staging" => ScalableTarget { min: 2, max: 6 },
            _ => ScalableTarget { min: 0, max: 4 },
        }))
    }

    async fn target_health(&self, target_group_arn: &str) -> CloudResult<Vec<TargetHealth>> {
        let cluster = self.profile.cluster();
        let services = self.list_services(&cluster).await?;
        let Some(service) = services
            .iter()
            .find(|s| s.target_groups.iter().any(|t| t == target_group_arn))
        else {
            return Err(CloudError::NotFound(format!(
                "target group {target_group_arn}"
            )));
        };
        let tasks = self.list_tasks(&cluster).await?;
        let removed = self.world.incident_ledger().deregistered;
        Ok(tasks
            .iter()
            .filter(|t| {
                t.service_name() == Some(service.name.as_str())
                    && t.last_status == "RUNNING"
                    && !removed.iter().any(|r| {
                        r.target_group == target_group_arn && Some(&r.id) == t.private_ip.as_ref()
                    })
            })
            .map(|t| {
                let state = match t.health.as_deref() {
                    Some("HEALTHY") => "healthy",
                    Some("UNHEALTHY") => "unhealthy",
                    _ => "initial",
                };
                TargetHealth {
                    id: t.private_ip.clone().unwrap_or_default(),
                    port: Some(8000),
                    state: state.to_string(),
                    reason: (state != "healthy").then(|| "Target.FailedHealthChecks".to_string()),
                }
            })
            .collect())
    }
}

#[async_trait]
impl OpsAct for SimCloud {
    async fn stop_service_deployment(&self, deployment_arn: &str) -> CloudResult<WriteReceipt> {
        // The simulated rollback: send the service back to its ACTIVE (previous) deployment.
        let cluster = self.profile.cluster();
        let services = self.list_services(&cluster).await?;
        let (service, previous) = services
            .iter()
            .find_map(|s| {
                let in_flight = s.deployments.iter().any(|d| {
                    d.status == "PRIMARY" && d.rollout_state.as_deref() == Some("IN_PROGRESS")
                });
                let previous = s.deployments.iter().find(|d| d.status == "ACTIVE")?;
                (in_flight && deployment_arn.contains(&s.name))
                    .then(|| (s.name.clone(), previous.task_definition.clone()))
            })
            .ok_or_else(|| {
                CloudError::Invalid(format!("no deployment in flight for {deployment_arn}"))
            })?;
        let update = ServiceUpdate {
            task_definition: Some(previous),
            ..Default::default()
        };
        let receipt = self.update_service(&cluster, &service, &update).await?;
        Ok(WriteReceipt {
            summary: format!("StopServiceDeployment {deployment_arn} stopType=ROLLBACK"),
            ..receipt
        })
    }

    async fn register_task_definition_with_image(
        &self,
        _base: &str,
        _container: &str,
        _image: &str,
    ) -> CloudResult<RegisteredTaskDefinition> {
        Err(CloudError::Unsupported(
            "RegisterTaskDefinition (the simulated account has a fixed revision history; deploy a revision instead)"
                .into(),
        ))
    }
}
