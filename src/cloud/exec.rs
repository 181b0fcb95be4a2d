//! Into the container: ECS Exec (`ecs:ExecuteCommand`) and port forwarding through a task
//! (`ssm:StartSession` with `AWS-StartPortForwardingSessionToRemoteHost`), the facts the
//! exec preflight reads (`DescribeTasks` managed agents, the service's and task's
//! `enableExecuteCommand`, platform version, task role), and `ssm:TerminateSession`.
//!
//! A session's token is a credential: [`SessionToken`] never prints it (`Debug` and
//! `Display` show `******`); it is handed to the `session-manager-plugin` and nowhere else.

use async_trait::async_trait;

use super::{CloudError, CloudResult, WriteReceipt};

/// The SSM document that forwards a local port to a host and port the target reaches.
pub const PORT_FORWARD_DOCUMENT: &str = "AWS-StartPortForwardingSessionToRemoteHost";

/// The IAM actions the task role needs for ECS Exec (the SSM agent's data channels).
pub const SSMMESSAGES_ACTIONS: [&str; 4] = [
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
];

/// One container of a task as ECS Exec sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExecContainer {
    pub name: String,
    /// The container runtime id (part of the SSM target `ecs:<cluster>_<task>_<runtime>`).
    pub runtime_id: Option<String>,
    /// `lastStatus` of the container's `ExecuteCommandAgent` managed agent (RUNNING,
    /// PENDING, STOPPED); None when the task reports no such agent.
    pub agent_status: Option<String>,
    /// Why the agent is not running, when ECS says.
    pub agent_reason: Option<String>,
}

/// What the exec preflight reads about one task.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExecFacts {
    pub cluster: String,
    pub task_arn: String,
    /// The task's own `enableExecuteCommand` (what decides whether exec can work).
    pub task_exec_enabled: bool,
    /// The service that started the task, and its `enableExecuteCommand` (new tasks'
    /// setting); None for a task no service started or a service that could not be read.
    pub service: Option<String>,
    pub service_exec_enabled: Option<bool>,
    /// FARGATE, EC2, EXTERNAL (or a capacity provider's launch type).
    pub launch_type: Option<String>,
    /// The Fargate platform version the task runs on (`1.4.0`, `LATEST`…).
    pub platform_version: Option<String>,
    /// The task role (an override of the task's, else the task definition's).
    pub task_role_arn: Option<String>,
    pub containers: Vec<ExecContainer>,
}

impl ExecFacts {
    /// The short task id (last ARN segment).
    pub fn task_id(&self) -> &str {
        super::last_segment(&self.task_arn)
    }

    /// The container called `name`, or the only one when `name` is None.
    pub fn container(&self, name: Option<&str>) -> Option<&ExecContainer> {
        match name {
            Some(n) => self.containers.iter().find(|c| c.name == n),
            None if self.containers.len() == 1 => self.containers.first(),
            None => None,
        }
    }
}

/// A session token: sent to the plugin, never shown, never logged.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct SessionToken(pub String);

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken(******)")
    }
}

/// A Session Manager session opened by `ExecuteCommand` or `StartSession`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Session {
    pub session_id: String,
    pub stream_url: String,
    pub token: SessionToken,
}

/// What `ExecuteCommand` is asked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExecRequest {
    pub cluster: String,
    pub task: String,
    pub container: String,
    /// The container's runtime id (from the preflight's `DescribeTasks`): the SSM target.
    pub runtime_id: String,
    pub command: String,
}

impl ExecRequest {
    /// The SSM target the plugin opens the session on.
    pub fn target(&self) -> String {
        ecs_target(
            &self.cluster,
            super::last_segment(&self.task),
            &self.runtime_id,
        )
    }
}

/// An interactive exec session, with what the plugin needs besides the session.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExecSession {
    pub session: Session,
    /// The SSM target the plugin opens the data channel to.
    pub target: String,
    pub request_id: Option<String>,
}

