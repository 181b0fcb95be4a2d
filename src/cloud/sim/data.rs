//! The data runbooks on the simulated account: each environment has one RDS instance,
//! `cloudplatform-<env>-rds-postgres` (Multi-AZ in prod only), and one Redis replication
//! group, `cloudplatform-<env>-redis` (node group `0001`; a replica and automatic failover
//! everywhere but dev). Snapshots are available at once; a failover swaps the primary and
//! standby; an AUTH token change leaves the group `modifying` for [`AUTH_MODIFY_SECS`];
//! the writes live in the world's [`DataLedger`].

use async_trait::async_trait;

use super::SimCloud;
use super::profile::{PROJECT, REGION};
use crate::cloud::{
    CacheNodeGroup, CacheReplicationGroup, CloudError, CloudResult, DataAct, DataRead, DbInstance,
    DbSnapshot, WriteReceipt,
};

/// Data writes applied to the simulated world.
#[derive(Debug, Clone, Default)]
pub struct DataLedger {
    pub snapshots: Vec<DbSnapshot>,
    /// (DB instance or `group/node group`, failovers so far)
    pub failovers: Vec<(String, u32)>,
    /// DB instances stopped (and not started again).
    pub stopped: Vec<String>,
    /// ECS service tags: (service ARN, key, value).
    pub service_tags: Vec<(String, String, String)>,
    /// AUTH token changes: (replication group, strategy, time).
    pub auth_token_changes: Vec<(String, crate::cloud::AuthTokenStrategy, crate::cloud::Epoch)>,
}

/// Simulated seconds a replication group stays `modifying` after an AUTH token change.
pub const AUTH_MODIFY_SECS: i64 = 15;

impl DataLedger {
    fn failovers_of(&self, id: &str) -> u32 {
        self.failovers
            .iter()
            .find(|(i, _)| i == id)
            .map_or(0, |(_, n)| *n)
    }

    fn count_failover(&mut self, id: &str) {
        match self.failovers.iter_mut().find(|(i, _)| i == id) {
            Some((_, n)) => *n += 1,
            None => self.failovers.push((id.to_string(), 1)),
        }
    }
}

impl SimCloud {
    pub(super) fn db_id(&self) -> String {
        format!("{PROJECT}-{}-rds-postgres", self.profile.name)
    }

    fn sim_db(&self, id: &str) -> CloudResult<DbInstance> {
        if id != self.db_id() {
            return Err(CloudError::NotFound(format!(
                "DescribeDBInstances: DBInstanceNotFound: DBInstance {id} not found"
            )));
        }
        let multi_az = self.profile.name == "prod";
        let ledger = self.world.data_ledger();
        let failovers = ledger.failovers_of(id);
        let stopped = ledger.stopped.iter().any(|s| s == id);
        let (a, b) = (format!("{REGION}a"), format!("{REGION}b"));
        let (primary, standby) = if failovers.is_multiple_of(2) {
            (a, b)
        } else {
            (b, a)
        };
        Ok(DbInstance {
            id: id.to_string(),
            status: if stopped { "stopped" } else { "available" }.into(),
            engine: "postgres".into(),
            multi_az,
            availability_zone: Some(primary),
            secondary_availability_zone: multi_az.then_some(standby),
            instance_class: Some(
                match self.profile.name.as_str() {
                    "prod" => "db.r6g.large",
                    "staging" => "db.t4g.medium",
                    _ => "db.t4g.micro",
                }
                .into(),
            ),
            allocated_storage_gb: Some(match self.profile.name.as_str() {
                "prod" => 100,
                "staging" => 50,
                _ => 20,
            }),
            endpoint: Some(format!("{id}.sim.{REGION}.rds.amazonaws.com")),
            port: Some(5432),
        })
    }

    pub(super) fn sim_cache(&self, id: &str) -> CloudResult<CacheReplicationGroup> {
        if id != format!("{PROJECT}-{}-redis", self.profile.name) {
            return Err(CloudError::NotFound(format!(
                "DescribeReplicationGroups: ReplicationGroupNotFoundFault: {id}"
            )));
        }
        let replicated = self.profile.name != "dev";
        let swapped = !self
            .world
            .data_ledger()
            .failovers_of(&format!("{id}/0001"))
            .is_multiple_of(2);
        let (a, b) = (format!("{id}-001"), format!("{id}-002"));
        let (primary, replica) = if swapped { (b, a) } else { (a, b) };
        let now = self.world.now();
        let last_auth = self
            .world
            .data_ledger()
            .auth_token_changes
            .iter()
            .filter(|(g, _, at)| g == id && *at <= now)
            .map(|(_, _, at)| *at)
            .max();
        let status = match last_auth {
            Some(at) if now < at + AUTH_MODIFY_SECS => "modifying",
            _ => "available",
        };
        Ok(CacheReplicationGroup {
            id: id.to_string(),
            status: status.into(),
            automatic_failover: Some(if replicated { "enabled" } else { "disabled" }.into()),
            node_groups: vec![CacheNodeGroup {
                id: "0001".into(),
                status: status.into(),
                primary: Some(primary),
                replicas: if replicated { vec![replica] } else { vec![] },
                primary_endpoint: Some(format!("master.{id}.sim.{REGION}.cache.amazonaws.com")),
                port: Some(6379),
            }],
            auth_token_enabled: Some(true),
            transit_encryption: Some(true),
            auth_token_modified: Some(last_auth.unwrap_or(self.world.start() - 90 * 86_400)),
        })
    }
}

#[async_trait]
impl DataRead for SimCloud {
    async fn db_instance(&self, id: &str) -> CloudResult<DbInstance> {
        self.sim_db(id)
    }

