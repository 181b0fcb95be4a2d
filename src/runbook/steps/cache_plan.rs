//! Planning `elasticache.test_failover`: DescribeReplicationGroups finds the node group
//! (the given one, else the first: the only one with cluster mode disabled) and its
//! primary; refused unless the group is available, automatic failover is enabled and
//! the node group has a replica to promote. Reads only.

use std::collections::BTreeMap;

use super::super::kinds::StepKind;
use super::super::plan::{Action, PlannedStep, RunContext, RunError};
use super::super::value::Value;
use super::data_action::DataAction;
use super::inputs::text;

/// Plan the test failover.
pub async fn plan(
    ctx: &RunContext,
    label: &str,
    inputs: &BTreeMap<String, Value>,
) -> Result<PlannedStep, RunError> {
    let id = text(inputs, "replication_group").unwrap_or_default();
    let group = ctx.cloud.read.cache_replication_group(&id).await?;
    let wanted = text(inputs, "node_group");
    let ng = match &wanted {
        Some(w) => group.node_groups.iter().find(|n| &n.id == w),
        None => group.node_groups.first(),
    }
    .ok_or_else(|| {
        RunError::Refused(format!(
            "{id} has no node group {}",
            wanted.as_deref().unwrap_or("at all")
        ))
    })?;
    let auto = group.automatic_failover.as_deref().unwrap_or("unknown");
    let mut calls = vec![format!(
        "elasticache:DescribeReplicationGroups {id}: {}, automatic failover {auto}, node group {} primary {} replicas [{}]",
        group.status,
        ng.id,
        ng.primary.as_deref().unwrap_or("?"),
        ng.replicas.join(", ")
    )];
    if group.status != "available" {
        return Err(RunError::Refused(format!(
            "{id} is {}: TestFailover needs it available",
            group.status
        )));
    }
    if auto != "enabled" {
        return Err(RunError::Refused(format!(
            "{id} has automatic failover {auto}: TestFailover needs it enabled (and at least one replica)"
        )));
    }
    if ng.replicas.is_empty() {
        return Err(RunError::Refused(format!(
            "node group {} of {id} has no replica to promote",
            ng.id
        )));
    }
    calls.push(format!(
        "elasticache:TestFailover ReplicationGroupId={id} NodeGroupId={} (primary {} → a replica; writes fail for a few seconds)",
        ng.id,
        ng.primary.as_deref().unwrap_or("?")
    ));
    Ok(PlannedStep {
        kind: StepKind::CacheTestFailover,
        label: label.to_string(),
        calls,
        warnings: Vec::new(),
        action: Some(Action::Data(DataAction::TestCacheFailover {
            group: id,
            node_group: ng.id.clone(),
        })),
        inputs: inputs.clone(),
    })
}
