//! ECS calls: services, tasks, task definitions, service deployments, and `UpdateService`.

use std::collections::{HashMap, HashSet};

use aws_sdk_ecs::Client;
use aws_sdk_ecs::operation::RequestId;
use aws_sdk_ecs::types::DesiredStatus;

use super::ecs_map;
use super::error_map::map_sdk_error;
use super::paging::{MAX_PAGES, endless, next_token as next};
use crate::cloud::{
    CloudError, CloudResult, EcsService, EcsTask, ServiceDeploymentRecord, ServiceUpdate,
    TaskDefinition, WriteReceipt,
};

/// `DescribeServices` accepts at most 10 services per call.
const DESCRIBE_SERVICES_BATCH: usize = 10;
/// `DescribeTasks` accepts at most 100 tasks per call.
const DESCRIBE_TASKS_BATCH: usize = 100;
/// `DescribeServiceRevisions` accepts at most 20 revisions per call.
const DESCRIBE_REVISIONS_BATCH: usize = 20;
/// `ListServices` and `ListTasks` return at most 100 ARNs per page.
const LIST_PAGE_SIZE: i32 = 100;

/// All services of `cluster` (every page of `ListServices`), described in batches of 10,
/// sorted by name. An endpoint still offering a next page after `MAX_PAGES` pages is an
/// error, never a shorter list.
pub async fn list_services(client: &Client, cluster: &str) -> CloudResult<Vec<EcsService>> {
    let mut arns = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = client
            .list_services()
            .cluster(cluster)
            .max_results(LIST_PAGE_SIZE)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| map_sdk_error("ListServices", e))?;
        arns.extend(page.service_arns().iter().cloned());
        token = next(page.next_token());
        if token.is_none() {
            break;
        }
    }
    if token.is_some() {
        return Err(endless("ListServices"));
    }
    let mut services = Vec::with_capacity(arns.len());
    for batch in arns.chunks(DESCRIBE_SERVICES_BATCH) {
        let out = client
            .describe_services()
            .cluster(cluster)
            .set_services(Some(batch.to_vec()))
            .send()
            .await
            .map_err(|e| map_sdk_error("DescribeServices", e))?;
        log_failures("DescribeServices", out.failures());
        services.extend(out.services().iter().map(ecs_map::service));
    }
    services.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(services)
}

/// Running tasks and recently stopped tasks (the ones ECS still lists) of `cluster`:
/// every page of `ListTasks` for each, described in batches of 100. An endpoint still
/// offering a next page after `MAX_PAGES` pages is an error, never a shorter list.
pub async fn list_tasks(client: &Client, cluster: &str) -> CloudResult<Vec<EcsTask>> {
    let mut arns = task_arns(client, cluster, DesiredStatus::Running).await?;
    let stopped = task_arns(client, cluster, DesiredStatus::Stopped).await?;
    let mut seen: HashSet<String> = arns.iter().cloned().collect();
    arns.extend(stopped.into_iter().filter(|a| seen.insert(a.clone())));
    let mut tasks = Vec::with_capacity(arns.len());
    for batch in arns.chunks(DESCRIBE_TASKS_BATCH) {
        let out = client
            .describe_tasks()
            .cluster(cluster)
            .set_tasks(Some(batch.to_vec()))
            .send()
            .await
            .map_err(|e| map_sdk_error("DescribeTasks", e))?;
        log_failures("DescribeTasks", out.failures());
        tasks.extend(out.tasks().iter().map(ecs_map::task));
    }
    Ok(tasks)
}

/// Every page of `ListTasks` for `status`.
async fn task_arns(
    client: &Client,
    cluster: &str,
    status: DesiredStatus,
) -> CloudResult<Vec<String>> {
    let mut arns = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = client
            .list_tasks()
            .cluster(cluster)
            .desired_status(status.clone())
            .max_results(LIST_PAGE_SIZE)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| map_sdk_error("ListTasks", e))?;
        arns.extend(page.task_arns().iter().cloned());
        token = next(page.next_token());
        if token.is_none() {
            return Ok(arns);
        }
    }
    Err(endless("ListTasks"))
}