    async fn db_snapshots(&self, instance: &str) -> CloudResult<Vec<DbSnapshot>> {
        self.sim_db(instance)?;
        Ok(self
            .world
            .data_ledger()
            .snapshots
            .into_iter()
            .filter(|s| s.instance == instance)
            .collect())
    }

    async fn cache_replication_group(&self, id: &str) -> CloudResult<CacheReplicationGroup> {
        self.sim_cache(id)
    }

    async fn service_tags(&self, service_arn: &str) -> CloudResult<Vec<(String, String)>> {
        Ok(self
            .world
            .data_ledger()
            .service_tags
            .into_iter()
            .filter(|(arn, _, _)| arn == service_arn)
            .map(|(_, k, v)| (k, v))
            .collect())
    }
}

#[async_trait]
impl DataAct for SimCloud {
    async fn create_db_snapshot(
        &self,
        instance: &str,
        snapshot: &str,
        _tags: &[(String, String)],
    ) -> CloudResult<WriteReceipt> {
        self.sim_db(instance)?;
        if self
            .world
            .data_ledger()
            .snapshots
            .iter()
            .any(|s| s.id == snapshot)
        {
            return Err(CloudError::Invalid(format!(
                "CreateDBSnapshot: DBSnapshotAlreadyExists: {snapshot}"
            )));
        }
        self.world.update_data(|l| {
            l.snapshots.push(DbSnapshot {
                id: snapshot.to_string(),
                instance: instance.to_string(),
                status: "available".into(),
            })
        });
        let line = format!("{} CreateDBSnapshot {instance} {snapshot}", self.env());
        let request_id = self.world.record(self.env(), instance, None, line);
        Ok(WriteReceipt {
            request_id: Some(request_id),
            summary: format!("CreateDBSnapshot {snapshot} of {instance}: creating"),
        })
    }

    async fn failover_db_instance(&self, instance: &str) -> CloudResult<WriteReceipt> {
        let db = self.sim_db(instance)?;
        if !db.multi_az {
            return Err(CloudError::Invalid(format!(
                "RebootDBInstance: InvalidParameterCombination: cannot do a failover on the single-AZ instance {instance}"
            )));
        }
        self.world.update_data(|l| l.count_failover(instance));
        let line = format!(
            "{} RebootDBInstance {instance} ForceFailover=true",
            self.env()
        );
        let request_id = self.world.record(self.env(), instance, None, line);
        Ok(WriteReceipt {
            request_id: Some(request_id),
            summary: format!("RebootDBInstance {instance} ForceFailover=true: rebooting"),
        })
    }

    async fn test_cache_failover(
        &self,
        replication_group: &str,
        node_group: &str,
    ) -> CloudResult<WriteReceipt> {
        let group = self.sim_cache(replication_group)?;
        let ng = group
            .node_groups
            .iter()
            .find(|n| n.id == node_group)
            .ok_or_else(|| {
                CloudError::NotFound(format!(
                    "TestFailover: NodeGroupNotFoundFault: {node_group}"
                ))
            })?;
        if ng.replicas.is_empty() {
            return Err(CloudError::Invalid(format!(
                "TestFailover: InvalidReplicationGroupState: {replication_group} has no replica to fail over to"
            )));
        }
        let key = format!("{replication_group}/{node_group}");
        self.world.update_data(|l| l.count_failover(&key));
        let line = format!(
            "{} TestFailover {replication_group} {node_group}",
            self.env()
        );
        let request_id = self.world.record(self.env(), replication_group, None, line);
        Ok(WriteReceipt {
            request_id: Some(request_id),
            summary: format!("TestFailover {replication_group} node group {node_group}: modifying"),
        })
    }

    async fn stop_db_instance(&self, instance: &str) -> CloudResult<WriteReceipt> {
        let db = self.sim_db(instance)?;
        if db.status != "available" {
            return Err(CloudError::Invalid(format!(
                "StopDBInstance: InvalidDBInstanceState: {instance} is {}",
                db.status
            )));
        }
        self.world
            .update_data(|l| l.stopped.push(instance.to_string()));
        self.data_write(instance, format!("StopDBInstance {instance}"), "stopping")
    }

    async fn start_db_instance(&self, instance: &str) -> CloudResult<WriteReceipt> {
        let db = self.sim_db(instance)?;
        if db.status != "stopped" {
            return Err(CloudError::Invalid(format!(
                "StartDBInstance: InvalidDBInstanceState: {instance} is {}",
                db.status
            )));
        }
        self.world
            .update_data(|l| l.stopped.retain(|s| s != instance));
        self.data_write(instance, format!("StartDBInstance {instance}"), "starting")
    }

    async fn tag_service(
        &self,
        service_arn: &str,
        key: &str,
        value: &str,
    ) -> CloudResult<WriteReceipt> {
        if !self
            .service_names()
            .iter()
            .any(|s| self.profile.service_arn(s) == service_arn)
        {
            return Err(CloudError::NotFound(format!("TagResource: {service_arn}")));
        }
        self.world.update_data(|l| {
            l.service_tags
                .retain(|(a, k, _)| !(a == service_arn && k == key));
            l.service_tags
                .push((service_arn.to_string(), key.to_string(), value.to_string()));
        });
        self.data_write(
            crate::cloud::last_segment(service_arn),
            format!("TagResource {service_arn} {key}={value}"),
            "tagged",
        )
    }
}

impl SimCloud {
    /// Record a data write in the world; its receipt.
    fn data_write(&self, resource: &str, call: String, state: &str) -> CloudResult<WriteReceipt> {
        let request_id =
            self.world
                .record(self.env(), resource, None, format!("{} {call}", self.env()));
        Ok(WriteReceipt {
            request_id: Some(request_id),
            summary: format!("{call}: {state}"),
        })
    }
}
