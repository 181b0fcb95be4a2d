//! `DataRead` and `DataAct` for [`AwsCloud`]: the data runbooks' RDS calls.

use async_trait::async_trait;

use super::{AwsCloud, rds};
use crate::cloud::{CloudResult, DataAct, DataRead, DbInstance, DbSnapshot, WriteReceipt};

#[async_trait]
impl DataRead for AwsCloud {
    async fn db_instance(&self, id: &str) -> CloudResult<DbInstance> {
        rds::db_instance(&self.clients().await.rds, id).await
    }

    async fn db_snapshots(&self, instance: &str) -> CloudResult<Vec<DbSnapshot>> {
        rds::db_snapshots(&self.clients().await.rds, instance).await
    }
}

#[async_trait]
impl DataAct for AwsCloud {
    async fn create_db_snapshot(
        &self,
        instance: &str,
        snapshot: &str,
        tags: &[(String, String)],
    ) -> CloudResult<WriteReceipt> {
        rds::create_db_snapshot(&self.clients().await.rds, instance, snapshot, tags).await
    }

    async fn failover_db_instance(&self, instance: &str) -> CloudResult<WriteReceipt> {
        rds::failover_db_instance(&self.clients().await.rds, instance).await
    }
}
