//! The data runbooks' writes as the executor performs them: one API call each, made
//! through the engine's audited path (intent fsync'd before, outcome after).

use crate::cloud::{CloudAct, CloudResult, WriteReceipt};

/// A planned data write, carried by `Action::Data`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataAction {
    /// `rds:CreateDBSnapshot`.
    CreateDbSnapshot {
        instance: String,
        snapshot: String,
        tags: Vec<(String, String)>,
    },
    /// `rds:RebootDBInstance ForceFailover=true`.
    FailoverDb { instance: String },
    /// `elasticache:TestFailover`.
    TestCacheFailover { group: String, node_group: String },
    /// `rds:StopDBInstance`.
    StopDb { instance: String },
    /// `rds:StartDBInstance`.
    StartDb { instance: String },
    /// `iam:UpdateAccessKey` to Active or Inactive.
    SetAccessKeyStatus {
        user: String,
        key: String,
        active: bool,
    },
    /// `ecs:TagResource` of a service.
    TagService {
        arn: String,
        key: String,
        value: String,
    },
}

impl DataAction {
    /// Make the call.
    pub async fn call(&self, act: &dyn CloudAct) -> CloudResult<WriteReceipt> {
        match self {
            DataAction::CreateDbSnapshot {
                instance,
                snapshot,
                tags,
            } => act.create_db_snapshot(instance, snapshot, tags).await,
            DataAction::FailoverDb { instance } => act.failover_db_instance(instance).await,
            DataAction::TestCacheFailover { group, node_group } => {
                act.test_cache_failover(group, node_group).await
            }
            DataAction::StopDb { instance } => act.stop_db_instance(instance).await,
            DataAction::StartDb { instance } => act.start_db_instance(instance).await,
            DataAction::TagService { arn, key, value } => act.tag_service(arn, key, value).await,
            DataAction::SetAccessKeyStatus { user, key, active } => {
                act.set_access_key_status(user, key, *active).await
            }
        }
    }
}
