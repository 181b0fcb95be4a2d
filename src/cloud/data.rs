//! Reads and writes of the data runbooks: RDS instances and manual snapshots,
//! ElastiCache replication groups, and the ECS service tag the dev scale-down records the
//! desired count in; their writes (snapshot, Multi-AZ failover, stop/start, cache test
//! failover, tagging). Every write returns a `WriteReceipt`.

use async_trait::async_trait;

use super::{CloudResult, WriteReceipt};

/// An RDS DB instance (`DescribeDBInstances`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DbInstance {
    pub id: String,
    /// available, backing-up, rebooting, stopping, stopped, starting, …
    pub status: String,
    pub engine: String,
    pub multi_az: bool,
    pub availability_zone: Option<String>,
    pub secondary_availability_zone: Option<String>,
    /// `db.r6g.large`, …
    pub instance_class: Option<String>,
    pub allocated_storage_gb: Option<i64>,
    /// The instance's endpoint address and port (what a port forward reaches).
    pub endpoint: Option<String>,
    pub port: Option<u16>,
}

/// A manual RDS snapshot (`DescribeDBSnapshots`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DbSnapshot {
    pub id: String,
    pub instance: String,
    /// creating, available, failed, …
    pub status: String,
}

/// Reads the data runbooks plan and wait with.
#[async_trait]
pub trait DataRead: Send + Sync {
    /// `rds:DescribeDBInstances` for one instance.
    async fn db_instance(&self, id: &str) -> CloudResult<DbInstance>;
    /// `rds:DescribeDBSnapshots` (manual) of one instance.
    async fn db_snapshots(&self, instance: &str) -> CloudResult<Vec<DbSnapshot>>;
    /// `elasticache:DescribeReplicationGroups` for one group.
    async fn cache_replication_group(&self, id: &str) -> CloudResult<CacheReplicationGroup>;
    /// `ecs:ListTagsForResource` of a service ARN, as (key, value).
    async fn service_tags(&self, service_arn: &str) -> CloudResult<Vec<(String, String)>>;
}

/// Writes of the data runbooks. Absent in read-only mode (part of `CloudAct`).
#[async_trait]
pub trait DataAct: Send + Sync {
    /// `rds:CreateDBSnapshot` named `snapshot`, with `tags`.
    async fn create_db_snapshot(
        &self,
        instance: &str,
        snapshot: &str,
        tags: &[(String, String)],
    ) -> CloudResult<WriteReceipt>;
    /// `rds:RebootDBInstance` with `ForceFailover=true` (Multi-AZ instances only).
    async fn failover_db_instance(&self, instance: &str) -> CloudResult<WriteReceipt>;
    /// `elasticache:TestFailover` of one node group (its primary moves to a replica).
    async fn test_cache_failover(
        &self,
        replication_group: &str,
        node_group: &str,
    ) -> CloudResult<WriteReceipt>;
    /// `rds:StopDBInstance`.
    async fn stop_db_instance(&self, instance: &str) -> CloudResult<WriteReceipt>;
    /// `rds:StartDBInstance`.
    async fn start_db_instance(&self, instance: &str) -> CloudResult<WriteReceipt>;
    /// `ecs:TagResource` of a service ARN with one tag.
    async fn tag_service(
        &self,
        service_arn: &str,
        key: &str,
        value: &str,
    ) -> CloudResult<WriteReceipt>;
}

/// An ElastiCache replication group (`DescribeReplicationGroups`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CacheReplicationGroup {
    pub id: String,
    /// available, modifying, snapshotting, …
    pub status: String,
    /// enabled, disabled, enabling, disabling (None when not reported).
    pub automatic_failover: Option<String>,
    pub node_groups: Vec<CacheNodeGroup>,
    /// `AuthTokenEnabled` (None when not reported).
    pub auth_token_enabled: Option<bool>,
    /// `TransitEncryptionEnabled` (AUTH needs it; None when not reported).
    pub transit_encryption: Option<bool>,
    /// `AuthTokenLastModifiedDate`.
    pub auth_token_modified: Option<super::Epoch>,
}

/// One node group (shard) of a replication group.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CacheNodeGroup {
    pub id: String,
    pub status: String,
    /// Cache cluster id of the member whose role is primary.
    pub primary: Option<String>,
    /// Cache cluster ids of the replicas.
    pub replicas: Vec<String>,
    /// The primary endpoint's address and port (what a port forward reaches).
    pub primary_endpoint: Option<String>,
    pub port: Option<u16>,
}