/// A port forward through a task's container.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ForwardRequest {
    pub cluster: String,
    pub task_id: String,
    pub runtime_id: String,
    /// The host the container reaches (a database endpoint, an IP).
    pub host: String,
    pub remote_port: u16,
    pub local_port: u16,
}

impl ForwardRequest {
    /// The SSM target of an ECS task's container: `ecs:<cluster>_<task-id>_<runtime-id>`.
    pub fn target(&self) -> String {
        ecs_target(&self.cluster, &self.task_id, &self.runtime_id)
    }

    /// The document's parameters: `host`, `portNumber`, `localPortNumber`.
    pub fn parameters(&self) -> Vec<(&'static str, String)> {
        vec![
            ("host", self.host.clone()),
            ("portNumber", self.remote_port.to_string()),
            ("localPortNumber", self.local_port.to_string()),
        ]
    }
}

/// The SSM target of a container of an ECS task. `cluster` may be a name or an ARN.
pub fn ecs_target(cluster: &str, task_id: &str, runtime_id: &str) -> String {
    let cluster = super::last_segment(cluster);
    format!("ecs:{cluster}_{task_id}_{runtime_id}")
}

/// A port-forwarding session `StartSession` opened.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ForwardSession {
    pub session: Session,
    pub target: String,
    pub request_id: Option<String>,
}

/// The reads of the exec preflight.
#[async_trait]
pub trait ExecRead: Send + Sync {
    /// `DescribeTasks` (with managed agents) of one task, `DescribeServices` of the
    /// service that started it, and the task definition's role when the task has none.
    async fn exec_facts(&self, cluster: &str, task: &str) -> CloudResult<ExecFacts> {
        let _ = (cluster, task);
        Err(CloudError::Unsupported("ECS Exec facts".into()))
    }

    /// The region and SSM endpoint URL the `session-manager-plugin` is handed (the
    /// endpoint the console's SSM client talks to).
    async fn session_endpoint(&self) -> CloudResult<SessionEndpoint> {
        Err(CloudError::Unsupported("Session Manager".into()))
    }
}

/// Where the plugin's session lives: the region and the endpoint URLs the AWS CLI hands
/// the plugin (ECS's for an exec session, SSM's for `StartSession`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SessionEndpoint {
    pub region: String,
    pub ecs_url: String,
    pub ssm_url: String,
}

/// The operator actions into a container. Absent in read-only mode.
#[async_trait]
pub trait ExecAct: Send + Sync {
    /// `ecs:ExecuteCommand`, interactive.
    async fn execute_command(&self, request: &ExecRequest) -> CloudResult<ExecSession>;
    /// `ssm:StartSession` with [`PORT_FORWARD_DOCUMENT`] on the task's container.
    async fn start_port_forward(&self, request: &ForwardRequest) -> CloudResult<ForwardSession>;
    /// `ssm:TerminateSession`.
    async fn terminate_session(&self, session_id: &str) -> CloudResult<WriteReceipt>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_and_parameters() {
        let r = ForwardRequest {
            cluster: "arn:aws:ecs:us-east-1:1:cluster/c1".into(),
            task_id: "t1".into(),
            runtime_id: "r1".into(),
            host: "db.example".into(),
            remote_port: 5432,
            local_port: 15432,
        };
        assert_eq!(r.target(), "ecs:c1_t1_r1");
        assert_eq!(r.parameters()[1], ("portNumber", "5432".to_string()));
    }

    #[test]
    fn tokens_never_print() {
        let s = Session {
            session_id: "s".into(),
            stream_url: "wss://x".into(),
            token: SessionToken("SECRET-TOKEN".into()),
        };
        assert!(!format!("{s:?}").contains("SECRET-TOKEN"));
    }

    #[test]
    fn the_only_container_is_the_default() {
        let mut f = ExecFacts {
            containers: vec![ExecContainer {
                name: "app".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        assert_eq!(f.container(None).map(|c| c.name.as_str()), Some("app"));
        f.containers.push(ExecContainer {
            name: "sidecar".into(),
            ..Default::default()
        });
        assert!(f.container(None).is_none());
        assert!(f.container(Some("sidecar")).is_some());
    }
}
