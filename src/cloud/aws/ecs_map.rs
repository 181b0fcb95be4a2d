//! Maps ECS SDK shapes (`Service`, `Task`, `TaskDefinition`, `ServiceDeploymentBrief`) to
//! the domain types. Pure functions; every optional field is handled.

use aws_sdk_ecs::types as sdk;

use super::convert::{epoch, opt, owned};
use crate::cloud::{
    ContainerSummary, EcsDeployment, EcsService, EcsTask, ServiceDeploymentRecord, ServiceEvent,
    TaskContainer, TaskDefinition,
};

/// The attachment type that carries a task's network interface.
const ENI_ATTACHMENT: &str = "ElasticNetworkInterface";

/// The task attribute some endpoints report the availability zone in.
const AZ_ATTRIBUTE: &str = "ecs.availability-zone";

/// One `DescribeServices` entry.
pub fn service(s: &sdk::Service) -> EcsService {
    let launch_type = match s.launch_type() {
        Some(lt) => lt.as_str().to_owned(),
        None => s
            .capacity_provider_strategy()
            .iter()
            .map(|c| c.capacity_provider())
            .collect::<Vec<_>>()
            .join(","),
    };
    let mut events: Vec<ServiceEvent> = s
        .events()
        .iter()
        .map(|e| ServiceEvent {
            id: owned(e.id()),
            created_at: epoch(e.created_at()),
            message: owned(e.message()),
        })
        .collect();
    // Newest first; stable so equal timestamps keep the service's own order.
    events.sort_by_key(|e| std::cmp::Reverse(e.created_at));
    EcsService {
        name: owned(s.service_name()),
        arn: owned(s.service_arn()),
        status: owned(s.status()),
        desired: s.desired_count(),
        running: s.running_count(),
        pending: s.pending_count(),
        task_definition: owned(s.task_definition()),
        launch_type,
        deployments: s.deployments().iter().map(deployment).collect(),
        events,
        target_groups: s
            .load_balancers()
            .iter()
            .filter_map(|lb| lb.target_group_arn())
            .map(str::to_owned)
            .collect(),
        created_at: epoch(s.created_at()),
    }
}

fn deployment(d: &sdk::Deployment) -> EcsDeployment {
    EcsDeployment {
        id: owned(d.id()),
        status: owned(d.status()),
        task_definition: owned(d.task_definition()),
        desired: d.desired_count(),
        running: d.running_count(),
        pending: d.pending_count(),
        failed: d.failed_tasks(),
        rollout_state: d.rollout_state().map(|r| r.as_str().to_owned()),
        rollout_reason: opt(d.rollout_state_reason()),
        created_at: epoch(d.created_at()),
        updated_at: epoch(d.updated_at()),
    }
}

