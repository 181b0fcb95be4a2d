//! `DataRead` and `DataAct` for [`AwsCloud`]: the data runbooks' RDS, ElastiCache and
//! ECS service-tag calls.

use async_trait::async_trait;

use super::{AwsCloud, ecs_tags, elasticache, rds};
use crate::cloud::{
    CacheReplicationGroup, CloudResult, DataAct, DataRead, DbInstance, DbSnapshot, WriteReceipt,
};

#[async_trait]
impl DataRead for AwsCloud {
    async fn db_instance(&self, id: &str) -> CloudResult<DbInstance> {
        rds::db_instance(&self.clients().await.rds, id).await
    }

    async fn db_snapshots(&self, instance: &str) -> CloudResult<Vec<DbSnapshot>> {
        rds::db_snapshots(&self.clients().await.rds, instance).await
    }

    async fn cache_replication_group(&self, id: &str) -> CloudResult<CacheReplicationGroup> {
        elasticache::replication_group(&self.clients().await.elasticache, id).await
    }

    async fn service_tags(&self, service_arn: &str) -> CloudResult<Vec<(String, String)>> {
        ecs_tags::service_tags(&self.clients().await.ecs, service_arn).await
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
        rds::create_db_snapshot(&self.act_clients().await.rds, instance, snapshot, tags).await
    }

    async fn failover_db_instance(&self, instance: &str) -> CloudResult<WriteReceipt> {
        rds::failover_db_instance(&self.act_clients().await.rds, instance).await
    }

    async fn test_cache_failover(
        &self,
        replication_group: &str,
        node_group: &str,
    ) -> CloudResult<WriteReceipt> {
        elasticache::test_failover(
            &self.act_clients().await.elasticache,
            replication_group,
            node_group,
        )
        .await
    }

    async fn stop_db_instance(&self, instance: &str) -> CloudResult<WriteReceipt> {
        rds::stop_db_instance(&self.act_clients().await.rds, instance).await
    }

    async fn start_db_instance(&self, instance: &str) -> CloudResult<WriteReceipt> {
        rds::start_db_instance(&self.act_clients().await.rds, instance).await
    }

    async fn tag_service(
        &self,
        service_arn: &str,
        key: &str,
        value: &str,
    ) -> CloudResult<WriteReceipt> {
        ecs_tags::tag_service(&self.act_clients().await.ecs, service_arn, key, value).await
    }
}
