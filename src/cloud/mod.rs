//! The cloud boundary: traits, domain types and errors.
//!
//! This module tree is the only code that names `aws_sdk_*` (in `aws/`). Reading and
//! acting are separate traits: a read-only console is built with no acting
//! implementation at all, so a write cannot leave the process by construction.

pub mod aws;
pub mod cost;
pub mod data;
pub mod discovery;
pub mod error;
pub mod exec;
pub mod history;
pub mod incident;
pub mod insights_window;
pub mod listing;
pub mod logs;
pub mod metrics;
pub mod mfa;
pub mod ops;
pub mod permissions;
pub mod policy_eval;
pub mod rotation;
pub mod security;
pub mod security_api;
pub mod security_filter;
pub mod security_score;
pub mod sim;
pub mod types;

use std::sync::Arc;

use async_trait::async_trait;

pub use cost::*;
pub use data::*;
pub use error::{CloudError, CloudResult};
pub use exec::*;
pub use history::*;
pub use incident::*;
pub use listing::Listing;
pub use logs::*;
pub use metrics::*;
pub use ops::*;
pub use rotation::*;
pub use security::*;
pub use security_api::*;
pub use types::*;

/// Who am I (STS).
#[async_trait]
pub trait IdentityRead: Send + Sync {
    /// `sts:GetCallerIdentity`.
    async fn caller_identity(&self) -> CloudResult<CallerIdentity>;
    /// `iam:SimulatePrincipalPolicy` of `principal_arn` (a user, role or assumed-role
    /// ARN) for `actions`: whether each is allowed. `Unsupported` where nothing simulates.
    async fn simulate_principal(
        &self,
        principal_arn: &str,
        actions: &[&str],
    ) -> CloudResult<Vec<(String, bool)>> {
        let _ = (principal_arn, actions);
        Err(CloudError::Unsupported("policy simulation".into()))
    }
    /// The identity-policy documents of `principal_arn` (inline, managed and, for a user,
    /// its groups'), as JSON text: what the doctor evaluates when it cannot simulate.
    async fn principal_policies(&self, principal_arn: &str) -> CloudResult<Vec<String>> {
        let _ = principal_arn;
        Err(CloudError::Unsupported("reading identity policies".into()))
    }
    /// The access key id the cloud signs with, when it is a long-term IAM user key (so a
    /// runbook never deactivates the key it is running on).
    async fn signing_key(&self) -> CloudResult<Option<String>> {
        Ok(None)
    }
    /// AWS's clock minus the local one, in seconds (from an answer's `Date` header).
    async fn clock_skew(&self) -> CloudResult<Epoch> {
        Err(CloudError::Unsupported("clock skew".into()))
    }
}

/// Read access to ECS.
#[async_trait]
pub trait EcsRead: Send + Sync {
    /// `ListServices` (every page) + `DescribeServices` (in batches of 10) for one cluster.
    async fn list_services(&self, cluster: &str) -> CloudResult<Vec<EcsService>>;
    /// `ListTasks` (running, then recently stopped; every page) + `DescribeTasks` (in
    /// batches of 100) for one cluster.
    async fn list_tasks(&self, cluster: &str) -> CloudResult<Vec<EcsTask>>;
    /// `DescribeTaskDefinition` by ARN or `family:revision`.
    async fn describe_task_definition(&self, task_definition: &str) -> CloudResult<TaskDefinition>;
    /// `ListServiceDeployments`; `CloudError::Unsupported` where the endpoint lacks it.
    async fn list_service_deployments(
        &self,
        cluster: &str,
        service: &str,
    ) -> CloudResult<Vec<ServiceDeploymentRecord>>;
}

/// Everything the console reads.
pub trait CloudRead:
    IdentityRead
    + EcsRead
    + ExecRead
    + CostRead
    + MetricsRead
    + SecurityRead
    + OpsRead
    + LogsRead
    + DataRead
    + IncidentRead
    + HistoryRead
{
}
impl<
    T: IdentityRead
        + EcsRead
        + ExecRead
        + CostRead
        + MetricsRead
        + SecurityRead
        + OpsRead
        + LogsRead
        + DataRead
        + IncidentRead
        + HistoryRead,
> CloudRead for T
{
}

/// A change to an ECS service (`UpdateService`). Unset fields are left as they are.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceUpdate {
    pub task_definition: Option<String>,
    pub desired_count: Option<i32>,
    pub force_new_deployment: bool,
}

/// What a write returned: enough to audit it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WriteReceipt {
    pub request_id: Option<String>,
    pub summary: String,
}

/// The writes runbooks perform. Absent in read-only mode.
#[async_trait]
pub trait CloudAct:
    SecurityAct + OpsAct + LogsAct + DataAct + IncidentAct + RotationAct + ExecAct + Send + Sync
{
    /// `ecs:UpdateService`.
    async fn update_service(
        &self,
        cluster: &str,
        service: &str,
        update: &ServiceUpdate,
    ) -> CloudResult<WriteReceipt>;
}

/// The cloud as the app holds it: always a reader, an actor only when writes are allowed.
#[derive(Clone)]
pub struct CloudHandle {
    pub read: Arc<dyn CloudRead>,
    pub act: Option<Arc<dyn CloudAct>>,
}

impl CloudHandle {
    /// A handle over one implementation of both sides; `read_only` leaves out the acting side.
    pub fn new<T: CloudRead + CloudAct + 'static>(cloud: Arc<T>, read_only: bool) -> CloudHandle {
        let act: Option<Arc<dyn CloudAct>> = if read_only { None } else { Some(cloud.clone()) };
        CloudHandle { read: cloud, act }
    }

    /// The acting side, or `CloudError::ReadOnly` when the console was built without one.
    pub fn actor(&self) -> CloudResult<&Arc<dyn CloudAct>> {
        self.act.as_ref().ok_or(CloudError::ReadOnly)
    }

    /// True when no write can be made.
    pub fn is_read_only(&self) -> bool {
        self.act.is_none()
    }
}
