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
        }
    }
}
