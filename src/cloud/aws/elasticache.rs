//! ElastiCache for the cache-failover and rotate-redis-auth runbooks: describe a
//! replication group's node groups, primary and AUTH settings, and `TestFailover` one
//! node group.

use aws_sdk_elasticache::operation::RequestId;

use super::convert::{epoch, opt, owned};
use super::error_map::map_sdk_error;
use crate::cloud::{CacheNodeGroup, CacheReplicationGroup, CloudError, CloudResult, WriteReceipt};

/// One replication group by id.
pub async fn replication_group(
    c: &aws_sdk_elasticache::Client,
    id: &str,
) -> CloudResult<CacheReplicationGroup> {
    let out = c
        .describe_replication_groups()
        .replication_group_id(id)
        .send()
        .await
        .map_err(|e| map_sdk_error("DescribeReplicationGroups", e))?;
    let g = out
        .replication_groups()
        .first()
        .ok_or_else(|| CloudError::NotFound(format!("replication group {id}")))?;
    Ok(CacheReplicationGroup {
        id: owned(g.replication_group_id()),
        status: owned(g.status()),
        automatic_failover: g.automatic_failover().map(|a| a.as_str().to_string()),
        node_groups: g
            .node_groups()
            .iter()
            .map(|n| {
                let members = n.node_group_members();
                let with_role = |role: &str| {
                    members
                        .iter()
                        .filter(|m| m.current_role() == Some(role))
                        .map(|m| owned(m.cache_cluster_id()))
                        .collect::<Vec<_>>()
                };
                CacheNodeGroup {
                    id: owned(n.node_group_id()),
                    status: owned(n.status()),
                    primary: with_role("primary").into_iter().next(),
                    replicas: with_role("replica"),
                    primary_endpoint: n.primary_endpoint().and_then(|e| opt(e.address())),
                    port: n
                        .primary_endpoint()
                        .and_then(|e| e.port())
                        .and_then(|p| u16::try_from(p).ok()),
                }
            })
            .collect(),
        auth_token_enabled: g.auth_token_enabled(),
        transit_encryption: g.transit_encryption_enabled(),
        auth_token_modified: epoch(g.auth_token_last_modified_date()),
    })
}

/// `TestFailover` of `node_group` in `replication_group`.
pub async fn test_failover(
    c: &aws_sdk_elasticache::Client,
    replication_group: &str,
    node_group: &str,
) -> CloudResult<WriteReceipt> {
    let out = c
        .test_failover()
        .replication_group_id(replication_group)
        .node_group_id(node_group)
        .send()
        .await
        .map_err(|e| map_sdk_error("TestFailover", e))?;
    let status = out
        .replication_group()
        .and_then(|g| g.status())
        .unwrap_or("unknown");
    Ok(WriteReceipt {
        request_id: out.request_id().map(str::to_owned),
        summary: format!("TestFailover {replication_group} node group {node_group}: {status}"),
    })
}
