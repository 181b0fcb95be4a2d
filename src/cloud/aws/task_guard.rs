//! ECS task writes of the isolate-task runbook: `UpdateTaskProtection` (so the scheduler
//! keeps the task as evidence) and `TagResource` on the task.

use aws_sdk_ecs::operation::RequestId;
use aws_sdk_ecs::types::Tag;

use super::error_map::map_sdk_error;
use crate::cloud::{CloudError, CloudResult, WriteReceipt};

/// `UpdateTaskProtection` with `protectionEnabled=true` for `minutes`.
pub async fn protect_task(
    c: &aws_sdk_ecs::Client,
    cluster: &str,
    task: &str,
    minutes: i32,
) -> CloudResult<WriteReceipt> {
    let out = c
        .update_task_protection()
        .cluster(cluster)
        .tasks(task)
        .protection_enabled(true)
        .expires_in_minutes(minutes)
        .send()
        .await
        .map_err(|e| map_sdk_error("UpdateTaskProtection", e))?;
    if let Some(f) = out.failures().first() {
        return Err(CloudError::Service(format!(
            "UpdateTaskProtection {}: {} {}",
            f.arn().unwrap_or(task),
            f.reason().unwrap_or("failed"),
            f.detail().unwrap_or_default()
        )));
    }
    let until = out
        .protected_tasks()
        .first()
        .and_then(|p| p.expiration_date())
        .map(|d| d.secs().to_string())
        .unwrap_or_else(|| "?".into());
    Ok(WriteReceipt {
        request_id: out.request_id().map(str::to_owned),
        summary: format!(
            "UpdateTaskProtection {task} protected for {minutes} min (until epoch {until})"
        ),
    })
}

/// `TagResource` of a task with several tags.
pub async fn tag_task(
    c: &aws_sdk_ecs::Client,
    task: &str,
    tags: &[(String, String)],
) -> CloudResult<WriteReceipt> {
    let out = c
        .tag_resource()
        .resource_arn(task)
        .set_tags(Some(
            tags.iter()
                .map(|(k, v)| Tag::builder().key(k).value(v).build())
                .collect(),
        ))
        .send()
        .await
        .map_err(|e| map_sdk_error("TagResource", e))?;
    let text: Vec<String> = tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
    Ok(WriteReceipt {
        request_id: out.request_id().map(str::to_owned),
        summary: format!("TagResource {task} {}", text.join(", ")),
    })
}
