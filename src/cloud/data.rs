//! Reads and writes of the data runbooks: RDS instances and manual snapshots, and
//! their writes (snapshot, Multi-AZ failover). Every write returns a `WriteReceipt`.

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
}