/// One `DescribeTasks` entry, with ENI id and private IP from its ENI attachment.
pub fn task(t: &sdk::Task) -> EcsTask {
    let eni = t
        .attachments()
        .iter()
        .find(|a| a.r#type() == Some(ENI_ATTACHMENT));
    let detail = |name: &str| {
        eni.and_then(|a| {
            a.details()
                .iter()
                .find(|kv| kv.name() == Some(name))
                .and_then(|kv| kv.value())
                .map(str::to_owned)
        })
    };
    EcsTask {
        arn: owned(t.task_arn()),
        task_definition_arn: owned(t.task_definition_arn()),
        last_status: owned(t.last_status()),
        desired_status: owned(t.desired_status()),
        health: t.health_status().map(|h| h.as_str().to_owned()),
        availability_zone: opt(t.availability_zone()).or_else(|| {
            t.attributes()
                .iter()
                .find(|a| a.name() == AZ_ATTRIBUTE)
                .and_then(|a| opt(a.value()))
        }),
        private_ip: detail("privateIPv4Address"),
        eni_id: detail("networkInterfaceId"),
        group: opt(t.group()),
        started_at: epoch(t.started_at()),
        stopped_at: epoch(t.stopped_at()),
        stopped_reason: opt(t.stopped_reason()),
        cpu: opt(t.cpu()),
        memory: opt(t.memory()),
        containers: t
            .containers()
            .iter()
            .map(|c| TaskContainer {
                name: owned(c.name()),
                image: owned(c.image()),
                image_digest: opt(c.image_digest()),
                last_status: owned(c.last_status()),
                exit_code: c.exit_code(),
                reason: opt(c.reason()),
            })
            .collect(),
    }
}

/// A task definition with its containers' images and secret references (never values).
pub fn task_definition(td: &sdk::TaskDefinition) -> TaskDefinition {
    TaskDefinition {
        arn: owned(td.task_definition_arn()),
        family: owned(td.family()),
        revision: td.revision(),
        status: td
            .status()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        cpu: opt(td.cpu()),
        memory: opt(td.memory()),
        containers: td
            .container_definitions()
            .iter()
            .map(|c| ContainerSummary {
                name: owned(c.name()),
                image: owned(c.image()),
                secret_refs: c
                    .secrets()
                    .iter()
                    .map(|s| s.value_from().to_owned())
                    .filter(|v| !v.is_empty())
                    .collect(),
                env_names: c
                    .environment()
                    .iter()
                    .filter_map(|kv| kv.name().map(str::to_owned))
                    .collect(),
                log_group: awslogs_group(c.log_configuration()),
            })
            .collect(),
        registered_at: epoch(td.registered_at()),
    }
}

/// The `awslogs-group` option of an `awslogs` log configuration.
fn awslogs_group(config: Option<&sdk::LogConfiguration>) -> Option<String> {
    let config = config?;
    if *config.log_driver() != sdk::LogDriver::Awslogs {
        return None;
    }
    opt(config.options()?.get("awslogs-group").map(String::as_str))
}

/// One `ListServiceDeployments` entry. `target_task_definition` is filled in separately
/// from the deployment's target service revision.
pub fn service_deployment(d: &sdk::ServiceDeploymentBrief) -> ServiceDeploymentRecord {
    ServiceDeploymentRecord {
        arn: owned(d.service_deployment_arn()),
        status: d
            .status()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        target_task_definition: None,
        started_at: epoch(d.started_at().or(d.created_at())),
        finished_at: epoch(d.finished_at()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_types::DateTime;

    #[test]
    fn empty_shapes_do_not_panic() {
        let s = service(&sdk::Service::builder().build());
        assert_eq!(s.name, "");
        assert!(s.deployments.is_empty());
        let t = task(&sdk::Task::builder().build());
        assert_eq!(t.eni_id, None);
        let td = task_definition(&sdk::TaskDefinition::builder().build());
        assert!(td.containers.is_empty());
        let d = service_deployment(&sdk::ServiceDeploymentBrief::builder().build());
        assert_eq!(d.status, "");
    }

    #[test]
    fn events_newest_first_and_target_groups() {
        let s = sdk::Service::builder()
            .events(
                sdk::ServiceEvent::builder()
                    .id("old")
                    .created_at(DateTime::from_secs(10))
                    .build(),
            )
            .events(
                sdk::ServiceEvent::builder()
                    .id("new")
                    .created_at(DateTime::from_secs(20))
                    .build(),
            )
            .load_balancers(
                sdk::LoadBalancer::builder()
                    .target_group_arn("arn:tg")
                    .build(),
            )
            .load_balancers(
                sdk::LoadBalancer::builder()
                    .load_balancer_name("classic")
                    .build(),
            )
            .deployments(
                sdk::Deployment::builder()
                    .status("PRIMARY")
                    .rollout_state(sdk::DeploymentRolloutState::InProgress)
                    .rollout_state_reason("ECS deployment in progress")
                    .failed_tasks(2)
                    .build(),
            )
            .build();
        let s = service(&s);
        assert_eq!(s.events[0].id, "new");
        assert_eq!(s.target_groups, vec!["arn:tg".to_owned()]);
        let d = &s.deployments[0];
        assert_eq!(d.rollout_state.as_deref(), Some("IN_PROGRESS"));
        assert_eq!(d.failed, 2);
    }

    #[test]
    fn eni_details_come_from_the_eni_attachment() {
        let kv = |n: &str, v: &str| sdk::KeyValuePair::builder().name(n).value(v).build();
        let t = sdk::Task::builder()
            .attachments(
                sdk::Attachment::builder()
                    .r#type("Other")
                    .details(kv("networkInterfaceId", "wrong"))
                    .build(),
            )
            .attachments(
                sdk::Attachment::builder()
                    .r#type(ENI_ATTACHMENT)
                    .details(kv("subnetId", "subnet-1"))
                    .details(kv("networkInterfaceId", "eni-1"))
                    .details(kv("privateIPv4Address", "10.0.0.5"))
                    .build(),
            )
            .health_status(sdk::HealthStatus::Healthy)
            .stopped_reason("")
            .attributes(
                sdk::Attribute::builder()
                    .name(AZ_ATTRIBUTE)
                    .value("eu-west-1b")
                    .build()
                    .expect("attribute"),
            )
            .build();
        let t = task(&t);
        assert_eq!(t.availability_zone.as_deref(), Some("eu-west-1b"));
        assert_eq!(t.stopped_reason, None);
        assert_eq!(t.eni_id.as_deref(), Some("eni-1"));
        assert_eq!(t.private_ip.as_deref(), Some("10.0.0.5"));
        assert_eq!(t.health.as_deref(), Some("HEALTHY"));
    }
}
