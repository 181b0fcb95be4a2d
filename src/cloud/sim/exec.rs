//! ECS Exec and port forwarding in the simulated account: every running task has exec
//! enabled, a RUNNING `ExecuteCommandAgent` per container, Fargate 1.4.0 and a task role;
//! `ExecuteCommand` and `StartSession` return a fake session (the demo hands it to
//! whatever `session-manager-plugin` is on PATH).

use async_trait::async_trait;

use super::SimCloud;
use super::source::SimSource;
use crate::cloud::{
    CloudError, CloudResult, EcsRead, ExecAct, ExecContainer, ExecFacts, ExecRead, ExecRequest,
    ExecSession, ForwardRequest, ForwardSession, Session, SessionEndpoint, SessionToken,
    WriteReceipt,
};

/// A container's runtime id in the simulated account (stable per task and container).
fn runtime_id(task_id: &str, container: &str) -> String {
    let short: String = task_id.chars().take(12).collect();
    format!("{short}-{container}")
}

#[async_trait]
impl ExecRead for SimCloud {
    async fn exec_facts(&self, cluster: &str, task: &str) -> CloudResult<ExecFacts> {
        let tasks = self.list_tasks(cluster).await?;
        let t = tasks
            .iter()
            .find(|t| t.arn == task || t.id() == task)
            .ok_or_else(|| CloudError::NotFound(format!("task {task} in cluster {cluster}")))?;
        let running = t.last_status == "RUNNING";
        Ok(ExecFacts {
            cluster: cluster.to_string(),
            task_arn: t.arn.clone(),
            task_exec_enabled: true,
            service: t.service_name().map(str::to_owned),
            service_exec_enabled: t.service_name().map(|_| true),
            launch_type: Some("FARGATE".into()),
            platform_version: Some("1.4.0".into()),
            task_role_arn: Some(format!(
                "arn:aws:iam::{}:role/{}-task",
                self.account(),
                self.cluster()
            )),
            containers: t
                .containers
                .iter()
                .map(|c| ExecContainer {
                    name: c.name.clone(),
                    runtime_id: Some(runtime_id(t.id(), &c.name)),
                    agent_status: Some(if running { "RUNNING" } else { "STOPPED" }.into()),
                    agent_reason: None,
                })
                .collect(),
        })
    }

    async fn session_endpoint(&self) -> CloudResult<SessionEndpoint> {
        Ok(SessionEndpoint {
            region: super::REGION.to_string(),
            ecs_url: format!("https://ecs.{}.amazonaws.com", super::REGION),
            ssm_url: format!("https://ssm.{}.amazonaws.com", super::REGION),
        })
    }
}

/// A fake session: the plugin is handed it, nothing real is reachable.
fn fake_session(id: &str) -> Session {
    Session {
        session_id: format!("sim-{id}"),
        stream_url: format!(
            "wss://ssmmessages.{}.amazonaws.com/v1/data-channel/sim-{id}",
            super::REGION
        ),
        token: SessionToken("sim-token".into()),
    }
}

#[async_trait]
impl ExecAct for SimCloud {
    async fn execute_command(&self, request: &ExecRequest) -> CloudResult<ExecSession> {
        self.check(SimSource::EcsWrites)?;
        self.check_cluster(&request.cluster)?;
        let id = crate::cloud::last_segment(&request.task);
        Ok(ExecSession {
            session: fake_session(&format!("exec-{id}")),
            target: request.target(),
            request_id: Some(format!("sim-exec-{id}")),
        })
    }

    async fn start_port_forward(&self, request: &ForwardRequest) -> CloudResult<ForwardSession> {
        self.check(SimSource::EcsWrites)?;
        let id = format!("forward-{}-{}", request.task_id, request.local_port);
        Ok(ForwardSession {
            session: fake_session(&id),
            target: request.target(),
            request_id: Some(format!("sim-{id}")),
        })
    }

    async fn terminate_session(&self, session_id: &str) -> CloudResult<WriteReceipt> {
        Ok(WriteReceipt {
            request_id: Some(format!("sim-terminate-{session_id}")),
            summary: format!("TerminateSession {session_id}"),
        })
    }
}
