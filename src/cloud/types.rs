//! Plain, owned domain types returned by the cloud traits.
//!
//! No SDK type appears here; timestamps are Unix epoch seconds (UTC).

/// Unix epoch seconds, UTC.
pub type Epoch = i64;

/// Who the console is acting as (STS `GetCallerIdentity`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CallerIdentity {
    pub account: String,
    pub arn: String,
    pub user_id: String,
    /// When the session the console signed in with ends (an MFA role session), if known.
    pub session_expires: Option<Epoch>,
}

impl CallerIdentity {
    /// The last path segment of the ARN: the role session or user name.
    pub fn short_name(&self) -> &str {
        self.arn.rsplit(['/', ':']).next().unwrap_or(&self.arn)
    }
}

/// One ECS service with its deployments and recent events (`DescribeServices`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EcsService {
    pub name: String,
    pub arn: String,
    pub status: String,
    pub desired: i32,
    pub running: i32,
    pub pending: i32,
    pub task_definition: String,
    pub launch_type: String,
    pub deployments: Vec<EcsDeployment>,
    pub events: Vec<ServiceEvent>,
    pub target_groups: Vec<String>,
    pub created_at: Option<Epoch>,
}

impl EcsService {
    /// The PRIMARY deployment (the one the service is rolling towards), if any.
    pub fn primary_deployment(&self) -> Option<&EcsDeployment> {
        self.deployments.iter().find(|d| d.status == "PRIMARY")
    }

    /// True when the service is settled: one deployment, rollout completed, running == desired.
    pub fn is_steady(&self) -> bool {
        self.deployments.len() == 1
            && self
                .primary_deployment()
                .is_none_or(|d| d.rollout_state.as_deref().is_none_or(|s| s == "COMPLETED"))
            && self.running == self.desired
    }
}

/// One deployment of a service as `DescribeServices` reports it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EcsDeployment {
    pub id: String,
    /// PRIMARY, ACTIVE or INACTIVE.
    pub status: String,
    pub task_definition: String,
    pub desired: i32,
    pub running: i32,
    pub pending: i32,
    pub failed: i32,
    /// COMPLETED, IN_PROGRESS or FAILED (absent on endpoints that do not report it).
    pub rollout_state: Option<String>,
    pub rollout_reason: Option<String>,
    pub created_at: Option<Epoch>,
    pub updated_at: Option<Epoch>,
}

/// One line of a service's event stream.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceEvent {
    pub id: String,
    pub created_at: Option<Epoch>,
    pub message: String,
}

/// One task of a cluster (`DescribeTasks`), with its network attachment.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EcsTask {
    pub arn: String,
    pub task_definition_arn: String,
    pub last_status: String,
    pub desired_status: String,
    pub health: Option<String>,
    pub availability_zone: Option<String>,
    pub private_ip: Option<String>,
    pub eni_id: Option<String>,
    /// `service:<name>` for tasks a service started.
    pub group: Option<String>,
    pub started_at: Option<Epoch>,
    pub stopped_at: Option<Epoch>,
    pub stopped_reason: Option<String>,
    pub cpu: Option<String>,
    pub memory: Option<String>,
    /// The task's containers as `DescribeTasks` reports them.
    pub containers: Vec<TaskContainer>,
}

/// One container of a running or stopped task.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TaskContainer {
    pub name: String,
    pub image: String,
    /// `sha256:…` of the image the container actually ran.
    pub image_digest: Option<String>,
    pub last_status: String,
    pub exit_code: Option<i32>,
    /// Why the container stopped (e.g. `OutOfMemoryError`), when ECS says.
    pub reason: Option<String>,
}

impl EcsTask {
    /// The short task id (last ARN segment).
    pub fn id(&self) -> &str {
        last_segment(&self.arn)
    }

    /// `family:revision` of the task definition.
    pub fn task_definition(&self) -> &str {
        last_segment(&self.task_definition_arn)
    }

    /// The service that started this task, from its `service:<name>` group.
    pub fn service_name(&self) -> Option<&str> {
        self.group
            .as_deref()
            .and_then(|g| g.strip_prefix("service:"))
    }
}

/// A task definition revision, as far as the console needs it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TaskDefinition {
    pub arn: String,
    pub family: String,
    pub revision: i32,
    pub status: String,
    pub cpu: Option<String>,
    pub memory: Option<String>,
    pub containers: Vec<ContainerSummary>,
    pub registered_at: Option<Epoch>,
}

/// One container of a task definition. Secret *references* only, never values.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ContainerSummary {
    pub name: String,
    pub image: String,
    /// ARNs or names the container's `secrets` reference (`valueFrom`).
    pub secret_refs: Vec<String>,
    /// Names of the container's plain `environment` variables (never their values).
    pub env_names: Vec<String>,
    /// The `awslogs-group` option of an `awslogs` log configuration, if any.
    pub log_group: Option<String>,
}

/// One entry of `ListServiceDeployments` (a rollout with its outcome).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceDeploymentRecord {
    pub arn: String,
    /// PENDING, SUCCESSFUL, STOPPED, STOP_REQUESTED, IN_PROGRESS, ROLLBACK_*...
    pub status: String,
    pub target_task_definition: Option<String>,
    pub started_at: Option<Epoch>,
    pub finished_at: Option<Epoch>,
}

/// The last segment of an ARN or path (`.../name` or `...:name`).
pub fn last_segment(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_ids_come_from_the_arn() {
        let t = EcsTask {
            arn: "arn:aws:ecs:us-east-1:1:task/c/abc123".into(),
            task_definition_arn: "arn:aws:ecs:us-east-1:1:task-definition/web:42".into(),
            group: Some("service:web".into()),
            ..Default::default()
        };
        assert_eq!(t.id(), "abc123");
        assert_eq!(t.task_definition(), "web:42");
        assert_eq!(t.service_name(), Some("web"));
    }

    #[test]
    fn caller_short_name_is_the_session() {
        let c = CallerIdentity {
            arn: "arn:aws:sts::1:assumed-role/oncall/alice".into(),
            ..Default::default()
        };
        assert_eq!(c.short_name(), "alice");
    }

    #[test]
    fn steady_needs_one_completed_deployment() {
        let mut s = EcsService {
            desired: 3,
            running: 3,
            deployments: vec![EcsDeployment {
                status: "PRIMARY".into(),
                rollout_state: Some("COMPLETED".into()),
                ..Default::default()
            }],
            ..Default::default()
        };
        assert!(s.is_steady());
        s.deployments.push(EcsDeployment {
            status: "ACTIVE".into(),
            ..Default::default()
        });
        assert!(!s.is_steady());
    }
}
