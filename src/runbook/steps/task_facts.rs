//! What isolate-task needs to know about a task before touching it: the task itself
//! (by ARN or id), its service, its ENI with the current security groups, and every
//! target group where its IP is registered. Reads only.

use super::super::plan::{RunContext, RunError, TaskBefore};
use crate::cloud::{CloudError, TargetRef, last_segment};

/// Look the task up in `cluster` and gather its network facts.
pub async fn gather(ctx: &RunContext, cluster: &str, task: &str) -> Result<TaskBefore, RunError> {
    let read = &ctx.cloud.read;
    let found = read
        .list_tasks(cluster)
        .await?
        .into_iter()
        .find(|t| t.arn == task || t.id() == last_segment(task))
        .ok_or_else(|| CloudError::NotFound(format!("task {task} in cluster {cluster}")))?;
    let service = found.service_name().map(str::to_string);
    let eni = match found.eni_id.as_deref() {
        Some(id) => Some(read.network_interface(id).await?),
        None => None,
    };
    let ip = found
        .private_ip
        .clone()
        .or_else(|| eni.as_ref().and_then(|e| e.private_ip.clone()));
    let mut targets = Vec::new();
    if let (Some(name), Some(ip)) = (&service, &ip) {
        let groups = read
            .list_services(cluster)
            .await?
            .into_iter()
            .find(|s| &s.name == name)
            .map(|s| s.target_groups)
            .unwrap_or_default();
        for tg in groups {
            for t in read.target_health(&tg).await? {
                if &t.id == ip && t.state != "draining" {
                    targets.push(TargetRef {
                        target_group: tg.clone(),
                        id: t.id.clone(),
                        port: t.port,
                    });
                }
            }
        }
    }
    Ok(TaskBefore {
        task: found,
        service,
        eni,
        targets,
    })
}