/// One task definition by ARN or `family[:revision]`.
pub async fn describe_task_definition(client: &Client, name: &str) -> CloudResult<TaskDefinition> {
    let out = client
        .describe_task_definition()
        .task_definition(name)
        .send()
        .await
        .map_err(|e| map_sdk_error("DescribeTaskDefinition", e))?;
    out.task_definition()
        .map(ecs_map::task_definition)
        .ok_or_else(|| CloudError::NotFound(format!("task definition {name}")))
}

/// The most recent page of a service's deployments, with each target revision's task
/// definition resolved (best effort) through `DescribeServiceRevisions`.
pub async fn list_service_deployments(
    client: &Client,
    cluster: &str,
    service: &str,
) -> CloudResult<Vec<ServiceDeploymentRecord>> {
    let out = client
        .list_service_deployments()
        .cluster(cluster)
        .service(service)
        .send()
        .await
        .map_err(|e| map_sdk_error("ListServiceDeployments", e))?;
    let mut records: Vec<ServiceDeploymentRecord> = out
        .service_deployments()
        .iter()
        .map(ecs_map::service_deployment)
        .collect();
    let revisions: Vec<String> = out
        .service_deployments()
        .iter()
        .filter_map(|d| d.target_service_revision_arn())
        .map(str::to_owned)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let task_defs = revision_task_definitions(client, &revisions).await;
    for (record, brief) in records.iter_mut().zip(out.service_deployments()) {
        record.target_task_definition = brief
            .target_service_revision_arn()
            .and_then(|r| task_defs.get(r).cloned());
    }
    Ok(records)
}

/// Service revision ARN → task definition. Failures only lose the enrichment.
async fn revision_task_definitions(
    client: &Client,
    revisions: &[String],
) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for batch in revisions.chunks(DESCRIBE_REVISIONS_BATCH) {
        match client
            .describe_service_revisions()
            .set_service_revision_arns(Some(batch.to_vec()))
            .send()
            .await
        {
            Ok(out) => map.extend(out.service_revisions().iter().filter_map(|r| {
                Some((
                    r.service_revision_arn()?.to_owned(),
                    r.task_definition()?.to_owned(),
                ))
            })),
            Err(e) => {
                let err = map_sdk_error("DescribeServiceRevisions", e);
                tracing::debug!(%err, "could not resolve service revisions");
            }
        }
    }
    map
}

/// `UpdateService` with the fields `update` sets.
pub async fn update_service(
    client: &Client,
    cluster: &str,
    service: &str,
    update: &ServiceUpdate,
) -> CloudResult<WriteReceipt> {
    let changes = describe_update(update);
    if changes.is_empty() {
        return Err(CloudError::Invalid(format!(
            "UpdateService {service}: nothing to change"
        )));
    }
    let mut req = client
        .update_service()
        .cluster(cluster)
        .service(service)
        .set_task_definition(update.task_definition.clone())
        .set_desired_count(update.desired_count);
    if update.force_new_deployment {
        req = req.force_new_deployment(true);
    }
    let out = req
        .send()
        .await
        .map_err(|e| map_sdk_error("UpdateService", e))?;
    Ok(WriteReceipt {
        request_id: out.request_id().map(str::to_owned),
        summary: format!("UpdateService {cluster}/{service}: {}", changes.join(", ")),
    })
}

/// The set fields of `update`, as `name=value` words.
fn describe_update(update: &ServiceUpdate) -> Vec<String> {
    let mut changes = Vec::new();
    if let Some(n) = update.desired_count {
        changes.push(format!("desiredCount={n}"));
    }
    if let Some(td) = &update.task_definition {
        changes.push(format!("taskDefinition={td}"));
    }
    if update.force_new_deployment {
        changes.push("forceNewDeployment".to_owned());
    }
    changes
}

fn log_failures(operation: &str, failures: &[aws_sdk_ecs::types::Failure]) {
    for f in failures {
        tracing::debug!(
            operation,
            arn = f.arn().unwrap_or_default(),
            reason = f.reason().unwrap_or_default(),
            "ECS reported a failure"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_summary_lists_set_fields() {
        let u = ServiceUpdate {
            task_definition: Some("web:7".into()),
            desired_count: Some(3),
            force_new_deployment: true,
        };
        assert_eq!(
            describe_update(&u),
            vec![
                "desiredCount=3",
                "taskDefinition=web:7",
                "forceNewDeployment"
            ]
        );
        assert!(describe_update(&ServiceUpdate::default()).is_empty());
    }
}
