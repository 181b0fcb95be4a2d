//! The data runbooks on the simulated account: each environment has one RDS instance,
//! `cloudplatform-<env>-rds-postgres` (Multi-AZ in prod only). Snapshots are available
//! at once, a failover swaps the primary and standby zones; the writes live in the
//! world's [`DataLedger`].

use async_trait::async_trait;

use super::SimCloud;
use super::profile::{PROJECT, REGION};
use crate::cloud::{
    CloudError, CloudResult, DataAct, DataRead, DbInstance, DbSnapshot, WriteReceipt,
};

/// Data writes applied to the simulated world.
#[derive(Debug, Clone, Default)]
pub struct DataLedger {
    pub snapshots: Vec<DbSnapshot>,
    /// (instance, failovers so far)
    pub failovers: Vec<(String, u32)>,
}

impl SimCloud {
    fn db_id(&self) -> String {
        format!("{PROJECT}-{}-rds-postgres", self.profile.name)
    }

    fn sim_db(&self, id: &str) -> CloudResult<DbInstance> {
        if id != self.db_id() {
            return Err(CloudError::NotFound(format!(
                "DescribeDBInstances: DBInstanceNotFound: DBInstance {id} not found"
            )));
        }
        let multi_az = self.profile.name == "prod";
        let failovers = self
            .world
            .data_ledger()
            .failovers
            .iter()
            .find(|(i, _)| i == id)
            .map_or(0, |(_, n)| *n);
        let (a, b) = (format!("{REGION}a"), format!("{REGION}b"));
        let (primary, standby) = if failovers % 2 == 0 { (a, b) } else { (b, a) };
        Ok(DbInstance {
            id: id.to_string(),
            status: "available".into(),
            engine: "postgres".into(),
            multi_az,
            availability_zone: Some(primary),
            secondary_availability_zone: multi_az.then_some(standby),
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
        self.world.update_data(
            |l| match l.failovers.iter_mut().find(|(i, _)| i == instance) {
                Some((_, n)) => *n += 1,
                None => l.failovers.push((instance.to_string(), 1)),
            },
        );
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
}
